/*
 * cmd_status.c - `dabiao status`: what a supervision officer wants on a Monday morning.
 * Per jurisdiction: open tasks, due within seven days, overdue, submitted late, submitted
 * with sections missing, flagged; then the overdue list, the next deadlines, and roles
 * that have no address in the registry (their notices went to the admin instead).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "engine/cli/cli.h"

#define NEXT_MAX 10

struct row {
	char *jurisdiction;
	size_t open, week, overdue, late, incomplete, flagged;
};

struct next {
	int64_t deadline;
	char *key;
	char *state;
};

struct status_ctx {
	struct engine *en;
	const char *jurisdiction, *plan;
	struct row *rows;
	size_t nrows, caprows;
	struct next next[NEXT_MAX];
	size_t nnext;
	struct buf overdue;
	struct buf gaps;
};

static struct row *
row_for(struct status_ctx *c, const char *j)
{
	for (size_t i = 0; i < c->nrows; i++)
		if (strcmp(c->rows[i].jurisdiction, j) == 0)
			return &c->rows[i];
	c->rows = xgrow(c->rows, &c->caprows, c->nrows + 1, sizeof(*c->rows));
	memset(&c->rows[c->nrows], 0, sizeof(*c->rows));
	c->rows[c->nrows].jurisdiction = xstrdup(j);
	return &c->rows[c->nrows++];
}

static void
next_add(struct status_ctx *c, const struct store_task *t)
{
	size_t i = c->nnext;

	if (i == NEXT_MAX && t->deadline >= c->next[NEXT_MAX - 1].deadline)
		return;
	if (i == NEXT_MAX) {
		free(c->next[--i].key);
		free(c->next[i].state);
	}
	while (i > 0 && c->next[i - 1].deadline > t->deadline) {
		c->next[i] = c->next[i - 1];
		i--;
	}
	c->next[i] = (struct next){t->deadline, xstrdup(t->key), xstrdup(t->state)};
	if (c->nnext < NEXT_MAX)
		c->nnext++;
}

static int
task_cb(const struct store_task *t, void *arg)
{
	struct status_ctx *c = arg;
	const struct engine_plan *ep = engine_plan_find(c->en, t->plan);
	const struct plan_lifecycle *lc;
	struct row *r;
	int mi, st;
	int64_t now = engine_now(c->en);

	if (ep == NULL || (c->jurisdiction && strcmp(t->jurisdiction, c->jurisdiction) != 0))
		return 0;
	if ((mi = plan_milestone_index(ep->plan, t->milestone)) < 0)
		return 0;
	lc = &ep->plan->lifecycles[ep->plan->milestones[mi].lifecycle];
	st = plan_lifecycle_state(lc, t->state);
	r = row_for(c, t->jurisdiction[0] ? t->jurisdiction : "(prefecture offices)");
	if (st >= 0 && lc->deadline_from[st]) {
		r->open++;
		if (t->deadline >= now && t->deadline < now + 7 * 86400)
			r->week++;
		if (t->deadline >= now)
			next_add(c, t);
	}
	if (st >= 0 && st == lc->deadline_to) {
		char since[32];

		r->overdue++;
		tz_format_local(ep->tz, t->deadline, since);
		buf_printf(&c->overdue, "  %-64s overdue since %s\n", t->key, since);
	}
	if (t->flags & STORE_TASK_LATE)
		r->late++;
	if (st >= 0 && st == lc->incomplete)
		r->incomplete++;
	if (t->flags & STORE_TASK_FLAGGED)
		r->flagged++;
	return 0;
}

static int
gap_cb(const struct store_notice *n, void *arg)
{
	struct status_ctx *c = arg;

	for (size_t i = 0; i < n->nextra; i++)
		if (strcmp(n->extra[i].key, "gaps") == 0 && !strstr(buf_str(&c->gaps), n->extra[i].val))
			buf_printf(&c->gaps, "  %s\n", n->extra[i].val);
	return 0;
}

static int
status_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct status_ctx *c = arg;
	char *prefix = c->plan ? xasprintf("%s/", c->plan) : xstrdup("");
	int rc = store_task_each(txn, prefix, task_cb, c, e);

	free(prefix);
	if (rc == 0)
		rc = store_notice_each(txn, gap_cb, c, e);
	return rc;
}

static int
row_cmp(const void *a, const void *b)
{
	return strcmp(((const struct row *)a)->jurisdiction, ((const struct row *)b)->jurisdiction);
}

int
cmd_status(struct cli *c)
{
	struct status_ctx sc = {0};
	struct cli_opt opts[] = {{"jurisdiction", &sc.jurisdiction, NULL},
	                         {"plan", &sc.plan, NULL}, {NULL, NULL, NULL}};
	struct engine *en;
	char now[32];
	int rc;

	if ((rc = cli_parse(c, opts, NULL, 0, NULL)) != 0 || (rc = cli_engine(c, &en)) != 0)
		return rc;
	sc.en = en;
	if ((rc = store_read(engine_store(en), status_txn, &sc, &c->err)) != 0)
		goto out;
	qsort(sc.rows, sc.nrows, sizeof(*sc.rows), row_cmp);
	tz_format_local(engine_tz(en), engine_now(en), now);
	printf("status as of %s (%s)\n\n", now, tz_name(engine_tz(en)));
	printf("%-28s %6s %9s %8s %6s %11s %8s\n", "jurisdiction", "open", "due-7d", "overdue",
	       "late", "incomplete", "flagged");
	for (size_t i = 0; i < sc.nrows; i++) {
		struct row *r = &sc.rows[i];
		printf("%-28s %6zu %9zu %8zu %6zu %11zu %8zu\n", r->jurisdiction, r->open, r->week,
		       r->overdue, r->late, r->incomplete, r->flagged);
	}
	printf("\noverdue:\n%s", sc.overdue.len ? buf_str(&sc.overdue) : "  none\n");
	printf("\nnext deadlines:\n");
	for (size_t i = 0; i < sc.nnext; i++) {
		const char *plan_end = strchr(sc.next[i].key, '/');
		char *pid = xstrndup(sc.next[i].key, plan_end ? (size_t)(plan_end - sc.next[i].key) : 0);
		const struct engine_plan *ep = engine_plan_find(en, pid);
		char when[32];

		tz_format_local(ep ? ep->tz : engine_tz(en), sc.next[i].deadline, when);
		printf("  %s  %-64s %s\n", when, sc.next[i].key, sc.next[i].state);
		free(pid);
	}
	if (sc.nnext == 0)
		printf("  none\n");
	printf("\nroles without an address (their notices went to the admin):\n%s",
	       sc.gaps.len ? buf_str(&sc.gaps) : "  none\n");
out:
	for (size_t i = 0; i < sc.nrows; i++)
		free(sc.rows[i].jurisdiction);
	free(sc.rows);
	for (size_t i = 0; i < sc.nnext; i++) {
		free(sc.next[i].key);
		free(sc.next[i].state);
	}
	buf_release(&sc.overdue);
	buf_release(&sc.gaps);
	return rc;
}
