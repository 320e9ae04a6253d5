/* A store written by a newer dabiao is refused at open, with both versions named, and is
 * left as it was; the current version opens. */
#include <stdio.h>

#include "store_test.h"

static int
bump_schema(struct store_txn *t, void *arg, struct dberr *e)
{
	char text[32];

	(void)arg;
	snprintf(text, sizeof(text), "%d", STORE_SCHEMA_VERSION + 1);
	return store_meta_put(t, "schema", text, e);
}

static int
read_schema(struct store_txn *t, void *arg, struct dberr *e)
{
	return store_meta_get(t, "schema", arg, e);
}

int
main(void)
{
	char *dir, *schema = NULL, want[64];
	struct store *s = test_store_new(&dir), *s2 = NULL;
	struct dberr e;

	dberr_clear(&e);
	ASSERT_OK(store_read(s, read_schema, &schema, &e), &e);
	snprintf(want, sizeof(want), "%d", STORE_SCHEMA_VERSION);
	ASSERT_STR_EQ(schema, want);
	free(schema);
	ASSERT_OK(store_write(s, bump_schema, NULL, &e), &e);
	store_close(s);

	ASSERT_EQ(store_open(dir, 0, &s2, &e), DB_ESCHEMA);
	ASSERT(s2 == NULL);
	ASSERT_EQ(e.code, DB_ESCHEMA);
	snprintf(want, sizeof(want), "has schema %d, newer than this dabiao's %d",
	         STORE_SCHEMA_VERSION + 1, STORE_SCHEMA_VERSION);
	ASSERT_STR_CONTAINS(e.msg, want);
	ASSERT_STR_CONTAINS(e.msg, dir);
	ASSERT_STR_CONTAINS(e.msg, "upgrade dabiao");

	/* STORE_CREATE does not overwrite the newer schema either, nor does read-only open. */
	dberr_clear(&e);
	ASSERT_EQ(store_open(dir, STORE_CREATE, &s2, &e), DB_ESCHEMA);
	dberr_clear(&e);
	ASSERT_EQ(store_open(dir, STORE_RDONLY, &s2, &e), DB_ESCHEMA);
	ASSERT(s2 == NULL);
	test_rmtree(dir);
	free(dir);
	return 0;
}
