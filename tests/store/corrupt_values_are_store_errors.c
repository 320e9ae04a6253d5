/* A damaged value (truncated anywhere, a count or length pointing past the end, a wrong
 * format byte) or a malformed due key reads as DB_ESTORE, never a crash or an overread
 * (run under ASan in CI). The damage is written with LMDB directly, the store closed. */
#include <stdio.h>

#include "store_lmdb_test.h"

static int
put_task(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_kv extra[] = {{"note", "n"}, {"k", ""}};
	struct store_task task = {.key = "good", .plan = "p", .state = "open", .extra = extra,
	                          .nextra = 2};

	(void)arg;
	return store_task_put(t, &task, e);
}

/* Writes "bad/N" = the good value cut to N bytes for every N, plus a few mutations; returns
 * how many bad keys were written. */
static int
damage(const char *dir)
{
	struct test_lmdb l;
	MDB_txn *txn;
	MDB_dbi tasks, due;
	MDB_val k = {4, "good"}, v;
	unsigned char good[1024], bad[1024];
	char key[32];
	size_t len, n;
	int count = 0;

	test_lmdb_open(&l, dir);
	txn = l.txn;
	tasks = test_lmdb_dbi(&l, "tasks");
	due = test_lmdb_dbi(&l, "due");
	MDB_OK(mdb_get(txn, tasks, &k, &v));
	len = v.mv_size;
	ASSERT(len < sizeof(good));
	memcpy(good, v.mv_data, len);
	for (n = 0; n < len; n++, count++) {
		snprintf(key, sizeof(key), "bad/%03zu", n);
		k = (MDB_val){strlen(key), key};
		v = (MDB_val){n, good};
		MDB_OK(mdb_put(txn, tasks, &k, &v, 0));
	}
	/* the format byte */
	memcpy(bad, good, len);
	bad[0] = 99;
	k = (MDB_val){7, "bad/fmt"};
	v = (MDB_val){len, bad};
	MDB_OK(mdb_put(txn, tasks, &k, &v, 0));
	count++;
	/* the extra kv count (the last u32 before 2 pairs of strings) set huge */
	memcpy(bad, good, len);
	memset(bad + len - (4 + 4 + 4 + 1 + 4 + 1 + 4 + 0) - 4, 0xff, 4);
	k = (MDB_val){9, "bad/count"};
	MDB_OK(mdb_put(txn, tasks, &k, &v, 0));
	count++;
	/* a trailing byte too many */
	memcpy(bad, good, len);
	bad[len] = 0;
	k = (MDB_val){9, "bad/trail"};
	v = (MDB_val){len + 1, bad};
	MDB_OK(mdb_put(txn, tasks, &k, &v, 0));
	count++;
	/* a due key too short to hold time, kind, NUL and step */
	k = (MDB_val){5, "short"};
	v = (MDB_val){0, ""};
	MDB_OK(mdb_put(txn, due, &k, &v, 0));
	test_lmdb_done(&l, NULL);
	return count;
}

struct read_arg {
	int bad, estore;
};

static int
count_each(const struct store_task *t, void *arg)
{
	(void)t;
	(void)arg;
	return 0;
}

static int
read_bad(struct store_txn *t, void *arg, struct dberr *e)
{
	struct read_arg *a = arg;
	struct store_task task;
	struct store_due d;
	char key[32];
	int i;

	ASSERT_OK(store_task_get(t, "good", &task, e), e);
	ASSERT_EQ(task.nextra, 2);
	store_task_release(&task);
	for (i = 0; i < a->bad - 3; i++) {
		snprintf(key, sizeof(key), "bad/%03d", i);
		dberr_clear(e);
		if (store_task_get(t, key, &task, e) == DB_ESTORE)
			a->estore++;
		else
			TEST_FAIL_("%s read without an error", key);
	}
	static const char *const others[] = {"bad/fmt", "bad/count", "bad/trail"};
	for (i = 0; i < 3; i++) {
		dberr_clear(e);
		ASSERT_EQ(store_task_get(t, others[i], &task, e), DB_ESTORE);
		ASSERT_STR_CONTAINS(e->msg, "tasks");
		a->estore++;
	}
	dberr_clear(e);
	ASSERT_EQ(store_task_each(t, "", count_each, NULL, e), DB_ESTORE);
	dberr_clear(e);
	ASSERT_EQ(store_due_first(t, &d, e), DB_ESTORE);
	dberr_clear(e);
	return 0;
}

int
main(void)
{
	char *dir;
	struct store *s = test_store_new(&dir);
	struct read_arg a = {0};
	struct dberr e;

	dberr_clear(&e);
	ASSERT_OK(store_write(s, put_task, NULL, &e), &e);
	store_close(s);
	a.bad = damage(dir);
	ASSERT_GT(a.bad, 20);
	s = test_store_reopen(NULL, dir);
	ASSERT_OK(store_read(s, read_bad, &a, &e), &e);
	ASSERT_EQ(a.estore, a.bad);
	store_close(s);
	test_rmtree(dir);
	free(dir);
	return 0;
}
