/*
 * daemon.h - `dabiao run`: the scheduler on the real clock, in one libuv loop, with a
 * sender thread for SMTP. The only module that includes uv.h (and so the only owner of an
 * event loop).
 *
 * One timer is armed for the earliest due entry, never further than a second away: libuv's
 * timers run on the monotonic clock, so the wall clock is read again at every wake, and
 * what other processes wrote (submit, load, import, extend) is seen within a second.
 * SIGTERM and SIGINT stop the loop between transactions; SIGHUP re-reads the configuration
 * (a bad one keeps the old) and the plans (a failed reload keeps the old ones).
 */
#ifndef DABIAO_DAEMON_H
#define DABIAO_DAEMON_H

#include <stdbool.h>

#include "engine/sched/sched.h"

/* Runs until a stop signal or a store error. en must be open read-write on a real-clock
 * store; the daemon takes its start time from the engine's clock (catch-up of what was
 * missed while down). Returns 0 after a signal; on a store error, the error code with
 * details in e (the daemon stops: the supervisor restarts it). */
int daemon_run(struct engine *en, struct dberr *e);

/* True when a `run` holds the lock of the store in folder dir (its daemon.lock, as the
 * kernel's lock table lists it), so its notices are delivered by that daemon within a
 * second; another process (the web) need not deliver them itself. Looks only: takes no
 * lock, so a daemon starting meanwhile is never refused. False when it cannot tell (no
 * /proc/locks). Cannot fail. */
bool daemon_serving(const char *dir);

#endif
