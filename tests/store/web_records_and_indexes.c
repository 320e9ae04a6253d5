/* The web's records (accounts, sessions, links) round-trip; the task index follows every
 * put (a state change moves the entry, no stale one is left); the audit-by-task index
 * lists one task's records in order; paging the index resumes strictly after a position;
 * expired sessions are swept; the lockout's failure counts survive a reopen, expire, and stay
 * at most the bound given. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store_test.h"

static struct store_task
task(const char *key, const char *jur, const char *state, int64_t deadline)
{
	struct store_task t;

	memset(&t, 0, sizeof(t));
	t.key = (char *)key;
	t.plan = "p";
	t.milestone = "m";
	t.subject = (char *)jur;
	t.jurisdiction = (char *)jur;
	t.period = "once";
	t.state = (char *)state;
	t.deadline = deadline;
	t.flags = STORE_TASK_LATE;
	return t;
}

static int
write_all(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_account a = {"county1", "county_epb", "j1", "李四", "$argon2id$x", "", false,
	                          3, 1700000000, 1600000000};
	struct store_session s1 = {"aa", "county1", "csrf1", 10, 100};
	struct store_session s2 = {"bb", "county1", "csrf2", 10, 1000};
	struct store_link l = {"cc", "p/m/j1/once", "county_epb", "j1", "p/m/j1/once#reminder#0",
	                       5, 0, false};
	struct store_task t1 = task("p/m/j1/once", "j1", "open", 100);
	struct store_task t2 = task("p/m/j2/once", "j2", "open", 200);
	struct store_task t3 = task("p/m/j10/once", "j10", "open", 300);
	struct store_audit rec = {0, 1, 2, "me", "task.create", "p/m/j1/once", "j1", "", "open",
	                          "{}"};
	struct store_audit other = {0, 1, 2, "me", "task.create", "p/m/j1/once/x", "j1", "",
	                            "open", "{}"};
	(void)arg;

	ASSERT_OK(store_account_put(t, &a, e), e);
	ASSERT_OK(store_session_put(t, &s1, e), e);
	ASSERT_OK(store_session_put(t, &s2, e), e);
	ASSERT_OK(store_link_put(t, &l, e), e);
	ASSERT_OK(store_task_put(t, &t1, e), e);
	ASSERT_OK(store_task_put(t, &t2, e), e);
	ASSERT_OK(store_task_put(t, &t3, e), e);
	/* j1 submits: its entry moves from open to submitted */
	t1.state = "submitted";
	t1.deadline = 150;
	ASSERT_OK(store_task_put(t, &t1, e), e);
	ASSERT_OK(store_audit_append(t, &rec, NULL, e), e);
	ASSERT_OK(store_audit_append(t, &other, NULL, e), e);
	ASSERT_OK(store_audit_append(t, &rec, NULL, e), e);
	return 0;
}

struct seen {
	char keys[8][64];
	char states[8][16];
	int64_t deadlines[8];
	size_t n;
	char pos[128];
	size_t poslen;
	size_t stop_after;
};

static int
ref_cb(const struct store_task_ref *r, void *arg)
{
	struct seen *s = arg;

	snprintf(s->keys[s->n], 64, "%s", r->key);
	snprintf(s->states[s->n], 16, "%s", r->state);
	s->deadlines[s->n] = r->deadline;
	memcpy(s->pos, r->pos, r->poslen);
	s->poslen = r->poslen;
	ASSERT_EQ(r->flags, (uint32_t)STORE_TASK_LATE);
	return ++s->n == s->stop_after ? 1 : 0;
}

static int
audit_cb(const struct store_audit *a, void *arg)
{
	uint64_t *seqs = arg;

	seqs[seqs[0]++ + 1] = a->seq;
	return 0;
}

static int
read_all(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_account a;
	struct store_session s;
	struct store_link l;
	struct seen all = {0}, open = {0}, page = {0}, rest = {0};
	uint64_t seqs[8] = {0};
	(void)arg;

	ASSERT_OK(store_account_get(t, "county1", &a, e), e);
	ASSERT_STR_EQ(a.role, "county_epb");
	ASSERT_STR_EQ(a.name, "李四");
	ASSERT_EQ(a.failures, 3u);
	ASSERT_EQ(a.locked_until, (int64_t)1700000000);
	store_account_release(&a);
	ASSERT_EQ(store_account_get(t, "nobody", &a, e), DB_ENOTFOUND);
	dberr_clear(e);
	ASSERT_OK(store_link_get(t, "cc", &l, e), e);
	ASSERT_STR_EQ(l.task, "p/m/j1/once");
	ASSERT_STR_EQ(l.notice, "p/m/j1/once#reminder#0");
	store_link_release(&l);
	ASSERT_OK(store_session_get(t, "bb", &s, e), e);
	ASSERT_STR_EQ(s.csrf, "csrf2");
	store_session_release(&s);

	/* everything, by jurisdiction: j1 (submitted), j10, j2 — and no stale open j1 */
	ASSERT_OK(store_task_index_each(t, NULL, NULL, NULL, 0, ref_cb, &all, e), e);
	ASSERT_EQ(all.n, (size_t)3);
	ASSERT_STR_EQ(all.keys[0], "p/m/j1/once");
	ASSERT_STR_EQ(all.states[0], "submitted");
	ASSERT_EQ(all.deadlines[0], (int64_t)150);
	ASSERT_STR_EQ(all.keys[1], "p/m/j10/once");
	ASSERT_STR_EQ(all.keys[2], "p/m/j2/once");
	/* by state: the open ones are j10 and j2 */
	ASSERT_OK(store_task_index_each(t, NULL, "open", NULL, 0, ref_cb, &open, e), e);
	ASSERT_EQ(open.n, (size_t)2);
	ASSERT_STR_EQ(open.keys[0], "p/m/j10/once");
	/* j1 alone ("j1" is a prefix of "j10": the index must not mix them) */
	memset(&open, 0, sizeof(open));
	ASSERT_OK(store_task_index_each(t, "j1", NULL, NULL, 0, ref_cb, &open, e), e);
	ASSERT_EQ(open.n, (size_t)1);
	ASSERT_STR_EQ(open.keys[0], "p/m/j1/once");
	/* paging: one entry, then the rest strictly after it */
	page.stop_after = 1;
	ASSERT_OK(store_task_index_each(t, NULL, NULL, NULL, 0, ref_cb, &page, e), e);
	ASSERT_EQ(page.n, (size_t)1);
	ASSERT_OK(store_task_index_each(t, NULL, NULL, page.pos, page.poslen, ref_cb, &rest, e),
	          e);
	ASSERT_EQ(rest.n, (size_t)2);
	ASSERT_STR_EQ(rest.keys[0], "p/m/j10/once");

	/* one task's audit records, not its longer-keyed neighbour's */
	ASSERT_OK(store_audit_task_each(t, "p/m/j1/once", audit_cb, seqs, e), e);
	ASSERT_EQ(seqs[0], (uint64_t)2);
	ASSERT_EQ(seqs[1], (uint64_t)1);
	ASSERT_EQ(seqs[2], (uint64_t)3);
	return 0;
}

static int
sweep(struct store_txn *t, void *arg, struct dberr *e)
{
	size_t *n = arg;

	return store_session_sweep(t, 500, n, e);
}

static int
after_sweep(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_session s;
	(void)arg;

	ASSERT_EQ(store_session_get(t, "aa", &s, e), DB_ENOTFOUND);
	dberr_clear(e);
	ASSERT_OK(store_session_get(t, "bb", &s, e), e);
	store_session_release(&s);
	return 0;
}

/* Counts: a at 100 (3 failures), b at 200, c at 300; then with max 3 and expiry before
 * 150, a new d sweeps a (expired) and keeps b, c, d; a new e with max 3 evicts the oldest
 * kept (b) too. */
static int
throttle_write(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_throttle a = {100, 3}, b = {200, 1}, c = {300, 1};
	(void)arg;

	ASSERT_OK(store_throttle_put(t, "a1.2.3.4", &a, 0, 3, e), e);
	ASSERT_OK(store_throttle_put(t, "b", &b, 0, 3, e), e);
	ASSERT_OK(store_throttle_put(t, "c", &c, 0, 3, e), e);
	/* a key kept already is only rewritten: nothing swept, even past max */
	a.n = 4;
	ASSERT_OK(store_throttle_put(t, "a1.2.3.4", &a, 1000, 3, e), e);
	return 0;
}

static int
throttle_sweep(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_throttle d = {400, 1}, x = {500, 2};
	(void)arg;

	ASSERT_OK(store_throttle_put(t, "d", &d, 150, 3, e), e);
	ASSERT_OK(store_throttle_put(t, "e", &x, 150, 3, e), e);
	ASSERT_OK(store_throttle_del(t, "c", e), e);
	ASSERT_OK(store_throttle_del(t, "never-kept", e), e);
	return 0;
}

static int
throttle_read(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_throttle th;
	bool swept = arg != NULL;

	if (!swept) {
		ASSERT_OK(store_throttle_get(t, "a1.2.3.4", &th, e), e);
		ASSERT_EQ(th.since, (int64_t)100);
		ASSERT_EQ(th.n, 4u);
		ASSERT_OK(store_throttle_get(t, "c", &th, e), e);
		ASSERT_EQ(th.since, (int64_t)300);
		return 0;
	}
	ASSERT_EQ(store_throttle_get(t, "a1.2.3.4", &th, e), DB_ENOTFOUND); /* expired */
	dberr_clear(e);
	ASSERT_EQ(store_throttle_get(t, "b", &th, e), DB_ENOTFOUND);        /* the oldest */
	dberr_clear(e);
	ASSERT_EQ(store_throttle_get(t, "c", &th, e), DB_ENOTFOUND);        /* deleted */
	dberr_clear(e);
	ASSERT_OK(store_throttle_get(t, "d", &th, e), e);
	ASSERT_EQ(th.since, (int64_t)400);
	ASSERT_OK(store_throttle_get(t, "e", &th, e), e);
	ASSERT_EQ(th.n, 2u);
	return 0;
}

int
main(void)
{
	struct dberr e;
	char *dir;
	struct store *s = test_store_new(&dir);
	size_t swept = 0;

	dberr_clear(&e);
	ASSERT_OK(store_write(s, write_all, NULL, &e), &e);
	ASSERT_OK(store_read(s, read_all, NULL, &e), &e);
	s = test_store_reopen(s, dir);
	ASSERT_OK(store_read(s, read_all, NULL, &e), &e);
	ASSERT_OK(store_write(s, sweep, &swept, &e), &e);
	ASSERT_EQ(swept, (size_t)1);
	ASSERT_OK(store_read(s, after_sweep, NULL, &e), &e);
	ASSERT_OK(store_write(s, throttle_write, NULL, &e), &e);
	s = test_store_reopen(s, dir);
	ASSERT_OK(store_read(s, throttle_read, NULL, &e), &e);
	ASSERT_OK(store_write(s, throttle_sweep, NULL, &e), &e);
	ASSERT_OK(store_read(s, throttle_read, &e, &e), &e);
	store_close(s);
	test_rmtree(dir);
	free(dir);
	return 0;
}
