/*
 * outbox.c - the embedded default delivery: each queued notice becomes an .eml file in
 * <db>/outbox/, the same bytes that would go over SMTP.
 *
 * A file is written under a temporary name, flushed and renamed, and only then is its
 * notice marked sent in a transaction: a crash in between leaves a queued notice whose
 * file already exists, and writing it again produces the same name and bytes, so nothing
 * is lost and nothing is doubled.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/base/buf.h"
#include "engine/base/xalloc.h"
#include "engine/engine.h"

/* A file name that sorts by scheduled time and says which notice it is. */
static char *
eml_name(const struct store_notice *n)
{
	struct buf b = BUF_INIT;
	struct tm tm;
	time_t t = (time_t)n->scheduled;
	char stamp[32];

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	buf_printf(&b, "%s-", stamp);
	for (const char *p = n->key; *p; p++)
		buf_putc(&b, (*p == '/' || *p == '#' || *p == ' ') ? '_' : *p);
	buf_puts(&b, ".eml");
	return buf_detach(&b);
}

static int
write_file(const char *dir, const char *name, const char *data, size_t len, struct dberr *e)
{
	char *tmp = xasprintf("%s/.%s.tmp", dir, name);
	char *path = xasprintf("%s/%s", dir, name);
	int fd, rc = 0;
	size_t off = 0;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = dberr_set(e, -errno, "cannot create %s: %s", tmp, strerror(errno));
		goto out;
	}
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			rc = dberr_set(e, -errno, "cannot write %s: %s", tmp, strerror(errno));
			break;
		}
		off += (size_t)w;
	}
	if (rc == 0 && fsync(fd) != 0)
		rc = dberr_set(e, -errno, "cannot flush %s: %s", tmp, strerror(errno));
	close(fd);
	if (rc == 0 && rename(tmp, path) != 0)
		rc = dberr_set(e, -errno, "cannot rename %s: %s", tmp, strerror(errno));
	if (rc != 0)
		unlink(tmp);
out:
	free(tmp);
	free(path);
	return rc;
}

struct flush_ctx {
	struct engine *en;
	char *dir;
	size_t done;        /* pending[0..done) are written */
	size_t written;
	struct dberr *e;
};

static int
write_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct flush_ctx *c = arg;

	for (size_t i = 0; i < c->en->npending; i++) {
		struct store_notice n;
		char *name;
		int rc = store_notice_get(txn, c->en->pending[i], &n, e);

		if (rc == DB_ENOTFOUND) {
			dberr_clear(e);
			continue;
		}
		if (rc != 0)
			return rc;
		if (strcmp(n.state, "queued") == 0) {
			name = eml_name(&n);
			rc = write_file(c->dir, name, n.message, strlen(n.message), e);
			free(name);
		}
		store_notice_release(&n);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
mark_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct flush_ctx *c = arg;

	c->written = 0;
	for (size_t i = 0; i < c->en->npending; i++) {
		struct store_notice n;
		char *old;
		int rc = store_notice_get(txn, c->en->pending[i], &n, e);

		if (rc == DB_ENOTFOUND) {
			dberr_clear(e);
			continue;
		}
		if (rc != 0)
			return rc;
		if (strcmp(n.state, "queued") != 0) {
			store_notice_release(&n);
			continue;
		}
		old = n.state;
		n.state = "sent";
		rc = store_notice_put(txn, &n, e);
		if (rc == 0)
			rc = engine_audit(c->en, txn, "notice.sent", n.ntasks ? n.tasks[0] : "",
			                  n.subject, "queued", "sent", "{\"transport\":\"file\"}", e);
		n.state = old;
		store_notice_release(&n);
		if (rc != 0)
			return rc;
		c->written++;
	}
	return 0;
}

int
outbox_write_files(struct engine *en, size_t *written, struct dberr *e)
{
	struct flush_ctx c = {en, NULL, 0, 0, e};
	int rc = 0;

	if (en->npending == 0)
		goto out;
	c.dir = xasprintf("%s/outbox", store_dir(en->store));
	if (mkdir(c.dir, 0700) != 0 && errno != EEXIST) {
		rc = dberr_set(e, DB_ECANTCREAT, "cannot create %s: %s", c.dir, strerror(errno));
		goto out;
	}
	rc = store_read(en->store, write_txn, &c, e);
	if (rc == 0)
		rc = store_write(en->store, mark_txn, &c, e);
	if (rc == 0) {
		for (size_t i = 0; i < en->npending; i++)
			free(en->pending[i]);
		en->npending = 0;
	}
out:
	free(c.dir);
	if (written)
		*written = c.written;
	return rc;
}
