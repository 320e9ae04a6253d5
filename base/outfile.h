/*
 * outfile.h - files a command writes for its operator (--out FILE): reports, exports,
 * calendars. They hold the plan's people and the audit trail, so a new one is private
 * (0600) whatever the umask says; an existing file keeps the mode its owner gave it (that
 * is how to ask for another).
 *
 * All or nothing: a regular file (or a new one) is written under a temporary name beside
 * it (".NAME.XXXXXX" in its folder) and renamed over it only once every byte is written
 * and on the disk, so a full disk, a size limit or a crash leaves the file as it was (or
 * no file) and no half of one; the temporary is removed on failure. A device, a pipe or a
 * terminal (/dev/stdout, /dev/full) is written in place: there is nothing to replace, and
 * nothing of it is ever removed; a named pipe no process reads is refused, not waited on.
 * A symbolic link is followed to the file it names.
 */
#ifndef DABIAO_OUTFILE_H
#define DABIAO_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

#include "base/err.h"

struct outfile {
	FILE *fp;        /* write here */
	char *path;      /* the file as named by the caller (messages) */
	char *target;    /* what is replaced: path, or the file a link names */
	char *tmp;       /* the temporary beside it; NULL when written in place */
};

/* Opens path for writing as above. DB_ECANTCREAT "cannot create PATH: REASON" (a missing
 * or read-only folder, no permission, a folder) or "cannot write PATH: it is a named pipe
 * (FIFO) no process is reading"; o is then left empty. */
int outfile_begin(struct outfile *o, const char *path, struct dberr *e);
/* Flushes, syncs and closes, then renames the temporary over the file. DB_EIO "cannot
 * write PATH: REASON" (No space left on device, File too large, ...) with the temporary
 * removed and the file untouched. Always releases o. */
int outfile_commit(struct outfile *o, struct dberr *e);
/* Abandons the writing: the temporary removed, the file untouched. o may be empty (after a
 * failed begin) or already released. Cannot fail. */
void outfile_abort(struct outfile *o);
/* The n bytes at data written to path, all or nothing (begin, write, commit). Errors as
 * outfile_begin's and outfile_commit's. */
int outfile_write(const char *path, const void *data, size_t n, struct dberr *e);

#endif
