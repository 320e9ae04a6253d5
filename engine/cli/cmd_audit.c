/*
 * cmd_audit.c - `dabiao audit`: list the audit log, export it in canonical form, sign its
 * head as a checkpoint, prove one record's inclusion, and verify the whole log against the
 * tree kept beside it and against an earlier checkpoint. docs/audit.md says what each
 * output means and how to check it without dabiao.
 *
 * The signing key is a PEM Ed25519 private key: the configuration's (audit.key_file,
 * $DABIAO_AUDIT_KEY), else the store's own, made by `init`; $DABIAO_AUDIT_ORIGIN names the
 * log (default "dabiao/<hostname>"), which is also the key's name in signature lines.
 *
 * The computations are engine/audit's (audit.h): this file parses, calls and prints.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/hmap.h"
#include "base/num.h"
#include "base/outfile.h"
#include "base/sha256.h"
#include "base/xalloc.h"
#include "engine/audit/audit.h"
#include "engine/cli/cli.h"
#include "engine/notice/notice.h"
#include "engine/report/report.h"

/* A checkpoint is a few hundred bytes; anything near this is not one. */
#define CHECKPOINT_FILE_MAX ((size_t)1 << 20)

#define KEY_HINT "run `dabiao init` on a new store (it makes one), or create one with " \
                 "`openssl genpkey -algorithm ed25519 -out audit-key.pem` and set " \
                 "audit.key_file or DABIAO_AUDIT_KEY to its path"

/* The signing key's file: the configured one, else the store's own; NULL when neither. The
 * caller frees. */
static char *
key_file(struct cli *c, const struct config *cfg)
{
	return audit_key_file(c->env->db, cfg->audit_key_file);
}

/* Reads and parses a checkpoint file, checking its signature when pub is non-NULL. */
static int
load_checkpoint(const char *path, const char *pub, struct audit_checkpoint *cp,
                struct dberr *e)
{
	char *text = NULL;
	size_t len;
	int rc;

	if ((rc = file_read(path, CHECKPOINT_FILE_MAX, &text, &len, e)) != 0)
		return rc;
	rc = audit_checkpoint_parse(text, path, pub, cp, e);
	free(text);
	return rc;
}

/* ---- listing and export ---- */

struct list_ctx {
	const char *task, *subject, *actor;
	int64_t since;
	bool has_since;
	int format; /* 0 table, 1 jsonl, 2 export */
	struct tz *tz;
	FILE *out;
	const char *out_name; /* the --out file, or NULL: standard output (messages) */
	struct buf line;
	size_t shown;
	int werr;   /* the errno of a failed write (ENOSPC, EPIPE, ...) */
};

static int
list_cb(const struct store_audit *a, void *arg)
{
	struct list_ctx *c = arg;
	uint8_t leaf[AUDIT_HASH_LEN];
	char hex[2 * AUDIT_HASH_LEN + 1], when[32];

	if ((c->task && strcmp(a->task, c->task) != 0) ||
	    (c->subject && strcmp(a->subject, c->subject) != 0) ||
	    (c->actor && strcmp(a->actor, c->actor) != 0) ||
	    (c->has_since && a->clock_time < c->since))
		return 0;
	buf_reset(&c->line);
	c->shown++;
	if (c->format == 2) {
		audit_canonical(&c->line, a);
		fprintf(c->out, "%s\n", buf_str(&c->line));
	} else if (c->format == 1) {
		audit_canonical(&c->line, a);
		audit_leaf_hash(c->line.data, c->line.len, leaf);
		audit_hex(leaf, AUDIT_HASH_LEN, hex);
		fprintf(c->out, "{\"leaf\":\"%s\",\"record\":%s}\n", hex, buf_str(&c->line));
	} else {
		/* which notice a notice record is about: in a task's trail a reminder's delivery
		 * and an overdue notice's refusal otherwise read alike */
		char *kind = strncmp(a->action, "notice.", 7) == 0
		             ? report_json_str(a->details, "kind") : NULL;

		tz_format_local(c->tz, a->clock_time, when);
		fprintf(c->out, "%8" PRIu64 "  %-16s  %-20s %-18s %s%s%s%s%s%s%s%s\n", a->seq, when,
		        a->actor, a->action, a->task[0] ? a->task : a->subject,
		        a->from_state[0] || a->to_state[0] ? "  " : "", a->from_state,
		        a->from_state[0] || a->to_state[0] ? " -> " : "", a->to_state,
		        kind ? "  (" : "", kind ? kind : "", kind ? ")" : "");
		free(kind);
	}
	if (ferror(c->out)) {
		/* the cause is kept: a full disk is "No space left on device", as elsewhere */
		c->werr = errno != 0 ? errno : EIO;
		return c->werr == EPIPE ? -EPIPE : -EIO;
	}
	return 0;
}

static int
list_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct list_ctx *c = arg;
	int rc = store_audit_each(txn, 1, list_cb, c, e);

	if ((rc == -EIO || rc == -EPIPE) && c->werr != 0)
		return dberr_set(e, c->werr == EPIPE ? -EPIPE : -c->werr, "cannot write %s: %s",
		                 c->out_name ? c->out_name : "the audit records", strerror(c->werr));
	return rc;
}

static int
clock_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	return store_clock_get(txn, arg, e);
}

static int
audit_list(struct cli *c)
{
	struct list_ctx lc = {0};
	const char *since = NULL, *format = "table";
	struct cli_opt opts[] = {{"task", &lc.task, NULL},       {"subject", &lc.subject, NULL},
	                         {"actor", &lc.actor, NULL},     {"since", &since, NULL},
	                         {"format", &format, NULL},      {NULL, NULL, NULL}};
	struct store *s;
	struct store_clock clk;
	int rc;

	if ((rc = cli_parse(c, opts, NULL, 0, NULL)) != 0)
		return rc;
	if (strcmp(format, "table") == 0)
		lc.format = 0;
	else if (strcmp(format, "jsonl") == 0)
		lc.format = 1;
	else
		return cli_usage(c, "audit --format is table or jsonl, not '%s' (json is `audit "
		                 "checkpoint`'s)", format);
	lc.out = stdout;
	if ((rc = cli_store(c, &s)) != 0 || (rc = store_read(s, clock_txn, &clk, &c->err)) != 0 ||
	    (rc = tz_open(clk.tz, &lc.tz, &c->err)) != 0)
		goto out;
	if (since != NULL) {
		if (tz_parse_time(lc.tz, since, &lc.since) != 0) {
			rc = cli_usage(c, "--since: cannot read the time '%s'", since);
			goto out;
		}
		lc.has_since = true;
	}
	if (lc.format == 0)
		printf("%8s  %-16s  %-20s %-18s %s\n", "seq", "clock time", "actor", "action",
		       "task or subject, states");
	rc = store_read(s, list_txn, &lc, &c->err);
out:
	buf_release(&lc.line);
	if (lc.tz)
		tz_free(lc.tz);
	return rc;
}

static int
audit_export(struct cli *c)
{
	struct list_ctx lc = {0};
	const char *out = NULL;
	struct cli_opt opts[] = {{"out", &out, NULL}, {NULL, NULL, NULL}};
	struct dberr *e = &c->err;
	struct outfile of = {0};
	struct store *s;
	int rc;

	if ((rc = cli_parse(c, opts, NULL, 0, NULL)) != 0)
		return rc;
	lc.format = 2;
	lc.out = stdout;
	if ((rc = cli_store(c, &s)) != 0)
		goto out;
	/* written whole or not at all: a failed export leaves the file as it was (a report
	 * someone kept, a device such as /dev/full, a link such as /dev/stdout), never half */
	if (out != NULL) {
		if ((rc = outfile_begin(&of, out, e)) != 0)
			goto out;
		lc.out = of.fp;
		lc.out_name = out;
	}
	rc = store_read(s, list_txn, &lc, e);
	if (out != NULL) {
		if (rc == 0)
			rc = outfile_commit(&of, e);
		else
			outfile_abort(&of);
	} else if (fflush(stdout) != 0 && rc == 0) {
		rc = dberr_set(e, DB_EIO, "cannot write the audit records: %s", strerror(errno));
	}
out:
	buf_release(&lc.line);
	return rc;
}

/* ---- the tree head, signed and kept ---- */

struct head_ctx {
	uint64_t size;
	uint8_t root[AUDIT_HASH_LEN];
	const char *text;    /* the signed checkpoint to keep, or NULL: only read the head */
};

static int
head_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct head_ctx *h = arg;

	if (h->text != NULL)
		return audit_checkpoint_keep(txn, h->size, h->text, e);
	return audit_head(txn, &h->size, h->root, e);
}

/* The checkpoint as one JSON object (docs/output.md), through the one writer: the note's
 * three lines as fields, and the note itself, which is what a verifier checks. */
static const char *const checkpoint_columns[] = {"origin", "size", "root", "root_hex",
                                                 "note"};

/* One checkpoint's row of those columns: the note's three lines as fields, and the note. */
static void
checkpoint_row(struct report_table *t, const struct audit_checkpoint *cp, const char *note)
{
	const char *l2 = strchr(note, '\n'), *l3 = l2 ? strchr(l2 + 1, '\n') : NULL;
	const char *end = l3 ? strchr(l3 + 1, '\n') : NULL;
	char hex[2 * AUDIT_HASH_LEN + 1], *root;

	audit_hex(cp->root, AUDIT_HASH_LEN, hex);
	root = end ? xstrndup(l3 + 1, (size_t)(end - l3 - 1)) : xstrdup("");
	report_add_str(t, cp->origin);
	report_add_num(t, (double)cp->size, 0);
	report_add_str(t, root);
	report_add_str(t, hex);
	report_add_str(t, note);
	free(root);
}

static int
checkpoint_json(const struct audit_checkpoint *cp, const char *note, struct dberr *e)
{
	struct report_table t;
	int rc;

	report_table_init(&t, "", "checkpoint", checkpoint_columns, 5);
	report_table_keys(&t, "checkpoint", checkpoint_columns);
	t.record = true;
	checkpoint_row(&t, cp, note);
	rc = report_write(&t, 1, REPORT_FMT_JSON, NULL, e);
	report_table_release(&t);
	return rc;
}

static int
audit_checkpoint(struct cli *c)
{
	const char *format = NULL;
	struct cli_opt opts[] = {{"format", &format, NULL}, {NULL, NULL, NULL}};
	struct audit_checkpoint cp;
	const struct config *cfg;
	struct head_ctx h = {0};
	enum report_format fmt;
	struct store *s;
	char *text = NULL, *key = NULL;
	int rc;

	if ((rc = cli_parse(c, opts, NULL, 0, NULL)) != 0 ||
	    (format != NULL && strcmp(format, "json") != 0 &&
	     (rc = cli_usage(c, "audit checkpoint --format is json, not '%s' (table and jsonl "
	                     "are the list's: dabiao audit --format jsonl)", format)) != 0) ||
	    (format != NULL &&
	     (rc = cli_format(c, format, REPORT_FMT_MASK(REPORT_FMT_JSON), &fmt)) != 0) ||
	    (rc = cli_config(c, &cfg)) != 0)
		return rc;
	if ((key = key_file(c, cfg)) == NULL)
		return dberr_set(&c->err, DB_ECONFIG, "no audit signing key: " KEY_HINT);
	/* the signed head is kept in the store too: a write */
	c->flags |= CLI_WRITE;
	if ((rc = cli_store(c, &s)) != 0 || (rc = store_read(s, head_txn, &h, &c->err)) != 0)
		goto out;
	memset(&cp, 0, sizeof(cp));
	audit_origin_name(cfg->audit_origin, cp.origin, sizeof(cp.origin));
	cp.size = h.size;
	memcpy(cp.root, h.root, AUDIT_HASH_LEN);
	if ((rc = audit_checkpoint_sign(&cp, key, &text, &c->err)) != 0)
		goto out;
	h.text = text;
	if ((rc = store_write(s, head_txn, &h, &c->err)) != 0)
		goto out;
	if (format != NULL)
		rc = checkpoint_json(&cp, text, &c->err);
	else
		fputs(text, stdout);
out:
	free(text);
	free(key);
	return rc;
}

static int
print_checkpoint(const char *text, void *arg)
{
	struct audit_checkpoint cp;
	struct dberr e;
	char hex[2 * AUDIT_HASH_LEN + 1];

	(void)arg;
	dberr_clear(&e);
	if (audit_checkpoint_parse(text, "store", NULL, &cp, &e) != 0) {
		printf("(unreadable: %s)\n", e.msg);
		return 0;
	}
	audit_hex(cp.root, AUDIT_HASH_LEN, hex);
	printf("%10" PRIu64 "  %s  %s\n", cp.size, hex, cp.origin);
	return 0;
}

struct list_cps {
	bool full;
	struct report_table *t;  /* --format csv|json: the rows, else NULL */
};

static int
checkpoint_to_row(const char *text, void *arg)
{
	struct list_cps *l = arg;
	struct audit_checkpoint cp;
	struct dberr e;

	dberr_clear(&e);
	if (audit_checkpoint_parse(text, "store", NULL, &cp, &e) != 0)
		return 0;   /* what the table says "(unreadable: ...)" of has no fields */
	checkpoint_row(l->t, &cp, text);
	return 0;
}

static int
full_checkpoint(const char *text, void *arg)
{
	(void)arg;
	printf("%s\n", text);
	return 0;
}

static int
checkpoints_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct list_cps *l = arg;

	if (l->t != NULL)
		return audit_checkpoint_each(txn, checkpoint_to_row, l, e);
	if (!l->full)
		printf("%10s  %-64s  %s\n", "records", "root", "origin");
	return audit_checkpoint_each(txn, l->full ? full_checkpoint : print_checkpoint, l, e);
}

/* `audit checkpoints [--full]`: the signed heads kept in the store, smallest first. */
static int
audit_checkpoints(struct cli *c)
{
	struct list_cps l = {false, NULL};
	const char *format = "table";
	struct cli_opt opts[] = {{"full", NULL, &l.full}, {"format", &format, NULL},
	                         {NULL, NULL, NULL}};
	enum report_format fmt;
	struct report_table t;
	struct store *s;
	int rc;

	if ((rc = cli_parse(c, opts, NULL, 0, NULL)) != 0 ||
	    (rc = cli_format(c, format, CLI_FMT_TABLES, &fmt)) != 0 ||
	    (rc = cli_store(c, &s)) != 0)
		return rc;
	if (fmt == REPORT_FMT_TABLE)
		return store_read(s, checkpoints_txn, &l, &c->err);
	if (l.full)
		return cli_usage(c, "--full is the table's: csv and json have each note already");
	/* csv and json: the fields of `audit checkpoint --format json`, one row each */
	report_table_init(&t, "", "checkpoints", checkpoint_columns, 5);
	report_table_keys(&t, "checkpoints", checkpoint_columns);
	l.t = &t;
	rc = store_read(s, checkpoints_txn, &l, &c->err);
	if (rc == 0)
		rc = report_write(&t, 1, fmt, NULL, &c->err);
	report_table_release(&t);
	return rc;
}

static int
audit_key(struct cli *c)
{
	const struct config *cfg;
	char origin[256], *vkey = NULL, *key = NULL;
	int rc;

	if ((rc = cli_parse(c, NULL, NULL, 0, NULL)) != 0 || (rc = cli_config(c, &cfg)) != 0)
		return rc;
	if ((key = key_file(c, cfg)) == NULL)
		return dberr_set(&c->err, DB_ECONFIG, "no audit signing key: " KEY_HINT);
	audit_origin_name(cfg->audit_origin, origin, sizeof(origin));
	if ((rc = audit_verifier_key(key, origin, &vkey, &c->err)) == 0)
		printf("%s\n", vkey);
	free(vkey);
	free(key);
	return rc;
}

/* ---- one record: its proof, and the message a notice record stands for ---- */

static int
parse_seq(struct cli *c, const char *s, uint64_t *out)
{
	/* strictly digits: strtoull would read "-1" as the largest number there is */
	if (!num_u64_in(s, 1, UINT64_MAX, out))
		return cli_usage(c, "'%s' is not a record's sequence number (1, 2, 3, ...)", s);
	return 0;
}

struct prove_ctx {
	uint64_t seq;
	const struct audit_checkpoint *cp; /* or NULL: the whole log */
	const char *cp_name;
	struct audit_proof proof;
};

static int
prove_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct prove_ctx *p = arg;

	return audit_prove(txn, p->seq, p->cp, p->cp_name, &p->proof, e);
}

static int
audit_prove_cmd(struct cli *c)
{
	const char *cpfile = NULL, *pos[1];
	struct cli_opt opts[] = {{"checkpoint", &cpfile, NULL}, {NULL, NULL, NULL}};
	struct audit_checkpoint cp;
	struct prove_ctx *p;
	const struct config *cfg;
	struct store *s;
	char hex[2 * AUDIT_HASH_LEN + 1], *key = NULL;
	int npos = 0, rc;

	if ((rc = cli_parse(c, opts, pos, 1, &npos)) != 0)
		return rc;
	if (npos != 1)
		return cli_usage(c, "which record? give its sequence number");
	p = xcalloc(1, sizeof(*p));
	if ((rc = parse_seq(c, pos[0], &p->seq)) != 0)
		goto out;
	if (cpfile != NULL) {
		if ((rc = cli_config(c, &cfg)) != 0)
			goto out;
		key = key_file(c, cfg);
		if ((rc = load_checkpoint(cpfile, key, &cp, &c->err)) != 0)
			goto out;
		p->cp = &cp;
		p->cp_name = cpfile;
	}
	if ((rc = cli_store(c, &s)) != 0 || (rc = store_read(s, prove_txn, p, &c->err)) != 0)
		goto out;
	printf("seq %" PRIu64 "\nleaf_index %" PRIu64 "\ntree_size %" PRIu64 "\n", p->seq,
	       p->seq - 1, p->proof.size);
	audit_hex(p->proof.leaf, AUDIT_HASH_LEN, hex);
	printf("leaf %s\n", hex);
	audit_hex(p->proof.root, AUDIT_HASH_LEN, hex);
	printf("root %s\n", hex);
	for (size_t i = 0; i < p->proof.nproof; i++) {
		audit_hex(p->proof.proof[i], AUDIT_HASH_LEN, hex);
		printf("proof %s\n", hex);
	}
out:
	free(key);
	free(p);
	return rc;
}

struct show_ctx {
	uint64_t seq;
	struct buf out;     /* what to print */
};

static int
show_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct show_ctx *s = arg;
	struct store_audit a;
	struct store_notice n;
	char *key;
	int rc;

	if ((rc = store_audit_get(txn, s->seq, &a, e)) != 0)
		return rc;
	key = strcmp(a.action, "notice.queue") == 0 ? report_json_str(a.details, "key") : NULL;
	if (key == NULL) {
		/* not a notice: the record itself, in the canonical form its leaf hashes */
		audit_canonical(&s->out, &a);
		buf_putc(&s->out, '\n');
		store_audit_release(&a);
		return 0;
	}
	rc = store_notice_get(txn, key, &n, e);
	if (rc == 0) {
		buf_puts(&s->out, n.message);
		store_notice_release(&n);
	}
	free(key);
	store_audit_release(&a);
	return rc;
}

/* `audit show SEQ`: for a notice.queue record, the message's bytes exactly as sent (their
 * sha256 is the record's "sha256"); for any other record, the record. */
static int
audit_show(struct cli *c)
{
	struct show_ctx sc = {0, BUF_INIT};
	const char *pos[1];
	struct store *s;
	int npos = 0, rc;

	if ((rc = cli_parse(c, NULL, pos, 1, &npos)) != 0)
		return rc;
	if (npos != 1)
		return cli_usage(c, "which record? give its sequence number");
	if ((rc = parse_seq(c, pos[0], &sc.seq)) != 0 || (rc = cli_store(c, &s)) != 0 ||
	    (rc = store_read(s, show_txn, &sc, &c->err)) != 0)
		goto out;
	if (fwrite(sc.out.data, 1, sc.out.len, stdout) != sc.out.len)
		rc = dberr_set(&c->err, DB_EIO, "cannot write standard output");
out:
	buf_release(&sc.out);
	return rc;
}

/* ---- verification ---- */

/* The messages behind the notice records: each notice.queue record's sha256 against the
 * message the outbox keeps (what `audit show` prints and delivery sends) and against its
 * .eml file in <db>/outbox/ when the record names one; a file a notice.sent record says
 * was written must be there. The tree proves what the records say; this proves the
 * messages and files still say it. */
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

static int
file_sha256(const char *path, char out[SHA256_HEX_SIZE], bool *found)
{
	char block[65536];
	struct sha256 *h;
	FILE *f = fopen(path, "rb");
	size_t got;
	int err;

	*found = f != NULL;
	if (f == NULL)
		return errno == ENOENT ? 0 : errno;
	h = sha256_begin();
	while ((got = fread(block, 1, sizeof(block), f)) > 0)
		sha256_add(h, block, got);
	err = ferror(f) ? EIO : 0;
	fclose(f);
	sha256_end(h, out);
	return err;
}

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
	if ((err = file_sha256(path, got, &found)) != 0) {
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
verify_messages(struct store_txn *txn, const char *db, struct eml_list *found,
                uint64_t *notices, uint64_t *files, struct dberr *e)
{
	struct msgs_ctx m = {txn, NULL, HMAP_INIT, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0, found, e};
	char *outdir = xasprintf("%s/outbox", db);
	int rc;

	m.outdir = outdir;
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
	free(outdir);
	return rc;
}

struct verify_ctx {
	const struct audit_checkpoint *cp;
	const char *cp_name;
	const char *db;
	struct eml_list found;
	struct audit_verification v;
	uint64_t notices, files;
};

static int
verify_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct verify_ctx *v = arg;
	int rc = audit_verify(txn, v->cp, v->cp_name, &v->v, e);

	if (rc == 0)
		rc = verify_messages(txn, v->db, &v->found, &v->notices, &v->files, e);
	return rc;
}

static int
audit_verify_cmd(struct cli *c)
{
	const char *cpfile = NULL, *keyarg = NULL;
	struct cli_opt opts[] = {{"checkpoint", &cpfile, NULL}, {"key", &keyarg, NULL},
	                         {NULL, NULL, NULL}};
	struct audit_checkpoint cp;
	struct verify_ctx v = {0};
	const struct config *cfg;
	struct store *s;
	char hex[2 * AUDIT_HASH_LEN + 1], *key = NULL, *outdir = NULL;
	int rc;

	if ((rc = cli_parse(c, opts, NULL, 0, NULL)) != 0)
		return rc;
	/* a key checks a checkpoint's signature and nothing else: accepted alone, it would
	 * let an officer believe a signature had been checked */
	if (keyarg != NULL && cpfile == NULL)
		return cli_usage(c, "--key checks a checkpoint's signature: give --checkpoint FILE "
		                    "with it");
	/* the key's own text on the command line (`--key "$(dabiao audit key)"`) is the usual
	 * slip: a usage error that says what --key takes, not "No such file" as configuration */
	if (keyarg != NULL && access(keyarg, F_OK) != 0)
		return cli_usage(c, "--key takes a file holding the key (the line `dabiao audit key` "
		                    "prints, or a PEM key); got a value that is no file: save the key "
		                    "first (`dabiao audit key > key.txt`) and give --key key.txt");
	if (cpfile != NULL) {
		if (keyarg != NULL)
			key = xstrdup(keyarg);
		else if ((rc = cli_config(c, &cfg)) != 0)
			goto out;
		else
			key = key_file(c, cfg);
		if (key == NULL) {
			rc = dberr_set(&c->err, DB_ECONFIG,
			               "cannot check the checkpoint's signature without the log's key: "
			               "give --key FILE (its public or private PEM key) or set "
			               "DABIAO_AUDIT_KEY");
			goto out;
		}
		if ((rc = load_checkpoint(cpfile, key, &cp, &c->err)) != 0)
			goto out;
		v.cp = &cp;
		v.cp_name = cpfile;
	}
	v.db = c->env->db;
	if ((rc = cli_store(c, &s)) != 0)
		goto out;
	outdir = xasprintf("%s/outbox", v.db);
	if ((rc = eml_list_read(&v.found, outdir, &c->err)) != 0 ||
	    (rc = store_read(s, verify_txn, &v, &c->err)) != 0)
		goto out;
	audit_hex(v.v.root, AUDIT_HASH_LEN, hex);
	printf("audit log: %" PRIu64 " records, root %s: every record matches the tree\n",
	       v.v.size, hex);
	printf("notices: %" PRIu64 " stored messages and %" PRIu64 " .eml files match their "
	       "records' sha256\n", v.notices, v.files);
	if (v.v.stored_size < v.v.size)
		printf("note: records %" PRIu64 "..%" PRIu64 " were written without the tree; they "
		       "join it at the next change\n", v.v.stored_size + 1, v.v.size);
	if (v.cp)
		printf("consistent with checkpoint %s (%s, %" PRIu64 " records), signature good\n",
		       cpfile, cp.origin, cp.size);
out:
	eml_list_release(&v.found);
	free(outdir);
	free(key);
	return rc;
}

int
cmd_audit(struct cli *c)
{
	static const struct {
		const char *name;
		int (*fn)(struct cli *);
	} subs[] = {
		{"checkpoint", audit_checkpoint}, {"checkpoints", audit_checkpoints},
		{"export", audit_export},         {"key", audit_key},
		{"prove", audit_prove_cmd},       {"show", audit_show},
		{"verify", audit_verify_cmd},
	};
	if (c->argc > 0 && strncmp(c->argv[0], "--", 2) != 0) {
		for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
			if (strcmp(c->argv[0], subs[i].name) == 0) {
				c->argc--;
				c->argv++;
				return subs[i].fn(c);
			}
		}
		return cli_usage(c, "unknown subcommand '%s'", c->argv[0]);
	}
	return audit_list(c);
}
