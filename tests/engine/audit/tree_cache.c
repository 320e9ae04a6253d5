/*
 * tree_cache.c - the audit tree kept in memory (audit_tree_prove) gives the same tree head
 * and inclusion proofs as the tree recomputed from the records (audit_tree_root,
 * audit_inclusion_proof), for every record of logs of every size from 1 to 300, while the
 * log grows between calls; one cache serves a store whose log is a prefix of what it holds;
 * a cache built from another store's records is rebuilt, not believed. A receipt's proof
 * (the record the last leaf of the tree of its first seq records) is the same from the cache
 * (tree_size seq) and from an earlier frontier and the records after it (audit_prove_last).
 * Prints what a proof costs the first time and after.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "engine/audit/audit.h"
#include "lib/test.h"

struct batch {
	uint64_t from, n;
	const char *actor;
};

static int
append_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct batch *b = arg;

	for (uint64_t i = 0; i < b->n; i++) {
		char task[64], details[64];
		struct store_audit a = {
			.real_time = 1500000000 + (int64_t)(b->from + i),
			.clock_time = 1483200000 + 60 * (int64_t)(b->from + i),
			.actor = (char *)b->actor,
			.action = "task.create",
			.task = task,
			.subject = "fukang-city",
			.from_state = "",
			.to_state = "open",
			.details = details,
		};
		int rc;

		snprintf(task, sizeof(task), "p/m/fukang-city/%06llu", (unsigned long long)(b->from + i));
		snprintf(details, sizeof(details), "{\"n\":%llu}", (unsigned long long)(b->from + i));
		if ((rc = audit_append(txn, &a, NULL, e)) != 0)
			return rc;
	}
	return 0;
}

static void
append(struct store *s, uint64_t from, uint64_t n, const char *actor)
{
	struct batch b = {from, n, actor};
	struct dberr e;

	dberr_clear(&e);
	ASSERT_EQ(store_write(s, append_txn, &b, &e), 0);
}

struct cmp {
	struct audit_tree *t;
	uint64_t only;  /* 0: every record; else this one */
	unsigned checked;
};

/* Record seq as a receipt proves it: in the tree of the first seq records, from the cache
 * and from the frontiers of 0, seq / 2 and seq - 1 records, equal to the proof recomputed
 * from those records. */
static void
receipt_proof(struct cmp *c, struct store_txn *txn, const uint8_t (*leaves)[AUDIT_HASH_LEN],
              uint64_t seq, struct dberr *e)
{
	uint8_t want_root[AUDIT_HASH_LEN], root[AUDIT_HASH_LEN];
	uint8_t want[AUDIT_MAX_PROOF][AUDIT_HASH_LEN], got[AUDIT_MAX_PROOF][AUDIT_HASH_LEN];
	uint64_t size, froms[3] = {0, seq / 2, seq - 1};
	size_t nwant, ngot;
	struct audit_proof p;

	audit_tree_root(leaves, seq, want_root);
	ASSERT_EQ(audit_inclusion_proof(leaves, seq, seq - 1, want, &nwant, e), 0);
	ASSERT_EQ(audit_tree_prove(c->t, txn, seq, seq, leaves[seq - 1], &size, root, got, &ngot,
	                           e), 0);
	ASSERT_EQ(size, seq);
	ASSERT_EQ(memcmp(root, want_root, AUDIT_HASH_LEN), 0);
	ASSERT_EQ(ngot, nwant);
	ASSERT_EQ(memcmp(got, want, ngot * AUDIT_HASH_LEN), 0);
	for (int i = 0; i < 3; i++) {
		struct audit_frontier f;

		audit_frontier_init(&f);
		for (uint64_t k = 0; k < froms[i]; k++)
			audit_frontier_push(&f, leaves[k]);
		ASSERT_EQ(audit_prove_last(txn, &f, seq, &p, e), 0);
		ASSERT_EQ(p.size, seq);
		ASSERT_EQ(memcmp(p.leaf, leaves[seq - 1], AUDIT_HASH_LEN), 0);
		ASSERT_EQ(memcmp(p.root, want_root, AUDIT_HASH_LEN), 0);
		ASSERT_EQ(p.nproof, nwant);
		ASSERT_EQ(memcmp(p.proof, want, nwant * AUDIT_HASH_LEN), 0);
	}
	/* the frontier must be of fewer records than seq */
	{
		struct audit_frontier f;

		audit_frontier_init(&f);
		for (uint64_t k = 0; k < seq; k++)
			audit_frontier_push(&f, leaves[k]);
		ASSERT_EQ(audit_prove_last(txn, &f, seq, &p, e), DB_EDATA);
		dberr_clear(e);
	}
}

/* For each record: the cache's proof and head equal those recomputed from the records, and
 * the proof verifies. */
static int
cmp_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct cmp *c = arg;
	uint8_t (*leaves)[AUDIT_HASH_LEN] = NULL;
	uint8_t want_root[AUDIT_HASH_LEN], root[AUDIT_HASH_LEN];
	uint8_t want[AUDIT_MAX_PROOF][AUDIT_HASH_LEN], got[AUDIT_MAX_PROOF][AUDIT_HASH_LEN];
	uint64_t n, size;
	size_t nwant, ngot;
	int rc;

	if ((rc = audit_leaves(txn, 0, &leaves, &n, e)) != 0)
		return rc;
	audit_tree_root((const uint8_t(*)[AUDIT_HASH_LEN])leaves, n, want_root);
	for (uint64_t seq = c->only ? c->only : 1; seq <= (c->only ? c->only : n); seq++) {
		ASSERT_EQ(audit_inclusion_proof((const uint8_t(*)[AUDIT_HASH_LEN])leaves, n, seq - 1,
		                                want, &nwant, e), 0);
		rc = audit_tree_prove(c->t, txn, seq, 0, leaves[seq - 1], &size, root, got, &ngot, e);
		if (rc != 0) {
			free(leaves);
			return rc;
		}
		ASSERT_EQ(size, n);
		ASSERT_EQ(memcmp(root, want_root, AUDIT_HASH_LEN), 0);
		ASSERT_EQ(ngot, nwant);
		ASSERT_EQ(memcmp(got, want, ngot * AUDIT_HASH_LEN), 0);
		ASSERT(audit_inclusion_verify(seq - 1, n, leaves[seq - 1],
		                                   (const uint8_t(*)[AUDIT_HASH_LEN])got, ngot, root));
		/* as a receipt proves it: the log's last record (every size meets it once) */
		if (seq == n || c->only)
			receipt_proof(c, txn, (const uint8_t(*)[AUDIT_HASH_LEN])leaves, seq, e);
		c->checked++;
	}
	/* a tree smaller than the record, or larger than the log */
	ASSERT_EQ(audit_tree_prove(c->t, txn, n, n - 1 ? n - 1 : 0, leaves[n - 1], &size, root, got,
	                           &ngot, e), n > 1 ? DB_EDATA : 0);
	dberr_clear(e);
	ASSERT_EQ(audit_tree_prove(c->t, txn, 1, n + 1, leaves[0], &size, root, got, &ngot, e),
	          DB_EDATA);
	dberr_clear(e);
	/* a record not in the log */
	rc = audit_tree_prove(c->t, txn, n + 1, 0, leaves[0], &size, root, got, &ngot, e);
	ASSERT_EQ(rc, DB_EDATA);
	dberr_clear(e);
	free(leaves);
	return 0;
}

static void
compare(struct store *s, struct audit_tree *t, uint64_t only)
{
	struct cmp c = {t, only, 0};
	struct dberr e;

	dberr_clear(&e);
	if (store_read(s, cmp_txn, &c, &e) != 0)
		TEST_FAIL_("compare: %s", e.msg);
	ASSERT(c.checked > 0);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct timed {
	struct audit_tree *t;
	uint64_t seq;
	double took;
};

/* One proof as the web asks it: the record's leaf, then the cache. */
static int
timed_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct timed *x = arg;
	struct store_audit a;
	uint8_t leaf[AUDIT_HASH_LEN], root[AUDIT_HASH_LEN], proof[AUDIT_MAX_PROOF][AUDIT_HASH_LEN];
	uint64_t size;
	size_t np;
	double t0 = now_s();
	int rc;

	if ((rc = store_audit_get(txn, x->seq, &a, e)) != 0)
		return rc;
	audit_record_leaf(&a, leaf);
	store_audit_release(&a);
	rc = audit_tree_prove(x->t, txn, x->seq, 0, leaf, &size, root, proof, &np, e);
	x->took = now_s() - t0;
	return rc;
}

static double
timed_proof(struct store *s, struct audit_tree *t, uint64_t seq)
{
	struct timed x = {t, seq, 0};
	struct dberr e;

	dberr_clear(&e);
	ASSERT_EQ(store_read(s, timed_txn, &x, &e), 0);
	return x.took;
}

int
main(void)
{
	struct store *a = NULL, *b = NULL, *c = NULL;
	struct audit_tree *t = audit_tree_new();
	struct dberr e;
	uint64_t n = 0;
	char *dir[3] = {test_tmpdir(), test_tmpdir(), test_tmpdir()};

	dberr_clear(&e);
	ASSERT_EQ(store_open(dir[0], STORE_CREATE, &a, &e), 0);
	/* one record at a time to 40, then batches of growing sizes to 300: every size's
	 * every proof, the cache growing between calls */
	while (n < 40) {
		append(a, n + 1, 1, "甲");
		n++;
		compare(a, t, 0);
	}
	for (uint64_t k = 1; n < 300; k = k * 2 + 1) {
		uint64_t add = n + k > 300 ? 300 - n : k;

		append(a, n + 1, add, "甲");
		n += add;
		compare(a, t, 0);
	}

	/* a store whose log is the first 100 records of a's: the same cache serves it */
	ASSERT_EQ(store_open(dir[1], STORE_CREATE, &b, &e), 0);
	append(b, 1, 100, "甲");
	compare(b, t, 0);
	/* a store with other records (another actor): the cache is rebuilt from it */
	ASSERT_EQ(store_open(dir[2], STORE_CREATE, &c, &e), 0);
	append(c, 1, 77, "乙");
	compare(c, t, 5);
	compare(c, t, 0);
	/* and back to a: rebuilt again, right again */
	compare(a, t, 299);
	store_close(b);
	store_close(c);

	/* cost: 20000 more records; the first proof reads them, the next do not */
	{
		double first, next;

		for (uint64_t from = n + 1; from <= 20300; from += 1000)
			append(a, from, 1000, "甲");
		first = timed_proof(a, t, 12345);
		next = timed_proof(a, t, 20000);
		compare(a, t, 20000);
		printf("tree cache over 20300 records: the first proof %.1f ms (reads the 20000 new "
		       "records), the next %.3f ms\n", first * 1e3, next * 1e3);
	}
	store_close(a);
	audit_tree_free(t);
	for (int i = 0; i < 3; i++)
		free(dir[i]);
	printf("ok: the tree in memory proves as the records do\n");
	return 0;
}
