/*
 * plan_milestone.c - phases and their milestones: who owes what, for whom, and when.
 */
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "workflows/parse/plan_int.h"

static int
role_ref(struct pctx *c, const struct ydoc_node *n, const char *what, int *out)
{
	const char *s;
	int rc;

	if ((rc = ydoc_string(c->d, n, what, &s, c->e)) != 0)
		return rc;
	if ((*out = plan_role_index(c->p, s)) < 0)
		return ydoc_error(c->d, n, c->e, "%s: unknown role '%s'", what, s);
	return 0;
}

/* "YYYY-MM-DDTHH:MM[:SS]" */
static int
parse_datetime(const char *s, int32_t *day, int *sec)
{
	char date[11];

	if (strlen(s) < 16 || s[10] != 'T')
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (cal_parse_date(date, day) != 0)
		return -1;
	return plan_parse_clock(s + 11, sec);
}

/* "1 month", "2 weeks", "day": an interval and a frequency. */
static int
parse_every(const char *s, int *interval, enum cal_freq *freq)
{
	static const struct {
		const char *name;
		enum cal_freq f;
	} names[] = {{"day", CAL_DAY},     {"days", CAL_DAY},     {"week", CAL_WEEK},
	             {"weeks", CAL_WEEK},  {"month", CAL_MONTH}, {"months", CAL_MONTH}};
	long n = 1;

	if (*s >= '0' && *s <= '9') {
		for (n = 0; *s >= '0' && *s <= '9'; s++)
			if ((n = n * 10 + (*s - '0')) > 1000)
				return -1;
		if (*s++ != ' ')
			return -1;
	}
	if (n < 1)
		return -1;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i].name) == 0) {
			*interval = (int)n;
			*freq = names[i].f;
			return 0;
		}
	return -1;
}

/* A number that orders periods of one frequency, so `until` can be compared with `from`
 * even when one is written as a month and the other as a date inside it. */
static int64_t
period_key(enum cal_freq f, int32_t day)
{
	int y, m, d, w;

	switch (f) {
	case CAL_MONTH:
		cal_civil_from_days(day, &y, &m, &d);
		return (int64_t)y * 12 + m;
	case CAL_WEEK:
		cal_iso_week(day, &y, &w);
		return (int64_t)y * 54 + w;
	default:
		return day;
	}
}

static int
parse_recur_day(struct pctx *c, struct cal_recur *r, const struct ydoc_node *day)
{
	long v;
	int rc;

	if (r->freq == CAL_DAY) {
		if (day != NULL)
			return ydoc_error(c->d, day, c->e, "a daily due takes no 'day'");
		return 0;
	}
	if (r->freq == CAL_WEEK && day->type == YDOC_SCALAR && plan_weekday(day->scalar) > 0) {
		r->day = plan_weekday(day->scalar);
		return 0;
	}
	if (r->freq == CAL_WEEK)
		rc = ydoc_int(c->d, day, "day (of the week: 1..7 or mon..sun)", 1, 7, &v, c->e);
	else
		rc = ydoc_int(c->d, day, "day (of the month)", 1, 31, &v, c->e);
	if (rc == 0)
		r->day = (int)v;
	return rc;
}

static int
parse_recur(struct pctx *c, struct plan_due *due, const struct ydoc_node *n)
{
	static const char *const keys[] = {"every", "day", "from", "until", NULL};
	static const char *const forms[] = {"a date", "YYYY-Www or a date",
	                                    "YYYY-MM or a date"};
	struct cal_recur *r = &due->recur;
	const struct ydoc_node *every, *from, *until, *day = ydoc_get(n, "day");
	const char *s;
	int rc;

	if ((rc = ydoc_check_keys(c->d, n, "due", keys, c->e)) ||
	    (rc = plan_need(c, n, "a recurring due", "every", &every)) ||
	    (rc = plan_need(c, n, "a recurring due", "from", &from)) ||
	    (rc = plan_need(c, n, "a recurring due", "until", &until)) ||
	    (rc = ydoc_string(c->d, every, "every", &s, c->e)))
		return rc;
	if (parse_every(s, &r->interval, &r->freq) != 0)
		return ydoc_error(c->d, every, c->e, "every '%s' is not valid: write N month, N "
		                  "week or N day with N >= 1, e.g. '1 month'", s);
	if (r->freq != CAL_DAY && day == NULL)
		return ydoc_error(c->d, n, c->e, "a recurring due every %s needs 'day' (%s)", s,
		                  r->freq == CAL_MONTH ? "1..31" : "1..7 or mon..sun");
	if ((rc = parse_recur_day(c, r, day)) != 0)
		return rc;
	if ((rc = ydoc_string(c->d, from, "from", &s, c->e)) != 0)
		return rc;
	if (cal_parse_period(r->freq, s, &r->from) != 0)
		return ydoc_error(c->d, from, c->e, "from '%s' is not %s", s, forms[r->freq]);
	if ((rc = plan_check_year(c, from, "from", r->from)) != 0 ||
	    (rc = ydoc_string(c->d, until, "until", &s, c->e)) != 0)
		return rc;
	if (cal_parse_period(r->freq, s, &r->until) != 0)
		return ydoc_error(c->d, until, c->e, "until '%s' is not %s", s, forms[r->freq]);
	if ((rc = plan_check_year(c, until, "until", r->until)) != 0)
		return rc;
	if (period_key(r->freq, r->until) < period_key(r->freq, r->from))
		return ydoc_error(c->d, until, c->e, "until '%s' is before from '%s'", s,
		                  from->scalar);
	due->kind = PLAN_DUE_EVERY;
	return 0;
}

static int
parse_due_map(struct pctx *c, struct plan_milestone *m, size_t mi, const struct ydoc_node *n)
{
	static const char *const fkeys[] = {"field", NULL};
	static const char *const akeys[] = {"after", "plus", NULL};
	const struct ydoc_node *v;
	const char *s;
	int rc;

	if (ydoc_get(n, "every") != NULL)
		return parse_recur(c, &m->due, n);
	if ((v = ydoc_get(n, "field")) != NULL) {
		if ((rc = ydoc_check_keys(c->d, n, "due", fkeys, c->e)) ||
		    (rc = ydoc_string(c->d, v, "due.field", &s, c->e)))
			return rc;
		if (m->for_ == PLAN_FOR_ONCE)
			return ydoc_error(c->d, v, c->e, "due.field takes a date from each subject; "
			                  "use it with for: each enterprise or each jurisdiction");
		m->due.kind = PLAN_DUE_FIELD;
		m->due.field = xstrdup(s);
		return 0;
	}
	if ((v = ydoc_get(n, "after")) != NULL) {
		if ((rc = ydoc_check_keys(c->d, n, "due", akeys, c->e)) ||
		    (rc = plan_read_id(c, v, "due.after", PLAN_ID_STRICT, &s)))
			return rc;
		m->due.kind = PLAN_DUE_AFTER;
		m->due.after = -1;
		c->after[mi] = v;
		if ((v = ydoc_get(n, "plus")) == NULL)
			return 0;
		return plan_read_offset(c, v, "due.plus", PLAN_UNITS_DAYS, &m->due.plus);
	}
	return ydoc_error(c->d, n, c->e, "due must be a date, a date-time, or a mapping with "
	                  "every, field or after");
}

static int
parse_due(struct pctx *c, struct plan_milestone *m, size_t mi, const struct ydoc_node *n)
{
	const char *s;
	int rc;

	if (n->type == YDOC_MAP)
		return parse_due_map(c, m, mi, n);
	if ((rc = ydoc_string(c->d, n, "due", &s, c->e)) != 0)
		return rc;
	if (cal_parse_date(s, &m->due.date) == 0) {
		m->due.kind = PLAN_DUE_DATE;
		return plan_check_year(c, n, "due", m->due.date);
	}
	if (parse_datetime(s, &m->due.date, &m->due.sec_of_day) == 0) {
		m->due.kind = PLAN_DUE_DATETIME;
		return plan_check_year(c, n, "due", m->due.date);
	}
	return ydoc_error(c->d, n, c->e, "due '%s' is not a valid date (YYYY-MM-DD) or local "
	                  "date-time (YYYY-MM-DDTHH:MM[:SS])", s);
}

/* Values are compared as strings with the registry's; YAML's booleans are spelt one way. */
static char *
where_value(const struct ydoc_node *n)
{
	static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", NULL};
	static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO", NULL};

	for (size_t i = 0; n->plain && yes[i] != NULL; i++) {
		if (strcmp(n->scalar, yes[i]) == 0)
			return xstrdup("true");
		if (strcmp(n->scalar, no[i]) == 0)
			return xstrdup("false");
	}
	return xstrdup(n->scalar);
}

int
plan_parse_where(struct pctx *c, const struct ydoc_node *n, const char *what,
                 struct plan_where **out, size_t *nout)
{
	struct plan_where *where;
	const char *s;
	int rc;

	if ((rc = ydoc_expect(c->d, n, YDOC_MAP, what, c->e)) != 0)
		return rc;
	where = *out = xcalloc(n->n ? n->n : 1, sizeof(*where));
	for (size_t i = 0; i < n->n; i++) {
		struct plan_where *w = &where[(*nout)++];
		const struct ydoc_node *v = n->pairs[i].value;
		const struct ydoc_node *const *vals =
		        v->type == YDOC_SEQ ? (const struct ydoc_node *const *)v->items : &v;
		size_t nvals = v->type == YDOC_SEQ ? v->n : 1;

		w->attr = xstrdup(n->pairs[i].key->scalar);
		if (v->type == YDOC_MAP || nvals == 0)
			return ydoc_error(c->d, v, c->e, "%s.%s must be a value or a non-empty "
			                  "list of values", what, w->attr);
		w->values = xcalloc(nvals, sizeof(*w->values));
		for (size_t k = 0; k < nvals; k++) {
			if ((rc = ydoc_string(c->d, vals[k], "a where value", &s, c->e)) != 0)
				return rc;
			w->values[w->nvalues] = where_value(vals[k]);
			hmap_put(&w->index, w->values[w->nvalues], w->nvalues);
			w->nvalues++;
		}
	}
	return 0;
}

static int
parse_where(struct pctx *c, struct plan_milestone *m, const struct ydoc_node *n)
{
	if (n->type == YDOC_MAP && m->for_ == PLAN_FOR_ONCE)
		return ydoc_error(c->d, n, c->e, "where selects subjects; use it with for: each "
		                  "enterprise or each jurisdiction");
	return plan_parse_where(c, n, "where", &m->where, &m->nwhere);
}

static int
parse_remind(struct pctx *c, struct plan_milestone *m, const struct ydoc_node *n)
{
	int rc;

	if ((rc = ydoc_expect(c->d, n, YDOC_SEQ, "remind", c->e)) != 0)
		return rc;
	if (n->n > PLAN_MAX_REMIND)
		return ydoc_error(c->d, n, c->e, "remind lists %zu offsets; at most %d", n->n,
		                  PLAN_MAX_REMIND);
	m->remind = xcalloc(n->n ? n->n : 1, sizeof(*m->remind));
	for (size_t i = 0; i < n->n; i++) {
		struct plan_offset *o = &m->remind[i];

		if ((rc = plan_read_offset(c, n->items[i], "remind", PLAN_UNITS_ALL, o)) != 0)
			return rc;
		if (o->n > 0)
			return ydoc_error(c->d, n->items[i], c->e, "remind '%s' is after the due; "
			                  "reminders count back, e.g. -3d (use escalate for later "
			                  "notices)", n->items[i]->scalar);
		for (size_t k = 0; k < i; k++)
			if (m->remind[k].n == o->n && m->remind[k].unit == o->unit)
				return ydoc_error(c->d, n->items[i], c->e, "remind '%s' is listed "
				                  "twice", n->items[i]->scalar);
		m->nremind++;
	}
	return 0;
}

/* requires: a list of section ids, or a mapping of section id to its title (the title is
 * what notices print; an id alone prints as itself). */
static int
parse_requires(struct pctx *c, struct plan_milestone *m, const struct ydoc_node *n)
{
	size_t count = n->type == YDOC_MAP ? n->n : n->type == YDOC_SEQ ? n->n : 0;
	const char *s, *title;
	int rc = 0;

	if (n->type != YDOC_MAP && (rc = ydoc_expect(c->d, n, YDOC_SEQ, "requires", c->e)) != 0)
		return rc;
	m->requires = xcalloc(count ? count : 1, sizeof(*m->requires));
	m->requires_titles = xcalloc(count ? count : 1, sizeof(*m->requires_titles));
	for (size_t i = 0; i < count; i++) {
		const struct ydoc_node *id = n->type == YDOC_MAP ? n->pairs[i].key : n->items[i];

		if ((rc = plan_read_id(c, id, "a required section", PLAN_ID_NAME, &s)))
			return rc;
		/* the sections so far, by the milestone's map: one milestone's 100,000 sections
		 * are read in linear time (review 13e, E3) */
		if (plan_section_index(m, s) >= 0)
			return ydoc_error(c->d, id, c->e, "section '%s' is required twice", s);
		m->requires[m->nrequires] = xstrdup(s);
		if (n->type == YDOC_MAP) {
			if ((rc = plan_text(c, n->pairs[i].value, "a section's title",
			                     UTF8_LINE_MAX, &title)) != 0) {
				free(m->requires[m->nrequires]); /* not counted yet */
				m->requires[m->nrequires] = NULL;
				return rc;
			}
			m->requires_titles[m->nrequires] = xstrdup(title);
			if (!hmap_get(&m->section_titles, title, NULL))
				hmap_put(&m->section_titles, m->requires_titles[m->nrequires],
				         m->nrequires);
		}
		hmap_put(&m->section_ids, m->requires[m->nrequires], m->nrequires);
		m->nrequires++;
	}
	/* requires decides complete or incomplete; a lifecycle with nowhere to put an
	 * incomplete hand-in would take one naming no section as complete, waiting for review
	 * and never lapsing: the plan is refused rather than made to mean that (review 10e,
	 * M-F) */
	if (m->nrequires > 0 && c->p->lifecycles[m->lifecycle].incomplete < 0)
		return ydoc_error(c->d, n, c->e, "milestone '%s' requires sections, but its "
		                  "lifecycle '%s' has no incomplete state for a submission missing "
		                  "one (it would count as complete): give the lifecycle `incomplete: "
		                  "STATE` (a state its deadline watches) or drop requires", m->id,
		                  c->p->lifecycles[m->lifecycle].id);
	return 0;
}

/* renamed_from: the milestone's id in an earlier version of the plan, so its tasks carry
 * over (docs/plan-format.md); the only way a rename is recognised. */
static int
parse_renamed(struct pctx *c, struct plan_milestone *m, const struct ydoc_node *n)
{
	const char *s;
	int rc, o;

	if ((rc = plan_read_id(c, n, "renamed_from", PLAN_ID_STRICT, &s)) != 0)
		return rc;
	if (strcmp(s, m->id) == 0)
		return ydoc_error(c->d, n, c->e, "renamed_from '%s' is the milestone's own id", s);
	/* the claims so far by a map, not a scan of every milestone: a plan whose 100,000
	 * milestones each carry renamed_from took 33 s to check (review 13f, C4) */
	if ((o = plan_renamed_index(c->p, s)) >= 0)
		return ydoc_error(c->d, n, c->e, "renamed_from '%s' is claimed by milestone "
		                  "'%s' too", s, c->p->milestones[o].id);
	m->renamed_from = xstrdup(s);
	hmap_put(&c->p->renamed_ids, m->renamed_from, (size_t)(m - c->p->milestones));
	m->renamed_line = n->line;
	m->renamed_col = n->col;
	return 0;
}

/* Who owes a milestone must match whom it is for: each jurisdiction's task goes to that
 * jurisdiction's department, each enterprise's to the enterprise, a single task to an
 * office. Anything else would leave the engine guessing whose address to use. */
static int
parse_for(struct pctx *c, struct plan_milestone *m, const struct ydoc_node *forn,
          const struct ydoc_node *owner)
{
	static const char *const fors[] = {"once", "each jurisdiction", "each enterprise"};
	static const char *const pers[] = {"an office (no per)", "per: jurisdiction",
	                                   "per: enterprise"};
	const struct plan_role *r = &c->p->roles[m->owner];
	const char *s;
	int rc, i;

	if ((rc = ydoc_string(c->d, forn, "for", &s, c->e)) != 0)
		return rc;
	for (i = 0; i < 3 && strcmp(s, fors[i]) != 0; i++)
		;
	if (i == 3)
		return ydoc_error(c->d, forn, c->e, "for '%s' is not one of: once, each "
		                  "jurisdiction, each enterprise", s);
	m->for_ = (enum plan_for)i;
	if ((int)r->per != i)
		return ydoc_error(c->d, owner, c->e, "owner '%s' is %s, but a milestone for %s "
		                  "needs an owner role that is %s", r->id, pers[r->per], s,
		                  pers[i]);
	return 0;
}

static int
named_index(struct pctx *c, const struct ydoc_node *n, const char *what,
            const struct hmap *ids, int *out)
{
	const char *s;
	size_t i;
	int rc;

	if ((rc = ydoc_string(c->d, n, what, &s, c->e)) != 0)
		return rc;
	if (hmap_get(ids, s, &i)) {
		*out = (int)i;
		return 0;
	}
	return ydoc_error(c->d, n, c->e, "%s: unknown %s '%s'", what, what, s);
}

static int
parse_milestone(struct pctx *c, struct plan_milestone *m, size_t mi,
                const struct ydoc_node *n)
{
	static const char *const keys[] = {"id", "title", "description", "owner", "for",
	                                   "where", "submit_to", "due", "remind", "escalate",
	                                   "lifecycle", "requires", "covers", "correction",
	                                   "grace", "renamed_from", "form", NULL};
	const struct ydoc_node *id, *title, *owner, *forn, *due, *v;
	struct plan *p = c->p;
	const char *s;
	int rc;

	m->submit_to = m->escalate = -1;
	m->line = n->line;
	if ((rc = ydoc_check_keys(c->d, n, "a milestone", keys, c->e)) ||
	    (rc = plan_need(c, n, "a milestone", "id", &id)) ||
	    (rc = plan_read_id(c, id, "milestone", PLAN_ID_STRICT, &s)))
		return rc;
	if (plan_milestone_index(p, s) >= 0)
		return ydoc_error(c->d, id, c->e, "milestone id '%s' is used twice (first at "
		                  "line %d)", s, p->milestones[plan_milestone_index(p, s)].line);
	m->id = xstrdup(s);
	hmap_put(&p->milestone_ids, m->id, (size_t)(m - p->milestones));
	if ((rc = plan_need(c, n, "a milestone", "title", &title)) ||
	    (rc = plan_need(c, n, "a milestone", "owner", &owner)) ||
	    (rc = plan_need(c, n, "a milestone", "for", &forn)) ||
	    (rc = plan_need(c, n, "a milestone", "due", &due)) ||
	    (rc = plan_text(c, title, "title", UTF8_LINE_MAX, &s)))
		return rc;
	m->title = xstrdup(s);
	if ((v = ydoc_get(n, "description")) != NULL) {
		if ((rc = plan_text(c, v, "description", UTF8_PARA_MAX, &s)) != 0)
			return rc;
		m->description = xstrdup(s);
	}
	if ((rc = role_ref(c, owner, "owner", &m->owner)) ||
	    (rc = parse_for(c, m, forn, owner)) ||
	    ((v = ydoc_get(n, "where")) && (rc = parse_where(c, m, v))) ||
	    ((v = ydoc_get(n, "submit_to")) && (rc = role_ref(c, v, "submit_to", &m->submit_to))) ||
	    (rc = parse_due(c, m, mi, due)) ||
	    ((v = ydoc_get(n, "remind")) && (rc = parse_remind(c, m, v))) ||
	    ((v = ydoc_get(n, "escalate")) &&
	     (rc = named_index(c, v, "escalation", &c->escalation_ids, &m->escalate))) ||
	    ((v = ydoc_get(n, "lifecycle")) &&
	     (rc = named_index(c, v, "lifecycle", &c->lifecycle_ids, &m->lifecycle))) ||
	    ((v = ydoc_get(n, "requires")) && (rc = parse_requires(c, m, v))) ||
	    ((v = ydoc_get(n, "renamed_from")) && (rc = parse_renamed(c, m, v))))
		return rc;
	/* an escalation starts at a lapse: on a lifecycle without a deadline it never would,
	 * and the plan would promise a ladder nobody climbs (review 10f, F6) */
	if (m->escalate >= 0 && p->lifecycles[m->lifecycle].deadline_to < 0 && !c->stored)
		return ydoc_error(c->d, ydoc_get(n, "escalate"), c->e, "milestone '%s' escalates "
		                  "(escalate: %s), but its lifecycle '%s' has no deadline, so its "
		                  "tasks never lapse and the escalation never starts: give the "
		                  "lifecycle `deadline: {from: [...], to: STATE}` or drop escalate",
		                  m->id, p->escalations[m->escalate].id,
		                  p->lifecycles[m->lifecycle].id);
	m->correction = p->correction;
	m->grace = p->grace;
	if ((v = ydoc_get(n, "correction")) != NULL &&
	    (rc = plan_read_period(c, v, "correction", 1, &m->correction)) != 0)
		return rc;
	if ((v = ydoc_get(n, "grace")) != NULL &&
	    (rc = plan_read_period(c, v, "grace", 0, &m->grace)) != 0)
		return rc;
	if ((v = ydoc_get(n, "covers")) != NULL) {
		if ((rc = ydoc_string(c->d, v, "covers", &s, c->e)) != 0)
			return rc;
		if (strcmp(s, "previous") != 0 && strcmp(s, "due") != 0)
			return ydoc_error(c->d, v, c->e, "covers '%s' is not 'due' (the period it "
			                  "is due in, the default) or 'previous' (the period before)", s);
		if (strcmp(s, "previous") == 0 && m->due.kind != PLAN_DUE_EVERY)
			return ydoc_error(c->d, v, c->e, "covers: previous needs a recurring due "
			                  "(every: ...)");
		m->covers_previous = strcmp(s, "previous") == 0;
	}
	if ((v = ydoc_get(n, "form")) != NULL) {
		if ((rc = ydoc_string(c->d, v, "form", &s, c->e)) != 0)
			return rc;
		if (strcmp(s, "annex3") != 0 && strcmp(s, "annex4") != 0)
			return ydoc_error(c->d, v, c->e, "form '%s' is not annex3 (the clean-up "
			                  "summary table) or annex4 (the clean-up detail table)", s);
		/* the forms are a jurisdiction's tables */
		if (m->for_ != PLAN_FOR_JURISDICTION)
			return ydoc_error(c->d, v, c->e, "form: %s is a jurisdiction's table; the "
			                  "milestone must be for: each jurisdiction", s);
		m->form = strcmp(s, "annex3") == 0 ? PLAN_FORM_ANNEX3 : PLAN_FORM_ANNEX4;
	}
	return 0;
}

static int
parse_phase(struct pctx *c, struct plan_phase *ph, size_t pi, const struct ydoc_node *n)
{
	static const char *const keys[] = {"id", "title", "starts", "ends", "milestones", NULL};
	const struct ydoc_node *id, *title, *ms, *v;
	struct plan *p = c->p;
	const char *s;
	int rc;

	ph->starts = ph->ends = CAL_NO_DAY;
	if ((rc = ydoc_check_keys(c->d, n, "a phase", keys, c->e)) ||
	    (rc = plan_need(c, n, "a phase", "id", &id)) ||
	    (rc = plan_need(c, n, "a phase", "title", &title)) ||
	    (rc = plan_read_id(c, id, "phase", PLAN_ID_NAME, &s)))
		return rc;
	if (hmap_get(&c->phase_ids, s, NULL))
		return ydoc_error(c->d, id, c->e, "phase id '%s' is used twice", s);
	ph->id = xstrdup(s);
	hmap_put(&c->phase_ids, ph->id, pi);
	if ((rc = plan_text(c, title, "title", UTF8_LINE_MAX, &s)) != 0)
		return rc;
	ph->title = xstrdup(s);
	if ((v = ydoc_get(n, "starts")) && (rc = plan_read_date(c, v, "starts", &ph->starts)))
		return rc;
	if ((v = ydoc_get(n, "ends")) && (rc = plan_read_date(c, v, "ends", &ph->ends)))
		return rc;
	if (ph->starts != CAL_NO_DAY && ph->ends != CAL_NO_DAY && ph->ends < ph->starts)
		return ydoc_error(c->d, v, c->e, "phase '%s' ends before it starts", ph->id);
	if ((ms = ydoc_get(n, "milestones")) == NULL)
		return 0;
	if ((rc = ydoc_expect(c->d, ms, YDOC_SEQ, "milestones", c->e)) != 0)
		return rc;
	for (size_t i = 0; i < ms->n; i++) {
		size_t mi = p->nmilestones;

		p->milestones = xgrow(p->milestones, &c->capmilestones, mi + 1,
		                      sizeof(*p->milestones));
		c->after = xgrow(c->after, &c->capafter, mi + 1, sizeof(*c->after));
		memset(&p->milestones[mi], 0, sizeof(p->milestones[mi]));
		c->after[mi] = NULL;
		p->nmilestones++;
		p->milestones[mi].phase = (int)pi;
		if ((rc = parse_milestone(c, &p->milestones[mi], mi, ms->items[i])) != 0)
			return rc;
	}
	return 0;
}

int
plan_parse_phases(struct pctx *c, const struct ydoc_node *n)
{
	struct plan *p = c->p;
	int rc;

	if ((rc = ydoc_expect(c->d, n, YDOC_SEQ, "phases", c->e)) != 0)
		return rc;
	if (n->n == 0)
		return ydoc_error(c->d, n, c->e, "phases is empty; a plan needs at least one");
	p->phases = xcalloc(n->n, sizeof(*p->phases));
	for (size_t i = 0; i < n->n; i++) {
		p->nphases++;
		if ((rc = parse_phase(c, &p->phases[i], i, n->items[i])) != 0)
			return rc;
	}
	return 0;
}
