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
/* Adds each item of list (nothing for NULL): the text between any two of the separators
 * seps (a NULL-terminated array of non-empty strings), empty items skipped. So a task's
 * stored section list ("a,b" or "a、b") is asked about each required section in constant
 * time, not scanned for each (review 13f, C15). Cannot fail (xmalloc). */
void strset_add_split(struct strset *set, const char *list, const char *const *seps);
/* Frees every string and the array; the set is empty again. */
void strset_free(struct strset *set);
/* Appends the strings to out, sep between them. */
void strset_join(const struct strset *set, const char *sep, struct buf *out);

#endif
