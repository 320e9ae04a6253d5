/*
 * delivery.c - where each notice's delivery stands, apart from the notice itself.
 *
 * Two databases. `delivery` holds one small record per notice (its state, attempts, the
 * claim of the process delivering it, per-recipient results), so a change of state is a
 * write of tens of bytes, never of the message. `dqueue` is the work queue: a key per
 * queued or retrying notice in lane 'q', ordered by the time it becomes deliverable, and a
 * key per claimed notice in lane 'c', ordered by the claim's lease expiry. Sent, failed and
 * digested notices have no queue key, so finding work reads only work, however long the
 * history. store_delivery_put keeps the two in step: it is the only writer of either,
 * but for a new queued notice's queue key (store_delivery_init): such a notice has no
 * record until its first change of state, and reads as queued since it was made.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "store/codec.h"
#include "store/store_int.h"

#define LANE_READY 'q'
/* Value format 2 (schema 13): a notice nothing has happened to yet (no attempt, claim,
 * host or result: every notice as queued) is its state and due alone, 10 bytes instead of
 * 34; any later state is format 1 again. */
#define FORMAT_FRESH 2
#define LANE_CLAIMED 'c'

static const char *const names[STORE_DSTATES_] = {
	[STORE_DQUEUED] = "queued",     [STORE_DCLAIMED] = "claimed", [STORE_DSENT] = "sent",
	[STORE_DRETRY] = "retrying",    [STORE_DFAILED] = "failed",
	[STORE_DDIGESTED] = "digested",
};

const char *
store_dstate_name(enum store_dstate s)
{
	return s > 0 && s < STORE_DSTATES_ ? names[s] : "unknown";
}

/* The lane a state's queue key lives in, or 0 for none. */
static int
lane_of(enum store_dstate s)
{
	if (s == STORE_DQUEUED || s == STORE_DRETRY)
		return LANE_READY;
	return s == STORE_DCLAIMED ? LANE_CLAIMED : 0;
}

/* Lane byte, the time as in the due index (sign bit flipped, big-endian), the key. */
static void
queue_key(struct buf *b, int lane, int64_t at, const char *key)
{
	unsigned char p[9];

	p[0] = (unsigned char)lane;
	be64_put(p + 1, (uint64_t)at ^ ((uint64_t)1 << 63));
	buf_append(b, p, sizeof(p));
	buf_append(b, key, strlen(key));
}

static int
queue_put(struct store_txn *t, int lane, int64_t at, const char *key, bool del,
          struct dberr *e)
{
	struct buf k = BUF_INIT;
	/* the key says it all: no value (schema 12's one format byte is never read) */
	MDB_val mk, mv = {0, (void *)""};
	int rc;

	queue_key(&k, lane, at, key);
	mk = (MDB_val){k.len, k.data};
	rc = del ? store_del(t, STORE_DB_DQUEUE, &mk, e) : store_put(t, STORE_DB_DQUEUE, &mk,
	                                                             &mv, 0, e);
	if (rc == DB_ENOTFOUND)
		rc = 0; /* already gone: the record is the authority */
	buf_release(&k);
	return rc;
}

static int
delivery_decode(const MDB_val *k, const MDB_val *v, struct store_delivery *out,
                struct dberr *e)
{
	struct store_delivery d;
	struct dec c;

	memset(&d, 0, sizeof(d));
	dec_init(&c, v->mv_data, v->mv_size);
	if (v->mv_size > 0 && *(const unsigned char *)v->mv_data == FORMAT_FRESH) {
		/* no attempt, claim or result yet: state and due only */
		(void)dec_u8(&c);
		d.state = dec_u8(&c);
		d.due = dec_i64(&c);
		d.host = xstrdup("");
	} else {
		dec_format(&c);
		d.state = dec_u8(&c);
		d.attempts = dec_u32(&c);
		d.due = dec_i64(&c);
		d.claim = dec_u64(&c);
		d.pid = dec_u32(&c);
		d.host = dec_str(&c);
		d.results = dec_kv(&c, &d.nresults);
	}
	if (!dec_done(&c) || d.state == 0 || d.state >= STORE_DSTATES_) {
		store_delivery_release(&d);
		return store_corrupt(e, STORE_DB_DELIVERY, k);
	}
	*out = d;
	return 0;
}

/* The record as stored; DB_ENOTFOUND (e untouched) when there is none. */
static int
delivery_read(struct store_txn *t, const char *key, struct store_delivery *out,
              struct dberr *e)
{
	MDB_val k = {strlen(key), (void *)key}, v;
	int rc = store_get(t, STORE_DB_DELIVERY, &k, &v, e);

	return rc != 0 ? rc : delivery_decode(&k, &v, out, e);
}

int
store_delivery_get(struct store_txn *t, const char *key, struct store_delivery *out,
                   struct dberr *e)
{
	int64_t created;
	int rc = delivery_read(t, key, out, e);

	if (rc == DB_ENOTFOUND) {
		/* a notice nothing has happened to yet: queued since it was made */
		dberr_clear(e);
		if (strcmp(t->fresh, key) == 0) {
			created = t->fresh_due;
			rc = 0;
		} else if ((rc = store_notice_fresh(t, key, &created, e)) == 0 &&
		           strlen(key) < sizeof(t->fresh)) {
			memcpy(t->fresh, key, strlen(key) + 1);
			t->fresh_due = created;
		}
		if (rc == 0) {
			memset(out, 0, sizeof(*out));
			out->state = STORE_DQUEUED;
			out->due = created;
			out->host = xstrdup("");
			return 0;
		}
	}
	if (rc == DB_ENOTFOUND)
		return dberr_set(e, rc, "no delivery record for notice %s", key);
	return rc;
}

void
store_delivery_release(struct store_delivery *d)
{
	if (d == NULL)
		return;
	free(d->host);
	store_kv_free(d->results, d->nresults);
	memset(d, 0, sizeof(*d));
}

static int
delivery_write(struct store_txn *t, const char *key, const struct store_delivery *d,
               bool is_new, struct dberr *e)
{
	struct store_delivery old;
	struct buf val = BUF_INIT;
	MDB_val k = {strlen(key), (void *)key}, v;
	int rc, lane;

	if (d->state == 0 || d->state >= STORE_DSTATES_)
		return dberr_set(e, DB_ESOFTWARE, "notice %s: no such delivery state %d", key,
		                 (int)d->state);
	/* a new notice has nothing before (store_delivery_init); its outbox record may still
	 * wait in the packer, which store_delivery_get would drain */
	rc = is_new ? DB_ENOTFOUND : store_delivery_get(t, key, &old, e);
	if (rc == 0) {
		lane = lane_of(old.state);
		if (lane != 0)
			rc = queue_put(t, lane, old.due, key, true, e);
		store_delivery_release(&old);
	} else if (rc == DB_ENOTFOUND) {
		dberr_clear(e);
		rc = 0;
	}
	if (rc != 0)
		return rc;
	if (d->attempts == 0 && d->claim == 0 && d->pid == 0 &&
	    (d->host == NULL || d->host[0] == '\0') && d->nresults == 0) {
		enc_u8(&val, FORMAT_FRESH);
		enc_u8(&val, (uint8_t)d->state);
		enc_i64(&val, d->due);
	} else {
		enc_u8(&val, CODEC_FORMAT);
		enc_u8(&val, (uint8_t)d->state);
		enc_u32(&val, d->attempts);
		enc_i64(&val, d->due);
		enc_u64(&val, d->claim);
		enc_u32(&val, d->pid);
		enc_str(&val, d->host);
		enc_kv(&val, d->results, d->nresults);
	}
	v = (MDB_val){val.len, val.data};
	rc = store_put(t, STORE_DB_DELIVERY, &k, &v, 0, e);
	buf_release(&val);
	if (strcmp(t->fresh, key) == 0)
		t->fresh[0] = '\0'; /* it has its record now */
	lane = lane_of(d->state);
	if (rc == 0 && lane != 0)
		rc = queue_put(t, lane, d->due, key, false, e);
	return rc;
}

int
store_delivery_put(struct store_txn *t, const char *key, const struct store_delivery *d,
                   struct dberr *e)
{
	return delivery_write(t, key, d, false, e);
}

int
store_delivery_init(struct store_txn *t, const char *key, enum store_dstate state,
                    int64_t due, struct dberr *e)
{
	struct store_delivery d = {.state = state, .due = due};

	/* queued: no record until something happens to it (store_delivery_get), only its key
	 * in the queue; so queueing a notice writes the queue's ~45 bytes, not ~80 more */
	if (state == STORE_DQUEUED)
		return queue_put(t, LANE_READY, due, key, false, e);
	return delivery_write(t, key, &d, true, e);
}

struct each_ctx {
	int64_t upto;       /* INT64_MAX for the claimed lane */
	size_t max, done;
	store_delivery_fn cb;
	void *arg;
	struct store_txn *t;
};

static int
each_one(const MDB_val *k, const MDB_val *v, void *arg, bool *stop, struct dberr *e)
{
	struct each_ctx *c = arg;
	const unsigned char *p = k->mv_data;
	struct store_delivery d;
	char *key;
	int64_t at;
	int rc;

	(void)v;
	if (k->mv_size < 10)
		return store_corrupt(e, STORE_DB_DQUEUE, k);
	at = (int64_t)(be64_get(p + 1) ^ ((uint64_t)1 << 63));
	if (at > c->upto) {
		*stop = true;
		return 0;
	}
	key = xstrndup((const char *)p + 9, k->mv_size - 9);
	rc = store_delivery_get(c->t, key, &d, e);
	if (rc == 0) {
		rc = c->cb(key, &d, c->arg);
		store_delivery_release(&d);
	}
	free(key);
	if (c->max > 0 && ++c->done >= c->max)
		*stop = true;
	return rc;
}

int
store_delivery_each_ready(struct store_txn *t, int64_t upto, size_t max,
                          store_delivery_fn cb, void *arg, struct dberr *e)
{
	struct each_ctx c = {upto, max, 0, cb, arg, t};
	unsigned char lane = LANE_READY;

	return store_scan(t, STORE_DB_DQUEUE, NULL, 0, &lane, 1, each_one, &c, e);
}

int
store_delivery_each_claimed(struct store_txn *t, size_t max, store_delivery_fn cb,
                            void *arg, struct dberr *e)
{
	struct each_ctx c = {INT64_MAX, max, 0, cb, arg, t};
	unsigned char lane = LANE_CLAIMED;

	return store_scan(t, STORE_DB_DQUEUE, NULL, 0, &lane, 1, each_one, &c, e);
}

static int
first_one(const MDB_val *k, const MDB_val *v, void *arg, bool *stop, struct dberr *e)
{
	(void)v;
	if (k->mv_size < 10)
		return store_corrupt(e, STORE_DB_DQUEUE, k);
	*(int64_t *)arg = (int64_t)(be64_get((const unsigned char *)k->mv_data + 1) ^
	                            ((uint64_t)1 << 63));
	*stop = true;
	return 0;
}

int
store_delivery_next(struct store_txn *t, int64_t *at, struct dberr *e)
{
	unsigned char lane = LANE_READY;
	int64_t first = INT64_MAX;
	int rc = store_scan(t, STORE_DB_DQUEUE, NULL, 0, &lane, 1, first_one, &first, e);

	if (rc == 0)
		*at = first;
	return rc;
}

int
store_delivery_overlay(struct store_txn *t, struct store_notice *n, struct dberr *e)
{
	struct store_delivery d;
	char num[16];
	int rc = delivery_read(t, n->key, &d, e);

	if (rc == DB_ENOTFOUND) {
		/* a notice nothing has happened to yet (its own state says queued), or one of an
		 * older schema not yet given its record, keeps its own state */
		dberr_clear(e);
		return 0;
	}
	if (rc != 0)
		return rc;
	free(n->state);
	n->state = xstrdup(store_dstate_name(d.state));
	if (d.attempts > 0) {
		snprintf(num, sizeof(num), "%u", (unsigned)d.attempts);
		store_kv_set(&n->extra, &n->nextra, "attempts", num);
	}
	for (size_t i = 0; i < d.nresults; i++)
		store_kv_set(&n->extra, &n->nextra, d.results[i].key, d.results[i].val);
	store_delivery_release(&d);
	return 0;
}
