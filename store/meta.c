/*
 * meta.c - small named values as text: the schema version, the store's clock and zone.
 * Text rather than the binary codec, so `mdb_dump` shows them as they are meant.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "store/store_int.h"

int
store_meta_get(struct store_txn *t, const char *name, char **out, struct dberr *e)
{
	MDB_val k = {strlen(name), (void *)name}, v;
	int rc;

	rc = store_get(t, STORE_DB_META, &k, &v, e);
	if (rc == DB_ENOTFOUND)
		return dberr_set(e, DB_ENOTFOUND, "store has no meta value %s", name);
	if (rc != 0)
		return rc;
	*out = xstrndup(v.mv_data, v.mv_size);
	return 0;
}

int
store_meta_put(struct store_txn *t, const char *name, const char *val, struct dberr *e)
{
	MDB_val k = {strlen(name), (void *)name}, v = {strlen(val), (void *)val};

	return store_put(t, STORE_DB_META, &k, &v, 0, e);
}

struct meta_each_ctx {
	int (*cb)(const char *name, const char *val, void *arg);
	void *arg;
};

static int
meta_each_one(const MDB_val *k, const MDB_val *v, void *arg, bool *stop, struct dberr *e)
{
	struct meta_each_ctx *c = arg;
	char *name = xstrndup(k->mv_data, k->mv_size), *val = xstrndup(v->mv_data, v->mv_size);
	int rc = c->cb(name, val, c->arg);

	(void)stop;
	(void)e;
	free(name);
	free(val);
	return rc;
}

int
store_meta_each(struct store_txn *t, const char *prefix,
                int (*cb)(const char *name, const char *val, void *arg), void *arg,
                struct dberr *e)
{
	struct meta_each_ctx c = {cb, arg};

	return store_scan(t, STORE_DB_META, NULL, 0, prefix, strlen(prefix), meta_each_one, &c,
	                  e);
}

/* "clock" holds "MODE NOW ZONE": real|virtual, decimal UTC seconds, an IANA zone name. */
int
store_clock_get(struct store_txn *t, struct store_clock *out, struct dberr *e)
{
	struct store_clock c;
	char *text = NULL, *p, *end;
	int rc;

	rc = store_meta_get(t, "clock", &text, e);
	if (rc != 0)
		return rc;
	memset(&c, 0, sizeof(c));
	if (strncmp(text, "real ", 5) == 0) {
		c.mode = STORE_CLOCK_REAL;
		p = text + 5;
	} else if (strncmp(text, "virtual ", 8) == 0) {
		c.mode = STORE_CLOCK_VIRTUAL;
		p = text + 8;
	} else {
		goto bad;
	}
	errno = 0;
	c.now = strtoll(p, &end, 10);
	if (errno != 0 || end == p || *end != ' ')
		goto bad;
	p = end + 1;
	if (strlen(p) >= sizeof(c.tz))
		goto bad;
	memcpy(c.tz, p, strlen(p) + 1);
	free(text);
	*out = c;
	return 0;
bad:
	free(text);
	return dberr_set(e, DB_ESTORE, "corrupted clock in store meta");
}

int
store_clock_put(struct store_txn *t, const struct store_clock *c, struct dberr *e)
{
	char text[128];

	if (memchr(c->tz, '\0', sizeof(c->tz)) == NULL)
		return dberr_set(e, DB_EDATA, "clock zone name is not terminated");
	snprintf(text, sizeof(text), "%s %" PRId64 " %s",
	         c->mode == STORE_CLOCK_VIRTUAL ? "virtual" : "real", c->now, c->tz);
	return store_meta_put(t, "clock", text, e);
}
