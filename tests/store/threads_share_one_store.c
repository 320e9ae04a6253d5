/* One store handle shared by threads, as the web's workers share it: writers on four
 * threads take turns (none is refused as "nested"), readers on four others read all the
 * while and always see whole transactions, and the map, far too small at the start, grows
 * under them without a reader failing. A store_write inside a store_write on one thread
 * is still refused.
 *
 * Each reader's next read never sees an older state than its last. LMDB 0.9.24's
 * mdb_txn_renew0 takes the last committed txnid, then copies that txnid's meta page
 * without checking it again: a reader held up in between while two commits land copies
 * the meta page they rewrote (a newer tree than its txnid, or a mix caught mid-write),
 * and its next read went back to the true latest, one commit older (seen here about once
 * in 40-70 runs on a loaded machine before store/env.c's read_snapshot_whole, which begins
 * such a read again; its comment says why that check is enough and why the pages read
 * are never reused under the reader either way). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "store_test.h"

#define WRITERS 4
#define READERS 4
#define BATCHES 40
#define PER_BATCH 25  /* tasks per transaction */

struct writer {
	struct store *s;
	atomic_int *left;
	int id, batch, calls;
	int rc;
	char msg[1024];
};

static int
fill(struct store_txn *t, void *arg, struct dberr *e)
{
	struct writer *w = arg;
	char key[64], note[400];
	struct store_kv extra = {"note", note};
	struct store_task task = {.key = key, .state = "open", .extra = &extra, .nextra = 1};
	int rc;

	w->calls++;
	memset(note, 'x', sizeof(note) - 1);
	note[sizeof(note) - 1] = '\0';
	for (int i = 0; i < PER_BATCH; i++) {
		snprintf(key, sizeof(key), "plan/w%d/%05d/once", w->id, w->batch * PER_BATCH + i);
		task.gen = (uint32_t)w->id;
		if ((rc = store_task_put(t, &task, e)) != 0)
			return rc; /* map full: store_write grows the map and calls fill again */
	}
	return 0;
}

static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	struct dberr e;

	for (w->batch = 0; w->batch < BATCHES && w->rc == 0; w->batch++) {
		dberr_clear(&e);
		if ((w->rc = store_write(w->s, fill, w, &e)) != 0)
			snprintf(w->msg, sizeof(w->msg), "%s", e.msg);
	}
	atomic_fetch_sub(w->left, 1);
	return NULL;
}

struct reader {
	struct store *s;
	atomic_int *left;
	int seen[WRITERS];        /* tasks of each writer in the last read */
	int reads, torn, shrank, rc;
	char msg[1024];
};

struct tally {
	int n[WRITERS];
};

static int
tally_cb(const struct store_task *t, void *arg)
{
	struct tally *y = arg;

	if (t->gen < WRITERS)
		y->n[t->gen]++;
	return 0;
}

static int
tally_txn(struct store_txn *t, void *arg, struct dberr *e)
{
	return store_task_each(t, "plan/", tally_cb, arg, e);
}

/* Reads until the writers are done, and once more after: every read must see each
 * writer's tasks in whole transactions, never fewer than the read before. */
static void *
reader_main(void *arg)
{
	struct reader *r = arg;
	bool last = false;

	while (!last && r->rc == 0) {
		struct tally y = {{0}};
		struct dberr e;

		last = atomic_load(r->left) == 0;
		dberr_clear(&e);
		if ((r->rc = store_read(r->s, tally_txn, &y, &e)) != 0) {
			snprintf(r->msg, sizeof(r->msg), "%s", e.msg);
			break;
		}
		for (int k = 0; k < WRITERS; k++) {
			r->torn += y.n[k] % PER_BATCH != 0;
			r->shrank += y.n[k] < r->seen[k];
			r->seen[k] = y.n[k];
		}
		r->reads++;
	}
	return NULL;
}

static int
nested(struct store_txn *t, void *arg, struct dberr *e)
{
	struct writer *w = arg;
	struct dberr inner;

	(void)t;
	(void)e;
	dberr_clear(&inner);
	w->rc = store_write(w->s, fill, w, &inner);
	return 0;
}

int
main(void)
{
	struct writer w[WRITERS], self;
	struct reader r[READERS];
	pthread_t wt[WRITERS], rt[READERS];
	atomic_int left = WRITERS;
	struct store *s;
	struct dberr e;
	char *dir = test_tmpdir();
	int calls = 0;

	/* 256 KiB holds the empty databases, not 4,000 tasks of ~450 bytes (~1.8 MB): the
	 * map doubles several times while the readers read */
	dberr_clear(&e);
	ASSERT_OK(store_open_sized(dir, STORE_CREATE, 262144, &s, &e), &e);
	memset(w, 0, sizeof(w));
	memset(r, 0, sizeof(r));
	for (int i = 0; i < READERS; i++) {
		r[i].s = s;
		r[i].left = &left;
		ASSERT_EQ(pthread_create(&rt[i], NULL, reader_main, &r[i]), 0);
	}
	for (int i = 0; i < WRITERS; i++) {
		w[i].s = s;
		w[i].left = &left;
		w[i].id = i;
		ASSERT_EQ(pthread_create(&wt[i], NULL, writer_main, &w[i]), 0);
	}
	for (int i = 0; i < WRITERS; i++) {
		ASSERT_EQ(pthread_join(wt[i], NULL), 0);
		if (w[i].rc != 0)
			TEST_FAIL_("writer %d: %d %s", i, w[i].rc, w[i].msg);
		ASSERT_EQ(w[i].batch, BATCHES);
		calls += w[i].calls;
	}
	for (int i = 0; i < READERS; i++) {
		ASSERT_EQ(pthread_join(rt[i], NULL), 0);
		if (r[i].rc != 0)
			TEST_FAIL_("reader %d: %d %s", i, r[i].rc, r[i].msg);
		ASSERT_GE(r[i].reads, 1);
		ASSERT_EQ(r[i].torn, 0);    /* never part of a transaction */
		ASSERT_EQ(r[i].shrank, 0); /* never back a commit (read_snapshot_whole) */
		for (int k = 0; k < WRITERS; k++)
			ASSERT_EQ(r[i].seen[k], BATCHES * PER_BATCH); /* the last read saw all */
	}
	/* the map really was too small: some transactions were run again after growing it */
	ASSERT_GT(calls, WRITERS * BATCHES);

	/* on one thread, a write inside a write is refused, and the outer one still commits */
	memset(&self, 0, sizeof(self));
	self.s = s;
	self.id = 0;
	self.batch = BATCHES;
	dberr_clear(&e);
	ASSERT_OK(store_write(s, nested, &self, &e), &e);
	ASSERT_EQ(self.rc, DB_ESOFTWARE);

	store_close(s);
	test_rmtree(dir);
	free(dir);
	return 0;
}
