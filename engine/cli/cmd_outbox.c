/*
 * cmd_outbox.c - the outbox seen by an operator: `outbox` lists notices by state, and
 * `deliver` delivers everything due once and exits (after `advance` on a virtual store,
 * or from cron on a store whose daemon is not running).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/buf.h"
#include "engine/base/xalloc.h"
#include "engine/cli.h"
#include "engine/engine.h"

struct list_ctx {
	struct engine *en;
	const char *state;   /* only this state, or NULL */
	size_t n;
};

static int
list_cb(const struct store_notice *n, void *arg)
{
	struct list_ctx *c = arg;
	const struct engine_plan *ep = engine_plan_find(c->en, n->plan);
	char when[32];

	if (c->state != NULL && strcmp(n->state, c->state) != 0)
		return 0;
	tz_format_local(ep ? ep->tz : c->en->tz, n->scheduled, when);
	printf("%s  %-9s %-28s %s  to=", when, n->state, n->kind, n->key);
	for (size_t i = 0; i < n->nto; i++)
		printf("%s%s", i ? "," : "", n->to[i]);
	if (store_kv_get(n->extra, n->nextra, "attempts"))
		printf("  attempts=%s", store_kv_get(n->extra, n->nextra, "attempts"));
	for (size_t i = 0; i < n->nextra; i++)
		if (strncmp(n->extra[i].key, "rcpt:", 5) == 0 &&
		    strncmp(n->extra[i].val, "delivered", 9) != 0)
			printf("  %s=\"%s\"", n->extra[i].key + 5, n->extra[i].val);
	if (store_kv_get(n->extra, n->nextra, "gaps"))
		printf("  gaps=\"%s\"", store_kv_get(n->extra, n->nextra, "gaps"));
	putchar('\n');
	c->n++;
	return 0;
}

static int
list_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	return store_notice_each(txn, list_cb, arg, e);
}

int
cmd_outbox(struct cli *c)
{
	bool pending = false, failed = false, sent = false, retrying = false;
	struct cli_opt opts[] = {{"pending", NULL, &pending}, {"failed", NULL, &failed},
	                         {"sent", NULL, &sent},       {"retrying", NULL, &retrying},
	                         {NULL, NULL, NULL}};
	struct list_ctx lc = {0};
	struct engine *en = NULL;
	struct dberr e;
	int rc;

	dberr_clear(&e);
	if (cli_parse(c, opts, NULL, 0, NULL, NULL, &e) != 0)
		return cli_usage_error(c, &e);
	if (pending + failed + sent + retrying > 1) {
		dberr_set(&e, DB_EUSAGE, "give at most one of --pending, --retrying, --failed, --sent");
		return cli_usage_error(c, &e);
	}
	lc.state = pending ? "queued" : failed ? "failed" : sent ? "sent" : retrying ? "retrying"
	                                                                                : NULL;
	if ((rc = engine_open(c->db, STORE_RDONLY, &en, &e)) != 0)
		return cli_fail(&e);
	lc.en = en;
	rc = store_read(en->store, list_txn, &lc, &e);
	engine_close(en);
	return rc == 0 ? 0 : cli_fail(&e);
}

struct retry_ctx {
	struct engine *en;
};

static int
retry_cb(const struct store_due *d, void *arg)
{
	struct retry_ctx *r = arg;
	struct engine *en = r->en;

	if (d->kind != STORE_DUE_OTHER || strncmp(d->task, "deliver#", 8) != 0)
		return 0;
	en->pending = xgrow(en->pending, &en->cappending, en->npending + 1, sizeof(char *));
	en->pending[en->npending++] = xstrdup(d->task + 8);
	return 0;
}

struct collect_arg {
	struct engine *en;
	size_t before;
};

static int
del_cb(const struct store_due *d, void *arg)
{
	struct store_txn *txn = arg;

	if (d->kind != STORE_DUE_OTHER || strncmp(d->task, "deliver#", 8) != 0)
		return 0;
	return store_due_del(txn, d, NULL);
}

static int
collect_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct collect_arg *a = arg;
	struct retry_ctx r = {a->en};
	int rc;

	for (size_t i = a->before; i < a->en->npending; i++)
		free(a->en->pending[i]);
	a->en->npending = a->before;
	rc = store_due_each(txn, a->en->clock.now, 0, retry_cb, &r, e);
	if (rc == 0)
		rc = store_due_each(txn, a->en->clock.now, 0, del_cb, txn, e);
	return rc;
}

int
cmd_deliver(struct cli *c)
{
	struct collect_arg a = {0};
	struct engine *en = NULL;
	struct dberr e;
	size_t sent = 0;
	int rc;

	dberr_clear(&e);
	if (cli_parse(c, NULL, NULL, 0, NULL, NULL, &e) != 0)
		return cli_usage_error(c, &e);
	if ((rc = engine_open(c->db, 0, &en, &e)) != 0)
		return cli_fail(&e);
	a.en = en;
	/* retries whose time has come, then everything still queued */
	rc = store_write(en->store, collect_txn, &a, &e);
	if (rc == 0)
		rc = engine_resume_outbox(en, false, &e);
	if (rc == 0)
		rc = deliver_all(en, &sent, &e);
	if (rc == 0)
		printf("delivered %zu notice%s%s\n", sent, sent == 1 ? "" : "s",
		       en->config.smtp ? "" : " (as .eml files: no SMTP server configured)");
	engine_close(en);
	return rc == 0 ? 0 : cli_fail(&e);
}
