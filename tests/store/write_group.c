/* store_write_group: several functions in one write transaction and one commit, each in a
 * transaction nested in it: a failing one is undone alone (its rc and message in its item)
 * while the others' changes are kept; each sees what the ones before it kept, and keeps
 * its own transaction state (the audit tree's edge, here a counter read from the store at
 * its first use), written before its own nested commit and released once; a full map runs
 * every function of the group again, and all of them are kept. */
#include <stdlib.h>

#include "store_test.h"

struct counter {
	int n;          /* the stored count when the state was made, plus this item's adds */
	int *released;
};

static int
flush(struct store_txn *t, void *state, struct dberr *e)
{
	struct counter *c = state;
	char v[16];

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
	const char *task;  /* a task to write */
	int adds;          /* to the counter */
	int big;           /* tasks of ~700 bytes to write too (map growth) */
	bool fail;         /* then refuse */
	int *released;
	int runs;
};

static int
job_txn(struct store_txn *t, void *arg, struct dberr *e)
{
	struct job *j = arg;
	struct counter *c = store_txn_state(t, &ops);
	struct store_task task = {.key = (char *)j->task, .state = "open", .gen = 1};
	struct store_audit a = {.action = "test.job", .task = (char *)j->task};
	char key[64], note[600];
	struct store_kv extra = {"note", note};
	struct store_task bulk = {.key = key, .state = "open", .extra = &extra, .nextra = 1};
	int rc;

	j->runs++;
	if (c == NULL) {
		char *v = NULL;

		c = calloc(1, sizeof(*c));
		c->released = j->released;
		if ((rc = store_meta_get(t, "count", &v, e)) == 0)
			c->n = atoi(v);
		else if (rc != DB_ENOTFOUND)
			return rc;
		dberr_clear(e);
		free(v);
		ASSERT_OK(store_txn_state_set(t, &ops, c, e), e);
	}
	c->n += j->adds;
	if ((rc = store_task_put(t, &task, e)) != 0 || (rc = store_audit_append(t, &a, NULL, e)) != 0)
		return rc;
	memset(note, 'x', sizeof(note) - 1);
	note[sizeof(note) - 1] = '\0';
	for (int i = 0; i < j->big; i++) {
		snprintf(key, sizeof(key), "%s/bulk/%06d", j->task, i);
		if ((rc = store_task_put(t, &bulk, e)) != 0)
			return rc; /* map full: the group is grown and run again */
	}
	return j->fail ? dberr_set(e, DB_ESTATE, "%s refused on purpose", j->task) : 0;
}

struct seen {
	const char *keys[4];
	bool there[4];
	uint64_t audit;
	char *count;
};

static int
look(struct store_txn *t, void *arg, struct dberr *e)
{
	struct seen *s = arg;

	for (int i = 0; i < 4 && s->keys[i]; i++) {
		struct store_task task;
		int rc = store_task_get(t, s->keys[i], &task, e);

		s->there[i] = rc == 0;
		if (rc == 0)
			store_task_release(&task);
		else if (rc != DB_ENOTFOUND)
			return rc;
		dberr_clear(e);
	}
	s->audit = store_audit_count(t);
	return store_meta_get(t, "count", &s->count, e);
}

int
main(void)
{
	char *dir = test_tmpdir();
	struct store *s = NULL;
	struct dberr e;
	int released = 0;
	struct job j[3];
	struct store_group_item it[3];
	struct seen seen = {{"a/m/j1/once", "b/m/j1/once", "c/m/j1/once", NULL}, {0}, 0, NULL};

	dberr_clear(&e);
	/* 256 KiB: room for the empty databases, not for 1000 tasks of ~700 bytes */
	ASSERT_OK(store_open_sized(dir, STORE_CREATE, 262144, &s, &e), &e);

	/* the middle one refuses: the first and the last are kept, it is not */
	j[0] = (struct job){.task = "a/m/j1/once", .adds = 2, .released = &released};
	j[1] = (struct job){.task = "b/m/j1/once", .adds = 5, .fail = true, .released = &released};
	j[2] = (struct job){.task = "c/m/j1/once", .adds = 3, .released = &released};
	for (int i = 0; i < 3; i++)
		it[i] = (struct store_group_item){job_txn, &j[i], 0, {0}};
	ASSERT_OK(store_write_group(s, it, 3, &e), &e);
	ASSERT_EQ(it[0].rc, 0);
	ASSERT_EQ(it[1].rc, DB_ESTATE);
	ASSERT_STR_EQ(it[1].err.msg, "b/m/j1/once refused on purpose");
	ASSERT_EQ(it[2].rc, 0);
	ASSERT_STR_EQ(it[2].err.msg, "");
	ASSERT_OK(store_read(s, look, &seen, &e), &e);
	ASSERT(seen.there[0]);
	ASSERT(!seen.there[1]);
	ASSERT(seen.there[2]);
	ASSERT_EQ(seen.audit, 2);               /* a and c's records, numbered 1 and 2 */
	ASSERT_STR_EQ(seen.count, "5");         /* 2 + 3: c's state began from what a kept */
	ASSERT_EQ(released, 3);                 /* each item's state, once */
	free(seen.count);
	seen.count = NULL;

	/* the map fills in the second item: the whole group is grown and run again, and every
	 * item's work is kept once (no half of the first run survives) */
	released = 0;
	j[0] = (struct job){.task = "d/m/j1/once", .adds = 1, .released = &released};
	j[1] = (struct job){.task = "e/m/j1/once", .adds = 1, .big = 1000, .released = &released};
	j[2] = (struct job){.task = "f/m/j1/once", .adds = 1, .fail = true, .released = &released};
	for (int i = 0; i < 3; i++)
		it[i] = (struct store_group_item){job_txn, &j[i], 0, {0}};
	ASSERT_OK(store_write_group(s, it, 3, &e), &e);
	ASSERT(j[1].runs >= 2);
	ASSERT_EQ(j[0].runs, j[1].runs);        /* the first item ran again with it */
	ASSERT_EQ(it[0].rc, 0);
	ASSERT_EQ(it[1].rc, 0);
	ASSERT_EQ(it[2].rc, DB_ESTATE);
	seen = (struct seen){{"d/m/j1/once", "e/m/j1/once", "f/m/j1/once", "e/m/j1/once/bulk/000999"},
	                     {0}, 0, NULL};
	ASSERT_OK(store_read(s, look, &seen, &e), &e);
	ASSERT(seen.there[0] && seen.there[1] && !seen.there[2] && seen.there[3]);
	ASSERT_EQ(seen.audit, 4);               /* d and e added once each */
	ASSERT_STR_EQ(seen.count, "7");
	free(seen.count);

	/* an empty group commits nothing and succeeds */
	ASSERT_OK(store_write_group(s, it, 0, &e), &e);

	store_close(s);
	test_rmtree(dir);
	free(dir);
	return 0;
}
