/*
 * cmd_outbox.c - the outbox seen by an operator: `outbox` lists notices by state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/cli/cli.h"

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
	tz_format_local(ep ? ep->tz : engine_tz(c->en), n->scheduled, when);
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
	int rc;

	if ((rc = cli_parse(c, opts, NULL, 0, NULL)) != 0)
		return rc;
	if (pending + failed + sent + retrying > 1)
		return cli_usage(c, "give at most one of --pending, --retrying, --failed, --sent");
	lc.state = pending ? "queued" : failed ? "failed" : sent ? "sent" : retrying ? "retrying"
	                                                                                : NULL;
	if ((rc = cli_engine(c, &lc.en)) != 0)
		return rc;
	return store_read(engine_store(lc.en), list_txn, &lc, &c->err);
}
