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

/* The record's fields after its format byte: the whole of a format-1 value, and what a
 * format-2 value deflates. */
static void
audit_body(struct buf *b, const struct store_audit *rec)
{
	enc_i64(b, rec->real_time);
	enc_i64(b, rec->clock_time);
	enc_str(b, rec->actor);
	enc_str(b, rec->action);
	enc_str(b, rec->task);
	enc_str(b, rec->subject);
	enc_str(b, rec->from_state);
	enc_str(b, rec->to_state);
	enc_str(b, rec->details);
}

/* Format 2's preset dictionary (store/README.md, "audit"): the words records repeat,
 * the most frequent last (deflate's nearest distances are the cheapest). Fixed for ever:
 * every format-2 record inflates against these very bytes, so another dictionary would
 * be another format. */
static const char audit_dict[] =
	"task.submittask.extendtask.eventtask.flagtask.cancelled_fromtask.reopen"
	"task.reschedulesubmittedreturnedacceptednot-applicablecancelledconduct.warning"
	"annex.reportsubject.updateplan.loadregistry.importnotice.failednotice.retry"
	"\"version\":\"reason\":\"by\":\"at\":\"from\":\"to\":\"state\":\"file\":"
	"{\"plan_version\":1,\"due_date\":\"2030-03-01\",\"deadline\":1"
	"task.createopen{\"planned\":\"2030-03-01T09:00:00+08:00\",\"applied\":\""
	"task.lapseoverdue"
	"notice.sentclaimedsent{\"key\":\"#overdue#0\",\"kind\":\"overdue\","
	"\"transport\":\"smtp\",\"attempt\":1,\"errors\":\"\"}"
	"notice.queuequeued{\"key\":\"#overdue#0\",\"kind\":\"overdue\",\"to\":[\""
	"@\"],\"message_id\":\"<@dabiao>\",\"scheduled\":\"2030-03-01T10:00:00+08:00\","
	"\"applied\":\"2030-03-01T10:00:00+08:00\",\"sha256\":\"\",\"eml\":\"20300301T"
	"020000Z-_overdue_0-.eml\"}root";

#define AUDIT_FORMAT_PACKED 2
#define AUDIT_FORMAT_LEAF 3
/* format byte, leaf, body length */
#define PACKED_HEAD (1 + STORE_AUDIT_LEAF_LEN + 4)
/* Fields shorter than this are kept as they are beside their leaf (format 3): a lapse's
 * ~170 bytes deflate to ~70 for ~5-10 µs of CPU each, the deadline path's whole cost
 * doubled for little; a notice.queue record's ~470 (two hashes in hex, a file name that
 * repeats them) deflate to ~200. */
#define PACK_FROM 256
/* ...unless their details are this long or longer (schema 13): a delivery's record
 * (notice.sent, notice.retry: details that name the notice's key, its transport and
 * answers, ~100 bytes) deflates from ~220 bytes to ~105 for ~3 µs on a path that spends
 * ~200 µs a message; the deadline path's records (task.create, task.lapse: two times or a
 * date and a version, ~70 bytes of details whatever the task's key) stay as they are.
 * 100,000 notices' store: ~11 MB less. */
#define PACK_DETAILS_FROM 80

static int
audit_append(struct store_txn *t, const struct store_audit *rec, const uint8_t *leaf,
             uint64_t *seq, struct dberr *e)
{
	struct buf val = BUF_INIT, body = BUF_INIT;
	unsigned char key[8];
	uint64_t last;
	MDB_val k, v;
	int rc;

	rc = last_seq(t, &last, e);
	if (rc != 0)
		return rc;
	be64_put(key, last + 1);
	if (leaf == NULL) {
		enc_u8(&val, CODEC_FORMAT);
		audit_body(&val, rec);
	} else {
		bool plain;

		audit_body(&body, rec);
		plain = body.len < PACK_FROM &&
		        (rec->details == NULL || strlen(rec->details) < PACK_DETAILS_FROM);
		enc_u8(&val, plain ? AUDIT_FORMAT_LEAF : AUDIT_FORMAT_PACKED);
		buf_append(&val, leaf, STORE_AUDIT_LEAF_LEN);
		if (plain) {
			buf_append(&val, body.data, body.len);
		} else {
			enc_u32(&val, (uint32_t)body.len);
			rc = store_zip_raw_deflate(t, audit_dict, sizeof(audit_dict) - 1, body.data,
			                           body.len, &val, e);
			if (rc != 0)
				goto out;
		}
	}
	k = (MDB_val){sizeof(key), key};
	v = (MDB_val){val.len, val.data};
	/* MDB_APPEND skips the search and fills pages completely; big-endian sequences are
	 * strictly increasing under the default comparison, which APPEND requires. */
	rc = store_put(t, STORE_DB_AUDIT, &k, &v, MDB_APPEND, e);
	if (rc == 0)
		rc = index_audit(t, rec->task, last + 1, e);
	if (rc == 0 && seq != NULL)
		*seq = last + 1;
out:
	buf_release(&val);
	buf_release(&body);
	return rc;
}

int
store_audit_append(struct store_txn *t, const struct store_audit *rec, uint64_t *seq,
                   struct dberr *e)
{
	return audit_append(t, rec, NULL, seq, e);
}

int
store_audit_append_leaf(struct store_txn *t, const struct store_audit *rec,
                        const uint8_t leaf[STORE_AUDIT_LEAF_LEN], uint64_t *seq,
                        struct dberr *e)
{
	return audit_append(t, rec, leaf, seq, e);
}

static int
audit_decode(struct store_txn *t, const MDB_val *k, const MDB_val *v, struct store_audit *out,
             struct dberr *e)
{
	const unsigned char *p = v->mv_data;
	unsigned char *body = NULL;
	struct store_audit a;
	struct dec d;

	if (k->mv_size != 8)
		return store_corrupt(e, STORE_DB_AUDIT, k);
	memset(&a, 0, sizeof(a));
	if (v->mv_size > 0 && p[0] == AUDIT_FORMAT_PACKED) {
		uint32_t blen;

		if (v->mv_size < PACKED_HEAD)
			return store_corrupt(e, STORE_DB_AUDIT, k);
		blen = be32_get(p + 1 + STORE_AUDIT_LEAF_LEN);
		/* a record is text of at most a few KiB a field: a length no deflated bytes of
		 * this size could give is damage, not an allocation to try */
		if (blen > (v->mv_size - PACKED_HEAD) * 1032 + 64)
			return store_corrupt(e, STORE_DB_AUDIT, k);
		body = xmalloc((size_t)blen + 1);
		if (store_zip_raw_inflate(t, audit_dict, sizeof(audit_dict) - 1, p + PACKED_HEAD,
		                          v->mv_size - PACKED_HEAD, body, blen) != 0) {
			free(body);
			return store_corrupt(e, STORE_DB_AUDIT, k);
		}
		dec_init(&d, body, blen);
	} else if (v->mv_size > 0 && p[0] == AUDIT_FORMAT_LEAF) {
		if (v->mv_size < 1 + STORE_AUDIT_LEAF_LEN)
			return store_corrupt(e, STORE_DB_AUDIT, k);
		dec_init(&d, p + 1 + STORE_AUDIT_LEAF_LEN, v->mv_size - 1 - STORE_AUDIT_LEAF_LEN);
	} else {
		dec_init(&d, v->mv_data, v->mv_size);
		dec_format(&d);
	}
	a.real_time = dec_i64(&d);
	a.clock_time = dec_i64(&d);
	a.actor = dec_str(&d);
	a.action = dec_str(&d);
	a.task = dec_str(&d);
	a.subject = dec_str(&d);
	a.from_state = dec_str(&d);
	a.to_state = dec_str(&d);
	a.details = dec_str(&d);
	free(body);
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
	return audit_decode(t, &k, &v, out, e);
}

int
store_audit_leaf(struct store_txn *t, uint64_t seq, uint8_t out[STORE_AUDIT_LEAF_LEN],
                 struct dberr *e)
{
	unsigned char key[8];
	MDB_val k = {sizeof(key), key}, v;
	int rc;

	be64_put(key, seq);
	if ((rc = store_get(t, STORE_DB_AUDIT, &k, &v, e)) != 0)
		return rc;
	if (v.mv_size == 0 || (*(const unsigned char *)v.mv_data != AUDIT_FORMAT_PACKED &&
	                       *(const unsigned char *)v.mv_data != AUDIT_FORMAT_LEAF))
		return DB_ENOTFOUND;
	if (v.mv_size < 1 + STORE_AUDIT_LEAF_LEN)
		return store_corrupt(e, STORE_DB_AUDIT, &k);
	memcpy(out, (const unsigned char *)v.mv_data + 1, STORE_AUDIT_LEAF_LEN);
	return 0;
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
	struct store_txn *t;
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
	rc = audit_decode(c->t, k, v, &a, e);
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
	struct audit_each_ctx c = {t, cb, arg};
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
