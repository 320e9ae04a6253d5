/*
 * rules_int.h - what conduct.c and warning.c share. Not for use outside engine/rules/.
 */
#ifndef DABIAO_RULES_INT_H
#define DABIAO_RULES_INT_H

#include "engine/rules/rules.h"

/* One evaluation of a rule for a jurisdiction that warns (conduct.c -> warning.c). */
struct conduct_eval {
	const struct engine_plan *ep;
	size_t rule;
	const char *jurisdiction;
	unsigned seq;                       /* the warning's number for this rule + jurisdiction */
	int64_t at;                         /* the evaluation instant */
	const struct conduct_item *items;   /* every event in the window */
	size_t nitems;
	const char *pending;                /* a proposal still awaiting decision, or NULL */
	bool late;
	char *new_pending;                  /* out: the new proposal's id (the caller frees), or
	                                       NULL when the warning was sent directly */
};

/* Makes the warning: sent to the rule's notify roles at once (a rule without decide), or
 * proposed (a rule with decide: recorded, the pending one superseded, the candidate list
 * due). Errors: the store's and notice_queue's. */
int conduct_warn(struct engine *en, struct store_txn *txn, struct conduct_eval *ev,
                 struct dberr *e);

/* Is kind one of have's '+'-joined flag kinds (an event's why: "concealed+falsified")? */
bool conduct_flag_in(const char *have, const char *kind);
/* have without the kind drop ("concealed+falsified" less "concealed": "falsified"; less
 * its only kind: ""). Caller frees. Cannot fail. */
char *conduct_flags_minus(const char *have, const char *drop);

/* Forgets the rule state's pending proposal when it is id (decided). */
int conduct_clear_pending(struct store_txn *txn, const char *plan, size_t rule,
                          const char *jurisdiction, const char *id, struct dberr *e);

/* A proposal id withdrawn (new_id NULL) or proposed again as new_id, after events behind
 * it were voided: when it is the rule state's pending one, the state's pending follows and
 * its `last` (the newest event behind the standing warning) becomes last, so the events
 * left count as new again for a withdrawn one; *seq (may be NULL) takes the rule's next
 * warning count, for the new proposal's notice key. */
int conduct_repend(struct store_txn *txn, const char *plan, size_t rule, const char *jurisdiction,
                   const char *id, const char *new_id, int64_t last, unsigned *seq,
                   struct dberr *e);

/* Puts rule k's evaluation for jurisdiction at the first notify_at after t (held off a
 * day the plan holds the rule's kind): a STORE_DUE_CONDUCT entry, once per instant.
 * Errors: the store's. */
int conduct_evaluate_after(struct store_txn *txn, const struct engine_plan *ep, size_t k,
                           const char *jurisdiction, int64_t t, struct dberr *e);

char *conduct_state_key(const char *plan, size_t rule, const char *jurisdiction);
int64_t conduct_window(const struct plan_offset *o);
/* A task's lapse and its 漏报 flag counted as the one event they are (conduct.c, review
 * 10g G11): an item's why, of class lapse. */
#define CONDUCT_LAPSE_OMITTED "lapse+omitted"
unsigned conduct_class(const char *why);
void conduct_items_free(struct conduct_item *v, size_t n);

#endif
