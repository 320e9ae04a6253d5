/*
 * plan_refusals.c - one bad plan per class of mistake, each refused with DB_EDATA at the
 * line and column of the node at fault and a message naming the bad value.
 */
#include <string.h>

#include "lib/test.h"
#include "workflows/parse/plan.h"

/* Lines 1-6: a valid head; lines 7-10 open the one phase; the milestone is on line 11. */
#define HEAD                                                                           \
	"plan: t\ntitle: T\ntimezone: UTC\nroles:\n  office: {title: O}\n"             \
	"  dept: {title: D, per: jurisdiction}\n"
#define PHASE "phases:\n  - id: p\n    title: P\n    milestones:\n"
#define MS(extra) "      - {id: a, title: A, owner: office, for: once, due: 2017-02-15" extra "}\n"
#define OK_MS MS("")
/* Another milestone on the next line, the same up to its id */
#define MS_ID(id, extra)                                                               \
	"      - {id: " id ", title: A, owner: office, for: once, due: 2017-02-15" extra "}\n"
/* A lifecycle block at lines 7-..., before PHASE */
#define LC(body) "lifecycles:\n  lc:\n" body

struct refusal {
	const char *name;
	const char *src;
	int line, col;
	const char *fragment;
};

static const struct refusal refusals[] = {
	{"yaml_syntax_error", HEAD "phases: [\n", 8, 1, "YAML syntax"},
	{"unknown_top_level_key", "plan: t\ntitel: T\n", 2, 1,
	 "unknown key 'titel' in the plan; expected one of: plan, title"},
	{"unknown_milestone_key", HEAD PHASE MS(", remnd: [-1d]"), 11, 70,
	 "unknown key 'remnd' in a milestone"},
	{"duplicate_key", HEAD "title: X\n" PHASE OK_MS, 7, 1,
	 "duplicate key 'title' (first given at line 2)"},
	{"anchor", "plan: &p t\n", 1, 7, "anchors (&p)"},
	{"alias", "plan: t\ntitle: *p\n", 2, 8, "aliases (*p)"},
	{"tag", "plan: !!str t\n", 1, 7, "tags ("},
	{"missing_required_key", "plan: t\ntimezone: UTC\nroles: {o: {title: O}}\nphases: []\n",
	 1, 1, "the plan has no 'title'"},
	{"bad_timezone", "plan: t\ntitle: T\ntimezone: Mars/Olympus\n", 3, 11,
	 "unknown time zone 'Mars/Olympus'"},
	{"bad_plan_id", "plan: Bad_Id\ntitle: T\ntimezone: UTC\n", 1, 7,
	 "plan id 'Bad_Id' is not valid"},
	{"bad_milestone_id", HEAD PHASE "      - {id: a_b, title: A, owner: office, for: once, "
	 "due: 2017-02-15}\n", 11, 14, "milestone id 'a_b' is not valid"},
	{"unknown_owner_role", HEAD PHASE "      - {id: a, title: A, owner: nobody, for: once, "
	 "due: 2017-02-15}\n", 11, 34, "owner: unknown role 'nobody'"},
	{"unknown_escalation", HEAD PHASE MS(", escalate: nope"), 11, 80,
	 "unknown escalation 'nope'"},
	{"unknown_lifecycle", HEAD PHASE MS(", lifecycle: nope"), 11, 81,
	 "unknown lifecycle 'nope'"},
	/* requires on a lifecycle with no incomplete state: an empty hand-in would be
	 * complete (review 10e, M-F); refused at the requires value */
	{"requires_without_incomplete", HEAD LC("    {initial: a, states: [a, b, late], final: "
	 "[b], events: {submit: {a: b}}, deadline: {from: [a], to: late}}\n")
	 PHASE MS(", lifecycle: lc, requires: [x, y]"), 14, 95,
	 "milestone 'a' requires sections, but its lifecycle 'lc' has no incomplete state"},
	{"unknown_after_milestone", HEAD PHASE "      - {id: a, title: A, owner: office, for: once,"
	 " due: {after: nope}}\n", 11, 66, "due.after: unknown milestone 'nope'"},
	{"unknown_initial_state", HEAD LC("    {initial: nope, states: [a], final: [a]}\n")
	 PHASE OK_MS, 9, 15, "unknown state 'nope' in lifecycle 'lc'"},
	{"unknown_event_target_state", HEAD LC("    {initial: a, states: [a, b], final: [b], "
	 "events: {go: {a: c}}}\n") PHASE OK_MS, 9, 63, "event target: unknown state 'c'"},
	{"unknown_deadline_state", HEAD LC("    {initial: a, states: [a], final: [a], "
	 "deadline: {from: [a], to: late}}\n") PHASE OK_MS, 9, 69,
	 "deadline.to: unknown state 'late'"},
	{"unreachable_state", HEAD LC("    {initial: a, states: [a, b, c], final: [b], "
	 "events: {go: {a: b}}}\n") PHASE OK_MS, 9, 33,
	 "state 'c' of lifecycle 'lc' cannot be reached from 'a'"},
	/* every state final or watched (issue 10): 'c' is neither final, in deadline.from, the
	 * deadline's state, nor left by an accept: a task there is chased by nobody (review
	 * 10f, F6) */
	{"state_not_watched", HEAD LC("    {initial: a, states: [a, b, c, late], final: [b], "
	 "events: {submit: {a: c}, fix: {c: b}}, deadline: {from: [a], to: late}}\n") PHASE
	 OK_MS, 9, 33, "state 'c' of lifecycle 'lc' is neither final nor watched"},
	/* an escalation starts at a lapse: a lifecycle without deadline never has one */
	{"escalate_without_deadline", HEAD "escalations:\n  s:\n    - {after: 1d, kind: overdue, "
	 "notify: [office]}\n" LC("    {initial: a, states: [a, b], final: [b], events: {accept: "
	 "{a: b}}}\n") PHASE MS(", escalate: s, lifecycle: lc"), 17, 80,
	 "milestone 'a' escalates (escalate: s), but its lifecycle 'lc' has no deadline"},
	/* a decider held per jurisdiction is the warned county itself (review 10f, F7) */
	{"decide_per_jurisdiction", HEAD "conduct:\n  - {lapses: 2, within: 9d, kind: w, notify: "
	 "[office], decide: [office, dept]}\n" PHASE OK_MS, 8, 73,
	 "decide: role 'dept' is held per jurisdiction"},
	{"no_final_state", HEAD LC("    {initial: a, states: [a], final: []}\n") PHASE OK_MS,
	 9, 38, "lifecycle 'lc' has no final state"},
	{"report_redefined", HEAD "lifecycles:\n  report: {initial: a, states: [a], final: [a]}\n"
	 PHASE OK_MS, 8, 3, "lifecycle 'report' is built in"},
	{"bad_date", HEAD PHASE MS("") "      - {id: b, title: B, owner: office, for: once, "
	 "due: 2017-02-30}\n", 12, 58, "due '2017-02-30' is not a valid date"},
	{"bad_holiday_date", HEAD "calendar: {holidays: [2017-02-30]}\n" PHASE OK_MS, 7, 23,
	 "'2017-02-30' is not a valid date"},
	{"until_before_from", HEAD PHASE "      - {id: a, title: A, owner: dept, for: each "
	 "jurisdiction, due: {every: 1 month, day: 5, from: 2017-07, until: 2017-06}}\n", 11, 116,
	 "until '2017-06' is before from '2017-07'"},
	{"cycle_through_after", HEAD PHASE
	 "      - {id: a, title: A, owner: office, for: once, due: {after: c}}\n"
	 "      - {id: b, title: B, owner: office, for: once, due: {after: a}}\n"
	 "      - {id: c, title: C, owner: office, for: once, due: {after: b, plus: 1d}}\n",
	 11, 66, "milestone 'a' is due after itself through a cycle"},
	{"bad_offset_unit", HEAD PHASE MS(", remind: [-3x]"), 11, 79,
	 "remind '-3x' is not valid"},
	{"bad_offset_no_number", HEAD PHASE MS(", remind: [wd]"), 11, 79,
	 "remind 'wd' is not valid"},
	{"within_in_hours", HEAD "conduct:\n  - {lapses: 2, within: 5h, kind: w, notify: [office]}\n"
	 PHASE OK_MS, 8, 25, "within '5h' is not valid"},
	{"unknown_notify_target", HEAD "accountability: {notify: [nobody]}\n" PHASE OK_MS, 7, 27,
	 "unknown role 'nobody'"},
	{"owner_in_conduct", HEAD "conduct:\n  - {lapses: 2, within: 9d, kind: w, notify: [owner]}\n"
	 PHASE OK_MS, 8, 47, "'owner' means a milestone's role"},
	{"duplicate_milestone_id", HEAD PHASE OK_MS OK_MS, 12, 14,
	 "milestone id 'a' is used twice (first at line 11)"},
	{"duplicate_phase_id", HEAD "phases:\n  - {id: p, title: P}\n  - {id: p, title: Q}\n", 9, 10,
	 "phase id 'p' is used twice"},
	{"duplicate_state", HEAD LC("    {initial: a, states: [a, a], final: [a]}\n") PHASE OK_MS,
	 9, 30, "state 'a' is listed twice"},
	{"owner_not_per_jurisdiction", HEAD PHASE "      - {id: a, title: A, owner: office, "
	 "for: each jurisdiction, due: 2017-02-15}\n", 11, 34,
	 "owner 'office' is an office (no per), but a milestone for each jurisdiction"},
	{"field_due_once", HEAD PHASE "      - {id: a, title: A, owner: office, for: once, "
	 "due: {field: rectify_by}}\n", 11, 66, "due.field takes a date from each subject"},
	{"every_zero", HEAD PHASE "      - {id: a, title: A, owner: office, for: once, "
	 "due: {every: 0 month, day: 5, from: 2017-07, until: 2017-08}}\n", 11, 66,
	 "every '0 month' is not valid"},
	{"weekend_all_seven", HEAD "calendar: {weekend: [mon, tue, wed, thu, fri, sat, sun]}\n"
	 PHASE OK_MS, 7, 21, "names all seven days"},
	{"remind_after_due", HEAD PHASE MS(", remind: [2d]"), 11, 79, "remind '2d' is after the due"},
	{"covers_without_recurrence", HEAD PHASE MS(", covers: previous"), 11, 78,
	 "covers: previous needs a recurring due"},
	{"covers_unknown", HEAD PHASE MS(", covers: last"), 11, 78, "covers 'last' is not"},
	{"issuer_unknown_key", HEAD "issuer: {nam: X}\n" PHASE OK_MS, 7, 10,
	 "unknown key 'nam'"},
	{"reserved_role_id", "plan: t\ntitle: T\ntimezone: UTC\nroles: {owner: {title: O}}\nphases: []\n",
	 4, 9, "'owner' is reserved"},
	{"bad_notify_at", "plan: t\ntitle: T\ntimezone: UTC\nnotify_at: '25:00'\n", 4, 12,
	 "notify_at '25:00' is not a time of day"},
	{"wrong_type", "plan: t\ntitle: [T]\ntimezone: UTC\n", 2, 8,
	 "title must be a single value, not a list"},
	{"empty_phases", HEAD "phases: []\n", 7, 9, "phases is empty"},
	/* renamed_from: each old id claimed once, found by a map since review 13f, C4: the
	 * second claim is refused at its value naming the first claimer, not a later one */
	{"renamed_from_own_id", HEAD PHASE MS(", renamed_from: a"), 11, 84,
	 "renamed_from 'a' is the milestone's own id"},
	{"renamed_from_claimed_twice", HEAD PHASE MS_ID("a", ", renamed_from: x")
	 MS_ID("b", ", renamed_from: y") MS_ID("c", ", renamed_from: x")
	 MS_ID("d", ", renamed_from: x"), 13, 84, "renamed_from 'x' is claimed by milestone 'a' too"},
	{"renamed_from_current_id", HEAD PHASE MS_ID("a", "") MS_ID("b", ", renamed_from: c")
	 MS_ID("c", ""), 1, 1, "milestone 'b' is renamed_from 'c', which is still a milestone of "
	 "the plan (line 13)"},
};

static void
check(const struct refusal *r)
{
	struct plan *p = NULL;
	struct dberr e;
	int rc;

	dberr_clear(&e);
	rc = plan_parse_buffer("bad.yaml", r->src, strlen(r->src), NULL, &p, &e);
	if (rc != DB_EDATA || e.line != r->line || e.col != r->col ||
	    strstr(e.msg, r->fragment) == NULL)
		fprintf(stderr, "case %s: rc=%d at %d:%d: %s\n", r->name, rc, e.line, e.col,
		        e.msg);
	ASSERT_EQ(rc, DB_EDATA);
	ASSERT(p == NULL);
	ASSERT_STR_EQ(e.file, "bad.yaml");
	ASSERT_EQ(e.line, r->line);
	ASSERT_EQ(e.col, r->col);
	ASSERT_STR_CONTAINS(e.msg, r->fragment);
}

/* A plan whose title sits 65 flow sequences deep. */
static void
depth_over_64(void)
{
	char src[512];
	struct plan *p = NULL;
	struct dberr e;
	size_t off;

	off = (size_t)snprintf(src, sizeof(src), "plan: t\ntitle: ");
	for (int i = 0; i < 65; i++)
		src[off++] = '[';
	for (int i = 0; i < 65; i++)
		src[off++] = ']';
	src[off++] = '\n';
	src[off] = '\0';
	dberr_clear(&e);
	ASSERT_EQ(plan_parse_buffer("deep.yaml", src, off, NULL, &p, &e), DB_EDATA);
	ASSERT_EQ(e.line, 2);
	ASSERT_EQ(e.col, 8 + 63);
	ASSERT_STR_CONTAINS(e.msg, "nesting deeper than 64");
}

static void
missing_file_is_not_data(void)
{
	struct plan *p = NULL;
	struct dberr e;

	dberr_clear(&e);
	ASSERT(plan_parse_file("/nonexistent/plan.yaml", NULL, &p, &e) < 0);
	ASSERT(e.code != DB_EDATA);
	ASSERT(p == NULL);
}

int
main(void)
{
	int failed = 0;

	/* every case first, so one run shows them all */
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		struct plan *p = NULL;
		struct dberr e;
		const struct refusal *r = &refusals[i];

		dberr_clear(&e);
		int rc = plan_parse_buffer("bad.yaml", r->src, strlen(r->src), NULL, &p, &e);
		if (rc != DB_EDATA || e.line != r->line || e.col != r->col ||
		    strstr(e.msg, r->fragment) == NULL) {
			fprintf(stderr, "case %s: rc=%d at %d:%d: %s\n", r->name, rc, e.line,
			        e.col, e.msg);
			failed++;
		}
		plan_free(p);
	}
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
		check(&refusals[i]);
	ASSERT_EQ(failed, 0);
	depth_over_64();
	missing_file_is_not_data();
	return 0;
}
