/*
 * smtp_send.c - a batch of messages through one libESMTP session, in a child process.
 *
 * Why a child: libESMTP has an open report of a crash on a second send in one process
 * (upstream issue #30), and any crash inside a mail library must not take the scheduler
 * down. The child runs one session and reports each recipient's result through a pipe as
 * soon as its message is done (SMTP_EV_MESSAGESENT), so a crash mid-batch loses only the
 * results still in flight; the parent marks those as temporary failures, to be retried
 * with the same bytes and Message-ID.
 *
 * Why TCP_NODELAY: libESMTP writes a message in two write() calls and waits for the
 * reply, so Nagle's algorithm holds the tail until the server's delayed ACK (~40 ms): about
 * 23 messages a second. libESMTP has no socket hook, but it raises SMTP_EV_CONNECT once the
 * connection is up; the child then owns exactly one TCP socket, the one connected to the
 * server, and sets the option on it.
 *
 * libESMTP says "success" even when the server refused the message or a recipient, so the
 * result of every recipient is read from its own status and the message's transfer status.
 */
#include <stddef.h>

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ssl.h first: libesmtp.h declares smtp_starttls_set_ctx only when it has seen it */
#include <openssl/ssl.h>
#include <auth-client.h>
#include <libesmtp.h>

#include "engine/base/xalloc.h"
#include "notifiers/smtp_send.h"

struct child {
	const struct notify_smtp_config *c;
	struct notify_smtp_mail *mails;
	size_t n;
	smtp_message_t *msgs;
	bool *reported;
	size_t nreported;
	int out;                  /* the pipe to the parent */
};

static void
set_nodelay(void)
{
	int one = 1;

	for (int fd = 3; fd < 1024; fd++) {
		struct stat st;
		int type = 0;
		socklen_t len = sizeof(type);

		if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode))
			continue;
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_STREAM)
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
}

static void
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* One line per recipient: "i k result code text\n", text without line breaks. */
static void
report(struct child *ch, size_t i)
{
	const smtp_status_t *ms = smtp_message_transfer_status(ch->msgs[i]);
	struct notify_smtp_mail *m = &ch->mails[i];

	if (ch->reported[i])
		return;
	ch->reported[i] = true;
	for (size_t k = 0; k < m->nrcpt; k++) {
		const smtp_status_t *rs;
		enum notify_smtp_result res;
		char line[512], text[300];
		int code;

		rs = smtp_recipient_status(((smtp_recipient_t *)smtp_message_get_application_data(
		        ch->msgs[i]))[k]);
		code = rs && rs->code ? rs->code : 0;
		snprintf(text, sizeof(text), "%s", rs && rs->text ? rs->text : "");
		if (code >= 200 && code < 300 && ms && ms->code >= 200 && ms->code < 300) {
			res = NOTIFY_SMTP_DELIVERED;
			code = ms->code;
			snprintf(text, sizeof(text), "%s", ms->text ? ms->text : "");
		} else if (code >= 500 || (code >= 200 && code < 300 && ms && ms->code >= 500)) {
			res = NOTIFY_SMTP_PERMFAIL;
			if (code < 500) {
				code = ms->code;
				snprintf(text, sizeof(text), "%s", ms->text ? ms->text : "");
			}
		} else {
			res = NOTIFY_SMTP_TEMPFAIL;
			if (code < 400 && ms && ms->code >= 400) {
				code = ms->code;
				snprintf(text, sizeof(text), "%s", ms->text ? ms->text : "");
			}
		}
		for (char *p = text; *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
		snprintf(line, sizeof(line), "%zu %zu %d %d %s\n", i, k, (int)res, code, text);
		write_all(ch->out, line, strlen(line));
	}
	ch->nreported++;
	if (ch->c->crash_after > 0 && ch->nreported >= (size_t)ch->c->crash_after)
		raise(SIGKILL);
}

static void
on_event(smtp_session_t s, int event, void *arg, ...)
{
	struct child *ch = arg;
	va_list ap;

	(void)s;
	va_start(ap, arg);
	switch (event) {
	case SMTP_EV_CONNECT:
		set_nodelay();
		break;
	case SMTP_EV_MESSAGESENT: {
		smtp_message_t m = va_arg(ap, smtp_message_t);
		for (size_t i = 0; i < ch->n; i++)
			if (ch->msgs[i] == m)
				report(ch, i);
		break;
	}
	case SMTP_EV_NO_CLIENT_CERTIFICATE: {
		/* we present none, and that is fine */
		int *ok = va_arg(ap, int *);
		*ok = 1;
		break;
	}
	default:
		/* an invalid, missing or wrong peer certificate, a weak cipher: left refused */
		break;
	}
	va_end(ap);
}

static int
interact(auth_client_request_t req, char **result, int fields, void *arg)
{
	const struct notify_smtp_config *c = arg;

	for (int i = 0; i < fields; i++) {
		if (req[i].flags & AUTH_USER)
			result[i] = (char *)c->user;
		else if (req[i].flags & AUTH_PASS)
			result[i] = (char *)(c->password ? c->password : "");
		else
			return 0;
	}
	return 1;
}

static SSL_CTX *
tls_context(const struct notify_smtp_config *c)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (ctx == NULL)
		return NULL;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_default_verify_paths(ctx);
	if (c->ca_file != NULL)
		SSL_CTX_load_verify_locations(ctx, c->ca_file, NULL);
	return ctx;
}

/* The child: one session, every result down the pipe. Never returns. */
static void
child_main(struct child *ch)
{
	const struct notify_smtp_config *c = ch->c;
	smtp_session_t s = smtp_create_session();
	auth_context_t auth = NULL;
	char hostport[300], err[256];
	long t = c->timeout_ms > 0 ? c->timeout_ms : 30000;

	/* connect has no timeout of its own in libESMTP: bound the whole child instead */
	alarm((unsigned)(t / 1000) * 6 + 60);
	snprintf(hostport, sizeof(hostport), "%s:%d", c->host, c->port);
	smtp_set_server(s, hostport);
	smtp_set_eventcb(s, on_event, ch);
	for (int w = Timeout_GREETING; w <= Timeout_DATA2; w++)
		smtp_set_timeout(s, w | Timeout_OVERRIDE_RFC2822_MINIMUM, t);
	if (c->starttls) {
		SSL_CTX *ctx = tls_context(c);
		smtp_starttls_set_ctx(s, ctx);
		smtp_starttls_enable(s, Starttls_REQUIRED);
	}
	if (c->user != NULL) {
		auth_client_init();
		auth = auth_create_context();
		auth_set_mechanism_flags(auth, AUTH_PLUGIN_PLAIN, 0);
		auth_set_interact_cb(auth, interact, (void *)c);
		smtp_auth_set_context(s, auth);
	}
	for (size_t i = 0; i < ch->n; i++) {
		struct notify_smtp_mail *m = &ch->mails[i];
		smtp_recipient_t *rs = xcalloc(m->nrcpt ? m->nrcpt : 1, sizeof(*rs));
		char *copy = xstrndup(m->data, m->len);

		ch->msgs[i] = smtp_add_message(s);
		smtp_set_reverse_path(ch->msgs[i], c->from);
		for (size_t k = 0; k < m->nrcpt; k++)
			rs[k] = smtp_add_recipient(ch->msgs[i], m->rcpt[k].addr);
		smtp_message_set_application_data_release(ch->msgs[i], rs, free);
		smtp_set_message_str(ch->msgs[i], copy);
	}
	if (!smtp_start_session(s)) {
		smtp_strerror(smtp_errno(), err, sizeof(err));
		dprintf(ch->out, "E %s\n", err);
	}
	for (size_t i = 0; i < ch->n; i++)
		report(ch, i);
	_exit(0);
}

/* Returns the message index when this line completed a message's results, else -1. */
static long
parse_line(char *line, struct notify_smtp_mail *mails, size_t n, bool **seen, char *error)
{
	size_t i, k;
	int res, code, off = 0;

	if (line[0] == 'E' && line[1] == ' ') {
		snprintf(error, 256, "%s", line + 2);
		return -1;
	}
	if (sscanf(line, "%zu %zu %d %d %n", &i, &k, &res, &code, &off) < 4 || i >= n ||
	    k >= mails[i].nrcpt || res < 0 || res > 2)
		return -1;
	mails[i].rcpt[k].result = (enum notify_smtp_result)res;
	mails[i].rcpt[k].code = code;
	snprintf(mails[i].rcpt[k].text, sizeof(mails[i].rcpt[k].text), "%.250s", line + off);
	if (res == NOTIFY_SMTP_TEMPFAIL && code == 0 && error[0] && !mails[i].rcpt[k].text[0])
		snprintf(mails[i].rcpt[k].text, sizeof(mails[i].rcpt[k].text), "%.250s", error);
	seen[i][k] = true;
	for (size_t j = 0; j < mails[i].nrcpt; j++)
		if (!seen[i][j])
			return -1;
	return (long)i;
}

int
notify_smtp_send(const struct notify_smtp_config *c, struct notify_smtp_mail *mails,
                 size_t n, void (*done)(size_t i, void *arg), void *arg, struct dberr *e)
{
	struct child ch = {c, mails, n, NULL, NULL, 0, -1};
	bool **seen = xcalloc(n ? n : 1, sizeof(*seen));
	bool *announced = xcalloc(n ? n : 1, sizeof(*announced));
	pid_t parent = getpid();
	char buf[8192], error[256] = "", why[300];
	size_t have = 0;
	int fds[2], status = 0, rc = 0;
	pid_t pid;

	for (size_t i = 0; i < n; i++) {
		seen[i] = xcalloc(mails[i].nrcpt ? mails[i].nrcpt : 1, sizeof(bool));
		for (size_t k = 0; k < mails[i].nrcpt; k++) {
			mails[i].rcpt[k].result = NOTIFY_SMTP_TEMPFAIL;
			mails[i].rcpt[k].code = 0;
			mails[i].rcpt[k].text[0] = '\0';
		}
	}
	if (pipe(fds) != 0) {
		rc = dberr_set(e, -errno, "cannot make a pipe for the sender: %s", strerror(errno));
		goto out;
	}
	ch.msgs = xcalloc(n ? n : 1, sizeof(*ch.msgs));
	ch.reported = xcalloc(n ? n : 1, sizeof(*ch.reported));
	pid = fork();
	if (pid < 0) {
		rc = dberr_set(e, -errno, "cannot start the sender process: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		goto out;
	}
	if (pid == 0) {
		/* die with the caller: a sender left running would deliver what nobody records */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		close(fds[0]);
		signal(SIGPIPE, SIG_IGN);
		ch.out = fds[1];
		child_main(&ch);
	}
	close(fds[1]);
	for (;;) {
		ssize_t r = read(fds[0], buf + have, sizeof(buf) - 1 - have);
		char *nl, *start = buf;

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		have += (size_t)r;
		buf[have] = '\0';
		while ((nl = strchr(start, '\n')) != NULL) {
			long i;

			*nl = '\0';
			i = parse_line(start, mails, n, seen, error);
			if (i >= 0 && done != NULL && !announced[i]) {
				announced[i] = true;
				done((size_t)i, arg);
			}
			start = nl + 1;
		}
		have -= (size_t)(start - buf);
		memmove(buf, start, have);
		if (have == sizeof(buf) - 1)
			have = 0; /* a line too long to be ours: drop it */
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(status))
		snprintf(why, sizeof(why), "sender process died: signal %d", WTERMSIG(status));
	else
		snprintf(why, sizeof(why), "%.250s", error[0] ? error : "no result from the sender");
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < mails[i].nrcpt; k++)
			if (!seen[i][k])
				snprintf(mails[i].rcpt[k].text, sizeof(mails[i].rcpt[k].text), "%.250s", why);
out:
	for (size_t i = 0; i < n; i++)
		free(seen[i]);
	free(seen);
	free(announced);
	free(ch.msgs);
	free(ch.reported);
	return rc;
}
