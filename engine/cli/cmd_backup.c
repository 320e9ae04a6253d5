/*
 * cmd_backup.c - `dabiao backup DIR`: a consistent, compacted hot copy of the store.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/hmap.h"
#include "base/xalloc.h"
#include "engine/cli/cli.h"
#include "engine/notice/notice.h"

/* The .eml names of the notices a store holds, as the transport names their files. */
struct eml_names {
	struct hmap at;       /* keys are v's strings */
	char **v;             /* owned */
	size_t n, cap;
};

static int
name_cb(const struct store_notice *n, void *arg)
{
	struct eml_names *m = arg;

	m->v = xgrow(m->v, &m->cap, m->n + 1, sizeof(*m->v));
	m->v[m->n] = notice_eml_name(n->key, n->scheduled);
	hmap_put(&m->at, m->v[m->n++], 0);
	return 0;
}

static int
names_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	return store_notice_each(txn, name_cb, arg, e);
}

/* The files are copied after the database's snapshot (store/backup.c says why), so the
 * copy's outbox may hold the file of a notice queued after the snapshot: a file that no
 * record of the copy names, which `audit verify` rightly takes for a planted one. It is
 * taken out of the copy; the copy's due entry queues the notice again and delivering it
 * writes the same name and bytes. The copy is read without a lock.mdb, which it must not
 * hold. Returns how many files were taken out in *dropped. */
static int
drop_unrecorded(const char *dir, size_t *dropped, struct dberr *e)
{
	struct eml_names m = {HMAP_INIT, NULL, 0, 0};
	char *outdir = xasprintf("%s/outbox", dir), *path;
	struct store *copy = NULL;
	struct dirent *de;
	DIR *d = NULL;
	int rc;

	*dropped = 0;
	if ((rc = store_open(dir, STORE_RDONLY | STORE_NOLOCK, &copy, e)) != 0 ||
	    (rc = store_read(copy, names_txn, &m, e)) != 0)
		goto out;
	if ((d = opendir(outdir)) == NULL) {
		rc = errno == ENOENT ? 0 : dberr_set(e, -errno, "backup: cannot list %s: %s",
		                                     outdir, strerror(errno));
		goto out;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.' || len < 5 || strcmp(de->d_name + len - 4, ".eml") != 0 ||
		    hmap_get(&m.at, de->d_name, NULL))
			continue;
		path = xasprintf("%s/%s", outdir, de->d_name);
		if (unlink(path) != 0)
			rc = dberr_set(e, -errno, "backup: cannot remove %s: %s", path,
			               strerror(errno));
		else
			++*dropped;
		free(path);
	}
out:
	if (d != NULL)
		closedir(d);
	store_close(copy);
	for (size_t i = 0; i < m.n; i++)
		free(m.v[i]);
	free(m.v);
	hmap_release(&m.at);
	free(outdir);
	return rc;
}

int
cmd_backup(struct cli *c)
{
	const char *pos[1];
	struct store *s;
	size_t dropped;
	int rc;

	if ((rc = cli_one_arg(c, "the folder to copy the store into", pos)) != 0)
		return rc;
	/* A read-only handle: the copy is one consistent snapshot while `run` goes on
	 * writing (LMDB readers never block the writer). */
	if ((rc = cli_store(c, &s)) != 0 || (rc = store_backup(s, pos[0], &c->err)) != 0 ||
	    (rc = drop_unrecorded(pos[0], &dropped, &c->err)) != 0)
		return rc;
	printf("copied %s to %s: the database (compacted), the outbox and the store folder's "
	       "other files (its signing key); to restore, stop dabiao and put the copy in the "
	       "store's place (deploy/README.md)\n", c->env->db, pos[0]);
	if (dropped > 0)
		printf("note: %zu .eml file%s of notices queued after the database's snapshot %s "
		       "left out; the copy queues and writes %s again\n", dropped,
		       dropped == 1 ? "" : "s", dropped == 1 ? "was" : "were",
		       dropped == 1 ? "it" : "them");
	return 0;
}
