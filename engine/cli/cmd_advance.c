/*
 * cmd_advance.c - the virtual clock moved forward: `advance` on a virtual store, and
 * `simulate`, which is advance over a throw-away store, so its timeline and a real store's
 * advance agree line for line.
 */
/* nftw() is X/Open */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/cli/cli.h"

/* One timeline line: local time in the plan's zone, kind, task, recipients. A deadline's
 * line shows the deadline instant itself, to the second, as `tasks` does (the task lapses
 * one second later): "2017-04-20 23:59:59 +08:00", not the next day's 00:00. The first
 * action in a year one of the plan's calendars does not cover is preceded by a note on
 * standard error (arg: the notes made so), so standard output stays one line per action. */
static void
print_action(const struct engine_action *a, void *arg)
{
	char when[80];
	int32_t day;

	tz_utc_to_local(a->plan->tz, a->at, &day, NULL, NULL);
	fflush(stdout);
	cli_gap_notes_add(arg, stderr, a->plan->plan, day);
	if (strcmp(a->kind, "deadline") == 0) {
		char r[40];

		/* RFC 3339 "2017-04-20T23:59:59+08:00" (always +HH:MM) in the timeline's layout */
		tz_format_rfc3339(a->plan->tz, a->planned - 1, r);
		snprintf(when, sizeof(when), "%.10s %.8s %s", r, r + 11, r + 19);
	} else {
		tz_format_local(a->plan->tz, a->at, when);
	}
	printf("%s  %-30s %s  %s\n", when, a->kind, a->task,
	       a->recipients && *a->recipients ? a->recipients : "-");
}

/* After each batch's commit: deliver what it queued (SMTP, or .eml files). */
static int
deliver_after(struct engine *en, void *arg, struct dberr *e)
{
	(void)arg;
	return deliver_all(en, NULL, e);
}

static const struct sched_hooks deliver_hooks = {deliver_after, NULL};

int
cmd_advance(struct cli *c)
{
	const char *to = NULL;
	struct cli_opt opts[] = {{"to", &to, NULL}, {NULL, NULL, NULL}};
	struct cli_gap_notes notes = {0};
	struct engine *en;
	int64_t upto;
	size_t n = 0;
	char now[40];
	int rc;

	if ((rc = cli_parse(c, opts, NULL, 0, NULL)) != 0)
		return rc;
	if (to == NULL)
		return cli_usage(c, "--to TIME is required");
	if ((rc = cli_engine(c, &en)) != 0)
		return rc;
	if (tz_parse_time(engine_tz(en), to, &upto) != 0)
		return cli_usage(c, "--to: '%s' is not a time (RFC 3339, e.g. "
		                 "2017-07-03T10:00:00+08:00)", to);
	if (upto < engine_now(en)) {
		tz_format_rfc3339(engine_tz(en), engine_now(en), now);
		return cli_usage(c, "--to %s is before the store's now (%s): a clock does not run "
		                 "backwards", to, now);
	}
	engine_on_action(en, print_action, &notes);
	/* what an earlier, interrupted command left queued goes out first */
	if ((rc = deliver_all(en, NULL, &c->err)) != 0 ||
	    (rc = sched_apply_due(en, upto, true, &deliver_hooks, &n, &c->err)) != 0)
		goto out;
	fflush(stdout);
	tz_format_rfc3339(engine_tz(en), engine_now(en), now);
	fprintf(stderr, "advanced to %s: %zu due entries applied\n", now, n);
out:
	engine_on_action(en, NULL, NULL);
	cli_gap_notes_release(&notes);
	return rc;
}

static int
set_now_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct store_clock *sc = arg;

	return store_clock_put(txn, sc, e);
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void
rm_rf(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The timeline of a plan over its registries (imported in the order given, so a CSV of
 * enterprises can follow the YAML that holds their jurisdictions), from a virtual store
 * made for it in dir. */
static int
simulate_in(struct cli *c, const char *dir, const char *plan, const struct cli_vals *regs,
            const char *from, const char *to, struct cli_gap_notes *notes,
            struct engine **out)
{
	struct store_clock sc = {0};
	struct engine_opts o = {0};
	struct load_result lr;
	struct import_result ir;
	const struct config *cfg;
	const struct engine_plan *ep;
	struct engine *en = NULL;
	struct store *s = NULL;
	int64_t t0 = 0, tfrom = 0, upto = INT64_MAX;
	struct dberr *e = &c->err;
	int rc;

	if ((rc = cli_config(c, &cfg)) != 0)
		return rc;
	sc.mode = STORE_CLOCK_VIRTUAL;
	snprintf(sc.tz, sizeof(sc.tz), "Asia/Shanghai");
	rc = store_open_sized(dir, STORE_CREATE, cfg->store_mapsize, &s, e);
	if (rc == 0)
		rc = store_write(s, set_now_txn, &sc, e);
	if (s)
		store_close(s);
	o.db = dir;
	o.config = cfg;
	o.actor = c->env->actor;
	o.dry = true; /* a throw-away store: a null transport, never SMTP, no files */
	if (rc == 0)
		rc = engine_open(&o, &en, e);
	*out = en;
	if (rc == 0) {
		rc = sched_load_plan(en, plan, 0, &lr, e);
		load_result_release(&lr);
	}
	for (size_t i = 0; rc == 0 && i < regs->n; i++)
		rc = sched_import_registry(en, regs->v[i], &ir, e);
	if (rc != 0)
		return rc;
	/* The clock starts at the first due entry; what comes before --from is applied but
	 * not printed, so the state at --from is what it would have been. */
	if ((rc = sched_next_due(en, &t0, e)) != 0)
		return rc;
	ep = engine_plan_find(en, lr.plan_id);
	if (from != NULL && tz_parse_time(ep->tz, from, &tfrom) != 0)
		return cli_usage(c, "--from: '%s' is not a time", from);
	if (to != NULL && tz_parse_time(ep->tz, to, &upto) != 0)
		return cli_usage(c, "--to: '%s' is not a time", to);
	if (from != NULL && to != NULL && tfrom > upto)
		return cli_usage(c, "--from %s is after --to %s", from, to);
	sc.now = t0 == INT64_MAX ? 0 : t0;
	engine_clock_set(en, sc.now);
	if ((rc = store_write(engine_store(en), set_now_txn, &sc, e)) != 0)
		return rc;
	if (from != NULL && tfrom > sc.now &&
	    (rc = sched_apply_due(en, tfrom - 1, true, &deliver_hooks, NULL, e)) != 0)
		return rc;
	engine_on_action(en, print_action, notes);
	return sched_apply_due(en, upto, true, &deliver_hooks, NULL, e);
}

int
cmd_simulate(struct cli *c)
{
	const char *from = NULL, *to = NULL, *files[1];
	struct cli_vals regs = {0};
	struct cli_opt opts[] = {{"from", &from, NULL}, {"to", &to, NULL}, {NULL, NULL, NULL}};
	struct cli_gap_notes notes = {0};
	struct engine *en = NULL;
	char dir[4096];
	int npos, rc;

	if ((rc = cli_take_all(c, "registry", &regs)) != 0 ||
	    (rc = cli_parse(c, opts, files, 1, &npos)) != 0 ||
	    ((npos != 1 || regs.n == 0) &&
	     (rc = cli_usage(c, "give one plan file and --registry FILE (one or more)")) != 0))
		goto out;
	snprintf(dir, sizeof(dir), "%s/dabiao-simulate-XXXXXX", c->env->tmpdir);
	if (mkdtemp(dir) == NULL) {
		rc = dberr_set(&c->err, DB_ECANTCREAT, "cannot create a temporary store: %s",
		               strerror(errno));
		goto out;
	}
	rmdir(dir); /* store_open creates it with its own mode */
	rc = simulate_in(c, dir, files[0], &regs, from, to, &notes, &en);
	fflush(stdout);
	engine_close(en);
	cli_gap_notes_release(&notes);
	rm_rf(dir);
out:
	free(regs.v);
	return rc;
}
