/* 20 batches one after another from the same process (libESMTP issue #30 was a crash on the
 * second send in one process): each batch its own child and connection, all delivered. */
#include "mailer_harness.h"

#define BATCHES 20
#define PER 3

int
main(void)
{
	struct tsrv t;
	const char *rcpt[1] = {"a@example.org"};
	struct notify_mailer_config c;
	struct dberr e;

	signal(SIGPIPE, SIG_IGN);
	tsrv_start(&t, NULL, NULL);
	c = tsrv_config(&t);
	for (int b = 0; b < BATCHES; b++) {
		struct notify_mail mails[PER];
		struct notify_result res[PER];

		for (int i = 0; i < PER; i++) {
			mails[i].data = test_message(b * PER + i, &mails[i].len);
			mails[i].rcpt = rcpt;
			mails[i].nrcpt = 1;
		}
		dberr_clear(&e);
		ASSERT_EQ(notify_mailer_send(&c, mails, PER, res, &e), 0);
		for (int i = 0; i < PER; i++) {
			ASSERT_EQ(res[i].rcpt[0].result, NOTIFY_DELIVERED);
			ASSERT_EQ(res[i].rcpt[0].code, 250);
		}
		ASSERT_EQ(tsrv_lines(&t, "log.jsonl"), (b + 1) * PER);
		ASSERT_EQ(tsrv_lines(&t, "connections"), b + 1);
		notify_result_release(res, PER);
		for (int i = 0; i < PER; i++)
			free((char *)mails[i].data);
	}
	tsrv_stop(&t);
	return 0;
}
