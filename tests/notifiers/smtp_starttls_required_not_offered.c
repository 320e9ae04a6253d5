/* security starttls against a server that does not offer STARTTLS: nothing is sent in
 * clear, nothing is stored, every recipient TEMPFAIL "server does not offer STARTTLS". */
#include "lib/smtp_server.h"

int
main(void)
{
	struct test_smtpd d;
	struct notify_smtp_server srv;
	const char *rcpt[] = {"officer@example.org"};
	struct notify_smtp_msg msgs[2];
	struct notify_smtp_status st[2];
	char *data[2];
	struct dberr e;

	test_smtpd_start(&d, (const char *const[]){"--no-starttls-offer", NULL});
	srv = test_server_conf(&d);
	srv.security = NOTIFY_SMTP_STARTTLS;
	for (int i = 0; i < 2; i++) {
		data[i] = test_message(i);
		msgs[i] = (struct notify_smtp_msg){data[i], strlen(data[i]), rcpt, 1};
	}
	dberr_clear(&e);
	ASSERT_EQ(notify_smtp_batch_send(&srv, msgs, 2, NULL, st, &e), DB_ETEMP);
	ASSERT_STR_CONTAINS(e.msg, "server does not offer STARTTLS");
	for (int i = 0; i < 2; i++) {
		ASSERT(!st[i].reported);
		ASSERT_EQ(st[i].rcpt[0].cls, NOTIFY_SMTP_CLS_TEMPFAIL);
		ASSERT_STR_EQ(st[i].rcpt[0].text, "server does not offer STARTTLS");
		free(data[i]);
	}
	ASSERT_EQ(test_smtpd_count(&d, "connections"), 1);
	ASSERT_EQ(test_smtpd_count(&d, "log.jsonl"), 0);
	notify_smtp_status_release(st, 2);
	test_smtpd_stop(&d);
	return 0;
}
