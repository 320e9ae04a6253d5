#include <stdio.h>
#include <string.h>

#include "engine/cli.h"

int
cli_parse(const struct cli *c, const struct cli_opt *opts, const char **pos, int maxpos,
          int *npos, bool *help, struct dberr *e)
{
	int n = 0;

	for (int i = 0; i < c->argc; i++) {
		const char *a = c->argv[i];
		const struct cli_opt *o = NULL;
		const char *eq;
		size_t len;

		if (strcmp(a, "--") == 0) {
			for (i++; i < c->argc; i++) {
				if (n >= maxpos)
					return dberr_set(e, DB_EUSAGE, "unexpected argument '%s'",
					                 c->argv[i]);
				pos[n++] = c->argv[i];
			}
			break;
		}
		if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
			if (n >= maxpos)
				return dberr_set(e, DB_EUSAGE, "unexpected argument '%s'", a);
			pos[n++] = a;
			continue;
		}
		if ((strcmp(a, "--help") == 0) && help != NULL) {
			*help = true;
			continue;
		}
		eq = strchr(a, '=');
		len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		for (const struct cli_opt *p = opts; p && p->name; p++)
			if (strlen(p->name) == len && strncmp(p->name, a + 2, len) == 0)
				o = p;
		if (o == NULL)
			return dberr_set(e, DB_EUSAGE, "unknown option '%.*s'", (int)len + 2, a);
		if (o->flag != NULL) {
			if (eq)
				return dberr_set(e, DB_EUSAGE, "option '--%s' takes no value", o->name);
			*o->flag = true;
		} else if (eq) {
			*o->val = eq + 1;
		} else if (i + 1 < c->argc) {
			*o->val = c->argv[++i];
		} else {
			return dberr_set(e, DB_EUSAGE, "option '--%s' needs a value", o->name);
		}
	}
	if (npos)
		*npos = n;
	return 0;
}

int
cli_fail(const struct dberr *e)
{
	dberr_print(e, stderr);
	return dberr_exit_status(e->code ? e->code : DB_ESOFTWARE);
}

int
cli_usage_error(const struct cli *c, const struct dberr *e)
{
	fprintf(stderr, "dabiao %s: %s\nusage: %s\n", c->name, e->msg, cli_usage(c->name));
	return 64;
}

int
cli_one_arg(const struct cli *c, const char *what, const char **out)
{
	struct dberr e;
	int npos;

	dberr_clear(&e);
	if (cli_parse(c, NULL, out, 1, &npos, NULL, &e) != 0)
		return cli_usage_error(c, &e);
	if (npos != 1) {
		dberr_set(&e, DB_EUSAGE, "give %s", what);
		return cli_usage_error(c, &e);
	}
	return 0;
}
