/*
 * mailer_session.c - one libESMTP session that sends a batch of messages, in the calling
 * process (which mailer_child.c makes a throw-away child).
 *
 * libESMTP runs the whole dialogue inside smtp_start_session() and returns success even
 * when the server refused messages or recipients, so that return value never decides a
 * verdict. Each recipient is judged from the three replies that concern it, in protocol
 * order: MAIL FROM (smtp_reverse_path_status), its own RCPT (enumerated with
 * smtp_enumerate_recipients) and the end of DATA (smtp_message_transfer_status).
 *
 * A message's verdict is final at SMTP_EV_MESSAGESENT (libESMTP raises it after the reply
 * to the final dot, or after DATA itself was refused), or at SMTP_EV_MAILSTATUS when MAIL
 * FROM was refused (libESMTP then skips to the next message without MESSAGESENT). We report
 * it at that moment, so a crash later in the session cannot lose it.
 */
#include <stddef.h> /* before libesmtp.h: its 1.1.0 header uses size_t without it */

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

/* openssl/ssl.h first: libesmtp.h declares smtp_starttls_set_ctx only when it sees it */
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <auth-client.h>
#include <libesmtp.h>

#include "engine/base/xalloc.h"
#include "notifiers/mailer.h"

#define DEFAULT_TIMEOUT_MS 30000

/* A descriptor that existed before the session started, so the TCP_NODELAY scan can tell
 * libESMTP's new socket from the process's own. The inode guards against fd reuse. */
struct fdmark {
	int fd;
	ino_t ino;
};

/* One message as libESMTP reads it (msg_cb) and as an event finds it again. */
struct msgsrc {
	const char *data; /* borrowed from the caller's notify_mail */
	size_t len;
	bool given;       /* msg_cb handed out the bytes since the last rewind */
	bool reported;
	size_t i;         /* index in the batch */
	smtp_message_t m; /* owned by the session */
};

struct session {
	const struct notify_mailer_config *c;
	const struct notify_mail *mails; /* the caller's, n entries */
	size_t n;
	struct msgsrc *src;             /* n entries */
	struct notify_result *res;      /* n entries, the caller's */
	notify_mailer_done_cb *on_done;
	void *arg;
	struct fdmark *before;          /* descriptors open before smtp_start_session */
	size_t nbefore;
	bool starttls_missing;          /* SMTP_EV_EXTNA_STARTTLS */
	bool name_checked;              /* OpenSSL checks the host name in the handshake */
	char tls_refusal[160];          /* why we refused the server's TLS, or "" */
};

void
notify_mailer_set_text(char dst[NOTIFY_MAILER_TEXT_MAX], const char *s)
{
	size_t k = 0;

	for (; s != NULL && s[k] != '\0' && k < NOTIFY_MAILER_TEXT_MAX - 1; k++)
		dst[k] = (s[k] == '\r' || s[k] == '\n' || s[k] == '\t') ? ' ' : s[k];
	dst[k] = '\0';
	while (k > 0 && dst[k - 1] == ' ')
		dst[--k] = '\0';
}

const char *
notify_rcpt_result_name(enum notify_rcpt_result r)
{
	switch (r) {
	case NOTIFY_DELIVERED:
		return "delivered";
	case NOTIFY_PERMFAIL:
		return "permfail";
	default:
		return "tempfail";
	}
}

void
notify_result_release(struct notify_result *results, size_t n)
{
	for (size_t i = 0; results != NULL && i < n; i++) {
		free(results[i].rcpt);
		memset(&results[i], 0, sizeof(results[i]));
	}
}

static const char *
check_request(const struct notify_mailer_config *c, const struct notify_mail *mails,
              size_t n)
{
	if (c == NULL || c->host == NULL || c->host[0] == '\0')
		return "no SMTP host";
	if (c->from == NULL)
		return "no envelope sender";
	if (c->port < 0 || c->port > 65535)
		return "SMTP port out of range";
	for (size_t i = 0; i < n; i++) {
		/* msg_cb hands the message over in one piece, as an int length */
		if (mails[i].data == NULL || mails[i].len == 0 || mails[i].len > INT_MAX)
			return "a message is empty or larger than 2 GiB";
		if (mails[i].nrcpt == 0 || mails[i].rcpt == NULL)
			return "a message has no recipient";
		for (size_t k = 0; k < mails[i].nrcpt; k++)
			if (mails[i].rcpt[k] == NULL || mails[i].rcpt[k][0] == '\0')
				return "a recipient address is empty";
	}
	return NULL;
}

int
notify_mailer_results_init(const struct notify_mailer_config *c,
                           const struct notify_mail *mails, size_t n,
                           struct notify_result *results, struct dberr *e)
{
	const char *bad = check_request(c, mails, n);

	for (size_t i = 0; i < n; i++) {
		struct notify_result *r = &results[i];

		memset(r, 0, sizeof(*r));
		r->nrcpt = mails[i].nrcpt;
		r->rcpt = xcalloc(r->nrcpt ? r->nrcpt : 1, sizeof(*r->rcpt));
		notify_mailer_set_text(r->text, bad);
		for (size_t k = 0; k < r->nrcpt; k++) {
			r->rcpt[k].result = NOTIFY_TEMPFAIL;
			notify_mailer_set_text(r->rcpt[k].text, bad);
		}
	}
	if (bad != NULL)
		return dberr_set(e, DB_EUSAGE, "mailer: %s", bad);
	return 0;
}

static int
port_of(const struct notify_mailer_config *c)
{
	if (c->port > 0)
		return c->port;
	return c->starttls ? 587 : 25;
}

/*
 * The verdict from the replies that concern one recipient: code[] holds the MAIL FROM, RCPT
 * and DATA reply codes, 0 when the reply never came; *step names the reply that decided.
 * The first reply in protocol order that is not 2xx decides: 5xx is permanent, anything
 * else (4xx, none, a 354 left hanging by a dropped connection) temporary.
 */
static enum notify_rcpt_result
classify(const int code[3], int *step)
{
	for (*step = 0; *step < 3; (*step)++) {
		int c = code[*step];

		if (c >= 500 && c < 600)
			return NOTIFY_PERMFAIL;
		if (c < 200 || c >= 300)
			return NOTIFY_TEMPFAIL;
	}
	*step = 2;
	return NOTIFY_DELIVERED;
}

/* What smtp_enumerate_recipients needs to fill one message's recipient slots in order
 * (libESMTP enumerates them in the order they were added). */
struct rcpt_walk {
	struct notify_result *r;
	const smtp_status_t *mail, *data;
	int mcode, dcode;
	const char *reason;
	size_t k;
};

static void
judge_rcpt(smtp_recipient_t rc, const char *mailbox, void *arg)
{
	struct rcpt_walk *w = arg;
	const smtp_status_t *rs = smtp_recipient_status(rc);
	const smtp_status_t *by[3] = {w->mail, rs, w->data};
	int code[3] = {w->mcode, rs ? rs->code : 0, w->dcode}, step;
	struct notify_rcpt_status *st;

	(void)mailbox;
	if (w->k >= w->r->nrcpt)
		return; /* cannot happen: we added exactly nrcpt */
	st = &w->r->rcpt[w->k++];
	st->result = classify(code, &step);
	st->code = code[step];
	notify_mailer_set_text(st->text, code[step] != 0 && by[step] != NULL &&
	                                         by[step]->text != NULL ? by[step]->text : w->reason);
	/* libESMTP marks a recipient complete once the server took responsibility for it (or
	 * refused it for good); never call delivered what it would send again */
	if (st->result == NOTIFY_DELIVERED && !smtp_recipient_check_complete(rc))
		st->result = NOTIFY_TEMPFAIL;
}

/* Fills res[i] from libESMTP's statuses; reason is the text for replies that never came. */
static void
fill_result(struct session *ss, size_t i, const char *reason)
{
	struct notify_result *r = &ss->res[i];
	struct rcpt_walk w = {r, NULL, NULL, 0, 0, reason, 0};

	w.mail = smtp_reverse_path_status(ss->src[i].m);
	w.data = smtp_message_transfer_status(ss->src[i].m);
	w.mcode = w.mail ? w.mail->code : 0;
	w.dcode = w.data ? w.data->code : 0;
	if (w.dcode >= 300 && w.dcode < 400)
		w.dcode = 0; /* a 354 still standing: the reply to the final dot never came */
	if (w.mcode != 0 && (w.mcode < 200 || w.mcode >= 300)) {
		r->code = w.mcode;
		notify_mailer_set_text(r->text, w.mail->text);
	} else {
		r->code = w.dcode;
		notify_mailer_set_text(r->text, w.dcode && w.data->text ? w.data->text : reason);
	}
	smtp_enumerate_recipients(ss->src[i].m, judge_rcpt, &w);
}

static void
report(struct session *ss, smtp_message_t m, const char *reason)
{
	struct msgsrc *ms = smtp_message_get_application_data(m);

	if (ms == NULL || ms->reported)
		return;
	ms->reported = true;
	fill_result(ss, ms->i, reason);
	if (ss->on_done != NULL)
		ss->on_done(ms->i, &ss->res[ms->i], ss->arg);
}

/* Calls f(fd, inode, arg) for every socket descriptor of this process. */
static void
each_socket(void (*f)(int, ino_t, void *), void *arg)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	if (d == NULL)
		return; /* no /proc: Nagle stays on, slower but correct */
	while ((de = readdir(d)) != NULL) {
		struct stat sb;
		int fd;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		fd = atoi(de->d_name);
		if (fd != dirfd(d) && fstat(fd, &sb) == 0 && S_ISSOCK(sb.st_mode))
			f(fd, sb.st_ino, arg);
	}
	closedir(d);
}

static void
mark_socket(int fd, ino_t ino, void *arg)
{
	struct session *ss = arg;

	ss->before = xrealloc(ss->before, (ss->nbefore + 1) * sizeof(*ss->before));
	ss->before[ss->nbefore].fd = fd;
	ss->before[ss->nbefore++].ino = ino;
}

static void
nodelay_if_new(int fd, ino_t ino, void *arg)
{
	struct session *ss = arg;
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);
	int type = 0, one = 1;
	socklen_t tlen = sizeof(type);

	for (size_t k = 0; k < ss->nbefore; k++)
		if (ss->before[k].fd == fd && ss->before[k].ino == ino)
			return;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) != 0 || type != SOCK_STREAM)
		return;
	if (getpeername(fd, (struct sockaddr *)&sa, &len) != 0 ||
	    (sa.ss_family != AF_INET && sa.ss_family != AF_INET6))
		return;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/*
 * TCP_NODELAY on libESMTP's socket. libESMTP writes a message's tail and the final dot in
 * separate write() calls and then waits for the reply, so with Nagle's algorithm the last
 * segment waits for the server's delayed ACK (~40 ms): about 23 messages a second on
 * loopback, whatever the batch size. libESMTP 1.1 has no socket-option hook, but
 * protocol.c's do_session() raises SMTP_EV_CONNECT right after connect() and sio_attach()
 * succeed, before the first byte is read or written (once per address it connects to).
 * At that moment the one connected TCP socket that did not exist when the session started
 * is libESMTP's: we remember the process's sockets (fd and inode) before
 * smtp_start_session and set the option on the new one. Interposing socket() or connect()
 * would be exact too, but would act on every library in the process; the event is the
 * library's own documented moment, and getting it wrong costs only speed.
 */
static void
set_nodelay(struct session *ss)
{
	each_socket(nodelay_if_new, ss);
}

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
		set_nodelay(ss);
		break;
	case SMTP_EV_MAILSTATUS: {
		const smtp_status_t *mail;
		smtp_message_t m;

		(void)va_arg(ap, const char *);
		m = va_arg(ap, smtp_message_t);
		mail = smtp_reverse_path_status(m);
		/* a refused MAIL FROM ends the message: no MESSAGESENT follows */
		if (mail != NULL && (mail->code < 200 || mail->code >= 300))
			report(ss, m, "");
		break;
	}
	case SMTP_EV_MESSAGESENT:
		report(ss, va_arg(ap, smtp_message_t), "");
		break;
	case SMTP_EV_EXTNA_STARTTLS:
		ss->starttls_missing = true;
		break;
	case SMTP_EV_INVALID_PEER_CERTIFICATE: {
		long vfy = va_arg(ap, long);

		ok = va_arg(ap, int *);
		*ok = 0; /* never send over a TLS connection we could not verify */
		snprintf(ss->tls_refusal, sizeof(ss->tls_refusal), "server certificate invalid: %s",
		         X509_verify_cert_error_string(vfy));
		break;
	}
	case SMTP_EV_NO_PEER_CERTIFICATE:
		ok = va_arg(ap, int *);
		*ok = 0;
		snprintf(ss->tls_refusal, sizeof(ss->tls_refusal), "server sent no certificate");
		break;
	case SMTP_EV_WRONG_PEER_CERTIFICATE: {
		SSL *ssl;

		/* libESMTP's own name check reads only DNS names (its GEN_IPADD is a TODO), so it
		 * refuses a server reached by IP address. OpenSSL already checked the name,
		 * addresses included, during the handshake (tls_context() sets it), and the
		 * handshake fails on a mismatch: a verified handshake with our name check is
		 * the proof, and anything else is refused. */
		ok = va_arg(ap, int *);
		(void)va_arg(ap, const char *);
		ssl = va_arg(ap, SSL *);
		*ok = ss->name_checked && ssl != NULL && SSL_get_verify_result(ssl) == X509_V_OK;
		if (!*ok)
			snprintf(ss->tls_refusal, sizeof(ss->tls_refusal),
			         "server certificate does not name %s", ss->c->host);
		break;
	}
	case SMTP_EV_WEAK_CIPHER:
		(void)va_arg(ap, int);
		ok = va_arg(ap, int *);
		*ok = 0;
		snprintf(ss->tls_refusal, sizeof(ss->tls_refusal), "weak TLS cipher");
		break;
	case SMTP_EV_NO_CLIENT_CERTIFICATE:
		ok = va_arg(ap, int *);
		*ok = 1; /* we present no client certificate; that is no reason to stop */
		break;
	default:
		break;
	}
	va_end(ap);
}

/* Hands the whole message over at once; libESMTP splits it into lines and dot-stuffs it. */
static const char *
msg_cb(void **ctx, int *len, void *arg)
{
	struct msgsrc *ms = arg;

	(void)ctx; /* libESMTP frees *ctx itself: our cursor lives in arg */
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
	const struct notify_mailer_config *c = arg;

	for (int i = 0; i < fields; i++) {
		if (req[i].flags & AUTH_USER)
			result[i] = (char *)c->user;
		else if (req[i].flags & AUTH_PASS)
			result[i] = (char *)(c->password ? c->password : "");
		else
			return 0; /* a realm or anything else we cannot answer: AUTH fails */
	}
	return 1;
}

/* auth_client_init loads the SASL plugin list once per process; auth_client_exit is never
 * called, so a concurrent session never loses its plugins. */
static pthread_once_t auth_once = PTHREAD_ONCE_INIT;

static void
auth_init(void)
{
	auth_client_init();
}

/* OpenSSL refuses an unverifiable certificate inside the handshake, before libESMTP's
 * events can say why; this keeps the reason for the text. */
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

/* Our own context: peer verification on, the system's CAs plus ca_file, the host name (or
 * address) checked by OpenSSL, and no libESMTP default context reading ~/.authenticate or
 * prompting on a terminal for a key's password. */
static int
tls_context(struct session *ss, SSL_CTX **out, struct dberr *e)
{
	const struct notify_mailer_config *c = ss->c;
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	X509_VERIFY_PARAM *vp;
	struct in6_addr a6;
	struct in_addr a4;
	int set;

	if (ctx == NULL)
		return dberr_set(e, DB_ESOFTWARE, "mailer: cannot create a TLS context");
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_cb);
	SSL_CTX_set_app_data(ctx, ss); /* the context lives only as long as this session */
	SSL_CTX_set_default_verify_paths(ctx);
	if (c->ca_file != NULL && SSL_CTX_load_verify_locations(ctx, c->ca_file, NULL) != 1) {
		SSL_CTX_free(ctx);
		return dberr_set(e, DB_ECONFIG, "mailer: cannot load CA file %s", c->ca_file);
	}
	vp = SSL_CTX_get0_param(ctx);
	if (inet_pton(AF_INET, c->host, &a4) == 1 || inet_pton(AF_INET6, c->host, &a6) == 1)
		set = X509_VERIFY_PARAM_set1_ip_asc(vp, c->host);
	else
		set = X509_VERIFY_PARAM_set1_host(vp, c->host, 0);
	ss->name_checked = set == 1;
	*out = ctx;
	return 0;
}

/* Builds the session: server, timeouts, TLS, AUTH, then every message. */
static int
setup(struct session *ss, smtp_session_t s, SSL_CTX **ctx, auth_context_t *auth,
      struct dberr *e)
{
	const struct notify_mailer_config *c = ss->c;
	long t = c->timeout_ms > 0 ? c->timeout_ms : DEFAULT_TIMEOUT_MS;
	char hostport[300];
	int rc;

	snprintf(hostport, sizeof(hostport), "%s:%d", c->host, port_of(c));
	if (!smtp_set_server(s, hostport) || !smtp_set_eventcb(s, on_event, ss))
		return dberr_set(e, DB_ESOFTWARE, "mailer: cannot configure the session");
	/* Milliseconds, whatever libesmtp.h's comment says, and below RFC 5321's minutes on
	 * purpose: without the override flag libESMTP raises them to those minutes. */
	for (int w = Timeout_GREETING; w <= Timeout_DATA2; w++)
		smtp_set_timeout(s, w | Timeout_OVERRIDE_RFC2822_MINIMUM, t);
	if (c->starttls) {
		if ((rc = tls_context(ss, ctx, e)) != 0)
			return rc;
		smtp_starttls_set_ctx(s, *ctx);
		smtp_starttls_enable(s, Starttls_REQUIRED);
	} else {
		smtp_starttls_enable(s, Starttls_DISABLED);
	}
	if (c->user != NULL) {
		pthread_once(&auth_once, auth_init);
		if ((*auth = auth_create_context()) == NULL)
			return dberr_set(e, DB_ESOFTWARE, "mailer: cannot create an AUTH context");
		/* PLAIN and LOGIN send the password as it is: allowed because STARTTLS is
		 * required for any real server; a plain-text test server is the exception */
		auth_set_mechanism_flags(*auth, AUTH_PLUGIN_PLAIN, 0);
		auth_set_interact_cb(*auth, interact, (void *)c);
		smtp_auth_set_context(s, *auth);
	}
	for (size_t i = 0; i < ss->n; i++) {
		struct msgsrc *ms = &ss->src[i];

		ms->i = i;
		ms->m = smtp_add_message(s);
		if (ms->m == NULL || !smtp_set_reverse_path(ms->m, c->from) ||
		    !smtp_set_messagecb(ms->m, msg_cb, ms))
			return dberr_set(e, DB_ESOFTWARE, "mailer: cannot add message %zu", i);
		smtp_message_set_application_data_release(ms->m, ms, NULL); /* ours to free */
		for (size_t k = 0; k < ss->mails[i].nrcpt; k++)
			if (smtp_add_recipient(ms->m, ss->mails[i].rcpt[k]) == NULL)
				return dberr_set(e, DB_ESOFTWARE, "mailer: cannot add a recipient");
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
	else if (ss->tls_refusal[0] != '\0')
		snprintf(buf, len, "TLS refused: %s", ss->tls_refusal);
	else if (err != 0 && smtp_strerror(err, why, sizeof(why)) != NULL)
		snprintf(buf, len, "SMTP session failed: %s%s", why,
		         err == SMTP_ERR_DROPPED_CONNECTION ? " (or no reply in time)" : "");
	else
		snprintf(buf, len, "SMTP session ended before this message%s",
		         started ? "" : " (it did not start)");
}

int
notify_mailer_session(const struct notify_mailer_config *c, const struct notify_mail *mails,
                      size_t n, struct notify_result *results, notify_mailer_done_cb *on_done,
                      void *arg, struct dberr *e)
{
	struct session ss = {0};
	smtp_session_t s = NULL;       /* owns every message and recipient handle */
	auth_context_t auth = NULL;
	SSL_CTX *ctx = NULL;            /* ours; libESMTP holds its own reference */
	char reason[300] = "";
	bool started = false;
	int rc;

	if (n == 0)
		return 0;
	ss.c = c;
	ss.mails = mails;
	ss.n = n;
	ss.res = results;
	ss.on_done = on_done;
	ss.arg = arg;
	ss.src = xcalloc(n, sizeof(*ss.src));
	for (size_t i = 0; i < n; i++) {
		ss.src[i].data = mails[i].data;
		ss.src[i].len = mails[i].len;
	}
	if ((s = smtp_create_session()) == NULL) {
		rc = dberr_set(e, DB_ESOFTWARE, "mailer: cannot create a session");
		goto out;
	}
	if ((rc = setup(&ss, s, &ctx, &auth, e)) != 0)
		goto out;
	each_socket(mark_socket, &ss);
	started = smtp_start_session(s) != 0;
	session_reason(&ss, started, reason, sizeof(reason));
	for (size_t i = 0; i < n; i++)
		report(&ss, ss.src[i].m, reason);
out:
	/* a session that could not be set up reports every message with that reason */
	for (size_t i = 0; rc != 0 && i < n; i++) {
		if (ss.src[i].reported)
			continue;
		ss.src[i].reported = true;
		notify_mailer_set_text(results[i].text, e != NULL ? e->msg : "mailer: local failure");
		for (size_t k = 0; k < results[i].nrcpt; k++) {
			results[i].rcpt[k].result = NOTIFY_TEMPFAIL;
			memcpy(results[i].rcpt[k].text, results[i].text, sizeof(results[i].text));
		}
		if (on_done != NULL)
			on_done(i, &results[i], arg);
	}
	if (s != NULL)
		smtp_destroy_session(s);
	if (auth != NULL)
		auth_destroy_context(auth);
	SSL_CTX_free(ctx);
	free(ss.before);
	free(ss.src);
	return rc;
}
