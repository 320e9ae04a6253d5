/*
 * cmd_setup.c - the commands that set a store up: init, check, load, import.
 * Each writing command is one transaction: on any error nothing is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/cli.h"
#include "engine/engine.h"

static int
init_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	const struct store_clock *sc = arg;

	return store_clock_put(txn, sc, e);
}

int
cmd_init(struct cli *c)
{
	const char *mode = "real", *now = NULL, *zone = "Asia/Shanghai";
	struct cli_opt opts[] = {{"clock", &mode, NULL}, {"now", &now, NULL},
	                         {"tz", &zone, NULL}, {NULL, NULL, NULL}};
	struct store_clock sc = {0};
	struct store *s = NULL;
	struct tz *z = NULL;
	struct dberr e;
	int npos, rc;

	dberr_clear(&e);
	if (cli_parse(c, opts, NULL, 0, &npos, NULL, &e) != 0)
		return cli_usage_error(c, &e);
	if (strcmp(mode, "real") == 0) {
		sc.mode = STORE_CLOCK_REAL;
	} else if (strcmp(mode, "virtual") == 0) {
		sc.mode = STORE_CLOCK_VIRTUAL;
	} else {
		dberr_set(&e, DB_EUSAGE, "--clock must be real or virtual, not '%s'", mode);
		return cli_usage_error(c, &e);
	}
	if (tz_open(zone, &z, &e) != 0)
		return cli_usage_error(c, &e);
	snprintf(sc.tz, sizeof(sc.tz), "%s", zone);
	sc.now = clock_wall();
	if (now != NULL) {
		if (sc.mode != STORE_CLOCK_VIRTUAL) {
			tz_free(z);
			dberr_set(&e, DB_EUSAGE, "--now needs --clock virtual");
			return cli_usage_error(c, &e);
		}
		if (tz_parse_time(z, now, &sc.now) != 0) {
			tz_free(z);
			dberr_set(&e, DB_EUSAGE, "--now: '%s' is not a time (RFC 3339, e.g. "
			          "2017-01-01T00:00:00+08:00)", now);
			return cli_usage_error(c, &e);
		}
	}
	tz_free(z);
	if (store_open(c->db, 0, &s, &e) == 0) {
		store_close(s);
		dberr_clear(&e);
		dberr_set(&e, DB_ECANTCREAT, "a store already exists at %s", c->db);
		return cli_fail(&e);
	}
	dberr_clear(&e);
	rc = store_open(c->db, STORE_CREATE, &s, &e);
	if (rc == 0)
		rc = store_write(s, init_txn, &sc, &e);
	if (s)
		store_close(s);
	if (rc != 0)
		return cli_fail(&e);
	printf("created %s store at %s (zone %s)\n",
	       sc.mode == STORE_CLOCK_VIRTUAL ? "virtual-clock" : "real-clock", c->db, sc.tz);
	return 0;
}

static void
plan_summary(const struct plan *p)
{
	size_t ntasks_kinds[3] = {0};

	for (size_t i = 0; i < p->nmilestones; i++)
		ntasks_kinds[p->milestones[i].for_]++;
	printf("%s: ok, %zu phases, %zu milestones (%zu once, %zu per jurisdiction, "
	       "%zu per enterprise), %zu roles, zone %s\n",
	       p->id, p->nphases, p->nmilestones, ntasks_kinds[PLAN_FOR_ONCE],
	       ntasks_kinds[PLAN_FOR_JURISDICTION], ntasks_kinds[PLAN_FOR_ENTERPRISE], p->nroles,
	       p->timezone);
}

int
cmd_check(struct cli *c)
{
	const char *files[256];
	struct dberr e;
	int npos, status = 0;

	dberr_clear(&e);
	if (cli_parse(c, NULL, files, 256, &npos, NULL, &e) != 0)
		return cli_usage_error(c, &e);
	if (npos == 0) {
		dberr_set(&e, DB_EUSAGE, "no plan file given");
		return cli_usage_error(c, &e);
	}
	for (int i = 0; i < npos; i++) {
		struct plan *p = NULL;

		dberr_clear(&e);
		if (plan_parse_file(files[i], &p, &e) != 0 ||
		    engine_check_templates(p, files[i], &e) != 0) {
			if (p)
				plan_free(p);
			int st = cli_fail(&e);
			if (status == 0)
				status = st;
			continue;
		}
		plan_summary(p);
		plan_free(p);
	}
	return status;
}

int
cmd_load(struct cli *c)
{
	const char *files[1];
	struct load_result res;
	struct engine *en = NULL;
	struct dberr e;
	int rc;

	if ((rc = cli_one_arg(c, "one plan file", files)) != 0)
		return rc;
	dberr_clear(&e);
	/* a writing command creates a real-clock store when none exists */
	rc = engine_open(c->db, STORE_CREATE, &en, &e);
	if (rc == 0)
		rc = engine_load_plan(en, files[0], &res, &e);
	if (rc == 0)
		printf("%s: %s version %u (sha256 %.16s), %zu tasks created\n", res.plan_id,
		       res.changed ? "loaded" : "unchanged,", (unsigned)res.version, res.sha256,
		       res.created);
	engine_close(en);
	return rc == 0 ? 0 : cli_fail(&e);
}

int
cmd_import(struct cli *c)
{
	const char *files[1];
	struct import_result res;
	struct engine *en = NULL;
	struct dberr e;
	int rc;

	if ((rc = cli_one_arg(c, "one registry file", files)) != 0)
		return rc;
	dberr_clear(&e);
	rc = engine_open(c->db, STORE_CREATE, &en, &e);
	if (rc == 0)
		rc = engine_import_registry(en, files[0], &res, &e);
	if (rc == 0)
		printf("imported %zu jurisdictions, %zu enterprises, %zu offices from %s; "
		       "%zu tasks created\n", res.jurisdictions, res.enterprises, res.offices,
		       files[0], res.created);
	engine_close(en);
	return rc == 0 ? 0 : cli_fail(&e);
}

int
cmd_backup(struct cli *c)
{
	const char *pos[1];
	struct store *s = NULL;
	struct dberr e;
	int rc;

	if ((rc = cli_one_arg(c, "the folder to copy the store into", pos)) != 0)
		return rc;
	dberr_clear(&e);
	/* A read-only handle: the copy is one consistent snapshot while `run` goes on
	 * writing (LMDB readers never block the writer). */
	rc = store_open(c->db, STORE_RDONLY, &s, &e);
	if (rc == 0)
		rc = store_backup(s, pos[0], &e);
	if (s)
		store_close(s);
	if (rc != 0)
		return cli_fail(&e);
	printf("copied %s to %s (compacted); restore by stopping dabiao and pointing --db "
	       "at the copy\n", c->db, pos[0]);
	return 0;
}
