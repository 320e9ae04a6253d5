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
utf8_bom_len(const char *s, size_t n)
{
	return n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

void
utf8_plain_lines(char *s, size_t *n)
{
	size_t from = utf8_bom_len(s, *n), to = 0, line = 0;
	bool ended = false;

	for (; from < *n; from++) {
		if (s[from] == '\r' && from + 1 < *n && s[from + 1] == '\n')
			continue;
		if (s[from] == '\n') {
			while (to > line && (s[to - 1] == ' ' || s[to - 1] == '\t'))
				to--;
			s[to++] = '\n';
			line = to;
			continue;
		}
		s[to++] = s[from];
	}
	while (to > line && (s[to - 1] == ' ' || s[to - 1] == '\t'))
		to--;
	/* blank lines at the end; one LF stays after the last line that has text */
	ended = to > 0 && s[to - 1] == '\n';
	while (to > 0 && s[to - 1] == '\n')
		to--;
	if (ended && to > 0)
		s[to++] = '\n';
	s[to] = '\0';
	*n = to;
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

/* The characters that show nothing, or nothing of their own, yet change what a text says
 * or how it reads: Unicode's Default_Ignorable_Code_Point characters (DerivedCoreProperties
 * .txt) that format or fill (the variation selectors, which pick a glyph of the character
 * before them, are left out: a Chinese name may need one), the line and paragraph
 * separators, and the braille blank, which shows as a blank yet is none. A range with one
 * name is named by it; the names are Unicode's. Sorted by first. */
static const struct invisible {
	uint32_t first, last;
	const char *name;
} invisibles[] = {
	{0x00AD, 0x00AD, "SOFT HYPHEN"},
	{0x034F, 0x034F, "COMBINING GRAPHEME JOINER"},
	{0x061C, 0x061C, "ARABIC LETTER MARK"},
	{0x115F, 0x115F, "HANGUL CHOSEONG FILLER"},
	{0x1160, 0x1160, "HANGUL JUNGSEONG FILLER"},
	{0x17B4, 0x17B5, "KHMER INHERENT VOWEL"},
	{0x180E, 0x180E, "MONGOLIAN VOWEL SEPARATOR"},
	{0x200B, 0x200B, "ZERO WIDTH SPACE"},
	{0x200C, 0x200C, "ZERO WIDTH NON-JOINER"},
	{0x200D, 0x200D, "ZERO WIDTH JOINER"},
	{0x200E, 0x200E, "LEFT-TO-RIGHT MARK"},
	{0x200F, 0x200F, "RIGHT-TO-LEFT MARK"},
	{0x2028, 0x2028, "LINE SEPARATOR"},
	{0x2029, 0x2029, "PARAGRAPH SEPARATOR"},
	{0x202A, 0x202A, "LEFT-TO-RIGHT EMBEDDING"},
	{0x202B, 0x202B, "RIGHT-TO-LEFT EMBEDDING"},
	{0x202C, 0x202C, "POP DIRECTIONAL FORMATTING"},
	{0x202D, 0x202D, "LEFT-TO-RIGHT OVERRIDE"},
	{0x202E, 0x202E, "RIGHT-TO-LEFT OVERRIDE"},
	{0x2060, 0x2060, "WORD JOINER"},
	{0x2061, 0x2064, "INVISIBLE OPERATOR"},
	{0x2065, 0x2065, "an unassigned format character"},
	{0x2066, 0x2066, "LEFT-TO-RIGHT ISOLATE"},
	{0x2067, 0x2067, "RIGHT-TO-LEFT ISOLATE"},
	{0x2068, 0x2068, "FIRST STRONG ISOLATE"},
	{0x2069, 0x2069, "POP DIRECTIONAL ISOLATE"},
	{0x206A, 0x206F, "a deprecated format character"},
	{0x2800, 0x2800, "BRAILLE PATTERN BLANK"},
	{0x3164, 0x3164, "HANGUL FILLER"},
	{0xFEFF, 0xFEFF, "ZERO WIDTH NO-BREAK SPACE (a byte order mark inside the text)"},
	{0xFFA0, 0xFFA0, "HALFWIDTH HANGUL FILLER"},
	{0xFFF0, 0xFFF8, "an unassigned format character"},
	{0xFFF9, 0xFFFB, "INTERLINEAR ANNOTATION"},
	{0x1BCA0, 0x1BCA3, "SHORTHAND FORMAT CONTROL"},
	{0x1D173, 0x1D17A, "MUSICAL SYMBOL FORMAT CONTROL"},
	{0xE0000, 0xE00FF, "TAG"},
	{0xE01F0, 0xE0FFF, "an unassigned ignorable character"},
};

const char *
utf8_invisible_name(uint32_t cp)
{
	size_t lo = 0, hi = sizeof(invisibles) / sizeof(invisibles[0]);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < invisibles[mid].first)
			hi = mid;
		else if (cp > invisibles[mid].last)
			lo = mid + 1;
		else
			return invisibles[mid].name;
	}
	return NULL;
}

/* Unicode's White_Space characters (PropList.txt) that are not line breaks: a value of
 * nothing else is blank, whatever a keyboard, a web page or a word processor put there. */
bool
utf8_is_blank(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == 0x00A0 || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F || cp == 0x3000;
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
	size_t a = 0, b, k;
	uint32_t cp;

	while (a < n && (k = utf8_decode(s + a, n - a, &cp)) != 0 && utf8_is_blank(cp))
		a += k;
	/* the end of the last character that is not a blank (an ill-formed byte is one) */
	b = a;
	for (size_t i = a; i < n; i += k ? k : 1) {
		k = utf8_decode(s + i, n - i, &cp);
		if (k == 0 || !utf8_is_blank(cp))
			b = i + (k ? k : 1);
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
