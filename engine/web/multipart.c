/*
 * multipart.c - multipart/form-data bodies (RFC 7578), read as they stream in, with each
 * part's Content-Disposition parsed by its grammar (RFC 6266's: parameters, quoted
 * strings with their escapes, filename* in UTF-8).
 *
 * Why not libmicrohttpd's post processor for these: it takes a file name as the bytes
 * between `filename="` and the next quote, so a part named `a";x=y.pdf` (or `a\"b.pdf`)
 * was kept as `a` (or `a\`), and a name it could not read at all arrived as a part without
 * one. Here a part whose header cannot be read is an error naming the part, and the
 * request is refused whole (400): a county must never get a receipt for a file that was
 * not kept as it sent it. URL-encoded forms still go through the library.
 *
 * What a name becomes: the quoted string unescaped (`\"` and `\\`; a backslash before
 * anything else stays, as browsers send it raw); `%22`, `%0D`, `%0A` decoded, as browsers
 * write a quote and line breaks (WHATWG HTML, "multipart/form-data encoding"); filename*
 * (UTF-8 only) preferred to filename when both are given; only the last path segment kept
 * (RFC 6266 4.3: a browser may send `C:\fakepath\x.pdf`). The name stays metadata: no path
 * is ever built from it (act.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "engine/web/web_int.h"

#define MP_MAX_HEADER 8192       /* one part's header block */

enum mp_state { MP_PREAMBLE, MP_AFTER_DELIM, MP_HEADERS, MP_BODY, MP_DONE };

struct web_mp {
	const struct web_mp_cb *cb;
	void *arg;
	char *delim;                 /* "\r\n--BOUNDARY" */
	size_t dlen;
	struct buf pend;             /* bytes not yet handled */
	enum mp_state state;
	unsigned part;               /* parts begun, 1-based for messages */
	char err[256];
};

/* needle in hay (memmem is not C11) */
static char *
find(char *hay, size_t n, const char *needle, size_t k)
{
	for (char *p = hay; k <= n && (p = memchr(p, needle[0], n - (size_t)(p - hay))) != NULL; p++) {
		if ((size_t)(p - hay) + k > n)
			return NULL;
		if (memcmp(p, needle, k) == 0)
			return p;
	}
	return NULL;
}

static bool
tchar(int c)
{
	return c > 0x20 && c < 0x7f && !strchr("()<>@,;:\\\"/[]?={}", c);
}

/* One parameter value: a token or a quoted string, unescaped into out. *p advances past
 * it. False when it is neither (an unterminated quote, a control character, nothing). */
static bool
param_value(const char **p, struct buf *out)
{
	const char *s = *p;

	if (*s == '"') {
		for (s++; *s != '"'; s++) {
			if (*s == '\0' || (unsigned char)*s < 0x20 || *s == 0x7f)
				return false;
			if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
				s++;
			buf_putc(out, *s);
		}
		*p = s + 1;
		return true;
	}
	while (tchar((unsigned char)*s))
		buf_putc(out, *s++);
	*p = s;
	return out->len > 0;
}

static int
hexdig(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	     : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* filename*'s value: UTF-8''percent-encoded (RFC 8187). False for another charset or a
 * bad escape. */
static bool
ext_value(const char *v, struct buf *out)
{
	const char *q1 = strchr(v, '\''), *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;

	if (q2 == NULL || (size_t)(q1 - v) != 5 || strncasecmp(v, "utf-8", 5) != 0)
		return false;
	for (const char *s = q2 + 1; *s; s++) {
		if (*s == '%') {
			int hi = hexdig((unsigned char)s[1]), lo = hi < 0 ? -1 : hexdig((unsigned char)s[2]);

			if (lo < 0)
				return false;
			buf_putc(out, (char)(hi << 4 | lo));
			s += 2;
		} else if (tchar((unsigned char)*s) && *s != '*' && *s != '\'' && *s != '%') {
			buf_putc(out, *s);
		} else {
			return false;
		}
	}
	return true;
}

/* What a browser escaped in a plain filename (a quote, CR, LF), and the last path
 * segment. NULL when nothing is left of it but a folder ("dir/", "..") */
static char *
file_name(const char *raw)
{
	struct buf b = BUF_INIT;
	const char *last = raw;
	char *out;

	for (const char *s = raw; *s; s++)
		if (*s == '/' || *s == '\\')
			last = s + 1;
	for (const char *s = last; *s; s++) {
		if (s[0] == '%' && s[1] == '2' && s[2] == '2') {
			buf_putc(&b, '"');
			s += 2;
		} else if (s[0] == '%' && s[1] == '0' && (s[2] == 'D' || s[2] == 'd' || s[2] == 'A' ||
		                                          s[2] == 'a')) {
			buf_putc(&b, s[2] == 'D' || s[2] == 'd' ? '\r' : '\n');
			s += 2;
		} else {
			buf_putc(&b, *s);
		}
	}
	out = xstrdup(buf_str(&b));
	buf_release(&b);
	if ((*out == '\0' && *last == '\0' && last != raw) || strcmp(out, ".") == 0 ||
	    strcmp(out, "..") == 0) {
		free(out);
		return NULL;
	}
	return out;
}

int
web_mp_disposition(const char *v, char **name, char **filename, char *why, size_t nwhy)
{
	const char *p = v;
	struct buf val = BUF_INIT;
	char *nm = NULL, *fn = NULL, *fnx = NULL;
	int rc = -1;

	*name = *filename = NULL;
	p += strspn(p, " \t");
	if (strncasecmp(p, "form-data", 9) != 0 || (p[9] != ';' && p[9] != ' ' && p[9] != '\t' &&
	                                             p[9] != '\0')) {
		snprintf(why, nwhy, "它不是 form-data");
		goto out;
	}
	p += 9;
	for (;;) {
		const char *key = NULL;
		size_t klen = 0;
		char **slot;

		p += strspn(p, " \t");
		if (*p == '\0')
			break;
		if (*p != ';') {
			snprintf(why, nwhy, "参数之间缺少分号");
			goto out;
		}
		p++;
		p += strspn(p, " \t");
		key = p;
		while (tchar((unsigned char)*p))
			p++;
		klen = (size_t)(p - key);
		p += strspn(p, " \t");
		if (klen == 0 || *p != '=') {
			snprintf(why, nwhy, "参数格式不符（应为 名称=值）");
			goto out;
		}
		p++;
		p += strspn(p, " \t");
		buf_reset(&val);
		if (!param_value(&p, &val)) {
			snprintf(why, nwhy, "参数值无法读取（引号未闭合或含控制字符）");
			goto out;
		}
		slot = klen == 4 && strncasecmp(key, "name", 4) == 0        ? &nm
		     : klen == 8 && strncasecmp(key, "filename", 8) == 0    ? &fn
		     : klen == 9 && strncasecmp(key, "filename*", 9) == 0   ? &fnx
		                                                             : NULL;
		if (slot == NULL)
			continue; /* a parameter the form does not use */
		if (*slot != NULL) {
			snprintf(why, nwhy, "参数 %.*s 出现了两次", (int)klen, key);
			goto out;
		}
		*slot = xstrdup(buf_str(&val));
	}
	if (nm == NULL) {
		snprintf(why, nwhy, "缺少字段名（name）");
		goto out;
	}
	if (fnx != NULL) {
		buf_reset(&val);
		if (!ext_value(fnx, &val)) {
			snprintf(why, nwhy, "filename* 不是 UTF-8 百分号编码");
			goto out;
		}
		free(fn);
		fn = xstrdup(buf_str(&val));
	}
	if (fn != NULL) {
		char *base = file_name(fn);

		if (base == NULL) {
			snprintf(why, nwhy, "文件名只有路径，没有文件名");
			goto out;
		}
		free(fn);
		fn = base;
	}
	*name = nm;
	*filename = fn;
	nm = fn = NULL;
	rc = 0;
out:
	free(nm);
	free(fn);
	free(fnx);
	buf_release(&val);
	return rc;
}

struct web_mp *
web_mp_new(const char *content_type, const struct web_mp_cb *cb, void *arg)
{
	const char *p = strchr(content_type, ';');
	struct buf bd = BUF_INIT;
	struct web_mp *m;

	/* the boundary parameter, token or quoted (RFC 2046: 1 to 70 characters) */
	while (p != NULL) {
		p++;
		p += strspn(p, " \t");
		if (strncasecmp(p, "boundary=", 9) == 0) {
			p += 9;
			if (!param_value(&p, &bd))
				buf_reset(&bd);
			break;
		}
		p = strchr(p, ';');
	}
	if (bd.len == 0 || bd.len > 70) {
		buf_release(&bd);
		return NULL;
	}
	m = xcalloc(1, sizeof(*m));
	m->cb = cb;
	m->arg = arg;
	m->delim = xasprintf("\r\n--%s", buf_str(&bd));
	m->dlen = strlen(m->delim);
	buf_release(&bd);
	/* the first boundary has no line break before it: read the body as if it had one */
	buf_puts(&m->pend, "\r\n");
	return m;
}

void
web_mp_free(struct web_mp *m)
{
	if (m == NULL)
		return;
	free(m->delim);
	buf_release(&m->pend);
	free(m);
}

const char *
web_mp_error(const struct web_mp *m)
{
	return m->err;
}

/* An error: its message (a literal format, the part's number first), and nothing more is
 * read. -1. */
#define MP_FAIL(m, ...) \
	(snprintf((m)->err, sizeof((m)->err), __VA_ARGS__), (m)->state = MP_DONE, -1)

/* A part's header block (without the blank line): its Content-Disposition. */
static int
part_headers(struct web_mp *m, const char *h, size_t n)
{
	char *block = xstrndup(h, n), *line, *save = NULL, *name = NULL, *filename = NULL;
	char why[160] = "";
	bool seen = false;
	int rc = 0;

	if (memchr(h, '\0', n) != NULL) {
		free(block);
		return MP_FAIL(m, "第 %u 个部分的头部含有空字符，无法读取。", m->part);
	}
	for (line = strtok_r(block, "\r\n", &save); line && rc == 0;
	     line = strtok_r(NULL, "\r\n", &save)) {
		char *colon = strchr(line, ':');

		if (line[0] == ' ' || line[0] == '\t' || colon == NULL) {
			rc = MP_FAIL(m, "第 %u 个部分的头部有一行无法读取（可能是文件名中含有换行）。",
			             m->part);
			break;
		}
		if (strncasecmp(line, "Content-Disposition", 19) != 0 || colon != line + 19)
			continue;
		if (seen || web_mp_disposition(colon + 1, &name, &filename, why, sizeof(why)) != 0) {
			rc = MP_FAIL(m, "第 %u 个部分的 Content-Disposition 无法解析：%s。", m->part,
			             seen ? "出现了两次" : why);
			break;
		}
		seen = true;
	}
	free(block);
	if (rc == 0 && !seen)
		rc = MP_FAIL(m, "第 %u 个部分缺少 Content-Disposition。", m->part);
	if (rc == 0 && m->cb->begin(m->arg, name, filename) != 0)
		rc = MP_FAIL(m, "第 %u 个部分（字段 %s）无法接收。", m->part, name);
	free(name);
	free(filename);
	return rc;
}

int
web_mp_feed(struct web_mp *m, const char *data, size_t n)
{
	buf_append(&m->pend, data, n);
	for (;;) {
		char *b = m->pend.data;
		size_t len = m->pend.len, used = 0;

		if (m->state == MP_DONE) {
			used = len; /* the epilogue, or what follows an error: ignored */
		} else if (m->state == MP_PREAMBLE || m->state == MP_BODY) {
			char *hit = len >= m->dlen ? find(b, len, m->delim, m->dlen) : NULL;
			size_t take = hit ? (size_t)(hit - b) : len >= m->dlen ? len - m->dlen + 1 : 0;

			if (m->state == MP_BODY && take > 0 && m->cb->data(m->arg, b, take) != 0)
				return MP_FAIL(m, "第 %u 个部分无法保存。", m->part);
			used = hit ? take + m->dlen : take;
			if (hit)
				m->state = MP_AFTER_DELIM;
			else if (used == 0)
				return 0;
		} else if (m->state == MP_AFTER_DELIM) {
			size_t ws = 0;

			while (ws < len && (b[ws] == ' ' || b[ws] == '\t'))
				ws++;
			if (len >= 2 && b[0] == '-' && b[1] == '-') {
				m->state = MP_DONE;
				used = 2;
			} else if (len >= ws + 2 && b[ws] == '\r' && b[ws + 1] == '\n') {
				m->state = MP_HEADERS;
				m->part++;
				used = ws + 2;
			} else if (len >= ws + 2 || ws > 64) {
				return MP_FAIL(m, "第 %u 个部分之后的分隔行无法读取。", m->part);
			} else {
				return 0;
			}
		} else { /* MP_HEADERS: up to the blank line */
			char *end = len >= 2 && b[0] == '\r' && b[1] == '\n' ? b
			          : len >= 4 ? find(b, len, "\r\n\r\n", 4) : NULL;

			if (end == NULL) {
				if (len > MP_MAX_HEADER)
					return MP_FAIL(m, "第 %u 个部分的头部超过上限。", m->part);
				return 0;
			}
			if (part_headers(m, b, (size_t)(end - b)) != 0)
				return -1;
			used = (size_t)(end - b) + (end == b ? 2 : 4);
			m->state = MP_BODY;
			/* the part's data begins here; its end is the "\r\n--" before the next
			 * boundary, which the delimiter includes */
		}
		memmove(m->pend.data, m->pend.data + used, len - used);
		m->pend.len = len - used;
		if (used == 0)
			return 0;
	}
}

int
web_mp_finish(struct web_mp *m)
{
	if (m->state != MP_DONE || m->err[0])
		return m->err[0] ? -1
		                 : MP_FAIL(m, "正文在第 %u 个部分中途结束（缺少结束分隔行）。", m->part);
	return 0;
}
