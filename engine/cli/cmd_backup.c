/*
 * cmd_backup.c - `dabiao backup DIR`: a consistent, compacted hot copy of the store.
 */
/* mkdtemp() is X/Open */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* Whether DIR can take the copy: new, or an empty folder (store_backup says the same, but
 * only after the snapshot's temporary was made). */
static int
dest_free(struct cli *c, const char *dir)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	bool empty = true;

	if (stat(dir, &st) != 0)
		return 0;
	if (!S_ISDIR(st.st_mode))
		return dberr_set(&c->err, DB_ECANTCREAT, "backup: %s exists and is not a folder",
		                 dir);
	if ((d = opendir(dir)) == NULL)
		return dberr_set(&c->err, DB_ECANTCREAT, "cannot open backup folder %s: %s", dir,
		                 strerror(errno));
	while (empty && (de = readdir(d)) != NULL)
		empty = strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0;
	closedir(d);
	return empty ? 0 : dberr_set(&c->err, DB_ECANTCREAT, "backup folder %s is not empty",
	                             dir);
}

/* The copy is made in a temporary folder beside DIR (".NAME.partial-XXXXXX") and renamed
 * to DIR only when whole: a backup that fails (a full disk, a size limit) leaves no half
 * copy that looks like a backup and makes the next run "not empty" (review 13d, F9). A DIR
 * inside the store folder is refused before anything is written: the copy would copy
 * itself, again and again, with the signing key, into the store (review 13d, F2). */
int
cmd_backup(struct cli *c)
{
	const char *pos[1];
	struct store *s;
	size_t dropped = 0, len;
	char *dup = NULL, *tmp = NULL, *slash;
	int rc;

	if ((rc = cli_one_arg(c, "the folder to copy the store into", pos)) != 0)
		return rc;
	switch (cli_in_store(c, pos[0])) {
	case CLI_INSIDE_STORE:
		return dberr_set(&c->err, DB_ECANTCREAT, "backup: %s is inside the store folder %s "
		                 "(or is that folder): the copy would copy itself; give a folder "
		                 "outside the store", pos[0], c->env->db);
	case CLI_HOLDS_STORE:
		return dberr_set(&c->err, DB_ECANTCREAT, "backup: %s holds the store folder %s: "
		                 "give a new or empty folder outside the store", pos[0], c->env->db);
	case CLI_OUTSIDE_STORE:
		break;
	}
	if ((rc = dest_free(c, pos[0])) != 0)
		return rc;
	dup = xstrdup(pos[0]);
	for (len = strlen(dup); len > 1 && dup[len - 1] == '/';)
		dup[--len] = '\0';
	slash = strrchr(dup, '/');
	if (slash == NULL)
		tmp = xasprintf(".%s.partial-XXXXXX", dup);
	else
		*slash = '\0', tmp = xasprintf("%s/.%s.partial-XXXXXX", dup, slash + 1);
	if (mkdtemp(tmp) == NULL) {
		rc = dberr_set(&c->err, DB_ECANTCREAT, "cannot create backup folder %s: %s", pos[0],
		               errno == ENOENT ? "the folder it would be made in does not exist "
		                                 "(make it first, or give another path)"
		                               : strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	/* A read-only handle: the copy is one consistent snapshot while `run` goes on
	 * writing (LMDB readers never block the writer). */
	if ((rc = cli_store(c, &s)) != 0 || (rc = store_backup(s, tmp, &c->err)) != 0 ||
	    (rc = drop_unrecorded(tmp, &dropped, &c->err)) != 0)
		goto out;
	/* over an empty folder too: rename(2) replaces an empty directory */
	if (rename(tmp, pos[0]) != 0) {
		rc = dberr_set(&c->err, DB_ECANTCREAT, "cannot create backup folder %s: %s", pos[0],
		               errno == ENOTEMPTY || errno == EEXIST ? "it is not empty (any more)"
		                                                     : strerror(errno));
		goto out;
	}
	printf("copied %s to %s: the database (compacted), the outbox and the store folder's "
	       "other files (its signing key); to restore, stop dabiao and put the copy in the "
	       "store's place (deploy/README.md)\n", c->env->db, pos[0]);
	if (dropped > 0)
		printf("note: %zu .eml file%s of notices queued after the database's snapshot %s "
		       "left out; the copy queues and writes %s again\n", dropped,
		       dropped == 1 ? "" : "s", dropped == 1 ? "was" : "were",
		       dropped == 1 ? "it" : "them");
out:
	if (rc != 0 && tmp != NULL)
		cli_rm_rf(tmp);
	free(tmp);
	free(dup);
	return rc;
}
