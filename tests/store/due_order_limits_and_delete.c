/* The due index gives entries by time (negative times first), then kind, then task key,
 * then step; respects upto and max; and lets the callback delete its entry, delete a later
 * one, and put new ones. */
#include <stdio.h>

#include "store_test.h"

static const struct store_due entries[] = {
	/* in the order they must come out */
	{-3600, STORE_DUE_REMIND, "z", 0, 1, -3600},
	{0, STORE_DUE_RETRY, "a", 0, 1, 0},
	{100, STORE_DUE_DEADLINE, "b/2", 0, 1, 100},
	{100, STORE_DUE_DEADLINE, "b/2/x", 0, 1, 100},
	{100, STORE_DUE_ESCALATE, "a", 0, 1, 90},
	{100, STORE_DUE_REMIND, "a", 0, 1, 100},
	{100, STORE_DUE_REMIND, "a", 1, 1, 100},
	{100, STORE_DUE_REMIND, "b", 0, 1, 100},
	{256, STORE_DUE_DEADLINE, "a", 0, 1, 256},
	{65536, STORE_DUE_DEADLINE, "a", 0, 1, 65536},
};
#define NENTRIES (sizeof(entries) / sizeof(entries[0]))

static int
put_all(struct store_txn *t, void *arg, struct dberr *e)
{
	size_t i;

	(void)arg;
	/* backwards, so key order and not insertion order decides */
	for (i = NENTRIES; i-- > 0;)
		ASSERT_OK(store_due_put(t, &entries[i], e), e);
	return 0;
}

struct walk {
	struct store_txn *t;
	size_t next;     /* index into entries of the entry expected next */
	bool del;        /* delete each entry as it is given */
	bool add;        /* the first call adds an entry at 100 after the current key */
	bool drop_later; /* the first call deletes entries[5] */
	size_t seen;
};

static int
walk_cb(const struct store_due *d, void *arg)
{
	struct walk *w = arg;
	struct store_due added = {100, STORE_DUE_REMIND, "c", 0, 2, 50};
	const struct store_due *want;
	struct dberr e;

	dberr_clear(&e);
	if (w->next == 5 && w->drop_later)
		w->next = 6;
	want = &entries[w->next];
	if (w->add && w->seen == 7) {
		/* the entry added by the first call, after b at 100 */
		ASSERT_STR_EQ(d->task, "c");
		ASSERT_EQ(d->gen, 2);
		ASSERT_EQ(d->planned, 50);
	} else {
		ASSERT_EQ(d->at, want->at);
		ASSERT_EQ(d->kind, want->kind);
		ASSERT_STR_EQ(d->task, want->task);
		ASSERT_EQ(d->step, want->step);
		ASSERT_EQ(d->planned, want->planned);
		w->next++;
	}
	if (w->del)
		ASSERT_OK(store_due_del(w->t, d, &e), &e);
	if (w->seen == 0 && w->add)
		ASSERT_OK(store_due_put(w->t, &added, &e), &e);
	if (w->seen == 0 && w->drop_later)
		ASSERT_OK(store_due_del(w->t, &entries[5], &e), &e);
	w->seen++;
	return 0;
}

struct walk_arg {
	struct walk *w;
	int64_t upto;
	size_t max;
};

static int
walk_txn(struct store_txn *t, void *arg, struct dberr *e)
{
	struct walk_arg *a = arg;

	a->w->t = t;
	return store_due_each(t, a->upto, a->max, walk_cb, a->w, e);
}

static int
stop_at_two(const struct store_due *d, void *arg)
{
	int *n = arg;

	(void)d;
	return ++*n == 2 ? 42 : 0;
}

static int
stop_txn(struct store_txn *t, void *arg, struct dberr *e)
{
	return store_due_each(t, INT64_MAX, 0, stop_at_two, arg, e);
}

static int
first_txn(struct store_txn *t, void *arg, struct dberr *e)
{
	return store_due_first(t, arg, e);
}

int
main(void)
{
	char *dir;
	struct store *s = test_store_new(&dir);
	struct store_due first;
	struct dberr e;
	struct walk w;
	struct walk_arg a;
	int n = 0;

	dberr_clear(&e);
	ASSERT_EQ(store_read(s, first_txn, &first, &e), DB_ENOTFOUND);
	dberr_clear(&e);
	ASSERT_OK(store_write(s, put_all, NULL, &e), &e);
	ASSERT_OK(store_read(s, first_txn, &first, &e), &e);
	ASSERT_EQ(first.at, -3600);
	ASSERT_STR_EQ(first.task, "z");
	store_due_release(&first);

	/* everything, in order, read-only */
	w = (struct walk){0};
	a = (struct walk_arg){&w, INT64_MAX, 0};
	ASSERT_OK(store_read(s, walk_txn, &a, &e), &e);
	ASSERT_EQ(w.seen, NENTRIES);

	/* upto is inclusive: through 100 gives the first 8 */
	w = (struct walk){0};
	a = (struct walk_arg){&w, 100, 0};
	ASSERT_OK(store_read(s, walk_txn, &a, &e), &e);
	ASSERT_EQ(w.seen, 8);
	w = (struct walk){0};
	a = (struct walk_arg){&w, -3601, 0};
	ASSERT_OK(store_read(s, walk_txn, &a, &e), &e);
	ASSERT_EQ(w.seen, 0);

	/* max caps the batch */
	w = (struct walk){0};
	a = (struct walk_arg){&w, INT64_MAX, 3};
	ASSERT_OK(store_read(s, walk_txn, &a, &e), &e);
	ASSERT_EQ(w.seen, 3);

	/* a non-zero return stops the walk and is returned */
	ASSERT_EQ(store_read(s, stop_txn, &n, &e), 42);
	ASSERT_EQ(n, 2);

	/* deleting as it goes, adding one at 100 and dropping entries[5] on the first call */
	w = (struct walk){.del = true, .add = true, .drop_later = true};
	a = (struct walk_arg){&w, 100, 0};
	ASSERT_OK(store_write(s, walk_txn, &a, &e), &e);
	ASSERT_EQ(w.seen, 8); /* 8 through 100, minus entries[5], plus "c" */
	ASSERT_OK(store_read(s, first_txn, &first, &e), &e);
	ASSERT_EQ(first.at, 256);
	store_due_release(&first);

	/* a batch of one deleting its entry, twice, drains the rest one at a time */
	w = (struct walk){.del = true, .next = 8};
	a = (struct walk_arg){&w, INT64_MAX, 1};
	ASSERT_OK(store_write(s, walk_txn, &a, &e), &e);
	ASSERT_OK(store_write(s, walk_txn, &a, &e), &e);
	ASSERT_EQ(w.seen, 2);
	ASSERT_EQ(store_read(s, first_txn, &first, &e), DB_ENOTFOUND);
	store_close(s);
	test_rmtree(dir);
	free(dir);
	return 0;
}
