/*
 * A whole file read: its bytes exactly (a NUL inside kept, one added after), up to the
 * limit and not a byte more; a folder, a FIFO with no writer (at once, never waited for)
 * and a missing file are refused, naming the file, with nothing handed back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file.h"
#include "lib/test.h"

static void
write_bytes(const char *path, const char *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	ASSERT(f != NULL);
	ASSERT_EQ(fwrite(data, 1, n, f), n);
	ASSERT_EQ(fclose(f), 0);
}

static void
refused(const char *path, size_t max, int code, const char *why)
{
	char *data = NULL;
	size_t len = 12345;
	struct dberr e;

	dberr_clear(&e);
	ASSERT_EQ(file_read(path, max, &data, &len, &e), code);
	ASSERT_STR_EQ(e.file, path);
	ASSERT_STR_CONTAINS(e.msg, why);
	ASSERT(data == NULL);
	ASSERT_EQ(len, 12345);
}

int
main(void)
{
	char *dir = test_tmpdir(), path[4200], fifo[4200], big[4200], *data = NULL;
	static const char ten[10] = {'a', 'b', '\0', 'c', '\n', 'd', 'e', 'f', 'g', 'h'};
	char *mib = calloc(1, (1u << 20) + 1);
	size_t len = 0;
	struct dberr e;

	ASSERT(mib != NULL);
	snprintf(path, sizeof(path), "%s/ten.bin", dir);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	snprintf(big, sizeof(big), "%s/big.bin", dir);
	write_bytes(path, ten, sizeof(ten));
	write_bytes(big, mib, (1u << 20) + 1);
	ASSERT_EQ(mkfifo(fifo, 0600), 0);

	/* exactly the limit: read, bytes as they are, NUL-terminated after them */
	dberr_clear(&e);
	ASSERT_EQ(file_read(path, 10, &data, &len, &e), 0);
	ASSERT_EQ(len, 10);
	ASSERT(memcmp(data, ten, 10) == 0);
	ASSERT_EQ(data[10], '\0');
	free(data);
	/* an empty file is a file: "" */
	snprintf(path, sizeof(path), "%s/empty", dir);
	write_bytes(path, "", 0);
	data = NULL;
	ASSERT_EQ(file_read(path, 10, &data, &len, &e), 0);
	ASSERT_EQ(len, 0);
	ASSERT_STR_EQ(data, "");
	free(data);

	/* one byte over the limit; a limit of whole MiB is said in MiB */
	snprintf(path, sizeof(path), "%s/ten.bin", dir);
	refused(path, 9, DB_EDATA, "larger than 9 bytes");
	refused(big, 1u << 20, DB_EDATA, "larger than 1 MiB");
	/* what is no regular file, and what is not there */
	refused(dir, FILE_MAX_INPUT, DB_ENOINPUT, "not a regular file");
	refused(fifo, FILE_MAX_INPUT, DB_ENOINPUT, "not a regular file");
	snprintf(path, sizeof(path), "%s/missing.yaml", dir);
	refused(path, FILE_MAX_INPUT, -ENOENT, "cannot open");

	unlink(fifo);
	unlink(big);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ten.bin", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/empty", dir);
	unlink(path);
	rmdir(dir);
	free(dir);
	free(mib);
	return 0;
}
