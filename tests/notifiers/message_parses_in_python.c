/*
 * Messages built by notify_msg_build read back exactly, header by header, in Python's
 * strict modern e-mail parser (tests/notifiers/parse_message.py), and keep the wire
 * rules: CRLF, 78-character lines, encoded-words of whole characters.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "notifiers/message.h"
#include "notifiers/template.h"
#include "lib/test.h"

/* 3-byte characters a notice is made of. */
static const char HAN[] = "关于报送年度合规计划执行情况的提醒请各单位于截止日期前完成材料逾期将依规处理";

/* The first n characters of HAN, repeated as needed. Caller frees. */
static char *
han(size_t n)
{
	struct buf b = BUF_INIT;
	size_t chars = (sizeof(HAN) - 1) / 3;

	for (size_t i = 0; i < n; i++)
		buf_append(&b, HAN + 3 * (i % chars), 3);
	return buf_detach(&b);
}

static char *
repeat(const char *s, size_t n)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < n; i++)
		buf_puts(&b, s);
	return buf_detach(&b);
}

struct kase {
	const char *name;
	const char *from_name;
	const char *subject;
	const char *body;
	const struct notify_header *headers;
	size_t nheaders;
	const char *const *to;
	size_t nto;
	const struct notify_attachment *atts;
	size_t natts;
};

static void
write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	ASSERT(f != NULL);
	ASSERT_EQ(fwrite(p, 1, n, f), n);
	ASSERT_EQ(fclose(f), 0);
}

/* The expected values, as parse_message.py reads them; body with LF line ends. */
static char *
expectations(const struct notify_msg *m, const char *body_lf)
{
	struct buf b = BUF_INIT;

	buf_puts(&b, "{\"from_name\": ");
	buf_json_str(&b, m->from_name ? m->from_name : "");
	buf_puts(&b, ", \"from_addr\": ");
	buf_json_str(&b, m->from_addr);
	buf_puts(&b, ", \"date\": ");
	buf_json_str(&b, m->date);
	buf_puts(&b, ", \"message_id\": ");
	buf_json_str(&b, m->message_id);
	buf_puts(&b, ", \"subject\": ");
	buf_json_str(&b, m->subject);
	buf_puts(&b, ", \"body\": ");
	buf_json_str(&b, body_lf);
	buf_puts(&b, ", \"to\": [");
	for (size_t i = 0; i < m->nto; i++) {
		buf_puts(&b, i ? ", " : "");
		buf_json_str(&b, m->to[i]);
	}
	buf_puts(&b, "], \"headers\": [");
	for (size_t i = 0; i < m->nheaders; i++) {
		buf_puts(&b, i ? ", [" : "[");
		buf_json_str(&b, m->headers[i].name);
		buf_puts(&b, ", ");
		buf_json_str(&b, m->headers[i].value);
		buf_puts(&b, "]");
	}
	buf_puts(&b, "], \"attachments\": [");
	for (size_t i = 0; i < m->nattachments; i++) {
		const struct notify_attachment *a = &m->attachments[i];

		buf_puts(&b, i ? ", {\"filename\": " : "{\"filename\": ");
		buf_json_str(&b, a->filename);
		buf_puts(&b, ", \"content_type\": ");
		buf_json_str(&b, a->content_type);
		buf_puts(&b, ", \"hex\": \"");
		for (size_t k = 0; k < a->len; k++)
			buf_printf(&b, "%02x", ((const unsigned char *)a->data)[k]);
		buf_puts(&b, "\"}");
	}
	buf_puts(&b, "]}\n");
	return buf_detach(&b);
}

static void
run_case(const struct kase *k, const char *dir, const char *src)
{
	static const char *const one_to[] = {"zhang.san@example.gov.cn"};
	struct notify_msg m = {
		.from_name = k->from_name,
		.from_addr = "dabiao@reg.example.gov.cn",
		.to = k->to ? k->to : one_to,
		.nto = k->to ? k->nto : 1,
		.date = "Mon, 3 Jun 2024 09:00:00 +0800",
		.message_id = "<3f9a0c1d2e@dabiao>",
		.subject = k->subject,
		.headers = k->headers,
		.nheaders = k->nheaders,
		.body = k->body,
		.attachments = k->atts,
		.nattachments = k->natts,
	};
	struct dberr e;
	char *msg, *again, *json, *path, *jpath, *cmd, *body_lf;
	size_t len, len2;
	int st;

	dberr_clear(&e);
	st = notify_msg_build(&m, &msg, &len, &e);
	if (st != 0)
		fprintf(stderr, "case %s: %s\n", k->name, e.msg);
	ASSERT_EQ(st, 0);
	ASSERT_EQ(strlen(msg), len);

	/* A retry must send the same bytes: nothing in the output may vary between calls. */
	ASSERT_EQ(notify_msg_build(&m, &again, &len2, &e), 0);
	ASSERT_EQ(len2, len);
	ASSERT(memcmp(msg, again, len) == 0);

	body_lf = xstrdup(k->body);
	for (char *r = body_lf, *w = body_lf;; r++) {
		if (*r == '\r' && r[1] == '\n')
			continue;
		if ((*w++ = *r) == '\0')
			break;
	}
	json = expectations(&m, body_lf);
	path = xasprintf("%s/%s.eml", dir, k->name);
	jpath = xasprintf("%s/%s.json", dir, k->name);
	write_file(path, msg, len);
	write_file(jpath, json, strlen(json));
	cmd = xasprintf("/usr/bin/python3 %s/tests/notifiers/parse_message.py %s %s", src, path,
	                jpath);
	st = system(cmd);
	if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		fprintf(stderr, "case %s failed; message kept in %s\n", k->name, path);
	ASSERT(WIFEXITED(st));
	ASSERT_EQ(WEXITSTATUS(st), 0);
	unlink(path);
	unlink(jpath);
	free(cmd);
	free(jpath);
	free(path);
	free(json);
	free(body_lf);
	free(again);
	free(msg);
}

/* Values a real notice carries: long Chinese names, line breaks, lists. */
static const char *
notice_value(const char *name, void *arg)
{
	(void)arg;
	if (strcmp(name, "subject_name") == 0)
		return "新疆维吾尔自治区昌吉回族自治州某某热电联产有限责任公司第二分公司";
	if (strcmp(name, "catchup_note") == 0)
		return "（本通知于系统恢复后补发。）\n原定发送时间：2024年6月3日 09:00";
	if (strcmp(name, "days_overdue") == 0)
		return "3";
	return name;
}

int
main(void)
{
	const char *src = getenv("DABIAO_SRC");
	char *dir = test_tmpdir();
	char *h10 = han(10), *h40 = han(40), *h200 = han(200), *h2000 = han(2000);
	char *ascii_long = repeat("Quarterly report reminder ", 8);
	char *ascii_nospace = repeat("ABCDEFGHIJ", 12);
	char *emoji = xasprintf("🚨逾期🚨 overdue %s 😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀", h10);
	char *mixed = xasprintf("【提醒】Plan 2024-Q2 报送 deadline 截止 in 3 days 请尽快 submit %s 谢谢",
	                        h40);
	char *long_body = xasprintf("各单位：\n%s\r\n\r\n第二段 mixed ASCII line %s\n"
	                            "  indented line with spaces  \nend without newline",
	                            h2000, ascii_long);
	char *addrs[30];
	char *att_bytes = xmalloc(3000);
	char *long_fn = xasprintf("%s 2024年第二季度 汇总表.xlsx", h40);

	ASSERT(src != NULL);
	for (size_t i = 0; i < 30; i++)
		addrs[i] = xasprintf("officer.%02zu.compliance@district-%zu.example.gov.cn", i, i % 7);
	for (size_t i = 0; i < 3000; i++)
		att_bytes[i] = (char)(i * 7 + i / 256);

	const struct notify_header tasks[] = {
		{"X-Dabiao-Plan", "changji-2024"},
		{"X-Dabiao-Kind", "overdue"},
		{"X-Dabiao-Task", "changji-2024/m1/subject-0001/2024-Q2"},
		{"X-Dabiao-Task", "changji-2024/m1/subject-0002/2024-Q2"},
		{"X-Dabiao-Task", "changji-2024/m2/subject-0003/2024-Q2"},
		{"X-Dabiao-Subject", h40},
		{"X-Dabiao-Jurisdiction", "昌吉州 市场监督管理局"},
		{"X-Dabiao-Note", ascii_long},
		{"X-Dabiao-Literal", "not =?UTF-8?B?5Lit?= an encoded word"},
		{"X-Dabiao-Empty", ""},
	};
	const struct notify_attachment atts[] = {
		{long_fn, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		 att_bytes, 3000},
		{"report.csv", "text/csv", "a,b\r\n1,2\r\n", 10},
		{"empty.bin", "application/octet-stream", "", 0},
	};
	const struct kase cases[] = {
		{"short_chinese_subject", "合规提醒", "提醒", "请按时报送。\n", NULL, 0, NULL, 0, NULL, 0},
		{"ten_chars", "Dabiao", h10, h10, NULL, 0, NULL, 0, NULL, 0},
		{"forty_chars", NULL, h40, h40, NULL, 0, NULL, 0, NULL, 0},
		{"two_hundred_chars", "市场监督管理局 合规计划 自动通知", h200, long_body, NULL, 0,
		 NULL, 0, NULL, 0},
		{"mixed_ascii_chinese", "Bureau, Dept. \"A\"", mixed, mixed, NULL, 0, NULL, 0, NULL, 0},
		{"emoji_four_byte", NULL, emoji, emoji, NULL, 0, NULL, 0, NULL, 0},
		{"long_ascii_folds_at_spaces", "Dabiao Scheduler", ascii_long, "x\n", NULL, 0, NULL,
		 0, NULL, 0},
		{"ascii_without_spaces", NULL, ascii_nospace, "", NULL, 0, NULL, 0, NULL, 0},
		{"ascii_lookalike_encoded_word", NULL, "=?UTF-8?B?5Lit?=", "y", NULL, 0, NULL, 0,
		 NULL, 0},
		{"long_body_lines", NULL, "body", long_body, NULL, 0, NULL, 0, NULL, 0},
		{"x_headers", NULL, h10, "z\n", tasks, sizeof(tasks) / sizeof(tasks[0]), NULL, 0,
		 NULL, 0},
		{"thirty_recipients", NULL, h10, "z\n", NULL, 0, (const char *const *)addrs, 30, NULL,
		 0},
		{"attachments", "合规提醒", h40, long_body, tasks, 3, (const char *const *)addrs, 3,
		 atts, sizeof(atts) / sizeof(atts[0])},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i], dir, src);

	/* The built-in templates, rendered, go through the wire intact too. */
	{
		static const char *const kinds[] = {"reminder", "overdue", "escalation", "digest",
		                                    NULL};
		char *tdir = xasprintf("%s/notifiers/templates/zh-CN", src);

		for (size_t i = 0; kinds[i]; i++) {
			struct notify_tpl *t;
			struct dberr e;
			char *subject, *body, *name = xasprintf("builtin_%s", kinds[i]);

			dberr_clear(&e);
			ASSERT_EQ(notify_tpl_load(tdir, kinds[i], &t, &e), 0);
			ASSERT_EQ(notify_tpl_render(t, notice_value, NULL, &subject, &body), 0);
			{
				struct kase k = {name, "合规提醒", subject, body, tasks, 5, NULL, 0,
				                 NULL, 0};

				run_case(&k, dir, src);
			}
			free(subject);
			free(body);
			free(name);
			notify_tpl_free(t);
		}
		free(tdir);
	}

	for (size_t i = 0; i < 30; i++)
		free(addrs[i]);
	free(long_fn);
	free(att_bytes);
	free(long_body);
	free(mixed);
	free(emoji);
	free(ascii_nospace);
	free(ascii_long);
	free(h2000);
	free(h200);
	free(h40);
	free(h10);
	rmdir(dir);
	free(dir);
	return 0;
}
