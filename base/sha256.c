/*
 * sha256.c - SHA-256 in hex through libcrypto's EVP interface (the one base file that uses
 * a library: docs/ARCHITECTURE.md's table names openssl for base).
 */
#include "base/sha256.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "base/log.h"
#include "base/xalloc.h"

struct sha256 {
	EVP_MD_CTX *ctx;
};

static void
to_hex(const unsigned char md[32], char out[SHA256_HEX_SIZE])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < 32; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 15];
	}
	out[64] = '\0';
}

void
sha256_hex(const void *data, size_t len, char out[SHA256_HEX_SIZE])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (EVP_Digest(len ? data : "", len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32)
		fatalx("sha256", "SHA-256 unavailable in libcrypto");
	to_hex(md, out);
}

struct sha256 *
sha256_begin(void)
{
	struct sha256 *h = xmalloc(sizeof(*h));

	if ((h->ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1)
		fatalx("sha256", "SHA-256 unavailable in libcrypto");
	return h;
}

void
sha256_add(struct sha256 *h, const void *data, size_t len)
{
	if (len > 0 && EVP_DigestUpdate(h->ctx, data, len) != 1)
		fatalx("sha256", "SHA-256 update failed in libcrypto");
}

void
sha256_end(struct sha256 *h, char out[SHA256_HEX_SIZE])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (EVP_DigestFinal_ex(h->ctx, md, &mdlen) != 1 || mdlen != 32)
		fatalx("sha256", "SHA-256 unavailable in libcrypto");
	EVP_MD_CTX_free(h->ctx);
	free(h);
	to_hex(md, out);
}

int
sha256_fd(int fd, char out[SHA256_HEX_SIZE], unsigned long long *len)
{
	char block[65536];
	struct sha256 *h = sha256_begin();
	unsigned long long total = 0;
	ssize_t n;

	while ((n = read(fd, block, sizeof(block))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;

			sha256_end(h, out);
			return err;
		}
		sha256_add(h, block, (size_t)n);
		total += (unsigned long long)n;
	}
	sha256_end(h, out);
	if (len)
		*len = total;
	return 0;
}

bool
sha256_is_hex(const char *s, size_t n)
{
	if (s == NULL || strlen(s) != n)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}
