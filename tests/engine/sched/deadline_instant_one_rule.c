/*
 * The deadline instant has one rule: a submission at or before it is on time, and the task
 * lapses only after it. Both sides are tried at the boundary second, through the
 * scheduler and through the submit path (task_event), on a date-only deadline (the end of
 * the local day, 23:59:59).
 */
#include "engine/sched/sched_test.h"

/* grace: 0d: made the day before its due, a task of a milestone without reminders would
 * otherwise be a late arrival with a grace period (docs/plan-format.md, "Fair start") */
#define PLAN \
	"plan: a\ntitle: A\ntimezone: Asia/Shanghai\ngrace: 0d\n" \
	"roles:\n  county: {title: County, per: jurisdiction}\n" \
	"phases:\n  - id: p\n    title: P\n    milestones:\n" \
	"      - {id: m, title: M, owner: county, for: each jurisdiction, due: 2017-02-01}\n"
#define REGISTRY \
	"jurisdictions:\n" \
	"  - {id: j1, name: J1, kind: county, email: [j1@x.example]}\n" \
	"  - {id: j2, name: J2, kind: county, email: [j2@x.example]}\n"

struct submit_arg {
	struct engine *en;
	const char *key;
	int64_t at;
};

static int
submit_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct submit_arg *s = arg;
	struct task_event_args a = {.by = "clerk", .at = s->at};

	return task_event(s->en, txn, s->key, "submit", &a, NULL, e);
}

static void
submit(struct engine *en, const char *key, int64_t at)
{
	struct submit_arg s = {en, key, at};
	struct dberr e;

	dberr_clear(&e);
	ASSERT_EQ(store_write(engine_store(en), submit_txn, &s, &e), 0);
}

int
main(void)
{
	char *dir = test_tmpdir();
	/* 2017-01-31T00:00:00+08:00; the deadline, 2017-02-01T23:59:59+08:00 */
	int64_t start = 1485792000, deadline = 1485964799;
	struct sched_test_task t;
	struct engine *en;
	struct dberr e;

	dberr_clear(&e);
	sched_test_write(dir, "a.yaml", PLAN);
	sched_test_write(dir, "reg.yaml", REGISTRY);
	en = sched_test_engine(dir, start, "a.yaml", "reg.yaml");

	/* at the deadline second nothing has lapsed */
	ASSERT_EQ(sched_apply_due(en, deadline, true, NULL, NULL, &e), 0);
	t = sched_test_task(en, "a/m/j1/once");
	ASSERT_STR_EQ(t.state, "open");
	t = sched_test_task(en, "a/m/j2/once");
	ASSERT_STR_EQ(t.state, "open");
	ASSERT_EQ(t.flags & STORE_TASK_LAPSED, 0);

	/* a submission in that second is on time */
	submit(en, "a/m/j1/once", deadline);
	t = sched_test_task(en, "a/m/j1/once");
	ASSERT_STR_EQ(t.state, "submitted");
	ASSERT_EQ(t.flags & (STORE_TASK_LATE | STORE_TASK_LAPSED), 0);

	/* one second later the other task lapses; the submitted one does not */
	ASSERT_EQ(sched_apply_due(en, deadline + 1, true, NULL, NULL, &e), 0);
	t = sched_test_task(en, "a/m/j2/once");
	ASSERT_STR_EQ(t.state, "overdue");
	ASSERT(t.flags & STORE_TASK_LAPSED);
	t = sched_test_task(en, "a/m/j1/once");
	ASSERT_STR_EQ(t.state, "submitted");
	ASSERT_EQ(t.flags & (STORE_TASK_LATE | STORE_TASK_LAPSED), 0);

	/* and a submission in that later second is late */
	submit(en, "a/m/j2/once", deadline + 1);
	t = sched_test_task(en, "a/m/j2/once");
	ASSERT_STR_EQ(t.state, "submitted");
	ASSERT(t.flags & STORE_TASK_LATE);

	engine_close(en);
	free(dir);
	return 0;
}
