/*
 * The instants of reminders and escalations: day offsets at notify_at on calendar or
 * working days from the shifted due date, h/m/s offsets from the deadline instant, under
 * the 2017 Chinese holiday calendar (the October Annex 3 table due 10-05 moves to 10-09).
 */
#include "engine/core/engine.h"
#include "lib/test.h"

static const char plan_src[] =
	"plan: off\n"
	"title: t\n"
	"timezone: Asia/Shanghai\n"
	"notify_at: \"09:00\"\n"
	"calendar:\n"
	"  weekend: [sat, sun]\n"
	"  holidays: [2017-10-01..2017-10-08]\n"
	"  workdays: [2017-09-30]\n"
	"  due_on_holiday: next-workday\n"
	"roles:\n"
	"  county_epb: {title: c, per: jurisdiction}\n"
	"escalations:\n"
	"  std:\n"
	"    - {after: 1d, kind: overdue, notify: [owner]}\n"
	"    - {after: 3wd, kind: escalation, notify: [owner]}\n"
	"    - {after: 90m, kind: late, notify: [owner]}\n"
	"phases:\n"
	"  - id: p\n"
	"    title: p\n"
	"    milestones:\n"
	"      - id: m\n"
	"        title: m\n"
	"        owner: county_epb\n"
	"        for: each jurisdiction\n"
	"        due: {every: 1 month, day: 5, from: 2017-09, until: 2017-10}\n"
	"        remind: [-3d, -1wd, -2h]\n"
	"        escalate: std\n";

static int64_t
at(const struct tz *z, const char *s)
{
	int64_t t;

	ASSERT_EQ(tz_parse_time(z, s, &t), 0);
	return t;
}

int
main(void)
{
	struct engine_plan ep = {0};
	struct task_times t;
	struct dberr e;
	int32_t due, shifted;

	dberr_clear(&e);
	ASSERT_EQ(plan_parse_buffer("off.yaml", plan_src, sizeof(plan_src) - 1, NULL, &ep.plan,
	                            &e), 0);
	ASSERT_EQ(tz_open("Asia/Shanghai", &ep.tz, &e), 0);

	/* 2017-10-05 is in the National Day holiday: the due date moves to Monday 10-09. */
	ASSERT_EQ(cal_parse_date("2017-10-05", &due), 0);
	ASSERT_EQ(cal_shift_due(&ep.plan->calendar, due, &shifted), 0);
	ASSERT_EQ(cal_parse_date("2017-10-09", &due), 0);
	ASSERT_EQ(shifted, due);

	int64_t deadline = tz_local_to_utc(ep.tz, shifted, 86399);
	ASSERT_EQ(deadline, at(ep.tz, "2017-10-09T23:59:59+08:00"));
	ASSERT_EQ(schedule_times(&ep, &ep.plan->milestones[0], shifted, deadline, &t, &e), 0);
	ASSERT_EQ(t.nremind, 3);
	/* -3d: three calendar days, a holiday or not, 10-06: after the -1wd reminder of 09-30,
	 * so it is left out (reminders never arrive out of order) */
	ASSERT_EQ(t.remind[0], SCHEDULE_NONE);
	/* -1wd: the working day before 10-09 is Saturday 09-30, a worked weekend day */
	ASSERT_EQ(t.remind[1], at(ep.tz, "2017-09-30T09:00:00+08:00"));
	/* -2h: from the deadline instant */
	ASSERT_EQ(t.remind[2], at(ep.tz, "2017-10-09T21:59:59+08:00"));
	ASSERT_EQ(t.nescalate, 3);
	ASSERT_EQ(t.escalate[0], at(ep.tz, "2017-10-10T09:00:00+08:00"));
	/* 3wd after Monday 10-09: Tue, Wed, Thu */
	ASSERT_EQ(t.escalate[1], at(ep.tz, "2017-10-12T09:00:00+08:00"));
	ASSERT_EQ(t.escalate[2], at(ep.tz, "2017-10-10T01:29:59+08:00"));

	plan_free(ep.plan);
	tz_free(ep.tz);
	return 0;
}
