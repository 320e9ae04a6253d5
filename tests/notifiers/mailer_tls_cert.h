/* mailer_tls_cert.h - a self-signed certificate for localhost and 127.0.0.1, made with the
 * openssl command line in a fresh temporary folder. */
#ifndef DABIAO_TEST_MAILER_TLS_CERT_H
#define DABIAO_TEST_MAILER_TLS_CERT_H

#include "mailer_harness.h"

struct tcert {
	char *dir;
	char cert[4200];
	char key[4200];
};

/* cn and san as openssl wants them, e.g. "localhost", "IP:127.0.0.1,DNS:localhost" */
static inline void
tcert_make_for(struct tcert *tc, const char *cn, const char *san)
{
	char cmd[10000];

	tc->dir = test_tmpdir();
	snprintf(tc->cert, sizeof(tc->cert), "%s/cert.pem", tc->dir);
	snprintf(tc->key, sizeof(tc->key), "%s/key.pem", tc->dir);
	snprintf(cmd, sizeof(cmd),
	         "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=%s "
	         "-addext subjectAltName=%s -keyout '%s' -out '%s' 2>/dev/null",
	         cn, san, tc->key, tc->cert);
	ASSERT_EQ(system(cmd), 0);
}

static inline void
tcert_make(struct tcert *tc)
{
	tcert_make_for(tc, "localhost", "IP:127.0.0.1,DNS:localhost");
}

static inline void
tcert_remove(struct tcert *tc)
{
	unlink(tc->cert);
	unlink(tc->key);
	rmdir(tc->dir);
	free(tc->dir);
}

#endif
