/*
 * registry_csv.c - enterprises from a spreadsheet saved as CSV (RFC 4180).
 *
 * Bureaus keep their enterprise lists in spreadsheets; the records are csv.h's, which
 * takes what a spreadsheet writes: a UTF-8 byte order mark, CRLF or LF line ends, quoted
 * fields holding commas, doubled quotes and line breaks. Every message names the physical line and byte
 * column where the field starts, and the row number and column name a person looking at the
 * spreadsheet would use (row 1 is the first row after the header). docs/registry-format.md
 * describes the columns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include "time/calendar.h"
#include "workflows/parse/csv.h"
#include "workflows/parse/registry_int.h"

/* Standard columns; anything else is COL_CONTACT ("contact:ROLE"), a free attribute, or a
 * column without a name. Spreadsheets export trailing empty columns ("id,name,,,"), so an
 * unnamed column is accepted as long as it stays empty. */
enum csv_col {
	COL_ID = 0, COL_NAME, COL_JURISDICTION, COL_INDUSTRY, COL_LISTED, COL_MEASURE,
	COL_RECTIFY_BY, COL_RESPONSIBLE_UNIT, COL_RESPONSIBLE_PERSON, COL_EMAIL, COL_NSTD,
	COL_CONTACT = COL_NSTD, COL_ATTR, COL_UNNAMED,
};

/* In enum order, which is also the order the fields are written in a subject. */
static const char *const std_columns[COL_NSTD] = {
	"id", "name", "jurisdiction", "industry", "listed", "measure", "rectify_by",
	"responsible_unit", "responsible_person", "email",
};

static const bool required_column[COL_NSTD] = {
	[COL_ID] = true, [COL_NAME] = true, [COL_JURISDICTION] = true, [COL_INDUSTRY] = true,
};

struct csv {
	struct csv_reader rd;    /* the records (csv.h) */
	const char *name;
	/* Header, once read. */
	char **colname;          /* owned */
	enum csv_col *colkind;
	size_t ncols;
	size_t row;              /* data row being read, 1-based; 0 while reading the header */
};

/* "row 6, column 'industry'" or, in the header, "header, column 3". */
static const char *
where(void *arg, size_t idx, char *out, size_t n)
{
	const struct csv *c = arg;

	if (c->row == 0)
		snprintf(out, n, "header, column %zu", idx + 1);
	else if (idx < c->ncols && c->colkind[idx] != COL_UNNAMED)
		snprintf(out, n, "row %zu, column '%s'", c->row, c->colname[idx]);
	else
		snprintf(out, n, "row %zu, column %zu", c->row, idx + 1);
	return out;
}

static int
field_error(const struct csv *c, const struct csv_field *f, size_t idx, struct dberr *e,
            const char *what)
{
	return csv_field_error(&c->rd, f, idx, e, what);
}

/* A free attribute may hold line breaks and tabs, nothing else may (csv.h). A free
 * attribute, and a list of addresses (each bounded by the address grammar), may be as long
 * as a text of several lines; every other value is one line's. */
static int
check_text(const struct csv *c, const struct csv_field *f, size_t idx, struct dberr *e)
{
	enum csv_col k = idx < c->ncols ? c->colkind[idx] : COL_UNNAMED;
	bool lines = c->row > 0 && k == COL_ATTR;
	bool list = c->row > 0 && (k == COL_EMAIL || k == COL_CONTACT);

	return csv_check_text(&c->rd, f, idx, lines,
	                      lines || list ? UTF8_PARA_MAX : UTF8_LINE_MAX, e);
}

/* Reads one record and checks its texts. Returns 1 when one was read, 0 at the end of the
 * data, or DB_EDATA. */
static int
read_record(struct csv *c, struct csv_record *r, bool header, struct dberr *e)
{
	int rc = csv_read(&c->rd, r, e);

	/* a header of one cell holding semicolons or tabs is a file whose columns are
	 * separated by them (Excel's CSV where the decimal mark is a comma, "Text (Tab
	 * delimited)"): said so, before a TAB is refused as a control character or 'id' is
	 * missing (review13f C9) */
	if (header && rc == 1 && r->n == 1 && strpbrk(r->f[0].text, ";\t") != NULL)
		return dberr_at(e, DB_EDATA, c->name, r->f[0].line, r->f[0].col, "header: the "
		                "columns are separated by %s, not commas: save the spreadsheet as "
		                "\"CSV UTF-8\" (comma-separated) and import that",
		                strchr(r->f[0].text, ';') ? "semicolons" : "tabs");

	for (size_t i = 0; rc == 1 && i < r->n; i++)
		if (check_text(c, &r->f[i], i, e) != 0)
			rc = DB_EDATA;
	return rc;
}

/* Spreadsheet cells often carry stray blanks; they are never meant. Trims s in place. */
static char *
trim(char *s)
{
	return utf8_trim(s);
}

static int
read_header(struct csv *c, struct csv_record *r, struct dberr *e)
{
	bool seen[COL_NSTD] = {false};
	char msg[512], clip[UTF8_CLIP_BUF], clip2[UTF8_CLIP_BUF];
	/* the names seen so far: a header of 100,000 columns is checked in time linear in
	 * its length, as its rows are (review 13d, F16) */
	struct hmap names = HMAP_INIT;
	size_t i, j;
	int rc = 0;

	do {
		if ((rc = read_record(c, r, true, e)) < 0)
			return rc;
		if (rc == 0)
			return dberr_at(e, DB_EDATA, c->name, 1, 1, "empty file: expected a "
			                "header row naming the columns (id, name, jurisdiction, "
			                "industry, ...)");
	} while (csv_blank(r));
	c->ncols = r->n;
	c->colname = xcalloc(r->n, sizeof(*c->colname));
	c->colkind = xcalloc(r->n, sizeof(*c->colkind));
	for (i = 0; i < r->n; i++) {
		const char *name = trim(r->f[i].text);

		c->colname[i] = xstrdup(name);
		if (name[0] == '\0') {
			c->colkind[i] = COL_UNNAMED;
			continue;
		}
		if (hmap_get(&names, c->colname[i], &j)) {
			snprintf(msg, sizeof(msg), "column '%s' appears twice (first as column %zu)",
			         utf8_clip(name, clip), j + 1);
			rc = field_error(c, &r->f[i], i, e, msg);
			goto out;
		}
		hmap_put(&names, c->colname[i], i);
		c->colkind[i] = COL_ATTR;
		for (j = 0; j < COL_NSTD; j++)
			if (strcmp(std_columns[j], name) == 0) {
				c->colkind[i] = (enum csv_col)j;
				seen[j] = true;
			}
		if (strncmp(name, "contact:", 8) == 0) {
			c->colkind[i] = COL_CONTACT;
			if (!registry_valid_role_id(name + 8)) {
				snprintf(msg, sizeof(msg), "bad role id '%s' in column '%s' (expected "
				         "contact:ROLE)", utf8_clip(name + 8, clip), utf8_clip(name, clip2));
				rc = field_error(c, &r->f[i], i, e, msg);
				goto out;
			}
		} else if (c->colkind[i] == COL_ATTR && registry_standard_field(name)) {
			snprintf(msg, sizeof(msg), "column '%s' is reserved and cannot hold a "
			         "free attribute", utf8_clip(name, clip));
			rc = field_error(c, &r->f[i], i, e, msg);
			goto out;
		}
	}
	hmap_release(&names);
	for (j = 0; j < COL_NSTD; j++) {
		bool other_case = false;

		if (!required_column[j] || seen[j])
			continue;
		for (i = 0; i < c->ncols; i++)
			other_case |= strcasecmp(c->colname[i], std_columns[j]) == 0;
		return dberr_at(e, DB_EDATA, c->name, r->line, 1, "header: missing required "
		                "column '%s' (required: id, name, jurisdiction, industry)%s",
		                std_columns[j], other_case ? "; column names are lower case ('ID' "
		                "is not 'id')" : "");
	}
	return 0;
out:
	hmap_release(&names);
	return rc;
}

/* listed: what people type in a spreadsheet's yes/no column. Empty means not listed. */
static int
parse_listed(const char *v, bool *out)
{
	static const char *const yes[] = {"true", "yes", "1", "是", NULL};
	static const char *const no[] = {"false", "no", "0", "否", "", NULL};
	size_t i;

	for (i = 0; yes[i] != NULL; i++)
		if (strcasecmp(v, yes[i]) == 0)
			return *out = true, 0;
	for (i = 0; no[i] != NULL; i++)
		if (strcasecmp(v, no[i]) == 0)
			return *out = false, 0;
	return DB_EDATA;
}

/* Addresses separated by ';', each checked; empty pieces (a trailing ';') are skipped. */
static int
check_addresses(const struct csv *c, const struct csv_field *f, size_t idx, char *v,
                struct dberr *e)
{
	char why[512], *piece, *save = NULL;

	for (piece = strtok_r(v, ";", &save); piece != NULL; piece = strtok_r(NULL, ";", &save))
		if (registry_check_email(trim(piece), why, sizeof(why)) != NULL)
			return field_error(c, f, idx, e, why);
	return 0;
}

static void
add_addresses(struct store_subject *s, const char *role, const char *v)
{
	char *copy = xstrdup(v), *piece, *save = NULL, *t;

	for (piece = strtok_r(copy, ";", &save); piece != NULL;
	     piece = strtok_r(NULL, ";", &save))
		if (*(t = trim(piece)) != '\0')
			registry_contact_add(s, role, t);
	free(copy);
}

/* Checks one value of a data row; std[] collects the standard columns' values. */
static int
check_value(struct csv *c, const struct registry_list *l,
            const struct csv_field *f, size_t idx, char *v, const char **std, bool *listed,
            struct dberr *e)
{
	enum csv_col k = c->colkind[idx];
	char why[512], clip[UTF8_CLIP_BUF];

	if (k < COL_NSTD)
		std[k] = v;
	if (v[0] == '\0')
		return k < COL_NSTD && required_column[k] ? field_error(c, f, idx, e, "empty value")
		                                          : 0;
	switch (k) {
	case COL_ID:
		if (registry_check_credit_code(v, why, sizeof(why)) != NULL)
			return field_error(c, f, idx, e, why);
		return 0;
	case COL_JURISDICTION:
		if (registry_known_jurisdiction(l, v, false))
			return 0;
		snprintf(why, sizeof(why), "unknown jurisdiction '%s' (import the jurisdictions "
		         "from a YAML registry first)", utf8_clip(v, clip));
		return field_error(c, f, idx, e, why);
	case COL_INDUSTRY:
		if (registry_check_industry(l, v, why, sizeof(why)) != NULL)
			return field_error(c, f, idx, e, why);
		return 0;
	case COL_LISTED:
		if (parse_listed(v, listed) == 0)
			return 0;
		snprintf(why, sizeof(why), "expected true/false/yes/no/1/0/是/否, got '%s'",
		         utf8_clip(v, clip));
		return field_error(c, f, idx, e, why);
	case COL_MEASURE:
		if (registry_check_measure(v, why, sizeof(why)) != NULL)
			return field_error(c, f, idx, e, why);
		return 0;
	case COL_RECTIFY_BY: /* read_row made it YYYY-MM-DD (csv_date) */
		return 0;
	case COL_UNNAMED:
		return field_error(c, f, idx, e, "value in a column with no name in the header "
		                   "(name the column or clear it)");
	case COL_EMAIL:
	case COL_CONTACT: {
		char *copy = xstrdup(v);
		int rc = check_addresses(c, f, idx, copy, e);

		free(copy);
		return rc;
	}
	default:
		return 0;
	}
}

/* The first row holding an id, for the duplicate message. */
struct seen_id {
	size_t row;
	int line;
};

/* seen[i] describes the i-th subject this file added to l (l->v[first + i] when l keeps
 * them). */
static int
read_row(struct csv *c, struct csv_record *r,
         struct registry_list *l, size_t first, struct seen_id **seen, size_t *capseen,
         struct dberr *e)
{
	const char *std[COL_NSTD] = {NULL};
	struct store_subject *s;
	bool listed = false;
	char msg[512];
	size_t i;
	long dup;
	int rc;

	if (r->n != c->ncols) {
		snprintf(msg, sizeof(msg), "%zu fields, but the header has %zu columns", r->n,
		         c->ncols);
		i = r->n > c->ncols ? c->ncols : r->n - 1;
		return dberr_at(e, DB_EDATA, c->name, r->f[i].line, r->f[i].col, "row %zu: %s",
		                c->row, msg);
	}
	for (i = 0; i < r->n; i++) {
		/* a time limit as the county's spreadsheet saved it (2017/6/30, 2017年6月30日:
		 * review12z Z8) is stored as YYYY-MM-DD, the registry's one form of a date */
		if (c->colkind[i] == COL_RECTIFY_BY && trim(r->f[i].text)[0] != '\0') {
			int32_t day;
			char why[640], iso[16];

			if (csv_date(r->f[i].text, &day, why, sizeof(why)) != 0)
				return field_error(c, &r->f[i], i, e, why);
			cal_format_date(day, iso);
			free(r->f[i].text);
			r->f[i].text = xstrdup(iso);
		}
		if ((rc = check_value(c, l, &r->f[i], i, trim(r->f[i].text), std, &listed,
		                      e)))
			return rc;
	}
	if ((dup = registry_list_find(l, STORE_ENTERPRISE, std[COL_ID])) >= 0) {
		dup -= (long)first;
		for (i = 0; i < c->ncols && c->colkind[i] != COL_ID; i++)
			;
		snprintf(msg, sizeof(msg), "duplicate id '%s' (first in row %zu, line %d)",
		         std[COL_ID], (*seen)[dup].row, (*seen)[dup].line);
		return field_error(c, &r->f[i], i, e, msg);
	}

	s = registry_list_add(l, STORE_ENTERPRISE, std[COL_ID]);
	*seen = xgrow(*seen, capseen, l->n - first, sizeof(**seen));
	(*seen)[l->n - 1 - first] = (struct seen_id){c->row, r->line};
	for (i = COL_NAME; i < COL_EMAIL; i++) {
		if (i == COL_LISTED)
			registry_field_add(s, "listed", listed ? "true" : "false");
		else if (std[i] != NULL && std[i][0] != '\0')
			registry_field_add(s, std_columns[i], std[i]);
	}
	for (i = 0; i < r->n; i++) {
		const char *v = r->f[i].text;

		if (c->colkind[i] == COL_ATTR && v[0] != '\0')
			registry_field_add(s, c->colname[i], v);
		else if (c->colkind[i] == COL_EMAIL)
			add_addresses(s, "", v);
		else if (c->colkind[i] == COL_CONTACT)
			add_addresses(s, c->colname[i] + 8, v);
	}
	return 0;
}

int
registry_parse_csv(const char *name, const char *data, size_t len, struct registry_list *l,
                   struct dberr *e)
{
	struct csv c = {.name = name};
	struct csv_record r = {NULL, 0, 0, 0};
	struct seen_id *seen = NULL;
	size_t capseen = 0, first = l->n, i;
	int rc;

	if ((rc = csv_open(&c.rd, name, data, len, FILE_MAX_REGISTRY, e)) != 0)
		return rc;
	c.rd.where = where;
	c.rd.where_arg = &c;
	if ((rc = read_header(&c, &r, e)) != 0)
		goto out;
	/* the fields the file speaks of: an import keeps a stored enterprise's others */
	l->columns = xcalloc(c.ncols, sizeof(*l->columns));
	for (i = 0; i < c.ncols; i++)
		if (c.colkind[i] != COL_UNNAMED)
			l->columns[l->ncolumns++] = xstrdup(c.colname[i]);
	for (;;) {
		/* Counted before reading, so a broken quote names the row it is in. */
		c.row++;
		if ((rc = read_record(&c, &r, false, e)) <= 0)
			break;
		if (csv_blank(&r)) {
			c.row--;
			continue;
		}
		if ((rc = read_row(&c, &r, l, first, &seen, &capseen, e)) != 0 ||
		    (rc = registry_list_hand(l, e)) != 0)
			break;
	}
out:
	csv_record_release(&r);
	for (i = 0; i < c.ncols; i++)
		free(c.colname[i]);
	free(c.colname);
	free(c.colkind);
	free(seen);
	csv_close(&c.rd);
	return rc;
}
