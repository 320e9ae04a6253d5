/*
 * strset.h - a small set of strings in insertion order (recipients, role titles, ids).
 * Membership is a linear scan: meant for tens of entries, not thousands.
 */
#ifndef DABIAO_STRSET_H
#define DABIAO_STRSET_H

#include <stddef.h>

#include "base/buf.h"

struct strset {
	char **v;      /* NULL-terminated once non-empty; owned */
	size_t n, cap;
};

#define STRSET_INIT {NULL, 0, 0}

/* Adds a copy of s unless an equal string is there. Cannot fail (xmalloc). */
void strset_add(struct strset *set, const char *s);
/* Frees every string and the array; the set is empty again. */
void strset_free(struct strset *set);
/* Appends the strings to out, sep between them. */
void strset_join(const struct strset *set, const char *sep, struct buf *out);

#endif
