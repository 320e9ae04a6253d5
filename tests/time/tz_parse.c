/*
 * Command-line times: RFC 3339 with an offset or Z, a local time without one, a date alone
 * (local midnight, resolved by the daylight-saving rule when midnight is skipped), and
 * everything else refused without touching the output.
 */
#include "time/calendar.h"
#include "time/tz.h"
#include "lib/test.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *zone, *text;
	const char *utc_day; /* the instant expected, as a UTC day ... */
	int utc_sec;         /* ... and seconds into it */
} good[] = {
	{"Asia/Shanghai", "2017-07-03T10:00:00+08:00", "2017-07-03", 7200},
	{"Asia/Shanghai", "2017-07-03T10:00:00Z", "2017-07-03", 36000},
	{"Asia/Shanghai", "2017-07-03T10:00Z", "2017-07-03", 36000},
	{"Asia/Shanghai", "2017-07-03T10:00:00-05:00", "2017-07-03", 54000},
	{"Asia/Shanghai", "2017-07-03T10:00:00+05:30", "2017-07-03", 16200},
	{"Asia/Shanghai", "2017-07-03T10:00:00+00:00", "2017-07-03", 36000},
	{"Asia/Shanghai", "2017-07-03T00:30:00+14:00", "2017-07-02", 37800},
	{"Asia/Shanghai", "2017-07-03T10:00:00", "2017-07-03", 7200},
	/* what dabiao prints reads back, its offset deciding */
	{"Asia/Shanghai", "2017-07-03 10:00 +08:00", "2017-07-03", 7200},
	{"Asia/Shanghai", "2017-07-03 10:00 -05:00", "2017-07-03", 54000},
	{"Asia/Shanghai", "2017-07-03T10:00", "2017-07-03", 7200},
	{"Asia/Shanghai", "2017-07-03 10:00", "2017-07-03", 7200},
	{"Asia/Shanghai", "2017-07-03 10:00:30", "2017-07-03", 7230},
	{"Asia/Shanghai", "2017-07-03 23:59:59", "2017-07-03", 57599},
	{"Asia/Shanghai", "2017-07-03", "2017-07-02", 57600},
	{"UTC", "2017-07-03", "2017-07-03", 0},
	{"America/New_York", "2017-03-12T02:30", "2017-03-12", 25200}, /* skipped: 03:00 EDT */
	{"America/New_York", "2017-11-05T01:30", "2017-11-05", 19800}, /* twice: the earlier */
	{"America/New_York", "2017-11-05T01:30:00-05:00", "2017-11-05", 23400}, /* the later */
	/* Brazil skipped midnight on 2018-11-04: the date alone is the 01:00 -02:00 jump */
	{"America/Sao_Paulo", "2018-11-04", "2018-11-04", 10800},
};

static const char *const bad[] = {
	"", "yesterday", "2017-02-30", "2017-7-3", " 2017-07-03", "2017-07-03 ",
	"2017-07-03T", "2017-07-03T1:00", "2017-07-03T10", "2017-07-03T10:0", "2017-07-03X10:00",
	"2017-07-03T25:00", "2017-07-03T24:00", "2017-07-03T10:60", "2017-07-03T10:00:60",
	"2017-07-03T10:00:", "2017-07-03T10:00:5", "2017-07-03T10:00:00.5Z",
	"2017-07-03T10:00+8", "2017-07-03T10:00:00+0800", "2017-07-03T10:00:00+08",
	"2017-07-03T10:00:00+24:00", "2017-07-03T10:00:00+08:60", "2017-07-03T10:00:00ZZ",
	"2017-07-03T10:00:00+08:00junk", "2017-07-03T10:00:00 +08:00", "2017-07-03T10-00",
	"2017-07-03T10:00:00Z ",
};

int
main(void)
{
	struct dberr e;
	struct tz *z;
	int64_t t;

	dberr_clear(&e);
	for (size_t i = 0; i < N(good); i++) {
		int32_t day;

		ASSERT_EQ(tz_open(good[i].zone, &z, &e), 0);
		ASSERT_EQ(cal_parse_date(good[i].utc_day, &day), 0);
		if (tz_parse_time(z, good[i].text, &t) != 0)
			fprintf(stderr, "refused: '%s'\n", good[i].text);
		ASSERT_EQ(tz_parse_time(z, good[i].text, &t), 0);
		if (t != (int64_t)day * 86400 + good[i].utc_sec)
			fprintf(stderr, "case '%s' in %s\n", good[i].text, good[i].zone);
		ASSERT_EQ(t, (int64_t)day * 86400 + good[i].utc_sec);
		tz_free(z);
	}

	ASSERT_EQ(tz_open("Asia/Shanghai", &z, &e), 0);
	for (size_t i = 0; i < N(bad); i++) {
		t = 42;
		if (tz_parse_time(z, bad[i], &t) != DB_EDATA)
			fprintf(stderr, "accepted: '%s'\n", bad[i]);
		ASSERT_EQ(tz_parse_time(z, bad[i], &t), DB_EDATA);
		ASSERT_EQ(t, 42); /* out-parameters are written only on success */
	}
	ASSERT_EQ(tz_parse_time(z, NULL, &t), DB_EDATA);
	ASSERT_EQ(t, 42);

	/* every second of a day printed in the zone parses back to itself */
	for (int64_t s = 1499011200; s < 1499011200 + 86400; s += 61) {
		char buf[32];

		tz_format_rfc3339(z, s, buf);
		ASSERT_EQ(tz_parse_time(z, buf, &t), 0);
		ASSERT_EQ(t, s);
	}
	tz_free(z);
	return 0;
}
