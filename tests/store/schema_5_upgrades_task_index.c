/* A schema-5 store had no task index and no audit-by-task index. The first writer of
 * schema 6 builds both from the records: every task under its jurisdiction and state (with
 * its deadline and flags), every audit record that names a task under that task, in
 * sequence order, and nothing for a record without a task. The schema-5 store is made from
 * one this store wrote, with LMDB directly: both index databases emptied, the version set
 * back to 5. */
#include <stdint.h>
#include <stdio.h>

#include "store_lmdb_test.h"

static struct store_task
task(const char *key, const char *jur, const char *state, int64_t deadline)
{
	struct store_task t;

	memset(&t, 0, sizeof(t));
	t.key = (char *)key;
	t.plan = "p";
	t.milestone = "m";
	t.subject = (char *)jur;
	t.jurisdiction = (char *)jur;
	t.period = "once";
	t.state = (char *)state;
	t.deadline = deadline;
	t.flags = STORE_TASK_LATE;
	return t;
}

static int
add(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_task t1 = task("p/m/j1/once", "j1", "overdue", 100);
	struct store_task t2 = task("p/m/j2/once", "j2", "open", 200);
	struct store_audit create = {0, 1, 2, "me", "task.create", "p/m/j1/once", "j1", "", "open",
	                             "{}"};
	struct store_audit load = {0, 1, 2, "me", "plan.load", "", "", "", "", "{}"};
	struct store_audit lapse = {0, 1, 3, "me", "task.lapse", "p/m/j1/once", "j1", "open",
	                            "overdue", "{}"};

	(void)arg;
	ASSERT_OK(store_task_put(t, &t1, e), e);
	ASSERT_OK(store_task_put(t, &t2, e), e);
	ASSERT_OK(store_audit_append(t, &load, NULL, e), e);   /* seq 1: no task */
	ASSERT_OK(store_audit_append(t, &create, NULL, e), e); /* seq 2 */
	ASSERT_OK(store_audit_append(t, &lapse, NULL, e), e);  /* seq 3 */
	return 0;
}

static void
make_schema_5(const char *dir)
{
	struct test_lmdb l;
	MDB_dbi tindex, atask;
	MDB_stat st;

	test_lmdb_open(&l, dir);
	tindex = test_lmdb_dbi(&l, "task_index");
	atask = test_lmdb_dbi(&l, "audit_task");
	/* what the writer put: two families per task, one run of records per task (its two
	 * records in one entry since schema 12) */
	MDB_OK(mdb_stat(l.txn, tindex, &st));
	ASSERT_EQ(st.ms_entries, (size_t)4);
	MDB_OK(mdb_stat(l.txn, atask, &st));
	ASSERT_EQ(st.ms_entries, (size_t)1);
	MDB_OK(mdb_drop(l.txn, tindex, 0));
	MDB_OK(mdb_drop(l.txn, atask, 0));
	test_lmdb_done(&l, "5");
}

struct seen {
	char lines[8][96];
	size_t n;
};

static int
ref_cb(const struct store_task_ref *r, void *arg)
{
	struct seen *s = arg;

	ASSERT(s->n < 8);
	snprintf(s->lines[s->n++], 96, "%s %s %s %lld", r->jurisdiction ? r->jurisdiction : "-",
	         r->state, r->key, (long long)r->deadline);
	ASSERT_EQ(r->flags, (uint32_t)STORE_TASK_LATE);
	return 0;
}

static int
audit_cb(const struct store_audit *a, void *arg)
{
	struct seen *s = arg;

	ASSERT(s->n < 8);
	snprintf(s->lines[s->n++], 96, "%llu %s", (unsigned long long)a->seq, a->action);
	return 0;
}

static int
check(struct store_txn *t, void *arg, struct dberr *e)
{
	struct seen all = {0}, overdue = {0}, j1 = {0};

	(void)arg;
	/* by jurisdiction, then state, then key */
	ASSERT_OK(store_task_index_each(t, NULL, NULL, NULL, 0, ref_cb, &all, e), e);
	ASSERT_EQ(all.n, (size_t)2);
	ASSERT_STR_EQ(all.lines[0], "j1 overdue p/m/j1/once 100");
	ASSERT_STR_EQ(all.lines[1], "j2 open p/m/j2/once 200");
	/* by state alone */
	ASSERT_OK(store_task_index_each(t, NULL, "overdue", NULL, 0, ref_cb, &overdue, e), e);
	ASSERT_EQ(overdue.n, (size_t)1);
	ASSERT_STR_EQ(overdue.lines[0], "- overdue p/m/j1/once 100");
	/* j1's records in order; the plan's record (no task) is nobody's */
	ASSERT_OK(store_audit_task_each(t, "p/m/j1/once", audit_cb, &j1, e), e);
	ASSERT_EQ(j1.n, (size_t)2);
	ASSERT_STR_EQ(j1.lines[0], "2 task.create");
	ASSERT_STR_EQ(j1.lines[1], "3 task.lapse");
	return 0;
}

int
main(void)
{
	char *dir;
	struct store *s = test_store_new(&dir);
	struct dberr e;

	dberr_clear(&e);
	ASSERT_OK(store_write(s, add, NULL, &e), &e);
	store_close(s);
	make_schema_5(dir);
	s = NULL;
	ASSERT_OK(store_open(dir, 0, &s, &e), &e);
	ASSERT_OK(store_read(s, check, NULL, &e), &e);
	store_close(s);
	test_rmtree(dir);
	free(dir);
	return 0;
}
