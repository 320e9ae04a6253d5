/*
 * digest.c - one message a day per recipient of a digest role (configuration `digest:
 * [county_epb]`): "a county department that wants one clear reminder, not ten".
 *
 * A notice's digest recipients are left out of its own delivery (their per-recipient state
 * says "digest") and a line for it is kept in the store's meta database under the
 * recipient and the digest's day (engine/notice/digest_note.c). The digest of a day goes
 * out at the plan's notify_at, after every notice due at that same instant (the due index
 * orders digests after task entries and warnings), and lists every notice since the
 * previous one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "engine/rules/rules.h"

int
digest_fire(struct engine *en, struct store_txn *txn, const struct store_due *d, bool late,
            struct dberr *e)
{
	char plan_id[128], date[16], addr[512], count[24], *text = NULL, *nkey = NULL;
	const struct engine_plan *ep;
	struct buf items = BUF_INIT;
	const char **tasks = NULL;
	size_t ntasks = 0, cap = 0;
	struct notice_var vars[3];
	const char *unit = NULL;
	struct notice_req r = {0};
	const char *to[1];
	int rc;

	if (sscanf(d->task, NOTICE_DIGEST_PREFIX "%127[^#]#%15[^#]#%511s", plan_id, date,
	           addr) != 3 ||
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
		char *f[5] = {line, NULL, NULL, NULL, NULL};

		for (int k = 1; k < 5 && f[k - 1]; k++) {
			f[k] = strchr(f[k - 1], '\t');
			if (f[k])
				*f[k]++ = '\0';
		}
		if (f[3] == NULL)
			continue;
		if (f[4] != NULL && unit == NULL)
			unit = f[4];
		tasks = xgrow(tasks, &cap, ntasks + 1, sizeof(*tasks));
		tasks[ntasks++] = f[1];
		/* each notice by its title (its Subject), numbered as a list in a letter is */
		buf_printf(&items, "%s　　%zu. %s", ntasks > 1 ? "\n" : "", ntasks, f[3]);
	}
	if (ntasks == 0)
		goto out;
	snprintf(count, sizeof(count), "%zu", ntasks);
	vars[0] = (struct notice_var){"items", buf_str(&items)};
	vars[1] = (struct notice_var){"item_count", count};
	vars[2] = (struct notice_var){"addressee", unit ? unit : addr};
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
	r.nvars = 3;
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
