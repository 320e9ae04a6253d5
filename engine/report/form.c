/*
 * form.c - the blank table a task hands in (its milestone's `form:`), sent with the
 * notices that ask for it: Annex 3 with the jurisdiction's row, Annex 4 with a row per
 * enterprise the registry lists for clean-up in it. The county fills in the figures, signs
 * and stamps the 填报单位 line and sends the table back; dabiao fills only what the
 * registry already says (names, credit codes, industries, measures, time limits), never a
 * figure the county is asked to report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "engine/report/report.h"

static void milestone_label(const struct plan_milestone *m, char *out, size_t n);

static const char *
field(const struct store_subject *s, const char *name)
{
	const char *v = store_subject_field(s, name);

	return v ? v : "";
}

struct ent_ctx {
	const struct plan *p;
	const char *jurisdiction, *jur_name;
	struct report_table *t;
	unsigned no;
};

/* Annex 4's row for an enterprise of the jurisdiction listed for clean-up, in credit code
 * order (the store's), with what the registry knows; state and completion date are left to
 * the county. */
static int
ent_cb(const struct store_subject *s, void *arg)
{
	struct ent_ctx *c = arg;
	struct report_table *t = c->t;

	if (strcmp(field(s, "jurisdiction"), c->jurisdiction) != 0 ||
	    strcmp(field(s, "listed"), "true") != 0)
		return 0;
	report_add_num(t, ++c->no, 0);
	report_add_str(t, c->jur_name);
	report_add_str(t, store_subject_field(s, "name") ? field(s, "name") : s->id);
	report_add_str(t, s->id);
	report_add_str(t, report_industry_title(c->p, field(s, "industry")));
	report_add_str(t, field(s, "pollutants"));
	report_add_str(t, field(s, "reason"));
	report_add_str(t, report_measure_title(store_subject_field(s, "measure")));
	report_add_str(t, field(s, "rectify_by"));
	report_add_str(t, "");
	report_add_str(t, "");
	report_add_str(t, field(s, "responsible_unit"));
	report_add_str(t, field(s, "responsible_person"));
	return 0;
}

int
report_task_form(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                 const struct store_task *task, struct report_form *out, struct dberr *e)
{
	const struct plan *p = ep->plan;
	int mi = plan_milestone_index(p, task->milestone);
	const struct plan_milestone *m = mi >= 0 ? &p->milestones[mi] : NULL;
	struct report_table t;
	struct store_subject j;
	struct dberr ignored;
	char period[64], deadline[WORDS_DEADLINE_MAX], label[64];
	const char *jur_name = task->jurisdiction;
	char *name;
	bool have_j;
	int rc;

	if (m == NULL || m->form == PLAN_FORM_NONE)
		return 1;
	dberr_clear(&ignored);
	have_j = store_subject_get(txn, STORE_JURISDICTION, task->jurisdiction, &j, &ignored) == 0;
	if (have_j && store_subject_field(&j, "name"))
		jur_name = store_subject_field(&j, "name");
	words_period_zh(m, task->period, period, sizeof(period));
	words_deadline_zh(ep->tz, task->deadline, deadline);
	name = report_milestone_form_name(m);
	memset(out, 0, sizeof(*out));
	out->title = period[0] ? xasprintf("%s（%s）", name, period) : xstrdup(name);
	milestone_label(m, label, sizeof(label));
	out->filename = xasprintf("%s%s%s_%s%s%s.xlsx", label, label[0] ? "_" : "", name, jur_name,
	                          period[0] ? "_" : "", period);
	if (m->form == PLAN_FORM_ANNEX3) {
		static const unsigned none[9] = {0};

		report_annex3_table(&t, out->title);
		/* the jurisdiction's row with its name only: every figure is the county's */
		report_annex3_row(&t, jur_name, none);
		for (size_t c = 1; c < t.ncols; c++) {
			free(t.cells[c].s);
			t.cells[c] = (struct report_cell){REPORT_STR, xstrdup(""), 0, 0};
		}
		rc = 0;
	} else {
		struct ent_ctx c = {p, task->jurisdiction, jur_name, &t, 0};

		report_annex4_table(&t, out->title);
		rc = store_subject_each(txn, STORE_ENTERPRISE, ent_cb, &c, e);
	}
	if (rc == 0) {
		/* the sheet as the title numbers the annex, never Changji's 附件3 for another's */
		free(t.sheet);
		t.sheet = label[0] ? xstrdup(label)
		                   : xstrdup(m->form == PLAN_FORM_ANNEX3 ? "汇总表" : "明细表");
		report_table_area_head(&t, m->form == PLAN_FORM_ANNEX3 ? 0 : 1,
		                       report_area_word(p, &engine_config(en)->issuer));
		t.note = xasprintf("填表说明：本表填写%s的情况，加盖公章后于%s前报送%s。",
		                   period[0] ? period : "本期", deadline,
		                   m->submit_to >= 0 ? p->roles[m->submit_to].title : "发文单位");
		rc = report_xlsx_bytes(&t, &out->xlsx, e);
	}
	report_table_release(&t);
	free(name);
	if (have_j)
		store_subject_release(&j);
	if (rc != 0)
		report_form_release(out);
	return rc;
}

char *
report_milestone_form_name(const struct plan_milestone *m)
{
	static const char *const marks[] = {"（附件", "(附件", "（见附件", "(见附件"};
	size_t n = strlen(m->title);

	/* "全州10个行业超标企业清理汇总表（附件3）": the annex number is the file's, not the
	 * table's name */
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		const char *at = strstr(m->title, marks[i]), *rest;

		if (at == NULL || at == m->title)
			continue;
		rest = at + strlen(marks[i]);
		/* only a last bracket that closes the title: "（附件3）" at its end */
		if (strstr(rest, "（") == NULL && strchr(rest, '(') == NULL &&
		    ((n >= 3 && strcmp(m->title + n - 3, "）") == 0) || m->title[n - 1] == ')'))
			return xstrndup(m->title, (size_t)(at - m->title));
	}
	return xstrdup(m->title);
}

char *
report_form_name(const struct plan *p, int form)
{
	for (size_t i = 0; i < p->nmilestones; i++)
		if ((int)p->milestones[i].form == form)
			return report_milestone_form_name(&p->milestones[i]);
	return xstrdup(form == PLAN_FORM_ANNEX4 ? "超标企业清理明细表" : "超标企业清理汇总表");
}

/* The label of one milestone's title: "全市陶瓷行业超标企业清理汇总表（附件1）" -> "附件1". */
static void
milestone_label(const struct plan_milestone *m, char *out, size_t n)
{
	char *name = report_milestone_form_name(m);
	size_t nl = strlen(name), tl = strlen(m->title);
	const char *at = m->title + nl;

	out[0] = '\0';
	/* what the name left out: "（附件1）", "(附件1)", "（见附件1）" */
	if (nl < tl) {
		const char *s = strstr(at, "附件");
		size_t len;

		if (s != NULL) {
			len = strcspn(s, "）)");
			if (len < n)
				snprintf(out, n, "%.*s", (int)len, s);
		}
	}
	free(name);
}

void
report_form_label(const struct plan *p, int form, char *out, size_t n)
{
	out[0] = '\0';
	for (size_t i = 0; i < p->nmilestones; i++)
		if ((int)p->milestones[i].form == form) {
			milestone_label(&p->milestones[i], out, n);
			return;
		}
}

const char *
report_area_word(const struct plan *p, const struct plan_issuer *defaults)
{
	if (p != NULL && p->issuer.area != NULL)
		return p->issuer.area;
	if (defaults != NULL && defaults->area != NULL)
		return defaults->area;
	return "地区";
}

void
report_table_area_head(struct report_table *t, size_t col, const char *word)
{
	if (col >= t->ncols)
		return;
	free(t->head[col]);
	t->head[col] = xstrdup(word);
}

char *
report_form_sheet(const struct plan *p, int form)
{
	char label[64];

	report_form_label(p, form, label, sizeof(label));
	if (label[0])
		return xstrdup(label);
	return xstrdup(form == PLAN_FORM_ANNEX4 ? "明细表" : "汇总表");
}

void
report_form_release(struct report_form *f)
{
	free(f->title);
	free(f->filename);
	buf_release(&f->xlsx);
	memset(f, 0, sizeof(*f));
}
