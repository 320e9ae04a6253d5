/*
 * cmd_backup.c - `dabiao backup DIR`: a consistent, compacted hot copy of the store.
 */
#include <stdio.h>

#include "engine/cli/cli.h"

int
cmd_backup(struct cli *c)
{
	const char *pos[1];
	struct store *s;
	int rc;

	if ((rc = cli_one_arg(c, "the folder to copy the store into", pos)) != 0)
		return rc;
	/* A read-only handle: the copy is one consistent snapshot while `run` goes on
	 * writing (LMDB readers never block the writer). */
	if ((rc = cli_store(c, &s)) != 0 || (rc = store_backup(s, pos[0], &c->err)) != 0)
		return rc;
	printf("copied %s to %s: the database (compacted), the outbox and the store folder's "
	       "other files (its signing key); to restore, stop dabiao and put the copy in the "
	       "store's place (deploy/README.md)\n", c->env->db, pos[0]);
	return 0;
}
