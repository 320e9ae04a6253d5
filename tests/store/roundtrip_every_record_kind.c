/* Every record kind comes back from the store field for field, extremes included (empty
 * strings, empty and long lists, INT32_MIN days, negative instants), after a reopen. */
#include <stdint.h>

#include "store_test.h"

static struct store_kv fields[] = {{"name", "昌吉市某化工有限公司"}, {"listed", ""}, {"", "x"}};
static struct store_kv contacts[] = {{"", "a@example.org"}, {"env_officer", "b@example.org"}};
static char *ntasks[] = {"p/m/e1/2017-07", "", "p/m/e2/2017-07"};
static char *nto[] = {"a@example.org"};
/* a plan version with the calendar files it used: bytes with a NUL inside, an empty one */
static struct store_plan_calendar cals[] = {
	{"cn-mainland", "/usr/share/dabiao/calendars/cn-mainland.yaml", "calendar: a\0b", 14},
	{"cn-xinjiang", "", "", 0},
};
/* and the files of its own template folder: one with a NUL inside, an empty one */
static struct store_plan_template tpls[] = {
	{"reminder", "Subject: x\n\n\0y", 15},
	{"z", "", 0},
};

static int
write_all(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_plan p1 = {"plan-a", 1, "aa", "v: 1\n", 5, "/etc/a.yaml", -5, "cc", cals, 2,
	                        true, tpls, 2};
	struct store_plan p2 = {"plan-a", 2, "", "", 0, "", INT64_MAX, "", NULL, 0, false, NULL, 0};
	struct store_plan p3 = {"plan-a/b", 7, "bb", "src", 3, "p", 0, "", NULL, 0, true, NULL, 0};
	struct store_subject s1 = {STORE_ENTERPRISE, "91650000", fields, 3, contacts, 2};
	struct store_subject s2 = {STORE_OFFICE, "admin", NULL, 0, NULL, 0};
	struct store_subject s3 = {STORE_JURISDICTION, "", NULL, 0, contacts, 1};
	struct store_task task = {
		"plan-a/m1/91650000/2017-07", "plan-a", "m1", "91650000", "", "2017-07", 3,
		"open", INT32_MIN, INT32_MAX, INT64_MIN, -1, UINT32_MAX,
		STORE_TASK_LATE | STORE_TASK_BACKDATED, -1000, 1000, fields, 3};
	struct store_task bare = {"plan-b/x", "", "", "", "", "", 0, "", 0, 0, 0, 0, 0, 0, 0, 0,
	                          NULL, 0};
	struct store_due d = {-86400, STORE_DUE_REMIND, "plan-a/m1/91650000/2017-07", 255, 9, -86401};
	struct store_notice n = {"k#remind#0", "plan-a", "remind", "91650000", ntasks, 3,
	                         nto, 1, INT64_MIN, 5, "queued", "Subject: x\r\n\r\nbody\r\n",
	                         contacts, 2, UINT32_MAX};
	struct store_audit a = {99, -7, INT64_MAX, "root", "task.create", "", "s", "", "open",
	                        "{\"a\":1}"};
	struct store_clock c = {STORE_CLOCK_VIRTUAL, -1234567890123LL, "Asia/Urumqi"};
	uint64_t seq = 0;
	(void)arg;

	ASSERT_OK(store_plan_put(t, &p1, e), e);
	ASSERT_OK(store_plan_put(t, &p2, e), e);
	ASSERT_OK(store_plan_put(t, &p3, e), e);
	ASSERT_OK(store_subject_put(t, &s1, e), e);
	ASSERT_OK(store_subject_put(t, &s2, e), e);
	ASSERT_OK(store_subject_put(t, &s3, e), e);
	ASSERT_OK(store_task_put(t, &task, e), e);
	ASSERT_OK(store_task_put(t, &bare, e), e);
	ASSERT_OK(store_due_put(t, &d, e), e);
	ASSERT_OK(store_notice_add(t, &n, e), e);
	ASSERT_OK(store_audit_append(t, &a, &seq, e), e);
	ASSERT_EQ(seq, 1);
	ASSERT_OK(store_clock_put(t, &c, e), e);
	ASSERT_OK(store_meta_put(t, "zone", "", e), e);
	return 0;
}

static void
check_kv(const struct store_kv *got, size_t ngot, const struct store_kv *want, size_t nwant)
{
	ASSERT_EQ(ngot, nwant);
	for (size_t i = 0; i < nwant; i++) {
		ASSERT_STR_EQ(got[i].key, want[i].key);
		ASSERT_STR_EQ(got[i].val, want[i].val);
	}
}

static int
count_plan(const struct store_plan *p, void *arg)
{
	int *n = arg;

	/* plan_each gives the current version of each id, ids in order */
	if (*n == 0) {
		ASSERT_STR_EQ(p->id, "plan-a");
		ASSERT_EQ(p->version, 2);
	} else {
		ASSERT_STR_EQ(p->id, "plan-a/b");
		ASSERT_EQ(p->version, 7);
	}
	(*n)++;
	return 0;
}

static int
count_subject(const struct store_subject *s, void *arg)
{
	int *n = arg;

	ASSERT_EQ(s->kind, STORE_OFFICE);
	ASSERT_STR_EQ(s->id, "admin");
	(*n)++;
	return 0;
}

static int
count_task(const struct store_task *t, void *arg)
{
	int *n = arg;

	ASSERT_STR_EQ(t->plan, "plan-a");
	(*n)++;
	return 0;
}

static int
count_any_task(const struct store_task *t, void *arg)
{
	(void)t;
	(*(int *)arg)++;
	return 0;
}

static int
read_all(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_plan p;
	struct store_subject s;
	struct store_task task;
	struct store_due d;
	struct store_notice n;
	struct store_audit a;
	struct store_clock c;
	char *zone = NULL;
	int count;
	(void)arg;

	ASSERT_OK(store_plan_get(t, "plan-a", 0, &p, e), e);
	ASSERT_EQ(p.version, 2);
	ASSERT_STR_EQ(p.sha256, "");
	ASSERT_EQ(p.source_len, 0);
	ASSERT_STR_EQ(p.source, "");
	ASSERT_EQ(p.loaded_at, INT64_MAX);
	ASSERT_STR_EQ(p.calendar_sha256, "");
	ASSERT_EQ(p.ncalendars, 0);
	ASSERT(p.calendars == NULL);
	ASSERT(!p.templates_kept);
	ASSERT_EQ(p.ntemplates, 0);
	store_plan_release(&p);
	ASSERT_OK(store_plan_get(t, "plan-a", 1, &p, e), e);
	ASSERT_STR_EQ(p.id, "plan-a");
	ASSERT_EQ(p.version, 1);
	ASSERT_STR_EQ(p.sha256, "aa");
	ASSERT_EQ(p.source_len, 5);
	ASSERT_STR_EQ(p.source, "v: 1\n");
	ASSERT_STR_EQ(p.path, "/etc/a.yaml");
	ASSERT_EQ(p.loaded_at, -5);
	ASSERT_STR_EQ(p.calendar_sha256, "cc");
	ASSERT_EQ(p.ncalendars, 2);
	ASSERT_STR_EQ(p.calendars[0].name, "cn-mainland");
	ASSERT_STR_EQ(p.calendars[0].path, "/usr/share/dabiao/calendars/cn-mainland.yaml");
	ASSERT_EQ(p.calendars[0].source_len, 14);
	ASSERT(memcmp(p.calendars[0].source, "calendar: a\0b", 14) == 0);
	ASSERT_STR_EQ(p.calendars[1].name, "cn-xinjiang");
	ASSERT_EQ(p.calendars[1].source_len, 0);
	ASSERT(p.templates_kept);
	ASSERT_EQ(p.ntemplates, 2);
	ASSERT_STR_EQ(p.templates[0].kind, "reminder");
	ASSERT_EQ(p.templates[0].source_len, 15);
	ASSERT(memcmp(p.templates[0].source, "Subject: x\n\n\0y", 15) == 0);
	ASSERT_STR_EQ(p.templates[1].kind, "z");
	ASSERT_EQ(p.templates[1].source_len, 0);
	store_plan_release(&p);
	ASSERT_EQ(store_plan_get(t, "plan-a", 3, &p, e), DB_ENOTFOUND);
	dberr_clear(e);
	ASSERT_EQ(store_plan_get(t, "plan", 0, &p, e), DB_ENOTFOUND);
	dberr_clear(e);
	count = 0;
	ASSERT_OK(store_plan_each(t, count_plan, &count, e), e);
	ASSERT_EQ(count, 2);

	ASSERT_OK(store_subject_get(t, STORE_ENTERPRISE, "91650000", &s, e), e);
	ASSERT_EQ(s.kind, STORE_ENTERPRISE);
	ASSERT_STR_EQ(s.id, "91650000");
	check_kv(s.fields, s.nfields, fields, 3);
	check_kv(s.contacts, s.ncontacts, contacts, 2);
	ASSERT_STR_EQ(store_subject_field(&s, "listed"), "");
	ASSERT(store_subject_field(&s, "missing") == NULL);
	store_subject_release(&s);
	ASSERT_OK(store_subject_get(t, STORE_JURISDICTION, "", &s, e), e);
	ASSERT_EQ(s.nfields, 0);
	check_kv(s.contacts, s.ncontacts, contacts, 1);
	store_subject_release(&s);
	ASSERT_EQ(store_subject_get(t, STORE_OFFICE, "91650000", &s, e), DB_ENOTFOUND);
	dberr_clear(e);
	count = 0;
	ASSERT_OK(store_subject_each(t, STORE_OFFICE, count_subject, &count, e), e);
	ASSERT_EQ(count, 1);

	ASSERT_OK(store_task_get(t, "plan-a/m1/91650000/2017-07", &task, e), e);
	ASSERT_STR_EQ(task.key, "plan-a/m1/91650000/2017-07");
	ASSERT_STR_EQ(task.plan, "plan-a");
	ASSERT_STR_EQ(task.milestone, "m1");
	ASSERT_STR_EQ(task.subject, "91650000");
	ASSERT_STR_EQ(task.jurisdiction, "");
	ASSERT_STR_EQ(task.period, "2017-07");
	ASSERT_EQ(task.plan_version, 3);
	ASSERT_STR_EQ(task.state, "open");
	ASSERT_EQ(task.due_date, INT32_MIN);
	ASSERT_EQ(task.orig_due_date, INT32_MAX);
	ASSERT(task.deadline == INT64_MIN);
	ASSERT_EQ(task.orig_deadline, -1);
	ASSERT_EQ(task.gen, UINT32_MAX);
	ASSERT_EQ(task.flags, STORE_TASK_LATE | STORE_TASK_BACKDATED);
	ASSERT_EQ(task.created_at, -1000);
	ASSERT_EQ(task.updated_at, 1000);
	check_kv(task.extra, task.nextra, fields, 3);
	store_task_set_extra(&task, "listed", "yes");
	store_task_set_extra(&task, "note", "n");
	ASSERT_EQ(task.nextra, 4);
	ASSERT_STR_EQ(store_task_extra(&task, "listed"), "yes");
	ASSERT_STR_EQ(store_task_extra(&task, "note"), "n");
	ASSERT(store_task_extra(&task, "nope") == NULL);
	store_task_release(&task);
	ASSERT(store_task_exists(t, "plan-b/x"));
	ASSERT(!store_task_exists(t, "plan-b"));
	ASSERT(!store_task_exists(t, ""));
	count = 0;
	ASSERT_OK(store_task_each(t, "plan-a/", count_task, &count, e), e);
	ASSERT_EQ(count, 1);
	count = 0;
	ASSERT_OK(store_task_each(t, "", count_any_task, &count, e), e);
	ASSERT_EQ(count, 2);

	ASSERT_OK(store_due_first(t, &d, e), e);
	ASSERT_EQ(d.at, -86400);
	ASSERT_EQ(d.kind, STORE_DUE_REMIND);
	ASSERT_STR_EQ(d.task, "plan-a/m1/91650000/2017-07");
	ASSERT_EQ(d.step, 255);
	ASSERT_EQ(d.gen, 9);
	ASSERT_EQ(d.planned, -86401);
	store_due_release(&d);

	ASSERT_OK(store_notice_get(t, "k#remind#0", &n, e), e);
	ASSERT_STR_EQ(n.key, "k#remind#0");
	ASSERT_STR_EQ(n.plan, "plan-a");
	ASSERT_STR_EQ(n.kind, "remind");
	ASSERT_STR_EQ(n.subject, "91650000");
	ASSERT_EQ(n.ntasks, 3);
	for (size_t i = 0; i < 3; i++)
		ASSERT_STR_EQ(n.tasks[i], ntasks[i]);
	ASSERT_EQ(n.nto, 1);
	ASSERT_STR_EQ(n.to[0], "a@example.org");
	ASSERT(n.scheduled == INT64_MIN);
	ASSERT_EQ(n.created, 5);
	ASSERT_STR_EQ(n.state, "queued");
	ASSERT_STR_EQ(n.message, "Subject: x\r\n\r\nbody\r\n");
	ASSERT(n.plan_version == UINT32_MAX);
	check_kv(n.extra, n.nextra, contacts, 2);
	store_notice_release(&n);

	ASSERT_OK(store_audit_get(t, 1, &a, e), e);
	ASSERT_EQ(a.seq, 1);
	ASSERT_EQ(a.real_time, -7);
	ASSERT_EQ(a.clock_time, INT64_MAX);
	ASSERT_STR_EQ(a.actor, "root");
	ASSERT_STR_EQ(a.action, "task.create");
	ASSERT_STR_EQ(a.task, "");
	ASSERT_STR_EQ(a.subject, "s");
	ASSERT_STR_EQ(a.from_state, "");
	ASSERT_STR_EQ(a.to_state, "open");
	ASSERT_STR_EQ(a.details, "{\"a\":1}");
	store_audit_release(&a);
	ASSERT_EQ(store_audit_count(t), 1);

	ASSERT_OK(store_clock_get(t, &c, e), e);
	ASSERT_EQ(c.mode, STORE_CLOCK_VIRTUAL);
	ASSERT_EQ(c.now, -1234567890123LL);
	ASSERT_STR_EQ(c.tz, "Asia/Urumqi");
	ASSERT_OK(store_meta_get(t, "zone", &zone, e), e);
	ASSERT_STR_EQ(zone, "");
	free(zone);
	ASSERT_EQ(store_meta_get(t, "nothing", &zone, e), DB_ENOTFOUND);
	dberr_clear(e);
	return 0;
}

/* A delivery record: a new notice's (format 2: state and due alone), then each later
 * state's (format 1) and back, field for field. */
static struct store_kv results[] = {{"rcpt:a@example.org", "retrying 451 later"},
                                    {"error", ""}};
static const struct store_delivery deliveries[] = {
	{STORE_DQUEUED, 0, 5, 0, 0, "", NULL, 0}, /* as store_notice_add made it */
	{STORE_DCLAIMED, 0, 77, UINT64_MAX, UINT32_MAX, "host-a", NULL, 0},
	{STORE_DRETRY, UINT32_MAX, -1, 3, 4, "", results, 2},
	{STORE_DSENT, 1, 9, 0, 0, "", NULL, 0},
	{STORE_DQUEUED, 0, INT64_MIN, 0, 0, "", NULL, 0},
};

static int
delivery_step(struct store_txn *t, void *arg, struct dberr *e)
{
	const struct store_delivery *want = &deliveries[*(size_t *)arg];
	struct store_delivery d;

	if (*(size_t *)arg > 0)
		ASSERT_OK(store_delivery_put(t, "k#remind#0", want, e), e);
	ASSERT_OK(store_delivery_get(t, "k#remind#0", &d, e), e);
	ASSERT_EQ(d.state, want->state);
	ASSERT_EQ(d.attempts, want->attempts);
	ASSERT_EQ(d.due, want->due);
	ASSERT_EQ(d.claim, want->claim);
	ASSERT_EQ(d.pid, want->pid);
	ASSERT_STR_EQ(d.host, want->host);
	check_kv(d.results, d.nresults, want->results, want->nresults);
	store_delivery_release(&d);
	return 0;
}

int
main(void)
{
	struct dberr e;
	char *dir;
	struct store *s = test_store_new(&dir);

	dberr_clear(&e);
	ASSERT_OK(store_write(s, write_all, NULL, &e), &e);
	ASSERT_OK(store_read(s, read_all, NULL, &e), &e);
	s = test_store_reopen(s, dir);
	ASSERT_OK(store_read(s, read_all, NULL, &e), &e);
	for (size_t i = 0; i < sizeof(deliveries) / sizeof(deliveries[0]); i++)
		ASSERT_OK(store_write(s, delivery_step, &i, &e), &e);
	store_close(s);
	test_rmtree(dir);
	free(dir);
	return 0;
}
