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
	const char *action;  /* the audit action of a new version: plan.load, plan.calendar */
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

	sched_changes_reset(&res->changes); /* a redone transaction counts again */
	res->version = 1;
	res->changed = true;
	redate_result_release(&res->redated); /* a redone transaction counts again */
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
		rc = engine_audit(a->en, txn, a->action, "", a->plan->id, "", "",
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
	rc = expand_all(a->en, txn, a->plan->id, &res->changes, e);
	/* a new version's dates reach the open tasks it keeps (a due moved, a calendar
	 * changed) */
	if (rc == 0 && res->changed && res->version > 1)
		rc = redate_plan_tasks(a->en, txn, engine_plan_find(a->en, a->plan->id), true,
		                       &res->redated, e);
	return rc;
}

/* Stores plan p (parsed from source) in one transaction as `load` does: a new version
 * when it changed, placed in the engine, expanded and redated. Takes p. */
static int
load_parsed(struct engine *en, struct plan *p, const char *path, char *source, size_t len,
            const char *action, struct load_result *res, struct dberr *e)
{
	struct load_arg a = {en, p, false, path, source, len, res, action};
	int rc;

	rc = engine_write(en, load_txn, &a, e);
	if (rc == 0) {
		res->created = res->changes.n[SCHED_ADDED] + res->changes.n[SCHED_GRACE] +
		               res->changes.n[SCHED_NOT_APPLICABLE];
		snprintf(res->plan_id, sizeof(res->plan_id), "%s", a.plan->id);
		memcpy(res->sha256, a.plan->sha256, sizeof(res->sha256));
	} else if (a.placed) {
		/* the failed transaction placed the plan: take it back out (the engine frees it) */
		engine_plan_unplace(en, a.plan);
	} else if (a.plan != NULL) {
		plan_free(a.plan);
	}
	return rc;
}

int
sched_load_plan(struct engine *en, const char *path, struct load_result *res,
                struct dberr *e)
{
	struct plan *p = NULL;
	char *source = NULL;
	size_t len = 0;
	int rc;

	memset(res, 0, sizeof(*res));
	/* One read: the bytes stored are exactly the bytes parsed. */
	rc = ydoc_read_file(path, &source, &len, e);
	if (rc == 0)
		rc = engine_plan_parse(engine_config(en), path, source, len, NULL, 0, &p, e);
	if (rc == 0)
		rc = notice_check_templates(p, path, e);
	if (rc == 0) {
		rc = load_parsed(en, p, path, source, len, "plan.load", res, e);
	} else if (p != NULL) {
		plan_free(p);
	}
	free(source);
	return rc;
}

/* The file `use` finds for name in the configured folders, compared with data: a
 * calendar-update must leave the folders saying what the store says, or the next `load`
 * would resolve the old calendar again and move the tasks back. */
static int
check_in_folder(struct engine *en, const char *path, const char *name, const char *data,
                size_t len, struct dberr *e)
{
	const struct config *cfg = engine_config(en);
	const char *dirs[3];
	char *found = NULL, *there = NULL;
	size_t n = 0;
	int rc = 0;

	config_calendar_dirs(cfg, dirs);
	for (size_t i = 0; dirs[i] && found == NULL; i++) {
		struct dberr probe;
		char *p = xasprintf("%s/%s.yaml", dirs[i], name);

		dberr_clear(&probe);
		if (ydoc_read_file(p, &there, &n, &probe) == 0)
			found = p;
		else
			free(p);
	}
	if (found == NULL || n != len || memcmp(there, data, len) != 0)
		rc = dberr_set(e, DB_EUSAGE, "%s is not the %s.yaml that plans find (%s): put it "
		               "in calendars_dir (%s) first, so that loading a plan again finds "
		               "the same calendar", path, name, found ? found : "none found",
		               cfg->calendars_dir ? cfg->calendars_dir
		                                  : "set in the configuration");
	free(found);
	free(there);
	return rc;
}

/* Plan ep parsed again from its stored source, with data in place of its copy of the
 * calendar called name. */
static int
reparse_with(struct engine *en, const struct engine_plan *ep, const char *path,
             const char *name, const char *data, size_t len, struct store_plan *sp,
             struct plan **out, struct dberr *e)
{
	struct plan_calsource *given = xcalloc(ep->plan->nuses, sizeof(*given));
	int rc;

	(void)en;
	for (size_t i = 0; i < ep->plan->nuses; i++) {
		const struct plan_calendar_use *u = &ep->plan->uses[i];
		bool it = strcmp(u->file->name, name) == 0;

		given[i] = (struct plan_calsource){u->file->name, it ? path : u->path,
		                                   it ? data : u->source, it ? len : u->source_len};
	}
	rc = engine_plan_parse(NULL, sp->path && *sp->path ? sp->path : sp->id, sp->source,
	                       sp->source_len, given, ep->plan->nuses, out, e);
	free(given);
	return rc;
}

static int
current_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct store_plan *sp = arg;

	return store_plan_get(txn, sp->id, 0, sp, e);
}

struct dry_arg {
	struct engine *en;
	const struct engine_plan *ep;
	struct redate_result *res;
};

static int
dry_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct dry_arg *a = arg;

	return redate_plan_tasks(a->en, txn, a->ep, false, a->res, e);
}

/* One plan: unchanged, previewed, or a new version. */
static int
update_one(struct engine *en, const struct engine_plan *ep, const char *path,
           const struct calfile *f, const char *data, size_t len, bool dry_run,
           struct calupdate_plan *out, struct dberr *e)
{
	struct store_plan sp = {0};
	struct load_result lr = {0};
	struct engine_plan tmp = {0};
	struct dry_arg da;
	struct plan *np = NULL;
	int rc;

	snprintf(out->plan_id, sizeof(out->plan_id), "%s", ep->plan->id);
	out->version = ep->version;
	sp.id = ep->plan->id;
	if ((rc = store_read(engine_store(en), current_txn, &sp, e)) != 0)
		return rc;
	rc = reparse_with(en, ep, path, f->name, data, len, &sp, &np, e);
	if (rc != 0 || strcmp(np->calendar_sha256, ep->plan->calendar_sha256) == 0)
		goto out;
	out->changed = true;
	out->version = ep->version + 1;
	if (dry_run) {
		tmp.plan = np;
		tmp.version = out->version;
		tmp.tz = ep->tz;
		da = (struct dry_arg){en, &tmp, &out->redated};
		rc = store_read(engine_store(en), dry_txn, &da, e);
		goto out;
	}
	rc = load_parsed(en, np, sp.path, sp.source, sp.source_len, "plan.calendar", &lr, e);
	np = NULL; /* taken */
	out->version = lr.version;
	out->redated = lr.redated;
out:
	plan_free(np);
	store_plan_release(&sp);
	return rc;
}

int
sched_calendar_update(struct engine *en, const char *path, bool dry_run,
                      struct calupdate_result *res, struct dberr *e)
{
	struct calfile *f = NULL;
	char *data = NULL;
	size_t len = 0;
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = ydoc_read_file(path, &data, &len, e)) != 0 ||
	    (rc = calfile_parse(path, data, len, &f, e)) != 0 ||
	    (rc = check_in_folder(en, path, f->name, data, len, e)) != 0)
		goto out;
	snprintf(res->name, sizeof(res->name), "%s", f->name);
	/* each plan in its own transaction: a plan's new version and its moved tasks are
	 * all or nothing; the engine's plan list changes as versions are placed, so the
	 * plans to update are named first */
	for (size_t i = 0; i < engine_nplans(en); i++) {
		const struct plan *p = engine_plan_at(en, i)->plan;

		for (size_t k = 0; k < p->nuses; k++)
			if (strcmp(p->uses[k].file->name, f->name) == 0) {
				res->plans = xrealloc(res->plans, (res->nplans + 1) * sizeof(*res->plans));
				memset(&res->plans[res->nplans], 0, sizeof(*res->plans));
				snprintf(res->plans[res->nplans++].plan_id, sizeof(res->plans->plan_id),
				         "%s", p->id);
			}
	}
	for (size_t i = 0; rc == 0 && i < res->nplans; i++)
		rc = update_one(en, engine_plan_find(en, res->plans[i].plan_id), path, f, data, len,
		                dry_run, &res->plans[i], e);
out:
	calfile_free(f);
	free(data);
	return rc;
}

void
calupdate_result_release(struct calupdate_result *res)
{
	for (size_t i = 0; i < res->nplans; i++)
		redate_result_release(&res->plans[i].redated);
	free(res->plans);
	memset(res, 0, sizeof(*res));
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

	sched_changes_reset(&res->changes);
	res->jurisdictions = res->enterprises = res->offices = 0;
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
	return expand_all(a->en, txn, NULL, &res->changes, e);
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
		rc = engine_write(en, import_txn, &a, e);
	if (rc == 0)
		res->created = res->changes.n[SCHED_ADDED] + res->changes.n[SCHED_GRACE] +
		               res->changes.n[SCHED_NOT_APPLICABLE];
out:
	if (a.reg)
		registry_free(a.reg);
	strset_free(&known);
	strset_free(&industries);
	return rc;
}
