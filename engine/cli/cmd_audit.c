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
#include "base/utf8.h"
#include "base/xalloc.h"
#include "engine/audit/audit.h"
#include "engine/cli/cli.h"
#include "engine/notice/notice.h"
#include "engine/report/report.h"
#include "engine/sched/sched.h"

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

int
cli_audit_key_ready(struct cli *c, const struct config *cfg)
{
	char *pub = NULL;
	int rc;

	if (cfg->audit_key_file == NULL || cfg->audit_key_file[0] == '\0')
		return 0;
	if ((rc = audit_verifier_key(cfg->audit_key_file, "check", &pub, &c->err)) == 0) {
		free(pub);
		return 0;
	}
	{
		char why[sizeof(c->err.msg)];

		snprintf(why, sizeof(why), "%s", c->err.msg);
		dberr_clear(&c->err);
		return dberr_set(&c->err, DB_ECONFIG, "audit.key_file %s cannot be used (%s): "
		                 "checkpoints and the counties' receipts would go out unsigned. "
		                 "Create it (openssl genpkey -algorithm ed25519 -out %s, owned by "
		                 "the user dabiao runs as, mode 0600), or remove audit.key_file so "
		                 "that the store's own key, made by `dabiao init`, is used",
		                 cfg->audit_key_file, why, cfg->audit_key_file);
	}
}

/* Reads and parses a checkpoint file, checking its signature when pub is non-NULL. The
 * file is what its keeper saved: a Windows mail client's CRLF or Notepad's byte order mark
 * is not in the signed text, and taken off (utf8_plain_lines), rather than "not a
 * checkpoint" or a key named "\ufeffdabiao/host" that signed nothing (review13f C6). */
static int
load_checkpoint(const char *path, const char *pub, struct audit_checkpoint *cp,
                struct dberr *e)
{
	char *text = NULL;
	size_t len;
	int rc;

	if ((rc = file_read(path, CHECKPOINT_FILE_MAX, &text, &len, e)) != 0)
		return rc;
	utf8_plain_lines(text, &len);
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
	bool actor_seen; /* a record, whatever the other filters, was done by --actor */
	bool known;  /* known_txn's answer */
	bool header; /* the table's header is still to print: with the first record shown,
	                or at the end when the filters are known and match nothing */
	int werr;   /* the errno of a failed write (ENOSPC, EPIPE, ...) */
};

static void
list_header(struct list_ctx *c)
{
	if (c->header)
		fprintf(c->out, "%8s  %-16s  %-20s %-18s %s\n", "seq", "clock time", "actor",
		        "action", "task or subject, states, by whom");
	c->header = false;
}

static int
list_cb(const struct store_audit *a, void *arg)
{
	struct list_ctx *c = arg;
	uint8_t leaf[AUDIT_HASH_LEN];
	char hex[2 * AUDIT_HASH_LEN + 1], when[32];

	if (c->actor && strcmp(a->actor, c->actor) == 0)
		c->actor_seen = true;
	if ((c->task && strcmp(a->task, c->task) != 0) ||
	    (c->subject && strcmp(a->subject, c->subject) != 0) ||
	    (c->actor && strcmp(a->actor, c->actor) != 0) ||
	    (c->has_since && a->clock_time < c->since))
		return 0;
	buf_reset(&c->line);
	c->shown++;
	list_header(c);
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
		/* who acted (--by, the officer) beside who ran the command (actor): an
		 * inspector reading the table sees both (review12z, Z11) */
		char *by = report_json_str(a->details, "by");

		if (by != NULL && (by[0] == '\0' || strcmp(by, a->actor) == 0)) {
			free(by);
			by = NULL;
		}
		tz_format_local(c->tz, a->clock_time, when);
		fprintf(c->out, "%8" PRIu64 "  %-16s  %-20s %-18s %s%s%s%s%s%s%s%s%s%s\n", a->seq,
		        when, a->actor, a->action, a->task[0] ? a->task : a->subject,
		        a->from_state[0] || a->to_state[0] ? "  " : "", a->from_state,
		        a->from_state[0] || a->to_state[0] ? " -> " : "", a->to_state,
		        by ? "  by " : "", by ? by : "",
		        kind ? "  (" : "", kind ? kind : "", kind ? ")" : "");
		free(by);
		free(kind);
	}
	if (ferror(c->out)) {
		/* the cause is kept: a full disk is "No space left on device", as elsewhere */
		c->werr = errno != 0 ? errno : EIO;
		return c->werr == EPIPE ? -EPIPE : -EIO;
	}
	return 0;
}

/* Whether lc's --task is a task of the store, and its --subject a subject of the
 * registry (lc.known). */
static int
known_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct list_ctx *c = arg;
	struct store_task t;
	int rc = 0;

	c->known = true;
	if (c->task != NULL) {
		rc = store_task_get(txn, c->task, &t, e);
		if (rc == 0)
			store_task_release(&t);
		else if (rc != DB_ENOTFOUND)
			return rc;
		dberr_clear(e);
		c->known = rc == 0;
	}
	if (c->known && c->subject != NULL)
		return cli_subject_known(txn, c->subject, &c->known, e);
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
	lc.header = lc.format == 0;
	rc = store_read(s, list_txn, &lc, &c->err);
	/* a --task or --subject no record names and the store does not know: a usage error
	 * naming it, as every command's filters are (cli_check_filters), never an empty trail
	 * that would read as "nothing was done"; one the store knows shows its empty trail */
	if (rc == 0 && lc.shown == 0 && (lc.task || lc.subject) &&
	    (rc = store_read(s, known_txn, &lc, &c->err)) == 0 && !lc.known)
		rc = lc.task ? cli_usage(c, "--task: no task '%s' in the store and no record names "
		                         "it (dabiao tasks lists them)", lc.task)
		             : cli_usage(c, "--subject: no record names '%s', and no jurisdiction, "
		                         "enterprise or office has that id", lc.subject);
	/* an --actor no record names (a typo, a person who never acted): the same usage
	 * error, never a header-only trail read as "this person did nothing" (review 13e, E1) */
	if (rc == 0 && lc.actor != NULL && !lc.actor_seen)
		rc = cli_usage(c, "--actor: no record was made by '%s' (the actor column of "
		               "`dabiao audit` shows who acted)", lc.actor);
	if (rc == 0)
		list_header(&lc);
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
	char *by;            /* who kept it: "USER: dabiao audit checkpoint" */
};

static int
head_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct head_ctx *h = arg;

	if (h->text != NULL)
		return audit_checkpoint_keep(txn, h->size, h->text, engine_wall_clock(), h->by, e);
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
	h.by = xasprintf("%s: dabiao audit checkpoint", c->env->actor);
	if ((rc = store_write(s, head_txn, &h, &c->err)) != 0)
		goto out;
	if (format != NULL)
		rc = checkpoint_json(&cp, text, &c->err);
	else
		fputs(text, stdout);
out:
	free(h.by);
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

/* ---- verification (engine/sched/verify.c, which the web's audit page runs too) ---- */

struct note_ctx {
	const struct sched_verify_run *run;
};

static int
note_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	return sched_verify_note(txn, ((struct note_ctx *)arg)->run, e);
}

static int
audit_verify_cmd(struct cli *c)
{
	const char *cpfile = NULL, *keyarg = NULL;
	bool nofiles = false;
	struct cli_opt opts[] = {{"checkpoint", &cpfile, NULL}, {"key", &keyarg, NULL},
	                         {"no-files", NULL, &nofiles}, {NULL, NULL, NULL}};
	struct audit_checkpoint cp;
	struct sched_verify_opts o = {0};
	struct sched_verification v = {0};
	struct sched_verify_run run;
	struct note_ctx nc = {&run};
	const struct config *cfg;
	struct store *s;
	struct dberr ne;
	char hex[2 * AUDIT_HASH_LEN + 1], *key = NULL;
	bool readonly = false;
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
		o.cp = &cp;
		o.cp_name = cpfile;
	}
	o.skip_files = nofiles;
	/* the run's outcome is kept for the web's audit page: a write; but an inspector checks
	 * a copy on read-only media too, where the check is what matters: there it is made
	 * read-only and its outcome only printed */
	c->flags |= CLI_WRITE;
	if (cli_store(c, &s) != 0) {
		c->flags &= ~CLI_WRITE;
		ne = c->err;
		dberr_clear(&c->err);
		if ((rc = cli_store(c, &s)) != 0)
			goto out;
		readonly = true;
		fprintf(stderr, "dabiao: note: the store cannot be written here (%s): it is checked "
		        "read-only and the result is not kept for the audit page\n", ne.msg);
	}
	rc = sched_verify(s, &o, &v, &c->err);
	for (size_t i = 0; i < v.nlisted; i++) {
		struct buf b = BUF_INIT;

		sched_verify_fault_text(&v.faults[i], &b);
		fprintf(stderr, "dabiao: %s\n", buf_str(&b));
		buf_release(&b);
	}
	if (v.nfaults > v.nlisted)
		fprintf(stderr, "dabiao: ... and %" PRIu64 " more submitted files\n",
		        v.nfaults - (uint64_t)v.nlisted);
	/* an error that stopped the check (the store unreadable, a file that cannot be read)
	 * says nothing of the evidence: only a finished check is kept */
	if (!readonly && (rc == 0 || rc == DB_EDATA)) {
		sched_verify_run_of(&v, rc, &c->err, engine_wall_clock(), c->env->actor, &run);
		dberr_clear(&ne);
		if (store_write(s, note_txn, &nc, &ne) != 0)
			fprintf(stderr, "dabiao: warning: the result was not kept for the audit page: "
			        "%s\n", ne.msg);
	}
	if (rc != 0)
		goto out;
	audit_hex(v.tree.root, AUDIT_HASH_LEN, hex);
	printf("audit log: %" PRIu64 " records, root %s: every record matches the tree\n",
	       v.tree.size, hex);
	printf("notices: %" PRIu64 " stored messages and %" PRIu64 " .eml files match their "
	       "records' sha256\n", v.notices, v.emls);
	if (v.files_skipped)
		printf("submitted files: not checked (--no-files)\n");
	else
		printf("submitted files: %" PRIu64 " (%llu bytes) match their records' sha256\n",
		       v.files, v.file_bytes);
	if (v.tree.stored_size < v.tree.size)
		printf("note: records %" PRIu64 "..%" PRIu64 " were written without the tree; they "
		       "join it at the next change\n", v.tree.stored_size + 1, v.tree.size);
	if (o.cp)
		printf("consistent with checkpoint %s (%s, %" PRIu64 " records), signature good\n",
		       cpfile, cp.origin, cp.size);
out:
	sched_verification_release(&v);
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
