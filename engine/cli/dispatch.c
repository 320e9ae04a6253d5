/*
 * dispatch.c - the command table and the dispatcher: what each command needs, and the
 * opening, error printing, delivering, closing and output checking done once for all.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "engine/cli/cli.h"

struct command {
	const char *name;
	int (*fn)(struct cli *c);
	unsigned flags;          /* enum cli_flags */
	const char *summary;
	const char *usage;
};

#define RD CLI_ENGINE
#define RW (CLI_ENGINE | CLI_WRITE)

/* Sorted by name: `dabiao --help` lists them in this order. */
static const struct command commands[] = {
	{"advance", cmd_advance, RW | CLI_VIRTUAL,
	 "apply every due entry up to a time (virtual clock)", "dabiao advance --to TIME"},
	{"audit", cmd_audit, CLI_STORE, "the audit log: list, export, checkpoint, prove, verify",
	 "dabiao audit [--task T] [--subject S] [--actor A] [--since TIME] [--format table|jsonl]\n"
	 "       dabiao audit export [--out FILE]\n"
	 "       dabiao audit checkpoint\n"
	 "       dabiao audit key\n"
	 "       dabiao audit prove SEQ [--checkpoint FILE]\n"
	 "       dabiao audit verify [--checkpoint FILE] [--key FILE]"},
	{"backup", cmd_backup, CLI_STORE, "a consistent, compacted hot copy of the store",
	 "dabiao backup DIR"},
	{"calendar", cmd_calendar, RD,
	 "the deadlines as an iCalendar (RFC 5545) file, reminders as alarms",
	 "dabiao calendar [--plan ID] [--subject ID] [--role R] [--out FILE]"},
	{"check", cmd_check, 0, "validate plan files", "dabiao check PLAN.yaml..."},
	{"clock", cmd_clock, RD, "show the store's clock mode and now", "dabiao clock"},
	{"deliver", cmd_deliver, RW, "deliver every notice due now, once, and exit",
	 "dabiao deliver"},
	{"event", cmd_event, RW | CLI_DELIVERS, "apply a lifecycle event to a task",
	 "dabiao event TASK EVENT --by WHO [--note TEXT]"},
	{"extend", cmd_extend, RW | CLI_DELIVERS, "move a task's (or a selection's) deadline",
	 "dabiao extend (TASK | --milestone M [--period P] [--jurisdiction J]) --to DATE --by WHO "
	 "--reason TEXT"},
	{"flag", cmd_flag, RW | CLI_DELIVERS,
	 "raise an accountability flag (concealed, falsified, omitted)",
	 "dabiao flag TASK --kind concealed|falsified|omitted --by WHO --reason TEXT"},
	{"import", cmd_import, RW | CLI_CREATE,
	 "import a registry of jurisdictions, enterprises and offices",
	 "dabiao import REGISTRY.yaml|ENTERPRISES.csv"},
	{"init", cmd_init, 0, "create a store",
	 "dabiao init [--clock real|virtual] [--now TIME] [--tz ZONE]"},
	{"load", cmd_load, RW | CLI_CREATE,
	 "store a plan (a changed file makes a new version) and expand tasks",
	 "dabiao load PLAN.yaml"},
	{"outbox", cmd_outbox, RD, "list notices: queued, retrying, failed, sent",
	 "dabiao outbox [--pending|--retrying|--failed|--sent]"},
	{"report", cmd_report, RD, "Annex 3 and Annex 4 tables, the accountability record",
	 "dabiao report annex3|annex4 --month YYYY-MM [--plan ID] [--format table|csv|xlsx] "
	 "[--out FILE]\n"
	 "       dabiao report accountability [--from DATE] [--to DATE] [--format table|csv|xlsx] "
	 "[--out FILE]"},
	{"run", cmd_run, RW | CLI_CREATE | CLI_REAL,
	 "run the scheduler on the real clock (the daemon)", "dabiao run"},
	{"simulate", cmd_simulate, 0, "print a plan's timeline from a throw-away store",
	 "dabiao simulate PLAN.yaml --registry REGISTRY [--from TIME] [--to TIME]"},
	{"status", cmd_status, RD, "who is late: per jurisdiction, open, due, overdue, late",
	 "dabiao status [--jurisdiction ID] [--plan ID]"},
	{"submit", cmd_submit, RW | CLI_DELIVERS, "record a submission for a task",
	 "dabiao submit TASK --by WHO [--at TIME] [--file PATH] [--note TEXT] [--sections a,b]"},
	{"tasks", cmd_tasks, RD, "list tasks",
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

void
cli_print_usage(FILE *f)
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

/* The command's failure, printed once: a usage error with the command's usage line. */
static int
report_failure(const struct command *cmd, const struct dberr *e, int rc)
{
	if (rc == DB_EUSAGE || e->code == DB_EUSAGE) {
		fprintf(stderr, "dabiao %s: %s\nusage: %s\n", cmd->name,
		        e->msg[0] ? e->msg : dabiao_strerror(DB_EUSAGE), cmd->usage);
		return 64;
	}
	dberr_print(e, stderr);
	return dberr_exit_status(e->code ? e->code : rc);
}

int
cli_run(const struct cli_env *env, int argc, char **argv)
{
	const struct command *cmd;
	struct cli c;
	int rc, status;

	if (argc < 1) {
		cli_print_usage(stderr);
		return 64;
	}
	cmd = find_command(argv[0]);
	if (cmd == NULL) {
		fprintf(stderr, "dabiao: error: unknown command '%s' (see dabiao --help)\n",
		        argv[0]);
		return 64;
	}
	for (int k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
			printf("usage: %s\n\n%s\n", cmd->usage, cmd->summary);
			return 0;
		}
		if (strcmp(argv[k], "--") == 0)
			break;
	}
	memset(&c, 0, sizeof(c));
	c.name = cmd->name;
	c.argc = argc - 1;
	c.argv = argv + 1;
	c.env = env;
	c.flags = cmd->flags;
	rc = cmd->fn(&c);
	/* what a writing command queued goes out after its commit */
	if (rc == 0 && (cmd->flags & CLI_DELIVERS) && c.en != NULL)
		rc = deliver_all(c.en, NULL, &c.err);
	if (rc < 0)
		status = report_failure(cmd, &c.err, rc);
	else
		status = rc;
	engine_close(c.en);
	if (c.store)
		store_close(c.store);
	if (c.config) {
		config_release(c.config);
		free(c.config);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (status == 0)
			status = 74;
		fprintf(stderr, "dabiao: error: cannot write standard output: %s\n",
		        strerror(errno));
	}
	return status;
}
