/*
 * tasks.c - one record per milestone, subject and period, keyed by the task key
 * ("plan/milestone/subject/period"), so a plan's tasks are one contiguous range.
 */
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "store/codec.h"
#include "store/store_int.h"

int
store_task_put(struct store_txn *t, const struct store_task *task, struct dberr *e)
{
	struct buf val = BUF_INIT;
	MDB_val k = {strlen(task->key), task->key}, v, old;
	int rc;

	enc_u8(&val, CODEC_FORMAT);
	enc_u32(&val, task->plan_version);
	enc_i32(&val, task->due_date);
	enc_i32(&val, task->orig_due_date);
	enc_i64(&val, task->deadline);
	enc_i64(&val, task->orig_deadline);
	enc_u32(&val, task->gen);
	enc_u32(&val, task->flags);
	enc_i64(&val, task->created_at);
	enc_i64(&val, task->updated_at);
	enc_str(&val, task->plan);
	enc_str(&val, task->milestone);
	enc_str(&val, task->subject);
	enc_str(&val, task->jurisdiction);
	enc_str(&val, task->period);
	enc_str(&val, task->state);
	enc_kv(&val, task->extra, task->nextra);
	v = (MDB_val){val.len, val.data};
	/* the index first, from the record as it was (index.c copies what it needs) */
	rc = store_get(t, STORE_DB_TASKS, &k, &old, e);
	if (rc == 0 || rc == DB_ENOTFOUND)
		rc = index_task(t, rc == 0 ? &old : NULL, task, e);
	if (rc == 0)
		rc = store_put(t, STORE_DB_TASKS, &k, &v, 0, e);
	buf_release(&val);
	return rc;
}

static int
task_decode(const MDB_val *k, const MDB_val *v, struct store_task *out, struct dberr *e)
{
	struct store_task t;
	struct dec d;

	memset(&t, 0, sizeof(t));
	dec_init(&d, v->mv_data, v->mv_size);
	dec_format(&d);
	t.plan_version = dec_u32(&d);
	t.due_date = dec_i32(&d);
	t.orig_due_date = dec_i32(&d);
	t.deadline = dec_i64(&d);
	t.orig_deadline = dec_i64(&d);
	t.gen = dec_u32(&d);
	t.flags = dec_u32(&d);
	t.created_at = dec_i64(&d);
	t.updated_at = dec_i64(&d);
	t.plan = dec_str(&d);
	t.milestone = dec_str(&d);
	t.subject = dec_str(&d);
	t.jurisdiction = dec_str(&d);
	t.period = dec_str(&d);
	t.state = dec_str(&d);
	t.extra = dec_kv(&d, &t.nextra);
	if (!dec_done(&d)) {
		store_task_release(&t);
		return store_corrupt(e, STORE_DB_TASKS, k);
	}
	t.key = xstrndup(k->mv_data, k->mv_size);
	*out = t;
	return 0;
}

int
store_task_get(struct store_txn *t, const char *key, struct store_task *out,
               struct dberr *e)
{
	MDB_val k = {strlen(key), (void *)key}, v;
	int rc;

	rc = store_get(t, STORE_DB_TASKS, &k, &v, e);
	if (rc == DB_ENOTFOUND)
		return dberr_set(e, rc, "no task %s", key);
	if (rc != 0)
		return rc;
	return task_decode(&k, &v, out, e);
}

/* Cannot report a failure: a store error reads as absent (the next write reports it). */
bool
store_task_exists(struct store_txn *t, const char *key)
{
	MDB_val k = {strlen(key), (void *)key}, v;

	return store_get(t, STORE_DB_TASKS, &k, &v, NULL) == 0;
}

void
store_task_release(struct store_task *task)
{
	if (task == NULL)
		return;
	free(task->key);
	free(task->plan);
	free(task->milestone);
	free(task->subject);
	free(task->jurisdiction);
	free(task->period);
	free(task->state);
	store_kv_free(task->extra, task->nextra);
	memset(task, 0, sizeof(*task));
}

struct task_each_ctx {
	int (*cb)(const struct store_task *, void *);
	void *arg;
	bool positive_stops;  /* store_task_each_after: a positive return ends with 0 */
};

static int
task_each_one(const MDB_val *k, const MDB_val *v, void *arg, bool *stop, struct dberr *e)
{
	struct task_each_ctx *c = arg;
	struct store_task t;
	int rc;

	rc = task_decode(k, v, &t, e);
	if (rc != 0)
		return rc;
	rc = c->cb(&t, c->arg);
	store_task_release(&t);
	if (rc > 0 && c->positive_stops) {
		*stop = true;
		rc = 0;
	}
	return rc;
}

int
store_task_each(struct store_txn *t, const char *prefix,
                int (*cb)(const struct store_task *, void *), void *arg, struct dberr *e)
{
	struct task_each_ctx c = {cb, arg, false};
	size_t plen = prefix ? strlen(prefix) : 0;

	return store_scan(t, STORE_DB_TASKS, NULL, 0, prefix, plen, task_each_one, &c, e);
}

int
store_task_each_after(struct store_txn *t, const char *prefix, const char *after,
                      int (*cb)(const struct store_task *, void *), void *arg,
                      struct dberr *e)
{
	struct task_each_ctx c = {cb, arg, true};
	size_t plen = prefix ? strlen(prefix) : 0;
	struct buf from = BUF_INIT;
	int rc;

	/* the smallest key greater than `after` is `after` with a NUL appended */
	if (after != NULL && *after != '\0' && (plen == 0 || strcmp(after, prefix) >= 0)) {
		buf_puts(&from, after);
		buf_putc(&from, '\0');
	}
	rc = store_scan(t, STORE_DB_TASKS, from.len ? from.data : NULL, from.len, prefix, plen,
	                task_each_one, &c, e);
	buf_release(&from);
	return rc;
}

const char *
store_kv_get(const struct store_kv *kv, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (kv[i].key != NULL && strcmp(kv[i].key, key) == 0)
			return kv[i].val;
	return NULL;
}

void
store_kv_set(struct store_kv **kv, size_t *n, const char *key, const char *val)
{
	for (size_t i = 0; i < *n; i++) {
		if ((*kv)[i].key != NULL && strcmp((*kv)[i].key, key) == 0) {
			free((*kv)[i].val);
			(*kv)[i].val = xstrdup(val);
			return;
		}
	}
	*kv = xrealloc(*kv, (*n + 1) * sizeof(**kv));
	(*kv)[*n].key = xstrdup(key);
	(*kv)[*n].val = xstrdup(val);
	(*n)++;
}

const char *
store_task_extra(const struct store_task *task, const char *key)
{
	return store_kv_get(task->extra, task->nextra, key);
}

void
store_task_set_extra(struct store_task *task, const char *key, const char *val)
{
	store_kv_set(&task->extra, &task->nextra, key, val);
}
