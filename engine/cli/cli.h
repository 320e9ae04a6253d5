/*
 * cli.h - the command line: one cmd_<name>() per subcommand in main.c's sorted table.
 * A command's return value is the process exit status (sysexits.h). Commands print their
 * own output to stdout and a failure once, through cli_fail, to stderr.
 */
#ifndef DABIAO_CLI_H
#define DABIAO_CLI_H

#include <stdbool.h>

#include "engine/base/err.h"

struct cli {
	const char *db;       /* store folder: --db, $DABIAO_DB, or ./dabiao.db */
	const char *name;     /* the command's name */
	int argc;             /* the command's arguments, without the command name */
	char **argv;
};

/* An option: "--name VALUE" / "--name=VALUE" when val is set, "--name" when flag is set. */
struct cli_opt {
	const char *name;
	const char **val;
	bool *flag;
};

/* Parses c's arguments against opts (NULL-name terminated). Positional arguments are
 * collected in order into pos (at most maxpos, *npos receives the count). Unknown options,
 * missing values and too many positionals fail with DB_EUSAGE naming the argument.
 * `--help` sets *help when help is non-NULL. */
int cli_parse(const struct cli *c, const struct cli_opt *opts, const char **pos, int maxpos,
              int *npos, bool *help, struct dberr *e);

/* For commands that take exactly one argument and no options: 0 with *out set, else the
 * usage error already printed and its exit status (64). what names the argument. */
int cli_one_arg(const struct cli *c, const char *what, const char **out);

/* Prints e once (FILE:LINE:COLUMN: error: ... or dabiao: error: ...) and returns the
 * sysexits status for its code. */
int cli_fail(const struct dberr *e);
/* Prints a usage error for command c with its usage line; returns 64. */
int cli_usage_error(const struct cli *c, const struct dberr *e);
/* The usage text of a command (from main.c's table). */
const char *cli_usage(const char *command);

int cmd_advance(struct cli *c);
int cmd_audit(struct cli *c);
int cmd_backup(struct cli *c);
int cmd_calendar(struct cli *c);
int cmd_check(struct cli *c);
int cmd_clock(struct cli *c);
int cmd_deliver(struct cli *c);
int cmd_event(struct cli *c);
int cmd_extend(struct cli *c);
int cmd_flag(struct cli *c);
int cmd_import(struct cli *c);
int cmd_init(struct cli *c);
int cmd_load(struct cli *c);
int cmd_outbox(struct cli *c);
int cmd_report(struct cli *c);
int cmd_run(struct cli *c);
int cmd_simulate(struct cli *c);
int cmd_status(struct cli *c);
int cmd_submit(struct cli *c);
int cmd_tasks(struct cli *c);

#endif
