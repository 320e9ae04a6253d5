/*
 * cli.c - what every command shares: option parsing, and opening the configuration, the
 * store or the engine the way the command's flags say.
 */
/* nftw() is X/Open; realpath() and readlink() are POSIX */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/strset.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include "engine/cli/cli_int.h"
#include "notifiers/message.h"

/* The command's row of the option, or NULL. */
static const struct cli_optdoc *
optdoc(const struct cli *c, const char *name)
{
	for (const struct cli_optdoc *d = c->cmd ? c->cmd->opts : NULL; d && d->name; d++)
		if (strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

/* Whether the command's row documents the option: the help, the man page and the
 * completion are made from the row, so an option missing there would be invisible. */
static bool
documented(const struct cli *c, const char *name)
{
	return c->cmd == NULL || optdoc(c, name) != NULL;
}

size_t
cli_text_max(const struct cli_optdoc *o)
{
	if (o == NULL || o->arg == NULL)
		return 0;
	if (strcmp(o->arg, "WHO") == 0 || strcmp(o->arg, "NAME") == 0)
		return UTF8_LINE_MAX;
	if (strcmp(o->arg, "TEXT") == 0)
		return UTF8_PARA_MAX;
	return 0;
}

/* Text is UTF-8 at the door: a name typed in a GBK terminal would otherwise sit in the
 * append-only audit log for ever and break its JSON export. And it holds no control
 * character but line breaks and tabs, as a plan's values: a name or reason reaches official
 * notices, reports and terminals (an escape sequence, a carriage return), and stays in the
 * log for ever. C1 controls (U+0080..U+009F) too: some terminals act on them; and the
 * invisible characters that reorder or hide text (utf8_invisible_name), as the registry.
 * A text kept in the store (who, a name, a reason: cli_text_max) has a length of its own.
 * A wrong argument is a usage error (64), named by its option (`--by`) or as the command's
 * argument N; the message shows the text before the fault, never the fault itself. */
static int
arg_text(struct cli *c, const char *v, const char *opt, int npos)
{
	size_t len = strlen(v), ok = notify_msg_utf8_valid(v, len);
	size_t max = opt != NULL && opt[0] != '\0' ? cli_text_max(optdoc(c, opt)) : 0;
	char where[80], clip[UTF8_CLIP_BUF], why[160], *head;
	int rc = 0;

	if (opt != NULL && opt[0] == '\0')
		snprintf(where, sizeof(where), "an option");
	else if (opt != NULL)
		snprintf(where, sizeof(where), "--%s", opt);
	else
		snprintf(where, sizeof(where), "argument %d", npos);
	/* a variable that expanded to nothing names no task, file, record or text: a usage
	 * error naming the option or argument, here for every command and option at once,
	 * never "no task ''" (65), "cannot open" (66), every record without a task as the
	 * answer to `audit --task ''`, or a note of nothing kept (review 13e, E1, E2) */
	if (len == 0 && (opt == NULL || opt[0] != '\0'))
		return cli_usage(c, "%s is empty (a variable that expanded to nothing?)", where);
	for (size_t k = 0, n; k < ok && rc == 0; k += n) {
		uint32_t cp;
		const char *invisible;

		n = utf8_decode(v + k, ok - k, &cp);
		invisible = utf8_invisible_name(cp);
		if ((cp < 0x20 && cp != '\n' && cp != '\t') || (cp >= 0x7F && cp <= 0x9F) ||
		    invisible != NULL) {
			head = xstrndup(v, k);
			if (invisible != NULL)
				rc = cli_usage(c, "%s ('%s…') holds an invisible character (character "
				               "%zu, U+%04X %s): type it again without it", where,
				               utf8_clip(head, clip), utf8_count(v, k) + 1,
				               (unsigned)cp, invisible);
			else
				rc = cli_usage(c, "%s ('%s…') holds a control character (character "
				               "%zu, U+%04X): type it again without it", where,
				               utf8_clip(head, clip), utf8_count(v, k) + 1,
				               (unsigned)cp);
			free(head);
		}
	}
	if (rc == 0 && ok != len) {
		/* a file's name was made by whoever named the file (a county's GBK Windows, an
		 * unzipped mail attachment), not typed in this terminal (review 12c, L9) */
		bool path = (opt == NULL && c->cmd != NULL && c->cmd->file_args) ||
		            (opt != NULL && (strcmp(opt, "file") == 0 || strcmp(opt, "out") == 0));

		head = xstrndup(v, ok);
		rc = cli_usage(c, "%s ('%s…') is not UTF-8 text (byte %zu): %s", where,
		               utf8_clip(head, clip), ok + 1, path
		               ? "a file name made on a GBK (Chinese Windows) system or unpacked "
		                 "from an archive that kept its bytes; rename the file (e.g. `mv "
		                 "<its name> table.csv`, completed with Tab) and give that name"
		               : "set the terminal or SSH client to UTF-8 and type it again");
		free(head);
	}
	/* who acts and why are what the audit trail and the letters carry: a value of blanks
	 * only (spaces, U+3000) names nobody and gives no reason, as "" does (review 10e, m-B) */
	if (rc == 0 && opt != NULL && (strcmp(opt, "by") == 0 || strcmp(opt, "reason") == 0)) {
		size_t lead, end;

		utf8_trim_span(v, len, &lead, &end);
		if (lead == end)
			rc = cli_usage(c, "--%s is only blanks: %s", opt,
			               opt[0] == 'b' ? "name who acts" : "say why");
	}
	if (rc == 0 && max > 0 && utf8_too_long(v, max, why, sizeof(why)) != NULL)
		rc = cli_usage(c, "%s is %s: shorten it", where, why);
	return rc;
}

/* --out's value: "-" is standard output (as --password-file - is standard input), an
 * empty one names nothing (a variable that expanded to nothing), and a file inside the
 * store folder is refused before anything is read: replacing data.mdb, audit-key.pem or an
 * outbox file with a report loses the store (review 13d, F15, F22). */
static int
out_value(struct cli *c, const char **val)
{
	if (**val == '\0')
		return cli_usage(c, "--out names no file (an empty argument): give a file, or "
		                 "leave --out out for standard output");
	if (strcmp(*val, "-") == 0) {
		*val = NULL;
		return 0;
	}
	/* a folder that holds the store (--out /, --out ~) is a folder like any other, refused
	 * when it is opened as "cannot create /: Is a directory": it is not in the store, and
	 * saying so would send its reader looking for the wrong mistake (review 13e, E5) */
	if (cli_in_store(c, *val) == CLI_INSIDE_STORE)
		return dberr_set(&c->err, DB_ECANTCREAT, "--out %s is inside the store folder %s: "
		                 "writing there would replace the store's own files; give a file "
		                 "outside it", *val, c->env->db);
	return 0;
}

/* A text option's value (WHO, NAME, TEXT: cli_text_max) without the blanks around it
 * (spaces, tabs, the ideographic space U+3000 a Chinese input method types after a word),
 * trimmed in place in argv as registry cells and plan values are (utf8_trim): `--by
 * "张三　"` names 张三, not a person the audit trail and the letters would show with a
 * blank after the name (review 13d). Paths and ids are left as typed. */
static const char *
text_value(const struct cli *c, const char *opt, char *v)
{
	return cli_text_max(optdoc(c, opt)) > 0 ? utf8_trim(v) : v;
}

/* A several-line text (TEXT: a reason, a note) pasted from a Windows program or a web page
 * has CRLF line ends: each becomes the LF the rest of dabiao writes, in place in argv, so
 * the text is taken (review 13e, E9: "control character U+000D" refused a pasted reason)
 * and kept as one kind of line break. A carriage return alone is still refused: it is the
 * terminal's overwrite, not a line end. */
static char *
text_lines(const struct cli *c, const char *opt, char *v)
{
	char *to = v;

	if (cli_text_max(optdoc(c, opt)) != UTF8_PARA_MAX)
		return v;
	for (const char *from = v; *from != '\0'; from++)
		if (!(from[0] == '\r' && from[1] == '\n'))
			*to++ = *from;
	*to = '\0';
	return v;
}

/* The most options one command's cli_parse knows (the seen[] below). */
#define CLI_MAX_OPTS 64

int
cli_parse(struct cli *c, const struct cli_opt *opts, const char **pos, int maxpos, int *npos)
{
	/* An option given twice is refused, not "the last one wins": `--by A --by B` would
	 * drop a name from the audit trail without a word. The repeatable ones (simulate's
	 * --registry) are taken out by cli_take_all before this runs. */
	bool seen[CLI_MAX_OPTS] = {false};
	int n = 0, nopts = 0;

	for (const struct cli_opt *p = opts; p && p->name; p++, nopts++)
		if (!documented(c, p->name) || nopts >= CLI_MAX_OPTS)
			return dberr_set(&c->err, DB_ESOFTWARE, "option --%s of `%s` is not "
			                 "documented in engine/cli/commands.c (or past the %d "
			                 "options cli_parse holds)", p->name, c->name, CLI_MAX_OPTS);

	for (int i = 0; i < c->argc; i++) {
		const char *a = c->argv[i];
		const struct cli_opt *o = NULL;
		const char *eq;
		size_t len;

		int rc;

		if (strcmp(a, "--") == 0) {
			for (i++; i < c->argc; i++) {
				if ((rc = arg_text(c, c->argv[i], NULL, n + 1)) != 0)
					return rc;
				if (n >= maxpos)
					return cli_usage(c, "unexpected argument '%s'", c->argv[i]);
				pos[n++] = c->argv[i];
			}
			break;
		}
		if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
			if ((rc = arg_text(c, a, NULL, n + 1)) != 0)
				return rc;
			if (n >= maxpos)
				return cli_usage(c, "unexpected argument '%s'", a);
			pos[n++] = a;
			continue;
		}
		eq = strchr(a, '=');
		len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		{
			char *word = xstrndup(a, len + 2);

			rc = arg_text(c, word, "", 0);
			free(word);
			if (rc != 0)
				return rc;
		}
		for (const struct cli_opt *p = opts; p && p->name; p++)
			if (strlen(p->name) == len && strncmp(p->name, a + 2, len) == 0)
				o = p;
		if (o == NULL)
			return cli_usage(c, "unknown option '%.*s'", (int)len + 2, a);
		if (seen[o - opts])
			return cli_usage(c, "option '--%s' given twice: give it once", o->name);
		seen[o - opts] = true;
		if (o->flag != NULL) {
			if (eq)
				return cli_usage(c, "option '--%s' takes no value", o->name);
			*o->flag = true;
		} else if (eq) {
			if ((rc = arg_text(c, text_lines(c, o->name, (char *)eq + 1), o->name,
			                   0)) != 0)
				return rc;
			*o->val = text_value(c, o->name, (char *)eq + 1);
		} else if (i + 1 < c->argc) {
			if ((rc = arg_text(c, text_lines(c, o->name, c->argv[i + 1]), o->name,
			                   0)) != 0)
				return rc;
			*o->val = text_value(c, o->name, c->argv[++i]);
		} else {
			return cli_usage(c, "option '--%s' needs a value", o->name);
		}
	}
	for (const struct cli_opt *p = opts; p && p->name; p++) {
		int rc;

		if (p->val != NULL && *p->val != NULL && strcmp(p->name, "out") == 0 &&
		    (rc = out_value(c, p->val)) != 0)
			return rc;
	}
	if (npos)
		*npos = n;
	return 0;
}

int
cli_take_all(struct cli *c, const char *name, struct cli_vals *out)
{
	size_t len = strlen(name);
	int k = 0, rc;

	if (!documented(c, name))
		return dberr_set(&c->err, DB_ESOFTWARE, "option --%s of `%s` is not documented in "
		                 "engine/cli/commands.c", name, c->name);
	for (int i = 0; i < c->argc; i++) {
		const char *a = c->argv[i], *v = NULL;

		if (strcmp(a, "--") == 0) {
			while (i < c->argc)
				c->argv[k++] = c->argv[i++];
			break;
		}
		if (strncmp(a, "--", 2) != 0 || strncmp(a + 2, name, len) != 0 ||
		    (a[2 + len] != '\0' && a[2 + len] != '=')) {
			c->argv[k++] = c->argv[i];
			continue;
		}
		if (a[2 + len] == '=')
			v = a + 3 + len;
		else if (i + 1 < c->argc)
			v = c->argv[++i];
		else
			return cli_usage(c, "option '--%s' needs a value", name);
		if ((rc = arg_text(c, v, name, 0)) != 0)
			return rc;
		out->v = xgrow(out->v, &out->cap, out->n + 1, sizeof(*out->v));
		out->v[out->n++] = v;
	}
	c->argc = k;
	return 0;
}

int
cli_usage(struct cli *c, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = dberr_vset(&c->err, DB_EUSAGE, NULL, 0, 0, fmt, ap);
	va_end(ap);
	return rc;
}

int
cli_one_arg(struct cli *c, const char *what, const char **out)
{
	int npos, rc;

	if ((rc = cli_parse(c, NULL, out, 1, &npos)) != 0)
		return rc;
	if (npos != 1)
		return cli_usage(c, "give %s", what);
	return 0;
}

/* The path with every symbolic link and '..' followed as open() would follow them, or
 * NULL when that cannot be told. A path that does not exist yet is its folder's real path
 * and its last name (a new file, a new backup folder); a dangling link, what it names. */
static char *
real_path(const char *path, int depth)
{
	char *r, *dup, *slash, *parent, *base, *rp, link[PATH_MAX];
	struct stat st;
	ssize_t n;
	size_t len;

	if (*path == '\0' || depth > 40)
		return NULL;
	if ((r = realpath(path, NULL)) != NULL || errno != ENOENT)
		return r;
	dup = xstrdup(path);
	len = strlen(dup);
	while (len > 1 && dup[len - 1] == '/')
		dup[--len] = '\0';
	slash = strrchr(dup, '/');
	if (slash == NULL)
		parent = ".", base = dup;
	else if (slash == dup)
		parent = "/", base = dup + 1;
	else
		*slash = '\0', parent = dup, base = slash + 1;
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) &&
	    (n = readlink(path, link, sizeof(link) - 1)) > 0) {
		char *to;

		link[n] = '\0';
		to = link[0] == '/' ? xstrdup(link) : xasprintf("%s/%s", parent, link);
		r = real_path(to, depth + 1);
		free(to);
	} else if (strcmp(base, ".") != 0 && strcmp(base, "..") != 0 &&
	           (rp = real_path(parent, depth + 1)) != NULL) {
		r = xasprintf("%s%s%s", rp, strcmp(rp, "/") == 0 ? "" : "/", base);
		free(rp);
	}
	free(dup);
	return r;
}

/* Whether a starts with the folder b: b itself or a path under it. */
static bool
under(const char *a, const char *b)
{
	size_t n = strlen(b);

	return strncmp(a, b, n) == 0 && (a[n] == '\0' || a[n] == '/' || strcmp(b, "/") == 0);
}

enum cli_store_place
cli_in_store(const struct cli *c, const char *path)
{
	char *db = real_path(c->env->db, 0), *p = real_path(path, 0);
	enum cli_store_place where = CLI_OUTSIDE_STORE;

	if (db != NULL && p != NULL)
		where = under(p, db) ? CLI_INSIDE_STORE
		      : under(db, p) ? CLI_HOLDS_STORE : CLI_OUTSIDE_STORE;
	free(db);
	free(p);
	return where;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void
cli_rm_rf(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

enum log_level
cli_log_level(unsigned flags, int verbosity)
{
	int at = (flags & CLI_SERVICE ? LOG_LEVEL_INFO : LOG_LEVEL_WARN) + verbosity;

	if (verbosity < 0)
		return LOG_LEVEL_QUIET;
	return at > LOG_LEVEL_DEBUG ? LOG_LEVEL_DEBUG : (enum log_level)at;
}

int
cli_format(struct cli *c, const char *s, unsigned allowed, enum report_format *out)
{
	return report_format_parse(s, allowed, out, &c->err);
}

int
cli_config(struct cli *c, const struct config **out)
{
	struct config cfg;
	int rc;

	if (c->config == NULL) {
		if ((rc = config_load(c->env->config, &cfg, &c->err)) != 0)
			return rc;
		c->config = xmalloc(sizeof(cfg));
		*c->config = cfg;
	}
	*out = c->config;
	return 0;
}

int
cli_engine(struct cli *c, struct engine **out)
{
	struct engine_opts o = {0};
	const struct config *cfg;
	int rc;

	if (c->en == NULL) {
		if ((rc = cli_config(c, &cfg)) != 0)
			return rc;
		o.db = c->env->db;
		/* only `init` creates a store: a mistyped --db is an error, never a new store */
		o.store_flags = c->flags & CLI_WRITE ? 0 : STORE_RDONLY;
		o.config = cfg;
		o.actor = c->env->actor;
		o.log_level = c->log_level;
		if ((rc = engine_open(&o, &c->en, &c->err)) != 0)
			return rc;
		if ((c->flags & CLI_VIRTUAL) && engine_clock_mode(c->en) != STORE_CLOCK_VIRTUAL)
			return dberr_set(&c->err, DB_EUSAGE, "%s needs a virtual-clock store; %s runs "
			                 "on the real clock (dabiao run)", c->name, c->env->db);
		if ((c->flags & CLI_REAL) && engine_clock_mode(c->en) != STORE_CLOCK_REAL)
			return dberr_set(&c->err, DB_EUSAGE, "%s needs a real-clock store; %s has a "
			                 "virtual clock (use dabiao advance)", c->name, c->env->db);
	}
	*out = c->en;
	return 0;
}

int
cli_store(struct cli *c, struct store **out)
{
	int rc;

	if (c->store == NULL &&
	    (rc = store_open(c->env->db, (c->flags & CLI_WRITE ? 0 : STORE_RDONLY) |
	                     store_log_flags(c->log_level), &c->store, &c->err)) != 0)
		return rc;
	*out = c->store;
	return 0;
}

/* The most values a "one of: ..." list names; a longer one ends with how many there are
 * and where to see them all (a registry of 1,000 enterprises is no message). */
#define CLI_ONE_OF_MAX 20

/* "unknown --state 'x' (one of: a, b, c)": the allowed values, cut with the message. */
static int
not_one_of(struct cli *c, const char *opt, const char *v, const struct strset *allowed,
           const char *none)
{
	struct buf b = BUF_INIT;
	size_t lead, end, len = strlen(v);
	int rc;

	if (allowed->n == 0)
		buf_puts(&b, none);
	for (size_t i = 0; i < allowed->n && i < CLI_ONE_OF_MAX; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", allowed->v[i]);
	if (allowed->n > CLI_ONE_OF_MAX)
		buf_printf(&b, ", … %zu in all: dabiao help --values %s", allowed->n, opt);
	/* 'changji-city　' reads as changji-city: say what the eye does not see (the
	 * ideographic space an input method types after a word) */
	utf8_trim_span(v, len, &lead, &end);
	rc = cli_usage(c, "--%s: unknown %s '%s' (%s%s)%s", opt, opt, v,
	               allowed->n ? "one of: " : "", buf_str(&b),
	               lead > 0 || end < len ? "; it has blanks around it (a space, a tab or the "
	                                       "ideographic space U+3000): type it without them"
	                                     : "");
	buf_release(&b);
	return rc;
}

static int
add_subject_id(const struct store_subject *s, void *arg)
{
	strset_add(arg, s->id);
	return 0;
}

int
cli_subject_known(struct store_txn *txn, const char *id, bool *found, struct dberr *e)
{
	static const enum store_subject_kind kinds[] = {STORE_JURISDICTION, STORE_ENTERPRISE,
	                                                STORE_OFFICE};
	struct store_subject s;
	int rc;

	*found = false;
	for (size_t k = 0; !*found && k < 3; k++) {
		rc = store_subject_get(txn, kinds[k], id, &s, e);
		if (rc == 0)
			store_subject_release(&s), *found = true;
		else if (rc != DB_ENOTFOUND)
			return rc;
		dberr_clear(e);
	}
	return 0;
}

struct filter_txn {
	const struct cli_filters *f;
	struct strset jurisdictions;
	bool jurisdiction_found, subject_found;
};

static int
filter_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct filter_txn *a = arg;
	struct store_subject s;
	int rc;

	if (a->f->jurisdiction != NULL) {
		rc = store_subject_get(txn, STORE_JURISDICTION, a->f->jurisdiction, &s, e);
		if (rc == 0)
			store_subject_release(&s), a->jurisdiction_found = true;
		else if (rc != DB_ENOTFOUND)
			return rc;
		dberr_clear(e);
		if (!a->jurisdiction_found &&
		    (rc = store_subject_each(txn, STORE_JURISDICTION, add_subject_id,
		                             &a->jurisdictions, e)) != 0)
			return rc;
	}
	if (a->f->subject != NULL)
		return cli_subject_known(txn, a->f->subject, &a->subject_found, e);
	return 0;
}

/* A milestone id that only earlier versions had (removed, or renamed away): its tasks
 * keep it, so the filter finds them (review 10d, m-6). Found among the tasks' own
 * milestone fields, read only when the current versions do not have the id. */
struct old_milestone {
	const char *id;
	bool found;
};

static int
old_milestone_cb(const struct store_task *t, void *arg)
{
	struct old_milestone *o = arg;

	o->found = strcmp(t->milestone, o->id) == 0;
	return o->found ? 1 : 0; /* found: stop the scan */
}

static int
old_milestone_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	int rc = store_task_each(txn, "", old_milestone_cb, arg, e);

	return rc == 1 ? 0 : rc;
}

static bool
in_set(const struct strset *set, const char *s)
{
	return strset_has(set, s);
}

/* What --plan, --milestone and --state may name: every loaded plan's id, and the
 * milestones, lifecycle states and roles of plan (NULL: of every plan), in the plans' order.
 * Returns whether plan (when given) is loaded. */
static bool
plan_values(struct engine *en, const char *plan, struct strset *plans,
            struct strset *milestones, struct strset *states, struct strset *roles)
{
	bool found = false;

	for (size_t i = 0; i < engine_nplans(en); i++) {
		const struct plan *p = engine_plan_at(en, i)->plan;

		strset_add(plans, p->id);
		if (plan != NULL && strcmp(plan, p->id) != 0)
			continue;
		found = true;
		for (size_t m = 0; m < p->nmilestones; m++)
			strset_add(milestones, p->milestones[m].id);
		for (size_t r = 0; r < p->nroles; r++)
			strset_add(roles, p->roles[r].id);
		for (size_t l = 0; l < p->nlifecycles; l++)
			for (size_t k = 0; k < p->lifecycles[l].nstates; k++)
				strset_add(states, p->lifecycles[l].states[k]);
	}
	/* the states the engine gives a task of any lifecycle: a removed milestone's, a late
	 * subject's excused periods (review 10e, m-C) */
	strset_add(states, PLAN_STATE_CANCELLED);
	strset_add(states, PLAN_STATE_NOT_APPLICABLE);
	return found;
}

int
cli_check_filters(struct cli *c, struct engine *en, const struct cli_filters *f)
{
	struct strset plans = STRSET_INIT, milestones = STRSET_INIT, states = STRSET_INIT;
	struct strset roles = STRSET_INIT;
	struct filter_txn a = {f, STRSET_INIT, false, false};
	bool plan_found, milestone_found, state_found, role_found;
	int rc = 0;

	plan_found = plan_values(en, f->plan, &plans, &milestones, &states, &roles) ||
	             f->plan == NULL;
	milestone_found = in_set(&milestones, f->milestone);
	state_found = in_set(&states, f->state);
	role_found = in_set(&roles, f->role);
	if (f->milestone != NULL && !milestone_found && plan_found) {
		struct old_milestone old = {f->milestone, false};

		rc = store_read(engine_store(en), old_milestone_txn, &old, &c->err);
		milestone_found = old.found;
	}
	if (rc != 0)
		goto out; /* the store's error, in c->err */
	if (f->plan != NULL && !plan_found)
		rc = not_one_of(c, "plan", f->plan, &plans, "none is loaded: dabiao load PLAN");
	else if (f->milestone != NULL && !milestone_found)
		rc = not_one_of(c, "milestone", f->milestone, &milestones, "no plan is loaded");
	else if (f->state != NULL && !state_found)
		rc = not_one_of(c, "state", f->state, &states, "no plan is loaded");
	else if (f->role != NULL && !role_found)
		rc = not_one_of(c, "role", f->role, &roles, "no plan is loaded");
	else if ((f->jurisdiction || f->subject) &&
	         (rc = store_read(engine_store(en), filter_txn, &a, &c->err)) == 0) {
		if (f->jurisdiction != NULL && !a.jurisdiction_found)
			rc = not_one_of(c, "jurisdiction", f->jurisdiction, &a.jurisdictions,
			                "the registry has none: dabiao import REGISTRY");
		else if (f->subject != NULL && !a.subject_found)
			rc = cli_usage(c, "--subject: no jurisdiction, enterprise or office '%s' in "
			               "the registry", f->subject);
	}
out:
	strset_free(&plans);
	strset_free(&milestones);
	strset_free(&states);
	strset_free(&roles);
	strset_free(&a.jurisdictions);
	return rc;
}

static int
jurisdictions_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	return store_subject_each(txn, STORE_JURISDICTION, add_subject_id, arg, e);
}

int
cli_values(struct cli *c, struct engine *en, const char *kind, struct strset *out)
{
	struct strset plans = STRSET_INIT, milestones = STRSET_INIT, states = STRSET_INIT;
	struct strset roles = STRSET_INIT;
	static const char *const kinds[] = {"plan", "milestone", "state", "role", "jurisdiction",
	                                    "month"};
	size_t which = 0;
	int rc = 0;

	while (which < sizeof(kinds) / sizeof(kinds[0]) && strcmp(kind, kinds[which]) != 0)
		which++;
	if (which == sizeof(kinds) / sizeof(kinds[0]))
		return cli_usage(c, "--values takes plan, milestone, state, role, jurisdiction or "
		                 "month, not '%s'", kind);
	if (en == NULL)
		return 0;
	if (strcmp(kind, "jurisdiction") == 0)
		return store_read(engine_store(en), jurisdictions_txn, out, &c->err);
	if (strcmp(kind, "month") == 0) {
		/* the month of the store's now and the eleven before it, newest first: what
		 * a report is asked for */
		int32_t day;
		int sec, y, m, d;
		char month[16];

		tz_utc_to_local(engine_tz(en), engine_now(en), &day, &sec, NULL);
		cal_civil_from_days(day, &y, &m, &d);
		for (int k = 0; k < 12; k++, m = m > 1 ? m - 1 : (y--, 12)) {
			snprintf(month, sizeof(month), "%04d-%02d", y, m);
			strset_add(out, month);
		}
		return 0;
	}
	plan_values(en, NULL, &plans, &milestones, &states, &roles);
	if (strcmp(kind, "plan") == 0)
		for (size_t i = 0; i < plans.n; i++)
			strset_add(out, plans.v[i]);
	else if (strcmp(kind, "milestone") == 0)
		for (size_t i = 0; i < milestones.n; i++)
			strset_add(out, milestones.v[i]);
	else if (strcmp(kind, "state") == 0)
		for (size_t i = 0; i < states.n; i++)
			strset_add(out, states.v[i]);
	else
		for (size_t i = 0; i < roles.n; i++)
			strset_add(out, roles.v[i]);
	strset_free(&plans);
	strset_free(&milestones);
	strset_free(&states);
	strset_free(&roles);
	return rc;
}
