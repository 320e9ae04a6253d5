/* One transaction bigger than the map: store_write aborts it on MDB_MAP_FULL, doubles the
 * map and runs the function again, and every record is there afterwards, also after a
 * reopen, and a second rewrite of everything (copy-on-write: twice the space) works. */
#include <stdio.h>
#include <stdlib.h>

#include "store_test.h"

#define NTASKS 2000

struct fill {
	int calls;
};

static int
fill(struct store_txn *t, void *arg, struct dberr *e)
{
	struct fill *f = arg;
	char key[64], note[600];
	struct store_kv extra = {"note", note};
	struct store_task task = {.key = key, .state = "open", .extra = &extra, .nextra = 1};
	int i, rc;

	f->calls++;
	memset(note, 'x', sizeof(note) - 1);
	note[sizeof(note) - 1] = '\0';
	for (i = 0; i < NTASKS; i++) {
		snprintf(key, sizeof(key), "plan/m/%06d/once", i);
		task.gen = (uint32_t)i;
		rc = store_task_put(t, &task, e);
		if (rc != 0)
			return rc; /* the map-full error: store_write retries */
	}
	return 0;
}

static int
count(const struct store_task *t, void *arg)
{
	int *n = arg;

	ASSERT_EQ(t->gen, *n);
	ASSERT_EQ(strlen(store_task_extra(t, "note")), 599);
	(*n)++;
	return 0;
}

static int
check(struct store_txn *t, void *arg, struct dberr *e)
{
	return store_task_each(t, "", count, arg, e);
}

int
main(void)
{
	struct fill f = {0};
	struct store *s;
	struct dberr e;
	char *dir;
	int n = 0;

	/* 256 KiB holds the empty databases but not 2000 tasks of ~700 bytes (~1.4 MB). */
	dir = test_tmpdir();
	dberr_clear(&e);
	ASSERT_OK(store_open_sized(dir, STORE_CREATE, 262144, &s, &e), &e);
	ASSERT_OK(store_write(s, fill, &f, &e), &e);
	ASSERT_GT(f.calls, 1); /* it really hit the limit and was retried */
	ASSERT_OK(store_read(s, check, &n, &e), &e);
	ASSERT_EQ(n, NTASKS);

	s = test_store_reopen(s, dir);
	f.calls = 0;
	ASSERT_OK(store_write(s, fill, &f, &e), &e);
	ASSERT_GE(f.calls, 1);
	n = 0;
	ASSERT_OK(store_read(s, check, &n, &e), &e);
	ASSERT_EQ(n, NTASKS);
	store_close(s);
	test_rmtree(dir);
	free(dir);
	return 0;
}
