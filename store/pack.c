/*
 * pack.c - a notice's message kept small in its outbox record and given back byte for byte.
 *
 * A message is mostly its body and attachments in base64 (a third larger than their bytes,
 * and opaque to a compressor: one changed value shifts every base64 character after it),
 * and the rest is headers that its siblings share. So it is kept as:
 *   1. "unfolded": each block of base64 lines (76 characters and CRLF each, the last one
 *      shorter) replaced by the bytes it encodes, kept only where encoding those bytes
 *      again gives exactly the same lines (checked here, block by block), everything else
 *      as it is. Segments: u8 0 (as is) or 1 (base64 block), u32 length, the bytes.
 *   2. deflated (zlib format, with its Adler-32 of the unfolded bytes) against a preset
 *      dictionary: the first unfolded message of the same plan, plan version and kind,
 *      up to 16 KiB of it, stored once in the outbox under a key no notice can have and
 *      never changed. Ten notices of one kind differ in a few names and dates, so each
 *      costs little more than those.
 * Giving it back inflates with that dictionary and folds the blocks into base64 again:
 * the same bytes, so the hash in the notice's audit record still holds
 * (store/README.md, "outbox").
 *
 * Keys (a notice key is a C string and never starts with NUL):
 *   NUL 'n'                                 u32: the last dictionary id given
 *   NUL 'd' u32 id                          u8 1, bytes: dictionary id
 *   NUL 'i' plan NUL kind NUL u32 version   u8 1, u32 id: the class's dictionary
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/sha256.h"
#include "base/xalloc.h"
#include "store/codec.h"
#include "store/store_int.h"

#define SEG_PLAIN 0
#define SEG_BASE64 1
/* An RFC 2047 encoded word as the message builder writes one (a Subject, a From name):
 * "=?UTF-8?B?" base64 "?=" on one line, kept as the bytes it encodes (format 4) */
#define SEG_WORD 2
#define WORD_OPEN "=?UTF-8?B?"
#define WORD_OPEN_LEN 10
#define B64_LINE 76
#define DICT_MAX 16384
/* Outbox value format 4 (schema 13): u8 4, then the dictionary id, the fields' length,
 * the stream's length and the message's length as LEB128 numbers (1-5 bytes each: 7 bits
 * a byte, low first, the high bit on all but the last), the stream's Adler-32 (u32), then
 * the stream deflated raw (RFC 1951: zlib's wrapper would add 6 bytes, the dictionary's
 * id and its own header) */
#define PACK_FORMAT 4

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Each byte's value in the alphabet, -1 for any other (a table: this runs for every
 * character of every message packed) */
static const signed char b64_dec[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
	-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
	-1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

static int
b64_val(unsigned char c)
{
	return b64_dec[c];
}

/* base64 of p (n bytes), padded, into dst (4 characters per 3 bytes); its length */
static size_t
b64_quads(char *dst, const unsigned char *p, size_t n)
{
	size_t col = 0;

	for (size_t i = 0; i < n; i += 3, col += 4) {
		uint32_t v = (uint32_t)p[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		dst[col] = b64[v >> 18 & 63];
		dst[col + 1] = b64[v >> 12 & 63];
		dst[col + 2] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		dst[col + 3] = i + 2 < n ? b64[v & 63] : '=';
	}
	return col;
}

/* The lines the message builder writes: 76 characters and CRLF each, the last shorter.
 * A line at a time (one append per line: this runs for every message read). */
static void
b64_fold(struct buf *out, const unsigned char *p, size_t n)
{
	char line[B64_LINE + 2];

	for (size_t i = 0; i < n; i += B64_LINE / 4 * 3) {
		size_t take = n - i < B64_LINE / 4 * 3 ? n - i : B64_LINE / 4 * 3;
		size_t col = b64_quads(line, p + i, take);

		line[col] = '\r';
		line[col + 1] = '\n';
		buf_append(out, line, col + 2);
	}
}

/* base64 of p in one run, padded, no line breaks (an encoded word's) */
static void
b64_run(struct buf *out, const unsigned char *p, size_t n)
{
	out->data = xgrow(out->data, &out->cap, out->len + (n + 2) / 3 * 4 + 1, 1);
	out->len += b64_quads(out->data + out->len, p, n);
	out->data[out->len] = '\0'; /* a buf's bytes are always NUL-terminated */
}

/* The base64 lines starting at s (a line start): their length in *span (CRLFs included,
 * 0 when there are none worth taking), decoded into out. Only a block that folds back
 * to exactly these characters counts (no stray bits, no other line length). */
static void
b64_block(const char *s, size_t left, size_t *span, struct buf *out)
{
	size_t at = 0, end = 0;

	*span = 0;
	buf_reset(out);
	for (;;) {
		size_t len = 0, pad = 0, line;

		while (at + len < left && b64_val((unsigned char)s[at + len]) >= 0)
			len++;
		while (at + len + pad < left && s[at + len + pad] == '=' && pad < 2)
			pad++;
		line = len + pad;
		if (line == 0 || line > B64_LINE || line % 4 != 0 || at + line + 2 > left ||
		    s[at + line] != '\r' || s[at + line + 1] != '\n')
			break;
		{
			char bytes[B64_LINE / 4 * 3];
			size_t nb = 0;

			for (size_t i = 0; i < line; i += 4) {
				const unsigned char *q = (const unsigned char *)s + at + i;
				uint32_t v = 0;
				int have = 0;

				for (int j = 0; j < 4; j++) {
					int x = b64_val(q[j]);

					v = v << 6 | (uint32_t)(x < 0 ? 0 : x);
					have += x >= 0;
				}
				bytes[nb++] = (char)(v >> 16);
				if (have > 2)
					bytes[nb++] = (char)(v >> 8);
				if (have > 3)
					bytes[nb++] = (char)v;
			}
			buf_append(out, bytes, nb);
		}
		at += line + 2;
		end = at;
		if (line < B64_LINE || pad > 0)
			break; /* the block's last line */
	}
	/* a short line of letters is as likely a word: only blocks of a full line or more */
	if (end < B64_LINE + 2)
		return;
	{
		struct buf again = BUF_INIT;

		b64_fold(&again, (const unsigned char *)out->data, out->len);
		if (again.len == end && memcmp(again.data, s, end) == 0)
			*span = end;
		buf_release(&again);
	}
}

/* The encoded word at s (which starts with WORD_OPEN): its length with "?=" in *span
 * (0 when it is not one that b64_run writes back the same), its bytes in out. */
static void
b64_word(const char *s, size_t left, size_t *span, struct buf *out)
{
	size_t at = WORD_OPEN_LEN, len = 0;

	*span = 0;
	buf_reset(out);
	while (at + len < left && (b64_val((unsigned char)s[at + len]) >= 0 || s[at + len] == '='))
		len++;
	if (len < 4 || len % 4 != 0 || at + len + 2 > left || s[at + len] != '?' ||
	    s[at + len + 1] != '=')
		return;
	for (size_t i = 0; i < len; i += 4) {
		const unsigned char *q = (const unsigned char *)s + at + i;
		uint32_t v = 0;
		int have = 0;
		char bytes[3];

		for (int j = 0; j < 4; j++) {
			int x = b64_val(q[j]);

			v = v << 6 | (uint32_t)(x < 0 ? 0 : x);
			have += x >= 0;
		}
		bytes[0] = (char)(v >> 16);
		bytes[1] = (char)(v >> 8);
		bytes[2] = (char)v;
		buf_append(out, bytes, have > 1 ? (size_t)have - 1 : 1);
	}
	{
		struct buf again = BUF_INIT;

		b64_run(&again, (const unsigned char *)out->data, out->len);
		if (again.len == len && memcmp(again.data, s + at, len) == 0)
			*span = at + len + 2;
		buf_release(&again);
	}
}

static void
seg(struct buf *b, uint8_t kind, const void *p, size_t n)
{
	enc_u8(b, kind);
	enc_bytes(b, p, n);
}

/* 1. above: msg as plain, base64 and (since format 4) encoded-word segments. */
static void
unfold(const char *msg, size_t len, struct buf *out)
{
	struct buf block = BUF_INIT;
	size_t plain = 0, at = 0;

	while (at < len) {
		size_t span = 0;

		if (b64_val((unsigned char)msg[at]) >= 0)
			b64_block(msg + at, len - at, &span, &block);
		if (span > 0) {
			if (at > plain)
				seg(out, SEG_PLAIN, msg + plain, at - plain);
			seg(out, SEG_BASE64, block.data, block.len);
			at += span;
			plain = at;
			continue;
		}
		/* the next line, and the encoded words in this one */
		{
			const char *nl = memchr(msg + at, '\n', len - at);
			size_t end = nl ? (size_t)(nl - msg) + 1 : len;

			while (at < end) {
				const char *w = memchr(msg + at, '=', end - at);

				if (w == NULL)
					break;
				at = (size_t)(w - msg);
				if (end - at > WORD_OPEN_LEN &&
				    memcmp(msg + at, WORD_OPEN, WORD_OPEN_LEN) == 0)
					b64_word(msg + at, end - at, &span, &block);
				if (span == 0) {
					at++;
					continue;
				}
				if (at > plain)
					seg(out, SEG_PLAIN, msg + plain, at - plain);
				seg(out, SEG_WORD, block.data, block.len);
				at += span;
				plain = at;
				span = 0;
			}
			at = end;
		}
	}
	if (len > plain)
		seg(out, SEG_PLAIN, msg + plain, len - plain);
	buf_release(&block);
}

static int
fold(const unsigned char *p, size_t n, struct buf *out)
{
	struct dec d;

	dec_init(&d, p, n);
	while (d.left > 0 && !d.bad) {
		uint8_t kind = dec_u8(&d);
		size_t len = 0;
		const void *bytes = dec_view(&d, &len);

		if (d.bad || kind > SEG_WORD)
			return -1;
		if (kind == SEG_PLAIN) {
			buf_append(out, bytes, len);
		} else if (kind == SEG_BASE64) {
			b64_fold(out, bytes, len);
		} else {
			buf_append(out, WORD_OPEN, WORD_OPEN_LEN);
			b64_run(out, bytes, len);
			buf_append(out, "?=", 2);
		}
	}
	return d.bad ? -1 : 0;
}

/* Plan ids and kinds are short; a long one is cut so the key stays within LMDB's 511
 * bytes (two classes that share the first 200 bytes share a dictionary: no harm). */
#define CLASS_PART 200

static void
class_key(struct buf *k, const char *plan, const char *kind, uint32_t version)
{
	unsigned char v[4];

	plan = plan ? plan : "";
	kind = kind ? kind : "";
	buf_append(k, "\0i", 2);
	buf_append(k, plan, strnlen(plan, CLASS_PART));
	buf_putc(k, '\0');
	buf_append(k, kind, strnlen(kind, CLASS_PART));
	buf_putc(k, '\0');
	be32_put(v, version);
	buf_append(k, v, 4);
}

static void
dict_key(unsigned char k[6], uint32_t id)
{
	k[0] = '\0';
	k[1] = 'd';
	be32_put(k + 2, id);
}

/* The dictionary id's bytes; DB_ESTORE when it is missing or damaged. */
static int
dict_get(struct store_txn *t, uint32_t id, const void **p, size_t *n, struct dberr *e)
{
	unsigned char kb[6];
	MDB_val k = {6, kb}, v;
	int rc;

	dict_key(kb, id);
	rc = store_get(t, STORE_DB_OUTBOX, &k, &v, e);
	if (rc == DB_ENOTFOUND || (rc == 0 && (v.mv_size < 1 || *(unsigned char *)v.mv_data != 1)))
		return store_corrupt(e, STORE_DB_OUTBOX, &k);
	if (rc != 0)
		return rc;
	*p = (const unsigned char *)v.mv_data + 1;
	*n = v.mv_size - 1;
	return 0;
}

/* The class's dictionary, made from this message's unfolded bytes when it has none
 * (unfolded here only then: a known class costs one get). */
static int
dict_for(struct store_txn *t, const char *plan, const char *kind, uint32_t version,
         const void *fields, size_t flen, const char *msg, uint32_t *id, struct dberr *e)
{
	struct buf ck = BUF_INIT, dv = BUF_INIT, unf = BUF_INIT;
	unsigned char lastk[2] = {'\0', 'n'}, dk[6], idv[5], cnt[4];
	MDB_val k, v;
	int rc;

	class_key(&ck, plan, kind, version);
	k = (MDB_val){ck.len, ck.data};
	rc = store_get(t, STORE_DB_OUTBOX, &k, &v, e);
	if (rc == 0) {
		if (v.mv_size != 5 || *(unsigned char *)v.mv_data != 1)
			rc = store_corrupt(e, STORE_DB_OUTBOX, &k);
		else
			*id = be32_get((const unsigned char *)v.mv_data + 1);
		goto out;
	}
	if (rc != DB_ENOTFOUND)
		goto out;
	/* a new class: the next id, its dictionary, the class pointing at it */
	k = (MDB_val){2, lastk};
	rc = store_get(t, STORE_DB_OUTBOX, &k, &v, e);
	if (rc == 0 && v.mv_size != 4)
		rc = store_corrupt(e, STORE_DB_OUTBOX, &k);
	if (rc != 0 && rc != DB_ENOTFOUND)
		goto out;
	*id = (rc == 0 ? be32_get(v.mv_data) : 0) + 1;
	be32_put(cnt, *id);
	v = (MDB_val){4, cnt};
	if ((rc = store_put(t, STORE_DB_OUTBOX, &k, &v, 0, e)) != 0)
		goto out;
	/* what a notice's stream is (format 4): its fields, then its message unfolded */
	buf_append(&unf, fields, flen);
	unfold(msg ? msg : "", msg ? strlen(msg) : 0, &unf);
	enc_u8(&dv, 1);
	buf_append(&dv, unf.data, unf.len < DICT_MAX ? unf.len : DICT_MAX);
	dict_key(dk, *id);
	k = (MDB_val){6, dk};
	v = (MDB_val){dv.len, dv.data};
	if ((rc = store_put(t, STORE_DB_OUTBOX, &k, &v, 0, e)) != 0)
		goto out;
	idv[0] = 1;
	be32_put(idv + 1, *id);
	k = (MDB_val){ck.len, ck.data};
	v = (MDB_val){5, idv};
	rc = store_put(t, STORE_DB_OUTBOX, &k, &v, 0, e);
out:
	buf_release(&ck);
	buf_release(&dv);
	buf_release(&unf);
	return rc;
}

int
store_msg_class(struct store_txn *t, const char *plan, const char *kind, uint32_t version,
                const void *fields, size_t flen, const char *msg, uint32_t *id,
                const void **dict, size_t *dlen, struct dberr *e)
{
	int rc = dict_for(t, plan, kind, version, fields, flen, msg, id, e);

	return rc != 0 ? rc : dict_get(t, *id, dict, dlen, e);
}

/* One deflate and one inflate state per transaction, made at first use (each is a few
 * hundred KiB to set up; a batch packs thousands of messages). */
struct store_zip {
	z_stream def, inf;   /* def: format 4's raw stream; inf: format 3's zlib stream */
	bool def_ok, inf_ok;
	z_stream inf4;       /* format 4's raw stream */
	bool inf4_ok;
	z_stream rdef, rinf; /* store_zip_raw_*: small raw streams (audit records) */
	bool rdef_ok, rinf_ok;
};

void
store_zip_end(struct store_zip *z)
{
	if (z == NULL)
		return;
	if (z->def_ok)
		deflateEnd(&z->def);
	if (z->inf_ok)
		inflateEnd(&z->inf);
	if (z->inf4_ok)
		inflateEnd(&z->inf4);
	if (z->rdef_ok)
		deflateEnd(&z->rdef);
	if (z->rinf_ok)
		inflateEnd(&z->rinf);
	free(z);
}

void
store_zip_free(struct store_txn *t)
{
	store_zip_end(t->zip);
	t->zip = NULL;
}

/* zlib's memory by the project's policy: exhausted memory aborts */
static voidpf
zip_alloc(voidpf opaque, uInt items, uInt size)
{
	(void)opaque;
	return xcalloc(items, size);
}

static void
zip_free(voidpf opaque, voidpf p)
{
	(void)opaque;
	free(p);
}

struct store_zip *
store_zip_new(void)
{
	struct store_zip *z = xcalloc(1, sizeof(*z));

	z->def.zalloc = z->inf.zalloc = z->rdef.zalloc = z->rinf.zalloc = zip_alloc;
	z->def.zfree = z->inf.zfree = z->rdef.zfree = z->rinf.zfree = zip_free;
	return z;
}

static struct store_zip *
zip_of(struct store_txn *t)
{
	if (t->zip == NULL)
		t->zip = store_zip_new();
	return t->zip;
}

int
store_msg_pack(struct store_txn *t, const char *key, const void *fields, size_t flen,
               const char *plan, const char *kind, uint32_t version, const char *msg,
               struct buf *out, struct dberr *e)
{
	const void *dict;
	size_t dlen;
	uint32_t id = 0;
	int rc = store_msg_class(t, plan, kind, version, fields, flen, msg, &id, &dict, &dlen, e);

	return rc != 0 ? rc
	               : store_msg_deflate(zip_of(t), id, dict, dlen, key, fields, flen, msg,
	                                   msg ? strlen(msg) : 0, out, e);
}

/* A record's own dictionary: its class's, then its key and the key's SHA-256 in hex,
 * which a message names several times (the X-Dabiao-Key header; its Message-ID and .eml
 * name are made from that hash): each a back-reference instead of 20-40 bytes. */
static void
record_dict(struct buf *rd, const void *dict, size_t dlen, const char *key, size_t klen)
{
	char hex[SHA256_HEX_SIZE];

	sha256_hex(key, klen, hex);
	buf_append(rd, dict, dlen);
	buf_append(rd, key, klen);
	buf_append(rd, hex, SHA256_HEX_SIZE - 1);
}

/* zlib's default level: against the record's dictionary a burst's notice packs to ~95
 * bytes of deflate in ~7.2 µs, where level 1 (its matches cut at 8 bytes) gave ~122 in
 * ~6.4 µs and level 3 ~98 in ~5.6 µs (zlib 1.2.13 here, a 20,000-notice burst's streams,
 * one thread); on the packer's thread, beside the transaction (packer.c) */
#define PACK_LEVEL Z_DEFAULT_COMPRESSION

int
store_msg_deflate(struct store_zip *z, uint32_t id, const void *dict, size_t dlen,
                  const char *key, const void *fields, size_t flen, const char *msg,
                  size_t len, struct buf *out, struct dberr *e)
{
	struct buf unf = BUF_INIT, rd = BUF_INIT;
	size_t cap;
	int rc = 0;

	buf_append(&unf, fields, flen);
	unfold(msg ? msg : "", len, &unf);
	record_dict(&rd, dict, dlen, key, strlen(key));
	if (!z->def_ok) {
		/* memLevel 4: deflateReset clears a hash table of 2^(memLevel+7) entries for
		 * every message; at zlib's default 8 that is 64 KiB, more than the work, and
		 * notices of a few KB compress no better with it */
		if (deflateInit2(&z->def, PACK_LEVEL, Z_DEFLATED, -15, 4, Z_DEFAULT_STRATEGY) !=
		    Z_OK) {
			rc = dberr_set(e, DB_ESOFTWARE, "deflateInit failed (zlib %s)", zlibVersion());
			goto out;
		}
		z->def_ok = true;
	} else if (deflateReset(&z->def) != Z_OK) {
		rc = dberr_set(e, DB_ESOFTWARE, "deflateReset failed");
		goto out;
	}
	if (deflateSetDictionary(&z->def, (const Bytef *)rd.data, (uInt)rd.len) != Z_OK) {
		rc = dberr_set(e, DB_ESOFTWARE, "deflateSetDictionary failed");
		goto out;
	}
	enc_u8(out, PACK_FORMAT);
	enc_leb(out, id);
	enc_leb(out, flen);
	enc_leb(out, unf.len);
	enc_leb(out, len);
	{
		unsigned char ad[4];

		be32_put(ad, (uint32_t)adler32(adler32(0, NULL, 0), (const Bytef *)unf.data,
		                               (uInt)unf.len));
		buf_append(out, ad, 4);
	}
	cap = deflateBound(&z->def, unf.len);
	out->data = xgrow(out->data, &out->cap, out->len + cap + 1, 1);
	z->def.next_in = (Bytef *)(unf.data ? unf.data : "");
	z->def.avail_in = (uInt)unf.len;
	z->def.next_out = (Bytef *)out->data + out->len;
	z->def.avail_out = (uInt)cap;
	if (deflate(&z->def, Z_FINISH) != Z_STREAM_END) {
		rc = dberr_set(e, DB_ESOFTWARE, "deflate did not finish");
		goto out;
	}
	out->len += cap - z->def.avail_out;
	out->data[out->len] = '\0'; /* a buf's bytes are always NUL-terminated */
out:
	buf_release(&unf);
	buf_release(&rd);
	return rc;
}

static int
inflater(struct store_zip *z, struct dberr *e)
{
	if (!z->inf4_ok) {
		if (inflateInit2(&z->inf4, -15) != Z_OK)
			return dberr_set(e, DB_ESOFTWARE, "inflateInit failed (zlib %s)",
			                 zlibVersion());
		z->inf4_ok = true;
	} else if (inflateReset(&z->inf4) != Z_OK) {
		return dberr_set(e, DB_ESOFTWARE, "inflateReset failed");
	}
	return 0;
}

int
store_msg_unpack4(struct store_txn *t, const MDB_val *key, const MDB_val *val, bool with_msg,
                  unsigned char **fields, size_t *flen_out, char **msg, size_t *msglen,
                  struct dberr *e)
{
	const unsigned char *v = val->mv_data;
	size_t vlen = val->mv_size, head;
	struct store_zip *z = zip_of(t);
	uint64_t id, flen, ulen, mlen;
	uint32_t sum;
	const void *dict;
	size_t dlen, want;
	unsigned char *unf = NULL;
	struct buf m = BUF_INIT, rd = BUF_INIT;
	struct dec d;
	int rc, zr;

	dec_init(&d, v, vlen);
	(void)dec_u8(&d);
	id = dec_leb(&d);
	flen = dec_leb(&d);
	ulen = dec_leb(&d);
	mlen = dec_leb(&d);
	sum = dec_u32(&d);
	head = vlen - d.left;
	/* lengths no value of this size could inflate to are damage, not allocations */
	if (d.bad || vlen < 1 || v[0] != PACK_FORMAT || d.left < 1 || id > UINT32_MAX ||
	    flen > ulen || ulen > (uint64_t)d.left * 1032 + 64 || mlen > UINT32_MAX)
		return store_corrupt(e, STORE_DB_OUTBOX, key);
	if ((rc = dict_get(t, (uint32_t)id, &dict, &dlen, e)) != 0)
		return rc;
	record_dict(&rd, dict, dlen, key->mv_data, key->mv_size);
	if ((rc = inflater(z, e)) != 0)
		goto out;
	/* the fields only, or all of it and one byte more: a stream longer than it says is
	 * damage */
	want = with_msg ? (size_t)ulen + 1 : flen;
	unf = xmalloc(want + 1);
	/* a raw stream asks for no dictionary: it is set before the first byte */
	if (inflateSetDictionary(&z->inf4, (const Bytef *)rd.data, (uInt)rd.len) != Z_OK) {
		rc = store_corrupt(e, STORE_DB_OUTBOX, key);
		goto out;
	}
	z->inf4.next_in = (Bytef *)v + head;
	z->inf4.avail_in = (uInt)(vlen - head);
	z->inf4.next_out = unf;
	z->inf4.avail_out = (uInt)want;
	zr = inflate(&z->inf4, with_msg ? Z_FINISH : Z_SYNC_FLUSH);
	/* with the message: the stream ends with the value, at its length, its Adler-32 as
	 * kept, the last byte's padding bits (never read by inflate) zero, so every byte of
	 * the value counts; then the message's length. Without it, only that the fields are
	 * there. */
	if (with_msg ? zr != Z_STREAM_END || z->inf4.avail_out != 1 || z->inf4.avail_in != 0 ||
	                       adler32(adler32(0, NULL, 0), unf, ulen) != sum ||
	                       ((z->inf4.data_type & 7) > 0 &&
	                        (v[vlen - 1] >> (8 - (z->inf4.data_type & 7))) != 0) ||
	                       fold(unf + flen, ulen - flen, &m) != 0 || m.len != mlen
	             : (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) ||
	                       z->inf4.avail_out != 0) {
		rc = store_corrupt(e, STORE_DB_OUTBOX, key);
		goto out;
	}
	if (with_msg) {
		*msglen = m.len;
		*msg = m.data ? buf_detach(&m) : xstrdup("");
	}
	*fields = unf;
	*flen_out = flen;
	unf = NULL;
out:
	free(unf);
	buf_release(&m);
	buf_release(&rd);
	return rc;
}

int
store_msg_unpack(struct store_txn *t, struct dec *d, const MDB_val *key, char **msg,
                 size_t *msglen, struct dberr *e)
{
	struct store_zip *z;
	uint32_t id = dec_u32(d), ulen = dec_u32(d), mlen = dec_u32(d);
	size_t zlen = 0, dlen = 0;
	const void *zp = dec_view(d, &zlen), *dict;
	unsigned char *unf = NULL;
	struct buf m = BUF_INIT;
	int rc, zr;

	if (d->bad)
		return store_corrupt(e, STORE_DB_OUTBOX, key);
	if ((rc = dict_get(t, id, &dict, &dlen, e)) != 0)
		return rc;
	z = zip_of(t);
	if (!z->inf_ok) {
		if (inflateInit(&z->inf) != Z_OK)
			return dberr_set(e, DB_ESOFTWARE, "inflateInit failed (zlib %s)",
			                 zlibVersion());
		z->inf_ok = true;
	} else if (inflateReset(&z->inf) != Z_OK) {
		return dberr_set(e, DB_ESOFTWARE, "inflateReset failed");
	}
	unf = xmalloc((size_t)ulen + 1);
	z->inf.next_in = (Bytef *)zp;
	z->inf.avail_in = (uInt)zlen;
	z->inf.next_out = unf;
	z->inf.avail_out = ulen + 1; /* one more: a stream longer than it says is damage */
	zr = inflate(&z->inf, Z_FINISH);
	if (zr == Z_NEED_DICT) {
		if (inflateSetDictionary(&z->inf, dict, (uInt)dlen) != Z_OK)
			zr = Z_DATA_ERROR;
		else
			zr = inflate(&z->inf, Z_FINISH);
	}
	/* the Adler-32 of the unfolded bytes is checked by inflate; then both lengths */
	if (zr != Z_STREAM_END || z->inf.avail_out != 1 || z->inf.avail_in != 0 ||
	    fold(unf, ulen, &m) != 0 || m.len != mlen) {
		free(unf);
		buf_release(&m);
		return store_corrupt(e, STORE_DB_OUTBOX, key);
	}
	free(unf);
	*msglen = m.len;
	*msg = m.data ? buf_detach(&m) : xstrdup("");
	return 0;
}

/* Records of a few hundred bytes (audit.c): raw deflate (no header or checksum: the
 * caller keeps the length, and the audit tree hashes what is read back), a 2 KiB window
 * (2^11: the dictionary and one record fit in it) and a hash table of 2^(2+7) entries,
 * so a reset clears 1 KiB, not the 64 KiB messages' stream clears. */
#define RAW_WBITS 11
#define RAW_MEMLEVEL 2

int
store_zip_raw_deflate(struct store_txn *t, const void *dict, size_t dlen, const void *in,
                      size_t len, struct buf *out, struct dberr *e)
{
	struct store_zip *z = zip_of(t);
	size_t cap;

	if (!z->rdef_ok) {
		if (deflateInit2(&z->rdef, Z_BEST_SPEED, Z_DEFLATED, -RAW_WBITS, RAW_MEMLEVEL,
		                 Z_DEFAULT_STRATEGY) != Z_OK)
			return dberr_set(e, DB_ESOFTWARE, "deflateInit failed (zlib %s)",
			                 zlibVersion());
		z->rdef_ok = true;
	} else if (deflateReset(&z->rdef) != Z_OK) {
		return dberr_set(e, DB_ESOFTWARE, "deflateReset failed");
	}
	if (deflateSetDictionary(&z->rdef, dict, (uInt)dlen) != Z_OK)
		return dberr_set(e, DB_ESOFTWARE, "deflateSetDictionary failed");
	cap = deflateBound(&z->rdef, len);
	out->data = xgrow(out->data, &out->cap, out->len + cap + 1, 1);
	z->rdef.next_in = (Bytef *)(in ? in : "");
	z->rdef.avail_in = (uInt)len;
	z->rdef.next_out = (Bytef *)out->data + out->len;
	z->rdef.avail_out = (uInt)cap;
	if (deflate(&z->rdef, Z_FINISH) != Z_STREAM_END)
		return dberr_set(e, DB_ESOFTWARE, "deflate did not finish");
	out->len += cap - z->rdef.avail_out;
	out->data[out->len] = '\0'; /* a buf's bytes are always NUL-terminated */
	return 0;
}

int
store_zip_raw_inflate(struct store_txn *t, const void *dict, size_t dlen, const void *in,
                      size_t len, void *out, size_t outlen)
{
	struct store_zip *z = zip_of(t);
	unsigned char spare;
	int zr;

	if (!z->rinf_ok) {
		if (inflateInit2(&z->rinf, -RAW_WBITS) != Z_OK)
			return -1;
		z->rinf_ok = true;
	} else if (inflateReset(&z->rinf) != Z_OK) {
		return -1;
	}
	/* a raw stream asks for no dictionary: it is set before the first byte */
	if (inflateSetDictionary(&z->rinf, dict, (uInt)dlen) != Z_OK)
		return -1;
	z->rinf.next_in = (Bytef *)in;
	z->rinf.avail_in = (uInt)len;
	z->rinf.next_out = outlen > 0 ? out : &spare;
	z->rinf.avail_out = (uInt)outlen;
	zr = inflate(&z->rinf, Z_FINISH);
	if (zr == Z_BUF_ERROR && z->rinf.avail_out == 0) {
		/* exactly outlen so far: the stream must end here, with nothing more */
		z->rinf.next_out = &spare;
		z->rinf.avail_out = 1;
		zr = inflate(&z->rinf, Z_FINISH);
		if (z->rinf.avail_out == 0)
			return -1;
	}
	if (zr != Z_STREAM_END || z->rinf.avail_out != 0 || z->rinf.avail_in != 0 || len == 0)
		return -1;
	/* deflate pads its last byte with zero bits, which inflate never reads: one set is a
	 * changed byte that would otherwise read as the same record */
	{
		int unused = z->rinf.data_type & 7;

		if (unused > 0 && (((const unsigned char *)in)[len - 1] >> (8 - unused)) != 0)
			return -1;
	}
	return 0;
}
