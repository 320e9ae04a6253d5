/*
 * sha256.h - SHA-256 as 64 lowercase hex digits: the one form in which dabiao names what it
 * hashes (a plan file's version, a calendar, a template, a submitted file, a notice's
 * bytes, a web token the store keeps instead of the token). Through libcrypto (OpenSSL),
 * never our own code. Memory policy is xalloc's: nothing here can fail but libcrypto
 * itself, which aborts with a message (a libcrypto without SHA-256 is a broken install).
 */
#ifndef DABIAO_SHA256_H
#define DABIAO_SHA256_H

#include <stdbool.h>
#include <stddef.h>

/* The hex digits and the NUL after them. */
#define SHA256_HEX_SIZE 65

/* out = the SHA-256 of data[0..len) in hex, NUL-terminated. data may be NULL if len is 0. */
void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_SIZE]);

/* A digest fed in pieces (a file read in blocks). sha256_begin allocates; sha256_end writes
 * the hex digits to out and frees the state, which must not be used again. */
struct sha256;
struct sha256 *sha256_begin(void);
void sha256_add(struct sha256 *h, const void *data, size_t len);
void sha256_end(struct sha256 *h, char out[SHA256_HEX_SIZE]);
/* The SHA-256 of what fd holds from its offset to its end, read in 64 KiB blocks (memory
 * bounded whatever the size); *len (may be NULL) receives the bytes hashed. Returns 0 or
 * the errno of a failed read. */
int sha256_fd(int fd, char out[SHA256_HEX_SIZE], unsigned long long *len);
/* Whether s is exactly n lowercase hex digits: n = SHA256_HEX_SIZE - 1 for a digest as
 * dabiao writes it (a record's sha256, a kept file's name), 2 for a fan-out folder of
 * files/. NULL is not. */
bool sha256_is_hex(const char *s, size_t n);

#endif
