/*
 * calendar_sources.c - what decided a day, and what a calendar says besides its days:
 *   - a day cites the notice that gave it its status: an amendment only for the days it
 *     changed (2019's 劳动节 amendment, 国办发明电〔2019〕3号, for 2019-05-02..04 and the
 *     worked Sunday 04-28, not for 国庆 2019-10-01, which is 国办发明电〔2018〕15号's; 2020's
 *     extension for 2020-01-31 and Saturday 02-01, worked under the first 2020 notice, not
 *     for 2020-01-24); a day an amendment took off the lists names the amendment;
 *   - the sources hash changes with a 文号, a holiday's name, a not_confirmed reason or an
 *     `incomplete` note, not with a comment; the days' hash with none of these, and with
 *     a day added;
 *   - a year no notice covers that only the last week of December before it reaches is
 *     said to be that, not a whole year.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/test.h"
#include "lib/test_days.h"
#include "workflows/parse/plan.h"

#define PLAN(name, due)                                                                   \
	"plan: t\ntitle: T\ntimezone: Asia/Shanghai\ncalendar: {use: [" name "]}\n"            \
	"roles: {office: {title: O}}\nphases:\n  - id: p\n    title: P\n    milestones:\n"    \
	"      - {id: a, title: A, owner: office, for: once, due: " due "}\n"

/* The plan above over calendar `name` given as text. */
static struct plan *
plan_over(const char *name, const char *text, size_t len, const char *src)
{
	struct plan_calsource g = {name, "given.yaml", text, len};
	struct plan_opts o = {NULL, &g, 1};
	struct plan *p = NULL;
	struct dberr e;

	dberr_clear(&e);
	if (plan_parse_buffer("plan.yaml", src, strlen(src), &o, &p, &e) != 0) {
		dberr_print(&e, stderr);
		TEST_FAIL_("the plan does not parse");
	}
	return p;
}

/* Which notice decides day: its 文号. */
static const char *
cited(const struct plan *p, const char *day)
{
	const struct plan_calmark *m = plan_calendar_mark(p, D(day));

	if (m == NULL || m->version == NULL)
		TEST_FAIL_("%s is not listed by a notice", day);
	return m->version->number;
}

static void
citations(void)
{
	static const char src[] = PLAN("cn-mainland", "2019-05-02");
	size_t len;
	char *text = test_read_src("workflows/calendars/cn-mainland.yaml", &len);
	struct plan *p = plan_over("cn-mainland", text, len, src);
	int use = -1;

	ASSERT_STR_EQ(cited(p, "2019-10-01"), "国办发明电〔2018〕15号");
	ASSERT_STR_EQ(cited(p, "2019-05-01"), "国办发明电〔2018〕15号"); /* off in both */
	ASSERT_STR_EQ(cited(p, "2019-05-02"), "国办发明电〔2019〕3号");
	ASSERT_STR_EQ(cited(p, "2019-04-28"), "国办发明电〔2019〕3号"); /* worked since */
	ASSERT_STR_EQ(cited(p, "2018-12-29"), "国办发明电〔2018〕15号"); /* under 2019 */
	ASSERT_STR_EQ(cited(p, "2020-01-24"), "国办发明电〔2019〕16号");
	ASSERT_STR_EQ(cited(p, "2020-01-19"), "国办发明电〔2019〕16号");
	ASSERT_STR_EQ(cited(p, "2020-01-31"), "国办发明电〔2020〕1号");
	ASSERT_EQ(plan_calendar_mark(p, D("2020-01-31"))->version->version, 2);
	/* Saturday 2020-02-01, worked under the first notice, off under the extension */
	ASSERT(!plan_calendar_mark(p, D("2020-02-01"))->work);
	ASSERT_STR_EQ(cited(p, "2020-02-01"), "国办发明电〔2020〕1号");
	/* a plain day, and a listed one, were taken off the lists by nobody */
	ASSERT(plan_calendar_unlisted_by(p, D("2020-02-04"), &use) == NULL);
	ASSERT(plan_calendar_unlisted_by(p, D("2020-01-31"), &use) == NULL);
	plan_free(p);
	free(text);
}

/* No shipped amendment drops a day from its year's lists; this one drops the worked
 * Sunday 2017-01-22, which is then a plain weekend day that the amendment decided. */
static void
dropped_day(void)
{
	static const char src[] = PLAN("base", "2017-02-15");
	static const char text[] = "calendar: base\ntitle: B\nversions:\n"
	                           "  - year: 2017\n    version: 1\n    source: {title: N1}\n"
	                           "    holidays: {2017-01-27..2017-02-02: a}\n"
	                           "    workdays: {2017-01-22: a}\n"
	                           "  - year: 2017\n    version: 2\n    source: {title: N2}\n"
	                           "    holidays: {2017-01-27..2017-02-02: a}\n";
	struct plan *p = plan_over("base", text, sizeof(text) - 1, src);
	const struct calfile_version *v;
	int use = -1;

	ASSERT(plan_calendar_mark(p, D("2017-01-22")) == NULL);
	ASSERT(!cal_is_workday(&p->calendar, D("2017-01-22")));
	v = plan_calendar_unlisted_by(p, D("2017-01-22"), &use);
	ASSERT(v != NULL);
	ASSERT_STR_EQ(v->title, "N2");
	ASSERT_EQ(use, 0);
	ASSERT_STR_EQ(plan_calendar_mark(p, D("2017-01-27"))->version->title, "N1");
	plan_free(p);
}

static const char base[] = "calendar: base\ntitle: B\nnot_confirmed: {2018: none yet}\n"
                           "versions:\n  - year: 2017\n    version: 1\n"
                           "    source: {title: N, number: X1}\n"
                           "    holidays: {2017-01-27..2017-02-02: 春节}\n";

/* base with `from` replaced by `to` (or with `to` appended when from is NULL). */
static char *
variant(const char *from, const char *to)
{
	const char *at = from ? strstr(base, from) : base + strlen(base);
	size_t head, n;
	char *out;

	ASSERT(at != NULL);
	head = (size_t)(at - base);
	n = strlen(base) - head - (from ? strlen(from) : 0);
	out = malloc(head + strlen(to) + n + 1);
	ASSERT(out != NULL);
	memcpy(out, base, head);
	strcpy(out + head, to);
	memcpy(out + head + strlen(to), at + (from ? strlen(from) : 0), n + 1);
	return out;
}

static void
hashes(void)
{
	static const char src[] = PLAN("base", "2017-02-15");
	static const struct {
		const char *from, *to;
		bool days, sources; /* which hash changes */
	} cases[] = {
		{"X1", "X2", false, true},                                 /* 文号 */
		{": 春节", ": 春节假期", false, true},                       /* a holiday's name */
		{"none yet", "not found", false, true},                    /* why a year is left out */
		{"version: 1\n", "version: 1\n    incomplete: x\n", false, true},
		{"title: N,", "title: M,", false, true},                   /* the notice's title */
		{NULL, "# a comment\n", false, false},                     /* layout is no content */
		{"2017-02-02: 春节}", "2017-02-02: 春节, 2017-02-03: x}", true, true},
	};
	struct plan *p0 = plan_over("base", base, strlen(base), src);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = variant(cases[i].from, cases[i].to);
		struct plan *p = plan_over("base", text, strlen(text), src);

		if ((strcmp(p->calendar_sha256, p0->calendar_sha256) != 0) != cases[i].days ||
		    (strcmp(p->calendar_sources_sha256, p0->calendar_sources_sha256) != 0) !=
		            cases[i].sources)
			TEST_FAIL_("case %zu (%s -> %s): days %s, sources %s", i,
			           cases[i].from ? cases[i].from : "(end)", cases[i].to,
			           strcmp(p->calendar_sha256, p0->calendar_sha256) ? "changed" : "same",
			           strcmp(p->calendar_sources_sha256, p0->calendar_sources_sha256)
			                   ? "changed"
			                   : "same");
		plan_free(p);
		free(text);
	}
	plan_free(p0);
}

static void
december_gap(void)
{
	static const char src[] = PLAN("cn-mainland", "2026-12-28");
	size_t len;
	char *text = test_read_src("workflows/calendars/cn-mainland.yaml", &len);
	struct plan *p = plan_over("cn-mainland", text, len, src);
	struct plan_calgap *g = NULL;

	/* a due on 2026-12-28: 2026 is covered; the 2027 notice may still move it */
	ASSERT_EQ(plan_calendar_gaps(p, D("2026-12-28"), D("2026-12-28"), &g), 1);
	ASSERT_EQ(g[0].year, 2027);
	ASSERT(g[0].december_only);
	free(g);
	/* reaching into 2027 itself: the whole year */
	ASSERT_EQ(plan_calendar_gaps(p, D("2026-12-28"), D("2027-01-05"), &g), 1);
	ASSERT_EQ(g[0].year, 2027);
	ASSERT(!g[0].december_only);
	free(g);
	/* before the last week of December: nothing */
	ASSERT_EQ(plan_calendar_gaps(p, D("2026-12-24"), D("2026-12-24"), &g), 0);
	plan_free(p);
	free(text);
}

int
main(void)
{
	citations();
	dropped_day();
	hashes();
	december_gap();
	return 0;
}
