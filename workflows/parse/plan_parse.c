/*
 * plan_parse.c - a plan file into a validated struct plan (plan.h, docs/plan-format.md).
 *
 * The tree from ydoc is walked once, top to bottom, in an order where every name is defined
 * before it is used: roles, then lifecycles and escalations, then phases and milestones;
 * `after` dues are resolved last, when every milestone id is known. Each check reports the
 * node at fault, so the first error a plan's author sees points at the line to fix.
 */
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "base/log.h"
#include "time/tz.h"
#include "base/xalloc.h"
#include "workflows/parse/plan_int.h"

/* "HH:MM" or "HH:MM:SS", two digits each, into seconds since midnight. */
int
plan_parse_clock(const char *s, int *out)
{
	int v[3] = {0, 0, 0}, n = 0;
	static const int max[3] = {23, 59, 59};

	for (;;) {
		if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
			return -1;
		v[n] = (s[0] - '0') * 10 + (s[1] - '0');
		if (v[n] > max[n])
			return -1;
		s += 2;
		n++;
		if (*s == '\0')
			break;
		if (*s++ != ':' || n == 3)
			return -1;
	}
	if (n < 2)
		return -1;
	*out = v[0] * 3600 + v[1] * 60 + v[2];
	return 0;
}

int
plan_text(struct pctx *c, const struct ydoc_node *n, const char *what, size_t max,
          const char **out)
{
	char why[160];
	int rc;

	if ((rc = ydoc_string(c->d, n, what, out, c->e)) != 0)
		return rc;
	if (utf8_too_long(*out, max, why, sizeof(why)) != NULL)
		return ydoc_error(c->d, n, c->e, "%s is %s", what, why);
	return 0;
}

int
plan_dup_string(struct pctx *c, const struct ydoc_node *n, const char *what, char **out)
{
	const char *s;
	int rc;

	if ((rc = plan_text(c, n, what, UTF8_LINE_MAX, &s)) != 0)
		return rc;
	*out = xstrdup(s);
	return 0;
}

static int
parse_header(struct pctx *c, const struct ydoc_node *root)
{
	const struct ydoc_node *id, *title, *zone, *n;
	struct plan *p = c->p;
	struct dberr tzerr;
	struct tz *z = NULL;
	const char *s;
	int rc;

	if ((rc = plan_need(c, root, "the plan", "plan", &id)) ||
	    (rc = plan_need(c, root, "the plan", "title", &title)) ||
	    (rc = plan_need(c, root, "the plan", "timezone", &zone)) ||
	    (rc = plan_read_id(c, id, "plan", PLAN_ID_STRICT, &s)))
		return rc;
	p->id = xstrdup(s);
	if ((rc = plan_dup_string(c, title, "title", &p->title)) ||
	    (rc = plan_dup_string(c, zone, "timezone", &p->timezone)))
		return rc;
	dberr_clear(&tzerr);
	if (tz_open(p->timezone, &z, &tzerr) != 0)
		return ydoc_error(c->d, zone, c->e, "unknown time zone '%s': use an IANA name "
		                  "such as Asia/Shanghai or UTC", p->timezone);
	tz_free(z);
	p->notify_at = 9 * 3600;
	if ((n = ydoc_get(root, "notify_at")) != NULL &&
	    ((rc = ydoc_string(c->d, n, "notify_at", &s, c->e)) != 0 ||
	     plan_parse_clock(s, &p->notify_at) != 0))
		return rc ? rc : ydoc_error(c->d, n, c->e, "notify_at '%s' is not a time of day "
		                            "(HH:MM or HH:MM:SS, e.g. \"09:00\")", s);
	/* a folder's path, not a text people read: no length of its own */
	if ((n = ydoc_get(root, "templates")) != NULL) {
		if ((rc = ydoc_string(c->d, n, "templates", &s, c->e)) != 0)
			return rc;
		p->templates = xstrdup(s);
	}
	return 0;
}

/* "mon".."sun" into ISO weekday 1..7, or 0. */
int
plan_weekday(const char *s)
{
	static const char *const names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

	for (int i = 0; i < 7; i++)
		if (strcmp(s, names[i]) == 0)
			return i + 1;
	return 0;
}

static int
parse_industries(struct pctx *c, const struct ydoc_node *n)
{
	struct plan *p = c->p;
	int rc;

	if (n == NULL)
		return 0;
	if ((rc = ydoc_expect(c->d, n, YDOC_MAP, "industries", c->e)) != 0)
		return rc;
	p->industries = xcalloc(n->n ? n->n : 1, sizeof(*p->industries));
	for (size_t i = 0; i < n->n; i++) {
		struct plan_industry *ind = &p->industries[p->nindustries++];

		if ((rc = plan_check_key_id(c, n->pairs[i].key, "an industry", PLAN_ID_NAME)))
			return rc;
		ind->id = xstrdup(n->pairs[i].key->scalar);
		hmap_put(&p->industry_ids, ind->id, i);
		if ((rc = plan_dup_string(c, n->pairs[i].value, "an industry's title",
		                          &ind->title)))
			return rc;
	}
	return 0;
}

static int
parse_role(struct pctx *c, struct plan_role *r, const struct ydoc_node *key,
           const struct ydoc_node *n)
{
	static const char *const keys[] = {"title", "per", "unit", NULL};
	const struct ydoc_node *title, *per, *unit;
	const char *s;
	int rc;

	if ((rc = plan_check_key_id(c, key, "a role", PLAN_ID_NAME)) != 0)
		return rc;
	if (strcmp(key->scalar, "owner") == 0 || strcmp(key->scalar, "submit_to") == 0)
		return ydoc_error(c->d, key, c->e, "'%s' is reserved in notify lists and cannot "
		                  "be a role id", key->scalar);
	r->id = xstrdup(key->scalar);
	if ((rc = ydoc_check_keys(c->d, n, "a role", keys, c->e)) ||
	    (rc = plan_need(c, n, "a role", "title", &title)) ||
	    (rc = plan_dup_string(c, title, "a role's title", &r->title)))
		return rc;
	if ((unit = ydoc_get(n, "unit")) != NULL && unit->type == YDOC_MAP) {
		/* {county: 党委、人民政府, city: …, park: 党工委、管委会}: by the jurisdiction's kind */
		static const char *const kinds[] = {"county", "city", "park", NULL};

		if ((rc = ydoc_check_keys(c->d, unit, "unit", kinds, c->e)) != 0)
			return rc;
		for (size_t k = 0; kinds[k]; k++) {
			const struct ydoc_node *v = ydoc_get(unit, kinds[k]);

			if (v && (rc = plan_dup_string(c, v, "unit", &r->unit_kind[k])) != 0)
				return rc;
		}
	} else if (unit != NULL && (rc = plan_dup_string(c, unit, "unit", &r->unit)) != 0) {
		return rc;
	}
	r->per = PLAN_PER_NONE;
	if ((per = ydoc_get(n, "per")) == NULL)
		return 0;
	if ((rc = ydoc_string(c->d, per, "per", &s, c->e)) != 0)
		return rc;
	if (strcmp(s, "jurisdiction") == 0)
		r->per = PLAN_PER_JURISDICTION;
	else if (strcmp(s, "enterprise") == 0)
		r->per = PLAN_PER_ENTERPRISE;
	else
		return ydoc_error(c->d, per, c->e, "per '%s' is not jurisdiction or enterprise "
		                  "(leave it out for a single office)", s);
	return 0;
}

/* issuer: {name, short, basis, clause, accountability_clause, work, area, report_to,
 * contact}, every key optional text. */
static int
parse_issuer(struct pctx *c, const struct ydoc_node *n)
{
	static const char *const keys[] = {"name", "short", "basis", "clause",
	                                   "accountability_clause", "work", "area",
	                                   "report_to", "contact", NULL};
	struct plan_issuer *is = &c->p->issuer;
	char **fields[] = {&is->name, &is->short_name, &is->basis, &is->clause,
	                   &is->accountability_clause, &is->work, &is->area, &is->report_to,
	                   &is->contact};
	const struct ydoc_node *v;
	int rc;

	if (n == NULL)
		return 0;
	if ((rc = ydoc_expect(c->d, n, YDOC_MAP, "issuer", c->e)) != 0 ||
	    (rc = ydoc_check_keys(c->d, n, "issuer", keys, c->e)) != 0)
		return rc;
	for (size_t i = 0; keys[i]; i++)
		if ((v = ydoc_get(n, keys[i])) != NULL &&
		    (rc = plan_dup_string(c, v, keys[i], fields[i])) != 0)
			return rc;
	return 0;
}

static int
parse_roles(struct pctx *c, const struct ydoc_node *n)
{
	struct plan *p = c->p;
	int rc;

	if ((rc = ydoc_expect(c->d, n, YDOC_MAP, "roles", c->e)) != 0)
		return rc;
	if (n->n == 0)
		return ydoc_error(c->d, n, c->e, "roles is empty; a plan needs at least one role");
	p->roles = xcalloc(n->n, sizeof(*p->roles));
	for (size_t i = 0; i < n->n; i++) {
		p->nroles++;
		if ((rc = parse_role(c, &p->roles[i], n->pairs[i].key, n->pairs[i].value)) != 0)
			return rc;
		hmap_put(&p->role_ids, p->roles[i].id, i);
	}
	return 0;
}

/* correction and grace: plan-wide defaults a milestone may override. */
static int
parse_periods(struct pctx *c, const struct ydoc_node *root)
{
	const struct ydoc_node *v;
	int rc;

	c->p->grace = (struct plan_offset){PLAN_DEFAULT_GRACE_DAYS, PLAN_WORKDAYS};
	if ((v = ydoc_get(root, "correction")) != NULL &&
	    (rc = plan_read_period(c, v, "correction", 1, &c->p->correction)) != 0)
		return rc;
	if ((v = ydoc_get(root, "grace")) != NULL &&
	    (rc = plan_read_period(c, v, "grace", 0, &c->p->grace)) != 0)
		return rc;
	return 0;
}

/* registry: {where: {ATTR: VALUE}}: the jurisdictions this plan runs over. */
static int
parse_registry(struct pctx *c, const struct ydoc_node *n)
{
	static const char *const keys[] = {"where", NULL};
	const struct ydoc_node *where;
	int rc;

	if (n == NULL)
		return 0;
	if ((rc = ydoc_check_keys(c->d, n, "registry", keys, c->e)) ||
	    (rc = plan_need(c, n, "registry", "where", &where)))
		return rc;
	if (where->type == YDOC_MAP && where->n == 0)
		return ydoc_error(c->d, where, c->e, "registry.where selects nothing; leave "
		                  "registry out to run over every jurisdiction");
	return plan_parse_where(c, where, "registry.where", &c->p->registry, &c->p->nregistry);
}

static int
parse_root(struct pctx *c)
{
	static const char *const keys[] = {"plan", "title", "timezone", "notify_at",
	                                   "calendar", "industries", "templates", "roles",
	                                   "lifecycles", "escalations", "conduct",
	                                   "accountability", "dispatch", "phases", "issuer",
	                                   "correction", "grace", "registry", "notices",
	                                   NULL};
	const struct ydoc_node *root = c->d->root, *roles, *phases;
	int rc;

	if ((rc = ydoc_check_keys(c->d, root, "the plan", keys, c->e)) ||
	    (rc = parse_header(c, root)) ||
	    (rc = parse_issuer(c, ydoc_get(root, "issuer"))) ||
	    (rc = plan_need(c, root, "the plan", "roles", &roles)) ||
	    (rc = plan_need(c, root, "the plan", "phases", &phases)) ||
	    (rc = plan_parse_calendar(c, ydoc_get(root, "calendar"))) ||
	    (rc = parse_industries(c, ydoc_get(root, "industries"))) ||
	    (rc = parse_roles(c, roles)) ||
	    (rc = plan_parse_lifecycles(c, ydoc_get(root, "lifecycles"))) ||
	    (rc = plan_parse_escalations(c, ydoc_get(root, "escalations"))) ||
	    (rc = plan_parse_conduct(c, ydoc_get(root, "conduct"))) ||
	    (rc = plan_parse_accountability(c, ydoc_get(root, "accountability"))) ||
	    (rc = plan_parse_dispatch(c, ydoc_get(root, "dispatch"))) ||
	    (rc = parse_periods(c, root)) ||
	    (rc = parse_registry(c, ydoc_get(root, "registry"))) ||
	    (rc = plan_parse_notices(c, ydoc_get(root, "notices"))) ||
	    (rc = plan_parse_phases(c, phases)))
		return rc;
	return plan_resolve_after(c);
}

static int parse_any(const char *name, const char *data, size_t len,
                     const struct plan_opts *o, bool stored, struct plan **out,
                     struct dberr *e);

int
plan_parse_buffer(const char *name, const char *data, size_t len, const struct plan_opts *o,
                  struct plan **out, struct dberr *e)
{
	return parse_any(name, data, len, o, false, out, e);
}

int
plan_parse_stored(const char *name, const char *data, size_t len, const struct plan_opts *o,
                  struct plan **out, struct dberr *e)
{
	return parse_any(name, data, len, o, true, out, e);
}

void
plan_pctx_release(struct pctx *c)
{
	free(c->after);
	c->after = NULL;
	hmap_release(&c->phase_ids);
	hmap_release(&c->escalation_ids);
	hmap_release(&c->lifecycle_ids);
}

static int
parse_any(const char *name, const char *data, size_t len, const struct plan_opts *o,
          bool stored, struct plan **out, struct dberr *e)
{
	struct pctx c = {0};
	struct ydoc *d = NULL;
	int rc;

	if ((rc = ydoc_parse(name, data, len, &d, e)) != 0)
		return rc;
	c.d = d;
	c.e = e;
	c.opts = o;
	c.stored = stored;
	c.p = xcalloc(1, sizeof(*c.p));
	if ((rc = parse_root(&c)) != 0)
		goto fail;
	c.p->source_path = xstrdup(name);
	sha256_hex(data, len, c.p->sha256);
	plan_pctx_release(&c);
	ydoc_free(d);
	*out = c.p;
	return 0;
fail:
	plan_pctx_release(&c);
	plan_free(c.p);
	ydoc_free(d);
	return rc;
}

int
plan_parse_file(const char *path, const struct plan_opts *o, struct plan **out,
                struct dberr *e)
{
	char *data = NULL;
	size_t len = 0;
	int rc;

	if ((rc = file_read(path, FILE_MAX_INPUT, &data, &len, e)) != 0)
		return rc;
	rc = plan_parse_buffer(path, data, len, o, out, e);
	free(data);
	return rc;
}

static void
targets_free(struct plan_target *t)
{
	free(t);
}

static void
where_free(struct plan_where *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(w[i].attr);
		for (size_t k = 0; k < w[i].nvalues; k++)
			free(w[i].values[k]);
		free(w[i].values);
		hmap_release(&w[i].index);
	}
	free(w);
}

static void
milestone_release(struct plan_milestone *m)
{
	free(m->id);
	free(m->title);
	free(m->description);
	free(m->renamed_from);
	where_free(m->where, m->nwhere);
	free(m->due.field);
	free(m->remind);
	for (size_t i = 0; i < m->nrequires; i++) {
		free(m->requires[i]);
		free(m->requires_titles[i]);
	}
	free(m->requires);
	free(m->requires_titles);
	hmap_release(&m->section_ids);
	hmap_release(&m->section_titles);
}

void
plan_free(struct plan *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nroles; i++) {
		free(p->roles[i].id);
		free(p->roles[i].title);
		free(p->roles[i].unit);
		for (size_t k = 0; k < 3; k++)
			free(p->roles[i].unit_kind[k]);
	}
	for (size_t i = 0; i < p->nlifecycles; i++)
		plan_lifecycle_release(&p->lifecycles[i]);
	for (size_t i = 0; i < p->nescalations; i++) {
		for (size_t k = 0; k < p->escalations[i].nsteps; k++) {
			free(p->escalations[i].steps[k].kind);
			targets_free(p->escalations[i].steps[k].notify);
		}
		free(p->escalations[i].steps);
		free(p->escalations[i].id);
	}
	for (size_t i = 0; i < p->nconduct; i++) {
		free(p->conduct[i].kind);
		targets_free(p->conduct[i].notify);
		targets_free(p->conduct[i].decide);
		free(p->conduct[i].owners);
	}
	for (size_t i = 0; i < p->nphases; i++) {
		free(p->phases[i].id);
		free(p->phases[i].title);
	}
	for (size_t i = 0; i < p->nmilestones; i++)
		milestone_release(&p->milestones[i]);
	for (size_t i = 0; i < p->nindustries; i++) {
		free(p->industries[i].id);
		free(p->industries[i].title);
	}
	plan_calendar_release(p);
	free(p->roles);
	free(p->lifecycles);
	free(p->escalations);
	free(p->conduct);
	free(p->accountability);
	free(p->dispatch.notify);
	for (size_t i = 0; i < p->notices.nhold; i++)
		free(p->notices.hold[i]);
	free(p->notices.hold);
	for (size_t i = 0; i < p->notices.ngroup; i++)
		free(p->notices.group[i]);
	free(p->notices.group);
	free(p->phases);
	free(p->milestones);
	free(p->order);
	hmap_release(&p->milestone_ids);
	hmap_release(&p->role_ids);
	hmap_release(&p->renamed_ids);
	hmap_release(&p->industry_ids);
	free(p->industries);
	free(p->id);
	free(p->title);
	free(p->timezone);
	free(p->templates);
	free(p->issuer.name);
	free(p->issuer.short_name);
	free(p->issuer.basis);
	free(p->issuer.clause);
	free(p->issuer.accountability_clause);
	free(p->issuer.work);
	free(p->issuer.area);
	free(p->issuer.report_to);
	free(p->issuer.contact);
	where_free(p->registry, p->nregistry);
	free(p->source_path);
	free(p);
}

bool
plan_state_withdrawn(const char *state)
{
	return strcmp(state, PLAN_STATE_CANCELLED) == 0 ||
	       strcmp(state, PLAN_STATE_NOT_APPLICABLE) == 0;
}

int
plan_role_index(const struct plan *p, const char *id)
{
	size_t i;

	/* by the index the parser keeps: every milestone's owner of a plan of 100,000 roles
	 * is found in constant time (review 13e, E3) */
	return hmap_get(&p->role_ids, id, &i) ? (int)i : -1;
}

int
plan_milestone_index(const struct plan *p, const char *id)
{
	size_t i;

	/* by the index the parser keeps: a plan of 100,000 milestones, and every task of a
	 * store, looks its milestone up in constant time */
	return hmap_get(&p->milestone_ids, id, &i) ? (int)i : -1;
}

bool
plan_where_has(const struct plan_where *w, const char *value)
{
	return hmap_get(&w->index, value, NULL);
}

int
plan_section_index(const struct plan_milestone *m, const char *id)
{
	size_t i;

	return hmap_get(&m->section_ids, id, &i) ? (int)i : -1;
}

int
plan_section_named(const struct plan_milestone *m, const char *name)
{
	int by_id = plan_section_index(m, name);
	size_t i;

	/* the first section it names, as a scan in order would find it: a title may be
	 * another section's id */
	if (hmap_get(&m->section_titles, name, &i) && (by_id < 0 || (int)i < by_id))
		return (int)i;
	return by_id;
}

int
plan_industry_index(const struct plan *p, const char *id)
{
	size_t i;

	return hmap_get(&p->industry_ids, id, &i) ? (int)i : -1;
}

int
plan_renamed_index(const struct plan *p, const char *old_id)
{
	size_t i;

	/* by the index the parser keeps, as plan_milestone_index: a version 2 renaming each
	 * of 100,000 milestones finds each old task's new milestone in constant time
	 * (review 13f, C4) */
	return hmap_get(&p->renamed_ids, old_id, &i) ? (int)i : -1;
}

void
plan_offset_format(const struct plan_offset *o, char *out)
{
	static const char *const suffix[] = {"d", "wd", "h", "m", "s"};

	snprintf(out, 24, "%lld%s", (long long)o->n,
	         (unsigned)o->unit < 5 ? suffix[o->unit] : "?");
}
