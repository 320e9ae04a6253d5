/*
 * ydoc.c - libyaml's event stream folded into a ydoc tree, refusing what plan data does not
 * need (ydoc.h). libyaml reports 1 for success and 0 for failure with details in the parser;
 * both are turned into our DB_EDATA with FILE:LINE:COLUMN here, and no libyaml type leaves
 * this file.
 */
#include "workflows/parse/ydoc.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "base/buf.h"
#include "base/hmap.h"
#include "base/log.h"
#include "base/utf8.h"
#include "base/xalloc.h"

/* One open collection. The capacity lives here rather than in the node because a node only
 * grows while it is open. */
struct frame {
	struct ydoc_node *node; /* owned by the tree (already attached to its parent) */
	size_t cap;
	bool want_value;        /* MAP: the last pair has a key and awaits its value */
	struct hmap keys;       /* MAP: the keys so far (borrowed from the nodes): a mapping of
	                         * 100,000 keys is checked for duplicates in linear time */
};

struct builder {
	struct ydoc *doc;       /* owned; handed to the caller on success */
	struct frame *stack;    /* owned */
	size_t depth, cap;
	int ndocs;
	struct dberr *e;
};

static void
node_free(struct ydoc_node *n)
{
	if (n == NULL)
		return;
	free(n->scalar);
	for (size_t i = 0; i < n->n; i++) {
		if (n->type == YDOC_SEQ) {
			node_free(n->items[i]);
		} else {
			node_free(n->pairs[i].key);
			node_free(n->pairs[i].value);
		}
	}
	free(n->items);
	free(n->pairs);
	free(n);
}

void
ydoc_free(struct ydoc *d)
{
	if (d == NULL)
		return;
	node_free(d->root);
	free(d->name);
	free(d);
}

static int
refuse(struct builder *b, yaml_mark_t m, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* libyaml marks are 0-based; people count lines and columns from 1. */
static int
refuse(struct builder *b, yaml_mark_t m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dberr_vset(b->e, DB_EDATA, b->doc->name, (int)m.line + 1, (int)m.column + 1, fmt, ap);
	va_end(ap);
	return DB_EDATA;
}

static struct ydoc_node *
node_new(enum ydoc_type t, yaml_mark_t m)
{
	struct ydoc_node *n = xcalloc(1, sizeof(*n));

	n->type = t;
	n->line = (int)m.line + 1;
	n->col = (int)m.column + 1;
	return n;
}

/* Places a finished or just-opened node under the innermost open collection (or as the root).
 * Keys are checked here: scalar only, and unique within their mapping. */
static int
attach(struct builder *b, struct ydoc_node *n, yaml_mark_t m)
{
	struct frame *f;
	struct ydoc_node *p;
	size_t i;

	if (b->depth == 0) {
		b->doc->root = n;
		return 0;
	}
	f = &b->stack[b->depth - 1];
	p = f->node;
	if (p->type == YDOC_SEQ) {
		p->items = xgrow(p->items, &f->cap, p->n + 1, sizeof(*p->items));
		p->items[p->n++] = n;
		return 0;
	}
	if (f->want_value) {
		p->pairs[p->n - 1].value = n;
		f->want_value = false;
		return 0;
	}
	if (n->type != YDOC_SCALAR) {
		const char *what = n->type == YDOC_MAP ? "mapping" : "list";

		node_free(n);
		return refuse(b, m, "a mapping key must be a single value, not a %s", what);
	}
	if (hmap_get(&f->keys, n->scalar, &i)) {
		int line = p->pairs[i].key->line;

		node_free(n);
		return refuse(b, m, "duplicate key '%s' (first given at line %d)",
		              p->pairs[i].key->scalar, line);
	}
	hmap_put(&f->keys, n->scalar, p->n);
	p->pairs = xgrow(p->pairs, &f->cap, p->n + 1, sizeof(*p->pairs));
	p->pairs[p->n].key = n;
	p->pairs[p->n].value = NULL;
	p->n++;
	f->want_value = true;
	return 0;
}

/* Anchors, aliases and tags are legal YAML but change what a plan means in ways a reader of
 * the file does not see at that spot, so a plan may not use them. */
static int
check_props(struct builder *b, const yaml_char_t *anchor, const yaml_char_t *tag,
            yaml_mark_t m)
{
	if (anchor != NULL)
		return refuse(b, m, "anchors (&%s) are not allowed in dabiao files; write the "
		              "value out", (const char *)anchor);
	if (tag != NULL)
		return refuse(b, m, "tags (%s) are not allowed in dabiao files; write the plain "
		              "value", (const char *)tag);
	return 0;
}

/* libyaml refuses control characters typed into a file, but a double-quoted "\e" or
 * "\x07" makes them; they would then reach terminals, reports, calendars and mail. Line
 * breaks and tabs are text. Nor may a value hold an invisible character that reorders or
 * hides text (utf8_invisible_name), typed or escaped: a milestone titled
 * "报表<U+202E>txt.exe" put that override in every reminder's Subject, the calendar and the
 * CSV reports (review13f C5); the registry and the command line refuse the same ones, and
 * this is the plan's, the registry YAML's and the configuration's one reader. */
static int
check_controls(struct builder *b, const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length, k, chars = 0;
	const char *invisible;
	uint32_t cp;

	for (size_t i = 0; i < n; i += k ? k : 1, chars++) {
		k = utf8_decode(v + i, n - i, &cp);
		if (k != 0 && (invisible = utf8_invisible_name(cp)) != NULL)
			return refuse(b, ev->start_mark, "invisible character U+%04X (%s) at "
			              "character %zu of the value: it changes how the text reads or "
			              "hides in it (pasted from a web page or a document?); type the "
			              "value again without it", (unsigned)cp, invisible, chars + 1);
		if (k != 0 && cp != '\t' && cp != '\n' && cp != '\r' &&
		    (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)))
			return refuse(b, ev->start_mark, "control character U+%04X at character %zu "
			              "of the value (an escape such as \\e or \\x1b): dabiao's texts "
			              "hold none", (unsigned)cp, chars + 1);
	}
	return 0;
}

static int
on_scalar(struct builder *b, const yaml_event_t *ev)
{
	struct ydoc_node *n;
	int rc;

	if ((rc = check_props(b, ev->data.scalar.anchor, ev->data.scalar.tag,
	                      ev->start_mark)) != 0)
		return rc;
	if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length) != NULL)
		return refuse(b, ev->start_mark, "a value may not contain a NUL character");
	if ((rc = check_controls(b, ev)) != 0)
		return rc;
	n = node_new(YDOC_SCALAR, ev->start_mark);
	n->scalar = xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
	n->len = ev->data.scalar.length;
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	/* YAML trims spaces around an unquoted value, not the ideographic space U+3000 that
	 * Chinese input methods type after `due: 2017-02-15`: trimmed too, as a registry's
	 * cells are (a quoted value is kept as written) */
	if (n->plain)
		n->len = strlen(utf8_trim(n->scalar));
	return attach(b, n, ev->start_mark);
}

static int
on_open(struct builder *b, const yaml_event_t *ev, enum ydoc_type t)
{
	const yaml_char_t *anchor, *tag;
	struct ydoc_node *n;
	int rc;

	if (t == YDOC_MAP) {
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
	} else {
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
	}
	if ((rc = check_props(b, anchor, tag, ev->start_mark)) != 0)
		return rc;
	/* libyaml 0.2.5 recurses without bound; the limit keeps a hostile file from using
	 * the stack up in later walks. */
	if (b->depth >= YDOC_MAX_DEPTH)
		return refuse(b, ev->start_mark, "nesting deeper than %d levels", YDOC_MAX_DEPTH);
	n = node_new(t, ev->start_mark);
	if ((rc = attach(b, n, ev->start_mark)) != 0)
		return rc;
	b->stack = xgrow(b->stack, &b->cap, b->depth + 1, sizeof(*b->stack));
	b->stack[b->depth].node = n;
	b->stack[b->depth].cap = 0;
	b->stack[b->depth].want_value = false;
	b->stack[b->depth].keys = (struct hmap)HMAP_INIT;
	b->depth++;
	return 0;
}

static int
on_event(struct builder *b, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++b->ndocs > 1)
			return refuse(b, ev->start_mark, "a second document ('---') is not allowed; "
			              "one file holds one document");
		return 0;
	case YAML_ALIAS_EVENT:
		return refuse(b, ev->start_mark, "aliases (*%s) are not allowed in dabiao files; "
		              "write the value out", (const char *)ev->data.alias.anchor);
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_open(b, ev, YDOC_SEQ);
	case YAML_MAPPING_START_EVENT:
		return on_open(b, ev, YDOC_MAP);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		hmap_release(&b->stack[--b->depth].keys);
		return 0;
	default:
		return 0;
	}
}

/* Reader errors (bad UTF-8, control characters) carry a byte offset rather than a mark. */
static yaml_mark_t
mark_at_offset(const char *data, size_t len, size_t off)
{
	yaml_mark_t m = {0, 0, 0};

	for (size_t i = 0; i < off && i < len; i++) {
		if (data[i] == '\n') {
			m.line++;
			m.column = 0;
		} else if (((unsigned char)data[i] & 0xC0) != 0x80) {
			m.column++;
		}
	}
	m.index = off;
	return m;
}

/* libyaml's reader names a bad character by a value it half decoded (0x00 for a CESU
 * surrogate, 0xff for an overlong form): say which bytes are there instead, or which
 * character when it is a forbidden control character. */
static int
reader_failure(struct builder *b, const yaml_parser_t *p, const char *data, size_t len)
{
	const char *problem = p->problem ? p->problem : "unreadable text";
	size_t off = p->problem_offset, k;
	struct buf bytes = BUF_INIT;
	uint32_t cp;
	int rc;

	if (off < len && (k = utf8_decode(data + off, len - off, &cp)) != 0) {
		buf_printf(&bytes, " (U+%04X)", (unsigned)cp);
	} else {
		/* the lead byte and the continuation bytes that follow it */
		buf_puts(&bytes, ": bytes");
		for (k = 0; off + k < len && k < 4 &&
		            (k == 0 || ((unsigned char)data[off + k] & 0xc0) == 0x80); k++)
			buf_printf(&bytes, " %02X", (unsigned char)data[off + k]);
		buf_puts(&bytes, " are not UTF-8 (save the file as UTF-8)");
	}
	rc = refuse(b, mark_at_offset(data, len, off), "%s%s", problem, buf_str(&bytes));
	buf_release(&bytes);
	return rc;
}

static int
parser_failure(struct builder *b, const yaml_parser_t *p, const char *data, size_t len)
{
	const char *problem = p->problem ? p->problem : "unreadable YAML";

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		fatalx("ydoc", "out of memory in libyaml");
	case YAML_READER_ERROR:
		return reader_failure(b, p, data, len);
	default:
		break;
	}
	if (p->context != NULL)
		return refuse(b, p->problem_mark, "YAML syntax: %s, %s (started at line %d, "
		              "column %d)", p->context, problem, (int)p->context_mark.line + 1,
		              (int)p->context_mark.column + 1);
	return refuse(b, p->problem_mark, "YAML syntax: %s", problem);
}

enum ydoc_encoding
ydoc_encoding(const char *data, size_t len)
{
	const unsigned char *d = (const unsigned char *)data;
	size_t zeros = 0, at[4] = {0}, n = len < 4096 ? len : 4096;

	if (len >= 4 && ((d[0] == 0xff && d[1] == 0xfe && d[2] == 0 && d[3] == 0) ||
	                 (d[0] == 0 && d[1] == 0 && d[2] == 0xfe && d[3] == 0xff)))
		return YDOC_UTF32;
	if (len >= 2 && ((d[0] == 0xff && d[1] == 0xfe) || (d[0] == 0xfe && d[1] == 0xff)))
		return YDOC_UTF16;
	for (size_t i = 0; i < n; i++)
		if (d[i] == 0)
			zeros++, at[i % 4]++;
	if (n > 0 && zeros == n)
		return YDOC_ZEROS;
	if (n < 4 || zeros < 2)
		return YDOC_TEXT;
	/* UTF-32 of the Basic Multilingual Plane: the two high bytes of every character zero */
	if (n >= 16 && ((at[2] + 1 >= n / 4 && at[3] + 1 >= n / 4) ||
	                (at[0] + 1 >= n / 4 && at[1] + 1 >= n / 4)))
		return YDOC_UTF32;
	/* UTF-16: the zero byte of each ASCII character (a line end, a blank, a key) on the
	 * same side of its pair, nine in ten at least (a character U+XX00 has its zero on the
	 * other), whatever the Chinese around them */
	{
		size_t even = at[0] + at[2], odd = at[1] + at[3];

		if ((even > odd ? even : odd) * 10 >= zeros * 9 && zeros * 32 >= n)
			return YDOC_UTF16;
	}
	return YDOC_TEXT;
}

int
ydoc_check_encoding(const char *name, const char *data, size_t len, const char *save,
                    struct dberr *e)
{
	switch (ydoc_encoding(data, len)) {
	case YDOC_UTF16:
		return dberr_at(e, DB_EDATA, name, 1, 1, "the file is UTF-16 (Windows \"Unicode\"); "
		                "dabiao reads UTF-8: %s", save);
	case YDOC_UTF32:
		return dberr_at(e, DB_EDATA, name, 1, 1, "the file is UTF-32; dabiao reads UTF-8: %s",
		                save);
	case YDOC_ZEROS:
		return dberr_at(e, DB_EDATA, name, 1, 1, "the file holds nothing but zero bytes (a "
		                "file never written, or cut by a crash?): there is no text in it");
	case YDOC_TEXT:
		break;
	}
	return 0;
}

int
ydoc_parse(const char *name, const char *data, size_t len, struct ydoc **out,
           struct dberr *e)
{
	struct builder b = {0};
	yaml_parser_t parser;
	yaml_event_t ev;
	bool done = false;
	int rc = 0;

	/* libyaml would read UTF-16 as happily as UTF-8; dabiao's files are UTF-8 (what every
	 * message's column counts in, and what docs/plan-format.md promises) */
	if ((rc = ydoc_check_encoding(name, data, len, "save it as UTF-8", e)) != 0)
		return rc;
	if (!yaml_parser_initialize(&parser))
		fatalx("ydoc", "out of memory in libyaml");
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	b.doc = xcalloc(1, sizeof(*b.doc));
	b.doc->name = xstrdup(name);
	b.e = e;
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = parser_failure(&b, &parser, data, len);
			goto fail;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		rc = on_event(&b, &ev);
		yaml_event_delete(&ev);
		if (rc != 0)
			goto fail;
	}
	yaml_parser_delete(&parser);
	free(b.stack);
	*out = b.doc;
	return 0;
fail:
	yaml_parser_delete(&parser);
	while (b.depth > 0)
		hmap_release(&b.stack[--b.depth].keys);
	free(b.stack);
	ydoc_free(b.doc);
	return rc;
}

int
ydoc_error(const struct ydoc *d, const struct ydoc_node *n, struct dberr *e, const char *fmt,
           ...)
{
	va_list ap;

	va_start(ap, fmt);
	dberr_vset(e, DB_EDATA, d ? d->name : NULL, n ? n->line : 0, n ? n->col : 0, fmt, ap);
	va_end(ap);
	return DB_EDATA;
}

const struct ydoc_node *
ydoc_get(const struct ydoc_node *n, const char *key)
{
	if (n == NULL || n->type != YDOC_MAP)
		return NULL;
	for (size_t i = 0; i < n->n; i++)
		if (strcmp(n->pairs[i].key->scalar, key) == 0)
			return n->pairs[i].value;
	return NULL;
}

static const char *
type_name(const struct ydoc_node *n)
{
	if (n == NULL)
		return "nothing";
	switch (n->type) {
	case YDOC_SEQ:
		return "a list";
	case YDOC_MAP:
		return "a mapping";
	default:
		return n->len == 0 ? "an empty value" : "a single value";
	}
}

int
ydoc_expect(const struct ydoc *d, const struct ydoc_node *n, enum ydoc_type t,
            const char *what, struct dberr *e)
{
	static const char *const want[] = {"a single value", "a list", "a mapping"};

	if (n != NULL && n->type == t)
		return 0;
	return ydoc_error(d, n, e, "%s must be %s, not %s", what, want[t], type_name(n));
}

int
ydoc_check_keys(const struct ydoc *d, const struct ydoc_node *n, const char *what,
                const char *const *allowed, struct dberr *e)
{
	char list[512];
	size_t off = 0;
	int rc;

	if ((rc = ydoc_expect(d, n, YDOC_MAP, what, e)) != 0)
		return rc;
	for (size_t i = 0; i < n->n; i++) {
		const struct ydoc_node *k = n->pairs[i].key;
		size_t j;

		for (j = 0; allowed[j] != NULL; j++)
			if (strcmp(k->scalar, allowed[j]) == 0)
				break;
		if (allowed[j] != NULL)
			continue;
		list[0] = '\0';
		for (j = 0; allowed[j] != NULL && off < sizeof(list); j++)
			off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
			                        j ? ", " : "", allowed[j]);
		return ydoc_error(d, k, e, "unknown key '%s' in %s; expected one of: %s",
		                  k->scalar, what, list);
	}
	return 0;
}

/* A plain ~ or null is YAML's "no value", never a string someone meant. */
static bool
is_null(const struct ydoc_node *n)
{
	return n->plain && (n->len == 0 || strcmp(n->scalar, "~") == 0 ||
	                    strcmp(n->scalar, "null") == 0 || strcmp(n->scalar, "Null") == 0 ||
	                    strcmp(n->scalar, "NULL") == 0);
}

int
ydoc_string(const struct ydoc *d, const struct ydoc_node *n, const char *what,
            const char **out, struct dberr *e)
{
	int rc;

	if ((rc = ydoc_expect(d, n, YDOC_SCALAR, what, e)) != 0)
		return rc;
	if (n->len == 0 || is_null(n))
		return ydoc_error(d, n, e, "%s must not be empty", what);
	*out = n->scalar;
	return 0;
}

int
ydoc_int(const struct ydoc *d, const struct ydoc_node *n, const char *what, long min,
         long max, long *out, struct dberr *e)
{
	char *end;
	long v;
	int rc;

	if ((rc = ydoc_expect(d, n, YDOC_SCALAR, what, e)) != 0)
		return rc;
	/* digits, and a '-' only where negatives are allowed: strtol would take "+5" and " 5" */
	errno = 0;
	v = strtol(n->scalar, &end, 10);
	if (n->len == 0 || *end != '\0' || errno != 0 || end == n->scalar ||
	    strspn(n->scalar + (n->scalar[0] == '-'), "0123456789") !=
	            n->len - (n->scalar[0] == '-') ||
	    v < min || v > max)
		return ydoc_error(d, n, e, "%s must be a whole number from %ld to %ld, not '%s'",
		                  what, min, max, n->scalar);
	*out = v;
	return 0;
}

int
ydoc_bool(const struct ydoc *d, const struct ydoc_node *n, const char *what, bool *out,
          struct dberr *e)
{
	int rc;

	if ((rc = ydoc_expect(d, n, YDOC_SCALAR, what, e)) != 0)
		return rc;
	if (strcasecmp(n->scalar, "true") == 0 || strcasecmp(n->scalar, "yes") == 0) {
		*out = true;
		return 0;
	}
	if (strcasecmp(n->scalar, "false") == 0 || strcasecmp(n->scalar, "no") == 0) {
		*out = false;
		return 0;
	}
	return ydoc_error(d, n, e, "%s must be true or false, not '%s'", what, n->scalar);
}
