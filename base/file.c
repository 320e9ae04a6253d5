/*
 * file.c - a whole file read into memory (file.h).
 */
#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/xalloc.h"

int
file_read(const char *path, size_t max, char **data, size_t *len, struct dberr *e)
{
	struct stat st;

	return file_read_stat(path, max, data, len, &st, e);
}

int
file_read_stat(const char *path, size_t max, char **data, size_t *len, struct stat *stp,
               struct dberr *e)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int fd, rc;

	/* O_NONBLOCK: a FIFO without a writer is refused below instead of waited for */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)) < 0) {
		rc = -errno;
		return dberr_at(e, rc, path, 0, 0, "cannot open: %s", strerror(-rc));
	}
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		dberr_at(e, rc, path, 0, 0, "cannot stat: %s", strerror(-rc));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = dberr_at(e, DB_ENOINPUT, path, 0, 0, "not a regular file");
		goto fail;
	}
	if ((uintmax_t)st.st_size > max) {
		rc = (max % ((size_t)1 << 20) == 0)
		     ? dberr_at(e, DB_EDATA, path, 0, 0, "larger than %zu MiB, the most dabiao "
		                "reads of such a file", max >> 20)
		     : dberr_at(e, DB_EDATA, path, 0, 0, "larger than %zu bytes, the most dabiao "
		                "reads of such a file", max);
		goto fail;
	}
	/* One spare byte keeps the text NUL-terminated for callers that want a string. */
	buf = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			dberr_at(e, rc, path, 0, 0, "cannot read: %s", strerror(-rc));
			goto fail;
		}
		if (r == 0)
			break; /* the file shrank while we read: take what is there */
		got += (size_t)r;
	}
	buf[got] = '\0';
	close(fd);
	*stp = st;
	*data = buf;
	*len = got;
	return 0;
fail:
	free(buf);
	close(fd);
	return rc;
}
