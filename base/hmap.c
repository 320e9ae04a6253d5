/*
 * hmap.c - string-keyed open addressing (hmap.h).
 */
#include <stdlib.h>
#include <string.h>

#include "base/hmap.h"
#include "base/xalloc.h"

/* FNV-1a, 64 bits: short ids spread well enough for a table at most half full. */
static uint64_t
hash(const char *s)
{
	uint64_t h = 14695981039346656037ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

/* The slot of key, or the empty slot where it would go. cap > 0. */
static struct hmap_slot *
find(const struct hmap *m, const char *key, uint64_t h)
{
	size_t i = (size_t)h & (m->cap - 1);

	while (m->slots[i].key != NULL &&
	       (m->slots[i].hash != h || strcmp(m->slots[i].key, key) != 0))
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

static void
grow(struct hmap *m)
{
	struct hmap old = *m;

	m->cap = old.cap ? old.cap * 2 : 16;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	for (size_t i = 0; i < old.cap; i++)
		if (old.slots[i].key != NULL)
			*find(m, old.slots[i].key, old.slots[i].hash) = old.slots[i];
	free(old.slots);
}

void
hmap_put(struct hmap *m, const char *key, size_t val)
{
	uint64_t h = hash(key);
	struct hmap_slot *s;

	if (2 * (m->n + 1) > m->cap)
		grow(m);
	s = find(m, key, h);
	if (s->key == NULL) {
		s->key = key;
		s->hash = h;
		m->n++;
	}
	s->val = val;
}

bool
hmap_get(const struct hmap *m, const char *key, size_t *val)
{
	const struct hmap_slot *s;

	if (m->cap == 0)
		return false;
	s = find(m, key, hash(key));
	if (s->key == NULL)
		return false;
	if (val != NULL)
		*val = s->val;
	return true;
}

void
hmap_release(struct hmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->n = 0;
}
