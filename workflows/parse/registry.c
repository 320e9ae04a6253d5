/*
 * registry.c - the registry's checks, its YAML form, and the public calls.
 *
 * Every check runs before anything is kept, and the first failure ends the parse, so an
 * import is all or nothing (registry.h). The CSV form lives in registry_csv.c and shares
 * the value checks below through registry_int.h.
 */
#include "workflows/parse/registry.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base/addr.h"
#include "base/buf.h"
#include "base/file.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include "workflows/parse/plan.h"
#include "workflows/parse/registry_int.h"
#include "workflows/parse/ydoc.h"

const char *const registry_default_industries[] = {
	"steel", "thermal-power", "cement", "coal", "paper", "dyeing", "sewage-treatment",
	"waste-incineration", "electrolytic-aluminium", "cotton-pulp", "other", NULL,
};

static const char *const measures[] = {
	"rectify-by-deadline", "listed-supervision", "closure", NULL,
};

static const char *const jurisdiction_kinds[] = {"county", "city", "park", NULL};

/* Field names the parser writes itself; "id" and the contact keys are included so that a
 * free attribute can never be mistaken for them in a listing. */
static const char *const standard_fields[] = {
	"id", "name", "kind", "jurisdiction", "industry", "listed", "measure", "rectify_by",
	"responsible_unit", "responsible_person", "email", "contacts", "attrs", NULL,
};

/* GB 32100-2015, 4.2: the code alphabet (value = index) and the weights W_i = 3^(i-1) mod 31
 * of positions 1..17. */
static const char credit_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int credit_weights[17] = {
	1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
};

/* ---- subject lists ---- */

/* Where a registry's subjects live once read: their ids, texts and arrays packed in large
 * blocks, the field and role names once each. A million enterprises of 13 columns held as
 * separate allocations took 1.3 KB a row (26 strings, a header each, and an array grown by
 * one at a time); packed they take what their bytes take. The registry is read-only from
 * then on (registry.h), so nothing is freed before the whole. */
struct registry_mem {
	char **blocks;
	size_t nblocks, capblocks;
	size_t used, size;       /* in the last block */
	struct hmap names;       /* field and role names -> index in name */
	char **name;             /* interned names, in blocks */
	size_t nnames, capnames;
	struct hmap ids[3];      /* once finished: whom the file lists (registry_lists) */
};

/* Large enough that the C library always maps a block from the system (glibc: above 32 MiB)
 * and gives it back when the registry is freed, rather than leaving it in its heap; pages
 * not yet written take no memory, so a small registry costs what it uses. */
enum { MEM_BLOCK = 64 << 20 };

static void *
mem_alloc(struct registry_mem *m, size_t n)
{
	n = (n + 7) & ~(size_t)7;   /* pointers and sizes inside stay aligned */
	if (m->nblocks == 0 || m->size - m->used < n) {
		m->size = n > MEM_BLOCK ? n : MEM_BLOCK;
		m->blocks = xgrow(m->blocks, &m->capblocks, m->nblocks + 1, sizeof(*m->blocks));
		m->blocks[m->nblocks++] = xmalloc(m->size);
		m->used = 0;
	}
	m->used += n;
	return m->blocks[m->nblocks - 1] + m->used - n;
}

static char *
mem_strdup(struct registry_mem *m, const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(mem_alloc(m, n), s, n);
}

/* One copy of each field or role name, however many rows use it. */
static char *
mem_name(struct registry_mem *m, const char *s)
{
	size_t i;

	if (hmap_get(&m->names, s, &i))
		return m->name[i];
	m->name = xgrow(m->name, &m->capnames, m->nnames + 1, sizeof(*m->name));
	m->name[m->nnames] = mem_strdup(m, s);
	hmap_put(&m->names, m->name[m->nnames], m->nnames);
	return m->name[m->nnames++];
}

static void
mem_free(struct registry_mem *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->nblocks; i++)
		free(m->blocks[i]);
	free(m->blocks);
	free(m->name);
	hmap_release(&m->names);
	for (size_t i = 0; i < 3; i++)
		hmap_release(&m->ids[i]);
	free(m);
}

/* The pairs of a subject being built (separate allocations), moved into m. */
static struct store_kv *
mem_kv(struct registry_mem *m, struct store_kv *kv, size_t n)
{
	struct store_kv *out = n ? mem_alloc(m, n * sizeof(*out)) : NULL;

	for (size_t i = 0; i < n; i++) {
		out[i].key = mem_name(m, kv[i].key);
		out[i].val = mem_strdup(m, kv[i].val);
		free(kv[i].key);
		free(kv[i].val);
	}
	free(kv);
	return out;
}

/* A subject's fields and contacts, built one by one, are packed when the next subject
 * begins or the list ends: only one subject at a time is held the costly way. */
static void
seal(struct registry_list *l)
{
	struct store_subject *s;

	if (l->n == 0 || l->sealed == l->n || l->sink != NULL)
		return; /* a sink's subject is handed on whole, never packed */
	s = &l->v[l->n - 1];
	registry_contacts_dedup(s);
	s->fields = mem_kv(l->mem, s->fields, s->nfields);
	s->contacts = mem_kv(l->mem, s->contacts, s->ncontacts);
	l->sealed = l->n;
}

/* The parts of a subject not yet packed (its id is packed from the start). */
static void
subject_release(struct store_subject *s)
{
	size_t i;

	for (i = 0; i < s->nfields; i++) {
		free(s->fields[i].key);
		free(s->fields[i].val);
	}
	free(s->fields);
	for (i = 0; i < s->ncontacts; i++) {
		free(s->contacts[i].key);
		free(s->contacts[i].val);
	}
	free(s->contacts);
}

/* The index of a kind in registry_list.ids. */
static size_t
kind_slot(enum store_subject_kind kind)
{
	return kind == STORE_JURISDICTION ? 0 : kind == STORE_ENTERPRISE ? 1 : 2;
}

void
registry_list_init(struct registry_list *l, const struct registry_ctx *ctx)
{
	memset(l, 0, sizeof(*l));
	l->mem = xcalloc(1, sizeof(*l->mem));
	for (size_t i = 0; ctx && ctx->known_jurisdictions && ctx->known_jurisdictions[i]; i++)
		hmap_put(&l->known, ctx->known_jurisdictions[i], i);
	l->industry_list = ctx != NULL && ctx->industries != NULL ? ctx->industries
	                                                          : registry_default_industries;
	for (size_t i = 0; l->industry_list[i] != NULL; i++)
		hmap_put(&l->industries, l->industry_list[i], i);
}

/* Where the i-th subject added is held: a list with a sink holds only the last. */
static size_t
slot(const struct registry_list *l, size_t i)
{
	return l->sink != NULL ? 0 : i;
}

struct store_subject *
registry_list_add(struct registry_list *l, enum store_subject_kind kind, const char *id)
{
	struct store_subject *s;

	seal(l);
	if (l->sink != NULL && l->n > l->sealed)
		subject_release(&l->v[0]); /* not handed on: a parser's mistake, not kept */
	l->sealed = l->sink != NULL ? l->n : l->sealed;
	l->v = xgrow(l->v, &l->cap, slot(l, l->n) + 1, sizeof(*l->v));
	s = &l->v[slot(l, l->n)];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	/* packed at once: it never moves, so the index may borrow it */
	s->id = mem_strdup(l->mem, id);
	hmap_put(&l->ids[kind_slot(kind)], s->id, l->n);
	l->n++;
	return s;
}

long
registry_list_find(const struct registry_list *l, enum store_subject_kind kind, const char *id)
{
	size_t i;

	return hmap_get(&l->ids[kind_slot(kind)], id, &i) ? (long)i : -1;
}

static void
list_indexes_release(struct registry_list *l)
{
	for (size_t i = 0; i < 3; i++)
		hmap_release(&l->ids[i]);
	hmap_release(&l->known);
	hmap_release(&l->industries);
}

int
registry_list_hand(struct registry_list *l, struct dberr *e)
{
	struct store_subject *s;
	int rc;

	if (l->sink == NULL || l->n == l->sealed)
		return 0;
	s = &l->v[0];
	registry_contacts_dedup(s);
	rc = l->sink((const char *const *)l->columns, l->ncolumns, s, l->sink_arg, e);
	subject_release(s);
	s->fields = s->contacts = NULL;
	s->nfields = s->ncontacts = 0;
	l->sealed = l->n;
	return rc;
}

void
registry_list_release(struct registry_list *l)
{
	if (l->n > l->sealed)
		subject_release(&l->v[slot(l, l->n - 1)]);
	free(l->v);
	for (size_t i = 0; i < l->ncolumns; i++)
		free(l->columns[i]);
	free(l->columns);
	mem_free(l->mem);
	list_indexes_release(l);
	memset(l, 0, sizeof(*l));
}

struct registry *
registry_list_finish(struct registry_list *l)
{
	struct registry *r = xcalloc(1, sizeof(*r));

	seal(l);
	if (l->sink != NULL) { /* each was handed on: nothing kept but the ids */
		free(l->v);
	} else {
		/* the growth's spare room goes back: a million rows leave up to half the array
		 * free */
		r->subjects = l->n ? xrealloc(l->v, l->n * sizeof(*l->v)) : l->v;
		r->nsubjects = l->n;
	}
	r->columns = l->columns;
	r->ncolumns = l->ncolumns;
	r->mem = l->mem;
	for (size_t i = 0; i < 3; i++) {
		r->mem->ids[i] = l->ids[i];
		l->ids[i] = (struct hmap)HMAP_INIT;
	}
	list_indexes_release(l);
	memset(l, 0, sizeof(*l));
	return r;
}

static void
kv_append(struct store_kv **kv, size_t *n, const char *key, const char *val)
{
	*kv = xrealloc(*kv, (*n + 1) * sizeof(**kv));
	(*kv)[*n].key = xstrdup(key);
	(*kv)[*n].val = xstrdup(val);
	(*n)++;
}

void
registry_field_add(struct store_subject *s, const char *key, const char *val)
{
	kv_append(&s->fields, &s->nfields, key, val);
}

void
registry_contact_add(struct store_subject *s, const char *role, const char *addr)
{
	kv_append(&s->contacts, &s->ncontacts, role, addr);
}

/* A contact and its place, sorted by key, address, then place: equal pairs end up side by
 * side, the first one given first. */
struct contact_at {
	const char *key, *val;
	size_t i;
};

static int
cmp_contact(const void *a, const void *b)
{
	const struct contact_at *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c == 0)
		c = strcmp(x->val, y->val);
	return c != 0 ? c : (x->i > y->i) - (x->i < y->i);
}

void
registry_contacts_dedup(struct store_subject *s)
{
	struct contact_at *v;
	size_t n = s->ncontacts, k = 0;
	bool *drop;

	if (n < 2)
		return;
	v = xcalloc(n, sizeof(*v));
	drop = xcalloc(n, sizeof(*drop));
	for (size_t i = 0; i < n; i++)
		v[i] = (struct contact_at){s->contacts[i].key, s->contacts[i].val, i};
	qsort(v, n, sizeof(*v), cmp_contact);
	for (size_t i = 1; i < n; i++)
		drop[v[i].i] = strcmp(v[i].key, v[i - 1].key) == 0 &&
		               strcmp(v[i].val, v[i - 1].val) == 0;
	for (size_t i = 0; i < n; i++) {
		if (drop[i]) {
			free(s->contacts[i].key);
			free(s->contacts[i].val);
		} else {
			s->contacts[k++] = s->contacts[i];
		}
	}
	s->ncontacts = k;
	free(v);
	free(drop);
}

/* ---- value checks ---- */

static bool
in_list(const char *const *list, const char *v)
{
	for (; list != NULL && *list != NULL; list++)
		if (strcmp(*list, v) == 0)
			return true;
	return false;
}

static const char *
expected_one_of(const char *const *list, const char *what, const char *v, char *why, size_t n)
{
	struct buf b = BUF_INIT;
	char clip[UTF8_CLIP_BUF];

	buf_printf(&b, "unknown %s '%s' (expected one of: ", what, utf8_clip(v, clip));
	for (; *list != NULL; list++)
		buf_printf(&b, "%s%s", *list, list[1] != NULL ? ", " : ")");
	snprintf(why, n, "%s", buf_str(&b));
	buf_release(&b);
	return why;
}

/* The grammar every notice is built with (base/addr.h), so an address stored here can
 * always be sent; a person's address also needs a dotted domain. */
const char *
registry_check_email(const char *v, char *why, size_t n)
{
	size_t at;
	const char *reason = addr_check(v, ADDR_QUALIFIED, &at);
	char clip[UTF8_CLIP_BUF];

	if (reason == NULL)
		return NULL;
	snprintf(why, n, "bad e-mail address '%s': %s (at character %zu)", utf8_clip(v, clip),
	         reason, at + 1);
	return why;
}

/* Whether v is what a spreadsheet writes for a long code it took for a number:
 * "9.16523E+17", "9.165230112345679e+17", or the digits of one rounded ("916523011234567000"
 * is 18 characters and passes the length; the check character then refuses it). */
static bool
as_number(const char *v)
{
	size_t n = strlen(v), digits = strspn(v, "0123456789");

	if (digits == 0 || digits == n)
		return false;
	return strspn(v, "0123456789.eE+") == n && strpbrk(v, "eE") != NULL;
}

bool
registry_credit_code_valid(const char *code)
{
	char why[256];

	return code != NULL && registry_check_credit_code(code, why, sizeof(why)) == NULL;
}

const char *
registry_check_credit_code(const char *v, char *why, size_t n)
{
	size_t len = strlen(v), i, chars = utf8_count(v, len);
	const char *p;
	int sum = 0, check;

	if (len != 18 || chars != 18) {
		char half[64], clip[UTF8_CLIP_BUF];
		size_t nhalf = 0, k;
		bool wide = false, blank = false;
		uint32_t cp;

		/* what Chinese input methods type: full-width digits and letters (U+FF10..),
		 * and the ideographic space U+3000 */
		for (i = 0; i < len; i += k ? k : 1) {
			char ch = '?';

			k = utf8_decode(v + i, len - i, &cp);
			if (k == 3 && cp >= 0xff01 && cp <= 0xff5e) {
				wide = true;
				ch = (char)(cp - 0xfee0);
			} else if (k == 3 && cp == 0x3000) {
				blank = true;
				continue;
			} else if (k == 1) {
				ch = (char)cp;
			}
			if (nhalf + 1 < sizeof(half))
				half[nhalf++] = ch;
		}
		half[nhalf] = '\0';
		if (wide || blank)
			snprintf(why, n, "invalid unified social credit code '%s': %zu characters "
			         "holding %s%s%s; type it in half-width characters: '%s'",
			         utf8_clip(v, clip), chars,
			         wide ? "full-width digits or letters" : "", wide && blank ? " and " : "",
			         blank ? "an ideographic space (U+3000)" : "", half);
		else
			snprintf(why, n, "invalid unified social credit code '%s': %zu characters, "
			         "expected 18%s", utf8_clip(v, clip), chars, as_number(v)
			         ? " (a spreadsheet made the code a number: format the column as text "
			           "and type the codes again)" : "");
		return why;
	}
	for (i = 0; i < 18; i++) {
		unsigned char c = (unsigned char)v[i];

		p = c != '\0' ? strchr(credit_alphabet, c) : NULL;
		if (p != NULL) {
			if (i < 17)
				sum += (int)(p - credit_alphabet) * credit_weights[i];
			continue;
		}
		if (islower(c) && strchr(credit_alphabet, toupper(c)) != NULL)
			snprintf(why, n, "invalid unified social credit code '%s': position %zu "
			                 "('%c') is outside the alphabet %s (lower case; codes use "
			                 "capital letters)", v, i + 1, c, credit_alphabet);
		else if (c >= 0x20 && c < 0x7f)
			snprintf(why, n, "invalid unified social credit code '%s': position %zu "
			                 "('%c') is outside the alphabet %s", v, i + 1, c,
			         credit_alphabet);
		else
			snprintf(why, n, "invalid unified social credit code '%s': position %zu "
			                 "(byte 0x%02x) is outside the alphabet %s", v, i + 1, c,
			         credit_alphabet);
		return why;
	}
	/* C18 = 31 - (sum mod 31), where 31 stands for 0. */
	check = (31 - sum % 31) % 31;
	if (v[17] != credit_alphabet[check]) {
		snprintf(why, n, "invalid unified social credit code '%s': check character "
		                 "should be '%c'", v, credit_alphabet[check]);
		return why;
	}
	return NULL;
}

const char *
registry_check_text(const char *v, bool lines, size_t max, char *why, size_t n)
{
	static const char *const c0[32] = {
		"NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LF", "VT",
		"FF", "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB",
		"CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US"};
	size_t len = strlen(v), k, chars = 0;
	uint32_t cp;

	/* first: a 60-million-character name is refused before it is looked at further */
	if (utf8_too_long(v, max, why, n) != NULL)
		return why;
	for (size_t i = 0; i < len; i += k ? k : 1, chars++) {
		const char *invisible;

		k = utf8_decode(v + i, len - i, &cp);
		if (k != 0 && (invisible = utf8_invisible_name(cp)) != NULL) {
			/* refused, not neutralised later: a name, an id or a note is shown by every
			 * report, calendar, notice and terminal, and kept in the audit log */
			snprintf(why, n, "invisible character U+%04X (%s) at character %zu: it "
			         "changes how the text reads or hides in it (pasted from a web page "
			         "or a document?); type the value again without it", (unsigned)cp,
			         invisible, chars + 1);
			return why;
		}
		if (k == 0 || !(cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)))
			continue;
		if (lines && (cp == '\n' || cp == '\t' || cp == '\r'))
			continue;
		snprintf(why, n, "control character U+%04X%s%s%s at character %zu: text may not "
		         "hold control characters%s", (unsigned)cp, cp < 0x20 ? " (" : "",
		         cp < 0x20 ? c0[cp] : "", cp < 0x20 ? ")" : "", chars + 1,
		         cp == '\n' || cp == '\r' ? " (a line break belongs only in a free "
		                                     "attribute)" : "");
		return why;
	}
	return NULL;
}

/* The C library's date functions accept too much (2017-2-30 normalises); the registry wants
 * exactly YYYY-MM-DD naming a day that exists. */
const char *
registry_check_date(const char *v, char *why, size_t n)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, i, last;
	char clip[UTF8_CLIP_BUF];

	for (i = 0; i < 10; i++) {
		bool dash = i == 4 || i == 7;

		if (v[i] == '\0' || (dash ? v[i] != '-' : !isdigit((unsigned char)v[i])))
			break;
	}
	if (i != 10 || v[10] != '\0') {
		snprintf(why, n, "bad date '%s': expected YYYY-MM-DD", utf8_clip(v, clip));
		return why;
	}
	y = atoi(v);
	m = atoi(v + 5);
	d = atoi(v + 8);
	if (y < 1 || m < 1 || m > 12) {
		snprintf(why, n, "bad date '%s': no such month", v);
		return why;
	}
	last = mdays[m - 1];
	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		last = 29;
	if (d < 1 || d > last) {
		snprintf(why, n, "bad date '%s': no such day", v);
		return why;
	}
	return NULL;
}

const char *
registry_check_measure(const char *v, char *why, size_t n)
{
	if (in_list(measures, v))
		return NULL;
	return expected_one_of(measures, "measure", v, why, n);
}

const char *
registry_check_industry(const struct registry_list *l, const char *v, char *why, size_t n)
{
	if (hmap_get(&l->industries, v, NULL))
		return NULL;
	return expected_one_of(l->industry_list, "industry", v, why, n);
}

/* Role ids come from plans, which this parser does not see; refuse only what no plan could
 * name (empty ids, spaces, punctuation). */
bool
registry_valid_role_id(const char *s)
{
	if (*s == '\0' || strlen(s) > PLAN_ID_MAX)
		return false;
	for (; *s != '\0'; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-' || *s == '.'))
			return false;
	return true;
}

bool
registry_known_jurisdiction(const struct registry_list *l, const char *id, bool in_file)
{
	return hmap_get(&l->known, id, NULL) ||
	       (in_file && registry_list_find(l, STORE_JURISDICTION, id) >= 0);
}

bool
registry_standard_field(const char *name)
{
	return in_list(standard_fields, name);
}

/* ---- YAML ---- */

/* Jurisdiction ids appear in task keys and file names: keep them to [a-z0-9-]. */
static bool
valid_jurisdiction_id(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-'))
			return false;
	return true;
}

/* One address or a sequence of them, each added to s's contacts under role. */
static int
yaml_addresses(const struct ydoc *d, const struct ydoc_node *n, const char *what,
               struct store_subject *s, const char *role, struct dberr *e)
{
	const struct ydoc_node *item;
	const char *addr;
	char why[512];
	size_t i, count;
	int rc;

	count = n->type == YDOC_SEQ ? n->n : 1;
	if (n->type == YDOC_MAP)
		return ydoc_error(d, n, e, "%s: expected a list of e-mail addresses", what);
	for (i = 0; i < count; i++) {
		item = n->type == YDOC_SEQ ? n->items[i] : n;
		if ((rc = ydoc_string(d, item, what, &addr, e)) != 0)
			return rc;
		if (registry_check_email(addr, why, sizeof(why)) != NULL)
			return ydoc_error(d, item, e, "%s: %s", what, why);
		registry_contact_add(s, role, addr);
	}
	return 0;
}

/* `contacts:` maps role ids to addresses. */
static int
yaml_contacts(const struct ydoc *d, const struct ydoc_node *n, const char *owner,
              struct store_subject *s, struct dberr *e)
{
	char clip[UTF8_CLIP_BUF];
	char *what;
	size_t i;
	int rc;

	if ((rc = ydoc_expect(d, n, YDOC_MAP, "contacts", e)) != 0)
		return rc;
	for (i = 0; i < n->n; i++) {
		const struct ydoc_pair *p = &n->pairs[i];

		if (!registry_valid_role_id(p->key->scalar))
			return ydoc_error(d, p->key, e, "%s: bad role id '%s' in contacts", owner,
			                  utf8_clip(p->key->scalar, clip));
		what = xasprintf("%s contacts for '%s'", owner, p->key->scalar);
		rc = yaml_addresses(d, p->value, what, s, p->key->scalar, e);
		free(what);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* email: and contacts: of a jurisdiction or an enterprise. */
static int
yaml_subject_contacts(const struct ydoc *d, const struct ydoc_node *m, const char *owner,
                      struct store_subject *s, struct dberr *e)
{
	const struct ydoc_node *v;
	int rc;

	if ((v = ydoc_get(m, "email")) != NULL &&
	    (rc = yaml_addresses(d, v, owner, s, "", e)) != 0)
		return rc;
	if ((v = ydoc_get(m, "contacts")) != NULL &&
	    (rc = yaml_contacts(d, v, owner, s, e)) != 0)
		return rc;
	return 0;
}

/* A string of the registry holds no control character: a YAML "\e" would otherwise carry
 * an ESC into the store, and from there to terminals, reports and calendars. */
static int
yaml_text(const struct ydoc *d, const struct ydoc_node *v, const char *what, bool lines,
          struct dberr *e)
{
	char why[256];

	if (registry_check_text(v->scalar, lines, lines ? UTF8_PARA_MAX : UTF8_LINE_MAX, why,
	                        sizeof(why)) != NULL)
		return ydoc_error(d, v, e, "%s: %s", what, why);
	return 0;
}

/* "; it has blanks around it (...)" when v has blanks at either end, else "": a quoted
 * YAML value keeps the ideographic space an input method typed after an id, and the
 * message that refuses it must say what the eye does not see (review13f C10). */
static const char *
blanks_note(const char *v)
{
	size_t lead, end, n = strlen(v);

	utf8_trim_span(v, n, &lead, &end);
	return lead > 0 || end < n ? "; it has blanks around it (a space, the ideographic space "
	                             "U+3000, a no-break space: a quoted value keeps them): type "
	                             "it without them" : "";
}

/* An id of map m (a jurisdiction's, an enterprise's): as yaml_required, but its length is
 * the id's own rule, checked by the caller after its characters, not a one-line text's 200
 * (a 600-character id was told "at most 200", then at 200 "at most 48", review13f C10). */
static int
yaml_required_id(const struct ydoc *d, const struct ydoc_node *m, const char *owner,
                 const char **out, struct dberr *e)
{
	const struct ydoc_node *v = ydoc_get(m, "id");
	char what[128], why[256];
	int rc;

	if (v == NULL)
		return ydoc_error(d, m, e, "%s: missing key 'id'", owner);
	snprintf(what, sizeof(what), "%s id", owner);
	if ((rc = ydoc_string(d, v, what, out, e)) != 0)
		return rc;
	if (registry_check_text(v->scalar, false, SIZE_MAX, why, sizeof(why)) != NULL)
		return ydoc_error(d, v, e, "%s: %s", what, why);
	return 0;
}

/* A required string value of map m: missing keys are reported at the map. */
static int
yaml_required(const struct ydoc *d, const struct ydoc_node *m, const char *key,
              const char *owner, const char **out, struct dberr *e)
{
	const struct ydoc_node *v = ydoc_get(m, key);
	char what[128];
	int rc;

	if (v == NULL)
		return ydoc_error(d, m, e, "%s: missing key '%s'", owner, key);
	snprintf(what, sizeof(what), "%s %s", owner, key);
	if ((rc = ydoc_string(d, v, what, out, e)) != 0)
		return rc;
	return yaml_text(d, v, what, false, e);
}

static int yaml_attrs(const struct ydoc *d, const struct ydoc_node *n, const char *owner,
                      struct store_subject *s, struct dberr *e);

static int
yaml_jurisdiction(const struct ydoc *d, const struct ydoc_node *m, struct registry_list *l,
                  struct dberr *e)
{
	static const char *const keys[] = {"id", "name", "kind", "email", "contacts", "attrs",
	                                   NULL};
	const char *id, *name, *kind;
	const struct ydoc_node *v;
	struct store_subject *s;
	char why[512], clip[UTF8_CLIP_BUF];
	int rc;

	if ((rc = ydoc_check_keys(d, m, "jurisdiction", keys, e)) != 0 ||
	    (rc = yaml_required_id(d, m, "jurisdiction", &id, e)) != 0)
		return rc;
	/* the characters first: 17 × 昌 is not an id at any length; a length is counted in
	 * characters, as people count */
	if (!valid_jurisdiction_id(id))
		return ydoc_error(d, ydoc_get(m, "id"), e, "bad jurisdiction id '%s': use "
		                  "lower-case letters, digits and '-'%s", utf8_clip(id, clip),
		                  blanks_note(id));
	if (utf8_count(id, strlen(id)) > PLAN_ID_MAX)
		return ydoc_error(d, ydoc_get(m, "id"), e, "jurisdiction id '%s' is %zu "
		                  "characters long; an id has at most %d (it becomes part of task "
		                  "keys and file names)", utf8_clip(id, clip),
		                  utf8_count(id, strlen(id)), PLAN_ID_MAX);
	if (registry_list_find(l, STORE_JURISDICTION, id) >= 0)
		return ydoc_error(d, ydoc_get(m, "id"), e, "duplicate jurisdiction id '%s'", id);
	if ((rc = yaml_required(d, m, "name", "jurisdiction", &name, e)) != 0 ||
	    (rc = yaml_required(d, m, "kind", "jurisdiction", &kind, e)) != 0)
		return rc;
	if (!in_list(jurisdiction_kinds, kind))
		return ydoc_error(d, ydoc_get(m, "kind"), e, "jurisdiction '%s': %s", id,
		                  expected_one_of(jurisdiction_kinds, "kind", kind, why,
		                                  sizeof(why)));
	s = registry_list_add(l, STORE_JURISDICTION, id);
	registry_field_add(s, "name", name);
	registry_field_add(s, "kind", kind);
	snprintf(why, sizeof(why), "jurisdiction '%s'", id);
	/* a jurisdiction's attributes let a plan name its own (plan key registry: {where}) */
	if ((v = ydoc_get(m, "attrs")) != NULL && (rc = yaml_attrs(d, v, why, s, e)) != 0)
		return rc;
	return yaml_subject_contacts(d, m, why, s, e);
}

/* Optional string fields of an enterprise, each with its check (NULL: any text). */
static int
yaml_enterprise_optional(const struct ydoc *d, const struct ydoc_node *m, const char *owner,
                         struct store_subject *s, struct dberr *e)
{
	static const struct {
		const char *key;
		const char *(*check)(const char *, char *, size_t);
	} opt[] = {
		{"measure", registry_check_measure},
		{"rectify_by", registry_check_date},
		{"responsible_unit", NULL},
		{"responsible_person", NULL},
	};
	const struct ydoc_node *v;
	const char *val;
	char what[160], why[512];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(opt) / sizeof(opt[0]); i++) {
		if ((v = ydoc_get(m, opt[i].key)) == NULL)
			continue;
		snprintf(what, sizeof(what), "%s %s", owner, opt[i].key);
		if ((rc = ydoc_string(d, v, what, &val, e)) != 0 ||
		    (rc = yaml_text(d, v, what, false, e)) != 0)
			return rc;
		if (opt[i].check != NULL && opt[i].check(val, why, sizeof(why)) != NULL)
			return ydoc_error(d, v, e, "%s: %s", owner, why);
		registry_field_add(s, opt[i].key, val);
	}
	return 0;
}

static bool
yaml_is_null(const struct ydoc_node *n)
{
	return n->plain && (n->len == 0 || strcmp(n->scalar, "~") == 0 ||
	                    strcasecmp(n->scalar, "null") == 0);
}

static int
yaml_attrs(const struct ydoc *d, const struct ydoc_node *n, const char *owner,
           struct store_subject *s, struct dberr *e)
{
	char clip[UTF8_CLIP_BUF];
	size_t i;
	int rc;

	if ((rc = ydoc_expect(d, n, YDOC_MAP, "attrs", e)) != 0)
		return rc;
	for (i = 0; i < n->n; i++) {
		const struct ydoc_pair *p = &n->pairs[i];

		if (p->key->scalar[0] == '\0')
			return ydoc_error(d, p->key, e, "%s: empty attribute name", owner);
		if (registry_standard_field(p->key->scalar))
			return ydoc_error(d, p->key, e, "%s: attribute '%s' has the name of a "
			                  "standard field; rename it", owner, p->key->scalar);
		if (p->value->type != YDOC_SCALAR)
			return ydoc_error(d, p->value, e, "%s: attribute '%s' must be a single "
			                  "value (quote it)", owner,
			                  utf8_clip(p->key->scalar, clip));
		/* `reason:` left blank is no reason, as an empty cell is in a CSV. */
		if (yaml_is_null(p->value))
			continue;
		if ((rc = yaml_text(d, p->key, owner, false, e)) != 0 ||
		    (rc = yaml_text(d, p->value, owner, true, e)) != 0)
			return rc;
		registry_field_add(s, p->key->scalar, p->value->scalar);
	}
	return 0;
}

static int
yaml_enterprise(const struct ydoc *d, const struct ydoc_node *m, const struct registry_ctx *ctx,
                struct registry_list *l, struct dberr *e)
{
	(void)ctx; /* its industries are l's (registry_list_init) */
	static const char *const keys[] = {
		"id", "name", "jurisdiction", "industry", "listed", "measure", "rectify_by",
		"responsible_unit", "responsible_person", "email", "contacts", "attrs", NULL,
	};
	const char *id, *name, *jur, *industry;
	const struct ydoc_node *v;
	struct store_subject *s;
	char owner[64], why[512];
	bool listed = false;
	int rc;

	if ((rc = ydoc_check_keys(d, m, "enterprise", keys, e)) != 0 ||
	    (rc = yaml_required_id(d, m, "enterprise", &id, e)) != 0)
		return rc;
	if (registry_check_credit_code(id, why, sizeof(why)) != NULL)
		return ydoc_error(d, ydoc_get(m, "id"), e, "%s", why);
	if (registry_list_find(l, STORE_ENTERPRISE, id) >= 0)
		return ydoc_error(d, ydoc_get(m, "id"), e, "duplicate enterprise id '%s'", id);
	snprintf(owner, sizeof(owner), "enterprise '%s'", id);
	if ((rc = yaml_required(d, m, "name", owner, &name, e)) != 0 ||
	    (rc = yaml_required(d, m, "jurisdiction", owner, &jur, e)) != 0)
		return rc;
	if (!registry_known_jurisdiction(l, jur, true))
		return ydoc_error(d, ydoc_get(m, "jurisdiction"), e, "%s: unknown jurisdiction "
		                  "'%s' (not in this file's jurisdictions nor in the store)", owner,
		                  utf8_clip(jur, why));
	if ((rc = yaml_required(d, m, "industry", owner, &industry, e)) != 0)
		return rc;
	if (registry_check_industry(l, industry, why, sizeof(why)) != NULL)
		return ydoc_error(d, ydoc_get(m, "industry"), e, "%s: %s", owner, why);
	if ((v = ydoc_get(m, "listed")) != NULL &&
	    (rc = ydoc_bool(d, v, "enterprise listed", &listed, e)) != 0)
		return rc;

	s = registry_list_add(l, STORE_ENTERPRISE, id);
	registry_field_add(s, "name", name);
	registry_field_add(s, "jurisdiction", jur);
	registry_field_add(s, "industry", industry);
	registry_field_add(s, "listed", listed ? "true" : "false");
	if ((rc = yaml_enterprise_optional(d, m, owner, s, e)) != 0)
		return rc;
	if ((v = ydoc_get(m, "attrs")) != NULL && (rc = yaml_attrs(d, v, owner, s, e)) != 0)
		return rc;
	return yaml_subject_contacts(d, m, owner, s, e);
}

static int
yaml_offices(const struct ydoc *d, const struct ydoc_node *n, struct registry_list *l,
             struct dberr *e)
{
	char clip[UTF8_CLIP_BUF];
	struct store_subject *s;
	char what[160];
	size_t i;
	int rc;

	if ((rc = ydoc_expect(d, n, YDOC_MAP, "offices", e)) != 0)
		return rc;
	for (i = 0; i < n->n; i++) {
		const struct ydoc_pair *p = &n->pairs[i];

		if (!registry_valid_role_id(p->key->scalar))
			return ydoc_error(d, p->key, e, "bad office role id '%s'",
			                  utf8_clip(p->key->scalar, clip));
		s = registry_list_add(l, STORE_OFFICE, p->key->scalar);
		snprintf(what, sizeof(what), "office '%s'", p->key->scalar);
		if ((rc = yaml_addresses(d, p->value, what, s, p->key->scalar, e)) != 0)
			return rc;
	}
	return 0;
}

/* Runs each element of a top-level sequence through fn. */
static int
yaml_each(const struct ydoc *d, const struct ydoc_node *seq, const char *what,
          const char *item,
          int (*fn)(const struct ydoc *, const struct ydoc_node *,
                    const struct registry_ctx *, struct registry_list *, struct dberr *),
          const struct registry_ctx *ctx, struct registry_list *l, struct dberr *e)
{
	size_t i;
	int rc;

	if ((rc = ydoc_expect(d, seq, YDOC_SEQ, what, e)) != 0)
		return rc;
	for (i = 0; i < seq->n; i++) {
		if ((rc = ydoc_expect(d, seq->items[i], YDOC_MAP, item, e)) != 0 ||
		    (rc = fn(d, seq->items[i], ctx, l, e)) != 0)
			return rc;
	}
	return 0;
}

static int
yaml_jurisdiction_cb(const struct ydoc *d, const struct ydoc_node *m,
                     const struct registry_ctx *ctx, struct registry_list *l, struct dberr *e)
{
	(void)ctx;
	return yaml_jurisdiction(d, m, l, e);
}

static int
parse_yaml(const char *name, const char *data, size_t len, const struct registry_ctx *ctx,
           struct registry_list *l, struct dberr *e)
{
	static const char *const top[] = {"jurisdictions", "enterprises", "offices", NULL};
	const struct ydoc_node *root, *v;
	struct ydoc *d = NULL;
	int rc;

	if ((rc = ydoc_parse(name, data, len, &d, e)) != 0)
		return rc;
	root = d->root;
	if (root == NULL) {
		rc = dberr_at(e, DB_EDATA, name, 1, 1, "empty registry: expected jurisdictions, "
		              "enterprises or offices");
		goto out;
	}
	if ((rc = ydoc_check_keys(d, root, "registry", top, e)) != 0)
		goto out;
	if (root->n == 0) {
		rc = ydoc_error(d, root, e, "empty registry: expected jurisdictions, enterprises "
		                "or offices");
		goto out;
	}
	/* Jurisdictions first wherever they stand in the file: enterprises refer to them. */
	if ((v = ydoc_get(root, "jurisdictions")) != NULL &&
	    (rc = yaml_each(d, v, "jurisdictions", "each jurisdiction", yaml_jurisdiction_cb,
	                    ctx, l, e)) != 0)
		goto out;
	if ((v = ydoc_get(root, "enterprises")) != NULL &&
	    (rc = yaml_each(d, v, "enterprises", "each enterprise", yaml_enterprise, ctx, l,
	                    e)) != 0)
		goto out;
	if ((v = ydoc_get(root, "offices")) != NULL && (rc = yaml_offices(d, v, l, e)) != 0)
		goto out;
out:
	ydoc_free(d);
	return rc;
}

/* ---- public ---- */

static bool
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* The file at path whole, and whether it is a CSV (or workbook) rather than YAML. */
static int
registry_read(const char *path, char **data, size_t *len, bool *csv, struct dberr *e)
{
	struct stat st;
	int rc;

	/* what the path is comes before what its name says: /dev/zero is no registry file,
	 * whatever its extension, as `check` says of it */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return dberr_at(e, DB_ENOINPUT, path, 0, 0, "not a regular file");
	/* a workbook, and an old-format one (.xls/.et) too: csv_open says what it is */
	if (has_suffix(path, ".csv") || has_suffix(path, ".xlsx") || has_suffix(path, ".xls") ||
	    has_suffix(path, ".et"))
		*csv = true;
	else if (has_suffix(path, ".yaml") || has_suffix(path, ".yml"))
		*csv = false;
	else
		return dberr_at(e, DB_EDATA, path, 0, 0, "unknown registry format: expected a "
		                ".yaml, .yml, .csv or .xlsx file");
	if ((rc = file_read(path, FILE_MAX_REGISTRY, data, len, e)) == DB_EDATA) {
		dberr_clear(e);  /* only a size is DB_EDATA here: say what to do about it */
		return dberr_at(e, DB_EDATA, path, 0, 0, "larger than %zu MiB, the most one import "
		                "reads: split the rows into several files, each with the header "
		                "row, and import them one after another (an import updates the "
		                "subjects it lists)", FILE_MAX_REGISTRY >> 20);
	}
	return rc;
}

/* Reads path into l (with l's sink, if any, handing on a CSV's rows as they come). */
static int
registry_parse_into(const char *path, const struct registry_ctx *ctx,
                    struct registry_list *l, struct dberr *e)
{
	char *data = NULL;
	size_t len = 0;
	bool csv = false;
	int rc;

	if ((rc = registry_read(path, &data, &len, &csv, e)) != 0)
		return rc;
	if (csv)
		rc = registry_parse_csv(path, data, len, l, e);
	else
		rc = parse_yaml(path, data, len, ctx, l, e);
	free(data);
	return rc;
}

int
registry_parse_file(const char *path, const struct registry_ctx *ctx, struct registry **out,
                    struct dberr *e)
{
	struct registry_list l;
	int rc;

	registry_list_init(&l, ctx);
	if ((rc = registry_parse_into(path, ctx, &l, e)) != 0) {
		registry_list_release(&l);
		return rc;
	}
	*out = registry_list_finish(&l);
	return 0;
}

int
registry_parse_file_each(const char *path, const struct registry_ctx *ctx,
                         registry_each_fn *each, void *arg, struct registry **out,
                         struct dberr *e)
{
	struct registry_list l;
	struct registry *r;
	int rc;

	/* a CSV's rows are handed on as they are read; YAML's entries refer to each other
	 * (an enterprise to a jurisdiction further down), so the file is read whole first */
	if (has_suffix(path, ".yaml") || has_suffix(path, ".yml")) {
		if ((rc = registry_parse_file(path, ctx, &r, e)) != 0)
			return rc;
		for (size_t i = 0; i < r->nsubjects; i++)
			if ((rc = each(NULL, 0, &r->subjects[i], arg, e)) != 0) {
				registry_free(r);
				return rc;
			}
		*out = r;
		return 0;
	}
	registry_list_init(&l, ctx);
	l.sink = each;
	l.sink_arg = arg;
	if ((rc = registry_parse_into(path, ctx, &l, e)) == 0)
		rc = registry_list_hand(&l, e);
	if (rc != 0) {
		registry_list_release(&l);
		return rc;
	}
	*out = registry_list_finish(&l);
	return 0;
}

bool
registry_lists(const struct registry *r, enum store_subject_kind kind, const char *id)
{
	return hmap_get(&r->mem->ids[kind_slot(kind)], id, NULL);
}

void
registry_free(struct registry *r)
{
	if (r == NULL)
		return;
	free(r->subjects);
	for (size_t i = 0; i < r->ncolumns; i++)
		free(r->columns[i]);
	free(r->columns);
	mem_free(r->mem);
	free(r);
}
