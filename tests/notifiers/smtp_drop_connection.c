/* The server hangs up after MAIL FROM: nothing is known, so every recipient is TEMPFAIL
 * with the session's reason and the call says DB_ETEMP. Then a refused connection (no
 * server on the port any more) is TEMPFAIL too. */
#include "lib/smtp_server.h"

static int
send_one(const struct notify_smtp_server *srv, struct notify_smtp_status *st, struct dberr *e)
{
	static const char *rcpt[] = {"officer@example.org", "deputy@example.org"};
	char *data = test_message(1);
	struct notify_smtp_msg msg = {data, strlen(data), rcpt, 2};
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

	test_smtpd_start(&d, NULL);
	test_smtpd_mode(&d, "drop");
	srv = test_server_conf(&d);
	ASSERT_EQ(send_one(&srv, &st, &e), DB_ETEMP);
	ASSERT(!st.reported);
	for (int k = 0; k < 2; k++) {
		ASSERT_EQ(st.rcpt[k].cls, NOTIFY_SMTP_CLS_TEMPFAIL);
		ASSERT_NE(st.rcpt[k].text[0], '\0');
	}
	fprintf(stderr, "drop: %s\n", st.rcpt[0].text);
	ASSERT_EQ(test_smtpd_count(&d, "log.jsonl"), 0);
	notify_smtp_status_release(&st, 1);
	test_smtpd_stop(&d);

	/* nobody listens there now */
	ASSERT_EQ(send_one(&srv, &st, &e), DB_ETEMP);
	ASSERT(!st.reported);
	ASSERT_EQ(st.rcpt[0].cls, NOTIFY_SMTP_CLS_TEMPFAIL);
	ASSERT_STR_CONTAINS(st.rcpt[0].text, "refused");
	ASSERT_STR_CONTAINS(e.msg, "refused");
	notify_smtp_status_release(&st, 1);
	return 0;
}
