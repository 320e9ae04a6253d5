/* Store throughput on this machine: due entries put in one transaction, durable commits of
 * one entry each, and draining the due index in batches. Prints figures; never fails on a
 * number (only on an error). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "store/store.h"
#include "lib/test.h"

#define NPUT 100000
#define NCOMMIT 200
#define BATCH 1000

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
remove_store(const char *dir)
{
	static const char *const names[] = {"data.mdb", "lock.mdb", "outbox"};
	char path[4096];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		remove(path);
	}
	remove(dir);
}

struct put_arg {
	int from, n;
};

static int
put_many(struct store_txn *t, void *arg, struct dberr *e)
{
	struct put_arg *a = arg;
	char key[64];
	struct store_due d = {0, STORE_DUE_REMIND, key, 0, 1, 0};
	int i, rc;

	for (i = a->from; i < a->from + a->n; i++) {
		snprintf(key, sizeof(key), "changji-2017/monthly/9165%014d/2017-07", i);
		d.at = 1500000000 + (i * 7919) % 86400; /* scattered, not appended */
		d.planned = d.at;
		rc = store_due_put(t, &d, e);
		if (rc != 0)
			return rc;
	}
	return 0;
}

struct drain {
	struct store_txn *t;
	size_t n;
};

static int
del_cb(const struct store_due *d, void *arg)
{
	struct drain *dr = arg;
	struct dberr e;

	dberr_clear(&e);
	dr->n++;
	return store_due_del(dr->t, d, &e);
}

static int
drain_batch(struct store_txn *t, void *arg, struct dberr *e)
{
	struct drain *dr = arg;

	dr->t = t;
	return store_due_each(t, INT64_MAX, BATCH, del_cb, dr, e);
}

int
main(void)
{
	char *dir = test_tmpdir();
	struct store *s = NULL;
	struct put_arg a = {0, NPUT};
	struct drain dr = {NULL, 0};
	struct dberr e;
	double t0, t1;
	size_t before;
	int i;

	dberr_clear(&e);
	if (store_open(dir, STORE_CREATE, &s, &e) != 0)
		goto fail;
	t0 = now_s();
	if (store_write(s, put_many, &a, &e) != 0)
		goto fail;
	t1 = now_s();
	printf("store_due: %d puts in one transaction: %.0f puts/s\n", NPUT, NPUT / (t1 - t0));

	t0 = now_s();
	for (i = 0; i < NCOMMIT; i++) {
		a = (struct put_arg){NPUT + i, 1};
		if (store_write(s, put_many, &a, &e) != 0)
			goto fail;
	}
	t1 = now_s();
	printf("store_due: %d durable commits of one put: %.0f commits/s\n", NCOMMIT,
	       NCOMMIT / (t1 - t0));

	t0 = now_s();
	do {
		before = dr.n;
		if (store_write(s, drain_batch, &dr, &e) != 0)
			goto fail;
	} while (dr.n > before);
	t1 = now_s();
	printf("store_due: drained %zu entries in batches of %d: %.0f entries/s\n", dr.n, BATCH,
	       dr.n / (t1 - t0));
	store_close(s);
	remove_store(dir);
	free(dir);
	return 0;
fail:
	dberr_print(&e, stderr);
	store_close(s);
	return 1;
}
