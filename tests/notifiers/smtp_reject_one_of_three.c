/* 550 for one recipient of three: the other two DELIVERED (so they are never sent the
 * notice twice), the refused one PERMFAIL with the server's 550 and text. */
#include "lib/smtp_server.h"

int
main(void)
{
	struct test_smtpd d;
	struct notify_smtp_server srv;
	const char *rcpt[] = {"a@example.org", "gone@example.org", "c@example.org"};
	struct notify_smtp_msg msg;
	struct notify_smtp_status st;
	char *data = test_message(1), *log;
	struct dberr e;

	test_smtpd_start(&d, NULL);
	test_smtpd_mode(&d, "reject gone@example.org");
	srv = test_server_conf(&d);
	msg = (struct notify_smtp_msg){data, strlen(data), rcpt, 3};
	dberr_clear(&e);
	ASSERT_EQ(notify_smtp_batch_send(&srv, &msg, 1, NULL, &st, &e), 0);
	ASSERT(st.reported);
	ASSERT_EQ(st.code, 250);
	ASSERT_EQ(st.rcpt[0].cls, NOTIFY_SMTP_CLS_DELIVERED);
	ASSERT_EQ(st.rcpt[0].code, 250);
	ASSERT_EQ(st.rcpt[1].cls, NOTIFY_SMTP_CLS_PERMFAIL);
	ASSERT_EQ(st.rcpt[1].code, 550);
	ASSERT_STR_CONTAINS(st.rcpt[1].text, "no such user");
	ASSERT_EQ(st.rcpt[2].cls, NOTIFY_SMTP_CLS_DELIVERED);
	ASSERT_STR_EQ(notify_smtp_class_name(st.rcpt[1].cls), "permfail");
	ASSERT_EQ(test_smtpd_count(&d, "log.jsonl"), 1);
	log = test_smtpd_read(&d, "log.jsonl");
	ASSERT_STR_CONTAINS(log, "\"rcpt_tos\": [\"a@example.org\", \"c@example.org\"]");
	free(log);
	notify_smtp_status_release(&st, 1);
	free(data);
	test_smtpd_stop(&d);
	return 0;
}
