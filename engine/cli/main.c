/*
 * main.c - dabiao's entry point: global options and the environment, read once, then one
 * subcommand (dispatch.c). Besides the configuration reader (engine/config/), the only code
 * that reads the process environment.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "engine/cli/cli.h"
#include "notifiers/smtp.h"

int
main(int argc, char **argv)
{
	const char *db = getenv("DABIAO_DB"), *user = getenv("USER"), *tmp = getenv("TMPDIR");
	static char help[] = "help";
	char *help_argv[] = {help, NULL};
	struct cli_env env = {0};
	bool want_help = false;
	int i, status;

	/* the SMTP helper (notifiers/sender.c): this program exec'd afresh by the daemon, which
	 * sends its request on descriptor 0; not a command, not in --help */
	if (argc == 2 && strcmp(argv[1], NOTIFY_SMTP_HELPER_ARG) == 0)
		return notify_smtp_helper_main();

	/* libuv writes with write() and libESMTP asks for it too: a closed peer must be an
	 * error return, not a signal that kills the daemon. */
	signal(SIGPIPE, SIG_IGN);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--version") == 0) {
			printf("dabiao %s\n", DABIAO_VERSION);
			return 0;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			want_help = true;
			break;
		} else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			env.config = argv[++i];
		} else if (strncmp(argv[i], "--config=", 9) == 0) {
			env.config = argv[i] + 9;
		} else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			db = argv[++i];
		} else if (strncmp(argv[i], "--db=", 5) == 0) {
			db = argv[i] + 5;
		} else if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0) {
			log_set_level(log_get_level() + 1);
		} else if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0) {
			log_set_level(LOG_LEVEL_QUIET);
		} else {
			fprintf(stderr, "dabiao: error: unknown option '%s' (global options come "
			        "before the command; dabiao help lists them)\n", argv[i]);
			return 64;
		}
	}
	env.db = db && *db ? db : "./dabiao.db";
	env.actor = user && *user ? user : "dabiao";
	env.tmpdir = tmp && *tmp ? tmp : "/tmp";
	status = want_help ? cli_run(&env, 1, help_argv) : cli_run(&env, argc - i, argv + i);
	if (status == CLI_EXIT_PIPE) {
		/* standard output's reader went away: end as `cat` would, killed by SIGPIPE,
		 * which shells do not report */
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
		return 128 + SIGPIPE;
	}
	return status;
}
