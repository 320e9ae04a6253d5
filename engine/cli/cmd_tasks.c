/*
 * cmd_tasks.c - `dabiao tasks`: every task of the plans' horizon, filtered, through the one
 * writer (engine/report/table_out.c) as a table, CSV or JSON. The field names are a contract
 * with scripts (docs/output.md): key, plan, milestone, subject, jurisdiction, period, state,
 * due_date (local, after holiday shift), deadline (RFC 3339 with offset), original_due_date,
 * late, extended, previous_due_date. The text table shows key, state, due_date and deadline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "engine/cli/cli.h"
#include "engine/report/report.h"

/* Rows held before they are written: memory stays flat however many tasks there are. */
#define CHUNK 4096

static const char *const columns[] = {
	"key", "plan", "milestone", "subject", "jurisdiction", "period", "state", "due_date",
	"deadline", "original_due_date", "late", "extended", "previous_due_date"};
enum { C_KEY, C_PLAN, C_MILESTONE, C_SUBJECT, C_JUR, C_PERIOD, C_STATE, C_DUE, C_DEADLINE,
       C_ODUE, C_LATE, C_EXTENDED, C_PDUE, C_N };

struct list_ctx {
	struct engine *en;
	const char *subject, *state, *milestone, *jurisdiction;
	struct report_out out;
	struct report_table t;
	struct dberr *e;
	int rc;
};

static int
task_cb(const struct store_task *t, void *arg)
{
	struct list_ctx *c = arg;
	const struct engine_plan *ep = engine_plan_find(c->en, t->plan);
	char due[16], odue[16], dl[40];
	const char *pdue;

	if ((c->subject && strcmp(c->subject, t->subject) != 0) ||
	    (c->state && strcmp(c->state, t->state) != 0) ||
	    (c->milestone && strcmp(c->milestone, t->milestone) != 0) ||
	    (c->jurisdiction && strcmp(c->jurisdiction, t->jurisdiction) != 0))
		return 0;
	cal_format_date(t->due_date, due);
	cal_format_date(t->orig_due_date, odue);
	tz_format_rfc3339(ep ? ep->tz : engine_tz(c->en), t->deadline, dl);
	report_add_str(&c->t, t->key);
	report_add_str(&c->t, t->plan);
	report_add_str(&c->t, t->milestone);
	report_add_str(&c->t, t->subject);
	report_add_str(&c->t, t->jurisdiction);
	report_add_str(&c->t, t->period);
	report_add_str(&c->t, t->state);
	report_add_str(&c->t, due);
	report_add_str(&c->t, dl);
	report_add_str(&c->t, odue);
	report_add_bool(&c->t, (t->flags & STORE_TASK_LATE) != 0);
	report_add_bool(&c->t, (t->flags & STORE_TASK_EXTENDED) != 0);
	pdue = store_task_extra(t, "previous_due_date");
	report_add_str(&c->t, pdue ? pdue : "");
	/* a reader that went away stops the listing: the callback's non-zero ends the walk */
	if (report_nrows(&c->t) >= CHUNK && (c->rc = report_out_rows(&c->out, &c->t, c->e)) != 0)
		return 1;
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
	int rc = store_task_each(txn, a->prefix, task_cb, a->c, e);

	return a->c->rc != 0 ? a->c->rc : rc;
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
	enum report_format fmt;
	struct engine *en;
	char *prefix = NULL;
	int rc;

	if ((rc = cli_parse(c, opts, NULL, 0, NULL)) != 0 ||
	    (rc = cli_format(c, format, CLI_FMT_TABLES, &fmt)) != 0 ||
	    (rc = cli_engine(c, &en)) != 0)
		return rc;
	lc.en = en;
	lc.e = &c->err;
	if ((rc = cli_check_filters(c, en, &(struct cli_filters){
	             .plan = plan, .milestone = lc.milestone, .state = lc.state,
	             .jurisdiction = lc.jurisdiction, .subject = lc.subject})) != 0)
		return rc;
	if (plan != NULL) {
		prefix = xasprintf("%s/", plan);
		a.prefix = prefix;
	}
	report_table_init(&lc.t, "", "tasks", columns, C_N);
	report_table_keys(&lc.t, "tasks", columns);
	for (int k = C_PLAN; k < C_N; k++)
		if (k != C_STATE && k != C_DUE && k != C_DEADLINE)
			report_table_colflags(&lc.t, (size_t)k, REPORT_COL_WIDE);
	if ((rc = report_out_open(&lc.out, fmt, NULL, 1, &c->err)) == 0) {
		rc = store_read(engine_store(en), tasks_txn, &a, &c->err);
		if (rc == 0)
			rc = report_out_table_end(&lc.out, &lc.t, &c->err);
		if (rc == 0)
			rc = report_out_close(&lc.out, &c->err);
		else
			report_out_close(&lc.out, NULL);
	}
	report_table_release(&lc.t);
	free(prefix);
	return rc;
}
