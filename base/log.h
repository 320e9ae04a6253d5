/*
 * log.h - one line per event on stderr, journald-friendly: "module: message key=value ...".
 * No global state: every call names the verbosity its command runs at, which main() reads
 * from -v/-q and the command line's dispatcher passes down (engine_opts.log_level,
 * store_open's STORE_QUIET/STORE_VERBOSE, engine_log_level()). log_warn appends
 * strerror(errno) and keeps errno; log_warnx does not.
 */
#ifndef DABIAO_LOG_H
#define DABIAO_LOG_H

/* The verbosity a command runs at; the zero value is the default (warnings). QUIET: no
 * line at all (-q; a command's own error is not a log line and still prints). */
enum log_level { LOG_LEVEL_QUIET = -1, LOG_LEVEL_WARN = 0, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* Each prints its line when the verbosity `at` reaches the line's level. */
void log_warn(enum log_level at, const char *mod, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void log_warnx(enum log_level at, const char *mod, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void log_info(enum log_level at, const char *mod, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void log_debug(enum log_level at, const char *mod, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Log and exit(70): for broken invariants only, never for bad input. Always printed. */
void fatalx(const char *mod, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

#endif
