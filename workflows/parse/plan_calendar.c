/*
 * plan_calendar.c - a plan's `calendar` key: the calendar files it uses, layered in order,
 * then its own days off and worked days on top, resolved into the struct cal_calendar that
 * every due and working-day offset is computed with; the resolved calendar's hash; and
 * the years the used files do not cover.
 *
 * Resolution keeps, for every listed day, the last word said about it ("marks"): each used
 * calendar's notice-years in order (only a year's latest version counts), then the plan's
 * own `holidays`, then its own `workdays`. So a regional layer overrides the national
 * calendar on the days it names (Xinjiang's 2014 notice turned two national 调休 workdays
 * back into rest days), and a plan overrides both. `dabiao workdays` shows the marks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/xalloc.h"
#include "workflows/parse/plan_int.h"

/* More than a year without a working day is no calendar: a due could not be moved to a
 * working day, nor a working day counted (time/calendar.c gives up after ten years). */
#define PLAN_MAX_OFF_RUN 366

/* A mark while resolving: seq orders the marks said about one day, last word last; the
 * entry it comes from (the plan's own list item, or a calendar file's range) is kept for
 * messages. */
struct pending {
	struct plan_calmark m;
	size_t seq;
	const struct ydoc_node *at;           /* the plan's own entry, or NULL */
	const struct calfile_range *range;    /* a calendar file's entry, or NULL */
};

struct marks {
	struct pending *v;
	size_t n, cap;
};

static void
mark_one(struct marks *mk, int32_t day, bool work, int use, const struct calfile_version *ver,
         const char *name, const struct ydoc_node *at, const struct calfile_range *range)
{
	mk->v = xgrow(mk->v, &mk->cap, mk->n + 1, sizeof(*mk->v));
	mk->v[mk->n] = (struct pending){{day, work, use, ver, name}, mk->n, at, range};
	mk->n++;
}

/* True when version v lists day the way the latest version does: off or worked, under the
 * same name. */
static bool
lists_same(const struct calfile_version *v, int32_t day, const struct calfile_range *as)
{
	for (size_t r = 0; r < v->nranges; r++)
		if (day >= v->ranges[r].first && day <= v->ranges[r].last)
			return v->ranges[r].work == as->work &&
			       strcmp(v->ranges[r].name, as->name) == 0;
	return false;
}

/* The notice that gave a day its status: of the versions of its year, the earliest that
 * lists it as the latest does, with every version after it agreeing. An amendment is cited
 * for the days it changed, not for the whole year it restated (2019-10-01 is 国办发明电
 * 〔2018〕15号's, not the 劳动节 amendment's). */
static const struct calfile_version *
cite(const struct calfile *f, size_t latest, int32_t day, const struct calfile_range *as)
{
	size_t k = latest;

	while (k > 0 && f->versions[k - 1].year == f->versions[latest].year &&
	       lists_same(&f->versions[k - 1], day, as))
		k--;
	return &f->versions[k];
}

int
plan_read_weekend(struct pctx *c, const struct ydoc_node *n, uint8_t *out)
{
	uint8_t bits = 0;
	int rc, wd;

	if ((rc = ydoc_expect(c->d, n, YDOC_SEQ, "weekend", c->e)) != 0)
		return rc;
	for (size_t i = 0; i < n->n; i++) {
		const char *s;

		if ((rc = ydoc_string(c->d, n->items[i], "a weekend day", &s, c->e)) != 0)
			return rc;
		if ((wd = plan_weekday(s)) == 0)
			return ydoc_error(c->d, n->items[i], c->e, "weekend day '%s' is not one of "
			                  "mon, tue, wed, thu, fri, sat, sun", s);
		bits |= (uint8_t)(1u << wd);
	}
	if (bits == 0xfe)
		return ydoc_error(c->d, n, c->e, "weekend names all seven days; a calendar needs "
		                  "working days");
	*out = bits;
	return 0;
}

/* The plan's own `holidays` or `workdays`: a list of dates and FIRST..LAST ranges, each a
 * year at most, as in calendar files. */
struct own {
	struct calfile_range *v;
	const struct ydoc_node **at;
	size_t n, cap, capat;
};

static int
own_days(struct pctx *c, const struct ydoc_node *n, const char *what, bool work,
         struct own *o)
{
	int rc;

	if (n == NULL)
		return 0;
	if ((rc = ydoc_expect(c->d, n, YDOC_SEQ, what, c->e)) != 0)
		return rc;
	for (size_t i = 0; i < n->n; i++) {
		const struct ydoc_node *it = n->items[i];
		struct calfile_range r = {0, 0, work, NULL, it->line, it->col};

		if ((rc = plan_read_range(c, it, what, c->stored ? 3661 : 366,
		                          c->stored ? "ten years" : "a year", &r.first,
		                          &r.last)) != 0)
			return rc;
		o->v = xgrow(o->v, &o->cap, o->n + 1, sizeof(*o->v));
		o->at = xgrow(o->at, &o->capat, o->n + 1, sizeof(*o->at));
		o->at[o->n] = it;
		o->v[o->n++] = r;
	}
	return 0;
}

static bool
name_ok(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

/* NAME's bytes: given by the caller, else NAME.yaml in the first folder that has it. */
static int
find_file(struct pctx *c, const struct ydoc_node *at, const char *name,
          struct plan_calendar_use *u)
{
	const struct plan_opts *o = c->opts;
	struct buf tried = BUF_INIT;
	int rc;

	for (size_t i = 0; o && i < o->ngiven; i++)
		if (strcmp(o->given[i].name, name) == 0) {
			u->path = xstrdup(o->given[i].path ? o->given[i].path : name);
			u->source = xmalloc(o->given[i].len + 1);
			memcpy(u->source, o->given[i].data, o->given[i].len);
			u->source[o->given[i].len] = '\0';
			u->source_len = o->given[i].len;
			return 0;
		}
	for (size_t i = 0; o && o->dirs && o->dirs[i]; i++) {
		char *path = xasprintf("%s/%s.yaml", o->dirs[i], name);
		struct dberr probe;

		dberr_clear(&probe);
		rc = file_read(path, FILE_MAX_INPUT, &u->source, &u->source_len, &probe);
		if (rc == 0) {
			u->path = path;
			buf_release(&tried);
			return 0;
		}
		if (rc != -ENOENT) {
			/* there but unreadable: say so rather than fall through to another copy */
			free(path);
			buf_release(&tried);
			*c->e = probe;
			return rc;
		}
		buf_printf(&tried, "%s%s", tried.len ? ", " : "", o->dirs[i]);
		free(path);
	}
	rc = ydoc_error(c->d, at, c->e, "calendar '%s' not found (looked for %s.yaml in: %s); "
	                "the shipped calendars are in share/dabiao/calendars, a bureau's own "
	                "in the configuration's calendars_dir", name, name,
	                tried.len ? buf_str(&tried) : "no folder");
	buf_release(&tried);
	return rc;
}

static int
uses_index(const struct plan *p, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(p->uses[i].file->name, name) == 0)
			return (int)i;
	return -1;
}

/* One `use` entry: found, parsed, and placed after what it is a layer on. */
static int
use_one(struct pctx *c, const struct ydoc_node *it, size_t i)
{
	struct plan *p = c->p;
	struct plan_calendar_use *u = &p->uses[i];
	const char *name;
	int rc;

	if ((rc = ydoc_string(c->d, it, "calendar.use", &name, c->e)) != 0)
		return rc;
	if (!name_ok(name))
		return ydoc_error(c->d, it, c->e, "calendar.use: '%s' is not a calendar name "
		                  "([a-z0-9-]+, the file's name without .yaml)", name);
	for (size_t k = 0; k < i; k++)
		if (strcmp(p->uses[k].file->name, name) == 0)
			return ydoc_error(c->d, it, c->e, "calendar.use names '%s' twice", name);
	if ((rc = find_file(c, it, name, u)) != 0 ||
	    (rc = calfile_parse_as(u->path, u->source, u->source_len, c->stored, &u->file,
	                           c->e)) != 0)
		return rc;
	sha256_hex(u->source, u->source_len, u->sha256);
	if (strcmp(u->file->name, name) != 0)
		return ydoc_error(c->d, it, c->e, "%s says `calendar: %s`, but it was asked for as "
		                  "'%s': the name and the file must agree", u->path,
		                  u->file->name, name);
	if (i == 0 && u->file->layer_of != NULL)
		return ydoc_error(c->d, it, c->e, "calendar '%s' is a layer on '%s': use '%s' "
		                  "first, then '%s'", name, u->file->layer_of, u->file->layer_of,
		                  name);
	if (i > 0 && u->file->layer_of == NULL)
		return ydoc_error(c->d, it, c->e, "calendar '%s' is a whole calendar, not a layer; "
		                  "a plan uses one whole calendar, first, and layers on it",
		                  name);
	if (i > 0 && uses_index(p, i, u->file->layer_of) < 0)
		return ydoc_error(c->d, it, c->e, "calendar '%s' is a layer on '%s', which is not "
		                  "listed before it in calendar.use", name, u->file->layer_of);
	if (u->file->weekend != p->uses[0].file->weekend)
		return ydoc_error(c->d, it, c->e, "calendar '%s' has another weekend than '%s'",
		                  name, p->uses[0].file->name);
	return 0;
}

static int
parse_use(struct pctx *c, const struct ydoc_node *n)
{
	struct plan *p = c->p;
	int rc;

	if ((rc = ydoc_expect(c->d, n, YDOC_SEQ, "calendar.use", c->e)) != 0)
		return rc;
	p->uses = xcalloc(n->n ? n->n : 1, sizeof(*p->uses));
	for (size_t i = 0; i < n->n; i++) {
		p->nuses++;
		if ((rc = use_one(c, n->items[i], i)) != 0)
			return rc;
	}
	return 0;
}

static int
pending_cmp(const void *a, const void *b)
{
	const struct pending *x = a, *y = b;

	if (x->m.day != y->m.day)
		return x->m.day < y->m.day ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* The last word on each day becomes the plan's marks and its struct cal_calendar; the
 * marks come sorted, so every day is appended at the end of its array. mk keeps only the
 * last words, in the same order as p->marks. */
static void
resolve(struct plan *p, struct marks *mk)
{
	size_t kept = 0;

	if (mk->n > 1)
		qsort(mk->v, mk->n, sizeof(*mk->v), pending_cmp);
	p->marks = xcalloc(mk->n ? mk->n : 1, sizeof(*p->marks));
	for (size_t i = 0; i < mk->n; i++) {
		if (i + 1 < mk->n && mk->v[i + 1].m.day == mk->v[i].m.day)
			continue;
		mk->v[kept++] = mk->v[i];
		p->marks[p->nmarks++] = mk->v[i].m;
		if (mk->v[i].m.work)
			cal_calendar_add_workdays(&p->calendar, mk->v[i].m.day, mk->v[i].m.day);
		else
			cal_calendar_add_holidays(&p->calendar, mk->v[i].m.day, mk->v[i].m.day);
	}
	mk->n = kept;
}

/* Refuses a stretch of more than PLAN_MAX_OFF_RUN days without a working day, at the
 * entry that makes it too long: found at check, never as a shift that fails at load. */
static int
check_runs(struct pctx *c, const struct marks *mk)
{
	const struct cal_calendar *cal = &c->p->calendar;
	int32_t measured = CAL_NO_DAY;

	for (size_t i = 0; i < mk->n; i++) {
		const struct pending *at;
		int32_t s = mk->v[i].m.day, e;
		char a[11], b[11];
		size_t k;

		if (mk->v[i].m.work || (measured != CAL_NO_DAY && s <= measured))
			continue;
		/* a stretch is listed days off and weekend days: it ends within a week of the
		 * last listed one, so these walks are short */
		while (!cal_is_workday(cal, s - 1))
			s--;
		for (e = mk->v[i].m.day; !cal_is_workday(cal, e + 1);)
			e++;
		measured = e;
		if (e - s + 1 <= PLAN_MAX_OFF_RUN)
			continue;
		/* the entry holding the first day too many, else the last one of the stretch */
		for (k = i; mk->v[k].m.day < s + PLAN_MAX_OFF_RUN && k + 1 < mk->n &&
		            mk->v[k + 1].m.day <= e;
		     k++)
			;
		at = &mk->v[k];
		cal_format_date(s, a);
		cal_format_date(e, b);
		if (at->at != NULL)
			return ydoc_error(c->d, at->at, c->e, "calendar: no working day from %s to %s "
			                  "(%d days): a calendar needs a working day at least once a "
			                  "year, or no due could be moved to one", a, b, (int)(e - s + 1));
		return dberr_at(c->e, DB_EDATA, c->p->uses[at->m.use].path, at->range->line,
		                at->range->col, "no working day from %s to %s (%d days) with the "
		                "calendars before it: a calendar needs a working day at least once "
		                "a year", a, b, (int)(e - s + 1));
	}
	return 0;
}

/* What the hash covers, documented in docs/plan-format.md so anyone can recompute it:
 * "dabiao-calendar 1\n", "weekend" and the ISO weekday numbers, then one line per listed
 * day, "YYYY-MM-DD off" or "YYYY-MM-DD work", by date. */
static void
hash_calendar(struct plan *p)
{
	struct buf b = BUF_INIT;
	char day[11];

	buf_puts(&b, "dabiao-calendar 1\nweekend");
	for (int wd = 1; wd <= 7; wd++)
		if (p->calendar.weekend & (1u << wd))
			buf_printf(&b, " %d", wd);
	buf_puts(&b, "\n");
	for (size_t i = 0; i < p->nmarks; i++) {
		cal_format_date(p->marks[i].day, day);
		buf_printf(&b, "%s %s\n", day, p->marks[i].work ? "work" : "off");
	}
	sha256_hex(b.data, b.len, p->calendar_sha256);
	buf_release(&b);
}

static void
text_line(struct buf *b, const char *key, const char *v)
{
	buf_printf(b, "%s ", key);
	if (v != NULL)
		buf_json_str(b, v);
	else
		buf_puts(b, "null");
	buf_puts(b, "\n");
}

/* What the used calendar files say besides which days are off: every value they hold
 * (titles, 文号, dates of publication, notes, holiday names, what is not confirmed and
 * why), in file order, text as JSON strings; layout and comments are not content. A
 * change here is a new plan version even when no day moves, so `workdays` and the
 * coverage warnings cite what the files say now. */
static void
hash_sources(struct plan *p)
{
	struct buf b = BUF_INIT;
	char day[11];

	buf_puts(&b, "dabiao-calendar-sources 1\n");
	for (size_t i = 0; i < p->nuses; i++) {
		const struct calfile *f = p->uses[i].file;

		text_line(&b, "calendar", f->name);
		text_line(&b, "title", f->title);
		text_line(&b, "layer_of", f->layer_of);
		buf_printf(&b, "weekend %u\n", (unsigned)f->weekend);
		for (size_t k = 0; k < f->nnot_confirmed; k++) {
			buf_printf(&b, "not_confirmed %d ", f->not_confirmed[k].year);
			text_line(&b, "reason", f->not_confirmed[k].reason);
			/* only when given: the sources of a file without it hash as before */
			if (f->not_confirmed[k].reason_zh != NULL)
				text_line(&b, "reason_zh", f->not_confirmed[k].reason_zh);
		}
		for (size_t k = 0; k < f->nversions; k++) {
			const struct calfile_version *v = &f->versions[k];

			buf_printf(&b, "version %d %d\n", v->year, v->version);
			text_line(&b, "title", v->title);
			text_line(&b, "number", v->number);
			cal_format_date(v->published, day);
			text_line(&b, "published", day[0] ? day : NULL);
			text_line(&b, "note", v->note);
			text_line(&b, "incomplete", v->incomplete);
			for (size_t r = 0; r < v->nranges; r++) {
				char last[11];

				cal_format_date(v->ranges[r].first, day);
				cal_format_date(v->ranges[r].last, last);
				buf_printf(&b, "%s %s %s ", day, last, v->ranges[r].work ? "work" : "off");
				text_line(&b, "name", v->ranges[r].name);
			}
		}
	}
	sha256_hex(b.data, b.len, p->calendar_sources_sha256);
	buf_release(&b);
}

static int
parse_shift(struct pctx *c, const struct ydoc_node *v)
{
	static const char *const shifts[] = {"keep", "next-workday", "previous-workday"};
	const char *s;
	int rc;

	if ((rc = ydoc_string(c->d, v, "calendar.due_on_holiday", &s, c->e)) != 0)
		return rc;
	for (int i = 0; i < 3; i++)
		if (strcmp(s, shifts[i]) == 0) {
			c->p->calendar.due_on_holiday = (enum cal_shift)i;
			return 0;
		}
	return ydoc_error(c->d, v, c->e, "calendar.due_on_holiday '%s' is not one of keep, "
	                  "next-workday, previous-workday", s);
}

int
plan_parse_calendar(struct pctx *c, const struct ydoc_node *n)
{
	static const char *const keys[] = {"use", "weekend", "holidays", "workdays",
	                                   "due_on_holiday", NULL};
	struct cal_calendar *cal = &c->p->calendar;
	const struct ydoc_node *v;
	struct marks mk = {0};
	struct own own = {0};
	uint8_t weekend;
	int rc = 0;

	cal->weekend = (1u << 6) | (1u << 7);
	cal->due_on_holiday = CAL_SHIFT_KEEP;
	if (n != NULL && (rc = ydoc_check_keys(c->d, n, "calendar", keys, c->e)) != 0)
		return rc;
	if ((v = ydoc_get(n, "use")) != NULL) {
		if ((rc = parse_use(c, v)) != 0)
			return rc;
		if (c->p->nuses > 0)
			cal->weekend = c->p->uses[0].file->weekend;
	}
	if ((v = ydoc_get(n, "weekend")) != NULL) {
		if ((rc = plan_read_weekend(c, v, &weekend)) != 0)
			return rc;
		/* a calendar's 调休 workdays are weekend days of its own weekend */
		if (c->p->nuses > 0 && weekend != cal->weekend)
			return ydoc_error(c->d, v, c->e, "calendar.weekend differs from the weekend "
			                  "of '%s'; leave it out to take the used calendar's",
			                  c->p->uses[0].file->name);
		cal->weekend = weekend;
	}
	for (size_t i = 0; i < c->p->nuses; i++) {
		const struct calfile *f = c->p->uses[i].file;

		for (size_t k = 0; k < f->nversions; k++) {
			const struct calfile_version *ver = &f->versions[k];

			for (size_t r = 0; ver->latest && r < ver->nranges; r++) {
				const struct calfile_range *rg = &ver->ranges[r];

				for (int32_t d = rg->first; d <= rg->last; d++)
					mark_one(&mk, d, rg->work, (int)i, cite(f, k, d, rg), rg->name,
					         NULL, rg);
			}
		}
	}
	/* the plan's own days: each listed once, then over the used calendars */
	if ((rc = own_days(c, ydoc_get(n, "holidays"), "calendar.holidays", false, &own)) ||
	    (rc = own_days(c, ydoc_get(n, "workdays"), "calendar.workdays", true, &own)) ||
	    (!c->stored && (rc = plan_check_disjoint(c, c->d->name, own.v, own.n, "calendar:"))))
		goto out;
	for (size_t i = 0; i < own.n; i++)
		for (int32_t d = own.v[i].first; d <= own.v[i].last; d++)
			mark_one(&mk, d, own.v[i].work, -1, NULL, NULL, own.at[i], NULL);
	if ((v = ydoc_get(n, "due_on_holiday")) != NULL && (rc = parse_shift(c, v)) != 0)
		goto out;
	resolve(c->p, &mk);
	if (!c->stored && (rc = check_runs(c, &mk)) != 0)
		goto out;
	hash_calendar(c->p);
	hash_sources(c->p);
out:
	free(own.v);
	free(own.at);
	free(mk.v);
	return rc;
}

void
plan_calendar_release(struct plan *p)
{
	for (size_t i = 0; i < p->nuses; i++) {
		calfile_free(p->uses[i].file);
		free(p->uses[i].path);
		free(p->uses[i].source);
	}
	free(p->uses);
	free(p->marks);
	p->uses = NULL;
	p->marks = NULL;
	p->nuses = p->nmarks = 0;
	cal_calendar_release(&p->calendar);
}

const struct plan_calmark *
plan_calendar_mark(const struct plan *p, int32_t day)
{
	size_t lo = 0, hi = p->nmarks;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->marks[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->nmarks && p->marks[lo].day == day ? &p->marks[lo] : NULL;
}

static void
gap_add(struct plan_calgap **v, size_t *n, size_t *cap, int use, int year, const char *why,
        bool december_only)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].use == use && (*v)[i].year == year)
			return;
	*v = xgrow(*v, cap, *n + 1, sizeof(**v));
	(*v)[(*n)++] = (struct plan_calgap){use, year, why, december_only};
}

const struct calfile_version *
plan_calendar_unlisted_by(const struct plan *p, int32_t day, int *use)
{
	int y, m, d;

	if (plan_calendar_mark(p, day) != NULL)
		return NULL;
	cal_civil_from_days(day, &y, &m, &d);
	/* the notices whose span holds the day: its year's, and the next year's for December,
	 * the year before's for January; the last used calendar to have listed it decided */
	for (size_t i = p->nuses; i-- > 0;) {
		const struct calfile *f = p->uses[i].file;

		for (int ny = y - (m == 1); ny <= y + (m == 12); ny++) {
			const struct calfile_version *latest = calfile_year(f, ny);

			for (const struct calfile_version *v = latest; v && v > f->versions &&
			     v[-1].year == ny; v--)
				for (size_t r = 0; r < v[-1].nranges; r++)
					if (day >= v[-1].ranges[r].first && day <= v[-1].ranges[r].last) {
						*use = (int)i;
						return latest;
					}
		}
	}
	return NULL;
}

size_t
plan_calendar_gaps(const struct plan *p, int32_t first, int32_t last,
                   struct plan_calgap **out)
{
	struct plan_calgap *v = NULL;
	size_t n = 0, cap = 0;
	int y0, y1, m, d;
	bool tail = false;

	*out = NULL;
	if (p->nuses == 0 || last < first)
		return 0;
	cal_civil_from_days(first, &y0, &m, &d);
	cal_civil_from_days(last, &y1, &m, &d);
	/* the last week of December also hangs on the next year's notice */
	if (last >= cal_days_from_civil(y1, 12, 25) && y1 < 9999) {
		y1++;
		tail = true;
	}
	for (int y = y0; y <= y1; y++)
		for (size_t i = 0; i < p->nuses; i++)
			if (calfile_year(p->uses[i].file, y) == NULL)
				gap_add(&v, &n, &cap, (int)i, y,
				        calfile_not_confirmed(p->uses[i].file, y), tail && y == y1);
	*out = v;
	return n;
}

/* Days an offset moves a day, for the span: calendar or working days as the offset says;
 * h/m/s offsets count from the deadline at the end of the day, so they are rounded to
 * whole days away from the due. */
static int32_t
offset_day(const struct plan *p, int32_t day, const struct plan_offset *o)
{
	static const int64_t secs[] = {86400, 86400, 3600, 60, 1};
	int32_t out;
	int64_t s;

	switch (o->unit) {
	case PLAN_DAYS:
		return day + (int32_t)o->n;
	case PLAN_WORKDAYS:
		return cal_add_workdays(&p->calendar, day, (int)o->n, &out) == 0 ? out : day;
	default:
		s = o->n * secs[o->unit];
		return day + (int32_t)(s / 86400) + (s > 0 ? 1 : s < 0 ? -1 : 0);
	}
}

static int32_t
shift(const struct plan *p, int32_t day)
{
	int32_t out;

	return cal_shift_due(&p->calendar, day, &out) == 0 ? out : day;
}

/* The first and last due of one milestone, from its targets' for `after`. */
static void
milestone_span(const struct plan *p, const struct plan_milestone *m, const int32_t *lo,
               const int32_t *hi, int32_t *mlo, int32_t *mhi)
{
	char period[16];
	int32_t due;

	*mlo = *mhi = CAL_NO_DAY;
	switch (m->due.kind) {
	case PLAN_DUE_DATE:
		*mlo = *mhi = shift(p, m->due.date);
		break;
	case PLAN_DUE_DATETIME:
		*mlo = *mhi = m->due.date;
		break;
	case PLAN_DUE_EVERY:
		for (size_t i = 0; cal_recur_at(&m->due.recur, i, period, &due); i++) {
			if (i == 0)
				*mlo = shift(p, due);
			*mhi = shift(p, due);
		}
		break;
	case PLAN_DUE_AFTER:
		if (lo[m->due.after] == CAL_NO_DAY)
			break;
		*mlo = shift(p, offset_day(p, lo[m->due.after], &m->due.plus));
		*mhi = shift(p, offset_day(p, hi[m->due.after], &m->due.plus));
		break;
	case PLAN_DUE_FIELD:
	default:
		break;
	}
}

int
plan_due_span(const struct plan *p, int32_t *first, int32_t *last)
{
	int32_t *lo = xcalloc(p->nmilestones ? p->nmilestones : 1, sizeof(*lo));
	int32_t *hi = xcalloc(p->nmilestones ? p->nmilestones : 1, sizeof(*hi));
	int32_t a = CAL_NO_DAY, b = CAL_NO_DAY;

	for (size_t k = 0; k < p->nmilestones; k++) {
		int mi = p->order ? p->order[k] : (int)k;
		const struct plan_milestone *m = &p->milestones[mi];
		int32_t from, to;

		milestone_span(p, m, lo, hi, &lo[mi], &hi[mi]);
		if (lo[mi] == CAL_NO_DAY)
			continue;
		from = lo[mi];
		to = hi[mi];
		for (size_t r = 0; r < m->nremind; r++) {
			int32_t d = offset_day(p, lo[mi], &m->remind[r]);
			from = d < from ? d : from;
		}
		for (size_t s = 0; m->escalate >= 0 && s < p->escalations[m->escalate].nsteps;
		     s++) {
			const struct plan_escalation_step *st = &p->escalations[m->escalate].steps[s];
			int32_t d = offset_day(p, hi[mi], &st->after);

			to = d > to ? d : to;
		}
		if (a == CAL_NO_DAY || from < a)
			a = from;
		if (b == CAL_NO_DAY || to > b)
			b = to;
	}
	free(lo);
	free(hi);
	if (a == CAL_NO_DAY)
		return DB_ENOTFOUND;
	*first = a;
	*last = b;
	return 0;
}
