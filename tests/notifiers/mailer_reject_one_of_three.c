/* One message to three recipients, the server refusing the second at RCPT with 550: the
 * other two DELIVERED, the refused one PERMFAIL with 550, the message stored once with two
 * recipients. The next message of the batch is unaffected. */
#include "mailer_harness.h"

int
main(void)
{
	struct tsrv t;
	const char *rcpt[3] = {"a@example.org", "nobody@example.org", "c@example.org"};
	struct notify_mail mails[2];
	struct notify_result res[2];
	struct notify_mailer_config c;
	struct dberr e;
	char *log;

	signal(SIGPIPE, SIG_IGN);
	tsrv_start(&t, NULL, NULL);
	c = tsrv_config(&t);
	mails[0].data = test_message(1, &mails[0].len);
	mails[0].rcpt = rcpt;
	mails[0].nrcpt = 3;
	mails[1].data = test_message(2, &mails[1].len);
	mails[1].rcpt = rcpt + 2;
	mails[1].nrcpt = 1;
	tsrv_mode(&t, "reject nobody@example.org\n");
	dberr_clear(&e);
	ASSERT_EQ(notify_mailer_send(&c, mails, 2, res, &e), 0);
	ASSERT_EQ(res[0].rcpt[0].result, NOTIFY_DELIVERED);
	ASSERT_EQ(res[0].rcpt[0].code, 250);
	ASSERT_EQ(res[0].rcpt[1].result, NOTIFY_PERMFAIL);
	ASSERT_EQ(res[0].rcpt[1].code, 550);
	ASSERT_STR_CONTAINS(res[0].rcpt[1].text, "no such user");
	ASSERT_EQ(res[0].rcpt[2].result, NOTIFY_DELIVERED);
	ASSERT_EQ(res[1].rcpt[0].result, NOTIFY_DELIVERED);
	ASSERT_EQ(tsrv_lines(&t, "log.jsonl"), 2);
	log = tsrv_read(&t, "log.jsonl");
	ASSERT_STR_CONTAINS(log, "\"rcpt_tos\": [\"a@example.org\", \"c@example.org\"]");
	free(log);
	notify_result_release(res, 2);
	free((char *)mails[0].data);
	free((char *)mails[1].data);
	tsrv_stop(&t);
	return 0;
}
