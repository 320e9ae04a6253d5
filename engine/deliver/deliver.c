/*
 * deliver.c - from the outbox to the SMTP server, at least once and as close to exactly
 * once as SMTP allows.
 *
 * A notice is marked sent in the transaction that learns the server accepted it; a crash
 * between the server's reply and that commit can repeat only the messages of that batch,
 * with the same bytes and the same Message-ID (derived from the notice key), so a mail
 * system can drop the duplicate. Each recipient's result is kept: a recipient the server
 * accepted is never sent the notice again, whatever happens to the others.
 *
 * Temporary failures (4xx, no connection, a timeout, the sender process dying) retry with
 * exponential backoff from one minute to one hour, through an entry in the due index;
 * past the lifetime (five days, an MTA's queue lifetime) or on a permanent failure (5xx)
 * the notice is failed, the audit trail says so, and the registry's admin is told.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "engine/deliver/deliver.h"

#define DELIVER_FIRST_RETRY 60
#define DELIVER_MAX_RETRY 3600
#define DELIVER_LIFETIME (5 * 86400)

static const char *
rcpt_state(const struct store_notice *n, const char *addr)
{
	char key[600];

	snprintf(key, sizeof(key), "rcpt:%s", addr);
	return store_kv_get(n->extra, n->nextra, key);
}

struct prep {
	struct engine *en;
	size_t max;
	size_t taken;
	struct deliver_batch *b;
};

#define RETRY_PREFIX "deliver#"


static int
prep_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct prep *p = arg;
	size_t cap = 0;

	p->b->n = 0;
	for (p->taken = 0; p->taken < engine_pending_n(p->en) && p->b->n < p->max; p->taken++) {
		struct store_notice n;
		struct deliver_item it = {0};
		int rc = store_notice_get(txn, engine_pending_at(p->en, p->taken), &n, e);

		if (rc == DB_ENOTFOUND) {
			dberr_clear(e);
			continue;
		}
		if (rc != 0)
			return rc;
		if (strcmp(n.state, "queued") == 0 || strcmp(n.state, "retrying") == 0) {
			it.key = xstrdup(n.key);
			it.message = xstrdup(n.message);
			it.len = strlen(n.message);
			it.rcpt = xcalloc(n.nto ? n.nto : 1, sizeof(char *));
			for (size_t i = 0; i < n.nto; i++) {
				const char *st = rcpt_state(&n, n.to[i]);
				/* delivered already, or left to the recipient's daily digest */
				if (st == NULL || (strncmp(st, "delivered", 9) != 0 &&
				                   strncmp(st, "digest", 6) != 0))
					it.rcpt[it.nrcpt++] = xstrdup(n.to[i]);
			}
			it.result = xcalloc(it.nrcpt ? it.nrcpt : 1, sizeof(*it.result));
			it.code = xcalloc(it.nrcpt ? it.nrcpt : 1, sizeof(*it.code));
			it.reply = xcalloc(it.nrcpt ? it.nrcpt : 1, sizeof(*it.reply));
			p->b->v = xgrow(p->b->v, &cap, p->b->n + 1, sizeof(it));
			p->b->v[p->b->n++] = it;
		}
		store_notice_release(&n);
	}
	return 0;
}

int
deliver_prepare(struct engine *en, size_t max, struct deliver_batch **out, struct dberr *e)
{
	struct prep p = {en, max, 0, xcalloc(1, sizeof(struct deliver_batch))};
	int rc = store_read(engine_store(en), prep_txn, &p, e);

	if (rc != 0) {
		deliver_batch_free(p.b);
		return rc;
	}
	engine_pending_drop_front(en, p.taken);
	if (p.b->n == 0) {
		deliver_batch_free(p.b);
		p.b = NULL;
	}
	*out = p.b;
	return 0;
}

void
deliver_batch_free(struct deliver_batch *b)
{
	if (b == NULL)
		return;
	for (size_t i = 0; i < b->n; i++) {
		struct deliver_item *it = &b->v[i];
		for (size_t k = 0; k < it->nrcpt; k++) {
			free(it->rcpt[k]);
			free(it->reply[k]);
		}
		free(it->key);
		free(it->message);
		free(it->rcpt);
		free(it->result);
		free(it->code);
		free(it->reply);
	}
	free(b->v);
	free(b);
}

static int
queue_failure(struct engine *en, struct store_txn *txn, const struct store_notice *n,
              const char *why, const char *attempts, struct dberr *e)
{
	const struct engine_plan *ep = engine_plan_find(en, n->plan);
	struct notice_var vars[2] = {{"error", why}, {"attempts", attempts}};
	struct notice_req r = {0};
	char *key;
	int rc;

	if (ep == NULL || strstr(n->key, "#delivery-failed") != NULL)
		return 0; /* never a failure notice about a failure notice */
	key = xasprintf("%s#delivery-failed", n->key);
	r.ep = ep;
	r.kind = "delivery-failed";
	r.fallback = "delivery-failed";
	r.key = key;
	r.subject = n->subject;
	r.tasks = (const char *const *)n->tasks;
	r.ntasks = n->ntasks;
	r.targets = NULL;    /* no role: the notice goes to the registry's admin contact */
	r.ntargets = 0;
	r.scheduled = engine_now(en);
	r.vars = vars;
	r.nvars = 2;
	rc = notice_queue(en, txn, &r, e);
	free(key);
	return rc;
}

/* One notice's results into its record: per recipient, then the notice's state. */
static int
apply_one(struct engine *en, struct store_txn *txn, const struct deliver_item *it,
          struct dberr *e)
{
	struct store_notice n;
	struct buf why = BUF_INIT, details = BUF_INIT;
	char num[32], *old_state;
	long attempts;
	bool temp = false, perm = false, all_done = true;
	int64_t now = engine_now(en);
	int rc = store_notice_get(txn, it->key, &n, e);

	if (rc != 0)
		return rc;
	attempts = store_kv_get(n.extra, n.nextra, "attempts") ?
	           atol(store_kv_get(n.extra, n.nextra, "attempts")) + 1 : 1;
	snprintf(num, sizeof(num), "%ld", attempts);
	store_kv_set(&n.extra, &n.nextra, "attempts", num);
	for (size_t k = 0; k < it->nrcpt; k++) {
		char key[600], *val;
		const char *word = it->result[k] == DELIVER_OK ? "delivered"
		                   : it->result[k] == DELIVER_PERM ? "failed" : "retrying";

		snprintf(key, sizeof(key), "rcpt:%s", it->rcpt[k]);
		val = xasprintf("%s %d %s", word, it->code[k], it->reply[k] ? it->reply[k] : "");
		store_kv_set(&n.extra, &n.nextra, key, val);
		free(val);
		temp |= it->result[k] == DELIVER_TEMP;
		perm |= it->result[k] == DELIVER_PERM;
		if (it->result[k] != DELIVER_OK)
			buf_printf(&why, "%s%s: %d %s", why.len ? "; " : "", it->rcpt[k], it->code[k],
			           it->reply[k] ? it->reply[k] : "");
	}
	store_kv_set(&n.extra, &n.nextra, "last_attempt", (snprintf(num, sizeof(num), "%lld",
	                                         (long long)now), num));
	old_state = n.state;
	if (temp && now - n.created < DELIVER_LIFETIME) {
		int64_t wait = DELIVER_FIRST_RETRY;
		struct store_due d = {0};
		char *task = xasprintf(RETRY_PREFIX "%s", n.key);

		for (long a = 1; a < attempts && wait < DELIVER_MAX_RETRY; a++)
			wait *= 2;
		if (wait > DELIVER_MAX_RETRY)
			wait = DELIVER_MAX_RETRY;
		d.at = d.planned = now + wait;
		d.kind = STORE_DUE_RETRY;
		d.task = task;
		rc = store_due_put(txn, &d, e);
		free(task);
		n.state = "retrying";
		all_done = false;
	} else if (temp || perm) {
		n.state = "failed";
	} else {
		n.state = "sent";
	}
	if (rc == 0)
		rc = store_notice_put(txn, &n, e);
	if (rc == 0) {
		buf_puts(&details, "{\"key\":");
		buf_json_str(&details, n.key);
		buf_printf(&details, ",\"transport\":\"smtp\",\"attempt\":%ld,\"errors\":", attempts);
		buf_json_str(&details, buf_str(&why));
		buf_putc(&details, '}');
		rc = engine_audit(en, txn, strcmp(n.state, "sent") == 0 ? "notice.sent"
		                          : all_done ? "notice.failed" : "notice.retry",
		                  n.ntasks ? n.tasks[0] : "", n.subject, old_state, n.state,
		                  buf_str(&details), e);
	}
	if (rc == 0 && strcmp(n.state, "failed") == 0)
		rc = queue_failure(en, txn, &n, buf_str(&why), num, e);
	n.state = old_state;
	store_notice_release(&n);
	buf_release(&why);
	buf_release(&details);
	return rc;
}

struct apply_arg {
	struct engine *en;
	struct deliver_item *const *items;
	size_t n;
	size_t pending_before;
};

static int
apply_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct apply_arg *a = arg;
	int rc = 0;

	/* a retried transaction must not leave the failure notices it queued pending twice */
	engine_pending_truncate(a->en, a->pending_before);
	for (size_t i = 0; rc == 0 && i < a->n; i++)
		if (!a->items[i]->applied)
			rc = apply_one(a->en, txn, a->items[i], e);
	return rc;
}

int
deliver_apply(struct engine *en, struct deliver_item *const *items, size_t n,
              struct dberr *e)
{
	struct apply_arg a = {en, items, n, engine_pending_n(en)};
	int rc;

	engine_clock_read(en);
	rc = store_write(engine_store(en), apply_txn, &a, e);
	for (size_t i = 0; rc == 0 && i < n; i++)
		items[i]->applied = true;
	return rc;
}

struct sync_ctx {
	struct engine *en;
	struct deliver_batch *b;
	int rc;
	struct dberr *e;
};

/* Inline delivery records each message the moment the server has answered for it. */
static void
sync_done(size_t i, void *arg)
{
	struct sync_ctx *c = arg;
	struct deliver_item *it = &c->b->v[i];

	if (c->rc == 0)
		c->rc = deliver_apply(c->en, &it, 1, c->e);
}

int
deliver_all(struct engine *en, size_t *sent, struct dberr *e)
{
	struct deliver_batch *b = NULL;
	size_t n = 0;
	int rc;

	if (!engine_config(en)->smtp)
		return deliver_eml_write(en, sent, e);
	for (;;) {
		if ((rc = deliver_prepare(en, DELIVER_BATCH, &b, e)) != 0)
			return rc;
		if (b == NULL)
			break;
		struct sync_ctx sc = {en, b, 0, e};
		struct deliver_item **all = xcalloc(b->n, sizeof(*all));

		deliver_send(engine_config(en), b, sync_done, &sc);
		for (size_t i = 0; i < b->n; i++)
			all[i] = &b->v[i];
		rc = sc.rc ? sc.rc : deliver_apply(en, all, b->n, e);
		free(all);
		for (size_t i = 0; rc == 0 && i < b->n; i++) {
			bool ok = true;
			for (size_t k = 0; k < b->v[i].nrcpt; k++)
				ok = ok && b->v[i].result[k] == DELIVER_OK;
			n += ok;
		}
		deliver_batch_free(b);
		if (rc != 0)
			return rc;
	}
	if (sent)
		*sent = n;
	return 0;
}

static int
queued_cb(const struct store_notice *n, void *arg)
{
	if (strcmp(n->state, "queued") == 0)
		engine_pending_push(arg, n->key);
	return 0;
}

static int
queued_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	return store_notice_each(txn, queued_cb, arg, e);
}

int
deliver_resume(struct engine *en, struct dberr *e)
{
	return store_read(engine_store(en), queued_txn, en, e);
}

int
deliver_retry_fire(struct engine *en, struct store_txn *txn, const struct store_due *d,
                   bool late, struct dberr *e)
{
	(void)txn;
	(void)late;
	(void)e;
	if (strncmp(d->task, RETRY_PREFIX, strlen(RETRY_PREFIX)) == 0)
		engine_pending_push(en, d->task + strlen(RETRY_PREFIX));
	return 0;
}

struct take_arg {
	struct engine *en;
	struct store_txn *txn;
	size_t before;
};

static int
take_cb(const struct store_due *d, void *arg)
{
	struct take_arg *a = arg;

	if (d->kind != STORE_DUE_RETRY)
		return 0;
	deliver_retry_fire(a->en, a->txn, d, false, NULL);
	return store_due_del(a->txn, d, NULL);
}

static int
take_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct take_arg *a = arg;

	engine_pending_truncate(a->en, a->before); /* a redone transaction starts again */
	a->txn = txn;
	return store_due_each(txn, engine_now(a->en), 0, take_cb, a, e);
}

int
deliver_take_due_retries(struct engine *en, struct dberr *e)
{
	struct take_arg a = {en, NULL, engine_pending_n(en)};

	return store_write(engine_store(en), take_txn, &a, e);
}
