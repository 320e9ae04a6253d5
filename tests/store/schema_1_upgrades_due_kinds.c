/* A schema-1 store's "other" due entries (kind 5, told apart by their key's prefix) are
 * given their own kinds when a writer first opens the store: digests 6, dispatches 7,
 * delivery retries stay 5; times, steps, generations and planned times are kept, and the
 * schema becomes the current one. A read-only open changes nothing. */
#include <stdio.h>
#include <string.h>

#include "store_test.h"

static const struct store_due old_entries[] = {
	{1000, 5, "deliver#p/m/s/once#reminder#0", 0, 0, 1000},
	{1000, 5, "digest#p#2017-01-02#a@x.example", 0, 0, 990},
	{2000, 5, "dispatch#p#2017-02", 3, 7, 2000},
	{2000, 1, "p/m/s/once", 0, 2, 2000},
};
#define NOLD (sizeof(old_entries) / sizeof(old_entries[0]))

static int
write_schema_1(struct store_txn *t, void *arg, struct dberr *e)
{
	(void)arg;
	for (size_t i = 0; i < NOLD; i++)
		ASSERT_OK(store_due_put(t, &old_entries[i], e), e);
	return store_meta_put(t, "schema", "1", e);
}

struct seen {
	struct store_due v[8];
	size_t n;
};

static int
seen_cb(const struct store_due *d, void *arg)
{
	struct seen *s = arg;

	ASSERT_LT(s->n, 8);
	s->v[s->n] = *d;
	s->v[s->n].task = strdup(d->task);
	s->n++;
	return 0;
}

static int
read_all(struct store_txn *t, void *arg, struct dberr *e)
{
	return store_due_each(t, INT64_MAX, 0, seen_cb, arg, e);
}

static int
read_schema(struct store_txn *t, void *arg, struct dberr *e)
{
	return store_meta_get(t, "schema", arg, e);
}

static const struct store_due *
find(const struct seen *s, const char *task)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].task, task) == 0)
			return &s->v[i];
	return NULL;
}

static void
seen_free(struct seen *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].task);
	s->n = 0;
}

int
main(void)
{
	char *dir, *schema = NULL;
	struct store *s = test_store_new(&dir);
	struct seen seen = {0};
	const struct store_due *d;
	struct dberr e;

	dberr_clear(&e);
	ASSERT_OK(store_write(s, write_schema_1, NULL, &e), &e);
	store_close(s);

	/* read-only: read as it is, nothing rewritten */
	ASSERT_OK(store_open(dir, STORE_RDONLY, &s, &e), &e);
	ASSERT_OK(store_read(s, read_all, &seen, &e), &e);
	ASSERT_EQ(seen.n, NOLD);
	ASSERT_EQ(find(&seen, "digest#p#2017-01-02#a@x.example")->kind, 5);
	ASSERT_OK(store_read(s, read_schema, &schema, &e), &e);
	ASSERT_STR_EQ(schema, "1");
	free(schema);
	seen_free(&seen);
	store_close(s);

	/* the first writer upgrades */
	ASSERT_OK(store_open(dir, 0, &s, &e), &e);
	ASSERT_OK(store_read(s, read_all, &seen, &e), &e);
	ASSERT_EQ(seen.n, NOLD);
	d = find(&seen, "deliver#p/m/s/once#reminder#0");
	ASSERT(d != NULL);
	ASSERT_EQ(d->kind, STORE_DUE_RETRY);
	d = find(&seen, "digest#p#2017-01-02#a@x.example");
	ASSERT(d != NULL);
	ASSERT_EQ(d->kind, STORE_DUE_DIGEST);
	ASSERT_EQ(d->at, 1000);
	ASSERT_EQ(d->planned, 990);
	d = find(&seen, "dispatch#p#2017-02");
	ASSERT(d != NULL);
	ASSERT_EQ(d->kind, STORE_DUE_DISPATCH);
	ASSERT_EQ(d->step, 3);
	ASSERT_EQ(d->gen, 7);
	d = find(&seen, "p/m/s/once");
	ASSERT(d != NULL);
	ASSERT_EQ(d->kind, STORE_DUE_DEADLINE);
	/* the order at one instant is kept: retry, digest (5 < 6), then at 2000 the deadline
	 * before the dispatch */
	ASSERT_STR_EQ(seen.v[0].task, "deliver#p/m/s/once#reminder#0");
	ASSERT_STR_EQ(seen.v[1].task, "digest#p#2017-01-02#a@x.example");
	ASSERT_STR_EQ(seen.v[2].task, "p/m/s/once");
	ASSERT_STR_EQ(seen.v[3].task, "dispatch#p#2017-02");
	ASSERT_OK(store_read(s, read_schema, &schema, &e), &e);
	{
		char want[16];

		snprintf(want, sizeof(want), "%d", STORE_SCHEMA_VERSION);
		ASSERT_STR_EQ(schema, want);
	}
	free(schema);
	seen_free(&seen);
	store_close(s);
	test_rmtree(dir);
	free(dir);
	return 0;
}
