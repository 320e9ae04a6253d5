/*
 * hmap.h - a map from strings to indexes, for finding one id among many (a registry's
 * rows, a plan's milestones) in constant time, so that reading a file stays linear in its
 * size. Open addressing with linear probing, grown at half full. Keys are borrowed: each
 * must stay valid, unchanged, while the map holds it. Memory policy is xalloc's: adding
 * cannot fail.
 */
#ifndef DABIAO_HMAP_H
#define DABIAO_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hmap_slot {
	const char *key;      /* NULL: empty */
	uint64_t hash;
	size_t val;
};

struct hmap {
	struct hmap_slot *slots; /* owned */
	size_t cap, n;           /* cap is 0 or a power of two */
};

#define HMAP_INIT {NULL, 0, 0}

/* Sets key's value (adding the key, or replacing its value). */
void hmap_put(struct hmap *m, const char *key, size_t val);
/* Whether key is in the map; its value in *val when val is not NULL. */
bool hmap_get(const struct hmap *m, const char *key, size_t *val);
/* Frees the slots (not the keys); the map is empty and reusable. */
void hmap_release(struct hmap *m);

#endif
