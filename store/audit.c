/*
 * audit.c - the append-only audit log, keyed by an 8-byte big-endian sequence from 1.
 * Sequences have no gaps (records are never deleted), so the last key is also the count.
 */
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "store/codec.h"
#include "store/store_int.h"

/* The last sequence in use, 0 when the log is empty. */
static int
last_seq(struct store_txn *t, uint64_t *seq, struct dberr *e)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	rc = mdb_cursor_open(t->txn, t->s->dbi[STORE_DB_AUDIT], &cur);
	if (rc != 0)
		return store_mdb_fail(t, rc, e, "opening a cursor on audit");
	rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
	mdb_cursor_close(cur);
	if (rc == MDB_NOTFOUND) {
		*seq = 0;
		return 0;
	}
	if (rc != 0)
		return store_mdb_fail(t, rc, e, "reading the audit log");
	if (k.mv_size != 8)
		return store_corrupt(e, STORE_DB_AUDIT, &k);
	*seq = be64_get(k.mv_data);
	return 0;
}

int
store_audit_append(struct store_txn *t, const struct store_audit *rec, uint64_t *seq,
                   struct dberr *e)
{
	struct buf val = BUF_INIT;
	unsigned char key[8];
	uint64_t last;
	MDB_val k, v;
	int rc;

	rc = last_seq(t, &last, e);
	if (rc != 0)
		return rc;
	be64_put(key, last + 1);
	enc_u8(&val, CODEC_FORMAT);
	enc_i64(&val, rec->real_time);
	enc_i64(&val, rec->clock_time);
	enc_str(&val, rec->actor);
	enc_str(&val, rec->action);
	enc_str(&val, rec->task);
	enc_str(&val, rec->subject);
	enc_str(&val, rec->from_state);
	enc_str(&val, rec->to_state);
	enc_str(&val, rec->details);
	k = (MDB_val){sizeof(key), key};
	v = (MDB_val){val.len, val.data};
	/* MDB_APPEND skips the search and fills pages completely; big-endian sequences are
	 * strictly increasing under the default comparison, which APPEND requires. */
	rc = store_put(t, STORE_DB_AUDIT, &k, &v, MDB_APPEND, e);
	if (rc == 0)
		rc = index_audit(t, rec->task, last + 1, e);
	buf_release(&val);
	if (rc == 0 && seq != NULL)
		*seq = last + 1;
	return rc;
}

static int
audit_decode(const MDB_val *k, const MDB_val *v, struct store_audit *out, struct dberr *e)
{
	struct store_audit a;
	struct dec d;

	if (k->mv_size != 8)
		return store_corrupt(e, STORE_DB_AUDIT, k);
	memset(&a, 0, sizeof(a));
	dec_init(&d, v->mv_data, v->mv_size);
	dec_format(&d);
	a.real_time = dec_i64(&d);
	a.clock_time = dec_i64(&d);
	a.actor = dec_str(&d);
	a.action = dec_str(&d);
	a.task = dec_str(&d);
	a.subject = dec_str(&d);
	a.from_state = dec_str(&d);
	a.to_state = dec_str(&d);
	a.details = dec_str(&d);
	if (!dec_done(&d)) {
		store_audit_release(&a);
		return store_corrupt(e, STORE_DB_AUDIT, k);
	}
	a.seq = be64_get(k->mv_data);
	*out = a;
	return 0;
}

int
store_audit_get(struct store_txn *t, uint64_t seq, struct store_audit *out,
                struct dberr *e)
{
	unsigned char key[8];
	MDB_val k = {sizeof(key), key}, v;
	int rc;

	be64_put(key, seq);
	rc = store_get(t, STORE_DB_AUDIT, &k, &v, e);
	if (rc == DB_ENOTFOUND)
		return dberr_set(e, rc, "no audit record %llu", (unsigned long long)seq);
	if (rc != 0)
		return rc;
	return audit_decode(&k, &v, out, e);
}

void
store_audit_release(struct store_audit *a)
{
	if (a == NULL)
		return;
	free(a->actor);
	free(a->action);
	free(a->task);
	free(a->subject);
	free(a->from_state);
	free(a->to_state);
	free(a->details);
	memset(a, 0, sizeof(*a));
}

struct audit_each_ctx {
	int (*cb)(const struct store_audit *, void *);
	void *arg;
};

static int
audit_each_one(const MDB_val *k, const MDB_val *v, void *arg, bool *stop, struct dberr *e)
{
	struct audit_each_ctx *c = arg;
	struct store_audit a;
	int rc;

	(void)stop;
	rc = audit_decode(k, v, &a, e);
	if (rc != 0)
		return rc;
	rc = c->cb(&a, c->arg);
	store_audit_release(&a);
	return rc;
}

int
store_audit_each(struct store_txn *t, uint64_t from,
                 int (*cb)(const struct store_audit *, void *), void *arg,
                 struct dberr *e)
{
	struct audit_each_ctx c = {cb, arg};
	unsigned char key[8];

	be64_put(key, from);
	return store_scan(t, STORE_DB_AUDIT, key, sizeof(key), NULL, 0, audit_each_one, &c, e);
}

/* Cannot fail: a store error counts as an empty log (the next read reports it). */
uint64_t
store_audit_count(struct store_txn *t)
{
	uint64_t seq;

	return last_seq(t, &seq, NULL) == 0 ? seq : 0;
}
