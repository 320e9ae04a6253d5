/*
 * Working days under the 2017 Chinese holiday arrangement (State Council): holiday shifts
 * of due dates, working-day offsets in both directions, and a calendar with no working day.
 */
#include "engine/base/calendar.h"
#include "engine/base/err.h"
#include "test.h"

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
		{"2017-10-09", -1, "2017-09-30"}, {"2017-09-29", 3, "2017-10-10"},
		{"2017-10-09", 3, "2017-10-12"},  {"2017-10-09", 10, "2017-10-23"},
		{"2017-05-10", 10, "2017-05-24"}, {"2017-02-15", 0, "2017-02-15"},
		{"2017-02-06", -3, "2017-01-26"}, {"2017-01-23", -1, "2017-01-22"},
	};

	cal2017(&c);
	ASSERT(cal_is_workday(&c, D("2017-01-22")));
	ASSERT(!cal_is_workday(&c, D("2017-10-02")));
	ASSERT(!cal_is_workday(&c, D("2017-07-01")));
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
	cal_calendar_release(&c);

	/* a week with no working day at all is an error, not an endless loop */
	c.weekend = 0xfe;
	c.due_on_holiday = CAL_SHIFT_NEXT;
	ASSERT_EQ(cal_shift_due(&c, D("2017-10-05"), &out), DB_EDATA);
	ASSERT_EQ(cal_add_workdays(&c, D("2017-10-05"), 2, &out), DB_EDATA);
	return 0;
}
