/*
 * words.c - dates, deadlines, periods and day counts as a Chinese reader writes them, for
 * notices, `status` and reports alike: one place decides that a date-only deadline reads
 * "2017年7月5日（星期三）24时" and that the day before it is "1 day left".
 *
 * Day counts are differences of local calendar days in the plan's zone, never elapsed
 * seconds divided by 86400: a reminder at 09:00 the day before a 23:59:59 deadline is one
 * day before it, on a daylight-saving day as on any other.
 */
#include <stdio.h>
#include <string.h>

#include "engine/core/engine.h"

static const char *const weekday_zh[] = {"", "星期一", "星期二", "星期三", "星期四",
                                         "星期五", "星期六", "星期日"};

void
words_date_zh(int32_t day, char *out)
{
	int y, m, d;

	cal_civil_from_days(day, &y, &m, &d);
	snprintf(out, WORDS_DATE_MAX, "%d年%d月%d日（%s）", y, m, d, weekday_zh[cal_weekday(day)]);
}

void
words_numeral_zh(size_t n, char *out)
{
	static const char *const d[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
	size_t h = n / 100, t = n / 10 % 10, u = n % 10;

	out[0] = '\0';
	if (n == 0 || n > 999) {
		snprintf(out, WORDS_NUMERAL_MAX, "%zu", n);
		return;
	}
	/* 十一 alone, 一百一十一 after hundreds; 一百零五 with a zero between */
	if (h > 0)
		strcat(strcat(out, d[h]), "百");
	if (t > 0)
		strcat(strcat(out, h > 0 || t > 1 ? d[t] : ""), "十");
	else if (h > 0 && u > 0)
		strcat(out, "零");
	if (u > 0)
		strcat(out, d[u]);
}

void
words_deadline_zh(const struct tz *z, int64_t deadline, char *out)
{
	int32_t day;
	int sec;
	char date[WORDS_DATE_MAX];

	tz_utc_to_local(z, deadline, &day, &sec, NULL);
	if (sec == 86399) {
		/* the end of a day: "24时" is how official texts close a day */
		words_date_zh(day, date);
		snprintf(out, WORDS_DEADLINE_MAX, "%s24时", date);
		return;
	}
	words_date_zh(day, date);
	if (sec % 3600 == 0)
		snprintf(out, WORDS_DEADLINE_MAX, "%s%d时", date, sec / 3600);
	else
		snprintf(out, WORDS_DEADLINE_MAX, "%s%d时%02d分", date, sec / 3600, sec % 3600 / 60);
}

int64_t
words_days_between(const struct tz *z, int64_t from, int64_t to)
{
	int32_t a, b;

	tz_utc_to_local(z, from, &a, NULL, NULL);
	tz_utc_to_local(z, to, &b, NULL, NULL);
	return (int64_t)b - a;
}

int64_t
words_days_overdue(const struct tz *z, int64_t deadline, int64_t now)
{
	int64_t d;

	if (now <= deadline)
		return 0;
	/* past a 19:00 deadline at 20:00 the same day is late all the same: one day */
	d = words_days_between(z, deadline, now);
	return d < 1 ? 1 : d;
}

/* The month before y-m, n months long: "2017年5—6月", or "2017年6月" for one month, or
 * across a year "2016年12月—2017年1月". */
static void
months_zh(int y, int m, int n, char *out, size_t cap)
{
	int fy = y, fm = m - n + 1;

	while (fm < 1) {
		fm += 12;
		fy--;
	}
	if (n <= 1)
		snprintf(out, cap, "%d年%d月", y, m);
	else if (fy == y)
		snprintf(out, cap, "%d年%d—%d月", y, fm, m);
	else
		snprintf(out, cap, "%d年%d月—%d年%d月", fy, fm, y, m);
}

void
words_period_zh(const struct plan_milestone *m, const char *period, char *out, size_t cap)
{
	int y, mo, d, w;

	out[0] = '\0';
	if (period == NULL || strcmp(period, "once") == 0)
		return;
	if (sscanf(period, "%4d-W%2d", &y, &w) == 2) {
		snprintf(out, cap, "%d年第%d周", y, w);
		return;
	}
	if (strlen(period) == 10 && sscanf(period, "%4d-%2d-%2d", &y, &mo, &d) == 3) {
		int32_t day = cal_days_from_civil(y, mo, d);
		char date[WORDS_DATE_MAX];

		if (m != NULL && m->covers_previous)
			day--;
		words_date_zh(day, date);
		snprintf(out, cap, "%s", date);
		return;
	}
	if (strlen(period) == 7 && sscanf(period, "%4d-%2d", &y, &mo) == 2) {
		int n = m && m->due.kind == PLAN_DUE_EVERY && m->due.recur.freq == CAL_MONTH
		            ? m->due.recur.interval : 1;

		if (m == NULL || !m->covers_previous) {
			snprintf(out, cap, "%d年%d月", y, mo);
			return;
		}
		/* a table handed in in July reports June (two months, May-June, every second) */
		if (--mo < 1) {
			mo = 12;
			y--;
		}
		months_zh(y, mo, n, out, cap);
		return;
	}
	snprintf(out, cap, "%s", period);
}
