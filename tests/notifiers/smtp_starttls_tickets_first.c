/* A TLS 1.3 server sends its session tickets right after the handshake. When they reach us
 * before libESMTP has sent its EHLO, libESMTP used to read first and wait its whole timeout
 * for a reply to an EHLO still in its buffer ("dropped connection (or no reply in time)"):
 * smtp_starttls_verified failed about one run in three, depending on scheduling. Here the
 * race is made to go that way every time: SSL_connect is wrapped (this program's definition
 * comes before libssl's for libESMTP's call) so that, once the handshake is done, it returns
 * only when the tickets are waiting on the socket. The session runs in this process
 * (notify_smtp_session_run): the spawned helper could not be wrapped. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <poll.h>
#include <stdbool.h>

#include "lib/smtp_server.h"

typedef struct ssl_st SSL;
int SSL_connect(SSL *ssl);

static bool tickets_waiting; /* the server's post-handshake bytes were there before us */

int
SSL_connect(SSL *ssl)
{
	int (*real)(SSL *);
	int (*get_fd)(const SSL *);
	int rc;

	*(void **)&real = dlsym(RTLD_NEXT, "SSL_connect");
	*(void **)&get_fd = dlsym(RTLD_DEFAULT, "SSL_get_fd");
	if (real == NULL || get_fd == NULL)
		TEST_FAIL_("cannot find libssl's SSL_connect / SSL_get_fd");
	rc = real(ssl);
	if (rc == 1) {
		struct pollfd p = {get_fd(ssl), POLLIN, 0};

		/* the server sent its tickets on reading our Finished: wait for them */
		tickets_waiting = poll(&p, 1, 10000) == 1;
	}
	return rc;
}

int
main(void)
{
	static const char *rcpt[] = {"officer@example.org"};
	struct test_smtpd d;
	struct notify_smtp_server srv;
	struct notify_smtp_status st;
	struct dberr e;
	char *keys = test_tmpdir(), cert[4200], key[4200], cmd[9000], *data = test_message(11);
	struct notify_smtp_msg msg = {data, strlen(data), rcpt, 1};
	int rc;

	snprintf(cert, sizeof(cert), "%s/cert.pem", keys);
	snprintf(key, sizeof(key), "%s/key.pem", keys);
	snprintf(cmd, sizeof(cmd),
	         "openssl req -x509 -newkey rsa:2048 -nodes -keyout '%s' -out '%s' -days 2 "
	         "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1",
	         key, cert);
	ASSERT_EQ(system(cmd), 0);
	test_smtpd_start(&d, (const char *const[]){"--starttls", cert, key, NULL});
	srv = test_server_conf(&d);
	srv.security = NOTIFY_SMTP_STARTTLS;
	srv.ca_file = cert;

	dberr_clear(&e);
	rc = notify_smtp_session_run(&srv, &msg, 1, NULL, NULL, &st, &e);
	/* the test tests what it says: Python's ssl (TLS 1.3) sends tickets */
	ASSERT(tickets_waiting);
	if (rc != 0)
		TEST_FAIL_("rc %d: %s / %s", rc, e.msg, st.rcpt[0].text);
	ASSERT(st.reported);
	ASSERT_EQ(st.rcpt[0].cls, NOTIFY_SMTP_CLS_DELIVERED);
	ASSERT_EQ(st.rcpt[0].code, 250);
	ASSERT_EQ(test_smtpd_count(&d, "log.jsonl"), 1);
	notify_smtp_status_release(&st, 1);

	test_smtpd_stop(&d);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", keys);
	ASSERT_EQ(system(cmd), 0);
	free(keys);
	free(data);
	return 0;
}
