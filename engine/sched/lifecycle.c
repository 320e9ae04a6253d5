/*
 * lifecycle.c - events on tasks: submissions, lifecycle events, extensions and flags.
 * Each runs inside the caller's transaction and writes its audit record there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/strset.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include "engine/sched/sched_int.h"

struct ctx {
	const struct engine_plan *ep;
	const struct plan_milestone *m;
	const struct plan_lifecycle *lc;
	int state;
};

static int
task_ctx(struct engine *en, const struct store_task *t, struct ctx *c, struct dberr *e)
{
	int mi;

	c->ep = engine_plan_find(en, t->plan);
	if (c->ep == NULL)
		return dberr_set(e, DB_ENOTFOUND, "task %s: plan %s is not loaded", t->key, t->plan);
	mi = plan_milestone_index(c->ep->plan, t->milestone);
	if (mi < 0)
		return dberr_set(e, DB_ENOTFOUND, "task %s: milestone %s is no longer in plan %s",
		                 t->key, t->milestone, t->plan);
	c->m = &c->ep->plan->milestones[mi];
	c->lc = &c->ep->plan->lifecycles[c->m->lifecycle];
	c->state = plan_lifecycle_state(c->lc, t->state);
	return 0;
}

static int
get_task(struct store_txn *txn, const char *key, struct store_task *t, struct dberr *e)
{
	int rc = store_task_get(txn, key, t, e);

	if (rc == DB_ENOTFOUND) {
		dberr_clear(e);
		return dberr_set(e, DB_ENOTFOUND, "no task '%s' (see dabiao tasks)", key);
	}
	return rc;
}

static void
allowed_events(const struct plan_lifecycle *lc, int st, struct buf *out)
{
	size_t n = 0;

	for (size_t ev = 0; st >= 0 && ev < lc->nevents; ev++)
		if (lc->table[(size_t)st * lc->nevents + ev] >= 0)
			buf_printf(out, "%s%s", n++ ? ", " : "", lc->events[ev]);
	if (n == 0)
		buf_puts(out, "none (a final state)");
}

/* Is word one of the comma-separated list's items? */
static bool
in_list(const char *list, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ',');
		size_t l = end ? (size_t)(end - p) : strlen(p);

		if (l == len && strncmp(p, word, len) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

/* The sections a submission declares, as the milestone's ids: each item of the comma-separated
 * list trimmed of blanks (a space, a tab, U+3000: an id has none), and either a section id
 * of the milestone's `requires` or its Chinese title (what the notices print, and what a
 * clerk reads on the paper). Anything else is refused (DB_EUSAGE), naming the item and the
 * milestone's sections: a typo taken as "declared nothing" would make a complete hand-in
 * incomplete and tell the county so (review 10e, M-M). *ids receives the ids, comma-
 * separated, each once, in the order given. Each item is looked up (plan_section_named)
 * and each section marked when taken: matched pair by pair, 16,000 sections took 3 s
 * (review 13f, C15). */
static int
declared_sections(const struct plan_milestone *m, const char *given, struct buf *ids,
                  struct dberr *e)
{
	struct buf all = BUF_INIT;
	bool *taken = xcalloc(m->nrequires ? m->nrequires : 1, sizeof(*taken));
	int rc = 0;

	for (const char *p = given; rc == 0 && p != NULL && *given != '\0';) {
		const char *end = strchr(p, ',');
		size_t l = end ? (size_t)(end - p) : strlen(p), lead, stop;
		char *item;
		int found;

		utf8_trim_span(p, l, &lead, &stop);
		item = xstrndup(p + lead, stop - lead);
		found = plan_section_named(m, item);
		free(item);
		if (found < 0) {
			for (size_t i = 0; i < m->nrequires; i++)
				buf_printf(&all, "%s%s%s%s%s", i ? ", " : "", m->requires[i],
				           m->requires_titles[i] ? " (" : "",
				           m->requires_titles[i] ? m->requires_titles[i] : "",
				           m->requires_titles[i] ? ")" : "");
			rc = stop == lead
			     ? dberr_set(e, DB_EUSAGE, "--sections '%s' has an empty item: name each "
			                 "section once, separated by commas; nothing changed", given)
			     : m->nrequires == 0
			     ? dberr_set(e, DB_EUSAGE, "--sections: milestone %s requires no sections, "
			                 "so '%.*s' is none of its own: leave --sections out (a hand-in is "
			                 "complete without it); nothing changed", m->id,
			                 (int)(stop - lead), p + lead)
			     : dberr_set(e, DB_EUSAGE, "--sections: '%.*s' is not a section of milestone "
			                 "%s, whose sections are (by id or title) %s; nothing changed",
			                 (int)(stop - lead), p + lead, m->id, buf_str(&all));
		} else if (!taken[found]) {
			taken[found] = true;
			buf_printf(ids, "%s%s", ids->len ? "," : "", m->requires[found]);
		}
		p = end ? end + 1 : NULL;
	}
	free(taken);
	buf_release(&all);
	return rc;
}

/* The separator of a task's stored section lists ("sections": "a,b") */
static const char *const commas[] = {",", NULL};

/* The sections a task holds: those handed in before (its "sections", kept since its last
 * return) and this hand-in's, in the milestone's order. Sections add up over a task's
 * hand-ins (review 10f, F3): the 内容不全 notice asks the county to make up what is missing,
 * and one that sends only that has handed in the whole; a return asks for the report anew
 * and clears them (task_event). The lists as sets: one lookup per required section. */
static void
held_sections(const struct plan_milestone *m, const char *before, const char *now,
              struct buf *out)
{
	struct strset have = STRSET_INIT;

	strset_add_split(&have, before, commas);
	strset_add_split(&have, now, commas);
	for (size_t i = 0; i < m->nrequires; i++)
		if (strset_has(&have, m->requires[i]))
			buf_printf(out, "%s%s", out->len ? "," : "", m->requires[i]);
	strset_free(&have);
}

void
sched_missing_sections(const struct plan_milestone *m, const char *declared, struct buf *out,
                       struct buf *titles)
{
	struct strset have = STRSET_INIT;
	size_t n = 0;

	strset_add_split(&have, declared, commas);
	for (size_t i = 0; i < m->nrequires; i++) {
		if (strset_has(&have, m->requires[i]))
			continue;
		buf_printf(out, "%s%s", n ? "、" : "", m->requires[i]);
		if (titles != NULL)
			buf_printf(titles, "%s“%s”", n ? "、" : "",
			           m->requires_titles[i] ? m->requires_titles[i] : m->requires[i]);
		n++;
	}
	strset_free(&have);
}

static int
queue_incomplete(struct engine *en, struct store_txn *txn, const struct ctx *c,
                 const struct store_task *t, int64_t at, struct dberr *e)
{
	static const struct plan_target targets[] = {{PLAN_TARGET_OWNER, -1},
	                                              {PLAN_TARGET_SUBMIT_TO, -1}};
	char key[1024];
	struct notice_req r = {0};
	/* a late hand-in, or a correction period already used: the deadline is behind, and
	 * asking for a correction "by" it would name a date already past (review 10d, m-3) */
	struct notice_var vars[1] = {{"deadline_passed", t->deadline < engine_now(en) ? "是" : ""}};

	/* one notice per submission: the key carries the submission's time */
	snprintf(key, sizeof(key), "%s#incomplete#%lld", t->key, (long long)at);
	r.ep = c->ep;
	r.kind = "incomplete";
	r.fallback = "incomplete";
	r.key = key;
	r.task = t;
	r.subject = t->subject;
	r.targets = targets;
	r.ntargets = c->m->submit_to >= 0 ? 2 : 1;
	/* made now, dated now: a submission recorded afterwards (--at) is said in the text
	 * (submitted_at), never by a notice dated in the past */
	r.scheduled = engine_now(en);
	r.vars = vars;
	r.nvars = 1;
	return notice_queue(en, txn, &r, e);
}

/* A task came back to its owner (returned, or submitted incomplete): it owes the rest and
 * is watched by the deadline. A submission made in time earns the milestone's correction
 * period (补正期限) once per task: the deadline moves to the end of that period when that
 * is later. Without one, or after a late submission, the deadline stands, and one already
 * past is applied at once: the task lapses again (a task's lapse counts once, conduct.c). */
static int
came_back(struct engine *en, struct store_txn *txn, const struct ctx *c, struct store_task *t,
          bool late, bool returned, int64_t at, struct dberr *e)
{
	const struct plan_offset *corr = &c->m->correction;
	struct buf details = BUF_INIT;
	int64_t now = engine_now(en), deadline = t->deadline;
	int32_t day = t->due_date;
	char old[16], neu[16];
	int rc;

	/* a correction period once; again only for a report handed in in time whose deadline
	 * passed while it waited for review: the receiver's delay is not the owner's lapse
	 * (review 10e, M-G). Counted from when it came back (at: a hand-in recorded afterwards
	 * is dated when it was received), never from when someone typed it in */
	bool again = returned && t->deadline < at;

	if (corr->n > 0 && !late && (store_task_extra(t, "correction_due") == NULL || again)) {
		if ((rc = sched_period_end(c->ep, at, corr, &day, &deadline, e)) != 0)
			return rc;
		if (deadline <= t->deadline) {
			day = t->due_date;
			deadline = t->deadline;
		}
	}
	if (deadline == t->deadline && deadline >= now)
		return 0; /* the schedule in force still holds: its entries are in the index */
	cal_format_date(t->due_date, old);
	cal_format_date(day, neu);
	if (deadline != t->deadline)
		store_task_set_extra(t, "correction_due", neu);
	if ((rc = sched_reschedule(en, txn, c->ep, t, day, deadline, now, e)) != 0)
		return rc;
	buf_printf(&details, "{\"why\":\"%s\",\"from_due_date\":\"%s\",\"to_due_date\":\"%s\"}",
	           deadline < now ? "deadline passed: lapses at once" : "correction period",
	           old, neu);
	rc = engine_audit(en, txn, "task.reschedule", t->key, t->subject, t->state, t->state,
	                  buf_str(&details), e);
	buf_release(&details);
	/* past its deadline: it lapses now, not at the scheduler's next turn, so `status`
	 * shows it overdue the moment it came back */
	if (rc == 0 && deadline < now) {
		char *state = t->state;

		rc = sched_lapse(en, txn, c->ep, c->lc, t, deadline + 1, now, e);
		if (rc == 0) {
			t->state = xstrdup(c->lc->states[c->lc->deadline_to]);
			free(state);
		}
	}
	return rc;
}

/* The owner's notice of an event: `return`, and any event of a plan's own lifecycle that
 * sends a hand-in back to the owner (back: from a state the deadline does not watch into
 * one it does, e.g. `reject: {submitted: open}`), is a `returned` notice; else none would
 * tell the county it owes the report again (review10g G7). `accept` is an `accepted`
 * notice even when it leads to a stage still owed (a draft passed, the final version due):
 * a stage passed is never told as a return (review10j R4); the notice then says what is
 * still owed and by when. */
static int
event_notice(struct engine *en, struct store_txn *txn, const struct ctx *c,
             const struct store_task *t, const char *event, const struct task_event_args *a,
             bool back, struct dberr *e)
{
	struct owner_notice n = {0};
	struct store_notice seen;
	struct dberr ignored;
	char at[40], key[1024];

	if (strcmp(event, "accept") == 0)
		n.kind = "accepted";
	else if (strcmp(event, "return") == 0 || back)
		n.kind = "returned";
	else
		return 0;
	/* Each decision is its own fact, told once: a second return or accept within the same
	 * second (a script, a virtual clock not advanced) takes the next free key, where the
	 * notice queue would have taken the second for the first again and dropped it
	 * (review10k Q3). */
	for (unsigned k = 1;; k++) {
		if (k == 1)
			snprintf(at, sizeof(at), "%lld", (long long)engine_now(en));
		else
			snprintf(at, sizeof(at), "%lld-%u", (long long)engine_now(en), k);
		snprintf(key, sizeof(key), "%s#%s#%s", t->key, n.kind, at);
		dberr_clear(&ignored);
		if (store_notice_head(txn, key, &seen, &ignored) != 0)
			break;
		store_notice_release(&seen);
	}
	n.keypart = at;
	n.by = a->by;
	n.reason = a->reason ? a->reason : a->note;
	return sched_owner_notice(en, txn, c->ep, t, &n, e);
}

/* A lapse voided (by NULL: a hand-in or an ending event received before it and recorded
 * after; else made in time by a back-dated extension `by` granted for reason): neither it nor
 * the escalations that followed from it count any more, and the warnings that counted it
 * are brought to the truth (warning.c), the deciders told which of the two it was. */
static int
uncount_lapse(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
              const struct store_task *t, const char *by, const char *reason,
              struct dberr *e)
{
	int rc = conduct_unnote(en, txn, ep, t, "lapse", NULL, e);

	if (rc == 0)
		rc = conduct_unnote(en, txn, ep, t, "escalation", NULL, e);
	if (rc == 0)
		rc = conduct_void_warnings(en, txn, ep, t, by, reason, e);
	return rc;
}

/* A hand-in received before the lapse of a task that a plan or registry change cancelled
 * afterwards (its milestone removed, its enterprise unlisted), recorded now: the lapse
 * keeps counting for a cancelled task (docs/plan-format.md), so it must stay open to the
 * same correction as any lapse (review 10e, M-E). The task stays cancelled; the lapse is
 * voided (no conduct rule counts it, the warnings that did are brought to the truth) and
 * the trail says so, as `submit --at` on a live task does. 1: not such a case (the caller
 * refuses the event as for any cancelled task). */
static int
submit_cancelled(struct engine *en, struct store_txn *txn, struct store_task *t,
                 const char *event, const struct task_event_args *a, struct dberr *e)
{
	const struct engine_plan *ep = engine_plan_find(en, t->plan);
	struct buf d = BUF_INIT;
	char when[40], now[40], stamp[24];
	int rc;

	if (ep == NULL || strcmp(event, "submit") != 0 || !(t->flags & STORE_TASK_LAPSED) ||
	    a->at > t->deadline || a->at < t->created_at || a->at > engine_now(en))
		return 1;
	tz_format_rfc3339(ep->tz, a->at, when);
	tz_format_rfc3339(ep->tz, engine_now(en), now);
	snprintf(stamp, sizeof(stamp), "%lld", (long long)engine_now(en));
	t->flags &= ~(uint32_t)STORE_TASK_LAPSED;
	store_task_set_extra(t, "lapse_voided", stamp);
	store_task_set_extra(t, "submitted_by", a->by);
	store_task_set_extra(t, "submitted_at", when);
	store_task_set_extra(t, "submitted_late", "false");
	store_task_set_extra(t, "sections", a->sections ? a->sections : "");
	t->updated_at = engine_now(en);
	if ((rc = store_task_put(txn, t, e)) != 0)
		return rc;
	buf_puts(&d, "{\"event\":\"submit\",\"by\":");
	buf_json_str(&d, a->by);
	buf_printf(&d, ",\"at\":\"%s\",\"backdated\":%s,\"voids_lapse\":true,"
	           "\"received_at\":\"%s\",\"recorded_at\":\"%s\",\"late\":false,"
	           "\"task_cancelled\":true,\"sections\":", when, a->backdated ? "true" : "false",
	           when, now);
	buf_json_str(&d, a->sections ? a->sections : "");
	if (a->note) {
		buf_puts(&d, ",\"note\":");
		buf_json_str(&d, a->note);
	}
	buf_putc(&d, '}');
	rc = engine_audit(en, txn, "task.submit", t->key, t->subject, t->state, t->state,
	                  buf_str(&d), e);
	buf_release(&d);
	return rc == 0 ? uncount_lapse(en, txn, ep, t, NULL, NULL, e) : rc;
}

int
task_event(struct engine *en, struct store_txn *txn, const char *key, const char *event,
           const struct task_event_args *a, const char **to_state, struct dberr *e)
{
	struct store_task t;
	struct ctx c;
	struct buf allowed = BUF_INIT, missing = BUF_INIT, details = BUF_INIT, sections = BUF_INIT;
	struct buf held = BUF_INIT;
	char *from = NULL, when[40], now[40], stamp[24];
	const char *last, *ext;
	int64_t since, lapsed_dl;
	int rc, ev, to;
	bool submit, timed, late = false, back, voids = false, lifted, by_extension = false;

	if ((rc = get_task(txn, key, &t, e)) != 0)
		return rc;
	if (strcmp(t.state, PLAN_STATE_CANCELLED) == 0 &&
	    (rc = submit_cancelled(en, txn, &t, event, a, e)) != 1) {
		if (rc == 0 && to_state)
			*to_state = PLAN_STATE_CANCELLED;
		goto out;
	}
	rc = 0;
	if ((rc = task_ctx(en, &t, &c, e)) != 0)
		goto out;
	ev = plan_lifecycle_event(c.lc, event);
	allowed_events(c.lc, c.state, &allowed);
	if (plan_state_withdrawn(t.state)) {
		rc = dberr_set(e, DB_ESTATE, "task %s is %s (a final state): no event applies",
		               key, t.state);
		goto out;
	}
	if (ev < 0) {
		rc = dberr_set(e, DB_EDATA, "lifecycle '%s' has no event '%s'; in state '%s' the "
		               "allowed events are: %s", c.lc->id, event, t.state, buf_str(&allowed));
		goto out;
	}
	to = c.state >= 0 ? c.lc->table[(size_t)c.state * c.lc->nevents + (size_t)ev] : -1;
	if (to < 0) {
		rc = dberr_set(e, DB_ESTATE, "task %s is in state '%s', where event '%s' is not "
		               "allowed; allowed: %s", key, t.state, event, buf_str(&allowed));
		goto out;
	}
	if (strcmp(event, "return") == 0 && (a->reason == NULL || *a->reason == '\0') &&
	    (a->note == NULL || *a->note == '\0')) {
		rc = dberr_set(e, DB_EUSAGE, "a return needs --reason: the owner is told why");
		goto out;
	}
	submit = ev == c.lc->submit_event;
	/* the deadline that lapsed, and whether time was given again since (an extension, a
	 * registry's new date: the task is open again, its lapse on record): a hand-in or
	 * event received by that deadline voids the lapse either way (review10g G1) */
	last = store_task_extra(&t, "lapsed_deadline");
	lapsed_dl = last != NULL && *last ? strtoll(last, NULL, 10) : t.deadline;
	/* (a lapse recorded before dabiao kept its deadline: only while still lapsed) */
	lifted = c.state >= 0 && c.lc->deadline_from[c.state] && (t.flags & STORE_TASK_LAPSED) &&
	         last != NULL && *last;
	/* a back-dated extension recorded after the lapse asserts the county had until its
	 * new deadline: a hand-in or event received by then voids the lapse, as the extension
	 * does when the hand-in is recorded first (review12a, P3: the same facts typed in the
	 * other order counted the lapse). The extension's deadline is the one it is held to */
	ext = store_task_extra(&t, "extended_backdated");
	if (ext != NULL && strcmp(ext, "true") == 0 && (t.flags & STORE_TASK_LAPSED) &&
	    t.deadline > lapsed_dl) {
		lapsed_dl = t.deadline;
		by_extension = true;
	}
	/* an event recorded afterwards (`--at`) is held to what a submission is held to */
	timed = submit || a->at != engine_now(en);
	tz_format_rfc3339(c.ep->tz, a->at, when);
	if (timed && a->at > engine_now(en)) {
		tz_format_rfc3339(c.ep->tz, engine_now(en), now);
		rc = dberr_set(e, DB_EDATA, "--at %s is after the store's now (%s): %s is "
		               "recorded when it has happened, not before", when, now,
		               submit ? "a submission" : "an event");
		goto out;
	}
	/* a submission answers the state the task is in: it cannot have been received before
	 * the step that put it there (a return, an incomplete or a late hand-in); else a
	 * report returned after its deadline could be re-dated into time */
	if (timed && (last = store_task_extra(&t, "event_at")) != NULL &&
	    a->at < (since = strtoll(last, NULL, 10))) {
		char step[40];

		tz_format_rfc3339(c.ep->tz, since, step);
		rc = dberr_set(e, DB_EDATA, "--at %s is before task %s came to state '%s' (%s): a "
		               "submission answers that state and cannot have been received "
		               "earlier; nothing changed", when, key, t.state, step);
		goto out;
	}
	/* nor before the task existed: its subject or plan was not known to the bureau then */
	if (timed && a->at < t.created_at) {
		char made[40];

		tz_format_rfc3339(c.ep->tz, t.created_at, made);
		rc = dberr_set(e, DB_EDATA, "--at %s is before task %s existed (made %s, when its "
		               "subject or plan reached the store): nothing changed", when, key, made);
		goto out;
	}
	if (submit && a->sections != NULL &&
	    (rc = declared_sections(c.m, a->sections, &sections, e)) != 0)
		goto out;
	if (submit) {
		held_sections(c.m, store_task_extra(&t, "sections"), buf_str(&sections), &held);
		sched_missing_sections(c.m, buf_str(&held), &missing, NULL);
		if (missing.len > 0 && c.lc->incomplete >= 0)
			to = c.lc->incomplete;
		late = a->at > t.deadline;
		if (late)
			t.flags |= STORE_TASK_LATE;
		/* received before a lapse already applied, recorded after it (a report handed
		 * over on paper in time and entered late): the lapse was no lapse. Its
		 * consequences go (the task is no longer lapsed, no conduct rule counts it); the
		 * trail keeps the lapse and this record, which says when the report was received
		 * and when it was recorded (docs/plan-format.md, "Recorded afterwards") */
		voids = c.lc->deadline_to >= 0 && (c.state == c.lc->deadline_to || lifted) &&
		        (t.flags & STORE_TASK_LAPSED) && a->at <= lapsed_dl;
		/* an incomplete one prevents the lapse only when its correction period, counted
		 * from its receipt, runs past the deadline; otherwise it was incomplete at the
		 * deadline and the lapse stands as it was: no void, no second lapse, nothing to
		 * tell the deciders (review 10f, F2). So does a late incomplete one: the task
		 * stays lapsed, the incomplete notice says what is still missing */
		if (c.lc->deadline_to >= 0 && (c.state == c.lc->deadline_to || lifted) &&
		    to == c.lc->incomplete && missing.len > 0 && (t.flags & STORE_TASK_LAPSED)) {
			const struct plan_offset *corr = &c.m->correction;
			int32_t cday;
			int64_t cdl = lapsed_dl;

			if (voids && corr->n > 0 &&
			    (rc = sched_period_end(c.ep, a->at, corr, &cday, &cdl, e)) != 0)
				goto out;
			if (cdl <= lapsed_dl) {
				voids = false;
				/* lapsed it stays; given time again since, it owes the rest by then */
				if (c.state == c.lc->deadline_to)
					to = c.lc->deadline_to;
			}
		}
		store_task_set_extra(&t, "submitted_by", a->by);
		store_task_set_extra(&t, "submitted_at", when);
		store_task_set_extra(&t, "submitted_late", late ? "true" : "false");
		store_task_set_extra(&t, "sections", buf_str(&held));
		store_task_set_extra(&t, "missing", missing.len ? buf_str(&missing) : "");
		if (a->file_sha256 || a->nfiles)
			store_task_set_extra(&t, "file_sha256",
			                     a->file_sha256 ? a->file_sha256 : a->files[0].sha256);
	} else {
		/* a return judges the submission on record: was it in time? */
		const char *sl = store_task_extra(&t, "submitted_late");
		late = sl != NULL && strcmp(sl, "true") == 0;
		/* a returned report is handed in anew, whole: what it held counts no more */
		if (strcmp(event, "return") == 0 && store_task_extra(&t, "sections") != NULL)
			store_task_set_extra(&t, "sections", "");
		/* an event that ends the lapsed task (a rectification verified on site before
		 * its time limit, entered after it) recorded as of before the deadline: the
		 * lapse was no lapse, as for a submission (review 10e, M-D) */
		voids = timed && c.lc->deadline_to >= 0 && (c.state == c.lc->deadline_to || lifted) &&
		        (t.flags & STORE_TASK_LAPSED) && a->at <= lapsed_dl &&
		        to != c.lc->deadline_to && !c.lc->deadline_from[to];
	}
	if (voids) {
		char stamp_now[24];

		t.flags &= ~(uint32_t)STORE_TASK_LAPSED;
		snprintf(stamp_now, sizeof(stamp_now), "%lld", (long long)engine_now(en));
		store_task_set_extra(&t, "lapse_voided", stamp_now);
	}
	if (a->backdated)
		t.flags |= STORE_TASK_BACKDATED;
	snprintf(stamp, sizeof(stamp), "%lld", (long long)a->at);
	store_task_set_extra(&t, "event_at", stamp);
	if (a->note)
		store_task_set_extra(&t, "note", a->note);
	if (a->reason)
		store_task_set_extra(&t, "reason", a->reason);
	/* back to the owner: an incomplete submission, or any move from a state the deadline
	 * does not watch (submitted) into one it does (returned) */
	back = c.lc->deadline_to >= 0 && c.lc->deadline_from[to] &&
	       ((submit && to == c.lc->incomplete) ||
	        (c.state >= 0 && !c.lc->deadline_from[c.state] && c.state != c.lc->deadline_to));
	/* the event that gave the owner something to hand in again, for the notices that
	 * chase it: a return is owed anew, a stage accepted owes the next (review10j R4); a
	 * hand-in answers it */
	if (!submit && back)
		store_task_set_extra(&t, "came_back", event);
	else if (submit && store_task_extra(&t, "came_back") != NULL)
		store_task_set_extra(&t, "came_back", "");
	from = xstrdup(t.state);
	free(t.state);
	t.state = xstrdup(c.lc->states[to]);
	t.updated_at = engine_now(en);
	if ((rc = store_task_put(txn, &t, e)) != 0)
		goto out;
	buf_puts(&details, "{\"event\":");
	buf_json_str(&details, event);
	buf_puts(&details, ",\"by\":");
	buf_json_str(&details, a->by);
	buf_printf(&details, ",\"at\":\"%s\",\"backdated\":%s", when, a->backdated ? "true" : "false");
	if (a->note) {
		buf_puts(&details, ",\"note\":");
		buf_json_str(&details, a->note);
	}
	if (a->reason) {
		buf_puts(&details, ",\"reason\":");
		buf_json_str(&details, a->reason);
	}
	if (voids || a->received) {
		tz_format_rfc3339(c.ep->tz, engine_now(en), now);
		buf_printf(&details, "%s%s,\"received_at\":\"%s\",\"recorded_at\":\"%s\"",
		           voids ? ",\"voids_lapse\":true" : "",
		           voids && by_extension ? ",\"within_extension\":true" : "", when, now);
	}
	if (submit) {
		buf_printf(&details, ",\"late\":%s", late ? "true" : "false");
		buf_puts(&details, ",\"sections\":");
		buf_json_str(&details, buf_str(&sections));
		if (held.len != sections.len) { /* held holds sections, each once */
			buf_puts(&details, ",\"sections_held\":"); /* with earlier hand-ins' */
			buf_json_str(&details, buf_str(&held));
		}
		buf_puts(&details, ",\"missing\":");
		buf_json_str(&details, buf_str(&missing));
		buf_puts(&details, ",\"file_sha256\":");
		buf_json_str(&details, a->file_sha256 ? a->file_sha256 :
		                       a->nfiles ? a->files[0].sha256 : "");
		if (a->nfiles > 0) {
			buf_puts(&details, ",\"files\":[");
			for (size_t i = 0; i < a->nfiles; i++) {
				buf_puts(&details, i ? ",{\"sha256\":" : "{\"sha256\":");
				buf_json_str(&details, a->files[i].sha256);
				buf_printf(&details, ",\"size\":%llu,\"name\":",
				           (unsigned long long)a->files[i].size);
				buf_json_str(&details, a->files[i].name ? a->files[i].name : "");
				buf_putc(&details, '}');
			}
			buf_putc(&details, ']');
		}
	}
	buf_putc(&details, '}');
	rc = engine_audit(en, txn, submit ? "task.submit" : "task.event", key, t.subject, from,
	                  t.state, buf_str(&details), e);
	if (rc == 0 && voids)
		rc = uncount_lapse(en, txn, c.ep, &t, NULL, NULL, e);
	if (rc == 0 && back)
		rc = came_back(en, txn, &c, &t, late, !submit, a->at, e);
	if (rc == 0 && submit && missing.len > 0)
		rc = queue_incomplete(en, txn, &c, &t, a->at, e);
	if (rc == 0 && !submit)
		rc = event_notice(en, txn, &c, &t, event, a, back, e);
	if (rc == 0 && to_state) {
		int now_st = plan_lifecycle_state(c.lc, t.state); /* lapsed at once, perhaps */

		*to_state = c.lc->states[now_st >= 0 ? now_st : to];
	}
out:
	free(from);
	buf_release(&allowed);
	buf_release(&missing);
	buf_release(&details);
	buf_release(&sections);
	buf_release(&held);
	store_task_release(&t);
	return rc;
}

/* The hand-in on record for t: when it was received (*at) and whether it came after the
 * deadline then in force (*late); false when t holds none. */
static bool
handed_in(const struct engine_plan *ep, const struct store_task *t, int64_t *at, bool *late)
{
	const char *when = store_task_extra(t, "submitted_at");
	const char *sl = store_task_extra(t, "submitted_late");

	if (when == NULL || *when == '\0' || tz_parse_time(ep->tz, when, at) != 0)
		return false;
	*late = sl != NULL && strcmp(sl, "true") == 0;
	return true;
}

/* Why a task of a selection was left as it was. */
enum extend_left { EXTEND_DONE = 0, EXTEND_SAME, EXTEND_FINISHED };

/* task_extend; with left non-NULL (a selection), a task already due `day` (a re-run) or
 * already finished is left as it is and *left says which, else it is refused: the same date
 * again would tell the owner of a change that is none and move the task's generation, and
 * a finished task owes nothing a deadline could give time for. */
static int
extend_one(struct engine *en, struct store_txn *txn, const char *key, int32_t day,
           const char *by, const char *reason, bool backdate, enum extend_left *left,
           struct dberr *e)
{
	struct store_task t;
	struct ctx c;
	struct buf details = BUF_INIT;
	struct owner_notice n = {0};
	char old[16], neu[16], now[40], gen[16], *from = NULL;
	int64_t deadline, previous, received = 0;
	bool waiting, late = false, voids = false;
	int rc;

	if ((rc = get_task(txn, key, &t, e)) != 0)
		return rc;
	if ((rc = task_ctx(en, &t, &c, e)) != 0)
		goto out;
	if (((c.state >= 0 && c.lc->final[c.state]) || plan_state_withdrawn(t.state)) &&
	    left != NULL) {
		*left = EXTEND_FINISHED;
		goto out;
	}
	if ((c.state >= 0 && c.lc->final[c.state]) || plan_state_withdrawn(t.state)) {
		rc = dberr_set(e, DB_ESTATE, "task %s is already %s (a final state): nothing to "
		               "extend", key, t.state);
		goto out;
	}
	cal_format_date(t.due_date, old);
	cal_format_date(day, neu);
	deadline = schedule_end_of_day(c.ep, day);
	/* an extension gives time: a deadline is never shortened, back-dated or not */
	if (deadline < t.deadline) {
		char cur[40];

		tz_format_rfc3339(c.ep->tz, t.deadline, cur);
		rc = dberr_set(e, DB_EDATA, "task %s: --to %s is before its current deadline %s "
		               "(due %s): an extension gives time, it never shortens a deadline",
		               key, neu, cur, old);
		goto out;
	}
	/* nor is it an extension when it gives no time: the task would be told its deadline
	 * moved "from 12月2日 to 12月2日" and the record would show a change that is none */
	if (deadline == t.deadline) {
		char cur[40];

		if (left != NULL) {
			*left = EXTEND_SAME;
			goto out;
		}
		tz_format_rfc3339(c.ep->tz, t.deadline, cur);
		rc = dberr_set(e, DB_EDATA, "task %s is already due %s (deadline %s): an extension "
		               "gives time, this one gives none; nothing changed", key, neu, cur);
		goto out;
	}
	if (deadline < engine_now(en) && !backdate) {
		tz_format_rfc3339(c.ep->tz, engine_now(en), now);
		rc = dberr_set(e, DB_EDATA, "task %s: --to %s ends before the store's now (%s): an "
		               "extension gives time; to record one agreed earlier, add --backdate",
		               key, neu, now);
		goto out;
	}
	/* a hand-in waiting for review: the owner owes nothing until it is reviewed, and a
	 * back-dated extension (agreed before it is recorded) that covers a late one makes it
	 * on time as of the new deadline, its lapse void as for a hand-in recorded afterwards
	 * (docs/plan-format.md, "Back-dated extensions"; review 10e, m-A) */
	waiting = c.state >= 0 && c.lc->deadline_to >= 0 && c.state != c.lc->deadline_to &&
	          !c.lc->deadline_from[c.state] && handed_in(c.ep, &t, &received, &late);
	if (waiting && late && backdate && received <= deadline) {
		late = false;
		t.flags &= ~(uint32_t)STORE_TASK_LATE;
		store_task_set_extra(&t, "submitted_late", "false");
		voids = (t.flags & STORE_TASK_LAPSED) != 0;
		if (voids) {
			snprintf(now, sizeof(now), "%lld", (long long)engine_now(en));
			t.flags &= ~(uint32_t)STORE_TASK_LAPSED;
			store_task_set_extra(&t, "lapse_voided", now);
		}
	}
	from = xstrdup(t.state);
	previous = t.deadline;
	t.flags |= STORE_TASK_EXTENDED;
	if (backdate)
		t.flags |= STORE_TASK_BACKDATED;
	/* an overdue task given time again is open again: its lapse stays on record */
	if (c.state == c.lc->deadline_to && deadline > engine_now(en)) {
		free(t.state);
		t.state = xstrdup(c.lc->states[c.lc->initial]);
	}
	store_task_set_extra(&t, "extended_by", by);
	/* what a later hand-in is judged by (task_event: a back-dated one voids the lapse of
	 * one received within it) */
	store_task_set_extra(&t, "extended_backdated", backdate ? "true" : "false");
	store_task_set_extra(&t, "previous_due_date", old);
	store_task_set_extra(&t, "extension_reason", reason);
	if ((rc = sched_reschedule(en, txn, c.ep, &t, day, deadline, engine_now(en), e)) != 0)
		goto out;
	buf_printf(&details, "{\"from_due_date\":\"%s\",\"to_due_date\":\"%s\",\"by\":", old, neu);
	buf_json_str(&details, by);
	buf_puts(&details, ",\"reason\":");
	buf_json_str(&details, reason);
	buf_printf(&details, ",\"backdated\":%s", backdate ? "true" : "false");
	if (waiting) {
		tz_format_rfc3339(c.ep->tz, received, now);
		buf_printf(&details, ",\"hand_in_received_at\":\"%s\",\"hand_in_late\":%s%s", now,
		           late ? "true" : "false", voids ? ",\"voids_lapse\":true" : "");
	}
	buf_putc(&details, '}');
	rc = engine_audit(en, txn, "task.extend", key, t.subject, from, t.state,
	                  buf_str(&details), e);
	if (rc == 0 && voids)
		rc = uncount_lapse(en, txn, c.ep, &t, by, reason, e);
	/* a back-dated deadline already past: the lapse is now, not at the next turn */
	if (rc == 0 && deadline < engine_now(en)) {
		char *state = t.state;

		rc = sched_lapse(en, txn, c.ep, c.lc, &t, deadline + 1, engine_now(en), e);
		if (rc == 0 && strcmp(t.state, state) == 0 && c.lc->deadline_to >= 0 &&
		    c.state >= 0 && c.lc->deadline_from[c.state]) {
			t.state = xstrdup(c.lc->states[c.lc->deadline_to]);
			free(state);
		}
	}
	if (rc != 0)
		goto out;
	snprintf(gen, sizeof(gen), "g%u", (unsigned)t.gen);
	n.kind = "extended";
	n.keypart = gen;
	n.by = by;
	n.reason = reason;
	n.previous = previous;
	n.handed_in = waiting ? received : 0;
	n.handed_in_late = waiting && late;
	rc = sched_owner_notice(en, txn, c.ep, &t, &n, e);
out:
	free(from);
	buf_release(&details);
	store_task_release(&t);
	return rc;
}

int
task_extend(struct engine *en, struct store_txn *txn, const char *key, int32_t day,
            const char *by, const char *reason, bool backdate, struct dberr *e)
{
	return extend_one(en, txn, key, day, by, reason, backdate, NULL, e);
}

/* A county's own Annex 3/4 table recorded for the task (import-annex): its figures can be
 * flagged as a hand-in's can. */
static int
annex_cb(const struct store_audit *rec, void *arg)
{
	bool *found = arg;

	*found = strcmp(rec->action, "annex.report") == 0;
	return *found ? 1 : 0;
}

/* A flag raised or withdrawn: the task put, and its audit record (action) with details
 * {"kind":…,"by":…,"reason":…}. */
static int
flag_record(struct engine *en, struct store_txn *txn, struct store_task *t,
            const char *action, const char *kind, const char *by, const char *reason,
            struct dberr *e)
{
	struct buf d = BUF_INIT;
	int rc;

	t->updated_at = engine_now(en);
	if ((rc = store_task_put(txn, t, e)) != 0)
		return rc;
	buf_puts(&d, "{\"kind\":");
	buf_json_str(&d, kind);
	buf_puts(&d, ",\"by\":");
	buf_json_str(&d, by);
	buf_puts(&d, ",\"reason\":");
	buf_json_str(&d, reason);
	buf_putc(&d, '}');
	rc = engine_audit(en, txn, action, t->key, t->subject, t->state, t->state, buf_str(&d),
	                  e);
	buf_release(&d);
	return rc;
}

/* The kinds a task is flagged with, comma-separated ("" after every one was withdrawn), or
 * NULL when it never was. */
static const char *
task_flags(const struct store_task *t)
{
	const char *flags = store_task_extra(t, "flags");

	if (flags == NULL)
		flags = store_task_extra(t, "flag_kind"); /* flagged before kinds were kept */
	return flags;
}

/* The accountability roles told of a flag raised (kind, by, reason), or of its withdrawal
 * (wby, wreason: who took it back and why; the raise's by and reason name what is taken
 * back): they were told of the flag, so they are told it no longer stands (docs/notices.md,
 * `accountability`). */
static int
flag_notice(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
            const struct store_task *t, const char *kind, const char *by, const char *reason,
            const char *wby, const char *wreason, struct dberr *e)
{
	struct notice_var vars[5];
	struct notice_req r = {0};
	char nkey[1024];

	if (ep->plan->naccountability == 0)
		return 0;
	vars[0] = (struct notice_var){"flag_kind", strcmp(kind, "concealed") == 0 ? "瞒报" :
	                                           strcmp(kind, "falsified") == 0 ? "谎报" : "漏报"};
	vars[1] = (struct notice_var){"flag_reason", reason};
	vars[2] = (struct notice_var){"flag_by", by};
	vars[3] = (struct notice_var){"acted_by", wby};
	vars[4] = (struct notice_var){"reason", wreason};
	snprintf(nkey, sizeof(nkey), "%s#accountability#%s%s#%lld", t->key, kind,
	         wby ? "#withdrawn" : "", (long long)engine_now(en));
	r.ep = ep;
	r.kind = "accountability";
	r.fallback = "accountability";
	r.key = nkey;
	r.task = t;
	r.subject = t->subject;
	r.targets = ep->plan->accountability;
	r.ntargets = ep->plan->naccountability;
	r.scheduled = engine_now(en);
	r.vars = vars;
	r.nvars = wby ? 5 : 3;
	return notice_queue(en, txn, &r, e);
}

int
task_flag(struct engine *en, struct store_txn *txn, const char *key, const char *kind,
          const char *by, const char *reason, struct dberr *e)
{
	static const char *const kinds[] = {"concealed", "falsified", "omitted", NULL};
	struct store_task t;
	struct ctx c;
	const char *flags;
	char *all = NULL, *kr = NULL, *kb = NULL;
	bool ok = false, annexed = false;
	int rc;

	for (size_t i = 0; kinds[i]; i++)
		ok = ok || strcmp(kinds[i], kind) == 0;
	if (!ok)
		return dberr_set(e, DB_EUSAGE, "--kind must be concealed, falsified or omitted, "
		                 "not '%s'", kind);
	if ((rc = get_task(txn, key, &t, e)) != 0)
		return rc;
	if ((rc = task_ctx(en, &t, &c, e)) != 0)
		goto out;
	flags = task_flags(&t);
	/* a report concealed, falsified or omitted something once it was handed in, or the
	 * task lapsed (漏报: the list never came), or its county's own Annex 3/4 table is on
	 * record (import-annex); before any of these there is nothing to flag,
	 * and a flag counts toward 约谈/限批 at once (review 10e, m-F) */
	if (store_task_extra(&t, "event_at") == NULL && !(t.flags & STORE_TASK_LAPSED) &&
	    c.state != c.lc->deadline_to &&
	    ((rc = store_audit_task_each(txn, key, annex_cb, &annexed, e)) != 0 || !annexed)) {
		char due[16];

		if (rc != 0)
			goto out;
		cal_format_date(t.due_date, due);
		rc = dberr_set(e, DB_ESTATE, "task %s is %s (due %s): nothing has been handed in "
		               "and it has not lapsed, so there is no report to have concealed, "
		               "falsified or omitted anything; nothing changed", key, t.state, due);
		goto out;
	}
	if (flags != NULL && in_list(flags, kind)) {
		/* this kind's own raiser and reason (flag_by/flag_reason are the latest flag's,
		 * of whatever kind: review10g G2); a flag raised before each kind kept its own
		 * has only those, and then they are this kind's if it was the latest */
		const char *fb, *fr, *last = store_task_extra(&t, "flag_kind");

		kr = xasprintf("flag_reason:%s", kind);
		kb = xasprintf("flag_by:%s", kind);
		fb = store_task_extra(&t, kb);
		fr = store_task_extra(&t, kr);
		if (fr == NULL && last != NULL && strcmp(last, kind) == 0) {
			fb = store_task_extra(&t, "flag_by");
			fr = store_task_extra(&t, "flag_reason");
		}
		rc = dberr_set(e, DB_EDATA, "task %s is already flagged %s (by %s: %s); a flag is "
		               "raised once, nothing changed", key, kind, fb ? fb : "?",
		               fr ? fr : "");
		goto out;
	}
	all = flags && *flags ? xasprintf("%s,%s", flags, kind) : xstrdup(kind);
	store_task_set_extra(&t, "flags", all);
	t.flags |= STORE_TASK_FLAGGED;
	store_task_set_extra(&t, "flag_kind", kind);
	store_task_set_extra(&t, "flag_reason", reason);
	store_task_set_extra(&t, "flag_by", by);
	/* this kind's own reason and raiser, for its withdrawal's notice: flag_reason and
	 * flag_by are the latest flag's, of whatever kind */
	kr = xasprintf("flag_reason:%s", kind);
	kb = xasprintf("flag_by:%s", kind);
	store_task_set_extra(&t, kr, reason);
	store_task_set_extra(&t, kb, by);
	rc = flag_record(en, txn, &t, "task.flag", kind, by, reason, e);
	/* each kind of flag is a fact of its own (谎报 and 瞒报 of one task are two); the same
	 * kind twice was refused above, and conduct_note counts a task's fact once */
	if (rc == 0)
		rc = conduct_note(en, txn, c.ep, &t, engine_now(en), kind, e);
	if (rc == 0)
		rc = flag_notice(en, txn, c.ep, &t, kind, by, reason, NULL, NULL, e);
out:
	free(kr);
	free(kb);
	free(all);
	store_task_release(&t);
	return rc;
}

int
task_flag_withdraw(struct engine *en, struct store_txn *txn, const char *key,
                   const char *kind, const char *by, const char *reason, struct dberr *e)
{
	struct store_task t;
	struct ctx c = {0};
	struct buf left = BUF_INIT;
	const char *flags, *done;
	char *all = NULL;
	int rc;

	if ((rc = get_task(txn, key, &t, e)) != 0)
		return rc;
	/* the plan is enough: a flag on a task whose milestone a later version removed still
	 * counts (its task is cancelled, its facts stand), so it can be withdrawn too (review
	 * 10h, K5: refused with 65 while it kept counting toward 约谈) */
	if ((c.ep = engine_plan_find(en, t.plan)) == NULL) {
		rc = dberr_set(e, DB_ENOTFOUND, "task %s: plan %s is not loaded", t.key, t.plan);
		goto out;
	}
	flags = task_flags(&t);
	if (flags == NULL || !in_list(flags, kind)) {
		done = store_task_extra(&t, "flags_withdrawn");
		rc = done && in_list(done, kind)
		     ? dberr_set(e, DB_ESTATE, "task %s: its %s flag was withdrawn already; nothing "
		                 "changed", key, kind)
		     : dberr_set(e, DB_ESTATE, "task %s has no %s flag to withdraw (its flags: %s); "
		                 "nothing changed", key, kind, flags && *flags ? flags : "none");
		goto out;
	}
	/* the kinds left, and the withdrawn one kept apart: a correct flag of the same kind
	 * may be raised later, and the task record says what was withdrawn */
	for (const char *p = flags; *p != '\0';) {
		size_t l = strcspn(p, ",");

		if (strlen(kind) != l || strncmp(p, kind, l) != 0)
			buf_printf(&left, "%s%.*s", left.len ? "," : "", (int)l, p);
		p += l + (p[l] == ',');
	}
	store_task_set_extra(&t, "flags", buf_str(&left));
	done = store_task_extra(&t, "flags_withdrawn");
	all = done && *done ? xasprintf("%s,%s", done, kind) : xstrdup(kind);
	store_task_set_extra(&t, "flags_withdrawn", all);
	if (left.len == 0)
		t.flags &= ~(uint32_t)STORE_TASK_FLAGGED;
	/* the task.flag record stays in the trail; this one says it was withdrawn */
	rc = flag_record(en, txn, &t, "task.unflag", kind, by, reason, e);
	/* from now on no rule counts it, and a warning that counted it is brought to the
	 * truth as for a voided lapse: the bureau must not sign a letter on a flag it took back
	 * (review 10f, F1) */
	if (rc == 0)
		rc = conduct_unnote(en, txn, c.ep, &t, kind, NULL, e);
	if (rc == 0)
		rc = conduct_void_flag(en, txn, c.ep, &t, kind, by, reason, e);
	if (rc == 0) {
		char *kr = xasprintf("flag_reason:%s", kind), *kb = xasprintf("flag_by:%s", kind);
		const char *fr = store_task_extra(&t, kr), *fb = store_task_extra(&t, kb);
		const char *last = store_task_extra(&t, "flag_kind");

		/* a flag raised before each kind kept its own: the latest flag's, if it is this
		 * kind */
		if (fr == NULL && last != NULL && strcmp(last, kind) == 0) {
			fr = store_task_extra(&t, "flag_reason");
			fb = store_task_extra(&t, "flag_by");
		}
		rc = flag_notice(en, txn, c.ep, &t, kind, fb ? fb : "", fr ? fr : "", by, reason,
		                 e);
		free(kr);
		free(kb);
	}
out:
	free(all);
	buf_release(&left);
	store_task_release(&t);
	return rc;
}

/* ---- acts on a selection of tasks ---- */

static bool
selected(const struct task_selection *s, const struct store_task *t)
{
	return strcmp(t->milestone, s->milestone) == 0 &&
	       (s->period == NULL || strcmp(t->period, s->period) == 0) &&
	       (s->jurisdiction == NULL || strcmp(t->jurisdiction, s->jurisdiction) == 0) &&
	       (s->plan == NULL || strcmp(t->plan, s->plan) == 0);
}

struct keylist {
	char **v;
	size_t n, cap;
	const struct task_selection *sel;
};

static int
collect_cb(const struct store_task *t, void *arg)
{
	struct keylist *k = arg;

	if (selected(k->sel, t)) {
		k->v = xgrow(k->v, &k->cap, k->n + 1, sizeof(char *));
		k->v[k->n++] = xstrdup(t->key);
	}
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A write that names a milestone without its plan must mean one plan: two plans of one
 * store may both have a milestone `table`, and an extension meant for one county
 * department's plan must not move the other plan's deadlines and tell its owners (issue
 * 10, left from review 10e). DB_EUSAGE naming the plans (sorted) when more than one loaded
 * plan has the milestone; filters that only list (tasks, status) may span plans. */
static int
one_plan(struct engine *en, const struct task_selection *sel, struct dberr *e)
{
	const char **ids;
	struct buf names = BUF_INIT;
	size_t n = 0;
	int rc = 0;

	if (sel->plan != NULL)
		return 0;
	ids = xcalloc(engine_nplans(en) + 1, sizeof(*ids));
	for (size_t i = 0; i < engine_nplans(en); i++) {
		const struct plan *p = engine_plan_at(en, i)->plan;

		if (plan_milestone_index(p, sel->milestone) >= 0)
			ids[n++] = p->id;
	}
	if (n > 1) {
		qsort(ids, n, sizeof(*ids), cmp_str);
		for (size_t i = 0; i < n; i++)
			buf_printf(&names, "%s%s", i ? ", " : "", ids[i]);
		rc = dberr_set(e, DB_EUSAGE, "milestone '%s' is in %zu loaded plans (%s): say "
		               "which with --plan ID (e.g. --plan %s); nothing changed",
		               sel->milestone, n, buf_str(&names), ids[0]);
	}
	buf_release(&names);
	free(ids);
	return rc;
}

int
task_extend_selected(struct engine *en, struct store_txn *txn, const struct task_selection *sel,
                     int32_t day, const char *by, const char *reason, bool backdate,
                     size_t *n, size_t *kept, struct buf *finished, struct dberr *e)
{
	struct keylist k = {NULL, 0, 0, sel};
	size_t nsame = 0, nfinished = 0;
	char d[16];
	int rc;

	if (n != NULL)
		*n = 0;
	if (kept != NULL)
		*kept = 0;
	if ((rc = one_plan(en, sel, e)) != 0)
		return rc;
	/* the selection first, then the changes: no writes under a live cursor */
	rc = store_task_each(txn, "", collect_cb, &k, e);
	for (size_t i = 0; rc == 0 && i < k.n; i++) {
		enum extend_left left = EXTEND_DONE;

		rc = extend_one(en, txn, k.v[i], day, by, reason, backdate, &left, e);
		nsame += left == EXTEND_SAME;
		nfinished += left == EXTEND_FINISHED;
		/* a county that handed in early is normal: the others still get the time
		 * (review 10e, M-J); the finished are named for the caller */
		if (left == EXTEND_FINISHED && finished != NULL)
			buf_printf(finished, "%s%s", finished->len ? "\n" : "", k.v[i]);
	}
	if (n != NULL)
		*n = rc == 0 ? k.n - nsame - nfinished : 0;
	if (kept != NULL)
		*kept = rc == 0 ? nsame : 0;
	if (rc == 0 && k.n == 0)
		rc = dberr_set(e, DB_ENOTFOUND, "no task matches milestone '%s'%s%s%s%s",
		               sel->milestone, sel->period ? ", period " : "",
		               sel->period ? sel->period : "",
		               sel->jurisdiction ? ", jurisdiction " : "",
		               sel->jurisdiction ? sel->jurisdiction : "");
	else if (rc == 0 && nsame + nfinished == k.n) {
		cal_format_date(day, d);
		rc = nfinished == k.n
		     ? dberr_set(e, DB_ESTATE, "every task selected (%zu) is already finished (a "
		                 "final state): nothing to extend, nothing changed", k.n)
		     : dberr_set(e, DB_EDATA, "every task selected (%zu) is already due %s%s%s: "
		                 "nothing changed", k.n, d, nfinished ? " or finished" : "",
		                 nfinished ? " (a final state)" : "");
	}
	for (size_t i = 0; i < k.n; i++)
		free(k.v[i]);
	free(k.v);
	return rc;
}
