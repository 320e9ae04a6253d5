/*
 * codec.h - the one value encoding every record kind uses (private to store/).
 *
 * A value is a format byte, then fixed-width big-endian integers, then strings (u32
 * length + bytes, no NUL), string lists and kv lists (u32 count + items). store/README.md
 * shows each record byte by byte.
 *
 * Encoding appends to a struct buf and cannot fail. Decoding reads from a struct dec with a
 * sticky error: after a short or inconsistent value every further read returns 0 or NULL
 * and dec_done() reports the failure once, so record decoders need no check per field.
 * Strings returned by the decoder are xmalloc'd and NUL-terminated; NULL strings were
 * written as "" and come back as "".
 */
#ifndef DABIAO_STORE_CODEC_H
#define DABIAO_STORE_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "store/store.h"

/* Format byte of every value written by this version of the codec. */
#define CODEC_FORMAT 1

void enc_u8(struct buf *b, uint8_t v);
void enc_u32(struct buf *b, uint32_t v);
void enc_u64(struct buf *b, uint64_t v);
void enc_i32(struct buf *b, int32_t v);
void enc_i64(struct buf *b, int64_t v);
void enc_bytes(struct buf *b, const void *p, size_t n); /* length-prefixed */
void enc_str(struct buf *b, const char *s);             /* NULL is written as "" */
void enc_strv(struct buf *b, char *const *v, size_t n);
void enc_kv(struct buf *b, const struct store_kv *kv, size_t n);
/* An unsigned LEB128 number: 7 bits a byte, low bits first, the high bit set on every byte
 * but the last (1 byte below 128, 2 below 16,384; schema 13's short lengths and
 * distances). */
void enc_leb(struct buf *b, uint64_t v);

/* Big-endian helpers for keys. */
void be32_put(unsigned char *p, uint32_t v);
uint32_t be32_get(const unsigned char *p);
void be64_put(unsigned char *p, uint64_t v);
uint64_t be64_get(const unsigned char *p);

struct dec {
	const unsigned char *p; /* not owned: points into the map */
	size_t left;
	bool bad;
};

void dec_init(struct dec *d, const void *p, size_t n);
uint8_t dec_u8(struct dec *d);
uint32_t dec_u32(struct dec *d);
/* Only the shortest form of a number of at most 64 bits: any other is bad (so no value
 * reads the same from other bytes). */
uint64_t dec_leb(struct dec *d);
uint64_t dec_u64(struct dec *d);
int32_t dec_i32(struct dec *d);
int64_t dec_i64(struct dec *d);
/* Caller frees; *n gets the length (may be NULL). NULL after a failure. */
char *dec_bytes(struct dec *d, size_t *n);
char *dec_str(struct dec *d);
/* Length-prefixed bytes where they lie (in the map: valid as the value is), not copied;
 * NULL and *n 0 after a failure. */
const void *dec_view(struct dec *d, size_t *n);
/* Caller frees with the matching free; *n is 0 and the result NULL after a failure. */
char **dec_strv(struct dec *d, size_t *n);
struct store_kv *dec_kv(struct dec *d, size_t *n);
/* Reads the format byte and refuses any other than CODEC_FORMAT. */
void dec_format(struct dec *d);
/* True when the whole value was read without error. */
bool dec_done(const struct dec *d);

void strv_free(char **v, size_t n);

#endif
