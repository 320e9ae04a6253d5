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

/* Whether line (len bytes) is a 成文日期 as notices write it: YYYY年M月D日. */
static bool
issued_date_line(const char *line, size_t len)
{
	int y, mo, d, n = 0;
	char *copy = xstrndup(line, len);
	bool ok = sscanf(copy, "%4d年%2d月%2d日%n", &y, &mo, &d, &n) == 3 && (size_t)n == len;

	free(copy);
	return ok;
}

/* Cuts a notice's closing, which the digest has once at its end: its last paragraph when
 * it is the system's note, one line in （） (此件由调度系统自动发送…), then its last
 * paragraph when it is the 落款 and 成文日期, two lines ending in a date. Each item kept it
 * and a digest of two read as three signed letters (review 12c, L10). */
static void
cut_closing(char *text)
{
	size_t len = strlen(text), i;

	for (int step = 0; step < 2; step++) {
		const char *p, *nl;

		while (len > 0 && text[len - 1] == '\n')
			text[--len] = '\0';
		/* the last paragraph: after the last empty line */
		for (i = len; i >= 2 && !(text[i - 1] == '\n' && text[i - 2] == '\n'); i--)
			;
		if (i < 2)
			return;
		p = text + i;
		nl = strchr(p, '\n');
		if (step == 0 && (strncmp(p, "（", strlen("（")) != 0 || nl != NULL ||
		                  len - i < strlen("）") ||
		                  strcmp(text + len - strlen("）"), "）") != 0))
			continue; /* no note: look for the 落款 */
		if (step == 1 && (nl == NULL || strchr(nl + 1, '\n') != NULL ||
		                  !issued_date_line(nl + 1, strlen(nl + 1))))
			return;
		len = i;
		text[len] = '\0';
	}
	while (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';
}

/* How urgent a notice of this kind is in a day's digest: the later the step of an escalation
 * ladder that sends it, the higher (督办 after 3 working days above 逾期 the day after);
 * -1 for a kind no ladder sends (a reminder, a start notice). */
static int
kind_rank(const struct plan *p, const char *kind)
{
	int best = -1;

	for (size_t i = 0; i < p->nescalations; i++)
		for (size_t j = 0; j < p->escalations[i].nsteps; j++)
			if (strcmp(p->escalations[i].steps[j].kind, kind) == 0 && (int)j > best)
				best = (int)j;
	return best;
}

/* The order the day's notices are listed in: the most urgent kind first, and within a kind
 * as they were made (a stable insertion sort of indexes: a day's notices are tens). A
 * plan that groups escalations (review12z, Z12: 27 of them to the detachment on one day)
 * must not bury the one that asks it to act under the day's reminders. */
static void
digest_order(const struct plan *p, char *const *kinds, size_t n, size_t *order)
{
	int *rank = xcalloc(n ? n : 1, sizeof(*rank));

	for (size_t i = 0; i < n; i++) {
		size_t j = i;

		rank[i] = kind_rank(p, kinds[i]);
		for (; j > 0 && rank[order[j - 1]] < rank[i]; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	free(rank);
}

/* item_kinds: how many of each kind the digest carries, in its order: 均为督办通知 (one
 * kind), else 其中督办通知2份、逾期通知1份、提醒3份 (the kinds' titles, notice_kind_zh). */
static void
digest_kinds(char *const *kinds, const size_t *order, size_t n, struct buf *out)
{
	size_t shown = 0;

	for (size_t i = 0; i < n; i++) {
		const char *k = kinds[order[i]];
		size_t count = 0;
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(kinds[order[j]], k) == 0;
		if (seen)
			continue;
		for (size_t j = i; j < n; j++)
			count += strcmp(kinds[order[j]], k) == 0;
		if (count == n) {
			buf_printf(out, "均为%s", notice_kind_zh(k));
			return;
		}
		buf_printf(out, "%s%s%zu份", shown++ ? "、" : "其中", notice_kind_zh(k), count);
	}
}

/* Texts of the notices a digest carries, in order, numbered as 公文 number items (（一）…
 * （十一）…: the 11th was （11）), each as it was worded but for the closing the digest
 * gives once. */
static void
digest_items(struct store_txn *txn, char *const *keys, const size_t *order, size_t n,
             struct buf *items)
{
	for (size_t i = 0; i < n; i++) {
		char *bk = xasprintf(NOTICE_DIGEST_BODY "%s", keys[order[i]]), *text = NULL;
		char num[WORDS_NUMERAL_MAX];
		struct dberr ignored;

		dberr_clear(&ignored);
		words_numeral_zh(i + 1, num);
		buf_printf(items, "%s（%s）", i ? "\n\n" : "", num);
		if (store_meta_get(txn, bk, &text, &ignored) == 0) {
			cut_closing(text);
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
	struct buf items = BUF_INIT, kinds_zh = BUF_INIT;
	const char **tasks = NULL, **otasks = NULL, **okeys = NULL;
	char **keys = NULL, **kinds = NULL, *one_subject = NULL, *one_body = NULL;
	size_t ntasks = 0, cap = 0, capk = 0, capkind = 0, *order = NULL;
	struct notice_var vars[4];
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
		kinds = xgrow(kinds, &capkind, ntasks + 1, sizeof(*kinds));
		keys[ntasks] = f[0];
		kinds[ntasks] = f[2];
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
	/* the items, their task headers and the notices the message carries, in one order */
	order = xcalloc(ntasks, sizeof(*order));
	otasks = xcalloc(ntasks, sizeof(*otasks));
	okeys = xcalloc(ntasks, sizeof(*okeys));
	digest_order(ep->plan, kinds, ntasks, order);
	for (size_t i = 0; i < ntasks; i++)
		otasks[i] = tasks[order[i]], okeys[i] = keys[order[i]];
	digest_items(txn, keys, order, ntasks, &items);
	digest_kinds(kinds, order, ntasks, &kinds_zh);
	snprintf(count, sizeof(count), "%zu", ntasks);
	vars[0] = (struct notice_var){"items", buf_str(&items)};
	vars[1] = (struct notice_var){"item_count", count};
	vars[2] = (struct notice_var){"addressee", unit ? unit : addr};
	vars[3] = (struct notice_var){"item_kinds", buf_str(&kinds_zh)};
	to[0] = addr;
	nkey = notice_digest_message_key(plan_id, date, addr);
	r.ep = ep;
	r.kind = "digest";
	r.fallback = "digest";
	r.key = nkey;
	r.subject = plan_id;
	r.tasks = otasks;
	r.ntasks = ntasks;
	r.scheduled = d->planned;
	r.late = late;
	r.vars = vars;
	r.nvars = 4;
	r.to_addrs = to;
	r.nto_addrs = 1;
	r.carries = okeys;
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
	free(kinds);
	free(order);
	free(otasks);
	free(okeys);
	free(one_subject);
	free(one_body);
	task_forms_release(&forms);
	buf_release(&items);
	buf_release(&kinds_zh);
	return rc;
}
