/* A server that requires AUTH: the right user and password deliver (AUTH PLAIN through the
 * libESMTP plugin); a wrong password delivers nothing and no verdict says delivered. */
#include "mailer_harness.h"

static enum notify_rcpt_result
send_with(struct tsrv *t, const char *password)
{
	const char *rcpt[1] = {"a@example.org"};
	struct notify_mail m;
	struct notify_result res;
	struct notify_mailer_config c = tsrv_config(t);
	struct dberr e;
	enum notify_rcpt_result r;

	c.user = "dabiao";
	c.password = password;
	m.data = test_message(1, &m.len);
	m.rcpt = rcpt;
	m.nrcpt = 1;
	dberr_clear(&e);
	ASSERT_EQ(notify_mailer_send(&c, &m, 1, &res, &e), 0);
	r = res.rcpt[0].result;
	fprintf(stderr, "auth: %s %d %s\n", notify_rcpt_result_name(r), res.rcpt[0].code,
	        res.rcpt[0].text);
	ASSERT(strstr(res.rcpt[0].text, password) == NULL); /* never echoed */
	notify_result_release(&res, 1);
	free((char *)m.data);
	return r;
}

int
main(void)
{
	const char *auth[2] = {"dabiao", "s3cret-pw"};
	struct tsrv t;

	signal(SIGPIPE, SIG_IGN);
	tsrv_start_auth(&t, NULL, NULL, auth);
	ASSERT_EQ(send_with(&t, "s3cret-pw"), NOTIFY_DELIVERED);
	ASSERT_EQ(tsrv_lines(&t, "log.jsonl"), 1);
	ASSERT_NE(send_with(&t, "wrong-pw"), NOTIFY_DELIVERED);
	ASSERT_EQ(tsrv_lines(&t, "log.jsonl"), 1);
	tsrv_stop(&t);
	return 0;
}
