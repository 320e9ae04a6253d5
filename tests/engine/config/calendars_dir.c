/*
 * calendars_dir.c - the configuration's calendars_dir is checked when the configuration
 * is read: a folder that is not there, or a file in its place, is DB_ECONFIG at the key's
 * FILE:LINE:COLUMN naming the path (a relative one also as resolved from the
 * configuration's folder), instead of being skipped so that plans silently take the
 * shipped calendars. A folder that is there is taken, relative to the configuration's
 * folder. And /dev/null is an empty configuration, as the conventional "none".
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/config/config.h"
#include "lib/test.h"

static char *
put(const char *dir, const char *name, const char *text)
{
	char *path = malloc(4096);
	FILE *f;

	ASSERT(path != NULL);
	snprintf(path, 4096, "%s/%s", dir, name);
	f = fopen(path, "w");
	ASSERT(f != NULL);
	fputs(text, f);
	fclose(f);
	return path;
}

/* The configuration in file name is refused at 1:16 with every fragment. */
static void
refused(const char *dir, const char *name, const char *text, const char *f1, const char *f2)
{
	char *path = put(dir, name, text);
	struct config c;
	struct dberr e;

	dberr_clear(&e);
	ASSERT_EQ(config_load(path, &c, &e), DB_ECONFIG);
	ASSERT_EQ(e.code, DB_ECONFIG);
	ASSERT_STR_EQ(e.file, path);
	ASSERT_EQ(e.line, 1);
	ASSERT_EQ(e.col, 16);
	ASSERT_STR_CONTAINS(e.msg, f1);
	ASSERT_STR_CONTAINS(e.msg, f2);
	unlink(path);
	free(path);
}

int
main(void)
{
	char *dir = test_tmpdir();
	char sub[4200], want[4300], *path, *notdir;
	struct config c;
	struct dberr e;

	refused(dir, "a.yaml", "calendars_dir: /nonexistent/cals\n", "calendars_dir "
	        "/nonexistent/cals: No such file or directory", "create the folder");
	/* relative: named as written and as resolved */
	snprintf(want, sizeof(want), "calendars_dir cals (%s/cals, from the configuration's "
	         "folder): No such file or directory", dir);
	refused(dir, "b.yaml", "calendars_dir: cals\n", want, "remove the key");
	/* a file where the folder should be */
	notdir = put(dir, "cals.yaml", "calendar: x\n");
	snprintf(want, sizeof(want), "calendars_dir %s: not a folder", notdir);
	snprintf(sub, sizeof(sub), "calendars_dir: %s\n", notdir);
	path = put(dir, "c.yaml", sub);
	dberr_clear(&e);
	ASSERT_EQ(config_load(path, &c, &e), DB_ECONFIG);
	ASSERT_STR_CONTAINS(e.msg, want);
	ASSERT_EQ(e.line, 1);
	ASSERT_EQ(e.col, 16);
	unlink(path);
	free(path);
	unlink(notdir);
	free(notdir);

	/* there: taken, from the configuration's folder */
	snprintf(sub, sizeof(sub), "%s/cals", dir);
	ASSERT_EQ(mkdir(sub, 0700), 0);
	path = put(dir, "d.yaml", "calendars_dir: cals\n");
	dberr_clear(&e);
	ASSERT_EQ(config_load(path, &c, &e), 0);
	ASSERT_STR_EQ(c.calendars_dir, sub);
	config_release(&c);
	unlink(path);
	free(path);
	rmdir(sub);

	/* /dev/null: no configuration at all, not "not a regular file" */
	dberr_clear(&e);
	ASSERT_EQ(config_load("/dev/null", &c, &e), 0);
	ASSERT(c.calendars_dir == NULL);
	ASSERT(c.digest == NULL && c.issuer.name == NULL);
	config_release(&c);

	rmdir(dir);
	free(dir);
	return 0;
}
