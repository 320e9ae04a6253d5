/*
 * cmd_plan.c - the plan commands: `check` validates plan files without a store, `load`
 * stores a plan (a new version when its bytes changed) and expands its tasks, in one
 * transaction: on any error nothing is written.
 */
#include <stdio.h>

#include "engine/cli/cli.h"

static void
plan_summary(const struct plan *p)
{
	size_t ntasks_kinds[3] = {0};

	for (size_t i = 0; i < p->nmilestones; i++)
		ntasks_kinds[p->milestones[i].for_]++;
	printf("%s: ok, %zu phases, %zu milestones (%zu once, %zu per jurisdiction, "
	       "%zu per enterprise), %zu roles, zone %s\n",
	       p->id, p->nphases, p->nmilestones, ntasks_kinds[PLAN_FOR_ONCE],
	       ntasks_kinds[PLAN_FOR_JURISDICTION], ntasks_kinds[PLAN_FOR_ENTERPRISE], p->nroles,
	       p->timezone);
}

int
cmd_check(struct cli *c)
{
	const char *files[256];
	int npos, rc, status = 0;

	if ((rc = cli_parse(c, NULL, files, 256, &npos)) != 0)
		return rc;
	if (npos == 0)
		return cli_usage(c, "no plan file given");
	/* every file is checked and each failure printed; the status is the first one's */
	for (int i = 0; i < npos; i++) {
		struct plan *p = NULL;
		struct dberr e;

		dberr_clear(&e);
		if (plan_parse_file(files[i], &p, &e) != 0 ||
		    notice_check_templates(p, files[i], &e) != 0) {
			if (p)
				plan_free(p);
			dberr_print(&e, stderr);
			if (status == 0)
				status = dberr_exit_status(e.code ? e.code : DB_ESOFTWARE);
			continue;
		}
		plan_summary(p);
		plan_free(p);
	}
	return status;
}

int
cmd_load(struct cli *c)
{
	const char *files[1];
	struct load_result res;
	struct engine *en;
	int rc;

	if ((rc = cli_one_arg(c, "one plan file", files)) != 0)
		return rc;
	if ((rc = cli_engine(c, &en)) != 0 ||
	    (rc = sched_load_plan(en, files[0], &res, &c->err)) != 0)
		return rc;
	printf("%s: %s version %u (sha256 %.16s), %zu tasks created\n", res.plan_id,
	       res.changed ? "loaded" : "unchanged,", (unsigned)res.version, res.sha256,
	       res.created);
	return 0;
}
