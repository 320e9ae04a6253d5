/*
 * outfile.h - files a command writes for its operator (--out FILE): reports, exports,
 * calendars. They hold the plan's people and the audit trail, so a new one is private
 * (0600) whatever the umask says; an existing file is truncated and keeps the mode its
 * owner gave it (that is how to ask for another).
 */
#ifndef DABIAO_OUTFILE_H
#define DABIAO_OUTFILE_H

#include <stdio.h>

/* Opens path for writing ("w" semantics, binary-safe): created with mode 0600 when new,
 * truncated when it exists. NULL with errno set on failure. Close with fclose. */
FILE *outfile_open(const char *path);

#endif
