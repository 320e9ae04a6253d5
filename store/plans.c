/*
 * plans.c - every version of every plan in plan_versions, and in plans a pointer to the
 * current version of each, so a plan's source is stored once per version.
 */
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "store/codec.h"
#include "store/store_int.h"

/* plan_versions key: the id, a NUL (no id holds one, so "a" sorts before "a/b"), the
 * version as 4 bytes big-endian. Caller frees the buf. */
static void
version_key(struct buf *b, const char *id, uint32_t version)
{
	unsigned char v[4];

	be32_put(v, version);
	buf_append(b, id, strlen(id) + 1);
	buf_append(b, v, sizeof(v));
}

int
store_plan_put(struct store_txn *t, const struct store_plan *p, struct dberr *e)
{
	struct buf key = BUF_INIT, val = BUF_INIT;
	unsigned char cur[5];
	MDB_val k, v;
	int rc;

	if (p->version == 0)
		return dberr_set(e, DB_EDATA, "plan %s: version 0 cannot be stored", p->id);
	version_key(&key, p->id, p->version);
	enc_u8(&val, CODEC_FORMAT);
	enc_i64(&val, p->loaded_at);
	enc_bytes(&val, p->sha256, strnlen(p->sha256, sizeof(p->sha256) - 1));
	enc_bytes(&val, p->source, p->source ? p->source_len : 0);
	enc_str(&val, p->path);
	enc_bytes(&val, p->calendar_sha256,
	          strnlen(p->calendar_sha256, sizeof(p->calendar_sha256) - 1));
	enc_u32(&val, (uint32_t)p->ncalendars);
	for (size_t i = 0; i < p->ncalendars; i++) {
		enc_str(&val, p->calendars[i].name);
		enc_str(&val, p->calendars[i].path);
		enc_bytes(&val, p->calendars[i].source,
		          p->calendars[i].source ? p->calendars[i].source_len : 0);
	}
	enc_u8(&val, p->templates_kept ? 1 : 0);
	enc_u32(&val, (uint32_t)p->ntemplates);
	for (size_t i = 0; i < p->ntemplates; i++) {
		enc_str(&val, p->templates[i].kind);
		enc_bytes(&val, p->templates[i].source,
		          p->templates[i].source ? p->templates[i].source_len : 0);
	}
	k = (MDB_val){key.len, key.data};
	v = (MDB_val){val.len, val.data};
	rc = store_put(t, STORE_DB_PLAN_VERSIONS, &k, &v, 0, e);
	if (rc != 0)
		goto out;
	cur[0] = CODEC_FORMAT;
	be32_put(cur + 1, p->version);
	k = (MDB_val){strlen(p->id), p->id};
	v = (MDB_val){sizeof(cur), cur};
	rc = store_put(t, STORE_DB_PLANS, &k, &v, 0, e);
out:
	buf_release(&key);
	buf_release(&val);
	return rc;
}

static int
current_version(struct store_txn *t, const char *id, uint32_t *version, struct dberr *e)
{
	MDB_val k = {strlen(id), (void *)id}, v;
	const unsigned char *p;
	int rc;

	rc = store_get(t, STORE_DB_PLANS, &k, &v, e);
	if (rc != 0)
		return rc;
	p = v.mv_data;
	if (v.mv_size != 5 || p[0] != CODEC_FORMAT || be32_get(p + 1) == 0)
		return store_corrupt(e, STORE_DB_PLANS, &k);
	*version = be32_get(p + 1);
	return 0;
}

static int
plan_decode(const char *id, uint32_t version, const MDB_val *k, const MDB_val *v,
            struct store_plan *out, struct dberr *e)
{
	struct store_plan p;
	struct dec d;
	char *sha, *calsha;
	size_t shalen = 0, calshalen = 0;
	uint32_t ncal, ntpl;
	uint8_t kept;
	bool old;

	memset(&p, 0, sizeof(p));
	dec_init(&d, v->mv_data, v->mv_size);
	dec_format(&d);
	p.loaded_at = dec_i64(&d);
	sha = dec_bytes(&d, &shalen);
	p.source = dec_bytes(&d, &p.source_len);
	p.path = dec_str(&d);
	/* a schema-2 value ends here (read as it is by a read-only open, before the upgrade
	 * a writer makes): no calendars, no calendar hash */
	old = !d.bad && d.left == 0;
	calsha = old ? xstrdup("") : dec_bytes(&d, &calshalen);
	ncal = old ? 0 : dec_u32(&d);
	/* each calendar takes at least three 4-byte lengths: a count the value cannot hold
	 * is damage, not an allocation to make */
	if (ncal > d.left / 12)
		d.bad = true;
	else if (ncal > 0)
		p.calendars = xcalloc(ncal, sizeof(*p.calendars));
	for (uint32_t i = 0; !d.bad && i < ncal; i++) {
		p.calendars[i].name = dec_str(&d);
		p.calendars[i].path = dec_str(&d);
		p.calendars[i].source = dec_bytes(&d, &p.calendars[i].source_len);
		p.ncalendars++;
	}
	/* a schema-6 value ends here: its templates were not kept */
	old = !d.bad && d.left == 0;
	kept = old ? 0 : dec_u8(&d);
	ntpl = old ? 0 : dec_u32(&d);
	/* each template takes at least two 4-byte lengths */
	if (kept > 1 || ntpl > d.left / 8)
		d.bad = true;
	else if (ntpl > 0)
		p.templates = xcalloc(ntpl, sizeof(*p.templates));
	p.templates_kept = kept == 1;
	for (uint32_t i = 0; !d.bad && i < ntpl; i++) {
		p.templates[i].kind = dec_str(&d);
		p.templates[i].source = dec_bytes(&d, &p.templates[i].source_len);
		p.ntemplates++;
	}
	if (!dec_done(&d) || shalen >= sizeof(p.sha256) || calshalen >= sizeof(p.sha256)) {
		free(sha);
		free(calsha);
		store_plan_release(&p);
		return store_corrupt(e, STORE_DB_PLAN_VERSIONS, k);
	}
	memcpy(p.sha256, sha, shalen + 1);
	memcpy(p.calendar_sha256, calsha, calshalen + 1);
	free(sha);
	free(calsha);
	p.id = xstrdup(id);
	p.version = version;
	*out = p;
	return 0;
}

int
store_plan_get(struct store_txn *t, const char *id, uint32_t version,
               struct store_plan *out, struct dberr *e)
{
	struct buf key = BUF_INIT;
	MDB_val k, v;
	int rc;

	if (version == 0) {
		rc = current_version(t, id, &version, e);
		if (rc != 0)
			goto out;
	}
	version_key(&key, id, version);
	k = (MDB_val){key.len, key.data};
	rc = store_get(t, STORE_DB_PLAN_VERSIONS, &k, &v, e);
	if (rc == 0)
		rc = plan_decode(id, version, &k, &v, out, e);
out:
	if (rc == DB_ENOTFOUND)
		dberr_set(e, rc, "no plan %s%s", id, version ? " at that version" : "");
	buf_release(&key);
	return rc;
}

void
store_plan_release(struct store_plan *p)
{
	if (p == NULL)
		return;
	free(p->id);
	free(p->source);
	free(p->path);
	for (size_t i = 0; i < p->ncalendars; i++) {
		free(p->calendars[i].name);
		free(p->calendars[i].path);
		free(p->calendars[i].source);
	}
	free(p->calendars);
	for (size_t i = 0; i < p->ntemplates; i++) {
		free(p->templates[i].kind);
		free(p->templates[i].source);
	}
	free(p->templates);
	memset(p, 0, sizeof(*p));
}

struct plan_each_ctx {
	struct store_txn *t;
	int (*cb)(const struct store_plan *, void *);
	void *arg;
};

static int
plan_each_one(const MDB_val *k, const MDB_val *v, void *arg, bool *stop, struct dberr *e)
{
	struct plan_each_ctx *c = arg;
	struct store_plan p;
	char *id = xstrndup(k->mv_data, k->mv_size);
	int rc;

	(void)v;
	(void)stop;
	rc = store_plan_get(c->t, id, 0, &p, e);
	if (rc == DB_ENOTFOUND) {
		/* plans points at a version that is not there */
		if (e != NULL)
			dberr_clear(e);
		rc = store_corrupt(e, STORE_DB_PLANS, k);
	}
	if (rc == 0) {
		rc = c->cb(&p, c->arg);
		store_plan_release(&p);
	}
	free(id);
	return rc;
}

int
store_plan_each(struct store_txn *t, int (*cb)(const struct store_plan *, void *),
                void *arg, struct dberr *e)
{
	struct plan_each_ctx c = {t, cb, arg};

	return store_scan(t, STORE_DB_PLANS, NULL, 0, NULL, 0, plan_each_one, &c, e);
}
