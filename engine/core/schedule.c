/*
 * schedule.c - when a task's reminders, deadline and escalations happen.
 *
 * Day offsets (d, wd) land at the plan's notify_at local time on the day that many calendar
 * or working days from the (shifted) due date; h/m/s offsets count from the deadline
 * instant, so real-clock plans can use seconds. One function computes these instants for
 * expansion, extension and the scheduler alike.
 */
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "engine/core/engine.h"

static int
offset_instant(const struct engine_plan *ep, const struct plan_milestone *m,
               int32_t due_date, int64_t deadline, const struct plan_offset *o, int64_t *out,
               struct dberr *e)
{
	const struct plan *p = ep->plan;
	char date[11];
	int32_t day;
	int rc;

	switch (o->unit) {
	case PLAN_DAYS:
		*out = tz_local_to_utc(ep->tz, due_date + (int32_t)o->n, p->notify_at);
		return 0;
	case PLAN_WORKDAYS:
		rc = cal_add_workdays(&p->calendar, due_date, (int)o->n, &day);
		if (rc != 0) {
			cal_format_date(due_date, date);
			return dberr_set(e, rc, "plan %s, milestone %s: no working day within ten "
			                 "years of the due %s to count its working days from", p->id,
			                 m->id, date);
		}
		*out = tz_local_to_utc(ep->tz, day, p->notify_at);
		return 0;
	case PLAN_HOURS:
		*out = deadline + o->n * 3600;
		return 0;
	case PLAN_MINUTES:
		*out = deadline + o->n * 60;
		return 0;
	case PLAN_SECONDS:
		*out = deadline + o->n;
		return 0;
	}
	return dberr_set(e, DB_ESOFTWARE, "bad offset unit %d", (int)o->unit);
}

int64_t
schedule_hold(const struct engine_plan *ep, const char *kind, int64_t at)
{
	const struct plan *p = ep->plan;
	int32_t day, next;

	if (!plan_holds(p, kind))
		return at;
	tz_utc_to_local(ep->tz, at, &day, NULL, NULL);
	if (cal_is_workday(&p->calendar, day) || cal_add_workdays(&p->calendar, day, 1, &next) != 0)
		return at;
	/* the next working day's morning: notify_at, whenever on the held day it fell */
	return tz_local_to_utc(ep->tz, next, p->notify_at);
}

/* A reminder held off a non-working day to a morning at or after its deadline would never
 * be sent (review12a, P7: a deadline in the National Day week, every reminder in it, and the
 * county heard first of its overdue notice): it goes on the last working morning before
 * the deadline instead, when there is one after the task's schedule began (else as held,
 * and it is left out as any reminder past the deadline is). */
static int64_t
hold_reminder(const struct engine_plan *ep, int64_t at, int64_t deadline)
{
	const struct plan *p = ep->plan;
	int64_t held = schedule_hold(ep, "reminder", at), back;
	int32_t day, prev;

	if (held < deadline || at >= deadline)
		return held;
	/* a deadline at the end of a day is the next day's 00:00: its day is the one before */
	tz_utc_to_local(ep->tz, deadline - 1, &day, NULL, NULL);
	if (cal_add_workdays(&p->calendar, day, -1, &prev) != 0)
		return held;
	back = tz_local_to_utc(ep->tz, prev, p->notify_at);
	return back < deadline ? back : held;
}

/* Reminders never arrive out of order: one that would come at or after a reminder listed
 * after it (closer to the deadline) is left out. In October 2017 a table due 10-05 moves to
 * 10-09, its -1wd reminder to Saturday 09-30 (a worked day) and its -5d one to 10-04, in the
 * holiday: held, that one would come on 10-09 after the last-day reminder, so it goes. */
static void
drop_out_of_order(struct task_times *t)
{
	int64_t next = INT64_MAX;

	for (size_t i = t->nremind; i-- > 0;) {
		if (t->remind[i] >= next) {
			t->remind[i] = SCHEDULE_NONE;
			continue;
		}
		next = t->remind[i];
	}
}

int
schedule_times(const struct engine_plan *ep, const struct plan_milestone *m, int32_t due_date,
               int64_t deadline, struct task_times *out, struct dberr *e)
{
	struct task_times t;
	const struct plan_escalation *esc = NULL;
	int rc;

	memset(&t, 0, sizeof(t));
	t.deadline = deadline;
	if (m->nremind > sizeof(t.remind) / sizeof(t.remind[0]))
		return dberr_set(e, DB_EDATA, "milestone %s: more than 16 reminders", m->id);
	for (size_t i = 0; i < m->nremind; i++) {
		rc = offset_instant(ep, m, due_date, deadline, &m->remind[i], &t.remind[i], e);
		if (rc != 0)
			return rc;
		/* day offsets land at notify_at: those a plan holds move off non-working days */
		if (m->remind[i].unit == PLAN_DAYS || m->remind[i].unit == PLAN_WORKDAYS)
			t.remind[i] = hold_reminder(ep, t.remind[i], deadline);
	}
	t.nremind = m->nremind;
	drop_out_of_order(&t);
	if (m->escalate >= 0) {
		esc = &ep->plan->escalations[m->escalate];
		if (esc->nsteps > sizeof(t.escalate) / sizeof(t.escalate[0]))
			return dberr_set(e, DB_EDATA, "escalation %s: more than 16 steps", esc->id);
		for (size_t i = 0; i < esc->nsteps; i++) {
			rc = offset_instant(ep, m, due_date, deadline, &esc->steps[i].after,
			                    &t.escalate[i], e);
			if (rc != 0)
				return rc;
			if (esc->steps[i].after.unit == PLAN_DAYS ||
			    esc->steps[i].after.unit == PLAN_WORKDAYS)
				t.escalate[i] = schedule_hold(ep, esc->steps[i].kind, t.escalate[i]);
			/* an escalation acts on a lapsed task: never before the lapse itself */
			if (t.escalate[i] <= deadline)
				t.escalate[i] = deadline + 1;
		}
		t.nescalate = esc->nsteps;
	}
	*out = t;
	return 0;
}

static int
put_due(struct store_txn *txn, int64_t at, uint8_t kind, const struct store_task *task,
        size_t step, struct dberr *e)
{
	struct store_due d = {
		.at = at,
		.kind = kind,
		.task = task->key,
		.step = (uint8_t)step,
		.gen = task->gen,
		.planned = at,
	};

	return store_due_put(txn, &d, e);
}

int64_t
schedule_from(const struct store_task *task)
{
	const char *v = store_task_extra(task, "schedule_from");

	/* nothing is sent for a time before the task existed */
	return v && *v ? strtoll(v, NULL, 10) : task->created_at;
}

/* A reminder or escalation step whose instant came before the task's schedule began (it
 * was created, rescheduled or given back after it) is never sent: a notice dated before
 * the change that caused it would be news of the past. The deadline is always put, even
 * in the past: a lapse is never skipped (it is applied at once). */
int
schedule_task(struct store_txn *txn, const struct engine_plan *ep, const struct store_task *task,
              struct dberr *e)
{
	const struct plan *p = ep->plan;
	int mi = plan_milestone_index(p, task->milestone);
	const struct plan_milestone *m;
	const struct plan_lifecycle *lc;
	struct task_times t;
	int64_t from = schedule_from(task);
	const char *lf;
	int rc;

	if (mi < 0)
		return dberr_set(e, DB_ENOTFOUND, "task %s: milestone %s is not in plan %s",
		                 task->key, task->milestone, p->id);
	m = &p->milestones[mi];
	lc = &p->lifecycles[m->lifecycle];
	rc = schedule_times(ep, m, task->due_date, task->deadline, &t, e);
	if (rc != 0)
		return rc;
	/* a lapse a person's action made at once, after the deadline (a late return, a
	 * back-dated extension: sched_lapse sets ladder_from): the ladder's steps before it
	 * were never sent, so it counts from that lapse's day as a scheduled one counts from
	 * the due date; else an overdue report would never reach the county government
	 * (review10g G7) */
	if (t.nescalate > 0 && (lf = store_task_extra(task, "ladder_from")) != NULL && *lf) {
		struct task_times l;
		int64_t at = strtoll(lf, NULL, 10);
		int32_t day;

		tz_utc_to_local(ep->tz, at, &day, NULL, NULL);
		if ((rc = schedule_times(ep, m, day, at, &l, e)) != 0)
			return rc;
		memcpy(t.escalate, l.escalate, sizeof(t.escalate));
	}
	/* One rule for the deadline instant: a submission at or before it is on time
	 * (lifecycle.c), so the task lapses only after it, at the next second. */
	if (lc->deadline_to >= 0) {
		rc = put_due(txn, t.deadline + 1, STORE_DUE_DEADLINE, task, 0, e);
		if (rc != 0)
			return rc;
	}
	for (size_t i = 0; i < t.nremind; i++) {
		if (t.remind[i] == SCHEDULE_NONE || t.remind[i] < from)
			continue;
		rc = put_due(txn, t.remind[i], STORE_DUE_REMIND, task, i, e);
		if (rc != 0)
			return rc;
	}
	for (size_t i = 0; i < t.nescalate; i++) {
		if (t.escalate[i] < from)
			continue;
		rc = put_due(txn, t.escalate[i], STORE_DUE_ESCALATE, task, i, e);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int64_t
schedule_next_notify_at(const struct engine_plan *ep, int64_t t)
{
	int32_t day;
	int64_t at;

	tz_utc_to_local(ep->tz, t, &day, NULL, NULL);
	at = tz_local_to_utc(ep->tz, day, ep->plan->notify_at);
	if (at < t)
		at = tz_local_to_utc(ep->tz, day + 1, ep->plan->notify_at);
	return at;
}

/* A date-only due means "by the end of that day". */
int64_t
schedule_end_of_day(const struct engine_plan *ep, int32_t day)
{
	return tz_local_to_utc(ep->tz, day, 86399);
}
