/*
 * act.c - what people do on the web: submit (with an account or through a link), review
 * (accept, return, flag), extend, revoke links; and what they get back: the files, the
 * receipt (回执) with the audit sequence, and the inclusion proof.
 *
 * Every action is the command line's engine call (task_event, task_extend, task_flag) in
 * one store transaction, with the web's actor; what it queued is delivered after the
 * commit, as the command line's dispatcher does.
 *
 * Files are content-addressed: DB/files/ab/abcdef... (the sha256 in hex, fanned out by
 * its first byte). The name a browser sent is kept in the audit record as metadata and
 * never becomes part of a path. A file is moved into place before the transaction that
 * records it and removed again if that transaction fails and the file was new.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "base/log.h"
#include "base/sha256.h"
#include "base/strset.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include "engine/audit/audit.h"
#include "engine/web/web_int.h"

/* ---- uploads ---- */

int
upload_begin(struct req *r, const char *field, const char *filename)
{
	struct web_upload *u;
	char rnd[33];

	if (r->nfiles >= WEB_MAX_FILES)
		return -1;
	u = &r->files[r->nfiles++];
	memset(u, 0, sizeof(*u));
	web_random_hex(rnd, 16);
	u->field = xstrdup(field);
	u->name = xstrdup(filename);
	u->tmp = xasprintf("%s/tmp/%s", r->w->files_dir, rnd);
	u->fd = open(u->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (u->fd < 0) {
		log_warn(r->w->log_level, "web", "cannot create upload file=%s", u->tmp);
		free(u->tmp);
		u->tmp = NULL;
		return -1;
	}
	u->md = xmalloc(sizeof(crypto_hash_sha256_state));
	crypto_hash_sha256_init(u->md);
	return 0;
}

int
upload_data(struct req *r, const char *data, size_t n)
{
	struct web_upload *u = r->nfiles ? &r->files[r->nfiles - 1] : NULL;

	if (u == NULL || u->fd < 0)
		return -1;
	crypto_hash_sha256_update(u->md, (const unsigned char *)data, n);
	while (n > 0) {
		ssize_t w = write(u->fd, data, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		data += w;
		n -= (size_t)w;
	}
	return 0;
}

void
upload_end(struct req *r)
{
	for (size_t i = 0; i < r->nfiles; i++) {
		struct web_upload *u = &r->files[i];
		unsigned char md[crypto_hash_sha256_BYTES];
		struct stat st;

		if (u->fd < 0)
			continue;
		crypto_hash_sha256_final(u->md, md);
		sodium_bin2hex(u->sha256, sizeof(u->sha256), md, sizeof(md));
		if (fstat(u->fd, &st) == 0)
			u->size = (uint64_t)st.st_size;
		if (fsync(u->fd) != 0)
			r->bad_body = true;
		close(u->fd);
		u->fd = -1;
	}
}

void
upload_discard(struct req *r)
{
	for (size_t i = 0; i < r->nfiles; i++) {
		struct web_upload *u = &r->files[i];

		if (u->fd >= 0)
			close(u->fd);
		if (u->tmp)
			unlink(u->tmp);
		free(u->tmp);
		free(u->field);
		free(u->name);
		free(u->md);
		memset(u, 0, sizeof(*u));
		u->fd = -1;
	}
	r->nfiles = 0;
}

/* A browser sends an empty file part when no file was chosen. */
static bool
upload_real(const struct web_upload *u)
{
	return u->sha256[0] && (u->size > 0 || (u->name && u->name[0]));
}

static char *
file_path(const struct web *w, const char *sha)
{
	return xasprintf("%s/%.2s/%s", w->files_dir, sha, sha);
}

/* The files of submissions between placing and commit, by hash (under place_lock): how
 * many requests in flight name it, whether one of them put it there (it was not in the
 * store before), whether one of them committed. */
struct web_placing {
	char sha[65];
	unsigned n;
	bool placed, kept;
	uint64_t size;
};

static struct web_placing *
placing_find(struct web *w, const char *sha, bool add)
{
	for (size_t i = 0; i < w->nplacing; i++)
		if (strcmp(w->placing[i].sha, sha) == 0)
			return &w->placing[i];
	if (!add)
		return NULL;
	w->placing = xgrow(w->placing, &w->capplacing, w->nplacing + 1, sizeof(*w->placing));
	memset(&w->placing[w->nplacing], 0, sizeof(*w->placing));
	snprintf(w->placing[w->nplacing].sha, 65, "%s", sha);
	return &w->placing[w->nplacing++];
}

/* Moves each real upload to its content address and counts it in flight. Placing and
 * the end of a request's use (files_release) are under place_lock; the commit between
 * them is not, so submissions of the same bytes commit in one group (commit.c). A file
 * is removed again only when the last request in flight that names it ends and none of
 * them committed and one of them put it there: a county clicking 报送 twice, whose first
 * request is refused (409) after the second was receipted, never loses the file the
 * receipt names (review 11b, H3). */
static int
place_files(struct req *r, struct dberr *e)
{
	int rc = 0;

	pthread_mutex_lock(&r->w->place_lock);
	for (size_t i = 0; i < r->nfiles && rc == 0; i++) {
		struct web_upload *u = &r->files[i];
		struct web_placing *p;
		char *dir, *path;
		struct stat st;

		if (!upload_real(u) || u->tmp == NULL)
			continue;
		dir = xasprintf("%s/%.2s", r->w->files_dir, u->sha256);
		path = file_path(r->w, u->sha256);
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			rc = dberr_set(e, DB_EIO, "cannot create %s: %s", dir, strerror(errno));
		} else if (stat(path, &st) == 0) {
			unlink(u->tmp); /* the same bytes are kept already */
		} else if (rename(u->tmp, path) != 0) {
			rc = dberr_set(e, DB_EIO, "cannot keep %s: %s", path, strerror(errno));
		} else {
			placing_find(r->w, u->sha256, true)->placed = true;
		}
		if (rc == 0) {
			free(u->tmp);
			u->tmp = NULL;
			p = placing_find(r->w, u->sha256, true);
			p->n++;
			p->size = u->size;
			u->in_flight = true;
		}
		free(dir);
		free(path);
	}
	pthread_mutex_unlock(&r->w->place_lock);
	/* the names made durable before the commit that records them, outside the lock: each
	 * fsync is milliseconds, and requests with other files need not wait for it */
	for (size_t i = 0; i < r->nfiles && rc == 0; i++)
		if (r->files[i].in_flight) {
			char *dir = xasprintf("%s/%.2s", r->w->files_dir, r->files[i].sha256);
			int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

			if (dfd >= 0) {
				fsync(dfd);
				close(dfd);
			}
			free(dir);
		}
	return rc;
}

/* The end of r's use of the files it placed or found: committed (kept) or not. The last
 * request in flight for a hash removes the file when none committed and one put it there,
 * and counts it in web.files_limit's total when one committed and it was new. */
static void
files_release(struct req *r, bool kept)
{
	struct web *w = r->w;

	pthread_mutex_lock(&w->place_lock);
	for (size_t i = 0; i < r->nfiles; i++) {
		struct web_upload *u = &r->files[i];
		struct web_placing *p;

		if (!u->in_flight || (p = placing_find(w, u->sha256, false)) == NULL)
			continue;
		u->in_flight = false;
		p->kept |= kept;
		if (--p->n > 0)
			continue;
		if (p->placed && !p->kept) {
			char *path = file_path(w, p->sha);

			unlink(path); /* new to the store, and no record names it */
			free(path);
		} else if (p->placed) {
			pthread_mutex_lock(&w->files_lock);
			w->files_bytes += p->size;
			pthread_mutex_unlock(&w->files_lock);
		}
		*p = w->placing[--w->nplacing];
	}
	pthread_mutex_unlock(&w->place_lock);
}

/* Whether the files of r that are new to the store fit under web.files_limit (what the
 * same bytes already kept cost nothing more). */
static bool
files_room(struct req *r)
{
	uint64_t add = 0;
	bool ok;

	for (size_t i = 0; i < r->nfiles; i++) {
		char *path;
		struct stat st;

		if (!upload_real(&r->files[i]))
			continue;
		path = file_path(r->w, r->files[i].sha256);
		if (stat(path, &st) != 0)
			add += r->files[i].size;
		free(path);
	}
	pthread_mutex_lock(&r->w->files_lock);
	ok = add == 0 || r->w->files_bytes + add <= r->w->cfg->web_files_limit;
	pthread_mutex_unlock(&r->w->files_lock);
	return ok;
}

/* ---- submitting ---- */

struct submit_arg {
	struct req *r;
	const char *key;
	struct task_event_args args;
	struct task_file files[WEB_MAX_FILES];
	const char *to_state;
	uint64_t seq;             /* the submission's audit record */
	uint64_t kept;            /* bytes the task's earlier submissions keep */
	unsigned submissions;     /* the task's submissions so far */
	bool over;                /* refused: web.task_files_limit */
	bool too_many;            /* refused: web.task_submissions_limit */
	bool bad_table;           /* refused: the Annex 3/4 table among the files does not
	                             pass import-annex's checks (e says where) */
	struct annex_handin_result annex;
	struct buf proof;         /* the receipt's proof (receipt.c), for its e-mail */
};

static const char *next_file(const char *p, char sha[65], unsigned long long *size,
                             char **name);

/* The files list of a task.submit record's details (for next_file), or NULL for any
 * other record or one without files. */
static const char *
submit_files(const struct store_audit *a)
{
	return strcmp(a->action, "task.submit") == 0 ? strstr(a->details, "\"files\":[") : NULL;
}

/* Counts a task's submissions so far and adds up their files (each submission's, as it
 * named them). */
static int
kept_cb(const struct store_audit *a, void *arg)
{
	struct submit_arg *x = arg;
	const char *p;
	char sha[65], *name;
	unsigned long long size;

	if (strcmp(a->action, "task.submit") == 0)
		x->submissions++;
	if ((p = submit_files(a)) == NULL)
		return 0;
	while ((p = next_file(p, sha, &size, &name)) != NULL) {
		x->kept += size;
		free(name);
	}
	return 0;
}

static int
last_submit_cb(const struct store_audit *a, void *arg)
{
	uint64_t *seq = arg;

	if (strcmp(a->action, "task.submit") == 0)
		*seq = a->seq;
	return 0;
}

/* "2017-07-03 10:00:05 +08:00": a receipt's time to the second (out >= 48 bytes). */
static void
receipt_time(const struct tz *z, int64_t t, char *out)
{
	char rfc[40];

	tz_format_rfc3339(z, t, rfc); /* 2017-07-03T10:00:05+08:00 */
	snprintf(out, 48, "%.10s %.8s %s", rfc, rfc + 11, rfc + 19);
}

/* A notice of kind (template kind.txt) about task t to its owner's addresses, queued in
 * txn at the engine's now: the receipt of a hand-in, a fresh link after a revoke. One
 * set-up for both, so they address the owner alike. vars may be NULL (nvars 0). */
static int
queue_owner_notice(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                   const struct store_task *t, const char *kind, const char *key,
                   const struct notice_var *vars, size_t nvars, struct dberr *e)
{
	static const struct plan_target owner[] = {{PLAN_TARGET_OWNER, -1}};
	struct notice_req nr = {0};

	nr.ep = ep;
	nr.kind = kind;
	nr.fallback = kind;
	nr.key = key;
	nr.task = t;
	nr.subject = t->subject;
	nr.targets = owner;
	nr.ntargets = 1;
	nr.scheduled = engine_now(en);
	nr.vars = vars;
	nr.nvars = nvars;
	return notice_queue(en, txn, &nr, e);
}

/* The receipt e-mail, through the normal notice path, to the task's owner. */
static int
queue_receipt(struct submit_arg *x, struct store_txn *txn, struct dberr *e)
{
	struct engine *en = x->r->en;
	struct store_task t;
	const struct engine_plan *ep;
	struct notice_var vars[5];
	struct buf files = BUF_INIT;
	char key[1024], seq[24], when[64], *url = NULL;
	int rc;

	if ((rc = store_task_get(txn, x->key, &t, e)) != 0)
		return rc;
	ep = engine_plan_find(en, t.plan);
	for (size_t i = 0; i < x->args.nfiles; i++)
		buf_printf(&files, "%s　　%zu. %s（%llu 字节）\n　　　　%s", i ? "\n" : "", i + 1,
		           x->args.files[i].name, (unsigned long long)x->args.files[i].size,
		           x->args.files[i].sha256);
	if (files.len == 0)
		buf_puts(&files, "　　（未附文件，如为纸质报送请以纸质材料为准）");
	snprintf(seq, sizeof(seq), "%llu", (unsigned long long)x->seq);
	receipt_time(ep->tz, x->args.at, when);
	{
		struct store_audit a;

		/* a late hand-in's mail says so beside the time (review 11c, m2) */
		if (store_audit_get(txn, x->seq, &a, e) == 0) {
			if (strstr(a.details, "\"late\":true"))
				strcat(when, "（迟报）");
			store_audit_release(&a);
		} else {
			dberr_clear(e);
		}
	}
	/* the receipt's own address: it opens without an account, also after the link is
	 * revoked or the task is final (receipt.c) */
	if (engine_config(en)->web_base_url == NULL) {
		/* no address to give (review 11c, m11: a server command is no address for a
		 * county): the proof travels in the mail itself */
		url = xstrdup("（系统未配置网址，请以本邮件所附证明为准）");
	} else {
		char *path = web_receipt_path(x->r->w, x->seq);

		url = xasprintf("%s%s", engine_config(en)->web_base_url, path);
		free(path);
	}
	vars[0] = (struct notice_var){"receipt_seq", seq};
	vars[1] = (struct notice_var){"receipt_files", buf_str(&files)};
	vars[2] = (struct notice_var){"receipt_time", when};
	vars[3] = (struct notice_var){"proof_url", url};
	vars[4] = (struct notice_var){"receipt_proof", buf_str(&x->proof)};
	snprintf(key, sizeof(key), "%s#receipt#%s", t.key, seq);
	rc = queue_owner_notice(en, txn, ep, &t, "receipt", key, vars, 5, e);
	free(url);
	buf_release(&files);
	store_task_release(&t);
	return rc;
}

/* The submission's time: when its request arrived (r->arrived), not when this
 * transaction got the store's writer (review 11b, H2). A county that sent its report
 * before the deadline while the store was busy — `run` applying a burst of lapses, other
 * submissions queued — is on time; if `run` lapsed the task meanwhile, the submission voids
 * that lapse as a hand-in recorded afterwards does (docs/plan-format.md). The record says
 * both times (received_at, recorded_at). Not earlier than the task existed or came to its
 * state (the engine refuses those), nor after the transaction's now; a request that waited
 * longer than WEB_ARRIVAL_HOLD (no client waits that long) is dated at its commit. */
static int
arrival_at(struct submit_arg *x, struct store_txn *txn, struct dberr *e)
{
	const struct req *r = x->r;
	struct store_task t;
	const char *since;
	int64_t at = r->arrived;
	int rc;

	if (!r->arrived_ok || at >= x->args.at ||
	    engine_monotonic_ms() - r->arrived_ms > WEB_ARRIVAL_HOLD * 1000)
		return 0;
	if ((rc = store_task_get(txn, x->key, &t, e)) != 0)
		return rc == DB_ENOTFOUND ? (dberr_clear(e), 0) : rc; /* task_event says so */
	if (at < t.created_at)
		at = t.created_at;
	if ((since = store_task_extra(&t, "event_at")) != NULL && at < strtoll(since, NULL, 10))
		at = strtoll(since, NULL, 10);
	store_task_release(&t);
	if (at < x->args.at) {
		x->args.at = at;
		x->args.received = true;
	}
	return 0;
}

static int
submit_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct submit_arg *x = arg;
	struct engine *en = x->r->en;
	struct audit_frontier before;
	int rc;

	x->seq = 0;
	x->bad_table = false;
	buf_reset(&x->proof);
	if ((rc = engine_clock_txn(en, txn, &x->args.at, e)) != 0)
		return rc;
	if ((rc = arrival_at(x, txn, e)) != 0)
		return rc;
	/* what one task may keep, over every submission (a late one stays open to more, and a
	 * link works repeatedly): counted in this transaction, so two at once cannot both pass */
	x->kept = 0;
	x->submissions = 0;
	x->over = x->too_many = false;
	if ((rc = store_audit_task_each(txn, x->key, kept_cb, x, e)) != 0)
		return rc;
	/* a late task stays open to submissions, and each is an audit record and a receipt
	 * mail even without a file: one task keeps a bounded number */
	if (x->submissions >= (unsigned)x->r->w->cfg->web_task_submissions_limit) {
		x->too_many = true;
		return dberr_set(e, DB_EDATA, "the task has %u submissions: web.task_submissions_limit",
		                 x->submissions);
	}
	{
		uint64_t add = 0;

		for (size_t i = 0; i < x->args.nfiles; i++)
			add += x->args.files[i].size;
		if (add > 0 && x->kept + add > x->r->w->cfg->web_task_files_limit) {
			x->over = true;
			return dberr_set(e, DB_EDATA, "the task's files would pass web.task_files_limit");
		}
	}
	/* the log's tree before the submission: the receipt proves the record as the last leaf
	 * of the log up to it, signed (receipt.c) */
	if ((rc = audit_frontier_get(txn, &before, e)) != 0)
		return rc;
	rc = task_event(en, txn, x->key, "submit", &x->args, &x->to_state, e);
	if (rc == 0)
		rc = store_audit_task_each(txn, x->key, last_submit_cb, &x->seq, e);
	if (rc == 0)
		rc = receipt_prove_new(en, txn, &before, x->seq, &x->proof, e);
	if (rc == 0)
		rc = queue_receipt(x, txn, e);
	/* the Annex 3/4 table handed in is read into the report as import-annex reads it, in
	 * this transaction: a table that does not pass its checks keeps nothing (review 11g,
	 * S14: a table handed in here was reported 未报送) */
	if (rc == 0) {
		rc = sched_annex_handin(en, txn, x->key, x->args.files, x->args.nfiles,
		                        x->r->w->files_dir, x->args.by, x->args.at, &x->annex, e);
		x->bad_table = rc == DB_EDATA;
	}
	return rc;
}

/* After an action's commit. Its effect shows on the dashboard at once (the counts'
 * throttle is for others' writes). What it queued (a receipt, a returned notice, a
 * warning) is in the store's delivery queue, committed with it: with `run` serving the
 * store, its daemon claims it within a second, and this request does not wait for a
 * delivery (nor take on the daemon's backlog); without one (a quick start, `advance` on a
 * virtual clock) the web delivers it now, as a command line does. */
static void
after_commit(struct req *r)
{
	struct dberr e;

	web_dash_stale(r->w);
	if (daemon_serving(store_dir(engine_store(r->en))))
		return;
	dberr_clear(&e);
	engine_set_actor(r->en, NULL); /* delivering is the engine's own doing */
	/* one worker delivers at a time, as one command would: the next finds what this one
	 * left (claims in the store keep two from sending one notice either way) */
	pthread_mutex_lock(&r->w->deliver_lock);
	if (deliver_all(r->en, NULL, &e) != 0)
		log_warnx(r->w->log_level, "web", "delivering after an action: %s", e.msg);
	pthread_mutex_unlock(&r->w->deliver_lock);
}

/* What a person typed or a browser sent goes into the audit log, whose records, exports
 * and API are UTF-8 JSON (docs/audit.md): a byte that is not UTF-8 would make the record
 * unreadable to every verifier, so it is refused here, as the command line refuses it in
 * an argument. A required text must say something: blanks alone (spaces, U+3000) are not
 * a name or a reason. */
bool
web_text_ok(const char *s, size_t max, bool one_line, bool required)
{
	size_t n = s ? strlen(s) : 0;
	bool said = false;
	char why[160];

	/* counted in characters, as the command line counts them (review 11c, m12: a county
	 * clerk's 33 characters of Chinese were "over 100 bytes") */
	if (s == NULL || utf8_valid(s, n) != n || utf8_too_long(s, max, why, sizeof(why)))
		return false;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);

		if (cp == 0x7f || (cp < 0x20 && (one_line || (cp != '\n' && cp != '\r' &&
		                                              cp != '\t'))))
			return false;
		/* the bidirectional controls reorder what the officer reads: `rtl<U+202E>fdp.exe`
		 * shows as "rtlexe.pdf" (review 11b, M3); the invisible ones make `a<U+200B>b.pdf`
		 * read as "ab.pdf" (review 11c, m10): the command line's one list of them
		 * (utf8_invisible_name); C1 controls are controls too */
		if ((cp >= 0x80 && cp < 0xa0) || utf8_invisible_name(cp) != NULL)
			return false;
		if (!utf8_is_blank(cp) && cp != '\n' && cp != '\r')
			said = true;
		i += k;
	}
	return said || !required;
}

struct refusal_arg {
	struct engine *en;
	const char *key, *why;
	int limit;
	const char *addr;
};

static int
refusal_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct refusal_arg *x = arg;
	struct store_task t;
	struct buf d = BUF_INIT;
	int rc;

	if ((rc = store_task_get(txn, x->key, &t, e)) != 0)
		return rc;
	buf_puts(&d, "{\"bound\":");
	buf_json_str(&d, x->why);
	buf_printf(&d, ",\"limit\":%d,\"address\":", x->limit);
	buf_json_str(&d, x->addr);
	buf_putc(&d, '}');
	rc = engine_audit(x->en, txn, "web.submit_refused", t.key, t.subject, t.state,
	                  t.state, buf_str(&d), e);
	buf_release(&d);
	store_task_release(&t);
	return rc;
}

/* A submission refused by a bound on how many (web.task_submissions_limit,
 * web.submissions_per_hour): 429 with what to do, and an audit record `web.submit_refused`
 * naming the bound, the asker (the actor) and the address. */
static void
refuse_submission(struct req *r, const char *key, const char *by, const char *why, int limit,
                  const char *msg)
{
	struct refusal_arg x = {r->en, key, why, limit, r->addr};
	char *actor = web_actor(&r->who, web_text_ok(by, UTF8_LINE_MAX, true, true) ? by : NULL);
	struct dberr e;

	upload_discard(r);
	engine_set_actor(r->en, actor);
	free(actor);
	dberr_clear(&e);
	if (engine_write(r->en, refusal_txn, &x, &e) != 0)
		log_warnx(r->w->log_level, "web",
		          "auditing a refused submission of %s: %s", key, e.msg);
	log_warnx(r->w->log_level, "web",
	          "refused a submission task=%s bound=%s limit=%d addr=%s", key, why, limit,
	          r->addr);
	req_error(r, 429, msg);
	r->retry_after = strcmp(why, "submissions_per_hour") == 0 ? 3600 : 0;
}

/* How often this link (or this account, for this task: an account of the province's
 * systems submits for many tasks) has submitted in the last hour, counting this attempt.
 * False with the 429 written when it is past web.submissions_per_hour. The count lives in
 * the web process; the refusal is audited once an hour per link or account and task. */
static bool
submission_rate_ok(struct req *r, const char *key, const char *by)
{
	const int limit = r->w->cfg->web_submissions_per_hour;
	char rk[72], hex[SHA256_HEX_SIZE];
	bool first_over = false;
	unsigned n;

	if (r->who.kind == WHO_LINK) {
		snprintf(rk, sizeof(rk), "l%.64s", r->who.link.hash);
	} else {
		char *s = xasprintf("%s\n%s", r->who.login, key);

		sha256_hex(s, strlen(s), hex);
		free(s);
		snprintf(rk, sizeof(rk), "a%s", hex);
	}
	n = web_rate_count(&r->w->submits, rk, engine_wall_clock(), 3600, 1, (unsigned)limit,
	                   &first_over);
	if (n <= (unsigned)limit)
		return true;
	if (first_over) {
		char msg[512];

		snprintf(msg, sizeof(msg), "一小时内通过%s报送此事项已达 %d 次的上限"
		         "（web.submissions_per_hour），本次报送未保存任何内容。请一小时后再试；如需补充"
		         "材料，请联系监察支队。", r->who.kind == WHO_LINK ? "此链接" : "此账号", limit);
		refuse_submission(r, key, by, "submissions_per_hour", limit, msg);
	} else {
		/* told and audited once this hour: the rest are refused without a record each */
		upload_discard(r);
		req_error(r, 429, "报送过于频繁，本次报送未保存任何内容。请一小时后再试。");
		r->retry_after = 3600;
	}
	return false;
}

/* The shared part of both submit routes: checks, files, the transaction, delivery. 0 and
 * *seq, or an HTTP status with the answer already written into r. */
static int
do_submit(struct req *r, const char *key, const char *by, uint64_t *seq)
{
	struct submit_arg x;
	struct buf sections = BUF_INIT;
	const char *note = req_field(r, "note");
	char *actor;
	struct dberr e;
	size_t nf = 0;
	int rc;

	if (!web_text_ok(by, UTF8_LINE_MAX, true, true)) {
		upload_discard(r);
		req_error(r, 400, "请填写报送人姓名（不超过200个字，单行）。");
		return 400;
	}
	if (note && !web_text_ok(note, UTF8_PARA_MAX, false, false)) {
		upload_discard(r);
		req_error(r, 400, "说明过长或含有控制字符。");
		return 400;
	}
	for (size_t i = 0; i < r->nfiles; i++)
		if (upload_real(&r->files[i]) &&
		    !web_text_ok(r->files[i].name ? r->files[i].name : "", UTF8_LINE_MAX, true, true)) {
			upload_discard(r);
			req_error(r, 400, "文件名过长、含有控制字符（包括改变文字方向的字符）或不是UTF-8编码，"
			          "请改名后重新上传。本次报送未保存任何内容。");
			return 400;
		}
	if (!submission_rate_ok(r, key, by))
		return 429;
	memset(&x, 0, sizeof(x));
	for (size_t i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i].name, "sections") == 0 &&
		    web_text_ok(r->fields[i].val, UTF8_LINE_MAX, true, true) &&
		    !strchr(r->fields[i].val, ',')) {
			if (sections.len)
				buf_putc(&sections, ',');
			buf_puts(&sections, r->fields[i].val);
		}
	for (size_t i = 0; i < r->nfiles; i++)
		if (upload_real(&r->files[i]))
			x.files[nf++] = (struct task_file){r->files[i].sha256, r->files[i].size,
			                                   r->files[i].name};
	x.r = r;
	x.key = key;
	x.args.by = by;
	x.args.note = note && *note ? note : NULL;
	x.args.sections = sections.len ? buf_str(&sections) : NULL;
	x.args.files = nf ? x.files : NULL;
	x.args.nfiles = nf;
	dberr_clear(&e);
	if (!files_room(r)) {
		upload_discard(r);
		buf_release(&sections);
		req_error(r, 413, "系统保存的文件已达总量上限（web.files_limit），本次报送未保存任何内容。"
		          "请联系系统管理员。");
		return 413;
	}
	if ((rc = place_files(r, &e)) != 0) {
		files_release(r, false);
		log_warnx(r->w->log_level, "web", "upload: %s", e.msg);
		buf_release(&sections);
		req_error(r, 503, "文件暂时无法保存，请稍后重试。");
		return 503;
	}
	actor = web_actor(&r->who, by);
	engine_set_actor(r->en, actor);
	free(actor);
	rc = web_write(r, submit_txn, &x, &e);
	buf_release(&x.proof);
	files_release(r, rc == 0);
	buf_release(&sections);
	if (rc != 0) {
		if (x.over) {
			char msg[512];

			snprintf(msg, sizeof(msg), "此事项已保存的文件共 %llu KB，加上本次将超过每个事项 %zu KB "
			         "的上限（web.task_files_limit），本次报送未保存任何内容。如确需补充材料，请联系"
			         "监察支队。", (unsigned long long)(x.kept / 1024),
			         r->w->cfg->web_task_files_limit / 1024);
			req_error(r, 413, msg);
			return 413;
		}
		if (x.too_many) {
			char msg[512];

			snprintf(msg, sizeof(msg), "此事项已累计报送 %u 次，达到每个事项 %d 次的上限"
			         "（web.task_submissions_limit），本次报送未保存任何内容。如确需再次报送，请联系"
			         "监察支队。", x.submissions, r->w->cfg->web_task_submissions_limit);
			refuse_submission(r, key, by, "task_submissions_limit",
			                  r->w->cfg->web_task_submissions_limit, msg);
			return 429;
		}
		if (x.bad_table) {
			/* the reader's own words name the file, the row and the column (in the
			 * command line's English, as import-annex says them): the county corrects
			 * that cell and hands in again */
			char *msg = xasprintf("表格未能读入，本次报送未保存任何内容（包括其他文件）：%s。请按报送"
			                      "通知所附的表格改正后重新报送（xlsx，或另存为 CSV UTF-8）。",
			                      e.msg);

			req_error(r, 400, msg);
			free(msg);
			return 400;
		}
		if (rc == DB_ESTATE) {
			req_error(r, 409, "当前状态不允许报送（可能已经报送并在审核中）。");
			return 409;
		}
		/* a section the milestone does not have: only a hand-made request sends one */
		if (rc == DB_EUSAGE) {
			req_error(r, 400, "所选内容不是本事项要求的内容，本次报送未保存任何内容。");
			return 400;
		}
		log_warnx(r->w->log_level, "web", "submit %s: %s", key, e.msg);
		req_error(r, 503, "报送未能记录，请稍后重试。");
		return 503;
	}
	*seq = x.seq;
	after_commit(r);
	return 0;
}

struct see_arg {
	struct req *r;
	const char *key;
	int verdict;              /* 0 ok, 404 not visible, 403 visible but not allowed */
	bool need_submit;
};

static int
see_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct see_arg *s = arg;
	struct store_task t;

	s->verdict = 404;
	if (store_task_get(txn, s->key, &t, e) != 0) {
		dberr_clear(e);
		return 0;
	}
	if (web_can_see(&s->r->who, &t))
		s->verdict = !s->need_submit || web_can_submit(s->r->en, &s->r->who, &t) ? 0 : 403;
	store_task_release(&t);
	return 0;
}

/* 0 when the asker may see (and with need_submit, submit) the task; else the status. */
int
act_check(struct req *r, const char *key, bool need_submit)
{
	struct see_arg s = {r, key, 404, need_submit};
	struct dberr e;

	dberr_clear(&e);
	if (store_read(engine_store(r->en), see_txn, &s, &e) != 0)
		return 503;
	return s.verdict;
}

void
act_submit(struct req *r, const char *key)
{
	int v = act_check(r, key, true);
	uint64_t seq = 0;
	char *to;

	if (v != 0) {
		upload_discard(r);
		req_error(r, v, v == 404 ? "没有这个任务。" : "此任务不由您的单位报送。");
		return;
	}
	if (do_submit(r, key, req_field(r, "by"), &seq) != 0)
		return;
	to = xasprintf("/receipt/%llu", (unsigned long long)seq);
	req_redirect(r, to);
	free(to);
}

void
act_link_submit(struct req *r, const char *token)
{
	uint64_t seq = 0;
	char *to;

	if (!web_csrf_ok(r)) {
		upload_discard(r);
		req_error(r, 403, "表单已过期或来源不明，请重新打开通知中的链接。");
		return;
	}
	if (do_submit(r, r->who.link.task, req_field(r, "by"), &seq) != 0)
		return;
	to = xasprintf("/s/%s?receipt=%llu", token, (unsigned long long)seq);
	req_redirect(r, to);
	free(to);
}

/* ---- reviewing, extending, revoking ---- */

struct review_arg {
	struct req *r;
	const char *key, *action, *reason, *kind;
	const char *by;
	const char *to_state;
};

static int
review_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct review_arg *x = arg;
	struct engine *en = x->r->en;
	struct task_event_args a = {0};
	int rc;

	if ((rc = engine_clock_txn(en, txn, &a.at, e)) != 0)
		return rc;
	if (strcmp(x->action, "flag") == 0)
		return task_flag(en, txn, x->key, x->kind, x->by, x->reason, e);
	if (strcmp(x->action, "unflag") == 0)
		return task_flag_withdraw(en, txn, x->key, x->kind, x->by, x->reason, e);
	a.by = x->by;
	a.note = x->reason && *x->reason ? x->reason : NULL;
	return task_event(en, txn, x->key, x->action, &a, &x->to_state, e);
}

void
web_after_action(struct req *r, int rc, struct dberr *e, const char *back, const char *refused)
{
	if (rc == DB_ESTATE || rc == DB_EDATA || rc == DB_EUSAGE) {
		/* the engine's reason is the command line's, in English: the log keeps it, and
		 * the page says the action's own (review 11d, W9: a second flag was told of new
		 * deadlines) */
		log_info(r->w->log_level, "web", "action refused: %s", e->msg);
		req_error(r, 409, rc == DB_ESTATE
		                      ? "操作未执行：事项的当前状态不允许此操作（可能已有人办理），请刷新页面查看。"
		                      : refused ? refused
		                      : "操作未执行：所填内容不符合要求，请检查后重试。");
		return;
	}
	if (rc != 0) {
		log_warnx(r->w->log_level, "web", "action: %s", e->msg);
		req_error(r, 503, "操作未能记录，请稍后重试。");
		return;
	}
	after_commit(r);
	req_redirect(r, back);
}

/* An office's action on a task (review, event): 0 when the asker is an office that may see
 * the task; else the refusal is answered (404 for a task it may not see, 403 with denied
 * for a county or an enterprise that sees it) and the status returned. */
static int
office_may_act(struct req *r, const char *key, const char *denied)
{
	int v = act_check(r, key, false);

	if (v == 0 && !web_can_review(&r->who))
		v = 403;
	if (v != 0)
		req_error(r, v, v == 404 ? "没有这个任务。" : v == 403 ? denied : "存储暂时不可用，请稍后重试。");
	return v;
}

void
act_review(struct req *r, const char *key)
{
	struct review_arg x = {r, key, req_field(r, "action"), req_field(r, "reason"),
	                       req_field(r, "kind"), NULL, NULL};
	char *actor, *back;
	struct dberr e;
	bool need;
	int rc;

	if (office_may_act(r, key, "只有州级部门的账号可以审核。") != 0)
		return;
	if (x.action == NULL || (strcmp(x.action, "accept") && strcmp(x.action, "return") &&
	                         strcmp(x.action, "flag") && strcmp(x.action, "unflag"))) {
		req_error(r, 400, "未知的审核操作。");
		return;
	}
	/* a bad form value is the form's fault (400, in Chinese), not a refusal by the engine
	 * in the command line's English (review 11b, m1); unflag is `flag --withdraw`, a flag
	 * raised by a slip taken back on the page it was raised on (review 11g, S15) */
	if ((strcmp(x.action, "flag") == 0 || strcmp(x.action, "unflag") == 0) &&
	    (x.kind == NULL || (strcmp(x.kind, "concealed") && strcmp(x.kind, "falsified") &&
	                        strcmp(x.kind, "omitted")))) {
		req_error(r, 400, "请选择问责类别：瞒报、谎报或漏报。");
		return;
	}
	need = strcmp(x.action, "accept") != 0;
	if ((need || x.reason) && !web_text_ok(x.reason, UTF8_PARA_MAX, false, need)) {
		req_error(r, 400, need ? "退回、标记或撤销问责时必须填写理由（不超过4000个字）。"
		                       : "审核意见过长或含有控制字符。");
		return;
	}
	x.by = r->who.name && *r->who.name ? r->who.name : r->who.login;
	actor = web_actor(&r->who, NULL);
	engine_set_actor(r->en, actor);
	free(actor);
	dberr_clear(&e);
	rc = engine_write(r->en, review_txn, &x, &e);
	back = xasprintf("/tasks/%s", key);
	if (strcmp(x.action, "flag") == 0) {
		char *why = xasprintf("操作未执行：该任务已标记为%s（同一类别只标记一次），或此任务不适用"
		                      "这一标记。", strcmp(x.kind, "concealed") == 0   ? "瞒报"
		                                    : strcmp(x.kind, "falsified") == 0 ? "谎报"
		                                                                       : "漏报");

		web_after_action(r, rc, &e, back, why);
		free(why);
	} else if (strcmp(x.action, "unflag") == 0) {
		web_after_action(r, rc, &e, back, "操作未执行：该任务没有这一问责标记（可能已被撤销），请刷新"
		                                  "页面查看。");
	} else {
		web_after_action(r, rc, &e, back, "操作未执行：此审核操作不适用于该任务，请刷新页面查看。");
	}
	free(back);
}

/* The plan and milestone of a task key (PLAN/MILESTONE/SUBJECT/PERIOD; ids hold no '/'),
 * or NULL when either is not loaded. */
static const struct plan_milestone *
key_milestone(struct engine *en, const char *key, const struct engine_plan **ep)
{
	const char *s1 = strchr(key, '/'), *s2 = s1 ? strchr(s1 + 1, '/') : NULL;
	char *plan, *ms;
	int mi = -1;

	*ep = NULL;
	if (s1 == NULL || s2 == NULL)
		return NULL;
	plan = xstrndup(key, (size_t)(s1 - key));
	ms = xstrndup(s1 + 1, (size_t)(s2 - s1 - 1));
	if ((*ep = engine_plan_find(en, plan)) != NULL)
		mi = plan_milestone_index((*ep)->plan, ms);
	free(plan);
	free(ms);
	return mi >= 0 ? &(*ep)->plan->milestones[mi] : NULL;
}

/* ---- a lifecycle's own events (review 11g, S13): `dabiao event` on the task page ---- */

struct event_arg {
	struct req *r;
	const char *key, *event;
	struct task_event_args a;
	bool at_given;
	const char *to_state;
};

static int
event_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct event_arg *x = arg;
	int rc;

	/* now as of this transaction, as the command line takes it (cmd_task.c) */
	if (!x->at_given && (rc = engine_clock_txn(x->r->en, txn, &x->a.at, e)) != 0)
		return rc;
	return task_event(x->r->en, txn, x->key, x->event, &x->a, &x->to_state, e);
}

/* The events an office records on a task page: those of the task's lifecycle other than
 * submit (the owner's hand-in: the submit form) and accept/return (the review form),
 * allowed in the task's state. A rectification's start, verify and close are these. */
bool
web_office_event(const struct plan_lifecycle *lc, int st, const char *event)
{
	int ev = plan_lifecycle_event(lc, event);

	return ev >= 0 && st >= 0 && strcmp(event, "submit") && strcmp(event, "accept") &&
	       strcmp(event, "return") && lc->table[(size_t)st * lc->nevents + (size_t)ev] >= 0;
}

void
act_event(struct req *r, const char *key)
{
	struct event_arg x = {.r = r, .key = key, .event = req_field(r, "event")};
	const char *reason = req_field(r, "reason"), *note = req_field(r, "note");
	const char *at = req_field(r, "at");
	const struct engine_plan *ep = NULL;
	const struct plan_milestone *m;
	const struct plan_lifecycle *lc = NULL;
	char *actor, *back;
	struct dberr e;
	int rc;

	if (office_may_act(r, key, "只有州级部门的账号可以办理。") != 0)
		return;
	/* the event must be one the lifecycle has, and one of the office's (not a hand-in or
	 * a review, which have their own forms and rules); whether the state allows it now
	 * is the engine's to say, in the transaction */
	if ((m = key_milestone(r->en, key, &ep)) != NULL)
		lc = &ep->plan->lifecycles[m->lifecycle];
	if (x.event == NULL || lc == NULL || plan_lifecycle_event(lc, x.event) < 0 ||
	    !strcmp(x.event, "submit") || !strcmp(x.event, "accept") || !strcmp(x.event, "return")) {
		req_error(r, 400, "未知的办理事项。");
		return;
	}
	if (reason && *reason && !web_text_ok(reason, UTF8_PARA_MAX, false, false)) {
		req_error(r, 400, "理由过长或含有控制字符。");
		return;
	}
	if (note && *note && !web_text_ok(note, UTF8_PARA_MAX, false, false)) {
		req_error(r, 400, "备注过长或含有控制字符。");
		return;
	}
	x.a.reason = reason && *reason ? reason : NULL;
	x.a.note = note && *note ? note : NULL;
	/* 补录: when it happened, as `event --at` (a rectification verified on site before
	 * its time limit, entered after it), a local time of the plan's zone */
	if (at && *at) {
		if (tz_parse_time(ep->tz, at, &x.a.at) != 0) {
			req_error(r, 400, "发生时间应为 YYYY-MM-DD HH:MM。");
			return;
		}
		x.at_given = true;
		x.a.backdated = engine_clock_mode(r->en) == STORE_CLOCK_REAL;
	}
	x.a.by = r->who.name && *r->who.name ? r->who.name : r->who.login;
	actor = web_actor(&r->who, NULL);
	engine_set_actor(r->en, actor);
	free(actor);
	dberr_clear(&e);
	rc = engine_write(r->en, event_txn, &x, &e);
	back = xasprintf("/tasks/%s", key);
	web_after_action(r, rc, &e, back, x.at_given
	                 ? "操作未执行：发生时间不能晚于现在，也不能早于任务产生或其进入当前状态的时间，"
	                   "请检查后重试。"
	                 : "操作未执行：此办理事项不适用于该任务，请刷新页面查看。");
	free(back);
}

struct extend_arg {
	struct req *r;
	int32_t day;
	const char *reason, *by;
	size_t n;
};

static int
extend_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct extend_arg *x = arg;
	struct engine *en = x->r->en;
	int rc;

	x->n = 0;
	if ((rc = engine_clock_txn(en, txn, NULL, e)) != 0)
		return rc;
	/* a selection is one transaction: all of it or none */
	for (size_t i = 0; rc == 0 && i < x->r->nfields; i++)
		if (strcmp(x->r->fields[i].name, "task") == 0) {
			const char *key = x->r->fields[i].val;
			struct store_task t;

			/* a task of a plan this office is not an office of is not there for it
			 * (review 11d, W13): the selection is refused whole, as for a task that is
			 * not there at all */
			if ((rc = store_task_get(txn, key, &t, e)) != 0)
				return rc;
			if (!web_can_see(&x->r->who, &t))
				rc = dberr_set(e, DB_ENOTFOUND, "no task %s", key);
			store_task_release(&t);
			if (rc == 0)
				rc = task_extend(en, txn, key, x->day, x->by, x->reason, false, e);
			x->n++;
		}
	return rc;
}

void
act_extend(struct req *r)
{
	struct extend_arg x = {r, 0, req_field(r, "reason"), NULL, 0};
	const char *to = req_field(r, "to"), *first = req_field(r, "task");
	struct strset named = STRSET_INIT;
	char *actor, *back;
	struct dberr e;
	int rc;

	if (!web_can_review(&r->who)) {
		/* another county's task is not there for it, as on every route (review 11e, X4) */
		for (size_t i = 0; i < r->nfields; i++)
			if (strcmp(r->fields[i].name, "task") == 0 &&
			    act_check(r, r->fields[i].val, false) == 404) {
				req_error(r, 404, "没有这个任务。");
				return;
			}
		req_error(r, 403, "只有州级部门的账号可以延期。");
		return;
	}
	if (first == NULL) {
		req_error(r, 400, "请选择要延期的任务。");
		return;
	}
	if (to == NULL || cal_parse_date(to, &x.day) != 0) {
		req_error(r, 400, "新截止日期应为 YYYY-MM-DD。");
		return;
	}
	if (!web_text_ok(x.reason, UTF8_PARA_MAX, false, true)) {
		req_error(r, 400, "延期必须填写理由。");
		return;
	}
	/* a task named twice is the form's fault, said so (review 11d, W9); found by a set,
	 * not by comparing every pair of the form's tasks (review 13f, the C15 kind) */
	for (size_t i = 0; i < r->nfields; i++) {
		size_t before = named.n;

		if (strcmp(r->fields[i].name, "task") != 0)
			continue;
		strset_add(&named, r->fields[i].val);
		if (named.n == before) {
			strset_free(&named);
			req_error(r, 400, "所选任务中有重复的任务，未做任何延期。");
			return;
		}
	}
	strset_free(&named);
	x.by = r->who.name && *r->who.name ? r->who.name : r->who.login;
	actor = web_actor(&r->who, NULL);
	engine_set_actor(r->en, actor);
	free(actor);
	dberr_clear(&e);
	rc = engine_write(r->en, extend_txn, &x, &e);
	if (rc == DB_ENOTFOUND) {
		req_error(r, 404, "所选任务中有不存在的任务，未做任何延期。");
		return;
	}
	back = x.n == 1 ? xasprintf("/tasks/%s", first) : xstrdup("/tasks");
	web_after_action(r, rc, &e, back, "操作未执行：新的截止日期须晚于所选任务现在的截止日期，且所选"
	                                  "任务须仍可延期，请检查后重试。");
	free(back);
}

struct revoke_arg {
	struct req *r;
	const char *key;
	struct store_txn *txn;
	struct dberr *e;
	size_t n;
	bool reissue;             /* send the owner a fresh link (kind `link`) */
	bool reissued;            /* one was queued */
};

static int
revoke_cb(const struct store_link *l, void *arg)
{
	struct revoke_arg *x = arg;
	struct store_link copy = *l;

	if (l->revoked)
		return 0;
	copy.revoked = true;
	x->n++;
	return store_link_put(x->txn, &copy, x->e);
}

/* A fresh link for the task's owner, after its links were revoked: a notice of kind `link`
 * (template link.txt) to the owner's addresses, which carries a new link as any notice that
 * asks for a hand-in does — only while the owner can hand something in now (the notice
 * module makes the link then, and only then). Keyed by the log's size, unique per revoke. */
static int
reissue_link(struct revoke_arg *x, struct store_txn *txn, struct dberr *e)
{
	struct engine *en = x->r->en;
	const struct engine_plan *ep;
	const struct plan_lifecycle *lc;
	struct store_task t;
	char key[1024];
	int rc, mi, st;

	if ((rc = store_task_get(txn, x->key, &t, e)) != 0)
		return rc;
	ep = engine_plan_find(en, t.plan);
	mi = ep ? plan_milestone_index(ep->plan, t.milestone) : -1;
	lc = mi >= 0 ? &ep->plan->lifecycles[ep->plan->milestones[mi].lifecycle] : NULL;
	st = lc ? plan_lifecycle_state(lc, t.state) : -1;
	if (st < 0 || lc->submit_event < 0 ||
	    lc->table[(size_t)st * lc->nevents + (size_t)lc->submit_event] < 0 ||
	    engine_config(en)->web_base_url == NULL) {
		store_task_release(&t);
		return 0;
	}
	snprintf(key, sizeof(key), "%s#link#%llu", t.key,
	         (unsigned long long)store_audit_count(txn) + 1);
	rc = queue_owner_notice(en, txn, ep, &t, "link", key, NULL, 0, e);
	x->reissued = rc == 0;
	store_task_release(&t);
	return rc;
}

/* ---- a fresh link for an expired one (review11g S11) ---- */

#define REISSUE_EVERY 3600 /* seconds: one fresh link a task an hour, whoever asks */

struct reissue_arg {
	struct req *r;
	const char *key;
	int64_t last;             /* the task's latest link.reissue, clock time; 0: none */
	bool too_soon, reissued;
};

static int
last_reissue_cb(const struct store_audit *a, void *arg)
{
	struct reissue_arg *x = arg;

	if (strcmp(a->action, "link.reissue") == 0 && a->clock_time > x->last)
		x->last = a->clock_time;
	return 0;
}

/* The owner's fresh link (reissue_link, as after a revoke), audited as link.reissue by the
 * link's holder; none when one went out within the hour (the holder of an expired link
 * could otherwise fill the county's mailbox) or the task takes no hand-in now. */
static int
link_reissue_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct reissue_arg *x = arg;
	struct revoke_arg ra = {x->r, x->key, txn, e, 0, true, false};
	int rc;

	x->last = 0;
	x->too_soon = x->reissued = false;
	if ((rc = store_audit_task_each(txn, x->key, last_reissue_cb, x, e)) != 0)
		return rc;
	if (x->last != 0 && engine_now(x->r->en) - x->last < REISSUE_EVERY) {
		x->too_soon = true;
		return 0;
	}
	if ((rc = reissue_link(&ra, txn, e)) != 0 || !ra.reissued)
		return rc;
	x->reissued = true;
	return engine_audit(x->r->en, txn, "link.reissue", x->key, "", "", "",
	                    "{\"why\":\"expired\"}", e);
}

void
act_link_reissue(struct req *r, const char *token)
{
	struct reissue_arg x = {r, r->who.link.task, 0, false, false};
	char *actor, *back;
	struct dberr e;
	int rc;

	if (!web_csrf_ok(r)) {
		req_error(r, 403, "表单已过期或来源不明，请重新打开通知中的链接。");
		return;
	}
	if (r->who.link_why != WEB_LINK_EXPIRED) {
		req_error(r, 409, r->who.link_why == WEB_LINK_OPEN
		                      ? "此链接仍然有效，可直接在此页面报送。"
		                      : "此事项已办结或已改由其他单位报送，不再发送新的报送链接。");
		return;
	}
	actor = web_actor(&r->who, NULL);
	engine_set_actor(r->en, actor);
	free(actor);
	dberr_clear(&e);
	rc = engine_write(r->en, link_reissue_txn, &x, &e);
	if (rc == 0 && x.too_soon) {
		char when[40], *msg;

		tz_format_local(engine_tz(r->en), x.last, when);
		msg = xasprintf("已于 %s 向本单位登记的邮箱发送新的报送链接，请查收；一小时内不再重复"
		                "发送。", when);
		r->retry_after = REISSUE_EVERY;
		req_error(r, 429, msg);
		free(msg);
		return;
	}
	if (rc == 0 && !x.reissued) {
		req_error(r, 409, "本事项当前不需要报送，未发送新的报送链接。");
		return;
	}
	back = xasprintf("/s/%s?reissued=1", token);
	web_after_action(r, rc, &e, back, NULL);
	free(back);
}

static int
revoke_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct revoke_arg *x = arg;
	char d[64];
	int rc;

	x->txn = txn;
	x->e = e;
	x->n = 0;
	x->reissued = false;
	if ((rc = store_link_each_task(txn, x->key, revoke_cb, x, e)) != 0)
		return rc;
	if (x->reissue && (rc = reissue_link(x, txn, e)) != 0)
		return rc;
	snprintf(d, sizeof(d), "{\"revoked\":%zu,\"reissued\":%s}", x->n,
	         x->reissued ? "true" : "false");
	return engine_audit(x->r->en, txn, "link.revoke", x->key, "", "", "", d, e);
}

void
act_revoke(struct req *r, const char *key)
{
	struct revoke_arg x = {r, key, NULL, NULL, 0, false, false};
	const char *reissue = req_field(r, "reissue");
	char *actor, *back;
	struct dberr e;
	int v, rc;

	if ((v = act_check(r, key, false)) != 0 || !web_can_review(&r->who)) {
		req_error(r, v ? v : 403, v == 404 ? "没有这个任务。" : "只有州级部门的账号可以撤销链接。");
		return;
	}
	x.reissue = reissue != NULL && strcmp(reissue, "1") == 0;
	actor = web_actor(&r->who, NULL);
	engine_set_actor(r->en, actor);
	free(actor);
	dberr_clear(&e);
	rc = engine_write(r->en, revoke_txn, &x, &e);
	back = xasprintf("/tasks/%s", key);
	web_after_action(r, rc, &e, back, NULL);
	free(back);
}

/* ---- files named in a submission's details ---- */

/* The next {"sha256":"...","size":N,"name":"..."} of a details text from p: fills sha (65),
 * *size and *name (xmalloc'd, unescaped) and returns the position after it, or NULL. */
static const char *
next_file(const char *p, char sha[65], unsigned long long *size, char **name)
{
	const char *s = strstr(p, "{\"sha256\":\"");
	const char *z, *n;
	struct buf b = BUF_INIT;

	if (s == NULL)
		return NULL;
	s += 11;
	if (strlen(s) < 64 || s[64] != '"')
		return NULL;
	memcpy(sha, s, 64);
	sha[64] = '\0';
	z = strstr(s, "\"size\":");
	*size = z ? strtoull(z + 7, NULL, 10) : 0;
	n = strstr(s, "\"name\":\"");
	if (n == NULL)
		return NULL;
	for (n += 8; *n && *n != '"'; n++) {
		if (*n == '\\' && n[1]) {
			n++;
			if (*n == 'u' && strlen(n) >= 5) {
				/* control characters only are written as \u00XX */
				buf_putc(&b, (char)strtol((char[]){n[3], n[4], 0}, NULL, 16));
				n += 4;
			} else {
				buf_putc(&b, *n == 'n' ? '\n' : *n == 't' ? '\t' : *n == 'r' ? '\r' : *n);
			}
		} else {
			buf_putc(&b, *n);
		}
	}
	*name = buf_detach(&b);
	if (*name == NULL)
		*name = xstrdup("");
	return *n ? n + 1 : n;
}

void
act_files_list(struct req *r, const char *details, const char *key)
{
	const char *p = strstr(details, "\"files\":[");
	char sha[65], *name;
	unsigned long long size;

	while (p && (p = next_file(p, sha, &size, &name)) != NULL) {
		H(&r->out, "<br>文件：<a href=\"/tasks/");
		html_url(&r->out, key);
		HF(&r->out, "/files/%s\">%s</a>（%llu 字节）<br><span class=\"hash\">sha256 %s</span>",
		   sha, name, size, sha);
		free(name);
	}
}

struct file_arg {
	struct req *r;
	const char *key, *sha;
	char *name;
	bool visible, named;
};

static int
file_rec_cb(const struct store_audit *a, void *arg)
{
	struct file_arg *x = arg;
	const char *p;
	char sha[65], *name;
	unsigned long long size;

	if ((p = submit_files(a)) == NULL)
		return 0;
	while ((p = next_file(p, sha, &size, &name)) != NULL) {
		if (strcmp(sha, x->sha) == 0 && !x->named) {
			x->name = name;
			x->named = true;
		} else {
			free(name);
		}
	}
	return 0;
}

static int
file_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct file_arg *x = arg;
	struct store_task t;

	if (store_task_get(txn, x->key, &t, e) != 0) {
		dberr_clear(e);
		return 0;
	}
	x->visible = web_can_see(&x->r->who, &t);
	store_task_release(&t);
	if (!x->visible)
		return 0;
	return store_audit_task_each(txn, x->key, file_rec_cb, x, e);
}

/* RFC 6266 / 5987: an ASCII fallback and the UTF-8 name percent-encoded. */
static char *
disposition(const char *name)
{
	struct buf b = BUF_INIT;
	static const char hex[] = "0123456789ABCDEF";

	buf_puts(&b, "attachment; filename=\"");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		buf_putc(&b, (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\' && *p != '/') ?
		                 (char)*p : '_');
	buf_puts(&b, "\"; filename*=UTF-8''");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '.' || *p == '-' || *p == '_') {
			buf_putc(&b, (char)*p);
		} else {
			buf_putc(&b, '%');
			buf_putc(&b, hex[*p >> 4]);
			buf_putc(&b, hex[*p & 15]);
		}
	}
	return buf_detach(&b);
}

void
page_file(struct req *r, const char *key, const char *sha)
{
	struct file_arg x = {r, key, sha, NULL, false, false};
	char *path, got[SHA256_HEX_SIZE];
	struct stat st;
	struct dberr e;
	int fd, err = 0;

	if (!sha256_is_hex(sha, SHA256_HEX_SIZE - 1)) {
		req_error(r, 404, "没有这个文件。");
		return;
	}
	dberr_clear(&e);
	if (store_read(engine_store(r->en), file_txn, &x, &e) != 0 || !x.visible || !x.named) {
		free(x.name);
		req_error(r, 404, "没有这个文件。");
		return;
	}
	/* the path is the hash, checked above to be 64 hex digits: nothing from the request */
	path = file_path(r->w, sha);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		free(x.name);
		log_warnx(r->w->log_level, "web",
		          "task %s: submitted file %s is not in the store", key, sha);
		req_error(r, 404, "此文件不在存储中（已被删除或移走）。报送记录仍保存其 sha256；请运行 "
		                  "dabiao audit verify 查明缺少哪些文件，并从备份恢复。");
		return;
	}
	/* the bytes must still be the ones handed in: hashed whole now (a streaming hash, 64 KiB
	 * at a time: a 20 MB upload costs ~50 ms), and again as they are sent (server.c) */
	if ((err = sha256_fd(fd, got, NULL)) != 0 || strcmp(got, sha) != 0 ||
	    lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		free(x.name);
		if (err != 0) {
			log_warnx(r->w->log_level, "web",
			          "task %s: submitted file %s cannot be read: %s", key, sha,
			          strerror(err));
			req_error(r, 503, "此文件暂时无法读取，请稍后重试。");
			return;
		}
		log_warnx(r->w->log_level, "web",
		          "task %s: submitted file %s no longer matches its sha256 (now %s): "
		          "not served", key, sha, got);
		req_error(r, 500, "此文件在存储中的内容已与报送时记录的 sha256 不一致（文件已被改动），"
		                  "为免将改动后的内容当作原件，不予下载。请运行 dabiao audit verify "
		                  "查明改动了哪些文件，并从备份恢复。");
		return;
	}
	r->file_fd = fd;
	memcpy(r->file_sha, sha, sizeof(r->file_sha));
	r->file_size = (uint64_t)st.st_size;
	r->ctype = "application/octet-stream";
	r->disposition = disposition(x.name && *x.name ? x.name : sha);
	free(x.name);
}

/* ---- receipts and proofs ---- */

int64_t
submit_received(struct req *r, const struct store_audit *a)
{
	char *at = report_json_str(a->details, "at");
	int64_t t = a->clock_time;

	if (at == NULL || tz_parse_time(engine_tz(r->en), at, &t) != 0)
		t = a->clock_time;
	free(at);
	return t;
}

/* For the hand-in of an Annex 3/4 table (review 11g, S14): whether a table among its
 * files was read into the report (the task's latest annex.report is one of them), or why
 * the report shows no figures of the county's own. */
static void
receipt_table_row(struct req *r, struct store_txn *txn, const struct store_audit *a)
{
	struct html *h = &r->out;
	const struct engine_plan *ep;
	const struct plan_milestone *m = key_milestone(r->en, a->task, &ep);
	struct report_annex_reported rep;
	struct dberr e;
	bool read = false;

	if (m == NULL || (m->form != PLAN_FORM_ANNEX3 && m->form != PLAN_FORM_ANNEX4) ||
	    report_form_milestone(ep->plan, (int)m->form) != m)
		return;
	dberr_clear(&e);
	if (report_annex_reported_get(txn, a->task, &rep, &e) != 0)
		return;
	if (rep.seq != 0 && rep.sha != NULL) {
		const char *p = strstr(a->details, "\"files\":[");
		char sha[65], *name;
		unsigned long long size;

		while (!read && p && (p = next_file(p, sha, &size, &name)) != NULL) {
			read = strcmp(sha, rep.sha) == 0;
			free(name);
		}
	}
	H(h, "</td></tr><tr><th>表格数据</th><td id=\"receipt-table\">");
	if (read)
		HF(h, "已读入《%s》，报表中显示本单位所报数字（审计序号 %llu）。", rep.file ? rep.file : "",
		   (unsigned long long)rep.seq);
	else
		HF(h, "<span class=\"late\">未读入：本次报送的文件中没有报送通知所附格式的%s表格（xlsx，或"
		      "另存为 CSV UTF-8）%s。</span>", m->form == PLAN_FORM_ANNEX3 ? "附件3" : "附件4",
		   rep.seq ? "，报表中仍为此前读入的表格" : "，报表中本单位所报数字仍为空；请以通知所附表格填写后"
		                                         "再次报送");
	report_annex_reported_release(&rep);
}

void
act_receipt_body(struct req *r, struct store_txn *txn, uint64_t seq, const char *task)
{
	struct html *h = &r->out;
	struct store_audit a;
	struct dberr e;
	char *by, *sections;

	dberr_clear(&e);
	if (store_audit_get(txn, seq, &a, &e) != 0)
		return;
	if (strcmp(a.action, "task.submit") != 0 || strcmp(a.task, task) != 0) {
		store_audit_release(&a);
		return;
	}
	by = report_json_str(a.details, "by");
	sections = report_json_str(a.details, "sections");
	/* a late hand-in's receipt proves when it came, not that it came in time (review 11c,
	 * m2); to the second, so a county sees how close it was */
	if (strstr(a.details, "\"late\":true"))
		HF(h, "<section id=\"receipt\"><h2>报送回执</h2><p class=\"late\">已收到（迟报）。请保存本"
		      "回执：审计序号 <strong id=\"receipt-seq\">%llu</strong> 记录了本次报送的收到时间。</p>"
		      "<table><tbody>", (unsigned long long)seq);
	else
		HF(h, "<section id=\"receipt\"><h2>报送回执</h2><p class=\"ok\">已收到。请保存本回执：审计"
		      "序号 <strong id=\"receipt-seq\">%llu</strong> 可用于日后证明按时报送。</p><table>"
		      "<tbody>", (unsigned long long)seq);
	{
		char when[48];

		receipt_time(engine_tz(r->en), submit_received(r, &a), when);
		HF(h, "<tr><th>收到时间</th><td id=\"receipt-time\">%s", when);
	}
	HF(h, "</td></tr><tr><th>报送人</th><td>%s</td></tr><tr><th>操作者</th><td>", by ? by : "");
	view_actor(r, a.actor);
	H(h, "</td></tr><tr><th>声明包含</th><td>");
	{
		/* a task key is PLAN/MILESTONE/SUBJECT/PERIOD; ids hold no '/' */
		const char *slash = strchr(a.task, '/');
		char *plan = xstrndup(a.task, slash ? (size_t)(slash - a.task) : 0);
		char *ms = xstrndup(slash ? slash + 1 : "", slash ? strcspn(slash + 1, "/") : 0);

		char *missing = report_json_str(a.details, "missing");
		const struct engine_plan *ep = engine_plan_find(r->en, plan);
		int mi = ep ? plan_milestone_index(ep->plan, ms) : -1;

		if (sections && *sections)
			view_sections(r, plan, ms, sections);
		else if (mi >= 0 && ep->plan->milestones[mi].nrequires == 0)
			/* nothing to tick, not something forgotten (review 11d, W12) */
			H(h, "（本事项无须声明部分）");
		else
			H(h, "（未勾选任何部分）");
		/* what the declaration lacks, so the county sees at once why it is 内容不全 */
		if (missing && *missing) {
			H(h, "</td></tr><tr><th>缺少</th><td id=\"receipt-missing\" class=\"late\">");
			view_sections(r, plan, ms, missing);
		}
		free(missing);
		free(plan);
		free(ms);
	}
	HF(h, "</td></tr><tr><th>是否迟报</th><td>%s</td></tr><tr><th>文件</th><td>",
	   strstr(a.details, "\"late\":true") ? "迟报" : "按时");
	{
		const char *p = strstr(a.details, "\"files\":[");
		char sha[65], *name;
		unsigned long long size;
		int n = 0;

		while (p && (p = next_file(p, sha, &size, &name)) != NULL) {
			if (n++)
				H(h, "<br>");
			HF(h, "<span>%s（%llu 字节）</span><br><span class=\"hash\">sha256 %s</span>", name,
			   size, sha);
			free(name);
		}
		if (n == 0)
			H(h, "（未附文件）");
	}
	receipt_table_row(r, txn, &a);
	/* a link's holder has no account: its proof in today's log is under the link, scoped
	 * to its task; the receipt's own proof (its signed checkpoint) follows */
	if (r->who.kind == WHO_LINK)
		HF(h, "</td></tr><tr><th>审计序号</th><td><a href=\"/s/%s/proof/%llu\">%llu（查看包含"
		      "证明）</a></td></tr></tbody></table>",
		   web_link_token(r), (unsigned long long)seq, (unsigned long long)seq);
	else if (r->who.kind == WHO_ACCOUNT)
		HF(h, "</td></tr><tr><th>审计序号</th><td><a href=\"/proof/%llu\">%llu（查看包含证明）"
		      "</a></td></tr></tbody></table>",
		   (unsigned long long)seq, (unsigned long long)seq);
	else
		HF(h, "</td></tr><tr><th>审计序号</th><td>%llu</td></tr></tbody></table>",
		   (unsigned long long)seq);
	receipt_proof_html(r, txn, seq);
	H(h, "</section>");
	free(by);
	free(sections);
	store_audit_release(&a);
}

struct seq_arg {
	struct req *r;
	uint64_t seq;
	bool visible;
	struct store_audit a;
	bool render;              /* a receipt: render it while the snapshot is open */
};

static int
seq_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct seq_arg *x = arg;
	struct store_task t;

	if (store_audit_get(txn, x->seq, &x->a, e) != 0) {
		dberr_clear(e);
		return 0;
	}
	if (x->a.task[0] == '\0') {
		/* the store's own records (a plan loaded, a registry imported): an office of
		 * every plan in it (review 11d, W13) */
		x->visible = x->r->who.every_plan;
		return 0;
	}
	if (store_task_get(txn, x->a.task, &t, e) != 0) {
		char plan[256];

		dberr_clear(e);
		/* conduct warnings and other records keyed by something else (PLAN/…): offices
		 * of that plan */
		snprintf(plan, sizeof(plan), "%.*s", (int)strcspn(x->a.task, "/"), x->a.task);
		x->visible = x->r->who.every_plan || web_office_of(&x->r->who, plan);
		return 0;
	}
	x->visible = web_can_see(&x->r->who, &t);
	store_task_release(&t);
	if (x->visible && x->render && strcmp(x->a.action, "task.submit") == 0) {
		view_begin(x->r, "报送回执");
		act_receipt_body(x->r, txn, x->seq, x->a.task);
		H(&x->r->out, "<p><a href=\"/tasks/");
		html_url(&x->r->out, x->a.task);
		H(&x->r->out, "\">返回任务</a></p>");
		view_end(x->r);
	}
	return 0;
}

void
page_receipt(struct req *r, uint64_t seq)
{
	struct seq_arg x = {r, seq, false, {0}, true};
	struct dberr e;

	dberr_clear(&e);
	buf_reset(&r->out.b);
	if (store_read(engine_store(r->en), seq_txn, &x, &e) != 0 || !x.visible ||
	    strcmp(x.a.action ? x.a.action : "", "task.submit") != 0) {
		buf_reset(&r->out.b);
		req_error(r, 404, "没有这份回执。");
	}
	store_audit_release(&x.a);
}

struct proof_arg {
	struct req *r;
	uint64_t seq, size;
	uint8_t leaf[AUDIT_HASH_LEN], root[AUDIT_HASH_LEN];
	uint8_t proof[AUDIT_MAX_PROOF][AUDIT_HASH_LEN];
	size_t nproof;
	struct buf canon;
};

static int
proof_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct proof_arg *p = arg;
	struct store_audit a;
	int rc;

	if ((rc = store_audit_get(txn, p->seq, &a, e)) != 0)
		return rc;
	audit_canonical(&p->canon, &a);
	audit_record_leaf(&a, p->leaf);
	store_audit_release(&a);
	pthread_mutex_lock(&p->r->w->proof_lock);
	rc = audit_tree_prove(p->r->w->proof_tree, txn, p->seq, 0, p->leaf, &p->size, p->root,
	                      p->proof, &p->nproof, e);
	pthread_mutex_unlock(&p->r->w->proof_lock);
	return rc;
}

void
page_proof(struct req *r, uint64_t seq)
{
	struct seq_arg x = {r, seq, false, {0}, false};
	struct proof_arg *p;
	struct html *h = &r->out;
	struct dberr e;
	char hex[2 * AUDIT_HASH_LEN + 1];

	dberr_clear(&e);
	/* the same visibility as the record's task */
	if (store_read(engine_store(r->en), seq_txn, &x, &e) != 0)
		x.visible = false;
	store_audit_release(&x.a);
	if (!x.visible) {
		req_error(r, 404, "没有这条审计记录。");
		return;
	}
	p = xcalloc(1, sizeof(*p));
	p->r = r;
	p->seq = seq;
	if (store_read(engine_store(r->en), proof_txn, p, &e) != 0) {
		log_warnx(r->w->log_level, "web", "proof: %s", e.msg);
		req_error(r, 503, "暂时无法计算证明。");
		goto out;
	}
	view_begin(r, "包含证明");
	HF(h, "<h1>审计记录 #%llu 的包含证明</h1><p>按 RFC 9162 计算：记录的叶哈希沿下列路径逐级"
	      "合并，得到审计日志（共 %llu 条记录）的根哈希。与 <code>dabiao audit prove %llu</code> "
	      "的输出相同，验证方法见 docs/audit.md。</p>",
	   (unsigned long long)seq, (unsigned long long)p->size, (unsigned long long)seq);
	HF(h, "<h2>记录（规范形式）</h2><pre class=\"hash\" id=\"canonical\">%s</pre>",
	   buf_str(&p->canon));
	audit_hex(p->leaf, AUDIT_HASH_LEN, hex);
	HF(h, "<table><tbody><tr><th>叶序号</th><td>%llu</td></tr><tr><th>叶哈希</th>"
	      "<td class=\"hash\" id=\"leaf\">%s</td></tr>",
	   (unsigned long long)(seq - 1), hex);
	audit_hex(p->root, AUDIT_HASH_LEN, hex);
	HF(h, "<tr><th>日志条数</th><td id=\"tree-size\">%llu</td></tr><tr><th>根哈希</th>"
	      "<td class=\"hash\" id=\"root\">%s</td></tr>",
	   (unsigned long long)p->size, hex);
	for (size_t i = 0; i < p->nproof; i++) {
		audit_hex(p->proof[i], AUDIT_HASH_LEN, hex);
		HF(h, "<tr><th>路径 %zu</th><td class=\"hash proof\">%s</td></tr>", i + 1, hex);
	}
	H(h, "</tbody></table>");
	view_end(r);
out:
	buf_release(&p->canon);
	free(p);
}
