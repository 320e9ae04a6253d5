/*
 * cmd_status.c - `dabiao status`: what a supervision officer wants on a Monday morning, in
 * Chinese (--lang en for English). Per jurisdiction, by name: tasks still open, due within
 * seven days, overdue, handed in late, handed in without a required section, waiting for
 * review, flagged; then the overdue tasks with their days overdue and the owner's
 * addresses, the review queue, the next deadlines, and roles that have no address in the
 * registry (their notices went to the admin instead). Every time carries its UTC offset.
 *
 * --format csv|json gives the same five parts as tables through the one writer, with the
 * field names of docs/output.md: jurisdictions, overdue, review, next, gaps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/strset.h"
#include "base/xalloc.h"
#include "engine/cli/cli.h"
#include "engine/report/report.h"
#include "engine/notice/notice.h"

#define NEXT_MAX 10

enum lang { ZH = 0, EN };

/* Every label in both languages: the table below is the whole vocabulary of `status`. */
enum label {
	L_AS_OF, L_JUR, L_OPEN, L_WEEK, L_OVERDUE, L_LATE, L_INCOMPLETE, L_REVIEW, L_FLAGGED,
	L_OFFICES, L_OVERDUE_LIST, L_REVIEW_LIST, L_NEXT, L_GAPS, L_NONE, L_DAYS, L_DUE,
	L_CONTACT, L_NO_CONTACT, L_BY, L_AT, L_STATE, L_N_
};
static const char *const labels[L_N_][2] = {
	[L_AS_OF] = {"计划进展情况", "status"},  /* zh: status_words' */
	[L_JUR] = {"地区", "jurisdiction"},       /* zh: report_area_word's */
	[L_OPEN] = {"未办结", "open"},
	[L_WEEK] = {"7日内到期", "due in 7 days"},
	[L_OVERDUE] = {"逾期", "overdue"},
	[L_LATE] = {"迟报", "late"},
	[L_INCOMPLETE] = {"内容不全", "incomplete"},
	[L_REVIEW] = {"待审核", "to review"},
	[L_FLAGGED] = {"问责标记", "flagged"},
	[L_OFFICES] = {"本级部门", "bureau offices"}, /* zh: report_offices_label's */
	[L_OVERDUE_LIST] = {"逾期未办结事项", "overdue"},
	[L_REVIEW_LIST] = {"已报送、待审核事项", "waiting for review"},
	[L_NEXT] = {"近期截止事项", "next deadlines"},
	[L_GAPS] = {"无收件地址的角色（其通知已改发系统管理员）",
	            "roles without an address (their notices went to the admin)"},
	[L_NONE] = {"无", "none"},
	[L_DAYS] = {"逾期天数", "days overdue"},
	[L_DUE] = {"截止", "due"},
	[L_CONTACT] = {"联系", "contact"},
	[L_NO_CONTACT] = {"登记册中无联系地址", "no address in the registry"},
	[L_BY] = {"报送人", "by"},
	[L_AT] = {"报送时间", "at"},
	[L_STATE] = {"状态", "state"},
};

struct row {
	char *jurisdiction;  /* id, "" for the bureau's own offices */
	char *name;
	size_t v[7];         /* open, week, overdue, late, incomplete, review, flagged */
};

struct next {
	int64_t deadline;
	char *line;          /* what and whose, without the time */
	const struct engine_plan *ep;
	char *key;
};

/* The parts as tables for --format csv|json (docs/output.md). */
enum { T_JUR, T_OVERDUE, T_REVIEW, T_NEXT, T_GAPS, T_N };
static const char *const jur_keys[] = {"jurisdiction", "name", "open", "due_7d", "overdue",
                                       "late", "incomplete", "review", "flagged"};
static const char *const overdue_keys[] = {"task", "jurisdiction", "what", "deadline",
                                           "days_overdue", "contacts"};
static const char *const review_keys[] = {"task", "jurisdiction", "what", "submitted_by",
                                          "submitted_at"};
static const char *const next_keys[] = {"task", "what", "deadline"};
static const char *const gap_keys[] = {"role", "subject", "what"};

struct status_ctx {
	struct engine *en;
	struct store_txn *txn;
	enum lang lang;
	const char *jurisdiction, *plan;
	struct row *rows;
	size_t nrows, caprows;
	struct hmap row_at;  /* jurisdiction -> its index in rows (before they are sorted) */
	struct next next[NEXT_MAX];
	size_t nnext;
	struct buf overdue, review, gaps;
	size_t noverdue, nreview;
	struct strset seen_gaps;
	struct report_table t[T_N];
	struct cli_gap_notes notes;  /* open tasks due in a year a calendar does not cover */
	const char *area;            /* zh: the plan's word for its jurisdictions */
	char *as_of;                 /* zh: the heading, in the plan's words; owned */
};

static const char *
L(const struct status_ctx *c, enum label l)
{
	if (c->lang == ZH && l == L_JUR && c->area)
		return c->area;
	if (c->lang == ZH && l == L_AS_OF && c->as_of)
		return c->as_of;
	return labels[l][c->lang];
}

/* The heading and the jurisdictions' column in the words of the plan shown (--plan, or the
 * store's only plan): "达标排放工作进展情况" / "县市、园区" for Changji (issuer.work, .area),
 * "落实《…》进展情况" / 地区 for a plan that names neither; several plans: 计划进展情况 and
 * the configuration's word. Never Changji's words for another bureau (review12a P6). */
static void
status_words(struct status_ctx *c)
{
	const struct engine_plan *ep = c->plan ? engine_plan_find(c->en, c->plan)
	                               : engine_nplans(c->en) == 1 ? engine_plan_at(c->en, 0)
	                                                           : NULL;
	const struct plan_issuer *ci = &engine_config(c->en)->issuer;

	c->area = report_area_word(ep ? ep->plan : NULL, ci);
	if (ep == NULL)
		return;
	if (ep->plan->issuer.work != NULL)
		c->as_of = xasprintf("%s进展情况", ep->plan->issuer.work);
	else if (ep->plan->issuer.basis != NULL)
		c->as_of = xasprintf("落实%s进展情况", ep->plan->issuer.basis);
	else
		c->as_of = xasprintf("落实《%s》进展情况", ep->plan->title);
}

static struct row *
row_for(struct status_ctx *c, const char *j)
{
	size_t i;

	/* found by a map: a scan of the rows for each task made `status` quadratic in the
	 * jurisdictions (review 13f, C3: 20,000 took 1.5 s) */
	if (hmap_get(&c->row_at, j, &i))
		return &c->rows[i];
	c->rows = xgrow(c->rows, &c->caprows, c->nrows + 1, sizeof(*c->rows));
	memset(&c->rows[c->nrows], 0, sizeof(*c->rows));
	c->rows[c->nrows].jurisdiction = xstrdup(j);
	hmap_put(&c->row_at, c->rows[c->nrows].jurisdiction, c->nrows);
	c->rows[c->nrows].name = j[0] ? store_subject_name(c->txn, STORE_JURISDICTION, j)
	                              : xstrdup(L(c, L_OFFICES));
	return &c->rows[c->nrows++];
}

/* The owner's addresses for task t of milestone m, as notices resolve them. */
static void
owner_contacts(struct status_ctx *c, const struct plan *p, const struct plan_milestone *m,
               const struct store_task *t, struct buf *out)
{
	struct strset to = {0};
	struct dberr ignored;

	dberr_clear(&ignored);
	(void)notice_role_addresses(c->txn, &p->roles[m->owner], t->jurisdiction, t->subject,
	                            &to, &ignored);
	if (to.n)
		strset_join(&to, ", ", out);
	else
		buf_puts(out, L(c, L_NO_CONTACT));
	strset_free(&to);
}

/* "昌吉市 · 全州10个行业超标企业清理汇总表（附件3） 2017年6月": whose task and what, by name. */
static void
task_words(struct status_ctx *c, const struct engine_plan *ep, const struct plan_milestone *m,
           const struct store_task *t, struct buf *out)
{
	char period[64];
	char *who;

	if (m->for_ == PLAN_FOR_ENTERPRISE)
		who = store_subject_name(c->txn, STORE_ENTERPRISE, t->subject);
	else if (m->for_ == PLAN_FOR_JURISDICTION)
		who = store_subject_name(c->txn, STORE_JURISDICTION, t->subject);
	else
		who = xstrdup(ep->plan->roles[m->owner].title);
	words_period_zh(m, t->period, period, sizeof(period));
	buf_printf(out, "%s · %s%s%s", who, m->title, period[0] ? " " : "", period);
	free(who);
}

static void
next_add(struct status_ctx *c, const struct engine_plan *ep, const struct plan_milestone *m,
         const struct store_task *t)
{
	size_t i = c->nnext;
	struct buf line = BUF_INIT;

	if (i == NEXT_MAX && t->deadline >= c->next[NEXT_MAX - 1].deadline)
		return;
	if (i == NEXT_MAX) {
		free(c->next[--i].line);
		free(c->next[i].key);
	}
	while (i > 0 && c->next[i - 1].deadline > t->deadline) {
		c->next[i] = c->next[i - 1];
		i--;
	}
	task_words(c, ep, m, t, &line);
	c->next[i] = (struct next){t->deadline, buf_detach(&line), ep, xstrdup(t->key)};
	if (c->nnext < NEXT_MAX)
		c->nnext++;
}

static int
task_cb(const struct store_task *t, void *arg)
{
	struct status_ctx *c = arg;
	const struct engine_plan *ep = engine_plan_find(c->en, t->plan);
	const struct plan_milestone *m;
	const struct plan_lifecycle *lc;
	struct row *r;
	int mi, st;
	int64_t now = engine_now(c->en);
	char when[40];

	if (ep == NULL || (c->jurisdiction && strcmp(t->jurisdiction, c->jurisdiction) != 0))
		return 0;
	if ((mi = plan_milestone_index(ep->plan, t->milestone)) < 0)
		return 0;
	m = &ep->plan->milestones[mi];
	lc = &ep->plan->lifecycles[m->lifecycle];
	st = plan_lifecycle_state(lc, t->state);
	r = row_for(c, t->jurisdiction);
	/* 未办结 is every task not concluded: open, overdue, handed in and waiting, returned;
	 * never fewer than the 逾期 and 待审核 beside it */
	if (!(st >= 0 && lc->final[st]) && !plan_state_withdrawn(t->state))
		r->v[0]++;
	if (st >= 0 && lc->deadline_from[st]) {
		cli_gap_notes_add(&c->notes, NULL, ep->plan, t->due_date);
		if (t->deadline >= now && t->deadline < now + 7 * 86400)
			r->v[1]++;
		if (t->deadline >= now)
			next_add(c, ep, m, t);
	}
	if (st >= 0 && st == lc->deadline_to) {
		struct buf what = BUF_INIT, contacts = BUF_INIT;
		char rfc[40];

		r->v[2]++;
		c->noverdue++;
		tz_format_local(ep->tz, t->deadline, when);
		tz_format_rfc3339(ep->tz, t->deadline, rfc);
		task_words(c, ep, m, t, &what);
		owner_contacts(c, ep->plan, m, t, &contacts);
		report_add_str(&c->t[T_OVERDUE], t->key);
		report_add_str(&c->t[T_OVERDUE], t->jurisdiction);
		report_add_str(&c->t[T_OVERDUE], buf_str(&what));
		report_add_str(&c->t[T_OVERDUE], rfc);
		report_add_num(&c->t[T_OVERDUE],
		               (double)words_days_overdue(ep->tz, t->deadline, now), 0);
		report_add_str(&c->t[T_OVERDUE], buf_str(&contacts));
		buf_release(&what);
		buf_release(&contacts);
		buf_puts(&c->overdue, "  ");
		task_words(c, ep, m, t, &c->overdue);
		buf_printf(&c->overdue, "\n      %s %s%s%s %lld%s%s%s", L(c, L_DUE), when,
		           c->lang == ZH ? "，" : ", ", L(c, L_DAYS),
		           (long long)words_days_overdue(ep->tz, t->deadline, now),
		           c->lang == ZH ? "；" : "; ", L(c, L_CONTACT), c->lang == ZH ? "：" : ": ");
		owner_contacts(c, ep->plan, m, t, &c->overdue);
		buf_putc(&c->overdue, '\n');
	}
	if (t->flags & STORE_TASK_LATE)
		r->v[3]++;
	if (st >= 0 && st == lc->incomplete)
		r->v[4]++;
	if (plan_lifecycle_awaits_review(lc, st)) {
		const char *by = store_task_extra(t, "submitted_by");
		const char *at = store_task_extra(t, "submitted_at");
		char local[40];
		int64_t sub_at;
		struct buf what = BUF_INIT;

		r->v[5]++;
		c->nreview++;
		task_words(c, ep, m, t, &what);
		report_add_str(&c->t[T_REVIEW], t->key);
		report_add_str(&c->t[T_REVIEW], t->jurisdiction);
		report_add_str(&c->t[T_REVIEW], buf_str(&what));
		report_add_str(&c->t[T_REVIEW], by ? by : "");
		report_add_str(&c->t[T_REVIEW], at ? at : "");
		buf_release(&what);
		buf_puts(&c->review, "  ");
		task_words(c, ep, m, t, &c->review);
		/* the words read the time as every other line does (2017-02-10 09:00 +08:00) */
		if (at != NULL && tz_parse_time(ep->tz, at, &sub_at) == 0) {
			tz_format_local(ep->tz, sub_at, local);
			at = local;
		}
		if (c->lang == ZH)
			buf_printf(&c->review, "\n      %s：%s；%s：%s\n", L(c, L_BY), by ? by : "—",
			           L(c, L_AT), at ? at : "—");
		else
			buf_printf(&c->review, "\n      %s: %s; %s: %s\n", L(c, L_BY), by ? by : "-",
			           L(c, L_AT), at ? at : "-");
	}
	if (t->flags & STORE_TASK_FLAGGED)
		r->v[6]++;
	return 0;
}

/* A notice's gaps, "role (subject), ...", in words: the role's title and the subject's
 * name, each gap once. */
static int
gap_cb(const struct store_notice *n, void *arg)
{
	struct status_ctx *c = arg;
	const char *gaps = store_kv_get(n->extra, n->nextra, "gaps");
	const struct engine_plan *ep = engine_plan_find(c->en, n->plan);
	char *copy, *save = NULL;
	size_t start;

	/* --plan: that plan's roles only, as its rows (review 11f, Y5) */
	if (gaps == NULL || (c->plan && strcmp(n->plan, c->plan) != 0))
		return 0;
	copy = xstrdup(gaps);
	for (char *g = strtok_r(copy, ",", &save); g; g = strtok_r(NULL, ",", &save)) {
		char role[128] = "", subj[256] = "";
		int ri;

		while (*g == ' ')
			g++;
		size_t before = c->seen_gaps.n;

		strset_add(&c->seen_gaps, g);
		if (c->seen_gaps.n == before)
			continue; /* named already */
		if (sscanf(g, "%127s (%255[^)])", role, subj) < 1)
			continue;
		ri = ep ? plan_role_index(ep->plan, role) : -1;
		start = c->gaps.len;
		if (ri >= 0 && ep->plan->roles[ri].per == PLAN_PER_JURISDICTION && subj[0]) {
			char *name = store_subject_name(c->txn, STORE_JURISDICTION, subj);

			buf_printf(&c->gaps, "  %s（%s）\n", ep->plan->roles[ri].title, name);
			free(name);
		} else if (ri >= 0) {
			buf_printf(&c->gaps, "  %s\n", ep->plan->roles[ri].title);
		} else {
			buf_printf(&c->gaps, "  %s\n", g);
		}
		/* the line just written, without its indent and newline, is the gap in words */
		report_add_str(&c->t[T_GAPS], role);
		report_add_str(&c->t[T_GAPS], subj);
		{
			char *words = xstrndup(c->gaps.data + start + 2, c->gaps.len - start - 3);

			report_add_str(&c->t[T_GAPS], words);
			free(words);
		}
	}
	free(copy);
	return 0;
}

static int
status_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct status_ctx *c = arg;
	char *prefix = c->plan ? xasprintf("%s/", c->plan) : xstrdup("");
	int rc;

	c->txn = txn;
	rc = store_task_each(txn, prefix, task_cb, c, e);
	free(prefix);
	if (rc == 0)
		rc = store_notice_each(txn, gap_cb, c, e);
	return rc;
}

/* Jurisdictions in id order; the bureau's own offices ("") last. */
static int
row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (!x->jurisdiction[0] != !y->jurisdiction[0])
		return x->jurisdiction[0] ? -1 : 1;
	return strcmp(x->jurisdiction, y->jurisdiction);
}

/* Pads s to width terminal columns (a CJK character takes two). */
static void
cell(struct buf *b, const char *s, size_t width, bool right)
{
	size_t w = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xc0) != 0x80)
			w += *p >= 0xe0 ? 2 : 1;
	if (right)
		for (; w < width; w++)
			buf_putc(b, ' ');
	buf_puts(b, s);
	if (!right)
		for (; w < width; w++)
			buf_putc(b, ' ');
}

static void
print_table(const struct status_ctx *c, struct buf *b)
{
	static const enum label cols[] = {L_OPEN, L_WEEK, L_OVERDUE, L_LATE, L_INCOMPLETE,
	                                  L_REVIEW, L_FLAGGED};
	char num[24];

	cell(b, L(c, L_JUR), 28, false);
	for (size_t k = 0; k < 7; k++) {
		buf_putc(b, ' ');
		cell(b, L(c, cols[k]), 13, true);
	}
	buf_putc(b, '\n');
	for (size_t i = 0; i < c->nrows; i++) {
		cell(b, c->rows[i].name, 28, false);
		for (size_t k = 0; k < 7; k++) {
			snprintf(num, sizeof(num), "%zu", c->rows[i].v[k]);
			buf_putc(b, ' ');
			cell(b, num, 13, true);
		}
		buf_putc(b, '\n');
	}
}

static void
tables_init(struct status_ctx *c)
{
	static const struct {
		const char *name;
		const char *const *keys;
		size_t n;
	} parts[T_N] = {
		{"jurisdictions", jur_keys, sizeof(jur_keys) / sizeof(jur_keys[0])},
		{"overdue", overdue_keys, sizeof(overdue_keys) / sizeof(overdue_keys[0])},
		{"review", review_keys, sizeof(review_keys) / sizeof(review_keys[0])},
		{"next", next_keys, sizeof(next_keys) / sizeof(next_keys[0])},
		{"gaps", gap_keys, sizeof(gap_keys) / sizeof(gap_keys[0])},
	};

	for (int i = 0; i < T_N; i++) {
		report_table_init(&c->t[i], "", parts[i].name, parts[i].keys, parts[i].n);
		report_table_keys(&c->t[i], parts[i].name, parts[i].keys);
	}
}

/* The per-jurisdiction counts and the next deadlines, known only at the end, as tables. */
static void
tables_finish(struct status_ctx *c)
{
	for (size_t i = 0; i < c->nrows; i++) {
		report_add_str(&c->t[T_JUR], c->rows[i].jurisdiction);
		report_add_str(&c->t[T_JUR], c->rows[i].name);
		for (size_t k = 0; k < 7; k++)
			report_add_num(&c->t[T_JUR], (double)c->rows[i].v[k], 0);
	}
	for (size_t i = 0; i < c->nnext; i++) {
		char when[40];

		tz_format_rfc3339(c->next[i].ep->tz, c->next[i].deadline, when);
		report_add_str(&c->t[T_NEXT], c->next[i].key);
		report_add_str(&c->t[T_NEXT], c->next[i].line);
		report_add_str(&c->t[T_NEXT], when);
	}
}

/* One line per year an open task's plan has no calendar notice for: its dues there
 * assume weekends only. */
static void
calendar_notes(const struct status_ctx *sc, struct buf *out)
{
	for (size_t i = 0; i < sc->notes.n; i++) {
		const struct cli_gap_note *nt = &sc->notes.v[i];
		const struct engine_plan *ep = engine_plan_find(sc->en, nt->plan);
		struct plan_calgap g = {nt->use, nt->year, NULL, nt->december_only};
		size_t k;

		/* a note on the whole year says what one on its December eve would */
		for (k = 0; nt->december_only && k < sc->notes.n; k++)
			if (!sc->notes.v[k].december_only && sc->notes.v[k].use == nt->use &&
			    sc->notes.v[k].year == nt->year && strcmp(sc->notes.v[k].plan, nt->plan) == 0)
				break;
		if (nt->december_only && k < sc->notes.n)
			continue;
		g.reason = calfile_not_confirmed(ep->plan->uses[g.use].file, g.year);
		buf_puts(out, sc->lang == ZH ? "说明：" : "note: ");
		cli_calendar_gap_text(out, ep->plan, &g, sc->lang == ZH);
		buf_puts(out, "\n");
	}
}

int
cmd_status(struct cli *c)
{
	struct status_ctx sc = {0};
	const char *lang = "zh", *format = "table";
	struct cli_opt opts[] = {{"jurisdiction", &sc.jurisdiction, NULL},
	                         {"plan", &sc.plan, NULL},
	                         {"lang", &lang, NULL},
	                         {"format", &format, NULL},
	                         {NULL, NULL, NULL}};
	enum report_format fmt;
	struct engine *en;
	struct buf out = BUF_INIT;
	char now[40];
	int rc;

	if ((rc = cli_parse(c, opts, NULL, 0, NULL)) != 0 ||
	    (rc = cli_format(c, format, CLI_FMT_TABLES, &fmt)) != 0)
		return rc;
	if (strcmp(lang, "zh") == 0)
		sc.lang = ZH;
	else if (strcmp(lang, "en") == 0)
		sc.lang = EN;
	else
		return cli_usage(c, "--lang is zh or en, not '%s'", lang);
	if ((rc = cli_engine(c, &en)) != 0 ||
	    (rc = cli_check_filters(c, en, &(struct cli_filters){.plan = sc.plan,
	                                                         .jurisdiction =
	                                                                 sc.jurisdiction})) != 0)
		return rc;
	sc.en = en;
	status_words(&sc);
	tables_init(&sc);
	rc = store_read(engine_store(en), status_txn, &sc, &c->err);
	hmap_release(&sc.row_at); /* its indexes are the order sorting changes */
	if (rc != 0)
		goto out;
	if (sc.nrows > 1)
		qsort(sc.rows, sc.nrows, sizeof(*sc.rows), row_cmp);
	/* the bureau's own offices under its short name, as the accountability record has them */
	for (size_t i = 0; sc.lang == ZH && i < sc.nrows; i++)
		if (sc.rows[i].jurisdiction[0] == '\0') {
			free(sc.rows[i].name);
			sc.rows[i].name = xstrdup(report_offices_label(en, NULL));
		}
	if (fmt != REPORT_FMT_TABLE) {
		/* the coverage notes are words for people: standard error, the data stays whole */
		calendar_notes(&sc, &out);
		fputs(buf_str(&out), stderr);
		buf_reset(&out);
		tables_finish(&sc);
		rc = report_write(sc.t, T_N, fmt, NULL, &c->err);
		goto out;
	}
	tz_format_local(engine_tz(en), engine_now(en), now);
	buf_printf(&out, sc.lang == ZH ? "%s（截至 %s，%s）\n\n" : "%s as of %s (%s)\n\n",
	           L(&sc, L_AS_OF), now, tz_name(engine_tz(en)));
	calendar_notes(&sc, &out);
	if (sc.notes.n > 0)
		buf_puts(&out, "\n");
	print_table(&sc, &out);
	buf_printf(&out, "\n");
	buf_printf(&out, sc.lang == ZH ? "%s（%zu 项）" : "%s (%zu)", L(&sc, L_OVERDUE_LIST),
	           sc.noverdue);
	buf_printf(&out, "\n%s", sc.noverdue ? buf_str(&sc.overdue) : "");
	if (!sc.noverdue)
		buf_printf(&out, "  %s\n", L(&sc, L_NONE));
	buf_printf(&out, "\n");
	buf_printf(&out, sc.lang == ZH ? "%s（%zu 项）" : "%s (%zu)", L(&sc, L_REVIEW_LIST),
	           sc.nreview);
	buf_printf(&out, "\n%s", sc.nreview ? buf_str(&sc.review) : "");
	if (!sc.nreview)
		buf_printf(&out, "  %s\n", L(&sc, L_NONE));
	buf_printf(&out, "\n%s\n", L(&sc, L_NEXT));
	for (size_t i = 0; i < sc.nnext; i++) {
		char when[40];

		tz_format_local(sc.next[i].ep->tz, sc.next[i].deadline, when);
		buf_printf(&out, "  %s  %s\n", when, sc.next[i].line);
	}
	if (sc.nnext == 0)
		buf_printf(&out, "  %s\n", L(&sc, L_NONE));
	buf_printf(&out, "\n%s\n%s", L(&sc, L_GAPS), sc.gaps.len ? buf_str(&sc.gaps) : "");
	if (!sc.gaps.len)
		buf_printf(&out, "  %s\n", L(&sc, L_NONE));
	{
		/* names come from the registry: nothing in them may drive the terminal */
		struct buf clean = BUF_INIT;

		report_terminal_text(&clean, buf_str(&out), true);
		fwrite(clean.data, 1, clean.len, stdout);
		buf_release(&clean);
	}
out:
	free(sc.as_of);
	for (size_t i = 0; i < sc.nrows; i++) {
		free(sc.rows[i].jurisdiction);
		free(sc.rows[i].name);
	}
	free(sc.rows);
	for (size_t i = 0; i < sc.nnext; i++) {
		free(sc.next[i].line);
		free(sc.next[i].key);
	}
	for (int i = 0; i < T_N; i++)
		report_table_release(&sc.t[i]);
	buf_release(&sc.overdue);
	buf_release(&sc.review);
	buf_release(&sc.gaps);
	buf_release(&out);
	strset_free(&sc.seen_gaps);
	cli_gap_notes_release(&sc.notes);
	return rc;
}
