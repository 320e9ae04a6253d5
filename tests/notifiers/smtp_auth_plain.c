/* AUTH through libESMTP's SASL plugins: the right password delivers; a wrong one is
 * refused by the server at once (535) and that refusal, not what the server then said to an
 * unauthenticated MAIL FROM, is what every recipient gets: a permanent failure, until someone
 * fixes the password. A 454 at AUTH is temporary. Nothing refused is stored, and the password
 * never appears in a result. */
#include "lib/smtp_server.h"

static int
send_one(const struct notify_smtp_server *srv, struct notify_smtp_status *st, struct dberr *e)
{
	static const char *rcpt[] = {"officer@example.org"};
	char *data = test_message(3);
	struct notify_smtp_msg msg = {data, strlen(data), rcpt, 1};
	int rc;

	dberr_clear(e);
	rc = notify_smtp_batch_send(srv, &msg, 1, NULL, st, e);
	free(data);
	return rc;
}

int
main(void)
{
	struct test_smtpd d;
	struct notify_smtp_server srv;
	struct notify_smtp_status st;
	struct dberr e;
	int rc;

	test_smtpd_start(&d, (const char *const[]){"--require-auth", "dabiao", "s3cret-pw", NULL});
	srv = test_server_conf(&d);
	srv.user = "dabiao";
	srv.password = "s3cret-pw";
	rc = send_one(&srv, &st, &e);
	if (rc != 0)
		TEST_FAIL_("auth: rc %d: %s / %s", rc, e.msg, st.rcpt[0].text);
	ASSERT_EQ(st.rcpt[0].cls, NOTIFY_SMTP_CLS_DELIVERED);
	ASSERT_EQ(test_smtpd_count(&d, "log.jsonl"), 1);
	notify_smtp_status_release(&st, 1);

	srv.password = "wrong-pw";
	rc = send_one(&srv, &st, &e);
	fprintf(stderr, "wrong password: rc %d: %d %s\n", rc, st.rcpt[0].code, st.rcpt[0].text);
	/* the session ran to its end (the server said no to everything, promptly) */
	ASSERT_EQ(rc, 0);
	ASSERT(st.reported);
	ASSERT_EQ(st.rcpt[0].cls, NOTIFY_SMTP_CLS_PERMFAIL);
	ASSERT_EQ(st.rcpt[0].code, 535);
	ASSERT_STR_EQ(st.rcpt[0].text, "5.7.8 Authentication credentials invalid (test)");
	ASSERT_EQ(st.code, 535);
	ASSERT_STR_EQ(st.text, "5.7.8 Authentication credentials invalid (test)");
	ASSERT(strstr(st.rcpt[0].text, "wrong-pw") == NULL);
	ASSERT(strstr(e.msg, "wrong-pw") == NULL);
	ASSERT_EQ(test_smtpd_count(&d, "log.jsonl"), 1);
	notify_smtp_status_release(&st, 1);

	/* the server cannot check passwords just now: 454, try again later */
	srv.password = "s3cret-pw";
	test_smtpd_mode(&d, "authtemp");
	rc = send_one(&srv, &st, &e);
	fprintf(stderr, "auth unavailable: rc %d: %d %s\n", rc, st.rcpt[0].code, st.rcpt[0].text);
	ASSERT_EQ(rc, 0);
	ASSERT_EQ(st.rcpt[0].cls, NOTIFY_SMTP_CLS_TEMPFAIL);
	ASSERT_EQ(st.rcpt[0].code, 454);
	ASSERT_STR_EQ(st.rcpt[0].text, "4.7.0 Temporary authentication failure (test)");
	ASSERT_EQ(test_smtpd_count(&d, "log.jsonl"), 1);
	notify_smtp_status_release(&st, 1);
	test_smtpd_mode(&d, "ok");

	/* and once it can again, the same notice goes through */
	ASSERT_EQ(send_one(&srv, &st, &e), 0);
	ASSERT_EQ(st.rcpt[0].cls, NOTIFY_SMTP_CLS_DELIVERED);
	ASSERT_EQ(test_smtpd_count(&d, "log.jsonl"), 2);
	notify_smtp_status_release(&st, 1);
	test_smtpd_stop(&d);
	return 0;
}
