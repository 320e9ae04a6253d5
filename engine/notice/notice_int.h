/*
 * notice_int.h - private to engine/notice*.c: turning a notice into text and bytes, over
 * the notifiers' templates and message builder.
 */
#ifndef DABIAO_NOTICE_INT_H
#define DABIAO_NOTICE_INT_H

#include <stddef.h>

#include "engine/base/buf.h"
#include "engine/engine.h"
#include "notifiers/message.h"

/* Renders the template for kind (else fallback) from the plan's folder, else the built-in
 * one. *subject and *body are the caller's to free. */
int notice_render(const struct engine *en, const struct engine_plan *ep, const char *kind,
                  const char *fallback, const char *(*lookup)(const char *, void *),
                  void *arg, char **subject, char **body, struct dberr *e);

struct notice_msg {
	const char *from;
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

/* Frees the engine's template cache (engine_close calls it). */
void notice_templates_free(struct tpl_cache *c);

/* The whole message, CRLF line ends, appended to out. */
int notice_build(const struct notice_msg *m, struct buf *out, struct dberr *e);

#endif
