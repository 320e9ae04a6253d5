#include "notifiers/template.h"

#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include "notifiers/message.h"

/* A template is a page of text; anything much bigger is a mistake (a log, a binary). */
#define TPL_MAX_BYTES ((size_t)1 << 20)
#define KIND_MAX 64
#define NAME_MAX_ 48
#define TPL_MAX_DEPTH 8

const char *const notify_tpl_names[] = {
	"plan_id", "plan_title", "kind", "task_key", "milestone_id", "milestone_title",
	"milestone_description", "phase_title", "subject_id", "subject_name", "jurisdiction_id",
	"jurisdiction_name", "owner_title", "submit_to_title", "period", "due_date", "deadline",
	"days_left", "days_overdue", "requires", "missing", "scheduled_time", "applied_time",
	"catchup_note", "recipients", "notified_roles", "previously_notified", "escalation_step",
	"submit_to_contacts", "admin_contact", "submitted_by", "submitted_at", "lapses",
	"lapse_count", "rule_lapses", "within_days", "flag_kind", "flag_reason", "flag_by", "items",
	"item_count", "item_kinds", "checkpoint", "error", "attempts",
	/* words for official texts (docs/notices.md) */
	"addressee", "issuer_name", "issuer_short", "basis", "clause", "accountability_clause",
	"work", "report_to", "contact", "system_name", "area", "requester", "decide_url",
	"decide_command",
	"issued_date", "scheduled_zh", "due_date_zh", "deadline_zh", "period_zh", "matter",
	"matter_object", "verb", "obligation", "owner_unit", "submit_to_unit", "required_list",
	"missing_list", "days_left_phrase", "measures", "submit_url", "attachment_name",
	"required_intro", "handed_in_phrase", "handed_in_redo",
	/* the rules' notices: an event's actor and reason, a moved deadline, warnings */
	"acted_by", "reason", "previous_deadline_zh", "deadline_passed", "warning_id", "measure",
	"decision_note", "previous_passed", "deadline_kept", "date_source", "warning_matter",
	"candidates", "candidate_count", "count_phrase", "has_lapse", "moved_count", "cancelled_count", "reopened_count",
	"plan_late", "candidate_changes", "counted_on_zh", "handed_in_zh", "handed_in_late",
	"handover_zh", "handed_over", "still_owed", "finished",
	/* the web's receipt and return (docs/web.md) */
	"receipt_seq", "receipt_files", "receipt_time", "proof_url", "receipt_proof",
	/* the noise review: who hears explanations, where reports go when not to the addressee */
	"explain_to", "report_to_other",
	/* a delivery failure: the notice that failed, not the report about it */
	"failed_kind", "failed_tasks", "failed_recipients", "failed_scheduled", NULL,
};

struct notify_tpl {
	char *kind;    /* owned; "" when parsed from memory */
	char *subject; /* owned; the text after "Subject: ", placeholders checked */
	char *body;    /* owned; everything after the empty second line, LF line ends */
};

static int
known_name(const char *s, size_t n)
{
	for (size_t i = 0; notify_tpl_names[i]; i++) {
		if (strlen(notify_tpl_names[i]) == n && memcmp(notify_tpl_names[i], s, n) == 0)
			return 1;
	}
	return 0;
}

/* Line and column (1-based, column in characters) of byte off in text. */
static void
position(const char *text, size_t off, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			++*line;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
			++*col;
		}
	}
}

static int
fail_at(struct dberr *e, const char *file, const char *text, size_t off, const char *what)
{
	int line, col;

	position(text, off, &line, &col);
	return dberr_at(e, DB_EDATA, file, line, col, "template: %s", what);
}

/*
 * Checks the placeholders of text[from, to): each "{{" must open a known name of [a-z_]
 * closed by "}}" on the same line, optionally marked as a section ({{#name}} shown when the
 * value is not empty, {{^name}} when it is, each closed by {{/name}}); sections nest and
 * close in order. Errors point at the "{{".
 */
static int
check_placeholders(const char *file, const char *text, size_t from, size_t to, struct dberr *e)
{
	size_t open[TPL_MAX_DEPTH], nopen = 0;

	for (size_t i = from; i + 1 < to; i++) {
		size_t n = 0, end, name;
		char mark;

		if (text[i] != '{' || text[i + 1] != '{')
			continue;
		end = i + 2;
		while (end + 1 < to && text[end] != '\n' && !(text[end] == '}' && text[end + 1] == '}'))
			end++;
		if (end + 1 >= to || text[end] != '}')
			return fail_at(e, file, text, i, "unterminated \"{{\" (placeholders are "
			               "{{name}} on one line)");
		mark = text[i + 2];
		name = i + 2 + (mark == '#' || mark == '^' || mark == '/');
		for (n = 0; name + n < end; n++) {
			char c = text[name + n];

			if (!((c >= 'a' && c <= 'z') || c == '_'))
				break;
		}
		if (n == 0 || name + n != end || n > NAME_MAX_) {
			int line, col;

			position(text, i, &line, &col);
			return dberr_at(e, DB_EDATA, file, line, col, "template: malformed "
			                "placeholder \"%.*s\" (want {{name}}, name of a-z and _)",
			                (int)(end + 2 - i > 80 ? 80 : end + 2 - i), text + i);
		}
		if (!known_name(text + name, n)) {
			int line, col;

			position(text, i, &line, &col);
			return dberr_at(e, DB_EDATA, file, line, col,
			                "template: unknown placeholder {{%.*s}}", (int)n, text + name);
		}
		if (mark == '#' || mark == '^') {
			if (nopen == TPL_MAX_DEPTH)
				return fail_at(e, file, text, i, "sections nested too deep");
			open[nopen++] = name;
		} else if (mark == '/') {
			size_t o;

			if (nopen == 0)
				return fail_at(e, file, text, i, "{{/...}} closes no section");
			o = open[--nopen];
			if (strncmp(text + o, text + name, n) != 0 || text[o + n] != '}')
				return fail_at(e, file, text, i, "{{/...}} closes another section than "
				               "the last one opened");
		}
		i = end + 1;
	}
	if (nopen > 0)
		return fail_at(e, file, text, open[nopen - 1] - 3, "section {{#...}} is not closed");
	return 0;
}

/* A section tag ({{#x}}, {{^x}}, {{/x}}) alone on its line takes the line with it, so a
 * section of whole lines leaves no empty line behind: the newline after such a tag is
 * dropped here, once, when the template is parsed. */
static char *
strip_standalone(const char *s)
{
	struct buf b = BUF_INIT;
	size_t i = 0, n = strlen(s);

	while (i < n) {
		bool bol = i == 0 || s[i - 1] == '\n';
		const char *close;

		if (bol && s[i] == '{' && s[i + 1] == '{' && strchr("#^/", s[i + 2]) &&
		    (close = strstr(s + i, "}}")) != NULL && close[2] == '\n' &&
		    memchr(s + i, '\n', (size_t)(close - (s + i))) == NULL) {
			buf_append(&b, s + i, (size_t)(close + 2 - (s + i)));
			i = (size_t)(close + 3 - s);
			continue;
		}
		buf_putc(&b, s[i++]);
	}
	if (b.data == NULL)
		return xstrdup("");
	return buf_detach(&b);
}

/* The text with a byte-order mark and the CRs of CRLF dropped; a lone CR stays, to be
 * refused as a control character. Caller frees. */
static char *
normalise(const char *text, size_t len, size_t *outlen)
{
	struct buf b = BUF_INIT;
	size_t i = utf8_bom_len(text, len);

	for (; i < len; i++) {
		if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
			continue;
		buf_putc(&b, text[i]);
	}
	*outlen = b.len;
	return buf_detach(&b);
}

int
notify_tpl_parse(const char *file, const char *text, size_t len, struct notify_tpl **out,
                 struct dberr *e)
{
	size_t n, ok, eol;
	char *s = normalise(text, len, &n);
	struct notify_tpl *t;
	int rc;

	if ((ok = notify_msg_utf8_valid(s, n)) != n) {
		rc = fail_at(e, file, s, ok, "invalid UTF-8");
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		if (((unsigned char)s[i] < 0x20 && s[i] != '\n' && s[i] != '\t') || s[i] == 0x7f) {
			rc = fail_at(e, file, s, i, "control character (only TAB and line ends "
			             "are allowed)");
			goto fail;
		}
	}
	if (n < 9 || memcmp(s, "Subject: ", 9) != 0) {
		rc = fail_at(e, file, s, 0, "first line must be \"Subject: <subject text>\"");
		goto fail;
	}
	eol = 9 + strcspn(s + 9, "\n");
	if (strspn(s + 9, " \t") >= eol - 9) {
		rc = fail_at(e, file, s, 9, "empty subject");
		goto fail;
	}
	if (eol + 1 >= n || s[eol + 1] != '\n') {
		rc = dberr_at(e, DB_EDATA, file, 2, 1, "template: second line must be empty, "
		              "the body follows it");
		goto fail;
	}
	if ((rc = check_placeholders(file, s, 9, eol, e)) < 0 ||
	    (rc = check_placeholders(file, s, eol + 2, n, e)) < 0)
		goto fail;
	t = xcalloc(1, sizeof(*t));
	t->kind = xstrdup("");
	t->subject = xstrndup(s + 9, eol - 9);
	{
		char *body = xstrndup(s + eol + 2, n - eol - 2);

		t->body = strip_standalone(body);
		free(body);
	}
	free(s);
	*out = t;
	return 0;
fail:
	free(s);
	return rc;
}

static int
valid_kind(const char *k, size_t n)
{
	if (n == 0 || n > KIND_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = k[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

int
notify_tpl_load(const char *dir, const char *kind, struct notify_tpl **out, struct dberr *e)
{
	char *path = NULL, *text = NULL;
	struct notify_tpl *t;
	size_t len;
	int rc;

	if (!valid_kind(kind, strlen(kind)))
		return dberr_set(e, DB_EDATA, "template kind \"%.*s\": want [a-z0-9_-]+", KIND_MAX,
		                 kind);
	path = xasprintf("%s/%s.txt", dir, kind);
	if ((rc = file_read(path, TPL_MAX_BYTES, &text, &len, e)) < 0)
		goto fail;
	if ((rc = notify_tpl_parse(path, text, len, &t, e)) < 0)
		goto fail;
	free(t->kind);
	t->kind = xstrdup(kind);
	*out = t;
	rc = 0;
fail:
	free(text);
	free(path);
	return rc;
}

const char *
notify_tpl_kind(const struct notify_tpl *t)
{
	return t->kind;
}

void
notify_tpl_free(struct notify_tpl *t)
{
	if (t == NULL)
		return;
	free(t->kind);
	free(t->subject);
	free(t->body);
	free(t);
}

/* Appends a value; in a one-line context, each line break or control character becomes
 * one space (CRLF counts as one line break). */
static void
put_value(struct buf *b, const char *v, int one_line)
{
	for (; *v; v++) {
		unsigned char c = (unsigned char)*v;

		if (one_line && (c < 0x20 || c == 0x7f)) {
			if (c == '\r' && v[1] == '\n')
				v++;
			buf_putc(b, ' ');
		} else {
			buf_putc(b, (char)c);
		}
	}
}

/* The end of the section whose name (n bytes) starts at name: where its matching
 * "{{/name}}" begins, sections of the same name nested inside counted. Known good. */
static const char *
section_end(const char *after, const char *name, size_t n)
{
	int depth = 1;

	for (const char *p = strstr(after, "{{"); p; p = strstr(p + 2, "{{")) {
		if ((p[2] == '#' || p[2] == '^') && strncmp(p + 3, name, n) == 0 && p[3 + n] == '}')
			depth++;
		else if (p[2] == '/' && strncmp(p + 3, name, n) == 0 && p[3 + n] == '}' &&
		         --depth == 0)
			return p;
	}
	return after + strlen(after);
}

/* Renders s[0, len): the template text is known good (checked at parse), so every "{{"
 * opens a known name and every section is closed. */
static int
expand(struct buf *b, const char *s, size_t len, const char *(*lookup)(const char *, void *),
       void *arg, int one_line)
{
	const char *end = s + len;

	while (s < end) {
		const char *open = strstr(s, "{{"), *close, *v;
		char name[NAME_MAX_ + 1], mark;
		size_t n;
		int rc;

		if (open == NULL || open >= end) {
			buf_append(b, s, (size_t)(end - s));
			break;
		}
		buf_append(b, s, (size_t)(open - s));
		close = strstr(open + 2, "}}");
		mark = open[2];
		if (mark == '#' || mark == '^' || mark == '/')
			open++;
		n = (size_t)(close - open - 2);
		memcpy(name, open + 2, n);
		name[n] = '\0';
		s = close + 2;
		if (mark == '/')
			continue; /* the end of a section that was shown */
		v = lookup(name, arg);
		if (v != NULL) {
			size_t vl = strlen(v);

			if (notify_msg_utf8_valid(v, vl) != vl)
				return DB_EDATA;
		}
		if (mark == '#' || mark == '^') {
			const char *stop = section_end(s, name, n);
			bool shown = (v != NULL && *v != '\0') == (mark == '#');

			if (shown && (rc = expand(b, s, (size_t)(stop - s), lookup, arg, one_line)) < 0)
				return rc;
			s = strstr(stop, "}}") + 2;
			continue;
		}
		if (v != NULL)
			put_value(b, v, one_line);
	}
	return 0;
}

int
notify_tpl_render(const struct notify_tpl *t, const char *(*lookup)(const char *name, void *arg),
                  void *arg, char **subject, char **body)
{
	struct buf sb = BUF_INIT, bb = BUF_INIT;
	int rc;

	if ((rc = expand(&sb, t->subject, strlen(t->subject), lookup, arg, 1)) < 0 ||
	    (rc = expand(&bb, t->body, strlen(t->body), lookup, arg, 0)) < 0)
		goto fail;
	*subject = buf_detach(&sb);
	*body = buf_detach(&bb);
	return 0;
fail:
	buf_release(&bb);
	buf_release(&sb);
	return rc;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
notify_tpl_files_free(struct notify_tpl_file *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].kind);
		free(v[i].text);
	}
	free(v);
}

int
notify_tpl_read_dir(const char *dir, struct notify_tpl_file **out, size_t *nout,
                    struct dberr *e)
{
	struct notify_tpl_file *v = NULL;
	char **names = NULL;
	size_t n = 0, cap = 0, nv = 0;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if ((d = opendir(dir)) == NULL) {
		rc = -errno;
		return dberr_at(e, rc, dir, 0, 0, "cannot read template folder: %s",
		                strerror(-rc));
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.' || len < 5 || strcmp(de->d_name + len - 4, ".txt") != 0)
			continue;
		names = xgrow(names, &cap, n + 1, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_names);
	if (n > 0)
		v = xcalloc(n, sizeof(*v));
	for (size_t i = 0; i < n && rc == 0; i++) {
		size_t klen = strlen(names[i]) - 4;
		struct notify_tpl *t;
		char *path = xasprintf("%s/%s", dir, names[i]), *text = NULL;
		size_t len = 0;

		names[i][klen] = '\0';
		if (!valid_kind(names[i], klen))
			rc = dberr_at(e, DB_EDATA, dir, 0, 0, "template file \"%s.txt\": the name "
			              "must be a kind of [a-z0-9_-]", names[i]);
		else if ((rc = file_read(path, TPL_MAX_BYTES, &text, &len, e)) == 0 &&
		         (rc = notify_tpl_parse(path, text, len, &t, e)) == 0) {
			/* the bytes, not the parse: what is kept is what the bureau wrote */
			notify_tpl_free(t);
			v[nv++] = (struct notify_tpl_file){xstrdup(names[i]), text, len};
			text = NULL;
		}
		free(text);
		free(path);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (rc != 0) {
		notify_tpl_files_free(v, nv);
		return rc;
	}
	*out = v;
	*nout = nv;
	return 0;
}

int
notify_tpl_check_dir(const char *dir, struct dberr *e)
{
	struct notify_tpl_file *v = NULL;
	size_t n = 0;
	int rc = notify_tpl_read_dir(dir, &v, &n, e);

	notify_tpl_files_free(v, n);
	return rc;
}
