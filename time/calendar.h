/*
 * calendar.h - local calendar dates, working days, holiday shifts and recurrences.
 *
 * Pure functions over day numbers: a local date is an int32_t counting days since
 * 1970-01-01 in the proleptic Gregorian calendar, with no zone attached (tz.h turns a day
 * and a time of day into a UTC instant). Nothing here reads the clock or the environment.
 */
#ifndef DABIAO_CALENDAR_H
#define DABIAO_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CAL_NO_DAY INT32_MIN /* "no date" in records and optional fields */

/* Civil date <-> day number. cal_days_from_civil expects a valid date (cal_valid_date). */
int32_t cal_days_from_civil(int y, int m, int d);
void cal_civil_from_days(int32_t days, int *y, int *m, int *d);
bool cal_valid_date(int y, int m, int d);      /* 2017-02-30 is not; years 1..9999 */
int cal_days_in_month(int y, int m);
int cal_weekday(int32_t days);                 /* ISO: 1 = Monday .. 7 = Sunday */

/* Strict "YYYY-MM-DD". Returns 0 and writes *out, or DB_EDATA (bad form or no such date). */
int cal_parse_date(const char *s, int32_t *out);
/* "YYYY-MM-DD" (first == last) or "YYYY-MM-DD..YYYY-MM-DD", as plans and calendar files
 * write days off. Returns 0 and writes both, or DB_EDATA (bad form or no such date); a
 * range that ends before it starts is returned as it is, for the caller to refuse by name. */
int cal_parse_range(const char *s, int32_t *first, int32_t *last);
/* Writes "YYYY-MM-DD" into out (at least 11 bytes). */
void cal_format_date(int32_t days, char *out);

/* ISO 8601 week of a day, and the Monday of an ISO week (week 1..53, checked by caller
 * with cal_iso_weeks_in_year). */
void cal_iso_week(int32_t days, int *iso_year, int *week);
int32_t cal_iso_week_monday(int iso_year, int week);
int cal_iso_weeks_in_year(int iso_year);       /* 52 or 53 */

/* What happens to a due date that is not a working day. */
enum cal_shift { CAL_SHIFT_KEEP = 0, CAL_SHIFT_NEXT, CAL_SHIFT_PREVIOUS };

/* A working calendar. Arrays are sorted ascending without duplicates (cal_calendar_add
 * keeps them so). Owned by whoever embeds it; cal_calendar_release frees the arrays. */
struct cal_calendar {
	uint8_t weekend;          /* bit (1 << iso_weekday): 1<<6 | 1<<7 for sat, sun */
	int32_t *holidays;        /* days off, even on a weekday */
	size_t nholidays, capholidays;
	int32_t *workdays;        /* weekend days worked instead (调休) */
	size_t nworkdays, capworkdays;
	enum cal_shift due_on_holiday;
};

/* Adds a range [first, last] of days to holidays or workdays, keeping order. */
void cal_calendar_add_holidays(struct cal_calendar *c, int32_t first, int32_t last);
void cal_calendar_add_workdays(struct cal_calendar *c, int32_t first, int32_t last);
void cal_calendar_release(struct cal_calendar *c);

/* A working day: listed in workdays, or neither a weekend day nor a holiday. */
bool cal_is_workday(const struct cal_calendar *c, int32_t day);

/* The due date after c->due_on_holiday is applied: KEEP returns day; NEXT the first working
 * day >= day; PREVIOUS the last working day <= day. Returns 0 and writes *out, or DB_EDATA
 * when no working day lies within 3660 days (a calendar without working days). */
int cal_shift_due(const struct cal_calendar *c, int32_t day, int32_t *out);

/* n working days from day: n > 0 the n-th working day after day, n < 0 the |n|-th working
 * day before it, n == 0 day itself. Same errors as cal_shift_due. */
int cal_add_workdays(const struct cal_calendar *c, int32_t day, int n, int32_t *out);

/* Recurrences. A series starts in the period holding `from` and ends with the period holding
 * `until` (inclusive), stepping `interval` periods. Each occurrence has a period name
 * ("2017-07", "2017-W27", "2017-07-05") and an unshifted due day:
 *   CAL_MONTH: day-of-month `day` (1..31; clamped to the month's last day)
 *   CAL_WEEK:  ISO weekday `day` (1..7) of the ISO week
 *   CAL_DAY:   the day itself (`day` unused). */
enum cal_freq { CAL_DAY = 0, CAL_WEEK, CAL_MONTH };

struct cal_recur {
	enum cal_freq freq;
	int interval;   /* >= 1 */
	int day;
	int32_t from;   /* any day inside the first period */
	int32_t until;  /* any day inside the last period */
};

/* Occurrence number i (0-based). Returns 1 and writes period (at least 16 bytes) and *due
 * when it exists, 0 when i lies past `until`. Cannot fail otherwise. */
int cal_recur_at(const struct cal_recur *r, size_t i, char *period, int32_t *due);

/* Parses a period bound for a frequency: CAL_MONTH "YYYY-MM" or a date; CAL_WEEK "YYYY-Www"
 * or a date; CAL_DAY a date. Writes a day inside the period. 0 or DB_EDATA. */
int cal_parse_period(enum cal_freq f, const char *s, int32_t *out);

#endif
