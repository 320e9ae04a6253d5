/*
 * ydoc_refusals.c - every class of document ydoc_parse refuses, each at the line and column
 * a person would look at, with a message that names the problem.
 */
#include <string.h>

#include "lib/test.h"
#include "workflows/parse/ydoc.h"

struct refusal {
	const char *name;
	const char *src;
	int line, col;
	const char *fragment;
};

static const struct refusal refusals[] = {
	{"syntax_error_unclosed_flow", "a: [1, 2\nb: 3\n", 2, 2,
	 "while parsing a flow sequence, did not find expected ',' or ']'"},
	{"syntax_error_bad_indent", "a:\n  b: 1\n c: 2\n", 3, 2, "YAML syntax"},
	{"syntax_error_names_context", "a: \"open\n", 2, 1, "while scanning a quoted scalar"},
	{"anchor_on_scalar", "a: &x 1\nb: 2\n", 1, 4, "anchors (&x)"},
	{"anchor_on_mapping", "a: &m\n  b: 1\n", 1, 4, "anchors (&m)"},
	{"alias", "a: 1\nb: *x\n", 2, 4, "aliases (*x)"},
	{"explicit_tag", "a: !!str 5\n", 1, 4, "tags (tag:yaml.org,2002:str)"},
	{"local_tag_on_sequence", "a: !list [1]\n", 1, 4, "tags (!list)"},
	{"second_document", "a: 1\n---\nb: 2\n", 2, 1, "second document"},
	{"mapping_as_key", "? {a: 1}\n: 2\n", 1, 3, "mapping key must be a single value"},
	{"sequence_as_key", "? [a]\n: 2\n", 1, 3, "not a list"},
	{"duplicate_key", "a: 1\nb: 2\na: 3\n", 3, 1, "duplicate key 'a' (first given at line 1)"},
	{"duplicate_key_nested_flow", "m:\n  x: {k: 1, k: 2}\n", 2, 13,
	 "duplicate key 'k' (first given at line 2)"},
	{"duplicate_key_quoted_equals_plain", "a: 1\n\"a\": 2\n", 2, 1, "duplicate key 'a'"},
	{"bad_utf8", "a: \xff\n", 1, 4, "invalid"},
	{"nul_in_value", "a: \"x\\0y\"\n", 1, 4, "NUL"},
};

/* 65 nested flow sequences: one more than YDOC_MAX_DEPTH. */
static void
deep_document(char *buf, size_t size, int depth)
{
	size_t off = 0;

	for (int i = 0; i < depth && off + 1 < size; i++)
		buf[off++] = '[';
	for (int i = 0; i < depth && off + 1 < size; i++)
		buf[off++] = ']';
	buf[off++] = '\n';
	buf[off] = '\0';
}

static void
check_refusal(const struct refusal *r)
{
	struct ydoc *d = NULL;
	struct dberr e;
	int rc;

	dberr_clear(&e);
	rc = ydoc_parse("t.yaml", r->src, strlen(r->src), &d, &e);
	if (rc != DB_EDATA || e.line != r->line || e.col != r->col ||
	    strstr(e.msg, r->fragment) == NULL)
		fprintf(stderr, "case %s: rc=%d at %d:%d: %s\n", r->name, rc, e.line, e.col,
		        e.msg);
	ASSERT_EQ(rc, DB_EDATA);
	ASSERT(d == NULL);
	ASSERT_STR_EQ(e.file, "t.yaml");
	ASSERT_EQ(e.line, r->line);
	ASSERT_EQ(e.col, r->col);
	ASSERT_STR_CONTAINS(e.msg, r->fragment);
}

static void
depth_limit_is_64(void)
{
	char buf[256];
	struct ydoc *d = NULL;
	struct dberr e;

	deep_document(buf, sizeof(buf), 64);
	dberr_clear(&e);
	ASSERT_EQ(ydoc_parse("t.yaml", buf, strlen(buf), &d, &e), 0);
	ydoc_free(d);
	d = NULL;

	deep_document(buf, sizeof(buf), 65);
	ASSERT_EQ(ydoc_parse("t.yaml", buf, strlen(buf), &d, &e), DB_EDATA);
	ASSERT(d == NULL);
	ASSERT_EQ(e.line, 1);
	ASSERT_EQ(e.col, 65);
	ASSERT_STR_CONTAINS(e.msg, "nesting deeper than 64");
}

static void
accepted_tree_has_positions_and_styles(void)
{
	static const char src[] = "# c\nname: 昌吉\nlist:\n  - \"5\"\n  - 5\nmap: {k: v}\n";
	const struct ydoc_node *n;
	struct ydoc *d = NULL;
	struct dberr e;

	dberr_clear(&e);
	ASSERT_EQ(ydoc_parse("ok.yaml", src, sizeof(src) - 1, &d, &e), 0);
	ASSERT_EQ(d->root->type, YDOC_MAP);
	ASSERT_EQ(d->root->n, 3);
	n = ydoc_get(d->root, "name");
	ASSERT_STR_EQ(n->scalar, "昌吉");
	ASSERT_EQ(n->line, 2);
	ASSERT_EQ(n->col, 7);
	n = ydoc_get(d->root, "list");
	ASSERT_EQ(n->type, YDOC_SEQ);
	ASSERT_EQ(n->n, 2);
	ASSERT(!n->items[0]->plain);
	ASSERT(n->items[1]->plain);
	ASSERT_EQ(n->items[1]->line, 5);
	ASSERT_EQ(n->items[1]->col, 5);
	ASSERT_STR_EQ(ydoc_get(ydoc_get(d->root, "map"), "k")->scalar, "v");
	ASSERT(ydoc_get(d->root, "absent") == NULL);
	ydoc_free(d);

	d = NULL;
	ASSERT_EQ(ydoc_parse("empty.yaml", "", 0, &d, &e), 0);
	ASSERT(d->root == NULL);
	ydoc_free(d);
}

static void
helpers_refuse_at_the_node(void)
{
	static const char src[] = "a: 1\nn: 70000\nb: maybe\ns: ''\nm: {x: 1}\ntypo: 2\n";
	static const char *const keys[] = {"a", "n", "b", "s", "m", NULL};
	struct ydoc *d = NULL;
	struct dberr e;
	const char *s;
	long v;
	bool bv;

	dberr_clear(&e);
	ASSERT_EQ(ydoc_parse("h.yaml", src, sizeof(src) - 1, &d, &e), 0);
	ASSERT_EQ(ydoc_int(d, ydoc_get(d->root, "a"), "a", 0, 10, &v, &e), 0);
	ASSERT_EQ(v, 1);

	ASSERT_EQ(ydoc_int(d, ydoc_get(d->root, "n"), "n", 0, 65535, &v, &e), DB_EDATA);
	ASSERT_EQ(e.line, 2);
	ASSERT_STR_CONTAINS(e.msg, "from 0 to 65535, not '70000'");

	dberr_clear(&e);
	ASSERT_EQ(ydoc_bool(d, ydoc_get(d->root, "b"), "b", &bv, &e), DB_EDATA);
	ASSERT_EQ(e.line, 3);
	ASSERT_STR_CONTAINS(e.msg, "true or false, not 'maybe'");

	dberr_clear(&e);
	ASSERT_EQ(ydoc_string(d, ydoc_get(d->root, "s"), "s", &s, &e), DB_EDATA);
	ASSERT_EQ(e.line, 4);
	ASSERT_STR_CONTAINS(e.msg, "must not be empty");

	dberr_clear(&e);
	ASSERT_EQ(ydoc_string(d, ydoc_get(d->root, "m"), "m", &s, &e), DB_EDATA);
	ASSERT_EQ(e.line, 5);
	ASSERT_EQ(e.col, 4);
	ASSERT_STR_CONTAINS(e.msg, "m must be a single value, not a mapping");

	dberr_clear(&e);
	ASSERT_EQ(ydoc_check_keys(d, d->root, "the test", keys, &e), DB_EDATA);
	ASSERT_EQ(e.line, 6);
	ASSERT_EQ(e.col, 1);
	ASSERT_STR_CONTAINS(e.msg, "unknown key 'typo' in the test; expected one of: a, n, b, s, m");
	ydoc_free(d);
}

int
main(void)
{
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
		check_refusal(&refusals[i]);
	depth_limit_is_64();
	accepted_tree_has_positions_and_styles();
	helpers_refuse_at_the_node();
	return 0;
}
