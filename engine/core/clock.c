/*
 * clock.c - the one place dabiao reads the wall clock. Logic receives "now" as a value: the
 * real clock's reading, or a virtual store's own now, moved only by the scheduler.
 */
#include <time.h>

#include "engine/core/engine_int.h"

enum store_clock_mode
engine_clock_mode(const struct engine *en)
{
	return en->mode;
}

int64_t
engine_now(const struct engine *en)
{
	return en->now;
}

int64_t
engine_clock_read(struct engine *en)
{
	if (en->mode == STORE_CLOCK_REAL)
		en->now = engine_wall_clock();
	return en->now;
}

void
engine_clock_set(struct engine *en, int64_t now)
{
	en->now = now;
}

int
engine_clock_txn(struct engine *en, struct store_txn *txn, int64_t *now, struct dberr *e)
{
	struct store_clock sc;
	int rc;

	if (en->mode == STORE_CLOCK_VIRTUAL) {
		if ((rc = store_clock_get(txn, &sc, e)) != 0)
			return rc;
		en->now = sc.now;
	} else {
		en->now = engine_wall_clock();
	}
	if (now != NULL)
		*now = en->now;
	return 0;
}

/* Wall-clock time for audit records' real_time, which must be wall time even on a
 * virtual store. */
int64_t
engine_wall_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

int64_t
engine_monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
engine_set_started(struct engine *en, int64_t t)
{
	en->started = t;
}

int64_t
engine_started(const struct engine *en)
{
	return en->started;
}
