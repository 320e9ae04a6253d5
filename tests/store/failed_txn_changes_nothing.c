/* A transaction function that fails leaves the store as it was, and its error comes back
 * as is; a nested store_write is refused rather than deadlocking; a read-only transaction
 * cannot write. */
#include "store_test.h"

static int
put_then_fail(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_task task = {.key = "p/m/s/once", .state = "done", .gen = 2};
	struct store_due d = {100, STORE_DUE_DEADLINE, "p/m/s/once", 0, 2, 100};
	struct store_audit a = {.action = "task.done"};

	(void)arg;
	ASSERT_OK(store_task_put(t, &task, e), e);
	ASSERT_OK(store_due_put(t, &d, e), e);
	ASSERT_OK(store_audit_append(t, &a, NULL, e), e);
	ASSERT_OK(store_meta_put(t, "schema", "1", e), e);
	return dberr_set(e, DB_ESTATE, "refused on purpose");
}

static int
put_first(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_task task = {.key = "p/m/s/once", .state = "open", .gen = 1};

	(void)arg;
	return store_task_put(t, &task, e);
}

static int
check_unchanged(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_task task;
	struct store_due d;

	(void)arg;
	ASSERT_OK(store_task_get(t, "p/m/s/once", &task, e), e);
	ASSERT_STR_EQ(task.state, "open");
	ASSERT_EQ(task.gen, 1);
	store_task_release(&task);
	ASSERT_EQ(store_due_first(t, &d, e), DB_ENOTFOUND);
	dberr_clear(e);
	ASSERT_EQ(store_audit_count(t), 0);
	return 0;
}

static int
nested(struct store_txn *t, void *arg, struct dberr *e)
{
	(void)t;
	return store_write(arg, put_first, NULL, e);
}

static int
write_in_read(struct store_txn *t, void *arg, struct dberr *e)
{
	(void)arg;
	return put_first(t, NULL, e);
}

static int
returns_seven(struct store_txn *t, void *arg, struct dberr *e)
{
	(void)t;
	(void)arg;
	(void)e;
	return 7;
}

int
main(void)
{
	char *dir;
	struct store *s = test_store_new(&dir);
	struct dberr e;

	dberr_clear(&e);
	ASSERT_OK(store_write(s, put_first, NULL, &e), &e);
	ASSERT_EQ(store_write(s, put_then_fail, NULL, &e), DB_ESTATE);
	ASSERT_STR_EQ(e.msg, "refused on purpose");
	dberr_clear(&e);
	ASSERT_OK(store_read(s, check_unchanged, NULL, &e), &e);
	/* and after a reopen, so nothing was half-committed to disk either */
	s = test_store_reopen(s, dir);
	ASSERT_OK(store_read(s, check_unchanged, NULL, &e), &e);

	ASSERT_EQ(store_write(s, returns_seven, NULL, &e), 7);
	ASSERT_EQ(store_write(s, nested, s, &e), DB_ESOFTWARE);
	ASSERT_STR_CONTAINS(e.msg, "inside store_write");
	dberr_clear(&e);
	ASSERT_EQ(store_read(s, write_in_read, NULL, &e), DB_ESTORE);
	dberr_clear(&e);
	/* the store is still usable after all of that */
	ASSERT_OK(store_write(s, put_first, NULL, &e), &e);
	store_close(s);
	test_rmtree(dir);
	free(dir);
	return 0;
}
