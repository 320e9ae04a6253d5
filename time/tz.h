/*
 * tz.h - IANA time zones: local dates and times <-> UTC instants (int64 seconds).
 *
 * Local time exists only at the edges (plan files, command-line times, printed output);
 * everything stored and compared is a UTC instant. Implemented with libical, which reads
 * the system tzdata (/usr/share/zoneinfo): tz_open copies the zone's offsets and
 * transitions into the struct tz once, and every conversion reads only that copy. No
 * function here reads or changes the process environment (TZ, TZDIR) or the C library's
 * zone. Offsets are libical's reading of the tzdata, which for some zones differs from
 * the C library's before 2024 or after 2037 (see tz.c).
 *
 * Threads: every function may be called from any thread; conversions on the same const
 * struct tz may run in several threads at once; tz_open may run concurrently with itself
 * and with conversions (its calls into libical are serialised).
 */
#ifndef DABIAO_TZ_H
#define DABIAO_TZ_H

#include <stdint.h>

#include "base/err.h"

struct tz; /* opaque */

/* Opens a zone by IANA name ("Asia/Shanghai", "UTC"). Unknown names (not in the system
 * tzdata, not a TZif file, a name with "..", a leading "/", or a "right/" zone) fail with
 * DB_EDATA; "UTC" and "Etc/UTC" open without tzdata. DB_ESOFTWARE if libical's account of
 * the zone cannot be read (-ENOMEM if memory for it runs out). Transitions are known up
 * to the end of 2100; later instants keep the offset in force then. Costs one table
 * build (under a millisecond; the first open of a zone in a process also waits for
 * libical to read and expand it, a few ms). The caller frees *out with tz_free. */
int tz_open(const char *name, struct tz **out, struct dberr *e);
void tz_free(struct tz *z);
const char *tz_name(const struct tz *z);     /* owned by z */

/* The UTC instant of local (day, seconds since local midnight 0..86399).
 * Daylight saving, one rule: a local time that does not exist (skipped forward) resolves
 * to the first instant at or after it, i.e. the transition instant; a local time that
 * exists twice resolves to the earlier instant. Cannot fail. */
int64_t tz_local_to_utc(const struct tz *z, int32_t day, int sec_of_day);

/* Local day, seconds since local midnight, and UTC offset in seconds east of an instant.
 * Any out pointer may be NULL. Cannot fail. */
void tz_utc_to_local(const struct tz *z, int64_t t, int32_t *day, int *sec_of_day,
                     int *gmtoff);

/* "2017-07-03T10:00:00+08:00" (offset "Z" never used; "+00:00" for UTC). out >= 32 bytes. */
void tz_format_rfc3339(const struct tz *z, int64_t t, char *out);
/* RFC 5322 date for mail headers: "Mon, 03 Jul 2017 10:00:00 +0800". out >= 40 bytes. */
void tz_format_rfc5322(const struct tz *z, int64_t t, char *out);
/* "2017-07-03 10:00 +08:00" local with its UTC offset, for people: a time without its
 * offset is ambiguous in the hour a clock turns back. out >= 32 bytes. */
void tz_format_local(const struct tz *z, int64_t t, char *out);

/* Parses a command-line time: RFC 3339 with offset or Z ("2017-07-03T10:00:00+08:00"), the
 * form tz_format_local prints ("2017-07-03 10:00 +08:00"), or without offset
 * ("2017-07-03T10:00:00", "2017-07-03T10:00", "2017-07-03 10:00") local to z, or a date
 * alone ("2017-07-03", local midnight). 0 and *out, or DB_EDATA. */
int tz_parse_time(const struct tz *z, const char *s, int64_t *out);

#endif
