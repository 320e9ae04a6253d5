/*
 * cmd_calendar.c - `dabiao calendar`: the deadlines as an iCalendar file (engine/report/
 * ics.c), to --out FILE or standard output.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/outfile.h"
#include "engine/cli/cli.h"
#include "engine/report/report.h"

static int
write_out(const char *text, const char *path, struct dberr *e)
{
	size_t len = strlen(text);

	if (path != NULL)
		return outfile_write(path, text, len, e);
	if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)
		return dberr_set(e, DB_EIO, "cannot write standard output: %s", strerror(errno));
	return 0;
}

int
cmd_calendar(struct cli *c)
{
	const char *plan = NULL, *out = NULL, *subject = NULL, *role = NULL;
	struct cli_opt opts[] = {{"subject", &subject, NULL}, {"role", &role, NULL},
	                         {"plan", &plan, NULL},       {"out", &out, NULL},
	                         {NULL, NULL, NULL}};
	struct engine *en;
	char *text = NULL;
	int rc;

	if ((rc = cli_parse(c, opts, NULL, 0, NULL)) != 0 || (rc = cli_engine(c, &en)) != 0 ||
	    (rc = cli_check_filters(c, en, &(struct cli_filters){.plan = plan, .subject = subject,
	                                                         .role = role})) != 0 ||
	    (rc = report_calendar(en, &plan, plan ? 1 : 0, subject, role, &text, &c->err)) != 0)
		return rc;
	rc = write_out(text, out, &c->err);
	free(text);
	return rc;
}
