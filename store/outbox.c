/*
 * outbox.c - one record per notice, keyed by its notice key. The key is the idempotence
 * guard: a notice is queued at most once however often its cause is replayed.
 */
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "store/codec.h"
#include "store/store_int.h"

/* The body's format byte: 1 (schema 4 and before) carried the state among the strings;
 * 2 (schemas 5 to 7) left it to the delivery record, so the body is written once; 3
 * (schemas 8 to 12) keeps the message packed, last (pack.c), and the plan version; 4
 * (schema 13, pack.c) deflates the fields with the message, in one stream. */
#define BODY_FORMAT_2 2
#define BODY_FORMAT_3 3
#define BODY_FORMAT 4

/* The record's fields (format 3's after its format byte; format 4's deflated). */
static void
notice_fields(struct buf *b, const struct store_notice *n)
{
	enc_i64(b, n->scheduled);
	enc_i64(b, n->created);
	enc_str(b, n->plan);
	enc_str(b, n->kind);
	enc_str(b, n->subject);
	enc_strv(b, n->tasks, n->ntasks);
	enc_strv(b, n->to, n->nto);
	enc_kv(b, n->extra, n->nextra);
	enc_u32(b, n->plan_version);
}

static int
notice_encode(struct store_txn *t, struct buf *b, const struct store_notice *n,
              struct dberr *e)
{
	struct buf f = BUF_INIT;
	int rc;

	notice_fields(&f, n);
	rc = store_msg_pack(t, n->key, f.data, f.len, n->plan, n->kind, n->plan_version,
	                    n->message, b, e);
	buf_release(&f);
	return rc;
}

static enum store_dstate
initial_state(const char *state)
{
	if (state != NULL && strcmp(state, "digested") == 0)
		return STORE_DDIGESTED;
	if (state != NULL && strcmp(state, "failed") == 0)
		return STORE_DFAILED;
	return STORE_DQUEUED;
}

int
store_notice_add(struct store_txn *t, const struct store_notice *n, struct dberr *e)
{
	struct buf val = BUF_INIT;
	MDB_val k = {strlen(n->key), n->key}, v;
	enum store_dstate st = initial_state(n->state);
	int rc;

	/* the key is checked first: a notice seen before packs nothing (and makes no
	 * dictionary of its message) */
	rc = store_get(t, STORE_DB_OUTBOX, &k, &v, e);
	if (rc == 0 || (rc == DB_ENOTFOUND && store_pack_pending(t, n->key)))
		return 1;
	if (rc != DB_ENOTFOUND)
		return rc;
	if (t->defer_pack) {
		/* packed beside the transaction, put before it commits (packer.c) */
		notice_fields(&val, n);
		rc = store_pack_defer(t, n->key, &val, n->plan, n->kind, n->plan_version,
		                      n->message, e);
	} else if ((rc = notice_encode(t, &val, n, e)) == 0) {
		v = (MDB_val){val.len, val.data};
		rc = store_put(t, STORE_DB_OUTBOX, &k, &v, MDB_NOOVERWRITE, e);
		if (rc == MDB_KEYEXIST)
			rc = 1;
	}
	buf_release(&val);
	if (rc != 0)
		return rc;
	/* queued from its creation, so the queue delivers in the order notices were made */
	return store_delivery_init(t, n->key, st, st == STORE_DQUEUED ? n->created : 0, e);
}

/* Every body format; a format-1 body's own state stands until the delivery record's is
 * laid over it. The message is read only when asked for (with_msg; else NULL). */
static int
notice_decode(struct store_txn *t, const MDB_val *k, const MDB_val *v, bool with_msg,
              struct store_notice *out, struct dberr *e)
{
	struct store_notice n;
	struct dec d;
	uint8_t format = v->mv_size > 0 ? *(const unsigned char *)v->mv_data : 0;
	unsigned char *fields = NULL;
	size_t mlen = 0, flen = 0;
	int rc = 0;

	memset(&n, 0, sizeof(n));
	if (format == BODY_FORMAT) {
		/* the fields come out of the stream; the message with them when asked for */
		if ((rc = store_msg_unpack4(t, k, v, with_msg, &fields, &flen,
		                            with_msg ? &n.message : NULL, &mlen, e)) != 0)
			return rc;
		dec_init(&d, fields, flen);
	} else {
		dec_init(&d, v->mv_data, v->mv_size);
	}
	if (format == BODY_FORMAT_3 || format == BODY_FORMAT_2)
		(void)dec_u8(&d);
	else if (format != BODY_FORMAT)
		dec_format(&d);
	n.scheduled = dec_i64(&d);
	n.created = dec_i64(&d);
	n.plan = dec_str(&d);
	n.kind = dec_str(&d);
	n.subject = dec_str(&d);
	n.state = format == BODY_FORMAT || format == BODY_FORMAT_3 || format == BODY_FORMAT_2
	                  ? xstrdup("queued")
	                  : dec_str(&d);
	if (format != BODY_FORMAT && format != BODY_FORMAT_3) {
		n.message = dec_str(&d);
		if (!with_msg) {
			free(n.message);
			n.message = NULL;
		}
	}
	n.tasks = dec_strv(&d, &n.ntasks);
	n.to = dec_strv(&d, &n.nto);
	n.extra = dec_kv(&d, &n.nextra);
	if (format == BODY_FORMAT)
		n.plan_version = dec_u32(&d);
	if (format == BODY_FORMAT_3) {
		n.plan_version = dec_u32(&d);
		if (with_msg && !d.bad) {
			rc = store_msg_unpack(t, &d, k, &n.message, &mlen, e);
		} else {
			/* the packed message is the rest of the value: skipped unread */
			for (int i = 0; i < 3; i++)
				(void)dec_u32(&d);
			(void)dec_view(&d, &mlen);
		}
	}
	if (rc != 0 || !dec_done(&d)) {
		free(fields);
		store_notice_release(&n);
		return rc != 0 ? rc : store_corrupt(e, STORE_DB_OUTBOX, k);
	}
	free(fields);
	n.key = xstrndup(k->mv_data, k->mv_size);
	*out = n;
	return 0;
}

int
store_notice_fresh(struct store_txn *t, const char *key, int64_t *created, struct dberr *e)
{
	MDB_val k = {strlen(key), (void *)key}, v;
	unsigned char *fields = NULL;
	size_t flen = 0;
	struct dec d;
	int rc;

	if ((rc = store_pack_drain(t, e)) != 0)
		return rc;
	rc = store_get(t, STORE_DB_OUTBOX, &k, &v, e);
	if (rc != 0)
		return rc;
	/* before format 4 every notice was given its delivery record when queued */
	if (v.mv_size == 0 || *(const unsigned char *)v.mv_data != BODY_FORMAT)
		return DB_ENOTFOUND;
	if ((rc = store_msg_unpack4(t, &k, &v, false, &fields, &flen, NULL, NULL, e)) != 0)
		return rc;
	dec_init(&d, fields, flen);
	(void)dec_i64(&d); /* scheduled */
	*created = dec_i64(&d);
	free(fields);
	return d.bad ? store_corrupt(e, STORE_DB_OUTBOX, &k) : 0;
}

static int
notice_get(struct store_txn *t, const char *key, bool with_msg, struct store_notice *out,
           struct dberr *e)
{
	MDB_val k = {strlen(key), (void *)key}, v;
	struct store_notice n;
	int rc;

	if ((rc = store_pack_drain(t, e)) != 0)
		return rc;
	rc = store_get(t, STORE_DB_OUTBOX, &k, &v, e);
	if (rc == DB_ENOTFOUND)
		return dberr_set(e, rc, "no notice %s", key);
	if (rc != 0)
		return rc;
	if ((rc = notice_decode(t, &k, &v, with_msg, &n, e)) != 0)
		return rc;
	if ((rc = store_delivery_overlay(t, &n, e)) != 0) {
		store_notice_release(&n);
		return rc;
	}
	*out = n;
	return 0;
}

int
store_notice_get(struct store_txn *t, const char *key, struct store_notice *out,
                 struct dberr *e)
{
	return notice_get(t, key, true, out, e);
}

int
store_notice_head(struct store_txn *t, const char *key, struct store_notice *out,
                  struct dberr *e)
{
	return notice_get(t, key, false, out, e);
}

void
store_notice_release(struct store_notice *n)
{
	if (n == NULL)
		return;
	free(n->key);
	free(n->plan);
	free(n->kind);
	free(n->subject);
	strv_free(n->tasks, n->ntasks);
	strv_free(n->to, n->nto);
	free(n->state);
	free(n->message);
	store_kv_free(n->extra, n->nextra);
	memset(n, 0, sizeof(*n));
}

int
store_notice_repack(struct store_txn *t, const char *key, struct dberr *e)
{
	MDB_val k = {strlen(key), (void *)key}, v;
	struct store_notice n;
	struct buf val = BUF_INIT;
	int rc;

	if ((rc = store_get(t, STORE_DB_OUTBOX, &k, &v, e)) != 0 ||
	    (rc = notice_decode(t, &k, &v, true, &n, e)) != 0)
		return rc;
	if ((rc = notice_encode(t, &val, &n, e)) == 0) {
		v = (MDB_val){val.len, val.data};
		rc = store_put(t, STORE_DB_OUTBOX, &k, &v, 0, e);
	}
	buf_release(&val);
	store_notice_release(&n);
	return rc;
}

struct notice_each_ctx {
	int (*cb)(const struct store_notice *, void *);
	void *arg;
	struct store_txn *t;
};

static int
notice_each_one(const MDB_val *k, const MDB_val *v, void *arg, bool *stop, struct dberr *e)
{
	struct notice_each_ctx *c = arg;
	struct store_notice n;
	int rc;

	(void)stop;
	rc = notice_decode(c->t, k, v, false, &n, e);
	if (rc == 0 && (rc = store_delivery_overlay(c->t, &n, e)) != 0)
		store_notice_release(&n);
	if (rc != 0)
		return rc;
	rc = c->cb(&n, c->arg);
	store_notice_release(&n);
	return rc;
}

int
store_notice_each(struct store_txn *t, int (*cb)(const struct store_notice *, void *),
                  void *arg, struct dberr *e)
{
	struct notice_each_ctx c = {cb, arg, t};
	int rc = store_pack_drain(t, e);

	if (rc != 0)
		return rc;
	/* from \x01: the dictionaries' keys (NUL first) are not notices */
	return store_scan(t, STORE_DB_OUTBOX, "\x01", 1, NULL, 0, notice_each_one, &c, e);
}
