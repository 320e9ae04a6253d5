/*
 * sched.h - the scheduler: plans and registries turned into tasks (expansion), events on
 * tasks (lifecycles), and applying the due index up to a time.
 *
 * Applying is a table: each kind of due entry (store.h's STORE_DUE_*) has one handler.
 * Deadlines, reminders and escalations are handled here; conduct warnings, digests and
 * dispatches by engine/rules/, delivery retries by engine/deliver/. Delivery itself never
 * runs inside the scheduler: after each committed batch the caller's hook does it (or
 * hands the notices to the daemon's sender thread).
 */
#ifndef DABIAO_SCHED_H
#define DABIAO_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "engine/audit/audit.h"
#include "engine/deliver/deliver.h"
#include "engine/rules/rules.h"

/* ---- applying due entries (sched.c) ---- */
#define SCHED_BATCH 4096

/* Called after each batch's commit (NULL: nothing). A non-zero return stops applying and
 * is returned by sched_apply_due. */
struct sched_hooks {
	int (*after_commit)(struct engine *en, void *arg, struct dberr *e);
	void *arg;
	/* with follow_clock: instead of after_commit, each batch's transaction records the
	 * results of what was sent after the last commit and claims what is deliverable now,
	 * sent after its commit (deliver_claim_in, deliver_record_in): the same deliveries at
	 * the same instants, in a third of the synced commits */
	bool group;
};

/* Hooks that deliver what each batch queued (SMTP, .eml files, or nothing on a dry
 * engine) after its commit, at the instant it was queued: `advance` and `simulate`. */
extern const struct sched_hooks sched_hooks_deliver;

/* Applies every due entry with at <= upto, in key order (time, then kind: deadlines,
 * escalations, reminders, conduct, retries, digests, dispatches; then task key), in
 * transactions of at most SCHED_BATCH entries. With follow_clock (virtual clock: `advance`,
 * `simulate`) each entry is applied at its own time, as if the engine had been running;
 * the store's now ends at upto. Without it (real clock) entries are applied at the engine's
 * now, and late ones follow the catch-up policy of docs/ARCHITECTURE.md. *applied (may be
 * NULL) counts entries. Errors: the store's and the handlers'. */
int sched_apply_due(struct engine *en, int64_t upto, bool follow_clock,
                    const struct sched_hooks *hooks, size_t *applied, struct dberr *e);
/* One transaction of the above on the real clock: at most max (capped at SCHED_BATCH)
 * entries with at <= upto, applied at the engine's now, and no more once budget_ms
 * milliseconds of work have passed (0: no such bound; at least one entry is applied);
 * *applied counts them (more may be due when it is max, or when the budget ended it). For
 * the daemon, which runs such slices between delivery results, signals and other
 * processes' writes rather than holding the writer's lock for seconds. Each slice is a
 * whole transaction: whole entries, the audit tree's edge written with them. Errors: as
 * sched_apply_due. */
int sched_apply_slice(struct engine *en, int64_t upto, size_t max, int64_t budget_ms,
                      size_t *applied, struct dberr *e);
/* The earliest due entry's time, or INT64_MAX when there is none. Errors: the store's. */
int sched_next_due(struct engine *en, int64_t *at, struct dberr *e);

/* ---- simulation (simulate.c) ---- */
/* `dabiao simulate`: plan's timeline over the registries (imported in the order given, so
 * a CSV of enterprises can follow the YAML that holds their jurisdictions) on a
 * virtual-clock store made in dir (a folder that does not exist yet; the caller removes
 * it), with a null transport. The clock starts at the first due entry; entries up to
 * `from` (a time in the plan's zone; NULL: none) are applied unreported, then those up to
 * `to` (NULL: all) are applied as `advance` applies them, each action reported to
 * on_action. All strings are the caller's. */
struct sched_sim {
	const char *dir, *plan;
	const char *const *registries;
	size_t nregistries;
	const char *from, *to;
	const struct config *config;  /* the operator's (templates, calendars, map size) */
	const char *actor;            /* for the audit records */
	enum log_level log_level;     /* the command's verbosity (engine_opts.log_level) */
	engine_action_fn on_action;
	void *arg;
};
/* *out is the simulation's engine, set as soon as it is open (also on a later failure):
 * the caller closes it with engine_close. Errors: DB_EUSAGE (from or to is not a time, or
 * from is after to), sched_load_plan's, sched_import_registry's, the store's. */
int sched_simulate(const struct sched_sim *s, struct engine **out, struct dberr *e);

/* ---- what a load, an import or a retirement changes in the tasks (changes.c) ---- */
enum sched_change {
	SCHED_ADDED = 0,        /* a task created */
	SCHED_GRACE,            /* created too late to be met: grace period, start notice */
	SCHED_NOT_APPLICABLE,   /* a period that ended before the task could exist */
	SCHED_CANCELLED,        /* its milestone, period or subject is gone: final, cancelled */
	SCHED_REOPENED,         /* cancelled so, and given again: live, its history kept */
	SCHED_MOVED,            /* its deadline moved (the old one kept on record) */
	SCHED_REMINDERS,        /* same deadline, other reminders or escalation instants */
	SCHED_RENAMED,          /* its milestone was renamed (renamed_from) */
	SCHED_REASSIGNED,       /* its enterprise moved to another jurisdiction */
	SCHED_HANDED_OVER,      /* its milestone's owner is another role of the same kind now:
	                         * the same task, the new owner told (review10j R3) */
	SCHED_KEPT,             /* the plan's date changed, the task's kept (and why) */
	SCHED_REJUDGED,         /* a hand-in judged again by the new version's `requires`
	                         * (complete now, or lacking other sections) */
	SCHED_TOLD,             /* an owner told, in one notice, of its tasks moved or
	                         * cancelled by this load, import or retirement */
	SCHED_FIELDS,           /* an import changed a stored subject's fields (named) */
	SCHED_WITHDRAWN,        /* a proposed warning whose rule no longer asks for a
	                         * decision, withdrawn (conduct_version_withdraw) */
	SCHED_CHANGE_KINDS
};
#define SCHED_CHANGE_LINES 10
#define SCHED_CHANGE_LINE_MAX 240
/* Counts per kind and the first SCHED_CHANGE_LINES lines of each ("KEY  TEXT", cut at
 * SCHED_CHANGE_LINE_MAX bytes). Plain data: nothing to free. */
struct sched_changes {
	size_t n[SCHED_CHANGE_KINDS];
	char lines[SCHED_CHANGE_KINDS][SCHED_CHANGE_LINES][SCHED_CHANGE_LINE_MAX];
};
/* Forgets everything (a redone transaction starts again). Cannot fail. */
void sched_changes_reset(struct sched_changes *c);
/* Records one change of a task: key and a short text (a date, "a -> b"), both copied (cut
 * to fit). c may be NULL. Cannot fail. */
void sched_changes_note(struct sched_changes *c, enum sched_change kind, const char *key,
                        const char *text);
/* The total number of changes, over every kind. Cannot fail. */
size_t sched_changes_total(const struct sched_changes *c);
/* A summary for people: a line per kind with its count, then the first lines of each,
 * appended to out. Cannot fail. */
void sched_changes_text(const struct sched_changes *c, struct buf *out);

/* ---- expansion (expand.c) ---- */
/* Inside txn: creates every task of every loaded plan (or only plan_id when non-NULL) that
 * does not exist yet, with its due entries, and an audit record per task. Idempotent.
 * A task made too late to be met (after its deadline or its last reminder's time) is
 * created not applicable (a period of a recurring series whose deadline has passed) or
 * with its grace period and a start notice (docs/plan-format.md, "Fair start").
 * Every task made is noted in ch (may be NULL). Errors: DB_EDATA (a schedule that cannot
 * be computed: schedule_times'), the store's. */
int expand_all(struct engine *en, struct store_txn *txn, const char *plan_id,
               struct sched_changes *ch, struct dberr *e);

/* The due date and deadline that task t's milestone, subject and period have under the
 * plan ep (after holiday shifts). DB_ENOTFOUND when ep has no such occurrence (the
 * milestone, the subject or the period is gone); else the errors of expansion. */
int expand_task_due(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                    const struct store_task *t, int32_t *due, int64_t *deadline,
                    struct dberr *e);

/* Is subject s (a jurisdiction, or an enterprise through its jurisdiction) one of ep's
 * subjects by its `registry: {where}` (every subject without one; a retired one no one's)?
 * Reads within txn. Cannot fail (a subject that cannot be read is not covered). */
bool sched_plan_covers(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                       const struct store_subject *s);

/* ---- the tasks brought in line with a plan version and the registry (reconcile.c) ---- */
/* Inside txn, for plan ep as it is now (old: the version before it, when ep is a new
 * version; NULL after a registry change): every task of the plan not yet finished is
 * renamed, cancelled, moved to its enterprise's jurisdiction, redated or rescheduled as
 * ep and the registry now give it (docs/plan-format.md, "Plan versions"), or handed over to
 * its milestone's new owner role, each change audited (task.rename, task.cancel,
 * task.move, task.redate, task.reschedule, task.handover) and noted in
 * ch (may be NULL). A task in a state its new lifecycle does not have is DB_EDATA (the
 * caller's transaction then changes nothing). Errors: the store's, expansion's. */
int reconcile_plan(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                   const struct engine_plan *old, struct sched_changes *ch, struct dberr *e);

/* ---- loading plans and registries (loading.c): each one transaction ---- */
struct load_result {
	char plan_id[128];
	uint32_t version;
	bool changed;        /* false: the same bytes and calendar as the current version */
	bool sources_only;   /* a new version only because what its calendars say besides the
	                        days changed (a 文号, a notice's title, a holiday's name, why a
	                        year is missing): no date moved */
	char sha256[65];
	size_t created;      /* tasks created (added, with grace, not applicable) */
	struct sched_changes changes; /* what it did (or, dry, would do) to tasks */
	char *calendar_notes;/* "NAME: ...\n" per used calendar that now comes from another
	                        file or covers fewer years than the stored version's; or NULL */
};
/* Releases what a load_result owns (calendar_notes). Cannot fail. */
void load_result_release(struct load_result *res);
/* Flags of sched_load_plan. */
#define SCHED_LOAD_FEWER_YEARS 1u /* store a version whose calendars cover fewer years */
/* Reads and validates a plan file, stores it (a new version when its bytes, its resolved
 * calendar's days or its calendars' sources changed), brings the tasks of the version
 * before in line with it (reconcile_plan) and expands its tasks, in one transaction. A new version whose calendars cover fewer years than the stored version's
 * (a `load` without the configuration naming calendars_dir, after `calendar-update` took a
 * year from there) is refused with DB_EUSAGE naming the years and files, unless flags has
 * SCHED_LOAD_FEWER_YEARS. Errors: the parser's (DB_EDATA at FILE:LINE:COL, DB_ENOINPUT), a
 * bad template folder (DB_EDATA), the store's. Release res with load_result_release, also
 * after a failure. */
int sched_load_plan(struct engine *en, const char *path, unsigned flags,
                    struct load_result *res, struct dberr *e);
/* `load --dry-run`: everything sched_load_plan would do, in a transaction that is then
 * aborted; res says what would change (or the refusal), the store and the engine's plans
 * are as before. Errors and res's release as sched_load_plan's. */
int sched_preview_plan(struct engine *en, const char *path, unsigned flags,
                       struct load_result *res, struct dberr *e);

/* `dabiao calendar-update FILE`: the calendar file at path, in place of the copy each
 * stored plan using it keeps, makes a new version of every such plan whose resolved
 * calendar (its days, or what it says of them) changes, the plan's source unchanged,
 * placed, its tasks reconciled (reconcile_plan) and expanded as `load` does. All or
 * nothing: every plan is first tried on its own in a transaction that is thrown away
 * (engine_write_dry); when one fails, each failure is in the
 * result, nothing is written, and the first failure's code is returned with e saying how
 * many failed. Else (unless dry_run) all the new versions are written in one transaction.
 * FILE must be the file `use` finds for its name in the configured folders, so a later
 * `load` resolves the same calendar (else DB_EUSAGE saying where to put it). With dry_run
 * nothing is written and the result says what would change. */
struct calupdate_plan {
	char plan_id[128];
	uint32_t version;            /* the new version (the current one when unchanged) */
	bool changed;                /* its resolved calendar changes */
	bool sources_only;           /* only what the calendar says besides the days */
	bool failed;                 /* this plan refused the file: err says why */
	struct dberr err;
	char *notes;                 /* as load_result's calendar_notes; owned, or NULL */
	struct sched_changes changes;/* what it did (would do) to the plan's tasks */
};
struct calupdate_result {
	char name[128];              /* the calendar */
	struct calupdate_plan *plans;/* the plans that use it; owned */
	size_t nplans;
};
/* Errors: the calendar reader's (DB_EDATA at FILE:LINE:COL, DB_ENOINPUT), DB_EUSAGE (FILE
 * is not the file `use` finds for its name), a plan's failure as above, the
 * store's. res is filled as far as it got: release it with calupdate_result_release, also
 * after a failure. */
int sched_calendar_update(struct engine *en, const char *path, bool dry_run,
                          struct calupdate_result *res, struct dberr *e);
/* Frees res's plans and their notes; res may be released twice. Cannot fail. */
void calupdate_result_release(struct calupdate_result *res);

struct import_result {
	size_t jurisdictions, enterprises, offices;
	size_t created;      /* tasks created */
	size_t updated;      /* subjects already in the store whose fields changed */
	size_t retired;      /* subjects in the file that were retired: they stay retired */
	size_t absent;       /* subjects of a kind the file lists that the store has and the
	                        file does not: kept (an import never removes; retire does) */
	struct sched_changes changes; /* as load_result's */
};
/* Reads and validates a registry (YAML or CSV), stores its subjects (updating in place:
 * each changed field audited, a retired subject kept retired), brings every plan's tasks
 * in line with it (reconcile_plan: an enterprise moved, unlisted, a new rectify_by) and
 * expands the tasks new subjects need, in one transaction. Errors: the registry
 * reader's (DB_EDATA naming the row or FILE:LINE:COL, DB_ENOINPUT), the store's. */
int sched_import_registry(struct engine *en, const char *path, struct import_result *res,
                          struct dberr *e);

/* `import --dry-run`: everything sched_import_registry would do, aborted; res says what.
 * Errors as sched_import_registry's. res owns nothing (plain data). */
int sched_preview_import(struct engine *en, const char *path, struct import_result *res,
                         struct dberr *e);

/* `dabiao import-annex FILE.csv --jurisdiction J --month YYYY-MM --by WHO`: a county's own
 * Annex 3 or Annex 4 (the form, filled in, saved as CSV; the header row tells which)
 * checked whole and recorded against the task that hands it in (the plan's `form:` milestone
 * for J whose table covers the month) as one `annex.report` audit record holding the rows
 * (annex_import.c; docs/reports.md). The table is the county's hand-in: when the task's
 * state takes a submission (open, overdue, returned, incomplete) it is submitted in the same
 * transaction, received at `at` (task_event's rules: late after the deadline, never after
 * now); a task already handed in or accepted keeps its state (a corrected table). dry:
 * checked, nothing written. Errors: DB_EUSAGE (a bad month, several plans could be meant),
 * DB_EDATA (the first bad row or field at FILE:LINE:COL, an unknown jurisdiction or plan,
 * no such task, a received time task_event refuses), DB_ENOINPUT and the file reader's, the
 * store's. */
struct annex_import_req {
	const char *path, *jurisdiction, *month, *by;
	const char *plan;     /* NULL: the one plan with Annex 3/4 tables */
	int64_t at;           /* when the table was received (clock time); with at_given */
	bool at_given;        /* false: the clock's now, read in the transaction */
	bool backdated;       /* at was typed on a real-clock store: the entry says so */
	bool dry;
	const char *sheet;    /* a workbook's sheet to read (--sheet); NULL: chosen, the one
	                         naming the month when several hold values (docs/reports.md) */
};
struct annex_import_result {
	int form;             /* 3 or 4 */
	size_t rows;
	char task[512];       /* the task the table answers */
	char sha256[65];      /* of the file */
	uint64_t same_as;     /* the file is the table the task's latest annex.report holds
	                         (this audit record): no second annex.report; 0 otherwise */
	bool handed_in;       /* the task was submitted by this table */
	bool late;            /* ... after its deadline (迟报) */
	char from[64], to[64];/* its state before and after (the same when not handed in) */
};
int sched_import_annex(struct engine *en, const struct annex_import_req *req,
                       struct annex_import_result *res, struct dberr *e);
struct task_file;
/* A web hand-in of the task that hands in the plan's Annex 3 or Annex 4 (the `form:`
 * milestone `for: each jurisdiction`, report_form_milestone), inside the submission's
 * transaction (review 11g, S14: a table handed in on the web was reported 未报送, only
 * import-annex fed the report): of files (kept in files_dir as DIR/ab/SHA256, named as the
 * county named them), those named *.xlsx or *.csv are read by import-annex's reader and
 * checks, for the task's jurisdiction and the month its table covers (the task's month, the
 * one before for `covers: previous`); a spreadsheet without the form's header row is
 * another document and is not read. The one table found is recorded as import-annex
 * records it (`annex.report`, received at `at`, by), unless it is the table on record
 * (the same file again). The caller submits the task itself. res: form 3 or 4 when the task
 * hands in a table (0: another task, nothing read), file the name of the table read (the
 * caller's string; NULL: none among the files), its rows, same_as as import-annex's.
 * Errors: DB_EDATA naming the file and the row and column (a table that does not pass the
 * checks, the other Annex, two tables), DB_EIO and the store's. */
struct annex_handin_result {
	int form;
	const char *file;
	size_t rows;
	uint64_t same_as;
};
int sched_annex_handin(struct engine *en, struct store_txn *txn, const char *key,
                       const struct task_file *files, size_t nfiles, const char *files_dir,
                       const char *by, int64_t at, struct annex_handin_result *res,
                       struct dberr *e);

/* `dabiao retire SUBJECT --reason TEXT`: a jurisdiction or enterprise leaves the registry
 * for good: it is marked retired (the date and the reason, audit subject.retire), gets no
 * new tasks, and its unfinished tasks are cancelled with the reason; a later import keeps
 * it retired. A jurisdiction that still has enterprises that are not retired is
 * DB_ESTATE; an unknown id DB_ENOTFOUND; retired already DB_ESTATE; else the store's.
 * dry: a preview, aborted. res is plain data (nothing to free). */
struct retire_result {
	enum store_subject_kind kind;
	size_t enterprises;   /* a jurisdiction's enterprises still in it (refused) */
	struct sched_changes changes;
};
/* undo: the retirement of SUBJECT is taken back (`retire --undo`): the mark goes
 * (subject.unretire), what it cancelled is reopened, its tasks made since are made; not
 * retired DB_ESTATE, an enterprise of a retired jurisdiction DB_EDATA. */
int sched_retire(struct engine *en, const char *id, const char *reason, bool dry, bool undo,
                 struct retire_result *res, struct dberr *e);

/* ---- lifecycle events on tasks (lifecycle.c), each inside the caller's transaction ---- */
/* A file handed in with a submission (the web keeps it in DB/files/ by its sha256). */
struct task_file {
	const char *sha256;      /* lower-case hex */
	uint64_t size;           /* bytes */
	const char *name;        /* the name it was uploaded under: metadata, never a path */
};
struct task_event_args {
	const char *by;          /* who: required */
	const char *note;        /* or NULL */
	const char *reason;      /* why (a return needs one, docs/plan-format.md), or NULL */
	int64_t at;              /* when it happened (clock time; may be back-dated) */
	bool backdated;          /* at was given by hand on a real-clock store */
	bool received;           /* at is when the web received the request, before this
	                            transaction: the record says both (received_at,
	                            recorded_at) */
	const char *file_sha256; /* submit: of the file handed in, or NULL */
	const char *sections;    /* submit: comma-separated sections declared, or NULL */
	const struct task_file *files; /* submit: the files handed in (web uploads), or NULL;
	                                  each is in the audit record's details */
	size_t nfiles;
};
/* Applies EVENT to the task with key. An event the task's lifecycle does not allow in its
 * state is DB_ESTATE, naming the state and the events allowed there; an unknown task is
 * DB_ENOTFOUND; a submission at a time after the clock's now, before the task was made,
 * or before the event that brought the task to its state (a->at of the last event, kept
 * as extra "event_at"), is DB_EDATA. Its sections are the milestone's `requires` ids or
 * titles, blanks around them ignored, kept as ids; any other (a typo, or any at all when the
 * milestone requires none) is DB_EUSAGE naming it and the milestone's sections. A submission
 * lacking required sections goes to the lifecycle's incomplete state (when it has one) and
 * queues an `incomplete` notice saying what is missing. A task that comes back to its
 * owner (returned, or incomplete) gets its milestone's correction period when the
 * submission was in time; else, past its deadline, it lapses at once. `return` without a
 * reason is DB_EUSAGE; `return` and `accept` tell the owner (notices returned, accepted).
 * *to_state (may be NULL) receives the new state (static storage of the plan). */
int task_event(struct engine *en, struct store_txn *txn, const char *key, const char *event,
               const struct task_event_args *a, const char **to_state, struct dberr *e);
/* Moves a task's deadline to the end of local day `day`; reschedules its reminders and
 * escalations from now on (older due entries become stale; instants already past are not
 * sent); an overdue task whose new deadline lies ahead goes back to its lifecycle's initial
 * state; the owner gets an `extended` notice with the reason and both deadlines. A day
 * whose end is already past is DB_EDATA unless backdate (an extension agreed earlier and
 * recorded now, marked so: the task lapses at once if it is still open); so is a day before
 * the current deadline's (never shortened) or the same day (nothing to change). A
 * back-dated day whose end covers a late hand-in waiting for review makes it on time and
 * voids the lapse before it, as a hand-in recorded afterwards does (docs/plan-format.md,
 * "Back-dated extensions"). Errors:
 * DB_ENOTFOUND, DB_ESTATE (a final state), DB_EDATA, the store's. */
int task_extend(struct engine *en, struct store_txn *txn, const char *key, int32_t day,
                const char *by, const char *reason, bool backdate, struct dberr *e);
/* The tasks of one milestone (required), narrowed when non-NULL to a period, a
 * jurisdiction and a plan; the strings are the caller's. */
struct task_selection {
	const char *plan, *milestone, *period, *jurisdiction;
};
/* task_extend on every task sel selects, in key order, inside txn (the selection is read
 * first, then changed), except that a task already due `day` is left as it is (a re-run of
 * the same extension tells nobody twice), and so is a task already finished (a final
 * state: accepted, cancelled, not applicable; a county that handed in early does not stop
 * the others' extension). *n (may be NULL) counts the tasks extended, *kept (may be NULL)
 * those already due `day`; the keys of the finished ones are appended to *finished (may be
 * NULL), one a line. DB_EUSAGE naming the plans when sel->plan is NULL and more than one
 * loaded plan has the milestone (a write must mean one plan; nothing is read or changed);
 * DB_ENOTFOUND naming the selection when it selects none; DB_ESTATE
 * when every task selected is finished, DB_EDATA when every one is finished or already due
 * `day`; else task_extend's errors (the caller's transaction then changes nothing). */
int task_extend_selected(struct engine *en, struct store_txn *txn,
                         const struct task_selection *sel, int32_t day, const char *by,
                         const char *reason, bool backdate, size_t *n, size_t *kept,
                         struct buf *finished, struct dberr *e);
/* Raises an accountability flag (concealed, falsified, omitted; else DB_EUSAGE): counted
 * by the conduct rules once per task, and a notice to the plan's accountability roles.
 * The same kind twice on one task is DB_EDATA (nothing changes); a task nothing was
 * handed in for that has not lapsed either is DB_ESTATE (no report to flag yet). */
int task_flag(struct engine *en, struct store_txn *txn, const char *key, const char *kind,
              const char *by, const char *reason, struct dberr *e);
/* Withdraws task's flag of kind (raised in error): the kind leaves the task's flags (kept
 * under "flags_withdrawn"; the same kind may be raised again), the conduct rules stop
 * counting it from now on (warnings already made stay what they were), and a task.unflag
 * record joins the trail, where the task.flag record stays. DB_ESTATE when the task has
 * no such flag (never raised, or withdrawn already). Errors: DB_ENOTFOUND, the store's. */
int task_flag_withdraw(struct engine *en, struct store_txn *txn, const char *key,
                       const char *kind, const char *by, const char *reason,
                       struct dberr *e);

/* ---- `audit verify` whole (verify.c): the command line's and the web's one check ---- */
struct sched_verify_opts {
	const struct audit_checkpoint *cp; /* an earlier checkpoint the log must begin with, or
	                                      NULL */
	const char *cp_name;               /* its file, for messages */
	bool skip_files;                   /* the submitted files are not read (--no-files) */
};
/* A submitted file that no longer is what its record says: missing (got "") or other
 * bytes (got: their sha256). path "" when the record's hash is no hash at all. */
struct sched_verify_fault {
	uint64_t seq;                      /* the task.submit record naming it */
	char *task, *name, *path;          /* owned */
	char sha[65], got[65];
};
struct sched_verification {
	struct audit_verification tree;    /* records and root checked */
	uint64_t notices, emls;            /* stored messages and .eml files that match */
	uint64_t files;                    /* submitted files checked (one per naming) */
	unsigned long long file_bytes;     /* their bytes read */
	bool files_skipped;
	uint64_t nfaults;                  /* submitted files missing or changed */
	struct sched_verify_fault *faults; /* the first nlisted of them (at most 100) */
	size_t nlisted, cap;
};
/* Checks, in this order, stopping at the first kind that fails: every record against its
 * leaf and the stored tree head, and against o->cp (audit_verify); each notice.queue
 * record's sha256 against the outbox's stored message and its .eml file in DB/outbox/, a
 * file a notice.sent record says was written, and that every .eml file there is named by
 * a record; then, unless o->skip_files, every file a task.submit record names (DB/files/
 * by its sha256): present and hashing to its name, read in 64 KiB blocks, the records in
 * slices of 256 files per read transaction (no reader held while files are read). Each
 * file fault is kept in v (all counted, the first 100 listed) and makes the result
 * DB_EDATA; the other kinds' first fault is DB_EDATA naming it (docs/audit.md §6).
 * Errors also DB_EIO (a file that cannot be read), the store's. Release v with
 * sched_verification_release, also on failure. */
int sched_verify(struct store *s, const struct sched_verify_opts *o, struct sched_verification *v,
                 struct dberr *e);
void sched_verification_release(struct sched_verification *v);
/* One line naming a file fault: "record SEQ (task T): PATH (NAME) is missing" or "... does
 * not match ...". */
void sched_verify_fault_text(const struct sched_verify_fault *f, struct buf *out);

/* The outcome of a verify run, as kept in the store (meta "audit/verify": one run, the
 * last; any run, the command line's or the web's, replaces it). */
struct sched_verify_run {
	int64_t at;                        /* wall clock when it ended */
	int64_t clock_at;                  /* the store's clock then (kept by sched_verify_note:
	                                      a virtual clock's now, else at) */
	char by[256];                      /* who ran it: the actor (`web:LOGIN`, the user) */
	bool ok, files_skipped;
	uint64_t size, notices, emls, files, nfaults;
	char fault[1024];                  /* the first fault, "" when ok */
};
/* The run of v that ended with rc (0 or the error in e), at, by. Cannot fail. */
void sched_verify_run_of(const struct sched_verification *v, int rc, const struct dberr *e,
                         int64_t at, const char *by, struct sched_verify_run *out);
/* Keeps run as the last (a write; errors: the store's). */
int sched_verify_note(struct store_txn *txn, const struct sched_verify_run *run,
                      struct dberr *e);
/* The last kept run; *found false when none was ever kept. Errors: DB_EDATA (it does not
 * read back), the store's. */
int sched_verify_last(struct store_txn *txn, struct sched_verify_run *out, bool *found,
                      struct dberr *e);

#endif
