/* notify_mailer_session run in this very process, five times (libESMTP issue #30 was a crash
 * on the second session in one process): on_done fires once per message, in order, with
 * the final verdict, and under LeakSanitizer the sessions leak nothing, with STARTTLS and
 * our own SSL_CTX too. */
#include "mailer_tls_cert.h"

#define N 4

struct seen {
	int calls;
	size_t last;
	int delivered;
};

static void
on_done(size_t i, const struct notify_result *r, void *arg)
{
	struct seen *s = arg;

	ASSERT(s->calls == 0 || i > s->last);
	s->last = i;
	s->calls++;
	s->delivered += r->rcpt[0].result == NOTIFY_DELIVERED;
}

int
main(void)
{
	struct tsrv t;
	const char *rcpt[1] = {"a@example.org"};
	struct notify_mail mails[N];
	struct notify_result res[N];
	struct notify_mailer_config c;
	struct dberr e;

	signal(SIGPIPE, SIG_IGN);
	tsrv_start(&t, NULL, NULL);
	c = tsrv_config(&t);
	for (int i = 0; i < N; i++) {
		mails[i].data = test_message(i, &mails[i].len);
		mails[i].rcpt = rcpt;
		mails[i].nrcpt = 1;
	}
	for (int round = 0; round < 5; round++) {
		struct seen s = {0, 0, 0};

		dberr_clear(&e);
		ASSERT_EQ(notify_mailer_results_init(&c, mails, N, res, &e), 0);
		ASSERT_EQ(notify_mailer_session(&c, mails, N, res, on_done, &s, &e), 0);
		ASSERT_EQ(s.calls, N);
		ASSERT_EQ(s.delivered, N);
		notify_result_release(res, N);
	}
	ASSERT_EQ(tsrv_lines(&t, "log.jsonl"), 5 * N);
	ASSERT_EQ(tsrv_lines(&t, "connections"), 5);

	/* a request without a host is refused before any session, every message told why */
	c.host = NULL;
	ASSERT_EQ(notify_mailer_send(&c, mails, N, res, &e), DB_EUSAGE);
	ASSERT_EQ(res[N - 1].rcpt[0].result, NOTIFY_TEMPFAIL);
	ASSERT_STR_EQ(res[N - 1].rcpt[0].text, "no SMTP host");
	notify_result_release(res, N);
	tsrv_stop(&t);

	{
		struct tcert tc;

		tcert_make(&tc);
		tsrv_start(&t, tc.cert, tc.key);
		c = tsrv_config(&t);
		c.starttls = 1;
		c.ca_file = tc.cert;
		for (int round = 0; round < 2; round++) {
			struct seen s = {0, 0, 0};

			ASSERT_EQ(notify_mailer_results_init(&c, mails, N, res, &e), 0);
			ASSERT_EQ(notify_mailer_session(&c, mails, N, res, on_done, &s, &e), 0);
			ASSERT_EQ(s.delivered, N);
			notify_result_release(res, N);
		}
		ASSERT_EQ(tsrv_lines(&t, "log.jsonl"), 2 * N);
		tsrv_stop(&t);
		tcert_remove(&tc);
	}
	for (int i = 0; i < N; i++)
		free((char *)mails[i].data);
	return 0;
}
