/*
 * num.c - strict decimal numbers (num.h).
 */
#include <string.h>

#include "base/num.h"

bool
num_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool
num_u64_in(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v;

	if (!num_u64(s, strlen(s), &v) || v < min || v > max)
		return false;
	*out = v;
	return true;
}
