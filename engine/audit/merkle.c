/*
 * merkle.c - the audit log's tree, as pure functions: the canonical record form, leaf and
 * node hashes (RFC 9162 2.1), the frontier of a growing tree, roots, inclusion and
 * consistency proofs and their verification. docs/audit.md is the specification this file
 * implements; keep the two in step.
 */
#include "engine/audit/audit.h"
#include "engine/audit/audit_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "base/xalloc.h"

/* ---- canonical form ---- */

/* Only what JSON makes mandatory is escaped, and always the same way: the quote and the
 * backslash, \n \r \t by name, other control bytes as \u00xx in lower-case hex. Every other
 * byte, UTF-8 sequences included, is copied as it is, so the form is one line. */
static void
canon_str(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : ""), *run;

	buf_putc(b, '"');
	for (;;) {
		/* bytes copied as they are go in runs, not one by one */
		for (run = p; *p >= 0x20 && *p != '"' && *p != '\\'; p++)
			;
		if (p > run)
			buf_append(b, run, (size_t)(p - run));
		if (*p == '\0')
			break;
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
		else
			buf_printf(b, "\\u%04x", *p);
		p++;
	}
	buf_putc(b, '"');
}

/* Decimal, as printf's %PRId64 writes it. */
static void
canon_int(struct buf *b, int64_t v)
{
	char d[24], *p = d + sizeof(d);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	buf_append(b, p, (size_t)(d + sizeof(d) - p));
}

void
audit_canonical(struct buf *b, const struct store_audit *rec)
{
	char seq[24], *p = seq + sizeof(seq);
	uint64_t u = rec->seq;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	buf_puts(b, "{\"seq\":");
	buf_append(b, p, (size_t)(seq + sizeof(seq) - p));
	buf_puts(b, ",\"real_time\":");
	canon_int(b, rec->real_time);
	buf_puts(b, ",\"clock_time\":");
	canon_int(b, rec->clock_time);
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

/* SHA-256(prefix || a || b) through h, or (h NULL) through a digest fetched for this
 * one hash. */
static void
sha256_2(struct audit_hasher *h, uint8_t prefix, const void *a, size_t alen, const void *b,
         size_t blen, uint8_t out[AUDIT_HASH_LEN])
{
	EVP_MD_CTX *ctx = h ? h->ctx : EVP_MD_CTX_new();
	unsigned int len = AUDIT_HASH_LEN;

	/* Only allocation can fail here, and the memory policy is to abort on it. */
	if (ctx == NULL || !EVP_DigestInit_ex(ctx, h ? h->md : EVP_sha256(), NULL) ||
	    !EVP_DigestUpdate(ctx, &prefix, 1) || !EVP_DigestUpdate(ctx, a, alen) ||
	    (blen && !EVP_DigestUpdate(ctx, b, blen)) || !EVP_DigestFinal_ex(ctx, out, &len)) {
		fprintf(stderr, "dabiao: fatal: SHA-256 failed\n");
		abort();
	}
	if (h == NULL)
		EVP_MD_CTX_free(ctx);
}

void
audit_hasher_open(struct audit_hasher *h)
{
	h->md = EVP_MD_fetch(NULL, "SHA256", NULL);
	h->ctx = EVP_MD_CTX_new();
	h->canon = (struct buf)BUF_INIT;
	if (h->md == NULL || h->ctx == NULL) {
		fprintf(stderr, "dabiao: fatal: SHA-256 is not available\n");
		abort();
	}
}

void
audit_hasher_close(struct audit_hasher *h)
{
	EVP_MD_CTX_free(h->ctx);
	EVP_MD_free(h->md);
	buf_release(&h->canon);
	h->ctx = h->md = NULL;
}

void
audit_hasher_record_leaf(struct audit_hasher *h, const struct store_audit *rec,
                         uint8_t out[AUDIT_HASH_LEN])
{
	buf_reset(&h->canon);
	audit_canonical(&h->canon, rec);
	sha256_2(h, 0x00, h->canon.data, h->canon.len, NULL, 0, out);
}

void
audit_leaf_hash(const void *data, size_t len, uint8_t out[AUDIT_HASH_LEN])
{
	sha256_2(NULL, 0x00, data, len, NULL, 0, out);
}

void
audit_node_hash(const uint8_t left[AUDIT_HASH_LEN], const uint8_t right[AUDIT_HASH_LEN],
                uint8_t out[AUDIT_HASH_LEN])
{
	sha256_2(NULL, 0x01, left, AUDIT_HASH_LEN, right, AUDIT_HASH_LEN, out);
}

void
audit_hasher_node(struct audit_hasher *h, const uint8_t left[AUDIT_HASH_LEN],
                  const uint8_t right[AUDIT_HASH_LEN], uint8_t out[AUDIT_HASH_LEN])
{
	sha256_2(h, 0x01, left, AUDIT_HASH_LEN, right, AUDIT_HASH_LEN, out);
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
static void
push(struct audit_hasher *hs, struct audit_frontier *f, const uint8_t leaf[AUDIT_HASH_LEN])
{
	uint8_t h[AUDIT_HASH_LEN];

	memcpy(h, leaf, AUDIT_HASH_LEN);
	for (uint64_t s = f->size; s & 1; s >>= 1) {
		f->n--;
		sha256_2(hs, 0x01, f->h[f->n], AUDIT_HASH_LEN, h, AUDIT_HASH_LEN, h);
	}
	memcpy(f->h[f->n++], h, AUDIT_HASH_LEN);
	f->size++;
}

void
audit_frontier_push(struct audit_frontier *f, const uint8_t leaf[AUDIT_HASH_LEN])
{
	push(NULL, f, leaf);
}

void
audit_hasher_push(struct audit_hasher *h, struct audit_frontier *f,
                  const uint8_t leaf[AUDIT_HASH_LEN])
{
	push(h, f, leaf);
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
