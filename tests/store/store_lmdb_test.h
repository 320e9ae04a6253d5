/*
 * store_lmdb_test.h - for the store's tests that make an older schema's bytes with LMDB
 * directly (the layouts of store/README.md), from values this store wrote.
 */
#ifndef DABIAO_TESTS_STORE_LMDB_TEST_H
#define DABIAO_TESTS_STORE_LMDB_TEST_H

#include <lmdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_test.h"

#define MDB_OK(call)                                                           \
	do {                                                                   \
		int r_ = (call);                                               \
		if (r_ != 0)                                                   \
			TEST_FAIL_("%s: %s", #call, mdb_strerror(r_));         \
	} while (0)

/* An older schema's bytes made by hand: store folder DIR opened with LMDB directly, in one
 * write transaction. test_lmdb_dbi opens a named database of it; test_lmdb_done sets
 * meta's "schema" to SCHEMA (unless NULL), commits and closes. */
struct test_lmdb {
	MDB_env *env;
	MDB_txn *txn;
};

static inline void
test_lmdb_open(struct test_lmdb *l, const char *dir)
{
	MDB_OK(mdb_env_create(&l->env));
	MDB_OK(mdb_env_set_maxdbs(l->env, 64));
	MDB_OK(mdb_env_open(l->env, dir, 0, 0600));
	MDB_OK(mdb_txn_begin(l->env, NULL, 0, &l->txn));
}

static inline MDB_dbi
test_lmdb_dbi(struct test_lmdb *l, const char *name)
{
	MDB_dbi d;

	MDB_OK(mdb_dbi_open(l->txn, name, 0, &d));
	return d;
}

static inline void
test_lmdb_done(struct test_lmdb *l, const char *schema)
{
	if (schema != NULL) {
		MDB_val k = {6, "schema"}, v = {strlen(schema), (void *)schema};

		MDB_OK(mdb_put(l->txn, test_lmdb_dbi(l, "meta"), &k, &v, 0));
	}
	MDB_OK(mdb_txn_commit(l->txn));
	mdb_env_close(l->env);
}

static inline int
test_read_schema(struct store_txn *t, void *arg, struct dberr *e)
{
	return store_meta_get(t, "schema", arg, e);
}

/* The store in DIR, made at schema OLD: a read-only open reads it through READ as it is
 * and leaves the schema at OLD (it rewrites nothing); then the first writer's open upgrades
 * it, READ reads it the same, and the schema is the current one. */
static inline void
test_schema_upgrade(const char *dir, const char *old,
                    int (*read)(struct store_txn *, void *, struct dberr *))
{
	struct store *s = NULL;
	char *schema = NULL, want[16];
	struct dberr e;

	dberr_clear(&e);
	ASSERT_OK(store_open(dir, STORE_RDONLY, &s, &e), &e);
	ASSERT_OK(store_read(s, read, NULL, &e), &e);
	ASSERT_OK(store_read(s, test_read_schema, &schema, &e), &e);
	ASSERT_STR_EQ(schema, old);
	free(schema);
	store_close(s);

	s = NULL;
	ASSERT_OK(store_open(dir, 0, &s, &e), &e);
	ASSERT_OK(store_read(s, read, NULL, &e), &e);
	ASSERT_OK(store_read(s, test_read_schema, &schema, &e), &e);
	snprintf(want, sizeof(want), "%d", STORE_SCHEMA_VERSION);
	ASSERT_STR_EQ(schema, want);
	free(schema);
	store_close(s);
}

/* Cuts every plan_versions value by n bytes (n < 0: checks it grew by -n and ends in
 * zeros) and sets the schema; returns the number of values seen. */
static inline int
test_cut_plan_versions(const char *dir, int n, const char *schema, size_t *lens)
{
	struct test_lmdb l;
	MDB_dbi versions;
	MDB_cursor *cur;
	MDB_val k, v;
	unsigned char buf[256], key[64];
	int count = 0, rc;

	test_lmdb_open(&l, dir);
	versions = test_lmdb_dbi(&l, "plan_versions");
	MDB_OK(mdb_cursor_open(l.txn, versions, &cur));
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT), count++) {
		ASSERT(v.mv_size < sizeof(buf));
		if (n > 0) {
			/* k and v point into the page the put rewrites: copy both first */
			ASSERT(k.mv_size < sizeof(key));
			memcpy(key, k.mv_data, k.mv_size);
			k.mv_data = key;
			lens[count] = v.mv_size;
			memcpy(buf, v.mv_data, v.mv_size - (size_t)n);
			v.mv_size -= (size_t)n;
			v.mv_data = buf;
			MDB_OK(mdb_cursor_put(cur, &k, &v, MDB_CURRENT));
		} else {
			static const unsigned char zero[64];

			ASSERT_EQ(v.mv_size, lens[count]);
			ASSERT(memcmp((unsigned char *)v.mv_data + v.mv_size - (size_t)-n, zero,
			              (size_t)-n) == 0);
		}
	}
	ASSERT_EQ(rc, MDB_NOTFOUND);
	mdb_cursor_close(cur);
	test_lmdb_done(&l, schema);
	return count;
}

/* The outbox value of a notice as schemas 5 to 7 wrote it (format 2, store/README.md):
 * the message as it is, after the subject. Returns its length in out (cap bytes). */
static inline void
test_be_put(unsigned char *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static inline size_t
test_str_put(unsigned char *p, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	test_be_put(p, n, 4);
	memcpy(p + 4, s ? s : "", n);
	return 4 + n;
}

static inline size_t
test_outbox_format2(const struct store_notice *n, unsigned char *out, size_t cap)
{
	size_t off = 0;

	ASSERT(1 + 16 + 4 * 16 + strlen(n->plan) + strlen(n->kind) + strlen(n->subject) +
	       strlen(n->message) + 64 * (n->ntasks + n->nto + 2 * n->nextra) < cap);
	out[off++] = 2;
	test_be_put(out + off, (uint64_t)n->scheduled, 8);
	test_be_put(out + off + 8, (uint64_t)n->created, 8);
	off += 16;
	off += test_str_put(out + off, n->plan);
	off += test_str_put(out + off, n->kind);
	off += test_str_put(out + off, n->subject);
	off += test_str_put(out + off, n->message);
	test_be_put(out + off, n->ntasks, 4);
	off += 4;
	for (size_t i = 0; i < n->ntasks; i++)
		off += test_str_put(out + off, n->tasks[i]);
	test_be_put(out + off, n->nto, 4);
	off += 4;
	for (size_t i = 0; i < n->nto; i++)
		off += test_str_put(out + off, n->to[i]);
	test_be_put(out + off, n->nextra, 4);
	off += 4;
	for (size_t i = 0; i < n->nextra; i++) {
		off += test_str_put(out + off, n->extra[i].key);
		off += test_str_put(out + off, n->extra[i].val);
	}
	return off;
}

#endif
