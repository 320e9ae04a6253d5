/* A helper kept across batches (notify_smtp_helper): two batches go through one process;
 * a batch whose helper dies (SIGKILL after its first report), its results gathered every
 * few ms (gather_ms) rather than read one by one, keeps that report, gives
 * the rest back TEMPFAIL, and the next batch starts another process; a helper killed
 * while idle is replaced before the next batch, which loses nothing; freeing the handle
 * ends the process. The children are read from /proc (this thread's children). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/smtp_server.h"

#define N 3

/* This thread's one child besides the test server (server); 0 when none, -1 when more
 * than one. */
static long
only_child(pid_t server)
{
	char path[64], text[256] = "", *p = text, *end;
	long pid = 0, n = 0;
	FILE *f;
	int got;

	snprintf(path, sizeof(path), "/proc/self/task/%ld/children", (long)syscall(SYS_gettid));
	f = fopen(path, "r");
	ASSERT(f != NULL);
	got = (int)fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[got > 0 ? got : 0] = '\0';
	for (long v; (v = strtol(p, &end, 10)), end != p; p = end) {
		if (v != (long)server) {
			pid = v;
			n++;
		}
	}
	return n > 1 ? -1 : pid;
}

static int
send_batch(const struct notify_smtp_server *srv, struct notify_smtp_helper *h, size_t die_after,
     struct notify_smtp_status *st, struct dberr *e)
{
	static const char *const rcpt[] = {"officer@example.org"};
	struct notify_smtp_msg msgs[N];
	struct notify_smtp_batch_opts opts = {0};
	char *data[N];
	int rc;

	for (int i = 0; i < N; i++) {
		data[i] = test_message(i);
		msgs[i] = (struct notify_smtp_msg){data[i], strlen(data[i]), rcpt, 1};
	}
	opts.helper = h;
	opts.test_die_after = die_after;
	/* the batch that loses its helper is read as `advance` reads: every few ms */
	opts.gather_ms = die_after > 0 ? 2 : 0;
	dberr_clear(e);
	rc = notify_smtp_batch_send(srv, msgs, N, &opts, st, e);
	for (int i = 0; i < N; i++)
		free(data[i]);
	return rc;
}

static void
all_delivered(struct notify_smtp_status *st)
{
	for (int i = 0; i < N; i++) {
		ASSERT(st[i].reported);
		ASSERT_EQ(st[i].rcpt[0].cls, NOTIFY_SMTP_CLS_DELIVERED);
	}
	notify_smtp_status_release(st, N);
}

int
main(void)
{
	struct test_smtpd d;
	struct notify_smtp_server srv;
	struct notify_smtp_helper *h = notify_smtp_helper_new();
	struct notify_smtp_status st[N];
	struct dberr e;
	long first, second, third;

	test_smtpd_start(&d, NULL);
	srv = test_server_conf(&d);
	ASSERT_EQ(only_child(d.pid), 0);

	/* two batches, one process, which waits between them */
	ASSERT_EQ(send_batch(&srv, h, 0, st, &e), 0);
	all_delivered(st);
	first = only_child(d.pid);
	ASSERT(first > 0);
	ASSERT_EQ(send_batch(&srv, h, 0, st, &e), 0);
	all_delivered(st);
	ASSERT_EQ(only_child(d.pid), first);
	ASSERT_EQ(test_smtpd_count(&d, "log.jsonl"), 2 * N);

	/* the helper dies after its first report: that one stands, the rest are given back,
	 * the process is reaped and not used again */
	ASSERT_EQ(send_batch(&srv, h, 1, st, &e), DB_ETEMP);
	ASSERT_STR_CONTAINS(e.msg, "sender process died: signal 9");
	ASSERT(st[0].reported);
	ASSERT_EQ(st[0].rcpt[0].cls, NOTIFY_SMTP_CLS_DELIVERED);
	for (int i = 1; i < N; i++) {
		ASSERT(!st[i].reported);
		ASSERT_EQ(st[i].rcpt[0].cls, NOTIFY_SMTP_CLS_TEMPFAIL);
	}
	notify_smtp_status_release(st, N);
	ASSERT_EQ(only_child(d.pid), 0);
	ASSERT_EQ(test_smtpd_count(&d, "log.jsonl"), 2 * N + 1);

	/* the next batch starts another */
	ASSERT_EQ(send_batch(&srv, h, 0, st, &e), 0);
	all_delivered(st);
	second = only_child(d.pid);
	ASSERT(second > 0 && second != first);

	/* killed while idle: replaced before the next batch, which loses nothing */
	ASSERT_EQ(kill((pid_t)second, SIGKILL), 0);
	ASSERT_EQ(send_batch(&srv, h, 0, st, &e), 0);
	all_delivered(st);
	third = only_child(d.pid);
	ASSERT(third > 0 && third != second);
	ASSERT_EQ(test_smtpd_count(&d, "log.jsonl"), 4 * N + 1);

	/* freed: the process is gone, and nothing else was started */
	notify_smtp_helper_free(h);
	ASSERT_EQ(only_child(d.pid), 0);
	ASSERT_EQ(kill((pid_t)third, 0), -1);
	test_smtpd_stop(&d);
	return 0;
}
