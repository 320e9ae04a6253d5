#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

#include "engine/base/xalloc.h"
#include "engine/audit.h"
#include "engine/engine.h"
#include "engine/notice_int.h"

#ifndef DABIAO_TEMPLATE_DIR
#define DABIAO_TEMPLATE_DIR "/usr/local/share/dabiao/templates/zh-CN"
#endif
#ifndef DABIAO_INSTALLED_TEMPLATE_DIR
#define DABIAO_INSTALLED_TEMPLATE_DIR "/usr/local/share/dabiao/templates/zh-CN"
#endif

/* The built-in templates: $DABIAO_TEMPLATES, else the installed copy, else the source
 * tree the binary was built from. */
static char *
template_dir(void)
{
	const char *env = getenv("DABIAO_TEMPLATES");
	struct stat st;

	if (env != NULL && *env)
		return xstrdup(env);
	if (stat(DABIAO_INSTALLED_TEMPLATE_DIR, &st) == 0 && S_ISDIR(st.st_mode))
		return xstrdup(DABIAO_INSTALLED_TEMPLATE_DIR);
	return xstrdup(DABIAO_TEMPLATE_DIR);
}

static void
plans_release(struct engine *en)
{
	for (size_t i = 0; i < en->nplans; i++) {
		plan_free(en->plans[i].plan);
		if (en->plans[i].tz)
			tz_free(en->plans[i].tz);
		free(en->plans[i].templates);
	}
	free(en->plans);
	en->plans = NULL;
	en->nplans = 0;
}

struct load_ctx {
	struct engine *en;
	size_t cap;
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

	rc = plan_parse_buffer(sp->path ? sp->path : sp->id, sp->source, sp->source_len,
	                       &ep.plan, c->e);
	if (rc != 0)
		return rc;
	rc = tz_open(ep.plan->timezone, &ep.tz, c->e);
	if (rc != 0) {
		plan_free(ep.plan);
		return rc;
	}
	ep.version = sp->version;
	ep.templates = engine_plan_templates(ep.plan, sp->path);
	c->en->plans = xgrow(c->en->plans, &c->cap, c->en->nplans + 1, sizeof(ep));
	c->en->plans[c->en->nplans++] = ep;
	return 0;
}

static int
reload_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct engine *en = arg;
	struct store_clock sc;
	struct load_ctx c = {en, 0, e};
	int rc;

	rc = store_clock_get(txn, &sc, e);
	if (rc == DB_ENOTFOUND) {
		/* a store created by load or import: the real clock, the default zone */
		dberr_clear(e);
		memset(&sc, 0, sizeof(sc));
		sc.mode = STORE_CLOCK_REAL;
		snprintf(sc.tz, sizeof(sc.tz), "Asia/Shanghai");
	} else if (rc != 0) {
		return rc;
	}
	en->clock.mode = sc.mode;
	en->clock.now = sc.now;
	if (en->tz == NULL || strcmp(tz_name(en->tz), sc.tz) != 0) {
		struct tz *z;
		rc = tz_open(sc.tz[0] ? sc.tz : "Asia/Shanghai", &z, e);
		if (rc != 0)
			return rc;
		if (en->tz)
			tz_free(en->tz);
		en->tz = z;
	}
	plans_release(en);
	return store_plan_each(txn, load_one, &c, e);
}

int
engine_reload(struct engine *en, struct dberr *e)
{
	int rc = store_read(en->store, reload_txn, en, e);

	if (rc == 0)
		clock_read(&en->clock);
	return rc;
}

int
engine_open(const char *dir, unsigned store_flags, struct engine **out, struct dberr *e)
{
	struct engine *en = xcalloc(1, sizeof(*en));
	const char *user = getenv("USER");
	int rc;

	rc = config_load(NULL, &en->config, e);
	if (rc != 0)
		goto fail;
	en->from = xstrdup(en->config.from);
	rc = store_open(dir, store_flags, &en->store, e);
	if (rc != 0)
		goto fail;
	en->template_dir = template_dir();
	en->actor = xstrdup(user && *user ? user : "dabiao");
	rc = engine_reload(en, e);
	if (rc != 0)
		goto fail;
	*out = en;
	return 0;
fail:
	engine_close(en);
	return rc;
}

void
engine_close(struct engine *en)
{
	if (en == NULL)
		return;
	plans_release(en);
	if (en->tz)
		tz_free(en->tz);
	if (en->store)
		store_close(en->store);
	notice_templates_free(en->templates);
	for (size_t i = 0; i < en->npending; i++)
		free(en->pending[i]);
	free(en->pending);
	free(en->from);
	config_release(&en->config);
	free(en->template_dir);
	free(en->actor);
	free(en);
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

const struct engine_plan *
engine_plan_find(const struct engine *en, const char *id)
{
	for (size_t i = 0; i < en->nplans; i++)
		if (strcmp(en->plans[i].plan->id, id) == 0)
			return &en->plans[i];
	return NULL;
}

int
engine_audit(struct engine *en, struct store_txn *txn, const char *action, const char *task,
             const char *subject, const char *from, const char *to, const char *details,
             struct dberr *e)
{
	struct store_audit a = {
		.real_time = clock_wall(),
		.clock_time = en->clock.now,
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
