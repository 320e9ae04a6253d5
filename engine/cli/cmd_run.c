/*
 * cmd_run.c - `dabiao run`: the daemon (engine/daemon/) on a real-clock store.
 */
#include "engine/cli/cli.h"

int
cmd_run(struct cli *c)
{
	const struct config *cfg;
	struct engine *en;
	int rc;

	if ((rc = cli_parse(c, NULL, NULL, 0, NULL)) != 0 || (rc = cli_config(c, &cfg)) != 0 ||
	    (rc = cli_audit_key_ready(c, cfg)) != 0 || (rc = cli_engine(c, &en)) != 0)
		return rc;
	return daemon_run(en, &c->err);
}
