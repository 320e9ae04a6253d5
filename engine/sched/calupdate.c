/*
 * calupdate.c - `dabiao calendar-update FILE`: a calendar file's new year, amendment or
 * corrected source reaches every stored plan that uses it, all or nothing.
 *
 * Each plan is first parsed again from its stored source with the new file, and given its
 * new version as `load` gives one (sched_load_txn: stored, placed, its tasks reconciled
 * and expanded) in a write transaction that is thrown away (engine_write_dry): exactly
 * what the update would do, so a plan the file does not fit (a layer on another calendar,
 * a day no longer working that a due cannot leave) is found, and every such plan is found,
 * before anything is written. Only when all succeed are the new versions written, in one
 * transaction: a bureau never has half its plans on the new calendar and half on the old.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "base/xalloc.h"
#include "engine/sched/sched_int.h"
#include "workflows/parse/ydoc.h"

/* The file `use` finds for name in the configured folders, compared with data: a
 * calendar-update must leave the folders saying what the store says, or the next `load`
 * would resolve the old calendar again and move the tasks back. */
static int
check_in_folder(struct engine *en, const char *path, const char *name, const char *data,
                size_t len, char **where, struct dberr *e)
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
		if (file_read(p, FILE_MAX_INPUT, &there, &n, &probe) == 0)
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
	/* stored as where `use` finds it, as `load` stores it */
	if (rc == 0)
		*where = found;
	else
		free(found);
	free(there);
	return rc;
}

struct current_arg {
	const char *id;
	struct store_plan *sp;
};

static int
current_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct current_arg *c = arg;

	return store_plan_get(txn, c->id, 0, c->sp, e);
}

/* The stored current version of plan id into sp (the caller releases it, also after a
 * failure), and the plan parsed again from it with data in place of its copy of the
 * calendar called name (*out NULL when it resolves to the same calendar, the same sources
 * included). */
static int
reparse(struct engine *en, const char *id, const char *path, const char *name,
        const char *data, size_t len, struct store_plan *sp, struct plan **out,
        struct dberr *e)
{
	const struct engine_plan *ep = engine_plan_find(en, id);
	struct current_arg cur = {id, sp};
	struct plan_calsource *given;
	int rc;

	*out = NULL;
	memset(sp, 0, sizeof(*sp));
	if (ep == NULL)
		return dberr_set(e, DB_ESOFTWARE, "plan %s is not loaded", id);
	if ((rc = store_read(engine_store(en), current_txn, &cur, e)) != 0)
		return rc;
	given = xcalloc(ep->plan->nuses ? ep->plan->nuses : 1, sizeof(*given));
	for (size_t i = 0; i < ep->plan->nuses; i++) {
		const struct plan_calendar_use *u = &ep->plan->uses[i];
		bool it = strcmp(u->file->name, name) == 0;

		given[i] = (struct plan_calsource){u->file->name, it ? path : u->path,
		                                   it ? data : u->source, it ? len : u->source_len};
	}
	rc = engine_plan_parse(NULL, sp->path && *sp->path ? sp->path : sp->id, sp->source,
	                       sp->source_len, given, ep->plan->nuses, out, e);
	free(given);
	if (rc == 0 &&
	    strcmp((*out)->calendar_sha256, ep->plan->calendar_sha256) == 0 &&
	    strcmp((*out)->calendar_sources_sha256, ep->plan->calendar_sources_sha256) == 0) {
		plan_free(*out);
		*out = NULL;
	}
	return rc;
}

/* Several plans' new versions in one transaction. */
struct all_arg {
	struct load_arg *v;
	size_t n;
};

static int
all_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct all_arg *a = arg;
	int rc;

	for (size_t i = 0; i < a->n; i++)
		if ((rc = sched_load_txn(txn, &a->v[i], e)) != 0)
			return rc;
	return 0;
}

/* The templates the new version keeps: the current version's, or, for one stored before
 * versions kept them, its folder's as they are now (sp owns them either way). */
static int
keep_templates(const struct plan *np, struct store_plan *sp, struct dberr *e)
{
	if (sp->templates_kept)
		return 0;
	return notice_templates_read(np, sp->path, &sp->templates, &sp->ntemplates, e);
}

/* One plan with the new file, in a transaction thrown away: what it would become. */
static int
try_one(struct engine *en, const char *path, const char *name, const char *data, size_t len,
        struct calupdate_plan *out, struct dberr *e)
{
	struct store_plan sp = {0};
	struct load_result lr = {0};
	struct load_arg a = {en, NULL, false, NULL, NULL, 0, &lr, "plan.calendar",
	                     SCHED_LOAD_FEWER_YEARS, NULL, 0};
	struct all_arg one = {&a, 1};
	int rc;

	out->version = engine_plan_find(en, out->plan_id) ? engine_plan_find(en, out->plan_id)
	                                                    ->version : 0;
	rc = reparse(en, out->plan_id, path, name, data, len, &sp, &a.plan, e);
	if (rc != 0 || a.plan == NULL)
		goto out;
	if ((rc = keep_templates(a.plan, &sp, e)) != 0) {
		plan_free(a.plan);
		goto out;
	}
	a.path = sp.path;
	a.source = sp.source;
	a.len = sp.source_len;
	/* the new version keeps the current one's templates */
	a.tpls = sp.templates;
	a.ntpls = sp.ntemplates;
	rc = engine_write_dry(en, all_txn, &one, e);
	if (rc == 0) {
		out->changed = lr.changed;
		out->sources_only = lr.sources_only;
		out->version = lr.version;
		out->changes = lr.changes;
		out->notes = lr.calendar_notes;
		lr.calendar_notes = NULL; /* taken */
	}
	/* thrown away: the plan placed for the try goes back out */
	sched_load_unplace(&a);
out:
	load_result_release(&lr);
	store_plan_release(&sp);
	return rc;
}

/* Every changed plan's new version, in one transaction; what it did to each plan's tasks
 * into res (the try said it would). */
static int
write_all(struct engine *en, const char *path, const char *name, const char *data,
          size_t len, struct calupdate_result *res, struct dberr *e)
{
	size_t cap = res->nplans ? res->nplans : 1;
	struct store_plan *sp = xcalloc(cap, sizeof(*sp));
	struct load_result *lr = xcalloc(cap, sizeof(*lr)); /* by the plan's index in res */
	struct load_arg *v = xcalloc(cap, sizeof(*v));
	struct all_arg all = {v, 0};
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < res->nplans; i++) {
		struct plan *np = NULL;

		if (!res->plans[i].changed)
			continue;
		rc = reparse(en, res->plans[i].plan_id, path, name, data, len, &sp[all.n], &np, e);
		if (rc == 0 && np != NULL && (rc = keep_templates(np, &sp[all.n], e)) != 0) {
			plan_free(np);
			np = NULL;
		}
		if (rc != 0 || np == NULL) {
			store_plan_release(&sp[all.n]);
			continue;
		}
		v[all.n] = (struct load_arg){en, np, false, sp[all.n].path, sp[all.n].source,
		                             sp[all.n].source_len, &lr[i], "plan.calendar",
		                             SCHED_LOAD_FEWER_YEARS, sp[all.n].templates,
		                             sp[all.n].ntemplates};
		all.n++;
	}
	if (rc == 0)
		rc = engine_write(en, all_txn, &all, e);
	for (size_t i = 0; i < all.n; i++) {
		if (rc != 0)
			sched_load_unplace(&v[i]);
		store_plan_release(&sp[i]);
	}
	for (size_t i = 0; i < res->nplans; i++) {
		if (rc == 0 && res->plans[i].changed) {
			res->plans[i].version = lr[i].version;
			res->plans[i].changes = lr[i].changes;
		}
		load_result_release(&lr[i]);
	}
	free(v);
	free(lr);
	free(sp);
	return rc;
}

int
sched_calendar_update(struct engine *en, const char *path, bool dry_run,
                      struct calupdate_result *res, struct dberr *e)
{
	struct calfile *f = NULL;
	struct dberr first;
	char *data = NULL, *where = NULL;
	size_t len = 0, nfailed = 0;
	int rc;

	memset(res, 0, sizeof(*res));
	dberr_clear(&first);
	if ((rc = file_read(path, FILE_MAX_INPUT, &data, &len, e)) != 0 ||
	    (rc = calfile_parse(path, data, len, &f, e)) != 0 ||
	    (rc = check_in_folder(en, path, f->name, data, len, &where, e)) != 0)
		goto out;
	snprintf(res->name, sizeof(res->name), "%s", f->name);
	/* the plans to update are named first: trying them places versions in the engine */
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
	/* every plan tried, each failure kept */
	for (size_t i = 0; i < res->nplans; i++) {
		struct calupdate_plan *p = &res->plans[i];

		dberr_clear(&p->err);
		if (try_one(en, where, f->name, data, len, p, &p->err) != 0) {
			p->failed = true;
			if (p->err.code == 0)
				p->err.code = DB_ESOFTWARE;
			if (nfailed++ == 0)
				first = p->err;
		}
	}
	/* the tries took their plans out of the engine again: the stored versions back */
	if ((rc = engine_reload(en, e)) != 0)
		goto out;
	if (nfailed > 0) {
		rc = dberr_set(e, first.code, "%s: %zu of %zu plans using it refused the new file; "
		               "nothing %s written", path, nfailed, res->nplans,
		               dry_run ? "would be" : "was");
		goto out;
	}
	if (!dry_run && (rc = write_all(en, where, f->name, data, len, res, e)) != 0) {
		struct dberr ignored; /* the failure is what is reported */

		dberr_clear(&ignored);
		engine_reload(en, &ignored); /* what the failed transaction placed goes */
	}
out:
	calfile_free(f);
	free(where);
	free(data);
	return rc;
}

void
calupdate_result_release(struct calupdate_result *res)
{
	for (size_t i = 0; i < res->nplans; i++)
		free(res->plans[i].notes);
	free(res->plans);
	memset(res, 0, sizeof(*res));
}
