/*
 * simulate.c - `dabiao simulate`: a plan's timeline over its registries on a throw-away
 * virtual-clock store, applied exactly as `advance` applies a real store's due entries,
 * so the two agree line for line.
 */
#include <stdio.h>

#include "engine/sched/sched_int.h"

static int
clock_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	return store_clock_put(txn, arg, e);
}

int
sched_simulate(const struct sched_sim *s, struct engine **out, struct dberr *e)
{
	struct store_clock sc = {STORE_CLOCK_VIRTUAL, 0, "Asia/Shanghai"};
	struct engine_opts o = {0};
	struct load_result lr;
	struct import_result ir;
	const struct engine_plan *ep;
	struct engine *en = NULL;
	struct store *st = NULL;
	int64_t t0 = 0, tfrom = 0, upto = INT64_MAX;
	int rc;

	*out = NULL;
	rc = store_open_sized(s->dir, STORE_CREATE | store_log_flags(s->log_level),
	                      s->config->store_mapsize, &st, e);
	if (rc == 0)
		rc = store_write(st, clock_txn, &sc, e);
	store_close(st);
	o.db = s->dir;
	o.config = s->config;
	o.actor = s->actor;
	o.log_level = s->log_level;
	o.dry = true; /* a throw-away store: a null transport, never SMTP, no files */
	if (rc == 0)
		rc = engine_open(&o, &en, e);
	*out = en;
	if (rc == 0) {
		rc = sched_load_plan(en, s->plan, 0, &lr, e);
		load_result_release(&lr);
	}
	for (size_t i = 0; rc == 0 && i < s->nregistries; i++)
		rc = sched_import_registry(en, s->registries[i], &ir, e);
	if (rc != 0)
		return rc;
	/* The clock starts at the first due entry; what comes before `from` is applied but
	 * not reported, so the state at `from` is what it would have been. */
	if ((rc = sched_next_due(en, &t0, e)) != 0)
		return rc;
	ep = engine_plan_find(en, lr.plan_id);
	if (s->from != NULL && tz_parse_time(ep->tz, s->from, &tfrom) != 0)
		return dberr_set(e, DB_EUSAGE, "--from: '%s' is not a time", s->from);
	if (s->to != NULL && tz_parse_time(ep->tz, s->to, &upto) != 0)
		return dberr_set(e, DB_EUSAGE, "--to: '%s' is not a time", s->to);
	if (s->from != NULL && s->to != NULL && tfrom > upto)
		return dberr_set(e, DB_EUSAGE, "--from %s is after --to %s", s->from, s->to);
	sc.now = t0 == INT64_MAX ? 0 : t0;
	engine_clock_set(en, sc.now);
	if ((rc = store_write(engine_store(en), clock_txn, &sc, e)) != 0)
		return rc;
	if (s->from != NULL && tfrom > sc.now &&
	    (rc = sched_apply_due(en, tfrom - 1, true, &sched_hooks_deliver, NULL, e)) != 0)
		return rc;
	engine_on_action(en, s->on_action, s->arg);
	return sched_apply_due(en, upto, true, &sched_hooks_deliver, NULL, e);
}
