/*
 * ics.c - the deadlines as an iCalendar file (RFC 5545), so a county department or an
 * enterprise sees them in the calendar program it already uses (`dabiao calendar`).
 *
 * One VEVENT per task, its UID the task key at dabiao, so that importing the file again
 * updates events instead of doubling them: an all-day event on its (shifted) due date when
 * the task is due at the end of a day, an event at the deadline instant, in the plan's
 * zone (TZID, with the zone's VTIMEZONE), when the due has a time of day. Reminders are
 * VALARMs at the instants the engine itself reminds (schedule_times), written as absolute
 * UTC triggers: a relative trigger on an all-day event is anchored at the floating local
 * midnight of the reader's zone, which is neither the plan's notify_at nor, for a reader
 * outside Asia/Shanghai, the right day. Only tasks still open (in a state the deadline
 * acts on) carry alarms: nobody needs reminding of what is handed in.
 *
 * What a person reads — SUMMARY, DESCRIPTION, LOCATION, an alarm's text — is in Chinese by
 * the plan's titles and the registry's names (issue 11: a county reads no machine keys); the
 * keys a program may want (task, plan, milestone, subject, period, owner role, state) are in
 * X-DABIAO- properties, and the task key in the UID.
 *
 * libical builds the text, so the escaping of , ; \ and newlines is right. Its folding is
 * not: a content line of 74 octets gets its CR counted as the 75th and the fold put
 * between CR and LF (libical 3.0, review 13d F19), so the lines are unfolded and folded
 * again here (ics_refold).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "base/buf.h"
#include "base/strset.h"
#include "base/xalloc.h"
#include "engine/report/report.h"

struct cal_ctx {
	struct engine *en;
	struct store_txn *txn;
	const char *subject, *role;
	icalcomponent *cal;   /* owned by report_calendar */
	size_t n;
	struct strset zones;  /* zones whose VTIMEZONE the calendar holds */
};

/* RFC 5545 3.1: content lines of at most 75 octets, not counting the CRLF, folded by CRLF
 * and one space (which counts), never inside a UTF-8 character. in is libical's text:
 * its folds (CRLF and a space or tab; no content line starts with a blank) are taken out,
 * also one put between the CR and LF of a line's end, then every line is folded again.
 * Returns an xmalloc'd string. */
static char *
ics_refold(const char *in)
{
	struct buf flat = BUF_INIT, b = BUF_INIT;
	const char *p, *line, *end;

	for (p = in; *p != '\0'; p++) {
		if (p[0] == '\r' && p[1] == '\n' && (p[2] == ' ' || p[2] == '\t'))
			p += 2;
		else
			buf_putc(&flat, *p);
	}
	for (line = buf_str(&flat); *line != '\0'; line = end[0] != '\0' ? end + 2 : end) {
		size_t len, width = 75;

		if ((end = strstr(line, "\r\n")) == NULL)
			end = line + strlen(line);
		for (len = (size_t)(end - line); len > width; width = 74) {
			size_t cut = width;

			/* never before a UTF-8 continuation octet (10xxxxxx) */
			while (cut > 1 && ((unsigned char)line[cut] & 0xC0) == 0x80)
				cut--;
			buf_append(&b, line, cut);
			buf_puts(&b, "\r\n ");
			line += cut;
			len -= cut;
		}
		buf_append(&b, line, len);
		buf_puts(&b, "\r\n");
	}
	buf_release(&flat);
	return buf_detach(&b);
}

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

/* Text for a TEXT property: RFC 5545 3.3.11 allows no control character but the line
 * breaks libical escapes; any other (from a registry imported before they were refused)
 * becomes U+FFFD. Caller frees. */
static char *
ics_text(const char *s)
{
	struct buf b = BUF_INIT;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f)
			buf_puts(&b, "\xef\xbf\xbd");
		else
			buf_putc(&b, (char)*p);
	}
	return b.data ? buf_detach(&b) : xstrdup("");
}

/* The deadline as a DTSTART at its instant in the plan's zone: the local wall time with a
 * TZID parameter, and the zone's VTIMEZONE in the calendar (once, its TZID the plain IANA
 * name the parameter uses). A zone libical does not know gives the instant in UTC. */
static icalproperty *
instant_dtstart(struct cal_ctx *c, const struct engine_plan *ep, int64_t t)
{
	const char *name = tz_name(ep->tz);
	icaltimezone *z = icaltimezone_get_builtin_timezone(name);
	struct icaltimetype lt = icaltime_null_time();
	icalcomponent *vtz;
	icalproperty *p;
	size_t before = c->zones.n;
	int32_t day;
	int sec, y, m, d;

	if (z == NULL || (vtz = icaltimezone_get_component(z)) == NULL)
		return icalproperty_new_dtstart(ical_utc(t));
	/* a floating wall time: libical writes it as is, and TZID says whose wall it is */
	tz_utc_to_local(ep->tz, t, &day, &sec, NULL);
	cal_civil_from_days(day, &y, &m, &d);
	lt.year = y;
	lt.month = m;
	lt.day = d;
	lt.hour = sec / 3600;
	lt.minute = sec / 60 % 60;
	lt.second = sec % 60;
	p = icalproperty_new_dtstart(lt);
	icalproperty_add_parameter(p, icalparameter_new_tzid(name));
	strset_add(&c->zones, name);
	if (c->zones.n != before) {
		icalcomponent *copy = icalcomponent_new_clone(vtz);
		icalproperty *id = icalcomponent_get_first_property(copy, ICAL_TZID_PROPERTY);

		if (id != NULL)
			icalproperty_set_tzid(id, name);
		icalcomponent_add_component(c->cal, copy);
	}
	return p;
}

/* The subject's name: a jurisdiction's or an enterprise's from the registry, the owning
 * office's title for a `once` task. Caller frees. */
static char *
subject_name(struct cal_ctx *c, const struct plan *p, const struct plan_milestone *m,
             const struct store_task *t)
{
	if (m->for_ == PLAN_FOR_ONCE)
		return xstrdup(p->roles[m->owner].title);
	return store_subject_name(c->txn, m->for_ == PLAN_FOR_ENTERPRISE ? STORE_ENTERPRISE
	                                                                 : STORE_JURISDICTION,
	                          t->subject);
}

/* What the county reads under the event, in Chinese and by the plan's titles: no task key,
 * milestone, role, section or state id (those are in the X-DABIAO- properties). */
static void
description(const struct engine_plan *ep, const struct plan_milestone *m,
            const struct store_task *t, const char *who, struct buf *b)
{
	const struct plan *p = ep->plan;
	char dl[WORDS_DEADLINE_MAX], odl[WORDS_DEADLINE_MAX];

	words_deadline_zh(ep->tz, t->deadline, dl);
	buf_printf(b, "截止：%s\n", dl);
	if (t->flags & STORE_TASK_EXTENDED) {
		words_deadline_zh(ep->tz, t->orig_deadline, odl);
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
			buf_printf(b, "%s%s", i ? "、" : "",
			           m->requires_titles[i] ? m->requires_titles[i] : m->requires[i]);
		buf_putc(b, '\n');
	}
	buf_printf(b, "状态：%s\n计划：%s",
	           report_state_title(&p->lifecycles[m->lifecycle], t->state), p->title);
}

/* A reminder's offset as the county reads it: 提前3天, 提前1个工作日, 提前2小时, 截止时. */
static void
offset_words(const struct plan_offset *o, char *out, size_t cap)
{
	static const char *const unit[] = {"天", "个工作日", "小时", "分钟", "秒"};
	const char *u = (unsigned)o->unit < 5 ? unit[o->unit] : "";
	long long n = (long long)o->n;

	if (n == 0)
		snprintf(out, cap, "截止当%s", o->unit <= PLAN_WORKDAYS ? "天" : "时");
	else
		snprintf(out, cap, "%s%lld%s", n < 0 ? "提前" : "截止后", n < 0 ? -n : n, u);
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
		char off[48], *text;

		/* left out as the engine leaves out its e-mail: out of order, or before the
		 * task's schedule began */
		if (tt.remind[i] == SCHEDULE_NONE || tt.remind[i] < schedule_from(t))
			continue;
		al = icalcomponent_new_valarm();
		memset(&tr, 0, sizeof(tr));
		tr.time = ical_utc(tt.remind[i]);
		tr.duration = icaldurationtype_null_duration();
		p = icalproperty_new_trigger(tr);
		icalproperty_add_parameter(p, icalparameter_new_value(ICAL_VALUE_DATETIME));
		icalcomponent_add_property(al, icalproperty_new_action(ICAL_ACTION_DISPLAY));
		icalcomponent_add_property(al, p);
		offset_words(&m->remind[i], off, sizeof(off));
		text = xasprintf("提醒（%s）：%s", off, summary);
		icalcomponent_add_property(al, icalproperty_new_description(text));
		free(text);
		icalcomponent_add_component(ev, al);
	}
	return 0;
}

/* The machine's names of what the event shows in words, for programs that read the file:
 * only here and in UID may a key stand (the county reads SUMMARY, DESCRIPTION, LOCATION). */
static void
keys(icalcomponent *ev, const struct engine_plan *ep, const struct plan_milestone *m,
     const struct store_task *t)
{
	const char *kv[][2] = {
		{"X-DABIAO-TASK", t->key},          {"X-DABIAO-PLAN", ep->plan->id},
		{"X-DABIAO-MILESTONE", m->id},      {"X-DABIAO-SUBJECT", t->subject},
		{"X-DABIAO-PERIOD", t->period},     {"X-DABIAO-OWNER", ep->plan->roles[m->owner].id},
		{"X-DABIAO-STATE", t->state},
	};

	for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++) {
		icalproperty *p = icalproperty_new_x(kv[i][1]);

		icalproperty_set_x_name(p, kv[i][0]);
		icalcomponent_add_property(ev, p);
	}
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
	char *who, *summary, *uid, *text, *where, period[64];
	int mi, rc, sec;

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
	words_period_zh(m, t->period, period, sizeof(period));
	text = xasprintf("%s（%s）%s%s", m->title, who, period[0] ? " " : "", period);
	summary = ics_text(text);
	free(text);
	/* where: the jurisdiction (an enterprise's county too), else the owning office */
	text = t->jurisdiction[0] != '\0'
	     ? store_subject_name(c->txn, STORE_JURISDICTION, t->jurisdiction) : xstrdup(who);
	where = ics_text(text);
	free(text);
	uid = xasprintf("%s@dabiao", t->key);
	description(ep, m, t, who, &desc);
	text = ics_text(buf_str(&desc));
	ev = icalcomponent_new_vevent();
	icalcomponent_add_property(ev, icalproperty_new_uid(uid));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(ical_utc(engine_now(c->en))));
	tz_utc_to_local(ep->tz, t->deadline, NULL, &sec, NULL);
	if (sec == 86399) {
		/* due at the end of a day: the day itself */
		icalcomponent_add_property(ev, icalproperty_new_dtstart(ical_date(t->due_date)));
		icalcomponent_add_property(ev, icalproperty_new_dtend(ical_date(t->due_date + 1)));
	} else {
		/* due at a time of day: an event at that instant (no DTEND: RFC 5545 3.6.1, it
		 * ends where it starts) */
		icalcomponent_add_property(ev, instant_dtstart(c, ep, t->deadline));
	}
	icalcomponent_add_property(ev, icalproperty_new_summary(summary));
	icalcomponent_add_property(ev, icalproperty_new_description(text));
	icalcomponent_add_property(ev, icalproperty_new_location(where));
	free(text);
	keys(ev, ep, m, t);
	icalcomponent_add_property(ev, icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT));
	dberr_clear(&e);
	/* a plan whose calendar has no working day cannot be loaded, so this does not fail in
	 * practice; an event without alarms is still worth having */
	rc = alarms(c, ev, ep, m, t, summary, &e);
	(void)rc;
	icalcomponent_add_component(c->cal, ev);
	c->n++;
	free(who);
	free(where);
	free(summary);
	free(uid);
	buf_release(&desc);
	return 0;
}

struct cal_arg {
	struct cal_ctx *c;
	const char *const *plans; /* whose tasks; none: every plan's */
	size_t nplans;
};

static int
cal_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct cal_arg *a = arg;
	int rc = 0;

	a->c->txn = txn;
	if (a->nplans == 0)
		return store_task_each(txn, "", task_cb, a->c, e);
	for (size_t i = 0; rc == 0 && i < a->nplans; i++) {
		char *prefix = xasprintf("%s/", a->plans[i]);

		rc = store_task_each(txn, prefix, task_cb, a->c, e);
		free(prefix);
	}
	return rc;
}

int
report_calendar(struct engine *en, const char *const *plans, size_t nplans,
                const char *subject, const char *role, char **out, struct dberr *e)
{
	struct cal_ctx cc = {0};
	struct cal_arg a = {&cc, plans, nplans};
	char *text = NULL;
	int rc = 0;

	cc.en = en;
	cc.subject = subject;
	cc.role = role;
	for (size_t i = 0; i < nplans; i++)
		if (engine_plan_find(en, plans[i]) == NULL)
			return dberr_set(e, DB_ENOTFOUND, "no plan '%s' in %s", plans[i],
			                 store_dir(engine_store(en)));
	if (role != NULL) {
		bool known = false;

		/* a role of the plans asked for: another plan's is none of theirs */
		for (size_t i = 0; i < engine_nplans(en) && !known; i++) {
			const struct plan *p = engine_plan_at(en, i)->plan;
			bool asked = nplans == 0;

			for (size_t k = 0; k < nplans && !asked; k++)
				asked = strcmp(plans[k], p->id) == 0;
			known = asked && plan_role_index(p, role) >= 0;
		}
		if (!known) {
			rc = dberr_set(e, DB_EUSAGE, "no plan %s has a role '%s'",
			               nplans ? "asked for" : "in the store", role);
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
	*out = ics_refold(text);
	free(text);
out:
	if (cc.cal)
		icalcomponent_free(cc.cal);
	strset_free(&cc.zones);
	return rc;
}
