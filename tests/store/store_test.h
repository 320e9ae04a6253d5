/*
 * store_test.h - helpers shared by the store's tests: open a store or fail the test, and
 * run a block of checks inside a transaction.
 */
#ifndef DABIAO_TESTS_STORE_TEST_H
#define DABIAO_TESTS_STORE_TEST_H

#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"
#include "lib/test.h"

#define ASSERT_OK(call, e)                                                     \
	do {                                                                   \
		int rc_ = (call);                                              \
		if (rc_ != 0)                                                  \
			TEST_FAIL_("%s: %d %s", #call, rc_, (e)->msg);         \
	} while (0)

/* A new store in a fresh temporary folder; *dir_out (caller frees) names the folder. */
static inline struct store *
test_store_new(char **dir_out)
{
	struct store *s = NULL;
	struct dberr e;
	char *dir = test_tmpdir();

	dberr_clear(&e);
	ASSERT_OK(store_open(dir, STORE_CREATE, &s, &e), &e);
	*dir_out = dir;
	return s;
}

static inline struct store *
test_store_reopen(struct store *s, const char *dir)
{
	struct dberr e;

	store_close(s);
	s = NULL;
	dberr_clear(&e);
	ASSERT_OK(store_open(dir, 0, &s, &e), &e);
	return s;
}

/* Removes a test's folder and everything in it; a failure only leaves litter in /tmp. */
static inline void
test_rmtree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[4096];
	struct stat st;

	while (d != NULL && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path))
			continue;
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			test_rmtree(path);
		else
			unlink(path);
	}
	if (d != NULL)
		closedir(d);
	rmdir(dir);
}

#endif
