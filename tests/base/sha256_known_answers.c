/*
 * SHA-256 in hex gives the digests FIPS 180-2 publishes for its examples ("abc", the
 * 448-bit message, a million 'a') and the well-known digest of nothing; a message fed in
 * pieces of any size gives the same digest as fed whole.
 */
#include <stdlib.h>
#include <string.h>

#include "base/sha256.h"
#include "lib/test.h"

int
main(void)
{
	static const char *const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	static const char *const two_blocks =
		"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
	static const char *const million_a =
		"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	static const char *const empty =
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	const char *msg = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char hex[SHA256_HEX_SIZE];
	char *a = malloc(1000000);
	struct sha256 *h;

	ASSERT(a != NULL);
	memset(a, 'a', 1000000);
	sha256_hex("abc", 3, hex);
	ASSERT_STR_EQ(hex, abc);
	sha256_hex(msg, strlen(msg), hex);
	ASSERT_STR_EQ(hex, two_blocks);
	sha256_hex(a, 1000000, hex);
	ASSERT_STR_EQ(hex, million_a);
	sha256_hex(NULL, 0, hex);
	ASSERT_STR_EQ(hex, empty);

	/* in pieces: uneven sizes that straddle the 64-byte blocks, and empty pieces */
	h = sha256_begin();
	for (size_t off = 0, step = 1; off < 1000000; off += step, step = step * 7 % 1000 + 1) {
		size_t n = off + step > 1000000 ? 1000000 - off : step;

		sha256_add(h, a + off, n);
		sha256_add(h, a, 0);
	}
	sha256_end(h, hex);
	ASSERT_STR_EQ(hex, million_a);
	h = sha256_begin();
	sha256_end(h, hex);
	ASSERT_STR_EQ(hex, empty);
	free(a);
	return 0;
}
