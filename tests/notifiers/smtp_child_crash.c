/* The sending child dies (SIGKILL, through the test-only option) right after reporting the
 * first message: that one keeps its DELIVERED verdict and was announced; the four others
 * come back TEMPFAIL "sender process died: signal 9", and the caller lives on. */
#include "lib/smtp_server.h"

#define N 5

static void
on_result(size_t i, const struct notify_smtp_status *st, void *arg)
{
	int *announced = arg;

	(void)st;
	ASSERT_EQ(i, 0);
	(*announced)++;
}

int
main(void)
{
	struct test_smtpd d;
	struct notify_smtp_server srv;
	const char *rcpt[] = {"officer@example.org"};
	struct notify_smtp_msg msgs[N];
	struct notify_smtp_status st[N];
	struct notify_smtp_batch_opts opts = {0};
	char *data[N];
	int announced = 0;
	struct dberr e;

	test_smtpd_start(&d, NULL);
	srv = test_server_conf(&d);
	for (int i = 0; i < N; i++) {
		data[i] = test_message(i);
		msgs[i] = (struct notify_smtp_msg){data[i], strlen(data[i]), rcpt, 1};
	}
	opts.on_result = on_result;
	opts.arg = &announced;
	opts.test_die_after = 1;
	dberr_clear(&e);
	ASSERT_EQ(notify_smtp_batch_send(&srv, msgs, N, &opts, st, &e), DB_ETEMP);
	ASSERT_STR_CONTAINS(e.msg, "sender process died: signal 9");
	ASSERT_EQ(announced, 1);
	ASSERT(st[0].reported);
	ASSERT_EQ(st[0].rcpt[0].cls, NOTIFY_SMTP_CLS_DELIVERED);
	for (int i = 1; i < N; i++) {
		ASSERT(!st[i].reported);
		ASSERT_EQ(st[i].rcpt[0].cls, NOTIFY_SMTP_CLS_TEMPFAIL);
		ASSERT_STR_EQ(st[i].rcpt[0].text, "sender process died: signal 9");
	}
	/* the server saw the first message only */
	ASSERT_EQ(test_smtpd_count(&d, "log.jsonl"), 1);
	for (int i = 0; i < N; i++)
		free(data[i]);
	notify_smtp_status_release(st, N);
	test_smtpd_stop(&d);
	return 0;
}
