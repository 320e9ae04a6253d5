/*
 * cmd_web.c - `dabiao web` serves the store on the web (engine/web/, docs/web.md), and
 * `dabiao user` keeps its accounts. Both are thin: the web module does the work.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include "engine/cli/cli.h"
#include "engine/report/report.h"
#include "engine/web/web.h"

int
cmd_web(struct cli *c)
{
	const char *listen = NULL, *banner_login = NULL;
	struct cli_opt opts[] = {{"listen", &listen, NULL}, {"demo-login", &banner_login, NULL},
	                         {NULL, NULL, NULL}};
	struct web_opts o = {0};
	const struct config *cfg;
	struct engine *en;
	char *banner = NULL;
	int rc;

	if ((rc = cli_parse(c, opts, NULL, 0, NULL)) != 0 || (rc = cli_config(c, &cfg)) != 0 ||
	    (rc = cli_audit_key_ready(c, cfg)) != 0 || (rc = cli_engine(c, &en)) != 0)
		return rc;
	o.listen = listen ? listen : engine_config(en)->web_listen;
	/* quickstart.sh names the demo account so the line under the URL says how to log in */
	if (banner_login)
		banner = xasprintf("demo officer login: %s (Ctrl-C stops the server)", banner_login);
	o.banner = banner;
	rc = web_serve(en, &o, &c->err);
	free(banner);
	return rc;
}

/* The longest password taken, in bytes (a passphrase of 340 Chinese characters): a longer
 * first line is refused naming the bound, never cut (review13f C7: from its 1,100th byte on
 * a line was dropped without a word, so the password set was not the file's). */
#define PASSWORD_MAX 1024
/* What is read of standard input at most: the bound, a byte order mark, CR, LF. */
#define PASSWORD_READ (PASSWORD_MAX + 6)

/* The first line of standard input, up to PASSWORD_READ bytes (a longer one is not read
 * to its end: it is refused anyway), into *data (caller frees), its length in *len. */
static void
stdin_line(char **data, size_t *len)
{
	int ch;

	*data = xmalloc(PASSWORD_READ + 1);
	*len = 0;
	while (*len < PASSWORD_READ && (ch = getchar()) != EOF && ch != '\n')
		(*data)[(*len)++] = (char)ch;
	(*data)[*len] = '\0';
}

/* A password from a file's first line (never from the command line, where ps shows it),
 * or from standard input with "-": a FIFO or a device named as the file is refused at once
 * (file_read), never waited for. The line is the password the web's login form will be
 * sent, so what a Windows editor adds is taken off — a UTF-8 byte order mark (Notepad) and
 * the CR of a CRLF (review13f C7: the BOM became part of the password, and the officer
 * could not log in) — and what no form can send is refused (64), naming it: a line over
 * PASSWORD_MAX bytes, a NUL byte, text that is not UTF-8 (a GBK or UTF-16 file). */
static int
read_password(struct cli *c, const char *path, char **out)
{
	char *data = NULL, *line;
	size_t n, len;
	int rc = 0;

	if (strcmp(path, "-") == 0) {
		stdin_line(&data, &len);
	} else if ((rc = file_read(path, (size_t)PASSWORD_READ * 64, &data, &len,
	                           &c->err)) != 0) {
		if (rc == DB_ENOINPUT) {
			dberr_clear(&c->err);
			return dberr_set(&c->err, DB_ENOINPUT, "--password-file %s: not a regular file "
			                 "(to pipe a password in, give --password-file - and write it "
			                 "to standard input)", path);
		}
		return rc;
	}
	line = data + utf8_bom_len(data, len);
	len -= (size_t)(line - data);
	for (n = 0; n < len && line[n] != '\n'; n++)
		;
	if (n > 0 && line[n - 1] == '\r')
		n--;
	if (n == 0)
		rc = dberr_set(&c->err, DB_EDATA, "%s: the first line holds no password", path);
	else if (n > PASSWORD_MAX)
		rc = dberr_set(&c->err, DB_EUSAGE, "%s: the password on its first line is longer "
		               "than %d bytes: give a shorter one", path, PASSWORD_MAX);
	else if (memchr(line, '\0', n) != NULL)
		rc = dberr_set(&c->err, DB_EUSAGE, "%s: the first line holds a NUL byte (a UTF-16 "
		               "\"Unicode\" file?): save the password as UTF-8 text", path);
	else if (utf8_valid(line, n) != n)
		rc = dberr_set(&c->err, DB_EUSAGE, "%s: the first line is not UTF-8 text (a GBK or "
		               "UTF-16 file?): save the password as UTF-8", path);
	else
		*out = xstrndup(line, n);
	explicit_bzero(data, len + (size_t)(line - data));
	free(data);
	return rc;
}

/* `user list`: one row per account, by login, through the one writer (docs/output.md names
 * the fields). */
static const char *const user_columns[] = {"login", "role", "subject", "name", "state",
                                           "token", "failures", "locked_until", "created_at"};
#define USER_TABLE_COLS 6 /* the text table: login .. token */

struct user_rows {
	struct engine *en;
	struct report_table t;
};

static void
add_time(struct user_rows *u, int64_t when)
{
	char s[40];

	if (when == 0) {
		report_add_null(&u->t, "-");
		return;
	}
	tz_format_rfc3339(engine_tz(u->en), when, s);
	report_add_str(&u->t, s);
}

static int
list_cb(const struct store_account *a, void *arg)
{
	struct user_rows *u = arg;

	report_add_str(&u->t, a->login);
	report_add_str(&u->t, a->role);
	report_add_str(&u->t, a->subject);
	report_add_str(&u->t, a->name);
	/* a lock the IT officer is phoned about must show: `user passwd` lifts it */
	report_add_str(&u->t, a->disabled                                 ? "disabled"
	                      : a->locked_until > engine_wall_clock() ? "locked"
	                                                               : "active");
	report_add_bool(&u->t, a->token_hash[0] != '\0');
	report_add_num(&u->t, a->failures, 0);
	add_time(u, a->locked_until);
	add_time(u, a->created_at);
	return 0;
}

static int
user_list(struct cli *c, const char *format)
{
	struct user_rows u = {0};
	enum report_format fmt;
	int rc;

	/* a listing reads: on a store it may not write (a copy on read-only media, a
	 * read-only mount) it lists as tasks and status do, not 74 (review 13e, E7) */
	c->flags &= ~CLI_WRITE;
	if ((rc = cli_format(c, format, CLI_FMT_TABLES, &fmt)) != 0 ||
	    (rc = cli_engine(c, &u.en)) != 0)
		return rc;
	report_table_init(&u.t, "", "users", user_columns,
	                  sizeof(user_columns) / sizeof(user_columns[0]));
	report_table_keys(&u.t, "users", user_columns);
	for (size_t i = USER_TABLE_COLS; i < u.t.ncols; i++)
		report_table_colflags(&u.t, i, REPORT_COL_WIDE);
	if ((rc = web_user_list(u.en, list_cb, &u, &c->err)) == 0)
		rc = report_write(&u.t, 1, fmt, NULL, &c->err);
	report_table_release(&u.t);
	return rc;
}

/* The enabled accounts other than login that carry name: "liming (leader), ..." */
struct namesake {
	const char *login, *name;
	struct buf list;
};

static int
namesake_cb(const struct store_account *a, void *arg)
{
	struct namesake *n = arg;

	if (!a->disabled && a->name != NULL && strcmp(a->name, n->name) == 0 &&
	    strcmp(a->login, n->login) != 0)
		buf_printf(&n->list, "%s%s (%s)", n->list.len ? ", " : "", a->login, a->role);
	return 0;
}

/* A name two people share names neither where a person is named (`decide --by`, review
 * 10f F11): said when the second is added, so the bureau can tell them apart now. */
static void
warn_namesakes(struct engine *en, const char *login, const char *name)
{
	struct namesake n = {login, name, BUF_INIT};
	struct dberr ignored;

	dberr_clear(&ignored);
	if (name != NULL && *name != '\0' && web_user_list(en, namesake_cb, &n, &ignored) == 0 &&
	    n.list.len > 0)
		fprintf(stderr, "dabiao: warning: account %s is named %s like %s: `decide --by %s` "
		        "names none of them (give the login), and lists show the name alone\n", login,
		        name, buf_str(&n.list), name);
	buf_release(&n.list);
}

int
cmd_user(struct cli *c)
{
	const char *role = NULL, *subject = NULL, *name = NULL, *pwfile = NULL, *format = NULL;
	bool enable = false;
	const char *pos[2];
	struct cli_opt opts[] = {{"role", &role, NULL},          {"subject", &subject, NULL},
	                         {"name", &name, NULL},          {"password-file", &pwfile, NULL},
	                         {"enable", NULL, &enable},      {"format", &format, NULL},
	                         {NULL, NULL, NULL}};
	struct engine *en;
	char *pw = NULL, *token = NULL;
	size_t ended = 0;
	bool had_token = false;
	int npos, rc;

	if ((rc = cli_parse(c, opts, pos, 2, &npos)) != 0)
		return rc;
	if (npos < 1)
		return cli_usage(c, "give add, list, disable, passwd or token");
	if (strcmp(pos[0], "list") == 0) {
		if (npos != 1)
			return cli_usage(c, "list takes no LOGIN");
		return user_list(c, format ? format : "table");
	}
	if (format != NULL)
		return cli_usage(c, "--format is for user list");
	if (npos != 2)
		return cli_usage(c, "give the LOGIN after %s", pos[0]);
	if (strcmp(pos[0], "add") == 0) {
		if (role == NULL || pwfile == NULL)
			return cli_usage(c, "user add needs --role and --password-file");
		if ((rc = read_password(c, pwfile, &pw)) != 0 || (rc = cli_engine(c, &en)) != 0)
			goto out;
		if ((rc = web_user_add(en, pos[1], role, subject, name, pw, &c->err)) == 0) {
			printf("account %s added (role %s%s%s)\n", pos[1], role, subject ? ", " : "",
			       subject ? subject : "");
			warn_namesakes(en, pos[1], name);
		}
	} else if (strcmp(pos[0], "passwd") == 0) {
		if (pwfile == NULL)
			return cli_usage(c, "user passwd needs --password-file");
		if ((rc = read_password(c, pwfile, &pw)) != 0 || (rc = cli_engine(c, &en)) != 0)
			goto out;
		if ((rc = web_user_passwd(en, pos[1], pw, &ended, &had_token, &c->err)) == 0)
			/* no "lock lifted": the account is never locked, and an address locked out of
			 * it waits its 15 minutes whatever the password (review 11d, W15) */
			printf("account %s: password changed, %zu session%s ended%s; a client "
			       "address locked out of it after failed logins stays locked until its "
			       "15 minutes pass\n", pos[1], ended, ended == 1 ? "" : "s",
			       had_token ? ", API token void (dabiao user token for a new one)" : "");
	} else if (strcmp(pos[0], "disable") == 0) {
		if ((rc = cli_engine(c, &en)) != 0)
			return rc;
		if ((rc = web_user_disable(en, pos[1], !enable, &ended, &had_token, &c->err)) == 0 &&
		    enable)
			printf("account %s enabled\n", pos[1]);
		else if (rc == 0)
			printf("account %s disabled, %zu session%s ended%s\n", pos[1], ended,
			       ended == 1 ? "" : "s",
			       had_token ? ", API token void (dabiao user token for a new one)" : "");
	} else if (strcmp(pos[0], "token") == 0) {
		if ((rc = cli_engine(c, &en)) != 0)
			return rc;
		if ((rc = web_user_token(en, pos[1], &token, &c->err)) == 0)
			printf("%s\n", token);
	} else {
		return cli_usage(c, "unknown user command '%s'", pos[0]);
	}
out:
	if (pw) {
		explicit_bzero(pw, strlen(pw));
		free(pw);
	}
	free(token);
	return rc;
}
