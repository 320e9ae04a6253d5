/*
 * ydoc.h - a YAML file as a small tree of scalars, sequences and mappings, each node with
 * its 1-based line and column. The only code in dabiao that includes yaml.h.
 *
 * Plans, registries and the configuration are data, so ydoc_parse refuses what data does not
 * need and what would hide mistakes: anchors, aliases and tags; more than one document;
 * nesting deeper than YDOC_MAX_DEPTH (64); non-scalar mapping keys; duplicate keys. Every
 * refusal names FILE:LINE:COLUMN.
 */
#ifndef DABIAO_YDOC_H
#define DABIAO_YDOC_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

/* Sequences and mappings nest at most this deep (libyaml recurses without bound). */
#define YDOC_MAX_DEPTH 64

enum ydoc_type { YDOC_SCALAR = 0, YDOC_SEQ, YDOC_MAP };

struct ydoc_pair;

struct ydoc_node {
	enum ydoc_type type;
	int line, col;            /* 1-based, where the node starts */
	char *scalar;             /* SCALAR: NUL-terminated UTF-8 text; NULL otherwise */
	size_t len;
	bool plain;               /* SCALAR: unquoted (so `true`, `null`, `5` mean more) */
	struct ydoc_node **items; /* SEQ */
	struct ydoc_pair *pairs;  /* MAP, in file order */
	size_t n;                 /* number of items or pairs */
};

struct ydoc_pair {
	struct ydoc_node *key;    /* always a SCALAR */
	struct ydoc_node *value;
};

struct ydoc {
	char *name;               /* file name used in messages */
	struct ydoc_node *root;   /* NULL for an empty document */
};

/* What data is when it is no UTF-8 text but one a Windows program or a crash made:
 * YDOC_UTF16 (a byte order mark, or the zero bytes of its ASCII characters all on one side
 * of each pair, as a Chinese plan saved as "Unicode" without a mark has them), YDOC_UTF32
 * (its mark, or three zero bytes in each four), YDOC_ZEROS (nothing but zero bytes: a file
 * never written, or cut by a crash); else YDOC_TEXT. Looks at the first 4 KiB. Readers
 * refuse the first three with a hint of their own. Cannot fail. */
enum ydoc_encoding { YDOC_TEXT = 0, YDOC_UTF16, YDOC_UTF32, YDOC_ZEROS };
enum ydoc_encoding ydoc_encoding(const char *data, size_t len);
/* 0 when ydoc_encoding finds text; else DB_EDATA naming what the file is, at 1:1, with the
 * advice save ("save it as UTF-8"). */
int ydoc_check_encoding(const char *name, const char *data, size_t len, const char *save,
                        struct dberr *e);
/* Parses len bytes. On success *out is a tree the caller frees with ydoc_free. On failure
 * DB_EDATA with e at the problem; *out untouched. */
int ydoc_parse(const char *name, const char *data, size_t len, struct ydoc **out,
               struct dberr *e);
void ydoc_free(struct ydoc *d);

/* Helpers that walk a tree and report a located DB_EDATA on mismatch. */

/* Records "FILE:LINE:COL: error: <message>" at node n and returns DB_EDATA. */
int ydoc_error(const struct ydoc *d, const struct ydoc_node *n, struct dberr *e,
               const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Value of key in map n, or NULL. n may be NULL or not a map (then NULL). */
const struct ydoc_node *ydoc_get(const struct ydoc_node *n, const char *key);

/* Fails on the first key of map n not in the NULL-terminated list `allowed`
 * ("unknown key 'x' in <what>; expected one of: a, b, c"). Fails if n is not a map. */
int ydoc_check_keys(const struct ydoc *d, const struct ydoc_node *n, const char *what,
                    const char *const *allowed, struct dberr *e);

/* Typed reads of a node; each fails with a located message naming `what`. */
int ydoc_expect(const struct ydoc *d, const struct ydoc_node *n, enum ydoc_type t,
                const char *what, struct dberr *e);
int ydoc_string(const struct ydoc *d, const struct ydoc_node *n, const char *what,
                const char **out, struct dberr *e);       /* non-empty scalar */
int ydoc_int(const struct ydoc *d, const struct ydoc_node *n, const char *what, long min,
             long max, long *out, struct dberr *e);
int ydoc_bool(const struct ydoc *d, const struct ydoc_node *n, const char *what, bool *out,
              struct dberr *e);                           /* true/false/yes/no */

#endif
