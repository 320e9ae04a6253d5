/*
 * dispatch.c - the monthly dispatch (按月调度, seed section 四（二）: "州环境监察支队要按月调度
 * 进展"): on the plan's `dispatch.day` of every month, one progress notice to the plan's
 * `dispatch.notify` roles with the clean-up figures in the Annex 3 layout, the overdue
 * list, the conduct warnings sent so far, the latest signed audit checkpoint (so past heads
 * of the log sit in many mailboxes), and the figures as an XLSX attachment.
 *
 * The figures are those of the moment the dispatch is applied, read in its transaction;
 * a county's own table is checked against the end of the month it covers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hmap.h"

#include "engine/audit/audit.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include "engine/report/report.h"
#include "engine/rules/rules.h"

/* v: Annex 3's counts as report_annex3_row takes them: base, the three measures, then not
 * started, in progress, done, overdue. */
struct jrow {
	char *id;
	char *name;
	unsigned v[9];
	unsigned reports_overdue;
	int rbase;            /* the county's own base number in its latest Annex 3; -1: none */
	int rstatus;          /* REPORT_CHECK_*: its table against these figures */
	char *check;          /* 核对, owned; NULL: no table owed yet */
};

struct figures {
	struct engine *en;
	struct store_txn *txn;
	const struct engine_plan *ep;
	struct jrow *rows;
	size_t nrows, cap;
	struct hmap row_at;        /* id -> index in rows, until they are sorted (review 13f,
	                              C3: a scan per task was quadratic in the jurisdictions) */
	struct buf overdue;
	unsigned noverdue;
	struct buf warnings;
	unsigned nwarnings;
	int32_t first, last;       /* horizon of the plan's due dates */
	struct buf voided;         /* "KEY\tN0\tN1\tN2\tN3\tLEFT\n" per sent warning with voided
	                            * events: lapses voided, then 瞒报, 谎报, 漏报 withdrawn
	                            * (void_kinds), and the events left */
};

#define DISPATCH_PREFIX "dispatch#"

/* What a sent warning's voided events were, in the dispatch's words, by the `why` they were
 * counted under: a withdrawn flag is no 补录, and a lapse voided by a back-dated extension
 * was not recorded afterwards either. */
static const char *const void_kinds[][2] = {{"lapse", "逾期已撤销"},
                                            {"concealed", "瞒报登记已撤回"},
                                            {"falsified", "谎报登记已撤回"},
                                            {"omitted", "漏报登记已撤回"}};

static const char *const measures[] = {"rectify-by-deadline", "listed-supervision", "closure"};

static struct jrow *
row(struct figures *f, const char *id)
{
	struct store_subject s;
	struct dberr ignored;

	size_t i;

	if (hmap_get(&f->row_at, id, &i))
		return &f->rows[i];
	f->rows = xgrow(f->rows, &f->cap, f->nrows + 1, sizeof(*f->rows));
	memset(&f->rows[f->nrows], 0, sizeof(*f->rows));
	f->rows[f->nrows].id = xstrdup(id);
	hmap_put(&f->row_at, f->rows[f->nrows].id, f->nrows);
	dberr_clear(&ignored);
	if (store_subject_get(f->txn, STORE_JURISDICTION, id, &s, &ignored) == 0) {
		const char *n = store_subject_field(&s, "name");
		f->rows[f->nrows].name = xstrdup(n ? n : id);
		store_subject_release(&s);
	} else {
		f->rows[f->nrows].name = xstrdup(id);
	}
	return &f->rows[f->nrows++];
}

/* Every jurisdiction of the plan gets its row, in the registry's order of ids; another
 * bureau's in the same store none (review 11f, Y5). */
static int
jur_cb(const struct store_subject *s, void *arg)
{
	struct figures *f = arg;

	if (engine_plan_takes(f->ep, f->txn, s))
		row(f, s->id);
	return 0;
}

static int
task_cb(const struct store_task *t, void *arg)
{
	struct figures *f = arg;
	const struct plan *p = f->ep->plan;
	int mi = plan_milestone_index(p, t->milestone);
	const struct plan_milestone *m;
	const struct plan_lifecycle *lc;
	int st;

	if (mi < 0 || plan_state_withdrawn(t->state))
		return 0; /* cancelled or not applicable: in no figure */
	m = &p->milestones[mi];
	lc = &p->lifecycles[m->lifecycle];
	st = plan_lifecycle_state(lc, t->state);
	if (f->first == CAL_NO_DAY || t->due_date < f->first)
		f->first = t->due_date;
	if (f->last == CAL_NO_DAY || t->due_date > f->last)
		f->last = t->due_date;
	if (f->txn == NULL)
		return 0; /* only the horizon was asked for */
	/* an enterprise's own clean-up lifecycle: the Annex 3 figures, grouped as
	 * `report annex3` groups them (final done, deadline state overdue, initial not
	 * started, any other in progress) */
	if (m->for_ == PLAN_FOR_ENTERPRISE && !lc->builtin && t->jurisdiction[0]) {
		struct jrow *r = row(f, t->jurisdiction);
		struct store_subject s;
		struct dberr ignored;

		r->v[0]++;
		if (st >= 0 && lc->final[st])
			r->v[6]++;
		else if (st >= 0 && st == lc->deadline_to)
			r->v[7]++;
		else if (st == lc->initial)
			r->v[4]++;
		else
			r->v[5]++;
		dberr_clear(&ignored);
		if (store_subject_get(f->txn, STORE_ENTERPRISE, t->subject, &s, &ignored) == 0) {
			const char *ms = store_subject_field(&s, "measure");
			for (int k = 0; ms && k < 3; k++)
				if (strcmp(ms, measures[k]) == 0)
					r->v[1 + k]++;
			store_subject_release(&s);
		}
	}
	if (st >= 0 && st == lc->deadline_to) {
		char due[WORDS_DATE_MAX], period[64];
		struct store_subject s;
		struct dberr ignored;
		char *who = NULL;

		words_date_zh(t->due_date, due);
		words_period_zh(m, t->period, period, sizeof(period));
		if (t->jurisdiction[0])
			row(f, t->jurisdiction)->reports_overdue++;
		/* an enterprise's task by the enterprise, as `status` names it: under its county
		 * alone, four enterprises' late plans read as one line four times (review12a P2) */
		dberr_clear(&ignored);
		if (m->for_ == PLAN_FOR_ENTERPRISE &&
		    store_subject_get(f->txn, STORE_ENTERPRISE, t->subject, &s, &ignored) == 0) {
			const char *n = store_subject_field(&s, "name");

			who = xstrdup(n && n[0] ? n : t->subject);
			store_subject_release(&s);
		} else if (m->for_ == PLAN_FOR_ENTERPRISE) {
			who = xstrdup(t->subject);
		}
		f->noverdue++;
		buf_printf(&f->overdue, "　　%u. %s：%s%s%s%s，截止日期%s\n", f->noverdue,
		           t->jurisdiction[0] ? row(f, t->jurisdiction)->name : p->roles[m->owner].title,
		           who ? who : "", who ? "，" : "", period, m->title, due);
		free(who);
	}
	return 0;
}

static int
notice_cb(const struct store_notice *n, void *arg)
{
	struct figures *f = arg;
	char when[WORDS_DATE_MAX];

	if (strcmp(n->plan, f->ep->plan->id) != 0 || strstr(n->kind, "warning") == NULL)
		return 0;
	int32_t day;

	tz_utc_to_local(f->ep->tz, n->scheduled, &day, NULL, NULL);
	words_date_zh(day, when);
	f->nwarnings++;
	buf_printf(&f->warnings, "　　%u. %s，%s：%s", f->nwarnings, when, row(f, n->subject)->name,
	           strcmp(n->kind, "interview-warning") == 0 ? "约谈预警"
	           : strcmp(n->kind, "approval-restriction-warning") == 0 ? "限批预警"
	                                                                  : "工作预警");
	/* a warning sent on a lapse voided afterwards says so (warning.c) */
	for (const char *p = f->voided.len ? buf_str(&f->voided) : NULL; p && *p;
	     p = strchr(p, '\n') + 1) {
		size_t len = strcspn(p, "\t");
		unsigned nk[4], left;

		if (len == strlen(n->key) && memcmp(p, n->key, len) == 0 &&
		    sscanf(p + len, "\t%u\t%u\t%u\t%u\t%u", &nk[0], &nk[1], &nk[2], &nk[3],
		           &left) == 5) {
			buf_puts(&f->warnings, "（依据的");
			for (size_t k = 0, said = 0; k < 4; k++)
				if (nk[k] > 0)
					buf_printf(&f->warnings, "%s%s%u项", said++ ? "、" : "",
					           void_kinds[k][1], nk[k]);
			buf_printf(&f->warnings, "，余%u项）", left);
			break;
		}
	}
	buf_putc(&f->warnings, '\n');
	return 0;
}

static int
voided_cb(const struct conduct_warning *w, void *arg)
{
	struct figures *f = arg;
	size_t nk[4] = {0};

	if (w->nvoided == 0 || strcmp(w->state, "sent") != 0)
		return 0;
	for (size_t i = 0; i < w->nvoided; i++) {
		size_t k = 0; /* a lapse, or an escalation that followed from one */

		for (size_t j = 1; j < 4; j++)
			if (strcmp(w->voided[i].why, void_kinds[j][0]) == 0)
				k = j;
		nk[k]++;
	}
	buf_printf(&f->voided, "%s/conduct/%s/%s/%u\t%zu\t%zu\t%zu\t%zu\t%zu\n", w->plan,
	           w->kind, w->jurisdiction, w->seq, nk[0], nk[1], nk[2], nk[3],
	           conduct_warning_left(w));
	return 0;
}

static void
figures_release(struct figures *f)
{
	for (size_t i = 0; i < f->nrows; i++) {
		free(f->rows[i].id);
		free(f->rows[i].name);
		free(f->rows[i].check);
	}
	free(f->rows);
	hmap_release(&f->row_at);
	buf_release(&f->overdue);
	buf_release(&f->warnings);
	buf_release(&f->voided);
}

static int
row_cmp(const void *a, const void *b)
{
	return strcmp(((const struct jrow *)a)->id, ((const struct jrow *)b)->id);
}

/* Each county's latest own Annex 3 (the table due this month, `import-annex`) against the
 * figures at the end of the month that table covers — as `report annex3 --month` judges
 * it, not against this instant's figures, which a lapse since the month's end has moved:
 * the base number it reported and how its table differs. */
static int
reported(struct figures *f, const char *month, struct dberr *e)
{
	const struct plan_milestone *m = report_form_milestone(f->ep->plan, PLAN_FORM_ANNEX3);
	struct report_annex3_figures end = {0};
	struct hmap at = HMAP_INIT; /* end's ids -> their index, one lookup per row */
	char covered[16];
	size_t k;
	int rc = 0, y, mo;

	for (size_t i = 0; i < f->nrows; i++)
		f->rows[i].rbase = -1;
	if (m == NULL || sscanf(month, "%4d-%2d", &y, &mo) != 2)
		return 0;
	/* the table due this month covers the month before (covers: previous) or this one */
	if (m->covers_previous && --mo < 1) {
		mo = 12;
		y--;
	}
	snprintf(covered, sizeof(covered), "%04d-%02d", y, mo);
	if ((rc = report_annex3_month_end(f->en, f->txn, f->ep->plan->id, covered, &end, e)) != 0)
		goto out;
	for (k = 0; k < end.n; k++)
		hmap_put(&at, end.id[k], k); /* the last of an id, as the scan it replaces */
	for (size_t i = 0; i < f->nrows; i++) {
		struct jrow *r = &f->rows[i];
		static const unsigned none[9];
		const unsigned *v = hmap_get(&at, r->id, &k) ? end.v[k] : none;
		char *key;

		key = xasprintf("%s/%s/%s/%s", f->ep->plan->id, m->id, r->id, month);
		rc = report_annex3_check(f->txn, key, v, &r->rbase, &r->rstatus, &r->check, e);
		free(key);
		if (rc != 0)
			break;
	}
out:
	hmap_release(&at);
	report_annex3_figures_release(&end);
	return rc;
}

static void
items_text(const struct figures *f, struct buf *b)
{
	unsigned tot[9] = {0};
	char label[64];

	/* the plan's own annex number, never Changji's "10个行业…（附件3口径）" (review12a P6) */
	if (report_cleanup_milestone(f->ep->plan) == NULL) {
		/* no clean-up lifecycle: no figures to give, rather than a base of 0 that the
		 * registry's listed enterprises belie, or a dispatch that cannot be made (P1) */
		buf_puts(b, "一、企业清理整治情况\n　　本计划无企业清理整治事项，不作统计。\n");
		goto rest;
	}
	report_form_label(f->ep->plan, PLAN_FORM_ANNEX3, label, sizeof(label));
	buf_printf(b, "一、超标企业清理整治进展%s%s%s\n", label[0] ? "（" : "", label,
	           label[0] ? "口径）" : "");
	for (size_t i = 0; i < f->nrows; i++) {
		const struct jrow *r = &f->rows[i];
		const unsigned *v = r->v;

		if (v[0] == 0 && r->rbase < 0)
			continue;
		/* 基数 is dabiao's count of the registry's listed enterprises; a county's own
		 * figure, once it reports one, stands beside it */
		buf_printf(b, "　　%s：名录基数 %u 家", r->name, v[0]);
		if (r->rstatus == REPORT_CHECK_MISSING)
			buf_puts(b, "（本月汇总表未报送）");
		else if (r->rbase >= 0)
			/* the county's table is judged against the month it covers, not these
			 * figures: "differs" is said of the table, never of a base that agrees */
			buf_printf(b, "（县市报送基数 %d 家%s）", r->rbase,
			           r->rstatus == REPORT_CHECK_DIFFERS ? "；所报汇总表与所填月份月末"
			                                                "核算不一致" : "");
		buf_printf(b, "，已完成 %u 家，整治中 %u 家，未启动 %u 家，逾期 %u 家；"
		           "限期整改 %u、挂牌督办 %u、淘汰关闭 %u；完成率 %u%%\n",
		           v[6], v[5], v[4], v[7], v[1], v[2], v[3], v[0] ? v[6] * 100 / v[0] : 0);
		for (int k = 0; k < 9; k++)
			tot[k] += v[k];
	}
	buf_printf(b, "　　合计：名录基数 %u 家，已完成 %u 家，整治中 %u 家，未启动 %u 家，逾期 %u 家；"
	           "完成率 %u%%\n", tot[0], tot[6], tot[5], tot[4], tot[7],
	           tot[0] ? tot[6] * 100 / tot[0] : 0);
rest:
	buf_printf(b, "二、逾期未报、未完成事项（%u 项）\n%s", f->noverdue,
	           f->noverdue ? buf_str(&f->overdue) : "　　无\n");
	buf_printf(b, "三、已发出的约谈、限批预警（%u 次）\n%s", f->nwarnings,
	           f->nwarnings ? buf_str(&f->warnings) : "　　无\n");
	/* the template puts the paragraph after the list itself */
	if (b->len > 0 && b->data[b->len - 1] == '\n')
		b->data[--b->len] = '\0';
}

/* The workbook's title, which the 附件 line repeats, and its file name: the plan's name of
 * its Annex 3 table and the month of the dispatch in words, "全州10个行业超标企业清理汇总表
 * （2017年8月调度）", "附件3_全州10个行业超标企业清理汇总表_2017年8月调度.xlsx". fname may be
 * NULL; the caller frees what it gets. */
static char *
dispatch_title(const struct engine_plan *ep, const char *month, char **fname)
{
	char *name = report_form_name(ep->plan, PLAN_FORM_ANNEX3), *title, when[32];
	int y, m;

	if (sscanf(month, "%4d-%2d", &y, &m) == 2)
		snprintf(when, sizeof(when), "%d年%d月", y, m);
	else
		snprintf(when, sizeof(when), "%s", month);
	title = xasprintf("%s（%s调度）", name, when);
	if (fname != NULL) {
		char label[64];

		report_form_label(ep->plan, PLAN_FORM_ANNEX3, label, sizeof(label));
		*fname = xasprintf("%s%s%s_%s调度.xlsx", label, label[0] ? "_" : "", name, when);
	}
	free(name);
	return title;
}

/* The Annex 3 figures as a workbook in the layout of `dabiao report annex3`, bytes in
 * *out, through the reports' one writer. */
static int
xlsx(const struct figures *f, const char *month, const char *when, struct buf *out,
     struct dberr *e)
{
	struct report_table t;
	unsigned tot[9] = {0};
	char *title = dispatch_title(f->ep, month, NULL);
	int rc;

	int rtot = -1;
	unsigned ndiff = 0, nmiss = 0;
	char *sum;

	report_annex3_table_reported(&t, title);
	free(t.sheet);
	t.sheet = report_form_sheet(f->ep->plan, PLAN_FORM_ANNEX3);
	report_table_area_head(&t, 0, report_area_word(f->ep->plan, &engine_config(f->en)->issuer));
	/* every jurisdiction of the registry, as `report annex3` lists them: a county without
	 * listed enterprises shows zeros rather than disappearing; beside each, the county's
	 * own table of the month (import-annex) */
	for (size_t i = 0; i < f->nrows; i++) {
		const struct jrow *r = &f->rows[i];

		report_annex3_row(&t, r->name, r->v);
		report_annex3_row_reported(&t, r->rbase, r->check);
		for (int k = 0; k < 9; k++)
			tot[k] += r->v[k];
		if (r->rbase >= 0)
			rtot = (rtot < 0 ? 0 : rtot) + r->rbase;
		ndiff += r->rstatus == REPORT_CHECK_DIFFERS;
		nmiss += r->rstatus == REPORT_CHECK_MISSING;
	}
	report_annex3_row(&t, "合计", tot);
	sum = ndiff || nmiss ? xasprintf("%u个不一致，%u个未报送", ndiff, nmiss)
	                     : rtot >= 0 ? xstrdup("一致") : NULL;
	report_annex3_row_reported(&t, rtot, sum);
	free(sum);
	t.total_row = true;
	t.note = xasprintf("统计口径：调度时（%s）各企业清理整治事项的状态；“核对”栏将县市报送的"
	                   "汇总表与其所填月份月末的状态相对照；计划 %s 第 %u 版。",
	                   when, f->ep->plan->id, f->ep->version);
	report_sign_lines(&t, f->en, f->ep);
	rc = report_xlsx_bytes(&t, out, e);
	report_table_release(&t);
	free(title);
	return rc;
}

/* The signed head of the audit log as it stands (kept in the store too, as every signed head
 * is), or a line saying why it is not signed. */
static int
checkpoint_text(struct engine *en, struct store_txn *txn, struct buf *out, struct dberr *e)
{
	char *key = audit_key_file(store_dir(engine_store(en)), engine_config(en)->audit_key_file);
	struct audit_frontier fr;
	struct audit_checkpoint cp;
	struct dberr se;
	char *text = NULL, *by, hex[2 * AUDIT_HASH_LEN + 1];
	int rc;

	dberr_clear(&se);
	if (audit_frontier_get(txn, &fr, &se) != 0) {
		buf_printf(out, "（审计链头无法读取：%s）", se.msg);
		free(key);
		return 0;
	}
	memset(&cp, 0, sizeof(cp));
	audit_origin_name(engine_config(en)->audit_origin, cp.origin, sizeof(cp.origin));
	cp.size = fr.size;
	audit_frontier_root(&fr, cp.root);
	if (key != NULL && audit_checkpoint_sign(&cp, key, &text, &se) == 0) {
		buf_puts(out, text);
		by = xasprintf("%s: the monthly dispatch, which mails it", engine_actor(en));
		rc = audit_checkpoint_keep(txn, cp.size, text, engine_wall_clock(), by, e);
		free(by);
		free(text);
		free(key);
		return rc;
	}
	free(key);
	audit_hex(cp.root, AUDIT_HASH_LEN, hex);
	buf_printf(out, "%s\n%llu\n根哈希（十六进制）%s\n（未找到审计签名密钥，本检查点未签名）",
	           cp.origin, (unsigned long long)cp.size, hex);
	return 0;
}

int
dispatch_fire(struct engine *en, struct store_txn *txn, const struct store_due *d, bool late,
              struct dberr *e)
{
	char plan_id[128], month[16], key[256], nitems[8], when[40];
	const struct engine_plan *ep;
	struct figures f = {0};
	struct buf items = BUF_INIT, cp = BUF_INIT, book = BUF_INIT;
	struct notice_var vars[4];
	struct notify_attachment att;
	struct notice_req r = {0};
	char *prefix = NULL, *fname = NULL, *title = NULL;
	bool cleanup;
	int rc;

	if (sscanf(d->task, DISPATCH_PREFIX "%127[^#]#%15s", plan_id, month) != 2 ||
	    (ep = engine_plan_find(en, plan_id)) == NULL || ep->plan->dispatch.day == 0)
		return 0;
	f.en = en;
	f.txn = txn;
	f.ep = ep;
	f.first = f.last = CAL_NO_DAY;
	prefix = xasprintf("%s/", plan_id);
	rc = store_subject_each(txn, STORE_JURISDICTION, jur_cb, &f, e);
	if (rc == 0)
		rc = store_task_each(txn, prefix, task_cb, &f, e);
	if (rc == 0)
		rc = conduct_warning_each(txn, f.ep->plan->id, voided_cb, &f, e);
	if (rc == 0)
		rc = store_notice_each(txn, notice_cb, &f, e);
	if (rc != 0)
		goto out;
	hmap_release(&f.row_at); /* every row is made; sorting moves them */
	if (f.nrows > 1) /* none: no array, and qsort(NULL, 0) is undefined */
		qsort(f.rows, f.nrows, sizeof(*f.rows), row_cmp);
	/* a plan without a clean-up milestone has no figures: no county table to check against
	 * them and no workbook (a `form: annex3` alone stopped the scheduler, review12a P1) */
	cleanup = report_cleanup_milestone(ep->plan) != NULL;
	if (cleanup && (rc = reported(&f, month, e)) != 0)
		goto out;
	items_text(&f, &items);
	tz_format_local(ep->tz, engine_now(en), when);
	if ((rc = checkpoint_text(en, txn, &cp, e)) != 0 ||
	    (cleanup && (rc = xlsx(&f, month, when, &book, e)) != 0))
		goto out;
	snprintf(nitems, sizeof(nitems), "3");
	vars[0] = (struct notice_var){"items", buf_str(&items)};
	vars[1] = (struct notice_var){"checkpoint", buf_str(&cp)};
	vars[2] = (struct notice_var){"item_count", nitems};
	title = dispatch_title(ep, month, &fname);
	vars[3] = (struct notice_var){"attachment_name", cleanup ? title : ""};
	att.filename = fname;
	att.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	att.data = book.data;
	att.len = book.len;
	snprintf(key, sizeof(key), "%s/dispatch/%s", plan_id, month);
	r.ep = ep;
	r.kind = "dispatch";
	r.fallback = "dispatch";
	r.key = key;
	r.subject = plan_id;
	r.targets = ep->plan->dispatch.notify;
	r.ntargets = ep->plan->dispatch.nnotify;
	r.scheduled = d->planned;
	r.late = late;
	r.vars = vars;
	r.nvars = 4;
	r.attachments = cleanup ? &att : NULL;
	r.nattachments = cleanup ? 1 : 0;
	rc = notice_queue(en, txn, &r, e);
out:
	free(prefix);
	free(fname);
	free(title);
	figures_release(&f);
	buf_release(&items);
	buf_release(&cp);
	buf_release(&book);
	return rc;
}

int
dispatch_schedule(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                  struct dberr *e)
{
	struct figures f = {0};
	char *prefix = xasprintf("%s/", ep->plan->id);
	int y, m, dd, ly, lm, rc;

	f.ep = ep;
	f.first = f.last = CAL_NO_DAY;
	rc = store_task_each(txn, prefix, task_cb, &f, e);
	free(prefix);
	if (rc != 0 || f.first == CAL_NO_DAY)
		return rc;
	cal_civil_from_days(f.first, &y, &m, &dd);
	cal_civil_from_days(f.last, &ly, &lm, &dd);
	/* every month from the first due to the month after the last: the last dispatch
	 * reports how the horizon ended */
	for (long k = (long)y * 12 + m - 1; rc == 0 && k <= (long)ly * 12 + lm; k++) {
		int yy = (int)(k / 12), mm = (int)(k % 12) + 1;
		int64_t at = schedule_hold(ep, "dispatch",
		                           tz_local_to_utc(ep->tz, cal_days_from_civil(yy, mm,
		                                           ep->plan->dispatch.day), ep->plan->notify_at));
		char task[192];
		struct store_due d = {0};

		if (at <= engine_now(en))
			continue;
		snprintf(task, sizeof(task), DISPATCH_PREFIX "%s#%04d-%02d", ep->plan->id, yy, mm);
		d.at = d.planned = at;
		d.kind = STORE_DUE_DISPATCH;
		d.task = task;
		rc = store_due_put(txn, &d, e);
	}
	figures_release(&f);
	return rc;
}
