#include <time.h>

#include "engine/engine.h"

/* The only place dabiao reads the wall clock. Logic receives the value. */
int64_t
clock_read(struct clock *c)
{
	struct timespec ts;

	if (c->mode == STORE_CLOCK_REAL) {
		clock_gettime(CLOCK_REALTIME, &ts);
		c->now = (int64_t)ts.tv_sec;
	}
	return c->now;
}

/* Wall-clock time for audit records' real_time, which must be wall time even on a
 * virtual store. */
int64_t
clock_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}
