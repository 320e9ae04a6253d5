/*
 * A reload that cannot parse a new plan version keeps the old plans running and loses no
 * due entry: the entries of a plan this engine does not have are kept (moved later, their
 * planned time unchanged), never deleted as stale; a good reload then applies them, late,
 * with both times. This is what the daemon does on SIGHUP and when another process loads
 * a plan (engine/daemon/daemon.c calls engine_reload, then sched_apply_due).
 */
#include "engine/sched/sched_test.h"

/* grace: 0d: tasks made a day or two before their due, without reminders, are ordinary
 * ones, not late arrivals (docs/plan-format.md, "Fair start") */
#define PLAN_A \
	"plan: a\ntitle: A\ntimezone: Asia/Shanghai\ngrace: 0d\n" \
	"roles:\n  county: {title: County, per: jurisdiction}\n" \
	"phases:\n  - id: p\n    title: P\n    milestones:\n" \
	"      - {id: m, title: M, owner: county, for: each jurisdiction, due: 2017-02-01}\n"
/* plan b as a newer process would have written it: same shape, its own deadline */
#define PLAN_B \
	"plan: b\ntitle: B\ntimezone: Asia/Shanghai\ngrace: 0d\n" \
	"roles:\n  county: {title: County, per: jurisdiction}\n" \
	"phases:\n  - id: p\n    title: P\n    milestones:\n" \
	"      - {id: m, title: M, owner: county, for: each jurisdiction, due: 2017-02-02}\n"
#define NOT_A_PLAN "plan: [this is not\n"

/* What another process wrote: plan a's version 2 and plan b's version 1 that this engine
 * cannot parse, and plan b's task with its deadline entry (expanded by that process). */
static int
foreign_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	const char *src = arg;
	struct store_plan pa = {"a", 2, "0", (char *)src, strlen(src), "a.yaml", 0, "", NULL, 0,
	                        true, NULL, 0};
	struct store_plan pb = {"b", 1, "0", (char *)src, strlen(src), "b.yaml", 0, "", NULL, 0,
	                        true, NULL, 0};
	struct store_task t = {0};
	struct store_due d = {0};
	int rc;

	if ((rc = store_plan_put(txn, &pa, e)) != 0 || (rc = store_plan_put(txn, &pb, e)) != 0)
		return rc;
	t.key = "b/m/j1/once";
	t.plan = "b";
	t.milestone = "m";
	t.subject = t.jurisdiction = "j1";
	t.period = "once";
	t.plan_version = 1;
	t.state = "open";
	t.due_date = t.orig_due_date = 17199; /* 2017-02-02 */
	/* 2017-02-02T23:59:59+08:00 */
	t.deadline = t.orig_deadline = 1486051199;
	t.gen = 1;
	if ((rc = store_task_put(txn, &t, e)) != 0)
		return rc;
	d.at = d.planned = t.deadline + 1;
	d.kind = STORE_DUE_DEADLINE;
	d.task = t.key;
	d.gen = 1;
	return store_due_put(txn, &d, e);
}

static int
fixed_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct store_plan pa = {"a", 3, "1", PLAN_A, strlen(PLAN_A), "a.yaml", 0, "", NULL, 0,
	                        true, NULL, 0};
	struct store_plan pb = {"b", 2, "1", PLAN_B, strlen(PLAN_B), "b.yaml", 0, "", NULL, 0,
	                        true, NULL, 0};
	int rc;

	(void)arg;
	if ((rc = store_plan_put(txn, &pa, e)) != 0)
		return rc;
	return store_plan_put(txn, &pb, e);
}

struct due_arg {
	size_t n;
	struct store_due first;
};

static int
due_cb(const struct store_due *d, void *arg)
{
	struct due_arg *a = arg;

	if (a->n++ == 0) {
		a->first = *d;
		a->first.task = strdup(d->task);
	}
	return 0;
}

static int
due_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	return store_due_each(txn, INT64_MAX, 0, due_cb, arg, e);
}

int
main(void)
{
	struct engine *en;
	struct due_arg due = {0};
	struct sched_test_task s;
	struct dberr e;
	char *dir = test_tmpdir();
	/* 2017-01-31T00:00:00+08:00; plan b's deadline 2017-02-02T23:59:59+08:00 */
	int64_t start = 1485792000, deadline_b = 1486051199, after = deadline_b + 3600;

	dberr_clear(&e);
	sched_test_write(dir, "a.yaml", PLAN_A);
	sched_test_write(dir, "reg.yaml", "jurisdictions:\n  - {id: j1, name: J1, kind: county, "
	                                  "email: [j1@x.example]}\n");
	en = sched_test_engine(dir, start, "a.yaml", "reg.yaml");

	/* another process stores versions this one cannot parse: the reload fails whole */
	ASSERT_EQ(store_write(engine_store(en), foreign_txn, NOT_A_PLAN, &e), 0);
	ASSERT_EQ(engine_reload(en, &e), DB_EDATA);
	dberr_clear(&e);
	ASSERT_EQ(engine_nplans(en), 1);
	ASSERT(engine_plan_find(en, "a") != NULL);
	ASSERT_EQ(engine_plan_find(en, "a")->version, 1);
	ASSERT(engine_plan_find(en, "b") == NULL);

	/* Past both deadlines: plan a's task lapses on the old version; plan b's entry is
	 * kept, later, with its planned time, and b's task is untouched. */
	ASSERT_EQ(sched_apply_due(en, after, true, NULL, NULL, &e), 0);
	s = sched_test_task(en, "a/m/j1/once");
	ASSERT_STR_EQ(s.state, "overdue");
	s = sched_test_task(en, "b/m/j1/once");
	ASSERT_STR_EQ(s.state, "open");
	ASSERT_EQ(s.flags & STORE_TASK_LAPSED, 0);
	ASSERT_EQ(store_read(engine_store(en), due_txn, &due, &e), 0);
	ASSERT_EQ(due.n, 1);
	ASSERT_STR_EQ(due.first.task, "b/m/j1/once");
	ASSERT_EQ(due.first.kind, STORE_DUE_DEADLINE);
	ASSERT_EQ(due.first.planned, deadline_b + 1);
	ASSERT_GT(due.first.at, after);
	free(due.first.task);

	/* a good reload brings b: its kept entry is applied when it comes round again */
	ASSERT_EQ(store_write(engine_store(en), fixed_txn, NULL, &e), 0);
	ASSERT_EQ(engine_reload(en, &e), 0);
	ASSERT_EQ(engine_nplans(en), 2);
	ASSERT_EQ(engine_plan_find(en, "b")->version, 2);
	ASSERT_EQ(sched_apply_due(en, after + 86400, true, NULL, NULL, &e), 0);
	s = sched_test_task(en, "b/m/j1/once");
	ASSERT_STR_EQ(s.state, "overdue");
	ASSERT(s.flags & STORE_TASK_LAPSED);
	memset(&due, 0, sizeof(due));
	ASSERT_EQ(store_read(engine_store(en), due_txn, &due, &e), 0);
	ASSERT_EQ(due.n, 0);

	engine_close(en);
	free(dir);
	return 0;
}
