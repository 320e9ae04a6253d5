/*
 * main.c - dabiao's entry point: global options, then one subcommand from a sorted table.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/log.h"
#include "engine/cli.h"

struct command {
	const char *name;
	int (*fn)(struct cli *c);
	const char *summary;
	const char *usage;
};

/* Sorted by name: `dabiao --help` lists them in this order. */
static const struct command commands[] = {
	{"advance", cmd_advance, "apply every due entry up to a time (virtual clock)",
	 "dabiao advance --to TIME"},
	{"audit", cmd_audit, "the audit log: list, export, checkpoint, prove, verify",
	 "dabiao audit [--task T] [--subject S] [--actor A] [--since TIME] [--format table|jsonl]\n"
	 "       dabiao audit export [--out FILE]\n"
	 "       dabiao audit checkpoint\n"
	 "       dabiao audit key\n"
	 "       dabiao audit prove SEQ [--checkpoint FILE]\n"
	 "       dabiao audit verify [--checkpoint FILE] [--key FILE]"},
	{"backup", cmd_backup, "a consistent, compacted hot copy of the store",
	 "dabiao backup DIR"},
	{"calendar", cmd_calendar, "the deadlines as an iCalendar (RFC 5545) file, reminders as alarms",
	 "dabiao calendar [--plan ID] [--subject ID] [--role R] [--out FILE]"},
	{"check", cmd_check, "validate plan files", "dabiao check PLAN.yaml..."},
	{"clock", cmd_clock, "show the store's clock mode and now", "dabiao clock"},
	{"deliver", cmd_deliver, "deliver every notice due now, once, and exit", "dabiao deliver"},
	{"event", cmd_event, "apply a lifecycle event to a task",
	 "dabiao event TASK EVENT --by WHO [--note TEXT]"},
	{"extend", cmd_extend, "move a task's (or a selection's) deadline",
	 "dabiao extend (TASK | --milestone M [--period P] [--jurisdiction J]) --to DATE --by WHO "
	 "--reason TEXT"},
	{"flag", cmd_flag, "raise an accountability flag (concealed, falsified, omitted)",
	 "dabiao flag TASK --kind concealed|falsified|omitted --by WHO --reason TEXT"},
	{"import", cmd_import, "import a registry of jurisdictions, enterprises and offices",
	 "dabiao import REGISTRY.yaml|ENTERPRISES.csv"},
	{"init", cmd_init, "create a store",
	 "dabiao init [--clock real|virtual] [--now TIME] [--tz ZONE]"},
	{"load", cmd_load, "store a plan (a changed file makes a new version) and expand tasks",
	 "dabiao load PLAN.yaml"},
	{"outbox", cmd_outbox, "list notices: queued, retrying, failed, sent",
	 "dabiao outbox [--pending|--retrying|--failed|--sent]"},
	{"report", cmd_report, "Annex 3 and Annex 4 tables, the accountability record",
	 "dabiao report annex3|annex4 --month YYYY-MM [--plan ID] [--format table|csv|xlsx] "
	 "[--out FILE]\n"
	 "       dabiao report accountability [--from DATE] [--to DATE] [--format table|csv|xlsx] "
	 "[--out FILE]"},
	{"run", cmd_run, "run the scheduler on the real clock (the daemon)", "dabiao run"},
	{"simulate", cmd_simulate, "print a plan's timeline from a throw-away store",
	 "dabiao simulate PLAN.yaml --registry REGISTRY [--from TIME] [--to TIME]"},
	{"status", cmd_status, "who is late: per jurisdiction, open, due, overdue, late",
	 "dabiao status [--jurisdiction ID] [--plan ID]"},
	{"submit", cmd_submit, "record a submission for a task",
	 "dabiao submit TASK --by WHO [--at TIME] [--file PATH] [--note TEXT] [--sections a,b]"},
	{"tasks", cmd_tasks, "list tasks",
	 "dabiao tasks [--plan ID] [--subject ID] [--milestone ID] [--state S] "
	 "[--format table|csv|json]"},
};

static const struct command *
find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

const char *
cli_usage(const char *name)
{
	const struct command *c = find_command(name);

	return c ? c->usage : "dabiao COMMAND [ARGS]";
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: dabiao [--db DIR] [--config FILE] [-v|-q] COMMAND [ARGS]\n"
	           "       dabiao --help | --version | COMMAND --help\n\n"
	           "dabiao runs compliance plans: it keeps every deadline, reminds before it,\n"
	           "records lapses and escalates them.\n\n"
	           "The store is DIR, else $DABIAO_DB, else ./dabiao.db. The configuration is\n"
	           "FILE, else $DABIAO_CONFIG, else /etc/dabiao/dabiao.yaml if it exists;\n"
	           "$DABIAO_SMTP=smtp://host:port names an SMTP server. Without one, notices\n"
	           "are written as .eml files in DIR/outbox/.\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
}

int
main(int argc, char **argv)
{
	const char *db = getenv("DABIAO_DB");
	const struct command *cmd;
	struct cli c;
	int i;

	/* libuv writes with write() and libESMTP asks for it too: a closed peer must be an
	 * error return, not a signal that kills the daemon. */
	signal(SIGPIPE, SIG_IGN);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--version") == 0) {
			printf("dabiao %s\n", DABIAO_VERSION);
			return 0;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			/* the process's configuration: every command reads it the same way */
			setenv("DABIAO_CONFIG", argv[++i], 1);
		} else if (strncmp(argv[i], "--config=", 9) == 0) {
			setenv("DABIAO_CONFIG", argv[i] + 9, 1);
		} else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			db = argv[++i];
		} else if (strncmp(argv[i], "--db=", 5) == 0) {
			db = argv[i] + 5;
		} else if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0) {
			log_set_level(log_get_level() + 1);
		} else if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0) {
			log_set_level(LOG_LEVEL_QUIET);
		} else {
			fprintf(stderr, "dabiao: error: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return 64;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 64;
	}
	cmd = find_command(argv[i]);
	if (cmd == NULL) {
		fprintf(stderr, "dabiao: error: unknown command '%s' (see dabiao --help)\n",
		        argv[i]);
		return 64;
	}
	c.db = db && *db ? db : "./dabiao.db";
	c.name = cmd->name;
	c.argc = argc - i - 1;
	c.argv = argv + i + 1;
	for (int k = 0; k < c.argc; k++) {
		if (strcmp(c.argv[k], "--help") == 0 || strcmp(c.argv[k], "-h") == 0) {
			printf("usage: %s\n\n%s\n", cmd->usage, cmd->summary);
			return 0;
		}
		if (strcmp(c.argv[k], "--") == 0)
			break;
	}
	return cmd->fn(&c);
}
