/*
 * err.h - dabiao's error codes and the error struct every fallible call fills.
 *
 * Convention: functions return int, 0 on success, negative on failure. System errors are
 * -errno; dabiao's own codes are the DB_E* values below, in a reserved range far from errno.
 * Details (file, line, column, the offending value) go into a caller-supplied struct dberr,
 * which the command line prints once; nothing below the command line prints an error.
 */
#ifndef DABIAO_ERR_H
#define DABIAO_ERR_H

#include <stdarg.h>
#include <stdio.h>

/* X(name, text, sysexit): one list, from which the enum, dabiao_strerror() and
 * dberr_exit_status() are generated. Exit statuses follow sysexits.h. */
#define DABIAO_ERRNO_MAP(X)                                                        \
	X(USAGE, "usage error", 64)                                                    \
	X(DATA, "bad input data", 65)                                                  \
	X(STATE, "not allowed in the current state", 65)                               \
	X(NOTFOUND, "not found", 65)                                                   \
	X(NOINPUT, "cannot open input", 66)                                            \
	X(SCHEMA, "store schema is newer than this program", 65)                       \
	X(CANTCREAT, "cannot create output", 73)                                       \
	X(IO, "input/output error", 74)                                                \
	X(STORE, "store error", 74)                                                    \
	X(TEMP, "temporary failure, try again", 75)                                    \
	X(CANCELED, "abandoned on request", 75)                                        \
	X(CONFIG, "configuration error", 78)                                           \
	X(SOFTWARE, "internal error", 70)

enum dabiao_errno {
	DB_E_BASE_ = -30000,
#define DB_ERR_ENUM(name, text, ex) DB_E##name,
	DABIAO_ERRNO_MAP(DB_ERR_ENUM)
#undef DB_ERR_ENUM
	DB_E_END_
};

/* Text for any code: ours, or -errno. Cannot fail; returns a static string. */
const char *dabiao_strerror(int code);

/* sysexits.h status for a code: 0 for 0, ours from the map, -errno mapped to 74 (I/O)
 * except ENOENT (66), EACCES/EPERM (77), ENOMEM (71). Cannot fail. */
int dberr_exit_status(int code);

/* Details of one failure. file is empty when the error has no location; line and col are
 * 1-based and 0 when unknown. Lives in the caller; dberr_* keep nothing allocated. A value
 * quoted in a message ('...') of more than UTF8_CLIP characters is cut with an ellipsis. */
struct dberr {
	int code;
	char file[512];
	int line;
	int col;
	char msg[1024];
};

/* Clears the struct. */
void dberr_clear(struct dberr *e);

/* Record a failure without a location; returns code, so `return dberr_set(e, DB_EDATA, ...)`.
 * e may be NULL (the detail is then dropped). The first failure recorded wins: a later set
 * on an already-set struct is ignored, so the deepest, most precise message survives. */
int dberr_set(struct dberr *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Same, naming FILE:LINE:COLUMN (1-based; col 0 prints FILE:LINE). */
int dberr_at(struct dberr *e, int code, const char *file, int line, int col,
             const char *fmt, ...) __attribute__((format(printf, 6, 7)));

int dberr_vset(struct dberr *e, int code, const char *file, int line, int col,
               const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));

/* Prints "FILE:LINE:COLUMN: error: MSG" (or "dabiao: error: MSG") and a newline to f. */
void dberr_print(const struct dberr *e, FILE *f);

#endif
