/*
 * tz.c - IANA zones through the C library: the only file that touches TZ.
 *
 * The C library keeps one current zone per process, so each conversion selects the zone
 * it needs: TZ is compared with the wanted value and set (setenv + tzset) only when it
 * differs, which needs no "last zone set" variable of our own. setenv is not thread-safe
 * against getenv in other threads, so this module is loop-thread only, as tz.h says.
 * UTC never goes through the C library: it is plain arithmetic, so it works without
 * tzdata and leaves TZ alone. Nothing here reads the clock.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "time/calendar.h"
#include "time/tz.h"
#include "base/xalloc.h"

struct tz {
	char name[128];
	char env[130];   /* ":" + name: an implementation-defined zone file, never a POSIX rule */
	bool utc;        /* offset 0 for ever: converted without the C library */
};

/* Zone names that are UTC by definition, accepted even where tzdata is not installed. */
static bool
is_utc_name(const char *name)
{
	return strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0;
}

static void
select_zone(const struct tz *z)
{
	const char *cur = getenv("TZ");

	if (cur == NULL || strcmp(cur, z->env) != 0) {
		setenv("TZ", z->env, 1);
		tzset();
	}
}

static bool
name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= 128 || name[0] == '/' || strstr(name, "..") != NULL)
		return false;
	/* right/ zones count leap seconds in time_t, which would shift every instant we
	 * store (POSIX seconds) by half a minute */
	if (strncmp(name, "right/", 6) == 0)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '+' || *p == '-' || *p == '/'))
			return false;
	return true;
}

/* A zone exists when the system tzdata has a TZif file of that name. */
static bool
zone_file_ok(const char *name)
{
	const char *dir = getenv("TZDIR");
	char path[512], magic[4];
	struct stat st;
	int fd;
	bool ok = false;

	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ok = read(fd, magic, 4) == 4 && memcmp(magic, "TZif", 4) == 0;
	close(fd);
	return ok;
}

int
tz_open(const char *name, struct tz **out, struct dberr *e)
{
	struct tz *z;

	if (name == NULL || !name_ok(name) || (!is_utc_name(name) && !zone_file_ok(name)))
		return dberr_set(e, DB_EDATA, "unknown time zone '%s' (an IANA name such as "
		                 "Asia/Shanghai)", name ? name : "");
	z = xcalloc(1, sizeof(*z));
	snprintf(z->name, sizeof(z->name), "%s", name);
	snprintf(z->env, sizeof(z->env), ":%s", name);
	z->utc = is_utc_name(name);
	*out = z;
	return 0;
}

void
tz_free(struct tz *z)
{
	free(z);
}

const char *
tz_name(const struct tz *z)
{
	return z->name;
}

void
tz_utc_to_local(const struct tz *z, int64_t t, int32_t *day, int *sec_of_day, int *gmtoff)
{
	time_t tt = (time_t)t;
	struct tm tm;
	int64_t d = t / 86400, s = t % 86400;
	int off = 0;

	/* UTC, and instants so far out that localtime_r cannot give their year in an int,
	 * are split arithmetically (floor division, so days before 1970 come out right). */
	if (s < 0) {
		s += 86400;
		d--;
	}
	if (!z->utc) {
		select_zone(z);
		if (localtime_r(&tt, &tm) != NULL) {
			d = cal_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
			s = tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
			off = (int)tm.tm_gmtoff;
		}
	}
	if (day)
		*day = (int32_t)d;
	if (sec_of_day)
		*sec_of_day = (int)s;
	if (gmtoff)
		*gmtoff = off;
}

/* Local (day, sec) of t compared with the wanted one: <0, 0, >0. */
static int
cmp_local(const struct tz *z, int64_t t, int32_t day, int sec)
{
	int32_t d;
	int s;

	tz_utc_to_local(z, t, &d, &s, NULL);
	if (d != day)
		return d < day ? -1 : 1;
	return s < sec ? -1 : s > sec;
}

int64_t
tz_local_to_utc(const struct tz *z, int32_t day, int sec_of_day)
{
	int64_t t0 = (int64_t)day * 86400 + sec_of_day, best = INT64_MAX, lo, hi;
	int offs[3], minoff, maxoff;

	if (z->utc)
		return t0;
	/* t0 reads the local fields as if they were UTC; the true instant is t0 minus the
	 * offset in force then, and any offset in force a day either side is a candidate. */
	tz_utc_to_local(z, t0 - 86400, NULL, NULL, &offs[0]);
	tz_utc_to_local(z, t0, NULL, NULL, &offs[1]);
	tz_utc_to_local(z, t0 + 86400, NULL, NULL, &offs[2]);
	/* the candidates are the local time read with each offset in force nearby; the
	 * earliest that really shows that local time wins (the earlier of a repeated hour) */
	for (int i = 0; i < 3; i++) {
		int64_t t = t0 - offs[i];
		if (t < best && cmp_local(z, t, day, sec_of_day) == 0)
			best = t;
	}
	if (best != INT64_MAX)
		return best;
	/* A skipped local time: the first instant whose local time is at or after it. Local
	 * time runs forward through the gap, so that instant lies between t0 - maxoff and
	 * t0 - minoff; the two hours of slack on each side cost two steps of the search. */
	minoff = maxoff = offs[0];
	for (int i = 1; i < 3; i++) {
		minoff = offs[i] < minoff ? offs[i] : minoff;
		maxoff = offs[i] > maxoff ? offs[i] : maxoff;
	}
	lo = t0 - maxoff - 7200;
	hi = t0 - minoff + 7200;
	while (lo < hi) {
		int64_t mid = lo + (hi - lo) / 2;
		if (cmp_local(z, mid, day, sec_of_day) >= 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static void
fields(const struct tz *z, int64_t t, int *y, int *mo, int *d, int *h, int *mi, int *s,
       int *off, int *wday)
{
	int32_t day;
	int sec;

	tz_utc_to_local(z, t, &day, &sec, off);
	cal_civil_from_days(day, y, mo, d);
	*h = sec / 3600;
	*mi = sec / 60 % 60;
	*s = sec % 60;
	if (wday)
		*wday = cal_weekday(day);
}

void
tz_format_rfc3339(const struct tz *z, int64_t t, char *out)
{
	int y, mo, d, h, mi, s, off, a;

	fields(z, t, &y, &mo, &d, &h, &mi, &s, &off, NULL);
	a = off < 0 ? -off : off;
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y % 10000, mo % 100,
	         d % 100, h % 100, mi % 100, s % 100, off < 0 ? '-' : '+', a / 3600 % 100,
	         a / 60 % 60);
}

void
tz_format_rfc5322(const struct tz *z, int64_t t, char *out)
{
	static const char *const days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int y, mo, d, h, mi, s, off, a, wd;

	fields(z, t, &y, &mo, &d, &h, &mi, &s, &off, &wd);
	a = off < 0 ? -off : off;
	snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d %c%02d%02d", days[wd - 1], d % 100,
	         months[mo - 1], y % 10000, h % 100, mi % 100, s % 100, off < 0 ? '-' : '+',
	         a / 3600 % 100, a / 60 % 60);
}

void
tz_format_local(const struct tz *z, int64_t t, char *out)
{
	int y, mo, d, h, mi, s, off;

	fields(z, t, &y, &mo, &d, &h, &mi, &s, &off, NULL);
	/* the offset always: in the hour a clock turns back, 01:30 happens twice */
	snprintf(out, 32, "%04d-%02d-%02d %02d:%02d %c%02d:%02d", y % 10000, mo % 100, d % 100,
	         h % 100, mi % 100, off < 0 ? '-' : '+', abs(off) / 3600 % 100,
	         abs(off) % 3600 / 60);
}

static int
two(const char *p)
{
	if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
		return -1;
	return (p[0] - '0') * 10 + (p[1] - '0');
}

int
tz_parse_time(const struct tz *z, const char *s, int64_t *out)
{
	char date[11];
	int32_t day;
	int h, mi, sec = 0, oh, om;
	const char *p;

	if (s == NULL || strlen(s) < 10)
		return DB_EDATA;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (cal_parse_date(date, &day) != 0)
		return DB_EDATA;
	p = s + 10;
	if (*p == '\0') {
		*out = tz_local_to_utc(z, day, 0);
		return 0;
	}
	if ((*p != 'T' && *p != ' ') || strlen(p) < 6 || p[3] != ':')
		return DB_EDATA;
	h = two(p + 1);
	mi = two(p + 4);
	p += 6;
	if (*p == ':') {
		sec = two(p + 1);
		p += 3;
	}
	if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59)
		return DB_EDATA;
	if (*p == '\0') {
		*out = tz_local_to_utc(z, day, h * 3600 + mi * 60 + sec);
		return 0;
	}
	if (strcmp(p, "Z") == 0) {
		*out = (int64_t)day * 86400 + h * 3600 + mi * 60 + sec;
		return 0;
	}
	if ((*p != '+' && *p != '-') || strlen(p) != 6 || p[3] != ':')
		return DB_EDATA;
	oh = two(p + 1);
	om = two(p + 4);
	if (oh < 0 || oh > 23 || om < 0 || om > 59)
		return DB_EDATA;
	*out = (int64_t)day * 86400 + h * 3600 + mi * 60 + sec -
	       (*p == '-' ? -1 : 1) * (oh * 3600 + om * 60);
	return 0;
}
