/*
 * deliver_smtp.c - a delivery batch through notifiers/smtp.h (one libESMTP session in the
 * SMTP helper process). Runs in the sender thread: it reads only the batch and its own
 * copy of the configuration, and passes each message's results on as soon as they are
 * known, each exactly once.
 */
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "engine/deliver/deliver_int.h"
#include "notifiers/smtp.h"

struct relay {
	struct deliver_batch *b;
	void (*done)(size_t i, void *arg);
	void *arg;
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

static void
on_result(size_t i, const struct notify_smtp_status *st, void *arg)
{
	struct relay *r = arg;

	copy_results(&r->b->v[i], st, "");
	r->b->v[i].done = true;
	if (r->done)
		r->done(i, r->arg);
}

void
deliver_smtp_send(const struct config *cfg, struct deliver_batch *b, int cancel_fd,
                  void (*done)(size_t i, void *arg), void *arg)
{
	struct notify_smtp_server srv = {0};
	struct notify_smtp_msg *msgs = xcalloc(b->n ? b->n : 1, sizeof(*msgs));
	struct notify_smtp_status *st = xcalloc(b->n ? b->n : 1, sizeof(*st));
	struct relay r = {b, done, arg};
	struct notify_smtp_batch_opts opts = {0};
	struct dberr e;

	srv.host = cfg->host;
	srv.port = cfg->port;
	srv.security = cfg->security == CONFIG_SMTP_STARTTLS ? NOTIFY_SMTP_STARTTLS
	                                                     : NOTIFY_SMTP_PLAIN;
	srv.ca_file = cfg->ca_file;
	srv.user = cfg->user;
	srv.password = cfg->password;
	srv.from = cfg->from;
	srv.timeout_ms = cfg->timeout_ms;
	for (size_t i = 0; i < b->n; i++) {
		msgs[i].data = b->v[i].message;
		msgs[i].len = b->v[i].len;
		msgs[i].rcpt = (const char *const *)b->v[i].rcpt;
		msgs[i].nrcpt = b->v[i].nrcpt;
	}
	opts.on_result = on_result;
	opts.arg = &r;
	opts.cancel_fd = cancel_fd;
	dberr_clear(&e);
	/* messages the session answered were passed on one by one; what is left (the helper
	 * died, no connection) comes back as temporary failures with the reason, unless the
	 * batch was abandoned: those stay without a result, their claims to be released */
	if (notify_smtp_batch_send(&srv, msgs, b->n, &opts, st, &e) != DB_ECANCELED) {
		for (size_t i = 0; i < b->n; i++) {
			if (b->v[i].done)
				continue;
			copy_results(&b->v[i], &st[i], e.msg[0] ? e.msg : "no answer from the server");
			b->v[i].done = true;
			if (done)
				done(i, arg);
		}
	}
	notify_smtp_status_release(st, b->n);
	free(st);
	free(msgs);
}
