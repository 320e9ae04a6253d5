/*
 * calendar.c - local dates as day numbers, working days, holiday shifts, recurrences.
 * Pure functions: no clock, no zone, no environment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "time/calendar.h"
#include "base/err.h"
#include "base/xalloc.h"

/* How far a shift or a working-day count may search before the calendar is declared to
 * have no working days: ten years. */
#define CAL_SEARCH_LIMIT 3660

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (the civil-from-days
 * algorithm published by Howard Hinnant, eras of 400 years). */
int32_t
cal_days_from_civil(int y, int m, int d)
{
	int yy = y - (m <= 2);
	int era = (yy >= 0 ? yy : yy - 399) / 400;
	unsigned yoe = (unsigned)(yy - era * 400);
	unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return (int32_t)(era * 146097 + (int)doe - 719468);
}

void
cal_civil_from_days(int32_t days, int *y, int *m, int *d)
{
	/* 64-bit, so that every int32_t day (CAL_NO_DAY included) stays defined behaviour */
	int64_t z = (int64_t)days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned dd = doy - (153 * mp + 2) / 5 + 1;
	unsigned mm = mp < 10 ? mp + 3 : mp - 9;

	*y = (int)(yy + (mm <= 2));
	*m = (int)mm;
	*d = (int)dd;
}

static bool
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
cal_days_in_month(int y, int m)
{
	static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m < 1 || m > 12)
		return 0;
	return dim[m - 1] + (m == 2 && leap(y));
}

bool
cal_valid_date(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	       d <= cal_days_in_month(y, m);
}

int
cal_weekday(int32_t days)
{
	/* 1970-01-01 was a Thursday (ISO 4) */
	int w = (int)((days % 7 + 7 + 3) % 7);

	return w + 1;
}

static bool
digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int
num(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

int
cal_parse_date(const char *s, int32_t *out)
{
	int y, m, d;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4) ||
	    !digits(s + 5, 2) || !digits(s + 8, 2))
		return DB_EDATA;
	y = num(s, 4);
	m = num(s + 5, 2);
	d = num(s + 8, 2);
	if (!cal_valid_date(y, m, d))
		return DB_EDATA;
	*out = cal_days_from_civil(y, m, d);
	return 0;
}

int
cal_parse_range(const char *s, int32_t *first, int32_t *last)
{
	const char *dots = s ? strstr(s, "..") : NULL;
	int32_t a, b;
	char head[11];

	if (dots == NULL) {
		if (cal_parse_date(s, &a) != 0)
			return DB_EDATA;
		*first = *last = a;
		return 0;
	}
	if (dots - s != 10)
		return DB_EDATA;
	memcpy(head, s, 10);
	head[10] = '\0';
	if (cal_parse_date(head, &a) != 0 || cal_parse_date(dots + 2, &b) != 0)
		return DB_EDATA;
	*first = a;
	*last = b;
	return 0;
}

void
cal_format_date(int32_t days, char *out)
{
	int y, m, d;

	if (days == CAL_NO_DAY) {
		strcpy(out, "");
		return;
	}
	cal_civil_from_days(days, &y, &m, &d);
	y = y < 0 ? 0 : y % 10000;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

/* ISO 8601: the week with the year's first Thursday is week 1. */
void
cal_iso_week(int32_t days, int *iso_year, int *week)
{
	int32_t thursday = days - (cal_weekday(days) - 1) + 3;
	int y, m, d;

	cal_civil_from_days(thursday, &y, &m, &d);
	*iso_year = y;
	*week = (int)((thursday - cal_days_from_civil(y, 1, 1)) / 7 + 1);
}

int32_t
cal_iso_week_monday(int iso_year, int week)
{
	int32_t jan4 = cal_days_from_civil(iso_year, 1, 4);
	int32_t week1 = jan4 - (cal_weekday(jan4) - 1);

	return week1 + (week - 1) * 7;
}

int
cal_iso_weeks_in_year(int iso_year)
{
	int y, w;

	cal_iso_week(cal_days_from_civil(iso_year, 12, 28), &y, &w);
	return w;
}

/* First index whose value is >= day (n when none). */
static size_t
lower_bound(const int32_t *v, size_t n, int64_t day)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Binary search: cal_is_workday runs for every day a shift or a count walks over. */
static bool
contains(const int32_t *v, size_t n, int32_t day)
{
	size_t i = lower_bound(v, n, day);

	return i < n && v[i] == day;
}

/* The days already listed inside [first, last] are exactly the slice [lo, hi), so the
 * whole range replaces that slice: the array stays sorted and unique in one pass. */
static void
add_range(int32_t **v, size_t *n, size_t *cap, int32_t first, int32_t last)
{
	size_t lo, hi, k, len;

	if (first > last)
		return;
	lo = lower_bound(*v, *n, first);
	hi = lower_bound(*v, *n, (int64_t)last + 1);
	k = (size_t)((int64_t)last - first + 1);
	len = lo + k + (*n - hi);
	*v = xgrow(*v, cap, len, sizeof(**v));
	memmove(*v + lo + k, *v + hi, (*n - hi) * sizeof(**v));
	for (size_t i = 0; i < k; i++)
		(*v)[lo + i] = (int32_t)(first + (int64_t)i);
	*n = len;
}

void
cal_calendar_add_holidays(struct cal_calendar *c, int32_t first, int32_t last)
{
	add_range(&c->holidays, &c->nholidays, &c->capholidays, first, last);
}

void
cal_calendar_add_workdays(struct cal_calendar *c, int32_t first, int32_t last)
{
	add_range(&c->workdays, &c->nworkdays, &c->capworkdays, first, last);
}

void
cal_calendar_release(struct cal_calendar *c)
{
	free(c->holidays);
	free(c->workdays);
	c->holidays = c->workdays = NULL;
	c->nholidays = c->capholidays = c->nworkdays = c->capworkdays = 0;
}

bool
cal_is_workday(const struct cal_calendar *c, int32_t day)
{
	if (contains(c->workdays, c->nworkdays, day))
		return true;
	if (c->weekend & (1u << cal_weekday(day)))
		return false;
	return !contains(c->holidays, c->nholidays, day);
}

/* The first working day met walking from day in direction dir (day itself included).
 * Gives up after CAL_SEARCH_LIMIT days, or on leaving years 1..9999, so that neither a
 * calendar without working days nor a huge count can loop forever or overflow. */
static int
step_to_workday(const struct cal_calendar *c, int64_t day, int dir, int32_t *out)
{
	int64_t min = cal_days_from_civil(1, 1, 1), max = cal_days_from_civil(9999, 12, 31);

	for (int i = 0; i < CAL_SEARCH_LIMIT; i++, day += dir) {
		if (day < min || day > max)
			return DB_EDATA;
		if (cal_is_workday(c, (int32_t)day)) {
			*out = (int32_t)day;
			return 0;
		}
	}
	return DB_EDATA;
}

int
cal_shift_due(const struct cal_calendar *c, int32_t day, int32_t *out)
{
	switch (c->due_on_holiday) {
	case CAL_SHIFT_NEXT:
		return step_to_workday(c, day, 1, out);
	case CAL_SHIFT_PREVIOUS:
		return step_to_workday(c, day, -1, out);
	case CAL_SHIFT_KEEP:
	default:
		*out = day;
		return 0;
	}
}

int
cal_add_workdays(const struct cal_calendar *c, int32_t day, int n, int32_t *out)
{
	int dir = n < 0 ? -1 : 1;
	int64_t left = n < 0 ? -(int64_t)n : n; /* -INT_MIN does not fit in an int */
	int32_t cur = day;
	int rc;

	/* The 3660-day bound applies to each gap between working days, not to the total:
	 * a long count in a normal calendar is fine, a calendar without working days is not. */
	for (; left > 0; left--)
		if ((rc = step_to_workday(c, (int64_t)cur + dir, dir, &cur)) != 0)
			return rc;
	*out = cur;
	return 0;
}

/* More periods than any series inside years 1..9999 can have (3.65 million days): an
 * index past it is simply past `until`, and the arithmetic below cannot overflow. */
#define CAL_RECUR_MAX_INDEX 4000000

int
cal_recur_at(const struct cal_recur *r, size_t i, char *period, int32_t *due)
{
	int interval = r->interval > 0 ? r->interval : 1;
	int64_t step;
	int y, m, d, iy, w;

	if (i > CAL_RECUR_MAX_INDEX)
		return 0;
	step = (int64_t)i * interval;
	switch (r->freq) {
	case CAL_MONTH: {
		/* months counted from year 0, so stepping carries into the year by itself */
		int fy, fm, uy, um, dim;
		int64_t k;

		cal_civil_from_days(r->from, &fy, &fm, &d);
		cal_civil_from_days(r->until, &uy, &um, &d);
		k = (int64_t)fy * 12 + (fm - 1) + step;
		if (k > (int64_t)uy * 12 + (um - 1))
			return 0;
		y = (int)(k / 12);
		m = (int)(k % 12) + 1;
		dim = cal_days_in_month(y, m);
		d = r->day < 1 ? 1 : r->day > dim ? dim : r->day;
		*due = cal_days_from_civil(y, m, d);
		snprintf(period, 16, "%04d-%02d", y, m);
		return 1;
	}
	case CAL_WEEK: {
		int64_t monday = (int64_t)r->from - (cal_weekday(r->from) - 1) + step * 7;
		int64_t last = (int64_t)r->until - (cal_weekday(r->until) - 1);

		if (monday > last)
			return 0;
		/* the ISO year of a week is that of its Thursday, which cal_iso_week finds */
		cal_iso_week((int32_t)monday, &iy, &w);
		*due = (int32_t)monday + (r->day >= 1 && r->day <= 7 ? r->day : 1) - 1;
		snprintf(period, 16, "%04d-W%02d", iy, w);
		return 1;
	}
	case CAL_DAY:
	default: {
		int64_t day = (int64_t)r->from + step;

		if (day > r->until)
			return 0;
		*due = (int32_t)day;
		cal_format_date(*due, period);
		return 1;
	}
	}
}

int
cal_parse_period(enum cal_freq f, const char *s, int32_t *out)
{
	size_t n = s ? strlen(s) : 0;
	int y, w;

	if (n == 10)
		return cal_parse_date(s, out);
	if (f == CAL_MONTH && n == 7 && s[4] == '-' && digits(s, 4) && digits(s + 5, 2)) {
		y = num(s, 4);
		w = num(s + 5, 2);
		if (!cal_valid_date(y, w, 1))
			return DB_EDATA;
		*out = cal_days_from_civil(y, w, 1);
		return 0;
	}
	if (f == CAL_WEEK && n == 8 && s[4] == '-' && s[5] == 'W' && digits(s, 4) &&
	    digits(s + 6, 2)) {
		y = num(s, 4);
		w = num(s + 6, 2);
		if (y < 1 || y > 9999 || w < 1 || w > cal_iso_weeks_in_year(y))
			return DB_EDATA;
		*out = cal_iso_week_monday(y, w);
		return 0;
	}
	return DB_EDATA;
}
