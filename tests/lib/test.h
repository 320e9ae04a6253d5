/*
 * test.h - assertion macros for dabiao's unit tests. Each failure prints both values and
 * where, then exits 1; a test executable that returns 0 passed.
 */
#ifndef DABIAO_TEST_H
#define DABIAO_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEST_FAIL_(...)                                                        \
	do {                                                                   \
		fprintf(stderr, "%s:%d: FAIL: ", __FILE__, __LINE__);          \
		fprintf(stderr, __VA_ARGS__);                                  \
		fputc('\n', stderr);                                           \
		exit(1);                                                       \
	} while (0)

#define ASSERT(cond)                                                           \
	do {                                                                   \
		if (!(cond))                                                   \
			TEST_FAIL_("%s", #cond);                               \
	} while (0)

#define ASSERT_INT_OP_(a, op, b)                                               \
	do {                                                                   \
		int64_t a_ = (int64_t)(a), b_ = (int64_t)(b);                  \
		if (!(a_ op b_))                                               \
			TEST_FAIL_("%s %s %s: %" PRId64 " vs %" PRId64, #a, #op, #b, \
			           a_, b_);                                    \
	} while (0)

#define ASSERT_EQ(a, b) ASSERT_INT_OP_(a, ==, b)
#define ASSERT_NE(a, b) ASSERT_INT_OP_(a, !=, b)
#define ASSERT_LT(a, b) ASSERT_INT_OP_(a, <, b)
#define ASSERT_LE(a, b) ASSERT_INT_OP_(a, <=, b)
#define ASSERT_GT(a, b) ASSERT_INT_OP_(a, >, b)
#define ASSERT_GE(a, b) ASSERT_INT_OP_(a, >=, b)

#define ASSERT_STR_EQ(a, b)                                                    \
	do {                                                                   \
		const char *a_ = (a), *b_ = (b);                               \
		if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0)           \
			TEST_FAIL_("%s == %s: \"%s\" vs \"%s\"", #a, #b,        \
			           a_ ? a_ : "(null)", b_ ? b_ : "(null)");    \
	} while (0)

#define ASSERT_STR_CONTAINS(hay, needle)                                       \
	do {                                                                   \
		const char *h_ = (hay), *n_ = (needle);                        \
		if (h_ == NULL || strstr(h_, n_) == NULL)                      \
			TEST_FAIL_("%s contains \"%s\": \"%s\"", #hay, n_,      \
			           h_ ? h_ : "(null)");                        \
	} while (0)

/* The whole of file rel of the source tree ($DABIAO_SRC, else the current folder),
 * NUL-terminated, its length in *len; fails the test when it cannot be read. Caller
 * frees. */
static inline char *
test_read_src(const char *rel, size_t *len)
{
	const char *src = getenv("DABIAO_SRC");
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", src ? src : ".", rel);
	f = fopen(path, "rb");
	if (f == NULL)
		TEST_FAIL_("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n)
		TEST_FAIL_("cannot read %s", path);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* A temporary folder for a test's store: mkdtemp under $TMPDIR or /tmp. Caller frees. */
static inline char *
test_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *p = malloc(4096);

	snprintf(p, 4096, "%s/dabiao-test-XXXXXX", base ? base : "/tmp");
	if (mkdtemp(p) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	return p;
}

#endif
