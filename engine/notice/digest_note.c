/*
 * digest_note.c - a notice kept for a recipient's daily digest: one line in the store's
 * meta database under the digest's key, and the digest's due entry (notice.h gives the
 * format; engine/rules/digest.c sends the digest).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "engine/notice/notice_int.h"

char *
notice_digest_message_key(const char *plan, const char *date, const char *addr)
{
	return xasprintf("%s/digest/%s/%s", plan, date, addr);
}

char *
notice_digest_key_for(const struct engine_plan *ep, int64_t scheduled, const char *addr)
{
	char *key;
	int64_t at;

	notice_digest_place(ep, scheduled, addr, NULL, &key, &at);
	return key;
}

void
notice_digest_place(const struct engine_plan *ep, int64_t scheduled, const char *addr,
                    char **meta_key, char **msg_key, int64_t *at)
{
	int32_t day;
	char date[16];

	*at = schedule_hold(ep, "digest", schedule_next_notify_at(ep, scheduled));
	tz_utc_to_local(ep->tz, *at, &day, NULL, NULL);
	cal_format_date(day, date);
	if (meta_key != NULL)
		*meta_key = xasprintf(NOTICE_DIGEST_PREFIX "%s#%s#%s", ep->plan->id, date, addr);
	if (msg_key != NULL)
		*msg_key = notice_digest_message_key(ep->plan->id, date, addr);
}

bool
notice_digest_in_time(const struct engine_plan *ep, int64_t scheduled, int64_t deadline)
{
	int64_t at = schedule_hold(ep, "digest", schedule_next_notify_at(ep, scheduled));
	int32_t made, leaves;

	tz_utc_to_local(ep->tz, scheduled, &made, NULL, NULL);
	tz_utc_to_local(ep->tz, at, &leaves, NULL, NULL);
	if (made != leaves)
		return false;
	return deadline == 0 || scheduled > deadline || at <= deadline;
}

int
notice_digest_add(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
               const struct store_notice *n, const char *subject_line, const char *addr,
               const char *unit, struct dberr *e)
{
	int64_t at;
	char *key, *text = NULL, *line;
	struct buf b = BUF_INIT;
	int rc;

	(void)en;
	notice_digest_place(ep, n->scheduled, addr, &key, NULL, &at);
	rc = store_meta_get(txn, key, &text, e);
	if (rc == DB_ENOTFOUND) {
		dberr_clear(e);
		rc = 0;
	}
	if (rc != 0)
		goto out;
	if (text != NULL)
		buf_puts(&b, text);
	/* one line per notice: key, task, kind, subject line, addressee unit (tabs and newlines
	 * cannot occur in keys; the subject line is one line by construction; a unit is a
	 * registry name, which holds no tab) */
	line = xasprintf("%s\t%s\t%s\t%s\t%s\n", n->key, n->ntasks ? n->tasks[0] : "", n->kind,
	                 subject_line, unit);
	buf_puts(&b, line);
	free(line);
	rc = store_meta_put(txn, key, buf_str(&b), e);
	if (rc == 0 && text == NULL) {
		struct store_due d = {0};

		d.at = d.planned = at;
		d.kind = STORE_DUE_DIGEST;
		d.task = key;
		rc = store_due_put(txn, &d, e);
	}
out:
	free(key);
	free(text);
	buf_release(&b);
	return rc;
}
