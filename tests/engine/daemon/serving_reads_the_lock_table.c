/* daemon_serving tells whether a `run` holds a store's lock by reading the kernel's lock
 * table, never by taking the lock: no lock file, or a lock file nobody holds, is false; a
 * process holding it exclusively (as `run` does) is true, and false again once that
 * process is gone; a lock on another file is not this store's; and asking never makes the
 * holder's own attempt to lock fail. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/daemon/daemon.h"
#include "lib/test.h"

/* A child that takes an exclusive flock on path (as `run` takes daemon.lock), says so on
 * the pipe and waits to be killed. */
static pid_t
holder(const char *path)
{
	int p[2];
	pid_t pid;
	char c;

	ASSERT_EQ(pipe(p), 0);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		int fd = open(path, O_RDWR | O_CREAT, 0600);

		if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) != 0)
			_exit(1);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	ASSERT_EQ(read(p[0], &c, 1), 1);
	close(p[0]);
	return pid;
}

static void
reap(pid_t pid)
{
	int status;

	kill(pid, SIGKILL);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
}

int
main(void)
{
	char *dir = test_tmpdir(), *lock, *other;
	pid_t pid;
	int fd;

	lock = malloc(strlen(dir) + 32);
	other = malloc(strlen(dir) + 32);
	sprintf(lock, "%s/daemon.lock", dir);
	sprintf(other, "%s/other.lock", dir);

	ASSERT(!daemon_serving(dir));          /* no lock file: no daemon ever ran */
	fd = open(lock, O_RDWR | O_CREAT, 0600);
	ASSERT(fd >= 0);
	close(fd);
	ASSERT(!daemon_serving(dir));          /* a file left by a daemon that stopped */

	pid = holder(other);
	ASSERT(!daemon_serving(dir));          /* someone else's lock */
	reap(pid);

	pid = holder(lock);
	ASSERT(daemon_serving(dir));           /* `run` holds it */
	ASSERT(daemon_serving(dir));           /* asking again changes nothing */
	reap(pid);
	ASSERT(!daemon_serving(dir));          /* the kernel dropped it with the process */

	/* asking took no lock: a new holder gets it at once */
	ASSERT(!daemon_serving(dir));
	pid = holder(lock);
	ASSERT(daemon_serving(dir));
	reap(pid);

	unlink(lock);
	unlink(other);
	rmdir(dir);
	free(lock);
	free(other);
	free(dir);
	return 0;
}
