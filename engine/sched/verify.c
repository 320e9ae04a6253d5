/*
 * verify.c - `audit verify` whole, one code for the command line and the web's audit page:
 * the log's tree (engine/audit: every record against its leaf and the stored head, and an
 * earlier checkpoint), the messages behind the notice records (the outbox's stored message
 * and its .eml file against each notice.queue record's sha256), and the files handed in on
 * the web (DB/files/ab/abcdef... against each task.submit record's "files"). The tree
 * proves what the records say; the rest proves the messages and files still say it.
 *
 * The last run's outcome is kept in the store (meta "audit/verify"), so the audit page
 * shows it: a verify reads the log, and recording it as a log record would make the log
 * grow with every look at it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/hmap.h"
#include "base/sha256.h"
#include "base/xalloc.h"
#include "engine/notice/notice.h"
#include "engine/report/report.h"
#include "engine/sched/sched_int.h"

/* Submitted files named per read transaction: the records are read in slices and the
 * files hashed between them, so no reader slot is held while gigabytes are read (a long
 * reader keeps the writer from reusing pages) and memory stays bounded. */
#define FILES_SLICE 256
/* Faults listed one by one; the rest are counted. */
#define FAULTS_MAX 100

/* The .eml files the outbox folder holds, listed before the records are read: a notice's
 * record is committed before its file is written, so a file listed first has its record
 * in any later read (no file written meanwhile is taken for one without a record). */
struct eml_list {
	char **names;            /* owned, sorted */
	bool *named;             /* per name: some notice record names it */
	size_t n, cap;
	struct hmap at;          /* name -> index; keys are names' strings */
};

static int
name_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static int
eml_list_read(struct eml_list *l, const char *dir, struct dberr *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t len;

	if (d == NULL)
		return errno == ENOENT ? 0 /* nothing was ever written as a file */
		       : dberr_set(e, DB_EIO, "cannot list %s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		/* .NAME.eml.tmp is a file being written (engine/deliver/eml.c) */
		if (de->d_name[0] == '.' || len < 5 || strcmp(de->d_name + len - 4, ".eml") != 0)
			continue;
		l->names = xgrow(l->names, &l->cap, l->n + 1, sizeof(*l->names));
		l->names[l->n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (l->n > 1)
		qsort(l->names, l->n, sizeof(*l->names), name_cmp);
	l->named = xcalloc(l->n ? l->n : 1, sizeof(*l->named));
	for (size_t i = 0; i < l->n; i++)
		hmap_put(&l->at, l->names[i], i);
	return 0;
}

static void
eml_list_mark(struct eml_list *l, const char *name)
{
	size_t i;

	if (l != NULL && hmap_get(&l->at, name, &i))
		l->named[i] = true;
}

static void
eml_list_release(struct eml_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
	free(l->named);
	hmap_release(&l->at);
}

/* path's SHA-256; *found false (and 0) when there is no such file, else 0 or errno. */
static int
path_sha256(const char *path, char out[SHA256_HEX_SIZE], unsigned long long *len,
            bool *found)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	*found = fd >= 0;
	if (fd < 0)
		return errno == ENOENT ? 0 : errno;
	err = sha256_fd(fd, out, len);
	close(fd);
	return err;
}

/* ---- the messages behind the notice records ---- */

struct msgs_ctx {
	struct store_txn *txn;
	const char *outdir;
	struct hmap unwritten;   /* notice key -> index: its named file was not found */
	char **keys, **names;    /* owned, per index */
	uint64_t *seqs;
	size_t n, cap, capn, caps;
	uint64_t notices, files;
	struct eml_list *found;  /* the .eml files in the folder, each marked when named */
	struct dberr *e;
};

static int
msgs_queue(struct msgs_ctx *m, const struct store_audit *a)
{
	char *key = report_json_str(a->details, "key"), *sha = report_json_str(a->details, "sha256");
	char *eml = report_json_str(a->details, "eml"), *path = NULL, got[SHA256_HEX_SIZE];
	struct store_notice n;
	bool found;
	int rc = 0, err;

	if (key != NULL && sha == NULL) {
		/* a record from before messages were hashed names no file: its notice's file
		 * has the name the transport gives it, and is this record's */
		if (store_notice_get(m->txn, key, &n, m->e) == 0) {
			path = notice_eml_name(n.key, n.scheduled);
			eml_list_mark(m->found, path);
			store_notice_release(&n);
		}
		dberr_clear(m->e);
		goto out;
	}
	if (key == NULL)
		goto out;
	m->notices++;
	rc = store_notice_get(m->txn, key, &n, m->e);
	if (rc == DB_ENOTFOUND) {
		dberr_clear(m->e);
		rc = dberr_set(m->e, DB_EDATA, "record %" PRIu64 ": notice %s is not in the outbox: "
		               "its stored message was deleted", a->seq, key);
		goto out;
	}
	if (rc == DB_ESTORE) {
		/* the message is kept packed (store/pack.c): bytes changed in it no longer
		 * inflate to its lengths and checksum, and that is this notice's evidence failing,
		 * not a store to restore */
		char why[sizeof(m->e->msg)];

		snprintf(why, sizeof(why), "%s", m->e->msg);
		dberr_clear(m->e);
		rc = dberr_set(m->e, DB_EDATA, "record %" PRIu64 ": the stored message of notice %s "
		               "does not read back (%s): the outbox record was changed", a->seq, key,
		               why);
		goto out;
	}
	if (rc != 0)
		goto out;
	sha256_hex(n.message, strlen(n.message), got);
	store_notice_release(&n);
	if (strcmp(got, sha) != 0) {
		rc = dberr_set(m->e, DB_EDATA, "record %" PRIu64 ": the stored message of notice %s "
		               "does not match the record's sha256 (%s, the record says %s): the "
		               "outbox record was changed", a->seq, key, got, sha);
		goto out;
	}
	if (eml == NULL)
		goto out;
	eml_list_mark(m->found, eml);
	path = xasprintf("%s/%s", m->outdir, eml);
	if ((err = path_sha256(path, got, NULL, &found)) != 0) {
		rc = dberr_set(m->e, DB_EIO, "record %" PRIu64 ": cannot read %s: %s", a->seq, path,
		               strerror(err));
		goto out;
	}
	if (found) {
		m->files++;
		if (strcmp(got, sha) != 0)
			rc = dberr_set(m->e, DB_EDATA, "record %" PRIu64 ": %s does not match the "
			               "record's sha256 (%s, the record says %s): the file was changed",
			               a->seq, path, got, sha);
		goto out;
	}
	/* not written yet, or sent over SMTP (no file): a notice.sent record says which */
	m->keys = xgrow(m->keys, &m->cap, m->n + 1, sizeof(*m->keys));
	m->names = xgrow(m->names, &m->capn, m->n + 1, sizeof(*m->names));
	m->seqs = xgrow(m->seqs, &m->caps, m->n + 1, sizeof(*m->seqs));
	m->keys[m->n] = key;
	m->names[m->n] = path;
	m->seqs[m->n] = a->seq;
	hmap_put(&m->unwritten, key, m->n++);
	key = path = NULL;
out:
	free(key);
	free(sha);
	free(eml);
	free(path);
	return rc;
}

static int
msgs_cb(const struct store_audit *a, void *arg)
{
	struct msgs_ctx *m = arg;
	char *key, *transport;
	size_t i;
	int rc = 0;

	if (strcmp(a->action, "notice.queue") == 0)
		return msgs_queue(m, a);
	if (strcmp(a->action, "notice.sent") != 0)
		return 0;
	key = report_json_str(a->details, "key");
	transport = report_json_str(a->details, "transport");
	if (key != NULL && transport != NULL && strcmp(transport, "file") == 0 &&
	    hmap_get(&m->unwritten, key, &i))
		rc = dberr_set(m->e, DB_EDATA, "record %" PRIu64 ": %s is missing, though record %"
		               PRIu64 " says it was written: the file was deleted or renamed",
		               m->seqs[i], m->names[i], a->seq);
	free(key);
	free(transport);
	return rc;
}

/* A file no record names claims to be a notice dabiao sent, and no record says so: put
 * there by hand or by another program, or left by records that were taken back. */
static int
unnamed_files(const struct eml_list *l, const char *outdir, struct dberr *e)
{
	size_t first = l->n, count = 0;

	for (size_t i = 0; i < l->n; i++)
		if (!l->named[i]) {
			first = first < l->n ? first : i;
			count++;
		}
	if (count == 0)
		return 0;
	return dberr_set(e, DB_EDATA, "%s/%s is named by no notice record (%zu such file%s): a "
	                 "file that claims to be a notice sent, with no record that it was: put "
	                 "there by hand or by another program, or its records were taken back; "
	                 "find out who wrote it before removing it", outdir, l->names[first],
	                 count, count == 1 ? "" : "s");
}

static int
verify_messages(struct store_txn *txn, const char *outdir, struct eml_list *found,
                uint64_t *notices, uint64_t *files, struct dberr *e)
{
	struct msgs_ctx m = {txn, outdir, HMAP_INIT, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0, found, e};
	int rc;

	rc = store_audit_each(txn, 1, msgs_cb, &m, e);
	if (rc != 0 && e->code == 0)
		rc = dberr_set(e, DB_EDATA, "the notice records cannot be read: %s",
		               dabiao_strerror(rc));
	if (rc == 0)
		rc = unnamed_files(found, outdir, e);
	*notices = m.notices;
	*files = m.files;
	for (size_t i = 0; i < m.n; i++) {
		free(m.keys[i]);
		free(m.names[i]);
	}
	free(m.keys);
	free(m.names);
	free(m.seqs);
	hmap_release(&m.unwritten);
	return rc;
}

struct tree_ctx {
	const struct sched_verify_opts *o;
	const char *outdir;
	struct eml_list found;
	struct sched_verification *v;
};

static int
tree_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct tree_ctx *t = arg;
	int rc = audit_verify(txn, t->o->cp, t->o->cp_name, &t->v->tree, e);

	if (rc == 0)
		rc = verify_messages(txn, t->outdir, &t->found, &t->v->notices, &t->v->emls, e);
	return rc;
}

/* ---- the files handed in on the web ---- */

struct file_ref {
	uint64_t seq;
	char *task, *name;
	char sha[SHA256_HEX_SIZE];
	unsigned long long size;
};

struct slice_ctx {
	uint64_t last;           /* the log's size verified above: later records wait */
	uint64_t next;           /* the record to read from next; last + 1 when done */
	struct file_ref refs[FILES_SLICE];
	size_t n;
};

#define SLICE_FULL 1

/* A task.submit record's files: `"files":[{"sha256":HEX,"size":N,"name":S},...]`
 * (engine/sched/lifecycle.c writes it; the strings are escaped, so `{"sha256":"` never
 * occurs inside one). A record is taken whole into a slice. */
static int
slice_cb(const struct store_audit *a, void *arg)
{
	struct slice_ctx *x = arg;
	const char *p, *z;
	size_t count = 0;

	if (a->seq > x->last) {
		x->next = x->last + 1;
		return SLICE_FULL;
	}
	x->next = a->seq + 1;
	if (strcmp(a->action, "task.submit") != 0 ||
	    (p = strstr(a->details, "\"files\":[")) == NULL)
		return 0;
	for (z = p; (z = strstr(z, "{\"sha256\":\"")) != NULL; z++)
		count++;
	if (x->n > 0 && x->n + count > FILES_SLICE) {
		x->next = a->seq;        /* this record starts the next slice */
		return SLICE_FULL;
	}
	while ((p = strstr(p, "{\"sha256\":\"")) != NULL && x->n < FILES_SLICE) {
		struct file_ref *f = &x->refs[x->n];
		char *sha = report_json_str(p, "sha256");

		z = strstr(p, "\"size\":");
		f->seq = a->seq;
		snprintf(f->sha, sizeof(f->sha), "%s", sha ? sha : "");
		f->size = z ? strtoull(z + 7, NULL, 10) : 0;
		f->name = report_json_str(p, "name");
		f->task = xstrdup(a->task ? a->task : "");
		free(sha);
		x->n++;
		p++;
	}
	return 0;
}

static int
slice_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct slice_ctx *x = arg;
	int rc = store_audit_each(txn, x->next, slice_cb, x, e);

	if (rc == SLICE_FULL)
		return 0;
	if (rc == 0)
		x->next = x->last + 1;   /* read to the end */
	return rc;
}

static void
fault_add(struct sched_verification *v, const struct file_ref *f, const char *path,
          const char *got)
{
	struct sched_verify_fault *x;

	v->nfaults++;
	if (v->nlisted == FAULTS_MAX)
		return;
	v->faults = xgrow(v->faults, &v->cap, v->nlisted + 1, sizeof(*v->faults));
	x = &v->faults[v->nlisted++];
	x->seq = f->seq;
	x->task = xstrdup(f->task);
	x->name = xstrdup(f->name ? f->name : "");
	x->path = xstrdup(path);
	snprintf(x->sha, sizeof(x->sha), "%s", f->sha);
	snprintf(x->got, sizeof(x->got), "%s", got ? got : "");
}

static int
check_file(const char *filesdir, const struct file_ref *f, struct sched_verification *v,
           struct dberr *e)
{
	char got[SHA256_HEX_SIZE], *path;
	unsigned long long len = 0;
	bool found;
	int err;

	/* the path is the record's hash checked to be 64 hex digits: a record cannot name
	 * any other file */
	if (!sha256_is_hex(f->sha, SHA256_HEX_SIZE - 1)) {
		fault_add(v, f, "", NULL);
		return 0;
	}
	path = xasprintf("%s/%.2s/%s", filesdir, f->sha, f->sha);
	if ((err = path_sha256(path, got, &len, &found)) != 0) {
		int rc = dberr_set(e, DB_EIO, "record %" PRIu64 ": cannot read %s: %s", f->seq,
		                   path, strerror(err));

		free(path);
		return rc;
	}
	v->files++;
	if (found)
		v->file_bytes += len;
	if (!found || strcmp(got, f->sha) != 0)
		fault_add(v, f, path, found ? got : NULL);
	free(path);
	return 0;
}

static int
verify_files(struct store *s, const char *filesdir, struct sched_verification *v,
             struct dberr *e)
{
	struct slice_ctx *x = xcalloc(1, sizeof(*x));
	int rc = 0;

	x->last = v->tree.size;
	x->next = 1;
	while (rc == 0 && x->next <= x->last) {
		x->n = 0;
		rc = store_read(s, slice_txn, x, e);
		for (size_t i = 0; i < x->n; i++) {
			if (rc == 0)
				rc = check_file(filesdir, &x->refs[i], v, e);
			free(x->refs[i].task);
			free(x->refs[i].name);
		}
	}
	free(x);
	if (rc == 0 && v->nfaults > 0)
		rc = dberr_set(e, DB_EDATA, "%" PRIu64 " submitted file%s named by the audit log "
		               "%s missing or no longer match%s the sha256 recorded when handed in",
		               v->nfaults, v->nfaults == 1 ? "" : "s", v->nfaults == 1 ? "is" : "are",
		               v->nfaults == 1 ? "es" : "");
	return rc;
}

int
sched_verify(struct store *s, const struct sched_verify_opts *o, struct sched_verification *v,
             struct dberr *e)
{
	struct tree_ctx t = {o, NULL, {0}, v};
	char *outdir = xasprintf("%s/outbox", store_dir(s));
	char *filesdir = xasprintf("%s/files", store_dir(s));
	int rc;

	memset(v, 0, sizeof(*v));
	t.outdir = outdir;
	v->files_skipped = o->skip_files;
	if ((rc = eml_list_read(&t.found, outdir, e)) == 0 &&
	    (rc = store_read(s, tree_txn, &t, e)) == 0 && !o->skip_files)
		rc = verify_files(s, filesdir, v, e);
	eml_list_release(&t.found);
	free(outdir);
	free(filesdir);
	return rc;
}

void
sched_verification_release(struct sched_verification *v)
{
	for (size_t i = 0; i < v->nlisted; i++) {
		free(v->faults[i].task);
		free(v->faults[i].name);
		free(v->faults[i].path);
	}
	free(v->faults);
	v->faults = NULL;
	v->nlisted = v->cap = 0;
}

/* ---- the last run, kept ---- */

#define VERIFY_META "audit/verify"

/* One line a field, in this order; text fields have no newline (replaced by spaces). */
static void
put_line(struct buf *b, const char *s)
{
	for (; s && *s; s++)
		buf_putc(b, *s == '\n' || *s == '\r' ? ' ' : *s);
	buf_putc(b, '\n');
}

int
sched_verify_note(struct store_txn *txn, const struct sched_verify_run *run, struct dberr *e)
{
	struct buf b = BUF_INIT;
	struct store_clock c;
	int64_t clock_at = run->at;
	int rc;

	/* the store's time too (a virtual clock's), as a record's clock_time */
	if (store_clock_get(txn, &c, e) == 0 && c.mode == STORE_CLOCK_VIRTUAL)
		clock_at = c.now;
	dberr_clear(e);
	buf_printf(&b, "1\n%lld\n%lld\n%d\n%d\n%" PRIu64 "\n%" PRIu64 "\n%" PRIu64 "\n%" PRIu64
	           "\n%" PRIu64 "\n", (long long)run->at, (long long)clock_at, run->ok ? 1 : 0,
	           run->files_skipped ? 1 : 0, run->size, run->notices, run->emls, run->files,
	           run->nfaults);
	put_line(&b, run->by);
	put_line(&b, run->fault);
	rc = store_meta_put(txn, VERIFY_META, buf_str(&b), e);
	buf_release(&b);
	return rc;
}

int
sched_verify_last(struct store_txn *txn, struct sched_verify_run *out, bool *found,
                  struct dberr *e)
{
	char *text = NULL, *p, *line[12];
	long long at, clock_at;
	int ok, skipped, n = 0, rc;

	memset(out, 0, sizeof(*out));
	*found = false;
	rc = store_meta_get(txn, VERIFY_META, &text, e);
	if (rc == DB_ENOTFOUND) {
		dberr_clear(e);
		return 0;
	}
	if (rc != 0)
		return rc;
	for (p = text; n < 12 && p != NULL; n++) {
		line[n] = p;
		if ((p = strchr(p, '\n')) != NULL)
			*p++ = '\0';
	}
	if (n < 12 || strcmp(line[0], "1") != 0 || sscanf(line[1], "%lld", &at) != 1 ||
	    sscanf(line[2], "%lld", &clock_at) != 1 ||
	    sscanf(line[3], "%d", &ok) != 1 || sscanf(line[4], "%d", &skipped) != 1 ||
	    sscanf(line[5], "%" SCNu64, &out->size) != 1 ||
	    sscanf(line[6], "%" SCNu64, &out->notices) != 1 ||
	    sscanf(line[7], "%" SCNu64, &out->emls) != 1 ||
	    sscanf(line[8], "%" SCNu64, &out->files) != 1 ||
	    sscanf(line[9], "%" SCNu64, &out->nfaults) != 1) {
		free(text);
		return dberr_set(e, DB_EDATA, "the store's record of the last audit verify does "
		                 "not read back");
	}
	out->at = at;
	out->clock_at = clock_at;
	out->ok = ok != 0;
	out->files_skipped = skipped != 0;
	snprintf(out->by, sizeof(out->by), "%s", line[10]);
	snprintf(out->fault, sizeof(out->fault), "%s", line[11]);
	*found = true;
	free(text);
	return 0;
}

void
sched_verify_fault_text(const struct sched_verify_fault *f, struct buf *out)
{
	buf_printf(out, "record %" PRIu64 " (task %s): ", f->seq, f->task);
	if (!*f->path)
		buf_printf(out, "names a file by '%s', which is no sha256: the record cannot be "
		           "checked", f->sha);
	else if (!*f->got)
		buf_printf(out, "%s (\"%s\") is missing: the file was deleted or moved", f->path,
		           f->name);
	else
		buf_printf(out, "%s (\"%s\") does not match the record's sha256 (%s, the record "
		           "says %s): the file was changed", f->path, f->name, f->got, f->sha);
}

void
sched_verify_run_of(const struct sched_verification *v, int rc, const struct dberr *e,
                    int64_t at, const char *by, struct sched_verify_run *out)
{
	struct buf b = BUF_INIT;

	memset(out, 0, sizeof(*out));
	out->at = at;
	snprintf(out->by, sizeof(out->by), "%s", by ? by : "");
	out->ok = rc == 0;
	out->files_skipped = v->files_skipped;
	out->size = v->tree.size;
	out->notices = v->notices;
	out->emls = v->emls;
	out->files = v->files;
	out->nfaults = v->nfaults;
	if (rc == 0)
		return;
	/* a file fault names the file; any other, the error's own message */
	if (v->nlisted > 0)
		sched_verify_fault_text(&v->faults[0], &b);
	else
		buf_puts(&b, e->msg);
	snprintf(out->fault, sizeof(out->fault), "%s", buf_str(&b));
	buf_release(&b);
}
