/* A schema-4 store kept each notice's state in its outbox record (format 1, a state string
 * after the subject) and a retry as a due entry "deliver#KEY". The first writer of
 * schema 5 gives every notice its delivery record: a retrying one deliverable at its due
 * entry's time (which stays, as the scheduler's wake-up), with its attempts; a sent one
 * final; and the queue holds only the retrying one. The schema-4 store is made from one
 * this store wrote, with LMDB directly: bodies in format 1 (from the format-2 layout of
 * store/README.md, a state string added), delivery records gone. */
#include <stdio.h>

#include "store_lmdb_test.h"

static char *to[] = {"a@x.example"};
static struct store_kv ex[] = {{"attempts", "2"}};
static const struct store_notice retry = {.key = "t#retry#0", .plan = "p", .kind = "overdue",
                                          .subject = "j", .to = to, .nto = 1,
                                          .scheduled = 100, .created = 200, .state = "queued",
                                          .message = "bytes", .extra = ex, .nextra = 1};

static int
add(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_notice r = retry;
	struct store_notice s = r;
	struct store_due d = {.at = 5000, .kind = STORE_DUE_RETRY, .task = "deliver#t#retry#0",
	                      .planned = 5000};

	(void)arg;
	s.key = "t#sent#0";
	s.extra = NULL;
	s.nextra = 0;
	ASSERT_OK(store_notice_add(t, &r, e), e);
	ASSERT_OK(store_notice_add(t, &s, e), e);
	return store_due_put(t, &d, e);
}

/* A format-2 body with the state string put back after the subject (format 1). */
static size_t
to_format1(const unsigned char *v, size_t n, const char *state, unsigned char *out)
{
	size_t off = 1 + 8 + 8, len = strlen(state);

	for (int i = 0; i < 3; i++) /* plan, kind, subject */
		off += 4 + ((size_t)v[off] << 24 | (size_t)v[off + 1] << 16 |
		            (size_t)v[off + 2] << 8 | v[off + 3]);
	out[0] = 1;
	memcpy(out + 1, v + 1, off - 1);
	out[off] = 0;
	out[off + 1] = 0;
	out[off + 2] = 0;
	out[off + 3] = (unsigned char)len;
	memcpy(out + off + 4, state, len);
	memcpy(out + off + 4 + len, v + off, n - off);
	return n + 4 + len;
}

static void
make_schema_4(const char *dir)
{
	static const char *const keys[] = {"t#retry#0", "t#sent#0"};
	static const char *const states[] = {"retrying", "sent"};
	struct test_lmdb l;
	MDB_dbi outbox;
	MDB_val k, v;
	unsigned char buf[512], v2[512];

	test_lmdb_open(&l, dir);
	outbox = test_lmdb_dbi(&l, "outbox");
	for (int i = 0; i < 2; i++) {
		struct store_notice n = retry;
		size_t len;

		n.key = (char *)keys[i];
		if (i == 1) {
			n.extra = NULL;
			n.nextra = 0;
		}
		len = test_outbox_format2(&n, v2, sizeof(v2));
		k = (MDB_val){strlen(keys[i]), (void *)keys[i]};
		v.mv_size = to_format1(v2, len, states[i], buf);
		v.mv_data = buf;
		MDB_OK(mdb_put(l.txn, outbox, &k, &v, 0));
	}
	MDB_OK(mdb_drop(l.txn, test_lmdb_dbi(&l, "delivery"), 0));
	MDB_OK(mdb_drop(l.txn, test_lmdb_dbi(&l, "dqueue"), 0));
	test_lmdb_done(&l, "4");
}

static int
ready_cb(const char *key, const struct store_delivery *d, void *arg)
{
	int *n = arg;

	ASSERT_STR_EQ(key, "t#retry#0");
	ASSERT_EQ(d->due, 5000);
	(*n)++;
	return 0;
}

static int
check(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_delivery d;
	struct store_notice n;
	struct store_due due;
	int64_t next;
	int ready = 0;

	(void)arg;
	ASSERT_OK(store_delivery_get(t, "t#retry#0", &d, e), e);
	ASSERT_EQ(d.state, STORE_DRETRY);
	ASSERT_EQ(d.attempts, 2);
	ASSERT_EQ(d.due, 5000);
	store_delivery_release(&d);
	ASSERT_OK(store_delivery_get(t, "t#sent#0", &d, e), e);
	ASSERT_EQ(d.state, STORE_DSENT);
	store_delivery_release(&d);
	ASSERT_OK(store_notice_get(t, "t#retry#0", &n, e), e);
	ASSERT_STR_EQ(n.state, "retrying");
	ASSERT_STR_EQ(n.message, "bytes");
	store_notice_release(&n);
	ASSERT_OK(store_delivery_next(t, &next, e), e);
	ASSERT_EQ(next, 5000);
	ASSERT_OK(store_delivery_each_ready(t, INT64_MAX, 0, ready_cb, &ready, e), e);
	ASSERT_EQ(ready, 1); /* the sent one is in no queue */
	/* the retry's due entry stays: the scheduler's wake-up at its time */
	ASSERT_OK(store_due_first(t, &due, e), e);
	ASSERT_STR_EQ(due.task, "deliver#t#retry#0");
	store_due_release(&due);
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
	make_schema_4(dir);
	s = NULL;
	ASSERT_OK(store_open(dir, 0, &s, &e), &e);
	ASSERT_OK(store_read(s, check, NULL, &e), &e);
	store_close(s);
	test_rmtree(dir);
	free(dir);
	return 0;
}
