/* Writers of other processes are seen by a yielding store (the daemon's): while a child
 * process waits for LMDB's writer lock, and while it writes, store_writers_waiting says so;
 * before and after, it does not; the yielding store's own writes never count; the child's
 * write is whole once it is done. Each step is ordered by pipes, never by a sleep; the one
 * poll (the child reaching its wait for the lock) has a generous bound. */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "store_test.h"

struct child_arg {
	int tell;  /* the child writes a byte here once inside its write */
	int hold;  /* and reads one from here before it commits */
};

static int
child_write(struct store_txn *t, void *arg, struct dberr *e)
{
	struct child_arg *a = arg;
	struct store_task task = {.key = "p/m/s/once", .state = "submitted", .gen = 1};
	char c = 1;

	if (write(a->tell, &c, 1) != 1 || read(a->hold, &c, 1) != 1)
		return dberr_set(e, DB_ESOFTWARE, "pipe: %s", strerror(errno));
	return store_task_put(t, &task, e);
}

/* The child: opens the store as any command does (not yielding), says so, waits for the
 * word, and writes once, saying when it is inside the write and waiting for leave to
 * commit. Exits 0 on success. */
static void
child_main(const char *dir, int tell, int hold)
{
	struct child_arg a = {tell, hold};
	struct store *s = NULL;
	struct dberr e;
	char c = 1;
	int rc;

	dberr_clear(&e);
	rc = store_open(dir, 0, &s, &e);
	if (rc == 0 && (write(tell, &c, 1) != 1 || read(hold, &c, 1) != 1))
		rc = dberr_set(&e, DB_ESOFTWARE, "pipe: %s", strerror(errno));
	if (rc == 0)
		rc = store_write(s, child_write, &a, &e);
	if (rc != 0)
		fprintf(stderr, "child: %s\n", e.msg);
	store_close(s);
	_exit(rc == 0 ? 0 : 1);
}

struct parent_arg {
	struct store *s;
	int go;            /* a byte here lets the child begin its write */
	bool seen_own;     /* store_writers_waiting inside the yielding store's own write */
	bool seen_child;   /* ... once the child was waiting for the lock */
};

/* Inside the yielding store's write: its own write is no other writer's; then, holding
 * the lock, waits (bounded, generously) until the child is seen waiting for it. */
static int
parent_write(struct store_txn *t, void *arg, struct dberr *e)
{
	struct parent_arg *a = arg;
	struct store_task task = {.key = "p/m/s/first", .state = "open", .gen = 1};
	char c = 1;

	a->seen_own = store_writers_waiting(a->s);
	if (write(a->go, &c, 1) != 1)
		return dberr_set(e, DB_ESOFTWARE, "pipe: %s", strerror(errno));
	for (int i = 0; i < 60000 && !a->seen_child; i++) {
		struct timespec ms = {0, 1000000};

		a->seen_child = store_writers_waiting(a->s);
		if (!a->seen_child)
			nanosleep(&ms, NULL);
	}
	return store_task_put(t, &task, e);
}

static int
check_both(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_task task;

	(void)arg;
	ASSERT_OK(store_task_get(t, "p/m/s/first", &task, e), e);
	store_task_release(&task);
	ASSERT_OK(store_task_get(t, "p/m/s/once", &task, e), e);
	ASSERT_STR_EQ(task.state, "submitted");
	store_task_release(&task);
	return 0;
}

int
main(void)
{
	struct parent_arg pa = {0};
	struct store *s;
	struct dberr e;
	char *dir, c = 1, path[8400], copy[4200];
	int tell[2], hold[2], status;
	struct stat st;
	pid_t pid;

	signal(SIGPIPE, SIG_IGN);
	s = test_store_new(&dir);
	store_close(s); /* LMDB: a forked child must not use its parent's environment */
	ASSERT_EQ(pipe(tell), 0);
	ASSERT_EQ(pipe(hold), 0);
	fflush(NULL);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		close(tell[0]);
		close(hold[1]);
		child_main(dir, tell[1], hold[0]);
	}
	/* a child that fails ends its pipes: the parent's reads see 0, not a wait for ever */
	close(tell[1]);
	close(hold[0]);
	dberr_clear(&e);
	ASSERT_OK(store_open(dir, 0, &s, &e), &e);
	store_set_yielding(s);
	ASSERT_EQ(read(tell[0], &c, 1), 1); /* the child has opened the store, writes nothing */
	ASSERT(!store_writers_waiting(s));
	/* the parent holds the writer lock first: the child's store_write waits for it and
	 * is seen waiting */
	pa.s = s;
	pa.go = hold[1];
	ASSERT_OK(store_write(s, parent_write, &pa, &e), &e);
	ASSERT(!pa.seen_own);
	ASSERT(pa.seen_child);
	/* the child got the lock and is inside its write: still seen */
	ASSERT_EQ(read(tell[0], &c, 1), 1);
	ASSERT(store_writers_waiting(s));
	/* let it commit and end: nobody is left */
	ASSERT_EQ(write(hold[1], &c, 1), 1);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ASSERT(!store_writers_waiting(s));
	ASSERT_OK(store_read(s, check_both, NULL, &e), &e);

	/* writers.lock is private, and the store's, not a backup's */
	snprintf(path, sizeof(path), "%s/writers.lock", dir);
	ASSERT_EQ(stat(path, &st), 0);
	ASSERT_EQ(st.st_mode & 0777, 0600);
	snprintf(copy, sizeof(copy), "%s-copy", dir);
	ASSERT_OK(store_backup(s, copy, &e), &e);
	snprintf(path, sizeof(path), "%s/writers.lock", copy);
	ASSERT(stat(path, &st) != 0 && errno == ENOENT);
	test_rmtree(copy);
	store_close(s);
	test_rmtree(dir);
	free(dir);
	return 0;
}
