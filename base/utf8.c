/*
 * utf8.c - decoding, counting and measuring UTF-8 (utf8.h).
 */
#include "base/utf8.h"

#include <stdio.h>
#include <string.h>

size_t
utf8_decode(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c, min;
	size_t len;

	*cp = s[0];
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f, min = 0x80;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f, min = 0x800;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

size_t
utf8_valid(const char *s, size_t n)
{
	size_t i = 0, k;
	uint32_t cp;

	while (i < n && (k = utf8_decode(s + i, n - i, &cp)) != 0)
		i += k;
	return i;
}

size_t
utf8_count(const char *s, size_t n)
{
	size_t i = 0, chars = 0, k;
	uint32_t cp;

	while (i < n) {
		k = utf8_decode(s + i, n - i, &cp);
		i += k ? k : 1;
		chars++;
	}
	return chars;
}

/* East Asian Wide and Fullwidth ranges (Unicode's EastAsianWidth.txt, W and F), coarse
 * but right for Chinese, Japanese, Korean, full-width forms and the common emoji. */
int
utf8_cp_width(uint32_t cp)
{
	if (cp == 0 || (cp >= 0x300 && cp <= 0x36f) || cp == 0x200b || cp == 0x200d ||
	    (cp >= 0xfe00 && cp <= 0xfe0f))
		return 0;
	if (cp >= 0x1100 &&
	    (cp <= 0x115f || (cp >= 0x2e80 && cp <= 0x303e) || (cp >= 0x3040 && cp <= 0xa4cf) ||
	     (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	     (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	     (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
	     (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd)))
		return 2;
	return 1;
}

size_t
utf8_width(const char *s)
{
	size_t w = 0, n = 0, k;
	uint32_t cp;

	while (s[n] != '\0')
		n++;
	for (size_t i = 0; i < n; i += k ? k : 1) {
		k = utf8_decode(s + i, n - i, &cp);
		w += k ? (size_t)utf8_cp_width(cp) : 1;
	}
	return w;
}

const char *
utf8_invisible_name(uint32_t cp)
{
	static const char *const u200b[] = {
		"ZERO WIDTH SPACE", "ZERO WIDTH NON-JOINER", "ZERO WIDTH JOINER",
		"LEFT-TO-RIGHT MARK", "RIGHT-TO-LEFT MARK"};
	static const char *const u2028[] = {
		"LINE SEPARATOR", "PARAGRAPH SEPARATOR", "LEFT-TO-RIGHT EMBEDDING",
		"RIGHT-TO-LEFT EMBEDDING", "POP DIRECTIONAL FORMATTING", "LEFT-TO-RIGHT OVERRIDE",
		"RIGHT-TO-LEFT OVERRIDE"};
	static const char *const u2066[] = {
		"LEFT-TO-RIGHT ISOLATE", "RIGHT-TO-LEFT ISOLATE", "FIRST STRONG ISOLATE",
		"POP DIRECTIONAL ISOLATE"};

	if (cp >= 0x200B && cp <= 0x200F)
		return u200b[cp - 0x200B];
	if (cp >= 0x2028 && cp <= 0x202E)
		return u2028[cp - 0x2028];
	if (cp >= 0x2066 && cp <= 0x2069)
		return u2066[cp - 0x2066];
	if (cp == 0xFEFF)
		return "ZERO WIDTH NO-BREAK SPACE (a byte order mark inside the text)";
	return NULL;
}

bool
utf8_is_blank(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == 0x3000;
}

const char *
utf8_clip(const char *s, char buf[UTF8_CLIP_BUF])
{
	size_t i = 0, chars = 0, k, n = strlen(s);
	uint32_t cp;

	while (i < n && chars < UTF8_CLIP) {
		k = utf8_decode(s + i, n - i, &cp);
		i += k ? k : 1;
		chars++;
	}
	if (i == n)
		return s;
	memcpy(buf, s, i);
	memcpy(buf + i, "…", sizeof("…"));
	return buf;
}

void
utf8_trim_span(const char *s, size_t n, size_t *lead, size_t *end)
{
	size_t a = 0, b = n, k;
	uint32_t cp;

	while (a < n && (k = utf8_decode(s + a, n - a, &cp)) != 0 && utf8_is_blank(cp))
		a += k;
	for (;;) {
		if (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
			b--;
		else if (b >= a + 3 && memcmp(s + b - 3, "\xe3\x80\x80", 3) == 0)
			b -= 3;
		else
			break;
	}
	*lead = a;
	*end = b;
}

char *
utf8_trim(char *s)
{
	size_t lead, end;

	utf8_trim_span(s, strlen(s), &lead, &end);
	memmove(s, s + lead, end - lead);
	s[end - lead] = '\0';
	return s;
}

const char *
utf8_too_long(const char *s, size_t max, char *why, size_t n)
{
	size_t len = strlen(s), chars;

	/* a character is one byte or more: a text of max bytes needs no counting */
	if (len <= max || (chars = utf8_count(s, len)) <= max)
		return NULL;
	snprintf(why, n, "%zu characters long: %s has at most %zu characters", chars,
	         max >= UTF8_PARA_MAX ? "a text of several lines (a reason, a note)"
	                              : "a one-line text (a name, a title, who acted)", max);
	return why;
}
