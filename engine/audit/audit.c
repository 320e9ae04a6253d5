/*
 * audit.c - the audit log as an RFC 9162 Merkle tree: the canonical record form, leaf and
 * node hashes, the frontier kept in the store, inclusion and consistency proofs and their
 * verification, and C2SP tlog-checkpoints signed with Ed25519. docs/audit.md is the
 * specification this file implements; keep the two in step.
 */
#include "engine/audit.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "engine/base/xalloc.h"

/* ---- canonical form ---- */

/* Only what JSON makes mandatory is escaped, and always the same way: the quote and the
 * backslash, \n \r \t by name, other control bytes as \u00xx in lower-case hex. Every other
 * byte, UTF-8 sequences included, is copied as it is, so the form is one line. */
static void
canon_str(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"')
			buf_puts(b, "\\\"");
		else if (*p == '\\')
			buf_puts(b, "\\\\");
		else if (*p == '\n')
			buf_puts(b, "\\n");
		else if (*p == '\r')
			buf_puts(b, "\\r");
		else if (*p == '\t')
			buf_puts(b, "\\t");
		else if (*p < 0x20)
			buf_printf(b, "\\u%04x", *p);
		else
			buf_putc(b, (char)*p);
	}
	buf_putc(b, '"');
}

void
audit_canonical(struct buf *b, const struct store_audit *rec)
{
	buf_printf(b, "{\"seq\":%" PRIu64 ",\"real_time\":%" PRId64 ",\"clock_time\":%" PRId64,
	           rec->seq, rec->real_time, rec->clock_time);
	buf_puts(b, ",\"actor\":");
	canon_str(b, rec->actor);
	buf_puts(b, ",\"action\":");
	canon_str(b, rec->action);
	buf_puts(b, ",\"task\":");
	canon_str(b, rec->task);
	buf_puts(b, ",\"subject\":");
	canon_str(b, rec->subject);
	buf_puts(b, ",\"from_state\":");
	canon_str(b, rec->from_state);
	buf_puts(b, ",\"to_state\":");
	canon_str(b, rec->to_state);
	buf_puts(b, ",\"details\":");
	canon_str(b, rec->details);
	buf_putc(b, '}');
}

/* ---- hashes ---- */

static void
sha256_2(uint8_t prefix, const void *a, size_t alen, const void *b, size_t blen,
         uint8_t out[AUDIT_HASH_LEN])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int len = AUDIT_HASH_LEN;

	/* Only allocation can fail here, and the memory policy is to abort on it. */
	if (ctx == NULL || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) ||
	    !EVP_DigestUpdate(ctx, &prefix, 1) || !EVP_DigestUpdate(ctx, a, alen) ||
	    (blen && !EVP_DigestUpdate(ctx, b, blen)) || !EVP_DigestFinal_ex(ctx, out, &len)) {
		fprintf(stderr, "dabiao: fatal: SHA-256 failed\n");
		abort();
	}
	EVP_MD_CTX_free(ctx);
}

void
audit_leaf_hash(const void *data, size_t len, uint8_t out[AUDIT_HASH_LEN])
{
	sha256_2(0x00, data, len, NULL, 0, out);
}

void
audit_node_hash(const uint8_t left[AUDIT_HASH_LEN], const uint8_t right[AUDIT_HASH_LEN],
                uint8_t out[AUDIT_HASH_LEN])
{
	sha256_2(0x01, left, AUDIT_HASH_LEN, right, AUDIT_HASH_LEN, out);
}

void
audit_record_leaf(const struct store_audit *rec, uint8_t out[AUDIT_HASH_LEN])
{
	struct buf b = BUF_INIT;

	audit_canonical(&b, rec);
	audit_leaf_hash(b.data, b.len, out);
	buf_release(&b);
}

void
audit_hex(const uint8_t *p, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * len] = '\0';
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
audit_unhex(const char *s, size_t len, uint8_t *out)
{
	if (strlen(s) != 2 * len)
		return DB_EDATA;
	for (size_t i = 0; i < len; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return DB_EDATA;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* ---- the frontier ---- */

void
audit_frontier_init(struct audit_frontier *f)
{
	memset(f, 0, sizeof(*f));
}

/* The frontier holds one perfect subtree per set bit of size. Adding a leaf is adding one
 * to size: each trailing one bit carries, merging the smallest subtree with the new one. */
void
audit_frontier_push(struct audit_frontier *f, const uint8_t leaf[AUDIT_HASH_LEN])
{
	uint8_t h[AUDIT_HASH_LEN];

	memcpy(h, leaf, AUDIT_HASH_LEN);
	for (uint64_t s = f->size; s & 1; s >>= 1)
		audit_node_hash(f->h[--f->n], h, h);
	memcpy(f->h[f->n++], h, AUDIT_HASH_LEN);
	f->size++;
}

/* RFC 9162 splits n leaves at the largest power of two k < n; the left k leaves are the
 * frontier's largest subtree, and the rest splits the same way: so the root folds the
 * frontier from the right. */
void
audit_frontier_root(const struct audit_frontier *f, uint8_t out[AUDIT_HASH_LEN])
{
	uint8_t h[AUDIT_HASH_LEN];

	if (f->n == 0) {
		/* RFC 9162: the hash of an empty list is the hash of an empty string. */
		EVP_Digest("", 0, out, NULL, EVP_sha256(), NULL);
		return;
	}
	memcpy(h, f->h[f->n - 1], AUDIT_HASH_LEN);
	for (int i = f->n - 2; i >= 0; i--)
		audit_node_hash(f->h[i], h, h);
	memcpy(out, h, AUDIT_HASH_LEN);
}

char *
audit_frontier_format(const struct audit_frontier *f)
{
	struct buf b = BUF_INIT;
	char hex[2 * AUDIT_HASH_LEN + 1];

	buf_printf(&b, "%" PRIu64, f->size);
	for (int i = 0; i < f->n; i++) {
		audit_hex(f->h[i], AUDIT_HASH_LEN, hex);
		buf_printf(&b, " %s", hex);
	}
	return buf_detach(&b);
}

static int
popcount64(uint64_t x)
{
	int n = 0;

	for (; x; x &= x - 1)
		n++;
	return n;
}

int
audit_frontier_parse(const char *s, struct audit_frontier *f, struct dberr *e)
{
	struct audit_frontier t;
	char *end;
	const char *p;

	audit_frontier_init(&t);
	errno = 0;
	t.size = strtoull(s, &end, 10);
	if (end == s || errno != 0 || (*end != '\0' && *end != ' '))
		return dberr_set(e, DB_EDATA, "audit frontier: bad size in '%.40s'", s);
	for (p = end; *p == ' ' && t.n < 64; t.n++) {
		char hex[2 * AUDIT_HASH_LEN + 1];
		size_t len = strcspn(p + 1, " ");

		if (len != 2 * AUDIT_HASH_LEN)
			return dberr_set(e, DB_EDATA, "audit frontier: bad hash %d", t.n + 1);
		memcpy(hex, p + 1, len);
		hex[len] = '\0';
		if (audit_unhex(hex, AUDIT_HASH_LEN, t.h[t.n]) != 0)
			return dberr_set(e, DB_EDATA, "audit frontier: bad hash %d", t.n + 1);
		p += 1 + len;
	}
	if (*p != '\0' || t.n != popcount64(t.size))
		return dberr_set(e, DB_EDATA,
		                 "audit frontier: %d hashes for a tree of %" PRIu64 " leaves", t.n,
		                 t.size);
	*f = t;
	return 0;
}

/* ---- trees over arrays of leaves ---- */

typedef const uint8_t (*leafv)[AUDIT_HASH_LEN];

/* The largest power of two smaller than n (n >= 2). */
static uint64_t
split_point(uint64_t n)
{
	uint64_t k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

void
audit_tree_root(const uint8_t (*leaves)[AUDIT_HASH_LEN], uint64_t n, uint8_t out[AUDIT_HASH_LEN])
{
	struct audit_frontier f;

	audit_frontier_init(&f);
	for (uint64_t i = 0; i < n; i++)
		audit_frontier_push(&f, leaves[i]);
	audit_frontier_root(&f, out);
}

/* PATH(m, D[n]) of RFC 9162 2.1.3.1, appended to proof: the sub-path first, then the
 * sibling subtree's root, so hashes run from the leaf upward. */
static void
path(leafv d, uint64_t n, uint64_t m, uint8_t proof[][AUDIT_HASH_LEN], size_t *np)
{
	uint64_t k;

	if (n <= 1)
		return;
	k = split_point(n);
	if (m < k) {
		path(d, k, m, proof, np);
		audit_tree_root(d + k, n - k, proof[(*np)++]);
	} else {
		path(d + k, n - k, m - k, proof, np);
		audit_tree_root(d, k, proof[(*np)++]);
	}
}

int
audit_inclusion_proof(const uint8_t (*leaves)[AUDIT_HASH_LEN], uint64_t n, uint64_t m,
                      uint8_t proof[][AUDIT_HASH_LEN], size_t *nproof, struct dberr *e)
{
	size_t np = 0;

	if (m >= n)
		return dberr_set(e, DB_EDATA,
		                 "leaf %" PRIu64 " is not in a tree of %" PRIu64 " leaves", m, n);
	path(leaves, n, m, proof, &np);
	*nproof = np;
	return 0;
}

/* SUBPROOF(m, D[n], b) of RFC 9162 2.1.4.1. */
static void
subproof(leafv d, uint64_t n, uint64_t m, bool b, uint8_t proof[][AUDIT_HASH_LEN], size_t *np)
{
	uint64_t k;

	if (m == n) {
		if (!b)
			audit_tree_root(d, n, proof[(*np)++]);
		return;
	}
	k = split_point(n);
	if (m <= k) {
		subproof(d, k, m, b, proof, np);
		audit_tree_root(d + k, n - k, proof[(*np)++]);
	} else {
		subproof(d + k, n - k, m - k, false, proof, np);
		audit_tree_root(d, k, proof[(*np)++]);
	}
}

int
audit_consistency_proof(const uint8_t (*leaves)[AUDIT_HASH_LEN], uint64_t n, uint64_t m,
                        uint8_t proof[][AUDIT_HASH_LEN], size_t *nproof, struct dberr *e)
{
	size_t np = 0;

	if (m == 0 || m > n)
		return dberr_set(e, DB_EDATA,
		                 "no consistency proof from %" PRIu64 " to %" PRIu64 " leaves", m, n);
	subproof(leaves, n, m, true, proof, &np);
	*nproof = np;
	return 0;
}

/* The verification algorithms are RFC 9162's, step by step: fn and sn are the indexes of
 * the node being rebuilt and of the tree's last node at the current level. */
bool
audit_inclusion_verify(uint64_t index, uint64_t n, const uint8_t leaf[AUDIT_HASH_LEN],
                       const uint8_t proof[][AUDIT_HASH_LEN], size_t nproof,
                       const uint8_t root[AUDIT_HASH_LEN])
{
	uint64_t fn = index, sn = n - 1;
	uint8_t r[AUDIT_HASH_LEN];

	if (index >= n)
		return false;
	memcpy(r, leaf, AUDIT_HASH_LEN);
	for (size_t i = 0; i < nproof; i++) {
		if (sn == 0)
			return false;
		if ((fn & 1) || fn == sn) {
			audit_node_hash(proof[i], r, r);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			audit_node_hash(r, proof[i], r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && memcmp(r, root, AUDIT_HASH_LEN) == 0;
}

bool
audit_consistency_verify(uint64_t m, uint64_t n, const uint8_t old_root[AUDIT_HASH_LEN],
                         const uint8_t new_root[AUDIT_HASH_LEN],
                         const uint8_t proof[][AUDIT_HASH_LEN], size_t nproof)
{
	uint8_t fr[AUDIT_HASH_LEN], sr[AUDIT_HASH_LEN];
	uint64_t fn, sn;
	size_t i = 0;

	if (m > n)
		return false;
	if (m == n)
		return nproof == 0 && memcmp(old_root, new_root, AUDIT_HASH_LEN) == 0;
	if (m == 0)
		return nproof == 0; /* the empty tree is a prefix of every tree */
	if (nproof == 0)
		return false;
	/* A power-of-two old tree is itself a node of the new one: the proof starts above it. */
	if ((m & (m - 1)) == 0) {
		memcpy(fr, old_root, AUDIT_HASH_LEN);
	} else {
		memcpy(fr, proof[0], AUDIT_HASH_LEN);
		i = 1;
	}
	memcpy(sr, fr, AUDIT_HASH_LEN);
	fn = m - 1;
	sn = n - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	for (; i < nproof; i++) {
		if (sn == 0)
			return false;
		if ((fn & 1) || fn == sn) {
			audit_node_hash(proof[i], fr, fr);
			audit_node_hash(proof[i], sr, sr);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			audit_node_hash(sr, proof[i], sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && memcmp(fr, old_root, AUDIT_HASH_LEN) == 0 &&
	       memcmp(sr, new_root, AUDIT_HASH_LEN) == 0;
}

/* ---- the log in the store ---- */

#define FRONTIER_KEY "audit/frontier"

static void
leaf_key(uint64_t seq, char out[40])
{
	snprintf(out, 40, "audit/leaf/%020" PRIu64, seq);
}

int
audit_frontier_get(struct store_txn *txn, struct audit_frontier *f, struct dberr *e)
{
	struct dberr scratch;
	char *val = NULL;
	int rc;

	dberr_clear(&scratch);
	rc = store_meta_get(txn, FRONTIER_KEY, &val, &scratch);
	if (rc == DB_ENOTFOUND) {
		audit_frontier_init(f);
		return 0;
	}
	if (rc != 0) {
		*e = scratch;
		return rc;
	}
	rc = audit_frontier_parse(val, f, e);
	free(val);
	return rc;
}

static int
put_leaf(struct store_txn *txn, uint64_t seq, const uint8_t leaf[AUDIT_HASH_LEN],
         struct dberr *e)
{
	char key[40], hex[2 * AUDIT_HASH_LEN + 1];

	leaf_key(seq, key);
	audit_hex(leaf, AUDIT_HASH_LEN, hex);
	return store_meta_put(txn, key, hex, e);
}

struct catchup {
	struct store_txn *txn;
	struct audit_frontier *f;
	struct dberr *e;
};

static int
catchup_cb(const struct store_audit *a, void *arg)
{
	struct catchup *c = arg;
	uint8_t leaf[AUDIT_HASH_LEN];

	if (a->seq != c->f->size + 1)
		return dberr_set(c->e, DB_ESTATE,
		                 "audit log: record %" PRIu64 " follows record %" PRIu64, a->seq,
		                 c->f->size);
	audit_record_leaf(a, leaf);
	audit_frontier_push(c->f, leaf);
	return put_leaf(c->txn, a->seq, leaf, c->e);
}

int
audit_append(struct store_txn *txn, const struct store_audit *rec, uint64_t *seq,
             struct dberr *e)
{
	struct audit_frontier f;
	struct store_audit stored = {0};
	uint8_t leaf[AUDIT_HASH_LEN];
	uint64_t count, s = 0;
	char *text = NULL; /* owned */
	int rc;

	if ((rc = audit_frontier_get(txn, &f, e)) != 0)
		return rc;
	count = store_audit_count(txn);
	if (f.size > count)
		return dberr_set(e, DB_ESTATE,
		                 "audit log: the tree has %" PRIu64 " leaves but the log only %" PRIu64
		                 " records: the log was damaged, run `dabiao audit verify`",
		                 f.size, count);
	if (f.size < count) {
		/* Records written before the tree existed join it now, in order. */
		struct catchup c = {txn, &f, e};

		if ((rc = store_audit_each(txn, f.size + 1, catchup_cb, &c, e)) != 0)
			return rc;
	}
	if ((rc = store_audit_append(txn, rec, &s, e)) != 0)
		return rc;
	if (s != f.size + 1)
		return dberr_set(e, DB_ESTATE,
		                 "audit log: record %" PRIu64 " appended to a tree of %" PRIu64
		                 " leaves", s, f.size);
	/* Hash what the store holds, exactly as `audit verify` will read it back. */
	if ((rc = store_audit_get(txn, s, &stored, e)) != 0)
		return rc;
	audit_record_leaf(&stored, leaf);
	store_audit_release(&stored);
	audit_frontier_push(&f, leaf);
	if ((rc = put_leaf(txn, s, leaf, e)) != 0)
		return rc;
	text = audit_frontier_format(&f);
	rc = store_meta_put(txn, FRONTIER_KEY, text, e);
	free(text);
	if (rc == 0 && seq != NULL)
		*seq = s;
	return rc;
}

struct leaves_ctx {
	uint8_t (*v)[AUDIT_HASH_LEN];
	size_t n, cap;
	uint64_t want;
	struct dberr *e;
};

#define LEAVES_STOP 1

static int
leaves_cb(const struct store_audit *a, void *arg)
{
	struct leaves_ctx *c = arg;

	if (c->want && c->n >= c->want)
		return LEAVES_STOP;
	if (a->seq != c->n + 1)
		return dberr_set(c->e, DB_EDATA,
		                 "record %" PRIu64 ": expected record %zu (a record is missing)",
		                 a->seq, c->n + 1);
	c->v = xgrow(c->v, &c->cap, c->n + 1, sizeof(*c->v));
	audit_record_leaf(a, c->v[c->n++]);
	return 0;
}

int
audit_leaves(struct store_txn *txn, uint64_t n, uint8_t (**out)[AUDIT_HASH_LEN],
             uint64_t *count, struct dberr *e)
{
	struct leaves_ctx c = {NULL, 0, 0, n, e};
	int rc = store_audit_each(txn, 1, leaves_cb, &c, e);

	if (rc == LEAVES_STOP)
		rc = 0;
	if (rc == 0 && n && c.n < n)
		rc = dberr_set(e, DB_EDATA, "the log has %zu records, fewer than %" PRIu64, c.n, n);
	if (rc != 0) {
		free(c.v);
		return rc;
	}
	*out = c.v;
	*count = c.n;
	return 0;
}

/* ---- checkpoints ---- */

#define SIG_DASH "\xe2\x80\x94 " /* U+2014 EM DASH and a space start a signature line */
#define ED25519_TYPE 0x01        /* signed-note signature type of Ed25519 */

static int
key_load(const char *file, bool want_private, EVP_PKEY **out, struct dberr *e)
{
	FILE *fp = fopen(file, "r");
	EVP_PKEY *k = NULL;

	if (fp == NULL)
		return dberr_at(e, DB_ECONFIG, file, 0, 0, "cannot read the audit key: %s",
		                strerror(errno));
	k = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
	if (k == NULL && !want_private) {
		rewind(fp);
		k = PEM_read_PUBKEY(fp, NULL, NULL, NULL);
	}
	fclose(fp);
	if (k == NULL)
		return dberr_at(e, DB_ECONFIG, file, 0, 0,
		                "not a PEM %s key (create one with `openssl genpkey -algorithm "
		                "ed25519 -out %s`)",
		                want_private ? "private" : "Ed25519", file);
	if (EVP_PKEY_id(k) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(k);
		return dberr_at(e, DB_ECONFIG, file, 0, 0,
		                "the audit key must be Ed25519 (`openssl genpkey -algorithm "
		                "ed25519`)");
	}
	*out = k;
	return 0;
}

/* The signed-note key id: the first 4 bytes of SHA-256(name || "\n" || 0x01 || pub). */
static void
key_id(EVP_PKEY *k, const char *name, uint8_t id[4], uint8_t pub[32])
{
	uint8_t h[AUDIT_HASH_LEN], tail[34];
	size_t plen = 32;
	struct buf b = BUF_INIT;

	EVP_PKEY_get_raw_public_key(k, pub, &plen);
	tail[0] = '\n';
	tail[1] = ED25519_TYPE;
	memcpy(tail + 2, pub, 32);
	buf_puts(&b, name);
	buf_append(&b, tail, sizeof(tail));
	EVP_Digest(b.data, b.len, h, NULL, EVP_sha256(), NULL);
	memcpy(id, h, 4);
	buf_release(&b);
}

static char *
b64(const uint8_t *p, size_t n)
{
	char *out = xmalloc(4 * ((n + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, p, (int)n);
	return out;
}

/* Strict base64 of exactly n bytes. */
static int
unb64(const char *s, uint8_t *out, size_t n)
{
	size_t len = strlen(s);
	uint8_t tmp[128];
	int got;

	if (len != 4 * ((n + 2) / 3) || len > 4 * sizeof(tmp) / 3)
		return DB_EDATA;
	got = EVP_DecodeBlock(tmp, (const unsigned char *)s, (int)len);
	if (got < 0 || (size_t)got < n)
		return DB_EDATA;
	memcpy(out, tmp, n);
	return 0;
}

static void
note_body(struct buf *b, const struct audit_checkpoint *cp)
{
	char *root = b64(cp->root, AUDIT_HASH_LEN);

	buf_printf(b, "%s\n%" PRIu64 "\n%s\n", cp->origin, cp->size, root);
	free(root);
}

int
audit_checkpoint_sign(const struct audit_checkpoint *cp, const char *key_file, char **out,
                      struct dberr *e)
{
	EVP_PKEY *k = NULL;
	EVP_MD_CTX *ctx = NULL;
	struct buf b = BUF_INIT;
	uint8_t sig[4 + 64], pub[32];
	size_t siglen = 64;
	char *s64 = NULL;
	int rc;

	if ((rc = key_load(key_file, true, &k, e)) != 0)
		return rc;
	note_body(&b, cp);
	key_id(k, cp->origin, sig, pub);
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || EVP_DigestSignInit(ctx, NULL, NULL, NULL, k) != 1 ||
	    EVP_DigestSign(ctx, sig + 4, &siglen, (const unsigned char *)b.data, b.len) != 1 ||
	    siglen != 64) {
		rc = dberr_set(e, DB_ESOFTWARE, "Ed25519 signing failed");
		goto fail;
	}
	s64 = b64(sig, sizeof(sig));
	buf_printf(&b, "\n" SIG_DASH "%s %s\n", cp->origin, s64);
	free(s64);
	*out = buf_detach(&b);
fail:
	buf_release(&b);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
	return rc;
}

static bool
sig_ok(EVP_PKEY *k, const char *body, size_t len, const uint8_t sig[64])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok = ctx != NULL && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k) == 1 &&
	          EVP_DigestVerify(ctx, sig, 64, (const unsigned char *)body, len) == 1;

	EVP_MD_CTX_free(ctx);
	return ok;
}

/* Checks the signature lines after the blank line: one must be by key name origin with
 * k's key id, and verify over the body. */
static int
check_sigs(const char *sigs, const char *body, size_t blen, const char *origin, EVP_PKEY *k,
           const char *name, struct dberr *e)
{
	uint8_t id[4], pub[32], sig[68];
	size_t olen = strlen(origin);
	bool found = false;

	key_id(k, origin, id, pub);
	for (const char *p = sigs; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, len);
		int bad = 0;

		if (strncmp(line, SIG_DASH, strlen(SIG_DASH)) == 0) {
			const char *rest = line + strlen(SIG_DASH);

			if (strncmp(rest, origin, olen) == 0 && rest[olen] == ' ' &&
			    unb64(rest + olen + 1, sig, sizeof(sig)) == 0 && memcmp(sig, id, 4) == 0) {
				found = true;
				bad = !sig_ok(k, body, blen, sig + 4);
			}
		}
		free(line);
		if (bad)
			return dberr_at(e, DB_EDATA, name, 0, 0,
			                "the checkpoint's signature by %s does not verify", origin);
		if (found)
			return 0;
		p += len + (nl != NULL);
	}
	return dberr_at(e, DB_EDATA, name, 0, 0,
	                "the checkpoint has no signature by key %s with this key's id", origin);
}

int
audit_checkpoint_parse(const char *text, const char *name, const char *pub_file,
                       struct audit_checkpoint *out, struct dberr *e)
{
	struct audit_checkpoint cp;
	const char *end = strstr(text, "\n\n"), *p = text, *nl;
	char line[256], *stop;
	EVP_PKEY *k = NULL;
	int rc = 0;

	memset(&cp, 0, sizeof(cp));
	if (end == NULL)
		return dberr_at(e, DB_EDATA, name, 0, 0,
		                "not a checkpoint: no blank line before the signatures");
	for (int i = 0; i < 3; i++) {
		nl = strchr(p, '\n');
		if (nl == NULL || nl > end + 1 || (size_t)(nl - p) >= sizeof(line))
			return dberr_at(e, DB_EDATA, name, i + 1, 0,
			                "not a checkpoint: expected origin, size and root lines");
		memcpy(line, p, (size_t)(nl - p));
		line[nl - p] = '\0';
		if (i == 0) {
			if (line[0] == '\0')
				return dberr_at(e, DB_EDATA, name, 1, 0, "empty origin");
			snprintf(cp.origin, sizeof(cp.origin), "%s", line);
		} else if (i == 1) {
			errno = 0;
			cp.size = strtoull(line, &stop, 10);
			if (line[0] < '0' || line[0] > '9' || *stop || errno != 0 ||
			    (line[0] == '0' && line[1] != '\0'))
				return dberr_at(e, DB_EDATA, name, 2, 0, "bad tree size '%s'", line);
		} else if (unb64(line, cp.root, AUDIT_HASH_LEN) != 0) {
			return dberr_at(e, DB_EDATA, name, 3, 0, "bad root hash '%s'", line);
		}
		p = nl + 1;
	}
	if (pub_file != NULL) {
		if ((rc = key_load(pub_file, false, &k, e)) != 0)
			return rc;
		rc = check_sigs(end + 2, text, (size_t)(end + 1 - text), cp.origin, k, name, e);
		EVP_PKEY_free(k);
		if (rc != 0)
			return rc;
	}
	*out = cp;
	return 0;
}

int
audit_verifier_key(const char *key_file, const char *name, char **out, struct dberr *e)
{
	EVP_PKEY *k = NULL;
	uint8_t id[4], pub[33];
	char hex[9], *p64;
	int rc;

	if ((rc = key_load(key_file, false, &k, e)) != 0)
		return rc;
	key_id(k, name, id, pub + 1);
	pub[0] = ED25519_TYPE;
	audit_hex(id, 4, hex);
	p64 = b64(pub, sizeof(pub));
	*out = xasprintf("%s+%s+%s", name, hex, p64);
	free(p64);
	EVP_PKEY_free(k);
	return 0;
}
