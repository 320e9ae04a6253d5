/*
 * cmd_init.c - `dabiao init`: the one command that creates a store.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "engine/audit/audit.h"
#include "engine/cli/cli.h"

static int
init_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	const struct store_clock *sc = arg;

	return store_clock_put(txn, sc, e);
}

/* Whether dir is missing (*missing) or a folder with no entries: where init may make a
 * store, and so where what a failed init made may be taken away again. */
static bool
dir_fresh(const char *dir, bool *missing)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool empty = true;

	*missing = d == NULL && errno == ENOENT;
	if (d == NULL)
		return *missing;
	while (empty && (de = readdir(d)) != NULL)
		empty = strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0;
	closedir(d);
	return empty;
}

/* Takes away what a failed init made in dir (the store's files, its outbox, the key; the
 * folder itself when init made it), so that "nothing of it was stored" is true: a second
 * init starts afresh instead of finding a half-made store it refuses, and no later command
 * takes that for a real-clock store (review 13e, E4). Best effort: the failure reported is
 * init's, not a cleanup's. */
static void
undo_init(const char *dir, bool made_dir)
{
	static const char *const files[] = {"data.mdb", "lock.mdb", "writers.lock",
	                                    AUDIT_STORE_KEY, NULL};
	char *path;

	for (size_t i = 0; files[i]; i++) {
		path = xasprintf("%s/%s", dir, files[i]);
		unlink(path);
		free(path);
	}
	path = xasprintf("%s/outbox", dir);
	rmdir(path);
	free(path);
	if (made_dir)
		rmdir(dir);
}

int
cmd_init(struct cli *c)
{
	const char *mode = "real", *now = NULL, *zone = "Asia/Shanghai";
	struct cli_opt opts[] = {{"clock", &mode, NULL}, {"now", &now, NULL},
	                         {"tz", &zone, NULL}, {NULL, NULL, NULL}};
	struct store_clock sc = {0};
	const struct config *cfg;
	struct store *s = NULL;
	struct tz *z = NULL;
	bool fresh, missing;
	int rc;

	if ((rc = cli_parse(c, opts, NULL, 0, NULL)) != 0)
		return rc;
	if (strcmp(mode, "real") == 0)
		sc.mode = STORE_CLOCK_REAL;
	else if (strcmp(mode, "virtual") == 0)
		sc.mode = STORE_CLOCK_VIRTUAL;
	else
		return cli_usage(c, "--clock must be real or virtual, not '%s'", mode);
	if (tz_open(zone, &z, &c->err) != 0)
		return DB_EUSAGE;
	snprintf(sc.tz, sizeof(sc.tz), "%s", zone);
	sc.now = engine_wall_clock();
	rc = 0;
	if (now != NULL && sc.mode != STORE_CLOCK_VIRTUAL)
		rc = cli_usage(c, "--now needs --clock virtual");
	else if (now != NULL && tz_parse_time(z, now, &sc.now) != 0)
		rc = cli_usage(c, "--now: '%s' is not a time (RFC 3339, e.g. "
		               "2017-01-01T00:00:00+08:00)", now);
	tz_free(z);
	if (rc != 0)
		return rc;
	if ((rc = cli_config(c, &cfg)) != 0 || (rc = cli_audit_key_ready(c, cfg)) != 0)
		return rc;
	if (store_open(c->env->db, store_log_flags(c->log_level), &s, &c->err) == 0) {
		store_close(s);
		dberr_clear(&c->err);
		return dberr_set(&c->err, DB_ECANTCREAT, "a store already exists at %s", c->env->db);
	}
	dberr_clear(&c->err);
	fresh = dir_fresh(c->env->db, &missing);
	rc = store_open_sized(c->env->db, STORE_CREATE | store_log_flags(c->log_level),
	                      cfg->store_mapsize, &s, &c->err);
	if (rc == 0)
		rc = store_write(s, init_txn, &sc, &c->err);
	if (s)
		store_close(s);
	/* the store's own checkpoint key, so the log's heads are signed from the first day;
	 * a configured audit.key_file is used instead when there is one */
	if (rc == 0 && (cfg->audit_key_file == NULL || cfg->audit_key_file[0] == '\0')) {
		char *key = xasprintf("%s/" AUDIT_STORE_KEY, c->env->db);

		rc = audit_key_generate(key, &c->err);
		free(key);
	}
	if (rc != 0) {
		/* a store it could not make whole (a full disk, too small a map): unmade,
		 * unless the folder held something before, which is never touched */
		if (fresh && rc != DB_ECANTCREAT)
			undo_init(c->env->db, missing);
		return rc;
	}
	printf("created %s store at %s (zone %s)\n",
	       sc.mode == STORE_CLOCK_VIRTUAL ? "virtual-clock" : "real-clock", c->env->db, sc.tz);
	return 0;
}
