/*
 * mailer_harness.h - what the mailer tests share: start tests/smtp_server.py on a free
 * loopback port (fork/exec, reading its "PORT n" line), steer it through DIR/mode, count
 * what it stored, stop it; and build small CRLF messages.
 */
#ifndef DABIAO_TEST_MAILER_HARNESS_H
#define DABIAO_TEST_MAILER_HARNESS_H

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "notifiers/mailer.h"
#include "test.h"

struct tsrv {
	pid_t pid;
	int port;
	char *dir; /* malloc'd */
};

/* auth: NULL, or {user, password} the server requires */
static inline void
tsrv_start_auth(struct tsrv *t, const char *cert, const char *key, const char *const *auth)
{
	const char *src = getenv("DABIAO_SRC");
	char script[4096], line[256];
	int out[2];
	size_t got = 0;

	ASSERT(src != NULL);
	snprintf(script, sizeof(script), "%s/tests/smtp_server.py", src);
	t->dir = test_tmpdir();
	ASSERT_EQ(pipe(out), 0);
	t->pid = fork();
	ASSERT(t->pid >= 0);
	if (t->pid == 0) {
		const char *argv[16] = {"/usr/bin/python3", script, "--port", "0", "--dir",
		                        t->dir, "--lifetime", "240"};
		int k = 8;

		if (cert != NULL) {
			argv[k++] = "--tls-cert";
			argv[k++] = cert;
			argv[k++] = "--tls-key";
			argv[k++] = key;
		}
		if (auth != NULL) {
			argv[k++] = "--auth";
			argv[k++] = auth[0];
			argv[k++] = auth[1];
		}
		argv[k] = NULL;
		dup2(out[1], 1);
		close(out[0]);
		close(out[1]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	/* the first line, within 20 s */
	while (got < sizeof(line) - 1) {
		struct pollfd p = {out[0], POLLIN, 0};
		ssize_t r;

		ASSERT_EQ(poll(&p, 1, 20000), 1);
		r = read(out[0], line + got, 1);
		ASSERT_EQ(r, 1);
		if (line[got++] == '\n')
			break;
	}
	line[got] = '\0';
	close(out[0]);
	ASSERT_EQ(sscanf(line, "PORT %d", &t->port), 1);
	ASSERT_GT(t->port, 0);
}

static inline void
tsrv_start(struct tsrv *t, const char *cert, const char *key)
{
	tsrv_start_auth(t, cert, key, NULL);
}

static inline void
tsrv_mode(const struct tsrv *t, const char *fmt, ...)
{
	char path[4200];
	va_list ap;
	FILE *f;

	snprintf(path, sizeof(path), "%s/mode", t->dir);
	f = fopen(path, "w");
	ASSERT(f != NULL);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

/* Lines in DIR/name (0 when it does not exist). */
static inline int
tsrv_lines(const struct tsrv *t, const char *name)
{
	char path[4200];
	FILE *f;
	int c, n = 0;

	snprintf(path, sizeof(path), "%s/%s", t->dir, name);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* DIR/name's contents, malloc'd ("" when missing). */
static inline char *
tsrv_read(const struct tsrv *t, const char *name)
{
	char path[4200];
	FILE *f;
	char *s = calloc(1, 1 << 20);
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", t->dir, name);
	if ((f = fopen(path, "r")) != NULL) {
		n = fread(s, 1, (1 << 20) - 1, f);
		s[n] = '\0';
		fclose(f);
	}
	return s;
}

static inline void
tsrv_stop(struct tsrv *t)
{
	DIR *d;
	struct dirent *de;
	char path[4200];
	int st;

	kill(t->pid, SIGTERM); /* our own child, by its pid */
	while (waitpid(t->pid, &st, 0) < 0 && errno == EINTR)
		;
	if ((d = opendir(t->dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", t->dir, de->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(t->dir);
	free(t->dir);
}

static inline struct notify_mailer_config
tsrv_config(const struct tsrv *t)
{
	struct notify_mailer_config c = {0};

	c.host = "127.0.0.1";
	c.port = t->port;
	c.from = "dabiao@example.org";
	c.timeout_ms = 5000;
	return c;
}

/* A small complete message with CRLF line ends; caller frees. */
static inline char *
test_message(int i, size_t *len)
{
	char *m = malloc(1024);
	int n = snprintf(m, 1024,
	                 "From: dabiao@example.org\r\n"
	                 "To: someone@example.org\r\n"
	                 "Date: Mon, 3 Jun 2024 09:00:00 +0800\r\n"
	                 "Message-ID: <test.%d@dabiao.example.org>\r\n"
	                 "Subject: test %d\r\n"
	                 "\r\n"
	                 "Body of message %d.\r\n"
	                 ".a line starting with a dot\r\n",
	                 i, i, i);

	*len = (size_t)n;
	return m;
}

static inline int64_t
test_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
