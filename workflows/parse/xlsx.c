/*
 * xlsx.c - a workbook's first worksheet as CSV records (xlsx.h). The parts read, in order:
 * xl/workbook.xml (the first <sheet>, its relationship id, the date system),
 * xl/_rels/workbook.xml.rels (where that sheet's part is), xl/sharedStrings.xml,
 * xl/styles.xml (which cell formats are dates) and the sheet. ECMA-376 Part 1: §18.2
 * (workbook), §18.4 (shared strings), §18.8.30-31 (number formats, built-in ids), §18.3
 * (sheet data), §18.17.4.1 (date serials, the 1900 and 1904 systems).
 */
#include <expat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "base/buf.h"
#include "base/num.h"
#include "base/xalloc.h"
#include "time/calendar.h"
#include "workflows/parse/csv.h"
#include "workflows/parse/xlsx.h"

#define XLSX_ROWS_MAX 1048576L
#define XLSX_COLS_MAX 16384L
/* Excel's own limit on a cell's text, in characters */
#define XLSX_TEXT_CHARS ((size_t)32767)
/* A workbook's markup is shallow (a cell's rich text is 6 deep) and its tags short; a
 * deeper or longer one is no spreadsheet's. Bounding them bounds expat's work: it keeps
 * a stack per open element, and expat 2.5 scans a tag again from its start at every
 * chunk that does not finish it (quadratic in the tag's length). */
#define XLSX_DEPTH_MAX 64
#define XLSX_TAG_MAX ((size_t)64 << 10)
#define XLSX_MERGES_MAX 10000
#define XLSX_SHEETS_MAX 10000   /* sheets of a workbook considered (a form has one) */
/* Fields handed out, the padding of each row to the widest included: as many as the
 * sheet's CSV export would have. Padding costs no memory (a row is padded as it is handed
 * out, csv_read), only a moment each: about 0.5 s at this cap. */
#define XLSX_FIELDS_MAX ((size_t)16000000)

enum phase { P_WORKBOOK, P_RELS, P_STRINGS, P_STYLES, P_SHEET };

struct xl {
	const char *name;       /* the file, for messages */
	const char *part;       /* the part being read */
	size_t max;             /* the caller's bound (xlsx_read) */
	size_t stored;          /* the parts read, as stored (compressed) */
	size_t text_bytes;      /* the fields' text, every field */
	zip_t *z;
	XML_Parser p;
	struct dberr *e;
	int rc;                 /* the first error a handler met */
	size_t inflated;        /* XML bytes read, every part */
	enum phase ph;
	/* workbook: its sheets in order, each part found through the relationships */
	struct xsheet {
		char *name, *rid, *part;
		bool hidden;
	} *sh;
	size_t nsh, capsh;
	const char *sheet_name; /* of the sheet being read: sh[i].name */
	bool date1904;
	/* shared strings: text of <t> in <si>, phonetic runs (<rPh>) left out; string i is
	 * pool + off[i], NUL-terminated (one allocation, not one per string) */
	struct buf pool;
	size_t *off;
	size_t nsst, capsst;
	int in_si, in_t, in_rph;
	struct buf text;
	size_t text_chars;      /* characters in text */
	/* styles: whether cell format i (cellXfs) shows a date */
	int *datefmt;           /* custom number formats (ids) that show dates */
	size_t ndatefmt, capdatefmt;
	bool *xf_date;
	size_t nxf, capxf;
	int in_cellxfs;
	/* the sheet */
	struct csv_record *rows;
	size_t nrows, caprows, cells;
	long row, col;          /* the current row; the last cell's column */
	int in_c, in_v, in_is;
	bool c_formula;         /* the cell holds a formula (<f>) */
	char ctype[16];
	long cstyle, ccol;
	/* merged ranges (<mergeCell ref="H3:H5">): the top-left cell's value shows across */
	long (*merge)[4];       /* first col, first row, last col, last row */
	size_t nmerge, capmerge;
	int depth;
	/* the tag scan: inside a tag (after '<'), and how long it is so far */
	bool in_tag;
	size_t tag_len;
};

static const char *
local(const char *n)
{
	const char *c = strrchr(n, ':');

	return c ? c + 1 : n;
}

static const char *
attr(const char **a, const char *name)
{
	for (size_t i = 0; a[i]; i += 2)
		if (strcmp(local(a[i]), name) == 0)
			return a[i + 1];
	return NULL;
}

/* Where in the workbook the parse is, as a person would look for it: the cell of the
 * sheet being read ("sheet '附件3', cell A3"), else its row, else the part and its line. */
static void
place(const struct xl *x, char *out, size_t n)
{
	char col[8];

	if (x->ph == P_SHEET && x->in_c) {
		xlsx_column_name((size_t)x->ccol, col);
		snprintf(out, n, "sheet '%s', cell %s%ld", x->sheet_name, col, x->row);
	} else if (x->ph == P_SHEET && x->row > 0) {
		snprintf(out, n, "sheet '%s', row %ld", x->sheet_name, x->row);
	} else {
		snprintf(out, n, "part %s, line %lu", x->part,
		         x->p ? (unsigned long)XML_GetCurrentLineNumber(x->p) : 0UL);
	}
}

/* Records the first error and stops the parse; returns the code. */
static int
fail_at(struct xl *x, const char *what)
{
	char where[160];

	if (x->rc == 0) {
		place(x, where, sizeof(where));
		x->rc = dberr_at(x->e, DB_EDATA, x->name, 0, 0, "the workbook cannot be read "
		                 "(%s): %s", where, what);
	}
	XML_StopParser(x->p, XML_FALSE);
	return x->rc;
}

/* libzip's error, in the words of the person who sent the file: what happened to it and
 * what to do (its own text, "File already exists", says neither). */
static const char *
zip_words(int code)
{
	switch (code) {
	case ZIP_ER_EXISTS:
		return "it holds two parts of the same name, which no spreadsheet program writes "
		       "(it was altered after it was saved?): open it in Excel or WPS and save it "
		       "again, or save the sheet as CSV UTF-8";
	case ZIP_ER_NOPASSWD:
	case ZIP_ER_WRONGPASSWD:
	case ZIP_ER_ENCRNOTSUPP:
		return "it is encrypted (a password or a zip tool's encryption): remove the "
		       "password, save it as .xlsx or as CSV UTF-8";
	case ZIP_ER_COMPNOTSUPP:
		return "it is compressed in a way no spreadsheet program uses (it was repacked "
		       "by another tool?): open the original in Excel or WPS and save it as .xlsx";
	case ZIP_ER_MEMORY:
		return "out of memory";
	default:
		return "it is damaged or cut short (copied, downloaded or mailed incompletely?): "
		       "ask for the file again, or open it in Excel or WPS and save it again";
	}
}

void
xlsx_column_name(size_t col, char *out)
{
	char tmp[4];
	int n = 0;

	while (col > 0 && n < 3) {
		tmp[n++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	for (int i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
}

/* "C5" -> column 3, row 5; false when it is no cell reference in Excel's range. */
static bool
cell_ref(const char *r, long *col, long *row)
{
	long c = 0, w = 0;
	int letters = 0;

	for (; *r >= 'A' && *r <= 'Z' && letters < 4; r++, letters++)
		c = c * 26 + (*r - 'A' + 1);
	if (letters == 0 || letters > 3 || c > XLSX_COLS_MAX)
		return false;
	if (*r < '1' || *r > '9')
		return false;
	for (; *r >= '0' && *r <= '9' && w <= XLSX_ROWS_MAX; r++)
		w = w * 10 + (*r - '0');
	if (*r != '\0' || w > XLSX_ROWS_MAX)
		return false;
	*col = c, *row = w;
	return true;
}

/* num_u64_in for an attribute that may be absent, into a long (hi < 2^31 here). */
static bool
whole(const char *s, long lo, long hi, long *out)
{
	uint64_t v;

	if (s == NULL || hi < lo || !num_u64_in(s, (uint64_t)lo, (uint64_t)hi, &v))
		return false;
	*out = (long)v;
	return true;
}

/* Built-in number formats that show a date (§18.8.30, with the ids East Asian versions
 * give their dates: 27-31, 36, 50-58). Times alone (18-21, 32-35, 45-47) stay numbers. */
static bool
builtin_date(long id)
{
	return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 31) || id == 36 ||
	       (id >= 50 && id <= 58);
}

/* A custom format shows a date when it has a year or a day code outside quoted text,
 * [brackets] and \escapes (m alone is also minutes). */
static bool
code_is_date(const char *s)
{
	for (; *s; s++) {
		if (*s == '"') {
			while (s[1] && s[1] != '"')
				s++;
			if (s[1])
				s++;
		} else if (*s == '[') {
			while (s[1] && s[1] != ']')
				s++;
			if (s[1])
				s++;
		} else if (*s == '\\' && s[1]) {
			s++;
		} else if (*s == 'y' || *s == 'Y' || *s == 'd' || *s == 'D') {
			return true;
		}
	}
	return false;
}

/* ---- the sheet ---- */

/* The record of row, found, or made in row order when make (NULL when not found). */
static struct csv_record *
row_at(struct xl *x, long row, bool make)
{
	size_t lo = 0, hi = x->nrows;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (x->rows[mid].line < row)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < x->nrows && x->rows[lo].line == row)
		return &x->rows[lo];
	if (!make)
		return NULL;
	x->rows = xgrow(x->rows, &x->caprows, x->nrows + 1, sizeof(*x->rows));
	memmove(&x->rows[lo + 1], &x->rows[lo], (x->nrows - lo) * sizeof(*x->rows));
	x->nrows++;
	memset(&x->rows[lo], 0, sizeof(x->rows[lo]));
	x->rows[lo].line = (int)row;
	return &x->rows[lo];
}

/* The most text the fields may hold: the caller's bound, as a CSV of them would be at
 * least, and never more than the XML it could come from (a shared string of 32,767
 * characters named by every cell would be gigabytes). */
static size_t
text_max(const struct xl *x)
{
	return x->max < XLSX_XML_MAX ? x->max : XLSX_XML_MAX;
}

static void
put_field(struct xl *x, struct csv_record *r, long col, const char *text, bool unsaved)
{
	r->f = xgrow(r->f, &r->cap, r->n + 1, sizeof(*r->f));
	r->f[r->n].text = xstrdup(text);
	r->f[r->n].line = (int)x->row;
	r->f[r->n].col = (int)col;
	r->f[r->n].quoted = true;
	r->f[r->n].unsaved = unsaved;
	r->n++;
	x->cells++;
	x->text_bytes += strlen(text);
}

static const char *
too_much_text(const struct xl *x, char *out, size_t n)
{
	snprintf(out, n, "the sheet's cells hold more than %zu MiB of text, the most one file "
	         "may hold: split the rows into several files", text_max(x) >> 20);
	return out;
}

/* The text a person sees for a number under a date format: YYYY-MM-DD, " HH:MM" added
 * when it has a time of day. False when it is no date (before 1900-01-01, the 1900
 * system's 29 February that never was, past 9999). */
static bool
serial_date(const struct xl *x, const char *v, char *out, size_t n)
{
	char *end, day[16];
	double s = strtod(v, &end);
	long whole_days, mins;
	int32_t epoch;

	if (end == v || *end != '\0' || !(s >= 1 && s < 2958466))
		return false;
	whole_days = (long)s;
	if (x->date1904)
		epoch = (int32_t)(whole_days - 24107);
	else if (whole_days == 60)
		return false;
	else
		epoch = (int32_t)(whole_days - (whole_days < 60 ? 25568 : 25569));
	mins = (long)((s - (double)whole_days) * 1440.0 + 0.5);
	if (mins >= 1440)
		mins = 1439;
	cal_format_date(epoch, day);
	if (mins > 0)
		snprintf(out, n, "%s %02ld:%02ld", day, mins / 60, mins % 60);
	else
		snprintf(out, n, "%s", day);
	return true;
}

static void
end_cell(struct xl *x)
{
	const char *v = buf_str(&x->text);
	char shown[64], why[160];
	long idx;
	struct csv_record *r;
	bool unsaved;

	if (strcmp(x->ctype, "s") == 0) {
		if (!whole(v, 0, (long)x->nsst - 1, &idx)) {
			fail_at(x, "it names a shared string the workbook does not have (the file is "
			        "damaged: open it in Excel or WPS and save it again)");
			return;
		}
		v = x->pool.data + x->off[idx];
	} else if (strcmp(x->ctype, "b") == 0) {
		v = strcmp(v, "1") == 0 ? "TRUE" : v[0] ? "FALSE" : "";
	} else if (strcmp(x->ctype, "d") == 0) {
		/* an ISO 8601 date cell: its date, as a date format would show it */
		snprintf(shown, sizeof(shown), "%.10s", v);
		v = shown;
	} else if ((x->ctype[0] == '\0' || strcmp(x->ctype, "n") == 0) && x->cstyle >= 0 &&
	           (size_t)x->cstyle < x->nxf && x->xf_date[x->cstyle] &&
	           serial_date(x, v, shown, sizeof(shown))) {
		v = shown;
	}
	/* a formula saved without its value (openpyxl, pandas): Excel shows a value, the file
	 * has none; a formula whose value is text may be "" (t="str") */
	unsaved = x->c_formula && v[0] == '\0' && strcmp(x->ctype, "str") != 0;
	if (v[0] == '\0' && !unsaved)
		return;
	if (x->text_bytes + strlen(v) > text_max(x)) {
		fail_at(x, too_much_text(x, why, sizeof(why)));
		return;
	}
	r = row_at(x, x->row, true);
	if ((long)r->n >= x->ccol) {
		fail_at(x, "a cell comes twice, or out of column order, in its row");
		return;
	}
	/* the cell and the empty ones before it */
	if (x->cells + (size_t)(x->ccol - (long)r->n) > XLSX_CELLS_MAX) {
		fail_at(x, "more than 2,000,000 cells: a form or a registry sheet has far fewer");
		return;
	}
	while ((long)r->n < x->ccol - 1)
		put_field(x, r, (long)r->n + 1, "", false);
	put_field(x, r, x->ccol, v, unsaved);
}

static void
sheet_start(struct xl *x, const char *n, const char **a)
{
	if (strcmp(n, "row") == 0) {
		const char *r = attr(a, "r");
		long row;

		if (r == NULL)
			row = x->row + 1;
		else if (!whole(r, 1, XLSX_ROWS_MAX, &row)) {
			fail_at(x, "a row number is not one Excel has (1 to 1048576)");
			return;
		}
		if (row <= x->row && x->row > 0) {
			fail_at(x, "a row comes after a later row");
			return;
		}
		x->row = row;
		x->col = 0;
	} else if (strcmp(n, "c") == 0) {
		const char *r = attr(a, "r"), *t = attr(a, "t"), *s = attr(a, "s");
		long col, row;

		if (x->row == 0)
			x->row = 1;
		if (r == NULL) {
			col = x->col + 1;
		} else if (!cell_ref(r, &col, &row) || row != x->row) {
			fail_at(x, "a cell reference is not a cell of its row in Excel's range (A1 to "
			        "XFD1048576)");
			return;
		}
		if (col > XLSX_COLS_MAX) {
			fail_at(x, "a cell past column XFD");
			return;
		}
		x->ccol = x->col = col;
		x->c_formula = false;
		snprintf(x->ctype, sizeof(x->ctype), "%s", t ? t : "");
		if (s == NULL || !whole(s, 0, 1L << 30, &x->cstyle))
			x->cstyle = -1;
		x->in_c = 1;
		x->text_chars = 0, buf_reset(&x->text);
	} else if (x->in_c && strcmp(n, "v") == 0) {
		x->in_v = 1;
	} else if (x->in_c && strcmp(n, "f") == 0) {
		x->c_formula = true;
	} else if (x->in_c && strcmp(n, "is") == 0) {
		x->in_is = 1;
	} else if (x->in_is && strcmp(n, "t") == 0) {
		x->in_t = 1;
	} else if (x->in_is && strcmp(n, "rPh") == 0) {
		x->in_rph++;
	} else if (strcmp(n, "mergeCell") == 0) {
		const char *ref = attr(a, "ref"), *colon = ref ? strchr(ref, ':') : NULL;
		char first[16];
		long m[4];

		if (colon == NULL || (size_t)(colon - ref) >= sizeof(first))
			return;
		memcpy(first, ref, (size_t)(colon - ref));
		first[colon - ref] = '\0';
		if (!cell_ref(first, &m[0], &m[1]) || !cell_ref(colon + 1, &m[2], &m[3]) ||
		    m[2] < m[0] || m[3] < m[1]) {
			fail_at(x, "a merged range is not a range of cells in Excel's range");
			return;
		}
		if (x->nmerge >= XLSX_MERGES_MAX) {
			fail_at(x, "more than 10,000 merged ranges: no form has that many");
			return;
		}
		x->merge = xgrow(x->merge, &x->capmerge, x->nmerge + 1, sizeof(*x->merge));
		memcpy(x->merge[x->nmerge++], m, sizeof(m));
	}
}

static void
sheet_end(struct xl *x, const char *n)
{
	if (strcmp(n, "c") == 0 && x->in_c) {
		x->in_v = x->in_is = x->in_t = 0;
		end_cell(x);
		x->in_c = 0;
	} else if (strcmp(n, "v") == 0) {
		x->in_v = 0;
	} else if (strcmp(n, "is") == 0) {
		x->in_is = 0;
	} else if (strcmp(n, "t") == 0) {
		x->in_t = 0;
	} else if (strcmp(n, "rPh") == 0 && x->in_rph > 0) {
		x->in_rph--;
	}
}

/* ---- the other parts ---- */

static void
strings_end(struct xl *x, const char *n)
{
	if (strcmp(n, "si") == 0 && x->in_si) {
		if (x->nsst >= XLSX_CELLS_MAX) {
			fail_at(x, "more than 2,000,000 shared strings: a form or a registry sheet has "
			        "far fewer");
			return;
		}
		x->off = xgrow(x->off, &x->capsst, x->nsst + 1, sizeof(*x->off));
		x->off[x->nsst++] = x->pool.len;
		buf_append(&x->pool, x->text.data ? x->text.data : "", x->text.len);
		buf_putc(&x->pool, '\0');
		x->in_si = 0;
	} else if (strcmp(n, "t") == 0) {
		x->in_t = 0;
	} else if (strcmp(n, "rPh") == 0 && x->in_rph > 0) {
		x->in_rph--;
	}
}

static void
styles_start(struct xl *x, const char *n, const char **a)
{
	long id;

	if (strcmp(n, "numFmt") == 0) {
		const char *code = attr(a, "formatCode");

		if (whole(attr(a, "numFmtId"), 0, 1L << 30, &id) && code && code_is_date(code)) {
			x->datefmt = xgrow(x->datefmt, &x->capdatefmt, x->ndatefmt + 1,
			                   sizeof(*x->datefmt));
			x->datefmt[x->ndatefmt++] = (int)id;
		}
	} else if (strcmp(n, "cellXfs") == 0) {
		x->in_cellxfs = 1;
	} else if (x->in_cellxfs && strcmp(n, "xf") == 0) {
		bool date = false;

		if (whole(attr(a, "numFmtId"), 0, 1L << 30, &id)) {
			date = builtin_date(id);
			for (size_t i = 0; !date && i < x->ndatefmt; i++)
				date = x->datefmt[i] == id;
		}
		x->xf_date = xgrow(x->xf_date, &x->capxf, x->nxf + 1, sizeof(*x->xf_date));
		x->xf_date[x->nxf++] = date;
	}
}

static void XMLCALL
on_start(void *arg, const char *name, const char **a)
{
	struct xl *x = arg;
	const char *n = local(name);

	if (++x->depth > XLSX_DEPTH_MAX) {
		fail_at(x, "elements nested more than 64 deep: no workbook part is");
		return;
	}
	switch (x->ph) {
	case P_WORKBOOK:
		if (strcmp(n, "sheet") == 0 && x->nsh < XLSX_SHEETS_MAX) {
			const char *nm = attr(a, "name"), *id = attr(a, "id"), *st = attr(a, "state");
			struct xsheet *s;

			x->sh = xgrow(x->sh, &x->capsh, x->nsh + 1, sizeof(*x->sh));
			s = &x->sh[x->nsh++];
			s->name = xstrdup(nm ? nm : "");
			s->rid = xstrdup(id ? id : "");
			s->part = NULL;
			/* a hidden sheet is not the form a person filled in */
			s->hidden = st && (strcmp(st, "hidden") == 0 || strcmp(st, "veryHidden") == 0);
		} else if (strcmp(n, "workbookPr") == 0) {
			const char *d = attr(a, "date1904");

			x->date1904 = d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
		}
		break;
	case P_RELS:
		if (strcmp(n, "Relationship") == 0) {
			const char *id = attr(a, "Id"), *t = attr(a, "Target");

			for (size_t i = 0; id && t && i < x->nsh; i++)
				if (x->sh[i].part == NULL && strcmp(id, x->sh[i].rid) == 0)
					x->sh[i].part = t[0] == '/' ? xstrdup(t + 1)
					                : strncmp(t, "../", 3) == 0 ? xstrdup(t + 3)
					                : xasprintf("xl/%s", t);
		}
		break;
	case P_STRINGS:
		if (strcmp(n, "si") == 0) {
			x->in_si = 1;
			x->in_rph = 0;
			x->text_chars = 0, buf_reset(&x->text);
		} else if (x->in_si && strcmp(n, "rPh") == 0) {
			x->in_rph++;
		} else if (x->in_si && strcmp(n, "t") == 0) {
			x->in_t = 1;
		}
		break;
	case P_STYLES:
		styles_start(x, n, a);
		break;
	case P_SHEET:
		sheet_start(x, n, a);
		break;
	}
}

static void XMLCALL
on_end(void *arg, const char *name)
{
	struct xl *x = arg;
	const char *n = local(name);

	x->depth--;
	if (x->ph == P_STRINGS)
		strings_end(x, n);
	else if (x->ph == P_STYLES && strcmp(n, "cellXfs") == 0)
		x->in_cellxfs = 0;
	else if (x->ph == P_SHEET)
		sheet_end(x, n);
}

static void XMLCALL
on_text(void *arg, const char *s, int len)
{
	struct xl *x = arg;
	bool keep = x->ph == P_STRINGS ? x->in_si && x->in_t && x->in_rph == 0
	            : x->ph == P_SHEET ? x->in_v || (x->in_is && x->in_t && x->in_rph == 0)
	            : false;

	if (!keep)
		return;
	for (int i = 0; i < len; i++)
		x->text_chars += ((unsigned char)s[i] & 0xC0) != 0x80;
	if (x->text_chars > XLSX_TEXT_CHARS)
		fail_at(x, "a cell holds more than 32,767 characters, Excel's limit for a cell");
	else
		buf_append(&x->text, s, (size_t)len);
}

/* A workbook's parts never have one; refusing it means no entity is ever declared, so
 * none is expanded (no "billion laughs", no external file). */
static void XMLCALL
on_doctype(void *arg, const char *name, const char *sysid, const char *pubid, int internal)
{
	(void)name, (void)sysid, (void)pubid, (void)internal;
	fail_at(arg, "it has a DOCTYPE, which no workbook part has");
}

/* expat's refusal, said of the cell (or row, or part) where it stopped: a character no
 * cell may hold (&#27;, &#0;: written by a program, not a spreadsheet), or markup cut short
 * or broken; expat's own words last, for whoever repairs the file. */
static int
xml_fault(struct xl *x)
{
	enum XML_Error code = XML_GetErrorCode(x->p);
	char where[160];
	const char *what;

	place(x, where, sizeof(where));
	if (code == XML_ERROR_BAD_CHAR_REF || code == XML_ERROR_INVALID_TOKEN)
		what = "it holds a character no cell can hold (a control character such as ESC or "
		       "NUL, written by a program, not by Excel or WPS): clear the cell and type its "
		       "value again, or save the sheet as CSV UTF-8";
	else
		what = "the file is damaged or cut short (copied or mailed incompletely?): ask for "
		       "it again, or open it in Excel or WPS and save it again";
	return dberr_at(x->e, DB_EDATA, x->name, 0, 0, "the workbook cannot be read (%s): %s "
	                "(XML: %s at line %lu, column %lu of part %s)", where, what,
	                XML_ErrorString(code), (unsigned long)XML_GetCurrentLineNumber(x->p),
	                (unsigned long)XML_GetCurrentColumnNumber(x->p) + 1, x->part);
}

/* Streams one part through expat. A missing part is 0 when !required. */
static int
read_part(struct xl *x, const char *part, enum phase ph, bool required)
{
	char chunk[65536];
	zip_stat_t zs;
	zip_file_t *f = zip_fopen(x->z, part, ZIP_FL_NOCASE);
	zip_int64_t n;
	int rc = 0;

	x->part = part;
	x->ph = ph;
	x->depth = 0;
	x->in_tag = false;
	x->tag_len = 0;
	if (f == NULL) {
		int ze = zip_error_code_zip(zip_get_error(x->z));

		if (ze == ZIP_ER_NOENT && !required)
			return 0;
		if (ze == ZIP_ER_NOENT)
			return dberr_at(x->e, DB_EDATA, x->name, 0, 0, "the workbook cannot be read: "
			                "it has no part %s, which a workbook has (save it again from "
			                "the spreadsheet, as .xlsx or as CSV UTF-8)", part);
		return dberr_at(x->e, DB_EDATA, x->name, 0, 0, "the workbook cannot be read (part "
		                "%s): %s", part, zip_words(ze));
	}
	/* what is read counts, as stored; the workbook's pictures (a photo of the stamped
	 * form) and other parts do not (review12x, M4) */
	zip_stat_init(&zs);
	if (zip_stat(x->z, part, ZIP_FL_NOCASE, &zs) == 0 && (zs.valid & ZIP_STAT_COMP_SIZE))
		x->stored += (size_t)zs.comp_size;
	if (x->stored > x->max) {
		zip_fclose(f);
		return dberr_at(x->e, DB_EDATA, x->name, 0, 0, "the workbook's sheet, with its "
		                "strings and styles, takes more than %zu MiB in the file (pictures and "
		                "other parts do not count), the most one file may: split the rows "
		                "into several files", x->max >> 20);
	}
	x->p = XML_ParserCreate("UTF-8");
	XML_SetUserData(x->p, x);
	XML_SetElementHandler(x->p, on_start, on_end);
	XML_SetCharacterDataHandler(x->p, on_text);
	XML_SetStartDoctypeDeclHandler(x->p, on_doctype);
	x->text_chars = 0, buf_reset(&x->text);
	for (;;) {
		n = zip_fread(f, chunk, sizeof(chunk));
		if (n < 0) {
			rc = dberr_at(x->e, DB_EDATA, x->name, 0, 0, "the workbook cannot be read "
			              "(part %s): %s", part,
			              zip_words(zip_error_code_zip(zip_file_get_error(f))));
			break;
		}
		x->inflated += (size_t)n;
		for (zip_int64_t i = 0; i < n; i++) {
			if (chunk[i] == '<')
				x->in_tag = true, x->tag_len = 0;
			else if (chunk[i] == '>')
				x->in_tag = false;
			else if (x->in_tag && ++x->tag_len > XLSX_TAG_MAX)
				break;
		}
		if (x->in_tag && x->tag_len > XLSX_TAG_MAX) {
			rc = dberr_at(x->e, DB_EDATA, x->name, 0, 0, "the workbook cannot be read: part "
			              "%s has a tag longer than 64 KiB (a name or attribute no "
			              "spreadsheet writes)", part);
			break;
		}
		if (x->inflated > XLSX_XML_MAX) {
			rc = dberr_at(x->e, DB_EDATA, x->name, 0, 0, "the workbook inflates to more "
			              "than %zu MiB of XML: no form or registry is that large (a "
			              "\"ZIP bomb\"?)", XLSX_XML_MAX >> 20);
			break;
		}
		if (XML_Parse(x->p, chunk, (int)n, n == 0) == XML_STATUS_ERROR) {
			rc = x->rc != 0 ? x->rc : xml_fault(x);
			break;
		}
		if (x->rc != 0) {
			rc = x->rc;
			break;
		}
		if (n == 0)
			break;
	}
	XML_ParserFree(x->p);
	x->p = NULL;
	zip_fclose(f);
	return rc;
}

/* A merged range shows its top-left cell's value across every cell it covers; a person
 * who merged 清理措施 over three enterprises' rows said it of all three. */
static int
fill_merges(struct xl *x)
{
	size_t area = 0;
	char why[160];

	for (size_t i = 0; i < x->nmerge; i++) {
		area += (size_t)(x->merge[i][2] - x->merge[i][0] + 1) *
		        (size_t)(x->merge[i][3] - x->merge[i][1] + 1);
		if (area > XLSX_CELLS_MAX)
			return dberr_at(x->e, DB_EDATA, x->name, 0, 0, "the workbook cannot be read: "
			                "its merged ranges cover more than 2,000,000 cells (a form or a "
			                "registry sheet has far fewer)");
	}
	for (size_t i = 0; i < x->nmerge; i++) {
		const long *m = x->merge[i];
		struct csv_record *top = row_at(x, m[1], false);
		char *v;

		if (top == NULL || (long)top->n < m[0] || top->f[m[0] - 1].text[0] == '\0')
			continue;
		v = xstrdup(top->f[m[0] - 1].text);
		for (long r = m[1]; r <= m[3]; r++) {
			struct csv_record *rec = row_at(x, r, true);

			x->row = r;
			for (long c = m[0]; c <= m[2]; c++) {
				while ((long)rec->n < c)
					put_field(x, rec, (long)rec->n + 1, "", false);
				if (rec->f[c - 1].text[0] != '\0')
					continue;
				if (x->text_bytes + strlen(v) > text_max(x)) {
					free(v);
					return dberr_at(x->e, DB_EDATA, x->name, 0, 0, "the workbook cannot "
					                "be read: %s", too_much_text(x, why, sizeof(why)));
				}
				free(rec->f[c - 1].text);
				rec->f[c - 1].text = xstrdup(v);
				rec->f[c - 1].unsaved = false;
				x->text_bytes += strlen(v);
			}
		}
		free(v);
	}
	return 0;
}

/* Every row as wide as the widest, as a spreadsheet's CSV export writes the used range:
 * a row whose last cells are empty still has them (a registry row must have as many fields
 * as its header). csv_read pads each row as it hands it out: one stray cell far to the
 * right costs a moment per row, not memory per row (review12x, m7). */
static int
widest(struct xl *x, size_t *width)
{
	char col[8];

	*width = 0;
	for (size_t i = 0; i < x->nrows; i++)
		if (x->rows[i].n > *width)
			*width = x->rows[i].n;
	xlsx_column_name(*width, col);
	if (*width > 0 && x->nrows > XLSX_FIELDS_MAX / *width)
		return dberr_at(x->e, DB_EDATA, x->name, 0, 0, "the workbook cannot be read: its "
		                "sheet '%s' spans %zu rows by %zu columns (to column %s), more than "
		                "16,000,000 cells: clear the cells far to the right of the table "
		                "(Ctrl+End goes to the last one)", x->sheet_name, x->nrows, *width,
		                col);
	return 0;
}

bool
xlsx_is_zip(const char *data, size_t len)
{
	return len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
}

/* Drops the rows read of a sheet, so that another is read afresh. */
static void
sheet_drop(struct xl *x)
{
	for (size_t i = 0; i < x->nrows; i++)
		csv_record_release(&x->rows[i]);
	x->nrows = 0;
	x->nmerge = 0;
	x->cells = 0;
	x->row = x->col = 0;
	x->in_c = x->in_v = x->in_is = 0;
}

/* Reads sheet i into x->rows (its merged ranges filled), within the bounds of one sheet. */
static int
sheet_read(struct xl *x, size_t i, size_t stored, size_t text_bytes)
{
	int rc;

	sheet_drop(x);
	x->stored = stored;
	x->text_bytes = text_bytes;
	x->sheet_name = x->sh[i].name;
	if (x->sh[i].part == NULL)
		return dberr_at(x->e, DB_EDATA, x->name, 0, 0, "the workbook cannot be read: its "
		                "sheet '%s' names no part", x->sh[i].name);
	if ((rc = read_part(x, x->sh[i].part, P_SHEET, true)) != 0)
		return rc;
	return fill_merges(x);
}

/* "'5月', '6月'": the names of the sheets in list (indexes), for a message. */
static void
sheet_names(const struct xl *x, const size_t *list, size_t n, struct buf *b)
{
	for (size_t i = 0; i < n; i++)
		buf_printf(b, "%s'%s'", i ? ", " : "", x->sh[list[i]].name);
}

/* Which sheet to read (review of issue 12, H3): the one ch names; without a choice, or of
 * one visible sheet, the first visible one; else the only visible one holding values, else
 * the only one of those ch->names_it accepts; none or several is DB_EDATA naming them. */
static int
sheet_choose(struct xl *x, const struct csv_sheet_choice *ch, size_t stored,
             size_t text_bytes, size_t *pick)
{
	size_t *full = NULL, *named = NULL, nfull = 0, nnamed = 0, nvis = 0, first = SIZE_MAX;
	struct buf b = BUF_INIT;
	int rc = 0;

	if (ch && ch->sheet) {
		for (size_t i = 0; i < x->nsh; i++)
			if (strcmp(x->sh[i].name, ch->sheet) == 0) {
				*pick = i;
				return 0;
			}
		for (size_t i = 0; i < x->nsh; i++)
			buf_printf(&b, "%s'%s'", i ? ", " : "", x->sh[i].name);
		rc = dberr_at(x->e, DB_EDATA, x->name, 0, 0, "the workbook has no sheet '%s': its "
		              "sheets are %s", ch->sheet, buf_str(&b));
		buf_release(&b);
		return rc;
	}
	for (size_t i = 0; i < x->nsh; i++)
		if (!x->sh[i].hidden) {
			nvis++;
			if (first == SIZE_MAX)
				first = i;
		}
	if (first == SIZE_MAX)
		return dberr_at(x->e, DB_EDATA, x->name, 0, 0, "the workbook has no worksheet a "
		                "person sees (every sheet is hidden)");
	*pick = first;
	if (ch == NULL || ch->names_it == NULL || nvis == 1)
		return 0;
	full = xcalloc(nvis, sizeof(*full));
	named = xcalloc(nvis, sizeof(*named));
	for (size_t i = 0; i < x->nsh && rc == 0; i++) {
		if (x->sh[i].hidden || (rc = sheet_read(x, i, stored, text_bytes)) != 0)
			continue;
		if (x->nrows == 0)
			continue;
		full[nfull++] = i;
		if (ch->names_it(x->sh[i].name, x->rows, x->nrows, ch->arg))
			named[nnamed++] = i;
	}
	sheet_drop(x);
	if (rc != 0)
		goto out;
	if (nfull <= 1) {
		*pick = nfull ? full[0] : first;   /* the others are blank */
	} else if (nnamed == 1) {
		*pick = named[0];
	} else {
		sheet_names(x, full, nfull, &b);
		if (nnamed > 1) {
			buf_puts(&b, "), and several name ");
			buf_puts(&b, ch->what ? ch->what : "it");
			buf_puts(&b, " (");
			sheet_names(x, named, nnamed, &b);
			buf_puts(&b, ")");
		} else {
			buf_puts(&b, "), and none names ");
			buf_puts(&b, ch->what ? ch->what : "it");
			buf_puts(&b, " in its name or its title");
		}
		rc = dberr_at(x->e, DB_EDATA, x->name, 0, 0, "the workbook has %zu sheets with values "
		              "(%s: which one is the table? name it with --sheet NAME, or save that "
		              "sheet alone as .xlsx or CSV UTF-8", nfull, buf_str(&b));
	}
out:
	buf_release(&b);
	free(full);
	free(named);
	return rc;
}

int
xlsx_read(struct csv_reader *c, const char *name, const char *data, size_t len, size_t max,
          const struct csv_sheet_choice *ch, struct dberr *e)
{
	struct xl x;
	zip_error_t ze;
	zip_source_t *src;
	size_t width, pick = 0, stored, text_bytes;
	int rc;

	memset(&x, 0, sizeof(x));
	x.name = name;
	x.e = e;
	x.max = max;
	zip_error_init(&ze);
	if ((src = zip_source_buffer_create(data, len, 0, &ze)) == NULL ||
	    (x.z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze)) == NULL) {
		rc = dberr_at(e, DB_EDATA, name, 0, 0, "the file starts as a workbook (.xlsx, a ZIP "
		              "archive) but cannot be read as one: %s (%s)",
		              zip_words(zip_error_code_zip(&ze)), zip_error_strerror(&ze));
		zip_error_fini(&ze);
		if (src)
			zip_source_free(src);
		goto fail;
	}
	if ((rc = read_part(&x, "xl/workbook.xml", P_WORKBOOK, true)) != 0)
		goto fail;
	if (x.nsh == 0) {
		rc = dberr_at(e, DB_EDATA, name, 0, 0, "the workbook has no worksheet");
		goto fail;
	}
	if ((rc = read_part(&x, "xl/_rels/workbook.xml.rels", P_RELS, true)) != 0 ||
	    (rc = read_part(&x, "xl/sharedStrings.xml", P_STRINGS, false)) != 0 ||
	    (rc = read_part(&x, "xl/styles.xml", P_STYLES, false)) != 0)
		goto fail;
	/* each sheet read is bounded as the one sheet read is */
	stored = x.stored, text_bytes = x.text_bytes;
	if ((rc = sheet_choose(&x, ch, stored, text_bytes, &pick)) != 0 ||
	    (rc = sheet_read(&x, pick, stored, text_bytes)) != 0 || (rc = widest(&x, &width)) != 0)
		goto fail;
	c->rows = x.rows;
	c->nrows = x.nrows;
	c->width = width;
	c->next = 0;
	c->sheet = xstrdup(x.sh[pick].name);
	x.rows = NULL, x.nrows = 0;
	rc = 0;
fail:
	for (size_t i = 0; i < x.nrows; i++)
		csv_record_release(&x.rows[i]);
	free(x.rows);
	buf_release(&x.pool);
	free(x.off);
	free(x.merge);
	free(x.datefmt);
	free(x.xf_date);
	for (size_t i = 0; i < x.nsh; i++) {
		free(x.sh[i].name);
		free(x.sh[i].rid);
		free(x.sh[i].part);
	}
	free(x.sh);
	buf_release(&x.text);
	if (x.z)
		zip_discard(x.z);
	return rc;
}

/* ---- a workbook written whole ---- */

int
xlsx_whole(const char *data, size_t len, struct dberr *e)
{
	char chunk[65536];
	zip_error_t ze;
	zip_source_t *src;
	zip_t *z = NULL;
	zip_int64_t n;
	int rc = 0;

	zip_error_init(&ze);
	if ((src = zip_source_buffer_create(data, len, 0, &ze)) == NULL ||
	    (z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze)) == NULL) {
		rc = dberr_set(e, DB_EDATA, "it is no whole ZIP archive (%s)",
		               zip_error_strerror(&ze));
		zip_error_fini(&ze);
		if (src)
			zip_source_free(src);
		return rc;
	}
	n = zip_get_num_entries(z, 0);
	for (zip_int64_t i = 0; rc == 0 && i < n; i++) {
		const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
		size_t nl = name ? strlen(name) : 0;
		bool xml = nl > 4 && (strcmp(name + nl - 4, ".xml") == 0 ||
		                      (nl > 5 && strcmp(name + nl - 5, ".rels") == 0));
		zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)i, 0);
		XML_Parser p = xml ? XML_ParserCreate("UTF-8") : NULL;
		zip_int64_t k;

		if (f == NULL) {
			rc = dberr_set(e, DB_EDATA, "part %s cannot be opened", name ? name : "?");
			XML_ParserFree(p);
			break;
		}
		/* libzip checks the CRC at the end of each part: a read error is a damaged one */
		do {
			if ((k = zip_fread(f, chunk, sizeof(chunk))) < 0)
				rc = dberr_set(e, DB_EDATA, "part %s is damaged", name);
			else if (p && XML_Parse(p, chunk, (int)k, k == 0) == XML_STATUS_ERROR)
				rc = dberr_set(e, DB_EDATA, "part %s is cut short or broken (%s)", name,
				               XML_ErrorString(XML_GetErrorCode(p)));
		} while (rc == 0 && k > 0);
		if (p)
			XML_ParserFree(p);
		zip_fclose(f);
	}
	zip_discard(z);
	return rc;
}
