/*
 * test_days.h - a date written in a test as its day number, for tests that link the time
 * module (time/calendar.h); a date the test mistypes fails the test.
 */
#ifndef DABIAO_TEST_DAYS_H
#define DABIAO_TEST_DAYS_H

#include "lib/test.h"
#include "time/calendar.h"

static inline int32_t
D(const char *s)
{
	int32_t d = 0;

	if (cal_parse_date(s, &d) != 0)
		TEST_FAIL_("bad date %s in the test", s);
	return d;
}

#endif
