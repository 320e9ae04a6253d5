/*
 * calendars.c - how the command line speaks of working-day calendars: the years a
 * calendar file covers, a calendar file's versions (`check FILE`), the calendars a plan
 * uses and what its horizon misses (`check PLAN`), and the one-line notes `status` and
 * the timeline print for dues in a year no calendar covers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "engine/cli/cli.h"

static const char *
plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/* "2007-2026" or "2013-2014, 2016, 2022-2023": the years with a version. */
void
cli_calendar_years(struct buf *b, const struct calfile *f)
{
	size_t start = 0;

	if (f->nversions == 0) {
		buf_puts(b, "no years");
		return;
	}
	for (size_t i = 1; i <= f->nversions; i++) {
		/* versions come by year: a run ends where the next version is not the next year */
		if (i < f->nversions && f->versions[i].year <= f->versions[i - 1].year + 1)
			continue;
		if (start > 0)
			buf_puts(b, ", ");
		if (f->versions[start].year == f->versions[i - 1].year)
			buf_printf(b, "%d", f->versions[start].year);
		else
			buf_printf(b, "%d-%d", f->versions[start].year, f->versions[i - 1].year);
		start = i;
	}
}

/* `check` of a calendar file: one line for the file, one per version. */
void
cli_calendar_file_summary(FILE *out, const struct calfile *f)
{
	struct buf years = BUF_INIT;
	char day[11];

	cli_calendar_years(&years, f);
	fprintf(out, "%s: ok, calendar file%s%s, ", f->name, f->layer_of ? ", a layer on " : "",
	        f->layer_of ? f->layer_of : "");
	if (f->nversions == 0)
		fprintf(out, "no versions yet");
	else
		fprintf(out, "%zu version%s, year%s %s", f->nversions, plural(f->nversions),
		        strpbrk(buf_str(&years), "-,") ? "s" : "", buf_str(&years));
	for (size_t i = 0; i < f->nnot_confirmed; i++)
		fprintf(out, "%s%d", i ? ", " : "; not confirmed: ", f->not_confirmed[i].year);
	fputc('\n', out);
	for (size_t i = 0; i < f->nversions; i++) {
		const struct calfile_version *v = &f->versions[i];
		size_t off, wk, worked;

		calfile_counts(f, v, &off, &wk, &worked);
		cal_format_date(v->published, day);
		fprintf(out, "  %d v%d%s  %zu day%s off (%zu weekday%s), %zu weekend day%s worked  "
		        "%s%s%s%s%s\n", v->year, v->version, v->latest ? " " : "*", off, plural(off),
		        wk, plural(wk), worked, plural(worked), v->number ? v->number : v->title,
		        day[0] ? " " : "", day, v->incomplete ? "  incomplete: " : "",
		        v->incomplete ? v->incomplete : "");
	}
	for (size_t i = 0; i < f->nversions; i++)
		if (!f->versions[i].latest) {
			fprintf(out, "  (* replaced by a later version of its year)\n");
			break;
		}
	buf_release(&years);
}

/* `check` of a plan: the calendars it uses, then a warning per year its horizon reaches
 * that one of them does not cover. Returns the number of warnings. */
size_t
cli_calendar_plan_summary(FILE *out, FILE *warn, const char *file, const struct plan *p)
{
	struct buf b = BUF_INIT;
	size_t own = 0;

	for (size_t i = 0; i < p->nuses; i++) {
		const struct calfile *f = p->uses[i].file;

		buf_reset(&b);
		cli_calendar_years(&b, f);
		fprintf(out, "  calendar %s (%s): %s", f->name, p->uses[i].path, buf_str(&b));
		for (size_t k = 0, n = 0; k < f->nversions; k++)
			if (f->versions[k].latest && f->versions[k].incomplete)
				fprintf(out, "%s%d", n++ ? ", " : "; incomplete: ",
				        f->versions[k].year);
		fputc('\n', out);
	}
	for (size_t i = 0; i < p->nmarks; i++)
		own += p->marks[i].use < 0;
	if (own > 0 || p->nuses == 0)
		fprintf(out, "  calendar of the plan's own: %zu day%s listed\n", own, plural(own));
	buf_release(&b);
	return cli_calendar_gap_warnings(warn, file, p);
}

size_t
cli_calendar_gap_warnings(FILE *warn, const char *file, const struct plan *p)
{
	struct plan_calgap *gaps = NULL;
	struct buf b = BUF_INIT;
	size_t ngaps = 0;
	int32_t first, last;

	if (p->nuses > 0 && plan_due_span(p, &first, &last) == 0)
		ngaps = plan_calendar_gaps(p, first, last, &gaps);
	for (size_t i = 0; i < ngaps; i++) {
		buf_reset(&b);
		cli_calendar_gap_text(&b, p, &gaps[i], false);
		fprintf(warn, "%s: warning: %s\n", file, buf_str(&b));
	}
	free(gaps);
	buf_release(&b);
	return ngaps;
}

void
cli_calendar_gap_text(struct buf *b, const struct plan *p, const struct plan_calgap *g,
                      bool zh)
{
	const struct calfile *f = p->uses[g->use].file;

	/* which dues: the year's, or only those of the end of December before it, which the
	 * year's notice may still move (its 元旦 block, a weekend day worked) */
	if (zh && g->december_only)
		buf_printf(b, "%s：%s 没有%d年的通知（它可能调整%d年年底的日子），%d年12月25日起的"
		           "期限", p->id, f->name, g->year, g->year - 1, g->year - 1);
	else if (zh)
		buf_printf(b, "%s：%s 没有%d年的通知，%d年的期限", p->id, f->name, g->year, g->year);
	else if (g->december_only)
		buf_printf(b, "%s: %s has no %d notice, which may still move days at the end of "
		           "%d: dues from %d-12-25 on", p->id, f->name, g->year, g->year - 1,
		           g->year - 1);
	else
		buf_printf(b, "%s: %s has no %d notice: dues in %d", p->id, f->name, g->year,
		           g->year);
	if (zh && f->layer_of)
		buf_printf(b, "未计入 %s 的假日", f->name);
	else if (zh)
		buf_puts(b, "只按周末计算");
	else if (f->layer_of)
		buf_printf(b, " assume none of %s's days", f->name);
	else
		buf_puts(b, " assume weekends only");
	/* Chinese text carries the file's Chinese reason, never its English one (review
	 * 12c, L13); a file that gives none is pointed at */
	if (zh && calfile_not_confirmed_zh(f, g->year))
		buf_printf(b, "（未确认：%s）", calfile_not_confirmed_zh(f, g->year));
	else if (zh && g->reason)
		buf_printf(b, "（未确认，原因见 %s.yaml 的 not_confirmed）", f->name);
	else if (g->reason)
		buf_printf(b, " (not confirmed: %s)", g->reason);
	else
		buf_printf(b, zh ? "（在 %s.yaml 中补上这一年：docs/plan-format.md, \"Adding a "
		                   "year\"）"
		                 : " (add the year to %s.yaml: docs/plan-format.md, \"Adding a "
		                   "year\")",
		           f->name);
}

void
cli_gap_notes_add(struct cli_gap_notes *n, FILE *out, const struct plan *p, int32_t day)
{
	struct plan_calgap *gaps = NULL;
	size_t ngaps = plan_calendar_gaps(p, day, day, &gaps);
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < ngaps; i++) {
		size_t k;

		for (k = 0; k < n->n; k++)
			if (n->v[k].use == gaps[i].use && n->v[k].year == gaps[i].year &&
			    n->v[k].december_only == gaps[i].december_only &&
			    strcmp(n->v[k].plan, p->id) == 0)
				break;
		if (k < n->n)
			continue;
		n->v = xgrow(n->v, &n->cap, n->n + 1, sizeof(*n->v));
		n->v[n->n++] = (struct cli_gap_note){xstrdup(p->id), gaps[i].use, gaps[i].year,
		                                     gaps[i].december_only};
		buf_reset(&b);
		cli_calendar_gap_text(&b, p, &gaps[i], false);
		if (out != NULL)
			fprintf(out, "note: %s\n", buf_str(&b));
	}
	buf_release(&b);
	free(gaps);
}

void
cli_gap_notes_release(struct cli_gap_notes *n)
{
	for (size_t i = 0; i < n->n; i++)
		free(n->v[i].plan);
	free(n->v);
	memset(n, 0, sizeof(*n));
}
