/*
 * strset.h - a set of strings in insertion order (recipients, role titles, ids).
 * Membership is a hash lookup (hmap), so a set of a plan's 100,000 milestone ids is built
 * in linear time (review 13e, E3).
 */
#ifndef DABIAO_STRSET_H
#define DABIAO_STRSET_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/hmap.h"

struct strset {
	char **v;      /* NULL-terminated once non-empty; owned */
	size_t n, cap;
	struct hmap at; /* each string of v -> its index; keys borrowed from v */
};

#define STRSET_INIT {NULL, 0, 0, HMAP_INIT}

/* Adds a copy of s unless an equal string is there. Cannot fail (xmalloc). */
void strset_add(struct strset *set, const char *s);
/* Whether s is in the set (false for NULL). */
bool strset_has(const struct strset *set, const char *s);
/* Frees every string and the array; the set is empty again. */
void strset_free(struct strset *set);
/* Appends the strings to out, sep between them. */
void strset_join(const struct strset *set, const char *sep, struct buf *out);

#endif
