/*
 * message.h - the bytes of one e-mail: RFC 5322 headers, MIME body, RFC 2047 words.
 *
 * notify_msg_build turns a filled struct notify_msg into a complete message with CRLF line
 * ends, ready for SMTP (libESMTP wants CRLF) or for an .eml file in the outbox. The output
 * depends only on the input: no clock, no random boundary, so a retry sends the same bytes.
 *
 * What comes out:
 *   - From, To, Date, Message-ID, Subject, the caller's extra headers in their order, then
 *     MIME-Version: 1.0 and a text/plain; charset=UTF-8 body in base64 (76-char lines); with
 *     attachments, a multipart/mixed message whose first part is that body.
 *   - Any header value holding non-ASCII (or "=?") is written as RFC 2047 encoded-words
 *     "=?UTF-8?B?...?=", each at most 75 characters and never splitting a UTF-8 character,
 *     folded (CRLF SP) so no header line is longer than 78 characters. ASCII values are kept
 *     as they are and folded at spaces. The caller's extra headers (X-Dabiao-*) are read
 *     by machines: an ASCII value there is never encoded, and a run without a space longer
 *     than a line (a long notice key) keeps a line of its own, up to RFC 5322's 998.
 *     The To list is folded after commas.
 *
 * Nothing here is trusted: header values with CR, LF or other control characters (TAB is
 * allowed), addresses that are not a plain local@domain, and text that is not valid UTF-8
 * are refused with DB_EDATA and a message in the caller's struct dberr.
 *
 * Thread-safe: no state outside the arguments.
 */
#ifndef DABIAO_NOTIFY_MESSAGE_H
#define DABIAO_NOTIFY_MESSAGE_H

#include <stddef.h>

#include "base/err.h"

/* One extra header, e.g. {"X-Dabiao-Task", "plan/m1/2024-06"}. The name must be printable
 * ASCII without ':' and must not be one the builder writes itself (From, To, Date,
 * Message-ID, Subject, MIME-Version, Content-*). The same name may appear several times. */
struct notify_header {
	const char *name;  /* borrowed */
	const char *value; /* borrowed, UTF-8 */
};

/* One attachment, sent in base64. */
struct notify_attachment {
	const char *filename;     /* borrowed, UTF-8, non-empty; written twice: RFC 2231
	                           * filename* on Content-Disposition, and RFC 2047 name= on
	                           * Content-Type for clients that read only that */
	const char *content_type; /* borrowed, "type/subtype", e.g. application/vnd.openxml... */
	const void *data;         /* borrowed, len bytes */
	size_t len;
};

/* The parts of a message. Every pointer is borrowed for the duration of the call only. */
struct notify_msg {
	const char *from_name;  /* UTF-8 display name; NULL or "" for a bare address */
	const char *from_addr;  /* local@domain */
	const char *const *to;  /* nto addresses, local@domain each; nto >= 1 */
	size_t nto;
	const char *date;       /* preformatted RFC 5322 date, e.g. "Mon, 3 Jun 2024 09:00:00 +0800";
	                         * the caller formats it in the plan's zone */
	const char *message_id; /* "<...@...>", stable across retries */
	const char *subject;    /* UTF-8, one line */
	const struct notify_header *headers; /* nheaders extra headers, may be NULL if 0 */
	size_t nheaders;
	const char *body;       /* UTF-8 text, LF or CRLF line ends (written as CRLF) */
	const struct notify_attachment *attachments; /* may be NULL if 0 */
	size_t nattachments;
};

/*
 * Builds the message. On success *out is the message (NUL-terminated for convenience, the
 * NUL not counted in *outlen), owned by the caller who frees it with free(); on failure
 * *out and *outlen are not written.
 * Errors: DB_EDATA (bad address, CR/LF or control character in a header value, invalid
 * UTF-8, a reserved or malformed header name, missing required field), with details in e.
 */
int notify_msg_build(const struct notify_msg *m, char **out, size_t *outlen, struct dberr *e);

/*
 * Length of the longest prefix of s[0..n) that is well-formed UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF). Equal to n when all of it is. Cannot fail.
 * Shared with template.c, which checks template files the same way.
 */
size_t notify_msg_utf8_valid(const char *s, size_t n);

#endif
