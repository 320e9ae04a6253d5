/*
 * expand.c - milestones x subjects x periods become tasks, each with its due entries.
 *
 * Expansion is eager over the plan's horizon: every period of every series is a task in
 * the store from the moment its plan is loaded or its subject imported (docs/ARCHITECTURE.md
 * gives the cost per enterprise and why). It is idempotent: a task whose key exists is left
 * alone, so loading or importing twice creates nothing new, and a subject imported later
 * gets exactly its own tasks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "engine/sched/sched_int.h"

/* One occurrence of a milestone for one subject. */
struct occ {
	char period[24];
	int32_t due_date;
	int64_t deadline;
};

struct occs {
	struct occ *v;
	size_t n, cap;
};

struct xctx {
	struct engine *en;
	struct store_txn *txn;
	const struct engine_plan *ep;
	struct sched_changes *ch;
	struct dberr *e;
	bool plan_load; /* a plan (version) loaded, not a subject imported: why tasks are late */
	int64_t first_loaded; /* clock time the plan's first version was loaded, or 0 */
	struct sched_starts starts; /* late arrivals' start notices, of the plan expanded (ep) */
};

static int occurrences(struct xctx *x, const struct plan_milestone *m,
                       const struct store_subject *s, struct occs *out);

static void
occs_add(struct occs *o, const char *period, int32_t due, int64_t deadline)
{
	o->v = xgrow(o->v, &o->cap, o->n + 1, sizeof(*o->v));
	snprintf(o->v[o->n].period, sizeof(o->v[o->n].period), "%s", period);
	o->v[o->n].due_date = due;
	o->v[o->n].deadline = deadline;
	o->n++;
}

static bool
subject_matches(const struct plan_milestone *m, const struct store_subject *s)
{
	return engine_where_matches(m->where, m->nwhere, s);
}

/* The plan's `registry: {where}` (engine_plan_takes): is s one of the plan's subjects? A
 * retired subject is no one's (retire). */
static bool
plan_covers(struct xctx *x, const struct store_subject *s)
{
	if (store_subject_field(s, SCHED_RETIRED) != NULL)
		return false;
	return engine_plan_takes(x->ep, x->txn, s);
}

bool
sched_plan_covers(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                  const struct store_subject *s)
{
	struct xctx x = {en, txn, ep, NULL, NULL, false, 0, {NULL, 0, 0}};

	return plan_covers(&x, s);
}

const char *
sched_subject_misfit(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                     const struct plan_milestone *m, const struct store_subject *s)
{
	struct xctx x = {en, txn, ep, NULL, NULL, false, 0, {NULL, 0, 0}};

	if (store_subject_field(s, SCHED_RETIRED) != NULL)
		return "retired";
	if (!subject_matches(m, s))
		return "where";
	if (!plan_covers(&x, s))
		return "registry";
	return NULL;
}

static enum store_subject_kind
subject_kind(const struct plan_milestone *m)
{
	return m->for_ == PLAN_FOR_ENTERPRISE ? STORE_ENTERPRISE : STORE_JURISDICTION;
}

/* day after the plan's due_on_holiday. `check` refuses a calendar without a working day
 * for more than a year, so this fails only on dates a plan cannot name (a registry's);
 * the message says which due. */
static int
shifted(struct xctx *x, const struct plan_milestone *m, int32_t day, int32_t *out)
{
	int rc = cal_shift_due(&x->ep->plan->calendar, day, out);
	char date[11];

	if (rc != 0) {
		cal_format_date(day, date);
		return dberr_set(x->e, rc, "plan %s, milestone %s: no working day within ten "
		                 "years of the due %s to move it to", x->ep->plan->id, m->id, date);
	}
	return 0;
}

/* When the task of milestone t for subject (a subject's id, or the owner role's for `for:
 * once`) and period came into being: its record's creation time, found under its key or
 * the key its renamed milestone kept; or now, when it is not made yet (it is made in this
 * expansion, before the milestones that follow it, or only previewed). A recorded fact
 * (when the plan or version that gave it was loaded, when its subject joined), never the
 * time of the load or advance that asks. */
static int64_t
arrived_at(struct xctx *x, const struct plan_milestone *t, const char *subject,
           const char *period)
{
	char *key = xasprintf("%s/%s/%s/%s", x->ep->plan->id, t->id, subject, period);
	char *alias = xasprintf(SCHED_ALIAS_PREFIX "%s", key), *real = NULL;
	int64_t at = engine_now(x->en);
	struct store_task task;
	struct dberr ignored;

	dberr_clear(&ignored);
	if (store_meta_get(x->txn, alias, &real, &ignored) == 0) {
		free(key);
		key = real;
	}
	dberr_clear(&ignored);
	if (store_task_get(x->txn, key, &task, &ignored) == 0) {
		at = task.created_at;
		store_task_release(&task);
	}
	free(alias);
	free(key);
	return at;
}

/* The occurrences of milestone t for subject s (NULL: `for: once`) as an `after` due
 * counts from them: each at the date its tasks are owed under the fair-start rule, not
 * only the plan's. A task of t that came into being too late to be met gets the grace
 * period from its arrival (create_task); a milestone due `after` it counts from the end
 * of that grace, not from a date nobody owed it by (review 10e, M-B: a plan loaded on
 * 05-20 gives the counties' reports, due 05-10, until 06-05; the summary of them, 10wd
 * after, is due 06-19, not 05-24). A period not applicable to its subject (its deadline
 * passed before it existed) and a grace ending before the plan's date leave the plan's
 * date. Extensions and correction periods are decisions about single tasks: they do not
 * move the milestones that follow (docs/plan-format.md, "after"). */
static int
owed_occurrences(struct xctx *x, const struct plan_milestone *t, const struct store_subject *s,
                 struct occs *out)
{
	const char *subject = s ? s->id : x->ep->plan->roles[t->owner].id;
	size_t first = out->n;
	int rc = occurrences(x, t, s, out);

	for (size_t i = first; rc == 0 && i < out->n; i++) {
		struct occ *o = &out->v[i];
		int64_t at = arrived_at(x, t, subject, o->period), deadline;
		int32_t day;
		bool late;

		rc = sched_too_late(x->ep, t, o->due_date, o->deadline, at, &late, x->e);
		if (rc != 0 || !late || (t->due.kind == PLAN_DUE_EVERY && o->deadline < at))
			continue;
		rc = sched_period_end(x->ep, at, &t->grace, &day, &deadline, x->e);
		if (rc == 0 && deadline > o->deadline) {
			o->due_date = day;
			o->deadline = deadline;
		}
	}
	return rc;
}

struct max_ctx {
	struct xctx *x;
	const struct plan_milestone *target;
	const char *jurisdiction; /* only enterprises of this jurisdiction, or NULL */
	int32_t max;
	int rc;
};

static int
max_cb(const struct store_subject *s, void *arg)
{
	struct max_ctx *c = arg;
	struct occs o = {0};
	const char *j;
	int rc;

	if (c->jurisdiction != NULL) {
		j = store_subject_field(s, "jurisdiction");
		if (j == NULL || strcmp(j, c->jurisdiction) != 0)
			return 0;
	}
	rc = owed_occurrences(c->x, c->target, s, &o);
	for (size_t i = 0; rc == 0 && i < o.n; i++)
		if (o.v[i].due_date > c->max)
			c->max = o.v[i].due_date;
	free(o.v);
	return rc;
}

/* The latest due of target over its subjects (all, or one jurisdiction's enterprises). */
static int
latest_due(struct xctx *x, const struct plan_milestone *target, const char *jurisdiction,
           struct occs *base)
{
	struct max_ctx c = {x, target, jurisdiction, CAL_NO_DAY, 0};
	int rc;

	rc = store_subject_each(x->txn, subject_kind(target), max_cb, &c, x->e);
	if (rc != 0)
		return rc;
	if (c.max != CAL_NO_DAY)
		occs_add(base, "once", c.max, schedule_end_of_day(x->ep, c.max));
	return 0;
}

/* The occurrences of the milestone an `after` due follows, seen from subject s. */
static int
after_base(struct xctx *x, const struct plan_milestone *m, const struct store_subject *s,
           struct occs *base)
{
	const struct plan_milestone *t = &x->ep->plan->milestones[m->due.after];
	struct store_subject js;
	const char *j;
	int rc;

	if (t->for_ == PLAN_FOR_ONCE)
		return owed_occurrences(x, t, NULL, base);
	if (m->for_ == PLAN_FOR_ONCE)
		return latest_due(x, t, NULL, base);
	if (t->for_ == m->for_)
		return owed_occurrences(x, t, s, base);
	if (t->for_ == PLAN_FOR_JURISDICTION) {
		/* an enterprise's milestone after its jurisdiction's */
		j = store_subject_field(s, "jurisdiction");
		if (j == NULL)
			return 0;
		rc = store_subject_get(x->txn, STORE_JURISDICTION, j, &js, x->e);
		if (rc == DB_ENOTFOUND) {
			dberr_clear(x->e);
			return 0;
		}
		if (rc != 0)
			return rc;
		rc = owed_occurrences(x, t, &js, base);
		store_subject_release(&js);
		return rc;
	}
	/* a jurisdiction's milestone after all of its enterprises' */
	return latest_due(x, t, s->id, base);
}

static int
occurrences(struct xctx *x, const struct plan_milestone *m, const struct store_subject *s,
            struct occs *out)
{
	const struct plan_due *d = &m->due;
	const char *v;
	char period[24];
	int32_t day, due;
	int rc;

	if (s != NULL && (!subject_matches(m, s) || !plan_covers(x, s)))
		return 0;
	switch (d->kind) {
	case PLAN_DUE_DATE:
		if ((rc = shifted(x, m, d->date, &due)) != 0)
			return rc;
		occs_add(out, "once", due, schedule_end_of_day(x->ep, due));
		return 0;
	case PLAN_DUE_DATETIME:
		/* an explicit instant is kept as written, holiday or not */
		occs_add(out, "once", d->date, tz_local_to_utc(x->ep->tz, d->date, d->sec_of_day));
		return 0;
	case PLAN_DUE_EVERY:
		for (size_t i = 0; cal_recur_at(&d->recur, i, period, &day) == 1; i++) {
			if ((rc = shifted(x, m, day, &due)) != 0)
				return rc;
			occs_add(out, period, due, schedule_end_of_day(x->ep, due));
		}
		return 0;
	case PLAN_DUE_FIELD:
		v = s ? store_subject_field(s, d->field) : NULL;
		if (v == NULL || cal_parse_date(v, &day) != 0)
			return 0; /* subjects without the date get no task */
		if ((rc = shifted(x, m, day, &due)) != 0)
			return rc;
		occs_add(out, "once", due, schedule_end_of_day(x->ep, due));
		return 0;
	case PLAN_DUE_AFTER: {
		struct occs base = {0};

		rc = after_base(x, m, s, &base);
		for (size_t i = 0; rc == 0 && i < base.n; i++) {
			if (d->plus.unit == PLAN_WORKDAYS &&
			    (rc = cal_add_workdays(&x->ep->plan->calendar, base.v[i].due_date,
			                           (int)d->plus.n, &day)) != 0) {
				char date[11];

				cal_format_date(base.v[i].due_date, date);
				rc = dberr_set(x->e, rc, "plan %s, milestone %s: no working day within "
				               "ten years of %s to count its working days from",
				               x->ep->plan->id, m->id, date);
			} else if (d->plus.unit != PLAN_WORKDAYS)
				day = base.v[i].due_date + (int32_t)d->plus.n;
			if (rc == 0)
				rc = shifted(x, m, day, &due);
			if (rc == 0)
				occs_add(out, base.v[i].period, due, schedule_end_of_day(x->ep, due));
		}
		free(base.v);
		if (rc != 0)
			return dberr_set(x->e, rc, "milestone %s: cannot compute its due date", m->id);
		return 0;
	}
	}
	return dberr_set(x->e, DB_ESOFTWARE, "bad due kind %d", (int)d->kind);
}

/* A task of (m, subject, period) exists under its key, or under the key it had before its
 * milestone was renamed (an alias, reconcile.c). */
static bool
task_known(struct xctx *x, const char *key)
{
	char *alias, *old = NULL;
	struct dberr ignored;
	bool known;

	if (store_task_exists(x->txn, key))
		return true;
	alias = xasprintf(SCHED_ALIAS_PREFIX "%s", key);
	dberr_clear(&ignored);
	known = store_meta_get(x->txn, alias, &old, &ignored) == 0;
	free(old);
	free(alias);
	return known;
}

/* When the grace period before a task's due date begins: the end of the day `grace`
 * (calendar or working) days before its shifted due date, so that a task made by then has
 * as long as a late arrival made that day would get. With `grace: 0d` that is the end of
 * the due day: nothing made before its deadline is late. */
static int
grace_before(const struct engine_plan *ep, const struct plan_milestone *m, int32_t due_date,
             int64_t *at, struct dberr *e)
{
	const struct plan *p = ep->plan;
	int32_t day = due_date - (int32_t)m->grace.n;
	char date[11];

	if (m->grace.unit == PLAN_WORKDAYS && m->grace.n > 0 &&
	    cal_add_workdays(&p->calendar, due_date, -(int)m->grace.n, &day) != 0) {
		cal_format_date(due_date, date);
		return dberr_set(e, DB_EDATA, "plan %s, milestone %s: no working day within ten "
		                 "years of the due %s to count its grace from", p->id, m->id, date);
	}
	*at = schedule_end_of_day(ep, day);
	return 0;
}

/* A task that comes into being too late to be met (docs/plan-format.md, "Fair start"):
 * after its deadline, or after the time of its last reminder, when none of the notices
 * its plan promises would reach its owner before the lapse. Its subject imported, its
 * plan or milestone loaded, late. A milestone without reminders promises its owners the
 * grace period instead: its tasks are late when made after the grace period before their
 * due date began, so none lapses within hours of being made. */
int
sched_too_late(const struct engine_plan *ep, const struct plan_milestone *m, int32_t due_date,
               int64_t deadline, int64_t now, bool *late, struct dberr *e)
{
	int64_t cutoff = 0;
	struct task_times tt;
	int rc;

	*late = deadline < now;
	if (*late)
		return 0;
	if (m->nremind == 0) {
		if ((rc = grace_before(ep, m, due_date, &cutoff, e)) != 0)
			return rc;
		*late = now > cutoff;
		return 0;
	}
	if ((rc = schedule_times(ep, m, due_date, deadline, &tt, e)) != 0)
		return rc;
	cutoff = tt.remind[0];
	for (size_t i = 1; i < tt.nremind; i++)
		if (tt.remind[i] > cutoff)
			cutoff = tt.remind[i];
	*late = tt.nremind > 0 && now > cutoff;
	return 0;
}

static int
arrives_late(struct xctx *x, const struct plan_milestone *m, const struct occ *o,
             bool *late)
{
	return sched_too_late(x->ep, m, o->due_date, o->deadline, engine_now(x->en), late, x->e);
}

/* A late task: a period of a recurring series whose deadline passed before the task
 * existed is not applicable; any other gets the milestone's grace period from today, or
 * keeps its own deadline when that is later (*kept), and its owner a start notice saying
 * which. */
static int
late_arrival(struct xctx *x, const struct plan_milestone *m, struct store_task *t,
             const struct occ *o, bool *na, bool *kept)
{
	int32_t day;
	int64_t deadline;
	char due[16];
	int rc;

	*kept = false;
	*na = m->due.kind == PLAN_DUE_EVERY && o->deadline < engine_now(x->en);
	if (*na) {
		t->state = PLAN_STATE_NOT_APPLICABLE;
		return 0;
	}
	rc = sched_period_end(x->ep, engine_now(x->en), &m->grace, &day, &deadline, x->e);
	if (rc != 0)
		return rc;
	*kept = deadline <= t->deadline;
	if (*kept)
		return 0;
	t->due_date = day;
	t->deadline = deadline;
	cal_format_date(o->due_date, due);
	store_task_set_extra(t, "grace_from", due);
	return 0;
}

static int
create_task(struct xctx *x, const struct plan_milestone *m, const char *subject,
            const char *jurisdiction, const struct occ *o)
{
	const struct plan *p = x->ep->plan;
	const struct plan_lifecycle *lc = &p->lifecycles[m->lifecycle];
	struct store_task t = {0};
	struct buf details = BUF_INIT;
	struct owner_notice start = {0};
	char due[16], *key;
	bool late = false, na = false, kept = false;
	int rc;

	key = xasprintf("%s/%s/%s/%s", p->id, m->id, subject, o->period);
	if (task_known(x, key)) {
		free(key);
		return 0;
	}
	if ((rc = arrives_late(x, m, o, &late)) != 0) {
		free(key);
		return rc;
	}
	t.key = key;
	t.plan = p->id;
	t.milestone = m->id;
	t.subject = (char *)subject;
	t.jurisdiction = (char *)(jurisdiction ? jurisdiction : "");
	t.period = (char *)o->period;
	t.plan_version = x->ep->version;
	t.state = lc->states[lc->initial];
	t.due_date = t.orig_due_date = o->due_date;
	t.deadline = t.orig_deadline = o->deadline;
	t.gen = 1;
	t.created_at = t.updated_at = engine_now(x->en);
	if (late && (rc = late_arrival(x, m, &t, o, &na, &kept)) != 0)
		goto out;
	if ((rc = store_task_put(x->txn, &t, x->e)) != 0)
		goto out;
	if (!na && (rc = schedule_task(x->txn, x->ep, &t, x->e)) != 0)
		goto out;
	cal_format_date(o->due_date, due);
	buf_printf(&details, "{\"plan_version\":%u,\"due_date\":\"%s\",\"deadline\":%lld",
	           (unsigned)x->ep->version, due, (long long)o->deadline);
	if (late && na)
		buf_puts(&details, ",\"not_applicable\":\"its deadline passed before it existed\"");
	else if (late)
		buf_printf(&details, ",\"%s\":\"%s\",\"late\":\"%s\"",
		           kept ? "deadline_kept" : "grace_until",
		           (cal_format_date(t.due_date, due), due),
		           o->deadline < engine_now(x->en) ? "its deadline passed before it existed"
		           : m->nremind > 0 ? "created after its last reminder's time"
		                            : "created after its grace period before the due began");
	buf_putc(&details, '}');
	rc = engine_audit(x->en, x->txn, "task.create", t.key, subject, "", t.state,
	                  buf_str(&details), x->e);
	if (rc == 0 && late && !na) {
		start.kind = "start";
		start.keypart = "g1";
		start.previous = o->deadline;
		start.previous_passed = o->deadline < engine_now(x->en);
		start.deadline_kept = kept;
		start.plan_late = x->plan_load;
		/* a subject imported after the plan, but the plan itself came too late for this
		 * task (a first deployment: load, then import, after the first dues): the matter,
		 * not the unit, came late (review 10d, m-2) */
		if (!start.plan_late && x->first_loaded != 0)
			rc = sched_too_late(x->ep, m, o->due_date, o->deadline, x->first_loaded,
			                    &start.plan_late, x->e);
		if (rc == 0) {
			const struct plan_role *role = &p->roles[m->owner];
			char *owner = xasprintf("%s\t%s", role->id,
			                        role->per == PLAN_PER_JURISDICTION ? t.jurisdiction
			                        : role->per == PLAN_PER_ENTERPRISE ? t.subject : "");

			sched_starts_add(&x->starts, owner, t.key, "g1", &start);
			free(owner);
		}
	}
	if (rc == 0)
		sched_changes_note(x->ch, na ? SCHED_NOT_APPLICABLE : late ? SCHED_GRACE : SCHED_ADDED,
		             t.key, due);
out:
	if (t.extra)
		store_kv_free(t.extra, t.nextra);
	buf_release(&details);
	free(key);
	return rc;
}

struct subj_ctx {
	struct xctx *x;
	const struct plan_milestone *m;
};

static int
subject_cb(const struct store_subject *s, void *arg)
{
	struct subj_ctx *c = arg;
	struct occs o = {0};
	const char *j;
	int rc;

	j = s->kind == STORE_JURISDICTION ? s->id : store_subject_field(s, "jurisdiction");
	rc = occurrences(c->x, c->m, s, &o);
	for (size_t i = 0; rc == 0 && i < o.n; i++)
		rc = create_task(c->x, c->m, s->id, j, &o.v[i]);
	free(o.v);
	return rc;
}

static int
expand_milestone(struct xctx *x, const struct plan_milestone *m)
{
	struct subj_ctx c = {x, m};
	struct occs o = {0};
	int rc;

	if (m->for_ != PLAN_FOR_ONCE)
		return store_subject_each(x->txn, subject_kind(m), subject_cb, &c, x->e);
	rc = occurrences(x, m, NULL, &o);
	for (size_t i = 0; rc == 0 && i < o.n; i++)
		rc = create_task(x, m, x->ep->plan->roles[m->owner].id, "", &o.v[i]);
	free(o.v);
	return rc;
}

int
expand_all(struct engine *en, struct store_txn *txn, const char *plan_id,
           struct sched_changes *ch, struct dberr *e)
{
	/* a load names its plan; an import (a subject arrived) expands every plan */
	struct xctx x = {en, txn, NULL, ch, e, plan_id != NULL, 0, {NULL, 0, 0}};
	int rc = 0;

	for (size_t i = 0; i < engine_nplans(en); i++) {
		struct store_plan first;
		struct dberr ignored;

		x.ep = engine_plan_at(en, i);
		if (plan_id != NULL && strcmp(plan_id, x.ep->plan->id) != 0)
			continue;
		x.first_loaded = 0;
		dberr_clear(&ignored);
		if (store_plan_get(txn, x.ep->plan->id, 1, &first, &ignored) == 0) {
			x.first_loaded = first.loaded_at;
			store_plan_release(&first);
		}
		for (size_t k = 0; rc == 0 && k < x.ep->plan->nmilestones; k++)
			rc = expand_milestone(&x, &x.ep->plan->milestones[x.ep->plan->order[k]]);
		if (rc == 0)
			rc = sched_starts_tell(en, txn, x.ep, &x.starts, e);
		sched_starts_release(&x.starts); /* what a failed expansion held: nobody is told */
		if (rc == 0 && x.ep->plan->dispatch.day > 0)
			rc = dispatch_schedule(en, txn, x.ep, e);
		if (rc != 0)
			break;
	}
	free(x.starts.v);
	return rc;
}

int
expand_task_due(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                const struct store_task *t, int32_t *due, int64_t *deadline, struct dberr *e)
{
	struct xctx x = {en, txn, ep, 0, e, false, 0, {NULL, 0, 0}};
	struct store_subject s, *sp = NULL;
	struct occs o = {0};
	int mi = plan_milestone_index(ep->plan, t->milestone), rc;
	const struct plan_milestone *m;

	if (mi < 0)
		return DB_ENOTFOUND;
	m = &ep->plan->milestones[mi];
	if (m->for_ != PLAN_FOR_ONCE) {
		rc = store_subject_get(txn, subject_kind(m), t->subject, &s, e);
		if (rc == DB_ENOTFOUND)
			dberr_clear(e);
		if (rc != 0)
			return rc;
		sp = &s;
	}
	rc = occurrences(&x, m, sp, &o);
	if (rc == 0) {
		rc = DB_ENOTFOUND;
		for (size_t i = 0; i < o.n; i++)
			if (strcmp(o.v[i].period, t->period) == 0) {
				*due = o.v[i].due_date;
				*deadline = o.v[i].deadline;
				rc = 0;
				break;
			}
	}
	free(o.v);
	if (sp)
		store_subject_release(sp);
	return rc;
}
