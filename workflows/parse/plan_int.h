/*
 * plan_int.h - what the plan parser's files share: the parse context and the readers of
 * small values (ids, offsets, targets, dates). Not for use outside workflows/plan_*.c.
 */
#ifndef DABIAO_PLAN_INT_H
#define DABIAO_PLAN_INT_H

#include "base/sha256.h"
#include "base/utf8.h"
#include "workflows/parse/plan.h"
#include "workflows/parse/ydoc.h"

/* Engine limits (engine/core/schedule.c keeps 16 reminder and 16 escalation instants per task):
 * refusing more at parse time names the line instead of failing at expansion. */
#define PLAN_MAX_REMIND 16
#define PLAN_MAX_STEPS 16
#define PLAN_MAX_STATES 64
#define PLAN_MAX_EVENTS 64

struct pctx {
	const struct ydoc *d;
	struct plan *p;       /* being filled; freed by the caller on failure */
	struct dberr *e;
	const struct plan_opts *opts; /* where calendar files come from; may be NULL */
	bool stored;          /* a stored version read again (plan_parse_stored) */
	/* per milestone: the node of `due: {after: ID}`, NULL otherwise; resolved once every
	 * milestone id is known. Owned by the context. */
	const struct ydoc_node **after;
	size_t capafter;
	size_t capmilestones;
	/* id -> index of the phases, escalations and lifecycles read so far, so that a plan
	 * of 100,000 of them is read in linear time (review 13e, E3); keys borrowed from the
	 * plan, released by plan_pctx_release */
	struct hmap phase_ids, escalation_ids, lifecycle_ids;
};

/* Frees what the context owns (not the plan). */
void plan_pctx_release(struct pctx *c);

/* plan_parse.c: "HH:MM[:SS]" into seconds since midnight; "mon".."sun" into 1..7 (0 if
 * neither). */
int plan_parse_clock(const char *s, int *out);
int plan_weekday(const char *s);
/* Hex SHA-256 of len bytes into hex (65 bytes). */
/* A list of weekday names into weekend bits (1 << ISO weekday); all seven is refused. */
int plan_read_weekend(struct pctx *c, const struct ydoc_node *n, uint8_t *out);

/* Id syntax. PLAN_ID_STRICT: [a-z0-9-]+ (plan and milestone ids, which appear in task keys
 * and file names); PLAN_ID_NAME: [a-z0-9_-]+ (roles, states, events, and the rest). */
enum plan_idkind { PLAN_ID_STRICT = 0, PLAN_ID_NAME };
int plan_read_id(struct pctx *c, const struct ydoc_node *n, const char *what,
                 enum plan_idkind k, const char **out);
/* An id given as a mapping key (already unique, ydoc refuses duplicates). */
int plan_check_key_id(struct pctx *c, const struct ydoc_node *key, const char *what,
                      enum plan_idkind k);

/* "-3d", "1wd", "2h": units allowed as a bit set of (1 << enum plan_unit). */
#define PLAN_UNITS_DAYS ((1u << PLAN_DAYS) | (1u << PLAN_WORKDAYS))
#define PLAN_UNITS_ALL 0x1fu
int plan_read_offset(struct pctx *c, const struct ydoc_node *n, const char *what,
                     unsigned units, struct plan_offset *out);

/* A period counted forward in d or wd (correction, grace): at least min units. */
int plan_read_period(struct pctx *c, const struct ydoc_node *n, const char *what, int64_t min,
                     struct plan_offset *out);

/* A date (YYYY-MM-DD) in the years PLAN_FIRST_YEAR..PLAN_LAST_YEAR. */
int plan_read_date(struct pctx *c, const struct ydoc_node *n, const char *what,
                   int32_t *out);
/* "WHAT 'x' is outside the years ..." at n unless day lies in PLAN_FIRST_YEAR..
 * PLAN_LAST_YEAR. */
int plan_check_year(struct pctx *c, const struct ydoc_node *n, const char *what, int32_t day);
/* A date or FIRST..LAST range written in scalar n (a list item or a mapping key), at most
 * max_days long: "WHAT: 'x' is not a valid date ...", "... ends before it starts", "...
 * is longer than LONGEST". */
int plan_read_range(struct pctx *c, const struct ydoc_node *n, const char *what,
                    int32_t max_days, const char *longest, int32_t *first, int32_t *last);
/* Days listed in one place (a calendar file's version, a plan's own holidays and
 * workdays) must be listed once: the first day two entries share is refused at the entry
 * written later (file, with each entry's line and col), naming both and which is off and
 * which worked. where starts the message ("2017 version 1:", "calendar:"). */
int plan_check_disjoint(struct pctx *c, const char *file, const struct calfile_range *v,
                        size_t n, const char *where);
/* A non-empty string of at most max characters (utf8.h's UTF8_LINE_MAX, UTF8_PARA_MAX):
 * a longer one is refused at its line and column, naming what and the limit. *out points
 * into the document. */
int plan_text(struct pctx *c, const struct ydoc_node *n, const char *what, size_t max,
              const char **out);
/* A non-empty one-line text (plan_text with UTF8_LINE_MAX) copied (caller frees). */
int plan_dup_string(struct pctx *c, const struct ydoc_node *n, const char *what, char **out);

/* A list of notify targets: role ids, or `owner` / `submit_to` when allow_milestone. */
int plan_read_targets(struct pctx *c, const struct ydoc_node *n, const char *what,
                      bool allow_milestone, struct plan_target **out, size_t *nout);

/* Required key of map n, with "WHAT has no 'KEY'" at the map when it is absent. */
int plan_need(struct pctx *c, const struct ydoc_node *map, const char *what, const char *key,
              const struct ydoc_node **out);

/* plan_calendar.c: the `calendar` key, with the calendar files it uses found through
 * c->opts */
int plan_parse_calendar(struct pctx *c, const struct ydoc_node *n);
void plan_calendar_release(struct plan *p);

/* plan_lifecycle.c */
void plan_lifecycle_builtin(struct plan_lifecycle *lc);
int plan_parse_lifecycles(struct pctx *c, const struct ydoc_node *n);
void plan_lifecycle_release(struct plan_lifecycle *lc);

/* plan_milestone.c */
int plan_parse_phases(struct pctx *c, const struct ydoc_node *n);
/* {attr: value | [values]} into *out (n entries), what naming the key in messages. */
int plan_parse_where(struct pctx *c, const struct ydoc_node *n, const char *what,
                     struct plan_where **out, size_t *nout);

/* plan_rules.c */
int plan_parse_escalations(struct pctx *c, const struct ydoc_node *n);
int plan_parse_conduct(struct pctx *c, const struct ydoc_node *n);
int plan_parse_accountability(struct pctx *c, const struct ydoc_node *n);
int plan_parse_dispatch(struct pctx *c, const struct ydoc_node *n);
int plan_parse_notices(struct pctx *c, const struct ydoc_node *n);
int plan_resolve_after(struct pctx *c);

#endif
