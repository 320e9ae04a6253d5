/*
 * Zones used in turn give the same answers as each used alone: New York, Shanghai and
 * London, converted one after the other around every daylight-saving transition of New
 * York and London in 2017 and 2024. Expected values come from the offsets and
 * transition instants published for those years, written out below, never from tz.c.
 */
#include "time/calendar.h"
#include "time/tz.h"
#include "lib/test.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define NSAMPLES 200

/* Seconds since 1970 of a UTC date and time (calendar.c's day count, not tz.c). */
static int64_t
utc(int y, int mo, int d, int h)
{
	return (int64_t)cal_days_from_civil(y, mo, d) * 86400 + h * 3600;
}

struct zone_rule {
	const char *name;
	int std, dst;           /* offsets east of UTC, seconds */
	int64_t start[2], end[2]; /* daylight time [start, end), 2017 and 2024 */
};

static struct zone_rule rules[3];

static void
rules_init(void)
{
	/* US: 02:00 local on the second Sunday of March and the first Sunday of November */
	rules[0] = (struct zone_rule){"America/New_York", -5 * 3600, -4 * 3600,
	                              {utc(2017, 3, 12, 7), utc(2024, 3, 10, 7)},
	                              {utc(2017, 11, 5, 6), utc(2024, 11, 3, 6)}};
	/* China: +08:00 all year since 1992 */
	rules[1] = (struct zone_rule){"Asia/Shanghai", 8 * 3600, 8 * 3600, {0, 0}, {0, 0}};
	/* EU: 01:00 UTC on the last Sunday of March and of October */
	rules[2] = (struct zone_rule){"Europe/London", 0, 3600,
	                              {utc(2017, 3, 26, 1), utc(2024, 3, 31, 1)},
	                              {utc(2017, 10, 29, 1), utc(2024, 10, 27, 1)}};
}

static int
rule_offset(const struct zone_rule *r, int64_t t)
{
	for (int i = 0; i < 2; i++)
		if (t >= r->start[i] && t < r->end[i])
			return r->dst;
	return r->std;
}

/* The earliest instant showing the same local time as t: in the hour repeated after a
 * fall back, the same wall time an hour (dst - std) earlier. */
static int64_t
rule_first_instant(const struct zone_rule *r, int64_t t)
{
	for (int i = 0; i < 2; i++)
		if (t >= r->end[i] && t < r->end[i] + (r->dst - r->std))
			return t - (r->dst - r->std);
	return t;
}

struct answer {
	int32_t day;
	int sec, off;
	int64_t back;      /* tz_local_to_utc of (day, sec) */
	char rfc3339[64];
};

static int64_t samples[NSAMPLES];
static size_t nsamples;

/* Instants around every transition of every zone, so that each zone is also asked
 * about the hours when another one changes. */
static void
samples_init(void)
{
	static const int64_t deltas[] = {-86400, -3601, -3600, -1, 0, 1, 1800, 3599, 3600,
	                                 3601, 86400};

	for (size_t z = 0; z < N(rules); z++)
		for (int i = 0; i < 2; i++)
			for (size_t d = 0; d < N(deltas) && rules[z].start[i] != 0; d++) {
				ASSERT(nsamples + 2 <= NSAMPLES);
				samples[nsamples++] = rules[z].start[i] + deltas[d];
				samples[nsamples++] = rules[z].end[i] + deltas[d];
			}
}

static void
expected(const struct zone_rule *r, int64_t t, struct answer *a)
{
	int off = rule_offset(r, t), y, mo, d, ao = off < 0 ? -off : off;
	int64_t l = t + off;

	a->day = (int32_t)(l / 86400);
	a->sec = (int)(l % 86400);
	a->off = off;
	a->back = rule_first_instant(r, t);
	cal_civil_from_days(a->day, &y, &mo, &d);
	snprintf(a->rfc3339, sizeof(a->rfc3339), "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y,
	         mo, d, a->sec / 3600, a->sec / 60 % 60, a->sec % 60, off < 0 ? '-' : '+',
	         ao / 3600, ao / 60 % 60);
}

static void
ask(const struct tz *z, int64_t t, struct answer *a)
{
	tz_utc_to_local(z, t, &a->day, &a->sec, &a->off);
	a->back = tz_local_to_utc(z, a->day, a->sec);
	tz_format_rfc3339(z, t, a->rfc3339);
}

static void
same(const struct answer *got, const struct answer *want, const char *zone, int64_t t)
{
	if (got->day != want->day || got->sec != want->sec || got->off != want->off ||
	    got->back != want->back || strcmp(got->rfc3339, want->rfc3339) != 0)
		fprintf(stderr, "%s at %lld: got %s, want %s\n", zone, (long long)t,
		        got->rfc3339, want->rfc3339);
	ASSERT_EQ(got->day, want->day);
	ASSERT_EQ(got->sec, want->sec);
	ASSERT_EQ(got->off, want->off);
	ASSERT_EQ(got->back, want->back);
	ASSERT_STR_EQ(got->rfc3339, want->rfc3339);
}

static void
zones_in_turn_answer_as_each_alone(void)
{
	static struct answer alone[N(rules)][NSAMPLES];
	struct tz *z[N(rules)];
	struct dberr e;

	dberr_clear(&e);
	/* each zone alone: opened, asked about every sample, freed before the next */
	for (size_t k = 0; k < N(rules); k++) {
		ASSERT_EQ(tz_open(rules[k].name, &z[k], &e), 0);
		for (size_t i = 0; i < nsamples; i++) {
			struct answer want;

			ask(z[k], samples[i], &alone[k][i]);
			expected(&rules[k], samples[i], &want);
			same(&alone[k][i], &want, rules[k].name, samples[i]);
		}
		tz_free(z[k]);
	}
	/* all three open at once and asked in turn, the order changing every sample */
	for (size_t k = 0; k < N(rules); k++)
		ASSERT_EQ(tz_open(rules[k].name, &z[k], &e), 0);
	for (int round = 0; round < 3; round++)
		for (size_t i = 0; i < nsamples; i++)
			for (size_t j = 0; j < N(rules); j++) {
				size_t k = (i + j + (size_t)round) % N(rules);
				struct answer got;

				ask(z[k], samples[i], &got);
				same(&got, &alone[k][i], rules[k].name, samples[i]);
			}
	for (size_t k = 0; k < N(rules); k++)
		tz_free(z[k]);
}

int
main(void)
{
	rules_init();
	samples_init();
	zones_in_turn_answer_as_each_alone();
	return 0;
}
