/*
 * table_out.c - one writer for every report: tables of typed cells as an aligned text
 * table, CSV or XLSX.
 *
 * CSV is what a county clerk opens in a spreadsheet program: UTF-8 with a byte order mark
 * (without it, the Chinese headers come out as mojibake in the usual GBK-default programs),
 * CRLF line ends and RFC 4180 quoting (buf_csv_field). XLSX goes through libxlsxwriter; the
 * numbers stay numbers, so a supervisor can sum a column again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "engine/report/report.h"

void
report_table_init(struct report_table *t, const char *title, const char *sheet,
                  const char *const *head, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->title = xstrdup(title);
	t->sheet = xstrdup(sheet);
	t->head = xcalloc(ncols, sizeof(*t->head));
	for (size_t i = 0; i < ncols; i++)
		t->head[i] = xstrdup(head[i]);
	t->ncols = ncols;
}

static struct report_cell *
add_cell(struct report_table *t)
{
	t->cells = xgrow(t->cells, &t->capcells, t->ncells + 1, sizeof(*t->cells));
	memset(&t->cells[t->ncells], 0, sizeof(*t->cells));
	return &t->cells[t->ncells++];
}

void
report_add_str(struct report_table *t, const char *s)
{
	struct report_cell *c = add_cell(t);

	c->kind = REPORT_STR;
	c->s = xstrdup(s ? s : "");
}

void
report_add_num(struct report_table *t, double n, int prec)
{
	struct report_cell *c = add_cell(t);

	c->kind = REPORT_NUM;
	c->n = n;
	c->prec = prec;
}

size_t
report_nrows(const struct report_table *t)
{
	return t->ncols ? t->ncells / t->ncols : 0;
}

void
report_table_release(struct report_table *t)
{
	for (size_t i = 0; i < t->ncells; i++)
		free(t->cells[i].s);
	free(t->cells);
	for (size_t i = 0; i < t->ncols; i++)
		free(t->head[i]);
	free(t->head);
	free(t->title);
	free(t->sheet);
	free(t->note);
	memset(t, 0, sizeof(*t));
}

int
report_format_parse(const char *s, enum report_format *out, struct dberr *e)
{
	static const char *const names[] = {"table", "csv", "xlsx"};

	for (int i = 0; i < 3; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum report_format)i;
			return 0;
		}
	return dberr_set(e, DB_EUSAGE, "--format must be table, csv or xlsx, not '%s'", s);
}

/* A cell as text: numbers without a useless ".0". out >= 32 bytes. */
static const char *
cell_text(const struct report_cell *c, char *out)
{
	if (c->kind == REPORT_STR)
		return c->s;
	snprintf(out, 32, "%.*f", c->prec, c->n);
	return out;
}

/* Columns a string takes on a terminal: CJK and full-width forms take two. Not a full
 * wcwidth, but right for the Chinese, ASCII and punctuation the reports hold. */
static size_t
display_width(const char *s)
{
	size_t w = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		unsigned cp;
		int n;

		if (*p < 0x80) {
			cp = *p;
			n = 1;
		} else if ((*p & 0xe0) == 0xc0) {
			cp = *p & 0x1f;
			n = 2;
		} else if ((*p & 0xf0) == 0xe0) {
			cp = *p & 0x0f;
			n = 3;
		} else {
			cp = *p & 0x07;
			n = 4;
		}
		for (int i = 1; i < n; i++)
			cp = p[i] ? (cp << 6) | (p[i] & 0x3f) : cp;
		for (int i = 0; i < n && *p; i++)
			p++;
		w += (cp >= 0x1100 && (cp <= 0x115f || (cp >= 0x2e80 && cp <= 0xa4cf) ||
		                       (cp >= 0xac00 && cp <= 0xd7a3) ||
		                       (cp >= 0xf900 && cp <= 0xfaff) ||
		                       (cp >= 0xfe30 && cp <= 0xfe4f) ||
		                       (cp >= 0xff00 && cp <= 0xff60) ||
		                       (cp >= 0xffe0 && cp <= 0xffe6) || cp >= 0x20000))
		         ? 2 : 1;
	}
	return w;
}

static void
pad(struct buf *b, const char *s, size_t width, bool right)
{
	size_t w = display_width(s);

	if (right)
		for (; w < width; w++)
			buf_putc(b, ' ');
	buf_puts(b, s);
	if (!right)
		for (; w < width; w++)
			buf_putc(b, ' ');
}

static void
text_table(const struct report_table *t, struct buf *b)
{
	size_t *w = xcalloc(t->ncols, sizeof(*w)), nrows = report_nrows(t);
	char num[32];

	for (size_t c = 0; c < t->ncols; c++)
		w[c] = display_width(t->head[c]);
	for (size_t i = 0; i < nrows * t->ncols; i++) {
		size_t dw = display_width(cell_text(&t->cells[i], num));
		if (dw > w[i % t->ncols])
			w[i % t->ncols] = dw;
	}
	buf_printf(b, "%s\n\n", t->title);
	for (size_t c = 0; c < t->ncols; c++) {
		pad(b, t->head[c], c + 1 < t->ncols ? w[c] : 0, false);
		buf_puts(b, c + 1 < t->ncols ? "  " : "\n");
	}
	for (size_t r = 0; r < nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			const struct report_cell *cell = &t->cells[r * t->ncols + c];
			bool last = c + 1 == t->ncols;

			pad(b, cell_text(cell, num), last && cell->kind == REPORT_STR ? 0 : w[c],
			    cell->kind == REPORT_NUM);
			buf_puts(b, last ? "\n" : "  ");
		}
	if (nrows == 0)
		buf_puts(b, "（无）\n");
	if (t->note)
		buf_printf(b, "\n%s\n", t->note);
	free(w);
}

static void
csv_table(const struct report_table *t, struct buf *b)
{
	size_t nrows = report_nrows(t);
	char num[32];

	for (size_t c = 0; c < t->ncols; c++) {
		buf_csv_field(b, t->head[c]);
		buf_puts(b, c + 1 < t->ncols ? "," : "\r\n");
	}
	for (size_t r = 0; r < nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			buf_csv_field(b, cell_text(&t->cells[r * t->ncols + c], num));
			buf_puts(b, c + 1 < t->ncols ? "," : "\r\n");
		}
}

/* Column widths in Excel's character units: a CJK character is about two. */
static void
xlsx_widths(lxw_worksheet *ws, const struct report_table *t)
{
	size_t nrows = report_nrows(t);
	char num[32];

	for (size_t c = 0; c < t->ncols; c++) {
		size_t w = display_width(t->head[c]);

		for (size_t r = 0; r < nrows; r++) {
			size_t dw = display_width(cell_text(&t->cells[r * t->ncols + c], num));
			if (dw > w)
				w = dw;
		}
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, (double)(w > 60 ? 60 : w) + 2,
		                     NULL);
	}
}

static void
xlsx_sheet(lxw_workbook *wb, const struct report_table *t, lxw_format *bold,
           lxw_format *bold1, lxw_format *dec1)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, t->sheet);
	size_t nrows = report_nrows(t);

	worksheet_write_string(ws, 0, 0, t->title, bold);
	for (size_t c = 0; c < t->ncols; c++)
		worksheet_write_string(ws, 1, (lxw_col_t)c, t->head[c], bold);
	for (size_t r = 0; r < nrows; r++) {
		bool total = t->total_row && r + 1 == nrows;

		for (size_t c = 0; c < t->ncols; c++) {
			const struct report_cell *cell = &t->cells[r * t->ncols + c];
			lxw_row_t y = (lxw_row_t)(r + 2);

			if (cell->kind == REPORT_STR)
				worksheet_write_string(ws, y, (lxw_col_t)c, cell->s, total ? bold : NULL);
			else
				worksheet_write_number(ws, y, (lxw_col_t)c, cell->n,
				                       cell->prec ? (total ? bold1 : dec1)
				                                  : (total ? bold : NULL));
		}
	}
	if (t->note)
		worksheet_write_string(ws, (lxw_row_t)(nrows + 3), 0, t->note, NULL);
	xlsx_widths(ws, t);
	worksheet_freeze_panes(ws, 2, 0);
}

static int
write_xlsx(const struct report_table *tables, size_t n, const char *path, struct dberr *e)
{
	lxw_format *bold, *bold1, *dec1;
	lxw_workbook *wb;
	lxw_error err;
	FILE *probe;

	/* libxlsxwriter opens the file only in workbook_close and prints its own message when
	 * it cannot; trying first gives the usual error, with the system's reason, instead */
	if ((probe = fopen(path, "wb")) == NULL)
		return dberr_set(e, DB_ECANTCREAT, "cannot create %s: %s", path, strerror(errno));
	fclose(probe);
	if ((wb = workbook_new(path)) == NULL)
		return dberr_set(e, DB_ECANTCREAT, "cannot create %s", path);
	bold = workbook_add_format(wb);
	format_set_bold(bold);
	bold1 = workbook_add_format(wb);
	format_set_bold(bold1);
	format_set_num_format(bold1, "0.0");
	dec1 = workbook_add_format(wb);
	format_set_num_format(dec1, "0.0");
	for (size_t i = 0; i < n; i++)
		xlsx_sheet(wb, &tables[i], bold, bold1, dec1);
	/* libxlsxwriter writes the file only now, so a full disk or a missing folder shows
	 * here */
	err = workbook_close(wb);
	if (err != LXW_NO_ERROR)
		return dberr_set(e, err == LXW_ERROR_CREATING_XLSX_FILE ? DB_ECANTCREAT : DB_EIO,
		                 "cannot write %s: %s", path, lxw_strerror(err));
	return 0;
}

int
report_write(const struct report_table *tables, size_t ntables, enum report_format f,
             const char *path, struct dberr *e)
{
	struct buf b = BUF_INIT;
	FILE *fp = stdout;
	int rc = 0;

	if (f == REPORT_FMT_XLSX) {
		if (path == NULL)
			return dberr_set(e, DB_EUSAGE, "--format xlsx needs --out FILE");
		return write_xlsx(tables, ntables, path, e);
	}
	if (f == REPORT_FMT_CSV)
		buf_puts(&b, "\xef\xbb\xbf");
	for (size_t i = 0; i < ntables; i++) {
		if (i > 0)
			buf_puts(&b, f == REPORT_FMT_CSV ? "\r\n" : "\n\n");
		if (f == REPORT_FMT_CSV)
			csv_table(&tables[i], &b);
		else
			text_table(&tables[i], &b);
	}
	if (path != NULL && (fp = fopen(path, "wb")) == NULL) {
		rc = dberr_set(e, DB_ECANTCREAT, "cannot create %s: %s", path, strerror(errno));
		goto out;
	}
	if (fwrite(buf_str(&b), 1, b.len, fp) != b.len || fflush(fp) != 0)
		rc = dberr_set(e, DB_EIO, "cannot write %s: %s", path ? path : "standard output",
		               strerror(errno));
	if (path != NULL && fclose(fp) != 0 && rc == 0)
		rc = dberr_set(e, DB_EIO, "cannot write %s: %s", path, strerror(errno));
out:
	buf_release(&b);
	return rc;
}
