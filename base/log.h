/*
 * log.h - one line per event on stderr, journald-friendly: "module: message key=value ...".
 * The only global mutable state in dabiao besides static const tables: the verbosity, set
 * once by main(). log_warn appends strerror(errno) and keeps errno; log_warnx does not.
 */
#ifndef DABIAO_LOG_H
#define DABIAO_LOG_H

enum log_level { LOG_LEVEL_QUIET = 0, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

void log_set_level(enum log_level lvl);
enum log_level log_get_level(void);

void log_warn(const char *mod, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_warnx(const char *mod, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_info(const char *mod, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_debug(const char *mod, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Log and exit(70): for broken invariants only, never for bad input. */
void fatalx(const char *mod, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

#endif
