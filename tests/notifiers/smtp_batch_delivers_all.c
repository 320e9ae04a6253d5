/* 30 messages in one batch: every recipient delivered, all 30 stored by the server, over
 * one connection, and each result announced once, in order. */
#include "lib/smtp_server.h"

#define N 30

struct seen {
	int count;
	size_t last;
};

static void
on_result(size_t i, const struct notify_smtp_status *st, void *arg)
{
	struct seen *s = arg;

	ASSERT(st->reported);
	if (s->count > 0)
		ASSERT_GT(i, s->last);
	s->last = i;
	s->count++;
}

int
main(void)
{
	struct test_smtpd d;
	struct notify_smtp_server srv;
	struct notify_smtp_msg msgs[N];
	struct notify_smtp_status st[N];
	struct notify_smtp_batch_opts opts = {0};
	const char *rcpt[] = {"officer@example.org", "deputy@example.org"};
	char *data[N];
	struct seen seen = {0, 0};
	struct dberr e;
	char *log;

	test_smtpd_start(&d, NULL);
	srv = test_server_conf(&d);
	for (int i = 0; i < N; i++) {
		data[i] = test_message(i);
		msgs[i] = (struct notify_smtp_msg){data[i], strlen(data[i]), rcpt, 2};
	}
	opts.on_result = on_result;
	opts.arg = &seen;
	dberr_clear(&e);
	ASSERT_EQ(notify_smtp_batch_send(&srv, msgs, N, &opts, st, &e), 0);
	ASSERT_EQ(seen.count, N);
	for (int i = 0; i < N; i++) {
		ASSERT(st[i].reported);
		ASSERT_EQ(st[i].code, 250);
		ASSERT_EQ(st[i].nrcpt, 2);
		for (size_t k = 0; k < 2; k++) {
			ASSERT_EQ(st[i].rcpt[k].cls, NOTIFY_SMTP_CLS_DELIVERED);
			ASSERT_EQ(st[i].rcpt[k].code, 250);
			ASSERT_STR_CONTAINS(st[i].rcpt[k].text, "queued");
		}
	}
	ASSERT_EQ(test_smtpd_count(&d, "log.jsonl"), N);
	ASSERT_EQ(test_smtpd_count(&d, "connections"), 1);
	log = test_smtpd_read(&d, "log.jsonl");
	ASSERT_STR_CONTAINS(log, "<test-0@dabiao.example.org>");
	ASSERT_STR_CONTAINS(log, "<test-29@dabiao.example.org>");
	ASSERT_STR_CONTAINS(log, "\"rcpt_tos\": [\"officer@example.org\", \"deputy@example.org\"]");
	free(log);
	/* dot-stuffing undone by the server: the body line arrives as written */
	log = test_smtpd_read(&d, "000001.eml");
	ASSERT_STR_CONTAINS(log, "\r\n.a line that needs dot-stuffing\r\n");
	free(log);

	notify_smtp_status_release(st, N);
	for (int i = 0; i < N; i++)
		free(data[i]);
	test_smtpd_stop(&d);
	return 0;
}
