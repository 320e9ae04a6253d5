/*
 * checkpoint.c - the tree head signed as a C2SP tlog-checkpoint (a signed note with an
 * Ed25519 signature line), parsed and verified again, and the note verifier key.
 */
#include "engine/audit/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "base/file.h"
#include "base/utf8.h"
#include "base/xalloc.h"

/* ---- checkpoints ---- */

#define SIG_DASH "\xe2\x80\x94 " /* U+2014 EM DASH and a space start a signature line */
#define ED25519_TYPE 0x01        /* signed-note signature type of Ed25519 */

static void key_id(EVP_PKEY *k, const char *name, uint8_t id[4], uint8_t pub[32]);
static int unb64(const char *s, uint8_t *out, size_t n);

/* A signed-note verifier key, as `dabiao audit key` prints it: NAME+KEYID+BASE64, where
 * BASE64 is 0x01 (Ed25519) and the 32-byte public key, and KEYID (8 hex digits) its key
 * id. NULL (and nothing in e) when text is not of that shape; DB_ECONFIG when it is but
 * does not hold together. */
static int
vkey_load(const char *file, const char *text, EVP_PKEY **out, struct dberr *e)
{
	const char *plus2, *plus1 = strchr(text, '+');
	char *name, hex[9], *line;
	uint8_t raw[33], id[4], pub[32];
	size_t len = strcspn(text, "\r\n");
	EVP_PKEY *k;

	/* one line, NAME+KEYID+BASE64, and nothing after it but line ends */
	if (plus1 == NULL || (plus2 = strchr(plus1 + 1, '+')) == NULL || plus2 - plus1 != 9 ||
	    plus2 > text + len || text[len + strspn(text + len, "\r\n")] != '\0')
		return 1;
	line = xstrndup(plus2 + 1, len - (size_t)(plus2 + 1 - text));
	if (unb64(line, raw, sizeof(raw)) != 0 || raw[0] != ED25519_TYPE) {
		free(line);
		return 1;
	}
	free(line);
	k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw + 1, 32);
	if (k == NULL)
		return dberr_at(e, DB_ECONFIG, file, 1, 0, "not an Ed25519 verifier key");
	name = xstrndup(text, (size_t)(plus1 - text));
	key_id(k, name, id, pub);
	audit_hex(id, 4, hex);
	free(name);
	if (strncmp(hex, plus1 + 1, 8) != 0) {
		EVP_PKEY_free(k);
		return dberr_at(e, DB_ECONFIG, file, 1, 0, "the verifier key's id %.8s does not "
		                "match its name and key (%s): the line was changed", plus1 + 1, hex);
	}
	*out = k;
	return 0;
}

/* A key is a small regular file: a FIFO or a device is refused at once, never waited for
 * (file_read), as every file dabiao reads. */
#define KEY_FILE_MAX ((size_t)64 << 10)

static int
key_load(const char *file, bool want_private, EVP_PKEY **out, struct dberr *e)
{
	EVP_PKEY *k = NULL;
	struct stat st;
	char *data = NULL, text[512];
	size_t len, nread;
	BIO *bio;
	int rc;

	if ((rc = file_read_stat(file, KEY_FILE_MAX, &data, &len, &st, e)) != 0) {
		if (rc == DB_ENOINPUT || rc == DB_EDATA)  /* not a regular file, too large */
			return rc;
		dberr_clear(e);  /* missing or unreadable: the key's fault, as it always was */
		return dberr_at(e, DB_ECONFIG, file, 0, 0, "cannot read the audit key: %s",
		                strerror(-rc));
	}
	/* as a Windows editor saved it: a byte order mark, CRLF, blanks after the line are not
	 * the key (the line `audit key` printed, pasted into Notepad, was "changed", review13f
	 * C6) */
	nread = len;
	utf8_plain_lines(data, &len);
	bio = BIO_new_mem_buf(data, (int)len);
	k = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	/* Whoever can read the private key can sign a forged log head, and whoever can
	 * write it can swap it: it is the operator's alone, as ssh treats its keys. */
	if (k != NULL && (st.st_mode & 077) != 0) {
		EVP_PKEY_free(k);
		free(data);
		return dberr_at(e, DB_ECONFIG, file, 0, 0, "the audit signing key has mode %04o: "
		                "others may read or replace it; it must be 0600 or stricter "
		                "(chmod 600 %s), owned by the user dabiao runs as",
		                (unsigned)(st.st_mode & 07777), file);
	}
	if (k == NULL && !want_private) {
		bio = BIO_new_mem_buf(data, (int)len);
		k = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
		BIO_free(bio);
	}
	if (k == NULL && !want_private) {
		/* or the line `dabiao audit key` prints, which is what a verifier is given */
		snprintf(text, sizeof(text), "%.*s", (int)(len < sizeof(text) ? len : sizeof(text) - 1),
		         data);
		if ((rc = vkey_load(file, text, &k, e)) < 0) {
			explicit_bzero(data, nread);
			free(data);
			return rc;
		}
	}
	explicit_bzero(data, nread);
	free(data);
	if (k == NULL && want_private)
		return dberr_at(e, DB_ECONFIG, file, 0, 0,
		                "not a PEM private key (create one with `openssl genpkey -algorithm "
		                "ed25519 -out %s`)", file);
	if (k == NULL)
		return dberr_at(e, DB_ECONFIG, file, 0, 0,
		                "not an Ed25519 key: give the log's verifier key (the line `dabiao "
		                "audit key` prints) or its PEM public key (`openssl pkey -in KEY "
		                "-pubout`)");
	if (EVP_PKEY_id(k) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(k);
		/* a verifier checks the log's key, it makes none: telling them to generate one
		 * would send them to sign with a key of their own */
		if (!want_private)
			return dberr_at(e, DB_ECONFIG, file, 0, 0,
			                "not the log's key: the log is signed with an Ed25519 key, "
			                "this is another kind; give the log's verifier key (the line "
			                "`dabiao audit key` prints) or its PEM public key");
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

int
audit_key_generate(const char *path, struct dberr *e)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
	EVP_PKEY *k = NULL;
	FILE *fp = NULL;
	int fd, rc = 0;

	if (ctx == NULL || EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_keygen(ctx, &k) != 1) {
		rc = dberr_set(e, DB_ESOFTWARE, "Ed25519 key generation failed");
		goto out;
	}
	/* 0600 from the start: the key signs the log's heads; nobody else may read it */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = dberr_at(e, errno == EEXIST ? DB_ECANTCREAT : -errno, path, 0, 0,
		              "cannot create the audit key: %s", strerror(errno));
		goto out;
	}
	if ((fp = fdopen(fd, "w")) == NULL) {
		close(fd);
		rc = dberr_at(e, -errno, path, 0, 0, "cannot write the audit key: %s",
		              strerror(errno));
		goto out;
	}
	if (PEM_write_PrivateKey(fp, k, NULL, NULL, 0, NULL, NULL) != 1 || fflush(fp) != 0 ||
	    fsync(fileno(fp)) != 0)
		rc = dberr_at(e, DB_EIO, path, 0, 0, "cannot write the audit key");
	if (fclose(fp) != 0 && rc == 0)
		rc = dberr_at(e, DB_EIO, path, 0, 0, "cannot write the audit key: %s",
		              strerror(errno));
	if (rc != 0)
		unlink(path);
out:
	EVP_PKEY_free(k);
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

char *
audit_key_file(const char *store_dir, const char *configured)
{
	char *path;

	if (configured != NULL && configured[0] != '\0')
		return xstrdup(configured);
	path = xasprintf("%s/" AUDIT_STORE_KEY, store_dir);
	if (access(path, R_OK) == 0)
		return path;
	free(path);
	return NULL;
}

void
audit_origin_name(const char *configured, char *out, size_t n)
{
	char host[200];

	if (configured != NULL && configured[0] != '\0') {
		snprintf(out, n, "%s", configured);
		return;
	}
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(out, n, "dabiao/%s", host);
}
