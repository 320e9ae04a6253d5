/* A schema-2 store's plan versions (no calendar files, no calendar hash: the value ends
 * after the path) read as versions without calendars through a read-only open, which
 * changes nothing; the first writer appends the empty hash and the zero count to every
 * version (8 bytes) and records the current schema. The schema-2 values are made with LMDB
 * directly, from values this store wrote, cut back to the old layout. */
#include <lmdb.h>
#include <stdio.h>

#include "store_test.h"

#define MDB_OK(call)                                                           \
	do {                                                                   \
		int r_ = (call);                                               \
		if (r_ != 0)                                                   \
			TEST_FAIL_("%s: %s", #call, mdb_strerror(r_));         \
	} while (0)

static int
put_plans(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_plan v1 = {"p", 1, "aa", "plan: p\n", 8, "/a.yaml", 10, "", NULL, 0};
	struct store_plan v2 = {"p", 2, "bb", "plan: p\n#2\n", 11, "/a.yaml", 20, "", NULL, 0};

	(void)arg;
	ASSERT_OK(store_plan_put(t, &v1, e), e);
	ASSERT_OK(store_plan_put(t, &v2, e), e);
	return 0;
}

/* Cuts every plan_versions value by n bytes (n < 0: checks it grew by -n and ends in
 * zeros) and sets the schema; returns the number of values seen. */
static int
rewrite(const char *dir, int n, const char *schema, size_t *lens)
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
			static const unsigned char zero[8];

			ASSERT_EQ(v.mv_size, lens[count]);
			ASSERT(memcmp((unsigned char *)v.mv_data + v.mv_size - 8, zero, 8) == 0);
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

static int
read_v2(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_plan p;

	(void)arg;
	ASSERT_OK(store_plan_get(t, "p", 0, &p, e), e);
	ASSERT_EQ(p.version, 2);
	ASSERT_STR_EQ(p.sha256, "bb");
	ASSERT_EQ(p.source_len, 11);
	ASSERT_STR_EQ(p.path, "/a.yaml");
	ASSERT_EQ(p.loaded_at, 20);
	ASSERT_STR_EQ(p.calendar_sha256, "");
	ASSERT_EQ(p.ncalendars, 0);
	store_plan_release(&p);
	ASSERT_OK(store_plan_get(t, "p", 1, &p, e), e);
	ASSERT_STR_EQ(p.sha256, "aa");
	ASSERT_EQ(p.ncalendars, 0);
	store_plan_release(&p);
	return 0;
}

static int
read_schema(struct store_txn *t, void *arg, struct dberr *e)
{
	return store_meta_get(t, "schema", arg, e);
}

int
main(void)
{
	char *dir, *schema = NULL, want[16];
	struct store *s = test_store_new(&dir);
	size_t lens[2];
	struct dberr e;

	dberr_clear(&e);
	ASSERT_OK(store_write(s, put_plans, NULL, &e), &e);
	store_close(s);
	ASSERT_EQ(rewrite(dir, 8, "2", lens), 2);

	/* read-only: read as it is, nothing rewritten, the schema left at 2 */
	ASSERT_OK(store_open(dir, STORE_RDONLY, &s, &e), &e);
	ASSERT_OK(store_read(s, read_v2, NULL, &e), &e);
	ASSERT_OK(store_read(s, read_schema, &schema, &e), &e);
	ASSERT_STR_EQ(schema, "2");
	free(schema);
	store_close(s);

	/* the first writer upgrades every version */
	ASSERT_OK(store_open(dir, 0, &s, &e), &e);
	ASSERT_OK(store_read(s, read_v2, NULL, &e), &e);
	ASSERT_OK(store_read(s, read_schema, &schema, &e), &e);
	snprintf(want, sizeof(want), "%d", STORE_SCHEMA_VERSION);
	ASSERT_STR_EQ(schema, want);
	free(schema);
	store_close(s);
	ASSERT_EQ(rewrite(dir, -8, NULL, lens), 2);
	test_rmtree(dir);
	free(dir);
	return 0;
}
