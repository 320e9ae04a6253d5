/*
 * smtp.c - one libESMTP session that sends a batch of messages, in the calling process.
 *
 * libESMTP runs the whole dialogue inside smtp_start_session() and reports "success" even
 * when the server refused the message or some recipients, so nothing here trusts that
 * return value for a verdict: each recipient is judged from its own RCPT reply and its
 * message's MAIL FROM and DATA replies (classify()). A message's verdict is final, and
 * passed to the caller, at SMTP_EV_MESSAGESENT (DATA answered, or refused before any byte
 * was sent) or at SMTP_EV_MAILSTATUS with a refusal (then no MESSAGESENT follows).
 *
 * Issue #30 (a crash on a second send in one process): libESMTP keeps little global state
 * (the auth plugin list, OpenSSL's init) and this file creates and destroys one session per
 * call. tests/notifiers/smtp_many_sessions_one_process.c runs this function itself twice
 * and more in one process under ASan and UBSan, and it does not crash here (Debian's
 * 1.1.0-3.1~deb12u1); the engine still sends through sender.c's child, because a crash
 * elsewhere in the library must not take the scheduler down.
 */
#include <stddef.h> /* before libesmtp.h: its 1.1.0 header uses size_t without it */

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* openssl/ssl.h before libesmtp.h: the header declares smtp_starttls_set_ctx only then */
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <auth-client.h>
#include <libesmtp.h>

#include "base/xalloc.h"
#include "notifiers/sender.h"
#include "notifiers/smtp.h"

#define DEFAULT_TIMEOUT_MS 30000

/* One message as libESMTP reads it (through msg_cb) and as we find it again from an
 * event (through the message's application data). */
struct msgsrc {
	const char *data;       /* borrowed from the caller's notify_smtp_msg */
	size_t len;
	bool given;             /* msg_cb handed out the bytes since the last rewind */
	size_t i;               /* index in the batch */
	smtp_message_t m;       /* owned by the session */
	smtp_recipient_t *r;    /* nrcpt handles, owned by the session; the array is ours */
};

/* The server's replies to AUTH, read through libESMTP's protocol monitor: the library keeps
 * them to itself and, when every mechanism is refused, goes on to MAIL FROM unauthenticated,
 * so without this the caller would see only what that MAIL FROM or RCPT got (a 530, a relay
 * refusal), not that the password was wrong. Only the server's side is kept, and only the
 * reply that refused: what we write is never copied (it holds the credentials). */
struct auth_watch {
	bool active;                        /* AUTH written, its final reply not yet read */
	size_t col;                         /* bytes of the current reply line so far */
	char head[4];                       /* its code and separator ("535 ", "334-") */
	char text[NOTIFY_SMTP_TEXT_MAX];    /* the reply's text so far, lines joined */
	size_t tlen;
	int code;                           /* the refusing final reply (4xx, 5xx), 0: none, or
	                                       a later mechanism was accepted */
	char refusal[NOTIFY_SMTP_TEXT_MAX]; /* that reply's text */
};

struct session {
	const struct notify_smtp_server *srv;
	const struct notify_smtp_msg *msgs;
	size_t n;
	struct notify_smtp_status *st;
	struct msgsrc *src;                 /* n entries */
	notify_smtp_result_cb *cb;
	void *arg;
	bool starttls_missing;              /* SMTP_EV_EXTNA_STARTTLS */
	bool tls_ok;                        /* SMTP_EV_STARTTLS_OK */
	char tls_refusal[160];              /* why we refused the server's TLS, or "" */
	char tls_settle[160];               /* why the exchange right after TLS failed, or "" */
	char ehlo_name[256];                /* our name in EHLO (ours and libESMTP's) */
	long timeout_ms;
	struct auth_watch auth;
};

void
notify_smtp_set_text(char dst[NOTIFY_SMTP_TEXT_MAX], const char *s)
{
	size_t k = 0;

	for (; s != NULL && s[k] != '\0' && k < NOTIFY_SMTP_TEXT_MAX - 1; k++)
		dst[k] = (s[k] == '\r' || s[k] == '\n' || s[k] == '\t') ? ' ' : s[k];
	dst[k] = '\0';
	while (k > 0 && dst[k - 1] == ' ')
		dst[--k] = '\0';
}

int
notify_smtp_port(const struct notify_smtp_server *srv)
{
	if (srv->port > 0)
		return srv->port;
	return srv->security == NOTIFY_SMTP_STARTTLS ? 587 : 25;
}

const char *
notify_smtp_class_name(enum notify_smtp_class c)
{
	switch (c) {
	case NOTIFY_SMTP_CLS_DELIVERED:
		return "delivered";
	case NOTIFY_SMTP_CLS_PERMFAIL:
		return "permfail";
	default:
		return "tempfail";
	}
}

void
notify_smtp_status_release(struct notify_smtp_status *st, size_t n)
{
	for (size_t i = 0; st != NULL && i < n; i++) {
		free(st[i].rcpt);
		memset(&st[i], 0, sizeof(st[i]));
	}
}

static const char *
check_request(const struct notify_smtp_server *srv, const struct notify_smtp_msg *msgs,
              size_t n)
{
	if (srv == NULL || srv->host == NULL || srv->host[0] == '\0')
		return "no SMTP host";
	if (srv->from == NULL)
		return "no envelope sender";
	if (srv->port < 0 || srv->port > 65535)
		return "SMTP port out of range";
	for (size_t i = 0; i < n; i++) {
		if (msgs[i].data == NULL || msgs[i].len == 0 || msgs[i].len > INT_MAX)
			return "a message is empty or larger than 2 GiB";
		if (msgs[i].nrcpt == 0)
			return "a message has no recipient";
		for (size_t k = 0; k < msgs[i].nrcpt; k++)
			if (msgs[i].rcpt[k] == NULL || msgs[i].rcpt[k][0] == '\0')
				return "a recipient address is empty";
	}
	return NULL;
}

int
notify_smtp_prepare(const struct notify_smtp_server *srv, const struct notify_smtp_msg *msgs,
                    size_t n, struct notify_smtp_status *st, struct dberr *e)
{
	const char *bad = check_request(srv, msgs, n);

	for (size_t i = 0; i < n; i++) {
		memset(&st[i], 0, sizeof(st[i]));
		st[i].nrcpt = msgs[i].nrcpt;
		st[i].rcpt = xcalloc(msgs[i].nrcpt ? msgs[i].nrcpt : 1, sizeof(*st[i].rcpt));
		for (size_t k = 0; k < msgs[i].nrcpt; k++) {
			st[i].rcpt[k].cls = NOTIFY_SMTP_CLS_TEMPFAIL;
			if (bad != NULL)
				notify_smtp_set_text(st[i].rcpt[k].text, bad);
		}
	}
	if (bad != NULL)
		return dberr_set(e, DB_EUSAGE, "smtp: %s", bad);
	return 0;
}

/*
 * The verdict for one recipient from the replies it got: code[] holds the MAIL FROM,
 * RCPT TO and DATA reply codes, 0 when that reply never came; *step names the one that
 * decided. The first refusal in protocol order decides: a 5xx MAIL FROM or RCPT is permanent whatever came
 * later; a recipient accepted at RCPT takes the message's DATA verdict; a missing reply is
 * temporary (the caller then gives the session's reason as text).
 */
static enum notify_smtp_class
classify(const int code[3], int *step)
{
	for (*step = 0; *step < 3; (*step)++) {
		int c = code[*step];

		if (c >= 500)
			return NOTIFY_SMTP_CLS_PERMFAIL;
		if (c < 200 || c >= 300)
			return NOTIFY_SMTP_CLS_TEMPFAIL; /* 4xx, none, or a 3xx left hanging */
	}
	*step = 2;
	return NOTIFY_SMTP_CLS_DELIVERED;
}

/* Fills st[i] from libESMTP's statuses; reason is the text for replies that never came. */
static void
fill_status(struct session *ss, size_t i, const char *reason)
{
	struct msgsrc *ms = &ss->src[i];
	struct notify_smtp_status *st = &ss->st[i];
	const smtp_status_t *mail = smtp_reverse_path_status(ms->m);
	const smtp_status_t *data = smtp_message_transfer_status(ms->m);
	int mcode = mail ? mail->code : 0, dcode = data ? data->code : 0;

	/* a 354 still standing means the final reply to DATA never came */
	if (dcode >= 300 && dcode < 400)
		dcode = 0;

	if (mcode != 0 && (mcode < 200 || mcode >= 300)) {
		st->code = mcode;
		notify_smtp_set_text(st->text, mail->text);
	} else {
		st->code = dcode;
		notify_smtp_set_text(st->text, dcode && data->text ? data->text : reason);
	}
	for (size_t k = 0; k < st->nrcpt; k++) {
		const smtp_status_t *rs = smtp_recipient_status(ms->r[k]);
		const smtp_status_t *by[3] = {mail, rs, data};
		int code[3] = {mcode, rs ? rs->code : 0, dcode}, step;

		st->rcpt[k].cls = classify(code, &step);
		st->rcpt[k].code = code[step];
		notify_smtp_set_text(st->rcpt[k].text,
		                     code[step] != 0 && by[step]->text ? by[step]->text : reason);
		/* belt and braces: libESMTP marks a recipient complete once the server took
		 * responsibility; never call delivered what it would send again */
		if (st->rcpt[k].cls == NOTIFY_SMTP_CLS_DELIVERED &&
		    !smtp_recipient_check_complete(ms->r[k]))
			st->rcpt[k].cls = NOTIFY_SMTP_CLS_TEMPFAIL;
		/* AUTH refused: libESMTP went on without it, and whatever was then refused or
		 * never answered was for want of it; the AUTH reply says so (535: the password) */
		if (ss->auth.code != 0 && st->rcpt[k].cls != NOTIFY_SMTP_CLS_DELIVERED) {
			st->rcpt[k].cls = ss->auth.code >= 500 ? NOTIFY_SMTP_CLS_PERMFAIL
			                                      : NOTIFY_SMTP_CLS_TEMPFAIL;
			st->rcpt[k].code = ss->auth.code;
			notify_smtp_set_text(st->rcpt[k].text, ss->auth.refusal);
		}
	}
	if (ss->auth.code != 0 && (st->code < 200 || st->code >= 300)) {
		st->code = ss->auth.code;
		notify_smtp_set_text(st->text, ss->auth.refusal);
	}
}

static void
report(struct session *ss, smtp_message_t m)
{
	struct msgsrc *ms = smtp_message_get_application_data(m);

	if (ms == NULL || ss->st[ms->i].reported)
		return;
	fill_status(ss, ms->i, "");
	ss->st[ms->i].reported = true;
	if (ss->cb != NULL)
		ss->cb(ms->i, &ss->st[ms->i], ss->arg);
}

/*
 * TCP_NODELAY on libESMTP's socket. libESMTP writes a message in two write() calls and then
 * waits for the reply, so with Nagle's algorithm the tail waits for the server's delayed
 * ACK (~40 ms): about 23 messages a second on loopback. The library has no socket-option
 * hook, but it raises SMTP_EV_CONNECT right after connect() succeeds and before the first
 * byte. We then look among our descriptors for TCP sockets connected to the server's port
 * and set the option. In sender.c's child that is exactly libESMTP's socket. In a caller's
 * process (notify_smtp_session_run directly) another socket to the same port may get it
 * too, which is harmless: TCP_NODELAY changes timing, never bytes. Interposing connect()
 * would be exact but would act on every connect() of the process, including other
 * libraries'; the event is the library's own documented moment.
 */
static void
set_nodelay(int port)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int one = 1;

	if (d == NULL)
		return; /* no /proc: slower, still correct */
	while ((de = readdir(d)) != NULL) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		struct stat sb;
		int fd, type = 0, peer;
		socklen_t tlen = sizeof(type);

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		fd = atoi(de->d_name);
		if (fd == dirfd(d) || fstat(fd, &sb) != 0 || !S_ISSOCK(sb.st_mode))
			continue;
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) != 0 || type != SOCK_STREAM)
			continue;
		if (getpeername(fd, (struct sockaddr *)&ss, &len) != 0)
			continue;
		if (ss.ss_family == AF_INET)
			peer = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		else if (ss.ss_family == AF_INET6)
			peer = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		else
			continue;
		if (peer == port)
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	closedir(d);
}

/* libESMTP's protocol monitor (SMTP_CB_WRITING: what it sends, SMTP_CB_READING: what it
 * reads, in the chunks of its buffer; message contents are never shown to it). Follows AUTH
 * exchanges (struct auth_watch). AUTH is never pipelined, so it starts a write. */
static void
on_monitor(const char *buf, int len, int writing, void *arg)
{
	struct auth_watch *aw = &((struct session *)arg)->auth;

	if (writing == SMTP_CB_WRITING) {
		if (!aw->active && len >= 5 && strncasecmp(buf, "AUTH ", 5) == 0) {
			aw->active = true;
			aw->col = aw->tlen = 0;
		}
		return;
	}
	for (int i = 0; writing == SMTP_CB_READING && aw->active && i < len; i++) {
		char c = buf[i];
		int code;

		if (aw->col < 4)
			aw->head[aw->col] = c;
		else if (c != '\r' && c != '\n' && aw->tlen < sizeof(aw->text) - 1)
			aw->text[aw->tlen++] = c;
		aw->col++;
		if (c != '\n')
			continue;
		aw->col = 0;
		if (!isdigit((unsigned char)aw->head[0]) || !isdigit((unsigned char)aw->head[1]) ||
		    !isdigit((unsigned char)aw->head[2]))
			continue; /* not a reply line: nothing to learn */
		if (aw->head[3] == '-') { /* the reply goes on */
			if (aw->tlen < sizeof(aw->text) - 1)
				aw->text[aw->tlen++] = ' ';
			continue;
		}
		code = (aw->head[0] - '0') * 100 + (aw->head[1] - '0') * 10 + (aw->head[2] - '0');
		aw->text[aw->tlen] = '\0';
		aw->tlen = 0;
		if (code >= 300 && code < 400)
			continue; /* a challenge: libESMTP answers it, the exchange goes on */
		aw->active = false;
		aw->code = code >= 400 ? code : 0; /* a later mechanism accepted clears a refusal */
		if (code >= 400)
			notify_smtp_set_text(aw->refusal, aw->text);
	}
}

long long
notify_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits, until deadline, for what the last SSL_read/SSL_write (result ret) needs; false when
 * it failed for another reason or the time is up. */
static bool
tls_wait(SSL *ssl, int ret, long long deadline)
{
	struct pollfd p = {SSL_get_fd(ssl), 0, 0};
	int err = SSL_get_error(ssl, ret), r;
	long long left;

	if (err == SSL_ERROR_WANT_READ)
		p.events = POLLIN;
	else if (err == SSL_ERROR_WANT_WRITE)
		p.events = POLLOUT;
	else
		return false;
	do {
		if ((left = deadline - notify_mono_ms()) <= 0)
			return false;
		r = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
	} while (r < 0 && errno == EINTR);
	return r > 0;
}

/*
 * Right after a TLS 1.3 handshake, the server's post-handshake messages (its session tickets,
 * NewSessionTicket) are on their way. libESMTP then writes EHLO into its buffer and polls for
 * "readable or writable"; when the tickets have already arrived it reads first, SSL_read
 * finds no application data and libESMTP waits the whole timeout for the reply to an EHLO
 * still sitting in its buffer: the session fails as "dropped connection (or no reply in
 * time)". Whether the tickets beat the poll is a matter of scheduling, so it failed now and
 * then, more on a busy machine, against any TLS 1.3 server that sends tickets (most do).
 *
 * So we say EHLO ourselves, here, before libESMTP does, and read to the end of its reply.
 * The server sends its post-handshake messages before that reply, so SSL_read has consumed
 * them when we return, and the socket is quiet when libESMTP sends its own EHLO (RFC 5321
 * 4.1.4 allows EHLO again; RFC 3207 asks for EHLO first after TLS, and it is). Returns NULL,
 * or what went wrong.
 */
static const char *
tls_settle(SSL *ssl, const char *name, long timeout_ms)
{
	long long deadline = notify_mono_ms() + timeout_ms;
	char cmd[300], buf[2048], head[4] = "";
	size_t col = 0;
	int len = snprintf(cmd, sizeof(cmd), "EHLO %s\r\n", name), n;

	while ((n = SSL_write(ssl, cmd, len)) <= 0)
		if (!tls_wait(ssl, n, deadline))
			return "could not send EHLO after STARTTLS";
	for (;;) {
		if ((n = SSL_read(ssl, buf, sizeof(buf))) <= 0) {
			if (!tls_wait(ssl, n, deadline))
				return "no reply to EHLO after STARTTLS (in time)";
			continue;
		}
		for (int i = 0; i < n; i++) {
			if (col < 4)
				head[col] = buf[i];
			col++;
			if (buf[i] != '\n')
				continue;
			/* the reply's last line: a code and no '-' after it */
			if (col >= 4 && isdigit((unsigned char)head[0]) &&
			    isdigit((unsigned char)head[1]) && isdigit((unsigned char)head[2]) &&
			    head[3] != '-')
				return NULL;
			col = 0;
		}
	}
}

/* libESMTP's callbacks pass their arguments as varargs whose types depend on the event
 * (see libesmtp.h and smtp-tls.c). Every certificate question is answered "no": we never
 * send over a TLS connection we could not verify. */
static void
on_event(smtp_session_t s, int event, void *arg, ...)
{
	struct session *ss = arg;
	va_list ap;
	int *ok;

	(void)s;
	va_start(ap, arg);
	switch (event) {
	case SMTP_EV_CONNECT:
		set_nodelay(notify_smtp_port(ss->srv));
		break;
	case SMTP_EV_MAILSTATUS: {
		const smtp_status_t *mail;
		smtp_message_t m;

		(void)va_arg(ap, const char *);
		m = va_arg(ap, smtp_message_t);
		mail = smtp_reverse_path_status(m);
		/* a refused MAIL FROM ends the message: no MESSAGESENT will follow */
		if (mail != NULL && (mail->code < 200 || mail->code >= 300))
			report(ss, m);
		break;
	}
	case SMTP_EV_MESSAGESENT:
		report(ss, va_arg(ap, smtp_message_t));
		break;
	case SMTP_EV_EXTNA_STARTTLS:
		ss->starttls_missing = true;
		break;
	case SMTP_EV_STARTTLS_OK: {
		SSL *ssl = va_arg(ap, SSL *);
		const char *why;

		ss->tls_ok = true;
		/* TLS 1.2 sends no messages after the handshake */
		if (SSL_version(ssl) < TLS1_3_VERSION)
			break;
		if ((why = tls_settle(ssl, ss->ehlo_name, ss->timeout_ms)) != NULL) {
			snprintf(ss->tls_settle, sizeof(ss->tls_settle), "%s", why);
			/* end it now: libESMTP would wait a second timeout for its own EHLO */
			shutdown(SSL_get_fd(ssl), SHUT_RDWR);
		}
		break;
	}
	case SMTP_EV_INVALID_PEER_CERTIFICATE: {
		long vfy = va_arg(ap, long);

		ok = va_arg(ap, int *);
		*ok = 0;
		snprintf(ss->tls_refusal, sizeof(ss->tls_refusal), "server certificate invalid: %s",
		         X509_verify_cert_error_string(vfy));
		break;
	}
	case SMTP_EV_NO_PEER_CERTIFICATE:
		ok = va_arg(ap, int *);
		*ok = 0;
		snprintf(ss->tls_refusal, sizeof(ss->tls_refusal), "server sent no certificate");
		break;
	case SMTP_EV_WRONG_PEER_CERTIFICATE:
		ok = va_arg(ap, int *);
		*ok = 0;
		snprintf(ss->tls_refusal, sizeof(ss->tls_refusal),
		         "server certificate does not name %s", ss->srv->host);
		break;
	case SMTP_EV_WEAK_CIPHER:
		(void)va_arg(ap, int);
		ok = va_arg(ap, int *);
		*ok = 0;
		snprintf(ss->tls_refusal, sizeof(ss->tls_refusal), "weak TLS cipher");
		break;
	case SMTP_EV_NO_CLIENT_CERTIFICATE:
		/* we present no client certificate; that is no reason to stop */
		ok = va_arg(ap, int *);
		*ok = 1;
		break;
	default:
		break;
	}
	va_end(ap);
}

static const char *
msg_cb(void **ctx, int *len, void *arg)
{
	struct msgsrc *ms = arg;

	(void)ctx; /* libESMTP frees *ctx itself: we keep our cursor in arg instead */
	if (len == NULL) {
		ms->given = false; /* rewind */
		return NULL;
	}
	if (ms->given) {
		*len = 0;
		return NULL;
	}
	ms->given = true;
	*len = (int)ms->len;
	return ms->data;
}

static int
interact(auth_client_request_t req, char **result, int fields, void *arg)
{
	const struct notify_smtp_server *srv = arg;

	for (int i = 0; i < fields; i++) {
		if (req[i].flags & AUTH_USER)
			result[i] = (char *)srv->user;
		else if (req[i].flags & AUTH_PASS)
			result[i] = (char *)(srv->password ? srv->password : "");
		else
			return 0; /* a realm or anything else we cannot answer: fail AUTH */
	}
	return 1;
}

/* auth_client_init loads the SASL plugin list once for the process; never
 * auth_client_exit, which would pull it from under a concurrent session. */
static pthread_once_t auth_once = PTHREAD_ONCE_INIT;

static void
auth_init(void)
{
	auth_client_init();
}

/* OpenSSL refuses an unverifiable certificate during the handshake, before libESMTP's
 * events can say why; this keeps the reason (the first error on the chain) for the text. */
static int
verify_cb(int ok, X509_STORE_CTX *xs)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(xs, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct session *ss = ssl ? SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)) : NULL;

	if (!ok && ss != NULL && ss->tls_refusal[0] == '\0')
		snprintf(ss->tls_refusal, sizeof(ss->tls_refusal), "server certificate: %s",
		         X509_verify_cert_error_string(X509_STORE_CTX_get_error(xs)));
	return ok;
}

/* Our own context, so OpenSSL never prompts and nothing in ~/.authenticate is read. */
static int
tls_context(struct session *ss, SSL_CTX **out, struct dberr *e)
{
	const struct notify_smtp_server *srv = ss->srv;
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	X509_VERIFY_PARAM *vp;
	struct in6_addr a6;
	struct in_addr a4;

	if (ctx == NULL)
		return dberr_set(e, DB_ESOFTWARE, "smtp: cannot create a TLS context");
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_cb);
	SSL_CTX_set_app_data(ctx, ss); /* the context lives only as long as this session */
	SSL_CTX_set_default_verify_paths(ctx);
	if (srv->ca_file != NULL && SSL_CTX_load_verify_locations(ctx, srv->ca_file, NULL) != 1) {
		SSL_CTX_free(ctx);
		return dberr_set(e, DB_ECONFIG, "smtp: cannot load CA file %s", srv->ca_file);
	}
	/* OpenSSL checks the name too, during the handshake, before libESMTP's own check */
	vp = SSL_CTX_get0_param(ctx);
	if (inet_pton(AF_INET, srv->host, &a4) == 1 || inet_pton(AF_INET6, srv->host, &a6) == 1)
		X509_VERIFY_PARAM_set1_ip_asc(vp, srv->host);
	else
		X509_VERIFY_PARAM_set1_host(vp, srv->host, 0);
	*out = ctx;
	return 0;
}

/* Builds the session: server, timeouts, TLS, AUTH, then every message. */
static int
setup(struct session *ss, smtp_session_t s, SSL_CTX **ctx, auth_context_t *auth,
      struct dberr *e)
{
	const struct notify_smtp_server *srv = ss->srv;
	long t = srv->timeout_ms > 0 ? srv->timeout_ms : DEFAULT_TIMEOUT_MS;
	char hostport[300];
	int rc;

	snprintf(hostport, sizeof(hostport), "%s:%d", srv->host, notify_smtp_port(srv));
	/* what libESMTP says by default, named here so that tls_settle says the same */
	if (gethostname(ss->ehlo_name, sizeof(ss->ehlo_name) - 1) != 0 || ss->ehlo_name[0] == '\0')
		snprintf(ss->ehlo_name, sizeof(ss->ehlo_name), "localhost");
	ss->timeout_ms = t;
	if (!smtp_set_server(s, hostport) || !smtp_set_eventcb(s, on_event, ss) ||
	    !smtp_set_hostname(s, ss->ehlo_name) || !smtp_set_monitorcb(s, on_monitor, ss, 0))
		return dberr_set(e, DB_ESOFTWARE, "smtp: cannot configure the session");
	/* milliseconds, whatever libesmtp.h's comment says; below RFC 5321's minutes on
	 * purpose, hence the override flag */
	for (int w = Timeout_GREETING; w <= Timeout_DATA2; w++)
		smtp_set_timeout(s, w | Timeout_OVERRIDE_RFC2822_MINIMUM, t);
	if (srv->security == NOTIFY_SMTP_STARTTLS) {
		if ((rc = tls_context(ss, ctx, e)) != 0)
			return rc;
		smtp_starttls_set_ctx(s, *ctx);
		smtp_starttls_enable(s, Starttls_REQUIRED);
	} else {
		smtp_starttls_enable(s, Starttls_DISABLED);
	}
	if (srv->user != NULL) {
		pthread_once(&auth_once, auth_init);
		*auth = auth_create_context();
		if (*auth == NULL)
			return dberr_set(e, DB_ESOFTWARE, "smtp: cannot create an AUTH context");
		auth_set_mechanism_flags(*auth, AUTH_PLUGIN_PLAIN, 0);
		auth_set_interact_cb(*auth, interact, (void *)srv);
		smtp_auth_set_context(s, *auth);
	}
	for (size_t i = 0; i < ss->n; i++) {
		const struct notify_smtp_msg *msg = &ss->msgs[i];
		struct msgsrc *ms = &ss->src[i];

		ms->data = msg->data;
		ms->len = msg->len;
		ms->i = i;
		ms->m = smtp_add_message(s);
		ms->r = xcalloc(msg->nrcpt, sizeof(*ms->r));
		if (ms->m == NULL || !smtp_set_reverse_path(ms->m, srv->from) ||
		    !smtp_set_messagecb(ms->m, msg_cb, ms))
			return dberr_set(e, DB_ESOFTWARE, "smtp: cannot add message %zu", i);
		smtp_message_set_application_data_release(ms->m, ms, NULL); /* ours to free */
		for (size_t k = 0; k < msg->nrcpt; k++)
			if ((ms->r[k] = smtp_add_recipient(ms->m, msg->rcpt[k])) == NULL)
				return dberr_set(e, DB_ESOFTWARE, "smtp: cannot add a recipient");
	}
	return 0;
}

/* Why the session ended before some message got its verdict. */
static void
session_reason(const struct session *ss, bool started, char *buf, size_t len)
{
	char why[200];
	int err = smtp_errno();

	if (ss->starttls_missing)
		snprintf(buf, len, "server does not offer STARTTLS");
	else if (ss->tls_refusal[0])
		snprintf(buf, len, "TLS refused: %s", ss->tls_refusal);
	else if (ss->tls_settle[0])
		snprintf(buf, len, "%s", ss->tls_settle);
	else if (ss->auth.code != 0)
		snprintf(buf, len, "AUTH refused: %d %s", ss->auth.code, ss->auth.refusal);
	else if (ss->srv->security == NOTIFY_SMTP_STARTTLS && !ss->tls_ok &&
	         err == SMTP_ERR_CLIENT_ERROR)
		snprintf(buf, len, "TLS handshake failed (server certificate not trusted?)");
	else if (err != 0 && smtp_strerror(err, why, sizeof(why)) != NULL)
		snprintf(buf, len, "SMTP session failed: %s%s", why,
		         err == SMTP_ERR_DROPPED_CONNECTION ? " (or no reply in time)" : "");
	else
		snprintf(buf, len, "SMTP session ended before this message%s",
		         started ? "" : " (it did not start)");
}

int
notify_smtp_session_run(const struct notify_smtp_server *srv,
                        const struct notify_smtp_msg *msgs, size_t n,
                        notify_smtp_result_cb *on_result, void *arg,
                        struct notify_smtp_status *st, struct dberr *e)
{
	struct session ss = {.srv = srv, .msgs = msgs, .n = n, .st = st, .cb = on_result,
	                     .arg = arg};
	smtp_session_t s = NULL;
	auth_context_t auth = NULL;
	SSL_CTX *ctx = NULL;
	char reason[300];
	bool started, complete = true;
	int rc;

	if ((rc = notify_smtp_prepare(srv, msgs, n, st, e)) != 0 || n == 0)
		return rc;
	ss.src = xcalloc(n, sizeof(*ss.src));
	if ((s = smtp_create_session()) == NULL) {
		rc = dberr_set(e, DB_ESOFTWARE, "smtp: cannot create a session");
		goto fail;
	}
	if ((rc = setup(&ss, s, &ctx, &auth, e)) != 0)
		goto fail;
	started = smtp_start_session(s) != 0;
	for (size_t i = 0; i < n; i++)
		complete = complete && st[i].reported;
	if (!complete) {
		session_reason(&ss, started, reason, sizeof(reason));
		for (size_t i = 0; i < n; i++)
			if (!st[i].reported)
				fill_status(&ss, i, reason);
		rc = dberr_set(e, DB_ETEMP, "smtp: %s", reason);
	}
fail:
	if (rc != 0 && rc != DB_ETEMP)
		for (size_t i = 0; i < n; i++)
			for (size_t k = 0; k < st[i].nrcpt; k++)
				notify_smtp_set_text(st[i].rcpt[k].text, e ? e->msg : "local failure");
	if (s != NULL)
		smtp_destroy_session(s);
	if (auth != NULL)
		auth_destroy_context(auth);
	SSL_CTX_free(ctx); /* libESMTP held its own reference */
	for (size_t i = 0; i < n; i++)
		free(ss.src[i].r);
	free(ss.src);
	return rc;
}
