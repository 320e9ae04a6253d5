/*
 * backup.c - the rest of a store folder copied beside its database snapshot: the outbox's
 * .eml files above all, which are the only copy of what was sent when no SMTP server is
 * configured, the store's audit signing key (audit-key.pem, when init made it there), and
 * anything else a future version keeps there.
 *
 * The files are copied after the database (store_backup takes the LMDB snapshot first).
 * A notice written to the outbox in between is then in the copy's outbox while the
 * copy's database still has it queued or claimed (a claim whose process is gone or whose
 * lease ended goes back to the queue): delivered again after a restore, it is written
 * under the same name with the same bytes (notice_eml_name: the notice's scheduled time
 * and key; the bytes were fixed when it was queued), so nothing is doubled.
 * The other order could lose a file whose notice the copy says was sent.
 */
/* syncfs() is a GNU extension */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "store/store_int.h"

/* One file's bytes into a new file to (0600); flushed by the syncfs at the end of the
 * backup, not one by one. */
int
store_copy_file(const char *from, const char *to, struct dberr *e)
{
	char buf[65536];
	ssize_t n = 0;
	int in, out, rc = 0;

	if ((in = open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return dberr_set(e, -errno, "backup: cannot read %s: %s", from, strerror(errno));
	if ((out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		rc = dberr_set(e, DB_ECANTCREAT, "backup: cannot create %s: %s", to,
		               strerror(errno));
		close(in);
		return rc;
	}
	while (rc == 0 && (n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = dberr_set(e, -errno, "backup: cannot read %s: %s", from,
			               strerror(errno));
			break;
		}
		for (ssize_t off = 0; rc == 0 && off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));

			if (w < 0 && errno != EINTR)
				rc = dberr_set(e, -errno, "backup: cannot write %s: %s", to,
				               strerror(errno));
			else if (w > 0)
				off += w;
		}
	}
	if (close(out) != 0 && rc == 0)
		rc = dberr_set(e, -errno, "backup: cannot write %s: %s", to, strerror(errno));
	close(in);
	return rc;
}

/* What the top of a store folder holds that is not copied here: the database's own files
 * (data.mdb is copied as a snapshot, lock.mdb is LMDB's reader table), the running
 * daemon's flock file (it names a process of this machine; the copy's first `run` makes
 * its own), the writers' turns (writers.lock, env.c: made again at the next open) and the
 * files submitted on the web (files.c copies those it knows). */
static const char *const not_copied[] = {"data.mdb", "lock.mdb", "daemon.lock", "writers.lock",
                                         "files"};

static bool
copied(const char *name, bool top)
{
	/* names starting with '.' are a delivery's temporary files (engine/deliver/eml.c) */
	if (name[0] == '.')
		return false;
	for (size_t i = 0; top && i < sizeof(not_copied) / sizeof(not_copied[0]); i++)
		if (strcmp(name, not_copied[i]) == 0)
			return false;
	return true;
}

/* Copies folder from into the existing folder to: regular files and folders, recursively,
 * but not what copied() leaves. Links and special files are not a store's and are
 * skipped. */
static int
copy_tree(const char *from, const char *to, bool top, size_t *nfiles, struct dberr *e)
{
	DIR *d = opendir(from);
	struct dirent *de;
	int rc = 0;

	if (d == NULL)
		return dberr_set(e, -errno, "backup: cannot read %s: %s", from, strerror(errno));
	while (rc == 0 && (de = readdir(d)) != NULL) {
		const char *name = de->d_name;
		char *src, *dst;
		struct stat st;

		if (!copied(name, top))
			continue;
		src = xasprintf("%s/%s", from, name);
		dst = xasprintf("%s/%s", to, name);
		if (lstat(src, &st) != 0) {
			/* gone meanwhile (a temporary file renamed): nothing to copy */
			if (errno != ENOENT)
				rc = dberr_set(e, -errno, "backup: cannot read %s: %s", src,
				               strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			if ((mkdir(dst, 0700) != 0 && errno != EEXIST) || chmod(dst, 0700) != 0)
				rc = dberr_set(e, DB_ECANTCREAT, "backup: cannot create %s: %s", dst,
				               strerror(errno));
			else
				rc = copy_tree(src, dst, false, nfiles, e);
		} else if (S_ISREG(st.st_mode)) {
			rc = store_copy_file(src, dst, e);
			if (rc == 0)
				(*nfiles)++;
		}
		free(src);
		free(dst);
	}
	closedir(d);
	return rc;
}

int
store_backup_files(const char *from, const char *to, size_t *nfiles, struct dberr *e)
{
	size_t n = 0;
	int rc = copy_tree(from, to, true, &n, e), fd;

	/* every copied byte on disk before the backup is reported done: one syncfs for the
	 * file system the copy is on, not one fsync per .eml file */
	if (rc == 0) {
		if ((fd = open(to, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || syncfs(fd) != 0)
			rc = dberr_set(e, -errno, "backup: cannot flush %s: %s", to, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	if (rc == 0 && nfiles != NULL)
		*nfiles = n;
	return rc;
}
