/*
 * xalloc.h - the one out-of-memory policy: these abort with a message, so callers never
 * check for NULL after them. Bad input is never a reason to abort; only exhausted memory is.
 */
#ifndef DABIAO_XALLOC_H
#define DABIAO_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows an array of nmemb elements of size bytes to at least want elements, doubling;
 * *cap holds the capacity. Returns the (possibly moved) array. */
void *xgrow(void *p, size_t *cap, size_t want, size_t size);
char *xstrdup(const char *s);            /* xstrdup(NULL) returns NULL */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
