/*
 * web.c - the web's records: accounts (keyed by login), sessions and submit links (each
 * keyed by the sha256 hex of its secret token, so the store never holds a usable token),
 * and links by task (task key NUL hash) so a task's links can be listed and revoked; and
 * the failed-login counts of the lockout, as meta values (they are few and small).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "store/codec.h"
#include "store/store_int.h"

/* ---- accounts ---- */

int
store_account_put(struct store_txn *t, const struct store_account *a, struct dberr *e)
{
	struct buf val = BUF_INIT;
	MDB_val k = {strlen(a->login), a->login}, v;
	int rc;

	enc_u8(&val, CODEC_FORMAT);
	enc_i64(&val, a->created_at);
	enc_i64(&val, a->locked_until);
	enc_u32(&val, a->failures);
	enc_u8(&val, a->disabled ? 1 : 0);
	enc_str(&val, a->role);
	enc_str(&val, a->subject);
	enc_str(&val, a->name);
	enc_str(&val, a->pwhash);
	enc_str(&val, a->token_hash);
	v = (MDB_val){val.len, val.data};
	rc = store_put(t, STORE_DB_ACCOUNTS, &k, &v, 0, e);
	buf_release(&val);
	return rc;
}

static int
account_decode(const MDB_val *k, const MDB_val *v, struct store_account *out,
               struct dberr *e)
{
	struct store_account a;
	struct dec d;

	memset(&a, 0, sizeof(a));
	dec_init(&d, v->mv_data, v->mv_size);
	dec_format(&d);
	a.created_at = dec_i64(&d);
	a.locked_until = dec_i64(&d);
	a.failures = dec_u32(&d);
	a.disabled = dec_u8(&d) != 0;
	a.role = dec_str(&d);
	a.subject = dec_str(&d);
	a.name = dec_str(&d);
	a.pwhash = dec_str(&d);
	a.token_hash = dec_str(&d);
	if (!dec_done(&d)) {
		store_account_release(&a);
		return store_corrupt(e, STORE_DB_ACCOUNTS, k);
	}
	a.login = xstrndup(k->mv_data, k->mv_size);
	*out = a;
	return 0;
}

int
store_account_get(struct store_txn *t, const char *login, struct store_account *out,
                  struct dberr *e)
{
	MDB_val k = {strlen(login), (void *)login}, v;
	int rc = store_get(t, STORE_DB_ACCOUNTS, &k, &v, e);

	if (rc == DB_ENOTFOUND)
		return dberr_set(e, rc, "no account '%s'", login);
	if (rc != 0)
		return rc;
	return account_decode(&k, &v, out, e);
}

void
store_account_release(struct store_account *a)
{
	if (a == NULL)
		return;
	free(a->login);
	free(a->role);
	free(a->subject);
	free(a->name);
	free(a->pwhash);
	free(a->token_hash);
	memset(a, 0, sizeof(*a));
}

struct account_each_ctx {
	int (*cb)(const struct store_account *, void *);
	void *arg;
};

static int
account_each_one(const MDB_val *k, const MDB_val *v, void *arg, bool *stop, struct dberr *e)
{
	struct account_each_ctx *c = arg;
	struct store_account a;
	int rc;

	(void)stop;
	if ((rc = account_decode(k, v, &a, e)) != 0)
		return rc;
	rc = c->cb(&a, c->arg);
	store_account_release(&a);
	return rc;
}

int
store_account_each(struct store_txn *t, int (*cb)(const struct store_account *, void *),
                   void *arg, struct dberr *e)
{
	struct account_each_ctx c = {cb, arg};

	return store_scan(t, STORE_DB_ACCOUNTS, NULL, 0, NULL, 0, account_each_one, &c, e);
}

/* ---- sessions ---- */

int
store_session_put(struct store_txn *t, const struct store_session *s, struct dberr *e)
{
	struct buf val = BUF_INIT;
	MDB_val k = {strlen(s->id_hash), s->id_hash}, v;
	int rc;

	enc_u8(&val, CODEC_FORMAT);
	enc_i64(&val, s->created);
	enc_i64(&val, s->expires);
	enc_str(&val, s->login);
	enc_str(&val, s->csrf);
	v = (MDB_val){val.len, val.data};
	rc = store_put(t, STORE_DB_SESSIONS, &k, &v, 0, e);
	buf_release(&val);
	return rc;
}

static int
session_decode(const MDB_val *k, const MDB_val *v, struct store_session *out,
               struct dberr *e)
{
	struct store_session s;
	struct dec d;

	memset(&s, 0, sizeof(s));
	dec_init(&d, v->mv_data, v->mv_size);
	dec_format(&d);
	s.created = dec_i64(&d);
	s.expires = dec_i64(&d);
	s.login = dec_str(&d);
	s.csrf = dec_str(&d);
	if (!dec_done(&d)) {
		store_session_release(&s);
		return store_corrupt(e, STORE_DB_SESSIONS, k);
	}
	s.id_hash = xstrndup(k->mv_data, k->mv_size);
	*out = s;
	return 0;
}

int
store_session_get(struct store_txn *t, const char *id_hash, struct store_session *out,
                  struct dberr *e)
{
	MDB_val k = {strlen(id_hash), (void *)id_hash}, v;
	int rc = store_get(t, STORE_DB_SESSIONS, &k, &v, e);

	if (rc == DB_ENOTFOUND)
		return dberr_set(e, rc, "no such session");
	if (rc != 0)
		return rc;
	return session_decode(&k, &v, out, e);
}

int
store_session_del(struct store_txn *t, const char *id_hash, struct dberr *e)
{
	MDB_val k = {strlen(id_hash), (void *)id_hash};

	return store_del(t, STORE_DB_SESSIONS, &k, e);
}

struct sweep_ctx {
	struct store_txn *t;
	int64_t now;
	const char *login;    /* NULL: the expired ones; else every one of this login */
	size_t n;
};

/* value: format u8, created i64, expires i64, ... */
static int
sweep_one(const MDB_val *k, const MDB_val *v, void *arg, bool *stop, struct dberr *e)
{
	struct sweep_ctx *c = arg;
	const unsigned char *p = v->mv_data;
	int rc;

	(void)stop;
	if (v->mv_size < 17)
		return store_corrupt(e, STORE_DB_SESSIONS, k);
	if (c->login != NULL) {
		struct store_session s;
		bool theirs;

		if ((rc = session_decode(k, v, &s, e)) != 0)
			return rc;
		theirs = strcmp(s.login, c->login) == 0;
		store_session_release(&s);
		if (!theirs)
			return 0;
	} else if ((int64_t)be64_get(p + 9) >= c->now) {
		return 0;
	}
	/* the scan re-seeks after each call in a write transaction: deleting is safe; the
	 * key is copied first, as k points into the page the delete changes */
	{
		char copy[128];
		MDB_val ck = {k->mv_size, copy};

		if (k->mv_size > sizeof(copy))
			return store_corrupt(e, STORE_DB_SESSIONS, k);
		memcpy(copy, k->mv_data, k->mv_size);
		rc = store_del(c->t, STORE_DB_SESSIONS, &ck, e);
	}
	if (rc == 0)
		c->n++;
	return rc == DB_ENOTFOUND ? 0 : rc;
}

int
store_session_sweep(struct store_txn *t, int64_t now, size_t *n, struct dberr *e)
{
	struct sweep_ctx c = {t, now, NULL, 0};
	int rc = store_scan(t, STORE_DB_SESSIONS, NULL, 0, NULL, 0, sweep_one, &c, e);

	if (rc == 0 && n != NULL)
		*n = c.n;
	return rc;
}

int
store_session_del_login(struct store_txn *t, const char *login, size_t *n, struct dberr *e)
{
	struct sweep_ctx c = {t, 0, login, 0};
	int rc = store_scan(t, STORE_DB_SESSIONS, NULL, 0, NULL, 0, sweep_one, &c, e);

	if (rc == 0 && n != NULL)
		*n = c.n;
	return rc;
}

void
store_session_release(struct store_session *s)
{
	if (s == NULL)
		return;
	free(s->id_hash);
	free(s->login);
	free(s->csrf);
	memset(s, 0, sizeof(*s));
}

/* ---- links ---- */

int
store_link_put(struct store_txn *t, const struct store_link *l, struct dberr *e)
{
	struct buf val = BUF_INIT, tk = BUF_INIT;
	MDB_val k = {strlen(l->hash), l->hash}, v, empty = {0, (void *)""};
	int rc;

	enc_u8(&val, CODEC_FORMAT);
	enc_i64(&val, l->created);
	enc_i64(&val, l->expires);
	enc_u8(&val, l->revoked ? 1 : 0);
	enc_str(&val, l->task);
	enc_str(&val, l->role);
	enc_str(&val, l->subject);
	enc_str(&val, l->notice);
	v = (MDB_val){val.len, val.data};
	rc = store_put(t, STORE_DB_LINKS, &k, &v, 0, e);
	if (rc == 0) {
		buf_puts(&tk, l->task);
		buf_putc(&tk, '\0');
		buf_puts(&tk, l->hash);
		k = (MDB_val){tk.len, tk.data};
		rc = store_put(t, STORE_DB_LINKS_TASK, &k, &empty, 0, e);
	}
	buf_release(&val);
	buf_release(&tk);
	return rc;
}

static int
link_decode(const MDB_val *k, const MDB_val *v, struct store_link *out, struct dberr *e)
{
	struct store_link l;
	struct dec d;

	memset(&l, 0, sizeof(l));
	dec_init(&d, v->mv_data, v->mv_size);
	dec_format(&d);
	l.created = dec_i64(&d);
	l.expires = dec_i64(&d);
	l.revoked = dec_u8(&d) != 0;
	l.task = dec_str(&d);
	l.role = dec_str(&d);
	l.subject = dec_str(&d);
	l.notice = dec_str(&d);
	if (!dec_done(&d)) {
		store_link_release(&l);
		return store_corrupt(e, STORE_DB_LINKS, k);
	}
	l.hash = xstrndup(k->mv_data, k->mv_size);
	*out = l;
	return 0;
}

int
store_link_get(struct store_txn *t, const char *hash, struct store_link *out,
               struct dberr *e)
{
	MDB_val k = {strlen(hash), (void *)hash}, v;
	int rc = store_get(t, STORE_DB_LINKS, &k, &v, e);

	if (rc == DB_ENOTFOUND)
		return dberr_set(e, rc, "no such link");
	if (rc != 0)
		return rc;
	return link_decode(&k, &v, out, e);
}

void
store_link_release(struct store_link *l)
{
	if (l == NULL)
		return;
	free(l->hash);
	free(l->task);
	free(l->role);
	free(l->subject);
	free(l->notice);
	memset(l, 0, sizeof(*l));
}

struct link_task_ctx {
	struct store_txn *t;
	size_t plen;
	int (*cb)(const struct store_link *, void *);
	void *arg;
};

static int
link_task_one(const MDB_val *k, const MDB_val *v, void *arg, bool *stop, struct dberr *e)
{
	struct link_task_ctx *c = arg;
	struct store_link l;
	char *hash;
	int rc;

	(void)v;
	(void)stop;
	hash = xstrndup((const char *)k->mv_data + c->plen, k->mv_size - c->plen);
	rc = store_link_get(c->t, hash, &l, e);
	free(hash);
	if (rc != 0)
		return rc;
	rc = c->cb(&l, c->arg);
	store_link_release(&l);
	return rc;
}

int
store_link_each_task(struct store_txn *t, const char *task,
                     int (*cb)(const struct store_link *, void *), void *arg,
                     struct dberr *e)
{
	struct buf prefix = BUF_INIT;
	struct link_task_ctx c;
	int rc;

	buf_puts(&prefix, task);
	buf_putc(&prefix, '\0');
	c = (struct link_task_ctx){t, prefix.len, cb, arg};
	rc = store_scan(t, STORE_DB_LINKS_TASK, NULL, 0, prefix.data, prefix.len, link_task_one,
	                &c, e);
	buf_release(&prefix);
	return rc;
}

/* ---- failed logins per key (the web's lockout and throttle) ---- */

#define THROTTLE_PREFIX "web-throttle/"
#define THROTTLE_KEY_MAX 200

static int
throttle_key(const char *key, struct buf *out, struct dberr *e)
{
	if (strlen(key) > THROTTLE_KEY_MAX)
		return dberr_set(e, DB_EDATA, "throttle key over %d bytes", THROTTLE_KEY_MAX);
	buf_puts(out, THROTTLE_PREFIX);
	buf_puts(out, key);
	return 0;
}

/* "SINCE N": the window's start (decimal, may be negative) and the count. */
static int
throttle_decode(const MDB_val *k, const MDB_val *v, struct store_throttle *out,
                struct dberr *e)
{
	char text[64], *end;
	long long since;
	unsigned long n;

	if (v->mv_size == 0 || v->mv_size >= sizeof(text))
		return store_corrupt(e, STORE_DB_META, k);
	memcpy(text, v->mv_data, v->mv_size);
	text[v->mv_size] = '\0';
	since = strtoll(text, &end, 10);
	if (end == text || *end != ' ')
		return store_corrupt(e, STORE_DB_META, k);
	n = strtoul(end + 1, &end, 10);
	if (*end != '\0' || n > UINT32_MAX)
		return store_corrupt(e, STORE_DB_META, k);
	out->since = since;
	out->n = (uint32_t)n;
	return 0;
}

int
store_throttle_get(struct store_txn *t, const char *key, struct store_throttle *out,
                   struct dberr *e)
{
	struct buf kb = BUF_INIT;
	MDB_val k, v;
	int rc;

	if ((rc = throttle_key(key, &kb, e)) != 0) {
		buf_release(&kb);
		return rc == DB_EDATA ? dberr_set(e, DB_ENOTFOUND, "no count for that key") : rc;
	}
	k = (MDB_val){kb.len, kb.data};
	rc = store_get(t, STORE_DB_META, &k, &v, e);
	if (rc == 0)
		rc = throttle_decode(&k, &v, out, e);
	buf_release(&kb);
	return rc;
}

struct throttle_sweep {
	struct store_txn *t;
	int64_t before;
	size_t left;
	struct buf oldest;        /* the oldest count kept so far (its meta key) */
	int64_t oldest_since;
};

static int
throttle_sweep_one(const MDB_val *k, const MDB_val *v, void *arg, bool *stop, struct dberr *e)
{
	struct throttle_sweep *c = arg;
	struct store_throttle th;
	char copy[sizeof(THROTTLE_PREFIX) + THROTTLE_KEY_MAX];
	MDB_val ck = {k->mv_size, copy};
	int rc;

	(void)stop;
	if ((rc = throttle_decode(k, v, &th, e)) != 0)
		return rc;
	if (th.since >= c->before) {
		if (c->left++ == 0 || th.since < c->oldest_since) {
			buf_reset(&c->oldest);
			buf_append(&c->oldest, k->mv_data, k->mv_size);
			c->oldest_since = th.since;
		}
		return 0;
	}
	/* the scan re-seeks after each call: deleting is safe once the key is copied */
	if (k->mv_size > sizeof(copy))
		return store_corrupt(e, STORE_DB_META, k);
	memcpy(copy, k->mv_data, k->mv_size);
	rc = store_del(c->t, STORE_DB_META, &ck, e);
	return rc == DB_ENOTFOUND ? 0 : rc;
}

int
store_throttle_put(struct store_txn *t, const char *key, const struct store_throttle *th,
                   int64_t before, size_t max, struct dberr *e)
{
	struct buf kb = BUF_INIT;
	struct throttle_sweep c = {t, before, 0, BUF_INIT, 0};
	char text[64];
	MDB_val k, v;
	int rc;

	if ((rc = throttle_key(key, &kb, e)) != 0)
		goto out;
	k = (MDB_val){kb.len, kb.data};
	rc = store_get(t, STORE_DB_META, &k, &v, e);
	if (rc == DB_ENOTFOUND) {
		/* a new key: the expired go first, and the oldest when the rest fill max, so the
		 * counts stay bounded whatever number of addresses guess (O(kept) per new key;
		 * Argon2id's pace keeps a window's keys far below max) */
		dberr_clear(e);
		rc = store_scan(t, STORE_DB_META, NULL, 0, THROTTLE_PREFIX, strlen(THROTTLE_PREFIX),
		                throttle_sweep_one, &c, e);
		if (rc == 0 && max > 0 && c.left >= max) {
			MDB_val ok = {c.oldest.len, c.oldest.data};

			rc = store_del(t, STORE_DB_META, &ok, e);
		}
	}
	if (rc != 0)
		goto out;
	snprintf(text, sizeof(text), "%lld %lu", (long long)th->since, (unsigned long)th->n);
	v = (MDB_val){strlen(text), text};
	rc = store_put(t, STORE_DB_META, &k, &v, 0, e);
out:
	buf_release(&c.oldest);
	buf_release(&kb);
	return rc;
}

int
store_throttle_del(struct store_txn *t, const char *key, struct dberr *e)
{
	struct buf kb = BUF_INIT;
	MDB_val k;
	int rc;

	if ((rc = throttle_key(key, &kb, e)) == 0) {
		k = (MDB_val){kb.len, kb.data};
		rc = store_del(t, STORE_DB_META, &k, e);
		if (rc == DB_ENOTFOUND) {
			dberr_clear(e);
			rc = 0;
		}
	}
	buf_release(&kb);
	return rc;
}
