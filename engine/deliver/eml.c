/*
 * eml.c - the embedded default delivery: each queued notice becomes an .eml file in
 * <db>/outbox/, the same bytes that would go over SMTP.
 *
 * Files are written under temporary names, flushed together (one syncfs for the batch,
 * not one fsync per file: a morning of 100,000 notices must not take 100,000 disk
 * flushes), renamed, the folder flushed, and only then are the notices marked sent in a
 * transaction: a crash in between leaves queued notices whose files may already exist, and
 * writing them again produces the same names and bytes, so nothing is lost or doubled.
 */
/* syncfs() is a GNU extension */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "engine/deliver/deliver.h"

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

/* Writes dir/.name.tmp; the caller flushes and renames. */
static int
write_tmp(const char *dir, const char *name, const char *data, size_t len, struct dberr *e)
{
	char *tmp = xasprintf("%s/.%s.tmp", dir, name);
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
	close(fd);
	if (rc != 0)
		unlink(tmp);
out:
	free(tmp);
	return rc;
}

struct flush_ctx {
	struct engine *en;
	char *dir;
	char **names;       /* files written to temporary names, to rename after the flush */
	size_t nnames, capnames;
	size_t written;
	struct dberr *e;
};

static int
write_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct flush_ctx *c = arg;

	for (size_t i = 0; i < engine_pending_n(c->en); i++) {
		struct store_notice n;
		char *name;
		int rc = store_notice_get(txn, engine_pending_at(c->en, i), &n, e);

		if (rc == DB_ENOTFOUND) {
			dberr_clear(e);
			continue;
		}
		if (rc != 0)
			return rc;
		if (strcmp(n.state, "queued") == 0) {
			name = eml_name(&n);
			rc = write_tmp(c->dir, name, n.message, strlen(n.message), e);
			c->names = xgrow(c->names, &c->capnames, c->nnames + 1, sizeof(char *));
			c->names[c->nnames++] = name;
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
	for (size_t i = 0; i < engine_pending_n(c->en); i++) {
		struct store_notice n;
		char *old;
		int rc = store_notice_get(txn, engine_pending_at(c->en, i), &n, e);

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
deliver_eml_write(struct engine *en, size_t *written, struct dberr *e)
{
	struct flush_ctx c = {en, NULL, NULL, 0, 0, 0, e};
	int rc = 0, dfd = -1;

	if (engine_pending_n(en) == 0)
		goto out;
	c.dir = xasprintf("%s/outbox", store_dir(engine_store(en)));
	if (mkdir(c.dir, 0700) != 0 && errno != EEXIST) {
		rc = dberr_set(e, DB_ECANTCREAT, "cannot create %s: %s", c.dir, strerror(errno));
		goto out;
	}
	rc = store_read(engine_store(en), write_txn, &c, e);
	if (rc == 0 && (dfd = open(c.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		rc = dberr_set(e, -errno, "cannot open %s: %s", c.dir, strerror(errno));
	/* the data of every file on disk before any name appears */
	if (rc == 0 && syncfs(dfd) != 0)
		rc = dberr_set(e, -errno, "cannot flush %s: %s", c.dir, strerror(errno));
	for (size_t i = 0; rc == 0 && i < c.nnames; i++) {
		char *tmp = xasprintf("%s/.%s.tmp", c.dir, c.names[i]);
		char *path = xasprintf("%s/%s", c.dir, c.names[i]);

		if (rename(tmp, path) != 0)
			rc = dberr_set(e, -errno, "cannot rename %s: %s", tmp, strerror(errno));
		free(tmp);
		free(path);
	}
	if (rc == 0 && c.nnames > 0 && fsync(dfd) != 0)
		rc = dberr_set(e, -errno, "cannot flush %s: %s", c.dir, strerror(errno));
	if (dfd >= 0)
		close(dfd);
	if (rc == 0)
		rc = store_write(engine_store(en), mark_txn, &c, e);
	if (rc == 0)
		engine_pending_truncate(en, 0);
out:
	for (size_t i = 0; i < c.nnames; i++)
		free(c.names[i]);
	free(c.names);
	free(c.dir);
	if (written)
		*written = c.written;
	return rc;
}
