/*
 * cmd_plan.c - the plan commands: `check` validates plan and calendar files without a
 * store (and says which years a plan's calendars do not cover), `load`
 * stores a plan (a new version when its bytes changed) and expands its tasks, in one
 * transaction: on any error nothing is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "base/xalloc.h"
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

	if ((rc = file_read(file, FILE_MAX_INPUT, &data, &len, e)) != 0)
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
	/* as many files as arguments: a shell glob over a whole archive of plans */
	const char **files = xcalloc((size_t)c->argc + 1, sizeof(*files)), *dirs[3];
	const struct config *cfg;
	struct plan_opts o = {dirs, NULL, 0};
	int npos, rc, status = 0;

	if ((rc = cli_parse(c, NULL, files, c->argc, &npos)) != 0 ||
	    (npos == 0 && (rc = cli_usage(c, "no plan file given")) != 0)) {
		free(files);
		return rc;
	}
	/* `calendar: {use: [...]}` looks in the configured and the shipped folders */
	if ((rc = cli_config(c, &cfg)) != 0) {
		free(files);
		return rc;
	}
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
	free(files);
	return status;
}

/* Each line of notes on f after prefix: warnings of `load`, notes of `calendar-update`. */
static void
print_lines(FILE *f, const char *prefix, const char *notes)
{
	while (notes != NULL && *notes) {
		const char *nl = strchr(notes, '\n');
		int n = nl ? (int)(nl - notes) : (int)strlen(notes);

		fprintf(f, "%s%.*s\n", prefix, n, notes);
		notes += n + (nl != NULL);
	}
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

/* A dry run placed nothing: the gap warnings come from the file read again as `check`
 * reads it. */
static void
preview_gap_warnings(const struct engine *en, const char *file)
{
	struct plan *p = NULL;
	struct dberr ignored; /* the preview read it already */
	char *data = NULL;
	size_t len = 0;

	dberr_clear(&ignored);
	if (file_read(file, FILE_MAX_INPUT, &data, &len, &ignored) == 0 &&
	    engine_plan_parse(engine_config(en), file, data, len, NULL, 0, &p, &ignored) == 0)
		cli_calendar_gap_warnings(stderr, file, p);
	plan_free(p);
	free(data);
}

int
cmd_load(struct cli *c)
{
	const char *files[1];
	bool dry = false, fewer = false;
	struct cli_opt opts[] = {{"dry-run", NULL, &dry}, {"allow-fewer-years", NULL, &fewer},
	                         {NULL, NULL, NULL}};
	struct load_result res = {0};
	const struct engine_plan *ep;
	const char *sources;
	struct engine *en;
	int npos, rc;

	if ((rc = cli_parse(c, opts, files, 1, &npos)) != 0)
		return rc;
	if (npos != 1)
		return cli_usage(c, "give one plan file");
	if ((rc = cli_engine(c, &en)) != 0)
		return rc;
	rc = (dry ? sched_preview_plan : sched_load_plan)(en, files[0],
	                                                   fewer ? SCHED_LOAD_FEWER_YEARS : 0,
	                                                   &res, &c->err);
	if (rc == 0) {
		sources = res.sources_only ? "; calendar sources changed, no date moved" : "";
		if (dry)
			printf("%s: version %u would be %s (dry run: nothing was written), %zu task%s "
			       "would be created%s\n", res.plan_id, (unsigned)res.version,
			       res.changed ? "loaded" : "unchanged", res.created,
			       res.created == 1 ? "" : "s", sources);
		else
			printf("%s: %s version %u (sha256 %.16s), %zu task%s created%s\n", res.plan_id,
			       res.changed ? "loaded" : "unchanged,", (unsigned)res.version, res.sha256,
			       res.created, res.created == 1 ? "" : "s", sources);
		print_changes(&res.changes, dry);
		if (res.calendar_notes != NULL) {
			char *prefix = xasprintf("%s: warning: ", files[0]);

			print_lines(stderr, prefix, res.calendar_notes);
			free(prefix);
		}
		/* the years its horizon reaches that its calendars do not cover, as `check` says */
		if (dry)
			preview_gap_warnings(en, files[0]);
		else if ((ep = engine_plan_find(en, res.plan_id)) != NULL)
			cli_calendar_gap_warnings(stderr, files[0], ep->plan);
	}
	load_result_release(&res);
	return rc;
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
	/* every plan was tried: each one's outcome, a refusal with its reason; when one was
	 * refused nothing was written, as the last line says */
	for (size_t i = 0; i < res.nplans; i++) {
		const struct calupdate_plan *p = &res.plans[i];

		if (p->failed) {
			printf("%s: %s: refused (below)\n", res.name, p->plan_id);
			dberr_print(&p->err, stderr);
			continue;
		}
		if (!p->changed)
			printf("%s: %s: unchanged (version %u resolves the same calendar)\n", res.name,
			       p->plan_id, (unsigned)p->version);
		else
			printf("%s: %s: %s version %u%s\n", res.name, p->plan_id,
			       dry || rc != 0 ? "would be" : "now", (unsigned)p->version,
			       p->sources_only ? ": sources changed, no date moved" : "");
		print_lines(stdout, "  ", p->notes);
		print_changes(&p->changes, false);
	}
	if (rc == 0 && res.nplans == 0)
		printf("%s: no stored plan uses it\n", res.name);
	calupdate_result_release(&res);
	return rc;
}
