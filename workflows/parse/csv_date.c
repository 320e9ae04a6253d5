/*
 * csv_date.c - a date as a county's spreadsheet holds it (csv.h, csv_date).
 *
 * Why not YYYY-MM-DD alone: a date typed into Excel or WPS in a Chinese locale becomes a
 * date cell, and "CSV UTF-8" saves it as the cell shows it — 2017/6/30 (the short date),
 * 2017年6月30日 (the long one), 二〇一七年六月三十日 ([DBNum1]), with " 0:00" when the cell
 * has a time (review12z, Z8). Those are read; a form that can be read two ways (a year in
 * two digits, a day and a month in either order) or that lacks the year or the day is
 * refused, saying which.
 */
#include <stdio.h>
#include <string.h>

#include "base/utf8.h"
#include "time/calendar.h"
#include "workflows/parse/csv.h"

/* Longer than any date with a weekday and a time: not a date (and no buffer to grow) */
#define DATE_TEXT_MAX 96

static const char *const weekday_zh[8] = {"", "一", "二", "三", "四", "五", "六", "日"};

/* The value of a Chinese numeral digit (〇 零 一 … 九), -1 for any other character;
 * 十 is handled by its caller. */
static int
zh_digit(uint32_t cp)
{
	static const uint32_t d[10] = {0x3007, 0x4E00, 0x4E8C, 0x4E09, 0x56DB,
	                               0x4E94, 0x516D, 0x4E03, 0x516B, 0x4E5D};

	if (cp == 0x96F6) /* 零 */
		return 0;
	for (int i = 0; i < 10; i++)
		if (d[i] == cp)
			return i;
	return -1;
}

/* s with full-width digits and separators (２０１７／６／３０, what a Chinese input method
 * in full-width mode types) as ASCII and the ideographic space as a space; with numerals,
 * each run of Chinese numerals as its number instead: 二〇一七 2017 (digit by digit, as a
 * year is written), 三十 30, 十二 12, 二十一 21 (after the weekday is cut: 星期五 is no
 * 5). False when the result would not fit in out. */
static bool
normalise(const char *s, bool numerals, char *out, size_t cap)
{
	size_t len = strlen(s), w = 0;

	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, len - i, &cp);
		char ascii = 0;

		if (k == 0)
			return false;
		if (cp >= 0xFF01 && cp <= 0xFF5E)
			ascii = (char)(cp - 0xFEE0);
		else if (cp == 0x3000)
			ascii = ' ';
		if (ascii) {
			if (w + 1 >= cap)
				return false;
			out[w++] = ascii, i += k;
			continue;
		}
		if (numerals && (zh_digit(cp) >= 0 || cp == 0x5341 /* 十 */)) {
			long v = 0, before = -1;
			int digits = 0;
			bool ten = false;
			char num[24];

			while (i < len && (k = utf8_decode(s + i, len - i, &cp)) > 0 &&
			       (zh_digit(cp) >= 0 || (cp == 0x5341 && !ten))) {
				if (cp == 0x5341) {
					ten = true, before = digits ? v : 1, v = 0, digits = 0;
				} else if (digits < 6) {
					v = v * 10 + zh_digit(cp), digits++;
				}
				i += k;
			}
			if (ten)
				v = before * 10 + v;
			snprintf(num, sizeof(num), "%ld", v);
			if (w + strlen(num) >= cap)
				return false;
			memcpy(out + w, num, strlen(num)), w += strlen(num);
			continue;
		}
		if (w + k >= cap)
			return false;
		memcpy(out + w, s + i, k), w += k, i += k;
	}
	out[w] = '\0';
	return true;
}

/* Reads a run of ASCII digits at *p (at most 8): its value and length, *p moved past it.
 * 0 digits when there is none. */
static int
digits_at(const char **p, int *v)
{
	int n = 0;

	*v = 0;
	while (**p >= '0' && **p <= '9' && n < 9)
		*v = *v * 10 + (**p - '0'), (*p)++, n++;
	return n;
}

static bool
word_at(const char **p, const char *w)
{
	if (strncmp(*p, w, strlen(w)) != 0)
		return false;
	*p += strlen(w);
	return true;
}

/* A time of day at the end of s, " H:MM" or " H:MM:SS" (what a date cell with a time
 * saves), cut off. A time that is none (25:10) is left, and the date then refused. */
static void
cut_time(char *s)
{
	char *sp = strrchr(s, ' ');
	const char *p;
	int h, m, sec, n;

	if (sp == NULL)
		return;
	p = sp + 1;
	if ((n = digits_at(&p, &h)) < 1 || n > 2 || h > 23 || *p++ != ':' ||
	    digits_at(&p, &m) != 2 || m > 59)
		return;
	if (*p == ':' && (p++, digits_at(&p, &sec) != 2 || sec > 59))
		return;
	if (*p != '\0')
		return;
	while (sp > s && sp[-1] == ' ')
		sp--;
	*sp = '\0';
}

/* A weekday after a long date, as WPS's and Excel's long formats add it (2017年6月30日星期五,
 * 2017年6月30日 周五) or as dabiao's own texts write it (2017年6月30日（星期五）): cut off,
 * its day (1 Monday .. 7 Sunday) in *wd; 0 when there is none. */
static void
cut_weekday(char *s, int *wd)
{
	static const char *const open[] = {"(星期", "(周", "星期", "周"};
	size_t len = strlen(s);

	*wd = 0;
	for (size_t o = 0; o < sizeof(open) / sizeof(open[0]); o++) {
		bool paren = open[o][0] == '(';

		for (int d = 1; d <= 7; d++) {
			/* Sunday is 日 in a format, 天 as people type it */
			for (int alt = 0; alt < (d == 7 ? 2 : 1); alt++) {
				char tail[32];
				size_t tl;

				snprintf(tail, sizeof(tail), "%s%s%s", open[o], alt ? "天" : weekday_zh[d],
				         paren ? ")" : "");
				tl = strlen(tail);
				if (len > tl && strcmp(s + len - tl, tail) == 0) {
					len -= tl;
					while (len > 0 && s[len - 1] == ' ')
						len--;
					s[len] = '\0';
					*wd = d;
					return;
				}
			}
		}
	}
}

int
csv_date(const char *text, int32_t *day, char *why, size_t n)
{
	char w[DATE_TEXT_MAX], s[DATE_TEXT_MAX], clip[UTF8_CLIP_BUF];
	const char *p = s, *shown = utf8_clip(text, clip);
	int a, b, c, na, nb, nc, y, m, d, wd = 0;
	char sep;

	if (strlen(text) >= DATE_TEXT_MAX / 2 || !normalise(text, false, w, sizeof(w)))
		goto not_date;
	cut_time(w);
	cut_weekday(w, &wd);
	if (!normalise(w, true, s, sizeof(s)))
		goto not_date;
	if ((na = digits_at(&p, &a)) == 0)
		goto not_date;
	if (word_at(&p, "年")) {
		/* the long date: 2017年6月30日 */
		if ((nb = digits_at(&p, &b)) == 0 || !word_at(&p, "月"))
			goto not_date;
		if ((nc = digits_at(&p, &c)) == 0 && *p == '\0') {
			snprintf(why, n, "'%s' is a month, not a day: give the day too (%d年%d月…日)",
			         shown, a, b);
			return DB_EDATA;
		}
		if (nc == 0 || nb > 2 || nc > 2 || !word_at(&p, "日") || *p != '\0')
			goto not_date;
		if (na != 4)
			goto two_digit_year_or_not;
		y = a, m = b, d = c;
		goto check;
	}
	if (word_at(&p, "月")) {
		if (digits_at(&p, &b) > 0 && (word_at(&p, "日") || word_at(&p, "号")) && *p == '\0')
			goto no_year;
		goto not_date;
	}
	if (*p == '\0') {
		/* 20170630, as typed where no separator came to hand */
		if (na != 8)
			goto not_date;
		y = a / 10000, m = a / 100 % 100, d = a % 100;
		goto check;
	}
	sep = *p;
	if (sep != '-' && sep != '/' && sep != '.')
		goto not_date;
	p++;
	if ((nb = digits_at(&p, &b)) == 0 || nb > 2)
		goto not_date;
	if (*p == '\0') {
		if (na == 4) {
			snprintf(why, n, "'%s' is a month, not a day: give the day too (%04d-%02d-DD)",
			         shown, a, b);
			return DB_EDATA;
		}
		if (na <= 2)
			goto no_year;
		goto not_date;
	}
	if (*p++ != sep || (nc = digits_at(&p, &c)) == 0 || *p != '\0')
		goto not_date;
	if (na == 4 && nc <= 2) {
		y = a, m = b, d = c;
		goto check;
	}
	if (nc == 4 && na <= 2) {
		/* the year last, as a spreadsheet set to another country saves it: read only
		 * when one order of month and day is a date (6/30/2017, 30/6/2017) */
		bool md = cal_valid_date(c, a, b), dm = cal_valid_date(c, b, a);

		if (md && dm && a != b) {
			snprintf(why, n, "'%s' can be read as %d年%d月%d日 or %d年%d月%d日 (month and "
			         "day in either order): write it year first, %04d-%02d-%02d or "
			         "%04d-%02d-%02d", shown, c, a, b, c, b, a, c, a, b, c, b, a);
			return DB_EDATA;
		}
		if (!md && !dm)
			goto not_date;
		y = c, m = md ? a : b, d = md ? b : a;
		goto check;
	}
	if (na <= 2 && nc <= 2)
		goto two_digit_year;
	goto not_date;

check:
	if (!cal_valid_date(y, m, d)) {
		if (y < 1 || m < 1 || m > 12)
			goto not_date;
		snprintf(why, n, "'%s' is no such day: %d年%d月 has %d days", shown, y, m,
		         cal_days_in_month(y, m));
		return DB_EDATA;
	}
	*day = cal_days_from_civil(y, m, d);
	if (wd != 0 && cal_weekday(*day) != wd) {
		snprintf(why, n, "'%s': %d年%d月%d日 is a 星期%s, not 星期%s: check the date", shown,
		         y, m, d, weekday_zh[cal_weekday(*day)], weekday_zh[wd]);
		return DB_EDATA;
	}
	return 0;
two_digit_year_or_not:
	if (na != 2)
		goto not_date;
two_digit_year:
	snprintf(why, n, "'%s' gives the year in two digits, which can be read more than one "
	         "way: write the year in full, year first (YYYY-MM-DD)", shown);
	return DB_EDATA;
no_year:
	snprintf(why, n, "'%s' has no year: write the date with its year (YYYY-MM-DD)", shown);
	return DB_EDATA;
not_date:
	snprintf(why, n, "'%s' is not a date: write YYYY-MM-DD (2017/6/30 and 2017年6月30日, as "
	         "a spreadsheet set to Chinese saves a date, are read too)", shown);
	return DB_EDATA;
}
