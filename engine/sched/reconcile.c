/*
 * reconcile.c - the tasks in the store brought in line with what a plan version and the
 * registry give: a new version loaded (its dues, reminders, calendar, milestones), a
 * registry imported (an enterprise moved, unlisted, given a new rectify_by), a subject
 * retired. One walk over the plan's tasks, in the caller's transaction, so a load or an
 * import and every change it causes are one commit (or, dry, one preview).
 *
 * What happens to a task (docs/plan-format.md, "Plan versions"):
 * - finished (a final state of its lifecycle, cancelled, not applicable): never changes;
 *   except one cancelled here (its milestone, period or subject no longer given), which is
 *   reopened when given again (reopen);
 * - its milestone is gone: renamed (the new version names it in renamed_from, or has the
 *   milestone its key names: the task keeps its key, the milestone field follows, an alias
 *   keeps expansion from making it again) or cancelled; a rename onto a milestone that
 *   does not give the task's subject (another owner or `for`) cancels it;
 * - its milestone, subject and period no longer give a task (a shorter `until`, a `where`
 *   the subject no longer matches, a subject outside the plan's registry or retired):
 *   cancelled;
 * - its enterprise is in another jurisdiction now: the task moves with it (lapses already
 *   counted stay where they happened);
 * - its date changed: moved, with the old date on record, reminders before now never sent;
 *   except a task a person extended (kept), one whose deadline or new deadline has passed
 *   (kept: a lapse is never made or undone by editing a file), and a grace or correction
 *   deadline later than the new date (kept). A subject's own date (due: {field}) is the
 *   registry's decision and moves the task as `extend` does, overdue ones too;
 * - the same date, other reminder or escalation instants: rescheduled;
 * - its milestone's owner is another role of the same kind (a county's environment bureau
 *   made its government; one enterprise role another): the same task, handed over: the old
 *   owner told it no longer owes it, the new one given a start notice, with grace when it
 *   is too late to be reminded (hand_over).
 * Every owner whose tasks a version moved, cancelled or reopened, or whose tasks the
 * registry cancelled or reopened, is told in one `changed` notice listing them
 * (tell_owners), never one per task.
 * A task in a state the new lifecycle does not have refuses the whole load.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/hmap.h"
#include "base/sha256.h"
#include "base/xalloc.h"
#include "engine/sched/sched_int.h"

/* A change its owner is told of: one line of the grouped `changed` notice (docs/notices.md)
 * to the owner of its task, one notice per owner per load, import or retirement. */
struct told {
	char *group;  /* "ROLE\tJURISDICTION-OR-SUBJECT": whom the line goes to */
	char *key;    /* the task */
	int role;     /* its owner role in the plan as it is now, or -1 (gone: the admin) */
	char *line;   /* what changed, in words */
	enum { TOLD_MOVED, TOLD_CANCELLED, TOLD_REOPENED, TOLD_REJUDGED } what;
	bool head;    /* the first line of its group: its notice is made from here */
	size_t next;  /* the group's next line, or SIZE_MAX */
	size_t tail;  /* head only: the group's last line so far */
};

struct rctx {
	struct engine *en;
	struct store_txn *txn;
	const struct engine_plan *ep;   /* the plan as it is now */
	const struct engine_plan *old;  /* the version before, or NULL (a registry change) */
	struct sched_changes *ch;
	struct dberr *e;
	struct told *told;
	size_t ntold, captold;
	struct hmap groups;   /* group -> its head line: linear in the lines however many */
	const char *quiet;    /* a task handed over: its new owner's start notice gives its
	                       * date, so no `changed` line of a moved date goes to them */
	struct sched_starts starts; /* the new owners' start notices (hand_over) */
};

/* Notes a line for t's owner (m of plan p: the milestone as the owner knew it). */
static void
tell(struct rctx *c, const struct store_task *t, const struct plan *p,
     const struct plan_milestone *m, const char *line, int what)
{
	int ri = plan_role_index(c->ep->plan, p->roles[m->owner].id);
	enum plan_per per = ri >= 0 ? c->ep->plan->roles[ri].per : PLAN_PER_NONE;
	struct told *x;
	size_t idx = c->ntold, first;

	if (what == TOLD_MOVED && c->quiet != NULL && strcmp(c->quiet, t->key) == 0)
		return;

	c->told = xgrow(c->told, &c->captold, c->ntold + 1, sizeof(*c->told));
	x = &c->told[c->ntold++];
	x->group = xasprintf("%s\t%s", ri >= 0 ? c->ep->plan->roles[ri].id : "",
	                     per == PLAN_PER_JURISDICTION ? t->jurisdiction
	                     : per == PLAN_PER_ENTERPRISE ? t->subject : "");
	x->key = xstrdup(t->key);
	x->role = ri;
	x->line = xstrdup(line);
	x->what = what;
	x->next = SIZE_MAX;
	x->tail = idx;
	x->head = !hmap_get(&c->groups, x->group, &first);
	if (x->head) {
		hmap_put(&c->groups, x->group, idx);
	} else {
		c->told[c->told[first].tail].next = idx;
		c->told[first].tail = idx;
	}
}

/* One `changed` notice per owner: every line noted for it, numbered, in the order the
 * tasks were met. Its key names the version (or the instant of the import) and a hash of
 * whom, which tasks and what changed, so a load told twice tells nobody twice. */
static int
tell_owners(struct rctx *c)
{
	char stamp[32];
	char *source;
	int rc = 0;

	if (c->ntold == 0)
		return 0;
	if (c->old != NULL) {
		snprintf(stamp, sizeof(stamp), "v%u", (unsigned)c->ep->version);
		source = xasprintf("修订后的《%s》（第%u版）", c->ep->plan->title,
		                   (unsigned)c->ep->version);
	} else {
		snprintf(stamp, sizeof(stamp), "%lld", (long long)engine_now(c->en));
		source = xstrdup("更新后的登记册");
	}
	for (size_t i = 0; rc == 0 && i < c->ntold; i++) {
		struct buf items = BUF_INIT, id = BUF_INIT;
		const char **keys = NULL; /* each task is in one line only: no set needed */
		size_t capkeys = 0;
		struct store_task t;
		struct plan_target target = {PLAN_TARGET_ROLE, c->told[i].role};
		struct notice_var vars[6];
		struct notice_req r = {0};
		char count[24], moved[24] = "", gone[24] = "", back[24] = "", hash[SHA256_HEX_SIZE];
		char key[512], *who;
		size_t n = 0, nby[4] = {0};

		if (!c->told[i].head)
			continue; /* told with the first line of its group */
		buf_puts(&id, c->told[i].group);
		for (size_t k = i; k != SIZE_MAX; k = c->told[k].next) {
			buf_printf(&items, "%s　　%zu. %s", n ? "；\n" : "", n + 1, c->told[k].line);
			/* what changed is part of the key: two imports within one second that
			 * change the same tasks differently are two notices */
			buf_printf(&id, "\n%s\t%s", c->told[k].key, c->told[k].line);
			keys = xgrow(keys, &capkeys, n + 1, sizeof(*keys));
			keys[n] = c->told[k].key;
			nby[c->told[k].what]++;
			n++;
		}
		buf_puts(&items, "。");
		sha256_hex(buf_str(&id), id.len, hash);
		snprintf(key, sizeof(key), "%s/changed/%s/%.16s", c->ep->plan->id, stamp, hash);
		snprintf(count, sizeof(count), "%zu", n);
		if (nby[TOLD_MOVED] > 0)
			snprintf(moved, sizeof(moved), "%zu", nby[TOLD_MOVED]);
		if (nby[TOLD_CANCELLED] > 0)
			snprintf(gone, sizeof(gone), "%zu", nby[TOLD_CANCELLED]);
		if (nby[TOLD_REOPENED] > 0)
			snprintf(back, sizeof(back), "%zu", nby[TOLD_REOPENED]);
		vars[0] = (struct notice_var){"items", buf_str(&items)};
		vars[1] = (struct notice_var){"item_count", count};
		vars[2] = (struct notice_var){"date_source", source};
		vars[3] = (struct notice_var){"moved_count", moved};
		vars[4] = (struct notice_var){"cancelled_count", gone};
		vars[5] = (struct notice_var){"reopened_count", back};
		if ((rc = store_task_get(c->txn, c->told[i].key, &t, c->e)) == 0) {
			r.ep = c->ep;
			r.kind = "changed";
			r.fallback = "changed";
			r.key = key;
			r.task = &t;
			r.subject = t.subject;
			r.tasks = keys;
			r.ntasks = n;
			r.targets = &target;
			r.ntargets = 1;
			r.scheduled = engine_now(c->en);
			r.vars = vars;
			r.nvars = 6;
			rc = notice_queue(c->en, c->txn, &r, c->e);
			store_task_release(&t);
		}
		if (rc == 0) {
			char line[64];

			snprintf(line, sizeof(line), "%zu change%s", n, n == 1 ? "" : "s");
			who = xstrdup(c->told[i].group);
			*strchr(who, '\t') = ' ';
			sched_changes_note(c->ch, SCHED_TOLD, who, line);
			free(who);
		}
		buf_release(&items);
		buf_release(&id);
		free(keys);
	}
	free(source);
	return rc;
}

static void
told_release(struct rctx *c)
{
	for (size_t i = 0; i < c->ntold; i++) {
		free(c->told[i].group);
		free(c->told[i].key);
		free(c->told[i].line);
	}
	free(c->told);
	hmap_release(&c->groups);
}

static int
audit(struct rctx *c, const char *action, const struct store_task *t, const char *from,
      const char *to, struct buf *details)
{
	return engine_audit(c->en, c->txn, action, t->key, t->subject, from, to, buf_str(details),
	                    c->e);
}

/* Why a task is no longer given, for its record; *zh: the same for its owner, in words.
 * Both the caller's to free. */
static char *
gone_reason(struct rctx *c, const struct store_task *t, bool milestone_gone, char **zh)
{
	int mi = plan_milestone_index(c->ep->plan, t->milestone);
	const struct plan_milestone *m = mi >= 0 ? &c->ep->plan->milestones[mi] : NULL;
	struct store_subject s;
	struct dberr ignored;
	const char *misfit = NULL;
	char *why = NULL;
	int rc;

	if (milestone_gone) {
		*zh = xasprintf("修订后的方案已取消该事项");
		return xasprintf("its milestone %s is not in version %u of plan %s", t->milestone,
		                 (unsigned)c->ep->version, c->ep->plan->id);
	}
	*zh = xasprintf("修订后的方案已不再包括该期");
	if (m == NULL || m->for_ == PLAN_FOR_ONCE)
		return xasprintf("version %u of plan %s has no period %s of milestone %s any more",
		                 (unsigned)c->ep->version, c->ep->plan->id, t->period, t->milestone);
	dberr_clear(&ignored);
	rc = store_subject_get(c->txn, m->for_ == PLAN_FOR_ENTERPRISE ? STORE_ENTERPRISE
	                                                              : STORE_JURISDICTION,
	                       t->subject, &s, &ignored);
	if (rc != 0) {
		free(*zh);
		*zh = xasprintf("登记册中已无该单位");
		return xasprintf("its subject %s is not in the registry", t->subject);
	}
	misfit = sched_subject_misfit(c->en, c->txn, c->ep, m, &s);
	if (misfit != NULL)
		free(*zh);
	if (misfit != NULL && strcmp(misfit, "retired") == 0) {
		const char *rr = store_subject_field(&s, SCHED_RETIRED_REASON);
		const char *name = store_subject_field(&s, "name");
		int32_t day;
		char when[WORDS_DATE_MAX] = "";

		if (cal_parse_date(store_subject_field(&s, SCHED_RETIRED), &day) == 0)
			words_date_zh(day, when);
		*zh = xasprintf("%s已于%s退出登记%s%s%s", name ? name : t->subject, when,
		                rr && *rr ? "（原因：" : "", rr && *rr ? rr : "",
		                rr && *rr ? "）" : "");
		why = xasprintf("its subject was retired on %s: %s",
		                store_subject_field(&s, SCHED_RETIRED), rr ? rr : "");
	} else if (misfit != NULL && strcmp(misfit, "where") == 0) {
		*zh = xasprintf("根据更新后的登记信息，该事项已不适用于你单位");
		struct buf b = BUF_INIT;

		for (size_t i = 0; i < m->nwhere; i++) {
			const char *v = store_subject_field(&s, m->where[i].attr);

			buf_printf(&b, "%s%s: %s", i ? ", " : "", m->where[i].attr, v ? v : "(none)");
		}
		why = xasprintf("its subject no longer matches the milestone's where (now %s)",
		                buf_str(&b));
		buf_release(&b);
	} else if (misfit != NULL) {
		*zh = xasprintf("所属辖区已不在本方案的适用范围内");
		/* name the selector and what the jurisdiction has now, not a placeholder */
		const struct plan *p = c->ep->plan;
		struct store_subject js = {0};
		const struct store_subject *j = &s;
		struct buf b = BUF_INIT;
		const char *jid = store_subject_field(&s, "jurisdiction");

		dberr_clear(&ignored);
		if (s.kind != STORE_JURISDICTION && jid != NULL &&
		    store_subject_get(c->txn, STORE_JURISDICTION, jid, &js, &ignored) == 0)
			j = &js;
		for (size_t i = 0; i < p->nregistry; i++) {
			const char *v = store_subject_field(j, p->registry[i].attr);

			buf_printf(&b, "%s%s: ", i ? ", " : "", p->registry[i].attr);
			for (size_t k = 0; k < p->registry[i].nvalues; k++)
				buf_printf(&b, "%s%s", k ? "|" : "", p->registry[i].values[k]);
			buf_printf(&b, " (now %s)", v ? v : "none");
		}
		why = xasprintf("its subject is outside plan %s's registry (where %s)", p->id,
		                buf_str(&b));
		buf_release(&b);
		if (j == &js)
			store_subject_release(&js);
	} else if (m->due.kind == PLAN_DUE_FIELD &&
	           (store_subject_field(&s, m->due.field) == NULL ||
	            *store_subject_field(&s, m->due.field) == '\0')) {
		/* the registry lost the subject's own date: no plan was revised, and the words
		 * say so (review 10e, M-I) */
		free(*zh);
		*zh = xasprintf("登记册中已无该单位的%s（%s）",
		                strcmp(m->due.field, "rectify_by") == 0 ? "整改时限" : "时限",
		                m->due.field);
		why = xasprintf("the registry gives %s no %s any more", t->subject, m->due.field);
	} else {
		why = xasprintf("version %u of plan %s gives no period %s any more",
		                (unsigned)c->ep->version, c->ep->plan->id, t->period);
	}
	store_subject_release(&s);
	return why;
}

/* The task ends, cancelled for why (its record) and zh (its owner's notice). */
static int
cancel(struct rctx *c, struct store_task *t, const char *why, const char *zh)
{
	struct buf d = BUF_INIT;
	char *from = t->state;
	int rc;
	/* the milestone as its owner knew it: the version before's, when it had it (this one
	 * may have dropped it, or given it to another owner) */
	const struct plan *p = c->ep->plan;
	int mi = plan_milestone_index(p, t->milestone), omi;

	if (c->old != NULL && (omi = plan_milestone_index(c->old->plan, t->milestone)) >= 0) {
		p = c->old->plan;
		mi = omi;
	}

	t->state = PLAN_STATE_CANCELLED;
	t->updated_at = engine_now(c->en);
	t->gen++; /* its due entries are stale from now on */
	store_task_set_extra(t, "cancel_reason", why);
	/* the state it comes back in when a later version or import gives it again (reopen) */
	store_task_set_extra(t, SCHED_CANCELLED_FROM, from);
	rc = store_task_put(c->txn, t, c->e);
	buf_puts(&d, "{\"reason\":");
	buf_json_str(&d, why);
	buf_printf(&d, ",\"plan_version\":%u}", (unsigned)c->ep->version);
	if (rc == 0)
		rc = audit(c, "task.cancel", t, from, PLAN_STATE_CANCELLED, &d);
	if (rc == 0)
		sched_changes_note(c->ch, SCHED_CANCELLED, t->key, why);
	if (rc == 0 && mi >= 0) {
		const char *verb;
		char *what = sched_matter_words(p, &p->milestones[mi], t->period, &verb);
		char *line = xasprintf("%s：撤销，不再%s（%s）", what, verb, zh);

		tell(c, t, p, &p->milestones[mi], line, TOLD_CANCELLED);
		free(line);
		free(what);
	}
	t->state = from;
	buf_release(&d);
	return rc;
}

static int
rename_task(struct rctx *c, struct store_task *t, const struct plan_milestone *m)
{
	struct buf d = BUF_INIT;
	char *alias = xasprintf(SCHED_ALIAS_PREFIX "%s/%s/%s/%s", t->plan, m->id, t->subject,
	                        t->period);
	char *from = t->milestone;
	int rc;

	t->milestone = m->id;
	rc = store_task_put(c->txn, t, c->e);
	if (rc == 0 && strcmp(alias + strlen(SCHED_ALIAS_PREFIX), t->key) != 0)
		rc = store_meta_put(c->txn, alias, t->key, c->e);
	buf_puts(&d, "{\"from_milestone\":");
	buf_json_str(&d, from);
	buf_puts(&d, ",\"to_milestone\":");
	buf_json_str(&d, m->id);
	buf_printf(&d, ",\"plan_version\":%u}", (unsigned)c->ep->version);
	if (rc == 0)
		rc = audit(c, "task.rename", t, t->state, t->state, &d);
	/* noted by the caller once the task is known to be carried over, not cancelled */
	t->milestone = from; /* the record's copy owns the string */
	free(alias);
	buf_release(&d);
	return rc;
}

/* The subject's jurisdiction now: itself, or an enterprise's field. */
static char *
jurisdiction_now(struct rctx *c, const struct plan_milestone *m, const struct store_task *t)
{
	struct store_subject s;
	struct dberr ignored;
	char *j = NULL;

	if (m->for_ != PLAN_FOR_ENTERPRISE)
		return NULL;
	dberr_clear(&ignored);
	if (store_subject_get(c->txn, STORE_ENTERPRISE, t->subject, &s, &ignored) == 0) {
		const char *v = store_subject_field(&s, "jurisdiction");

		j = v ? xstrdup(v) : NULL;
		store_subject_release(&s);
	}
	return j;
}

static int
move_jurisdiction(struct rctx *c, struct store_task *t, const char *to)
{
	struct buf d = BUF_INIT;
	char *from = t->jurisdiction, line[160];
	int rc;

	t->jurisdiction = (char *)to;
	t->updated_at = engine_now(c->en);
	rc = store_task_put(c->txn, t, c->e);
	buf_puts(&d, "{\"from_jurisdiction\":");
	buf_json_str(&d, from);
	buf_puts(&d, ",\"to_jurisdiction\":");
	buf_json_str(&d, to);
	buf_putc(&d, '}');
	if (rc == 0)
		rc = audit(c, "task.move", t, t->state, t->state, &d);
	snprintf(line, sizeof(line), "%s -> %s", from, to);
	if (rc == 0)
		sched_changes_note(c->ch, SCHED_REASSIGNED, t->key, line);
	t->jurisdiction = from;
	buf_release(&d);
	if (rc == 0) {
		free(t->jurisdiction);
		t->jurisdiction = xstrdup(to);
	}
	return rc;
}

/* The task's date under the plan changed from `t->orig_*` to (due, deadline). */
/* A due as the preview lines show it: the date, and for a milestone due at a local
 * date-time the instant too, so that a due moved within its day does not read as "DATE ->
 * DATE" (review 10e, m-E). out >= 40 bytes. */
static void
due_shown(const struct rctx *c, const struct plan_milestone *m, int32_t day, int64_t deadline,
          char *out)
{
	if (m->due.kind == PLAN_DUE_DATETIME)
		tz_format_rfc3339(c->ep->tz, deadline, out);
	else
		cal_format_date(day, out);
}

static int
redate(struct rctx *c, struct store_task *t, const struct plan_milestone *m,
       const struct plan_lifecycle *lc, int st, int32_t due, int64_t deadline)
{
	int64_t now = engine_now(c->en);
	bool field = m->due.kind == PLAN_DUE_FIELD;
	bool decided = t->deadline != t->orig_deadline; /* grace or correction, not extended */
	struct buf d = BUF_INIT;
	char from[16], to[16], own[16], why[96], fdl[40], tdl[40], line[256], *state = t->state;
	char sfrom[40], sto[40];
	const char *kept = NULL;
	int64_t previous = t->deadline, gdl = 0;
	int32_t gday = 0;
	bool late = false, graced;
	int rc;

	cal_format_date(t->due_date, from);
	cal_format_date(due, to);
	due_shown(c, m, t->due_date, t->deadline, sfrom);
	due_shown(c, m, due, deadline, sto);
	if ((t->flags & STORE_TASK_EXTENDED) && deadline <= t->deadline) {
		/* a person's extension stands against a version or a registry sheet (often the
		 * county's own, which does not know of it) that would take time off it (review
		 * 10e, M-C); a later date gives more time and moves it: an extension never leaves
		 * the one who asked for time with less than its peers (review 10e, M-A) */
		const char *by = store_task_extra(t, "extended_by");

		cal_format_date(t->due_date, own);
		snprintf(why, sizeof(why), "kept: extended by hand to %s%s%s%s", own,
		         by ? " (" : "", by ? by : "", by ? ")" : "");
		kept = why;
	} else if (deadline <= now && !(field && t->deadline > now && st != lc->deadline_to))
		/* a subject's date already past, for a task still ahead of its own deadline, is
		 * brought forward as one too close to remind is (below): the stricter sheet must
		 * not have the weaker effect (review10g G5) */
		kept = "kept: the new deadline has passed";
	else if ((t->deadline <= now || st == lc->deadline_to) && !field)
		kept = "kept: its deadline has passed";
	else if (decided && !field && deadline <= t->deadline) {
		/* the plan's own date moved (from its original, not from the grace or correction
		 * date the task has, which made "2017-01-13 -> 2017-01-13"), the task's stays */
		cal_format_date(t->orig_due_date, from);
		due_shown(c, m, t->orig_due_date, t->orig_deadline, sfrom);
		cal_format_date(t->due_date, own);
		snprintf(why, sizeof(why), "kept: its grace or correction deadline %s is not "
		         "earlier", own);
		kept = why;
	}
	/* fair start for a date a version or the registry brings forward: when no reminder of
	 * the new date can reach the owners in time any more, they would lapse on a date
	 * nobody told them of (a re-import's 02-10 for 12-10 would lapse an enterprise
	 * tomorrow). The task then gets the grace period from now, but never a date later than
	 * the one they were told (that one stands, kept) nor earlier than the new one; and its
	 * owners are told of the change (docs/plan-format.md, "Plan versions";
	 * docs/registry-format.md). */
	if (kept == NULL && deadline < t->deadline) {
		if ((rc = sched_too_late(c->ep, m, due, deadline, now, &late, c->e)) != 0 ||
		    (late && (rc = sched_period_end(c->ep, now, &m->grace, &gday, &gdl, c->e)) != 0))
			return rc;
		if (late && gdl >= t->deadline) {
			cal_format_date(gday, own);
			snprintf(why, sizeof(why), "kept: too late to remind its owners of the earlier "
			         "date (grace would end %s)", own);
			kept = why;
		}
	}
	if (kept != NULL) {
		snprintf(line, sizeof(line), "%s -> %s  %s", sfrom, sto, kept);
		sched_changes_note(c->ch, SCHED_KEPT, t->key, line);
		return 0;
	}
	graced = late && gdl > deadline;
	tz_format_rfc3339(c->ep->tz, t->deadline, fdl);
	tz_format_rfc3339(c->ep->tz, graced ? gdl : deadline, tdl);
	store_task_set_extra(t, "previous_due_date", from);
	/* the plan's date moves with the plan; a subject's own date is the registry's, kept
	 * apart so original_due_date stays the date the task was given first */
	if (field) {
		store_task_set_extra(t, SCHED_REGISTRY_DUE, to);
	} else {
		t->orig_due_date = due;
		t->orig_deadline = deadline;
	}
	t->plan_version = c->ep->version;
	/* an extension this date passes is spent: the date is the plan's or the registry's */
	t->flags &= ~(uint32_t)STORE_TASK_EXTENDED;
	/* a subject's own date given again is time again, as an extension is */
	if (st == lc->deadline_to)
		t->state = lc->states[lc->initial];
	if (graced)
		store_task_set_extra(t, "grace_from", to);
	rc = sched_reschedule(c->en, c->txn, c->ep, t, graced ? gday : due,
	                      graced ? gdl : deadline, now, c->e);
	cal_format_date(graced ? gday : due, own);
	buf_printf(&d, "{\"plan_version\":%u,\"calendar_sha256\":\"%s\",\"from_due\":\"%s\","
	           "\"to_due\":\"%s\",\"from_deadline\":\"%s\",\"to_deadline\":\"%s\","
	           "\"why\":\"%s\"",
	           (unsigned)c->ep->version, c->ep->plan->calendar_sha256, from, to, fdl, tdl,
	           field ? "the subject's date" : "the plan's date");
	if (late)
		buf_printf(&d, ",\"too_late_to_remind\":true,\"task_due\":\"%s\"", own);
	buf_putc(&d, '}');
	if (rc == 0)
		rc = audit(c, "task.redate", t, state, t->state, &d);
	if (graced)
		snprintf(line, sizeof(line), "%s -> %s  grace until %s (too late to remind of the "
		         "earlier date), owner told", sfrom, sto, own);
	else if (late)
		snprintf(line, sizeof(line), "%s -> %s  owner told (too late to remind)", sfrom, sto);
	else
		snprintf(line, sizeof(line), "%s -> %s", sfrom, sto);
	if (rc == 0)
		sched_changes_note(c->ch, SCHED_MOVED, t->key, line);
	if (rc == 0) {
		/* the owners hear of every date a version or the registry moves, in one notice
		 * each (tell_owners): the date they were told is in their reminders and must not
		 * be left standing */
		const char *verb;
		char *what = sched_matter_words(c->ep->plan, m, t->period, &verb), *told;
		char wprev[WORDS_DEADLINE_MAX], wnew[WORDS_DEADLINE_MAX], wplan[WORDS_DEADLINE_MAX];

		words_deadline_zh(c->ep->tz, previous, wprev);
		words_deadline_zh(c->ep->tz, t->deadline, wnew);
		words_deadline_zh(c->ep->tz, deadline, wplan);
		if (graced)
			told = xasprintf("%s：截止时间由%s调整为%s（%s提前至%s，已来不及按期提醒，"
			                 "给予宽限期）", what, wprev, wnew,
			                 field ? "登记册将整改时限" : "修订后的方案将其", wplan);
		else if (field)
			told = xasprintf("%s：截止时间由%s调整为%s（登记册中的整改时限已调整）", what,
			                 wprev, wnew);
		else
			told = xasprintf("%s：截止时间由%s调整为%s", what, wprev, wnew);
		tell(c, t, c->ep->plan, m, told, TOLD_MOVED);
		free(told);
		free(what);
	}
	t->state = state;
	buf_release(&d);
	return rc;
}

/* "reminders 11-08 09:00, 11-14 09:00 -> 11-12 09:00" when the instants of one kind
 * differ (review 10e, m-G: the preview said only which tasks); "none" for no step, "?"
 * when the version before's are unknown. */
static void
times_shown(const struct rctx *c, const char *what, const int64_t *a, size_t na,
            const int64_t *b, size_t nb, struct buf *out)
{
	const int64_t *v[2] = {a, b};
	size_t n[2] = {na, nb};

	if (na == nb && (na > 16 || memcmp(a, b, nb * sizeof(*b)) == 0))
		return;
	buf_printf(out, "%s%s ", out->len ? "; " : "", what);
	for (int k = 0; k < 2; k++) {
		size_t shown = 0;

		if (k == 1)
			buf_puts(out, " -> ");
		if (n[k] > 16) {
			buf_putc(out, '?');
			continue;
		}
		for (size_t i = 0; i < n[k]; i++) {
			char local[32];

			if (v[k][i] == SCHEDULE_NONE)
				continue;
			tz_format_local(c->ep->tz, v[k][i], local);
			/* "2017-11-08 09:00 +08:00" -> "11-08 09:00" */
			buf_printf(out, "%s%.11s", shown++ ? ", " : "", local + 5);
		}
		if (shown == 0)
			buf_puts(out, "none");
	}
}

/* Same dates, another version: do its reminders and escalation steps fall elsewhere? */
static int
retime(struct rctx *c, struct store_task *t, const struct plan_milestone *m,
       const struct plan_milestone *om)
{
	struct task_times a, b;
	struct dberr ignored;
	struct buf d = BUF_INIT;
	int rc;

	if (c->old == NULL || om == NULL)
		return 0;
	dberr_clear(&ignored);
	if (schedule_times(c->old, om, t->due_date, t->deadline, &a, &ignored) != 0)
		memset(&a, 0xff, sizeof(a)); /* unknown: reschedule */
	if ((rc = schedule_times(c->ep, m, t->due_date, t->deadline, &b, c->e)) != 0)
		return rc;
	if (a.nremind == b.nremind && a.nescalate == b.nescalate &&
	    memcmp(a.remind, b.remind, b.nremind * sizeof(b.remind[0])) == 0 &&
	    memcmp(a.escalate, b.escalate, b.nescalate * sizeof(b.escalate[0])) == 0)
		return 0;
	t->plan_version = c->ep->version;
	rc = sched_reschedule(c->en, c->txn, c->ep, t, t->due_date, t->deadline,
	                      engine_now(c->en), c->e);
	buf_printf(&d, "{\"why\":\"reminders or escalations of version %u\",\"reminders\":%zu,"
	           "\"escalations\":%zu}", (unsigned)c->ep->version, b.nremind, b.nescalate);
	if (rc == 0)
		rc = audit(c, "task.reschedule", t, t->state, t->state, &d);
	if (rc == 0) {
		struct buf line = BUF_INIT;

		times_shown(c, "reminders", a.remind, a.nremind, b.remind, b.nremind, &line);
		times_shown(c, "escalations", a.escalate, a.nescalate, b.escalate, b.nescalate,
		            &line);
		sched_changes_note(c->ch, SCHED_REMINDERS, t->key, buf_str(&line));
		buf_release(&line);
	}
	buf_release(&d);
	return rc;
}

/* The milestone of old (by id) whose final states count: a task finished under the
 * version that made it is finished. */
static bool
finished(const struct rctx *c, const struct store_task *t)
{
	const struct engine_plan *eps[2] = {c->old, c->ep};

	if (plan_state_withdrawn(t->state))
		return true;
	for (size_t i = 0; i < 2; i++) {
		int mi = eps[i] ? plan_milestone_index(eps[i]->plan, t->milestone) : -1;
		const struct plan_lifecycle *lc;
		int st;

		if (mi < 0)
			continue;
		lc = &eps[i]->plan->lifecycles[eps[i]->plan->milestones[mi].lifecycle];
		st = plan_lifecycle_state(lc, t->state);
		if (st >= 0 && lc->final[st])
			return true;
	}
	return false;
}

static const struct plan_milestone *
renamed_to(const struct plan *p, const char *old_id)
{
	int i = plan_renamed_index(p, old_id);

	return i >= 0 ? &p->milestones[i] : NULL;
}

/* The milestone of p whose id the task's key names ("PLAN/MILESTONE/SUBJECT/PERIOD"): a
 * task renamed by one version and named again by its first id in a later one (the original
 * file loaded again) is that milestone's own task, not a task to cancel. */
static const struct plan_milestone *
by_key(const struct plan *p, const struct store_task *t)
{
	size_t lp = strlen(t->plan);
	const char *s, *end;
	char *id;
	int i;

	if (strncmp(t->key, t->plan, lp) != 0 || t->key[lp] != '/')
		return NULL;
	s = t->key + lp + 1;
	if ((end = strchr(s, '/')) == NULL)
		return NULL;
	/* looked up, not compared with every milestone: each task of a renamed milestone
	 * comes here (review 13f, C4) */
	id = xstrndup(s, (size_t)(end - s));
	i = plan_milestone_index(p, id);
	free(id);
	return i >= 0 ? &p->milestones[i] : NULL;
}

/* The milestone of the plan as it is now that gives task t: its own, the one renamed from
 * it, or the one its key names; NULL when none. */
static const struct plan_milestone *
given_by(const struct plan *p, const struct store_task *t)
{
	int mi = plan_milestone_index(p, t->milestone);
	const struct plan_milestone *m;

	if (mi >= 0)
		return &p->milestones[mi];
	if ((m = renamed_to(p, t->milestone)) != NULL)
		return m;
	return by_key(p, t);
}

/* Does milestone m give a task to t's subject at all? A milestone `for: once` gives one to
 * its owner role only; one for each jurisdiction or enterprise to such a subject, and, when
 * selected, one that fits (not retired, its `where` and the plan's registry: without it,
 * whether the subject is still selected is left to expansion, which says why). A
 * `renamed_from` onto a milestone with another `for` or owner, or the same id given to
 * one, does not carry the old owners' tasks over (review 10d, M-1; review 10e, H-D). */
static bool
gives_subject(struct rctx *c, const struct plan_milestone *m, const struct store_task *t,
              bool selected)
{
	struct store_subject s;
	struct dberr ignored;
	bool ok;

	if (m->for_ == PLAN_FOR_ONCE)
		return strcmp(t->subject, c->ep->plan->roles[m->owner].id) == 0;
	dberr_clear(&ignored);
	if (store_subject_get(c->txn, m->for_ == PLAN_FOR_ENTERPRISE ? STORE_ENTERPRISE
	                                                             : STORE_JURISDICTION,
	                      t->subject, &s, &ignored) != 0)
		return false;
	ok = !selected || sched_subject_misfit(c->en, c->txn, c->ep, m, &s) == NULL;
	store_subject_release(&s);
	return ok;
}

/* A task a load or an import cancelled because its milestone, period or subject was no
 * longer given, given again by this version or import (a milestone restored, a rename
 * undone, an enterprise listed again): it is live again under its own key, its history
 * kept (docs/plan-format.md, "Plan versions"). A task cancelled after it lapsed (in its
 * lifecycle's deadline state) comes back lapsed: its deadline and its lapse stand, no new
 * reminders, no grace, the escalation ladder goes on where it was (review 10e, H-A: two
 * loads must not give an overdue county a clean slate). Any other takes the state it was
 * cancelled in and the plan's date for it now, under the fair-start rule of a task made
 * now: a period of a recurring series whose deadline passed while it was cancelled stays
 * cancelled (as a new task would be not applicable); any other task too late to be met
 * gets the grace period from now. Its owner, told it was withdrawn, is told it is back. */
/* Another task than t gives milestone m's period of t's subject now: a live one under
 * m's own key, under the key of the milestone m is renamed from, or the one m's alias
 * names. Reopening t too would make a second set (review 10f, F5: versions loaded in a
 * repair order — v2 without `renamed_from`, then fixed; or revised, old, revised — gave
 * every county two tasks, two reminders and two lapses for one report). *key gets it
 * (caller frees). */
static bool
given_elsewhere(struct rctx *c, const struct plan_milestone *m, const struct store_task *t,
                char **key)
{
	const struct plan *p = c->ep->plan;
	char *cand[3] = {NULL, NULL, NULL}, *alias;
	struct dberr ignored;
	bool found = false;

	cand[0] = xasprintf("%s/%s/%s/%s", p->id, m->id, t->subject, t->period);
	if (m->renamed_from != NULL)
		cand[1] = xasprintf("%s/%s/%s/%s", p->id, m->renamed_from, t->subject, t->period);
	alias = xasprintf(SCHED_ALIAS_PREFIX "%s", cand[0]);
	dberr_clear(&ignored);
	if (store_meta_get(c->txn, alias, &cand[2], &ignored) != 0)
		cand[2] = NULL;
	free(alias);
	for (size_t i = 0; i < 3; i++) {
		struct store_task o;

		if (found || cand[i] == NULL || strcmp(cand[i], t->key) == 0)
			continue;
		dberr_clear(&ignored);
		if (store_task_get(c->txn, cand[i], &o, &ignored) != 0)
			continue;
		if (!plan_state_withdrawn(o.state)) {
			found = true;
			*key = xstrdup(cand[i]);
		}
		store_task_release(&o);
	}
	for (size_t i = 0; i < 3; i++)
		free(cand[i]);
	return found;
}

static int
reopen(struct rctx *c, struct store_task *t)
{
	const struct plan *p = c->ep->plan;
	const struct plan_milestone *m = given_by(p, t);
	const struct plan_lifecycle *lc;
	int64_t now = engine_now(c->en), deadline = t->deadline, gdl = 0;
	int32_t due = t->due_date, gday = 0;
	const char *was = store_task_extra(t, SCHED_CANCELLED_FROM), *verb;
	char *milestone = t->milestone, *what, *told, *state, *j;
	char wnew[WORDS_DEADLINE_MAX], dates[16], line[160];
	const char *because = c->old ? "修订后的方案重新包括该事项" : "更新后的登记册重新包括该事项";
	struct buf d = BUF_INIT;
	bool late = false, lapsed;
	int st, rc = 0;

	if (m == NULL || !gives_subject(c, m, t, true))
		return 0;
	if (given_elsewhere(c, m, t, &j)) {
		/* one task per milestone, subject and period: the live one stands (what its
		 * owners were told last), this one stays cancelled */
		snprintf(line, sizeof(line), "stays cancelled: %s gives its period of %s", j, m->id);
		sched_changes_note(c->ch, SCHED_KEPT, t->key, line);
		free(j);
		return 0;
	}
	lc = &p->lifecycles[m->lifecycle];
	st = was ? plan_lifecycle_state(lc, was) : -1;
	lapsed = st >= 0 && st == lc->deadline_to;
	if (!lapsed) {
		t->milestone = (char *)m->id; /* the period under the milestone that gives it now */
		rc = expand_task_due(c->en, c->txn, c->ep, t, &due, &deadline, c->e);
		t->milestone = milestone;
		if (rc == DB_ENOTFOUND) {
			dberr_clear(c->e);
			return 0;
		}
		if (rc != 0 || (rc = sched_too_late(c->ep, m, due, deadline, now, &late, c->e)) != 0)
			return rc;
		if (late && m->due.kind == PLAN_DUE_EVERY && deadline < now) {
			cal_format_date(due, dates);
			snprintf(line, sizeof(line), "stays cancelled: its deadline (%s) passed while it "
			         "was cancelled", dates);
			sched_changes_note(c->ch, SCHED_KEPT, t->key, line);
			return 0;
		}
		if (late && (rc = sched_period_end(c->ep, now, &m->grace, &gday, &gdl, c->e)) != 0)
			return rc;
	}
	j = jurisdiction_now(c, m, t); /* an enterprise may have moved while it was cancelled */
	if (j != NULL && strcmp(j, t->jurisdiction) != 0)
		rc = move_jurisdiction(c, t, j);
	free(j);
	if (rc != 0)
		return rc;
	if (strcmp(m->id, t->milestone) != 0) {
		if ((rc = rename_task(c, t, m)) != 0)
			return rc;
		free(t->milestone);
		t->milestone = xstrdup(m->id);
	}
	/* a state that waits on the owner; the one a lapse leads to only when it lapsed */
	if (st < 0 || lc->final[st])
		st = lc->initial;
	state = t->state;
	t->state = lc->states[st];
	t->plan_version = c->ep->version;
	if (!lapsed) {
		t->orig_due_date = due;
		t->orig_deadline = deadline;
		t->flags &= ~STORE_TASK_EXTENDED;
	}
	if (late && gdl > deadline) {
		cal_format_date(due, dates);
		store_task_set_extra(t, "grace_from", dates);
	} else {
		late = false;
	}
	/* cancel_reason and cancelled_from stay on its record: the last cancellation's, as the
	 * audit trail holds every one. A lapsed task's schedule goes on from now: its deadline
	 * is behind (applied already), its steps before now are never sent again. */
	rc = sched_reschedule(c->en, c->txn, c->ep, t, late ? gday : due, late ? gdl : deadline,
	                      now, c->e);
	cal_format_date(late ? gday : due, dates);
	buf_printf(&d, "{\"plan_version\":%u,\"milestone\":", (unsigned)c->ep->version);
	buf_json_str(&d, m->id);
	buf_printf(&d, ",\"due_date\":\"%s\",\"why\":\"%s\"%s%s}", dates,
	           c->old ? "the plan gives it again" : "the registry gives it again",
	           late ? ",\"too_late_to_remind\":true" : "",
	           lapsed ? ",\"lapsed\":true" : "");
	if (rc == 0)
		rc = engine_audit(c->en, c->txn, "task.reopen", t->key, t->subject, state, t->state,
		                  buf_str(&d), c->e);
	if (rc == 0) {
		snprintf(line, sizeof(line), "%s -> %s  due %s%s", state, t->state, dates,
		         lapsed ? " (lapsed before it was cancelled: still overdue)"
		         : late ? " (grace: too late to remind of the plan's date)" : "");
		sched_changes_note(c->ch, SCHED_REOPENED, t->key, line);
		what = sched_matter_words(p, m, t->period, &verb);
		words_deadline_zh(c->ep->tz, t->deadline, wnew);
		if (lapsed) {
			told = xasprintf("%s：恢复%s，截止时间%s已过，仍按逾期处理，请尽快%s（%s）", what,
			                 verb, wnew, verb, because);
		} else if (late) {
			char wplan[WORDS_DEADLINE_MAX];

			words_deadline_zh(c->ep->tz, deadline, wplan);
			told = xasprintf("%s：恢复%s，截止时间为%s（%s；原定%s已来不及按期提醒，给予"
			                 "宽限期）", what, verb, wnew, because, wplan);
		} else {
			told = xasprintf("%s：恢复%s，截止时间为%s（%s）", what, verb, wnew, because);
		}
		tell(c, t, p, m, told, TOLD_REOPENED);
		free(told);
		free(what);
	}
	t->state = state;
	buf_release(&d);
	return rc;
}

/* The task's milestone belongs to another role of the same kind under the new version (a
 * county's environment bureau -> its government, one enterprise role -> another): the task
 * is the same report (its key, history and lapses stay), handed over (review10j R3). The
 * old owner is told it no longer owes it, as for a milestone given to another office
 * ("撤销，不再报送（修订后的方案已将该事项调整为由县政府办理）"); the new owner gets a start
 * notice, and, when no reminder can reach it before the deadline any more, the grace period
 * a late arrival gets (its deadline kept when later). A lapse stays as it was: it happened
 * while the task was owed, its ladder goes on to the new owner. */
static int
hand_over(struct rctx *c, const char *key, const struct plan_milestone *m,
          const struct plan_milestone *om)
{
	const struct plan *p = c->ep->plan, *op = c->old->plan;
	const struct plan_lifecycle *lc = &p->lifecycles[m->lifecycle];
	const struct plan_role *to = &p->roles[m->owner], *from = &op->roles[om->owner];
	int64_t now = engine_now(c->en), gdl = 0;
	int32_t gday = 0;
	struct owner_notice n = {0};
	struct store_task t;
	struct buf d = BUF_INIT;
	char line[SCHED_CHANGE_LINE_MAX], day[16], part[16], *what, *told, *owner;
	const char *verb, *how;
	bool late = false;
	int st, rc;

	if ((rc = store_task_get(c->txn, key, &t, c->e)) != 0)
		return rc;
	st = plan_lifecycle_state(lc, t.state);
	n.previous = t.deadline;
	if (st >= 0 && (st == lc->deadline_to || (lc->deadline_from[st] && t.deadline < now)))
		n.handed = SCHED_HANDED_LAPSED;
	else if (st >= 0 && lc->deadline_from[st])
		rc = sched_too_late(c->ep, m, t.due_date, t.deadline, now, &late, c->e);
	else
		n.handed = SCHED_HANDED_WAITING;
	if (rc == 0 && late && (rc = sched_period_end(c->ep, now, &m->grace, &gday, &gdl,
	                                              c->e)) == 0)
		n.handed = gdl > t.deadline ? SCHED_HANDED_GRACE : SCHED_HANDED_KEPT;
	if (rc == 0 && n.handed == SCHED_HANDED_GRACE) {
		cal_format_date(t.due_date, day);
		store_task_set_extra(&t, "grace_from", day);
		rc = sched_reschedule(c->en, c->txn, c->ep, &t, gday, gdl, now, c->e);
	}
	if (rc != 0)
		goto out;
	buf_printf(&d, "{\"plan_version\":%u,\"from_owner\":", (unsigned)c->ep->version);
	buf_json_str(&d, from->id);
	buf_puts(&d, ",\"to_owner\":");
	buf_json_str(&d, to->id);
	cal_format_date(t.due_date, day);
	if (n.handed == SCHED_HANDED_GRACE)
		buf_printf(&d, ",\"too_late_to_remind\":true,\"grace_until\":\"%s\"", day);
	else if (n.handed == SCHED_HANDED_KEPT)
		buf_printf(&d, ",\"too_late_to_remind\":true,\"deadline_kept\":\"%s\"", day);
	buf_putc(&d, '}');
	if ((rc = audit(c, "task.handover", &t, t.state, t.state, &d)) != 0)
		goto out;
	how = n.handed == SCHED_HANDED_GRACE ? "  grace until " : n.handed == SCHED_HANDED_KEPT
	      ? "  too late to remind, keeps " : n.handed == SCHED_HANDED_LAPSED ? "  still overdue, due "
	      : n.handed == SCHED_HANDED_WAITING ? "  handed in, waiting for review; due " : "  due ";
	snprintf(line, sizeof(line), "%s -> %s%s%s", from->id, to->id, how, day);
	sched_changes_note(c->ch, SCHED_HANDED_OVER, t.key, line);
	/* the old owner, as the owner of the milestone it knew */
	what = sched_matter_words(op, om, t.period, &verb);
	told = xasprintf("%s：撤销，不再%s（修订后的方案已将该事项调整为由%s办理）", what, verb,
	                 to->title);
	tell(c, &t, op, om, told, TOLD_CANCELLED);
	free(told);
	free(what);
	/* the new owner: its first word about the task, with its date */
	n.kind = "start";
	n.handed_from = from->title;
	n.plan_late = true;
	snprintf(part, sizeof(part), "h%u", (unsigned)c->ep->version);
	owner = xasprintf("%s\t%s", to->id, to->per == PLAN_PER_JURISDICTION ? t.jurisdiction
	                                      : to->per == PLAN_PER_ENTERPRISE ? t.subject : "");
	sched_starts_add(&c->starts, owner, t.key, part, &n);
	free(owner);
out:
	buf_release(&d);
	store_task_release(&t);
	return rc;
}

static int
one(struct rctx *c, struct store_task *t)
{
	const struct plan *p = c->ep->plan;
	const struct plan_milestone *m, *om = NULL;
	const struct plan_lifecycle *lc;
	int mi = plan_milestone_index(p, t->milestone), omi, st, rc;
	int32_t due, ref_due = t->orig_due_date;
	int64_t deadline, ref_deadline = t->orig_deadline;
	const char *rd;
	char *j, *why, *zh;
	bool renamed = false, handed;

	if (strcmp(t->state, PLAN_STATE_CANCELLED) == 0)
		return reopen(c, t);
	if (finished(c, t))
		return 0;
	omi = c->old ? plan_milestone_index(c->old->plan, t->milestone) : -1;
	if (omi >= 0)
		om = &c->old->plan->milestones[omi];
	if (mi < 0) {
		if ((m = given_by(p, t)) == NULL) {
			why = gone_reason(c, t, true, &zh);
			rc = cancel(c, t, why, zh);
			free(why);
			free(zh);
			return rc;
		}
		if (!gives_subject(c, m, t, true)) {
			/* renamed onto a milestone another owner or `for` has: the old owners' tasks
			 * end, and they are told so (as the owners of the milestone they knew) */
			why = xasprintf("milestone %s, renamed from %s in version %u, gives no task to "
			                "%s", m->id, t->milestone, (unsigned)c->ep->version, t->subject);
			zh = xasprintf("修订后的方案已将该事项调整为由%s办理", p->roles[m->owner].title);
			rc = cancel(c, t, why, zh);
			free(why);
			free(zh);
			return rc;
		}
		if ((rc = rename_task(c, t, m)) != 0)
			return rc;
		renamed = true;
		free(t->milestone);
		t->milestone = xstrdup(m->id);
		mi = (int)(m - p->milestones);
	}
	m = &p->milestones[mi];
	if (!renamed && !gives_subject(c, m, t, false)) {
		/* the same id given to another owner or `for` (a county's report made the
		 * detachment's summary): the old owners' tasks end, and they are told, as for a
		 * rename onto it (review 10e, H-D) */
		why = xasprintf("milestone %s of version %u gives no task to %s (its owner or `for` "
		                "changed)", m->id, (unsigned)c->ep->version, t->subject);
		zh = xasprintf("修订后的方案已将该事项调整为由%s办理", p->roles[m->owner].title);
		rc = cancel(c, t, why, zh);
		free(why);
		free(zh);
		return rc;
	}
	lc = &p->lifecycles[m->lifecycle];
	if ((st = plan_lifecycle_state(lc, t->state)) < 0)
		return dberr_set(c->e, DB_EDATA, "plan %s version %u: task %s is in state '%s', "
		                 "which lifecycle '%s' of milestone %s does not have: keep the state, "
		                 "or finish the task first", p->id, (unsigned)c->ep->version, t->key,
		                 t->state, lc->id, m->id);
	rc = expand_task_due(c->en, c->txn, c->ep, t, &due, &deadline, c->e);
	/* a renamed milestone's task is carried over only when the new version still gives
	 * its period: one cancelled (a shorter `until`) is counted as cancelled, not both */
	if (renamed && rc != DB_ENOTFOUND)
		sched_changes_note(c->ch, SCHED_RENAMED, t->key, m->id);
	if (rc == DB_ENOTFOUND) {
		dberr_clear(c->e);
		why = gone_reason(c, t, false, &zh);
		rc = cancel(c, t, why, zh);
		free(why);
		free(zh);
		return rc;
	}
	if (rc != 0)
		return rc;
	/* a subject's date is compared with the one the registry gave last */
	rd = m->due.kind == PLAN_DUE_FIELD ? store_task_extra(t, SCHED_REGISTRY_DUE) : NULL;
	if (rd != NULL && cal_parse_date(rd, &ref_due) == 0)
		ref_deadline = schedule_end_of_day(c->ep, ref_due);
	j = jurisdiction_now(c, m, t);
	if (j != NULL && strcmp(j, t->jurisdiction) != 0)
		rc = move_jurisdiction(c, t, j);
	free(j);
	if (rc != 0)
		return rc;
	/* a registry change (an import, a retirement) reaches only the dates the registry
	 * gives: a subject's own (due: {field}) and those counted from subjects' arrivals
	 * (after); a plan's own date was decided at its version's load, kept or moved, and an
	 * unrelated import must not re-decide it (review10h K3, K7: an extension to 03-17 was
	 * moved to the version's 03-20, and every import re-listed the version's kept lines) */
	if (c->old == NULL && m->due.kind != PLAN_DUE_FIELD && m->due.kind != PLAN_DUE_AFTER)
		return 0;
	/* the same kind of owner, another role: handed over once its date is the version's */
	handed = c->old != NULL && om != NULL &&
	         strcmp(c->old->plan->roles[om->owner].id, p->roles[m->owner].id) != 0;
	c->quiet = handed ? t->key : NULL;
	if (due != ref_due || deadline != ref_deadline)
		rc = redate(c, t, m, lc, st, due, deadline);
	else
		rc = retime(c, t, m, om);
	c->quiet = NULL;
	if (rc == 0 && handed)
		rc = hand_over(c, t->key, m, om);
	return rc;
}

/* A hand-in judged incomplete by the version before, judged again by this one's `requires`
 * (review10j R2: a version dropping a required section left a county that had handed in
 * every section now required `incomplete`, reminded as if its report had been returned,
 * lapsing and counted). Holding every section now required, it is complete: it goes where
 * a complete hand-in goes (waiting for review) and nothing chases it; a lapse already
 * recorded stays, as a late hand-in's does. Still lacking sections, its notices name those
 * this version requires. Audited (task.rejudge, before and after), listed, and its owner
 * told in the version's `changed` notice. A returned report is not judged again: a person
 * sent it back. */
static int
rejudge(struct rctx *c, const char *key)
{
	const struct plan *p = c->ep->plan;
	const struct plan_milestone *m;
	const struct plan_lifecycle *lc;
	struct store_task t;
	struct buf missing = BUF_INIT, d = BUF_INIT, titles = BUF_INIT;
	const char *was, *verb, *back;
	char *from, *what, *line;
	int mi, st, to, rc;

	if ((rc = store_task_get(c->txn, key, &t, c->e)) != 0)
		return rc;
	mi = plan_milestone_index(p, t.milestone);
	was = store_task_extra(&t, "missing");
	back = store_task_extra(&t, "came_back");
	if (mi < 0 || was == NULL || *was == '\0' ||
	    store_task_extra(&t, "submitted_at") == NULL || (back != NULL && *back != '\0'))
		goto out;
	m = &p->milestones[mi];
	lc = &p->lifecycles[m->lifecycle];
	st = plan_lifecycle_state(lc, t.state);
	if (st < 0 || (st != lc->incomplete && st != lc->deadline_to))
		goto out;
	sched_missing_sections(m, store_task_extra(&t, "sections"), &missing, &titles);
	if (strcmp(buf_str(&missing), was) == 0)
		goto out;
	to = st;
	if (missing.len == 0 && lc->submit_event >= 0) {
		int nx = lc->table[(size_t)st * lc->nevents + (size_t)lc->submit_event];

		if (nx >= 0 && !lc->deadline_from[nx] && nx != lc->deadline_to && nx != lc->incomplete)
			to = nx;
	}
	buf_puts(&d, "{\"missing_before\":");
	buf_json_str(&d, was);
	buf_puts(&d, ",\"missing\":");
	buf_json_str(&d, buf_str(&missing));
	buf_printf(&d, ",\"plan_version\":%u}", (unsigned)c->ep->version);
	store_task_set_extra(&t, "missing", buf_str(&missing));
	from = t.state;
	t.state = xstrdup(lc->states[to]);
	t.updated_at = engine_now(c->en);
	if ((rc = store_task_put(c->txn, &t, c->e)) == 0)
		rc = audit(c, "task.rejudge", &t, from, t.state, &d);
	what = sched_matter_words(p, m, t.period, &verb);
	line = missing.len == 0
	       ? xasprintf("%s：按修订后的方案，你单位已%s的内容已齐全，无需补正%s", what, verb,
	                   to != st ? "，转入审核" : "")
	       : xasprintf("%s：按修订后的方案，尚缺%s，请补正", what, buf_str(&titles));
	if (rc == 0) {
		char *note = missing.len ? xasprintf("still missing: %s", buf_str(&missing))
		                         : xasprintf("complete: %s -> %s", from, t.state);

		sched_changes_note(c->ch, SCHED_REJUDGED, t.key, note);
		free(note);
		tell(c, &t, p, m, line, TOLD_REJUDGED);
	}
	free(line);
	free(what);
	free(from);
out:
	buf_release(&missing);
	buf_release(&d);
	buf_release(&titles);
	store_task_release(&t);
	return rc;
}

/* Keys first, then the changes: a task's record is read and written by key, never under
 * the scan that found it. */
struct keys {
	char **v;
	size_t n, cap;
};

static int
key_cb(const struct store_task *t, void *arg)
{
	struct keys *k = arg;

	/* cancelled by a load or import (a reason on record): it may be given again */
	if (plan_state_withdrawn(t->state) && (strcmp(t->state, PLAN_STATE_CANCELLED) != 0 ||
	                                      store_task_extra(t, "cancel_reason") == NULL))
		return 0;
	k->v = xgrow(k->v, &k->cap, k->n + 1, sizeof(*k->v));
	k->v[k->n++] = xstrdup(t->key);
	return 0;
}

/* A milestone id the new version gives to a new milestone while the tasks of the one an
 * earlier version renamed from it keep their keys under it (PLAN/ID/...: a rename keeps
 * the keys) and that renamed milestone is still in the plan: the new milestone's tasks
 * would have those very keys, and expansion, finding them taken, would make none while
 * `simulate` shows them (review 10e, H-B). Refused (DB_ESTATE), naming both. */
struct clash {
	const struct plan *p;
	const char *id;
	char *holder, *key;
};

static int
clash_cb(const struct store_task *t, void *arg)
{
	struct clash *c = arg;

	if (strcmp(t->milestone, c->id) == 0 || plan_milestone_index(c->p, t->milestone) < 0)
		return 0;
	c->holder = xstrdup(t->milestone);
	c->key = xstrdup(t->key);
	return 1;
}

static int
key_clash(struct store_txn *txn, const struct engine_plan *ep, struct dberr *e)
{
	const struct plan *p = ep->plan;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < p->nmilestones; i++) {
		struct clash c = {p, p->milestones[i].id, NULL, NULL};
		char *prefix = xasprintf("%s/%s/", p->id, c.id);

		rc = store_task_each(txn, prefix, clash_cb, &c, e);
		if (rc == 1)
			rc = dberr_set(e, DB_ESTATE, "plan %s version %u: milestone %s would make its "
			               "tasks under keys that milestone %s (renamed from %s) still holds, "
			               "e.g. %s (a rename keeps its tasks' keys): give the new milestone "
			               "another id", p->id, (unsigned)ep->version, c.id, c.holder, c.id,
			               c.key);
		free(c.holder);
		free(c.key);
		free(prefix);
	}
	return rc;
}

int
reconcile_plan(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
               const struct engine_plan *old, struct sched_changes *ch, struct dberr *e)
{
	struct rctx c = {en, txn, ep, old, ch, e, NULL, 0, 0, HMAP_INIT, NULL, {NULL, 0, 0}};
	struct keys k = {0};
	char *prefix = xasprintf("%s/", ep->plan->id);
	int rc = store_task_each(txn, prefix, key_cb, &k, e);

	for (size_t i = 0; rc == 0 && i < k.n; i++) {
		struct store_task t;

		if ((rc = store_task_get(txn, k.v[i], &t, e)) != 0)
			break;
		rc = one(&c, &t);
		store_task_release(&t);
		if (rc == 0 && old != NULL)
			rc = rejudge(&c, k.v[i]);
	}
	if (rc == 0 && old != NULL)
		rc = key_clash(txn, ep, e);
	if (rc == 0)
		rc = tell_owners(&c);
	if (rc == 0)
		rc = sched_starts_tell(en, txn, ep, &c.starts, e);
	sched_starts_release(&c.starts);
	free(c.starts.v);
	told_release(&c);
	for (size_t i = 0; i < k.n; i++)
		free(k.v[i]);
	free(k.v);
	free(prefix);
	return rc;
}
