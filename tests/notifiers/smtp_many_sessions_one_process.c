/* Many sessions from one long-running process: 20 batches through the child, then the
 * in-process session five times in a row. libESMTP's issue #30 reports a crash on the
 * second send in one process; here (Debian's 1.1.0) the in-process runs do not crash, under
 * ASan and UBSan too, but the engine still uses the child (see notifiers/smtp.c). */
#include "lib/smtp_server.h"

#define BATCHES 20
#define PER 3

static void
send_batch(const struct notify_smtp_server *srv, int b, bool in_process)
{
	const char *rcpt[] = {"officer@example.org"};
	struct notify_smtp_msg msgs[PER];
	struct notify_smtp_status st[PER];
	char *data[PER];
	struct dberr e;
	int rc;

	for (int i = 0; i < PER; i++) {
		data[i] = test_message(b * PER + i);
		msgs[i] = (struct notify_smtp_msg){data[i], strlen(data[i]), rcpt, 1};
	}
	dberr_clear(&e);
	if (in_process)
		rc = notify_smtp_session_run(srv, msgs, PER, NULL, NULL, st, &e);
	else
		rc = notify_smtp_batch_send(srv, msgs, PER, NULL, st, &e);
	if (rc != 0)
		TEST_FAIL_("batch %d: rc %d: %s", b, rc, e.msg);
	for (int i = 0; i < PER; i++) {
		ASSERT(st[i].reported);
		ASSERT_EQ(st[i].rcpt[0].cls, NOTIFY_SMTP_CLS_DELIVERED);
		free(data[i]);
	}
	notify_smtp_status_release(st, PER);
}

int
main(void)
{
	struct test_smtpd d;
	struct notify_smtp_server srv;

	test_smtpd_start(&d, NULL);
	srv = test_server_conf(&d);
	for (int b = 0; b < BATCHES; b++)
		send_batch(&srv, b, false);
	ASSERT_EQ(test_smtpd_count(&d, "connections"), BATCHES);
	ASSERT_EQ(test_smtpd_count(&d, "log.jsonl"), BATCHES * PER);
	for (int b = 0; b < 5; b++)
		send_batch(&srv, BATCHES + b, true);
	ASSERT_EQ(test_smtpd_count(&d, "connections"), BATCHES + 5);
	ASSERT_EQ(test_smtpd_count(&d, "log.jsonl"), (BATCHES + 5) * PER);
	test_smtpd_stop(&d);
	return 0;
}
