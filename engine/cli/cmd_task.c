/*
 * cmd_task.c - commands that act on one task: submit, event, flag. Each is one
 * transaction; a refused event changes nothing. What they queue is delivered by the
 * dispatcher after the commit.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/sha256.h"
#include "engine/cli/cli.h"

/* A submitted document is a file someone handed in: a report, a spreadsheet, a scan. */
#define SUBMIT_FILE_MAX (1ull << 30)

/* sha256 of a file, streamed: the file itself stays where it is. Only a regular file of at
 * most SUBMIT_FILE_MAX bytes: /dev/zero, a FIFO or a 50 GB file on a network share would
 * keep the command reading for ever. Opened without blocking, so a FIFO with no writer is
 * refused rather than waited for. */
static int
file_sha256(const char *path, char *hex, struct dberr *e)
{
	unsigned char buf[65536];
	struct sha256 *h;
	struct stat st;
	ssize_t n = 0;
	uint64_t total = 0;
	int rerr;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

	if (fd < 0)
		return dberr_set(e, errno == ENOENT ? DB_ENOINPUT : -errno, "--file %s: cannot "
		                 "open: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		int rc = dberr_set(e, -errno, "--file %s: %s", path, strerror(errno));

		close(fd);
		return rc;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > SUBMIT_FILE_MAX) {
		int rc = !S_ISREG(st.st_mode)
		         ? dberr_set(e, DB_ENOINPUT, "--file %s: not a regular file (a %s); give "
		                     "the document itself", path,
		                     S_ISDIR(st.st_mode) ? "folder" : S_ISFIFO(st.st_mode) ? "pipe"
		                     : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "device"
		                     : S_ISSOCK(st.st_mode) ? "socket" : "special file")
		         : dberr_set(e, DB_EDATA, "--file %s: %llu bytes, more than the %llu a "
		                     "submitted document may have", path,
		                     (unsigned long long)st.st_size,
		                     (unsigned long long)SUBMIT_FILE_MAX);
		close(fd);
		return rc;
	}
	h = sha256_begin();
	/* a file that grows while it is read stops at the bound too */
	while (total <= SUBMIT_FILE_MAX && (n = read(fd, buf, sizeof(buf))) > 0) {
		sha256_add(h, buf, (size_t)n);
		total += (uint64_t)n;
	}
	rerr = n < 0 ? errno : 0;
	sha256_end(h, hex);
	close(fd);
	if (n < 0)
		return dberr_set(e, DB_EIO, "--file %s: cannot read: %s", path, strerror(rerr));
	if (total > SUBMIT_FILE_MAX)
		return dberr_set(e, DB_EDATA, "--file %s: grew past %llu bytes while being read",
		                 path, (unsigned long long)SUBMIT_FILE_MAX);
	return 0;
}

struct event_arg {
	struct engine *en;
	const char *task;
	const char *event;
	struct task_event_args args;
	bool at_given;           /* --at: the event's time is the caller's, not the clock's */
	const char *to_state;
};

static int
event_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct event_arg *a = arg;
	int rc;

	/* "now" as of this transaction, not as of the command's start: an `advance` that
	 * moved the virtual clock (and lapsed the task) while this command waited for the
	 * writer's lock is seen, so a submission after the lapse is late */
	if (!a->at_given && (rc = engine_clock_txn(a->en, txn, &a->args.at, e)) != 0)
		return rc;
	return task_event(a->en, txn, a->task, a->event, &a->args, &a->to_state, e);
}

static int
run_event(struct cli *c, const char *task, const char *event, struct event_arg *a,
          const char *at)
{
	struct engine *en;
	int rc;

	if ((rc = cli_engine(c, &en)) != 0)
		return rc;
	a->en = en;
	a->task = task;
	a->event = event;
	a->args.at = engine_now(en);
	a->at_given = at != NULL;
	if (at != NULL) {
		if (tz_parse_time(engine_tz(en), at, &a->args.at) != 0)
			return cli_usage(c, "--at: '%s' is not a time", at);
		/* on the real clock a time given by hand is a back-dated entry, and says so */
		a->args.backdated = engine_clock_mode(en) == STORE_CLOCK_REAL;
	}
	if ((rc = engine_write(en, event_txn, a, &c->err)) != 0)
		return rc;
	printf("%s: %s -> %s\n", task, event, a->to_state);
	return 0;
}

int
cmd_submit(struct cli *c)
{
	const char *by = NULL, *at = NULL, *file = NULL, *note = NULL, *sections = NULL;
	const char *pos[1];
	struct cli_opt opts[] = {{"by", &by, NULL},     {"at", &at, NULL},
	                         {"file", &file, NULL}, {"note", &note, NULL},
	                         {"sections", &sections, NULL}, {NULL, NULL, NULL}};
	struct event_arg a = {0};
	char hex[65];
	int npos, rc;

	if ((rc = cli_parse(c, opts, pos, 1, &npos)) != 0)
		return rc;
	if (npos != 1 || by == NULL || *by == '\0')
		return cli_usage(c, "give the TASK and --by WHO");
	if (file != NULL) {
		if ((rc = file_sha256(file, hex, &c->err)) != 0)
			return rc;
		a.args.file_sha256 = hex;
	}
	a.args.by = by;
	a.args.note = note;
	a.args.sections = sections;
	return run_event(c, pos[0], "submit", &a, at);
}

int
cmd_event(struct cli *c)
{
	const char *by = NULL, *note = NULL, *reason = NULL, *at = NULL, *pos[2];
	struct cli_opt opts[] = {{"by", &by, NULL}, {"note", &note, NULL},
	                         {"reason", &reason, NULL}, {"at", &at, NULL},
	                         {NULL, NULL, NULL}};
	struct event_arg a = {0};
	int npos, rc;

	if ((rc = cli_parse(c, opts, pos, 2, &npos)) != 0)
		return rc;
	if (npos != 2 || by == NULL || *by == '\0')
		return cli_usage(c, "give the TASK, the EVENT and --by WHO");
	a.args.by = by;
	a.args.note = note;
	a.args.reason = reason;
	return run_event(c, pos[0], pos[1], &a, at);
}

struct flag_arg {
	struct engine *en;
	const char *task, *kind, *by, *reason;
	bool withdraw;
};

static int
flag_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct flag_arg *a = arg;

	return (a->withdraw ? task_flag_withdraw : task_flag)(a->en, txn, a->task, a->kind,
	                                                      a->by, a->reason, e);
}

int
cmd_flag(struct cli *c)
{
	struct flag_arg a = {0};
	const char *pos[1];
	struct cli_opt opts[] = {{"kind", &a.kind, NULL}, {"by", &a.by, NULL},
	                         {"reason", &a.reason, NULL}, {"withdraw", NULL, &a.withdraw},
	                         {NULL, NULL, NULL}};
	int npos, rc;

	if ((rc = cli_parse(c, opts, pos, 1, &npos)) != 0)
		return rc;
	if (npos != 1 || a.kind == NULL || a.by == NULL || a.reason == NULL)
		return cli_usage(c, "give TASK, --kind, --by and --reason");
	if (strcmp(a.kind, "concealed") && strcmp(a.kind, "falsified") && strcmp(a.kind, "omitted"))
		return cli_usage(c, "--kind must be concealed, falsified or omitted, not '%s'",
		                 a.kind);
	a.task = pos[0];
	if ((rc = cli_engine(c, &a.en)) != 0 ||
	    (rc = engine_write(a.en, flag_txn, &a, &c->err)) != 0)
		return rc;
	printf("%s: %s %s\n", a.task, a.withdraw ? "withdrew the flag" : "flagged", a.kind);
	return 0;
}
