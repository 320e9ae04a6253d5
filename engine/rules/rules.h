/*
 * rules.h - producers of notices beyond a task's own schedule: the conduct rules (约谈 and
 * 限批 warnings, seed 四（二）), the daily digest and the monthly dispatch (按月调度).
 *
 * Each *_fire is the scheduler's handler for its kind of due entry (sched.c's table): it
 * runs inside the scheduler's transaction, queues its notice (notice_queue) and writes its
 * audit record there. late: applied after downtime, so the notice says so. A due entry
 * whose plan is no longer loaded does nothing (0). Errors: the store's and notice_queue's.
 */
#ifndef DABIAO_RULES_H
#define DABIAO_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/notice/notice.h"

/* ---- conduct rules (conduct.c) ---- */
/* Counts a lapse or flag (why: "lapse", or the flag's kind) of task at time t for its
 * jurisdiction, putting a STORE_DUE_CONDUCT entry for the next notify_at when a rule's
 * count is reached. A task of no jurisdiction counts for none (0). */
int conduct_note(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                 const struct store_task *task, int64_t t, const char *why, struct dberr *e);
/* STORE_DUE_CONDUCT: sends the warning the entry stands for, naming its lapses. */
int conduct_fire(struct engine *en, struct store_txn *txn, const struct store_due *d,
                 bool late, struct dberr *e);

/* ---- daily digests (digest.c) ---- */
/* STORE_DUE_DIGEST: one message to one recipient listing the notices kept for its digest
 * (notice.h says how they are kept). */
int digest_fire(struct engine *en, struct store_txn *txn, const struct store_due *d,
                bool late, struct dberr *e);

/* ---- monthly dispatch (dispatch.c) ---- */
/* Puts the plan's STORE_DUE_DISPATCH entries (dispatch: {day, notify}) for every month of
 * its tasks' horizon that is still ahead of the clock. Idempotent. */
int dispatch_schedule(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                      struct dberr *e);
/* STORE_DUE_DISPATCH: the progress notice with the Annex 3 figures, the overdue list, the
 * warnings sent, the latest signed checkpoint and the figures as XLSX. */
int dispatch_fire(struct engine *en, struct store_txn *txn, const struct store_due *d,
                  bool late, struct dberr *e);

#endif
