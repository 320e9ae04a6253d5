/*
 * append.c - the audit log in the store: each record appended with its leaf hash and the
 * new frontier in the same transaction, and the leaves recomputed for verification.
 */
#include "engine/audit/audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

/* ---- the log in the store ---- */

#define FRONTIER_KEY "audit/frontier"

static void
leaf_key(uint64_t seq, char out[40])
{
	snprintf(out, 40, "audit/leaf/%020" PRIu64, seq);
}

int
audit_frontier_get(struct store_txn *txn, struct audit_frontier *f, struct dberr *e)
{
	struct dberr scratch;
	char *val = NULL;
	int rc;

	dberr_clear(&scratch);
	rc = store_meta_get(txn, FRONTIER_KEY, &val, &scratch);
	if (rc == DB_ENOTFOUND) {
		audit_frontier_init(f);
		return 0;
	}
	if (rc != 0) {
		*e = scratch;
		return rc;
	}
	rc = audit_frontier_parse(val, f, e);
	free(val);
	return rc;
}

static int
put_leaf(struct store_txn *txn, uint64_t seq, const uint8_t leaf[AUDIT_HASH_LEN],
         struct dberr *e)
{
	char key[40], hex[2 * AUDIT_HASH_LEN + 1];

	leaf_key(seq, key);
	audit_hex(leaf, AUDIT_HASH_LEN, hex);
	return store_meta_put(txn, key, hex, e);
}

struct catchup {
	struct store_txn *txn;
	struct audit_frontier *f;
	struct dberr *e;
};

static int
catchup_cb(const struct store_audit *a, void *arg)
{
	struct catchup *c = arg;
	uint8_t leaf[AUDIT_HASH_LEN];

	if (a->seq != c->f->size + 1)
		return dberr_set(c->e, DB_ESTATE,
		                 "audit log: record %" PRIu64 " follows record %" PRIu64, a->seq,
		                 c->f->size);
	audit_record_leaf(a, leaf);
	audit_frontier_push(c->f, leaf);
	return put_leaf(c->txn, a->seq, leaf, c->e);
}

int
audit_append(struct store_txn *txn, const struct store_audit *rec, uint64_t *seq,
             struct dberr *e)
{
	struct audit_frontier f;
	struct store_audit stored = {0};
	uint8_t leaf[AUDIT_HASH_LEN];
	uint64_t count, s = 0;
	char *text = NULL; /* owned */
	int rc;

	if ((rc = audit_frontier_get(txn, &f, e)) != 0)
		return rc;
	count = store_audit_count(txn);
	if (f.size > count)
		return dberr_set(e, DB_ESTATE,
		                 "audit log: the tree has %" PRIu64 " leaves but the log only %" PRIu64
		                 " records: the log was damaged, run `dabiao audit verify`",
		                 f.size, count);
	if (f.size < count) {
		/* Records written before the tree existed join it now, in order. */
		struct catchup c = {txn, &f, e};

		if ((rc = store_audit_each(txn, f.size + 1, catchup_cb, &c, e)) != 0)
			return rc;
	}
	if ((rc = store_audit_append(txn, rec, &s, e)) != 0)
		return rc;
	if (s != f.size + 1)
		return dberr_set(e, DB_ESTATE,
		                 "audit log: record %" PRIu64 " appended to a tree of %" PRIu64
		                 " leaves", s, f.size);
	/* Hash what the store holds, exactly as `audit verify` will read it back. */
	if ((rc = store_audit_get(txn, s, &stored, e)) != 0)
		return rc;
	audit_record_leaf(&stored, leaf);
	store_audit_release(&stored);
	audit_frontier_push(&f, leaf);
	if ((rc = put_leaf(txn, s, leaf, e)) != 0)
		return rc;
	text = audit_frontier_format(&f);
	rc = store_meta_put(txn, FRONTIER_KEY, text, e);
	free(text);
	if (rc == 0 && seq != NULL)
		*seq = s;
	return rc;
}

struct leaves_ctx {
	uint8_t (*v)[AUDIT_HASH_LEN];
	size_t n, cap;
	uint64_t want;
	struct dberr *e;
};

#define LEAVES_STOP 1

static int
leaves_cb(const struct store_audit *a, void *arg)
{
	struct leaves_ctx *c = arg;

	if (c->want && c->n >= c->want)
		return LEAVES_STOP;
	if (a->seq != c->n + 1)
		return dberr_set(c->e, DB_EDATA,
		                 "record %" PRIu64 ": expected record %zu (a record is missing)",
		                 a->seq, c->n + 1);
	c->v = xgrow(c->v, &c->cap, c->n + 1, sizeof(*c->v));
	audit_record_leaf(a, c->v[c->n++]);
	return 0;
}

int
audit_leaves(struct store_txn *txn, uint64_t n, uint8_t (**out)[AUDIT_HASH_LEN],
             uint64_t *count, struct dberr *e)
{
	struct leaves_ctx c = {NULL, 0, 0, n, e};
	int rc = store_audit_each(txn, 1, leaves_cb, &c, e);

	if (rc == LEAVES_STOP)
		rc = 0;
	if (rc == 0 && n && c.n < n)
		rc = dberr_set(e, DB_EDATA, "the log has %zu records, fewer than %" PRIu64, c.n, n);
	if (rc != 0) {
		free(c.v);
		return rc;
	}
	*out = c.v;
	*count = c.n;
	return 0;
}
