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
 * synchronous on this thread, so none is ever cut in half); SIGHUP re-reads the plans.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "engine/daemon/daemon.h"

#define RUN_TICK_MS 1000

/* The sender thread: delivery blocks on the network (an SMTP session in a child
 * process), so it never runs on the loop. The loop prepares a batch from the store and
 * hands it over; the thread sends it and wakes the loop through uv_async, which records
 * the results in the store. One batch at a time: the next one is prepared when the
 * results of the last are in. */
struct sender {
	uv_thread_t thread;
	uv_mutex_t lock;
	uv_cond_t wake;
	uv_async_t done;          /* thread -> loop: the batch is sent */
	struct deliver_batch *todo;   /* handed to the thread; guarded by lock */
	struct deliver_batch *sent;   /* handed back whole; guarded by lock */
	struct deliver_batch *out;    /* loop side: the batch being sent */
	size_t *ready;            /* items whose results are in, not yet recorded; lock */
	size_t nready, capready;
	struct config cfg;        /* the thread's own copy, replaced only while idle */
	bool busy;                /* loop side: a batch is out */
	bool refresh;             /* loop side: copy the configuration when the batch is back */
	bool stop;                /* guarded by lock */
};

struct daemon {
	uv_loop_t loop;
	uv_timer_t timer;
	uv_signal_t sigterm, sigint, sighup;
	struct engine *en;
	struct sender snd;
	char *fingerprint;
	int status;              /* the first store error's code, 0 while running */
	struct dberr err;        /* its details */
};

/* A store error is not survivable silently: keep it, stop, let the supervisor restart. */
static void
stop_on(struct daemon *d, const struct dberr *e)
{
	if (d->status == 0) {
		d->status = e->code ? e->code : DB_ESOFTWARE;
		d->err = *e;
	}
	uv_stop(&d->loop);
}

static void
log_action(const struct engine_action *a, void *arg)
{
	char at[40], planned[40];

	(void)arg;
	tz_format_rfc3339(a->plan->tz, a->at, at);
	tz_format_rfc3339(a->plan->tz, a->planned, planned);
	log_info("engine", "action kind=%s task=%s subject=%s to=%s planned=%s applied=%s%s",
	         a->kind, a->task, a->subject ? a->subject : "",
	         a->recipients && *a->recipients ? a->recipients : "-", planned, at,
	         a->at > a->planned + 1 ? " late=1" : "");
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
			log_info("engine", "plans changed, reloading");
			if (engine_reload(d->en, e) != 0) {
				log_warnx("engine", "plans not reloaded, the old ones keep running: "
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

/* Sender thread: an item's results are in; the loop records them at once, so a kill of
 * the daemon repeats at most the messages whose results were still on their way. */
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
	struct deliver_batch *b;

	for (;;) {
		uv_mutex_lock(&s->lock);
		while (s->todo == NULL && !s->stop)
			uv_cond_wait(&s->wake, &s->lock);
		if (s->stop) {
			uv_mutex_unlock(&s->lock);
			return;
		}
		b = s->todo;
		s->todo = NULL;
		uv_mutex_unlock(&s->lock);
		deliver_send(&s->cfg, b, sender_item_done, s);
		uv_mutex_lock(&s->lock);
		s->sent = b;
		uv_mutex_unlock(&s->lock);
		uv_async_send(&s->done);
	}
}

/* Hands the next batch of pending notices to the sender thread, if it is idle. Without an
 * SMTP server, notices become .eml files right here: no network is involved. */
static int
sender_kick(struct daemon *d, struct dberr *e)
{
	struct deliver_batch *b = NULL;
	int rc;

	if (!engine_config(d->en)->smtp)
		return deliver_all(d->en, NULL, e);
	if (d->snd.busy || engine_pending_n(d->en) == 0)
		return 0;
	if ((rc = deliver_prepare(d->en, DELIVER_BATCH, &b, e)) != 0 || b == NULL)
		return rc;
	d->snd.busy = true;
	d->snd.out = b;
	uv_mutex_lock(&d->snd.lock);
	d->snd.todo = b;
	uv_cond_signal(&d->snd.wake);
	uv_mutex_unlock(&d->snd.lock);
	return 0;
}

/* Records the items whose results came in (and, when given, the rest of batch b). */
static int
record_ready(struct daemon *d, struct deliver_batch *b, struct dberr *e)
{
	struct deliver_item **items = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	uv_mutex_lock(&d->snd.lock);
	for (size_t i = 0; i < d->snd.nready && d->snd.out; i++) {
		items = xgrow(items, &cap, n + 1, sizeof(*items));
		items[n++] = &d->snd.out->v[d->snd.ready[i]];
	}
	d->snd.nready = 0;
	uv_mutex_unlock(&d->snd.lock);
	for (size_t i = 0; b != NULL && i < b->n; i++) {
		items = xgrow(items, &cap, n + 1, sizeof(*items));
		items[n++] = &b->v[i];
	}
	if (n > 0)
		rc = deliver_apply(d->en, items, n, e);
	free(items);
	return rc;
}

static void
on_sent(uv_async_t *a)
{
	struct daemon *d = a->data;
	struct deliver_batch *b;
	struct dberr e;

	dberr_clear(&e);
	uv_mutex_lock(&d->snd.lock);
	b = d->snd.sent;
	d->snd.sent = NULL;
	uv_mutex_unlock(&d->snd.lock);
	if (record_ready(d, b, &e) != 0) {
		stop_on(d, &e);
		return;
	}
	if (b == NULL)
		return;
	d->snd.busy = false;
	d->snd.out = NULL;
	if (d->snd.refresh) {
		config_release(&d->snd.cfg);
		config_copy(engine_config(d->en), &d->snd.cfg);
		d->snd.refresh = false;
	}
	if (sender_kick(d, &e) != 0)
		stop_on(d, &e);
	log_info("notifiers", "batch delivered notices=%zu", b->n);
	deliver_batch_free(b);
}

static void
on_timer(uv_timer_t *t)
{
	struct daemon *d = t->data;
	struct dberr e;
	int64_t now, next;
	uint64_t wait_ms = RUN_TICK_MS;
	size_t n = 0;

	dberr_clear(&e);
	if (check_plans(d, &e) != 0)
		goto fail;
	now = engine_clock_read(d->en);
	/* no hook: the sender thread delivers what each batch queued (sender_kick below) */
	if (sched_apply_due(d->en, now, false, NULL, &n, &e) != 0)
		goto fail;
	if (n > 0)
		log_debug("engine", "applied entries=%zu", n);
	if (sender_kick(d, &e) != 0)
		goto fail;
	if (sched_next_due(d->en, &next, &e) != 0)
		goto fail;
	now = engine_clock_read(d->en);
	if (next != INT64_MAX && next > now && (uint64_t)(next - now) * 1000 < wait_ms)
		wait_ms = (uint64_t)(next - now) * 1000;
	else if (next != INT64_MAX && next <= now)
		wait_ms = 0;
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
		log_info("engine", "SIGHUP: reloading the configuration and the plans");
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
			log_warnx("engine", "configuration not reloaded: %s", e.msg);
			dberr_clear(&e);
		}
		if (engine_reload(d->en, &e) != 0)
			log_warnx("engine", "plans not reloaded, the old ones keep running: %s", e.msg);
		return;
	}
	log_info("engine", "signal=%d stopping", signum);
	uv_stop(&d->loop);
}

static void
close_walk(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

int
daemon_run(struct engine *en, struct dberr *e)
{
	struct daemon d;
	int rc;

	memset(&d, 0, sizeof(d));
	d.en = en;
	if (log_get_level() < LOG_LEVEL_INFO && log_get_level() != LOG_LEVEL_QUIET)
		log_set_level(LOG_LEVEL_INFO);
	engine_on_action(en, log_action, NULL);
	engine_set_started(en, engine_clock_read(en));
	/* queued notices a killed daemon left go to the sender thread once the loop runs */
	if ((rc = deliver_resume(en, e)) != 0)
		return rc;
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
	log_info("engine", "running store=%s plans=%zu", store_dir(engine_store(en)),
	         engine_nplans(en));
	uv_timer_start(&d.timer, on_timer, 0, 0);
	uv_run(&d.loop, UV_RUN_DEFAULT);
	/* Stop the sender after the batch it may be sending: its results are recorded, so
	 * nothing sent is sent again. */
	uv_mutex_lock(&d.snd.lock);
	d.snd.stop = true;
	uv_cond_signal(&d.snd.wake);
	uv_mutex_unlock(&d.snd.lock);
	uv_thread_join(&d.snd.thread);
	if (d.snd.out != NULL) {
		struct dberr e2;

		dberr_clear(&e2);
		/* what the thread finished is recorded; an unfinished batch was never started */
		if (record_ready(&d, d.snd.sent, &e2) != 0)
			log_warnx("engine", "results of the last batch not recorded: %s", e2.msg);
		deliver_batch_free(d.snd.out);
	}
	free(d.snd.ready);
	uv_walk(&d.loop, close_walk, NULL);
	uv_run(&d.loop, UV_RUN_DEFAULT);
	rc = uv_loop_close(&d.loop);
	if (rc != 0)
		log_warnx("engine", "loop did not close cleanly: %s", uv_strerror(rc));
	uv_mutex_destroy(&d.snd.lock);
	uv_cond_destroy(&d.snd.wake);
	config_release(&d.snd.cfg);
	free(d.fingerprint);
	engine_on_action(en, NULL, NULL);
	log_info("engine", "stopped");
	if (d.status != 0)
		*e = d.err;
	return d.status;
}
