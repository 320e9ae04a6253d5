/*
 * annex_import.c - `dabiao import-annex`: a county's own Annex 3 or Annex 4 table (the form
 * dabiao sent it, filled in and saved as CSV) checked and recorded against the task that
 * hands it in, as one `annex.report` audit record. The table is the county's hand-in: a task
 * still waiting for it is submitted in the same transaction, received when the detachment
 * says it was (`--at`, else now), so a county that sent its table is not chased for it; a
 * task already handed in keeps its state and the table corrects the one on record. The
 * reports show the county's figures beside dabiao's and flag the differences
 * (docs/reports.md, "The counties' own figures").
 *
 * The file is checked whole before anything is written; the first bad row or field is
 * DB_EDATA at FILE:LINE:COLUMN with the row and column as the spreadsheet shows them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/num.h"
#include "base/sha256.h"
#include "base/utf8.h"
#include "base/hmap.h"
#include "base/xalloc.h"
#include "engine/report/report.h"
#include "engine/sched/sched.h"
#include "time/calendar.h"
#include "time/tz.h"
#include "workflows/parse/csv.h"
#include "workflows/parse/registry.h"
#include "workflows/parse/xlsx.h"

/* A county's table is a sheet of a few hundred rows at most; 16 MiB is about 90,000
 * Annex 4 rows, kept whole in one audit record (docs/reports.md gives the cap). A larger
 * file is not a county's form: a whole workbook's export or another table. In a workbook
 * the cap holds for the parts read (the sheet, its strings and styles, as stored) and the
 * cells' text (xlsx.h), not for the file: */
#define ANNEX_FILE_MAX ((size_t)16 << 20)
/* ... which may hold pictures besides: the photo of the stamped form that the form's
 * 填表说明 asks for ("加盖公章后…报送") is 3-8 MiB from a phone (review12x, M4). */
#define ANNEX_WORKBOOK_MAX ((size_t)64 << 20)

/* The form's columns (report_annex3_table / report_annex4_table), which the header row
 * must name in this order; 完成率 is computed, never read. */
static const char *const annex3_cols[] = {
	"县市、园区", "超标企业基数（家）", "限期整改（家）", "挂牌督办（家）", "淘汰关闭（家）",
	"已完成清理（家）", "整治中（家）", "未启动（家）", "逾期未完成（家）", "完成率（%）"};
static const char *const annex4_cols[] = {
	"序号", "县市、园区", "企业名称", "统一社会信用代码", "行业", "主要污染物", "超标原因",
	"清理措施", "整改时限", "月末状态", "完成日期", "责任单位", "责任人"};
#define N3 (sizeof(annex3_cols) / sizeof(annex3_cols[0]))
#define N4 (sizeof(annex4_cols) / sizeof(annex4_cols[0]))

static const char *const measure_words[] = {"限期整改", "挂牌督办", "淘汰关闭", NULL};
static const char *const state_words[] = {"未启动", "整治中", "已整改验收", "已淘汰关闭",
                                          "已完成", "逾期未完成", NULL};

struct annex_file {
	struct csv_reader rd;
	const char *const *cols;
	size_t ncols;
	size_t row;           /* data row, 1-based; 0 in the header */
	int form;
	int sy, smo, sline;   /* the period the form states (title, 填表说明); sline 0: none */
};

/* The credit codes of an Annex 4 read so far, to find one listed twice in one look each:
 * a scan of the rows before it made the check grow with the square of the rows (40k rows
 * 11 s, 90k 150 s; tests/bench/annex_scale.sh). */
struct annex_codes {
	struct hmap at;       /* code -> its data row (1-based); keys are v's strings */
	char **v;             /* owned copies */
	size_t n, cap;
};

static void
codes_release(struct annex_codes *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i]);
	free(c->v);
	hmap_release(&c->at);
}


/* where()'s column index for a fault of the whole row (its number of fields), which no one
 * column holds */
#define ROW_ITSELF ((size_t)-1)

static const char *
where(void *arg, size_t idx, char *out, size_t n)
{
	const struct annex_file *a = arg;

	if (a->row == 0)
		snprintf(out, n, "header, column %zu", idx + 1);
	else if (idx == ROW_ITSELF)
		snprintf(out, n, "row %zu", a->row);
	else if (a->cols != NULL && idx < a->ncols)
		snprintf(out, n, "row %zu, column '%s'", a->row, a->cols[idx]);
	else
		snprintf(out, n, "row %zu, column %zu", a->row, idx + 1);
	return out;
}

static bool
one_of(const char *v, const char *const *words)
{
	for (size_t i = 0; words[i]; i++)
		if (strcmp(v, words[i]) == 0)
			return true;
	return false;
}

/* Lines under the table that the form itself has (填报单位, 填报人, 填表说明) or a total
 * row: the table ends there. */
static bool
footer(const char *first)
{
	return strncmp(first, "填报单位", strlen("填报单位")) == 0 ||
	       strncmp(first, "填报人", strlen("填报人")) == 0 ||
	       strncmp(first, "填表说明", strlen("填表说明")) == 0 ||
	       strncmp(first, "统计口径", strlen("统计口径")) == 0 || strcmp(first, "合计") == 0;
}

/* The period a line of the form states, as dabiao wrote it: the title's last （…）
 * ("…汇总表（2017年6月）", "…明细表（2017年5—6月）") or 填表说明's "本表填写2017年6月的情况".
 * The month is the last "M月" in it, the year the last "YYYY年" before that. False when the
 * line states none. */
static bool
stated_month(const char *text, int *y, int *mo)
{
	const char *from = NULL, *to = NULL, *p;
	int yy = 0, mm = 0;

	if ((p = strstr(text, "本表填写")) != NULL) {
		from = p + strlen("本表填写");
		to = strstr(from, "的情况");
	} else {
		for (p = text; (p = strstr(p, "（")) != NULL; p += strlen("（"))
			from = p + strlen("（");
		to = from ? strstr(from, "）") : NULL;
	}
	if (from == NULL || to == NULL)
		return false;
	for (p = from; p < to; p++) {
		const char *q = p;
		int n = 0, digits = 0;

		if (*p < '0' || *p > '9' || (p > from && p[-1] >= '0' && p[-1] <= '9'))
			continue;
		for (; q < to && *q >= '0' && *q <= '9' && digits < 5; q++, digits++)
			n = n * 10 + (*q - '0');
		if (digits == 4 && strncmp(q, "年", strlen("年")) == 0)
			yy = n;
		else if (digits <= 2 && n >= 1 && n <= 12 && strncmp(q, "月", strlen("月")) == 0 &&
		         yy != 0)
			mm = n;
	}
	if (yy == 0 || mm == 0)
		return false;
	*y = yy, *mo = mm;
	return true;
}

/* The months a sheet's name names, each (year or 0, month) into out (at most max): 2017年6月,
 * 2017年06月, 2017-06, 2017.06, 2017/06, 2017_06, 201706, or the month alone (6月, the 6 of
 * 5—6月: a workbook of one year's sheets), never inside a longer number (16月, 2017-061).
 * Returns how many. */
static size_t
name_months(const char *s, int out[][2], size_t max)
{
	size_t k = 0;
	int yy = 0;

	for (const char *p = s; *p && k < max; p++) {
		const char *q = p;
		int n = 0, digits = 0;

		if (*p < '0' || *p > '9' || (p > s && p[-1] >= '0' && p[-1] <= '9'))
			continue;
		for (; *q >= '0' && *q <= '9'; q++, digits++)
			n = digits < 9 ? n * 10 + (*q - '0') : n;
		if (digits == 6 && n / 100 >= 1900 && n % 100 >= 1 && n % 100 <= 12) {
			out[k][0] = n / 100, out[k++][1] = n % 100;
		} else if (digits == 4 && strncmp(q, "年", strlen("年")) == 0) {
			yy = n;
		} else if (digits == 4 && q[0] && strchr("-./_", q[0]) && q[1] >= '0' && q[1] <= '9') {
			int m = q[1] - '0';

			if (q[2] >= '0' && q[2] <= '9')
				m = m * 10 + (q[2] - '0');
			if ((q[2] < '0' || q[2] > '9' || q[3] < '0' || q[3] > '9') && m >= 1 && m <= 12)
				out[k][0] = n, out[k++][1] = m;
		} else if (digits <= 2 && n >= 1 && n <= 12 && strncmp(q, "月", strlen("月")) == 0) {
			out[k][0] = yy, out[k++][1] = n;
		}
		p = q - 1;
	}
	return k;
}

/* Whether a sheet's name names month y-mo (name_months; a month without a year is any
 * year's). */
static bool
name_names_month(const char *s, int y, int mo)
{
	int named[16][2];
	size_t k = name_months(s, named, 16);

	for (size_t i = 0; i < k; i++)
		if (named[i][1] == mo && (named[i][0] == 0 || named[i][0] == y))
			return true;
	return false;
}

/* A month the sheet's name names outside the n months ending y-mo that the table covers,
 * when it names none inside them: true with it in *oy (0: no year) and *om. A county's
 * sheet named 7月 read as June's table (review12z, Z9) is a slip of --month, or of the
 * sheet, that the name shows when the title rows are gone. */
static bool
name_names_other_month(const char *s, int y, int mo, int n, int *oy, int *om)
{
	int named[16][2];
	size_t k = name_months(s, named, 16);
	bool other = false;

	for (size_t i = 0; i < k; i++) {
		bool inside = false;

		for (int j = 0; j < n && !inside; j++) {
			int t = y * 12 + (mo - 1) - j;

			inside = named[i][1] == t % 12 + 1 && (named[i][0] == 0 || named[i][0] == t / 12);
		}
		if (inside)
			return false;
		if (!other)
			other = true, *oy = named[i][0], *om = named[i][1];
	}
	return other;
}

/* csv_sheet_choice.names_it: the sheet whose name names the --month, or whose rows state
 * it as the form does (its title …（2017年6月）, its 填表说明 本表填写2017年6月的情况) */
static bool
sheet_names_month(const char *sheet, const struct csv_record *rows, size_t nrows, void *arg)
{
	const int *ym = arg;
	int y, mo;

	if (name_names_month(sheet, ym[0], ym[1]))
		return true;
	for (size_t i = 0; i < nrows; i++)
		if (rows[i].n > 0 && stated_month(rows[i].f[0].text, &y, &mo))
			return y == ym[0] && mo == ym[1];
	return false;
}

/* Keeps the first period the form states, and where. */
static void
note_period(struct annex_file *a, const struct csv_record *r)
{
	if (a->sline == 0 && r->n > 0 && stated_month(r->f[0].text, &a->sy, &a->smo))
		a->sline = r->line;
}

struct annex_req {
	struct engine *en;
	const struct engine_plan *ep;
	const char *path, *jur, *by, *month;
	const char *sheet;    /* --sheet, or NULL */
	int y, mo;
	int64_t at;           /* received: the caller's time, or the clock's in the txn */
	bool at_given, backdated, dry;
	bool web;             /* a web hand-in (sched_annex_handin): the month is the task's */
	bool no_header;       /* check_file found no header row: not the form at all */
	struct annex_import_result *res;
	struct store_txn *txn;
	/* filled by the check */
	const char *jname;    /* the jurisdiction's name in the registry (txn lifetime) */
	char *jname_then;     /* its name at the month's end, when a rename since changed it:
	                         the form dabiao sent then says that one; owned */
	bool then_read;
	struct buf rows;      /* the table as tab-separated lines */
	char *key;            /* the task */
	char sha[SHA256_HEX_SIZE];
};

/* Whether s is a number typed with an input method in full-width mode ('３', '１２'): its
 * digits then in half-width into out (n bytes), as the credit code's message gives them
 * (review13f C9); else false and out empty. Cannot fail. */
static bool
half_width(const char *s, char *out, size_t n)
{
	size_t len = strlen(s), o = 0, k;
	bool wide = false;
	uint32_t cp;

	out[0] = '\0';
	for (size_t i = 0; i < len; i += k) {
		if ((k = utf8_decode(s + i, len - i, &cp)) == 0 || o + 1 >= n)
			return false;
		if (cp >= 0xFF10 && cp <= 0xFF19)
			wide = true, cp -= 0xFF10 - '0';
		if (cp < '0' || cp > '9')
			return false;
		out[o++] = (char)cp;
	}
	out[wide ? o : 0] = '\0';
	return wide;
}

static int
note_rename(const struct store_audit *a, void *arg)
{
	struct report_history *h = arg;

	report_history_note(h, a);
	return 0;
}

/* Whether name is what the jurisdiction was called at the end of the month the table
 * covers: a county renamed in the registry since fills in the form it was sent, with the
 * old name (review 12c, L2: it was refused as "not 昌吉市（新）"). Read once, on the first
 * row whose name is not the current one. */
static bool
former_name(struct annex_req *q, const char *name)
{
	if (!q->then_read) {
		struct report_history h = {0};
		struct dberr ignored;
		int ny = q->y + q->mo / 12, nm = q->mo % 12 + 1;
		int64_t end = tz_local_to_utc(q->ep->tz, cal_days_from_civil(ny, nm, 1), 0) - 1;
		const char *v;
		bool known;

		q->then_read = true;
		dberr_clear(&ignored);
		if (store_audit_each(q->txn, 1, note_rename, &h, &ignored) == 0) {
			report_history_seal(&h);
			v = report_history_at(&h, q->jur, "name", end, &known);
			if (known && v != NULL)
				q->jname_then = xstrdup(v);
		}
		report_history_release(&h);
	}
	return q->jname_then != NULL && strcmp(name, q->jname_then) == 0;
}

/* Annex 4's free-text columns, where staff wrap long text with Alt+Enter (主要污染物,
 * 超标原因); every other column holds a name, a code, a word of a list, a number or a
 * date, where a line break inside is a slip to be named. */
static bool
free_text(const struct annex_file *a, size_t i)
{
	return a->form == PLAN_FORM_ANNEX4 && (i == 5 || i == 6);
}

static bool
line_break(char ch)
{
	return ch == '\r' || ch == '\n';
}

/* A line break typed in a cell (Alt+Enter, review12x m1): at its ends, where the cell does
 * not show it, a blank like the spaces around it, trimmed; inside a free-text column one
 * space with the blanks around it (the record keeps a row on one line). Anywhere else it
 * stays, for check_row to name. Linear in the text. */
static void
line_breaks(char *s, bool fold)
{
	size_t a = 0, b = strlen(s), w = 0, lead, end;
	bool moved = true;

	while (moved) {
		utf8_trim_span(s + a, b - a, &lead, &end);
		b = a + end, a += lead;
		moved = false;
		for (; a < b && line_break(s[a]); a++)
			moved = true;
		for (; b > a && line_break(s[b - 1]); b--)
			moved = true;
	}
	for (size_t i = a; i < b;) {
		if (fold && line_break(s[i])) {
			while (w > 0 && (s[w - 1] == ' ' || s[w - 1] == '\t'))
				w--;
			while (i < b && (line_break(s[i]) || s[i] == ' ' || s[i] == '\t'))
				i++;
			s[w++] = ' ';
		} else {
			s[w++] = s[i++];
		}
	}
	s[w] = '\0';
}

static int
check_row(struct annex_req *q, struct annex_file *a, struct csv_record *r,
          struct annex_codes *codes, struct dberr *e)
{
	char why[640]; /* a date's message echoes the cell (csv_date) */
	size_t first;
	uint64_t v[N3];
	size_t last = r->n;

	/* trailing empty columns, as spreadsheets export them, are no columns */
	while (last > a->ncols && csv_trim(r->f[last - 1].text)[0] == '\0')
		last--;
	if (last != a->ncols && !(a->form == PLAN_FORM_ANNEX3 && last == N3 - 1)) {
		/* a count of the row, not a fault of its first column (review 12c, L9): said of
		 * the row, with the column where it ends or overflows */
		if (last < a->ncols)
			snprintf(why, sizeof(why), "%zu fields, but the header has %zu columns: the row "
			         "ends at column '%s' (a cell left out, or two merged?)", last,
			         a->ncols, a->cols[last > 0 ? last - 1 : 0]);
		else
			snprintf(why, sizeof(why), "%zu fields, but the header has %zu columns: data "
			         "beyond the last column '%s' (a cell split in two, or a note beside "
			         "the table?)", last, a->ncols, a->cols[a->ncols - 1]);
		return csv_field_error(&a->rd, &r->f[last > 0 ? last - 1 : 0], ROW_ITSELF, e, why);
	}
	for (size_t i = 0; i < last; i++) {
		const char *lb;
		int rc;

		/* 完成率 is computed, never read: whatever the county's sheet holds there (a
		 * formula saved without its value, as programs write it) is not checked */
		if (a->form == PLAN_FORM_ANNEX3 && i == N3 - 1)
			continue;
		if (utf8_valid(r->f[i].text, strlen(r->f[i].text)) == strlen(r->f[i].text))
			line_breaks(r->f[i].text, free_text(a, i));
		lb = strpbrk(r->f[i].text, "\r\n");
		/* a line break typed inside a cell (Alt+Enter) that is not free text: the form's
		 * cells hold one line; the registry's hint (a free attribute may hold one) does
		 * not apply here */
		if (lb != NULL && utf8_valid(r->f[i].text, strlen(r->f[i].text)) ==
		                  strlen(r->f[i].text)) {
			snprintf(why, sizeof(why), "a line break inside the cell at character %zu "
			         "(Alt+Enter in the spreadsheet?): this column holds one line (only "
			         "主要污染物 and 超标原因 may wrap); remove it",
			         utf8_count(r->f[i].text, (size_t)(lb - r->f[i].text)) + 1);
			return csv_field_error(&a->rd, &r->f[i], i, e, why);
		}
		/* 主要污染物 and 超标原因 are the registry's free attributes, up to 4,000
		 * characters there and in the form dabiao sends (review12z, Z2): the form's own
		 * text comes back whole */
		if ((rc = csv_check_text(&a->rd, &r->f[i], i, false,
		                         free_text(a, i) ? UTF8_PARA_MAX : UTF8_LINE_MAX, e)) != 0)
			return rc;
		csv_trim(r->f[i].text);
	}
	const char *jcol = r->f[a->form == PLAN_FORM_ANNEX3 ? 0 : 1].text;
	size_t ji = a->form == PLAN_FORM_ANNEX3 ? 0 : 1;

	if (strcmp(jcol, q->jname) != 0 && strcmp(jcol, q->jur) != 0 && !former_name(q, jcol)) {
		snprintf(why, sizeof(why), "'%s' is not %s (--jurisdiction %s): a county reports "
		         "its own table", jcol, q->jname, q->jur);
		return csv_field_error(&a->rd, &r->f[ji], ji, e, why);
	}
	if (a->form == PLAN_FORM_ANNEX3) {
		for (size_t i = 1; i < N3 - 1; i++)
			if (!num_u64_in(r->f[i].text, 0, 1000000, &v[i])) {
				char half[32];
				bool wide = half_width(r->f[i].text, half, sizeof(half));

				snprintf(why, sizeof(why), "'%s' is not a whole number of enterprises%s%s%s",
				         r->f[i].text, wide ? " (full-width digits: type it in half-width "
				         "digits, '" : "", half, wide ? "')" : "");
				return csv_field_error(&a->rd, &r->f[i], i, e, why);
			}
		/* the table's own arithmetic: 基数 = 已完成 + 整治中 + 未启动 + 逾期未完成, and no
		 * more enterprises under a measure than the base */
		if (v[1] != v[5] + v[6] + v[7] + v[8]) {
			snprintf(why, sizeof(why), "超标企业基数 %" PRIu64 " is not 已完成清理 + 整治中 + "
			         "未启动 + 逾期未完成 = %" PRIu64 " + %" PRIu64 " + %" PRIu64 " + %" PRIu64
			         " = %" PRIu64, v[1], v[5], v[6], v[7], v[8], v[5] + v[6] + v[7] + v[8]);
			return csv_field_error(&a->rd, &r->f[1], 1, e, why);
		}
		if (v[2] + v[3] + v[4] > v[1]) {
			snprintf(why, sizeof(why), "限期整改 + 挂牌督办 + 淘汰关闭 = %" PRIu64 " is more "
			         "than 超标企业基数 %" PRIu64, v[2] + v[3] + v[4], v[1]);
			return csv_field_error(&a->rd, &r->f[2], 2, e, why);
		}
		for (size_t i = 0; i < N3 - 1; i++)
			buf_printf(&q->rows, "%s%s", i ? "\t" : "", i ? r->f[i].text : q->jname);
		buf_putc(&q->rows, '\n');
		return 0;
	}
	/* Annex 4: one enterprise a row */
	if (r->f[0].text[0] && !num_u64_in(r->f[0].text, 1, 1000000, &v[0]))
		return csv_field_error(&a->rd, &r->f[0], 0, e, "序号 is a row number (1, 2, …)");
	if (r->f[2].text[0] == '\0')
		return csv_field_error(&a->rd, &r->f[2], 2, e, "the enterprise's name is missing");
	if (!registry_credit_code_valid(r->f[3].text)) {
		snprintf(why, sizeof(why), "'%s' is not a unified social credit code (18 "
		         "characters, GB 32100-2015, its last one a check character)", r->f[3].text);
		return csv_field_error(&a->rd, &r->f[3], 3, e, why);
	}
	if (hmap_get(&codes->at, r->f[3].text, &first)) {
		snprintf(why, sizeof(why), "enterprise %s is listed twice (first in row %zu)",
		         r->f[3].text, first);
		return csv_field_error(&a->rd, &r->f[3], 3, e, why);
	}
	codes->v = xgrow(codes->v, &codes->cap, codes->n + 1, sizeof(*codes->v));
	codes->v[codes->n] = xstrdup(r->f[3].text);
	hmap_put(&codes->at, codes->v[codes->n++], a->row);
	if (r->f[7].text[0] && !one_of(r->f[7].text, measure_words))
		return csv_field_error(&a->rd, &r->f[7], 7, e, "清理措施 is one of 限期整改, 挂牌督办, "
		                       "淘汰关闭");
	if (!one_of(r->f[9].text, state_words))
		return csv_field_error(&a->rd, &r->f[9], 9, e, "月末状态 is one of 未启动, 整治中, "
		                       "已整改验收, 已淘汰关闭, 已完成, 逾期未完成");
	/* 整改时限 and 完成日期 as the county's spreadsheet saved them (2017/6/30, 2017年6月30日,
	 * with a time " 0:00": review12z Z8, review12x m2), recorded as YYYY-MM-DD, the form the
	 * reports compare */
	for (size_t i = 8; i <= 10; i += 2) {
		int32_t day;
		char iso[16];

		if (r->f[i].text[0] == '\0')
			continue;
		if (csv_date(r->f[i].text, &day, why, sizeof(why)) != 0)
			return csv_field_error(&a->rd, &r->f[i], i, e, why);
		cal_format_date(day, iso);
		free(r->f[i].text);
		r->f[i].text = xstrdup(iso);
	}
	for (size_t i = 1; i < N4; i++)
		buf_printf(&q->rows, "%s%s", i > 1 ? "\t" : "", i == 1 ? q->jname : r->f[i].text);
	buf_putc(&q->rows, '\n');
	return 0;
}

/* A spreadsheet set to a European list separator saves "CSV" with semicolons: its header
 * would be refused as "text after the closing quote" or one long first column, which does
 * not say what to change (review 12c, L9). Found by the form's first column title followed
 * by a semicolon, on any line. */
static int
semicolons(const char *path, const char *data, size_t len, struct dberr *e)
{
	static const char *const heads[] = {"县市、园区;", "县市、园区\";", "序号;", "序号\";"};
	int line = 1;

	for (size_t ls = 0; ls < len; line++) {
		const char *nl = memchr(data + ls, '\n', len - ls);
		size_t i = ls, end = nl ? (size_t)(nl - data) : len;

		if (i == 0)
			i = utf8_bom_len(data, len);
		if (i < end && data[i] == '"')
			i++;
		for (size_t k = 0; k < sizeof(heads) / sizeof(heads[0]); k++)
			if (end - i >= strlen(heads[k]) && memcmp(data + i, heads[k], strlen(heads[k])) == 0)
				return dberr_at(e, DB_EDATA, path, line, 1, "the header's fields are "
				                "separated by ';', not ','; save the sheet as \"CSV UTF-8\" "
				                "with commas (in LibreOffice/WPS choose ',' as the field "
				                "delimiter; in Excel set the list separator to ',')");
		ls = end + 1;
	}
	return 0;
}

/* The whole file, checked: the header row (rows above it, the form's title, are skipped),
 * then the data rows, blank rows among them skipped, up to the form's lines under the table
 * (填报单位, 填报人, 填表说明, 统计口径, a 合计 row) or the file's end; under those, a row
 * with data in any cell but the first is refused. */
/* Whether h heads the form's jurisdictions column: the word the plan's forms print there
 * (issuer.area, report_area_word), or either built-in one (县市、园区, 地区), so that a form
 * sent before a plan named its word is still read. */
static bool
area_head(const struct annex_req *q, const char *h)
{
	return strcmp(h, "县市、园区") == 0 || strcmp(h, "地区") == 0 ||
	       strcmp(h, report_area_word(q->ep->plan, &engine_config(q->en)->issuer)) == 0;
}

static int
check_file(struct annex_req *q, const char *data, size_t len, int *form, size_t *nrows,
           struct dberr *e)
{
	struct annex_file a = {0};
	struct csv_record r = {NULL, 0, 0, 0};
	struct annex_codes codes = {HMAP_INIT, NULL, 0, 0};
	struct csv_sheet_choice ch = {0};
	int ym[2] = {q->y, q->mo};
	char why[320], what[64];
	int rc, end_line = 0;

	snprintf(what, sizeof(what), "%s %s (%d年%d月)", q->web ? "the task's month" : "--month",
	         q->month, q->y, q->mo);

	if (len == 0)
		return dberr_at(e, DB_EDATA, q->path, 0, 0, "the file is empty (0 bytes): it was "
		                "not saved, or not copied or mailed whole; ask for it again");
	ch.sheet = q->sheet;
	ch.names_it = sheet_names_month;
	ch.arg = ym;
	ch.what = what;
	if ((rc = csv_open_sheet(&a.rd, q->path, data, len, ANNEX_FILE_MAX, &ch, e)) != 0)
		return rc;
	if (a.rd.sheet == NULL && (rc = semicolons(q->path, data, len, e)) != 0)
		goto out;
	a.rd.where = where;
	a.rd.where_arg = &a;
	for (;;) {
		if ((rc = csv_read(&a.rd, &r, e)) < 0)
			goto out;
		if (rc == 0) {
			q->no_header = true;
			rc = dberr_at(e, DB_EDATA, q->path, 1, 1, "no header row: expected a row "
			              "beginning %s (Annex 3) or 序号 (Annex 4), as the form has%s%s%s",
			              report_area_word(q->ep->plan, &engine_config(q->en)->issuer),
			              a.rd.sheet ? " (in sheet '" : "", a.rd.sheet ? a.rd.sheet : "",
			              a.rd.sheet ? "', the sheet read: the only visible one with values, "
			              "or the one naming the month; name another with --sheet)" : "");
			goto out;
		}
		/* a GBK file would never show its header: say why at its first field */
		for (size_t i = 0; i < r.n; i++)
			if ((rc = csv_check_text(&a.rd, &r.f[i], i, true, UTF8_PARA_MAX, e)) != 0)
				goto out;
		note_period(&a, &r);
		if (r.n > 0 && area_head(q, csv_trim(r.f[0].text))) {
			a.form = PLAN_FORM_ANNEX3, a.cols = annex3_cols, a.ncols = N3;
			break;
		}
		if (r.n > 0 && strcmp(r.f[0].text, annex4_cols[0]) == 0) {
			a.form = PLAN_FORM_ANNEX4, a.cols = annex4_cols, a.ncols = N4;
			break;
		}
	}
	for (size_t i = 0; i < a.ncols; i++) {
		const char *h = i < r.n ? csv_trim(r.f[i].text) : "";

		if (strcmp(h, a.cols[i]) != 0 &&
		    !(a.form == PLAN_FORM_ANNEX3 && i == N3 - 1 && h[0] == '\0') &&
		    !(i == (a.form == PLAN_FORM_ANNEX3 ? 0u : 1u) && area_head(q, h))) {
			snprintf(why, sizeof(why), "expected column '%s', found '%s' (the form's "
			         "columns, in its order)", a.cols[i], h);
			rc = csv_field_error(&a.rd, &r.f[i < r.n ? i : r.n - 1], i, e, why);
			goto out;
		}
	}
	/* a column the form does not have: refused, as a value under it would be (review12x
	 * m7): the header is the form's, exactly; an empty header cell after it is none */
	for (size_t i = a.ncols; i < r.n; i++)
		if (csv_trim(r.f[i].text)[0] != '\0') {
			snprintf(why, sizeof(why), "'%s' is not a column of the form, whose last is "
			         "'%s' (column %zu): delete that column (notes go outside the file)",
			         r.f[i].text, a.cols[a.ncols - 1], a.ncols);
			rc = csv_field_error(&a.rd, &r.f[i], i, e, why);
			goto out;
		}
	*nrows = 0;
	for (;;) {
		a.row = *nrows + 1;
		if ((rc = csv_read(&a.rd, &r, e)) < 0)
			goto out;
		if (rc == 0)
			break;
		/* a blank row between enterprises is common in a hand-edited sheet: skipped, as
		 * the registry import does; the table ends only at the form's lines */
		if (csv_blank(&r))
			continue;
		if (footer(csv_trim(r.f[0].text))) {
			end_line = r.line;
			note_period(&a, &r);
			break;
		}
		if (a.form == PLAN_FORM_ANNEX3 && *nrows == 1) {
			rc = csv_field_error(&a.rd, &r.f[0], 0, e, "a second row: Annex 3 holds one "
			                     "row, the county's own");
			goto out;
		}
		if ((rc = check_row(q, &a, &r, &codes, e)) != 0)
			goto out;
		++*nrows;
	}
	/* under the table only the form's own lines (one text in the first cell) and blank
	 * rows: a row with data there would be dropped unseen, so it is refused */
	while (end_line > 0) {
		if ((rc = csv_read(&a.rd, &r, e)) < 0)
			goto out;
		if (rc == 0)
			break;
		if (csv_blank(&r) || strcmp(csv_trim(r.f[0].text), "合计") == 0)
			continue;
		note_period(&a, &r);
		for (size_t i = 1; i < r.n; i++)
			if (csv_trim(r.f[i].text)[0] != '\0') {
				size_t first = csv_trim(r.f[0].text)[0] != '\0' ? 0 : i;

				snprintf(why, sizeof(why), "a row with data under the form's lines "
				         "that end the table (from line %d): the table's rows belong "
				         "above them", end_line);
				a.row = *nrows + 1;
				rc = csv_field_error(&a.rd, &r.f[first], first, e, why);
				goto out;
			}
	}
	rc = 0;
	if (a.form == PLAN_FORM_ANNEX3 && *nrows != 1)
		rc = dberr_at(e, DB_EDATA, q->path, r.line ? r.line : 1, 1, "Annex 3 holds one row, "
		              "the county's own; this file has none");
	/* a clerk's slip of a month would file June's table as July's: the form says which */
	else if (a.sline > 0 && (a.sy != q->y || a.smo != q->mo)) {
		/* a workbook's line is named as its cell, as every other message names it */
		if (a.rd.sheet != NULL)
			snprintf(why, sizeof(why), "cell A%d of sheet '%s': ", a.sline, a.rd.sheet);
		else
			why[0] = '\0';
		rc = q->web
		     ? dberr_at(e, DB_EDATA, q->path, a.sline, 1, "%sthe form states the period "
		                "ending %d年%d月, but this task asks for the table of %d年%d月: hand "
		                "in that month's table", why, a.sy, a.smo, q->y, q->mo)
		     : dberr_at(e, DB_EDATA, q->path, a.sline, 1, "%sthe form states the period "
		                "ending %d年%d月, but --month is %s: check --month (the month the "
		                "table covers, the last of a two-month Annex 4)", why, a.sy, a.smo,
		                q->month);
	}
	/* the title rows cleared, the sheet's name still says which month it holds: one named
	 * for another month is refused, unless --sheet chose it (a county may name a sheet for
	 * the month it hands the table in: the officer has read it). On the web the month is
	 * the task's, never typed: a form stating that month is read whatever its sheet is
	 * called (review 11h, T2: a sheet named 9月 for August's table could not be handed in) */
	else if (a.rd.sheet != NULL && q->sheet == NULL && !(q->web && a.sline > 0)) {
		const struct plan_milestone *m = report_form_milestone(q->ep->plan, a.form);
		int n = m && m->due.kind == PLAN_DUE_EVERY && m->due.recur.freq == CAL_MONTH
		        ? m->due.recur.interval : 1, oy, om;
		char named[24];

		if (name_names_other_month(a.rd.sheet, q->y, q->mo, n < 1 ? 1 : n, &oy, &om)) {
			if (oy)
				snprintf(named, sizeof(named), "%d年%d月", oy, om);
			else
				snprintf(named, sizeof(named), "%d月", om);
			rc = q->web
			     ? dberr_set(e, DB_EDATA, "%s: sheet '%s' is named for %s and its title "
			                 "does not state the month, but this task asks for the table of "
			                 "%d年%d月: if it is that month's table, rename the sheet (%d月) "
			                 "or keep the form's title, and hand it in again", q->path,
			                 a.rd.sheet, named, q->y, q->mo, q->mo)
			     : dberr_set(e, DB_EDATA, "%s: sheet '%s' is named for %s, but --month is %s "
			               "(%d年%d月, the month the table covers): check --month; if this "
			               "sheet is %d年%d月's table named otherwise (for the month it was "
			               "handed in), say so with --sheet '%s'", q->path, a.rd.sheet,
			               named, q->month, q->y, q->mo, q->y, q->mo, a.rd.sheet);
		}
	}
	*form = a.form;
out:
	csv_record_release(&r);
	csv_close(&a.rd);
	codes_release(&codes);
	return rc;
}

/* The annex.report record of a checked table: its rows as the reports read them. */
static int
record(struct annex_req *q, int form, size_t nrows, struct dberr *e)
{
	struct buf d = BUF_INIT;
	const char *slash;
	char when[40];
	int rc;

	slash = strrchr(q->path, '/');
	buf_puts(&d, "{\"plan\":");
	buf_json_str(&d, q->ep->plan->id);
	buf_printf(&d, ",\"form\":\"annex%d\",\"month\":", form == PLAN_FORM_ANNEX3 ? 3 : 4);
	buf_json_str(&d, q->month);
	buf_puts(&d, ",\"by\":");
	buf_json_str(&d, q->by);
	buf_puts(&d, ",\"file\":");
	buf_json_str(&d, slash ? slash + 1 : q->path);
	buf_printf(&d, ",\"file_sha256\":\"%s\",\"nrows\":%zu,\"rows\":", q->sha, nrows);
	buf_json_str(&d, buf_str(&q->rows));
	/* when it was received, which decides 迟报 (the record's own time is when it was
	 * entered) */
	tz_format_rfc3339(q->ep->tz, q->at, when);
	buf_printf(&d, ",\"received\":\"%s\",\"backdated\":%s}", when,
	           q->backdated ? "true" : "false");
	rc = engine_audit(q->en, q->txn, "annex.report", q->key, q->jur, "", "", buf_str(&d), e);
	buf_release(&d);
	return rc;
}

static int
import_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct annex_req *q = arg;
	const struct plan_milestone *m;
	const struct plan_lifecycle *lc;
	struct store_subject j;
	struct store_task t = {0};
	struct report_annex_reported rep = {0};
	char *data = NULL;
	size_t len, nrows = 0;
	int form = 0, rc, ny, nm, st;
	const char *to = NULL;
	char when[40];
	int64_t month_end;

	buf_reset(&q->rows);
	q->res->same_as = 0;
	q->txn = txn;
	free(q->jname_then);
	q->jname_then = NULL;
	q->then_read = false;
	free(q->key);
	q->key = NULL;
	rc = store_subject_get(txn, STORE_JURISDICTION, q->jur, &j, e);
	if (rc == DB_ENOTFOUND)
		return dberr_set(e, DB_EDATA, "no jurisdiction '%s' in the registry", q->jur);
	if (rc != 0)
		return rc;
	/* "now" as of this transaction, as `submit` takes it: an `advance` that lapsed the task
	 * while this command waited for the writer's lock makes the hand-in late */
	if (!q->at_given && (rc = engine_clock_txn(q->en, txn, &q->at, e)) != 0)
		goto out;
	q->jname = store_subject_field(&j, "name") ? store_subject_field(&j, "name") : q->jur;
	if ((rc = file_read(q->path, ANNEX_WORKBOOK_MAX, &data, &len, e)) == DB_EDATA) {
		dberr_clear(e); /* only a size is DB_EDATA here: say what to do about it */
		rc = dberr_at(e, DB_EDATA, q->path, 0, 0, "larger than %zu MiB, the most "
		              "import-annex reads: a county's table is one sheet of the form dabiao "
		              "sent, at most %zu MiB as CSV and %zu MiB as a workbook with its "
		              "pictures; remove the pictures from a workbook (a photo of the stamped "
		              "form is a few MiB), or save the sheet as CSV UTF-8",
		              ANNEX_WORKBOOK_MAX >> 20, ANNEX_FILE_MAX >> 20, ANNEX_WORKBOOK_MAX >> 20);
		goto out;
	}
	if (rc == 0 && len > ANNEX_FILE_MAX && !xlsx_is_zip(data, len)) {
		rc = dberr_at(e, DB_EDATA, q->path, 0, 0, "larger than %zu MiB, the most "
		              "import-annex reads (about 90,000 Annex 4 rows): a county's table is one "
		              "sheet of the form dabiao sent, tens or hundreds of rows; check that this "
		              "is that sheet saved as CSV UTF-8, not a whole workbook's export or "
		              "another table", ANNEX_FILE_MAX >> 20);
		goto out;
	}
	if (rc != 0 || (rc = check_file(q, data, len, &form, &nrows, e)) != 0)
		goto out;
	/* a table of a month not yet ended cannot hold its month-end: refused, as the slip it
	 * almost always is (the month is the one the table covers, not the one it is due in);
	 * after the file's check, whose stated period names a slip more exactly */
	ny = q->y + q->mo / 12, nm = q->mo % 12 + 1;
	month_end = tz_local_to_utc(q->ep->tz, cal_days_from_civil(ny, nm, 1), 0);
	if (q->at < month_end) {
		tz_format_rfc3339(q->ep->tz, q->at, when);
		rc = q->at_given
		     ? dberr_set(e, DB_EDATA, "%s: --at %s is before --month %s ended (%04d-%02d-01 "
		                 "00:00): a table of the month cannot have been received then; check "
		                 "--at and --month", q->path, when, q->month, ny, nm)
		     : dberr_set(e, DB_EDATA, "%s: --month %s has not ended yet (the store's clock "
		                 "is before %04d-%02d-01 00:00): a table covers a month that is over; "
		                 "check --month", q->path, q->month, ny, nm);
		goto out;
	}
	m = report_form_milestone(q->ep->plan, form);
	if (m == NULL) {
		rc = dberr_set(e, DB_EDATA, "%s: plan %s has no milestone with `form: annex%d`: no "
		               "task hands this table in", q->path, q->ep->plan->id,
		               form == PLAN_FORM_ANNEX3 ? 3 : 4);
		goto out;
	}
	q->key = report_annex_task_key(q->ep->plan, m, q->jur, q->y, q->mo);
	rc = store_task_get(txn, q->key, &t, e);
	if (rc == DB_ENOTFOUND) {
		dberr_clear(e);
		rc = dberr_set(e, DB_EDATA, "%s: no task of %s hands in %s covering %s (%s is not "
		               "in the store): check --month, the month the table covers", q->path,
		               q->jname, m->title, q->month, q->key);
		goto out;
	}
	if (rc != 0)
		goto out;
	sha256_hex(data, len, q->sha);
	/* the same file again (a clerk's second click, a resent mail) is the table on record:
	 * another record of it would read as a second report (review 12c, L6) */
	if ((rc = report_annex_reported_get(txn, q->key, &rep, e)) != 0)
		goto out;
	q->res->form = form == PLAN_FORM_ANNEX3 ? 3 : 4;
	q->res->rows = nrows;
	if (rep.seq != 0 && rep.sha != NULL && strcmp(rep.sha, q->sha) == 0)
		q->res->same_as = rep.seq;
	else if ((rc = record(q, form, nrows, e)) != 0)
		goto out;
	/* the table is the hand-in (review 12c, L3): a task still waiting for it is
	 * submitted, so it no longer lapses or escalates; the same file again hands in a
	 * task the table on record had not (a store from before this rule) */
	snprintf(q->res->from, sizeof(q->res->from), "%s", t.state);
	snprintf(q->res->to, sizeof(q->res->to), "%s", t.state);
	lc = &q->ep->plan->lifecycles[m->lifecycle];
	st = plan_lifecycle_state(lc, t.state);
	if (st >= 0 && lc->submit_event >= 0 &&
	    lc->table[(size_t)st * lc->nevents + (size_t)lc->submit_event] >= 0) {
		struct task_event_args ta = {.by = q->by, .at = q->at, .backdated = q->backdated,
		                             .file_sha256 = q->sha};

		if ((rc = task_event(q->en, txn, q->key, "submit", &ta, &to, e)) != 0)
			goto out;
		q->res->handed_in = true;
		q->res->late = q->at > t.deadline;
		snprintf(q->res->to, sizeof(q->res->to), "%s", to);
	}
out:
	report_annex_reported_release(&rep);
	free(data);
	store_task_release(&t);
	store_subject_release(&j);
	return rc;
}

int
sched_import_annex(struct engine *en, const struct annex_import_req *req,
                   struct annex_import_result *res, struct dberr *e)
{
	struct annex_req q = {0};
	char tail;
	int rc;

	memset(res, 0, sizeof(*res));
	q.en = en;
	q.path = req->path;
	q.jur = req->jurisdiction;
	q.by = req->by;
	q.month = req->month;
	q.at = req->at;
	q.at_given = req->at_given;
	q.backdated = req->backdated;
	q.dry = req->dry;
	q.sheet = req->sheet;
	q.res = res;
	if (strlen(req->month) != 7 || sscanf(req->month, "%4d-%2d%c", &q.y, &q.mo, &tail) != 2 ||
	    req->month[4] != '-' || !cal_valid_date(q.y, q.mo, 1))
		return dberr_set(e, DB_EUSAGE, "--month must be YYYY-MM (the month the table "
		                 "covers), not '%s'", req->month);
	if (req->plan != NULL) {
		if ((q.ep = engine_plan_find(en, req->plan)) == NULL)
			return dberr_set(e, DB_EDATA, "no plan '%s' in the store", req->plan);
	} else {
		for (size_t i = 0; i < engine_nplans(en); i++) {
			const struct engine_plan *ep = engine_plan_at(en, i);

			if (report_form_milestone(ep->plan, PLAN_FORM_ANNEX3) == NULL &&
			    report_form_milestone(ep->plan, PLAN_FORM_ANNEX4) == NULL)
				continue;
			if (q.ep != NULL)
				return dberr_set(e, DB_EUSAGE, "several plans have Annex 3/4 tables; "
				                 "name one with --plan");
			q.ep = ep;
		}
		if (q.ep == NULL)
			return dberr_set(e, DB_EDATA, "no plan in the store has a milestone with "
			                 "`form: annex3` or `form: annex4`");
	}
	rc = (req->dry ? engine_write_dry : engine_write)(en, import_txn, &q, e);
	if (rc == 0) {
		snprintf(res->task, sizeof(res->task), "%s", q.key);
		memcpy(res->sha256, q.sha, sizeof(res->sha256));
	}
	free(q.key);
	free(q.jname_then);
	buf_release(&q.rows);
	return rc;
}

/* ---- a web hand-in's table (review 11g, S14) ---- */

/* Whether a file's name says it is a spreadsheet the reader takes: .xlsx or .csv. */
static bool
table_name(const char *name)
{
	size_t n = strlen(name);

	return (n > 5 && strcasecmp(name + n - 5, ".xlsx") == 0) ||
	       (n > 4 && strcasecmp(name + n - 4, ".csv") == 0);
}

int
sched_annex_handin(struct engine *en, struct store_txn *txn, const char *key,
                   const struct task_file *files, size_t nfiles, const char *files_dir,
                   const char *by, int64_t at, struct annex_handin_result *res,
                   struct dberr *e)
{
	struct annex_req q = {0};
	struct store_task t = {0};
	struct store_subject j = {0};
	struct report_annex_reported rep = {0};
	struct annex_import_result ires = {0};
	const struct plan_milestone *m;
	char month[16], *data = NULL;
	int mi, rc, y, mo, form = 0;
	size_t len = 0, nrows = 0;
	bool have_j = false, found = false;

	memset(res, 0, sizeof(*res));
	if ((rc = store_task_get(txn, key, &t, e)) != 0)
		return rc;
	q.ep = engine_plan_find(en, t.plan);
	mi = q.ep ? plan_milestone_index(q.ep->plan, t.milestone) : -1;
	m = mi >= 0 ? &q.ep->plan->milestones[mi] : NULL;
	/* only the task that hands in the plan's Annex 3 or 4 (report_form_milestone's), of a
	 * month: any other hand-in's files are documents, never read */
	if (m == NULL || (m->form != PLAN_FORM_ANNEX3 && m->form != PLAN_FORM_ANNEX4) ||
	    report_form_milestone(q.ep->plan, (int)m->form) != m ||
	    sscanf(t.period, "%4d-%2d", &y, &mo) != 2 || !cal_valid_date(y, mo, 1)) {
		rc = 0;
		goto out;
	}
	/* the month the table covers: a `covers: previous` task's is the month before */
	if (m->covers_previous && --mo < 1) {
		mo = 12;
		y--;
	}
	snprintf(month, sizeof(month), "%04d-%02d", y, mo);
	res->form = m->form == PLAN_FORM_ANNEX3 ? 3 : 4;
	rc = store_subject_get(txn, STORE_JURISDICTION, t.jurisdiction, &j, e);
	if (rc == DB_ENOTFOUND) { /* no jurisdiction to read a table for: a document */
		dberr_clear(e);
		rc = 0;
		goto out;
	}
	if (rc != 0)
		goto out;
	have_j = true;
	q.en = en;
	q.jur = t.jurisdiction;
	q.jname = store_subject_field(&j, "name") ? store_subject_field(&j, "name") : q.jur;
	q.by = by;
	q.month = month;
	q.y = y, q.mo = mo;
	q.at = at;
	q.at_given = true;
	q.web = true;
	q.res = &ires;
	q.txn = txn;
	q.key = xstrdup(t.key);
	for (size_t i = 0; i < nfiles; i++) {
		char *path;

		if (files[i].name == NULL || !table_name(files[i].name))
			continue;
		/* the name the county gave it in every message, never the store's path */
		q.path = files[i].name;
		path = xasprintf("%s/%.2s/%s", files_dir, files[i].sha256, files[i].sha256);
		free(data);
		data = NULL;
		rc = file_read(path, ANNEX_WORKBOOK_MAX, &data, &len, e);
		free(path);
		if (rc == DB_EDATA || (rc == 0 && len > ANNEX_FILE_MAX && !xlsx_is_zip(data, len))) {
			dberr_clear(e);
			rc = dberr_set(e, DB_EDATA, "%s: larger than the table reader takes (%zu MiB "
			               "as CSV, %zu MiB as a workbook with its pictures): a county's "
			               "table is one sheet of the form dabiao sent",
			               files[i].name, ANNEX_FILE_MAX >> 20, ANNEX_WORKBOOK_MAX >> 20);
			goto out;
		}
		if (rc != 0)
			goto out;
		buf_reset(&q.rows);
		q.no_header = false;
		if ((rc = check_file(&q, data, len, &form, &nrows, e)) != 0) {
			/* a spreadsheet without the form's header row is another document (a
			 * ledger, a list) handed in beside the table: kept, not read */
			if (q.no_header) {
				dberr_clear(e);
				rc = 0;
				continue;
			}
			/* a workbook's message names the cell and sheet, not the file: the county
			 * may have handed in several */
			if (strncmp(e->msg, files[i].name, strlen(files[i].name)) != 0) {
				char *msg = xstrdup(e->msg);

				dberr_clear(e);
				rc = dberr_set(e, rc, "%s: %s", files[i].name, msg);
				free(msg);
			}
			goto out;
		}
		if (form != (int)m->form) {
			rc = dberr_set(e, DB_EDATA, "%s: this is the Annex %d table, but this task "
			               "hands in Annex %d (%s)", files[i].name,
			               form == PLAN_FORM_ANNEX3 ? 3 : 4, res->form, m->title);
			goto out;
		}
		if (found) {
			rc = dberr_set(e, DB_EDATA, "%s: a second Annex %d table in one hand-in (the "
			               "first: %s): hand in one table", files[i].name, res->form,
			               res->file);
			goto out;
		}
		found = true;
		res->file = files[i].name;
		memcpy(q.sha, files[i].sha256, sizeof(q.sha));
		res->rows = nrows;
		/* the same file again is the table on record (as import-annex: review 12c, L6) */
		report_annex_reported_release(&rep);
		memset(&rep, 0, sizeof(rep));
		if ((rc = report_annex_reported_get(txn, q.key, &rep, e)) != 0)
			goto out;
		if (rep.seq != 0 && rep.sha != NULL && strcmp(rep.sha, q.sha) == 0)
			res->same_as = rep.seq;
		else if ((rc = record(&q, form, nrows, e)) != 0)
			goto out;
	}
	rc = 0;
out:
	report_annex_reported_release(&rep);
	free(data);
	free(q.key);
	free(q.jname_then);
	buf_release(&q.rows);
	if (have_j)
		store_subject_release(&j);
	store_task_release(&t);
	return rc;
}
