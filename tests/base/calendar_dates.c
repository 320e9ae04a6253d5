/*
 * Civil dates and day numbers, ISO weeks, and recurrences: every day of 1900-2100 round
 * trips, impossible dates are refused, and the periods of a series are the right ones.
 */
#include "engine/base/calendar.h"
#include "engine/base/err.h"
#include "test.h"

int
main(void)
{
	int32_t d, due;
	int y, m, dd, iy, w;
	char period[16], text[16];

	/* every day of two centuries round-trips */
	for (int32_t day = cal_days_from_civil(1900, 1, 1); day <= cal_days_from_civil(2100, 12, 31);
	     day++) {
		cal_civil_from_days(day, &y, &m, &dd);
		ASSERT(cal_valid_date(y, m, dd));
		ASSERT_EQ(cal_days_from_civil(y, m, dd), day);
	}
	ASSERT_EQ(cal_days_from_civil(1970, 1, 1), 0);
	ASSERT_EQ(cal_weekday(cal_days_from_civil(2017, 10, 5)), 4);  /* Thursday */
	ASSERT_EQ(cal_weekday(cal_days_from_civil(2017, 9, 30)), 6);  /* Saturday */
	ASSERT_EQ(cal_parse_date("2017-02-30", &d), DB_EDATA);
	ASSERT_EQ(cal_parse_date("2017-2-3", &d), DB_EDATA);
	ASSERT_EQ(cal_parse_date("2016-02-29", &d), 0);
	ASSERT_EQ(cal_parse_date("2017-02-29", &d), DB_EDATA);
	ASSERT_EQ(cal_parse_date("1900-02-29", &d), DB_EDATA);
	ASSERT_EQ(cal_parse_date("2000-02-29", &d), 0);
	cal_format_date(d, text);
	ASSERT_STR_EQ(text, "2000-02-29");

	/* ISO weeks, across year ends */
	cal_iso_week(cal_days_from_civil(2021, 1, 3), &iy, &w);
	ASSERT_EQ(iy, 2020);
	ASSERT_EQ(w, 53);
	cal_iso_week(cal_days_from_civil(2015, 12, 31), &iy, &w);
	ASSERT_EQ(w, 53);
	cal_iso_week(cal_days_from_civil(2017, 7, 3), &iy, &w);
	ASSERT_EQ(w, 27);
	ASSERT_EQ(cal_iso_week_monday(2017, 27), cal_days_from_civil(2017, 7, 3));
	ASSERT_EQ(cal_iso_weeks_in_year(2015), 53);
	ASSERT_EQ(cal_iso_weeks_in_year(2017), 52);

	/* monthly, day 5, 2017-07 .. 2017-11 */
	struct cal_recur r = {CAL_MONTH, 1, 5, 0, 0};
	ASSERT_EQ(cal_parse_period(CAL_MONTH, "2017-07", &r.from), 0);
	ASSERT_EQ(cal_parse_period(CAL_MONTH, "2017-11", &r.until), 0);
	static const char *const months[] = {"2017-07", "2017-08", "2017-09", "2017-10", "2017-11"};
	size_t i;
	for (i = 0; cal_recur_at(&r, i, period, &due) == 1; i++) {
		ASSERT(i < 5);
		ASSERT_STR_EQ(period, months[i]);
		cal_civil_from_days(due, &y, &m, &dd);
		ASSERT_EQ(dd, 5);
	}
	ASSERT_EQ(i, 5);
	r.interval = 2;
	for (i = 0; cal_recur_at(&r, i, period, &due) == 1; i++)
		ASSERT_STR_EQ(period, months[2 * i]);
	ASSERT_EQ(i, 3);
	/* day 31 is clamped to the month's end */
	struct cal_recur r31 = {CAL_MONTH, 1, 31, cal_days_from_civil(2016, 1, 1),
	                        cal_days_from_civil(2017, 2, 1)};
	ASSERT_EQ(cal_recur_at(&r31, 1, period, &due), 1);
	ASSERT_EQ(due, cal_days_from_civil(2016, 2, 29));
	ASSERT_EQ(cal_recur_at(&r31, 13, period, &due), 1);
	ASSERT_EQ(due, cal_days_from_civil(2017, 2, 28));
	ASSERT_EQ(cal_recur_at(&r31, 14, period, &due), 0);
	/* weekly on Fridays across a year end */
	struct cal_recur rw = {CAL_WEEK, 1, 5, 0, 0};
	ASSERT_EQ(cal_parse_period(CAL_WEEK, "2020-W52", &rw.from), 0);
	ASSERT_EQ(cal_parse_period(CAL_WEEK, "2021-W02", &rw.until), 0);
	static const char *const weeks[] = {"2020-W52", "2020-W53", "2021-W01", "2021-W02"};
	for (i = 0; cal_recur_at(&rw, i, period, &due) == 1; i++) {
		ASSERT_STR_EQ(period, weeks[i]);
		ASSERT_EQ(cal_weekday(due), 5);
	}
	ASSERT_EQ(i, 4);
	ASSERT_EQ(cal_parse_period(CAL_WEEK, "2017-W53", &d), DB_EDATA);
	/* daily every three days */
	struct cal_recur rd = {CAL_DAY, 3, 0, cal_days_from_civil(2017, 7, 1),
	                       cal_days_from_civil(2017, 7, 10)};
	for (i = 0; cal_recur_at(&rd, i, period, &due) == 1; i++)
		;
	ASSERT_EQ(i, 4); /* 1, 4, 7, 10 */
	ASSERT_EQ(cal_recur_at(&rd, 3, period, &due), 1);
	ASSERT_STR_EQ(period, "2017-07-10");
	/* until before from: nothing */
	struct cal_recur rn = {CAL_MONTH, 1, 5, cal_days_from_civil(2017, 8, 1),
	                       cal_days_from_civil(2017, 7, 1)};
	ASSERT_EQ(cal_recur_at(&rn, 0, period, &due), 0);
	return 0;
}
