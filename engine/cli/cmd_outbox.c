/*
 * cmd_outbox.c - the outbox seen by an operator: `outbox` lists notices by state, oldest
 * scheduled first, through the one writer (docs/output.md names the fields): scheduled
 * (RFC 3339 with the plan's offset), state, kind, key, to, attempts, answers (each
 * undelivered recipient's last answer), gaps (roles without an address).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "engine/cli/cli.h"
#include "engine/report/report.h"

#define CHUNK 1024

static const char *const columns[] = {"scheduled", "state", "kind", "key", "to", "attempts",
                                      "answers", "gaps"};

/* A notice to list: the store keeps them by key, people want them by time. */
struct entry {
	int64_t scheduled;
	char *key;
};

struct list_ctx {
	struct engine *en;
	const char *state;   /* only this state, or NULL */
	struct entry *v;
	size_t n, cap;
	struct report_out out;
	struct report_table t;
};

static int
collect_cb(const struct store_notice *n, void *arg)
{
	struct list_ctx *c = arg;

	/* pending: not delivered yet, whether waiting in the queue or claimed (in flight) */
	if (c->state != NULL && strcmp(n->state, c->state) != 0 &&
	    !(strcmp(c->state, "queued") == 0 && strcmp(n->state, "claimed") == 0))
		return 0;
	c->v = xgrow(c->v, &c->cap, c->n + 1, sizeof(*c->v));
	c->v[c->n++] = (struct entry){n->scheduled, xstrdup(n->key)};
	return 0;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->scheduled != y->scheduled)
		return x->scheduled < y->scheduled ? -1 : 1;
	return strcmp(x->key, y->key);
}

static void
add_row(struct list_ctx *c, const struct store_notice *n)
{
	const struct engine_plan *ep = engine_plan_find(c->en, n->plan);
	const char *attempts = store_kv_get(n->extra, n->nextra, "attempts");
	const char *gaps = store_kv_get(n->extra, n->nextra, "gaps");
	char when[40], **answers;
	size_t na;

	tz_format_rfc3339(ep ? ep->tz : engine_tz(c->en), n->scheduled, when);
	deliver_answers(n, &answers, &na);
	report_add_str(&c->t, when);
	report_add_str(&c->t, n->state);
	report_add_str(&c->t, n->kind);
	report_add_str(&c->t, n->key);
	report_add_list(&c->t, (const char *const *)n->to, n->nto);
	report_add_num(&c->t, attempts ? strtod(attempts, NULL) : 0, 0);
	report_add_list(&c->t, (const char *const *)answers, na);
	report_add_str(&c->t, gaps);
	for (size_t i = 0; i < na; i++)
		free(answers[i]);
	free(answers);
}

static int
list_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct list_ctx *c = arg;
	int rc = store_notice_each(txn, collect_cb, c, e);

	if (rc == 0 && c->n > 1)
		qsort(c->v, c->n, sizeof(*c->v), entry_cmp);
	for (size_t i = 0; rc == 0 && i < c->n; i++) {
		struct store_notice n;

		if ((rc = store_notice_get(txn, c->v[i].key, &n, e)) != 0)
			break;
		add_row(c, &n);
		store_notice_release(&n);
		if (report_nrows(&c->t) >= CHUNK)
			rc = report_out_rows(&c->out, &c->t, e);
	}
	if (rc == 0)
		rc = report_out_table_end(&c->out, &c->t, e);
	return rc;
}

int
cmd_outbox(struct cli *c)
{
	bool pending = false, failed = false, sent = false, retrying = false;
	const char *format = "table";
	struct cli_opt opts[] = {{"pending", NULL, &pending}, {"failed", NULL, &failed},
	                         {"sent", NULL, &sent},       {"retrying", NULL, &retrying},
	                         {"format", &format, NULL},   {NULL, NULL, NULL}};
	struct list_ctx lc = {0};
	enum report_format fmt;
	int rc;

	if ((rc = cli_parse(c, opts, NULL, 0, NULL)) != 0)
		return rc;
	if (pending + failed + sent + retrying > 1)
		return cli_usage(c, "give at most one of --pending, --retrying, --failed, --sent");
	if ((rc = cli_format(c, format, CLI_FMT_TABLES, &fmt)) != 0)
		return rc;
	lc.state = pending ? "queued" : failed ? "failed" : sent ? "sent" : retrying ? "retrying"
	                                                                                : NULL;
	if ((rc = cli_engine(c, &lc.en)) != 0)
		return rc;
	report_table_init(&lc.t, "", "outbox", columns, sizeof(columns) / sizeof(columns[0]));
	report_table_keys(&lc.t, "outbox", columns);
	if ((rc = report_out_open(&lc.out, fmt, NULL, 1, &c->err)) == 0) {
		rc = store_read(engine_store(lc.en), list_txn, &lc, &c->err);
		if (rc == 0)
			rc = report_out_close(&lc.out, &c->err);
		else
			report_out_close(&lc.out, NULL);
	}
	for (size_t i = 0; i < lc.n; i++)
		free(lc.v[i].key);
	free(lc.v);
	report_table_release(&lc.t);
	return rc;
}
