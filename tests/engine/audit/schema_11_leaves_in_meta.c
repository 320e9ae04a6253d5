/*
 * schema_11_leaves_in_meta.c - a store of schema 11 keeps its audit records plain and each
 * leaf hash as hex in meta ("audit/leaf/<seq>"); schema 12 packs new records with their
 * leaf. The schema-11 store here is made as schema 11 made it: plain records
 * (store_audit_append writes that layout still), their leaves and frontier in meta by
 * hand, the version set back to 11. A read-only open verifies it as it is; the first
 * writer's open makes it schema 12 and rewrites none of it; records appended then are
 * packed, keep their leaf, read back as given, and `audit verify` checks old and new
 * together, naming a changed old leaf.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "engine/audit/audit.h"
#include "lib/test.h"

#define OLD 4 /* records of schema 11 */
#define NEW 3 /* appended after the upgrade */

static struct store_audit
record(uint64_t i, char *task, size_t tn, char *details, size_t dn)
{
	struct store_audit a = {
		.seq = i,
		.real_time = 1500000000 + (int64_t)i,
		.clock_time = 1483200000 + 60 * (int64_t)i,
		.actor = "测试",
		.action = i % 2 ? "notice.queue" : "task.lapse",
		.task = task,
		.subject = "fukang-city",
		.from_state = "",
		.to_state = "queued",
		.details = details,
	};

	snprintf(task, tn, "p/m/fukang-city/%06" PRIu64, i);
	/* a queued notice's details are long (deflated when kept), a lapse's short (kept as
	 * they are): both layouts of a record with its leaf */
	snprintf(details, dn, "{\"key\":\"%s#overdue#0\",\"n\":%" PRIu64 ",\"note\":\"a\\\"b\\n\"%s}",
	         task, i, i % 2 ? ",\"sha256\":\"aaed3a9325b9ff6173db1cf3ee7c9dbc60dc36c62ad3513ab8cad"
	                          "98828a73734\",\"eml\":\"20300301T020000Z-p_m_fukang-city_overdue_0"
	                          "-7c1828c704e2bfd62aed856ea4950f1f.eml\",\"message_id\":\"<7c1828c"
	                          "704e2bfd62aed856ea4950f1f98fcd8c7@dabiao>\"" : "");
	return a;
}

static void
leaf_key(uint64_t seq, char out[40])
{
	snprintf(out, 40, "audit/leaf/%020" PRIu64, seq);
}

/* schema 11's bytes: plain records, hex leaves and the frontier in meta */
static int
old_txn(struct store_txn *t, void *arg, struct dberr *e)
{
	struct audit_frontier f;
	char *text;
	int rc;

	(void)arg;
	audit_frontier_init(&f);
	for (uint64_t i = 1; i <= OLD; i++) {
		char task[64], details[512], key[40], hex[2 * AUDIT_HASH_LEN + 1];
		struct store_audit a = record(i, task, sizeof(task), details, sizeof(details));
		uint8_t leaf[AUDIT_HASH_LEN];
		uint64_t seq = 0;

		if ((rc = store_audit_append(t, &a, &seq, e)) != 0)
			return rc;
		ASSERT_EQ(seq, i);
		audit_record_leaf(&a, leaf);
		audit_hex(leaf, AUDIT_HASH_LEN, hex);
		leaf_key(i, key);
		if ((rc = store_meta_put(t, key, hex, e)) != 0)
			return rc;
		audit_frontier_push(&f, leaf);
	}
	text = audit_frontier_format(&f);
	rc = store_meta_put(t, "audit/frontier", text, e);
	free(text);
	return rc != 0 ? rc : store_meta_put(t, "schema", "11", e);
}

static int
new_txn(struct store_txn *t, void *arg, struct dberr *e)
{
	(void)arg;
	for (uint64_t i = OLD + 1; i <= OLD + NEW; i++) {
		char task[64], details[512];
		struct store_audit a = record(i, task, sizeof(task), details, sizeof(details));
		uint64_t seq = 0;
		int rc;

		if ((rc = audit_append(t, &a, &seq, e)) != 0)
			return rc;
		ASSERT_EQ(seq, i);
	}
	return 0;
}

struct seen {
	char schema[16];
	int verify_rc;
	struct audit_verification v;
	char msg[1100];
};

static int
look_txn(struct store_txn *t, void *arg, struct dberr *e)
{
	struct seen *s = arg;
	char *schema = NULL;
	struct dberr ve;
	int rc;

	if ((rc = store_meta_get(t, "schema", &schema, e)) != 0)
		return rc;
	snprintf(s->schema, sizeof(s->schema), "%s", schema);
	free(schema);
	dberr_clear(&ve);
	memset(&s->v, 0, sizeof(s->v));
	s->verify_rc = audit_verify(t, NULL, NULL, &s->v, &ve);
	snprintf(s->msg, sizeof(s->msg), "%s", ve.msg);
	return 0;
}

/* Every record reads back as given; the packed ones keep their leaf, the plain ones none. */
static int
read_txn(struct store_txn *t, void *arg, struct dberr *e)
{
	(void)arg;
	for (uint64_t i = 1; i <= OLD + NEW; i++) {
		char task[64], details[512];
		struct store_audit want = record(i, task, sizeof(task), details, sizeof(details)), got;
		uint8_t leaf[AUDIT_HASH_LEN], kept[AUDIT_HASH_LEN];
		int rc;

		if ((rc = store_audit_get(t, i, &got, e)) != 0)
			return rc;
		ASSERT_EQ(got.seq, i);
		ASSERT_EQ(got.real_time, want.real_time);
		ASSERT_EQ(got.clock_time, want.clock_time);
		ASSERT_STR_EQ(got.actor, want.actor);
		ASSERT_STR_EQ(got.action, want.action);
		ASSERT_STR_EQ(got.task, want.task);
		ASSERT_STR_EQ(got.to_state, want.to_state);
		ASSERT_STR_EQ(got.details, want.details);
		store_audit_release(&got);
		rc = store_audit_leaf(t, i, kept, e);
		if (i <= OLD) {
			ASSERT_EQ(rc, DB_ENOTFOUND);
		} else {
			ASSERT_EQ(rc, 0);
			audit_record_leaf(&want, leaf);
			ASSERT_EQ(memcmp(kept, leaf, AUDIT_HASH_LEN), 0);
		}
	}
	return 0;
}

static int
damage_txn(struct store_txn *t, void *arg, struct dberr *e)
{
	char key[40];

	(void)arg;
	leaf_key(2, key);
	return store_meta_put(t, key, "00000000000000000000000000000000"
	                              "00000000000000000000000000000000", e);
}

int
main(void)
{
	char *dir = test_tmpdir();
	struct store *s = NULL;
	struct seen seen;
	struct dberr e;
	char want[16];

	dberr_clear(&e);
	ASSERT_EQ(store_open(dir, STORE_CREATE, &s, &e), 0);
	ASSERT_EQ(store_write(s, old_txn, NULL, &e), 0);
	store_close(s);

	/* read-only: schema 11 as it is, and it verifies through its meta leaves */
	ASSERT_EQ(store_open(dir, STORE_RDONLY, &s, &e), 0);
	ASSERT_EQ(store_read(s, look_txn, &seen, &e), 0);
	ASSERT_STR_EQ(seen.schema, "11");
	ASSERT_EQ(seen.verify_rc, 0);
	ASSERT_EQ(seen.v.size, OLD);
	ASSERT_EQ(seen.v.stored_size, OLD);
	store_close(s);

	/* the first writer upgrades; new records are packed beside the old plain ones */
	ASSERT_EQ(store_open(dir, 0, &s, &e), 0);
	ASSERT_EQ(store_write(s, new_txn, NULL, &e), 0);
	ASSERT_EQ(store_read(s, read_txn, NULL, &e), 0);
	ASSERT_EQ(store_read(s, look_txn, &seen, &e), 0);
	snprintf(want, sizeof(want), "%d", STORE_SCHEMA_VERSION);
	ASSERT_STR_EQ(seen.schema, want);
	ASSERT_EQ(seen.verify_rc, 0);
	ASSERT_EQ(seen.v.size, OLD + NEW);
	ASSERT_EQ(seen.v.stored_size, OLD + NEW);

	/* an old record's leaf changed in meta is named */
	ASSERT_EQ(store_write(s, damage_txn, NULL, &e), 0);
	ASSERT_EQ(store_read(s, look_txn, &seen, &e), 0);
	ASSERT_EQ(seen.verify_rc, DB_EDATA);
	ASSERT_STR_CONTAINS(seen.msg, "record 2: leaf hash does not match");
	store_close(s);
	free(dir);
	printf("ok: a schema-11 audit trail upgraded, packed records appended, all verified\n");
	return 0;
}
