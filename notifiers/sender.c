/*
 * sender.c - notify_smtp_batch_send: one SMTP session in a child process.
 *
 * Why a child: a crash inside libESMTP or OpenSSL (upstream issue #30 reports one on a
 * second send in one process) must cost one batch's unreported results, never the
 * scheduler. The child runs notify_smtp_session_run() and writes each message's verdict
 * down a pipe the moment libESMTP's events give it (SMTP_EV_MESSAGESENT), so a crash
 * mid-batch loses only what was still in flight; the parent marks those TEMPFAIL with
 * "sender process died: signal N", to be retried with the same bytes and Message-ID.
 *
 * The pipe carries lines, one record each, texts already stripped of CR, LF and TAB
 * (notify_smtp_set_text) so a line break always ends a record:
 *   R <i> <k> <class> <code>\t<text>\n   recipient k of message i (class: 0 1 2 as in
 *                                        enum notify_smtp_class)
 *   M <i> <code>\t<text>\n               message i is complete; its R lines came first
 *   E <rc>\t<text>\n                     the session ended: notify_smtp_session_run's
 *                                        return value and the session-level reason
 * The parent trusts nothing it cannot parse and never indexes past n or nrcpt.
 *
 * fork() in a threaded process: the child only runs libESMTP and OpenSSL and then
 * _exit()s. glibc's malloc is safe after fork; no lock of ours is held across it (the
 * caller's thread holds none while it sends). The child dies with the calling thread
 * (PR_SET_PDEATHSIG), so a sender never goes on delivering what nobody will record.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "notifiers/sender.h"
#include "notifiers/smtp.h"

struct child {
	int fd;                  /* write end of the pipe */
	size_t reported;
	size_t die_after;
};

static void
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* the parent is gone: nothing left to tell */
		p += w;
		n -= (size_t)w;
	}
}

/* One message's records in a single write, so the parent reads them together. */
static void
child_report(size_t i, const struct notify_smtp_status *st, void *arg)
{
	struct child *ch = arg;
	struct buf b = BUF_INIT;

	for (size_t k = 0; k < st->nrcpt; k++)
		buf_printf(&b, "R %zu %zu %d %d\t%s\n", i, k, (int)st->rcpt[k].cls,
		           st->rcpt[k].code, st->rcpt[k].text);
	buf_printf(&b, "M %zu %d\t%s\n", i, st->code, st->text);
	write_all(ch->fd, b.data, b.len);
	buf_release(&b);
	if (ch->die_after > 0 && ++ch->reported >= ch->die_after)
		raise(SIGKILL);
}

static _Noreturn void
child_main(int fd, const struct notify_smtp_server *srv, const struct notify_smtp_msg *msgs,
           size_t n, size_t die_after)
{
	struct child ch = {fd, 0, die_after};
	struct notify_smtp_status *st = xcalloc(n, sizeof(*st));
	struct dberr e;
	char line[NOTIFY_SMTP_TEXT_MAX + 80], text[NOTIFY_SMTP_TEXT_MAX];
	int rc;

	dberr_clear(&e);
	signal(SIGPIPE, SIG_IGN); /* a server that hangs up is an error code, not a death */
	rc = notify_smtp_session_run(srv, msgs, n, child_report, &ch, st, &e);
	/* messages without a verdict still carry news: a recipient refused for good before
	 * the session broke, and the reason for the others */
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; !st[i].reported && k < st[i].nrcpt; k++) {
			snprintf(line, sizeof(line), "R %zu %zu %d %d\t%s\n", i, k,
			         (int)st[i].rcpt[k].cls, st[i].rcpt[k].code, st[i].rcpt[k].text);
			write_all(fd, line, strlen(line));
		}
	}
	notify_smtp_set_text(text, e.msg);
	snprintf(line, sizeof(line), "E %d\t%s\n", rc, text);
	write_all(fd, line, strlen(line));
	_exit(0);
}

struct parent {
	const struct notify_smtp_batch_opts *opts;
	struct notify_smtp_status *st;
	size_t n;
	bool ended;              /* an E record came */
	int child_rc;
	char reason[NOTIFY_SMTP_TEXT_MAX];
};

static void
parse_record(struct parent *p, char *line)
{
	char *tab = strchr(line, '\t');
	const char *text = tab ? tab + 1 : "";
	size_t i, k;
	int cls, code;

	if (tab != NULL)
		*tab = '\0';
	if (sscanf(line, "R %zu %zu %d %d", &i, &k, &cls, &code) == 4) {
		if (i >= p->n || k >= p->st[i].nrcpt || p->st[i].reported || cls < 0 || cls > 2)
			return;
		p->st[i].rcpt[k].cls = (enum notify_smtp_class)cls;
		p->st[i].rcpt[k].code = code;
		notify_smtp_set_text(p->st[i].rcpt[k].text, text);
	} else if (sscanf(line, "M %zu %d", &i, &code) == 2) {
		if (i >= p->n || p->st[i].reported)
			return;
		p->st[i].code = code;
		notify_smtp_set_text(p->st[i].text, text);
		p->st[i].reported = true;
		if (p->opts->on_result != NULL)
			p->opts->on_result(i, &p->st[i], p->opts->arg);
	} else if (sscanf(line, "E %d", &code) == 1) {
		p->ended = true;
		p->child_rc = code;
		notify_smtp_set_text(p->reason, text);
	}
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads records until EOF or the deadline; returns true when the deadline passed. */
static bool
read_records(struct parent *p, int fd, long long deadline)
{
	struct buf in = BUF_INIT;
	char chunk[4096];
	bool late = false;

	for (;;) {
		struct pollfd pfd = {fd, POLLIN, 0};
		long long left = deadline - now_ms();
		ssize_t r;
		char *start, *nl;

		if (left <= 0) {
			late = true;
			break;
		}
		if (poll(&pfd, 1, left > 60000 ? 60000 : (int)left) < 0 && errno != EINTR)
			break;
		if (pfd.revents == 0)
			continue;
		r = read(fd, chunk, sizeof(chunk));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		buf_append(&in, chunk, (size_t)r);
		start = in.data;
		while ((nl = memchr(start, '\n', in.len - (size_t)(start - in.data))) != NULL) {
			*nl = '\0';
			parse_record(p, start);
			start = nl + 1;
		}
		/* keep the unfinished tail for the next read */
		{
			size_t rest = in.len - (size_t)(start - in.data);
			memmove(in.data, start, rest);
			in.len = rest;
			in.data[rest] = '\0';
		}
	}
	buf_release(&in);
	return late;
}

int
notify_smtp_batch_send(const struct notify_smtp_server *srv,
                       const struct notify_smtp_msg *msgs, size_t n,
                       const struct notify_smtp_batch_opts *opts,
                       struct notify_smtp_status *st, struct dberr *e)
{
	static const struct notify_smtp_batch_opts none;
	struct parent p = {opts ? opts : &none, st, n, false, 0, ""};
	long long wait_ms;
	int fds[2] = {-1, -1}, status = 0, rc;
	bool late = false;
	pid_t pid, parent = getpid();

	if ((rc = notify_smtp_prepare(srv, msgs, n, st, e)) != 0 || n == 0)
		return rc;
	wait_ms = p.opts->wait_ms > 0 ? p.opts->wait_ms
	          : 60000 + 3LL * (long long)n * (srv->timeout_ms > 0 ? srv->timeout_ms : 30000);
	if (pipe(fds) != 0) {
		rc = dberr_set(e, -errno, "smtp: cannot make the sender's pipe: %s", strerror(errno));
		notify_smtp_set_text(p.reason, e ? e->msg : "no pipe");
		goto fill;
	}
	pid = fork();
	if (pid < 0) {
		rc = dberr_set(e, -errno, "smtp: cannot start the sender process: %s", strerror(errno));
		notify_smtp_set_text(p.reason, e ? e->msg : "no fork");
		close(fds[0]);
		close(fds[1]);
		goto fill;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1); /* the caller died between fork and prctl */
		close(fds[0]);
		child_main(fds[1], srv, msgs, n, p.opts->test_die_after);
	}
	close(fds[1]);
	late = read_records(&p, fds[0], now_ms() + wait_ms);
	close(fds[0]);
	if (late)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (late)
		snprintf(p.reason, sizeof(p.reason), "sender process killed after %lld ms", wait_ms);
	else if (WIFSIGNALED(status))
		snprintf(p.reason, sizeof(p.reason), "sender process died: signal %d",
		         WTERMSIG(status));
	else if (!p.ended)
		snprintf(p.reason, sizeof(p.reason), "sender process exited without a result "
		         "(status %d)", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	if (p.ended && !late) {
		rc = p.child_rc;
		if (rc != 0)
			dberr_set(e, rc, "%s", p.reason);
	} else {
		rc = dberr_set(e, DB_ETEMP, "smtp: %s", p.reason);
	}
fill:
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; !st[i].reported && k < st[i].nrcpt; k++)
			if (st[i].rcpt[k].text[0] == '\0' || !p.ended || late)
				notify_smtp_set_text(st[i].rcpt[k].text, p.reason);
	return rc;
}
