/*
 * web_int.h - private to engine/web/: the server's state, one request as the pages see it,
 * the HTML writer, who is asking, and the pages' entry points.
 *
 * server.c owns libmicrohttpd; nothing else here names its types. A page gets a struct
 * req with the method, the path, the query, the form fields and uploaded files already
 * read and bounded, and answers by filling the request's response fields.
 */
#ifndef DABIAO_WEB_INT_H
#define DABIAO_WEB_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "engine/report/report.h"
#include "engine/web/web.h"

#define WEB_SESSION_COOKIE "dabiao_session"
#define WEB_LOGIN_COOKIE "dabiao_login"
#define WEB_SESSION_SECONDS (12 * 3600)
#define WEB_ARGON_AT_ONCE 2          /* password checks (Argon2id) at once; more wait */
#define WEB_LOCK_FAILURES 5          /* failed logins for one account from one address ... */
#define WEB_LOCK_SECONDS (15 * 60)   /* ... within this many seconds lock that address out
                                        of that account until they pass (auth.c) */
#define WEB_ADDR_FAILURES 20         /* failed logins from one address within ... */
#define WEB_ADDR_WINDOW (15 * 60)    /* ... this many seconds: 429 until it passes */
#define WEB_THROTTLE_WINDOW (15 * 60) /* the longer of the two windows: a count older is
                                         expired and swept */
#define WEB_THROTTLE_KEYS 16384      /* counts the store keeps at most (store_throttle_put):
                                        two Argon2id at a time pass ~4 failures a second,
                                        ~7,200 keys in a window */
#define WEB_MAX_FIELDS 256
#define WEB_MAX_FIELD_BYTES (64 * 1024)
#define WEB_MAX_FILES 16
#define WEB_REFUSALS_PER_ADDRESS 4  /* connections over an address's share answered 503 at
                                       once; more are closed unanswered (server.c) */
#define WEB_RETRY_AFTER 10           /* seconds, the Retry-After of a 503 or a 429 */
#define WEB_PAGE 50                  /* tasks per page */
#define WEB_SCAN_BUDGET 200000       /* index entries one page may examine */
#define WEB_ARRIVAL_HOLD 600         /* seconds a submission may wait for its commit and
                                        still be dated when it arrived (act.c) */

/* ---- the HTML writer: every value goes through html_text/html_f's %s, escaped ----
 * Literal markup is accepted only as a string literal (the macros below concatenate it
 * with "" so anything else does not compile). */
struct html {
	struct buf b;
};
void html_lit_(struct html *h, const char *lit);
/* Escapes & < > " ' so the text is inert in element content and quoted attributes. */
void html_text(struct html *h, const char *s);
/* fmt is a literal; %s arguments are escaped, %d %u %ld %lld %zu %llu %% as printf. */
void html_f_(struct html *h, const char *fmt, ...);
#define H(h, lit) html_lit_((h), "" lit "")
#define HF(h, ...) html_f_((h), "" __VA_ARGS__)
/* A URL query component, percent-encoded (then HTML-escaped: it goes into attributes). */
void html_url(struct html *h, const char *s);

/* ---- who is asking ---- */
enum who_kind { WHO_NONE = 0, WHO_ACCOUNT, WHO_LINK };
struct who {
	enum who_kind kind;
	bool bearer;             /* authenticated by an API token: no CSRF token needed */
	char *login;             /* account login, or NULL */
	char *role;              /* plan role id */
	char *subject;           /* jurisdiction or enterprise id, or "" */
	char *name;              /* 姓名 (accounts) */
	bool office;             /* an office role: sees every task of its plans */
	char **plans;            /* an account's plans: those defining its role (review 11d,
	                            W13, 11e X6: another bureau's role is nobody here), owned */
	size_t nplans;
	bool every_plan;         /* an office of every plan in the store: the pages that sum
	                            up the whole store (reports, /api/audit) are its */
	bool per_enterprise;     /* per-enterprise role: sees only its own tasks */
	char csrf[65];           /* the form token for this session or link */
	char *session_hash;      /* the session's key, for logout */
	struct store_link link;  /* WHO_LINK: the link used */
	bool link_readonly;      /* WHO_LINK whose task is final or whose days passed: its
	                            page, receipts and proofs open, nothing is submitted */
	enum web_link_why {      /* why link_readonly */
		WEB_LINK_OPEN = 0, WEB_LINK_FINAL, WEB_LINK_EXPIRED, WEB_LINK_OWNER
	} link_why;
};
void who_release(struct who *w);

struct web_field {
	char *name;
	char *val;
};

struct web_upload {
	char *field;
	char *name;              /* as the browser sent it: metadata only */
	char *tmp;               /* DB/files/tmp/NNN while it arrives */
	int fd;
	void *md;                /* EVP_MD_CTX* */
	uint64_t size;
	char sha256[65];         /* once complete */
	bool in_flight;          /* placed or found in DB/files, counted until the request's
	                            commit ends (act.c, files_release) */
};

struct web;
struct web_worker;

struct req {
	struct web *w;
	/* The engine this request uses, its worker's own (server.c lends one for the
	 * request's last call, when it is answered): set only while a page runs. */
	struct engine *en;
	void *con;               /* struct MHD_Connection*, for server.c's accessors */
	const char *method;
	char *path;              /* decoded, without the query */
	bool post;
	char addr[64];           /* the client's address */
	char link_token[44];     /* web_link_token's */
	struct web_field *fields;
	size_t nfields;
	struct web_upload files[WEB_MAX_FILES];
	size_t nfiles;
	uint64_t body_bytes;
	bool too_large;          /* body over the upload limit: 413, nothing kept */
	bool bad_body;           /* too many fields, a field too long, a body we cannot read */
	void *pp;                /* struct MHD_PostProcessor* (URL-encoded forms) */
	struct web_mp *mp;       /* multipart/form-data */
	bool mp_in_file;         /* the part being read is a file */
	struct who who;
	/* POST /login, checked before an engine is borrowed (web_login_check) */
	enum { WEB_LOGIN_NONE = 0, WEB_LOGIN_CSRF, WEB_LOGIN_FIELDS, WEB_LOGIN_THROTTLED,
	       WEB_LOGIN_LOCKED, WEB_LOGIN_CHECKED } login_pre;
	bool login_verified;     /* CHECKED: the password matched the account */
	/* A POST's arrival: the store's clock (the wall clock, or a virtual store's now) when
	 * its body was complete, before it waited for an engine or the writer; a submission is
	 * dated then (act.c). arrived_ms: engine_monotonic_ms() then; arrived_ok: read. */
	int64_t arrived;
	int64_t arrived_ms;
	bool arrived_ok;
	/* the response */
	int status;
	const char *ctype;       /* static string */
	struct html out;
	char *location;          /* 303 target (a path), owned */
	char *cookie[2];         /* Set-Cookie values, owned */
	char *disposition;       /* Content-Disposition, owned */
	int retry_after;         /* seconds for Retry-After, or 0: none */
	bool close;              /* Connection: close after the answer */
	int file_fd;             /* a file answer instead of out, or -1 */
	uint64_t file_size;
	char file_sha[65];       /* a submitted file's recorded sha256: hashed again as it is
	                            sent, its last block withheld if the bytes differ; or "" */
};

/* server.c: what a page may read of its request */
const char *req_query(const struct req *r, const char *name);   /* NULL when absent */
const char *req_header(const struct req *r, const char *name);
const char *req_cookie(const struct req *r, const char *name);
const char *req_field(const struct req *r, const char *name);   /* the first, or NULL */
struct engine *req_engine(const struct req *r);
/* Answers: a page (status, the layout around body), a redirect, an error page, JSON. */
void req_redirect(struct req *r, const char *path);
void req_error(struct req *r, int status, const char *msg);
void req_json(struct req *r, int status);      /* out holds JSON already */

/* Counts per key (a link, an account and task) within a window of seconds, kept by the web
 * process (a restart forgets it; the login lockout, which must survive one, is in the
 * store: store_throttle_*). Every key seen within its window is kept — a slot is reused
 * only once its window has passed — up to WEB_RATE_KEYS keys, past which the oldest window
 * makes room. */
#define WEB_RATE_KEYS 65536
struct web_rate {
	pthread_mutex_t lock;
	struct web_rate_slot {
		char key[72];
		int64_t since;       /* wall-clock seconds the window began */
		unsigned n;
		bool told;           /* the first refusal of this window was audited */
	} *slot;
	size_t nslot, capslot;
};
/* The count of key within window seconds of now after adding add; *first_over (may be
 * NULL) is set when the count passed limit with this call for the first time in the
 * window (what to audit once). */
unsigned web_rate_count(struct web_rate *rt, const char *key, int64_t now, int64_t window,
                        unsigned add, unsigned limit, bool *first_over);
void web_rate_release(struct web_rate *rt);
/* The key a client address is counted under: an IPv6 address by its /64 (one subscriber's
 * network: a client has 2^64 addresses to rotate through), any other as it is. */
void web_addr_key(const char *addr, char out[64]);

/* The server's state shared by the pages and by every worker thread (server.c defines
 * it). What is set at start-up is read-only afterwards; what changes is under a lock. */
struct web {
	const struct config *cfg;
	enum log_level log_level;  /* the command's verbosity (engine_log_level): every line
	                              the server logs names it */
	char *files_dir;         /* DB/files, 0700 */
	unsigned char secret[32];
	bool secure;             /* base_url is https: cookies are Secure */
	char dummy_hash[128];    /* an Argon2id hash to check unknown logins against, so
	                            their answer takes as long as a real one's ("" if none) */
	/* failed logins per client address and per account and address (the lockout) are
	 * counted in the store (auth.c), so a restart keeps them */
	pthread_mutex_t argon_lock;
	unsigned argon_running;  /* password checks running now, under argon_lock */
	pthread_cond_t argon_free; /* one ended */
	struct web_rate submits; /* submissions per link, or per account and task */
	/* the dashboard's counts, recomputed when the audit log or the hour moves, by one
	 * worker at a time while the others draw the counts before (pages.c) */
	pthread_mutex_t dash_lock;
	pthread_cond_t dash_done;  /* a recomputation ended */
	bool dash_computing;
	uint64_t dash_seq;
	int64_t dash_hour;
	double dash_at, dash_cost; /* monotonic seconds: when computed, and what it took */
	struct dash *dash;
	/* the engines the worker threads take turns with (server.c) */
	pthread_mutex_t pool_lock;
	pthread_cond_t pool_free;
	struct web_worker *workers;
	size_t nworkers;
	pthread_mutex_t deliver_lock; /* one delivery after an action at a time */
	/* the audit tree kept between proof pages (audit_tree_prove): one proof at a time
	 * reads what the log gained since the last, so a proof costs O(log n), not the log */
	pthread_mutex_t proof_lock;
	struct audit_tree *proof_tree;
	pthread_mutex_t verify_lock;  /* one 立即验证 at a time (it reads every file) */
	/* open connections per client address (web.connections_per_address; a trusted proxy
	 * is not counted), so one client cannot hold every connection the server takes */
	pthread_mutex_t conn_lock;
	struct web_conns {
		char addr[64];
		unsigned n;          /* served */
		unsigned refusing;   /* over the share, being answered 503 */
	} *conns;
	size_t nconns, capconns;
	/* every open connection, for the header deadline (web.header_timeout): a watchdog
	 * thread ends those that trickle a request's headers for longer (server.c) */
	struct web_conn *open_conns;
	pthread_cond_t watch_wake;
	bool stopping;
	/* bytes of the files kept in files_dir, counted at start and as files are added
	 * (web.files_limit); under files_lock */
	pthread_mutex_t files_lock;
	uint64_t files_bytes;
	/* the files of submissions between placing and commit, by hash (act.c): placing them
	 * and ending a request's use of them are under place_lock, the commit is not */
	pthread_mutex_t place_lock;
	struct web_placing *placing;
	size_t nplacing, capplacing;
	/* the submissions' writes, queued for the committing thread, which commits what is
	 * queued in one group (commit.c) */
	pthread_mutex_t commit_lock;
	pthread_cond_t commit_wake;  /* something was queued, or stopping */
	pthread_cond_t commit_done;  /* a group ended */
	struct web_commit *commit_head, *commit_tail;
	bool commit_stop, committing;
	pthread_t committer;
};
/* The token of the link a WHO_LINK request came by (the 43 characters after /s/ in its
 * path), NUL-terminated in a buffer of r's. */
const char *web_link_token(struct req *r);
/* Marks the dashboard's counts stale after this process wrote something. */
void web_dash_stale(struct web *w);

/* ---- commit.c: the web's writes grouped into one synced commit ---- */
/* Starts the committing thread (web_commit_stop ends it, after every request has ended:
 * a request waiting in web_write needs it). Errors: DB_ETEMP. */
int web_commit_start(struct web *w, struct dberr *e);
void web_commit_stop(struct web *w);
/* engine_write of fn with r's engine, committed in a group with the writes other requests
 * queued meanwhile; returns when the group is durable, fn's result (or the group's
 * failure) with e filled. fn may run again (map growth) and must not act outside txn. */
int web_write(struct req *r, store_fn fn, void *arg, struct dberr *e);

/* ---- auth.c ---- */
void web_random_hex(char *out, size_t bytes);   /* 2*bytes hex + NUL */
void web_random_token(char *out);                /* 43 base64url characters + NUL */
bool web_ct_equal(const char *a, const char *b); /* constant time for equal lengths */
/* Resolves who is asking from the session cookie, a bearer token or (under /s/) a link
 * token; leaves WHO_NONE when nothing valid was given. Errors: the store's. */
int web_auth(struct req *r, struct dberr *e);
/* True when a POST carries the right form token (field csrf or header X-CSRF-Token). */
bool web_csrf_ok(const struct req *r);
/* What a who may do with a task. */
bool web_can_see(const struct who *w, const struct store_task *t);
bool web_can_submit(struct engine *en, const struct who *w, const struct store_task *t);
bool web_can_review(const struct who *w);
/* Is w an account of plan (one whose role that plan defines)? An office of it? */
bool web_plan_of(const struct who *w, const char *plan);
bool web_office_of(const struct who *w, const char *plan);
/* A plan role's kind: 'o' office, 'j' per jurisdiction, 'e' per enterprise; 0 unknown. */
char web_role_kind(struct engine *en, const char *role);
/* The actor audit records name for w: web:LOGIN or link:ROLE/SUBJECT:NAME. Caller frees. */
char *web_actor(const struct who *w, const char *typed_name);

/* A login's checks that need no engine, the password's (Argon2id) among them; the verdict
 * in r->login_pre and r->login_verified. Called by server.c before it lends an engine. */
void web_login_check(struct req *r, struct store *store);
void page_login(struct req *r);
void page_login_post(struct req *r);
void page_logout(struct req *r);

/* ---- pages.c: dashboard, task list, task page, review queue ---- */
void page_dashboard(struct req *r);
void page_tasks(struct req *r);
/* The task list as a page or as the API's JSON ({"tasks":[...],"next":CURSOR|null}). */
void web_tasks(struct req *r, bool json);
void web_task_json(struct buf *b, struct engine *en, const struct store_task *t);
void page_task(struct req *r, const char *key);
void page_review(struct req *r);
void page_link(struct req *r, const char *token);   /* GET /s/TOKEN */

/* ---- act.c: submissions, uploads, reviews, extensions, files, receipts ---- */
void act_submit(struct req *r, const char *key);     /* POST /tasks/KEY/submit */
void act_link_submit(struct req *r, const char *token);
/* POST /s/TOKEN/reissue: a link past its days, of a task the owner can still hand in, asks
 * for a fresh one, sent to the owner's addresses (review11g S11); once an hour a task. */
void act_link_reissue(struct req *r, const char *token);
void act_review(struct req *r, const char *key);     /* POST /tasks/KEY/review */
void act_extend(struct req *r);                      /* POST /extend */
void act_revoke(struct req *r, const char *key);     /* POST /tasks/KEY/revoke */
/* POST /tasks/KEY/event: an office records a lifecycle event (`dabiao event`: fields
 * event, reason, note, at) — review 11g, S13 */
void act_event(struct req *r, const char *key);
/* Whether event is one an office records on the task page in lifecycle state st: the
 * lifecycle's own events the state allows, not submit, accept or return (their own
 * forms). */
struct plan_lifecycle;
bool web_office_event(const struct plan_lifecycle *lc, int st, const char *event);
void page_file(struct req *r, const char *key, const char *sha);
/* After an action's write: a refusal by the engine (state, data, usage) is 409 with its
 * message, another failure 503; on success what it queued is delivered (as the engine,
 * not the account) and the answer is a 303 to back. */
/* refused: the page's words when the engine refuses the action's values (DB_EDATA,
 * DB_EUSAGE), the action's own; NULL for a general one. */
void web_after_action(struct req *r, int rc, struct dberr *e, const char *back,
                      const char *refused);
/* 0 when the asker may see (and with need_submit, submit) the task; else 403/404/503. */
int act_check(struct req *r, const char *key, bool need_submit);
/* A form's text: UTF-8, at most max characters (UTF8_LINE_MAX, UTF8_PARA_MAX: the command
 * line's bounds), no control characters (C0, C1, DEL; line breaks and tabs allowed unless
 * one_line) nor invisible or bidirectional ones (utf8_invisible_name, U+061C); required:
 * not empty nor only blanks. */
bool web_text_ok(const char *s, size_t max, bool one_line, bool required);
/* The files of a submission's audit details, as download links. */
void act_files_list(struct req *r, const char *details, const char *key);
/* The receipt of submission record seq (of task), inside an open snapshot. */
void act_receipt_body(struct req *r, struct store_txn *txn, uint64_t seq, const char *task);
void page_receipt(struct req *r, uint64_t seq);
/* When a task.submit record says the submission was received (its `at`: the request's
 * arrival on the web, docs/web.md "When a submission counts"), else the record's time. */
int64_t submit_received(struct req *r, const struct store_audit *a);
void page_proof(struct req *r, uint64_t seq);
/* Upload plumbing for server.c: a new file field, its data, its end. */
int upload_begin(struct req *r, const char *field, const char *filename);
int upload_data(struct req *r, const char *data, size_t n);
void upload_end(struct req *r);
void upload_discard(struct req *r);                  /* unlinks what is not kept */

/* ---- receipt.c: a receipt's own address, its signed checkpoint and proof ---- */
struct audit_frontier;
/* The receipt's token: HMAC-SHA256 of "receipt:SEQ" under the server's secret, base64url
 * (43 characters and a NUL). Cannot fail. */
void web_receipt_token(const struct web *w, uint64_t seq, char out[44]);
/* "/r/SEQ/TOKEN": the receipt's page, open to whoever holds it, whatever became of the
 * link or the task (caller frees). Cannot fail. */
char *web_receipt_path(const struct web *w, uint64_t seq);
/* In the submission's transaction, its record seq appended after a log whose frontier was
 * before: the receipt's proof file (docs/audit.md "A receipt's proof") appended to out,
 * its checkpoint signed and kept. Errors: audit_prove_last's, the store's. */
int receipt_prove_new(struct engine *en, struct store_txn *txn,
                      const struct audit_frontier *before, uint64_t seq, struct buf *out,
                      struct dberr *e);
/* The receipt's address, signed checkpoint and proof, inside an open snapshot. */
void receipt_proof_html(struct req *r, struct store_txn *txn, uint64_t seq);
/* GET /r/SEQ/TOKEN (text: /r/SEQ/TOKEN/proof.txt, the proof file): 404 unless TOKEN is
 * SEQ's and SEQ a submission. */
void page_receipt_token(struct req *r, uint64_t seq, const char *token, bool text);

/* ---- multipart.c: multipart/form-data bodies, streamed (RFC 7578, RFC 6266's
 * Content-Disposition) ---- */
struct web_mp;
struct web_mp_cb {
	/* A part begins: its field name, and its file name (NULL: a plain field; "" a file
	 * field with no file chosen). Non-zero refuses the body. */
	int (*begin)(void *arg, const char *name, const char *filename);
	/* The part's data, in pieces. Non-zero refuses the body. */
	int (*data)(void *arg, const char *data, size_t n);
};
/* A parser for a body of content_type (its boundary), or NULL when it names none. */
struct web_mp *web_mp_new(const char *content_type, const struct web_mp_cb *cb, void *arg);
/* Reads n more bytes of the body. 0, or -1 with web_mp_error saying which part and why
 * (then the rest is ignored). */
int web_mp_feed(struct web_mp *m, const char *data, size_t n);
/* The body is all here: -1 (and the error) unless it ended with the closing boundary. */
int web_mp_finish(struct web_mp *m);
const char *web_mp_error(const struct web_mp *m);   /* "" while there is none */
void web_mp_free(struct web_mp *m);
/* One Content-Disposition value of a form's part: 0 and *name, *filename (NULL when the
 * part names no file; the caller frees both), or -1 with why (Chinese) written. */
int web_mp_disposition(const char *v, char **name, char **filename, char *why, size_t nwhy);

/* ---- warnings.c: conduct warnings (约谈/限批) and the decision on them ---- */
void page_warnings(struct req *r);                   /* GET /warnings */
void act_decide(struct req *r, const char *id);      /* POST /warnings/ID */

/* ---- api.c ---- */
void api_route(struct req *r, const char *rest);     /* /api/... */

/* ---- reports.c: report pages and downloads, calendar, audit state, charts ---- */
void page_reports(struct req *r);
void page_report_download(struct req *r, const char *what);
void page_calendar(struct req *r);
void page_audit(struct req *r);
void act_audit_verify(struct req *r);
void dash_release(struct dash *d);

/* ---- view.c: the layout and the words shared by the pages ---- */
void view_begin(struct req *r, const char *title);
void view_end(struct req *r);
const char *view_state(const char *state);           /* 未报送, 待审核, ... */
const char *view_notice_kind(const char *kind);      /* 到期提醒, 约谈预警, ... */
/* The period a task of plan's milestone covers, in words (2017年7月, （一次性）), as
 * words_period_zh gives it to notices and `status`. */
void view_period(struct req *r, const char *plan, const char *milestone, const char *period);
void view_time(struct req *r, int64_t t);            /* local date and time */
/* The subject's name from the registry, else (an office) its role's title, else its id.
 * Caller frees. */
char *view_subject_name(struct engine *en, struct store_txn *txn, const char *id);
/* The milestone's title, else its id (static storage of the plan). */
const char *view_milestone(struct engine *en, const char *plan, const char *milestone);
void view_task_link(struct req *r, const char *key, const char *text);
/* The task's sections by their titles in the plan, "、" between, for ids as a submission
 * records them ("a,b") or names the missing ones ("a、b"); an unknown id as it is. */
void view_sections(struct req *r, const char *plan, const char *milestone, const char *ids);
/* An audit record's actor in words: 网页账号 LOGIN, 姓名（role，通过报送链接）, 系统, or
 * 服务器命令行（user）. The machine form stays on the proof page. */
void view_actor(struct req *r, const char *actor);
/* A plan role's title, else its id. */
const char *view_role(struct engine *en, const char *role);
extern const char web_css[];

#endif
