/* Time-zone conversion rates on this machine: tz_format_rfc3339 (every printed deadline
 * and mail date) and tz_local_to_utc (every plan date), in one zone and in two zones used
 * in turn (a daemon with plans in several zones), plus what tz_open costs. Uses only
 * tz.h, so the same file measures any implementation of it. Prints figures; never fails
 * on a number (only on an error). Times are CPU seconds.
 *   bench_tz_rate [SECONDS per figure, default 1]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "time/tz.h"
#include "lib/test.h"

#define BATCH 1000

/* CPU time of this process (user and system), so that other work on a shared machine
 * does not count against the figures. */
static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct tz *
open_zone(const char *name, double *cost)
{
	struct dberr e;
	struct tz *z;
	double t0 = now_s();

	dberr_clear(&e);
	if (tz_open(name, &z, &e) != 0) {
		dberr_print(&e, stderr);
		exit(1);
	}
	*cost = now_s() - t0;
	return z;
}

/* The instants and local times asked about: 2017-2027, scattered over hours and days,
 * daylight-saving changes included. */
static int64_t
instant(long i)
{
	return 1483228800 + (i * 7919L * 3607L) % (10L * 365 * 86400);
}

static volatile unsigned long sink; /* keeps the results from being optimised away */

static void
rate(const char *what, struct tz **zones, int nzones, int local_to_utc, double seconds)
{
	char buf[48];
	long n = 0;
	double t0 = now_s(), el;

	do {
		for (int b = 0; b < BATCH; b++, n++) {
			const struct tz *z = zones[n % nzones];

			if (local_to_utc) {
				sink += (unsigned long)tz_local_to_utc(z, (int32_t)(17167 + n % 3650),
				                                       (int)(n * 7919 % 86400));
			} else {
				tz_format_rfc3339(z, instant(n), buf);
				sink += (unsigned char)buf[18];
			}
		}
		el = now_s() - t0;
	} while (el < seconds);
	printf("%-18s %-36s %12.0f conversions/s\n",
	       local_to_utc ? "tz_local_to_utc" : "tz_format_rfc3339", what, (double)n / el);
}

int
main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 1.0, first, again;
	struct tz *sh, *ny, *both[2], *tmp;

	sh = open_zone("Asia/Shanghai", &first);
	ny = open_zone("America/New_York", &first);
	tmp = open_zone("America/New_York", &again);
	tz_free(tmp);
	printf("tz_open America/New_York: first %.3f ms, again %.3f ms\n", first * 1e3,
	       again * 1e3);
	both[0] = ny;
	both[1] = sh;
	for (int l2u = 0; l2u < 2; l2u++) {
		rate("Asia/Shanghai", &sh, 1, l2u, seconds);
		rate("America/New_York", &ny, 1, l2u, seconds);
		rate("New_York, Shanghai in turn", both, 2, l2u, seconds);
	}
	tz_free(sh);
	tz_free(ny);
	return 0;
}
