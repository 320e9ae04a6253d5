/*
 * cmd_extend.c - `dabiao extend`: move one task's deadline, or a selection's (a milestone,
 * narrowed by period and jurisdiction), in one transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "engine/cli/cli.h"

struct extend_arg {
	struct engine *en;
	const char *task, *milestone, *period, *jurisdiction, *plan;
	int32_t day;
	const char *by, *reason;
	bool backdate;
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
		rc = task_extend(a->en, txn, a->task, a->day, a->by, a->reason, a->backdate, e);
		a->n = rc == 0 ? 1 : 0;
		return rc;
	}
	/* the selection first, then the changes: no writes under a live cursor */
	rc = store_task_each(txn, "", collect_cb, &k, e);
	for (size_t i = 0; rc == 0 && i < k.n; i++)
		rc = task_extend(a->en, txn, k.v[i], a->day, a->by, a->reason, a->backdate, e);
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
	                         {"backdate", NULL, &a.backdate},
	                         {NULL, NULL, NULL}};
	int npos, rc;

	if ((rc = cli_parse(c, opts, pos, 1, &npos)) != 0)
		return rc;
	if ((npos == 1) == (a.milestone != NULL) || to == NULL || a.by == NULL ||
	    a.reason == NULL)
		return cli_usage(c, "give TASK or --milestone M, and --to DATE --by WHO "
		                 "--reason TEXT");
	if (cal_parse_date(to, &a.day) != 0)
		return cli_usage(c, "--to: '%s' is not a date (YYYY-MM-DD)", to);
	a.task = npos == 1 ? pos[0] : NULL;
	if ((rc = cli_engine(c, &a.en)) != 0 ||
	    (rc = engine_write(a.en, extend_txn, &a, &c->err)) != 0)
		return rc;
	printf("extended %zu task%s to %s\n", a.n, a.n == 1 ? "" : "s", to);
	return 0;
}
