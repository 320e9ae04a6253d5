/*
 * plan_rules.c - the small values a plan is made of (ids, offsets, dates, notify targets),
 * the rules that hang off milestones (escalation ladders, conduct warnings, accountability),
 * and the order in which `after` dues can be computed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/xalloc.h"
#include "workflows/parse/plan_int.h"

int
plan_need(struct pctx *c, const struct ydoc_node *map, const char *what, const char *key,
          const struct ydoc_node **out)
{
	if ((*out = ydoc_get(map, key)) == NULL)
		return ydoc_error(c->d, map, c->e, "%s has no '%s'; it is required", what, key);
	return 0;
}

/* The characters an id may hold: ASCII, so a valid id's bytes are its characters. */
static bool
id_chars_ok(const char *s, enum plan_idkind k)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		      (k == PLAN_ID_NAME && *s == '_')))
			return false;
	return true;
}

static bool
id_ok(const char *s, enum plan_idkind k)
{
	return id_chars_ok(s, k) && strlen(s) <= PLAN_ID_MAX;
}

/* A wrong character is named before the length: 17 × 昌 is not an id at any length, and
 * a length is counted in characters, as people count (docs/plan-format.md). */
static int
bad_id(struct pctx *c, const struct ydoc_node *n, const char *what, const char *s,
       enum plan_idkind k)
{
	char clip[UTF8_CLIP_BUF];

	if (!id_chars_ok(s, k))
		return ydoc_error(c->d, n, c->e, "%s id '%s' is not valid: use lower-case letters, "
		                  "digits and '-'%s", what, utf8_clip(s, clip),
		                  k == PLAN_ID_NAME ? " or '_'" : "");
	return ydoc_error(c->d, n, c->e, "%s id '%s' is %zu characters long; an id has at most "
	                  "%d (it becomes part of task keys and file names)", what,
	                  utf8_clip(s, clip), utf8_count(s, strlen(s)), PLAN_ID_MAX);
}

int
plan_read_id(struct pctx *c, const struct ydoc_node *n, const char *what,
             enum plan_idkind k, const char **out)
{
	const char *s;
	int rc;

	if ((rc = ydoc_string(c->d, n, what, &s, c->e)) != 0)
		return rc;
	if (!id_ok(s, k))
		return bad_id(c, n, what, s, k);
	*out = s;
	return 0;
}

int
plan_check_key_id(struct pctx *c, const struct ydoc_node *key, const char *what,
                  enum plan_idkind k)
{
	if (!id_ok(key->scalar, k))
		return bad_id(c, key, what, key->scalar, k);
	return 0;
}

/* Ten years in each unit: enough for any plan, and small enough that no later arithmetic
 * on instants or working days can overflow. */
static const struct {
	const char *suffix;
	enum plan_unit unit;
	int64_t max;
} units[] = {
	{"wd", PLAN_WORKDAYS, 3660},      {"d", PLAN_DAYS, 3660},
	{"h", PLAN_HOURS, 3660 * 24},     {"m", PLAN_MINUTES, 3660 * 24 * 60},
	{"s", PLAN_SECONDS, 3660 * 86400},
};

/* ^[+-]?[0-9]+(d|wd|h|m|s)$ */
static int
parse_offset(const char *s, struct plan_offset *o)
{
	const char *p = s;
	int64_t n = 0;
	bool neg = false;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > 1000000000)
			return -ERANGE;
		n = n * 10 + (*p - '0');
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(p, units[i].suffix) != 0)
			continue;
		if (n > units[i].max)
			return -ERANGE;
		o->n = neg ? -n : n;
		o->unit = units[i].unit;
		return 0;
	}
	return -EINVAL;
}

int
plan_read_offset(struct pctx *c, const struct ydoc_node *n, const char *what,
                 unsigned allowed, struct plan_offset *out)
{
	struct plan_offset o;
	const char *s;
	int rc;

	if ((rc = ydoc_string(c->d, n, what, &s, c->e)) != 0)
		return rc;
	if ((rc = parse_offset(s, &o)) == -ERANGE)
		return ydoc_error(c->d, n, c->e, "%s '%s' is too large (at most ten years)", what,
		                  s);
	if (rc != 0 || !(allowed & (1u << o.unit)))
		return ydoc_error(c->d, n, c->e, "%s '%s' is not valid: write a whole number and "
		                  "a unit, %s", what, s,
		                  allowed == PLAN_UNITS_DAYS
		                          ? "d (days) or wd (working days), e.g. 90d"
		                          : "d, wd, h, m or s, e.g. -3d, 1wd, 2h");
	*out = o;
	return 0;
}

int
plan_read_period(struct pctx *c, const struct ydoc_node *n, const char *what, int64_t min,
                 struct plan_offset *out)
{
	struct plan_offset o;
	int rc;

	if ((rc = plan_read_offset(c, n, what, PLAN_UNITS_DAYS, &o)) != 0)
		return rc;
	if (o.n < min)
		return ydoc_error(c->d, n, c->e, "%s '%s' must count forward, at least %lld day%s "
		                  "(e.g. 5wd)", what, n->scalar, (long long)min, min == 1 ? "" : "s");
	*out = o;
	return 0;
}

int
plan_check_year(struct pctx *c, const struct ydoc_node *n, const char *what, int32_t day)
{
	int y, m, d;

	cal_civil_from_days(day, &y, &m, &d);
	if ((y >= PLAN_FIRST_YEAR && y <= PLAN_LAST_YEAR) || c->stored)
		return 0;
	return ydoc_error(c->d, n, c->e, "%s '%s' is outside the years %d-%d that plans and "
	                  "calendars may name", what, n->scalar ? n->scalar : "",
	                  PLAN_FIRST_YEAR, PLAN_LAST_YEAR);
}

int
plan_read_date(struct pctx *c, const struct ydoc_node *n, const char *what, int32_t *out)
{
	const char *s;
	int32_t day;
	int rc;

	if ((rc = ydoc_string(c->d, n, what, &s, c->e)) != 0)
		return rc;
	if (cal_parse_date(s, &day) != 0)
		return ydoc_error(c->d, n, c->e, "%s '%s' is not a valid date (YYYY-MM-DD)", what,
		                  s);
	if ((rc = plan_check_year(c, n, what, day)) != 0)
		return rc;
	*out = day;
	return 0;
}

int
plan_read_range(struct pctx *c, const struct ydoc_node *n, const char *what,
                int32_t max_days, const char *longest, int32_t *first, int32_t *last)
{
	const char *s;
	int rc;

	if ((rc = ydoc_string(c->d, n, what, &s, c->e)) != 0)
		return rc;
	if (cal_parse_range(s, first, last) != 0)
		return ydoc_error(c->d, n, c->e, "%s: '%s' is not a valid date (YYYY-MM-DD) or "
		                  "range (YYYY-MM-DD..YYYY-MM-DD)", what, s);
	if (*last < *first)
		return ydoc_error(c->d, n, c->e, "%s: range '%s' ends before it starts", what, s);
	if (*last - *first >= max_days)
		return ydoc_error(c->d, n, c->e, "%s: range '%s' is longer than %s", what, s,
		                  longest);
	if ((rc = plan_check_year(c, n, what, *first)) != 0 ||
	    (rc = plan_check_year(c, n, what, *last)) != 0)
		return rc;
	return 0;
}

static int
range_cmp(const void *a, const void *b)
{
	const struct calfile_range *x = *(const struct calfile_range *const *)a;
	const struct calfile_range *y = *(const struct calfile_range *const *)b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return (x->col > y->col) - (x->col < y->col);
}

/* "2017-01-21..2017-01-23: 春节" or "2017-10-07", as the entry is written. */
static void
range_words(char *out, size_t n, const struct calfile_range *r)
{
	char a[11], b[11];

	cal_format_date(r->first, a);
	cal_format_date(r->last, b);
	snprintf(out, n, "%s%s%s%s%s", a, r->last != r->first ? ".." : "",
	         r->last != r->first ? b : "", r->name ? ": " : "", r->name ? r->name : "");
}

int
plan_check_disjoint(struct pctx *c, const char *file, const struct calfile_range *v,
                    size_t n, const char *where)
{
	const struct calfile_range **by = NULL, *reach = NULL;
	int rc = 0;

	if (n < 2)
		return 0;
	by = xcalloc(n, sizeof(*by));
	for (size_t i = 0; i < n; i++)
		by[i] = &v[i];
	qsort(by, n, sizeof(*by), range_cmp);
	/* sorted by first day, a range shares a day with an earlier one exactly when it starts
	 * before the furthest last day seen so far */
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct calfile_range *r = by[i], *first, *second;
		char day[11], w1[160], w2[160];

		if (reach == NULL || r->first > reach->last) {
			reach = r; /* its last day is beyond every earlier one's */
			continue;
		}
		/* the entry written later is the one to fix */
		if (r->line > reach->line || (r->line == reach->line && r->col > reach->col)) {
			first = reach;
			second = r;
		} else {
			first = r;
			second = reach;
		}
		cal_format_date(r->first, day);
		range_words(w1, sizeof(w1), first);
		range_words(w2, sizeof(w2), second);
		if (first->work != second->work)
			rc = dberr_at(c->e, DB_EDATA, file, second->line, second->col,
			              "%s %s is listed both %s (%s, line %d) and %s (%s): a day is "
			              "either off or worked; keep the one that is right", where, day,
			              first->work ? "worked" : "off", w1, first->line,
			              second->work ? "worked" : "off", w2);
		else
			rc = dberr_at(c->e, DB_EDATA, file, second->line, second->col,
			              "%s %s is listed twice as %s (%s, line %d, and %s): list a day "
			              "once", where, day, first->work ? "worked" : "off", w1,
			              first->line, w2);
	}
	free(by);
	return rc;
}

int
plan_read_targets(struct pctx *c, const struct ydoc_node *n, const char *what,
                  bool allow_milestone, struct plan_target **out, size_t *nout)
{
	struct plan_target *t;
	int rc;

	if ((rc = ydoc_expect(c->d, n, YDOC_SEQ, what, c->e)) != 0)
		return rc;
	if (n->n == 0)
		return ydoc_error(c->d, n, c->e, "%s names nobody", what);
	t = *out = xcalloc(n->n, sizeof(*t));
	*nout = n->n;
	for (size_t i = 0; i < n->n; i++) {
		const char *s;

		if ((rc = ydoc_string(c->d, n->items[i], what, &s, c->e)) != 0)
			return rc;
		t[i].role = -1;
		if (strcmp(s, "owner") == 0 || strcmp(s, "submit_to") == 0) {
			if (!allow_milestone)
				return ydoc_error(c->d, n->items[i], c->e, "%s: '%s' means a milestone's "
				                  "role and cannot be used here; name a role", what, s);
			t[i].kind = strcmp(s, "owner") == 0 ? PLAN_TARGET_OWNER
			                                    : PLAN_TARGET_SUBMIT_TO;
			continue;
		}
		t[i].kind = PLAN_TARGET_ROLE;
		if ((t[i].role = plan_role_index(c->p, s)) < 0)
			return ydoc_error(c->d, n->items[i], c->e, "%s: unknown role '%s'; expected "
			                  "a role of this plan%s", what, s,
			                  allow_milestone ? ", owner or submit_to" : "");
	}
	return 0;
}

static int
parse_kind(struct pctx *c, const struct ydoc_node *n, char **out)
{
	const char *s;
	int rc;

	if ((rc = plan_read_id(c, n, "kind", PLAN_ID_NAME, &s)) != 0)
		return rc;
	*out = xstrdup(s);
	return 0;
}

static int
parse_step(struct pctx *c, struct plan_escalation_step *st, const struct ydoc_node *n)
{
	static const char *const keys[] = {"after", "kind", "notify", NULL};
	const struct ydoc_node *after, *kind, *notify;
	int rc;

	if ((rc = ydoc_check_keys(c->d, n, "an escalation step", keys, c->e)) ||
	    (rc = plan_need(c, n, "an escalation step", "after", &after)) ||
	    (rc = plan_need(c, n, "an escalation step", "kind", &kind)) ||
	    (rc = plan_need(c, n, "an escalation step", "notify", &notify)) ||
	    (rc = plan_read_offset(c, after, "after", PLAN_UNITS_ALL, &st->after)) ||
	    (rc = parse_kind(c, kind, &st->kind)) ||
	    (rc = plan_read_targets(c, notify, "notify", true, &st->notify, &st->nnotify)))
		return rc;
	if (st->after.n < 0)
		return ydoc_error(c->d, after, c->e, "after '%s' counts past the deadline and "
		                  "cannot be negative (reminders before it go in remind)",
		                  after->scalar);
	return 0;
}

int
plan_parse_escalations(struct pctx *c, const struct ydoc_node *n)
{
	struct plan *p = c->p;
	int rc;

	if (n == NULL)
		return 0;
	if ((rc = ydoc_expect(c->d, n, YDOC_MAP, "escalations", c->e)) != 0)
		return rc;
	p->escalations = xcalloc(n->n ? n->n : 1, sizeof(*p->escalations));
	for (size_t i = 0; i < n->n; i++) {
		struct plan_escalation *esc = &p->escalations[p->nescalations++];
		const struct ydoc_node *steps = n->pairs[i].value;

		if ((rc = plan_check_key_id(c, n->pairs[i].key, "an escalation", PLAN_ID_NAME)))
			return rc;
		esc->id = xstrdup(n->pairs[i].key->scalar);
		hmap_put(&c->escalation_ids, esc->id, i);
		if ((rc = ydoc_expect(c->d, steps, YDOC_SEQ, "an escalation's steps", c->e)) != 0)
			return rc;
		if (steps->n == 0 || steps->n > PLAN_MAX_STEPS)
			return ydoc_error(c->d, steps, c->e, "escalation '%s' needs 1 to %d steps",
			                  esc->id, PLAN_MAX_STEPS);
		esc->steps = xcalloc(steps->n, sizeof(*esc->steps));
		for (size_t k = 0; k < steps->n; k++) {
			esc->nsteps++;
			if ((rc = parse_step(c, &esc->steps[k], steps->items[k])) != 0)
				return rc;
		}
	}
	return 0;
}

/* of: [lapse, flag, escalation]: what a rule counts. A role id here is what `owners` is
 * for (before version 2 of the format, `of` named roles): say so. */
static int
parse_of(struct pctx *c, struct plan_conduct *r, const struct ydoc_node *of)
{
	static const char *const names[] = {"lapse", "flag", "escalation", NULL};
	int rc;

	if ((rc = ydoc_expect(c->d, of, YDOC_SEQ, "of", c->e)) != 0)
		return rc;
	if (of->n == 0)
		return ydoc_error(c->d, of, c->e, "of names nothing to count; write lapse, flag "
		                  "or escalation");
	r->of = 0;
	for (size_t i = 0; i < of->n; i++) {
		const char *s;
		size_t k;

		if ((rc = ydoc_string(c->d, of->items[i], "of", &s, c->e)) != 0)
			return rc;
		for (k = 0; names[k] && strcmp(names[k], s) != 0; k++)
			;
		if (names[k] != NULL) {
			r->of |= 1u << k;
			continue;
		}
		if (plan_role_index(c->p, s) >= 0)
			return ydoc_error(c->d, of->items[i], c->e, "of: '%s' is a role; of names "
			                  "what counts (lapse, flag, escalation); to count only the "
			                  "tasks of some roles write owners: [%s]", s, s);
		return ydoc_error(c->d, of->items[i], c->e, "of: '%s' is not one of lapse, flag, "
		                  "escalation", s);
	}
	return 0;
}

static int
parse_owners(struct pctx *c, struct plan_conduct *r, const struct ydoc_node *n)
{
	int rc;

	if ((rc = ydoc_expect(c->d, n, YDOC_SEQ, "owners", c->e)) != 0)
		return rc;
	r->owners = xcalloc(n->n ? n->n : 1, sizeof(*r->owners));
	for (size_t i = 0; i < n->n; i++) {
		const char *s;

		if ((rc = ydoc_string(c->d, n->items[i], "owners", &s, c->e)) != 0)
			return rc;
		if ((r->owners[i] = plan_role_index(c->p, s)) < 0)
			return ydoc_error(c->d, n->items[i], c->e, "owners: unknown role '%s'", s);
		r->nowners++;
	}
	return 0;
}

static int
parse_rule(struct pctx *c, struct plan_conduct *r, const struct ydoc_node *n)
{
	static const char *const keys[] = {"lapses", "within", "kind", "notify", "of",
	                                   "owners", "decide", NULL};
	const struct ydoc_node *lapses, *within, *kind, *notify, *v;
	long count;
	int rc;

	if ((rc = ydoc_check_keys(c->d, n, "a conduct rule", keys, c->e)) ||
	    (rc = plan_need(c, n, "a conduct rule", "lapses", &lapses)) ||
	    (rc = plan_need(c, n, "a conduct rule", "within", &within)) ||
	    (rc = plan_need(c, n, "a conduct rule", "kind", &kind)) ||
	    (rc = plan_need(c, n, "a conduct rule", "notify", &notify)) ||
	    (rc = ydoc_int(c->d, lapses, "lapses", 1, 1000, &count, c->e)) ||
	    (rc = plan_read_offset(c, within, "within", PLAN_UNITS_DAYS, &r->within)) ||
	    (rc = parse_kind(c, kind, &r->kind)) ||
	    (rc = plan_read_targets(c, notify, "notify", false, &r->notify, &r->nnotify)))
		return rc;
	r->lapses = (int)count;
	r->of = PLAN_COUNT_LAPSE | PLAN_COUNT_FLAG;
	if (r->within.n <= 0)
		return ydoc_error(c->d, within, c->e, "within '%s' must be a positive window",
		                  within->scalar);
	/* the window is a span of time between events, which working days do not measure */
	if (r->within.unit == PLAN_WORKDAYS)
		return ydoc_error(c->d, within, c->e, "within '%s': a conduct window is a span of "
		                  "time between lapses, counted in calendar days: write it with d, "
		                  "e.g. within: 5d", within->scalar);
	if (((v = ydoc_get(n, "of")) && (rc = parse_of(c, r, v))) ||
	    ((v = ydoc_get(n, "owners")) && (rc = parse_owners(c, r, v))) ||
	    ((v = ydoc_get(n, "decide")) &&
	     (rc = plan_read_targets(c, v, "decide", false, &r->decide, &r->ndecide))))
		return rc;
	/* a warning is the bureau's measure against a jurisdiction: a role held per
	 * jurisdiction or enterprise is held by the warned side, whose account would decide its
	 * own warning and its neighbour's (review 10f, F7). A version stored before still opens
	 * (its deciders are then only the accounts of office roles). */
	for (size_t i = 0; v != NULL && !c->stored && i < r->ndecide; i++) {
		const struct plan_role *role = &c->p->roles[r->decide[i].role];

		if (role->per != PLAN_PER_NONE)
			return ydoc_error(c->d, v->items[i], c->e, "decide: role '%s' is held per "
			                  "%s, by the very subjects the rule warns (a county would "
			                  "decide its own warning); name an office of the bureau (a role "
			                  "without per)", role->id,
			                  role->per == PLAN_PER_JURISDICTION ? "jurisdiction"
			                                                     : "enterprise");
	}
	return 0;
}

int
plan_parse_conduct(struct pctx *c, const struct ydoc_node *n)
{
	int rc;

	if (n == NULL)
		return 0;
	if ((rc = ydoc_expect(c->d, n, YDOC_SEQ, "conduct", c->e)) != 0)
		return rc;
	c->p->conduct = xcalloc(n->n ? n->n : 1, sizeof(*c->p->conduct));
	for (size_t i = 0; i < n->n; i++) {
		c->p->nconduct++;
		if ((rc = parse_rule(c, &c->p->conduct[i], n->items[i])) != 0)
			return rc;
	}
	return 0;
}

int
plan_parse_accountability(struct pctx *c, const struct ydoc_node *n)
{
	static const char *const keys[] = {"notify", NULL};
	const struct ydoc_node *notify;
	int rc;

	if (n == NULL)
		return 0;
	if ((rc = ydoc_check_keys(c->d, n, "accountability", keys, c->e)) ||
	    (rc = plan_need(c, n, "accountability", "notify", &notify)))
		return rc;
	return plan_read_targets(c, notify, "accountability.notify", true,
	                         &c->p->accountability, &c->p->naccountability);
}

int
plan_parse_dispatch(struct pctx *c, const struct ydoc_node *n)
{
	static const char *const keys[] = {"day", "notify", NULL};
	const struct ydoc_node *notify, *day;
	long d;
	int rc;

	if (n == NULL)
		return 0;
	if ((rc = ydoc_check_keys(c->d, n, "dispatch", keys, c->e)) ||
	    (rc = plan_need(c, n, "dispatch", "day", &day)) ||
	    (rc = plan_need(c, n, "dispatch", "notify", &notify)))
		return rc;
	/* days 29..31 do not exist in every month: a dispatch is monthly */
	if ((rc = ydoc_int(c->d, day, "dispatch.day", 1, 28, &d, c->e)) != 0)
		return rc;
	c->p->dispatch.day = (int)d;
	return plan_read_targets(c, notify, "dispatch.notify", false, &c->p->dispatch.notify,
	                         &c->p->dispatch.nnotify);
}

/* A list of notice kinds (ids), or the word "all" when all_ok. */
static int
kind_list(struct pctx *c, const struct ydoc_node *n, const char *what, bool all_ok, bool *all,
          char ***out, size_t *nout)
{
	const char *s;
	int rc;

	if (all_ok && n->type == YDOC_SCALAR && strcmp(n->scalar, "all") == 0) {
		*all = true;
		return 0;
	}
	if ((rc = ydoc_expect(c->d, n, YDOC_SEQ, what, c->e)) != 0)
		return rc;
	*out = xcalloc(n->n ? n->n : 1, sizeof(**out));
	for (size_t i = 0; i < n->n; i++) {
		if ((rc = plan_read_id(c, n->items[i], "a notice kind", PLAN_ID_NAME, &s)) != 0)
			return rc;
		(*out)[(*nout)++] = xstrdup(s);
	}
	return 0;
}

/* notices: {hold: [kinds] | all, group: [kinds]} */
int
plan_parse_notices(struct pctx *c, const struct ydoc_node *n)
{
	static const char *const keys[] = {"hold", "group", NULL};
	struct plan_notices *pn = &c->p->notices;
	const struct ydoc_node *v;
	bool ignored = false;
	int rc;

	if (n == NULL)
		return 0;
	if ((rc = ydoc_check_keys(c->d, n, "notices", keys, c->e)) != 0)
		return rc;
	if ((v = ydoc_get(n, "hold")) != NULL &&
	    (rc = kind_list(c, v, "notices.hold", true, &pn->hold_all, &pn->hold, &pn->nhold)) != 0)
		return rc;
	if ((v = ydoc_get(n, "group")) != NULL &&
	    (rc = kind_list(c, v, "notices.group", false, &ignored, &pn->group, &pn->ngroup)) != 0)
		return rc;
	return 0;
}

static bool
listed(char *const *v, size_t n, const char *kind)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], kind) == 0)
			return true;
	return false;
}

bool
plan_holds(const struct plan *p, const char *kind)
{
	return p->notices.hold_all || listed(p->notices.hold, p->notices.nhold, kind);
}

bool
plan_groups(const struct plan *p, const char *kind)
{
	return listed(p->notices.group, p->notices.ngroup, kind);
}

/* Places milestone i after its `after` chain. Each milestone has at most one `after`
 * target, so the chain is a path: walk it to the first milestone already placed (or one
 * without `after`), then place the walked ones back to front. state: 0 new, 1 on the
 * current walk, 2 placed. A loop, not recursion, so a chain of 100,000 milestones needs no
 * deeper stack than one. */
static int
place(struct pctx *c, size_t i, uint8_t *state, size_t *path, size_t *k)
{
	struct plan *p = c->p;
	size_t n = 0, j = i;

	while (state[j] != 2) {
		if (state[j] == 1)
			return ydoc_error(c->d, c->after[j], c->e, "milestone '%s' is due after "
			                  "itself through a cycle of 'after' dues", p->milestones[j].id);
		state[j] = 1;
		path[n++] = j;
		if (p->milestones[j].due.kind != PLAN_DUE_AFTER)
			break;
		j = (size_t)p->milestones[j].due.after;
	}
	while (n > 0) {
		size_t m = path[--n];

		state[m] = 2;
		p->order[(*k)++] = (int)m;
	}
	return 0;
}

int
plan_resolve_after(struct pctx *c)
{
	struct plan *p = c->p;
	uint8_t *state;
	size_t k = 0, *path;
	int rc = 0;

	for (size_t i = 0; i < p->nmilestones; i++) {
		const struct ydoc_node *n = c->after[i];

		if (n == NULL)
			continue;
		if ((p->milestones[i].due.after = plan_milestone_index(p, n->scalar)) < 0)
			return ydoc_error(c->d, n, c->e, "due.after: unknown milestone '%s'",
			                  n->scalar);
	}
	for (size_t i = 0; i < p->nmilestones; i++) {
		int other = p->milestones[i].renamed_from
		                    ? plan_milestone_index(p, p->milestones[i].renamed_from)
		                    : -1;

		if (other >= 0)
			return ydoc_error(c->d, c->d->root, c->e, "milestone '%s' is renamed_from "
			                  "'%s', which is still a milestone of the plan (line %d)",
			                  p->milestones[i].id, p->milestones[i].renamed_from,
			                  p->milestones[other].line);
	}
	p->order = xcalloc(p->nmilestones ? p->nmilestones : 1, sizeof(*p->order));
	state = xcalloc(p->nmilestones ? p->nmilestones : 1, 1);
	path = xcalloc(p->nmilestones ? p->nmilestones : 1, sizeof(*path));
	for (size_t i = 0; i < p->nmilestones && rc == 0; i++)
		rc = place(c, i, state, path, &k);
	free(path);
	free(state);
	return rc;
}
