/*
 * store_lmdb_test.h - for the store's tests that make an older schema's bytes with LMDB
 * directly (the layouts of store/README.md), from values this store wrote.
 */
#ifndef DABIAO_TESTS_STORE_LMDB_TEST_H
#define DABIAO_TESTS_STORE_LMDB_TEST_H

#include <lmdb.h>
#include <string.h>

#include "store_test.h"

#define MDB_OK(call)                                                           \
	do {                                                                   \
		int r_ = (call);                                               \
		if (r_ != 0)                                                   \
			TEST_FAIL_("%s: %s", #call, mdb_strerror(r_));         \
	} while (0)

/* Cuts every plan_versions value by n bytes (n < 0: checks it grew by -n and ends in
 * zeros) and sets the schema; returns the number of values seen. */
static inline int
test_cut_plan_versions(const char *dir, int n, const char *schema, size_t *lens)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi versions, meta;
	MDB_cursor *cur;
	MDB_val k, v;
	unsigned char buf[256], key[64];
	int count = 0, rc;

	MDB_OK(mdb_env_create(&env));
	MDB_OK(mdb_env_set_maxdbs(env, 8));
	MDB_OK(mdb_env_open(env, dir, 0, 0600));
	MDB_OK(mdb_txn_begin(env, NULL, 0, &txn));
	MDB_OK(mdb_dbi_open(txn, "plan_versions", 0, &versions));
	MDB_OK(mdb_dbi_open(txn, "meta", 0, &meta));
	MDB_OK(mdb_cursor_open(txn, versions, &cur));
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
	if (schema != NULL) {
		k = (MDB_val){6, "schema"};
		v = (MDB_val){strlen(schema), (void *)schema};
		MDB_OK(mdb_put(txn, meta, &k, &v, 0));
	}
	MDB_OK(mdb_txn_commit(txn));
	mdb_env_close(env);
	return count;
}

#endif
