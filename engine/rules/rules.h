/*
 * rules.h - producers of notices beyond a task's own schedule: the conduct rules (约谈 and
 * 限批 warnings, seed 四（二）) and the decision on them, the daily digest and the monthly
 * dispatch (按月调度).
 *
 * Each *_fire is the scheduler's handler for its kind of due entry (sched.c's table): it
 * runs inside the scheduler's transaction, queues its notice (notice_queue) and writes its
 * audit record there. late: applied after downtime, so the notice says so. A due entry
 * whose plan is no longer loaded does nothing (0). Errors: the store's and notice_queue's.
 */
#ifndef DABIAO_RULES_H
#define DABIAO_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "engine/notice/notice.h"
#include "engine/report/report.h"
#include "notifiers/message.h"

/* ---- conduct rules (conduct.c) and their warnings (warning.c) ---- */
/* Counts an event of task at time t for its jurisdiction under every rule that counts it
 * (why: "lapse", "escalation", or a flag's kind: concealed, falsified, omitted), once per
 * task and kind, and puts the rule's evaluation (a STORE_DUE_CONDUCT entry) at the next
 * notify_at. A task of no jurisdiction counts for none (0). Errors: the store's. */
int conduct_note(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                 const struct store_task *task, int64_t t, const char *why, struct dberr *e);
/* The other way: task's event of kind why is no longer counted by any rule (a lapse voided
 * by a hand-in received before it and recorded after, docs/plan-format.md): the rules'
 * next evaluations count without it; the warnings that counted it are
 * conduct_void_warnings' business. *n (may be NULL) is increased by the rule states it
 * left. Errors: the store's. */
int conduct_unnote(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                   const struct store_task *task, const char *why, size_t *n,
                   struct dberr *e);
/* The warnings behind which task's lapse (and the escalations that followed from it) was
 * counted, after that lapse was voided (conduct_unnote's case; by NULL: by a hand-in
 * received before it and recorded after; else by a back-dated extension `by` granted for
 * reason, which the deciders are told instead): a proposal whose events
 * left fall below its rule's threshold is withdrawn (state withdrawn), one still at or
 * above it is proposed again with the true count (a new number; the old one superseded),
 * and the deciding roles are told either way (a `candidates` notice saying what changed);
 * a warning already sent keeps its state and records the voided events (its `voided`
 * list, which `warnings`, the dispatch and the web show). Each change is audited
 * (conduct.withdraw, conduct.propose with "replaces", conduct.void). Errors: the store's
 * and notice_queue's. */
int conduct_void_warnings(struct engine *en, struct store_txn *txn,
                          const struct engine_plan *ep, const struct store_task *task,
                          const char *by, const char *reason, struct dberr *e);
/* The same for task's flag of kind (concealed, falsified, omitted) withdrawn by `by` for
 * reason (`flag --withdraw`): the proposals that counted it are brought to the truth, the
 * deciders told why; a sent warning records it among its voided events. Errors: as
 * conduct_void_warnings'. */
int conduct_void_flag(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                      const struct store_task *task, const char *kind, const char *by,
                      const char *reason, struct dberr *e);
/* STORE_DUE_CONDUCT: evaluates one rule for one jurisdiction over its window; when the
 * count is reached and something new came in since its last warning, warns once with the
 * true count: sent at once, or (a rule with `decide`) proposed to the deciding roles. */
int conduct_fire(struct engine *en, struct store_txn *txn, const struct store_due *d,
                 bool late, struct dberr *e);
/* STORE_DUE_CANDIDATES: the candidate list (约谈/限批候选名单) of a rule's warnings
 * awaiting a decision, to the rule's deciding roles. */
int candidates_fire(struct engine *en, struct store_txn *txn, const struct store_due *d,
                    bool late, struct dberr *e);

/* An accountability flag's kind, or several counted once for one task ("concealed",
 * "concealed+omitted", as the conduct state keeps them), in the bureau's words: 瞒报, 瞒报、
 * 漏报; anything else is returned as it is. Static storage (or kind). Cannot fail. */
const char *conduct_flag_zh(const char *kind);

/* One event behind a warning. */
struct conduct_item {
	int64_t at;       /* when it was counted (clock time) */
	char *why;        /* lapse, escalation, concealed, falsified, omitted */
	char *task;       /* the task's key */
};

/* A warning, proposed or made. Strings owned by the record (conduct_warning_release). */
struct conduct_warning {
	char *id;                 /* the store's number for it ("12"), what `dabiao decide`
	                             takes and the candidate list names */
	char *plan, *kind, *jurisdiction;
	unsigned seq;             /* the rule's count of warnings for the jurisdiction: its
	                             notice's key PLAN/conduct/KIND/JURISDICTION/SEQ */
	char *state;              /* proposed, sent, dismissed, superseded, withdrawn (the
	                             events it needed were voided before a decision) */
	size_t rule;              /* index of the rule in the plan version that made it */
	int64_t at;               /* when the rule was evaluated */
	struct conduct_item *items;
	size_t nitems;            /* the true count */
	char *decided_by;         /* for sent (when decided) and dismissed, else NULL */
	char *reason;
	int64_t decided_at;       /* 0 when not decided */
	char *superseded_by;      /* for superseded, else NULL */
	struct conduct_item *voided; /* events behind it voided afterwards (a lapse a hand-in
	                                recorded afterwards voided, conduct_void_warnings):
	                                at = when voided; the items keep what it was made of */
	size_t nvoided;
};
/* The largest number a warning can have (its key holds eight digits). */
#define CONDUCT_WARNING_MAX 99999999u
/* The warning with id; DB_ENOTFOUND when there is none (or id is no whole number from 1
 * to CONDUCT_WARNING_MAX without leading zeros); else the store's. Release *out with conduct_warning_release. */
int conduct_warning_get(struct store_txn *txn, const char *id, struct conduct_warning *out,
                        struct dberr *e);
/* How many of w's events stand: those not voided since it was made. Cannot fail. */
size_t conduct_warning_left(const struct conduct_warning *w);
/* Frees the strings and items w owns (NULL allowed). Cannot fail. */
void conduct_warning_release(struct conduct_warning *w);
/* Every warning (of plan, when not NULL), in number order; w is valid during the call. A
 * non-zero return stops and is returned. Errors: as conduct_warning_get's. */
int conduct_warning_each(struct store_txn *txn, const char *plan,
                         int (*cb)(const struct conduct_warning *w, void *arg), void *arg,
                         struct dberr *e);
/* The rule in ep's current version that made w: its index if its kind still matches,
 * else the first rule of the same kind; NULL when the plan (ep may be NULL) has none any
 * more. Cannot fail. */
const struct plan_conduct *conduct_rule_of(const struct engine_plan *ep,
                                           const struct conduct_warning *w);
/* The decision on a proposed warning, the one code path for the command line and the web:
 * approve sends it to the rule's notify roles now, saying who decided and why; dismiss
 * keeps it from them. Both are audited (conduct.decide, with the decider's login) and
 * final. by names the decider: an enabled account (`dabiao user`) whose role is among the
 * rule's `decide` roles, by login or by name; the warning records the account's name.
 * Errors: DB_ENOTFOUND (no such warning), DB_ESTATE (not proposed: decided already,
 * superseded by a newer one, named, or withdrawn; or its plan no longer has a rule of its
 * kind), DB_EUSAGE (by or reason empty; by no such account: the message names who may
 * decide), the store's and notice_queue's. */
int conduct_decide(struct engine *en, struct store_txn *txn, const char *id, bool approve,
                   const char *by, const char *reason, struct dberr *e);
/* After a new version ep of a plan (old: the version before, parsed, or NULL): every
 * proposal whose rule no longer asks for a decision (its `decide` dropped, or the rule
 * gone) is withdrawn, with the reason recorded (conduct.withdraw, its "why"), never
 * left pending for ever; the old version's deciding roles get a candidate list saying so;
 * under a rule that remains, its events count as new again and the rule is evaluated at
 * the next notify_at (a warning sent directly if they still meet it). said (may be NULL)
 * gets each withdrawn proposal's id and a line for `load`'s output. Errors: the store's
 * and notice_queue's. */
int conduct_version_withdraw(struct engine *en, struct store_txn *txn,
                             const struct engine_plan *ep, const struct engine_plan *old,
                             void (*said)(void *arg, const char *id, const char *text),
                             void *arg, struct dberr *e);
/* A line per event, in Chinese: "1. 逾期：<milestone title> <period>（<subject>，截止 …）",
 * appended to out. Unknown tasks are named by key. Cannot fail. */
void conduct_items_text(struct store_txn *txn, struct engine *en, const struct engine_plan *ep,
                        const struct conduct_item *items, size_t n, const char *indent,
                        struct buf *out);

/* ---- the forms tasks hand in, with the notices that ask for them (forms.c) ---- */
struct task_forms {
	struct report_form *f;            /* owned */
	struct notify_attachment *att;    /* task_forms_attach's, pointing into f */
	size_t n, cap;
};
/* Adds the form of task t (its milestone's `form:`, report_task_form), once per file;
 * nothing when it has none. Errors: report_task_form's. */
int task_forms_add(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                   const struct store_task *t, struct task_forms *fs, struct dberr *e);
/* The same for the task with key task; nothing when there is no such task. Errors: the
 * store's, report_task_form's. */
int task_forms_add_key(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                       const char *task, struct task_forms *fs, struct dberr *e);
/* Makes r carry the forms as its attachments, valid until fs is released. Cannot fail. */
void task_forms_attach(struct task_forms *fs, struct notice_req *r);
/* Frees the forms and attachments fs owns and empties it. Cannot fail. */
void task_forms_release(struct task_forms *fs);

/* ---- daily digests (digest.c) ---- */
/* STORE_DUE_DIGEST: one message to one recipient listing the notices kept for its digest
 * (notice.h says how they are kept). */
int digest_fire(struct engine *en, struct store_txn *txn, const struct store_due *d,
                bool late, struct dberr *e);

/* ---- monthly dispatch (dispatch.c) ---- */
/* Puts the plan's STORE_DUE_DISPATCH entries (dispatch: {day, notify}) for every month of
 * its tasks' horizon that is still ahead of the clock. Idempotent; nothing for a plan
 * without `dispatch`. Errors: the store's. */
int dispatch_schedule(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                      struct dberr *e);
/* STORE_DUE_DISPATCH: the progress notice with the Annex 3 figures, the overdue list, the
 * warnings sent, the latest signed checkpoint and the figures as XLSX. */
int dispatch_fire(struct engine *en, struct store_txn *txn, const struct store_due *d,
                  bool late, struct dberr *e);

#endif
