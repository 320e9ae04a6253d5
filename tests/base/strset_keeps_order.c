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

	/* a list's items, between either separator, empty ones skipped, each once in order */
	static const char *const seps[] = {",", "、", NULL};
	strset_add_split(&s, NULL, seps);
	ASSERT_EQ(s.n, 0);
	strset_add_split(&s, ",b,,a、c、、b,", seps);
	ASSERT_EQ(s.n, 3);
	ASSERT(strcmp(s.v[0], "b") == 0 && strcmp(s.v[1], "a") == 0 && strcmp(s.v[2], "c") == 0);
	ASSERT(!strset_has(&s, "") && !strset_has(&s, "a、c") && !strset_has(&s, ",b"));
	strset_add_split(&s, "甲,乙", seps + 1); /* 、 alone: the comma is part of the item */
	ASSERT(strset_has(&s, "甲,乙") && !strset_has(&s, "甲"));
	strset_free(&s);
	/* 200,000 items of one list, in linear time */
	struct buf big = BUF_INIT;
	for (size_t i = 0; i < N; i++)
		buf_printf(&big, "%ss%zu", i ? (i % 2 ? "," : "、") : "", i);
	strset_add_split(&s, buf_str(&big), seps);
	ASSERT_EQ(s.n, N);
	ASSERT(strset_has(&s, "s0") && strset_has(&s, "s199999") && !strset_has(&s, "s200000"));
	buf_release(&big);
	strset_free(&s);
	return 0;
}
