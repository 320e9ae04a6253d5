/*
 * A malformed template is refused when it is parsed, with DB_EDATA at the line and
 * column (in characters) of the fault, so `dabiao check` reports it before it is used.
 */
#include <stdlib.h>
#include <string.h>

#include "notifiers/template.h"
#include "lib/test.h"

struct refusal {
	const char *name;
	const char *text;
	int line, col;
	const char *msg_part;
};

static const struct refusal refusals[] = {
	{"unknown_placeholder_in_body", "Subject: s\n\n第一行\n　　截止：{{dead_line}}。\n", 4, 6,
	 "unknown placeholder {{dead_line}}"},
	{"unknown_placeholder_in_subject", "Subject: 【提醒】{{titel}}\n\nx", 1, 14,
	 "unknown placeholder {{titel}}"},
	{"unterminated_braces", "Subject: s\n\nab {{period\n}}", 3, 4, "unterminated"},
	{"unterminated_at_end", "Subject: s\n\n{{period}", 3, 1, "unterminated"},
	{"unterminated_in_subject", "Subject: a {{period\n\nx", 1, 12, "unterminated"},
	{"single_closing_brace", "Subject: s\n\n{{period}x", 3, 1, "unterminated"},
	{"spaces_inside_braces", "Subject: s\n\n{{ period }}", 3, 1, "malformed"},
	{"section_not_closed", "Subject: s\n\nx\n{{#period}}y", 4, 1, "is not closed"},
	{"section_closed_out_of_order", "Subject: s\n\n{{#period}}{{#kind}}{{/period}}{{/kind}}",
	 3, 21, "closes another section"},
	{"stray_section_end", "Subject: s\n\n中{{/period}}", 3, 2, "closes no section"},
	{"unknown_section_name", "Subject: s\n\n{{#perod}}{{/perod}}", 3, 1,
	 "unknown placeholder {{perod}}"},
	{"upper_case_name", "Subject: s\n\n{{Period}}", 3, 1, "malformed"},
	{"empty_name", "Subject: s\n\n中文{{}}", 3, 3, "malformed"},
	{"triple_braces", "Subject: s\n\n{{{period}}}", 3, 1, "malformed"},
	{"digit_in_name", "Subject: s\n\n{{period2}}", 3, 1, "malformed"},
	{"missing_subject_line", "Title: s\n\nbody", 1, 1, "Subject: "},
	{"lower_case_subject", "subject: s\n\nbody", 1, 1, "Subject: "},
	{"subject_without_space", "Subject:s\n\nbody", 1, 1, "Subject: "},
	{"empty_file", "", 1, 1, "Subject: "},
	{"empty_subject", "Subject:   \n\nbody", 1, 10, "empty subject"},
	{"no_empty_second_line", "Subject: s\nbody", 2, 1, "second line must be empty"},
	{"only_subject_line", "Subject: s\n", 2, 1, "second line must be empty"},
	{"no_newline_at_all", "Subject: s", 2, 1, "second line must be empty"},
	{"invalid_utf8", "Subject: s\n\n好\xe5\xa5", 3, 2, "invalid UTF-8"},
	{"latin1_file", "Subject: caf\xe9\n\nx", 1, 13, "invalid UTF-8"},
	{"lone_carriage_return", "Subject: s\n\na\rb", 3, 2, "control character"},
	{"nul_byte", "Subject: s\n\na\0b", 3, 2, "control character"},
	{"second_error_is_not_reported_first", "Subject: s\n\n{{nope}} {{also_nope}}", 3, 1,
	 "{{nope}}"},
};

int
main(void)
{
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		const struct refusal *r = &refusals[i];
		/* The NUL case needs its length from the literal, the others have none inside. */
		size_t len = strcmp(r->name, "nul_byte") == 0 ? 15 : strlen(r->text);
		struct notify_tpl *t = (struct notify_tpl *)&refusals; /* must stay untouched */
		struct dberr e;

		dberr_clear(&e);
		fprintf(stderr, "case %s\n", r->name);
		ASSERT_EQ(notify_tpl_parse("x.txt", r->text, len, &t, &e), DB_EDATA);
		ASSERT(t == (struct notify_tpl *)&refusals);
		ASSERT_EQ(e.code, DB_EDATA);
		ASSERT_STR_EQ(e.file, "x.txt");
		ASSERT_EQ(e.line, r->line);
		ASSERT_EQ(e.col, r->col);
		ASSERT_STR_CONTAINS(e.msg, r->msg_part);
	}
	return 0;
}
