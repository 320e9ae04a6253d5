/* store_notice_add queues a notice key once: a second add returns 1 and changes nothing,
 * even with different content; a change of delivery state (store_delivery_put) shows in
 * the notice read back, whose bytes stay as written; each lists keys in order. */
#include "store_test.h"

static char *to1[] = {"first@example.org"};
static char *to2[] = {"second@example.org", "third@example.org"};

static int
add_twice(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_notice n = {.key = "p/m/e/2017-07#remind#0", .state = "queued",
	                         .to = to1, .nto = 1, .scheduled = 10, .message = "one"};
	struct store_notice other = n;
	int *second = arg;

	ASSERT_EQ(store_notice_add(t, &n, e), 0);
	other.to = to2;
	other.nto = 2;
	other.message = "two";
	other.state = "sent";
	*second = store_notice_add(t, &other, e);
	ASSERT_EQ(e->code, 0);
	return 0;
}

static int
add_again(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_notice n = {.key = "p/m/e/2017-07#remind#0", .message = "three"};

	(void)arg;
	return store_notice_add(t, &n, e);
}

static int
check(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_notice n;
	const char *want_state = arg;

	ASSERT_OK(store_notice_get(t, "p/m/e/2017-07#remind#0", &n, e), e);
	ASSERT_STR_EQ(n.state, want_state);
	{
		ASSERT_EQ(n.nto, 1);
		ASSERT_STR_EQ(n.to[0], "first@example.org");
		ASSERT_STR_EQ(n.message, "one");
	}
	store_notice_release(&n);
	return 0;
}

static int
mark_sent(struct store_txn *t, void *arg, struct dberr *e)
{
	struct store_delivery d = {.state = STORE_DSENT, .attempts = 1, .due = 20};
	struct store_notice b = {.key = "a#deadline#0", .state = "queued"};
	int rc;

	(void)arg;
	rc = store_delivery_put(t, "p/m/e/2017-07#remind#0", &d, e);
	if (rc == 0)
		rc = store_notice_add(t, &b, e);
	return rc;
}

static int
collect(const struct store_notice *n, void *arg)
{
	int *i = arg;

	ASSERT_STR_EQ(n->key, *i == 0 ? "a#deadline#0" : "p/m/e/2017-07#remind#0");
	(*i)++;
	return 0;
}

static int
list(struct store_txn *t, void *arg, struct dberr *e)
{
	return store_notice_each(t, collect, arg, e);
}

int
main(void)
{
	char *dir;
	struct store *s = test_store_new(&dir);
	struct dberr e;
	int second = -1, n = 0;

	dberr_clear(&e);
	ASSERT_OK(store_write(s, add_twice, &second, &e), &e);
	ASSERT_EQ(second, 1);
	ASSERT_OK(store_read(s, check, "queued", &e), &e);
	/* in a later transaction too, and after a reopen */
	ASSERT_EQ(store_write(s, add_again, NULL, &e), 1);
	s = test_store_reopen(s, dir);
	ASSERT_EQ(store_write(s, add_again, NULL, &e), 1);
	ASSERT_OK(store_read(s, check, "queued", &e), &e);

	ASSERT_OK(store_write(s, mark_sent, NULL, &e), &e);
	ASSERT_OK(store_read(s, check, "sent", &e), &e);
	ASSERT_OK(store_read(s, list, &n, &e), &e);
	ASSERT_EQ(n, 2);
	store_close(s);
	test_rmtree(dir);
	free(dir);
	return 0;
}
