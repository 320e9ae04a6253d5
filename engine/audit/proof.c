/*
 * proof.c - the log's questions answered over the store, for `dabiao audit` and anyone else
 * who asks: its head, one record's inclusion proof (against the whole log or a signed
 * checkpoint), the verification of every record against the tree kept beside them, and the
 * signed checkpoints kept in the store.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "engine/audit/audit.h"

#define CHECKPOINT_PREFIX "audit/checkpoint/"
#define MADE_PREFIX "audit/checkpoint-made/"

int
audit_head(struct store_txn *txn, uint64_t *size, uint8_t root[AUDIT_HASH_LEN],
           struct dberr *e)
{
	struct audit_frontier f;
	uint8_t (*leaves)[AUDIT_HASH_LEN] = NULL; /* owned */
	uint64_t count = store_audit_count(txn), n;
	int rc;

	if ((rc = audit_frontier_get(txn, &f, e)) != 0)
		return rc;
	if (f.size > count)
		return dberr_set(e, DB_EDATA,
		                 "the tree has %" PRIu64 " leaves but the log only %" PRIu64
		                 " records: records were deleted (run `dabiao audit verify`)",
		                 f.size, count);
	if (f.size == count) {
		*size = f.size;
		audit_frontier_root(&f, root);
		return 0;
	}
	/* records written before the tree existed join it at the next change */
	if ((rc = audit_leaves(txn, count, &leaves, &n, e)) != 0)
		return rc;
	*size = n;
	audit_tree_root((const uint8_t(*)[AUDIT_HASH_LEN])leaves, n, root);
	free(leaves);
	return 0;
}

int
audit_prove(struct store_txn *txn, uint64_t seq, const struct audit_checkpoint *cp,
            const char *cp_name, struct audit_proof *p, struct dberr *e)
{
	uint8_t (*leaves)[AUDIT_HASH_LEN] = NULL; /* owned */
	uint64_t count = store_audit_count(txn), n;
	int rc;

	memset(p, 0, sizeof(*p));
	p->seq = seq;
	p->size = cp ? cp->size : count;
	if (cp && p->size > count)
		return dberr_set(e, DB_EDATA,
		                 "checkpoint %s has %" PRIu64 " records, the log only %" PRIu64
		                 ": records were deleted", cp_name, p->size, count);
	if (seq == 0 || seq > p->size)
		return dberr_set(e, DB_ENOTFOUND,
		                 "record %" PRIu64 " is not in a tree of %" PRIu64 " records%s",
		                 seq, p->size, cp ? " (the checkpoint's)" : "");
	if ((rc = audit_leaves(txn, p->size, &leaves, &n, e)) != 0)
		return rc;
	audit_tree_root((const uint8_t(*)[AUDIT_HASH_LEN])leaves, n, p->root);
	if (cp && memcmp(p->root, cp->root, AUDIT_HASH_LEN) != 0) {
		rc = dberr_set(e, DB_EDATA,
		               "the log's first %" PRIu64 " records do not match checkpoint %s: "
		               "the log was changed after it was signed (run `dabiao audit verify "
		               "--checkpoint %s`)", n, cp_name, cp_name);
		goto out;
	}
	memcpy(p->leaf, leaves[seq - 1], AUDIT_HASH_LEN);
	rc = audit_inclusion_proof((const uint8_t(*)[AUDIT_HASH_LEN])leaves, n, seq - 1,
	                           p->proof, &p->nproof, e);
out:
	free(leaves);
	return rc;
}

struct verify_ctx {
	struct store_txn *txn;
	struct audit_frontier f;      /* rebuilt from the records */
	const struct audit_checkpoint *cp;
	uint8_t cp_root[AUDIT_HASH_LEN]; /* root of the first cp->size records */
	uint64_t stored_size;         /* leaves the stored frontier covers */
	struct audit_frontier stored; /* as kept in the store */
	bool head_bad;                /* stored differs from the records' first stored_size */
	struct dberr *e;
};

static int
verify_cb(const struct store_audit *a, void *arg)
{
	struct verify_ctx *v = arg;
	uint8_t leaf[AUDIT_HASH_LEN], want[AUDIT_HASH_LEN];
	char key[40], *hex = NULL;
	struct dberr scratch;
	int rc;

	if (a->seq != v->f.size + 1)
		return dberr_set(v->e, DB_EDATA, "record %" PRIu64 " is missing (the next is %" PRIu64
		                 ")", v->f.size + 1, a->seq);
	audit_record_leaf(a, leaf);
	dberr_clear(&scratch);
	rc = store_audit_leaf(v->txn, a->seq, want, &scratch); /* packed with it (schema 12) */
	if (rc == DB_ENOTFOUND && a->seq <= v->stored_size) {
		/* a plain record (schema 11 and before): its leaf in meta */
		snprintf(key, sizeof(key), "audit/leaf/%020" PRIu64, a->seq);
		dberr_clear(&scratch);
		rc = store_meta_get(v->txn, key, &hex, &scratch);
		if (rc == 0 && audit_unhex(hex, AUDIT_HASH_LEN, want) != 0)
			rc = DB_EDATA;
		free(hex);
	} else if (rc == DB_ENOTFOUND) {
		rc = 1; /* plain, appended after the stored frontier: no leaf to compare */
	}
	if (rc < 0 || (rc == 0 && memcmp(leaf, want, AUDIT_HASH_LEN) != 0))
		return dberr_set(v->e, DB_EDATA,
		                 "record %" PRIu64 ": leaf hash does not match the tree", a->seq);
	audit_frontier_push(&v->f, leaf);
	if (v->f.size == v->stored_size)
		v->head_bad = v->stored.n != v->f.n ||
		              memcmp(v->stored.h, v->f.h, (size_t)v->f.n * AUDIT_HASH_LEN) != 0;
	if (v->cp && v->f.size == v->cp->size)
		audit_frontier_root(&v->f, v->cp_root);
	return 0;
}

int
audit_verify(struct store_txn *txn, const struct audit_checkpoint *cp, const char *cp_name,
             struct audit_verification *out, struct dberr *e)
{
	struct verify_ctx *v = xcalloc(1, sizeof(*v));
	uint64_t count = store_audit_count(txn);
	struct dberr scratch;
	int rc;

	v->txn = txn;
	v->e = e;
	v->cp = cp;
	audit_frontier_init(&v->f);
	if ((rc = audit_frontier_get(txn, &v->stored, e)) != 0)
		goto out;
	v->stored_size = v->stored.size;
	if (v->stored.size > count) {
		rc = dberr_set(e, DB_EDATA,
		               "record %" PRIu64 ": missing; the tree has %" PRIu64
		               " leaves but the log only %" PRIu64 " records", count + 1,
		               v->stored.size, count);
		goto out;
	}
	if (cp && cp->size > count) {
		rc = dberr_set(e, DB_EDATA,
		               "checkpoint %s has %" PRIu64 " records but the log only %" PRIu64
		               ": records were deleted", cp_name, cp->size, count);
		goto out;
	}
	dberr_clear(&scratch);
	if (store_audit_each(txn, 1, verify_cb, v, &scratch) != 0) {
		/* Our own finding names the record already; a record the store cannot decode
		 * was changed too. */
		if (e->code == 0)
			dberr_set(e, DB_EDATA, "record %" PRIu64 ": cannot be read (%s)",
			          v->f.size + 1, scratch.msg[0] ? scratch.msg : dabiao_strerror(rc));
		rc = DB_EDATA;
		goto out;
	}
	if (v->head_bad) {
		rc = dberr_set(e, DB_EDATA,
		               "the stored tree head does not match records 1..%" PRIu64
		               " although each leaf does: the tree state was rewritten",
		               v->stored.size);
		goto out;
	}
	if (cp) {
		if (cp->size == 0)
			audit_frontier_root(&(struct audit_frontier){0}, v->cp_root);
		if (memcmp(v->cp_root, cp->root, AUDIT_HASH_LEN) != 0) {
			char got[2 * AUDIT_HASH_LEN + 1], want[2 * AUDIT_HASH_LEN + 1];

			audit_hex(v->cp_root, AUDIT_HASH_LEN, got);
			audit_hex(cp->root, AUDIT_HASH_LEN, want);
			rc = dberr_set(e, DB_EDATA,
			               "the log is not consistent with checkpoint %s: its first %" PRIu64
			               " records hash to %s, the checkpoint says %s: the log was "
			               "rewritten after the checkpoint was signed",
			               cp_name, cp->size, got, want);
			goto out;
		}
	}
	out->size = v->f.size;
	audit_frontier_root(&v->f, out->root);
	out->stored_size = v->stored_size;
out:
	free(v);
	return rc;
}

/* The path of the last of n leaves in their tree is the roots of the perfect subtrees of
 * the first n - 1, smallest (rightmost) first: RFC 9162's PATH(n-1, D[0:n]) takes the
 * largest power of two k < n, which is the top bit of n - 1, and recurses into D[k:n]. */
int
audit_prove_last(struct store_txn *txn, const struct audit_frontier *before, uint64_t seq,
                 struct audit_proof *p, struct dberr *e)
{
	struct audit_frontier f = *before;
	struct store_audit a;
	int rc;

	memset(p, 0, sizeof(*p));
	if (seq == 0 || before->size >= seq)
		return dberr_set(e, DB_EDATA, "record %" PRIu64 " is not after a tree of %" PRIu64
		                 " records", seq, before->size);
	for (uint64_t i = before->size + 1; i <= seq; i++) {
		if ((rc = store_audit_get(txn, i, &a, e)) != 0)
			return rc;
		audit_record_leaf(&a, p->leaf);
		store_audit_release(&a);
		if (i == seq)
			break;
		audit_frontier_push(&f, p->leaf);
	}
	for (int k = f.n - 1; k >= 0; k--)
		memcpy(p->proof[p->nproof++], f.h[k], AUDIT_HASH_LEN);
	audit_frontier_push(&f, p->leaf);
	audit_frontier_root(&f, p->root);
	p->seq = seq;
	p->size = seq;
	return 0;
}

int
audit_checkpoint_keep(struct store_txn *txn, uint64_t size, const char *text, int64_t at,
                      const char *by, struct dberr *e)
{
	struct store_clock c;
	char key[64], *made;
	int64_t clock_at = at;
	int rc;

	/* the store's time too (a virtual clock's), as a record's clock_time beside real_time */
	if (store_clock_get(txn, &c, e) == 0 && c.mode == STORE_CLOCK_VIRTUAL)
		clock_at = c.now;
	dberr_clear(e);
	/* one per tree size: a second signature of the same head replaces the first */
	snprintf(key, sizeof(key), CHECKPOINT_PREFIX "%020" PRIu64, size);
	if ((rc = store_meta_put(txn, key, text, e)) != 0)
		return rc;
	snprintf(key, sizeof(key), MADE_PREFIX "%020" PRIu64, size);
	made = xasprintf("%lld\n%lld\n%s", (long long)at, (long long)clock_at, by ? by : "");
	rc = store_meta_put(txn, key, made, e);
	free(made);
	return rc;
}

struct latest_ctx {
	char *name, *text;
};

static int
latest_one(const char *name, const char *val, void *arg)
{
	struct latest_ctx *c = arg;

	/* in name order, and the names are the sizes in 20 digits: the last is the largest */
	free(c->name);
	free(c->text);
	c->name = xstrdup(name);
	c->text = xstrdup(val);
	return 0;
}

int
audit_checkpoint_latest(struct store_txn *txn, char **text, int64_t *made_at, char **by,
                        struct dberr *e)
{
	struct latest_ctx c = {NULL, NULL};
	char key[64], *made = NULL, *nl;
	int rc;

	*text = *by = NULL;
	*made_at = 0;
	if ((rc = store_meta_each(txn, CHECKPOINT_PREFIX, latest_one, &c, e)) != 0 ||
	    c.name == NULL)
		goto out;
	snprintf(key, sizeof(key), MADE_PREFIX "%s", c.name + strlen(CHECKPOINT_PREFIX));
	rc = store_meta_get(txn, key, &made, e);
	if (rc == DB_ENOTFOUND) {
		dberr_clear(e);
		rc = 0;
	} else if (rc == 0 && (nl = strchr(made, '\n')) != NULL &&
	           (nl = strchr(nl + 1, '\n')) != NULL) {
		*made_at = strtoll(strchr(made, '\n') + 1, NULL, 10);
		*by = xstrdup(nl + 1);
	}
	if (rc == 0) {
		*text = c.text;
		c.text = NULL;
	}
out:
	free(made);
	free(c.name);
	free(c.text);
	return rc;
}

int
audit_checkpoint_get(struct store_txn *txn, uint64_t size, char **text, struct dberr *e)
{
	char key[64];

	snprintf(key, sizeof(key), CHECKPOINT_PREFIX "%020" PRIu64, size);
	return store_meta_get(txn, key, text, e);
}

struct each_ctx {
	int (*cb)(const char *text, void *arg);
	void *arg;
};

static int
each_one(const char *name, const char *val, void *arg)
{
	struct each_ctx *c = arg;

	(void)name;
	return c->cb(val, c->arg);
}

int
audit_checkpoint_each(struct store_txn *txn, int (*cb)(const char *text, void *arg), void *arg,
                      struct dberr *e)
{
	struct each_ctx c = {cb, arg};

	return store_meta_each(txn, CHECKPOINT_PREFIX, each_one, &c, e);
}
