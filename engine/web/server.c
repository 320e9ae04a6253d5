/*
 * server.c - the HTTP side: GNU libmicrohttpd with a thread per connection, bounded
 * requests, the routes, and the headers every answer carries.
 *
 * Why threads: a page is a read transaction of a few milliseconds, but a submission or a
 * decision waits for the store's one writer, which `run` holds while it applies a batch of
 * deadlines; served one at a time, every reader waited behind that writer. Each connection
 * has its own thread, and each request is answered with an engine lent to it for that
 * request (an engine is used by one thread at a time; all share the one open store, whose
 * readers never wait and whose writers take turns: store.h). Reads (GET, HEAD) and writes
 * (POST) borrow from two sets of engines, so writes waiting for the store's lock never
 * leave a read without an engine.
 * Bodies are bounded before they are read (Content-Length over the limit is answered 413
 * at once) and while they are read (a chunked body past the limit is drained and
 * discarded); uploaded files go to DB/files/tmp/ as they arrive, hashed on the way, and are
 * moved into DB/files/ only by the action that keeps them.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "base/log.h"
#include "base/num.h"
#include "base/sha256.h"
#include "base/xalloc.h"
#include "engine/audit/audit.h"
#include "engine/web/web_int.h"

#define MAX_HEADERS 64
#define CONN_MEMORY (64 * 1024)
/* Engines for reads and for writes: as many reads at once as a busy server has
 * requests on the CPU (a waiting read uses none; more would only hold more parsed plans);
 * writes take turns at the store's lock anyway, so a few wait there at most. */
#define WEB_READ_ENGINES 12
#define WEB_WRITE_ENGINES 16

/* One engine and what it saw of the store last. */
struct web_worker {
	struct engine *en;
	uint64_t seen_audit;      /* the audit log's size at its last refresh */
	bool writes;              /* lent to POST requests, else to GET and HEAD */
	bool busy;                /* lent to a request */
};

static const char csp[] = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; "
                          "base-uri 'none'; object-src 'none'";

const char *
req_query(const struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->con, MHD_GET_ARGUMENT_KIND, name);
}

const char *
req_header(const struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->con, MHD_HEADER_KIND, name);
}

const char *
req_cookie(const struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->con, MHD_COOKIE_KIND, name);
}

const char *
req_field(const struct req *r, const char *name)
{
	for (size_t i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i].name, name) == 0)
			return r->fields[i].val;
	return NULL;
}

struct engine *
req_engine(const struct req *r)
{
	return r->en;
}

void
req_redirect(struct req *r, const char *path)
{
	r->status = 303;
	free(r->location);
	r->location = xstrdup(path);
	buf_reset(&r->out.b);
}

void
req_json(struct req *r, int status)
{
	r->status = status;
	r->ctype = "application/json; charset=utf-8";
}

void
req_error(struct req *r, int status, const char *msg)
{
	static const struct {
		int status;
		const char *title;
	} titles[] = {{400, "请求有误"},     {401, "请先登录"},       {403, "无权操作"},
	              {404, "未找到"},       {405, "不支持的方法"},   {409, "状态不允许"},
	              {410, "链接已失效"},   {413, "上传内容过大"},   {429, "尝试过于频繁"},
	              {431, "请求头过大"},   {500, "服务器内部错误"}, {503, "暂时无法处理"}};
	const char *title = "错误";

	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if (titles[i].status == status)
			title = titles[i].title;
	buf_reset(&r->out.b);
	if (strncmp(r->path, "/api/", 5) == 0) {
		/* JSON, never rendered as HTML: application/json with nosniff */
		buf_printf(&r->out.b, "{\"error\":%d,\"message\":", status);
		buf_json_str(&r->out.b, msg ? msg : title);
		buf_putc(&r->out.b, '}');
		req_json(r, status);
		return;
	}
	r->status = status;
	view_begin(r, title);
	HF(&r->out, "<h1>%s</h1><p class=\"error\">%s</p>", title, msg ? msg : "");
	H(&r->out, "<p><a href=\"/\">返回首页</a></p>");
	view_end(r);
	r->status = status;
}

/* ---- the body: form fields and files through libmicrohttpd's post processor ---- */

static enum MHD_Result
post_iter(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
          const char *content_type, const char *transfer_encoding, const char *data,
          uint64_t off, size_t size)
{
	struct req *r = cls;

	(void)kind;
	(void)content_type;
	(void)transfer_encoding;
	if (r->too_large || r->bad_body)
		return MHD_YES;
	/* a browser's file part always names a file ("" when none was chosen): one without is
	 * a part whose name the parser could not read (a NUL, a raw line break in it), and
	 * taking the rest would receipt a submission without the file the county sent */
	if (filename == NULL && strcmp(key, "file") == 0) {
		r->bad_body = true;
		return MHD_YES;
	}
	if (filename != NULL) { /* URL-encoded forms carry no files: kept for the library's sake */
		if (off == 0 && upload_begin(r, key, filename) != 0) {
			r->bad_body = true;
			return MHD_YES;
		}
		if (size > 0 && upload_data(r, data, size) != 0)
			r->bad_body = true;
		return MHD_YES;
	}
	if (off == 0) {
		if (r->nfields >= WEB_MAX_FIELDS) {
			r->bad_body = true;
			return MHD_YES;
		}
		r->fields = xrealloc(r->fields, (r->nfields + 1) * sizeof(*r->fields));
		r->fields[r->nfields].name = xstrdup(key);
		r->fields[r->nfields].val = xstrndup(data ? data : "", size);
		r->nfields++;
		return MHD_YES;
	}
	/* a long value arrives in pieces: it continues the field begun last */
	if (r->nfields == 0 || off + size > WEB_MAX_FIELD_BYTES) {
		r->bad_body = true;
		return MHD_YES;
	}
	{
		struct web_field *f = &r->fields[r->nfields - 1];
		size_t have = strlen(f->val);

		f->val = xrealloc(f->val, have + size + 1);
		memcpy(f->val + have, data, size);
		f->val[have + size] = '\0';
	}
	return MHD_YES;
}

/* multipart.c's parts: a file part (it names a file, "" when none was chosen) streams to
 * DB/files/tmp/, a field is kept in memory, both bounded as post_iter bounds them. */
static int
mp_begin(void *arg, const char *name, const char *filename)
{
	struct req *r = arg;

	if (filename != NULL) {
		r->mp_in_file = true;
		return upload_begin(r, name, filename);
	}
	/* a browser's file field always names a file: one without is no file, and taking the
	 * rest would receipt a submission without the file the county meant to send */
	if (strcmp(name, "file") == 0 || r->nfields >= WEB_MAX_FIELDS)
		return -1;
	r->fields = xrealloc(r->fields, (r->nfields + 1) * sizeof(*r->fields));
	r->fields[r->nfields].name = xstrdup(name);
	r->fields[r->nfields].val = xstrdup("");
	r->nfields++;
	r->mp_in_file = false;
	return 0;
}

static int
mp_data(void *arg, const char *data, size_t n)
{
	struct req *r = arg;
	struct web_field *f;
	size_t have;

	if (r->mp_in_file)
		return upload_data(r, data, n);
	f = &r->fields[r->nfields - 1];
	have = strlen(f->val);
	if (have + n > WEB_MAX_FIELD_BYTES || memchr(data, '\0', n) != NULL)
		return -1;
	f->val = xrealloc(f->val, have + n + 1);
	memcpy(f->val + have, data, n);
	f->val[have + n] = '\0';
	return 0;
}

static const struct web_mp_cb mp_cb = {mp_begin, mp_data};

static void
req_free(struct req *r)
{
	if (r == NULL)
		return;
	if (r->pp)
		MHD_destroy_post_processor(r->pp);
	web_mp_free(r->mp);
	upload_discard(r);
	for (size_t i = 0; i < r->nfields; i++) {
		free(r->fields[i].name);
		free(r->fields[i].val);
	}
	free(r->fields);
	who_release(&r->who);
	buf_release(&r->out.b);
	free(r->path);
	free(r->location);
	free(r->cookie[0]);
	free(r->cookie[1]);
	free(r->disposition);
	if (r->file_fd >= 0)
		close(r->file_fd);
	free(r);
}

static void conn_waiting(struct web *w, struct MHD_Connection *con, bool waiting);

static void
on_completed(void *cls, struct MHD_Connection *con, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
	(void)toe;
	req_free(*con_cls);
	*con_cls = NULL;
	conn_waiting(cls, con, true); /* the next request's headers, from now */
}

/* ---- what other processes changed ---- */

struct fresh {
	struct engine *en;
	uint64_t seen;            /* the audit size this process saw last */
	uint64_t audit;
	struct store_clock clk;
	bool plans_changed;
};

static int
plan_version_cb(const struct store_plan *p, void *arg)
{
	struct fresh *f = arg;
	const struct engine_plan *ep = engine_plan_find(f->en, p->id);

	if (ep == NULL || ep->version != p->version)
		f->plans_changed = true;
	return 0;
}

static int
fresh_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct fresh *f = arg;
	int rc;

	f->audit = store_audit_count(txn);
	if ((rc = store_clock_get(txn, &f->clk, e)) != 0)
		return rc;
	/* a plan load writes an audit record: look at versions only when the log grew */
	if (f->audit != f->seen)
		rc = store_plan_each(txn, plan_version_cb, f, e);
	return rc;
}

/* Before each request, the store as `run`, `advance` or `load` left it: the virtual
 * clock's now, and the plans again when a new version was loaded. One read transaction;
 * plans are parsed only when their versions changed. */
static int
refresh(struct web_worker *k, struct dberr *e)
{
	struct fresh f = {k->en, k->seen_audit, 0, {0}, false};
	int rc = store_read(engine_store(k->en), fresh_txn, &f, e);

	if (rc != 0)
		return rc;
	if (f.plans_changed && (rc = engine_reload(k->en, e)) != 0)
		return rc;
	if (f.clk.mode == STORE_CLOCK_VIRTUAL)
		engine_clock_set(k->en, f.clk.now);
	else
		engine_clock_read(k->en);
	k->seen_audit = f.audit;
	return 0;
}

/* An idle engine of the kind the request needs (writes: POST), waiting for one when all
 * are lent. */
static struct web_worker *
worker_take(struct web *w, bool writes)
{
	struct web_worker *k = NULL;

	pthread_mutex_lock(&w->pool_lock);
	for (;;) {
		for (size_t i = 0; i < w->nworkers && k == NULL; i++)
			if (!w->workers[i].busy && w->workers[i].writes == writes)
				k = &w->workers[i];
		if (k != NULL)
			break;
		pthread_cond_wait(&w->pool_free, &w->pool_lock);
	}
	k->busy = true;
	pthread_mutex_unlock(&w->pool_lock);
	return k;
}

static void
worker_give(struct web *w, struct web_worker *k)
{
	pthread_mutex_lock(&w->pool_lock);
	k->busy = false;
	pthread_cond_broadcast(&w->pool_free); /* a waiter of either kind */
	pthread_mutex_unlock(&w->pool_lock);
}

/* ---- routes ---- */

static bool
starts(const char *s, const char *prefix, const char **rest)
{
	size_t n = strlen(prefix);

	if (strncmp(s, prefix, n) != 0)
		return false;
	*rest = s + n;
	return true;
}

/* "/tasks/<plan>/<milestone>/<subject>/<period>[/<action>[/<arg>]]": a task key has four
 * segments; what follows is the action. */
static void
task_route(struct req *r, const char *rest)
{
	const char *p = rest, *action = NULL;
	char *key;
	int slashes = 0;

	while (*p && slashes < 4) {
		if (*p == '/' && ++slashes == 4)
			break;
		p++;
	}
	key = xstrndup(rest, (size_t)(p - rest));
	if (*p == '/')
		action = p + 1;
	if (action == NULL || *action == '\0') {
		if (!r->post)   /* GET or HEAD */
			page_task(r, key);
		else
			req_error(r, 405, NULL);
	} else if (strcmp(action, "submit") == 0 && r->post) {
		act_submit(r, key);
	} else if (strcmp(action, "review") == 0 && r->post) {
		act_review(r, key);
	} else if (strcmp(action, "revoke") == 0 && r->post) {
		act_revoke(r, key);
	} else if (strcmp(action, "event") == 0 && r->post) {
		act_event(r, key);
	} else if (strncmp(action, "files/", 6) == 0 && !r->post) {
		page_file(r, key, action + 6);
	} else {
		req_error(r, 404, "没有这个页面。");
	}
	free(key);
}

/* A record's number in an address (/receipt/SEQ): digits only, 1 or more (num.h). */
static bool
parse_seq(const char *s, uint64_t *out)
{
	return num_u64_in(s, 1, UINT64_MAX, out);
}

static void
route(struct req *r)
{
	const char *rest;
	uint64_t seq;
	/* HEAD is answered as GET (libmicrohttpd leaves the body out): a link checker's or a
	 * mail client's HEAD of a receipt's address must not call it dead (review 11d, W3) */
	bool get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;

	if (strcmp(r->path, "/static/app.css") == 0) {
		buf_puts(&r->out.b, web_css);
		r->ctype = "text/css; charset=utf-8";
		return;
	}
	if (strcmp(r->path, "/favicon.ico") == 0) {
		r->status = 404;
		r->ctype = "text/plain; charset=utf-8";
		return;
	}
	if (strcmp(r->path, "/login") == 0) {
		if (r->post)
			page_login_post(r);
		else
			page_login(r);
		return;
	}
	if (starts(r->path, "/s/", &rest)) {
		const char *sub = strchr(rest, '/');

		if (r->who.kind != WHO_LINK) {
			req_error(r, 410, "此报送链接无效、已撤销或已过期。请使用最新通知中的链接，或联系"
			                  "接收单位。");
		} else if (sub != NULL) {
			/* the link's own proofs (its receipt points here): records of its task only */
			if (get && starts(sub, "/proof/", &rest) && parse_seq(rest, &seq))
				page_proof(r, seq);
			else if (r->post && strcmp(sub, "/reissue") == 0)
				act_link_reissue(r, web_link_token(r));
			else
				req_error(r, 404, "没有这个页面。");
		} else if (r->post && r->who.link_why == WEB_LINK_EXPIRED) {
			upload_discard(r);
			req_error(r, 410, "此报送链接已过期，本次报送未保存。请打开此链接的页面，申请向本单位"
			                  "登记的邮箱发送新的报送链接。");
		} else if (r->post && r->who.link_readonly) {
			upload_discard(r);
			req_error(r, 410, "此事项已办结或链接已过期，不能再通过此链接报送；回执和包含证明仍可"
			                  "在此链接查看。");
		} else if (r->post) {
			act_link_submit(r, rest);
		} else {
			page_link(r, rest);
		}
		return;
	}
	if (starts(r->path, "/r/", &rest)) {
		/* a receipt's own address: /r/SEQ/TOKEN[/proof.txt], no account or link needed */
		char num[24], tok[44];
		size_t nl = strcspn(rest, "/"), tl;
		const char *t = rest + nl;

		tl = *t ? strcspn(t + 1, "/") : 0;
		if (get && nl > 0 && nl < sizeof(num) && *t == '/' && tl == 43 &&
		    (t[1 + tl] == '\0' || strcmp(t + 1 + tl, "/proof.txt") == 0)) {
			memcpy(num, rest, nl);
			num[nl] = '\0';
			memcpy(tok, t + 1, 43);
			tok[43] = '\0';
			if (parse_seq(num, &seq)) {
				page_receipt_token(r, seq, tok, t[1 + tl] != '\0');
				return;
			}
		}
		req_error(r, 404, "没有这份回执。");
		return;
	}
	if (starts(r->path, "/api/", &rest)) {
		api_route(r, rest);
		return;
	}
	if (r->who.kind != WHO_ACCOUNT) {
		if (get)
			req_redirect(r, "/login");
		else
			req_error(r, 401, "请先登录。");
		return;
	}
	if (r->post && !r->who.bearer && !web_csrf_ok(r)) {
		req_error(r, 403, "表单已过期或来源不明（缺少有效的表单令牌），请返回页面刷新后重试。");
		return;
	}
	if (strcmp(r->path, "/") == 0 && get)
		page_dashboard(r);
	else if (strcmp(r->path, "/logout") == 0 && r->post)
		page_logout(r);
	else if (strcmp(r->path, "/tasks") == 0 && get)
		page_tasks(r);
	else if (starts(r->path, "/tasks/", &rest))
		task_route(r, rest);
	else if (strcmp(r->path, "/review") == 0 && get)
		page_review(r);
	else if (strcmp(r->path, "/extend") == 0 && r->post)
		act_extend(r);
	else if (strcmp(r->path, "/warnings") == 0 && get)
		page_warnings(r);
	else if (starts(r->path, "/warnings/", &rest) && r->post && parse_seq(rest, &seq))
		act_decide(r, rest);
	else if (starts(r->path, "/receipt/", &rest) && get && parse_seq(rest, &seq))
		page_receipt(r, seq);
	else if (starts(r->path, "/proof/", &rest) && get && parse_seq(rest, &seq))
		page_proof(r, seq);
	else if (strcmp(r->path, "/reports") == 0 && get)
		page_reports(r);
	else if (starts(r->path, "/reports/", &rest) && get)
		page_report_download(r, rest);
	else if (strcmp(r->path, "/calendar.ics") == 0 && get)
		page_calendar(r);
	else if (strcmp(r->path, "/audit") == 0 && get)
		page_audit(r);
	else if (strcmp(r->path, "/audit/verify") == 0 && r->post)
		act_audit_verify(r);
	else
		req_error(r, 404, "没有这个页面。");
}

/* ---- answering ---- */

/* A submitted file sent as it is read, hashed on the way (page_file hashed it just before):
 * bytes written into the file after that check are never sent whole as the original. The
 * last block is given only when the bytes sent hash to the recorded sha256; otherwise the
 * answer ends short of its Content-Length, which every client takes for a failed download. */
struct checked_file {
	int fd;
	uint64_t size, sent;
	struct sha256 *h;
	char sha[65];
	enum log_level log_level; /* the server's, for the line saying a download was cut */
};

static ssize_t
checked_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct checked_file *f = cls;
	char got[SHA256_HEX_SIZE];
	ssize_t n;

	if (pos != f->sent || f->h == NULL)
		return MHD_CONTENT_READER_END_WITH_ERROR; /* only read in order, once */
	if (max > f->size - pos)
		max = (size_t)(f->size - pos);
	do
		n = pread(f->fd, buf, max, (off_t)pos);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return MHD_CONTENT_READER_END_WITH_ERROR; /* shrunk, or unreadable */
	sha256_add(f->h, buf, (size_t)n);
	f->sent += (uint64_t)n;
	if (f->sent == f->size) {
		sha256_end(f->h, got);
		f->h = NULL;
		if (strcmp(got, f->sha) != 0) {
			log_warnx(f->log_level, "web",
			          "a submitted file changed while it was sent (sha256 %s, now %s): "
			          "the download was cut short", f->sha, got);
			return MHD_CONTENT_READER_END_WITH_ERROR;
		}
	}
	return n;
}

static void
checked_free(void *cls)
{
	struct checked_file *f = cls;
	char got[SHA256_HEX_SIZE];

	if (f->h != NULL)
		sha256_end(f->h, got);
	close(f->fd);
	free(f);
}

static struct MHD_Response *
checked_response(struct req *r)
{
	struct checked_file *f = xcalloc(1, sizeof(*f));
	struct MHD_Response *resp;

	f->fd = r->file_fd;
	f->size = r->file_size;
	f->h = sha256_begin();
	memcpy(f->sha, r->file_sha, sizeof(f->sha));
	f->log_level = r->w->log_level;
	r->file_fd = -1; /* the response closes it */
	resp = MHD_create_response_from_callback(f->size, 65536, checked_read, f, checked_free);
	if (resp == NULL)
		checked_free(f);
	return resp;
}

static enum MHD_Result
respond(struct MHD_Connection *con, struct req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (r->file_fd >= 0 && r->file_sha[0]) {
		resp = checked_response(r);
	} else if (r->file_fd >= 0) {
		resp = MHD_create_response_from_fd((uint64_t)r->file_size, r->file_fd);
		r->file_fd = -1; /* the response closes it */
	} else {
		size_t n = r->out.b.len;
		char *body = buf_detach(&r->out.b);

		resp = MHD_create_response_from_buffer(n, body ? body : xstrdup(""),
		                                       MHD_RESPMEM_MUST_FREE);
	}
	if (resp == NULL)
		return MHD_NO;
	if (r->status == 0)
		r->status = 200;
	if (r->ctype == NULL)
		r->ctype = "text/html; charset=utf-8";
	MHD_add_response_header(resp, "Content-Type", r->ctype);
	MHD_add_response_header(resp, "Content-Security-Policy", csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	/* a submit link's token is in its URL: never hand it on to another site */
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cache-Control",
	                        strcmp(r->path, "/static/app.css") == 0 ? "max-age=3600"
	                                                               : "no-store");
	if (r->location)
		MHD_add_response_header(resp, "Location", r->location);
	for (int i = 0; i < 2; i++)
		if (r->cookie[i])
			MHD_add_response_header(resp, "Set-Cookie", r->cookie[i]);
	if (r->disposition)
		MHD_add_response_header(resp, "Content-Disposition", r->disposition);
	if (r->retry_after > 0) {
		char secs[16];

		snprintf(secs, sizeof(secs), "%d", r->retry_after);
		MHD_add_response_header(resp, "Retry-After", secs);
	}
	if (r->close)
		MHD_add_response_header(resp, "Connection", "close");
	ret = MHD_queue_response(con, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result
count_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	(void)key;
	(void)value;
	(*(unsigned *)cls)++;
	return MHD_YES;
}

/* An address's text as the throttle, the connection counts and the audit compare it: an
 * IPv4 client of a server listening on [::] arrives as ::ffff:a.b.c.d and is written
 * a.b.c.d, as the same client of one listening on 0.0.0.0. */
static void
addr_text(int af, const void *bin, char *out, size_t n)
{
	const unsigned char *b = bin;

	if (af == AF_INET6 && IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)bin))
		inet_ntop(AF_INET, b + 12, out, (socklen_t)n);
	else
		inet_ntop(af, bin, out, (socklen_t)n);
}

static void
sockaddr_text(const struct sockaddr *sa, char *out, size_t n)
{
	snprintf(out, n, "?");
	if (sa && sa->sa_family == AF_INET)
		addr_text(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, n);
	else if (sa && sa->sa_family == AF_INET6)
		addr_text(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
		          n);
}

/* Whether addr (addr_text's) is in web.trusted_proxies, whose ranges hold IPv4 in the
 * mapped form too (config_net). */
static bool
trusted_proxy(const struct web *w, const char *addr)
{
	unsigned char bin[16] = {0};

	if (inet_pton(AF_INET6, addr, bin) != 1) {
		if (inet_pton(AF_INET, addr, bin + 12) != 1)
			return false;
		bin[10] = bin[11] = 0xff;
	}
	return config_net_has(w->cfg->web_trusted_proxies, w->cfg->web_ntrusted_proxies, bin);
}

/* The client's address: the socket's peer, or, when the peer is a trusted proxy
 * (web.trusted_proxies), the last address in X-Forwarded-For that is not one: nginx's
 * $proxy_add_x_forwarded_for appends the address it saw, so what a client wrote itself
 * stays to the left and is never believed. A malformed entry leaves the proxy's. */
static void
client_addr(struct web *w, struct MHD_Connection *con, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const char *xff;
	char *copy;

	sockaddr_text(ci ? ci->client_addr : NULL, out, n);
	if (!trusted_proxy(w, out) ||
	    (xff = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "X-Forwarded-For")) == NULL)
		return;
	copy = xstrdup(xff);
	for (;;) {
		char *comma = strrchr(copy, ','), *one = comma ? comma + 1 : copy, *t;
		unsigned char bin[16];
		int af;

		one += strspn(one, " \t");
		for (t = one + strlen(one); t > one && (t[-1] == ' ' || t[-1] == '\t'); t--)
			;
		*t = '\0';
		af = strchr(one, ':') ? AF_INET6 : AF_INET;
		if (inet_pton(af, one, bin) != 1)
			break;
		/* the canonical text, as the throttle and the audit compare it */
		addr_text(af, bin, out, n);
		if (comma == NULL || !trusted_proxy(w, out))
			break;
		*comma = '\0';
	}
	free(copy);
}

/* ---- connections per client address (web.connections_per_address) ---- */

static struct web_conns *
conns_find(struct web *w, const char *addr, bool add)
{
	for (size_t i = 0; i < w->nconns; i++)
		if (strcmp(w->conns[i].addr, addr) == 0)
			return &w->conns[i];
	if (!add)
		return NULL;
	w->conns = xgrow(w->conns, &w->capconns, w->nconns + 1, sizeof(*w->conns));
	snprintf(w->conns[w->nconns].addr, sizeof(w->conns[0].addr), "%s", addr);
	w->conns[w->nconns].n = 0;
	w->conns[w->nconns].refusing = 0;
	return &w->conns[w->nconns++];
}

/* Before a connection is taken. An address that holds its share already
 * (web.connections_per_address) still gets a few more, which are answered 503 with
 * Retry-After as soon as their request's headers are in (on_connection marks them,
 * on_request answers): a browser behind a busy office's one address is told to wait
 * rather than see a reset. Past those few the connection is closed unanswered: an answer
 * needs the request read first, so answering every one would hand the trickling client
 * the threads the cap keeps from it. A proxy in web.trusted_proxies is not limited (its
 * clients are behind it; nginx limits them itself: limit_conn in deploy/nginx-dabiao.conf). */
static enum MHD_Result
on_accept(void *cls, const struct sockaddr *sa, socklen_t len)
{
	struct web *w = cls;
	struct web_conns *c;
	char addr[64];
	bool ok;

	(void)len;
	sockaddr_text(sa, addr, sizeof(addr));
	if (trusted_proxy(w, addr))
		return MHD_YES;
	pthread_mutex_lock(&w->conn_lock);
	c = conns_find(w, addr, false);
	ok = c == NULL || c->n < (unsigned)w->cfg->web_connections_per_address ||
	     c->refusing < WEB_REFUSALS_PER_ADDRESS;
	pthread_mutex_unlock(&w->conn_lock);
	if (!ok)
		log_warnx(w->log_level, "web",
		          "refused a connection addr=%s unanswered: it holds %d already and "
		          "%d more are being answered 503 (web.connections_per_address)", addr,
		          w->cfg->web_connections_per_address, WEB_REFUSALS_PER_ADDRESS);
	return ok ? MHD_YES : MHD_NO;
}

/* An open connection (its socket_context): its address's count, and the header deadline.
 * MHD tells CLOSED before it closes the socket, and the watchdog shuts a socket down only
 * under conn_lock while its entry is listed, so it never touches a number reused. */
struct web_conn {
	char addr[64];
	int fd;
	bool counted;            /* in conns (not a trusted proxy) */
	bool refuse;             /* over its address's share: its request is answered 503 */
	bool waiting;            /* no request's headers yet since it opened or last answered */
	bool shut;               /* the deadline ended it */
	double since;            /* monotonic seconds: opened, or last answered */
	struct web_conn *prev, *next;
};

static double
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Counts a connection's address while it is open, and lists it for the header deadline. */
static void
on_connection(void *cls, struct MHD_Connection *con, void **socket_context,
              enum MHD_ConnectionNotificationCode toe)
{
	struct web *w = cls;
	const union MHD_ConnectionInfo *ci;
	struct web_conns *c;
	struct web_conn *k;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		k = xcalloc(1, sizeof(*k));
		ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		sockaddr_text(ci ? ci->client_addr : NULL, k->addr, sizeof(k->addr));
		ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CONNECTION_FD);
		k->fd = ci ? ci->connect_fd : -1;
		k->counted = !trusted_proxy(w, k->addr);
		k->waiting = true;
		k->since = mono_now();
		pthread_mutex_lock(&w->conn_lock);
		if (k->counted) {
			c = conns_find(w, k->addr, true);
			if (c->n < (unsigned)w->cfg->web_connections_per_address) {
				c->n++;
			} else {
				c->refusing++;
				k->refuse = true;
			}
		}
		k->next = w->open_conns;
		if (w->open_conns)
			w->open_conns->prev = k;
		w->open_conns = k;
		pthread_mutex_unlock(&w->conn_lock);
		*socket_context = k;
		return;
	}
	if ((k = *socket_context) == NULL)
		return;
	pthread_mutex_lock(&w->conn_lock);
	if (k->counted && (c = conns_find(w, k->addr, false)) != NULL) {
		if (k->refuse)
			c->refusing--;
		else
			c->n--;
		if (c->n == 0 && c->refusing == 0)
			*c = w->conns[--w->nconns]; /* the last fills the gap: the table stays small */
	}
	if (k->prev)
		k->prev->next = k->next;
	else
		w->open_conns = k->next;
	if (k->next)
		k->next->prev = k->prev;
	pthread_mutex_unlock(&w->conn_lock);
	free(k);
	*socket_context = NULL;
}

/* Marks a connection's request as having its headers (waiting false), or as answered and
 * waiting for the next one's (true, the deadline from now). */
static void
conn_waiting(struct web *w, struct MHD_Connection *con, bool waiting)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(con, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct web_conn *k = ci ? ci->socket_context : NULL;

	if (k == NULL)
		return;
	pthread_mutex_lock(&w->conn_lock);
	k->waiting = waiting;
	k->since = mono_now();
	pthread_mutex_unlock(&w->conn_lock);
}

/* Whether the connection is one over its address's share, to be answered 503. */
static bool
conn_refused(struct MHD_Connection *con)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(con, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	const struct web_conn *k = ci ? ci->socket_context : NULL;

	return k != NULL && k->refuse; /* set before the connection's first request: no lock */
}

/* The header deadline: once a second, a connection that has been sending one request's
 * headers (or keeping an answered connection idle) for longer than web.header_timeout is
 * shut down; its thread then sees the end and MHD closes it. The idle timeout alone never
 * fires for a client that sends a byte now and then. */
static void *
watchdog_main(void *arg)
{
	struct web *w = arg;
	struct timespec ts;

	pthread_mutex_lock(&w->conn_lock);
	while (!w->stopping) {
		double now = mono_now();

		for (struct web_conn *k = w->open_conns; k; k = k->next)
			if (k->waiting && !k->shut && k->fd >= 0 &&
			    now - k->since > (double)w->cfg->web_header_timeout) {
				shutdown(k->fd, SHUT_RDWR);
				k->shut = true;
				log_warnx(w->log_level, "web",
				          "closed a connection addr=%s: no whole request within "
				          "%d s (web.header_timeout)", k->addr, w->cfg->web_header_timeout);
			}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&w->watch_wake, &w->conn_lock, &ts);
	}
	pthread_mutex_unlock(&w->conn_lock);
	return NULL;
}

/* The first call of a request: what it is, whether it may send a body at all. */
static struct req *
req_new(struct web *w, struct MHD_Connection *con, const char *url, const char *method)
{
	struct req *r = xcalloc(1, sizeof(*r));
	const char *q;

	r->w = w;
	r->con = con;
	r->file_fd = -1;
	r->method = strcmp(method, "GET") == 0 ? "GET" : strcmp(method, "HEAD") == 0 ? "HEAD"
	          : strcmp(method, "POST") == 0 ? "POST" : "OTHER";
	r->post = strcmp(r->method, "POST") == 0;
	q = strchr(url, '?');
	r->path = xstrndup(url, q ? (size_t)(q - url) : strlen(url));
	client_addr(w, con, r->addr, sizeof(r->addr));
	return r;
}

static int
arrival_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	return store_clock_get(txn, arg, e);
}

/* When a POST's body is complete: the instant a submission is dated by (review 11b, H2: a
 * county whose request was here before the deadline is on time, however long it then
 * waits for an engine or for the store's writer). A read transaction, which waits for no
 * writer; a virtual store's now is its clock as `advance` last committed it. */
static void
arrival(struct req *r, struct store *store)
{
	struct store_clock c;
	struct dberr e;

	dberr_clear(&e);
	r->arrived_ms = engine_monotonic_ms();
	if (store_read(store, arrival_txn, &c, &e) != 0) {
		log_warnx(r->w->log_level, "web",
		          "reading the clock at a request's arrival: %s", e.msg);
		return;
	}
	r->arrived = c.mode == STORE_CLOCK_VIRTUAL ? c.now : engine_wall_clock();
	r->arrived_ok = true;
}

/* 413 for a body over web.upload_limit, naming the limit, so a county knows what to get
 * under (review 11d, W6). */
static void
too_large(struct req *r)
{
	size_t lim = r->w->cfg->web_upload_limit;
	char *msg = lim % ((size_t)1 << 20) == 0
	          ? xasprintf("上传内容超过 %zu MB 的上限，未保存任何内容。请压缩文件或分次报送，每次合计"
	                      "不超过 %zu MB。", lim >> 20, lim >> 20)
	          : xasprintf("上传内容超过 %zu KB 的上限，未保存任何内容。请压缩文件或分次报送，每次合计"
	                      "不超过 %zu KB。", lim >> 10, lim >> 10);

	req_error(r, 413, msg);
	free(msg);
}
static enum MHD_Result
on_request(void *cls, struct MHD_Connection *con, const char *url, const char *method,
           const char *version, const char *upload_data, size_t *upload_data_size,
           void **con_cls)
{
	struct web *w = cls;
	struct req *r = *con_cls;
	struct web_worker *k;
	struct dberr e;

	(void)version;
	if (r == NULL) {
		unsigned nheaders = 0;
		const char *cl, *ct;

		r = req_new(w, con, url, method);
		*con_cls = r;
		conn_waiting(w, con, false); /* its headers are here: no deadline for the body */
		MHD_get_connection_values(con, MHD_HEADER_KIND, count_header, &nheaders);
		if (nheaders > MAX_HEADERS) {
			req_error(r, 431, "请求头数量超过限制。");
			return respond(con, r);
		}
		if (conn_refused(con)) {
			char msg[256];

			log_warnx(w->log_level, "web",
			          "refused a connection addr=%s with 503: it holds %d already "
			          "(web.connections_per_address)", r->addr,
			          w->cfg->web_connections_per_address);
			snprintf(msg, sizeof(msg), "您所在的网络地址同时打开的连接过多（每个地址最多 %d 个），"
			         "请稍候 %d 秒再刷新页面。", w->cfg->web_connections_per_address,
			         WEB_RETRY_AFTER);
			req_error(r, 503, msg);
			r->retry_after = WEB_RETRY_AFTER;
			r->close = true;
			return respond(con, r);
		}
		if (strcmp(r->method, "OTHER") == 0) {
			req_error(r, 405, NULL);
			return respond(con, r);
		}
		cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Length");
		if (cl != NULL && strtoull(cl, NULL, 10) > w->cfg->web_upload_limit) {
			/* answered before a byte of the body is read: nothing is stored */
			r->too_large = true;
			too_large(r);
			return respond(con, r);
		}
		ct = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Type");
		if (r->post && ct != NULL && strncasecmp(ct, "multipart/form-data", 19) == 0)
			r->mp = web_mp_new(ct, &mp_cb, r); /* NULL (no boundary): a bad body */
		else if (r->post && ct != NULL &&
		         strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0)
			r->pp = MHD_create_post_processor(con, 16 * 1024, post_iter, r);
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		r->body_bytes += *upload_data_size;
		if (r->body_bytes > w->cfg->web_upload_limit && !r->too_large) {
			r->too_large = true;
			upload_discard(r);
		}
		if (!r->too_large && !r->bad_body) {
			if (r->mp != NULL) {
				if (web_mp_feed(r->mp, upload_data, *upload_data_size) != 0)
					r->bad_body = true;
			} else if (r->pp == NULL) {
				r->bad_body = true;
			} else if (MHD_post_process(r->pp, upload_data, *upload_data_size) != MHD_YES) {
				r->bad_body = true;
			}
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	/* the whole request is here */
	if (r->too_large) {
		upload_discard(r);
		too_large(r);
		return respond(con, r);
	}
	if (r->mp != NULL && !r->bad_body && web_mp_finish(r->mp) != 0)
		r->bad_body = true;
	upload_end(r);
	if (r->bad_body) {
		char msg[400];

		upload_discard(r);
		/* which part and why, when the multipart reader knows: the county can rename the
		 * file it chose, or tell the officer what the page said */
		snprintf(msg, sizeof(msg), "无法读取提交的内容%s%s本次报送未保存任何内容。",
		         r->mp && *web_mp_error(r->mp) ? "：" : "（字段过多、过长或格式不符）。",
		         r->mp ? web_mp_error(r->mp) : "");
		req_error(r, 400, msg);
		return respond(con, r);
	}
	if (r->post)
		arrival(r, engine_store(w->workers[0].en));
	if (r->post && strcmp(r->path, "/login") == 0)
		web_login_check(r, engine_store(w->workers[0].en)); /* Argon2id, holding no engine */
	dberr_clear(&e);
	k = worker_take(w, r->post);
	r->en = k->en;
	engine_set_actor(r->en, NULL);
	if (refresh(k, &e) != 0 || web_auth(r, &e) != 0) {
		log_warnx(r->w->log_level, "web", "auth failed: %s", e.msg);
		req_error(r, 503, "存储暂时不可用，请稍后重试。");
	} else {
		route(r);
	}
	engine_set_actor(r->en, NULL);
	r->en = NULL;
	worker_give(w, k);
	if (strcmp(r->method, "HEAD") == 0)
		buf_reset(&r->out.b);
	return respond(con, r);
}

/* ---- start-up: the listen address, the secret, the folders ---- */

static int
parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len, struct dberr *e)
{
	char host[128];
	const char *colon;
	uint64_t port;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (rb == NULL || rb[1] != ':' || (size_t)(rb - s - 1) >= sizeof(host))
			goto bad;
		memcpy(host, s + 1, (size_t)(rb - s - 1));
		host[rb - s - 1] = '\0';
		colon = rb + 1;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
			goto bad;
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = '\0';
	}
	/* digits only (num.h), as every number dabiao reads: strtol took "+8080" and " 8080",
	 * and the log then said it listened on "127.0.0.1:+8080" (review 13e, E10) */
	if (!num_u64_in(colon + 1, 0, 65535, &port))
		goto bad;
	if (strcmp(host, "localhost") == 0)
		snprintf(host, sizeof(host), "127.0.0.1");
	{
		struct sockaddr_in *in = (struct sockaddr_in *)(void *)ss;
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)(void *)ss;

		if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
			in->sin_family = AF_INET;
			in->sin_port = htons((uint16_t)port);
			*len = sizeof(*in);
			return 0;
		}
		if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
			in6->sin6_family = AF_INET6;
			in6->sin6_port = htons((uint16_t)port);
			*len = sizeof(*in6);
			return 0;
		}
	}
bad:
	return dberr_set(e, DB_EUSAGE, "--listen must be HOST:PORT with a numeric address "
	                 "(127.0.0.1:8080, [::1]:8080), not '%s'", s);
}

static int
make_dir(const char *path, struct dberr *e)
{
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return dberr_set(e, DB_EIO, "cannot create folder %s: %s", path, strerror(errno));
	return 0;
}

static int
hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	     : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The key of the links' form tokens: 64 hex digits in a 0600 file, made when missing. */
static int
load_secret(struct web *w, const char *path, struct dberr *e)
{
	char text[80];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT) {
		char hex[65];

		web_random_hex(hex, 32);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 || write(fd, hex, 64) != 64 || write(fd, "\n", 1) != 1 || fsync(fd) != 0) {
			int err = errno;

			if (fd >= 0)
				close(fd);
			return dberr_set(e, DB_EIO, "cannot write the web secret %s: %s", path,
			                 strerror(err));
		}
		close(fd);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0)
		return dberr_set(e, DB_EIO, "cannot read the web secret %s: %s", path,
		                 strerror(errno));
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 64)
		return dberr_set(e, DB_EIO, "web secret %s: expected 64 hex digits", path);
	for (int i = 0; i < 32; i++) {
		int hi = hexval(text[2 * i]), lo = hexval(text[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return dberr_set(e, DB_EIO, "web secret %s: expected 64 hex digits", path);
		w->secret[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/* A PEM file for the library's TLS, whole, NUL-terminated (what MHD_OPTION_HTTPS_MEM_*
 * take). Errors: DB_ECONFIG naming the key and the path. */
static int
read_pem(const char *path, const char *what, char **out, struct dberr *e)
{
	struct buf b = BUF_INIT;
	char chunk[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return dberr_set(e, DB_ECONFIG, "%s %s: %s", what, path, strerror(errno));
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || b.len + (size_t)n > (1u << 20)) {
			int err = n < 0 ? errno : EFBIG;

			close(fd);
			if (b.len)
				sodium_memzero(b.data, b.len);
			buf_release(&b);
			return dberr_set(e, DB_ECONFIG, "%s %s: %s", what, path, strerror(err));
		}
		buf_append(&b, chunk, (size_t)n);
	}
	close(fd);
	sodium_memzero(chunk, sizeof(chunk));
	if (strstr(buf_str(&b), "-----BEGIN ") == NULL) {
		if (b.len)
			sodium_memzero(b.data, b.len);
		buf_release(&b);
		return dberr_set(e, DB_ECONFIG, "%s %s: not a PEM file", what, path);
	}
	*out = xstrdup(buf_str(&b));
	sodium_memzero(b.data, b.len); /* a key: no copy left behind in freed memory */
	buf_release(&b);
	return 0;
}

static void
print_url(const struct web_opts *o, const struct web *w, const struct sockaddr_storage *ss,
          const char *listen)
{
	(void)ss;
	/* without it the notices carry no submit link and receipts no address: the counties'
	 * way in is gone without a word (review 11c, m11), so it is said even when quiet */
	if (w->cfg->web_base_url == NULL)
		log_warnx(w->log_level, "web",
		          "web.base_url is not set: notices carry no submit links and "
		          "receipts no address (docs/web.md, \"Configuration\")");
	if (o->quiet)
		return;
	if (w->cfg->web_base_url)
		printf("dabiao web: serving %s (listening on %s)\n", w->cfg->web_base_url, listen);
	else
		printf("dabiao web: serving %s://%s/\n", w->cfg->web_tls_cert ? "https" : "http",
		       listen);
	if (o->banner)
		printf("%s\n", o->banner);
	fflush(stdout);
}

/* The engines: en itself and siblings on its store. */
static int
workers_open(struct web *w, struct engine *en, struct dberr *e)
{
	const size_t n = WEB_READ_ENGINES + WEB_WRITE_ENGINES;
	int rc = 0;

	w->workers = xcalloc(n, sizeof(*w->workers));
	w->workers[0].en = en;
	w->nworkers = 1;
	while (w->nworkers < n && rc == 0)
		if ((rc = engine_open_sibling(en, &w->workers[w->nworkers].en, e)) == 0)
			w->nworkers++;
	for (size_t i = 0; i < w->nworkers; i++)
		w->workers[i].writes = i >= WEB_READ_ENGINES;
	return rc;
}

/* Bytes of the files kept under dir/XX/ (the content addresses; tmp/ is not kept). */
static uint64_t
kept_bytes(const char *dir)
{
	DIR *d = opendir(dir), *sub;
	struct dirent *de, *fe;
	uint64_t n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char *path;

		if (strlen(de->d_name) != 2 || strcmp(de->d_name, "..") == 0)
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if ((sub = opendir(path)) != NULL) {
			while ((fe = readdir(sub)) != NULL) {
				struct stat st;

				if (fe->d_name[0] != '.' && fstatat(dirfd(sub), fe->d_name, &st, 0) == 0 &&
				    S_ISREG(st.st_mode))
					n += (uint64_t)st.st_size;
			}
			closedir(sub);
		}
		free(path);
	}
	closedir(d);
	return n;
}

static void
web_release(struct web *w)
{
	web_commit_stop(w);
	pthread_mutex_destroy(&w->commit_lock);
	pthread_cond_destroy(&w->commit_wake);
	pthread_cond_destroy(&w->commit_done);
	for (size_t i = 1; i < w->nworkers; i++)
		engine_close(w->workers[i].en);
	free(w->workers);
	dash_release(w->dash);
	free(w->files_dir);
	pthread_mutex_destroy(&w->argon_lock);
	web_rate_release(&w->submits);
	pthread_mutex_destroy(&w->dash_lock);
	pthread_cond_destroy(&w->dash_done);
	pthread_mutex_destroy(&w->pool_lock);
	pthread_cond_destroy(&w->pool_free);
	pthread_mutex_destroy(&w->deliver_lock);
	pthread_mutex_destroy(&w->proof_lock);
	pthread_mutex_destroy(&w->verify_lock);
	audit_tree_free(w->proof_tree);
	pthread_mutex_destroy(&w->conn_lock);
	pthread_cond_destroy(&w->watch_wake);
	pthread_mutex_destroy(&w->files_lock);
	pthread_mutex_destroy(&w->place_lock);
	free(w->placing);
	pthread_cond_destroy(&w->argon_free);
	free(w->conns);
}

int
web_serve(struct engine *en, const struct web_opts *o, struct dberr *e)
{
	struct web w;
	struct sockaddr_storage ss;
	socklen_t sslen = 0;
	struct MHD_Daemon *d = NULL;
	struct MHD_OptionItem tls[4] = {{MHD_OPTION_END, 0, NULL}, {MHD_OPTION_END, 0, NULL},
	                                {MHD_OPTION_END, 0, NULL}, {MHD_OPTION_END, 0, NULL}};
	/* a thread per connection: a request waiting for the store's writer holds up its own
	 * connection only (poll for the listening thread: epoll cannot go with it) */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
	                 MHD_USE_POLL | MHD_USE_ERROR_LOG;
	sigset_t set;
	pthread_t watchdog;
	bool watching = false;
	char *secret_path = NULL, *tmp = NULL, *cert = NULL, *key = NULL;
	int rc, sig;

	memset(&w, 0, sizeof(w));
	w.log_level = engine_log_level(en);
	pthread_mutex_init(&w.argon_lock, NULL);
	pthread_mutex_init(&w.submits.lock, NULL);
	pthread_mutex_init(&w.dash_lock, NULL);
	pthread_cond_init(&w.dash_done, NULL);
	pthread_mutex_init(&w.pool_lock, NULL);
	pthread_cond_init(&w.pool_free, NULL);
	pthread_mutex_init(&w.deliver_lock, NULL);
	pthread_mutex_init(&w.proof_lock, NULL);
	pthread_mutex_init(&w.verify_lock, NULL);
	w.proof_tree = audit_tree_new();
	pthread_mutex_init(&w.conn_lock, NULL);
	pthread_cond_init(&w.watch_wake, NULL);
	pthread_mutex_init(&w.files_lock, NULL);
	pthread_mutex_init(&w.place_lock, NULL);
	pthread_cond_init(&w.argon_free, NULL);
	pthread_mutex_init(&w.commit_lock, NULL);
	pthread_cond_init(&w.commit_wake, NULL);
	pthread_cond_init(&w.commit_done, NULL);
	if (sodium_init() < 0) {
		rc = dberr_set(e, DB_ESOFTWARE, "libsodium cannot initialise");
		goto out;
	}
	w.cfg = engine_config(en);
	w.secure = w.cfg->web_base_url && strncmp(w.cfg->web_base_url, "https:", 6) == 0;
	if ((rc = parse_listen(o->listen, &ss, &sslen, e)) != 0)
		goto out;
	/* the library makes an IPv4 socket unless told (an IPv6 address then failed to bind:
	 * "Address family not supported"); [::] serves both families, IPv4 clients arriving
	 * as ::ffff:a.b.c.d (addr_text writes them as IPv4) */
	if (ss.ss_family == AF_INET6)
		flags |= IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *)(void *)&ss)->sin6_addr)
		             ? MHD_USE_DUAL_STACK : MHD_USE_IPv6;
	w.files_dir = xasprintf("%s/files", store_dir(engine_store(en)));
	tmp = xasprintf("%s/tmp", w.files_dir);
	if ((rc = make_dir(w.files_dir, e)) != 0 || (rc = make_dir(tmp, e)) != 0)
		goto out;
	w.files_bytes = kept_bytes(w.files_dir);
	secret_path = w.cfg->web_secret_file ? xstrdup(w.cfg->web_secret_file)
	                                     : xasprintf("%s/web-secret",
	                                                 store_dir(engine_store(en)));
	if ((rc = load_secret(&w, secret_path, e)) != 0 || (rc = workers_open(&w, en, e)) != 0)
		goto out;
	/* an unknown login is checked against this, so it costs what a real one does */
	if (crypto_pwhash_str_alg(w.dummy_hash, "dabiao-no-such-account", 22,
	                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                          crypto_pwhash_MEMLIMIT_INTERACTIVE,
	                          crypto_pwhash_ALG_ARGON2ID13) != 0)
		w.dummy_hash[0] = '\0';
	/* SIGINT and SIGTERM are blocked here before the library's threads start (they inherit
	 * the mask) and taken by this thread alone; stopping lets the requests in hand end */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (w.cfg->web_tls_cert != NULL) {
		/* HTTPS in the library (GnuTLS), for a site without a reverse proxy */
		if ((rc = read_pem(w.cfg->web_tls_cert, "web.tls_cert", &cert, e)) != 0 ||
		    (rc = read_pem(w.cfg->web_tls_key, "web.tls_key", &key, e)) != 0)
			goto out;
		tls[0] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, cert};
		tls[1] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, key};
		/* TLS 1.2 and 1.3 only, as deploy/nginx-dabiao.conf serves (GnuTLS's NORMAL still
		 * took 1.0 and 1.1: review 11b, m4) */
		tls[2] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_PRIORITIES, 0,
		                                 (void *)"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"};
		flags |= MHD_USE_TLS;
		w.secure = true;
	}
	if ((rc = web_commit_start(&w, e)) != 0)
		goto out;
	d = MHD_start_daemon(flags, 0, on_accept, &w, on_request, &w,
	                     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	                     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
	                     MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
	                     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
	                     MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
	                     MHD_OPTION_NOTIFY_COMPLETED, on_completed, &w,
	                     MHD_OPTION_NOTIFY_CONNECTION, on_connection, &w,
	                     MHD_OPTION_ARRAY, tls, MHD_OPTION_END);
	if (d == NULL) {
		rc = cert ? dberr_set(e, DB_ECONFIG, "cannot serve HTTPS on %s: the address is in "
		                      "use, or web.tls_cert %s and web.tls_key %s are not a PEM "
		                      "certificate and its key", o->listen, w.cfg->web_tls_cert,
		                      w.cfg->web_tls_key)
		          : dberr_set(e, DB_ECANTCREAT, "cannot listen on %s (in use, or not an "
		                      "address of this machine)", o->listen);
		goto out;
	}
	if (pthread_create(&watchdog, NULL, watchdog_main, &w) != 0) {
		rc = dberr_set(e, DB_ETEMP, "cannot start the web's header watchdog");
		goto out;
	}
	watching = true;
	log_info(w.log_level, "web", "listening addr=%s", o->listen);
	print_url(o, &w, &ss, o->listen);
	while (sigwait(&set, &sig) != 0)
		;
	log_info(w.log_level, "web", "stopping signal=%d", sig);
	rc = 0;
out:
	if (d)
		MHD_stop_daemon(d);
	if (watching) {
		pthread_mutex_lock(&w.conn_lock);
		w.stopping = true;
		pthread_cond_signal(&w.watch_wake);
		pthread_mutex_unlock(&w.conn_lock);
		pthread_join(watchdog, NULL);
	}
	if (key != NULL)
		sodium_memzero(key, strlen(key));
	free(key);
	free(cert);
	free(secret_path);
	free(tmp);
	web_release(&w);
	return rc;
}
