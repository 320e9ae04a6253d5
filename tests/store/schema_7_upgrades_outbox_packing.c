/* A schema-7 store kept each notice's message as it is in its outbox record (format 2). A
 * read-only open reads those as they are and changes nothing; the first writer of schema 8
 * or later writes every record again packed (format 3, format 4 since schema 13: this
 * schema's), and each message reads back the very same
 * bytes, in far fewer. The schema-7 store is made with LMDB directly, in the format-2
 * layout of store/README.md, beside the delivery records this store wrote. */
#include <stdio.h>

#include "base/buf.h"
#include "store_lmdb_test.h"

#define N 20

static char *to[] = {"a@x.example"};
static char *msgs[N];

static void
key_of(int i, char *key, size_t n)
{
	snprintf(key, n, "p/m%d/j%d/once#overdue#0", i % 3, i);
}

/* a notice's bytes in the builder's layout: headers, then base64 of its text */
static char *
message(int i)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct buf m = BUF_INIT, t = BUF_INIT;
	size_t col = 0;

	buf_printf(&m, "To: j%d@x.example\r\nX-Dabiao-Key: p/m%d/j%d/once#overdue#0\r\n"
	               "Content-Transfer-Encoding: base64\r\n\r\n", i, i % 3, i);
	for (int k = 0; k < 10; k++)
		buf_printf(&t, "j%d：请立即完成m%d，逾期%d天。\r\n", i, i % 3, k);
	for (size_t p = 0; p < t.len; p += 3) {
		const unsigned char *q = (const unsigned char *)t.data + p;
		uint32_t v = (uint32_t)q[0] << 16 | (p + 1 < t.len ? (uint32_t)q[1] << 8 : 0) |
		             (p + 2 < t.len ? q[2] : 0);

		buf_putc(&m, a[v >> 18 & 63]);
		buf_putc(&m, a[v >> 12 & 63]);
		buf_putc(&m, p + 1 < t.len ? a[v >> 6 & 63] : '=');
		buf_putc(&m, p + 2 < t.len ? a[v & 63] : '=');
		if ((col += 4) == 76) {
			buf_puts(&m, "\r\n");
			col = 0;
		}
	}
	if (col)
		buf_puts(&m, "\r\n");
	buf_release(&t);
	return buf_detach(&m);
}

static int
add(struct store_txn *t, void *arg, struct dberr *e)
{
	(void)arg;
	for (int i = 0; i < N; i++) {
		char key[64];
		struct store_notice n = {.kind = "overdue", .plan = "p", .subject = "j", .to = to,
		                         .nto = 1, .scheduled = 100 + i, .created = 200,
		                         .state = i % 4 ? "queued" : "failed", .message = msgs[i]};

		key_of(i, key, sizeof(key));
		n.key = key;
		ASSERT_OK(store_notice_add(t, &n, e), e);
	}
	return 0;
}

/* The outbox of schema 7: format-2 values, no dictionaries; the total of their sizes. */
static size_t
make_schema_7(const char *dir)
{
	struct test_lmdb l;
	MDB_dbi outbox;
	MDB_cursor *cur;
	MDB_val k, v;
	static unsigned char buf[8192];
	size_t total = 0;

	test_lmdb_open(&l, dir);
	outbox = test_lmdb_dbi(&l, "outbox");
	MDB_OK(mdb_drop(l.txn, outbox, 0));
	for (int i = 0; i < N; i++) {
		char key[64];
		struct store_notice n = {.kind = "overdue", .plan = "p", .subject = "j", .to = to,
		                         .nto = 1, .scheduled = 100 + i, .created = 200,
		                         .message = msgs[i]};

		key_of(i, key, sizeof(key));
		k = (MDB_val){strlen(key), key};
		v = (MDB_val){test_outbox_format2(&n, buf, sizeof(buf)), buf};
		total += v.mv_size;
		MDB_OK(mdb_put(l.txn, outbox, &k, &v, 0));
	}
	/* every value format 2, nothing else in the outbox */
	MDB_OK(mdb_cursor_open(l.txn, outbox, &cur));
	for (int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
		ASSERT_EQ(((unsigned char *)v.mv_data)[0], 2);
	mdb_cursor_close(cur);
	test_lmdb_done(&l, "7");
	return total;
}

/* The notices' values after the upgrade: format 3 each; the total of their sizes. */
static size_t
packed_total(const char *dir)
{
	struct test_lmdb l;
	MDB_dbi outbox;
	MDB_val k, v;
	size_t total = 0;

	test_lmdb_open(&l, dir);
	outbox = test_lmdb_dbi(&l, "outbox");
	for (int i = 0; i < N; i++) {
		char key[64];

		key_of(i, key, sizeof(key));
		k = (MDB_val){strlen(key), key};
		MDB_OK(mdb_get(l.txn, outbox, &k, &v));
		ASSERT_EQ(((unsigned char *)v.mv_data)[0], 4);
		total += v.mv_size;
	}
	test_lmdb_done(&l, NULL);
	return total;
}

static int
check(struct store_txn *t, void *arg, struct dberr *e)
{
	(void)arg;
	for (int i = 0; i < N; i++) {
		char key[64];
		struct store_notice n;

		key_of(i, key, sizeof(key));
		ASSERT_OK(store_notice_get(t, key, &n, e), e);
		ASSERT_STR_EQ(n.message, msgs[i]);
		ASSERT_EQ(n.scheduled, 100 + i);
		ASSERT_STR_EQ(n.state, i % 4 ? "queued" : "failed");
		ASSERT_EQ(n.plan_version, 0); /* not known for a notice of an older store */
		store_notice_release(&n);
	}
	return 0;
}

int
main(void)
{
	char *dir;
	struct store *s = test_store_new(&dir);
	size_t before, after;
	struct dberr e;

	dberr_clear(&e);
	for (int i = 0; i < N; i++)
		msgs[i] = message(i);
	ASSERT_OK(store_write(s, add, NULL, &e), &e);
	store_close(s);
	before = make_schema_7(dir);

	/* read-only: format 2 read as it is, the schema left at 7; then the first writer
	 * packs every message, and each reads back the same bytes */
	test_schema_upgrade(dir, "7", check);
	after = packed_total(dir);
	fprintf(stderr, "outbox values: %zu bytes at schema 7, %zu packed\n", before, after);
	ASSERT_LT(after * 2, before);

	/* and again: an up-to-date store is not rewritten */
	s = NULL;
	ASSERT_OK(store_open(dir, 0, &s, &e), &e);
	ASSERT_OK(store_read(s, check, NULL, &e), &e);
	store_close(s);
	ASSERT_EQ(packed_total(dir), after);
	for (int i = 0; i < N; i++)
		free(msgs[i]);
	test_rmtree(dir);
	free(dir);
	return 0;
}
