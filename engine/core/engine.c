/*
 * engine.c - the engine handle: opening a store with its clock and plans, the plans it
 * runs, the notices produced for delivery, module memos, and the audit helper.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/xalloc.h"
#include "engine/audit/audit.h"
#include "engine/core/engine_int.h"

static void
actions_drop(struct engine *en)
{
	for (size_t i = 0; i < en->nheld; i++) {
		free((char *)en->held[i].kind);
		free((char *)en->held[i].task);
		free((char *)en->held[i].subject);
		free((char *)en->held[i].recipients);
	}
	en->nheld = 0;
}

static void
plan_release(struct engine_plan *ep)
{
	plan_free(ep->plan);
	if (ep->tz)
		tz_free(ep->tz);
	free(ep->templates);
	for (size_t i = 0; i < ep->ntpls; i++) {
		free(ep->tpls[i].kind);
		free(ep->tpls[i].source);
	}
	free(ep->tpls);
	memset(ep, 0, sizeof(*ep));
}

/* ep keeps its own copy of a version's template files. */
static void
keep_templates(struct engine_plan *ep, const struct store_plan_template *v, size_t n)
{
	ep->tpls_kept = true;
	ep->tpls = n ? xcalloc(n, sizeof(*ep->tpls)) : NULL;
	for (size_t i = 0; i < n; i++) {
		ep->tpls[i].kind = xstrdup(v[i].kind);
		ep->tpls[i].source = xmalloc(v[i].source_len + 1);
		memcpy(ep->tpls[i].source, v[i].source, v[i].source_len);
		ep->tpls[i].source[v[i].source_len] = '\0';
		ep->tpls[i].source_len = v[i].source_len;
	}
	ep->ntpls = n;
}

static void
plans_release(struct engine_plan *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		plan_release(&v[i]);
	free(v);
}

struct load_ctx {
	struct engine_plan *v;
	size_t n, cap;
	enum log_level log_level;
	struct dberr *e;
};

/* Plans are stored as their YAML source and parsed again at open: the store keeps what
 * the bureau wrote, byte for byte, and the parser stays the one authority on its meaning. */
static int
load_one(const struct store_plan *sp, void *arg)
{
	struct load_ctx *c = arg;
	struct engine_plan ep = {0};
	int rc;

	rc = engine_plan_parse_stored(sp, &ep.plan, c->e);
	if (rc != 0)
		return rc;
	/* the same bytes resolve the same way; a differing hash means this dabiao reads a
	 * calendar otherwise than the one that stored the version did */
	if (sp->calendar_sha256[0] && strcmp(sp->calendar_sha256, ep.plan->calendar_sha256) != 0)
		log_warnx(c->log_level, "engine",
		          "plan=%s version=%u calendar_sha256=%s stored=%s: "
		          "the stored calendar files resolve to another calendar than when stored",
		          sp->id, (unsigned)sp->version, ep.plan->calendar_sha256,
		          sp->calendar_sha256);
	rc = tz_open(ep.plan->timezone, &ep.tz, c->e);
	if (rc != 0) {
		plan_free(ep.plan);
		return rc;
	}
	ep.version = sp->version;
	ep.templates = engine_plan_templates(ep.plan, sp->path);
	if (sp->templates_kept)
		keep_templates(&ep, sp->templates, sp->ntemplates);
	c->v = xgrow(c->v, &c->cap, c->n + 1, sizeof(ep));
	c->v[c->n++] = ep;
	return 0;
}

struct reload {
	struct store_clock sc;
	struct load_ctx plans;
};

static int
reload_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct reload *r = arg;
	int rc;

	rc = store_clock_get(txn, &r->sc, e);
	if (rc == DB_ENOTFOUND) {
		/* a store created by load or import: the real clock, the default zone */
		dberr_clear(e);
		memset(&r->sc, 0, sizeof(r->sc));
		r->sc.mode = STORE_CLOCK_REAL;
		snprintf(r->sc.tz, sizeof(r->sc.tz), "Asia/Shanghai");
	} else if (rc != 0) {
		return rc;
	}
	r->plans.e = e;
	return store_plan_each(txn, load_one, &r->plans, e);
}

int
engine_reload(struct engine *en, struct dberr *e)
{
	struct reload r;
	struct tz *z = NULL;
	int rc;

	memset(&r, 0, sizeof(r));
	r.plans.log_level = en->log_level;
	/* everything new is parsed before anything old is let go: a reload that fails keeps
	 * the engine running on what it had */
	rc = store_read(en->store, reload_txn, &r, e);
	if (rc == 0 && (en->tz == NULL || strcmp(tz_name(en->tz), r.sc.tz) != 0))
		rc = tz_open(r.sc.tz[0] ? r.sc.tz : "Asia/Shanghai", &z, e);
	if (rc != 0) {
		plans_release(r.plans.v, r.plans.n);
		return rc;
	}
	if (z != NULL) {
		if (en->tz)
			tz_free(en->tz);
		en->tz = z;
	}
	plans_release(en->plans, en->nplans);
	en->plans = r.plans.v;
	en->nplans = r.plans.n;
	en->capplans = r.plans.cap;
	en->mode = r.sc.mode;
	en->now = r.sc.now;
	engine_clock_read(en);
	return 0;
}

int
engine_open(const struct engine_opts *o, struct engine **out, struct dberr *e)
{
	struct engine *en;
	int rc;

	if (o->config == NULL)
		return dberr_set(e, DB_ESOFTWARE, "engine_open: no configuration given");
	en = xcalloc(1, sizeof(*en));
	config_copy(o->config, &en->config);
	en->actor = xstrdup(o->actor && *o->actor ? o->actor : "dabiao");
	en->dry = o->dry;
	en->log_level = o->log_level;
	rc = store_open_sized(o->db, o->store_flags | store_log_flags(o->log_level),
	                      en->config.store_mapsize, &en->store, e);
	en->owns_store = rc == 0;
	if (rc == 0)
		rc = engine_reload(en, e);
	if (rc != 0) {
		engine_close(en);
		return rc;
	}
	*out = en;
	return 0;
}

int
engine_open_sibling(const struct engine *first, struct engine **out, struct dberr *e)
{
	struct engine *en = xcalloc(1, sizeof(*en));
	int rc;

	config_copy(&first->config, &en->config);
	en->actor = xstrdup("dabiao");
	en->dry = first->dry;
	en->log_level = first->log_level;
	en->store = first->store; /* shared: LMDB allows one environment per process */
	en->owns_store = false;
	if ((rc = engine_reload(en, e)) != 0) {
		engine_close(en);
		return rc;
	}
	*out = en;
	return 0;
}

void
engine_close(struct engine *en)
{
	if (en == NULL)
		return;
	for (size_t i = 0; i < ENGINE_SLOT__N; i++)
		if (en->slots[i].p && en->slots[i].release)
			en->slots[i].release(en->slots[i].p);
	plans_release(en->plans, en->nplans);
	if (en->tz)
		tz_free(en->tz);
	if (en->store && en->owns_store)
		store_close(en->store);
	actions_drop(en);
	free(en->held);
	config_release(&en->config);
	free(en->actor);
	free(en);
}

void
engine_set_config(struct engine *en, const struct config *c)
{
	struct config copy;

	config_copy(c, &copy);
	config_release(&en->config);
	en->config = copy;
}

struct store *
engine_store(const struct engine *en)
{
	return en->store;
}

const struct config *
engine_config(const struct engine *en)
{
	return &en->config;
}

const struct tz *
engine_tz(const struct engine *en)
{
	return en->tz;
}

const char *
engine_actor(const struct engine *en)
{
	return en->actor;
}

void
engine_set_actor(struct engine *en, const char *actor)
{
	free(en->actor);
	en->actor = xstrdup(actor && *actor ? actor : "dabiao");
}

size_t
engine_nplans(const struct engine *en)
{
	return en->nplans;
}

const struct engine_plan *
engine_plan_at(const struct engine *en, size_t i)
{
	return i < en->nplans ? &en->plans[i] : NULL;
}

const struct engine_plan *
engine_plan_find(const struct engine *en, const char *id)
{
	for (size_t i = 0; i < en->nplans; i++)
		if (strcmp(en->plans[i].plan->id, id) == 0)
			return &en->plans[i];
	return NULL;
}

int
engine_plan_place(struct engine *en, struct plan *p, const char *path, uint32_t version,
                  const struct store_plan_template *tpls, size_t ntpls, struct dberr *e)
{
	struct engine_plan ep = {0}, *slot = NULL;
	int rc;

	for (size_t i = 0; i < en->nplans; i++)
		if (strcmp(en->plans[i].plan->id, p->id) == 0)
			slot = &en->plans[i];
	if (slot != NULL && slot->plan == p) {
		slot->version = version;  /* a redone transaction: already in place */
		return 0;
	}
	if ((rc = tz_open(p->timezone, &ep.tz, e)) != 0) {
		plan_free(p);
		return rc;
	}
	ep.plan = p;
	ep.version = version;
	ep.templates = engine_plan_templates(p, path);
	keep_templates(&ep, tpls, ntpls);
	if (slot == NULL) {
		en->plans = xgrow(en->plans, &en->capplans, en->nplans + 1, sizeof(ep));
		slot = &en->plans[en->nplans++];
	} else {
		plan_release(slot);
	}
	*slot = ep;
	return 0;
}

void
engine_plan_unplace(struct engine *en, const struct plan *p)
{
	for (size_t i = 0; i < en->nplans; i++)
		if (en->plans[i].plan == p) {
			plan_release(&en->plans[i]);
			en->plans[i] = en->plans[--en->nplans];
			return;
		}
}

int
engine_plan_parse(const struct config *cfg, const char *path, const char *data, size_t len,
                  const struct plan_calsource *given, size_t ngiven, struct plan **out,
                  struct dberr *e)
{
	const char *dirs[3] = {NULL, NULL, NULL};
	struct plan_opts o = {dirs, given, ngiven};

	if (cfg != NULL)
		config_calendar_dirs(cfg, dirs);
	return plan_parse_buffer(path, data, len, &o, out, e);
}

int
engine_plan_parse_stored(const struct store_plan *sp, struct plan **out, struct dberr *e)
{
	struct plan_calsource *given = NULL;
	struct plan_opts o = {NULL, NULL, 0};
	int rc;

	if (sp->ncalendars > 0)
		given = xcalloc(sp->ncalendars, sizeof(*given));
	for (size_t i = 0; i < sp->ncalendars; i++)
		given[i] = (struct plan_calsource){sp->calendars[i].name, sp->calendars[i].path,
		                                   sp->calendars[i].source,
		                                   sp->calendars[i].source_len};
	o.given = given;
	o.ngiven = sp->ncalendars;
	rc = plan_parse_stored(sp->path && *sp->path ? sp->path : sp->id, sp->source,
	                       sp->source_len, &o, out, e);
	free(given);
	return rc;
}

void
engine_plan_calendars_to_store(const struct plan *p, struct store_plan *sp)
{
	memcpy(sp->calendar_sha256, p->calendar_sha256, sizeof(sp->calendar_sha256));
	sp->ncalendars = p->nuses;
	sp->calendars = p->nuses ? xcalloc(p->nuses, sizeof(*sp->calendars)) : NULL;
	for (size_t i = 0; i < p->nuses; i++)
		sp->calendars[i] = (struct store_plan_calendar){
			p->uses[i].file->name, p->uses[i].path, p->uses[i].source,
			p->uses[i].source_len};
}

char *
engine_plan_templates(const struct plan *p, const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;

	if (p->templates == NULL)
		return NULL;
	/* relative to the plan file, as a plan author would write it */
	if (p->templates[0] == '/' || slash == NULL)
		return xstrdup(p->templates);
	return xasprintf("%.*s/%s", (int)(slash - path), path, p->templates);
}

void
engine_on_action(struct engine *en, engine_action_fn fn, void *arg)
{
	en->on_action = fn;
	en->on_action_arg = arg;
}

/* What the engine did, as it is committed: one info line (-v; `run` logs them unasked),
 * then the command's own hook (advance prints them, the daemon has none). */
static void
action_done(struct engine *en, const struct engine_action *a)
{
	char at[40], planned[40];

	if (en->log_level >= LOG_LEVEL_INFO) {
		tz_format_rfc3339(a->plan->tz, a->at, at);
		tz_format_rfc3339(a->plan->tz, a->planned, planned);
		log_info(en->log_level, "engine", "action kind=%s task=%s subject=%s to=%s "
		         "planned=%s applied=%s%s", a->kind, a->task, a->subject ? a->subject : "",
		         a->recipients && *a->recipients ? a->recipients : "-", planned, at,
		         a->at > a->planned + 1 ? " late=1" : "");
	}
	if (en->on_action)
		en->on_action(a, en->on_action_arg);
}

void
engine_action(struct engine *en, const struct engine_action *a)
{
	struct engine_action *h;

	if (en->on_action == NULL && en->log_level < LOG_LEVEL_INFO)
		return;
	if (!en->in_write) {
		action_done(en, a);
		return;
	}
	en->held = xgrow(en->held, &en->capheld, en->nheld + 1, sizeof(*en->held));
	h = &en->held[en->nheld++];
	*h = *a;
	h->kind = xstrdup(a->kind ? a->kind : "");
	h->task = xstrdup(a->task ? a->task : "");
	h->subject = a->subject ? xstrdup(a->subject) : NULL;
	h->recipients = a->recipients ? xstrdup(a->recipients) : NULL;
}

struct write_arg {
	struct engine *en;
	store_fn fn;
	void *arg;
};

/* Each run of the function starts with nothing held: a run after map growth redoes, and
 * so reports again, what the aborted one did. */
static int
write_fn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct write_arg *w = arg;

	actions_drop(w->en);
	return w->fn(txn, w->arg, e);
}

static int
write_held(struct engine *en, store_fn fn, void *arg, bool dry, struct dberr *e)
{
	struct write_arg w = {en, fn, arg};
	int rc;

	if (en->in_write) /* refused by the store: no nesting */
		return (dry ? store_write_dry : store_write)(en->store, fn, arg, e);
	en->in_write = true;
	rc = (dry ? store_write_dry : store_write)(en->store, write_fn, &w, e);
	en->in_write = false;
	for (size_t i = 0; rc == 0 && !dry && i < en->nheld; i++)
		action_done(en, &en->held[i]);
	actions_drop(en);
	return rc;
}

int
engine_write(struct engine *en, store_fn fn, void *arg, struct dberr *e)
{
	return write_held(en, fn, arg, false, e);
}

int
engine_write_group(struct engine_write_item *items, size_t n, struct dberr *e)
{
	struct store_group_item *g = xcalloc(n ? n : 1, sizeof(*g));
	struct write_arg *w = xcalloc(n ? n : 1, sizeof(*w));
	int rc;

	for (size_t i = 0; i < n; i++) {
		w[i] = (struct write_arg){items[i].en, items[i].fn, items[i].arg};
		g[i] = (struct store_group_item){write_fn, &w[i], 0, {0}};
		items[i].en->in_write = true;
	}
	rc = n ? store_write_group(items[0].en->store, g, n, e) : 0;
	for (size_t i = 0; i < n; i++) {
		struct engine *en = items[i].en;

		en->in_write = false;
		items[i].rc = g[i].rc;
		items[i].err = g[i].err;
		for (size_t k = 0; g[i].rc == 0 && k < en->nheld; k++)
			action_done(en, &en->held[k]);
		actions_drop(en);
	}
	free(g);
	free(w);
	return rc;
}

int
engine_write_dry(struct engine *en, store_fn fn, void *arg, struct dberr *e)
{
	return write_held(en, fn, arg, true, e);
}

bool
engine_dry(const struct engine *en)
{
	return en->dry;
}

enum log_level
engine_log_level(const struct engine *en)
{
	return en->log_level;
}

void *
engine_slot(const struct engine *en, enum engine_slot s)
{
	return en->slots[s].p;
}

void
engine_slot_set(struct engine *en, enum engine_slot s, void *p, void (*release)(void *))
{
	if (en->slots[s].p && en->slots[s].release && en->slots[s].p != p)
		en->slots[s].release(en->slots[s].p);
	en->slots[s].p = p;
	en->slots[s].release = release;
}

int
engine_audit(struct engine *en, struct store_txn *txn, const char *action, const char *task,
             const char *subject, const char *from, const char *to, const char *details,
             struct dberr *e)
{
	struct store_audit a = {
		.real_time = engine_wall_clock(),
		.clock_time = en->now,
		.actor = en->actor,
		.action = (char *)action,
		.task = (char *)(task ? task : ""),
		.subject = (char *)(subject ? subject : ""),
		.from_state = (char *)(from ? from : ""),
		.to_state = (char *)(to ? to : ""),
		.details = (char *)(details ? details : "{}"),
	};

	return audit_append(txn, &a, NULL, e);
}
