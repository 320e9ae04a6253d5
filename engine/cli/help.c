/*
 * help.c - `dabiao help`: everything a person or a shell learns about dabiao, rendered from
 * the command table (commands.c) in three forms: text for the terminal, the man page (roff,
 * man-pages(7) conventions) and a bash completion script. One source, so the three agree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/strset.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include "engine/cli/cli_int.h"

#define WIDTH 80

static const char *const group_titles[CLI_G_N] = {
	[CLI_G_SETUP] = "Setting up a store",
	[CLI_G_TIME] = "Time and delivery",
	[CLI_G_WORK] = "Daily work",
	[CLI_G_RECORDS] = "Records and reports",
	[CLI_G_HELP] = "Help",
};

/* The order a newcomer meets the commands in, group by group; a command not named here is
 * listed after these, by name. */
static const char *const group_order[CLI_G_N] = {
	[CLI_G_SETUP] = "init check load import",
	[CLI_G_TIME] = "run deliver advance simulate clock",
	[CLI_G_WORK] = "status tasks submit event extend flag import-annex outbox",
	[CLI_G_RECORDS] = "report calendar audit backup",
	[CLI_G_HELP] = "help",
};

/* The position of cmd in its group's list: a word of group_order, else after them. */
static size_t
rank(const struct cli_command *cmd)
{
	const char *order = group_order[cmd->group], *p = order;
	size_t len = strlen(cmd->name);

	while ((p = strstr(p, cmd->name)) != NULL) {
		if ((p == order || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\0'))
			return (size_t)(p - order);
		p += len;
	}
	return strlen(order) + 1 + (size_t)(cmd - cli_commands);
}

/* Every command in reading order: group by group, then by rank. out has cli_ncommands. */
static void
reading_order(const struct cli_command **out)
{
	for (size_t i = 0; i < cli_ncommands; i++)
		out[i] = &cli_commands[i];
	for (size_t i = 1; i < cli_ncommands; i++)
		for (size_t j = i; j > 0; j--) {
			const struct cli_command *a = out[j - 1], *b = out[j];

			if (a->group < b->group || (a->group == b->group && rank(a) <= rank(b)))
				break;
			out[j - 1] = b;
			out[j] = a;
		}
}

/* ---- text ---- */

/* Writes text filled to WIDTH columns, every line indented by indent spaces, the first
 * line starting with lead instead (NULL: none) when lead fits in the indent. "\n\n"
 * separates paragraphs, a single '\n' forces a line break. */
static void
wrap(FILE *f, const char *lead, const char *text, size_t indent)
{
	size_t col = 0;     /* columns written on this line */
	bool words = false; /* a word is on this line already */
	const char *p = text;

	if (lead != NULL) {
		fputs(lead, f);
		col = strlen(lead);
		if (col >= indent) {
			fputc('\n', f);
			col = 0;
		}
	}
	while (*p) {
		const char *w = p;
		size_t len, wd;
		char *word;

		if (*p == '\n' || *p == ' ') {
			if (*p == '\n') {
				fputc('\n', f);
				col = 0;
				words = false;
			}
			p++;
			continue;
		}
		while (*p && *p != ' ' && *p != '\n')
			p++;
		len = (size_t)(p - w);
		word = xstrndup(w, len);
		wd = utf8_width(word);
		free(word);
		if (words && col + 1 + wd > WIDTH) {
			fputc('\n', f);
			col = 0;
			words = false;
		}
		if (!words) {
			fprintf(f, "%*s", (int)(indent - col), "");
			col = indent;
		} else {
			fputc(' ', f);
			col++;
		}
		fwrite(w, 1, len, f);
		col += wd;
		words = true;
	}
	if (words || col > 0)
		fputc('\n', f);
}

/* "--name ARG" (or "-v, --verbose" for the global flags that have a letter). */
static void
opt_label(const struct cli_optdoc *o, struct buf *b)
{
	if (strcmp(o->name, "verbose") == 0 || strcmp(o->name, "quiet") == 0 ||
	    strcmp(o->name, "help") == 0)
		buf_printf(b, "-%c, ", o->name[0]);
	buf_printf(b, "--%s", o->name);
	if (o->arg)
		buf_printf(b, " %s", o->arg);
}

/* An option's sentence, and the most characters its text may have (cli_text_max). */
static void
opt_text(const struct cli_optdoc *o, struct buf *t)
{
	size_t max = cli_text_max(o);
	size_t len = strlen(o->text);

	buf_puts(t, o->text);
	/* the bound is a sentence of its own, after the text's full stop (many texts are
	 * phrases without one: "submitter's name At most 200" read as one, review 13e E11) */
	if (max > 0)
		buf_printf(t, "%s At most %zu characters.",
		           len > 0 && o->text[len - 1] == '.' ? "" : ".", max);
}

static void
text_options(FILE *f, const struct cli_optdoc *opts)
{
	struct buf b = BUF_INIT, t = BUF_INIT;

	for (const struct cli_optdoc *o = opts; o->name; o++) {
		buf_reset(&b);
		buf_reset(&t);
		opt_label(o, &b);
		fprintf(f, "  %s\n", buf_str(&b));
		opt_text(o, &t);
		if (o->def)
			buf_printf(&t, " (default: %s)", o->def);
		wrap(f, NULL, buf_str(&t), 6);
	}
	buf_release(&b);
	buf_release(&t);
}

/* The exit statuses every command of this kind shares, and its own, merged by status. */
struct exit_row {
	int status;
	char text[512];
};

static size_t
exit_rows(const struct cli_command *cmd, struct exit_row *rows, size_t max)
{
	struct exit_row common[8];
	size_t n = 0, nc = 0;
	bool store = (cmd->flags & (CLI_ENGINE | CLI_STORE)) != 0;

	common[nc++] = (struct exit_row){0, "success"};
	common[nc++] = (struct exit_row){64, "a wrong option or argument"};
	if (store)
		common[nc++] = (struct exit_row){66, "no store at DIR (dabiao init makes one)"};
	if (store)
		common[nc++] = (struct exit_row){74, "the store cannot be read or written, or is "
		                                     "damaged (restore it from a backup)"};
	if (store)
		common[nc++] = (struct exit_row){77, "no permission to the store, or to a file "
		                                     "the command reads or writes"};
	if (cmd->flags & CLI_ENGINE)
		common[nc++] = (struct exit_row){78, "the configuration is not valid"};
	for (size_t i = 0; i < nc && n < max; i++)
		rows[n++] = common[i];
	for (const struct cli_exitdoc *x = cmd->exits; x && x->status; x++) {
		size_t k = 0;

		while (k < n && rows[k].status != x->status)
			k++;
		if (k < n) {
			size_t l = strlen(rows[k].text);
			snprintf(rows[k].text + l, sizeof(rows[k].text) - l, "; %s", x->text);
			continue;
		}
		if (n == max)
			break;
		rows[n].status = x->status;
		snprintf(rows[n].text, sizeof(rows[n].text), "%s", x->text);
		n++;
	}
	/* by status, as a reader looks them up */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && rows[j - 1].status > rows[j].status; j--) {
			struct exit_row tmp = rows[j];
			rows[j] = rows[j - 1];
			rows[j - 1] = tmp;
		}
	return n;
}

static void
usage_lines(FILE *f, const char *usage, const char *first, const char *rest)
{
	const char *p = usage;

	for (int i = 0; *p; i++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		fprintf(f, "%s%.*s\n", i ? rest : first, (int)len, p);
		p += len + (nl ? 1 : 0);
	}
}

void
cli_help_command(const struct cli_command *cmd, FILE *f)
{
	struct exit_row rows[16];
	size_t n = exit_rows(cmd, rows, 16);

	usage_lines(f, cmd->usage, "usage: ", "       ");
	fputc('\n', f);
	wrap(f, NULL, cmd->text, 0);
	if (cmd->opts && cmd->opts[0].name) {
		fprintf(f, "\nOptions:\n");
		text_options(f, cmd->opts);
	}
	fprintf(f, "\nExit status:\n");
	for (size_t i = 0; i < n; i++) {
		char lead[16];

		snprintf(lead, sizeof(lead), "  %d", rows[i].status);
		wrap(f, lead, rows[i].text, 7);
	}
	if (cmd->example) {
		fprintf(f, "\nExample:\n");
		usage_lines(f, cmd->example, "  ", "  ");
	}
	fprintf(f, "\nGlobal options (--db DIR, --config FILE, -v, -q) go before the command: "
	           "dabiao help.\n");
}

/* The usage lines of every command, group by group: README's synopsis is this block. */
static void
synopsis(FILE *f, const char *indent)
{
	const struct cli_command **cmds = xcalloc(cli_ncommands, sizeof(*cmds));

	reading_order(cmds);
	for (size_t i = 0; i < cli_ncommands; i++)
		usage_lines(f, cmds[i]->usage, indent, indent);
	free(cmds);
}

void
cli_print_usage(FILE *f)
{
	const struct cli_command **cmds;
	int width = 0;

	fprintf(f, "usage: dabiao [--db DIR] [--config FILE] [-v|-q] COMMAND [ARGS]\n"
	           "       dabiao help [COMMAND [SUBCOMMAND]]\n\n");
	wrap(f, NULL, "dabiao keeps a regulator's compliance plan on schedule: it turns a plan (YAML) "
	        "into tasks, reminds each owner before every deadline, records the lapse the "
	        "moment a deadline passes, escalates, and keeps a tamper-evident audit trail. "
	        "Times are RFC 3339 (2017-07-03T10:00:00+08:00); without an offset they are in "
	        "the store's zone.", 0);
	cmds = xcalloc(cli_ncommands, sizeof(*cmds));
	reading_order(cmds);
	/* the summaries in one column, two blanks after the longest name (calendar-update and
	 * import-annex ran into theirs, and a script reading the list missed them) */
	for (size_t i = 0; i < cli_ncommands; i++)
		if ((int)strlen(cmds[i]->name) > width)
			width = (int)strlen(cmds[i]->name);
	for (size_t i = 0; i < cli_ncommands; i++) {
		if (i == 0 || cmds[i]->group != cmds[i - 1]->group)
			fprintf(f, "\n%s:\n", group_titles[cmds[i]->group]);
		fprintf(f, "  %-*s  %s\n", width, cmds[i]->name, cmds[i]->summary);
	}
	free(cmds);
	fprintf(f, "\nGlobal options (before the command):\n");
	text_options(f, cli_global_opts);
	fprintf(f, "\nEnvironment:\n");
	for (const struct cli_optdoc *o = cli_environment; o->name; o++) {
		fprintf(f, "  %s\n", o->name);
		wrap(f, NULL, o->text, 6);
	}
	fprintf(f, "\nExit status (sysexits.h):\n");
	wrap(f, "  0", "success", 7);
	for (const struct cli_exitdoc *x = cli_exit_statuses; x->status; x++) {
		char lead[16];

		snprintf(lead, sizeof(lead), "  %d", x->status);
		wrap(f, lead, x->text, 7);
	}
	fprintf(f, "\nSynopsis:\n");
	synopsis(f, "    ");
	fprintf(f, "\n`dabiao help COMMAND` (or `dabiao COMMAND --help`) describes a command's "
	           "options,\ndefaults, exit statuses and an example; `man dabiao` has it all.\n");
}

/* ---- the man page ---- */

static void roff(FILE *f, const char *s);

/* Every command's usage lines in the SYNOPSIS: the command name bold. */
static void
synopsis_roff(FILE *f, const struct cli_command **cmds)
{
	for (size_t i = 0; i < cli_ncommands; i++) {
		roff(f, cmds[i]->usage);
		fputc('\n', f);
	}
}

/* Text for roff: a backslash as \e, every '-' as \- (so man's search and copy-paste see
 * ASCII hyphen-minus), `code` in bold, a line never starting with a control character. */
static void
roff(FILE *f, const char *s)
{
	bool bold = false, bol = true;

	for (; *s; s++) {
		if (bol && (*s == '.' || *s == '\''))
			fputs("\\&", f);
		bol = false;
		switch (*s) {
		case '\\':
			fputs("\\e", f);
			break;
		case '-':
			fputs("\\-", f);
			break;
		case '`':
			fputs(bold ? "\\fR" : "\\fB", f);
			bold = !bold;
			break;
		case '\n':
			fputc('\n', f);
			bol = true;
			break;
		default:
			fputc(*s, f);
		}
	}
	if (bold)
		fputs("\\fR", f);
}

/* Paragraphs ("\n\n") as .PP blocks, single breaks as .br. */
static void
roff_text(FILE *f, const char *text)
{
	const char *p = text;

	fputs(".PP\n", f);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, len);

		roff(f, line);
		fputc('\n', f);
		free(line);
		if (nl == NULL)
			break;
		p = nl + 1;
		if (*p == '\n') {
			fputs(".PP\n", f);
			p++;
		} else {
			fputs(".br\n", f);
		}
	}
}

static void
roff_lines(FILE *f, const char *lines)
{
	fputs(".PP\n.RS 4\n.nf\n", f);
	roff(f, lines);
	fputs("\n.fi\n.RE\n", f);
}

static void
roff_options(FILE *f, const struct cli_optdoc *opts)
{
	for (const struct cli_optdoc *o = opts; o->name; o++) {
		struct buf b = BUF_INIT;

		fputs(".TP\n", f);
		opt_label(o, &b);
		fputs("\\fB", f);
		roff(f, buf_str(&b));
		fputs("\\fR\n", f);
		buf_reset(&b);
		opt_text(o, &b);
		roff(f, buf_str(&b));
		if (o->def) {
			fputs(" (default: ", f);
			roff(f, o->def);
			fputc(')', f);
		}
		fputc('\n', f);
		buf_release(&b);
	}
}

static void
roff_exit(FILE *f, int status, const char *text)
{
	fprintf(f, ".TP\n.B %d\n", status);
	roff(f, text);
	fputc('\n', f);
}

static void
man_page(FILE *f)
{
	const struct cli_command **cmds = xcalloc(cli_ncommands, sizeof(*cmds));

	reading_order(cmds);
	fprintf(f, ".\\\" Generated by `dabiao help --man` from engine/cli/commands.c: do not edit.\n"
	           ".TH DABIAO 1 \"\" \"dabiao %s\" \"dabiao manual\"\n"
	           ".SH NAME\ndabiao \\- keeps a regulator's compliance plan on schedule\n"
	           ".SH SYNOPSIS\n.nf\n", DABIAO_VERSION);
	fputs("\\fBdabiao\\fR [\\fB\\-\\-db\\fR \\fIDIR\\fR] [\\fB\\-\\-config\\fR \\fIFILE\\fR] "
	      "[\\fB\\-v\\fR|\\fB\\-q\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]\n", f);
	synopsis_roff(f, cmds);
	fputs(".fi\n.SH DESCRIPTION\n", f);
	roff_text(f, "dabiao keeps a regulator's compliance plan on schedule. A plan (YAML, "
	             "docs/plan-format.md) says who owes what to whom, and by when; a registry "
	             "(docs/registry-format.md) names the jurisdictions, enterprises and offices "
	             "and their addresses. dabiao turns them into one task per milestone, subject "
	             "and period in a local store (LMDB), reminds each owner before every "
	             "deadline, records the lapse the moment a deadline passes, escalates, warns "
	             "jurisdictions that keep lapsing, and keeps a tamper-evident audit trail of "
	             "every change. Notices go out through an SMTP server or, when none is "
	             "configured, as .eml files in the store's outbox folder.\n\n"
	             "Times are RFC 3339 (2017-07-03T10:00:00+08:00); without an offset they are "
	             "in the store's zone. Errors in files name FILE:LINE:COLUMN, columns counted "
	             "in characters.");
	fputs(".SH GLOBAL OPTIONS\nThey come before the command.\n", f);
	roff_options(f, cli_global_opts);
	fputs(".SH COMMANDS\n", f);
	for (size_t i = 0; i < cli_ncommands; i++) {
		const struct cli_command *cmd = cmds[i];
		struct exit_row rows[16];
		size_t n;

		fprintf(f, ".SS \"dabiao %s\"\n", cmd->name);
		roff_lines(f, cmd->usage);
		roff_text(f, cmd->text);
		if (cmd->opts && cmd->opts[0].name) {
			fputs(".PP\nOptions:\n", f);
			roff_options(f, cmd->opts);
		}
		fputs(".PP\nExit status:\n.PD 0\n", f);
		n = exit_rows(cmd, rows, 16);
		for (size_t k = 0; k < n; k++)
			roff_exit(f, rows[k].status, rows[k].text);
		fputs(".PD\n", f);
		if (cmd->example) {
			fputs(".PP\nExample:\n", f);
			roff_lines(f, cmd->example);
		}
	}
	free(cmds);
	fputs(".SH ENVIRONMENT\n", f);
	for (const struct cli_optdoc *o = cli_environment; o->name; o++) {
		fprintf(f, ".TP\n.B %s\n", o->name);
		roff(f, o->text);
		fputc('\n', f);
	}
	fputs(".SH FILES\n.TP\n.I /etc/dabiao/dabiao.yaml\nthe configuration, when neither "
	      "\\-\\-config nor DABIAO_CONFIG names one (\\-\\-config /dev/null: none)\n.TP\n"
	      ".I DIR/data.mdb\nthe store (LMDB); "
	      "copy it only with \\fBdabiao backup\\fR\n.TP\n.I DIR/outbox/\nnotices as .eml "
	      "files, when no SMTP server is configured\n.TP\n"
	      ".I /usr/local/share/dabiao/calendars/\nthe shipped working-day calendars "
	      "(cn-mainland.yaml, cn-xinjiang.yaml) that a plan's calendar.use names, under the "
	      "install prefix; the source tree's workflows/calendars/ when not installed\n.TP\n"
	      ".I calendars_dir\na bureau's own calendar files (the configuration's "
	      "calendars_dir, e.g. /etc/dabiao/calendars/), searched before the shipped ones; "
	      "the folder must exist\n", f);
	fputs(".SH EXIT STATUS\nAs sysexits.h:\n", f);
	roff_exit(f, 0, "success");
	for (const struct cli_exitdoc *x = cli_exit_statuses; x->status; x++)
		roff_exit(f, x->status, x->text);
	fputs(".PP\nWhen standard output's reader goes away (dabiao tasks | head), dabiao ends "
	      "quietly by SIGPIPE, as standard tools do.\n", f);
	fputs(".SH SEE ALSO\nThe documentation beside the source: README.md, docs/plan-format.md, "
	      "docs/registry-format.md, docs/notices.md, docs/audit.md, docs/reports.md, "
	      "deploy/README.md (running it as a service, backup and restore).\n", f);
}

/* ---- the bash completion ---- */

/* The options whose values the store holds: the completion asks `help --values NAME`. */
static bool
store_valued(const struct cli_optdoc *o)
{
	static const char *const names[] = {"plan", "milestone", "state", "role",
	                                    "jurisdiction", "month", NULL};

	for (size_t i = 0; names[i] && strchr(o->arg, '|') == NULL; i++)
		if (strcmp(o->name, names[i]) == 0)
			return true;
	return false;
}

/* Values the completion offers after an option: "a|b|c" lists them; the store's for a
 * plan, milestone, state, jurisdiction or month (store_valued); paths for an argument that
 * names a file or a folder; nothing for free text. */
static void
complete_value(FILE *f, const struct cli_optdoc *o)
{
	const char *a = o->arg;

	if (store_valued(o)) {
		fprintf(f, "\t\t--%s) COMPREPLY=($(compgen -W \"$(_dabiao_values %s)\" -- "
		        "\"$cur\")); return ;;\n", o->name, o->name);
	} else if (strchr(a, '|') != NULL && strspn(a, "abcdefghijklmnopqrstuvwxyz0123456789|-") ==
	                                  strlen(a)) {
		fprintf(f, "\t\t--%s) COMPREPLY=($(compgen -W \"", o->name);
		for (const char *p = a; *p; p++)
			fputc(*p == '|' ? ' ' : *p, f);
		fputs("\" -- \"$cur\")); return ;;\n", f);
	} else if (strstr(a, "DIR") != NULL) {
		fprintf(f, "\t\t--%s) COMPREPLY=($(compgen -d -- \"$cur\")); return ;;\n", o->name);
	} else if (strstr(a, "FILE") || strstr(a, "PATH") || strstr(a, "REGISTRY") ||
	           strstr(a, ".yaml")) {
		fprintf(f, "\t\t--%s) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n", o->name);
	} else {
		fprintf(f, "\t\t--%s) return ;;\n", o->name);
	}
}

static void
completion(FILE *f)
{
	fputs("# bash completion for dabiao. Generated by `dabiao help --completion` from\n"
	      "# engine/cli/commands.c: do not edit. Installed as\n"
	      "# share/bash-completion/completions/dabiao; or: source this file.\n"
	      "# The values of --plan, --milestone, --state, --jurisdiction and --month come\n"
	      "# from the store the line names (--db, else $DABIAO_DB, else ./dabiao.db).\n"
	      "_dabiao_values()\n{\n"
	      "\t\"${COMP_WORDS[0]}\" ${db:+--db \"$db\"} help --values \"$1\" 2>/dev/null\n"
	      "}\n"
	      "_dabiao()\n{\n"
	      "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	      "\tlocal i cmd='' sub='' words='' files=0 db=''\n"
	      "\t# the command is the first word after the global options\n"
	      "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	      "\t\tcase ${COMP_WORDS[i]} in\n"
	      "\t\t--db) db=${COMP_WORDS[i+1]}; ((i++)) ;;\n"
	      "\t\t--config) ((i++)) ;;\n"
	      "\t\t-*) ;;\n"
	      "\t\t*) if [[ -z $cmd ]]; then cmd=${COMP_WORDS[i]}; elif [[ -z $sub ]]; then "
	      "sub=${COMP_WORDS[i]}; fi ;;\n"
	      "\t\tesac\n"
	      "\tdone\n"
	      "\tif [[ -z $cmd ]]; then\n"
	      "\t\tcase $prev in\n"
	      "\t\t--db) COMPREPLY=($(compgen -d -- \"$cur\")); return ;;\n"
	      "\t\t--config) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
	      "\t\tesac\n"
	      "\t\tCOMPREPLY=($(compgen -W \"", f);
	for (const struct cli_optdoc *o = cli_global_opts; o->name; o++)
		fprintf(f, "--%s ", o->name);
	fputs("-v -q -h", f);
	for (size_t i = 0; i < cli_ncommands; i++)
		fprintf(f, " %s", cli_commands[i].name);
	fputs("\" -- \"$cur\"))\n\t\treturn\n\tfi\n\tcase $cmd in\n", f);
	for (size_t i = 0; i < cli_ncommands; i++) {
		const struct cli_command *cmd = &cli_commands[i];
		bool values = false;

		fprintf(f, "\t%s)\n", cmd->name);
		for (const struct cli_optdoc *o = cmd->opts; o && o->name; o++)
			values |= o->arg != NULL;
		if (values) {
			fputs("\t\tcase $prev in\n", f);
			for (const struct cli_optdoc *o = cmd->opts; o->name; o++)
				if (o->arg)
					complete_value(f, o);
			fputs("\t\tesac\n", f);
		}
		fputs("\t\twords='--help", f);
		for (const struct cli_optdoc *o = cmd->opts; o && o->name; o++)
			fprintf(f, " --%s", o->name);
		fputs("'\n", f);
		if (strcmp(cmd->name, "help") == 0) {
			fputs("\t\t[[ -z $sub ]] && words+=' ", f);
			for (size_t k = 0; k < cli_ncommands; k++)
				fprintf(f, "%s%s", k ? " " : "", cli_commands[k].name);
			fputs("'\n", f);
		}
		if (cmd->subs)
			fprintf(f, "\t\t[[ -z $sub ]] && words+=' %s'\n", cmd->subs);
		if (cmd->file_args)
			fputs("\t\tfiles=1\n", f);
		fputs("\t\t;;\n", f);
	}
	fputs("\tesac\n"
	      "\tif [[ $cur == -* || $files == 0 ]]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
	      "\telse\n"
	      "\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n"
	      "\tfi\n"
	      "}\n"
	      "complete -o filenames -F _dabiao dabiao\n", f);
}

/* ---- the command ---- */

/* Whether word is one of cmd's subcommands (its space-separated subs). */
static bool
is_sub(const struct cli_command *cmd, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = cmd->subs; p && *p; p += strcspn(p, " "), p += *p == ' ')
		if (strncmp(p, word, n) == 0 && (p[n] == ' ' || p[n] == '\0') && n > 0)
			return true;
	return false;
}

/* `help --values KIND`: one value a line, for the completion. */
static int
print_values(struct cli *c, const char *kind)
{
	struct strset v = STRSET_INIT;
	const struct config *cfg;
	struct engine *en;
	int rc;

	/* a kind that names nothing is the mistake to tell, store or none (review13f C8: 66
	 * "no store" hid it) */
	if ((rc = cli_values(c, NULL, kind, &v)) != 0)
		return rc;
	/* the values are the store's own (its plans, its registry), and the completion asks
	 * for them on every Tab: a configuration that cannot be read (a dabiao.yaml being
	 * edited, a mistyped DABIAO_SMTP) holds nothing they depend on, so it is set aside
	 * rather than making help fail (78) and Tab offer nothing (review 13e, E7) */
	if (cli_config(c, &cfg) != 0) {
		dberr_clear(&c->err);
		c->config = xmalloc(sizeof(*c->config));
		config_defaults(c->config);
	}
	if ((rc = cli_engine(c, &en)) == 0 && (rc = cli_values(c, en, kind, &v)) == 0)
		for (size_t i = 0; i < v.n; i++)
			printf("%s\n", v.v[i]);
	strset_free(&v);
	return rc;
}

int
cmd_help(struct cli *c)
{
	bool man = false, comp = false;
	const char *values = NULL;
	struct cli_opt opts[] = {{"man", NULL, &man}, {"completion", NULL, &comp},
	                         {"values", &values, NULL}, {NULL, NULL, NULL}};
	const struct cli_command *cmd;
	const char *pos[2];
	int npos, rc;

	/* `help user add`, as people type after `git help`: a subcommand's options are in its
	 * command's help, so that is what it shows */
	if ((rc = cli_parse(c, opts, pos, 2, &npos)) != 0)
		return rc;
	if (man + comp + (values != NULL) + (npos > 0) > 1)
		return cli_usage(c, "give a COMMAND, --man, --completion or --values, not several");
	if (values != NULL)
		return print_values(c, values);
	if (man)
		man_page(stdout);
	else if (comp)
		completion(stdout);
	else if (npos == 0)
		cli_print_usage(stdout);
	else if ((cmd = cli_command_find(pos[0])) == NULL)
		return cli_usage(c, "unknown command '%s' (dabiao help lists them)", pos[0]);
	else if (npos == 2 && !is_sub(cmd, pos[1]))
		return cli_usage(c, "`%s` has no subcommand '%s'%s%s%s", cmd->name, pos[1],
		                 cmd->subs ? " (one of: " : "", cmd->subs ? cmd->subs : "",
		                 cmd->subs ? ")" : "");
	else
		cli_help_command(cmd, stdout);
	return 0;
}
