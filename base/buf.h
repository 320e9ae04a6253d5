/*
 * buf.h - a growable byte buffer, always NUL-terminated, for building text and records.
 * Memory policy is xalloc's: appending cannot fail.
 */
#ifndef DABIAO_BUF_H
#define DABIAO_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	char *data; /* NUL-terminated; NULL until the first append. Owned by the buf. */
	size_t len;
	size_t cap;
};

#define BUF_INIT {NULL, 0, 0}

void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);          /* length 0, keeps memory */
void buf_release(struct buf *b);        /* frees memory; the buf is empty and reusable */
char *buf_detach(struct buf *b);        /* caller frees the returned string; buf is emptied */
const char *buf_str(const struct buf *b); /* "" when empty; valid until the next append */
/* Appends s as a JSON string literal, quotes included (control characters escaped). */
void buf_json_str(struct buf *b, const char *s);
/* Appends s as one CSV field (RFC 4180: quoted when it holds , " CR or LF). */
void buf_csv_field(struct buf *b, const char *s);

#endif
