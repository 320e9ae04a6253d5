/*
 * csv_dates.c - csv_date reads a date as a county's spreadsheet in a Chinese locale saves
 * it (review12z Z8: 2017/6/30 and 2017年6月30日 were refused as "not a date") and refuses,
 * saying why, a form that is not one day for certain: a two-digit year, no year, a month
 * alone, a day and a month in either order, a day that does not exist, a weekday that is
 * not the date's.
 */
#include <stdint.h>
#include <string.h>

#include "lib/test.h"
#include "time/calendar.h"
#include "workflows/parse/csv.h"

static void
reads(const char *text, const char *iso)
{
	char why[640], got[16];
	int32_t day = 0;

	if (csv_date(text, &day, why, sizeof(why)) != 0)
		TEST_FAIL_("'%s' refused: %s", text, why);
	cal_format_date(day, got);
	if (strcmp(got, iso) != 0)
		TEST_FAIL_("'%s' read as %s, not %s", text, got, iso);
}

static void
refuses(const char *text, const char *words)
{
	char why[640];
	int32_t day = 0;

	if (csv_date(text, &day, why, sizeof(why)) == 0)
		TEST_FAIL_("'%s' read as day %d, not refused", text, (int)day);
	if (strstr(why, words) == NULL)
		TEST_FAIL_("'%s': \"%s\" does not say \"%s\"", text, why, words);
}

int
main(void)
{
	/* what Excel and WPS (zh-CN) save for a date cell, and what people type there */
	reads("2017-06-30", "2017-06-30");
	reads("2017-6-30", "2017-06-30");
	reads("2017/6/30", "2017-06-30");
	reads("2017/06/30", "2017-06-30");
	reads("2017.6.30", "2017-06-30");
	reads("2017/7/5", "2017-07-05");
	reads("2017年6月30日", "2017-06-30");
	reads("2017年06月05日", "2017-06-05");
	reads("二〇一七年六月三十日", "2017-06-30");
	reads("二〇一七年十二月十一日", "2017-12-11");
	reads("二零一七年十月二十一日", "2017-10-21");
	reads("20170630", "2017-06-30");
	reads("２０１７／６／３０", "2017-06-30");
	reads("2017年6月30日星期五", "2017-06-30");
	reads("2017年6月30日 周五", "2017-06-30");
	reads("2017年7月2日（星期日）", "2017-07-02");
	reads("2017年7月2日 星期天", "2017-07-02");
	/* a date cell with its time of day: the columns hold days */
	reads("2017/6/30 0:00", "2017-06-30");
	reads("2017-06-30 10:00", "2017-06-30");
	reads("2017/6/30 23:59:59", "2017-06-30");
	/* the year last: read when only one order of month and day is a date */
	reads("6/30/2017", "2017-06-30");
	reads("30/6/2017", "2017-06-30");
	reads("30.06.2017", "2017-06-30");
	reads("6/6/2017", "2017-06-06");
	reads("2016/2/29", "2016-02-29");

	refuses("7/6/2017", "can be read as 2017年7月6日 or 2017年6月7日");
	refuses("7/6/2017", "2017-07-06 or 2017-06-07");
	refuses("17/6/30", "year in two digits");
	refuses("17年6月30日", "year in two digits");
	refuses("6月30日", "has no year");
	refuses("6/30", "has no year");
	refuses("6-30", "has no year");
	refuses("2017年6月", "is a month, not a day");
	refuses("2017-06", "is a month, not a day");
	refuses("2017/2/30", "no such day: 2017年2月 has 28 days");
	refuses("2017/13/1", "is not a date");
	refuses("2017年6月30日星期四", "is a 星期五, not 星期四");
	refuses("2017/6/30 25:10", "is not a date");
	refuses("2017-06/30", "is not a date");
	refuses("42916", "is not a date");
	refuses("下月底", "is not a date");
	refuses("", "is not a date");
	refuses("2017/6/30 to 2017/7/30 and far beyond that into a long sentence", "not a date");
	return 0;
}
