/*
 * registry_credit_code.c - GB 32100-2015 unified social credit codes: published codes pass,
 * every malformed one fails, and any single changed character or adjacent swap in the first
 * 17 positions is caught by the check character.
 *
 * The valid codes were checked with an independent Python implementation of the standard's
 * formula; three are the published codes of well-known companies, so the table does not
 * merely agree with itself.
 */
#include <stdbool.h>
#include <string.h>

#include "lib/test.h"
#include "workflows/parse/registry.h"

static const struct {
	const char *code;
	bool valid;
	const char *why;
} cases[] = {
	{"914403001922038216", true, "published: Huawei Technologies Co., Ltd."},
	{"91440300708461136T", true, "published: Shenzhen Tencent Computer Systems"},
	{"91330100716105852F", true, "published: Alibaba (China) Co., Ltd."},
	{"91652301MA7000001Q", true, "invented, Changji city"},
	{"91652301MA70000130", true, "sum divisible by 31: check 31 maps to '0'"},
	{"91652301MA7000003Y", true, "check character at the top of the alphabet"},
	{"12652300MB1234567T", true, "public institution (1, 2)"},
	{"52652301MA7000009J", true, "civil affairs organisation (5, 2)"},
	{"91652301MA7000001R", false, "wrong check character"},
	{"914403001922038217", false, "published code with its check digit changed"},
	{"91652301ma7000001q", false, "lower case"},
	{"91652301MA7000001q", false, "lower-case check character"},
	{"91652301MA7000001", false, "17 characters"},
	{"91652301MA7000001QQ", false, "19 characters"},
	{"", false, "empty"},
	{"91652301MI7000001Q", false, "excluded letter I"},
	{"91652301MO7000001Q", false, "excluded letter O"},
	{"91652301MZ7000001Q", false, "excluded letter Z"},
	{"91652301MS7000001Q", false, "excluded letter S"},
	{"91652301MV7000001Q", false, "excluded letter V"},
	{"91652301MA7000001 ", false, "trailing space in place of the check"},
	{" 91652301MA7000001", false, "leading space"},
	{"91652301MA70000-1Q", false, "punctuation"},
	{"9165230１MA700001Q", false, "full-width digit (UTF-8 bytes)"},
};

static void
table_of_valid_and_invalid_codes(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (registry_credit_code_valid(cases[i].code) != cases[i].valid)
			TEST_FAIL_("'%s' (%s): want %s", cases[i].code, cases[i].why,
			           cases[i].valid ? "valid" : "invalid");
	ASSERT(!registry_credit_code_valid(NULL));
}

/* 31 is prime and no weight is 0 mod 31, so one substituted character always changes the
 * sum; adjacent weights differ, so swapping two different neighbours does too. */
static void
single_substitution_or_adjacent_swap_is_always_caught(void)
{
	static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	static const char *const valid[] = {
		"914403001922038216", "91440300708461136T", "91652301MA7000001Q",
	};
	char code[19];
	size_t v, pos, k, caught = 0;

	for (v = 0; v < sizeof(valid) / sizeof(valid[0]); v++) {
		for (pos = 0; pos < 17; pos++) {
			for (k = 0; alphabet[k] != '\0'; k++) {
				memcpy(code, valid[v], 19);
				if (code[pos] == alphabet[k])
					continue;
				code[pos] = alphabet[k];
				if (registry_credit_code_valid(code))
					TEST_FAIL_("substitution not caught: %s", code);
				caught++;
			}
			if (pos == 16)
				continue;
			memcpy(code, valid[v], 19);
			if (code[pos] == code[pos + 1])
				continue;
			code[pos] = valid[v][pos + 1];
			code[pos + 1] = valid[v][pos];
			if (registry_credit_code_valid(code))
				TEST_FAIL_("swap not caught: %s", code);
		}
	}
	ASSERT_EQ(caught, 3 * 17 * 30);
}

int
main(void)
{
	table_of_valid_and_invalid_codes();
	single_substitution_or_adjacent_swap_is_always_caught();
	return 0;
}
