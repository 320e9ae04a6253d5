/* The messages a write transaction queues are packed beside it (store/packer.c) and put
 * before it commits, and nothing about the transaction shows it: a transaction reads its
 * own notices (get and scan) byte for byte, a key added twice in it is refused the second
 * time, it can go on adding after reading, a failed or dry-run transaction leaves neither
 * message nor delivery record, a transaction that outgrows the map is redone whole with
 * every message intact, and a lone notice (no second thread) is kept like the rest. */
#include <stdio.h>
#include <stdlib.h>

#include "base/buf.h"
#include "store_test.h"

static uint64_t seed = 0x2545f4914f6cdd1du;

static uint64_t
next_rand(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

/* A message of n printable bytes no dictionary helps with, different for each i. */
static char *
message(size_t i, size_t n)
{
	char *m = malloc(n + 1);

	for (size_t k = 0; k < n; k++)
		m[k] = (char)('!' + next_rand() % 90);
	snprintf(m, n + 1, "Subject: %zu\r\n", i);
	m[strlen(m)] = 'x'; /* snprintf's NUL overwritten: the rest stays random */
	m[n] = '\0';
	return m;
}

static char *to[] = {"a@x.example"};

struct batch {
	char **msgs;
	size_t from, n;
	int calls;
	int fail;       /* return this after adding (a failed transaction) */
	bool read_back; /* read the batch back in the same transaction, then add 3 more */
};

static void
key_of(char *key, size_t len, size_t i)
{
	snprintf(key, len, "p/m/j%05zu#overdue#0", i);
}

static int
add_one(struct store_txn *t, struct batch *b, size_t i, struct dberr *e)
{
	char key[64];
	struct store_notice n = {.key = key, .plan = "p", .kind = "overdue", .subject = "j",
	                         .to = to, .nto = 1, .scheduled = 100, .created = 200,
	                         .state = "queued", .message = b->msgs[i], .plan_version = 1};

	key_of(key, sizeof(key), i);
	return store_notice_add(t, &n, e);
}

static int
count_cb(const struct store_notice *n, void *arg)
{
	(void)n;
	(*(size_t *)arg)++;
	return 0;
}

static int
same_message(struct store_txn *t, struct batch *b, size_t i, struct dberr *e)
{
	char key[64];
	struct store_notice n;
	int rc;

	key_of(key, sizeof(key), i);
	if ((rc = store_notice_get(t, key, &n, e)) != 0)
		return rc;
	if (strcmp(n.message, b->msgs[i]) != 0)
		TEST_FAIL_("%s: the message given back differs", key);
	ASSERT_STR_EQ(n.state, "queued");
	store_notice_release(&n);
	return 0;
}

static int
add_batch(struct store_txn *t, void *arg, struct dberr *e)
{
	struct batch *b = arg;
	size_t count = 0;
	int rc;

	b->calls++;
	for (size_t i = b->from; i < b->from + b->n; i++)
		if ((rc = add_one(t, b, i, e)) != 0)
			return rc; /* a full map: store_write redoes it */
	if (b->read_back) {
		/* its own writes, before its commit: a get, a scan, a second add refused */
		ASSERT_OK(same_message(t, b, b->from + b->n / 2, e), e);
		ASSERT_OK(store_notice_each(t, count_cb, &count, e), e);
		ASSERT_EQ(count, b->from + b->n);
		ASSERT_EQ(add_one(t, b, b->from, e), 1);
		/* and more after reading: the packer goes on */
		for (size_t i = b->from + b->n; i < b->from + b->n + 3; i++)
			ASSERT_OK(add_one(t, b, i, e), e);
		ASSERT_EQ(add_one(t, b, b->from + b->n + 1, e), 1);
	}
	return b->fail;
}

struct check {
	struct batch *b;
	size_t from, n;
};

static int
check_range(struct store_txn *t, void *arg, struct dberr *e)
{
	struct check *c = arg;

	for (size_t i = c->from; i < c->from + c->n; i++)
		ASSERT_OK(same_message(t, c->b, i, e), e);
	return 0;
}

static int
count_all(struct store_txn *t, void *arg, struct dberr *e)
{
	return store_notice_each(t, count_cb, arg, e);
}

static int
ready_cb(const char *key, const struct store_delivery *d, void *arg)
{
	(void)key;
	(void)d;
	(*(size_t *)arg)++;
	return 0;
}

static int
count_ready(struct store_txn *t, void *arg, struct dberr *e)
{
	return store_delivery_each_ready(t, INT64_MAX, 0, ready_cb, arg, e);
}

static size_t
counted(struct store *s, store_fn fn)
{
	size_t n = 0;
	struct dberr e;

	dberr_clear(&e);
	ASSERT_OK(store_read(s, fn, &n, &e), &e);
	return n;
}

int
main(void)
{
	enum { TOTAL = 3000 };
	static char *msgs[TOTAL];
	struct batch b = {.msgs = msgs};
	struct check c = {.b = &b};
	struct store *s;
	struct dberr e;
	char *dir;

	for (size_t i = 0; i < TOTAL; i++)
		msgs[i] = message(i, 200 + (size_t)(next_rand() % 1200));

	/* 1. one transaction of 500 (a second thread packs), read back inside it */
	s = test_store_new(&dir);
	dberr_clear(&e);
	b.from = 0;
	b.n = 500;
	b.read_back = true;
	ASSERT_OK(store_write(s, add_batch, &b, &e), &e);
	c.from = 0;
	c.n = 503;
	ASSERT_OK(store_read(s, check_range, &c, &e), &e);
	ASSERT_EQ(counted(s, count_all), 503);
	ASSERT_EQ(counted(s, count_ready), 503);

	/* 2. a lone notice: no thread, packed at the commit */
	b.from = 503;
	b.n = 1;
	b.read_back = false;
	ASSERT_OK(store_write(s, add_batch, &b, &e), &e);
	c.from = 503;
	c.n = 1;
	ASSERT_OK(store_read(s, check_range, &c, &e), &e);

	/* 3. a transaction that fails after adding 300, and a dry run: nothing of either */
	b.from = 504;
	b.n = 300;
	b.fail = DB_EDATA;
	ASSERT_EQ(store_write(s, add_batch, &b, &e), DB_EDATA);
	dberr_clear(&e);
	b.fail = 0;
	ASSERT_OK(store_write_dry(s, add_batch, &b, &e), &e);
	ASSERT_EQ(counted(s, count_all), 504);
	ASSERT_EQ(counted(s, count_ready), 504);
	store_close(s);
	test_rmtree(dir);
	free(dir);

	/* 4. 2,000 messages of ~800 random bytes outgrow a 256 KiB map while waiting: the
	 * transaction is redone whole after the map grows, every message as given */
	dir = test_tmpdir();
	ASSERT_OK(store_open_sized(dir, STORE_CREATE, 262144, &s, &e), &e);
	b.from = 1000;
	b.n = 2000;
	b.calls = 0;
	ASSERT_OK(store_write(s, add_batch, &b, &e), &e);
	ASSERT_GT(b.calls, 1);
	c.from = 1000;
	c.n = 2000;
	ASSERT_OK(store_read(s, check_range, &c, &e), &e);
	ASSERT_EQ(counted(s, count_all), 2000);
	store_close(s);
	test_rmtree(dir);
	free(dir);
	for (size_t i = 0; i < TOTAL; i++)
		free(msgs[i]);
	return 0;
}
