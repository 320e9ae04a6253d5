/*
 * utf8.h - UTF-8 as people count it: characters (code points) for positions and lengths in
 * messages, terminal columns for aligned tables and wrapped help. RFC 3629: overlong forms,
 * surrogates (U+D800..U+DFFF) and anything above U+10FFFF are not UTF-8. libc only.
 */
#ifndef DABIAO_UTF8_H
#define DABIAO_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes the character at s (n bytes available, n > 0): its length 1..4 with *cp set, or
 * 0 when the bytes there are not well-formed UTF-8 (*cp is then the first byte). */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);
/* 3 when s[0..n) begins with the UTF-8 byte order mark (EF BB BF, what Notepad and Excel
 * put before a "UTF-8" file's text), else 0: what a reader skips. */
size_t utf8_bom_len(const char *s, size_t n);
/* A short text file (a checkpoint, a key line) made the text its writer saw, whatever
 * Windows tool saved it (Notepad, a mail client): the byte order mark before it dropped,
 * each CRLF made LF, blanks (spaces, tabs) at the ends of lines and blank lines at the end
 * dropped, a last line ending in LF as it did. In place in s[0..*n), NUL-terminated after
 * the new *n (s has room: it only shrinks). Cannot fail. */
void utf8_plain_lines(char *s, size_t *n);
/* Length of the longest well-formed prefix of s[0..n): n when all of it is UTF-8. */
size_t utf8_valid(const char *s, size_t n);
/* Characters in s[0..n); each byte of an ill-formed sequence counts as one. */
size_t utf8_count(const char *s, size_t n);
/* Columns cp takes on a terminal: 2 for East Asian wide and full-width forms, 0 for
 * combining marks and zero-width characters, 1 otherwise. */
int utf8_cp_width(uint32_t cp);
/* Columns the NUL-terminated s takes (an ill-formed byte counts as one). */
size_t utf8_width(const char *s);
/* True for the characters a person means as a blank: Unicode's White_Space characters but
 * the line breaks — ASCII space and tab, the ideographic space U+3000 that Chinese input
 * methods type, the no-break space U+00A0 a web page or a word processor puts in, the
 * spaces of U+2000..U+200A, U+202F, U+205F, U+1680. */
bool utf8_is_blank(uint32_t cp);
/* The name of cp when it is a character that shows nothing yet changes what a text says
 * or how it reads: Unicode's default-ignorable format and filler characters — the
 * zero-width ones (U+200B..U+200D, U+2060, U+FEFF inside a text, the soft hyphen U+00AD),
 * the direction marks, embeddings, overrides and isolates (U+061C, U+200E, U+200F,
 * U+202A..U+202E, U+2066..U+2069), the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0), the
 * tags (U+E0000..) — the line and paragraph separators (U+2028, U+2029), which a terminal or
 * a report takes as line breaks, and the braille blank U+2800. A name RIGHT-TO-LEFT
 * OVERRIDE can make read as another; one of fillers alone reads as nobody. The variation
 * selectors are not among them (a Chinese name may need one). NULL for every other
 * character. */
const char *utf8_invisible_name(uint32_t cp);
/* Trims those blanks (utf8_is_blank) at both ends of s in place; returns s. The one trim
 * of values people type: registry cells, plan and registry YAML values. Cannot fail. */
char *utf8_trim(char *s);
/* Where utf8_trim would cut the n bytes at s: the value is s[*lead, *end). */
void utf8_trim_span(const char *s, size_t n, size_t *lead, size_t *end);

/* A value a message echoes is cut to UTF8_CLIP characters (a task key, the longest value
 * people type, fits): a 5000-character argument must not fill the terminal. */
#define UTF8_CLIP 80
#define UTF8_CLIP_BUF (UTF8_CLIP * 4 + sizeof("…"))
/* s as a message shows it: s itself when it has at most UTF8_CLIP characters, else its
 * first UTF8_CLIP characters and "…" written into buf. Never cuts inside a character (an
 * ill-formed byte counts as one). Cannot fail. */
const char *utf8_clip(const char *s, char buf[UTF8_CLIP_BUF]);

/* The longest texts dabiao keeps, in characters, wherever they come from (a registry's CSV
 * or YAML, a plan, an argument): a one-line text (a name, a title, who acted: `--by`, an
 * address) and a text that may run over several lines (a reason, a note, a free
 * attribute). A name of 60 million characters once imported; every report, notice and
 * calendar would carry it. The web's own bounds (bytes) lie within these. */
#define UTF8_LINE_MAX 200
#define UTF8_PARA_MAX 4000
/* When s (NUL-terminated) has more than max characters, writes "250 characters long: a
 * one-line text (a name, a title, who) has at most 200" (or the several-line wording when
 * max is UTF8_PARA_MAX) into why (n bytes) and returns it; else NULL. Cannot fail. */
const char *utf8_too_long(const char *s, size_t max, char *why, size_t n);

#endif
