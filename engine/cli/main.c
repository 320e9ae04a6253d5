/*
 * main.c - dabiao's entry point: global options and the environment, read once, then one
 * subcommand (commands.c). Besides the configuration reader (engine/config/), the only code
 * that reads the process environment.
 */
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/utf8.h"
#include "engine/cli/cli.h"
#include "notifiers/smtp.h"

/* A user's name as the system knows it, or "uid N". */
static void
user_name(uid_t uid, char *out, size_t n)
{
	struct passwd *pw = getpwuid(uid);

	if (pw != NULL && pw->pw_name != NULL && pw->pw_name[0] != '\0')
		snprintf(out, n, "%s", pw->pw_name);
	else
		snprintf(out, n, "uid %u", (unsigned)uid);
}

/*
 * Who runs this command, as the operating system says, never as the environment says ($USER
 * is whatever the caller sets): the real user id's name; and when the kernel's login user id
 * (/proc/self/loginuid, set at login by pam_loginuid and kept across su and sudo) is another
 * user, that one first: "zhangsan as dabiao" for an officer who ran `sudo -u dabiao dabiao
 * submit …`. The name a command's --by gives is recorded beside it, in the record's details.
 */
static void
os_actor(char *out, size_t n)
{
	uid_t uid = getuid();
	char who[128], login[128];
	unsigned long luid = (unsigned long)-1;
	FILE *f = fopen("/proc/self/loginuid", "r");

	user_name(uid, who, sizeof(who));
	if (f != NULL) {
		if (fscanf(f, "%lu", &luid) != 1)
			luid = (unsigned long)-1;
		fclose(f);
	}
	/* 4294967295: no login (a service, a container) */
	if (luid == (unsigned long)-1 || luid == 4294967295UL || (uid_t)luid == uid) {
		snprintf(out, n, "%s", who);
		return;
	}
	user_name((uid_t)luid, login, sizeof(login));
	snprintf(out, n, "%s as %s", login, who);
}

/* `--db A --db B` names two stores: which one was meant is a guess, so neither is taken
 * (as a command's options given twice, engine/cli/cli.c). */
static int
twice(const char *opt)
{
	fprintf(stderr, "dabiao: error: option '--%s' given twice: give it once\n", opt);
	return 64;
}

int
main(int argc, char **argv)
{
	const char *db = getenv("DABIAO_DB"), *tmp = getenv("TMPDIR");
	static char help[] = "help";
	char *help_argv[] = {help, NULL};
	char actor[300];
	struct cli_env env = {0};
	bool want_help = false, db_given = false, quiet = false;
	int i, status, verbose = 0;

	/* the SMTP helper (notifiers/sender.c): this program exec'd afresh by the daemon, which
	 * sends its request on descriptor 0; not a command, not in --help */
	if (argc == 2 && strcmp(argv[1], NOTIFY_SMTP_HELPER_ARG) == 0)
		return notify_smtp_helper_main();

	/* libuv writes with write() and libESMTP asks for it too: a closed peer must be an
	 * error return, not a signal that kills the daemon. */
	signal(SIGPIPE, SIG_IGN);
	/* a file size limit (ulimit -f) reached by an --out file is a write that fails (EFBIG),
	 * reported and cleaned up, not a signal that kills dabiao halfway through */
	signal(SIGXFSZ, SIG_IGN);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--version") == 0) {
			printf("dabiao %s\n", DABIAO_VERSION);
			return 0;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			want_help = true;
			break;
		} else if ((strcmp(argv[i], "--config") == 0 && i + 1 < argc) ||
		           strncmp(argv[i], "--config=", 9) == 0) {
			if (env.config != NULL)
				return twice("config");
			env.config = argv[i][8] == '=' ? argv[i] + 9 : argv[++i];
			if (*env.config == '\0') {
				/* as --db '': never quietly the default configuration */
				fprintf(stderr, "dabiao: error: --config names no file (an empty "
				        "argument); give the configuration file\n");
				return 64;
			}
		} else if ((strcmp(argv[i], "--db") == 0 && i + 1 < argc) ||
		           strncmp(argv[i], "--db=", 5) == 0) {
			if (db_given)
				return twice("db");
			db_given = true;
			db = argv[i][4] == '=' ? argv[i] + 5 : argv[++i];
			if (*db == '\0') {
				/* a variable that expanded to nothing: never quietly ./dabiao.db */
				fprintf(stderr, "dabiao: error: --db names no folder (an empty "
				        "argument); give the store's folder\n");
				return 64;
			}
		} else if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0) {
			verbose++;
		} else if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0) {
			quiet = true;
		} else {
			struct buf b = BUF_INIT;
			char clip[UTF8_CLIP_BUF];

			report_terminal_text(&b, utf8_clip(argv[i], clip), false);
			fprintf(stderr, "dabiao: error: unknown option '%s' (global options come "
			        "before the command; dabiao help lists them)\n", buf_str(&b));
			buf_release(&b);
			return 64;
		}
	}
	if (quiet && verbose > 0) {
		/* which one was meant is a guess, as with an option given twice */
		fprintf(stderr, "dabiao: error: -q and -v together: give one (-q: no log lines; "
		        "-v: more of them)\n");
		return 64;
	}
	/* one setting, handed to the command (cli_log_level), never a global */
	env.verbosity = quiet ? -1 : verbose;
	env.db = db && *db ? db : "./dabiao.db";
	os_actor(actor, sizeof(actor));
	env.actor = actor;
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
