/*
 * Local times <-> UTC in real zones, including both daylight-saving rules: a skipped local
 * time resolves to the first instant at or after it, a repeated one to the earlier instant.
 */
#include "engine/base/calendar.h"
#include "engine/base/tz.h"
#include "test.h"

struct case_ {
	const char *zone;
	const char *local;     /* YYYY-MM-DD */
	int sec;               /* seconds since local midnight */
	const char *utc;       /* expected instant, RFC 3339 with Z */
	const char *printed;   /* tz_format_rfc3339 of that instant in the zone */
};

static const struct case_ cases[] = {
	{"Asia/Shanghai", "2017-10-09", 86399, "2017-10-09T15:59:59Z",
	 "2017-10-09T23:59:59+08:00"},
	{"Asia/Shanghai", "2017-01-01", 0, "2016-12-31T16:00:00Z", "2017-01-01T00:00:00+08:00"},
	{"UTC", "2021-03-05", 32400, "2021-03-05T09:00:00Z", "2021-03-05T09:00:00+00:00"},
	/* New York springs forward at 02:00 on 2017-03-12: 02:30 does not exist */
	{"America/New_York", "2017-03-12", 9000, "2017-03-12T07:00:00Z",
	 "2017-03-12T03:00:00-04:00"},
	/* ... and falls back at 02:00 on 2017-11-05: 01:30 happens twice, the earlier wins */
	{"America/New_York", "2017-11-05", 5400, "2017-11-05T05:30:00Z",
	 "2017-11-05T01:30:00-04:00"},
	{"Europe/Berlin", "2021-03-28", 9000, "2021-03-28T01:00:00Z", "2021-03-28T03:00:00+02:00"},
	{"Europe/Berlin", "2021-10-31", 9000, "2021-10-31T00:30:00Z", "2021-10-31T02:30:00+02:00"},
	{"Europe/Berlin", "2021-03-03", 32400, "2021-03-03T08:00:00Z", "2021-03-03T09:00:00+01:00"},
	{"Australia/Lord_Howe", "2021-10-03", 7500, "2021-10-02T15:30:00Z",
	 "2021-10-03T02:30:00+11:00"},
};

static const char *const bad_times[] = {
	"", "2017-02-30", "2017-07-03T25:00", "2017-07-03T10", "2017-07-03X10:00",
	"2017-07-03T10:00+8", "2017-07-03T10:00:00+08:00junk", "yesterday", NULL,
};

int
main(void)
{
	struct dberr e;
	struct tz *z, *utc;
	char buf[48];

	dberr_clear(&e);
	ASSERT_EQ(tz_open("UTC", &utc, &e), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct case_ *c = &cases[i];
		int32_t day;
		int64_t want, got;

		ASSERT_EQ(tz_open(c->zone, &z, &e), 0);
		ASSERT_EQ(cal_parse_date(c->local, &day), 0);
		ASSERT_EQ(tz_parse_time(utc, c->utc, &want), 0);
		got = tz_local_to_utc(z, day, c->sec);
		if (got != want)
			fprintf(stderr, "case %zu (%s %s %d)\n", i, c->zone, c->local, c->sec);
		ASSERT_EQ(got, want);
		tz_format_rfc3339(z, got, buf);
		ASSERT_STR_EQ(buf, c->printed);
		/* what is printed parses back to the same instant */
		ASSERT_EQ(tz_parse_time(z, buf, &got), 0);
		ASSERT_EQ(got, want);
		tz_free(z);
	}
	ASSERT_EQ(tz_open("Asia/Shanghai", &z, &e), 0);
	int64_t t;
	ASSERT_EQ(tz_parse_time(z, "2017-07-03T10:00:00+08:00", &t), 0);
	tz_format_rfc5322(z, t, buf);
	ASSERT_STR_EQ(buf, "Mon, 03 Jul 2017 10:00:00 +0800");
	tz_format_local(z, t, buf);
	ASSERT_STR_EQ(buf, "2017-07-03 10:00");
	/* without an offset, a time is local to the zone */
	int64_t t2;
	ASSERT_EQ(tz_parse_time(z, "2017-07-03T10:00", &t2), 0);
	ASSERT_EQ(t2, t);
	ASSERT_EQ(tz_parse_time(z, "2017-07-03 10:00:00", &t2), 0);
	ASSERT_EQ(t2, t);
	for (size_t i = 0; bad_times[i]; i++) {
		if (tz_parse_time(z, bad_times[i], &t2) != DB_EDATA)
			fprintf(stderr, "accepted: '%s'\n", bad_times[i]);
		ASSERT_EQ(tz_parse_time(z, bad_times[i], &t2), DB_EDATA);
	}
	tz_free(z);
	/* unknown zones are refused */
	dberr_clear(&e);
	ASSERT_EQ(tz_open("Mars/Olympus", &z, &e), DB_EDATA);
	ASSERT_STR_CONTAINS(e.msg, "Mars/Olympus");
	dberr_clear(&e);
	ASSERT_EQ(tz_open("../etc/passwd", &z, &e), DB_EDATA);
	tz_free(utc);
	return 0;
}
