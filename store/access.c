/*
 * access.c - the store's thin layer over mdb_get/mdb_put/mdb_del and cursors: LMDB's
 * return codes become ours here, and a poisoned transaction is noted for store_write.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

#include "base/buf.h"
#include "store/store_int.h"

static const char *const db_names[STORE_DB_COUNT_] = {
	[STORE_DB_META] = "meta",
	[STORE_DB_PLANS] = "plans",
	[STORE_DB_PLAN_VERSIONS] = "plan_versions",
	[STORE_DB_SUBJECTS] = "subjects",
	[STORE_DB_TASKS] = "tasks",
	[STORE_DB_DUE] = "due",
	[STORE_DB_OUTBOX] = "outbox",
	[STORE_DB_AUDIT] = "audit",
	[STORE_DB_DELIVERY] = "delivery",
	[STORE_DB_DQUEUE] = "dqueue",
	[STORE_DB_TASK_INDEX] = "task_index",
	[STORE_DB_AUDIT_TASK] = "audit_task",
	[STORE_DB_ACCOUNTS] = "accounts",
	[STORE_DB_SESSIONS] = "sessions",
	[STORE_DB_LINKS] = "links",
	[STORE_DB_LINKS_TASK] = "links_task",
};

const char *
store_db_name(enum store_db db)
{
	return db_names[db];
}

/* LMDB reports a write the disk could not take whole as EIO ("short write, filesystem
 * full?" in its debug output): the file system's free space tells the two apart. Below
 * STORE_FULL_SLACK free, a failed write is taken for a full disk. */
#define STORE_FULL_SLACK ((unsigned long long)64 << 20)

static bool
disk_full(const char *dir, int rc)
{
	struct statvfs sv;

	if (rc == ENOSPC || rc == EDQUOT)
		return true;
	if (statvfs(dir, &sv) != 0)
		return false;
	return (unsigned long long)sv.f_bavail * sv.f_frsize < STORE_FULL_SLACK;
}

int
store_mdb_fail(struct store_txn *t, int rc, struct dberr *e, const char *fmt, ...)
{
	char ctx[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx, sizeof(ctx), fmt, ap);
	va_end(ap);
	if (rc == MDB_MAP_FULL && t != NULL)
		t->map_full = true;
	if ((rc == EIO || rc == ENOSPC || rc == EDQUOT) && t != NULL && disk_full(t->s->dir, rc))
		return dberr_set(e, -ENOSPC, "%s: no space left on device (the file system of %s "
		                 "is full; free space there and run the command again: nothing of "
		                 "it was stored)", ctx, t->s->dir);
	if (rc == MDB_PANIC) {
		/* The environment is unusable until every process closes it; only a restart by
		 * the supervisor recovers, so say so rather than let the caller carry on. */
		if (t != NULL)
			atomic_store(&t->s->panicked, true);
		return dberr_set(e, DB_ESTORE, "%s: %s; the process must exit", ctx,
		                 mdb_strerror(rc));
	}
	return dberr_set(e, DB_ESTORE, "%s: %s", ctx, mdb_strerror(rc));
}

int
store_corrupt(struct dberr *e, enum store_db db, const MDB_val *k)
{
	return dberr_set(e, DB_ESTORE, "corrupted value in store database %s (key of %zu bytes)",
	                 store_db_name(db), k->mv_size);
}

int
store_key_check(struct store_txn *t, const MDB_val *k, const char *what, struct dberr *e)
{
	size_t max = (size_t)mdb_env_get_maxkeysize(t->s->env);

	if (k->mv_size == 0)
		return dberr_set(e, DB_EDATA, "%s: an empty key cannot be stored", what);
	if (k->mv_size > max)
		return dberr_set(e, DB_EDATA, "%s: key of %zu bytes is longer than the store's "
		                 "limit of %zu", what, k->mv_size, max);
	return 0;
}

int
store_get(struct store_txn *t, enum store_db db, const MDB_val *k, MDB_val *v,
          struct dberr *e)
{
	MDB_val key = *k;
	int rc;

	/* A key LMDB could not have stored is simply absent. */
	if (k->mv_size == 0 || k->mv_size > (size_t)mdb_env_get_maxkeysize(t->s->env))
		return DB_ENOTFOUND;
	rc = mdb_get(t->txn, t->s->dbi[db], &key, v);
	if (rc == MDB_NOTFOUND)
		return DB_ENOTFOUND;
	if (rc != 0)
		return store_mdb_fail(t, rc, e, "reading store database %s", store_db_name(db));
	return 0;
}

int
store_put(struct store_txn *t, enum store_db db, const MDB_val *k, const MDB_val *v,
          unsigned flags, struct dberr *e)
{
	MDB_val key = *k, val = *v;
	int rc;

	rc = store_key_check(t, k, store_db_name(db), e);
	if (rc != 0)
		return rc;
	rc = mdb_put(t->txn, t->s->dbi[db], &key, &val, flags);
	if (rc == MDB_KEYEXIST && (flags & MDB_NOOVERWRITE))
		return MDB_KEYEXIST;
	if (rc != 0)
		return store_mdb_fail(t, rc, e, "writing store database %s", store_db_name(db));
	return 0;
}

int
store_del(struct store_txn *t, enum store_db db, const MDB_val *k, struct dberr *e)
{
	MDB_val key = *k;
	int rc;

	if (k->mv_size == 0 || k->mv_size > (size_t)mdb_env_get_maxkeysize(t->s->env))
		return DB_ENOTFOUND;
	rc = mdb_del(t->txn, t->s->dbi[db], &key, NULL);
	if (rc == MDB_NOTFOUND)
		return DB_ENOTFOUND;
	if (rc != 0)
		return store_mdb_fail(t, rc, e, "deleting from store database %s",
		                      store_db_name(db));
	return 0;
}

static bool
has_prefix(const MDB_val *k, const void *prefix, size_t plen)
{
	return k->mv_size >= plen && (plen == 0 || memcmp(k->mv_data, prefix, plen) == 0);
}

/*
 * In a write transaction fn may put or delete in the very database being scanned. LMDB
 * does fix up tracked cursors on writes, but deletes of the cursor's own entry and page
 * splits are where its cursor bugs have historically lived, so after each call the cursor
 * is placed again from a copy of the last key: the first key >= it, skipped if it is the
 * same key (still present). A read transaction cannot change, so it just steps.
 */
int
store_scan(struct store_txn *t, enum store_db db, const void *from, size_t fromlen,
           const void *prefix, size_t plen, store_scan_fn fn, void *arg, struct dberr *e)
{
	struct buf last = BUF_INIT;
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	bool stop = false;
	MDB_cursor_op op;
	int rc;

	rc = mdb_cursor_open(t->txn, t->s->dbi[db], &cur);
	if (rc != 0) {
		rc = store_mdb_fail(t, rc, e, "opening a cursor on %s", store_db_name(db));
		goto out;
	}
	if (from != NULL && fromlen > 0) {
		k.mv_data = (void *)from;
		k.mv_size = fromlen;
		op = MDB_SET_RANGE;
	} else if (plen > 0) {
		k.mv_data = (void *)prefix;
		k.mv_size = plen;
		op = MDB_SET_RANGE;
	} else {
		op = MDB_FIRST;
	}
	for (;;) {
		rc = mdb_cursor_get(cur, &k, &v, op);
		if (rc == 0 && op == MDB_SET_RANGE && last.len > 0 && k.mv_size == last.len &&
		    memcmp(k.mv_data, last.data, last.len) == 0)
			rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
		if (rc == MDB_NOTFOUND) {
			rc = 0;
			break;
		}
		if (rc != 0) {
			rc = store_mdb_fail(t, rc, e, "reading store database %s", store_db_name(db));
			break;
		}
		if (!has_prefix(&k, prefix, plen))
			break;
		if (t->writable) {
			buf_reset(&last);
			buf_append(&last, k.mv_data, k.mv_size);
		}
		rc = fn(&k, &v, arg, &stop, e);
		if (rc != 0 || stop)
			break;
		if (t->writable) {
			k.mv_data = last.data;
			k.mv_size = last.len;
			op = MDB_SET_RANGE;
		} else {
			op = MDB_NEXT;
		}
	}
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	buf_release(&last);
	return rc;
}
