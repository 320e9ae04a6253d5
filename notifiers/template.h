/*
 * template.h - notice templates: one UTF-8 file per notice kind, checked when loaded so a
 * bad template fails at `dabiao check`/`load`, not when the 3 a.m. deadline fires.
 *
 * The format (a contract shared with notifiers/templates/zh-CN/ and plans' own folders):
 *
 *     Subject: <subject text>         first line, "Subject: " exactly, text non-empty
 *                                     second line: empty
 *     <body ...>                      the rest, LF line ends
 *
 * <dir>/<kind>.txt holds the template of one kind (reminder, overdue, escalation,
 * incomplete, accountability, interview-warning, approval-restriction-warning, conduct,
 * notice, dispatch, digest, delivery-failed, or a plan's own). Placeholders are {{name}}
 * with name one of notify_tpl_names[] ([a-z_]+, no spaces inside the braces); a placeholder
 * does not span lines. Single braces are plain text. A UTF-8 byte-order mark and CRLF line
 * ends (a file saved on Windows) are accepted and dropped; other control characters but
 * TAB are not.
 *
 * Errors name FILE:LINE:COLUMN, 1-based, the column counted in characters (what an editor
 * shows for Chinese text), pointing at the "{{" of a bad placeholder.
 *
 * Thread-safe: a loaded template is immutable; render may run on it from several threads.
 */
#ifndef DABIAO_NOTIFY_TEMPLATE_H
#define DABIAO_NOTIFY_TEMPLATE_H

#include <stddef.h>

#include "base/err.h"

/* One loaded template. Opaque; free with notify_tpl_free. */
struct notify_tpl;

/* The known placeholder names, NULL-terminated, in no particular order. */
extern const char *const notify_tpl_names[];

/*
 * Reads and checks <dir>/<kind>.txt. kind must be [a-z0-9_-]+ (it becomes a file name).
 * On success *out is a template the caller frees with notify_tpl_free; on failure *out
 * is not written.
 * Errors: -ENOENT when the file does not exist, with the path in e (the caller may fall
 * back to another folder or a generic kind; call dberr_clear(e) first, since a dberr
 * keeps its first failure); DB_EDATA with FILE:LINE:COLUMN for a malformed template (no
 * "Subject: " first line, an empty subject, a non-empty second line, invalid UTF-8, a
 * control character, an unterminated "{{", a malformed or unknown placeholder name) or a
 * bad kind; other -errno from open/read.
 */
int notify_tpl_load(const char *dir, const char *kind, struct notify_tpl **out,
                    struct dberr *e);

/*
 * The same from text in memory (len bytes, NUL not needed); file names the source in
 * error messages (e.g. a path, or "plan.yaml:templates/reminder"). Same errors as
 * notify_tpl_load but the file ones.
 */
int notify_tpl_parse(const char *file, const char *text, size_t len, struct notify_tpl **out,
                     struct dberr *e);

/*
 * Substitutes every {{name}} with lookup(name, arg); lookup returns a UTF-8 string
 * borrowed until render returns, or NULL for "no value", rendered as the empty string.
 * Values are inserted as they are in the body; in the subject, which must stay one line,
 * each line break (CRLF, CR or LF) and other control character becomes one space.
 * On success *subject and *body are new strings the caller frees with free(); on failure
 * neither is written.
 * Errors: DB_EDATA when a value is not valid UTF-8 (no location: it is the caller's data).
 */
int notify_tpl_render(const struct notify_tpl *t, const char *(*lookup)(const char *name,
                      void *arg), void *arg, char **subject, char **body);

/* The kind the template was loaded as ("" for notify_tpl_parse). Valid while t lives. */
const char *notify_tpl_kind(const struct notify_tpl *t);

/* Frees t; NULL is a no-op. */
void notify_tpl_free(struct notify_tpl *t);

/*
 * Loads every <kind>.txt in dir (in name order, so the error reported is always the same)
 * and fails on the first bad one; other files are ignored. A folder without templates
 * passes.
 * Errors: those of notify_tpl_load; DB_EDATA for a .txt whose name is not a valid kind;
 * -ENOENT/-ENOTDIR/-EACCES when dir cannot be read.
 */
int notify_tpl_check_dir(const char *dir, struct dberr *e);

/* A template file as read from a folder: its kind and its bytes. */
struct notify_tpl_file {
	char *kind;     /* "reminder" (the file name without .txt) */
	char *text;     /* the file's bytes, NUL-terminated */
	size_t len;
};
/*
 * Reads and checks every <kind>.txt in dir as notify_tpl_check_dir does, keeping the
 * bytes: a plan version stores them, so a template edited later changes no notice of that
 * version. On success *out holds *n files in kind order (NULL/0 for a folder without
 * templates); the caller frees them with notify_tpl_files_free. On failure nothing is
 * written. Errors: those of notify_tpl_check_dir.
 */
int notify_tpl_read_dir(const char *dir, struct notify_tpl_file **out, size_t *n,
                        struct dberr *e);
void notify_tpl_files_free(struct notify_tpl_file *v, size_t n);

#endif
