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

/* Texts of the notices a digest carries, numbered, each whole as it was worded. */
static void
digest_items(struct store_txn *txn, char *const *keys, size_t n, struct buf *items)
{
	static const char *const numerals[] = {"一", "二", "三", "四", "五", "六", "七", "八",
	                                       "九", "十"};

	for (size_t i = 0; i < n; i++) {
		char *bk = xasprintf(NOTICE_DIGEST_BODY "%s", keys[i]), *text = NULL;
		struct dberr ignored;

		dberr_clear(&ignored);
		if (i < 10)
			buf_printf(items, "%s（%s）", i ? "\n\n" : "", numerals[i]);
		else
			buf_printf(items, "\n\n（%zu）", i + 1);
		if (store_meta_get(txn, bk, &text, &ignored) == 0) {
			size_t len = strlen(text);

			while (len > 0 && text[len - 1] == '\n')
				text[--len] = '\0';
			buf_puts(items, text);
		}
		free(text);
		free(bk);
	}
}

int
digest_fire(struct engine *en, struct store_txn *txn, const struct store_due *d, bool late,
            struct dberr *e)
{
	char plan_id[128], date[16], addr[512], count[24], *text = NULL, *nkey = NULL;
	const struct engine_plan *ep;
	struct buf items = BUF_INIT;
	const char **tasks = NULL;
	char **keys = NULL, *one_subject = NULL, *one_body = NULL;
	size_t ntasks = 0, cap = 0, capk = 0;
	struct notice_var vars[3];
	const char *unit = NULL;
	struct notice_req r = {0};
	struct task_forms forms = {0};
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
		keys = xgrow(keys, &capk, ntasks + 1, sizeof(*keys));
		keys[ntasks] = f[0];
		tasks[ntasks++] = f[1];
		/* the forms the day's reminders and start notices name as their 附件 */
		if ((strcmp(f[2], "reminder") == 0 || strcmp(f[2], "start") == 0) &&
		    (rc = task_forms_add_key(en, txn, ep, f[1], &forms, e)) != 0)
			goto out;
	}
	if (ntasks == 0)
		goto out;
	if (ntasks == 1) {
		/* one notice that day: it goes as itself, worded as it was */
		char *bk = xasprintf(NOTICE_DIGEST_BODY "%s", keys[0]);
		struct dberr ignored;

		dberr_clear(&ignored);
		if (store_meta_get(txn, bk, &one_body, &ignored) == 0) {
			size_t tl = strcspn(one_body, "\n");

			one_subject = xstrndup(one_body, tl);
		}
		free(bk);
	}
	digest_items(txn, keys, ntasks, &items);
	snprintf(count, sizeof(count), "%zu", ntasks);
	vars[0] = (struct notice_var){"items", buf_str(&items)};
	vars[1] = (struct notice_var){"item_count", count};
	vars[2] = (struct notice_var){"addressee", unit ? unit : addr};
	to[0] = addr;
	nkey = notice_digest_message_key(plan_id, date, addr);
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
	r.carries = (const char *const *)keys;
	r.ncarries = ntasks;
	if (one_subject != NULL) {
		/* the text kept begins with its title, as every notice's does */
		r.text_subject = one_subject;
		r.text_body = one_body;
	}
	task_forms_attach(&forms, &r);
	rc = notice_queue(en, txn, &r, e);
	if (rc == 0)
		rc = store_meta_put(txn, d->task, "", e); /* collected: an empty list */
out:
	free(text);
	free(nkey);
	free(tasks);
	free(keys);
	free(one_subject);
	free(one_body);
	task_forms_release(&forms);
	buf_release(&items);
	return rc;
}
