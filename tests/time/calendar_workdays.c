/*
 * Working days under the 2017 Chinese holiday arrangement (State Council): holiday shifts
 * of due dates, working-day offsets in both directions, and a calendar with no working day.
 */
#include <limits.h>

#include "time/calendar.h"
#include "base/err.h"
#include "lib/test.h"

static int32_t
D(const char *s)
{
	int32_t d;

	ASSERT_EQ(cal_parse_date(s, &d), 0);
	return d;
}

static void
cal2017(struct cal_calendar *c)
{
	static const char *const off[][2] = {
		{"2017-01-01", "2017-01-02"}, {"2017-01-27", "2017-02-02"},
		{"2017-04-02", "2017-04-04"}, {"2017-04-29", "2017-05-01"},
		{"2017-05-28", "2017-05-30"}, {"2017-10-01", "2017-10-08"},
	};
	static const char *const worked[] = {"2017-01-22", "2017-02-04", "2017-04-01",
	                                     "2017-05-27", "2017-09-30"};

	c->weekend = (1 << 6) | (1 << 7);
	for (size_t i = 0; i < 6; i++)
		cal_calendar_add_holidays(c, D(off[i][0]), D(off[i][1]));
	for (size_t i = 0; i < 5; i++)
		cal_calendar_add_workdays(c, D(worked[i]), D(worked[i]));
}

int
main(void)
{
	struct cal_calendar c = {0};
	int32_t out;
	static const struct {
		enum cal_shift shift;
		const char *due, *want;
	} shifts[] = {
		{CAL_SHIFT_NEXT, "2017-10-05", "2017-10-09"},
		{CAL_SHIFT_PREVIOUS, "2017-10-05", "2017-09-30"}, /* a worked Saturday */
		{CAL_SHIFT_KEEP, "2017-10-05", "2017-10-05"},
		{CAL_SHIFT_NEXT, "2017-02-15", "2017-02-15"},     /* a Wednesday */
		{CAL_SHIFT_NEXT, "2017-01-28", "2017-02-03"},     /* Spring Festival */
		{CAL_SHIFT_NEXT, "2017-01-22", "2017-01-22"},     /* a Sunday worked */
		{CAL_SHIFT_NEXT, "2017-12-31", "2018-01-01"},     /* 2018 is not in this calendar */
	};
	static const struct {
		const char *from;
		int n;
		const char *want;
	} steps[] = {
		/* 09-30 (a worked Saturday), 10-09, 10-10: the third working day after the
		 * 29th is the 10th, not the 11th */
		{"2017-10-09", -1, "2017-09-30"}, {"2017-09-29", 3, "2017-10-10"},
		{"2017-09-29", 1, "2017-09-30"},  {"2017-09-30", 1, "2017-10-09"},
		{"2017-10-05", -1, "2017-09-30"}, {"2017-10-05", 1, "2017-10-09"},
		{"2017-12-29", 250, "2018-12-14"}, /* 2018 has no holidays in this calendar */
		{"2017-10-09", 3, "2017-10-12"},  {"2017-10-09", 10, "2017-10-23"},
		{"2017-05-10", 10, "2017-05-24"}, {"2017-02-15", 0, "2017-02-15"},
		{"2017-02-06", -3, "2017-01-26"}, {"2017-01-23", -1, "2017-01-22"},
	};

	static const struct {
		const char *day;
		bool work;
	} days[] = {
		{"2017-01-22", true},  /* a Sunday worked */
		{"2017-09-30", true},  /* a Saturday worked */
		{"2017-10-02", false}, /* a Monday off */
		{"2017-10-08", false}, /* a Sunday inside the holiday */
		{"2017-10-09", true},  {"2017-07-01", false}, /* an ordinary Saturday */
		{"2017-07-03", true},  {"2017-01-02", false}, {"2017-02-03", true},
	};

	cal2017(&c);
	for (size_t i = 0; i < sizeof(days) / sizeof(days[0]); i++) {
		if (cal_is_workday(&c, D(days[i].day)) != days[i].work)
			fprintf(stderr, "day %s\n", days[i].day);
		ASSERT_EQ(cal_is_workday(&c, D(days[i].day)), days[i].work);
	}
	/* 19 distinct days off and 5 worked days: the arrays are sorted and unique */
	ASSERT_EQ(c.nholidays, 2 + 7 + 3 + 3 + 3 + 8);
	ASSERT_EQ(c.nworkdays, 5);
	for (size_t i = 1; i < c.nholidays; i++)
		ASSERT_LT(c.holidays[i - 1], c.holidays[i]);
	for (size_t i = 0; i < sizeof(shifts) / sizeof(shifts[0]); i++) {
		c.due_on_holiday = shifts[i].shift;
		ASSERT_EQ(cal_shift_due(&c, D(shifts[i].due), &out), 0);
		ASSERT_EQ(out, D(shifts[i].want));
	}
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		ASSERT_EQ(cal_add_workdays(&c, D(steps[i].from), steps[i].n, &out), 0);
		if (out != D(steps[i].want))
			fprintf(stderr, "step %zu: %s %+d\n", i, steps[i].from, steps[i].n);
		ASSERT_EQ(out, D(steps[i].want));
	}
	/* a count that walks out of years 1..9999 fails instead of overflowing */
	ASSERT_EQ(cal_add_workdays(&c, D("2017-10-09"), INT_MAX, &out), DB_EDATA);
	ASSERT_EQ(cal_add_workdays(&c, D("2017-10-09"), INT_MIN, &out), DB_EDATA);
	cal_calendar_release(&c);
	ASSERT(c.holidays == NULL && c.nholidays == 0 && c.workdays == NULL);

	/* ranges added out of order and overlapping still give one sorted, unique list */
	static const char *const ranges[][2] = {
		{"2017-10-05", "2017-10-08"}, {"2017-10-01", "2017-10-03"},
		{"2017-10-02", "2017-10-06"}, {"2017-09-01", "2017-09-01"},
		{"2017-10-08", "2017-10-01"}, /* empty: last before first */
		{"2017-10-01", "2017-10-08"},
	};
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		cal_calendar_add_holidays(&c, D(ranges[i][0]), D(ranges[i][1]));
	ASSERT_EQ(c.nholidays, 9);
	ASSERT_EQ(c.holidays[0], D("2017-09-01"));
	for (size_t i = 1; i < c.nholidays; i++)
		ASSERT_EQ(c.holidays[i], D("2017-10-01") + (int32_t)i - 1);
	cal_calendar_release(&c);

	/* a week with no working day at all is an error, not an endless loop */
	c.weekend = 0xfe;
	c.due_on_holiday = CAL_SHIFT_NEXT;
	ASSERT_EQ(cal_shift_due(&c, D("2017-10-05"), &out), DB_EDATA);
	ASSERT_EQ(cal_add_workdays(&c, D("2017-10-05"), 2, &out), DB_EDATA);
	ASSERT_EQ(cal_add_workdays(&c, D("2017-10-05"), -1, &out), DB_EDATA);
	c.due_on_holiday = CAL_SHIFT_PREVIOUS;
	ASSERT_EQ(cal_shift_due(&c, D("2017-10-05"), &out), DB_EDATA);
	/* KEEP never searches, so it cannot fail; n == 0 is the day itself */
	c.due_on_holiday = CAL_SHIFT_KEEP;
	ASSERT_EQ(cal_shift_due(&c, D("2017-10-05"), &out), 0);
	ASSERT_EQ(out, D("2017-10-05"));
	/* one working day every ten years is still found: the bound is per gap, not total */
	cal_calendar_add_workdays(&c, D("2020-01-01"), D("2020-01-01"));
	cal_calendar_add_workdays(&c, D("2029-12-01"), D("2029-12-01"));
	ASSERT_EQ(cal_add_workdays(&c, D("2017-10-05"), 2, &out), 0);
	ASSERT_EQ(out, D("2029-12-01"));
	cal_calendar_release(&c);
	return 0;
}
