/*
 * cmd_task.c - commands that act on tasks: submit, event, extend, flag. Each is one
 * transaction; a refused event changes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "engine/base/xalloc.h"
#include "engine/cli.h"
#include "engine/engine.h"

/* sha256 of a file, streamed: the file itself stays where it is. */
static int
file_sha256(const char *path, char *hex, struct dberr *e)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[32], buf[65536];
	unsigned int len = 0;
	EVP_MD_CTX *ctx;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return dberr_set(e, DB_ENOINPUT, "cannot open %s: %s", path, strerror(errno));
	ctx = EVP_MD_CTX_new();
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		EVP_DigestUpdate(ctx, buf, (size_t)n);
	EVP_DigestFinal_ex(ctx, md, &len);
	EVP_MD_CTX_free(ctx);
	close(fd);
	if (n < 0)
		return dberr_set(e, DB_EIO, "cannot read %s: %s", path, strerror(errno));
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
	return 0;
}

struct event_arg {
	struct engine *en;
	const char *task;
	const char *event;
	struct task_event_args args;
	const char *to_state;
};

static int
event_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct event_arg *a = arg;

	return task_event(a->en, txn, a->task, a->event, &a->args, &a->to_state, e);
}

/* Delivery of what a command queued happens after its commit. */
static int
finish(struct engine *en, int rc, struct dberr *e)
{
	if (rc == 0)
		rc = deliver_all(en, NULL, e);
	engine_close(en);
	return rc == 0 ? 0 : cli_fail(e);
}

static int
run_event(struct cli *c, const char *task, const char *event, struct event_arg *a,
          const char *at, struct dberr *e)
{
	struct engine *en = NULL;
	int rc;

	if ((rc = engine_open(c->db, 0, &en, e)) != 0)
		return cli_fail(e);
	a->en = en;
	a->task = task;
	a->event = event;
	a->args.at = en->clock.now;
	if (at != NULL) {
		if (tz_parse_time(en->tz, at, &a->args.at) != 0) {
			engine_close(en);
			dberr_set(e, DB_EUSAGE, "--at: '%s' is not a time", at);
			return cli_usage_error(c, e);
		}
		/* on the real clock a time given by hand is a back-dated entry, and says so */
		a->args.backdated = en->clock.mode == STORE_CLOCK_REAL;
	}
	rc = store_write(en->store, event_txn, a, e);
	if (rc == 0)
		printf("%s: %s -> %s\n", task, event, a->to_state);
	return finish(en, rc, e);
}

int
cmd_submit(struct cli *c)
{
	const char *by = NULL, *at = NULL, *file = NULL, *note = NULL, *sections = NULL;
	const char *pos[1];
	struct cli_opt opts[] = {{"by", &by, NULL},     {"at", &at, NULL},
	                         {"file", &file, NULL}, {"note", &note, NULL},
	                         {"sections", &sections, NULL}, {NULL, NULL, NULL}};
	struct event_arg a = {0};
	char hex[65];
	struct dberr e;
	int npos;

	dberr_clear(&e);
	if (cli_parse(c, opts, pos, 1, &npos, NULL, &e) != 0)
		return cli_usage_error(c, &e);
	if (npos != 1 || by == NULL || *by == '\0') {
		dberr_set(&e, DB_EUSAGE, "give the TASK and --by WHO");
		return cli_usage_error(c, &e);
	}
	if (file != NULL) {
		if (file_sha256(file, hex, &e) != 0)
			return cli_fail(&e);
		a.args.file_sha256 = hex;
	}
	a.args.by = by;
	a.args.note = note;
	a.args.sections = sections;
	return run_event(c, pos[0], "submit", &a, at, &e);
}

int
cmd_event(struct cli *c)
{
	const char *by = NULL, *note = NULL, *pos[2];
	struct cli_opt opts[] = {{"by", &by, NULL}, {"note", &note, NULL}, {NULL, NULL, NULL}};
	struct event_arg a = {0};
	struct dberr e;
	int npos;

	dberr_clear(&e);
	if (cli_parse(c, opts, pos, 2, &npos, NULL, &e) != 0)
		return cli_usage_error(c, &e);
	if (npos != 2 || by == NULL || *by == '\0') {
		dberr_set(&e, DB_EUSAGE, "give the TASK, the EVENT and --by WHO");
		return cli_usage_error(c, &e);
	}
	a.args.by = by;
	a.args.note = note;
	return run_event(c, pos[0], pos[1], &a, NULL, &e);
}

struct extend_arg {
	struct engine *en;
	const char *task, *milestone, *period, *jurisdiction, *plan;
	int32_t day;
	const char *by, *reason;
	size_t n;
};

static bool
selected(const struct extend_arg *a, const struct store_task *t)
{
	return strcmp(t->milestone, a->milestone) == 0 &&
	       (a->period == NULL || strcmp(t->period, a->period) == 0) &&
	       (a->jurisdiction == NULL || strcmp(t->jurisdiction, a->jurisdiction) == 0) &&
	       (a->plan == NULL || strcmp(t->plan, a->plan) == 0);
}

struct keylist {
	char **v;
	size_t n, cap;
	struct extend_arg *a;
};

static int
collect_cb(const struct store_task *t, void *arg)
{
	struct keylist *k = arg;

	if (selected(k->a, t)) {
		k->v = xgrow(k->v, &k->cap, k->n + 1, sizeof(char *));
		k->v[k->n++] = xstrdup(t->key);
	}
	return 0;
}

static int
extend_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct extend_arg *a = arg;
	struct keylist k = {NULL, 0, 0, a};
	int rc = 0;

	a->n = 0;
	if (a->task != NULL) {
		rc = task_extend(a->en, txn, a->task, a->day, a->by, a->reason, e);
		a->n = rc == 0 ? 1 : 0;
		return rc;
	}
	/* the selection first, then the changes: no writes under a live cursor */
	rc = store_task_each(txn, "", collect_cb, &k, e);
	for (size_t i = 0; rc == 0 && i < k.n; i++)
		rc = task_extend(a->en, txn, k.v[i], a->day, a->by, a->reason, e);
	a->n = k.n;
	if (rc == 0 && k.n == 0)
		rc = dberr_set(e, DB_ENOTFOUND, "no task matches milestone '%s'%s%s%s%s",
		               a->milestone, a->period ? ", period " : "", a->period ? a->period : "",
		               a->jurisdiction ? ", jurisdiction " : "",
		               a->jurisdiction ? a->jurisdiction : "");
	for (size_t i = 0; i < k.n; i++)
		free(k.v[i]);
	free(k.v);
	return rc;
}

int
cmd_extend(struct cli *c)
{
	const char *to = NULL, *pos[1];
	struct extend_arg a = {0};
	struct cli_opt opts[] = {{"to", &to, NULL},
	                         {"by", &a.by, NULL},
	                         {"reason", &a.reason, NULL},
	                         {"milestone", &a.milestone, NULL},
	                         {"period", &a.period, NULL},
	                         {"jurisdiction", &a.jurisdiction, NULL},
	                         {"plan", &a.plan, NULL},
	                         {NULL, NULL, NULL}};
	struct engine *en = NULL;
	struct dberr e;
	int npos, rc;

	dberr_clear(&e);
	if (cli_parse(c, opts, pos, 1, &npos, NULL, &e) != 0)
		return cli_usage_error(c, &e);
	if ((npos == 1) == (a.milestone != NULL) || to == NULL || a.by == NULL ||
	    a.reason == NULL) {
		dberr_set(&e, DB_EUSAGE, "give TASK or --milestone M, and --to DATE --by WHO "
		          "--reason TEXT");
		return cli_usage_error(c, &e);
	}
	if (cal_parse_date(to, &a.day) != 0) {
		dberr_set(&e, DB_EUSAGE, "--to: '%s' is not a date (YYYY-MM-DD)", to);
		return cli_usage_error(c, &e);
	}
	a.task = npos == 1 ? pos[0] : NULL;
	if ((rc = engine_open(c->db, 0, &en, &e)) != 0)
		return cli_fail(&e);
	a.en = en;
	rc = store_write(en->store, extend_txn, &a, &e);
	if (rc == 0)
		printf("extended %zu task%s to %s\n", a.n, a.n == 1 ? "" : "s", to);
	return finish(en, rc, &e);
}

struct flag_arg {
	struct engine *en;
	const char *task, *kind, *by, *reason;
};

static int
flag_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct flag_arg *a = arg;

	return task_flag(a->en, txn, a->task, a->kind, a->by, a->reason, e);
}

int
cmd_flag(struct cli *c)
{
	struct flag_arg a = {0};
	const char *pos[1];
	struct cli_opt opts[] = {{"kind", &a.kind, NULL}, {"by", &a.by, NULL},
	                         {"reason", &a.reason, NULL}, {NULL, NULL, NULL}};
	struct engine *en = NULL;
	struct dberr e;
	int npos, rc;

	dberr_clear(&e);
	if (cli_parse(c, opts, pos, 1, &npos, NULL, &e) != 0)
		return cli_usage_error(c, &e);
	if (npos != 1 || a.kind == NULL || a.by == NULL || a.reason == NULL) {
		dberr_set(&e, DB_EUSAGE, "give TASK, --kind, --by and --reason");
		return cli_usage_error(c, &e);
	}
	if (strcmp(a.kind, "concealed") && strcmp(a.kind, "falsified") && strcmp(a.kind, "omitted")) {
		dberr_set(&e, DB_EUSAGE, "--kind must be concealed, falsified or omitted, not '%s'",
		          a.kind);
		return cli_usage_error(c, &e);
	}
	a.task = pos[0];
	if ((rc = engine_open(c->db, 0, &en, &e)) != 0)
		return cli_fail(&e);
	a.en = en;
	rc = store_write(en->store, flag_txn, &a, &e);
	if (rc == 0)
		printf("%s: flagged %s\n", a.task, a.kind);
	return finish(en, rc, &e);
}
