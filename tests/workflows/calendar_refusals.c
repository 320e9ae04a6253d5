/*
 * calendar_refusals.c - one bad calendar file per mistake a person adding a year makes,
 * and one bad `calendar.use` per way a plan can name calendars wrongly: each refused with
 * DB_EDATA at the line and column to fix and a message naming the value.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/test.h"
#include "workflows/parse/calfile.h"
#include "workflows/parse/plan.h"

/* Lines 1-4: a valid head; the first version starts on line 5. */
#define HEAD "calendar: t\ntitle: T\nweekend: [sat, sun]\nversions:\n"
#define V(year, num) "  - year: " #year "\n    version: " #num "\n    source: {title: N}\n"

struct refusal {
	const char *name;
	const char *src;
	int line, col;
	const char *fragment;
};

static const struct refusal files[] = {
	{"workday_not_weekend", HEAD V(2017, 1) "    workdays: {2017-02-07: 春节}\n", 8, 16,
	 "2017-02-07 is not a weekend day"},
	{"range_backwards", HEAD V(2017, 1) "    holidays: {2017-02-02..2017-01-27: 春节}\n", 8, 16,
	 "range '2017-02-02..2017-01-27' ends before it starts"},
	{"range_longer_than_a_year", HEAD V(2017, 1)
	 "    holidays: {2017-01-01..2018-01-02: x}\n", 8, 16, "longer than a year"},
	{"bad_date", HEAD V(2017, 1) "    holidays: {2017-02-30: x}\n", 8, 16,
	 "'2017-02-30' is not a valid date"},
	/* a day listed twice: at the entry written second, naming both and what each says */
	{"off_and_worked", HEAD V(2017, 1) "    holidays: {2017-01-21..2017-01-23: a}\n"
	 "    workdays: {2017-01-22: b}\n", 9, 16, "2017 version 1: 2017-01-22 is listed both "
	 "off (2017-01-21..2017-01-23: a, line 8) and worked (2017-01-22: b)"},
	{"worked_then_off", HEAD V(2017, 1) "    workdays: {2017-01-22: b}\n"
	 "    holidays: {2017-01-21..2017-01-23: a}\n", 9, 16, "2017-01-22 is listed both worked "
	 "(2017-01-22: b, line 8) and off (2017-01-21..2017-01-23: a)"},
	{"off_twice", HEAD V(2017, 1) "    holidays: {2017-01-27..2017-02-02: a, 2017-02-01: b}\n",
	 8, 43, "2017 version 1: 2017-02-01 is listed twice as off (2017-01-27..2017-02-02: a, "
	 "line 8, and 2017-02-01: b)"},
	/* dates tied to the notice's year: December before to January after */
	{"date_outside_notice_year", HEAD V(2027, 1) "    holidays: {2026-03-02..2026-03-06: x}\n",
	 8, 16, "'2026-03-02..2026-03-06' is not in the 2027 notice's span (2026-12-01..2028-01-31)"},
	{"date_a_day_too_early", HEAD V(2017, 1) "    holidays: {2016-11-30: x}\n", 8, 16,
	 "'2016-11-30' is not in the 2017 notice's span"},
	{"date_a_day_too_late", HEAD V(2017, 1) "    holidays: {2018-01-31..2018-02-01: x}\n", 8,
	 16, "'2018-01-31..2018-02-01' is not in the 2017 notice's span"},
	{"year_far_off", HEAD V(2205, 1) "    holidays: {2025-01-01: x}\n", 5, 11,
	 "year must be a whole number from 2000 to 2099, not '2205'"},
	{"not_confirmed_far_off", "calendar: t\ntitle: T\nnot_confirmed: {1999: x}\nversions: []\n",
	 3, 17, "from 2000 to 2099, not '1999'"},
	{"years_out_of_order", HEAD V(2018, 1) V(2017, 1), 8, 5,
	 "version of 2017 after one of 2018"},
	{"version_skipped", HEAD V(2017, 1) V(2017, 3), 8, 5, "expected version 2"},
	{"first_version_not_1", HEAD V(2017, 2), 5, 5, "expected version 1"},
	{"day_in_two_notices", HEAD V(2017, 1) "    holidays: {2017-12-30: a}\n" V(2018, 1)
	 "    holidays: {2017-12-30..2018-01-01: b}\n", 12, 16,
	 "2017-12-30 is in the notices of both 2017 and 2018"},
	{"given_and_not_confirmed", "calendar: t\ntitle: T\nnot_confirmed: {2017: gone}\n"
	 "versions:\n" V(2017, 1), 3, 17, "2017 has a version and is also listed"},
	{"unknown_version_key", HEAD V(2017, 1) "    holiday: {2017-01-02: x}\n", 8, 5,
	 "unknown key 'holiday' in a version"},
	{"no_source_title", HEAD "  - {year: 2017, version: 1, source: {number: x}}\n", 5, 38,
	 "has no 'title'"},
	{"holidays_as_list", HEAD V(2017, 1) "    holidays: [2017-01-02]\n", 8, 15,
	 "holidays must be a mapping"},
	{"unnamed_holiday", HEAD V(2017, 1) "    holidays: {2017-01-02: ''}\n", 8, 28,
	 "the holiday's name must not be empty"},
	{"anchor", HEAD V(2017, 1) "    holidays: &h {2017-01-02: x}\n", 8, 15, "anchors (&h)"},
	{"layer_on_itself", "calendar: t\ntitle: T\nlayer_of: t\nversions: []\n", 3, 11,
	 "cannot be a layer on itself"},
	{"no_versions", "calendar: t\ntitle: T\n", 1, 1, "has no 'versions'"},
};

/* Every case is tried and each wrong one printed; returns the number wrong. */
static int
check_file(const struct refusal *r)
{
	struct calfile *f = NULL;
	struct dberr e;
	int rc;

	dberr_clear(&e);
	rc = calfile_parse("bad.yaml", r->src, strlen(r->src), &f, &e);
	calfile_free(f);
	if (rc == DB_EDATA && f == NULL && e.line == r->line && e.col == r->col &&
	    strstr(e.msg, r->fragment) != NULL && strcmp(e.file, "bad.yaml") == 0)
		return 0;
	fprintf(stderr, "FAIL: case %s: rc=%d at %d:%d: %s (want %d:%d: ...%s...)\n", r->name,
	        rc, e.line, e.col, e.msg, r->line, r->col, r->fragment);
	return 1;
}

static void
put(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ASSERT(f != NULL);
	fputs(text, f);
	fclose(f);
}

/* Lines 1-3 of a plan; its calendar is line 4. */
#define PLAN_HEAD "plan: t\ntitle: T\ntimezone: UTC\n"
#define PLAN_TAIL                                                              \
	"roles: {office: {title: O}}\nphases:\n  - id: p\n    title: P\n    milestones:\n"  \
	"      - {id: a, title: A, owner: office, for: once, due: 2017-02-15}\n"

static const struct refusal uses[] = {
	{"unknown_calendar", PLAN_HEAD "calendar: {use: [nope]}\n" PLAN_TAIL, 4, 18,
	 "calendar 'nope' not found (looked for nope.yaml in: "},
	{"layer_first", PLAN_HEAD "calendar: {use: [region]}\n" PLAN_TAIL, 4, 18,
	 "calendar 'region' is a layer on 'base': use 'base' first"},
	{"two_bases", PLAN_HEAD "calendar: {use: [base, other]}\n" PLAN_TAIL, 4, 24,
	 "calendar 'other' is a whole calendar, not a layer"},
	{"named_twice", PLAN_HEAD "calendar: {use: [base, base]}\n" PLAN_TAIL, 4, 24,
	 "names 'base' twice"},
	{"name_and_file_disagree", PLAN_HEAD "calendar: {use: [base, renamed]}\n" PLAN_TAIL, 4,
	 24, "says `calendar: region`, but it was asked for as 'renamed'"},
	{"layer_of_unlisted", PLAN_HEAD "calendar: {use: [other, region]}\n" PLAN_TAIL, 4, 25,
	 "'region' is a layer on 'base', which is not listed before it"},
	{"path_in_name", PLAN_HEAD "calendar: {use: [../base]}\n" PLAN_TAIL, 4, 18,
	 "'../base' is not a calendar name"},
	{"weekend_differs", PLAN_HEAD "calendar: {use: [base], weekend: [fri]}\n" PLAN_TAIL, 4,
	 34, "calendar.weekend differs from the weekend of 'base'"},
	{"use_not_a_list", PLAN_HEAD "calendar: {use: base}\n" PLAN_TAIL, 4, 17,
	 "calendar.use must be a list"},
	{"bad_file_named_by_use", PLAN_HEAD "calendar: {use: [broken]}\n" PLAN_TAIL, 8, 16,
	 "is not a weekend day"},
	/* the plan's own days: each once, and in the years plans name */
	{"own_off_and_worked", PLAN_HEAD
	 "calendar: {holidays: [2017-10-01..2017-10-08], workdays: [2017-10-07]}\n" PLAN_TAIL, 4,
	 59, "calendar: 2017-10-07 is listed both off (2017-10-01..2017-10-08, line 4) and worked "
	 "(2017-10-07)"},
	{"own_off_twice", PLAN_HEAD "calendar: {holidays: [2017-07-12, 2017-07-10..2017-07-14]}\n"
	 PLAN_TAIL, 4, 35, "calendar: 2017-07-12 is listed twice as off (2017-07-12, line 4, and "
	 "2017-07-10..2017-07-14)"},
	{"own_day_far_off", PLAN_HEAD "calendar: {use: [base], holidays: [9999-12-31]}\n"
	 PLAN_TAIL, 4, 36, "calendar.holidays '9999-12-31' is outside the years 2000-2099"},
	{"own_range_longer_than_a_year", PLAN_HEAD "calendar: {holidays: [2017-01-01..2018-01-02]}\n"
	 PLAN_TAIL, 4, 23, "is longer than a year"},
	/* 2017-01-01 is a Sunday and 2019-01-01 a Tuesday: off from Saturday 2016-12-31 to
	 * Monday 2018-12-31, 731 days; the 367th, 2018-01-01, is the second entry's */
	{"own_days_leave_no_working_day", PLAN_HEAD
	 "calendar: {holidays: [2017-01-01..2017-12-31, 2018-01-01..2018-12-31]}\n" PLAN_TAIL, 4,
	 47, "no working day from 2016-12-31 to 2018-12-31 (731 days)"},
	{"due_far_off", PLAN_HEAD "roles: {office: {title: O}}\nphases:\n  - id: p\n    title: P\n"
	 "    milestones:\n      - {id: a, title: A, owner: office, for: once, due: 0001-01-01}\n",
	 9, 58, "due '0001-01-01' is outside the years 2000-2099"},
};

static int
check_use(const char *dir, const struct refusal *r)
{
	const char *dirs[] = {dir, NULL};
	struct plan_opts o = {dirs, NULL, 0};
	struct plan *p = NULL;
	struct dberr e;
	int rc;

	dberr_clear(&e);
	rc = plan_parse_buffer("plan.yaml", r->src, strlen(r->src), &o, &p, &e);
	plan_free(p);
	if (rc == DB_EDATA && p == NULL && e.line == r->line && e.col == r->col &&
	    strstr(e.msg, r->fragment) != NULL)
		return 0;
	fprintf(stderr, "FAIL: case %s: rc=%d %s:%d:%d: %s (want %d:%d: ...%s...)\n", r->name,
	        rc, e.file, e.line, e.col, e.msg, r->line, r->col, r->fragment);
	return 1;
}

int
main(void)
{
	char *dir = test_tmpdir();
	char path[4096];
	const char *dirs[] = {dir, NULL};
	struct plan_opts o = {dirs, NULL, 0};
	struct plan *p = NULL;
	struct dberr e;
	static const char ok[] = PLAN_HEAD "calendar: {use: [base, region]}\n" PLAN_TAIL;
	int32_t cny;

	int wrong = 0;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		wrong += check_file(&files[i]);
	ASSERT_EQ(cal_parse_date("2017-01-27", &cny), 0);

	put(dir, "other.yaml", "calendar: other\ntitle: O\nweekend: [fri, sat]\nversions: []\n");
	put(dir, "region.yaml", "calendar: region\ntitle: R\nlayer_of: base\nversions: []\n");
	put(dir, "renamed.yaml", "calendar: region\ntitle: R\nlayer_of: base\nversions: []\n");
	put(dir, "broken.yaml", HEAD V(2017, 1) "    workdays: {2017-02-07: 春节}\n");
	put(dir, "base.yaml", "calendar: base\ntitle: B\nversions:\n" V(2017, 1)
	    "    holidays: {2017-01-27..2017-02-02: 春节}\n");
	for (size_t i = 0; i < sizeof(uses) / sizeof(uses[0]); i++)
		wrong += check_use(dir, &uses[i]);
	ASSERT_EQ(wrong, 0);

	/* the same files used rightly parse; given bytes win over the folder */
	dberr_clear(&e);
	ASSERT_EQ(plan_parse_buffer("plan.yaml", ok, sizeof(ok) - 1, &o, &p, &e), 0);
	ASSERT_EQ(p->nuses, 2);
	ASSERT(!cal_is_workday(&p->calendar, cny)); /* 2017-01-27 */
	plan_free(p);
	{
		static const char given[] = "calendar: base\ntitle: B\nversions: []\n";
		struct plan_calsource g = {"base", "stored", given, sizeof(given) - 1};
		struct plan_opts og = {dirs, &g, 1};

		ASSERT_EQ(plan_parse_buffer("plan.yaml", ok, sizeof(ok) - 1, &og, &p, &e), 0);
		ASSERT_STR_EQ(p->uses[0].path, "stored");
		ASSERT(cal_is_workday(&p->calendar, cny));
		plan_free(p);
	}
	/* the edges of a notice's span are in it; an emptied not_confirmed is no years */
	{
		static const char edges[] = HEAD V(2017, 1)
			"    holidays: {2016-12-01: a, 2018-01-31: b}\n";
		static const char emptied[] = "calendar: t\ntitle: T\nnot_confirmed:\nversions: []\n";
		struct calfile *f = NULL;

		ASSERT_EQ(calfile_parse("ok.yaml", edges, sizeof(edges) - 1, &f, &e), 0);
		ASSERT_EQ(f->versions[0].nranges, 2);
		calfile_free(f);
		ASSERT_EQ(calfile_parse("ok.yaml", emptied, sizeof(emptied) - 1, &f, &e), 0);
		ASSERT_EQ(f->nnot_confirmed, 0);
		calfile_free(f);
	}
	/* a top-level name in `calendar:` marks a calendar file, whatever else it lacks; a
	 * plan's `calendar` is a mapping, and a file with `plan:` is a plan */
	{
		static const char *const cal[] = {"calendar: t\ntitle: T\n",
		                                  "calendar: t\ntitle: T\nverions: []\n"};
		static const char *const plan[] = {"plan: p\ncalendar: cn-mainland\n",
		                                   "calendar: {use: [cn-mainland]}\n",
		                                   "plan: p\n"};

		for (size_t i = 0; i < 2; i++)
			ASSERT(calfile_sniff(cal[i], strlen(cal[i])));
		for (size_t i = 0; i < 3; i++)
			ASSERT(!calfile_sniff(plan[i], strlen(plan[i])));
	}
	/* a version stored by an earlier dabiao, which did not refuse these, still opens and
	 * resolves as it did: the plan's workdays over its holidays */
	{
		static const char old[] = PLAN_HEAD "calendar: {holidays: [2017-10-01..2017-10-08, "
		                          "2017-10-03], workdays: [2017-10-07]}\n" PLAN_TAIL;
		static const char oldcal[] = HEAD V(2205, 1) "    holidays: {2025-01-01: x}\n";
		struct calfile *f = NULL;
		int32_t d7, d6;

		ASSERT_EQ(plan_parse_buffer("plan.yaml", old, sizeof(old) - 1, &o, &p, &e), DB_EDATA);
		dberr_clear(&e);
		ASSERT_EQ(plan_parse_stored("plan.yaml", old, sizeof(old) - 1, &o, &p, &e), 0);
		ASSERT_EQ(cal_parse_date("2017-10-07", &d7), 0);
		ASSERT_EQ(cal_parse_date("2017-10-06", &d6), 0);
		ASSERT(cal_is_workday(&p->calendar, d7));
		ASSERT(!cal_is_workday(&p->calendar, d6));
		plan_free(p);
		ASSERT_EQ(calfile_parse("old.yaml", oldcal, sizeof(oldcal) - 1, &f, &e), DB_EDATA);
		dberr_clear(&e);
		ASSERT_EQ(calfile_parse_as("old.yaml", oldcal, sizeof(oldcal) - 1, true, &f, &e), 0);
		ASSERT_EQ(f->versions[0].year, 2205);
		calfile_free(f);
	}
	/* no folders at all: refused, not crashed */
	ASSERT_EQ(plan_parse_buffer("plan.yaml", ok, sizeof(ok) - 1, NULL, &p, &e), DB_EDATA);
	ASSERT_STR_CONTAINS(e.msg, "in: no folder");

	static const char *const names[] = {"base", "other", "region", "renamed", "broken"};
	for (size_t i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "%s/%s.yaml", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
	free(dir);
	return 0;
}
