/*
 * registry_rows_handed_on.c - registry_parse_file_each: a CSV's rows handed on one at a
 * time as they are read and checked (an import of millions of rows holds none of them),
 * the header's columns with each, whom the file lists kept for registry_lists; a bad row
 * after good ones stops it with the same message registry_parse_file gives, after handing
 * on only the rows before it; a callback's error stops it; a YAML file handed on in order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/test.h"
#include "workflows/parse/registry.h"

static char *tmpdir;

static const char *const known[] = {"changji-city", "fukang-city", NULL};

#define HEADER "id,name,jurisdiction,industry,email\n"
#define ROW1 "91652301MA7000001Q,One,changji-city,cement,a@x.example\n"
#define ROW2 "91652301MA7000002U,Two,fukang-city,coal,\n"
#define ROW3 "91652301MA7000003Y,Three,changji-city,paper,c@x.example;d@x.example\n"

struct seen {
	size_t n;
	char ids[8][24];
	char names[8][16];
	size_t ncontacts[8];
	size_t ncolumns;
	bool columns_named_email;
	size_t fail_at;   /* return DB_ESTORE at this subject (1-based), 0 never */
};

static int
take(const char *const *columns, size_t ncolumns, const struct store_subject *s, void *arg,
     struct dberr *e)
{
	struct seen *c = arg;

	ASSERT(c->n < 8);
	snprintf(c->ids[c->n], sizeof(c->ids[c->n]), "%s", s->id);
	for (size_t i = 0; i < s->nfields; i++)
		if (strcmp(s->fields[i].key, "name") == 0)
			snprintf(c->names[c->n], sizeof(c->names[c->n]), "%s", s->fields[i].val);
	c->ncontacts[c->n] = s->ncontacts;
	c->ncolumns = ncolumns;
	c->columns_named_email = false;
	for (size_t i = 0; columns != NULL && i < ncolumns; i++)
		c->columns_named_email |= strcmp(columns[i], "email") == 0;
	c->n++;
	if (c->fail_at == c->n)
		return dberr_set(e, DB_ESTORE, "the store refused subject %zu", c->n);
	return 0;
}

static char *
write_file(const char *name, const char *text)
{
	char *path = malloc(4200);
	FILE *f;

	ASSERT(path != NULL);
	snprintf(path, 4200, "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	ASSERT(f != NULL);
	ASSERT_EQ(fwrite(text, 1, strlen(text), f), strlen(text));
	fclose(f);
	return path;
}

static void
rows_handed_on_in_order_none_kept(void)
{
	char *path = write_file("three.csv", HEADER ROW1 ROW2 ROW3);
	struct registry_ctx ctx = {known, NULL};
	struct seen c = {0};
	struct registry *r = NULL;
	struct dberr e;

	dberr_clear(&e);
	ASSERT_EQ(registry_parse_file_each(path, &ctx, take, &c, &r, &e), 0);
	ASSERT_EQ(c.n, 3);
	ASSERT_STR_EQ(c.ids[0], "91652301MA7000001Q");
	ASSERT_STR_EQ(c.ids[1], "91652301MA7000002U");
	ASSERT_STR_EQ(c.ids[2], "91652301MA7000003Y");
	ASSERT_STR_EQ(c.names[0], "One");
	ASSERT_STR_EQ(c.names[2], "Three");
	/* one address, none, two */
	ASSERT_EQ(c.ncontacts[0], 1);
	ASSERT_EQ(c.ncontacts[1], 0);
	ASSERT_EQ(c.ncontacts[2], 2);
	/* the header's five columns came with each row */
	ASSERT_EQ(c.ncolumns, 5);
	ASSERT(c.columns_named_email);
	/* nothing kept but whom it lists and its columns */
	ASSERT(r != NULL);
	ASSERT_EQ(r->nsubjects, 0);
	ASSERT_EQ(r->ncolumns, 5);
	ASSERT(registry_lists(r, STORE_ENTERPRISE, "91652301MA7000002U"));
	ASSERT(!registry_lists(r, STORE_ENTERPRISE, "91652301MA7000004T"));
	ASSERT(!registry_lists(r, STORE_JURISDICTION, "changji-city"));
	registry_free(r);
	unlink(path);
	free(path);
}

static void
bad_row_stops_after_the_rows_before_it(void)
{
	/* row 3 repeats row 1's id: the same message registry_parse_file gives */
	char *path = write_file("dup.csv", HEADER ROW1 ROW2 ROW1 ROW3);
	struct registry_ctx ctx = {known, NULL};
	struct seen c = {0};
	struct registry *r = NULL, *whole = NULL;
	struct dberr e, e2;

	dberr_clear(&e);
	ASSERT_EQ(registry_parse_file_each(path, &ctx, take, &c, &r, &e), DB_EDATA);
	ASSERT(r == NULL);
	ASSERT_EQ(c.n, 2);
	ASSERT(strstr(e.msg, "row 3, column 'id': duplicate id '91652301MA7000001Q' "
	                     "(first in row 1, line 2)") != NULL);
	ASSERT_EQ(e.line, 4);
	dberr_clear(&e2);
	ASSERT_EQ(registry_parse_file(path, &ctx, &whole, &e2), DB_EDATA);
	ASSERT_STR_EQ(e.msg, e2.msg);
	unlink(path);
	free(path);

	/* an unknown jurisdiction on the last row: the two before it were handed on */
	path = write_file("unknown.csv", HEADER ROW1 ROW2
	                  "91652301MA7000003Y,Three,manas-county,paper,\n");
	memset(&c, 0, sizeof(c));
	dberr_clear(&e);
	ASSERT_EQ(registry_parse_file_each(path, &ctx, take, &c, &r, &e), DB_EDATA);
	ASSERT_EQ(c.n, 2);
	ASSERT(strstr(e.msg, "unknown jurisdiction 'manas-county'") != NULL);
	unlink(path);
	free(path);
}

static void
callback_error_stops_the_parse(void)
{
	char *path = write_file("three.csv", HEADER ROW1 ROW2 ROW3);
	struct registry_ctx ctx = {known, NULL};
	struct seen c = {.fail_at = 2};
	struct registry *r = NULL;
	struct dberr e;

	dberr_clear(&e);
	ASSERT_EQ(registry_parse_file_each(path, &ctx, take, &c, &r, &e), DB_ESTORE);
	ASSERT(r == NULL);
	ASSERT_EQ(c.n, 2); /* the third row was never handed on */
	ASSERT(strstr(e.msg, "the store refused subject 2") != NULL);
	unlink(path);
	free(path);
}

static void
yaml_handed_on_in_order(void)
{
	char *path = write_file("r.yaml",
		"jurisdictions:\n"
		"  - {id: cj, name: CJ, kind: county, email: [cj@x.example]}\n"
		"enterprises:\n"
		"  - {id: 91652301MA7000001Q, name: One, jurisdiction: cj, industry: cement}\n");
	struct seen c = {0};
	struct registry *r = NULL;
	struct dberr e;

	dberr_clear(&e);
	ASSERT_EQ(registry_parse_file_each(path, NULL, take, &c, &r, &e), 0);
	ASSERT_EQ(c.n, 2);
	ASSERT_STR_EQ(c.ids[0], "cj");
	ASSERT_STR_EQ(c.ids[1], "91652301MA7000001Q");
	ASSERT_EQ(c.ncolumns, 0); /* YAML's entries are whole: no columns */
	ASSERT(registry_lists(r, STORE_JURISDICTION, "cj"));
	ASSERT(registry_lists(r, STORE_ENTERPRISE, "91652301MA7000001Q"));
	ASSERT(!registry_lists(r, STORE_ENTERPRISE, "cj"));
	registry_free(r);
	unlink(path);
	free(path);
}

int
main(void)
{
	tmpdir = test_tmpdir();
	rows_handed_on_in_order_none_kept();
	bad_row_stops_after_the_rows_before_it();
	callback_error_stops_the_parse();
	yaml_handed_on_in_order();
	rmdir(tmpdir);
	free(tmpdir);
	return 0;
}
