/*
 * warning.c - conduct warnings as records: made, proposed, decided, listed.
 *
 * The seed reserves the measures to the bureau ("我局将…实施公开约谈、项目限批等措施",
 * 四（二）). A rule with `decide: [roles]` therefore only proposes: the warning is recorded as
 * proposed, and a candidate list (约谈/限批候选名单) of every proposal of the rule awaiting a
 * decision goes to the deciding roles at the same instant. Nothing reaches the county
 * until someone decides (conduct_decide, from `dabiao decide` or the web): approve sends
 * the warning with the decision in it; dismiss keeps it. A newer evaluation of the same
 * rule and jurisdiction supersedes a proposal still undecided: it holds the facts inside
 * the rule's window at its own evaluation (its text says "近N天内…共有M项"), so a fact of the
 * older one that has left the window is not in it; it stays on record in the superseded
 * one. A rule without `decide` sends its warning at once, as before.
 *
 * Each warning has a number, the store's next ("warning-seq" in meta), short enough to read
 * out and type ("预警编号 12", `dabiao decide 12 approve`). Its record is the meta value
 * "warning/<number, 8 digits>" as text lines ("plan P", "seq N" (the rule's own count for
 * the jurisdiction, which names its notice), "state S", "rule K", "kind K",
 * "jurisdiction J", "at T", "item T WHY TASK", "decided T", "by TEXT", "reason TEXT",
 * "superseded_by ID", "voided T WHY TASK" per event voided after it was made), so
 * `mdb_dump` shows it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strset.h"
#include "base/xalloc.h"
#include "engine/rules/rules_int.h"

#define WARNING_PREFIX "warning/"
#define WARNING_SEQ "warning-seq"

void
conduct_warning_release(struct conduct_warning *w)
{
	free(w->id);
	free(w->plan);
	free(w->kind);
	free(w->jurisdiction);
	free(w->state);
	conduct_items_free(w->items, w->nitems);
	free(w->decided_by);
	free(w->reason);
	free(w->superseded_by);
	conduct_items_free(w->voided, w->nvoided);
	memset(w, 0, sizeof(*w));
}

/* One line of free text: a line break would end the field. */
static void
put_text(struct buf *b, const char *name, const char *text)
{
	buf_printf(b, "\n%s ", name);
	for (const char *p = text; *p; p++)
		buf_putc(b, *p == '\n' || *p == '\r' ? ' ' : *p);
}

static char *
warning_text(const struct conduct_warning *w)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "plan %s\nseq %u\nstate %s\nrule %zu\nkind %s\njurisdiction %s\nat %" PRId64,
	           w->plan, w->seq, w->state, w->rule, w->kind, w->jurisdiction, w->at);
	for (size_t i = 0; i < w->nitems; i++)
		buf_printf(&b, "\nitem %" PRId64 " %s %s", w->items[i].at, w->items[i].why,
		           w->items[i].task);
	if (w->decided_at != 0)
		buf_printf(&b, "\ndecided %" PRId64, w->decided_at);
	if (w->decided_by)
		put_text(&b, "by", w->decided_by);
	if (w->reason)
		put_text(&b, "reason", w->reason);
	if (w->superseded_by)
		buf_printf(&b, "\nsuperseded_by %s", w->superseded_by);
	for (size_t i = 0; i < w->nvoided; i++)
		buf_printf(&b, "\nvoided %" PRId64 " %s %s", w->voided[i].at, w->voided[i].why,
		           w->voided[i].task);
	return buf_detach(&b);
}

static void
warning_parse(const char *id, const char *text, struct conduct_warning *w)
{
	char *copy = xstrdup(text), *save = NULL;
	size_t cap = 0, vcap = 0;
	memset(w, 0, sizeof(*w));
	w->id = xstrdup(id);
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(l, ' '), *v;
		long long at;
		char why[32];
		int off = 0;

		if (sp == NULL)
			continue;
		*sp = '\0';
		v = sp + 1;
		if (strcmp(l, "plan") == 0)
			w->plan = xstrdup(v);
		else if (strcmp(l, "seq") == 0)
			w->seq = (unsigned)strtoul(v, NULL, 10);
		else if (strcmp(l, "state") == 0)
			w->state = xstrdup(v);
		else if (strcmp(l, "rule") == 0)
			w->rule = (size_t)strtoul(v, NULL, 10);
		else if (strcmp(l, "kind") == 0)
			w->kind = xstrdup(v);
		else if (strcmp(l, "jurisdiction") == 0)
			w->jurisdiction = xstrdup(v);
		else if (strcmp(l, "at") == 0)
			w->at = strtoll(v, NULL, 10);
		else if (strcmp(l, "decided") == 0)
			w->decided_at = strtoll(v, NULL, 10);
		else if (strcmp(l, "by") == 0)
			w->decided_by = xstrdup(v);
		else if (strcmp(l, "reason") == 0)
			w->reason = xstrdup(v);
		else if (strcmp(l, "superseded_by") == 0)
			w->superseded_by = xstrdup(v);
		else if (strcmp(l, "item") == 0 &&
		         sscanf(v, "%lld %31s %n", &at, why, &off) == 2 && off > 0) {
			w->items = xgrow(w->items, &cap, w->nitems + 1, sizeof(*w->items));
			w->items[w->nitems++] = (struct conduct_item){at, xstrdup(why),
			                                              xstrdup(v + off)};
		} else if (strcmp(l, "voided") == 0 &&
		           sscanf(v, "%lld %31s %n", &at, why, &off) == 2 && off > 0) {
			w->voided = xgrow(w->voided, &vcap, w->nvoided + 1, sizeof(*w->voided));
			w->voided[w->nvoided++] = (struct conduct_item){at, xstrdup(why),
			                                                xstrdup(v + off)};
		}
	}
	if (w->plan == NULL)
		w->plan = xstrdup("?");
	if (w->state == NULL)
		w->state = xstrdup("?");
	if (w->kind == NULL)
		w->kind = xstrdup("?");
	if (w->jurisdiction == NULL)
		w->jurisdiction = xstrdup("?");
	free(copy);
}

/* "12" -> "warning/00000012"; NULL for anything but a positive number. */
static char *
warning_key(const char *id)
{
	char *end;
	unsigned long n;

	if (id == NULL || *id < '1' || *id > '9')
		return NULL;
	n = strtoul(id, &end, 10);
	if (*end != '\0' || n > CONDUCT_WARNING_MAX)
		return NULL;
	return xasprintf(WARNING_PREFIX "%08lu", n);
}

int
conduct_warning_get(struct store_txn *txn, const char *id, struct conduct_warning *out,
                    struct dberr *e)
{
	char *key = warning_key(id), *text = NULL;
	int rc;

	if (key == NULL)
		return dberr_set(e, DB_ENOTFOUND, "no warning '%s': a warning's number is a whole "
		                 "number (see dabiao warnings)", id);
	rc = store_meta_get(txn, key, &text, e);
	if (rc == DB_ENOTFOUND) {
		dberr_clear(e);
		rc = dberr_set(e, DB_ENOTFOUND, "no warning '%s' (see dabiao warnings)", id);
	}
	if (rc == 0) {
		warning_parse(id, text, out);
		free(text);
	}
	free(key);
	return rc;
}

static int
warning_put(struct store_txn *txn, const struct conduct_warning *w, struct dberr *e)
{
	char *key = warning_key(w->id), *text = warning_text(w);
	int rc = store_meta_put(txn, key, text, e);

	free(key);
	free(text);
	return rc;
}

struct each_ctx {
	const char *plan;
	int (*cb)(const struct conduct_warning *, void *);
	void *arg;
};

static int
each_one(const char *name, const char *val, void *arg)
{
	struct each_ctx *c = arg;
	struct conduct_warning w;
	char id[16];
	int rc = 0;

	snprintf(id, sizeof(id), "%lu", strtoul(name + strlen(WARNING_PREFIX), NULL, 10));
	warning_parse(id, val, &w);
	if (c->plan == NULL || strcmp(c->plan, w.plan) == 0)
		rc = c->cb(&w, c->arg);
	conduct_warning_release(&w);
	return rc;
}

int
conduct_warning_each(struct store_txn *txn, const char *plan,
                     int (*cb)(const struct conduct_warning *w, void *arg), void *arg,
                     struct dberr *e)
{
	struct each_ctx c = {plan, cb, arg};

	return store_meta_each(txn, WARNING_PREFIX, each_one, &c, e);
}

/* The store's next warning number. */
static int
next_number(struct store_txn *txn, char **id, struct dberr *e)
{
	char *text = NULL, num[24];
	unsigned long n = 0;
	int rc = store_meta_get(txn, WARNING_SEQ, &text, e);

	if (rc == DB_ENOTFOUND)
		dberr_clear(e);
	else if (rc != 0)
		return rc;
	else
		n = strtoul(text, NULL, 10);
	free(text);
	snprintf(num, sizeof(num), "%lu", n + 1);
	if ((rc = store_meta_put(txn, WARNING_SEQ, num, e)) != 0)
		return rc;
	*id = xstrdup(num);
	return 0;
}

/* ---- words ---- */

/* An event behind a warning in words; out holds the flags' words (64 bytes). */
static const char *
why_zh(const char *why, char out[64])
{
	const char *flags;

	if (strcmp(why, "lapse") == 0)
		return "逾期";
	if (strcmp(why, CONDUCT_LAPSE_OMITTED) == 0)
		return "逾期（被登记为漏报）";
	if (strcmp(why, "escalation") == 0)
		return "督办后仍未办结";
	if ((flags = conduct_flag_zh(why)) == why)
		return why;
	snprintf(out, 64, "被登记为%s", flags);
	return out;
}

/* The measure a rule's kind warns of; "" for a plan's own kind (the texts then say 预警). */
static const char *
measure_zh(const char *kind)
{
	return strcmp(kind, "interview-warning") == 0              ? "公开约谈"
	       : strcmp(kind, "approval-restriction-warning") == 0 ? "项目限批"
	                                                           : "";
}

/* The stored version of its plan that last gave task t (its plan_version), parsed, when
 * it has t's milestone (*mi): a milestone a later version removed keeps the title the
 * county was given, never the task's key (review 10d, M-2). NULL otherwise; the caller
 * frees it with plan_free. */
static struct plan *
version_of(struct store_txn *txn, const struct store_task *t, int *mi)
{
	struct store_plan sp;
	struct plan *p = NULL;
	struct dberr ignored;

	dberr_clear(&ignored);
	if (store_plan_get(txn, t->plan, t->plan_version, &sp, &ignored) != 0)
		return NULL;
	if (engine_plan_parse_stored(&sp, &p, &ignored) != 0)
		p = NULL;
	store_plan_release(&sp);
	if (p != NULL && (*mi = plan_milestone_index(p, t->milestone)) < 0) {
		plan_free(p);
		p = NULL;
	}
	return p;
}

/* One event as a line of the letter, by name: "　　1. 昌吉市：2017年6月全州…汇总表（附件3），
 * 截止时间2017年7月5日（星期三）24时，逾期" (the task's key only when the task is gone). */
static void
item_words(struct store_txn *txn, struct engine *en, const struct engine_plan *ep,
           const struct conduct_item *it, struct buf *out)
{
	const struct engine_plan *tp = ep;
	const struct plan_milestone *m;
	struct plan *old = NULL;
	struct store_task t;
	struct dberr ignored;
	char period[64], dl[WORDS_DEADLINE_MAX], why[64];
	int mi;

	dberr_clear(&ignored);
	if (store_task_get(txn, it->task, &t, &ignored) != 0) {
		buf_printf(out, "%s，%s", it->task, why_zh(it->why, why));
		return;
	}
	if (strcmp(t.plan, ep->plan->id) != 0)
		tp = engine_plan_find(en, t.plan);
	mi = tp ? plan_milestone_index(tp->plan, t.milestone) : -1;
	if (mi < 0 && tp != NULL)
		old = version_of(txn, &t, &mi);
	if (mi < 0) {
		buf_printf(out, "%s，%s", it->task, why_zh(it->why, why));
		store_task_release(&t);
		return;
	}
	m = old ? &old->milestones[mi] : &tp->plan->milestones[mi];
	if (m->for_ != PLAN_FOR_ONCE) {
		char *name = store_subject_name(txn, m->for_ == PLAN_FOR_ENTERPRISE
		                                     ? STORE_ENTERPRISE : STORE_JURISDICTION,
		                                t.subject);

		buf_printf(out, "%s：", name);
		free(name);
	}
	words_period_zh(m, t.period, period, sizeof(period));
	/* the deadline the task had when it lapsed, not a later extension's */
	words_deadline_zh(tp->tz, strcmp(it->why, "lapse") == 0 && t.orig_deadline < it->at &&
	                                  t.deadline > it->at ? t.orig_deadline : t.deadline,
	                  dl);
	buf_printf(out, "%s%s，截止时间%s，%s", period, m->title, dl, why_zh(it->why, why));
	store_task_release(&t);
	if (old)
		plan_free(old);
}

void
conduct_items_text(struct store_txn *txn, struct engine *en, const struct engine_plan *ep,
                   const struct conduct_item *items, size_t n, const char *indent,
                   struct buf *out)
{
	for (size_t i = 0; i < n; i++) {
		buf_printf(out, "%s%s%zu. ", i ? "；\n" : "", indent, i + 1);
		item_words(txn, en, ep, &items[i], out);
	}
	if (n > 0)
		buf_puts(out, "。");
}

/* ---- making a warning ---- */

const struct plan_conduct *
conduct_rule_of(const struct engine_plan *ep, const struct conduct_warning *w)
{
	if (ep == NULL)
		return NULL;
	if (w->rule < ep->plan->nconduct && strcmp(ep->plan->conduct[w->rule].kind, w->kind) == 0)
		return &ep->plan->conduct[w->rule];
	for (size_t k = 0; k < ep->plan->nconduct; k++)
		if (strcmp(ep->plan->conduct[k].kind, w->kind) == 0)
			return &ep->plan->conduct[k];
	return NULL;
}

static void
details_json(struct buf *b, const struct conduct_warning *w)
{
	struct strset seen = {0};

	buf_puts(b, "{\"id\":");
	buf_json_str(b, w->id);
	buf_puts(b, ",\"rule\":");
	buf_json_str(b, w->kind);
	buf_printf(b, ",\"count\":%zu,\"lapses\":[", w->nitems);
	for (size_t i = 0; i < w->nitems; i++)
		strset_add(&seen, w->items[i].task); /* a task behind two events is named once */
	for (size_t i = 0; i < seen.n; i++) {
		buf_puts(b, i ? "," : "");
		buf_json_str(b, seen.v[i]);
	}
	buf_putc(b, ']');
	if (w->decided_by) {
		buf_puts(b, ",\"decided_by\":");
		buf_json_str(b, w->decided_by);
		buf_puts(b, ",\"reason\":");
		buf_json_str(b, w->reason ? w->reason : "");
	}
	strset_free(&seen);
}

/* The warning to the rule's notify roles: at its evaluation (direct), or at its decision. */
/* The kinds of event behind a warning (PLAN_COUNT_* bits). */
static unsigned
event_classes(const struct conduct_warning *w)
{
	unsigned have = 0;

	for (size_t i = 0; i < w->nitems; i++)
		have |= conduct_class(w->items[i].why);
	return have;
}

/* What the events behind a warning are, for its subject line: "逾期情况", "被登记问题情况",
 * "逾期和被登记问题情况", ... (only the kinds that are there). */
static void
matter_words(const struct conduct_warning *w, struct buf *out)
{
	static const struct {
		unsigned cls;
		const char *zh;
	} kinds[] = {{PLAN_COUNT_LAPSE, "逾期"},
	             {PLAN_COUNT_FLAG, "被登记问题"},
	             {PLAN_COUNT_ESCALATION, "督办后仍未办结"}};
	unsigned have = event_classes(w);
	size_t n = 0;

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (have & kinds[k].cls)
			buf_printf(out, "%s%s", n++ ? "和" : "", kinds[k].zh);
	buf_puts(out, "情况");
}

/* How many events of which kinds, over how many tasks, for the letter's first sentence:
 * "2项任务逾期未办结", or, a task behind more than one event (a lapse and a flag),
 * "3次逾期未办结或被登记问题（涉及2项任务）": never "3项任务" for two (review 10d, m-4).
 * *lapse: whether any event is a lapse (the letter then asks for the overdue reports). */
static void
count_words(const struct conduct_warning *w, size_t ntasks, struct buf *out, bool *lapse)
{
	static const struct {
		unsigned cls;
		const char *zh;
	} kinds[] = {{PLAN_COUNT_LAPSE, "逾期未办结"},
	             {PLAN_COUNT_FLAG, "被登记问题"},
	             {PLAN_COUNT_ESCALATION, "督办后仍未办结"}};
	unsigned have = event_classes(w);
	size_t n = 0;

	*lapse = (have & PLAN_COUNT_LAPSE) != 0;
	if (ntasks == w->nitems)
		buf_printf(out, "%zu项任务", ntasks);
	else
		buf_printf(out, "%zu次", w->nitems);
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (have & kinds[k].cls)
			buf_printf(out, "%s%s", n++ ? "或" : "", kinds[k].zh);
	if (ntasks != w->nitems)
		buf_printf(out, "（涉及%zu项任务）", ntasks);
}

static int
send_warning(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
             const struct plan_conduct *r, const struct conduct_warning *w, int64_t scheduled,
             bool late, struct dberr *e)
{
	struct buf lapses = BUF_INIT, details = BUF_INIT, note = BUF_INIT, matter = BUF_INIT;
	struct buf counted = BUF_INIT;
	struct strset tasks = {0};
	struct notice_var vars[11];
	bool lapse = false;
	struct notice_req req = {0};
	char count[24], need[16], within[32], key[512], counted_on[WORDS_DATE_MAX];
	int32_t eday;
	const char *jur = w->jurisdiction;
	int rc;

	conduct_items_text(txn, en, ep, w->items, w->nitems, "　　", &lapses);
	for (size_t i = 0; i < w->nitems; i++)
		strset_add(&tasks, w->items[i].task);
	snprintf(count, sizeof(count), "%zu", w->nitems);
	snprintf(need, sizeof(need), "%d", r->lapses);
	snprintf(within, sizeof(within), "%lld", (long long)(conduct_window(&r->within) / 86400));
	if (w->decided_by) {
		char when[WORDS_DATE_MAX];
		int32_t day;
		size_t len = w->reason ? strlen(w->reason) : 0;

		tz_utc_to_local(ep->tz, w->decided_at, &day, NULL, NULL);
		words_date_zh(day, when);
		buf_printf(&note, "本预警经%s于%s决定发出。决定理由：%s%s", w->decided_by, when,
		           w->reason ? w->reason : "",
		           len >= 3 && strcmp(w->reason + len - 3, "。") == 0 ? "" : "。");
	}
	vars[0] = (struct notice_var){"lapses", buf_str(&lapses)};
	vars[1] = (struct notice_var){"lapse_count", count};
	vars[2] = (struct notice_var){"within_days", within};
	vars[3] = (struct notice_var){"rule_lapses", need};
	vars[4] = (struct notice_var){"warning_id", w->id};
	vars[5] = (struct notice_var){"measure", measure_zh(w->kind)};
	vars[6] = (struct notice_var){"decision_note", buf_str(&note)};
	matter_words(w, &matter);
	vars[7] = (struct notice_var){"warning_matter", buf_str(&matter)};
	count_words(w, tasks.n, &counted, &lapse);
	vars[8] = (struct notice_var){"count_phrase", buf_str(&counted)};
	vars[9] = (struct notice_var){"has_lapse", lapse ? "是" : ""};
	/* the count is true as of the evaluation, which a decision may follow by weeks: the
	 * letter says so ("截至2017年11月7日，近180天内…", review 10e, M-H) */
	tz_utc_to_local(ep->tz, w->at, &eday, NULL, NULL);
	words_date_zh(eday, counted_on);
	vars[10] = (struct notice_var){"counted_on_zh", counted_on};
	/* the notice key of schema 2: PLAN/conduct/KIND/JUR/N, stable across rule reordering */
	snprintf(key, sizeof(key), "%s/conduct/%s/%s/%u", w->plan, w->kind, jur, w->seq);
	req.ep = ep;
	req.kind = w->kind;
	req.fallback = "conduct";
	req.key = key;
	req.subject = jur;
	req.tasks = (const char *const *)tasks.v;
	req.ntasks = tasks.n;
	req.targets = r->notify;
	req.ntargets = r->nnotify;
	req.scheduled = scheduled;
	req.late = late;
	req.vars = vars;
	req.nvars = 11;
	details_json(&details, w);
	buf_putc(&details, '}');
	rc = engine_audit(en, txn, "conduct.warning", "", jur, "", w->kind, buf_str(&details), e);
	if (rc == 0)
		rc = notice_queue(en, txn, &req, e);
	strset_free(&tasks);
	buf_release(&lapses);
	buf_release(&details);
	buf_release(&note);
	buf_release(&matter);
	buf_release(&counted);
	return rc;
}

static int
supersede(struct engine *en, struct store_txn *txn, const char *old_id, const char *new_id,
          struct dberr *e)
{
	struct conduct_warning w;
	struct buf details = BUF_INIT;
	int rc = conduct_warning_get(txn, old_id, &w, e);

	if (rc == DB_ENOTFOUND) {
		dberr_clear(e);
		return 0;
	}
	if (rc != 0)
		return rc;
	if (strcmp(w.state, "proposed") == 0) {
		free(w.state);
		w.state = xstrdup("superseded");
		w.superseded_by = xstrdup(new_id);
		buf_puts(&details, "{\"id\":");
		buf_json_str(&details, w.id);
		buf_puts(&details, ",\"superseded_by\":");
		buf_json_str(&details, new_id);
		buf_putc(&details, '}');
		rc = warning_put(txn, &w, e);
		if (rc == 0)
			rc = engine_audit(en, txn, "conduct.supersede", "", w.jurisdiction, "proposed",
			                  "superseded", buf_str(&details), e);
	}
	buf_release(&details);
	conduct_warning_release(&w);
	return rc;
}

int
conduct_warn(struct engine *en, struct store_txn *txn, struct conduct_eval *ev, struct dberr *e)
{
	const struct plan *p = ev->ep->plan;
	const struct plan_conduct *r = &p->conduct[ev->rule];
	struct conduct_warning w = {0};
	struct buf details = BUF_INIT;
	char *entry = NULL;
	int rc;

	if ((rc = next_number(txn, &w.id, e)) != 0)
		return rc;
	w.plan = xstrdup(p->id);
	w.seq = ev->seq;
	w.kind = xstrdup(r->kind);
	w.jurisdiction = xstrdup(ev->jurisdiction);
	w.state = xstrdup(r->ndecide > 0 ? "proposed" : "sent");
	w.rule = ev->rule;
	w.at = ev->at;
	w.items = xcalloc(ev->nitems ? ev->nitems : 1, sizeof(*w.items));
	for (size_t i = 0; i < ev->nitems; i++)
		w.items[w.nitems++] = (struct conduct_item){ev->items[i].at,
		                                            xstrdup(ev->items[i].why),
		                                            xstrdup(ev->items[i].task)};
	if ((rc = warning_put(txn, &w, e)) != 0)
		goto out;
	if (r->ndecide == 0) {
		rc = send_warning(en, txn, ev->ep, r, &w, ev->at, ev->late, e);
		goto out;
	}
	/* proposed: the bureau decides (seed 四（二）"我局将…") */
	if (ev->pending && (rc = supersede(en, txn, ev->pending, w.id, e)) != 0)
		goto out;
	details_json(&details, &w);
	buf_putc(&details, '}');
	rc = engine_audit(en, txn, "conduct.propose", "", w.jurisdiction, "", "proposed",
	                  buf_str(&details), e);
	if (rc != 0)
		goto out;
	entry = xasprintf("candidates#%s#%zu", p->id, ev->rule);
	struct store_due d = {
		.at = ev->at,
		.kind = STORE_DUE_CANDIDATES,
		.task = entry,
		.step = (uint8_t)ev->rule,
		.gen = 0,
		.planned = ev->at,
	};
	if ((rc = store_due_put(txn, &d, e)) != 0)
		goto out;
	ev->new_pending = xstrdup(w.id);
out:
	free(entry);
	buf_release(&details);
	conduct_warning_release(&w);
	return rc;
}

/* ---- the candidate list ---- */

struct cand_ctx {
	struct store_txn *txn;
	struct engine *en;
	const struct engine_plan *ep;
	const char *kind;
	struct buf text;
	size_t n;
};

static int
cand_cb(const struct conduct_warning *w, void *arg)
{
	struct cand_ctx *c = arg;
	char *name, when[WORDS_DATE_MAX];
	int32_t day;

	if (strcmp(w->state, "proposed") != 0 || strcmp(w->kind, c->kind) != 0)
		return 0;
	name = store_subject_name(c->txn, STORE_JURISDICTION, w->jurisdiction);
	tz_utc_to_local(c->ep->tz, w->at, &day, NULL, NULL);
	words_date_zh(day, when);
	buf_printf(&c->text, "%s　　%zu. %s，共%zu项（%s统计，预警编号 %s）：\n", c->n ? "\n" : "",
	           c->n + 1, name, w->nitems, when, w->id);
	conduct_items_text(c->txn, c->en, c->ep, w->items, w->nitems, "　　　　", &c->text);
	c->n++;
	free(name);
	return 0;
}

/* A candidate list of the warnings of kind that await a decision, to targets (roles of
 * ep's plan), with the rule's threshold (lapses events within days) in its words, dated
 * at. changes (may be NULL): what changed in the list outside an evaluation (a proposal
 * withdrawn or proposed again), said first; keypart then makes its key unique. Nothing
 * when there is neither a proposal awaiting a decision nor a change. */
static int
candidates_to(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
              const char *kind, const struct plan_target *targets, size_t ntargets,
              int lapses, int64_t within_days, int64_t at, bool late, const char *changes,
              const char *keypart, struct dberr *e)
{
	char key[512], count[24], need[16], within[32];
	struct cand_ctx c = {0};
	struct notice_var vars[8];
	struct notice_req req = {0};
	char *url = NULL;
	int rc;

	c.txn = txn;
	c.en = en;
	c.ep = ep;
	c.kind = kind;
	c.text = (struct buf)BUF_INIT;
	if ((rc = conduct_warning_each(txn, ep->plan->id, cand_cb, &c, e)) != 0 ||
	    (c.n == 0 && changes == NULL))
		goto out;
	snprintf(count, sizeof(count), "%zu", c.n);
	snprintf(need, sizeof(need), "%d", lapses);
	snprintf(within, sizeof(within), "%lld", (long long)within_days);
	vars[0] = (struct notice_var){"candidates", buf_str(&c.text)};
	vars[1] = (struct notice_var){"candidate_count", count};
	vars[2] = (struct notice_var){"measure", measure_zh(kind)};
	vars[3] = (struct notice_var){"rule_lapses", need};
	vars[4] = (struct notice_var){"within_days", within};
	vars[5] = (struct notice_var){"candidate_changes", changes ? changes : ""};
	/* how to decide, for the one reader this list is for (review12a P8): the web page when
	 * the web is configured, and the command in any case */
	if (engine_config(en)->web_base_url != NULL)
		url = xasprintf("%s/warnings", engine_config(en)->web_base_url);
	vars[6] = (struct notice_var){"decide_url", url ? url : ""};
	vars[7] = (struct notice_var){"decide_command",
	                              "dabiao decide 预警编号 approve（发出）或 dismiss（不发出）"
	                              " --by 决定人 --reason 理由"};
	snprintf(key, sizeof(key), "%s/candidates/%s/%" PRId64 "%s%s", ep->plan->id, kind, at,
	         keypart ? "/" : "", keypart ? keypart : "");
	req.ep = ep;
	req.kind = "candidates";
	req.fallback = "candidates";
	req.key = key;
	req.subject = ep->plan->id;
	req.targets = targets;
	req.ntargets = ntargets;
	req.scheduled = at;
	req.late = late;
	req.vars = vars;
	req.nvars = 8;
	rc = notice_queue(en, txn, &req, e);
out:
	free(url);
	buf_release(&c.text);
	return rc;
}

/* The candidate list of rule k of ep to its deciding roles (candidates_to). */
static int
candidates_send(struct engine *en, struct store_txn *txn, const struct engine_plan *ep, size_t k,
                int64_t at, bool late, const char *changes, const char *keypart,
                struct dberr *e)
{
	const struct plan_conduct *r = &ep->plan->conduct[k];

	return candidates_to(en, txn, ep, r->kind, r->decide, r->ndecide, r->lapses,
	                     conduct_window(&r->within) / 86400, at, late, changes, keypart, e);
}

int
candidates_fire(struct engine *en, struct store_txn *txn, const struct store_due *d, bool late,
                struct dberr *e)
{
	char plan_id[128];
	const struct engine_plan *ep;
	size_t k;

	if (sscanf(d->task, "candidates#%127[^#]#%zu", plan_id, &k) != 2 ||
	    (ep = engine_plan_find(en, plan_id)) == NULL || k >= ep->plan->nconduct)
		return 0;
	if (ep->plan->conduct[k].ndecide == 0)
		return 0; /* the rule no longer asks for a decision */
	return candidates_send(en, txn, ep, k, d->planned, late, NULL, NULL, e);
}

/* ---- the decision ---- */

/* The refusal of a decision on a superseded warning names the newest proposal of its chain,
 * following it (1 -> 19 -> 85): naming 19, itself superseded, sent the
 * decider from one refusal to the next. */
static int
superseded_error(struct store_txn *txn, const char *id, const struct conduct_warning *w,
                 struct dberr *e)
{
	struct conduct_warning h = {0};
	char *head = xstrdup(w->superseded_by), *state = NULL;
	int rc;

	/* ids only grow along the chain, so it ends; the bound guards a damaged store */
	for (int hops = 0; hops < 100000; hops++) {
		if ((rc = conduct_warning_get(txn, head, &h, e)) != 0) {
			conduct_warning_release(&h);
			goto out;
		}
		if (h.superseded_by == NULL || strcmp(h.superseded_by, head) == 0)
			break;
		free(head);
		head = xstrdup(h.superseded_by);
		conduct_warning_release(&h);
		h = (struct conduct_warning){0};
	}
	state = xstrdup(h.state ? h.state : "");
	conduct_warning_release(&h);
	/* the newest proposal holds the facts still inside the rule's window at its own
	 * evaluation, which need not be any of this one's (review 10d, m-1) */
	if (strcmp(state, "proposed") == 0)
		rc = dberr_set(e, DB_ESTATE, "warning %s was superseded by %s, the newest proposal of "
		               "its rule and jurisdiction (the facts still inside the rule's window; "
		               "this one's stay on record here): decide that one", id, head);
	else
		rc = dberr_set(e, DB_ESTATE, "warning %s was superseded by %s, the newest proposal of "
		               "its rule and jurisdiction, which is %s: nothing is left to decide", id,
		               head, state);
out:
	free(head);
	free(state);
	return rc;
}

/* Who may decide: the store's enabled accounts (`dabiao user`) whose role is among the
 * rule's `decide` roles (any enabled account when the plan no longer has the rule: it can
 * only be dismissed). The decider is a person the bureau made known, never free text
 * (issue 10, left from rules5): `--by` names one by login or by name (姓名). A login names
 * one account; a name that two enabled accounts share names nobody: refused, listing their
 * logins, rather than one of them chosen by the engine (review 10f, F11). */
struct decider_ctx {
	const struct engine_plan *ep;
	const struct plan_conduct *r;
	const char *by;
	char *name, *login;    /* the account whose login is by, or else the one named by */
	bool may;              /* ... and it has a decide role */
	bool by_login;         /* the match is by login (a name's match may be replaced) */
	struct buf named;      /* logins of the enabled accounts named by: "liming, liming2" */
	size_t nnamed;
	struct buf known;      /* "李明 (liming), ..." */
	size_t nknown;
};

/* An account bound to a jurisdiction or enterprise, or holding a per-subject role, speaks
 * for the warned side: it never decides a warning, whatever a stored version's `decide`
 * says (`check` refuses such roles since review 10f, F7; a version stored before still
 * opens). */
static bool
decider_role(const struct decider_ctx *c, const struct store_account *a)
{
	int k = c->ep != NULL ? plan_role_index(c->ep->plan, a->role) : -1;

	if ((a->subject != NULL && a->subject[0] != '\0') ||
	    (k >= 0 && c->ep->plan->roles[k].per != PLAN_PER_NONE))
		return false;
	if (c->r == NULL)
		return true;
	for (size_t i = 0; i < c->r->ndecide; i++)
		if (c->r->decide[i].kind == PLAN_TARGET_ROLE && c->r->decide[i].role == k)
			return true;
	return false;
}

static void
decider_take(struct decider_ctx *c, const struct store_account *a, bool named, bool may)
{
	free(c->login);
	free(c->name);
	c->login = xstrdup(a->login);
	c->name = xstrdup(named ? a->name : a->login);
	c->may = may;
}

static int
decider_cb(const struct store_account *a, void *arg)
{
	struct decider_ctx *c = arg;
	bool named = a->name != NULL && a->name[0] != '\0';
	bool may = decider_role(c, a);

	if (a->disabled)
		return 0;
	if (strcmp(a->login, c->by) == 0) {
		decider_take(c, a, named, may);
		c->by_login = true;
	} else if (named && strcmp(a->name, c->by) == 0) {
		buf_printf(&c->named, "%s%s", c->nnamed++ ? ", " : "", a->login);
		if (!c->by_login && (c->login == NULL || (may && !c->may)))
			decider_take(c, a, named, may);
	}
	if (!may)
		return 0;
	if (named)
		buf_printf(&c->known, "%s%s (%s)", c->nknown ? ", " : "", a->name, a->login);
	else
		buf_printf(&c->known, "%s%s", c->nknown ? ", " : "", a->login);
	c->nknown++;
	return 0;
}

/* by as the decider of w: *name (the account's name, or its login) and *login, or
 * DB_EUSAGE naming --by and the people who may decide. */
static int
decider_of(struct store_txn *txn, const struct engine_plan *ep, const struct plan_conduct *r,
           const struct conduct_warning *w, const char *by, char **name, char **login,
           struct dberr *e)
{
	struct decider_ctx c = {ep, r, by, NULL, NULL, false, false, BUF_INIT, 0, BUF_INIT, 0};
	int rc = store_account_each(txn, decider_cb, &c, e);

	if (rc == 0 && !c.by_login && c.nnamed > 1) {
		rc = dberr_set(e, DB_EUSAGE, "--by '%s' names %zu accounts (%s): a name two people "
		               "share identifies neither; give the login of the one who decides "
		               "warning %s", by, c.nnamed, buf_str(&c.named), w->id);
	} else if (rc == 0 && (c.login == NULL || !c.may)) {
		struct buf roles = BUF_INIT;

		for (size_t i = 0; r != NULL && i < r->ndecide; i++)
			if (r->decide[i].kind == PLAN_TARGET_ROLE && r->decide[i].role >= 0)
				buf_printf(&roles, "%s%s", roles.len ? "|" : "",
				           ep->plan->roles[r->decide[i].role].id);
		if (c.nknown > 0)
			rc = dberr_set(e, DB_EUSAGE, "--by '%s' is nobody who may decide warning %s: "
			               "give one of %s (an account of the rule's decide roles, by login "
			               "or name)", by, w->id, buf_str(&c.known));
		else
			rc = dberr_set(e, DB_EUSAGE, "--by '%s' is nobody who may decide warning %s: no "
			               "account has a decide role of its rule; add one with `dabiao user "
			               "add LOGIN --role %s --name NAME --password-file FILE`", by, w->id,
			               roles.len ? buf_str(&roles) : "ROLE");
		buf_release(&roles);
	}
	if (rc == 0) {
		*name = c.name;
		*login = c.login;
	} else {
		free(c.name);
		free(c.login);
	}
	buf_release(&c.named);
	buf_release(&c.known);
	return rc;
}

int
conduct_decide(struct engine *en, struct store_txn *txn, const char *id, bool approve,
               const char *by, const char *reason, struct dberr *e)
{
	struct conduct_warning w;
	const struct engine_plan *ep;
	const struct plan_conduct *r;
	struct buf details = BUF_INIT;
	char *name = NULL, *login = NULL;
	int rc;

	if (by == NULL || *by == '\0' || reason == NULL || *reason == '\0')
		return dberr_set(e, DB_EUSAGE, "a decision names who decides (--by) and why "
		                 "(--reason)");
	if ((rc = conduct_warning_get(txn, id, &w, e)) != 0)
		return rc;
	if (strcmp(w.state, "proposed") != 0) {
		if (w.superseded_by)
			rc = superseded_error(txn, id, &w, e);
		else if (strcmp(w.state, "withdrawn") == 0 && w.reason != NULL)
			rc = dberr_set(e, DB_ESTATE, "warning %s was withdrawn: %s; nothing is left to "
			               "decide", id, w.reason);
		else if (strcmp(w.state, "withdrawn") == 0)
			rc = dberr_set(e, DB_ESTATE, "warning %s was withdrawn: %zu of its %zu events "
			               "were voided afterwards (a hand-in received before the deadline "
			               "and recorded after it), which left it below its rule: nothing is "
			               "left to decide", id, w.nitems - conduct_warning_left(&w), w.nitems);
		else
			rc = dberr_set(e, DB_ESTATE, "warning %s is %s%s%s: a decision is made once",
			               id, w.state, w.decided_by ? " by " : "",
			               w.decided_by ? w.decided_by : "");
		goto out;
	}
	ep = engine_plan_find(en, w.plan);
	r = conduct_rule_of(ep, &w);
	if (approve && r == NULL) {
		rc = dberr_set(e, DB_ESTATE, "warning %s: plan %s no longer has a %s rule to send "
		               "it by", id, w.plan, w.kind);
		goto out;
	}
	/* the facts are checked when the warning leaves, not only when it was proposed: a later
	 * version may have raised its rule's threshold (review 10e, H-C) */
	if (approve && conduct_warning_left(&w) < (size_t)r->lapses) {
		rc = dberr_set(e, DB_ESTATE, "warning %s stands on %zu event%s, fewer than the %d its "
		               "rule asks for in plan %s version %u: it no longer meets the rule; "
		               "dismiss it", id, conduct_warning_left(&w),
		               conduct_warning_left(&w) == 1 ? "" : "s", r->lapses, w.plan,
		               (unsigned)ep->version);
		goto out;
	}
	if ((rc = decider_of(txn, ep, r, &w, by, &name, &login, e)) != 0)
		goto out;
	free(w.state);
	w.state = xstrdup(approve ? "sent" : "dismissed");
	w.decided_by = xstrdup(name);
	w.reason = xstrdup(reason);
	w.decided_at = engine_now(en);
	details_json(&details, &w);
	buf_puts(&details, ",\"decided_by_login\":");
	buf_json_str(&details, login);
	buf_printf(&details, ",\"decision\":\"%s\"}", approve ? "approve" : "dismiss");
	if ((rc = warning_put(txn, &w, e)) != 0 ||
	    (rc = engine_audit(en, txn, "conduct.decide", "", w.jurisdiction, "proposed",
	                       approve ? "approved" : "dismissed", buf_str(&details), e)) != 0 ||
	    (rc = conduct_clear_pending(txn, w.plan, w.rule, w.jurisdiction, w.id, e)) != 0)
		goto out;
	if (approve)
		rc = send_warning(en, txn, ep, r, &w, engine_now(en), false, e);
out:
	free(name);
	free(login);
	buf_release(&details);
	conduct_warning_release(&w);
	return rc;
}

/* ---- lapses voided afterwards ----
 *
 * A lapse voided by a hand-in received before it and recorded after it (`submit --at`,
 * docs/plan-format.md "Recorded afterwards") was never a lapse. The rules' next evaluations
 * count without it (conduct_unnote); a warning that already counted it must not stand on
 * it silently either. Decision: a proposal, which nobody has decided yet, is brought to the
 * truth — withdrawn when what is left falls below its rule's threshold, proposed again
 * with what is left (a new number, the old one superseded) when it still meets it — and
 * the deciders are told which and why, at once; a warning already sent cannot be unsent:
 * it keeps its state and records the voided events, which every list of warnings shows
 * beside it ("依据的逾期已补录撤销N项"). */

/* What no longer counts: task's lapse (and the escalations that followed from it), voided
 * by a hand-in recorded afterwards; or, flag not NULL, its flag of that kind, withdrawn
 * (`flag --withdraw`, by whom and why: a flag raised in error is the same case, review
 * 10f F1). */
struct voiding {
	const char *task;
	const char *flag, *by, *reason;
};

/* The flag kinds of event it (a task's flags, '+'-joined: "concealed+falsified") that
 * w has not recorded as withdrawn: "" when every one was. Caller frees. */
static char *
flags_left(const struct conduct_warning *w, const struct conduct_item *it)
{
	char *left = xstrdup(it->why), *less;

	for (size_t i = 0; i < w->nvoided; i++) {
		if (strcmp(w->voided[i].task, it->task) != 0 ||
		    conduct_class(w->voided[i].why) != PLAN_COUNT_FLAG)
			continue;
		less = conduct_flags_minus(left, w->voided[i].why);
		free(left);
		left = less;
	}
	return left;
}

/* Is event it of w among its voided ones? A lapse and its escalations are voided together;
 * a task's flags, one event, when each of its kinds was withdrawn. */
/* Has w recorded the lapse (flag NULL) or the flag kind of task's event as voided? */
static bool
part_voided(const struct conduct_warning *w, const char *task, const char *flag)
{
	for (size_t i = 0; i < w->nvoided; i++)
		if (strcmp(w->voided[i].task, task) == 0 &&
		    (flag == NULL ? conduct_class(w->voided[i].why) == PLAN_COUNT_LAPSE
		                  : conduct_class(w->voided[i].why) == PLAN_COUNT_FLAG &&
		                    conduct_flag_in(w->voided[i].why, flag)))
			return true;
	return false;
}

static bool
item_voided(const struct conduct_warning *w, const struct conduct_item *it)
{
	char *left;
	bool voided;

	/* a lapse and its 漏报, one event: gone only when both are (the lapse voided and the
	 * flag withdrawn); either alone leaves the other counted (review10h K1) */
	if (strcmp(it->why, CONDUCT_LAPSE_OMITTED) == 0)
		return part_voided(w, it->task, NULL) && part_voided(w, it->task, "omitted");
	if (conduct_class(it->why) == PLAN_COUNT_FLAG) {
		left = flags_left(w, it);
		voided = left[0] == '\0';
		free(left);
		return voided;
	}
	for (size_t i = 0; i < w->nvoided; i++)
		if (strcmp(w->voided[i].task, it->task) == 0 &&
		    conduct_class(w->voided[i].why) == conduct_class(it->why))
			return true;
	return false;
}

/* Does v void (part of) event it of w, not voided already? */
static bool
voids_item(const struct conduct_warning *w, const struct conduct_item *it,
           const struct voiding *v)
{
	char *left;
	bool yes;

	if (strcmp(it->task, v->task) != 0)
		return false;
	if (strcmp(it->why, CONDUCT_LAPSE_OMITTED) == 0)
		return v->flag == NULL ? !part_voided(w, it->task, NULL)
		       : strcmp(v->flag, "omitted") == 0 && !part_voided(w, it->task, "omitted");
	if (v->flag == NULL)
		return (conduct_class(it->why) & (PLAN_COUNT_LAPSE | PLAN_COUNT_ESCALATION)) != 0 &&
		       !item_voided(w, it);
	if (conduct_class(it->why) != PLAN_COUNT_FLAG)
		return false;
	left = flags_left(w, it);
	yes = conduct_flag_in(left, v->flag);
	free(left);
	return yes;
}

size_t
conduct_warning_left(const struct conduct_warning *w)
{
	size_t n = 0;

	for (size_t i = 0; i < w->nitems; i++)
		n += !item_voided(w, &w->items[i]);
	return n;
}

struct void_find {
	const struct voiding *v;
	struct strset ids;
};

static int
void_find_cb(const struct conduct_warning *w, void *arg)
{
	struct void_find *f = arg;

	if (strcmp(w->state, "proposed") != 0 && strcmp(w->state, "sent") != 0)
		return 0;
	for (size_t i = 0; i < w->nitems; i++)
		if (voids_item(w, &w->items[i], f->v)) {
			strset_add(&f->ids, w->id);
			break;
		}
	return 0;
}

/* The newest event behind the last warning of w's rule and jurisdiction that stands (sent
 * or dismissed): where the rule's count of new events starts again once w is withdrawn. */
struct last_ctx {
	const struct conduct_warning *w;
	int64_t last;
};

static int
last_cb(const struct conduct_warning *o, void *arg)
{
	struct last_ctx *c = arg;

	if (strcmp(o->id, c->w->id) == 0 || o->rule != c->w->rule ||
	    strcmp(o->kind, c->w->kind) != 0 || strcmp(o->jurisdiction, c->w->jurisdiction) != 0 ||
	    (strcmp(o->state, "sent") != 0 && strcmp(o->state, "dismissed") != 0))
		return 0;
	for (size_t i = 0; i < o->nitems; i++)
		if (o->items[i].at > c->last)
			c->last = o->items[i].at;
	return 0;
}

static void
void_details(struct buf *b, const struct conduct_warning *w, const char *task, size_t left,
             const struct plan_conduct *r)
{
	buf_puts(b, "{\"id\":");
	buf_json_str(b, w->id);
	buf_puts(b, ",\"voided\":");
	buf_json_str(b, task);
	buf_printf(b, ",\"count\":%zu,\"left\":%zu", w->nitems, left);
	if (r != NULL)
		buf_printf(b, ",\"rule_lapses\":%d", r->lapses);
}

/* The proposal w, whose events left number `left`, proposed again with them under a new
 * number; *new_id gets it. */
static int
repropose(struct engine *en, struct store_txn *txn, struct conduct_warning *w, size_t ridx,
          const char *task, size_t left, const struct plan_conduct *r, char **new_id,
          struct dberr *e)
{
	struct conduct_warning nw = {0};
	struct buf d = BUF_INIT;
	int64_t last = 0;
	int rc;

	if ((rc = next_number(txn, &nw.id, e)) != 0)
		return rc;
	nw.plan = xstrdup(w->plan);
	nw.kind = xstrdup(w->kind);
	nw.jurisdiction = xstrdup(w->jurisdiction);
	nw.state = xstrdup("proposed");
	nw.rule = ridx;
	nw.at = w->at; /* the same evaluation's facts, less the voided ones */
	nw.items = xcalloc(left ? left : 1, sizeof(*nw.items));
	for (size_t i = 0; i < w->nitems; i++) {
		const struct conduct_item *it = &w->items[i];

		if (item_voided(w, it))
			continue;
		/* a task's flags less the kinds withdrawn; a lapse-and-漏报 event half gone is
		 * the half left, so the other half's void or withdrawal ends it (review10h K1) */
		nw.items[nw.nitems++] = (struct conduct_item){
			it->at, conduct_class(it->why) == PLAN_COUNT_FLAG ? flags_left(w, it)
			        : strcmp(it->why, CONDUCT_LAPSE_OMITTED) != 0 ? xstrdup(it->why)
			        : xstrdup(part_voided(w, it->task, NULL) ? "omitted"
			                  : part_voided(w, it->task, "omitted") ? "lapse" : it->why),
			xstrdup(it->task)};
		if (it->at > last)
			last = it->at;
	}
	if ((rc = conduct_repend(txn, w->plan, ridx, w->jurisdiction, w->id, nw.id, last, &nw.seq,
	                         e)) != 0 ||
	    (rc = warning_put(txn, &nw, e)) != 0 ||
	    (rc = supersede(en, txn, w->id, nw.id, e)) != 0)
		goto out;
	details_json(&d, &nw);
	buf_puts(&d, ",\"replaces\":");
	buf_json_str(&d, w->id);
	buf_puts(&d, ",\"voided\":");
	buf_json_str(&d, task);
	buf_printf(&d, ",\"rule_lapses\":%d}", r->lapses);
	if ((rc = engine_audit(en, txn, "conduct.propose", "", nw.jurisdiction, "", "proposed",
	                       buf_str(&d), e)) == 0)
		*new_id = xstrdup(nw.id);
out:
	buf_release(&d);
	conduct_warning_release(&nw);
	return rc;
}

/* Why the events v voids no longer count, in the deciders' words. Caller frees. */
static char *
voided_words(const struct voiding *v)
{
	if (v->flag == NULL && v->by == NULL)
		return xstrdup("报送材料在截止前已收到、事后补录，所记逾期已撤销");
	if (v->flag == NULL) /* a back-dated extension: nothing was recorded afterwards */
		return xasprintf("报送材料在事后补记的展期内收到（展期经%s同意，理由：%s），所记逾期已撤销",
		                 v->by, v->reason ? v->reason : "");
	return xasprintf("所登记的%s已由%s撤回（理由：%s）",
	                 strcmp(v->flag, "concealed") == 0 ? "瞒报"
	                 : strcmp(v->flag, "falsified") == 0 ? "谎报" : "漏报",
	                 v->by ? v->by : "", v->reason ? v->reason : "");
}

/* One warning that counted an event v voids. */
static int
void_one(struct engine *en, struct store_txn *txn, const struct engine_plan *ep, const char *id,
         const struct voiding *v, struct dberr *e)
{
	const char *task = v->task;
	char *because = voided_words(v);
	struct conduct_warning w;
	const struct plan_conduct *r;
	struct buf d = BUF_INIT, changes = BUF_INIT, what = BUF_INIT;
	struct last_ctx lc;
	char *new_id = NULL, *jur = NULL, keypart[48];
	size_t left, ridx = 0, nvoid = 0;
	int rc;

	if ((rc = conduct_warning_get(txn, id, &w, e)) != 0)
		return rc;
	for (size_t i = 0; i < w.nitems; i++) {
		const struct conduct_item *it = &w.items[i];

		/* a flag withdrawn is that kind only: the task's other flags stand */
		const struct conduct_item one = {it->at, (char *)(v->flag ? v->flag
		                                 : strcmp(it->why, CONDUCT_LAPSE_OMITTED) == 0
		                                 ? "lapse" : it->why), it->task};

		if (!voids_item(&w, it, v))
			continue;
		w.voided = xrealloc(w.voided, (w.nvoided + 1) * sizeof(*w.voided));
		w.voided[w.nvoided++] = (struct conduct_item){engine_now(en), xstrdup(one.why),
		                                              xstrdup(it->task)};
		buf_puts(&what, nvoid++ ? "”“" : "");
		item_words(txn, en, ep, &one, &what);
		/* half of a lapse-and-漏报 event: the other half still counts, and is said */
		if (strcmp(it->why, CONDUCT_LAPSE_OMITTED) == 0 && !item_voided(&w, it))
			buf_puts(&what, v->flag == NULL ? "（其漏报登记仍计入）" : "（其逾期仍计入）");
	}
	left = conduct_warning_left(&w);
	r = conduct_rule_of(ep, &w);
	if (r != NULL)
		ridx = (size_t)(r - ep->plan->conduct);
	void_details(&d, &w, task, left, r);
	if (strcmp(w.state, "sent") == 0) {
		/* sent: it stays sent, and says on every list what it no longer stands on */
		buf_printf(&d, ",\"below_rule\":%s}", r && left < (size_t)r->lapses ? "true" : "false");
		if ((rc = warning_put(txn, &w, e)) == 0)
			rc = engine_audit(en, txn, "conduct.void", "", w.jurisdiction, "sent", "sent",
			                  buf_str(&d), e);
		goto out;
	}
	jur = store_subject_name(txn, STORE_JURISDICTION, w.jurisdiction);
	if (r == NULL || r->ndecide == 0 || left < (size_t)r->lapses) {
		/* below the threshold: nothing is left to decide */
		free(w.state);
		w.state = xstrdup("withdrawn");
		lc = (struct last_ctx){&w, 0};
		buf_putc(&d, '}');
		if ((rc = warning_put(txn, &w, e)) != 0 ||
		    (rc = conduct_warning_each(txn, w.plan, last_cb, &lc, e)) != 0 ||
		    (rc = conduct_repend(txn, w.plan, r ? ridx : w.rule, w.jurisdiction, w.id, NULL,
		                         lc.last, NULL, e)) != 0 ||
		    (rc = engine_audit(en, txn, "conduct.withdraw", "", w.jurisdiction, "proposed",
		                       "withdrawn", buf_str(&d), e)) != 0)
			goto out;
		if (r != NULL)
			buf_printf(&changes, "　　预警编号 %s（%s，%zu项）中的“%s”，%s；余%zu项，不足"
			           "预警标准（%d项），该预警已撤回，无需决定。", w.id, jur, w.nitems,
			           buf_str(&what), because, left, r->lapses);
	} else {
		buf_putc(&d, '}');
		if ((rc = warning_put(txn, &w, e)) != 0 ||
		    (rc = repropose(en, txn, &w, ridx, task, left, r, &new_id, e)) != 0)
			goto out;
		buf_printf(&changes, "　　预警编号 %s（%s，%zu项）中的“%s”，%s；余%zu项，仍达到预警"
		           "标准（%d项），已按实际情况重新提请决定，新的预警编号为 %s，原编号 %s 不再决定。",
		           w.id, jur, w.nitems, buf_str(&what), because, left, r->lapses, new_id, w.id);
	}
	/* the deciders hear of it now: the list they hold names a number that no longer stands */
	snprintf(keypart, sizeof(keypart), "voided-%s", w.id);
	if (r != NULL && r->ndecide > 0)
		rc = candidates_send(en, txn, ep, ridx, engine_now(en), false, buf_str(&changes),
		                     keypart, e);
out:
	free(because);
	free(jur);
	free(new_id);
	buf_release(&d);
	buf_release(&changes);
	buf_release(&what);
	conduct_warning_release(&w);
	return rc;
}

static int
void_all(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
         const struct voiding *v, struct dberr *e)
{
	struct void_find f = {v, {0}};
	int rc = conduct_warning_each(txn, ep->plan->id, void_find_cb, &f, e);

	for (size_t i = 0; rc == 0 && i < f.ids.n; i++)
		rc = void_one(en, txn, ep, f.ids.v[i], v, e);
	strset_free(&f.ids);
	return rc;
}

int
conduct_void_warnings(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                      const struct store_task *task, const char *by, const char *reason,
                      struct dberr *e)
{
	struct voiding v = {task->key, NULL, by, reason};

	return void_all(en, txn, ep, &v, e);
}

int
conduct_void_flag(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                  const struct store_task *task, const char *kind, const char *by,
                  const char *reason, struct dberr *e)
{
	struct voiding v = {task->key, kind, by, reason};

	return void_all(en, txn, ep, &v, e);
}

/* ---- a version that no longer asks for a decision ----
 *
 * A proposal waits for the decision its rule asks for. A version that drops `decide` from
 * the rule, or the rule itself, leaves nobody to ask (review 10f, F9). Decision: such a
 * proposal is withdrawn by the load, with the reason, never left pending for ever; the
 * deciders of the version before are told in a candidate list's 调整 (they held its
 * number); under a rule that now warns without a decision its events count as new again
 * and the rule is evaluated at the next notify_at, so a jurisdiction that still meets it is
 * warned directly, with the true count, as the version says. */
struct rechange {
	struct strset ids;            /* the plan's proposals */
};

static int
proposed_cb(const struct conduct_warning *w, void *arg)
{
	struct rechange *c = arg;

	if (strcmp(w->state, "proposed") == 0)
		strset_add(&c->ids, w->id);
	return 0;
}

/* The old rule's decide roles as roles of ep's plan (by id): who held the proposal's
 * number. *out is allocated (NULL when none is left). */
static size_t
old_deciders(const struct engine_plan *ep, const struct engine_plan *old,
             const struct plan_conduct *or, struct plan_target **out)
{
	size_t n = 0;

	*out = NULL;
	if (old == NULL || or == NULL || or->ndecide == 0)
		return 0;
	*out = xcalloc(or->ndecide, sizeof(**out));
	for (size_t i = 0; i < or->ndecide; i++) {
		int k = or->decide[i].kind == PLAN_TARGET_ROLE && or->decide[i].role >= 0
		        ? plan_role_index(ep->plan, old->plan->roles[or->decide[i].role].id) : -1;

		if (k >= 0)
			(*out)[n++] = (struct plan_target){PLAN_TARGET_ROLE, k};
	}
	return n;
}

/* Withdraws proposal id when ep's rule for it asks for no decision; what the deciders of
 * old's rule (told[k] for old's rule k) are to hear is appended there. */
static int
rechange_one(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
             const struct engine_plan *old, const char *id, struct buf *told,
             void (*said)(void *arg, const char *id, const char *text), void *arg,
             struct dberr *e)
{
	struct conduct_warning w;
	const struct plan_conduct *r, *or;
	struct buf d = BUF_INIT;
	struct last_ctx lc;
	char *jur = NULL;
	size_t ridx;
	int64_t now = engine_now(en);
	int rc;

	if ((rc = conduct_warning_get(txn, id, &w, e)) != 0)
		return rc;
	r = conduct_rule_of(ep, &w);
	if (r != NULL && r->ndecide > 0)
		goto out; /* still asked: decided under the version in force */
	or = old != NULL ? conduct_rule_of(old, &w) : NULL;
	ridx = r != NULL ? (size_t)(r - ep->plan->conduct) : w.rule;
	free(w.state);
	w.state = xstrdup("withdrawn");
	w.reason = r != NULL
	           ? xasprintf("its %s rule asks for no decision in version %u of plan %s (its "
	                       "warnings go without one)", w.kind, (unsigned)ep->version, w.plan)
	           : xasprintf("its %s rule is not in version %u of plan %s", w.kind,
	                       (unsigned)ep->version, w.plan);
	w.decided_at = now;
	lc = (struct last_ctx){&w, 0};
	buf_puts(&d, "{\"id\":");
	buf_json_str(&d, w.id);
	buf_printf(&d, ",\"count\":%zu,\"why\":\"%s\",\"plan_version\":%u}", w.nitems,
	           r != NULL ? "decide removed" : "rule removed", (unsigned)ep->version);
	if ((rc = warning_put(txn, &w, e)) != 0 ||
	    (rc = conduct_warning_each(txn, w.plan, last_cb, &lc, e)) != 0 ||
	    (rc = conduct_repend(txn, w.plan, ridx, w.jurisdiction, w.id, NULL, lc.last, NULL,
	                         e)) != 0 ||
	    (rc = engine_audit(en, txn, "conduct.withdraw", "", w.jurisdiction, "proposed",
	                       "withdrawn", buf_str(&d), e)) != 0)
		goto out;
	if (r != NULL && (rc = conduct_evaluate_after(txn, ep, ridx, w.jurisdiction, now, e)) != 0)
		goto out;
	if (said != NULL) {
		char *line = xasprintf("%s %s (%zu event%s): withdrawn, %s%s", w.kind,
		                       w.jurisdiction, w.nitems, w.nitems == 1 ? "" : "s", w.reason,
		                       r != NULL ? "; counted again at the next notify_at" : "");

		said(arg, w.id, line);
		free(line);
	}
	if (or == NULL || or->ndecide == 0)
		goto out; /* nobody held its number */
	jur = store_subject_name(txn, STORE_JURISDICTION, w.jurisdiction);
	told += or - old->plan->conduct;
	buf_puts(told, told->len ? "\n" : "");
	if (r != NULL)
		buf_printf(told, "　　预警编号 %s（%s，%zu项）：方案第%u版不再要求对此类预警作出决定，"
		           "该预警已撤回，无需决定；所依据的情况按新版规则重新统计，仍达到预警标准的，"
		           "预警将直接发出。", w.id, jur, w.nitems, (unsigned)ep->version);
	else
		buf_printf(told, "　　预警编号 %s（%s，%zu项）：方案第%u版已删除该预警规则，该预警"
		           "已撤回，无需决定。", w.id, jur, w.nitems, (unsigned)ep->version);
out:
	free(jur);
	buf_release(&d);
	conduct_warning_release(&w);
	return rc;
}

int
conduct_version_withdraw(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                         const struct engine_plan *old,
                         void (*said)(void *arg, const char *id, const char *text), void *arg,
                         struct dberr *e)
{
	struct rechange c = {{0}};
	size_t nold = old != NULL ? old->plan->nconduct : 0;
	struct buf *told = xcalloc(nold ? nold : 1, sizeof(*told));
	int rc = conduct_warning_each(txn, ep->plan->id, proposed_cb, &c, e);

	for (size_t i = 0; rc == 0 && i < c.ids.n; i++)
		rc = rechange_one(en, txn, ep, old, c.ids.v[i], told, said, arg, e);
	/* the deciders of each old rule hear of every number they held, in one list */
	for (size_t k = 0; rc == 0 && k < nold; k++) {
		const struct plan_conduct *or = &old->plan->conduct[k];
		struct plan_target *to = NULL;
		size_t nto = told[k].len > 0 ? old_deciders(ep, old, or, &to) : 0;
		char keypart[48];

		snprintf(keypart, sizeof(keypart), "rule-changed-v%u-%zu", (unsigned)ep->version, k);
		if (nto > 0)
			rc = candidates_to(en, txn, ep, or->kind, to, nto, or->lapses,
			                   conduct_window(&or->within) / 86400, engine_now(en), false,
			                   buf_str(&told[k]), keypart, e);
		free(to);
	}
	for (size_t k = 0; k < nold; k++)
		buf_release(&told[k]);
	free(told);
	strset_free(&c.ids);
	return rc;
}
