/*
 * smtp_rate - messages per second from dabiao's sender (notifiers/smtp.h: one libESMTP
 * session in a child process, TCP_NODELAY) to an SMTP server on loopback.
 * Prints figures; never passes or fails. Run by tests/bench/smtp_rate.sh against
 * Postfix's smtp-sink, beside Postfix's own smtp-source.
 *
 *   bench_smtp_rate PORT COUNT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/xalloc.h"
#include "notifiers/smtp.h"

int
main(int argc, char **argv)
{
	struct notify_smtp_server c = {0};
	struct notify_smtp_msg *m;
	struct notify_smtp_status *st;
	static const char *const rcpt[] = {"a@bench.example"};
	struct timespec a, b;
	struct dberr e;
	size_t n, ok = 0;
	char body[2048];
	double secs;

	if (argc != 3) {
		fprintf(stderr, "usage: bench_smtp_rate PORT COUNT\n");
		return 64;
	}
	n = (size_t)atol(argv[2]);
	c.host = "127.0.0.1";
	c.port = atoi(argv[1]);
	c.from = "dabiao@bench.example";
	c.timeout_ms = 30000;
	/* a ~2 KB notice, like a reminder */
	snprintf(body, sizeof(body), "From: dabiao@bench.example\r\nTo: a@bench.example\r\n"
	         "Subject: bench\r\nMessage-ID: <bench@dabiao>\r\n\r\n");
	while (strlen(body) < 2000)
		strcat(body, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd\r\n");
	m = xcalloc(n, sizeof(*m));
	st = xcalloc(n, sizeof(*st));
	for (size_t i = 0; i < n; i++) {
		m[i].data = body;
		m[i].len = strlen(body);
		m[i].nrcpt = 1;
		m[i].rcpt = rcpt;
	}
	/* the session runs in dabiao's helper mode: this program is not dabiao */
	c.helper = getenv("DABIAO_BIN") ? getenv("DABIAO_BIN") : "./dabiao";
	dberr_clear(&e);
	clock_gettime(CLOCK_MONOTONIC, &a);
	notify_smtp_batch_send(&c, m, n, NULL, st, &e);
	clock_gettime(CLOCK_MONOTONIC, &b);
	for (size_t i = 0; i < n; i++)
		ok += st[i].nrcpt == 1 && st[i].rcpt[0].cls == NOTIFY_SMTP_CLS_DELIVERED;
	secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("dabiao sender: %zu messages in one session, %zu delivered, %.3f s, %.0f msg/s\n",
	       n, ok, secs, (double)n / secs);
	return 0;
}
