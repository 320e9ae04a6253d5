/*
 * cli_int.h - the command table's shape, shared by the dispatcher (commands.c, which holds
 * the table) and the help renderer (help.c). Private to engine/cli/.
 *
 * Everything a person or a shell learns about a command comes from its row: `dabiao help`,
 * `dabiao help COMMAND` (= `COMMAND --help`), the man page (`dabiao help --man`, kept as
 * deploy/dabiao.1) and the bash completion (`dabiao help --completion`, kept as
 * deploy/dabiao.bash-completion). cli_parse refuses an option its command's row does not
 * document, and tests/it/help_docs.py compares the kept files and README's synopsis with
 * what the binary prints, so none of them can drift from what a command accepts.
 */
#ifndef DABIAO_CLI_INT_H
#define DABIAO_CLI_INT_H

#include "engine/cli/cli.h"

/* One option. arg is NULL for a flag; "a|b|c" lists the values (the completion offers
 * them); an arg naming FILE, DIR, PLAN or REGISTRY makes the completion offer paths. */
struct cli_optdoc {
	const char *name;     /* without the dashes: "format" */
	const char *arg;      /* "table|csv|json", "FILE", "TIME", or NULL */
	const char *def;      /* what applies when it is not given, or NULL */
	const char *text;     /* one sentence or two */
};

/* One exit status a command may end with, besides 0 and the ones every command of its kind
 * shares (help.c adds those from the command's flags). */
struct cli_exitdoc {
	int status;           /* 0 ends the list */
	const char *text;
};

/* The groups of `dabiao help`, in the order they are listed. */
enum cli_group { CLI_G_SETUP = 0, CLI_G_TIME, CLI_G_WORK, CLI_G_RECORDS, CLI_G_HELP, CLI_G_N };

struct cli_command {
	const char *name;
	int (*fn)(struct cli *c);
	unsigned flags;                  /* enum cli_flags */
	enum cli_group group;
	const char *summary;             /* one line, lower case, no full stop */
	const char *usage;               /* one or more lines "dabiao NAME ...", '\n' between */
	const char *text;                /* what it does: paragraphs separated by "\n\n";
	                                  * `code` in backticks is bold in the man page */
	const struct cli_optdoc *opts;   /* {NULL}-terminated; NULL for none */
	const struct cli_exitdoc *exits; /* {0}-terminated; NULL for none */
	const char *example;             /* shell lines, '\n' between; comments start with # */
	const char *subs;                /* subcommand words, space-separated, or NULL */
	bool file_args;                  /* positional arguments are files (completion) */
};

/* The table (sorted by name) and its length. */
extern const struct cli_command cli_commands[];
extern const size_t cli_ncommands;
/* The options main() reads before the command, the environment, and the exit statuses
 * every command shares. */
extern const struct cli_optdoc cli_global_opts[];
extern const struct cli_optdoc cli_environment[];
extern const struct cli_exitdoc cli_exit_statuses[];

/* The most characters the option's value may have, by its ARG (utf8.h): WHO and NAME
 * are one-line texts kept in the store (UTF8_LINE_MAX), TEXT may run over several lines
 * (UTF8_PARA_MAX); 0 for any other (a path, an id, a time: each has a check of its own).
 * cli_parse refuses a longer value (64); the help states the bound. Cannot fail. */
size_t cli_text_max(const struct cli_optdoc *o);

/* The row of a command, or NULL. */
const struct cli_command *cli_command_find(const char *name);

/* help.c: `dabiao COMMAND --help` (the same text as `dabiao help COMMAND`). */
void cli_help_command(const struct cli_command *cmd, FILE *f);

#endif
