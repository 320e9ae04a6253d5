/*
 * main.c - dabiao's entry point: global options and the environment, read once, then one
 * subcommand (dispatch.c). Besides the configuration reader (engine/config/), the only code
 * that reads the process environment.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "engine/cli/cli.h"

int
main(int argc, char **argv)
{
	const char *db = getenv("DABIAO_DB"), *user = getenv("USER"), *tmp = getenv("TMPDIR");
	struct cli_env env = {0};
	int i;

	/* libuv writes with write() and libESMTP asks for it too: a closed peer must be an
	 * error return, not a signal that kills the daemon. */
	signal(SIGPIPE, SIG_IGN);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--version") == 0) {
			printf("dabiao %s\n", DABIAO_VERSION);
			return 0;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			cli_print_usage(stdout);
			return 0;
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
			fprintf(stderr, "dabiao: error: unknown option '%s'\n", argv[i]);
			cli_print_usage(stderr);
			return 64;
		}
	}
	env.db = db && *db ? db : "./dabiao.db";
	env.actor = user && *user ? user : "dabiao";
	env.tmpdir = tmp && *tmp ? tmp : "/tmp";
	return cli_run(&env, argc - i, argv + i);
}
