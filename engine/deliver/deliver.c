/*
 * deliver.c - from the outbox to the recipients, at least once and as close to exactly
 * once as SMTP allows, with the store deciding what is sent.
 *
 * A notice is claimed (its delivery record says: this process, this claim, until this
 * lease) in the transaction that builds the batch, and its result is recorded against
 * that claim in a later one. Between the two only the claimed notices are in flight: a
 * crash repeats at most those, with the same bytes and the same Message-ID (derived from
 * the notice key), so a mail system can drop the duplicate. A result that finds its claim
 * gone (already recorded, or the notice claimed by another process after the lease ended)
 * is dropped without a trace, which makes recording idempotent. Each recipient's result is
 * kept when not all succeeded: a recipient the server accepted is never sent the notice
 * again, whatever happens to the others.
 *
 * Temporary failures (4xx, no connection, a timeout, the helper dying, a full disk for
 * .eml files) retry with exponential backoff from one minute to one hour, back in the
 * delivery queue; past the lifetime (five days, an MTA's queue lifetime) or on a permanent
 * failure (5xx) the notice is failed, the audit trail says so, and the registry's admin is
 * told.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "engine/deliver/deliver_int.h"
#include "notifiers/smtp.h"

#define DELIVER_FIRST_RETRY 60
#define DELIVER_MAX_RETRY 3600
#define DELIVER_LIFETIME (5 * 86400)
/* How long past its transport's own limit a claim is held: the helper is killed at the
 * limit, so this only covers recording the results. */
#define DELIVER_LEASE_MARGIN 30

/* What the claim transaction needs to know about this process, read once per batch. */
struct claimer {
	uint64_t claim;
	uint32_t pid;
	char host[256];
	int64_t wall;        /* wall clock now: leases are about processes, not the plan's clock */
};

static void
claimer_init(struct claimer *c)
{
	memset(c, 0, sizeof(*c));
	/* a claim token no other batch of any process will use: 64 random bits */
	while (c->claim == 0 && getrandom(&c->claim, sizeof(c->claim), 0) != sizeof(c->claim))
		if (errno != EINTR)
			c->claim = ((uint64_t)getpid() << 32) ^ (uint64_t)engine_wall_clock();
	c->pid = (uint32_t)getpid();
	if (gethostname(c->host, sizeof(c->host)) != 0)
		c->host[0] = '\0';
	c->host[sizeof(c->host) - 1] = '\0';
	c->wall = engine_wall_clock();
}

/* The claim's process is gone: on this host, and no process has its pid. A claim with
 * this process's own pid is an earlier life's (a restart that got the same pid, as after a
 * reboot): a process claims only when it has no batch of its own out, so it holds no
 * claim at that moment. Another process reusing the pid only delays the return until the
 * lease ends. */
static bool
claimer_dead(const struct claimer *me, const struct store_delivery *d)
{
	if (strcmp(d->host, me->host) != 0 || d->pid == 0)
		return false;
	if (d->pid == me->pid)
		return true;
	return kill((pid_t)d->pid, 0) != 0 && errno == ESRCH;
}

int64_t
deliver_lease(const struct config *cfg, size_t n)
{
	struct notify_smtp_server srv = {.timeout_ms = cfg->timeout_ms};

	if (!cfg->smtp)
		return 60 + (int64_t)n / 10 + DELIVER_LEASE_MARGIN;
	return notify_smtp_time_limit_ms(&srv, n) / 1000 + 1 + DELIVER_LEASE_MARGIN;
}

struct claim_arg {
	struct engine *en;
	size_t max;
	int64_t lease_s;
	struct claimer me;
	struct deliver_batch *b;
	size_t cap;
	struct store_txn *txn;
	struct dberr *e;
};

static int
reclaim_cb(const char *key, const struct store_delivery *d, void *arg)
{
	struct claim_arg *a = arg;
	struct store_delivery back = *d;

	if (d->due > a->me.wall && !claimer_dead(&a->me, d))
		return 0;
	back.state = STORE_DQUEUED;
	back.due = engine_now(a->en);
	return store_delivery_put(a->txn, key, &back, a->e);
}

static void
item_release(struct deliver_item *it)
{
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
	memset(it, 0, sizeof(*it));
}

/* delivered already, or left to the recipient's daily digest */
static bool
rcpt_done(const struct store_notice *n, const char *addr)
{
	char key[600];
	const char *st;

	snprintf(key, sizeof(key), "rcpt:%s", addr);
	st = store_kv_get(n->extra, n->nextra, key);
	return st != NULL && (strncmp(st, "delivered", 9) == 0 || strncmp(st, "digest", 6) == 0);
}

static int
claim_cb(const char *key, const struct store_delivery *d, void *arg)
{
	struct claim_arg *a = arg;
	struct store_delivery mine = *d;
	struct deliver_item it = {0};
	struct store_notice n;
	int rc = store_notice_get(a->txn, key, &n, a->e);

	if (rc == DB_ENOTFOUND) {
		/* a delivery record without its notice: nothing could ever be sent */
		dberr_clear(a->e);
		mine.state = STORE_DFAILED;
		return store_delivery_put(a->txn, key, &mine, a->e);
	}
	if (rc != 0)
		return rc;
	it.rcpt = xcalloc(n.nto ? n.nto : 1, sizeof(char *));
	for (size_t i = 0; i < n.nto; i++)
		if (!rcpt_done(&n, n.to[i]))
			it.rcpt[it.nrcpt++] = xstrdup(n.to[i]);
	if (it.nrcpt == 0 || n.message[0] == '\0') {
		/* nobody left to send it to (a digest took the rest), or no bytes to send */
		mine.state = n.message[0] ? STORE_DSENT : STORE_DFAILED;
		item_release(&it);
		mine.due = engine_now(a->en);
		store_notice_release(&n);
		return store_delivery_put(a->txn, key, &mine, a->e);
	}
	it.key = xstrdup(key);
	it.scheduled = n.scheduled;
	it.len = strlen(n.message);
	it.message = n.message;
	n.message = NULL;
	it.result = xcalloc(it.nrcpt, sizeof(*it.result));
	it.code = xcalloc(it.nrcpt, sizeof(*it.code));
	it.reply = xcalloc(it.nrcpt, sizeof(*it.reply));
	store_notice_release(&n);
	mine.state = STORE_DCLAIMED;
	mine.claim = a->b->claim;
	mine.pid = a->me.pid;
	mine.host = a->me.host;
	mine.due = a->me.wall + a->lease_s;
	rc = store_delivery_put(a->txn, key, &mine, a->e);
	if (rc != 0) {
		item_release(&it);
		return rc;
	}
	a->b->v = xgrow(a->b->v, &a->cap, a->b->n + 1, sizeof(it));
	a->b->v[a->b->n++] = it;
	return 0;
}

static void
batch_items_free(struct deliver_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		item_release(&b->v[i]);
	b->n = 0;
}

static int
claim_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct claim_arg *a = arg;
	int rc;

	batch_items_free(a->b); /* a run after map growth starts from nothing */
	a->txn = txn;
	a->e = e;
	rc = store_delivery_each_claimed(txn, 0, reclaim_cb, a, e);
	if (rc == 0)
		rc = store_delivery_each_ready(txn, engine_now(a->en), a->max, claim_cb, a, e);
	return rc;
}

static void
claim_init(struct claim_arg *a, struct engine *en, size_t max, int64_t lease_s)
{
	const struct config *cfg = engine_config(en);

	memset(a, 0, sizeof(*a));
	a->en = en;
	a->max = max;
	a->lease_s = lease_s;
	claimer_init(&a->me);
	a->b = xcalloc(1, sizeof(*a->b));
	a->b->claim = a->me.claim;
	a->b->transport = engine_dry(en) ? DELIVER_NULL : cfg->smtp ? DELIVER_SMTP : DELIVER_FILE;
	if (a->b->transport == DELIVER_FILE)
		a->b->dir = xasprintf("%s/outbox", store_dir(engine_store(en)));
}

int
deliver_claim_in(struct engine *en, struct store_txn *txn, size_t max, int64_t lease_s,
                 struct deliver_batch **out, struct dberr *e)
{
	struct claim_arg a;
	int rc;

	claim_init(&a, en, max, lease_s);
	rc = claim_txn(txn, &a, e);
	if (rc != 0 || a.b->n == 0) {
		deliver_batch_free(a.b);
		a.b = NULL;
	}
	*out = a.b;
	return rc;
}

int
deliver_claim(struct engine *en, size_t max, int64_t lease_s, struct deliver_batch **out,
              struct dberr *e)
{
	struct claim_arg a;
	int rc;

	claim_init(&a, en, max, lease_s);
	engine_clock_read(en);
	rc = engine_write(en, claim_txn, &a, e);
	if (rc != 0 || a.b->n == 0) {
		deliver_batch_free(a.b);
		a.b = NULL;
	}
	if (rc == 0)
		*out = a.b;
	return rc;
}

void
deliver_batch_free(struct deliver_batch *b)
{
	if (b == NULL)
		return;
	batch_items_free(b);
	free(b->v);
	free(b->dir);
	free(b);
}

void
deliver_send(const struct config *cfg, struct deliver_helpers *hs, struct deliver_batch *b,
             int cancel_fd, void (*done)(size_t i, void *arg), void *arg)
{
	switch (b->transport) {
	case DELIVER_SMTP:
		deliver_smtp_send(cfg, hs, b, cancel_fd, done, arg);
		break;
	case DELIVER_FILE:
		deliver_eml_send(b, cancel_fd, done, arg);
		break;
	case DELIVER_NULL:
		/* a dry run's transport: accepted by nobody, sent nowhere */
		for (size_t i = 0; i < b->n; i++) {
			for (size_t k = 0; k < b->v[i].nrcpt; k++)
				b->v[i].result[k] = DELIVER_OK;
			b->v[i].done = true;
			if (done)
				done(i, arg);
		}
		break;
	}
}

static const char *
transport_name(enum deliver_transport t)
{
	return t == DELIVER_SMTP ? "smtp" : t == DELIVER_FILE ? "file" : "none";
}

/* Whether key is the registry admin's report that another notice could not be delivered. */
static bool
failure_report(const char *key)
{
	return strstr(key, "#delivery-failed") != NULL;
}

static int
queue_failure(struct engine *en, struct store_txn *txn, const char *key, const char *why,
              const char *attempts, struct dberr *e)
{
	struct notice_var vars[6];
	const struct engine_plan *ep;
	struct notice_req r = {0};
	struct store_notice n;
	struct buf tasks = BUF_INIT, to = BUF_INIT;
	char when[40], *fkey;
	int rc;

	if (failure_report(key) || strstr(key, "/unbuildable/") != NULL)
		return 0; /* never a failure notice about a failure notice */
	if ((rc = store_notice_head(txn, key, &n, e)) != 0)
		return rc;
	ep = engine_plan_find(en, n.plan);
	if (ep == NULL) {
		store_notice_release(&n);
		return 0;
	}
	/* the report speaks of the notice that failed: its kind, tasks, recipients and time */
	for (size_t i = 0; i < n.ntasks; i++)
		buf_printf(&tasks, "%s%s", i ? "、" : "", n.tasks[i]);
	for (size_t i = 0; i < n.nto; i++)
		buf_printf(&to, "%s%s", i ? ", " : "", n.to[i]);
	tz_format_local(ep->tz, n.scheduled, when);
	vars[0] = (struct notice_var){"error", why};
	vars[1] = (struct notice_var){"attempts", attempts};
	vars[2] = (struct notice_var){"failed_kind", notice_kind_zh(n.kind)};
	vars[3] = (struct notice_var){"failed_tasks", buf_str(&tasks)};
	vars[4] = (struct notice_var){"failed_recipients", buf_str(&to)};
	vars[5] = (struct notice_var){"failed_scheduled", when};
	fkey = xasprintf("%s#delivery-failed", key);
	r.ep = ep;
	r.kind = "delivery-failed";
	r.fallback = "delivery-failed";
	r.key = fkey;
	r.subject = n.subject;
	r.tasks = (const char *const *)n.tasks;
	r.ntasks = n.ntasks;
	r.scheduled = engine_now(en);
	r.vars = vars;
	r.nvars = 6;
	rc = notice_queue(en, txn, &r, e);
	free(fkey);
	store_notice_release(&n);
	buf_release(&tasks);
	buf_release(&to);
	return rc;
}

/* The notice's created time, kind, and where its delivery is filed in the audit. */
struct about {
	int64_t created;
	char *task;
	char *subject;
	char *kind;
};

static int
about_notice(struct store_txn *txn, const char *key, struct about *ab, struct dberr *e)
{
	struct store_notice n;
	const char *filed;
	int rc = store_notice_head(txn, key, &n, e);

	if (rc != 0)
		return rc;
	ab->created = n.created;
	/* Filed where the notice's notice.queue record is (notice.c: its task, else its own
	 * key). A day's grouped message and the admin's report of a failed delivery are
	 * nobody's task: filed under the first task they speak of, the report's `notice.sent`
	 * read in the county's trail as if the refused notice had got through (review 12c,
	 * L7), and a digest's as if only one of the notices it carries had. */
	filed = store_kv_get(n.extra, n.nextra, NOTICE_FILED_UNDER);
	ab->task = xstrdup(strcmp(n.kind, "digest") == 0 || failure_report(key) ? key
	                   : filed ? filed : n.ntasks ? n.tasks[0] : "");
	ab->subject = xstrdup(n.subject);
	ab->kind = xstrdup(n.kind);
	store_notice_release(&n);
	return 0;
}

/* A due entry at the retry's time: the scheduler wakes then (the daemon's timer, the
 * virtual clock of `advance`, which delivers after each batch at its time), though the
 * delivery queue alone says what is deliverable; the entry's handler does nothing. */
static int
retry_wakeup(struct store_txn *txn, const char *key, int64_t at, struct dberr *e)
{
	char *task = xasprintf("deliver#%s", key);
	struct store_due d = {.at = at, .kind = STORE_DUE_RETRY, .task = task, .planned = at};
	int rc = store_due_put(txn, &d, e);

	free(task);
	return rc;
}

/* Whether this result may change the record: only against its own claim, or, after the
 * lease ended with nobody else taking the notice, a success (which saves a repeat). */
static bool
result_counts(const struct store_delivery *d, uint64_t claim, bool all_ok)
{
	if (d->state == STORE_DCLAIMED)
		return d->claim == claim;
	if (d->state == STORE_DQUEUED || d->state == STORE_DRETRY)
		return all_ok;
	return false; /* sent, failed, digested: final */
}

/* Removes key from kv (n entries), keeping the order of the rest. */
static void
kv_drop(struct store_kv *kv, size_t *n, const char *key)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(kv[i].key, key) == 0) {
			free(kv[i].key);
			free(kv[i].val);
			memmove(&kv[i], &kv[i + 1], (*n - i - 1) * sizeof(*kv));
			(*n)--;
			return;
		}
}

static int
apply_one(struct engine *en, struct store_txn *txn, const struct deliver_batch *b,
          const struct deliver_item *it, struct dberr *e)
{
	struct store_delivery d, now_d;
	struct buf why = BUF_INIT, details = BUF_INIT;
	struct about ab = {0};
	bool temp = false, perm = false;
	int64_t now = engine_now(en);
	const char *old;
	char num[32];
	int rc = store_delivery_get(txn, it->key, &d, e);

	if (rc == DB_ENOTFOUND) {
		dberr_clear(e);
		return 0;
	}
	if (rc != 0)
		return rc;
	for (size_t k = 0; k < it->nrcpt; k++) {
		temp |= it->result[k] == DELIVER_TEMP;
		perm |= it->result[k] == DELIVER_PERM;
	}
	if (!result_counts(&d, b->claim, !temp && !perm)) {
		store_delivery_release(&d);
		return 0;
	}
	if ((rc = about_notice(txn, it->key, &ab, e)) != 0)
		goto out;
	now_d = d;
	now_d.attempts = d.attempts + 1;
	for (size_t k = 0; k < it->nrcpt; k++) {
		char key[600], *val;
		const char *word = it->result[k] == DELIVER_OK ? "delivered"
		                   : it->result[k] == DELIVER_PERM ? "failed" : "retrying";

		snprintf(key, sizeof(key), "rcpt:%s", it->rcpt[k]);
		/* a clean first try writes nothing per recipient; a recipient an earlier try left
		 * retrying gets its new answer, so the outbox never shows a stale refusal */
		if (!temp && !perm && store_kv_get(now_d.results, now_d.nresults, key) == NULL)
			continue;
		val = xasprintf("%s %d %s", word, it->code[k], it->reply[k] ? it->reply[k] : "");
		store_kv_set(&now_d.results, &now_d.nresults, key, val);
		free(val);
		if (it->result[k] != DELIVER_OK)
			buf_printf(&why, "%s%s: %d %s", why.len ? "; " : "", it->rcpt[k], it->code[k],
			           it->reply[k] ? it->reply[k] : "");
	}
	if (why.len)
		store_kv_set(&now_d.results, &now_d.nresults, "error", buf_str(&why));
	else
		kv_drop(now_d.results, &now_d.nresults, "error"); /* an earlier try's, now past */
	d.results = now_d.results; /* the same list, grown: released once, with d */
	d.nresults = now_d.nresults;
	if (temp && !perm && now - ab.created < DELIVER_LIFETIME) {
		int64_t wait = DELIVER_FIRST_RETRY;

		for (uint32_t a = 1; a < now_d.attempts && wait < DELIVER_MAX_RETRY; a++)
			wait *= 2;
		now_d.state = STORE_DRETRY;
		now_d.due = now + (wait > DELIVER_MAX_RETRY ? DELIVER_MAX_RETRY : wait);
		if ((rc = retry_wakeup(txn, it->key, now_d.due, e)) != 0)
			goto out;
	} else if (temp && !perm) {
		now_d.state = STORE_DFAILED;
		now_d.due = now;
	} else if (perm) {
		/* a recipient refused for good is not retried; any still temporary are, by hand */
		now_d.state = STORE_DFAILED;
		now_d.due = now;
	} else {
		now_d.state = STORE_DSENT;
		now_d.due = now;
	}
	old = store_dstate_name(d.state);
	if ((rc = store_delivery_put(txn, it->key, &now_d, e)) != 0)
		goto out;
	buf_puts(&details, "{\"key\":");
	buf_json_str(&details, it->key);
	buf_puts(&details, ",\"kind\":");
	buf_json_str(&details, ab.kind);
	buf_printf(&details, ",\"transport\":\"%s\",\"attempt\":%u,\"errors\":",
	           transport_name(b->transport), (unsigned)now_d.attempts);
	buf_json_str(&details, buf_str(&why));
	/* a notice failed for good names the report that tells the admin, so its own trail
	 * says who was told (the report is filed under its own key) */
	if (now_d.state == STORE_DFAILED && !failure_report(it->key) &&
	    strstr(it->key, "/unbuildable/") == NULL) {
		char *fkey = xasprintf("%s#delivery-failed", it->key);

		buf_puts(&details, ",\"reported_in\":");
		buf_json_str(&details, fkey);
		free(fkey);
	}
	buf_putc(&details, '}');
	rc = engine_audit(en, txn, now_d.state == STORE_DSENT ? "notice.sent"
	                          : now_d.state == STORE_DFAILED ? "notice.failed" : "notice.retry",
	                  ab.task, ab.subject, old, store_dstate_name(now_d.state),
	                  buf_str(&details), e);
	snprintf(num, sizeof(num), "%u", (unsigned)now_d.attempts);
	if (rc == 0 && now_d.state == STORE_DFAILED)
		rc = queue_failure(en, txn, it->key, buf_str(&why), num, e);
out:
	free(ab.task);
	free(ab.subject);
	free(ab.kind);
	store_delivery_release(&d);
	buf_release(&why);
	buf_release(&details);
	return rc;
}

struct apply_arg {
	struct engine *en;
	const struct deliver_batch *b;
	struct deliver_item *const *items;
	size_t n;
};

static int
apply_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct apply_arg *a = arg;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < a->n; i++)
		if (a->items[i]->done && !a->items[i]->applied)
			rc = apply_one(a->en, txn, a->b, a->items[i], e);
	return rc;
}

/* Each recipient's result once it is on record (-v; `run` logs them unasked): who was sent
 * what, by which way, with the server's reply code. */
static void
log_item(struct engine *en, const struct deliver_batch *b, const struct deliver_item *it)
{
	for (size_t k = 0; k < it->nrcpt; k++)
		log_info(engine_log_level(en), "notifiers",
		         "delivered key=%s to=%s via=%s result=%s code=%d", it->key, it->rcpt[k],
		         transport_name(b->transport),
		         it->result[k] == DELIVER_OK ? "ok"
		         : it->result[k] == DELIVER_TEMP ? "retry" : "failed",
		         it->code ? it->code[k] : 0);
}

void
deliver_log_recorded(struct engine *en, const struct deliver_batch *b)
{
	for (size_t i = 0; b != NULL && i < b->n; i++)
		if (b->v[i].done && !b->v[i].applied)
			log_item(en, b, &b->v[i]);
}

int
deliver_apply(struct engine *en, const struct deliver_batch *b,
              struct deliver_item *const *items, size_t n, struct dberr *e)
{
	struct apply_arg a = {en, b, items, n};
	int rc;

	engine_clock_read(en);
	rc = engine_write(en, apply_txn, &a, e);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (!items[i]->done)
			continue;
		items[i]->applied = true;
		log_item(en, b, items[i]);
	}
	return rc;
}

/* An item without a result goes back to the queue at once, if b's claim still holds it. */
static int
release_one(struct engine *en, struct store_txn *txn, const struct deliver_batch *b,
            const struct deliver_item *it, struct dberr *e)
{
	struct store_delivery d;
	int rc = store_delivery_get(txn, it->key, &d, e);

	if (rc == DB_ENOTFOUND) {
		dberr_clear(e);
		return 0;
	}
	if (rc == 0 && d.state == STORE_DCLAIMED && d.claim == b->claim) {
		d.state = STORE_DQUEUED;
		d.due = engine_now(en);
		rc = store_delivery_put(txn, it->key, &d, e);
	}
	store_delivery_release(&d);
	return rc;
}

static int
release_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct apply_arg *a = arg;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < a->b->n; i++)
		if (!a->b->v[i].applied)
			rc = release_one(a->en, txn, a->b, &a->b->v[i], e);
	return rc;
}

int
deliver_record_in(struct engine *en, struct store_txn *txn, const struct deliver_batch *b,
                  struct dberr *e)
{
	int rc = 0;

	/* nothing is marked applied: a transaction run again after map growth records all
	 * of it again, and the caller frees b once it is committed */
	for (size_t i = 0; rc == 0 && i < b->n; i++)
		if (b->v[i].applied)
			continue;
		else if (b->v[i].done)
			rc = apply_one(en, txn, b, &b->v[i], e);
		else
			rc = release_one(en, txn, b, &b->v[i], e);
	return rc;
}

int
deliver_release(struct engine *en, const struct deliver_batch *b, struct dberr *e)
{
	struct apply_arg a = {en, b, NULL, 0};

	engine_clock_read(en);
	return engine_write(en, release_txn, &a, e);
}

int
deliver_all(struct engine *en, size_t *sent, struct dberr *e)
{
	const struct config *cfg = engine_config(en);
	struct deliver_helpers *hs = deliver_helpers_new();
	struct deliver_batch *b = NULL;
	size_t n = 0;
	int rc = 0;

	/* a throw-away store delivers nothing: its notices stay queued where they were made */
	while (!engine_dry(en)) {
		struct deliver_item **all;

		if ((rc = deliver_claim(en, DELIVER_BATCH, deliver_lease(cfg, DELIVER_BATCH), &b,
		                        e)) != 0 || b == NULL)
			break;
		deliver_send(cfg, hs, b, -1, NULL, NULL);
		all = xcalloc(b->n, sizeof(*all));
		for (size_t i = 0; i < b->n; i++)
			all[i] = &b->v[i];
		/* one commit for the batch's results, not one per message */
		rc = deliver_apply(en, b, all, b->n, e);
		free(all);
		for (size_t i = 0; rc == 0 && i < b->n; i++) {
			bool ok = b->v[i].done;
			for (size_t k = 0; k < b->v[i].nrcpt; k++)
				ok = ok && b->v[i].result[k] == DELIVER_OK;
			n += ok;
		}
		if (rc == 0)
			rc = deliver_release(en, b, e); /* anything left without a result */
		deliver_batch_free(b);
		if (rc != 0)
			break;
	}
	deliver_helpers_free(hs);
	if (rc == 0 && sent)
		*sent = n;
	return rc;
}

static int
next_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	return store_delivery_next(txn, arg, e);
}

int
deliver_next(struct engine *en, int64_t *at, struct dberr *e)
{
	return store_read(engine_store(en), next_txn, at, e);
}

int
deliver_retry_fire(struct engine *en, struct store_txn *txn, const struct store_due *d,
                   bool late, struct dberr *e)
{
	(void)en;
	(void)txn;
	(void)d;
	(void)late;
	(void)e;
	return 0;
}

void
deliver_answers(const struct store_notice *n, char ***out, size_t *nout)
{
	char **v = xcalloc(n->nextra + n->nto + 1, sizeof(char *));
	const char *why;
	size_t nv = 0;

	for (size_t i = 0; i < n->nextra; i++)
		if (strncmp(n->extra[i].key, "rcpt:", 5) == 0 &&
		    strncmp(n->extra[i].val, "delivered", 9) != 0)
			v[nv++] = xasprintf("%s: %s", n->extra[i].key + 5, n->extra[i].val);
	/* a notice that could not be built reached nobody: each recipient, with the reason */
	if (nv == 0 && strcmp(n->state, "failed") == 0 &&
	    (why = store_kv_get(n->extra, n->nextra, "error")) != NULL)
		for (size_t i = 0; i < n->nto; i++)
			v[nv++] = xasprintf("%s: %s", n->to[i], why);
	if (nv == 0) {
		free(v);
		v = NULL;
	}
	*out = v;
	*nout = nv;
}
