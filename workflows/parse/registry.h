/*
 * registry.h - who the subjects are: jurisdictions, enterprises, and office contacts.
 *
 * A registry file is YAML (jurisdictions, enterprises, offices) or, for enterprises only,
 * CSV with a header row (bureaus keep enterprise lists in spreadsheets). Parsing checks every
 * row (unified social credit codes by their GB 32100-2015 check character, industries,
 * measures, dates, e-mail addresses, jurisdictions that exist) and fails on the first bad one
 * with FILE:LINE:COLUMN, so an import is all or nothing. The result is a list of
 * store_subject records ready for store_subject_put. docs/registry-format.md documents the
 * formats.
 */
#ifndef DABIAO_REGISTRY_H
#define DABIAO_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "store/store.h"

struct registry {
	struct store_subject *subjects; /* jurisdictions first, then enterprises, then offices;
	                                 * read-only: their texts live in mem */
	size_t nsubjects;
	/* A CSV file's named header columns ("rectify_by", "email", "contact:ROLE", an
	 * attribute's name): the fields its rows speak of. An import keeps what a stored
	 * enterprise has under any other (docs/registry-format.md). NULL for YAML, whose
	 * entries are whole. */
	char **columns;
	size_t ncolumns;
	struct registry_mem *mem;       /* private to registry.c */
};

/* Industries an enterprise may have when no loaded plan lists its own: the ten of the
 * Changji plan and "other". NULL-terminated, static. */
extern const char *const registry_default_industries[];

/* What the parser checks against. known_jurisdictions: ids already in the store (a CSV of
 * enterprises names jurisdictions imported before); industries: allowed ids, NULL for
 * registry_default_industries. Both NULL-terminated or NULL. */
struct registry_ctx {
	const char *const *known_jurisdictions;
	const char *const *industries;
};

/* Parses a YAML (.yaml/.yml) or CSV (.csv) registry. On success the caller frees *out with
 * registry_free. On failure DB_EDATA (or -errno/DB_ENOINPUT) with e at the first bad row and
 * field; *out untouched. */
int registry_parse_file(const char *path, const struct registry_ctx *ctx,
                        struct registry **out, struct dberr *e);
void registry_free(struct registry *r);

/* What registry_parse_file_each hands each subject to: the file's named columns (as
 * registry.columns: NULL for YAML) and one subject, valid only during the call. A
 * non-zero return stops the parse and is returned. */
typedef int registry_each_fn(const char *const *columns, size_t ncolumns,
                             const struct store_subject *s, void *arg, struct dberr *e);

/* The same file read row by row: each subject, once checked, is handed to each and let
 * go, so a CSV of millions of rows never holds more than one of them (and every id, for
 * duplicates): what an import of a national registry needs (tests/bench/national.sh). A
 * YAML file is read whole first and then handed on in its order. On success *out is the
 * file's registry without its CSV rows (nsubjects 0 for a CSV; its columns; whom it
 * lists, registry_lists), for the caller to free. Errors as registry_parse_file's, or
 * each's; subjects handed before a bad row are not taken back (a caller writing them
 * does so in a transaction it aborts). */
int registry_parse_file_each(const char *path, const struct registry_ctx *ctx,
                             registry_each_fn *each, void *arg, struct registry **out,
                             struct dberr *e);

/* Whether the file r was read from lists a subject of that kind and id: constant time. */
bool registry_lists(const struct registry *r, enum store_subject_kind kind, const char *id);

/* GB 32100-2015: 18 characters from "0123456789ABCDEFGHJKLMNPQRTUWXY", the last a check
 * character over the first 17 (weights 3^i mod 31). Cannot fail. */
bool registry_credit_code_valid(const char *code);

#endif
