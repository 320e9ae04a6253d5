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
	{"off_and_worked", HEAD V(2017, 1) "    holidays: {2017-01-21..2017-01-23: a}\n"
	 "    workdays: {2017-01-22: b}\n", 5, 5, "lists 2017-01-22 twice (a and b)"},
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
