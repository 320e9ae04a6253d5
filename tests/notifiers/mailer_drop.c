/* The server closes the connection at MAIL FROM: every recipient TEMPFAIL, nothing stored.
 * A refused connection (the server gone) is TEMPFAIL too, and says so. */
#include "mailer_harness.h"

int
main(void)
{
	struct tsrv t;
	const char *rcpt[1] = {"a@example.org"};
	struct notify_mail mails[3];
	struct notify_result res[3];
	struct notify_mailer_config c;
	struct dberr e;

	signal(SIGPIPE, SIG_IGN);
	tsrv_start(&t, NULL, NULL);
	c = tsrv_config(&t);
	for (int i = 0; i < 3; i++) {
		mails[i].data = test_message(i, &mails[i].len);
		mails[i].rcpt = rcpt;
		mails[i].nrcpt = 1;
	}
	tsrv_mode(&t, "drop\n");
	dberr_clear(&e);
	ASSERT_EQ(notify_mailer_send(&c, mails, 3, res, &e), 0);
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(res[i].rcpt[0].result, NOTIFY_TEMPFAIL);
		ASSERT(res[i].rcpt[0].text[0] != '\0');
	}
	fprintf(stderr, "drop: %d %s\n", res[0].rcpt[0].code, res[0].rcpt[0].text);
	ASSERT_EQ(tsrv_lines(&t, "log.jsonl"), 0);
	ASSERT_EQ(tsrv_lines(&t, "connections"), 1);
	notify_result_release(res, 3);

	tsrv_stop(&t); /* nobody listens on that port any more */
	ASSERT_EQ(notify_mailer_send(&c, mails, 3, res, &e), 0);
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(res[i].rcpt[0].result, NOTIFY_TEMPFAIL);
		ASSERT_EQ(res[i].rcpt[0].code, 0);
	}
	fprintf(stderr, "refused: %s\n", res[0].rcpt[0].text);
	ASSERT_STR_CONTAINS(res[0].rcpt[0].text, "refused");
	notify_result_release(res, 3);
	for (int i = 0; i < 3; i++)
		free((char *)mails[i].data);
	return 0;
}
