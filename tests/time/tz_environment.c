/*
 * tz.c leaves the process environment alone: TZ is the same string (the same pointer,
 * so not even rewritten with its own value) after opening zones and converting in them,
 * whether TZ was unset or set, and the answers do not depend on it.
 */
#include <time.h>

#include "time/calendar.h"
#include "time/tz.h"
#include "lib/test.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const zones[] = {"America/New_York", "Asia/Shanghai", "Europe/London",
                                    "UTC", "Etc/UTC", "GMT"};

/* Everything tz.h offers, on every zone; a digest of the answers, to compare runs. */
static uint64_t
use_every_function(void)
{
	uint64_t h = 1469598103934665603ULL;
	struct dberr e;
	struct tz *z;

	dberr_clear(&e);
	ASSERT_EQ(tz_open("Mars/Olympus", &z, &e), DB_EDATA);
	for (size_t k = 0; k < N(zones); k++) {
		ASSERT_EQ(tz_open(zones[k], &z, &e), 0);
		for (int64_t t = 1489298400; t < 1489298400 + 3 * 86400; t += 1799) {
			char buf[48];
			int32_t day;
			int sec, off;
			int64_t back;

			tz_utc_to_local(z, t, &day, &sec, &off);
			back = tz_local_to_utc(z, day, sec);
			h = (h ^ (uint64_t)(day * 86400 + sec) ^ (uint64_t)off ^ (uint64_t)back) *
			    1099511628211ULL;
			tz_format_rfc3339(z, t, buf);
			ASSERT_EQ(tz_parse_time(z, buf, &back), 0);
			ASSERT_EQ(back, t);
			tz_format_rfc5322(z, t, buf);
			tz_format_local(z, t, buf);
			ASSERT_EQ(tz_parse_time(z, buf, &back), 0);
			h = (h ^ (uint64_t)back) * 1099511628211ULL;
		}
		tz_free(z);
	}
	return h;
}

static void
tz_never_changes_the_environment(void)
{
	const char *before;
	uint64_t unset, chatham, newyork;

	unsetenv("TZ");
	tzset();
	unset = use_every_function();
	ASSERT(getenv("TZ") == NULL);

	setenv("TZ", "Pacific/Chatham", 1);
	tzset();
	before = getenv("TZ");
	chatham = use_every_function();
	ASSERT(getenv("TZ") == before);
	ASSERT_STR_EQ(getenv("TZ"), "Pacific/Chatham");

	/* the zone of one of the cases: still nothing to gain from the C library's zone */
	setenv("TZ", ":America/New_York", 1);
	tzset();
	before = getenv("TZ");
	newyork = use_every_function();
	ASSERT(getenv("TZ") == before);
	ASSERT_STR_EQ(getenv("TZ"), ":America/New_York");

	ASSERT_EQ(unset, chatham);
	ASSERT_EQ(unset, newyork);
}

int
main(void)
{
	tz_never_changes_the_environment();
	return 0;
}
