/*
 * auth.c - who is asking and what they may do: accounts (Argon2id through libsodium),
 * login with per-account lockout and per-address throttling, sessions, form tokens (CSRF),
 * API bearer tokens, submit links, and the rules that map the plan's roles to tasks.
 *
 * Tokens (session cookies, links, API) are 256 random bits; the store keeps only their
 * sha256, so a copy of the store opens no session. Session and lockout times are the wall
 * clock: they are about people at keyboards, not the plan's (possibly virtual) time. Link
 * expiry is the store's clock, like the task it belongs to.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/log.h"
#include "base/sha256.h"
#include "base/xalloc.h"
#include "engine/web/web_int.h"

void
web_random_hex(char *out, size_t bytes)
{
	unsigned char raw[64];

	if (bytes > sizeof(raw))
		bytes = sizeof(raw);
	randombytes_buf(raw, bytes);
	sodium_bin2hex(out, 2 * bytes + 1, raw, bytes);
}

void
web_random_token(char *out)
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
	                  raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool
web_ct_equal(const char *a, const char *b)
{
	size_t n;

	if (a == NULL || b == NULL || (n = strlen(a)) != strlen(b) || n == 0)
		return false;
	return sodium_memcmp(a, b, n) == 0;
}

void
who_release(struct who *w)
{
	free(w->login);
	free(w->role);
	free(w->subject);
	free(w->name);
	free(w->session_hash);
	for (size_t i = 0; i < w->nplans; i++)
		free(w->plans[i]);
	free(w->plans);
	store_link_release(&w->link);
	memset(w, 0, sizeof(*w));
}

/* Every plan that has the role must agree on its kind (`load` refuses one that does not:
 * review 11d, W1); a store loaded before that check where they disagree gives the role no
 * kind — its accounts see nothing — rather than the first plan's. */
char
web_role_kind(struct engine *en, const char *role)
{
	char kind = 0;

	for (size_t i = 0; role && i < engine_nplans(en); i++) {
		const struct plan *p = engine_plan_at(en, i)->plan;
		int ri = plan_role_index(p, role);
		char k;

		if (ri < 0)
			continue;
		k = p->roles[ri].per == PLAN_PER_JURISDICTION ? 'j'
		  : p->roles[ri].per == PLAN_PER_ENTERPRISE   ? 'e' : 'o';
		if (kind != 0 && k != kind) {
			log_warnx(engine_log_level(en), "web", "role %s is not the same kind of account in "
			          "every plan: its accounts see nothing until the plans agree", role);
			return 0;
		}
		kind = k;
	}
	return kind;
}

bool
web_plan_of(const struct who *w, const char *plan)
{
	if (w->kind != WHO_ACCOUNT)
		return false;
	for (size_t i = 0; i < w->nplans; i++)
		if (strcmp(w->plans[i], plan) == 0)
			return true;
	return false;
}

bool
web_office_of(const struct who *w, const char *plan)
{
	return w->office && web_plan_of(w, plan);
}

const char *
web_link_token(struct req *r)
{
	snprintf(r->link_token, sizeof(r->link_token), "%.43s",
	         strncmp(r->path, "/s/", 3) == 0 ? r->path + 3 : "");
	return r->link_token;
}

bool
web_can_see(const struct who *w, const struct store_task *t)
{
	if (w->kind == WHO_LINK)
		return strcmp(w->link.task, t->key) == 0;
	if (w->kind != WHO_ACCOUNT)
		return false;
	/* a role counts in the plans that define it, a county's as an office's (review 11e,
	 * X6: another bureau's county role bound to this county read this bureau's tasks) */
	if (!web_plan_of(w, t->plan))
		return false;
	if (w->office)
		return true;
	if (w->per_enterprise)
		return strcmp(t->subject, w->subject) == 0;
	return strcmp(t->jurisdiction, w->subject) == 0;
}

/* The owner role of a task's milestone submits it: a county account its county's
 * reports, an enterprise account its own plan; a link, its one task. */
bool
web_can_submit(struct engine *en, const struct who *w, const struct store_task *t)
{
	const struct engine_plan *ep = engine_plan_find(en, t->plan);
	int mi = ep ? plan_milestone_index(ep->plan, t->milestone) : -1;

	if (!web_can_see(w, t) || mi < 0)
		return false;
	if (w->kind == WHO_LINK)
		return true;
	return strcmp(ep->plan->roles[ep->plan->milestones[mi].owner].id, w->role) == 0;
}

bool
web_can_review(const struct who *w)
{
	return w->kind == WHO_ACCOUNT && w->office;
}

char *
web_actor(const struct who *w, const char *typed_name)
{
	if (w->kind == WHO_LINK)
		return xasprintf("link:%s/%s:%s", w->link.role, w->link.subject,
		                 typed_name ? typed_name : "");
	return xasprintf("web:%s", w->login ? w->login : "?");
}

/* ---- resolving the request's credentials ---- */

static void
who_from_account(struct req *r, const struct store_account *a)
{
	char kind = web_role_kind(r->en, a->role);

	r->who.kind = WHO_ACCOUNT;
	r->who.login = xstrdup(a->login);
	r->who.role = xstrdup(a->role);
	r->who.subject = xstrdup(a->subject);
	r->who.name = xstrdup(a->name);
	r->who.office = kind == 'o';
	r->who.per_enterprise = kind == 'e';
	/* an account of the plans that define its role, not of another bureau's plans in the
	 * same store (review 11d, W13; review 11e, X6) */
	for (size_t i = 0; i < engine_nplans(r->en); i++) {
		const struct plan *p = engine_plan_at(r->en, i)->plan;

		if (plan_role_index(p, a->role) < 0)
			continue;
		r->who.plans = xrealloc(r->who.plans, (r->who.nplans + 1) * sizeof(char *));
		r->who.plans[r->who.nplans++] = xstrdup(p->id);
	}
	r->who.every_plan = r->who.office && r->who.nplans == engine_nplans(r->en);
}

struct auth_arg {
	struct req *r;
	const char *session_hash;   /* cookie's */
	const char *token_hash;     /* bearer's */
	const char *link_hash;      /* /s/TOKEN's */
};

static int
bearer_cb(const struct store_account *a, void *arg)
{
	struct auth_arg *x = arg;

	if (!a->disabled && a->token_hash[0] && web_ct_equal(a->token_hash, x->token_hash)) {
		who_from_account(x->r, a);
		x->r->who.bearer = true;
		return 1;
	}
	return 0;
}

/* A link is good while not revoked, not expired, and its task is not in a final state. */
static int
link_auth(struct store_txn *txn, struct auth_arg *x, struct dberr *e)
{
	struct req *r = x->r;
	struct engine *en = r->en;
	struct store_link l;
	struct store_task t;
	const struct engine_plan *ep;
	int rc, mi, st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char *msg;

	dberr_clear(e);
	if ((rc = store_link_get(txn, x->link_hash, &l, e)) != 0) {
		dberr_clear(e);
		return rc == DB_ENOTFOUND ? 0 : rc;
	}
	if (l.revoked || store_task_get(txn, l.task, &t, e) != 0) {
		dberr_clear(e);
		store_link_release(&l);
		return 0;
	}
	ep = engine_plan_find(en, t.plan);
	mi = ep ? plan_milestone_index(ep->plan, t.milestone) : -1;
	st = mi >= 0 ? plan_lifecycle_state(&ep->plan->lifecycles[ep->plan->milestones[mi].lifecycle],
	                                    t.state) : -1;
	if (st < 0) {
		store_task_release(&t);
		store_link_release(&l);
		return 0;
	}
	/* a final task or a link past its days submits nothing more, but its holder keeps
	 * its page, receipts and proofs: the receipt is the county's evidence for years */
	/* ... and so does one whose role no longer owns the task (a plan version gave the
	 * milestone to another role): it would hand in as a role the task's accounts of that
	 * role are refused as (review 11d, W11) */
	r->who.link_why =
	    ep->plan->lifecycles[ep->plan->milestones[mi].lifecycle].final[st] ? WEB_LINK_FINAL
	    : strcmp(ep->plan->roles[ep->plan->milestones[mi].owner].id, l.role) != 0
	        ? WEB_LINK_OWNER
	    : l.expires != 0 && engine_now(en) >= l.expires ? WEB_LINK_EXPIRED : WEB_LINK_OPEN;
	r->who.link_readonly = r->who.link_why != WEB_LINK_OPEN;
	store_task_release(&t);
	r->who.kind = WHO_LINK;
	r->who.role = xstrdup(l.role);
	r->who.subject = xstrdup(l.subject);
	r->who.link = l;
	/* the link's form token: an HMAC of its hash under the server's secret */
	msg = xasprintf("link-form:%s", x->link_hash);
	crypto_auth_hmacsha256(mac, (const unsigned char *)msg, strlen(msg), r->w->secret);
	sodium_bin2hex(r->who.csrf, sizeof(r->who.csrf), mac, sizeof(mac));
	free(msg);
	return 0;
}

static int
auth_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct auth_arg *x = arg;
	struct req *r = x->r;
	struct store_session s;
	struct store_account a;
	int rc;

	if (x->link_hash)
		return link_auth(txn, x, e);
	if (x->token_hash) {
		rc = store_account_each(txn, bearer_cb, x, e);
		return rc < 0 ? rc : 0;
	}
	if (x->session_hash == NULL)
		return 0;
	if ((rc = store_session_get(txn, x->session_hash, &s, e)) != 0) {
		dberr_clear(e);
		return rc == DB_ENOTFOUND ? 0 : rc;
	}
	if (s.expires > engine_wall_clock() && store_account_get(txn, s.login, &a, e) == 0) {
		if (!a.disabled) {
			who_from_account(r, &a);
			snprintf(r->who.csrf, sizeof(r->who.csrf), "%s", s.csrf);
			r->who.session_hash = xstrdup(x->session_hash);
		}
		store_account_release(&a);
	}
	dberr_clear(e);
	store_session_release(&s);
	return 0;
}

int
web_auth(struct req *r, struct dberr *e)
{
	struct auth_arg x = {r, NULL, NULL, NULL};
	const char *cookie = req_cookie(r, WEB_SESSION_COOKIE);
	const char *authz = req_header(r, "Authorization");
	char sh[65], th[65], lh[65];

	if (strncmp(r->path, "/s/", 3) == 0) {
		/* /s/TOKEN, or under it /s/TOKEN/proof/SEQ */
		if (strcspn(r->path + 3, "/") != 43)
			return 0;
		sha256_hex(r->path + 3, 43, lh);
		x.link_hash = lh;
	} else if (authz && strncmp(authz, "Bearer ", 7) == 0 && strlen(authz + 7) >= 32) {
		sha256_hex(authz + 7, strlen(authz + 7), th);
		x.token_hash = th;
	} else if (cookie && strlen(cookie) >= 32) {
		sha256_hex(cookie, strlen(cookie), sh);
		x.session_hash = sh;
	} else {
		return 0;
	}
	return store_read(engine_store(r->en), auth_txn, &x, e);
}

bool
web_csrf_ok(const struct req *r)
{
	const char *f = req_field(r, "csrf");

	if (f == NULL)
		f = req_header(r, "X-CSRF-Token");
	return web_ct_equal(f, r->who.csrf);
}

/* ---- login and logout ---- */

static void
set_cookie(struct req *r, int slot, const char *name, const char *val, const char *path,
           long max_age)
{
	free(r->cookie[slot]);
	r->cookie[slot] = xasprintf("%s=%s; Path=%s; Max-Age=%ld; HttpOnly; SameSite=Strict%s",
	                            name, val, path, max_age, r->w->secure ? "; Secure" : "");
}

static void
login_form(struct req *r, const char *msg)
{
	const char *have = req_cookie(r, WEB_LOGIN_COOKIE);
	char nonce[65];

	/* the same nonce while the browser keeps it: a second login page opened (a tab, a
	 * redirect) must not invalidate the first one's form */
	if (have && strlen(have) == 64 && strspn(have, "0123456789abcdef") == 64)
		snprintf(nonce, sizeof(nonce), "%s", have);
	else
		web_random_hex(nonce, 32);
	set_cookie(r, 0, WEB_LOGIN_COOKIE, nonce, "/login", 1800);
	view_begin(r, "登录");
	H(&r->out, "<h1>登录</h1>");
	if (msg)
		HF(&r->out, "<p class=\"error\">%s</p>", msg);
	HF(&r->out, "<form method=\"post\" action=\"/login\"><fieldset>"
	            "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
	            "<label>账号 <input type=\"text\" name=\"login\" id=\"login\" required "
	            "autocomplete=\"username\"></label>"
	            "<label>密码 <input type=\"password\" name=\"password\" id=\"password\" required "
	            "autocomplete=\"current-password\"></label>"
	            "<button type=\"submit\" id=\"login-submit\">登录</button></fieldset></form>"
	            "<p class=\"muted\">各单位和企业收到的提醒邮件中附有报送链接，无需账号即可报送。</p>",
	   nonce);
	view_end(r);
}

void
page_login(struct req *r)
{
	login_form(r, NULL);
}

unsigned
web_rate_count(struct web_rate *rt, const char *key, int64_t now, int64_t window,
               unsigned add, unsigned limit, bool *first_over)
{
	struct web_rate_slot *sl = NULL, *free_slot = NULL, *oldest = NULL;
	unsigned n;

	pthread_mutex_lock(&rt->lock);
	for (size_t i = 0; i < rt->nslot && sl == NULL; i++) {
		struct web_rate_slot *x = &rt->slot[i];

		if (strcmp(x->key, key) == 0)
			sl = x;
		else if (free_slot == NULL && now - x->since > window)
			free_slot = x;
		else if (oldest == NULL || x->since < oldest->since)
			oldest = x;
	}
	if (sl == NULL) {
		if (free_slot == NULL && rt->nslot < WEB_RATE_KEYS) {
			rt->slot = xgrow(rt->slot, &rt->capslot, rt->nslot + 1, sizeof(*rt->slot));
			free_slot = &rt->slot[rt->nslot++];
		}
		sl = free_slot ? free_slot : oldest;
		snprintf(sl->key, sizeof(sl->key), "%s", key);
		sl->since = now;
		sl->n = 0;
		sl->told = false;
	} else if (now - sl->since > window) {
		sl->since = now;
		sl->n = 0;
		sl->told = false;
	}
	n = sl->n += add;
	if (first_over != NULL) {
		*first_over = n > limit && !sl->told;
		if (*first_over)
			sl->told = true;
	}
	pthread_mutex_unlock(&rt->lock);
	return n;
}

void
web_rate_release(struct web_rate *rt)
{
	free(rt->slot);
	pthread_mutex_destroy(&rt->lock);
}

void
web_addr_key(const char *addr, char out[64])
{
	unsigned char b[16];

	if (strchr(addr, ':') == NULL || inet_pton(AF_INET6, addr, b) != 1) {
		snprintf(out, 64, "%s", addr);
		return;
	}
	memset(b + 8, 0, 8);
	inet_ntop(AF_INET6, b, out, 60);
	strcat(out, "/64");
}

/* The lockout's key: the account tried (known or not: an unknown login locks alike, so the
 * answers do not tell which logins exist) and the client's address. */
static void
pair_key(const char *login, const char *addr, char out[72])
{
	char ak[64], hex[SHA256_HEX_SIZE], *s;

	web_addr_key(addr, ak);
	s = xasprintf("%s\n%s", login, ak);
	sha256_hex(s, strlen(s), hex);
	free(s);
	snprintf(out, 72, "p%s", hex);
}

struct login_arg {
	struct req *r;
	const char *login, *password;
	int64_t now;
	char ak[64], pk[72];      /* the address's and the account-and-address's count keys */
	bool verified;            /* the password matched the account's hash (checked before
	                             the write transaction) */
	bool locked;              /* this address is locked out of this login */
	bool lock_now;            /* this failure locks it */
	int outcome;              /* 0 ok, 1 bad, 2 locked, 3 now locked */
	char token[48];
	char csrf[65];
	char role_kind;
};

/* The record of an address locked out of a login (known or not) by this failure. */
static int
audit_lockout(struct login_arg *x, struct engine *en, struct store_txn *txn,
              const char *subject, struct dberr *e)
{
	struct buf d = BUF_INIT;
	int rc;

	x->outcome = 3;
	buf_puts(&d, "{\"login\":");
	buf_json_str(&d, x->login);
	buf_puts(&d, ",\"address\":");
	buf_json_str(&d, x->r->addr);
	buf_printf(&d, ",\"minutes\":%d,\"scope\":\"address\"}", WEB_LOCK_SECONDS / 60);
	rc = engine_audit(en, txn, "web.lockout", "", subject, "", "locked", buf_str(&d), e);
	buf_release(&d);
	return rc;
}

/* One more failure under key, in the login's own transaction (no write of its own): a
 * count whose window passed starts again. *n receives the count. */
static int
count_failure(struct store_txn *txn, const char *key, int64_t now, int64_t window,
              uint32_t *n, struct dberr *e)
{
	struct store_throttle th;
	int rc = store_throttle_get(txn, key, &th, e);

	if (rc == DB_ENOTFOUND || (rc == 0 && now - th.since > window)) {
		dberr_clear(e);
		th = (struct store_throttle){now, 0};
	} else if (rc != 0) {
		return rc;
	}
	th.n++;
	*n = th.n;
	return store_throttle_put(txn, key, &th, now - WEB_THROTTLE_WINDOW, WEB_THROTTLE_KEYS, e);
}

/* The counts a failed login adds (the lockout of its address out of its login, and its
 * address's), before its records: the fifth failure locks, and says so. */
static int
login_failed_counts(struct store_txn *txn, struct login_arg *x, struct dberr *e)
{
	uint32_t n;
	int rc;

	x->lock_now = false;
	if (!x->locked && !x->verified) {
		if ((rc = count_failure(txn, x->pk, x->now, WEB_LOCK_SECONDS, &n, e)) != 0)
			return rc;
		x->lock_now = n == WEB_LOCK_FAILURES;
	}
	return count_failure(txn, x->ak, x->now, WEB_ADDR_WINDOW, &n, e);
}

static int
login_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct login_arg *x = arg;
	struct engine *en = x->r->en;
	struct store_account a;
	struct store_session s = {0};
	struct buf d = BUF_INIT;
	char hash[65], *actor;
	int rc;

	x->outcome = 1;
	rc = store_account_get(txn, x->login, &a, e);
	if (rc == DB_ENOTFOUND) {
		dberr_clear(e);
		if ((rc = login_failed_counts(txn, x, e)) != 0)
			return rc;
		engine_set_actor(en, "web:?");
		buf_puts(&d, "{\"login\":");
		buf_json_str(&d, x->login);
		buf_puts(&d, ",\"address\":");
		buf_json_str(&d, x->r->addr);
		buf_puts(&d, x->locked ? ",\"reason\":\"locked\"}" : ",\"reason\":\"unknown account\"}");
		rc = engine_audit(en, txn, "web.login_failed", "", "", "", "", buf_str(&d), e);
		if (rc == 0 && x->lock_now)
			rc = audit_lockout(x, en, txn, "", e);
		if (x->locked)
			x->outcome = 2;
		buf_release(&d);
		return rc;
	}
	if (rc != 0)
		return rc;
	/* a failure is nobody's doing but the anonymous client's: web:? with the login tried
	 * in the details, never the attacked account as its actor (review 11b, m5) */
	actor = x->verified && !a.disabled && !x->locked ? xasprintf("web:%s", a.login)
	                                                 : xstrdup("web:?");
	engine_set_actor(en, actor);
	free(actor);
	buf_puts(&d, "{\"login\":");
	buf_json_str(&d, a.login);
	buf_puts(&d, ",\"address\":");
	buf_json_str(&d, x->r->addr);
	if (x->locked || a.disabled || !x->verified) {
		if ((rc = login_failed_counts(txn, x, e)) != 0)
			goto out;
	}
	if (x->locked) {
		x->outcome = 2;
		buf_puts(&d, ",\"reason\":\"locked\"}");
		rc = engine_audit(en, txn, "web.login_failed", "", a.subject, "", "", buf_str(&d), e);
	} else if (a.disabled || !x->verified) {
		a.failures++;
		buf_printf(&d, ",\"reason\":\"%s\",\"failures\":%u}",
		           a.disabled ? "disabled" : "bad password", a.failures);
		rc = engine_audit(en, txn, "web.login_failed", "", a.subject, "", "", buf_str(&d), e);
		if (rc == 0 && x->lock_now)
			rc = audit_lockout(x, en, txn, a.subject, e);
		if (rc == 0)
			rc = store_account_put(txn, &a, e);
	} else {
		a.failures = 0;
		a.locked_until = 0;
		web_random_token(x->token);
		web_random_hex(x->csrf, 32);
		sha256_hex(x->token, strlen(x->token), hash);
		s.id_hash = hash;
		s.login = a.login;
		s.csrf = x->csrf;
		s.created = x->now;
		s.expires = x->now + WEB_SESSION_SECONDS;
		buf_putc(&d, '}');
		x->role_kind = web_role_kind(en, a.role);
		if ((rc = store_account_put(txn, &a, e)) == 0 &&
		    (rc = store_throttle_del(txn, x->pk, e)) == 0 &&
		    (rc = store_session_sweep(txn, x->now, NULL, e)) == 0 &&
		    (rc = store_session_put(txn, &s, e)) == 0)
			rc = engine_audit(en, txn, "web.login", "", a.subject, "", "", buf_str(&d), e);
		if (rc == 0)
			x->outcome = 0;
	}
out:
	buf_release(&d);
	store_account_release(&a);
	return rc;
}

/* The account's password hash as a snapshot has it, for checking outside the write
 * transaction; "" for an unknown login. */
struct hash_arg {
	const char *login;
	const char *ak, *pk;      /* count keys (login_failed_counts) */
	int64_t now;
	bool throttled, locked;
	char *pwhash;
};

/* Whether key's count within window reached limit, as the store has it. */
static int
count_reached(struct store_txn *txn, const char *key, int64_t now, int64_t window,
              unsigned limit, bool *out, struct dberr *e)
{
	struct store_throttle th;
	int rc = store_throttle_get(txn, key, &th, e);

	if (rc == DB_ENOTFOUND) {
		dberr_clear(e);
		*out = false;
		return 0;
	}
	*out = rc == 0 && now - th.since <= window && th.n >= limit;
	return rc;
}

static int
hash_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct hash_arg *x = arg;
	struct store_account a;
	int rc;

	if ((rc = count_reached(txn, x->ak, x->now, WEB_ADDR_WINDOW, WEB_ADDR_FAILURES,
	                        &x->throttled, e)) != 0 ||
	    (rc = count_reached(txn, x->pk, x->now, WEB_LOCK_SECONDS, WEB_LOCK_FAILURES,
	                        &x->locked, e)) != 0)
		return rc;
	if (x->throttled || x->locked)
		return 0;
	rc = store_account_get(txn, x->login, &a, e);

	if (rc == DB_ENOTFOUND) {
		dberr_clear(e);
		x->pwhash = xstrdup("");
		return 0;
	}
	if (rc != 0)
		return rc;
	x->pwhash = xstrdup(a.pwhash);
	store_account_release(&a);
	return 0;
}

/* Before a login borrows an engine (server.c calls it for POST /login): the form's token,
 * the fields, the address's throttle, then the password against the account's hash (an
 * unknown login against the dummy one: the same work, so timing does not tell which
 * logins exist). Argon2id takes half a second and 64 MiB: it ran inside the login's write
 * transaction, holding the store's one writer and a write engine, so a flood of wrong
 * passwords queued every web write behind it, and a county's submission seconds before
 * its deadline was recorded late (review 11b, H2). Now it holds neither, and at most
 * WEB_ARGON_AT_ONCE run at a time (the rest wait their turn here, holding no engine).
 * The verdict is kept in r for page_login_post, which writes the outcome. */
/* The address's count key: "a" and the address (an IPv6 /64). */
static void
addr_count_key(const char *addr, char out[64])
{
	char ak[64];

	web_addr_key(addr, ak);
	snprintf(out, 64, "a%.62s", ak);
}

void
web_login_check(struct req *r, struct store *store)
{
	struct web *w = r->w;
	struct hash_arg h = {0};
	const char *login = req_field(r, "login"), *password = req_field(r, "password");
	char ak[64], pk[72];
	struct dberr e;

	if (!web_ct_equal(req_cookie(r, WEB_LOGIN_COOKIE), req_field(r, "csrf"))) {
		r->login_pre = WEB_LOGIN_CSRF;
		return;
	}
	if (login == NULL || password == NULL || !*login || strlen(login) > 128 ||
	    strlen(password) > 1024) {
		r->login_pre = WEB_LOGIN_FIELDS;
		return;
	}
	/* the address's throttle, then this address locked out of this login (refused before
	 * the password is looked at, whoever's it is; every other address tries it as usual:
	 * review 11b, M2), both as the store keeps them, so a restart forgets neither; then
	 * the account's hash, in the same snapshot */
	addr_count_key(r->addr, ak);
	pair_key(login, r->addr, pk);
	h.login = login;
	h.ak = ak;
	h.pk = pk;
	h.now = engine_wall_clock();
	dberr_clear(&e);
	if (store_read(store, hash_txn, &h, &e) != 0) {
		log_warnx(r->w->log_level, "web", "login: %s", e.msg);
		free(h.pwhash);
		h.pwhash = xstrdup("");
		h.throttled = h.locked = false;
	}
	if (h.throttled || h.locked) {
		r->login_pre = h.throttled ? WEB_LOGIN_THROTTLED : WEB_LOGIN_LOCKED;
		free(h.pwhash);
		return;
	}
	pthread_mutex_lock(&w->argon_lock);
	while (w->argon_running >= WEB_ARGON_AT_ONCE)
		pthread_cond_wait(&w->argon_free, &w->argon_lock);
	w->argon_running++;
	pthread_mutex_unlock(&w->argon_lock);
	if (h.pwhash && *h.pwhash)
		r->login_verified =
			crypto_pwhash_str_verify(h.pwhash, password, strlen(password)) == 0;
	else if (w->dummy_hash[0] &&
	         crypto_pwhash_str_verify(w->dummy_hash, password, strlen(password)) == 0)
		log_debug(r->w->log_level, "web", "a password matched the dummy hash");
	free(h.pwhash);
	pthread_mutex_lock(&w->argon_lock);
	w->argon_running--;
	pthread_cond_signal(&w->argon_free);
	pthread_mutex_unlock(&w->argon_lock);
	r->login_pre = WEB_LOGIN_CHECKED;
}

void
page_login_post(struct req *r)
{
	struct login_arg x = {0};
	struct dberr e;

	if (r->login_pre == WEB_LOGIN_CSRF) {
		req_error(r, 403, "登录表单已过期或来源不明，请刷新登录页后重试。");
		return;
	}
	if (r->login_pre == WEB_LOGIN_FIELDS) {
		r->status = 400;
		login_form(r, "请填写账号和密码。");
		r->status = 400;
		return;
	}
	if (r->login_pre == WEB_LOGIN_THROTTLED) {
		req_error(r, 429, "登录失败次数过多，请15分钟后再试。");
		return;
	}
	if (r->login_pre != WEB_LOGIN_CHECKED && r->login_pre != WEB_LOGIN_LOCKED) {
		req_error(r, 500, NULL); /* server.c checks every POST /login first */
		return;
	}
	x.r = r;
	x.login = req_field(r, "login");
	x.password = req_field(r, "password");
	x.now = engine_wall_clock();
	x.locked = r->login_pre == WEB_LOGIN_LOCKED;
	x.verified = !x.locked && r->login_verified;
	addr_count_key(r->addr, x.ak);
	pair_key(x.login, r->addr, x.pk);
	dberr_clear(&e);
	if (engine_write(r->en, login_txn, &x, &e) != 0) {
		log_warnx(r->w->log_level, "web", "login: %s", e.msg);
		req_error(r, 503, "存储暂时不可用，请稍后重试。");
		return;
	}
	if (x.outcome != 0) {
		r->status = x.outcome >= 2 ? 423 : 401;
		login_form(r, x.outcome >= 2 ? "从您所在的网络地址登录此账号连续失败次数过多，已暂停15分钟"
		                               "（其他地址不受影响）。"
		                             : "账号或密码错误。");
		r->status = x.outcome >= 2 ? 423 : 401;
		return;
	}
	set_cookie(r, 0, WEB_SESSION_COOKIE, x.token, "/", WEB_SESSION_SECONDS);
	set_cookie(r, 1, WEB_LOGIN_COOKIE, "", "/login", 0);
	req_redirect(r, x.role_kind == 'o' ? "/" : "/tasks");
}

struct logout_arg {
	struct req *r;
};

static int
logout_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct logout_arg *x = arg;
	int rc = store_session_del(txn, x->r->who.session_hash, e);

	if (rc == DB_ENOTFOUND) {
		dberr_clear(e);
		rc = 0;
	}
	if (rc == 0)
		rc = engine_audit(x->r->en, txn, "web.logout", "", x->r->who.subject, "", "",
		                  NULL, e);
	return rc;
}

void
page_logout(struct req *r)
{
	struct logout_arg x = {r};
	struct dberr e;
	char *actor = web_actor(&r->who, NULL);

	dberr_clear(&e);
	engine_set_actor(r->en, actor);
	free(actor);
	if (r->who.session_hash && engine_write(r->en, logout_txn, &x, &e) != 0)
		log_warnx(r->w->log_level, "web", "logout: %s", e.msg);
	set_cookie(r, 0, WEB_SESSION_COOKIE, "", "/", 0);
	req_redirect(r, "/login");
}

/* ---- accounts for `dabiao user` ---- */

struct user_arg {
	struct engine *en;
	const char *login, *role, *subject, *name, *password;
	bool disabled;
	char *token;
	int op;                   /* 'a' add, 'p' passwd, 'd' disable, 't' token */
	int (*cb)(const struct store_account *, void *);
	void *cbarg;
	size_t ended;             /* passwd: the sessions it ended */
	bool had_token;           /* passwd: the API token it voided */
};

static int
hash_password(const char *pw, char out[crypto_pwhash_STRBYTES], struct dberr *e)
{
	if (strlen(pw) < 8)
		return dberr_set(e, DB_EUSAGE, "a password needs at least 8 characters");
	if (crypto_pwhash_str_alg(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                          crypto_pwhash_MEMLIMIT_INTERACTIVE,
	                          crypto_pwhash_ALG_ARGON2ID13) != 0)
		return dberr_set(e, DB_ETEMP, "not enough memory to hash the password");
	return 0;
}

/* Whoever is logged in as the account, or holds its API token, is out: its sessions are
 * deleted (x->ended counts them) and its token voided (x->had_token: there was one). */
static int
end_access(struct store_txn *txn, struct user_arg *x, struct store_account *a,
           struct dberr *e)
{
	x->had_token = a->token_hash[0] != '\0';
	a->token_hash[0] = '\0';
	return store_session_del_login(txn, a->login, &x->ended, e);
}

static int
user_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct user_arg *x = arg;
	struct store_account a = {0};
	char pw[crypto_pwhash_STRBYTES], th[65];
	struct buf d = BUF_INIT;
	const char *action;
	int rc;

	rc = store_account_get(txn, x->login, &a, e);
	if (x->op == 'a') {
		if (rc == 0) {
			store_account_release(&a);
			return dberr_set(e, DB_ESTATE, "account '%s' exists (dabiao user passwd to change "
			                 "its password)", x->login);
		}
		if (rc != DB_ENOTFOUND)
			return rc;
		dberr_clear(e);
		if ((rc = hash_password(x->password, pw, e)) != 0)
			return rc;
		a.login = xstrdup(x->login);
		a.role = xstrdup(x->role);
		a.subject = xstrdup(x->subject ? x->subject : "");
		a.name = xstrdup(x->name ? x->name : "");
		a.pwhash = xstrdup(pw);
		a.token_hash = xstrdup("");
		a.created_at = engine_wall_clock();
		action = "user.add";
	} else if (rc != 0) {
		if (rc == DB_ENOTFOUND) {
			dberr_clear(e);
			return dberr_set(e, DB_ENOTFOUND, "no account '%s' (see dabiao user list)",
			                 x->login);
		}
		return rc;
	} else if (x->op == 'p') {
		if ((rc = hash_password(x->password, pw, e)) != 0)
			goto out;
		free(a.pwhash);
		a.pwhash = xstrdup(pw);
		a.failures = 0;
		a.locked_until = 0;
		/* a new password is what one does after a suspected break-in */
		if ((rc = end_access(txn, x, &a, e)) != 0)
			goto out;
		action = "user.passwd";
	} else if (x->op == 'd') {
		/* disabled because a laptop was stolen or its owner left: enabling it again must
		 * not bring back the sessions and the token someone may hold (review 11b, m3) */
		a.disabled = x->disabled;
		if (x->disabled && (rc = end_access(txn, x, &a, e)) != 0)
			goto out;
		action = x->disabled ? "user.disable" : "user.enable";
	} else {
		free(x->token); /* a transaction redone after map growth */
		x->token = xmalloc(48);
		web_random_token(x->token);
		sha256_hex(x->token, strlen(x->token), th);
		free(a.token_hash);
		a.token_hash = xstrdup(th);
		action = "user.token";
	}
	buf_puts(&d, "{\"login\":");
	buf_json_str(&d, a.login);
	buf_puts(&d, ",\"role\":");
	buf_json_str(&d, a.role);
	buf_puts(&d, ",\"name\":");
	buf_json_str(&d, a.name);
	if (x->op == 'p' || (x->op == 'd' && x->disabled))
		buf_printf(&d, ",\"sessions_ended\":%zu,\"token_voided\":%s", x->ended,
		           x->had_token ? "true" : "false");
	buf_putc(&d, '}');
	if ((rc = store_account_put(txn, &a, e)) == 0)
		rc = engine_audit(x->en, txn, action, "", a.subject, "", "", buf_str(&d), e);
out:
	sodium_memzero(pw, sizeof(pw));
	buf_release(&d);
	store_account_release(&a);
	return rc;
}

static int
user_subject_ok(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct user_arg *x = arg;
	char kind = web_role_kind(x->en, x->role);
	struct store_subject s;
	int rc;

	if (kind == 'o') {
		if (x->subject && *x->subject)
			return dberr_set(e, DB_EUSAGE, "role '%s' is an office: it sees every task and "
			                 "takes no --subject", x->role);
		return 0;
	}
	if (x->subject == NULL || !*x->subject)
		return dberr_set(e, DB_EUSAGE, "role '%s' is per %s: give --subject with its id",
		                 x->role, kind == 'j' ? "jurisdiction" : "enterprise");
	rc = store_subject_get(txn, kind == 'j' ? STORE_JURISDICTION : STORE_ENTERPRISE,
	                       x->subject, &s, e);
	if (rc == DB_ENOTFOUND) {
		dberr_clear(e);
		return dberr_set(e, DB_EUSAGE, "no %s '%s' in the registry (dabiao import first)",
		                 kind == 'j' ? "jurisdiction" : "enterprise", x->subject);
	}
	if (rc != 0)
		return rc;
	/* one of the subjects of a plan that defines the role (review 11e, X6): another
	 * bureau's role bound to this bureau's county is a mistake, refused */
	{
		bool covered = false;

		for (size_t i = 0; i < engine_nplans(x->en) && !covered; i++) {
			const struct engine_plan *ep = engine_plan_at(x->en, i);

			covered = plan_role_index(ep->plan, x->role) >= 0 &&
			          sched_plan_covers(x->en, txn, ep, &s);
		}
		store_subject_release(&s);
		if (!covered)
			return dberr_set(e, DB_EUSAGE, "no loaded plan with role '%s' covers %s '%s' "
			                 "(its registry: where): the account would see nothing", x->role,
			                 kind == 'j' ? "jurisdiction" : "enterprise", x->subject);
	}
	return 0;
}

static bool
login_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '.' || *s == '-' || *s == '_' || *s == '@'))
			return false;
	return true;
}

int
web_user_add(struct engine *en, const char *login, const char *role, const char *subject,
             const char *name, const char *password, struct dberr *e)
{
	struct user_arg x = {en, login, role, subject, name, password, false, NULL, 'a', NULL, NULL,
	                     0, false};
	int rc;

	if (sodium_init() < 0)
		return dberr_set(e, DB_ESOFTWARE, "libsodium cannot initialise");
	if (!login_ok(login))
		return dberr_set(e, DB_EUSAGE, "a login is 1 to 64 of a-z A-Z 0-9 . - _ @, not '%s'",
		                 login);
	if (web_role_kind(en, role) == 0)
		return dberr_set(e, DB_EUSAGE, "no loaded plan has a role '%s'", role);
	if ((rc = store_read(engine_store(en), user_subject_ok, &x, e)) != 0)
		return rc;
	return engine_write(en, user_txn, &x, e);
}

int
web_user_passwd(struct engine *en, const char *login, const char *password, size_t *ended,
                bool *had_token, struct dberr *e)
{
	struct user_arg x = {en, login, NULL, NULL, NULL, password, false, NULL, 'p', NULL, NULL,
	                     0, false};
	int rc;

	if (sodium_init() < 0)
		return dberr_set(e, DB_ESOFTWARE, "libsodium cannot initialise");
	rc = engine_write(en, user_txn, &x, e);
	*ended = x.ended;
	*had_token = x.had_token;
	return rc;
}

int
web_user_disable(struct engine *en, const char *login, bool disabled, size_t *ended,
                 bool *had_token, struct dberr *e)
{
	struct user_arg x = {en, login, NULL, NULL, NULL, NULL, disabled, NULL, 'd', NULL, NULL,
	                     0, false};
	int rc = engine_write(en, user_txn, &x, e);

	*ended = x.ended;
	*had_token = x.had_token;
	return rc;
}

int
web_user_token(struct engine *en, const char *login, char **token, struct dberr *e)
{
	struct user_arg x = {en, login, NULL, NULL, NULL, NULL, false, NULL, 't', NULL, NULL,
	                     0, false};
	int rc;

	if (sodium_init() < 0)
		return dberr_set(e, DB_ESOFTWARE, "libsodium cannot initialise");
	rc = engine_write(en, user_txn, &x, e);
	if (rc == 0)
		*token = x.token;
	else
		free(x.token);
	return rc;
}

static int
list_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct user_arg *x = arg;

	return store_account_each(txn, x->cb, x->cbarg, e);
}

int
web_user_list(struct engine *en, int (*cb)(const struct store_account *, void *), void *arg,
              struct dberr *e)
{
	struct user_arg x = {0};

	x.cb = cb;
	x.cbarg = arg;
	return store_read(engine_store(en), list_txn, &x, e);
}
