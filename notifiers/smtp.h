/*
 * smtp.h - deliver a batch of finished messages over one SMTP session (libESMTP 1.1),
 * normally in a helper process so that a crash inside the library costs at most the
 * batch's unreported results, never the scheduler.
 *
 * Two entry points:
 *   notify_smtp_batch_send()  runs the session in the helper (this same program, exec'd
 *                             afresh in its hidden helper mode: notify_smtp_helper_main),
 *                             spawned for the batch or kept across batches
 *                             (notify_smtp_helper), which reports each message's result
 *                             through a pipe the moment it is known. This is what the
 *                             engine uses.
 *   notify_smtp_session_run() runs the session in the calling process. For the helper and
 *                             for tests; a library crash here is the caller's crash.
 *
 * Both block until the session ends: call them from a dedicated sender thread or a command,
 * never from the event loop's thread. Neither reads or writes global state of ours, so
 * several may run at once in different threads (libESMTP itself keeps its errno per thread).
 *
 * Classification of every recipient (what the caller should do next):
 *   DELIVERED  the recipient was accepted (RCPT 2xx) and so was the message (DATA 2xx).
 *   PERMFAIL   a 5xx: at RCPT for this recipient, or at MAIL FROM or DATA for the message,
 *              or at AUTH (535: the user or password is wrong). Retrying the same bytes
 *              will not help.
 *   TEMPFAIL   a 4xx (454 at AUTH included), a refused or dropped connection, a timeout,
 *              STARTTLS required but not offered or failed, the session never reached this
 *              message, the sender process died. Retry later with the same bytes and
 *              Message-ID.
 * When the server refuses AUTH, libESMTP goes on without it; its AUTH reply then decides for
 * every recipient that was not delivered (what a server says to an unauthenticated MAIL FROM,
 * a 530 or a relay refusal, is only the consequence).
 * A recipient is judged alone: one refused neighbour never makes a delivered recipient
 * look failed, so nobody gets the same notice twice.
 *
 * Certificates: with NOTIFY_SMTP_STARTTLS the server's certificate must verify against the
 * system's trust store plus ca_file, and name the host given; any doubt refuses TLS and
 * nothing is sent. After a TLS 1.3 handshake the server hears EHLO twice (ours, then
 * libESMTP's): ours reads past the server's session tickets, which would otherwise stall
 * libESMTP for a whole timeout now and then (smtp.c, tls_settle).
 */
#ifndef DABIAO_NOTIFY_SMTP_H
#define DABIAO_NOTIFY_SMTP_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

enum notify_smtp_security {
	NOTIFY_SMTP_PLAIN = 0,  /* no TLS at all (a relay on the same host); default port 25 */
	NOTIFY_SMTP_STARTTLS,   /* STARTTLS required; default port 587 */
};

/* Where and how to deliver. Every pointer is borrowed for the duration of one call. */
struct notify_smtp_server {
	const char *host;        /* name or address; required */
	int port;                /* 0: 25 for NOTIFY_SMTP_PLAIN, 587 for NOTIFY_SMTP_STARTTLS */
	enum notify_smtp_security security;
	const char *ca_file;     /* PEM trust anchors added to the system's, or NULL */
	const char *user;        /* AUTH PLAIN or LOGIN when non-NULL */
	const char *password;    /* read from a file by the caller; never logged or reported */
	const char *from;        /* envelope sender (MAIL FROM); required */
	int timeout_ms;          /* bound on each wait for the server (greeting, each reply, each
	                            write); 0: 30000. Below the RFC 5321 minimums on purpose: a
	                            stalled server must not hold a batch for 10 minutes. Name
	                            resolution and connect have no bound of their own in libESMTP;
	                            notify_smtp_batch_send bounds the whole session instead
	                            (notify_smtp_time_limit_ms), so a server that dribbles its
	                            replies a byte at a time cannot hold it either. */
	const char *helper;      /* the executable that runs the session in helper mode; NULL:
	                            this program (/proc/self/exe) */
};

/* One message to send. Borrowed for the duration of the call. */
struct notify_smtp_msg {
	const char *data;         /* the complete RFC 5322 message, CRLF line ends */
	size_t len;
	const char *const *rcpt;  /* envelope recipients (RCPT TO), nrcpt >= 1 */
	size_t nrcpt;
};

/* The class of a recipient's outcome (see the top of this file for the rules). */
enum notify_smtp_class {
	NOTIFY_SMTP_CLS_DELIVERED = 0,
	NOTIFY_SMTP_CLS_TEMPFAIL,
	NOTIFY_SMTP_CLS_PERMFAIL,
};

#define NOTIFY_SMTP_TEXT_MAX 256

/* What the server said about one recipient. code is the reply that decided the class (the
 * AUTH reply when AUTH was refused and the recipient not delivered, the RCPT reply when that
 * refused the recipient, else the message's DATA reply), 0 when the server never answered;
 * text is that reply's text (without the code), or why there was none. */
struct notify_smtp_rcpt_status {
	enum notify_smtp_class cls;
	int code;
	char text[NOTIFY_SMTP_TEXT_MAX];
};

/* What happened to one message. */
struct notify_smtp_status {
	bool reported;            /* the session reached a verdict for this message; false when
	                             every recipient is TEMPFAIL for want of an answer */
	int code;                 /* the message's transfer status (DATA reply; MAIL FROM reply
	                             when that failed; the AUTH reply when AUTH was refused and
	                             the message not accepted), 0 when none */
	char text[NOTIFY_SMTP_TEXT_MAX];
	size_t nrcpt;
	struct notify_smtp_rcpt_status *rcpt; /* nrcpt entries, same order as the message's rcpt;
	                                         owned by the status: notify_smtp_status_release */
};

/* Called once per message, in the calling thread, as soon as the message's result is
 * final, so the caller can record it before anything else can go wrong. st is valid only
 * during the call. Messages without a verdict (see reported) are not passed. */
typedef void notify_smtp_result_cb(size_t i, const struct notify_smtp_status *st, void *arg);

/* Options of notify_smtp_batch_send. Zero-initialise; every field is optional. */
struct notify_smtp_batch_opts {
	notify_smtp_result_cb *on_result;
	void *arg;
	int wait_ms;               /* bound on the helper's whole life; 0:
	                              notify_smtp_time_limit_ms. It is then killed (SIGKILL). */
	int cancel_fd;             /* a descriptor that becomes readable to abandon the batch
	                              (the daemon stopping); 0 or -1: none. The helper is asked
	                              to stop after the message in flight and given
	                              NOTIFY_SMTP_STOP_GRACE_MS to report it, then killed; the
	                              call returns DB_ECANCELED; messages not yet reported stay
	                              unreported. */
	size_t test_die_after;     /* tests only: the helper raises SIGKILL right after it has
	                              reported this many messages (0: never) */
	int gather_ms;             /* 0: each result read, and on_result called, the moment
	                              the helper writes it; > 0: what has come read every
	                              gather_ms ms, for a caller that records results only
	                              when the batch ends (the helper still writes each at
	                              once: its death loses none of them) */
	struct notify_smtp_helper *helper; /* a helper kept from one batch to the next (NULL:
	                              one spawned for this batch and ended with it) */
};

/*
 * A helper process kept across batches. Spawning one costs more than its batch on a fast
 * server (an exec of this program loads its ~30 libraries: ~6 ms of CPU, against ~0.2 ms a
 * message), so a sender that sends batch after batch keeps one per connection. The helper
 * runs one session per request, as before, and waits for the next; every batch is still
 * its own request and its own results, and a batch that is abandoned, passes its time
 * limit or loses its helper ends the process exactly as a one-batch helper ends (killed;
 * what it reported before is read and kept; the next batch starts another).
 *
 * The process dies with the thread that started it (PR_SET_PDEATHSIG): start it, and free
 * it, in the thread that lives as long as the handle (the daemon's sender thread, a
 * command's thread), never in a thread of one batch. Not for two batches at once.
 */
struct notify_smtp_helper;

/* A handle with no process yet. Cannot fail (aborts on OOM). */
struct notify_smtp_helper *notify_smtp_helper_new(void);

/* Spawns the helper (srv->helper's executable) in this thread unless one is running.
 * Returns 0, or -errno when no pipe or process could be made (e gets why). */
int notify_smtp_helper_start(struct notify_smtp_helper *h, const struct notify_smtp_server *srv,
                             struct dberr *e);

/* Ends the process (its request channel closed: it exits; killed if it does not within a
 * second) and frees the handle. NULL is allowed. Cannot fail. */
void notify_smtp_helper_free(struct notify_smtp_helper *h);

/* The total time a session of n messages may take: twice the per-wait timeout (connect,
 * greeting, TLS) plus one second a message. Cannot fail. */
long long notify_smtp_time_limit_ms(const struct notify_smtp_server *srv, size_t n);

/* How long an abandoned batch's helper is given to finish the message in flight and report
 * it, in milliseconds: a server answers the end of DATA within a second or two; the stop
 * (SIGTERM to `run`) waits at most this long for it. */
#define NOTIFY_SMTP_STOP_GRACE_MS 5000

/* The helper mode's body: reads requests from descriptor 0 (written by
 * notify_smtp_batch_send), runs a session for each, reports on descriptor 1, and returns
 * the process's exit status when the requests end. main() calls it for the hidden argument NOTIFY_SMTP_HELPER_ARG;
 * nothing else should. */
#define NOTIFY_SMTP_HELPER_ARG "--smtp-helper"
int notify_smtp_helper_main(void);

/*
 * Sends msgs[0..n) in one session in the helper process and fills st[0..n) (the caller's array
 * of n; this function allocates each st[i].rcpt, the caller frees them with
 * notify_smtp_status_release even when this fails).
 *
 * st is always filled, whatever is returned: every recipient without an answer is
 * TEMPFAIL with the reason ("connection refused", "server does not offer STARTTLS",
 * "sender process died: signal 9", ...).
 *
 * Returns 0 when the session ran to its end (the server's verdicts are in st, failures
 * included); DB_ETEMP when it ended early (no connection, dropped, timed out, TLS refused,
 * the helper died or was killed at the time limit); DB_ECANCELED when cancel_fd asked;
 * DB_EUSAGE for a bad server or message (no host, no from, a message without recipients);
 * -errno when no pipe or process could be made. e gets the session-level reason; e may be
 * NULL.
 *
 * The helper is spawned (posix_spawn), never forked from this possibly threaded process: it
 * starts from exec with every signal at its default and only SIGUSR1 blocked, an empty
 * environment, and no descriptor of ours but its request socket (0), its result pipe (1)
 * and /dev/null (2). The request, password included, travels over the socket, never in
 * argv or the environment.
 */
int notify_smtp_batch_send(const struct notify_smtp_server *srv,
                           const struct notify_smtp_msg *msgs, size_t n,
                           const struct notify_smtp_batch_opts *opts,
                           struct notify_smtp_status *st, struct dberr *e);

/* The same session in the calling process; on_result (may be NULL) fires from inside
 * libESMTP's callbacks. Same contract for st, return values and e, without the child. */
int notify_smtp_session_run(const struct notify_smtp_server *srv,
                            const struct notify_smtp_msg *msgs, size_t n,
                            notify_smtp_result_cb *on_result, void *arg,
                            struct notify_smtp_status *st, struct dberr *e);

/* Frees what the calls above allocated in st[0..n) and zeroes it. Cannot fail. */
void notify_smtp_status_release(struct notify_smtp_status *st, size_t n);

/* "delivered", "tempfail" or "permfail". Cannot fail. */
const char *notify_smtp_class_name(enum notify_smtp_class c);

#endif
