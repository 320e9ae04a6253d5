/*
 * A notice the message builder refuses (an address it cannot write) does not fail the
 * transaction that queues it (issue 9, defect 8: one bad value stopped every plan): it is
 * kept as failed with the reason, its neighbours in the same transaction are queued, and
 * the admin is told once for the cause, however many notices share it. The addresses go
 * straight into the request, so the test does not depend on what import accepts.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/notice/notice.h"
#include "lib/test.h"

static const char plan_src[] =
	"plan: ub\n"
	"title: t\n"
	"timezone: Asia/Shanghai\n"
	"roles:\n"
	"  county_epb: {title: c, per: jurisdiction}\n"
	"phases:\n"
	"  - id: p\n"
	"    title: p\n"
	"    milestones:\n"
	"      - id: m\n"
	"        title: m\n"
	"        owner: county_epb\n"
	"        for: each jurisdiction\n"
	"        due: 2017-02-15\n";

struct ctx {
	struct engine *en;
	const struct engine_plan *ep;
};

static int
queue_three(struct store_txn *txn, void *arg, struct dberr *e)
{
	static const char *const good[] = {"good@x.example"};
	static const char *const bad[] = {"a..b@x.example"};
	static const struct {
		const char *key;
		const char *const *to;
	} v[] = {{"ub/k1#reminder#0", bad}, {"ub/k2#reminder#0", good}, {"ub/k3#reminder#0", bad}};
	struct ctx *c = arg;

	for (size_t i = 0; i < 3; i++) {
		struct notice_req r = {0};
		int rc;

		r.ep = c->ep;
		r.kind = "reminder";
		r.fallback = "reminder";
		r.key = v[i].key;
		r.subject = "j";
		r.scheduled = 1487116800;
		r.to_addrs = v[i].to;
		r.nto_addrs = 1;
		if ((rc = notice_queue(c->en, txn, &r, e)) != 0)
			return rc;
	}
	return 0;
}

struct seen {
	int queued, failed, told;
	char error[1024];
	char failed_key[256]; /* a failed one; its message is read with store_notice_get (a
	                         scan of the outbox gives none) */
};

static int
each(const struct store_notice *n, void *arg)
{
	struct seen *s = arg;

	if (strcmp(n->kind, "delivery-failed") == 0) {
		ASSERT_STR_CONTAINS(n->key, "ub/unbuildable/");
		ASSERT_STR_EQ(n->state, "queued");
		s->told++;
	} else if (strcmp(n->state, "failed") == 0) {
		const char *why = store_kv_get(n->extra, n->nextra, "error");

		ASSERT(why != NULL);
		ASSERT_STR_CONTAINS(why, "a..b@x.example");
		snprintf(s->failed_key, sizeof(s->failed_key), "%s", n->key);
		snprintf(s->error, sizeof(s->error), "%s", why);
		s->failed++;
	} else {
		ASSERT_STR_EQ(n->key, "ub/k2#reminder#0");
		ASSERT_STR_EQ(n->state, "queued");
		s->queued++;
	}
	return 0;
}

static int
audit_each(const struct store_audit *a, void *arg)
{
	int *failed = arg;

	if (strcmp(a->action, "notice.failed") == 0) {
		ASSERT_STR_CONTAINS(a->details, "a..b@x.example");
		(*failed)++;
	}
	return 0;
}

static int
check_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct seen *s = arg;
	struct store_notice n;
	int rc = store_notice_each(txn, each, arg, e);
	int failed = 0;

	/* a failed notice has no bytes; the one queued beside it has its message */
	ASSERT(s->failed_key[0] != '\0');
	ASSERT_EQ(store_notice_get(txn, s->failed_key, &n, e), 0);
	ASSERT_STR_EQ(n.message, "");
	store_notice_release(&n);
	ASSERT_EQ(store_notice_get(txn, "ub/k2#reminder#0", &n, e), 0);
	ASSERT_STR_CONTAINS(n.message, "Message-ID:");
	store_notice_release(&n);
	if (rc == 0)
		rc = store_audit_each(txn, 1, audit_each, &failed, e);
	ASSERT_EQ(failed, 2);
	return rc;
}

int
main(void)
{
	struct engine_opts o = {0};
	struct config cfg;
	struct plan *p = NULL;
	struct ctx c = {0};
	struct seen s = {0};
	struct dberr e;
	char *dir = test_tmpdir(), *db;

	dberr_clear(&e);
	db = malloc(strlen(dir) + 8);
	sprintf(db, "%s/store", dir);
	ASSERT_EQ(config_load(NULL, &cfg, &e), 0);
	o.db = db;
	o.store_flags = STORE_CREATE;
	o.config = &cfg;
	o.actor = "test";
	ASSERT_EQ(engine_open(&o, &c.en, &e), 0);
	ASSERT_EQ(plan_parse_buffer("ub.yaml", plan_src, sizeof(plan_src) - 1, NULL, &p, &e), 0);
	ASSERT_EQ(engine_plan_place(c.en, p, "ub.yaml", 1, NULL, 0, &e), 0);
	c.ep = engine_plan_find(c.en, "ub");
	ASSERT(c.ep != NULL);

	/* the transaction commits: the bad notices did not take the good one down */
	ASSERT_EQ(engine_write(c.en, queue_three, &c, &e), 0);
	ASSERT_EQ(store_read(engine_store(c.en), check_txn, &s, &e), 0);
	ASSERT_EQ(s.queued, 1);
	ASSERT_EQ(s.failed, 2);
	ASSERT_EQ(s.told, 1); /* one cause, one notice to the admin */

	engine_close(c.en);
	config_release(&cfg);
	free(db);
	free(dir);
	return 0;
}
