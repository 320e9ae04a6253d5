/*
 * index.c - the secondary indexes the web pages and timelines read, kept by the store
 * itself in the transaction of every write so they can never disagree with the records:
 *
 *   task_index   'j' jurisdiction NUL state NUL task-key  and  's' state NUL task-key,
 *                each with the task's deadline and flags as value, so a jurisdiction's or
 *                a state's tasks are one key range and counting them decodes no task;
 *   audit_task   task-key NUL u64 sequence (big-endian), as value the sequences of the
 *                task's records after that one (at most ATASK_RUN - 1: since schema 13
 *                0xFF and each one's distance from the one before as a LEB128 number;
 *                schema 12's u64 each are still read): one task's audit records, in
 *                order, without reading the whole log.
 *
 * store/README.md gives the layouts byte by byte.
 */
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "store/codec.h"
#include "store/store_int.h"

/* Offset of the first string in a task value (format, plan_version, due dates, deadlines,
 * gen, flags, created_at, updated_at): tasks.c writes them in this order. */
#define TASK_DEADLINE_OFF 13
#define TASK_FLAGS_OFF 33
#define TASK_STRINGS_OFF 53

static int
skip_str(const unsigned char **p, size_t *left, const char **s, size_t *len)
{
	uint32_t n;

	if (*left < 4)
		return -1;
	n = be32_get(*p);
	if (*left - 4 < n)
		return -1;
	*s = (const char *)*p + 4;
	*len = n;
	*p += 4 + n;
	*left -= 4 + n;
	return 0;
}

int
index_task_fields(const MDB_val *v, const char **jur, size_t *jlen, const char **state,
                  size_t *slen, int64_t *deadline, uint32_t *flags)
{
	const unsigned char *p = v->mv_data;
	size_t left;
	const char *s;
	size_t len;

	if (v->mv_size < TASK_STRINGS_OFF || p[0] != CODEC_FORMAT)
		return -1;
	*deadline = (int64_t)be64_get(p + TASK_DEADLINE_OFF);
	*flags = be32_get(p + TASK_FLAGS_OFF);
	left = v->mv_size - TASK_STRINGS_OFF;
	p += TASK_STRINGS_OFF;
	/* plan, milestone, subject, jurisdiction, period, state */
	for (int i = 0; i < 6; i++) {
		if (skip_str(&p, &left, &s, &len) != 0)
			return -1;
		if (i == 3) {
			*jur = s;
			*jlen = len;
		} else if (i == 5) {
			*state = s;
			*slen = len;
		}
	}
	return 0;
}

static void
jkey(struct buf *b, const char *jur, size_t jlen, const char *state, size_t slen,
     const char *key)
{
	buf_putc(b, 'j');
	buf_append(b, jur, jlen);
	buf_putc(b, '\0');
	buf_append(b, state, slen);
	buf_putc(b, '\0');
	buf_puts(b, key);
}

static void
skey(struct buf *b, const char *state, size_t slen, const char *key)
{
	buf_putc(b, 's');
	buf_append(b, state, slen);
	buf_putc(b, '\0');
	buf_puts(b, key);
}

static int
index_put(struct store_txn *t, struct buf *k, int64_t deadline, uint32_t flags,
          struct dberr *e)
{
	unsigned char v[13];
	MDB_val mk = {k->len, k->data}, mv = {sizeof(v), v};

	v[0] = CODEC_FORMAT;
	be64_put(v + 1, (uint64_t)deadline);
	be32_put(v + 9, flags);
	return store_put(t, STORE_DB_TASK_INDEX, &mk, &mv, 0, e);
}

static int
index_del(struct store_txn *t, struct buf *k, struct dberr *e)
{
	MDB_val mk = {k->len, k->data};
	int rc = store_del(t, STORE_DB_TASK_INDEX, &mk, e);

	return rc == DB_ENOTFOUND ? 0 : rc;
}

int
index_task(struct store_txn *t, const MDB_val *oldval, const struct store_task *task,
           struct dberr *e)
{
	struct buf oj = BUF_INIT, os = BUF_INIT, k = BUF_INIT;
	const char *jur, *state;
	size_t jlen, slen;
	int64_t deadline;
	uint32_t flags;
	int rc = 0;

	if (oldval != NULL) {
		if (index_task_fields(oldval, &jur, &jlen, &state, &slen, &deadline, &flags) != 0)
			return dberr_set(e, DB_ESTORE, "corrupted value in store database tasks (%s)",
			                 task->key);
		/* both keys built before any write: oldval points into the map */
		jkey(&oj, jur, jlen, state, slen, task->key);
		skey(&os, state, slen, task->key);
		if ((rc = index_del(t, &oj, e)) != 0 || (rc = index_del(t, &os, e)) != 0)
			goto out;
	}
	jur = task->jurisdiction ? task->jurisdiction : "";
	state = task->state ? task->state : "";
	jkey(&k, jur, strlen(jur), state, strlen(state), task->key);
	if ((rc = index_put(t, &k, task->deadline, task->flags, e)) != 0)
		goto out;
	buf_reset(&k);
	skey(&k, state, strlen(state), task->key);
	rc = index_put(t, &k, task->deadline, task->flags, e);
out:
	buf_release(&oj);
	buf_release(&os);
	buf_release(&k);
	return rc;
}

/* ---- reading the task index ---- */

struct tidx_ctx {
	size_t plen;
	bool by_jur;
	int (*cb)(const struct store_task_ref *, void *);
	void *arg;
	struct buf tmp;
};

static int
tidx_one(const MDB_val *k, const MDB_val *v, void *arg, bool *stop, struct dberr *e)
{
	struct tidx_ctx *c = arg;
	const unsigned char *p = k->mv_data, *end = p + k->mv_size, *z1, *z2 = NULL;
	struct store_task_ref r;
	int rc;

	if (v->mv_size != 13 || k->mv_size < 2)
		return store_corrupt(e, STORE_DB_TASK_INDEX, k);
	z1 = memchr(p + 1, '\0', (size_t)(end - p - 1));
	if (z1 != NULL && c->by_jur)
		z2 = memchr(z1 + 1, '\0', (size_t)(end - z1 - 1));
	if (z1 == NULL || (c->by_jur && z2 == NULL))
		return store_corrupt(e, STORE_DB_TASK_INDEX, k);
	buf_reset(&c->tmp);
	/* jurisdiction NUL state NUL key, copied so each is a C string */
	if (c->by_jur) {
		buf_append(&c->tmp, p + 1, (size_t)(end - p - 1));
		r.jurisdiction = c->tmp.data;
		r.state = c->tmp.data + (z1 - p);
		r.key = c->tmp.data + (z2 - p);
	} else {
		buf_append(&c->tmp, p + 1, (size_t)(end - p - 1));
		r.jurisdiction = NULL;
		r.state = c->tmp.data;
		r.key = c->tmp.data + (z1 - p);
	}
	r.deadline = (int64_t)be64_get((const unsigned char *)v->mv_data + 1);
	r.flags = be32_get((const unsigned char *)v->mv_data + 9);
	r.pos = k->mv_data;
	r.poslen = k->mv_size;
	rc = c->cb(&r, c->arg);
	if (rc > 0) {
		*stop = true;
		rc = 0;
	}
	return rc;
}

int
store_task_index_each(struct store_txn *t, const char *jurisdiction, const char *state,
                      const void *after, size_t afterlen,
                      int (*cb)(const struct store_task_ref *, void *), void *arg,
                      struct dberr *e)
{
	struct tidx_ctx c = {0, true, cb, arg, BUF_INIT};
	struct buf prefix = BUF_INIT, from = BUF_INIT;
	int rc;

	if (jurisdiction != NULL) {
		buf_putc(&prefix, 'j');
		buf_puts(&prefix, jurisdiction);
		buf_putc(&prefix, '\0');
		if (state != NULL) {
			buf_puts(&prefix, state);
			buf_putc(&prefix, '\0');
		}
	} else if (state != NULL) {
		c.by_jur = false;
		buf_putc(&prefix, 's');
		buf_puts(&prefix, state);
		buf_putc(&prefix, '\0');
	} else {
		/* everything, jurisdiction by jurisdiction */
		c.by_jur = true;
		buf_putc(&prefix, 'j');
	}
	c.plen = prefix.len;
	/* resume strictly after the position given: its key with one NUL appended is the
	 * smallest key greater than it */
	if (after != NULL && afterlen > 0) {
		buf_append(&from, after, afterlen);
		buf_putc(&from, '\0');
		if (from.len < prefix.len || memcmp(from.data, prefix.data, prefix.len) < 0) {
			buf_reset(&from);
			buf_append(&from, prefix.data, prefix.len);
		}
	}
	rc = store_scan(t, STORE_DB_TASK_INDEX, from.len ? from.data : NULL, from.len, prefix.data,
	                prefix.len, tidx_one, &c, e);
	buf_release(&prefix);
	buf_release(&from);
	buf_release(&c.tmp);
	return rc;
}

/* ---- reading the audit-by-task index ---- */

/* A run's value (the sequences after its key's, first): schema 12's u64 each, or 0xFF
 * and LEB128 distances. The sequences into *out (xmalloc'd, *n of them); -1 when the
 * value is neither. */
#define RUN_VARINT 0xFF

static int
run_decode(uint64_t first, const unsigned char *p, size_t len, uint64_t **out, size_t *n)
{
	uint64_t *v = xmalloc((len + 1) * sizeof(*v)), prev = first;
	size_t c = 0;

	if (len > 0 && p[0] == RUN_VARINT) {
		struct dec d;

		dec_init(&d, p + 1, len - 1);
		while (d.left > 0 && !d.bad) {
			uint64_t dist = dec_leb(&d);

			if (dist == 0 || prev + dist < prev)
				goto bad; /* sequences only grow */
			prev += dist;
			v[c++] = prev;
		}
		if (d.bad)
			goto bad;
	} else {
		if (len % 8 != 0)
			goto bad;
		for (size_t i = 0; i < len; i += 8)
			v[c++] = be64_get(p + i);
	}
	*out = v;
	*n = c;
	return 0;
bad:
	free(v);
	return -1;
}

static void
run_encode(struct buf *b, uint64_t first, const uint64_t *seq, size_t n)
{
	buf_putc(b, (char)RUN_VARINT);
	for (size_t i = 0; i < n; i++)
		enc_leb(b, seq[i] - (i == 0 ? first : seq[i - 1]));
}

struct atask_ctx {
	size_t plen;
	int (*cb)(const struct store_audit *, void *);
	void *arg;
	struct store_txn *t;
};

static int
atask_one(const MDB_val *k, const MDB_val *v, void *arg, bool *stop, struct dberr *e)
{
	struct atask_ctx *c = arg;
	int rc = 0;

	uint64_t first, *seq = NULL;
	size_t n = 0;

	if (k->mv_size != c->plen + 8)
		return 0; /* a longer task key that starts with ours and a NUL cannot exist */
	first = be64_get((const unsigned char *)k->mv_data + c->plen);
	if (run_decode(first, v->mv_data, v->mv_size, &seq, &n) != 0)
		return store_corrupt(e, STORE_DB_AUDIT_TASK, k);
	/* the key's sequence, then the value's */
	for (size_t i = 0; rc == 0 && i <= n; i++) {
		struct store_audit a;

		if ((rc = store_audit_get(c->t, i == 0 ? first : seq[i - 1], &a, e)) != 0)
			break;
		rc = c->cb(&a, c->arg);
		store_audit_release(&a);
	}
	free(seq);
	if (rc < 0)
		return rc;
	if (rc > 0) {
		*stop = true;
		rc = 0;
	}
	return rc;
}

int
store_audit_task_each(struct store_txn *t, const char *task,
                      int (*cb)(const struct store_audit *, void *), void *arg,
                      struct dberr *e)
{
	struct buf prefix = BUF_INIT;
	struct atask_ctx c;
	int rc;

	buf_puts(&prefix, task);
	buf_putc(&prefix, '\0');
	c = (struct atask_ctx){prefix.len, cb, arg, t};
	rc = store_scan(t, STORE_DB_AUDIT_TASK, NULL, 0, prefix.data, prefix.len, atask_one, &c,
	                e);
	buf_release(&prefix);
	return rc;
}

/* A task's records in runs: an append adds its sequence to the task's last entry while
 * that holds fewer than ATASK_RUN (a rewrite of tens of bytes in place), else starts an
 * entry. So a batch that appends one record to each of thousands of tasks dirties the
 * pages of one entry per task, not a new key beside every task's earlier ones (a queued
 * notice's share fell from ~220 to ~80 bytes of written pages); a run is bounded so a task
 * with a long history never rewrites a long value. */
#define ATASK_RUN 32

int
index_audit(struct store_txn *t, const char *task, uint64_t seq, struct dberr *e)
{
	struct buf k = BUF_INIT, v = BUF_INIT;
	unsigned char be[8];
	MDB_cursor *cur = NULL;
	MDB_val ck, cv, mk, mv;
	size_t plen;
	int rc;

	if (task == NULL || task[0] == '\0')
		return 0;
	buf_puts(&k, task);
	buf_putc(&k, '\0');
	plen = k.len;
	/* the task's last entry: the one before the greatest key its entries could have */
	memset(be, 0xff, sizeof(be));
	buf_append(&k, be, 8);
	if ((rc = mdb_cursor_open(t->txn, t->s->dbi[STORE_DB_AUDIT_TASK], &cur)) != 0) {
		rc = store_mdb_fail(t, rc, e, "opening a cursor on audit_task");
		goto out;
	}
	ck = (MDB_val){k.len, k.data};
	rc = mdb_cursor_get(cur, &ck, &cv, MDB_SET_RANGE);
	rc = rc == 0 ? mdb_cursor_get(cur, &ck, &cv, MDB_PREV)
	             : rc == MDB_NOTFOUND ? mdb_cursor_get(cur, &ck, &cv, MDB_LAST) : rc;
	if (rc != 0 && rc != MDB_NOTFOUND) {
		rc = store_mdb_fail(t, rc, e, "reading audit_task");
		goto out;
	}
	be64_put(be, seq);
	if (rc == 0 && ck.mv_size == plen + 8 && memcmp(ck.mv_data, k.data, plen) == 0) {
		uint64_t first = be64_get((const unsigned char *)ck.mv_data + plen), *run = NULL;
		const unsigned char *cp = cv.mv_data;
		size_t n = 0;

		if (cv.mv_size > 0 && cp[0] == RUN_VARINT) {
			/* the common case, walked without a copy: its last sequence and count */
			uint64_t last = first;
			struct dec d;

			dec_init(&d, cp + 1, cv.mv_size - 1);
			while (d.left > 0 && !d.bad) {
				uint64_t dist = dec_leb(&d);

				d.bad = d.bad || dist == 0; /* sequences only grow */
				last += dist;
				n++;
			}
			if (d.bad) {
				rc = store_corrupt(e, STORE_DB_AUDIT_TASK, &ck);
				goto out;
			}
			if (n + 1 < ATASK_RUN && last < seq) {
				/* this run goes on: its key, its distances and this one's (copied: a
				 * put moves the map's pages) */
				buf_reset(&k);
				buf_append(&k, ck.mv_data, ck.mv_size);
				buf_append(&v, cv.mv_data, cv.mv_size);
				enc_leb(&v, seq - last);
			}
		} else {
			if (run_decode(first, cp, cv.mv_size, &run, &n) != 0) {
				rc = store_corrupt(e, STORE_DB_AUDIT_TASK, &ck);
				goto out;
			}
			if (n + 1 < ATASK_RUN && (n == 0 ? first : run[n - 1]) < seq) {
				/* a run of one, or schema 12's u64s, written again as distances */
				run = xrealloc(run, (n + 1) * sizeof(*run));
				run[n++] = seq;
				buf_reset(&k);
				buf_append(&k, ck.mv_data, ck.mv_size);
				run_encode(&v, first, run, n);
			}
			free(run);
		}
	}
	if (v.len == 0) {
		k.len = plen; /* a run of its own: this sequence in the key, no value yet */
		buf_append(&k, be, 8);
	}
	mdb_cursor_close(cur);
	cur = NULL;
	mk = (MDB_val){k.len, k.data};
	mv = (MDB_val){v.len, v.len ? v.data : (void *)""};
	rc = store_put(t, STORE_DB_AUDIT_TASK, &mk, &mv, 0, e);
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	buf_release(&k);
	buf_release(&v);
	return rc;
}
