/*
 * calendars_shipped.c - the shipped calendars (workflows/calendars/) say what the official
 * notices say, read through the real parser, and a plan written with
 * `calendar: {use: [cn-mainland]}` and no days of its own shifts dues and counts working
 * days exactly as the notices do, for every year 2007-2026:
 *   - every version's counts (days off, weekday days off, weekend days worked), typed from
 *     the notices, and the identity "weekday days off - weekend days worked = the year's
 *     statutory holidays" (全国年节及纪念日放假办法: 10 days until 2007, 11 from 2008, 13
 *     from 2025; 2015 one more for 抗战胜利70周年; 2020 two more for the extended 春节);
 *   - tests/workflows/calendars/hand-checked.tsv, 279 dates each checked against the
 *     notice (every 调休 workday of every year, the first weekday of every holiday
 *     block), and hand-checked-xinjiang.tsv through `use: [cn-mainland, cn-xinjiang]`;
 *   - per year, the Spring Festival and National Day blocks: a due on the block's first
 *     day moves to the day work resumes (next-workday) or to the last day worked before
 *     (previous-workday), and one working day separates those two days both ways;
 *   - coverage: 2007-2026 covered, 2027 not (with the file's reason), Xinjiang's 2017
 *     and 2018 not confirmed.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/test.h"
#include "lib/test_days.h"
#include "workflows/parse/calfile.h"
#include "workflows/parse/plan.h"

static struct calfile *
read_calendar(const char *rel)
{
	struct calfile *f = NULL;
	struct dberr e;
	size_t len;
	char *data = test_read_src(rel, &len);

	dberr_clear(&e);
	if (calfile_parse(rel, data, len, &f, &e) != 0) {
		dberr_print(&e, stderr);
		TEST_FAIL_("%s does not parse", rel);
	}
	free(data);
	return f;
}

/* A plan using the shipped calendars, with one milestone and no days of its own. */
static struct plan *
plan_using(const char *use, const char *shift)
{
	const char *src = getenv("DABIAO_SRC");
	char dir[1024], text[1024];
	const char *dirs[] = {dir, NULL};
	struct plan_opts o = {dirs, NULL, 0};
	struct plan *p = NULL;
	struct dberr e;

	snprintf(dir, sizeof(dir), "%s/workflows/calendars", src ? src : ".");
	snprintf(text, sizeof(text),
	         "plan: t\ntitle: T\ntimezone: Asia/Shanghai\n"
	         "calendar: {use: [%s], due_on_holiday: %s}\n"
	         "roles: {office: {title: O}}\n"
	         "phases:\n  - id: p\n    title: P\n    milestones:\n"
	         "      - {id: a, title: A, owner: office, for: once, due: 2017-02-15}\n",
	         use, shift);
	dberr_clear(&e);
	if (plan_parse_buffer("t.yaml", text, strlen(text), &o, &p, &e) != 0) {
		dberr_print(&e, stderr);
		TEST_FAIL_("plan using %s does not parse", use);
	}
	return p;
}

/* Typed from each notice: days off with the weekend days inside a block, weekday days
 * off, weekend days worked; statutory = the days the regulations of the time grant. */
static const struct {
	int year, version;
	size_t off, off_weekdays, worked;
	int statutory;
	const char *number;
} counts[] = {
	{2007, 1, 24, 18, 8, 10, "国办发明电〔2006〕49号"},
	{2008, 1, 29, 17, 6, 11, NULL},
	{2009, 1, 27, 17, 6, 11, "国办发明电〔2008〕42号"},
	{2010, 1, 29, 19, 8, 11, "国办发明电〔2009〕27号"},
	{2011, 1, 29, 16, 5, 11, "国办发明电〔2010〕40号"},
	{2012, 1, 27, 18, 7, 11, "国办发明电〔2011〕45号"},
	{2013, 1, 29, 23, 12, 11, "国办发明电〔2012〕33号"},
	{2014, 1, 27, 16, 5, 11, "国办发明电〔2013〕28号"},
	{2015, 1, 28, 15, 4, 11, "国办发明电〔2014〕28号"},
	{2015, 2, 31, 17, 5, 12, "国发明电〔2015〕1号"},
	{2016, 1, 29, 17, 6, 11, "国办发明电〔2015〕18号"},
	{2017, 1, 27, 16, 5, 11, "国办发明电〔2016〕17号"},
	{2018, 1, 29, 17, 6, 11, "国办发明电〔2017〕12号"},
	{2019, 1, 27, 16, 5, 11, "国办发明电〔2018〕15号"},
	{2019, 2, 30, 18, 7, 11, "国办发明电〔2019〕3号"},
	{2020, 1, 27, 18, 7, 11, "国办发明电〔2019〕16号"},
	{2020, 2, 30, 19, 6, 13, "国办发明电〔2020〕1号"},
	{2021, 1, 31, 18, 7, 11, "国办发明电〔2020〕27号"},
	{2022, 1, 31, 18, 7, 11, "国办发明电〔2021〕11号"},
	{2023, 1, 27, 18, 7, 11, "国办发明电〔2022〕16号"},
	{2024, 1, 32, 19, 8, 11, "国办发明电〔2023〕7号"},
	{2025, 1, 28, 18, 5, 13, "国办发明电〔2024〕12号"},
	{2026, 1, 33, 19, 6, 13, "国办发明电〔2025〕7号"},
};
#define NCOUNTS (sizeof(counts) / sizeof(counts[0]))

static void
mainland_versions(const struct calfile *f)
{
	ASSERT_STR_EQ(f->name, "cn-mainland");
	ASSERT(f->layer_of == NULL);
	ASSERT_EQ(f->weekend, (1 << 6) | (1 << 7));
	ASSERT_EQ(f->nversions, NCOUNTS);
	for (size_t i = 0; i < NCOUNTS; i++) {
		const struct calfile_version *v = &f->versions[i];
		size_t off, wk, worked;

		ASSERT_EQ(v->year, counts[i].year);
		ASSERT_EQ(v->version, counts[i].version);
		calfile_counts(f, v, &off, &wk, &worked);
		if (off != counts[i].off || wk != counts[i].off_weekdays ||
		    worked != counts[i].worked)
			TEST_FAIL_("%d v%d: %zu/%zu/%zu, want %zu/%zu/%zu", v->year, v->version, off,
			           wk, worked, counts[i].off, counts[i].off_weekdays,
			           counts[i].worked);
		ASSERT_EQ((int)(wk - worked), counts[i].statutory);
		if (counts[i].number)
			ASSERT_STR_EQ(v->number, counts[i].number);
		else
			ASSERT(v->number == NULL && v->note != NULL); /* 2008: says why */
		ASSERT(v->title != NULL && strstr(v->title, "通知") != NULL);
		/* an amended year: only its last version counts */
		ASSERT_EQ(v->latest, i + 1 == NCOUNTS || counts[i + 1].year != v->year);
	}
	ASSERT_EQ(calfile_year(f, 2020)->version, 2);
	ASSERT_EQ(calfile_year(f, 2020)->published, D("2020-01-27"));
	ASSERT(calfile_year(f, 2006) == NULL);
	ASSERT(calfile_year(f, 2027) == NULL);
	ASSERT_STR_CONTAINS(calfile_not_confirmed(f, 2027), "2027");
}

static const struct {
	int year;
	size_t off, off_weekdays, worked;
	bool incomplete;
} xj_counts[] = {
	{2013, 1, 1, 0, true},  {2014, 10, 6, 0, true}, {2016, 7, 5, 2, true},
	{2022, 6, 4, 0, false}, {2023, 4, 4, 0, false}, {2025, 8, 4, 0, false},
	{2026, 8, 4, 0, true},
};

static void
xinjiang_versions(const struct calfile *f)
{
	static const int unconfirmed[] = {2007, 2008, 2009, 2010, 2011, 2012, 2015, 2017,
	                                  2018, 2019, 2020, 2021, 2024, 2027};

	ASSERT_STR_EQ(f->name, "cn-xinjiang");
	ASSERT_STR_EQ(f->layer_of, "cn-mainland");
	ASSERT_EQ(f->nversions, sizeof(xj_counts) / sizeof(xj_counts[0]));
	for (size_t i = 0; i < f->nversions; i++) {
		size_t off, wk, worked;

		ASSERT_EQ(f->versions[i].year, xj_counts[i].year);
		calfile_counts(f, &f->versions[i], &off, &wk, &worked);
		ASSERT_EQ(off, xj_counts[i].off);
		ASSERT_EQ(wk, xj_counts[i].off_weekdays);
		ASSERT_EQ(worked, xj_counts[i].worked);
		ASSERT_EQ(f->versions[i].incomplete != NULL, xj_counts[i].incomplete);
	}
	for (size_t i = 0; i < sizeof(unconfirmed) / sizeof(unconfirmed[0]); i++) {
		ASSERT(calfile_year(f, unconfirmed[i]) == NULL);
		ASSERT(calfile_not_confirmed(f, unconfirmed[i]) != NULL);
	}
	ASSERT_STR_CONTAINS(calfile_not_confirmed(f, 2017), "not found");
	ASSERT_STR_CONTAINS(calfile_not_confirmed(f, 2018), "not found");
}

/* Every row of a hand-checked table: "date<TAB>off|work<TAB>why". */
static size_t
replay(const struct plan *p, const char *rel)
{
	size_t len, rows = 0;
	char *data = test_read_src(rel, &len), *save = NULL;

	for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char date[11];
		bool want;

		if (line[0] < '0' || line[0] > '9')
			continue; /* comments and the header */
		ASSERT(strlen(line) > 15 && line[10] == '\t');
		memcpy(date, line, 10);
		date[10] = '\0';
		ASSERT(strncmp(line + 11, "off\t", 4) == 0 || strncmp(line + 11, "work\t", 5) == 0);
		want = line[11] == 'w';
		if (cal_is_workday(&p->calendar, D(date)) != want)
			TEST_FAIL_("%s: %s, the table says %s (%s)", rel, date,
			           want ? "off" : "worked", line + 11);
		rows++;
	}
	free(data);
	return rows;
}

/* Per year: the Spring Festival and National Day blocks' first days, the last day worked
 * before each block and the day work resumes, read from the notices by hand (a weekend
 * day among them is a 调休 workday). */
static const struct {
	const char *first, *before, *resume;
} blocks[] = {
	{"2007-02-18", "2007-02-17", "2007-02-25"}, {"2007-10-01", "2007-09-30", "2007-10-08"},
	{"2008-02-06", "2008-02-05", "2008-02-13"}, {"2008-09-29", "2008-09-28", "2008-10-06"},
	{"2009-01-25", "2009-01-24", "2009-02-01"}, {"2009-10-01", "2009-09-30", "2009-10-09"},
	{"2010-02-13", "2010-02-12", "2010-02-20"}, {"2010-10-01", "2010-09-30", "2010-10-08"},
	{"2011-02-02", "2011-02-01", "2011-02-09"}, {"2011-10-01", "2011-09-30", "2011-10-08"},
	{"2012-01-22", "2012-01-21", "2012-01-29"}, {"2012-09-30", "2012-09-29", "2012-10-08"},
	{"2013-02-09", "2013-02-08", "2013-02-16"}, {"2013-10-01", "2013-09-30", "2013-10-08"},
	{"2014-01-31", "2014-01-30", "2014-02-07"}, {"2014-10-01", "2014-09-30", "2014-10-08"},
	{"2015-02-18", "2015-02-17", "2015-02-25"}, {"2015-10-01", "2015-09-30", "2015-10-08"},
	{"2016-02-07", "2016-02-06", "2016-02-14"}, {"2016-10-01", "2016-09-30", "2016-10-08"},
	{"2017-01-27", "2017-01-26", "2017-02-03"}, {"2017-10-01", "2017-09-30", "2017-10-09"},
	{"2018-02-15", "2018-02-14", "2018-02-22"}, {"2018-10-01", "2018-09-30", "2018-10-08"},
	{"2019-02-04", "2019-02-03", "2019-02-11"}, {"2019-10-01", "2019-09-30", "2019-10-08"},
	{"2020-01-24", "2020-01-23", "2020-02-03"}, {"2020-10-01", "2020-09-30", "2020-10-09"},
	{"2021-02-11", "2021-02-10", "2021-02-18"}, {"2021-10-01", "2021-09-30", "2021-10-08"},
	{"2022-01-31", "2022-01-30", "2022-02-07"}, {"2022-10-01", "2022-09-30", "2022-10-08"},
	{"2023-01-21", "2023-01-20", "2023-01-28"}, {"2023-09-29", "2023-09-28", "2023-10-07"},
	{"2024-02-10", "2024-02-09", "2024-02-18"}, {"2024-10-01", "2024-09-30", "2024-10-08"},
	{"2025-01-28", "2025-01-27", "2025-02-05"}, {"2025-10-01", "2025-09-30", "2025-10-09"},
	{"2026-02-15", "2026-02-14", "2026-02-24"}, {"2026-10-01", "2026-09-30", "2026-10-08"},
};

static void
shifts_and_counts(const struct plan *next, const struct plan *prev)
{
	for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++) {
		int32_t first = D(blocks[i].first), before = D(blocks[i].before);
		int32_t resume = D(blocks[i].resume), out = 0;

		ASSERT_EQ(cal_shift_due(&next->calendar, first, &out), 0);
		if (out != resume)
			TEST_FAIL_("a due on %s moves to %d, want %s", blocks[i].first, out - resume,
			           blocks[i].resume);
		ASSERT_EQ(cal_shift_due(&prev->calendar, first, &out), 0);
		ASSERT_EQ(out, before);
		ASSERT_EQ(cal_add_workdays(&next->calendar, before, 1, &out), 0);
		ASSERT_EQ(out, resume);
		ASSERT_EQ(cal_add_workdays(&next->calendar, resume, -1, &out), 0);
		ASSERT_EQ(out, before);
		/* a due on either day stays where it is */
		ASSERT_EQ(cal_shift_due(&next->calendar, before, &out), 0);
		ASSERT_EQ(out, before);
		ASSERT_EQ(cal_shift_due(&prev->calendar, resume, &out), 0);
		ASSERT_EQ(out, resume);
	}
	/* across worked weekend days: 2018-09-28 (Fri), 29 (Sat) and 30 (Sun) worked, then
	 * National Day; three working days after the Friday is 10-08 */
	int32_t out = 0;
	ASSERT_EQ(cal_add_workdays(&next->calendar, D("2018-09-28"), 3, &out), 0);
	ASSERT_EQ(out, D("2018-10-08"));
	/* 2020's amendment: Saturday 02-01 is no longer worked, 01-19 still is */
	ASSERT(!cal_is_workday(&next->calendar, D("2020-02-01")));
	ASSERT(cal_is_workday(&next->calendar, D("2020-01-19")));
	/* 2019's amendment: 05-01..05-04 off, Sundays 04-28 and 05-05 worked: from Friday
	 * 04-26, the 28th, 29th and 30th, then the 5th */
	ASSERT_EQ(cal_add_workdays(&next->calendar, D("2019-04-26"), 1, &out), 0);
	ASSERT_EQ(out, D("2019-04-28"));
	ASSERT_EQ(cal_add_workdays(&next->calendar, D("2019-04-26"), 3, &out), 0);
	ASSERT_EQ(out, D("2019-04-30"));
	ASSERT_EQ(cal_add_workdays(&next->calendar, D("2019-04-30"), 1, &out), 0);
	ASSERT_EQ(out, D("2019-05-05"));
}

static void
coverage(const struct plan *national, const struct plan *regional)
{
	struct plan_calgap *g = NULL;

	ASSERT_EQ(plan_calendar_gaps(national, D("2007-01-01"), D("2026-12-24"), &g), 0);
	ASSERT(g == NULL);
	/* the last week of December hangs on the next year's notice too */
	ASSERT_EQ(plan_calendar_gaps(national, D("2026-12-25"), D("2026-12-25"), &g), 1);
	ASSERT_EQ(g[0].year, 2027);
	ASSERT_EQ(g[0].use, 0);
	ASSERT_STR_CONTAINS(g[0].reason, "2027");
	free(g);
	ASSERT_EQ(plan_calendar_gaps(national, D("2006-06-01"), D("2007-06-01"), &g), 1);
	ASSERT_EQ(g[0].year, 2006);
	ASSERT(g[0].reason == NULL);
	free(g);
	/* Changji's horizon: the layer misses 2017 and 2018, the national calendar nothing */
	ASSERT_EQ(plan_calendar_gaps(regional, D("2017-01-01"), D("2018-11-30"), &g), 2);
	ASSERT_EQ(g[0].year, 2017);
	ASSERT_EQ(g[0].use, 1);
	ASSERT_EQ(g[1].year, 2018);
	ASSERT_STR_CONTAINS(g[1].reason, "not found");
	free(g);
}

int
main(void)
{
	struct calfile *mainland = read_calendar("workflows/calendars/cn-mainland.yaml");
	struct calfile *xinjiang = read_calendar("workflows/calendars/cn-xinjiang.yaml");
	struct plan *next = plan_using("cn-mainland", "next-workday");
	struct plan *prev = plan_using("cn-mainland", "previous-workday");
	struct plan *xj = plan_using("cn-mainland, cn-xinjiang", "next-workday");

	mainland_versions(mainland);
	xinjiang_versions(xinjiang);
	for (size_t i = 0; i < next->nmarks; i++)
		ASSERT_EQ(next->marks[i].use, 0); /* nothing of the plan's own */
	ASSERT_EQ(replay(next, "tests/workflows/calendars/hand-checked.tsv"), 279);
	ASSERT_EQ(replay(xj, "tests/workflows/calendars/hand-checked-xinjiang.tsv"), 25);
	/* where the layer says nothing, Xinjiang keeps the national days */
	ASSERT(!cal_is_workday(&xj->calendar, D("2017-10-05")));
	ASSERT(cal_is_workday(&xj->calendar, D("2017-09-30")));
	/* where it does, it overrides: national 调休 Sunday 2014-09-28 is a rest day */
	ASSERT(cal_is_workday(&next->calendar, D("2014-09-28")));
	ASSERT(!cal_is_workday(&xj->calendar, D("2014-09-28")));
	shifts_and_counts(next, prev);
	coverage(next, xj);
	plan_free(next);
	plan_free(prev);
	plan_free(xj);
	calfile_free(mainland);
	calfile_free(xinjiang);
	return 0;
}
