/*
 * files.c - the store folder's submitted files (DIR/files/ab/abcdef..., by sha256, written
 * by the web) in a backup. The LMDB copy names the files of the submissions it holds; each
 * is put in place before the transaction that records it commits, so copying the folder
 * after the snapshot finds every file the copy names (and perhaps a few of later
 * submissions, which nothing names: harmless). Only names of 64 hex digits under
 * two-hex-digit folders are copied: never tmp/ (uploads under way), never anything else.
 * The bytes are flushed with the rest of the backup (store_backup_files, after this).
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/sha256.h"
#include "base/xalloc.h"
#include "store/store_int.h"

/* One fan-out folder (files/ab): every file named by its sha256. */
static int
copy_fan(const char *from, const char *to, struct dberr *e)
{
	DIR *d = opendir(from);
	struct dirent *de;
	int rc;

	if (d == NULL)
		return dberr_set(e, -errno, "cannot read folder %s: %s", from, strerror(errno));
	if ((rc = store_private_dir(to, e)) != 0)
		goto out;
	while (rc == 0 && (errno = 0, de = readdir(d)) != NULL) {
		char *src, *dst;

		if (!sha256_is_hex(de->d_name, SHA256_HEX_SIZE - 1))
			continue;
		src = xasprintf("%s/%s", from, de->d_name);
		dst = xasprintf("%s/%s", to, de->d_name);
		rc = store_copy_file(src, dst, e);
		free(src);
		free(dst);
	}
	if (rc == 0 && errno != 0)
		rc = dberr_set(e, -errno, "cannot read folder %s: %s", from, strerror(errno));
out:
	closedir(d);
	return rc;
}

int
store_files_copy(const char *dir, const char *to, struct dberr *e)
{
	char *from = xasprintf("%s/files", dir), *dst = xasprintf("%s/files", to);
	DIR *d = opendir(from);
	struct dirent *de;
	int rc = 0;

	if (d == NULL) {
		/* a store nobody submitted to on the web has no files folder */
		if (errno != ENOENT)
			rc = dberr_set(e, -errno, "cannot read folder %s: %s", from, strerror(errno));
		goto out;
	}
	if ((rc = store_private_dir(dst, e)) != 0)
		goto out;
	while (rc == 0 && (errno = 0, de = readdir(d)) != NULL) {
		char *a, *b;

		if (!sha256_is_hex(de->d_name, 2))
			continue;
		a = xasprintf("%s/%s", from, de->d_name);
		b = xasprintf("%s/%s", dst, de->d_name);
		rc = copy_fan(a, b, e);
		free(a);
		free(b);
	}
	if (rc == 0 && errno != 0)
		rc = dberr_set(e, -errno, "cannot read folder %s: %s", from, strerror(errno));
out:
	if (d != NULL)
		closedir(d);
	free(from);
	free(dst);
	return rc;
}
