/*
 * cmd_report.c - `dabiao report annex3|annex4|accountability`: the tables of the seed's
 * 第五阶段 (Annex 3, Annex 4) and of section 四's accountability, as a text table, CSV or
 * XLSX (engine/report/report.h; every column in docs/reports.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/cli/cli.h"
#include "engine/report/report.h"

/* A --from/--to date: the first or the last second of that local day in the store's zone.
 * A full time (tz_parse_time's forms) is taken as it is. */
static int
bound(const struct engine *en, const char *s, bool end, int64_t *out, struct dberr *e)
{
	int32_t day;

	if (s == NULL)
		return 0;
	if (cal_parse_date(s, &day) == 0) {
		*out = tz_local_to_utc(engine_tz(en), day + (end ? 1 : 0), 0) - (end ? 1 : 0);
		return 0;
	}
	if (tz_parse_time(engine_tz(en), s, out) == 0)
		return 0;
	return dberr_set(e, DB_EUSAGE, "--%s must be a date (YYYY-MM-DD) or a time, not '%s'",
	                 end ? "to" : "from", s);
}

int
cmd_report(struct cli *c)
{
	const char *month = NULL, *plan = NULL, *from = NULL, *to = NULL, *format = "table";
	const char *out = NULL, *pos[1], *by = NULL;
	struct cli_opt opts[] = {{"month", &month, NULL}, {"plan", &plan, NULL},
	                         {"by", &by, NULL},
	                         {"from", &from, NULL},   {"to", &to, NULL},
	                         {"format", &format, NULL}, {"out", &out, NULL},
	                         {NULL, NULL, NULL}};
	struct report_table t[2] = {{0}};
	enum report_format fmt;
	struct engine *en;
	int64_t lo = INT64_MIN, hi = INT64_MAX;
	size_t nt = 1;
	struct dberr *e = &c->err;
	int npos = 0, rc;
	bool annex;

	if ((rc = cli_parse(c, opts, pos, 1, &npos)) != 0)
		return rc;
	if (npos != 1)
		return cli_usage(c, "name a report: annex3, annex4 or accountability");
	annex = strcmp(pos[0], "annex3") == 0 || strcmp(pos[0], "annex4") == 0;
	if (!annex && strcmp(pos[0], "accountability") != 0)
		cli_usage(c, "unknown report '%s' (annex3, annex4 or accountability)",
		          pos[0]);
	else if (annex && (from || to))
		cli_usage(c, "%s takes --month, not --from/--to", pos[0]);
	else if (by && (strcmp(pos[0], "annex3") != 0 ||
	                (strcmp(by, "jurisdiction") != 0 && strcmp(by, "industry") != 0)))
		cli_usage(c, "--by is jurisdiction or industry, and only for annex3");
	else if (!annex && month)
		cli_usage(c, "accountability takes --from/--to, not --month");
	else if (cli_format(c, format, CLI_FMT_TABLES | REPORT_FMT_MASK(REPORT_FMT_XLSX),
	                    &fmt) == 0 && fmt == REPORT_FMT_XLSX && !out)
		cli_usage(c, "--format xlsx needs --out FILE");
	if (e->code != 0)
		return DB_EUSAGE;
	if ((rc = cli_engine(c, &en)) != 0 ||
	    (rc = cli_check_filters(c, en, &(struct cli_filters){.plan = plan})) != 0)
		return rc;
	if (strcmp(pos[0], "annex3") == 0) {
		rc = report_annex3(en, plan, month, by && strcmp(by, "industry") == 0, &t[0], e);
	} else if (strcmp(pos[0], "annex4") == 0) {
		rc = report_annex4(en, plan, month, &t[0], e);
	} else {
		nt = 2;
		if ((rc = bound(en, from, false, &lo, e)) != 0 ||
		    (rc = bound(en, to, true, &hi, e)) != 0)
			return rc;
		if (lo > hi)
			return cli_usage(c, "--from %s is after --to %s", from, to);
		rc = report_accountability(en, plan, lo, hi, t, e);
	}
	if (rc == 0) {
		rc = report_write(t, nt, fmt, out, e);
		for (size_t i = 0; i < nt; i++)
			report_table_release(&t[i]);
	}
	return rc;
}
