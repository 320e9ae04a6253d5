/*
 * smtp_send.h - one SMTP session that sends a batch of finished messages, run in a child
 * process so that a crash inside libESMTP costs a batch's results, never the scheduler.
 *
 * The caller (the engine's sender thread, or a command) blocks until the session ends;
 * it must not be the event loop's thread. libESMTP speaks STARTTLS only (no implicit TLS
 * on port 465). Results are per recipient: a recipient the server accepted is reported
 * delivered whatever happened to the others, so nobody receives a notice twice because a
 * neighbour's address was refused.
 */
#ifndef DABIAO_NOTIFY_SMTP_SEND_H
#define DABIAO_NOTIFY_SMTP_SEND_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/base/err.h"

struct notify_smtp_config {
	const char *host;
	int port;
	bool starttls;          /* required: nothing is sent in clear when it is not offered */
	const char *ca_file;    /* extra trust anchors, or NULL for the system's */
	const char *user;       /* AUTH PLAIN/LOGIN when set */
	const char *password;   /* never logged */
	const char *from;       /* envelope sender */
	int timeout_ms;         /* per protocol step */
	int crash_after;        /* tests only: the child kills itself after that many messages
	                           have been reported (0: never) */
};

enum notify_smtp_result { NOTIFY_SMTP_DELIVERED = 0, NOTIFY_SMTP_TEMPFAIL, NOTIFY_SMTP_PERMFAIL };

struct notify_smtp_rcpt {
	const char *addr;                /* in: borrowed */
	enum notify_smtp_result result;  /* out */
	int code;                        /* out: the server's reply code, 0 when none */
	char text[256];                  /* out: the reply, or why there was none */
};

struct notify_smtp_mail {
	const char *data;                /* in: the whole message, CRLF line ends, borrowed */
	size_t len;
	struct notify_smtp_rcpt *rcpt;   /* in/out: nrcpt recipients, caller's memory */
	size_t nrcpt;
};

/* Sends mails[0..n) in one session, in a child process, and fills every recipient's
 * result: what the child did not report (it crashed, it was killed, the connection never
 * came up) is NOTIFY_SMTP_TEMPFAIL with the reason. Returns 0 when results are filled —
 * however the delivery went — or a negative -errno when no child could be started (then
 * every result is TEMPFAIL too). */
int notify_smtp_send(const struct notify_smtp_config *c, struct notify_smtp_mail *mails,
                     size_t n, void (*done)(size_t i, void *arg), void *arg,
                     struct dberr *e);
/* done (may be NULL) is called in the caller's thread as soon as every recipient of
 * mails[i] has its result from the server, so the caller can record it at once: a crash
 * of the caller then repeats only what it had not yet recorded. Messages without a result
 * from the server are never passed to done; they come back TEMPFAIL when the call returns.
 * The child dies with the caller (PR_SET_PDEATHSIG): nothing goes on sending unrecorded. */

#endif
