/*
 * csv.h - records of a spreadsheet saved as CSV (RFC 4180), as spreadsheets write them: a
 * UTF-8 byte order mark, CRLF or LF line ends, quoted fields holding commas, doubled quotes
 * and line breaks. Every field keeps the physical line and the column (in characters, as an
 * editor shows them) where it starts, so every message can name FILE:LINE:COLUMN and the
 * row and column a person looking at the spreadsheet would use; how a column is named is
 * the caller's (its `where`). The one CSV reader: the registry's enterprises
 * (registry_csv.c) and the counties' Annex 3/4 figures (`import-annex`) use it.
 *
 * A workbook (.xlsx) handed to csv_open is read through xlsx.h: its first visible sheet's
 * rows (or the sheet a struct csv_sheet_choice picks, csv_open_sheet) are the records,
 * each field's line its row and col its column (A = 1), and every message names the cell
 * as well ("cell C5 of sheet '附件4'").
 */
#ifndef DABIAO_CSV_H
#define DABIAO_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

struct csv_field {
	char *text;   /* unquoted, owned by the record */
	int line, col;
	bool quoted;
	/* A workbook's cell holding a formula whose value was never saved (a program that
	 * writes formulas without computing them: openpyxl, pandas, report generators): text
	 * is "", though Excel shows a value (csv_check_text refuses it). */
	bool unsaved;
};

struct csv_record {
	struct csv_field *f; /* owned; texts freed by csv_record_clear */
	size_t n, cap;
	int line;            /* where the record starts */
};

struct csv_reader {
	const char *name;        /* the file's name, for messages */
	const char *p, *end;
	const char *line_start;  /* where the physical line starts */
	const char *counted;     /* the line's characters are counted up to here */
	int counted_col;         /* ... which are this many */
	int line;
	struct buf tmp;
	/* How a message names field idx of the record being read ("row 6, column 'name'");
	 * NULL: "column N". */
	const char *(*where)(void *arg, size_t idx, char *out, size_t n);
	void *where_arg;
	/* A workbook's first sheet (xlsx_read), handed out by csv_read instead of parsing
	 * data: its records in row order (owned), the next one, the sheet's name (owned).
	 * sheet is NULL for a CSV. */
	struct csv_record *rows;
	size_t nrows, next;
	char *sheet;
	/* Its rows are handed out this many fields wide (its widest row's), as a CSV export
	 * of the sheet writes them: padded as each is handed out, so a far cell costs no
	 * memory per row. */
	size_t width;
};

/* Starts reading data[0..len) (borrowed; must outlive the reader) named name. A workbook
 * (.xlsx, a ZIP archive) is read whole here (xlsx_read; its errors): max is the most the
 * caller reads of a CSV, in bytes, which bounds a workbook's parts read (as stored: its
 * pictures and other parts do not count) and its cells' text. An old-format
 * workbook (.xls/.et) or a UTF-16 file (Excel's "Unicode text") is DB_EDATA with one clear
 * sentence; a byte order mark is skipped (columns on line 1 count from after it). */
int csv_open(struct csv_reader *c, const char *name, const char *data, size_t len,
             size_t max, struct dberr *e);
/* Which sheet of a workbook is read, when a workbook may hold several tables (a county's
 * workbook with one sheet per month, saved with another one active): never the first one
 * silently (review of issue 12, H3). */
struct csv_sheet_choice {
	const char *sheet;    /* read the sheet of this name, hidden or not (`--sheet`);
	                         NULL: choose, below */
	/* Of several visible sheets that hold values, the one this accepts (its name or its
	 * rows name what is wanted) is read; none or several: DB_EDATA naming the sheets and
	 * asking which (with `--sheet NAME`). One visible sheet with values is read whatever
	 * its name: the others are blank (Excel's Sheet2, Sheet3). */
	bool (*names_it)(const char *sheet, const struct csv_record *rows, size_t nrows,
	                 void *arg);
	void *arg;
	const char *what;     /* what names_it looks for, in the message ("2017年6月") */
};
/* csv_open, a workbook's sheet chosen by ch (NULL: its first visible sheet). */
int csv_open_sheet(struct csv_reader *c, const char *name, const char *data, size_t len,
                   size_t max, const struct csv_sheet_choice *ch, struct dberr *e);
/* Reads the next record into r (its earlier fields are freed). Returns 1 when one was read,
 * 0 at the end of the data, or DB_EDATA at the field that breaks RFC 4180 (a quote inside
 * an unquoted field, an unterminated quote, text after a closing quote, a NUL byte). */
int csv_read(struct csv_reader *c, struct csv_record *r, struct dberr *e);
/* An empty line, or a record whose every field is blank: what Excel and WPS leave when a
 * row's contents are cleared (",,,,"). */
bool csv_blank(const struct csv_record *r);
/* DB_EDATA at field f (index idx of its record): "FILE:LINE:COL: <where>: what"; for a
 * workbook "FILE:ROW:COL: cell C5 of sheet 'S', <where>: what". */
int csv_field_error(const struct csv_reader *c, const struct csv_field *f, size_t idx,
                    struct dberr *e, const char *what);
/* A field's text checked as a person's: a workbook's formula with a saved value (else
 * "open and save the file in Excel or WPS"), UTF-8 (else "save the spreadsheet as CSV
 * UTF-8"), no control character (line breaks and tabs only when lines), at most max characters
 * (utf8.h: UTF8_LINE_MAX, UTF8_PARA_MAX). DB_EDATA at the field. */
int csv_check_text(const struct csv_reader *c, const struct csv_field *f, size_t idx,
                   bool lines, size_t max, struct dberr *e);
/* Trims blanks at both ends of s in place (spaces, tabs, U+3000). Returns s. */
char *csv_trim(char *s);
/* A date as a county's spreadsheet holds it (csv_date.c), text trimmed: what Excel and WPS
 * in a Chinese locale show and save as CSV, and what people type there, year first —
 * 2017-06-30, 2017-6-30, 2017/6/30, 2017.6.30 (one separator twice), 2017年6月30日 (a
 * weekday after it, 星期五, 周五 or （星期五）, must be the date's), 二〇一七年六月三十日,
 * 20170630; full-width digits and separators as ASCII ones; a time of day after a space
 * (" 0:00", " 10:00:00", a date cell with its time) dropped, the columns holding days.
 * The year last (6/30/2017, 30/6/2017) only when one order of month and day is a date.
 * Writes *day (time/calendar.h's day number) and returns 0; else DB_EDATA with why (n
 * bytes) saying what to write: not a date, a day that does not exist (2017/2/30), a
 * two-digit year (17/6/30), no year (6月30日, 6-30), a month alone (2017年6月, 2017-06),
 * both orders a date (7/6/2017). The caller names the row and column. Cannot fail
 * otherwise; the rules are issue 12's "what a spreadsheet writes" (review12z, Z8). */
int csv_date(const char *text, int32_t *day, char *why, size_t n);
void csv_record_clear(struct csv_record *r);
/* Frees the record's array and the reader's buffer. */
void csv_record_release(struct csv_record *r);
void csv_close(struct csv_reader *c);

#endif
