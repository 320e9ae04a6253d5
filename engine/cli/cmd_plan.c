/*
 * cmd_plan.c - the plan commands: `check` validates plan and calendar files without a
 * store (and says which years a plan's calendars do not cover), `load`
 * stores a plan (a new version when its bytes changed) and expands its tasks, in one
 * transaction: on any error nothing is written.
 */
#include <stdio.h>
#include <stdlib.h>

#include "engine/cli/cli.h"
#include "workflows/parse/ydoc.h"

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

/* One file: a calendar file (a top-level `calendar:` name) or a plan. */
static int
check_one(const char *file, const struct plan_opts *o, struct dberr *e)
{
	struct calfile *f = NULL;
	struct plan *p = NULL;
	char *data = NULL;
	size_t len = 0;
	int rc;

	if ((rc = ydoc_read_file(file, &data, &len, e)) != 0)
		return rc;
	if (calfile_sniff(data, len)) {
		rc = calfile_parse(file, data, len, &f, e);
		if (rc == 0)
			cli_calendar_file_summary(stdout, f);
		calfile_free(f);
		free(data);
		return rc;
	}
	rc = plan_parse_buffer(file, data, len, o, &p, e);
	if (rc == 0)
		rc = notice_check_templates(p, file, e);
	if (rc == 0) {
		plan_summary(p);
		cli_calendar_plan_summary(stdout, stderr, file, p);
	}
	plan_free(p);
	free(data);
	return rc;
}

int
cmd_check(struct cli *c)
{
	const char *files[256], *dirs[3];
	const struct config *cfg;
	struct plan_opts o = {dirs, NULL, 0};
	int npos, rc, status = 0;

	if ((rc = cli_parse(c, NULL, files, 256, &npos)) != 0)
		return rc;
	if (npos == 0)
		return cli_usage(c, "no plan file given");
	/* `calendar: {use: [...]}` looks in the configured and the shipped folders */
	if ((rc = cli_config(c, &cfg)) != 0)
		return rc;
	config_calendar_dirs(cfg, dirs);
	/* every file is checked and each failure printed; the status is the first one's */
	for (int i = 0; i < npos; i++) {
		struct dberr e;

		dberr_clear(&e);
		if (check_one(files[i], &o, &e) != 0) {
			dberr_print(&e, stderr);
			if (status == 0)
				status = dberr_exit_status(e.code ? e.code : DB_ESOFTWARE);
		}
	}
	return status;
}

/* What a load, an import or a calendar update did (or, dry, would do) to the tasks: every
 * kind of change with its count and first lines; plain additions only when all. */
void
print_changes(const struct sched_changes *ch, bool all)
{
	struct buf b = BUF_INIT;

	if (!all && sched_changes_total(ch) == ch->n[SCHED_ADDED])
		return;
	sched_changes_text(ch, &b);
	fputs(buf_str(&b), stdout);
	buf_release(&b);
}

int
cmd_load(struct cli *c)
{
	const char *files[1];
	bool dry = false;
	struct cli_opt opts[] = {{"dry-run", NULL, &dry}, {NULL, NULL, NULL}};
	struct load_result res;
	struct engine *en;
	int npos, rc;

	if ((rc = cli_parse(c, opts, files, 1, &npos)) != 0)
		return rc;
	if (npos != 1)
		return cli_usage(c, "give one plan file");
	if ((rc = cli_engine(c, &en)) != 0 ||
	    (rc = (dry ? sched_preview_plan : sched_load_plan)(en, files[0], &res, &c->err)) != 0)
		return rc;
	if (dry)
		printf("%s: version %u would be %s (dry run: nothing was written), %zu tasks would "
		       "be created\n", res.plan_id, (unsigned)res.version,
		       res.changed ? "loaded" : "unchanged", res.created);
	else
		printf("%s: %s version %u (sha256 %.16s), %zu tasks created\n", res.plan_id,
		       res.changed ? "loaded" : "unchanged,", (unsigned)res.version, res.sha256,
		       res.created);
	print_changes(&res.changes, dry);
	return 0;
}

int
cmd_calendar_update(struct cli *c)
{
	const char *files[1];
	bool dry = false;
	struct cli_opt opts[] = {{"dry-run", NULL, &dry}, {NULL, NULL, NULL}};
	struct calupdate_result res;
	struct engine *en;
	int npos, rc;

	if ((rc = cli_parse(c, opts, files, 1, &npos)) != 0)
		return rc;
	if (npos != 1)
		return cli_usage(c, "give one calendar file");
	if ((rc = cli_engine(c, &en)) != 0)
		return rc;
	rc = sched_calendar_update(en, files[0], dry, &res, &c->err);
	/* what was done is said also when a later plan failed: each plan is its own
	 * transaction */
	for (size_t i = 0; i < res.nplans; i++) {
		const struct calupdate_plan *p = &res.plans[i];

		if (!p->changed && p->version == 0)
			continue; /* not reached: a plan before failed */
		if (!p->changed)
			printf("%s: %s: unchanged (version %u resolves the same calendar)\n", res.name,
			       p->plan_id, (unsigned)p->version);
		else
			printf("%s: %s: %s version %u\n", res.name, p->plan_id,
			       dry ? "would be" : "now", (unsigned)p->version);
		print_changes(&p->changes, false);
	}
	if (rc == 0 && res.nplans == 0)
		printf("%s: no stored plan uses it\n", res.name);
	calupdate_result_release(&res);
	return rc;
}
