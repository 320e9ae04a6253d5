#include "store/codec.h"

#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

void
be32_put(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

uint32_t
be32_get(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void
be64_put(unsigned char *p, uint64_t v)
{
	be32_put(p, (uint32_t)(v >> 32));
	be32_put(p + 4, (uint32_t)v);
}

uint64_t
be64_get(const unsigned char *p)
{
	return (uint64_t)be32_get(p) << 32 | be32_get(p + 4);
}

void
enc_u8(struct buf *b, uint8_t v)
{
	buf_append(b, &v, 1);
}

void
enc_u32(struct buf *b, uint32_t v)
{
	unsigned char p[4];

	be32_put(p, v);
	buf_append(b, p, sizeof(p));
}

void
enc_leb(struct buf *b, uint64_t v)
{
	do {
		buf_putc(b, (char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0)));
		v >>= 7;
	} while (v > 0);
}

void
enc_u64(struct buf *b, uint64_t v)
{
	unsigned char p[8];

	be64_put(p, v);
	buf_append(b, p, sizeof(p));
}

/* Signed values are stored as their two's complement bit pattern; the casts are defined
 * both ways on every platform we build for (C11 leaves only the unsigned->signed one
 * implementation-defined, and gcc and clang define it as the bit pattern). */
void
enc_i32(struct buf *b, int32_t v)
{
	enc_u32(b, (uint32_t)v);
}

void
enc_i64(struct buf *b, int64_t v)
{
	enc_u64(b, (uint64_t)v);
}

void
enc_bytes(struct buf *b, const void *p, size_t n)
{
	enc_u32(b, (uint32_t)n);
	if (n > 0)
		buf_append(b, p, n);
}

void
enc_str(struct buf *b, const char *s)
{
	enc_bytes(b, s, s ? strlen(s) : 0);
}

void
enc_strv(struct buf *b, char *const *v, size_t n)
{
	size_t i;

	enc_u32(b, (uint32_t)n);
	for (i = 0; i < n; i++)
		enc_str(b, v[i]);
}

void
enc_kv(struct buf *b, const struct store_kv *kv, size_t n)
{
	size_t i;

	enc_u32(b, (uint32_t)n);
	for (i = 0; i < n; i++) {
		enc_str(b, kv[i].key);
		enc_str(b, kv[i].val);
	}
}

void
dec_init(struct dec *d, const void *p, size_t n)
{
	d->p = p;
	d->left = n;
	d->bad = false;
}

/* The one bounds check: every read goes through here. */
static const unsigned char *
dec_take(struct dec *d, size_t n)
{
	const unsigned char *p;

	if (d->bad || d->left < n) {
		d->bad = true;
		return NULL;
	}
	p = d->p;
	d->p += n;
	d->left -= n;
	return p;
}

uint8_t
dec_u8(struct dec *d)
{
	const unsigned char *p = dec_take(d, 1);

	return p ? p[0] : 0;
}

uint32_t
dec_u32(struct dec *d)
{
	const unsigned char *p = dec_take(d, 4);

	return p ? be32_get(p) : 0;
}

uint64_t
dec_leb(struct dec *d)
{
	uint64_t v = 0;

	for (int shift = 0; shift < 64; shift += 7) {
		const unsigned char *p = dec_take(d, 1);

		if (p == NULL)
			return 0;
		if (shift == 63 && *p > 1)
			break; /* more than 64 bits */
		v |= (uint64_t)(*p & 0x7f) << shift;
		if ((*p & 0x80) == 0) {
			if (shift > 0 && *p == 0)
				break; /* a longer form than the shortest */
			return v;
		}
	}
	d->bad = true;
	return 0;
}

uint64_t
dec_u64(struct dec *d)
{
	const unsigned char *p = dec_take(d, 8);

	return p ? be64_get(p) : 0;
}

int32_t
dec_i32(struct dec *d)
{
	return (int32_t)dec_u32(d);
}

int64_t
dec_i64(struct dec *d)
{
	return (int64_t)dec_u64(d);
}

char *
dec_bytes(struct dec *d, size_t *n)
{
	uint32_t len = dec_u32(d);
	const unsigned char *p = dec_take(d, len);
	char *s;

	if (d->bad)
		return NULL;
	s = xmalloc((size_t)len + 1);
	if (len > 0)
		memcpy(s, p, len);
	s[len] = '\0';
	if (n != NULL)
		*n = len;
	return s;
}

const void *
dec_view(struct dec *d, size_t *n)
{
	uint32_t len = dec_u32(d);
	const unsigned char *p = dec_take(d, len);

	*n = d->bad ? 0 : len;
	return d->bad ? NULL : p;
}

char *
dec_str(struct dec *d)
{
	return dec_bytes(d, NULL);
}

/* A count is believed only if the value could hold that many items of at least min_item
 * bytes each, so a corrupted count never drives a huge allocation. */
static uint32_t
dec_count(struct dec *d, size_t min_item)
{
	uint32_t n = dec_u32(d);

	if (d->bad || n > d->left / min_item) {
		d->bad = true;
		return 0;
	}
	return n;
}

char **
dec_strv(struct dec *d, size_t *n)
{
	uint32_t cnt = dec_count(d, 4), i;
	char **v;

	*n = 0;
	if (cnt == 0)
		return NULL;
	v = xcalloc(cnt, sizeof(*v));
	for (i = 0; i < cnt; i++)
		v[i] = dec_str(d);
	if (d->bad) {
		strv_free(v, cnt);
		return NULL;
	}
	*n = cnt;
	return v;
}

struct store_kv *
dec_kv(struct dec *d, size_t *n)
{
	uint32_t cnt = dec_count(d, 8), i;
	struct store_kv *kv;

	*n = 0;
	if (cnt == 0)
		return NULL;
	kv = xcalloc(cnt, sizeof(*kv));
	for (i = 0; i < cnt; i++) {
		kv[i].key = dec_str(d);
		kv[i].val = dec_str(d);
	}
	if (d->bad) {
		store_kv_free(kv, cnt);
		return NULL;
	}
	*n = cnt;
	return kv;
}

void
dec_format(struct dec *d)
{
	if (dec_u8(d) != CODEC_FORMAT)
		d->bad = true;
}

bool
dec_done(const struct dec *d)
{
	return !d->bad && d->left == 0;
}

void
strv_free(char **v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
store_kv_free(struct store_kv *kv, size_t n)
{
	size_t i;

	if (kv == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].val);
	}
	free(kv);
}

struct store_kv *
store_kv_dup(const struct store_kv *kv, size_t n)
{
	struct store_kv *out;
	size_t i;

	if (n == 0)
		return NULL;
	out = xcalloc(n, sizeof(*out));
	for (i = 0; i < n; i++) {
		out[i].key = xstrdup(kv[i].key);
		out[i].val = xstrdup(kv[i].val);
	}
	return out;
}
