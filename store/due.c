/*
 * due.c - the engine's timer queue. The key alone orders entries (time, kind, task, step)
 * with LMDB's default byte comparison, so the earliest entry is the first key.
 */
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "store/codec.h"
#include "store/store_int.h"

/* The key's 8 time bytes hold at + 2^63 (the sign bit flipped), big-endian, so negative
 * instants (before 1970) sort before positive ones byte by byte. */
#define DUE_KEY_FIXED 11 /* 8 time, 1 kind, 1 NUL, 1 step */

static void
due_key(struct buf *b, int64_t at, uint8_t kind, const char *task, uint8_t step)
{
	unsigned char p[9];

	be64_put(p, (uint64_t)at ^ ((uint64_t)1 << 63));
	p[8] = kind;
	buf_append(b, p, sizeof(p));
	buf_append(b, task, strlen(task) + 1);
	buf_append(b, &step, 1);
}

int
store_due_put(struct store_txn *t, const struct store_due *d, struct dberr *e)
{
	struct buf key = BUF_INIT, val = BUF_INIT;
	MDB_val k, v;
	int rc;

	due_key(&key, d->at, d->kind, d->task, d->step);
	enc_u8(&val, CODEC_FORMAT);
	enc_u32(&val, d->gen);
	enc_i64(&val, d->planned);
	k = (MDB_val){key.len, key.data};
	v = (MDB_val){val.len, val.data};
	rc = store_put(t, STORE_DB_DUE, &k, &v, 0, e);
	buf_release(&key);
	buf_release(&val);
	return rc;
}

/* DB_ENOTFOUND when the entry is not there, so a caller deleting lazily can tell. */
int
store_due_del(struct store_txn *t, const struct store_due *d, struct dberr *e)
{
	struct buf key = BUF_INIT;
	MDB_val k;
	int rc;

	due_key(&key, d->at, d->kind, d->task, d->step);
	k = (MDB_val){key.len, key.data};
	rc = store_del(t, STORE_DB_DUE, &k, e);
	if (rc == DB_ENOTFOUND)
		dberr_set(e, rc, "no due entry for %s", d->task);
	buf_release(&key);
	return rc;
}

static int
due_decode(const MDB_val *k, const MDB_val *v, struct store_due *out, struct dberr *e)
{
	const unsigned char *p = k->mv_data;
	struct store_due due;
	struct dec d;

	if (k->mv_size < DUE_KEY_FIXED || p[k->mv_size - 2] != '\0' ||
	    memchr(p + 9, '\0', k->mv_size - 11) != NULL)
		return store_corrupt(e, STORE_DB_DUE, k);
	memset(&due, 0, sizeof(due));
	dec_init(&d, v->mv_data, v->mv_size);
	dec_format(&d);
	due.gen = dec_u32(&d);
	due.planned = dec_i64(&d);
	if (!dec_done(&d))
		return store_corrupt(e, STORE_DB_DUE, k);
	due.at = (int64_t)(be64_get(p) ^ ((uint64_t)1 << 63));
	due.kind = p[8];
	due.task = xstrndup((const char *)p + 9, k->mv_size - 11);
	due.step = p[k->mv_size - 1];
	*out = due;
	return 0;
}

static int
due_first_one(const MDB_val *k, const MDB_val *v, void *arg, bool *stop, struct dberr *e)
{
	*stop = true;
	return due_decode(k, v, arg, e);
}

int
store_due_first(struct store_txn *t, struct store_due *out, struct dberr *e)
{
	struct store_due d = {0};
	int rc;

	rc = store_scan(t, STORE_DB_DUE, NULL, 0, NULL, 0, due_first_one, &d, e);
	if (rc != 0)
		return rc;
	if (d.task == NULL)
		return dberr_set(e, DB_ENOTFOUND, "the due index is empty");
	*out = d;
	return 0;
}

void
store_due_release(struct store_due *d)
{
	if (d == NULL)
		return;
	free(d->task);
	memset(d, 0, sizeof(*d));
}

struct due_each_ctx {
	int64_t upto;
	size_t max, done;
	int (*cb)(const struct store_due *, void *);
	void *arg;
};

static int
due_each_one(const MDB_val *k, const MDB_val *v, void *arg, bool *stop, struct dberr *e)
{
	struct due_each_ctx *c = arg;
	struct store_due d;
	int rc;

	rc = due_decode(k, v, &d, e);
	if (rc != 0)
		return rc;
	if (d.at > c->upto) {
		*stop = true;
		goto out;
	}
	rc = c->cb(&d, c->arg);
	if (rc == STORE_DUE_STOP) {
		*stop = true;
		rc = 0;
		goto out;
	}
	if (c->max > 0 && ++c->done >= c->max)
		*stop = true;
out:
	store_due_release(&d);
	return rc;
}

/* store_scan places its cursor afresh after every callback (the first key after the one
 * just given), so cb may delete its own entry, delete others, or put new ones: a new entry
 * after the current key and at or before upto is met in this same call. */
int
store_due_each(struct store_txn *t, int64_t upto, size_t max,
               int (*cb)(const struct store_due *, void *), void *arg, struct dberr *e)
{
	struct due_each_ctx c = {upto, max, 0, cb, arg};

	return store_scan(t, STORE_DB_DUE, NULL, 0, NULL, 0, due_each_one, &c, e);
}
