/*
 * conduct.c - per-jurisdiction conduct rules: lapses that add up to an interview (约谈) or
 * approval-restriction (限批) warning.
 *
 * A jurisdiction's count holds the lapses and accountability flags of its own tasks and of
 * its enterprises' tasks (narrowed by a rule's `of` roles), inside the rule's trailing
 * `within` window. When one more brings the count to the rule's `lapses`, a warning is due
 * at the next notify_at, and the lapses behind it are used up: the same rule warns the
 * same jurisdiction again only after as many new ones.
 *
 * State per (plan, rule, jurisdiction) lives in the store's meta database as text, one
 * line "warnings N" then one line "<unix time> <task key>" per counted lapse not yet used.
 * The lapses behind a queued warning wait under the warning's own key until it fires.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "engine/rules/rules.h"

struct lapse {
	int64_t at;
	char *task;
};

struct rule_state {
	unsigned warnings;
	struct lapse *v;
	size_t n, cap;
};

static void
state_free(struct rule_state *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].task);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static void
state_add(struct rule_state *s, int64_t at, const char *task)
{
	s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof(*s->v));
	s->v[s->n].at = at;
	s->v[s->n].task = xstrdup(task);
	s->n++;
}

static void
state_parse(const char *text, struct rule_state *s)
{
	const char *p = text;

	memset(s, 0, sizeof(*s));
	if (sscanf(p, "warnings %u", &s->warnings) != 1)
		s->warnings = 0;
	while ((p = strchr(p, '\n')) != NULL) {
		long long at;
		int off = 0;
		const char *end;

		p++;
		if (sscanf(p, "%lld %n", &at, &off) != 1 || off == 0)
			continue;
		end = strchr(p + off, '\n');
		if (end == NULL)
			end = p + strlen(p);
		if (end > p + off) {
			char *task = xstrndup(p + off, (size_t)(end - p - off));
			state_add(s, (int64_t)at, task);
			free(task);
		}
	}
}

static char *
state_text(const struct rule_state *s)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "warnings %u", s->warnings);
	for (size_t i = 0; i < s->n; i++)
		buf_printf(&b, "\n%" PRId64 " %s", s->v[i].at, s->v[i].task);
	return buf_detach(&b);
}

static int
state_get(struct store_txn *txn, const char *key, struct rule_state *s, struct dberr *e)
{
	char *text = NULL;
	int rc = store_meta_get(txn, key, &text, e);

	if (rc == DB_ENOTFOUND) {
		dberr_clear(e);
		memset(s, 0, sizeof(*s));
		return 0;
	}
	if (rc != 0)
		return rc;
	state_parse(text, s);
	free(text);
	return 0;
}

static int64_t
window_seconds(const struct plan_offset *o)
{
	switch (o->unit) {
	case PLAN_HOURS:
		return o->n * 3600;
	case PLAN_MINUTES:
		return o->n * 60;
	case PLAN_SECONDS:
		return o->n;
	default:
		/* working days are counted as calendar days here: a window is a span of time */
		return o->n * 86400;
	}
}

static bool
rule_counts(const struct plan_conduct *r, int owner_role)
{
	if (r->nof == 0)
		return true;
	for (size_t i = 0; i < r->nof; i++)
		if (r->of[i] == owner_role)
			return true;
	return false;
}

int
conduct_note(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
             const struct store_task *task, int64_t t, const char *why, struct dberr *e)
{
	const struct plan *p = ep->plan;
	int mi = plan_milestone_index(p, task->milestone);
	struct rule_state s;
	char *key = NULL, *text = NULL, *entry = NULL;
	int rc = 0;

	(void)why;
	(void)en;
	if (mi < 0 || task->jurisdiction == NULL || task->jurisdiction[0] == '\0')
		return 0; /* a prefecture office's own task counts against no jurisdiction */
	for (size_t k = 0; rc == 0 && k < p->nconduct; k++) {
		const struct plan_conduct *r = &p->conduct[k];
		struct rule_state keep = {0};
		int64_t from = t - window_seconds(&r->within);

		if (!rule_counts(r, p->milestones[mi].owner))
			continue;
		key = xasprintf("conduct/%s/%zu/%s", p->id, k, task->jurisdiction);
		if ((rc = state_get(txn, key, &s, e)) != 0)
			goto next;
		keep.warnings = s.warnings;
		for (size_t i = 0; i < s.n; i++)
			if (s.v[i].at >= from)
				state_add(&keep, s.v[i].at, s.v[i].task);
		state_add(&keep, t, task->key);
		if (keep.n >= (size_t)r->lapses) {
			/* the warning's lapses travel under its own key until it fires */
			keep.warnings++;
			entry = xasprintf("conduct-pending/%s/%zu/%s/%u", p->id, k,
			                  task->jurisdiction, keep.warnings);
			text = state_text(&keep);
			rc = store_meta_put(txn, entry, text, e);
			if (rc == 0) {
				struct store_due d = {
					.at = schedule_next_notify_at(ep, t),
					.kind = STORE_DUE_CONDUCT,
					.task = entry,
					.step = (uint8_t)k,
					.gen = 0,
				};
				d.planned = d.at;
				rc = store_due_put(txn, &d, e);
			}
			for (size_t i = 0; i < keep.n; i++)
				free(keep.v[i].task);
			keep.n = 0;
			free(text);
			text = NULL;
		}
		if (rc == 0) {
			text = state_text(&keep);
			rc = store_meta_put(txn, key, text, e);
		}
next:
		state_free(&s);
		state_free(&keep);
		free(key);
		free(entry);
		free(text);
		key = entry = text = NULL;
	}
	return rc;
}

/* One lapse behind a warning as a line of the letter, by name: "　　1. 昌吉市：2017年6月
 * 全州…汇总表（附件3），截止时间2017年7月5日（星期三）24时；" (the task's key only when the
 * task is gone). */
static void
lapse_words(struct store_txn *txn, const struct engine_plan *ep, size_t i, const char *key,
            struct buf *out)
{
	struct store_task t;
	struct store_subject s;
	struct dberr ignored;
	const struct plan_milestone *m;
	char period[64], dl[WORDS_DEADLINE_MAX];
	int mi;

	dberr_clear(&ignored);
	buf_printf(out, "%s　　%zu. ", i ? "；\n" : "", i + 1);
	if (store_task_get(txn, key, &t, &ignored) != 0 ||
	    (mi = plan_milestone_index(ep->plan, t.milestone)) < 0) {
		if (ignored.code == 0)
			store_task_release(&t);
		buf_puts(out, key);
		return;
	}
	m = &ep->plan->milestones[mi];
	words_period_zh(m, t.period, period, sizeof(period));
	words_deadline_zh(ep->tz, t.deadline, dl);
	dberr_clear(&ignored);
	if (m->for_ != PLAN_FOR_ONCE &&
	    store_subject_get(txn, m->for_ == PLAN_FOR_ENTERPRISE ? STORE_ENTERPRISE
	                                                          : STORE_JURISDICTION,
	                      t.subject, &s, &ignored) == 0) {
		const char *name = store_subject_field(&s, "name");

		buf_printf(out, "%s：", name ? name : t.subject);
		store_subject_release(&s);
	}
	buf_printf(out, "%s%s，截止时间%s", period, m->title, dl);
	store_task_release(&t);
}

int
conduct_fire(struct engine *en, struct store_txn *txn, const struct store_due *d, bool late,
             struct dberr *e)
{
	char plan_id[128], key[512];
	const struct engine_plan *ep;
	const struct plan_conduct *r;
	struct rule_state s;
	struct buf lapses = BUF_INIT, details = BUF_INIT;
	const char **tasks = NULL;
	char count[16], within[32], need[16], jur[256];
	unsigned n;
	struct notice_var vars[4];
	struct notice_req req = {0};
	size_t k;
	int rc;

	/* entry: conduct-pending/<plan>/<rule index>/<jurisdiction>/<warning number> */
	if (sscanf(d->task, "conduct-pending/%127[^/]/%zu/%255[^/]/%u", plan_id, &k, jur, &n) != 4)
		return 0;
	ep = engine_plan_find(en, plan_id);
	if (ep == NULL || k >= ep->plan->nconduct)
		return 0;
	r = &ep->plan->conduct[k];
	/* the notice key names the rule by its kind: stable when rules are reordered */
	snprintf(key, sizeof(key), "%s/conduct/%s/%s/%u", plan_id, r->kind, jur, n);
	if ((rc = state_get(txn, d->task, &s, e)) != 0)
		return rc;
	if (s.n == 0)
		goto out;
	tasks = xcalloc(s.n, sizeof(*tasks));
	buf_puts(&details, "{\"rule\":");
	buf_json_str(&details, r->kind);
	buf_puts(&details, ",\"lapses\":[");
	for (size_t i = 0; i < s.n; i++) {
		tasks[i] = s.v[i].task;
		lapse_words(txn, ep, i, s.v[i].task, &lapses);
		buf_printf(&details, "%s", i ? "," : "");
		buf_json_str(&details, s.v[i].task);
	}
	buf_puts(&details, "]}");
	buf_puts(&lapses, "。");
	snprintf(count, sizeof(count), "%zu", s.n);
	snprintf(need, sizeof(need), "%d", r->lapses);
	snprintf(within, sizeof(within), "%lld", (long long)(window_seconds(&r->within) / 86400));
	vars[0] = (struct notice_var){"lapses", buf_str(&lapses)};
	vars[1] = (struct notice_var){"lapse_count", count};
	vars[2] = (struct notice_var){"within_days", within};
	vars[3] = (struct notice_var){"rule_lapses", need};
	req.ep = ep;
	req.kind = r->kind;
	req.fallback = "conduct";
	req.key = key;
	req.subject = jur;
	req.tasks = tasks;
	req.ntasks = s.n;
	req.targets = r->notify;
	req.ntargets = r->nnotify;
	req.scheduled = d->planned;
	req.late = late;
	req.vars = vars;
	req.nvars = 4;
	rc = engine_audit(en, txn, "conduct.warning", "", jur, "", r->kind, buf_str(&details), e);
	if (rc == 0)
		rc = notice_queue(en, txn, &req, e);
out:
	free(tasks);
	state_free(&s);
	buf_release(&lapses);
	buf_release(&details);
	return rc;
}
