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
	const char *task;
	struct task_selection sel;
	int32_t day;
	const char *by, *reason;
	bool backdate;
	size_t n, kept;
	struct buf finished;     /* a selection's tasks already finished, left as they were */
};

static int
extend_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct extend_arg *a = arg;
	int rc;

	a->n = a->kept = 0;
	buf_reset(&a->finished); /* a retried transaction starts again */
	if (a->task == NULL)
		return task_extend_selected(a->en, txn, &a->sel, a->day, a->by, a->reason,
		                            a->backdate, &a->n, &a->kept, &a->finished, e);
	rc = task_extend(a->en, txn, a->task, a->day, a->by, a->reason, a->backdate, e);
	a->n = rc == 0 ? 1 : 0;
	return rc;
}

/* The milestones due `after` the extended one keep their dates: an `after` due counts
 * from the plan's date and the fair-start grace, never from a decision about single
 * tasks (docs/plan-format.md, "Fair start"). Named, so whoever extended the reports knows
 * the summary of them did not move with them (review 10e, M-B). */
static void
name_followers(struct engine *en, const char *plan, const char *milestone)
{
	for (size_t i = 0; i < engine_nplans(en); i++) {
		const struct plan *p = engine_plan_at(en, i)->plan;
		int mi = plan_milestone_index(p, milestone);

		if (mi < 0 || (plan != NULL && strcmp(plan, p->id) != 0))
			continue;
		for (size_t k = 0; k < p->nmilestones; k++)
			if (p->milestones[k].due.kind == PLAN_DUE_AFTER &&
			    p->milestones[k].due.after == mi)
				printf("note: milestone %s (%s) is due after %s: its tasks keep their "
				       "dates (extend them too if they should follow)\n",
				       p->milestones[k].id, p->milestones[k].title, milestone);
	}
}

int
cmd_extend(struct cli *c)
{
	const char *to = NULL, *pos[1];
	struct extend_arg a = {0};
	struct cli_opt opts[] = {{"to", &to, NULL},
	                         {"by", &a.by, NULL},
	                         {"reason", &a.reason, NULL},
	                         {"milestone", &a.sel.milestone, NULL},
	                         {"period", &a.sel.period, NULL},
	                         {"jurisdiction", &a.sel.jurisdiction, NULL},
	                         {"plan", &a.sel.plan, NULL},
	                         {"backdate", NULL, &a.backdate},
	                         {NULL, NULL, NULL}};
	int npos, rc;

	if ((rc = cli_parse(c, opts, pos, 1, &npos)) != 0)
		return rc;
	if ((npos == 1) == (a.sel.milestone != NULL) || to == NULL || a.by == NULL ||
	    a.reason == NULL)
		return cli_usage(c, "give TASK or --milestone M, and --to DATE --by WHO "
		                 "--reason TEXT");
	if (cal_parse_date(to, &a.day) != 0)
		return cli_usage(c, "--to: '%s' is not a date (YYYY-MM-DD)", to);
	a.task = npos == 1 ? pos[0] : NULL;
	if ((rc = cli_engine(c, &a.en)) != 0 ||
	    (rc = cli_check_filters(c, a.en, &(struct cli_filters){
	             .plan = a.sel.plan, .milestone = a.sel.milestone,
	             .jurisdiction = a.sel.jurisdiction})) != 0 ||
	    (rc = engine_write(a.en, extend_txn, &a, &c->err)) != 0) {
		buf_release(&a.finished);
		return rc;
	}
	printf("extended %zu task%s to %s", a.n, a.n == 1 ? "" : "s", to);
	if (a.kept > 0)
		printf(" (%zu already due that day, left as they were)", a.kept);
	printf("\n");
	if (a.finished.len > 0) {
		size_t nf = 1;

		for (const char *p = buf_str(&a.finished); (p = strchr(p, '\n')) != NULL; p++)
			nf++;
		printf("%zu task%s already finished, not extended:\n", nf, nf == 1 ? "" : "s");
		for (const char *p = buf_str(&a.finished); *p != '\0';) {
			size_t l = strcspn(p, "\n");

			printf("  %.*s\n", (int)l, p);
			p += l + (p[l] == '\n');
		}
	}
	if (a.n > 0 && a.task == NULL) {
		name_followers(a.en, a.sel.plan, a.sel.milestone);
	} else if (a.n > 0) {
		/* PLAN/MILESTONE/SUBJECT/PERIOD */
		const char *m = strchr(a.task, '/'), *end = m ? strchr(m + 1, '/') : NULL;

		if (end != NULL) {
			char *plan = xstrndup(a.task, (size_t)(m - a.task));
			char *mid = xstrndup(m + 1, (size_t)(end - m - 1));

			name_followers(a.en, plan, mid);
			free(plan);
			free(mid);
		}
	}
	buf_release(&a.finished);
	return 0;
}
