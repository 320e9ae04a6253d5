/* A schema-6 store's plan versions (calendars, but no template files: the value ends after
 * the calendars) read as versions whose templates were not kept through a read-only open,
 * which changes nothing; the first writer appends "not kept" and a zero count to every
 * version (5 bytes) and records the current schema, and the calendars read as before. The
 * schema-6 values are made with LMDB directly, from values this store wrote, cut back to
 * the old layout. */
#include <stdio.h>

#include "store_lmdb_test.h"

static int
put_plans(struct store_txn *t, void *arg, struct dberr *e)
{
	static struct store_plan_calendar cal[] = {{"cn-mainland", "/c.yaml", "days: x\n", 8}};
	struct store_plan v1 = {"p", 1, "aa", "plan: p\n", 8, "/a.yaml", 10, "cc", cal, 1,
	                        false, NULL, 0};
	struct store_plan v2 = {"p", 2, "bb", "plan: p\n#2\n", 11, "/a.yaml", 20, "cc", cal, 1,
	                        false, NULL, 0};

	(void)arg;
	ASSERT_OK(store_plan_put(t, &v1, e), e);
	ASSERT_OK(store_plan_put(t, &v2, e), e);
	return 0;
}

static int
read_v6(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_plan p;

	(void)arg;
	ASSERT_OK(store_plan_get(t, "p", 0, &p, e), e);
	ASSERT_EQ(p.version, 2);
	ASSERT_STR_EQ(p.sha256, "bb");
	ASSERT_EQ(p.source_len, 11);
	ASSERT_STR_EQ(p.path, "/a.yaml");
	ASSERT_EQ(p.loaded_at, 20);
	ASSERT_STR_EQ(p.calendar_sha256, "cc");
	ASSERT_EQ(p.ncalendars, 1);
	ASSERT_STR_EQ(p.calendars[0].name, "cn-mainland");
	ASSERT_EQ(p.calendars[0].source_len, 8);
	ASSERT(!p.templates_kept);
	ASSERT_EQ(p.ntemplates, 0);
	store_plan_release(&p);
	ASSERT_OK(store_plan_get(t, "p", 1, &p, e), e);
	ASSERT_STR_EQ(p.sha256, "aa");
	ASSERT_EQ(p.ncalendars, 1);
	ASSERT(!p.templates_kept);
	store_plan_release(&p);
	return 0;
}

int
main(void)
{
	char *dir;
	struct store *s = test_store_new(&dir);
	size_t lens[2];
	struct dberr e;

	dberr_clear(&e);
	ASSERT_OK(store_write(s, put_plans, NULL, &e), &e);
	store_close(s);
	ASSERT_EQ(test_cut_plan_versions(dir, 5, "6", lens), 2);
	test_schema_upgrade(dir, "6", read_v6);
	/* the writer grew every version by what it cut, in zeros */
	ASSERT_EQ(test_cut_plan_versions(dir, -5, NULL, lens), 2);
	test_rmtree(dir);
	free(dir);
	return 0;
}
