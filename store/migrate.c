/*
 * migrate.c - bringing an older store's records to this schema, once, when a writer opens
 * it. Each step runs inside the set-up transaction, so a store is either wholly at the old
 * schema or wholly at the new one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "store/store_int.h"

struct retype {
	MDB_val *keys;      /* copies of the keys to change */
	uint8_t *kinds;     /* their new kind */
	size_t n, cap;
};

/* Schema 1 had one kind (5, "other") for every entry that was not a task's: the engine
 * told delivery retries, digests and dispatches apart by the key's prefix. Schema 2 gives
 * each its own kind; retries keep 5. */
static int
other_cb(const MDB_val *k, const MDB_val *v, void *arg, bool *stop, struct dberr *e)
{
	struct retype *r = arg;
	const unsigned char *p = k->mv_data;
	uint8_t kind = 0;

	(void)v;
	(void)stop;
	(void)e;
	if (k->mv_size < 11 || p[8] != STORE_DUE_RETRY)
		return 0;
	if (k->mv_size - 11 >= 7 && memcmp(p + 9, "digest#", 7) == 0)
		kind = STORE_DUE_DIGEST;
	else if (k->mv_size - 11 >= 9 && memcmp(p + 9, "dispatch#", 9) == 0)
		kind = STORE_DUE_DISPATCH;
	if (kind == 0)
		return 0;
	r->keys = xgrow(r->keys, &r->cap, r->n + 1, sizeof(*r->keys));
	r->kinds = xrealloc(r->kinds, r->cap);
	r->keys[r->n].mv_size = k->mv_size;
	r->keys[r->n].mv_data = xmalloc(k->mv_size);
	memcpy(r->keys[r->n].mv_data, k->mv_data, k->mv_size);
	r->kinds[r->n++] = kind;
	return 0;
}

static int
due_kinds_1_to_2(struct store_txn *t, struct dberr *e)
{
	struct retype r = {0};
	int rc = store_scan(t, STORE_DB_DUE, NULL, 0, NULL, 0, other_cb, &r, e);

	for (size_t i = 0; rc == 0 && i < r.n; i++) {
		MDB_val k = r.keys[i], v, copy;
		unsigned char *p = k.mv_data;

		if ((rc = store_get(t, STORE_DB_DUE, &k, &v, e)) != 0)
			break;
		copy.mv_size = v.mv_size;
		copy.mv_data = xmalloc(v.mv_size ? v.mv_size : 1);
		memcpy(copy.mv_data, v.mv_data, v.mv_size);
		rc = store_del(t, STORE_DB_DUE, &k, e);
		p[8] = r.kinds[i];
		if (rc == 0)
			rc = store_put(t, STORE_DB_DUE, &k, &copy, 0, e);
		free(copy.mv_data);
	}
	for (size_t i = 0; i < r.n; i++)
		free(r.keys[i].mv_data);
	free(r.keys);
	free(r.kinds);
	return rc;
}

/* Each plan version's value grows by `zeros` zero bytes at its end. */
struct plan_grow {
	struct store_txn *t;
	size_t zeros;
};

/* Schema 3 keeps with each plan version the calendar files it used and the resolved
 * calendar's hash, after the path. A version stored before used none: it gets an empty
 * hash and no calendars (a u32 length 0 and a u32 count 0). The scan may rewrite the
 * value it is given: it re-seeks after each call. */
static int
plan_cb(const MDB_val *k, const MDB_val *v, void *arg, bool *stop, struct dberr *e)
{
	struct plan_grow *g = arg;
	struct store_txn *t = g->t;
	MDB_val nk, nv;
	int rc;

	(void)stop;
	/* k and v point into the page the put rewrites: the put gets copies */
	nk.mv_size = k->mv_size;
	nk.mv_data = xmalloc(k->mv_size);
	memcpy(nk.mv_data, k->mv_data, k->mv_size);
	nv.mv_size = v->mv_size + g->zeros;
	nv.mv_data = xcalloc(1, nv.mv_size);
	memcpy(nv.mv_data, v->mv_data, v->mv_size);
	rc = store_put(t, STORE_DB_PLAN_VERSIONS, &nk, &nv, 0, e);
	free(nk.mv_data);
	free(nv.mv_data);
	return rc;
}

static int
plan_calendars_2_to_3(struct store_txn *t, struct dberr *e)
{
	struct plan_grow g = {t, 8};

	return store_scan(t, STORE_DB_PLAN_VERSIONS, NULL, 0, NULL, 0, plan_cb, &g, e);
}

/* Schema 7 keeps with each plan version the files of its own template folder, after the
 * calendars: a u8 "kept" and a u32 count. A version stored before kept none (0 and 0):
 * its notices are rendered from the folder as it is, as they were. */
static int
plan_templates_6_to_7(struct store_txn *t, struct dberr *e)
{
	struct plan_grow g = {t, 5};

	return store_scan(t, STORE_DB_PLAN_VERSIONS, NULL, 0, NULL, 0, plan_cb, &g, e);
}

/* Steps that rewrite nothing: the new version only tells an older dabiao to keep out.
 * Schema 4 adds the due kind 8 (a conduct rule's candidate list), the warning records
 * ("warning/..." in meta), the conduct state's second text layout and the task states
 * cancelled and not-applicable; the engine reads the old conduct state and its queued
 * warnings ("conduct-pending/...") as lapses (engine/rules/conduct.c).
 * Schema 12 appends audit records packed with their leaf hash (format 2, store/README.md,
 * "audit"); the records of schema 11 and before stay plain, their leaves in meta, and are
 * read as they are (a rewrite would pack them too, but would cost an upgrade of a long
 * trail minutes for space those records no longer grow by). Schema 12 also keeps a task's
 * audit records in runs (audit_task: an entry's value holds the sequences after its key's);
 * an entry of schema 11 is a run of one, read as it is, and the task's next record
 * extends its last.
 * Schema 13 writes new outbox records in format 4 (fields and message deflated together,
 * pack.c), no delivery record for a newly queued notice until its claim (delivery.c), a
 * new digested or failed one's in format 2 (state and due only), a task's audit-index
 * runs as distances (index.c) and a delivery's audit records deflated (audit.c); format-3
 * outbox records, format-1 delivery records and schema 12's runs are read as they are. */
static int
nothing_to_rewrite(struct store_txn *t, struct dberr *e)
{
	(void)t;
	(void)e;
	return 0;
}


/* Schemas up to 4 kept a notice's state inside its outbox record and a retry as a due
 * entry (kind 5, task "deliver#KEY"). Schema 5 gives each notice a delivery record and the
 * queue its key; a retry's time comes from its due entry, which stays as the scheduler's
 * wake-up at that time. The outbox records stay as written (format 1 bodies are still
 * read). */
struct retry {
	char *key;          /* the notice key */
	int64_t at;         /* when it was to be tried again */
};

struct retries {
	struct retry *v;
	size_t n, cap;
	struct store_txn *t;
	struct dberr *e;
};

static int
retry_cb(const MDB_val *k, const MDB_val *v, void *arg, bool *stop, struct dberr *e)
{
	struct retries *r = arg;
	const unsigned char *p = k->mv_data;
	struct retry *x;
	uint64_t at = 0;

	(void)v;
	(void)stop;
	(void)e;
	if (k->mv_size < 11 + 8 || p[8] != STORE_DUE_RETRY || memcmp(p + 9, "deliver#", 8) != 0)
		return 0;
	for (int i = 0; i < 8; i++)
		at = at << 8 | p[i];
	r->v = xgrow(r->v, &r->cap, r->n + 1, sizeof(*r->v));
	x = &r->v[r->n++];
	x->key = xstrndup((const char *)p + 17, k->mv_size - 11 - 8);
	x->at = (int64_t)(at ^ ((uint64_t)1 << 63));
	return 0;
}

static int
state_cb(const struct store_notice *n, void *arg)
{
	struct retries *r = arg;
	struct store_delivery d = {0};
	const char *attempts = store_kv_get(n->extra, n->nextra, "attempts");

	for (int i = 1; i < STORE_DSTATES_; i++)
		if (strcmp(n->state, store_dstate_name((enum store_dstate)i)) == 0)
			d.state = (enum store_dstate)i;
	if (d.state == 0 || d.state == STORE_DCLAIMED)
		d.state = STORE_DQUEUED;
	d.attempts = attempts ? (uint32_t)strtoul(attempts, NULL, 10) : 0;
	d.due = d.state == STORE_DQUEUED || d.state == STORE_DRETRY ? n->created : 0;
	for (size_t i = 0; d.state == STORE_DRETRY && i < r->n; i++)
		if (strcmp(r->v[i].key, n->key) == 0)
			d.due = r->v[i].at;
	return store_delivery_put(r->t, n->key, &d, r->e);
}

static int
delivery_4_to_5(struct store_txn *t, struct dberr *e)
{
	struct retries r = {NULL, 0, 0, t, e};
	int rc;

	rc = store_scan(t, STORE_DB_DUE, NULL, 0, NULL, 0, retry_cb, &r, e);
	if (rc == 0)
		rc = store_notice_each(t, state_cb, &r, e);
	for (size_t i = 0; i < r.n; i++)
		free(r.v[i].key);
	free(r.v);
	return rc;
}

/* Schema 6 adds the task index, the audit-by-task index (both built here from the
 * records) and the web's accounts, sessions and links (empty until used). */
static int
reindex_task_cb(const MDB_val *k, const MDB_val *v, void *arg, bool *stop, struct dberr *e)
{
	struct buf *keys = arg;

	(void)v;
	(void)stop;
	(void)e;
	buf_append(keys, k->mv_data, k->mv_size);
	buf_putc(keys, '\0');
	return 0;
}

static int
reindex_audit_cb(const struct store_audit *a, void *arg)
{
	struct store_txn *t = arg;
	struct dberr e;

	dberr_clear(&e);
	return index_audit(t, a->task, a->seq, &e);
}

static int
indexes_5_to_6(struct store_txn *t, struct dberr *e)
{
	struct buf keys = BUF_INIT;
	int rc = store_scan(t, STORE_DB_TASKS, NULL, 0, NULL, 0, reindex_task_cb, &keys, e);

	/* each task is put again as it is: store_task_put writes its index entries */
	for (size_t off = 0; rc == 0 && off < keys.len; off += strlen(keys.data + off) + 1) {
		struct store_task task;

		if ((rc = store_task_get(t, keys.data + off, &task, e)) != 0)
			break;
		rc = store_task_put(t, &task, e);
		store_task_release(&task);
	}
	buf_release(&keys);
	if (rc == 0)
		rc = store_audit_each(t, 1, reindex_audit_cb, t, e);
	return rc;
}

/* Schema 8 keeps each notice's message packed (pack.c): every older outbox record is
 * written again in format 3, its message the same bytes. Its plan version is not known
 * (0): the old notices of a plan and kind share one dictionary. */
static int
repack_cb(const MDB_val *k, const MDB_val *v, void *arg, bool *stop, struct dberr *e)
{
	struct buf *keys = arg;

	(void)stop;
	(void)e;
	if (v->mv_size > 0 && *(const unsigned char *)v->mv_data < 3) {
		buf_append(keys, k->mv_data, k->mv_size);
		buf_putc(keys, '\0');
	}
	return 0;
}

static int
outbox_packed_7_to_8(struct store_txn *t, struct dberr *e)
{
	struct buf keys = BUF_INIT;
	int rc = store_scan(t, STORE_DB_OUTBOX, "\x01", 1, NULL, 0, repack_cb, &keys, e);

	for (size_t off = 0; rc == 0 && off < keys.len; off += strlen(keys.data + off) + 1)
		rc = store_notice_repack(t, keys.data + off, e);
	buf_release(&keys);
	return rc;
}

/* Schema 9: a task cancelled because its plan or registry stopped giving it is reopened,
 * when given again, in the state it was cancelled in, which the engine keeps in the task's
 * "cancelled_from" detail (engine/sched, SCHED_CANCELLED_FROM) since schema 9. A task
 * cancelled by an older dabiao has its "cancel_reason" but not that detail, and would come
 * back in its lifecycle's first state: an overdue county with a clean slate. The state is
 * in the audit trail, written in the same transaction as the cancellation: the from_state
 * of the task's last `task.cancel` record. A task without one (its trail cut short by a
 * damaged store) is left as it is and reopens in the first state. */
struct cancelled {
	struct buf keys; /* NUL-separated */
};

static int
cancelled_cb(const struct store_task *task, void *arg)
{
	struct cancelled *c = arg;

	if (strcmp(task->state, "cancelled") == 0 &&
	    store_task_extra(task, "cancel_reason") != NULL &&
	    store_task_extra(task, "cancelled_from") == NULL) {
		buf_puts(&c->keys, task->key);
		buf_putc(&c->keys, '\0');
	}
	return 0;
}

static int
last_cancel_cb(const struct store_audit *a, void *arg)
{
	char **from = arg;

	if (strcmp(a->action, "task.cancel") == 0 && a->from_state[0] != '\0') {
		free(*from);
		*from = xstrdup(a->from_state);
	}
	return 0;
}

static int
cancelled_from_8_to_9(struct store_txn *t, struct dberr *e)
{
	struct cancelled c = {BUF_INIT};
	int rc = store_task_each(t, "", cancelled_cb, &c, e);

	for (size_t off = 0; rc == 0 && off < c.keys.len; off += strlen(c.keys.data + off) + 1) {
		struct store_task task;
		char *from = NULL;

		if ((rc = store_audit_task_each(t, c.keys.data + off, last_cancel_cb, &from, e)) != 0)
			break;
		if (from != NULL && (rc = store_task_get(t, c.keys.data + off, &task, e)) == 0) {
			store_task_set_extra(&task, "cancelled_from", from);
			rc = store_task_put(t, &task, e);
			store_task_release(&task);
		}
		free(from);
	}
	buf_release(&c.keys);
	return rc;
}

/* Schema 10 adds the failed-login counts of the web's lockout (meta "web-throttle/KEY"),
 * which start empty; the version keeps an older dabiao, which counts in memory, out. */
static int
nothing_9_to_10(struct store_txn *t, struct dberr *e)
{
	(void)t;
	(void)e;
	return 0;
}

/* Schema 11 adds two meta record kinds the audit page reads: "audit/verify" (the last
 * `audit verify` run's outcome, engine/sched/verify.c) and "audit/checkpoint-made/<size>"
 * (when and by whom a kept checkpoint was made, engine/audit). Nothing is rewritten: a
 * checkpoint kept before shows as made at an unrecorded time, and no verify run is known
 * until the next; the version tells an older dabiao to keep out. */
static int
verify_records_10_to_11(struct store_txn *t, struct dberr *e)
{
	(void)t;
	(void)e;
	return 0;
}

int
store_migrate(struct store_txn *t, unsigned long from, struct dberr *e)
{
	int rc = 0;

	if (from < 2)
		rc = due_kinds_1_to_2(t, e);
	if (rc == 0 && from < 3)
		rc = plan_calendars_2_to_3(t, e);
	if (rc == 0 && from < 4)
		rc = nothing_to_rewrite(t, e);
	if (rc == 0 && from < 5)
		rc = delivery_4_to_5(t, e);
	if (rc == 0 && from < 6)
		rc = indexes_5_to_6(t, e);
	if (rc == 0 && from < 7)
		rc = plan_templates_6_to_7(t, e);
	if (rc == 0 && from < 8)
		rc = outbox_packed_7_to_8(t, e);
	if (rc == 0 && from < 9)
		rc = cancelled_from_8_to_9(t, e);
	if (rc == 0 && from < 10)
		rc = nothing_9_to_10(t, e);
	if (rc == 0 && from < 11)
		rc = verify_records_10_to_11(t, e);
	if (rc == 0 && from < 12)
		rc = nothing_to_rewrite(t, e);
	if (rc == 0 && from < 13)
		rc = nothing_to_rewrite(t, e);
	return rc;
}
