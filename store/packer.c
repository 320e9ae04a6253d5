/*
 * packer.c - the messages a write transaction queues, packed beside it.
 *
 * Packing a message (pack.c: base64 unfolded, deflated against its class's dictionary)
 * costs a fifth of queueing a notice. Done inside store_notice_add it ran on the one
 * thread that holds the writer lock, so every deadline's notice waited for it. Here
 * store_notice_add only checks the key, writes the delivery record and hands the record
 * over; a second thread packs while the transaction renders the next notices, and the
 * records are put, in the order they were added, just before the commit (or before the
 * transaction reads the outbox itself, so it always reads its own writes). What the
 * commit holds is the same as packing inline: one transaction, the same bytes.
 *
 * Only the puts touch LMDB, on the transaction's thread: the worker sees a copy of each
 * message and of each class's dictionary (never changed once written: pack.c), so no
 * pointer into the map crosses threads. The first job starts no thread (a transaction
 * that queues one notice packs it itself at the drain); the second does.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/hmap.h"
#include "base/xalloc.h"
#include "store/store_int.h"

/* The worker is woken when this many jobs wait, not for each: a wake-up per message is
 * two context switches for a few tens of microseconds of work. */
#define PACK_WAKE 32

struct pack_class {
	char *plan, *kind;
	uint32_t version, id;
	void *dict; /* a copy: the map's pages are not the worker's to read */
	size_t dlen;
};

struct pack_job {
	char *key;
	struct buf val;                /* the record's fields; once packed, its whole value */
	char *msg;                     /* freed once packed */
	size_t len;
	const struct pack_class *cls;
};

struct store_packer {
	pthread_mutex_t mu;
	pthread_cond_t work;           /* a job was added, or stop */
	pthread_cond_t idle;           /* a job was packed */
	pthread_t thread;
	bool started, stop;
	bool waiting;                  /* the worker sleeps on work */
	bool draining;                 /* store_pack_drain waits on idle */
	struct pack_job **jobs;        /* in the order added; each packed once, by either side */
	size_t n, cap, next, done;     /* added, room, the next to take, packed */
	struct pack_class **classes;
	size_t nclasses;
	struct hmap keys;              /* keys waiting, borrowed from their jobs */
	struct store_zip *zip;         /* the worker's compressor */
	int rc;                        /* the first packing failure, its words in err */
	struct dberr err;
};

/* Packs one job with z (the worker's or the transaction's own); a failure is kept for
 * the drain to report. */
static void
pack_one(struct store_packer *p, struct pack_job *j, struct store_zip *z)
{
	struct dberr e = {0};
	struct buf val = BUF_INIT;
	int rc = store_msg_deflate(z, j->cls->id, j->cls->dict, j->cls->dlen, j->key,
	                           j->val.data, j->val.len, j->msg, j->len, &val, &e);

	free(j->msg);
	j->msg = NULL;
	buf_release(&j->val);
	j->val = val;
	pthread_mutex_lock(&p->mu);
	if (rc != 0 && p->rc == 0) {
		p->rc = rc;
		p->err = e;
	}
	p->done++;
	if (p->draining)
		pthread_cond_broadcast(&p->idle);
	pthread_mutex_unlock(&p->mu);
}

static void *
worker(void *arg)
{
	struct store_packer *p = arg;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct pack_job *j;

		while ((p->next == p->n || (p->n - p->next < PACK_WAKE && !p->draining)) &&
		       !p->stop) {
			p->waiting = true;
			pthread_cond_wait(&p->work, &p->mu);
			p->waiting = false;
		}
		if (p->stop)
			break; /* the transaction ends: what is left is thrown away */
		j = p->jobs[p->next++];
		pthread_mutex_unlock(&p->mu);
		pack_one(p, j, p->zip);
		pthread_mutex_lock(&p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static struct store_packer *
packer_of(struct store_txn *t)
{
	if (t->packer == NULL) {
		struct store_packer *p = xcalloc(1, sizeof(*p));

		pthread_mutex_init(&p->mu, NULL);
		pthread_cond_init(&p->work, NULL);
		pthread_cond_init(&p->idle, NULL);
		t->packer = p;
	}
	return t->packer;
}

/* The class's dictionary, read (or made) once per transaction and copied. */
static int
class_of(struct store_txn *t, struct store_packer *p, const char *plan, const char *kind,
         uint32_t version, const struct buf *fields, const char *msg,
         const struct pack_class **out, struct dberr *e)
{
	struct pack_class *c;
	const void *dict;
	size_t dlen;
	uint32_t id;
	int rc;

	plan = plan ? plan : "";
	kind = kind ? kind : "";
	/* a batch has a few classes (plan versions x kinds): the last one first */
	for (size_t i = p->nclasses; i-- > 0;) {
		c = p->classes[i];
		if (c->version == version && strcmp(c->kind, kind) == 0 && strcmp(c->plan, plan) == 0) {
			*out = c;
			return 0;
		}
	}
	if ((rc = store_msg_class(t, plan, kind, version, fields->data, fields->len, msg, &id,
	                          &dict, &dlen, e)) != 0)
		return rc;
	c = xcalloc(1, sizeof(*c));
	c->plan = xstrdup(plan);
	c->kind = xstrdup(kind);
	c->version = version;
	c->id = id;
	c->dict = xmalloc(dlen ? dlen : 1);
	memcpy(c->dict, dict, dlen);
	c->dlen = dlen;
	p->classes = xrealloc(p->classes, (p->nclasses + 1) * sizeof(*p->classes));
	p->classes[p->nclasses++] = c;
	*out = c;
	return 0;
}

int
store_pack_defer(struct store_txn *t, const char *key, struct buf *val, const char *plan,
                 const char *kind, uint32_t version, const char *msg, struct dberr *e)
{
	struct store_packer *p = packer_of(t);
	MDB_val k = {strlen(key), (void *)key};
	const struct pack_class *cls;
	struct pack_job *j;
	int rc;

	/* what the put would refuse, refused now, as an inline put did */
	if ((rc = store_key_check(t, &k, "outbox", e)) != 0 ||
	    (rc = class_of(t, p, plan, kind, version, val, msg, &cls, e)) != 0) {
		buf_release(val);
		return rc;
	}
	j = xcalloc(1, sizeof(*j));
	j->key = xstrdup(key);
	j->val = *val;
	*val = (struct buf)BUF_INIT;
	j->len = msg ? strlen(msg) : 0;
	j->msg = xmalloc(j->len + 1);
	memcpy(j->msg, msg ? msg : "", j->len + 1);
	j->cls = cls;
	hmap_put(&p->keys, j->key, 0);
	pthread_mutex_lock(&p->mu);
	p->jobs = xgrow(p->jobs, &p->cap, p->n + 1, sizeof(*p->jobs));
	p->jobs[p->n++] = j;
	if (p->waiting && p->n - p->next >= PACK_WAKE)
		pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
	if (!p->started && p->n - p->next >= 2) {
		if (p->zip == NULL)
			p->zip = store_zip_new();
		/* no thread (EAGAIN): the drain packs them all here, as before */
		p->started = pthread_create(&p->thread, NULL, worker, p) == 0;
	}
	return 0;
}

bool
store_pack_pending(struct store_txn *t, const char *key)
{
	return t->packer != NULL && hmap_get(&t->packer->keys, key, NULL);
}

/* With no job in hand on either side (after the drain's wait, or the worker joined). */
static void
jobs_free(struct store_packer *p)
{
	pthread_mutex_lock(&p->mu);
	for (size_t i = 0; i < p->n; i++) {
		free(p->jobs[i]->key);
		free(p->jobs[i]->msg);
		buf_release(&p->jobs[i]->val);
		free(p->jobs[i]);
	}
	p->n = p->next = p->done = 0;
	p->rc = 0;
	pthread_mutex_unlock(&p->mu);
	hmap_release(&p->keys);
}

int
store_pack_drain(struct store_txn *t, struct dberr *e)
{
	struct store_packer *p = t->packer;
	int rc = 0;

	if (p == NULL || p->n == 0)
		return 0;
	/* this thread packs beside the worker rather than wait for it */
	pthread_mutex_lock(&p->mu);
	p->draining = true;
	pthread_cond_broadcast(&p->work);
	while (p->next < p->n) {
		struct pack_job *j = p->jobs[p->next++];

		pthread_mutex_unlock(&p->mu);
		if (t->zip == NULL)
			t->zip = store_zip_new();
		pack_one(p, j, t->zip);
		pthread_mutex_lock(&p->mu);
	}
	while (p->done < p->n)
		pthread_cond_wait(&p->idle, &p->mu);
	p->draining = false;
	rc = p->rc;
	pthread_mutex_unlock(&p->mu);
	if (rc != 0) {
		dberr_set(e, rc, "%s", p->err.msg);
		goto out;
	}
	for (size_t i = 0; rc == 0 && i < p->n; i++) {
		struct pack_job *j = p->jobs[i];
		MDB_val k = {strlen(j->key), j->key}, v = {j->val.len, j->val.data};

		rc = store_put(t, STORE_DB_OUTBOX, &k, &v, MDB_NOOVERWRITE, e);
		if (rc == MDB_KEYEXIST) /* store_notice_add checked both the map and the jobs */
			rc = dberr_set(e, DB_ESOFTWARE, "notice %s packed twice", j->key);
	}
out:
	jobs_free(p);
	return rc;
}

void
store_pack_end(struct store_txn *t)
{
	struct store_packer *p = t->packer;

	if (p == NULL)
		return;
	if (p->started) {
		pthread_mutex_lock(&p->mu);
		p->stop = true;
		pthread_cond_broadcast(&p->work);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->thread, NULL);
	}
	jobs_free(p);
	for (size_t i = 0; i < p->nclasses; i++) {
		free(p->classes[i]->plan);
		free(p->classes[i]->kind);
		free(p->classes[i]->dict);
		free(p->classes[i]);
	}
	free(p->classes);
	free(p->jobs);
	store_zip_end(p->zip);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->idle);
	pthread_mutex_destroy(&p->mu);
	free(p);
	t->packer = NULL;
}
