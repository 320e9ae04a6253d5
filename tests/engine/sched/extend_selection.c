/*
 * An extension of a selection (`dabiao extend --milestone M [--jurisdiction J] [--period
 * P]`) moves the deadline of exactly the tasks selected and counts them; a selection that
 * selects nothing is DB_ENOTFOUND naming it, and changes nothing. A task already due the
 * new day is left as it is and counted apart; when every selected task is, the extension
 * is DB_EDATA, as it is for one task named alone: the owner is never told twice of one date.
 */
#include <string.h>

#include "engine/sched/sched_test.h"
#include "time/calendar.h"

/* grace: 0d: made just before their due, tasks of milestones without reminders would
 * otherwise be late arrivals with a grace period (docs/plan-format.md, "Fair start") */
#define PLAN \
	"plan: a\ntitle: A\ntimezone: Asia/Shanghai\ngrace: 0d\n" \
	"roles:\n  county: {title: County, per: jurisdiction}\n" \
	"phases:\n  - id: p\n    title: P\n    milestones:\n" \
	"      - {id: m, title: M, owner: county, for: each jurisdiction, due: 2017-02-01}\n" \
	"      - {id: n, title: N, owner: county, for: each jurisdiction, due: 2017-02-01}\n"
#define REGISTRY \
	"jurisdictions:\n" \
	"  - {id: j1, name: J1, kind: county, email: [j1@x.example]}\n" \
	"  - {id: j2, name: J2, kind: county, email: [j2@x.example]}\n"

/* 2017-02-01T23:59:59+08:00, 2017-02-10T23:59:59+08:00, 2017-02-12T23:59:59+08:00 */
#define DUE_0201 1485964799
#define DUE_0210 1486742399
#define DUE_0212 1486915199

struct ext {
	struct engine *en;
	struct task_selection sel;
	int32_t day;
	size_t n, kept;
};

static int
ext_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct ext *x = arg;

	return task_extend_selected(x->en, txn, &x->sel, x->day, "clerk", "flood", false, &x->n,
	                            &x->kept, NULL, e);
}

struct deadline {
	const char *key;
	int64_t at;
};

static int
deadline_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct deadline *d = arg;
	struct store_task t;
	int rc = store_task_get(txn, d->key, &t, e);

	if (rc == 0)
		d->at = t.deadline;
	store_task_release(&t);
	return rc;
}

static int64_t
deadline(struct engine *en, const char *key)
{
	struct deadline d = {key, 0};
	struct dberr e;

	dberr_clear(&e);
	ASSERT_EQ(store_read(engine_store(en), deadline_txn, &d, &e), 0);
	return d.at;
}

static int
one_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct ext *x = arg;

	return task_extend(x->en, txn, "a/m/j1/once", x->day, "clerk", "flood", false, e);
}

static int
extended_cb(const struct store_notice *n, void *arg)
{
	*(size_t *)arg += strcmp(n->kind, "extended") == 0;
	return 0;
}

static int
extended_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	return store_notice_each(txn, extended_cb, arg, e);
}

/* the `extended` notices queued so far */
static size_t
count_extended(struct engine *en)
{
	size_t n = 0;
	struct dberr e;

	dberr_clear(&e);
	ASSERT_EQ(store_read(engine_store(en), extended_txn, &n, &e), 0);
	return n;
}

int
main(void)
{
	char *dir = test_tmpdir();
	struct engine *en;
	struct ext x = {0};
	struct config cfg;
	struct dberr e;

	sched_test_write(dir, "a.yaml", PLAN);
	sched_test_write(dir, "reg.yaml", REGISTRY);
	/* 2017-01-20T00:00:00+08:00 */
	en = sched_test_engine(dir, 1484841600, "a.yaml", "reg.yaml");
	/* the built-in templates, for the `extended` notices the owners get */
	dberr_clear(&e);
	ASSERT_EQ(config_load("/dev/null", &cfg, &e), 0);
	engine_set_config(en, &cfg);
	config_release(&cfg);
	ASSERT_EQ(deadline(en, "a/m/j1/once"), DUE_0201);
	x.en = en;

	/* milestone m of j1 only */
	dberr_clear(&e);
	x.sel = (struct task_selection){NULL, "m", NULL, "j1"};
	ASSERT_EQ(cal_parse_date("2017-02-10", &x.day), 0);
	ASSERT_EQ(engine_write(en, ext_txn, &x, &e), 0);
	ASSERT_EQ(x.n, 1);
	ASSERT_EQ(deadline(en, "a/m/j1/once"), DUE_0210);
	ASSERT_EQ(deadline(en, "a/m/j2/once"), DUE_0201);
	ASSERT_EQ(deadline(en, "a/n/j1/once"), DUE_0201);

	/* milestone m of plan a, every jurisdiction */
	x.sel = (struct task_selection){"a", "m", NULL, NULL};
	ASSERT_EQ(cal_parse_date("2017-02-12", &x.day), 0);
	ASSERT_EQ(engine_write(en, ext_txn, &x, &e), 0);
	ASSERT_EQ(x.n, 2);
	ASSERT_EQ(x.kept, 0);
	ASSERT_EQ(deadline(en, "a/m/j1/once"), DUE_0212);
	ASSERT_EQ(deadline(en, "a/m/j2/once"), DUE_0212);
	ASSERT_EQ(deadline(en, "a/n/j2/once"), DUE_0201);

	/* the same extension again (a re-run script): both already due 02-12, refused,
	 * and no third `extended` notice is queued (one for 02-10, one per task for 02-12) */
	ASSERT_EQ(count_extended(en), 3);
	ASSERT_EQ(engine_write(en, ext_txn, &x, &e), DB_EDATA);
	ASSERT_STR_CONTAINS(e.msg, "every task selected (2) is already due 2017-02-12");
	ASSERT_EQ(x.n, 0);
	ASSERT_EQ(count_extended(en), 3);
	ASSERT_EQ(deadline(en, "a/m/j1/once"), DUE_0212);

	/* one named alone to the date it has: refused, nothing changed */
	dberr_clear(&e);
	ASSERT_EQ(engine_write(en, one_txn, &x, &e), DB_EDATA);
	ASSERT_STR_CONTAINS(e.msg, "task a/m/j1/once is already due 2017-02-12");
	ASSERT_EQ(count_extended(en), 3);

	/* n of j1 first, then all of n to the same day: j1's is left as it is, j2's moves */
	dberr_clear(&e);
	x.sel = (struct task_selection){NULL, "n", NULL, "j1"};
	ASSERT_EQ(engine_write(en, ext_txn, &x, &e), 0);
	ASSERT_EQ(x.n, 1);
	ASSERT_EQ(count_extended(en), 4);
	x.sel = (struct task_selection){NULL, "n", NULL, NULL};
	ASSERT_EQ(engine_write(en, ext_txn, &x, &e), 0);
	ASSERT_EQ(x.n, 1);
	ASSERT_EQ(x.kept, 1);
	ASSERT_EQ(count_extended(en), 5);
	ASSERT_EQ(deadline(en, "a/n/j1/once"), DUE_0212);
	ASSERT_EQ(deadline(en, "a/n/j2/once"), DUE_0212);

	/* a period no task of n has: refused by name, nothing moved */
	x.sel = (struct task_selection){NULL, "n", "2017-03", "j2"};
	ASSERT_EQ(engine_write(en, ext_txn, &x, &e), DB_ENOTFOUND);
	ASSERT_STR_CONTAINS(e.msg, "no task matches milestone 'n', period 2017-03, jurisdiction j2");
	ASSERT_EQ(x.n, 0);
	ASSERT_EQ(deadline(en, "a/n/j2/once"), DUE_0212);

	engine_close(en);
	free(dir);
	return 0;
}
