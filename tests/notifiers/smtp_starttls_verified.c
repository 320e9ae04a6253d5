/* STARTTLS with a certificate the test makes (openssl req -x509, for 127.0.0.1):
 * trusted through ca_file, the batch is delivered over TLS; a server that goes quiet once TLS
 * is up is a temporary failure that says so; without ca_file the certificate does not verify
 * and nothing is sent; trusted but asked for by another name (localhost), nothing is sent
 * either. */
#include "lib/smtp_server.h"

static int
send_one(const struct notify_smtp_server *srv, struct notify_smtp_status *st, struct dberr *e)
{
	static const char *rcpt[] = {"officer@example.org"};
	char *data = test_message(7);
	struct notify_smtp_msg msg = {data, strlen(data), rcpt, 1};
	int rc;

	dberr_clear(e);
	rc = notify_smtp_batch_send(srv, &msg, 1, NULL, st, e);
	free(data);
	return rc;
}

int
main(void)
{
	struct test_smtpd d;
	struct notify_smtp_server srv;
	struct notify_smtp_status st;
	struct dberr e;
	char *keys = test_tmpdir(), cert[4200], key[4200], cmd[9000];
	int rc;

	snprintf(cert, sizeof(cert), "%s/cert.pem", keys);
	snprintf(key, sizeof(key), "%s/key.pem", keys);
	snprintf(cmd, sizeof(cmd),
	         "openssl req -x509 -newkey rsa:2048 -nodes -keyout '%s' -out '%s' -days 2 "
	         "-subj /CN=127.0.0.1 -addext subjectAltName=DNS:127.0.0.1,IP:127.0.0.1 "
	         ">/dev/null 2>&1", key, cert);
	ASSERT_EQ(system(cmd), 0);
	test_smtpd_start(&d, (const char *const[]){"--starttls", cert, key, NULL});
	srv = test_server_conf(&d);
	srv.security = NOTIFY_SMTP_STARTTLS;

	/* trusted */
	srv.ca_file = cert;
	rc = send_one(&srv, &st, &e);
	if (rc != 0)
		TEST_FAIL_("trusted: rc %d: %s / %s", rc, e.msg, st.rcpt[0].text);
	ASSERT(st.reported);
	ASSERT_EQ(st.rcpt[0].cls, NOTIFY_SMTP_CLS_DELIVERED);
	ASSERT_EQ(test_smtpd_count(&d, "log.jsonl"), 1);
	notify_smtp_status_release(&st, 1);

	/* trusted, but the server answers nothing after the handshake: we give up and say
	 * where. In this process (notify_smtp_session_run), with no time limit on the whole
	 * session, so what ends it can only be that wait's own timeout (5 s; the server would
	 * wait 60), however slow the machine. */
	test_smtpd_mode(&d, "tlsstall 60");
	srv.timeout_ms = 5000;
	{
		static const char *rcpt[] = {"officer@example.org"};
		char *data = test_message(8);
		struct notify_smtp_msg msg = {data, strlen(data), rcpt, 1};

		dberr_clear(&e);
		ASSERT_EQ(notify_smtp_session_run(&srv, &msg, 1, NULL, NULL, &st, &e), DB_ETEMP);
		free(data);
	}
	fprintf(stderr, "quiet after TLS: %s\n", st.rcpt[0].text);
	ASSERT(!st.reported);
	ASSERT_EQ(st.rcpt[0].cls, NOTIFY_SMTP_CLS_TEMPFAIL);
	ASSERT_STR_CONTAINS(st.rcpt[0].text, "no reply to EHLO after STARTTLS");
	ASSERT_STR_CONTAINS(e.msg, "no reply to EHLO after STARTTLS");
	ASSERT_EQ(test_smtpd_count(&d, "log.jsonl"), 1);
	notify_smtp_status_release(&st, 1);
	test_smtpd_mode(&d, "ok");
	srv.timeout_ms = 15000;

	/* not trusted: the system's anchors do not know our certificate */
	srv.ca_file = NULL;
	ASSERT_EQ(send_one(&srv, &st, &e), DB_ETEMP);
	fprintf(stderr, "untrusted: %s\n", st.rcpt[0].text);
	ASSERT(!st.reported);
	ASSERT_EQ(st.rcpt[0].cls, NOTIFY_SMTP_CLS_TEMPFAIL);
	ASSERT_STR_CONTAINS(st.rcpt[0].text, "TLS");
	ASSERT_EQ(test_smtpd_count(&d, "log.jsonl"), 1);
	notify_smtp_status_release(&st, 1);

	/* trusted, but not the name we asked for */
	srv.ca_file = cert;
	srv.host = "localhost";
	ASSERT_EQ(send_one(&srv, &st, &e), DB_ETEMP);
	fprintf(stderr, "wrong name: %s\n", st.rcpt[0].text);
	ASSERT_EQ(st.rcpt[0].cls, NOTIFY_SMTP_CLS_TEMPFAIL);
	ASSERT_EQ(test_smtpd_count(&d, "log.jsonl"), 1);
	notify_smtp_status_release(&st, 1);

	/* a CA file that cannot be read is a configuration error, and nothing is sent */
	srv.host = "127.0.0.1";
	srv.ca_file = "/nonexistent/ca.pem";
	ASSERT_EQ(send_one(&srv, &st, &e), DB_ECONFIG);
	ASSERT_EQ(st.rcpt[0].cls, NOTIFY_SMTP_CLS_TEMPFAIL);
	ASSERT_STR_CONTAINS(st.rcpt[0].text, "CA file");
	notify_smtp_status_release(&st, 1);

	test_smtpd_stop(&d);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", keys);
	ASSERT_EQ(system(cmd), 0);
	free(keys);
	return 0;
}
