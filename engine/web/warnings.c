/*
 * warnings.c - the leadership's page for conduct warnings (约谈/限批预警): the warnings a
 * rule with `decide` proposed, each with the lapses behind it, and the decision on one —
 * approve (sent to the rule's notify roles at once) or dismiss, with a reason. The decision
 * is conduct_decide, the engine call `dabiao decide` makes, in one transaction with the
 * account as the audit actor; the warning it sends is queued in that transaction and
 * delivered like every other notice.
 *
 * Every office account sees the page (what is proposed and what was decided); only an
 * account whose role is among the rule's `decide` roles is offered the form and may post
 * it. A warning whose plan no longer has its rule can only be dismissed.
 */
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include "engine/web/web_int.h"

/* May this account decide w? Its role among the rule's `decide` roles; with the rule gone,
 * any office account of its plan (who may then only dismiss). */
static bool
may_decide(struct engine *en, const struct who *who, const struct conduct_warning *w)
{
	const struct engine_plan *ep = engine_plan_find(en, w->plan);
	const struct plan_conduct *rule = conduct_rule_of(ep, w);

	if (!web_office_of(who, w->plan) || strcmp(w->state, "proposed") != 0)
		return false;
	if (rule == NULL)
		return true;
	for (size_t i = 0; i < rule->ndecide; i++)
		if (rule->decide[i].kind == PLAN_TARGET_ROLE && rule->decide[i].role >= 0 &&
		    strcmp(ep->plan->roles[rule->decide[i].role].id, who->role) == 0)
			return true;
	return false;
}

static const char *
why_word(const char *why)
{
	return strcmp(why, "lapse") == 0        ? "逾期"
	     : strcmp(why, "lapse+omitted") == 0 ? "逾期（漏报）"
	     : strcmp(why, "escalation") == 0   ? "督办未果"
	                                        : conduct_flag_zh(why);
}

static const char *
warning_state_word(const char *state)
{
	return strcmp(state, "proposed") == 0   ? "待决定"
	     : strcmp(state, "sent") == 0       ? "已发出"
	     : strcmp(state, "dismissed") == 0  ? "不予发出"
	     : strcmp(state, "superseded") == 0 ? "已由新预警取代"
	     : strcmp(state, "withdrawn") == 0  ? "已撤回" : state;
}

/* The events behind a warning, each linking to its task. */
static void
items_list(struct req *r, struct store_txn *txn, const struct conduct_warning *w)
{
	struct html *h = &r->out;
	const struct engine_plan *ep = engine_plan_find(r->en, w->plan);

	H(h, "<ol class=\"items\">");
	for (size_t i = 0; i < w->nitems; i++) {
		const struct conduct_item *it = &w->items[i];
		struct store_task t;
		struct dberr e;
		char when[40];

		dberr_clear(&e);
		HF(h, "<li>%s：", why_word(it->why));
		if (store_task_get(txn, it->task, &t, &e) == 0) {
			char *subj = view_subject_name(r->en, txn, t.subject);

			view_task_link(r, t.key, view_milestone(r->en, t.plan, t.milestone));
			H(h, " ");
			view_period(r, t.plan, t.milestone, t.period);
			HF(h, "（%s）", subj);
			free(subj);
			store_task_release(&t);
		} else {
			view_task_link(r, it->task, it->task);
		}
		tz_format_local(ep ? ep->tz : engine_tz(r->en), it->at, when);
		HF(h, " <span class=\"muted\">计入于 %s</span></li>", when);
	}
	H(h, "</ol>");
}

struct wl_ctx {
	struct req *r;
	struct store_txn *txn;
	bool proposed;            /* this pass lists the proposed ones, else the others */
	size_t n;
};

static int
list_cb(const struct conduct_warning *w, void *arg)
{
	struct wl_ctx *c = arg;
	struct req *r = c->r;
	struct html *h = &r->out;
	char *jur;
	char when[40];

	if ((strcmp(w->state, "proposed") == 0) != c->proposed ||
	    !web_office_of(&r->who, w->plan))   /* another bureau's plan (review 11d, W13) */
		return 0;
	c->n++;
	jur = view_subject_name(r->en, c->txn, w->jurisdiction);
	tz_format_local(engine_tz(r->en), w->at, when);
	HF(h, "<tr id=\"warning-%s\"><td>%s</td><td>%s</td><td>%s</td><td class=\"n\">%zu</td>"
	      "<td>%s</td><td>", w->id, w->id, jur, view_notice_kind(w->kind), w->nitems, when);
	items_list(r, c->txn, w);
	H(h, "</td>");
	if (c->proposed) {
		H(h, "<td>");
		if (may_decide(r->en, &r->who, w)) {
			HF(h, "<form method=\"post\" action=\"/warnings/%s\" class=\"decide\">"
			      "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			      "<label>理由（必填）<textarea name=\"reason\" rows=\"2\" required>"
			      "</textarea></label>"
			      "<button type=\"submit\" name=\"decision\" value=\"approve\">同意发出</button> "
			      "<button type=\"submit\" name=\"decision\" value=\"dismiss\">不予发出</button>"
			      "</form>", w->id, r->who.csrf);
		} else {
			H(h, "<span class=\"muted\">由方案指定的决定部门决定</span>");
		}
		H(h, "</td>");
	} else {
		HF(h, "<td>%s</td><td>", warning_state_word(w->state));
		if (w->decided_by) {
			char at[40];

			tz_format_local(engine_tz(r->en), w->decided_at, at);
			HF(h, "%s，%s", w->decided_by, at);
			if (w->reason)
				HF(h, "：%s", w->reason);
		} else if (w->superseded_by) {
			HF(h, "见预警 %s", w->superseded_by);
		} else if (strcmp(w->state, "withdrawn") == 0 && w->reason != NULL) {
			/* withdrawn by a plan version (warning.c, conduct_version_withdraw) */
			if (strstr(w->reason, " rule is not in version ") != NULL)
				H(h, "方案修订后已无该预警规则，已撤回");
			else
				H(h, "方案修订后该规则不再要求决定，已撤回（达到标准的预警直接发出）");
		} else if (strcmp(w->state, "withdrawn") == 0) {
			H(h, "所依据的逾期已补录撤销，不足预警标准");
		} else {
			H(h, "规则直接发出");
		}
		/* a sent warning that stood on a lapse voided since (warning.c) */
		if (w->nvoided > 0 && strcmp(w->state, "sent") == 0)
			HF(h, "<br><span class=\"voided\">依据的逾期已补录撤销%zu项，余%zu项</span>",
			   w->nvoided, conduct_warning_left(w));
		H(h, "</td>");
	}
	H(h, "</tr>");
	free(jur);
	return 0;
}

static int
list_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct wl_ctx *c = arg;
	struct html *h = &c->r->out;
	int rc;

	c->txn = txn;
	H(h, "<h2>待决定</h2><table id=\"proposed\"><thead><tr><th>编号</th><th>辖区</th>"
	     "<th>措施</th><th>累计次数</th><th>提出时间</th><th>事由</th><th>决定</th></tr>"
	     "</thead><tbody>");
	c->proposed = true;
	c->n = 0;
	if ((rc = conduct_warning_each(txn, NULL, list_cb, c, e)) != 0)
		return rc;
	H(h, "</tbody></table>");
	if (c->n == 0)
		H(h, "<p>没有待决定的预警。</p>");
	H(h, "<h2>已处理</h2><table id=\"decided\"><thead><tr><th>编号</th><th>辖区</th>"
	     "<th>措施</th><th>累计次数</th><th>提出时间</th><th>事由</th><th>结果</th>"
	     "<th>决定人、时间和理由</th></tr></thead><tbody>");
	c->proposed = false;
	c->n = 0;
	if ((rc = conduct_warning_each(txn, NULL, list_cb, c, e)) != 0)
		return rc;
	H(h, "</tbody></table>");
	if (c->n == 0)
		H(h, "<p>无。</p>");
	return 0;
}

void
page_warnings(struct req *r)
{
	struct wl_ctx c = {r, NULL, false, 0};
	struct dberr e;

	if (!r->who.office) {
		req_error(r, 403, "只有州级部门的账号可以查看约谈、限批预警。");
		return;
	}
	view_begin(r, "约谈/限批预警");
	H(&r->out, "<h1>约谈、限批预警</h1><p class=\"muted\">按方案的约谈、限批规则，辖区在规定期限内"
	           "累计逾期、瞒报谎报漏报达到次数时提出。需决定的预警经决定部门同意后才发给辖区。</p>");
	dberr_clear(&e);
	if (store_read(engine_store(r->en), list_txn, &c, &e) != 0) {
		log_warnx(r->w->log_level, "web", "warnings: %s", e.msg);
		req_error(r, 503, "存储暂时不可用，请稍后重试。");
		return;
	}
	view_end(r);
}

/* ---- the decision ---- */

struct decide_arg {
	struct req *r;
	const char *id, *by, *reason;
	bool approve;
	int verdict;              /* 0, or 404 (no such warning) / 403 (not a decider) */
};

static int
decide_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct decide_arg *x = arg;
	struct engine *en = x->r->en;
	struct conduct_warning w;
	int rc;

	/* who may decide is checked against the warning as it is in this transaction */
	if ((rc = conduct_warning_get(txn, x->id, &w, e)) == DB_ENOTFOUND) {
		x->verdict = 404;
		return rc;
	}
	if (rc != 0)
		return rc;
	/* a warning decided already goes on to conduct_decide, which says by whom (409); one
	 * of another bureau's plan is not there for this account (review 11d, W13) */
	if (!web_office_of(&x->r->who, w.plan))
		x->verdict = 404;
	else if (strcmp(w.state, "proposed") == 0 && !may_decide(en, &x->r->who, &w))
		x->verdict = 403;
	conduct_warning_release(&w);
	if (x->verdict != 0)
		return dberr_set(e, DB_EUSAGE, "%s may not decide warning %s", x->r->who.login,
		                 x->id);
	if ((rc = engine_clock_txn(en, txn, NULL, e)) != 0)
		return rc;
	return conduct_decide(en, txn, x->id, x->approve, x->by, x->reason, e);
}

void
act_decide(struct req *r, const char *id)
{
	const char *decision = req_field(r, "decision");
	struct decide_arg x = {r, id, NULL, req_field(r, "reason"), false, 0};
	struct dberr e;
	char *actor;
	int rc;

	if (!r->who.office) {
		req_error(r, 403, "只有州级部门的账号可以决定约谈、限批预警。");
		return;
	}
	if (decision == NULL || (strcmp(decision, "approve") && strcmp(decision, "dismiss"))) {
		req_error(r, 400, "请选择同意发出或不予发出。");
		return;
	}
	if (!web_text_ok(x.reason, UTF8_PARA_MAX, false, true)) {
		req_error(r, 400, "决定必须填写理由（不超过4000个字）。");
		return;
	}
	x.approve = strcmp(decision, "approve") == 0;
	/* the login names the account signed in; a name two accounts share would not (review
	 * 10f, F11): the record still carries the account's name */
	x.by = r->who.login;
	actor = web_actor(&r->who, NULL);
	engine_set_actor(r->en, actor);
	free(actor);
	dberr_clear(&e);
	rc = engine_write(r->en, decide_txn, &x, &e);
	if (x.verdict != 0) {
		req_error(r, x.verdict, x.verdict == 404 ? "没有这个预警。"
		                                         : "此预警由方案指定的决定部门决定。");
		return;
	}
	web_after_action(r, rc, &e, "/warnings", "操作未执行：此预警已不能这样决定，请刷新页面查看。");
}
