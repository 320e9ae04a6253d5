/* store_backup makes a compacted copy that opens as a store (without STORE_CREATE) and
 * holds the same records; it refuses a non-empty folder and creates a missing one 0700. */
#include <stdio.h>
#include <sys/stat.h>

#include "store_test.h"

static int
fill(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_task task = {.key = "p/m/s/once", .state = "open", .gen = 4};
	struct store_audit a = {.action = "task.create"};
	struct store_due d = {1500000000, STORE_DUE_DEADLINE, "p/m/s/once", 0, 4, 1500000000};

	(void)arg;
	ASSERT_OK(store_task_put(t, &task, e), e);
	ASSERT_OK(store_audit_append(t, &a, NULL, e), e);
	ASSERT_OK(store_due_put(t, &d, e), e);
	return store_meta_put(t, "note", "before backup", e);
}

static int
change(struct store_txn *t, void *arg, struct dberr *e)
{
	(void)arg;
	return store_meta_put(t, "note", "after backup", e);
}

static int
check(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_task task;
	struct store_due d;
	char *note;

	(void)arg;
	ASSERT_OK(store_task_get(t, "p/m/s/once", &task, e), e);
	ASSERT_EQ(task.gen, 4);
	store_task_release(&task);
	ASSERT_EQ(store_audit_count(t), 1);
	ASSERT_OK(store_due_first(t, &d, e), e);
	ASSERT_EQ(d.at, 1500000000);
	store_due_release(&d);
	ASSERT_OK(store_meta_get(t, "note", &note, e), e);
	ASSERT_STR_EQ(note, "before backup");
	free(note);
	return 0;
}

int
main(void)
{
	char *dir, *base = test_tmpdir(), copy[1024], path[4096];
	struct store *s = test_store_new(&dir), *b = NULL;
	struct dberr e;
	struct stat st;
	FILE *f;

	dberr_clear(&e);
	ASSERT_OK(store_write(s, fill, NULL, &e), &e);
	ASSERT(snprintf(copy, sizeof(copy), "%s/copy", base) < (int)sizeof(copy));
	ASSERT_OK(store_backup(s, copy, &e), &e);
	ASSERT_OK(store_write(s, change, NULL, &e), &e); /* the copy does not follow */
	ASSERT_EQ(stat(copy, &st), 0);
	ASSERT_EQ(st.st_mode & 07777, 0700);
	ASSERT(snprintf(path, sizeof(path), "%s/data.mdb", copy) < (int)sizeof(path));
	ASSERT_EQ(stat(path, &st), 0);
	ASSERT_EQ(st.st_mode & 07777, 0600);

	ASSERT_OK(store_open(copy, 0, &b, &e), &e);
	ASSERT_OK(store_read(b, check, NULL, &e), &e);
	store_close(b);

	/* the copy's folder now holds files: a second backup there is refused */
	ASSERT_EQ(store_backup(s, copy, &e), DB_ECANTCREAT);
	ASSERT_STR_CONTAINS(e.msg, "not empty");
	dberr_clear(&e);
	snprintf(path, sizeof(path), "%s/other", base);
	ASSERT_EQ(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/other/x", base);
	f = fopen(path, "w");
	ASSERT(f != NULL);
	fclose(f);
	snprintf(path, sizeof(path), "%s/other", base);
	ASSERT_EQ(store_backup(s, path, &e), DB_ECANTCREAT);
	dberr_clear(&e);
	/* an existing empty folder is fine */
	snprintf(path, sizeof(path), "%s/empty", base);
	ASSERT_EQ(mkdir(path, 0700), 0);
	ASSERT_OK(store_backup(s, path, &e), &e);
	store_close(s);
	test_rmtree(dir);
	test_rmtree(base);
	free(dir);
	free(base);
	return 0;
}
