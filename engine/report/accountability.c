/*
 * accountability.c - who answers for what (seed 四（二）: 对…瞒报、谎报、漏报的责任人
 * …严肃问责; 公开约谈、项目限批): every lapse, late submission, accountability flag and
 * conduct warning in a period, per jurisdiction and responsible person, each with the
 * sequence number of the audit record that proves it, so that anyone holding a signed
 * checkpoint can ask `dabiao audit prove SEQ` for it.
 *
 * Everything comes from the audit trail, not from the task records, because a task record
 * keeps only its latest flag and state while the trail keeps each one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/strset.h"
#include "base/xalloc.h"
#include "engine/report/report.h"

/* K_EXTENDED: an extension recorded after the fact in the period, of a lapse before it
 * (the lapse's own period says it in the lapse's row): a detail row of its own, counted in
 * no summary column (it is no lapse, flag or warning). */
/* K_RECORDED (补录): a lapse voided by a hand-in received before it and recorded after it
 * (its task.submit says voids_lapse): the lapse's row says both times and who recorded it,
 * counted in no summary column, as the conduct rules no longer count it. */
/* K_WITHDRAWN: an accountability flag taken back (task.unflag): the flag's row, raised and
 * withdrawn in the period, says both, who and why; a withdrawal in the period of a flag
 * raised before it is a row of its own naming the raise's record. Counted in no summary
 * column (the conduct rules no longer count it either), kept in the detail table: an
 * inspector reads that it was raised, and that and why it was taken back. */
/* K_WARN_VOIDED: a warning sent before the period some of whose events were voided in it
 * (conduct.void): a row of its own in the period that holds the void, as a flag's
 * withdrawal has, naming the warning's record; counted in no column (the warning was
 * counted in its own period, and cannot be unsent). */
/* A period's report is what was recorded by its end: made again a year on it reads the same
 * (the inspector compares it with the one signed then). A correction recorded later is a
 * row of the period that holds it, naming by audit number what it voids. */
/* K_OTHER_WARNING: a warning of a plan's own kind (neither 公开约谈 nor 项目限批): 工作预警,
 * as the dispatch calls it, in a column of its own; never filed as an interview the
 * county was not warned of (review10j R5). */
enum kind { K_MISSED = 0, K_OVERDUE, K_LATE, K_CONCEALED, K_FALSIFIED, K_OMITTED,
            K_INTERVIEW, K_RESTRICTION, K_OTHER_WARNING, K_EXTENDED, K_RECORDED, K_WITHDRAWN,
            K_WARN_VOIDED, K_N };
static const char *const kind_titles[K_N] = {"逾期未报", "逾期", "迟报", "瞒报", "谎报",
                                             "漏报", "约谈预警", "限批预警", "工作预警",
                                             "事后补记的展期", "补录", "撤回的登记",
                                             "预警依据撤销"};

struct item {
	uint64_t seq;
	int64_t at;
	enum kind kind;
	char *jur_id;         /* "" for the prefecture's own offices; owned */
	char *jur;            /* its name; owned */
	char *person;         /* owned */
	char *ent;            /* an enterprise's task: the enterprise, named as it was; owned */
	char *fallback;       /* who answers when the registry names nobody; owned */
	const struct plan_role *role; /* a jurisdiction's own task: its owning role, whose
	                       * `unit` names the answering unit as the notices address it */
	char *what;           /* the milestone and period, or the rule; owned */
	char *why;            /* owned */
	char *task;           /* task key or ""; owned */
	int deadline_state;   /* lapses: the lifecycle's deadline state, else -1 */
	const struct plan_lifecycle *lc;
	char *left_state;     /* lapses: the state the task moved to after it, or NULL; owned */
	int64_t left_at;
	char *left_note;      /* lapses: how it left when not plainly (an extension, a back-dated
	                       * hand-in), words after the time, or NULL; owned */
	bool handed_in;       /* lapses: its late hand-in is said in why (补报) */
	enum kind flagged;    /* K_WITHDRAWN: the kind of the flag taken back; K_WARN_VOIDED:
	                       * the warning's (K_INTERVIEW, K_RESTRICTION, K_OTHER_WARNING) */
	bool before;          /* a warning sent before the period: no row unless a void in the
	                       * period makes it one (K_WARN_VOIDED) */
	const struct engine_plan *ep; /* a warning's plan (its tasks'), for its time's zone */
	bool with_lapse;      /* K_OMITTED: its task's lapse is in the same summary row: one
	                       * fact, counted once in 合计 (as the conduct rules count it) */
};

/* Marks a task key inside a 说明 until the trail is read and it can be named as it was
 * then (name_tasks): no key holds it. */
#define KEY_MARK '\x1f'

/* A task's last lapse before the period: its record, the deadline it passed (INT64_MIN:
 * not said), and the late hand-in recorded after it before the period (0: none). */
struct early_lapse {
	uint64_t seq;
	int64_t deadline;
	uint64_t late_seq;
};

/* Task key -> index of its latest lapse item, open addressing; a lapse is "missed" when no
 * later record moves the task out of its deadline state before the period ends. */
struct lapse_map {
	char **keys;
	size_t *idx;
	size_t cap, n;
};

struct acc {
	struct engine *en;
	const char *plan; /* only this plan's records; NULL: every plan's */
	struct store_txn *txn;
	struct dberr *e;
	int64_t from, to;
	struct item *v;
	size_t n, cap;
	struct lapse_map map;
	struct lapse_map exts; /* task -> its extensions before a lapse of the period, in ext */
	struct lapse_map early; /* task -> its last lapse before the period, in el */
	struct early_lapse *el;
	size_t nel, capel;
	struct lapse_map flags; /* "TASK#KIND" -> its flag's item in the period, or before it
	                         * (early_flag) */
	struct lapse_map early_flags; /* "TASK#KIND" -> the sequence of its raise before */
	struct lapse_map warns; /* warning id -> its item in the period */
	char void_cause[16];    /* what the conduct.void records that follow void: "lapse"
	                         * (a hand-in recorded afterwards) or the flag kind withdrawn */
	char **ext;
	size_t next, capext;
	struct report_history hist; /* the registry's changes: who and where, as it was */
	struct report_versions vers; /* the plan versions: what a matter was called then */
	uint64_t last_seq;
};

static uint64_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static size_t *
map_slot(struct lapse_map *m, const char *key, bool add)
{
	size_t i;

	if (add && (m->n + 1) * 2 > m->cap) {
		struct lapse_map g = {xcalloc(m->cap ? m->cap * 2 : 64, sizeof(char *)),
		                      xcalloc(m->cap ? m->cap * 2 : 64, sizeof(size_t)),
		                      m->cap ? m->cap * 2 : 64, m->n};

		for (size_t k = 0; k < m->cap; k++) {
			if (m->keys[k] == NULL)
				continue;
			for (i = hash(m->keys[k]) & (g.cap - 1); g.keys[i]; i = (i + 1) & (g.cap - 1))
				;
			g.keys[i] = m->keys[k];
			g.idx[i] = m->idx[k];
		}
		free(m->keys);
		free(m->idx);
		*m = g;
	}
	if (m->cap == 0)
		return NULL;
	for (i = hash(key) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
		if (strcmp(m->keys[i], key) == 0)
			return &m->idx[i];
	if (!add)
		return NULL;
	m->keys[i] = xstrdup(key);
	m->n++;
	return &m->idx[i];
}

static void
map_release(struct lapse_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->idx);
}

/* The plan whose task key this is ("PLAN/…"), or NULL (a record of no task). */
static const struct engine_plan *
key_plan(const struct acc *a, const char *key)
{
	for (size_t p = 0; key != NULL && p < engine_nplans(a->en); p++) {
		const char *id = engine_plan_at(a->en, p)->plan->id;
		size_t n = strlen(id);

		if (strncmp(key, id, n) == 0 && key[n] == '/')
			return engine_plan_at(a->en, p);
	}
	return NULL;
}

/* The zone every time of a task's row is said in: its plan's, as its 截止 and 时间 are
 * (review10i L1: the 补录 and 撤回 times inside a 说明 were in the store's zone, one
 * column from the same event's time in the plan's); the store's for a record of no plan. */
static const struct tz *
key_tz(const struct acc *a, const char *key)
{
	const struct engine_plan *ep = key_plan(a, key);

	return ep ? ep->tz : engine_tz(a->en);
}

static struct item *
add_item(struct acc *a, const struct store_audit *rec, enum kind k)
{
	struct item *it;

	a->v = xgrow(a->v, &a->cap, a->n + 1, sizeof(*a->v));
	it = &a->v[a->n++];
	memset(it, 0, sizeof(*it));
	it->seq = rec->seq;
	it->at = rec->clock_time;
	it->kind = k;
	it->deadline_state = -1;
	it->task = xstrdup(rec->task);
	return it;
}

/* The item's jurisdiction (id), named, and its responsible person, as the registry said at
 * the item's time: a county renamed, an enterprise moved or given another 责任人 since
 * does not rewrite who answered for a lapse of then. */
static void
set_jurisdiction(struct acc *a, struct item *it, const char *id)
{
	struct store_subject j;
	struct dberr ignored;
	char *jid = xstrdup(id);

	free(it->jur_id);
	it->jur_id = jid;
	dberr_clear(&ignored);
	if (jid[0] == '\0') {
		it->jur = xstrdup(report_offices_label(a->en, key_plan(a, it->task)));
	} else {
		bool hj = store_subject_get(a->txn, STORE_JURISDICTION, jid, &j, &ignored) == 0;
		const char *name = report_field_at(&a->hist, &j, hj, jid, "name", it->at);
		const char *person = report_field_at(&a->hist, &j, hj, jid, "responsible_person",
		                                     it->at);

		it->jur = xstrdup(name ? name : jid);
		if (it->person == NULL && person != NULL)
			it->person = xstrdup(person);
		/* nobody named: the unit the notices addressed (昌吉市 + 环境保护局), not the
		 * role's title (县市、园区环保部门), which names no one (review12a P10) */
		if (it->person == NULL && it->role != NULL && it->role->per == PLAN_PER_JURISDICTION) {
			static const char *const kinds[] = {"county", "city", "park"};
			const char *u = it->role->unit;
			const char *k = hj ? store_subject_field(&j, "kind") : NULL;

			for (size_t i = 0; k && i < 3; i++)
				if (it->role->unit_kind[i] && strcmp(k, kinds[i]) == 0)
					u = it->role->unit_kind[i];
			if (u != NULL)
				it->person = xasprintf("%s%s", it->jur, u);
		}
		if (hj)
			store_subject_release(&j);
	}
}

/* Names every item as of its own time, now that the whole trail (and so every registry
 * change) has been read. */
static void
resolve_names(struct acc *a)
{
	for (size_t i = 0; i < a->n; i++) {
		struct item *it = &a->v[i];
		char *jid = xstrdup(it->jur_id);

		if (it->ent != NULL) {
			struct store_subject s;
			struct dberr ignored;
			bool hs;
			const char *j, *person, *name;

			dberr_clear(&ignored);
			hs = store_subject_get(a->txn, STORE_ENTERPRISE, it->ent, &s, &ignored) == 0;
			j = report_field_at(&a->hist, &s, hs, it->ent, "jurisdiction", it->at);
			person = report_field_at(&a->hist, &s, hs, it->ent, "responsible_person", it->at);
			name = report_field_at(&a->hist, &s, hs, it->ent, "name", it->at);
			if (j != NULL && jid[0] != '\0') {
				free(jid);
				jid = xstrdup(j);
			}
			it->person = person ? xasprintf("%s（%s）", person, name ? name : it->ent)
			                    : xstrdup(name ? name : it->ent);
			if (hs)
				store_subject_release(&s);
		}
		set_jurisdiction(a, it, jid);
		free(jid);
		if (it->person == NULL)
			it->person = xstrdup(it->fallback);
	}
}

/* The responsible person of a task: an enterprise's 责任人 from the registry; for a
 * jurisdiction's own task the jurisdiction's `responsible_person` when the registry gives
 * one, else the owning role (县市、园区环保部门); for an office's task, the office. The
 * names are resolved once the trail is read (resolve_names). */
static void
task_item(struct acc *a, struct item *it, const struct store_task *t)
{
	const struct engine_plan *ep = engine_plan_find(a->en, t->plan);
	int mi = ep ? plan_milestone_index(ep->plan, t->milestone) : -1;
	const struct plan_milestone *m = mi >= 0 ? &ep->plan->milestones[mi] : NULL, *wm = m;
	char period[64];
	uint32_t version;

	if (m == NULL && ep != NULL) {
		/* a milestone a later version removed: as the version in force at the record's
		 * time named it, never by the task's key (review 10d, M-2) */
		const struct plan *then = report_plan_at(&a->vers, a->txn, ep, it->at, &version);
		int wi = then ? plan_milestone_index(then, t->milestone) : -1;

		/* a record of the instant the version that removed it was loaded (the virtual
		 * clock stands still between commands): the version that last gave the task
		 * (review 10h, K5: the county's id as 责任人, the key as 事项) */
		for (size_t i = 0; wi < 0 && i < a->vers.n; i++)
			if (strcmp(a->vers.v[i].id, t->plan) == 0 &&
			    a->vers.v[i].version == t->plan_version && a->vers.v[i].plan != NULL) {
				then = a->vers.v[i].plan;
				wi = plan_milestone_index(then, t->milestone);
			}

		if (wi >= 0) {
			wm = &then->milestones[wi];
			if (wm->for_ == PLAN_FOR_ENTERPRISE)
				it->ent = xstrdup(t->subject);
			it->jur_id = xstrdup(t->jurisdiction);
			it->fallback = xstrdup(then->roles[wm->owner].title);
			it->role = &then->roles[wm->owner];
			words_period_zh(wm, t->period, period, sizeof(period));
			it->what = xasprintf("%s%s%s", wm->title, period[0] ? " " : "", period);
			it->lc = &then->lifecycles[wm->lifecycle];
			it->deadline_state = it->lc->deadline_to;
			return;
		}
	}

	if (m && m->for_ == PLAN_FOR_ENTERPRISE)
		it->ent = xstrdup(t->subject);
	it->jur_id = xstrdup(t->jurisdiction);
	it->fallback = xstrdup(m ? ep->plan->roles[m->owner].title : t->subject);
	it->role = m ? &ep->plan->roles[m->owner] : NULL;
	/* the matter as the plan version in force at the record's time called it: a title
	 * renamed by a later load does not rewrite a past record */
	if (m)
		wm = report_milestone_in(report_plan_at(&a->vers, a->txn, ep, it->at, &version), m);
	/* the period as every notice says it: the table due 2017-07-05 is 2017年6月's */
	words_period_zh(wm, t->period, period, sizeof(period));
	it->what = m ? xasprintf("%s%s%s", wm->title, period[0] ? " " : "", period)
	             : xstrdup(t->key);
	if (m) {
		it->lc = &ep->plan->lifecycles[m->lifecycle];
		it->deadline_state = it->lc->deadline_to;
	}
}

/* An extension (task.extend) in words: when, by whom, from and to which date, why, and
 * whether it was recorded after the fact (--backdate). */
static char *
extension_words(const struct acc *a, const struct store_audit *rec)
{
	char *by = report_json_str(rec->details, "by"), *why = report_json_str(rec->details, "reason");
	char *from = report_json_str(rec->details, "from_due_date");
	char *to = report_json_str(rec->details, "to_due_date"), *out;
	char when[32];

	tz_format_local(key_tz(a, rec->task), rec->clock_time, when);
	out = xasprintf("%s %s 将截止日期由 %s 延至 %s%s，理由：%s", when, by ? by : "",
	                from ? from : "", to ? to : "",
	                strstr(rec->details, "\"backdated\":true") ? "（事后补记的展期）" : "",
	                why ? why : "");
	free(by);
	free(why);
	free(from);
	free(to);
	return out;
}

/* Does rec (task.extend) void the lapse before it: a back-dated extension whose new
 * deadline covers the late hand-in waiting for review (docs/plan-format.md, "Back-dated
 * extensions")? */
static bool
extend_voids(const struct store_audit *rec)
{
	return strcmp(rec->action, "task.extend") == 0 &&
	       strstr(rec->details, "\"voids_lapse\":true") != NULL;
}

/* A task.extend record: said in the row of the lapse it followed, or kept for the row of
 * the lapse it precedes (the deadline that lapsed was an extended one). */
static int
on_extend(struct acc *a, const struct store_audit *rec)
{
	char *words, *why;
	size_t *slot;

	if (rec->clock_time > a->to)
		return 0;
	words = extension_words(a, rec);
	if (rec->clock_time >= a->from && map_slot(&a->map, rec->task, false) == NULL &&
	    strstr(rec->details, "\"backdated\":true") &&
	    (slot = map_slot(&a->early, rec->task, false)) != NULL) {
		/* recorded in this period for a lapse of an earlier one: said here too, in a row
		 * of its own, so the period that holds the record shows it */
		struct store_task t;
		struct item *it;
		const struct early_lapse *el = &a->el[*slot];
		char late[96] = "";
		int rc = store_task_get(a->txn, rec->task, &t, a->e);

		if (rc != 0) {
			free(words);
			return rc;
		}
		/* its late hand-in, recorded before the period too, is on time now: said here,
		 * as the period that read it 迟报 (or 补报) keeps what it read then */
		if (el->late_seq != 0 && strstr(rec->details, "\"hand_in_late\":false"))
			snprintf(late, sizeof(late), "，其补报（审计第 %llu 号）不作迟报",
			         (unsigned long long)el->late_seq);
		it = add_item(a, rec, K_EXTENDED);
		task_item(a, it, &t);
		it->deadline_state = -1;
		it->why = xasprintf("展期：%s；所补记的是此前的逾期（审计第 %llu 号）%s%s", words,
		                    (unsigned long long)el->seq,
		                    extend_voids(rec) ? "；补报在展期内，所记逾期不予计算" : "", late);
		store_task_release(&t);
		free(words);
		return 0;
	}
	if ((slot = map_slot(&a->map, rec->task, false)) != NULL) {
		struct item *it = &a->v[*slot];

		why = xasprintf("%s；展期：%s", it->why, words);
		free(it->why);
		it->why = why;
		free(words);
		return 0;
	}
	if ((slot = map_slot(&a->exts, rec->task, false)) != NULL) {
		why = xasprintf("%s；%s", a->ext[*slot], words);
		free(a->ext[*slot]);
		a->ext[*slot] = why;
		free(words);
		return 0;
	}
	a->ext = xgrow(a->ext, &a->capext, a->next + 1, sizeof(*a->ext));
	a->ext[a->next] = words;
	*map_slot(&a->exts, rec->task, true) = a->next++;
	return 0;
}

/* When a submission says it was handed in (its `at`), as every other time in the report. */
static void
handed_in_at(const struct acc *a, const struct store_audit *rec, char out[32])
{
	char *at = report_json_str(rec->details, "at");
	int64_t when;

	if (at && tz_parse_time(key_tz(a, rec->task), at, &when) == 0)
		tz_format_local(key_tz(a, rec->task), when, out);
	else
		snprintf(out, 32, "%s", at ? at : "");
	free(at);
}

/* When what a record says happened: its --at (details "at", a hand-in or an event entered
 * afterwards) when it has one, else when it was recorded. A verification on site on 09-25
 * entered on 11-12 left its deadline state on 09-25 (review12b V4). */
static int64_t
record_at(const struct acc *a, const struct store_audit *rec)
{
	char *at = report_json_str(rec->details, "at");
	int64_t when;

	if (at == NULL || tz_parse_time(key_tz(a, rec->task), at, &when) != 0)
		when = rec->clock_time;
	free(at);
	return when;
}

/* A hand-in that voided a lapse, in words: when it was received, when and by whom it was
 * recorded (the audit record's actor: the person who entered it), and that the lapse no
 * longer counts. Caller frees. */
static char *
recorded_words(const struct acc *a, const struct store_audit *rec,
               const struct plan_lifecycle *lc)
{
	char at[32], when[32], *by = report_json_str(rec->details, "by"), *out;

	handed_in_at(a, rec, at);
	tz_format_local(key_tz(a, rec->task), rec->clock_time, when);
	if (strcmp(rec->action, "task.event") == 0) {
		/* an event that ended the task (verify, close) rather than a hand-in, said by the
		 * state it ended in (转为已整改验收), never by the plan's event id (review12z, Z10) */
		char *ev = report_json_str(rec->details, "event");

		out = lc ? xasprintf("%s 办结（转为%s，经办 %s），%s 补录（录入 %s），所记逾期不予计算",
		                     at, report_state_title(lc, rec->to_state), by ? by : "", when,
		                     rec->actor ? rec->actor : "")
		         : xasprintf("%s 办结（%s，经办 %s），%s 补录（录入 %s），所记逾期不予计算", at,
		                     ev ? ev : "", by ? by : "", when, rec->actor ? rec->actor : "");
		free(ev);
	} else {
		out = xasprintf("%s 收到（报送人 %s），%s 补录（录入 %s），所记逾期不予计算", at,
		                by ? by : "", when, rec->actor ? rec->actor : "");
	}
	free(by);
	return out;
}

/* Does rec (a hand-in, or an event that ended the task) void a lapse it came before? */
static bool
voids_lapse(const struct store_audit *rec)
{
	return (strcmp(rec->action, "task.submit") == 0 || strcmp(rec->action, "task.event") == 0) &&
	       strstr(rec->details, "\"voids_lapse\":true") != NULL;
}

/* The lapse's row of a hand-in (or event) received within a back-dated extension recorded
 * before it (its record says within_extension): 事后补记的展期, as when the hand-in is
 * recorded first and the extension after it (review12a, P3) — the same facts, counted in
 * no column whatever order they were typed in, the hand-in said at its --at. */
static void
mark_within_extension(struct acc *a, struct item *it, const struct store_audit *rec)
{
	char at[32], *why;

	handed_in_at(a, rec, at);
	why = xasprintf("%s；%s 补报；补报在展期内，所记逾期不予计算", it->why, at);
	free(it->why);
	it->why = why;
	it->kind = K_EXTENDED;
}

/* The lapse's row becomes 补录: its hand-in (rec) was received before it. */
static void
mark_recorded(struct acc *a, struct item *it, const struct store_audit *rec)
{
	if (strstr(rec->details, "\"within_extension\":true") != NULL) {
		mark_within_extension(a, it, rec);
		return;
	}
	char *words = recorded_words(a, rec, it->lc), *why;

	why = xasprintf("%s；%s", it->why, words);
	free(it->why);
	it->why = why;
	free(words);
	it->kind = K_RECORDED;
}

static enum kind
flag_kind(const char *k)
{
	return k && strcmp(k, "falsified") == 0 ? K_FALSIFIED
	       : k && strcmp(k, "omitted") == 0 ? K_OMITTED : K_CONCEALED;
}

/* A flag withdrawn (task.unflag) in the period or before its end: the row of its raise in
 * the period says so and counts no more; one raised before the period gets a row of its
 * own in the period that holds the withdrawal. */
static int
on_unflag(struct acc *a, const struct store_audit *rec)
{
	char *kind = report_json_str(rec->details, "kind");
	char *by = report_json_str(rec->details, "by"), *why = report_json_str(rec->details, "reason");
	char *fk = xasprintf("%s#%s", rec->task, kind ? kind : ""), *words, when[32];
	size_t *slot;
	struct item *it;
	struct store_task t;
	int rc = 0;

	tz_format_local(key_tz(a, rec->task), rec->clock_time, when);
	words = xasprintf("%s 撤回（%s 撤回，理由：%s；审计第 %llu 号），不予计算", when,
	                  by ? by : "", why ? why : "", (unsigned long long)rec->seq);
	if (rec->clock_time <= a->to && (slot = map_slot(&a->flags, fk, false)) != NULL &&
	    *slot != SIZE_MAX) {
		char *w;

		it = &a->v[*slot];
		w = xasprintf("%s；%s", it->why, words);
		free(it->why);
		it->why = w;
		it->flagged = it->kind;
		it->kind = K_WITHDRAWN;
		*slot = SIZE_MAX; /* raised again later: a row of its own */
	} else if (rec->clock_time >= a->from && rec->clock_time <= a->to &&
	           (slot = map_slot(&a->early_flags, fk, false)) != NULL) {
		if ((rc = store_task_get(a->txn, rec->task, &t, a->e)) == 0) {
			it = add_item(a, rec, K_WITHDRAWN);
			task_item(a, it, &t);
			it->deadline_state = -1;
			it->flagged = flag_kind(kind);
			it->why = xasprintf("撤回此前的%s登记（审计第 %zu 号）：%s",
			                    kind_titles[it->flagged], *slot, words);
			store_task_release(&t);
		}
	}
	free(words);
	free(fk);
	free(kind);
	free(by);
	free(why);
	return rc;
}

/* A task cancelled after its lapse and given again lapsed (task.reopen into its deadline
 * state, review 10e H-A): the lapse stands, so its row no longer says it left for
 * 已取消; it tells both steps. */
static void
on_reopen_lapsed(struct acc *a, struct item *it, const struct store_audit *rec)
{
	char left[32], back[32], *why;

	tz_format_local(key_tz(a, it->task), it->left_at, left);
	tz_format_local(key_tz(a, it->task), rec->clock_time, back);
	why = xasprintf("%s；%s 撤销，%s 恢复，仍为逾期", it->why, left, back);
	free(it->why);
	it->why = why;
	free(it->left_state);
	it->left_state = NULL;
	free(it->left_note);
	it->left_note = NULL;
}

static int
on_task_record(struct acc *a, const struct store_audit *rec)
{
	struct store_task t;
	struct item *it;
	enum kind k;
	size_t *slot;
	char *s1 = NULL, *s2 = NULL, dl[32];
	int rc;

	/* a later move out of the deadline state makes an earlier lapse "逾期", not "未报" */
	if (rec->clock_time <= a->to && (slot = map_slot(&a->map, rec->task, false)) != NULL) {
		it = &a->v[*slot];
		/* a task cancelled after its lapse (it left the deadline state then) whose
		 * hand-in before the lapse is recorded afterwards: the lapse is 补录 all the same
		 * (review 10e, M-E) */
		/* a task that left its deadline state after its lapse (cancelled, or given
		 * time again by an extension or a new date: review10g G1) whose hand-in before
		 * the lapse is recorded afterwards: the lapse is 补录 all the same (review
		 * 10e, M-E) */
		if (it->seq < rec->seq && it->left_state != NULL && it->kind != K_RECORDED &&
		    voids_lapse(rec)) {
			mark_recorded(a, it, rec);
		}
		/* handed in late, then a back-dated extension covering the hand-in: the lapse
		 * was none as of the extended deadline; its row (which says the hand-in and the
		 * extension) counts in no column, as the conduct rules no longer count it */
		if (it->seq < rec->seq && it->left_state != NULL && it->kind == K_MISSED &&
		    extend_voids(rec)) {
			char *why = xasprintf("%s；补报在展期内，所记逾期不予计算", it->why);

			free(it->why);
			it->why = why;
			it->kind = K_EXTENDED;
		}
		if (it->seq < rec->seq && it->left_state != NULL && it->lc &&
		    strcmp(it->left_state, PLAN_STATE_CANCELLED) == 0 &&
		    strcmp(rec->action, "task.reopen") == 0 &&
		    plan_lifecycle_state(it->lc, rec->to_state) == it->deadline_state)
			on_reopen_lapsed(a, it, rec);
		if (it->seq < rec->seq && it->left_state == NULL && it->lc &&
		    plan_lifecycle_state(it->lc, rec->to_state) != it->deadline_state) {
			bool backdated = strstr(rec->details, "\"backdated\":true") != NULL;

			it->left_state = xstrdup(rec->to_state);
			it->left_at = record_at(a, rec);
			if (voids_lapse(rec)) {
				mark_recorded(a, it, rec);
			} else if (strcmp(rec->action, "task.extend") == 0) {
				/* nothing was handed in: the extension (said above in this row)
				 * moved the deadline past the lapse */
				char *to = report_json_str(rec->details, "to_due_date");

				it->left_note = xasprintf("展期%s后不再逾期，新截止日期 %s",
				                          backdated ? "（事后补记）" : "", to ? to : "?");
				free(to);
			} else if (strcmp(rec->action, "task.redate") == 0 ||
			           strcmp(rec->action, "task.reschedule") == 0) {
				/* a registry import (a new rectify_by) or a plan version moved the
				 * deadline past the lapse: said as an extension is, with its cause and
				 * record, for the inspector who looks for a county that edited its own
				 * registry after a lapse (review12z, Z15) */
				char *from = report_json_str(rec->details, "from_due");
				char *to = report_json_str(rec->details, "to_due");

				if (from == NULL)
					from = report_json_str(rec->details, "from_due_date");
				if (to == NULL)
					to = report_json_str(rec->details, "to_due_date");
				it->left_note = xasprintf("%s将截止日期由 %s 调整为 %s（审计第 %llu 号），不再逾期",
				                          strcmp(rec->action, "task.redate") == 0
				                          ? "登记册更新" : "计划调整", from ? from : "?",
				                          to ? to : "?", (unsigned long long)rec->seq);
				free(from);
				free(to);
			} else if (backdated) {
				char at[32];

				handed_in_at(a, rec, at);
				it->left_note = at[0]
				    ? xasprintf("转为%s（事后补记，报送时间记为 %s）",
				                report_state_title(it->lc, rec->to_state), at)
				    : xasprintf("转为%s（事后补记）",
				                report_state_title(it->lc, rec->to_state));
			}
		}
	}
	if (rec->clock_time < a->from && strcmp(rec->action, "task.lapse") == 0) {
		char *planned = report_json_str(rec->details, "planned");
		int64_t at;

		a->el = xgrow(a->el, &a->capel, a->nel + 1, sizeof(*a->el));
		a->el[a->nel] = (struct early_lapse){rec->seq, INT64_MIN, 0};
		if (planned && tz_parse_time(key_tz(a, rec->task), planned, &at) == 0)
			a->el[a->nel].deadline = at - 1;
		free(planned);
		*map_slot(&a->early, rec->task, true) = a->nel++;
	} else if (rec->clock_time < a->from && report_submit_late(rec) &&
	           (slot = map_slot(&a->early, rec->task, false)) != NULL) {
		a->el[*slot].late_seq = rec->seq;
	}
	if (strcmp(rec->action, "task.unflag") == 0)
		return on_unflag(a, rec);
	if (rec->clock_time < a->from && strcmp(rec->action, "task.flag") == 0) {
		char *kind = report_json_str(rec->details, "kind");
		char *fk = xasprintf("%s#%s", rec->task, kind ? kind : "");

		*map_slot(&a->early_flags, fk, true) = (size_t)rec->seq;
		free(fk);
		free(kind);
	}
	if (rec->clock_time < a->from || rec->clock_time > a->to)
		return 0;
	/* the late hand-in (迟报) of a lapse before the period, made on time by a back-dated
	 * extension recorded in it: no longer late (rare: a scan is enough) */
	for (size_t i = 0; strcmp(rec->action, "task.extend") == 0 &&
	                   strstr(rec->details, "\"hand_in_late\":false") && i < a->n; i++)
		if (a->v[i].kind == K_LATE && strcmp(a->v[i].task, rec->task) == 0) {
			/* the extension's own row (on_extend) says who extended it and why */
			char *why = xasprintf("%s；补报在事后补记的展期内，不作迟报", a->v[i].why);

			free(a->v[i].why);
			a->v[i].why = why;
			a->v[i].kind = K_EXTENDED;
		}
	if (voids_lapse(rec) && map_slot(&a->map, rec->task, false) == NULL &&
	    (slot = map_slot(&a->early, rec->task, false)) != NULL) {
		/* recorded in this period for a lapse of an earlier one: a row of its own here,
		 * so the period that holds the record shows it (that period's report, made
		 * again, shows its lapse as 补录 too) */
		char *words;

		if ((rc = store_task_get(a->txn, rec->task, &t, a->e)) != 0)
			return rc;
		it = add_item(a, rec, K_RECORDED);
		task_item(a, it, &t);
		words = recorded_words(a, rec, it->lc);
		it->deadline_state = -1;
		it->why = xasprintf("补录：%s；所补录的是此前的逾期（审计第 %llu 号）", words,
		                    (unsigned long long)a->el[*slot].seq);
		store_task_release(&t);
		free(words);
		return 0;
	}
	if (strcmp(rec->action, "task.lapse") == 0)
		k = K_MISSED;
	else if (report_submit_late(rec))
		k = K_LATE;
	else if (strcmp(rec->action, "task.flag") == 0)
		k = K_CONCEALED;
	else
		return 0;
	if (k == K_MISSED && (slot = map_slot(&a->map, rec->task, false)) != NULL) {
		/* the same task lapses again within the period (a late hand-in returned or found
		 * incomplete, a back-dated extension): one row, as the conduct rules count one,
		 * its story told in it; missed again unless a later record moves it out */
		char local[32], *why;

		it = &a->v[*slot];
		tz_format_local(key_tz(a, rec->task), rec->clock_time, local);
		why = xasprintf("%s；%s 再次逾期", it->why, local);
		free(it->why);
		it->why = why;
		it->kind = K_MISSED; /* counted again, a voided lapse or not */
		free(it->left_state);
		it->left_state = NULL;
		free(it->left_note);
		it->left_note = NULL;
		it->handed_in = false;
		return 0;
	}
	if (k == K_LATE && (slot = map_slot(&a->map, rec->task, false)) != NULL) {
		/* handed in after a lapse of this period: the same lapse, counted once, its row
		 * saying when it was handed in */
		char local[32], *why;

		it = &a->v[*slot];
		handed_in_at(a, rec, local);
		/* an incomplete late hand-in leaves the task lapsed: said, not passed off as
		 * the lapse's end */
		why = xasprintf("%s；%s 补报%s%s", it->why, local,
		                strstr(rec->details, "\"backdated\":true") ? "（事后补记）" : "",
		                it->lc && plan_lifecycle_state(it->lc, rec->to_state) ==
		                              it->deadline_state ? "（内容不全，仍为逾期）" : "");
		free(it->why);
		it->why = why;
		it->handed_in = true;
		return 0;
	}
	if ((rc = store_task_get(a->txn, rec->task, &t, a->e)) != 0)
		return rc;
	if (k == K_CONCEALED) {
		char *fk;

		s1 = report_json_str(rec->details, "kind");
		k = flag_kind(s1);
		fk = xasprintf("%s#%s", rec->task, s1 ? s1 : "");
		*map_slot(&a->flags, fk, true) = a->n; /* the item added next */
		free(fk);
	}
	it = add_item(a, rec, k);
	task_item(a, it, &t);
	tz_format_local(key_tz(a, rec->task), t.deadline, dl);
	if (k == K_MISSED) {
		/* the deadline that lapsed, not the task's current one (extended since) */
		char *planned = report_json_str(rec->details, "planned");
		int64_t at;

		if (planned && tz_parse_time(key_tz(a, rec->task), planned, &at) == 0)
			tz_format_local(key_tz(a, rec->task), at - 1, dl);
		free(planned);
		*map_slot(&a->map, rec->task, true) = a->n - 1;
		slot = map_slot(&a->exts, rec->task, false);
		it->why = slot ? xasprintf("截止 %s（展期：%s）", dl, a->ext[*slot])
		               : xasprintf("截止 %s", dl);
	} else if (k == K_LATE) {
		char local[32];

		/* the deadline it was late for, the lapse's, not one an extension set since
		 * (a back-dated one recorded later read "截止 04-10, 04-05 提交" as 迟报) */
		if ((slot = map_slot(&a->early, rec->task, false)) != NULL &&
		    a->el[*slot].deadline != INT64_MIN)
			tz_format_local(key_tz(a, rec->task), a->el[*slot].deadline, dl);
		handed_in_at(a, rec, local);
		it->why = xasprintf("截止 %s，%s 提交%s", dl, local,
		                    strstr(rec->details, "\"backdated\":true") ? "（事后补记）" : "");
	} else {
		free(s1);
		s1 = report_json_str(rec->details, "reason");
		s2 = report_json_str(rec->details, "by");
		it->why = xasprintf("%s（%s 认定）", s1 ? s1 : "", s2 ? s2 : "");
	}
	free(s1);
	free(s2);
	store_task_release(&t);
	return 0;
}

static void
on_warning(struct acc *a, const struct store_audit *rec)
{
	const char *lp = strstr(rec->details, "\"lapses\":[");
	struct buf why = BUF_INIT;
	struct item *it;
	char *id;

	if (rec->clock_time > a->to)
		return;
	it = add_item(a, rec, strcmp(rec->to_state, "interview-warning") == 0 ? K_INTERVIEW
	                      : strcmp(rec->to_state, "approval-restriction-warning") == 0
	                          ? K_RESTRICTION : K_OTHER_WARNING);
	/* one sent before the period is kept for a void in it (on_void), dropped otherwise */
	it->before = rec->clock_time < a->from;
	it->jur_id = xstrdup(rec->subject);
	it->fallback = xstrdup("—");
	it->what = xstrdup(it->kind == K_RESTRICTION ? "项目限批"
	                   : it->kind == K_INTERVIEW ? "公开约谈" : rec->to_state);
	/* its plan, by the tasks behind it: its time in the plan's zone, as every row's
	 * (review 10h, K6: the store's zone beside the lapses' in the plan's) */
	if (lp && lp[10] == '"')
		it->ep = key_plan(a, lp + 11);
	if ((id = report_json_str(rec->details, "id")) != NULL) {
		*map_slot(&a->warns, id, true) = a->n - 1;
		free(id);
	}
	/* the tasks behind it, as the details' JSON array holds their keys, said in words
	 * (KEY_MARK around each, named once the trail is read: name_tasks); its 任务 stays
	 * empty, as a warning is no one task's (its record, by 审计序号, lists the keys) */
	buf_puts(&why, "依据：");
	for (lp = lp ? lp + 10 : ""; *lp && *lp != ']'; lp++)
		if (*lp == ',')
			buf_puts(&why, "、");
		else if (*lp == '"')
			buf_putc(&why, KEY_MARK);
		else
			buf_putc(&why, *lp);
	it->why = buf_detach(&why);
}

/* A sent warning that counted an event voided since (conduct.void: a lapse recorded
 * afterwards as handed in in time, or a flag withdrawn) says so in its row, as every list
 * of sent warnings does (docs/plan-format.md, "Voided lapses and warnings"; review 10g,
 * G4): "…；TIME 依据中 TASK 的逾期已补录撤销，余N项（审计第 S 号）". It stays a warning
 * sent, counted in its column: it cannot be unsent. */
static void
on_void(struct acc *a, const struct store_audit *rec)
{
	char *id = report_json_str(rec->details, "id"), *task, *why, local[32];
	const char *left = strstr(rec->details, "\"left\":");
	size_t *slot = id ? map_slot(&a->warns, id, false) : NULL;
	struct item *it;

	free(id);
	if (slot == NULL || rec->clock_time > a->to)
		return; /* a warning after the period, or a void after it */
	it = &a->v[*slot];
	if (it->before && rec->clock_time < a->from)
		return; /* both before the period: its own period's report says it */
	if (it->before && it->kind != K_WARN_VOIDED) {
		/* sent before the period, voided in it: a row of its own here, at the void,
		 * naming the warning's record (its period's report, made again, reads as then) */
		tz_format_local(it->ep ? it->ep->tz : engine_tz(a->en), it->at, local);
		why = xasprintf("此前发出的%s（%s，审计第 %llu 号），%s", kind_titles[it->kind], local,
		                (unsigned long long)it->seq, it->why);
		free(it->why);
		it->why = why;
		it->flagged = it->kind;
		it->kind = K_WARN_VOIDED;
		it->seq = rec->seq;
		it->at = rec->clock_time;
	}
	task = report_json_str(rec->details, "voided");
	tz_format_local(it->ep ? it->ep->tz : engine_tz(a->en), rec->clock_time, local);
	why = xasprintf("%s；%s 依据中%c%s%c的%s，余%lu项%s（审计第 %llu 号）", it->why, local,
	                KEY_MARK, task ? task : "", KEY_MARK,
	                strcmp(a->void_cause, "lapse") == 0       ? "逾期已补录撤销"
	                : strcmp(a->void_cause, "extension") == 0 ? "逾期因事后补记的展期撤销"
	                : strcmp(a->void_cause, "concealed") == 0 ? "瞒报登记已撤回"
	                : strcmp(a->void_cause, "falsified") == 0 ? "谎报登记已撤回"
	                                                          : "漏报登记已撤回",
	                left ? strtoul(left + 7, NULL, 10) : 0UL,
	                strstr(rec->details, "\"below_rule\":true") ? "，不足预警标准" : "",
	                (unsigned long long)rec->seq);
	free(it->why);
	it->why = why;
	free(task);
}

/* Does rec belong to the plan the report is for? A task's record by its key; a warning by
 * the tasks behind it (all of its plan), a void by the task it voids. */
static bool
of_plan(const struct acc *a, const struct store_audit *rec)
{
	size_t n = a->plan ? strlen(a->plan) : 0;
	const char *key = rec->task;
	char *found = NULL;
	bool yes;

	if (a->plan == NULL)
		return true;
	if (strcmp(rec->action, "conduct.warning") == 0) {
		const char *lp = strstr(rec->details, "\"lapses\":[\"");

		key = lp ? lp + 11 : "";
	} else if (strcmp(rec->action, "conduct.void") == 0) {
		key = found = report_json_str(rec->details, "voided");
	}
	yes = key && strncmp(key, a->plan, n) == 0 && key[n] == '/';
	free(found);
	return yes;
}

static int
audit_cb(const struct store_audit *rec, void *arg)
{
	struct acc *a = arg;

	if (rec->seq > a->last_seq)
		a->last_seq = rec->seq;
	report_history_note(&a->hist, rec);
	if (!of_plan(a, rec))
		return 0;
	/* the conduct.void records that follow in the same transaction void this */
	if (voids_lapse(rec)) {
		snprintf(a->void_cause, sizeof(a->void_cause), "lapse");
	} else if (extend_voids(rec)) {
		/* a back-dated extension that covers the late hand-in: no 补录 (it said one) */
		snprintf(a->void_cause, sizeof(a->void_cause), "extension");
	} else if (strcmp(rec->action, "task.unflag") == 0) {
		char *kind = report_json_str(rec->details, "kind");

		snprintf(a->void_cause, sizeof(a->void_cause), "%s", kind ? kind : "");
		free(kind);
	}
	if (strcmp(rec->action, "conduct.void") == 0)
		on_void(a, rec);
	if (strcmp(rec->action, "task.extend") == 0 && rec->task[0]) {
		int rc = on_extend(a, rec);

		if (rc != 0)
			return rc;
	}
	if (strncmp(rec->action, "task.", 5) == 0 && rec->task[0])
		return on_task_record(a, rec);
	if (strcmp(rec->action, "conduct.warning") == 0)
		on_warning(a, rec);
	return 0;
}

static void
item_release(struct item *it)
{
	free(it->jur_id);
	free(it->jur);
	free(it->person);
	free(it->what);
	free(it->why);
	free(it->task);
	free(it->left_state);
	free(it->left_note);
	free(it->ent);
	free(it->fallback);
}

/* Drops the warnings sent before the period that no void in it made a row of (the item
 * maps' indexes are stale after: call once the trail is read). */
static void
drop_before(struct acc *a)
{
	size_t n = 0;

	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].before && a->v[i].kind != K_WARN_VOIDED)
			item_release(&a->v[i]);
		else
			a->v[n++] = a->v[i];
	a->n = n;
}

/* A task in words, as the row of its own record would name it at `at`: the matter (title
 * and period, as the version in force then called it) and, for a task of a jurisdiction or
 * an enterprise, its name then: "甲表 2017年3月（甲县）". The key when no task has it. */
static void
task_words(struct acc *a, const char *key, int64_t at, struct buf *out)
{
	struct store_task t;
	struct store_subject s;
	struct dberr ignored;
	struct item w = {0};
	const char *id;
	bool hs;

	dberr_clear(&ignored);
	if (store_task_get(a->txn, key, &t, &ignored) != 0) {
		buf_puts(out, key);
		return;
	}
	w.at = at;
	task_item(a, &w, &t);
	id = w.ent ? w.ent : w.jur_id;
	if (id != NULL && id[0] != '\0') {
		const char *name;

		hs = store_subject_get(a->txn, w.ent ? STORE_ENTERPRISE : STORE_JURISDICTION, id, &s,
		                       &ignored) == 0;
		name = report_field_at(&a->hist, &s, hs, id, "name", at);
		buf_printf(out, "%s（%s）", w.what, name ? name : id);
		if (hs)
			store_subject_release(&s);
	} else {
		buf_puts(out, w.what);
	}
	item_release(&w);
	store_task_release(&t);
}

/* Names the tasks a warning's row gives by key (between KEY_MARKs), in words as of the
 * row's time, as the warning's own notice names them (issue 10: "the milestone's title and
 * period in Chinese, not keys"). */
static void
name_tasks(struct acc *a)
{
	for (size_t i = 0; i < a->n; i++) {
		struct item *it = &a->v[i];
		struct buf b = BUF_INIT;
		const char *p = it->why, *q;

		if (p == NULL || strchr(p, KEY_MARK) == NULL)
			continue;
		while ((q = strchr(p, KEY_MARK)) != NULL) {
			const char *end = strchr(q + 1, KEY_MARK);
			char *key;

			buf_append(&b, p, (size_t)(q - p));
			if (end == NULL) { /* cannot happen: marks come in pairs */
				p = q + 1;
				continue;
			}
			key = xstrndup(q + 1, (size_t)(end - q - 1));
			task_words(a, key, it->at, &b);
			free(key);
			p = end + 1;
		}
		buf_puts(&b, p);
		free(it->why);
		it->why = buf_detach(&b);
	}
}

static int
acc_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct acc *a = arg;

	int rc;

	a->txn = txn;
	a->e = e;
	if ((rc = store_audit_each(txn, 1, audit_cb, a, e)) == 0) {
		report_history_seal(&a->hist);
		drop_before(a);
		resolve_names(a);
		name_tasks(a);
	}
	return rc;
}

static int
item_cmp(const void *x, const void *y)
{
	const struct item *a = x, *b = y;
	int c = strcmp(a->jur_id, b->jur_id);

	if (c == 0)
		c = strcmp(a->person, b->person);
	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

/* A lapse whose task left its deadline state within the period was remedied late (逾期);
 * one still in it when the period ends was missed (逾期未报). */
static void
resolve_lapses(struct acc *a)
{
	for (size_t i = 0; i < a->n; i++) {
		struct item *it = &a->v[i];
		char left[32], *why;

		if (it->kind != K_MISSED || it->left_state == NULL)
			continue;
		it->kind = K_OVERDUE;
		if (it->handed_in)
			continue; /* its 补报 says when it left */
		tz_format_local(key_tz(a, it->task), it->left_at, left);
		why = it->left_note ? xasprintf("%s；%s %s", it->why, left, it->left_note)
		                    : xasprintf("%s；%s 转为%s", it->why, left,
		                                report_state_title(it->lc, it->left_state));
		free(it->why);
		it->why = why;
		it->kind = K_OVERDUE;
	}
}

/* A 漏报 flag on a task whose lapse (逾期未报, 逾期) is in the same jurisdiction and
 * person's rows is the lapse by another name (review 10g, G11): it keeps its row and its
 * 漏报 column, says so, and adds nothing to 合计. Items are sorted by then. The lapses'
 * (task, jurisdiction, person) as a set: each flag looked up, not compared with every row
 * (review 13f, C3's kind: flags x rows). */
static void
omitted_lapses(struct acc *a)
{
	struct strset lapses = STRSET_INIT;

	for (size_t j = 0; j < a->n; j++)
		if (a->v[j].kind == K_MISSED || a->v[j].kind == K_OVERDUE) {
			char *k = xasprintf("%s\n%s\n%s", a->v[j].task, a->v[j].jur_id, a->v[j].person);

			strset_add(&lapses, k);
			free(k);
		}
	for (size_t i = 0; i < a->n && lapses.n > 0; i++) {
		struct item *it = &a->v[i];
		char *why, *k;

		if (it->kind != K_OMITTED)
			continue;
		k = xasprintf("%s\n%s\n%s", it->task, it->jur_id, it->person);
		it->with_lapse = strset_has(&lapses, k);
		free(k);
		if (!it->with_lapse)
			continue;
		why = xasprintf("%s；与该任务的逾期为同一事项，合计计1次", it->why);
		free(it->why);
		it->why = why;
	}
	strset_free(&lapses);
}

static void
detail_rows(const struct acc *a, struct report_table *t)
{
	for (size_t i = 0; i < a->n; i++) {
		const struct item *it = &a->v[i];
		const struct engine_plan *ep = it->ep ? it->ep : key_plan(a, it->task);

		report_add_str(t, it->jur);
		report_add_str(t, it->person);
		/* a task of a lifecycle of the plan's own (a rectification) is not "reported":
		 * it was not completed */
		if (it->kind == K_WITHDRAWN || it->kind == K_WARN_VOIDED) {
			char *title = xasprintf(it->kind == K_WITHDRAWN ? "%s（已撤回）" : "%s（依据撤销）",
			                        kind_titles[it->flagged]);

			report_add_str(t, title);
			free(title);
		} else {
			report_add_str(t, it->kind == K_MISSED && it->lc && !it->lc->builtin
			                      ? "逾期未完成" : kind_titles[it->kind]);
		}
		report_add_str(t, it->what);
		report_add_str(t, it->task);
		report_add_str(t, it->why);
		/* RFC 3339 in JSON and CSV, as every time there (docs/output.md) */
		report_add_time(t, ep ? ep->tz : engine_tz(a->en), it->at);
		report_add_num(t, (double)it->seq, 0);
	}
}

static void
summary_rows(const struct acc *a, struct report_table *t)
{
	for (size_t i = 0, j; i < a->n; i = j) {
		unsigned cnt[K_N] = {0}, total = 0;
		struct buf seqs = BUF_INIT;

		bool counted = false;

		for (j = i; j < a->n && strcmp(a->v[j].jur_id, a->v[i].jur_id) == 0 &&
		            strcmp(a->v[j].person, a->v[i].person) == 0; j++) {
			if (a->v[j].kind == K_EXTENDED || a->v[j].kind == K_RECORDED ||
			    a->v[j].kind == K_WITHDRAWN || a->v[j].kind == K_WARN_VOIDED)
				continue; /* no lapse, flag or warning: in the detail table only */
			counted = true;
			cnt[a->v[j].kind]++;
			/* the total counts lapses and flags; warnings are their consequence, in
			 * their own columns, never added to what they count */
			if (a->v[j].kind < K_INTERVIEW && !a->v[j].with_lapse)
				total++;
			buf_printf(&seqs, "%s%llu", seqs.len ? "," : "", (unsigned long long)a->v[j].seq);
		}
		if (!counted) {
			buf_release(&seqs);
			continue;
		}
		report_add_str(t, a->v[i].jur);
		report_add_str(t, a->v[i].person);
		for (int k = 0; k < K_INTERVIEW; k++)
			report_add_num(t, cnt[k], 0);
		report_add_num(t, total, 0);
		for (int k = K_INTERVIEW; k <= K_OTHER_WARNING; k++)
			report_add_num(t, cnt[k], 0);
		report_add_str(t, buf_str(&seqs));
		buf_release(&seqs);
	}
}

int
report_accountability(struct engine *en, const char *plan, int64_t from, int64_t to,
                      struct report_table out[2], struct dberr *e)
{
	static const char *const dhead[] = {"县市、园区", "责任人", "类别", "事项", "任务",
	                                    "说明", "时间", "审计序号"};
	static const char *const shead[] = {"县市、园区", "责任人", "逾期未办结", "逾期", "迟报",
	                                    "瞒报", "谎报", "漏报", "合计", "约谈预警", "限批预警",
	                                    "工作预警", "审计序号"};
	/* docs/output.md: the field names of `--format json` */
	static const char *const dkeys[] = {"jurisdiction", "person", "kind", "matter", "task",
	                                    "reason", "time", "audit_seq"};
	static const char *const skeys[] = {"jurisdiction", "person", "missed", "overdue", "late",
	                                    "concealed", "falsified", "omitted", "total",
	                                    "interview_warnings", "restriction_warnings",
	                                    "other_warnings", "audit_seqs"};
	struct acc a = {0};
	/* without --from/--to: the whole trail, said in words (review12z, Z10) */
	char f[40] = "第一条审计记录", t[40] = "打印时";
	int rc;

	const struct engine_plan *ep = plan ? engine_plan_find(en, plan)
	                                    : engine_nplans(en) == 1 ? engine_plan_at(en, 0) : NULL;

	if (plan != NULL && ep == NULL)
		return dberr_set(e, DB_EUSAGE, "--plan: unknown plan '%s'", plan);
	a.en = en;
	a.plan = plan;
	a.from = from;
	a.to = to;
	if ((rc = store_read(engine_store(en), acc_txn, &a, e)) != 0)
		goto out;
	/* missed or overdue is known only now that the whole period has been read; sorting
	 * (which moves the items the lapse map points at) comes after */
	resolve_lapses(&a);
	if (a.n > 1) /* an empty result has no array: qsort(NULL, 0) is undefined */
		qsort(a.v, a.n, sizeof(*a.v), item_cmp);
	omitted_lapses(&a);
	report_table_init(&out[0], "问责记录明细表", "问责明细", dhead, 8);
	{
		/* the plan's word for its jurisdictions (several plans: the configuration's, else
		 * 地区), never Changji's for another bureau (review12a P6) */
		const char *area = report_area_word(ep ? ep->plan : NULL, &engine_config(en)->issuer);
		char *title = xasprintf("问责记录汇总表（按%s和责任人）", area);

		report_table_init(&out[1], title, "问责汇总", shead, 13);
		free(title);
		report_table_area_head(&out[0], 0, area);
		report_table_area_head(&out[1], 0, area);
	}
	report_table_keys(&out[0], "records", dkeys);
	report_table_keys(&out[1], "summary", skeys);
	detail_rows(&a, &out[0]);
	summary_rows(&a, &out[1]);
	if (from != INT64_MIN)
		tz_format_local(engine_tz(en), from, f);
	if (to != INT64_MAX)
		tz_format_local(engine_tz(en), to, t);
	out[0].note = xasprintf("统计区间：%s 至 %s（%s，按各记录的时钟时间）；依审计记录重算（至第 "
	                        "%llu 号），每行的审计序号可用 dabiao audit prove 证明。", f, t,
	                        tz_name(engine_tz(en)), (unsigned long long)a.last_seq);
	out[1].note = xstrdup(out[0].note);
	report_sign_lines(&out[0], en, ep);
	report_sign_lines(&out[1], en, ep);
out:
	for (size_t i = 0; i < a.n; i++)
		item_release(&a.v[i]);
	free(a.v);
	map_release(&a.map);
	map_release(&a.exts);
	map_release(&a.early);
	free(a.el);
	map_release(&a.flags);
	map_release(&a.early_flags);
	map_release(&a.warns);
	report_versions_release(&a.vers);
	for (size_t i = 0; i < a.next; i++)
		free(a.ext[i]);
	free(a.ext);
	report_history_release(&a.hist);
	return rc;
}
