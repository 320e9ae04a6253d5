#include "base/err.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/xalloc.h"

const char *
dabiao_strerror(int code)
{
	switch (code) {
	case 0:
		return "success";
#define DB_ERR_TEXT(name, text, ex) \
	case DB_E##name:            \
		return text;
		DABIAO_ERRNO_MAP(DB_ERR_TEXT)
#undef DB_ERR_TEXT
	default:
		break;
	}
	if (code < 0 && code > DB_E_BASE_)
		return strerror(-code);
	return "unknown error";
}

int
dberr_exit_status(int code)
{
	switch (code) {
	case 0:
		return 0;
#define DB_ERR_EXIT(name, text, ex) \
	case DB_E##name:            \
		return ex;
		DABIAO_ERRNO_MAP(DB_ERR_EXIT)
#undef DB_ERR_EXIT
	case -ENOENT:
		return 66;
	case -EACCES:
	case -EPERM:
		return 77;
	case -ENOMEM:
		return 71;
	default:
		return 74;
	}
}

void
dberr_clear(struct dberr *e)
{
	memset(e, 0, sizeof(*e));
}

/* Appends the character at s (or the one ill-formed byte) to dst[*n..cap) if it and the
 * ellipsis still fit; returns its length, 0 when it does not fit. */
static size_t
put_char(char *dst, size_t cap, size_t *n, const char *s, size_t rem)
{
	uint32_t cp;
	size_t k = utf8_decode(s, rem, &cp);

	k = k ? k : 1;
	if (*n + k + sizeof("…") > cap)
		return 0;
	memcpy(dst + *n, s, k);
	*n += k;
	return k;
}

/* Where the value quoted at s[i] (an opening ' after a blank, a bracket or the start, so
 * "don't" opens nothing) ends: the next ' not followed by a letter or digit (O'Brien's
 * stays inside), or the end of s. */
static size_t
quote_end(const char *s, size_t i)
{
	size_t j = i + 1;

	while (s[j] != '\0' && !(s[j] == '\'' && !isalnum((unsigned char)s[j + 1])))
		j++;
	return j;
}

/* Messages quote the values they name in '…' (an argument, a CSV cell, a key): a value of
 * more than UTF8_CLIP characters is cut there with an ellipsis, so a 5000-character
 * argument does not fill the terminal and the message keeps its end (what to do). The
 * whole message is cut at a character, never inside one, with an ellipsis. The message is
 * formatted whole in a scratch buffer freed here. */
static void dberr_clip(char *dst, size_t cap, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static void
dberr_clip(char *dst, size_t cap, const char *fmt, va_list ap)
{
	va_list ap2;
	char *src;
	size_t n = 0, i = 0, k, len;
	bool cut = false;
	int r;

	/* the whole message first, however long its values: the end says what to do */
	va_copy(ap2, ap);
	r = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	len = r > 0 ? (size_t)r : 0;
	src = xmalloc(len + 1);
	vsnprintf(src, len + 1, fmt, ap);
	len = strlen(src);
	while (src[i] != '\0' && !cut) {
		if (src[i] == '\'' && (i == 0 || strchr(" ([{:,=\t\n", src[i - 1]) != NULL)) {
			size_t j = quote_end(src, i), p = i + 1, chars = utf8_count(src + p, j - p);

			if (chars > UTF8_CLIP) {
				if (n + 1 + sizeof("…") > cap)
					break;
				dst[n++] = '\'';
				for (size_t c = 0; c < UTF8_CLIP && !cut; c++) {
					k = put_char(dst, cap, &n, src + p, len - p);
					cut = k == 0;
					p += k;
				}
				if (cut || n + sizeof("…'") > cap)
					break;
				memcpy(dst + n, "…", sizeof("…") - 1);
				n += sizeof("…") - 1;
				i = j;  /* the closing quote, if any, is copied next */
				continue;
			}
		}
		k = put_char(dst, cap, &n, src + i, len - i);
		cut = k == 0;
		i += k;
	}
	if (src[i] != '\0') {  /* no room for the rest: say so */
		memcpy(dst + n, "…", sizeof("…") - 1);
		n += sizeof("…") - 1;
	}
	dst[n] = '\0';
	free(src);
}

int
dberr_vset(struct dberr *e, int code, const char *file, int line, int col, const char *fmt,
           va_list ap)
{
	if (e == NULL || e->code != 0)
		return code;
	e->code = code;
	if (file != NULL)
		snprintf(e->file, sizeof(e->file), "%s", file);
	e->line = line;
	e->col = col;
	dberr_clip(e->msg, sizeof(e->msg), fmt, ap);
	return code;
}

int
dberr_set(struct dberr *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dberr_vset(e, code, NULL, 0, 0, fmt, ap);
	va_end(ap);
	return code;
}

int
dberr_at(struct dberr *e, int code, const char *file, int line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dberr_vset(e, code, file, line, col, fmt, ap);
	va_end(ap);
	return code;
}

/* Writes s with every control character as a visible escape (\x1b, \n): a message that
 * quotes a bad value (a registry name with ESC [2J, an address with a line break) must not
 * clear the operator's screen or split into two messages. */
static void
put_visible(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\r')
			fputs("\\r", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			fprintf(f, "\\u%04x", *++p); /* C1 controls, as UTF-8 */
		else
			fputc(*p, f);
	}
}

void
dberr_print(const struct dberr *e, FILE *f)
{
	const char *msg = e->msg[0] ? e->msg : dabiao_strerror(e->code);

	if (e->file[0]) {
		put_visible(f, e->file);
		if (e->line > 0 && e->col > 0)
			fprintf(f, ":%d:%d", e->line, e->col);
		else if (e->line > 0)
			fprintf(f, ":%d", e->line);
		fputs(": error: ", f);
	} else {
		fputs("dabiao: error: ", f);
	}
	put_visible(f, msg);
	fputc('\n', f);
}
