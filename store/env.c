/*
 * env.c - the store's environment: opening and creating it, its schema version,
 * transactions with map growth, and hot backups.
 */
#define _GNU_SOURCE /* pthread_rwlockattr_setkind_np: a lock that lets a resize through */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/xalloc.h"
#include "store/store_int.h"

/* The map is address space, not disk (the file grows only with the pages in use; a
 * read-only shared mapping takes no memory until read): start large so growth is rare.
 * Growth aborts the transaction and runs it again, so a national registry's import
 * (1M enterprises: 13 GB of tasks in one transaction) redid its work at each doubling
 * from 1 GiB; 64 GiB holds a year of 3M enterprises' monthly tasks
 * (tests/bench/national.sh). */
#define STORE_MAPSIZE_DEFAULT ((size_t)64 << 30)
/* Each growth doubles the map, so this many cover any plausible store from even a tiny
 * test map; a transaction still full after them is writing without bound. */
#define STORE_MAX_GROWTH 24
/* MDB_MAP_RESIZED means another process grew the map between our looks; a few tries
 * are plenty unless something is growing it in a loop. */
#define STORE_MAX_RESIZED 8
/* read transactions begun again because commits landed while LMDB copied the meta page
 * (read_snapshot_whole): each try is microseconds, each commit an fsync */
#define STORE_MAX_TORN 10000

/* A new store's initial map: the caller's size rounded up to whole pages, or ours. */
static size_t
initial_mapsize(size_t want)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	if (want == 0)
		return STORE_MAPSIZE_DEFAULT;
	return (want + page - 1) / page * page;
}

/* The .eml outbox folder a store holds beside its files. */
static int
make_outbox(const char *dir, struct dberr *e)
{
	char *path = xasprintf("%s/outbox", dir);
	int rc = store_private_dir(path, e);

	free(path);
	return rc;
}

int
store_private_dir(const char *path, struct dberr *e)
{
	if (mkdir(path, 0700) != 0) {
		if (errno == EEXIST)
			return 0;
		return dberr_set(e, -errno, "cannot create folder %s: %s", path, strerror(errno));
	}
	/* mkdir's mode passes through the umask; the store's folders are 0700 whatever it is */
	if (chmod(path, 0700) != 0)
		return dberr_set(e, -errno, "cannot set the mode of %s: %s", path, strerror(errno));
	return 0;
}

/* 1 when dir has no entries (or does not exist), 0 when it has some, -errno. */
static int
folder_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int empty = 1;

	if (d == NULL)
		return errno == ENOENT ? 1 : -errno;
	while (empty && (de = readdir(d)) != NULL)
		empty = strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0;
	closedir(d);
	return empty;
}

/* A store is made only in a new or empty folder: never among someone else's files (a
 * mistyped --db, or `--db /`). */
static int
check_new_dir(const char *dir, struct dberr *e)
{
	int rc = folder_empty(dir);

	if (rc < 0)
		return dberr_set(e, DB_ECANTCREAT, "cannot create store %s: %s", dir, strerror(-rc));
	if (rc == 0)
		return dberr_set(e, DB_ECANTCREAT, "cannot create store %s: the folder is not "
		                 "empty and holds no store (data.mdb); name a new or empty folder",
		                 dir);
	return 0;
}

/* Finds whether dir holds an environment; creates the folder and outbox/ when asked. */
static int
prepare_dir(const char *dir, unsigned flags, bool *existed, struct dberr *e)
{
	char *path = xasprintf("%s/data.mdb", dir);
	struct stat st;
	int rc = 0;

	*existed = stat(path, &st) == 0;
	if (*existed) {
		/* LMDB takes an empty file for a new environment and would initialise it:
		 * whatever was there is gone (a full disk during a copy or a restore) and must
		 * not silently become a new, empty store. */
		if (st.st_size == 0)
			rc = dberr_set(e, DB_ESTORE, "store %s is damaged: %s is empty (0 bytes); "
			               "restore it from a backup (deploy/README.md), or remove the "
			               "folder and run `dabiao init`", dir, path);
		goto out;
	}
	if (errno != ENOENT && errno != ENOTDIR) {
		rc = dberr_set(e, -errno, "cannot open store %s: %s", dir, strerror(errno));
		goto out;
	}
	if (!(flags & STORE_CREATE)) {
		rc = dberr_set(e, DB_ENOINPUT, "no store at %s (run `dabiao init` first, or name "
		               "the store with --db or DABIAO_DB)", dir);
		goto out;
	}
	if (flags & STORE_RDONLY) {
		rc = dberr_set(e, DB_EUSAGE, "cannot create store %s read-only", dir);
		goto out;
	}
	rc = check_new_dir(dir, e);
	if (rc == 0 && (rc = store_private_dir(dir, e)) == -ENOENT) {
		/* a store cannot be created (73), as a backup or an --out file under a missing
		 * folder is, not "no input" (66): `init` creates one folder, not its parents
		 * (review 13e, E12) */
		dberr_clear(e);
		rc = dberr_set(e, DB_ECANTCREAT, "cannot create store folder %s: the folder it "
		               "would be made in does not exist (make it first, or give another "
		               "path)", dir);
	}
	if (rc == 0)
		rc = make_outbox(dir, e);
out:
	free(path);
	return rc;
}

/* LMDB maps the whole file and would die of SIGBUS on the first page past a truncated
 * end; its meta page says how far the store's pages reach, so compare before any read. */
static int
check_file_size(struct store *s, struct dberr *e)
{
	char *path = xasprintf("%s/data.mdb", s->dir);
	MDB_envinfo info;
	MDB_stat ms;
	struct stat st;
	int rc = 0;

	if ((rc = mdb_env_info(s->env, &info)) != 0 || (rc = mdb_env_stat(s->env, &ms)) != 0) {
		rc = store_mdb_fail(NULL, rc, e, "cannot open store %s", s->dir);
		goto out;
	}
	if (stat(path, &st) != 0) {
		rc = dberr_set(e, -errno, "cannot open store %s: %s", s->dir, strerror(errno));
		goto out;
	}
	if ((uint64_t)st.st_size < ((uint64_t)info.me_last_pgno + 1) * ms.ms_psize)
		rc = dberr_set(e, DB_ESTORE, "store %s is damaged: %s has %lld bytes but its pages "
		               "reach %llu (cut short by a full disk or a partial copy?); restore "
		               "it from a backup (deploy/README.md)", s->dir, path,
		               (long long)st.st_size,
		               ((unsigned long long)info.me_last_pgno + 1) * ms.ms_psize);
out:
	free(path);
	return rc;
}

/* LMDB creates its files with open(2)'s mode, which the umask can widen nothing but
 * narrow arbitrarily; set the mode the contract promises. */
static int
fix_file_modes(const char *dir, struct dberr *e)
{
	static const char *const names[] = {"data.mdb", "lock.mdb"};
	size_t i;
	int rc = 0;

	for (i = 0; i < sizeof(names) / sizeof(names[0]) && rc == 0; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);

		if (chmod(path, 0600) != 0)
			rc = dberr_set(e, -errno, "cannot set the mode of %s: %s", path,
			               strerror(errno));
		free(path);
	}
	return rc;
}

/* Sets the map size with no transaction of this process open, as LMDB requires: waits
 * for the other threads' transactions to end (they hold s->map shared) and holds theirs
 * back meanwhile. The caller holds no transaction. */
static int
set_mapsize(struct store *s, size_t size)
{
	int rc;

	pthread_rwlock_wrlock(&s->map);
	rc = mdb_env_set_mapsize(s->env, size);
	pthread_rwlock_unlock(&s->map);
	return rc;
}

/* This thread's id as the writer field holds it (pthread_t is an unsigned long on
 * glibc, never 0 for a running thread). */
static uintptr_t
self_id(void)
{
	return (uintptr_t)pthread_self();
}

/* Whether a read transaction just begun holds the tree of the transaction id it took.
 *
 * LMDB 0.9.24's mdb_txn_renew0 publishes the last committed txnid T in the reader's slot,
 * then copies the root pages from meta page T&1 without looking at that page's txnid
 * again. A reader held up between the two while T+1 and T+2 commit copies the meta page
 * T+2 is rewriting (a newer tree than its txnid says, or, caught mid-pwrite, a mix of T's
 * and T+2's roots and last page). The pages themselves stay put either way: a writer
 * reuses only pages freed by transactions older than every reader's slot (mdb_find_oldest),
 * and T+2's pages are freed, if ever, by T+3 or later. What goes wrong is the copy.
 *
 * T+2 starts writing its meta page only after T+1 is published (mti_txnid = T+1, at the
 * end of T+1's commit). So a second read transaction begun after the copy (the store is
 * opened MDB_NOTLS, so a thread may hold two) that still takes T proves that T+1 was not
 * published when the copy ended, hence T+2 had not begun: the copy is T's, whole. If it
 * takes a later id, the caller begins again. (The meta pages' own txnids cannot tell: a
 * meta page shows T+1 for the whole of T+1's synchronous meta write, before publication,
 * which under steady commits is most of the time.) */
static bool
read_snapshot_whole(struct store *s, MDB_txn *txn)
{
	MDB_txn *probe;
	bool whole;

	/* the copy's loads before the probe's (x86 keeps load order; others need this) */
	atomic_thread_fence(memory_order_seq_cst);
	if (mdb_txn_begin(s->env, NULL, MDB_RDONLY, &probe) != 0)
		return false;
	whole = mdb_txn_id(probe) == mdb_txn_id(txn);
	mdb_txn_abort(probe);
	return whole;
}

/* Begins a transaction holding s->map shared until txn_end, unless lock is false (a
 * read inside this thread's own write, which holds it already). A read transaction is
 * begun again until it holds a whole snapshot (read_snapshot_whole); that takes a commit
 * landing within the microseconds of mdb_txn_begin, so a few tries at most in practice. */
static int
txn_begin(struct store *s, unsigned flags, bool lock, MDB_txn **txn, struct dberr *e)
{
	int rc, tries, torn = 0;

	if (atomic_load(&s->panicked))
		return dberr_set(e, DB_ESTORE, "store %s: LMDB reported a fatal error earlier; "
		                 "the process must exit", s->dir);
	for (tries = 0;;) {
		if (lock)
			pthread_rwlock_rdlock(&s->map);
		rc = mdb_txn_begin(s->env, NULL, flags, txn);
		if (rc == 0 && (!(flags & MDB_RDONLY) || read_snapshot_whole(s, *txn)))
			return 0;
		if (rc == 0)
			mdb_txn_abort(*txn);
		if (lock)
			pthread_rwlock_unlock(&s->map);
		if (rc == 0) {
			if (++torn < STORE_MAX_TORN)
				continue;
			return dberr_set(e, DB_ETEMP, "store %s: commits kept landing while a read "
			                 "began (%d tries)", s->dir, torn);
		}
		if (rc != MDB_MAP_RESIZED || tries++ == STORE_MAX_RESIZED || !lock)
			break;
		/* Another process grew the map: adopt its size. This thread has no transaction
		 * open; set_mapsize waits for the others'. */
		rc = set_mapsize(s, 0);
		if (rc != 0)
			break;
	}
	if (rc == MDB_PANIC)
		atomic_store(&s->panicked, true);
	return store_mdb_fail(NULL, rc, e, "beginning a transaction on store %s", s->dir);
}

/* Ends what txn_begin began (lock as given to it): commits (returning LMDB's result) or
 * aborts. */
static int
txn_end(struct store *s, MDB_txn *txn, bool lock, bool commit)
{
	int rc = 0;

	if (commit)
		rc = mdb_txn_commit(txn);
	else
		mdb_txn_abort(txn);
	if (lock)
		pthread_rwlock_unlock(&s->map);
	return rc;
}

static int
parse_schema(const char *text, size_t len, unsigned long *out)
{
	char tmp[24];
	char *end;

	if (len == 0 || len >= sizeof(tmp))
		return -1;
	memcpy(tmp, text, len);
	tmp[len] = '\0';
	if (tmp[0] < '0' || tmp[0] > '9')
		return -1;
	errno = 0;
	*out = strtoul(tmp, &end, 10);
	if (errno != 0 || *end != '\0' || *out == 0)
		return -1;
	return 0;
}

/*
 * Opens the named databases and checks the schema, in one transaction. A writable open
 * also writes the schema of a store that has none: a new one, or one whose `init` was
 * interrupted between creating the file and its first commit. Nothing is created before
 * the schema is read, so a newer store is left exactly as found.
 */
static void turn_want(struct store *s);
static void turn_done(struct store *s);

static int
init_txn(struct store *s, struct dberr *e)
{
	bool rdonly = s->flags & STORE_RDONLY;
	unsigned dbflags = rdonly ? 0 : MDB_CREATE;
	struct store_txn t = {.s = s, .writable = !rdonly};
	MDB_val k = {6, "schema"}, v;
	unsigned long schema = 0;
	bool older = false;
	char text[16];
	int rc, i;

	if (!rdonly)
		turn_want(s); /* a write like any other: its turn is asked for too */
	rc = txn_begin(s, rdonly ? MDB_RDONLY : 0, true, &t.txn, e);
	if (rc != 0)
		goto out;
	for (i = 0; i < STORE_DB_COUNT_; i++) {
		rc = mdb_dbi_open(t.txn, store_db_name(i), dbflags, &s->dbi[i]);
		if (rc != 0) {
			rc = store_mdb_fail(&t, rc, e, "store %s: opening database %s", s->dir,
			                    store_db_name(i));
			goto fail;
		}
		if (i != STORE_DB_META)
			continue;
		rc = store_get(&t, STORE_DB_META, &k, &v, e);
		if (rc == DB_ENOTFOUND && !rdonly) {
			snprintf(text, sizeof(text), "%d", STORE_SCHEMA_VERSION);
			v.mv_data = text;
			v.mv_size = strlen(text);
			rc = store_put(&t, STORE_DB_META, &k, &v, 0, e);
		} else if (rc == DB_ENOTFOUND) {
			rc = dberr_set(e, DB_ESTORE, "store %s has no schema version (was `dabiao "
			               "init` interrupted?)", s->dir);
		} else if (rc == 0 && parse_schema(v.mv_data, v.mv_size, &schema) != 0) {
			rc = dberr_set(e, DB_ESTORE, "store %s: unreadable schema version", s->dir);
		} else if (rc == 0 && schema > STORE_SCHEMA_VERSION) {
			rc = dberr_set(e, DB_ESCHEMA, "store %s has schema %lu, newer than this "
			               "dabiao's %d; upgrade dabiao", s->dir, schema,
			               STORE_SCHEMA_VERSION);
		} else if (rc == 0) {
			older = schema < STORE_SCHEMA_VERSION;
		}
		if (rc != 0)
			goto fail;
	}
	if (older && !rdonly) {
		/* an older store: its records are brought up to date by the first writer, once
		 * every database is open */
		rc = store_migrate(&t, schema, e);
		if (rc == 0) {
			snprintf(text, sizeof(text), "%d", STORE_SCHEMA_VERSION);
			v.mv_data = text;
			v.mv_size = strlen(text);
			rc = store_put(&t, STORE_DB_META, &k, &v, 0, e);
		}
		if (rc != 0)
			goto fail;
	}
	store_zip_free(&t);
	rc = txn_end(s, t.txn, true, true);
	t.txn = NULL;
	if (rc != 0)
		rc = store_mdb_fail(&t, rc, e, "store %s: committing its set-up", s->dir);
	goto out;
fail:
	store_zip_free(&t);
	txn_end(s, t.txn, true, false);
out:
	if (!rdonly)
		turn_done(s);
	return rc;
}

unsigned
store_log_flags(enum log_level at)
{
	return (at < LOG_LEVEL_WARN ? STORE_QUIET : 0) | (at >= LOG_LEVEL_INFO ? STORE_VERBOSE : 0);
}

/* The verbosity its open flags give a store's lines. */
static enum log_level
log_at(const struct store *s)
{
	return s->flags & STORE_QUIET ? LOG_LEVEL_QUIET
	     : s->flags & STORE_VERBOSE ? LOG_LEVEL_INFO : LOG_LEVEL_WARN;
}

/* writers.lock (store.h, "Taking turns"): opened once per store handle. Without it a
 * write still works, only without its turn: said once, never refused. */
static void
open_turns(struct store *s)
{
	char *path = xasprintf("%s/writers.lock", s->dir);

	s->turn_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (s->turn_fd < 0)
		log_warn(log_at(s), "store",
		         "cannot open %s: writes here will not take turns with the "
		         "daemon's", path);
	free(path);
}

/* A write of this process waits or runs: said while any of its threads has one (a
 * flock belongs to the open file, not the thread, so the first takes it, the last lets it
 * go). LOCK_SH waits only for a store_writers_waiting probe, which holds LOCK_EX for no
 * longer than two system calls. */
static void
turn_want(struct store *s)
{
	if (s->yielding || s->turn_fd < 0)
		return;
	pthread_mutex_lock(&s->turn_lock);
	if (s->turn_wanting++ == 0)
		while (flock(s->turn_fd, LOCK_SH) != 0 && errno == EINTR)
			;
	pthread_mutex_unlock(&s->turn_lock);
}

static void
turn_done(struct store *s)
{
	if (s->yielding || s->turn_fd < 0)
		return;
	pthread_mutex_lock(&s->turn_lock);
	if (--s->turn_wanting == 0)
		flock(s->turn_fd, LOCK_UN);
	pthread_mutex_unlock(&s->turn_lock);
}

void
store_set_yielding(struct store *s)
{
	s->yielding = true;
}

bool
store_writers_waiting(struct store *s)
{
	if (s->turn_fd < 0)
		return false;
	if (flock(s->turn_fd, LOCK_EX | LOCK_NB) != 0)
		return errno == EWOULDBLOCK;
	flock(s->turn_fd, LOCK_UN);
	return false;
}

int
store_open(const char *dir, unsigned flags, struct store **out, struct dberr *e)
{
	return store_open_sized(dir, flags, 0, out, e);
}

int
store_open_sized(const char *dir, unsigned flags, size_t want_mapsize, struct store **out,
                 struct dberr *e)
{
	struct store *s = xcalloc(1, sizeof(*s));
	size_t mapsize = initial_mapsize(want_mapsize);
	pthread_mutexattr_t ma;
	pthread_rwlockattr_t ra;
	MDB_envinfo info;
	bool existed;
	int rc, dead;

	s->dir = xstrdup(dir);
	s->flags = flags;
	atomic_init(&s->panicked, false);
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&s->writer, &ma);
	pthread_mutexattr_destroy(&ma);
	/* A thread waiting to resize goes before new transactions (glibc's default would let
	 * a stream of readers starve it for ever); so a thread must never take the lock shared
	 * twice: a store_read inside its own store_write does not take it again (writer_id). */
	pthread_rwlockattr_init(&ra);
	pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&s->map, &ra);
	pthread_rwlockattr_destroy(&ra);
	atomic_init(&s->writer_id, 0);
	s->turn_fd = -1;
	pthread_mutex_init(&s->turn_lock, NULL);
	rc = prepare_dir(dir, flags, &existed, e);
	if (rc != 0)
		goto fail;
	rc = mdb_env_create(&s->env);
	if (rc != 0) {
		s->env = NULL;
		goto mdb_fail;
	}
	if ((rc = mdb_env_set_maxdbs(s->env, STORE_DB_COUNT_)) != 0 ||
	    (rc = mdb_env_set_maxreaders(s->env, 256)) != 0)
		goto mdb_fail;
	/* An existing store keeps the map size recorded in its file (it may have grown);
	 * only a new one starts from ours. */
	if (!existed && (rc = mdb_env_set_mapsize(s->env, mapsize)) != 0)
		goto mdb_fail;
	/* MDB_NOTLS: a reader slot belongs to its transaction, not its thread, so
	 * read_snapshot_whole can begin a second read while the first is open.
	 * MDB_NORDAHEAD: the store is read a page here and a page there (a task, its index
	 * entries, the due index's first key; copy-on-write scatters a tree's pages), and the
	 * kernel's readahead turned each such fault on a cold cache into a read of the pages
	 * around it: the daemon's first action on a 1M-task store waited 150-300 ms for 8 of
	 * those, against 25 page-sized reads in 10-40 ms without. A whole-store scan from a
	 * cold cache (audit verify) pays about a tenth more (docs/ARCHITECTURE.md, Measured). */
	rc = mdb_env_open(s->env, dir, ((flags & STORE_RDONLY) ? MDB_RDONLY : 0) | MDB_NOTLS |
	                  MDB_NORDAHEAD |
	                  ((flags & STORE_RDONLY) && (flags & STORE_NOLOCK) ? MDB_NOLOCK : 0),
	                  0600);
	if (rc != 0)
		goto mdb_fail;
	if (!existed && (rc = fix_file_modes(dir, e)) != 0)
		goto fail;
	if ((rc = check_file_size(s, e)) != 0)
		goto fail;
	if ((rc = mdb_env_info(s->env, &info)) != 0)
		goto mdb_fail;
	if (info.me_mapsize < mapsize && (rc = mdb_env_set_mapsize(s->env, mapsize)) != 0)
		goto mdb_fail;
	/* Slots left by crashed readers pin old pages and make the file grow. */
	if ((rc = mdb_reader_check(s->env, &dead)) != 0)
		goto mdb_fail;
	if (dead > 0)
		log_info(log_at(s), "store", "cleared stale readers dir=%s count=%d", dir, dead);
	if (!(flags & STORE_RDONLY))
		open_turns(s);
	rc = init_txn(s, e);
	if (rc != 0)
		goto fail;
	*out = s;
	return 0;
mdb_fail:
	/* a data.mdb that is no LMDB file (overwritten, a copy cut before its meta pages)
	 * is damage to restore, as one cut short is (review13f C11), not a library's word */
	if (rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH)
		rc = dberr_set(e, DB_ESTORE, "store %s is damaged: its data.mdb is not a store's "
		               "file (%s: overwritten, or a copy cut short?); restore it from a "
		               "backup (deploy/README.md)", dir, mdb_strerror(rc));
	else
		rc = store_mdb_fail(NULL, rc, e, "cannot open store %s", dir);
fail:
	store_close(s);
	return rc;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	if (s->env != NULL)
		mdb_env_close(s->env);
	if (s->turn_fd >= 0)
		close(s->turn_fd);
	pthread_mutex_destroy(&s->turn_lock);
	pthread_rwlock_destroy(&s->map);
	pthread_mutex_destroy(&s->writer);
	free(s->dir);
	free(s);
}

const char *
store_dir(const struct store *s)
{
	return s->dir;
}

static int
grow_map(struct store *s, struct dberr *e)
{
	MDB_envinfo info;
	size_t size;
	int rc;

	rc = mdb_env_info(s->env, &info);
	if (rc != 0)
		return store_mdb_fail(NULL, rc, e, "store %s: reading the map size", s->dir);
	if (info.me_mapsize > SIZE_MAX / 2)
		return dberr_set(e, DB_ESTORE, "store %s: map of %zu bytes is full and cannot "
		                 "grow", s->dir, info.me_mapsize);
	size = info.me_mapsize * 2;
	/* Legal only with no transaction open in this process: store_write has just aborted
	 * its own, nested writes are refused, and set_mapsize waits for other threads'. */
	rc = set_mapsize(s, size);
	if (rc != 0)
		return store_mdb_fail(NULL, rc, e, "store %s: growing the map to %zu bytes",
		                      s->dir, size);
	log_info(log_at(s), "store", "map grown dir=%s size=%zu", s->dir, size);
	return 0;
}

/*
 * A transaction that hits MDB_MAP_FULL (in a put, which poisons the transaction, or in the
 * commit) is aborted whole, the map doubled, and fn run again from the start: fn is
 * required to act only through txn, so a rerun is indistinguishable from a first run.
 * store_write inside fn is refused: LMDB's writer lock is not recursive, so it would wait
 * for itself forever.
 */
void *
store_txn_state(struct store_txn *t, const struct store_txn_state_ops *ops)
{
	for (int i = 0; i < STORE_TXN_STATES; i++)
		if (t->state_ops[i] == ops)
			return t->state[i];
	return NULL;
}

int
store_txn_state_set(struct store_txn *t, const struct store_txn_state_ops *ops, void *state,
                    struct dberr *e)
{
	for (int i = 0; t->writable && i < STORE_TXN_STATES; i++)
		if (t->state_ops[i] == NULL || t->state_ops[i] == ops) {
			if (t->state_ops[i] == ops && t->state[i] != state)
				ops->release(t->state[i]);
			t->state_ops[i] = ops;
			t->state[i] = state;
			return 0;
		}
	ops->release(state);
	return dberr_set(e, DB_ESOFTWARE, "store %s: no room for a transaction's state%s",
	                 t->s->dir, t->writable ? "" : " in a read transaction");
}

/* Before the commit: every state writes itself (in the order they were set). */
static int
states_flush(struct store_txn *t, struct dberr *e)
{
	int rc = 0;

	for (int i = 0; rc == 0 && i < STORE_TXN_STATES && t->state_ops[i]; i++)
		rc = t->state_ops[i]->flush(t, t->state[i], e);
	return rc;
}

static void
states_release(struct store_txn *t)
{
	for (int i = 0; i < STORE_TXN_STATES && t->state_ops[i]; i++) {
		t->state_ops[i]->release(t->state[i]);
		t->state_ops[i] = NULL;
		t->state[i] = NULL;
	}
}

/* One function's part of a write transaction t: fn, then (committing) what it packed and
 * the states it kept, written through t; what t held is freed either way. */
static int
txn_run(struct store_txn *t, store_fn fn, void *arg, bool commit, struct dberr *e)
{
	int rc;

	t->map_full = false;
	t->defer_pack = true;
	rc = fn(t, arg, e);
	if (rc == 0 && commit && !t->map_full)
		rc = store_pack_drain(t, e);
	if (rc == 0 && commit && !t->map_full)
		rc = states_flush(t, e);
	store_pack_end(t);
	states_release(t);
	store_zip_free(t);
	return rc;
}

static int
write_txn(struct store *s, store_fn fn, void *arg, bool commit, struct dberr *e)
{
	struct store_txn t = {.s = s, .writable = true};
	int rc, mrc, grown;

	if (s->flags & STORE_RDONLY)
		return dberr_set(e, DB_ESTORE, "store %s is open read-only", s->dir);
	/* another thread's write waits here (LMDB's own lock would make it wait too); this
	 * thread's own, nested, is refused */
	if (pthread_mutex_lock(&s->writer) == EDEADLK)
		return dberr_set(e, DB_ESOFTWARE, "store %s: store_write inside store_write is "
		                 "not supported", s->dir);
	atomic_store(&s->writer_id, self_id());
	turn_want(s);
	for (grown = 0;; grown++) {
		t.fresh[0] = '\0'; /* a transaction run again starts from the commit before */
		rc = txn_begin(s, 0, true, &t.txn, e);
		if (rc != 0)
			break;
		rc = txn_run(&t, fn, arg, commit, e);
		if (!commit && !t.map_full) {
			txn_end(s, t.txn, true, false); /* a dry run: what fn did is thrown away */
			t.txn = NULL;
			break;
		}
		if (rc == 0 && !t.map_full) {
			mrc = txn_end(s, t.txn, true, true);
			t.txn = NULL;
			if (mrc == 0)
				break;
			if (mrc != MDB_MAP_FULL) {
				rc = store_mdb_fail(&t, mrc, e, "store %s: commit", s->dir);
				break;
			}
		} else {
			txn_end(s, t.txn, true, false);
			t.txn = NULL;
			/* fn may have swallowed the put's error; the flag still tells. */
			if (!t.map_full)
				break;
		}
		if (grown == STORE_MAX_GROWTH) {
			rc = dberr_set(e, DB_ESTORE, "store %s: map still full after growing it %d "
			               "times", s->dir, grown);
			break;
		}
		if (e != NULL)
			dberr_clear(e);
		rc = grow_map(s, e);
		if (rc != 0)
			break;
	}
	turn_done(s);
	atomic_store(&s->writer_id, 0);
	pthread_mutex_unlock(&s->writer);
	return rc;
}

int
store_write(struct store *s, store_fn fn, void *arg, struct dberr *e)
{
	return write_txn(s, fn, arg, true, e);
}

int
store_write_dry(struct store *s, store_fn fn, void *arg, struct dberr *e)
{
	return write_txn(s, fn, arg, false, e);
}

struct group {
	struct store_group_item *items;
	size_t n;
};

/* Each item in a transaction nested in the group's: a failing one is aborted alone. A
 * full map poisons the whole group (write_txn grows it and runs every item again). */
static int
group_fn(struct store_txn *parent, void *arg, struct dberr *e)
{
	struct group *g = arg;

	for (size_t i = 0; i < g->n; i++) {
		struct store_group_item *it = &g->items[i];
		struct store_txn c = {.s = parent->s, .writable = true};
		int mrc;

		dberr_clear(&it->err);
		if ((mrc = mdb_txn_begin(parent->s->env, parent->txn, 0, &c.txn)) != 0)
			return store_mdb_fail(parent, mrc, e, "store %s: a nested transaction",
			                      parent->s->dir);
		it->rc = txn_run(&c, it->fn, it->arg, true, &it->err);
		mrc = it->rc == 0 && !c.map_full ? mdb_txn_commit(c.txn) : (mdb_txn_abort(c.txn), 0);
		if (mrc != 0)
			it->rc = store_mdb_fail(&c, mrc, &it->err, "store %s: commit", parent->s->dir);
		if (c.map_full) {
			parent->map_full = true;
			return dberr_set(e, DB_ESTORE, "store %s: map full", parent->s->dir);
		}
	}
	return 0;
}

int
store_write_group(struct store *s, struct store_group_item *items, size_t n, struct dberr *e)
{
	struct group g = {items, n};
	int rc = write_txn(s, group_fn, &g, true, e);

	for (size_t i = 0; rc != 0 && i < n; i++) {
		items[i].rc = rc;
		items[i].err = *e;
	}
	return rc;
}

/* Read transactions use LMDB's per-thread reader slot, so store_read inside store_read is
 * refused by LMDB (MDB_BAD_RSLOT, reported as DB_ESTORE); inside store_write it works and
 * sees the last commit, not the open write. */
int
store_read(struct store *s, store_fn fn, void *arg, struct dberr *e)
{
	struct store_txn t = {.s = s, .writable = false};
	/* inside this thread's own write the map lock is held already: taking it shared again
	 * could wait behind a resize that waits for this thread */
	bool lock = atomic_load(&s->writer_id) != self_id();
	int rc;

	rc = txn_begin(s, MDB_RDONLY, lock, &t.txn, e);
	if (rc != 0)
		return rc;
	rc = fn(&t, arg, e);
	store_zip_free(&t);
	txn_end(s, t.txn, lock, false);
	return rc;
}

int
store_backup(struct store *s, const char *dir, struct dberr *e)
{
	char *path = NULL;
	int rc;

	if (mkdir(dir, 0700) == 0) {
		if (chmod(dir, 0700) != 0) {
			rc = dberr_set(e, -errno, "cannot set the mode of %s: %s", dir,
			               strerror(errno));
			goto out;
		}
	} else if (errno == EEXIST) {
		rc = folder_empty(dir);
		if (rc <= 0) {
			rc = rc < 0 ? dberr_set(e, rc, "cannot open backup folder %s: %s", dir,
			                        strerror(-rc))
			            : dberr_set(e, DB_ECANTCREAT, "backup folder %s is not empty", dir);
			goto out;
		}
	} else {
		rc = dberr_set(e, DB_ECANTCREAT, "cannot create backup folder %s: %s", dir,
		               strerror(errno));
		goto out;
	}
	/* the copy is a read transaction of its own: no resize while it runs */
	pthread_rwlock_rdlock(&s->map);
	rc = mdb_env_copy2(s->env, dir, MDB_CP_COMPACT);
	pthread_rwlock_unlock(&s->map);
	if (rc != 0) {
		rc = store_mdb_fail(NULL, rc, e, "backing up store %s into %s", s->dir, dir);
		goto out;
	}
	path = xasprintf("%s/data.mdb", dir);
	if (chmod(path, 0600) != 0) {
		rc = dberr_set(e, -errno, "cannot set the mode of %s: %s", path, strerror(errno));
		goto out;
	}
	/* The copy is a whole store: it opens without STORE_CREATE and has its outbox with
	 * the .eml files the outbox held, the files submitted on the web that its records
	 * name (files.c), and the rest of the folder (backup.c says why after the database). */
	if ((rc = make_outbox(dir, e)) == 0 && (rc = store_files_copy(s->dir, dir, e)) == 0)
		rc = store_backup_files(s->dir, dir, NULL, e);
out:
	free(path);
	return rc;
}
