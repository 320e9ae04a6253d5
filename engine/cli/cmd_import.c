/*
 * cmd_import.c - `dabiao import`: a registry of jurisdictions, enterprises and offices, and
 * the tasks new subjects need, in one transaction.
 */
#include <stdio.h>

#include "engine/cli/cli.h"

int
cmd_import(struct cli *c)
{
	const char *files[1];
	struct import_result res;
	struct engine *en;
	int rc;

	if ((rc = cli_one_arg(c, "one registry file", files)) != 0)
		return rc;
	if ((rc = cli_engine(c, &en)) != 0 ||
	    (rc = sched_import_registry(en, files[0], &res, &c->err)) != 0)
		return rc;
	printf("imported %zu jurisdictions, %zu enterprises, %zu offices from %s; "
	       "%zu tasks created\n", res.jurisdictions, res.enterprises, res.offices,
	       files[0], res.created);
	print_changes(&res.changes);
	return 0;
}
