/*
 * engine.h - the engine's contract: plans and registry turned into tasks (expansion), the
 * clock, and the scheduler that applies due entries. The command line (engine/cmd_*.c) is
 * built on these calls; it owns the loop. Nothing here prints: errors go into struct dberr,
 * what happened goes to the caller's action callback.
 */
#ifndef DABIAO_ENGINE_H
#define DABIAO_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/base/err.h"
#include "engine/base/tz.h"
#include "engine/config.h"
#include "notifiers/message.h"
#include "store/store.h"
#include "workflows/plan.h"

/* ---- the clock: the one place "now" comes from ---- */
struct clock {
	enum store_clock_mode mode;
	int64_t now;       /* VIRTUAL: the store's now; REAL: refreshed by clock_read() */
};
/* REAL: reads the wall clock into c->now; VIRTUAL: returns c->now unchanged. */
int64_t clock_read(struct clock *c);
/* The wall clock, whatever the store's mode: only for audit records' real time. */
int64_t clock_wall(void);

/* ---- loaded plans, parsed from the store's current versions ---- */
struct engine_plan {
	struct plan *plan;       /* owned */
	uint32_t version;
	struct tz *tz;           /* owned, the plan's zone */
	char *templates;         /* template folder to look in first, or NULL; owned */
};

/* One thing the engine did (or would do, under simulate): for logs and timelines. */
struct engine_action {
	int64_t at;              /* when it happened (clock time) */
	int64_t planned;         /* when it should have happened */
	const char *kind;        /* reminder, deadline, overdue, escalation, ... */
	const char *task;        /* task key or conduct key */
	const char *subject;
	const char *recipients;  /* comma-separated, may be "" */
	const struct engine_plan *plan;
};
typedef void (*engine_action_fn)(const struct engine_action *a, void *arg);

struct engine {
	struct store *store;     /* owned */
	struct clock clock;
	struct tz *tz;           /* the store's zone for command-line times; owned */
	struct engine_plan *plans;
	size_t nplans;
	char *template_dir;      /* built-in templates (zh-CN), owned */
	engine_action_fn on_action;
	void *on_action_arg;
	char *actor;             /* who runs this command, for audit records; owned */
	int64_t started;         /* `run`: when this daemon started; entries planned before
	                            it were missed while the engine was down (catch-up) */
	struct config config;    /* the operator's configuration (config.h); owned */
	char *from;              /* From: of notices (the configuration's smtp.from); owned */
	struct tpl_cache *templates; /* loaded notice templates, by folder and kind; owned */
	bool deliver_async;      /* `run`: its sender thread delivers, not the scheduler */
	char **pending;          /* keys of notices queued but not yet delivered; owned */
	size_t npending, cappending;
};

/* Reads the configuration ($DABIAO_CONFIG or the default path; config.h), opens the store
 * in dir (STORE_CREATE creates a real-clock store when missing), reads the clock and
 * parses every current plan. The caller frees with engine_close. */
int engine_open(const char *dir, unsigned store_flags, struct engine **out, struct dberr *e);
void engine_close(struct engine *en);
/* Re-reads plans and clock from the store (after another process changed it). */
int engine_reload(struct engine *en, struct dberr *e);
const struct engine_plan *engine_plan_find(const struct engine *en, const char *id);
/* The plan's own template folder (its `templates` key, relative to the plan file at path),
 * or NULL. Caller frees. */
char *engine_plan_templates(const struct plan *p, const char *path);
/* Checks the plan's own template folder, if it has one: an unknown placeholder or a bad
 * template is DB_EDATA at its FILE:LINE:COLUMN, found at check/load time. */
int engine_check_templates(const struct plan *p, const char *path, struct dberr *e);

/* ---- loading plans and registries (loading.c): each one transaction ---- */
struct load_result {
	char plan_id[128];
	uint32_t version;
	bool changed;        /* false: the same bytes as the current version */
	char sha256[65];
	size_t created;      /* tasks created */
};
/* Reads and validates a plan file, stores it (a new version when its bytes changed), and
 * expands its tasks, in one transaction. */
int engine_load_plan(struct engine *en, const char *path, struct load_result *res,
                     struct dberr *e);

struct import_result {
	size_t jurisdictions, enterprises, offices;
	size_t created;      /* tasks created */
};
/* Reads and validates a registry (YAML or CSV), stores its subjects (updating in place)
 * and expands the tasks new subjects need, in one transaction. */
int engine_import_registry(struct engine *en, const char *path, struct import_result *res,
                           struct dberr *e);

/* ---- expansion (expand.c) ---- */
/* Inside txn: creates every task of every loaded plan (or only plan_id when non-NULL) that
 * does not exist yet, with its due entries, and an audit record per task. Idempotent.
 * *created (may be NULL) receives the number of new tasks. */
int expand_all(struct engine *en, struct store_txn *txn, const char *plan_id, size_t *created,
               struct dberr *e);

/* The instants of a task's schedule, computed from its plan and due date. */
struct task_times {
	int64_t deadline;
	int64_t remind[16];
	size_t nremind;
	int64_t escalate[16];
	size_t nescalate;
};
int schedule_times(const struct engine_plan *ep, const struct plan_milestone *m,
                   int32_t due_date, int64_t deadline, struct task_times *out,
                   struct dberr *e);
/* Puts the due entries of task (gen task->gen) for all its reminders, its deadline and its
 * escalations. */
int schedule_task(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                  const struct store_task *task, struct dberr *e);

/* The first notify_at instant at or after t, in the plan's zone. Cannot fail. */
int64_t schedule_next_notify_at(const struct engine_plan *ep, int64_t t);

/* ---- daily digests (digest.c) ----
 * For roles listed in the configuration's `digest`, a recipient gets one message a day
 * listing that day's notices instead of each one: a notice's digest recipients are left
 * out of its own delivery and collected for the digest due at the next notify_at. */
int digest_collect(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                   const struct store_notice *n, const char *subject_line,
                   const char *addr, struct dberr *e);
int digest_fire(struct engine *en, struct store_txn *txn, const struct store_due *d,
                bool late, struct dberr *e);

/* ---- the scheduler (sched.c) ---- */
/* Applies every due entry with at <= upto, in key order (time, then kind: deadlines,
 * escalations, reminders, conduct; then task key), in transactions of at most
 * SCHED_BATCH entries. With follow_clock (virtual clock: `advance`, `simulate`) each entry
 * is applied at its own time, as if the engine had been running; the store's now ends at
 * upto. Without it (real clock) entries are applied at en->clock.now, and late ones follow
 * the catch-up policy of docs/ARCHITECTURE.md. *applied (may be NULL) counts entries. */
#define SCHED_BATCH 4096
int sched_apply_due(struct engine *en, int64_t upto, bool follow_clock, size_t *applied,
                    struct dberr *e);
/* The earliest due entry's time, or INT64_MAX when there is none. */
int sched_next_due(struct engine *en, int64_t *at, struct dberr *e);

/* ---- notices (notice.c) ---- */
struct notice_var {
	const char *name;
	const char *value;
};
struct notice_req {
	const struct engine_plan *ep;
	const char *kind;             /* notice kind, X-Dabiao-Kind */
	const char *fallback;         /* template kind when <kind>.txt is missing */
	const char *key;              /* notice key: the outbox refuses it a second time */
	const struct store_task *task;/* the task, or NULL (conduct warnings) */
	const char *subject;          /* jurisdiction or enterprise id */
	const char *const *tasks;     /* X-Dabiao-Task values (NULL: task->key) */
	size_t ntasks;
	const struct plan_target *targets;
	size_t ntargets;
	int64_t scheduled;            /* when it should have gone out */
	bool late;                    /* applied after downtime: the text and headers say so */
	const struct notice_var *vars;/* extra template values */
	size_t nvars;
	const struct notify_attachment *attachments; /* e.g. the dispatch's XLSX; may be NULL */
	size_t nattachments;
	const char *const *to_addrs;  /* explicit recipients instead of targets (digests) */
	size_t nto_addrs;
};
/* Renders, addresses and queues one notice in the outbox, with its audit record. A key seen
 * before queues nothing and returns 0. Role contacts that are missing go to the registry's
 * admin contact and the gap is recorded in the notice. */
int notice_queue(struct engine *en, struct store_txn *txn, const struct notice_req *r,
                 struct dberr *e);
/* Writes every queued notice due by now as an .eml file in <db>/outbox/ and marks it sent
 * (the embedded default when no SMTP server is configured). *written may be NULL. */
int outbox_write_files(struct engine *en, size_t *written, struct dberr *e);

/* ---- delivery (deliver.c) ----
 * A batch of notices on its way to the SMTP server. It is prepared and applied on the
 * thread that owns the store (they read and write it) and sent by deliver_send, which
 * blocks on the network: in the daemon's sender thread, or inline for `deliver` and
 * `advance`. Without an SMTP server, notices are written as .eml files instead. */
enum deliver_result { DELIVER_OK = 0, DELIVER_TEMP, DELIVER_PERM };
struct deliver_item {
	char *key;               /* notice key */
	char *message;           /* the message bytes, CRLF */
	size_t len;
	char **rcpt;             /* recipients not yet delivered */
	size_t nrcpt;
	enum deliver_result *result; /* per recipient, filled by deliver_send */
	int *code;               /* SMTP reply code per recipient (0: none) */
	char **reply;            /* reply text per recipient, owned */
	bool applied;            /* its results are recorded in the store */
};
struct deliver_batch {
	struct deliver_item *v;
	size_t n;
};
#define DELIVER_BATCH 512
/* Moves up to max pending notices into a batch (NULL when there are none). */
int deliver_prepare(struct engine *en, size_t max, struct deliver_batch **out,
                    struct dberr *e);
/* Sends a batch in one SMTP session (notifiers/smtp.h); fills every result. A local
 * failure (no child process, no connection) makes every recipient DELIVER_TEMP. Does not
 * touch the store or the engine: safe in another thread with its own copy of cfg. */
void deliver_send(const struct config *cfg, struct deliver_batch *b,
                  void (*done)(size_t i, void *arg), void *arg);
/* done (may be NULL) is called in deliver_send's thread as soon as item i's results are
 * in, so they can be recorded before the rest of the batch is through. */
/* Records the results of items[0..n): sent, retrying (with backoff) or failed (and the
 * admin told), in one transaction. */
int deliver_apply(struct engine *en, struct deliver_item *const *items, size_t n,
                  struct dberr *e);
void deliver_batch_free(struct deliver_batch *b);
/* Delivers everything pending now, synchronously (SMTP, or .eml files without it).
 * *sent (may be NULL) counts notices delivered. */
int deliver_all(struct engine *en, size_t *sent, struct dberr *e);

/* Queues for delivery every notice a crashed run left queued; with now, delivers them. */
int engine_resume_outbox(struct engine *en, bool now, struct dberr *e);

/* ---- lifecycle events on tasks (lifecycle.c), each inside the caller's transaction ---- */
struct task_event_args {
	const char *by;          /* who: required */
	const char *note;        /* or NULL */
	int64_t at;              /* when it happened (clock time; may be back-dated) */
	bool backdated;          /* at was given by hand on a real-clock store */
	const char *file_sha256; /* submit: of the file handed in, or NULL */
	const char *sections;    /* submit: comma-separated sections declared, or NULL */
};
/* Applies EVENT to the task with key. An event the task's lifecycle does not allow in its
 * state is DB_ESTATE, naming the state and the events allowed there; an unknown task is
 * DB_ENOTFOUND. A submission lacking required sections goes to the lifecycle's incomplete
 * state (when it has one) and queues an `incomplete` notice saying what is missing.
 * *to_state (may be NULL) receives the new state (static storage of the plan). */
int task_event(struct engine *en, struct store_txn *txn, const char *key, const char *event,
               const struct task_event_args *a, const char **to_state, struct dberr *e);
/* Moves a task's deadline to the end of local day `day`; reschedules its reminders and
 * escalations (older due entries become stale); an overdue task whose new deadline lies
 * ahead goes back to its lifecycle's initial state. */
int task_extend(struct engine *en, struct store_txn *txn, const char *key, int32_t day,
                const char *by, const char *reason, struct dberr *e);
/* Raises an accountability flag (concealed, falsified, omitted): counted as a lapse by the
 * conduct rules, and a notice to the plan's accountability roles. */
int task_flag(struct engine *en, struct store_txn *txn, const char *key, const char *kind,
              const char *by, const char *reason, struct dberr *e);

/* ---- monthly dispatch (dispatch.c) ---- */
/* Puts the plan's monthly dispatch entries (dispatch: {day, notify}) for every month of its
 * tasks' horizon that is still ahead of the clock. Idempotent. */
int dispatch_schedule(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                      struct dberr *e);
/* Applies a due dispatch entry: the progress notice with the Annex 3 figures, the overdue
 * list, the warnings sent, the latest signed checkpoint and the figures as XLSX. */
int dispatch_fire(struct engine *en, struct store_txn *txn, const struct store_due *d,
                  bool late, struct dberr *e);

/* ---- conduct rules (conduct.c) ---- */
/* Counts a lapse or flag of task at time t for its jurisdiction, queueing a warning for the
 * next notify_at when a rule's count is reached. */
int conduct_note(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                 const struct store_task *task, int64_t t, const char *why, struct dberr *e);
/* Applies a due CONDUCT entry: sends the warning it stands for. */
int conduct_fire(struct engine *en, struct store_txn *txn, const struct store_due *d,
                 bool late, struct dberr *e);

/* ---- audit helper ---- */
int engine_audit(struct engine *en, struct store_txn *txn, const char *action,
                 const char *task, const char *subject, const char *from, const char *to,
                 const char *details, struct dberr *e);

#endif
