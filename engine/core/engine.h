/*
 * engine.h - the engine handle: one open store, its clock, the plans it runs, the
 * operator's configuration and who is acting. Every other engine module (notice, deliver,
 * rules, report, sched, daemon, cli) works through this handle and its functions; its
 * fields are private (engine_int.h).
 *
 * Also here, because every layer above needs them and they need nothing but a plan and
 * its zone: the instants of a task's schedule (schedule.c) and the audit helper.
 *
 * Threading: a handle is used by one thread at a time (the loop thread in `run`; a web
 * worker for one request); threads that work at once each have their own handle, made
 * with engine_open_sibling on one store.
 * Nothing here prints; errors go into the caller's struct dberr.
 */
#ifndef DABIAO_ENGINE_H
#define DABIAO_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/log.h"
#include "engine/config/config.h"
#include "store/store.h"
#include "time/tz.h"
#include "workflows/parse/plan.h"

struct engine; /* opaque */

/* One plan as the engine runs it: the store's current version, parsed. */
struct engine_plan {
	struct plan *plan;       /* owned by the engine */
	uint32_t version;
	struct tz *tz;           /* the plan's zone; owned by the engine */
	char *templates;         /* the plan's own template folder, or NULL; owned */
	/* that folder's files as this version keeps them (owned): notices of the version are
	 * rendered from these, not from the folder as it is now. tpls_kept false: a version
	 * stored before versions kept templates, read from the folder */
	bool tpls_kept;
	struct store_plan_template *tpls;
	size_t ntpls;
};

/* What main gathered for the engine: nothing here is read from the environment later. */
struct engine_opts {
	const char *db;                /* store folder */
	unsigned store_flags;          /* STORE_CREATE, STORE_RDONLY (store.h) */
	const struct config *config;   /* required (config_load's result); copied by
	                                  engine_open: notices need its sender and
	                                  templates, and a zeroed one has neither */
	const char *actor;             /* who runs this command, for audit records; copied */
	bool dry;                      /* a throw-away store (simulate): nothing is delivered,
	                                  nothing written outside the store */
	enum log_level log_level;      /* how much it logs on standard error (base/log.h; the
	                                  zero value: warnings): the command's -v/-q, passed
	                                  to the store, the daemon and the web through
	                                  engine_log_level. At LOG_LEVEL_INFO every action
	                                  committed (a task created or lapsed, a notice
	                                  queued) is a line "engine: action kind=..." */
};

/* Opens the store (STORE_CREATE makes a real-clock store when missing), reads its clock
 * and parses every current plan. Errors: those of store_open (DB_ENOINPUT: no store;
 * DB_ESCHEMA; DB_ESTORE), a stored plan that no longer parses (DB_EDATA), an unknown zone
 * (DB_EDATA); no configuration given (DB_ESOFTWARE, a caller's mistake). The caller frees
 * *out with engine_close. */
int engine_open(const struct engine_opts *o, struct engine **out, struct dberr *e);
/* Another handle on first's open store, for another thread (the web's workers): its own
 * plans (parsed again), clock, actor "dabiao", memos and copy of the configuration; the
 * store is shared, not owned (store.h: threads), so close every sibling before first.
 * Errors as engine_reload's. The caller frees *out with engine_close. */
int engine_open_sibling(const struct engine *first, struct engine **out, struct dberr *e);
/* Frees everything the engine owns, closing the store (unless a sibling's). NULL is
 * allowed. */
void engine_close(struct engine *en);
/* Re-reads plans and clock from the store (another process changed them). Errors as
 * engine_open's; on failure the plans loaded before are kept unchanged. */
int engine_reload(struct engine *en, struct dberr *e);
/* Replaces the configuration with a copy of c (SIGHUP). Cannot fail. */
void engine_set_config(struct engine *en, const struct config *c);

/* ---- accessors: pointers are owned by the engine, valid until engine_close (a plan's,
 * until the next engine_reload or plan load); none can fail ---- */
struct store *engine_store(const struct engine *en);
const struct config *engine_config(const struct engine *en);
const struct tz *engine_tz(const struct engine *en);   /* the store's zone (CLI times) */
const char *engine_actor(const struct engine *en);
/* Names who acts from now on (the web: `web:LOGIN` or `link:ROLE/SUBJECT:NAME` per
 * request); copied. NULL or "" restores "dabiao". Cannot fail. */
void engine_set_actor(struct engine *en, const char *actor);
/* The loaded plans, in no fixed order: engine_plan_at(en, i) for i < engine_nplans(en). */
size_t engine_nplans(const struct engine *en);
const struct engine_plan *engine_plan_at(const struct engine *en, size_t i);
/* The loaded plan with this id, or NULL. */
const struct engine_plan *engine_plan_find(const struct engine *en, const char *id);
/* Makes p (parsed from path, version, with the template files tpls of its own folder,
 * copied; NULL/0 for none) the engine's plan of its id, replacing and freeing the one
 * before; the engine owns p from now on, also on failure. Only an unknown zone fails
 * (DB_EDATA), and then p is freed and the old plan stays. */
int engine_plan_place(struct engine *en, struct plan *p, const char *path, uint32_t version,
                      const struct store_plan_template *tpls, size_t ntpls, struct dberr *e);
/* Drops the plan p from the engine again (a load whose transaction failed), freeing it;
 * the plan it replaced is not brought back (engine_reload reads the stored one). Cannot
 * fail. */
void engine_plan_unplace(struct engine *en, const struct plan *p);

/* ---- parsing plans with their calendars ----
 * A plan file (load, check, simulate): the calendar files its `use` names are taken from
 * `given` (by name; may be NULL/0) first, else from the configuration's folders
 * (config_calendar_dirs). Errors: plan_parse_buffer's. The caller frees *out. */
int engine_plan_parse(const struct config *cfg, const char *path, const char *data,
                      size_t len, const struct plan_calsource *given, size_t ngiven,
                      struct plan **out, struct dberr *e);
/* A stored plan version, with the calendar files stored beside it and never the folders:
 * its deadlines were computed from exactly those. Errors: plan_parse_buffer's. */
int engine_plan_parse_stored(const struct store_plan *sp, struct plan **out,
                             struct dberr *e);
/* Points sp's calendar fields at p's calendar files and hash, for store_plan_put; the
 * caller frees sp->calendars (the array only) with free() while p is still alive. */
void engine_plan_calendars_to_store(const struct plan *p, struct store_plan *sp);

/* ---- the clock: the one place "now" comes from (UTC seconds) ---- */
/* REAL or VIRTUAL, as the store says (read at open and reload). Cannot fail. */
enum store_clock_mode engine_clock_mode(const struct engine *en);
/* The clock's now as last read or set (UTC seconds). Cannot fail. */
int64_t engine_now(const struct engine *en);
/* REAL: reads the wall clock; VIRTUAL: the store's now, unchanged. Returns the new now. */
int64_t engine_clock_read(struct engine *en);
/* Sets now (the scheduler moves a virtual clock with the entries it applies). */
void engine_clock_set(struct engine *en, int64_t now);
/* Reads the clock as of write transaction txn and sets now to it: VIRTUAL, the store's now
 * in txn (an `advance` in another process may have moved it while this one waited for the
 * writer's lock); REAL, the wall clock. *now (may be NULL) gets it. Errors: the store's. */
int engine_clock_txn(struct engine *en, struct store_txn *txn, int64_t *now, struct dberr *e);
/* The wall clock whatever the store's mode: only for audit records' real_time and for a
 * new store's first now. */
int64_t engine_wall_clock(void);
/* Milliseconds of a clock that never steps (CLOCK_MONOTONIC): only for bounding how long a
 * piece of work holds the store's writer lock, never for anything recorded or decided. */
int64_t engine_monotonic_ms(void);
/* `run`: when this daemon started; entries planned before it were missed while it was
 * down (catch-up). 0 outside `run`. */
void engine_set_started(struct engine *en, int64_t t);
int64_t engine_started(const struct engine *en);   /* UTC seconds, or 0 */

/* ---- what the engine did, for logs and timelines ---- */
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
/* fn (NULL: none) is called for every action from now on. */
void engine_on_action(struct engine *en, engine_action_fn fn, void *arg);
/* Reports a to the callback, if any. Inside engine_write the action is kept (copied) and
 * reported only once the transaction has committed: a transaction that is redone or
 * rolled back reports nothing of what it did. */
void engine_action(struct engine *en, const struct engine_action *a);

/* store_write on the engine's store, with the actions its function reports held back
 * until the commit (dropped when fn is run again after map growth, or fails). Same
 * contract and errors as store_write. */
int engine_write(struct engine *en, store_fn fn, void *arg, struct dberr *e);
/* Several engines' writes (each item's fn with its own engine's actor, clock and plans;
 * every engine on the same store) in one store_write_group: one synced commit for all,
 * each in a nested transaction, so a failing item (its rc and err) is undone alone. Each
 * engine's actions are reported once the group has committed, for its item if it
 * succeeded. The engines must not be used by another thread meanwhile. 0 when the group
 * committed; else store_write_group's failure in every item. */
struct engine_write_item {
	struct engine *en;
	store_fn fn;
	void *arg;
	int rc;
	struct dberr err;
};
int engine_write_group(struct engine_write_item *items, size_t n, struct dberr *e);
/* The same transaction, aborted (store_write_dry): a preview. The actions it reports are
 * dropped, none reaches the callback. Same errors as store_write_dry. */
int engine_write_dry(struct engine *en, store_fn fn, void *arg, struct dberr *e);
/* True for a throw-away store (engine_opts.dry): delivery is a null transport. */
bool engine_dry(const struct engine *en);
/* engine_opts.log_level: what every log line of the engine, the daemon and the web names
 * as the verbosity it runs at (base/log.h). Cannot fail. */
enum log_level engine_log_level(const struct engine *en);

/* ---- per-engine memos of modules above core (e.g. parsed templates) ----
 * A module keeps one pointer in its slot (NULL until set); engine_slot_set replaces it,
 * calling the old one's release, and engine_close calls release on it. Neither fails. */
enum engine_slot { ENGINE_SLOT_TEMPLATES = 0, ENGINE_SLOT__N };
void *engine_slot(const struct engine *en, enum engine_slot s);
void engine_slot_set(struct engine *en, enum engine_slot s, void *p, void (*release)(void *));

/* ---- the audit helper ---- */
/* Appends one audit record (audit_append) with this engine's actor, the clock's time and
 * the wall time. NULL strings are stored as "" (details as "{}"). Errors: the store's. */
int engine_audit(struct engine *en, struct store_txn *txn, const char *action,
                 const char *task, const char *subject, const char *from, const char *to,
                 const char *details, struct dberr *e);

/* ---- a task's schedule (schedule.c): pure functions of the plan ---- */
#define SCHEDULE_NONE INT64_MIN  /* a reminder left out: it would come out of order */
struct task_times {
	int64_t deadline;        /* UTC seconds */
	int64_t remind[16];      /* in the plan's order; SCHEDULE_NONE where left out */
	size_t nremind;
	int64_t escalate[16];
	size_t nescalate;
};
/* The instants of milestone m's reminders, deadline and escalation steps for a task due
 * on local day due_date (shifted) with this deadline. Day offsets land at the plan's
 * notify_at; h/m/s offsets count from the deadline. A submission at or before the deadline
 * instant is on time and the task lapses one second after it, so no escalation step is
 * earlier than deadline + 1. Errors: DB_EDATA (more than 16 reminders or steps; no working
 * day within ten years). */
int schedule_times(const struct engine_plan *ep, const struct plan_milestone *m,
                   int32_t due_date, int64_t deadline, struct task_times *out,
                   struct dberr *e);
/* Puts the due entries of task (generation task->gen) for its reminders, lapse (at
 * deadline + 1) and escalations; reminders and steps before schedule_from(task) are left
 * out (the lapse never is). Errors: schedule_times' and the store's; DB_ENOTFOUND when the
 * task's milestone is not in the plan. */
int schedule_task(struct store_txn *txn, const struct engine_plan *ep,
                  const struct store_task *task, struct dberr *e);
/* When the task's current schedule began: when it was rescheduled (detail "schedule_from"),
 * else when it was created. Notices of its schedule before that instant are never sent;
 * the calendar shows none either. Cannot fail. */
int64_t schedule_from(const struct store_task *task);
/* at, or, when the plan's `notices.hold` holds notices of this kind and at falls on a
 * non-working day of its calendar, the next working day at notify_at. Cannot fail. */
int64_t schedule_hold(const struct engine_plan *ep, const char *kind, int64_t at);
/* The first notify_at instant at or after t, in the plan's zone. Cannot fail. */
int64_t schedule_next_notify_at(const struct engine_plan *ep, int64_t t);
/* The end of local day `day` (23:59:59) in the plan's zone: a date-only deadline. */
int64_t schedule_end_of_day(const struct engine_plan *ep, int32_t day);
/* ---- words for people (words.c): dates, deadlines, periods, day counts ---- */
#define WORDS_DATE_MAX 48      /* "2017年12月31日（星期日）" and its NUL, with room */
#define WORDS_DEADLINE_MAX 64
#define WORDS_NUMERAL_MAX 32   /* "九百九十九" and its NUL, with room */
/* n in Chinese numerals, as 公文 number their items (（一）…（十一）…（二十七）): 一 … 九百九十九;
 * 0 and n > 999 in Arabic digits. out >= WORDS_NUMERAL_MAX. Cannot fail. */
void words_numeral_zh(size_t n, char *out);
/* "2017年7月5日（星期三）". out >= WORDS_DATE_MAX. Cannot fail. */
void words_date_zh(int32_t day, char *out);
/* A deadline as official texts write it, local to z: the end of a day is
 * "2017年7月5日（星期三）24时", another instant "…19时" or "…19时30分".
 * out >= WORDS_DEADLINE_MAX. Cannot fail. */
void words_deadline_zh(const struct tz *z, int64_t deadline, char *out);
/* Local calendar days in z from the day of `from` to the day of `to` (negative when to is
 * earlier): the reminder at 09:00 on the day before a deadline is 1 day before it, across
 * midnight and daylight-saving changes alike. Cannot fail. */
int64_t words_days_between(const struct tz *z, int64_t from, int64_t to);
/* Days a task is overdue at now: 0 until the deadline, then the local days since the
 * deadline's day, at least 1. Cannot fail. */
int64_t words_days_overdue(const struct tz *z, int64_t deadline, int64_t now);
/* The period a task of milestone m covers, in Chinese: "2017年7月", "2017年第27周",
 * "2017年7月5日"; with the milestone's `covers: previous`, the period before the one it is
 * due in ("2017-07" of a monthly table is "2017年6月", of a table every two months
 * "2017年5—6月"). "" for a one-off task. m may be NULL. Cannot fail. */
void words_period_zh(const struct plan_milestone *m, const char *period, char *out, size_t cap);

/* The plan's own template folder: its `templates` key, relative to the plan file at path
 * (NULL: relative to nothing), or NULL when it has none. Caller frees. */
char *engine_plan_templates(const struct plan *p, const char *path);

/* ---- the subjects a plan runs over (covers.c) ---- */
/* Does subject s have every attribute of where[0..nwhere) with one of its values (a
 * milestone's or a plan registry's `where`, docs/plan-format.md; attr `id` is s's id)?
 * None: every subject. Cannot fail. */
bool engine_where_matches(const struct plan_where *where, size_t nwhere,
                          const struct store_subject *s);
/* Does ep's `registry: {where}` take s: a jurisdiction matching it, an enterprise whose
 * jurisdiction (read within txn) does; every subject without the key. Retirement is not
 * asked here (a report of a month before it still has the county's row; the scheduler adds
 * it: sched_plan_covers). Cannot fail: a jurisdiction that cannot be read is not taken. */
bool engine_plan_takes(const struct engine_plan *ep, struct store_txn *txn,
                       const struct store_subject *s);

#endif
