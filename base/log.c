#include "base/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum log_level log_level = LOG_LEVEL_WARN;

void
log_set_level(enum log_level lvl)
{
	log_level = lvl;
}

enum log_level
log_get_level(void)
{
	return log_level;
}

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
log_warn(const char *mod, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (log_level >= LOG_LEVEL_WARN) {
		va_start(ap, fmt);
		vlog(mod, fmt, ap, strerror(saved));
		va_end(ap);
	}
	errno = saved;
}

#define LOG_FN(name, lvl)                              \
	void name(const char *mod, const char *fmt, ...) \
	{                                                \
		va_list ap;                              \
		if (log_level < (lvl))                   \
			return;                          \
		va_start(ap, fmt);                       \
		vlog(mod, fmt, ap, NULL);                \
		va_end(ap);                              \
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
