/*
 * store.h - dabiao's durable state in LMDB: the store's contract, and the only module that
 * includes lmdb.h. store/README.md documents each database, its key and its value layout.
 *
 * A store is a folder (--db DIR, env DABIAO_DB, default ./dabiao.db) holding an LMDB
 * environment (data.mdb, lock.mdb, mode 0600) and, beside it, outbox/ for .eml files.
 *
 * Transactions: every command is one write transaction run through store_write(), which
 * begins, calls the command's function, and commits. When LMDB reports the map full, the
 * whole transaction is aborted, the map grown, and the function called again from the start;
 * so a transaction function must have no effect outside the transaction (write files after
 * the commit). Records read inside a transaction are copies owned by the caller and freed
 * with the matching *_release(); iteration callbacks see records valid only during the call.
 *
 * Threads: a store handle may be shared by the threads of a process (the web's workers).
 * A transaction belongs to the thread that runs store_read or store_write, for that call;
 * writers take turns (a store_write inside a store_write on one thread is refused with
 * DB_ESOFTWARE, another thread's waits); readers never wait for one another or for a
 * writer. Growing the map waits until no other thread of the process is in a transaction.
 * Never open the same folder twice in one process (LMDB forbids it): share the handle.
 *
 * Errors. A function returning int returns 0, or a negative code of base/err.h with the
 * reason in the caller's struct dberr. Besides those a declaration names, any of them may
 * return:
 *   DB_ESTORE     LMDB failed (I/O, disk full past the map's growth, a damaged page), a
 *                 stored value does not decode as its record kind, or a write was asked of
 *                 a store opened STORE_RDONLY; the enclosing store_write aborts everything;
 *   DB_EDATA      a key the caller gave cannot be stored: empty, or longer than LMDB's
 *                 511 bytes;
 *   DB_ENOTFOUND  only from the *_get and *_del functions, and where a declaration says
 *                 so: no record under that key.
 * An *_each function calls its callback in key order unless it says another; a non-zero
 * return of the callback stops the walk and is returned, unless the declaration says how
 * a positive one ends it. Functions returning void or a value cannot fail.
 *
 * Ownership. A record filled through *out is xmalloc'd and the caller's until the
 * matching *_release (NULL is allowed). Records and strings passed in are copied: the
 * caller keeps them. Pointers into records given to a callback are valid only during the
 * call.
 */
#ifndef DABIAO_STORE_H
#define DABIAO_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/log.h"

#define STORE_SCHEMA_VERSION 13

struct store;     /* opaque: one open environment */
struct store_txn; /* opaque: one transaction */

/* A name and a value; used for subject fields, contacts, and open-ended task details. */
struct store_kv {
	char *key;
	char *val;
};

enum store_open_flags {
	STORE_CREATE = 1 << 0,  /* create the folder and environment when missing */
	STORE_RDONLY = 1 << 1,
	STORE_NOLOCK = 1 << 2,  /* with STORE_RDONLY: no lock.mdb (a backup's copy, read once
	                           by the process that made it, before anyone else opens it) */
	STORE_QUIET = 1 << 3,   /* no warning on standard error (the command's -q) */
	STORE_VERBOSE = 1 << 4, /* also its info lines: stale reader slots cleared, the map
	                           grown (-v) */
};
/* The STORE_QUIET/STORE_VERBOSE flags of a command's verbosity (base/log.h). */
unsigned store_log_flags(enum log_level at);

/* Opens (and with STORE_CREATE creates, mode 0700 folder / 0600 files) the store in dir.
 * Clears stale reader slots. A store written by a newer schema is refused with DB_ESCHEMA
 * ("store schema 3 is newer than this dabiao (1); upgrade dabiao"). A missing store without
 * STORE_CREATE is DB_ENOINPUT. Caller closes *out with store_close. */
int store_open(const char *dir, unsigned flags, struct store **out, struct dberr *e);
/* The same with a new store's initial map size in bytes (rounded up to whole pages; 0:
 * the default). Tests use a small one to reach MDB_MAP_FULL with little data. Errors as
 * store_open's. */
int store_open_sized(const char *dir, unsigned flags, size_t mapsize, struct store **out,
                     struct dberr *e);
/* Closes the environment and frees s; no transaction may be running. NULL is allowed. */
void store_close(struct store *s);
const char *store_dir(const struct store *s);   /* the folder; owned by s, valid until close */

/* Runs fn inside one write transaction and commits it; aborts when fn returns non-zero
 * (and returns that). Retries fn from the start after growing the map when LMDB reports
 * MDB_MAP_FULL, so fn must not act outside txn. */
typedef int (*store_fn)(struct store_txn *txn, void *arg, struct dberr *e);
int store_write(struct store *s, store_fn fn, void *arg, struct dberr *e);
/* Runs fn inside one write transaction and always aborts it: a preview that does exactly
 * what fn would do (load --dry-run) and keeps none of it. Returns fn's result. */
int store_write_dry(struct store *s, store_fn fn, void *arg, struct dberr *e);
/* Several writers' functions in one write transaction and one synced commit (the web's
 * submissions, grouped: a commit's fsyncs paid once for all of them). Each item runs in
 * a transaction nested in the group's, in order, seeing what the items before it kept;
 * one that fails (its rc and err in its item) is undone alone, the others' changes are
 * kept. 0 when the group committed; else nothing of it is kept and every item's rc and err
 * are that failure. A full map runs every item again from the start (as store_write). */
struct store_group_item {
	store_fn fn;
	void *arg;
	int rc;
	struct dberr err;
};
int store_write_group(struct store *s, struct store_group_item *items, size_t n,
                      struct dberr *e);
/* Same in a read-only transaction (a consistent snapshot). */
int store_read(struct store *s, store_fn fn, void *arg, struct dberr *e);

/* Taking turns at LMDB's one writer lock, which is not fair: a process that commits and
 * begins again at once (the daemon in a burst) wins it back before a waiter another
 * process has is even scheduled, so the waiter could wait for the whole burst. So every
 * store_write of a store not made yielding says so in <dir>/writers.lock (a shared flock
 * held while the process has a write waiting or running), and a yielding store's owner
 * (the daemon, store_set_yielding) asks store_writers_waiting before each of its long
 * transactions and, while it is true, lets the others go first. A store opened
 * STORE_RDONLY writes nothing and says nothing. */
void store_set_yielding(struct store *s);
/* Whether another process has a write waiting for the lock or running (never this
 * process's own, which a yielding store does not announce). Never waits. */
bool store_writers_waiting(struct store *s);

/* What a module above the store keeps for the length of one write transaction, so that a
 * batch of changes reads and writes its summary once (the audit log's tree edge): flush
 * writes state through the transaction just before the commit (an error aborts it), and
 * release frees it after the commit or the abort, and before a transaction function is
 * run again after map growth. flush is not called by store_write_dry. ops is the key:
 * store_txn_state returns the state set with it in t, or NULL. store_txn_state_set
 * takes state (released with ops->release even when it fails); DB_ESOFTWARE outside a
 * write transaction or past two states per transaction. */
struct store_txn_state_ops {
	int (*flush)(struct store_txn *t, void *state, struct dberr *e);
	void (*release)(void *state);
};
void *store_txn_state(struct store_txn *t, const struct store_txn_state_ops *ops);
int store_txn_state_set(struct store_txn *t, const struct store_txn_state_ops *ops,
                        void *state, struct dberr *e);

/* Hot copy into an empty or new folder: the database compacted (mdb_env_copy2
 * MDB_CP_COMPACT, one consistent snapshot), then every other file the store folder holds,
 * the outbox's .eml files first of all, the signing key too (not temporary files, links,
 * LMDB's lock.mdb or the daemon's daemon.lock), each 0600; flushed to disk before it
 * returns. Errors: DB_ECANTCREAT (the folder cannot be made, or is not empty), the
 * store's, -errno. */
int store_backup(struct store *s, const char *dir, struct dberr *e);

/* ---- meta: small named values (schema version, clock, zone) ---- */
/* *out is xmalloc'd (caller frees); DB_ENOTFOUND when absent. */
int store_meta_get(struct store_txn *t, const char *name, char **out, struct dberr *e);
/* Sets name to val (both copied), replacing any value. */
int store_meta_put(struct store_txn *t, const char *name, const char *val, struct dberr *e);
/* Meta values whose name starts with prefix, in name order; name and val are valid during
 * the call. A non-zero return stops and is returned. */
int store_meta_each(struct store_txn *t, const char *prefix,
                    int (*cb)(const char *name, const char *val, void *arg), void *arg,
                    struct dberr *e);

/* ---- clock ---- */
enum store_clock_mode { STORE_CLOCK_REAL = 0, STORE_CLOCK_VIRTUAL };
struct store_clock {
	enum store_clock_mode mode;
	int64_t now;        /* VIRTUAL: the store's own now (UTC seconds); REAL: unused */
	char tz[64];        /* the store's zone for command-line times, default Asia/Shanghai */
};
/* The store's clock: mode, virtual now and zone (*out holds no pointers). DB_ENOTFOUND
 * before `init` set it; DB_ESTORE when the stored text does not parse. */
int store_clock_get(struct store_txn *t, struct store_clock *out, struct dberr *e);
/* Replaces the clock. DB_EDATA: c->tz is not NUL-terminated within its 64 bytes. */
int store_clock_put(struct store_txn *t, const struct store_clock *c, struct dberr *e);

/* ---- plans: every version of every plan, with its source verbatim ---- */
/* A calendar file a plan version used (`calendar: {use: [...]}`), kept byte for byte, so
 * the version is parsed again with exactly the calendar its deadlines came from. */
struct store_plan_calendar {
	char *name;         /* "cn-mainland" */
	char *path;         /* where it was read */
	char *source;       /* its bytes, NUL-terminated */
	size_t source_len;
};
/* A template file of the plan's own folder (`templates:`) as the version was loaded with it,
 * kept byte for byte: a template edited on disk later changes no notice of this version. */
struct store_plan_template {
	char *kind;         /* "reminder" */
	char *source;       /* its bytes, NUL-terminated */
	size_t source_len;
};
struct store_plan {
	char *id;
	uint32_t version;   /* 1, 2, ... */
	char sha256[65];    /* of source */
	char *source;       /* the YAML bytes, NUL-terminated */
	size_t source_len;
	char *path;         /* where it was loaded from */
	int64_t loaded_at;  /* clock time of the load */
	char calendar_sha256[65];   /* of the resolved calendar (plan.h); "" before schema 3 */
	struct store_plan_calendar *calendars;  /* in `use` order; NULL/0 when none */
	size_t ncalendars;
	bool templates_kept;        /* false: stored before schema 7 kept templates (the plan's
	                               folder is read as it is now) */
	struct store_plan_template *templates;  /* in kind order; NULL/0 when none */
	size_t ntemplates;
};
/* Stores p under (id, version) and makes it the plan's current version; everything is
 * copied. DB_EDATA: version 0. */
int store_plan_put(struct store_txn *t, const struct store_plan *p, struct dberr *e);
/* version 0 = current. DB_ENOTFOUND when absent. Release with store_plan_release. */
int store_plan_get(struct store_txn *t, const char *id, uint32_t version,
                   struct store_plan *out, struct dberr *e);
void store_plan_release(struct store_plan *p);
/* Calls cb with the current version of each plan, by id. A non-zero return stops and is
 * returned. */
int store_plan_each(struct store_txn *t, int (*cb)(const struct store_plan *, void *),
                    void *arg, struct dberr *e);

/* ---- subjects: jurisdictions, enterprises, offices ---- */
enum store_subject_kind {
	STORE_JURISDICTION = 'j',
	STORE_ENTERPRISE = 'e',
	STORE_OFFICE = 'o',  /* id is a role id or "admin"; contacts hold its addresses */
};
struct store_subject {
	enum store_subject_kind kind;
	char *id;
	struct store_kv *fields;   /* name, jurisdiction, kind, industry, listed, measure,
	                              rectify_by, responsible_unit, ... and free attributes */
	size_t nfields;
	struct store_kv *contacts; /* key: role id ("" = any role), val: one e-mail address */
	size_t ncontacts;
};
/* Inserts or replaces the subject (kind, id) with s's fields and contacts, copied. */
int store_subject_put(struct store_txn *t, const struct store_subject *s, struct dberr *e);
/* DB_ENOTFOUND when absent. Release *out with store_subject_release. */
int store_subject_get(struct store_txn *t, enum store_subject_kind kind, const char *id,
                      struct store_subject *out, struct dberr *e);
void store_subject_release(struct store_subject *s);
/* Subjects of one kind in id order. */
int store_subject_each(struct store_txn *t, enum store_subject_kind kind,
                       int (*cb)(const struct store_subject *, void *), void *arg,
                       struct dberr *e);
/* A field's value, or NULL. Cannot fail. */
const char *store_subject_field(const struct store_subject *s, const char *name);
/* The subject's registry name (its "name" field) as a reader sees it: ID itself when the
 * store has no such subject, or it has no name, or it cannot be read (a name is for
 * display: a read error is the caller's next store call's to report). Caller frees. Cannot
 * fail. */
char *store_subject_name(struct store_txn *t, enum store_subject_kind kind, const char *id);

/* ---- tasks: one per milestone, subject and period ---- */
struct store_task {
	char *key;            /* plan/milestone/subject/period */
	char *plan;
	char *milestone;
	char *subject;        /* jurisdiction or enterprise id, or the owner role for `once` */
	char *jurisdiction;   /* the subject's jurisdiction ("" for offices) */
	char *period;         /* "2017-07", "2017-W27", "2017-07-05", or "once" */
	uint32_t plan_version;
	char *state;
	int32_t due_date;     /* local day after holiday shift (calendar.h day number) */
	int32_t orig_due_date;/* before any extension */
	int64_t deadline;     /* UTC instant */
	int64_t orig_deadline;
	uint32_t gen;         /* schedule generation: due entries of older generations are stale */
	uint32_t flags;       /* STORE_TASK_* */
	int64_t created_at;
	int64_t updated_at;
	struct store_kv *extra; /* open-ended details: submitted_by, submitted_at, file_sha256,
	                           sections, missing, note, ... */
	size_t nextra;
};
enum store_task_flags {
	STORE_TASK_LATE = 1 << 0,     /* submitted after its deadline */
	STORE_TASK_LAPSED = 1 << 1,   /* its deadline passed in a watched state */
	STORE_TASK_EXTENDED = 1 << 2,
	STORE_TASK_FLAGGED = 1 << 3,  /* an accountability flag was raised */
	STORE_TASK_BACKDATED = 1 << 4,
};
/* Inserts or replaces by key (copied), and moves the task's entries in the task index
 * (jurisdiction, state, deadline, flags) to match. */
int store_task_put(struct store_txn *t, const struct store_task *task, struct dberr *e);
/* DB_ENOTFOUND when absent. Release *out with store_task_release. */
int store_task_get(struct store_txn *t, const char *key, struct store_task *out,
                   struct dberr *e);
/* Whether a task has this key; a read error counts as absent. Cannot fail. */
bool store_task_exists(struct store_txn *t, const char *key);
void store_task_release(struct store_task *task);
/* Tasks whose key starts with prefix ("" for all; "changji-2017/" for one plan), in key
 * order. */
int store_task_each(struct store_txn *t, const char *prefix,
                    int (*cb)(const struct store_task *, void *), void *arg, struct dberr *e);
/* A detail's value (owned by task) or NULL; set replaces or adds (copies both strings,
 * the task owns them). Cannot fail. */
const char *store_task_extra(const struct store_task *task, const char *key);
void store_task_set_extra(struct store_task *task, const char *key, const char *val);

/* ---- due index: the engine's timer queue, ordered by time, then kind, then task ----
 * Key: 8-byte big-endian UTC seconds, 1 byte kind, the task key, a NUL, 1 byte step.
 * Entries are never searched by task: an entry carries the task generation it was made for,
 * and the engine drops entries whose generation is older than the task's (lazy deletion). */
enum store_due_kind {
	STORE_DUE_DEADLINE = 1, /* same instant: deadlines first, then escalations, reminders */
	STORE_DUE_ESCALATE = 2,
	STORE_DUE_REMIND = 3,
	STORE_DUE_CONDUCT = 4,  /* a rule's evaluation; task: "conduct#<plan>#<rule>#<jur>" */
	STORE_DUE_RETRY = 5,    /* a delivery retry; task: "deliver#<notice key>" */
	STORE_DUE_DIGEST = 6,   /* a daily digest; task: "digest#<plan>#<day>#<address>" */
	STORE_DUE_DISPATCH = 7, /* the monthly dispatch; task: "dispatch#<plan>#<YYYY-MM>" */
	STORE_DUE_CANDIDATES = 8, /* a conduct rule's candidate list for a decision; task:
	                             "candidates#<plan>#<rule index>" */
	STORE_DUE_KINDS_        /* one past the last kind */
};
struct store_due {
	int64_t at;
	uint8_t kind;
	char *task;           /* task key; for kinds after REMIND, the key shown above */
	uint8_t step;         /* reminder or escalation step index */
	uint32_t gen;
	int64_t planned;      /* when it should have happened (== at unless rescheduled) */
};
/* Puts entry d (copied), replacing one with the same at, kind, task and step. */
int store_due_put(struct store_txn *t, const struct store_due *d, struct dberr *e);
/* Deletes the entry with d's at, kind, task and step; DB_ENOTFOUND when there is none, so
 * a caller deleting lazily can tell. */
int store_due_del(struct store_txn *t, const struct store_due *d, struct dberr *e);
/* Earliest entry; DB_ENOTFOUND when the index is empty. Release with store_due_release. */
int store_due_first(struct store_txn *t, struct store_due *out, struct dberr *e);
void store_due_release(struct store_due *d);
/* Entries with at <= upto in key order, at most max of them (0 = no limit). cb may
 * delete the entry it was given and put new ones; it returns STORE_DUE_STOP to end the
 * walk before that entry (left as it is, not counted), 0 to go on, else an error code. */
#define STORE_DUE_STOP 1
int store_due_each(struct store_txn *t, int64_t upto, size_t max,
                   int (*cb)(const struct store_due *, void *), void *arg, struct dberr *e);

/* ---- outbox: one record per notice, keyed by its notice key ----
 * The record holds what a notice is (its bytes, recipients, tasks) and is written once;
 * where its delivery stands lives in a small record of its own (store_delivery below), so
 * a change of state never rewrites the message. */
struct store_notice {
	char *key;            /* task#kind#step: refused a second time (DB_EEXIST-like: 1) */
	char *plan;
	char *kind;
	char *subject;
	char **tasks;         /* the task, or every lapsed task behind a conduct warning */
	size_t ntasks;
	char **to;            /* resolved recipients */
	size_t nto;
	int64_t scheduled;    /* when it should have gone out */
	int64_t created;      /* clock time it was queued (later than scheduled on catch-up) */
	char *state;          /* add: "queued", "digested" or "failed"; read: the delivery
	                         state's name (store_dstate_name) */
	char *message;        /* the whole RFC 5322 message, CRLF line ends, kept packed and
	                         given back byte for byte by store_notice_get (NULL in
	                         store_notice_each, which never unpacks one) */
	struct store_kv *extra; /* add: gaps, recipients left to a digest, a failed build's
	                           reason ("error"); read: those, then the delivery record's
	                           attempts and per-recipient results over them */
	size_t nextra;
	uint32_t plan_version;/* the plan version that worded it (0: unknown, older stores):
	                         notices of one plan version and kind are packed alike */
};
/* Adds a new notice and its delivery record: queued from `created` (in the queue of
 * deliverable notices), or digested, or failed (n->state). Returns 1 (and writes nothing)
 * when the key was seen before, 0 when added. */
int store_notice_add(struct store_txn *t, const struct store_notice *n, struct dberr *e);
/* The notice and its delivery state (state, extra as described above). DB_ENOTFOUND when
 * absent. Release *out with store_notice_release. */
int store_notice_get(struct store_txn *t, const char *key, struct store_notice *out,
                     struct dberr *e);
/* The same without its message (NULL), which is never unpacked: for a caller that wants
 * what the notice is about, not its bytes (recording a delivery's result). */
int store_notice_head(struct store_txn *t, const char *key, struct store_notice *out,
                      struct dberr *e);
void store_notice_release(struct store_notice *n);
/* Every notice in key order, with its delivery state (as store_notice_get), without its
 * message (NULL: a history scan unpacks none; store_notice_get the one wanted). */
int store_notice_each(struct store_txn *t, int (*cb)(const struct store_notice *, void *),
                      void *arg, struct dberr *e);

/* ---- delivery: each notice's delivery state, and the queue of deliverable notices ----
 * A notice moves queued -> claimed (a process is delivering it: who, and until when) ->
 * sent | retrying (deliverable again at a time) | failed. Queued and retrying notices sit
 * in a queue ordered by the time they become deliverable, claimed ones in a second one
 * ordered by lease expiry; sent, failed and digested ones in neither, so finding work never
 * reads the history. store/README.md gives the bytes. */
enum store_dstate {
	STORE_DQUEUED = 1,   /* deliverable from `due` (clock time) */
	STORE_DCLAIMED,      /* in flight: claim, pid and host say who; lease ends at `due`
	                        (wall clock) */
	STORE_DSENT,         /* every recipient accepted it (or got it in a digest) */
	STORE_DRETRY,        /* a temporary failure: deliverable again from `due` (clock) */
	STORE_DFAILED,       /* given up: a permanent refusal, its lifetime over, or a notice
	                        that could not be built */
	STORE_DDIGESTED,     /* every recipient gets it in a digest: nothing to send */
	STORE_DSTATES_
};
struct store_delivery {
	enum store_dstate state;
	uint32_t attempts;    /* delivery attempts whose result was recorded */
	int64_t due;          /* see enum store_dstate; for sent/failed: when it became so */
	uint64_t claim;       /* the claim's token (CLAIMED; kept after it as the last one) */
	uint32_t pid;         /* the claiming process */
	char *host;           /* and its host name ("" when none) */
	struct store_kv *results; /* "rcpt:ADDR" -> "delivered|retrying|failed CODE TEXT" for
	                             recipients with a result, "error" -> the last reason */
	size_t nresults;
};
/* The state's name: queued, claimed, sent, retrying, failed, digested. Cannot fail. */
const char *store_dstate_name(enum store_dstate s);
/* DB_ENOTFOUND when the key has no delivery record. Release with store_delivery_release. */
int store_delivery_get(struct store_txn *t, const char *key, struct store_delivery *out,
                       struct dberr *e);
/* Replaces the notice's delivery record and moves its queue entry to match (removes the
 * old one, adds one for QUEUED, RETRY and CLAIMED). Small writes only. */
int store_delivery_put(struct store_txn *t, const char *key, const struct store_delivery *d,
                       struct dberr *e);
void store_delivery_release(struct store_delivery *d);
typedef int (*store_delivery_fn)(const char *key, const struct store_delivery *d, void *arg);
/* Queued and retrying notices with due <= upto, by due then key, at most max (0: no
 * limit). cb may store_delivery_put the notice it was given. A non-zero return stops. */
int store_delivery_each_ready(struct store_txn *t, int64_t upto, size_t max,
                              store_delivery_fn cb, void *arg, struct dberr *e);
/* Claimed notices, by lease expiry, at most max (0: no limit); cb may put. */
int store_delivery_each_claimed(struct store_txn *t, size_t max, store_delivery_fn cb,
                                void *arg, struct dberr *e);
/* The earliest due of a queued or retrying notice, INT64_MAX when there is none. */
int store_delivery_next(struct store_txn *t, int64_t *at, struct dberr *e);

/* ---- audit: append-only, keyed by sequence ---- */
#define STORE_AUDIT_LEAF_LEN 32 /* a SHA-256 */
struct store_audit {
	uint64_t seq;         /* assigned by store_audit_append, 1-based */
	int64_t real_time;    /* wall clock when recorded */
	int64_t clock_time;   /* the store's clock (virtual on a virtual store) */
	char *actor;
	char *action;         /* plan.load, registry.import, task.create, task.lapse, ... */
	char *task;           /* or "" */
	char *subject;        /* or "" */
	char *from_state;     /* or "" */
	char *to_state;       /* or "" */
	char *details;        /* JSON object text */
};
/* Appends rec (its seq is ignored; strings copied) and writes the
 * assigned sequence to *seq when non-NULL; a record that names a task is indexed under it
 * (store_audit_task_each). A plain record: the layout of schema 11 and before, no leaf. */
int store_audit_append(struct store_txn *t, const struct store_audit *rec, uint64_t *seq,
                       struct dberr *e);
/* The same, with leaf (the record's leaf hash in the audit tree, for the sequence it is
 * given: the caller knows it, the log has no gaps) kept beside it and the record's fields
 * deflated: a notice.queue record is ~170 bytes instead of ~500 and needs no second key
 * for its leaf. What the engine's audit log appends. */
int store_audit_append_leaf(struct store_txn *t, const struct store_audit *rec,
                            const uint8_t leaf[STORE_AUDIT_LEAF_LEN], uint64_t *seq,
                            struct dberr *e);
/* The leaf kept with record seq (without reading its fields): 0, DB_ENOTFOUND when the
 * record is plain (or there is none), DB_ESTORE when damaged. */
int store_audit_leaf(struct store_txn *t, uint64_t seq, uint8_t out[STORE_AUDIT_LEAF_LEN],
                     struct dberr *e);
/* DB_ENOTFOUND when there is no record seq. Release *out with store_audit_release. */
int store_audit_get(struct store_txn *t, uint64_t seq, struct store_audit *out,
                    struct dberr *e);
void store_audit_release(struct store_audit *a);
/* Records with seq >= from, in order. */
int store_audit_each(struct store_txn *t, uint64_t from,
                     int (*cb)(const struct store_audit *, void *), void *arg,
                     struct dberr *e);
/* How many records the log holds (the last sequence); 0 when empty or unreadable. */
uint64_t store_audit_count(struct store_txn *t);

/* One task's audit records in sequence order (an index kept by store_audit_append for
 * records that name a task). cb's non-zero return stops: negative is returned, positive
 * ends the walk with 0. */
int store_audit_task_each(struct store_txn *t, const char *task,
                          int (*cb)(const struct store_audit *, void *), void *arg,
                          struct dberr *e);

/* ---- the task index: tasks by jurisdiction and by state (kept by store_task_put) ----
 * What a page of tasks or a count per jurisdiction needs without decoding each task. */
struct store_task_ref {
	const char *key;          /* the task key; valid during the callback */
	const char *jurisdiction; /* NULL when walking by state alone */
	const char *state;
	int64_t deadline;
	uint32_t flags;           /* STORE_TASK_* */
	const void *pos;          /* this entry's position: pass it as `after` to resume */
	size_t poslen;
};
/* Walks the tasks of jurisdiction ("" for offices' tasks) in state (NULL: any), ordered by
 * state then key; with jurisdiction NULL and a state, that state's tasks by key (ref's
 * jurisdiction is then NULL); with both NULL, every task by jurisdiction, state and key.
 * Starts after position `after` (NULL: from the first). cb's negative return stops and
 * is returned; positive stops with 0. */
int store_task_index_each(struct store_txn *t, const char *jurisdiction, const char *state,
                          const void *after, size_t afterlen,
                          int (*cb)(const struct store_task_ref *, void *), void *arg,
                          struct dberr *e);
/* Tasks in key order from the first key greater than after (NULL: from the start of
 * prefix) that start with prefix; cb's negative return stops and is returned, positive
 * stops with 0. */
int store_task_each_after(struct store_txn *t, const char *prefix, const char *after,
                          int (*cb)(const struct store_task *, void *), void *arg,
                          struct dberr *e);

/* ---- the web's records: accounts, sessions, link tokens (engine/web/) ---- */
struct store_account {
	char *login;
	char *role;           /* a plan role id */
	char *subject;        /* the jurisdiction or enterprise of a per-subject role, or "" */
	char *name;           /* the person's name (姓名) */
	char *pwhash;         /* Argon2id, libsodium's encoded string */
	char *token_hash;     /* sha256 hex of the API bearer token, or "" */
	bool disabled;
	uint32_t failures;    /* failed logins since the last success */
	int64_t locked_until; /* wall clock; 0 when not locked */
	int64_t created_at;
};
/* Inserts or replaces the account by login (copied). */
int store_account_put(struct store_txn *t, const struct store_account *a, struct dberr *e);
/* DB_ENOTFOUND when absent. Release with store_account_release. */
int store_account_get(struct store_txn *t, const char *login, struct store_account *out,
                      struct dberr *e);
void store_account_release(struct store_account *a);
/* Every account, by login. */
int store_account_each(struct store_txn *t, int (*cb)(const struct store_account *, void *),
                       void *arg, struct dberr *e);

/* A login session: keyed by the sha256 hex of its cookie token, never the token. */
struct store_session {
	char *id_hash;
	char *login;
	char *csrf;           /* the session's form token */
	int64_t created;
	int64_t expires;      /* wall clock */
};
/* Inserts or replaces the session by id_hash (copied). */
int store_session_put(struct store_txn *t, const struct store_session *s, struct dberr *e);
/* DB_ENOTFOUND when absent; an expired session is returned as it is until swept (the
 * caller checks expires). Release with store_session_release. */
int store_session_get(struct store_txn *t, const char *id_hash, struct store_session *out,
                      struct dberr *e);
/* DB_ENOTFOUND when absent. */
int store_session_del(struct store_txn *t, const char *id_hash, struct dberr *e);
/* Deletes sessions that expired before now; *n (may be NULL) counts them. */
int store_session_sweep(struct store_txn *t, int64_t now, size_t *n, struct dberr *e);
/* Deletes every session of login (a password changed: whoever held one is out); *n (may
 * be NULL) counts them. A full scan: sessions are few (one per person logged in). */
int store_session_del_login(struct store_txn *t, const char *login, size_t *n,
                            struct dberr *e);
void store_session_release(struct store_session *s);

/* A submit link from a notice: keyed by the sha256 hex of its token, never the token. */
struct store_link {
	char *hash;
	char *task;
	char *role;           /* the recipient's role id */
	char *subject;        /* the task's subject */
	char *notice;         /* the notice key that carried it */
	int64_t created;      /* clock time */
	int64_t expires;      /* clock time; 0: until the task is final */
	bool revoked;
};
/* Inserts or replaces the link by hash (copied). */
int store_link_put(struct store_txn *t, const struct store_link *l, struct dberr *e);
/* DB_ENOTFOUND when absent; a revoked or expired link is returned as it is (the caller
 * decides). Release with store_link_release. */
int store_link_get(struct store_txn *t, const char *hash, struct store_link *out,
                   struct dberr *e);
void store_link_release(struct store_link *l);
/* The links of one task, in hash order. */
int store_link_each_task(struct store_txn *t, const char *task,
                         int (*cb)(const struct store_link *, void *), void *arg,
                         struct dberr *e);

/* Failed logins counted per key (engine/web/auth.c: a client address, or an account and
 * address), kept in the store so that a lockout outlives the web process: a restart does
 * not give a guessing address its attempts back. Meta values "web-throttle/KEY" = "SINCE N"
 * (text, as meta values are). Written only with a failed login's own audit record, in its
 * transaction: a page view writes nothing. */
struct store_throttle {
	int64_t since;        /* wall clock: when the count's window began */
	uint32_t n;           /* failures in it */
};
/* DB_ENOTFOUND when absent (an expired count is returned as it is: the caller decides). */
int store_throttle_get(struct store_txn *t, const char *key, struct store_throttle *out,
                       struct dberr *e);
/* Sets key's count. A key not yet kept first sweeps: every count whose window began before
 * `before` is deleted and, when `max` or more remain, the oldest too, so at most max are
 * kept. DB_EDATA for a key over 200 bytes. */
int store_throttle_put(struct store_txn *t, const char *key, const struct store_throttle *th,
                       int64_t before, size_t max, struct dberr *e);
/* Forgets key's count (absent: 0). */
int store_throttle_del(struct store_txn *t, const char *key, struct dberr *e);

/* Generic helpers for kv arrays (task and notice details, subject fields). get returns the
 * value of key (owned by the array) or NULL; set replaces or appends, copying both strings
 * (the array owns them, *kv may move); free frees the strings and the array (NULL/0
 * allowed); dup returns a deep copy the caller frees with store_kv_free (NULL for n 0).
 * None can fail. */
const char *store_kv_get(const struct store_kv *kv, size_t n, const char *key);
void store_kv_set(struct store_kv **kv, size_t *n, const char *key, const char *val);
void store_kv_free(struct store_kv *kv, size_t n);
struct store_kv *store_kv_dup(const struct store_kv *kv, size_t n);

#endif
