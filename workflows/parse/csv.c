/*
 * csv.c - RFC 4180 records as spreadsheets write them (csv.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/xalloc.h"
#include "workflows/parse/csv.h"
#include "workflows/parse/registry_int.h"
#include "workflows/parse/xlsx.h"
#include "workflows/parse/ydoc.h"

int
csv_open(struct csv_reader *c, const char *name, const char *data, size_t len, size_t max,
         struct dberr *e)
{
	return csv_open_sheet(c, name, data, len, max, NULL, e);
}

int
csv_open_sheet(struct csv_reader *c, const char *name, const char *data, size_t len,
               size_t max, const struct csv_sheet_choice *ch, struct dberr *e)
{
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->p = c->line_start = c->counted = data;
	c->end = data + len;
	c->line = 1;
	/* The byte order mark is not text: columns on line 1 count from after it, as an
	 * editor shows them. */
	c->p = c->line_start = c->counted = data + utf8_bom_len(data, len);
	/* A workbook handed in as it came: an .xlsx (a ZIP archive) is read as its first
	 * sheet; an old-format one (.xls/.et, or an encrypted .xlsx: both OLE compound files)
	 * is said to be what it is, not "NUL byte" */
	if (xlsx_is_zip(data, len))
		return xlsx_read(c, name, data, len, max, ch, e);
	if (len >= 8 && memcmp(data, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) == 0)
		return dberr_at(e, DB_EDATA, name, 1, 1, "the file is an old-format workbook "
		                "(.xls or .et) or a password-protected one (an OLE file); open it, "
		                "remove any password and save it as .xlsx or as \"CSV UTF-8\", and "
		                "import that");
	/* Excel's "Unicode text" and other UTF-16 files: one clear sentence, not a NUL byte */
	return ydoc_check_encoding(name, data, len, "save the spreadsheet as \"CSV UTF-8\" and "
	                           "import that", e);
}

void
csv_record_clear(struct csv_record *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->f[i].text);
	r->n = 0;
}

void
csv_record_release(struct csv_record *r)
{
	csv_record_clear(r);
	free(r->f);
	r->f = NULL;
	r->cap = 0;
}

void
csv_close(struct csv_reader *c)
{
	for (size_t i = 0; i < c->nrows; i++)
		csv_record_release(&c->rows[i]);
	free(c->rows);
	free(c->sheet);
	c->rows = NULL;
	c->nrows = c->next = c->width = 0;
	c->sheet = NULL;
	buf_release(&c->tmp);
}

int
csv_field_error(const struct csv_reader *c, const struct csv_field *f, size_t idx,
                struct dberr *e, const char *what)
{
	char w[320];

	if (c->where != NULL)
		c->where(c->where_arg, idx, w, sizeof(w));
	else
		snprintf(w, sizeof(w), "column %zu", idx + 1);
	if (c->sheet != NULL) {
		char col[8];

		xlsx_column_name((size_t)f->col, col);
		return dberr_at(e, DB_EDATA, c->name, f->line, f->col, "cell %s%d of sheet '%s', "
		                "%s: %s", col, f->line, c->sheet, w, what);
	}
	return dberr_at(e, DB_EDATA, c->name, f->line, f->col, "%s: %s", w, what);
}

/* Spreadsheets on Chinese Windows save "CSV" in GBK; say so rather than store mojibake. And
 * no control character (ESC, BEL, ...) gets into the store, where it would reach the
 * terminal, the reports and the calendars. */
int
csv_check_text(const struct csv_reader *c, const struct csv_field *f, size_t idx, bool lines,
               size_t max, struct dberr *e)
{
	char why[256], *kept;
	size_t len = strlen(f->text), lead, end, k;
	int rc = 0;

	if (f->unsaved)
		return csv_field_error(c, f, idx, e, "the cell holds a formula whose value was never "
		                       "saved (the program that wrote the file does not compute "
		                       "formulas), so the file has no value for it: open the file "
		                       "in Excel or WPS and save it, or type the value");
	if (utf8_valid(f->text, len) != len)
		return csv_field_error(c, f, idx, e, "text is not UTF-8 (save the spreadsheet as "
		                       "\"CSV UTF-8\", not GBK/ANSI)");
	/* Tabs around the value are blanks that csv_trim takes away (docs/registry-format.md:
	 * "spaces, tabs and U+3000 around every value are trimmed"), not a control character
	 * kept in the store: a copy has them as spaces, one for one, so a fault inside the
	 * value is still named at its character. */
	kept = strchr(f->text, '\t') != NULL ? xstrdup(f->text) : NULL;
	if (kept != NULL) {
		utf8_trim_span(kept, len, &lead, &end);
		for (k = 0; k < len; k++)
			if (kept[k] == '\t' && (k < lead || k >= end))
				kept[k] = ' ';
	}
	if (registry_check_text(kept ? kept : f->text, lines, max, why, sizeof(why)) != NULL)
		rc = csv_field_error(c, f, idx, e, why);
	free(kept);
	return rc;
}

char *
csv_trim(char *s)
{
	return utf8_trim(s);
}

static void
end_line(struct csv_reader *c)
{
	c->line++;
	c->line_start = c->counted = c->p;
	c->counted_col = 0;
}

/* The column of p on its line in characters, as an editor shows it (a Chinese character is
 * one, not three). Counted on from the last call, so a line costs its length once. */
static int
column_of(struct csv_reader *c, const char *p)
{
	c->counted_col += (int)utf8_count(c->counted, (size_t)(p - c->counted));
	c->counted = p;
	return c->counted_col + 1;
}

/* A line break at c->p (CRLF, LF or a lone CR) is consumed; returns whether there was one. */
static bool
take_newline(struct csv_reader *c)
{
	if (c->p < c->end && *c->p == '\r') {
		c->p++;
		if (c->p < c->end && *c->p == '\n')
			c->p++;
		end_line(c);
		return true;
	}
	if (c->p < c->end && *c->p == '\n') {
		c->p++;
		end_line(c);
		return true;
	}
	return false;
}

/* Reads one field starting at c->p into c->tmp. */
static int
read_field(struct csv_reader *c, struct csv_field *f, size_t idx, struct dberr *e)
{
	buf_reset(&c->tmp);
	buf_puts(&c->tmp, "");
	f->line = c->line;
	f->col = column_of(c, c->p);
	f->quoted = c->p < c->end && *c->p == '"';
	if (!f->quoted) {
		for (; c->p < c->end && *c->p != ',' && *c->p != '\r' && *c->p != '\n'; c->p++) {
			if (*c->p == '"')
				return csv_field_error(c, f, idx, e, "quote inside an unquoted field "
				                       "(quote the whole field and double the quote)");
			if (*c->p == '\0')
				return csv_field_error(c, f, idx, e, "NUL byte in the file");
			buf_putc(&c->tmp, *c->p);
		}
		return 0;
	}
	for (c->p++;;) {
		if (c->p >= c->end)
			return csv_field_error(c, f, idx, e, "unterminated quoted field (the quote "
			                       "opened here is never closed)");
		if (*c->p == '"') {
			if (c->p + 1 < c->end && c->p[1] == '"') {
				buf_putc(&c->tmp, '"');
				c->p += 2;
				continue;
			}
			c->p++;
			break;
		}
		if (*c->p == '\0')
			return csv_field_error(c, f, idx, e, "NUL byte in the file");
		buf_putc(&c->tmp, *c->p);
		if (*c->p == '\n' || (*c->p == '\r' && (c->p + 1 >= c->end || c->p[1] != '\n'))) {
			c->p++;
			end_line(c);
		} else {
			c->p++;
		}
	}
	if (c->p < c->end && *c->p != ',' && *c->p != '\r' && *c->p != '\n')
		return csv_field_error(c, f, idx, e, "text after the closing quote (double a quote "
		                       "inside a quoted field)");
	return 0;
}

int
csv_read(struct csv_reader *c, struct csv_record *r, struct dberr *e)
{
	struct csv_field *f;
	int rc;

	csv_record_clear(r);
	if (c->sheet != NULL) {
		struct csv_record empty = *r;

		if (c->next >= c->nrows)
			return 0;
		*r = c->rows[c->next];
		c->rows[c->next++] = empty;
		while (r->n < c->width) {
			r->f = xgrow(r->f, &r->cap, r->n + 1, sizeof(*r->f));
			r->f[r->n] = (struct csv_field){xstrdup(""), r->line, (int)r->n + 1, true,
			                                false};
			r->n++;
		}
		return 1;
	}
	if (c->p >= c->end)
		return 0;
	r->line = c->line;
	for (;;) {
		r->f = xgrow(r->f, &r->cap, r->n + 1, sizeof(*r->f));
		f = &r->f[r->n];
		f->text = NULL;
		f->unsaved = false;
		if ((rc = read_field(c, f, r->n, e)) != 0)
			return rc;
		f->text = xstrdup(buf_str(&c->tmp));
		r->n++;
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		take_newline(c);
		return 1;
	}
}

bool
csv_blank(const struct csv_record *r)
{
	bool blank = true;

	for (size_t i = 0; blank && i < r->n; i++) {
		char *copy = xstrdup(r->f[i].text);

		blank = utf8_trim(copy)[0] == '\0';
		free(copy);
	}
	return blank;
}
