/*
 * redate.c - a new plan version's dates reaching the tasks it keeps: a due moved in the
 * plan file, or a calendar that changed under it (a year's notice added, an amendment, a
 * regional day) moves the deadlines of the open tasks, with their reminders and
 * escalations, and records each move.
 *
 * What never moves: a task in a final state; a task a person extended (its date is a
 * decision, not the plan's arithmetic); a task whose deadline has already passed, and one
 * whose new deadline would already have passed (a lapse is never created or undone after
 * the fact by editing the plan). Those are counted and listed, so the preview says what
 * stays and why. A milestone, subject or period the new version no longer has is left
 * alone here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "engine/sched/sched.h"

struct redate_ctx {
	struct engine *en;
	struct store_txn *txn;
	const struct engine_plan *ep;
	bool write;
	struct redate_result *res;
	struct buf lines;
	size_t listed[3];     /* lines kept per kind: moved, kept_past, kept_extended */
	struct dberr *e;
};

static void
note(struct redate_ctx *c, int kind, const struct store_task *t, int32_t due, const char *why)
{
	char from[11], to[11];

	if (c->listed[kind] >= REDATE_LINES)
		return;
	c->listed[kind]++;
	cal_format_date(t->due_date, from);
	cal_format_date(due, to);
	buf_printf(&c->lines, "  %s  %s -> %s%s%s\n", t->key, from, to, why ? "  " : "",
	           why ? why : "");
	c->res->nlines++;
}

static int
move(struct redate_ctx *c, const struct store_task *t, int32_t due, int64_t deadline)
{
	struct store_task nt = *t;
	struct buf details = BUF_INIT;
	char from[11], to[11], fdl[40], tdl[40];
	int rc;

	cal_format_date(t->due_date, from);
	cal_format_date(due, to);
	tz_format_rfc3339(c->ep->tz, t->deadline, fdl);
	tz_format_rfc3339(c->ep->tz, deadline, tdl);
	/* the plan's date is the new one: the original due date moves with it (it is the
	 * date before any extension, and this task has none) */
	nt.due_date = nt.orig_due_date = due;
	nt.deadline = nt.orig_deadline = deadline;
	nt.plan_version = c->ep->version;
	nt.gen++;
	nt.updated_at = engine_now(c->en);
	if ((rc = store_task_put(c->txn, &nt, c->e)) != 0 ||
	    (rc = schedule_task(c->txn, c->ep, &nt, c->e)) != 0)
		return rc;
	buf_printf(&details, "{\"plan_version\":%u,\"calendar_sha256\":\"%s\",\"from_due\":\"%s\","
	           "\"to_due\":\"%s\",\"from_deadline\":\"%s\",\"to_deadline\":\"%s\"}",
	           (unsigned)c->ep->version, c->ep->plan->calendar_sha256, from, to, fdl, tdl);
	rc = engine_audit(c->en, c->txn, "task.redate", t->key, t->subject, t->state, t->state,
	                  buf_str(&details), c->e);
	buf_release(&details);
	return rc;
}

static int
task_cb(const struct store_task *t, void *arg)
{
	struct redate_ctx *c = arg;
	const struct plan *p = c->ep->plan;
	const struct plan_lifecycle *lc;
	int mi = plan_milestone_index(p, t->milestone), st, rc;
	int64_t now = engine_now(c->en), deadline;
	int32_t due;

	if (mi < 0)
		return 0;
	lc = &p->lifecycles[p->milestones[mi].lifecycle];
	st = plan_lifecycle_state(lc, t->state);
	if (st < 0 || lc->final[st])
		return 0;
	rc = expand_task_due(c->en, c->txn, c->ep, t, &due, &deadline, c->e);
	if (rc == DB_ENOTFOUND) {
		dberr_clear(c->e);
		return 0;
	}
	if (rc != 0)
		return rc;
	if (due == t->due_date && deadline == t->deadline)
		return 0;
	if (t->flags & STORE_TASK_EXTENDED) {
		c->res->kept_extended++;
		note(c, 2, t, due, "kept: extended by hand");
		return 0;
	}
	if (t->deadline <= now || deadline <= now) {
		c->res->kept_past++;
		note(c, 1, t, due, t->deadline <= now ? "kept: its deadline has passed"
		                                      : "kept: the new deadline has passed");
		return 0;
	}
	c->res->moved++;
	note(c, 0, t, due, NULL);
	return c->write ? move(c, t, due, deadline) : 0;
}

int
redate_plan_tasks(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                  bool write, struct redate_result *res, struct dberr *e)
{
	struct redate_ctx c = {en, txn, ep, write, res, BUF_INIT, {0, 0, 0}, e};
	char *prefix = xasprintf("%s/", ep->plan->id);
	int rc;

	redate_result_release(res);
	rc = store_task_each(txn, prefix, task_cb, &c, e);
	free(prefix);
	res->lines = buf_detach(&c.lines);
	return rc;
}

void
redate_result_release(struct redate_result *r)
{
	free(r->lines);
	memset(r, 0, sizeof(*r));
}
