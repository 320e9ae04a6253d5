/*
 * tree_cache.c - the audit tree kept in memory by a long-lived reader (the web server), so
 * that an inclusion proof costs O(log n) hashes instead of rehashing the whole log.
 *
 * Level k holds the roots of the complete, aligned subtrees of 2^k leaves (level 0: the
 * leaves). In an RFC 9162 tree every left subtree is complete and aligned, so the root of
 * any subtree the proof needs is a stored node or folds O(log n) of them. The log only
 * grows, so levels built from one snapshot serve every older one: a reader whose snapshot
 * holds n records uses the first n leaves. New records are read once, when a reader sees
 * them first. A cache that disagrees with the log (a store restored or changed under the
 * running process) is rebuilt from the records; a log that still disagrees with its own
 * frontier is damaged, and the caller says so.
 */
#include "engine/audit/audit.h"
#include "engine/audit/audit_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

struct audit_tree {
	uint8_t (*lv[64])[AUDIT_HASH_LEN];
	uint64_t cnt[64];
	size_t cap[64];
	uint64_t size; /* leaves */
	struct audit_hasher h;
};

struct audit_tree *
audit_tree_new(void)
{
	struct audit_tree *t = xcalloc(1, sizeof(*t));

	audit_hasher_open(&t->h);
	return t;
}

static void
tree_reset(struct audit_tree *t)
{
	for (int k = 0; k < 64; k++) {
		free(t->lv[k]);
		t->lv[k] = NULL;
		t->cnt[k] = 0;
		t->cap[k] = 0;
	}
	t->size = 0;
}

void
audit_tree_free(struct audit_tree *t)
{
	if (t == NULL)
		return;
	tree_reset(t);
	audit_hasher_close(&t->h);
	free(t);
}

/* Adds a leaf and every node it completes. */
static void
tree_push(struct audit_tree *t, const uint8_t leaf[AUDIT_HASH_LEN])
{
	uint8_t cur[AUDIT_HASH_LEN];

	memcpy(cur, leaf, AUDIT_HASH_LEN);
	for (int k = 0; k < 64; k++) {
		uint64_t i = t->cnt[k];

		t->lv[k] = xgrow(t->lv[k], &t->cap[k], (size_t)i + 1, sizeof(*t->lv[k]));
		memcpy(t->lv[k][i], cur, AUDIT_HASH_LEN);
		t->cnt[k] = i + 1;
		if (i % 2 == 0)
			break;
		audit_hasher_node(&t->h, t->lv[k][i - 1], t->lv[k][i], cur);
	}
	t->size++;
}

static void
tree_push_cb(const uint8_t leaf[AUDIT_HASH_LEN], void *arg)
{
	tree_push(arg, leaf);
}

/* Brings t to n leaves at least, reading the records after the ones it has. */
static int
tree_sync(struct audit_tree *t, struct store_txn *txn, uint64_t n, struct dberr *e)
{
	if (t->size >= n)
		return 0;
	return audit_leaves_each(txn, &t->h, t->size + 1, n, tree_push_cb, t, e);
}

/* MTH(D[a:b]) for 0 <= a < b <= t->size, where every subtree this recursion meets
 * starting at a multiple of its own size is a stored node. */
static void
mth(struct audit_tree *t, uint64_t a, uint64_t b, uint8_t out[AUDIT_HASH_LEN])
{
	uint64_t len = b - a, k = 1;
	uint8_t l[AUDIT_HASH_LEN], r[AUDIT_HASH_LEN];
	int lvl = 0;

	if ((len & (len - 1)) == 0) {
		while ((UINT64_C(1) << lvl) < len)
			lvl++;
		if (a % len == 0) {
			memcpy(out, t->lv[lvl][a >> lvl], AUDIT_HASH_LEN);
			return;
		}
	}
	while (k << 1 < len)
		k <<= 1;
	mth(t, a, a + k, l);
	mth(t, a + k, b, r);
	audit_hasher_node(&t->h, l, r, out);
}

/* PATH(m, D[a:b]) of RFC 9162 2.1.3.1, m relative to a: the sub-path first, then the
 * sibling's root, so hashes run from the leaf upward (as merkle.c's path). */
static void
path(struct audit_tree *t, uint64_t a, uint64_t b, uint64_t m, uint8_t proof[][AUDIT_HASH_LEN],
     size_t *np)
{
	uint64_t len = b - a, k = 1;

	if (len <= 1)
		return;
	while (k << 1 < len)
		k <<= 1;
	if (m < k) {
		path(t, a, a + k, m, proof, np);
		mth(t, a + k, b, proof[(*np)++]);
	} else {
		path(t, a + k, b, m - k, proof, np);
		mth(t, a, a + k, proof[(*np)++]);
	}
}

/* The root of the first n leaves, checked against the log's own frontier when that has n
 * leaves; false when they differ. */
static int
tree_check(struct audit_tree *t, struct store_txn *txn, uint64_t n, uint64_t m,
           const uint8_t leaf[AUDIT_HASH_LEN], uint8_t root[AUDIT_HASH_LEN], bool *agrees,
           struct dberr *e)
{
	struct audit_frontier f;
	uint8_t froot[AUDIT_HASH_LEN];
	int rc;

	if ((rc = tree_sync(t, txn, n, e)) != 0)
		return rc;
	mth(t, 0, n, root);
	*agrees = memcmp(t->lv[0][m], leaf, AUDIT_HASH_LEN) == 0;
	if ((rc = audit_frontier_get(txn, &f, e)) != 0)
		return rc;
	if (f.size == n) {
		audit_frontier_root(&f, froot);
		*agrees = *agrees && memcmp(froot, root, AUDIT_HASH_LEN) == 0;
	}
	return 0;
}

int
audit_tree_prove(struct audit_tree *t, struct store_txn *txn, uint64_t seq,
                 uint64_t tree_size, const uint8_t leaf[AUDIT_HASH_LEN], uint64_t *size,
                 uint8_t root[AUDIT_HASH_LEN], uint8_t proof[][AUDIT_HASH_LEN],
                 size_t *nproof, struct dberr *e)
{
	uint64_t n = store_audit_count(txn);
	bool agrees = false;
	size_t np = 0;
	int rc;

	if (seq == 0 || seq > n || (tree_size != 0 && (tree_size < seq || tree_size > n)))
		return dberr_set(e, DB_EDATA, "record %" PRIu64 " is not in a tree of %" PRIu64
		                 " of a log of %" PRIu64 " records", seq, tree_size ? tree_size : n,
		                 n);
	if ((rc = tree_check(t, txn, n, seq - 1, leaf, root, &agrees, e)) != 0)
		return rc;
	if (!agrees) {
		/* built from another store, or records changed since: start again once */
		tree_reset(t);
		if ((rc = tree_check(t, txn, n, seq - 1, leaf, root, &agrees, e)) != 0)
			return rc;
		if (!agrees)
			return dberr_set(e, DB_EDATA, "record %" PRIu64 " or the tree over the log does "
			                 "not match the stored tree head (run `dabiao audit verify`)",
			                 seq);
	}
	/* the whole log checked against its stored head above; an earlier tree (a receipt's
	 * checkpoint) is its first tree_size leaves */
	if (tree_size != 0 && tree_size != n) {
		n = tree_size;
		mth(t, 0, n, root);
	}
	path(t, 0, n, seq - 1, proof, &np);
	*size = n;
	*nproof = np;
	return 0;
}
