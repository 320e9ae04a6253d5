/*
 * cmd_deliver.c - `dabiao deliver`: deliver everything due once and exit (after `advance`
 * on a virtual store, or from cron on a store whose daemon is not running).
 */
#include <stdio.h>

#include "engine/cli/cli.h"

int
cmd_deliver(struct cli *c)
{
	struct engine *en;
	size_t sent = 0;
	int rc;

	if ((rc = cli_parse(c, NULL, NULL, 0, NULL)) != 0 || (rc = cli_engine(c, &en)) != 0)
		return rc;
	/* queued notices and retries whose time has come, claimed from the store: safe beside
	 * a running daemon, which claims its own */
	if ((rc = deliver_all(en, &sent, &c->err)) != 0)
		return rc;
	printf("delivered %zu notice%s%s\n", sent, sent == 1 ? "" : "s",
	       engine_config(en)->smtp ? "" : " (as .eml files: no SMTP server configured)");
	return 0;
}
