/* 451 at the end of DATA: every recipient TEMPFAIL with the server's code and text, nothing
 * stored; the same batch sent again once the server recovers is delivered. */
#include "mailer_harness.h"

int
main(void)
{
	struct tsrv t;
	const char *rcpt[2] = {"a@example.org", "b@example.org"};
	struct notify_mail mails[2];
	struct notify_result res[2];
	struct notify_mailer_config c;
	struct dberr e;

	signal(SIGPIPE, SIG_IGN);
	tsrv_start(&t, NULL, NULL);
	c = tsrv_config(&t);
	for (int i = 0; i < 2; i++) {
		mails[i].data = test_message(i, &mails[i].len);
		mails[i].rcpt = rcpt;
		mails[i].nrcpt = 2;
	}
	tsrv_mode(&t, "tempfail\n");
	dberr_clear(&e);
	ASSERT_EQ(notify_mailer_send(&c, mails, 2, res, &e), 0);
	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(res[i].code, 451);
		ASSERT_STR_CONTAINS(res[i].text, "try again later");
		for (int k = 0; k < 2; k++) {
			ASSERT_EQ(res[i].rcpt[k].result, NOTIFY_TEMPFAIL);
			ASSERT_EQ(res[i].rcpt[k].code, 451);
			ASSERT_STR_CONTAINS(res[i].rcpt[k].text, "try again later");
		}
	}
	ASSERT_EQ(tsrv_lines(&t, "log.jsonl"), 0);
	notify_result_release(res, 2);

	tsrv_mode(&t, "ok\n");
	ASSERT_EQ(notify_mailer_send(&c, mails, 2, res, &e), 0);
	for (int i = 0; i < 2; i++)
		for (int k = 0; k < 2; k++)
			ASSERT_EQ(res[i].rcpt[k].result, NOTIFY_DELIVERED);
	ASSERT_EQ(tsrv_lines(&t, "log.jsonl"), 2);
	notify_result_release(res, 2);
	for (int i = 0; i < 2; i++)
		free((char *)mails[i].data);
	tsrv_stop(&t);
	return 0;
}
