/* The server sleeps 3 s before answering the end of DATA; with a 1000 ms timeout the
 * message comes back TEMPFAIL well before the server would have answered. */
#include "mailer_harness.h"

int
main(void)
{
	struct tsrv t;
	const char *rcpt[1] = {"a@example.org"};
	struct notify_mail m;
	struct notify_result res;
	struct notify_mailer_config c;
	struct dberr e;
	int64_t t0, dt;

	signal(SIGPIPE, SIG_IGN);
	tsrv_start(&t, NULL, NULL);
	c = tsrv_config(&t);
	c.timeout_ms = 1000;
	m.data = test_message(1, &m.len);
	m.rcpt = rcpt;
	m.nrcpt = 1;
	tsrv_mode(&t, "stall 3\n");
	dberr_clear(&e);
	t0 = test_now_ms();
	ASSERT_EQ(notify_mailer_send(&c, &m, 1, &res, &e), 0);
	dt = test_now_ms() - t0;
	fprintf(stderr, "stall: %lld ms, %s\n", (long long)dt, res.rcpt[0].text);
	ASSERT_EQ(res.rcpt[0].result, NOTIFY_TEMPFAIL);
	ASSERT_EQ(res.rcpt[0].code, 0);
	ASSERT_GE(dt, 900);
	ASSERT_LT(dt, 2900);
	notify_result_release(&res, 1);
	free((char *)m.data);
	tsrv_stop(&t);
	return 0;
}
