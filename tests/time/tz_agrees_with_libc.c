/*
 * In the years deadlines live in, every zone reads as the C library reads it. tz.c takes
 * its zones from libical, whose own TZif -> VTIMEZONE converter misreads some zones: with
 * tzdata 2025b and libical 3.0.16, 106 of the 598 names in tzdata.zi differ from glibc
 * somewhere in 1970-2100 (Asia/Shanghai 1987-1989, Asia/Tehran 1992-2019,
 * America/Sao_Paulo 2014, America/St_Johns after 2037, ...), yet none from 2024 to 2037.
 * This test keeps that window honest, so a tzdata update that libical reads wrongly
 * shows here: every zone of zone1970.tab, sampled every 6 h 17 s (drifting through the
 * hours) from 2024 to 2037, against localtime_r with TZ set by the test.
 */
#include <time.h>

#include "time/tz.h"
#include "lib/test.h"

#define FROM 1704067200 /* 2024-01-01T00:00:00Z */
#define TO 2145916800   /* 2038-01-01T00:00:00Z */
#define STEP (6 * 3600 + 17)

static void
zones_agree_with_the_c_library_from_2024_to_2037(void)
{
	FILE *tab = fopen("/usr/share/zoneinfo/zone1970.tab", "r");
	char line[1024], name[128], env[160];
	int zones = 0, wrong = 0;

	ASSERT(tab != NULL);
	while (fgets(line, sizeof(line), tab) != NULL) {
		struct dberr e;
		struct tz *z;
		long bad = 0;
		int64_t first = 0;

		/* codes, coordinates, TZ name, comments: tab-separated */
		if (line[0] == '#' || sscanf(line, "%*s %*s %127s", name) != 1)
			continue;
		dberr_clear(&e);
		if (tz_open(name, &z, &e) != 0) {
			fprintf(stderr, "%s: %s\n", name, e.msg);
			wrong++;
			continue;
		}
		snprintf(env, sizeof(env), ":%s", name);
		setenv("TZ", env, 1);
		tzset();
		for (int64_t t = FROM; t < TO; t += STEP) {
			time_t tt = (time_t)t;
			struct tm tm;
			int off;

			tz_utc_to_local(z, t, NULL, NULL, &off);
			ASSERT(localtime_r(&tt, &tm) != NULL);
			if (off != tm.tm_gmtoff && bad++ == 0)
				first = t;
		}
		if (bad > 0) {
			fprintf(stderr, "%s: %ld samples differ, the first at %lld\n", name, bad,
			        (long long)first);
			wrong++;
		}
		tz_free(z);
		zones++;
	}
	fclose(tab);
	ASSERT_GT(zones, 300);
	ASSERT_EQ(wrong, 0);
}

int
main(void)
{
	zones_agree_with_the_c_library_from_2024_to_2037();
	return 0;
}
