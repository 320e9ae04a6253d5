/*
 * conduct.c - per-jurisdiction conduct rules: lapses (and flags, and escalations that ran
 * their course) that add up to a warning before a public interview (约谈) or a restriction
 * of project approvals (限批), seed 四（二）.
 *
 * Counting the truth. Each event is noted for the task's jurisdiction (an enterprise's
 * tasks count for its jurisdiction) under every rule that counts its kind (`of`) and the
 * task's owner (`owners`); a task counts at most once per kind under a rule, so a flag
 * raised twice, or a task that lapses again after a return, is one count. Nothing is used
 * up: a rule is evaluated at the next notify_at after each new count, over the trailing
 * window `within` as it stands then, and warns once per evaluation with the true count
 * and every event behind it. In proportion: it warns the same jurisdiction again only
 * when as many new events as its threshold have come in since its last warning (sent,
 * proposed or dismissed), so the same facts never make two warnings and one more lapse
 * does not make a new one each morning.
 *
 * State per (plan, rule, jurisdiction) lives in the store's meta database as text lines,
 * "conduct/<plan>/<rule>/<jurisdiction>": "v2", "seq N" (warnings made, for their ids),
 * "last T" (the newest event behind the last warning), "pending ID" (a proposed warning
 * awaiting its decision), and "item T WHY TASK" per counted event inside the window.
 * Stores written by schema 2 kept "warnings N" and "T TASK" lines and a separate list per
 * queued warning ("conduct-pending/..."); both are read as lapses here.
 *
 * Warnings themselves, their decision and the candidate list are in warning.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "engine/rules/rules_int.h"

static void
items_add(struct conduct_item **v, size_t *n, size_t *cap, int64_t at, const char *why,
          const char *task)
{
	*v = xgrow(*v, cap, *n + 1, sizeof(**v));
	(*v)[*n] = (struct conduct_item){at, xstrdup(why), xstrdup(task)};
	(*n)++;
}

void
conduct_items_free(struct conduct_item *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].why);
		free(v[i].task);
	}
	free(v);
}

static const char *const flag_kinds[] = {"concealed", "falsified", "omitted"};

bool
conduct_flag_in(const char *have, const char *kind)
{
	size_t len = strlen(kind);

	for (const char *p = have; (p = strstr(p, kind)) != NULL; p += len)
		if ((p == have || p[-1] == '+') && (p[len] == '\0' || p[len] == '+'))
			return true;
	return false;
}

/* The flags of one task as one event's why: the kinds in a fixed order (concealed,
 * falsified, omitted) joined by '+', so the same set is always the same text. */
static char *
flags_merge(const char *have, const char *add)
{
	struct buf b = BUF_INIT;
	size_t n = 0;

	for (size_t k = 0; k < 3; k++)
		if (strcmp(add, flag_kinds[k]) == 0 || conduct_flag_in(have, flag_kinds[k]))
			buf_printf(&b, "%s%s", n++ ? "+" : "", flag_kinds[k]);
	return buf_detach(&b);
}

char *
conduct_flags_minus(const char *have, const char *drop)
{
	struct buf b = BUF_INIT;
	size_t n = 0;

	for (size_t k = 0; k < 3; k++)
		if (conduct_flag_in(have, flag_kinds[k]) && strcmp(drop, flag_kinds[k]) != 0)
			buf_printf(&b, "%s%s", n++ ? "+" : "", flag_kinds[k]);
	return buf_detach(&b);
}

const char *
conduct_flag_zh(const char *kind)
{
	/* every combination flags_merge makes, in its order */
	static const char *const words[][2] = {
		{"concealed", "瞒报"},
		{"falsified", "谎报"},
		{"omitted", "漏报"},
		{"concealed+falsified", "瞒报、谎报"},
		{"concealed+omitted", "瞒报、漏报"},
		{"falsified+omitted", "谎报、漏报"},
		{"concealed+falsified+omitted", "瞒报、谎报、漏报"},
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(kind, words[i][0]) == 0)
			return words[i][1];
	return kind;
}

/* The class of an event: what `of` names. "lapse+omitted" is a lapse whose 漏报 flag is
 * the same fact (conduct_note). */
unsigned
conduct_class(const char *why)
{
	if (strcmp(why, "lapse") == 0 || strcmp(why, CONDUCT_LAPSE_OMITTED) == 0)
		return PLAN_COUNT_LAPSE;
	if (strcmp(why, "escalation") == 0)
		return PLAN_COUNT_ESCALATION;
	return PLAN_COUNT_FLAG; /* concealed, falsified, omitted */
}

struct rule_state {
	unsigned seq;
	int64_t last;
	char *pending;
	struct conduct_item *v;
	size_t n, cap;
};

static void
state_free(struct rule_state *s)
{
	conduct_items_free(s->v, s->n);
	free(s->pending);
	memset(s, 0, sizeof(*s));
}

/* Text into s; the old (schema 2) layout as lapses. Unreadable lines are skipped: this is
 * the engine's own record, and one bad line must not stop a rule. */
static void
state_parse(const char *text, struct rule_state *s)
{
	char *copy = xstrdup(text), *save = NULL;

	memset(s, 0, sizeof(*s));
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		long long at;
		unsigned u;
		int off = 0;
		char why[32];

		if (sscanf(l, "seq %u", &u) == 1 || sscanf(l, "warnings %u", &u) == 1)
			s->seq = u;
		else if (sscanf(l, "last %lld", &at) == 1)
			s->last = at;
		else if (strncmp(l, "pending ", 8) == 0)
			s->pending = xstrdup(l + 8);
		else if (sscanf(l, "item %lld %31s %n", &at, why, &off) == 2 && off > 0)
			items_add(&s->v, &s->n, &s->cap, at, why, l + off);
		else if (sscanf(l, "%lld %n", &at, &off) == 1 && off > 0 && l[off])
			items_add(&s->v, &s->n, &s->cap, at, "lapse", l + off);
	}
	free(copy);
}

static char *
state_text(const struct rule_state *s)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "v2\nseq %u\nlast %" PRId64, s->seq, s->last);
	if (s->pending)
		buf_printf(&b, "\npending %s", s->pending);
	for (size_t i = 0; i < s->n; i++)
		buf_printf(&b, "\nitem %" PRId64 " %s %s", s->v[i].at, s->v[i].why, s->v[i].task);
	return buf_detach(&b);
}

static int
state_get(struct store_txn *txn, const char *key, struct rule_state *s, struct dberr *e)
{
	char *text = NULL;
	int rc = store_meta_get(txn, key, &text, e);

	if (rc == DB_ENOTFOUND) {
		dberr_clear(e);
		memset(s, 0, sizeof(*s));
		return 0;
	}
	if (rc != 0)
		return rc;
	state_parse(text, s);
	free(text);
	return 0;
}

static int
state_put(struct store_txn *txn, const char *key, const struct rule_state *s, struct dberr *e)
{
	char *text = state_text(s);
	int rc = store_meta_put(txn, key, text, e);

	free(text);
	return rc;
}

/* Drops events older than from. */
static void
state_prune(struct rule_state *s, int64_t from)
{
	size_t k = 0;

	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i].at >= from) {
			s->v[k++] = s->v[i];
			continue;
		}
		free(s->v[i].why);
		free(s->v[i].task);
	}
	s->n = k;
}

int64_t
conduct_window(const struct plan_offset *o)
{
	switch (o->unit) {
	case PLAN_HOURS:
		return o->n * 3600;
	case PLAN_MINUTES:
		return o->n * 60;
	case PLAN_SECONDS:
		return o->n;
	default:
		/* days (the plan refuses wd here: a window is a span of time) */
		return o->n * 86400;
	}
}

static bool
rule_counts(const struct plan_conduct *r, int owner_role, unsigned cls)
{
	if (!(r->of & cls))
		return false;
	if (r->nowners == 0)
		return true;
	for (size_t i = 0; i < r->nowners; i++)
		if (r->owners[i] == owner_role)
			return true;
	return false;
}

char *
conduct_state_key(const char *plan, size_t rule, const char *jurisdiction)
{
	return xasprintf("conduct/%s/%zu/%s", plan, rule, jurisdiction);
}

int
conduct_evaluate_after(struct store_txn *txn, const struct engine_plan *ep, size_t k,
                       const char *jurisdiction, int64_t t, struct dberr *e)
{
	/* one evaluation per rule and jurisdiction at the next notify_at: several events
	 * before it put the same key, which the index holds once */
	char *entry = xasprintf("conduct#%s#%zu#%s", ep->plan->id, k, jurisdiction);
	/* a plan that holds the warning's kind evaluates on the next working morning: the
	 * same instant for every event of a held day */
	struct store_due d = {
		.at = schedule_hold(ep, ep->plan->conduct[k].kind, schedule_next_notify_at(ep, t)),
		.kind = STORE_DUE_CONDUCT,
		.task = entry,
		.step = (uint8_t)k,
		.gen = 0,
	};
	int rc;

	d.planned = d.at;
	rc = store_due_put(txn, &d, e);
	free(entry);
	return rc;
}

/* A 漏报 flag on a task whose lapse is counted, or a lapse of a task whose only flag is
 * 漏报: the two become the one event "lapse+omitted", under the time it was first counted;
 * *seen then (nothing new to count). A task's other flags (瞒报, 谎报) stay facts of their
 * own: a late report is one fault, a false one another. */
static int
omitted_is_lapse(struct store_txn *txn, const char *key, struct rule_state *s,
                 const char *task, const char *why, bool *seen, struct dberr *e)
{
	bool flag = strcmp(why, "omitted") == 0, lapse = strcmp(why, "lapse") == 0;

	if (!flag && !lapse)
		return 0;
	for (size_t i = 0; i < s->n; i++) {
		if (strcmp(s->v[i].task, task) != 0)
			continue;
		if (strcmp(s->v[i].why, CONDUCT_LAPSE_OMITTED) == 0) {
			*seen = true;
			return 0;
		}
		if (strcmp(s->v[i].why, flag ? "lapse" : "omitted") != 0)
			continue;
		free(s->v[i].why);
		s->v[i].why = xstrdup(CONDUCT_LAPSE_OMITTED);
		*seen = true;
		return state_put(txn, key, s, e);
	}
	return 0;
}

int
conduct_note(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
             const struct store_task *task, int64_t t, const char *why, struct dberr *e)
{
	const struct plan *p = ep->plan;
	int mi = plan_milestone_index(p, task->milestone);
	unsigned cls = conduct_class(why);
	int rc = 0;

	(void)en;
	if (mi < 0 || task->jurisdiction == NULL || task->jurisdiction[0] == '\0')
		return 0; /* a prefecture office's own task counts against no jurisdiction */
	for (size_t k = 0; rc == 0 && k < p->nconduct; k++) {
		const struct plan_conduct *r = &p->conduct[k];
		struct rule_state s;
		char *key;
		bool seen = false;

		if (!rule_counts(r, p->milestones[mi].owner, cls))
			continue;
		key = conduct_state_key(p->id, k, task->jurisdiction);
		if ((rc = state_get(txn, key, &s, e)) != 0) {
			free(key);
			break;
		}
		state_prune(&s, t - conduct_window(&r->within));
		/* a lapse and a 漏报 flag of the same task are one fact (review 10g, G11: a list
		 * that never came, flagged 漏报, was "2次…（涉及1项任务）" and met a two-event
		 * standard): one event, "lapse+omitted", named with both */
		if ((rc = omitted_is_lapse(txn, key, &s, task->key, why, &seen, e)) != 0) {
			state_free(&s);
			free(key);
			break;
		}
		for (size_t i = 0; i < s.n && !seen; i++) {
			seen = strcmp(s.v[i].task, task->key) == 0 && conduct_class(s.v[i].why) == cls;
			/* an escalation is the task's lapse one step on, not a new fact: under a rule
			 * that counts both, the lapse in the window stands for it (review 10f, F4: a
			 * second warning the next morning, "8次" for four tables) */
			seen = seen || (cls == PLAN_COUNT_ESCALATION &&
			                strcmp(s.v[i].task, task->key) == 0 &&
			                conduct_class(s.v[i].why) == PLAN_COUNT_LAPSE);
			/* a task counts once for its flags, but each kind is named: 谎报 then 瞒报
			 * is one count, "concealed+falsified", and both are in the warning */
			if (seen && cls == PLAN_COUNT_FLAG) {
				char *both = flags_merge(s.v[i].why, why);

				if (strcmp(both, s.v[i].why) != 0) {
					free(s.v[i].why);
					s.v[i].why = both;
					both = NULL;
					rc = state_put(txn, key, &s, e);
				}
				free(both);
			}
		}
		if (!seen) {
			items_add(&s.v, &s.n, &s.cap, t, why, task->key);
			rc = state_put(txn, key, &s, e);
		}
		if (rc == 0 && !seen)
			rc = conduct_evaluate_after(txn, ep, k, task->jurisdiction, t, e);
		state_free(&s);
		free(key);
	}
	return rc;
}

/* why may be one kind of a task's flags (a flag withdrawn, lifecycle.c): the task's other
 * kinds stay counted, from when they were counted. */
int
conduct_unnote(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
               const struct store_task *task, const char *why, size_t *n, struct dberr *e)
{
	const struct plan *p = ep->plan;
	unsigned cls = conduct_class(why);
	int rc = 0;

	(void)en;
	if (task->jurisdiction == NULL || task->jurisdiction[0] == '\0')
		return 0;
	/* every rule that holds the task's event: by its key and kind, whatever the task's
	 * milestone is now (a removed milestone's task still counted, review 10e, M-E) */
	for (size_t k = 0; rc == 0 && k < p->nconduct; k++) {
		struct rule_state s;
		char *key;
		size_t kept = 0, before;
		bool changed = false;

		if (!(p->conduct[k].of & cls))
			continue;
		key = conduct_state_key(p->id, k, task->jurisdiction);
		if ((rc = state_get(txn, key, &s, e)) != 0) {
			free(key);
			break;
		}
		before = s.n;
		for (size_t i = 0; i < s.n; i++) {
			/* one kind of a task's flags withdrawn: the others still count, under the
			 * time the first was counted */
			bool mine = strcmp(s.v[i].task, task->key) == 0 &&
			            conduct_class(s.v[i].why) == cls;
			char *left = mine && cls == PLAN_COUNT_FLAG ? conduct_flags_minus(s.v[i].why, why)
			                                            : NULL;

			/* a lapse and its 漏报 as one event: withdrawing the flag leaves the lapse,
			 * voiding the lapse (补录) leaves the flag, each counted from the first */
			if (strcmp(s.v[i].task, task->key) == 0 &&
			    strcmp(s.v[i].why, CONDUCT_LAPSE_OMITTED) == 0 &&
			    (cls == PLAN_COUNT_LAPSE || strcmp(why, "omitted") == 0) &&
			    (p->conduct[k].of & (cls == PLAN_COUNT_LAPSE ? PLAN_COUNT_FLAG
			                                                 : PLAN_COUNT_LAPSE))) {
				free(s.v[i].why);
				s.v[i].why = xstrdup(cls == PLAN_COUNT_LAPSE ? "omitted" : "lapse");
				s.v[kept++] = s.v[i];
				changed = true;
				continue;
			}

			if (left != NULL && *left != '\0') {
				changed |= strcmp(left, s.v[i].why) != 0;
				free(s.v[i].why);
				s.v[i].why = left;
				s.v[kept++] = s.v[i];
				continue;
			}
			free(left);
			if (mine) {
				free(s.v[i].why);
				free(s.v[i].task);
				continue;
			}
			s.v[kept++] = s.v[i];
		}
		s.n = kept;
		if (kept != before || changed) {
			rc = state_put(txn, key, &s, e);
			if (n != NULL)
				*n += before - kept;
		}
		state_free(&s);
		free(key);
	}
	return rc;
}

/* A queued warning of schema 2 ("conduct-pending/<plan>/<rule>/<jur>/<n>"): its lapses
 * join the rule's state, which is then evaluated as any. */
static int
absorb_old_pending(struct store_txn *txn, const char *entry, struct rule_state *s,
                   struct dberr *e)
{
	struct rule_state old;
	int rc = state_get(txn, entry, &old, e);

	for (size_t i = 0; rc == 0 && i < old.n; i++) {
		bool seen = false;

		for (size_t k = 0; k < s->n && !seen; k++)
			seen = strcmp(s->v[k].task, old.v[i].task) == 0;
		if (!seen)
			items_add(&s->v, &s->n, &s->cap, old.v[i].at, old.v[i].why, old.v[i].task);
	}
	state_free(&old);
	return rc;
}

int
conduct_fire(struct engine *en, struct store_txn *txn, const struct store_due *d, bool late,
             struct dberr *e)
{
	char plan_id[128], jur[256], *key = NULL;
	const struct engine_plan *ep;
	const struct plan_conduct *r;
	struct rule_state s;
	struct conduct_eval ev = {0};
	bool old;
	size_t k;
	unsigned n;
	int64_t newest = INT64_MIN;
	size_t fresh = 0;
	int rc;

	old = strncmp(d->task, "conduct-pending/", 16) == 0;
	if (old ? sscanf(d->task, "conduct-pending/%127[^/]/%zu/%255[^/]/%u", plan_id, &k, jur,
	                 &n) != 4
	        : sscanf(d->task, "conduct#%127[^#]#%zu#%255s", plan_id, &k, jur) != 3)
		return 0;
	ep = engine_plan_find(en, plan_id);
	if (ep == NULL || k >= ep->plan->nconduct)
		return 0;
	r = &ep->plan->conduct[k];
	key = conduct_state_key(plan_id, k, jur);
	if ((rc = state_get(txn, key, &s, e)) != 0)
		goto out;
	if (old && (rc = absorb_old_pending(txn, d->task, &s, e)) != 0)
		goto out;
	/* the window is measured on the events' own instants, both ends included: events
	 * `within` apart count together, whenever the evaluation runs after the newest */
	for (size_t i = 0; i < s.n; i++)
		if (s.v[i].at > newest)
			newest = s.v[i].at;
	if (s.n > 0)
		state_prune(&s, newest - conduct_window(&r->within));
	for (size_t i = 0; i < s.n; i++)
		if (s.v[i].at > s.last)
			fresh++;
	/* the truth, once, in proportion: enough events in the window, and as many new ones
	 * since the rule's last warning to this jurisdiction as it takes to warn at all */
	if (s.n >= (size_t)r->lapses && fresh >= (size_t)r->lapses) {
		ev.ep = ep;
		ev.rule = k;
		ev.jurisdiction = jur;
		ev.seq = ++s.seq;
		ev.at = d->planned;
		ev.items = s.v;
		ev.nitems = s.n;
		ev.pending = s.pending;
		ev.late = late;
		if ((rc = conduct_warn(en, txn, &ev, e)) != 0)
			goto out;
		s.last = newest;
		free(s.pending);
		s.pending = ev.new_pending;
	}
	rc = state_put(txn, key, &s, e);
out:
	state_free(&s);
	free(key);
	return rc;
}

int
conduct_clear_pending(struct store_txn *txn, const char *plan, size_t rule,
                      const char *jurisdiction, const char *id, struct dberr *e)
{
	char *key = conduct_state_key(plan, rule, jurisdiction);
	struct rule_state s;
	int rc = state_get(txn, key, &s, e);

	if (rc == 0 && s.pending != NULL && strcmp(s.pending, id) == 0) {
		free(s.pending);
		s.pending = NULL;
		rc = state_put(txn, key, &s, e);
	}
	state_free(&s);
	free(key);
	return rc;
}

int
conduct_repend(struct store_txn *txn, const char *plan, size_t rule, const char *jurisdiction,
               const char *id, const char *new_id, int64_t last, unsigned *seq,
               struct dberr *e)
{
	char *key = conduct_state_key(plan, rule, jurisdiction);
	struct rule_state s;
	int rc = state_get(txn, key, &s, e);

	if (rc == 0 && s.pending != NULL && strcmp(s.pending, id) == 0) {
		free(s.pending);
		s.pending = new_id ? xstrdup(new_id) : NULL;
		s.last = last;
		if (seq != NULL)
			*seq = ++s.seq;
		rc = state_put(txn, key, &s, e);
	} else if (rc == 0 && seq != NULL) {
		*seq = ++s.seq;
		rc = state_put(txn, key, &s, e);
	}
	state_free(&s);
	free(key);
	return rc;
}
