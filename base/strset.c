#include <stdlib.h>
#include <string.h>

#include "base/strset.h"
#include "base/xalloc.h"

void
strset_add(struct strset *set, const char *s)
{
	if (hmap_get(&set->at, s, NULL))
		return;
	set->v = xgrow(set->v, &set->cap, set->n + 2, sizeof(*set->v));
	set->v[set->n] = xstrdup(s);
	hmap_put(&set->at, set->v[set->n], set->n);
	set->n++;
	set->v[set->n] = NULL;
}

bool
strset_has(const struct strset *set, const char *s)
{
	return s != NULL && hmap_get(&set->at, s, NULL);
}

void
strset_free(struct strset *set)
{
	for (size_t i = 0; i < set->n; i++)
		free(set->v[i]);
	free(set->v);
	hmap_release(&set->at);
	memset(set, 0, sizeof(*set));
}

void
strset_join(const struct strset *set, const char *sep, struct buf *out)
{
	for (size_t i = 0; i < set->n; i++) {
		if (i)
			buf_puts(out, sep);
		buf_puts(out, set->v[i]);
	}
}
