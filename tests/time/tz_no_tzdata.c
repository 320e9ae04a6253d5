/*
 * Without tzdata, UTC and Etc/UTC still open and convert, and every other zone is refused
 * as unknown. libical's zone lookup is replaced here by one that finds nothing, which is
 * what libical answers when /usr/share/zoneinfo is missing: a function the program itself
 * defines is the one the static library's call resolves to, not libical's.
 */
#include "time/tz.h"
#include "lib/test.h"

struct _icaltimezone;
struct _icaltimezone *icaltimezone_get_builtin_timezone(const char *location);

static int lookups;

struct _icaltimezone *
icaltimezone_get_builtin_timezone(const char *location)
{
	(void)location;
	lookups++;
	return NULL;
}

static void
utc_opens_without_tzdata_and_nothing_else_does(void)
{
	static const char *const utc[] = {"UTC", "Etc/UTC"};
	struct dberr e;
	struct tz *z;
	int64_t t;
	char buf[48];

	for (size_t i = 0; i < 2; i++) {
		dberr_clear(&e);
		ASSERT_EQ(tz_open(utc[i], &z, &e), 0);
		ASSERT_STR_EQ(tz_name(z), utc[i]);
		ASSERT_EQ(tz_local_to_utc(z, 17448, 3600), (int64_t)17448 * 86400 + 3600);
		tz_format_rfc5322(z, (int64_t)17448 * 86400 + 3600, buf);
		ASSERT_STR_EQ(buf, "Mon, 09 Oct 2017 01:00:00 +0000");
		ASSERT_EQ(tz_parse_time(z, "2017-10-09 01:00", &t), 0);
		ASSERT_EQ(t, (int64_t)17448 * 86400 + 3600);
		tz_free(z);
	}
	ASSERT_EQ(lookups, 0); /* UTC never asks libical */

	dberr_clear(&e);
	ASSERT_EQ(tz_open("Asia/Shanghai", &z, &e), DB_EDATA);
	ASSERT_STR_CONTAINS(e.msg, "unknown time zone 'Asia/Shanghai'");
	ASSERT_EQ(lookups, 1);
}

int
main(void)
{
	utc_opens_without_tzdata_and_nothing_else_does();
	return 0;
}
