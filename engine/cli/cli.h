/*
 * cli.h - the command line: one cmd_<name>() per subcommand in commands.c's sorted table,
 * each with flags saying what it needs (git's builtin table is the model).
 *
 * The dispatcher does, once for every command, what twenty commands used to repeat: it
 * opens the store or the engine the way the command's flags say (when the command first
 * asks, after it has checked its arguments), prints the command's error, delivers what a
 * writing command queued, closes everything, and checks that standard output was written.
 *
 * A command returns 0 on success; or a negative error code with the details in c->err,
 * which the dispatcher prints (DB_EUSAGE with the command's usage line, exit 64; others
 * with their sysexits status); or a positive exit status when it has reported already
 * (`check` of several files, `audit verify`).
 */
#ifndef DABIAO_CLI_H
#define DABIAO_CLI_H

#include <stdbool.h>

#include "base/err.h"
#include "engine/daemon/daemon.h"
#include "engine/report/report.h"

/* What main read from its arguments and the environment: nothing below reads either. */
struct cli_env {
	const char *db;          /* store folder: --db, $DABIAO_DB, or ./dabiao.db */
	const char *config;      /* --config FILE, or NULL (the reader then looks further) */
	const char *actor;       /* who runs the command as the system says (login user and
	                            user id's names, main.c), for audit records */
	const char *tmpdir;      /* $TMPDIR or /tmp: simulate's throw-away store */
	int verbosity;           /* -q: -1; else how many -v were given */
};

/* What a command needs; the dispatcher acts on these. */
enum cli_flags {
	CLI_ENGINE = 1 << 0,     /* cli_engine opens the engine (store, clock, plans) */
	CLI_STORE = 1 << 1,      /* cli_store opens the store alone (no plans parsed) */
	CLI_WRITE = 1 << 2,      /* read-write (else read-only) */
	CLI_DELIVERS = 1 << 4,   /* after success, deliver what the command queued */
	CLI_VIRTUAL = 1 << 5,    /* needs a virtual-clock store */
	CLI_REAL = 1 << 6,       /* needs a real-clock store */
	CLI_SERVICE = 1 << 7,    /* runs as a service (run, web): logs info lines unasked,
	                            its log being the record of what it did */
};

struct cli_command;

struct cli {
	const char *name;        /* the command's name */
	const struct cli_command *cmd; /* its row in the table (cli_int.h) */
	int argc;                /* the command's arguments, without the command name */
	char **argv;
	const struct cli_env *env;
	unsigned flags;          /* enum cli_flags of the command */
	enum log_level log_level; /* the command's verbosity (cli_log_level), passed down to
	                            the store, the engine, the daemon and the web */
	struct config *config;   /* read on first use (cli_config); owned by the dispatcher */
	struct engine *en;       /* opened on first use (cli_engine); owned by the dispatcher */
	struct store *store;     /* opened on first use (cli_store); owned by the dispatcher */
	struct dberr err;        /* a failing command's details */
};

/* An option: "--name VALUE" / "--name=VALUE" when val is set, "--name" when flag is set.
 * Given twice, it is a usage error; a repeatable option is taken out first (cli_take_all). */
struct cli_opt {
	const char *name;
	const char **val;
	bool *flag;
};

/* The values of a repeatable option ("--registry A --registry B"). v is the caller's to
 * free (the strings are argv's). */
struct cli_vals {
	const char **v;
	size_t n, cap;
};

/* Parses c's arguments against opts (NULL-name terminated). Positional arguments are
 * collected in order into pos (at most maxpos, *npos receives the count). Unknown options,
 * an option given twice, missing values and too many positionals fail with DB_EUSAGE in
 * c->err naming the argument. An option missing from the command's documented options (commands.c) is a
 * programming error: DB_ESOFTWARE, so an undocumented option fails its first test. */
int cli_parse(struct cli *c, const struct cli_opt *opts, const char **pos, int maxpos,
              int *npos);
/* Takes every "--name VALUE" / "--name=VALUE" out of c's arguments (before any "--"), in
 * order, into *out: the option repeated keeps each value, where cli_parse refuses a second.
 * A missing value is DB_EUSAGE; an undocumented name DB_ESOFTWARE (as cli_parse). */
int cli_take_all(struct cli *c, const char *name, struct cli_vals *out);
/* For commands that take exactly one argument and no options: 0 with *out set, else
 * DB_EUSAGE in c->err. what names the argument. */
int cli_one_arg(struct cli *c, const char *what, const char **out);
/* --format: s (never NULL: the command's default) among the formats allowed (a mask of
 * REPORT_FMT_MASK bits; CLI_FMT_TABLES for a listing's table|csv|json) into *out;
 * DB_EUSAGE in c->err naming the allowed ones otherwise. */
#define CLI_FMT_TABLES (REPORT_FMT_MASK(REPORT_FMT_TABLE) | REPORT_FMT_MASK(REPORT_FMT_CSV) | \
                        REPORT_FMT_MASK(REPORT_FMT_CSV_EXCEL) | REPORT_FMT_MASK(REPORT_FMT_JSON))
int cli_format(struct cli *c, const char *s, unsigned allowed, enum report_format *out);
/* The filters a listing takes; NULL: not given. */
struct cli_filters {
	const char *plan, *milestone, *state, *jurisdiction, *subject, *role;
};
/* Checks each given filter against what the store holds (the loaded plans' ids, their
 * milestones, lifecycle states and roles, the registry's jurisdictions and subjects): a
 * value that names nothing is a usage error (64) naming the option and the value and
 * listing the values it could be (the first CLI_ONE_OF_MAX of them; a subject: where to
 * look them up), since a listing that showed nothing for `--state overdu` would read as "no
 * overdue tasks". Every command that takes one of these options calls it as soon as the
 * engine is open, before it reads or writes anything else, so the rule is one for all
 * (review 13d, F14). Milestones, states and roles are those of f->plan when given, else of
 * every loaded plan. Errors: DB_EUSAGE, the store's. */
int cli_check_filters(struct cli *c, struct engine *en, const struct cli_filters *f);
/* Whether id is a jurisdiction, an enterprise or an office of the registry, in *found.
 * Errors: the store's. */
int cli_subject_known(struct store_txn *txn, const char *id, bool *found, struct dberr *e);
/* The values kind (plan, milestone, state, role, jurisdiction, month) may take on this store,
 * added to out in the order people meet them (the plans', the registry's; months newest
 * first, the store's month and the eleven before it): what the bash completion offers
 * (`help --values`). en NULL: only checks kind. Errors: DB_EUSAGE for another kind, the
 * store's. */
struct strset;
int cli_values(struct cli *c, struct engine *en, const char *kind, struct strset *out);
/* DB_EUSAGE in c->err with this message (printf); returns DB_EUSAGE. */
/* Where path is, symbolic links and '..' followed (a path not made yet: where it would
 * be): in the store folder (or the folder itself), a folder holding the store, or neither.
 * Paths that cannot be resolved are taken as outside (opening them fails anyway). */
enum cli_store_place { CLI_OUTSIDE_STORE, CLI_INSIDE_STORE, CLI_HOLDS_STORE };
enum cli_store_place cli_in_store(const struct cli *c, const char *path);
/* Removes dir and everything under it, links not followed; best effort, cannot fail. */
void cli_rm_rf(const char *dir);
int cli_usage(struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The configuration, read once (config.h). Errors: DB_ECONFIG in c->err. */
int cli_config(struct cli *c, const struct config **out);
/* The engine opened as the command's flags say (CLI_ENGINE): read-only or read-write,
 * never creating the store (only `init` does: DB_ENOINPUT), refusing the wrong clock (CLI_VIRTUAL/CLI_REAL:
 * DB_EUSAGE). Errors: engine_open's, in c->err. The dispatcher closes it. */
int cli_engine(struct cli *c, struct engine **out);
/* A configured audit.key_file (or $DABIAO_AUDIT_KEY) that cannot be used — missing,
 * unreadable, not an Ed25519 PEM key, readable by others — refused (DB_ECONFIG, naming the
 * file and how to make it) before `init`, `run` or `web` starts: they would otherwise run
 * on and sign no checkpoint, and every receipt would go out unsigned (review 11d, W10).
 * No key configured: 0 (the store's own, made by `init`, or none). */
int cli_audit_key_ready(struct cli *c, const struct config *cfg);
/* The store alone (CLI_STORE), read-only unless CLI_WRITE. The dispatcher closes it. */
int cli_store(struct cli *c, struct store **out);

/* Prints what a load, an import or a calendar update changed (would change, dry) in the
 * tasks: beyond plain additions, or all (cmd_plan.c). */
void print_changes(const struct sched_changes *ch, bool all);

/* The verbosity a command runs at: none at all with -q (verbosity < 0), else warnings,
 * or info for a service (CLI_SERVICE), and one level more for each -v, up to debug.
 * Cannot fail. */
enum log_level cli_log_level(unsigned flags, int verbosity);

/* Runs the command argv[0] with its arguments: returns the process exit status, or
 * CLI_EXIT_PIPE when standard output's reader went away (main then ends by SIGPIPE,
 * quietly, as standard tools do). */
#define CLI_EXIT_PIPE (-1)
int cli_run(const struct cli_env *env, int argc, char **argv);
/* Flushes standard output: status unchanged when it was all written, CLI_EXIT_PIPE when its
 * reader went away, else 74 (or status, if already a failure) with the reason printed. */
int cli_finish_output(int status);
/* True when standard output is a pipe or socket whose reader has gone. Cannot fail. */
bool cli_stdout_gone(void);
/* Prints the general usage and the command list to f (`dabiao help`). */
void cli_print_usage(FILE *f);

/* ---- working-day calendars (calendars.c) ---- */
struct buf;
/* The years a calendar file covers, "2007-2026" or "2013-2014, 2016". Cannot fail. */
void cli_calendar_years(struct buf *b, const struct calfile *f);
/* `check FILE` of a calendar file: its versions, counts, sources. Cannot fail. */
void cli_calendar_file_summary(FILE *out, const struct calfile *f);
/* `check PLAN`: the calendars it uses with their coverage on out, and on warn a warning
 * naming each year its horizon reaches that a used calendar does not cover. Returns the
 * number of warnings. Cannot fail. */
size_t cli_calendar_plan_summary(FILE *out, FILE *warn, const char *file, const struct plan *p);
/* The warnings alone (`load` prints them too). Returns their number. Cannot fail. */
size_t cli_calendar_gap_warnings(FILE *warn, const char *file, const struct plan *p);
/* "PLAN: cn-mainland has no 2027 notice: dues in 2027 assume weekends only (...)", or,
 * when only the end of December 2026 reaches 2027, that the notice may still move those
 * days; in Chinese when zh. */
void cli_calendar_gap_text(struct buf *b, const struct plan *p, const struct plan_calgap *g,
                           bool zh);
/* The notes `status` and the timeline print: each (plan, calendar, year, December only)
 * once. */
struct cli_gap_note {
	char *plan;
	int use, year;
	bool december_only;
};
struct cli_gap_notes {
	struct cli_gap_note *v;
	size_t n, cap;
};
/* Notes every gap deciding day of plan p not noted before, printing "note: ..." lines on
 * out (NULL: only remembered). Cannot fail. */
void cli_gap_notes_add(struct cli_gap_notes *n, FILE *out, const struct plan *p, int32_t day);
void cli_gap_notes_release(struct cli_gap_notes *n);

int cmd_advance(struct cli *c);
int cmd_audit(struct cli *c);
int cmd_backup(struct cli *c);
int cmd_calendar(struct cli *c);
int cmd_calendar_update(struct cli *c);
int cmd_check(struct cli *c);
int cmd_clock(struct cli *c);
int cmd_decide(struct cli *c);
int cmd_deliver(struct cli *c);
int cmd_event(struct cli *c);
int cmd_extend(struct cli *c);
int cmd_flag(struct cli *c);
int cmd_help(struct cli *c);
int cmd_import(struct cli *c);
int cmd_import_annex(struct cli *c);
int cmd_init(struct cli *c);
int cmd_load(struct cli *c);
int cmd_outbox(struct cli *c);
int cmd_report(struct cli *c);
int cmd_retire(struct cli *c);
int cmd_run(struct cli *c);
int cmd_simulate(struct cli *c);
int cmd_status(struct cli *c);
int cmd_submit(struct cli *c);
int cmd_tasks(struct cli *c);
int cmd_user(struct cli *c);
int cmd_web(struct cli *c);
int cmd_workdays(struct cli *c);
int cmd_warnings(struct cli *c);

#endif
