/*
 * sender.c - notify_smtp_batch_send: one SMTP session in a helper process.
 *
 * Why a separate process: a crash inside libESMTP or OpenSSL (upstream issue #30 reports
 * one on a second send in one process) must cost one batch's unreported results, never the
 * scheduler. The helper runs notify_smtp_session_run() and writes each message's verdict
 * down a pipe the moment libESMTP's events give it (SMTP_EV_MESSAGESENT), so a crash
 * mid-batch loses only what was still in flight; the caller marks those TEMPFAIL with
 * "sender process died: signal N", to be retried with the same bytes and Message-ID.
 *
 * Why spawned and not forked: the caller is a threaded daemon. A forked child would keep
 * libuv's signal handlers (a SIGTERM meant for it would reach the daemon's loop through the
 * shared signal pipe) and any lock another thread held at the fork. posix_spawn execs this
 * same program afresh in its helper mode, with default signals, an empty environment and
 * only the descriptors below; the request comes over a socket.
 *
 * The requests (descriptor 0, a socket), one per batch, each "DABIAO-SMTP 2\n", its length
 * "LEN\n" and LEN bytes of fields in order, each an integer "N\n" or a string "LEN\n"
 * followed by LEN bytes ("-\n" for NULL):
 *   parent pid, host, port, security, ca_file, user, password, from, timeout_ms, limit_ms,
 *   test_die_after, n, then per message: data, nrcpt, each rcpt.
 * The helper answers a request wholly (its E record last) before it reads the next, and
 * exits when the socket ends; a helper kept across batches (notify_smtp_helper) is sent
 * the next request, a one-batch helper has its socket shut down after the first.
 *
 * The results (descriptor 1, a pipe) are lines, one record each, texts already stripped of
 * CR, LF and TAB (notify_smtp_set_text) so a line break always ends a record:
 *   R <i> <k> <class> <code>\t<text>\n   recipient k of message i (class: 0 1 2 as in
 *                                        enum notify_smtp_class)
 *   M <i> <code>\t<text>\n               message i is complete; its R lines came first
 *   E <rc>\t<text>\n                     the session ended: notify_smtp_session_run's
 *                                        return value and the session-level reason
 *   S\n                                  first, before anything is sent: the request was
 *                                        taken (a kept helper that died while it waited
 *                                        never writes it, and its batch goes to a new one)
 * The caller trusts nothing it cannot parse and never indexes past n or nrcpt.
 *
 * The helper dies with its caller's thread (PR_SET_PDEATHSIG) and by itself at a batch's
 * time limit (alarm), so a sender never goes on delivering what nobody will record.
 *
 * Abandoning a batch (the daemon stopping) first asks the helper to finish the message in
 * flight and stop (SIGUSR1, blocked from its exec on and looked for after each message's
 * records), waiting NOTIFY_SMTP_STOP_GRACE_MS for its records; only then is it killed. A
 * helper killed between the end of DATA and the server's answer leaves a message the server
 * may have taken but nobody recorded, which the next run sends again (RFC 1047): the grace
 * closes that window for any server that answers within it.
 */
/* posix_spawn_file_actions_addclosefrom_np is a GNU extension (glibc 2.34) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "notifiers/sender.h"
#include "notifiers/smtp.h"

#define REQUEST_MAGIC "DABIAO-SMTP 2\n"
/* a request larger than this is refused (a batch of 256 messages is a few MB) */
#define REQUEST_MAX (1LL << 30)

long long
notify_smtp_time_limit_ms(const struct notify_smtp_server *srv, size_t n)
{
	long long t = srv->timeout_ms > 0 ? srv->timeout_ms : 30000;

	return 2 * t + 1000LL * (long long)n;
}

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

/* Whether the caller asked us to stop after the message in flight (SIGUSR1, which the
 * spawn blocked, so it waits as pending instead of killing). */
static bool
stop_asked(void)
{
	sigset_t pending;

	return sigpending(&pending) == 0 && sigismember(&pending, SIGUSR1) == 1;
}

/* One message's records in a single write, so the parent reads them together. A stop asked
 * meanwhile ends the helper here, between messages: the next one's DATA is not begun. */
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
	if (stop_asked())
		_exit(0);
}

/* ---- the helper's side ---- */

struct req {
	const char *p, *end;
	bool bad;
};

static long long
req_int(struct req *r)
{
	char *nl;
	long long v;

	if (r->bad || (nl = memchr(r->p, '\n', (size_t)(r->end - r->p))) == NULL) {
		r->bad = true;
		return 0;
	}
	v = strtoll(r->p, NULL, 10);
	r->p = nl + 1;
	return v;
}

/* A copy of the next string field (NULL for "-"); *len (may be NULL) gets its length. */
static char *
req_str(struct req *r, size_t *len)
{
	char *s;
	long long n;

	if (!r->bad && r->p < r->end && r->p[0] == '-') {
		req_int(r);
		return NULL;
	}
	n = req_int(r);
	if (r->bad || n < 0 || n > r->end - r->p) {
		r->bad = true;
		return NULL;
	}
	s = xmalloc((size_t)n + 1);
	memcpy(s, r->p, (size_t)n);
	s[n] = '\0';
	r->p += n;
	if (len)
		*len = (size_t)n;
	return s;
}

static void
helper_free(struct notify_smtp_server *srv, struct notify_smtp_msg *msgs, size_t n)
{
	for (size_t i = 0; msgs != NULL && i < n; i++) {
		for (size_t k = 0; msgs[i].rcpt != NULL && k < msgs[i].nrcpt; k++)
			free((char *)msgs[i].rcpt[k]);
		free((char **)msgs[i].rcpt);
		free((char *)msgs[i].data);
	}
	free(msgs);
	free((char *)srv->host);
	free((char *)srv->ca_file);
	free((char *)srv->user);
	if (srv->password != NULL)
		explicit_bzero((char *)srv->password, strlen(srv->password));
	free((char *)srv->password);
	free((char *)srv->from);
}

/* Reads the next request's fields into in (emptied first). Returns 0 with a request, 1
 * when the socket ended before one began (the caller is done with us), 64 or 65 for a
 * request that is not ours or is cut short, 74 for a read error. */
static int
read_request(struct buf *in)
{
	char chunk[65536];
	long long want = -1;
	size_t head = 0;

	buf_reset(in);
	for (;;) {
		ssize_t got;

		if (want < 0 && in->len >= strlen(REQUEST_MAGIC)) {
			char *nl;

			if (memcmp(in->data, REQUEST_MAGIC, strlen(REQUEST_MAGIC)) != 0)
				return 64;
			nl = memchr(in->data + strlen(REQUEST_MAGIC), '\n',
			            in->len - strlen(REQUEST_MAGIC));
			if (nl != NULL) {
				want = strtoll(in->data + strlen(REQUEST_MAGIC), NULL, 10);
				if (want < 0 || want > REQUEST_MAX)
					return 65;
				head = (size_t)(nl + 1 - in->data);
			}
		}
		if (want >= 0 && in->len >= head + (size_t)want)
			break;
		got = read(0, chunk, sizeof(chunk));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return 74;
		if (got == 0)
			return in->len == 0 ? 1 : 65;
		buf_append(in, chunk, (size_t)got);
	}
	/* the caller writes the next request only after our answer to this one */
	if (in->len != head + (size_t)want)
		return 65;
	memmove(in->data, in->data + head, in->len - head);
	in->len -= head;
	in->data[in->len] = '\0';
	return 0;
}

/* One request's session: its results written to descriptor 1, the E record last.
 * Returns 0, or the exit status for a request the helper cannot serve. */
static int
serve(const struct buf *in)
{
	struct notify_smtp_server srv = {0};
	struct notify_smtp_msg *msgs = NULL;
	struct notify_smtp_status *st;
	struct req r = {in->data, in->data + in->len, false};
	struct child ch = {1, 0, 0};
	struct dberr e;
	char line[NOTIFY_SMTP_TEXT_MAX + 80], text[NOTIFY_SMTP_TEXT_MAX];
	long long parent, limit, n;
	int rc;

	parent = req_int(&r);
	if (getppid() != (pid_t)parent)
		return 75; /* the caller is already gone: send nothing */
	write_all(1, "S\n", 2);
	srv.host = req_str(&r, NULL);
	srv.port = (int)req_int(&r);
	srv.security = (enum notify_smtp_security)req_int(&r);
	srv.ca_file = req_str(&r, NULL);
	srv.user = req_str(&r, NULL);
	srv.password = req_str(&r, NULL);
	srv.from = req_str(&r, NULL);
	srv.timeout_ms = (int)req_int(&r);
	limit = req_int(&r);
	ch.die_after = (size_t)req_int(&r);
	n = req_int(&r);
	if (r.bad || n < 0 || n > 1000000) {
		helper_free(&srv, NULL, 0);
		return 65;
	}
	/* the caller kills us at the limit; this is for a caller that cannot */
	alarm((unsigned)(limit / 1000 + 5));
	msgs = xcalloc((size_t)n + 1, sizeof(*msgs));
	for (long long i = 0; i < n && !r.bad; i++) {
		char **rcpt;
		long long k;

		msgs[i].data = req_str(&r, &msgs[i].len);
		k = req_int(&r);
		if (k < 0 || k > 100000) {
			r.bad = true;
			break;
		}
		rcpt = xcalloc((size_t)k + 1, sizeof(char *));
		for (long long j = 0; j < k; j++)
			rcpt[j] = req_str(&r, NULL);
		msgs[i].rcpt = (const char *const *)rcpt;
		msgs[i].nrcpt = (size_t)k;
	}
	if (r.bad) {
		helper_free(&srv, msgs, (size_t)n);
		return 65;
	}
	st = xcalloc((size_t)n + 1, sizeof(*st));
	dberr_clear(&e);
	rc = notify_smtp_session_run(&srv, msgs, (size_t)n, child_report, &ch, st, &e);
	/* messages without a verdict still carry news: a recipient refused for good before
	 * the session broke, and the reason for the others */
	for (long long i = 0; i < n; i++) {
		for (size_t k = 0; !st[i].reported && k < st[i].nrcpt; k++) {
			snprintf(line, sizeof(line), "R %lld %zu %d %d\t%s\n", i, k,
			         (int)st[i].rcpt[k].cls, st[i].rcpt[k].code, st[i].rcpt[k].text);
			write_all(1, line, strlen(line));
		}
	}
	notify_smtp_set_text(text, e.msg);
	snprintf(line, sizeof(line), "E %d\t%s\n", rc, text);
	write_all(1, line, strlen(line));
	alarm(0); /* idle until the next request: the caller's thread ending ends us */
	notify_smtp_status_release(st, (size_t)n);
	free(st);
	helper_free(&srv, msgs, (size_t)n);
	return 0;
}

int
notify_smtp_helper_main(void)
{
	struct buf in = BUF_INIT;
	int rc;

	/* dies with the caller's thread; a caller already gone is caught per request */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGPIPE, SIG_IGN); /* a server that hangs up is an error code, not a death */
	while (!stop_asked() && (rc = read_request(&in)) == 0 && (rc = serve(&in)) == 0) {
		/* the request held the password */
		explicit_bzero(in.data, in.len);
	}
	if (in.len)
		explicit_bzero(in.data, in.len);
	buf_release(&in);
	return rc == 1 ? 0 : rc;
}

/* ---- the caller's side ---- */

struct parent {
	const struct notify_smtp_batch_opts *opts;
	struct notify_smtp_status *st;
	size_t n;
	bool started;            /* an S record came: the helper took the request */
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
	} else if (strcmp(line, "S") == 0) {
		p->started = true;
	} else if (sscanf(line, "E %d", &code) == 1) {
		p->ended = true;
		p->child_rc = code;
		notify_smtp_set_text(p->reason, text);
	}
}

/* Reads records until the batch's E record, EOF, the deadline or a cancel (cancel_fd -1:
 * none), each as it comes, or with gather_ms > 0 what has come every gather_ms ms (a wake
 * per message costs a caller that records results only at the batch's end two context
 * switches a message); returns 1 when the deadline passed, 2 when cancelled, 0 at the E
 * record or EOF (p->ended tells which). in keeps an unfinished line for the next call. */
static int
read_records(struct parent *p, struct buf *in_, int fd, int cancel_fd, long long deadline,
             int gather_ms)
{
	struct buf in = *in_;
	char chunk[16384];
	int why = 0;
	bool drain = false;

	for (;;) {
		/* gathering: asleep for gather_ms (woken only by a cancel or the helper's end),
		 * then reading all that came, without waiting */
		bool asleep = gather_ms > 0 && !drain;
		struct pollfd pfd[2] = {{fd, asleep ? 0 : POLLIN, 0}, {cancel_fd, POLLIN, 0}};
		long long left = deadline - notify_mono_ms();
		int wait = left > 60000 ? 60000 : (int)left;
		ssize_t r;
		char *start, *nl;

		if (left <= 0) {
			why = 1;
			break;
		}
		if (gather_ms > 0)
			wait = drain ? 0 : wait < gather_ms ? wait : gather_ms;
		if (poll(pfd, cancel_fd >= 0 ? 2 : 1, wait) < 0 && errno != EINTR)
			break;
		if (cancel_fd >= 0 && pfd[1].revents != 0) {
			why = 2;
			break;
		}
		if (asleep) {
			drain = true;
			continue;
		}
		if (pfd[0].revents == 0) {
			drain = false;
			continue;
		}
		r = read(fd, chunk, sizeof(chunk));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		buf_append(&in, chunk, (size_t)r);
		start = in.data;
		while (!p->ended &&
		       (nl = memchr(start, '\n', in.len - (size_t)(start - in.data))) != NULL) {
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
		if (p->ended)
			break; /* the helper writes nothing more before our next request */
	}
	*in_ = in;
	return why;
}

static void
put_int(struct buf *b, long long v)
{
	buf_printf(b, "%lld\n", v);
}

static void
put_str(struct buf *b, const char *s, size_t len)
{
	if (s == NULL) {
		buf_puts(b, "-\n");
		return;
	}
	buf_printf(b, "%zu\n", len);
	buf_append(b, s, len);
}

static void
encode_request(struct buf *b, const struct notify_smtp_server *srv,
               const struct notify_smtp_msg *msgs, size_t n, long long limit,
               size_t die_after)
{
#define STR(s) put_str(b, (s), (s) ? strlen(s) : 0)
	size_t head;
	char len[32];

	buf_puts(b, REQUEST_MAGIC);
	head = b->len;
	put_int(b, (long long)getpid());
	STR(srv->host);
	put_int(b, srv->port);
	put_int(b, (long long)srv->security);
	STR(srv->ca_file);
	STR(srv->user);
	STR(srv->password);
	STR(srv->from);
	put_int(b, srv->timeout_ms);
	put_int(b, limit);
	put_int(b, (long long)die_after);
	put_int(b, (long long)n);
	for (size_t i = 0; i < n; i++) {
		put_str(b, msgs[i].data, msgs[i].len);
		put_int(b, (long long)msgs[i].nrcpt);
		for (size_t k = 0; k < msgs[i].nrcpt; k++)
			STR(msgs[i].rcpt[k]);
	}
	/* the length goes between the magic and the fields, once they are known */
	snprintf(len, sizeof(len), "%zu\n", b->len - head);
	buf_append(b, len, strlen(len));
	memmove(b->data + head + strlen(len), b->data + head, b->len - strlen(len) - head);
	memcpy(b->data + head, len, strlen(len));
#undef STR
}

/* Writes the whole request before the helper answers (it reads all of it first), and
 * with last the end of the requests; gives up at the deadline or a cancel. A helper that
 * died early is seen as EOF on the result pipe, so a failed write needs no report of its
 * own. */
static int
send_request(int fd, const struct buf *req, bool last, int cancel_fd, long long deadline)
{
	size_t off = 0;

	while (off < req->len) {
		struct pollfd pfd[2] = {{fd, POLLOUT, 0}, {cancel_fd, POLLIN, 0}};
		long long left = deadline - notify_mono_ms();
		ssize_t w;

		if (left <= 0)
			return 1;
		if (poll(pfd, cancel_fd >= 0 ? 2 : 1, left > 60000 ? 60000 : (int)left) < 0 &&
		    errno != EINTR)
			break;
		if (cancel_fd >= 0 && pfd[1].revents != 0)
			return 2;
		if (pfd[0].revents == 0)
			continue;
		w = send(fd, req->data + off, req->len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w < 0)
			break;
		off += (size_t)w;
	}
	if (last)
		shutdown(fd, SHUT_WR);
	return 0;
}

/* The helper, spawned clean: default signals, only SIGUSR1 blocked (the request to stop
 * after the message in flight, looked for by stop_asked), no environment, only the
 * request socket, the result pipe and /dev/null. */
static int
spawn_helper(const char *path, int req_fd, int out_fd, pid_t *pid)
{
	static char *const env[] = {NULL};
	char *argv[] = {(char *)path, (char *)NOTIFY_SMTP_HELPER_ARG, NULL};
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t all, usr1;
	int rc;

	sigfillset(&all);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	posix_spawn_file_actions_adddup2(&fa, req_fd, 0);
	posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setsigmask(&at, &usr1);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
	rc = posix_spawn(pid, path, &fa, &at, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return rc;
}

/* The process of a handle; pid 0 when there is none. */
struct notify_smtp_helper {
	pid_t pid;
	int req;                 /* our end of its request socket */
	int out;                 /* the read end of its result pipe */
	pthread_t owner;         /* the thread it dies with: the only one that starts it */
};

struct notify_smtp_helper *
notify_smtp_helper_new(void)
{
	struct notify_smtp_helper *h = xcalloc(1, sizeof(*h));

	h->req = h->out = -1;
	h->owner = pthread_self();
	return h;
}

static void
helper_forget(struct notify_smtp_helper *h)
{
	if (h->req >= 0)
		close(h->req);
	if (h->out >= 0)
		close(h->out);
	h->req = h->out = -1;
	h->pid = 0;
}

/* Reaps the helper (it is dead or being killed) into *status and forgets it. */
static void
helper_reap(struct notify_smtp_helper *h, int *status)
{
	while (waitpid(h->pid, status, 0) < 0 && errno == EINTR)
		;
	helper_forget(h);
}

/* Whether h's process is there; one that died while idle (killed, out of memory) is
 * reaped and forgotten. */
static bool
helper_alive(struct notify_smtp_helper *h)
{
	int status;

	if (h->pid > 0 && waitpid(h->pid, &status, WNOHANG) == 0)
		return true;
	helper_forget(h);
	return false;
}

int
notify_smtp_helper_start(struct notify_smtp_helper *h, const struct notify_smtp_server *srv,
                         struct dberr *e)
{
	const char *path = srv && srv->helper ? srv->helper : "/proc/self/exe";
	int sv[2] = {-1, -1}, out[2] = {-1, -1}, rc;

	if (helper_alive(h))
		return 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0 ||
	    pipe2(out, O_CLOEXEC) != 0) {
		rc = dberr_set(e, -errno, "smtp: cannot make the helper's pipes: %s",
		               strerror(errno));
		goto fail;
	}
	if ((rc = spawn_helper(path, sv[1], out[1], &h->pid)) != 0) {
		h->pid = 0;
		rc = dberr_set(e, -rc, "smtp: cannot start the helper %s: %s", path, strerror(rc));
		goto fail;
	}
	close(sv[1]);
	close(out[1]);
	h->req = sv[0];
	h->out = out[0];
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (sv[i] >= 0)
			close(sv[i]);
		if (out[i] >= 0)
			close(out[i]);
	}
	return rc;
}

void
notify_smtp_helper_free(struct notify_smtp_helper *h)
{
	long long deadline;
	char sink[256];
	int status;

	if (h == NULL)
		return;
	if (h->pid > 0) {
		/* its requests end: an idle helper exits; one that does not is killed */
		shutdown(h->req, SHUT_WR);
		deadline = notify_mono_ms() + 1000;
		for (;;) {
			struct pollfd pfd = {h->out, POLLIN, 0};
			long long left = deadline - notify_mono_ms();

			if (left <= 0) {
				kill(h->pid, SIGKILL);
				break;
			}
			if (poll(&pfd, 1, (int)left) > 0 && read(h->out, sink, sizeof(sink)) == 0)
				break;
		}
		helper_reap(h, &status);
	}
	free(h);
}

int
notify_smtp_batch_send(const struct notify_smtp_server *srv,
                       const struct notify_smtp_msg *msgs, size_t n,
                       const struct notify_smtp_batch_opts *opts,
                       struct notify_smtp_status *st, struct dberr *e)
{
	static const struct notify_smtp_batch_opts none;
	struct parent p = {opts ? opts : &none, st, n, false, false, 0, ""};
	struct notify_smtp_helper one = {.pid = 0, .req = -1, .out = -1};
	struct notify_smtp_helper *h = p.opts->helper ? p.opts->helper : &one;
	struct buf req = BUF_INIT, in = BUF_INIT;
	struct dberr why;
	long long wait_ms, deadline;
	int status = 0, rc, stop = 0;
	int cancel_fd = p.opts->cancel_fd > 0 ? p.opts->cancel_fd : -1;

	if ((rc = notify_smtp_prepare(srv, msgs, n, st, e)) != 0 || n == 0)
		return rc;
	wait_ms = p.opts->wait_ms > 0 ? p.opts->wait_ms : notify_smtp_time_limit_ms(srv, n);
	deadline = notify_mono_ms() + wait_ms;
	encode_request(&req, srv, msgs, n, wait_ms, p.opts->test_die_after);
	for (int tries = 0;; tries++) {
		pid_t before;
		bool fresh;

		/* a kept helper that is gone is started again only by its own thread (started
		 * here, in a batch's thread, it would die with the batch): elsewhere this batch
		 * takes one of its own */
		if (h != &one && !pthread_equal(h->owner, pthread_self()) && !helper_alive(h))
			h = &one;
		before = h->pid;
		dberr_clear(&why);
		if ((rc = notify_smtp_helper_start(h, srv, &why)) != 0) {
			dberr_set(e, rc, "%s", why.msg);
			notify_smtp_set_text(p.reason, why.msg);
			goto fill;
		}
		fresh = h->pid != before;
		stop = send_request(h->req, &req, h == &one, cancel_fd, deadline);
		if (stop == 0)
			stop = read_records(&p, &in, h->out, cancel_fd, deadline,
			                    p.opts->gather_ms);
		/* a kept helper that died while it waited (killed, out of memory) took nothing
		 * and sent nothing: the batch goes to a new one, once */
		if (stop != 0 || p.started || fresh || tries > 0)
			break;
		while (waitpid(h->pid, &status, 0) < 0 && errno == EINTR)
			;
		helper_forget(h);
		buf_reset(&in);
	}
	if (stop != 0 || !p.ended) {
		/* stopped, or the helper died: it is not used again. Abandoned while it sends:
		 * the message in flight is let finish and its records read (it ends the helper,
		 * or the batch's end does), so a message the server took is not sent twice */
		if (stop == 2 && p.started) {
			kill(h->pid, SIGUSR1);
			read_records(&p, &in, h->out, -1, notify_mono_ms() + NOTIFY_SMTP_STOP_GRACE_MS,
			             0);
		}
		if (stop != 0)
			kill(h->pid, SIGKILL);
		while (waitpid(h->pid, &status, 0) < 0 && errno == EINTR)
			;
		/* What the helper wrote before it was stopped is read still: a message the
		 * server took and the helper reported would otherwise be given back and sent
		 * twice. The helper is gone, so its pipe ends after what it wrote (the bound
		 * is only a guard). */
		if (stop != 0)
			read_records(&p, &in, h->out, -1, notify_mono_ms() + 1000, 0);
		helper_forget(h);
	} else if (h == &one) {
		helper_reap(h, &status); /* its requests ended: it exits */
		status = 0;
	}
	buf_release(&in);
	if (stop == 2) {
		rc = dberr_set(e, DB_ECANCELED, "smtp: batch abandoned, the helper stopped");
		notify_smtp_set_text(p.reason, "batch abandoned");
		goto fill;
	}
	if (stop == 1)
		snprintf(p.reason, sizeof(p.reason), "sender process killed after %lld ms "
		         "(the session's time limit)", wait_ms);
	else if (WIFSIGNALED(status))
		snprintf(p.reason, sizeof(p.reason), "sender process died: signal %d",
		         WTERMSIG(status));
	else if (!p.ended)
		snprintf(p.reason, sizeof(p.reason), "sender process exited without a result "
		         "(status %d)", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	if (p.ended && stop == 0) {
		rc = p.child_rc;
		if (rc != 0)
			dberr_set(e, rc, "%s", p.reason);
	} else {
		rc = dberr_set(e, DB_ETEMP, "smtp: %s", p.reason);
	}
fill:
	if (req.len)
		explicit_bzero(req.data, req.len); /* it held the password */
	buf_release(&req);
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; !st[i].reported && k < st[i].nrcpt; k++)
			if (st[i].rcpt[k].text[0] == '\0' || !p.ended || stop != 0)
				notify_smtp_set_text(st[i].rcpt[k].text, p.reason);
	return rc;
}
