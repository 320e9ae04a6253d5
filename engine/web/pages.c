/*
 * pages.c - the pages people read: the detachment's dashboard, the task list with filters
 * and cursor paging, a task's page with its timeline from the audit trail, the review
 * queue, and the page a submit link opens.
 *
 * Paging never scans the whole store: a page walks one key range (a plan's tasks, or the
 * task index of one jurisdiction or one state) from the cursor, and stops after WEB_PAGE
 * matches or WEB_SCAN_BUDGET entries, whichever comes first, handing back where it stopped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "base/log.h"
#include "base/strset.h"
#include "base/xalloc.h"
#include "engine/notice/notice.h"
#include "engine/web/web_int.h"

/* ---- the lifecycle words of a task ---- */

struct tinfo {
	const struct engine_plan *ep;
	const struct plan_milestone *m;
	const struct plan_lifecycle *lc;
	int st;
};

static bool
task_info(struct engine *en, const char *plan, const char *milestone, const char *state,
          struct tinfo *ti)
{
	int mi;

	memset(ti, 0, sizeof(*ti));
	ti->st = -1;
	if ((ti->ep = engine_plan_find(en, plan)) == NULL ||
	    (mi = plan_milestone_index(ti->ep->plan, milestone)) < 0)
		return false;
	ti->m = &ti->ep->plan->milestones[mi];
	ti->lc = &ti->ep->plan->lifecycles[ti->m->lifecycle];
	ti->st = plan_lifecycle_state(ti->lc, state);
	return ti->st >= 0;
}

static bool
event_allowed(const struct tinfo *ti, const char *event)
{
	int ev = plan_lifecycle_event(ti->lc, event);

	return ti->st >= 0 && ev >= 0 && ti->lc->table[(size_t)ti->st * ti->lc->nevents +
	                                               (size_t)ev] >= 0;
}

/* Splits "plan/milestone/subject/period" into its four parts (pointers into buf). */
static bool
split_key(const char *key, char *buf, size_t n, char *part[4])
{
	char *p;

	if (strlen(key) >= n)
		return false;
	memcpy(buf, key, strlen(key) + 1);
	p = buf;
	for (int i = 0; i < 4; i++) {
		part[i] = p;
		p = i < 3 ? strchr(p, '/') : NULL;
		if (i < 3 && p == NULL)
			return false;
		if (p)
			*p++ = '\0';
	}
	return true;
}

/* ---- the dashboard ---- */

struct dash_row {
	char *jur;
	char *name;
	unsigned open, week, overdue, late, incomplete, returned, review, proposed, warned;
	long long max_days;
};

struct dash_over {
	char *key;
	char *name;            /* the subject's name */
	char *contact;         /* whom to call about it (owner_contact) */
	long long days;
};

struct dash_ms {          /* on-time rate per milestone */
	char *plan, *milestone;
	unsigned due, ontime;
	char *key;            /* "PLAN/MILESTONE", dash_ctx's ms_at key; owned */
};

struct dash {
	struct dash_row *rows;
	size_t nrows;
	struct dash_over *over;  /* the DASH_OVER_SHOWN newest lapses, newest first */
	size_t nover;
	unsigned noverdue;       /* every overdue task counted, shown or not */
	struct dash_ms *ms;
	size_t nms;
	/* lapses per jurisdiction (row index) per month (deadline's month, up to 24) */
	int32_t month0;          /* first month as y*12+m-1 */
	unsigned lapses[64][24];
	unsigned total_tasks;
	int64_t computed;        /* the clock's now when these counts were taken */
	unsigned refs;           /* the server's, and each dashboard's being drawn from it
	                            (under web.dash_lock) */
};

void
dash_release(struct dash *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->nrows; i++) {
		free(d->rows[i].jur);
		free(d->rows[i].name);
	}
	for (size_t i = 0; i < d->nover; i++) {
		free(d->over[i].key);
		free(d->over[i].name);
		free(d->over[i].contact);
	}
	for (size_t i = 0; i < d->nms; i++) {
		free(d->ms[i].plan);
		free(d->ms[i].milestone);
		free(d->ms[i].key);
	}
	free(d->rows);
	free(d->over);
	free(d->ms);
	free(d);
}

struct dash_ctx {
	struct engine *en;
	struct store_txn *txn;
	struct dash *d;
	int64_t now;
	size_t rcap, ocap, mcap;
	const struct who *scope;  /* an office of some plans: only theirs; NULL: every plan */
	/* jurisdiction -> its row, "PLAN/MILESTONE" -> its rate: each task's in constant time,
	 * as status (review 13f, C3); keys borrowed from d */
	struct hmap row_at, ms_at;
};

static struct dash_row *
dash_row(struct dash_ctx *c, const char *jur)
{
	struct dash *d = c->d;

	size_t i;

	if (hmap_get(&c->row_at, jur, &i))
		return &d->rows[i];
	d->rows = xgrow(d->rows, &c->rcap, d->nrows + 1, sizeof(*d->rows));
	memset(&d->rows[d->nrows], 0, sizeof(*d->rows));
	d->rows[d->nrows].jur = xstrdup(jur);
	hmap_put(&c->row_at, d->rows[d->nrows].jur, d->nrows);
	return &d->rows[d->nrows++];
}

static struct dash_ms *
dash_ms(struct dash_ctx *c, const char *plan, const char *milestone)
{
	struct dash *d = c->d;
	char *key = xasprintf("%s/%s", plan, milestone);
	size_t i;

	if (hmap_get(&c->ms_at, key, &i)) {
		free(key);
		return &d->ms[i];
	}
	d->ms = xgrow(d->ms, &c->mcap, d->nms + 1, sizeof(*d->ms));
	d->ms[d->nms] = (struct dash_ms){xstrdup(plan), xstrdup(milestone), 0, 0, key};
	hmap_put(&c->ms_at, key, d->nms);
	return &d->ms[d->nms++];
}

/* What the dashboard counts a task as, from its index entry (bits of DASH_*): its columns
 * and the task list's `show=` filter behind each count's link are this one definition. */
enum { DASH_OPEN = 1, DASH_WEEK = 2, DASH_LATE = 4, DASH_REVIEW = 8, DASH_OVERDUE = 16 };

/* The overdue tasks the dashboard lists: the newest lapses, the ones the officer chases
 * this Monday; the rest are counted and linked to the task list (review11g S3: the list
 * stopped at 100 of the longest overdue without a word, dropping the newest). */
#define DASH_OVER_SHOWN 100

static unsigned
dash_kinds(const struct tinfo *ti, const struct store_task_ref *ref, int64_t now)
{
	unsigned k = 0;

	/* 未办结 as `dabiao status` counts it (docs/output.md, `open`): every task not
	 * concluded — open, overdue, handed in and waiting, returned — so never fewer than the
	 * 逾期 and 待审核 beside it; it counted only tasks a deadline still ran from, and the
	 * two Monday views disagreed by the overdue ones (review 11b, M4) */
	if (!ti->lc->final[ti->st] && !plan_state_withdrawn(ref->state))
		k |= DASH_OPEN;
	if (ti->lc->deadline_from[ti->st] && ref->deadline >= now && ref->deadline < now + 7 * 86400)
		k |= DASH_WEEK;
	if (ref->flags & STORE_TASK_LATE)
		k |= DASH_LATE;
	if (plan_lifecycle_awaits_review(ti->lc, ti->st))
		k |= DASH_REVIEW;
	if (ti->st == ti->lc->deadline_to)
		k |= DASH_OVERDUE;
	return k;
}

struct lapse_at {
	const struct tz *tz;
	int64_t at;
};

static int
lapse_at_cb(const struct store_audit *a, void *arg)
{
	struct lapse_at *x = arg;
	char *planned;

	if (strcmp(a->action, "task.lapse") != 0)
		return 0;
	planned = report_json_str(a->details, "planned");
	if (planned == NULL || tz_parse_time(x->tz, planned, &x->at) != 0)
		x->at = a->clock_time;
	free(planned);
	return 0;
}

/* When a lapsed task lapsed: its current deadline, unless an extension moved it since —
 * then the deadline its last `task.lapse` record says passed (the record's own time if it
 * names none). An extension must not move a lapse into a later month, nor out of the
 * on-time rate (review 11b, M5). */
static int64_t
dash_lapsed_at(struct dash_ctx *c, const struct store_task_ref *ref, const struct tz *tz)
{
	struct lapse_at x = {tz, ref->deadline};
	struct dberr e;

	if (!(ref->flags & STORE_TASK_EXTENDED))
		return ref->deadline;
	dberr_clear(&e);
	if (store_audit_task_each(c->txn, ref->key, lapse_at_cb, &x, &e) != 0)
		return ref->deadline;
	return x.at;
}

/* Newest lapse first (fewest days overdue), then by key. */
static int
over_cmp(const void *a, const void *b)
{
	const struct dash_over *x = a, *y = b;

	return x->days != y->days ? (x->days < y->days ? -1 : 1) : strcmp(x->key, y->key);
}

/* Keeps key among the DASH_OVER_SHOWN newest lapses seen so far: when full, it replaces the
 * oldest kept if it is newer (a bounded list whatever the store holds). */
static void
over_keep(struct dash_ctx *c, const char *key, long long days)
{
	struct dash *d = c->d;
	struct dash_over o = {NULL, NULL, NULL, days}, *worst = NULL;

	o.key = (char *)key;
	if (d->nover < DASH_OVER_SHOWN) {
		d->over = xgrow(d->over, &c->ocap, d->nover + 1, sizeof(*d->over));
		d->over[d->nover++] = (struct dash_over){xstrdup(key), NULL, NULL, days};
		return;
	}
	for (size_t i = 0; i < d->nover; i++)
		if (worst == NULL || over_cmp(&d->over[i], worst) > 0)
			worst = &d->over[i];
	if (over_cmp(&o, worst) < 0) {
		free(worst->key);
		*worst = (struct dash_over){xstrdup(key), NULL, NULL, days};
	}
}

static int
dash_cb(const struct store_task_ref *ref, void *arg)
{
	struct dash_ctx *c = arg;
	struct dash_row *row;
	char buf[1024], *part[4];
	struct tinfo ti;
	unsigned kinds;
	int32_t day;

	if (!split_key(ref->key, buf, sizeof(buf), part) ||
	    (c->scope != NULL && !web_office_of(c->scope, part[0])))
		return 0;
	row = dash_row(c, ref->jurisdiction);
	c->d->total_tasks++;
	if (!task_info(c->en, part[0], part[1], ref->state, &ti))
		return 0;
	kinds = dash_kinds(&ti, ref, c->now);
	row->open += !!(kinds & DASH_OPEN);
	row->week += !!(kinds & DASH_WEEK);
	row->late += !!(kinds & DASH_LATE);
	row->review += !!(kinds & DASH_REVIEW);
	if (ti.st == ti.lc->deadline_to) {
		long long days = (long long)words_days_overdue(ti.ep->tz, ref->deadline, c->now);

		row->overdue++;
		c->d->noverdue++;
		if (days > row->max_days)
			row->max_days = days;
		over_keep(c, ref->key, days);
	}
	if (ti.st == ti.lc->incomplete)
		row->incomplete++;
	if (strcmp(ref->state, "returned") == 0)
		row->returned++;
	/* lapses by the month they happened in, for the chart */
	if (ref->flags & STORE_TASK_LAPSED) {
		int y, m, dd;
		size_t ri = (size_t)(row - c->d->rows);

		tz_utc_to_local(ti.ep->tz, dash_lapsed_at(c, ref, ti.ep->tz), &day, NULL, NULL);
		cal_civil_from_days(day, &y, &m, &dd);
		if (c->d->month0 == 0)
			c->d->month0 = y * 12 + m - 1;
		if (y * 12 + m - 1 >= c->d->month0 && y * 12 + m - 1 < c->d->month0 + 24 && ri < 64)
			c->d->lapses[ri][y * 12 + m - 1 - c->d->month0]++;
	}
	/* on time: its deadline has passed or it was handed in, and it never lapsed nor came
	 * late; a task that lapsed counts (as not on time) whatever its deadline is now */
	if (ref->deadline < c->now || !ti.lc->deadline_from[ti.st] ||
	    (ref->flags & STORE_TASK_LAPSED)) {
		struct dash_ms *ms = dash_ms(c, part[0], part[1]);

		ms->due++;
		if (!(ref->flags & (STORE_TASK_LATE | STORE_TASK_LAPSED)) &&
		    ti.st != ti.lc->deadline_to && !ti.lc->deadline_from[ti.st])
			ms->ontime++;
	}
	return 0;
}

/* The first month with a deadline among the plans' tasks: the chart starts there. */
static int32_t
first_month(struct engine *en)
{
	int32_t best = 0;

	for (size_t i = 0; i < engine_nplans(en); i++) {
		const struct plan *p = engine_plan_at(en, i)->plan;

		for (size_t k = 0; k < p->nphases; k++)
			if (p->phases[k].starts != CAL_NO_DAY) {
				int y, m, d;

				cal_civil_from_days(p->phases[k].starts, &y, &m, &d);
				if (best == 0 || y * 12 + m - 1 < best)
					best = y * 12 + m - 1;
			}
	}
	return best;
}

/* Conduct warnings per jurisdiction: proposed (awaiting a decision) and sent, from the
 * warnings' own records, whatever rule made them. */
static int
warn_cb(const struct conduct_warning *w, void *arg)
{
	struct dash_ctx *c = arg;
	bool proposed = strcmp(w->state, "proposed") == 0, sent = strcmp(w->state, "sent") == 0;
	size_t i;

	if (c->scope != NULL && !web_office_of(c->scope, w->plan))
		return 0;
	if ((proposed || sent) && hmap_get(&c->row_at, w->jurisdiction, &i)) {
		if (proposed)
			c->d->rows[i].proposed++;
		else
			c->d->rows[i].warned++;
	}
	return 0;
}

/* Whom the officer calls about an overdue task, as `dabiao status` says it: the owner's
 * addresses for its role (else the subject's general ones; an office's from the registry's
 * offices), and for an enterprise its 责任单位 and 责任人 when the registry has them. */
static char *
owner_contact(struct engine *en, struct store_txn *txn, const char *key)
{
	struct store_task t;
	struct store_subject s;
	struct tinfo ti;
	struct strset to = {0};
	struct buf b = BUF_INIT;
	struct dberr ignored;
	const struct plan_role *role;

	dberr_clear(&ignored);
	if (store_task_get(txn, key, &t, &ignored) != 0)
		return xstrdup("");
	if (!task_info(en, t.plan, t.milestone, t.state, &ti)) {
		store_task_release(&t);
		return xstrdup("");
	}
	role = &ti.ep->plan->roles[ti.m->owner];
	(void)notice_role_addresses(txn, role, t.jurisdiction, t.subject, &to, &ignored);
	strset_join(&to, ", ", &b);
	if (role->per == PLAN_PER_ENTERPRISE &&
	    store_subject_get(txn, STORE_ENTERPRISE, t.subject, &s, &ignored) == 0) {
		const char *unit = store_subject_field(&s, "responsible_unit");
		const char *person = store_subject_field(&s, "responsible_person");

		if ((unit && *unit) || (person && *person))
			buf_printf(&b, "%s责任单位：%s，责任人：%s", b.len ? "；" : "",
			           unit && *unit ? unit : "—", person && *person ? person : "—");
		store_subject_release(&s);
	}
	if (b.len == 0)
		buf_puts(&b, "登记册中无联系地址");
	strset_free(&to);
	store_task_release(&t);
	return buf_detach(&b);
}

static int
dash_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct dash_ctx *c = arg;
	int rc;

	c->txn = txn;
	rc = store_task_index_each(txn, NULL, NULL, NULL, 0, dash_cb, c, e);

	for (size_t i = 0; rc == 0 && i < c->d->nrows; i++)
		c->d->rows[i].name = c->d->rows[i].jur[0]
		                         ? view_subject_name(c->en, txn, c->d->rows[i].jur)
		                         : xstrdup(report_offices_label(c->en, NULL));
	if (c->d->nover > 1)
		qsort(c->d->over, c->d->nover, sizeof(*c->d->over), over_cmp);
	for (size_t i = 0; rc == 0 && i < c->d->nover; i++) {
		char buf[1024], *part[4];

		if (split_key(c->d->over[i].key, buf, sizeof(buf), part))
			c->d->over[i].name = view_subject_name(c->en, txn, part[2]);
		c->d->over[i].contact = owner_contact(c->en, txn, c->d->over[i].key);
	}
	if (rc == 0)
		rc = conduct_warning_each(txn, NULL, warn_cb, c, e);
	return rc;
}

static int
size_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	(void)e;
	*(uint64_t *)arg = store_audit_count(txn);
	return 0;
}

/* Monotonic seconds, to measure what computing the counts costs (never used as "now"). */
static double
mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The counts, recomputed when something was written (the audit log grew) or the hour
 * changed (due this week and days overdue move with time) — but never more often than
 * spends a twentieth of the web's time on them: after a computation that took c seconds,
 * the next waits until 20c have passed. A small store (c of a few ms) is always fresh; on
 * a store of 100,000 tasks being written by `run` all the time (c about 0.3 s) the counts
 * are at most seconds old, and the page says as of when.
 *
 * The counts are shared by the workers: one recomputes them while the others draw the
 * ones before (a dashboard never waits for another's recomputation unless there are none
 * yet). The caller draws from what it gets and gives it back with dash_put. */
/* The counts as of now, of every plan or (scope) of an office's plans only. refs 1; NULL
 * on a store error (e says). */
static struct dash *
dash_compute(struct engine *en, const struct who *scope, int64_t now, struct dberr *e)
{
	struct dash_ctx c = {0};
	int rc;

	c.en = en;
	c.now = now;
	c.scope = scope;
	c.d = xcalloc(1, sizeof(*c.d));
	c.d->month0 = first_month(en);
	c.d->computed = now;
	c.d->refs = 1;
	rc = store_read(engine_store(en), dash_txn, &c, e);
	hmap_release(&c.row_at);
	hmap_release(&c.ms_at);
	if (rc != 0) {
		dash_release(c.d);
		return NULL;
	}
	return c.d;
}

static struct dash *
dash_get(struct req *r, struct dberr *e)
{
	struct web *w = r->w;
	struct engine *en = r->en;
	uint64_t seq = 0;
	int64_t now = engine_clock_read(en), hour = now / 3600;
	struct dash_ctx c = {0};
	struct dash *d = NULL;
	double t0;

	if (store_read(engine_store(en), size_txn, &seq, e) != 0)
		return NULL;
	pthread_mutex_lock(&w->dash_lock);
	while (w->dash == NULL && w->dash_computing)
		pthread_cond_wait(&w->dash_done, &w->dash_lock);
	if (w->dash && (w->dash_computing ||
	                (w->dash_hour == hour && (w->dash_seq == seq ||
	                                          mono_s() - w->dash_at < 20 * w->dash_cost)))) {
		d = w->dash;
		d->refs++;
	} else {
		w->dash_computing = true;
	}
	pthread_mutex_unlock(&w->dash_lock);
	if (d != NULL)
		return d;
	t0 = mono_s();
	if ((c.d = dash_compute(en, NULL, now, e)) != NULL)
		c.d->refs = 2; /* the server's and this page's */
	pthread_mutex_lock(&w->dash_lock);
	w->dash_computing = false;
	if (c.d != NULL) {
		if (w->dash != NULL && --w->dash->refs == 0)
			dash_release(w->dash);
		w->dash = c.d;
		w->dash_seq = seq;
		w->dash_hour = hour;
		w->dash_at = mono_s();
		w->dash_cost = w->dash_at - t0;
	}
	pthread_cond_broadcast(&w->dash_done);
	pthread_mutex_unlock(&w->dash_lock);
	return c.d;
}

static void
dash_put(struct web *w, struct dash *d)
{
	bool last;

	pthread_mutex_lock(&w->dash_lock);
	last = --d->refs == 0;
	pthread_mutex_unlock(&w->dash_lock);
	if (last)
		dash_release(d);
}

void
web_dash_stale(struct web *w)
{
	pthread_mutex_lock(&w->dash_lock);
	w->dash_at = 0;
	pthread_mutex_unlock(&w->dash_lock);
}

/* A bar chart of lapses per jurisdiction per month, drawn here as SVG: no script, no
 * external file, text escaped like everything else. */
static void
chart_lapses(struct html *h, const struct dash *d)
{
	static const char *const colors[] = {"#0b3d91", "#e07a00", "#1b7f3b", "#b00020",
	                                     "#6a3d9a", "#008b8b", "#8b5a2b", "#555555",
	                                     "#c71585", "#2e8b57"};
	unsigned max = 1, months = 0;
	const int W = 880, plot = 260, left = 40, bottom = 40;
	size_t shown[64], nshown = 0;
	int H;

	for (size_t r = 0; r < d->nrows && r < 64; r++)
		for (unsigned m = 0; m < 24; m++) {
			unsigned tot = 0;

			for (size_t k = 0; k < d->nrows && k < 64; k++)
				tot += d->lapses[k][m];
			if (tot > max)
				max = tot;
			if (d->lapses[r][m] && m + 1 > months)
				months = m + 1;
		}
	if (months < 12)
		months = 12;
	/* the key: which colour is which jurisdiction, drawn, so a printed or projected
	 * chart says it too (a <title> shows on hover only) */
	for (size_t k = 0; k < d->nrows && k < 64; k++)
		for (unsigned m = 0; m < months && m < 24; m++)
			if (d->lapses[k][m]) {
				shown[nshown++] = k;
				break;
			}
	H = plot + 20 * (int)((nshown + 3) / 4);
	HF(h, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\" "
	      "aria-label=\"各辖区每月逾期次数\" id=\"chart-lapses\">", W, H);
	HF(h, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>", left,
	   plot - bottom, W - 10, plot - bottom);
	HF(h, "<text x=\"4\" y=\"14\" font-size=\"12\">最多 %u 次</text>", max);
	for (unsigned m = 0; m < months; m++) {
		int slot = (W - left - 20) / (int)months;
		int x = left + (int)m * slot + 4, y = plot - bottom;
		int y0, mm = (d->month0 + (int)m) % 12 + 1;

		for (size_t k = 0; k < d->nrows && k < 64; k++) {
			int hgt = (int)((plot - bottom - 30) * d->lapses[k][m] / max);

			if (hgt == 0)
				continue;
			y0 = y - hgt;
			HF(h, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"><title>",
			   x, y0, slot - 8, hgt, colors[k % 10]);
			HF(h, "%s %d月：%u 次</title></rect>", d->rows[k].name, mm, d->lapses[k][m]);
			y = y0;
		}
		HF(h, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%d月</text>", x, plot - bottom + 16,
		   mm);
	}
	for (size_t i = 0; i < nshown; i++) {
		int x = left + (int)(i % 4) * 210, y = plot + (int)(i / 4) * 20;

		HF(h, "<g class=\"legend\"><rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" "
		      "fill=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text></g>",
		   x, y - 10, colors[shown[i] % 10], x + 18, y, d->rows[shown[i]].name);
	}
	H(h, "</svg>");
}

static void
chart_ontime(struct req *r, const struct dash *d)
{
	struct html *h = &r->out;
	const int W = 880, row = 22;
	int H = 20 + row * (int)(d->nms ? d->nms : 1);

	HF(h, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\" "
	      "aria-label=\"各事项按时完成率\" id=\"chart-ontime\">", W, H);
	for (size_t i = 0; i < d->nms; i++) {
		const struct dash_ms *m = &d->ms[i];
		int pct = m->due ? (int)(100 * m->ontime / m->due) : 0;
		int y = 10 + (int)i * row;

		HF(h, "<text x=\"4\" y=\"%d\" font-size=\"12\">%s</text>", y + 14,
		   view_milestone(r->en, m->plan, m->milestone));
		HF(h, "<rect x=\"420\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"#1b7f3b\"/>", y + 2,
		   pct * 4);
		/* after the bar, or inside its end once the bar leaves no room after it for the
		 * longest label, "100%（9999/9999）" (it was cut off at the edge: review 11b, m6) */
		if (pct <= 60)
			HF(h, "<text x=\"%d\" y=\"%d\" font-size=\"12\">", 426 + pct * 4, y + 14);
		else
			HF(h, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\" "
			      "fill=\"#fff\">", 414 + pct * 4, y + 14);
		HF(h, "%d%%（%u/%u）</text>", pct, m->ontime, m->due);
	}
	H(h, "</svg>");
}

static void dashboard(struct req *r, const struct dash *d);

void
page_dashboard(struct req *r)
{
	struct dash *d;
	struct dberr e;

	if (!r->who.office) {
		req_redirect(r, "/tasks");
		return;
	}
	dberr_clear(&e);
	/* an office of some of the store's plans (two bureaus in one store) counts its own,
	 * each time: the shared counts are of every plan (review 11d, W13) */
	d = r->who.every_plan ? dash_get(r, &e)
	                      : dash_compute(r->en, &r->who, engine_clock_read(r->en), &e);
	if (d == NULL) {
		log_warnx(r->w->log_level, "web", "dashboard: %s", e.msg);
		req_error(r, 503, "存储暂时不可用，请稍后重试。");
		return;
	}
	dashboard(r, d);
	if (r->who.every_plan)
		dash_put(r->w, d);
	else
		dash_release(d);
}

/* A dashboard count linking to the tasks behind it (the list filtered by jurisdiction and
 * by what the column counts: review 11b, m2). */
static void
count_cell(struct req *r, const char *jur, const char *what, unsigned n)
{
	struct html *h = &r->out;

	HF(h, "<td class=\"n\"><a href=\"/tasks?%s&amp;jurisdiction=", what);
	html_url(h, jur[0] ? jur : "-");
	HF(h, "\">%u</a></td>", n);
}

static void
dashboard(struct req *r, const struct dash *d)
{
	struct html *h = &r->out;
	char now[40];

	view_begin(r, "工作台");
	tz_format_local(engine_tz(r->en), d->computed, now);
	HF(h, "<h1>监察支队工作台</h1><p class=\"muted\">截至 %s，共 %u 项任务。</p>", now,
	   d->total_tasks);
	H(h, "<table id=\"by-jurisdiction\"><thead><tr><th>辖区</th><th>未办结</th><th>7日内到期</th>"
	     "<th>逾期（最长天数）</th><th>迟报</th><th>内容不全</th><th>已退回</th><th>待审核</th>"
	     "<th>预警待决定</th><th>预警已发出</th></tr></thead><tbody>");
	for (size_t i = 0; i < d->nrows; i++) {
		const struct dash_row *w = &d->rows[i];

		H(h, "<tr><td><a href=\"/tasks?jurisdiction=");
		html_url(h, w->jur[0] ? w->jur : "-");
		HF(h, "\">%s</a></td>", w->name);
		count_cell(r, w->jur, "show=open", w->open);
		count_cell(r, w->jur, "show=week", w->week);
		if (w->overdue)
			HF(h, "<td class=\"n late\"><a href=\"/tasks?show=overdue&amp;jurisdiction=");
		else
			H(h, "<td class=\"n\"><a href=\"/tasks?show=overdue&amp;jurisdiction=");
		html_url(h, w->jur[0] ? w->jur : "-");
		HF(h, "\">%u</a>", w->overdue);
		if (w->overdue)
			HF(h, "（%lld天）", w->max_days);
		H(h, "</td>");
		count_cell(r, w->jur, "show=late", w->late);
		count_cell(r, w->jur, "state=incomplete", w->incomplete);
		count_cell(r, w->jur, "state=returned", w->returned);
		count_cell(r, w->jur, "show=review", w->review);
		if (w->proposed)
			HF(h, "<td class=\"n late\"><a href=\"/warnings\">%u</a></td>", w->proposed);
		else
			H(h, "<td class=\"n\">0</td>");
		HF(h, "<td class=\"n\">%u</td></tr>", w->warned);
	}
	H(h, "</tbody></table>");
	H(h, "<h2>逾期未报</h2>");
	if (d->nover == 0)
		H(h, "<p>无。</p>");
	else if (d->noverdue > d->nover)
		HF(h, "<p id=\"overdue-more\">共 %u 项，下表列出最近逾期的 %zu 项（逾期天数由少到多）；"
		      "其余 %u 项见<a href=\"/tasks?show=overdue\">全部逾期任务</a>。</p>", d->noverdue,
		   d->nover, d->noverdue - (unsigned)d->nover);
	else
		HF(h, "<p id=\"overdue-more\">共 %u 项，按逾期天数由少到多（最近逾期的在前）。</p>",
		   d->noverdue);
	if (d->nover)
		H(h, "<table id=\"overdue\"><thead><tr><th>事项</th><th>责任主体</th><th>逾期天数</th>"
		     "<th>联系</th></tr></thead><tbody>");
	for (size_t i = 0; i < d->nover; i++) {
		char buf[1024], *part[4];

		if (!split_key(d->over[i].key, buf, sizeof(buf), part))
			continue;
		H(h, "<tr><td>");
		view_task_link(r, d->over[i].key, view_milestone(r->en, part[0], part[1]));
		H(h, " ");
		view_period(r, part[0], part[1], part[3]);
		H(h, "</td><td>");
		html_text(h, d->over[i].name ? d->over[i].name : part[2]);
		HF(h, "</td><td class=\"n late\">%lld</td><td>%s</td></tr>", d->over[i].days,
		   d->over[i].contact ? d->over[i].contact : "");
	}
	if (d->nover)
		H(h, "</tbody></table>");
	H(h, "<h2>各辖区每月逾期次数</h2>");
	chart_lapses(h, d);
	H(h, "<h2>各事项按时完成率</h2>");
	chart_ontime(r, d);
	view_end(r);
}

/* ---- the task list ---- */

struct list_ctx {
	struct engine *en;
	const char *plan, *milestone, *subject, *period, *state, *jur;
	unsigned show;            /* DASH_* bits the dashboard's link asks for, or 0 */
	int64_t now;
	size_t examined;
	char *keys[WEB_PAGE];
	size_t n;
	struct buf last;          /* position of the last entry examined */
	struct buf next;          /* where the next page starts (hex), empty: no more */
	char mode;                /* 'i' index walk, 'k' key walk */
	const char *after;        /* decoded cursor */
	size_t afterlen;
	const struct who *scope;  /* an account: only its plans' keys (review 11e, X1) */
};

static bool
key_match(const struct list_ctx *c, const char *key)
{
	char buf[1024], *part[4];

	if (!split_key(key, buf, sizeof(buf), part))
		return false;
	/* the account's plans are a filter like `plan`, applied while the page fills: a
	 * bureau's officer saw empty pages while the walk crossed another's tasks */
	return (!c->scope || web_plan_of(c->scope, part[0])) &&
	       (!c->plan || strcmp(part[0], c->plan) == 0) &&
	       (!c->milestone || strcmp(part[1], c->milestone) == 0) &&
	       (!c->subject || strcmp(part[2], c->subject) == 0) &&
	       (!c->period || strcmp(part[3], c->period) == 0);
}

static void
hex_of(struct buf *out, const void *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	buf_reset(out);
	for (size_t i = 0; i < n; i++) {
		buf_putc(out, digits[((const unsigned char *)p)[i] >> 4]);
		buf_putc(out, digits[((const unsigned char *)p)[i] & 15]);
	}
}

/* One entry examined: stop at the budget (resuming after the last one examined) or when
 * the page is full (resuming after this one). */
static int
list_step(struct list_ctx *c, const char *key, const void *pos, size_t poslen)
{
	if (c->examined++ == WEB_SCAN_BUDGET) {
		buf_reset(&c->next);
		buf_putc(&c->next, c->mode);
		{
			struct buf h = BUF_INIT;

			hex_of(&h, c->last.data, c->last.len);
			buf_puts(&c->next, buf_str(&h));
			buf_release(&h);
		}
		return 1;
	}
	buf_reset(&c->last);
	buf_append(&c->last, pos, poslen);
	if (!key_match(c, key))
		return 0;
	c->keys[c->n++] = xstrdup(key);
	if (c->n == WEB_PAGE) {
		struct buf h = BUF_INIT;

		hex_of(&h, pos, poslen);
		buf_reset(&c->next);
		buf_putc(&c->next, c->mode);
		buf_puts(&c->next, buf_str(&h));
		buf_release(&h);
		return 1;
	}
	return 0;
}

static int
list_ref_cb(const struct store_task_ref *ref, void *arg)
{
	struct list_ctx *c = arg;

	if (c->show) {
		char buf[1024], *part[4];
		struct tinfo ti;

		if (!split_key(ref->key, buf, sizeof(buf), part) ||
		    !task_info(c->en, part[0], part[1], ref->state, &ti) ||
		    !(dash_kinds(&ti, ref, c->now) & c->show)) {
			c->examined++;
			return c->examined > WEB_SCAN_BUDGET ? list_step(c, ref->key, ref->pos, ref->poslen)
			                                     : 0;
		}
	}
	return list_step(c, ref->key, ref->pos, ref->poslen);
}

/* The dashboard's count a `show=` names (its column), 0 for none or an unknown one. */
static const struct {
	const char *name, *label;
	unsigned bit;
} shows[] = {{"open", "未办结", DASH_OPEN}, {"week", "7日内到期", DASH_WEEK},
             {"late", "迟报", DASH_LATE}, {"review", "待审核", DASH_REVIEW},
             {"overdue", "逾期", DASH_OVERDUE}};

static unsigned
show_bit(const char *name, const char **label)
{
	for (size_t i = 0; name && i < sizeof(shows) / sizeof(shows[0]); i++)
		if (strcmp(name, shows[i].name) == 0) {
			if (label)
				*label = shows[i].label;
			return shows[i].bit;
		}
	return 0;
}

static int
list_task_cb(const struct store_task *t, void *arg)
{
	struct list_ctx *c = arg;

	if (c->state && strcmp(c->state, t->state) != 0) {
		c->examined++;
		return c->examined > WEB_SCAN_BUDGET ? list_step(c, t->key, t->key, strlen(t->key))
		                                     : 0;
	}
	return list_step(c, t->key, t->key, strlen(t->key));
}

struct list_view {
	struct req *r;
	struct list_ctx *c;
	bool json;
	size_t emitted;
};

/* One task as `dabiao tasks --format json` writes it (the API's contract). */
void
web_task_json(struct buf *b, struct engine *en, const struct store_task *t)
{
	const struct engine_plan *ep = engine_plan_find(en, t->plan);
	const char *pdue;
	char due[16], odue[16], dl[40];

	cal_format_date(t->due_date, due);
	cal_format_date(t->orig_due_date, odue);
	tz_format_rfc3339(ep ? ep->tz : engine_tz(en), t->deadline, dl);
	buf_puts(b, "{\"key\":");
	buf_json_str(b, t->key);
	buf_puts(b, ",\"plan\":");
	buf_json_str(b, t->plan);
	buf_puts(b, ",\"milestone\":");
	buf_json_str(b, t->milestone);
	buf_puts(b, ",\"subject\":");
	buf_json_str(b, t->subject);
	buf_puts(b, ",\"jurisdiction\":");
	if (t->jurisdiction[0] != '\0')
		buf_json_str(b, t->jurisdiction);
	else
		buf_puts(b, "null");   /* as `dabiao tasks` (docs/output.md): no value is null */
	buf_puts(b, ",\"period\":");
	buf_json_str(b, t->period);
	buf_puts(b, ",\"state\":");
	buf_json_str(b, t->state);
	buf_printf(b, ",\"due_date\":\"%s\",\"deadline\":\"%s\",\"original_due_date\":\"%s\","
	           "\"late\":%s,\"extended\":%s,\"previous_due_date\":", due, dl, odue,
	           (t->flags & STORE_TASK_LATE) ? "true" : "false",
	           (t->flags & STORE_TASK_EXTENDED) ? "true" : "false");
	/* as `dabiao tasks` (docs/output.md): null when the task never moved */
	pdue = store_task_extra(t, "previous_due_date");
	if (pdue != NULL && pdue[0] != '\0')
		buf_json_str(b, pdue);
	else
		buf_puts(b, "null");
	buf_putc(b, '}');
}

static void
task_row(struct req *r, struct store_txn *txn, const struct store_task *t, bool select)
{
	struct html *h = &r->out;
	struct tinfo ti;
	char *subj = view_subject_name(r->en, txn, t->subject);
	char *jur = t->jurisdiction[0] ? view_subject_name(r->en, txn, t->jurisdiction)
	                               : xstrdup("—");
	char dl[40];
	int64_t now = engine_now(r->en);

	task_info(r->en, t->plan, t->milestone, t->state, &ti);
	H(h, "<tr>");
	if (select)
		HF(h, "<td><input type=\"checkbox\" name=\"task\" value=\"%s\"></td>", t->key);
	H(h, "<td>");
	view_task_link(r, t->key, view_milestone(r->en, t->plan, t->milestone));
	H(h, "</td><td>");
	view_period(r, t->plan, t->milestone, t->period);
	HF(h, "</td><td>%s</td><td>%s</td><td>", subj, jur);
	tz_format_local(ti.ep ? ti.ep->tz : engine_tz(r->en), t->deadline, dl);
	html_text(h, dl);
	HF(h, "</td><td>%s", view_state(t->state));
	if (ti.st >= 0 && ti.st == ti.lc->deadline_to)
		HF(h, " <span class=\"late\">逾期%lld天</span>",
		   (long long)words_days_overdue(ti.ep->tz, t->deadline, now));
	if (t->flags & STORE_TASK_LATE)
		H(h, " <span class=\"badge\">迟报</span>");
	if (t->flags & STORE_TASK_EXTENDED)
		H(h, " <span class=\"badge\">已延期</span>");
	if (t->flags & STORE_TASK_FLAGGED)
		H(h, " <span class=\"badge late\">问责</span>");
	H(h, "</td></tr>");
	free(subj);
	free(jur);
}

static int
list_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct list_view *v = arg;
	struct list_ctx *c = v->c;
	int rc;

	if (c->jur || c->state || c->show) {
		c->mode = 'i';
		rc = store_task_index_each(txn, c->jur, c->state, c->after, c->afterlen, list_ref_cb,
		                           c, e);
	} else {
		char *prefix = c->plan && c->milestone ? xasprintf("%s/%s/", c->plan, c->milestone)
		             : c->plan ? xasprintf("%s/", c->plan) : xstrdup("");

		c->mode = 'k';
		rc = store_task_each_after(txn, prefix, c->after, list_task_cb, c, e);
		free(prefix);
	}
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < c->n; i++) {
		struct store_task t;

		if (store_task_get(txn, c->keys[i], &t, e) != 0) {
			dberr_clear(e);
			continue;
		}
		if (web_can_see(&v->r->who, &t) && v->json) {
			buf_puts(&v->r->out.b, v->emitted++ ? ",\n" : "\n");
			web_task_json(&v->r->out.b, v->r->en, &t);
		} else if (web_can_see(&v->r->who, &t)) {
			task_row(v->r, txn, &t, v->r->who.office);
		}
		store_task_release(&t);
	}
	return 0;
}

static char *
unhex(const char *s, size_t *n)
{
	size_t len = strlen(s);
	char *out;

	if (len % 2 != 0 || len > 2048)
		return NULL;
	out = xmalloc(len / 2 + 1);
	if (sodium_hex2bin((unsigned char *)out, len / 2, s, len, NULL, n, NULL) != 0) {
		free(out);
		return NULL;
	}
	out[*n] = '\0';
	return out;
}

static const char *
nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

static int
enterprise_jurisdiction(struct store_txn *txn, void *arg, struct dberr *e)
{
	char **jur = arg;   /* in: the enterprise's id; out: its jurisdiction */
	struct store_subject s;
	const char *j;

	if (store_subject_get(txn, STORE_ENTERPRISE, *jur, &s, e) != 0) {
		dberr_clear(e);
		free(*jur);
		*jur = xstrdup("\x01none"); /* no such jurisdiction: an empty list */
		return 0;
	}
	j = store_subject_field(&s, "jurisdiction");
	free(*jur);
	*jur = xstrdup(j ? j : "");
	store_subject_release(&s);
	return 0;
}

static void
filter_select(struct req *r, const char *name, const char *label, const char *cur,
              const char *const *vals, const char *const *labels, size_t n)
{
	struct html *h = &r->out;

	HF(h, "<label>%s <select name=\"%s\"><option value=\"\">全部</option>", label, name);
	for (size_t i = 0; i < n; i++)
		HF(h, "<option value=\"%s\"%s>%s</option>", vals[i],
		   cur && strcmp(cur, vals[i]) == 0 ? " selected" : "", labels[i]);
	H(h, "</select></label>");
}

struct jlist {
	char **ids, **names;
	size_t n, cap;
	struct req *r;            /* whose filter: an office of some plans lists theirs */
	struct store_txn *txn;
};

/* Is jurisdiction s one of the asker's plans' (review 11e, X3)? Every one for an office of
 * every plan. */
static bool
jlist_ours(struct jlist *j, const struct store_subject *s)
{
	if (j->r->who.every_plan)
		return true;
	for (size_t i = 0; i < engine_nplans(j->r->en); i++) {
		const struct engine_plan *ep = engine_plan_at(j->r->en, i);

		if (web_plan_of(&j->r->who, ep->plan->id) &&
		    sched_plan_covers(j->r->en, j->txn, ep, s))
			return true;
	}
	return false;
}

static int
jlist_cb(const struct store_subject *s, void *arg)
{
	struct jlist *j = arg;
	const char *n = store_subject_field(s, "name");

	if (!jlist_ours(j, s))
		return 0;
	j->ids = xgrow(j->ids, &j->cap, j->n + 1, sizeof(char *));
	j->names = xrealloc(j->names, j->cap * sizeof(char *));
	j->ids[j->n] = xstrdup(s->id);
	j->names[j->n++] = xstrdup(n ? n : s->id);
	return 0;
}

static int
jlist_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	((struct jlist *)arg)->txn = txn;
	return store_subject_each(txn, STORE_JURISDICTION, jlist_cb, arg, e);
}

static void
filters_form(struct req *r, const struct list_ctx *c)
{
	struct html *h = &r->out;
	struct engine *en = r->en;
	const char *pv[16], *pl[16], *mv[128], *ml[128], *sv[32], *sl[32];
	size_t np = 0, nm = 0, ns = 0;
	struct jlist j = {.r = r};
	struct dberr e;

	for (size_t i = 0; i < engine_nplans(en) && np < 16; i++) {
		const struct plan *p = engine_plan_at(en, i)->plan;

		/* another bureau's plan: an office's (review 11d, W13), a county's or an
		 * enterprise's (review 11f, Y1) filter names its own plans and milestones only */
		if (!web_plan_of(&r->who, p->id))
			continue;
		pv[np] = p->id;
		pl[np++] = p->title;
		for (size_t k = 0; k < p->nmilestones && nm < 128; k++) {
			mv[nm] = p->milestones[k].id;
			ml[nm++] = p->milestones[k].title;
		}
		for (size_t l = 0; l < p->nlifecycles; l++)
			for (size_t s = 0; s < p->lifecycles[l].nstates && ns < 32; s++) {
				bool seen = false;

				for (size_t q = 0; q < ns; q++)
					seen = seen || strcmp(sv[q], p->lifecycles[l].states[s]) == 0;
				if (!seen) {
					sv[ns] = p->lifecycles[l].states[s];
					sl[ns++] = view_state(p->lifecycles[l].states[s]);
				}
			}
	}
	H(h, "<form method=\"get\" action=\"/tasks\" class=\"filters\"><fieldset>");
	filter_select(r, "plan", "方案", c->plan, pv, pl, np);
	filter_select(r, "milestone", "事项", c->milestone, mv, ml, nm);
	if (r->who.office) {
		dberr_clear(&e);
		store_read(engine_store(en), jlist_txn, &j, &e);
		filter_select(r, "jurisdiction", "辖区", c->jur, (const char *const *)j.ids,
		              (const char *const *)j.names, j.n);
		for (size_t i = 0; i < j.n; i++) {
			free(j.ids[i]);
			free(j.names[i]);
		}
		free(j.ids);
		free(j.names);
	}
	filter_select(r, "state", "状态", c->state, sv, sl, ns);
	HF(h, "<label>企业（信用代码）<input type=\"text\" name=\"subject\" value=\"%s\"></label>"
	      "<label>期次 <input type=\"text\" name=\"period\" value=\"%s\" "
	      "placeholder=\"2017-07\"></label><button type=\"submit\">筛选</button></fieldset>"
	      "</form>",
	   c->subject && r->who.office ? c->subject : "", c->period ? c->period : "");
}

/* Whether a filter names something the plans have: a plan, a milestone (of that plan when
 * one is given), a task state of any lifecycle or one the engine gives a task of any
 * (cancelled, not-applicable). An unknown value answers 400 naming the field, never an
 * empty list: a province's sync job with a typo must hear so (review 11c, m5). */
static const char *
unknown_filter(struct engine *en, const char *plan, const char *milestone, const char *state)
{
	bool ms = milestone == NULL, st = state == NULL;

	if (plan && engine_plan_find(en, plan) == NULL)
		return "plan";
	if (state && (strcmp(state, PLAN_STATE_CANCELLED) == 0 ||
	              strcmp(state, PLAN_STATE_NOT_APPLICABLE) == 0))
		st = true;
	for (size_t i = 0; i < engine_nplans(en) && (!ms || !st); i++) {
		const struct plan *p = engine_plan_at(en, i)->plan;

		if (plan && strcmp(p->id, plan) != 0)
			continue;
		if (!ms && plan_milestone_index(p, milestone) >= 0)
			ms = true;
		for (size_t k = 0; !st && k < p->nlifecycles; k++)
			st = plan_lifecycle_state(&p->lifecycles[k], state) >= 0;
	}
	return !ms ? "milestone" : !st ? "state" : NULL;
}

void
web_tasks(struct req *r, bool json)
{
	struct list_ctx c = {0};
	struct list_view v = {r, &c, json, 0};
	struct html *h = &r->out;
	const char *after = nonempty(req_query(r, "after")), *show_label = NULL;
	char *decoded = NULL, *forced = NULL;
	struct dberr e;
	bool none = false;
	int rc;

	c.en = r->en;
	c.scope = r->who.kind == WHO_ACCOUNT ? &r->who : NULL;
	c.plan = nonempty(req_query(r, "plan"));
	c.milestone = nonempty(req_query(r, "milestone"));
	c.subject = nonempty(req_query(r, "subject"));
	c.period = nonempty(req_query(r, "period"));
	c.state = nonempty(req_query(r, "state"));
	c.jur = nonempty(req_query(r, "jurisdiction"));
	c.show = show_bit(nonempty(req_query(r, "show")), &show_label);
	c.now = engine_now(r->en);
	{
		const char *bad = unknown_filter(r->en, c.plan, c.milestone, c.state);

		/* a `show` that is none of the four is a typo, not "everything" (review 11d, W4) */
		if (bad == NULL && nonempty(req_query(r, "show")) && c.show == 0)
			bad = "show";
		if (bad != NULL) {
			char msg[160];

			if (json)
				snprintf(msg, sizeof(msg), "unknown %s: no plan has it", bad);
			else
				snprintf(msg, sizeof(msg), "筛选条件中的%s不存在，请从页面上的选项中选择。",
				         strcmp(bad, "plan") == 0        ? "计划"
				         : strcmp(bad, "milestone") == 0 ? "事项"
				         : strcmp(bad, "show") == 0      ? "列表类别" : "状态");
			req_error(r, 400, msg);
			return;
		}
	}
	if (c.jur && strcmp(c.jur, "-") == 0)
		c.jur = ""; /* the prefecture offices' own tasks */
	/* what a county or an enterprise may see is forced, whatever the query says */
	if (!r->who.office && r->who.per_enterprise) {
		forced = xstrdup(r->who.subject);
		dberr_clear(&e);
		store_read(engine_store(c.en), enterprise_jurisdiction, &forced, &e);
		c.jur = forced;
		c.subject = r->who.subject;
	} else if (!r->who.office) {
		c.jur = r->who.subject;
	}
	/* another jurisdiction or enterprise asked for by one that may not see it: nothing, as
	 * for another subject — never its own tasks under the other's filter (review 11d, W4) */
	if (!r->who.office &&
	    ((nonempty(req_query(r, "jurisdiction")) && c.jur &&
	      strcmp(req_query(r, "jurisdiction"), c.jur) != 0) ||
	     (r->who.per_enterprise && nonempty(req_query(r, "subject")) &&
	      strcmp(req_query(r, "subject"), r->who.subject) != 0)))
		none = true;
	if (after && strlen(after) > 1) {
		decoded = unhex(after + 1, &c.afterlen);
		if (decoded == NULL || after[0] != ((c.jur || c.state || c.show) ? 'i' : 'k')) {
			free(decoded);
			free(forced);
			req_error(r, 400, "翻页参数无效。");
			return;
		}
		c.after = decoded;
	}
	if (json) {
		buf_puts(&r->out.b, "{\"tasks\":[");
		dberr_clear(&e);
		rc = none ? 0 : store_read(engine_store(c.en), list_txn, &v, &e);
		buf_puts(&r->out.b, "\n],\"next\":");
		if (c.next.len)
			buf_json_str(&r->out.b, buf_str(&c.next));
		else
			buf_puts(&r->out.b, "null");
		buf_puts(&r->out.b, "}\n");
		if (rc != 0)
			req_error(r, 503, "存储暂时不可用");
		else
			req_json(r, 200);
		goto out;
	}
	view_begin(r, "任务");
	if (show_label)
		HF(h, "<h1>任务：%s</h1>", show_label);
	else
		H(h, "<h1>任务</h1>");
	/* a county or an enterprise takes its deadlines into the calendar it uses; the
	 * reports page has the office's */
	if (!r->who.office)
		H(h, "<p><a id=\"calendar\" href=\"/calendar.ics\">下载本单位的截止日期"
		     "（日历文件，可导入电脑或手机日历）</a></p>");
	filters_form(r, &c);
	if (r->who.office)
		HF(h, "<form method=\"post\" action=\"/extend\" id=\"extend-form\">"
		      "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", r->who.csrf);
	H(h, "<table id=\"tasks\"><thead><tr>");
	if (r->who.office)
		H(h, "<th>选择</th>");
	H(h, "<th>事项</th><th>期次</th><th>责任主体</th><th>辖区</th><th>截止时间</th><th>状态</th>"
	     "</tr></thead><tbody>");
	dberr_clear(&e);
	rc = none ? 0 : store_read(engine_store(c.en), list_txn, &v, &e);
	H(h, "</tbody></table>");
	if (rc != 0) {
		log_warnx(r->w->log_level, "web", "task list: %s", e.msg);
		H(h, "<p class=\"error\">读取失败，请稍后重试。</p>");
	}
	if (c.n == 0)
		H(h, "<p>没有符合条件的任务。</p>");
	if (c.next.len > 0) {
		H(h, "<p><a id=\"next-page\" href=\"/tasks?");
		if (c.plan) { H(h, "plan="); html_url(h, c.plan); H(h, "&amp;"); }
		if (c.milestone) { H(h, "milestone="); html_url(h, c.milestone); H(h, "&amp;"); }
		if (c.jur && r->who.office) {
			H(h, "jurisdiction=");
			html_url(h, c.jur[0] ? c.jur : "-");
			H(h, "&amp;");
		}
		if (c.state) { H(h, "state="); html_url(h, c.state); H(h, "&amp;"); }
		if (c.show) { H(h, "show="); html_url(h, req_query(r, "show")); H(h, "&amp;"); }
		if (c.subject && r->who.office) { H(h, "subject="); html_url(h, c.subject); H(h, "&amp;"); }
		if (c.period) { H(h, "period="); html_url(h, c.period); H(h, "&amp;"); }
		H(h, "after=");
		html_url(h, buf_str(&c.next));
		HF(h, "\">%s</a></p>", c.n == WEB_PAGE ? "下一页" : "继续查找");
	}
	if (r->who.office)
		H(h, "<fieldset><legend>延期所选任务</legend><label>新截止日期 <input type=\"date\" "
		     "name=\"to\" required></label><label>理由 <input type=\"text\" name=\"reason\" "
		     "required></label><button type=\"submit\">延期</button></fieldset></form>");
	view_end(r);
out:
	for (size_t i = 0; i < c.n; i++)
		free(c.keys[i]);
	buf_release(&c.last);
	buf_release(&c.next);
	free(decoded);
	free(forced);
}

/* ---- a task's page ---- */

static const char *
delivery_word(const char *state)
{
	return strcmp(state, "sent") == 0        ? "已发送"
	     : strcmp(state, "queued") == 0      ? "待发送"
	     : strcmp(state, "retrying") == 0    ? "重试中"
	     : strcmp(state, "failed") == 0      ? "发送失败"
	     : strcmp(state, "digested") == 0    ? "已并入每日汇总"
	                                         : state;
}


struct tl_ctx {
	struct req *r;
	struct store_txn *txn;
	const struct store_task *t;
};

/* A notice that went in its recipients' day's message: that message's delivery, per
 * recipient, so "we were never reminded" has an answer on the page (review 11d, W14). */
static void
digest_states(struct req *r, struct store_txn *txn, const struct store_task *t,
              const struct store_notice *n)
{
	const struct engine_plan *ep = engine_plan_find(r->en, t->plan);

	if (ep == NULL || strcmp(n->state, "digested") != 0)
		return;
	for (size_t i = 0; i < n->nto; i++) {
		char *key = notice_digest_key_for(ep, n->scheduled, n->to[i]);
		struct store_notice d;
		struct dberr e;

		dberr_clear(&e);
		if (store_notice_get(txn, key, &d, &e) == 0) {
			HF(&r->out, "<br>每日汇总（%s）：%s", n->to[i], delivery_word(d.state));
			store_notice_release(&d);
		} else {
			HF(&r->out, "<br>每日汇总（%s）：尚未生成", n->to[i]);
		}
		free(key);
	}
}

static void
detail(struct html *h, const char *details, const char *name, const char *label)
{
	char *v = report_json_str(details, name);

	if (v && *v)
		HF(h, "<br>%s：%s", label, v);
	free(v);
}

/* A submission's declared or missing sections, by the plan's titles. */
static void
sections_detail(struct req *r, const struct store_task *t, const char *details,
                const char *name, const char *label)
{
	char *v = report_json_str(details, name);

	if (v && *v) {
		HF(&r->out, "<br>%s：", label);
		view_sections(r, t->plan, t->milestone, v);
	}
	free(v);
}

/* The record's action in words, for those the timeline has no line of its own for
 * (the plan's reconciliation, the scheduler's corrections); an unknown one as "其他记录". */
static const char *
other_action(const char *action)
{
	static const char *const words[][2] = {
		{"task.reschedule", "提醒或截止安排随方案调整"}, {"task.redate", "截止日期随方案调整"},
		{"task.rename", "事项名称随方案调整"},           {"task.move", "所属辖区变更"},
		{"task.cancel", "事项撤销（方案或名录变更）"},  {"notice.cancel", "通知撤回"}};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(words[i][0], action) == 0)
			return words[i][1];
	return "其他记录（详见审计序号）";
}

static int
timeline_cb(const struct store_audit *a, void *arg)
{
	struct tl_ctx *c = arg;
	struct req *r = c->r;
	struct html *h = &r->out;
	char *kind = NULL, *key = NULL, *ev = NULL;

	H(h, "<tr><td>");
	view_time(r, a->clock_time);
	H(h, "</td><td>");
	if (strcmp(a->action, "task.create") == 0) {
		H(h, "任务生成");
	} else if (strcmp(a->action, "task.lapse") == 0) {
		H(h, "<span class=\"late\">截止时间已过，记为逾期</span>");
	} else if (strcmp(a->action, "notice.queue") == 0) {
		struct store_notice n;
		struct dberr e;

		kind = report_json_str(a->details, "kind");
		key = report_json_str(a->details, "key");
		HF(h, "发出%s", view_notice_kind(kind ? kind : ""));
		dberr_clear(&e);
		if (key && store_notice_get(c->txn, key, &n, &e) == 0) {
			struct buf to = BUF_INIT;

			for (size_t i = 0; i < n.nto; i++) {
				if (i)
					buf_puts(&to, "、");
				buf_puts(&to, n.to[i]);
			}
			HF(h, "<br>收件人：%s<br>投递：%s", buf_str(&to), delivery_word(n.state));
			digest_states(r, c->txn, c->t, &n);
			buf_release(&to);
			store_notice_release(&n);
		}
	} else if (strcmp(a->action, "task.submit") == 0) {
		char *late = strstr(a->details, "\"late\":true") ? "（迟报）" : "";

		HF(h, "报送%s", late);
		detail(h, a->details, "by", "报送人");
		sections_detail(r, c->t, a->details, "sections", "声明包含");
		sections_detail(r, c->t, a->details, "missing", "缺少");
		detail(h, a->details, "note", "说明");
		act_files_list(r, a->details, c->t->key);
		HF(h, "<br><a href=\"/receipt/%llu\">回执</a>", (unsigned long long)a->seq);
	} else if (strcmp(a->action, "task.event") == 0) {
		ev = report_json_str(a->details, "event");
		HF(h, "%s", ev && strcmp(ev, "accept") == 0 ? "审核通过"
		          : ev && strcmp(ev, "return") == 0 ? "退回"
		          : "办理（状态变更见下）"); /* a plan's own event: its id is no word */
		detail(h, a->details, "by", "经办人");
		detail(h, a->details, "reason", "理由");
		detail(h, a->details, "note", "理由或说明");
		/* entered afterwards with its time (event --at, the page's 实际发生时间) */
		if (strstr(a->details, "\"voids_lapse\":true"))
			detail(h, a->details, "at", "补录，实际发生于（所记逾期不予计算）");
		else if (strstr(a->details, "\"backdated\":true"))
			detail(h, a->details, "at", "补录，实际发生于");
	} else if (strcmp(a->action, "task.extend") == 0) {
		H(h, "延期");
		detail(h, a->details, "from_due_date", "原截止日期");
		detail(h, a->details, "to_due_date", "新截止日期");
		detail(h, a->details, "reason", "理由");
	} else if (strcmp(a->action, "task.flag") == 0) {
		kind = report_json_str(a->details, "kind");
		HF(h, "<span class=\"late\">问责标记：%s</span>", conduct_flag_zh(kind ? kind : ""));
		detail(h, a->details, "reason", "理由");
	} else if (strcmp(a->action, "task.unflag") == 0) {
		kind = report_json_str(a->details, "kind");
		HF(h, "撤销问责标记：%s", conduct_flag_zh(kind ? kind : ""));
		detail(h, a->details, "reason", "理由");
	} else if (strcmp(a->action, "notice.sent") == 0) {
		H(h, "通知已投递");
	} else if (strcmp(a->action, "notice.retry") == 0 || strcmp(a->action, "notice.failed") == 0) {
		H(h, "通知投递未成功");
	} else if (strcmp(a->action, "link.revoke") == 0) {
		H(h, "撤销报送链接");
	} else {
		H(h, "<span class=\"muted\">");
		html_text(h, other_action(a->action));
		H(h, "</span>");
	}
	if (strncmp(a->action, "notice.", 7) == 0) {
		/* a notice's own states are shown as its delivery above */
	} else if (a->from_state[0] || a->to_state[0])
		HF(h, "<br><span class=\"muted\">状态：%s → %s</span>",
		   a->from_state[0] ? view_state(a->from_state) : "—", view_state(a->to_state));
	H(h, "</td><td>");
	view_actor(r, a->actor);
	HF(h, "</td><td><a href=\"/proof/%llu\">#%llu</a></td></tr>", (unsigned long long)a->seq,
	   (unsigned long long)a->seq);
	free(kind);
	free(key);
	free(ev);
	return 0;
}

/* The head of a task's page: what is due, in words. Shared with the link page. */
static void
task_head(struct req *r, struct store_txn *txn, const struct store_task *t,
          const struct tinfo *ti)
{
	struct html *h = &r->out;
	char *subj = view_subject_name(r->en, txn, t->subject);
	char *jur = t->jurisdiction[0] ? view_subject_name(r->en, txn, t->jurisdiction)
	                               : xstrdup("—");
	char dl[40];

	H(h, "<h1 id=\"task-title\">");
	html_text(h, ti->m ? ti->m->title : t->milestone);
	H(h, " ");
	view_period(r, t->plan, t->milestone, t->period);
	H(h, "</h1><table class=\"facts\"><tbody>");
	HF(h, "<tr><th>方案</th><td>%s</td></tr>", ti->ep ? ti->ep->plan->title : t->plan);
	if (ti->ep && ti->m)
		HF(h, "<tr><th>阶段</th><td>%s</td></tr>", ti->ep->plan->phases[ti->m->phase].title);
	HF(h, "<tr><th>责任主体</th><td>%s</td></tr><tr><th>辖区</th><td>%s</td></tr>", subj, jur);
	if (ti->ep && ti->m) {
		HF(h, "<tr><th>责任单位</th><td>%s</td></tr>", ti->ep->plan->roles[ti->m->owner].title);
		if (ti->m->submit_to >= 0)
			HF(h, "<tr><th>报送至</th><td>%s</td></tr>",
			   ti->ep->plan->roles[ti->m->submit_to].title);
	}
	tz_format_local(ti->ep ? ti->ep->tz : engine_tz(r->en), t->deadline, dl);
	HF(h, "<tr><th>截止时间</th><td id=\"deadline\">%s", dl);
	if (t->flags & STORE_TASK_EXTENDED) {
		char od[16];

		cal_format_date(t->orig_due_date, od);
		HF(h, "（原定 %s，已延期）", od);
	}
	HF(h, "</td></tr><tr><th>状态</th><td id=\"state\">%s</td></tr>", view_state(t->state));
	if (ti->m && ti->m->nrequires) {
		H(h, "<tr><th>应含内容</th><td>");
		for (size_t i = 0; i < ti->m->nrequires; i++)
			HF(h, "%s%s", i ? "、" : "",
			   ti->m->requires_titles[i] ? ti->m->requires_titles[i] : ti->m->requires[i]);
		H(h, "</td></tr>");
	}
	if (ti->m && ti->m->description)
		HF(h, "<tr><th>事项说明</th><td>%s</td></tr>", ti->m->description);
	if (ti->ep) {
		/* the document the task rests on, as its notices cite it: the plan's issuer,
		 * else the configuration's default */
		const char *basis = ti->ep->plan->issuer.basis ? ti->ep->plan->issuer.basis
		                                               : engine_config(r->en)->issuer.basis;

		if (basis)
			HF(h, "<tr><th>依据</th><td id=\"basis\">%s</td></tr>", basis);
	}
	H(h, "</tbody></table>");
	free(subj);
	free(jur);
}

/* The submission form: the same fields on a task page and on a link's page. */
static void
submit_form(struct req *r, const struct tinfo *ti, const char *action)
{
	struct html *h = &r->out;

	HF(h, "<form method=\"post\" enctype=\"multipart/form-data\" action=\"%s\" id=\"submit-form\">"
	      "<fieldset><legend>报送</legend><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
	      "<label>报送人姓名 <input type=\"text\" name=\"by\" id=\"by\" required value=\"%s\">"
	      "</label>", action, r->who.csrf, r->who.kind == WHO_ACCOUNT && r->who.name ?
	                                           r->who.name : "");
	/* nothing ticked in advance: the sections a hand-in declares are the ones its sender
	 * ticked, as `dabiao submit` declares only its --sections (review 11c, H1: boxes that
	 * came ticked recorded an empty hand-in as a complete one the named person declared,
	 * out of the 内容不全 rule's and the deadline's reach) */
	if (ti->m && ti->m->nrequires) {
		H(h, "<p id=\"sections-intro\">本次报送实际包含的部分（请逐项勾选；未勾选的部分视为缺少，"
		     "按内容不全处理，须补正后重新报送）：</p>");
		for (size_t i = 0; i < ti->m->nrequires; i++)
			HF(h, "<label><input type=\"checkbox\" name=\"sections\" value=\"%s\"> "
			      "%s</label>", ti->m->requires[i],
			   ti->m->requires_titles[i] ? ti->m->requires_titles[i] : ti->m->requires[i]);
	}
	/* the table is read into the report on the spot (review 11g, S14): say so, and what a
	 * table must be, before the county sends it */
	if (ti->m && ti->ep &&
	    (ti->m->form == PLAN_FORM_ANNEX3 || ti->m->form == PLAN_FORM_ANNEX4) &&
	    report_form_milestone(ti->ep->plan, (int)ti->m->form) == ti->m)
		HF(h, "<p id=\"table-intro\">请上传报送通知所附的%s表格（xlsx，或另存为 CSV UTF-8），"
		      "表中数字将读入报表；表格不符合格式时本次报送不予保存，页面会指出有误的行和列。"
		      "盖章扫描件等其他文件可一并上传。</p>",
		   ti->m->form == PLAN_FORM_ANNEX3 ? "附件3" : "附件4");
	HF(h, "<label>说明 <textarea name=\"note\" rows=\"3\"></textarea></label>"
	      "<label>文件（可多选，合计不超过 %zu KB）<input type=\"file\" name=\"file\" id=\"file\" "
	      "multiple></label><button type=\"submit\" id=\"submit-button\">报送</button>"
	      "</fieldset></form>", r->w->cfg->web_upload_limit / 1024);
}

struct task_page {
	struct req *r;
	const char *key;
	bool found;
};

static int
link_row_cb(const struct store_link *l, void *arg)
{
	struct req *r = arg;
	struct html *h = &r->out;

	H(h, "<tr><td>");
	view_time(r, l->created);
	HF(h, "</td><td>%s</td><td>%s</td></tr>", view_role(r->en, l->role),
	   l->revoked ? "已撤销" : "有效");
	return 0;
}

/* The task's standing accountability flags with a form to withdraw one (`flag
 * --withdraw`, a reason required): a flag raised by a slip counts toward 约谈/限批 until it
 * is taken back, so it is taken back where it was raised (review 11g, S15). */
static void
unflag_form(struct req *r, const struct store_task *t)
{
	struct html *h = &r->out;
	const char *flags = store_task_extra(t, "flags");

	if (flags == NULL)
		flags = store_task_extra(t, "flag_kind"); /* flagged before kinds were kept */
	if (flags == NULL || *flags == '\0')
		return;
	HF(h, "<form method=\"post\" action=\"/tasks/%s/review\" id=\"unflag-form\"><fieldset>"
	      "<legend>撤销问责标记</legend><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
	      "<label>问责标记 <select name=\"kind\" id=\"unflag-kind\">", t->key, r->who.csrf);
	for (const char *p = flags; *p != '\0';) {
		size_t l = strcspn(p, ",");
		char *kind = xstrndup(p, l);

		HF(h, "<option value=\"%s\">%s</option>", kind, conduct_flag_zh(kind));
		free(kind);
		p += l + (p[l] == ',');
	}
	H(h, "</select></label><label>理由（必填） <input type=\"text\" name=\"reason\" "
	     "id=\"unflag-reason\" required></label><button type=\"submit\" name=\"action\" "
	     "value=\"unflag\" id=\"unflag\">撤销此标记</button></fieldset></form>");
}

/* The lifecycle's own events the task's state allows (a rectification's start, verify,
 * close), each a button naming the state it leads to: `dabiao event` on the page, with
 * its --reason, --note and --at (review 11g, S13: 第五阶段 needed a shell). */
static void
event_form(struct req *r, const struct store_task *t, const struct tinfo *ti)
{
	struct html *h = &r->out;
	bool any = false;

	if (ti->lc == NULL || ti->st < 0)
		return;
	for (size_t i = 0; i < ti->lc->nevents; i++) {
		const char *ev = ti->lc->events[i];
		int to;

		if (!web_office_event(ti->lc, ti->st, ev))
			continue;
		if (!any)
			HF(h, "<form method=\"post\" action=\"/tasks/%s/event\" id=\"event-form\">"
			      "<fieldset><legend>办理</legend><input type=\"hidden\" name=\"csrf\" "
			      "value=\"%s\"><label>理由（写入给责任单位的通知）<input type=\"text\" "
			      "name=\"reason\" id=\"event-reason\"></label><label>备注（仅记入审计记录）"
			      "<input type=\"text\" name=\"note\" id=\"event-note\"></label><label>"
			      "实际发生时间（补录时填写，留空为现在）<input type=\"datetime-local\" "
			      "name=\"at\" id=\"event-at\"></label>", t->key, r->who.csrf);
		any = true;
		to = ti->lc->table[(size_t)ti->st * ti->lc->nevents + i];
		HF(h, "<button type=\"submit\" name=\"event\" value=\"%s\" id=\"event-%s\">"
		      "记为：%s</button> ", ev, ev, view_state(ti->lc->states[to]));
	}
	if (any)
		H(h, "</fieldset></form>");
}

static int
task_page_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct task_page *p = arg;
	struct req *r = p->r;
	struct html *h = &r->out;
	struct store_task t;
	struct tinfo ti;
	struct tl_ctx tl = {r, txn, &t};
	int rc;

	if (store_task_get(txn, p->key, &t, e) != 0) {
		dberr_clear(e);
		return 0;
	}
	if (!web_can_see(&r->who, &t)) {
		store_task_release(&t);
		return 0;
	}
	p->found = true;
	task_info(r->en, t.plan, t.milestone, t.state, &ti);
	view_begin(r, ti.m ? ti.m->title : t.milestone);
	task_head(r, txn, &t, &ti);
	if (web_can_submit(r->en, &r->who, &t) && event_allowed(&ti, "submit")) {
		char *action = xasprintf("/tasks/%s/submit", t.key);

		submit_form(r, &ti, action);
		free(action);
	}
	if (web_can_review(&r->who)) {
		HF(h, "<form method=\"post\" action=\"/tasks/%s/review\" id=\"review-form\"><fieldset>"
		      "<legend>审核</legend><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		      "<label>理由或说明（退回、问责时必填）<input type=\"text\" name=\"reason\" "
		      "id=\"reason\"></label>", t.key, r->who.csrf);
		if (event_allowed(&ti, "accept"))
			H(h, "<button type=\"submit\" name=\"action\" value=\"accept\" id=\"accept\">通过"
			     "</button> ");
		if (event_allowed(&ti, "return"))
			H(h, "<button type=\"submit\" name=\"action\" value=\"return\" id=\"return\">退回"
			     "</button> ");
		H(h, "<label>问责类型 <select name=\"kind\"><option value=\"concealed\">瞒报</option>"
		     "<option value=\"falsified\">谎报</option><option value=\"omitted\">漏报</option>"
		     "</select></label><button type=\"submit\" name=\"action\" value=\"flag\" "
		     "id=\"flag\">标记问责</button></fieldset></form>");
		unflag_form(r, &t);
		event_form(r, &t, &ti);
		if (!ti.lc || !ti.lc->final[ti.st])
			HF(h, "<form method=\"post\" action=\"/extend\" id=\"extend-one\"><fieldset>"
			      "<legend>延期</legend><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			      "<input type=\"hidden\" name=\"task\" value=\"%s\"><label>新截止日期 "
			      "<input type=\"date\" name=\"to\" required></label><label>理由 <input "
			      "type=\"text\" name=\"reason\" required></label><button type=\"submit\">延期"
			      "</button></fieldset></form>", r->who.csrf, t.key);
	}
	H(h, "<h2>记录</h2><table id=\"timeline\"><thead><tr><th>时间</th><th>事件</th>"
	     "<th>操作者</th><th>审计序号</th></tr></thead><tbody>");
	rc = store_audit_task_each(txn, t.key, timeline_cb, &tl, e);
	H(h, "</tbody></table>");
	if (rc == 0 && r->who.office) {
		H(h, "<h2>报送链接</h2><table id=\"links\"><thead><tr><th>发出时间</th><th>角色</th>"
		     "<th>状态</th></tr></thead><tbody>");
		rc = store_link_each_task(txn, t.key, link_row_cb, r, e);
		/* a revoke (a leaked or forwarded link) sends the owner a fresh one unless unticked,
		 * so the rightful county is not left without a way to hand in (review 11c, M1) */
		HF(h, "</tbody></table><form method=\"post\" action=\"/tasks/%s/revoke\">"
		      "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><label><input "
		      "type=\"checkbox\" name=\"reissue\" value=\"1\" id=\"reissue\" checked> 同时向责任"
		      "单位发送新的报送链接（事项仍可报送时）</label><button type=\"submit\" "
		      "id=\"revoke\">撤销此任务的全部报送链接</button></form>", t.key, r->who.csrf);
	}
	view_end(r);
	store_task_release(&t);
	return rc;
}

void
page_task(struct req *r, const char *key)
{
	struct task_page p = {r, key, false};
	struct dberr e;

	dberr_clear(&e);
	if (store_read(engine_store(r->en), task_page_txn, &p, &e) != 0) {
		log_warnx(r->w->log_level, "web", "task page: %s", e.msg);
		req_error(r, 503, "存储暂时不可用，请稍后重试。");
		return;
	}
	/* another county's task is answered exactly like a task that does not exist */
	if (!p.found)
		req_error(r, 404, "没有这个任务。");
}

/* ---- the review queue ---- */

struct rq_ctx {
	struct req *r;
	struct store_txn *txn;
	size_t n, examined;
};

static int
review_cb(const struct store_task_ref *ref, void *arg)
{
	struct rq_ctx *c = arg;
	struct req *r = c->r;
	struct html *h = &r->out;
	struct store_task t;
	struct dberr e;

	if (c->n >= 200 || c->examined++ >= WEB_SCAN_BUDGET)
		return 1;
	dberr_clear(&e);
	if (store_task_get(c->txn, ref->key, &t, &e) != 0)
		return 0;
	if (!web_can_see(&r->who, &t)) {   /* another bureau's plan */
		store_task_release(&t);
		return 0;
	}
	c->n++;
	{
		char *subj = view_subject_name(r->en, c->txn, t.subject);
		const char *by = store_task_extra(&t, "submitted_by");
		const char *at = store_task_extra(&t, "submitted_at");

		H(h, "<tr><td>");
		view_task_link(r, t.key, view_milestone(r->en, t.plan, t.milestone));
		H(h, " ");
		view_period(r, t.plan, t.milestone, t.period);
		int64_t when;

		HF(h, "</td><td>%s</td><td>%s</td><td>", subj, by ? by : "");
		/* as every page shows a time (2017-02-10 09:00 +08:00), not as it is kept */
		if (at != NULL && tz_parse_time(engine_tz(r->en), at, &when) == 0)
			view_time(r, when);
		else
			HF(h, "%s", at ? at : "");
		HF(h, "</td><td>%s</td></tr>", view_state(t.state));
		free(subj);
	}
	store_task_release(&t);
	return 0;
}

static int
review_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct rq_ctx *c = arg;
	struct engine *en = c->r->en;
	const char *seen[32];
	size_t nseen = 0;
	int rc = 0;

	c->txn = txn;
	/* every state, in any loaded lifecycle, that waits for the receiver's review */
	for (size_t i = 0; rc == 0 && i < engine_nplans(en); i++) {
		const struct plan *p = engine_plan_at(en, i)->plan;

		for (size_t l = 0; rc == 0 && l < p->nlifecycles; l++) {
			const struct plan_lifecycle *lc = &p->lifecycles[l];

			for (size_t s = 0; rc == 0 && s < lc->nstates; s++) {
				bool dup = false;

				if (!plan_lifecycle_awaits_review(lc, (int)s))
					continue;
				for (size_t k = 0; k < nseen; k++)
					dup = dup || strcmp(seen[k], lc->states[s]) == 0;
				if (dup || nseen == 32)
					continue;
				seen[nseen++] = lc->states[s];
				rc = store_task_index_each(txn, NULL, lc->states[s], NULL, 0, review_cb, c, e);
			}
		}
	}
	return rc;
}

void
page_review(struct req *r)
{
	struct rq_ctx c = {r, NULL, 0, 0};
	struct html *h = &r->out;
	struct dberr e;

	if (!web_can_review(&r->who)) {
		req_error(r, 403, "只有州级部门的账号可以审核报送。");
		return;
	}
	view_begin(r, "待审核");
	H(h, "<h1>待审核的报送</h1><table id=\"review\"><thead><tr><th>事项</th><th>责任主体</th>"
	     "<th>报送人</th><th>报送时间</th><th>状态</th></tr></thead><tbody>");
	dberr_clear(&e);
	if (store_read(engine_store(r->en), review_txn, &c, &e) != 0) {
		log_warnx(r->w->log_level, "web", "review queue: %s", e.msg);
		H(h, "<tr><td colspan=\"5\" class=\"error\">读取失败，请稍后重试。</td></tr>");
	}
	H(h, "</tbody></table>");
	if (c.n == 0)
		H(h, "<p>没有待审核的报送。</p>");
	view_end(r);
}

/* ---- the page a submit link opens ---- */

struct link_page {
	struct req *r;
	const char *token;
	uint64_t receipt;
};

struct link_subs {
	struct req *r;
	const char *token;
	unsigned n;
	const struct store_task *t;
	bool incomplete;          /* the last hand-in lacked sections, nothing done since */
};

static int
link_sub_cb(const struct store_audit *a, void *arg)
{
	struct link_subs *x = arg;
	struct html *h = &x->r->out;
	char *by, *missing;

	if (strcmp(a->action, "task.event") == 0)
		x->incomplete = false;   /* a return, an acceptance: that hand-in was judged */
	if (strcmp(a->action, "task.submit") != 0)
		return 0;
	if (x->n++ == 0)
		H(h, "<h2>本事项的报送</h2><table id=\"submissions\"><thead><tr><th>收到时间</th>"
		     "<th>报送人</th><th>结果</th><th>回执</th><th>包含证明</th></tr></thead><tbody>");
	by = report_json_str(a->details, "by");
	missing = report_json_str(a->details, "missing");
	H(h, "<tr><td>");
	view_time(x->r, submit_received(x->r, a));
	HF(h, "</td><td>%s</td><td>%s", by ? by : "",
	   strstr(a->details, "\"late\":true") ? "迟报" : "按时");
	/* a hand-in that lacked sections is not "on time" and nothing more: it was 内容不全
	 * (review 11d, W12) */
	if (missing && *missing) {
		H(h, "，<span class=\"late\">内容不全（缺少");
		view_sections(x->r, x->t->plan, x->t->milestone, missing);
		H(h, "）</span>");
	}
	x->incomplete = missing && *missing;
	free(missing);
	H(h, "</td>");
	{
		/* the receipt's own address, which outlives the link (receipt.c) */
		char *path = web_receipt_path(x->r->w, a->seq);

		HF(h, "<td><a href=\"%s\">回执 %llu</a></td>", path, (unsigned long long)a->seq);
		free(path);
	}
	HF(h, "<td><a href=\"/s/%s/proof/%llu\">证明</a></td></tr>", x->token,
	   (unsigned long long)a->seq);
	free(by);
	return 0;
}

/* What the county holding the link has no other view of (review 11b, m10): why the task
 * came back to it (the officer's return reason, or the sections found missing), and every
 * submission of the task with its receipt and proof. */
static void
link_history(struct req *r, struct store_txn *txn, const char *token, const struct store_task *t,
             const struct tinfo *ti)
{
	struct html *h = &r->out;
	struct link_subs x = {r, token, 0, t, false};
	const char *reason = store_task_extra(t, "reason"), *missing = store_task_extra(t, "missing");
	struct dberr e;

	/* a return from the web keeps its reason as the event's note (act.c), the command
	 * line's `--reason` as reason */
	if (reason == NULL || *reason == '\0')
		reason = store_task_extra(t, "note");

	if (strcmp(t->state, "returned") == 0 && reason && *reason)
		HF(h, "<p id=\"returned-reason\" class=\"late\">退回原因：%s</p>", reason);
	if (ti->lc && ti->st >= 0 && ti->st == ti->lc->incomplete && missing && *missing) {
		H(h, "<p id=\"missing\" class=\"late\">内容不全，缺少：");
		view_sections(r, t->plan, t->milestone, missing);
		H(h, "</p>");
	}
	dberr_clear(&e);
	if (store_audit_task_each(txn, t->key, link_sub_cb, &x, &e) != 0)
		log_warnx(r->w->log_level, "web", "link page: %s", e.msg);
	if (x.n)
		H(h, "</tbody></table>");
	/* lapsed after an incomplete hand-in: say why it is overdue (review 11d, W12) */
	if (ti->lc && ti->st >= 0 && ti->st == ti->lc->deadline_to && x.incomplete && missing &&
	    *missing) {
		H(h, "<p id=\"missing\" class=\"late\">最近一次报送内容不全，缺少：");
		view_sections(r, t->plan, t->milestone, missing);
		H(h, "；期限内未补齐，现按逾期处理。请报送完整内容。</p>");
	}
}

/* Whom the county asks about its task: the plan's issuer contact (else the configuration's),
 * else the office it hands in to, with its addresses in the registry. */
static void
link_contact(struct req *r, struct store_txn *txn, const struct tinfo *ti)
{
	struct html *h = &r->out;
	const char *contact = ti->ep && ti->ep->plan->issuer.contact
	                          ? ti->ep->plan->issuer.contact
	                          : engine_config(r->en)->issuer.contact;
	const struct plan_role *office;
	struct strset to = {0};
	struct buf b = BUF_INIT;
	struct dberr ignored;

	if (contact && *contact) {
		HF(h, "<p id=\"contact\">如有疑问，请联系：%s</p>", contact);
		return;
	}
	if (ti->ep == NULL || ti->m == NULL || ti->m->submit_to < 0)
		return;
	office = &ti->ep->plan->roles[ti->m->submit_to];
	dberr_clear(&ignored);
	(void)notice_role_addresses(txn, office, NULL, NULL, &to, &ignored);
	strset_join(&to, "，", &b);
	if (b.len)
		HF(h, "<p id=\"contact\">如有疑问，请联系%s（%s）。</p>", office->title, buf_str(&b));
	else
		HF(h, "<p id=\"contact\">如有疑问，请联系%s。</p>", office->title);
	strset_free(&to);
	buf_release(&b);
}

/* A link past its days (web.link_days) whose task the county may still have to hand in: the
 * page says the link expired and when, by when the task is due, whom to ask, and offers a
 * fresh link sent to the county's registered addresses (review11g S11: it said only
 * 此链接已不能报送, and no notice carried a new link before the deadline). */
static void
link_expired(struct req *r, struct store_txn *txn, const char *token,
             const struct store_task *t, const struct tinfo *ti)
{
	struct html *h = &r->out;
	char dl[40];

	H(h, "<div id=\"link-expired\"><p class=\"late\">此报送链接已于 ");
	view_time(r, r->who.link.expires);
	HF(h, " 过期（报送链接的有效期为 %d 天），不能再通过它报送。</p>",
	   r->w->cfg->web_link_days);
	if (event_allowed(ti, "submit")) {
		tz_format_local(ti->ep->tz, t->deadline, dl);
		HF(h, "<p>本事项当前状态为“%s”，仍须报送，截止时间 %s%s。可向本单位登记的邮箱发送新的"
		      "报送链接，用新链接报送：</p><form method=\"post\" action=\"/s/%s/reissue\">"
		      "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><button type=\"submit\" "
		      "id=\"reissue\">发送新的报送链接</button></form>", view_state(t->state), dl,
		   t->deadline < engine_now(r->en) ? "（已逾期，请尽快补报）" : "", token, r->who.csrf);
	} else {
		HF(h, "<p>本事项当前状态为“%s”，暂不需要报送；回执和包含证明仍可在此查看。</p>",
		   view_state(t->state));
	}
	link_contact(r, txn, ti);
	H(h, "</div>");
}

static int
link_page_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct link_page *p = arg;
	struct req *r = p->r;
	struct html *h = &r->out;
	struct store_task t;
	struct tinfo ti;
	int rc;

	if ((rc = store_task_get(txn, r->who.link.task, &t, e)) != 0)
		return rc;
	task_info(r->en, t.plan, t.milestone, t.state, &ti);
	view_begin(r, ti.m ? ti.m->title : t.milestone);
	if (p->receipt)
		act_receipt_body(r, txn, p->receipt, t.key);
	task_head(r, txn, &t, &ti);
	link_history(r, txn, p->token, &t, &ti);
	if (req_query(r, "reissued") != NULL)
		H(h, "<p id=\"reissued\">新的报送链接已发送至本单位登记的邮箱，请查收邮件，用新链接"
		     "报送。</p>");
	if (r->who.link_why == WEB_LINK_EXPIRED) {
		link_expired(r, txn, p->token, &t, &ti);
	} else if (r->who.link_readonly) {
		HF(h, "<p>当前状态为“%s”。此链接已不能报送，回执和包含证明仍可在此查看。</p>",
		   view_state(t.state));
	} else if (event_allowed(&ti, "submit")) {
		char *action = xasprintf("/s/%s", p->token);

		submit_form(r, &ti, action);
		free(action);
	} else {
		HF(h, "<p>当前状态为“%s”，暂不需要报送。</p>", view_state(t.state));
	}
	H(h, "<p class=\"muted\">此页面由通知中的个人报送链接打开，请勿转发。报送将以您填写的姓名记入"
	     "审计记录。</p>");
	view_end(r);
	store_task_release(&t);
	return 0;
}

void
page_link(struct req *r, const char *token)
{
	struct link_page p = {r, token, 0};
	const char *rc = req_query(r, "receipt");
	struct dberr e;

	if (rc)
		p.receipt = strtoull(rc, NULL, 10);
	dberr_clear(&e);
	if (store_read(engine_store(r->en), link_page_txn, &p, &e) != 0) {
		log_warnx(r->w->log_level, "web", "link page: %s", e.msg);
		req_error(r, 503, "存储暂时不可用，请稍后重试。");
	}
}

void
page_tasks(struct req *r)
{
	web_tasks(r, false);
}
