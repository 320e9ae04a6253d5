/*
 * cmd_import.c - the registry: `dabiao import` (jurisdictions, enterprises and offices, and
 * what they change in every plan's tasks, in one transaction; --dry-run previews it) and
 * `dabiao retire` (a subject leaves for good, its unfinished tasks cancelled).
 */
#include <stdio.h>

#include "engine/cli/cli.h"

int
cmd_import(struct cli *c)
{
	const char *files[1];
	bool dry = false;
	struct cli_opt opts[] = {{"dry-run", NULL, &dry}, {NULL, NULL, NULL}};
	struct import_result res;
	struct engine *en;
	int npos, rc;

	if ((rc = cli_parse(c, opts, files, 1, &npos)) != 0)
		return rc;
	if (npos != 1)
		return cli_usage(c, "give one registry file");
	if ((rc = cli_engine(c, &en)) != 0 ||
	    (rc = (dry ? sched_preview_import : sched_import_registry)(en, files[0], &res,
	                                                                &c->err)) != 0)
		return rc;
	printf("%s %zu jurisdictions, %zu enterprises, %zu offices from %s%s; %zu tasks %s\n",
	       dry ? "would import" : "imported", res.jurisdictions, res.enterprises, res.offices,
	       files[0], dry ? " (dry run: nothing was written)" : "", res.created,
	       dry ? "would be created" : "created");
	if (res.updated > 0)
		printf("  subjects whose fields change (each audited)                %zu\n",
		       res.updated);
	if (res.retired > 0)
		printf("  retired subjects in the file, kept retired                 %zu\n",
		       res.retired);
	if (res.absent > 0)
		printf("  subjects in the store but not in the file, kept (an import never "
		       "removes one: dabiao retire does)  %zu\n", res.absent);
	print_changes(&res.changes, dry);
	return 0;
}

int
cmd_retire(struct cli *c)
{
	const char *pos[1], *reason = NULL;
	bool dry = false, undo = false;
	struct cli_opt opts[] = {{"reason", &reason, NULL}, {"dry-run", NULL, &dry},
	                         {"undo", NULL, &undo}, {NULL, NULL, NULL}};
	struct retire_result res;
	struct engine *en;
	int npos, rc;

	if ((rc = cli_parse(c, opts, pos, 1, &npos)) != 0)
		return rc;
	if (npos != 1 || reason == NULL || *reason == '\0')
		return cli_usage(c, "give the SUBJECT and --reason TEXT");
	if ((rc = cli_engine(c, &en)) != 0 ||
	    (rc = sched_retire(en, pos[0], reason, dry, undo, &res, &c->err)) != 0)
		return rc;
	if (undo) {
		printf("%s: %s%s; %zu cancelled tasks %s\n", pos[0],
		       dry ? "would be retired no more" : "retired no more",
		       dry ? " (dry run: nothing was written)" : "",
		       res.changes.n[SCHED_REOPENED], dry ? "would be reopened" : "reopened");
		print_changes(&res.changes, dry);
		return 0;
	}
	printf("%s: %s%s; %zu unfinished tasks %s\n", pos[0],
	       dry ? "would be retired" : "retired",
	       dry ? " (dry run: nothing was written)" : "", res.changes.n[SCHED_CANCELLED],
	       dry ? "would be cancelled" : "cancelled");
	print_changes(&res.changes, dry);
	return 0;
}

/* `import-annex`: a county's own Annex 3/4 table, checked and recorded against its task,
 * which it hands in when the task still waits for it. */
int
cmd_import_annex(struct cli *c)
{
	const char *files[1], *at = NULL;
	struct annex_import_req q = {0};
	struct annex_import_result res;
	struct cli_opt opts[] = {{"jurisdiction", &q.jurisdiction, NULL}, {"month", &q.month, NULL},
	                         {"by", &q.by, NULL}, {"plan", &q.plan, NULL}, {"at", &at, NULL},
	                         {"sheet", &q.sheet, NULL}, {"dry-run", NULL, &q.dry},
	                         {NULL, NULL, NULL}};
	struct engine *en;
	int npos, rc;

	if ((rc = cli_parse(c, opts, files, 1, &npos)) != 0)
		return rc;
	if (npos != 1)
		return cli_usage(c, "give one file: the county's table saved as CSV");
	if (q.jurisdiction == NULL || q.month == NULL || q.by == NULL || !*q.by)
		return cli_usage(c, "--jurisdiction J, --month YYYY-MM and --by WHO are required");
	q.path = files[0];
	if ((rc = cli_engine(c, &en)) != 0 ||
	    (rc = cli_check_filters(c, en, &(struct cli_filters){.plan = q.plan,
	                                                         .jurisdiction = q.jurisdiction})) != 0)
		return rc;
	if (at != NULL) {
		if (tz_parse_time(engine_tz(en), at, &q.at) != 0)
			return cli_usage(c, "--at: '%s' is not a time", at);
		/* on the real clock a time given by hand is a back-dated entry, as with submit */
		q.at_given = true;
		q.backdated = engine_clock_mode(en) == STORE_CLOCK_REAL;
	}
	if ((rc = sched_import_annex(en, &q, &res, &c->err)) != 0)
		return rc;
	if (res.same_as != 0)
		printf("the same file (sha256 %.16s…) as the Annex %d of %s for %s on record (audit "
		       "record %llu, task %s): %s", res.sha256, res.form, q.jurisdiction, q.month,
		       (unsigned long long)res.same_as, res.task,
		       res.handed_in ? "no second record of it" : "nothing recorded");
	else
		printf("%s Annex %d of %s for %s (%zu row%s, sha256 %.16s…) against task %s",
		       q.dry ? "checked" : "recorded", res.form, q.jurisdiction, q.month, res.rows,
		       res.rows == 1 ? "" : "s", res.sha256, res.task);
	if (res.handed_in)
		printf("; the table %s the task's hand-in: %s -> %s%s",
		       q.dry ? "would be" : "is", res.from, res.to, res.late ? ", late (迟报)" : "");
	else
		printf("; the task stays %s, which takes no submission (a table after the hand-in "
		       "corrects the one on record)", res.to);
	printf("%s\n", q.dry ? " (dry run: nothing was written)" : "");
	return 0;
}
