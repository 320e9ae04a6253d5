/*
 * notice_text.c - a notice's words and bytes, over the notifiers' templates and message
 * builder. Templates are parsed once per folder (the built-in one) or plan version (the
 * plan's own, as the version keeps them) and kind, and kept for the engine's life: a
 * morning of 100,000 reminders renders from one parsed template.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "engine/notice/notice_int.h"
#include "notifiers/message.h"
#include "notifiers/template.h"

struct tpl_entry {
	char *dir;
	char *kind;
	struct notify_tpl *tpl;  /* NULL: the file does not exist there */
};

struct tpl_cache {
	struct tpl_entry *v;
	size_t n, cap;
};

static void
templates_free(void *arg)
{
	struct tpl_cache *c = arg;

	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].dir);
		free(c->v[i].kind);
		notify_tpl_free(c->v[i].tpl);
	}
	free(c->v);
	free(c);
}

/* The template of kind among the files plan version ep keeps, parsed once per plan,
 * version and kind: the cache follows the version, so a template edited on disk reaches
 * notices only through a new version (`load`). *out NULL when the version has none. */
static int
cached_kept(struct tpl_cache *c, const struct engine_plan *ep, const char *kind,
            struct notify_tpl **out, struct dberr *e)
{
	/* a key no folder path can be: the plan id and version after a control character */
	char *key = xasprintf("\x01%s#%u", ep->plan->id, (unsigned)ep->version);
	struct notify_tpl *t = NULL;
	int rc = 0;

	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].dir, key) == 0 && strcmp(c->v[i].kind, kind) == 0) {
			*out = c->v[i].tpl;
			free(key);
			return 0;
		}
	for (size_t i = 0; i < ep->ntpls && t == NULL && rc == 0; i++)
		if (strcmp(ep->tpls[i].kind, kind) == 0) {
			char *file = xasprintf("%s/%s.txt (plan %s version %u)",
			                       ep->templates ? ep->templates : "templates", kind,
			                       ep->plan->id, (unsigned)ep->version);

			rc = notify_tpl_parse(file, ep->tpls[i].source, ep->tpls[i].source_len, &t, e);
			free(file);
		}
	if (rc != 0) {
		free(key);
		return rc;
	}
	c->v = xgrow(c->v, &c->cap, c->n + 1, sizeof(*c->v));
	c->v[c->n++] = (struct tpl_entry){key, xstrdup(kind), t};
	*out = t;
	return 0;
}

/* The template of kind in dir, from the cache or the file; *out NULL when there is none. */
static int
cached(struct tpl_cache *c, const char *dir, const char *kind, struct notify_tpl **out,
       struct dberr *e)
{
	struct notify_tpl *t = NULL;
	int rc;

	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].dir, dir) == 0 && strcmp(c->v[i].kind, kind) == 0) {
			*out = c->v[i].tpl;
			return 0;
		}
	rc = notify_tpl_load(dir, kind, &t, e);
	if (rc == -ENOENT) {
		dberr_clear(e);
		t = NULL;
	} else if (rc != 0) {
		return rc;
	}
	c->v = xgrow(c->v, &c->cap, c->n + 1, sizeof(*c->v));
	c->v[c->n++] = (struct tpl_entry){xstrdup(dir), xstrdup(kind), t};
	*out = t;
	return 0;
}

int
notice_render(struct engine *en, const struct engine_plan *ep, const char *kind,
              const char *fallback, const char *(*lookup)(const char *, void *), void *arg,
              char **subject, char **body, struct dberr *e)
{
	const char *builtin = engine_config(en)->template_dir;
	const char *dirs[2] = {ep->templates, builtin};
	const char *kinds[2] = {kind, fallback};
	struct tpl_cache *cache = engine_slot(en, ENGINE_SLOT_TEMPLATES);
	struct notify_tpl *t = NULL;
	int rc;

	if (cache == NULL) {
		cache = xcalloc(1, sizeof(*cache));
		engine_slot_set(en, ENGINE_SLOT_TEMPLATES, cache, templates_free);
	}
	/* the plan's own folder first (as its version keeps it), then the built-in one; the
	 * kind, then its fallback */
	for (size_t k = 0; k < 2 && t == NULL; k++)
		for (size_t d = 0; d < 2 && t == NULL; d++) {
			if (dirs[d] == NULL || kinds[k] == NULL)
				continue;
			if (d == 0 && ep->tpls_kept)
				rc = cached_kept(cache, ep, kinds[k], &t, e);
			else
				rc = cached(cache, dirs[d], kinds[k], &t, e);
			if (rc != 0)
				return rc;
		}
	if (t == NULL)
		return dberr_set(e, DB_ECONFIG, "no template for notice kind '%s' (nor '%s') in "
		                 "%s%s%s", kind, fallback ? fallback : kind,
		                 ep->templates ? ep->templates : "", ep->templates ? " or " : "",
		                 builtin);
	rc = notify_tpl_render(t, lookup, arg, subject, body);
	if (rc != 0)
		return dberr_set(e, rc, "cannot render the '%s' notice: a value is not UTF-8", kind);
	return 0;
}

int
notice_build(const struct notice_msg *m, struct buf *out, struct dberr *e)
{
	struct notify_msg nm = {0};
	char *bytes = NULL;
	size_t len = 0;
	int rc;

	nm.from_name = m->from_name;
	nm.from_addr = m->from;
	nm.to = m->to;
	nm.nto = m->nto;
	nm.date = m->date;
	nm.message_id = m->message_id;
	nm.subject = m->subject;
	nm.headers = m->headers;
	nm.nheaders = m->nheaders;
	nm.body = m->body;
	nm.attachments = m->attachments;
	nm.nattachments = m->nattachments;
	rc = notify_msg_build(&nm, &bytes, &len, e);
	if (rc != 0)
		return rc;
	buf_append(out, bytes, len);
	free(bytes);
	return 0;
}

int
notice_templates_read(const struct plan *p, const char *path,
                      struct store_plan_template **out, size_t *nout, struct dberr *e)
{
	char *dir = engine_plan_templates(p, path);
	struct notify_tpl_file *f = NULL;
	struct store_plan_template *v = NULL;
	size_t n = 0;
	int rc;

	if (dir == NULL) {
		*out = NULL;
		*nout = 0;
		return 0;
	}
	rc = notify_tpl_read_dir(dir, &f, &n, e);
	if (rc != 0 && rc != DB_EDATA)
		rc = dberr_set(e, DB_EDATA, "plan %s: its template folder %s cannot be read", p->id,
		               dir);
	free(dir);
	if (rc != 0)
		return rc;
	if (n > 0)
		v = xcalloc(n, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		v[i] = (struct store_plan_template){f[i].kind, f[i].text, f[i].len};
		f[i].kind = f[i].text = NULL;
	}
	notify_tpl_files_free(f, n);
	*out = v;
	*nout = n;
	return 0;
}

void
notice_templates_free(struct store_plan_template *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].kind);
		free(v[i].source);
	}
	free(v);
}

int
notice_check_templates(const struct plan *p, const char *path, struct dberr *e)
{
	struct store_plan_template *v = NULL;
	size_t n = 0;
	int rc = notice_templates_read(p, path, &v, &n, e);

	notice_templates_free(v, n);
	return rc;
}

const char *
notice_kind_zh(const char *kind)
{
	/* the titles the built-in templates give their notices (关于……的提醒, ……) */
	static const char *const names[][2] = {
		{"reminder", "提醒"},
		{"overdue", "逾期通知"},
		{"notice", "办理情况通知"},
		{"escalation", "督办通知"},
		{"interview-warning", "约谈预警"},
		{"approval-restriction-warning", "限批预警"},
		{"conduct", "预警"},
		{"candidates", "预警候选名单的请示"},
		{"accountability", "问题通报"},
		{"dispatch", "调度通报"},
		{"digest", "调度通知汇总"},
		{"start", "任务通知"},
		{"accepted", "审核通过通知"},
		{"returned", "退回通知"},
		{"extended", "截止时间调整通知"},
		{"changed", "事项调整通知"},
		{"incomplete", "内容不全通知"},
		{"link", "报送链接更换通知"},
		{"delivery-failed", "未送达报告"},
	};

	for (size_t i = 0; kind && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i][0], kind) == 0)
			return names[i][1];
	return "通知";
}
