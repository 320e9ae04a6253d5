/*
 * sched_int.h - what the scheduler's files share: giving a task a new schedule, the
 * notices that tell a task's owner what happened to it, storing one parsed plan as a new
 * version inside a caller's transaction (loading.c; `load`, and `calendar-update` for
 * several plans in one transaction, calupdate.c), and what a new version's calendars
 * change against the stored version's (calversions.c). Not for use outside engine/sched/.
 */
#ifndef DABIAO_SCHED_INT_H
#define DABIAO_SCHED_INT_H

#include "base/buf.h"
#include "engine/sched/sched.h"

/* Gives task t a new schedule: its due date and deadline become due_date and deadline,
 * its generation goes up (every due entry of the old schedule becomes stale), its
 * schedule begins at `from` (reminders and escalation steps before it are never sent;
 * schedule_from() in engine.h) and its new due entries are put. Writes the task. t's
 * strings may be replaced (it stays the caller's to release). Errors: the store's,
 * schedule_times'. */
int sched_reschedule(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                     struct store_task *t, int32_t due_date, int64_t deadline, int64_t from,
                     struct dberr *e);

/* The task's deadline passes in a state that owes something (lapse): it moves to the
 * lifecycle's deadline state, flagged lapsed, with its audit record (planned: the lapse's
 * own instant, the deadline's next second, whoever applies it) and its count for the
 * conduct rules at counted (the scheduler: when the deadline passed, however late the
 * entry is applied; a person's action that makes the task overdue at once: now). A lapse
 * made after a schedule that began past the deadline (a person's action) gets its
 * escalation ladder counted from now (extra ladder_from, schedule_task). A task in any
 * other state is left alone (0). t is written; its strings stay the caller's. Errors: the
 * store's. */
int sched_lapse(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                const struct plan_lifecycle *lc, struct store_task *t, int64_t planned,
                int64_t counted, struct dberr *e);

/* Whether a task of milestone m due (due_date, deadline) is too late to be met when it is
 * made, or its date moved, at now (docs/plan-format.md, "Fair start"): its deadline passed,
 * or its last reminder's time, or (no reminders) the grace period before its due began.
 * Errors: DB_EDATA (no working day to count the grace from), schedule_times'. */
int sched_too_late(const struct engine_plan *ep, const struct plan_milestone *m,
                   int32_t due_date, int64_t deadline, int64_t now, bool *late,
                   struct dberr *e);

/* The end of the local day `period` (d or wd) after the local day of instant t: a grace or
 * correction deadline; a `d` period ending on a day off ends on the next working day when
 * the plan's due_on_holiday is next-workday. *day receives that day. Errors: DB_EDATA (no
 * working day within ten years). */
int sched_period_end(const struct engine_plan *ep, int64_t t, const struct plan_offset *period,
                     int32_t *day, int64_t *deadline, struct dberr *e);

/* Meta records "alias/<key a task would have>" -> "<the key it has>": the tasks of a
 * renamed milestone keep their keys (reconcile.c), and expansion must not make them again. */
#define SCHED_ALIAS_PREFIX "alias/"

/* A subject's field set by `dabiao retire`: the date it was retired; it gets no new
 * tasks. */
#define SCHED_RETIRED "retired"
/* A task's extra: the subject's date (due: {field}) a registry import last moved it to;
 * its original_due_date stays the date it was made with. */
#define SCHED_REGISTRY_DUE "registry_due_date"
#define SCHED_RETIRED_REASON "retired_reason"
/* A task's extra: the state it was in when a load or import cancelled it because its
 * milestone, period or subject was no longer given; it comes back in that state when a
 * later version or import gives it again (reconcile.c, "reopen"). */
#define SCHED_CANCELLED_FROM "cancelled_from"
/* A task's extra: the escalation steps already sent for its current lapse, a bit per step
 * (decimal): a step is sent once per lapse, whatever replaces its schedule (an extension
 * that leaves the task lapsed, a version that retimes the ladder); a new lapse clears it
 * (sched_lapse). */
#define SCHED_LADDER_SENT "ladder_sent"

/* Why subject s gets no task of milestone m under plan ep: "retired", "where" (it does not
 * match the milestone's where), "registry" (outside the plan's registry: {where}), or NULL
 * when it fits. Cannot fail. */
const char *sched_subject_misfit(struct engine *en, struct store_txn *txn,
                                 const struct engine_plan *ep, const struct plan_milestone *m,
                                 const struct store_subject *s);

/* What an owner notice says beyond the task itself. */
struct owner_notice {
	const char *kind;        /* returned, accepted, extended, start */
	const char *keypart;     /* what makes its key unique for the task: a time, a gen */
	const char *by;          /* who acted, or NULL */
	const char *reason;      /* why, or NULL */
	int64_t previous;        /* the deadline before the change, or 0 */
	bool previous_passed;    /* start: that deadline was behind when the task was made */
	bool deadline_kept;      /* start: the task keeps its own deadline, later than the
	                          * grace period's end: no grace is given */
	const char *source;      /* where a new date came from when no person decided it
	                          * (a registry import), or NULL */
	bool submit_to;          /* also to the milestone's submit_to role */
	bool plan_late;          /* start: late because the plan (or milestone) came late, not
	                          * the subject: the text must not say the unit joined late */
	int64_t handed_in;       /* extended: the hand-in waiting for review (its receipt), or
	                          * 0: the owner owes nothing until it is reviewed */
	bool handed_in_late;     /* extended: that hand-in is late even as of the new deadline */
	const char *handed_from; /* start: a version gave the task to this owner; the title of
	                          * the role that had it (review10j R3), or NULL */
	enum sched_handed {      /* start, handed over: what the new owner is told */
		SCHED_HANDED_AHEAD,  /* its deadline and a reminder still ahead: it stands */
		SCHED_HANDED_GRACE,  /* too late to be reminded: the grace period from now */
		SCHED_HANDED_KEPT,   /* too late to be reminded, its deadline later than a grace */
		SCHED_HANDED_LAPSED, /* its deadline passed while the other owner had it */
		SCHED_HANDED_WAITING /* handed in by the other owner, waiting for review */
	} handed;
};

/* Start notices held until a load, a version or an import is done, so that each owner is
 * told once (review 10e, m-K): one with one task gets that task's own notice
 * (TASK#start#KEYPART), one with several one notice listing them (sched_start_list). */
struct sched_start_note {
	char *owner;             /* "ROLE\tJURISDICTION-OR-ENTERPRISE": whom it goes to */
	char *key;               /* the task */
	char keypart[16];        /* its notice's key part (n.keypart is set from it) */
	struct owner_notice n;
	size_t seq;              /* the order the tasks were met: the order they are listed */
};
struct sched_starts {
	struct sched_start_note *v;
	size_t n, cap;
};
/* Holds a start notice about task key for owner (both copied), n's pointers borrowed until
 * sched_starts_tell. Cannot fail. */
void sched_starts_add(struct sched_starts *s, const char *owner, const char *key,
                      const char *keypart, const struct owner_notice *n);
/* Queues the held notices of plan ep, one per owner. Errors: the store's, notice_queue's.
 * The notes stay held (sched_starts_release). */
int sched_starts_tell(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                      struct sched_starts *s, struct dberr *e);
/* Forgets the held notes (kept: the array, for the next plan). Cannot fail. */
void sched_starts_release(struct sched_starts *s);

/* The sections m requires that declared (ids, comma-separated; NULL: none) lacks, appended
 * to out as ids joined by "、" (the form a task's `missing` keeps) and, when titles is not
 * NULL, to titles in words (“问题清单”、“下一步工作安排”). Cannot fail. */
void sched_missing_sections(const struct plan_milestone *m, const char *declared,
                            struct buf *out, struct buf *titles);

/* What the task is, in the words the notices use: "2017年11月《年度报告》" when it is
 * handed in (its lifecycle takes a submission and it names a receiver; *verb "报送"),
 * else "2017年11月完成培训" (*verb "完成"). m belongs to plan p. Caller frees. */
char *sched_matter_words(const struct plan *p, const struct plan_milestone *m,
                         const char *period, const char **verb);

/* Queues a notice of n->kind about task t to its owner (and submit_to), now, with the
 * template values acted_by, reason, previous_deadline_zh, deadline_passed, previous_passed,
 * deadline_kept, date_source, plan_late, handed_in_zh and handed_in_late. Errors:
 * notice_queue's. */
int sched_owner_notice(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                       const struct store_task *t, const struct owner_notice *n,
                       struct dberr *e);

/* One `start` notice to the owner of several late arrivals made at once (one load or
 * import: ns[i] says how task keys[i] came late), listing each with its original and its
 * new deadline, instead of one notice per task (review 10e, m-K); its key is
 * PLAN/start/UNIXTIME/HASH (whom and which tasks), its template `start-list`, and it
 * carries each task's blank form. keys are of one plan (ep) and one owner, n >= 2.
 * Errors: the store's, notice_queue's. */
int sched_start_list(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                     char *const *keys, const struct owner_notice *ns, size_t n,
                     struct dberr *e);

/* One plan being stored: the new version's plan (taken by the engine once placed), its
 * file and bytes, and what storing it did. */
struct load_arg {
	struct engine *en;
	struct plan *plan;   /* owned by the engine once placed there */
	bool placed;
	const char *path;
	char *source;
	size_t len;
	struct load_result *res;
	const char *action;  /* the audit action of a new version: plan.load, plan.calendar */
	unsigned flags;      /* SCHED_LOAD_* */
	const struct store_plan_template *tpls; /* the plan's own templates, as stored with */
	size_t ntpls;                           /* the version (borrowed) */
};

/* Inside txn: a's plan becomes the plan's next version when its file, its resolved days or
 * its calendars' sources changed (else the current one stays), placed in the engine,
 * expanded, and a new version's dates reach the open tasks. Refuses (DB_EUSAGE) a version
 * whose calendars cover fewer years than the stored version's unless a->flags has
 * SCHED_LOAD_FEWER_YEARS. Safe to run again in a redone transaction. */
int sched_load_txn(struct store_txn *txn, void *arg, struct dberr *e);
/* After a transaction of sched_load_txn failed or was thrown away: the plan a placed goes
 * back out of the engine (the engine frees it), or is freed when it was never placed. */
void sched_load_unplace(struct load_arg *a);

/* ---- calversions.c ---- */
/* The sources hash (plan.h calendar_sources_sha256) of the stored version cur: from the
 * engine's plan when it runs that version, else cur parsed again. Errors: the parser's. */
int calversions_stored_sources(struct engine *en, const struct store_plan *cur, char out[65],
                               struct dberr *e);
/* Each calendar p uses, against the copy of the same name stored with cur: appends to
 * notes a line "NAME: ...\n" when it now comes from another file or covers fewer years,
 * and sets *lost when some year is no longer covered. Cannot fail. */
void calversions_compare(const struct plan *p, const struct store_plan *cur,
                         struct buf *notes, bool *lost);

#endif
