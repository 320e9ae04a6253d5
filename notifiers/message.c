#include "notifiers/message.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "base/addr.h"
#include "base/buf.h"
#include "base/xalloc.h"

/* RFC 5322 2.1.1: lines SHOULD be at most 78 characters, excluding CRLF. */
#define LINE_MAX_ 78
/* RFC 5322 2.1.1: no line of a message may be longer than 998 characters. */
#define LINE_HARD_MAX 998
/* RFC 2047 2: an encoded-word is at most 75 characters; "=?UTF-8?B?" and "?=" take 12. */
#define EW_MAX 75
#define EW_OVERHEAD 12
/* RFC 2045 6.8: base64 lines of at most 76 characters; 57 bytes make exactly 76. */
#define B64_LINE_BYTES 57

/* Every body part is base64, and "=_" never occurs in base64 text (padding '=' only ends a
 * line), so this constant boundary cannot collide with content and keeps the bytes of a
 * message a function of its input. */
#define BOUNDARY "=_dabiao_mixed_9f3c"

/* Headers the builder writes itself; an extra header with one of these names would make a
 * second, contradicting copy. */
static const char *const reserved_headers[] = {
	"From", "To", "Cc", "Bcc", "Date", "Message-ID", "Subject", "MIME-Version", NULL,
};

size_t
notify_msg_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t len;
		uint32_t cp, min;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			len = 2, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4, cp = c & 0x07, min = 0x10000;
		} else {
			return i;
		}
		if (n - i < len)
			return i;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += len;
	}
	return n;
}

/* Byte length of the (valid) UTF-8 character starting with lead byte c. */
static size_t
utf8_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0)
		return 2;
	if ((c & 0xf0) == 0xe0)
		return 3;
	return 4;
}

static void
put_b64(struct buf *b, const unsigned char *p, size_t n)
{
	char out[4 * ((B64_LINE_BYTES + 2) / 3) + 1];

	while (n > 0) {
		size_t k = n < B64_LINE_BYTES ? n : B64_LINE_BYTES;
		int w = EVP_EncodeBlock((unsigned char *)out, p, (int)k);

		buf_append(b, out, (size_t)w);
		p += k;
		n -= k;
	}
}

/* base64 in lines of 76 characters, each ended with CRLF (RFC 2045 6.8). */
static void
put_b64_lines(struct buf *b, const unsigned char *p, size_t n)
{
	while (n > 0) {
		size_t k = n < B64_LINE_BYTES ? n : B64_LINE_BYTES;

		put_b64(b, p, k);
		buf_puts(b, "\r\n");
		p += k;
		n -= k;
	}
}

/*
 * Checks a header value: valid UTF-8, no CR or LF (a header injection), no other control
 * character but TAB (they have no business in a notice and some MTAs choke on them).
 */
static int
check_value(const char *name, const char *v, struct dberr *e)
{
	size_t n = strlen(v);

	if (notify_msg_utf8_valid(v, n) != n)
		return dberr_set(e, DB_EDATA, "header %s: invalid UTF-8 at byte %zu", name,
		                 notify_msg_utf8_valid(v, n));
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c == '\r' || c == '\n')
			return dberr_set(e, DB_EDATA, "header %s: value holds a line break", name);
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return dberr_set(e, DB_EDATA, "header %s: value holds control character 0x%02x",
			                 name, c);
	}
	return 0;
}

/* The one address grammar (base/addr.h): the registry refuses at import what would be
 * refused here. */
static int
check_addr(const char *what, const char *a, struct dberr *e)
{
	const char *why = addr_check(a, 0, NULL);

	if (why == NULL)
		return 0;
	return dberr_set(e, DB_EDATA, "%s: not a plain address: \"%.*s\": %s", what, 200,
	                 a ? a : "", why);
}

static int
check_name(const char *name, struct dberr *e)
{
	if (name == NULL || *name == '\0')
		return dberr_set(e, DB_EDATA, "empty header name");
	for (const char *p = name; *p; p++) {
		if (*p <= 0x20 || *p >= 0x7f || *p == ':')
			return dberr_set(e, DB_EDATA, "header name \"%.*s\": not printable ASCII "
			                 "without ':'", 100, name);
	}
	if (strlen(name) > LINE_MAX_ - 20)
		return dberr_set(e, DB_EDATA, "header name \"%.60s...\": too long", name);
	for (size_t i = 0; reserved_headers[i]; i++) {
		if (strcasecmp(name, reserved_headers[i]) == 0)
			return dberr_set(e, DB_EDATA, "header %s: written by the builder itself", name);
	}
	if (strncasecmp(name, "Content-", 8) == 0)
		return dberr_set(e, DB_EDATA, "header %s: written by the builder itself", name);
	return 0;
}

/*
 * Appends v as RFC 2047 B encoded-words after a header whose line is *col characters long.
 * Each word is preceded by a space, on the current line if it fits or else on a new
 * continuation line, and holds whole UTF-8 characters only: RFC 2047 5 forbids splitting a
 * character, and decoders that join the words byte-wise would otherwise show garbage.
 * Decoders drop the folding whitespace between adjacent encoded-words (RFC 2047 6.2), so
 * the value comes back exactly.
 */
static void
put_encoded_words(struct buf *b, size_t *col, const char *v)
{
	const unsigned char *s = (const unsigned char *)v;
	size_t n = strlen(v), i = 0;

	while (i < n) {
		size_t need = 4 * ((utf8_len(s[i]) + 2) / 3);
		size_t room, maxraw, j;

		if (*col + 1 + EW_OVERHEAD + need > LINE_MAX_) {
			buf_puts(b, "\r\n");
			*col = 0;
		}
		buf_putc(b, ' ');
		*col += 1;
		room = LINE_MAX_ - *col - EW_OVERHEAD;
		if (room > EW_MAX - EW_OVERHEAD)
			room = EW_MAX - EW_OVERHEAD;
		maxraw = room / 4 * 3;
		for (j = i; j < n && j + utf8_len(s[j]) - i <= maxraw; j += utf8_len(s[j]))
			;
		buf_puts(b, "=?UTF-8?B?");
		put_b64(b, s + i, j - i);
		buf_puts(b, "?=");
		*col += EW_OVERHEAD + 4 * ((j - i + 2) / 3);
		i = j;
	}
	if (n == 0)
		buf_putc(b, ' ');
}

/*
 * Appends " " v folded at spaces so that lines stay within 78 characters. A run without a
 * space too long for that fails (-1, nothing appended) unless hard: then it keeps a line of
 * its own up to RFC 5322 2.1.1's 998 characters, for machine-read values (a notice key a
 * script or a mail rule matches) that must arrive as they are, never as RFC 2047 words.
 * The caller encodes a value this fails on.
 */
static int
put_folded_ascii(struct buf *b, size_t *colp, const char *v, bool hard)
{
	size_t col = *colp;
	struct buf t = BUF_INIT;
	const char *p = v;
	int first = 1;

	do {
		/* A segment is a space (the one before the value, or one inside it) and the
		 * non-space characters up to the next space. Folding puts CRLF before it. */
		size_t seg = 1 + strcspn(p, " ");

		if (!first && col + seg > LINE_MAX_ && seg > 1) {
			buf_puts(&t, "\r\n");
			col = 0;
		}
		buf_putc(&t, ' ');
		buf_append(&t, p, seg - 1);
		col += seg;
		if (col > (hard ? LINE_HARD_MAX : LINE_MAX_)) {
			buf_release(&t);
			return -1;
		}
		p += seg - 1;
		first = 0;
	} while (*p++ == ' ');
	buf_append(b, t.data, t.len);
	buf_release(&t);
	*colp = col;
	return 0;
}

static int
needs_encoding(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p >= 0x80)
			return 1;
	}
	/* An ASCII "=?" would be read back as the start of an encoded-word. */
	return strstr(v, "=?") != NULL;
}

/* Appends "Name: value" CRLF, the value checked, then encoded or folded as needed; an
 * ASCII value of a machine-read header is never encoded. */
static int
put_header(struct buf *b, const char *name, const char *v, bool machine, struct dberr *e)
{
	size_t col;
	int rc;

	if ((rc = check_value(name, v, e)) < 0)
		return rc;
	buf_printf(b, "%s:", name);
	col = strlen(name) + 1;
	if (needs_encoding(v) || put_folded_ascii(b, &col, v, machine) < 0)
		put_encoded_words(b, &col, v);
	buf_puts(b, "\r\n");
	return 0;
}

/* Display names made of atext and spaces go as they are; anything else (specials, which
 * would need quoting, or non-ASCII) goes as encoded-words, legal in a phrase. */
static int
plain_phrase(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p != ' ' && !addr_is_atext(*p))
			return 0;
	}
	return s[0] != ' ' && s[strlen(s) - 1] != ' ' && strstr(s, "=?") == NULL;
}

static int
put_from(struct buf *b, const struct notify_msg *m, struct dberr *e)
{
	size_t col = 5, alen;
	int rc;

	if ((rc = check_addr("From", m->from_addr, e)) < 0)
		return rc;
	alen = strlen(m->from_addr);
	buf_puts(b, "From:");
	if (m->from_name == NULL || m->from_name[0] == '\0') {
		buf_printf(b, " %s\r\n", m->from_addr);
		return 0;
	}
	if ((rc = check_value("From", m->from_name, e)) < 0)
		return rc;
	if (!plain_phrase(m->from_name) || put_folded_ascii(b, &col, m->from_name, false) < 0)
		put_encoded_words(b, &col, m->from_name);
	if (col + 3 + alen > LINE_MAX_)
		buf_puts(b, "\r\n");
	buf_printf(b, " <%s>\r\n", m->from_addr);
	return 0;
}

static int
put_to(struct buf *b, const struct notify_msg *m, struct dberr *e)
{
	size_t col = 3;
	int rc;

	if (m->nto == 0 || m->to == NULL)
		return dberr_set(e, DB_EDATA, "To: no recipient");
	buf_puts(b, "To:");
	for (size_t i = 0; i < m->nto; i++) {
		size_t len, comma = i + 1 < m->nto;

		if ((rc = check_addr("To", m->to[i], e)) < 0)
			return rc;
		len = strlen(m->to[i]);
		if (i > 0 && col + 1 + len + comma > LINE_MAX_) {
			buf_puts(b, "\r\n");
			col = 0;
		}
		buf_printf(b, " %s%s", m->to[i], comma ? "," : "");
		col += 1 + len + comma;
	}
	buf_puts(b, "\r\n");
	return 0;
}

/* Date and Message-ID are the caller's preformatted ASCII; they are checked, not parsed. */
static int
put_ascii_field(struct buf *b, const char *name, const char *v, struct dberr *e)
{
	if (v == NULL || *v == '\0')
		return dberr_set(e, DB_EDATA, "%s: missing", name);
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p < 0x20 || *p >= 0x7f)
			return dberr_set(e, DB_EDATA, "%s: not printable ASCII: \"%.*s\"", name, 200, v);
	}
	if (strlen(v) + strlen(name) + 2 > LINE_MAX_)
		return dberr_set(e, DB_EDATA, "%s: too long", name);
	if (strcmp(name, "Message-ID") == 0 &&
	    (v[0] != '<' || v[strlen(v) - 1] != '>' || strchr(v, '@') == NULL || strchr(v, ' ')))
		return dberr_set(e, DB_EDATA, "Message-ID: not of the form <id@domain>: \"%s\"", v);
	buf_printf(b, "%s: %s\r\n", name, v);
	return 0;
}

/* The body with every line end (LF, CRLF or a lone CR) made CRLF, as RFC 2046 4.1.1
 * requires of text before it is base64-encoded. */
static int
put_body(struct buf *b, const char *body, struct dberr *e)
{
	struct buf t = BUF_INIT;
	size_t n = body ? strlen(body) : 0, ok = body ? notify_msg_utf8_valid(body, n) : 0;

	if (ok != n)
		return dberr_set(e, DB_EDATA, "body: invalid UTF-8 at byte %zu", ok);
	for (size_t i = 0; i < n; i++) {
		if (body[i] == '\r' || body[i] == '\n') {
			buf_puts(&t, "\r\n");
			if (body[i] == '\r' && body[i + 1] == '\n')
				i++;
		} else {
			buf_putc(&t, body[i]);
		}
	}
	buf_puts(b, "Content-Type: text/plain; charset=UTF-8\r\n"
	            "Content-Transfer-Encoding: base64\r\n\r\n");
	put_b64_lines(b, (const unsigned char *)t.data, t.len);
	buf_release(&t);
	return 0;
}

/* RFC 2231 attribute-char: what may stand unescaped in an extended parameter value. */
static int
is_attr_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$&+-.^_`|~", c) != NULL);
}

/*
 * Content-Disposition with the file name. A short name of attribute-chars goes as a
 * quoted string; anything else as RFC 2231 filename*0*=UTF-8''%XX..., cut into numbered
 * sections of whole characters, one per line, so long Chinese names keep lines short.
 */
static void
put_disposition(struct buf *b, const char *fn)
{
	const unsigned char *s = (const unsigned char *)fn;
	size_t n = strlen(fn), i = 0, sec = 0;
	int plain = n < 40;

	for (size_t k = 0; k < n && plain; k++)
		plain = is_attr_char(s[k]);
	if (plain) {
		buf_printf(b, "Content-Disposition: attachment; filename=\"%s\"\r\n", fn);
		return;
	}
	buf_puts(b, "Content-Disposition: attachment");
	while (i < n) {
		size_t col;

		buf_printf(b, ";\r\n filename*%zu*=%s", sec, sec == 0 ? "UTF-8''" : "");
		col = 1 + 13 + (sec == 0 ? 7 : 0) + 3;
		while (i < n) {
			size_t len = utf8_len(s[i]), w = is_attr_char(s[i]) ? 1 : 3 * len;

			if (col + w + 1 > LINE_MAX_)
				break;
			for (size_t k = 0; k < len; k++) {
				if (is_attr_char(s[i + k]))
					buf_putc(b, (char)s[i + k]);
				else
					buf_printf(b, "%%%02X", s[i + k]);
			}
			col += w;
			i += len;
		}
		sec++;
	}
	buf_puts(b, "\r\n");
}

/*
 * The file name once more, as the Content-Type's name= parameter in RFC 2047 encoded-words:
 * RFC 2231's filename* (put_disposition) is the standard, but widely used clients read only
 * this older form and show a nameless attachment otherwise (MimeKit and MailKit ended up
 * writing both). Words hold whole characters, at most 75 octets each, folded one per line
 * inside the quotes, so decoders join them back into the name.
 */
static void
put_name_param(struct buf *b, const char *fn)
{
	const unsigned char *s = (const unsigned char *)fn;
	size_t n = strlen(fn), i = 0;

	if (!needs_encoding(fn) && n < 60 && strpbrk(fn, "\"\\") == NULL) {
		buf_printf(b, " name=\"%s\"\r\n", fn);
		return;
	}
	buf_puts(b, " name=\"");
	while (i < n) {
		/* " name=\"" or a folding space, the word's 12 octets of frame, the closing quote */
		size_t maxraw = (LINE_MAX_ - 8 - EW_OVERHEAD - 2) / 4 * 3, j;

		for (j = i; j < n && j + utf8_len(s[j]) - i <= maxraw; j += utf8_len(s[j]))
			;
		if (i > 0)
			buf_puts(b, "\r\n ");
		buf_puts(b, "=?UTF-8?B?");
		put_b64(b, s + i, j - i);
		buf_puts(b, "?=");
		i = j;
	}
	buf_puts(b, "\"\r\n");
}

static int
check_content_type(const char *ct, struct dberr *e)
{
	const char *slash = ct ? strchr(ct, '/') : NULL;

	if (slash == NULL || slash == ct || slash[1] == '\0' || strlen(ct) > LINE_MAX_ - 2)
		goto bad;
	for (const char *p = ct; *p; p++) {
		if (p != slash && !is_attr_char((unsigned char)*p))
			goto bad;
	}
	return 0;
bad:
	return dberr_set(e, DB_EDATA, "attachment: bad content type \"%.*s\"", 100,
	                 ct ? ct : "(null)");
}

static int
put_attachment(struct buf *b, const struct notify_attachment *a, struct dberr *e)
{
	size_t n;
	int rc;

	if ((rc = check_content_type(a->content_type, e)) < 0)
		return rc;
	if (a->filename == NULL || a->filename[0] == '\0')
		return dberr_set(e, DB_EDATA, "attachment: empty file name");
	n = strlen(a->filename);
	if (notify_msg_utf8_valid(a->filename, n) != n)
		return dberr_set(e, DB_EDATA, "attachment: file name is not valid UTF-8");
	for (const unsigned char *p = (const unsigned char *)a->filename; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\')
			return dberr_set(e, DB_EDATA, "attachment: file name holds '/', '\\' or a "
			                 "control character");
	}
	buf_puts(b, "--" BOUNDARY "\r\n");
	/* "Content-Type: " and a 65-character OOXML type would make 79: fold after the colon. */
	if (strlen(a->content_type) + 14 > LINE_MAX_)
		buf_printf(b, "Content-Type:\r\n %s;\r\n", a->content_type);
	else
		buf_printf(b, "Content-Type: %s;\r\n", a->content_type);
	put_name_param(b, a->filename);
	put_disposition(b, a->filename);
	buf_puts(b, "Content-Transfer-Encoding: base64\r\n\r\n");
	put_b64_lines(b, a->data, a->len);
	return 0;
}

int
notify_msg_build(const struct notify_msg *m, char **out, size_t *outlen, struct dberr *e)
{
	struct buf b = BUF_INIT;
	int rc;

	if ((rc = put_from(&b, m, e)) < 0 || (rc = put_to(&b, m, e)) < 0 ||
	    (rc = put_ascii_field(&b, "Date", m->date, e)) < 0 ||
	    (rc = put_ascii_field(&b, "Message-ID", m->message_id, e)) < 0)
		goto fail;
	if (m->subject == NULL) {
		rc = dberr_set(e, DB_EDATA, "Subject: missing");
		goto fail;
	}
	if ((rc = put_header(&b, "Subject", m->subject, false, e)) < 0)
		goto fail;
	for (size_t i = 0; i < m->nheaders; i++) {
		const struct notify_header *h = &m->headers[i];

		if ((rc = check_name(h->name, e)) < 0)
			goto fail;
		if ((rc = put_header(&b, h->name, h->value ? h->value : "", true, e)) < 0)
			goto fail;
	}
	buf_puts(&b, "MIME-Version: 1.0\r\n");
	if (m->nattachments > 0) {
		buf_puts(&b, "Content-Type: multipart/mixed; boundary=\"" BOUNDARY "\"\r\n\r\n"
		             "This is a MIME message in several parts.\r\n"
		             "--" BOUNDARY "\r\n");
	}
	if ((rc = put_body(&b, m->body, e)) < 0)
		goto fail;
	for (size_t i = 0; i < m->nattachments; i++) {
		if ((rc = put_attachment(&b, &m->attachments[i], e)) < 0)
			goto fail;
	}
	if (m->nattachments > 0)
		buf_puts(&b, "--" BOUNDARY "--\r\n");
	*outlen = b.len;
	*out = buf_detach(&b);
	return 0;
fail:
	buf_release(&b);
	return rc;
}
