/* A server that answers 451 at the end of DATA: every recipient TEMPFAIL with the server's
 * code and text, the verdict is known (reported), the session itself went fine. */
#include "lib/smtp_server.h"

int
main(void)
{
	struct test_smtpd d;
	struct notify_smtp_server srv;
	const char *rcpt[] = {"officer@example.org", "deputy@example.org"};
	struct notify_smtp_msg msgs[2];
	struct notify_smtp_status st[2];
	char *data[2];
	struct dberr e;

	test_smtpd_start(&d, NULL);
	test_smtpd_mode(&d, "tempfail");
	srv = test_server_conf(&d);
	for (int i = 0; i < 2; i++) {
		data[i] = test_message(i);
		msgs[i] = (struct notify_smtp_msg){data[i], strlen(data[i]), rcpt, 2};
	}
	dberr_clear(&e);
	ASSERT_EQ(notify_smtp_batch_send(&srv, msgs, 2, NULL, st, &e), 0);
	for (int i = 0; i < 2; i++) {
		ASSERT(st[i].reported);
		ASSERT_EQ(st[i].code, 451);
		for (int k = 0; k < 2; k++) {
			ASSERT_EQ(st[i].rcpt[k].cls, NOTIFY_SMTP_CLS_TEMPFAIL);
			ASSERT_EQ(st[i].rcpt[k].code, 451);
			ASSERT_STR_CONTAINS(st[i].rcpt[k].text, "try again later");
		}
		free(data[i]);
	}
	ASSERT_EQ(test_smtpd_count(&d, "log.jsonl"), 0);
	notify_smtp_status_release(st, 2);
	test_smtpd_stop(&d);
	return 0;
}
