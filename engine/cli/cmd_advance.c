/*
 * cmd_advance.c - the virtual clock moved forward: `advance` on a virtual store, and
 * `simulate`, which is advance over a throw-away store, so its timeline and a real store's
 * advance agree line for line.
 */
/* mkdtemp() is X/Open; sigwaitinfo() POSIX */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "engine/cli/cli.h"
#include "engine/report/report.h"

/* The timeline's rows written at a time in csv or json (a year's simulation is thousands). */
#define TIMELINE_CHUNK 1024

/* The timeline's fields (docs/output.md): a script that tests a plan reads them (review13f
 * C14: the two timelines were text only). */
static const char *const timeline_columns[] = {"at", "kind", "task", "recipients"};

/* Where the timeline goes: the text lines as they happen, or rows of the one writer. */
struct timeline {
	struct cli_gap_notes notes;
	enum report_format fmt;
	bool rows;               /* csv, csv-excel, json: out and t in use */
	struct report_out out;
	struct report_table t;
	int rc;                  /* the first failed write; its details in err */
	struct dberr err;
};

/* Opens tl for fmt (table: the text lines, nothing to open). Errors: report_out_open's. */
static int
timeline_open(struct timeline *tl, enum report_format fmt, struct dberr *e)
{
	int rc;

	memset(tl, 0, sizeof(*tl));
	tl->fmt = fmt;
	if (fmt == REPORT_FMT_TABLE)
		return 0;
	if ((rc = report_out_open(&tl->out, fmt, NULL, 1, e)) != 0)
		return rc;
	report_table_init(&tl->t, "", "timeline", timeline_columns, 4);
	report_table_keys(&tl->t, "timeline", timeline_columns);
	tl->rows = true;
	return 0;
}

/* Ends tl: its last rows and the output's end when rc (the command's) is 0; releases it
 * either way. Returns rc, else the first failed write (its details in e). */
static int
timeline_close(struct timeline *tl, int rc, struct dberr *e)
{
	if (tl->rows) {
		if (rc == 0 && tl->rc == 0)
			tl->rc = report_out_table_end(&tl->out, &tl->t, &tl->err);
		if (rc == 0 && tl->rc == 0)
			tl->rc = report_out_close(&tl->out, &tl->err);
		else
			report_out_close(&tl->out, NULL);
		report_table_release(&tl->t);
	}
	cli_gap_notes_release(&tl->notes);
	if (rc == 0 && tl->rc != 0) {
		*e = tl->err;
		rc = tl->rc;
	}
	return rc;
}

/* One timeline line: local time in the plan's zone, kind, task, recipients. A deadline's
 * line shows the deadline instant itself, to the second, as `tasks` does (the task lapses
 * one second later): "2017-04-20 23:59:59 +08:00", not the next day's 00:00. The first
 * action in a year one of the plan's calendars does not cover is preceded by a note on
 * standard error (arg: the timeline, with the notes made so), so standard output stays one
 * line per action. In csv and json, a row of the same: at (RFC 3339), kind, task,
 * recipients (a list). */
static void
print_action(const struct engine_action *a, void *arg)
{
	struct timeline *tl = arg;
	int64_t at = strcmp(a->kind, "deadline") == 0 ? a->planned - 1 : a->at;
	char when[80];
	int32_t day;

	tz_utc_to_local(a->plan->tz, a->at, &day, NULL, NULL);
	fflush(stdout);
	cli_gap_notes_add(&tl->notes, stderr, a->plan->plan, day);
	if (tl->rows) {
		const char **to = NULL;
		char *list = xstrdup(a->recipients ? a->recipients : ""), *save = NULL;
		size_t n = 0, cap = 0;

		if (tl->rc != 0)
			goto done;
		for (char *r = strtok_r(list, ", ", &save); r; r = strtok_r(NULL, ", ", &save)) {
			to = xgrow(to, &cap, n + 1, sizeof(*to));
			to[n++] = r;
		}
		report_add_time(&tl->t, a->plan->tz, at);
		report_add_str(&tl->t, a->kind);
		report_add_str(&tl->t, a->task);
		report_add_list(&tl->t, to, n);
		if (report_nrows(&tl->t) >= TIMELINE_CHUNK)
			tl->rc = report_out_rows(&tl->out, &tl->t, &tl->err);
done:
		free(to);
		free(list);
		return;
	}
	if (strcmp(a->kind, "deadline") == 0) {
		char r[40];

		/* RFC 3339 "2017-04-20T23:59:59+08:00" (always +HH:MM) in the timeline's layout */
		tz_format_rfc3339(a->plan->tz, at, r);
		snprintf(when, sizeof(when), "%.10s %.8s %s", r, r + 11, r + 19);
	} else {
		tz_format_local(a->plan->tz, at, when);
	}
	printf("%s  %-30s %s  %s\n", when, a->kind, a->task,
	       a->recipients && *a->recipients ? a->recipients : "-");
}

int
cmd_advance(struct cli *c)
{
	const char *to = NULL, *format = "table";
	struct cli_opt opts[] = {{"to", &to, NULL}, {"format", &format, NULL}, {NULL, NULL, NULL}};
	struct timeline tl;
	enum report_format fmt;
	struct engine *en;
	int64_t upto;
	size_t n = 0;
	char now[40];
	int rc;

	if ((rc = cli_parse(c, opts, NULL, 0, NULL)) != 0 ||
	    (rc = cli_format(c, format, CLI_FMT_TABLES, &fmt)) != 0)
		return rc;
	if (to == NULL)
		return cli_usage(c, "--to TIME is required");
	if ((rc = cli_engine(c, &en)) != 0)
		return rc;
	if (tz_parse_time(engine_tz(en), to, &upto) != 0)
		return cli_usage(c, "--to: '%s' is not a time (RFC 3339, e.g. "
		                 "2017-07-03T10:00:00+08:00)", to);
	if (upto < engine_now(en)) {
		tz_format_rfc3339(engine_tz(en), engine_now(en), now);
		return cli_usage(c, "--to %s is before the store's now (%s): a clock does not run "
		                 "backwards", to, now);
	}
	if ((rc = timeline_open(&tl, fmt, &c->err)) != 0)
		return rc;
	engine_on_action(en, print_action, &tl);
	/* what an earlier, interrupted command left queued goes out first */
	if ((rc = deliver_all(en, NULL, &c->err)) != 0 ||
	    (rc = sched_apply_due(en, upto, true, &sched_hooks_deliver, &n, &c->err)) != 0)
		goto out;
	fflush(stdout);
	tz_format_rfc3339(engine_tz(en), engine_now(en), now);
	fprintf(stderr, "advanced to %s: %zu due entries applied\n", now, n);
out:
	engine_on_action(en, NULL, NULL);
	return timeline_close(&tl, rc, &c->err);
}

/* The throw-away store goes whatever ends the simulation: its end, an error, a reader
 * going away, and Ctrl-C, a SIGTERM from `timeout` or a supervisor, the terminal closing
 * (review 13e, E8: each interrupted run left its megabytes in $TMPDIR). A signal handler may
 * not remove a folder (nftw is not async-signal-safe) and the command keeps no global
 * state, so the simulation runs in a child process while this one waits with those signals
 * blocked, passes each on to the child, removes dir once the child has ended, and then ends
 * as the child did: by its signal (130 for Ctrl-C, as shells expect; 141 for a reader gone),
 * or with its status. Called before anything but dir exists (one thread, nothing open).
 * Returns 0 in the child, which goes on to simulate (*child set); in this process the status
 * to exit with. Errors: DB_EIO (no child could be made; dir is removed). */
static int
simulate_in_child(struct cli *c, const char *dir, bool *child)
{
	static const int passed[] = {SIGINT, SIGTERM, SIGHUP};
	sigset_t set, old;
	pid_t pid;
	int status = 0, sig;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(passed) / sizeof(passed[0]); i++)
		sigaddset(&set, passed[i]);
	sigaddset(&set, SIGCHLD);
	fflush(stdout);
	fflush(stderr);
	if (sigprocmask(SIG_BLOCK, &set, &old) != 0 || (pid = fork()) < 0) {
		int err = errno;

		sigprocmask(SIG_SETMASK, &old, NULL);
		cli_rm_rf(dir);
		return dberr_set(&c->err, DB_EIO, "cannot start the simulation: %s", strerror(err));
	}
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		*child = true;
		return 0;
	}
	for (;;) {
		if ((sig = sigwaitinfo(&set, NULL)) < 0 && errno == EINTR)
			continue;   /* a signal not in the set, handled as usual */
		if (sig < 0) {
			/* cannot wait for signals: wait for the child alone */
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			break;
		}
		if (sig == SIGCHLD) {
			if (waitpid(pid, &status, WNOHANG) == pid)
				break;
			continue;   /* stopped or continued (Ctrl-Z, fg), not ended */
		}
		kill(pid, sig);
	}
	cli_rm_rf(dir);
	if (WIFSIGNALED(status)) {
		sig = WTERMSIG(status);
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGPIPE) {
			signal(sig, SIG_DFL);
			sigprocmask(SIG_SETMASK, &old, NULL);
			raise(sig);
		}
		return 128 + sig;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return WEXITSTATUS(status);
}

int
cmd_simulate(struct cli *c)
{
	const char *from = NULL, *to = NULL, *files[1], *format = "table";
	struct cli_vals regs = {0};
	struct cli_opt opts[] = {{"from", &from, NULL}, {"to", &to, NULL},
	                         {"format", &format, NULL}, {NULL, NULL, NULL}};
	struct timeline tl;
	enum report_format fmt;
	struct sched_sim sim = {0};
	struct engine *en = NULL;
	bool child = false;
	char dir[4096];
	int npos, rc;

	if ((rc = cli_take_all(c, "registry", &regs)) != 0 ||
	    (rc = cli_parse(c, opts, files, 1, &npos)) != 0 ||
	    (rc = cli_format(c, format, CLI_FMT_TABLES, &fmt)) != 0 ||
	    ((npos != 1 || regs.n == 0) &&
	     (rc = cli_usage(c, "give one plan file and --registry FILE (one or more)")) != 0))
		goto out;
	snprintf(dir, sizeof(dir), "%s/dabiao-simulate-XXXXXX", c->env->tmpdir);
	if (mkdtemp(dir) == NULL) {
		rc = dberr_set(&c->err, DB_ECANTCREAT, "cannot create a temporary store: %s",
		               strerror(errno));
		goto out;
	}
	if ((rc = simulate_in_child(c, dir, &child)) != 0 || !child)
		goto out;   /* this process waited for the child and removed dir */
	rmdir(dir); /* store_open creates it with its own mode */
	sim.dir = dir;
	sim.plan = files[0];
	sim.registries = regs.v;
	sim.nregistries = regs.n;
	sim.from = from;
	sim.to = to;
	sim.actor = c->env->actor;
	sim.log_level = c->log_level;
	sim.on_action = print_action;
	sim.arg = &tl;
	if ((rc = timeline_open(&tl, fmt, &c->err)) == 0) {
		if ((rc = cli_config(c, &sim.config)) == 0)
			rc = sched_simulate(&sim, &en, &c->err);
		fflush(stdout);
		rc = timeline_close(&tl, rc, &c->err);
	}
	engine_close(en);
	cli_rm_rf(dir);
out:
	free(regs.v);
	return rc;
}
