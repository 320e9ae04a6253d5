/*
 * deliver_smtp.c - a delivery batch through notifiers/smtp_send.h. Runs in the sender
 * thread: it reads only the batch and its own copy of the configuration.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/base/xalloc.h"
#include "engine/engine.h"
#include "notifiers/smtp_send.h"

struct relay {
	struct deliver_batch *b;
	struct notify_smtp_mail *mails;
	void (*done)(size_t i, void *arg);
	void *arg;
	const char *error;
};

static void
copy_results(struct deliver_item *it, const struct notify_smtp_mail *m, const char *error)
{
	for (size_t k = 0; k < it->nrcpt; k++) {
		const struct notify_smtp_rcpt *r = &m->rcpt[k];

		it->result[k] = r->result == NOTIFY_SMTP_DELIVERED ? DELIVER_OK
		                : r->result == NOTIFY_SMTP_PERMFAIL ? DELIVER_PERM : DELIVER_TEMP;
		it->code[k] = r->code;
		free(it->reply[k]);
		it->reply[k] = xstrdup(r->text[0] ? r->text : error);
	}
}

static void
relay_done(size_t i, void *arg)
{
	struct relay *r = arg;

	copy_results(&r->b->v[i], &r->mails[i], "");
	if (r->done)
		r->done(i, r->arg);
}

void
deliver_send(const struct config *cfg, struct deliver_batch *b,
             void (*done)(size_t i, void *arg), void *arg)
{
	struct notify_smtp_config c = {0};
	struct notify_smtp_mail *mails = xcalloc(b->n ? b->n : 1, sizeof(*mails));
	struct dberr e;

	c.host = cfg->host;
	c.port = cfg->port;
	c.starttls = cfg->security == CONFIG_SMTP_STARTTLS;
	c.ca_file = cfg->ca_file;
	c.user = cfg->user;
	c.password = cfg->password;
	c.from = cfg->from;
	c.timeout_ms = cfg->timeout_ms;
	for (size_t i = 0; i < b->n; i++) {
		struct deliver_item *it = &b->v[i];

		mails[i].data = it->message;
		mails[i].len = it->len;
		mails[i].nrcpt = it->nrcpt;
		mails[i].rcpt = xcalloc(it->nrcpt ? it->nrcpt : 1, sizeof(*mails[i].rcpt));
		for (size_t k = 0; k < it->nrcpt; k++)
			mails[i].rcpt[k].addr = it->rcpt[k];
	}
	dberr_clear(&e);
	struct relay r = {b, mails, done, arg, ""};
	/* a local failure leaves every result a temporary failure with its reason; the
	 * messages the server answered were already passed on, one by one */
	notify_smtp_send(&c, mails, b->n, relay_done, &r, &e);
	for (size_t i = 0; i < b->n; i++) {
		copy_results(&b->v[i], &mails[i], e.msg);
		free(mails[i].rcpt);
	}
	free(mails);
}
