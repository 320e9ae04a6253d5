/*
 * deliver_smtp.c - a delivery batch through notifiers/smtp_send.h. Runs in the sender
 * thread: it reads only the batch and its own copy of the configuration.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/base/xalloc.h"
#include "engine/engine.h"
#include "notifiers/smtp_send.h"

void
deliver_send(const struct config *cfg, struct deliver_batch *b)
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
	/* a local failure leaves every result a temporary failure with its reason */
	notify_smtp_send(&c, mails, b->n, &e);
	for (size_t i = 0; i < b->n; i++) {
		struct deliver_item *it = &b->v[i];

		for (size_t k = 0; k < it->nrcpt; k++) {
			struct notify_smtp_rcpt *r = &mails[i].rcpt[k];

			it->result[k] = r->result == NOTIFY_SMTP_DELIVERED ? DELIVER_OK
			                : r->result == NOTIFY_SMTP_PERMFAIL ? DELIVER_PERM : DELIVER_TEMP;
			it->code[k] = r->code;
			free(it->reply[k]);
			it->reply[k] = xstrdup(r->text[0] ? r->text : (e.msg[0] ? e.msg : ""));
		}
		free(mails[i].rcpt);
	}
	free(mails);
}
