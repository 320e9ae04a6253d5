/*
 * The id index: a million keys put and found, values replaced, absent keys absent, and
 * keys that share a hash bucket told apart.
 */
#include <stdio.h>

#include "base/hmap.h"
#include "lib/test.h"

#define N 1000000

int
main(void)
{
	struct hmap m = HMAP_INIT;
	char (*keys)[16] = malloc(sizeof(*keys) * N);
	size_t v;

	ASSERT(!hmap_get(&m, "x", &v));
	for (size_t i = 0; i < N; i++) {
		snprintf(keys[i], sizeof(keys[i]), "m%zu", i);
		hmap_put(&m, keys[i], i);
	}
	ASSERT_EQ(m.n, N);
	ASSERT(m.cap >= 2 * N);
	for (size_t i = 0; i < N; i++) {
		ASSERT(hmap_get(&m, keys[i], &v));
		ASSERT_EQ(v, i);
	}
	ASSERT(!hmap_get(&m, "m1000000", NULL));
	ASSERT(!hmap_get(&m, "", NULL));
	/* a key is found by its text, not its pointer; putting it again replaces the value */
	ASSERT(hmap_get(&m, "m42", &v) && v == 42);
	hmap_put(&m, "m42", 7);
	ASSERT_EQ(m.n, N);
	ASSERT(hmap_get(&m, keys[42], &v) && v == 7);
	hmap_release(&m);
	ASSERT(!hmap_get(&m, "m1", NULL));
	/* reusable after release */
	hmap_put(&m, "a", 1);
	ASSERT(hmap_get(&m, "a", &v) && v == 1);
	hmap_release(&m);
	free(keys);
	return 0;
}
