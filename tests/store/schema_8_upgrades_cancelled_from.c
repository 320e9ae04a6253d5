/* A schema-8 store's tasks cancelled by a plan or registry change (a cancel_reason) have no
 * "cancelled_from", the state they were cancelled in, which the engine reopens them in. A
 * read-only open changes nothing; the first writer of schema 9 takes it from each task's
 * last task.cancel audit record (a task cancelled, reopened and cancelled again takes the
 * last), and leaves alone a task that has it already, a task cancelled without a reason
 * and a task whose trail has no cancellation. The schema-8 store is this store's own
 * records with the version set back to 8 (the layout did not change). */
#include <stdio.h>

#include "base/xalloc.h"
#include "store_lmdb_test.h"

static struct store_task
task(const char *key, const char *state)
{
	struct store_task t;

	memset(&t, 0, sizeof(t));
	t.key = xstrdup(key);
	t.plan = xstrdup("p");
	t.milestone = xstrdup("m");
	t.subject = xstrdup("j");
	t.jurisdiction = xstrdup("j");
	t.period = xstrdup("once");
	t.state = xstrdup(state);
	return t;
}

static void
audit(struct store_txn *t, const char *key, const char *action, const char *from,
      const char *to, struct dberr *e)
{
	struct store_audit a = {0, 1, 2, "me", (char *)action, (char *)key, "j", (char *)from,
	                        (char *)to, "{}"};

	ASSERT_OK(store_audit_append(t, &a, NULL, e), e);
}

static int
add(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_task lapsed = task("p/m/a/once", "cancelled");
	struct store_task twice = task("p/m/b/once", "cancelled");
	struct store_task has = task("p/m/c/once", "cancelled");
	struct store_task final = task("p/m/d/once", "cancelled");
	struct store_task untraced = task("p/m/e/once", "cancelled");

	(void)arg;
	store_task_set_extra(&lapsed, "cancel_reason", "its milestone m is not in version 2");
	store_task_set_extra(&twice, "cancel_reason", "its subject is not in the registry");
	store_task_set_extra(&has, "cancel_reason", "x");
	store_task_set_extra(&has, "cancelled_from", "returned");
	store_task_set_extra(&untraced, "cancel_reason", "x");
	ASSERT_OK(store_task_put(t, &lapsed, e), e);
	ASSERT_OK(store_task_put(t, &twice, e), e);
	ASSERT_OK(store_task_put(t, &has, e), e);
	ASSERT_OK(store_task_put(t, &final, e), e);
	ASSERT_OK(store_task_put(t, &untraced, e), e);
	audit(t, "p/m/a/once", "task.create", "", "open", e);
	audit(t, "p/m/a/once", "task.lapse", "open", "overdue", e);
	audit(t, "p/m/a/once", "task.cancel", "overdue", "cancelled", e);
	audit(t, "p/m/b/once", "task.create", "", "open", e);
	audit(t, "p/m/b/once", "task.cancel", "open", "cancelled", e);
	audit(t, "p/m/b/once", "task.reopen", "cancelled", "submitted", e);
	audit(t, "p/m/b/once", "task.cancel", "submitted", "cancelled", e);
	audit(t, "p/m/c/once", "task.cancel", "open", "cancelled", e);
	audit(t, "p/m/d/once", "task.cancel", "open", "cancelled", e);
	audit(t, "p/m/e/once", "task.create", "", "open", e);
	store_task_release(&lapsed);
	store_task_release(&twice);
	store_task_release(&has);
	store_task_release(&final);
	store_task_release(&untraced);
	return 0;
}

/* "KEY=cancelled_from" per task, in key order */
static int
read_into(struct store_txn *t, void *arg, struct dberr *e)
{
	static const char *const keys[] = {"p/m/a/once", "p/m/b/once", "p/m/c/once", "p/m/d/once",
	                                   "p/m/e/once"};
	char *out = arg;

	out[0] = '\0';
	for (size_t i = 0; i < 5; i++) {
		struct store_task task;
		const char *from;

		ASSERT_OK(store_task_get(t, keys[i], &task, e), e);
		from = store_task_extra(&task, "cancelled_from");
		snprintf(out + strlen(out), 256 - strlen(out), "%s%s=%s", i ? " " : "", keys[i] + 4,
		         from ? from : "-");
		store_task_release(&task);
	}
	return 0;
}

int
main(void)
{
	char *dir, got[256];
	struct store *s = test_store_new(&dir);
	struct test_lmdb l;
	struct dberr e;

	dberr_clear(&e);
	ASSERT_OK(store_write(s, add, NULL, &e), &e);
	store_close(s);
	test_lmdb_open(&l, dir);
	test_lmdb_done(&l, "8");

	s = NULL;
	ASSERT_OK(store_open(dir, STORE_RDONLY, &s, &e), &e);
	ASSERT_OK(store_read(s, read_into, got, &e), &e);
	ASSERT_STR_EQ(got, "a/once=- b/once=- c/once=returned d/once=- e/once=-");
	store_close(s);

	s = NULL;
	ASSERT_OK(store_open(dir, 0, &s, &e), &e);
	ASSERT_OK(store_read(s, read_into, got, &e), &e);
	/* a: its lapse before the cancel; b: the last of two; c: its own kept; d: no reason
	 * (not a load's or an import's); e: no cancellation on record */
	ASSERT_STR_EQ(got, "a/once=overdue b/once=submitted c/once=returned d/once=- e/once=-");
	store_close(s);
	test_rmtree(dir);
	free(dir);
	return 0;
}
