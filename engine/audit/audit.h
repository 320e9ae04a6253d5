/*
 * audit.h - the tamper-evident audit log: every audit record is a leaf of an RFC 9162
 * (Certificate Transparency 2.0, section 2.1) Merkle tree, whose head is signed as a C2SP
 * tlog-checkpoint. docs/audit.md specifies the canonical record form, the hashes, the
 * checkpoint and the proofs precisely enough to recompute them outside dabiao
 * (tests/lib/audit_verify.py does).
 *
 * The store keeps, beside the records, in its meta database and in the transaction of
 * the appends (the frontier is kept in memory for the transaction's length and written
 * once, just before its commit):
 *   "audit/frontier"        "<size> <hex> <hex> ...": the tree's size and the roots of the
 *                           perfect subtrees along its right edge, largest first (one per
 *                           set bit of size, at most 64), so an append and the root are
 *                           O(log n);
 *   "audit/leaf/<seq>"      the hex leaf hash of record seq (seq as 20 decimal digits), so
 *                           `audit verify` can name the first record that changed: for
 *                           the plain records of schema 11 and before; since schema 12 the
 *                           leaf is kept in the record itself (store_audit_append_leaf).
 * Leaf index i (0-based) is record seq i + 1.
 */
#ifndef DABIAO_AUDIT_H
#define DABIAO_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "store/store.h"

#define AUDIT_HASH_LEN 32
#define AUDIT_MAX_PROOF 64 /* hashes in a proof of a tree of < 2^64 leaves */

/* ---- canonical form and hashes (pure, cannot fail) ---- */

/* Appends rec's canonical form to b: one line of JSON without its newline, keys in the
 * order seq, real_time, clock_time, actor, action, task, subject, from_state, to_state,
 * details; integers in decimal; strings escaped as docs/audit.md says (NULL as ""). */
void audit_canonical(struct buf *b, const struct store_audit *rec);
/* SHA-256(0x00 || data) and SHA-256(0x01 || left || right). */
void audit_leaf_hash(const void *data, size_t len, uint8_t out[AUDIT_HASH_LEN]);
void audit_node_hash(const uint8_t left[AUDIT_HASH_LEN], const uint8_t right[AUDIT_HASH_LEN],
                     uint8_t out[AUDIT_HASH_LEN]);
/* The leaf hash of rec's canonical form. */
void audit_record_leaf(const struct store_audit *rec, uint8_t out[AUDIT_HASH_LEN]);

/* Lower-case hex (2 * len characters and a NUL into out). Hex parsing returns 0, or
 * DB_EDATA when s is not exactly 2 * len hex digits. */
void audit_hex(const uint8_t *p, size_t len, char *out);
int audit_unhex(const char *s, size_t len, uint8_t *out);

/* ---- the frontier: compact state of a growing tree ---- */
struct audit_frontier {
	uint64_t size;                        /* leaves */
	uint8_t h[64][AUDIT_HASH_LEN];        /* one per set bit of size, largest subtree first */
	int n;
};
/* An empty tree. Cannot fail. */
void audit_frontier_init(struct audit_frontier *f);
/* Adds one leaf hash: O(log n). Cannot fail. */
void audit_frontier_push(struct audit_frontier *f, const uint8_t leaf[AUDIT_HASH_LEN]);
/* The tree head MTH of f's leaves (SHA-256 of nothing for an empty tree). Cannot fail. */
void audit_frontier_root(const struct audit_frontier *f, uint8_t out[AUDIT_HASH_LEN]);
/* "<size> <hex>..." text (caller frees) and back; parse fails with DB_EDATA. */
char *audit_frontier_format(const struct audit_frontier *f);
int audit_frontier_parse(const char *s, struct audit_frontier *f, struct dberr *e);

/* ---- trees over an array of leaf hashes (n up to a few million: O(n) time) ---- */

/* MTH(D[0:n]). */
void audit_tree_root(const uint8_t (*leaves)[AUDIT_HASH_LEN], uint64_t n,
                     uint8_t out[AUDIT_HASH_LEN]);
/* RFC 9162 2.1.3.1 PATH(m, D[0:n]) for leaf index m < n: *nproof hashes into proof, from
 * the leaf's sibling upward. DB_EDATA when m >= n. */
int audit_inclusion_proof(const uint8_t (*leaves)[AUDIT_HASH_LEN], uint64_t n, uint64_t m,
                          uint8_t proof[][AUDIT_HASH_LEN], size_t *nproof, struct dberr *e);
/* RFC 9162 2.1.4.1 PROOF(m, D[0:n]) for 0 < m <= n (empty when m == n). DB_EDATA when m is
 * out of range. */
int audit_consistency_proof(const uint8_t (*leaves)[AUDIT_HASH_LEN], uint64_t n, uint64_t m,
                            uint8_t proof[][AUDIT_HASH_LEN], size_t *nproof,
                            struct dberr *e);
/* RFC 9162 2.1.3.2 / 2.1.4.2 verification: true when the proof shows the leaf at index in a
 * tree of size n with root, or a tree (m, old_root) to be a prefix of (n, new_root). */
bool audit_inclusion_verify(uint64_t index, uint64_t n, const uint8_t leaf[AUDIT_HASH_LEN],
                            const uint8_t proof[][AUDIT_HASH_LEN], size_t nproof,
                            const uint8_t root[AUDIT_HASH_LEN]);
bool audit_consistency_verify(uint64_t m, uint64_t n, const uint8_t old_root[AUDIT_HASH_LEN],
                              const uint8_t new_root[AUDIT_HASH_LEN],
                              const uint8_t proof[][AUDIT_HASH_LEN], size_t nproof);

/* ---- the log in the store ---- */

/* Appends rec through store_audit_append and, in the same transaction, its leaf hash and
 * the new frontier (see above). When records were appended without this call (a store
 * older than the tree), the frontier first catches up with them. *seq (may be NULL)
 * receives the record's sequence. A frontier larger than the log (records deleted) is
 * DB_ESTATE: the log was damaged, run `dabiao audit verify`. */
int audit_append(struct store_txn *txn, const struct store_audit *rec, uint64_t *seq,
                 struct dberr *e);
/* Reads the stored frontier (an empty one when absent). Errors: DB_EDATA when the stored
 * text does not parse (audit_frontier_parse), the store's. */
int audit_frontier_get(struct store_txn *txn, struct audit_frontier *f, struct dberr *e);
/* Leaf hashes of records 1..n recomputed from the records (n = 0: all of them). *out is
 * xmalloc'd (caller frees), *count receives how many. A gap in sequence numbers or fewer
 * records than n is DB_EDATA naming the record. */
int audit_leaves(struct store_txn *txn, uint64_t n, uint8_t (**out)[AUDIT_HASH_LEN],
                 uint64_t *count, struct dberr *e);

/* ---- the tree in memory, for a long-lived reader (tree_cache.c) ---- */
/* Levels of the log's tree kept between calls, so that a proof costs O(log n) hashes once
 * the records are read: the first call reads every record, later calls only those appended
 * since. One cache serves readers of any snapshot of the same store (the log only grows).
 * Not thread-safe: the caller serialises calls (the web holds a mutex). Memory: 64 bytes a
 * record. audit_tree_new cannot fail (allocation aborts); audit_tree_free(NULL) is a no-op. */
struct audit_tree;
struct audit_tree *audit_tree_new(void);
void audit_tree_free(struct audit_tree *t);
/* RFC 9162 2.1.3.1 PATH for record seq (1-based) in the tree of the log's first tree_size
 * records (0: the whole log as txn sees it; the whole log is checked against its stored
 * head either way): *size receives that tree's record count, root its head, proof/nproof
 * the path
 * (proof must hold AUDIT_MAX_PROOF hashes). leaf is the record's leaf hash as the caller
 * computed it from the record (audit_record_leaf): when it, or the log's stored frontier,
 * disagrees with the cache, the cache is rebuilt from the records once. Errors: DB_EDATA
 * when seq is not in the log or not in the tree of tree_size, a record is missing, or the
 * records still disagree with the stored tree head (the log was changed: `dabiao audit verify`); the store's. */
int audit_tree_prove(struct audit_tree *t, struct store_txn *txn, uint64_t seq,
                     uint64_t tree_size, const uint8_t leaf[AUDIT_HASH_LEN], uint64_t *size,
                     uint8_t root[AUDIT_HASH_LEN], uint8_t proof[][AUDIT_HASH_LEN],
                     size_t *nproof, struct dberr *e);

/* ---- checkpoints: C2SP tlog-checkpoint, signed notes with Ed25519 ---- */
struct audit_checkpoint {
	char origin[256];
	uint64_t size;
	uint8_t root[AUDIT_HASH_LEN];
};
/* The signed checkpoint text of cp with the Ed25519 private key in PEM file key_file,
 * signed by key name cp->origin. *out is xmalloc'd (caller frees). A key file that cannot
 * be read or is not Ed25519 is DB_ECONFIG. */
int audit_checkpoint_sign(const struct audit_checkpoint *cp, const char *key_file,
                          char **out, struct dberr *e);
/* Parses checkpoint text (name: for messages). With pub_file (a PEM private or public
 * Ed25519 key) a signature line by the origin's name whose key id matches must verify;
 * otherwise signatures are not checked. Bad text is DB_EDATA; a missing or bad signature
 * DB_EDATA ("signature ... does not verify"). */
int audit_checkpoint_parse(const char *text, const char *name, const char *pub_file,
                           struct audit_checkpoint *out, struct dberr *e);
/* The signed-note verifier key "<name>+<hex keyid>+<base64(0x01||pub)>" of key_file
 * (*out xmalloc'd, caller frees). Errors: DB_ECONFIG, as audit_checkpoint_sign's. */
int audit_verifier_key(const char *key_file, const char *name, char **out, struct dberr *e);
/* Makes a new Ed25519 signing key in PEM file path, created 0600 (`init` makes the store's
 * own, so checkpoints are signed by default). Errors: DB_ECANTCREAT when the file exists,
 * -errno when it cannot be created, DB_EIO, DB_ESOFTWARE. */
int audit_key_generate(const char *path, struct dberr *e);

/* The store's own signing key, made by `init` in the store's folder. */
#define AUDIT_STORE_KEY "audit-key.pem"
/* The signing key to use: the configured file (audit.key_file, $DABIAO_AUDIT_KEY), else the
 * store's own when it exists, else NULL (no key: checkpoints cannot be signed). Caller
 * frees. Cannot fail. */
char *audit_key_file(const char *store_dir, const char *configured);
/* The log's name in checkpoints: the configured origin, else "dabiao/<hostname>". Cannot
 * fail. */
void audit_origin_name(const char *configured, char *out, size_t n);

/* ---- the log's questions over the store (proof.c), each inside a read transaction ---- */

/* The current tree head: its size and root (records older than the tree included).
 * Errors: DB_EDATA when the tree counts more leaves than the log has records; the store's. */
int audit_head(struct store_txn *txn, uint64_t *size, uint8_t root[AUDIT_HASH_LEN],
               struct dberr *e);

struct audit_proof {
	uint64_t seq, size;                   /* the record; the tree it is proved in */
	uint8_t leaf[AUDIT_HASH_LEN], root[AUDIT_HASH_LEN];
	uint8_t proof[AUDIT_MAX_PROOF][AUDIT_HASH_LEN];
	size_t nproof;
};
/* Record seq's inclusion proof in the whole log, or with cp (cp_name: for messages) in the
 * tree of cp's size, whose root must be cp's. Errors: DB_ENOTFOUND (no such record in that
 * tree), DB_EDATA (the log was changed after cp was signed, or records are missing). */
int audit_prove(struct store_txn *txn, uint64_t seq, const struct audit_checkpoint *cp,
                const char *cp_name, struct audit_proof *out, struct dberr *e);

/* Record seq's inclusion proof in the tree of the log's first seq records (it is their last
 * leaf), from before, the frontier of an earlier size (audit_frontier_get before the record
 * was appended), reading only the records after it: a receipt's proof, made in the
 * transaction that appended the record, O(log n + records since before). Errors:
 * DB_EDATA when before is not smaller than seq, DB_ENOTFOUND when a record is missing, the
 * store's. */
int audit_prove_last(struct store_txn *txn, const struct audit_frontier *before, uint64_t seq,
                     struct audit_proof *out, struct dberr *e);

struct audit_verification {
	uint64_t size;                        /* records checked */
	uint8_t root[AUDIT_HASH_LEN];         /* their tree's root */
	uint64_t stored_size;                 /* records the stored tree covers */
};
/* Recomputes every record's leaf and the tree, compares them with the leaves and head kept
 * in the store and, with cp, with that signed checkpoint. Errors: DB_EDATA naming the
 * first record that does not match, or the rewritten head or checkpoint; the store's. */
int audit_verify(struct store_txn *txn, const struct audit_checkpoint *cp, const char *cp_name,
                 struct audit_verification *out, struct dberr *e);

/* Keeps a signed checkpoint's text in the store (meta "audit/checkpoint/<size>"), so the
 * heads that left the machine are listed by `dabiao audit checkpoints` (text is copied; a
 * second checkpoint of the same size replaces the first), and beside it (meta
 * "audit/checkpoint-made/<size>", "<at>\n<clock>\n<by>") when it was made (at: wall
 * clock; clock: the store's, a virtual clock's now, else at) and by whom or what (by: the
 * actor and the command, "dabiao: monthly dispatch"), for the web's audit page. Errors:
 * the store's. */
int audit_checkpoint_keep(struct store_txn *txn, uint64_t size, const char *text, int64_t at,
                          const char *by, struct dberr *e);
/* The latest kept checkpoint (the largest tree): *text (xmalloc'd, NULL when none is kept),
 * *made_at (the store's clock time) and *by (xmalloc'd) as kept beside it, or 0 and NULL for one kept before they
 * were (schema < 11). The caller frees *text and *by. Errors: the store's. */
int audit_checkpoint_latest(struct store_txn *txn, char **text, int64_t *made_at, char **by,
                            struct dberr *e);
/* The kept checkpoint of a tree of size records: *text xmalloc'd (caller frees), or
 * DB_ENOTFOUND when none was kept. Errors: the store's. */
int audit_checkpoint_get(struct store_txn *txn, uint64_t size, char **text, struct dberr *e);
/* Calls cb with each kept checkpoint's text (valid during the call), smallest tree first;
 * a non-zero return stops and is returned. Errors: the store's. */
int audit_checkpoint_each(struct store_txn *txn, int (*cb)(const char *text, void *arg),
                          void *arg, struct dberr *e);

#endif
