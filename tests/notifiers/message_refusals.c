/*
 * notify_msg_build refuses, with DB_EDATA and a message naming the field, anything that
 * could inject a header or corrupt a message: line breaks in values, invalid UTF-8,
 * addresses that are not plain local@domain, reserved or malformed header names.
 */
#include <stdlib.h>
#include <string.h>

#include "notifiers/message.h"
#include "lib/test.h"

enum field { F_SUBJECT, F_HEADER_VALUE, F_HEADER_NAME, F_BODY, F_TO, F_FROM, F_FROM_NAME,
             F_DATE, F_MSGID, F_ATT_NAME, F_ATT_TYPE };

struct refusal {
	const char *name;
	enum field field;
	const char *value;
	const char *msg_part; /* the error message must mention this */
};

static const struct refusal refusals[] = {
	{"subject_lf_injection", F_SUBJECT, "hi\nBcc: victim@example.com", "Subject"},
	{"subject_cr_injection", F_SUBJECT, "hi\rBcc: victim@example.com", "line break"},
	{"subject_crlf_chinese", F_SUBJECT, "提醒\r\n\r\nbody", "line break"},
	{"subject_control_char", F_SUBJECT, "a\x01b", "control"},
	{"subject_invalid_utf8", F_SUBJECT, "\xe6\x8f", "UTF-8"},
	{"subject_overlong_utf8", F_SUBJECT, "\xc0\xaf", "UTF-8"},
	{"subject_surrogate", F_SUBJECT, "\xed\xa0\x80", "UTF-8"},
	{"subject_above_max", F_SUBJECT, "\xf4\x90\x80\x80", "UTF-8"},
	{"x_header_lf", F_HEADER_VALUE, "plan\nTo: x@y.z", "X-Dabiao-Task"},
	{"x_header_invalid_utf8", F_HEADER_VALUE, "\xff", "UTF-8"},
	{"header_name_colon", F_HEADER_NAME, "X-Bad:Name", "header name"},
	{"header_name_space", F_HEADER_NAME, "X Bad", "header name"},
	{"header_name_reserved", F_HEADER_NAME, "bcc", "written by the builder"},
	{"header_name_content", F_HEADER_NAME, "Content-Type", "written by the builder"},
	{"body_invalid_utf8", F_BODY, "正文\xe4\xb8", "body"},
	{"body_latin1", F_BODY, "caf\xe9", "UTF-8"},
	{"to_space", F_TO, "a b@example.com", "not a plain address"},
	{"to_no_at", F_TO, "example.com", "not a plain address"},
	{"to_empty_local", F_TO, "@example.com", "not a plain address"},
	{"to_empty_domain", F_TO, "a@", "not a plain address"},
	{"to_newline", F_TO, "a@example.com\r\nBcc: v@x.y", "not a plain address"},
	{"to_angle", F_TO, "<a@example.com>", "not a plain address"},
	{"to_comma", F_TO, "a@example.com,b@example.com", "not a plain address"},
	{"to_double_dot", F_TO, "a..b@example.com", "not a plain address"},
	{"to_non_ascii", F_TO, "张三@example.cn", "not a plain address"},
	{"to_empty", F_TO, "", "the address is empty"},
	{"to_gt", F_TO, "a>b@x.example", "not a plain address"},
	{"to_quoted", F_TO, "\"a\"@x", "quoted local parts"},
	{"to_domain_double_dot", F_TO, "a@x..example", "empty label"},
	{"to_literal", F_TO, "a@[1.2.3.4]", "address literals"},
	{"to_domain_underscore", F_TO, "a@x_y.example", "not a plain address"},
	{"from_tab", F_FROM, "a\t@example.com", "not a plain address"},
	{"from_name_lf", F_FROM_NAME, "Bureau\nBcc: v@x.y", "line break"},
	{"date_lf", F_DATE, "Mon, 3 Jun 2024\n09:00", "Date"},
	{"msgid_no_brackets", F_MSGID, "abc@dabiao", "Message-ID"},
	{"msgid_cr", F_MSGID, "<abc@dabiao>\r", "Message-ID"},
	{"attachment_name_slash", F_ATT_NAME, "../../etc/passwd", "file name"},
	{"attachment_name_lf", F_ATT_NAME, "a\nb.xlsx", "file name"},
	{"attachment_name_invalid_utf8", F_ATT_NAME, "\x80.xlsx", "UTF-8"},
	{"attachment_type_injection", F_ATT_TYPE, "text/plain\r\nX-A: b", "content type"},
	{"attachment_type_no_slash", F_ATT_TYPE, "xlsx", "content type"},
};

int
main(void)
{
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		const struct refusal *r = &refusals[i];
		const char *to[] = {"a@example.com", "b@example.com"};
		struct notify_header hdr = {"X-Dabiao-Task", "plan/m1"};
		struct notify_attachment att = {"表.xlsx", "application/octet-stream", "x", 1};
		struct notify_msg m = {
			.from_name = "合规",
			.from_addr = "dabiao@example.gov.cn",
			.to = to,
			.nto = 2,
			.date = "Mon, 3 Jun 2024 09:00:00 +0800",
			.message_id = "<abc@dabiao>",
			.subject = "提醒",
			.headers = &hdr,
			.nheaders = 1,
			.body = "正文\n",
			.attachments = &att,
			.nattachments = 1,
		};
		struct dberr e;
		char *out = (char *)"untouched";
		size_t len = 12345;

		switch (r->field) {
		case F_SUBJECT: m.subject = r->value; break;
		case F_HEADER_VALUE: hdr.value = r->value; break;
		case F_HEADER_NAME: hdr.name = r->value; break;
		case F_BODY: m.body = r->value; break;
		case F_TO: to[1] = r->value; break;
		case F_FROM: m.from_addr = r->value; break;
		case F_FROM_NAME: m.from_name = r->value; break;
		case F_DATE: m.date = r->value; break;
		case F_MSGID: m.message_id = r->value; break;
		case F_ATT_NAME: att.filename = r->value; break;
		case F_ATT_TYPE: att.content_type = r->value; break;
		}
		dberr_clear(&e);
		fprintf(stderr, "case %s\n", r->name);
		ASSERT_EQ(notify_msg_build(&m, &out, &len, &e), DB_EDATA);
		ASSERT_EQ(e.code, DB_EDATA);
		ASSERT_STR_CONTAINS(e.msg, r->msg_part);
		/* Out-parameters are written only on success. */
		ASSERT_STR_EQ(out, "untouched");
		ASSERT_EQ(len, 12345);
	}

	/* The baseline of the table builds, so each refusal above is due to its one change. */
	{
		const char *to[] = {"a@example.com"};
		struct notify_attachment att = {"表.xlsx", "application/octet-stream", "x", 1};
		struct notify_msg m = {
			.from_addr = "dabiao@example.gov.cn", .to = to, .nto = 1,
			.date = "Mon, 3 Jun 2024 09:00:00 +0800", .message_id = "<abc@dabiao>",
			.subject = "提醒", .body = "正文\n", .attachments = &att, .nattachments = 1,
		};
		struct dberr e;
		char *out;
		size_t len;

		dberr_clear(&e);
		ASSERT_EQ(notify_msg_build(&m, &out, &len, &e), 0);
		ASSERT_STR_CONTAINS(out, "\r\nSubject: =?UTF-8?B?5o+Q6YaS?=\r\n");
		free(out);
		m.nto = 0;
		ASSERT_EQ(notify_msg_build(&m, &out, &len, &e), DB_EDATA);
	}
	return 0;
}
