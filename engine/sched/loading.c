/*
 * loading.c - plans and registries into the store, each in one transaction with the
 * expansion it causes: a bad file changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/strset.h"
#include "base/xalloc.h"
#include "engine/sched/sched.h"
#include "workflows/parse/registry.h"
#include "workflows/parse/ydoc.h"

struct load_arg {
	struct engine *en;
	struct plan *plan;   /* owned by the engine once placed there */
	bool placed;
	const char *path;
	char *source;
	size_t len;
	struct load_result *res;
};

/* The audit record of a new version: its number, the file's hash, the resolved calendar's
 * hash and each calendar file used with its own hash, so what a deadline was computed from
 * stays on record. */
static void
plan_load_details(struct buf *b, const struct plan *p, uint32_t version)
{
	buf_printf(b, "{\"version\":%u,\"sha256\":\"%s\"", (unsigned)version, p->sha256);
	if (p->nuses > 0) {
		buf_printf(b, ",\"calendar_sha256\":\"%s\",\"calendars\":[",
		           p->calendar_sha256);
		for (size_t i = 0; i < p->nuses; i++) {
			buf_printf(b, "%s{\"name\":", i ? "," : "");
			buf_json_str(b, p->uses[i].file->name);
			buf_printf(b, ",\"sha256\":\"%s\"}", p->uses[i].sha256);
		}
		buf_puts(b, "]");
	}
	buf_puts(b, "}");
}

static int
load_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct load_arg *a = arg;
	struct load_result *res = a->res;
	struct store_plan cur, sp = {0};
	struct buf details = BUF_INIT;
	int rc;

	res->version = 1;
	res->changed = true;
	rc = store_plan_get(txn, a->plan->id, 0, &cur, e);
	if (rc == 0) {
		/* a new version when the file changed, or the calendar it resolves to (a calendar
		 * file with a new year, or a new amendment) */
		res->changed = strcmp(cur.sha256, a->plan->sha256) != 0 ||
		               strcmp(cur.calendar_sha256, a->plan->calendar_sha256) != 0;
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
		sp.loaded_at = engine_now(a->en);
		engine_plan_calendars_to_store(a->plan, &sp);
		rc = store_plan_put(txn, &sp, e);
		free(sp.calendars);
		if (rc != 0)
			return rc;
		plan_load_details(&details, a->plan, res->version);
		rc = engine_audit(a->en, txn, "plan.load", "", a->plan->id, "", "",
		                  buf_str(&details), e);
		buf_release(&details);
		if (rc != 0)
			return rc;
	}
	/* the engine expands from its in-memory plans: the new version goes there first (a
	 * redone transaction finds it in place) */
	if ((rc = engine_plan_place(a->en, a->plan, a->path, res->version, e)) != 0) {
		a->plan = NULL; /* freed by the engine */
		return rc;
	}
	a->placed = true;
	return expand_all(a->en, txn, a->plan->id, &res->created, e);
}

int
sched_load_plan(struct engine *en, const char *path, struct load_result *res,
                struct dberr *e)
{
	struct load_arg a = {en, NULL, false, path, NULL, 0, res};
	int rc;

	memset(res, 0, sizeof(*res));
	/* One read: the bytes stored are exactly the bytes parsed. */
	rc = ydoc_read_file(path, &a.source, &a.len, e);
	if (rc == 0)
		rc = engine_plan_parse(engine_config(en), path, a.source, a.len, NULL, 0,
		                       &a.plan, e);
	if (rc == 0)
		rc = notice_check_templates(a.plan, path, e);
	if (rc == 0)
		rc = store_write(engine_store(en), load_txn, &a, e);
	if (rc == 0) {
		snprintf(res->plan_id, sizeof(res->plan_id), "%s", a.plan->id);
		memcpy(res->sha256, a.plan->sha256, sizeof(res->sha256));
	} else if (a.placed) {
		/* the failed transaction placed the plan: take it back out (the engine frees it) */
		engine_plan_unplace(en, a.plan);
	} else if (a.plan != NULL) {
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

static int
jur_cb(const struct store_subject *s, void *arg)
{
	strset_add(arg, s->id);
	return 0;
}

static int
known_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	return store_subject_each(txn, STORE_JURISDICTION, jur_cb, arg, e);
}

int
sched_import_registry(struct engine *en, const char *path, struct import_result *res,
                      struct dberr *e)
{
	struct import_arg a = {en, path, NULL, res};
	struct strset known = {0}, industries = {0};
	struct registry_ctx ctx = {NULL, NULL};
	int rc;

	memset(res, 0, sizeof(*res));
	rc = store_read(engine_store(en), known_txn, &known, e);
	if (rc != 0)
		goto out;
	/* Industries: what the loaded plans list, else the registry's defaults. */
	for (size_t i = 0; i < engine_nplans(en); i++) {
		const struct plan *p = engine_plan_at(en, i)->plan;

		for (size_t k = 0; k < p->nindustries; k++)
			strset_add(&industries, p->industries[k].id);
	}
	ctx.known_jurisdictions = (const char *const *)known.v;
	ctx.industries = (const char *const *)industries.v;
	rc = registry_parse_file(path, &ctx, &a.reg, e);
	if (rc == 0)
		rc = store_write(engine_store(en), import_txn, &a, e);
out:
	if (a.reg)
		registry_free(a.reg);
	strset_free(&known);
	strset_free(&industries);
	return rc;
}
