/*
 * reschedule.c - a task's schedule replaced after it began: extensions, correction
 * periods, grace for late arrivals, plan and registry changes. And the notice that tells
 * the task's owner.
 *
 * One rule for all of them (docs/ARCHITECTURE.md, "Rescheduling"): the new schedule begins
 * at the moment of the change. A reminder or escalation step whose instant lies before it
 * is never sent, so no one receives a notice dated in the past or a burst of them; the
 * deadline is always kept, and one already past is applied at once (a lapse is never
 * skipped, only never back-dated into notices).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/sha256.h"
#include "base/xalloc.h"
#include "engine/sched/sched_int.h"

int
sched_reschedule(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                 struct store_task *t, int32_t due_date, int64_t deadline, int64_t from,
                 struct dberr *e)
{
	char when[24];
	int rc;

	t->due_date = due_date;
	t->deadline = deadline;
	t->gen++;
	t->updated_at = engine_now(en);
	snprintf(when, sizeof(when), "%" PRId64, from);
	store_task_set_extra(t, "schedule_from", when);
	/* a new schedule's ladder counts from its own deadline again (sched_lapse) */
	if (store_task_extra(t, "ladder_from") != NULL)
		store_task_set_extra(t, "ladder_from", "");
	if ((rc = store_task_put(txn, t, e)) != 0)
		return rc;
	return schedule_task(txn, ep, t, e);
}

int
sched_period_end(const struct engine_plan *ep, int64_t t, const struct plan_offset *period,
                 int32_t *day, int64_t *deadline, struct dberr *e)
{
	int32_t today, d;

	tz_utc_to_local(ep->tz, t, &today, NULL, NULL);
	if (period->unit == PLAN_WORKDAYS) {
		if (cal_add_workdays(&ep->plan->calendar, today, (int)period->n, &d) != 0)
			return dberr_set(e, DB_EDATA, "plan %s: no working day within ten years",
			                 ep->plan->id);
	} else {
		d = today + (int32_t)period->n;
		/* a period in calendar days that ends on a day off ends on the next working
		 * day when the plan moves its dues so (due_on_holiday: next-workday), as every
		 * other due of the plan is moved; a period granted is never shortened, so
		 * previous-workday leaves it (review10g G13) */
		if (ep->plan->calendar.due_on_holiday == CAL_SHIFT_NEXT &&
		    cal_shift_due(&ep->plan->calendar, d, &d) != 0)
			return dberr_set(e, DB_EDATA, "plan %s: no working day within ten years",
			                 ep->plan->id);
	}
	*day = d;
	*deadline = schedule_end_of_day(ep, d);
	return 0;
}

char *
sched_matter_words(const struct plan *p, const struct plan_milestone *m, const char *period,
                   const char **verb)
{
	const struct plan_lifecycle *lc = &p->lifecycles[m->lifecycle];
	bool hand_in = lc->submit_event >= 0 && m->submit_to >= 0;
	char per[64];

	words_period_zh(m, period, per, sizeof(per));
	*verb = hand_in ? "报送" : "完成";
	return hand_in ? xasprintf("%s《%s》", per, m->title) : xasprintf("%s%s", per, m->title);
}

/* What the new owner of a task a version handed over is told, after the matter's name:
 * that it is theirs now, whose it was, and what it asks of them (review10j R3). Caller
 * frees. */
static char *
handover_words(const struct engine_plan *ep, const struct store_task *t,
               const struct owner_notice *n, const char *verb)
{
	char dl[WORDS_DEADLINE_MAX], prev[WORDS_DEADLINE_MAX];
	char *head = xasprintf("自即日起调整为由你单位承担（此前由%s承担）", n->handed_from), *s;

	words_deadline_zh(ep->tz, t->deadline, dl);
	words_deadline_zh(ep->tz, n->previous ? n->previous : t->deadline, prev);
	switch (n->handed) {
	case SCHED_HANDED_GRACE:
		s = xasprintf("%s。原定截止时间为%s，调整时已来不及按期提醒，给予宽限；请你单位于%s前%s。",
		              head, prev, dl, verb);
		break;
	case SCHED_HANDED_KEPT:
		s = xasprintf("%s。截止时间为%s，调整时已来不及按期提醒，特此告知；请你单位于%s前%s。",
		              head, dl, dl, verb);
		break;
	case SCHED_HANDED_LAPSED:
		s = xasprintf("%s。截止时间%s已过，此前未按期%s，按逾期处理；请你单位尽快%s。", head, dl,
		              verb, verb);
		break;
	case SCHED_HANDED_WAITING:
		s = xasprintf("%s。此前已%s，正在审核；如被退回，请你单位按要求重新%s。", head, verb,
		              verb);
		break;
	default:
		s = xasprintf("%s。截止时间为%s，请你单位于%s前%s。", head, dl, dl, verb);
		break;
	}
	free(head);
	return s;
}

int
sched_owner_notice(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                   const struct store_task *t, const struct owner_notice *n, struct dberr *e)
{
	static const struct plan_target targets[] = {{PLAN_TARGET_OWNER, -1},
	                                              {PLAN_TARGET_SUBMIT_TO, -1}};
	struct notice_req r = {0};
	struct task_forms forms = {0};
	struct notice_var vars[15];
	const struct plan_lifecycle *lc;
	int st;
	char key[1024], prev[WORDS_DEADLINE_MAX] = "", handed[WORDS_DEADLINE_MAX] = "";
	char *handover = NULL;
	int mi = plan_milestone_index(ep->plan, t->milestone), rc;

	if (n->previous != 0)
		words_deadline_zh(ep->tz, n->previous, prev);
	vars[0] = (struct notice_var){"acted_by", n->by ? n->by : ""};
	vars[1] = (struct notice_var){"reason", n->reason ? n->reason : ""};
	vars[2] = (struct notice_var){"previous_deadline_zh", prev};
	/* a sentence of its own when the deadline is already behind (a late return) */
	vars[3] = (struct notice_var){"deadline_passed",
	                              t->deadline < engine_now(en) ? "是" : ""};
	vars[4] = (struct notice_var){"previous_passed", n->previous_passed ? "是" : ""};
	vars[5] = (struct notice_var){"date_source", n->source ? n->source : ""};
	vars[6] = (struct notice_var){"deadline_kept", n->deadline_kept ? "是" : ""};
	vars[7] = (struct notice_var){"plan_late", n->plan_late ? "是" : ""};
	if (n->handed_in != 0)
		words_deadline_zh(ep->tz, n->handed_in, handed);
	vars[8] = (struct notice_var){"handed_in_zh", handed};
	vars[9] = (struct notice_var){"handed_in_late", n->handed_in_late ? "是" : ""};
	if (n->handed_from != NULL && mi >= 0) {
		const char *verb;
		char *what = sched_matter_words(ep->plan, &ep->plan->milestones[mi], t->period, &verb);

		handover = handover_words(ep, t, n, verb);
		free(what);
	}
	vars[10] = (struct notice_var){"handover_zh", handover ? handover : ""};
	vars[11] = (struct notice_var){"handed_over", handover ? "是" : ""};
	/* accepted: the end of the matter only in a final state; a stage passed may leave
	 * another still owed (the deadline watches the state it is in) or another review
	 * (review10j R4: a draft accepted read "本事项办结", or, told as a return, "予以退回") */
	lc = mi >= 0 ? &ep->plan->lifecycles[ep->plan->milestones[mi].lifecycle] : NULL;
	st = lc ? plan_lifecycle_state(lc, t->state) : -1;
	vars[12] = (struct notice_var){"still_owed", st >= 0 && (lc->deadline_from[st] ||
	                                                         st == lc->deadline_to) ? "是" : ""};
	vars[13] = (struct notice_var){"finished", st < 0 || lc->final[st] ? "是" : ""};
	snprintf(key, sizeof(key), "%s#%s#%s", t->key, n->kind, n->keypart);
	r.ep = ep;
	r.kind = n->kind;
	r.fallback = n->kind;
	r.key = key;
	r.task = t;
	r.subject = t->subject;
	r.targets = targets;
	r.ntargets = n->submit_to && mi >= 0 && ep->plan->milestones[mi].submit_to >= 0 ? 2 : 1;
	r.scheduled = engine_now(en);
	r.vars = vars;
	r.nvars = 14;
	/* a task that starts late asks for its table: the blank one goes with it (附件) */
	if (strcmp(n->kind, "start") == 0) {
		if ((rc = task_forms_add(en, txn, ep, t, &forms, e)) != 0) {
			free(handover);
			return rc;
		}
		if (forms.n > 0) {
			task_forms_attach(&forms, &r);
			vars[r.nvars++] = (struct notice_var){"attachment_name", forms.f[0].title};
		}
	}
	rc = notice_queue(en, txn, &r, e);
	task_forms_release(&forms);
	free(handover);
	return rc;
}

int
sched_start_list(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                 char *const *keys, const struct owner_notice *ns, size_t n, struct dberr *e)
{
	static const struct plan_target targets[] = {{PLAN_TARGET_OWNER, -1}};
	struct store_task *ts = xcalloc(n, sizeof(*ts));
	struct buf items = BUF_INIT, id = BUF_INIT, names = BUF_INIT;
	struct task_forms forms = {0};
	struct notice_req r = {0};
	struct notice_var vars[5];
	char key[512], count[24], hash[SHA256_HEX_SIZE];
	bool plan_late = true, handed = true;
	size_t got = 0;
	int rc = 0;

	for (; rc == 0 && got < n; got++)
		if ((rc = store_task_get(txn, keys[got], &ts[got], e)) != 0)
			break;
	/* the key first: each task's link is made for this notice */
	for (size_t i = 0; i < n; i++)
		buf_printf(&id, "%s\n", keys[i]);
	sha256_hex(buf_str(&id), id.len, hash);
	snprintf(key, sizeof(key), "%s/start/%lld/%.16s", ep->plan->id, (long long)engine_now(en),
	         hash);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const struct plan_milestone *m = &ep->plan->milestones[plan_milestone_index(
			ep->plan, ts[i].milestone)];
		char *link = NULL;
		char dl[WORDS_DEADLINE_MAX], prev[WORDS_DEADLINE_MAX];
		const char *verb, *when = ns[i].plan_late ? "该事项下达" : "你单位纳入";
		char *what = sched_matter_words(ep->plan, m, ts[i].period, &verb);

		plan_late = plan_late && ns[i].plan_late;
		handed = handed && ns[i].handed_from != NULL;
		words_deadline_zh(ep->tz, ts[i].deadline, dl);
		words_deadline_zh(ep->tz, ns[i].previous, prev);
		buf_printf(&items, "%s　　%zu. %s：", i ? "\n" : "", i + 1, what);
		/* the same three cases as start.txt's, one sentence each */
		if (ns[i].handed_from != NULL) {
			char *h = handover_words(ep, &ts[i], &ns[i], verb);

			buf_puts(&items, h);
			free(h);
		} else if (ns[i].deadline_kept)
			buf_printf(&items, "截止时间为%s，%s时已来不及按期提醒，特此告知；请于%s前%s。",
			           dl, when, dl, verb);
		else if (ns[i].previous_passed)
			buf_printf(&items, "原定截止时间为%s，在%s之前已经届满，不作逾期处理；请于%s前%s。",
			           prev, when, dl, verb);
		else
			buf_printf(&items, "原定截止时间为%s，%s时已来不及按期提醒，给予宽限；请于%s前%s。",
			           prev, when, dl, verb);
		free(what);
		rc = notice_submit_link(en, txn, ep, &ts[i], "start", key, &link, e);
		if (rc == 0 && link != NULL)
			buf_printf(&items, "可通过以下链接在线报送：%s", link);
		free(link);
		if (rc == 0)
			rc = task_forms_add(en, txn, ep, &ts[i], &forms, e);
	}
	if (rc != 0)
		goto out;
	snprintf(count, sizeof(count), "%zu", n);
	vars[0] = (struct notice_var){"items", buf_str(&items)};
	vars[1] = (struct notice_var){"item_count", count};
	vars[2] = (struct notice_var){"plan_late", plan_late ? "是" : ""};
	vars[3] = (struct notice_var){"handed_over", handed ? "是" : ""};
	r.ep = ep;
	r.kind = "start";
	r.tmpl = "start-list";
	r.fallback = "start-list";
	r.key = key;
	r.task = &ts[0];
	r.subject = ts[0].subject;
	r.tasks = (const char *const *)keys;
	r.ntasks = n;
	r.targets = targets;
	r.ntargets = 1;
	r.scheduled = engine_now(en);
	r.vars = vars;
	r.nvars = 4;
	task_forms_attach(&forms, &r);
	if (forms.n > 0) {
		for (size_t i = 0; i < forms.n; i++)
			buf_printf(&names, "%s%s", i ? "、" : "", forms.f[i].title);
		vars[r.nvars++] = (struct notice_var){"attachment_name", buf_str(&names)};
	}
	rc = notice_queue(en, txn, &r, e);
out:
	buf_release(&names);
	for (size_t i = 0; i < got; i++)
		store_task_release(&ts[i]);
	free(ts);
	buf_release(&items);
	buf_release(&id);
	task_forms_release(&forms);
	return rc;
}

void
sched_starts_add(struct sched_starts *s, const char *owner, const char *key,
                 const char *keypart, const struct owner_notice *n)
{
	struct sched_start_note *sn;

	s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof(*s->v));
	sn = &s->v[s->n];
	sn->owner = xstrdup(owner);
	sn->key = xstrdup(key);
	snprintf(sn->keypart, sizeof(sn->keypart), "%s", keypart);
	sn->n = *n;
	sn->seq = s->n++;
}

static int
start_cmp(const void *a, const void *b)
{
	const struct sched_start_note *x = a, *y = b;
	int c = strcmp(x->owner, y->owner);

	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

int
sched_starts_tell(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                  struct sched_starts *s, struct dberr *e)
{
	int rc = 0;

	if (s->n == 0)
		return 0; /* qsort's array may not be NULL, even for no elements (C11 7.22.5) */
	qsort(s->v, s->n, sizeof(*s->v), start_cmp);
	for (size_t i = 0; i < s->n; i++)
		s->v[i].n.keypart = s->v[i].keypart; /* the array no longer moves */
	for (size_t i = 0, j; rc == 0 && i < s->n; i = j) {
		for (j = i + 1; j < s->n && strcmp(s->v[j].owner, s->v[i].owner) == 0; j++)
			;
		if (j - i == 1) {
			struct store_task t;

			if ((rc = store_task_get(txn, s->v[i].key, &t, e)) == 0) {
				rc = sched_owner_notice(en, txn, ep, &t, &s->v[i].n, e);
				store_task_release(&t);
			}
		} else {
			char **keys = xcalloc(j - i, sizeof(*keys));
			struct owner_notice *ns = xcalloc(j - i, sizeof(*ns));

			for (size_t k = i; k < j; k++) {
				keys[k - i] = s->v[k].key;
				ns[k - i] = s->v[k].n;
			}
			rc = sched_start_list(en, txn, ep, keys, ns, j - i, e);
			free(keys);
			free(ns);
		}
	}
	return rc;
}

void
sched_starts_release(struct sched_starts *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].owner);
		free(s->v[i].key);
	}
	s->n = 0;
}
