/*
 * subjects.c - jurisdictions, enterprises and offices, keyed by kind byte then id so each
 * kind is one contiguous, id-ordered range.
 */
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "store/codec.h"
#include "store/store_int.h"

static void
subject_key(struct buf *b, enum store_subject_kind kind, const char *id)
{
	buf_putc(b, (char)kind);
	buf_puts(b, id);
}

int
store_subject_put(struct store_txn *t, const struct store_subject *s, struct dberr *e)
{
	struct buf key = BUF_INIT, val = BUF_INIT;
	MDB_val k, v;
	int rc;

	subject_key(&key, s->kind, s->id);
	enc_u8(&val, CODEC_FORMAT);
	enc_kv(&val, s->fields, s->nfields);
	enc_kv(&val, s->contacts, s->ncontacts);
	k = (MDB_val){key.len, key.data};
	v = (MDB_val){val.len, val.data};
	rc = store_put(t, STORE_DB_SUBJECTS, &k, &v, 0, e);
	buf_release(&key);
	buf_release(&val);
	return rc;
}

static int
subject_decode(const MDB_val *k, const MDB_val *v, struct store_subject *out,
               struct dberr *e)
{
	struct store_subject s;
	struct dec d;

	memset(&s, 0, sizeof(s));
	dec_init(&d, v->mv_data, v->mv_size);
	dec_format(&d);
	s.fields = dec_kv(&d, &s.nfields);
	s.contacts = dec_kv(&d, &s.ncontacts);
	if (!dec_done(&d) || k->mv_size < 1) {
		store_subject_release(&s);
		return store_corrupt(e, STORE_DB_SUBJECTS, k);
	}
	s.kind = ((const unsigned char *)k->mv_data)[0];
	s.id = xstrndup((const char *)k->mv_data + 1, k->mv_size - 1);
	*out = s;
	return 0;
}

int
store_subject_get(struct store_txn *t, enum store_subject_kind kind, const char *id,
                  struct store_subject *out, struct dberr *e)
{
	struct buf key = BUF_INIT;
	MDB_val k, v;
	int rc;

	subject_key(&key, kind, id);
	k = (MDB_val){key.len, key.data};
	rc = store_get(t, STORE_DB_SUBJECTS, &k, &v, e);
	if (rc == 0)
		rc = subject_decode(&k, &v, out, e);
	else if (rc == DB_ENOTFOUND)
		dberr_set(e, rc, "no subject %s", id);
	buf_release(&key);
	return rc;
}

void
store_subject_release(struct store_subject *s)
{
	if (s == NULL)
		return;
	free(s->id);
	store_kv_free(s->fields, s->nfields);
	store_kv_free(s->contacts, s->ncontacts);
	memset(s, 0, sizeof(*s));
}

struct subject_each_ctx {
	int (*cb)(const struct store_subject *, void *);
	void *arg;
};

static int
subject_each_one(const MDB_val *k, const MDB_val *v, void *arg, bool *stop, struct dberr *e)
{
	struct subject_each_ctx *c = arg;
	struct store_subject s;
	int rc;

	(void)stop;
	rc = subject_decode(k, v, &s, e);
	if (rc != 0)
		return rc;
	rc = c->cb(&s, c->arg);
	store_subject_release(&s);
	return rc;
}

int
store_subject_each(struct store_txn *t, enum store_subject_kind kind,
                   int (*cb)(const struct store_subject *, void *), void *arg,
                   struct dberr *e)
{
	struct subject_each_ctx c = {cb, arg};
	char prefix = (char)kind;

	return store_scan(t, STORE_DB_SUBJECTS, NULL, 0, &prefix, 1, subject_each_one, &c, e);
}

const char *
store_subject_field(const struct store_subject *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nfields; i++)
		if (s->fields[i].key != NULL && strcmp(s->fields[i].key, name) == 0)
			return s->fields[i].val;
	return NULL;
}

char *
store_subject_name(struct store_txn *t, enum store_subject_kind kind, const char *id)
{
	struct store_subject s;
	struct dberr ignored;
	const char *name;
	char *out;

	dberr_clear(&ignored);
	if (store_subject_get(t, kind, id, &s, &ignored) != 0)
		return xstrdup(id);
	name = store_subject_field(&s, "name");
	out = xstrdup(name != NULL ? name : id);
	store_subject_release(&s);
	return out;
}
