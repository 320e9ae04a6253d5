/*
 * loading.c - plans and registries into the store, each in one transaction with the
 * expansion it causes: a bad file changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/buf.h"
#include "engine/base/xalloc.h"
#include "engine/engine.h"
#include "workflows/registry.h"
#include "workflows/ydoc.h"

struct load_arg {
	struct engine *en;
	struct plan *plan;   /* moved into the engine once placed there */
	const char *path;
	char *source;
	size_t len;
	struct load_result *res;
};

/* The engine expands from its in-memory plans: put the new version there. On a retry
 * after a map resize the plan is already in place. */
static int
place_plan(struct load_arg *a, struct dberr *e)
{
	struct engine_plan *ep = NULL;

	for (size_t i = 0; i < a->en->nplans; i++)
		if (strcmp(a->en->plans[i].plan->id, a->plan->id) == 0)
			ep = &a->en->plans[i];
	if (ep == NULL) {
		a->en->plans = xrealloc(a->en->plans, (a->en->nplans + 1) * sizeof(*ep));
		ep = &a->en->plans[a->en->nplans++];
		memset(ep, 0, sizeof(*ep));
	}
	ep->version = a->res->version;
	if (ep->plan == a->plan)
		return 0;
	free(ep->templates);
	ep->templates = engine_plan_templates(a->plan, a->path);
	if (ep->plan)
		plan_free(ep->plan);
	if (ep->tz)
		tz_free(ep->tz);
	ep->tz = NULL;
	ep->plan = a->plan;
	return tz_open(a->plan->timezone, &ep->tz, e);
}

static int
load_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct load_arg *a = arg;
	struct load_result *res = a->res;
	struct store_plan cur, sp = {0};
	char details[256];
	int rc;

	res->version = 1;
	res->changed = true;
	rc = store_plan_get(txn, a->plan->id, 0, &cur, e);
	if (rc == 0) {
		res->changed = strcmp(cur.sha256, a->plan->sha256) != 0;
		res->version = cur.version + (res->changed ? 1 : 0);
		store_plan_release(&cur);
	} else if (rc == DB_ENOTFOUND) {
		dberr_clear(e);
	} else {
		return rc;
	}
	if (res->changed) {
		sp.id = a->plan->id;
		sp.version = res->version;
		memcpy(sp.sha256, a->plan->sha256, sizeof(sp.sha256));
		sp.source = a->source;
		sp.source_len = a->len;
		sp.path = (char *)a->path;
		sp.loaded_at = a->en->clock.now;
		if ((rc = store_plan_put(txn, &sp, e)) != 0)
			return rc;
		snprintf(details, sizeof(details), "{\"version\":%u,\"sha256\":\"%s\"}",
		         (unsigned)res->version, a->plan->sha256);
		rc = engine_audit(a->en, txn, "plan.load", "", a->plan->id, "", "", details, e);
		if (rc != 0)
			return rc;
	}
	if ((rc = place_plan(a, e)) != 0)
		return rc;
	return expand_all(a->en, txn, a->plan->id, &res->created, e);
}

int
engine_load_plan(struct engine *en, const char *path, struct load_result *res,
                 struct dberr *e)
{
	struct load_arg a = {en, NULL, path, NULL, 0, res};
	int rc;

	memset(res, 0, sizeof(*res));
	/* One read: the bytes stored are exactly the bytes parsed. */
	rc = ydoc_read_file(path, &a.source, &a.len, e);
	if (rc == 0)
		rc = plan_parse_buffer(path, a.source, a.len, &a.plan, e);
	if (rc == 0)
		rc = engine_check_templates(a.plan, path, e);
	if (rc == 0)
		rc = store_write(en->store, load_txn, &a, e);
	if (rc == 0) {
		snprintf(res->plan_id, sizeof(res->plan_id), "%s", a.plan->id);
		memcpy(res->sha256, a.plan->sha256, sizeof(res->sha256));
	} else if (a.plan != NULL) {
		/* the failed transaction may have placed the plan: take it back out */
		for (size_t i = 0; i < en->nplans; i++)
			if (en->plans[i].plan == a.plan) {
				if (en->plans[i].tz)
					tz_free(en->plans[i].tz);
				en->plans[i] = en->plans[--en->nplans];
			}
		plan_free(a.plan);
	}
	free(a.source);
	return rc;
}

struct import_arg {
	struct engine *en;
	const char *path;
	struct registry *reg;
	struct import_result *res;
};

static int
import_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct import_arg *a = arg;
	struct import_result *res = a->res;
	struct buf details = BUF_INIT;
	int rc;

	memset(res, 0, sizeof(*res));
	for (size_t i = 0; i < a->reg->nsubjects; i++) {
		const struct store_subject *s = &a->reg->subjects[i];

		if ((rc = store_subject_put(txn, s, e)) != 0)
			return rc;
		if (s->kind == STORE_JURISDICTION)
			res->jurisdictions++;
		else if (s->kind == STORE_ENTERPRISE)
			res->enterprises++;
		else
			res->offices++;
	}
	buf_puts(&details, "{\"file\":");
	buf_json_str(&details, a->path);
	buf_printf(&details, ",\"jurisdictions\":%zu,\"enterprises\":%zu,\"offices\":%zu}",
	           res->jurisdictions, res->enterprises, res->offices);
	rc = engine_audit(a->en, txn, "registry.import", "", "", "", "", buf_str(&details), e);
	buf_release(&details);
	if (rc != 0)
		return rc;
	return expand_all(a->en, txn, NULL, &res->created, e);
}

struct names {
	char **v;
	size_t n, cap;
};

static void
names_add(struct names *n, const char *s)
{
	for (size_t i = 0; i < n->n; i++)
		if (strcmp(n->v[i], s) == 0)
			return;
	n->v = xgrow(n->v, &n->cap, n->n + 2, sizeof(*n->v));
	n->v[n->n++] = xstrdup(s);
	n->v[n->n] = NULL;
}

static void
names_free(struct names *n)
{
	for (size_t i = 0; i < n->n; i++)
		free(n->v[i]);
	free(n->v);
}

static int
jur_cb(const struct store_subject *s, void *arg)
{
	names_add(arg, s->id);
	return 0;
}

static int
known_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	return store_subject_each(txn, STORE_JURISDICTION, jur_cb, arg, e);
}

int
engine_import_registry(struct engine *en, const char *path, struct import_result *res,
                       struct dberr *e)
{
	struct import_arg a = {en, path, NULL, res};
	struct names known = {0}, industries = {0};
	struct registry_ctx ctx = {NULL, NULL};
	int rc;

	memset(res, 0, sizeof(*res));
	rc = store_read(en->store, known_txn, &known, e);
	if (rc != 0)
		goto out;
	/* Industries: what the loaded plans list, else the registry's defaults. */
	for (size_t i = 0; i < en->nplans; i++)
		for (size_t k = 0; k < en->plans[i].plan->nindustries; k++)
			names_add(&industries, en->plans[i].plan->industries[k].id);
	ctx.known_jurisdictions = (const char *const *)known.v;
	ctx.industries = (const char *const *)industries.v;
	rc = registry_parse_file(path, &ctx, &a.reg, e);
	if (rc == 0)
		rc = store_write(en->store, import_txn, &a, e);
out:
	if (a.reg)
		registry_free(a.reg);
	names_free(&known);
	names_free(&industries);
	return rc;
}
