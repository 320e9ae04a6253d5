/*
 * registry_int.h - what registry.c (checks, YAML, the public calls) shares with
 * registry_csv.c. Not part of any contract outside workflows/registry*.c.
 */
#ifndef DABIAO_REGISTRY_INT_H
#define DABIAO_REGISTRY_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/hmap.h"
#include "workflows/parse/registry.h"

/* A growing list of subjects; registry_list_finish turns it into a struct registry. The
 * indexes find a subject, or a jurisdiction the store knows, in constant time: a file of a
 * million rows is read in time linear in its size. */
struct registry_list {
	struct store_subject *v; /* owned by the list until finished */
	size_t n, cap;
	struct hmap ids[3];      /* jurisdictions, enterprises, offices: id -> index in v */
	struct hmap known;       /* ctx->known_jurisdictions (ids borrowed from ctx) */
	struct hmap industries;  /* ctx->industries, else the defaults (borrowed): each row's
	                          * industry is one lookup, not a scan of a plan's list
	                          * (review 13f, C2's kind: rows x industries) */
	const char *const *industry_list; /* the same, in order, for messages */
	char **columns;          /* a CSV's named columns (registry.columns); owned */
	size_t ncolumns;
	struct registry_mem *mem; /* where the subjects' texts are packed (registry.c) */
	size_t sealed;           /* subjects packed (or handed on) so far: all but the one
	                          * being built */
	/* When set, each subject is handed to sink as soon as it is whole
	 * (registry_list_hand) and let go: the list keeps one subject at a time and the ids.
	 * registry_parse_file_each. */
	registry_each_fn *sink;
	void *sink_arg;
};

/* Starts an empty list that knows ctx's jurisdictions (ctx may be NULL). */
void registry_list_init(struct registry_list *l, const struct registry_ctx *ctx);

/* Appends a zeroed subject of kind with a copy of id and returns it (valid until the next
 * append, which packs its fields and contacts). */
struct store_subject *registry_list_add(struct registry_list *l, enum store_subject_kind kind,
                                        const char *id);
/* Index of the subject of kind with id, or -1. */
long registry_list_find(const struct registry_list *l, enum store_subject_kind kind,
                        const char *id);
void registry_list_release(struct registry_list *l);
/* With a sink, hands the last subject added, now whole, to it and lets it go (its id
 * stays, for finding duplicates); the sink's return. Without one, or when there is
 * nothing to hand, 0. */
int registry_list_hand(struct registry_list *l, struct dberr *e);
/* Moves the subjects into a new registry (caller frees with registry_free); l is emptied. */
struct registry *registry_list_finish(struct registry_list *l);

/* Append copies of key and val to a subject's fields or contacts. A contact given twice
 * under the same key is added twice here and kept once when the subject is whole
 * (registry_contacts_dedup, called as it is packed or handed on): one look-up per address
 * made reading 100,000 contacts of one subject quadratic (review 13d, F16). */
void registry_field_add(struct store_subject *s, const char *key, const char *val);
void registry_contact_add(struct store_subject *s, const char *role, const char *addr);
/* Drops every contact equal in key and address to one before it, keeping the first ones'
 * order; n log n in the subject's contacts. Cannot fail. */
void registry_contacts_dedup(struct store_subject *s);

/* Checks of single values. Each returns NULL when v is acceptable, else the reason as text
 * written into why (at least 256 bytes) and returned. */
const char *registry_check_email(const char *v, char *why, size_t n);
const char *registry_check_credit_code(const char *v, char *why, size_t n);
const char *registry_check_date(const char *v, char *why, size_t n);
const char *registry_check_measure(const char *v, char *why, size_t n);
const char *registry_check_industry(const struct registry_list *l, const char *v, char *why,
                                    size_t n);

/* Text a person typed, checked: NULL when v holds no control character (C0, DEL, C1;
 * line breaks and tabs only when lines) and at most max characters (utf8.h:
 * UTF8_LINE_MAX, UTF8_PARA_MAX), else the reason, naming the character and its position
 * in characters, or the length and the limit. */
const char *registry_check_text(const char *v, bool lines, size_t max, char *why, size_t n);

/* Whether a jurisdiction id is in the store (ctx->known_jurisdictions) or, when
 * in_file, among the list's own. */
bool registry_known_jurisdiction(const struct registry_list *l, const char *id, bool in_file);

/* Whether s can be a role id: letters, digits, '_', '-', '.'; not empty. */
bool registry_valid_role_id(const char *s);

/* Whether name is one of the field names the parser itself writes (name, kind,
 * jurisdiction, industry, listed, ...): a free attribute may not use it. */
bool registry_standard_field(const char *name);

/* Parses a CSV list of enterprises (registry_csv.c). name is used in messages; data holds
 * len bytes. Appends to l, checking against the jurisdictions and industries it was
 * started with (registry_list_init); DB_EDATA with e at the first bad field. */
int registry_parse_csv(const char *name, const char *data, size_t len,
                       struct registry_list *l, struct dberr *e);

#endif
