/*
 * plan.h - a validated plan: the in-memory form of one plan file (docs/plan-format.md).
 *
 * plan_parse() reads a YAML plan with libyaml (through ydoc.h), checks every key, reference
 * and date, and returns a struct plan in which every cross-reference is resolved to an
 * index, so later code never looks a name up twice or meets a dangling one. A struct plan is
 * immutable after parsing; the caller frees it with plan_free(). Strings inside are owned by
 * the plan.
 */
#ifndef DABIAO_PLAN_H
#define DABIAO_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "time/calendar.h"
#include "base/err.h"
#include "base/hmap.h"
#include "workflows/parse/calfile.h"

/* Ids (plan, milestone, role, ... and a registry's jurisdiction ids) are at most this many
 * characters: a task key PLAN/MILESTONE/SUBJECT/PERIOD, a notice key after it and the .eml
 * file named after that must fit the store's 511-byte keys and a file name's 255 bytes. */
#define PLAN_ID_MAX 48

/* The years a plan or calendar file may name. A date outside is a typing error (2107 for
 * 2017, 2205 for 2025), and inside them every holiday shift and working-day count stays
 * far from the calendar arithmetic's limits (years 1..9999). */
#define PLAN_FIRST_YEAR 2000
#define PLAN_LAST_YEAR 2099

/* A duration or offset: "-3d", "1wd", "2h", "30m", "5s", "90d". */
enum plan_unit { PLAN_DAYS = 0, PLAN_WORKDAYS, PLAN_HOURS, PLAN_MINUTES, PLAN_SECONDS };
struct plan_offset {
	int64_t n;          /* signed count of units */
	enum plan_unit unit;
};

/* Whose address a notice goes to. A role id, or the milestone's owner / submit_to role. */
enum plan_target_kind { PLAN_TARGET_ROLE = 0, PLAN_TARGET_OWNER, PLAN_TARGET_SUBMIT_TO };
struct plan_target {
	enum plan_target_kind kind;
	int role;           /* index into plan.roles for PLAN_TARGET_ROLE, else -1 */
};

enum plan_per { PLAN_PER_NONE = 0, PLAN_PER_JURISDICTION, PLAN_PER_ENTERPRISE };
struct plan_role {
	char *id;
	char *title;
	char *unit;         /* per-subject roles: the unit after the subject's name when a
	                       notice addresses it (昌吉市 + 环境保护局), or NULL */
	char *unit_kind[3]; /* the same per jurisdiction kind (county, city, park) when `unit`
	                       is a mapping; NULL where not given */
	enum plan_per per;  /* NONE: an office, its address in the registry's offices */
};

/* A lifecycle as a table: to = table[state * nevents + event], -1 where not allowed. */
struct plan_lifecycle {
	char *id;
	char **states;
	size_t nstates;
	int initial;
	bool *final;        /* per state */
	char **events;
	size_t nevents;
	int16_t *table;     /* nstates * nevents */
	bool *deadline_from;/* per state: the deadline moves a task in this state ... */
	int deadline_to;    /* ... to this state (a lapse); -1 when the lifecycle has none */
	int submit_event;   /* index of event "submit", -1 if none */
	int incomplete;     /* state a submission with missing sections goes to, -1 if none */
	bool builtin;
};

struct plan_escalation_step {
	struct plan_offset after;   /* days past the due date, or h/m/s past the deadline */
	char *kind;                 /* notice kind, e.g. "overdue", "escalation" */
	struct plan_target *notify;
	size_t nnotify;
};
struct plan_escalation {
	char *id;
	struct plan_escalation_step *steps;
	size_t nsteps;
};

/* What a conduct rule counts (`of:`), as bits. Each task counts at most once per kind. */
enum plan_count {
	PLAN_COUNT_LAPSE = 1 << 0,      /* the task's deadline passed (it lapsed) */
	PLAN_COUNT_FLAG = 1 << 1,       /* an accountability flag (瞒报、谎报、漏报) was raised */
	PLAN_COUNT_ESCALATION = 1 << 2, /* the last step of its escalation ladder was reached */
};

struct plan_conduct {
	int lapses;                 /* count that triggers the warning, >= 1 */
	struct plan_offset within;  /* trailing window (days) */
	char *kind;                 /* "interview-warning", "approval-restriction-warning" */
	struct plan_target *notify;
	size_t nnotify;
	unsigned of;                /* PLAN_COUNT_* bits; default lapse | flag */
	int *owners;                /* role indexes whose tasks count; NULL/0 = all */
	size_t nowners;
	struct plan_target *decide; /* roles that decide before the warning is sent; NULL/0:
	                               the warning is sent directly */
	size_t ndecide;
};

/* How a milestone's due date is given. */
enum plan_due_kind {
	PLAN_DUE_DATE = 0,  /* a local date: deadline at the end of that day */
	PLAN_DUE_DATETIME,  /* a local date-time: deadline at that instant */
	PLAN_DUE_EVERY,     /* a recurrence */
	PLAN_DUE_FIELD,     /* a date attribute of each subject */
	PLAN_DUE_AFTER      /* N days / working days after another milestone's due */
};
struct plan_due {
	enum plan_due_kind kind;
	int32_t date;               /* DATE, DATETIME: local day */
	int sec_of_day;             /* DATETIME: seconds since local midnight */
	struct cal_recur recur;     /* EVERY */
	char *field;                /* FIELD: subject attribute name */
	int after;                  /* AFTER: milestone index */
	struct plan_offset plus;    /* AFTER: PLAN_DAYS or PLAN_WORKDAYS */
};

enum plan_for { PLAN_FOR_ONCE = 0, PLAN_FOR_JURISDICTION, PLAN_FOR_ENTERPRISE };

/* where: {attr: value} or {attr: [v1, v2]}: the subject's attribute equals one value.
 * Values are kept as strings; booleans are normalised to "true"/"false". */
struct plan_where {
	char *attr;
	char **values;
	size_t nvalues;
	struct hmap index;          /* each value -> its index, for plan_where_has; owned */
};

/* A milestone's `form:`: the blank table its tasks hand in, attached to their reminders. */
enum plan_form {
	PLAN_FORM_NONE = 0,
	PLAN_FORM_ANNEX3,           /* "annex3": 超标企业清理汇总表, one row for the jurisdiction */
	PLAN_FORM_ANNEX4,           /* "annex4": 超标企业清理明细表, a row per listed enterprise */
};

struct plan_milestone {
	char *id;
	char *title;
	int phase;                  /* index into plan.phases */
	int owner;                  /* role index */
	enum plan_for for_;
	struct plan_where *where;
	size_t nwhere;
	int submit_to;              /* role index, -1 if none */
	struct plan_due due;
	struct plan_offset *remind; /* sorted earliest first as given */
	size_t nremind;
	int escalate;               /* escalation index, -1 if none */
	int lifecycle;              /* lifecycle index */
	char **requires;
	char **requires_titles;     /* per required section: its title, or NULL (the id) */
	size_t nrequires;
	struct hmap section_ids;    /* each requires id -> its index; owned */
	struct hmap section_titles; /* each title -> the first section with it; owned */
	char *description;          /* optional free text for notices, may be NULL */
	bool covers_previous;       /* covers: previous: a recurring task reports on the period
	                               before the one it is due in (a table due on 07-05 covers
	                               June) */
	enum plan_form form;        /* form: the table a task hands in, sent with its reminders
	                               (docs/plan-format.md); PLAN_FORM_NONE by default */
	char *renamed_from;         /* the id this milestone had in an earlier version, or NULL */
	int renamed_line, renamed_col; /* where renamed_from's value is, for messages */
	struct plan_offset correction; /* after a return or an incomplete submission in time;
	                               n == 0: none (the milestone's own, else the plan's) */
	struct plan_offset grace;   /* for a task that comes into being after its deadline
	                               (the milestone's own, else the plan's) */
	int line;                   /* where the milestone starts in the file, for messages */
};

struct plan_phase {
	char *id;
	char *title;
	int32_t starts, ends;       /* CAL_NO_DAY when absent */
};

/* dispatch: {day: 10, notify: [supervision, prefecture_epb]}: the monthly progress
 * e-mail (按月调度) with the Annex 3 figures, the overdue list, the warnings sent and the
 * latest signed audit checkpoint, on that day of every month of the plan's horizon. */
struct plan_dispatch {
	int day;                    /* 1..28; 0 when the plan has no dispatch */
	struct plan_target *notify;
	size_t nnotify;
};

/* notices: what a plan does about noise (docs/plan-format.md). Empty: one message per
 * notice, sent when it falls due, today's behaviour. */
struct plan_notices {
	char **hold;                /* kinds held off non-working days to the next working
	                               morning (notify_at); NULL/0: none */
	size_t nhold;
	bool hold_all;              /* hold: all */
	char **group;               /* kinds grouped per recipient and day into one message */
	size_t ngroup;
};

struct plan_industry {
	char *id;                   /* "steel" */
	char *title;                /* "钢铁" */
};

/* issuer: who signs the plan's notices (docs/plan-format.md). Each field NULL when the
 * plan does not set it; the configuration's `issuer` gives defaults. */
struct plan_issuer {
	char *name;                 /* 发文机关 as signed, e.g. 昌吉回族自治州环境保护局 */
	char *short_name;           /* as the texts refer to it, e.g. 州环保局 */
	char *basis;                /* the document notices rest on, e.g. 《…实施方案》 */
	char *clause;               /* its clause on interviews and restrictions, e.g. 四（二） */
	char *accountability_clause; /* its clause on accountability for concealed, falsified or
	                               omitted figures (瞒报、谎报、漏报); NULL: the accountability
	                               notice cites none */
	char *work;                 /* the work as warning subjects name it (达标排放工作); NULL:
	                               落实 + the basis */
	char *area;                 /* the papers' word for the plan's jurisdictions, as a
	                               column head and in running text (县市、园区); NULL: 地区 */
	char *report_to;            /* the office reports and explanations go to */
	char *contact;              /* a contact line: who to call about the matter */
};

/* A calendar file a plan uses (`calendar: {use: [...]}`), as it was read. */
struct plan_calendar_use {
	struct calfile *file;       /* parsed; owned */
	char *path;                 /* the file it was read from, for messages; owned */
	char *source;               /* its bytes, owned: a plan version keeps them in the store */
	size_t source_len;
	char sha256[65];            /* hex sha256 of source */
};

/* One day the plan's calendars list, and which of them decided it (the last to name it:
 * the used calendars in order, then the plan's own holidays, then its own workdays). */
struct plan_calmark {
	int32_t day;
	bool work;                  /* worked (a 调休 weekend day) or off */
	int use;                    /* index into plan.uses; -1: the plan's own lists */
	const struct calfile_version *version;   /* the notice that gave the day its status:
	                                               the earliest version of its year that
	                                               lists it as the latest does; NULL for the
	                                               plan's own */
	const char *name;           /* the holiday's name; NULL for the plan's own */
};

struct plan {
	char *id;                   /* [a-z0-9-]+ */
	char *title;
	char *timezone;             /* IANA name, checked with tz_open */
	int notify_at;              /* seconds since local midnight, default 9:00 */
	struct cal_calendar calendar;   /* the resolved calendar every due is computed with */
	struct plan_calendar_use *uses; /* `calendar.use`, in order; NULL/0 when none */
	size_t nuses;
	struct plan_calmark *marks;     /* every listed day, by day; names owned by uses */
	size_t nmarks;
	char calendar_sha256[65];       /* hex sha256 of the resolved calendar (docs/plan-
	                                   format.md, "The calendar's hash") */
	char calendar_sources_sha256[65]; /* hex sha256 of what the used calendar files say
	                                   besides the days: notices, names, gaps (same) */
	struct plan_role *roles;
	size_t nroles;
	struct plan_lifecycle *lifecycles; /* [0] is the built-in "report" */
	size_t nlifecycles;
	struct plan_escalation *escalations;
	size_t nescalations;
	struct plan_conduct *conduct;
	size_t nconduct;
	struct plan_target *accountability; /* who hears of a flag; may be empty */
	size_t naccountability;
	struct plan_dispatch dispatch;
	struct plan_notices notices;
	struct plan_phase *phases;
	size_t nphases;
	struct plan_milestone *milestones;  /* in file order; dependency order in `order` */
	size_t nmilestones;
	int *order;                 /* milestone indexes so that an `after` target comes first */
	struct hmap milestone_ids;  /* id -> index, for plan_milestone_index; owned */
	struct hmap role_ids;       /* id -> index, for plan_role_index; owned */
	struct hmap renamed_ids;    /* renamed_from -> index, for plan_renamed_index; owned */
	struct plan_industry *industries;   /* optional; NULL/0 means the registry's defaults */
	size_t nindustries;
	struct hmap industry_ids;   /* id -> index, for plan_industry_index; owned */
	char *templates;            /* optional template folder, relative to the plan file; NULL */
	struct plan_issuer issuer;
	struct plan_offset correction; /* plan-wide `correction:`; n == 0 when absent */
	struct plan_offset grace;   /* plan-wide `grace:`; PLAN_DEFAULT_GRACE_DAYS wd when absent */
	struct plan_where *registry;/* `registry: {where: ...}`: the jurisdictions this plan
	                               covers (with their enterprises); NULL/0: every one */
	size_t nregistry;
	char *source_path;          /* the file it came from */
	char sha256[65];            /* hex sha256 of the source bytes */
};

/* A task's grace period when no `grace:` is given: ten working days (docs/plan-format.md). */
#define PLAN_DEFAULT_GRACE_DAYS 10

/* Task states outside every lifecycle's table, final for all (docs/plan-format.md). A plan
 * may not name its own states so. */
#define PLAN_STATE_CANCELLED "cancelled"           /* its milestone, period or subject left */
#define PLAN_STATE_NOT_APPLICABLE "not-applicable" /* a period that ended before the task
                                                      could exist */
/* True for those two states: the task is finished and counts nowhere. Cannot fail. */
bool plan_state_withdrawn(const char *state);

/* A calendar file given as bytes rather than found in a folder: the copy a stored plan
 * version kept, or the new file `calendar-update` tries. Borrowed for the call. */
struct plan_calsource {
	const char *name;           /* the `use` name it answers, e.g. "cn-mainland" */
	const char *path;           /* where it came from, for messages */
	const char *data;
	size_t len;
};

/* Where `calendar: {use: [NAME]}` finds NAME: first among `given` (by name), else the
 * file NAME.yaml in the first folder of `dirs` (NULL-terminated) that has one. Borrowed
 * for the call; NULL means no folders and nothing given (a plan with `use` is refused). */
struct plan_opts {
	const char *const *dirs;
	const struct plan_calsource *given;
	size_t ngiven;
};

/* Parses and validates a plan file, reading the calendar files it uses as o says. On
 * success *out is a plan the caller frees with plan_free. On failure returns DB_EDATA (or
 * -errno / DB_ENOINPUT when the file cannot be read) and e names FILE:LINE:COLUMN of the
 * first problem (in a calendar file, that file's); *out is untouched. */
int plan_parse_file(const char *path, const struct plan_opts *o, struct plan **out,
                    struct dberr *e);

/* Same over bytes already in memory; `name` is used in messages. */
int plan_parse_buffer(const char *name, const char *data, size_t len,
                      const struct plan_opts *o, struct plan **out, struct dberr *e);
/* Same for a version already in the store: the checks added since it could have been
 * stored (dates in PLAN_FIRST_YEAR..PLAN_LAST_YEAR, a notice's span, the plan's own days
 * listed once and a year long at most, a working day every year) are not applied, so a
 * store written by an earlier dabiao still opens; the days resolve as they did. */
int plan_parse_stored(const char *name, const char *data, size_t len,
                      const struct plan_opts *o, struct plan **out, struct dberr *e);

void plan_free(struct plan *p);

/* Does the plan hold notices of this kind off non-working days / group them per day? */
bool plan_holds(const struct plan *p, const char *kind);
bool plan_groups(const struct plan *p, const char *kind);

/* Lookups by id; -1 when absent. */
int plan_role_index(const struct plan *p, const char *id);
int plan_milestone_index(const struct plan *p, const char *id);
/* The milestone whose renamed_from is old_id (at most one: the parser refuses a second). */
int plan_renamed_index(const struct plan *p, const char *old_id);
/* The plan's industry with this id (its `industries:`), -1 when none: a lookup, so a
 * table of 100,000 enterprises names each one's industry in constant time. */
int plan_industry_index(const struct plan *p, const char *id);
/* Is value one of w's values (compared as text)? A lookup, not a scan: a `where:` list of
 * 80,000 values is matched against each of 80,000 enterprises in linear time (review 13f,
 * C2). */
bool plan_where_has(const struct plan_where *w, const char *value);
/* The index in m->requires of the section with this id; -1 when none. */
int plan_section_index(const struct plan_milestone *m, const char *id);
/* The first section of m->requires whose id or title is name (what `submit --sections`
 * and the web's hand-in accept); -1 when none. Lookups, so a hand-in naming 16,000
 * sections is matched in linear time (review 13f, C15). */
int plan_section_named(const struct plan_milestone *m, const char *name);
int plan_lifecycle_state(const struct plan_lifecycle *lc, const char *state);
int plan_lifecycle_event(const struct plan_lifecycle *lc, const char *event);
/* Is state st (an index, -1 allowed: false) one waiting for the receiver's review: an
 * `accept` leaves it, it is not final, not the incomplete state, and the deadline no longer
 * acts on it (the owner has handed in; the delay is the receiver's). In `report`:
 * submitted. The one rule of `status`, the dashboard and the review queue
 * (docs/plan-format.md, Lifecycles). */
bool plan_lifecycle_awaits_review(const struct plan_lifecycle *lc, int st);

/* ---- calendar coverage (plan_calendar.c) ---- */

/* The mark that decided day (its status and source), or NULL when no calendar lists it
 * (a plain weekday or weekend day). */
const struct plan_calmark *plan_calendar_mark(const struct plan *p, int32_t day);
/* For a day no calendar lists: the notice that took it off the lists, when an earlier
 * version of its year listed it and the latest does not (2020's amendment made Saturday
 * 2020-02-01 a day off again), with *use its calendar; else NULL. Cannot fail. */
const struct calfile_version *plan_calendar_unlisted_by(const struct plan *p, int32_t day,
                                                        int *use);

/* A year a used calendar does not cover: dues in it fall back on that calendar's absence
 * (a base calendar: weekends only; a layer: without the layer's days). */
struct plan_calgap {
	int use;                    /* index into plan.uses */
	int year;
	const char *reason;         /* the file's not_confirmed text, or NULL */
	bool december_only;         /* only days of the last week of December of year - 1
	                               reach it: the notice may still move them */
};
/* Every gap in the notice-years that decide the days first..last, each (use, year) once,
 * by year then use. The notice-years of a day are its own year and, for the last week of
 * December, also the next (whose 元旦 block may start there: 2018-12-29 was worked under
 * the 2019 notice). *out is NULL when there is none, else the caller frees it. Returns the
 * count. Cannot fail. */
size_t plan_calendar_gaps(const struct plan *p, int32_t first, int32_t last,
                          struct plan_calgap **out);

/* The first and last local day on which the plan's dated dues, reminders and escalation
 * steps can fall (after holiday shifts), for the coverage warning of `check`. Dues taken
 * from a subject's field are unknown here and left out. Returns 0 with both written, or
 * DB_ENOTFOUND when the plan has no dated due. */
int plan_due_span(const struct plan *p, int32_t *first, int32_t *last);

/* "-3d", "2wd", "5h": for messages and timelines. out >= 24 bytes. */
void plan_offset_format(const struct plan_offset *o, char *out);

#endif
