/*
 * audit_append.c - the tree kept beside the log in a real store: appends through
 * audit_append keep a frontier whose root equals the tree recomputed from the records, in
 * the same transaction (an aborted transaction leaves both untouched); records written
 * without it (a store older than the tree) join the tree at the next append; a tree longer
 * than the log is refused. Prints the cost of an append and of recomputing the leaves.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "engine/audit/audit.h"
#include "lib/test.h"

struct batch {
	uint64_t from, n;
	bool plain;  /* through store_audit_append only, as before the tree */
	bool abort_; /* fail the transaction after the appends */
};

static int
append_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct batch *b = arg;

	for (uint64_t i = 0; i < b->n; i++) {
		char task[64], details[96];
		struct store_audit a = {
			.real_time = 1500000000 + (int64_t)(b->from + i),
			.clock_time = 1483200000 + 60 * (int64_t)(b->from + i),
			.actor = "测试",
			.action = "task.create",
			.task = task,
			.subject = "fukang-city",
			.from_state = "",
			.to_state = "open",
			.details = details,
		};
		uint64_t seq = 0;
		int rc;

		snprintf(task, sizeof(task), "p/m/fukang-city/%06llu", (unsigned long long)(b->from + i));
		snprintf(details, sizeof(details), "{\"n\":%llu,\"note\":\"a\\\"b\\n\"}",
		         (unsigned long long)(b->from + i));
		rc = b->plain ? store_audit_append(txn, &a, &seq, e) : audit_append(txn, &a, &seq, e);
		if (rc != 0)
			return rc;
		ASSERT_EQ(seq, b->from + i);
	}
	if (!b->plain && b->n > 0) {
		/* inside the transaction, the frontier already has every append of it */
		struct audit_frontier f;

		if (audit_frontier_get(txn, &f, e) != 0)
			return DB_ESTATE;
		ASSERT_EQ(f.size, b->from + b->n - 1);
	}
	return b->abort_ ? DB_ETEMP : 0;
}

struct check {
	uint64_t count;
	struct audit_frontier f;
	uint8_t recomputed[AUDIT_HASH_LEN];
};

static int
check_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct check *c = arg;
	uint8_t (*leaves)[AUDIT_HASH_LEN] = NULL;
	uint64_t n;
	int rc;

	c->count = store_audit_count(txn);
	if ((rc = audit_frontier_get(txn, &c->f, e)) != 0)
		return rc;
	if ((rc = audit_leaves(txn, 0, &leaves, &n, e)) != 0)
		return rc;
	ASSERT_EQ(n, c->count);
	audit_tree_root((const uint8_t(*)[AUDIT_HASH_LEN])leaves, n, c->recomputed);
	free(leaves);
	return 0;
}

static void
expect_tree(struct store *s, uint64_t count, uint64_t tree)
{
	struct check c;
	uint8_t root[AUDIT_HASH_LEN];
	struct dberr e;

	dberr_clear(&e);
	ASSERT_EQ(store_read(s, check_txn, &c, &e), 0);
	ASSERT_EQ(c.count, count);
	ASSERT_EQ(c.f.size, tree);
	if (tree == count) {
		audit_frontier_root(&c.f, root);
		if (memcmp(root, c.recomputed, AUDIT_HASH_LEN) != 0)
			TEST_FAIL_("stored root differs from the records' tree at %d", (int)count);
	}
}

static int
shrink_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	(void)arg;
	/* a tree one leaf longer than the log: as if the last record had been deleted */
	return store_meta_put(txn, "audit/frontier", arg, e);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(void)
{
	char *dir = test_tmpdir();
	struct store *s = NULL;
	struct dberr e;
	struct batch b;
	struct check c;
	struct audit_frontier f;
	double t0, t1, t2;
	char *text;
	int rc;

	dberr_clear(&e);
	ASSERT_EQ(store_open(dir, STORE_CREATE, &s, &e), 0);

	/* older records, written without the tree */
	b = (struct batch){1, 5, true, false};
	ASSERT_EQ(store_write(s, append_txn, &b, &e), 0);
	expect_tree(s, 5, 0);
	/* the next append brings them in, in order */
	b = (struct batch){6, 1, false, false};
	ASSERT_EQ(store_write(s, append_txn, &b, &e), 0);
	expect_tree(s, 6, 6);
	/* an aborted transaction moves neither the log nor the tree */
	b = (struct batch){7, 3, false, true};
	ASSERT_EQ(store_write(s, append_txn, &b, &e), DB_ETEMP);
	dberr_clear(&e);
	expect_tree(s, 6, 6);
	/* batches of every size; the root stays the records' */
	for (uint64_t from = 7, n = 1; from < 300; from += n, n = n * 2 + 1) {
		b = (struct batch){from, n, false, false};
		ASSERT_EQ(store_write(s, append_txn, &b, &e), 0);
		expect_tree(s, from + n - 1, from + n - 1);
	}

	/* a tree longer than the log is refused: records were deleted */
	dberr_clear(&e);
	ASSERT_EQ(store_read(s, check_txn, &c, &e), 0);
	f = c.f;
	audit_frontier_push(&f, c.recomputed);
	text = audit_frontier_format(&f);
	ASSERT_EQ(store_write(s, shrink_txn, text, &e), 0);
	free(text);
	b = (struct batch){c.count + 1, 1, false, false};
	dberr_clear(&e);
	rc = store_write(s, append_txn, &b, &e);
	ASSERT_EQ(rc, DB_ESTATE);
	ASSERT_STR_CONTAINS(e.msg, "audit verify");
	store_close(s);

	/* cost: 20000 appends in transactions of 1000, then recomputing every leaf */
	{
		char *dir2 = test_tmpdir();

		dberr_clear(&e);
		ASSERT_EQ(store_open(dir2, STORE_CREATE, &s, &e), 0);
		t0 = now_s();
		for (uint64_t from = 1; from <= 20000; from += 1000) {
			b = (struct batch){from, 1000, false, false};
			ASSERT_EQ(store_write(s, append_txn, &b, &e), 0);
		}
		t1 = now_s();
		expect_tree(s, 20000, 20000);
		t2 = now_s();
		printf("audit_append: %.1f us per record (20000 in batches of 1000); leaves and "
		       "root of 20000 recomputed in %.0f ms\n",
		       (t1 - t0) / 20000 * 1e6, (t2 - t1) * 1e3);
		store_close(s);
		free(dir2);
	}
	free(dir);
	printf("ok: audit tree kept beside the log\n");
	return 0;
}
