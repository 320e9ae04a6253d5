/*
 * Recurrences: the periods and unshifted due days of monthly, weekly and daily series,
 * read back from their bounds the way a plan file writes them (cal_parse_period).
 */
#include "time/calendar.h"
#include "base/err.h"
#include "lib/test.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define MAXOCC 8

struct series {
	const char *name;
	enum cal_freq freq;
	int interval, day;
	const char *from, *until;
	/* the occurrences, as "period due-date"; NULL ends the list */
	const char *want[MAXOCC];
};

static const struct series series[] = {
	{"monthly_day5_july_to_november", CAL_MONTH, 1, 5, "2017-07", "2017-11",
	 {"2017-07 2017-07-05", "2017-08 2017-08-05", "2017-09 2017-09-05", "2017-10 2017-10-05",
	  "2017-11 2017-11-05"}},
	{"every_second_month", CAL_MONTH, 2, 5, "2017-07", "2017-11",
	 {"2017-07 2017-07-05", "2017-09 2017-09-05", "2017-11 2017-11-05"}},
	{"every_second_month_until_inside_a_skipped_month", CAL_MONTH, 2, 5, "2017-07", "2017-10",
	 {"2017-07 2017-07-05", "2017-09 2017-09-05"}},
	{"bounds_given_as_dates_name_their_months", CAL_MONTH, 1, 5, "2017-07-20", "2017-08-01",
	 {"2017-07 2017-07-05", "2017-08 2017-08-05"}},
	{"day31_clamps_to_month_end", CAL_MONTH, 1, 31, "2016-01", "2016-04",
	 {"2016-01 2016-01-31", "2016-02 2016-02-29", "2016-03 2016-03-31", "2016-04 2016-04-30"}},
	{"day31_in_a_common_february", CAL_MONTH, 1, 31, "2017-02", "2017-02",
	 {"2017-02 2017-02-28"}},
	{"monthly_across_a_year_end", CAL_MONTH, 1, 10, "2017-11", "2018-02",
	 {"2017-11 2017-11-10", "2017-12 2017-12-10", "2018-01 2018-01-10",
	  "2018-02 2018-02-10"}},
	{"weekly_fridays_across_a_53_week_year", CAL_WEEK, 1, 5, "2020-W52", "2021-W02",
	 {"2020-W52 2020-12-25", "2020-W53 2021-01-01", "2021-W01 2021-01-08",
	  "2021-W02 2021-01-15"}},
	{"weekly_monday_iso_year_differs_from_calendar_year", CAL_WEEK, 1, 1, "2018-12-24",
	 "2019-01-01", {"2018-W52 2018-12-24", "2019-W01 2018-12-31"}},
	{"fortnightly_sundays", CAL_WEEK, 2, 7, "2017-W01", "2017-W06",
	 {"2017-W01 2017-01-08", "2017-W03 2017-01-22", "2017-W05 2017-02-05"}},
	{"daily_every_three_days", CAL_DAY, 3, 0, "2017-07-01", "2017-07-10",
	 {"2017-07-01 2017-07-01", "2017-07-04 2017-07-04", "2017-07-07 2017-07-07",
	  "2017-07-10 2017-07-10"}},
	{"daily_across_a_leap_day", CAL_DAY, 1, 0, "2016-02-28", "2016-03-01",
	 {"2016-02-28 2016-02-28", "2016-02-29 2016-02-29", "2016-03-01 2016-03-01"}},
	{"until_before_from_gives_none_monthly", CAL_MONTH, 1, 5, "2017-08", "2017-07", {NULL}},
	{"until_before_from_gives_none_weekly", CAL_WEEK, 1, 1, "2017-W10", "2017-W09", {NULL}},
	{"until_before_from_gives_none_daily", CAL_DAY, 1, 0, "2017-07-02", "2017-07-01", {NULL}},
};

static void
series_give_their_periods(void)
{
	for (size_t s = 0; s < N(series); s++) {
		const struct series *t = &series[s];
		struct cal_recur r = {t->freq, t->interval, t->day, 0, 0};
		char period[16], got[40], due_text[16];
		int32_t due;
		size_t i, want = 0;

		while (want < MAXOCC && t->want[want] != NULL)
			want++;
		ASSERT_EQ(cal_parse_period(t->freq, t->from, &r.from), 0);
		ASSERT_EQ(cal_parse_period(t->freq, t->until, &r.until), 0);
		for (i = 0; cal_recur_at(&r, i, period, &due) == 1; i++) {
			if (i >= want)
				TEST_FAIL_("%s: extra occurrence %zu (%s)", t->name, i, period);
			cal_format_date(due, due_text);
			snprintf(got, sizeof(got), "%s %s", period, due_text);
			if (strcmp(got, t->want[i]) != 0)
				fprintf(stderr, "%s, occurrence %zu\n", t->name, i);
			ASSERT_STR_EQ(got, t->want[i]);
		}
		if (i != want)
			fprintf(stderr, "%s\n", t->name);
		ASSERT_EQ(i, want);
		/* past the end stays past the end, even for absurd indexes */
		ASSERT_EQ(cal_recur_at(&r, i + 1, period, &due), 0);
		ASSERT_EQ(cal_recur_at(&r, (size_t)-1, period, &due), 0);
	}
}

static void
period_bounds_parse_per_frequency(void)
{
	static const struct {
		enum cal_freq freq;
		const char *text;
		int rc;
		const char *day; /* the day written: one inside the period */
	} cases[] = {
		{CAL_MONTH, "2017-07", 0, "2017-07-01"},
		{CAL_MONTH, "2017-07-20", 0, "2017-07-20"},
		{CAL_MONTH, "2017-13", DB_EDATA, NULL},
		{CAL_MONTH, "2017-00", DB_EDATA, NULL},
		{CAL_MONTH, "2017-7", DB_EDATA, NULL},
		{CAL_MONTH, "2017-W27", DB_EDATA, NULL},
		{CAL_MONTH, "2017-02-30", DB_EDATA, NULL},
		{CAL_WEEK, "2017-W27", 0, "2017-07-03"},
		{CAL_WEEK, "2015-W53", 0, "2015-12-28"},
		{CAL_WEEK, "2017-W01", 0, "2017-01-02"},
		{CAL_WEEK, "2017-07-05", 0, "2017-07-05"},
		{CAL_WEEK, "2017-W53", DB_EDATA, NULL},
		{CAL_WEEK, "2017-W00", DB_EDATA, NULL},
		{CAL_WEEK, "2017-W7", DB_EDATA, NULL},
		{CAL_WEEK, "2017-w27", DB_EDATA, NULL},
		{CAL_WEEK, "2017-07", DB_EDATA, NULL},
		{CAL_DAY, "2017-07-05", 0, "2017-07-05"},
		{CAL_DAY, "2017-07", DB_EDATA, NULL},
		{CAL_DAY, "2017-W27", DB_EDATA, NULL},
		{CAL_DAY, "", DB_EDATA, NULL},
	};
	int32_t out, want;

	for (size_t i = 0; i < N(cases); i++) {
		out = 12345;
		if (cal_parse_period(cases[i].freq, cases[i].text, &out) != cases[i].rc)
			fprintf(stderr, "case %zu '%s'\n", i, cases[i].text);
		ASSERT_EQ(cal_parse_period(cases[i].freq, cases[i].text, &out), cases[i].rc);
		if (cases[i].rc != 0) {
			ASSERT_EQ(out, 12345);
			continue;
		}
		ASSERT_EQ(cal_parse_date(cases[i].day, &want), 0);
		ASSERT_EQ(out, want);
	}
	ASSERT_EQ(cal_parse_period(CAL_MONTH, NULL, &out), DB_EDATA);
}

int
main(void)
{
	series_give_their_periods();
	period_bounds_parse_per_frequency();
	return 0;
}
