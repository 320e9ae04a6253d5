/*
 * cmd_tasks.c - `dabiao tasks`: every task of the plans' horizon, filtered, as a table,
 * CSV or JSON. JSON is the contract scripts rely on: an array of objects with key, plan,
 * milestone, subject, jurisdiction, period, state, due_date (local, after holiday shift),
 * deadline (RFC 3339 with offset), original_due_date, late, extended.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "engine/cli/cli.h"

enum fmt { FMT_TABLE, FMT_CSV, FMT_JSON };

struct list_ctx {
	struct engine *en;
	const char *subject, *state, *milestone, *jurisdiction;
	enum fmt fmt;
	size_t n;
	struct buf out;
};

static int
task_cb(const struct store_task *t, void *arg)
{
	struct list_ctx *c = arg;
	const struct engine_plan *ep = engine_plan_find(c->en, t->plan);
	char due[16], odue[16], dl[40];

	if ((c->subject && strcmp(c->subject, t->subject) != 0) ||
	    (c->state && strcmp(c->state, t->state) != 0) ||
	    (c->milestone && strcmp(c->milestone, t->milestone) != 0) ||
	    (c->jurisdiction && strcmp(c->jurisdiction, t->jurisdiction) != 0))
		return 0;
	cal_format_date(t->due_date, due);
	cal_format_date(t->orig_due_date, odue);
	tz_format_rfc3339(ep ? ep->tz : engine_tz(c->en), t->deadline, dl);
	switch (c->fmt) {
	case FMT_JSON:
		buf_puts(&c->out, c->n ? ",\n  {" : "\n  {");
		buf_puts(&c->out, "\"key\":");
		buf_json_str(&c->out, t->key);
		buf_puts(&c->out, ",\"plan\":");
		buf_json_str(&c->out, t->plan);
		buf_puts(&c->out, ",\"milestone\":");
		buf_json_str(&c->out, t->milestone);
		buf_puts(&c->out, ",\"subject\":");
		buf_json_str(&c->out, t->subject);
		buf_puts(&c->out, ",\"jurisdiction\":");
		buf_json_str(&c->out, t->jurisdiction);
		buf_puts(&c->out, ",\"period\":");
		buf_json_str(&c->out, t->period);
		buf_puts(&c->out, ",\"state\":");
		buf_json_str(&c->out, t->state);
		buf_printf(&c->out, ",\"due_date\":\"%s\",\"deadline\":\"%s\","
		           "\"original_due_date\":\"%s\",\"late\":%s,\"extended\":%s}",
		           due, dl, odue, (t->flags & STORE_TASK_LATE) ? "true" : "false",
		           (t->flags & STORE_TASK_EXTENDED) ? "true" : "false");
		break;
	case FMT_CSV:
		if (c->n == 0)
			buf_puts(&c->out, "key,plan,milestone,subject,jurisdiction,period,state,"
			                  "due_date,deadline\r\n");
		buf_csv_field(&c->out, t->key);
		buf_putc(&c->out, ',');
		buf_csv_field(&c->out, t->plan);
		buf_putc(&c->out, ',');
		buf_csv_field(&c->out, t->milestone);
		buf_putc(&c->out, ',');
		buf_csv_field(&c->out, t->subject);
		buf_putc(&c->out, ',');
		buf_csv_field(&c->out, t->jurisdiction);
		buf_putc(&c->out, ',');
		buf_csv_field(&c->out, t->period);
		buf_putc(&c->out, ',');
		buf_csv_field(&c->out, t->state);
		buf_printf(&c->out, ",%s,%s\r\n", due, dl);
		break;
	case FMT_TABLE:
		if (c->n == 0)
			buf_printf(&c->out, "%-64s %-10s %-10s  %s\n", "key", "state", "due_date",
			           "deadline");
		buf_printf(&c->out, "%-64s %-10s %s  %s\n", t->key, t->state, due, dl);
		break;
	}
	c->n++;
	/* keep memory flat on big stores: flush as we go */
	if (c->out.len > (1 << 16)) {
		fwrite(c->out.data, 1, c->out.len, stdout);
		buf_reset(&c->out);
	}
	return 0;
}

struct tasks_arg {
	struct list_ctx *c;
	const char *prefix;
};

static int
tasks_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct tasks_arg *a = arg;

	return store_task_each(txn, a->prefix, task_cb, a->c, e);
}

int
cmd_tasks(struct cli *c)
{
	const char *plan = NULL, *format = "table";
	struct list_ctx lc = {0};
	struct cli_opt opts[] = {{"plan", &plan, NULL},          {"subject", &lc.subject, NULL},
	                         {"state", &lc.state, NULL},     {"milestone", &lc.milestone, NULL},
	                         {"jurisdiction", &lc.jurisdiction, NULL},
	                         {"format", &format, NULL},      {NULL, NULL, NULL}};
	struct tasks_arg a = {&lc, ""};
	struct engine *en;
	char *prefix = NULL;
	int rc;

	if ((rc = cli_parse(c, opts, NULL, 0, NULL)) != 0)
		return rc;
	if (strcmp(format, "json") == 0)
		lc.fmt = FMT_JSON;
	else if (strcmp(format, "csv") == 0)
		lc.fmt = FMT_CSV;
	else if (strcmp(format, "table") == 0)
		lc.fmt = FMT_TABLE;
	else
		return cli_usage(c, "--format must be table, csv or json, not '%s'", format);
	if ((rc = cli_engine(c, &en)) != 0)
		return rc;
	lc.en = en;
	if (plan != NULL) {
		if (engine_plan_find(en, plan) == NULL)
			return dberr_set(&c->err, DB_ENOTFOUND, "no plan '%s' in %s", plan, c->env->db);
		prefix = xasprintf("%s/", plan);
		a.prefix = prefix;
	}
	if (lc.fmt == FMT_JSON)
		buf_puts(&lc.out, "[");
	rc = store_read(engine_store(en), tasks_txn, &a, &c->err);
	if (rc == 0) {
		if (lc.fmt == FMT_JSON)
			buf_puts(&lc.out, lc.n ? "\n]\n" : "]\n");
		fwrite(buf_str(&lc.out), 1, lc.out.len, stdout);
	}
	buf_release(&lc.out);
	free(prefix);
	return rc;
}
