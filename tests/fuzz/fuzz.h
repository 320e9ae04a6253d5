/*
 * fuzz.h - what the libFuzzer harnesses share: the entry point's prototype, and a file
 * holding the input for readers that take a path (registries, the configuration).
 */
#ifndef DABIAO_FUZZ_H
#define DABIAO_FUZZ_H

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Writes the input to a file named by suffix (".yaml", ".csv") in a private folder made
 * once per process; returns its path (static storage). Aborts on failure: a harness that
 * cannot write its input tests nothing. */
static inline const char *
fuzz_file(const uint8_t *data, size_t size, const char *suffix)
{
	static char dir[256], path[300];
	int fd;

	if (dir[0] == '\0') {
		const char *base = getenv("TMPDIR");

		snprintf(dir, sizeof(dir), "%s/dabiao-fuzz-XXXXXX", base ? base : "/tmp");
		if (mkdtemp(dir) == NULL)
			abort();
	}
	snprintf(path, sizeof(path), "%s/input%s", dir, suffix);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || (size > 0 && write(fd, data, size) != (ssize_t)size) || close(fd) != 0)
		abort();
	return path;
}

#endif
