/*
 * A message quotes the values it names in '...': one of more than 80 characters is cut
 * there with an ellipsis, at a character, and the message keeps its end (what to do); a
 * message longer than struct dberr holds is cut at a character with an ellipsis.
 */
#include <string.h>

#include "base/err.h"
#include "base/utf8.h"
#include "lib/test.h"

static void
long_value_cut_end_kept(void)
{
	static char big[5000 * 3 + 1], want[512];
	struct dberr e;

	for (int i = 0; i < 5000; i++)
		memcpy(big + 3 * i, "\xe9\x95\xbf", 3);    /* 长 */
	dberr_clear(&e);
	ASSERT_EQ(dberr_set(&e, DB_ENOTFOUND, "no task '%s' (see dabiao tasks)", big),
	          DB_ENOTFOUND);
	/* by hand: "no task '" + 80 × 长 (240 bytes) + "…' (see dabiao tasks)" */
	strcpy(want, "no task '");
	memcpy(want + 9, big, 240);
	strcpy(want + 249, "\xe2\x80\xa6' (see dabiao tasks)");
	ASSERT_STR_EQ(e.msg, want);
}

static void
short_values_and_apostrophes_untouched(void)
{
	struct dberr e;

	dberr_clear(&e);
	dberr_set(&e, DB_EDATA, "don't use '%s' here: it's taken", "O'Brien's");
	ASSERT_STR_EQ(e.msg, "don't use 'O'Brien's' here: it's taken");
	dberr_clear(&e);
	/* 80 characters exactly are kept whole */
	dberr_set(&e, DB_EDATA, "'%.80s'", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	                                   "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	ASSERT_EQ(strlen(e.msg), 82);
}

static void
whole_message_cut_at_a_character(void)
{
	static char text[3001];
	struct dberr e;
	size_t n;

	for (int i = 0; i < 1000; i++)
		memcpy(text + 3 * i, "\xe4\xb8\xad", 3);   /* 中, unquoted */
	dberr_clear(&e);
	dberr_set(&e, DB_EDATA, "x%s", text);
	n = strlen(e.msg);
	ASSERT_LT(n, sizeof(e.msg));
	ASSERT_EQ(utf8_valid(e.msg, n), n);
	/* "x", then whole 中 (3 bytes each) while 中 and "…" and the NUL still fit in 1024:
	 * 1 + 3k + 3 + 1 <= 1024 gives k = 339, so 1 + 1017 + 3 = 1021 bytes */
	ASSERT_EQ(n, 1021);
	ASSERT(memcmp(e.msg + n - 3, "\xe2\x80\xa6", 3) == 0);
}

int
main(void)
{
	long_value_cut_end_kept();
	short_values_and_apostrophes_untouched();
	whole_message_cut_at_a_character();
	return 0;
}
