/* Without STORE_CREATE a missing store is DB_ENOINPUT naming the folder and `dabiao init`;
 * with it, the folder and outbox/ are 0700 and LMDB's files 0600 even under umask 0. */
#include <sys/stat.h>

#include "store_test.h"

static void
assert_mode(const char *dir, const char *name, mode_t want)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s%s%s", dir, *name ? "/" : "", name);
	if (stat(path, &st) != 0)
		TEST_FAIL_("stat %s", path);
	ASSERT_EQ(st.st_mode & 07777, want);
}

int
main(void)
{
	char *base = test_tmpdir(), dir[4096];
	struct store *s = NULL;
	struct dberr e;

	snprintf(dir, sizeof(dir), "%s/db", base);
	dberr_clear(&e);
	ASSERT_EQ(store_open(dir, 0, &s, &e), DB_ENOINPUT);
	ASSERT(s == NULL);
	ASSERT_STR_CONTAINS(e.msg, dir);
	ASSERT_STR_CONTAINS(e.msg, "dabiao init");
	dberr_clear(&e);
	ASSERT_EQ(store_open(dir, STORE_RDONLY, &s, &e), DB_ENOINPUT);
	ASSERT_EQ(access(dir, F_OK), -1); /* a failed open creates nothing */

	umask(0);
	dberr_clear(&e);
	ASSERT_OK(store_open(dir, STORE_CREATE, &s, &e), &e);
	ASSERT_STR_EQ(store_dir(s), dir);
	assert_mode(dir, "", 0700);
	assert_mode(dir, "outbox", 0700);
	assert_mode(dir, "data.mdb", 0600);
	assert_mode(dir, "lock.mdb", 0600);
	store_close(s);
	umask(022);

	/* Now it exists: a plain open works, and so does a read-only one. */
	s = NULL;
	ASSERT_OK(store_open(dir, 0, &s, &e), &e);
	store_close(s);
	s = NULL;
	ASSERT_OK(store_open(dir, STORE_RDONLY, &s, &e), &e);
	store_close(s);
	test_rmtree(base);
	free(base);
	return 0;
}
