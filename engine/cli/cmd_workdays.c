/*
 * cmd_workdays.c - `dabiao workdays --plan ID --from D --to D`: every day of a stored
 * plan's calendar with its status and what decided it (a notice of a used calendar, the
 * plan's own lists, or the plain week), and, for a day in a year a used calendar does not
 * cover, that its status rests on the weekend alone. The calendar is the one the plan's
 * current version was stored with, so this is what its deadlines were computed from.
 * Through the one writer (docs/output.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "engine/cli/cli.h"
#include "engine/report/report.h"

/* At most ten years: --to must be before the same date ten years after --from (a bound
 * on the output; 29 February counts from 28 February). */
static int32_t
ten_years_after(int32_t day)
{
	int y, m, d;

	cal_civil_from_days(day, &y, &m, &d);
	if (d > cal_days_in_month(y + 10, m))
		d = cal_days_in_month(y + 10, m);
	return cal_days_from_civil(y + 10, m, d);
}

static bool
in_years(int32_t day)
{
	int y, m, d;

	cal_civil_from_days(day, &y, &m, &d);
	return y >= PLAN_FIRST_YEAR && y <= PLAN_LAST_YEAR;
}

static const char *const wdnames[] = {"", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

enum { C_DATE, C_WEEKDAY, C_STATUS, C_BY, C_YEAR, C_VERSION, C_NOTICE, C_NUMBER, C_HOLIDAY,
       C_UNCOVERED, C_N };
static const char *const columns[C_N] = {"date", "weekday", "status", "decided_by",
                                         "notice_year", "notice_version", "notice", "number",
                                         "holiday", "uncovered"};

/* The gaps that decide day, as one sentence, or "" when there are none. */
static void
gap_words(struct buf *b, const struct plan *p, int32_t day)
{
	struct plan_calgap *gaps = NULL;
	size_t n = plan_calendar_gaps(p, day, day, &gaps);

	buf_reset(b);
	for (size_t i = 0; i < n; i++) {
		const struct calfile *f = p->uses[gaps[i].use].file;

		buf_printf(b, "%s%s has no %d notice%s", i ? "; " : "", f->name, gaps[i].year,
		           gaps[i].december_only ? ", which may still move this day"
		           : f->layer_of         ? ": without its days"
		                                 : ": weekends only");
	}
	free(gaps);
}

static void
add_row(struct report_table *t, const struct plan *p, int32_t day, struct buf *gap)
{
	const struct plan_calmark *m = plan_calendar_mark(p, day);
	const struct calfile_version *v = m && m->use >= 0 ? m->version : NULL;
	int use = m ? m->use : -1;
	char date[11];

	/* a day no list names may still be a notice's: an amendment took it off its list */
	if (m == NULL)
		v = plan_calendar_unlisted_by(p, day, &use);
	cal_format_date(day, date);
	report_add_str(t, date);
	report_add_str(t, wdnames[cal_weekday(day)]);
	report_add_str(t, cal_is_workday(&p->calendar, day) ? "work" : "off");
	if (m == NULL && v == NULL)
		report_add_str(t, (p->calendar.weekend & (1u << cal_weekday(day))) ? "weekend"
		                                                                   : "weekday");
	else
		report_add_str(t, use < 0 ? "plan" : p->uses[use].file->name);
	if (v != NULL) {
		report_add_num(t, v->year, 0);
		report_add_num(t, v->version, 0);
		report_add_str(t, v->title);
		if (v->number)
			report_add_str(t, v->number);
		else
			report_add_null(t, "");
		if (m != NULL)
			report_add_str(t, m->name);
		else
			report_add_null(t, "");
	} else {
		for (int k = C_YEAR; k <= C_HOLIDAY; k++)
			report_add_null(t, "");
	}
	gap_words(gap, p, day);
	if (gap->len)
		report_add_str(t, buf_str(gap));
	else
		report_add_null(t, "");
}

int
cmd_workdays(struct cli *c)
{
	const char *plan = NULL, *from = NULL, *to = NULL, *format = "table";
	struct cli_opt opts[] = {{"plan", &plan, NULL}, {"from", &from, NULL}, {"to", &to, NULL},
	                         {"format", &format, NULL}, {NULL, NULL, NULL}};
	const struct engine_plan *ep;
	struct report_table t;
	struct buf gap = BUF_INIT;
	enum report_format fmt;
	struct engine *en;
	int32_t first, last;
	int rc;

	if ((rc = cli_parse(c, opts, NULL, 0, NULL)) != 0 ||
	    (rc = cli_format(c, format, CLI_FMT_TABLES, &fmt)) != 0)
		return rc;
	if (plan == NULL || from == NULL || to == NULL)
		return cli_usage(c, "--plan ID, --from DATE and --to DATE are required");
	/* the option and the value named, as every bad argument is (review13f C8) */
	if (cal_parse_date(from, &first) != 0)
		return cli_usage(c, "--from '%s' is not a date: YYYY-MM-DD, a day that exists", from);
	if (cal_parse_date(to, &last) != 0)
		return cli_usage(c, "--to '%s' is not a date: YYYY-MM-DD, a day that exists", to);
	if (!in_years(first) || !in_years(last))
		return cli_usage(c, "--%s %s: the dates are in the years %d-%d, those plans and "
		                 "calendars may name", in_years(first) ? "to" : "from",
		                 in_years(first) ? to : from, PLAN_FIRST_YEAR, PLAN_LAST_YEAR);
	if (last < first)
		return cli_usage(c, "--to %s is before --from %s", to, from);
	if (last >= ten_years_after(first))
		return cli_usage(c, "--from %s to --to %s is more than ten years", from, to);
	if ((rc = cli_engine(c, &en)) != 0 ||
	    (rc = cli_check_filters(c, en, &(struct cli_filters){.plan = plan})) != 0)
		return rc;
	if ((ep = engine_plan_find(en, plan)) == NULL)
		return dberr_set(&c->err, DB_ENOTFOUND, "no plan '%s' in the store (dabiao load "
		                 "PLAN.yaml first)", plan);
	report_table_init(&t, "", "workdays", columns, C_N);
	report_table_keys(&t, "workdays", columns);
	/* the text table: the day, its status, and the notice in a few words */
	report_table_colflags(&t, C_VERSION, REPORT_COL_WIDE);
	report_table_colflags(&t, C_NOTICE, REPORT_COL_WIDE);
	for (int32_t d = first; d <= last; d++)
		add_row(&t, ep->plan, d, &gap);
	rc = report_write(&t, 1, fmt, NULL, &c->err);
	report_table_release(&t);
	buf_release(&gap);
	return rc;
}
