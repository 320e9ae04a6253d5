/*
 * digest.c - one message a day per recipient of a digest role (configuration `digest:
 * [county_epb]`): "a county department that wants one clear reminder, not ten".
 *
 * A notice's digest recipients are left out of its own delivery (their per-recipient state
 * says "digest") and a line for it is kept in the store's meta database under the
 * recipient and the digest's day. The digest of a day goes out at the plan's notify_at,
 * after every notice due at that same instant (the due index orders other entries last),
 * and lists every notice since the previous one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/buf.h"
#include "engine/base/xalloc.h"
#include "engine/engine.h"

int
digest_collect(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
               const struct store_notice *n, const char *subject_line, const char *addr,
               struct dberr *e)
{
	int64_t at = schedule_next_notify_at(ep, n->scheduled);
	int32_t day;
	char date[16], *key, *text = NULL, *line;
	struct buf b = BUF_INIT;
	int rc;

	(void)en;
	tz_utc_to_local(ep->tz, at, &day, NULL, NULL);
	cal_format_date(day, date);
	key = xasprintf("digest#%s#%s#%s", ep->plan->id, date, addr);
	rc = store_meta_get(txn, key, &text, e);
	if (rc == DB_ENOTFOUND) {
		dberr_clear(e);
		rc = 0;
	}
	if (rc != 0)
		goto out;
	if (text != NULL)
		buf_puts(&b, text);
	/* one line per notice: key, task, kind, subject line (tabs and newlines cannot occur
	 * in keys; the subject line is one line by construction) */
	line = xasprintf("%s\t%s\t%s\t%s\n", n->key, n->ntasks ? n->tasks[0] : "", n->kind,
	                 subject_line);
	buf_puts(&b, line);
	free(line);
	rc = store_meta_put(txn, key, buf_str(&b), e);
	if (rc == 0 && text == NULL) {
		struct store_due d = {0};

		d.at = d.planned = at;
		d.kind = STORE_DUE_OTHER;
		d.task = key;
		rc = store_due_put(txn, &d, e);
	}
out:
	free(key);
	free(text);
	buf_release(&b);
	return rc;
}

int
digest_fire(struct engine *en, struct store_txn *txn, const struct store_due *d, bool late,
            struct dberr *e)
{
	char plan_id[128], date[16], addr[512], count[24], *text = NULL, *nkey = NULL;
	const struct engine_plan *ep;
	struct buf items = BUF_INIT;
	const char **tasks = NULL;
	size_t ntasks = 0, cap = 0;
	struct notice_var vars[2];
	struct notice_req r = {0};
	const char *to[1];
	int rc;

	if (sscanf(d->task, "digest#%127[^#]#%15[^#]#%511s", plan_id, date, addr) != 3 ||
	    (ep = engine_plan_find(en, plan_id)) == NULL)
		return 0;
	rc = store_meta_get(txn, d->task, &text, e);
	if (rc == DB_ENOTFOUND) {
		dberr_clear(e);
		return 0;
	}
	if (rc != 0)
		return rc;
	for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		char *f[4] = {line, NULL, NULL, NULL};

		for (int k = 1; k < 4 && f[k - 1]; k++) {
			f[k] = strchr(f[k - 1], '\t');
			if (f[k])
				*f[k]++ = '\0';
		}
		if (f[3] == NULL)
			continue;
		tasks = xgrow(tasks, &cap, ntasks + 1, sizeof(*tasks));
		tasks[ntasks++] = f[1];
		buf_printf(&items, "%s%zu. %s（%s）", ntasks > 1 ? "\n" : "", ntasks, f[3], f[1]);
	}
	if (ntasks == 0)
		goto out;
	snprintf(count, sizeof(count), "%zu", ntasks);
	vars[0] = (struct notice_var){"items", buf_str(&items)};
	vars[1] = (struct notice_var){"item_count", count};
	to[0] = addr;
	nkey = xasprintf("%s/digest/%s/%s", plan_id, date, addr);
	r.ep = ep;
	r.kind = "digest";
	r.fallback = "digest";
	r.key = nkey;
	r.subject = plan_id;
	r.tasks = tasks;
	r.ntasks = ntasks;
	r.scheduled = d->planned;
	r.late = late;
	r.vars = vars;
	r.nvars = 2;
	r.to_addrs = to;
	r.nto_addrs = 1;
	rc = notice_queue(en, txn, &r, e);
	if (rc == 0)
		rc = store_meta_put(txn, d->task, "", e); /* collected: an empty list */
out:
	free(text);
	free(nkey);
	free(tasks);
	buf_release(&items);
	return rc;
}
