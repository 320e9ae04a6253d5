/*
 * smtp_server.h - for the smtp_* tests: start tests/smtpd.py on a free loopback port, tell
 * it how to misbehave, count what it stored, stop it. Header-only (static functions), one
 * copy per test executable.
 */
#ifndef DABIAO_TEST_SMTP_SERVER_H
#define DABIAO_TEST_SMTP_SERVER_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "notifiers/smtp.h"
#include "lib/test.h"

struct test_smtpd {
	pid_t pid;
	int port;
	char *dir;   /* the server's folder; freed by test_smtpd_stop */
};

static inline const char *
test_src(void)
{
	const char *s = getenv("DABIAO_SRC");

	if (s == NULL)
		TEST_FAIL_("DABIAO_SRC is not set");
	return s;
}

/* extra: NULL-terminated extra arguments for smtpd.py, or NULL. */
static inline void
test_smtpd_start(struct test_smtpd *d, const char *const *extra)
{
	char script[4096], line[128];
	const char *argv[32];
	int fds[2], n = 0;
	FILE *f;

	signal(SIGPIPE, SIG_IGN);
	d->dir = test_tmpdir();
	snprintf(script, sizeof(script), "%s/tests/lib/smtpd.py", test_src());
	argv[n++] = "/usr/bin/python3";
	argv[n++] = script;
	argv[n++] = "--port";
	argv[n++] = "0";
	argv[n++] = "--dir";
	argv[n++] = d->dir;
	argv[n++] = "--lifetime";
	argv[n++] = "120";
	for (size_t i = 0; extra != NULL && extra[i] != NULL && n < 31; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	ASSERT_EQ(pipe(fds), 0);
	d->pid = fork();
	ASSERT(d->pid >= 0);
	if (d->pid == 0) {
		/* a failed test exits at once: the server must not outlive it */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	ASSERT(f != NULL);
	if (fgets(line, sizeof(line), f) == NULL || sscanf(line, "PORT %d", &d->port) != 1)
		TEST_FAIL_("smtpd.py did not print its port");
	fclose(f);
}

static inline void
test_smtpd_mode(const struct test_smtpd *d, const char *mode)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/mode", d->dir);
	f = fopen(path, "w");
	ASSERT(f != NULL);
	fprintf(f, "%s\n", mode);
	fclose(f);
}

/* Lines in DIR/<name>: log.jsonl counts stored messages, connections counts sessions. */
static inline int
test_smtpd_count(const struct test_smtpd *d, const char *name)
{
	char path[4200], line[8192];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", d->dir, name);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		n++;
	fclose(f);
	return n;
}

/* The whole of DIR/<name> (caller frees), "" when missing. */
static inline char *
test_smtpd_read(const struct test_smtpd *d, const char *name)
{
	char path[4200];
	char *s = calloc(1, 1 << 20);
	size_t got = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", d->dir, name);
	if ((f = fopen(path, "r")) != NULL) {
		got = fread(s, 1, (1 << 20) - 1, f);
		fclose(f);
	}
	s[got] = '\0';
	return s;
}

static inline void
test_smtpd_stop(struct test_smtpd *d)
{
	char cmd[4200];
	int status;

	kill(d->pid, SIGTERM);
	waitpid(d->pid, &status, 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", d->dir);
	free(d->dir);
	d->dir = NULL;
}

static inline struct notify_smtp_server
test_server_conf(const struct test_smtpd *d)
{
	struct notify_smtp_server s = {0};

	s.host = "127.0.0.1";
	s.port = d->port;
	s.security = NOTIFY_SMTP_PLAIN;
	s.from = "dabiao@example.org";
	s.timeout_ms = 15000; /* generous: other builds share this machine's CPUs */
	/* the session runs in dabiao's helper mode: a test program is not dabiao */
	s.helper = getenv("DABIAO_BIN");
	if (s.helper == NULL)
		TEST_FAIL_("DABIAO_BIN is not set");
	return s;
}

/* A small CRLF message with a recognisable Message-ID; caller frees. */
static inline char *
test_message(int i)
{
	char *m = malloc(1024);

	snprintf(m, 1024,
	         "From: dabiao@example.org\r\n"
	         "To: officer@example.org\r\n"
	         "Subject: reminder %d\r\n"
	         "Date: Mon, 01 Jan 2024 09:00:00 +0800\r\n"
	         "Message-ID: <test-%d@dabiao.example.org>\r\n"
	         "MIME-Version: 1.0\r\n"
	         "Content-Type: text/plain; charset=utf-8\r\n"
	         "\r\n"
	         "Reminder number %d.\r\n"
	         ".a line that needs dot-stuffing\r\n",
	         i, i, i);
	return m;
}

static inline long long
test_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
