/*
 * An ASCII header value is never RFC 2047-encoded, however long: X-Dabiao-Key carries the
 * notice key a mail rule or a script matches against `dabiao outbox`, so it must arrive as
 * the key itself. A long key without spaces keeps a line of its own (RFC 5322 allows 998
 * characters); one with spaces is folded at them within 78; non-ASCII text is still
 * encoded; and no line of the message exceeds 998 characters.
 */
#include <stdlib.h>
#include <string.h>

#include "notifiers/message.h"
#include "lib/test.h"

static char *
build(const char *key, const char *subject)
{
	static const char *to[] = {"a@x.example"};
	struct notify_header h[] = {{"X-Dabiao-Key", key}};
	struct notify_msg m = {
		.from_addr = "dabiao@x.example", .to = to, .nto = 1,
		.date = "Mon, 09 Jan 2017 09:00:00 +0800", .message_id = "<k@dabiao>",
		.subject = subject, .headers = h, .nheaders = 1, .body = "text\n",
	};
	struct dberr e;
	char *out = NULL;
	size_t len;

	dberr_clear(&e);
	if (notify_msg_build(&m, &out, &len, &e) != 0)
		TEST_FAIL_("build: %s", e.msg);
	return out;
}

/* The header's value with folding undone (CRLF SP -> SP), or NULL. Caller frees. */
static char *
header(const char *msg, const char *name)
{
	const char *p = strstr(msg, name), *end;
	char *v, *w;

	if (p == NULL)
		return NULL;
	p += strlen(name) + 2;
	for (end = p; !(end[0] == '\r' && end[1] == '\n' && end[2] != ' '); end++)
		;
	v = strndup(p, (size_t)(end - p));
	for (w = v; (w = strstr(w, "\r\n")) != NULL;)
		memmove(w, w + 2, strlen(w + 2) + 1);
	return v;
}

static void
no_line_longer_than(const char *msg, size_t max)
{
	for (const char *p = msg, *nl; *p; p = nl + 2) {
		nl = strstr(p, "\r\n");
		ASSERT(nl != NULL);
		ASSERT_LE((size_t)(nl - p), max);
	}
}

int
main(void)
{
	/* 88 characters, no space: the key of a weekly report's reminder */
	const char *key = "provincial-weekly-2017/weekly-emission-return/aa/2017-W02#reminder#0"
	                  "/and-some-more-words";
	char *msg = build(key, "reminder"), *v;

	ASSERT(strlen(key) > 78);
	ASSERT(strstr(msg, "=?UTF-8?") == NULL);
	v = header(msg, "X-Dabiao-Key");
	ASSERT_STR_EQ(v, key);
	free(v);
	/* on the header's own line, whole */
	ASSERT(strstr(msg, "X-Dabiao-Key: provincial-weekly-2017/") != NULL);
	no_line_longer_than(msg, 998);
	free(msg);

	/* ASCII with spaces: folded within 78, never encoded */
	msg = build("a short key", "words words words words words words words words words "
	            "words words words words words words");
	ASSERT(strstr(msg, "=?UTF-8?") == NULL);
	no_line_longer_than(msg, 78);
	free(msg);

	/* non-ASCII is still encoded */
	msg = build("k", "关于报送名录的提醒");
	ASSERT(strstr(msg, "Subject: =?UTF-8?B?") != NULL);
	free(msg);
	return 0;
}
