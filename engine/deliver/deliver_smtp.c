/*
 * deliver_smtp.c - a delivery batch through notifiers/smtp.h: smtp.connections libESMTP
 * sessions at once, each in an SMTP helper process of its own, kept from batch to batch
 * (struct deliver_helpers). Runs in the sender thread (and threads of its own, one per
 * session, that end before it returns): it reads only the batch and its own copy of the
 * configuration, and passes each message's results on as soon as they are known, each
 * exactly once.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "engine/deliver/deliver_int.h"
#include "notifiers/smtp.h"

/* A batch over cfg->connections sessions at once, each in a thread of its own with its
 * own helper process (notifiers/smtp.h allows several at once). Session k sends items k,
 * k + n, k + 2n, ... (n sessions), so the earliest notices go first on every connection.
 * Each item is in exactly one session, under the batch's one claim: running sessions side
 * by side changes how fast, never what is sent or how often. Results reach done in the
 * calling thread, as deliver_send promises, through the ready list. */
struct parallel {
	struct deliver_batch *b;
	const struct notify_smtp_server *srv;
	int cancel_fd;
	pthread_mutex_t mu;
	pthread_cond_t cv;        /* an item is ready, or a session ended */
	size_t *ready;            /* items whose results are in, in that order; mu */
	size_t nready, capready, passed; /* passed: how many of them done has had */
	size_t running;           /* sessions not yet ended; mu */
	bool here;                /* one session, run in the calling thread: each result
	                             straight to done, with no thread to wake */
	void (*done)(size_t i, void *arg);
	void *arg;
};

/* One helper per connection, started in the thread that calls deliver_smtp_send (a
 * helper dies with the thread that started it: never a session's thread, which ends with
 * its batch). */
struct deliver_helpers {
	struct notify_smtp_helper *h[CONFIG_CONNECTIONS_MAX];
};

struct deliver_helpers *
deliver_helpers_new(void)
{
	struct deliver_helpers *hs = xcalloc(1, sizeof(*hs));

	for (size_t k = 0; k < CONFIG_CONNECTIONS_MAX; k++)
		hs->h[k] = notify_smtp_helper_new();
	return hs;
}

void
deliver_helpers_free(struct deliver_helpers *hs)
{
	if (hs == NULL)
		return;
	for (size_t k = 0; k < CONFIG_CONNECTIONS_MAX; k++)
		notify_smtp_helper_free(hs->h[k]);
	free(hs);
}

struct session {
	struct parallel *par;
	struct notify_smtp_helper *helper; /* NULL: one of its own for this batch */
	size_t *idx;              /* the batch's items this session sends */
	size_t n;
	pthread_t thread;
};

static void
copy_results(struct deliver_item *it, const struct notify_smtp_status *st, const char *error)
{
	for (size_t k = 0; k < it->nrcpt; k++) {
		const struct notify_smtp_rcpt_status *r = k < st->nrcpt ? &st->rcpt[k] : NULL;
		const char *text = r && r->text[0] ? r->text : st->text[0] ? st->text : error;

		it->result[k] = r == NULL ? DELIVER_TEMP
		                : r->cls == NOTIFY_SMTP_CLS_DELIVERED ? DELIVER_OK
		                : r->cls == NOTIFY_SMTP_CLS_PERMFAIL ? DELIVER_PERM : DELIVER_TEMP;
		it->code[k] = r ? r->code : 0;
		free(it->reply[k]);
		it->reply[k] = xstrdup(text);
	}
}

/* In a session's thread: item i of the batch has its results. */
static void
ready(struct parallel *p, size_t i)
{
	if (p->here) {
		if (p->done)
			p->done(i, p->arg);
		return;
	}
	pthread_mutex_lock(&p->mu);
	p->ready = xgrow(p->ready, &p->capready, p->nready + 1, sizeof(*p->ready));
	p->ready[p->nready++] = i;
	if (p->done != NULL)
		pthread_cond_signal(&p->cv); /* else only a session's end wakes the caller */
	pthread_mutex_unlock(&p->mu);
}

static void
on_result(size_t i, const struct notify_smtp_status *st, void *arg)
{
	struct session *s = arg;
	struct deliver_item *it = &s->par->b->v[s->idx[i]];

	copy_results(it, st, "");
	it->done = true;
	ready(s->par, s->idx[i]);
}

static void *
session_main(void *arg)
{
	struct session *s = arg;
	struct parallel *p = s->par;
	struct notify_smtp_msg *msgs = xcalloc(s->n ? s->n : 1, sizeof(*msgs));
	struct notify_smtp_status *st = xcalloc(s->n ? s->n : 1, sizeof(*st));
	struct notify_smtp_batch_opts opts = {0};
	struct dberr e;

	for (size_t i = 0; i < s->n; i++) {
		const struct deliver_item *it = &p->b->v[s->idx[i]];

		msgs[i].data = it->message;
		msgs[i].len = it->len;
		msgs[i].rcpt = (const char *const *)it->rcpt;
		msgs[i].nrcpt = it->nrcpt;
	}
	opts.on_result = on_result;
	opts.arg = s;
	opts.cancel_fd = p->cancel_fd;
	opts.helper = s->helper;
	/* nobody waits for each result (`advance`, `deliver`: the batch's results are
	 * recorded together when it ends): read them every few ms, not one wake a message */
	if (p->done == NULL)
		opts.gather_ms = 2;
	dberr_clear(&e);
	/* messages the session answered were passed on one by one; what is left (the helper
	 * died, no connection) comes back as temporary failures with the reason, unless the
	 * batch was abandoned: those stay without a result, their claims to be released */
	if (notify_smtp_batch_send(p->srv, msgs, s->n, &opts, st, &e) != DB_ECANCELED) {
		for (size_t i = 0; i < s->n; i++) {
			struct deliver_item *it = &p->b->v[s->idx[i]];

			if (it->done)
				continue;
			copy_results(it, &st[i], e.msg[0] ? e.msg : "no answer from the server");
			it->done = true;
			ready(p, s->idx[i]);
		}
	}
	notify_smtp_status_release(st, s->n);
	free(st);
	free(msgs);
	pthread_mutex_lock(&p->mu);
	p->running--;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

void
deliver_smtp_send(const struct config *cfg, struct deliver_helpers *hs,
                  struct deliver_batch *b, int cancel_fd,
                  void (*done)(size_t i, void *arg), void *arg)
{
	struct notify_smtp_server srv = {0};
	struct parallel p = {.b = b, .srv = &srv, .cancel_fd = cancel_fd, .done = done,
	                     .arg = arg};
	size_t nsess = cfg->connections > 1 ? (size_t)cfg->connections : 1;
	struct session *sess;
	bool *started;

	if (nsess > CONFIG_CONNECTIONS_MAX)
		nsess = CONFIG_CONNECTIONS_MAX;
	if (nsess > b->n)
		nsess = b->n ? b->n : 1;
	srv.host = cfg->host;
	srv.port = cfg->port;
	srv.security = cfg->security == CONFIG_SMTP_STARTTLS ? NOTIFY_SMTP_STARTTLS
	                                                     : NOTIFY_SMTP_PLAIN;
	srv.ca_file = cfg->ca_file;
	srv.user = cfg->user;
	srv.password = cfg->password;
	srv.from = cfg->from;
	srv.timeout_ms = cfg->timeout_ms;
	sess = xcalloc(nsess, sizeof(*sess));
	started = xcalloc(nsess, sizeof(*started));
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	for (size_t k = 0; k < nsess; k++) {
		struct dberr e;

		sess[k].par = &p;
		/* started here, in the thread that outlives the batch; one that cannot start is
		 * tried again in its session, which reports why */
		dberr_clear(&e);
		if (hs != NULL && notify_smtp_helper_start(hs->h[k], &srv, &e) == 0)
			sess[k].helper = hs->h[k];
		sess[k].idx = xcalloc(b->n / nsess + 1, sizeof(size_t));
		for (size_t i = k; i < b->n; i += nsess)
			sess[k].idx[sess[k].n++] = i;
	}
	p.running = nsess;
	/* one connection: its session here (each result a wake of this thread and another
	 * of a session thread's, per message, cost more than the session's own work) */
	p.here = nsess == 1;
	for (size_t k = 0; k < nsess && p.here; k++)
		session_main(&sess[k]);
	for (size_t k = 0; k < nsess && !p.here; k++) {
		started[k] = pthread_create(&sess[k].thread, NULL, session_main, &sess[k]) == 0;
		if (!started[k])
			session_main(&sess[k]); /* no thread to be had: this session here, in turn */
	}
	/* every result passed on here, in this thread, as it comes, until every session ends */
	pthread_mutex_lock(&p.mu);
	while (p.running > 0 || p.passed < p.nready) {
		if (p.passed == p.nready) {
			pthread_cond_wait(&p.cv, &p.mu);
			continue;
		}
		{
			size_t i = p.ready[p.passed++];

			pthread_mutex_unlock(&p.mu);
			if (done)
				done(i, arg);
			pthread_mutex_lock(&p.mu);
		}
	}
	pthread_mutex_unlock(&p.mu);
	for (size_t k = 0; k < nsess; k++) {
		if (started[k])
			pthread_join(sess[k].thread, NULL);
		free(sess[k].idx);
	}
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	free(p.ready);
	free(started);
	free(sess);
}
