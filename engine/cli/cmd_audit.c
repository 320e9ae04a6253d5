/*
 * cmd_audit.c - `dabiao audit`: list the audit log, export it in canonical form, sign its
 * head as a checkpoint, prove one record's inclusion, and verify the whole log against the
 * tree kept beside it and against an earlier checkpoint. docs/audit.md says what each
 * output means and how to check it without dabiao.
 *
 * The signing key is a PEM Ed25519 private key: $DABIAO_AUDIT_KEY names its file, and
 * $DABIAO_AUDIT_ORIGIN the log's name (default "dabiao/<hostname>"), which is also the
 * key's name in signature lines.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/outfile.h"
#include "base/xalloc.h"
#include "engine/audit/audit.h"
#include "engine/cli/cli.h"
#include "engine/report/report.h"

#define KEY_HINT "create one with `openssl genpkey -algorithm ed25519 -out audit-key.pem` " \
                 "and set DABIAO_AUDIT_KEY to its path"

/* The log's origin line: the configuration's (audit.origin, $DABIAO_AUDIT_ORIGIN), else
 * "dabiao/<hostname>". out >= 256. */
static void
origin_name(const struct config *cfg, char *out, size_t n)
{
	char host[200];

	if (cfg->audit_origin != NULL && cfg->audit_origin[0] != '\0') {
		snprintf(out, n, "%s", cfg->audit_origin);
		return;
	}
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(out, n, "dabiao/%s", host);
}

/* The signing key's file (audit.key_file, $DABIAO_AUDIT_KEY), or NULL. */
static const char *
key_file(const struct config *cfg)
{
	return cfg->audit_key_file && cfg->audit_key_file[0] ? cfg->audit_key_file : NULL;
}

static int
read_file(const char *path, char **out, struct dberr *e)
{
	FILE *f = fopen(path, "r");
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;

	if (f == NULL)
		return dberr_at(e, DB_ENOINPUT, path, 0, 0, "cannot open: %s", strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b.len < (1u << 20))
		buf_append(&b, chunk, n);
	fclose(f);
	*out = b.data ? buf_detach(&b) : xstrdup("");
	return 0;
}

/* Reads and parses a checkpoint file, checking its signature when pub is non-NULL. */
static int
load_checkpoint(const char *path, const char *pub, struct audit_checkpoint *cp,
                struct dberr *e)
{
	char *text = NULL;
	int rc;

	if ((rc = read_file(path, &text, e)) != 0)
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
	struct buf line;
	size_t shown;
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
		tz_format_local(c->tz, a->clock_time, when);
		fprintf(c->out, "%8" PRIu64 "  %-16s  %-20s %-18s %s%s%s%s%s\n", a->seq, when,
		        a->actor, a->action, a->task[0] ? a->task : a->subject,
		        a->from_state[0] || a->to_state[0] ? "  " : "", a->from_state,
		        a->from_state[0] || a->to_state[0] ? " -> " : "", a->to_state);
	}
	if (ferror(c->out))
		return errno == EPIPE ? -EPIPE : -EIO;
	return 0;
}

static int
list_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct list_ctx *c = arg;
	int rc = store_audit_each(txn, 1, list_cb, c, e);

	if (rc == -EIO || rc == -EPIPE)
		return dberr_set(e, rc, "cannot write the audit records: %s", strerror(-rc));
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
		return cli_usage(c, "--format is table or jsonl (json: for checkpoint), not '%s'",
		                 format);
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
	struct store *s;
	int rc;

	if ((rc = cli_parse(c, opts, NULL, 0, NULL)) != 0)
		return rc;
	lc.format = 2;
	lc.out = stdout;
	if ((rc = cli_store(c, &s)) != 0)
		goto out;
	if (out != NULL && (lc.out = outfile_open(out)) == NULL) {
		rc = dberr_at(e, DB_ECANTCREAT, out, 0, 0, "cannot create: %s", strerror(errno));
		goto out;
	}
	rc = store_read(s, list_txn, &lc, e);
	if (out != NULL) {
		if (fclose(lc.out) != 0 && rc == 0)
			rc = dberr_at(e, DB_EIO, out, 0, 0, "cannot write: %s", strerror(errno));
		if (rc != 0)
			unlink(out);
	} else if (fflush(stdout) != 0 && rc == 0) {
		rc = dberr_set(e, DB_EIO, "cannot write the audit records: %s", strerror(errno));
	}
out:
	buf_release(&lc.line);
	return rc;
}

/* ---- the tree head ---- */

/* The head of the current tree: the stored frontier when it covers every record (O(log n)),
 * else the tree recomputed from the records (records written before the tree existed join
 * it at the next change). */
struct head_ctx {
	uint64_t size;
	uint8_t root[AUDIT_HASH_LEN];
};

static int
head_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct head_ctx *h = arg;
	struct audit_frontier f;
	uint8_t (*leaves)[AUDIT_HASH_LEN] = NULL; /* owned */
	uint64_t count = store_audit_count(txn), n;
	int rc;

	if ((rc = audit_frontier_get(txn, &f, e)) != 0)
		return rc;
	if (f.size > count)
		return dberr_set(e, DB_EDATA,
		                 "the tree has %" PRIu64 " leaves but the log only %" PRIu64
		                 " records: records were deleted (run `dabiao audit verify`)",
		                 f.size, count);
	if (f.size == count) {
		h->size = f.size;
		audit_frontier_root(&f, h->root);
		return 0;
	}
	if ((rc = audit_leaves(txn, count, &leaves, &n, e)) != 0)
		return rc;
	h->size = n;
	audit_tree_root((const uint8_t(*)[AUDIT_HASH_LEN])leaves, n, h->root);
	free(leaves);
	return 0;
}

/* The checkpoint as one JSON object (docs/output.md), through the one writer: the note's
 * three lines as fields, and the note itself, which is what a verifier checks. */
static int
checkpoint_json(const struct audit_checkpoint *cp, const char *note, struct dberr *e)
{
	static const char *const columns[] = {"origin", "size", "root", "root_hex", "note"};
	const char *l2 = strchr(note, '\n'), *l3 = l2 ? strchr(l2 + 1, '\n') : NULL;
	const char *end = l3 ? strchr(l3 + 1, '\n') : NULL;
	char hex[2 * AUDIT_HASH_LEN + 1], *root;
	struct report_table t;
	int rc;

	audit_hex(cp->root, AUDIT_HASH_LEN, hex);
	root = end ? xstrndup(l3 + 1, (size_t)(end - l3 - 1)) : xstrdup("");
	report_table_init(&t, "", "checkpoint", columns, 5);
	report_table_keys(&t, "checkpoint", columns);
	t.record = true;
	report_add_str(&t, cp->origin);
	report_add_num(&t, (double)cp->size, 0);
	report_add_str(&t, root);
	report_add_str(&t, hex);
	report_add_str(&t, note);
	rc = report_write(&t, 1, REPORT_FMT_JSON, NULL, e);
	report_table_release(&t);
	free(root);
	return rc;
}

static int
audit_checkpoint(struct cli *c)
{
	const char *format = NULL;
	struct cli_opt opts[] = {{"format", &format, NULL}, {NULL, NULL, NULL}};
	struct audit_checkpoint cp;
	const struct config *cfg;
	enum report_format fmt;
	struct head_ctx h;
	struct store *s;
	char *text = NULL;
	int rc;

	if ((rc = cli_parse(c, opts, NULL, 0, NULL)) != 0 ||
	    (format != NULL && (rc = report_format_parse(format, REPORT_FMT_MASK(REPORT_FMT_JSON),
	                                                 &fmt, &c->err)) != 0) ||
	    (rc = cli_config(c, &cfg)) != 0)
		return rc;
	if (key_file(cfg) == NULL)
		return dberr_set(&c->err, DB_ECONFIG, "no audit signing key is configured: " KEY_HINT);
	if ((rc = cli_store(c, &s)) != 0 || (rc = store_read(s, head_txn, &h, &c->err)) != 0)
		return rc;
	memset(&cp, 0, sizeof(cp));
	origin_name(cfg, cp.origin, sizeof(cp.origin));
	cp.size = h.size;
	memcpy(cp.root, h.root, AUDIT_HASH_LEN);
	if ((rc = audit_checkpoint_sign(&cp, key_file(cfg), &text, &c->err)) != 0)
		return rc;
	if (format != NULL)
		rc = checkpoint_json(&cp, text, &c->err);
	else
		fputs(text, stdout);
	free(text);
	return rc;
}

static int
audit_key(struct cli *c)
{
	const struct config *cfg;
	char origin[256], *vkey = NULL;
	int rc;

	if ((rc = cli_parse(c, NULL, NULL, 0, NULL)) != 0 || (rc = cli_config(c, &cfg)) != 0)
		return rc;
	if (key_file(cfg) == NULL)
		return dberr_set(&c->err, DB_ECONFIG, "no audit signing key is configured: " KEY_HINT);
	origin_name(cfg, origin, sizeof(origin));
	if ((rc = audit_verifier_key(key_file(cfg), origin, &vkey, &c->err)) != 0)
		return rc;
	printf("%s\n", vkey);
	free(vkey);
	return 0;
}

/* ---- proofs ---- */

struct prove_ctx {
	uint64_t seq;
	const struct audit_checkpoint *cp; /* or NULL: the whole log */
	const char *cp_name;
	uint64_t size;
	uint8_t leaf[AUDIT_HASH_LEN], root[AUDIT_HASH_LEN];
	uint8_t proof[AUDIT_MAX_PROOF][AUDIT_HASH_LEN];
	size_t nproof;
};

static int
prove_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct prove_ctx *p = arg;
	uint8_t (*leaves)[AUDIT_HASH_LEN] = NULL; /* owned */
	uint64_t count = store_audit_count(txn), n;
	int rc;

	p->size = p->cp ? p->cp->size : count;
	if (p->cp && p->size > count)
		return dberr_set(e, DB_EDATA,
		                 "checkpoint %s has %" PRIu64 " records, the log only %" PRIu64
		                 ": records were deleted", p->cp_name, p->size, count);
	if (p->seq == 0 || p->seq > p->size)
		return dberr_set(e, DB_ENOTFOUND,
		                 "record %" PRIu64 " is not in a tree of %" PRIu64 " records%s",
		                 p->seq, p->size, p->cp ? " (the checkpoint's)" : "");
	if ((rc = audit_leaves(txn, p->size, &leaves, &n, e)) != 0)
		return rc;
	audit_tree_root((const uint8_t(*)[AUDIT_HASH_LEN])leaves, n, p->root);
	if (p->cp && memcmp(p->root, p->cp->root, AUDIT_HASH_LEN) != 0) {
		rc = dberr_set(e, DB_EDATA,
		               "the log's first %" PRIu64 " records do not match checkpoint %s: "
		               "the log was changed after it was signed (run `dabiao audit verify "
		               "--checkpoint %s`)", n, p->cp_name, p->cp_name);
		goto out;
	}
	memcpy(p->leaf, leaves[p->seq - 1], AUDIT_HASH_LEN);
	rc = audit_inclusion_proof((const uint8_t(*)[AUDIT_HASH_LEN])leaves, n, p->seq - 1,
	                           p->proof, &p->nproof, e);
out:
	free(leaves);
	return rc;
}

static int
audit_prove(struct cli *c)
{
	const char *cpfile = NULL, *pos[1];
	struct cli_opt opts[] = {{"checkpoint", &cpfile, NULL}, {NULL, NULL, NULL}};
	struct audit_checkpoint cp;
	struct prove_ctx *p;
	const struct config *cfg;
	struct store *s;
	char hex[2 * AUDIT_HASH_LEN + 1], *end;
	int npos = 0, rc;

	if ((rc = cli_parse(c, opts, pos, 1, &npos)) != 0)
		return rc;
	if (npos != 1)
		return cli_usage(c, "which record? give its sequence number");
	p = xcalloc(1, sizeof(*p));
	errno = 0;
	p->seq = strtoull(pos[0], &end, 10);
	if (*end != '\0' || errno != 0 || p->seq == 0) {
		rc = cli_usage(c, "'%s' is not a record's sequence number", pos[0]);
		goto out;
	}
	if (cpfile != NULL) {
		if ((rc = cli_config(c, &cfg)) != 0 ||
		    (rc = load_checkpoint(cpfile, key_file(cfg), &cp, &c->err)) != 0)
			goto out;
		p->cp = &cp;
		p->cp_name = cpfile;
	}
	if ((rc = cli_store(c, &s)) != 0 || (rc = store_read(s, prove_txn, p, &c->err)) != 0)
		goto out;
	printf("seq %" PRIu64 "\nleaf_index %" PRIu64 "\ntree_size %" PRIu64 "\n", p->seq,
	       p->seq - 1, p->size);
	audit_hex(p->leaf, AUDIT_HASH_LEN, hex);
	printf("leaf %s\n", hex);
	audit_hex(p->root, AUDIT_HASH_LEN, hex);
	printf("root %s\n", hex);
	for (size_t i = 0; i < p->nproof; i++) {
		audit_hex(p->proof[i], AUDIT_HASH_LEN, hex);
		printf("proof %s\n", hex);
	}
out:
	free(p);
	return rc;
}

/* ---- verification ---- */

struct verify_ctx {
	struct store_txn *txn;
	struct audit_frontier f;      /* rebuilt from the records */
	const struct audit_checkpoint *cp;
	const char *cp_name;
	uint8_t cp_root[AUDIT_HASH_LEN]; /* root of the first cp->size records */
	uint64_t stored_size;         /* leaves the stored frontier covers */
	struct audit_frontier stored; /* as kept in the store */
	bool head_bad;                /* stored differs from the records' first stored_size */
	struct dberr *e;
};

static int
verify_cb(const struct store_audit *a, void *arg)
{
	struct verify_ctx *v = arg;
	uint8_t leaf[AUDIT_HASH_LEN], want[AUDIT_HASH_LEN];
	char key[40], *hex = NULL;
	struct dberr scratch;
	int rc;

	if (a->seq != v->f.size + 1)
		return dberr_set(v->e, DB_EDATA, "record %" PRIu64 " is missing (the next is %" PRIu64
		                 ")", v->f.size + 1, a->seq);
	audit_record_leaf(a, leaf);
	if (a->seq <= v->stored_size) {
		snprintf(key, sizeof(key), "audit/leaf/%020" PRIu64, a->seq);
		dberr_clear(&scratch);
		rc = store_meta_get(v->txn, key, &hex, &scratch);
		if (rc == 0 && audit_unhex(hex, AUDIT_HASH_LEN, want) != 0)
			rc = DB_EDATA;
		free(hex);
		if (rc != 0 || memcmp(leaf, want, AUDIT_HASH_LEN) != 0)
			return dberr_set(v->e, DB_EDATA,
			                 "record %" PRIu64 ": leaf hash does not match the tree",
			                 a->seq);
	}
	audit_frontier_push(&v->f, leaf);
	if (v->f.size == v->stored_size)
		v->head_bad = v->stored.n != v->f.n ||
		              memcmp(v->stored.h, v->f.h, (size_t)v->f.n * AUDIT_HASH_LEN) != 0;
	if (v->cp && v->f.size == v->cp->size)
		audit_frontier_root(&v->f, v->cp_root);
	return 0;
}

static int
verify_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct verify_ctx *v = arg;
	struct audit_frontier *stored = &v->stored;
	uint64_t count = store_audit_count(txn);
	struct dberr scratch;
	int rc;

	v->txn = txn;
	v->e = e;
	audit_frontier_init(&v->f);
	if ((rc = audit_frontier_get(txn, stored, e)) != 0)
		return rc;
	v->stored_size = stored->size;
	if (stored->size > count)
		return dberr_set(e, DB_EDATA,
		                 "record %" PRIu64 ": missing; the tree has %" PRIu64
		                 " leaves but the log only %" PRIu64 " records", count + 1,
		                 stored->size, count);
	if (v->cp && v->cp->size > count)
		return dberr_set(e, DB_EDATA,
		                 "checkpoint %s has %" PRIu64 " records but the log only %" PRIu64
		                 ": records were deleted", v->cp_name, v->cp->size, count);
	dberr_clear(&scratch);
	rc = store_audit_each(txn, 1, verify_cb, v, &scratch);
	if (rc != 0) {
		/* Our own finding names the record already; a record the store cannot decode
		 * was changed too. */
		if (e->code == 0)
			dberr_set(e, DB_EDATA, "record %" PRIu64 ": cannot be read (%s)",
			          v->f.size + 1, scratch.msg[0] ? scratch.msg : dabiao_strerror(rc));
		return DB_EDATA;
	}
	if (v->head_bad)
		return dberr_set(e, DB_EDATA,
		                 "the stored tree head does not match records 1..%" PRIu64
		                 " although each leaf does: the tree state was rewritten",
		                 v->stored.size);
	if (v->cp) {
		if (v->cp->size == 0)
			audit_frontier_root(&(struct audit_frontier){0}, v->cp_root);
		if (memcmp(v->cp_root, v->cp->root, AUDIT_HASH_LEN) != 0) {
			char got[2 * AUDIT_HASH_LEN + 1], want[2 * AUDIT_HASH_LEN + 1];

			audit_hex(v->cp_root, AUDIT_HASH_LEN, got);
			audit_hex(v->cp->root, AUDIT_HASH_LEN, want);
			return dberr_set(e, DB_EDATA,
			                 "the log is not consistent with checkpoint %s: its first %" PRIu64
			                 " records hash to %s, the checkpoint says %s: the log was "
			                 "rewritten after the checkpoint was signed",
			                 v->cp_name, v->cp->size, got, want);
		}
	}
	return 0;
}

static int
audit_verify(struct cli *c)
{
	const char *cpfile = NULL, *key = NULL;
	struct cli_opt opts[] = {{"checkpoint", &cpfile, NULL}, {"key", &key, NULL},
	                         {NULL, NULL, NULL}};
	struct audit_checkpoint cp;
	struct verify_ctx *v;
	const struct config *cfg;
	struct store *s;
	uint8_t root[AUDIT_HASH_LEN];
	char hex[2 * AUDIT_HASH_LEN + 1];
	int rc;

	if ((rc = cli_parse(c, opts, NULL, 0, NULL)) != 0)
		return rc;
	v = xcalloc(1, sizeof(*v));
	if (cpfile != NULL) {
		if (key == NULL && (rc = cli_config(c, &cfg)) != 0)
			goto out;
		if (key == NULL)
			key = key_file(cfg);
		if (key == NULL) {
			rc = dberr_set(&c->err, DB_ECONFIG,
			               "cannot check the checkpoint's signature without the log's key: "
			               "give --key FILE (its public or private PEM key) or set "
			               "DABIAO_AUDIT_KEY");
			goto out;
		}
		if ((rc = load_checkpoint(cpfile, key, &cp, &c->err)) != 0)
			goto out;
		v->cp = &cp;
		v->cp_name = cpfile;
	}
	if ((rc = cli_store(c, &s)) != 0 || (rc = store_read(s, verify_txn, v, &c->err)) != 0)
		goto out;
	audit_frontier_root(&v->f, root);
	audit_hex(root, AUDIT_HASH_LEN, hex);
	printf("audit log: %" PRIu64 " records, root %s: every record matches the tree\n",
	       v->f.size, hex);
	if (v->stored_size < v->f.size)
		printf("note: records %" PRIu64 "..%" PRIu64 " were written without the tree; they "
		       "join it at the next change\n", v->stored_size + 1, v->f.size);
	if (v->cp)
		printf("consistent with checkpoint %s (%s, %" PRIu64 " records), signature good\n",
		       cpfile, cp.origin, cp.size);
out:
	free(v);
	return rc;
}

int
cmd_audit(struct cli *c)
{
	static const struct {
		const char *name;
		int (*fn)(struct cli *);
	} subs[] = {
		{"checkpoint", audit_checkpoint}, {"export", audit_export}, {"key", audit_key},
		{"prove", audit_prove},           {"verify", audit_verify},
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
