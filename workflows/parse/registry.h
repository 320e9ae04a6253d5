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

/* GB 32100-2015: 18 characters from "0123456789ABCDEFGHJKLMNPQRTUWXY", the last a check
 * character over the first 17 (weights 3^i mod 31). Cannot fail. */
bool registry_credit_code_valid(const char *code);

#endif
