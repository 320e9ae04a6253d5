/*
 * The string set: 200,000 strings, each added twice, kept once in the order first given,
 * found by their text (strset_has), absent ones absent; the set is empty and reusable
 * after strset_free. At this size a set that scanned itself on each add would take
 * minutes; the index makes it linear (review 13e, E3).
 */
#include <stdio.h>
#include <string.h>

#include "base/strset.h"
#include "lib/test.h"

#define N 200000

int
main(void)
{
	struct strset s = STRSET_INIT;
	char key[32];

	ASSERT(!strset_has(&s, "m0"));
	ASSERT(!strset_has(&s, NULL));
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < N; i++) {
			snprintf(key, sizeof(key), "m%zu", i);
			strset_add(&s, key);
		}
	ASSERT_EQ(s.n, N);
	for (size_t i = 0; i < N; i++) {
		snprintf(key, sizeof(key), "m%zu", i);
		ASSERT(strcmp(s.v[i], key) == 0);
		ASSERT(strset_has(&s, key));
	}
	ASSERT(s.v[N] == NULL);
	ASSERT(!strset_has(&s, "m200000"));
	ASSERT(!strset_has(&s, ""));
	strset_free(&s);
	ASSERT_EQ(s.n, 0);
	ASSERT(!strset_has(&s, "m1"));
	strset_add(&s, "a");
	ASSERT(strset_has(&s, "a") && s.n == 1);
	strset_free(&s);
	return 0;
}
