/*
 * cmd_clock.c - `dabiao clock`: the store's clock mode, its now and its zone, as
 * "name: value" lines or, through the one writer, one JSON object (docs/output.md): mode,
 * now (RFC 3339 with offset), now_unix (seconds), zone.
 */
#include <stdio.h>

#include "engine/cli/cli.h"
#include "engine/report/report.h"

int
cmd_clock(struct cli *c)
{
	static const char *const columns[] = {"mode", "now", "now_unix", "zone"};
	const char *format = "table";
	struct cli_opt opts[] = {{"format", &format, NULL}, {NULL, NULL, NULL}};
	struct report_table t;
	enum report_format fmt;
	struct engine *en;
	char now[40];
	int rc;

	if ((rc = cli_parse(c, opts, NULL, 0, NULL)) != 0 ||
	    (rc = report_format_parse(format, REPORT_FMT_MASK(REPORT_FMT_TABLE) |
	                              REPORT_FMT_MASK(REPORT_FMT_JSON), &fmt, &c->err)) != 0 ||
	    (rc = cli_engine(c, &en)) != 0)
		return rc;
	tz_format_rfc3339(engine_tz(en), engine_now(en), now);
	report_table_init(&t, "", "clock", columns, 4);
	report_table_keys(&t, "clock", columns);
	report_table_colflags(&t, 2, REPORT_COL_WIDE);
	t.record = true;
	report_add_str(&t, engine_clock_mode(en) == STORE_CLOCK_VIRTUAL ? "virtual" : "real");
	report_add_str(&t, now);
	report_add_num(&t, (double)engine_now(en), 0);
	report_add_str(&t, tz_name(engine_tz(en)));
	rc = report_write(&t, 1, fmt, NULL, &c->err);
	report_table_release(&t);
	return rc;
}
