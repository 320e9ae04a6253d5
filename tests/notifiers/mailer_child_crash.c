/* The child is made to die by SIGKILL right after reporting its first message (a test-only
 * config field): that message keeps its DELIVERED verdict, the other four come back
 * TEMPFAIL naming the signal, and the calling process carries on. */
#include "mailer_harness.h"

#define N 5

int
main(void)
{
	struct tsrv t;
	const char *rcpt[1] = {"a@example.org"};
	struct notify_mail mails[N];
	struct notify_result res[N];
	struct notify_mailer_config c;
	struct dberr e;

	signal(SIGPIPE, SIG_IGN);
	tsrv_start(&t, NULL, NULL);
	c = tsrv_config(&t);
	c.test_kill_after = 1;
	for (int i = 0; i < N; i++) {
		mails[i].data = test_message(i, &mails[i].len);
		mails[i].rcpt = rcpt;
		mails[i].nrcpt = 1;
	}
	dberr_clear(&e);
	ASSERT_EQ(notify_mailer_send(&c, mails, N, res, &e), 0);
	ASSERT_EQ(res[0].rcpt[0].result, NOTIFY_DELIVERED);
	ASSERT_EQ(res[0].rcpt[0].code, 250);
	for (int i = 1; i < N; i++) {
		ASSERT_EQ(res[i].rcpt[0].result, NOTIFY_TEMPFAIL);
		ASSERT_STR_EQ(res[i].rcpt[0].text, "sender process died: signal 9");
	}
	ASSERT_EQ(tsrv_lines(&t, "log.jsonl"), 1);
	notify_result_release(res, N);

	/* the next batch, from the same process, is sent normally */
	c.test_kill_after = 0;
	ASSERT_EQ(notify_mailer_send(&c, mails + 1, N - 1, res, &e), 0);
	for (int i = 0; i < N - 1; i++)
		ASSERT_EQ(res[i].rcpt[0].result, NOTIFY_DELIVERED);
	ASSERT_EQ(tsrv_lines(&t, "log.jsonl"), N);
	notify_result_release(res, N - 1);
	for (int i = 0; i < N; i++)
		free((char *)mails[i].data);
	tsrv_stop(&t);
	return 0;
}
