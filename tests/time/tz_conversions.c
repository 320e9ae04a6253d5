/*
 * Local times <-> UTC in real zones, including both daylight-saving rules: a skipped local
 * time resolves to the first instant at or after it, a repeated one to the earlier instant.
 * The process starts in a zone none of the cases uses, to show the results do not depend
 * on TZ.
 */
#include <time.h>

#include "time/calendar.h"
#include "time/tz.h"
#include "lib/test.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *zone;
	const char *local;     /* YYYY-MM-DD */
	int sec;               /* seconds since local midnight */
	const char *utc;       /* expected instant, RFC 3339 with Z */
	const char *printed;   /* tz_format_rfc3339 of that instant in the zone */
} cases[] = {
	{"Asia/Shanghai", "2017-10-09", 86399, "2017-10-09T15:59:59Z",
	 "2017-10-09T23:59:59+08:00"},
	{"Asia/Shanghai", "2017-01-01", 0, "2016-12-31T16:00:00Z", "2017-01-01T00:00:00+08:00"},
	{"Asia/Shanghai", "1970-01-01", 3600, "1969-12-31T17:00:00Z", "1970-01-01T01:00:00+08:00"},
	{"UTC", "2021-03-05", 32400, "2021-03-05T09:00:00Z", "2021-03-05T09:00:00+00:00"},
	{"UTC", "1969-12-31", 86399, "1969-12-31T23:59:59Z", "1969-12-31T23:59:59+00:00"},
	{"Etc/UTC", "2017-07-03", 0, "2017-07-03T00:00:00Z", "2017-07-03T00:00:00+00:00"},
	{"America/New_York", "2017-07-03", 36000, "2017-07-03T14:00:00Z",
	 "2017-07-03T10:00:00-04:00"},
	{"America/New_York", "2017-01-15", 32400, "2017-01-15T14:00:00Z",
	 "2017-01-15T09:00:00-05:00"},
	/* New York springs forward at 02:00 on 2017-03-12: 02:30 does not exist */
	{"America/New_York", "2017-03-12", 9000, "2017-03-12T07:00:00Z",
	 "2017-03-12T03:00:00-04:00"},
	{"America/New_York", "2017-03-12", 7200, "2017-03-12T07:00:00Z",
	 "2017-03-12T03:00:00-04:00"},
	{"America/New_York", "2017-03-12", 10800, "2017-03-12T07:00:00Z",
	 "2017-03-12T03:00:00-04:00"},
	/* ... and falls back at 02:00 on 2017-11-05: 01:30 happens twice, the earlier wins */
	{"America/New_York", "2017-11-05", 5400, "2017-11-05T05:30:00Z",
	 "2017-11-05T01:30:00-04:00"},
	{"America/New_York", "2017-11-05", 7200, "2017-11-05T07:00:00Z",
	 "2017-11-05T02:00:00-05:00"},
	{"Europe/Berlin", "2017-03-26", 9000, "2017-03-26T01:00:00Z", "2017-03-26T03:00:00+02:00"},
	{"Europe/Berlin", "2017-10-29", 9000, "2017-10-29T00:30:00Z", "2017-10-29T02:30:00+02:00"},
	{"Europe/Berlin", "2021-03-28", 9000, "2021-03-28T01:00:00Z", "2021-03-28T03:00:00+02:00"},
	{"Europe/Berlin", "2021-10-31", 9000, "2021-10-31T00:30:00Z", "2021-10-31T02:30:00+02:00"},
	{"Europe/Berlin", "2021-03-03", 32400, "2021-03-03T08:00:00Z", "2021-03-03T09:00:00+01:00"},
	/* Lord Howe moves by half an hour both ways */
	{"Australia/Lord_Howe", "2021-10-03", 7500, "2021-10-02T15:30:00Z",
	 "2021-10-03T02:30:00+11:00"},
	{"Australia/Lord_Howe", "2021-04-04", 6300, "2021-04-03T14:45:00Z",
	 "2021-04-04T01:45:00+11:00"},
	{"Asia/Kolkata", "2017-07-03", 36000, "2017-07-03T04:30:00Z", "2017-07-03T10:00:00+05:30"},
	{"America/St_Johns", "2017-01-15", 32400, "2017-01-15T12:30:00Z",
	 "2017-01-15T09:00:00-03:30"},
	/* Samoa skipped 2011-12-30 entirely: any time that day is the jump to the 31st */
	{"Pacific/Apia", "2011-12-30", 43200, "2011-12-30T10:00:00Z", "2011-12-31T00:00:00+14:00"},
};

static void
local_times_resolve_to_the_documented_instant(void)
{
	struct dberr e;
	struct tz *z, *utc;
	char buf[48];

	dberr_clear(&e);
	ASSERT_EQ(tz_open("UTC", &utc, &e), 0);
	for (size_t i = 0; i < N(cases); i++) {
		int32_t day, back_day;
		int64_t want, got;
		int back_sec;

		ASSERT_EQ(tz_open(cases[i].zone, &z, &e), 0);
		ASSERT_STR_EQ(tz_name(z), cases[i].zone);
		ASSERT_EQ(cal_parse_date(cases[i].local, &day), 0);
		ASSERT_EQ(tz_parse_time(utc, cases[i].utc, &want), 0);
		got = tz_local_to_utc(z, day, cases[i].sec);
		if (got != want)
			fprintf(stderr, "case %zu (%s %s %d)\n", i, cases[i].zone, cases[i].local,
			        cases[i].sec);
		ASSERT_EQ(got, want);
		tz_format_rfc3339(z, got, buf);
		ASSERT_STR_EQ(buf, cases[i].printed);
		/* what is printed parses back to the same instant, in any zone */
		ASSERT_EQ(tz_parse_time(z, buf, &got), 0);
		ASSERT_EQ(got, want);
		ASSERT_EQ(tz_parse_time(utc, buf, &got), 0);
		ASSERT_EQ(got, want);
		/* and the instant reads back as the printed local time */
		tz_utc_to_local(z, want, &back_day, &back_sec, NULL);
		ASSERT_EQ(back_sec, atoi(buf + 11) * 3600 + atoi(buf + 14) * 60 + atoi(buf + 17));
		buf[10] = '\0';
		ASSERT_EQ(cal_parse_date(buf, &day), 0);
		ASSERT_EQ(back_day, day);
		tz_free(z);
	}
	tz_free(utc);
}

static void
instants_read_as_local_fields(void)
{
	static const struct {
		const char *zone, *utc, *day;
		int sec, gmtoff;
	} rows[] = {
		{"Asia/Shanghai", "2017-10-09T15:59:59Z", "2017-10-09", 86399, 28800},
		{"Asia/Shanghai", "1969-12-31T20:00:00Z", "1970-01-01", 14400, 28800},
		{"UTC", "1969-12-31T23:59:59Z", "1969-12-31", 86399, 0},
		{"UTC", "1900-01-01T00:00:00Z", "1900-01-01", 0, 0},
		{"America/New_York", "2017-11-05T05:30:00Z", "2017-11-05", 5400, -14400},
		{"America/New_York", "2017-11-05T06:30:00Z", "2017-11-05", 5400, -18000},
		{"Australia/Lord_Howe", "2021-04-03T15:15:00Z", "2021-04-04", 6300, 37800},
	};
	struct tz *z, *utc;
	struct dberr e;

	dberr_clear(&e);
	ASSERT_EQ(tz_open("UTC", &utc, &e), 0);
	for (size_t i = 0; i < N(rows); i++) {
		int64_t t;
		int32_t day, want_day;
		int sec, off;

		ASSERT_EQ(tz_open(rows[i].zone, &z, &e), 0);
		ASSERT_EQ(tz_parse_time(utc, rows[i].utc, &t), 0);
		ASSERT_EQ(cal_parse_date(rows[i].day, &want_day), 0);
		tz_utc_to_local(z, t, &day, &sec, &off);
		if (day != want_day || sec != rows[i].sec || off != rows[i].gmtoff)
			fprintf(stderr, "row %zu (%s %s)\n", i, rows[i].zone, rows[i].utc);
		ASSERT_EQ(day, want_day);
		ASSERT_EQ(sec, rows[i].sec);
		ASSERT_EQ(off, rows[i].gmtoff);
		tz_utc_to_local(z, t, NULL, NULL, NULL); /* every out pointer may be NULL */
		tz_free(z);
	}
	tz_free(utc);
}

static void
formats_use_numeric_offsets_and_english_names(void)
{
	static const struct {
		const char *zone, *utc, *rfc3339, *rfc5322, *local;
	} rows[] = {
		{"Asia/Shanghai", "2017-07-03T02:00:00Z", "2017-07-03T10:00:00+08:00",
		 "Mon, 03 Jul 2017 10:00:00 +0800", "2017-07-03 10:00 +08:00"},
		{"UTC", "2017-12-31T23:59:59Z", "2017-12-31T23:59:59+00:00",
		 "Sun, 31 Dec 2017 23:59:59 +0000", "2017-12-31 23:59 +00:00"},
		{"America/New_York", "2017-01-15T14:00:05Z", "2017-01-15T09:00:05-05:00",
		 "Sun, 15 Jan 2017 09:00:05 -0500", "2017-01-15 09:00 -05:00"},
		{"America/St_Johns", "2017-02-01T12:30:00Z", "2017-02-01T09:00:00-03:30",
		 "Wed, 01 Feb 2017 09:00:00 -0330", "2017-02-01 09:00 -03:30"},
		{"Australia/Lord_Howe", "2017-06-01T00:00:00Z", "2017-06-01T10:30:00+10:30",
		 "Thu, 01 Jun 2017 10:30:00 +1030", "2017-06-01 10:30 +10:30"},
		{"Europe/Berlin", "2017-10-29T00:30:00Z", "2017-10-29T02:30:00+02:00",
		 "Sun, 29 Oct 2017 02:30:00 +0200", "2017-10-29 02:30 +02:00"},
		{"Europe/Berlin", "2017-10-29T01:30:00Z", "2017-10-29T02:30:00+01:00",
		 "Sun, 29 Oct 2017 02:30:00 +0100", "2017-10-29 02:30 +01:00"},
		{"Asia/Shanghai", "2017-03-04T16:00:00Z", "2017-03-05T00:00:00+08:00",
		 "Sun, 05 Mar 2017 00:00:00 +0800", "2017-03-05 00:00 +08:00"},
		{"Asia/Shanghai", "2017-04-06T01:02:03Z", "2017-04-06T09:02:03+08:00",
		 "Thu, 06 Apr 2017 09:02:03 +0800", "2017-04-06 09:02 +08:00"},
		{"Asia/Shanghai", "2017-05-12T00:00:00Z", "2017-05-12T08:00:00+08:00",
		 "Fri, 12 May 2017 08:00:00 +0800", "2017-05-12 08:00 +08:00"},
		{"Asia/Shanghai", "2017-08-19T00:00:00Z", "2017-08-19T08:00:00+08:00",
		 "Sat, 19 Aug 2017 08:00:00 +0800", "2017-08-19 08:00 +08:00"},
		{"Asia/Shanghai", "2017-09-26T00:00:00Z", "2017-09-26T08:00:00+08:00",
		 "Tue, 26 Sep 2017 08:00:00 +0800", "2017-09-26 08:00 +08:00"},
		{"Asia/Shanghai", "2017-11-30T00:00:00Z", "2017-11-30T08:00:00+08:00",
		 "Thu, 30 Nov 2017 08:00:00 +0800", "2017-11-30 08:00 +08:00"},
	};
	struct tz *z, *utc;
	struct dberr e;
	char buf[48];

	dberr_clear(&e);
	ASSERT_EQ(tz_open("UTC", &utc, &e), 0);
	for (size_t i = 0; i < N(rows); i++) {
		int64_t t;

		ASSERT_EQ(tz_open(rows[i].zone, &z, &e), 0);
		ASSERT_EQ(tz_parse_time(utc, rows[i].utc, &t), 0);
		tz_format_rfc3339(z, t, buf);
		ASSERT_STR_EQ(buf, rows[i].rfc3339);
		tz_format_rfc5322(z, t, buf);
		ASSERT_STR_EQ(buf, rows[i].rfc5322);
		tz_format_local(z, t, buf);
		ASSERT_STR_EQ(buf, rows[i].local);
		tz_free(z);
	}
	tz_free(utc);
}

int
main(void)
{
	/* a zone used by no case: a conversion that leaned on the process zone would show */
	setenv("TZ", "Pacific/Chatham", 1);
	tzset();
	local_times_resolve_to_the_documented_instant();
	instants_read_as_local_fields();
	formats_use_numeric_offsets_and_english_names();
	return 0;
}
