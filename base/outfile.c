/*
 * outfile.c - private output files (outfile.h).
 */
#include "base/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

FILE *
outfile_open(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *f;
	int saved;

	if (fd < 0)
		return NULL;
	if ((f = fdopen(fd, "w")) == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
	}
	return f;
}
