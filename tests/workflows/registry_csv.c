/*
 * registry_csv.c - enterprises from a spreadsheet's CSV: RFC 4180 quoting, a byte order
 * mark, CRLF, fields spanning lines (and the line numbers after them), the sample CSV that
 * mirrors the sample YAML, and every class of bad file refused at the field's line:column
 * with its row number and column name.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/test.h"
#include "workflows/parse/registry.h"

static char *tmpdir;

static const char *
field(const struct store_subject *s, const char *name)
{
	for (size_t i = 0; i < s->nfields; i++)
		if (strcmp(s->fields[i].key, name) == 0)
			return s->fields[i].val;
	return NULL;
}

static const char *
contacts(const struct store_subject *s, const char *role, char *out, size_t n)
{
	size_t off = 0;

	out[0] = '\0';
	for (size_t i = 0; i < s->ncontacts; i++)
		if (strcmp(s->contacts[i].key, role) == 0)
			off += (size_t)snprintf(out + off, n - off, "%s%s", off ? "," : "",
			                        s->contacts[i].val);
	return out;
}

static const char *const known[] = {"changji-city", "fukang-city", NULL};

static int
parse_bytes(const char *text, size_t len, const struct registry_ctx *ctx,
            struct registry **out, struct dberr *e)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/enterprises.csv", tmpdir);
	f = fopen(path, "wb");
	ASSERT(f != NULL);
	ASSERT_EQ(fwrite(text, 1, len, f), len);
	fclose(f);
	dberr_clear(e);
	return registry_parse_file(path, ctx, out, e);
}

static void
quoting_bom_crlf_and_multiline_fields(void)
{
	static const char text[] =
		"\xef\xbb\xbf"
		"id, name ,jurisdiction,industry,listed,email,contact:county_epb,reason\r\n"
		"91652301MA7000001Q,\"Tianshan Cement, \"\"North\"\" Plant\",changji-city,cement,"
		"是,\" a@x.example ; b@x.example; a@x.example;\",c@x.example,\"kiln filter\r\nworn "
		"out\"\r\n"
		"\r\n"
		"91652301MA7000002U,  padded  ,fukang-city,coal,YES,,,\r\n"
		"91652301MA7000003Y,Three,changji-city,paper,0,,,\r\n"
		"91652301MA70000130,Four,changji-city,paper,,,,";
	struct registry_ctx ctx = {known, NULL};
	const struct store_subject *s;
	struct registry *r = NULL;
	char buf[256];
	struct dberr e;
	int rc;

	rc = parse_bytes(text, sizeof(text) - 1, &ctx, &r, &e);
	if (rc != 0)
		dberr_print(&e, stderr);
	ASSERT_EQ(rc, 0);
	ASSERT_EQ(r->nsubjects, 4);
	s = &r->subjects[0];
	ASSERT_EQ(s->kind, STORE_ENTERPRISE);
	ASSERT_STR_EQ(s->id, "91652301MA7000001Q");
	ASSERT_STR_EQ(field(s, "name"), "Tianshan Cement, \"North\" Plant");
	ASSERT_STR_EQ(field(s, "listed"), "true");
	ASSERT_STR_EQ(field(s, "reason"), "kiln filter\r\nworn out");
	/* an address given twice is kept once, where it came first (registry_contacts_dedup) */
	ASSERT_STR_EQ(contacts(s, "", buf, sizeof(buf)), "a@x.example,b@x.example");
	ASSERT_STR_EQ(contacts(s, "county_epb", buf, sizeof(buf)), "c@x.example");
	ASSERT_EQ(s->ncontacts, 3);
	ASSERT(field(s, "email") == NULL);
	ASSERT(field(s, "measure") == NULL);
	/* The standard fields come first, in the documented order. */
	ASSERT_STR_EQ(s->fields[0].key, "name");
	ASSERT_STR_EQ(s->fields[1].key, "jurisdiction");
	ASSERT_STR_EQ(s->fields[2].key, "industry");
	ASSERT_STR_EQ(s->fields[3].key, "listed");

	ASSERT_STR_EQ(field(&r->subjects[1], "name"), "padded");
	ASSERT_STR_EQ(field(&r->subjects[1], "listed"), "true");
	ASSERT_EQ(r->subjects[1].ncontacts, 0);
	/* An empty free attribute is no attribute. */
	ASSERT(field(&r->subjects[1], "reason") == NULL);
	ASSERT_STR_EQ(field(&r->subjects[2], "listed"), "false");
	ASSERT_STR_EQ(field(&r->subjects[3], "listed"), "false");
	registry_free(r);
}

static const struct store_subject *
find(const struct registry *r, enum store_subject_kind k, const char *id)
{
	for (size_t i = 0; i < r->nsubjects; i++)
		if (r->subjects[i].kind == k && strcmp(r->subjects[i].id, id) == 0)
			return &r->subjects[i];
	return NULL;
}

/* workflows/changji-enterprises.csv is the spreadsheet form of the sample YAML's
 * enterprises: both must give the same subjects. */
static void
sample_csv_matches_sample_yaml(void)
{
	const char *src = getenv("DABIAO_SRC");
	const char *jur[16];
	struct registry *y = NULL, *c = NULL;
	struct registry_ctx ctx = {jur, NULL};
	size_t nj = 0, i, k;
	char path[4096];
	struct dberr e;

	snprintf(path, sizeof(path), "%s/workflows/changji-registry.yaml", src ? src : ".");
	dberr_clear(&e);
	ASSERT_EQ(registry_parse_file(path, NULL, &y, &e), 0);
	for (i = 0; i < y->nsubjects && nj < 15; i++)
		if (y->subjects[i].kind == STORE_JURISDICTION)
			jur[nj++] = y->subjects[i].id;
	jur[nj] = NULL;
	snprintf(path, sizeof(path), "%s/workflows/changji-enterprises.csv", src ? src : ".");
	dberr_clear(&e);
	if (registry_parse_file(path, &ctx, &c, &e) != 0) {
		dberr_print(&e, stderr);
		TEST_FAIL_("sample CSV refused");
	}
	ASSERT_EQ(c->nsubjects, y->nsubjects - nj - 6);
	for (i = 0; i < c->nsubjects; i++) {
		const struct store_subject *a = &c->subjects[i];
		const struct store_subject *b = find(y, STORE_ENTERPRISE, a->id);

		ASSERT(b != NULL);
		ASSERT_EQ(a->nfields, b->nfields);
		for (k = 0; k < a->nfields; k++)
			ASSERT_STR_EQ(a->fields[k].val, field(b, a->fields[k].key));
		ASSERT_EQ(a->ncontacts, b->ncontacts);
		for (k = 0; k < a->ncontacts; k++) {
			ASSERT_STR_EQ(a->contacts[k].key, b->contacts[k].key);
			ASSERT_STR_EQ(a->contacts[k].val, b->contacts[k].val);
		}
	}
	registry_free(y);
	registry_free(c);
}

#define H "id,name,jurisdiction,industry,listed,measure,rectify_by,email\n"
#define ROW1 "91652301MA7000001Q,One,changji-city,cement,,,,\n"

struct bad_case {
	const char *name;
	const char *text;
	int line, col;
	const char *fragment;
};

static const struct bad_case bad_cases[] = {
	{"empty file", "", 1, 1, "empty file"},
	{"only a byte order mark and blank lines", "\xef\xbb\xbf\r\n\r\n", 1, 1, "empty file"},
	{"missing required column", "id,name,jurisdiction\n", 1, 1,
	 "header: missing required column 'industry'"},
	{"column named twice", "id,name,name,jurisdiction,industry\n", 1, 9,
	 "header, column 3: column 'name' appears twice (first as column 2)"},
	{"value under a column without a name", "id,,name,jurisdiction,industry,\n"
	 "91652301MA7000001Q,,One,changji-city,cement,\n"
	 "91652301MA7000002U,,Two,changji-city,cement,x\n", 3, 45,
	 "row 2, column 6: value in a column with no name in the header"},
	{"reserved column name", "id,name,jurisdiction,industry,kind\n", 1, 31,
	 "column 'kind' is reserved"},
	{"contact column without a role", "id,name,jurisdiction,industry,contact:\n", 1, 31,
	 "bad role id ''"},
	{"byte order mark does not shift columns", "\xef\xbb\xbfid,id\n", 1, 4,
	 "column 'id' appears twice (first as column 1)"},
	{"too few fields", H "91652301MA7000001Q,One,changji-city\n", 2, 24,
	 "row 1: 3 fields, but the header has 8 columns"},
	{"too many fields", H ROW1 "91652301MA7000002U,Two,changji-city,cement,,,,,extra\n", 3,
	 48, "row 2: 9 fields, but the header has 8 columns"},
	{"unterminated quote", H ROW1 "91652301MA7000002U,\"Two,changji-city,cement,,,,\n", 3, 20,
	 "row 2, column 'name': unterminated quoted field"},
	{"text after closing quote", H "91652301MA7000001Q,\"One\"x,changji-city,cement,,,,\n", 2,
	 20, "row 1, column 'name': text after the closing quote"},
	{"quote inside unquoted field", H "91652301MA7000001Q,On\"e,changji-city,cement,,,,\n", 2,
	 20, "row 1, column 'name': quote inside an unquoted field"},
	{"wrong check character", H "91652301MA7000001R,One,changji-city,cement,,,,\n", 2, 1,
	 "row 1, column 'id': invalid unified social credit code '91652301MA7000001R': check "
	 "character should be 'Q'"},
	{"excluded letter in credit code", H "91652301MA7I00001Q,One,changji-city,cement,,,,\n", 2,
	 1, "row 1, column 'id': invalid unified social credit code '91652301MA7I00001Q': "
	 "position 12 ('I') is outside the alphabet"},
	{"empty required value", H "91652301MA7000001Q,  ,changji-city,cement,,,,\n", 2, 20,
	 "row 1, column 'name': empty value"},
	{"unknown jurisdiction", H "91652301MA7000001Q,One,manas-county,cement,,,,\n", 2, 24,
	 "row 1, column 'jurisdiction': unknown jurisdiction 'manas-county'"},
	/* a name is one line, and never holds a control character (they would reach the
	 * terminal, the reports, the calendars); the position counts characters */
	{"line break in a name", H ROW1 "91652301MA7000002U,\"Two\nTwo\",changji-city,cement,,,,\n",
	 3, 20, "row 2, column 'name': control character U+000A (LF) at character 4"},
	{"escape in a name", H "91652301MA7000001Q,\"昌吉\x1b]0;x\x07\",changji-city,cement,,,,\n",
	 2, 20, "row 1, column 'name': control character U+001B (ESC) at character 3"},
	{"column counts characters", H "91652301MA7000001Q,昌吉钢铁,changji-city,cemnt,,,,\n",
	 2, 38, "row 1, column 'industry': unknown industry 'cemnt'"},
	{"full-width credit code", H "\xef\xbc\x99\xef\xbc\x91\xef\xbc\x96\xef\xbc\x95"
	 "\xef\xbc\x92\xef\xbc\x93\xef\xbc\x90\xef\xbc\x91\xef\xbc\xad\xef\xbc\xa1"
	 "\xef\xbc\x97\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90"
	 "\xef\xbc\x91\xef\xbc\xb1,One,changji-city,cement,,,,\n", 2, 1,
	 "18 characters holding full-width digits or letters; type it in half-width characters: "
	 "'91652301MA7000001Q'"},
	{"ideographic space inside a credit code", H "91652301MA7\xe3\x80\x80" "000001Q,One,"
	 "changji-city,cement,,,,\n", 2, 1, "an ideographic space (U+3000)"},
	/* Row 2's note (a free attribute, where line breaks belong) spans three lines, so
	 * row 3 starts on line 6 (the brief's example). */
	{"unknown industry after a multi-line field",
	 "id,name,jurisdiction,industry,listed,measure,rectify_by,email,note\n"
	 "91652301MA7000001Q,One,changji-city,cement,,,,,\n"
	 "91652301MA7000002U,Two,changji-city,cement,,,,,\"Two\nTwo\nTwo\"\n"
	 "91652301MA7000003Y,Three,changji-city,cemnt,,,,,\n", 6, 39,
	 "row 3, column 'industry': unknown industry 'cemnt' (expected one of: steel, "
	 "thermal-power, cement, coal, paper, dyeing, sewage-treatment, waste-incineration, "
	 "electrolytic-aluminium, cotton-pulp, other)"},
	{"listed not a yes or no", H "91652301MA7000001Q,One,changji-city,cement,maybe,,,\n", 2,
	 44, "row 1, column 'listed': expected true/false/yes/no/1/0/是/否, got 'maybe'"},
	/* columns count characters: 是 is one (three bytes) */
	{"unknown measure", H "91652301MA7000001Q,One,changji-city,cement,是,fine,,\n", 2, 46,
	 "row 1, column 'measure': unknown measure 'fine'"},
	/* a date read two ways is refused, not guessed (csv_date, review12z Z8) */
	{"ambiguous date", H "91652301MA7000001Q,One,changji-city,cement,,,7/6/2017,\n", 2, 46,
	 "row 1, column 'rectify_by': '7/6/2017' can be read as 2017年7月6日 or 2017年6月7日"},
	{"no such day", H "91652301MA7000001Q,One,changji-city,cement,,,2017/2/30,\n", 2, 46,
	 "row 1, column 'rectify_by': '2017/2/30' is no such day: 2017年2月 has 28 days"},
	{"bad address in a list", H "91652301MA7000001Q,One,changji-city,cement,,,,"
	 "a@x.example;b@x\n", 2, 47, "row 1, column 'email': bad e-mail address 'b@x'"},
	{"bad address in a contact column", "id,name,jurisdiction,industry,contact:enterprise\n"
	 "91652301MA7000001Q,One,changji-city,cement,\"a b@x.example\"\n", 2, 44,
	 "row 1, column 'contact:enterprise': bad e-mail address 'a b@x.example'"},
	/* what the message builder cannot send is refused at import, naming row and column */
	{"address with '>'", H "91652301MA7000001Q,One,changji-city,cement,,,,a>b@x.example\n",
	 2, 47, "row 1, column 'email': bad e-mail address 'a>b@x.example': only the bare "
	 "address is allowed"},
	{"address with two dots", H "91652301MA7000001Q,One,changji-city,cement,,,,"
	 "ok@x.example;a..b@x.example\n", 2, 47, "row 1, column 'email': bad e-mail address "
	 "'a..b@x.example': a dot may not start or end the part before '@'"},
	{"quoted address", H "91652301MA7000001Q,One,changji-city,cement,,,,\"\"\"a\"\"@x\"\n",
	 2, 47, "row 1, column 'email': bad e-mail address '\"a\"@x': quoted local parts"},
	{"domain with two dots", H "91652301MA7000001Q,One,changji-city,cement,,,,a@x..example\n",
	 2, 47, "row 1, column 'email': bad e-mail address 'a@x..example': the domain has an "
	 "empty label"},
	{"duplicate id", H ROW1 "\n91652301MA7000001Q,Again,changji-city,cement,,,,\n", 4, 1,
	 "row 2, column 'id': duplicate id '91652301MA7000001Q' (first in row 1, line 2)"},
	{"spreadsheet saved as GBK", H "91652301MA7000001Q,\xb2\xfd\xbc\xaa,changji-city,cement,,,,\n",
	 2, 20, "row 1, column 'name': text is not UTF-8"},
	/* Excel's "Unicode text": UTF-16 with a byte order mark, then "id,..." */
	{"spreadsheet saved as UTF-16", "\xff\xfei\0d\0,\0n\0a\0m\0e\0\n\0", 1, 1,
	 "UTF-16 (Windows \"Unicode\"); dabiao reads UTF-8: save the spreadsheet as \"CSV UTF-8\""},
	/* invisible characters that reorder or hide text are refused in every column, an id's
	 * too, named with their code and position (review 13c, N8) */
	{"right-to-left override in a name", H "91652301MA7000001Q,昌吉\xe2\x80\xae" "oC,"
	 "changji-city,cement,,,,\n", 2, 20, "row 1, column 'name': invisible character U+202E "
	 "(RIGHT-TO-LEFT OVERRIDE) at character 3"},
	{"zero width space in an id", H "91652301MA7\xe2\x80\x8b" "000001Q,One,changji-city,"
	 "cement,,,,\n", 2, 1, "row 1, column 'id': invisible character U+200B (ZERO WIDTH SPACE) "
	 "at character 12"},
	{"byte order mark inside a value", H "91652301MA7000001Q,One,changji-city,cement,,,,"
	 "a@x.example\xef\xbb\xbf\n", 2, 47, "row 1, column 'email': invisible character "
	 "U+FEFF"},
	{"isolate in a free attribute", "id,name,jurisdiction,industry,note\n"
	 "91652301MA7000001Q,One,changji-city,cement,\"a\nb\xe2\x81\xa6\"\n", 2, 44,
	 "row 1, column 'note': invisible character U+2066 (LEFT-TO-RIGHT ISOLATE) at character 4"},
	/* tabs around a value are trimmed (tabs_around_values_are_trimmed); one inside it is
	 * a control character, named at its character counting the leading tab */
	{"tab inside a name", H "91652301MA7000001Q,\tOn\te\t,changji-city,cement,,,,\n", 2, 20,
	 "row 1, column 'name': control character U+0009 (TAB) at character 4"},
	/* a cleared row is skipped, but data in it is still checked where it stands */
	{"data in an otherwise empty row", H ROW1 ",,,,,x,,\n", 3, 1,
	 "row 2, column 'id': empty value"},
};

static void
each_bad_csv_is_refused_at_its_field(void)
{
	struct registry_ctx ctx = {known, NULL};

	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct registry *r = NULL;
		struct dberr e;
		int rc;

		rc = parse_bytes(c->text, strlen(c->text), &ctx, &r, &e);
		if (rc != DB_EDATA || e.line != c->line || e.col != c->col ||
		    strstr(e.msg, c->fragment) == NULL ||
		    strstr(e.file, "enterprises.csv") == NULL) {
			fprintf(stderr, "case '%s': rc %d, got ", c->name, rc);
			dberr_print(&e, stderr);
			TEST_FAIL_("case '%s': want DB_EDATA at %d:%d with \"%s\"", c->name, c->line,
			           c->col, c->fragment);
		}
		ASSERT(r == NULL);
	}
}

/* Spreadsheets export trailing empty columns; while they stay empty they mean nothing. */
static void
empty_unnamed_columns_are_ignored(void)
{
	static const char text[] = "id,name,jurisdiction,industry,,\n"
	                           "91652301MA7000001Q,One,changji-city,cement,,\n";
	struct registry_ctx ctx = {known, NULL};
	struct registry *r = NULL;
	struct dberr e;

	ASSERT_EQ(parse_bytes(text, strlen(text), &ctx, &r, &e), 0);
	ASSERT_EQ(r->nsubjects, 1);
	ASSERT_EQ(r->subjects[0].nfields, 4);
	registry_free(r);
}

/* Excel and WPS leave a row of commas where a row's contents were cleared, and blanks
 * typed by a Chinese input method (U+3000) look empty too: such rows are skipped, and the
 * rows after them keep their numbers as a person counts them in the spreadsheet. */
static void
cleared_rows_are_skipped(void)
{
	static const char text[] = H ROW1 ",,,,,,,\n  , ,\xe3\x80\x80,,,,,\n"
	                           "91652301MA7000002U,Two,changji-city,cement,,,,\n";
	struct registry_ctx ctx = {known, NULL};
	struct registry *r = NULL;
	struct dberr e;

	dberr_clear(&e);
	if (parse_bytes(text, sizeof(text) - 1, &ctx, &r, &e) != 0)
		TEST_FAIL_("cleared rows: %s", e.msg);
	ASSERT_EQ(r->nsubjects, 2);
	ASSERT_STR_EQ(r->subjects[1].id, "91652301MA7000002U");
	registry_free(r);
}

/* Spaces, tabs and U+3000 around every value are trimmed (docs/registry-format.md): a tab
 * there is a blank a spreadsheet left, not a control character to refuse; a row of only
 * tabs is a cleared row, skipped. Mixed blanks on both sides go too. */
static void
tabs_around_values_are_trimmed(void)
{
	static const char text[] = H "91652301MA7000001Q,\tOne\t,\t changji-city\xe3\x80\x80\t,"
	                           "cement\t,,,,\n"
	                           "\t\n\t,\t,,,,,,\n"
	                           "\t91652301MA7000002U \t,Two,changji-city,cement,,,,\n";
	struct registry_ctx ctx = {known, NULL};
	struct registry *r = NULL;
	struct dberr e;

	if (parse_bytes(text, sizeof(text) - 1, &ctx, &r, &e) != 0)
		TEST_FAIL_("tabs around values: %s", e.msg);
	ASSERT_EQ(r->nsubjects, 2);
	ASSERT_STR_EQ(field(&r->subjects[0], "name"), "One");
	ASSERT_STR_EQ(field(&r->subjects[0], "jurisdiction"), "changji-city");
	ASSERT_STR_EQ(field(&r->subjects[0], "industry"), "cement");
	ASSERT_STR_EQ(r->subjects[1].id, "91652301MA7000002U");
	registry_free(r);
}

/* A time limit as Excel or WPS in a Chinese locale saves a date cell in "CSV UTF-8" is
 * stored as YYYY-MM-DD, the registry's one form (review12z Z8): the import's summary and
 * the tasks' due dates see the same value a YAML registry gives. */
static void
spreadsheet_dates_are_stored_iso(void)
{
	static const char text[] = H "91652301MA7000001Q,One,changji-city,cement,,,2017/9/30,\n"
	                           "91652301MA7000002U,Two,changji-city,cement,,,2017年10月1日,\n"
	                           "91652301MA7000003Y,Three,changji-city,cement,,,"
	                           "2017/6/30 0:00,\n";
	struct registry_ctx ctx = {known, NULL};
	struct registry *r = NULL;
	struct dberr e;

	if (parse_bytes(text, sizeof(text) - 1, &ctx, &r, &e) != 0)
		TEST_FAIL_("spreadsheet dates: %s", e.msg);
	ASSERT_EQ(r->nsubjects, 3);
	ASSERT_STR_EQ(field(&r->subjects[0], "rectify_by"), "2017-09-30");
	ASSERT_STR_EQ(field(&r->subjects[1], "rectify_by"), "2017-10-01");
	ASSERT_STR_EQ(field(&r->subjects[2], "rectify_by"), "2017-06-30");
	registry_free(r);
}

/* A header and nothing else is an empty list, not an error: a bureau may have none yet. */
static void
header_only_gives_no_subjects(void)
{
	struct registry *r = NULL;
	struct dberr e;

	ASSERT_EQ(parse_bytes(H, strlen(H), NULL, &r, &e), 0);
	ASSERT_EQ(r->nsubjects, 0);
	registry_free(r);
}

int
main(void)
{
	char path[4200];

	tmpdir = test_tmpdir();
	quoting_bom_crlf_and_multiline_fields();
	sample_csv_matches_sample_yaml();
	each_bad_csv_is_refused_at_its_field();
	header_only_gives_no_subjects();
	cleared_rows_are_skipped();
	tabs_around_values_are_trimmed();
	spreadsheet_dates_are_stored_iso();
	empty_unnamed_columns_are_ignored();
	snprintf(path, sizeof(path), "%s/enterprises.csv", tmpdir);
	unlink(path);
	rmdir(tmpdir);
	free(tmpdir);
	return 0;
}
