/*
 * calfile.h - a working-day calendar file: one country's or region's days off and adjusted
 * working days (调休), one version per official notice (workflows/calendars/NAME.yaml;
 * docs/plan-format.md, "Calendar files", is the format).
 *
 * A plan names calendar files in `calendar: {use: [cn-mainland, cn-xinjiang]}` and plan.h
 * resolves them; this header only reads and validates one file. Validation refuses what
 * would silently move a deadline: a day listed twice in one version (both off and worked,
 * or in two ranges), a worked day that is not a weekend day, a range ending before it
 * starts, a date outside its notice's span (December of the year before to January of the
 * year after), a year outside PLAN_FIRST_YEAR..PLAN_LAST_YEAR, versions out of order, a
 * day claimed by the notices of two different years, a year both given and listed as not
 * confirmed. Every refusal names FILE:LINE:COLUMN, at the entry to fix.
 */
#ifndef DABIAO_CALFILE_H
#define DABIAO_CALFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* Days a version lists: a range of days off, or of weekend days worked instead. */
struct calfile_range {
	int32_t first, last;      /* local day numbers (calendar.h), first <= last */
	bool work;                /* true: `workdays` (worked); false: `holidays` (off) */
	char *name;               /* the holiday's name as the file gives it, e.g. "春节" */
	int line, col;            /* where the range is written, for messages */
};

/* One notice, or a later notice restating a whole year (an amendment). */
struct calfile_version {
	int year;                 /* the year of the notice, not of every date in it */
	int version;              /* 1, 2, ... within the year */
	bool latest;              /* the year's last version: the only one that counts */
	char *title;              /* the notice's title */
	char *number;             /* 文号, or NULL when not given */
	int32_t published;        /* date of publication, CAL_NO_DAY when not given */
	char *note;               /* what about the source is not confirmed, or NULL */
	char *incomplete;         /* what this year lacks (a festival not confirmed), or NULL */
	struct calfile_range *ranges;
	size_t nranges;
};

/* A year the file deliberately leaves out, and why. */
struct calfile_gap {
	int year;
	char *reason;       /* as written in the file (the file's language) */
	char *reason_zh;    /* as Chinese text shows it (`status`'s 说明), or NULL */
};

struct calfile {
	char *name;               /* `calendar:`, [a-z0-9-]+ */
	char *title;
	char *layer_of;           /* the calendar this one is a layer on, or NULL (a base) */
	uint8_t weekend;          /* bit (1 << ISO weekday), as struct cal_calendar */
	struct calfile_version *versions;   /* by year, then version */
	size_t nversions;
	struct calfile_gap *not_confirmed;  /* by year */
	size_t nnot_confirmed;
};

/* Parses and validates len bytes of a calendar file; name is used in messages. On success
 * *out is a calendar the caller frees with calfile_free. On failure DB_EDATA with e at the
 * first problem; *out untouched. */
int calfile_parse(const char *name, const char *data, size_t len, struct calfile **out,
                  struct dberr *e);
/* Same; with stored, a copy kept with a stored plan version, for which the checks added
 * since it could have been stored (years in PLAN_FIRST_YEAR..PLAN_LAST_YEAR, a notice's
 * span) are not applied (plan_opts.stored). */
int calfile_parse_as(const char *name, const char *data, size_t len, bool stored,
                     struct calfile **out, struct dberr *e);
void calfile_free(struct calfile *f);

/* True when bytes look like a calendar file rather than a plan: a top-level `calendar:`
 * key holding text (a plan's is a mapping) and no `plan:` key, whatever else the file
 * lacks, so a calendar file without `versions` gets the calendar file's message. For
 * `check`, which takes either. Cannot fail. */
bool calfile_sniff(const char *data, size_t len);

/* The version that counts for year (its latest), or NULL when the file has none. */
const struct calfile_version *calfile_year(const struct calfile *f, int year);
/* Why year is left out, or NULL when the file does not say. */
const char *calfile_not_confirmed(const struct calfile *f, int year);
/* The same in Chinese (the year's `reason_zh`), or NULL when the file gives none. */
const char *calfile_not_confirmed_zh(const struct calfile *f, int year);

/* What a version amounts to, as the notices count it: days off (weekend days inside a
 * block included), days off that are weekdays, weekend days worked. Cannot fail. */
void calfile_counts(const struct calfile *f, const struct calfile_version *v, size_t *off,
                    size_t *off_weekdays, size_t *worked);

#endif
