/* A store whose data.mdb was cut short (a full disk during a copy, a partial restore) or
 * emptied is refused at open with DB_ESTORE saying what to do, whatever the flags: never a
 * SIGBUS on the first read past the end, never a new empty store in its place. A folder
 * that holds other files and no store is never made one (STORE_CREATE refuses it), and a
 * plain open of a folder that is not a store creates nothing there. */
#include <fcntl.h>
#include <sys/stat.h>

#include "store_test.h"

static int
fill_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	char name[32], val[1024];
	int rc;

	(void)arg;
	memset(val, 'x', sizeof(val) - 1);
	val[sizeof(val) - 1] = '\0';
	for (int i = 0; i < 400; i++) {
		snprintf(name, sizeof(name), "filler-%04d", i);
		if ((rc = store_meta_put(txn, name, val, e)) != 0)
			return rc;
	}
	return 0;
}

static off_t
file_size(const char *path)
{
	struct stat st;

	ASSERT_EQ(stat(path, &st), 0);
	return st.st_size;
}

static void
assert_refused(const char *dir, const char *data, off_t size, const char *why)
{
	static const unsigned flags[] = {0, STORE_RDONLY, STORE_CREATE};
	struct store *s = NULL;
	struct dberr e;

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		dberr_clear(&e);
		ASSERT_EQ(store_open(dir, flags[i], &s, &e), DB_ESTORE);
		ASSERT(s == NULL);
		ASSERT_STR_CONTAINS(e.msg, dir);
		ASSERT_STR_CONTAINS(e.msg, why);
		ASSERT_STR_CONTAINS(e.msg, "backup");
		ASSERT_EQ(file_size(data), size); /* left exactly as found */
	}
}

int
main(void)
{
	char *dir, data[4200], other[4200], path[4300];
	struct store *s = test_store_new(&dir);
	struct dberr e;
	int fd;

	dberr_clear(&e);
	ASSERT_OK(store_write(s, fill_txn, NULL, &e), &e);
	store_close(s);
	snprintf(data, sizeof(data), "%s/data.mdb", dir);
	ASSERT_GT(file_size(data), 200000);

	/* cut short: the meta pages are intact, the pages they point to are not there */
	ASSERT_EQ(truncate(data, 20000), 0);
	assert_refused(dir, data, 20000, "damaged");

	/* emptied: LMDB alone would take it for a new environment */
	ASSERT_EQ(truncate(data, 0), 0);
	assert_refused(dir, data, 0, "empty");

	/* a folder with someone's files and no store: not made a store, nothing written */
	snprintf(other, sizeof(other), "%s.other", dir);
	ASSERT_EQ(mkdir(other, 0700), 0);
	snprintf(path, sizeof(path), "%s/precious", other);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	ASSERT(fd >= 0);
	close(fd);
	dberr_clear(&e);
	ASSERT_EQ(store_open(other, STORE_CREATE, &s, &e), DB_ECANTCREAT);
	ASSERT_STR_CONTAINS(e.msg, "not empty");
	dberr_clear(&e);
	ASSERT_EQ(store_open(other, 0, &s, &e), DB_ENOINPUT);
	ASSERT_STR_CONTAINS(e.msg, "dabiao init");
	snprintf(path, sizeof(path), "%s/data.mdb", other);
	ASSERT_EQ(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/lock.mdb", other);
	ASSERT_EQ(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/outbox", other);
	ASSERT_EQ(access(path, F_OK), -1);

	/* the file-system root is such a folder */
	dberr_clear(&e);
	ASSERT_EQ(store_open("/", 0, &s, &e), DB_ENOINPUT);
	ASSERT_EQ(access("/lock.mdb", F_OK), -1);

	test_rmtree(other);
	test_rmtree(dir);
	free(dir);
	return 0;
}
