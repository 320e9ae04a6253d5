/*
 * table_out.c - one writer for every report: tables of typed cells as an aligned text
 * table, CSV or XLSX.
 *
 * CSV is what a county clerk opens in a spreadsheet program: UTF-8 with a byte order mark
 * (without it, the Chinese headers come out as mojibake in the usual GBK-default programs),
 * CRLF line ends and RFC 4180 quoting (buf_csv_field). Its text cells come from 27
 * departments' spreadsheets, so a text cell a spreadsheet would not keep as text is written
 * with a leading apostrophe when a spreadsheet would run it as a formula (csv_text: it starts
 * with = + - @, a tab or a CR; OWASP "CSV injection"), and nothing else is marked, so
 * scripts read the same values as JSON's. Numbers are written as numbers, no value as an
 * empty cell. The csv-excel form is the same CSV for a spreadsheet program, which would
 * also turn a code of digits, leading zeros or a date into a number or a date: such a text
 * cell is written as the text formula ="..." (csv_excel_text), which Excel, WPS and
 * LibreOffice show as the text itself. XLSX goes through
 * libxlsxwriter; text cells are strings, never formulas, and numbers stay numbers, so a
 * supervisor can sum a column again; the sheet prints on A4 landscape with borders, the
 * header repeated on every page, and the 填报单位/填报人/填报日期 lines to sign and stamp.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/memfd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "base/buf.h"
#include "base/outfile.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include "engine/report/report.h"
#include "time/tz.h"
#include "workflows/parse/xlsx.h"

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

void
report_table_keys(struct report_table *t, const char *name, const char *const *keys)
{
	free(t->name);
	t->name = name ? xstrdup(name) : NULL;
	if (t->keys == NULL)
		t->keys = xcalloc(t->ncols, sizeof(*t->keys));
	for (size_t i = 0; i < t->ncols; i++) {
		free(t->keys[i]);
		t->keys[i] = xstrdup(keys[i]);
	}
}

void
report_table_colflags(struct report_table *t, size_t col, unsigned flags)
{
	if (t->colflags == NULL)
		t->colflags = xcalloc(t->ncols, sizeof(*t->colflags));
	t->colflags[col] = flags;
}

static struct report_cell *
add_cell(struct report_table *t, enum report_cell_kind kind)
{
	t->cells = xgrow(t->cells, &t->capcells, t->ncells + 1, sizeof(*t->cells));
	memset(&t->cells[t->ncells], 0, sizeof(*t->cells));
	t->cells[t->ncells].kind = kind;
	return &t->cells[t->ncells++];
}

/* An empty text is no value (a task of no jurisdiction, a warning nobody decided): JSON
 * says so with null, as for every other value that does not exist, never "". */
void
report_add_str(struct report_table *t, const char *s)
{
	if (s == NULL || s[0] == '\0')
		report_add_null(t, "");
	else
		add_cell(t, REPORT_STR)->s = xstrdup(s);
}

void
report_add_num(struct report_table *t, double n, int prec)
{
	struct report_cell *c = add_cell(t, REPORT_NUM);

	c->n = n;
	c->prec = prec;
}

void
report_add_bool(struct report_table *t, bool v)
{
	add_cell(t, REPORT_BOOL)->n = v ? 1 : 0;
}

void
report_add_null(struct report_table *t, const char *shown)
{
	add_cell(t, REPORT_NULL)->s = xstrdup(shown ? shown : "");
}

void
report_add_list(struct report_table *t, const char *const *items, size_t n)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < n; i++) {
		buf_puts(&b, items[i]);
		buf_putc(&b, '\n');
	}
	add_cell(t, REPORT_LIST)->s = buf_detach(&b);
}

void
report_add_time(struct report_table *t, const struct tz *z, int64_t at)
{
	char rfc[40], local[40];
	size_t n;

	/* both forms, one after the other: "local\0RFC 3339\0" (s alone reads as people's) */
	tz_format_local(z, at, local);
	tz_format_rfc3339(z, at, rfc);
	n = strlen(local) + 1;
	add_cell(t, REPORT_TIME)->s = memcpy(xmalloc(n + strlen(rfc) + 1), local, n);
	strcpy(t->cells[t->ncells - 1].s + n, rfc);
}

size_t
report_nrows(const struct report_table *t)
{
	return t->ncols ? t->ncells / t->ncols : 0;
}

void
report_table_clear_rows(struct report_table *t)
{
	for (size_t i = 0; i < t->ncells; i++)
		free(t->cells[i].s);
	t->ncells = 0;
}

void
report_table_release(struct report_table *t)
{
	report_table_clear_rows(t);
	free(t->cells);
	for (size_t i = 0; i < t->ncols; i++) {
		free(t->head[i]);
		if (t->keys)
			free(t->keys[i]);
	}
	free(t->head);
	free(t->keys);
	free(t->colflags);
	free(t->name);
	free(t->title);
	free(t->sheet);
	free(t->note);
	free(t->unit);
	free(t->date);
	memset(t, 0, sizeof(*t));
}

static const char *const format_names[REPORT_FMT_N] = {
	[REPORT_FMT_TABLE] = "table", [REPORT_FMT_CSV] = "csv", [REPORT_FMT_CSV_EXCEL] = "csv-excel",
	[REPORT_FMT_XLSX] = "xlsx", [REPORT_FMT_JSON] = "json",
};

int
report_format_parse(const char *s, unsigned allowed, enum report_format *out, struct dberr *e)
{
	struct buf names = BUF_INIT;
	int k = 0, n = 0;

	for (int i = 0; i < REPORT_FMT_N; i++) {
		if (!(allowed & REPORT_FMT_MASK(i)))
			continue;
		if (strcmp(s, format_names[i]) == 0) {
			buf_release(&names);
			*out = (enum report_format)i;
			return 0;
		}
		n++;
	}
	/* csv-excel after the others, as the variant of csv it is */
	if (allowed & REPORT_FMT_MASK(REPORT_FMT_CSV_EXCEL))
		n--;
	for (int i = 0; i < REPORT_FMT_N; i++)
		if ((allowed & REPORT_FMT_MASK(i)) && i != REPORT_FMT_CSV_EXCEL)
			buf_printf(&names, "%s%s", k++ == 0 ? "" : k == n ? " or " : ", ",
			           format_names[i]);
	if (allowed & REPORT_FMT_MASK(REPORT_FMT_CSV_EXCEL))
		buf_puts(&names, " (or csv-excel, the CSV for a spreadsheet program)");
	dberr_set(e, DB_EUSAGE, "--format must be %s, not '%s'", buf_str(&names), s);
	buf_release(&names);
	return DB_EUSAGE;
}

/* A REPORT_TIME cell's RFC 3339 form, after its people's form. */
static const char *
rfc3339(const struct report_cell *c)
{
	return c->s + strlen(c->s) + 1;
}

/* A cell as text for CSV and XLSX: numbers without a useless ".0", a list joined by ", ".
 * The result lives in scratch (or the cell). */
static const char *
cell_text(const struct report_cell *c, struct buf *scratch)
{
	buf_reset(scratch);
	switch (c->kind) {
	case REPORT_STR:
	case REPORT_NULL:
		return c->s;
	case REPORT_TIME:
		return c->s;                      /* people's form; RFC 3339 is rfc3339() */
	case REPORT_NUM:
		buf_printf(scratch, "%.*f", c->prec, c->n);
		break;
	case REPORT_BOOL:
		buf_puts(scratch, c->n != 0 ? "true" : "false");
		break;
	case REPORT_LIST:
		for (const char *p = c->s; *p;) {
			const char *nl = strchr(p, '\n');

			if (p != c->s)
				buf_puts(scratch, ", ");
			buf_append(scratch, p, (size_t)(nl - p));
			p = nl + 1;
		}
		break;
	}
	return buf_str(scratch);
}

/* Text for a terminal: control characters (C0, DEL, C1) from a registry or a note would
 * move the cursor, retitle the window or clear the screen; each is shown as its visible
 * picture (U+2400 + code, ␡, or \u0080..\u009f) instead, and so are the invisible ones
 * that reorder or hide text (\u202e, utf8_invisible_name). */
void
report_terminal_text(struct buf *b, const char *s, bool keep_lines)
{
	size_t n = strlen(s), k;
	uint32_t cp;

	for (size_t i = 0; i < n; i += k) {
		k = utf8_decode(s + i, n - i, &cp);
		if (k == 0) {
			buf_puts(b, "\xef\xbf\xbd"); /* U+FFFD for a byte that is not UTF-8 */
			k = 1;
		} else if (keep_lines && cp == '\n') {
			buf_putc(b, '\n');
		} else if (cp < 0x20) {
			buf_printf(b, "\xe2\x90%c", (char)(0x80 + cp)); /* U+2400 + cp */
		} else if (cp == 0x7f) {
			buf_puts(b, "\xe2\x90\xa1"); /* U+2421 ␡ */
		} else if ((cp >= 0x80 && cp <= 0x9f) || utf8_invisible_name(cp) != NULL) {
			/* a bidi override would reorder the rest of the line, a zero-width
			 * character hide in it: shown as its code (what imports refuse now may
			 * be in a store from before, or in a plan) */
			buf_printf(b, "\\u%04x", (unsigned)cp);
		} else {
			buf_append(b, s + i, k);
		}
	}
}

/* Columns the text takes once neutralised. */
static size_t
terminal_width(const char *s, struct buf *scratch)
{
	buf_reset(scratch);
	report_terminal_text(scratch, s, false);
	return utf8_width(buf_str(scratch));
}

static bool
shown(const struct report_table *t, size_t c, enum report_format f)
{
	return f != REPORT_FMT_TABLE || t->colflags == NULL || !(t->colflags[c] & REPORT_COL_WIDE);
}

static void
pad(struct buf *b, const char *s, size_t width, bool right, struct buf *scratch)
{
	size_t w = terminal_width(s, scratch);

	if (right)
		for (; w < width; w++)
			buf_putc(b, ' ');
	report_terminal_text(b, s, false);
	if (!right)
		for (; w < width; w++)
			buf_putc(b, ' ');
}

/* The last shown column of the text table: its text is not padded. */
static size_t
last_shown(const struct report_table *t)
{
	size_t last = 0;

	for (size_t c = 0; c < t->ncols; c++)
		if (shown(t, c, REPORT_FMT_TABLE))
			last = c;
	return last;
}

static void
text_begin(struct report_out *o, const struct report_table *t, struct buf *scratch)
{
	size_t nrows = report_nrows(t), last = last_shown(t);
	struct buf *b = &o->b, cell = BUF_INIT;

	if (o->table > 1)
		buf_puts(b, "\n\n");
	if (t->title && t->title[0])
		buf_printf(b, "%s\n\n", t->title);
	if (t->record)
		return;
	free(o->w);
	o->w = xcalloc(t->ncols, sizeof(*o->w));
	for (size_t c = 0; c < t->ncols; c++)
		o->w[c] = terminal_width(t->head[c], scratch);
	for (size_t i = 0; i < nrows * t->ncols; i++) {
		size_t dw = terminal_width(cell_text(&t->cells[i], &cell), scratch);
		if (dw > o->w[i % t->ncols])
			o->w[i % t->ncols] = dw;
	}
	buf_release(&cell);
	for (size_t c = 0; c < t->ncols; c++) {
		if (!shown(t, c, REPORT_FMT_TABLE))
			continue;
		pad(b, t->head[c], c < last ? o->w[c] : 0, false, scratch);
		buf_puts(b, c < last ? "  " : "\n");
	}
}

static void
text_rows(struct report_out *o, const struct report_table *t, struct buf *scratch)
{
	size_t nrows = report_nrows(t), last = last_shown(t);
	struct buf cell = BUF_INIT;

	for (size_t r = 0; r < nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			const struct report_cell *x = &t->cells[r * t->ncols + c];
			bool num = x->kind == REPORT_NUM || x->kind == REPORT_NULL;
			const char *text;

			if (!shown(t, c, REPORT_FMT_TABLE))
				continue;
			text = cell_text(x, &cell);
			if (t->record) {
				/* one record: "header: value" lines */
				buf_printf(&o->b, "%s: ", t->head[c]);
				report_terminal_text(&o->b, text, false);
				buf_putc(&o->b, '\n');
				continue;
			}
			pad(&o->b, text, c == last && !num ? 0 : o->w[c], num, scratch);
			if (c == last) {
				/* an empty last column leaves no trailing blanks */
				while (o->b.len > 0 && o->b.data[o->b.len - 1] == ' ')
					o->b.data[--o->b.len] = '\0';
				buf_putc(&o->b, '\n');
			} else {
				buf_puts(&o->b, "  ");
			}
		}
	buf_release(&cell);
}

static void
text_end(struct report_out *o, const struct report_table *t)
{
	/* a report says it found nothing; a listing's header row alone says so already */
	if (o->rows == 0 && !t->record && t->title && t->title[0])
		buf_puts(&o->b, "（无）\n");
	if (t->note)
		buf_printf(&o->b, "\n%s\n", t->note);
}

/* Would a spreadsheet opening the CSV run this text as a formula ("CSV injection", OWASP):
 * one that starts with = + - @, a tab or a carriage return. The one rule for every CSV
 * dabiao writes (docs/output.md): nothing else is marked, so a script reads a date, a
 * code or a count as it is (decision: a spreadsheet may show 000123 as 123 or a date as a
 * date; XLSX keeps every text cell a string). */
static bool
csv_formula(const char *s)
{
	return *s != '\0' && strchr("=+-@\t\r", *s) != NULL;
}

/* Would a spreadsheet opening the CSV turn this text into something else (csv-excel)? A
 * text beginning with a digit (a code of digits loses its leading zeros, one of more than
 * 15 digits its last ones; 2017-06-30, 2017年6月, 6月5日 and 1/2 become dates; 12% or 1e5
 * numbers), or with . ( or a currency sign before a digit, or TRUE/FALSE. Excel takes at
 * most 255 characters of text in a formula and converts no longer text: such a cell is left
 * as it is, as is one with a line break. */
static bool
csv_converts(const char *s)
{
	size_t n = strlen(s);
	const unsigned char *u = (const unsigned char *)s;

	if (n == 0 || n > 255 || strpbrk(s, "\r\n") != NULL)
		return false;
	if (u[0] >= '0' && u[0] <= '9')
		return true;
	if (strchr(".($", u[0]) != NULL && u[1] >= '0' && u[1] <= '9')
		return true;
	/* ¥ (U+00A5) and ￥ (U+FFE5) */
	if ((u[0] == 0xc2 && u[1] == 0xa5 && u[2] >= '0' && u[2] <= '9') ||
	    (u[0] == 0xef && u[1] == 0xbf && u[2] == 0xa5 && u[3] >= '0' && u[3] <= '9'))
		return true;
	return (n == 4 && strncasecmp(s, "true", 4) == 0) ||
	       (n == 5 && strncasecmp(s, "false", 5) == 0);
}

/* A text cell: an apostrophe before one a spreadsheet would run (decision: the apostrophe
 * shows, and is the usual mark of "this is text"; such a text is never put inside a
 * formula). In csv-excel, a text a spreadsheet would convert (csv_converts) is the formula
 * ="TEXT" (its quotes doubled): a string constant, which computes to the text and refers
 * to nothing, so no cell or link can be reached through it (review of issue 12, H2). */
static void
csv_text(struct buf *b, const char *s, bool excel)
{
	if (csv_formula(s)) {
		char *quoted = xasprintf("'%s", s);

		buf_csv_field(b, quoted);
		free(quoted);
	} else if (excel && csv_converts(s)) {
		struct buf f = BUF_INIT;

		buf_puts(&f, "=\"");
		for (; *s; s++) {
			if (*s == '"')
				buf_putc(&f, '"');
			buf_putc(&f, *s);
		}
		buf_putc(&f, '"');
		buf_csv_field(b, buf_str(&f));
		buf_release(&f);
	} else {
		buf_csv_field(b, s);
	}
}

static void
csv_begin(struct report_out *o, const struct report_table *t)
{
	if (o->table > 1)
		buf_puts(&o->b, "\r\n");
	for (size_t c = 0; c < t->ncols; c++) {
		csv_text(&o->b, t->head[c], o->f == REPORT_FMT_CSV_EXCEL);
		buf_puts(&o->b, c + 1 < t->ncols ? "," : "\r\n");
	}
}

static void
csv_rows(struct report_out *o, const struct report_table *t, struct buf *scratch)
{
	size_t nrows = report_nrows(t);
	bool excel = o->f == REPORT_FMT_CSV_EXCEL;

	for (size_t r = 0; r < nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			const struct report_cell *cell = &t->cells[r * t->ncols + c];

			/* no value is an empty cell (JSON's null); numbers dabiao writes as numbers
			 * stay numbers, a negative one too */
			if (cell->kind == REPORT_NULL)
				;
			else if (cell->kind == REPORT_TIME)
				csv_text(&o->b, rfc3339(cell), excel);   /* as JSON */
			else if (cell->kind == REPORT_NUM || cell->kind == REPORT_BOOL)
				buf_csv_field(&o->b, cell_text(cell, scratch));
			else
				csv_text(&o->b, cell_text(cell, scratch), excel);
			buf_puts(&o->b, c + 1 < t->ncols ? "," : "\r\n");
		}
}

static void
json_begin(struct report_out *o, const struct report_table *t)
{
	if (o->ntables > 1) {
		buf_puts(&o->b, o->table > 1 ? ",\n" : "{\n");
		buf_json_str(&o->b, t->name ? t->name : t->sheet);
		buf_puts(&o->b, ": ");
	}
	if (!t->record)
		buf_putc(&o->b, '[');
}

static void
json_value(struct buf *b, const struct report_cell *x)
{
	switch (x->kind) {
	case REPORT_STR:
		buf_json_str(b, x->s);
		break;
	case REPORT_TIME:
		buf_json_str(b, rfc3339(x));
		break;
	case REPORT_NUM:
		buf_printf(b, "%.*f", x->prec, x->n);
		break;
	case REPORT_BOOL:
		buf_puts(b, x->n != 0 ? "true" : "false");
		break;
	case REPORT_NULL:
		buf_puts(b, "null");
		break;
	case REPORT_LIST:
		buf_putc(b, '[');
		for (const char *p = x->s; *p;) {
			const char *nl = strchr(p, '\n');
			char *item = xstrndup(p, (size_t)(nl - p));

			if (p != x->s)
				buf_putc(b, ',');
			buf_json_str(b, item);
			free(item);
			p = nl + 1;
		}
		buf_putc(b, ']');
		break;
	}
}

static void
json_rows(struct report_out *o, const struct report_table *t)
{
	size_t nrows = report_nrows(t);

	for (size_t r = 0; r < nrows; r++) {
		if (!t->record)
			buf_puts(&o->b, o->rows + r > 0 ? ",\n  " : "\n  ");
		buf_putc(&o->b, '{');
		for (size_t c = 0; c < t->ncols; c++) {
			if (c > 0)
				buf_putc(&o->b, ',');
			buf_json_str(&o->b, t->keys ? t->keys[c] : t->head[c]);
			buf_putc(&o->b, ':');
			json_value(&o->b, &t->cells[r * t->ncols + c]);
		}
		buf_putc(&o->b, '}');
	}
}

static void
json_end(struct report_out *o, const struct report_table *t)
{
	if (t->record && o->rows == 0)
		buf_puts(&o->b, "null");
	else if (!t->record)
		buf_puts(&o->b, o->rows > 0 ? "\n]" : "]");
	if (o->ntables <= 1)
		buf_putc(&o->b, '\n');
}

/* Moves what the buffer holds to the file. */
static int
out_flush(struct report_out *o, struct dberr *e)
{
	const char *what = o->path ? o->path : "standard output";

	if (o->b.len > 0 && fwrite(o->b.data, 1, o->b.len, o->fp) != o->b.len) {
		int err = errno;

		buf_reset(&o->b);
		return dberr_set(e, err == EPIPE ? -EPIPE : DB_EIO, "cannot write %s: %s", what,
		                 strerror(err));
	}
	buf_reset(&o->b);
	return 0;
}

int
report_out_open(struct report_out *o, enum report_format f, const char *path, size_t ntables,
                struct dberr *e)
{
	memset(o, 0, sizeof(*o));
	if (f == REPORT_FMT_XLSX)
		return dberr_set(e, DB_EUSAGE, "this listing has no xlsx form");
	o->f = f;
	o->ntables = ntables;
	o->fp = stdout;
	if (path != NULL) {
		int rc = outfile_begin(&o->of, path, e);

		if (rc != 0)
			return rc;
		o->fp = o->of.fp;
	}
	o->path = path ? xstrdup(path) : NULL;
	if (f == REPORT_FMT_CSV || f == REPORT_FMT_CSV_EXCEL)
		buf_puts(&o->b, "\xef\xbb\xbf");
	return 0;
}

/* Writes t's rows (the table's beginning first if this is its first chunk). */
static int
out_rows(struct report_out *o, const struct report_table *t, bool first, struct dberr *e)
{
	struct buf scratch = BUF_INIT;

	if (first) {
		o->table++;
		o->rows = 0;
		if (o->f == REPORT_FMT_TABLE)
			text_begin(o, t, &scratch);
		else if (o->f == REPORT_FMT_CSV || o->f == REPORT_FMT_CSV_EXCEL)
			csv_begin(o, t);
		else
			json_begin(o, t);
	}
	if (o->f == REPORT_FMT_TABLE)
		text_rows(o, t, &scratch);
	else if (o->f == REPORT_FMT_CSV || o->f == REPORT_FMT_CSV_EXCEL)
		csv_rows(o, t, &scratch);
	else
		json_rows(o, t);
	o->rows += report_nrows(t);
	buf_release(&scratch);
	return out_flush(o, e);
}

static int
out_end(struct report_out *o, const struct report_table *t, struct dberr *e)
{
	if (o->f == REPORT_FMT_TABLE)
		text_end(o, t);
	else if (o->f == REPORT_FMT_JSON)
		json_end(o, t);
	free(o->w);
	o->w = NULL;
	return out_flush(o, e);
}

int
report_out_rows(struct report_out *o, struct report_table *t, struct dberr *e)
{
	int rc = out_rows(o, t, !o->in_table, e);

	o->in_table = true;
	report_table_clear_rows(t);
	return rc;
}

int
report_out_table_end(struct report_out *o, struct report_table *t, struct dberr *e)
{
	int rc = report_out_rows(o, t, e);

	o->in_table = false;
	if (rc == 0)
		rc = out_end(o, t, e);
	return rc;
}

int
report_out_close(struct report_out *o, struct dberr *e)
{
	int rc = 0;

	if (o->f == REPORT_FMT_JSON && o->ntables > 1)
		buf_puts(&o->b, "\n}\n");
	rc = out_flush(o, e);
	if (o->path != NULL && rc == 0)
		rc = outfile_commit(&o->of, e);
	else if (o->path != NULL)
		outfile_abort(&o->of);
	else if (rc == 0 && fflush(o->fp) != 0)
		rc = dberr_set(e, errno == EPIPE ? -EPIPE : DB_EIO, "cannot write standard output: "
		               "%s", strerror(errno));
	buf_release(&o->b);
	free(o->w);
	free(o->path);
	memset(o, 0, sizeof(*o));
	return rc;
}

/* Column widths in Excel's character units: a CJK character is about two, and a little
 * more in the fonts Chinese versions use; long text wraps at 40. */
static void
xlsx_widths(lxw_worksheet *ws, const struct report_table *t)
{
	size_t nrows = report_nrows(t);
	struct buf num = BUF_INIT;

	for (size_t c = 0; c < t->ncols; c++) {
		size_t w = utf8_width(t->head[c]);

		for (size_t r = 0; r < nrows; r++) {
			size_t dw = utf8_width(cell_text(&t->cells[r * t->ncols + c], &num));
			if (dw > w)
				w = dw;
		}
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
		                     (double)(w > 40 ? 40 : w) * 1.15 + 2, NULL);
	}
	buf_release(&num);
}

struct xlsx_formats {
	lxw_format *title, *head, *text, *num, *dec1, *total, *total1, *plain;
};

static lxw_format *
bordered(lxw_workbook *wb)
{
	lxw_format *f = workbook_add_format(wb);

	format_set_border(f, LXW_BORDER_THIN);
	format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
	format_set_font_name(f, "宋体");
	return f;
}

static void
xlsx_formats(lxw_workbook *wb, struct xlsx_formats *f)
{
	f->title = workbook_add_format(wb);
	format_set_bold(f->title);
	format_set_font_size(f->title, 16);
	format_set_font_name(f->title, "黑体");
	format_set_align(f->title, LXW_ALIGN_CENTER);
	format_set_align(f->title, LXW_ALIGN_VERTICAL_CENTER);
	f->head = bordered(wb);
	format_set_bold(f->head);
	format_set_text_wrap(f->head);
	format_set_align(f->head, LXW_ALIGN_CENTER);
	format_set_bg_color(f->head, 0xD9D9D9);
	f->text = bordered(wb);
	format_set_text_wrap(f->text);
	f->num = bordered(wb);
	f->dec1 = bordered(wb);
	format_set_num_format(f->dec1, "0.0");
	f->total = bordered(wb);
	format_set_bold(f->total);
	f->total1 = bordered(wb);
	format_set_bold(f->total1);
	format_set_num_format(f->total1, "0.0");
	f->plain = workbook_add_format(wb);
	format_set_font_name(f->plain, "宋体");
}

static void
xlsx_sheet(lxw_workbook *wb, const struct report_table *t, const struct xlsx_formats *f)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, t->sheet);
	size_t nrows = report_nrows(t);
	lxw_col_t last = (lxw_col_t)(t->ncols ? t->ncols - 1 : 0);
	lxw_row_t foot = (lxw_row_t)(nrows + 3);
	struct buf text = BUF_INIT;
	char *line;

	if (last > 0)
		worksheet_merge_range(ws, 0, 0, 0, last, t->title, f->title);
	else
		worksheet_write_string(ws, 0, 0, t->title, f->title);
	worksheet_set_row(ws, 0, 30, NULL);
	for (size_t c = 0; c < t->ncols; c++)
		worksheet_write_string(ws, 1, (lxw_col_t)c, t->head[c], f->head);
	for (size_t r = 0; r < nrows; r++) {
		bool total = t->total_row && r + 1 == nrows;

		for (size_t c = 0; c < t->ncols; c++) {
			const struct report_cell *cell = &t->cells[r * t->ncols + c];
			lxw_row_t y = (lxw_row_t)(r + 2);

			/* text is a string whatever it starts with: never a formula */
			if (cell->kind != REPORT_NUM)
				worksheet_write_string(ws, y, (lxw_col_t)c, cell_text(cell, &text),
				                       total ? f->total : f->text);
			else
				worksheet_write_number(ws, y, (lxw_col_t)c, cell->n,
				                       cell->prec ? (total ? f->total1 : f->dec1)
				                                  : (total ? f->total : f->num));
		}
	}
	/* the lines a department signs and stamps before the table goes out on paper */
	line = xasprintf("填报单位（盖章）：%s", t->unit ? t->unit : "");
	worksheet_write_string(ws, foot, 0, line, f->plain);
	free(line);
	line = xasprintf("填报人：＿＿＿＿＿＿＿＿　　审核人：＿＿＿＿＿＿＿＿　　联系电话：＿＿＿＿＿＿＿＿"
	                 "　　填报日期：%s", t->date ? t->date : "＿＿＿＿年＿＿月＿＿日");
	worksheet_write_string(ws, foot + 1, 0, line, f->plain);
	free(line);
	if (t->note)
		worksheet_write_string(ws, foot + 3, 0, t->note, f->plain);
	xlsx_widths(ws, t);
	worksheet_freeze_panes(ws, 2, 0);
	/* A4 landscape, one page wide, the title and header on every page */
	worksheet_set_paper(ws, 9);
	worksheet_set_landscape(ws);
	worksheet_fit_to_pages(ws, 1, 0);
	worksheet_repeat_rows(ws, 0, 1);
	worksheet_center_horizontally(ws);
	worksheet_print_area(ws, 0, 0, foot + (t->note ? 3 : 1), last);
	buf_release(&text);
}

/* What the workbook's writer (the child below) reports: libxlsxwriter's error and the
 * system's errno when it failed. */
struct xlsx_status {
	int lxw, err;
};

/* libxlsxwriter makes the workbook of n tables into fd (by its /proc name). */
static struct xlsx_status
xlsx_build(const struct report_table *tables, size_t n, int fd)
{
	struct xlsx_status cs = {LXW_NO_ERROR, 0};
	struct xlsx_formats fm;
	lxw_workbook *wb;
	char name[64];

	snprintf(name, sizeof(name), "/proc/self/fd/%d", fd);
	errno = 0;
	if ((wb = workbook_new(name)) == NULL)
		return (struct xlsx_status){LXW_ERROR_CREATING_XLSX_FILE, errno};
	xlsx_formats(wb, &fm);
	for (size_t i = 0; i < n; i++)
		xlsx_sheet(wb, &tables[i], &fm);
	errno = 0;
	cs.lxw = (int)workbook_close(wb);
	cs.err = errno;
	return cs;
}

/* Whether this process has one thread: /proc/self/stat's num_threads, the 18th field after
 * the command's closing parenthesis. False when it cannot be told. */
static bool
one_thread(void)
{
	char line[1024], *p;
	FILE *f = fopen("/proc/self/stat", "r");
	size_t got = f ? fread(line, 1, sizeof(line) - 1, f) : 0;
	long threads = 0;

	if (f)
		fclose(f);
	line[got] = '\0';
	if ((p = strrchr(line, ')')) == NULL)
		return false;
	for (int field = 0; field < 18 && p; field++)
		p = strchr(p + 1, ' ');
	if (p)
		threads = strtol(p + 1, NULL, 10);
	return threads == 1;
}

/* Builds the workbook of n tables into fd, in a child process made for it (fork, no exec):
 * libxlsxwriter prints "[ERROR]..." lines of its own on standard error when a write fails
 * (a file size limit, memory), and those must not reach the person running dabiao: the
 * child's standard error is a pipe the parent drains and drops, and what failed comes back
 * as a struct xlsx_status. Only a process of one thread forks (a command; fork() copies no
 * other thread, and a lock another thread held would stay held in the child: GCC 12's
 * AddressSanitizer does not take its allocator's locks around fork). Signals are blocked
 * across the fork and the child's handlers reset to their defaults before any is let
 * through; the child runs only libxlsxwriter and _exit()s. In a threaded process (the
 * daemon, the web server) the workbook is made in-process and libxlsxwriter's lines go to
 * the daemon's log (notifiers/sender.c says why a helper there is exec'd instead). */
static int
xlsx_make(const struct report_table *tables, size_t n, int fd, struct xlsx_status *st,
           struct dberr *e)
{
	int errp[2] = {-1, -1}, stp[2] = {-1, -1}, status = 0, rc = 0;
	sigset_t all, old;
	char sink[4096];
	ssize_t k;
	pid_t pid;

	if (!one_thread()) {
		*st = xlsx_build(tables, n, fd);
		return 0;
	}
	/* pipe() and FD_CLOEXEC: pipe2 wants _GNU_SOURCE, which this file does without */
	if (pipe(errp) != 0 || pipe(stp) != 0 || fcntl(errp[0], F_SETFD, FD_CLOEXEC) != 0 ||
	    fcntl(errp[1], F_SETFD, FD_CLOEXEC) != 0 || fcntl(stp[0], F_SETFD, FD_CLOEXEC) != 0 ||
	    fcntl(stp[1], F_SETFD, FD_CLOEXEC) != 0) {
		rc = dberr_set(e, DB_EIO, "cannot make the workbook: %s", strerror(errno));
		goto out;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pid = fork();
	if (pid == 0) {
		struct xlsx_status cs;

		for (int sig = 1; sig < NSIG; sig++) {
			struct sigaction sa;

			if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler != SIG_IGN &&
			    sa.sa_handler != SIG_DFL) {
				sa.sa_handler = SIG_DFL;
				sa.sa_flags = 0;
				sigaction(sig, &sa, NULL);
			}
		}
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(errp[1], 2);
		cs = xlsx_build(tables, n, fd);
		if (write(stp[1], &cs, sizeof(cs)) != (ssize_t)sizeof(cs))
			_exit(2);
		_exit(0);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		rc = dberr_set(e, DB_EIO, "cannot make the workbook: %s", strerror(errno));
		goto out;
	}
	close(errp[1]), errp[1] = -1;
	close(stp[1]), stp[1] = -1;
	/* libxlsxwriter's own lines: read to the end (the child would block on a full pipe)
	 * and dropped; what failed is in its status */
	while ((k = read(errp[0], sink, sizeof(sink))) != 0)
		if (k < 0 && errno != EINTR)
			break;
	do
		k = read(stp[0], st, sizeof(*st));
	while (k < 0 && errno == EINTR);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (k != (ssize_t)sizeof(*st) || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		rc = dberr_set(e, DB_EIO, "cannot make the workbook: its writer %s %d",
		               WIFSIGNALED(status) ? "was killed by signal" : "exited with",
		               WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
out:
	for (int i = 0; i < 2; i++) {
		if (errp[i] >= 0)
			close(errp[i]);
		if (stp[i] >= 0)
			close(stp[i]);
	}
	return rc;
}

/* The workbook of n tables, its bytes appended to out; what names it in messages. */
static int
xlsx_bytes(const struct report_table *tables, size_t n, const char *what, struct buf *out,
           struct dberr *e)
{
	struct xlsx_status cs = {0, 0};
	struct rlimit fsize;
	struct dberr why;
	struct stat st;
	int fd, rc = 0;

	/* libxlsxwriter writes the workbook to a file name of its own choosing; it writes into
	 * memory (a memfd, by its /proc name): no disk to fill, no half-written file; the bytes
	 * go to their file by our own writer after */
	if ((fd = (int)syscall(SYS_memfd_create, "dabiao-xlsx", MFD_CLOEXEC)) < 0)
		return dberr_set(e, DB_EIO, "cannot make the workbook in memory: %s",
		                 strerror(errno));
	if ((rc = xlsx_make(tables, n, fd, &cs, e)) != 0)
		goto out;
	if (cs.lxw != LXW_NO_ERROR) {
		/* memory is short, or a file size limit (ulimit -f) holds for it too: the
		 * system's reason, which libxlsxwriter's own text ("ZIP_ERRNO") hides */
		rc = dberr_set(e, DB_EIO, "cannot write %s: %s", what,
		               cs.err != 0 ? strerror(cs.err) : lxw_strerror((lxw_error)cs.lxw));
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		rc = dberr_set(e, DB_EIO, "cannot read the workbook back: %s", strerror(errno));
		goto out;
	}
	for (off_t at = 0; at < st.st_size;) {
		char chunk[65536];
		ssize_t k = pread(fd, chunk, sizeof(chunk), at);

		if (k <= 0) {
			rc = dberr_set(e, DB_EIO, "cannot read the workbook back: %s",
			               k < 0 ? strerror(errno) : "cut short");
			goto out;
		}
		buf_append(out, chunk, (size_t)k);
		at += k;
	}
	/* libxlsxwriter writes each part to a temporary file (in TMPDIR, else /tmp) and zips
	 * it from there without checking the writes: a full folder or a file size limit gives
	 * a workbook of cut parts and no error. Every part is read back before it is used. */
	dberr_clear(&why);
	if (xlsx_whole(out->data, out->len, &why) != 0) {
		bool limited = getrlimit(RLIMIT_FSIZE, &fsize) == 0 &&
		               fsize.rlim_cur != RLIM_INFINITY;

		rc = dberr_set(e, DB_EIO, "cannot write %s: %s", what, limited
		               ? strerror(EFBIG)
		               : "No space left on device for its temporary files (is the folder "
		                 "for temporary files full: TMPDIR, else /tmp? set TMPDIR to a "
		                 "folder with room)");
	}
out:
	close(fd);
	return rc;
}

int
report_xlsx_bytes(const struct report_table *t, struct buf *out, struct dberr *e)
{
	return xlsx_bytes(t, 1, "the workbook", out, e);
}

static int
write_xlsx(const struct report_table *tables, size_t n, const char *path, struct dberr *e)
{
	struct buf bytes = BUF_INIT;
	int rc;

	if ((rc = xlsx_bytes(tables, n, path, &bytes, e)) == 0)
		rc = outfile_write(path, bytes.data, bytes.len, e);
	buf_release(&bytes);
	return rc;
}

/* A writer given up after a failure: a file it was writing is left as it was. */
static void
out_abort(struct report_out *o)
{
	if (o->path != NULL)
		outfile_abort(&o->of);
	buf_release(&o->b);
	free(o->w);
	free(o->path);
	memset(o, 0, sizeof(*o));
}

int
report_write(const struct report_table *tables, size_t ntables, enum report_format f,
             const char *path, struct dberr *e)
{
	struct report_out o;
	int rc;

	if (f == REPORT_FMT_XLSX) {
		if (path == NULL)
			return dberr_set(e, DB_EUSAGE, "--format xlsx needs --out FILE");
		return write_xlsx(tables, ntables, path, e);
	}
	if ((rc = report_out_open(&o, f, path, ntables, e)) != 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < ntables; i++)
		if ((rc = out_rows(&o, &tables[i], true, e)) == 0)
			rc = out_end(&o, &tables[i], e);
	if (rc != 0) {
		out_abort(&o);
		return rc;
	}
	return report_out_close(&o, e);
}
