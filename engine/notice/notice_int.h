/*
 * notice_int.h - private to engine/notice*.c: turning a notice into text and bytes, over
 * the notifiers' templates and message builder.
 */
#ifndef DABIAO_NOTICE_INT_H
#define DABIAO_NOTICE_INT_H

#include <stddef.h>

#include "base/buf.h"
#include "engine/notice/notice.h"
#include "notifiers/message.h"

/* Renders the template for kind (else fallback) from the plan's folder, else the built-in
 * one; templates are parsed once per engine (its ENGINE_SLOT_TEMPLATES memo). *subject
 * and *body are the caller's to free. */
int notice_render(struct engine *en, const struct engine_plan *ep, const char *kind,
                  const char *fallback, const char *(*lookup)(const char *, void *),
                  void *arg, char **subject, char **body, struct dberr *e);

struct notice_msg {
	const char *from;
	const char *from_name;   /* the From display name: the issuer's 调度系统 (never a bureau's
	                            work of its own, review12a P6) */
	const char *const *to;
	size_t nto;
	const char *date;        /* RFC 5322 date */
	const char *message_id;  /* with angle brackets */
	const char *subject;
	const char *body;
	const struct notify_header *headers;
	size_t nheaders;
	const struct notify_attachment *attachments;
	size_t nattachments;
};


/* The whole message, CRLF line ends, appended to out. */
int notice_build(const struct notice_msg *m, struct buf *out, struct dberr *e);

/* Keeps a line for notice n in recipient addr's digest and puts the digest's due entry
 * (notice.h says the format). subject_line: the notice's Subject; unit: the unit the
 * address belongs to, which the digest is addressed to. */
/* Where a notice scheduled at `scheduled` and kept for addr's digest goes out: the
 * digest's meta key (its due entry's task; NULL: not wanted), the grouped message's own
 * notice key (notice_digest_message_key; NULL: not wanted) and the instant it is due.
 * Callers free the keys. Cannot fail. */
void notice_digest_place(const struct engine_plan *ep, int64_t scheduled, const char *addr,
                         char **meta_key, char **msg_key, int64_t *at);
/* Whether a notice scheduled at `scheduled` may wait for its recipient's digest: the digest
 * leaves on the notice's own local day (one made after notify_at by an hour offset would
 * wait for tomorrow's, its 今日 and day counts untrue by then) and, for a notice made
 * before its task's deadline (deadline: 0 for none), not after that deadline, which a
 * reminder warns of (review12a, P11). Else it goes alone, at its time. Cannot fail. */
bool notice_digest_in_time(const struct engine_plan *ep, int64_t scheduled, int64_t deadline);
int notice_digest_add(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                      const struct store_notice *n, const char *subject_line,
                      const char *addr, const char *unit, struct dberr *e);

#endif
