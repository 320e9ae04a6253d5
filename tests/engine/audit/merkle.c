/*
 * audit_merkle.c - the audit tree against RFC 9162 (section 2.1): roots from the frontier
 * equal the naive recursive definition for 0..64 leaves and the published Certificate
 * Transparency vectors; every inclusion and consistency proof for m <= n <= 20 is accepted
 * by a reference verifier written here from the definitions (not from audit.c) and by
 * audit.c's own verifiers, and every altered proof is refused. Also the canonical form.
 */
#include <stdio.h>
#include <string.h>

#include "engine/audit/audit.h"
#include "lib/test.h"

#define MAXN 64
#define PROOFMAX 20

typedef uint8_t hash[AUDIT_HASH_LEN];

static hash leaves[MAXN];

static void
hex_of(const uint8_t *h, char *out)
{
	audit_hex(h, AUDIT_HASH_LEN, out);
}

/* MTH straight from RFC 9162 2.1.1. */
static void
naive_mth(const hash *d, uint64_t n, hash out)
{
	uint64_t k = 1;
	hash l, r;

	if (n == 1) {
		memcpy(out, d[0], AUDIT_HASH_LEN);
		return;
	}
	while (2 * k < n)
		k *= 2;
	naive_mth(d, k, l);
	naive_mth(d + k, n - k, r);
	audit_node_hash(l, r, out);
}

static uint64_t
split(uint64_t n)
{
	uint64_t k = 1;

	while (2 * k < n)
		k *= 2;
	return k;
}

/* Rebuilds the root of a tree of n leaves from leaf m and the proof, taking the proof's
 * hashes from the top (its end) down, as the tree's shape dictates. */
static void
ref_incl(uint64_t m, uint64_t n, const uint8_t *leaf, const hash *proof, size_t *np, hash out)
{
	uint64_t k;
	hash sub;
	const uint8_t *sib;

	if (n == 1) {
		memcpy(out, leaf, AUDIT_HASH_LEN);
		return;
	}
	ASSERT_GT(*np, 0);
	sib = proof[--*np];
	k = split(n);
	if (m < k) {
		ref_incl(m, k, leaf, proof, np, sub);
		audit_node_hash(sub, sib, out);
	} else {
		ref_incl(m - k, n - k, leaf, proof, np, sub);
		audit_node_hash(sib, sub, out);
	}
}

/* Rebuilds (old root, new root) from a consistency proof, undoing SUBPROOF(m, D[n], b). */
static void
ref_cons(uint64_t m, uint64_t n, bool b, const uint8_t *old_root, const hash *proof, size_t *np,
         hash old_out, hash new_out)
{
	uint64_t k;
	hash o, nw;
	const uint8_t *sib;

	if (m == n) {
		if (b) {
			memcpy(old_out, old_root, AUDIT_HASH_LEN);
			memcpy(new_out, old_root, AUDIT_HASH_LEN);
		} else {
			ASSERT_GT(*np, 0);
			memcpy(old_out, proof[--*np], AUDIT_HASH_LEN);
			memcpy(new_out, old_out, AUDIT_HASH_LEN);
		}
		return;
	}
	ASSERT_GT(*np, 0);
	sib = proof[--*np];
	k = split(n);
	if (m <= k) {
		ref_cons(m, k, b, old_root, proof, np, o, nw);
		memcpy(old_out, o, AUDIT_HASH_LEN);
		audit_node_hash(nw, sib, new_out);
	} else {
		ref_cons(m - k, n - k, false, old_root, proof, np, o, nw);
		audit_node_hash(sib, o, old_out);
		audit_node_hash(sib, nw, new_out);
	}
}

static void
roots_match_naive(void)
{
	struct audit_frontier f, g;
	hash r1, r2, r3;
	char *text;
	struct dberr e;

	audit_frontier_init(&f);
	audit_frontier_root(&f, r1);
	ASSERT(memcmp(r1, (hash){0}, AUDIT_HASH_LEN) != 0);
	for (uint64_t n = 1; n <= MAXN; n++) {
		audit_frontier_push(&f, leaves[n - 1]);
		ASSERT_EQ(f.size, n);
		audit_frontier_root(&f, r1);
		naive_mth(leaves, n, r2);
		audit_tree_root((const uint8_t(*)[AUDIT_HASH_LEN])leaves, n, r3);
		if (memcmp(r1, r2, AUDIT_HASH_LEN) != 0 || memcmp(r3, r2, AUDIT_HASH_LEN) != 0)
			TEST_FAIL_("root of %d leaves differs from the naive MTH", (int)n);
		/* the stored text form gives the same frontier back */
		text = audit_frontier_format(&f);
		dberr_clear(&e);
		ASSERT_EQ(audit_frontier_parse(text, &g, &e), 0);
		ASSERT_EQ(g.size, f.size);
		ASSERT_EQ(g.n, f.n);
		ASSERT(memcmp(g.h, f.h, (size_t)f.n * AUDIT_HASH_LEN) == 0);
		free(text);
	}
	dberr_clear(&e);
	ASSERT_EQ(audit_frontier_parse("3 00", &g, &e), DB_EDATA);
	dberr_clear(&e);
	ASSERT_EQ(audit_frontier_parse("x", &g, &e), DB_EDATA);
	ASSERT_EQ(audit_frontier_parse("2 " "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
	                               " 6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	                               &g, &e), DB_EDATA);
}

/* RFC 6962's test leaves, whose roots every CT implementation publishes. */
static void
ct_vectors(void)
{
	static const char *in[8] = {"", "\x00", "\x10", "\x20\x21", "\x30\x31",
	                            "\x40\x41\x42\x43", "\x50\x51\x52\x53\x54\x55\x56\x57",
	                            "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f"};
	static const size_t len[8] = {0, 1, 1, 2, 2, 4, 8, 16};
	static const char *root[8] = {
		"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
		"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
		"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
		"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
		"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
		"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
		"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
	};
	struct audit_frontier f;
	hash l, r;
	char hex[65];

	audit_frontier_init(&f);
	audit_frontier_root(&f, r);
	hex_of(r, hex);
	ASSERT_STR_EQ(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	for (int i = 0; i < 8; i++) {
		audit_leaf_hash(in[i], len[i], l);
		audit_frontier_push(&f, l);
		audit_frontier_root(&f, r);
		hex_of(r, hex);
		ASSERT_STR_EQ(hex, root[i]);
	}
}

static void
flip(hash h)
{
	h[7] ^= 0x20;
}

static void
inclusion_all_pairs(void)
{
	hash proof[AUDIT_MAX_PROOF], root, rebuilt;
	size_t np, left;
	struct dberr e;

	for (uint64_t n = 1; n <= PROOFMAX; n++) {
		naive_mth(leaves, n, root);
		for (uint64_t m = 0; m < n; m++) {
			dberr_clear(&e);
			ASSERT_EQ(audit_inclusion_proof((const uint8_t(*)[AUDIT_HASH_LEN])leaves, n, m,
			                                proof, &np, &e), 0);
			left = np;
			ref_incl(m, n, leaves[m], proof, &left, rebuilt);
			ASSERT_EQ(left, 0);
			if (memcmp(rebuilt, root, AUDIT_HASH_LEN) != 0)
				TEST_FAIL_("inclusion %d in %d: reference verifier refuses", (int)m, (int)n);
			ASSERT(audit_inclusion_verify(m, n, leaves[m], proof, np, root));
			/* wrong leaf, wrong index, wrong size, each altered hash, one hash short */
			ASSERT(!audit_inclusion_verify(m, n, leaves[(m + 1) % MAXN], proof, np, root));
			if (n > 1)
				ASSERT(!audit_inclusion_verify((m + 1) % n, n, leaves[m], proof, np, root));
			ASSERT(!audit_inclusion_verify(m, n, leaves[m], proof, np, leaves[MAXN - 1]));
			for (size_t i = 0; i < np; i++) {
				flip(proof[i]);
				ASSERT(!audit_inclusion_verify(m, n, leaves[m], proof, np, root));
				flip(proof[i]);
			}
			if (np > 0)
				ASSERT(!audit_inclusion_verify(m, n, leaves[m], proof, np - 1, root));
		}
		dberr_clear(&e);
		ASSERT_EQ(audit_inclusion_proof((const uint8_t(*)[AUDIT_HASH_LEN])leaves, n, n, proof,
		                                &np, &e), DB_EDATA);
	}
}

static void
consistency_all_pairs(void)
{
	hash proof[AUDIT_MAX_PROOF], old_root, new_root, o, nw;
	size_t np, left;
	struct dberr e;

	for (uint64_t n = 1; n <= PROOFMAX; n++) {
		naive_mth(leaves, n, new_root);
		for (uint64_t m = 1; m <= n; m++) {
			naive_mth(leaves, m, old_root);
			dberr_clear(&e);
			ASSERT_EQ(audit_consistency_proof((const uint8_t(*)[AUDIT_HASH_LEN])leaves, n, m,
			                                  proof, &np, &e), 0);
			if (m == n)
				ASSERT_EQ(np, 0);
			left = np;
			ref_cons(m, n, true, old_root, proof, &left, o, nw);
			ASSERT_EQ(left, 0);
			if (memcmp(o, old_root, AUDIT_HASH_LEN) != 0 ||
			    memcmp(nw, new_root, AUDIT_HASH_LEN) != 0)
				TEST_FAIL_("consistency %d -> %d: reference verifier refuses", (int)m, (int)n);
			ASSERT(audit_consistency_verify(m, n, old_root, new_root, proof, np));
			ASSERT(!audit_consistency_verify(m, n, old_root, leaves[MAXN - 1], proof, np));
			if (m < n) {
				/* the old tree with a different last leaf is not a prefix */
				hash other;

				flip(leaves[m - 1]);
				naive_mth(leaves, m, other);
				flip(leaves[m - 1]);
				ASSERT(!audit_consistency_verify(m, n, other, new_root, proof, np));
				ASSERT(!audit_consistency_verify(m, n, old_root, new_root, proof, np - 1));
			}
			for (size_t i = 0; i < np; i++) {
				flip(proof[i]);
				ASSERT(!audit_consistency_verify(m, n, old_root, new_root, proof, np));
				flip(proof[i]);
			}
		}
		dberr_clear(&e);
		ASSERT_EQ(audit_consistency_proof((const uint8_t(*)[AUDIT_HASH_LEN])leaves, n, n + 1,
		                                  proof, &np, &e), DB_EDATA);
	}
}

static void
canonical_form(void)
{
	struct store_audit a = {
		.seq = 12,
		.real_time = 1494400000,
		.clock_time = -5,
		.actor = "甲县\"环保\"局",
		.action = "task.submit",
		.task = "p/m/a/once",
		.subject = NULL,
		.from_state = "open",
		.to_state = "submitted",
		.details = "{\"note\":\"a\\b\nc\td\x01\x7f/\"}",
	};
	struct buf b = BUF_INIT;
	hash l1, l2;

	audit_canonical(&b, &a);
	ASSERT_STR_EQ(buf_str(&b),
	              "{\"seq\":12,\"real_time\":1494400000,\"clock_time\":-5,"
	              "\"actor\":\"甲县\\\"环保\\\"局\",\"action\":\"task.submit\","
	              "\"task\":\"p/m/a/once\",\"subject\":\"\",\"from_state\":\"open\","
	              "\"to_state\":\"submitted\","
	              "\"details\":\"{\\\"note\\\":\\\"a\\\\b\\nc\\td\\u0001\x7f/\\\"}\"}");
	audit_leaf_hash(b.data, b.len, l1);
	audit_record_leaf(&a, l2);
	ASSERT(memcmp(l1, l2, AUDIT_HASH_LEN) == 0);
	a.seq = 13;
	audit_record_leaf(&a, l2);
	ASSERT(memcmp(l1, l2, AUDIT_HASH_LEN) != 0);
	buf_release(&b);
}

int
main(void)
{
	for (int i = 0; i < MAXN; i++) {
		char s[16];

		snprintf(s, sizeof(s), "leaf %d", i);
		audit_leaf_hash(s, strlen(s), leaves[i]);
	}
	roots_match_naive();
	ct_vectors();
	inclusion_all_pairs();
	consistency_all_pairs();
	canonical_form();
	printf("ok: audit tree roots, proofs and canonical form\n");
	return 0;
}
