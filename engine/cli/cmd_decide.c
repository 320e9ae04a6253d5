/*
 * cmd_decide.c - the conduct warnings a rule with `decide` proposed: `warnings` lists them
 * (and every warning made) through the one writer, `decide` records the decision on one,
 * through the same engine call the web uses (conduct_decide), in one transaction.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/num.h"
#include "base/xalloc.h"
#include "engine/cli/cli.h"
#include "engine/report/report.h"

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
	char id[24];
	uint64_t n;
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
	/* a number is read as every number given to dabiao is (num.h): "-1", "0x1f", "1e3"
	 * are a mistake in the command, 64 as for `audit prove -1`, not "no warning '-1'"
	 * (65) as if the store were asked and had none (review 13e, E10) */
	if (!num_u64_in(pos[0], 1, CONDUCT_WARNING_MAX, &n))
		return cli_usage(c, "'%s' is not a warning's number (1, 2, 3, ...: dabiao warnings "
		                 "lists them)", pos[0]);
	snprintf(id, sizeof(id), "%" PRIu64, n);
	a.id = id;
	a.approve = strcmp(pos[1], "approve") == 0;
	if ((rc = cli_engine(c, &a.en)) != 0 ||
	    (rc = engine_write(a.en, decide_txn, &a, &c->err)) != 0)
		return rc;
	printf("%s: %s\n", a.id, a.approve ? "approved, sent" : "dismissed");
	return 0;
}

static const char *const columns[] = {
	"id", "plan", "kind", "jurisdiction", "state", "count", "at", "tasks", "whys",
	"decided_by", "reason", "superseded_by", "voided"};
enum { C_ID, C_PLAN, C_KIND, C_JUR, C_STATE, C_COUNT, C_AT, C_TASKS, C_WHYS, C_BY, C_REASON,
       C_SUPER, C_VOIDED, C_N };

struct list_ctx {
	struct engine *en;
	const char *state, *plan;
	struct report_table t;
};

static int
list_cb(const struct conduct_warning *w, void *arg)
{
	struct list_ctx *c = arg;
	const struct engine_plan *ep = engine_plan_find(c->en, w->plan);
	const char **tasks, **whys, **voided;
	char when[40];

	if (c->state && strcmp(c->state, w->state) != 0)
		return 0;
	tz_format_rfc3339(ep ? ep->tz : engine_tz(c->en), w->at, when);
	tasks = xcalloc(w->nitems + 1, sizeof(*tasks));
	whys = xcalloc(w->nitems + 1, sizeof(*whys));
	voided = xcalloc(w->nvoided + 1, sizeof(*voided));
	for (size_t i = 0; i < w->nvoided; i++)
		voided[i] = w->voided[i].task;
	for (size_t i = 0; i < w->nitems; i++) {
		tasks[i] = w->items[i].task;
		whys[i] = w->items[i].why;
	}
	report_add_str(&c->t, w->id);
	report_add_str(&c->t, w->plan);
	report_add_str(&c->t, w->kind);
	report_add_str(&c->t, w->jurisdiction);
	report_add_str(&c->t, w->state);
	report_add_num(&c->t, (double)w->nitems, 0);
	report_add_str(&c->t, when);
	report_add_list(&c->t, tasks, w->nitems);
	report_add_list(&c->t, whys, w->nitems);
	report_add_str(&c->t, w->decided_by ? w->decided_by : "");
	report_add_str(&c->t, w->reason ? w->reason : "");
	report_add_str(&c->t, w->superseded_by ? w->superseded_by : "");
	report_add_list(&c->t, voided, w->nvoided);
	free(voided);
	free(tasks);
	free(whys);
	return 0;
}

static int
list_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	const struct list_ctx *lc = arg;

	return conduct_warning_each(txn, lc->plan, list_cb, arg, e);
}

int
cmd_warnings(struct cli *c)
{
	struct list_ctx lc = {0};
	const char *format = "table";
	struct cli_opt opts[] = {{"plan", &lc.plan, NULL}, {"state", &lc.state, NULL},
	                         {"format", &format, NULL}, {NULL, NULL, NULL}};
	enum report_format fmt;
	int rc;

	if ((rc = cli_parse(c, opts, NULL, 0, NULL)) != 0 ||
	    (rc = cli_format(c, format, CLI_FMT_TABLES, &fmt)) != 0)
		return rc;
	if (lc.state && strcmp(lc.state, "proposed") && strcmp(lc.state, "sent") &&
	    strcmp(lc.state, "dismissed") && strcmp(lc.state, "superseded") &&
	    strcmp(lc.state, "withdrawn"))
		return cli_usage(c, "--state is proposed, sent, dismissed, superseded or withdrawn, "
		                 "not '%s'", lc.state);
	if ((rc = cli_engine(c, &lc.en)) != 0 ||
	    (rc = cli_check_filters(c, lc.en, &(struct cli_filters){.plan = lc.plan})) != 0)
		return rc;
	report_table_init(&lc.t, "", "warnings", columns, C_N);
	report_table_keys(&lc.t, "warnings", columns);
	for (int k = C_TASKS; k < C_N; k++)
		report_table_colflags(&lc.t, (size_t)k, REPORT_COL_WIDE);
	report_table_colflags(&lc.t, C_PLAN, REPORT_COL_WIDE);
	rc = store_read(engine_store(lc.en), list_txn, &lc, &c->err);
	if (rc == 0)
		rc = report_write(&lc.t, 1, fmt, NULL, &c->err);
	report_table_release(&lc.t);
	return rc;
}
