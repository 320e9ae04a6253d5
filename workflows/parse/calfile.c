/*
 * calfile.c - a working-day calendar file into a validated struct calfile (calfile.h).
 *
 * The checks are those a person adding next year's notice gets wrong: a Saturday typed
 * as a worked Friday, a range typed backwards, a day typed twice with two meanings, an
 * amendment numbered out of order, the same day under two notices. Each refusal points at
 * the line to fix; nothing is guessed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/xalloc.h"
#include "time/calendar.h"
#include "workflows/parse/calfile.h"
#include "workflows/parse/plan_int.h"

/* A notice's blocks are a week or two; a year's worth in one range is a typing error. */
#define CALFILE_MAX_RANGE 366

static int
opt_text(struct pctx *c, const struct ydoc_node *map, const char *key, const char *what,
         char **out)
{
	const struct ydoc_node *n = ydoc_get(map, key);

	return n ? plan_dup_string(c, n, what, out) : 0;
}

/* A notice names the days of its year and, around New Year, a few of the neighbouring
 * years' (the 2017 notice's 元旦 block starts 2016-12-31; the 2008 notice has 2007-12-29
 * worked): never before December of the year before, nor after January of the year
 * after. A date outside is a mistyped year, which would move the wrong year's dues. */
static int
check_span(struct pctx *c, const struct ydoc_node *k, const char *what, int year,
           const struct calfile_range *r)
{
	int32_t lo = cal_days_from_civil(year - 1, 12, 1), hi = cal_days_from_civil(year + 1, 1, 31);
	char a[11], b[11];

	if ((r->first >= lo && r->last <= hi) || c->stored)
		return 0;
	cal_format_date(lo, a);
	cal_format_date(hi, b);
	return ydoc_error(c->d, k, c->e, "%s: '%s' is not in the %d notice's span (%s..%s): a "
	                  "notice names days from December of the year before to January of "
	                  "the year after; is the year or the date mistyped?", what, k->scalar,
	                  year, a, b);
}

/* `holidays` or `workdays` of a version: a mapping of a day or FIRST..LAST to a name. */
static int
parse_ranges(struct pctx *c, const struct calfile *f, struct calfile_version *v,
             const struct ydoc_node *n, bool work, size_t *cap)
{
	const char *what = work ? "workdays" : "holidays";
	int rc;

	if (n == NULL)
		return 0;
	if ((rc = ydoc_expect(c->d, n, YDOC_MAP, what, c->e)) != 0)
		return rc;
	for (size_t i = 0; i < n->n; i++) {
		const struct ydoc_node *k = n->pairs[i].key;
		struct calfile_range r = {0, 0, work, NULL, k->line, k->col};
		const char *name;

		if ((rc = plan_read_range(c, k, what, CALFILE_MAX_RANGE, "a year", &r.first,
		                          &r.last)) != 0 ||
		    (rc = check_span(c, k, what, v->year, &r)) != 0)
			return rc;
		for (int32_t d = r.first; work && d <= r.last; d++)
			if (!(f->weekend & (1u << cal_weekday(d)))) {
				char day[11];

				cal_format_date(d, day);
				return ydoc_error(c->d, k, c->e, "workdays: %s is not a weekend day; "
				                  "workdays lists only weekend days worked instead "
				                  "(调休上班)", day);
			}
		if ((rc = ydoc_string(c->d, n->pairs[i].value, "the holiday's name", &name,
		                      c->e)) != 0)
			return rc;
		r.name = xstrdup(name);
		v->ranges = xgrow(v->ranges, cap, v->nranges + 1, sizeof(*v->ranges));
		v->ranges[v->nranges++] = r;
	}
	return 0;
}

/* Within one version a day is listed once: off, or worked, never both. */
static int
check_version_days(struct pctx *c, const struct calfile_version *v)
{
	char where[48];

	snprintf(where, sizeof(where), "%d version %d:", v->year, v->version);
	return plan_check_disjoint(c, c->d->name, v->ranges, v->nranges, where);
}

static int
parse_source(struct pctx *c, const struct ydoc_node *n, struct calfile_version *v)
{
	static const char *const keys[] = {"title", "number", "published", "note", NULL};
	const struct ydoc_node *t, *pub;
	int rc;

	if ((rc = ydoc_check_keys(c->d, n, "a version's source", keys, c->e)) ||
	    (rc = plan_need(c, n, "a version's source", "title", &t)) ||
	    (rc = plan_dup_string(c, t, "source.title", &v->title)) ||
	    (rc = opt_text(c, n, "number", "source.number", &v->number)) ||
	    (rc = opt_text(c, n, "note", "source.note", &v->note)))
		return rc;
	if ((pub = ydoc_get(n, "published")) != NULL)
		return plan_read_date(c, pub, "source.published", &v->published);
	return 0;
}

static int
parse_version(struct pctx *c, struct calfile *f, const struct ydoc_node *n,
              struct calfile_version *v)
{
	static const char *const keys[] = {"year", "version", "source", "incomplete", "holidays",
	                                   "workdays", NULL};
	const struct ydoc_node *y, *ver, *src;
	size_t cap = 0;
	long year, num;
	int rc;

	v->published = CAL_NO_DAY;
	if ((rc = ydoc_check_keys(c->d, n, "a version", keys, c->e)) ||
	    (rc = plan_need(c, n, "a version", "year", &y)) ||
	    (rc = plan_need(c, n, "a version", "version", &ver)) ||
	    (rc = plan_need(c, n, "a version", "source", &src)) ||
	    (rc = ydoc_int(c->d, y, "year", c->stored ? 1 : PLAN_FIRST_YEAR,
	                   c->stored ? 9999 : PLAN_LAST_YEAR, &year, c->e)) ||
	    (rc = ydoc_int(c->d, ver, "version", 1, 99, &num, c->e)))
		return rc;
	v->year = (int)year;
	v->version = (int)num;
	if ((rc = parse_source(c, src, v)) ||
	    (rc = opt_text(c, n, "incomplete", "incomplete", &v->incomplete)) ||
	    (rc = parse_ranges(c, f, v, ydoc_get(n, "holidays"), false, &cap)) ||
	    (rc = parse_ranges(c, f, v, ydoc_get(n, "workdays"), true, &cap)))
		return rc;
	return check_version_days(c, v);
}

/* Versions come by year, and within a year numbered 1, 2, 3 ...: an amendment is found
 * where a reader expects it, and "the latest" is simply the last of its year. */
static int
parse_versions(struct pctx *c, struct calfile *f, const struct ydoc_node *n)
{
	int rc;

	if ((rc = ydoc_expect(c->d, n, YDOC_SEQ, "versions", c->e)) != 0)
		return rc;
	f->versions = xcalloc(n->n ? n->n : 1, sizeof(*f->versions));
	for (size_t i = 0; i < n->n; i++) {
		struct calfile_version *v = &f->versions[f->nversions++];
		const struct calfile_version *prev = i ? &f->versions[i - 1] : NULL;
		int want;

		if ((rc = parse_version(c, f, n->items[i], v)) != 0)
			return rc;
		want = prev && prev->year == v->year ? prev->version + 1 : 1;
		if (prev && prev->year > v->year)
			return ydoc_error(c->d, n->items[i], c->e, "version of %d after one of %d: "
			                  "list the years in order", v->year, prev->year);
		if (v->version != want)
			return ydoc_error(c->d, n->items[i], c->e, "%d version %d: expected version "
			                  "%d (a year's versions are numbered 1, 2, ... in order)",
			                  v->year, v->version, want);
		if (prev && prev->year != v->year)
			f->versions[i - 1].latest = true;
	}
	if (f->nversions > 0)
		f->versions[f->nversions - 1].latest = true;
	return 0;
}

struct claim {
	int32_t day;
	int year;
	const struct calfile_range *range;
};

static int
claim_cmp(const void *a, const void *b)
{
	const struct claim *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return (x->year > y->year) - (x->year < y->year);
}

/* A date belongs to one notice: two years' notices naming the same day would make the
 * result depend on which is read last. */
static int
check_claims(struct pctx *c, const struct calfile *f)
{
	struct claim *v = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	for (size_t i = 0; i < f->nversions; i++) {
		const struct calfile_version *ver = &f->versions[i];

		for (size_t k = 0; ver->latest && k < ver->nranges; k++)
			for (int32_t d = ver->ranges[k].first; d <= ver->ranges[k].last; d++) {
				v = xgrow(v, &cap, n + 1, sizeof(*v));
				v[n++] = (struct claim){d, ver->year, &ver->ranges[k]};
			}
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), claim_cmp);
	for (size_t i = 1; i < n; i++)
		if (v[i].day == v[i - 1].day && v[i].year != v[i - 1].year) {
			char day[11];

			cal_format_date(v[i].day, day);
			rc = dberr_at(c->e, DB_EDATA, c->d->name, v[i].range->line, v[i].range->col,
			              "%s is in the notices of both %d and %d; a date belongs to one "
			              "notice", day, v[i - 1].year, v[i].year);
			break;
		}
	free(v);
	return rc;
}

/* Whether text holds a Chinese character (CJK Unified Ideographs and Extension A). */
static bool
has_han(const char *s)
{
	size_t len = strlen(s), k;
	uint32_t cp;

	for (size_t i = 0; i < len; i += k ? k : 1) {
		k = utf8_decode(s + i, len - i, &cp);
		if (k != 0 && ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF)))
			return true;
	}
	return false;
}

/* A year's reason: a text (the file's language, shown as written), or a mapping of the
 * text and its Chinese, `{reason: ..., reason_zh: ...}`, so that Chinese output (`status`'s
 * 说明) never carries an English sentence (review 12c, L13). reason_zh must hold Chinese:
 * the English pasted in both places would defeat it. */
static int
parse_reason(struct pctx *c, const struct ydoc_node *v, struct calfile_gap *g)
{
	static const char *const keys[] = {"reason", "reason_zh", NULL};
	const struct ydoc_node *r, *rz;
	int rc;

	if (v->type != YDOC_MAP)
		return plan_dup_string(c, v, "the reason", &g->reason);
	if ((rc = ydoc_check_keys(c->d, v, "a not_confirmed year", keys, c->e)) ||
	    (rc = plan_need(c, v, "a not_confirmed year", "reason", &r)) ||
	    (rc = plan_need(c, v, "a not_confirmed year", "reason_zh", &rz)) ||
	    (rc = plan_dup_string(c, r, "the reason", &g->reason)) ||
	    (rc = plan_dup_string(c, rz, "reason_zh", &g->reason_zh)))
		return rc;
	if (!has_han(g->reason_zh))
		return ydoc_error(c->d, rz, c->e, "reason_zh holds no Chinese character: it is "
		                  "the reason as Chinese text (status's 说明) shows it");
	return 0;
}

static int
parse_not_confirmed(struct pctx *c, struct calfile *f, const struct ydoc_node *n)
{
	int rc;

	/* `not_confirmed:` left empty once its last year is given is no years, not an error */
	if (n == NULL || (n->type == YDOC_SCALAR && n->plain && n->len == 0))
		return 0;
	if ((rc = ydoc_expect(c->d, n, YDOC_MAP, "not_confirmed", c->e)) != 0)
		return rc;
	f->not_confirmed = xcalloc(n->n ? n->n : 1, sizeof(*f->not_confirmed));
	for (size_t i = 0; i < n->n; i++) {
		struct calfile_gap *g = &f->not_confirmed[f->nnot_confirmed++];
		long year;

		if ((rc = ydoc_int(c->d, n->pairs[i].key, "a not_confirmed year",
		                   c->stored ? 1 : PLAN_FIRST_YEAR, c->stored ? 9999 : PLAN_LAST_YEAR,
		                   &year, c->e)) ||
		    (rc = parse_reason(c, n->pairs[i].value, g)))
			return rc;
		g->year = (int)year;
		if (i > 0 && f->not_confirmed[i - 1].year >= g->year)
			return ydoc_error(c->d, n->pairs[i].key, c->e, "not_confirmed: list the "
			                  "years in order");
		if (calfile_year(f, g->year) != NULL)
			return ydoc_error(c->d, n->pairs[i].key, c->e, "%d has a version and is also "
			                  "listed as not confirmed", g->year);
	}
	return 0;
}

static int
parse_root(struct pctx *c, struct calfile *f)
{
	static const char *const keys[] = {"calendar", "title", "layer_of", "weekend",
	                                   "not_confirmed", "versions", NULL};
	const struct ydoc_node *root = c->d->root, *id, *title, *n, *versions;
	const char *s;
	int rc;

	f->weekend = (1u << 6) | (1u << 7);
	if ((rc = ydoc_check_keys(c->d, root, "a calendar file", keys, c->e)) ||
	    (rc = plan_need(c, root, "the calendar file", "calendar", &id)) ||
	    (rc = plan_need(c, root, "the calendar file", "title", &title)) ||
	    (rc = plan_need(c, root, "the calendar file", "versions", &versions)) ||
	    (rc = plan_read_id(c, id, "calendar", PLAN_ID_STRICT, &s)))
		return rc;
	f->name = xstrdup(s);
	if ((rc = plan_dup_string(c, title, "title", &f->title)))
		return rc;
	if ((n = ydoc_get(root, "layer_of")) != NULL) {
		if ((rc = plan_read_id(c, n, "layer_of", PLAN_ID_STRICT, &s)) != 0)
			return rc;
		if (strcmp(s, f->name) == 0)
			return ydoc_error(c->d, n, c->e, "a calendar cannot be a layer on itself");
		f->layer_of = xstrdup(s);
	}
	if ((n = ydoc_get(root, "weekend")) != NULL &&
	    (rc = plan_read_weekend(c, n, &f->weekend)) != 0)
		return rc;
	if ((rc = parse_versions(c, f, versions)) ||
	    (rc = parse_not_confirmed(c, f, ydoc_get(root, "not_confirmed"))))
		return rc;
	return check_claims(c, f);
}

int
calfile_parse(const char *name, const char *data, size_t len, struct calfile **out,
              struct dberr *e)
{
	return calfile_parse_as(name, data, len, false, out, e);
}

int
calfile_parse_as(const char *name, const char *data, size_t len, bool stored,
                 struct calfile **out, struct dberr *e)
{
	struct pctx c = {0};
	struct ydoc *d = NULL;
	struct calfile *f;
	int rc;

	if ((rc = ydoc_parse(name, data, len, &d, e)) != 0)
		return rc;
	if (d->root == NULL) {
		rc = dberr_at(e, DB_EDATA, name, 1, 1, "the calendar file is empty");
		ydoc_free(d);
		return rc;
	}
	c.d = d;
	c.e = e;
	c.stored = stored;
	f = xcalloc(1, sizeof(*f));
	rc = parse_root(&c, f);
	ydoc_free(d);
	if (rc != 0) {
		calfile_free(f);
		return rc;
	}
	*out = f;
	return 0;
}

void
calfile_free(struct calfile *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->nversions; i++) {
		struct calfile_version *v = &f->versions[i];

		for (size_t k = 0; k < v->nranges; k++)
			free(v->ranges[k].name);
		free(v->ranges);
		free(v->title);
		free(v->number);
		free(v->note);
		free(v->incomplete);
	}
	for (size_t i = 0; i < f->nnot_confirmed; i++) {
		free(f->not_confirmed[i].reason);
		free(f->not_confirmed[i].reason_zh);
	}
	free(f->versions);
	free(f->not_confirmed);
	free(f->name);
	free(f->title);
	free(f->layer_of);
	free(f);
}

bool
calfile_sniff(const char *data, size_t len)
{
	const struct ydoc_node *n;
	struct ydoc *d = NULL;
	struct dberr e;
	bool yes;

	dberr_clear(&e);
	if (ydoc_parse("", data, len, &d, &e) != 0)
		return false;
	/* a plan's `calendar` is a mapping; a calendar file's is its name. A file with both
	 * `plan:` and a scalar `calendar:` is a plan with a mistake, for the plan's message. */
	n = ydoc_get(d->root, "calendar");
	yes = n != NULL && n->type == YDOC_SCALAR && n->len > 0 &&
	      ydoc_get(d->root, "plan") == NULL;
	ydoc_free(d);
	return yes;
}

const struct calfile_version *
calfile_year(const struct calfile *f, int year)
{
	/* the latest version is the last of its year: search from the end */
	for (size_t i = f->nversions; i-- > 0;)
		if (f->versions[i].year == year)
			return &f->versions[i];
	return NULL;
}

static const struct calfile_gap *
gap_of(const struct calfile *f, int year)
{
	for (size_t i = 0; i < f->nnot_confirmed; i++)
		if (f->not_confirmed[i].year == year)
			return &f->not_confirmed[i];
	return NULL;
}

const char *
calfile_not_confirmed(const struct calfile *f, int year)
{
	const struct calfile_gap *g = gap_of(f, year);

	return g ? g->reason : NULL;
}

const char *
calfile_not_confirmed_zh(const struct calfile *f, int year)
{
	const struct calfile_gap *g = gap_of(f, year);

	return g ? g->reason_zh : NULL;
}

void
calfile_counts(const struct calfile *f, const struct calfile_version *v, size_t *off,
               size_t *off_weekdays, size_t *worked)
{
	*off = *off_weekdays = *worked = 0;
	for (size_t k = 0; k < v->nranges; k++)
		for (int32_t d = v->ranges[k].first; d <= v->ranges[k].last; d++) {
			if (v->ranges[k].work) {
				(*worked)++;
				continue;
			}
			(*off)++;
			if (!(f->weekend & (1u << cal_weekday(d))))
				(*off_weekdays)++;
		}
}
