/*
 * sched.c - applying due entries: the heart of the scheduler.
 *
 * The due index in the store is the timer queue. Applying takes the earliest entries up to
 * a time, in key order (time, kind, task key: the documented deterministic order), and for
 * each one changes the task's state, queues its notice and writes its audit record, all in
 * the transaction that deletes the entry. Many entries share one transaction, so one
 * durable commit carries a batch: that is what makes 100k deadlines in one second possible.
 *
 * Entries are never searched for and removed when a task changes: each carries the task's
 * schedule generation, and an entry of an older generation (the task was extended) or for a
 * state that no longer needs it (the task was submitted) is dropped when it comes due.
 *
 * Catch-up (real clock, after downtime): an entry planned before the daemon started, or
 * applied more than SCHED_LATE seconds after its time, is late. A late reminder goes out only if the task's deadline has not passed and
 * no later reminder of the same task is also due: one reminder, never a burst. Deadlines
 * and escalation steps are all applied, in order, each recording both times.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "engine/sched/sched_int.h"

#define SCHED_LATE 60
/* A kept entry (its plan or milestone is not in this engine) is looked at again after
 * twice as long as it has waited so far, from SCHED_KEEP_MIN; on the real clock never more
 * than SCHED_KEEP_MAX later, so a daemon whose good reload brings the plan back applies it
 * within minutes. */
#define SCHED_KEEP_MIN 60
#define SCHED_KEEP_MAX 300

/* Late: planned before this daemon started (missed while it was down), or applied more
 * than SCHED_LATE seconds after its time. A virtual clock is never late. */
static bool
is_late(const struct engine *en, const struct store_due *d)
{
	int64_t started = engine_started(en);

	if (engine_clock_mode(en) == STORE_CLOCK_VIRTUAL)
		return false;
	return (started > 0 && d->planned < started) || engine_now(en) > d->planned + SCHED_LATE;
}

static const char *due_kind_name(uint8_t kind);

struct apply_ctx {
	struct engine *en;
	struct store_txn *txn;
	bool follow_clock;
	size_t applied;
	int64_t last_at;
	struct dberr *e;
	bool split;          /* end a batch when the clock would pass deliverable notices */
	size_t batch_start;  /* applied before this transaction */
	int64_t budget_ms;   /* a slice's bound on work per transaction (0: none) */
	int64_t stop_ms;     /* engine_monotonic_ms at which this transaction ends */
};

static void
report(struct engine *en, const struct engine_plan *ep, const struct store_due *d,
       const char *kind, const char *subject, const char *recipients)
{
	struct engine_action a = {
		.at = engine_now(en),
		.planned = d->planned,
		.kind = kind,
		.task = d->task,
		.subject = subject,
		.recipients = recipients ? recipients : "",
		.plan = ep,
	};

	engine_action(en, &a);
}

static void
times_json(struct buf *b, const struct engine_plan *ep, int64_t planned, int64_t applied)
{
	char p[40], a[40];

	tz_format_rfc3339(ep->tz, planned, p);
	tz_format_rfc3339(ep->tz, applied, a);
	buf_printf(b, "\"planned\":\"%s\",\"applied\":\"%s\"", p, a);
}

int
sched_lapse(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
            const struct plan_lifecycle *lc, struct store_task *t, int64_t planned,
            int64_t counted, struct dberr *e)
{
	int st = plan_lifecycle_state(lc, t->state);
	struct buf details = BUF_INIT;
	char *from, dl[24];
	int rc;

	if (st < 0 || !lc->deadline_from[st])
		return 0; /* submitted (or otherwise out of the deadline's reach) in time */
	from = t->state;
	t->state = lc->states[lc->deadline_to];
	t->flags |= STORE_TASK_LAPSED;
	/* a new lapse has a ladder of its own: none of its steps was sent yet */
	if (store_task_extra(t, SCHED_LADDER_SENT) != NULL)
		store_task_set_extra(t, SCHED_LADDER_SENT, "");
	t->updated_at = engine_now(en);
	/* the deadline that lapsed: an extension or a new date may move the task's own later,
	 * and a hand-in received by this one still voids this lapse (lapsed_deadline()) */
	snprintf(dl, sizeof(dl), "%lld", (long long)t->deadline);
	store_task_set_extra(t, "lapsed_deadline", dl);
	rc = store_task_put(txn, t, e);
	if (rc == 0) {
		buf_putc(&details, '{');
		times_json(&details, ep, planned, engine_now(en));
		buf_putc(&details, '}');
		rc = engine_audit(en, txn, "task.lapse", t->key, t->subject, from, t->state,
		                  buf_str(&details), e);
	}
	if (rc == 0)
		rc = conduct_note(en, txn, ep, t, counted, "lapse", e);
	/* made at once after a schedule that began past the deadline (a person's action):
	 * its escalation ladder counts from now (schedule_task, ladder_from) */
	if (rc == 0 && schedule_from(t) > t->deadline) {
		char at[24];

		snprintf(at, sizeof(at), "%lld", (long long)engine_now(en));
		store_task_set_extra(t, "ladder_from", at);
		/* a new generation: the steps the schedule just put from the old deadline (those
		 * after its start, e.g. a 5d step still ahead of a return between the steps) go
		 * stale, else they would fire before the ladder from the lapse (review10h K2) */
		t->gen++;
		if ((rc = store_task_put(txn, t, e)) == 0)
			rc = schedule_task(txn, ep, t, e);
	}
	t->state = from; /* t's strings stay owned by the record copy */
	buf_release(&details);
	return rc;
}

static int
apply_deadline(struct apply_ctx *c, const struct engine_plan *ep,
               const struct plan_lifecycle *lc, struct store_task *t, const struct store_due *d)
{
	int st = plan_lifecycle_state(lc, t->state);
	int rc;

	if (st < 0 || !lc->deadline_from[st])
		return 0;
	/* counted when it happened, at the deadline, however late the entry is applied (a
	 * daemon that was down): the rule's window and evaluation are as if it had run */
	rc = sched_lapse(c->en, c->txn, ep, lc, t, d->planned, d->planned, c->e);
	if (rc == 0)
		report(c->en, ep, d, "deadline", t->subject, "");
	return rc;
}

/* A late reminder is superseded by a later one that is also due, and pointless once the
 * deadline has passed. */
static bool
reminder_superseded(struct apply_ctx *c, const struct engine_plan *ep,
                    const struct plan_milestone *m, const struct store_task *t, size_t step)
{
	struct task_times tt;
	struct dberr ignored;

	if (engine_now(c->en) > t->deadline)
		return true;
	dberr_clear(&ignored);
	if (schedule_times(ep, m, t->due_date, t->deadline, &tt, &ignored) != 0)
		return false;
	for (size_t j = step + 1; j < tt.nremind; j++)
		if (tt.remind[j] != SCHEDULE_NONE && tt.remind[j] <= engine_now(c->en))
			return true;
	return false;
}

/* The steps of the task's escalation ladder sent for its current lapse, one bit per step
 * (a ladder has at most 16): a lapse has one ladder, however often its schedule is
 * replaced (docs/plan-format.md, "escalations"). */
static uint32_t
ladder_sent(const struct store_task *t)
{
	const char *v = store_task_extra(t, SCHED_LADDER_SENT);

	return v && *v ? (uint32_t)strtoul(v, NULL, 10) : 0;
}

static int
apply_notice(struct apply_ctx *c, const struct engine_plan *ep, const struct plan_milestone *m,
             const struct plan_lifecycle *lc, struct store_task *t, const struct store_due *d)
{
	const struct plan_escalation_step *step = NULL;
	static const struct plan_target owner = {PLAN_TARGET_OWNER, -1};
	struct notice_req r = {0};
	struct task_forms forms = {0};
	char key[1024], stepno[16];
	struct notice_var vars[2];
	size_t nvars = 1;
	int st = plan_lifecycle_state(lc, t->state), rc;

	if (d->kind == STORE_DUE_REMIND) {
		if (st < 0 || !lc->deadline_from[st] || d->step >= m->nremind)
			return 0;
		if (is_late(c->en, d) && reminder_superseded(c, ep, m, t, d->step))
			return 0;
		r.kind = "reminder";
		r.fallback = "reminder";
		r.targets = &owner;
		r.ntargets = 1;
		/* a reminder of a table to hand in carries the blank table (附件) */
		if ((rc = task_forms_add(c->en, c->txn, ep, t, &forms, c->e)) != 0)
			return rc;
		if (forms.n > 0) {
			task_forms_attach(&forms, &r);
			vars[nvars++] = (struct notice_var){"attachment_name", forms.f[0].title};
		}
	} else {
		if (st < 0 || st != lc->deadline_to || m->escalate < 0 ||
		    d->step >= ep->plan->escalations[m->escalate].nsteps)
			return 0;
		/* sent for this lapse already, under a schedule since replaced (a back-dated
		 * extension of the lapsed task, a version that retimed the step): a county
		 * government told twice of one failing reads two (review10j R1) */
		if (ladder_sent(t) & (UINT32_C(1) << d->step))
			return 0;
		step = &ep->plan->escalations[m->escalate].steps[d->step];
		r.kind = step->kind;
		r.fallback = d->step == 0 ? "overdue" : "notice";
		r.targets = step->notify;
		r.ntargets = step->nnotify;
	}
	snprintf(stepno, sizeof(stepno), "%u", (unsigned)d->step + 1);
	vars[0].name = "escalation_step";
	vars[0].value = stepno;
	/* an extended task's schedule is a new one: its notices get new keys */
	if (t->gen > 1)
		snprintf(key, sizeof(key), "%s#%s#%u#g%u", t->key, r.kind, (unsigned)d->step,
		         (unsigned)t->gen);
	else
		snprintf(key, sizeof(key), "%s#%s#%u", t->key, r.kind, (unsigned)d->step);
	r.late = is_late(c->en, d);
	r.ep = ep;
	r.key = key;
	r.task = t;
	r.subject = t->subject;
	r.scheduled = d->planned;
	r.vars = vars;
	r.nvars = nvars;
	rc = notice_queue(c->en, c->txn, &r, c->e);
	task_forms_release(&forms);
	if (rc == 0 && step != NULL) {
		char sent[16];

		snprintf(sent, sizeof(sent), "%lu",
		         (unsigned long)(ladder_sent(t) | (UINT32_C(1) << d->step)));
		store_task_set_extra(t, SCHED_LADDER_SENT, sent);
		rc = store_task_put(c->txn, t, c->e);
	}
	/* the ladder's last step reached with the task still undone: 督办后仍未办结, what a rule
	 * with of: [escalation] counts */
	if (rc == 0 && step != NULL && d->step + 1u == ep->plan->escalations[m->escalate].nsteps)
		rc = conduct_note(c->en, c->txn, ep, t, d->planned, "escalation", c->e);
	return rc;
}

static int
move_entry(struct apply_ctx *c, const struct store_due *d, int64_t at, int64_t planned)
{
	struct store_due k = *d;

	k.at = at;
	k.planned = planned;
	return store_due_put(c->txn, &k, c->e);
}

/*
 * A task whose plan or milestone this engine does not have: a reload failed and this
 * process runs on older plans, or a new version of the plan left the milestone out. The
 * entry is the only thing that will ever lapse or remind the task, so it is kept (moved
 * later, its planned time unchanged) and never dropped: once the plan is back it is
 * applied, late, with both times on record. Logged once per entry.
 */
static int
keep_entry(struct apply_ctx *c, const struct store_due *d, const char *missing,
           const struct store_task *t)
{
	int64_t now = engine_now(c->en), wait = now - d->planned;

	if (wait < SCHED_KEEP_MIN)
		wait = SCHED_KEEP_MIN;
	if (!c->follow_clock && wait > SCHED_KEEP_MAX)
		wait = SCHED_KEEP_MAX;
	if (d->at == d->planned)
		log_warnx(engine_log_level(c->en), "sched",
		          "due entry kept: %s not loaded in this process task=%s plan=%s "
		          "milestone=%s kind=%s; it is applied once the plan is (re)loaded",
		          missing, t->key, t->plan, t->milestone, due_kind_name(d->kind));
	return move_entry(c, d, now + wait, d->planned);
}

/* DEADLINE, ESCALATE, REMIND: entries of one task's schedule. */
static int
apply_task_entry(struct apply_ctx *c, const struct store_due *d)
{
	const struct engine_plan *ep;
	const struct plan_milestone *m;
	const struct plan_lifecycle *lc;
	struct store_task t;
	int rc, mi;

	rc = store_task_get(c->txn, d->task, &t, c->e);
	if (rc == DB_ENOTFOUND) {
		dberr_clear(c->e);
		return 0;
	}
	if (rc != 0)
		return rc;
	if (t.gen != d->gen)
		goto out; /* stale: the task was rescheduled (extended) */
	ep = engine_plan_find(c->en, t.plan);
	mi = ep ? plan_milestone_index(ep->plan, t.milestone) : -1;
	if (mi < 0) {
		rc = keep_entry(c, d, ep ? "milestone" : "plan", &t);
		goto out;
	}
	if (d->kind == STORE_DUE_DEADLINE && d->at <= t.deadline) {
		/* written before the lapse moved to the second after the deadline */
		rc = move_entry(c, d, t.deadline + 1, t.deadline + 1);
		goto out;
	}
	m = &ep->plan->milestones[mi];
	lc = &ep->plan->lifecycles[m->lifecycle];
	if (d->kind == STORE_DUE_DEADLINE)
		rc = apply_deadline(c, ep, lc, &t, d);
	else
		rc = apply_notice(c, ep, m, lc, &t, d);
out:
	store_task_release(&t);
	return rc;
}

/* The handler of each kind of due entry. Handlers of other modules take the engine and
 * the transaction; whether the entry is late is decided here, once. */
typedef int (*due_fire_fn)(struct engine *en, struct store_txn *txn, const struct store_due *d,
                           bool late, struct dberr *e);
static const struct due_handler {
	const char *name;
	bool task_entry;      /* one of a task's own entries: apply_task_entry */
	due_fire_fn fire;     /* else this module's handler */
} handlers[STORE_DUE_KINDS_] = {
	[STORE_DUE_DEADLINE] = {"deadline", true, NULL},
	[STORE_DUE_ESCALATE] = {"escalation", true, NULL},
	[STORE_DUE_REMIND] = {"reminder", true, NULL},
	[STORE_DUE_CONDUCT] = {"conduct", false, conduct_fire},
	[STORE_DUE_RETRY] = {"delivery retry", false, deliver_retry_fire},
	[STORE_DUE_DIGEST] = {"digest", false, digest_fire},
	[STORE_DUE_DISPATCH] = {"dispatch", false, dispatch_fire},
	[STORE_DUE_CANDIDATES] = {"candidates", false, candidates_fire},
};

static const char *
due_kind_name(uint8_t kind)
{
	return kind < STORE_DUE_KINDS_ && handlers[kind].name ? handlers[kind].name : "unknown";
}

static int
apply_cb(const struct store_due *d, void *arg)
{
	struct apply_ctx *c = arg;
	const struct due_handler *h;
	int64_t next;
	int rc;

	/* On a virtual clock that delivers after each commit, what this batch queued goes out
	 * at the instant it was queued, before the clock moves past it: a refusal on 02-08 is
	 * recorded, and told to the admin, on 02-08, not at the batch's last entry a week on.
	 * Batches still hold every entry of one instant (a burst stays one commit), and
	 * instants that queue nothing deliverable share a batch. */
	if (c->split && c->applied > c->batch_start && d->at > engine_now(c->en)) {
		if ((rc = store_delivery_next(c->txn, &next, c->e)) != 0)
			return rc;
		if (next <= engine_now(c->en))
			return STORE_DUE_STOP;
	}
	/* the daemon's slice ends when its time is up, between whole entries: another
	 * process's write waits for this transaction, so it is kept short */
	if (c->stop_ms != 0 && c->applied > c->batch_start && engine_monotonic_ms() >= c->stop_ms)
		return STORE_DUE_STOP;
	rc = store_due_del(c->txn, d, c->e);
	if (rc != 0)
		return rc;
	if (c->follow_clock && d->at > engine_now(c->en))
		engine_clock_set(c->en, d->at);
	c->applied++;
	c->last_at = d->at;
	h = d->kind < STORE_DUE_KINDS_ ? &handlers[d->kind] : NULL;
	if (h == NULL || h->name == NULL)
		return 0; /* no kind of ours (the schema check keeps newer stores out): dropped */
	if (h->task_entry)
		return apply_task_entry(c, d);
	return h->fire(c->en, c->txn, d, is_late(c->en, d), c->e);
}

struct batch_arg {
	struct apply_ctx *c;
	int64_t upto;
	size_t before;
	size_t max;          /* entries per transaction */
	/* group delivery (sched_hooks_deliver on a virtual clock): */
	bool group;
	struct deliver_batch *sent;     /* sent after the last commit, its results to record */
	struct deliver_batch *claimed;  /* claimed in this transaction, sent after its commit */
	bool drained;        /* this transaction only recorded and claimed: more was ready */
	struct deliver_helpers *helpers; /* the SMTP helpers kept from batch to batch */
};

/* Group delivery: the results of the batch sent after the last commit are recorded first,
 * at the instant it was sent (the clock has not moved since); if that left notices
 * deliverable now (more than one claim's worth, or the admin's report of a refusal), they
 * are claimed before any entry is applied, as deliver_all would have sent them before the
 * next batch; at the end, what is deliverable now is claimed. So an instant that queues
 * notices costs one synced commit, not four (batch, claim, results, release). */
static int
group_begin(struct batch_arg *b, struct store_txn *txn, struct dberr *e)
{
	int64_t next;
	int rc;

	b->drained = false;
	if (b->sent == NULL)
		return 0;
	if ((rc = deliver_record_in(b->c->en, txn, b->sent, e)) != 0 ||
	    (rc = store_delivery_next(txn, &next, e)) != 0)
		return rc;
	b->drained = next <= engine_now(b->c->en);
	return 0;
}

static int
batch_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct batch_arg *b = arg;
	struct store_clock sc;
	int rc = 0;

	b->c->txn = txn;
	b->c->applied = b->before; /* a retried transaction starts its count again */
	b->c->batch_start = b->before;
	b->c->stop_ms = b->c->budget_ms > 0 ? engine_monotonic_ms() + b->c->budget_ms : 0;
	deliver_batch_free(b->claimed); /* a run after map growth claims again */
	b->claimed = NULL;
	if (b->group && (rc = group_begin(b, txn, e)) != 0)
		return rc;
	if (!b->drained)
		rc = store_due_each(txn, b->upto, b->max, apply_cb, b->c, e);
	if (rc != 0 || !b->c->follow_clock)
		return rc;
	/* The virtual clock moves with the entries it applies, in the same transaction. */
	rc = store_clock_get(txn, &sc, e);
	if (rc != 0)
		return rc;
	sc.now = engine_now(b->c->en);
	if ((rc = store_clock_put(txn, &sc, e)) != 0 || !b->group || engine_dry(b->c->en))
		return rc;
	return deliver_claim_in(b->c->en, txn, DELIVER_BATCH,
	                        deliver_lease(engine_config(b->c->en), DELIVER_BATCH),
	                        &b->claimed, e);
}

/* sched_apply_due with group delivery: each commit is followed by sending what it claimed
 * (deliver_send, as deliver_all does), whose results the next commit records. */
static int
apply_grouped(struct engine *en, struct batch_arg *b, int64_t start, struct dberr *e)
{
	struct apply_ctx *c = b->c;
	int rc;

	for (;;) {
		b->before = c->applied;
		engine_clock_set(en, c->last_at > start ? c->last_at : start);
		rc = engine_write(en, batch_txn, b, e);
		if (rc == 0)
			deliver_log_recorded(en, b->sent);
		deliver_batch_free(b->sent); /* recorded, or the error ends it all */
		b->sent = NULL;
		if (rc != 0) {
			deliver_batch_free(b->claimed);
			b->claimed = NULL;
			return rc;
		}
		if (b->claimed != NULL) {
			if (b->helpers == NULL)
				b->helpers = deliver_helpers_new();
			deliver_send(engine_config(en), b->helpers, b->claimed, -1, NULL, NULL);
			b->sent = b->claimed;
			b->claimed = NULL;
			continue;
		}
		if (c->applied == b->before && !b->drained)
			return 0;
	}
}

int
sched_apply_due(struct engine *en, int64_t upto, bool follow_clock,
                const struct sched_hooks *hooks, size_t *applied, struct dberr *e)
{
	struct apply_ctx c = {en, NULL, follow_clock, 0, 0, e, false, 0, 0, 0};
	struct batch_arg b = {&c, upto, 0, SCHED_BATCH, false, NULL, NULL, false, NULL};
	int64_t start = engine_now(en);
	int rc;

	c.split = follow_clock && hooks && hooks->after_commit;
	if (c.split && hooks->group) {
		b.group = true;
		rc = apply_grouped(en, &b, start, e);
		deliver_helpers_free(b.helpers);
		b.helpers = NULL;
		b.group = false; /* the clock's last move below claims nothing, as before */
		if (rc != 0)
			return rc;
	} else {
		for (;;) {
			b.before = c.applied;
			engine_clock_set(en, follow_clock && c.last_at > start ? c.last_at : start);
			rc = engine_write(en, batch_txn, &b, e);
			if (rc != 0)
				return rc;
			if (!follow_clock)
				start = engine_now(en);
			/* What this batch queued goes out after its commit, never inside: the
			 * caller delivers it, or hands it to the daemon's sender thread. */
			if (hooks && hooks->after_commit &&
			    (rc = hooks->after_commit(en, hooks->arg, e)) != 0)
				return rc;
			if (c.applied == b.before)
				break;
		}
	}
	if (follow_clock && upto != INT64_MAX && upto > engine_now(en)) {
		engine_clock_set(en, upto);
		rc = engine_write(en, batch_txn, &b, e);
		if (rc != 0)
			return rc;
	}
	if (applied)
		*applied = c.applied;
	return 0;
}

int
sched_apply_slice(struct engine *en, int64_t upto, size_t max, int64_t budget_ms,
                  size_t *applied, struct dberr *e)
{
	struct apply_ctx c = {en, NULL, false, 0, 0, e, false, 0, budget_ms, 0};
	struct batch_arg b = {&c, upto, 0, max < SCHED_BATCH ? max : SCHED_BATCH, false, NULL,
	                      NULL, false, NULL};
	int rc = engine_write(en, batch_txn, &b, e);

	if (rc == 0)
		*applied = c.applied;
	return rc;
}

static int
first_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct store_due d;
	int64_t *at = arg;
	int rc = store_due_first(txn, &d, e);

	if (rc == DB_ENOTFOUND) {
		dberr_clear(e);
		*at = INT64_MAX;
		return 0;
	}
	if (rc == 0) {
		*at = d.at;
		store_due_release(&d);
	}
	return rc;
}

int
sched_next_due(struct engine *en, int64_t *at, struct dberr *e)
{
	return store_read(engine_store(en), first_txn, at, e);
}

static int
deliver_after(struct engine *en, void *arg, struct dberr *e)
{
	(void)arg;
	return deliver_all(en, NULL, e);
}

const struct sched_hooks sched_hooks_deliver = {deliver_after, NULL, true};
