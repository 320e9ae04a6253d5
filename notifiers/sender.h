/*
 * sender.h - private to notifiers/smtp.c and notifiers/sender.c: the pieces both entry
 * points of smtp.h share. Not for other modules.
 */
#ifndef DABIAO_NOTIFY_SENDER_H
#define DABIAO_NOTIFY_SENDER_H

#include "notifiers/smtp.h"

/* Allocates st[i].rcpt for every message and sets every recipient TEMPFAIL, code 0,
 * empty text, reported false; then checks srv and msgs. Returns 0, or DB_EUSAGE with the
 * reason in e and in every recipient's text. st is prepared in both cases. */
int notify_smtp_prepare(const struct notify_smtp_server *srv,
                        const struct notify_smtp_msg *msgs, size_t n,
                        struct notify_smtp_status *st, struct dberr *e);

/* Copies s into a status text field, line breaks and tabs made spaces, so texts survive
 * the child's line-based pipe format and a log line. Cannot fail. */
void notify_smtp_set_text(char dst[NOTIFY_SMTP_TEXT_MAX], const char *s);

/* Milliseconds on the monotonic clock: the sessions' deadlines, never a time of day.
 * Cannot fail. */
long long notify_mono_ms(void);

/* The port used when srv->port is 0. */
int notify_smtp_port(const struct notify_smtp_server *srv);

#endif
