#include "base/err.h"

#include <errno.h>
#include <string.h>

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
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
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
