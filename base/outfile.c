/*
 * outfile.c - private output files, written whole or not at all (outfile.h).
 */
#include "base/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/xalloc.h"

/* What is replaced: path itself, or the file its link names (renaming over the link would
 * put a file where the operator keeps a link). NULL when path is no regular file nor a new
 * one: a device, a pipe, a link whose target is missing; those are written in place. */
static char *
replaced(const char *path)
{
	struct stat st;
	char *real;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? xstrdup(path) : NULL;
	if (S_ISREG(st.st_mode))
		return xstrdup(path);
	if (!S_ISLNK(st.st_mode) || stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (real = realpath(path, NULL)) == NULL)
		return NULL;
	return real;
}

/* ".NAME.XXXXXX" in target's folder: a rename within one file system is atomic. */
static int
open_beside(const char *target, char **tmp)
{
	const char *slash = strrchr(target, '/');
	struct stat st;
	int fd;

	if (slash == NULL)
		*tmp = xasprintf(".%s.XXXXXX", target);
	else
		*tmp = xasprintf("%.*s/.%s.XXXXXX", (int)(slash - target), target, slash + 1);
	if ((fd = mkstemp(*tmp)) < 0) {
		free(*tmp);
		*tmp = NULL;
		return -1;
	}
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	/* mkstemp made it 0600; a file that was there keeps its owner's mode and, for root,
	 * its owner */
	if (stat(target, &st) == 0) {
		(void)fchmod(fd, st.st_mode & 07777);
		if (geteuid() == 0)
			(void)fchown(fd, st.st_uid, st.st_gid);
	}
	return fd;
}

int
outfile_begin(struct outfile *o, const char *path, struct dberr *e)
{
	int fd, err;

	memset(o, 0, sizeof(*o));
	o->target = replaced(path);
	if (o->target != NULL) {
		fd = open_beside(o->target, &o->tmp);
	} else if ((fd = open(path, O_WRONLY | O_TRUNC | O_NONBLOCK | O_CLOEXEC)) >= 0) {
		/* a device or a pipe: O_NONBLOCK so that a FIFO nobody reads is refused (ENXIO)
		 * instead of waiting for ever for a reader (review 13d); writes then block as
		 * usual */
		(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	} else if (errno == ENXIO) {
		memset(o, 0, sizeof(*o));
		return dberr_set(e, DB_ECANTCREAT, "cannot write %s: it is a named pipe (FIFO) no "
		                 "process is reading; start its reader first, or give a file", path);
	} else if (errno == ENOENT) {
		/* a link whose target is missing: the target is made */
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	}
	if (fd < 0 || (o->fp = fdopen(fd, "w")) == NULL) {
		err = errno;
		if (fd >= 0)
			close(fd);
		if (o->tmp != NULL)
			unlink(o->tmp);
		free(o->tmp);
		free(o->target);
		memset(o, 0, sizeof(*o));
		/* "No such file or directory" of a file about to be made means its folder */
		return dberr_set(e, DB_ECANTCREAT, "cannot create %s: %s", path, err == ENOENT
		                 ? "its folder does not exist (make it first, or give another path)"
		                 : strerror(err));
	}
	o->path = xstrdup(path);
	return 0;
}

static void
release(struct outfile *o)
{
	free(o->path);
	free(o->target);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
}

void
outfile_abort(struct outfile *o)
{
	if (o->fp != NULL)
		fclose(o->fp);
	if (o->tmp != NULL)
		unlink(o->tmp);
	release(o);
}

int
outfile_commit(struct outfile *o, struct dberr *e)
{
	int err = 0;

	/* the bytes reach the disk before the name does: a crash between the two leaves the
	 * old file, never a renamed empty one */
	if (fflush(o->fp) != 0 || (o->tmp != NULL && fsync(fileno(o->fp)) != 0))
		err = errno;
	if (fclose(o->fp) != 0 && err == 0)
		err = errno;
	o->fp = NULL;
	if (err == 0 && o->tmp != NULL && rename(o->tmp, o->target) != 0)
		err = errno;
	if (err != 0) {
		dberr_set(e, DB_EIO, "cannot write %s: %s", o->path, strerror(err));
		outfile_abort(o);
		return DB_EIO;
	}
	release(o);
	return 0;
}

int
outfile_write(const char *path, const void *data, size_t n, struct dberr *e)
{
	struct outfile o;
	int rc;

	if ((rc = outfile_begin(&o, path, e)) != 0)
		return rc;
	if (n > 0 && fwrite(data, 1, n, o.fp) != n) {
		rc = dberr_set(e, DB_EIO, "cannot write %s: %s", path, strerror(errno));
		outfile_abort(&o);
		return rc;
	}
	return outfile_commit(&o, e);
}
