/*
 * eml.c - the embedded default transport: each claimed notice becomes an .eml file in
 * <db>/outbox/, the same bytes that would go over SMTP.
 *
 * Each file is written under a temporary name, fsync'd and renamed (by several threads at
 * once, see EML_WRITERS); after the batch the folder is fsync'd, and only then are the
 * items reported done, so a notice is marked
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
#include <pthread.h>
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

/* Files are written by EML_WRITERS threads at once: each file's fsync waits for a journal
 * commit of the file system, and the kernel folds the fsyncs that wait together into one
 * commit, so eight writers make about six times the files a second of one (ext4 on this
 * project's 2-core machine, 100 → 600 a second), where one thread would spend the batch
 * waiting on the disk one file at a time. */
#define EML_WRITERS 8

struct writer {
	struct deliver_batch *b;
	int cancel_fd;
	const char *why;        /* the batch's failure (no folder), or "" */
	size_t next;            /* the next item to take, under lock */
	pthread_mutex_t lock;
	bool *tried;            /* per item: taken (the rest stay not done: cancelled) */
	bool *wrote;            /* per item: its file is written */
	char (*mine)[1024];     /* per item: why it failed */
};

static void *
writer_main(void *arg)
{
	struct writer *w = arg;

	for (;;) {
		struct deliver_item *it;
		char *name;
		size_t i;

		pthread_mutex_lock(&w->lock);
		i = w->next < w->b->n && !cancelled(w->cancel_fd) ? w->next++ : w->b->n;
		pthread_mutex_unlock(&w->lock);
		if (i >= w->b->n)
			return NULL;
		it = &w->b->v[i];
		w->tried[i] = true;
		if (w->why[0] != '\0')
			continue;
		name = notice_eml_name(it->key, it->scheduled);
		w->wrote[i] = write_one(w->b->dir, name, it->message, it->len, w->mine[i],
		                        sizeof(w->mine[i])) == 0;
		free(name);
	}
}

void
deliver_eml_send(struct deliver_batch *b, int cancel_fd, void (*done)(size_t i, void *arg),
                 void *arg)
{
	size_t n = b->n ? b->n : 1;
	struct writer w = {.b = b, .cancel_fd = cancel_fd, .why = ""};
	pthread_t th[EML_WRITERS];
	size_t nth = 0;
	char why[1024] = "";
	int dfd = -1;

	pthread_mutex_init(&w.lock, NULL);
	w.tried = xcalloc(n, sizeof(*w.tried));
	w.wrote = xcalloc(n, sizeof(*w.wrote));
	w.mine = xcalloc(n, sizeof(*w.mine));
	if (mkdir(b->dir, 0700) != 0 && errno != EEXIST)
		snprintf(why, sizeof(why), "cannot create %s: %s", b->dir, strerror(errno));
	w.why = why;
	/* a thread that cannot be started leaves the items to the others, or to this one */
	while (nth < EML_WRITERS && nth + 1 < b->n && pthread_create(&th[nth], NULL, writer_main,
	                                                           &w) == 0)
		nth++;
	writer_main(&w);
	for (size_t t = 0; t < nth; t++)
		pthread_join(th[t], NULL);
	pthread_mutex_destroy(&w.lock);
	/* the names on disk before any notice is called sent */
	if (why[0] == '\0' &&
	    ((dfd = open(b->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || fsync(dfd) != 0))
		snprintf(why, sizeof(why), "cannot flush %s: %s", b->dir, strerror(errno));
	if (dfd >= 0)
		close(dfd);
	for (size_t i = 0; i < b->n; i++) {
		struct deliver_item *it = &b->v[i];
		/* a notice's own failure goes with its reason; a folder's with the folder's */
		const char *reply = !w.wrote[i] && w.mine[i][0] ? w.mine[i] : why[0] ? why : "written";

		if (!w.tried[i])
			continue;
		for (size_t k = 0; k < it->nrcpt; k++) {
			it->result[k] = w.wrote[i] && why[0] == '\0' ? DELIVER_OK : DELIVER_TEMP;
			free(it->reply[k]);
			it->reply[k] = xstrdup(reply);
		}
		it->done = true;
		if (done)
			done(i, arg);
	}
	free(w.tried);
	free(w.wrote);
	free(w.mine);
}
