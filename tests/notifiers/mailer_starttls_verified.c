/* STARTTLS with a certificate the test makes: trusted through ca_file it delivers, by
 * address (IP SAN, which libESMTP's own name check cannot read) and by name; without
 * ca_file the certificate does not verify and nothing is sent; trusted but asked for by a
 * name it does not carry, nothing is sent either. */
#include "mailer_tls_cert.h"

static void
send_one(struct tsrv *t, const char *host, const char *ca_file, enum notify_rcpt_result want,
         const char *text)
{
	const char *rcpt[1] = {"a@example.org"};
	struct notify_mail m;
	struct notify_result res;
	struct notify_mailer_config c = tsrv_config(t);
	struct dberr e;

	c.host = host;
	c.starttls = 1;
	c.ca_file = ca_file;
	m.data = test_message(1, &m.len);
	m.rcpt = rcpt;
	m.nrcpt = 1;
	dberr_clear(&e);
	ASSERT_EQ(notify_mailer_send(&c, &m, 1, &res, &e), 0);
	fprintf(stderr, "%s ca=%s: %s %d %s\n", host, ca_file ? "yes" : "no",
	        notify_rcpt_result_name(res.rcpt[0].result), res.rcpt[0].code, res.rcpt[0].text);
	ASSERT_EQ(res.rcpt[0].result, want);
	ASSERT_STR_CONTAINS(res.rcpt[0].text, text);
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

	send_one(&t, "127.0.0.1", tc.cert, NOTIFY_DELIVERED, "queued as");
	ASSERT_EQ(tsrv_lines(&t, "log.jsonl"), 1);
	send_one(&t, "localhost", tc.cert, NOTIFY_DELIVERED, "queued as");
	ASSERT_EQ(tsrv_lines(&t, "log.jsonl"), 2);

	send_one(&t, "127.0.0.1", NULL, NOTIFY_TEMPFAIL, "certificate");
	ASSERT_EQ(tsrv_lines(&t, "log.jsonl"), 2);
	tsrv_stop(&t);
	tcert_remove(&tc);

	/* trusted, but made out to another name: libESMTP's own check would ask us through
	 * SMTP_EV_WRONG_PEER_CERTIFICATE, OpenSSL's refuses first; either way nothing is sent */
	tcert_make_for(&tc, "other.example", "DNS:other.example");
	tsrv_start(&t, tc.cert, tc.key);
	send_one(&t, "127.0.0.1", tc.cert, NOTIFY_TEMPFAIL, "mismatch");
	send_one(&t, "localhost", tc.cert, NOTIFY_TEMPFAIL, "mismatch");
	ASSERT_EQ(tsrv_lines(&t, "log.jsonl"), 0);
	tsrv_stop(&t);
	tcert_remove(&tc);
	return 0;
}
