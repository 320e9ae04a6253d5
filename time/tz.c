/*
 * tz.c - IANA zones as immutable offset tables, built once from libical.
 *
 * tz_open asks libical for the zone (icaltimezone_get_builtin_timezone reads the system
 * tzdata, /usr/share/zoneinfo, into a VTIMEZONE and expands its rules into changes) and
 * copies what libical knows into a table of spans: the instants at which the zone's UTC
 * offset changes, each with the offset in force from then on, up to the end of
 * TZ_LAST_YEAR. Every conversion afterwards is a binary search in that table plus
 * integer arithmetic: no libical, no TZ, no C library zone, no lock. A struct tz never
 * changes after tz_open, so any number of threads may convert with the same or different
 * zones at once. UTC is one span of offset 0 that never asks libical, so it works
 * without tzdata. Nothing here reads the clock or the environment.
 *
 * The table says what libical says, instant for instant. libical converts the TZif files
 * with its own code, which misreads some zones (106 of 598 names differ from glibc
 * somewhere in 1970-2100 with libical 3.0.16 and tzdata 2025b, none from 2024 to 2037;
 * tests/time/tz_agrees_with_libc.c watches that window); where it errs, so do we.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "time/calendar.h"
#include "time/tz.h"
#include "base/xalloc.h"

/* The table covers instants up to the end of this year; the offset in force then holds
 * for every later instant. Deadlines are years, not centuries, ahead. */
#define TZ_LAST_YEAR 2100

/* From .from (a UTC instant) until the next span's .from, local time = UTC + .off. */
struct tz_span {
	int64_t from;
	int32_t off;
};

struct tz {
	char name[128];
	int32_t maxoff;         /* the largest |off| of any span, bounds local_to_utc's search */
	size_t n;               /* >= 1; span[0].from is INT64_MIN */
	struct tz_span span[];  /* ascending .from, neighbours differ in .off */
};

/* A growable list of instants. */
struct instants {
	int64_t *v;
	size_t n, cap;
};

/* libical 3.0 keeps the zones it has read in one process-wide array, which
 * icaltimezone_get_builtin_timezone searches and appends to without a lock (its own
 * mutexes guard only the first read of zone.tab, the loading of each zone and the use of
 * its changes; icaltimezone_dump_changes even expands them outside that lock). So tz.c
 * makes its calls into libical one thread at a time, all of them inside tz_open. The
 * report module asks libical only for its UTC zone, which touches none of this. */
static pthread_mutex_t ical_lock = PTHREAD_MUTEX_INITIALIZER;

/* Zone names that are UTC by definition, accepted even where tzdata is not installed. */
static bool
is_utc_name(const char *name)
{
	return strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0;
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

static void
instants_add(struct instants *l, int64_t t)
{
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = t;
}

static int
cmp_instant(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The offset libical gives the zone at UTC instant t. */
static int
ical_offset_at(icaltimezone *iz, int64_t t)
{
	struct icaltimetype tt = icaltime_null_time();
	int64_t d = t / 86400, s = t % 86400;

	if (s < 0) {
		s += 86400;
		d--;
	}
	cal_civil_from_days((int32_t)d, &tt.year, &tt.month, &tt.day);
	tt.hour = (int)(s / 3600);
	tt.minute = (int)(s / 60 % 60);
	tt.second = (int)(s % 60);
	tt.zone = icaltimezone_get_utc_timezone();
	return icaltimezone_get_utc_offset_of_utc_time(iz, &tt, NULL);
}

/*
 * The UTC instants of libical's changes for zone iz, up to TZ_LAST_YEAR, into l. libical
 * expands the zone's VTIMEZONE (each DTSTART, RDATE and RRULE occurrence) into a sorted
 * list of changes once, keeps it with the zone, and lets it out only through
 * icaltimezone_dump_changes, one line per change: "LOCATION\tD Mon YYYY\tH:MM:SS\tOFFSET"
 * with the date and time in UTC. Walking the VTIMEZONE ourselves would expand every
 * RRULE again at each tz_open, through libical's ICU-backed recurrence code, ten times
 * slower. The offsets are not read from the lines: the caller asks libical for them.
 * 0, or DB_ESOFTWARE if a line is not in that form (a libical that prints otherwise).
 */
static int
change_instants(icaltimezone *iz, struct instants *l)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char *buf = NULL, *line, *next;
	size_t len = 0;
	FILE *f;
	int rc = 0;

	f = open_memstream(&buf, &len);
	if (f == NULL)
		return -errno;
	icaltimezone_dump_changes(iz, TZ_LAST_YEAR, f);
	if (fclose(f) != 0) {
		rc = -errno;
		goto out;
	}
	for (line = buf; *line != '\0'; line = next) {
		const char *tab = strchr(line, '\t'), *m;
		char mon[4];
		int d, y, h, mi, sec;

		next = line + strcspn(line, "\n");
		if (*next == '\n')
			*next++ = '\0';
		if (tab == NULL ||
		    sscanf(tab, "\t%d %3s %d\t%d:%d:%d", &d, mon, &y, &h, &mi, &sec) != 6 ||
		    strlen(mon) != 3 || (m = strstr(months, mon)) == NULL ||
		    (m - months) % 3 != 0 || !cal_valid_date(y, (int)(m - months) / 3 + 1, d) ||
		    h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60) {
			rc = DB_ESOFTWARE;
			goto out;
		}
		instants_add(l, (int64_t)cal_days_from_civil(y, (int)(m - months) / 3 + 1, d) *
		                        86400 + h * 3600 + mi * 60 + sec);
	}
out:
	free(buf);
	return rc;
}

/* The spans of zone iz into a new *out named name: one per change of offset, plus the
 * one before the first. Called with ical_lock held. 0, or change_instants' errors. */
static int
table_from_ical(icaltimezone *iz, const char *name, struct tz **out)
{
	struct instants l = {NULL, 0, 0};
	struct tz *z;
	size_t n = 0;
	int off, rc;

	if ((rc = change_instants(iz, &l)) != 0)
		goto out;
	/* sorted already by libical; sorting again costs nothing and is all we rely on */
	qsort(l.v, l.n, sizeof(*l.v), cmp_instant);
	z = xcalloc(1, sizeof(*z) + (l.n + 1) * sizeof(z->span[0]));
	snprintf(z->name, sizeof(z->name), "%s", name);
	/* Before its first change libical gives the offset the first change leaves, and
	 * between changes the offset the last one brought; asking at each change (not
	 * reading the printed offset) keeps libical's choice among changes at one instant. */
	off = ical_offset_at(iz, l.n > 0 ? l.v[0] - 1 : 0);
	z->span[n++] = (struct tz_span){INT64_MIN, off};
	for (size_t i = 0; i < l.n; i++) {
		if (i > 0 && l.v[i] == l.v[i - 1])
			continue;
		off = ical_offset_at(iz, l.v[i]);
		if (off != z->span[n - 1].off)
			z->span[n++] = (struct tz_span){l.v[i], off};
	}
	z->n = n;
	for (size_t i = 0; i < n; i++) {
		int32_t a = z->span[i].off < 0 ? -z->span[i].off : z->span[i].off;
		z->maxoff = a > z->maxoff ? a : z->maxoff;
	}
	*out = z;
out:
	free(l.v);
	return rc;
}

/* A zone whose offset is 0 at every instant. */
static struct tz *
table_utc(const char *name)
{
	struct tz *z = xcalloc(1, sizeof(*z) + sizeof(z->span[0]));

	snprintf(z->name, sizeof(z->name), "%s", name);
	z->n = 1;
	z->span[0] = (struct tz_span){INT64_MIN, 0};
	return z;
}

int
tz_open(const char *name, struct tz **out, struct dberr *e)
{
	struct tz *z = NULL;
	icaltimezone *iz;
	int rc = DB_EDATA;

	if (name == NULL || !name_ok(name))
		goto fail;
	if (is_utc_name(name)) {
		*out = table_utc(name);
		return 0;
	}
	pthread_mutex_lock(&ical_lock);
	/* NULL when there is no such file in the tzdata, or it is not TZif; a zone listed in
	 * zone.tab is found before its file is read, so the component is checked too.
	 * libical answers "GMT" with its own UTC zone, which has no component. */
	iz = icaltimezone_get_builtin_timezone(name);
	if (iz != NULL && iz == icaltimezone_get_utc_timezone()) {
		z = table_utc(name);
		rc = 0;
	} else if (iz != NULL && icaltimezone_get_component(iz) != NULL) {
		rc = table_from_ical(iz, name, &z);
	}
	pthread_mutex_unlock(&ical_lock);
	if (rc != 0)
		goto fail;
	*out = z;
	return 0;

fail:
	if (rc != DB_EDATA)
		return dberr_set(e, rc, "time zone '%s': libical's list of changes is unreadable"
		                 " (%s)", name, dabiao_strerror(rc));
	return dberr_set(e, DB_EDATA, "unknown time zone '%s' (an IANA name such as "
	                 "Asia/Shanghai)", name ? name : "");
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

/* The index of the span holding instant t: the last whose .from is at or before t. */
static size_t
span_at(const struct tz *z, int64_t t)
{
	size_t lo = 0, hi = z->n; /* span[lo].from <= t < span[hi].from, span[n] = +inf */

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->span[mid].from <= t)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

void
tz_utc_to_local(const struct tz *z, int64_t t, int32_t *day, int *sec_of_day, int *gmtoff)
{
	int off = z->span[span_at(z, t)].off;
	int64_t d = t / 86400, s = t % 86400 + off;

	/* floor division, so days before 1970 come out right; the offset is added to the
	 * seconds, not to t, so that no instant overflows */
	while (s < 0) {
		s += 86400;
		d--;
	}
	while (s >= 86400) {
		s -= 86400;
		d++;
	}
	if (day)
		*day = (int32_t)d;
	if (sec_of_day)
		*sec_of_day = (int)s;
	if (gmtoff)
		*gmtoff = off;
}

/*
 * Span i shows the local times [from_i + off_i, from_{i+1} + off_i), and local time l lies
 * in it when t = l - off_i lies in [from_i, from_{i+1}). Only spans holding instants
 * within maxoff of l can, so the search starts at the span of l - maxoff and walks
 * forward in UTC order: the first span that holds l gives the earliest instant (the
 * earlier of a repeated hour). A span whose local times all come after l means l fell
 * into a gap before it; if no later span holds l, l does not exist and resolves to the
 * first such transition instant.
 */
int64_t
tz_local_to_utc(const struct tz *z, int32_t day, int sec_of_day)
{
	int64_t l = (int64_t)day * 86400 + sec_of_day, gap = INT64_MAX;

	for (size_t i = span_at(z, l - z->maxoff); i < z->n && z->span[i].from <= l + z->maxoff;
	     i++) {
		int64_t t = l - z->span[i].off;

		if (t < z->span[i].from) {
			if (gap == INT64_MAX)
				gap = z->span[i].from;
		} else if (i + 1 == z->n || t < z->span[i + 1].from) {
			return t;
		}
	}
	/* Unreachable with gap unset: the span holding l + maxoff shows local times up to
	 * at least l, so it either holds l or starts after it. */
	return gap;
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

/* Two decimal digits of v (0..99) at p. */
static char *
put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

void
tz_format_rfc3339(const struct tz *z, int64_t t, char *out)
{
	int y, mo, d, h, mi, s, off, a;

	fields(z, t, &y, &mo, &d, &h, &mi, &s, &off, NULL);
	a = off < 0 ? -off : off;
	if (y >= 0 && y <= 9999 && a / 3600 < 100) {
		/* what the snprintf below writes, without its parsing of the format: an audit
		 * record and a notice format instants by the thousand */
		char *p = put2(put2(out, y / 100), y % 100);

		*p++ = '-';
		p = put2(p, mo);
		*p++ = '-';
		p = put2(p, d);
		*p++ = 'T';
		p = put2(p, h);
		*p++ = ':';
		p = put2(p, mi);
		*p++ = ':';
		p = put2(p, s);
		*p++ = off < 0 ? '-' : '+';
		p = put2(p, a / 3600);
		*p++ = ':';
		p = put2(p, a / 60 % 60);
		*p = '\0';
		return;
	}
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
	if (y >= 0 && y <= 9999 && abs(off) / 3600 < 100) {
		/* as the snprintf below: `advance` prints a line per action */
		char *p = put2(put2(out, y / 100), y % 100);

		*p++ = '-';
		p = put2(p, mo);
		*p++ = '-';
		p = put2(p, d);
		*p++ = ' ';
		p = put2(p, h);
		*p++ = ':';
		p = put2(p, mi);
		*p++ = ' ';
		*p++ = off < 0 ? '-' : '+';
		p = put2(p, abs(off) / 3600);
		*p++ = ':';
		p = put2(p, abs(off) % 3600 / 60);
		*p = '\0';
		return;
	}
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
	/* the form dabiao prints (tz_format_local) reads back: "2017-07-03 10:00 +08:00" */
	if (s[10] == ' ' && *p == ' ' && (p[1] == '+' || p[1] == '-'))
		p++;
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
