/*
 * num.h - whole numbers as people and scripts write them, read strictly: only the digits
 * 0-9, no sign, no blanks, no exponent, no hex, nothing after, and no silent wrap-around
 * (strtoull reads "-1" as 18446744073709551615 and " +1" as 1). libc only.
 */
#ifndef DABIAO_NUM_H
#define DABIAO_NUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether s[0..n) is one or more decimal digits whose value fits in uint64_t; the value in
 * *out. */
bool num_u64(const char *s, size_t n, uint64_t *out);
/* The same for a NUL-terminated s, within [min, max]. */
bool num_u64_in(const char *s, uint64_t min, uint64_t max, uint64_t *out);

#endif
