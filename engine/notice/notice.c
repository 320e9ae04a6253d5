/*
 * notice.c - one notice: who it goes to, what it says, and its place in the outbox.
 *
 * Recipients come from the registry: a per-jurisdiction role from the task's jurisdiction,
 * a per-enterprise role from the enterprise, an office role from the registry's offices.
 * A role with no address is never dropped silently: the notice goes to the registry's
 * admin contact instead and the gap is named in the notice's record (and in `status`).
 * The text comes from the kind's template (the plan's own folder first, then the built-in
 * zh-CN one); the message bytes are final when queued, so a retry sends the same bytes and
 * the same Message-ID.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "base/buf.h"
#include "base/sha256.h"
#include "base/strset.h"
#include "base/xalloc.h"
#include "engine/notice/notice_int.h"

/* Adds the subject's addresses for role (its role-specific ones, else its general ones). */
static int
add_contacts(struct store_txn *txn, enum store_subject_kind kind, const char *id,
             const char *role, struct strset *to, struct dberr *e)
{
	struct store_subject s;
	size_t before = to->n;
	int rc = store_subject_get(txn, kind, id, &s, e);

	if (rc == DB_ENOTFOUND) {
		dberr_clear(e);
		return 0;
	}
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < s.ncontacts; i++)
		if (strcmp(s.contacts[i].key, role) == 0 || kind == STORE_OFFICE)
			strset_add(to, s.contacts[i].val);
	if (to->n == before)
		for (size_t i = 0; i < s.ncontacts; i++)
			if (s.contacts[i].key[0] == '\0')
				strset_add(to, s.contacts[i].val);
	store_subject_release(&s);
	return 0;
}

static int
target_role(const struct notice_req *r, const struct plan_milestone *m,
            const struct plan_target *t)
{
	switch (t->kind) {
	case PLAN_TARGET_ROLE:
		return t->role;
	case PLAN_TARGET_OWNER:
		return m ? m->owner : -1;
	case PLAN_TARGET_SUBMIT_TO:
		return m ? m->submit_to : -1;
	}
	(void)r;
	return -1;
}

int
notice_role_addresses(struct store_txn *txn, const struct plan_role *role,
                      const char *jurisdiction, const char *subject, struct strset *to,
                      struct dberr *e)
{
	switch (role->per) {
	case PLAN_PER_JURISDICTION:
		return jurisdiction && *jurisdiction
		       ? add_contacts(txn, STORE_JURISDICTION, jurisdiction, role->id, to, e) : 0;
	case PLAN_PER_ENTERPRISE:
		return subject ? add_contacts(txn, STORE_ENTERPRISE, subject, role->id, to, e) : 0;
	default:
		return add_contacts(txn, STORE_OFFICE, role->id, role->id, to, e);
	}
}

/* The addresses of one role for this notice: a per-jurisdiction role's from the task's
 * jurisdiction, or the notice's subject when it has no task (a warning). */
static int
role_contacts(struct store_txn *txn, const struct notice_req *r, const struct plan_role *role,
              struct strset *to, struct dberr *e)
{
	return notice_role_addresses(txn, role, r->task ? r->task->jurisdiction : r->subject,
	                             r->task ? r->task->subject : NULL, to, e);
}

static bool
digest_role(const struct engine *en, const char *role)
{
	char *const *digest = engine_config(en)->digest;

	for (size_t i = 0; digest && digest[i]; i++)
		if (strcmp(digest[i], role) == 0)
			return true;
	return false;
}

/* A subject's registry name, or its id when the registry has none. Caller frees. */
static char *
subject_name(struct store_txn *txn, enum store_subject_kind kind, const char *id)
{
	struct store_subject s;
	struct dberr ignored;
	char *name;

	dberr_clear(&ignored);
	if (id == NULL || store_subject_get(txn, kind, id, &s, &ignored) != 0)
		return xstrdup(id ? id : "");
	name = xstrdup(store_subject_field(&s, "name") ? store_subject_field(&s, "name") : id);
	store_subject_release(&s);
	return name;
}

/* The unit a notice to role addresses (主送机关): an office by its title; a jurisdiction's
 * role by the jurisdiction's name and the role's `unit` (昌吉市 + 环境保护局), or the title
 * in brackets when the plan gives no unit; an enterprise by its name. Caller frees. */
static char *
unit_name(struct store_txn *txn, const struct notice_req *r, const struct plan_role *role)
{
	static const char *const kinds[] = {"county", "city", "park"};
	const char *jur = r->task ? r->task->jurisdiction : r->subject, *u = role->unit;
	struct store_subject s;
	struct dberr ignored;
	char *name, *unit;

	switch (role->per) {
	case PLAN_PER_JURISDICTION:
		if (jur == NULL || *jur == '\0')
			return xstrdup(role->title);
		dberr_clear(&ignored);
		if (store_subject_get(txn, STORE_JURISDICTION, jur, &s, &ignored) != 0) {
			name = xstrdup(jur);
			break;
		}
		name = xstrdup(store_subject_field(&s, "name") ? store_subject_field(&s, "name")
		                                               : jur);
		for (size_t k = 0; k < 3; k++)
			if (role->unit_kind[k] && store_subject_field(&s, "kind") &&
			    strcmp(store_subject_field(&s, "kind"), kinds[k]) == 0)
				u = role->unit_kind[k];
		store_subject_release(&s);
		break;
	case PLAN_PER_ENTERPRISE:
		if (r->task == NULL)
			return xstrdup(role->title);
		return subject_name(txn, STORE_ENTERPRISE, r->task->subject);
	default:
		return xstrdup(role->title);
	}
	unit = u ? xasprintf("%s%s", name, u) : xasprintf("%s（%s）", name, role->title);
	free(name);
	return unit;
}

/* Everyone the notice goes to (to), the roles' titles (roles), the units addressed
 * (units), roles without an address (gaps), and the addresses that belong to a digest role
 * (dig). */
static int
notice_recipients(struct engine *en, struct store_txn *txn, const struct notice_req *r,
                  const struct plan_milestone *m, struct strset *to, struct strset *roles,
                  struct strset *units, struct strset *gaps, struct strset *dig,
                  struct dberr *e)
{
	const struct plan *p = r->ep->plan;
	const char *jur = r->task ? r->task->jurisdiction : r->subject;
	int rc;

	for (size_t i = 0; i < r->nto_addrs; i++)
		strset_add(to, r->to_addrs[i]);
	for (size_t i = 0; i < r->ntargets; i++) {
		int ri = target_role(r, m, &r->targets[i]);
		const struct plan_role *role;
		size_t before = to->n;

		if (ri < 0)
			continue;
		role = &p->roles[ri];
		strset_add(roles, role->title);
		{
			char *unit = unit_name(txn, r, role);

			strset_add(units, unit);
			free(unit);
		}
		/* resolved on its own, so a role whose addresses another target already added
		 * is not mistaken for a role without any */
		struct strset mine = {0};
		if ((rc = role_contacts(txn, r, role, &mine, e)) != 0) {
			strset_free(&mine);
			return rc;
		}
		for (size_t k = 0; k < mine.n; k++)
			strset_add(to, mine.v[k]);
		before = mine.n;
		strset_free(&mine);
		if (before == 0) {
			char *gap = xasprintf("%s (%s)", role->id, jur && *jur ? jur : r->subject);
			strset_add(gaps, gap);
			free(gap);
		}
		/* the day's message instead: a role the configuration digests, or a kind the
		 * plan groups (notices.group) */
		if ((digest_role(en, role->id) || plan_groups(p, r->kind)) &&
		    strcmp(r->kind, "digest") != 0 && r->text_subject == NULL &&
		    notice_digest_in_time(r->ep, r->scheduled, r->task ? r->task->deadline : 0)) {
			struct strset d = {0};
			char *unit;

			if ((rc = role_contacts(txn, r, role, &d, e)) != 0) {
				strset_free(&d);
				return rc;
			}
			/* each digest address with the unit it is addressed as, "addr\tunit" */
			unit = unit_name(txn, r, role);
			for (size_t k = 0; k < d.n; k++) {
				char *line = xasprintf("%s\t%s", d.v[k], unit);
				size_t al = strlen(d.v[k]), j;

				for (j = 0; j < dig->n; j++) /* one digest line per address */
					if (strncmp(dig->v[j], line, al + 1) == 0)
						break;
				if (j == dig->n)
					strset_add(dig, line);
				free(line);
			}
			free(unit);
			strset_free(&d);
		}
	}
	if (gaps->n > 0 || to->n == 0) {
		rc = add_contacts(txn, STORE_OFFICE, "admin", "admin", to, e);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Template values: a small table filled once per notice, looked up by name. */
struct vals {
	struct notice_var v[128];
	size_t n;
	struct strset owned;
};

static void
val(struct vals *vs, const char *name, const char *value)
{
	if (vs->n < sizeof(vs->v) / sizeof(vs->v[0]))
		vs->v[vs->n++] = (struct notice_var){name, value ? value : ""};
}

static void
valf(struct vals *vs, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
valf(struct vals *vs, const char *name, const char *fmt, ...)
{
	va_list ap;
	char tmp[512];

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	vs->owned.v = xgrow(vs->owned.v, &vs->owned.cap, vs->owned.n + 1, sizeof(char *));
	vs->owned.v[vs->owned.n] = xstrdup(tmp);
	val(vs, name, vs->owned.v[vs->owned.n++]);
}

static const char *
lookup(const char *name, void *arg)
{
	const struct vals *vs = arg;

	/* later entries win: a request's own vars override the defaults */
	for (size_t i = vs->n; i-- > 0;)
		if (strcmp(vs->v[i].name, name) == 0)
			return vs->v[i].value;
	return NULL;
}

/* The separators of a list of section ids, as a submission declares them ("a,b") or as
 * the submit records what is missing ("a、b"). Such a list is made a set (strset_add_split)
 * and asked once per required section: searching the text for each made a notice of
 * 16,000 sections quadratic (review 13f, C15). */
static const char *const id_seps[] = {",", "、", NULL};

/* Sections as a numbered list of whole lines, "　　（一）工业污染源总体情况；" … "。", by
 * their titles (the id where the plan gives none); "" when there are none. ids: the
 * sections to list, comma-separated, or NULL for all the milestone requires. */
static void
section_list(const struct plan_milestone *m, const char *ids, struct buf *out)
{
	struct strset listed = STRSET_INIT;
	size_t k = 0, total = 0;

	strset_add_split(&listed, ids, id_seps);
	for (size_t pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < m->nrequires; i++) {
			const char *id = m->requires[i];
			char num[WORDS_NUMERAL_MAX];

			if (ids != NULL && !strset_has(&listed, id))
				continue;
			if (pass == 0) {
				total++;
				continue;
			}
			/* the 17th section was numbered （十六） again: every item its own number */
			words_numeral_zh(++k, num);
			buf_printf(out, "　　（%s）%s%s", num,
			           m->requires_titles[i] ? m->requires_titles[i] : id,
			           k == total ? "。" : "；\n");
		}
	strset_free(&listed);
}

/* The words of a task's obligation: what (the period and the milestone's title), the verb
 * (报送 when the task is handed in to someone through a submit event, else 完成), and the
 * whole sentence "将2017年6月《…》报送州环境监察支队". */
static void
obligation_vals(struct vals *vs, struct store_txn *txn, const struct notice_req *r,
                const struct plan_milestone *m)
{
	const struct plan *p = r->ep->plan;
	const struct plan_lifecycle *lc = &p->lifecycles[m->lifecycle];
	/* handed in to someone (报送) only when the milestone names a receiver and its
	 * lifecycle is moved by a submission; anything else is done (完成) */
	bool hand_in = lc->submit_event >= 0 && m->submit_to >= 0;
	char period[64];
	char *object, *to = NULL;

	words_period_zh(m, r->task->period, period, sizeof(period));
	valf(vs, "period_zh", "%s", period);
	object = hand_in ? xasprintf("%s《%s》", period, m->title)
	                 : xasprintf("%s%s", period, m->title);
	valf(vs, "matter_object", "%s", object);
	val(vs, "verb", hand_in ? "报送" : "完成");
	val(vs, "required_intro", hand_in ? "报送材料应当包括以下内容" : "办结时应当登记以下内容");
	valf(vs, "matter", "%s%s", hand_in ? "报送" : "完成", object);
	if (m->submit_to >= 0)
		to = unit_name(txn, r, &p->roles[m->submit_to]);
	valf(vs, "submit_to_unit", "%s", to ? to : "");
	/* explanations of a delay go to whoever the task is handed in to, else report_to */
	if (to != NULL)
		valf(vs, "explain_to", "%s", to);
	if (hand_in && to != NULL)
		valf(vs, "obligation", "将%s报送%s", object, to);
	else
		valf(vs, "obligation", "%s%s", hand_in ? "报送" : "完成", object);
	{
		char *owner = unit_name(txn, r, &p->roles[m->owner]);

		valf(vs, "owner_unit", "%s", owner);
		free(owner);
	}
	free(object);
	free(to);
}

static void
fill_task_vals(struct vals *vs, struct store_txn *txn, const struct notice_req *r,
               const struct plan_milestone *m)
{
	const struct plan *p = r->ep->plan;
	const struct store_task *t = r->task;
	struct buf req = BUF_INIT;
	char due[16], dl[40], words[WORDS_DEADLINE_MAX];
	int64_t now = r->scheduled, left;

	if (t == NULL || m == NULL)
		return;
	val(vs, "task_key", t->key);
	val(vs, "milestone_id", m->id);
	val(vs, "milestone_title", m->title);
	val(vs, "milestone_description", m->description ? m->description : "");
	val(vs, "phase_title", p->phases[m->phase].title);
	val(vs, "owner_title", p->roles[m->owner].title);
	val(vs, "submit_to_title", m->submit_to >= 0 ? p->roles[m->submit_to].title : "");
	val(vs, "period", strcmp(t->period, "once") == 0 ? "" : t->period);
	cal_format_date(t->due_date, due);
	valf(vs, "due_date", "%s", due);
	words_date_zh(t->due_date, words);
	valf(vs, "due_date_zh", "%s", words);
	tz_format_local(r->ep->tz, t->deadline, dl);
	valf(vs, "deadline", "%s", dl);
	words_deadline_zh(r->ep->tz, t->deadline, words);
	valf(vs, "deadline_zh", "%s", words);
	/* local calendar days, not seconds / 86400: the day before is 1 day before */
	left = t->deadline > now ? words_days_between(r->ep->tz, now, t->deadline) : 0;
	valf(vs, "days_left", "%lld", (long long)left);
	if (t->deadline > now && left > 0)
		valf(vs, "days_left_phrase", "距截止时间还有%lld天", (long long)left);
	else if (t->deadline > now)
		val(vs, "days_left_phrase", "今日即为截止日");
	valf(vs, "days_overdue", "%lld",
	     (long long)words_days_overdue(r->ep->tz, t->deadline, now));
	for (size_t i = 0; i < m->nrequires; i++) {
		if (i)
			buf_puts(&req, "、");
		buf_puts(&req, m->requires_titles[i] ? m->requires_titles[i] : m->requires[i]);
	}
	valf(vs, "requires", "%s", m->nrequires ? buf_str(&req) : "无");
	buf_reset(&req);
	section_list(m, NULL, &req);
	valf(vs, "required_list", "%s", buf_str(&req));
	buf_reset(&req);
	val(vs, "submitted_by", store_task_extra(t, "submitted_by"));
	val(vs, "submitted_at", store_task_extra(t, "submitted_at"));
	if (store_task_extra(t, "missing") != NULL) {
		struct strset missing = STRSET_INIT;

		section_list(m, store_task_extra(t, "missing"), &req);
		valf(vs, "missing_list", "%s", buf_str(&req));
		buf_reset(&req);
		strset_add_split(&missing, store_task_extra(t, "missing"), id_seps);
		for (size_t i = 0; i < m->nrequires; i++) {
			if (!strset_has(&missing, m->requires[i]))
				continue;
			buf_puts(&req, req.len ? "、" : "");
			buf_puts(&req, m->requires_titles[i] ? m->requires_titles[i] : m->requires[i]);
		}
		strset_free(&missing);
		valf(vs, "missing", "%s", req.len ? buf_str(&req) : store_task_extra(t, "missing"));
	}
	/* a task chased after a hand-in is owed a correction, not a first hand-in: its
	 * reminder, overdue and escalation notices say so, never "仍未报送" (review 10h, K4) */
	if (store_task_extra(t, "submitted_at") == NULL)
		; /* never handed in: 仍未报送 */
	else if (store_task_extra(t, "came_back") != NULL &&
	         strcmp(store_task_extra(t, "came_back"), "accept") == 0)
		/* a stage accepted, the next owed: nothing was sent back, nothing is to be
		 * corrected (review10j R4) */
		val(vs, "handed_in_phrase", "已报送的材料已审核通过，后续材料尚未报送");
	else if (store_task_extra(t, "missing") != NULL && req.len > 0) {
		valf(vs, "handed_in_phrase", "已报送但内容不全，缺少%s，尚未补正", buf_str(&req));
		val(vs, "handed_in_redo", "是");
	} else { /* handed in whole and chased again: sent back (returned, or a plan's own event) */
		val(vs, "handed_in_phrase", "已报送但被退回，尚未重新报送");
		val(vs, "handed_in_redo", "是");
	}
	buf_release(&req);
	{
		char *name = subject_name(txn, m->for_ == PLAN_FOR_ENTERPRISE ? STORE_ENTERPRISE
		                                                             : STORE_JURISDICTION,
		                          t->subject);

		if (m->for_ == PLAN_FOR_ONCE)
			valf(vs, "subject_name", "%s", p->roles[m->owner].title);
		else
			valf(vs, "subject_name", "%s", name);
		free(name);
	}
	obligation_vals(vs, txn, r, m);
}

/* The measures a plan's conduct rules warn of, in words ("公开约谈、项目限批"), for notices
 * about a jurisdiction's own tasks; "" for an enterprise's or an office's, since these
 * measures are taken against a county, never against an enterprise. */
static void
measures_val(struct vals *vs, const struct notice_req *r, const struct plan_milestone *m)
{
	const struct plan *p = r->ep->plan;
	struct strset ms = {0};
	struct buf b = BUF_INIT;

	if (m != NULL && m->for_ != PLAN_FOR_JURISDICTION)
		return;
	for (size_t i = 0; i < p->nconduct; i++) {
		if (strcmp(p->conduct[i].kind, "interview-warning") == 0)
			strset_add(&ms, "公开约谈");
		else if (strcmp(p->conduct[i].kind, "approval-restriction-warning") == 0)
			strset_add(&ms, "项目限批");
	}
	strset_join(&ms, "、", &b);
	valf(vs, "measures", "%s", buf_str(&b));
	strset_free(&ms);
	buf_release(&b);
}

/* Who signs, what the texts cite and whom they send people to: the plan's issuer keys,
 * else the configuration's, else words that name nobody (never a bureau of our own). */
static void
issuer_vals(struct vals *vs, struct engine *en, const struct notice_req *r,
            const struct plan_milestone *m)
{
	const struct plan *p = r->ep->plan;
	const struct plan_issuer *pi = &p->issuer, *ci = &engine_config(en)->issuer;
	const char *name = pi->name ? pi->name : ci->name;
	const char *shortn = pi->short_name ? pi->short_name : ci->short_name;
	const char *basis = pi->basis ? pi->basis : ci->basis;
	const char *clause = pi->clause ? pi->clause : ci->clause;
	const char *aclause = pi->accountability_clause ? pi->accountability_clause
	                                                : ci->accountability_clause;
	const char *work = pi->work ? pi->work : ci->work;
	const char *report_to = pi->report_to ? pi->report_to : ci->report_to;
	const char *contact = pi->contact ? pi->contact : ci->contact;

	if (name != NULL) {
		val(vs, "issuer_name", name);
		valf(vs, "system_name", "%s调度系统", name);
	} else {
		valf(vs, "issuer_name", "《%s》调度系统", p->title);
		valf(vs, "system_name", "《%s》调度系统", p->title);
	}
	/* the papers' word for the jurisdictions (report_area_word's rule) */
	val(vs, "area", pi->area ? pi->area : ci->area ? ci->area : "地区");
	val(vs, "issuer_short", shortn ? shortn : name ? name : "发文单位");
	if (basis != NULL)
		val(vs, "basis", basis);
	else
		valf(vs, "basis", "《%s》", p->title);
	val(vs, "clause", clause ? clause : "");
	/* each clause says one thing: the interview/restriction clause is never cited for
	 * accountability (review12a P4) */
	val(vs, "accountability_clause", aclause ? aclause : "");
	if (work != NULL)
		val(vs, "work", work);
	else
		valf(vs, "work", "落实%s", lookup("basis", vs));
	if (report_to != NULL)
		val(vs, "report_to", report_to);
	else if (m != NULL && m->submit_to >= 0)
		val(vs, "report_to", p->roles[m->submit_to].title);
	else
		val(vs, "report_to", shortn ? shortn : name ? name : "发文单位");
	val(vs, "contact", contact ? contact : "");
	val(vs, "explain_to", lookup("report_to", vs));
}

static void
fill_vals(struct vals *vs, struct engine *en, struct store_txn *txn,
          const struct notice_req *r, const struct plan_milestone *m, const struct strset *to,
          const struct strset *roles, const struct strset *units)
{
	const struct plan *p = r->ep->plan;
	struct strset admin = {0}, sub = {0};
	struct buf b = BUF_INIT;
	struct dberr ignored;
	char when[40], now[40], words[WORDS_DEADLINE_MAX], nowords[WORDS_DEADLINE_MAX];
	int32_t day;
	int y, mo, d;

	val(vs, "plan_id", p->id);
	val(vs, "plan_title", p->title);
	val(vs, "kind", r->kind);
	val(vs, "subject_id", r->subject);
	val(vs, "subject_name", r->subject);
	val(vs, "requires", "无");
	val(vs, "missing", "无");
	val(vs, "catchup_note", "");
	issuer_vals(vs, en, r, m);
	measures_val(vs, r, m);
	tz_format_local(r->ep->tz, r->scheduled, when);
	valf(vs, "scheduled_time", "%s", when);
	tz_format_local(r->ep->tz, engine_now(en), now);
	valf(vs, "applied_time", "%s", now);
	/* 成文日期 (GB/T 9704-2012 7.3.5.1): the day the notice is made, in Arabic numerals */
	tz_utc_to_local(r->ep->tz, r->late ? engine_now(en) : r->scheduled, &day, NULL, NULL);
	cal_civil_from_days(day, &y, &mo, &d);
	valf(vs, "issued_date", "%d年%d月%d日", y, mo, d);
	words_deadline_zh(r->ep->tz, r->scheduled, words);
	valf(vs, "scheduled_zh", "%s", words);
	if (r->late) {
		words_deadline_zh(r->ep->tz, engine_now(en), nowords);
		valf(vs, "catchup_note",
		     "　　（补发说明：本通知原定于%s发出，因系统停机未能按时发送，现予补发。）",
		     words);
	}
	(void)nowords;
	strset_join(to, ", ", &b);
	valf(vs, "recipients", "%s", buf_str(&b));
	buf_reset(&b);
	strset_join(roles, "、", &b);
	valf(vs, "notified_roles", "%s", buf_str(&b));
	buf_reset(&b);
	strset_join(units, "、", &b);
	valf(vs, "addressee", "%s", units->n ? buf_str(&b) : "");
	buf_reset(&b);
	{
		/* where a report of what was done goes, unless that office is itself addressed:
		 * nobody is asked to report to itself */
		const char *rt = lookup("report_to", vs);
		bool addressed = false;

		for (size_t i = 0; rt && i < units->n; i++)
			addressed |= strcmp(units->v[i], rt) == 0;
		val(vs, "report_to_other", addressed ? "" : rt);
		/* who asks the addressees (the candidate list's 请示): the office the plan sends
		 * reports to, unless it is addressed itself, else the issuer's system — never the
		 * bureau asking itself (review12a P8) */
		{
			const char *own = p->issuer.report_to ? p->issuer.report_to
			                                      : engine_config(en)->issuer.report_to;
			bool own_addressed = false;

			for (size_t i = 0; own && i < units->n; i++)
				own_addressed |= strcmp(units->v[i], own) == 0;
			val(vs, "requester", own && !own_addressed ? own : lookup("system_name", vs));
		}
	}
	{
		const char *jid = r->task ? r->task->jurisdiction : r->subject;
		struct store_subject s;

		dberr_clear(&ignored);
		if (jid && *jid &&
		    store_subject_get(txn, STORE_JURISDICTION, jid, &s, &ignored) == 0) {
			const char *name = store_subject_field(&s, "name");

			val(vs, "jurisdiction_id", jid);
			valf(vs, "jurisdiction_name", "%s", name ? name : jid);
			if (r->task == NULL)
				valf(vs, "subject_name", "%s", name ? name : jid);
			store_subject_release(&s);
		}
	}
	dberr_clear(&ignored);
	add_contacts(txn, STORE_OFFICE, "admin", "admin", &admin, &ignored);
	strset_join(&admin, ", ", &b);
	valf(vs, "admin_contact", "%s", admin.n ? buf_str(&b) : "系统管理员");
	buf_reset(&b);
	if (m != NULL && m->submit_to >= 0) {
		dberr_clear(&ignored);
		add_contacts(txn, STORE_OFFICE, p->roles[m->submit_to].id,
		             p->roles[m->submit_to].id, &sub, &ignored);
		strset_join(&sub, ", ", &b);
		valf(vs, "submit_to_contacts", "%s", buf_str(&b));
	}
	if (m != NULL && m->escalate >= 0) {
		/* who earlier steps of the ladder told, for "who has been told" */
		const struct plan_escalation *esc = &p->escalations[m->escalate];
		struct strset told = {0};
		unsigned cur = 0;

		for (size_t i = 0; i < r->nvars; i++)
			if (strcmp(r->vars[i].name, "escalation_step") == 0)
				cur = (unsigned)atoi(r->vars[i].value);
		for (size_t i = 0; cur > 0 && i + 1 < cur && i < esc->nsteps; i++)
			for (size_t k = 0; k < esc->steps[i].nnotify; k++) {
				int ri = target_role(r, m, &esc->steps[i].notify[k]);

				if (ri >= 0) {
					char *unit = unit_name(txn, r, &p->roles[ri]);

					strset_add(&told, unit);
					free(unit);
				}
			}
		buf_reset(&b);
		strset_join(&told, "、", &b);
		valf(vs, "previously_notified", "%s", buf_str(&b));
		strset_free(&told);
	}
	fill_task_vals(vs, txn, r, m);
	for (size_t i = 0; i < r->nvars; i++) {
		const char *v = r->vars[i].value;
		size_t n = v ? strlen(v) : 0;

		/* a reason typed without its full stop still ends its sentence in the text */
		if ((strcmp(r->vars[i].name, "flag_reason") == 0 ||
		     strcmp(r->vars[i].name, "reason") == 0) && n > 0 &&
		    !(n >= 3 && (strcmp(v + n - 3, "。") == 0 || strcmp(v + n - 3, "！") == 0 ||
		                 strcmp(v + n - 3, "？") == 0)) && v[n - 1] != '.')
			valf(vs, r->vars[i].name, "%s。", v);
		else
			val(vs, r->vars[i].name, v);
	}
	{
		/* a submission's time as the texts write times */
		const char *at = r->task ? store_task_extra(r->task, "submitted_at") : NULL;
		int64_t t;

		if (at != NULL && tz_parse_time(r->ep->tz, at, &t) == 0) {
			words_deadline_zh(r->ep->tz, t, words);
			valf(vs, "submitted_at", "%s", words);
		}
	}
	strset_free(&admin);
	strset_free(&sub);
	buf_release(&b);
}

/* The key, made safe, is for people; the hash is what keeps names apart. */
#define EML_KEY_CHARS 120

char *
notice_eml_name(const char *key, int64_t scheduled)
{
	struct buf b = BUF_INIT;
	unsigned char md[32];
	unsigned int mdlen = 0;
	struct tm tm;
	time_t t = (time_t)scheduled;
	char stamp[32];
	size_t n = 0;

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	buf_printf(&b, "%s-", stamp);
	for (const unsigned char *p = (const unsigned char *)key; *p && n < EML_KEY_CHARS;
	     p++, n++) {
		bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		             (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '@';
		buf_putc(&b, plain ? (char)*p : '_');
	}
	EVP_Digest(key, strlen(key), md, &mdlen, EVP_sha256(), NULL);
	buf_putc(&b, '-');
	for (int i = 0; i < 16; i++)
		buf_printf(&b, "%02x", md[i]);
	buf_puts(&b, ".eml");
	return buf_detach(&b);
}

/* Notices that ask the task's owner to act carry a personal submit link (docs/web.md):
 * a random token scoped to the task and the owner's role and subject, of which the store
 * keeps only the sha256. Only when the configuration names the web's base URL. */
static const char *const link_kinds[] = {"reminder", "overdue", "returned", "incomplete",
                                         /* a stage accepted, the next owed (review10j R4) */
                                         "accepted",
                                         "correction", "link",
                                         /* they too name a date to hand in by (review 11d,
                                          * W8): a late task's first notice, an extension */
                                         "start", "extended", NULL};

static bool
wants_link(const struct engine *en, const struct notice_req *r, const struct plan_milestone *m)
{
	const struct plan_lifecycle *lc;
	int st;

	/* a notice listing several tasks (a start-list) carries each task's own link in its
	 * text (notice_submit_link), never one task's for all */
	if (engine_config(en)->web_base_url == NULL || r->task == NULL || m == NULL ||
	    (r->tasks != NULL && r->ntasks > 1))
		return false;
	/* only where the owner can hand something in now: a link to a task whose lifecycle
	 * takes no submission (a rectification is started, verified or closed, not handed
	 * in) would open a page saying 暂不需要报送 under a notice that says 在线报送 */
	lc = &r->ep->plan->lifecycles[m->lifecycle];
	st = plan_lifecycle_state(lc, r->task->state);
	if (st < 0 || lc->submit_event < 0 ||
	    lc->table[(size_t)st * lc->nevents + (size_t)lc->submit_event] < 0)
		return false;
	for (size_t i = 0; link_kinds[i]; i++)
		if (strcmp(link_kinds[i], r->kind) == 0)
			return true;
	return false;
}

static int
make_link(struct engine *en, struct store_txn *txn, const struct notice_req *r,
          const struct plan_milestone *m, char **url, struct dberr *e)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const struct config *cfg = engine_config(en);
	unsigned char raw[33];
	char token[48], hash[65];
	struct store_link l = {0};
	size_t n = 0;

	if (RAND_bytes(raw, 32) != 1)
		return dberr_set(e, DB_ETEMP, "no random bytes for a submit link");
	raw[32] = 0;
	/* base64url without padding: 43 characters for 256 bits, as the web expects */
	for (size_t i = 0; i < 33 && n < 43; i += 3) {
		uint32_t v = (uint32_t)raw[i] << 16 | (uint32_t)raw[i + 1] << 8 | raw[i + 2];

		for (int k = 18; k >= 0 && n < 43; k -= 6)
			token[n++] = b64[(v >> k) & 63];
	}
	token[n] = '\0';
	sha256_hex(token, n, hash);
	l.hash = hash;
	l.task = r->task->key;
	l.role = r->ep->plan->roles[m->owner].id;
	l.subject = r->task->subject;
	l.notice = (char *)r->key;
	l.created = engine_now(en);
	l.expires = cfg->web_link_days > 0 ? engine_now(en) + (int64_t)cfg->web_link_days * 86400
	                                   : 0;
	*url = xasprintf("%s/s/%s", cfg->web_base_url, token);
	return store_link_put(txn, &l, e);
}

int
notice_submit_link(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                   const struct store_task *t, const char *kind, const char *notice_key,
                   char **url, struct dberr *e)
{
	struct notice_req r = {0};
	int mi = plan_milestone_index(ep->plan, t->milestone);
	const struct plan_milestone *m = mi >= 0 ? &ep->plan->milestones[mi] : NULL;

	*url = NULL;
	r.ep = ep;
	r.kind = kind;
	r.key = notice_key;
	r.task = t;
	if (!wants_link(en, &r, m))
		return 0;
	return make_link(en, txn, &r, m, url, e);
}

/* The submit links in a text made earlier (a day's message: notices.group or a digest
 * role): "BASE_URL/s/" and a 43-character token, each once. The notices they were made
 * for carry them as a header; so does the message that carries their words. */
static void
links_in_text(const struct config *cfg, const char *text, struct strset *out)
{
	static const char tok[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                          "0123456789-_";
	char *prefix;
	size_t pl;

	if (cfg->web_base_url == NULL)
		return;
	prefix = xasprintf("%s/s/", cfg->web_base_url);
	pl = strlen(prefix);
	for (const char *p = text; (p = strstr(p, prefix)) != NULL; p += pl) {
		size_t n = strspn(p + pl, tok);

		if (n == 43) {
			char *url = xstrndup(p, pl + n);

			strset_add(out, url);
			free(url);
		}
	}
	free(prefix);
}

static void
message_id(const char *key, char *out, size_t n)
{
	unsigned char md[32];
	unsigned int len = 0;
	static const char hex[] = "0123456789abcdef";
	char h[41];

	EVP_Digest(key, strlen(key), md, &len, EVP_sha256(), NULL);
	for (int i = 0; i < 20; i++) {
		h[2 * i] = hex[md[i] >> 4];
		h[2 * i + 1] = hex[md[i] & 15];
	}
	h[40] = '\0';
	snprintf(out, n, "<%s@dabiao>", h);
}

/* A notice that cannot be rendered or built (a template missing, a value or address the
 * message builder refuses) must not stop the transaction that applies deadlines for
 * everyone: it is kept as failed with the reason. Other errors (the store's) still stop. */
static int
unbuildable(struct dberr *e, char *why, size_t len)
{
	int rc = e->code;

	if (rc != DB_EDATA && rc != DB_ECONFIG)
		return rc ? rc : DB_ESOFTWARE;
	snprintf(why, len, "%s", e->msg[0] ? e->msg : dabiao_strerror(rc));
	dberr_clear(e);
	return 0;
}

/* A failed notice's audit record, and the registry's admin told once per cause: the
 * telling notice's key is the hash of the reason, which the outbox refuses a second time.
 * Never about a notice that was itself such a telling (it could fail the same way). */
static int
notice_failed(struct engine *en, struct store_txn *txn, const struct notice_req *r,
              const char *task, const struct strset *to, const char *why, struct dberr *e)
{
	struct buf details = BUF_INIT, tasks = BUF_INIT, rcpt = BUF_INIT;
	struct notice_req t = {0};
	struct notice_var vars[6];
	unsigned char md[32];
	unsigned int mdlen = 0;
	char key[256], hex[17], when[40];
	int rc;

	buf_puts(&details, "{\"key\":");
	buf_json_str(&details, r->key);
	buf_puts(&details, ",\"kind\":");
	buf_json_str(&details, r->kind);
	buf_puts(&details, ",\"error\":");
	buf_json_str(&details, why);
	buf_putc(&details, '}');
	rc = engine_audit(en, txn, "notice.failed", task, r->subject, "", "failed",
	                  buf_str(&details), e);
	buf_release(&details);
	if (rc != 0 || strcmp(r->kind, "delivery-failed") == 0)
		return rc;
	EVP_Digest(why, strlen(why), md, &mdlen, EVP_sha256(), NULL);
	for (int i = 0; i < 8; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	snprintf(key, sizeof(key), "%s/unbuildable/%s", r->ep->plan->id, hex);
	t.ep = r->ep;
	t.kind = "delivery-failed";
	t.fallback = "delivery-failed";
	t.key = key;
	t.subject = r->subject;
	t.tasks = r->tasks;
	t.ntasks = r->ntasks;
	t.task = r->task;
	t.scheduled = engine_now(en);
	/* the telling speaks of the notice that could not be made; no attempt was made */
	for (size_t i = 0; i < (r->tasks ? r->ntasks : 1); i++)
		buf_printf(&tasks, "%s%s", i ? "、" : "", r->tasks ? r->tasks[i] : task);
	strset_join(to, ", ", &rcpt);
	tz_format_local(r->ep->tz, r->scheduled, when);
	vars[0] = (struct notice_var){"error", why};
	vars[1] = (struct notice_var){"attempts", ""};
	vars[2] = (struct notice_var){"failed_kind", notice_kind_zh(r->kind)};
	vars[3] = (struct notice_var){"failed_tasks", buf_str(&tasks)};
	vars[4] = (struct notice_var){"failed_recipients", buf_str(&rcpt)};
	vars[5] = (struct notice_var){"failed_scheduled", when};
	t.vars = vars;
	t.nvars = 6;
	rc = notice_queue(en, txn, &t, e);
	buf_release(&tasks);
	buf_release(&rcpt);
	return rc;
}

/* What was said, in the tree: the hash of the final bytes (the .eml file and the message
 * on the wire are these bytes; audit show prints them) and, when anyone receives them as
 * a message of their own (own), the outbox file's name. A notice that goes to a digest
 * address only inside that day's grouped message names each such message (`sent_in`: the
 * address, the message's notice key, Message-ID and .eml name), so no record
 * names a file that never existed; a grouped message lists the notices it carries. */
static void
evidence_details(struct buf *d, const struct notice_req *r, const struct store_notice *n,
                 const struct buf *msg, bool own, const struct strset *dig)
{
	char hash[65], mid[64], *eml;

	sha256_hex(msg->data, msg->len, hash);
	buf_printf(d, ",\"sha256\":\"%s\"", hash);
	if (own) {
		eml = notice_eml_name(n->key, n->scheduled);
		buf_puts(d, ",\"eml\":");
		buf_json_str(d, eml);
		free(eml);
	}
	if (dig->n > 0 && msg->len > 0) {
		buf_puts(d, ",\"sent_in\":[");
		for (size_t i = 0; i < dig->n; i++) {
			char *addr = xstrndup(dig->v[i], strcspn(dig->v[i], "\t")), *gkey;
			int64_t at;

			notice_digest_place(r->ep, n->scheduled, addr, NULL, &gkey, &at);
			message_id(gkey, mid, sizeof(mid));
			eml = notice_eml_name(gkey, at);
			/* names of their own, not the record's key, message_id and eml again: a
			 * reader looking for the record's own "eml" must not find a digest's */
			buf_puts(d, i ? ",{\"addr\":" : "{\"addr\":");
			buf_json_str(d, addr);
			buf_puts(d, ",\"notice\":");
			buf_json_str(d, gkey);
			buf_printf(d, ",\"msgid\":\"%s\",\"file\":", mid);
			buf_json_str(d, eml);
			buf_putc(d, '}');
			free(eml);
			free(gkey);
			free(addr);
		}
		buf_putc(d, ']');
	}
	if (r->ncarries > 0) {
		buf_puts(d, ",\"carries\":[");
		for (size_t i = 0; i < r->ncarries; i++) {
			if (i)
				buf_putc(d, ',');
			buf_json_str(d, r->carries[i]);
		}
		buf_putc(d, ']');
	}
}

/* One message of a notice: the words to the addresses in to (dig: those of them that get
 * it in the day's message instead), with the task's submit link when with_link (the
 * owner's message only, notice_queue). r->key names it in the outbox and the audit. */
static int
queue_message(struct engine *en, struct store_txn *txn, const struct notice_req *r,
              const struct plan_milestone *m, struct vals *vsp, const struct strset *tos,
              const struct strset *gaps_in, const struct strset *digs, bool with_link,
              struct dberr *e)
{
	struct strset to = {0}, gaps = {0}, dig = {0}, links = {0};
	struct vals vs = *vsp;
	struct buf msg = BUF_INIT, details = BUF_INIT;
	struct notify_header hdr[72];
	struct notice_msg nm = {0};
	struct store_notice n = {0};
	char *subject = NULL, *body = NULL, date[48], mid[64], sched[40], applied[40];
	char why[sizeof(e->msg)] = "";
	char *link = NULL, *from_name = NULL;
	const char *one[1], *from = engine_config(en)->from;
	size_t nh = 0;
	int rc = 0;

	/* the sets are the caller's; the value table's extra entries are this message's */
	vs.owned = (struct strset){0};
	for (size_t i = 0; i < tos->n; i++)
		strset_add(&to, tos->v[i]);
	for (size_t i = 0; i < gaps_in->n; i++)
		strset_add(&gaps, gaps_in->v[i]);
	for (size_t i = 0; i < digs->n; i++)
		strset_add(&dig, digs->v[i]);
	val(&vs, "submit_url", "");
	if (r->text_subject != NULL) {
		/* a notice sent again as it was worded (a digest of one): its link is in it */
		subject = xstrdup(r->text_subject);
		body = xstrdup(r->text_body);
	} else {
		if (with_link) {
			if ((rc = make_link(en, txn, r, m, &link, e)) != 0)
				goto out;
			val(&vs, "submit_url", link);
		}
		rc = notice_render(en, r->ep, r->tmpl ? r->tmpl : r->kind, r->fallback, lookup, &vs,
		                   &subject, &body, e);
		if (rc != 0 && (rc = unbuildable(e, why, sizeof(why))) != 0)
			goto out;
		if (!why[0] && link != NULL && strstr(body, link) == NULL) {
			/* a template without {{#submit_url}} (a plan's own): the link goes at the end */
			char *more = xasprintf("%s\n可通过以下链接在线报送：%s\n", body, link);

			free(body);
			body = more;
		}
	}
	if (r->text_subject == NULL && !why[0]) {
		/* the text opens with its title (标题, GB/T 9704-2012 7.3.1), as the subject says
		 * it, so a printed notice is a whole document */
		char *titled = xasprintf("%s\n\n%s", subject, body);

		free(body);
		body = titled;
	}
	one[0] = r->task ? r->task->key : r->key;
	/* a notice made late after downtime is dated when it is made, so it sorts with the
	 * mail of that day; the time it was due is in its text and X-Dabiao-Scheduled */
	tz_format_rfc5322(r->ep->tz, r->late ? engine_now(en) : r->scheduled, date);
	message_id(r->key, mid, sizeof(mid));
	hdr[nh++] = (struct notify_header){"X-Dabiao-Plan", r->ep->plan->id};
	hdr[nh++] = (struct notify_header){"X-Dabiao-Kind", r->kind};
	for (size_t i = 0; i < (r->tasks ? r->ntasks : 1) && nh < 64; i++)
		hdr[nh++] = (struct notify_header){"X-Dabiao-Task", r->tasks ? r->tasks[i] : one[0]};
	hdr[nh++] = (struct notify_header){"X-Dabiao-Subject", r->subject};
	hdr[nh++] = (struct notify_header){"X-Dabiao-Key", r->key};
	tz_format_rfc3339(r->ep->tz, r->scheduled, sched);
	tz_format_rfc3339(r->ep->tz, engine_now(en), applied);
	hdr[nh++] = (struct notify_header){"X-Dabiao-Scheduled", sched};
	if (link != NULL)
		hdr[nh++] = (struct notify_header){"X-Dabiao-Submit-URL", link};
	else if (!why[0] && (strcmp(r->kind, "digest") == 0 || (r->tasks != NULL && r->ntasks > 1)))
		links_in_text(engine_config(en), body, &links);
	for (size_t i = 0; i < links.n && nh < 70; i++)
		hdr[nh++] = (struct notify_header){"X-Dabiao-Submit-URL", links.v[i]};
	if (r->late)
		hdr[nh++] = (struct notify_header){"X-Dabiao-Applied", applied};
	/* "昌吉回族自治州环境保护局调度系统 dabiao", "《plan title》调度系统 dabiao" */
	from_name = xasprintf("%s dabiao", lookup("system_name", &vs) ? lookup("system_name", &vs)
	                                                                : "调度系统");
	nm.from = from;
	nm.from_name = from_name;
	nm.to = (const char *const *)to.v;
	nm.nto = to.n;
	nm.date = date;
	nm.message_id = mid;
	nm.subject = subject;
	nm.body = body;
	nm.headers = hdr;
	nm.nheaders = nh;
	nm.attachments = r->attachments;
	nm.nattachments = r->nattachments;
	if (!why[0] && (rc = notice_build(&nm, &msg, e)) != 0 &&
	    (rc = unbuildable(e, why, sizeof(why))) != 0)
		goto out;
	if (why[0])
		buf_reset(&msg); /* no half-built bytes: a failed notice has none */
	n.key = (char *)r->key;
	n.plan = r->ep->plan->id;
	n.plan_version = r->ep->version;
	n.kind = (char *)r->kind;
	n.subject = (char *)r->subject;
	n.tasks = r->tasks ? (char **)r->tasks : (char **)one;
	n.ntasks = r->tasks ? r->ntasks : 1;
	n.to = to.v;
	n.nto = to.n;
	n.scheduled = r->scheduled;
	n.created = engine_now(en);
	n.state = why[0] ? "failed" : "queued";
	n.message = (char *)buf_str(&msg);
	if (why[0])
		store_kv_set(&n.extra, &n.nextra, "error", why);
	if (gaps.n > 0) {
		struct buf g = BUF_INIT;
		strset_join(&gaps, ", ", &g);
		store_kv_set(&n.extra, &n.nextra, "gaps", buf_str(&g));
		buf_release(&g);
	}
	for (size_t i = 0; i < dig.n; i++) {
		char k[600];

		snprintf(k, sizeof(k), "rcpt:%.*s", (int)strcspn(dig.v[i], "\t"), dig.v[i]);
		store_kv_set(&n.extra, &n.nextra, k, "digest");
	}
	if (!why[0] && dig.n > 0 && dig.n >= to.n)
		n.state = "digested"; /* every recipient gets it in a digest: nothing to send */
	/* a notice of no one task (a conduct warning, which names the lapsed tasks behind it)
	 * is filed under its own key: its delivery must be filed there too, not under the
	 * first lapsed task (review 10d, m-5) */
	if (r->task == NULL)
		store_kv_set(&n.extra, &n.nextra, NOTICE_FILED_UNDER, one[0]);
	rc = store_notice_add(txn, &n, e);
	if (rc == 1) {
		rc = 0; /* seen before: nothing is ever sent twice */
		goto out;
	}
	if (rc != 0)
		goto out;
	buf_puts(&details, "{\"key\":");
	buf_json_str(&details, r->key);
	buf_puts(&details, ",\"kind\":");
	buf_json_str(&details, r->kind);
	buf_puts(&details, ",\"to\":[");
	for (size_t i = 0; i < to.n; i++) {
		if (i)
			buf_putc(&details, ',');
		buf_json_str(&details, to.v[i]);
	}
	buf_printf(&details, "],\"message_id\":\"%s\",\"scheduled\":\"%s\",\"applied\":\"%s\"",
	           mid, sched, applied);
	evidence_details(&details, r, &n, &msg, dig.n < to.n && !why[0], &dig);
	if (gaps.n > 0) {
		buf_puts(&details, ",\"gaps\":");
		buf_json_str(&details, store_kv_get(n.extra, n.nextra, "gaps"));
	}
	buf_putc(&details, '}');
	rc = engine_audit(en, txn, "notice.queue", one[0], r->subject, "", n.state,
	                  buf_str(&details), e);
	if (rc != 0)
		goto out;
	if (!why[0] && dig.n > 0) {
		/* the words the digest will carry, once per notice */
		char *bk = xasprintf(NOTICE_DIGEST_BODY "%s", r->key);

		rc = store_meta_put(txn, bk, body, e);
		free(bk);
	}
	for (size_t i = 0; rc == 0 && !why[0] && i < dig.n; i++) {
		char *addr = xstrndup(dig.v[i], strcspn(dig.v[i], "\t"));

		rc = notice_digest_add(en, txn, r->ep, &n, subject, addr,
		                       dig.v[i] + strlen(addr) + 1, e);
		free(addr);
	}
	if (rc != 0)
		goto out;
	if (why[0] && (rc = notice_failed(en, txn, r, one[0], &to, why, e)) != 0)
		goto out;
	{
		struct buf rl = BUF_INIT;
		struct engine_action a = {engine_now(en), r->scheduled, r->kind, one[0], r->subject,
		                          NULL, r->ep};
		strset_join(&to, ",", &rl);
		a.recipients = buf_str(&rl);
		engine_action(en, &a);
		buf_release(&rl);
	}
out:
	if (n.extra)
		store_kv_free(n.extra, n.nextra);
	free(subject);
	free(body);
	free(link);
	free(from_name);
	strset_free(&links);
	strset_free(&to);
	strset_free(&gaps);
	strset_free(&dig);
	strset_free(&vs.owned);
	buf_release(&msg);
	buf_release(&details);
	return rc;
}

/* Whether addr (or a digest line "addr\tunit") is one of set's addresses: a lookup, so
 * a notice to thousands of addresses is split in linear time. */
static bool
addr_in(const struct strset *set, const char *addr)
{
	char *a = xstrndup(addr, strcspn(addr, "\t"));
	bool in = strset_has(set, a);

	free(a);
	return in;
}

int
notice_queue(struct engine *en, struct store_txn *txn, const struct notice_req *r,
             struct dberr *e)
{
	const struct plan_milestone *m = NULL;
	struct strset to = {0}, roles = {0}, units = {0}, gaps = {0}, dig = {0};
	struct strset own = {0}, to_own = {0}, to_rest = {0}, dig_own = {0}, dig_rest = {0};
	struct notice_req copy;
	struct vals vs = {0};
	char *copy_key = NULL;
	int rc, mi;

	if (r->task != NULL && (mi = plan_milestone_index(r->ep->plan, r->task->milestone)) >= 0)
		m = &r->ep->plan->milestones[mi];
	rc = notice_recipients(en, txn, r, m, &to, &roles, &units, &gaps, &dig, e);
	if (rc != 0)
		goto out;
	if (to.n == 0) {
		/* not even an admin address: the system's own mailbox, so nothing is dropped */
		strset_add(&to, engine_config(en)->from);
		strset_add(&gaps, "admin (registry offices)");
	}
	fill_vals(&vs, en, txn, r, m, &to, &roles, &units);
	if (r->text_subject != NULL || !wants_link(en, r, m)) {
		rc = queue_message(en, txn, r, m, &vs, &to, &gaps, &dig, false, e);
		goto out;
	}
	/* The submit link is the owner's: whoever opens it submits as the owner (the audit
	 * actor link:ROLE/SUBJECT). So only the owner's addresses get the words with the
	 * link; the others addressed (the detachment, an admin standing in for a missing
	 * address) get a message of their own, KEY#copy, with the same words but no link,
	 * and so do their day's messages. */
	if ((rc = role_contacts(txn, r, &r->ep->plan->roles[m->owner], &own, e)) != 0)
		goto out;
	for (size_t i = 0; i < to.n; i++)
		strset_add(addr_in(&own, to.v[i]) ? &to_own : &to_rest, to.v[i]);
	for (size_t i = 0; i < dig.n; i++)
		strset_add(addr_in(&own, dig.v[i]) ? &dig_own : &dig_rest, dig.v[i]);
	if (to_rest.n > 0) {
		copy = *r;
		copy_key = xasprintf("%s#copy", r->key);
		copy.key = copy_key;
		/* with no owner address at all it is the one message, under the notice's key */
		rc = queue_message(en, txn, to_own.n > 0 ? &copy : r, m, &vs, &to_rest, &gaps,
		                   &dig_rest, false, e);
		if (rc != 0)
			goto out;
	}
	if (to_own.n > 0)
		rc = queue_message(en, txn, r, m, &vs, &to_own, &gaps, &dig_own, true, e);
out:
	free(copy_key);
	strset_free(&to);
	strset_free(&roles);
	strset_free(&units);
	strset_free(&gaps);
	strset_free(&dig);
	strset_free(&own);
	strset_free(&to_own);
	strset_free(&to_rest);
	strset_free(&dig_own);
	strset_free(&dig_rest);
	strset_free(&vs.owned);
	return rc;
}
