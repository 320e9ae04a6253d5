/* The server stalls 3 s before answering the end of DATA; with timeout_ms 1000 the session
 * gives up after about a second (libESMTP's RFC minimums overridden) and the message is
 * TEMPFAIL, not waited for. */
#include "lib/smtp_server.h"

int
main(void)
{
	struct test_smtpd d;
	struct notify_smtp_server srv;
	const char *rcpt[] = {"officer@example.org"};
	struct notify_smtp_msg msg;
	struct notify_smtp_status st;
	char *data = test_message(1);
	struct dberr e;
	long long t0, ms;

	test_smtpd_start(&d, NULL);
	test_smtpd_mode(&d, "stall 3");
	srv = test_server_conf(&d);
	srv.timeout_ms = 1000;
	msg = (struct notify_smtp_msg){data, strlen(data), rcpt, 1};
	dberr_clear(&e);
	t0 = test_now_ms();
	ASSERT_EQ(notify_smtp_batch_send(&srv, &msg, 1, NULL, &st, &e), DB_ETEMP);
	ms = test_now_ms() - t0;
	fprintf(stderr, "stall: gave up after %lld ms: %s\n", ms, st.rcpt[0].text);
	ASSERT_GE(ms, 900);
	ASSERT_LT(ms, 2500);
	ASSERT(!st.reported);
	ASSERT_EQ(st.rcpt[0].cls, NOTIFY_SMTP_CLS_TEMPFAIL);
	ASSERT_NE(st.rcpt[0].text[0], '\0');
	notify_smtp_status_release(&st, 1);
	free(data);
	test_smtpd_stop(&d);
	return 0;
}
