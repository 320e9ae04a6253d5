/*
 * cmd_decide.c - the conduct warnings a rule with `decide` proposed: `warnings` lists them
 * (and every warning made), `decide` records the decision on one, through the same engine
 * call the web uses (conduct_decide), in one transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "engine/cli/cli.h"

struct decide_arg {
	struct engine *en;
	const char *id, *by, *reason;
	bool approve;
};

static int
decide_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct decide_arg *a = arg;

	return conduct_decide(a->en, txn, a->id, a->approve, a->by, a->reason, e);
}

int
cmd_decide(struct cli *c)
{
	struct decide_arg a = {0};
	const char *pos[2];
	struct cli_opt opts[] = {{"by", &a.by, NULL}, {"reason", &a.reason, NULL},
	                         {NULL, NULL, NULL}};
	int npos, rc;

	if ((rc = cli_parse(c, opts, pos, 2, &npos)) != 0)
		return rc;
	if (npos != 2 || a.by == NULL || *a.by == '\0' || a.reason == NULL || *a.reason == '\0')
		return cli_usage(c, "give the WARNING, approve or dismiss, --by WHO and --reason "
		                 "TEXT");
	if (strcmp(pos[1], "approve") != 0 && strcmp(pos[1], "dismiss") != 0)
		return cli_usage(c, "the decision is approve or dismiss, not '%s'", pos[1]);
	a.id = pos[0];
	a.approve = strcmp(pos[1], "approve") == 0;
	if ((rc = cli_engine(c, &a.en)) != 0 ||
	    (rc = store_write(engine_store(a.en), decide_txn, &a, &c->err)) != 0)
		return rc;
	printf("%s: %s\n", a.id, a.approve ? "approved, sent" : "dismissed");
	return 0;
}

struct list_ctx {
	struct engine *en;
	struct store_txn *txn;
	const char *state;
	bool json;
	size_t n;
};

static int
list_cb(const struct conduct_warning *w, void *arg)
{
	struct list_ctx *c = arg;
	const struct engine_plan *ep = engine_plan_find(c->en, w->plan);
	const struct tz *z = ep ? ep->tz : engine_tz(c->en);
	struct buf b = BUF_INIT;
	char when[40];

	if (c->state && strcmp(c->state, w->state) != 0)
		return 0;
	tz_format_rfc3339(z, w->at, when);
	if (c->json) {
		buf_puts(&b, c->n ? ",\n  {\"id\":" : "\n  {\"id\":");
		buf_json_str(&b, w->id);
		buf_puts(&b, ",\"plan\":");
		buf_json_str(&b, w->plan);
		buf_puts(&b, ",\"kind\":");
		buf_json_str(&b, w->kind);
		buf_puts(&b, ",\"jurisdiction\":");
		buf_json_str(&b, w->jurisdiction);
		buf_puts(&b, ",\"state\":");
		buf_json_str(&b, w->state);
		buf_printf(&b, ",\"at\":\"%s\",\"count\":%zu,\"items\":[", when, w->nitems);
		for (size_t i = 0; i < w->nitems; i++) {
			buf_puts(&b, i ? ",{\"why\":" : "{\"why\":");
			buf_json_str(&b, w->items[i].why);
			buf_puts(&b, ",\"task\":");
			buf_json_str(&b, w->items[i].task);
			buf_putc(&b, '}');
		}
		buf_putc(&b, ']');
		if (w->decided_by) {
			buf_puts(&b, ",\"decided_by\":");
			buf_json_str(&b, w->decided_by);
			buf_puts(&b, ",\"reason\":");
			buf_json_str(&b, w->reason ? w->reason : "");
		}
		if (w->superseded_by) {
			buf_puts(&b, ",\"superseded_by\":");
			buf_json_str(&b, w->superseded_by);
		}
		buf_putc(&b, '}');
	} else {
		buf_printf(&b, "%-5s %-16s %-30s %-20s %-10s %5zu  %s", w->id, w->plan, w->kind,
		           w->jurisdiction, w->state, w->nitems, when);
		if (w->decided_by)
			buf_printf(&b, "  %s: %s", w->decided_by, w->reason ? w->reason : "");
		if (w->superseded_by)
			buf_printf(&b, "  by %s", w->superseded_by);
		buf_putc(&b, '\n');
		if (ep != NULL)
			conduct_items_text(c->txn, c->en, ep, w->items, w->nitems, "    ", &b);
		buf_putc(&b, '\n');
	}
	fputs(buf_str(&b), stdout);
	buf_release(&b);
	c->n++;
	return 0;
}

static int
list_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct list_ctx *c = arg;

	c->txn = txn;
	return conduct_warning_each(txn, NULL, list_cb, c, e);
}

int
cmd_warnings(struct cli *c)
{
	struct list_ctx lc = {0};
	const char *format = NULL;
	struct cli_opt opts[] = {{"state", &lc.state, NULL}, {"format", &format, NULL},
	                         {NULL, NULL, NULL}};
	int rc;

	if ((rc = cli_parse(c, opts, NULL, 0, NULL)) != 0)
		return rc;
	if (format && strcmp(format, "json") != 0 && strcmp(format, "table") != 0)
		return cli_usage(c, "--format is table or json, not '%s'", format);
	if (lc.state && strcmp(lc.state, "proposed") && strcmp(lc.state, "sent") &&
	    strcmp(lc.state, "dismissed") && strcmp(lc.state, "superseded"))
		return cli_usage(c, "--state is proposed, sent, dismissed or superseded, not '%s'",
		                 lc.state);
	lc.json = format && strcmp(format, "json") == 0;
	if ((rc = cli_engine(c, &lc.en)) != 0)
		return rc;
	if (lc.json)
		fputs("[", stdout);
	if ((rc = store_read(engine_store(lc.en), list_txn, &lc, &c->err)) != 0)
		return rc;
	if (lc.json)
		fputs(lc.n ? "\n]\n" : "]\n", stdout);
	else if (lc.n == 0)
		puts("no warnings");
	return 0;
}
