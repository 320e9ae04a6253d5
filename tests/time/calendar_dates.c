/*
 * Civil dates and day numbers, strict date parsing, weekdays and ISO weeks: every day of
 * 1900-2100 round trips, impossible dates are refused, and ISO weeks cross year ends the
 * way ISO 8601 says.
 */
#include "time/calendar.h"
#include "base/err.h"
#include "lib/test.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void
every_day_of_two_centuries_round_trips(void)
{
	int32_t first = cal_days_from_civil(1900, 1, 1), last = cal_days_from_civil(2100, 12, 31);
	int y, m, d, py = 1899, pm = 12, pd = 31;
	char text[16];
	int32_t parsed;

	for (int32_t day = first; day <= last; day++) {
		cal_civil_from_days(day, &y, &m, &d);
		ASSERT(cal_valid_date(y, m, d));
		ASSERT_EQ(cal_days_from_civil(y, m, d), day);
		/* consecutive day numbers are consecutive dates */
		if (d == 1)
			ASSERT(pd == cal_days_in_month(py, pm) && (m == pm + 1 || (m == 1 && pm == 12)));
		else
			ASSERT(y == py && m == pm && d == pd + 1);
		py = y, pm = m, pd = d;
		/* and text round-trips too */
		cal_format_date(day, text);
		ASSERT_EQ(cal_parse_date(text, &parsed), 0);
		ASSERT_EQ(parsed, day);
		/* the weekday advances by one, Monday after Sunday */
		ASSERT_EQ(cal_weekday(day + 1), cal_weekday(day) % 7 + 1);
	}
}

static void
known_day_numbers(void)
{
	static const struct {
		int y, m, d;
		int32_t days;
	} cases[] = {
		{1970, 1, 1, 0},          {1969, 12, 31, -1},  {2000, 3, 1, 11017},
		{2017, 10, 9, 17448},     {1, 1, 1, -719162},  {9999, 12, 31, 2932896},
		{1900, 3, 1, -25508},     {2038, 1, 19, 24855},
	};
	int y, m, d;

	for (size_t i = 0; i < N(cases); i++) {
		ASSERT_EQ(cal_days_from_civil(cases[i].y, cases[i].m, cases[i].d), cases[i].days);
		cal_civil_from_days(cases[i].days, &y, &m, &d);
		ASSERT(y == cases[i].y && m == cases[i].m && d == cases[i].d);
	}
	/* "no date" is still defined behaviour, whatever it prints */
	cal_civil_from_days(CAL_NO_DAY, &y, &m, &d);
}

static void
leap_years_and_month_lengths(void)
{
	static const struct {
		int y, m, days;
	} cases[] = {
		{2016, 2, 29}, {2017, 2, 28}, {2000, 2, 29}, {1900, 2, 28}, {2100, 2, 28},
		{2400, 2, 29}, {2017, 1, 31}, {2017, 4, 30}, {2017, 12, 31}, {2017, 13, 0},
		{2017, 0, 0},
	};

	for (size_t i = 0; i < N(cases); i++)
		ASSERT_EQ(cal_days_in_month(cases[i].y, cases[i].m), cases[i].days);
}

static void
date_parsing_is_strict(void)
{
	static const struct {
		const char *text;
		int rc;
		int y, m, d;
	} cases[] = {
		{"2017-10-05", 0, 2017, 10, 5},
		{"2016-02-29", 0, 2016, 2, 29},
		{"2000-02-29", 0, 2000, 2, 29},
		{"0001-01-01", 0, 1, 1, 1},
		{"9999-12-31", 0, 9999, 12, 31},
		{"2017-02-30", DB_EDATA, 0, 0, 0},
		{"2017-02-29", DB_EDATA, 0, 0, 0},
		{"1900-02-29", DB_EDATA, 0, 0, 0},
		{"2017-04-31", DB_EDATA, 0, 0, 0},
		{"2017-13-01", DB_EDATA, 0, 0, 0},
		{"2017-00-10", DB_EDATA, 0, 0, 0},
		{"2017-01-00", DB_EDATA, 0, 0, 0},
		{"0000-01-01", DB_EDATA, 0, 0, 0},
		{"2017-2-3", DB_EDATA, 0, 0, 0},
		{"2017-02-03 ", DB_EDATA, 0, 0, 0},
		{" 2017-02-03", DB_EDATA, 0, 0, 0},
		{"2017/02/03", DB_EDATA, 0, 0, 0},
		{"2017-02-3x", DB_EDATA, 0, 0, 0},
		{"+017-02-03", DB_EDATA, 0, 0, 0},
		{"20170203", DB_EDATA, 0, 0, 0},
		{"2017-02", DB_EDATA, 0, 0, 0},
		{"", DB_EDATA, 0, 0, 0},
	};
	int32_t out;

	for (size_t i = 0; i < N(cases); i++) {
		out = 12345;
		if (cal_parse_date(cases[i].text, &out) != cases[i].rc)
			fprintf(stderr, "case '%s'\n", cases[i].text);
		ASSERT_EQ(cal_parse_date(cases[i].text, &out), cases[i].rc);
		if (cases[i].rc == 0)
			ASSERT_EQ(out, cal_days_from_civil(cases[i].y, cases[i].m, cases[i].d));
		else
			ASSERT_EQ(out, 12345); /* untouched on failure */
	}
	ASSERT_EQ(cal_parse_date(NULL, &out), DB_EDATA);
	ASSERT(!cal_valid_date(0, 1, 1));
	ASSERT(!cal_valid_date(10000, 1, 1));
}

static void
weekdays_of_known_dates(void)
{
	static const struct {
		const char *date;
		int wd;
	} cases[] = {
		{"1970-01-01", 4}, {"2017-10-05", 4}, {"2017-09-30", 6}, {"2017-01-22", 7},
		{"2017-07-03", 1}, {"2000-01-01", 6}, {"1969-12-28", 7}, {"1900-01-01", 1},
	};
	int32_t d;

	for (size_t i = 0; i < N(cases); i++) {
		ASSERT_EQ(cal_parse_date(cases[i].date, &d), 0);
		ASSERT_EQ(cal_weekday(d), cases[i].wd);
	}
}

static void
iso_weeks_cross_year_ends(void)
{
	static const struct {
		const char *date;
		int iso_year, week;
	} cases[] = {
		{"2015-12-31", 2015, 53}, {"2016-01-03", 2015, 53}, {"2016-01-04", 2016, 1},
		{"2021-01-03", 2020, 53}, {"2021-01-04", 2021, 1},  {"2017-07-03", 2017, 27},
		{"2017-01-01", 2016, 52}, {"2017-01-02", 2017, 1},  {"2018-12-31", 2019, 1},
		{"2008-12-29", 2009, 1},  {"2010-01-03", 2009, 53}, {"2017-12-31", 2017, 52},
	};
	int32_t d;
	int iy, w;

	for (size_t i = 0; i < N(cases); i++) {
		ASSERT_EQ(cal_parse_date(cases[i].date, &d), 0);
		cal_iso_week(d, &iy, &w);
		if (iy != cases[i].iso_year || w != cases[i].week)
			fprintf(stderr, "%s: %d-W%02d\n", cases[i].date, iy, w);
		ASSERT_EQ(iy, cases[i].iso_year);
		ASSERT_EQ(w, cases[i].week);
		/* the week's Monday lies at most six days before and has the same week */
		int32_t mon = cal_iso_week_monday(iy, w);
		ASSERT_EQ(cal_weekday(mon), 1);
		ASSERT(d - mon >= 0 && d - mon <= 6);
	}
	static const struct {
		int iso_year, weeks;
	} years[] = {{2015, 53}, {2016, 52}, {2017, 52}, {2020, 53}, {2026, 53}, {2021, 52}};
	for (size_t i = 0; i < N(years); i++)
		ASSERT_EQ(cal_iso_weeks_in_year(years[i].iso_year), years[i].weeks);
}

/* "DATE" and "FIRST..LAST": both ends strict dates, exactly one "..", nothing around;
 * a range written backwards is returned as written for the caller to refuse by name. */
static void
ranges_parse_strictly(void)
{
	static const struct {
		const char *text;
		int rc;
		const char *first, *last;
	} cases[] = {
		{"2017-01-27", 0, "2017-01-27", "2017-01-27"},
		{"2017-01-27..2017-02-02", 0, "2017-01-27", "2017-02-02"},
		{"2016-12-31..2017-01-02", 0, "2016-12-31", "2017-01-02"},
		{"2017-02-02..2017-01-27", 0, "2017-02-02", "2017-01-27"},
		{"2017-01-27..2017-01-27", 0, "2017-01-27", "2017-01-27"},
		{"2017-01-27...2017-02-02", DB_EDATA, NULL, NULL},
		{"2017-01-27..", DB_EDATA, NULL, NULL},
		{"..2017-01-27", DB_EDATA, NULL, NULL},
		{"2017-1-27..2017-02-02", DB_EDATA, NULL, NULL},
		{"2017-02-29..2017-03-01", DB_EDATA, NULL, NULL},
		{"2017-01-27 ..2017-02-02", DB_EDATA, NULL, NULL},
		{"2017-01-27..2017-02-02x", DB_EDATA, NULL, NULL},
		{"", DB_EDATA, NULL, NULL},
	};
	int32_t a = 7, b = 7, want;

	for (size_t i = 0; i < N(cases); i++) {
		int rc = cal_parse_range(cases[i].text, &a, &b);

		if (rc != cases[i].rc)
			fprintf(stderr, "'%s': rc %d\n", cases[i].text, rc);
		ASSERT_EQ(rc, cases[i].rc);
		if (rc != 0)
			continue;
		ASSERT_EQ(cal_parse_date(cases[i].first, &want), 0);
		ASSERT_EQ(a, want);
		ASSERT_EQ(cal_parse_date(cases[i].last, &want), 0);
		ASSERT_EQ(b, want);
	}
	ASSERT_EQ(cal_parse_range(NULL, &a, &b), DB_EDATA);
}

int
main(void)
{
	every_day_of_two_centuries_round_trips();
	ranges_parse_strictly();
	known_day_numbers();
	leap_years_and_month_lengths();
	date_parsing_is_strict();
	weekdays_of_known_dates();
	iso_weeks_cross_year_ends();
	return 0;
}
