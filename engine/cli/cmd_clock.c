/*
 * cmd_clock.c - the clock commands: clock, advance, and simulate (which is advance over a
 * throw-away virtual store, so its timeline and a real store's advance agree line for line).
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

#include "engine/base/xalloc.h"
#include "engine/cli.h"
#include "engine/engine.h"

/* One timeline line: local time in the plan's zone, kind, task, recipients. */
static void
print_action(const struct engine_action *a, void *arg)
{
	char when[32];

	(void)arg;
	tz_format_local(a->plan->tz, a->at, when);
	printf("%s  %-30s %s  %s\n", when, a->kind, a->task,
	       a->recipients && *a->recipients ? a->recipients : "-");
}

int
cmd_clock(struct cli *c)
{
	struct engine *en = NULL;
	struct dberr e;
	char now[40];

	dberr_clear(&e);
	if (cli_parse(c, NULL, NULL, 0, NULL, NULL, &e) != 0)
		return cli_usage_error(c, &e);
	if (engine_open(c->db, STORE_RDONLY, &en, &e) != 0)
		return cli_fail(&e);
	tz_format_rfc3339(en->tz, en->clock.now, now);
	printf("mode: %s\nnow: %s\nzone: %s\n",
	       en->clock.mode == STORE_CLOCK_VIRTUAL ? "virtual" : "real", now, tz_name(en->tz));
	engine_close(en);
	return 0;
}

static int
queued_cb(const struct store_notice *n, void *arg)
{
	struct engine *en = arg;

	if (strcmp(n->state, "queued") == 0) {
		en->pending = xgrow(en->pending, &en->cappending, en->npending + 1, sizeof(char *));
		en->pending[en->npending++] = xstrdup(n->key);
	}
	return 0;
}

static int
queued_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	return store_notice_each(txn, queued_cb, arg, e);
}

int
engine_resume_outbox(struct engine *en, bool now, struct dberr *e)
{
	int rc = store_read(en->store, queued_txn, en, e);

	if (rc == 0 && now)
		rc = deliver_all(en, NULL, e);
	return rc;
}

int
cmd_advance(struct cli *c)
{
	const char *to = NULL;
	struct cli_opt opts[] = {{"to", &to, NULL}, {NULL, NULL, NULL}};
	struct engine *en = NULL;
	struct dberr e;
	int64_t upto;
	size_t n = 0;
	char now[40];
	int rc;

	dberr_clear(&e);
	if (cli_parse(c, opts, NULL, 0, NULL, NULL, &e) != 0)
		return cli_usage_error(c, &e);
	if (to == NULL) {
		dberr_set(&e, DB_EUSAGE, "--to TIME is required");
		return cli_usage_error(c, &e);
	}
	if (engine_open(c->db, 0, &en, &e) != 0)
		return cli_fail(&e);
	if (en->clock.mode != STORE_CLOCK_VIRTUAL) {
		dberr_set(&e, DB_EUSAGE, "advance needs a virtual-clock store; %s runs on the real "
		          "clock (dabiao run)", c->db);
		rc = cli_fail(&e);
		goto out;
	}
	if (tz_parse_time(en->tz, to, &upto) != 0) {
		dberr_set(&e, DB_EUSAGE, "--to: '%s' is not a time (RFC 3339, e.g. "
		          "2017-07-03T10:00:00+08:00)", to);
		rc = cli_usage_error(c, &e);
		goto out;
	}
	if (upto < en->clock.now) {
		tz_format_rfc3339(en->tz, en->clock.now, now);
		dberr_set(&e, DB_EUSAGE, "--to %s is before the store's now (%s): a clock does "
		          "not run backwards", to, now);
		rc = cli_usage_error(c, &e);
		goto out;
	}
	en->on_action = print_action;
	rc = engine_resume_outbox(en, true, &e);
	if (rc == 0)
		rc = sched_apply_due(en, upto, true, &n, &e);
	if (rc != 0) {
		rc = cli_fail(&e);
		goto out;
	}
	fflush(stdout);
	tz_format_rfc3339(en->tz, en->clock.now, now);
	fprintf(stderr, "advanced to %s: %zu due entries applied\n", now, n);
out:
	engine_close(en);
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

int
cmd_simulate(struct cli *c)
{
	const char *registry = NULL, *from = NULL, *to = NULL, *files[1];
	struct cli_opt opts[] = {{"registry", &registry, NULL}, {"from", &from, NULL},
	                         {"to", &to, NULL}, {NULL, NULL, NULL}};
	struct store_clock sc = {0};
	struct load_result lr;
	struct import_result ir;
	struct engine *en = NULL;
	struct store *s = NULL;
	const char *base = getenv("TMPDIR");
	char dir[4096];
	int64_t t0 = 0, tfrom = 0, upto = INT64_MAX;
	struct dberr e;
	int npos, rc;

	dberr_clear(&e);
	if (cli_parse(c, opts, files, 1, &npos, NULL, &e) != 0)
		return cli_usage_error(c, &e);
	if (npos != 1 || registry == NULL) {
		dberr_set(&e, DB_EUSAGE, "give one plan file and --registry FILE");
		return cli_usage_error(c, &e);
	}
	snprintf(dir, sizeof(dir), "%s/dabiao-simulate-XXXXXX", base && *base ? base : "/tmp");
	if (mkdtemp(dir) == NULL) {
		dberr_set(&e, DB_ECANTCREAT, "cannot create a temporary store: %s", strerror(errno));
		return cli_fail(&e);
	}
	rmdir(dir); /* store_open creates it with its own mode */
	sc.mode = STORE_CLOCK_VIRTUAL;
	snprintf(sc.tz, sizeof(sc.tz), "Asia/Shanghai");
	rc = store_open(dir, STORE_CREATE, &s, &e);
	if (rc == 0)
		rc = store_write(s, set_now_txn, &sc, &e);
	if (s)
		store_close(s);
	if (rc == 0)
		rc = engine_open(dir, 0, &en, &e);
	if (rc == 0)
		rc = engine_load_plan(en, files[0], &lr, &e);
	if (rc == 0)
		rc = engine_import_registry(en, registry, &ir, &e);
	if (rc != 0)
		goto out;
	/* The clock starts at the first due entry; what comes before --from is applied but
	 * not printed, so the state at --from is what it would have been. */
	if ((rc = sched_next_due(en, &t0, &e)) != 0)
		goto out;
	if (from != NULL && tz_parse_time(engine_plan_find(en, lr.plan_id)->tz, from, &tfrom) != 0) {
		rc = dberr_set(&e, DB_EUSAGE, "--from: '%s' is not a time", from);
		goto out;
	}
	if (to != NULL && tz_parse_time(engine_plan_find(en, lr.plan_id)->tz, to, &upto) != 0) {
		rc = dberr_set(&e, DB_EUSAGE, "--to: '%s' is not a time", to);
		goto out;
	}
	sc.now = t0 == INT64_MAX ? 0 : t0;
	en->clock.now = sc.now;
	if ((rc = store_write(en->store, set_now_txn, &sc, &e)) != 0)
		goto out;
	if (from != NULL && tfrom > sc.now &&
	    (rc = sched_apply_due(en, tfrom - 1, true, NULL, &e)) != 0)
		goto out;
	en->on_action = print_action;
	rc = sched_apply_due(en, upto, true, NULL, &e);
out:
	fflush(stdout);
	engine_close(en);
	rm_rf(dir);
	return rc == 0 ? 0 : cli_fail(&e);
}
