/*
 * daemon.c - `dabiao run`, the daemon: one libuv loop on the real clock.
 *
 * One uv_timer_t is armed for the earliest entry of the due index, but never for more
 * than RUN_TICK_MS: libuv's timers run on the monotonic clock, which stops during suspend
 * and ignores NTP steps, so the daemon re-reads the wall clock at every wake and at least
 * once a second. The same wake notices what other processes wrote (submit, load, import,
 * extend): a read transaction compares the plans' versions and the earliest due entry,
 * so a change is seen within a second without a control socket.
 *
 * Signals: SIGTERM and SIGINT stop the loop between transactions (each transaction is
 * synchronous on this thread, so none is ever cut in half) and abandon the delivery batch
 * in flight; SIGHUP re-reads the configuration and the plans.
 *
 * Nothing here runs for long on the loop: due entries are applied in slices of RUN_SLICE
 * (more due re-arms the timer at zero), delivery results are recorded RUN_RESULTS per
 * commit as they come, and every transport runs in the sender thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <uv.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "engine/daemon/daemon.h"

#define RUN_TICK_MS 1000
/* Due entries per loop wake: a slice takes milliseconds, so results, signals and timers
 * get their turn between slices; more due means the timer is re-armed at zero. */
#define RUN_SLICE 512
/* Delivery results recorded per wake (one commit); the rest at the next wake, at once. */
#define RUN_RESULTS 256
/* A slice also ends after this much work, between whole entries: another process's write
 * (a submission on the web, a command) waits for the slice's commit, at most this long and
 * the commit's flush. */
#define RUN_SLICE_MS 200
/* While another process has a write waiting (store_writers_waiting), the next slice waits
 * for it, looking again every RUN_YIELD_MS; a stream of other writers holds the deadlines
 * back no longer than RUN_YIELD_MAX_MS before each slice. */
#define RUN_YIELD_MS 2
#define RUN_YIELD_MAX_MS 200

/* The sender thread: delivery blocks (an SMTP session in the helper process, or fsync of
 * .eml files), so it never runs on the loop. The loop claims a batch in the store and
 * hands it over; the thread sends it, announcing each item's results as they come
 * (ready[]) through uv_async, and the loop records them in bounded commits. One batch at a
 * time: the next is claimed when the last is wholly recorded. Writing to cancel[1]
 * abandons the batch in flight (the helper is killed; the unsent items' claims are given
 * back). */
struct sender {
	uv_thread_t thread;
	uv_mutex_t lock;
	uv_cond_t wake;
	uv_async_t done;          /* thread -> loop: results are in */
	struct deliver_batch *todo;   /* handed to the thread; guarded by lock */
	bool finished;            /* the thread is through with the batch; guarded by lock */
	size_t *ready;            /* items whose results are in, not yet recorded; lock */
	size_t nready, capready;
	struct deliver_batch *out;    /* loop side: the batch being sent */
	struct config cfg;        /* the thread's own copy, replaced only while idle */
	bool busy;                /* loop side: a batch is out */
	bool refresh;             /* loop side: copy the configuration when the batch is back */
	bool stop;                /* guarded by lock */
	int cancel[2];            /* pipe: the loop writes a byte to abandon the batch */
	enum log_level log_level; /* the engine's (engine_log_level), for the thread's lines */
};

struct daemon {
	uv_loop_t loop;
	uv_timer_t timer;
	uv_signal_t sigterm, sigint, sighup;
	struct engine *en;
	struct sender snd;
	char *fingerprint;
	bool yielding;           /* the timer waits for another process's write */
	uint64_t yield_start;    /* since when (uv_now) */
	int status;              /* the first store error's code, 0 while running */
	struct dberr err;        /* its details */
};

static void
sender_cancel(struct sender *s)
{
	char c = 1;

	if (s->cancel[1] >= 0 && write(s->cancel[1], &c, 1) < 0)
		log_warn(s->log_level, "engine", "cannot signal the sender to stop");
}

/* A store error is not survivable silently: keep it, stop, let the supervisor restart. */
static void
stop_on(struct daemon *d, const struct dberr *e)
{
	if (d->status == 0) {
		d->status = e->code ? e->code : DB_ESOFTWARE;
		d->err = *e;
	}
	sender_cancel(&d->snd);
	uv_stop(&d->loop);
}

static int
fp_cb(const struct store_plan *p, void *arg)
{
	buf_printf(arg, "%s:%u:%s;", p->id, (unsigned)p->version, p->sha256);
	return 0;
}

static int
fp_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	return store_plan_each(txn, fp_cb, arg, e);
}

/* Reloads the plans when another process loaded a new version. A version this process
 * cannot parse is not a reason to stop: the old plans keep running (engine_reload swaps
 * only on success) and the scheduler keeps the entries of what it lacks (sched.c). */
static int
check_plans(struct daemon *d, struct dberr *e)
{
	struct buf fp = BUF_INIT;
	int rc = store_read(engine_store(d->en), fp_txn, &fp, e);

	if (rc == 0 && (d->fingerprint == NULL || strcmp(d->fingerprint, buf_str(&fp)) != 0)) {
		if (d->fingerprint != NULL) {
			log_info(engine_log_level(d->en), "engine", "plans changed, reloading");
			if (engine_reload(d->en, e) != 0) {
				log_warnx(engine_log_level(d->en), "engine",
				          "plans not reloaded, the old ones keep running: "
				          "%s", e->msg);
				dberr_clear(e);
			}
		}
		free(d->fingerprint);
		d->fingerprint = buf_detach(&fp);
	}
	buf_release(&fp);
	return rc;
}

/* Sender thread: an item's results are in; the loop records them at its next wake, so a
 * kill of the daemon repeats at most the messages claimed and not yet recorded. */
static void
sender_item_done(size_t i, void *arg)
{
	struct sender *s = arg;

	uv_mutex_lock(&s->lock);
	s->ready = xgrow(s->ready, &s->capready, s->nready + 1, sizeof(*s->ready));
	s->ready[s->nready++] = i;
	uv_mutex_unlock(&s->lock);
	uv_async_send(&s->done);
}

static void
sender_main(void *arg)
{
	struct sender *s = arg;
	/* made and ended in this thread: the helpers die with the thread that started them */
	struct deliver_helpers *hs = deliver_helpers_new();
	struct deliver_batch *b;

	for (;;) {
		uv_mutex_lock(&s->lock);
		while (s->todo == NULL && !s->stop)
			uv_cond_wait(&s->wake, &s->lock);
		if (s->stop) {
			uv_mutex_unlock(&s->lock);
			deliver_helpers_free(hs);
			return;
		}
		b = s->todo;
		s->todo = NULL;
		uv_mutex_unlock(&s->lock);
		deliver_send(&s->cfg, hs, b, s->cancel[0], sender_item_done, s);
		uv_mutex_lock(&s->lock);
		s->finished = true;
		uv_mutex_unlock(&s->lock);
		uv_async_send(&s->done);
	}
}

/* Claims the next batch and hands it to the sender thread, if it is idle. Every transport
 * (SMTP, .eml files) goes through the thread: the loop never waits on the network or on
 * a disk flush. */
static int
sender_kick(struct daemon *d, struct dberr *e)
{
	struct deliver_batch *b = NULL;
	int rc;

	if (d->snd.busy || d->snd.stop)
		return 0;
	engine_clock_read(d->en);
	rc = deliver_claim(d->en, DELIVER_BATCH, deliver_lease(&d->snd.cfg, DELIVER_BATCH), &b, e);
	if (rc != 0 || b == NULL)
		return rc;
	d->snd.busy = true;
	d->snd.out = b;
	uv_mutex_lock(&d->snd.lock);
	d->snd.finished = false;
	d->snd.todo = b;
	uv_cond_signal(&d->snd.wake);
	uv_mutex_unlock(&d->snd.lock);
	return 0;
}

/* Records up to max items whose results came in (all of them with max 0); *finished says
 * whether the thread is through with the batch and nothing is left to record. */
static int
record_ready(struct daemon *d, size_t max, bool *finished, struct dberr *e)
{
	struct deliver_item **items = NULL;
	size_t n = 0, take;
	int rc = 0;

	uv_mutex_lock(&d->snd.lock);
	take = max == 0 || d->snd.nready < max ? d->snd.nready : max;
	if (take > 0 && d->snd.out != NULL) {
		items = xcalloc(take, sizeof(*items));
		for (; n < take; n++)
			items[n] = &d->snd.out->v[d->snd.ready[n]];
	}
	/* ready is NULL until the first result: a stop before any came takes nothing */
	if (take > 0)
		memmove(d->snd.ready, d->snd.ready + take,
		        (d->snd.nready - take) * sizeof(size_t));
	d->snd.nready -= take;
	*finished = d->snd.finished && d->snd.nready == 0;
	uv_mutex_unlock(&d->snd.lock);
	if (n > 0)
		rc = deliver_apply(d->en, d->snd.out, items, n, e);
	free(items);
	return rc;
}

static void
on_sent(uv_async_t *a)
{
	struct daemon *d = a->data;
	struct deliver_batch *b = d->snd.out;
	bool finished = false;
	struct dberr e;

	dberr_clear(&e);
	if (b == NULL)
		return;
	if (record_ready(d, RUN_RESULTS, &finished, &e) != 0)
		goto fail;
	if (!finished) {
		/* more results than one wake records: come back at once, after the others */
		uv_mutex_lock(&d->snd.lock);
		if (d->snd.nready > 0)
			uv_async_send(&d->snd.done);
		uv_mutex_unlock(&d->snd.lock);
		return;
	}
	/* items the thread left without a result (none, unless abandoned) go back at once */
	if (deliver_release(d->en, b, &e) != 0)
		goto fail;
	d->snd.busy = false;
	d->snd.out = NULL;
	log_info(engine_log_level(d->en), "notifiers", "batch delivered notices=%zu", b->n);
	deliver_batch_free(b);
	if (d->snd.refresh) {
		config_release(&d->snd.cfg);
		config_copy(engine_config(d->en), &d->snd.cfg);
		d->snd.refresh = false;
	}
	if (sender_kick(d, &e) != 0)
		goto fail;
	return;
fail:
	stop_on(d, &e);
}

static void
on_timer(uv_timer_t *t)
{
	struct daemon *d = t->data;
	struct dberr e;
	int64_t now, next, ready;
	uint64_t wait_ms = RUN_TICK_MS;
	size_t n = 0;

	dberr_clear(&e);
	/* LMDB's writer lock is not fair: this loop, committing and beginning again at once,
	 * would win it back from another process's waiting write for a whole burst. So the
	 * other write goes first, within bounds (RUN_YIELD_MAX_MS), and the slices after it. */
	if (store_writers_waiting(engine_store(d->en))) {
		uv_update_time(&d->loop);
		if (!d->yielding) {
			d->yielding = true;
			d->yield_start = uv_now(&d->loop);
		}
		if (uv_now(&d->loop) - d->yield_start < RUN_YIELD_MAX_MS) {
			uv_timer_start(&d->timer, on_timer, RUN_YIELD_MS, 0);
			return;
		}
	}
	d->yielding = false;
	if (check_plans(d, &e) != 0)
		goto fail;
	now = engine_clock_read(d->en);
	if (sched_apply_slice(d->en, now, RUN_SLICE, RUN_SLICE_MS, &n, &e) != 0)
		goto fail;
	if (n > 0)
		log_debug(engine_log_level(d->en), "engine", "applied entries=%zu", n);
	/* what the slice queued is in the store's delivery queue: claim it while the rest of
	 * the tick is still being applied */
	if (sender_kick(d, &e) != 0)
		goto fail;
	if (sched_next_due(d->en, &next, &e) != 0 || deliver_next(d->en, &ready, &e) != 0)
		goto fail;
	if (!d->snd.busy && ready < next)
		next = ready; /* a retry coming due (while busy, the batch's end kicks) */
	now = engine_clock_read(d->en);
	if (n >= RUN_SLICE || (next != INT64_MAX && next <= now))
		wait_ms = 0;
	else if (next != INT64_MAX && (uint64_t)(next - now) * 1000 < wait_ms)
		wait_ms = (uint64_t)(next - now) * 1000;
	uv_timer_start(&d->timer, on_timer, wait_ms, 0);
	return;
fail:
	stop_on(d, &e);
}

static void
on_signal(uv_signal_t *s, int signum)
{
	struct daemon *d = s->data;
	struct dberr e;

	if (signum == SIGHUP) {
		struct config cfg;

		dberr_clear(&e);
		log_info(engine_log_level(d->en), "engine",
		         "SIGHUP: reloading the configuration and the plans");
		/* a bad new configuration keeps the old one running, and says why */
		if (config_load(engine_config(d->en)->arg_path, &cfg, &e) == 0) {
			engine_set_config(d->en, &cfg);
			config_release(&cfg);
			/* the sender thread reads its copy only while a batch is out */
			if (d->snd.busy) {
				d->snd.refresh = true;
			} else {
				config_release(&d->snd.cfg);
				config_copy(engine_config(d->en), &d->snd.cfg);
			}
		} else {
			log_warnx(engine_log_level(d->en), "engine",
			          "configuration not reloaded: %s", e.msg);
			dberr_clear(&e);
		}
		if (engine_reload(d->en, &e) != 0)
			log_warnx(engine_log_level(d->en), "engine",
			          "plans not reloaded, the old ones keep running: %s", e.msg);
		return;
	}
	log_info(engine_log_level(d->en), "engine", "signal=%d stopping", signum);
	/* the batch in flight is abandoned, not finished: a slow server must not hold the stop */
	sender_cancel(&d->snd);
	uv_stop(&d->loop);
}

static void
close_walk(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

/* Reads the kernel's table of locks rather than trying the lock: a probe that took it,
 * even for an instant, could make a starting `run` find it held and refuse to start.
 * A flock line reads "N: FLOCK  ADVISORY  WRITE PID MAJ:MIN:INODE 0 EOF" (hex device
 * numbers); waiters are listed as "N: -> FLOCK ...", which the type check skips. */
bool
daemon_serving(const char *dir)
{
	char *path = xasprintf("%s/daemon.lock", dir), line[256];
	struct stat st;
	FILE *f = NULL;
	bool held = false;

	if (stat(path, &st) != 0 || (f = fopen("/proc/locks", "re")) == NULL)
		goto out;
	while (!held && fgets(line, sizeof(line), f) != NULL) {
		char type[16], mode[16];
		unsigned maj, min;
		unsigned long ino;

		if (sscanf(line, "%*d: %15s %*s %15s %*d %x:%x:%lu", type, mode, &maj, &min,
		           &ino) == 5)
			held = strcmp(type, "FLOCK") == 0 && strcmp(mode, "WRITE") == 0 &&
			       ino == (unsigned long)st.st_ino && maj == major(st.st_dev) &&
			       min == minor(st.st_dev);
	}
out:
	if (f != NULL)
		fclose(f);
	free(path);
	return held;
}

/* One daemon per store: an exclusive flock on <db>/daemon.lock, held until the process
 * ends (the kernel drops it however the process dies). The file holds the holder's pid so
 * a second `run` can say who. */
static int
lock_store(struct engine *en, int *fd_out, struct dberr *e)
{
	const char *dir = store_dir(engine_store(en));
	char *path = xasprintf("%s/daemon.lock", dir);
	char pid[32] = "";
	ssize_t got;
	int fd, rc = 0;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = dberr_set(e, -errno, "cannot open %s: %s", path, strerror(errno));
		goto out;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int err = errno;

		got = pread(fd, pid, sizeof(pid) - 1, 0);
		pid[got > 0 ? got : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		close(fd);
		if (err == EWOULDBLOCK)
			rc = dberr_set(e, DB_ETEMP, "store %s is already run by process %s (%s holds "
			               "its lock); one daemon per store", dir, pid[0] ? pid : "?",
			               path);
		else
			rc = dberr_set(e, -err, "cannot lock %s: %s", path, strerror(err));
		goto out;
	}
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, strlen(pid), 0) < 0)
		log_warn(engine_log_level(en), "engine", "cannot write the pid into %s", path);
	*fd_out = fd;
out:
	free(path);
	return rc;
}

int
daemon_run(struct engine *en, struct dberr *e)
{
	struct daemon d;
	bool finished;
	int rc, lockfd = -1;

	memset(&d, 0, sizeof(d));
	d.en = en;
	d.snd.cancel[0] = d.snd.cancel[1] = -1;
	d.snd.log_level = engine_log_level(en);
	if ((rc = lock_store(en, &lockfd, e)) != 0)
		return rc;
	/* pipe(), not pipe2(): _GNU_SOURCE would make <sched.h> define SCHED_BATCH */
	if (pipe(d.snd.cancel) != 0 || fcntl(d.snd.cancel[0], F_SETFD, FD_CLOEXEC) != 0 ||
	    fcntl(d.snd.cancel[1], F_SETFD, FD_CLOEXEC) != 0) {
		rc = dberr_set(e, -errno, "cannot make a pipe: %s", strerror(errno));
		close(lockfd);
		return rc;
	}
	engine_set_started(en, engine_clock_read(en));
	store_set_yielding(engine_store(en));
	uv_loop_init(&d.loop);
	uv_timer_init(&d.loop, &d.timer);
	d.timer.data = &d;
	uv_mutex_init(&d.snd.lock);
	uv_cond_init(&d.snd.wake);
	uv_async_init(&d.loop, &d.snd.done, on_sent);
	d.snd.done.data = &d;
	config_copy(engine_config(en), &d.snd.cfg);
	uv_thread_create(&d.snd.thread, sender_main, &d.snd);
	uv_signal_init(&d.loop, &d.sigterm);
	uv_signal_init(&d.loop, &d.sigint);
	uv_signal_init(&d.loop, &d.sighup);
	d.sigterm.data = d.sigint.data = d.sighup.data = &d;
	uv_signal_start(&d.sigterm, on_signal, SIGTERM);
	uv_signal_start(&d.sigint, on_signal, SIGINT);
	uv_signal_start(&d.sighup, on_signal, SIGHUP);
	log_info(engine_log_level(en), "engine",
	         "running store=%s plans=%zu", store_dir(engine_store(en)),
	         engine_nplans(en));
	uv_timer_start(&d.timer, on_timer, 0, 0);
	uv_run(&d.loop, UV_RUN_DEFAULT);
	/* Stop the sender: the batch in flight was abandoned (sender_cancel), so the join is
	 * quick. What it finished is recorded; the rest of its claims are given back. */
	uv_mutex_lock(&d.snd.lock);
	d.snd.stop = true;
	uv_cond_signal(&d.snd.wake);
	uv_mutex_unlock(&d.snd.lock);
	sender_cancel(&d.snd);
	uv_thread_join(&d.snd.thread);
	if (d.snd.out != NULL) {
		struct dberr e2;

		dberr_clear(&e2);
		if (record_ready(&d, 0, &finished, &e2) != 0 ||
		    deliver_release(en, d.snd.out, &e2) != 0)
			log_warnx(engine_log_level(en), "engine",
			          "results of the last batch not recorded (their claims "
			          "expire): %s", e2.msg);
		deliver_batch_free(d.snd.out);
		d.snd.out = NULL;
	}
	free(d.snd.ready);
	uv_walk(&d.loop, close_walk, NULL);
	uv_run(&d.loop, UV_RUN_DEFAULT);
	rc = uv_loop_close(&d.loop);
	if (rc != 0)
		log_warnx(engine_log_level(en), "engine",
		          "loop did not close cleanly: %s", uv_strerror(rc));
	uv_mutex_destroy(&d.snd.lock);
	uv_cond_destroy(&d.snd.wake);
	config_release(&d.snd.cfg);
	close(d.snd.cancel[0]);
	close(d.snd.cancel[1]);
	free(d.fingerprint);
	log_info(engine_log_level(en), "engine", "stopped");
	close(lockfd);
	if (d.status != 0)
		*e = d.err;
	return d.status;
}
