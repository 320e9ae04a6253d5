/*
 * audit_int.h - private to engine/audit/: a SHA-256 kept for many hashes. OpenSSL 3 looks
 * the digest up again (EVP_MD_fetch) for every EVP_sha256() digest, which costs more than
 * hashing a record; a hasher fetches it once and reuses one context, so the appends of a
 * transaction share it (append.c keeps one in the transaction's state).
 */
#ifndef DABIAO_AUDIT_INT_H
#define DABIAO_AUDIT_INT_H

#include "engine/audit/audit.h"

struct audit_hasher {
	void *md;          /* EVP_MD *, fetched once */
	void *ctx;         /* EVP_MD_CTX *, reused */
	struct buf canon;  /* a record's canonical form, reused */
};

/* Fetches SHA-256; only allocation can fail, and the memory policy aborts on it. */
void audit_hasher_open(struct audit_hasher *h);
void audit_hasher_close(struct audit_hasher *h);
/* audit_record_leaf and audit_frontier_push through h: the same hashes. */
void audit_hasher_record_leaf(struct audit_hasher *h, const struct store_audit *rec,
                              uint8_t out[AUDIT_HASH_LEN]);
void audit_hasher_push(struct audit_hasher *h, struct audit_frontier *f,
                       const uint8_t leaf[AUDIT_HASH_LEN]);
/* audit_node_hash through h. */
void audit_hasher_node(struct audit_hasher *h, const uint8_t left[AUDIT_HASH_LEN],
                       const uint8_t right[AUDIT_HASH_LEN], uint8_t out[AUDIT_HASH_LEN]);

/* Called with each record's leaf hash, in sequence order. */
typedef void audit_leaf_fn(const uint8_t leaf[AUDIT_HASH_LEN], void *arg);
/* Hashes records from..to (to = 0: to the end) through h and calls fn with each leaf.
 * A gap in sequence numbers, or fewer records than to, is DB_EDATA naming the record;
 * else the store's errors. audit_leaves and the tree cache both read the log this way. */
int audit_leaves_each(struct store_txn *txn, struct audit_hasher *h, uint64_t from,
                      uint64_t to, audit_leaf_fn *fn, void *arg, struct dberr *e);

#endif
