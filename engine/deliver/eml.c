/*
 * eml.c - the embedded default transport: each claimed notice becomes an .eml file in
 * <db>/outbox/, the same bytes that would go over SMTP.
 *
 * Each file is written under a temporary name, fsync'd and renamed; after the batch the
 * folder is fsync'd, and only then are the items reported done, so a notice is marked
 * sent only once its file's name and bytes are on disk. Nothing here flushes the whole
 * file system (no syncfs): only what this batch wrote. A crash in between leaves claimed
 * notices whose files may already exist; writing them again produces the same name and
 * bytes, so nothing is lost or doubled. The temporary name is the final one with a dot
 * before and ".tmp" after: one notice has one, reused (and so cleared) by the next try.
 *
 * A file that cannot be written (a full or read-only folder) is that notice's temporary
 * failure, with the path and the reason; the batch goes on with the next one.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "engine/deliver/deliver.h"

static bool
cancelled(int fd)
{
	struct pollfd p = {fd, POLLIN, 0};

	return fd >= 0 && poll(&p, 1, 0) > 0;
}

/* Writes dir/.name.tmp, fsyncs it and renames it to dir/name. */
static int
write_one(const char *dir, const char *name, const char *data, size_t len, char *why,
          size_t whylen)
{
	char *tmp = xasprintf("%s/.%s.tmp", dir, name);
	char *path = xasprintf("%s/%s", dir, name);
	const char *step = "create";
	int fd, err = 0;
	size_t off = 0;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = errno;
		goto out;
	}
	step = "write";
	while (off < len && err == 0) {
		ssize_t w = write(fd, data + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			err = errno;
		else
			off += (size_t)w;
	}
	if (err == 0 && fsync(fd) != 0) {
		step = "flush";
		err = errno;
	}
	if (close(fd) != 0 && err == 0) {
		step = "close";
		err = errno;
	}
	if (err == 0 && rename(tmp, path) != 0) {
		step = "rename";
		err = errno;
	}
	if (err != 0)
		unlink(tmp); /* a full disk keeps no half-written file */
out:
	if (err != 0)
		snprintf(why, whylen, "cannot %s %s: %s", step, path, strerror(err));
	free(tmp);
	free(path);
	return err;
}

void
deliver_eml_send(struct deliver_batch *b, int cancel_fd, void (*done)(size_t i, void *arg),
                 void *arg)
{
	bool *wrote = xcalloc(b->n ? b->n : 1, sizeof(*wrote));
	char why[1024] = "";
	size_t upto = 0;
	int dfd = -1;

	if (mkdir(b->dir, 0700) != 0 && errno != EEXIST)
		snprintf(why, sizeof(why), "cannot create %s: %s", b->dir, strerror(errno));
	for (; upto < b->n && !cancelled(cancel_fd); upto++) {
		struct deliver_item *it = &b->v[upto];
		char *name = notice_eml_name(it->key, it->scheduled);
		char mine[1024] = "";

		if (why[0] == '\0' && write_one(b->dir, name, it->message, it->len, mine,
		                                sizeof(mine)) == 0) {
			wrote[upto] = true;
		} else {
			/* this notice's failure: the reason goes with it, the batch goes on */
			for (size_t k = 0; k < it->nrcpt; k++) {
				it->result[k] = DELIVER_TEMP;
				free(it->reply[k]);
				it->reply[k] = xstrdup(why[0] ? why : mine);
			}
			it->done = true;
			if (done)
				done(upto, arg);
		}
		free(name);
	}
	/* the names on disk before any notice is called sent */
	if ((dfd = open(b->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || fsync(dfd) != 0)
		snprintf(why, sizeof(why), "cannot flush %s: %s", b->dir, strerror(errno));
	if (dfd >= 0)
		close(dfd);
	for (size_t i = 0; i < upto; i++) {
		struct deliver_item *it = &b->v[i];

		if (!wrote[i])
			continue;
		for (size_t k = 0; k < it->nrcpt; k++) {
			it->result[k] = why[0] ? DELIVER_TEMP : DELIVER_OK;
			free(it->reply[k]);
			it->reply[k] = xstrdup(why[0] ? why : "written");
		}
		it->done = true;
		if (done)
			done(i, arg);
	}
	free(wrote);
}
