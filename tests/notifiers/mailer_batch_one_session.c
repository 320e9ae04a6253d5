/* 30 messages in one call: every recipient delivered with the server's 250, all 30 stored,
 * through ONE connection; dot-stuffing intact. Prints the rate (TCP_NODELAY at work). */
#include "mailer_harness.h"

#define N 30

int
main(void)
{
	struct tsrv t;
	struct notify_mail mails[N];
	struct notify_result res[N];
	const char *rcpt[2] = {"a@example.org", "b@example.org"};
	struct notify_mailer_config c;
	struct dberr e;
	char *log, *eml;
	int64_t t0, dt;

	signal(SIGPIPE, SIG_IGN);
	tsrv_start(&t, NULL, NULL);
	c = tsrv_config(&t);
	for (int i = 0; i < N; i++) {
		mails[i].data = test_message(i, &mails[i].len);
		mails[i].rcpt = rcpt;
		mails[i].nrcpt = 2;
	}
	dberr_clear(&e);
	t0 = test_now_ms();
	ASSERT_EQ(notify_mailer_send(&c, mails, N, res, &e), 0);
	dt = test_now_ms() - t0;
	for (int i = 0; i < N; i++) {
		ASSERT_EQ(res[i].code, 250);
		ASSERT_EQ(res[i].nrcpt, 2);
		for (int k = 0; k < 2; k++) {
			ASSERT_EQ(res[i].rcpt[k].result, NOTIFY_DELIVERED);
			ASSERT_EQ(res[i].rcpt[k].code, 250);
		}
		ASSERT_STR_CONTAINS(res[i].text, "queued as");
	}
	ASSERT_EQ(tsrv_lines(&t, "log.jsonl"), N);
	ASSERT_EQ(tsrv_lines(&t, "connections"), 1);
	log = tsrv_read(&t, "log.jsonl");
	ASSERT_STR_CONTAINS(log, "<test.29@dabiao.example.org>");
	ASSERT_STR_CONTAINS(log, "\"rcpt_tos\": [\"a@example.org\", \"b@example.org\"]");
	eml = tsrv_read(&t, "000001.eml");
	ASSERT_STR_CONTAINS(eml, "\r\n.a line starting with a dot\r\n");
	fprintf(stderr, "mailer: %d messages in one session in %lld ms (%.0f msgs/s)\n", N,
	        (long long)dt, dt > 0 ? N * 1000.0 / (double)dt : 0.0);
	free(log);
	free(eml);
	notify_result_release(res, N);
	for (int i = 0; i < N; i++)
		free((char *)mails[i].data);
	tsrv_stop(&t);
	return 0;
}
