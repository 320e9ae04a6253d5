/*
 * Whole numbers read strictly: what strtoull would bend (a sign, blanks, a wrap-around, an
 * exponent, hex, trailing text) is refused; the whole range of uint64_t is read exactly.
 */
#include "base/num.h"
#include "lib/test.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

int
main(void)
{
	static const char *const refused[] = {
		"", "-1", "-0", "+1", " 1", "1 ", "1e3", "0x10", "abc", "1.0", "１",
		"18446744073709551616",          /* UINT64_MAX + 1 */
		"99999999999999999999",
	};
	static const struct {
		const char *s;
		uint64_t v;
	} read[] = {
		{"0", 0}, {"1", 1}, {"007", 7}, {"1000", 1000},
		{"18446744073709551615", UINT64_MAX},
	};
	uint64_t v = 42;

	for (size_t i = 0; i < N(refused); i++) {
		ASSERT(!num_u64_in(refused[i], 0, UINT64_MAX, &v));
		ASSERT_EQ(v, 42); /* untouched */
	}
	for (size_t i = 0; i < N(read); i++) {
		ASSERT(num_u64_in(read[i].s, 0, UINT64_MAX, &v));
		ASSERT(v == read[i].v);
	}
	ASSERT(!num_u64_in("0", 1, 10, &v));
	ASSERT(!num_u64_in("11", 1, 10, &v));
	ASSERT(num_u64_in("10", 1, 10, &v) && v == 10);
	ASSERT(num_u64("123x", 3, &v) && v == 123);
	return 0;
}
