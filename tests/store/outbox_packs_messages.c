/* A notice's message is kept packed in its outbox record (base64 blocks decoded, deflated
 * against the first message of its plan, version and kind) and store_notice_get gives back
 * exactly the bytes given, whatever they are: notices as the builder makes them, base64
 * that does not fold back the same (stray bits, other line lengths, LF line ends, no final
 * CRLF), an empty message, one larger than a dictionary, and thousands of random ones made
 * of the characters that matter, encoded words among them. Siblings cost a fraction of
 * their bytes; a history scan gives no message and no dictionary; a damaged packed message
 * is a store error, whichever byte of its value is changed. */
#include <stdio.h>
#include <stdlib.h>

#include "base/buf.h"
#include "store_lmdb_test.h"

#define NRANDOM 3000

static uint64_t seed = 0x9e3779b97f4a7c15u;

static uint64_t
next_rand(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

/* base64 in the builder's layout, written here independently of the store */
static void
b64_lines(struct buf *out, const unsigned char *p, size_t n, size_t line, const char *eol)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t col = 0;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
		             (i + 2 < n ? p[i + 2] : 0);

		buf_putc(out, a[v >> 18 & 63]);
		buf_putc(out, a[v >> 12 & 63]);
		buf_putc(out, i + 1 < n ? a[v >> 6 & 63] : '=');
		buf_putc(out, i + 2 < n ? a[v & 63] : '=');
		if ((col += 4) >= line) {
			buf_puts(out, eol);
			col = 0;
		}
	}
	if (col > 0)
		buf_puts(out, eol);
}

/* A notice as the message builder writes one: headers, then its text in base64. */
static char *
notice_like(int i)
{
	struct buf m = BUF_INIT, text = BUF_INIT;

	buf_printf(&m, "From: =?UTF-8?B?6L6+5qCH5o6S5pS+?=\r\n <dabiao@localhost>\r\n"
	               "To: j%d@x.example\r\nDate: Fri, 01 Mar 2030 10:00:00 +0800\r\n"
	               "Message-ID: <%016llx@dabiao>\r\nSubject: =?UTF-8?B?5YWz5LqOajDpgL4=?=\r\n"
	               "X-Dabiao-Key: p/m%d/j%d/once#overdue#0\r\nMIME-Version: 1.0\r\n"
	               "Content-Type: text/plain; charset=UTF-8\r\n"
	               "Content-Transfer-Encoding: base64\r\n\r\n",
	           i, (unsigned long long)next_rand(), i % 7, i);
	for (int k = 0; k < 12; k++)
		buf_printf(&text, "关于j%d逾期未完成m%d的通知：根据《计划》的安排，请立即完成。\r\n", i,
		           i % 7);
	b64_lines(&m, (const unsigned char *)text.data, text.len, 76, "\r\n");
	buf_release(&text);
	return buf_detach(&m);
}

/* Bytes that mix the builder's layout with everything near it. */
static char *
random_message(void)
{
	static const char pieces[] = "AQZaqz09+/=\r\n \t:é";
	struct buf m = BUF_INIT;
	int parts = (int)(next_rand() % 6);

	for (int p = 0; p < parts; p++) {
		switch (next_rand() % 6) {
		case 0: { /* a block in the builder's layout, or nearly */
			unsigned char raw[300];
			size_t n = next_rand() % sizeof(raw);
			size_t line = next_rand() % 4 ? 76 : 4 * (1 + next_rand() % 25);

			for (size_t i = 0; i < n; i++)
				raw[i] = (unsigned char)next_rand();
			b64_lines(&m, raw, n, line, next_rand() % 4 ? "\r\n" : "\n");
			if (m.len > 0 && next_rand() % 5 == 0)
				m.len--; /* the last CR or LF cut */
			break;
		}
		case 1: /* a block with stray bits: "QR==" folds back as "QQ==" */
			for (int k = 0; k < 19; k++)
				buf_puts(&m, "QUFB");
			buf_puts(&m, "\r\nQR==\r\n");
			break;
		case 5: { /* an encoded word as the builder writes one, or nearly */
			static const char *const open[] = {"=?UTF-8?B?", "=?UTF-8?B?", "=?utf-8?b?",
			                                   "==?UTF-8?B?", "=?UTF-8?Q?"};
			unsigned char raw[40];
			size_t n = next_rand() % sizeof(raw), at = m.len;

			for (size_t i = 0; i < n; i++)
				raw[i] = (unsigned char)next_rand();
			buf_puts(&m, open[next_rand() % 5]);
			b64_lines(&m, raw, n, 200, "");
			if (next_rand() % 4 == 0 && m.len > at + 12)
				m.data[m.len - 1 - next_rand() % 3] = (char)"A=Q?"[next_rand() % 4];
			buf_puts(&m, next_rand() % 5 ? "?=" : "?");
			if (next_rand() % 2)
				buf_puts(&m, next_rand() % 2 ? "\r\n " : " ");
			break;
		}
		case 2: /* 76 letters that read as base64 and are words */
			for (int k = 0; k < 76; k++)
				buf_putc(&m, (char)('a' + next_rand() % 26));
			buf_puts(&m, "\r\n");
			break;
		default: {
			size_t n = next_rand() % 200;

			for (size_t i = 0; i < n; i++)
				buf_putc(&m, pieces[next_rand() % (sizeof(pieces) - 1)]);
			break;
		}
		}
	}
	if (m.data == NULL)
		return calloc(1, 1);
	return buf_detach(&m);
}

struct batch {
	char **msgs;
	size_t from, n;
	const char *kind;
};

static char *to[] = {"a@x.example"};

static int
add_batch(struct store_txn *t, void *arg, struct dberr *e)
{
	struct batch *b = arg;

	for (size_t i = b->from; i < b->from + b->n; i++) {
		char key[64];
		struct store_notice n = {.plan = "p", .kind = (char *)b->kind, .subject = "j",
		                         .to = to, .nto = 1, .scheduled = 100, .created = 200,
		                         .state = "queued", .message = b->msgs[i],
		                         .plan_version = 3};

		snprintf(key, sizeof(key), "p/m/j%05zu#%s#0", i, b->kind);
		n.key = key;
		ASSERT_OK(store_notice_add(t, &n, e), e);
	}
	return 0;
}

static int
check_batch(struct store_txn *t, void *arg, struct dberr *e)
{
	struct batch *b = arg;

	for (size_t i = b->from; i < b->from + b->n; i++) {
		char key[64];
		struct store_notice n;

		snprintf(key, sizeof(key), "p/m/j%05zu#%s#0", i, b->kind);
		ASSERT_OK(store_notice_get(t, key, &n, e), e);
		if (strcmp(n.message, b->msgs[i]) != 0)
			TEST_FAIL_("%s: the message given back differs (%zu bytes given, %zu back)",
			           key, strlen(b->msgs[i]), strlen(n.message));
		ASSERT_EQ(n.plan_version, 3);
		ASSERT_STR_EQ(n.to[0], "a@x.example");
		store_notice_release(&n);
	}
	return 0;
}

static int
count_cb(const struct store_notice *n, void *arg)
{
	size_t *count = arg;

	ASSERT(n->message == NULL);
	ASSERT(n->key[0] != '\0');
	(*count)++;
	return 0;
}

static int
each(struct store_txn *t, void *arg, struct dberr *e)
{
	return store_notice_each(t, count_cb, arg, e);
}

static int
get_one(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_notice n;
	int rc = store_notice_get(t, arg, &n, e);

	if (rc == 0)
		store_notice_release(&n);
	return rc;
}

/* Byte at of key's outbox value XOR x, with LMDB (the store closed). */
static void
flip_byte(const char *dir, const char *key, size_t at, unsigned char x)
{
	struct test_lmdb l;
	MDB_dbi outbox;
	MDB_val k = {strlen(key), (void *)key}, v;
	unsigned char *copy;

	test_lmdb_open(&l, dir);
	outbox = test_lmdb_dbi(&l, "outbox");
	MDB_OK(mdb_get(l.txn, outbox, &k, &v));
	copy = malloc(v.mv_size);
	memcpy(copy, v.mv_data, v.mv_size);
	copy[at] ^= x;
	v.mv_data = copy;
	MDB_OK(mdb_put(l.txn, outbox, &k, &v, 0));
	free(copy);
	test_lmdb_done(&l, NULL);
}

struct got {
	const char *key;
	char *msg;
};

static int
get_msg(struct store_txn *t, void *arg, struct dberr *e)
{
	struct got *g = arg;
	struct store_notice n;
	int rc = store_notice_get(t, g->key, &n, e);

	if (rc == 0) {
		g->msg = n.message;
		n.message = NULL;
		store_notice_release(&n);
	}
	return rc;
}

/* The outbox value's length of key, read with LMDB (the store closed); with damage, the
 * value's last byte (inside the deflated message) is changed. */
static size_t
raw_value(const char *dir, const char *key, bool damage)
{
	struct test_lmdb l;
	MDB_dbi outbox;
	MDB_val k = {strlen(key), (void *)key}, v;
	size_t len;

	test_lmdb_open(&l, dir);
	outbox = test_lmdb_dbi(&l, "outbox");
	MDB_OK(mdb_get(l.txn, outbox, &k, &v));
	len = v.mv_size;
	if (damage) {
		unsigned char *copy = malloc(v.mv_size);

		memcpy(copy, v.mv_data, v.mv_size);
		copy[v.mv_size - 3] ^= 0x55;
		v.mv_data = copy;
		MDB_OK(mdb_put(l.txn, outbox, &k, &v, 0));
		free(copy);
	}
	test_lmdb_done(&l, NULL);
	return len;
}

int
main(void)
{
	enum { NOTICES = 40, FIXED = 16 };
	char *dir, *msgs[NOTICES + FIXED + NRANDOM];
	struct store *s = test_store_new(&dir);
	struct batch b = {msgs, 0, 0, "overdue"};
	size_t count = 0, nfixed = 0, first, later;
	struct buf big = BUF_INIT;
	struct dberr e;

	dberr_clear(&e);
	for (int i = 0; i < NOTICES; i++)
		msgs[i] = notice_like(i);
	/* the edges, each its own message */
	msgs[NOTICES + nfixed++] = strdup("");
	msgs[NOTICES + nfixed++] = strdup("QUFB\r\n");
	msgs[NOTICES + nfixed++] = strdup("Subject: x\r\n\r\nQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\r\nQR==\r\n");
	msgs[NOTICES + nfixed++] = strdup("QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\r\nQUE=");
	msgs[NOTICES + nfixed++] = strdup("QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\r\n");
	msgs[NOTICES + nfixed++] = strdup("QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\nQUE=\n");
	msgs[NOTICES + nfixed++] = strdup("QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\r\n====\r\nQUE=\r\n");
	msgs[NOTICES + nfixed++] = strdup("QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\r\nQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\r\n\r\n");
	/* encoded words: stray bits, empty, padding inside, cut short, back to back */
	msgs[NOTICES + nfixed++] = strdup("Subject: =?UTF-8?B?QR==?=\r\n");
	msgs[NOTICES + nfixed++] = strdup("Subject: =?UTF-8?B?\?=\r\n");
	msgs[NOTICES + nfixed++] = strdup("Subject: =?UTF-8?B?QQ==QUFB?=\r\n");
	msgs[NOTICES + nfixed++] = strdup("Subject: =?UTF-8?B?QUFB");
	msgs[NOTICES + nfixed++] = strdup("=?UTF-8?B?QUFB?==?UTF-8?B?QUE=?=\r\n =?UTF-8?B?QQ==?=");
	msgs[NOTICES + nfixed++] = strdup("==?UTF-8?B?QUFB?=?=\n=?UTF-8?B?QUFB?=");
	msgs[NOTICES + nfixed++] = strdup("=?UTF-8?B?5YWz5LqOajnpgL7mnJ/mnKrlrozmiJBtOTnnmoTpgJrnn6U=?=");
	{
		/* larger than a dictionary keeps (16 KiB) and than deflate's window */
		unsigned char raw[60000];

		for (size_t i = 0; i < sizeof(raw); i++)
			raw[i] = (unsigned char)(next_rand() % 7 ? 'x' : next_rand());
		buf_puts(&big, "Content-Type: application/octet-stream\r\n\r\n");
		b64_lines(&big, raw, sizeof(raw), 76, "\r\n");
		msgs[NOTICES + nfixed++] = buf_detach(&big);
	}
	ASSERT_EQ(nfixed, FIXED);
	for (int i = 0; i < NRANDOM; i++)
		msgs[NOTICES + FIXED + i] = random_message();

	/* the notices in three transactions, the store reopened between: the dictionary
	 * made with the first is the one the others use */
	b.from = 0;
	b.n = 1;
	ASSERT_OK(store_write(s, add_batch, &b, &e), &e);
	s = test_store_reopen(s, dir);
	b.from = 1;
	b.n = NOTICES - 1;
	ASSERT_OK(store_write(s, add_batch, &b, &e), &e);
	b.from = 0;
	b.n = NOTICES;
	ASSERT_OK(store_read(s, check_batch, &b, &e), &e);
	b.kind = "other";
	b.from = NOTICES;
	b.n = FIXED + NRANDOM;
	ASSERT_OK(store_write(s, add_batch, &b, &e), &e);
	s = test_store_reopen(s, dir);
	ASSERT_OK(store_read(s, check_batch, &b, &e), &e);
	ASSERT_OK(store_read(s, each, &count, &e), &e);
	ASSERT_EQ(count, NOTICES + FIXED + NRANDOM);
	store_close(s);

	/* what a sibling costs: the first makes the dictionary; the others are their few
	 * different names and numbers (each message is ~1.5 KB) */
	first = raw_value(dir, "p/m/j00000#overdue#0", false);
	later = raw_value(dir, "p/m/j00021#overdue#0", false);
	fprintf(stderr, "message %zu bytes; outbox value: first %zu, a sibling %zu\n",
	        strlen(msgs[21]), first, later);
	ASSERT_LT(later * 5, strlen(msgs[21]));

	/* damage inside a packed message is found, not given back as other bytes */
	raw_value(dir, "p/m/j00021#overdue#0", true);
	ASSERT_OK(store_open(dir, 0, &s, &e), &e);
	ASSERT_EQ(store_read(s, get_one, "p/m/j00021#overdue#0", &e), DB_ESTORE);
	ASSERT_STR_CONTAINS(e.msg, "outbox");
	dberr_clear(&e);
	ASSERT_OK(store_read(s, get_one, "p/m/j00022#overdue#0", &e), &e);
	store_close(s);

	/* and every other byte of a value (format, lengths, checksum, deflated bytes): each
	 * changed alone, the notice reads as a store error or as the very same message (a
	 * match's distance changed to other equal bytes), never as other bytes */
	later = raw_value(dir, "p/m/j00022#overdue#0", false);
	for (size_t at = 0; at < later; at++) {
		struct got g = {"p/m/j00022#overdue#0", NULL};
		int rc;

		flip_byte(dir, g.key, at, 0x10);
		ASSERT_OK(store_open(dir, 0, &s, &e), &e);
		rc = store_read(s, get_msg, &g, &e);
		if (rc == 0)
			ASSERT_STR_EQ(g.msg, msgs[22]);
		else
			ASSERT_EQ(rc, DB_ESTORE);
		dberr_clear(&e);
		free(g.msg);
		store_close(s);
		flip_byte(dir, g.key, at, 0x10);
	}

	for (size_t i = 0; i < NOTICES + FIXED + NRANDOM; i++)
		free(msgs[i]);
	test_rmtree(dir);
	free(dir);
	return 0;
}
