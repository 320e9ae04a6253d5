/*
 * covers.c - which subjects a plan runs over: its `registry: {where}` matched against a
 * jurisdiction, an enterprise through its jurisdiction (docs/plan-format.md, "registry").
 * One test for the scheduler (which tasks to make), the reports (which rows a plan's tables
 * have) and the web (which counties an account's filter offers): two bureaus' plans in one
 * store, each table of one plan naming its own counties only.
 */
#include <string.h>

#include "engine/core/engine.h"

bool
engine_where_matches(const struct plan_where *where, size_t nwhere, const struct store_subject *s)
{
	for (size_t i = 0; i < nwhere; i++) {
		const struct plan_where *w = &where[i];
		const char *v = strcmp(w->attr, "id") == 0 ? s->id : store_subject_field(s, w->attr);

		/* one lookup per subject and attribute, not a scan of the list (review 13f, C2) */
		if (v == NULL || !plan_where_has(w, v))
			return false;
	}
	return true;
}

bool
engine_plan_takes(const struct engine_plan *ep, struct store_txn *txn,
                  const struct store_subject *s)
{
	const struct plan *p = ep->plan;
	struct store_subject js;
	struct dberr ignored;
	const char *j;
	bool ok;

	if (p->nregistry == 0)
		return true;
	if (s->kind == STORE_JURISDICTION)
		return engine_where_matches(p->registry, p->nregistry, s);
	if ((j = store_subject_field(s, "jurisdiction")) == NULL)
		return false;
	dberr_clear(&ignored);
	if (store_subject_get(txn, STORE_JURISDICTION, j, &js, &ignored) != 0)
		return false;
	ok = engine_where_matches(p->registry, p->nregistry, &js);
	store_subject_release(&js);
	return ok;
}
