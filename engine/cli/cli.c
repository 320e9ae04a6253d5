/*
 * cli.c - what every command shares: option parsing, and opening the configuration, the
 * store or the engine the way the command's flags say.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "engine/cli/cli_int.h"
#include "notifiers/message.h"

/* Whether the command's row documents the option: the help, the man page and the
 * completion are made from the row, so an option missing there would be invisible. */
static bool
documented(const struct cli *c, const char *name)
{
	if (c->cmd == NULL)
		return true;
	for (const struct cli_optdoc *d = c->cmd->opts; d && d->name; d++)
		if (strcmp(d->name, name) == 0)
			return true;
	return false;
}

int
cli_parse(struct cli *c, const struct cli_opt *opts, const char **pos, int maxpos, int *npos)
{
	int n = 0;

	for (const struct cli_opt *p = opts; p && p->name; p++)
		if (!documented(c, p->name))
			return dberr_set(&c->err, DB_ESOFTWARE, "option --%s of `%s` is not "
			                 "documented in engine/cli/commands.c", p->name, c->name);

	/* Text is UTF-8 at the door: a name typed in a GBK terminal would otherwise sit in the
	 * append-only audit log for ever and break its JSON export. */
	for (int i = 0; i < c->argc; i++) {
		size_t len = strlen(c->argv[i]), ok = notify_msg_utf8_valid(c->argv[i], len);

		if (ok != len)
			return dberr_set(&c->err, DB_EDATA, "argument %d ('%.*s…') is not UTF-8 text "
			                 "(byte %zu): set the terminal or SSH client to UTF-8 and type "
			                 "it again", i + 1, (int)ok, c->argv[i], ok + 1);
		/* and holds no control character but line breaks and tabs, as a plan's values:
		 * a name or reason reaches official notices, reports and terminals (an escape
		 * sequence, a carriage return), and stays in the log for ever. C1 controls
		 * (U+0080..U+009F, C2 80..C2 9F) too: some terminals act on them. */
		for (size_t k = 0; k < len; k++) {
			unsigned char b = (unsigned char)c->argv[i][k];
			bool c1 = b == 0xC2 && k + 1 < len && (unsigned char)c->argv[i][k + 1] < 0xA0;

			if ((b < 0x20 && b != '\n' && b != '\t') || b == 0x7F || c1)
				return dberr_set(&c->err, DB_EDATA, "argument %d ('%.*s…') holds a "
				                 "control character (byte %zu, 0x%02X%s): type it again "
				                 "without it", i + 1, (int)k, c->argv[i], k + 1, b,
				                 c1 ? " 0x80-0x9F" : "");
		}
	}

	for (int i = 0; i < c->argc; i++) {
		const char *a = c->argv[i];
		const struct cli_opt *o = NULL;
		const char *eq;
		size_t len;

		if (strcmp(a, "--") == 0) {
			for (i++; i < c->argc; i++) {
				if (n >= maxpos)
					return cli_usage(c, "unexpected argument '%s'", c->argv[i]);
				pos[n++] = c->argv[i];
			}
			break;
		}
		if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
			if (n >= maxpos)
				return cli_usage(c, "unexpected argument '%s'", a);
			pos[n++] = a;
			continue;
		}
		eq = strchr(a, '=');
		len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		for (const struct cli_opt *p = opts; p && p->name; p++)
			if (strlen(p->name) == len && strncmp(p->name, a + 2, len) == 0)
				o = p;
		if (o == NULL)
			return cli_usage(c, "unknown option '%.*s'", (int)len + 2, a);
		if (o->flag != NULL) {
			if (eq)
				return cli_usage(c, "option '--%s' takes no value", o->name);
			*o->flag = true;
		} else if (eq) {
			*o->val = eq + 1;
		} else if (i + 1 < c->argc) {
			*o->val = c->argv[++i];
		} else {
			return cli_usage(c, "option '--%s' needs a value", o->name);
		}
	}
	if (npos)
		*npos = n;
	return 0;
}

int
cli_take_all(struct cli *c, const char *name, struct cli_vals *out)
{
	size_t len = strlen(name);
	int k = 0;

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
	    (rc = store_open(c->env->db, c->flags & CLI_WRITE ? 0 : STORE_RDONLY, &c->store,
	                     &c->err)) != 0)
		return rc;
	*out = c->store;
	return 0;
}
