/*
 * append.c - the audit log in the store: each record appended with its leaf hash and the
 * new frontier in the same transaction, and the leaves recomputed for verification.
 */
#include "engine/audit/audit.h"
#include "engine/audit/audit_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

/* ---- the log in the store ---- */

_Static_assert(AUDIT_HASH_LEN == STORE_AUDIT_LEAF_LEN, "the store keeps a whole leaf hash");

#define FRONTIER_KEY "audit/frontier"

/* The frontier as stored (an empty one when absent). */
static int
frontier_read(struct store_txn *txn, struct audit_frontier *f, struct dberr *e)
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

/* A write transaction's frontier, read at its first append and written once before its
 * commit (store_txn_state), with one SHA-256 for all its hashes: a batch of appends
 * neither parses nor formats the frontier's text per record. */
struct txn_tree {
	struct audit_frontier f;
	struct audit_hasher h;
};

static int
tree_flush(struct store_txn *txn, void *state, struct dberr *e)
{
	const struct txn_tree *t = state;
	char *text = audit_frontier_format(&t->f);
	int rc = store_meta_put(txn, FRONTIER_KEY, text, e);

	free(text);
	return rc;
}

static void
tree_release(void *state)
{
	struct txn_tree *t = state;

	audit_hasher_close(&t->h);
	free(t);
}

static const struct store_txn_state_ops tree_ops = {tree_flush, tree_release};

int
audit_frontier_get(struct store_txn *txn, struct audit_frontier *f, struct dberr *e)
{
	const struct txn_tree *t = store_txn_state(txn, &tree_ops);

	if (t != NULL) {
		*f = t->f;
		return 0;
	}
	return frontier_read(txn, f, e);
}

static void
leaf_key(uint64_t seq, char out[40])
{
	snprintf(out, 40, "audit/leaf/%020" PRIu64, seq);
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
	struct txn_tree *t;
	struct dberr *e;
};

static int
catchup_cb(const struct store_audit *a, void *arg)
{
	struct catchup *c = arg;
	uint8_t leaf[AUDIT_HASH_LEN];

	if (a->seq != c->t->f.size + 1)
		return dberr_set(c->e, DB_ESTATE,
		                 "audit log: record %" PRIu64 " follows record %" PRIu64, a->seq,
		                 c->t->f.size);
	audit_hasher_record_leaf(&c->t->h, a, leaf);
	audit_hasher_push(&c->t->h, &c->t->f, leaf);
	return put_leaf(c->txn, a->seq, leaf, c->e);
}

/* The transaction's tree: at its first append, the stored frontier, checked against the
 * log and caught up with records written before the tree existed. */
static int
tree_open(struct store_txn *txn, struct txn_tree **out, struct dberr *e)
{
	struct txn_tree *t = store_txn_state(txn, &tree_ops);
	uint64_t count;
	int rc;

	if (t != NULL) {
		*out = t;
		return 0;
	}
	t = xmalloc(sizeof(*t));
	if ((rc = frontier_read(txn, &t->f, e)) != 0) {
		free(t);
		return rc;
	}
	count = store_audit_count(txn);
	if (t->f.size > count) {
		rc = dberr_set(e, DB_ESTATE,
		               "audit log: the tree has %" PRIu64 " leaves but the log only %" PRIu64
		               " records: the log was damaged, run `dabiao audit verify`",
		               t->f.size, count);
		free(t);
		return rc;
	}
	audit_hasher_open(&t->h);
	/* from here the transaction owns t, and writes its frontier before the commit */
	if ((rc = store_txn_state_set(txn, &tree_ops, t, e)) != 0)
		return rc;
	*out = t;
	if (t->f.size < count) {
		/* Records written before the tree existed join it now, in order. */
		struct catchup c = {txn, t, e};

		return store_audit_each(txn, t->f.size + 1, catchup_cb, &c, e);
	}
	return 0;
}

int
audit_append(struct store_txn *txn, const struct store_audit *rec, uint64_t *seq,
             struct dberr *e)
{
	struct txn_tree *t = NULL;
	struct store_audit stored;
	uint8_t leaf[AUDIT_HASH_LEN];
	uint64_t s = 0;
	int rc;

	if ((rc = tree_open(txn, &t, e)) != 0)
		return rc;
	/* Hash the record as `audit verify` will read it back: the store keeps every field
	 * as given, a NULL string as "" (which the canonical form writes for NULL too). Its
	 * sequence is the tree's next leaf (the log has no gaps, checked below); the leaf is
	 * kept in the record itself, packed with it. */
	stored = *rec;
	stored.seq = t->f.size + 1;
	audit_hasher_record_leaf(&t->h, &stored, leaf);
	if ((rc = store_audit_append_leaf(txn, rec, leaf, &s, e)) != 0)
		return rc;
	if (s != t->f.size + 1)
		return dberr_set(e, DB_ESTATE,
		                 "audit log: record %" PRIu64 " appended to a tree of %" PRIu64
		                 " leaves", s, t->f.size);
	audit_hasher_push(&t->h, &t->f, leaf);
	if (seq != NULL)
		*seq = s;
	return 0;
}

struct walk_ctx {
	struct audit_hasher *h;
	uint64_t next, want;
	audit_leaf_fn *fn;
	void *arg;
	struct dberr *e;
};

#define WALK_STOP 1

static int
walk_cb(const struct store_audit *a, void *arg)
{
	struct walk_ctx *c = arg;
	uint8_t leaf[AUDIT_HASH_LEN];

	if (c->want && c->next > c->want)
		return WALK_STOP;
	if (a->seq != c->next)
		return dberr_set(c->e, DB_EDATA,
		                 "record %" PRIu64 ": expected record %" PRIu64 " (a record is missing)",
		                 a->seq, c->next);
	audit_hasher_record_leaf(c->h, a, leaf);
	c->fn(leaf, c->arg);
	c->next++;
	return 0;
}

int
audit_leaves_each(struct store_txn *txn, struct audit_hasher *h, uint64_t from, uint64_t to,
                  audit_leaf_fn *fn, void *arg, struct dberr *e)
{
	struct walk_ctx c = {h, from, to, fn, arg, e};
	int rc = store_audit_each(txn, from, walk_cb, &c, e);

	if (rc == WALK_STOP)
		rc = 0;
	if (rc == 0 && to && c.next <= to)
		rc = dberr_set(e, DB_EDATA, "the log has %" PRIu64 " records, fewer than %" PRIu64,
		               c.next - 1, to);
	return rc;
}

struct leaves_ctx {
	uint8_t (*v)[AUDIT_HASH_LEN];
	size_t n, cap;
};

static void
leaves_add(const uint8_t leaf[AUDIT_HASH_LEN], void *arg)
{
	struct leaves_ctx *c = arg;

	c->v = xgrow(c->v, &c->cap, c->n + 1, sizeof(*c->v));
	memcpy(c->v[c->n++], leaf, AUDIT_HASH_LEN);
}

int
audit_leaves(struct store_txn *txn, uint64_t n, uint8_t (**out)[AUDIT_HASH_LEN],
             uint64_t *count, struct dberr *e)
{
	struct leaves_ctx c = {NULL, 0, 0};
	struct audit_hasher h;
	int rc;

	audit_hasher_open(&h);
	rc = audit_leaves_each(txn, &h, 1, n, leaves_add, &c, e);
	audit_hasher_close(&h);
	if (rc != 0) {
		free(c.v);
		return rc;
	}
	*out = c.v;
	*count = c.n;
	return 0;
}
