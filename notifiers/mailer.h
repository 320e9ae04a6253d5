/*
 * mailer.h - deliver ready messages to an SMTP server, one session per batch, in a child
 * process.
 *
 * notify_mailer_send() forks; the child runs one libESMTP session for the whole batch
 * (every message in the same connection, PIPELINING when the server offers it) and reports
 * each message's outcome through a pipe the moment the server has answered it. The parent
 * is a plain blocking function: it reads those reports, reaps the child, and marks every
 * message the child did not report (it crashed, was killed, or hung) as a temporary failure.
 * A crash in libESMTP or OpenSSL therefore costs at most the messages in flight, never the
 * caller's process. See docs/delivery.md for the guarantees.
 *
 * Verdicts are per recipient, from the server's own replies (libESMTP's "success" only says
 * the dialogue ran):
 *   NOTIFY_DELIVERED  MAIL, RCPT and the end of DATA all answered 2xx: the server took
 *                     responsibility for this recipient.
 *   NOTIFY_PERMFAIL   a 5xx to MAIL, to this RCPT, or to DATA: do not retry.
 *   NOTIFY_TEMPFAIL   a 4xx, or no answer at all: connection refused or dropped, a timeout,
 *                     TLS refused or not offered, the child died. Retry later, passing only
 *                     the recipients not yet delivered.
 *
 * Threading: notify_mailer_send blocks for the whole session (up to several timeouts); call
 * it from a dedicated sender thread or process, never from the event loop. It keeps no state
 * between calls, so several threads may call it at once. It forks: in a multi-threaded
 * caller the child only relies on glibc's fork-safe malloc and on libraries no other thread
 * is inside at the moment of the fork (OpenSSL is initialised by the child itself).
 * The caller must ignore SIGPIPE (the engine does at start-up); the child ignores it too.
 */
#ifndef DABIAO_NOTIFY_MAILER_H
#define DABIAO_NOTIFY_MAILER_H

#include <stddef.h>

#include "engine/base/err.h"

#define NOTIFY_MAILER_TEXT_MAX 256

/* Where and how to send. Every pointer is borrowed for the duration of the call. */
struct notify_mailer_config {
	const char *host;     /* name or address of the SMTP server, required */
	int port;             /* 0: 587 when starttls is required, else 25 */
	int starttls;         /* 0: plain SMTP; 1: STARTTLS required, with a verified
	                       * certificate, or nothing is sent */
	const char *user;     /* NULL: no AUTH; else AUTH PLAIN or LOGIN */
	const char *password; /* never logged, never reported in a text */
	const char *from;     /* envelope sender (MAIL FROM), required; "" for <> */
	int timeout_ms;       /* each wait for the server; <= 0: 30000 */
	const char *ca_file;  /* PEM file of trusted CAs, added to the system's; may be NULL */
	/* Test only, 0 in production: the child kills itself with SIGKILL right after
	 * reporting this many messages, to exercise the crash path. */
	int test_kill_after;
};

/* One message: complete RFC 5322 bytes with CRLF line ends (notify_msg_build's output).
 * Recipients already delivered in an earlier attempt are simply not passed again. */
struct notify_mail {
	const char *data;        /* borrowed, len bytes */
	size_t len;
	const char *const *rcpt; /* borrowed, nrcpt envelope recipients, local@domain */
	size_t nrcpt;            /* >= 1 */
};

enum notify_rcpt_result { NOTIFY_DELIVERED, NOTIFY_TEMPFAIL, NOTIFY_PERMFAIL };

/* The verdict for one recipient: the reply that decided it (code 0 when none came) and its
 * text, or our reason when there was no reply. Texts are single-line and NUL-terminated. */
struct notify_rcpt_status {
	enum notify_rcpt_result result;
	int code;
	char text[NOTIFY_MAILER_TEXT_MAX];
};

/* The outcome of one message. code/text: the reply to the end of DATA (or to MAIL FROM when
 * that was refused), else 0 and the session's reason. rcpt[k] matches mail.rcpt[k]. */
struct notify_result {
	int code;
	char text[NOTIFY_MAILER_TEXT_MAX];
	size_t nrcpt;
	struct notify_rcpt_status *rcpt; /* nrcpt entries, owned; notify_result_release frees */
};

/*
 * Sends n messages in one SMTP session run by a child process, and waits for it.
 * results: n caller-provided entries; the function fills every one of them (allocating its
 * rcpt array) whenever it returns 0 or DB_EUSAGE; release them with notify_result_release.
 * Returns 0 when results are filled, even if every recipient failed (look at the results).
 * Errors: DB_EUSAGE (no host or sender, an empty message, a message without recipients;
 * every recipient is then TEMPFAIL with that text), -errno when pipe() or fork() failed
 * (results are then filled as TEMPFAIL too, so the caller may treat them alike). e gets the
 * detail. n == 0 returns 0 without forking.
 */
int notify_mailer_send(const struct notify_mailer_config *c, const struct notify_mail *mails,
                       size_t n, struct notify_result *results, struct dberr *e);

/* Frees the rcpt arrays of n results and zeroes them. Accepts zeroed entries. Cannot fail. */
void notify_result_release(struct notify_result *results, size_t n);

/* Name of a verdict: "delivered", "tempfail", "permfail". Cannot fail. */
const char *notify_rcpt_result_name(enum notify_rcpt_result r);

/*
 * The session itself, in the calling process: ONLY in a child process (or a test), since a
 * crash in libESMTP takes the calling process with it. results must already be filled as
 * TEMPFAIL by the caller (notify_mailer_results_init); on_done(i, &results[i], arg) is called
 * as soon as message i has its final verdict, then once more for every message still
 * unreported when the session ends (with the session's reason). Returns 0 when the session
 * ran (whatever the verdicts), DB_ESOFTWARE or DB_ECONFIG (unreadable ca_file) when it could
 * not be set up; unreported messages are still passed to on_done with that reason.
 */
typedef void notify_mailer_done_cb(size_t i, const struct notify_result *r, void *arg);

int notify_mailer_session(const struct notify_mailer_config *c, const struct notify_mail *mails,
                          size_t n, struct notify_result *results, notify_mailer_done_cb *on_done,
                          void *arg, struct dberr *e);

/* Checks the request and fills n results as TEMPFAIL with an empty text (or with the
 * complaint). Returns 0, or DB_EUSAGE with the detail in e; results are filled either way. */
int notify_mailer_results_init(const struct notify_mailer_config *c,
                               const struct notify_mail *mails, size_t n,
                               struct notify_result *results, struct dberr *e);

/* Copies s into dst as one line: CR, LF and TAB become spaces, truncated to fit. */
void notify_mailer_set_text(char dst[NOTIFY_MAILER_TEXT_MAX], const char *s);

#endif
