/*
 * registry_yaml.c - the Changji sample registry parses into the expected subjects, and every
 * class of bad YAML registry is refused at the offending node's line and column.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "lib/test.h"
#include "workflows/parse/registry.h"

/* Local: store.c may not be linked in every build of this test. */
static const char *
field(const struct store_subject *s, const char *name)
{
	for (size_t i = 0; i < s->nfields; i++)
		if (strcmp(s->fields[i].key, name) == 0)
			return s->fields[i].val;
	return NULL;
}

/* Addresses of s under role, joined by ','; "" when none. */
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

static const struct store_subject *
find(const struct registry *r, enum store_subject_kind k, const char *id)
{
	for (size_t i = 0; i < r->nsubjects; i++)
		if (r->subjects[i].kind == k && strcmp(r->subjects[i].id, id) == 0)
			return &r->subjects[i];
	return NULL;
}

static char *tmpdir;

static int
parse_text(const char *text, const struct registry_ctx *ctx, struct registry **out,
           struct dberr *e)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/reg.yaml", tmpdir);
	f = fopen(path, "w");
	ASSERT(f != NULL);
	fputs(text, f);
	fclose(f);
	dberr_clear(e);
	return registry_parse_file(path, ctx, out, e);
}

static void
sample_registry_has_every_jurisdiction_industry_and_office(void)
{
	static const char *const industries[] = {
		"steel", "thermal-power", "cement", "coal", "paper", "dyeing", "sewage-treatment",
		"waste-incineration", "electrolytic-aluminium", "cotton-pulp",
	};
	static const char *const offices[] = {
		"supervision", "prefecture_epb", "pollution_control", "monitoring", "regional_epb",
		"admin",
	};
	const char *src = getenv("DABIAO_SRC");
	const struct store_subject *s;
	struct registry *r = NULL;
	size_t nj = 0, ne = 0, no = 0, nlisted = 0, i, k;
	char path[4096], buf[512];
	struct dberr e;
	int rc;

	snprintf(path, sizeof(path), "%s/workflows/changji-registry.yaml", src ? src : ".");
	dberr_clear(&e);
	rc = registry_parse_file(path, NULL, &r, &e);
	if (rc != 0)
		dberr_print(&e, stderr);
	ASSERT_EQ(rc, 0);

	for (i = 0; i < r->nsubjects; i++) {
		s = &r->subjects[i];
		/* Jurisdictions first, then enterprises, then offices (registry.h). */
		if (s->kind == STORE_JURISDICTION) {
			ASSERT_EQ(ne + no, 0);
			nj++;
		} else if (s->kind == STORE_ENTERPRISE) {
			ASSERT_EQ(no, 0);
			ne++;
			ASSERT(registry_credit_code_valid(s->id));
			ASSERT(find(r, STORE_JURISDICTION, field(s, "jurisdiction")) != NULL);
			ASSERT_STR_CONTAINS(field(s, "name"), "（样例数据）");
			ASSERT(field(s, "responsible_unit") != NULL);
			ASSERT(field(s, "pollutants") != NULL);
			if (strcmp(field(s, "listed"), "true") == 0) {
				nlisted++;
				ASSERT(field(s, "measure") != NULL);
				ASSERT_STR_CONTAINS(field(s, "rectify_by"), "2017-");
				ASSERT(field(s, "reason") != NULL);
			} else {
				ASSERT_STR_EQ(field(s, "listed"), "false");
			}
		} else {
			ASSERT_EQ(s->kind, STORE_OFFICE);
			no++;
		}
	}
	ASSERT_EQ(nj, 9);
	ASSERT_GE(ne, 36);
	ASSERT_EQ(no, 6);
	ASSERT_GE(nlisted * 3, ne);
	ASSERT_LE(nlisted * 3, ne * 2);

	for (k = 0; k < sizeof(industries) / sizeof(industries[0]); k++) {
		for (i = 0; i < r->nsubjects; i++)
			if (r->subjects[i].kind == STORE_ENTERPRISE &&
			    strcmp(field(&r->subjects[i], "industry"), industries[k]) == 0)
				break;
		if (i == r->nsubjects)
			TEST_FAIL_("no sample enterprise in industry %s", industries[k]);
	}
	for (k = 0; k < r->nsubjects && r->subjects[k].kind == STORE_JURISDICTION; k++) {
		for (i = 0; i < r->nsubjects; i++)
			if (r->subjects[i].kind == STORE_ENTERPRISE &&
			    strcmp(field(&r->subjects[i], "jurisdiction"), r->subjects[k].id) == 0)
				break;
		if (i == r->nsubjects)
			TEST_FAIL_("no sample enterprise in %s", r->subjects[k].id);
	}
	for (k = 0; k < sizeof(offices) / sizeof(offices[0]); k++) {
		s = find(r, STORE_OFFICE, offices[k]);
		ASSERT(s != NULL);
		ASSERT_GE(s->ncontacts, 1);
		ASSERT_STR_EQ(s->contacts[0].key, offices[k]);
	}
	ASSERT_STR_EQ(contacts(find(r, STORE_OFFICE, "pollution_control"), "pollution_control",
	                       buf, sizeof(buf)),
	              "wukong@cj-epb.example,daqi@cj-epb.example");

	s = find(r, STORE_JURISDICTION, "changji-city");
	ASSERT(s != NULL);
	ASSERT_STR_EQ(field(s, "name"), "昌吉市");
	ASSERT_STR_EQ(field(s, "kind"), "city");
	ASSERT_STR_EQ(contacts(s, "", buf, sizeof(buf)), "bangongshi@changji-city.example");
	ASSERT_STR_EQ(contacts(s, "county_epb", buf, sizeof(buf)), "hbj@changji-city.example");
	ASSERT_STR_EQ(field(find(r, STORE_JURISDICTION, "mori-county"), "name"), "木垒哈萨克自治县");
	ASSERT_STR_EQ(field(find(r, STORE_JURISDICTION, "zhundong-park"), "kind"), "park");
	ASSERT_STR_EQ(field(find(r, STORE_JURISDICTION, "changji-hitech-park"), "kind"), "park");
	registry_free(r);
}

/* Every field of the format lands where docs/registry-format.md says, in that order. */
static void
enterprise_fields_contacts_and_attrs_map_to_the_subject(void)
{
	static const char text[] =
		"offices:\n"
		"  admin: it@cj.example\n"
		"enterprises:\n"
		"  - id: 91652301MA7000001Q\n"
		"    name: 示例水泥（样例数据）\n"
		"    jurisdiction: changji-city\n"
		"    industry: cement\n"
		"    listed: yes\n"
		"    measure: rectify-by-deadline\n"
		"    rectify_by: 2017-09-30\n"
		"    responsible_unit: 昌吉市环保局\n"
		"    responsible_person: 张三\n"
		"    email: [ops@example.cn, ops@example.cn]\n"
		"    contacts: {enterprise: [a@example.cn], county_epb: [b@example.cn]}\n"
		"    attrs: {pollutants: \"SO2、NOx\", reason: 脱硫设施老化, capacity: 4000,\n"
		"            note: ~, \"remark\": }\n"
		"jurisdictions:\n"
		"  - {id: changji-city, name: 昌吉市, kind: city}\n";
	static const char *const want[][2] = {
		{"name", "示例水泥（样例数据）"}, {"jurisdiction", "changji-city"},
		{"industry", "cement"}, {"listed", "true"}, {"measure", "rectify-by-deadline"},
		{"rectify_by", "2017-09-30"}, {"responsible_unit", "昌吉市环保局"},
		{"responsible_person", "张三"}, {"pollutants", "SO2、NOx"},
		{"reason", "脱硫设施老化"}, {"capacity", "4000"},
	};
	const struct store_subject *s;
	struct registry *r = NULL;
	char buf[256];
	struct dberr e;

	ASSERT_EQ(parse_text(text, NULL, &r, &e), 0);
	ASSERT_EQ(r->nsubjects, 3);
	/* Jurisdictions come first even when the file lists them last. */
	ASSERT_EQ(r->subjects[0].kind, STORE_JURISDICTION);
	s = &r->subjects[1];
	ASSERT_EQ(s->kind, STORE_ENTERPRISE);
	ASSERT_EQ(s->nfields, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < s->nfields; i++) {
		ASSERT_STR_EQ(s->fields[i].key, want[i][0]);
		ASSERT_STR_EQ(s->fields[i].val, want[i][1]);
	}
	/* A repeated address is kept once. */
	ASSERT_STR_EQ(contacts(s, "", buf, sizeof(buf)), "ops@example.cn");
	ASSERT_STR_EQ(contacts(s, "enterprise", buf, sizeof(buf)), "a@example.cn");
	ASSERT_STR_EQ(contacts(s, "county_epb", buf, sizeof(buf)), "b@example.cn");
	ASSERT_EQ(r->subjects[2].kind, STORE_OFFICE);
	ASSERT_STR_EQ(r->subjects[2].id, "admin");
	ASSERT_STR_EQ(contacts(&r->subjects[2], "admin", buf, sizeof(buf)), "it@cj.example");
	registry_free(r);
}

/* Enterprises may name jurisdictions already in the store; industries may be a plan's. */
static void
context_supplies_known_jurisdictions_and_industries(void)
{
	static const char *const known[] = {"fukang-city", NULL};
	static const char *const industries[] = {"brewing", NULL};
	static const char text[] =
		"enterprises:\n"
		"  - {id: 91652301MA7000002U, name: 示例酒厂, jurisdiction: fukang-city, "
		"industry: brewing}\n";
	struct registry_ctx ctx = {known, industries};
	struct registry *r = NULL;
	struct dberr e;

	ASSERT_EQ(parse_text(text, &ctx, &r, &e), 0);
	ASSERT_EQ(r->nsubjects, 1);
	ASSERT_STR_EQ(field(&r->subjects[0], "listed"), "false");
	ASSERT(field(&r->subjects[0], "measure") == NULL);
	registry_free(r);

	/* Without the context the same file is wrong twice over; the jurisdiction is first. */
	ASSERT_EQ(parse_text(text, NULL, &r, &e), DB_EDATA);
	ASSERT_STR_CONTAINS(e.msg, "unknown jurisdiction 'fukang-city'");
	ctx.known_jurisdictions = known;
	ctx.industries = NULL;
	ASSERT_EQ(parse_text(text, &ctx, &r, &e), DB_EDATA);
	ASSERT_STR_CONTAINS(e.msg, "unknown industry 'brewing' (expected one of: steel, "
	                           "thermal-power, cement");
}

/* A plan's 20,000 industries: each enterprise's found by a lookup (review 13f, C2's kind:
 * a scan per row was rows x industries), the first and the last alike; one not among
 * them refused with the list in the plan's order. */
static void
many_industries_each_found(void)
{
	static const char *const known[] = {"fukang-city", NULL};
	const char **industries = xcalloc(20001, sizeof(*industries));
	char text[1024];
	struct registry_ctx ctx = {known, NULL};
	struct registry *r = NULL;
	struct dberr e;

	for (size_t i = 0; i < 20000; i++)
		industries[i] = xasprintf("ind%zu", i);
	ctx.industries = industries;
	snprintf(text, sizeof(text), "enterprises:\n"
	         "  - {id: 91652301MA7000002U, name: 甲, jurisdiction: fukang-city, industry: %s}\n"
	         "  - {id: 91652301MA7000001Q, name: 乙, jurisdiction: fukang-city, industry: %s}\n",
	         "ind19999", "ind0");
	ASSERT_EQ(parse_text(text, &ctx, &r, &e), 0);
	ASSERT_EQ(r->nsubjects, 2);
	ASSERT_STR_EQ(field(&r->subjects[0], "industry"), "ind19999");
	registry_free(r);
	snprintf(text, sizeof(text), "enterprises:\n"
	         "  - {id: 91652301MA7000002U, name: 甲, jurisdiction: fukang-city, industry: %s}\n",
	         "ind20000");
	ASSERT_EQ(parse_text(text, &ctx, &r, &e), DB_EDATA);
	/* the list as long as the error's message holds, from the first */
	ASSERT_STR_CONTAINS(e.msg, "unknown industry 'ind20000' (expected one of: ind0, ind1, ");
	/* and the defaults when the plans list none */
	ctx.industries = NULL;
	snprintf(text, sizeof(text), "enterprises:\n"
	         "  - {id: 91652301MA7000002U, name: 甲, jurisdiction: fukang-city, industry: %s}\n",
	         "ind0");
	ASSERT_EQ(parse_text(text, &ctx, &r, &e), DB_EDATA);
	ASSERT_STR_CONTAINS(e.msg, "unknown industry 'ind0' (expected one of: steel, ");
	for (size_t i = 0; i < 20000; i++)
		free((char *)industries[i]);
	free(industries);
}

#define J "jurisdictions:\n  - id: cj\n    name: 昌吉市\n    kind: city\n"
#define E1 "enterprises:\n  - id: 91652301MA7000001Q\n    name: 甲\n    jurisdiction: cj\n"

struct bad_case {
	const char *name;
	const char *text;
	int line, col;
	const char *fragment;
};

static const struct bad_case bad_cases[] = {
	{"empty document", "# nothing here\n", 1, 1, "empty registry"},
	{"empty mapping", "{}\n", 1, 1, "empty registry"},
	{"unknown top-level key", "jurisdiction:\n  - id: cj\n", 1, 1,
	 "unknown key 'jurisdiction' in registry"},
	{"jurisdictions not a list", "jurisdictions: {id: cj}\n", 1, 16, "must be a list"},
	{"jurisdiction not a mapping", "jurisdictions:\n  - cj\n", 2, 5,
	 "each jurisdiction must be a mapping"},
	{"unknown jurisdiction key", J "    phone: 110\n", 5, 5, "unknown key 'phone'"},
	{"jurisdiction id upper case", "jurisdictions:\n  - id: Changji\n    name: x\n"
	 "    kind: city\n", 2, 9, "bad jurisdiction id 'Changji'"},
	{"duplicate jurisdiction id", J "  - id: cj\n    name: 又一个\n    kind: county\n", 5, 9,
	 "duplicate jurisdiction id 'cj'"},
	{"jurisdiction without name", "jurisdictions:\n  - id: cj\n    kind: city\n", 2, 5,
	 "missing key 'name'"},
	{"bad jurisdiction kind", "jurisdictions:\n  - id: cj\n    name: x\n    kind: town\n",
	 4, 11, "unknown kind 'town' (expected one of: county, city, park)"},
	{"email without dot in domain", J "    email: [hbj@changji]\n", 5, 13,
	 "bad e-mail address 'hbj@changji'"},
	{"email with two @", J "    email: [a@b@cj.example]\n", 5, 13,
	 "'a@b@cj.example': an address has one '@' (at character 4)"},
	{"email with empty local part", J "    email: ['@cj.example']\n", 5, 13,
	 "the part before '@' is empty"},
	{"email with a space", J "    email: ['a b@cj.example']\n", 5, 13,
	 "a space is not allowed in an address (at character 2)"},
	/* what the message builder cannot send is refused here, where it can be fixed */
	{"email with two dots", J "    email: [a..b@x.example]\n", 5, 13,
	 "'a..b@x.example': a dot may not start or end the part before '@', nor follow "
	 "another dot (at character 2)"},
	{"email with '>'", J "    email: ['a>b@x.example']\n", 5, 13,
	 "only the bare address is allowed, without a display name, angle brackets or "
	 "comments (at character 2)"},
	{"email quoted", J "    email: ['\"a\"@x.example']\n", 5, 13,
	 "quoted local parts are not supported (at character 1)"},
	{"email domain with two dots", J "    email: [a@x..example]\n", 5, 13,
	 "'a@x..example': the domain has an empty label (a dot at an end, or two in a row) "
	 "(at character 5)"},
	{"email with a comma", J "    email: ['a,b@x.example']\n", 5, 13,
	 "one address per entry"},
	{"email in Chinese", J "    email: [张伟@例子.中国]\n", 5, 13,
	 "non-ASCII characters are not supported"},
	{"email domain with '_'", J "    email: [a@x_y.example]\n", 5, 13,
	 "the domain may hold only letters, digits, '-' and dots (at character 4)"},
	{"email address literal", J "    email: ['a@[1.2.3.4]']\n", 5, 13,
	 "address literals ([1.2.3.4]) are not supported (at character 3)"},
	{"email as a mapping", J "    email: {a: b}\n", 5, 12, "list of e-mail addresses"},
	{"contacts not a mapping", J "    contacts: [a@cj.example]\n", 5, 15,
	 "contacts must be a mapping"},
	{"bad address in contacts", J "    contacts:\n      county_epb: [x@y.example, nope]\n", 6,
	 33, "bad e-mail address 'nope'"},
	{"role id with a space", J "    contacts: {'county epb': [a@cj.example]}\n", 5, 16,
	 "bad role id 'county epb'"},
	{"wrong check character", J "enterprises:\n  - id: 91652301MA7000001R\n", 6, 9,
	 "invalid unified social credit code '91652301MA7000001R': check character should be "
	 "'Q'"},
	{"lower-case credit code", J "enterprises:\n  - id: 91652301ma7000001q\n", 6, 9,
	 "position 9 ('m') is outside the alphabet 0123456789ABCDEFGHJKLMNPQRTUWXY (lower case"},
	{"credit code of 17 characters", J "enterprises:\n  - id: 91652301MA7000001\n", 6, 9,
	 "17 characters, expected 18"},
	{"credit code with letter O", J "enterprises:\n  - id: 91652301MO7000001Q\n", 6, 9,
	 "position 10 ('O') is outside the alphabet"},
	{"duplicate enterprise id", J E1 "    industry: cement\n  - id: 91652301MA7000001Q\n",
	 10, 9, "duplicate enterprise id '91652301MA7000001Q'"},
	{"unknown jurisdiction", J "enterprises:\n  - id: 91652301MA7000001Q\n    name: 甲\n"
	 "    jurisdiction: fukang\n    industry: cement\n", 8, 19,
	 "unknown jurisdiction 'fukang'"},
	{"missing industry", J E1, 6, 5, "missing key 'industry'"},
	{"unknown industry", J E1 "    industry: cemnt\n", 9, 15,
	 "unknown industry 'cemnt' (expected one of: steel, thermal-power"},
	{"unknown enterprise key", J E1 "    industry: cement\n    phone: 110\n", 10, 5,
	 "unknown key 'phone' in enterprise"},
	{"listed not a boolean", J E1 "    industry: cement\n    listed: maybe\n", 10, 13,
	 "must be true or false, not 'maybe'"},
	{"unknown measure", J E1 "    industry: cement\n    measure: fine\n", 10, 14,
	 "unknown measure 'fine' (expected one of: rectify-by-deadline, listed-supervision, "
	 "closure)"},
	{"no such date", J E1 "    industry: cement\n    rectify_by: 2017-02-29\n", 10, 17,
	 "bad date '2017-02-29': no such day"},
	{"date not zero-padded", J E1 "    industry: cement\n    rectify_by: 2017-9-30\n", 10, 17,
	 "bad date '2017-9-30': expected YYYY-MM-DD"},
	{"name as a list", J E1 "    industry: cement\n    responsible_person: [张三, 李四]\n", 10,
	 25, "must be a single value"},
	{"attribute named like a standard field", J E1 "    industry: cement\n"
	 "    attrs: {industry: steel}\n", 10, 13, "attribute 'industry' has the name of a "
	 "standard field"},
	{"attribute that is a list", J E1 "    industry: cement\n    attrs: {pollutants: [a, b]}\n",
	 10, 25, "attribute 'pollutants' must be a single value"},
	{"offices not a mapping", "offices: [a@cj.example]\n", 1, 10, "offices must be a mapping"},
	{"bad office address", "offices:\n  admin: [it@cj.example, it-at-cj]\n", 2, 26,
	 "office 'admin': bad e-mail address 'it-at-cj'"},
	{"YAML duplicate key (ydoc)", "offices:\n  admin: [a@cj.example]\n  admin: [b@cj.example]\n",
	 3, 3, "admin"},
};

static void
each_bad_registry_is_refused_at_its_node(void)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct registry *r = (struct registry *)&r; /* must stay untouched */
		struct registry *before = r;
		struct dberr e;
		int rc;

		rc = parse_text(c->text, NULL, &r, &e);
		if (rc != DB_EDATA || e.line != c->line || e.col != c->col ||
		    strstr(e.msg, c->fragment) == NULL || strstr(e.file, "reg.yaml") == NULL) {
			fprintf(stderr, "case '%s': rc %d, got ", c->name, rc);
			dberr_print(&e, stderr);
			TEST_FAIL_("case '%s': want DB_EDATA at %d:%d with \"%s\"", c->name, c->line,
			           c->col, c->fragment);
		}
		ASSERT(r == before);
	}
}

static void
missing_file_and_unknown_extension_are_refused(void)
{
	struct registry *r = NULL;
	char path[4200];
	struct dberr e;

	snprintf(path, sizeof(path), "%s/absent.yaml", tmpdir);
	dberr_clear(&e);
	ASSERT_EQ(registry_parse_file(path, NULL, &r, &e), -2 /* -ENOENT */);
	snprintf(path, sizeof(path), "%s/reg.txt", tmpdir);
	dberr_clear(&e);
	ASSERT_EQ(registry_parse_file(path, NULL, &r, &e), DB_EDATA);
	ASSERT_STR_CONTAINS(e.msg, ".yaml, .yml, .csv or .xlsx");
	ASSERT(r == NULL);
}

int
main(void)
{
	char path[4200];

	tmpdir = test_tmpdir();
	sample_registry_has_every_jurisdiction_industry_and_office();
	enterprise_fields_contacts_and_attrs_map_to_the_subject();
	context_supplies_known_jurisdictions_and_industries();
	many_industries_each_found();
	each_bad_registry_is_refused_at_its_node();
	missing_file_and_unknown_extension_are_refused();
	snprintf(path, sizeof(path), "%s/reg.yaml", tmpdir);
	unlink(path);
	rmdir(tmpdir);
	free(tmpdir);
	return 0;
}
