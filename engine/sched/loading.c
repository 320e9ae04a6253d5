/*
 * loading.c - plans and registries into the store, each in one transaction with the
 * expansion it causes: a bad file changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/hmap.h"
#include "base/strset.h"
#include "base/sha256.h"
#include "base/file.h"
#include "base/xalloc.h"
#include "engine/sched/sched_int.h"
#include "workflows/parse/registry.h"
#include "workflows/parse/ydoc.h"

/* The version in the store before this load, parsed with its own calendars, to tell what
 * the new one changes in the tasks' reminders; NULL when it cannot be had. */
static void
old_version(const struct store_plan *cur, struct engine_plan *out)
{
	struct dberr ignored;

	memset(out, 0, sizeof(*out));
	dberr_clear(&ignored);
	if (engine_plan_parse_stored(cur, &out->plan, &ignored) != 0)
		return;
	if (tz_open(out->plan->timezone, &out->tz, &ignored) != 0) {
		plan_free(out->plan);
		out->plan = NULL;
		return;
	}
	out->version = cur->version;
}

static void
old_release(struct engine_plan *ep)
{
	plan_free(ep->plan);
	tz_free(ep->tz);
	memset(ep, 0, sizeof(*ep));
}

/* Do the template files kept with version cur differ from tpls? A version stored before
 * versions kept templates differs when the plan has any now. */
static bool
templates_differ(const struct store_plan *cur, const struct store_plan_template *tpls,
                 size_t n)
{
	if (!cur->templates_kept)
		return n > 0;
	if (cur->ntemplates != n)
		return true;
	for (size_t i = 0; i < n; i++)
		if (strcmp(cur->templates[i].kind, tpls[i].kind) != 0 ||
		    cur->templates[i].source_len != tpls[i].source_len ||
		    memcmp(cur->templates[i].source, tpls[i].source, tpls[i].source_len) != 0)
			return true;
	return false;
}

/* The audit record of a new version: its number, the file's hash, the resolved calendar's
 * hash and each calendar file used with its own hash, so what a deadline was computed from
 * stays on record. */
static void
plan_load_details(struct buf *b, const struct plan *p, uint32_t version,
                  const struct store_plan_template *tpls, size_t ntpls)
{
	/* every plan has a resolved calendar, its own days alone when it uses no file */
	buf_printf(b, "{\"version\":%u,\"sha256\":\"%s\",\"calendar_sha256\":\"%s\"",
	           (unsigned)version, p->sha256, p->calendar_sha256);
	if (p->nuses > 0) {
		buf_printf(b, ",\"calendar_sources_sha256\":\"%s\",\"calendars\":[",
		           p->calendar_sources_sha256);
		for (size_t i = 0; i < p->nuses; i++) {
			buf_printf(b, "%s{\"name\":", i ? "," : "");
			buf_json_str(b, p->uses[i].file->name);
			buf_printf(b, ",\"sha256\":\"%s\"}", p->uses[i].sha256);
		}
		buf_puts(b, "]");
	}
	/* and each template of its own folder: what its notices were worded from */
	if (ntpls > 0) {
		buf_puts(b, ",\"templates\":[");
		for (size_t i = 0; i < ntpls; i++) {
			char hex[65];

			sha256_hex(tpls[i].source, tpls[i].source_len, hex);
			buf_printf(b, "%s{\"kind\":", i ? "," : "");
			buf_json_str(b, tpls[i].kind);
			buf_printf(b, ",\"sha256\":\"%s\"}", hex);
		}
		buf_puts(b, "]");
	}
	buf_puts(b, "}");
}

/* Against the stored current version cur: whether a's plan is a new version, and why;
 * what its calendars lose or where they now come from. */
static int
compare_current(struct load_arg *a, const struct store_plan *cur, struct dberr *e)
{
	struct load_result *res = a->res;
	struct buf notes = BUF_INIT;
	char sources[65];
	bool lost = false;
	int rc;

	/* a new version when the file changed, or the days its calendar resolves to (a
	 * calendar file with a new year, an amendment), or what the calendars say of them (a
	 * 文号, a holiday's name, why a year is missing): `workdays` and the warnings cite the
	 * stored version */
	res->changed = strcmp(cur->sha256, a->plan->sha256) != 0 ||
	               strcmp(cur->calendar_sha256, a->plan->calendar_sha256) != 0 ||
	               templates_differ(cur, a->tpls, a->ntpls);
	if (!res->changed) {
		if ((rc = calversions_stored_sources(a->en, cur, sources, e)) != 0)
			return rc;
		res->changed = res->sources_only =
			strcmp(sources, a->plan->calendar_sources_sha256) != 0;
	}
	res->version = cur->version + (res->changed ? 1 : 0);
	if (!res->changed)
		return 0;
	calversions_compare(a->plan, cur, &notes, &lost);
	if (lost && !(a->flags & SCHED_LOAD_FEWER_YEARS)) {
		/* one line: the notes joined */
		for (size_t i = 0; i < notes.len; i++)
			if (notes.data[i] == '\n')
				notes.data[i] = i + 1 < notes.len ? ';' : '.';
		rc = dberr_set(e, DB_EUSAGE, "plan %s: nothing loaded: %s Was the configuration "
		               "that names calendars_dir left out (--config, DABIAO_CONFIG)? To "
		               "load this version anyway: --allow-fewer-years", a->plan->id,
		               buf_str(&notes));
		buf_release(&notes);
		return rc;
	}
	free(res->calendar_notes);
	res->calendar_notes = notes.len ? buf_detach(&notes) : NULL;
	buf_release(&notes);
	return 0;
}

/* Does version (a plan's stored version, or its parse) have a milestone with id? */
static bool
has_milestone(const struct plan *p, const char *id)
{
	return p != NULL && plan_milestone_index(p, id) >= 0;
}

/* A plan's versions before the current one, each parsed once for every renamed_from that
 * asks: parsing them again for each milestone made a version 3 of 100,000 milestones
 * quadratic (review 13f, C4). */
struct older {
	struct plan **v;  /* [version - 1], parsed on first use, NULL if unseen; owned */
	bool *tried;      /* [version - 1] */
};

/* Whether earlier version v of the plan lacks milestone id (*lacks; false when that
 * version is not in the store or cannot be read: nothing to hold against it). An error
 * reading the store is returned (its code, e set). */

static int
older_lacks(struct store_txn *txn, const char *plan_id, uint32_t v, struct older *o,
            const char *id, bool *lacks, struct dberr *e)
{
	int rc;

	*lacks = false;
	if (!o->tried[v - 1]) {
		struct store_plan sp;
		struct dberr ignored;

		o->tried[v - 1] = true;
		dberr_clear(&ignored);
		if ((rc = store_plan_get(txn, plan_id, v, &sp, e)) == DB_ENOTFOUND) {
			dberr_clear(e);
			return 0;
		}
		if (rc != 0)
			return rc;
		if (engine_plan_parse_stored(&sp, &o->v[v - 1], &ignored) != 0) {
			plan_free(o->v[v - 1]);
			o->v[v - 1] = NULL;
		}
		store_plan_release(&sp);
	}
	*lacks = o->v[v - 1] != NULL && !has_milestone(o->v[v - 1], id);
	return 0;
}

/* Each `renamed_from` of the new version names a milestone of one of the plan's earlier
 * versions in the store (cur: the current one; old: its parse, or none): a misspelt one
 * would cancel the old milestone's tasks and make a second set, the very thing
 * renamed_from is there to prevent (review 10e, M-L). Refused (DB_EDATA) at the value's
 * line and column, naming the id and the previous version's milestones. Versions before
 * the current one are read only for a name the current one lacks (a file that still says
 * renamed_from: b after b2 became the id); one that cannot be read refuses nothing. */
static int
renamed_known(struct store_txn *txn, struct load_arg *a, const struct store_plan *cur,
              const struct plan *old, struct dberr *e)
{
	const struct plan *p = a->plan;
	struct older o = {NULL, NULL};
	int rc = 0;

	if (cur->version > 1) {
		o.v = xcalloc(cur->version - 1, sizeof(*o.v));
		o.tried = xcalloc(cur->version - 1, sizeof(*o.tried));
	}
	for (size_t i = 0; rc == 0 && i < p->nmilestones; i++) {
		const struct plan_milestone *m = &p->milestones[i];
		int same = old != NULL ? plan_milestone_index(old, m->id) : -1;
		struct buf ids = BUF_INIT;
		bool found;

		if (m->renamed_from == NULL)
			continue;
		/* the current version made the same claim (accepted then: its first version,
		 * or a calendar-update's new version of the same file) */
		found = old == NULL || has_milestone(old, m->renamed_from) ||
		        (same >= 0 && old->milestones[same].renamed_from != NULL &&
		         strcmp(old->milestones[same].renamed_from, m->renamed_from) == 0);
		for (uint32_t v = cur->version - 1; rc == 0 && !found && v >= 1; v--) {
			bool lacks;

			rc = older_lacks(txn, p->id, v, &o, m->renamed_from, &lacks, e);
			found = !lacks;
		}
		if (rc != 0 || found)
			continue;
		for (size_t k = 0; k < old->nmilestones; k++)
			buf_printf(&ids, "%s%s", k ? ", " : "", old->milestones[k].id);
		rc = dberr_at(e, DB_EDATA, a->path, m->renamed_line, m->renamed_col,
		              "renamed_from '%s': no version of plan %s in the store has a milestone "
		              "'%s' (version %u has %s): a misspelt one would cancel the old "
		              "milestone's tasks and make new ones; name the id it had", m->renamed_from,
		              p->id, m->renamed_from, (unsigned)cur->version, buf_str(&ids));
		buf_release(&ids);
	}
	for (uint32_t v = 1; v < cur->version; v++)
		plan_free(o.v[v - 1]);
	free(o.v);
	free(o.tried);
	return rc;
}

/* On a plan's first version in the store, a renamed_from has nothing to carry over: the
 * milestone is new here (a store begun from a revised plan file). Said, not refused. */
static void
renamed_first(const struct plan *p, struct load_result *res)
{
	struct buf notes = BUF_INIT;

	for (size_t i = 0; i < p->nmilestones; i++)
		if (p->milestones[i].renamed_from != NULL)
			buf_printf(&notes, "%d:%d: renamed_from '%s': the store has no earlier version "
			           "of plan %s, so milestone %s carries nothing over (it is new here)\n",
			           p->milestones[i].renamed_line, p->milestones[i].renamed_col,
			           p->milestones[i].renamed_from, p->id, p->milestones[i].id);
	if (notes.len > 0) {
		free(res->calendar_notes);
		res->calendar_notes = buf_detach(&notes);
	}
	buf_release(&notes);
}

/* A proposal withdrawn because the version has no rule for it: a line of the load's. */
static void
note_withdrawn(void *arg, const char *id, const char *text)
{
	char key[32];

	snprintf(key, sizeof(key), "warning %s", id);
	sched_changes_note(arg, SCHED_WITHDRAWN, key, text);
}

int
sched_load_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct load_arg *a = arg;
	struct load_result *res = a->res;
	struct store_plan cur, sp = {0};
	struct engine_plan old = {0};
	struct buf details = BUF_INIT;
	int rc;

	sched_changes_reset(&res->changes); /* a redone transaction counts again */
	res->version = 1;
	res->changed = true;
	res->sources_only = false;
	rc = store_plan_get(txn, a->plan->id, 0, &cur, e);
	if (rc == 0) {
		rc = compare_current(a, &cur, e);
		/* what the new version changes in the tasks is told against the one before */
		if (rc == 0 && res->changed)
			old_version(&cur, &old);
		if (rc == 0 && res->changed)
			rc = renamed_known(txn, a, &cur, old.plan, e);
		store_plan_release(&cur);
		if (rc != 0) {
			old_release(&old);
			return rc;
		}
	} else if (rc == DB_ENOTFOUND) {
		dberr_clear(e);
		renamed_first(a->plan, res);
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
		sp.templates_kept = true;
		sp.templates = (struct store_plan_template *)a->tpls;
		sp.ntemplates = a->ntpls;
		rc = store_plan_put(txn, &sp, e);
		free(sp.calendars);
		if (rc != 0)
			goto out;
		plan_load_details(&details, a->plan, res->version, a->tpls, a->ntpls);
		rc = engine_audit(a->en, txn, a->action, "", a->plan->id, "", "",
		                  buf_str(&details), e);
		buf_release(&details);
		if (rc != 0)
			goto out;
	}
	/* the engine expands from its in-memory plans: the new version goes there first (a
	 * redone transaction finds it in place) */
	if ((rc = engine_plan_place(a->en, a->plan, a->path, res->version, a->tpls, a->ntpls,
	                            e)) != 0) {
		a->plan = NULL; /* freed by the engine */
		goto out;
	}
	a->placed = true;
	/* a new version reaches the tasks it keeps (renamed, cancelled, redated, retimed)
	 * before it adds the ones it gives anew */
	if (res->changed && res->version > 1)
		rc = reconcile_plan(a->en, txn, engine_plan_find(a->en, a->plan->id),
		                    old.plan ? &old : NULL, &res->changes, e);
	/* and the proposals it leaves without a decision to wait for (review 10f, F9) */
	if (rc == 0 && res->changed && res->version > 1)
		rc = conduct_version_withdraw(a->en, txn, engine_plan_find(a->en, a->plan->id),
		                              old.plan ? &old : NULL, note_withdrawn, &res->changes,
		                              e);
	if (rc == 0)
		rc = expand_all(a->en, txn, a->plan->id, &res->changes, e);
out:
	old_release(&old);
	return rc;
}

void
sched_load_unplace(struct load_arg *a)
{
	if (a->placed)
		engine_plan_unplace(a->en, a->plan); /* the engine frees it */
	else if (a->plan != NULL)
		plan_free(a->plan);
	a->plan = NULL;
	a->placed = false;
}

/* Stores plan p (parsed from source) in one transaction as `load` does: a new version
 * when it changed, placed in the engine, its tasks reconciled and expanded. Takes p. Dry:
 * the same transaction, aborted, and the engine's plans and pending notices as before. */
static int
load_parsed(struct engine *en, struct plan *p, const char *path, char *source, size_t len,
            const struct store_plan_template *tpls, size_t ntpls, unsigned flags, bool dry,
            struct load_result *res, struct dberr *e)
{
	struct load_arg a = {en, p, false, path, source, len, res, "plan.load", flags, tpls,
	                     ntpls};
	int rc;

	snprintf(res->plan_id, sizeof(res->plan_id), "%s", p->id); /* p may be freed below */
	rc = (dry ? engine_write_dry : engine_write)(en, sched_load_txn, &a, e);
	if (dry) {
		struct dberr ignored;

		dberr_clear(&ignored);
		if (a.placed && engine_reload(en, &ignored) != 0)
			engine_plan_unplace(en, a.plan); /* a new plan: none before */
		else if (!a.placed && a.plan != NULL)
			plan_free(a.plan);
		if (rc == 0)
			res->created = res->changes.n[SCHED_ADDED] + res->changes.n[SCHED_GRACE] +
			               res->changes.n[SCHED_NOT_APPLICABLE];
		return rc;
	}
	if (rc == 0) {
		res->created = res->changes.n[SCHED_ADDED] + res->changes.n[SCHED_GRACE] +
		               res->changes.n[SCHED_NOT_APPLICABLE];
		snprintf(res->plan_id, sizeof(res->plan_id), "%s", a.plan->id);
		memcpy(res->sha256, a.plan->sha256, sizeof(res->sha256));
	} else {
		/* the failed transaction may have placed the plan: take it back out */
		sched_load_unplace(&a);
	}
	return rc;
}

void
load_result_release(struct load_result *res)
{
	free(res->calendar_notes);
	res->calendar_notes = NULL;
}

/* What a role is for an account: an office, per jurisdiction or per enterprise. */
static const char *
role_kind_words(enum plan_per per)
{
	return per == PLAN_PER_JURISDICTION ? "per jurisdiction"
	     : per == PLAN_PER_ENTERPRISE   ? "per enterprise" : "an office (no per)";
}

/* A role id names one kind of account in the whole store (review 11d, W1): an account of
 * role R is an office, a jurisdiction's or an enterprise's by R alone, so a plan whose R
 * is another kind than another loaded plan's R would turn a county's account into an
 * office of every plan (or an office's into nobody's). Refused (DB_EDATA), naming both;
 * also between versions of one plan (the loaded one is the other). */
static int
roles_agree(struct engine *en, const struct plan *p, const char *path, struct dberr *e)
{
	for (size_t i = 0; i < engine_nplans(en); i++) {
		const struct plan *q = engine_plan_at(en, i)->plan;

		/* a new version of the same plan too (review 11f, Y2): its county role turned
		 * office would make every county account of it an office */
		for (size_t r = 0; r < p->nroles; r++) {
			int qi = plan_role_index(q, p->roles[r].id);

			if (qi >= 0 && q->roles[qi].per != p->roles[r].per)
				return dberr_set(e, DB_EDATA, "%s: role '%s' is %s in plan %s but %s in "
				                 "plan %s already loaded: a role id is one kind of account "
				                 "in every plan of a store; give this plan's role its own id "
				                 "(e.g. hami_%s), nothing loaded", path, p->roles[r].id,
				                 role_kind_words(p->roles[r].per), p->id,
				                 role_kind_words(q->roles[qi].per), q->id, p->roles[r].id);
		}
	}
	return 0;
}

static int
load_file(struct engine *en, const char *path, unsigned flags, bool dry,
          struct load_result *res, struct dberr *e)
{
	struct plan *p = NULL;
	struct store_plan_template *tpls = NULL;
	char *source = NULL;
	size_t len = 0, ntpls = 0;
	int rc;

	memset(res, 0, sizeof(*res));
	/* One read: the bytes stored are exactly the bytes parsed; the same for the plan's
	 * templates, kept with the version */
	rc = file_read(path, FILE_MAX_INPUT, &source, &len, e);
	if (rc == 0)
		rc = engine_plan_parse(engine_config(en), path, source, len, NULL, 0, &p, e);
	if (rc == 0)
		rc = roles_agree(en, p, path, e);
	if (rc == 0)
		rc = notice_templates_read(p, path, &tpls, &ntpls, e);
	if (rc == 0) {
		rc = load_parsed(en, p, path, source, len, tpls, ntpls, flags, dry, res, e);
	} else if (p != NULL) {
		plan_free(p);
	}
	notice_templates_free(tpls, ntpls);
	free(source);
	return rc;
}

int
sched_load_plan(struct engine *en, const char *path, unsigned flags, struct load_result *res,
                struct dberr *e)
{
	return load_file(en, path, flags, false, res, e);
}

int
sched_preview_plan(struct engine *en, const char *path, unsigned flags,
                   struct load_result *res, struct dberr *e)
{
	return load_file(en, path, flags, true, res, e);
}

struct import_arg {
	struct engine *en;
	const char *path;
	const struct registry_ctx *ctx; /* what the file is checked against */
	struct store_txn *txn;          /* the import's, while the file is read into it */
	struct registry *reg;           /* whom the file lists, once read (import_txn) */
	struct import_result *res;
};

/* One field's change, for the audit record: "name":[before, after] (null: absent). */
static void
field_change(struct buf *d, size_t *n, const char *name, const char *before, const char *after)
{
	buf_puts(d, (*n)++ ? "," : "");
	buf_json_str(d, name);
	buf_puts(d, ":[");
	if (before)
		buf_json_str(d, before);
	else
		buf_puts(d, "null");
	buf_putc(d, ',');
	if (after)
		buf_json_str(d, after);
	else
		buf_puts(d, "null");
	buf_putc(d, ']');
}

/* Each key of kv mapped to its first place (store_subject_field's answer), keys borrowed:
 * comparing a subject of 100,000 fields or contacts with the stored one takes time
 * linear in them, not their square (review 13d, F16). */
static void
kv_index(struct hmap *m, const struct store_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (kv[i].key != NULL && !hmap_get(m, kv[i].key, NULL))
			hmap_put(m, kv[i].key, i);
}

/* The value of key in kv through its index m, or NULL. */
static const char *
kv_lookup(const struct hmap *m, const struct store_kv *kv, const char *key)
{
	size_t i;

	return hmap_get(m, key, &i) ? kv[i].val : NULL;
}

/* Sets key to val in kv (indexed by m): replaced where it is, else appended and indexed. */
static void
kv_set_indexed(struct hmap *m, struct store_kv **kv, size_t *n, const char *key,
               const char *val)
{
	size_t i;

	if (hmap_get(m, key, &i)) {
		free((*kv)[i].val);
		(*kv)[i].val = xstrdup(val);
		return;
	}
	*kv = xrealloc(*kv, (*n + 1) * sizeof(**kv));
	(*kv)[*n].key = xstrdup(key);
	(*kv)[*n].val = xstrdup(val);
	hmap_put(m, (*kv)[*n].key, *n);
	(*n)++;
}

/* Whether the file speaks of a field (or a contact column): every one in YAML, whose
 * entries are whole (cols NULL); in a CSV, only those its header names (cols). */
static bool
spoken(const struct hmap *cols, const char *column)
{
	return cols == NULL || hmap_get(cols, column, NULL);
}

/* One field's change for the import's report: "rectify_by 2017-06-30 -> 2017-02-10". */
static void
change_words(struct buf *b, const char *name, const char *before, const char *after)
{
	buf_printf(b, "%s%s %s -> %s", b->len ? "; " : "", name, before ? before : "(none)",
	           after ? after : "(none)");
}

/* A subject's contacts sorted by key, then address (the order a list is joined in), and
 * each key's first place in that order: every key's addresses in one look-up. */
struct contact_groups {
	const struct store_kv **v;
	size_t n;
	struct hmap first;
};

static int
cmp_contact(const void *a, const void *b)
{
	const struct store_kv *x = *(const struct store_kv *const *)a;
	const struct store_kv *y = *(const struct store_kv *const *)b;
	int c = strcmp(x->key, y->key);

	return c != 0 ? c : strcmp(x->val, y->val);
}

static void
contact_groups_init(struct contact_groups *g, const struct store_subject *s)
{
	g->n = s->ncontacts;
	g->v = xcalloc(g->n + 1, sizeof(*g->v));
	g->first = (struct hmap)HMAP_INIT;
	for (size_t i = 0; i < g->n; i++)
		g->v[i] = &s->contacts[i];
	if (g->n > 1)
		qsort(g->v, g->n, sizeof(*g->v), cmp_contact);
	for (size_t i = 0; i < g->n; i++)
		if (i == 0 || strcmp(g->v[i]->key, g->v[i - 1]->key) != 0)
			hmap_put(&g->first, g->v[i]->key, i);
}

static void
contact_groups_release(struct contact_groups *g)
{
	free(g->v);
	hmap_release(&g->first);
}

/* The addresses a subject has under one contact key (a key may hold several: an office
 * with two mailboxes), sorted and joined "a@x, b@y", or NULL when it has none. Caller
 * frees. */
static char *
contact_list(const struct contact_groups *g, const char *key)
{
	struct buf b = BUF_INIT;
	size_t i;
	char *out;

	if (!hmap_get(&g->first, key, &i))
		return NULL;
	for (size_t k = i; k < g->n && strcmp(g->v[k]->key, key) == 0; k++)
		buf_printf(&b, "%s%s", k > i ? ", " : "", g->v[k]->val);
	out = xstrdup(buf_str(&b));
	buf_release(&b);
	return out;
}

/* Each contact key whose addresses changed, audited with the addresses before and after
 * under its column's name ("email", "contact:ROLE") and named in the report: who was to be
 * told at which address is what an accountability dispute asks (review 10d, M-3). The
 * same addresses in another order are no change. */
static void
contact_changes(const struct store_subject *old, const struct store_subject *neu,
                struct buf *d, size_t *n, struct buf *words)
{
	const struct store_subject *both[2] = {old, neu};
	struct contact_groups go, gn;
	struct hmap seen = HMAP_INIT;

	contact_groups_init(&go, old);
	contact_groups_init(&gn, neu);
	for (size_t w = 0; w < 2; w++)
		for (size_t i = 0; i < both[w]->ncontacts; i++) {
			const char *key = both[w]->contacts[i].key;
			char *before, *after, *col;

			/* each key once: its first entry in old, or in neu when old has none */
			if (hmap_get(&seen, key, NULL))
				continue;
			hmap_put(&seen, key, 0);
			before = contact_list(&go, key);
			after = contact_list(&gn, key);
			if (before == NULL || after == NULL || strcmp(before, after) != 0) {
				col = key[0] ? xasprintf("contact:%s", key) : xstrdup("email");
				field_change(d, n, col, before, after);
				change_words(words, col, before, after);
				free(col);
			}
			free(before);
			free(after);
		}
	contact_groups_release(&go);
	contact_groups_release(&gn);
	hmap_release(&seen);
}

/* DB_EDATA when enterprise s's jurisdiction is retired in the store. */
static int
retired_jurisdiction(struct store_txn *txn, const struct store_subject *s, struct dberr *e)
{
	const char *j = store_subject_field(s, "jurisdiction");
	struct store_subject js;
	struct dberr ignored;
	int rc = 0;

	dberr_clear(&ignored);
	if (j == NULL || store_subject_get(txn, STORE_JURISDICTION, j, &js, &ignored) != 0)
		return 0;
	if (store_subject_field(&js, SCHED_RETIRED) != NULL)
		rc = dberr_set(e, DB_EDATA, "enterprise %s: its jurisdiction %s was retired on %s "
		               "(%s): an import gives a retired jurisdiction no enterprise; "
		               "nothing was imported", s->id, j,
		               store_subject_field(&js, SCHED_RETIRED),
		               store_subject_field(&js, SCHED_RETIRED_REASON)
		                   ? store_subject_field(&js, SCHED_RETIRED_REASON) : "");
	store_subject_release(&js);
	return rc;
}

/* A subject as the registry gives it, over the one the store has: what a retirement set
 * stays (an import never brings a retired subject back); a field (or contact column) a CSV
 * does not have is kept as the store has it, since the file says nothing of it (a blank
 * cell in a column it has clears the field: docs/registry-format.md); every changed field
 * is audited with its before and after (subject.update) and named in the report. */
static int
put_subject(struct engine *en, struct store_txn *txn, const char *const *columns,
            size_t ncolumns, const struct store_subject *s, struct import_result *res,
            struct dberr *e)
{
	static const char *const kept[] = {SCHED_RETIRED, SCHED_RETIRED_REASON, NULL};
	struct store_subject old, neu = *s;
	struct buf d = BUF_INIT, words = BUF_INIT;
	struct hmap cols = HMAP_INIT, oldf = HMAP_INIT, neuf = HMAP_INIT;
	size_t n = 0;
	int rc = store_subject_get(txn, s->kind, s->id, &old, e);

	if (rc != 0 && rc != DB_ENOTFOUND)
		return rc;
	if (rc == DB_ENOTFOUND)
		dberr_clear(e);
	if (s->kind == STORE_ENTERPRISE &&
	    (rc == DB_ENOTFOUND || store_subject_field(&old, SCHED_RETIRED) == NULL)) {
		/* a retired jurisdiction has no enterprise left (retire refuses one that has):
		 * an import must not give it one, new or moved there, whose lapses would count
		 * and whose escalations would go to an office told it is retired (review 10e,
		 * m-J). The whole import is refused, as for any bad row. */
		int found = rc;
		int jrc = retired_jurisdiction(txn, s, e);

		if (found == 0 && jrc != 0)
			store_subject_release(&old);
		if (jrc != 0)
			return jrc;
		rc = found;
	}
	if (rc == DB_ENOTFOUND)
		return store_subject_put(txn, s, e);
	neu.fields = store_kv_dup(s->fields, s->nfields);
	neu.contacts = store_kv_dup(s->contacts, s->ncontacts);
	for (size_t i = 0; columns != NULL && i < ncolumns; i++)
		hmap_put(&cols, columns[i], i);
	kv_index(&oldf, old.fields, old.nfields);
	kv_index(&neuf, neu.fields, neu.nfields);
	for (size_t i = 0; kept[i]; i++) {
		const char *v = kv_lookup(&oldf, old.fields, kept[i]);

		if (v != NULL)
			kv_set_indexed(&neuf, &neu.fields, &neu.nfields, kept[i], v);
	}
	for (size_t i = 0; i < old.nfields; i++)
		if (!spoken(columns ? &cols : NULL, old.fields[i].key))
			kv_set_indexed(&neuf, &neu.fields, &neu.nfields, old.fields[i].key,
			               old.fields[i].val);
	for (size_t i = 0; i < old.ncontacts; i++) {
		char *col = old.contacts[i].key[0] ? xasprintf("contact:%s", old.contacts[i].key)
		                                   : xstrdup("email");

		if (!spoken(columns ? &cols : NULL, col)) {
			neu.contacts = xrealloc(neu.contacts, (neu.ncontacts + 1) * sizeof(*neu.contacts));
			neu.contacts[neu.ncontacts].key = xstrdup(old.contacts[i].key);
			neu.contacts[neu.ncontacts++].val = xstrdup(old.contacts[i].val);
		}
		free(col);
	}
	if (kv_lookup(&oldf, old.fields, SCHED_RETIRED) != NULL)
		res->retired++;
	for (size_t i = 0; i < old.nfields; i++) {
		const char *v = kv_lookup(&neuf, neu.fields, old.fields[i].key);

		if (v == NULL || strcmp(v, old.fields[i].val) != 0) {
			field_change(&d, &n, old.fields[i].key, old.fields[i].val, v);
			change_words(&words, old.fields[i].key, old.fields[i].val, v);
		}
	}
	for (size_t i = 0; i < neu.nfields; i++)
		if (kv_lookup(&oldf, old.fields, neu.fields[i].key) == NULL) {
			field_change(&d, &n, neu.fields[i].key, NULL, neu.fields[i].val);
			change_words(&words, neu.fields[i].key, NULL, neu.fields[i].val);
		}
	contact_changes(&old, &neu, &d, &n, &words);
	rc = store_subject_put(txn, &neu, e);
	if (rc == 0 && n > 0) {
		struct buf det = BUF_INIT;

		res->updated++;
		sched_changes_note(&res->changes, SCHED_FIELDS, s->id, buf_str(&words));
		buf_printf(&det, "{\"kind\":\"%c\",\"changes\":{%s}}", (char)s->kind, buf_str(&d));
		rc = engine_audit(en, txn, "subject.update", "", s->id, "", "", buf_str(&det), e);
		buf_release(&det);
	}
	hmap_release(&cols);
	hmap_release(&oldf);
	hmap_release(&neuf);
	store_kv_free(neu.fields, neu.nfields);
	store_kv_free(neu.contacts, neu.ncontacts);
	store_subject_release(&old);
	buf_release(&d);
	buf_release(&words);
	return rc;
}

/* Subjects of a kind the file lists that the store has and the file does not: an import
 * never removes anything (dabiao retire does), but says so. Whom the file lists is a map
 * (registry_lists), so telling them is linear in the store's subjects. */
struct absent_ctx {
	const struct registry *reg;
	size_t n;
};

static int
absent_cb(const struct store_subject *s, void *arg)
{
	struct absent_ctx *c = arg;

	if (store_subject_field(s, SCHED_RETIRED) != NULL)
		return 0;
	if (!registry_lists(c->reg, s->kind, s->id))
		c->n++;
	return 0;
}

/* How many subjects of the kinds the import read the store has and its file does not. */
static int
count_absent(struct store_txn *txn, const struct registry *reg, struct import_result *res,
             struct dberr *e)
{
	struct absent_ctx ac = {reg, 0};
	int rc = 0;

	if (res->jurisdictions > 0)
		rc = store_subject_each(txn, STORE_JURISDICTION, absent_cb, &ac, e);
	if (rc == 0 && res->enterprises > 0)
		rc = store_subject_each(txn, STORE_ENTERPRISE, absent_cb, &ac, e);
	if (rc == 0)
		res->absent = ac.n;
	return rc;
}

/* One subject of the file, checked, put as it is read: a registry of millions of rows is
 * never held whole (registry_parse_file_each). */
static int
import_subject(const char *const *columns, size_t ncolumns, const struct store_subject *s,
               void *arg, struct dberr *e)
{
	struct import_arg *a = arg;
	int rc = put_subject(a->en, a->txn, columns, ncolumns, s, a->res, e);

	if (s->kind == STORE_JURISDICTION)
		a->res->jurisdictions++;
	else if (s->kind == STORE_ENTERPRISE)
		a->res->enterprises++;
	else
		a->res->offices++;
	return rc;
}

static int
import_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct import_arg *a = arg;
	struct import_result *res = a->res;
	struct buf details = BUF_INIT;
	int rc;

	sched_changes_reset(&res->changes);
	res->jurisdictions = res->enterprises = res->offices = 0;
	res->updated = res->retired = res->absent = 0;
	/* the file is read, checked and put in one pass; a fault in it aborts the whole, and
	 * a rerun (the map grew) reads it again */
	registry_free(a->reg);
	a->reg = NULL;
	a->txn = txn;
	rc = registry_parse_file_each(a->path, a->ctx, import_subject, a, &a->reg, e);
	if (rc != 0)
		return rc;
	if ((rc = count_absent(txn, a->reg, res, e)) != 0)
		return rc;
	/* whom the file listed is let go before the tasks are made, which take the
	 * transaction's own pages */
	registry_free(a->reg);
	a->reg = NULL;
	buf_puts(&details, "{\"file\":");
	buf_json_str(&details, a->path);
	buf_printf(&details, ",\"jurisdictions\":%zu,\"enterprises\":%zu,\"offices\":%zu,"
	           "\"updated\":%zu}", res->jurisdictions, res->enterprises, res->offices,
	           res->updated);
	rc = engine_audit(a->en, txn, "registry.import", "", "", "", "", buf_str(&details), e);
	buf_release(&details);
	if (rc != 0)
		return rc;
	/* what the registry now says reaches every plan's tasks before new ones are made */
	for (size_t i = 0; rc == 0 && i < engine_nplans(a->en); i++)
		rc = reconcile_plan(a->en, txn, engine_plan_at(a->en, i), NULL, &res->changes, e);
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

static int
import_file(struct engine *en, const char *path, bool dry, struct import_result *res,
            struct dberr *e)
{
	struct registry_ctx ctx = {NULL, NULL};
	struct import_arg a = {en, path, &ctx, NULL, NULL, res};
	struct strset known = {0}, industries = {0};
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
	rc = (dry ? engine_write_dry : engine_write)(en, import_txn, &a, e);
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

int
sched_import_registry(struct engine *en, const char *path, struct import_result *res,
                      struct dberr *e)
{
	return import_file(en, path, false, res, e);
}

int
sched_preview_import(struct engine *en, const char *path, struct import_result *res,
                     struct dberr *e)
{
	return import_file(en, path, true, res, e);
}

/* ---- retiring a subject ---- */

struct retire_arg {
	struct engine *en;
	const char *id, *reason;
	bool undo;
	struct retire_result *res;
};

static void
kv_drop(struct store_kv **kv, size_t *n, const char *key)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*kv)[i].key, key) == 0) {
			free((*kv)[i].key);
			free((*kv)[i].val);
			memmove(&(*kv)[i], &(*kv)[i + 1], (*n - i - 1) * sizeof(**kv));
			(*n)--;
			return;
		}
}

/* `retire --undo`: a subject retired by mistake (the wrong credit code) is in the registry
 * again: its retirement's mark goes, audited with what it was (subject.unretire), and what
 * the retirement cancelled comes back as a relisted enterprise's tasks do (reconcile's
 * reopen: a task cancelled after it lapsed comes back lapsed; any other under the
 * fair-start rule), its owners told; the tasks made meanwhile for others are made for it
 * too (review 10e, m-H). An enterprise of a jurisdiction still retired is refused. */
static int
unretire(struct retire_arg *a, struct store_txn *txn, struct store_subject *s, struct dberr *e)
{
	struct buf d = BUF_INIT;
	int rc;

	if (store_subject_field(s, SCHED_RETIRED) == NULL)
		return dberr_set(e, DB_ESTATE, "%s is not retired: nothing to undo", a->id);
	if (s->kind == STORE_ENTERPRISE && (rc = retired_jurisdiction(txn, s, e)) != 0)
		return rc;
	buf_printf(&d, "{\"kind\":\"%c\",\"retired\":", (char)s->kind);
	buf_json_str(&d, store_subject_field(s, SCHED_RETIRED));
	buf_puts(&d, ",\"retired_reason\":");
	buf_json_str(&d, store_subject_field(s, SCHED_RETIRED_REASON)
	                     ? store_subject_field(s, SCHED_RETIRED_REASON) : "");
	buf_puts(&d, ",\"reason\":");
	buf_json_str(&d, a->reason);
	buf_putc(&d, '}');
	kv_drop(&s->fields, &s->nfields, SCHED_RETIRED);
	kv_drop(&s->fields, &s->nfields, SCHED_RETIRED_REASON);
	rc = store_subject_put(txn, s, e);
	if (rc == 0)
		rc = engine_audit(a->en, txn, "subject.unretire", "", a->id, "retired", "",
		                  buf_str(&d), e);
	for (size_t i = 0; rc == 0 && i < engine_nplans(a->en); i++)
		rc = reconcile_plan(a->en, txn, engine_plan_at(a->en, i), NULL, &a->res->changes, e);
	if (rc == 0)
		rc = expand_all(a->en, txn, NULL, &a->res->changes, e);
	buf_release(&d);
	return rc;
}

static int
live_enterprise_cb(const struct store_subject *s, void *arg)
{
	struct retire_arg *a = arg;
	const char *j = store_subject_field(s, "jurisdiction");

	if (j != NULL && strcmp(j, a->id) == 0 && store_subject_field(s, SCHED_RETIRED) == NULL)
		a->res->enterprises++;
	return 0;
}

static int
retire_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct retire_arg *a = arg;
	struct retire_result *res = a->res;
	struct store_subject s;
	struct buf d = BUF_INIT;
	int32_t today;
	char day[16];
	int rc;

	sched_changes_reset(&res->changes);
	res->enterprises = 0;
	rc = store_subject_get(txn, STORE_ENTERPRISE, a->id, &s, e);
	if (rc == DB_ENOTFOUND) {
		dberr_clear(e);
		rc = store_subject_get(txn, STORE_JURISDICTION, a->id, &s, e);
		if (rc == DB_ENOTFOUND) {
			dberr_clear(e);
			return dberr_set(e, DB_ENOTFOUND, "no jurisdiction or enterprise '%s' in the "
			                 "registry", a->id);
		}
	}
	if (rc != 0)
		return rc;
	res->kind = s.kind;
	if (a->undo) {
		rc = unretire(a, txn, &s, e);
		goto out;
	}
	if (store_subject_field(&s, SCHED_RETIRED) != NULL) {
		rc = dberr_set(e, DB_ESTATE, "%s was retired on %s already", a->id,
		               store_subject_field(&s, SCHED_RETIRED));
		goto out;
	}
	if (s.kind == STORE_JURISDICTION &&
	    ((rc = store_subject_each(txn, STORE_ENTERPRISE, live_enterprise_cb, a, e)) != 0 ||
	     res->enterprises > 0)) {
		if (rc == 0)
			rc = dberr_set(e, DB_ESTATE, "jurisdiction %s still has %zu enterprise%s: move "
			               "them to another jurisdiction (import) or retire them first",
			               a->id, res->enterprises, res->enterprises == 1 ? "" : "s");
		goto out;
	}
	tz_utc_to_local(engine_tz(a->en), engine_now(a->en), &today, NULL, NULL);
	cal_format_date(today, day);
	store_kv_set(&s.fields, &s.nfields, SCHED_RETIRED, day);
	store_kv_set(&s.fields, &s.nfields, SCHED_RETIRED_REASON, a->reason);
	if ((rc = store_subject_put(txn, &s, e)) != 0)
		goto out;
	buf_printf(&d, "{\"kind\":\"%c\",\"retired\":\"%s\",\"reason\":", (char)s.kind, day);
	buf_json_str(&d, a->reason);
	buf_putc(&d, '}');
	if ((rc = engine_audit(a->en, txn, "subject.retire", "", a->id, "", "retired",
	                       buf_str(&d), e)) != 0)
		goto out;
	/* its unfinished tasks end: cancelled, each with its reason */
	for (size_t i = 0; rc == 0 && i < engine_nplans(a->en); i++)
		rc = reconcile_plan(a->en, txn, engine_plan_at(a->en, i), NULL, &res->changes, e);
out:
	buf_release(&d);
	store_subject_release(&s);
	return rc;
}

int
sched_retire(struct engine *en, const char *id, const char *reason, bool dry, bool undo,
             struct retire_result *res, struct dberr *e)
{
	struct retire_arg a = {en, id, reason, undo, res};

	memset(res, 0, sizeof(*res));
	if (reason == NULL || *reason == '\0')
		return dberr_set(e, DB_EUSAGE, "retiring a subject needs --reason");
	return (dry ? engine_write_dry : engine_write)(en, retire_txn, &a, e);
}
