/*
 * Dates, deadlines, periods and day counts in Chinese: the day before a deadline is one day
 * before it, at 00:00:01 and at 23:59:59, and across a daylight-saving change; a table due
 * in July covers June when its milestone says `covers: previous`.
 */
#include <string.h>

#include "engine/core/engine.h"
#include "lib/test.h"

static const char plan_src[] =
	"plan: w\n"
	"title: t\n"
	"timezone: Asia/Shanghai\n"
	"roles:\n"
	"  c: {title: c, per: jurisdiction}\n"
	"phases:\n"
	"  - id: p\n"
	"    title: p\n"
	"    milestones:\n"
	"      - {id: monthly, title: m, owner: c, for: each jurisdiction,\n"
	"         due: {every: 1 month, day: 5, from: 2017-07, until: 2017-11}, covers: previous}\n"
	"      - {id: bimonthly, title: b, owner: c, for: each jurisdiction,\n"
	"         due: {every: 2 month, day: 5, from: 2017-01, until: 2017-11}, covers: previous}\n"
	"      - {id: plain, title: x, owner: c, for: each jurisdiction,\n"
	"         due: {every: 1 month, day: 5, from: 2017-07, until: 2017-11}}\n";

static int64_t
at(const struct tz *z, const char *s)
{
	int64_t t;

	ASSERT_EQ(tz_parse_time(z, s, &t), 0);
	return t;
}

int
main(void)
{
	struct plan *p = NULL;
	struct tz *sh = NULL, *berlin = NULL;
	struct dberr e;
	char out[WORDS_DEADLINE_MAX];
	int32_t day;

	dberr_clear(&e);
	ASSERT_EQ(plan_parse_buffer("w.yaml", plan_src, sizeof(plan_src) - 1, NULL, &p, &e), 0);
	ASSERT_EQ(tz_open("Asia/Shanghai", &sh, &e), 0);
	ASSERT_EQ(tz_open("Europe/Berlin", &berlin, &e), 0);

	/* 2017-07-05 was a Wednesday; 2017-12-31 a Sunday */
	ASSERT_EQ(cal_parse_date("2017-07-05", &day), 0);
	words_date_zh(day, out);
	ASSERT_STR_EQ(out, "2017年7月5日（星期三）");
	ASSERT_EQ(cal_parse_date("2017-12-31", &day), 0);
	words_date_zh(day, out);
	ASSERT_STR_EQ(out, "2017年12月31日（星期日）");

	/* items numbered as 公文 number them: a digest's 11th was （11） after （十） */
	{
		static const struct { size_t n; const char *zh; } nums[] = {
			{1, "一"}, {9, "九"}, {10, "十"}, {11, "十一"}, {20, "二十"}, {27, "二十七"},
			{99, "九十九"}, {100, "一百"}, {105, "一百零五"}, {110, "一百一十"},
			{999, "九百九十九"}, {1000, "1000"}, {0, "0"}};
		char num[WORDS_NUMERAL_MAX];

		for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
			words_numeral_zh(nums[i].n, num);
			ASSERT_STR_EQ(num, nums[i].zh);
		}
	}

	/* a date-only deadline closes the day at 24时; a date-time one at its hour */
	words_deadline_zh(sh, at(sh, "2017-07-05T23:59:59+08:00"), out);
	ASSERT_STR_EQ(out, "2017年7月5日（星期三）24时");
	words_deadline_zh(sh, at(sh, "2017-07-05T19:00:00+08:00"), out);
	ASSERT_STR_EQ(out, "2017年7月5日（星期三）19时");
	words_deadline_zh(sh, at(sh, "2017-07-05T08:30:00+08:00"), out);
	ASSERT_STR_EQ(out, "2017年7月5日（星期三）8时30分");

	/* the reminder at 09:00 the day before a 23:59:59 deadline: 1 day left, not 2 */
	ASSERT_EQ(words_days_between(sh, at(sh, "2017-07-04T09:00:00+08:00"),
	                             at(sh, "2017-07-05T23:59:59+08:00")), 1);
	/* a second after midnight and a second before it are the same day */
	ASSERT_EQ(words_days_between(sh, at(sh, "2017-07-04T00:00:01+08:00"),
	                             at(sh, "2017-07-05T23:59:59+08:00")), 1);
	ASSERT_EQ(words_days_between(sh, at(sh, "2017-07-04T23:59:59+08:00"),
	                             at(sh, "2017-07-05T23:59:59+08:00")), 1);
	ASSERT_EQ(words_days_between(sh, at(sh, "2017-07-05T00:00:00+08:00"),
	                             at(sh, "2017-07-05T23:59:59+08:00")), 0);
	/* across the night clocks go forward (Berlin 2017-03-26) and back (10-29): days are
	 * 23 and 25 hours long, and still one day each */
	ASSERT_EQ(words_days_between(berlin, at(berlin, "2017-03-25T09:00:00+01:00"),
	                             at(berlin, "2017-03-26T23:59:59+02:00")), 1);
	ASSERT_EQ(words_days_between(berlin, at(berlin, "2017-03-25T23:30:00+01:00"),
	                             at(berlin, "2017-03-27T00:30:00+02:00")), 2);
	ASSERT_EQ(words_days_between(berlin, at(berlin, "2017-10-28T23:30:00+02:00"),
	                             at(berlin, "2017-10-29T23:30:00+01:00")), 1);

	/* overdue: 0 up to the deadline, at least 1 after it, then whole local days */
	ASSERT_EQ(words_days_overdue(sh, at(sh, "2017-07-05T23:59:59+08:00"),
	                             at(sh, "2017-07-05T23:59:59+08:00")), 0);
	ASSERT_EQ(words_days_overdue(sh, at(sh, "2017-07-05T19:00:00+08:00"),
	                             at(sh, "2017-07-05T20:00:00+08:00")), 1);
	ASSERT_EQ(words_days_overdue(sh, at(sh, "2017-07-05T23:59:59+08:00"),
	                             at(sh, "2017-07-06T09:00:00+08:00")), 1);
	ASSERT_EQ(words_days_overdue(sh, at(sh, "2017-07-05T23:59:59+08:00"),
	                             at(sh, "2017-07-10T09:00:00+08:00")), 5);

	/* periods: the table due in July covers June; every second month, two months; a
	 * milestone without covers: names the month it is due in */
	words_period_zh(&p->milestones[0], "2017-07", out, sizeof(out));
	ASSERT_STR_EQ(out, "2017年6月");
	words_period_zh(&p->milestones[0], "2018-01", out, sizeof(out));
	ASSERT_STR_EQ(out, "2017年12月");
	words_period_zh(&p->milestones[1], "2017-07", out, sizeof(out));
	ASSERT_STR_EQ(out, "2017年5—6月");
	words_period_zh(&p->milestones[1], "2017-01", out, sizeof(out));
	ASSERT_STR_EQ(out, "2016年11—12月");
	words_period_zh(&p->milestones[2], "2017-07", out, sizeof(out));
	ASSERT_STR_EQ(out, "2017年7月");
	words_period_zh(NULL, "2017-W27", out, sizeof(out));
	ASSERT_STR_EQ(out, "2017年第27周");
	words_period_zh(NULL, "once", out, sizeof(out));
	ASSERT_STR_EQ(out, "");

	tz_free(sh);
	tz_free(berlin);
	plan_free(p);
	return 0;
}
