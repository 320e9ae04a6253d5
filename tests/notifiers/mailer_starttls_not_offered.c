/* STARTTLS required, the server does not offer it (with a certificate but told "notls",
 * and a server without any): nothing is sent in clear, every recipient TEMPFAIL with
 * "server does not offer STARTTLS". */
#include "mailer_tls_cert.h"

static void
check_nothing_sent(struct tsrv *t)
{
	const char *rcpt[1] = {"a@example.org"};
	struct notify_mail m;
	struct notify_result res;
	struct notify_mailer_config c = tsrv_config(t);
	struct dberr e;

	c.starttls = 1;
	m.data = test_message(1, &m.len);
	m.rcpt = rcpt;
	m.nrcpt = 1;
	dberr_clear(&e);
	ASSERT_EQ(notify_mailer_send(&c, &m, 1, &res, &e), 0);
	ASSERT_EQ(res.rcpt[0].result, NOTIFY_TEMPFAIL);
	ASSERT_STR_EQ(res.rcpt[0].text, "server does not offer STARTTLS");
	ASSERT_EQ(tsrv_lines(t, "log.jsonl"), 0);
	ASSERT_EQ(tsrv_lines(t, "connections"), 1);
	notify_result_release(&res, 1);
	free((char *)m.data);
}

int
main(void)
{
	struct tcert tc;
	struct tsrv t;

	signal(SIGPIPE, SIG_IGN);
	tcert_make(&tc);
	tsrv_start(&t, tc.cert, tc.key);
	tsrv_mode(&t, "notls\n");
	check_nothing_sent(&t);
	tsrv_stop(&t);

	tsrv_start(&t, NULL, NULL);
	check_nothing_sent(&t);
	tsrv_stop(&t);
	tcert_remove(&tc);
	return 0;
}
