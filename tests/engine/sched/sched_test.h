/*
 * sched_test.h - helpers for the scheduler's unit tests: a virtual-clock engine on a
 * temporary store, plan and registry files beside it, a task's state as stored.
 */
#ifndef DABIAO_SCHED_TEST_H
#define DABIAO_SCHED_TEST_H

#include <stdio.h>
#include <stdlib.h>

#include "engine/sched/sched.h"
#include "lib/test.h"

/* Writes text to dir/name. */
static inline void
sched_test_write(const char *dir, const char *name, const char *text)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ASSERT(f != NULL);
	fputs(text, f);
	ASSERT_EQ(fclose(f), 0);
}

static inline int
sched_test_clock_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct store_clock sc = {STORE_CLOCK_VIRTUAL, 0, "Asia/Shanghai"};

	sc.now = *(int64_t *)arg;
	return store_clock_put(txn, &sc, e);
}

/* A virtual-clock engine at `now` on a new store in dir/db, with dir/<plan> loaded and
 * dir/<registry> imported. */
static inline struct engine *
sched_test_engine(const char *dir, int64_t now, const char *plan, const char *registry)
{
	struct engine_opts o = {0};
	struct engine *en = NULL;
	struct load_result lr;
	struct import_result ir;
	struct config cfg;
	struct dberr e;
	char path[4200];

	dberr_clear(&e);
	ASSERT_EQ(config_load(NULL, &cfg, &e), 0);
	snprintf(path, sizeof(path), "%s/db", dir);
	o.db = path;
	o.store_flags = STORE_CREATE;
	o.config = &cfg;
	ASSERT_EQ(engine_open(&o, &en, &e), 0);
	config_release(&cfg); /* the engine keeps its own copy */
	ASSERT_EQ(store_write(engine_store(en), sched_test_clock_txn, &now, &e), 0);
	ASSERT_EQ(engine_reload(en, &e), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, plan);
	ASSERT_EQ(sched_load_plan(en, path, 0, &lr, &e), 0);
	load_result_release(&lr);
	snprintf(path, sizeof(path), "%s/%s", dir, registry);
	ASSERT_EQ(sched_import_registry(en, path, &ir, &e), 0);
	return en;
}

struct sched_test_task {
	const char *key;
	char state[32];
	uint32_t flags;
};

static inline int
sched_test_task_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct sched_test_task *s = arg;
	struct store_task t;
	int rc = store_task_get(txn, s->key, &t, e);

	if (rc != 0)
		return rc;
	snprintf(s->state, sizeof(s->state), "%s", t.state);
	s->flags = t.flags;
	store_task_release(&t);
	return 0;
}

/* The task's state and flags as committed. */
static inline struct sched_test_task
sched_test_task(struct engine *en, const char *key)
{
	struct sched_test_task s = {key, "", 0};
	struct dberr e;

	dberr_clear(&e);
	ASSERT_EQ(store_read(engine_store(en), sched_test_task_txn, &s, &e), 0);
	return s;
}

#endif
