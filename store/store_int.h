/*
 * store_int.h - declarations shared by the store's files, never included outside store/.
 * This is the only header besides lmdb.h itself that names LMDB types.
 */
#ifndef DABIAO_STORE_INT_H
#define DABIAO_STORE_INT_H

#include <lmdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

/* The named databases; store/README.md gives each one's key and value layout. */
enum store_db {
	STORE_DB_META,
	STORE_DB_PLANS,
	STORE_DB_PLAN_VERSIONS,
	STORE_DB_SUBJECTS,
	STORE_DB_TASKS,
	STORE_DB_DUE,
	STORE_DB_OUTBOX,
	STORE_DB_AUDIT,
	STORE_DB_DELIVERY,
	STORE_DB_DQUEUE,
	STORE_DB_TASK_INDEX,  /* tasks by jurisdiction and state (index.c) */
	STORE_DB_AUDIT_TASK,  /* audit sequences by task (index.c) */
	STORE_DB_ACCOUNTS,    /* the web's accounts, sessions and link tokens (web.c) */
	STORE_DB_SESSIONS,
	STORE_DB_LINKS,
	STORE_DB_LINKS_TASK,
	STORE_DB_COUNT_
};

struct store {
	MDB_env *env;                /* owned */
	char *dir;                   /* owned */
	MDB_dbi dbi[STORE_DB_COUNT_];
	unsigned flags;              /* enum store_open_flags */
	/* The process's writer: an error-checking mutex, so a store_write inside a
	 * store_write on one thread is refused (LMDB's writer lock would wait for itself)
	 * while another thread's simply waits its turn. */
	pthread_mutex_t writer;
	atomic_uintptr_t writer_id;  /* the thread in store_write (self_id), or 0 */
	/* Held shared by every transaction of the process and exclusively to change the map
	 * size, which LMDB allows only while no transaction of the process is open. */
	pthread_rwlock_t map;
	atomic_bool panicked;        /* MDB_PANIC seen: nothing more may be done */
	/* writers.lock (store_set_yielding): held shared while turn_wanting > 0, i.e. while a
	 * thread of this process has a write waiting or running; -1 when read-only */
	int turn_fd;
	pthread_mutex_t turn_lock;   /* guards turn_wanting and the flock calls */
	unsigned turn_wanting;
	bool yielding;               /* the daemon's: announces nothing, asks instead */
};

#define STORE_TXN_STATES 2

struct store_txn {
	struct store *s;
	MDB_txn *txn;                /* owned by store_write/store_read, not by callers */
	bool writable;               /* begun by store_write */
	bool map_full;               /* a put saw MDB_MAP_FULL: the txn is poisoned, redo it */
	/* store_txn_state: what modules above keep for this transaction's length */
	const struct store_txn_state_ops *state_ops[STORE_TXN_STATES];
	void *state[STORE_TXN_STATES];
	struct store_zip *zip;       /* pack.c's compressor, made at first use, freed at the end */
	bool defer_pack;             /* begun by store_write: messages packed beside it */
	struct store_packer *packer; /* packer.c's, made at the first notice, ended with t */
	/* delivery.c: the last notice read with no delivery record (queued since fresh_due),
	 * so the claim that reads it and then writes its record decodes its outbox once; ""
	 * when none or written since */
	char fresh[512];
	int64_t fresh_due;
};

/* Converts an LMDB (or errno) failure into DB_ESTORE with mdb_strerror's text after the
 * printf-style context, and notes MDB_MAP_FULL and MDB_PANIC in t (t may be NULL). */
int store_mdb_fail(struct store_txn *t, int rc, struct dberr *e, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Refuses a key LMDB cannot hold (empty, or longer than mdb_env_get_maxkeysize) with
 * DB_EDATA naming what; 0 when it fits. */
int store_key_check(struct store_txn *t, const MDB_val *k, const char *what,
                    struct dberr *e);

/* mdb_get: 0 with *v pointing into the map (valid until the next write in t),
 * DB_ENOTFOUND when absent (also for keys too long to exist), DB_ESTORE otherwise. */
int store_get(struct store_txn *t, enum store_db db, const MDB_val *k, MDB_val *v,
              struct dberr *e);
/* mdb_put with flags; MDB_KEYEXIST is returned as is (for MDB_NOOVERWRITE callers). */
int store_put(struct store_txn *t, enum store_db db, const MDB_val *k, const MDB_val *v,
              unsigned flags, struct dberr *e);
/* mdb_del of a key; DB_ENOTFOUND when absent. */
int store_del(struct store_txn *t, enum store_db db, const MDB_val *k, struct dberr *e);

/* Visits keys >= from (from NULL: the first key) that start with prefix (plen 0: all), in
 * key order. fn sees k and v pointing into the map and may write to the database in the
 * same transaction: the scan re-seeks after each call rather than trusting the cursor.
 * fn sets *stop to end the scan with 0; a non-zero return ends it and is returned. */
typedef int (*store_scan_fn)(const MDB_val *k, const MDB_val *v, void *arg, bool *stop,
                             struct dberr *e);
int store_scan(struct store_txn *t, enum store_db db, const void *from, size_t fromlen,
               const void *prefix, size_t plen, store_scan_fn fn, void *arg,
               struct dberr *e);

/* A corrupted value: DB_ESTORE naming the database. */
int store_corrupt(struct dberr *e, enum store_db db, const MDB_val *k);

const char *store_db_name(enum store_db db);

/* The indexes of index.c, kept in the transaction of each write: store_task_put calls
 * index_task with the record before (NULL: none) and after; store_audit_append calls
 * index_audit. Errors: the store's. */
int index_task(struct store_txn *t, const MDB_val *oldval, const struct store_task *task,
               struct dberr *e);
int index_audit(struct store_txn *t, const char *task, uint64_t seq, struct dberr *e);
/* The task's jurisdiction, state, deadline and flags read from its stored value (without
 * decoding the rest); 0, or -1 when the value is damaged. Strings point into v. */
int index_task_fields(const MDB_val *v, const char **jur, size_t *jlen, const char **state,
                      size_t *slen, int64_t *deadline, uint32_t *flags);

/* Makes folder path with mode 0700 whatever the umask; an existing folder is left as it
 * is. Errors: -errno with the path. */
int store_private_dir(const char *path, struct dberr *e);
/* Copies the submitted files of store folder dir (dir/files/ab/SHA256) into the same
 * places under folder to (files.c). None to copy is 0. Errors: -errno with the path. */
int store_files_copy(const char *dir, const char *to, struct dberr *e);

/* Brings the records of a store at schema `from` to STORE_SCHEMA_VERSION inside t
 * (migrate.c); the caller then records the new version. Errors: the store's. */
int store_migrate(struct store_txn *t, unsigned long from, struct dberr *e);

/* pack.c: a notice's outbox record (store/README.md, "outbox").
 * store_msg_pack appends to out the whole value of the notice key in format 4: its
 * fields (encoded, flen bytes, no format byte) and msg, unfolded and deflated together
 * against the class's dictionary (plan, kind, version; made from these fields and msg when
 * the class has none): store_msg_class then store_msg_deflate. store_msg_class gives the
 * class's dictionary id and bytes (*dict into the map: valid until the next write in t),
 * making it when the class has none. store_msg_deflate needs no transaction: any thread
 * may run it, each with its own store_zip (store_zip_new, store_zip_end), the
 * dictionary's bytes unchanged meanwhile. store_msg_unpack4 reads a format-4 value: its
 * fields (*fields xmalloc'd, *flen bytes) and, with with_msg, the very bytes packed (*msg
 * xmalloc'd, NUL-terminated, *msglen without the NUL). store_msg_unpack reads the packed
 * message of a format-3 value from d. A damaged value is DB_ESTORE naming key.
 * store_zip_free ends t's own compressor (store_write and store_read call it).
 * Errors: the store's; store_msg_deflate DB_ESOFTWARE only (zlib refused). */
struct buf;
struct dec;
struct store_zip;
int store_msg_pack(struct store_txn *t, const char *key, const void *fields, size_t flen,
                   const char *plan, const char *kind, uint32_t version, const char *msg,
                   struct buf *out, struct dberr *e);
int store_msg_class(struct store_txn *t, const char *plan, const char *kind, uint32_t version,
                    const void *fields, size_t flen, const char *msg, uint32_t *id,
                    const void **dict, size_t *dlen, struct dberr *e);
int store_msg_deflate(struct store_zip *z, uint32_t id, const void *dict, size_t dlen,
                      const char *key, const void *fields, size_t flen, const char *msg,
                      size_t len, struct buf *out, struct dberr *e);
int store_msg_unpack4(struct store_txn *t, const MDB_val *key, const MDB_val *val,
                      bool with_msg, unsigned char **fields, size_t *flen, char **msg,
                      size_t *msglen, struct dberr *e);
int store_msg_unpack(struct store_txn *t, struct dec *d, const MDB_val *key, char **msg,
                     size_t *msglen, struct dberr *e);
struct store_zip *store_zip_new(void);
void store_zip_end(struct store_zip *z);
void store_zip_free(struct store_txn *t);
/* A short record deflated raw against dict (which never changes for the layout that uses
 * it), appended to out, with t's own small streams; store_zip_raw_inflate gives 0 only
 * when in inflates to exactly outlen bytes and ends there (else -1: damage). */
int store_zip_raw_deflate(struct store_txn *t, const void *dict, size_t dlen, const void *in,
                          size_t len, struct buf *out, struct dberr *e);
int store_zip_raw_inflate(struct store_txn *t, const void *dict, size_t dlen, const void *in,
                          size_t len, void *out, size_t outlen);

/* packer.c: the messages a write transaction queues, packed beside it (on a second
 * thread) rather than in its path. store_pack_defer takes the notice's fields (val,
 * encoded; taken over, released by the packer) and a copy of its message, packs the whole
 * value (store_msg_deflate) and puts it before the transaction commits; only in a
 * transaction store_write began (t->defer_pack). store_pack_pending says whether key waits in t.
 * store_pack_drain packs what is left (on this thread too), waits, and puts every record
 * waiting: store_write calls it before the commit, and every read of the outbox before
 * it reads, so the transaction reads its own writes. store_pack_end stops the thread
 * and frees what is left unput (an aborted or redone transaction). Errors: the store's;
 * store_pack_defer's are those of the dictionary (store_msg_class). */
int store_pack_defer(struct store_txn *t, const char *key, struct buf *val, const char *plan,
                     const char *kind, uint32_t version, const char *msg, struct dberr *e);
bool store_pack_pending(struct store_txn *t, const char *key);
int store_pack_drain(struct store_txn *t, struct dberr *e);
void store_pack_end(struct store_txn *t);
/* outbox.c: writes the notice key's record again in this schema's format (migrate.c), its
 * message the same bytes. Errors: the store's. */
int store_notice_repack(struct store_txn *t, const char *key, struct dberr *e);

/* outbox.c: a notice queued under schema 13 (a format-4 record) and the clock time it was
 * queued at (*created), for a delivery record that does not exist (delivery.c: a notice
 * nothing has happened to has none). DB_ENOTFOUND: no such notice, or one of an older
 * format (whose record was written when it was queued). Errors: the store's. */
int store_notice_fresh(struct store_txn *t, const char *key, int64_t *created,
                       struct dberr *e);
/* The delivery record a new notice starts with (outbox.c -> delivery.c). */
int store_delivery_init(struct store_txn *t, const char *key, enum store_dstate state,
                        int64_t due, struct dberr *e);
/* The delivery record's attempts and results laid over a notice's extra, and its state's
 * name as n->state (replacing the one there). Errors: the store's. */
int store_delivery_overlay(struct store_txn *t, struct store_notice *n, struct dberr *e);

/* backup.c: copies the rest of store folder from (the outbox, the signing key, anything
 * else but the database's own files, daemon.lock, files/ and temporary ones) into the
 * folder to, after the database and the submitted files were copied there, and flushes
 * it all; the number of files in *nfiles (may be NULL). */
int store_backup_files(const char *from, const char *to, size_t *nfiles, struct dberr *e);
/* Copies file from into the new file to (0600), not flushed (store_backup_files does).
 * Errors: DB_ECANTCREAT (to exists or cannot be made), -errno with the path. */
int store_copy_file(const char *from, const char *to, struct dberr *e);

#endif
