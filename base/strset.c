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

/* The length of the separator of seps at p, or 0 when none starts there. */
static size_t
sep_at(const char *p, const char *const *seps)
{
	for (size_t k = 0; seps[k] != NULL; k++)
		if (strncmp(p, seps[k], strlen(seps[k])) == 0)
			return strlen(seps[k]);
	return 0;
}

void
strset_add_split(struct strset *set, const char *list, const char *const *seps)
{
	const char *start = list;

	for (const char *p = list; p != NULL;) {
		size_t sep = *p != '\0' ? sep_at(p, seps) : 0;

		if (*p != '\0' && sep == 0) {
			p++;
			continue;
		}
		if (p > start) {
			char *item = xstrndup(start, (size_t)(p - start));

			strset_add(set, item);
			free(item);
		}
		p = *p != '\0' ? p + sep : NULL;
		start = p;
	}
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
