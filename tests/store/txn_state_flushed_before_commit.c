/* A transaction's state (store_txn_state): written by its flush just before the commit, in
 * the same transaction (so it is there after the commit, and absent after an abort);
 * released exactly once per run of the transaction function, commit, abort, dry run or
 * map-growth rerun alike; a failing flush aborts the whole transaction; a read transaction
 * keeps no state. */
#include <stdlib.h>

#include "store_test.h"

struct counter {
	int n;          /* appends seen in this transaction */
	int *released;  /* how many states were released, over the test */
	bool fail;      /* the flush refuses */
};

static int
flush(struct store_txn *t, void *state, struct dberr *e)
{
	struct counter *c = state;
	char v[16];

	if (c->fail)
		return dberr_set(e, DB_ESTATE, "flush refused on purpose");
	snprintf(v, sizeof(v), "%d", c->n);
	return store_meta_put(t, "count", v, e);
}

static void
release(void *state)
{
	struct counter *c = state;

	(*c->released)++;
	free(c);
}

static const struct store_txn_state_ops ops = {flush, release};

struct job {
	int adds;        /* how many times to count */
	int *released;
	bool fail_flush;
	bool fail_fn;
	int big;         /* tasks of ~700 bytes to write too (map growth) */
	int runs;
};

static int
count_txn(struct store_txn *t, void *arg, struct dberr *e)
{
	struct job *j = arg;
	char key[64], note[600];
	struct store_kv extra = {"note", note};
	struct store_task task = {.key = key, .state = "open", .extra = &extra, .nextra = 1};

	j->runs++;
	for (int i = 0; i < j->adds; i++) {
		struct counter *c = store_txn_state(t, &ops);

		if (c == NULL) {
			ASSERT_EQ(i, 0); /* the state lives as long as the transaction */
			c = calloc(1, sizeof(*c));
			c->released = j->released;
			c->fail = j->fail_flush;
			ASSERT_OK(store_txn_state_set(t, &ops, c, e), e);
			ASSERT(store_txn_state(t, &ops) == c);
		}
		c->n++;
	}
	memset(note, 'x', sizeof(note) - 1);
	note[sizeof(note) - 1] = '\0';
	for (int i = 0; i < j->big; i++) {
		int rc;

		snprintf(key, sizeof(key), "plan/m/%06d/once", i);
		if ((rc = store_task_put(t, &task, e)) != 0)
			return rc; /* map full: store_write grows the map and runs us again */
	}
	return j->fail_fn ? dberr_set(e, DB_ETEMP, "refused on purpose") : 0;
}

static int
read_count(struct store_txn *t, void *arg, struct dberr *e)
{
	char **out = arg;
	int rc = store_meta_get(t, "count", out, e);

	if (rc == DB_ENOTFOUND) {
		dberr_clear(e);
		*out = NULL;
		return 0;
	}
	return rc;
}

static int
state_in_read(struct store_txn *t, void *arg, struct dberr *e)
{
	struct counter *c = calloc(1, sizeof(*c));

	c->released = arg;
	return store_txn_state_set(t, &ops, c, e);
}

static void
expect_count(struct store *s, const char *want)
{
	struct dberr e;
	char *v = NULL;

	dberr_clear(&e);
	ASSERT_OK(store_read(s, read_count, &v, &e), &e);
	if (want == NULL)
		ASSERT(v == NULL);
	else
		ASSERT_STR_EQ(v ? v : "(none)", want);
	free(v);
}

int
main(void)
{
	char *dir = test_tmpdir();
	struct store *s = NULL;
	struct dberr e;
	int released = 0;
	struct job j;

	dberr_clear(&e);
	/* 256 KiB: room for the empty databases, not for 2000 tasks of ~700 bytes */
	ASSERT_OK(store_open_sized(dir, STORE_CREATE, 262144, &s, &e), &e);

	/* committed: written once, with the count of the whole transaction */
	j = (struct job){.adds = 7, .released = &released};
	ASSERT_OK(store_write(s, count_txn, &j, &e), &e);
	ASSERT_EQ(released, 1);
	expect_count(s, "7");

	/* the function fails: nothing flushed, the state released */
	j = (struct job){.adds = 3, .released = &released, .fail_fn = true};
	ASSERT_EQ(store_write(s, count_txn, &j, &e), DB_ETEMP);
	dberr_clear(&e);
	ASSERT_EQ(released, 2);
	expect_count(s, "7");

	/* the flush fails: the whole transaction is aborted with its error */
	j = (struct job){.adds = 4, .released = &released, .fail_flush = true, .big = 1};
	ASSERT_EQ(store_write(s, count_txn, &j, &e), DB_ESTATE);
	ASSERT_STR_CONTAINS(e.msg, "on purpose");
	dberr_clear(&e);
	ASSERT_EQ(released, 3);
	expect_count(s, "7");

	/* a dry run: no flush, released */
	j = (struct job){.adds = 5, .released = &released};
	ASSERT_OK(store_write_dry(s, count_txn, &j, &e), &e);
	ASSERT_EQ(released, 4);
	expect_count(s, "7");

	/* map growth: every run starts without state and releases its own; the commit has
	 * the last run's count, not the sum of the runs */
	j = (struct job){.adds = 9, .released = &released, .big = 2000};
	ASSERT_OK(store_write(s, count_txn, &j, &e), &e);
	ASSERT_GT(j.runs, 1);
	ASSERT_EQ(released, 4 + j.runs);
	expect_count(s, "9");

	/* a read transaction keeps none (and releases what it was given) */
	released = 0;
	ASSERT_EQ(store_read(s, state_in_read, &released, &e), DB_ESOFTWARE);
	ASSERT_EQ(released, 1);

	store_close(s);
	test_rmtree(dir);
	free(dir);
	return 0;
}
