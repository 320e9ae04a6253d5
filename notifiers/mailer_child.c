/*
 * mailer_child.c - notify_mailer_send: the SMTP session runs in a forked child, so a crash
 * or a hang inside libESMTP or OpenSSL costs the messages in flight, never the caller.
 *
 * The child reports each message through a pipe as soon as mailer_session.c has its
 * verdict, one record per message, in lines of text (the texts are single-line already):
 *
 *     M <i> <code> <text>                        message i: the DATA (or MAIL) reply
 *     R <i> <k> <result> <code> <text>           recipient k of message i; result is
 *                                                0 delivered, 1 tempfail, 2 permfail
 *     E <i>                                      message i is complete
 *
 * The parent applies M and R lines as they come but counts a message as reported only at
 * its E line; any message without one when the pipe closes (the child died half-way through
 * a record, or before) is reset to TEMPFAIL with the reason the child's exit status gives.
 * A record is written with one write() when it fits in PIPE_BUF, which is the usual case.
 *
 * The parent also keeps a watchdog: libESMTP's timeouts bound every wait for the server but
 * not name resolution or connect(), so a child that reports nothing for
 * WATCHDOG_TIMEOUTS timeouts plus WATCHDOG_SLACK_MS is killed and its unreported messages
 * come back TEMPFAIL.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/base/buf.h"
#include "engine/base/xalloc.h"
#include "notifiers/mailer.h"

#define DEFAULT_TIMEOUT_MS 30000
/* A message needs at most ~10 replies before its verdict (greeting, EHLO, STARTTLS, EHLO,
 * AUTH, MAIL, RCPT, DATA, the transfer, the final dot), each bounded by the timeout; the
 * slack covers connect(), which has no timeout of its own (Linux gives up after ~130 s). */
#define WATCHDOG_TIMEOUTS 10
#define WATCHDOG_SLACK_MS 135000

/* The child's side of the pipe, passed to the session's callback. */
struct child_out {
	int fd;
	int kill_after; /* test only: SIGKILL after this many reports, 0 never */
	int reported;
	struct buf rec;
};

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Runs in the child, once per message, as soon as its verdict is final. */
static void
child_report(size_t i, const struct notify_result *r, void *arg)
{
	struct child_out *out = arg;

	buf_reset(&out->rec);
	buf_printf(&out->rec, "M %zu %d %s\n", i, r->code, r->text);
	for (size_t k = 0; k < r->nrcpt; k++)
		buf_printf(&out->rec, "R %zu %zu %d %d %s\n", i, k, (int)r->rcpt[k].result,
		           r->rcpt[k].code, r->rcpt[k].text);
	buf_printf(&out->rec, "E %zu\n", i);
	/* the parent is gone: nobody will read what follows, stop now */
	if (write_all(out->fd, out->rec.data, out->rec.len) != 0)
		_exit(1);
	if (out->kill_after > 0 && ++out->reported >= out->kill_after)
		raise(SIGKILL);
}

/* Closes every descriptor but stdio and keep, so this child holds no other pipe's write end
 * (a concurrent notify_mailer_send in another thread would wait for our exit to see its
 * EOF) and no store or loop descriptor of the parent. Returns the new number of keep. */
static int
close_others(int keep)
{
	int fd = keep;

	if (keep != 3) {
		if (dup2(keep, 3) < 0)
			return keep; /* keep it where it is and close nothing: still correct */
		close(keep);
		fd = 3;
	}
	if (syscall(SYS_close_range, 4U, ~0U, 0) != 0) {
		long max = sysconf(_SC_OPEN_MAX);

		for (int k = 4; k < (max > 0 && max < 65536 ? max : 65536); k++)
			close(k);
	}
	return fd;
}

static _Noreturn void
child_main(const struct notify_mailer_config *c, const struct notify_mail *mails, size_t n,
           struct notify_result *results, int wfd)
{
	struct child_out out = {close_others(wfd), c->test_kill_after, 0, BUF_INIT};
	struct dberr e;

	/* libESMTP writes with write(): a server that hangs up must cost an error, not us */
	signal(SIGPIPE, SIG_IGN);
	dberr_clear(&e);
	notify_mailer_session(c, mails, n, results, child_report, &out, &e);
	/* _exit: no atexit handler or stdio buffer of the parent runs twice */
	_exit(0);
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Applies one line from the child. Malformed lines are ignored: the message they belong to
 * then never gets its E line and comes back TEMPFAIL. */
static void
parse_line(char *line, struct notify_result *results, size_t n, bool *done)
{
	unsigned long long i, k;
	int code, res, off = 0;

	if (sscanf(line, "M %llu %d %n", &i, &code, &off) == 2 && off > 0 && i < n) {
		results[i].code = code;
		notify_mailer_set_text(results[i].text, line + off);
	} else if (sscanf(line, "R %llu %llu %d %d %n", &i, &k, &res, &code, &off) == 4 &&
	           off > 0 && i < n && k < results[i].nrcpt && res >= NOTIFY_DELIVERED &&
	           res <= NOTIFY_PERMFAIL) {
		results[i].rcpt[k].result = (enum notify_rcpt_result)res;
		results[i].rcpt[k].code = code;
		notify_mailer_set_text(results[i].rcpt[k].text, line + off);
	} else if (sscanf(line, "E %llu", &i) == 1 && i < n) {
		done[i] = true;
	}
}

/*
 * Reads the child's records until EOF, or until the watchdog expires (then returns 1 and
 * the caller kills the child). Complete lines only: a partial last line is dropped.
 */
static int
read_reports(int rfd, int idle_ms, struct notify_result *results, size_t n, bool *done)
{
	struct buf in = BUF_INIT;
	char chunk[4096];
	int64_t deadline = now_ms() + idle_ms;
	int rc = 0;

	for (;;) {
		struct pollfd p = {rfd, POLLIN, 0};
		int64_t left = deadline - now_ms();
		ssize_t got;
		char *nl, *start;

		if (left <= 0) {
			rc = 1;
			break;
		}
		if (poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left) < 0) {
			if (errno == EINTR)
				continue;
			rc = 1; /* cannot wait any more: treat as a hang */
			break;
		}
		if (p.revents == 0)
			continue;
		got = read(rfd, chunk, sizeof(chunk));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break; /* EOF (or an error): the child is gone or going */
		buf_append(&in, chunk, (size_t)got);
		start = in.data;
		while ((nl = memchr(start, '\n', in.len - (size_t)(start - in.data))) != NULL) {
			*nl = '\0';
			parse_line(start, results, n, done);
			start = nl + 1;
			deadline = now_ms() + idle_ms; /* progress */
		}
		if (start != in.data) {
			size_t rest = in.len - (size_t)(start - in.data);

			memmove(in.data, start, rest);
			in.len = rest;
			in.data[rest] = '\0';
		}
	}
	buf_release(&in);
	return rc;
}

static void
mark_unreported(struct notify_result *results, size_t n, const bool *done, const char *why)
{
	for (size_t i = 0; i < n; i++) {
		if (done[i])
			continue;
		results[i].code = 0;
		notify_mailer_set_text(results[i].text, why);
		for (size_t k = 0; k < results[i].nrcpt; k++) {
			results[i].rcpt[k].result = NOTIFY_TEMPFAIL;
			results[i].rcpt[k].code = 0;
			notify_mailer_set_text(results[i].rcpt[k].text, why);
		}
	}
}

int
notify_mailer_send(const struct notify_mailer_config *c, const struct notify_mail *mails,
                   size_t n, struct notify_result *results, struct dberr *e)
{
	bool *done = NULL; /* done[i]: message i's record arrived whole */
	int pfd[2] = {-1, -1};
	int timeout = c != NULL && c->timeout_ms > 0 ? c->timeout_ms : DEFAULT_TIMEOUT_MS;
	int64_t idle = (int64_t)WATCHDOG_TIMEOUTS * timeout + WATCHDOG_SLACK_MS;
	char why[200];
	pid_t pid;
	int rc, status = 0, hung;

	if ((rc = notify_mailer_results_init(c, mails, n, results, e)) != 0 || n == 0)
		return rc;
	done = xcalloc(n, sizeof(*done));
	if (pipe(pfd) != 0) {
		rc = -errno;
		dberr_set(e, rc, "mailer: pipe: %s", strerror(-rc));
		snprintf(why, sizeof(why), "mailer: pipe: %s", strerror(-rc));
		goto fail;
	}
	/* a concurrent fork+exec elsewhere in the process must not carry our write end away
	 * (we would wait for that program's exit to see EOF) */
	fcntl(pfd[0], F_SETFD, FD_CLOEXEC);
	fcntl(pfd[1], F_SETFD, FD_CLOEXEC);
	if ((pid = fork()) < 0) {
		rc = -errno;
		dberr_set(e, rc, "mailer: fork: %s", strerror(-rc));
		snprintf(why, sizeof(why), "mailer: fork: %s", strerror(-rc));
		goto fail;
	}
	if (pid == 0) {
		close(pfd[0]);
		child_main(c, mails, n, results, pfd[1]);
	}
	close(pfd[1]);
	pfd[1] = -1;
	hung = read_reports(pfd[0], idle > INT_MAX ? INT_MAX : (int)idle, results, n, done);
	if (hung)
		kill(pid, SIGKILL); /* our own child, by its pid */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (hung)
		snprintf(why, sizeof(why), "sender process gave no result for %" PRId64 " ms; killed",
		         idle);
	else if (WIFSIGNALED(status))
		snprintf(why, sizeof(why), "sender process died: signal %d", WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		snprintf(why, sizeof(why), "sender process exited with status %d",
		         WEXITSTATUS(status));
	else
		snprintf(why, sizeof(why), "no result");
	mark_unreported(results, n, done, why);
	rc = 0;
	goto out;
fail:
	mark_unreported(results, n, done, why);
out:
	if (pfd[0] >= 0)
		close(pfd[0]);
	if (pfd[1] >= 0)
		close(pfd[1]);
	free(done);
	return rc;
}
