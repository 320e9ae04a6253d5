/*
 * UTF-8 counted as people count it: characters for positions and lengths (a full-width
 * credit code is 18 characters, not 54 bytes), columns for tables (a Chinese character
 * takes two), and every ill-formed sequence of RFC 3629 refused where it starts.
 */
#include <string.h>

#include "base/utf8.h"
#include "lib/test.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void
decodes_and_refuses(void)
{
	static const struct {
		const char *bytes;
		size_t n, len;
		uint32_t cp;
	} cases[] = {
		{"A", 1, 1, 'A'},
		{"\xc2\xa9", 2, 2, 0xa9},           /* © */
		{"\xe4\xb8\xad", 3, 3, 0x4e2d},     /* 中 */
		{"\xe3\x80\x80", 3, 3, 0x3000},     /* ideographic space */
		{"\xf0\x9f\x98\x80", 4, 4, 0x1f600},
		{"\xc0\xaf", 2, 0, 0xc0},           /* overlong '/' */
		{"\xe0\x80\xaf", 3, 0, 0xe0},       /* overlong, 3 bytes */
		{"\xed\xa0\x80", 3, 0, 0xed},       /* CESU surrogate U+D800 */
		{"\xf4\x90\x80\x80", 4, 0, 0xf4},   /* above U+10FFFF */
		{"\xe4\xb8", 2, 0, 0xe4},           /* truncated */
		{"\x80", 1, 0, 0x80},               /* a lone continuation byte */
		{"\xff", 1, 0, 0xff},
	};
	uint32_t cp;

	for (size_t i = 0; i < N(cases); i++) {
		ASSERT_EQ(utf8_decode(cases[i].bytes, cases[i].n, &cp), cases[i].len);
		ASSERT_EQ(cp, cases[i].cp);
	}
}

static void
counts_characters_not_bytes(void)
{
	/* ９１１３００００００００００００１Ｒ: 18 full-width characters, 54 bytes */
	const char *fw = "\xef\xbc\x99\xef\xbc\x91\xef\xbc\x91\xef\xbc\x93\xef\xbc\x90\xef\xbc\x90"
	                 "\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90"
	                 "\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90\xef\xbc\x91\xef\xbc\xb2";

	ASSERT_EQ(strlen(fw), 54);
	ASSERT_EQ(utf8_count(fw, strlen(fw)), 18);
	ASSERT_EQ(utf8_count("abc", 3), 3);
	ASSERT_EQ(utf8_count("\xe6\x98\x8c\xe5\x90\x89 x", 8), 4); /* 昌吉 x */
	/* an ill-formed byte is one character each */
	ASSERT_EQ(utf8_count("a\xff\xfe", 3), 3);
	ASSERT_EQ(utf8_valid("ab\xe4\xb8\xad\xc0\xaf", 7), 5);
	ASSERT_EQ(utf8_valid("", 0), 0);
}

static void
measures_columns(void)
{
	ASSERT_EQ(utf8_width("abc"), 3);
	ASSERT_EQ(utf8_width("\xe6\x98\x8c\xe5\x90\x89\xe5\xb8\x82"), 6);   /* 昌吉市 */
	ASSERT_EQ(utf8_width("\xef\xbc\x88x\xef\xbc\x89"), 5);             /* （x） */
	ASSERT_EQ(utf8_width("e\xcc\x81"), 1);                             /* e + combining acute */
	ASSERT_EQ(utf8_width("\xff"), 1);
}

static void
blanks_include_the_ideographic_space(void)
{
	ASSERT(utf8_is_blank(' '));
	ASSERT(utf8_is_blank('\t'));
	ASSERT(utf8_is_blank(0x3000));
	ASSERT(!utf8_is_blank('x'));
}

/* A value a message echoes is cut at 80 characters, never inside one: 100 × 长 (300 bytes)
 * keeps 80 of them (240 bytes) and the ellipsis; 80 characters are kept whole. */
static void
clips_by_characters(void)
{
	char big[301], exact[241], buf[UTF8_CLIP_BUF], want[244];
	char ascii[200];

	for (int i = 0; i < 100; i++)
		memcpy(big + 3 * i, "\xe9\x95\xbf", 3);
	big[300] = '\0';
	memcpy(exact, big, 240);
	exact[240] = '\0';
	ASSERT(utf8_clip(exact, buf) == exact);
	memcpy(want, big, 240);
	memcpy(want + 240, "\xe2\x80\xa6", 4);
	ASSERT_STR_EQ(utf8_clip(big, buf), want);
	ASSERT_EQ(utf8_count(utf8_clip(big, buf), 243), 81);
	memset(ascii, 'x', 199);
	ascii[199] = '\0';
	ASSERT_EQ(strlen(utf8_clip(ascii, buf)), 83);   /* 80 x and the 3 bytes of … */
	ASSERT_STR_EQ(utf8_clip("", buf), "");
	/* é then 80 × r: the é is one character, so one r goes */
	memcpy(ascii, "\xc3\xa9", 2);
	memset(ascii + 2, 'r', 80);
	ascii[82] = '\0';
	ASSERT_EQ(strlen(utf8_clip(ascii, buf)), 2 + 79 + 3);
}

int
main(void)
{
	decodes_and_refuses();
	counts_characters_not_bytes();
	measures_columns();
	blanks_include_the_ideographic_space();
	clips_by_characters();
	return 0;
}
