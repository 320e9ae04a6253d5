#include "base/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void __attribute__((format(printf, 2, 0)))
vlog(const char *mod, const char *fmt, va_list ap, const char *errstr)
{
	fprintf(stderr, "%s: ", mod);
	vfprintf(stderr, fmt, ap);
	if (errstr)
		fprintf(stderr, " error=\"%s\"", errstr);
	fputc('\n', stderr);
	fflush(stderr);
}

void
log_warn(enum log_level at, const char *mod, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (at >= LOG_LEVEL_WARN) {
		va_start(ap, fmt);
		vlog(mod, fmt, ap, strerror(saved));
		va_end(ap);
	}
	errno = saved;
}

#define LOG_FN(name, lvl)                                                   \
	void name(enum log_level at, const char *mod, const char *fmt, ...)   \
	{                                                                     \
		va_list ap;                                                   \
		if (at < (lvl))                                               \
			return;                                               \
		va_start(ap, fmt);                                            \
		vlog(mod, fmt, ap, NULL);                                     \
		va_end(ap);                                                   \
	}

LOG_FN(log_warnx, LOG_LEVEL_WARN)
LOG_FN(log_info, LOG_LEVEL_INFO)
LOG_FN(log_debug, LOG_LEVEL_DEBUG)

void
fatalx(const char *mod, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(mod, fmt, ap, NULL);
	va_end(ap);
	exit(70);
}
