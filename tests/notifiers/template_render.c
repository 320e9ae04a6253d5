/*
 * notify_tpl_render substitutes {{name}} from a lookup, renders missing values as empty,
 * keeps the subject on one line, and leaves single braces alone.
 */
#include <stdlib.h>
#include <string.h>

#include "notifiers/template.h"
#include "lib/test.h"

struct kv {
	const char *name, *value;
};

static const struct kv values[] = {
	{"subject_name", "昌吉市某热电有限公司"},
	{"milestone_title", "自行监测方案"},
	{"period", "2024年第2季度"},
	{"days_overdue", "3"},
	{"catchup_note", "（系统恢复后补发）\n原定时间：6月3日"},
	{"items", "1. 甲\r\n2. 乙\n"},
	{"error", "a\tb\x01" "c"},
	{"plan_title", "{{plan_id}}"}, /* a value is never expanded again */
	{NULL, NULL},
};

static const char *
lookup(const char *name, void *arg)
{
	int *calls = arg;

	++*calls;
	for (size_t i = 0; values[i].name; i++) {
		if (strcmp(values[i].name, name) == 0)
			return values[i].value;
	}
	return NULL;
}

static const char *
bad_lookup(const char *name, void *arg)
{
	(void)name;
	(void)arg;
	return "caf\xe9";
}

struct kase {
	const char *name;
	const char *text;
	const char *subject;
	const char *body;
	int lookups;
};

static const struct kase cases[] = {
	{"substitutes_subject_and_body",
	 "Subject: 【逾期】{{milestone_title}}{{period}}已逾期{{days_overdue}}天\n\n"
	 "{{subject_name}}：\n请于{{period}}内补报。\n",
	 "【逾期】自行监测方案2024年第2季度已逾期3天", "昌吉市某热电有限公司：\n请于2024年第2季度内补报。\n",
	 5},
	{"missing_value_renders_empty", "Subject: [{{deadline}}]\n\n<{{due_date}}>{{kind}}",
	 "[]", "<>", 3},
	{"subject_line_breaks_become_spaces", "Subject: {{catchup_note}}|{{items}}\n\nx",
	 "（系统恢复后补发） 原定时间：6月3日|1. 甲 2. 乙 ", "x", 2},
	{"body_keeps_line_breaks", "Subject: s\n\n{{catchup_note}}|{{items}}",
	 "s", "（系统恢复后补发）\n原定时间：6月3日|1. 甲\r\n2. 乙\n", 2},
	{"subject_control_chars_become_spaces", "Subject: {{error}}\n\n{{error}}", "a b c",
	 "a\tb\x01" "c", 2},
	{"values_are_not_expanded_again", "Subject: {{plan_title}}\n\n{{plan_title}}",
	 "{{plan_id}}", "{{plan_id}}", 2},
	{"single_braces_are_text", "Subject: {a} }} {\n\n{x} } {{period}}}",
	 "{a} }} {", "{x} } 2024年第2季度}", 1},
	{"crlf_file_and_bom", "\xef\xbb\xbfSubject: {{days_overdue}}\r\n\r\nA\r\nB\r\n", "3",
	 "A\nB\n", 1},
	{"empty_body", "Subject: only\n\n", "only", "", 0},
	{"section_shown_only_with_a_value",
	 "Subject: {{#period}}（{{period}}）{{/period}}{{#deadline}}[x]{{/deadline}}\n\n"
	 "{{^deadline}}无截止{{/deadline}}{{^period}}无期次{{/period}}",
	 "（2024年第2季度）", "无截止", 5},
	{"section_lines_leave_no_empty_line",
	 "Subject: s\n\nA\n{{#deadline}}\nB\n{{/deadline}}\nC\n{{^deadline}}\nD\n{{/deadline}}\nE\n",
	 "s", "A\nC\nD\nE\n", 2},
	{"sections_nest",
	 "Subject: s\n\n{{#period}}[{{#days_overdue}}{{days_overdue}}{{/days_overdue}}"
	 "{{#deadline}}-{{/deadline}}]{{/period}}",
	 "s", "[3]", 4},
	{"adjacent_placeholders", "Subject: {{days_overdue}}{{days_overdue}}\n\n{{period}}{{period}}",
	 "33", "2024年第2季度2024年第2季度", 4},
};

int
main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct kase *k = &cases[i];
		struct notify_tpl *t = NULL;
		struct dberr e;
		char *subject, *body;
		int calls = 0, rc;

		dberr_clear(&e);
		rc = notify_tpl_parse(k->name, k->text, strlen(k->text), &t, &e);
		if (rc != 0)
			fprintf(stderr, "case %s: %s\n", k->name, e.msg);
		ASSERT_EQ(rc, 0);
		ASSERT_STR_EQ(notify_tpl_kind(t), "");
		ASSERT_EQ(notify_tpl_render(t, lookup, &calls, &subject, &body), 0);
		ASSERT_STR_EQ(subject, k->subject);
		ASSERT_STR_EQ(body, k->body);
		ASSERT_EQ(calls, k->lookups);
		free(subject);
		free(body);
		notify_tpl_free(t);
	}

	/* A value that is not UTF-8 is refused, and the outputs are left alone. */
	{
		struct notify_tpl *t;
		struct dberr e;
		char *subject = NULL, *body = NULL;
		const char *text = "Subject: s\n\n{{period}}";

		dberr_clear(&e);
		ASSERT_EQ(notify_tpl_parse("t", text, strlen(text), &t, &e), 0);
		ASSERT_EQ(notify_tpl_render(t, bad_lookup, NULL, &subject, &body), DB_EDATA);
		ASSERT(subject == NULL && body == NULL);
		notify_tpl_free(t);
	}
	notify_tpl_free(NULL);
	return 0;
}
