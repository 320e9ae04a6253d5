/*
 * mailer_rate.c - messages per second through notify_mailer_send into a server on
 * 127.0.0.1:PORT (Postfix's smtp-sink in tests/bench/mailer_rate.sh): COUNT messages of
 * about 2 KB to one recipient, in batches of BATCH (default: all in one session).
 * Prints its figures; decides nothing.
 *   bench_mailer_rate PORT COUNT [BATCH]
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/base/xalloc.h"
#include "notifiers/mailer.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct notify_mailer_config c = {0};
	const char *rcpt[1] = {"a@bench.example"};
	struct notify_mail *mails;
	struct notify_result *res;
	size_t count, batch, delivered = 0;
	char body[2100];
	double t0, dt;
	struct dberr e;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_mailer_rate PORT COUNT [BATCH]\n");
		return 64;
	}
	signal(SIGPIPE, SIG_IGN);
	count = strtoul(argv[2], NULL, 10);
	batch = argc > 3 ? strtoul(argv[3], NULL, 10) : count;
	if (count == 0 || batch == 0)
		return 64;
	c.host = "127.0.0.1";
	c.port = atoi(argv[1]);
	c.from = "dabiao@bench.example";
	c.timeout_ms = 30000;
	/* 30 lines of 64 characters: about the size of a notice */
	body[0] = '\0';
	for (int l = 0; l < 30; l++)
		strcat(body, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n");
	mails = xcalloc(count, sizeof(*mails));
	res = xcalloc(count, sizeof(*res));
	for (size_t i = 0; i < count; i++) {
		char *m = xasprintf("From: dabiao@bench.example\r\nTo: a@bench.example\r\n"
		                    "Message-ID: <%zu@bench.example>\r\nSubject: bench %zu\r\n\r\n%s",
		                    i, i, body);

		mails[i].data = m;
		mails[i].len = strlen(m);
		mails[i].rcpt = rcpt;
		mails[i].nrcpt = 1;
	}
	t0 = now();
	for (size_t i = 0; i < count; i += batch) {
		size_t k = count - i < batch ? count - i : batch;

		dberr_clear(&e);
		if (notify_mailer_send(&c, mails + i, k, res + i, &e) != 0) {
			fprintf(stderr, "bench_mailer_rate: %s\n", e.msg);
			return 1;
		}
	}
	dt = now() - t0;
	for (size_t i = 0; i < count; i++)
		delivered += res[i].rcpt[0].result == NOTIFY_DELIVERED;
	printf("dabiao mailer: %zu messages, batches of %zu, %zu delivered, %.3f s: %.0f msg/s\n",
	       count, batch, delivered, dt, (double)count / dt);
	notify_result_release(res, count);
	for (size_t i = 0; i < count; i++)
		free((char *)mails[i].data);
	free(mails);
	free(res);
	return 0;
}
