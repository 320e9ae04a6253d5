/* A schema-12 store kept each notice in a format-3 outbox record (its fields, then its
 * message deflated in a zlib stream against its class's dictionary), a format-1 delivery
 * record for every notice, queued ones too, and a one-byte value under each queue key.
 * Schema 13 rewrites none of it (store/README.md, "outbox", "delivery"): a read-only open
 * and the upgraded store read those notices, their messages byte for byte and their
 * delivery states; a queued one is claimed off its queue key; a notice queued after the
 * upgrade in the same class (format 4, against the dictionary schema 12 made) reads back
 * too and has no delivery record until claimed. The schema-12 bytes are made here by hand
 * with LMDB, the deflate stream as one stored block, as store/README.md lays them out. */
#include <stdio.h>

#include "base/buf.h"
#include "store_lmdb_test.h"

static char *to[] = {"a@x.example"};
static const char *const keys[] = {"p/m/a/once#overdue#0", "p/m/b/once#overdue#0"};
static const char *const msgs[] = {"Subject: sent\r\n\r\nfirst\r\n", "Subject: q\r\n\r\nsecond\r\n"};
#define NEW_KEY "p/m/c/once#overdue#0"
#define NEW_MSG "Subject: =?UTF-8?B?5paw?=\r\nTo: a@x.example\r\n\r\nthird\r\n"

static uint32_t
adler(const unsigned char *p, size_t n)
{
	uint32_t a = 1, b = 0;

	for (size_t i = 0; i < n; i++) {
		a = (a + p[i]) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a;
}

static int
add(struct store_txn *t, void *arg, struct dberr *e)
{
	const char *key = arg;
	struct store_notice n = {.kind = "overdue", .plan = "p", .subject = "s", .to = to,
	                         .nto = 1, .scheduled = 100, .created = 200, .state = "queued",
	                         .message = (char *)(strcmp(key, NEW_KEY) == 0 ? NEW_MSG : msgs[0])};

	n.key = (char *)key;
	ASSERT_OK(store_notice_add(t, &n, e), e);
	return 0;
}

/* keys[i]'s record as schema 12 wrote it: format 3, the message unfolded as one plain
 * segment in a stored deflate block after zlib's header with the dictionary's id */
static size_t
format_3(int i, const unsigned char *dict, size_t dlen, unsigned char *out)
{
	const char *m = msgs[i];
	size_t off = 0, ml = strlen(m), ul = 5 + ml;
	unsigned char unf[256];

	out[off++] = 3;
	test_be_put(out + off, 100, 8);
	test_be_put(out + off + 8, 200 + (uint64_t)i, 8);
	off += 16;
	off += test_str_put(out + off, "p");
	off += test_str_put(out + off, "overdue");
	off += test_str_put(out + off, "s");
	test_be_put(out + off, 1, 4); /* tasks */
	off += 4;
	off += test_str_put(out + off, "p/m/x/once");
	test_be_put(out + off, 1, 4); /* to */
	off += 4;
	off += test_str_put(out + off, to[0]);
	test_be_put(out + off, 0, 4); /* extra */
	test_be_put(out + off + 4, 1, 4); /* plan version */
	test_be_put(out + off + 8, 1, 4); /* dictionary 1 */
	test_be_put(out + off + 12, ul, 4);
	test_be_put(out + off + 16, ml, 4);
	off += 20;
	unf[0] = 0;
	test_be_put(unf + 1, ml, 4);
	memcpy(unf + 5, m, ml);
	test_be_put(out + off, 2 + 4 + 5 + ul + 4, 4);
	off += 4;
	out[off++] = 0x78; /* deflate, 32 KiB window */
	out[off++] = 0x20; /* a preset dictionary; (0x78 * 256 + 0x20) % 31 == 0 */
	test_be_put(out + off, adler(dict, dlen), 4);
	off += 4;
	out[off++] = 1; /* the last block, stored */
	out[off++] = (unsigned char)ul;
	out[off++] = (unsigned char)(ul >> 8);
	out[off++] = (unsigned char)~ul;
	out[off++] = (unsigned char)(~ul >> 8);
	memcpy(out + off, unf, ul);
	off += ul;
	test_be_put(out + off, adler(unf, ul), 4);
	return off + 4;
}

/* keys[0] sent, keys[1] queued (due 201), as schema 12 kept them */
static void
make_schema_12(const char *dir)
{
	struct test_lmdb l;
	MDB_dbi outbox, delivery, dqueue;
	MDB_val k, v;
	unsigned char val[512], qk[64], one = 1;
	unsigned char *dict;
	size_t dlen;

	test_lmdb_open(&l, dir);
	outbox = test_lmdb_dbi(&l, "outbox");
	delivery = test_lmdb_dbi(&l, "delivery");
	dqueue = test_lmdb_dbi(&l, "dqueue");
	k = (MDB_val){6, "\0d\0\0\0\1"};
	MDB_OK(mdb_get(l.txn, outbox, &k, &v));
	dlen = v.mv_size - 1;
	dict = malloc(dlen);
	memcpy(dict, (unsigned char *)v.mv_data + 1, dlen);
	MDB_OK(mdb_drop(l.txn, dqueue, 0));
	for (int i = 0; i < 2; i++) {
		size_t off = 0;

		k = (MDB_val){strlen(keys[i]), (void *)keys[i]};
		v = (MDB_val){format_3(i, dict, dlen, val), val};
		MDB_OK(mdb_put(l.txn, outbox, &k, &v, 0));
		/* format 1: state, attempts, due, claim, pid, host, results */
		val[off++] = 1;
		val[off++] = i == 0 ? STORE_DSENT : STORE_DQUEUED;
		test_be_put(val + off, i == 0 ? 1 : 0, 4);
		test_be_put(val + off + 4, 201, 8);
		test_be_put(val + off + 12, 0, 8);
		test_be_put(val + off + 20, 0, 4);
		off += 24;
		off += test_str_put(val + off, "");
		test_be_put(val + off, 0, 4);
		v = (MDB_val){off + 4, val};
		MDB_OK(mdb_put(l.txn, delivery, &k, &v, 0));
	}
	qk[0] = 'q';
	test_be_put(qk + 1, 201 ^ ((uint64_t)1 << 63), 8);
	memcpy(qk + 9, keys[1], strlen(keys[1]));
	k = (MDB_val){9 + strlen(keys[1]), qk};
	v = (MDB_val){1, &one};
	MDB_OK(mdb_put(l.txn, dqueue, &k, &v, 0));
	free(dict);
	test_lmdb_done(&l, "12");
}

static int
check(struct store_txn *t, void *arg, struct dberr *e)
{
	int64_t next = 0;

	(void)arg;
	for (int i = 0; i < 2; i++) {
		struct store_notice n;

		ASSERT_OK(store_notice_get(t, keys[i], &n, e), e);
		ASSERT_STR_EQ(n.message, msgs[i]);
		ASSERT_EQ(n.created, 200 + i);
		ASSERT_STR_EQ(n.tasks[0], "p/m/x/once");
		ASSERT_STR_EQ(n.state, i == 0 ? "sent" : "queued");
		store_notice_release(&n);
	}
	ASSERT_OK(store_delivery_next(t, &next, e), e);
	ASSERT_EQ(next, 201);
	return 0;
}

static int
claim_and_add(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_delivery d = {.state = STORE_DCLAIMED, .due = 999, .claim = 7, .pid = 1,
	                           .host = "h"};
	struct store_notice n;
	int64_t next = 0;

	(void)arg;
	ASSERT_OK(store_delivery_put(t, keys[1], &d, e), e);
	ASSERT_OK(store_delivery_next(t, &next, e), e);
	ASSERT_EQ(next, INT64_MAX); /* schema 12's queue key, one-byte value and all, is gone */
	add(t, NEW_KEY, e);
	ASSERT_OK(store_notice_get(t, NEW_KEY, &n, e), e);
	ASSERT_STR_EQ(n.message, NEW_MSG);
	ASSERT_STR_EQ(n.state, "queued");
	store_notice_release(&n);
	ASSERT_OK(store_delivery_next(t, &next, e), e);
	ASSERT_EQ(next, 200);
	return 0;
}

static int
check_after(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_delivery d;
	struct store_notice n;

	(void)arg;
	ASSERT_OK(store_delivery_get(t, keys[1], &d, e), e);
	ASSERT_EQ(d.state, STORE_DCLAIMED);
	ASSERT_STR_EQ(d.host, "h");
	store_delivery_release(&d);
	/* no record yet: queued since it was made */
	ASSERT_OK(store_delivery_get(t, NEW_KEY, &d, e), e);
	ASSERT_EQ(d.state, STORE_DQUEUED);
	ASSERT_EQ(d.due, 200);
	store_delivery_release(&d);
	ASSERT_OK(store_notice_get(t, NEW_KEY, &n, e), e);
	ASSERT_STR_EQ(n.message, NEW_MSG);
	store_notice_release(&n);
	for (int i = 0; i < 2; i++) {
		ASSERT_OK(store_notice_get(t, keys[i], &n, e), e);
		ASSERT_STR_EQ(n.message, msgs[i]);
		ASSERT_STR_EQ(n.state, i == 0 ? "sent" : "claimed");
		store_notice_release(&n);
	}
	return 0;
}

static int
delivery_absent(const char *dir, const char *key)
{
	struct test_lmdb l;
	MDB_val k = {strlen(key), (void *)key}, v;
	int rc;

	test_lmdb_open(&l, dir);
	rc = mdb_get(l.txn, test_lmdb_dbi(&l, "delivery"), &k, &v);
	test_lmdb_done(&l, NULL);
	return rc == MDB_NOTFOUND;
}

int
main(void)
{
	char *dir;
	struct store *s = test_store_new(&dir);
	struct dberr e;

	dberr_clear(&e);
	/* the class's dictionary, made by this store, then the notices as schema 12's */
	ASSERT_OK(store_write(s, add, (void *)keys[0], &e), &e);
	store_close(s);
	make_schema_12(dir);
	test_schema_upgrade(dir, "12", check);

	s = NULL;
	ASSERT_OK(store_open(dir, 0, &s, &e), &e);
	ASSERT_OK(store_write(s, claim_and_add, NULL, &e), &e);
	ASSERT_OK(store_read(s, check_after, NULL, &e), &e);
	store_close(s);
	ASSERT(delivery_absent(dir, NEW_KEY));
	ASSERT(!delivery_absent(dir, keys[1]));
	test_rmtree(dir);
	free(dir);
	printf("ok: schema 12's outbox and delivery records read, claimed and extended\n");
	return 0;
}
