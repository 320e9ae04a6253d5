/*
 * The daylight-saving rule of tz.h, at the edges of the gaps and overlaps of New York and
 * London in 2017 and 2024: a skipped local time resolves to the transition instant, a
 * repeated one to the earlier instant, and the later instant of a repeated hour is still
 * reachable with an explicit offset. Every expected instant is written out by hand from
 * the published rules (US: second Sunday of March 02:00 to first Sunday of November
 * 02:00; EU: last Sunday of March 01:00 UTC to last Sunday of October 01:00 UTC).
 */
#include "time/calendar.h"
#include "time/tz.h"
#include "lib/test.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *zone;
	const char *local;   /* what the user wrote, no offset */
	const char *utc;     /* the instant it must mean */
	const char *printed; /* that instant in the zone */
} cases[] = {
	/* New York springs forward 2024-03-10 02:00 EST -> 03:00 EDT (07:00Z) */
	{"America/New_York", "2024-03-10T01:59:59", "2024-03-10T06:59:59Z",
	 "2024-03-10T01:59:59-05:00"},
	{"America/New_York", "2024-03-10T02:00:00", "2024-03-10T07:00:00Z",
	 "2024-03-10T03:00:00-04:00"},
	{"America/New_York", "2024-03-10T02:30:00", "2024-03-10T07:00:00Z",
	 "2024-03-10T03:00:00-04:00"},
	{"America/New_York", "2024-03-10T02:59:59", "2024-03-10T07:00:00Z",
	 "2024-03-10T03:00:00-04:00"},
	{"America/New_York", "2024-03-10T03:00:00", "2024-03-10T07:00:00Z",
	 "2024-03-10T03:00:00-04:00"},
	/* ... and falls back 2024-11-03 02:00 EDT -> 01:00 EST (06:00Z): 01:xx twice */
	{"America/New_York", "2024-11-03T00:59:59", "2024-11-03T04:59:59Z",
	 "2024-11-03T00:59:59-04:00"},
	{"America/New_York", "2024-11-03T01:00:00", "2024-11-03T05:00:00Z",
	 "2024-11-03T01:00:00-04:00"},
	{"America/New_York", "2024-11-03T01:30:00", "2024-11-03T05:30:00Z",
	 "2024-11-03T01:30:00-04:00"},
	{"America/New_York", "2024-11-03T01:59:59", "2024-11-03T05:59:59Z",
	 "2024-11-03T01:59:59-04:00"},
	{"America/New_York", "2024-11-03T02:00:00", "2024-11-03T07:00:00Z",
	 "2024-11-03T02:00:00-05:00"},
	{"America/New_York", "2017-03-12T02:30:00", "2017-03-12T07:00:00Z",
	 "2017-03-12T03:00:00-04:00"},
	{"America/New_York", "2017-11-05T01:30:00", "2017-11-05T05:30:00Z",
	 "2017-11-05T01:30:00-04:00"},
	/* London springs forward 2024-03-31 01:00 GMT -> 02:00 BST (01:00Z) */
	{"Europe/London", "2024-03-31T00:59:59", "2024-03-31T00:59:59Z",
	 "2024-03-31T00:59:59+00:00"},
	{"Europe/London", "2024-03-31T01:00:00", "2024-03-31T01:00:00Z",
	 "2024-03-31T02:00:00+01:00"},
	{"Europe/London", "2024-03-31T01:30:00", "2024-03-31T01:00:00Z",
	 "2024-03-31T02:00:00+01:00"},
	{"Europe/London", "2024-03-31T02:00:00", "2024-03-31T01:00:00Z",
	 "2024-03-31T02:00:00+01:00"},
	/* ... and falls back 2024-10-27 02:00 BST -> 01:00 GMT (01:00Z): 01:xx twice */
	{"Europe/London", "2024-10-27T00:59:59", "2024-10-26T23:59:59Z",
	 "2024-10-27T00:59:59+01:00"},
	{"Europe/London", "2024-10-27T01:00:00", "2024-10-27T00:00:00Z",
	 "2024-10-27T01:00:00+01:00"},
	{"Europe/London", "2024-10-27T01:30:00", "2024-10-27T00:30:00Z",
	 "2024-10-27T01:30:00+01:00"},
	{"Europe/London", "2024-10-27T01:59:59", "2024-10-27T00:59:59Z",
	 "2024-10-27T01:59:59+01:00"},
	{"Europe/London", "2024-10-27T02:00:00", "2024-10-27T02:00:00Z",
	 "2024-10-27T02:00:00+00:00"},
	{"Europe/London", "2017-03-26T01:30:00", "2017-03-26T01:00:00Z",
	 "2017-03-26T02:00:00+01:00"},
	{"Europe/London", "2017-10-29T01:30:00", "2017-10-29T00:30:00Z",
	 "2017-10-29T01:30:00+01:00"},
};

/* the second 01:30 of a repeated hour, named by its offset */
static const struct {
	const char *zone, *text, *utc;
} later[] = {
	{"America/New_York", "2024-11-03T01:30:00-05:00", "2024-11-03T06:30:00Z"},
	{"America/New_York", "2017-11-05T01:30:00-05:00", "2017-11-05T06:30:00Z"},
	{"Europe/London", "2024-10-27T01:30:00+00:00", "2024-10-27T01:30:00Z"},
	{"Europe/London", "2017-10-29T01:30:00+00:00", "2017-10-29T01:30:00Z"},
};

static void
skipped_and_repeated_local_times_follow_the_rule(void)
{
	struct dberr e;
	struct tz *z, *utc;
	char buf[48], date[11];

	dberr_clear(&e);
	ASSERT_EQ(tz_open("UTC", &utc, &e), 0);
	for (size_t i = 0; i < N(cases); i++) {
		int64_t want, got;
		int32_t day;
		int sec;

		ASSERT_EQ(tz_open(cases[i].zone, &z, &e), 0);
		ASSERT_EQ(tz_parse_time(utc, cases[i].utc, &want), 0);
		memcpy(date, cases[i].local, 10);
		date[10] = '\0';
		ASSERT_EQ(cal_parse_date(date, &day), 0);
		sec = atoi(cases[i].local + 11) * 3600 + atoi(cases[i].local + 14) * 60 +
		      atoi(cases[i].local + 17);
		got = tz_local_to_utc(z, day, sec);
		if (got != want)
			fprintf(stderr, "case %zu: %s %s\n", i, cases[i].zone, cases[i].local);
		ASSERT_EQ(got, want);
		/* the command line reads the same text the same way */
		ASSERT_EQ(tz_parse_time(z, cases[i].local, &got), 0);
		ASSERT_EQ(got, want);
		tz_format_rfc3339(z, want, buf);
		ASSERT_STR_EQ(buf, cases[i].printed);
		tz_free(z);
	}
	for (size_t i = 0; i < N(later); i++) {
		int64_t want, got;

		ASSERT_EQ(tz_open(later[i].zone, &z, &e), 0);
		ASSERT_EQ(tz_parse_time(utc, later[i].utc, &want), 0);
		ASSERT_EQ(tz_parse_time(z, later[i].text, &got), 0);
		ASSERT_EQ(got, want);
		tz_format_rfc3339(z, got, buf);
		ASSERT_STR_EQ(buf, later[i].text);
		tz_free(z);
	}
	tz_free(utc);
}

int
main(void)
{
	skipped_and_repeated_local_times_follow_the_rule();
	return 0;
}
