/*
 * plan_accepts_examples.c - every example of docs/plan-format.md parses, and each key comes
 * out as the engine reads it: offsets, recurrences, after-ordering, roles, targets, the
 * built-in report lifecycle and a plan's own.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/test.h"
#include "workflows/parse/plan.h"

static struct plan *
load(const char *rel)
{
	const char *src = getenv("DABIAO_SRC");
	struct plan *p = NULL;
	struct dberr e;
	char path[1024], cals[1024];
	const char *dirs[] = {cals, NULL};
	struct plan_opts o = {dirs, NULL, 0};

	snprintf(path, sizeof(path), "%s/%s", src ? src : ".", rel);
	snprintf(cals, sizeof(cals), "%s/workflows/calendars", src ? src : ".");
	dberr_clear(&e);
	if (plan_parse_file(path, &o, &p, &e) != 0) {
		dberr_print(&e, stderr);
		TEST_FAIL_("%s does not parse", path);
	}
	return p;
}

static int32_t
day(const char *s)
{
	int32_t d = 0;

	ASSERT_EQ(cal_parse_date(s, &d), 0);
	return d;
}

/* use: [cn-mainland], then the plan's own days off and a day it works inside National Day:
 * each day's status, and who decided it. */
static void
calendar_layers(const struct plan *p)
{
	const struct plan_calmark *m;

	ASSERT_EQ(p->nuses, 1);
	ASSERT_STR_EQ(p->uses[0].file->name, "cn-mainland");
	ASSERT_STR_CONTAINS(p->uses[0].path, "workflows/calendars/cn-mainland.yaml");
	ASSERT_EQ(strspn(p->uses[0].sha256, "0123456789abcdef"), 64);
	ASSERT_EQ(strspn(p->calendar_sha256, "0123456789abcdef"), 64);
	/* the notice's days */
	m = plan_calendar_mark(p, day("2017-10-05"));
	ASSERT(m != NULL && !m->work && m->use == 0);
	ASSERT_EQ(m->version->year, 2017);
	ASSERT_STR_EQ(m->version->number, "国办发明电〔2016〕17号");
	ASSERT_STR_EQ(m->name, "中秋节、国庆节");
	m = plan_calendar_mark(p, day("2017-01-22"));
	ASSERT(m != NULL && m->work && m->use == 0);
	ASSERT_STR_EQ(m->name, "春节");
	ASSERT(cal_is_workday(&p->calendar, day("2017-01-22")));   /* a Sunday worked */
	ASSERT(!cal_is_workday(&p->calendar, day("2017-10-06")));
	/* the plan's own, over the notice */
	m = plan_calendar_mark(p, day("2017-10-07"));
	ASSERT(m != NULL && m->work && m->use == -1 && m->version == NULL && m->name == NULL);
	ASSERT(cal_is_workday(&p->calendar, day("2017-10-07")));
	m = plan_calendar_mark(p, day("2017-08-15"));
	ASSERT(m != NULL && !m->work && m->use == -1);
	ASSERT(!cal_is_workday(&p->calendar, day("2017-07-12")));
	ASSERT(cal_is_workday(&p->calendar, day("2017-07-13")));
	ASSERT(plan_calendar_mark(p, day("2017-07-13")) == NULL);
}

static void
header_and_calendar(const struct plan *p)
{
	ASSERT_STR_EQ(p->id, "changji-2017");
	ASSERT_STR_EQ(p->title, "昌吉州2017年工业污染源全面达标排放计划实施方案");
	ASSERT_STR_EQ(p->timezone, "Asia/Shanghai");
	ASSERT_EQ(p->notify_at, 9 * 3600);
	ASSERT_STR_EQ(p->templates, "templates/");
	ASSERT_STR_CONTAINS(p->source_path, "tests/workflows/plans/example.yaml");
	ASSERT_EQ(strlen(p->sha256), 64);
	ASSERT_EQ(strspn(p->sha256, "0123456789abcdef"), 64);
	ASSERT_EQ(p->calendar.weekend, (1 << 6) | (1 << 7));
	ASSERT_EQ(p->calendar.due_on_holiday, CAL_SHIFT_NEXT);
	calendar_layers(p);
	ASSERT_EQ(p->correction.n, 5);
	ASSERT_EQ(p->correction.unit, PLAN_WORKDAYS);
	ASSERT_EQ(p->grace.n, 10);
	ASSERT_EQ(p->nregistry, 1);
	ASSERT_STR_EQ(p->registry[0].attr, "prefecture");
	ASSERT_STR_EQ(p->registry[0].values[0], "changji");
	ASSERT_EQ(p->nindustries, 2);
	ASSERT_STR_EQ(p->industries[1].id, "cement");
	ASSERT_STR_EQ(p->industries[1].title, "水泥");
	ASSERT_STR_EQ(p->issuer.name, "昌吉回族自治州环境保护局");
	ASSERT_STR_EQ(p->issuer.short_name, "州环保局");
	ASSERT_STR_EQ(p->issuer.basis, "《昌吉州2017年工业污染源全面达标排放计划实施方案》");
	ASSERT_STR_EQ(p->issuer.clause, "四（二）");
	ASSERT_STR_EQ(p->issuer.report_to, "州环境监察支队");
	ASSERT_STR_CONTAINS(p->issuer.contact, "0994");
	ASSERT_STR_EQ(p->roles[0].unit, "环境保护局");
	ASSERT(p->roles[1].unit == NULL);
}

static void
roles_and_targets(const struct plan *p)
{
	static const struct {
		const char *id;
		enum plan_per per;
	} roles[] = {{"county_epb", PLAN_PER_JURISDICTION},
	             {"enterprise", PLAN_PER_ENTERPRISE},
	             {"supervision", PLAN_PER_NONE},
	             {"prefecture_epb", PLAN_PER_NONE},
	             {"monitoring", PLAN_PER_NONE}};
	const struct plan_escalation *std, *fast;

	ASSERT_EQ(p->nroles, 5);
	for (size_t i = 0; i < 5; i++) {
		ASSERT_STR_EQ(p->roles[i].id, roles[i].id);
		ASSERT_EQ(p->roles[i].per, roles[i].per);
		ASSERT_EQ(plan_role_index(p, roles[i].id), (int)i);
	}
	ASSERT_STR_EQ(p->roles[2].title, "州环境监察支队");
	ASSERT_EQ(plan_role_index(p, "nobody"), -1);

	ASSERT_EQ(p->nescalations, 2);
	std = &p->escalations[0];
	fast = &p->escalations[1];
	ASSERT_STR_EQ(std->id, "standard");
	ASSERT_EQ(std->nsteps, 2);
	ASSERT_EQ(std->steps[0].after.n, 1);
	ASSERT_EQ(std->steps[0].after.unit, PLAN_DAYS);
	ASSERT_STR_EQ(std->steps[0].kind, "overdue");
	ASSERT_EQ(std->steps[0].nnotify, 2);
	ASSERT_EQ(std->steps[0].notify[0].kind, PLAN_TARGET_OWNER);
	ASSERT_EQ(std->steps[0].notify[0].role, -1);
	ASSERT_EQ(std->steps[0].notify[1].kind, PLAN_TARGET_ROLE);
	ASSERT_EQ(std->steps[0].notify[1].role, 2);
	ASSERT_EQ(std->steps[1].after.n, 3);
	ASSERT_EQ(std->steps[1].after.unit, PLAN_WORKDAYS);
	ASSERT_EQ(std->steps[1].notify[1].role, 4);
	ASSERT_EQ(fast->steps[0].after.unit, PLAN_HOURS);
	ASSERT_EQ(fast->steps[0].notify[0].kind, PLAN_TARGET_SUBMIT_TO);

	ASSERT_EQ(p->nconduct, 2);
	ASSERT_EQ(p->conduct[0].lapses, 2);
	ASSERT_EQ(p->conduct[0].within.n, 90);
	ASSERT_EQ(p->conduct[0].within.unit, PLAN_DAYS);
	ASSERT_STR_EQ(p->conduct[0].kind, "interview-warning");
	ASSERT_EQ(p->conduct[0].of, PLAN_COUNT_LAPSE | PLAN_COUNT_FLAG);
	ASSERT_EQ(p->conduct[0].nowners, 0);
	ASSERT_EQ(p->conduct[0].ndecide, 0);
	ASSERT_EQ(p->conduct[1].nnotify, 2);
	ASSERT_EQ(p->conduct[1].notify[1].role, 3);
	ASSERT_EQ(p->conduct[1].of, PLAN_COUNT_LAPSE | PLAN_COUNT_ESCALATION);
	ASSERT_EQ(p->conduct[1].nowners, 1);
	ASSERT_EQ(p->conduct[1].owners[0], 0);
	ASSERT_EQ(p->conduct[1].ndecide, 1);
	ASSERT_EQ(p->conduct[1].decide[0].role, 3);
	ASSERT_EQ(p->naccountability, 1);
	ASSERT_EQ(p->accountability[0].kind, PLAN_TARGET_ROLE);
	ASSERT_EQ(p->accountability[0].role, 4);
}

/* The built-in table of docs/plan-format.md, cell by cell: "" where an event is refused. */
static void
builtin_report_lifecycle(const struct plan *p)
{
	static const char *const states[] = {"open", "submitted", "incomplete", "returned",
	                                     "accepted", "overdue"};
	static const char *const events[] = {"submit", "accept", "return"};
	static const char *const table[6][3] = {
		{"submitted", "", ""},          /* open */
		{"", "accepted", "returned"},   /* submitted */
		{"submitted", "", "returned"},  /* incomplete */
		{"submitted", "", ""},          /* returned */
		{"", "", ""},                   /* accepted */
		{"submitted", "", ""},          /* overdue */
	};
	const struct plan_lifecycle *lc = &p->lifecycles[0];

	ASSERT_STR_EQ(lc->id, "report");
	ASSERT(lc->builtin);
	ASSERT_EQ(lc->nstates, 6);
	ASSERT_EQ(lc->nevents, 3);
	for (int s = 0; s < 6; s++) {
		ASSERT_EQ(plan_lifecycle_state(lc, states[s]), s);
		for (int ev = 0; ev < 3; ev++) {
			int to = lc->table[s * 3 + ev];

			ASSERT_EQ(plan_lifecycle_event(lc, events[ev]), ev);
			if (table[s][ev][0] == '\0')
				ASSERT_EQ(to, -1);
			else
				ASSERT_STR_EQ(lc->states[to], table[s][ev]);
		}
		ASSERT_EQ(lc->final[s], strcmp(states[s], "accepted") == 0);
		/* every state that still owes the submitter something is watched */
		ASSERT_EQ(lc->deadline_from[s],
		          strcmp(states[s], "open") == 0 || strcmp(states[s], "returned") == 0 ||
		                  strcmp(states[s], "incomplete") == 0);
	}
	ASSERT_STR_EQ(lc->states[lc->initial], "open");
	ASSERT_STR_EQ(lc->states[lc->deadline_to], "overdue");
	ASSERT_STR_EQ(lc->states[lc->incomplete], "incomplete");
	ASSERT_STR_EQ(lc->events[lc->submit_event], "submit");
}

static void
plan_lifecycle_table(const struct plan *p)
{
	const struct plan_lifecycle *lc = &p->lifecycles[1];
	int listed, closed, overdue, verify;

	ASSERT_EQ(p->nlifecycles, 2);
	ASSERT_STR_EQ(lc->id, "rectification");
	ASSERT(!lc->builtin);
	ASSERT_EQ(lc->nstates, 5);
	ASSERT_EQ(lc->nevents, 3);
	listed = plan_lifecycle_state(lc, "listed");
	closed = plan_lifecycle_state(lc, "closed");
	overdue = plan_lifecycle_state(lc, "overdue");
	verify = plan_lifecycle_event(lc, "verify");
	ASSERT_EQ(lc->initial, listed);
	ASSERT(lc->final[closed]);
	ASSERT(!lc->final[overdue]);
	ASSERT_EQ(lc->table[overdue * 3 + verify], plan_lifecycle_state(lc, "verified"));
	ASSERT_EQ(lc->table[listed * 3 + verify], -1);
	ASSERT_EQ(lc->table[listed * 3 + plan_lifecycle_event(lc, "close")], closed);
	ASSERT(lc->deadline_from[listed]);
	ASSERT(!lc->deadline_from[closed]);
	ASSERT_EQ(lc->deadline_to, overdue);
	ASSERT_EQ(lc->submit_event, -1);
	ASSERT_EQ(lc->incomplete, -1);
	ASSERT_EQ(plan_lifecycle_event(lc, "submit"), -1);
}

static const struct plan_milestone *
ms(const struct plan *p, const char *id)
{
	int i = plan_milestone_index(p, id);

	if (i < 0)
		TEST_FAIL_("no milestone %s", id);
	return &p->milestones[i];
}

static void
milestones_and_dues(const struct plan *p)
{
	const struct plan_milestone *m;

	ASSERT_EQ(p->nphases, 2);
	ASSERT_EQ(p->phases[0].starts, CAL_NO_DAY);
	ASSERT_EQ(p->phases[1].starts, day("2017-07-01"));
	ASSERT_EQ(p->phases[1].ends, day("2017-09-30"));
	ASSERT_EQ(p->nmilestones, 9);

	m = ms(p, "evaluation-report");
	ASSERT_EQ(m->phase, 0);
	ASSERT_EQ(m->owner, 0);
	ASSERT_EQ(m->for_, PLAN_FOR_JURISDICTION);
	ASSERT_EQ(m->submit_to, 2);
	ASSERT_EQ(m->due.kind, PLAN_DUE_DATE);
	ASSERT_EQ(m->due.date, day("2017-05-10"));
	ASSERT_EQ(m->nremind, 2);
	ASSERT_EQ(m->remind[0].n, -7);
	ASSERT_EQ(m->remind[0].unit, PLAN_DAYS);
	ASSERT_EQ(m->remind[1].n, -1);
	ASSERT_EQ(m->remind[1].unit, PLAN_WORKDAYS);
	ASSERT_EQ(m->escalate, 0);
	ASSERT_EQ(m->lifecycle, 0);
	ASSERT_EQ(m->nrequires, 5);
	ASSERT_STR_EQ(m->requires[4], "next-steps");
	ASSERT(m->requires_titles[4] == NULL);
	ASSERT(!m->covers_previous);
	ASSERT(m->description == NULL);
	ASSERT_EQ(m->line, 56);
	ASSERT_STR_EQ(m->renamed_from, "evaluation");
	ASSERT_EQ(m->correction.n, 3);
	ASSERT_EQ(m->correction.unit, PLAN_WORKDAYS);
	ASSERT_EQ(m->grace.n, 15);
	ASSERT_EQ(m->grace.unit, PLAN_DAYS);

	m = ms(p, "evaluation-summary");
	ASSERT_EQ(m->for_, PLAN_FOR_ONCE);
	ASSERT_EQ(m->due.kind, PLAN_DUE_AFTER);
	ASSERT_EQ(m->due.after, plan_milestone_index(p, "evaluation-report"));
	ASSERT_EQ(m->due.plus.n, 10);
	ASSERT_EQ(m->due.plus.unit, PLAN_WORKDAYS);
	ASSERT_EQ(m->escalate, 1);
	/* no correction or grace of its own: the plan's */
	ASSERT(m->renamed_from == NULL);
	ASSERT_EQ(m->correction.n, 5);
	ASSERT_EQ(m->grace.n, 10);
	ASSERT_EQ(m->grace.unit, PLAN_WORKDAYS);

	m = ms(p, "monthly-summary");
	ASSERT_EQ(m->phase, 1);
	ASSERT_STR_EQ(m->description, "free text");
	ASSERT_EQ(m->due.kind, PLAN_DUE_EVERY);
	ASSERT_EQ(m->due.recur.freq, CAL_MONTH);
	ASSERT_EQ(m->due.recur.interval, 1);
	ASSERT_EQ(m->due.recur.day, 5);
	ASSERT_EQ(m->due.recur.from, day("2017-07-01"));
	ASSERT_EQ(m->due.recur.until, day("2017-11-01"));
	ASSERT(m->covers_previous);
	ASSERT_EQ(m->nrequires, 2);
	ASSERT_STR_EQ(m->requires[0], "summary-table");
	ASSERT_STR_EQ(m->requires_titles[0], "汇总表");
	ASSERT_STR_EQ(m->requires_titles[1], "填报说明");

	m = ms(p, "weekly-check");
	ASSERT_EQ(m->due.recur.freq, CAL_WEEK);
	ASSERT_EQ(m->due.recur.interval, 2);
	ASSERT_EQ(m->due.recur.day, 5);
	ASSERT_EQ(m->escalate, -1);
	ASSERT_EQ(m->submit_to, -1);
	ASSERT_EQ(m->nremind, 0);

	m = ms(p, "daily-log");
	ASSERT_EQ(m->due.recur.freq, CAL_DAY);
	ASSERT_EQ(m->due.recur.until, day("2017-07-07"));
	ASSERT_EQ(m->remind[0].unit, PLAN_HOURS);
	ASSERT_EQ(m->remind[1].unit, PLAN_MINUTES);
	ASSERT_EQ(m->remind[1].n, -30);
	ASSERT_EQ(m->remind[2].unit, PLAN_SECONDS);

	m = ms(p, "rectification");
	ASSERT_EQ(m->for_, PLAN_FOR_ENTERPRISE);
	ASSERT_EQ(m->owner, 1);
	ASSERT_EQ(m->due.kind, PLAN_DUE_FIELD);
	ASSERT_STR_EQ(m->due.field, "rectify_by");
	ASSERT_EQ(m->lifecycle, 1);
	ASSERT_EQ(m->nwhere, 2);
	ASSERT_STR_EQ(m->where[0].attr, "listed");
	ASSERT_EQ(m->where[0].nvalues, 1);
	ASSERT_STR_EQ(m->where[0].values[0], "true");
	ASSERT_STR_EQ(m->where[1].attr, "industry");
	ASSERT_EQ(m->where[1].nvalues, 2);
	ASSERT_STR_EQ(m->where[1].values[1], "cement");
	ASSERT(plan_where_has(&m->where[1], "cement") && plan_where_has(&m->where[0], "true"));
	ASSERT(!plan_where_has(&m->where[1], "Cement") && !plan_where_has(&m->where[1], "cement "));
	ASSERT(!plan_where_has(&m->where[0], "yes") && !plan_where_has(&m->where[1], ""));

	m = ms(p, "hearing");
	ASSERT_EQ(m->due.kind, PLAN_DUE_DATETIME);
	ASSERT_EQ(m->due.date, day("2026-11-28"));
	ASSERT_EQ(m->due.sec_of_day, 19 * 3600 + 5);
}

/* An `after` target comes before its dependants; otherwise file order is kept. */
static void
after_order(const struct plan *p)
{
	static const char *const want[] = {"evaluation-report", "evaluation-summary",
	                                   "monthly-summary", "weekly-check", "daily-log",
	                                   "rectification", "hearing", "hearing-minutes",
	                                   "hearing-follow-up"};

	for (size_t i = 0; i < 9; i++)
		ASSERT_STR_EQ(p->milestones[p->order[i]].id, want[i]);
}

static void
offsets_format_back(void)
{
	static const struct {
		struct plan_offset o;
		const char *text;
	} cases[] = {
		{{-3, PLAN_DAYS}, "-3d"},   {{2, PLAN_WORKDAYS}, "2wd"}, {{5, PLAN_HOURS}, "5h"},
		{{-30, PLAN_MINUTES}, "-30m"}, {{0, PLAN_SECONDS}, "0s"}, {{90, PLAN_DAYS}, "90d"},
	};
	char buf[24];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		plan_offset_format(&cases[i].o, buf);
		ASSERT_STR_EQ(buf, cases[i].text);
	}
}

/* Defaults when the optional keys are left out, and the other spellings they accept. */
static void
defaults_and_variants(void)
{
	static const char src[] =
		"plan: small\ntitle: t\ntimezone: UTC\nnotify_at: '17:30:15'\n"
		"calendar: {weekend: [fri], due_on_holiday: previous-workday}\n"
		"roles: {office: {title: O}}\n"
		"phases:\n  - id: p\n    title: P\n    milestones:\n"
		"      - {id: a, title: A, owner: office, for: once, due: 2017-02-28T23:59,"
		" remind: [+0d]}\n";
	struct plan *p = NULL;
	struct dberr e;

	dberr_clear(&e);
	if (plan_parse_buffer("small.yaml", src, sizeof(src) - 1, NULL, &p, &e) != 0)
		dberr_print(&e, stderr);
	ASSERT(p != NULL);
	ASSERT_EQ(p->notify_at, 17 * 3600 + 30 * 60 + 15);
	ASSERT_EQ(p->calendar.weekend, 1 << 5);
	ASSERT_EQ(p->calendar.due_on_holiday, CAL_SHIFT_PREVIOUS);
	ASSERT_EQ(p->nuses, 0);
	ASSERT_EQ(p->nmarks, 0);
	ASSERT_EQ(p->nlifecycles, 1);
	ASSERT_EQ(p->nescalations, 0);
	ASSERT_EQ(p->nconduct, 0);
	ASSERT_EQ(p->naccountability, 0);
	ASSERT_EQ(p->nindustries, 0);
	ASSERT(p->templates == NULL);
	ASSERT_STR_EQ(p->source_path, "small.yaml");
	ASSERT_EQ(p->milestones[0].due.sec_of_day, 23 * 3600 + 59 * 60);
	ASSERT_EQ(p->milestones[0].remind[0].n, 0);
	ASSERT_EQ(p->order[0], 0);
	plan_free(p);
}

int
main(void)
{
	struct plan *p = load("tests/workflows/plans/example.yaml");
	struct plan *changji;

	header_and_calendar(p);
	roles_and_targets(p);
	builtin_report_lifecycle(p);
	plan_lifecycle_table(p);
	milestones_and_dues(p);
	after_order(p);
	plan_free(p);
	offsets_format_back();
	defaults_and_variants();

	/* The real plan of the seed parses too. */
	changji = load("workflows/changji-2017.yaml");
	ASSERT_STR_EQ(changji->id, "changji-2017");
	ASSERT_EQ(changji->nphases, 6);
	ASSERT_EQ(changji->calendar.due_on_holiday, CAL_SHIFT_NEXT);
	plan_free(changji);
	return 0;
}
