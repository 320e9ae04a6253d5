/* Audit sequences run 1, 2, 3 ... without gaps across transactions and reopens; a failed
 * transaction does not use up a number; store_audit_each starts at the given sequence. */
#include <stdio.h>

#include "store_test.h"

struct append {
	int n;
	uint64_t seqs[8];
	bool fail;
};

static int
append(struct store_txn *t, void *arg, struct dberr *e)
{
	struct append *a = arg;
	char action[32];
	struct store_audit rec = {.seq = 999, .action = action, .actor = "test",
	                          .details = "{}"};
	int i;

	for (i = 0; i < a->n; i++) {
		snprintf(action, sizeof(action), "act.%d", i);
		rec.real_time = i;
		ASSERT_OK(store_audit_append(t, &rec, &a->seqs[i], e), e);
	}
	return a->fail ? dberr_set(e, DB_ESTATE, "no") : 0;
}

struct seen {
	uint64_t from, next;
};

static int
each_cb(const struct store_audit *a, void *arg)
{
	struct seen *s = arg;

	ASSERT_EQ(a->seq, s->next);
	ASSERT_STR_EQ(a->actor, "test");
	s->next++;
	return 0;
}

static int
walk(struct store_txn *t, void *arg, struct dberr *e)
{
	struct seen *s = arg;

	s->next = s->from ? s->from : 1;
	ASSERT_EQ(store_audit_count(t), 6);
	return store_audit_each(t, s->from, each_cb, s, e);
}

static int
get_five(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_audit a;

	(void)arg;
	ASSERT_OK(store_audit_get(t, 5, &a, e), e);
	ASSERT_EQ(a.seq, 5);
	ASSERT_STR_EQ(a.action, "act.1"); /* the second of the second batch */
	ASSERT_EQ(a.real_time, 1);
	store_audit_release(&a);
	ASSERT_EQ(store_audit_get(t, 7, &a, e), DB_ENOTFOUND);
	dberr_clear(e);
	ASSERT_EQ(store_audit_get(t, 0, &a, e), DB_ENOTFOUND);
	dberr_clear(e);
	return 0;
}

int
main(void)
{
	char *dir;
	struct store *s = test_store_new(&dir);
	struct append a = {.n = 3};
	struct seen seen;
	struct dberr e;

	dberr_clear(&e);
	ASSERT_OK(store_write(s, append, &a, &e), &e);
	ASSERT_EQ(a.seqs[0], 1);
	ASSERT_EQ(a.seqs[2], 3);
	a.fail = true;
	ASSERT_EQ(store_write(s, append, &a, &e), DB_ESTATE);
	dberr_clear(&e);
	s = test_store_reopen(s, dir);
	a.fail = false;
	ASSERT_OK(store_write(s, append, &a, &e), &e);
	ASSERT_EQ(a.seqs[0], 4);
	ASSERT_EQ(a.seqs[2], 6);

	seen = (struct seen){.from = 0};
	ASSERT_OK(store_read(s, walk, &seen, &e), &e);
	ASSERT_EQ(seen.next, 7);
	seen = (struct seen){.from = 4};
	ASSERT_OK(store_read(s, walk, &seen, &e), &e);
	ASSERT_EQ(seen.next, 7);
	seen = (struct seen){.from = 100};
	ASSERT_OK(store_read(s, walk, &seen, &e), &e);
	ASSERT_EQ(seen.next, 100); /* nothing from 100 on */
	ASSERT_OK(store_read(s, get_five, NULL, &e), &e);
	store_close(s);
	test_rmtree(dir);
	free(dir);
	return 0;
}
