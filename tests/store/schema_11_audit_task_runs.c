/* Schema 12 keeps a task's audit records in runs: an audit_task entry's key holds a
 * record's sequence and its value the sequences of the task's records after it, fewer than
 * 32 (store/README.md, "audit_task"). Schema 11 had one entry per record, empty. Its bytes
 * are made here by hand from this store's own records: every entry dropped and put again
 * one per record. A read-only open lists each task's records as they are; the first
 * writer's open upgrades without rewriting; then 35 more records of one task extend its
 * last entry to 32 and start another, and every listing stays whole and in order. */
#include <stdio.h>

#include "base/buf.h"
#include "store_lmdb_test.h"

/* records 1..7: p/a, p/a/b, p/a, p/b, p/a/b, p/a, and one of no task */
static const char *const tasks[] = {"p/a", "p/a/b", "p/a", "p/b", "p/a/b", "p/a", ""};
#define NTASKS (sizeof(tasks) / sizeof(tasks[0]))
#define MORE 35 /* records of p/a appended after the upgrade */

static int
append(struct store_txn *t, const char *task, struct dberr *e)
{
	struct store_audit a = {0, 1, 2, "me", "task.event", (char *)task, "j", "", "", "{}"};

	return store_audit_append(t, &a, NULL, e);
}

static int
old_txn(struct store_txn *t, void *arg, struct dberr *e)
{
	int rc = 0;

	(void)arg;
	for (size_t i = 0; rc == 0 && i < NTASKS; i++)
		rc = append(t, tasks[i], e);
	return rc;
}

static int
more_txn(struct store_txn *t, void *arg, struct dberr *e)
{
	int rc = 0;

	(void)arg;
	for (int i = 0; rc == 0 && i < MORE; i++)
		rc = append(t, "p/a", e);
	return rc;
}

static int
seq_cb(const struct store_audit *a, void *arg)
{
	struct buf *b = arg;

	buf_printf(b, "%s%llu", b->len && b->data[b->len - 1] != ':' ? "," : "",
	           (unsigned long long)a->seq);
	return 0;
}

/* "TASK:SEQ,SEQ TASK:..." for the three tasks */
static int
list(struct store_txn *t, struct buf *b, struct dberr *e)
{
	static const char *const which[] = {"p/a", "p/a/b", "p/b"};
	int rc = 0;

	buf_reset(b);
	for (size_t i = 0; rc == 0 && i < 3; i++) {
		buf_printf(b, "%s%s:", i ? " " : "", which[i]);
		rc = store_audit_task_each(t, which[i], seq_cb, b, e);
	}
	return rc;
}

static int
list_txn(struct store_txn *t, void *arg, struct dberr *e)
{
	return list(t, arg, e);
}

static int
read_old(struct store_txn *t, void *arg, struct dberr *e)
{
	struct buf b = BUF_INIT;
	int rc = list(t, &b, e);

	(void)arg;
	if (rc == 0)
		ASSERT_STR_EQ(buf_str(&b), "p/a:1,3,6 p/a/b:2,5 p/b:4");
	buf_release(&b);
	return rc;
}

/* schema 11's index: one empty entry per record that names a task */
static void
as_schema_11(const char *dir)
{
	struct test_lmdb l;
	MDB_dbi atask;

	test_lmdb_open(&l, dir);
	atask = test_lmdb_dbi(&l, "audit_task");
	MDB_OK(mdb_drop(l.txn, atask, 0));
	for (size_t i = 0; i < NTASKS; i++) {
		unsigned char key[64];
		size_t n = strlen(tasks[i]);
		MDB_val k = {n + 9, key}, v = {0, ""};

		if (n == 0)
			continue;
		memcpy(key, tasks[i], n);
		key[n] = 0;
		for (int j = 0; j < 8; j++) /* the sequence, big-endian */
			key[n + 1 + j] = (unsigned char)((i + 1) >> (56 - 8 * j));
		MDB_OK(mdb_put(l.txn, atask, &k, &v, 0));
	}
	test_lmdb_done(&l, "11");
}

/* the sizes of p/a's entries' values, in key order */
static void
entry_sizes(const char *dir, char *out, size_t cap)
{
	struct test_lmdb l;
	MDB_cursor *cur;
	MDB_val k = {4, "p/a"}, v;
	size_t used = 0;
	int rc;

	test_lmdb_open(&l, dir);
	MDB_OK(mdb_cursor_open(l.txn, test_lmdb_dbi(&l, "audit_task"), &cur));
	out[0] = '\0';
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != 12 || memcmp(k.mv_data, "p/a", 4) != 0)
			break;
		used += (size_t)snprintf(out + used, cap - used, "%s%zu", used ? "," : "",
		                         v.mv_size);
	}
	mdb_cursor_close(cur);
	test_lmdb_done(&l, NULL);
}

int
main(void)
{
	char *dir = NULL, sizes[128];
	struct store *s = test_store_new(&dir);
	struct dberr e;
	struct buf b = BUF_INIT, want = BUF_INIT;

	dberr_clear(&e);
	ASSERT_OK(store_write(s, old_txn, NULL, &e), &e);
	store_close(s);
	as_schema_11(dir);
	entry_sizes(dir, sizes, sizeof(sizes));
	ASSERT_STR_EQ(sizes, "0,0,0");
	test_schema_upgrade(dir, "11", read_old);
	entry_sizes(dir, sizes, sizeof(sizes));
	ASSERT_STR_EQ(sizes, "0,0,0"); /* the upgrade rewrote nothing */

	s = NULL;
	ASSERT_OK(store_open(dir, 0, &s, &e), &e);
	ASSERT_OK(store_write(s, more_txn, NULL, &e), &e);
	ASSERT_OK(store_read(s, list_txn, &b, &e), &e);
	buf_puts(&want, "p/a:1,3,6");
	for (int i = 0; i < MORE; i++)
		buf_printf(&want, ",%d", 8 + i);
	buf_puts(&want, " p/a/b:2,5 p/b:4");
	ASSERT_STR_EQ(buf_str(&b), buf_str(&want));
	store_close(s);
	/* record 6's entry took 31 more (a run of 32: since schema 13 0xFF and a byte for
	 * each distance, 6 -> 8 then 1 each: 32 bytes; 248 as u64s), the last 4 a run of
	 * their own: its key and 3 in the value */
	entry_sizes(dir, sizes, sizeof(sizes));
	ASSERT_STR_EQ(sizes, "0,0,32,4");
	buf_release(&b);
	buf_release(&want);
	test_rmtree(dir);
	free(dir);
	printf("ok: audit_task runs, schema 11's entries read and extended\n");
	return 0;
}
