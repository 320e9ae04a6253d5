/*
 * cmd_clock.c - `dabiao clock`: the store's clock mode, its now and its zone.
 */
#include <stdio.h>

#include "engine/cli/cli.h"

int
cmd_clock(struct cli *c)
{
	struct engine *en;
	char now[40];
	int rc;

	if ((rc = cli_parse(c, NULL, NULL, 0, NULL)) != 0 || (rc = cli_engine(c, &en)) != 0)
		return rc;
	tz_format_rfc3339(engine_tz(en), engine_now(en), now);
	printf("mode: %s\nnow: %s\nzone: %s\n",
	       engine_clock_mode(en) == STORE_CLOCK_VIRTUAL ? "virtual" : "real", now,
	       tz_name(engine_tz(en)));
	return 0;
}
