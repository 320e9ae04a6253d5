/*
 * file.h - a whole file read into memory: the one reader of the files people give dabiao
 * (plans, registries, calendars, the configuration, templates, checkpoints). libc only.
 */
#ifndef DABIAO_FILE_H
#define DABIAO_FILE_H

#include <stddef.h>

#include "base/err.h"

/* The largest plan, calendar or configuration file dabiao reads whole: far above any real
 * one (a plan of 100,000 milestones is about 7 MiB), and a bound on what a wrong file
 * name can make it read (docs/plan-format.md). */
#define FILE_MAX_INPUT ((size_t)64 << 20)
/* The largest registry file one import reads: a million enterprises with every column
 * filled is about 150 MiB, three million 450 MiB; its rows are written as they are read,
 * never held (docs/registry-format.md). A larger registry is imported in parts: an import
 * updates the subjects it lists. */
#define FILE_MAX_REGISTRY ((size_t)1 << 30)

/* Reads the regular file at path whole, if it has at most max bytes. *data (xmalloc'd,
 * NUL-terminated after its *len bytes; the caller frees) and *len are set on success only.
 * A file that shrinks while it is read gives what was there. Errors, with e naming the
 * file: -errno when it cannot be opened, examined or read; DB_ENOINPUT when it is not a
 * regular file (a folder, a FIFO or a device is never read from, nor waited for);
 * DB_EDATA when it is larger than max. */
int file_read(const char *path, size_t max, char **data, size_t *len, struct dberr *e);
/* The same, with the opened file's stat in *st (its mode: a key file's permissions are
 * judged on the file that was read). */
struct stat;
int file_read_stat(const char *path, size_t max, char **data, size_t *len, struct stat *st,
                   struct dberr *e);

#endif
