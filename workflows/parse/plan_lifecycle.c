/*
 * plan_lifecycle.c - lifecycles as [state][event] tables: the built-in `report` and a plan's
 * own, each checked so that every state can be reached from the initial one.
 */
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "workflows/parse/plan_int.h"

static void
lc_alloc(struct plan_lifecycle *lc, size_t nstates, size_t nevents)
{
	lc->nstates = nstates;
	lc->nevents = nevents;
	lc->states = xcalloc(nstates, sizeof(*lc->states));
	lc->final = xcalloc(nstates, sizeof(*lc->final));
	lc->deadline_from = xcalloc(nstates, sizeof(*lc->deadline_from));
	lc->events = xcalloc(nevents ? nevents : 1, sizeof(*lc->events));
	size_t cells = nstates * nevents;

	lc->table = xmalloc((cells > 0 ? cells : 1) * sizeof(*lc->table));
	for (size_t i = 0; i < cells; i++)
		lc->table[i] = -1;
	lc->initial = 0;
	lc->deadline_to = -1;
	lc->submit_event = -1;
	lc->incomplete = -1;
}

void
plan_lifecycle_release(struct plan_lifecycle *lc)
{
	free(lc->id);
	for (size_t i = 0; lc->states && i < lc->nstates; i++)
		free(lc->states[i]);
	for (size_t i = 0; lc->events && i < lc->nevents; i++)
		free(lc->events[i]);
	free(lc->states);
	free(lc->final);
	free(lc->events);
	free(lc->table);
	free(lc->deadline_from);
}

/* The report lifecycle of docs/plan-format.md: a deliverable is submitted, then accepted or
 * returned; a submission missing required sections is recorded as incomplete and may be
 * returned or submitted again. Open, incomplete and returned tasks lapse at the deadline:
 * each still owes the submitter something. A task waiting on the receiver's review
 * (submitted) does not: the delay is not the submitter's. */
void
plan_lifecycle_builtin(struct plan_lifecycle *lc)
{
	enum { OPEN, SUBMITTED, INCOMPLETE, RETURNED, ACCEPTED, OVERDUE, NSTATES };
	enum { SUBMIT, ACCEPT, RETURN, NEVENTS };
	static const char *const states[NSTATES] = {"open", "submitted", "incomplete",
	                                            "returned", "accepted", "overdue"};
	static const char *const events[NEVENTS] = {"submit", "accept", "return"};
	static const int8_t table[NSTATES][NEVENTS] = {
		[OPEN] = {SUBMITTED, -1, -1},
		[SUBMITTED] = {-1, ACCEPTED, RETURNED},
		[INCOMPLETE] = {SUBMITTED, -1, RETURNED},
		[RETURNED] = {SUBMITTED, -1, -1},
		[ACCEPTED] = {-1, -1, -1},
		[OVERDUE] = {SUBMITTED, -1, -1},
	};

	memset(lc, 0, sizeof(*lc));
	lc_alloc(lc, NSTATES, NEVENTS);
	lc->id = xstrdup("report");
	for (int s = 0; s < NSTATES; s++) {
		lc->states[s] = xstrdup(states[s]);
		for (int ev = 0; ev < NEVENTS; ev++)
			lc->table[s * NEVENTS + ev] = table[s][ev];
	}
	for (int ev = 0; ev < NEVENTS; ev++)
		lc->events[ev] = xstrdup(events[ev]);
	lc->initial = OPEN;
	lc->final[ACCEPTED] = true;
	lc->deadline_from[OPEN] = true;
	lc->deadline_from[INCOMPLETE] = true;
	lc->deadline_from[RETURNED] = true;
	lc->deadline_to = OVERDUE;
	lc->submit_event = SUBMIT;
	lc->incomplete = INCOMPLETE;
	lc->builtin = true;
}

/* A state named by node n, which must be one of lc's. */
static int
state_ref(struct pctx *c, const struct plan_lifecycle *lc, const struct ydoc_node *n,
          const char *what, int *out)
{
	const char *s;
	int rc, i;

	if ((rc = ydoc_string(c->d, n, what, &s, c->e)) != 0)
		return rc;
	if ((i = plan_lifecycle_state(lc, s)) < 0)
		return ydoc_error(c->d, n, c->e, "%s: unknown state '%s' in lifecycle '%s'", what,
		                  s, lc->id);
	*out = i;
	return 0;
}

/* A state, or a list of states, each marked true in flags. */
static int
state_set(struct pctx *c, const struct plan_lifecycle *lc, const struct ydoc_node *n,
          const char *what, bool *flags, size_t *count)
{
	int rc, s;

	*count = 0;
	if (n->type == YDOC_SCALAR) {
		if ((rc = state_ref(c, lc, n, what, &s)) != 0)
			return rc;
		flags[s] = true;
		*count = 1;
		return 0;
	}
	if ((rc = ydoc_expect(c->d, n, YDOC_SEQ, what, c->e)) != 0)
		return rc;
	for (size_t i = 0; i < n->n; i++) {
		if ((rc = state_ref(c, lc, n->items[i], what, &s)) != 0)
			return rc;
		flags[s] = true;
	}
	*count = n->n;
	return 0;
}

static int
parse_states(struct pctx *c, struct plan_lifecycle *lc, const struct ydoc_node *n,
             const struct ydoc_node *events)
{
	int rc;

	if ((rc = ydoc_expect(c->d, n, YDOC_SEQ, "states", c->e)) != 0)
		return rc;
	if (n->n == 0 || n->n > PLAN_MAX_STATES)
		return ydoc_error(c->d, n, c->e, "lifecycle '%s' needs 1 to %d states, not %zu",
		                  lc->id, PLAN_MAX_STATES, n->n);
	if (events != NULL && events->type == YDOC_MAP && events->n > PLAN_MAX_EVENTS)
		return ydoc_error(c->d, events, c->e, "lifecycle '%s' has more than %d events",
		                  lc->id, PLAN_MAX_EVENTS);
	lc_alloc(lc, n->n, events != NULL && events->type == YDOC_MAP ? events->n : 0);
	for (size_t i = 0; i < n->n; i++) {
		const char *s;

		if ((rc = plan_read_id(c, n->items[i], "a state", PLAN_ID_NAME, &s)) != 0)
			return rc;
		if (plan_lifecycle_state(lc, s) >= 0)
			return ydoc_error(c->d, n->items[i], c->e, "state '%s' is listed twice in "
			                  "lifecycle '%s'", s, lc->id);
		if (plan_state_withdrawn(s))
			return ydoc_error(c->d, n->items[i], c->e, "state '%s' is reserved: every "
			                  "lifecycle has it already (a task cancelled or not "
			                  "applicable); name yours otherwise", s);
		lc->states[i] = xstrdup(s);
	}
	return 0;
}

/* events: {EVENT: {FROM: TO, ...}, ...} into the table. */
static int
parse_events(struct pctx *c, struct plan_lifecycle *lc, const struct ydoc_node *n)
{
	int rc;

	if (n == NULL)
		return 0;
	if ((rc = ydoc_expect(c->d, n, YDOC_MAP, "events", c->e)) != 0)
		return rc;
	for (size_t ev = 0; ev < n->n; ev++) {
		const struct ydoc_node *moves = n->pairs[ev].value;

		if ((rc = plan_check_key_id(c, n->pairs[ev].key, "an event", PLAN_ID_NAME)) != 0)
			return rc;
		lc->events[ev] = xstrdup(n->pairs[ev].key->scalar);
		if ((rc = ydoc_expect(c->d, moves, YDOC_MAP, "an event's moves ({from: to})",
		                      c->e)) != 0)
			return rc;
		if (moves->n == 0)
			return ydoc_error(c->d, moves, c->e, "event '%s' moves no state",
			                  lc->events[ev]);
		for (size_t k = 0; k < moves->n; k++) {
			int from, to;

			if ((rc = state_ref(c, lc, moves->pairs[k].key, "event source", &from)) ||
			    (rc = state_ref(c, lc, moves->pairs[k].value, "event target", &to)))
				return rc;
			lc->table[(size_t)from * lc->nevents + ev] = (int16_t)to;
		}
	}
	lc->submit_event = plan_lifecycle_event(lc, "submit");
	return 0;
}

static int
parse_deadline(struct pctx *c, struct plan_lifecycle *lc, const struct ydoc_node *n)
{
	static const char *const keys[] = {"from", "to", NULL};
	const struct ydoc_node *from, *to;
	size_t count;
	int rc;

	if (n == NULL)
		return 0;
	if ((rc = ydoc_check_keys(c->d, n, "deadline", keys, c->e)) ||
	    (rc = plan_need(c, n, "deadline", "from", &from)) ||
	    (rc = plan_need(c, n, "deadline", "to", &to)) ||
	    (rc = state_set(c, lc, from, "deadline.from", lc->deadline_from, &count)) ||
	    (rc = state_ref(c, lc, to, "deadline.to", &lc->deadline_to)))
		return rc;
	if (count == 0)
		return ydoc_error(c->d, from, c->e, "deadline.from names no state");
	return 0;
}

/* Every state must be reachable from the initial one through events or the deadline: an
 * unreachable state is almost always a misspelt move. `at` is the states list. */
static int
check_reachable(struct pctx *c, const struct plan_lifecycle *lc, const struct ydoc_node *at)
{
	bool seen[PLAN_MAX_STATES] = {false};
	int queue[PLAN_MAX_STATES], head = 0, tail = 0;

	seen[lc->initial] = true;
	queue[tail++] = lc->initial;
	while (head < tail) {
		int s = queue[head++];

		for (size_t ev = 0; ev <= lc->nevents; ev++) {
			int to = ev < lc->nevents ? lc->table[(size_t)s * lc->nevents + ev]
			                          : (lc->deadline_from[s] ? lc->deadline_to : -1);

			if (to >= 0 && !seen[to]) {
				seen[to] = true;
				queue[tail++] = to;
			}
		}
	}
	for (size_t s = 0; s < lc->nstates; s++)
		if (!seen[s])
			return ydoc_error(c->d, at->items[s], c->e, "state '%s' of lifecycle '%s' "
			                  "cannot be reached from '%s' by any event or the deadline",
			                  lc->states[s], lc->id, lc->states[lc->initial]);
	return 0;
}

/* Every state a task can be in is final or watched (issue 10): the deadline watches the
 * states in deadline.from (the owner still owes it: reminded, lapsing) and its `to` state
 * (lapsed: escalated, counted); the review queue watches the states an `accept` leaves. A
 * state that is none of these (a `return` to a state nothing chases) would hold a task for
 * ever while its notices speak of a deadline: refused at the state (review 10f, F6). */
static int
check_watched(struct pctx *c, const struct plan_lifecycle *lc, const struct ydoc_node *at)
{
	int ret = -1;

	for (size_t ev = 0; ev < lc->nevents; ev++)
		if (strcmp(lc->events[ev], "return") == 0)
			ret = (int)ev;
	for (size_t s = 0; s < lc->nstates; s++) {
		bool returned = false;

		/* a state `return` enters is the owner's to redo, whatever an `accept` may do
		 * from it: the returned notice asks for the report by the deadline, so the
		 * deadline must watch it (review10g G3) */
		for (size_t f = 0; ret >= 0 && f < lc->nstates; f++)
			returned = returned || lc->table[f * lc->nevents + (size_t)ret] == (int)s;
		if (returned && !lc->final[s] && !lc->deadline_from[s] && (int)s != lc->deadline_to)
			return ydoc_error(c->d, at->items[s], c->e, "state '%s' of lifecycle '%s' "
			                  "is entered by `return` (the report goes back to its owner) "
			                  "but the deadline does not watch it: the owner owes the "
			                  "report again and nothing would chase it; add it to "
			                  "deadline.from%s", lc->states[s], lc->id,
			                  lc->deadline_to < 0 ? " (the lifecycle needs a `deadline`)"
			                                      : "");
		if (lc->final[s] || lc->deadline_from[s] || (int)s == lc->deadline_to ||
		    plan_lifecycle_awaits_review(lc, (int)s))
			continue;
		if (lc->deadline_to < 0)
			return ydoc_error(c->d, at->items[s], c->e, "state '%s' of lifecycle '%s' "
			                  "is neither final nor watched, and the lifecycle has no "
			                  "deadline: a task in it would never lapse; add `deadline: "
			                  "{from: [%s, ...], to: STATE}` (or make it final)",
			                  lc->states[s], lc->id, lc->states[s]);
		return ydoc_error(c->d, at->items[s], c->e, "state '%s' of lifecycle '%s' is "
		                  "neither final nor watched: a task in it would never lapse nor "
		                  "wait for review; add it to deadline.from (its owner still owes "
		                  "the report), to final, or give it an `accept` (it waits for "
		                  "review)", lc->states[s], lc->id);
	}
	return 0;
}

static int
parse_one(struct pctx *c, struct plan_lifecycle *lc, const struct ydoc_node *key,
          const struct ydoc_node *n)
{
	static const char *const keys[] = {"initial", "states", "final", "incomplete",
	                                   "events", "deadline", NULL};
	const struct ydoc_node *states, *initial, *final, *v;
	size_t nfinal;
	int rc;

	if ((rc = plan_check_key_id(c, key, "a lifecycle", PLAN_ID_NAME)) != 0)
		return rc;
	if (strcmp(key->scalar, "report") == 0)
		return ydoc_error(c->d, key, c->e, "lifecycle 'report' is built in and cannot be "
		                  "redefined; give yours another name");
	lc->id = xstrdup(key->scalar);
	lc->deadline_to = -1;
	if ((rc = ydoc_check_keys(c->d, n, "a lifecycle", keys, c->e)) ||
	    (rc = plan_need(c, n, "a lifecycle", "states", &states)) ||
	    (rc = plan_need(c, n, "a lifecycle", "initial", &initial)) ||
	    (rc = plan_need(c, n, "a lifecycle", "final", &final)) ||
	    (rc = parse_states(c, lc, states, ydoc_get(n, "events"))) ||
	    (rc = state_ref(c, lc, initial, "initial", &lc->initial)) ||
	    (rc = state_set(c, lc, final, "final", lc->final, &nfinal)))
		return rc;
	if (nfinal == 0)
		return ydoc_error(c->d, final, c->e, "lifecycle '%s' has no final state",
		                  lc->id);
	if ((v = ydoc_get(n, "incomplete")) != NULL &&
	    (rc = state_ref(c, lc, v, "incomplete", &lc->incomplete)) != 0)
		return rc;
	if ((rc = parse_events(c, lc, ydoc_get(n, "events"))) ||
	    (rc = parse_deadline(c, lc, ydoc_get(n, "deadline"))))
		return rc;
	/* an incomplete submission is not a finished one: the deadline must still see it */
	if (v != NULL && lc->deadline_to >= 0 && !lc->deadline_from[lc->incomplete])
		return ydoc_error(c->d, v, c->e, "incomplete state '%s' must be watched by the "
		                  "deadline: add it to deadline.from (an incomplete submission "
		                  "owes the rest)", lc->states[lc->incomplete]);
	if ((rc = check_reachable(c, lc, states)) != 0)
		return rc;
	/* a version stored before the rule still opens */
	return c->stored ? 0 : check_watched(c, lc, states);
}

int
plan_parse_lifecycles(struct pctx *c, const struct ydoc_node *n)
{
	struct plan *p = c->p;
	int rc;

	p->lifecycles = xcalloc(1 + (n ? n->n : 0), sizeof(*p->lifecycles));
	plan_lifecycle_builtin(&p->lifecycles[0]);
	p->nlifecycles = 1;
	hmap_put(&c->lifecycle_ids, p->lifecycles[0].id, 0);
	if (n == NULL)
		return 0;
	if ((rc = ydoc_expect(c->d, n, YDOC_MAP, "lifecycles", c->e)) != 0)
		return rc;
	for (size_t i = 0; i < n->n; i++) {
		/* counted before parsing so plan_free releases a half-built one */
		p->nlifecycles++;
		if ((rc = parse_one(c, &p->lifecycles[i + 1], n->pairs[i].key,
		                    n->pairs[i].value)) != 0)
			return rc;
		/* the first of a name wins, as the scan it replaced found the built-in one */
		if (!hmap_get(&c->lifecycle_ids, p->lifecycles[i + 1].id, NULL))
			hmap_put(&c->lifecycle_ids, p->lifecycles[i + 1].id, i + 1);
	}
	return 0;
}

int
plan_lifecycle_state(const struct plan_lifecycle *lc, const char *state)
{
	for (size_t i = 0; i < lc->nstates; i++)
		if (lc->states[i] != NULL && strcmp(lc->states[i], state) == 0)
			return (int)i;
	return -1;
}

int
plan_lifecycle_event(const struct plan_lifecycle *lc, const char *event)
{
	for (size_t i = 0; i < lc->nevents; i++)
		if (lc->events[i] != NULL && strcmp(lc->events[i], event) == 0)
			return (int)i;
	return -1;
}

bool
plan_lifecycle_awaits_review(const struct plan_lifecycle *lc, int st)
{
	int ev = plan_lifecycle_event(lc, "accept");

	if (st < 0 || (size_t)st >= lc->nstates || ev < 0)
		return false;
	return lc->table[(size_t)st * lc->nevents + (size_t)ev] >= 0 && !lc->final[st] &&
	       st != lc->incomplete && !lc->deadline_from[st];
}
