/*
 * annex.c - Annex 3 (全州10个行业超标企业清理汇总表) and Annex 4 (全区10个行业超标
 * 企业清理明细表) of the seed's 第五阶段, as of the end of a month.
 *
 * Both read the plan's enterprise clean-up milestone: `rectification` when the plan has
 * one, else the first `for: each enterprise` milestone with its own (not the built-in
 * report) lifecycle. A table handed in on the 5th reports the month before it, so the
 * state that counts is the one at the month's last second, not today's: it is replayed
 * from the audit trail, where every change of a task's state is a task.* record carrying
 * the state it led to. The current task record is used only for what does not change with
 * time (its key, subject and due date).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/hmap.h"
#include "base/xalloc.h"
#include "engine/report/report.h"

#define NOT_YET (-2) /* the task was created after the month's end, or, at the month's end,
                        it was cancelled or not applicable: not in the table */

struct rtask {
	char *key;            /* owned */
	char *subject;        /* owned */
	char *jurisdiction;   /* owned */
	int32_t due_date;
	int state;            /* lifecycle state index at the month's end, NOT_YET, or -1 */
	int64_t done_at;      /* when it last entered a final state (when it happened), or 0 */
	bool due_then;        /* due_date is the one at the month's end, replayed: a move of it
	                         recorded after the month's end gave its date before */
};

struct annex {
	struct engine *en;
	const struct engine_plan *ep;
	const struct plan_milestone *m;
	const struct plan_lifecycle *lc;
	char *prefix;         /* "plan/milestone/", owned */
	int64_t end;          /* the month's last second, or now when the month has not ended */
	bool not_ended;       /* the month asked for has not ended yet: figures as of now */
	struct rtask *v;      /* in key order (store_task_each's order) */
	size_t n, cap;
	uint64_t last_seq;    /* the last audit record read */
	struct report_history hist; /* the registry's changes, to name things as they were */
	struct report_versions vers;
	const struct plan *wp; /* the plan version in force at `end`: its words name things */
	uint32_t wversion;
	int y, mo;            /* the month the table covers (--month) */
};

static void task_month_hint(const struct annex *a, int y, int mo, char *out, size_t n);

static const char *const measure_ids[] = {"rectify-by-deadline", "listed-supervision",
                                          "closure"};

const struct plan *
report_plan_at(struct report_versions *vs, struct store_txn *txn, const struct engine_plan *ep,
               int64_t at, uint32_t *version)
{
	const struct report_version *best = NULL;

	*version = ep->version;
	/* every stored version of the plan, once: a handful, loaded months apart */
	bool seen = false;
	for (size_t i = 0; i < vs->n; i++)
		seen |= strcmp(vs->v[i].id, ep->plan->id) == 0;
	for (uint32_t v = 1; !seen && v < ep->version; v++) {
		struct store_plan sp;
		struct dberr ignored;
		struct report_version *rv;

		dberr_clear(&ignored);
		if (store_plan_get(txn, ep->plan->id, v, &sp, &ignored) != 0)
			continue;
		vs->v = xgrow(vs->v, &vs->cap, vs->n + 1, sizeof(*vs->v));
		rv = &vs->v[vs->n++];
		rv->id = xstrdup(ep->plan->id);
		rv->version = v;
		rv->loaded_at = sp.loaded_at;
		rv->plan = NULL;
		if (engine_plan_parse_stored(&sp, &rv->plan, &ignored) != 0)
			rv->plan = NULL;
		store_plan_release(&sp);
	}
	if (!seen) { /* the current version marks the plan as read, even with no older one */
		vs->v = xgrow(vs->v, &vs->cap, vs->n + 1, sizeof(*vs->v));
		vs->v[vs->n++] = (struct report_version){xstrdup(ep->plan->id), ep->version, 0, NULL};
	}
	/* the current version is in force from its own load on: an older one only before */
	{
		struct store_plan cur;
		struct dberr ignored;
		int64_t cur_at = INT64_MIN;

		dberr_clear(&ignored);
		if (store_plan_get(txn, ep->plan->id, ep->version, &cur, &ignored) == 0) {
			cur_at = cur.loaded_at;
			store_plan_release(&cur);
		}
		if (at >= cur_at)
			return ep->plan;
	}
	for (size_t i = 0; i < vs->n; i++) {
		const struct report_version *rv = &vs->v[i];

		if (strcmp(rv->id, ep->plan->id) != 0 || rv->plan == NULL || rv->loaded_at > at)
			continue;
		if (best == NULL || rv->version > best->version)
			best = rv;
	}
	if (best == NULL)
		return ep->plan;
	*version = best->version;
	return best->plan;
}

const struct plan_milestone *
report_milestone_in(const struct plan *p, const struct plan_milestone *m)
{
	int mi = m && p ? plan_milestone_index(p, m->id) : -1;

	/* renamed since (renamed_from): the older version has it under its old id, and a
	 * record of then is named as that version named it (review10j R5) */
	if (mi < 0 && m && p && m->renamed_from)
		mi = plan_milestone_index(p, m->renamed_from);
	return mi >= 0 ? &p->milestones[mi] : m;
}

void
report_versions_release(struct report_versions *vs)
{
	for (size_t i = 0; i < vs->n; i++) {
		free(vs->v[i].id);
		plan_free(vs->v[i].plan);
	}
	free(vs->v);
	memset(vs, 0, sizeof(*vs));
}
static const char *const measure_titles[] = {"限期整改", "挂牌督办", "淘汰关闭"};

const char *
report_measure_title(const char *id)
{
	if (id == NULL)
		return "";
	for (size_t i = 0; i < 3; i++)
		if (strcmp(id, measure_ids[i]) == 0)
			return measure_titles[i];
	return id;
}

const char *
report_industry_title(const struct plan *p, const char *id)
{
	static const struct plan_industry ten[] = {
		{"steel", "钢铁"}, {"thermal-power", "火电"}, {"cement", "水泥"},
		{"coal", "煤炭"}, {"paper", "造纸"}, {"dyeing", "印染"},
		{"sewage-treatment", "污水处理厂"}, {"waste-incineration", "垃圾焚烧厂"},
		{"electrolytic-aluminium", "电解铝"}, {"cotton-pulp", "棉浆粕"}, {"other", "其他行业"},
	};

	int k;

	if (id == NULL)
		return "";
	/* looked up: Annex 4 names each enterprise's industry, Annex 3 by industry each
	 * industry's, among a plan's industries (review 13f, C2's kind) */
	if ((k = plan_industry_index(p, id)) >= 0)
		return p->industries[k].title;
	/* a plan without `industries` uses the registry's defaults, the seed's ten */
	for (size_t i = 0; p->nindustries == 0 && i < sizeof(ten) / sizeof(ten[0]); i++)
		if (strcmp(ten[i].id, id) == 0)
			return ten[i].title;
	return id;
}

char *
report_json_str(const char *json, const char *name)
{
	size_t nl = strlen(name);
	const char *p = json;
	struct buf b = BUF_INIT;

	/* The details texts are flat objects written by buf_json_str, so a quoted name
	 * followed by a colon is a member name, never a value. */
	while (p && (p = strchr(p, '"')) != NULL) {
		if (strncmp(p + 1, name, nl) == 0 && p[nl + 1] == '"' && p[nl + 2] == ':')
			break;
		p++;
		while (*p && *p != '"')
			p += (*p == '\\' && p[1]) ? 2 : 1;
		if (*p == '"')
			p++;
	}
	if (p == NULL || p[nl + 3] != '"')
		return NULL;
	for (p += nl + 4; *p && *p != '"'; p++) {
		if (*p != '\\' || !p[1]) {
			buf_putc(&b, *p);
			continue;
		}
		switch (*++p) {
		case 'n': buf_putc(&b, '\n'); break;
		case 'r': buf_putc(&b, '\r'); break;
		case 't': buf_putc(&b, '\t'); break;
		case 'u': {
			unsigned cp = 0;
			for (int i = 1; i <= 4 && p[1]; i++)
				cp = cp * 16 + (unsigned)(p[1] <= '9' ? p[1] - '0' : (p[1] | 0x20) - 'a' + 10),
				p++;
			buf_putc(&b, cp < 0x80 ? (char)cp : '?');
			break;
		}
		default: buf_putc(&b, *p);
		}
	}
	buf_putc(&b, '\0');
	b.len--;
	return buf_detach(&b);
}

void
report_sign_lines(struct report_table *t, struct engine *en, const struct engine_plan *ep)
{
	const char *unit = ep && ep->plan->issuer.name ? ep->plan->issuer.name
	                                                : engine_config(en)->issuer.name;
	int32_t day;
	int y, m, d;

	tz_utc_to_local(ep ? ep->tz : engine_tz(en), engine_now(en), &day, NULL, NULL);
	cal_civil_from_days(day, &y, &m, &d);
	free(t->unit);
	free(t->date);
	t->unit = unit ? xstrdup(unit) : NULL;
	t->date = xasprintf("%d年%d月%d日", y, m, d);
}

const char *
report_offices_label(struct engine *en, const struct engine_plan *ep)
{
	if (ep == NULL && engine_nplans(en) == 1)
		ep = engine_plan_at(en, 0);
	if (ep && ep->plan->issuer.short_name)
		return ep->plan->issuer.short_name;
	if (engine_config(en)->issuer.short_name)
		return engine_config(en)->issuer.short_name;
	return "本级部门";
}

const struct plan_milestone *
report_cleanup_milestone(const struct plan *p)
{
	int mi = plan_milestone_index(p, "rectification");

	if (mi >= 0 && p->milestones[mi].for_ == PLAN_FOR_ENTERPRISE)
		return &p->milestones[mi];
	for (size_t i = 0; i < p->nmilestones; i++)
		if (p->milestones[i].for_ == PLAN_FOR_ENTERPRISE &&
		    !p->lifecycles[p->milestones[i].lifecycle].builtin)
			return &p->milestones[i];
	return NULL;
}

static int
pick_plan(struct annex *a, const char *plan, struct dberr *e)
{
	size_t found = 0;

	if (plan != NULL) {
		if ((a->ep = engine_plan_find(a->en, plan)) == NULL)
			return dberr_set(e, DB_ENOTFOUND, "no plan '%s' in the store", plan);
		if ((a->m = report_cleanup_milestone(a->ep->plan)) == NULL)
			return dberr_set(e, DB_ENOTFOUND, "plan '%s' has no enterprise clean-up "
			                 "milestone (for: each enterprise, with its own lifecycle)", plan);
	} else {
		for (size_t i = 0; i < engine_nplans(a->en); i++)
			if (report_cleanup_milestone(engine_plan_at(a->en, i)->plan) != NULL && found++ == 0)
				a->ep = engine_plan_at(a->en, i);
		if (found == 0)
			return dberr_set(e, DB_ENOTFOUND, "no plan in the store has an enterprise "
			                 "clean-up milestone");
		if (found > 1)
			return dberr_set(e, DB_EUSAGE, "%zu plans have an enterprise clean-up milestone; "
			                 "name one with --plan", found);
		a->m = report_cleanup_milestone(a->ep->plan);
	}
	a->lc = &a->ep->plan->lifecycles[a->m->lifecycle];
	return 0;
}

/* The month YYYY-MM, read before anything else: a usage error comes before the store. */
static int
month_parse(const char *month, int *y, int *m, struct dberr *e)
{
	char tail;

	if (month == NULL)
		return dberr_set(e, DB_EUSAGE, "--month YYYY-MM is required");
	/* exactly YYYY-MM: sscanf alone would take "+201-07" or " 2017-7" */
	if (strlen(month) != 7 || strspn(month, "0123456789") != 4 || month[4] != '-' ||
	    strspn(month + 5, "0123456789") != 2 ||
	    sscanf(month, "%4d-%2d%c", y, m, &tail) != 2 ||
	    !cal_valid_date(*y, *m, 1) || (*m == 12 && *y == 9999))
		return dberr_set(e, DB_EUSAGE, "--month must be YYYY-MM, not '%s'", month);
	return 0;
}

/* The last second of month y-m in the plan's zone. */
static int64_t
month_end(const struct annex *a, int y, int m)
{
	y += m / 12;
	m = m % 12 + 1;
	return tz_local_to_utc(a->ep->tz, cal_days_from_civil(y, m, 1), 0) - 1;
}

static int
task_cb(const struct store_task *t, void *arg)
{
	struct annex *a = arg;
	struct rtask *r;

	a->v = xgrow(a->v, &a->cap, a->n + 1, sizeof(*a->v));
	r = &a->v[a->n++];
	r->key = xstrdup(t->key);
	r->subject = xstrdup(t->subject);
	r->jurisdiction = xstrdup(t->jurisdiction);
	r->due_date = t->due_date;
	r->state = NOT_YET;
	r->done_at = 0;
	r->due_then = false;
	return 0;
}

static int
key_cmp(const void *k, const void *r)
{
	return strcmp(k, ((const struct rtask *)r)->key);
}

/* A JSON string as buf_json_str writes it, or null, at p: *out the value (NULL for null);
 * the text after it, or NULL when it is neither. */
static const char *
json_value(const char *p, char **out)
{
	struct buf b = BUF_INIT;

	*out = NULL;
	if (strncmp(p, "null", 4) == 0)
		return p + 4;
	if (*p != '"')
		return NULL;
	for (p++; *p && *p != '"'; p++) {
		if (*p != '\\' || !p[1]) {
			buf_putc(&b, *p);
			continue;
		}
		switch (*++p) {
		case 'n': buf_putc(&b, '\n'); break;
		case 'r': buf_putc(&b, '\r'); break;
		case 't': buf_putc(&b, '\t'); break;
		case 'u': /* only control characters are written so: an import refuses them */
			for (int i = 0; i < 4 && p[1]; i++)
				p++;
			buf_putc(&b, '?');
			break;
		default: buf_putc(&b, *p);
		}
	}
	if (*p != '"') {
		buf_release(&b);
		return NULL;
	}
	buf_putc(&b, '\0');
	b.len--;
	*out = buf_detach(&b);
	return p + 1;
}

void
report_history_note(struct report_history *h, const struct store_audit *rec)
{
	const char *p;

	if (strcmp(rec->action, "subject.update") != 0 ||
	    (p = strstr(rec->details, "\"changes\":{")) == NULL)
		return;
	/* {"FIELD":[BEFORE,AFTER],...}: the layout loading.c writes, stopped at anything else */
	for (p += 11; *p == '"';) {
		char *field = NULL, *before = NULL, *after = NULL;
		const char *q = json_value(p, &field);

		if (q != NULL && field == NULL)
			q = NULL; /* a member name is never null */
		if (q != NULL)
			q = strncmp(q, ":[", 2) == 0 ? json_value(q + 2, &before) : NULL;
		if (q != NULL)
			q = *q == ',' ? json_value(q + 1, &after) : NULL;
		if (q == NULL || *q != ']') {
			free(field);
			free(before);
			free(after);
			return;
		}
		h->v = xgrow(h->v, &h->cap, h->n + 1, sizeof(*h->v));
		h->v[h->n] = (struct report_change){xstrdup(rec->subject), field, before, after,
		                                    rec->clock_time, h->n};
		h->n++;
		p = q[1] == ',' ? q + 2 : q + 1;
	}
}

static int
change_cmp(const void *x, const void *y)
{
	const struct report_change *a = x, *b = y;
	int c = strcmp(a->subject, b->subject);

	if (c == 0)
		c = strcmp(a->field, b->field);
	return c ? c : (a->ord > b->ord) - (a->ord < b->ord);
}

void
report_history_seal(struct report_history *h)
{
	if (h->n > 1) /* qsort(NULL, 0) is undefined */
		qsort(h->v, h->n, sizeof(*h->v), change_cmp);
}

const char *
report_history_at(const struct report_history *h, const char *subject, const char *field,
                  int64_t at, bool *known)
{
	const struct report_change *last = NULL;
	size_t lo = 0, hi = h->n;

	*known = false;
	/* the first change of (subject, field): the changes are sealed in that order */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(h->v[mid].subject, subject);

		if (c == 0)
			c = strcmp(h->v[mid].field, field);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < h->n; i++) {
		const struct report_change *c = &h->v[i];

		if (strcmp(c->field, field) != 0 || strcmp(c->subject, subject) != 0)
			break;
		if (c->at > at) {
			/* the first change after the moment: what it replaced was the value then,
			 * unless an earlier change up to the moment said otherwise */
			*known = true;
			return last ? last->after : c->before;
		}
		last = c;
	}
	*known = last != NULL;
	return last ? last->after : NULL;
}

const char *
report_field_at(const struct report_history *h, const struct store_subject *s, bool hs,
                const char *id, const char *field, int64_t at)
{
	bool known;
	const char *v = report_history_at(h, id, field, at, &known);

	return known ? v : hs ? store_subject_field(s, field) : NULL;
}

void
report_history_release(struct report_history *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].subject);
		free(h->v[i].field);
		free(h->v[i].before);
		free(h->v[i].after);
	}
	free(h->v);
	memset(h, 0, sizeof(*h));
}

/* When a task.* record's step happened: the `at` of an event or submission (`event --at`,
 * `submit --at`: a rectification verified on site on 08-10 and entered on 08-20 happened
 * on 08-10), else when it was recorded (review12z, Z1). */
static int64_t
happened_at(const struct store_audit *rec)
{
	char *at = report_json_str(rec->details, "at");
	int64_t t = rec->clock_time;

	/* always written with its offset ("2017-08-10T10:00:00+08:00"): no zone needed */
	if (at == NULL || strlen(at) != 25 || tz_parse_time(NULL, at, &t) != 0)
		t = rec->clock_time;
	free(at);
	return t;
}

/* The first move of a task's due date recorded after the month's end (an extension, a
 * registry's new rectify_by, a correction period) gives the date it had at the month's
 * end, its from-date: July's table keeps July's 整改时限 after an August re-import or
 * extension (review12z, Z14). Records that do not move it are passed over. */
static void
due_before(struct rtask *r, const struct store_audit *rec)
{
	char *from = NULL;
	int y, m, d;
	char tail;

	if (strcmp(rec->action, "task.extend") == 0 || strcmp(rec->action, "task.redate") == 0 ||
	    strcmp(rec->action, "task.reschedule") == 0) {
		from = report_json_str(rec->details, "from_due_date");
		if (from == NULL)
			from = report_json_str(rec->details, "from_due");
	}
	if (from != NULL && strlen(from) == 10 &&
	    sscanf(from, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && cal_valid_date(y, m, d)) {
		r->due_date = cal_days_from_civil(y, m, d);
		r->due_then = true;
	}
	free(from);
}

/* Replays the task.* records up to the month's end: task.create gives the initial state,
 * task.event/submit/lapse/extend/flag each the state they left the task in; a record
 * counts for the month when its step happened in it (happened_at), and the last such record
 * gives the state (one entered late knows the ones before it: a verification entered after a
 * lapse voids it); and the enterprises' registry changes. */
static int
audit_cb(const struct store_audit *rec, void *arg)
{
	struct annex *a = arg;
	struct rtask *r;
	int64_t when;
	int st;

	if (strncmp(rec->action, "subject.", 8) == 0) {
		report_history_note(&a->hist, rec);
		return 0;
	}
	if (strncmp(rec->action, "task.", 5) != 0 ||
	    strncmp(rec->task, a->prefix, strlen(a->prefix)) != 0)
		return 0;
	/* bsearch and qsort want a real array even for none (C11 7.22.5) */
	r = a->n ? bsearch(rec->task, a->v, a->n, sizeof(*a->v), key_cmp) : NULL;
	if (r == NULL)
		return 0;
	if (rec->clock_time > a->end && !r->due_then)
		due_before(r, rec);
	/* a step entered after the month's end that happened in it counts for it */
	when = happened_at(rec);
	if (when > a->end || rec->to_state[0] == '\0')
		return 0;
	if (plan_state_withdrawn(rec->to_state)) {
		r->state = NOT_YET; /* cancelled (unlisted, retired, removed) or not applicable */
		return 0;
	}
	st = plan_lifecycle_state(a->lc, rec->to_state);
	if (st >= 0 && a->lc->final[st] && !(r->state >= 0 && a->lc->final[r->state]))
		r->done_at = when;
	r->state = st;
	if (rec->seq > a->last_seq)
		a->last_seq = rec->seq;
	return 0;
}

static int
annex_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct annex *a = arg;
	int rc = store_task_each(txn, a->prefix, task_cb, a, e);

	a->wp = report_plan_at(&a->vers, txn, a->ep, a->end, &a->wversion);
	return rc == 0 ? store_audit_each(txn, 1, audit_cb, a, e) : rc;
}

static void
annex_release(struct annex *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].key);
		free(a->v[i].subject);
		free(a->v[i].jurisdiction);
	}
	free(a->v);
	free(a->prefix);
	report_history_release(&a->hist);
	report_versions_release(&a->vers);
}

/* txn: read in it (a caller inside its own transaction, the dispatch), or NULL: a read of
 * its own. */
static int
annex_load(struct annex *a, struct engine *en, struct store_txn *txn, const char *plan,
           const char *month, struct dberr *e)
{
	int rc, y, m;

	memset(a, 0, sizeof(*a));
	a->en = en;
	if ((rc = month_parse(month, &y, &m, e)) != 0 || (rc = pick_plan(a, plan, e)) != 0)
		return rc;
	a->y = y, a->mo = m;
	/* a month that has not begun has no figures at all: a table of it would show today's
	 * under its name (review 12c, L4), so it is refused and the month in progress named */
	if (tz_local_to_utc(a->ep->tz, cal_days_from_civil(y, m, 1), 0) > engine_now(en)) {
		char now[40], hint[256];
		int32_t day;
		int cy, cm, cd;

		tz_utc_to_local(a->ep->tz, engine_now(en), &day, NULL, NULL);
		cal_civil_from_days(day, &cy, &cm, &cd);
		tz_format_local(a->ep->tz, engine_now(en), now);
		task_month_hint(a, y, m, hint, sizeof(hint));
		return dberr_set(e, DB_EDATA, "--month %s has not begun (the store's clock is %s): "
		                 "no table of it yet; the month in progress is %04d-%02d (its table "
		                 "is as of now), the last ended %04d-%02d%s", month, now, cy, cm,
		                 cm == 1 ? cy - 1 : cy, cm == 1 ? 12 : cm - 1, hint);
	}
	a->end = month_end(a, y, m);
	/* a month that has not ended has no month-end: the figures are today's, and the note
	 * says so, rather than a "month-end" table printed in the middle of the month */
	if (a->end > engine_now(en)) {
		a->end = engine_now(en);
		a->not_ended = true;
	}
	a->prefix = xasprintf("%s/%s/", a->ep->plan->id, a->m->id);
	if ((rc = txn ? annex_txn(txn, a, e) : store_read(engine_store(en), annex_txn, a, e)) != 0)
		return rc;
	report_history_seal(&a->hist);
	/* an enterprise moved to another jurisdiction since counts where it was then */
	for (size_t i = 0; i < a->n; i++) {
		bool known;
		const char *j = report_history_at(&a->hist, a->v[i].subject, "jurisdiction", a->end,
		                                  &known);

		if (known && j != NULL) {
			free(a->v[i].jurisdiction);
			a->v[i].jurisdiction = xstrdup(j);
		}
	}
	return 0;
}

/* What a state means in the tables: 0 not started (initial), 1 in progress, 2 done (final),
 * 3 overdue (the deadline's state). */
static int
category(const struct plan_lifecycle *lc, int st)
{
	if (st < 0)
		return 1;
	if (lc->final[st])
		return 2;
	if (st == lc->deadline_to)
		return 3;
	return st == lc->initial ? 0 : 1;
}

static const char *
state_title(const struct plan_lifecycle *lc, int st)
{
	static const char *const cat[] = {"未启动", "整治中", "已完成", "逾期未完成"};

	if (st >= 0 && strcmp(lc->states[st], "verified") == 0)
		return "已整改验收";
	if (st >= 0 && strcmp(lc->states[st], "closed") == 0)
		return "已淘汰关闭";
	return cat[category(lc, st)];
}

const char *
report_state_title(const struct plan_lifecycle *lc, const char *state)
{
	static const char *const report[][2] = {
		{"open", "未报送"}, {"submitted", "已报送"}, {"incomplete", "内容不全"},
		{"returned", "已退回"}, {"accepted", "已通过"}, {"overdue", "逾期未报"},
	};

	if (plan_state_withdrawn(state))
		return strcmp(state, "cancelled") == 0 ? "已取消" : "不适用";
	if (lc->builtin) {
		for (size_t i = 0; i < sizeof(report) / sizeof(report[0]); i++)
			if (strcmp(report[i][0], state) == 0)
				return report[i][1];
		return "其他状态";
	}
	/* a plan's own states have ids, not titles: their class says what they mean */
	return state_title(lc, plan_lifecycle_state(lc, state));
}

/* A month given as a task's (task 2017-09 of a `covers: previous` milestone is the table of
 * August, handed in in September): said where --month is refused, since the month in a
 * task's key is when its table is due, not what it covers (review of issue 12, M1). */
static void
task_month_hint(const struct annex *a, int y, int mo, char *out, size_t n)
{
	const struct plan_milestone *m = report_form_milestone(a->ep->plan, PLAN_FORM_ANNEX3);
	int py = mo == 1 ? y - 1 : y, pm = mo == 1 ? 12 : mo - 1;

	*out = '\0';
	if (m != NULL && m->covers_previous)
		snprintf(out, n, "; --month is the month a table covers, not the month in a task's "
		         "key: task %s/%s/<county>/%04d-%02d, due in %04d-%02d, is the table of "
		         "%04d-%02d (--month %04d-%02d)", a->ep->plan->id, m->id, y, mo, y, mo, py, pm,
		         py, pm);
}

/* "本表为2017年7月的情况，即各县市、园区应于2017年8月报送的“…”（任务 PLAN/MILESTONE/<县市>/
 * 2017-08；任务键中的月份是报送的月份）；": which period a table covers and which task hands
 * it in, so that the month of a task's key is not taken for it (review of issue 12, M1);
 * a table of several months says which ("反映2017年5—6月"). owed: whether any county owes
 * a table of this month (0: none, a month that ends no period of the form; -1: not
 * known, taken as owed). Nothing when the plan has no such form. */
static void
period_words(const struct annex *a, int form, int owed, struct buf *b)
{
	const struct plan_milestone *m = report_form_milestone(a->ep->plan, form);
	const char *title, *area = report_area_word(a->ep->plan, &engine_config(a->en)->issuer);
	char *key, covered[64], period[8], month[32];
	int ty = a->y, tm = a->mo;

	if (m == NULL)
		return;
	title = report_milestone_in(a->wp, m)->title;
	/* a table every two months has no task for the other months: no county's table is
	 * of this one, and the table says so rather than look like one (review12z, Z3) */
	if (owed == 0) {
		bool months = m->due.kind == PLAN_DUE_EVERY && m->due.recur.freq == CAL_MONTH &&
		              m->due.recur.interval > 1;

		/* a monthly table: none covers this month (before the first, after the last) */
		if (!months)
			buf_printf(b, "没有%s报送的“%s”反映%d年%d月，本表无%s报送的表与之对应"
			           "（核对栏为“—”）；", area, title, a->y, a->mo, area);
		else
			buf_printf(b, "没有%s报送的“%s”所反映的期间止于%d年%d月，本表无%s报送的表与之"
			           "对应（核对栏为“—”）；该表按其所反映期间的最后一个月查看；", area, title,
			           a->y, a->mo, area);
		return;
	}
	if (m->covers_previous && ++tm > 12)
		tm = 1, ty++;
	snprintf(period, sizeof(period), "%04d-%02d", ty, tm);
	words_period_zh(m, period, covered, sizeof(covered));
	snprintf(month, sizeof(month), "%d年%d月", a->y, a->mo);
	key = report_annex_task_key(a->ep->plan, m, "<县市>", a->y, a->mo);
	buf_printf(b, "本表为%s的情况，对应各%s", month, area);
	if (m->covers_previous)
		buf_printf(b, "%d年%d月", ty, tm);
	buf_printf(b, "报送的“%s”（", title);
	/* a table of several months: which ones (本表为6月月末的情况, the table 5—6月) */
	if (strcmp(covered, month) != 0 && covered[0])
		buf_printf(b, "反映%s；", covered);
	buf_printf(b, "任务 %s%s）；", key, m->covers_previous
	           ? "；任务键中的月份是报送的月份，不是表所反映的月份" : "");
	free(key);
}

/* The note under a table. county: it has the counties' own columns (县市报送基数, 核对),
 * which are not replayed: a table handed in late fills them after the month, and the
 * note says so rather than let a past table read as if they were there at its end. */
static void
annex_note(struct report_table *t, const struct annex *a, const char *month, bool county,
           int form, int owed)
{
	struct buf period = BUF_INIT;
	char end[WORDS_DEADLINE_MAX];
	const char *title = report_milestone_in(a->wp, a->m)->title;
	const char *cnote = county ? "县市报送栏为打印时各县市最新报送的表及问责标记（迟于截止时间报送"
	                             "的注“迟报”），不随月末重算；" : "";

	words_deadline_zh(a->ep->tz, a->end, end);
	period_words(a, form, owed, &period);
	if (a->not_ended)
		t->note = xasprintf("统计口径：%s 尚未结束，表中为截至%s（%s）各企业“%s”事项的状态，"
		                    "不是月末数据；依审计记录重算（至第 %llu 号）；%s%s计划 %s 第 %u 版。",
		                    month, end, tz_name(a->ep->tz), title,
		                    (unsigned long long)a->last_seq, buf_str(&period), cnote,
		                    a->ep->plan->id, a->wversion);
	else
		t->note = xasprintf("统计口径：%s 月末（%s，%s）各企业“%s”事项的状态，依审计记录重算"
		                    "（至第 %llu 号）；%s%s计划 %s 第 %u 版。", month, end,
		                    tz_name(a->ep->tz), title, (unsigned long long)a->last_seq,
		                    buf_str(&period), cnote, a->ep->plan->id, a->wversion);
	buf_release(&period);
}

struct jrow {
	char *id, *name;      /* owned */
	unsigned v[9];        /* base, measures x3, done, in progress, not started, overdue, n/a */
	int rbase;            /* the county's own base number; -1: none reported */
	char *check;          /* the county's figures against these (核对); owned, NULL: "—" */
	bool differs, missing, not_due;
};

struct jrows {
	struct jrow *v;
	size_t n, cap;
	const struct engine_plan *ep; /* whose jurisdictions have a row */
	struct store_txn *txn;
	struct hmap at;       /* each row's id -> its index: a task's row in constant time, so
	                         Annex 3 of 20,000 jurisdictions stays linear (review 13f, C3) */
};

/* A new row for id (named id), found by jrow_for from then on. */
static struct jrow *
jrow_add(struct jrows *j, const char *id)
{
	j->v = xgrow(j->v, &j->cap, j->n + 1, sizeof(*j->v));
	memset(&j->v[j->n], 0, sizeof(*j->v));
	j->v[j->n].id = xstrdup(id);
	j->v[j->n].name = xstrdup(id);
	hmap_put(&j->at, j->v[j->n].id, j->n);
	return &j->v[j->n++];
}

static void
jrows_release(struct jrows *j)
{
	for (size_t i = 0; i < j->n; i++) {
		free(j->v[i].id);
		free(j->v[i].name);
		free(j->v[i].check);
	}
	free(j->v);
	hmap_release(&j->at);
}

static int
jur_cb(const struct store_subject *s, void *arg)
{
	struct jrows *j = arg;
	const char *name = store_subject_field(s, "name");
	struct jrow *r;

	/* the plan's own counties: another bureau's in the same store are not in its table
	 * (review 11f, Y5) */
	if (!engine_plan_takes(j->ep, j->txn, s))
		return 0;
	r = jrow_add(j, s->id);
	if (name != NULL) {
		free(r->name);
		r->name = xstrdup(name);
	}
	return 0;
}

struct annex3_ctx {
	struct annex *a;
	struct jrows j;
	bool by_industry;     /* rows per industry instead of per jurisdiction */
	int y, mo;            /* the month the table covers */
	int owed;             /* a county has the task of this month's table: 1, none 0,
	                         not known -1 (period_words) */
};

/* A table whose deadline is still ahead is not missing: July's tables printed on 07-10
 * read 未报送 for every county, months before they were due (review 12c, L4). */
#define NOT_DUE "未到报送期限"

static bool
not_due(struct store_txn *txn, struct engine *en, const char *task)
{
	struct store_task t;
	struct dberr ignored;
	bool ahead;

	dberr_clear(&ignored);
	if (store_task_get(txn, task, &t, &ignored) != 0)
		return false;
	ahead = t.deadline > engine_now(en);
	store_task_release(&t);
	return ahead;
}

/* The county's own table of the month against dabiao's figures: 核对 and 县市报送基数. */
static int
annex3_reported(struct store_txn *txn, struct annex3_ctx *c, struct jrow *r, struct dberr *e)
{
	const struct plan_milestone *m = report_form_milestone(c->a->ep->plan, PLAN_FORM_ANNEX3);
	char *key;
	int rc, st;

	r->rbase = -1;
	if (m == NULL)
		return 0;
	key = report_annex_task_key(c->a->ep->plan, m, r->id, c->y, c->mo);
	rc = report_annex3_check(txn, key, r->v, &r->rbase, &st, &r->check, e);
	if (rc == 0 && st == REPORT_CHECK_MISSING && strcmp(r->check, "未报送") == 0 &&
	    not_due(txn, c->a->en, key)) {
		free(r->check);
		r->check = xstrdup(NOT_DUE);
		r->not_due = true;
		st = REPORT_CHECK_NONE;
	}
	free(key);
	r->missing = st == REPORT_CHECK_MISSING;
	r->differs = st == REPORT_CHECK_DIFFERS;
	return rc;
}

static struct jrow *
jrow_for(struct jrows *j, const char *id)
{
	size_t i;

	if (hmap_get(&j->at, id, &i))
		return &j->v[i];
	/* an enterprise of a jurisdiction missing from the registry still counts */
	return jrow_add(j, id);
}

/* The ten industries of the seed, when the plan lists none (the registry's defaults). */
static const char *const ten_industries[] = {
	"steel", "thermal-power", "cement", "coal", "paper", "dyeing", "sewage-treatment",
	"waste-incineration", "electrolytic-aluminium", "cotton-pulp", NULL};

/* Whether any jurisdiction has the task that hands in the table covering this month: a
 * month before the milestone's first period or after its last has none, and the note
 * must not name one (review12a, P5: `--month 2017-02` named task …/2017-03, which does
 * not exist). */
static int
annex3_owed(struct store_txn *txn, struct annex3_ctx *c, struct dberr *e)
{
	const struct plan_milestone *m = report_form_milestone(c->a->ep->plan, PLAN_FORM_ANNEX3);
	struct jrows js = {0};
	int rc;

	c->owed = -1;
	if (m == NULL)
		return 0;
	js.ep = c->a->ep;
	js.txn = txn;
	if ((rc = store_subject_each(txn, STORE_JURISDICTION, jur_cb, &js, e)) == 0)
		c->owed = 0;
	for (size_t i = 0; rc == 0 && c->owed == 0 && i < js.n; i++) {
		char *key = report_annex_task_key(c->a->ep->plan, m, js.v[i].id, c->y, c->mo);
		struct store_task t;
		struct dberr ignored;

		dberr_clear(&ignored);
		if (store_task_get(txn, key, &t, &ignored) == 0) {
			c->owed = 1;
			store_task_release(&t);
		}
		free(key);
	}
	jrows_release(&js);
	return rc;
}

static int
annex3_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct annex3_ctx *c = arg;
	const struct plan *p = c->a->wp; /* its words: the industries as the version then named them */
	int rc = 0;

	if (!c->by_industry) {
		c->j.ep = c->a->ep;
		c->j.txn = txn;
		rc = store_subject_each(txn, STORE_JURISDICTION, jur_cb, &c->j, e);
		/* a jurisdiction renamed since is named as it was */
		for (size_t i = 0; rc == 0 && i < c->j.n; i++) {
			bool known;
			const char *name = report_history_at(&c->a->hist, c->j.v[i].id, "name",
			                                     c->a->end, &known);

			if (known && name != NULL) {
				free(c->j.v[i].name);
				c->j.v[i].name = xstrdup(name);
			}
		}
	} else {
		/* every industry of the plan (else the seed's ten) has its row, in order */
		for (size_t i = 0; p->nindustries ? i < p->nindustries : ten_industries[i] != NULL;
		     i++) {
			const char *id = p->nindustries ? p->industries[i].id : ten_industries[i];
			struct jrow *r = jrow_for(&c->j, id);

			free(r->name);
			r->name = xstrdup(report_industry_title(p, id));
		}
	}
	for (size_t i = 0; rc == 0 && i < c->a->n; i++) {
		const struct rtask *t = &c->a->v[i];
		const char *ms, *ind;
		struct jrow *r = NULL;
		struct store_subject s;
		struct dberr ignored;
		bool hs;

		if (t->state == NOT_YET)
			continue;
		dberr_clear(&ignored);
		hs = store_subject_get(txn, STORE_ENTERPRISE, t->subject, &s, &ignored) == 0;
		ms = report_field_at(&c->a->hist, &s, hs, t->subject, "measure", c->a->end);
		ind = report_field_at(&c->a->hist, &s, hs, t->subject, "industry", c->a->end);
		if (!c->by_industry) {
			r = jrow_for(&c->j, t->jurisdiction);
		} else {
			ind = ind ? ind : "other";
			r = jrow_for(&c->j, ind);
			if (strcmp(r->name, ind) == 0) {
				free(r->name);
				r->name = xstrdup(report_industry_title(p, ind));
			}
		}
		r->v[0]++;
		r->v[4 + category(c->a->lc, t->state)]++;
		for (int k = 0; ms && k < 3; k++)
			if (strcmp(ms, measure_ids[k]) == 0)
				r->v[1 + k]++;
		if (hs)
			store_subject_release(&s);
	}
	for (size_t i = 0; rc == 0 && !c->by_industry && i < c->j.n; i++)
		rc = annex3_reported(txn, c, &c->j.v[i], e);
	return rc == 0 ? annex3_owed(txn, c, e) : rc;
}

void
report_annex3_row(struct report_table *t, const char *name, const unsigned *v)
{
	/* v: base, measures x3, then by category: not started, in progress, done, overdue */
	report_add_str(t, name);
	report_add_num(t, v[0], 0);
	for (int k = 1; k <= 3; k++)
		report_add_num(t, v[k], 0);
	report_add_num(t, v[6], 0);
	report_add_num(t, v[5], 0);
	report_add_num(t, v[4], 0);
	report_add_num(t, v[7], 0);
	if (v[0] == 0)
		report_add_null(t, "—");
	else
		report_add_num(t, (double)v[6] * 100.0 / v[0], 1);
}

void
report_annex3_table(struct report_table *t, const char *title)
{
	static const char *const head[] = {
		"县市、园区", "超标企业基数（家）", "限期整改（家）", "挂牌督办（家）",
		"淘汰关闭（家）", "已完成清理（家）", "整治中（家）", "未启动（家）",
		"逾期未完成（家）", "完成率（%）"};

	/* docs/output.md: the field names of `--format json` */
	static const char *const keys[] = {
		"jurisdiction", "base", "rectify_by_deadline", "listed_supervision", "closure",
		"done", "in_progress", "not_started", "overdue", "completion_rate"};

	report_table_init(t, title, "附件3", head, sizeof(head) / sizeof(head[0]));
	report_table_keys(t, "annex3", keys);
}

void
report_annex3_table_reported(struct report_table *t, const char *title)
{
	static const char *const head[] = {
		"县市、园区", "超标企业基数（家）", "限期整改（家）", "挂牌督办（家）",
		"淘汰关闭（家）", "已完成清理（家）", "整治中（家）", "未启动（家）",
		"逾期未完成（家）", "完成率（%）", "县市报送基数（家）", "核对"};
	static const char *const keys[] = {
		"jurisdiction", "base", "rectify_by_deadline", "listed_supervision", "closure",
		"done", "in_progress", "not_started", "overdue", "completion_rate",
		"reported_base", "check"};

	report_table_init(t, title, "附件3", head, sizeof(head) / sizeof(head[0]));
	report_table_keys(t, "annex3", keys);
}

void
report_annex3_row_reported(struct report_table *t, int rbase, const char *check)
{
	if (rbase < 0)
		report_add_null(t, check && strcmp(check, "未报送") == 0 ? "未报送" : "—");
	else
		report_add_num(t, rbase, 0);
	report_add_str(t, check ? check : "—");
}

int
report_annex3(struct engine *en, const char *plan, const char *month, bool by_industry,
              struct report_table *out, struct dberr *e)
{
	struct annex a;
	struct annex3_ctx c = {0};
	struct report_table t;
	unsigned tot[9] = {0}, ndiff = 0, nmiss = 0, nahead = 0;
	int rtot = -1;
	char *title = NULL, *name = NULL, *sheet = NULL;
	int rc;

	if ((rc = annex_load(&a, en, NULL, plan, month, e)) != 0)
		goto out;
	c.a = &a;
	c.by_industry = by_industry;
	sscanf(month, "%4d-%2d", &c.y, &c.mo); /* checked by annex_load */
	if ((rc = store_read(engine_store(en), annex3_txn, &c, e)) != 0)
		goto out;
	name = report_form_name(a.wp, PLAN_FORM_ANNEX3);
	sheet = report_form_sheet(a.wp, PLAN_FORM_ANNEX3);
	title = xasprintf("%s（%s%s）", name, month, by_industry ? "，按行业" : "");
	if (by_industry)
		report_annex3_table(&t, title);
	else
		report_annex3_table_reported(&t, title);
	if (by_industry) {
		/* the same columns, the first one the industry's */
		free(t.head[0]);
		t.head[0] = xstrdup("行业");
		free(t.keys[0]);
		t.keys[0] = xstrdup("industry");
		free(t.sheet);
		t.sheet = xasprintf("%s（按行业）", sheet);
	} else {
		free(t.sheet);
		t.sheet = xstrdup(sheet);
		report_table_area_head(&t, 0, report_area_word(a.wp, &engine_config(en)->issuer));
	}
	for (size_t i = 0; i < c.j.n; i++) {
		const struct jrow *r = &c.j.v[i];

		report_annex3_row(&t, r->name, r->v);
		if (!by_industry)
			report_annex3_row_reported(&t, r->rbase, r->check);
		for (int k = 0; k < 9; k++)
			tot[k] += r->v[k];
		if (r->rbase >= 0)
			rtot = (rtot < 0 ? 0 : rtot) + r->rbase;
		ndiff += r->differs;
		nmiss += r->missing;
		nahead += r->not_due;
	}
	report_annex3_row(&t, "合计", tot);
	if (!by_industry) {
		char *sum = nahead ? xasprintf("%u个不一致，%u个未报送，%u个" NOT_DUE, ndiff, nmiss,
		                               nahead)
		            : ndiff || nmiss ? xasprintf("%u个不一致，%u个未报送", ndiff, nmiss)
		                           : rtot >= 0 ? xstrdup("一致") : NULL;

		report_annex3_row_reported(&t, rtot, sum);
		free(sum);
	}
	t.total_row = true;
	annex_note(&t, &a, month, !by_industry, PLAN_FORM_ANNEX3, c.owed);
	report_sign_lines(&t, en, a.ep);
	*out = t;
out:
	jrows_release(&c.j);
	free(title);
	free(name);
	free(sheet);
	annex_release(&a);
	return rc;
}

int
report_annex3_month_end(struct engine *en, struct store_txn *txn, const char *plan,
                        const char *month, struct report_annex3_figures *out, struct dberr *e)
{
	struct annex a;
	struct annex3_ctx c = {0};
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = annex_load(&a, en, txn, plan, month, e)) != 0)
		goto out;
	c.a = &a;
	sscanf(month, "%4d-%2d", &c.y, &c.mo); /* checked by annex_load */
	if ((rc = annex3_txn(txn, &c, e)) != 0)
		goto out;
	out->n = c.j.n;
	out->id = xcalloc(c.j.n ? c.j.n : 1, sizeof(*out->id));
	out->v = xcalloc(c.j.n ? c.j.n : 1, sizeof(*out->v));
	for (size_t i = 0; i < c.j.n; i++) {
		out->id[i] = c.j.v[i].id;
		c.j.v[i].id = NULL;
		memcpy(out->v[i], c.j.v[i].v, sizeof(out->v[i]));
	}
out:
	jrows_release(&c.j);
	annex_release(&a);
	return rc;
}

void
report_annex3_figures_release(struct report_annex3_figures *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->id[i]);
	free(f->id);
	free(f->v);
	memset(f, 0, sizeof(*f));
}

/* A county's own Annex 4 of the month: its rows (report_tsv_fields of each line: 县市、园区,
 * 企业名称, 统一社会信用代码, 行业, 主要污染物, 超标原因, 清理措施, 整改时限, 月末状态, 完成日期,
 * 责任单位, 责任人) and which of them met a row of dabiao's. */
enum { R4_JUR = 0, R4_NAME, R4_CODE, R4_IND, R4_POLL, R4_REASON, R4_MEASURE, R4_DUE, R4_STATE,
       R4_DONE, R4_UNIT, R4_PERSON, R4_N };
struct county4 {
	char *id;
	bool due;             /* a task of the month exists: the county owes this table */
	int64_t deadline;     /* that task's */
	struct report_annex_reported rep;
	char *(*rows)[R4_N];  /* into rep.rows */
	struct hmap at;       /* credit code -> its row, so each enterprise is one look */
	bool *met;
	size_t n, cap;
};

struct annex4_ctx {
	struct annex *a;
	struct report_table *t;
	const struct rtask **order; /* by jurisdiction, then enterprise */
	int y, mo;
	struct county4 *c4;
	size_t nc4, capc4;
};

static int
county4_cb(const struct store_subject *s, void *arg)
{
	struct annex4_ctx *c = arg;

	c->c4 = xgrow(c->c4, &c->capc4, c->nc4 + 1, sizeof(*c->c4));
	memset(&c->c4[c->nc4], 0, sizeof(*c->c4));
	c->c4[c->nc4++].id = xstrdup(s->id);
	return 0;
}

/* Every jurisdiction's own Annex 4 of the month, read once. */
static int
county4_load(struct store_txn *txn, struct annex4_ctx *c, struct dberr *e)
{
	const struct plan_milestone *m = report_form_milestone(c->a->ep->plan, PLAN_FORM_ANNEX4);
	int rc = m ? store_subject_each(txn, STORE_JURISDICTION, county4_cb, c, e) : 0;

	for (size_t i = 0; rc == 0 && i < c->nc4; i++) {
		struct county4 *k = &c->c4[i];
		char *key = report_annex_task_key(c->a->ep->plan, m, k->id, c->y, c->mo);
		struct store_task t;

		rc = store_task_get(txn, key, &t, e);
		if (rc == 0) {
			k->deadline = t.deadline;
			store_task_release(&t);
			k->due = true;
			rc = report_annex_reported_get(txn, key, &k->rep, e);
		} else if (rc == DB_ENOTFOUND) {
			dberr_clear(e);
			rc = 0;
		}
		free(key);
		for (char *line = k->rep.rows; rc == 0 && line && *line;) {
			char *nl = strchr(line, '\n');

			if (nl)
				*nl = '\0';
			k->rows = xgrow(k->rows, &k->cap, k->n + 1, sizeof(*k->rows));
			memset(k->rows[k->n], 0, sizeof(k->rows[k->n]));
			for (size_t f = report_tsv_fields(line, k->rows[k->n], R4_N); f < R4_N; f++)
				k->rows[k->n][f] = "";
			if (!hmap_get(&k->at, k->rows[k->n][R4_CODE], NULL))
				hmap_put(&k->at, k->rows[k->n][R4_CODE], k->n);
			k->n++;
			line = nl ? nl + 1 : NULL;
		}
		k->met = xcalloc(k->n ? k->n : 1, sizeof(*k->met));
	}
	return rc;
}

static void
county4_release(struct annex4_ctx *c)
{
	for (size_t i = 0; i < c->nc4; i++) {
		free(c->c4[i].id);
		free(c->c4[i].rows);
		free(c->c4[i].met);
		hmap_release(&c->c4[i].at);
		report_annex_reported_release(&c->c4[i].rep);
	}
	free(c->c4);
}

/* Does a table's rows (report_annex_reported) list the enterprise code? */
static bool
rows_list(const char *rows, const char *code)
{
	size_t n = strlen(code);

	for (const char *line = rows; line && *line;) {
		const char *f = line;

		for (int i = 0; i < R4_CODE && f; i++)
			if ((f = strpbrk(f, "\t\n")) != NULL)
				f = *f == '\t' ? f + 1 : NULL;
		if (f && strncmp(f, code, n) == 0 && (f[n] == '\t' || f[n] == '\n' || !f[n]))
			return true;
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	return false;
}

/* "；第 N 号所报明细表漏报此企业，已更正" when earlier tables of the task left out an
 * enterprise the latest lists: a correction does not hide the omission it corrected
 * (review of issue 12, H1); "" when none did. */
static void
omitted_before(const struct report_annex_reported *rep, const char *code, struct buf *b)
{
	size_t n = 0;

	for (size_t i = 0; i < rep->nearlier; i++)
		if (!rows_list(rep->earlier[i].rows, code))
			buf_printf(b, "%s%llu", n++ ? "、" : "；第 ",
			           (unsigned long long)rep->earlier[i].seq);
	if (n)
		buf_puts(b, " 号所报明细表漏报此企业，已更正");
}

/* 核对 of one enterprise's row: the county's row for it against dabiao's (name, measure,
 * time limit, state, completion date), or why there is none; the task's flags after it. */
static void
county4_check(struct annex4_ctx *c, const char *jur, const char *code, const char *const *mine,
              struct buf *b)
{
	static const int cols[] = {R4_NAME, R4_MEASURE, R4_DUE, R4_STATE, R4_DONE};
	static const char *const what[] = {"企业名称", "清理措施", "整改时限", "月末状态", "完成日期"};
	struct county4 *k = NULL;
	bool differs = false;

	for (size_t i = 0; i < c->nc4 && k == NULL; i++)
		if (strcmp(c->c4[i].id, jur) == 0)
			k = &c->c4[i];
	if (k == NULL || !k->due) {
		buf_puts(b, "—");
		return;
	}
	if (k->rep.seq == 0) {
		buf_puts(b, k->rep.handin_late >= 0 ? REPORT_NO_TABLE
		            : k->deadline > engine_now(c->a->en) ? NOT_DUE : "未报送");
	} else {
		size_t r;

		if (!hmap_get(&k->at, code, &r)) {
			buf_printf(b, "县市报送的明细表无此企业（第 %llu 号%s）",
			           (unsigned long long)k->rep.seq, report_annex_late(&k->rep, k->deadline));
		} else {
			k->met[r] = true;
			for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
				if (strcmp(k->rows[r][cols[i]], mine[i]) != 0) {
					buf_printf(b, "%s%s 县报“%s”/核算“%s”", differs ? "；" : "不一致：",
					           what[i], k->rows[r][cols[i]], mine[i]);
					differs = true;
				}
			buf_printf(b, "%s（第 %llu 号%s", differs ? "" : "一致",
			           (unsigned long long)k->rep.seq, report_annex_late(&k->rep, k->deadline));
			omitted_before(&k->rep, code, b);
			buf_puts(b, "）");
		}
	}
	if (k->rep.flags)
		buf_printf(b, "；%s", k->rep.flags);
}

static int
order_cmp(const void *x, const void *y)
{
	const struct rtask *a = *(const struct rtask *const *)x;
	const struct rtask *b = *(const struct rtask *const *)y;
	int c = strcmp(a->jurisdiction, b->jurisdiction);

	return c ? c : strcmp(a->subject, b->subject);
}

/* 核对 of a row only the county's table has: what the registry says of that enterprise at
 * the month's end — nothing (名录中无此企业), another county's (a row for 玛纳斯县's
 * enterprise in 呼图壁县's table was called "not in the list", review 12c, L1), or this
 * county's but not one the clean-up lists. */
static char *
unmet_check(struct store_txn *txn, struct annex4_ctx *c, const struct county4 *k,
            const char *code)
{
	const char *late = report_annex_late(&k->rep, k->deadline), *jur, *jname;
	unsigned long long seq = (unsigned long long)k->rep.seq;
	struct store_subject s, j;
	struct dberr ignored;
	bool hs, hj;
	char *out;

	dberr_clear(&ignored);
	hs = store_subject_get(txn, STORE_ENTERPRISE, code, &s, &ignored) == 0;
	jur = report_field_at(&c->a->hist, &s, hs, code, "jurisdiction", c->a->end);
	if (jur == NULL) {
		out = xasprintf("县市报送，名录中无此企业（第 %llu 号%s）", seq, late);
	} else if (strcmp(jur, k->id) != 0) {
		dberr_clear(&ignored);
		hj = store_subject_get(txn, STORE_JURISDICTION, jur, &j, &ignored) == 0;
		jname = report_field_at(&c->a->hist, &j, hj, jur, "name", c->a->end);
		out = xasprintf("县市报送，名录中为%s的企业（第 %llu 号%s）", jname ? jname : jur, seq,
		                late);
		if (hj)
			store_subject_release(&j);
	} else {
		out = xasprintf("县市报送，名录中此企业未列入清理（第 %llu 号%s）", seq, late);
	}
	if (hs)
		store_subject_release(&s);
	return out;
}

static int
annex4_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct annex4_ctx *c = arg;
	const struct plan *p = c->a->wp; /* its words, as the version in force then said them */
	unsigned no = 0;
	int rc = county4_load(txn, c, e);

	if (rc != 0)
		return rc;
	for (size_t k = 0; k < c->a->n; k++) {
		const struct rtask *r = c->order[k];
		struct store_subject j, s;
		struct dberr ignored;
		bool hj, hs;
		char due[16], done[16];
		const char *jname;
/* an enterprise field as the registry gave it at the month's end */
#define AT(field) report_field_at(&c->a->hist, &s, hs, r->subject, (field), c->a->end)

		if (r->state == NOT_YET)
			continue;
		dberr_clear(&ignored);
		hj = store_subject_get(txn, STORE_JURISDICTION, r->jurisdiction, &j, &ignored) == 0;
		hs = store_subject_get(txn, STORE_ENTERPRISE, r->subject, &s, &ignored) == 0;
		cal_format_date(r->due_date, due);
		done[0] = '\0';
		if (r->state >= 0 && c->a->lc->final[r->state] && r->done_at) {
			int32_t day;

			tz_utc_to_local(c->a->ep->tz, r->done_at, &day, NULL, NULL);
			cal_format_date(day, done);
		}
		report_add_num(c->t, ++no, 0);
		jname = report_field_at(&c->a->hist, &j, hj, r->jurisdiction, "name", c->a->end);
		report_add_str(c->t, jname ? jname : r->jurisdiction);
		report_add_str(c->t, AT("name") ? AT("name") : r->subject);
		report_add_str(c->t, r->subject);
		report_add_str(c->t, hs || AT("industry") ? report_industry_title(p, AT("industry")) : "");
		report_add_str(c->t, AT("pollutants"));
		report_add_str(c->t, AT("reason"));
		report_add_str(c->t, report_measure_title(AT("measure")));
		report_add_str(c->t, due);
		report_add_str(c->t, state_title(c->a->lc, r->state));
		report_add_str(c->t, done);
		report_add_str(c->t, AT("responsible_unit"));
		report_add_str(c->t, AT("responsible_person"));
		{
			const char *mine[] = {AT("name") ? AT("name") : r->subject,
			                      report_measure_title(AT("measure")), due,
			                      state_title(c->a->lc, r->state), done};
			struct buf ck = BUF_INIT;

			county4_check(c, r->jurisdiction, r->subject, mine, &ck);
			report_add_str(c->t, buf_str(&ck));
			buf_release(&ck);
		}
#undef AT
		if (hj)
			store_subject_release(&j);
		if (hs)
			store_subject_release(&s);
	}
	/* what a county reported that dabiao's list does not hold: a row of its own */
	for (size_t i = 0; i < c->nc4; i++)
		for (size_t r = 0; r < c->c4[i].n; r++) {
			char *const *f = c->c4[i].rows[r];
			char *ck;

			if (c->c4[i].met[r])
				continue;
			report_add_num(c->t, ++no, 0);
			for (int k = R4_JUR; k < R4_N; k++)
				report_add_str(c->t, f[k]);
			ck = unmet_check(txn, c, &c->c4[i], f[R4_CODE]);
			report_add_str(c->t, ck);
			free(ck);
		}
	return 0;
}

void
report_annex4_table(struct report_table *t, const char *title)
{
	static const char *const head[] = {
		"序号", "县市、园区", "企业名称", "统一社会信用代码", "行业", "主要污染物",
		"超标原因", "清理措施", "整改时限", "月末状态", "完成日期", "责任单位", "责任人"};
	static const char *const keys[] = {
		"no", "jurisdiction", "enterprise", "credit_code", "industry", "pollutants",
		"reason", "measure", "rectify_by", "state", "done_date", "responsible_unit",
		"responsible_person"};

	report_table_init(t, title, "附件4", head, sizeof(head) / sizeof(head[0]));
	report_table_keys(t, "annex4", keys);
}

/* Annex 4 with the county's own table beside it: a 核对 column (key "check"). */
static void
annex4_table_reported(struct report_table *t, const char *title)
{
	static const char *const head[] = {
		"序号", "县市、园区", "企业名称", "统一社会信用代码", "行业", "主要污染物",
		"超标原因", "清理措施", "整改时限", "月末状态", "完成日期", "责任单位", "责任人",
		"核对"};
	static const char *const keys[] = {
		"no", "jurisdiction", "enterprise", "credit_code", "industry", "pollutants",
		"reason", "measure", "rectify_by", "state", "done_date", "responsible_unit",
		"responsible_person", "check"};

	report_table_init(t, title, "附件4", head, sizeof(head) / sizeof(head[0]));
	report_table_keys(t, "annex4", keys);
}

int
report_annex4(struct engine *en, const char *plan, const char *month,
              struct report_table *out, struct dberr *e)
{
	struct annex a;
	struct annex4_ctx c = {0};
	struct report_table t;
	char *title = NULL, *name = NULL;
	int rc, owed;

	if ((rc = annex_load(&a, en, NULL, plan, month, e)) != 0)
		goto out;
	name = report_form_name(a.wp, PLAN_FORM_ANNEX4);
	title = xasprintf("%s（%s）", name, month);
	annex4_table_reported(&t, title);
	free(t.sheet);
	t.sheet = report_form_sheet(a.wp, PLAN_FORM_ANNEX4);
	report_table_area_head(&t, 1, report_area_word(a.wp, &engine_config(en)->issuer));
	c.a = &a;
	c.t = &t;
	sscanf(month, "%4d-%2d", &c.y, &c.mo); /* checked by annex_load */
	c.order = xcalloc(a.n ? a.n : 1, sizeof(*c.order));
	/* jurisdiction, then enterprise: the order a county's clerk checks the rows in */
	for (size_t i = 0; i < a.n; i++)
		c.order[i] = &a.v[i];
	qsort(c.order, a.n, sizeof(*c.order), order_cmp);
	if ((rc = store_read(engine_store(en), annex4_txn, &c, e)) != 0) {
		report_table_release(&t);
		goto out;
	}
	owed = 0;
	for (size_t i = 0; i < c.nc4; i++)
		owed |= c.c4[i].due;
	annex_note(&t, &a, month, true, PLAN_FORM_ANNEX4, c.nc4 ? owed : -1);
	report_sign_lines(&t, en, a.ep);
	*out = t;
out:
	free(c.order);
	county4_release(&c);
	free(title);
	free(name);
	annex_release(&a);
	return rc;
}
