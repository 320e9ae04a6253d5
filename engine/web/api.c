/*
 * api.c - the JSON API for the province's systems (docs/api.md): the task list and one
 * task, a submission (multipart, as on the pages), and the audit log since a sequence.
 * Authenticated by a bearer token (`dabiao user token`) or a session; a session's POST
 * needs the X-CSRF-Token header, a bearer's does not (browsers never send it on their own).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/xalloc.h"
#include "engine/audit/audit.h"
#include "engine/web/web_int.h"

#define API_AUDIT_MAX 1000

struct one_arg {
	struct req *r;
	const char *key;
	bool found;
	size_t n;
};

static int
history_cb(const struct store_audit *a, void *arg)
{
	struct one_arg *x = arg;
	struct buf *b = &x->r->out.b;

	buf_puts(b, x->n++ ? ",\n  " : "\n  ");
	audit_canonical(b, a);
	return 0;
}

static int
one_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct one_arg *x = arg;
	struct store_task t;
	int rc;

	if (store_task_get(txn, x->key, &t, e) != 0) {
		dberr_clear(e);
		return 0;
	}
	if (!web_can_see(&x->r->who, &t)) {
		store_task_release(&t);
		return 0;
	}
	x->found = true;
	buf_puts(&x->r->out.b, "{\"task\":");
	web_task_json(&x->r->out.b, x->r->en, &t);
	buf_puts(&x->r->out.b, ",\"audit\":[");
	rc = store_audit_task_each(txn, x->key, history_cb, x, e);
	buf_puts(&x->r->out.b, x->n ? "\n]}\n" : "]}\n");
	store_task_release(&t);
	return rc;
}

static void
api_task(struct req *r, const char *key)
{
	struct one_arg x = {r, key, false, 0};
	struct dberr e;

	dberr_clear(&e);
	if (store_read(engine_store(r->en), one_txn, &x, &e) != 0) {
		req_error(r, 503, "store unavailable");
		return;
	}
	if (!x.found) {
		req_error(r, 404, "no such task");
		return;
	}
	req_json(r, 200);
}

struct audit_arg {
	struct req *r;
	size_t n;
	uint64_t last;
};

static int
audit_cb(const struct store_audit *a, void *arg)
{
	struct audit_arg *x = arg;

	if (x->n == API_AUDIT_MAX)
		return 1;
	buf_puts(&x->r->out.b, x->n++ ? ",\n  " : "\n  ");
	audit_canonical(&x->r->out.b, a);
	x->last = a->seq;
	return 0;
}

static int
audit_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct audit_arg *x = arg;
	const char *since = req_query(x->r, "since");
	uint64_t from = since ? strtoull(since, NULL, 10) : 0; /* checked by api_audit */
	int rc;

	buf_puts(&x->r->out.b, "{\"records\":[");
	rc = store_audit_each(txn, from + 1, audit_cb, x, e);
	if (rc > 0)
		rc = 0;
	buf_printf(&x->r->out.b, "%s],\"size\":%llu,\"next\":", x->n ? "\n" : "",
	           (unsigned long long)store_audit_count(txn));
	if (x->n == API_AUDIT_MAX)
		buf_printf(&x->r->out.b, "%llu}\n", (unsigned long long)x->last);
	else
		buf_puts(&x->r->out.b, "null}\n");
	return rc;
}

static void
api_audit(struct req *r)
{
	struct audit_arg x = {r, 0, 0};
	const char *since;
	struct dberr e;

	if (!r->who.every_plan) {
		/* the log holds every plan's records: an office of another bureau's plan in the
		 * same store reads none of them (review 11d, W13) */
		req_error(r, 403, "the audit log is for office accounts of every plan in the store");
		return;
	}
	/* a sync job's broken cursor must hear so, not read the log again from record 1 —
	 * a cursor left out too (`?since=$X` dropped: review 11d, W7); from the start is
	 * since=0 */
	if ((since = req_query(r, "since")) == NULL ||
	    (since[0] == '\0' || strspn(since, "0123456789") != strlen(since) ||
	     strlen(since) > 19)) {
		req_error(r, 400, "since must be a sequence number (0 or more digits' worth: 0, 1, "
		          "2, ...)");
		return;
	}
	dberr_clear(&e);
	if (store_read(engine_store(r->en), audit_txn, &x, &e) != 0) {
		req_error(r, 503, "store unavailable");
		return;
	}
	req_json(r, 200);
}

/* What the hand-in came to, from its own record: the task's state after it, whether it was
 * late, and the required sections it lacks (ids; 内容不全 when any) — so a province's system
 * hears that a hand-in without its sections was recorded incomplete (review 11d, W5). */
struct outcome_arg {
	uint64_t seq;
	struct buf *out;
};

static int
outcome_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct outcome_arg *x = arg;
	struct store_audit a;
	char *missing;
	int rc;

	if ((rc = store_audit_get(txn, x->seq, &a, e)) != 0)
		return rc;
	missing = report_json_str(a.details, "missing");
	buf_puts(x->out, ",\"state\":");
	buf_json_str(x->out, a.to_state);
	buf_printf(x->out, ",\"late\":%s,\"missing\":[",
	           strstr(a.details, "\"late\":true") ? "true" : "false");
	/* the record lists them as 内容不全 notices do, "a、b" */
	for (const char *p = missing ? missing : ""; *p != '\0';) {
		const char *sep = strstr(p, "、");
		size_t len = sep ? (size_t)(sep - p) : strlen(p);
		char *id = xstrndup(p, len);

		if (p != missing)
			buf_putc(x->out, ',');
		buf_json_str(x->out, id);
		free(id);
		p += len + (sep ? strlen("、") : 0);
	}
	buf_putc(x->out, ']');
	free(missing);
	store_audit_release(&a);
	return 0;
}

static void
api_submit(struct req *r, const char *key)
{
	/* the page's submission, answered with where its receipt is instead of a redirect */
	act_submit(r, key);
	if (r->status == 303 && r->location && strncmp(r->location, "/receipt/", 9) == 0) {
		buf_reset(&r->out.b);
		buf_printf(&r->out.b, "{\"receipt\":%s,\"task\":", r->location + 9);
		buf_json_str(&r->out.b, key);
		buf_puts(&r->out.b, ",\"proof\":\"/proof/");
		buf_puts(&r->out.b, r->location + 9);
		{
			char *path = web_receipt_path(r->w, strtoull(r->location + 9, NULL, 10));

			buf_puts(&r->out.b, "\",\"receipt_url\":\"");
			buf_puts(&r->out.b, path);
			buf_putc(&r->out.b, '"');
			free(path);
		}
		{
			struct outcome_arg o = {strtoull(r->location + 9, NULL, 10), &r->out.b};
			struct dberr e;

			dberr_clear(&e);
			if (store_read(engine_store(r->en), outcome_txn, &o, &e) != 0)
				log_warnx(r->w->log_level, "web", "submit answer: %s", e.msg);
		}
		buf_puts(&r->out.b, "}\n");
		free(r->location);
		r->location = NULL;
		req_json(r, 201);
	}
}

void
api_route(struct req *r, const char *rest)
{
	size_t n = strlen(rest);

	if (r->who.kind != WHO_ACCOUNT) {
		req_error(r, 401, "authenticate with a bearer token (dabiao user token) or a session");
		return;
	}
	if (r->post && !r->who.bearer && !web_csrf_ok(r)) {
		req_error(r, 403, "a session's POST needs the X-CSRF-Token header");
		return;
	}
	if (strcmp(rest, "tasks") == 0 && !r->post) {
		web_tasks(r, true);
	} else if (strncmp(rest, "tasks/", 6) == 0 && n > 13 && r->post &&
	           strcmp(rest + n - 7, "/submit") == 0) {
		char *key = xstrndup(rest + 6, n - 13);

		api_submit(r, key);
		free(key);
	} else if (strncmp(rest, "tasks/", 6) == 0 && !r->post) {
		api_task(r, rest + 6);
	} else if (strcmp(rest, "audit") == 0 && !r->post) {
		api_audit(r);
	} else {
		req_error(r, 404, "no such API route");
	}
}
