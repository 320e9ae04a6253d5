/*
 * ics.c - the deadlines as an iCalendar file (RFC 5545), so a county department or an
 * enterprise sees them in the calendar program it already uses (`dabiao calendar`).
 *
 * One all-day VEVENT per task on its (shifted) due date, its UID the task key at dabiao,
 * so that importing the file again updates events instead of doubling them. Reminders are
 * VALARMs at the instants the engine itself reminds (schedule_times), written as absolute
 * UTC triggers: a relative trigger on an all-day event is anchored at the floating local
 * midnight of the reader's zone, which is neither the plan's notify_at nor, for a reader
 * outside Asia/Shanghai, the right day. Only tasks still open (in a state the deadline
 * acts on) carry alarms: nobody needs reminding of what is handed in.
 *
 * libical builds the text, so line folding at 75 octets (inside UTF-8 sequences never)
 * and the escaping of , ; \ and newlines are right.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "engine/report/report.h"

struct cal_ctx {
	struct engine *en;
	struct store_txn *txn;
	const char *subject, *role;
	icalcomponent *cal;   /* owned by report_calendar */
	size_t n;
};

static struct icaltimetype
ical_date(int32_t day)
{
	struct icaltimetype t = icaltime_null_date();
	int y, m, d;

	cal_civil_from_days(day, &y, &m, &d);
	t.year = y;
	t.month = m;
	t.day = d;
	return t;
}

static struct icaltimetype
ical_utc(int64_t t)
{
	return icaltime_from_timet_with_zone((time_t)t, 0, icaltimezone_get_utc_timezone());
}

/* The subject's name: a jurisdiction's or an enterprise's from the registry, the owning
 * office's title for a `once` task. Caller frees. */
static char *
subject_name(struct cal_ctx *c, const struct plan *p, const struct plan_milestone *m,
             const struct store_task *t)
{
	struct store_subject s;
	struct dberr ignored;
	char *name;

	if (m->for_ == PLAN_FOR_ONCE)
		return xstrdup(p->roles[m->owner].title);
	dberr_clear(&ignored);
	if (store_subject_get(c->txn, m->for_ == PLAN_FOR_ENTERPRISE ? STORE_ENTERPRISE
	                                                             : STORE_JURISDICTION,
	                      t->subject, &s, &ignored) != 0)
		return xstrdup(t->subject);
	name = xstrdup(store_subject_field(&s, "name") ? store_subject_field(&s, "name")
	                                               : t->subject);
	store_subject_release(&s);
	return name;
}

static void
description(const struct engine_plan *ep, const struct plan_milestone *m,
            const struct store_task *t, const char *who, struct buf *b)
{
	const struct plan *p = ep->plan;
	char dl[32], odl[32];

	tz_format_local(ep->tz, t->deadline, dl);
	buf_printf(b, "截止：%s（%s）\n", dl, tz_name(ep->tz));
	if (t->flags & STORE_TASK_EXTENDED) {
		tz_format_local(ep->tz, t->orig_deadline, odl);
		buf_printf(b, "原截止：%s（已延期）\n", odl);
	}
	buf_printf(b, "责任：%s（%s）\n", p->roles[m->owner].title, who);
	if (m->submit_to >= 0)
		buf_printf(b, "报送：%s\n", p->roles[m->submit_to].title);
	if (m->description)
		buf_printf(b, "要求：%s\n", m->description);
	if (m->nrequires > 0) {
		buf_puts(b, "须含：");
		for (size_t i = 0; i < m->nrequires; i++)
			buf_printf(b, "%s%s", i ? "、" : "", m->requires[i]);
		buf_putc(b, '\n');
	}
	buf_printf(b, "状态：%s\n任务：%s\n计划：%s（%s）", t->state, t->key, p->title, p->id);
}

static int
alarms(struct cal_ctx *c, icalcomponent *ev, const struct engine_plan *ep,
       const struct plan_milestone *m, const struct store_task *t, const char *summary,
       struct dberr *e)
{
	const struct plan_lifecycle *lc = &ep->plan->lifecycles[m->lifecycle];
	int st = plan_lifecycle_state(lc, t->state);
	struct task_times tt;
	int rc;

	(void)c;
	if (st < 0 || !lc->deadline_from[st])
		return 0;
	if ((rc = schedule_times(ep, m, t->due_date, t->deadline, &tt, e)) != 0)
		return rc;
	for (size_t i = 0; i < tt.nremind; i++) {
		struct icaltriggertype tr;
		icalcomponent *al;
		icalproperty *p;
		char off[24], *text;

		/* a reminder whose time came before the task's schedule began is never sent */
		if (tt.remind[i] < schedule_from(t))
			continue;
		al = icalcomponent_new_valarm();
		memset(&tr, 0, sizeof(tr));
		tr.time = ical_utc(tt.remind[i]);
		tr.duration = icaldurationtype_null_duration();
		p = icalproperty_new_trigger(tr);
		icalproperty_add_parameter(p, icalparameter_new_value(ICAL_VALUE_DATETIME));
		icalcomponent_add_property(al, icalproperty_new_action(ICAL_ACTION_DISPLAY));
		icalcomponent_add_property(al, p);
		plan_offset_format(&m->remind[i], off);
		text = xasprintf("提醒（%s）：%s", off, summary);
		icalcomponent_add_property(al, icalproperty_new_description(text));
		free(text);
		icalcomponent_add_component(ev, al);
	}
	return 0;
}

static int
task_cb(const struct store_task *t, void *arg)
{
	struct cal_ctx *c = arg;
	const struct engine_plan *ep = engine_plan_find(c->en, t->plan);
	const struct plan_milestone *m;
	struct buf desc = BUF_INIT;
	icalcomponent *ev;
	struct dberr e;
	char *who, *summary, *uid;
	int mi, rc;

	if (ep == NULL || (mi = plan_milestone_index(ep->plan, t->milestone)) < 0)
		return 0;
	if (plan_state_withdrawn(t->state))
		return 0; /* cancelled or not applicable: no longer a deadline of anyone's */
	m = &ep->plan->milestones[mi];
	if ((c->role && strcmp(ep->plan->roles[m->owner].id, c->role) != 0) ||
	    (c->subject && strcmp(t->subject, c->subject) != 0 &&
	     strcmp(t->jurisdiction, c->subject) != 0))
		return 0;
	who = subject_name(c, ep->plan, m, t);
	summary = xasprintf("%s（%s）%s%s", m->title, who,
	                    strcmp(t->period, "once") ? " " : "",
	                    strcmp(t->period, "once") ? t->period : "");
	uid = xasprintf("%s@dabiao", t->key);
	description(ep, m, t, who, &desc);
	ev = icalcomponent_new_vevent();
	icalcomponent_add_property(ev, icalproperty_new_uid(uid));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(ical_utc(engine_now(c->en))));
	icalcomponent_add_property(ev, icalproperty_new_dtstart(ical_date(t->due_date)));
	icalcomponent_add_property(ev, icalproperty_new_dtend(ical_date(t->due_date + 1)));
	icalcomponent_add_property(ev, icalproperty_new_summary(summary));
	icalcomponent_add_property(ev, icalproperty_new_description(buf_str(&desc)));
	icalcomponent_add_property(ev, icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT));
	dberr_clear(&e);
	/* a plan whose calendar has no working day cannot be loaded, so this does not fail in
	 * practice; an event without alarms is still worth having */
	rc = alarms(c, ev, ep, m, t, summary, &e);
	(void)rc;
	icalcomponent_add_component(c->cal, ev);
	c->n++;
	free(who);
	free(summary);
	free(uid);
	buf_release(&desc);
	return 0;
}

struct cal_arg {
	struct cal_ctx *c;
	const char *prefix;
};

static int
cal_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct cal_arg *a = arg;

	a->c->txn = txn;
	return store_task_each(txn, a->prefix, task_cb, a->c, e);
}

int
report_calendar(struct engine *en, const char *plan, const char *subject, const char *role,
                char **out, struct dberr *e)
{
	struct cal_ctx cc = {0};
	struct cal_arg a = {&cc, ""};
	char *prefix = NULL, *text = NULL;
	int rc = 0;

	cc.en = en;
	cc.subject = subject;
	cc.role = role;
	if (plan != NULL) {
		if (engine_plan_find(en, plan) == NULL)
			return dberr_set(e, DB_ENOTFOUND, "no plan '%s' in %s", plan,
			                 store_dir(engine_store(en)));
		prefix = xasprintf("%s/", plan);
		a.prefix = prefix;
	}
	if (role != NULL) {
		bool known = false;

		for (size_t i = 0; i < engine_nplans(en) && !known; i++)
			known = plan_role_index(engine_plan_at(en, i)->plan, role) >= 0;
		if (!known) {
			rc = dberr_set(e, DB_EUSAGE, "no plan in the store has a role '%s'", role);
			goto out;
		}
	}
	cc.cal = icalcomponent_new_vcalendar();
	icalcomponent_add_property(cc.cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cc.cal, icalproperty_new_prodid("-//dabiao//dabiao " DABIAO_VERSION
	                                                           "//ZH"));
	icalcomponent_add_property(cc.cal, icalproperty_new_calscale("GREGORIAN"));
	icalcomponent_add_property(cc.cal, icalproperty_new_method(ICAL_METHOD_PUBLISH));
	if ((rc = store_read(engine_store(en), cal_txn, &a, e)) != 0)
		goto out;
	text = icalcomponent_as_ical_string_r(cc.cal);
	if (text == NULL) {
		rc = dberr_set(e, DB_ESOFTWARE, "libical could not write the calendar: %s",
		               icalerror_strerror(icalerrno));
		goto out;
	}
	*out = text;
out:
	if (cc.cal)
		icalcomponent_free(cc.cal);
	free(prefix);
	return rc;
}
