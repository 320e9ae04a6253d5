/*
 * view.c - what every page shares: the layout (header, navigation by role, the style sheet
 * served from /static/app.css so the CSP can forbid inline style), and the Chinese words
 * for states, periods and times, so no machine key reaches the screen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "engine/web/web_int.h"

const char web_css[] =
	"body{font-family:'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','WenQuanYi Micro "
	"Hei',sans-serif;margin:0;color:#1f2933;background:#f5f7fa}"
	"header{background:#0b3d91;color:#fff;padding:.6em 1.2em;display:flex;flex-wrap:wrap;"
	"align-items:center;gap:1.2em}header a{color:#fff;text-decoration:none}"
	"header .brand{font-weight:bold;font-size:1.1em}header form{margin-left:auto}"
	"main{padding:1em 1.5em;max-width:80em}"
	"table{border-collapse:collapse;background:#fff;margin:.5em 0 1.2em}"
	"th,td{border:1px solid #cbd2d9;padding:.3em .6em;text-align:left;vertical-align:top}"
	"th{background:#e4e7eb}td.n{text-align:right}tr.total td{font-weight:bold}"
	".late,.error{color:#b00020}.ok{color:#1b7f3b}.muted{color:#616e7c;font-size:.9em}"
	"form.inline{display:inline}fieldset{border:1px solid #cbd2d9;background:#fff;margin:.8em 0}"
	"label{display:block;margin:.3em 0}input[type=text],input[type=password],textarea,select"
	"{min-width:18em}button{padding:.3em 1em}.filters label{display:inline-block;margin-right:"
	"1em}.hash{font-family:monospace;font-size:.85em;word-break:break-all}"
	"svg{background:#fff;border:1px solid #cbd2d9;margin:.5em 0}"
	".badge{padding:.05em .4em;border-radius:.3em;background:#e4e7eb}";

void
view_begin(struct req *r, const char *title)
{
	struct html *h = &r->out;
	const struct who *w = &r->who;

	r->ctype = "text/html; charset=utf-8";
	buf_reset(&h->b);
	HF(h, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	      "<title>%s · 计划调度系统</title>"
	      "<link rel=\"stylesheet\" href=\"/static/app.css\"></head><body><header>"
	      "<span class=\"brand\">计划调度系统</span>", title);
	if (w->kind == WHO_ACCOUNT) {
		if (w->office)
			H(h, "<a href=\"/\">工作台</a>");
		H(h, "<a href=\"/tasks\">任务</a>");
		if (web_can_review(w))
			H(h, "<a href=\"/review\">待审核</a>");
		if (w->office)
			H(h, "<a href=\"/warnings\">预警</a>");
		if (w->office)
			H(h, "<a href=\"/reports\">报表</a>");
		if (w->office)
			H(h, "<a href=\"/audit\">审计</a>");
		HF(h, "<form class=\"inline\" method=\"post\" action=\"/logout\">"
		      "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		      "<span>%s（%s）</span> <button type=\"submit\">退出</button></form>",
		   w->csrf, w->name && *w->name ? w->name : w->login, w->login);
	}
	H(h, "</header><main>");
}

void
view_end(struct req *r)
{
	H(&r->out, "</main></body></html>\n");
}

const char *
view_state(const char *state)
{
	static const char *const words[][2] = {
		{"open", "未报送"},       {"submitted", "待审核"}, {"incomplete", "内容不全"},
		{"returned", "已退回"},   {"accepted", "已通过"},  {"overdue", "逾期未报"},
		{"listed", "已列入清单"}, {"rectifying", "整改中"}, {"verified", "已核查销号"},
		{"closed", "已淘汰关闭"}, {"cancelled", "已取消"},
		{"queued", "待发送"},     {"sent", "已发送"},     {"retrying", "重试中"},
		{"failed", "发送失败"},   {"digested", "已并入汇总"},
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(words[i][0], state) == 0)
			return words[i][1];
	return state;
}

const char *
view_notice_kind(const char *kind)
{
	static const char *const words[][2] = {
		{"reminder", "到期提醒"},       {"overdue", "逾期通知"},
		{"escalation", "督办通知"},     {"notice", "通知"},
		{"incomplete", "内容不全通知"}, {"accountability", "问责通知"},
		{"receipt", "报送回执"},        {"returned", "退回通知"},
		{"accepted", "审核通过通知"},   {"extended", "延期通知"},
		{"correction", "补正通知"},     {"interview-warning", "约谈预警"},
		{"approval-restriction-warning", "限批预警"},
		{"start", "补报期限通知"},      {"candidates", "约谈/限批候选名单"},
		{"dispatch", "月度调度通报"},   {"digest", "每日汇总"},
		{"delivery-failed", "投递失败通知"},
		{"changed", "事项调整通知"},
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(words[i][0], kind) == 0)
			return words[i][1];
	return kind;
}

void
view_period(struct req *r, const char *plan, const char *milestone, const char *period)
{
	const struct engine_plan *ep = engine_plan_find(r->en, plan);
	int mi = ep ? plan_milestone_index(ep->plan, milestone) : -1;
	char words[96];

	if (strcmp(period, "once") == 0) {
		H(&r->out, "（一次性）");
		return;
	}
	/* the period the task covers, as its notices, `status` and the reports name it: a
	 * `covers: previous` table due in August is July's (review11g S6: the page the
	 * reminder's link opened said 8月 where the reminder asked for July's table) */
	words_period_zh(mi >= 0 ? &ep->plan->milestones[mi] : NULL, period, words, sizeof(words));
	html_text(&r->out, words);
}

void
view_time(struct req *r, int64_t t)
{
	char s[40];

	tz_format_local(engine_tz(r->en), t, s);
	html_text(&r->out, s);
}

char *
view_subject_name(struct engine *en, struct store_txn *txn, const char *id)
{
	static const enum store_subject_kind kinds[] = {STORE_JURISDICTION, STORE_ENTERPRISE,
	                                                STORE_OFFICE};
	struct store_subject s;
	struct dberr e;

	for (size_t i = 0; i < 3; i++) {
		dberr_clear(&e);
		if (store_subject_get(txn, kinds[i], id, &s, &e) == 0) {
			const char *n = store_subject_field(&s, "name");
			/* an office has no name in the registry: its role's title in the plan (州环保局,
			 * never `prefecture_epb` on screen: review 11b, m1) */
			char *out = xstrdup(n && *n ? n : view_role(en, id));

			store_subject_release(&s);
			return out;
		}
	}
	return xstrdup(view_role(en, id));
}

const char *
view_milestone(struct engine *en, const char *plan, const char *milestone)
{
	const struct engine_plan *ep = engine_plan_find(en, plan);
	int mi = ep ? plan_milestone_index(ep->plan, milestone) : -1;

	return mi >= 0 ? ep->plan->milestones[mi].title : milestone;
}

void
view_sections(struct req *r, const char *plan, const char *milestone, const char *ids)
{
	const struct engine_plan *ep = engine_plan_find(r->en, plan);
	int mi = ep ? plan_milestone_index(ep->plan, milestone) : -1;
	const struct plan_milestone *m = mi >= 0 ? &ep->plan->milestones[mi] : NULL;
	bool first = true;

	for (const char *p = ids; p && *p;) {
		const char *comma = strchr(p, ','), *dun = strstr(p, "、"), *end;
		size_t n, skip;
		char *id;

		end = comma && (!dun || comma < dun) ? comma : dun;
		n = end ? (size_t)(end - p) : strlen(p);
		skip = end ? (end == comma ? 1 : strlen("、")) : 0;
		if (n > 0) {
			const char *shown = NULL;
			int i;

			id = xstrndup(p, n);
			/* looked up, not scanned: a record of 16,000 sections (review 13f, C15) */
			if (m != NULL && (i = plan_section_index(m, id)) >= 0)
				shown = m->requires_titles[i] ? m->requires_titles[i] : id;
			HF(&r->out, "%s%s", first ? "" : "、", shown ? shown : id);
			first = false;
			free(id);
		}
		p += n + skip;
	}
}

void
view_task_link(struct req *r, const char *key, const char *text)
{
	H(&r->out, "<a href=\"/tasks/");
	html_url(&r->out, key);
	H(&r->out, "\">");
	html_text(&r->out, text);
	H(&r->out, "</a>");
}

const char *
view_role(struct engine *en, const char *role)
{
	for (size_t i = 0; i < engine_nplans(en); i++) {
		const struct plan *p = engine_plan_at(en, i)->plan;
		int ri = plan_role_index(p, role);

		if (ri >= 0)
			return p->roles[ri].title;
	}
	return role;
}

/* Who did it, in words (the audit keeps the machine form, shown on the proof page):
 * web:LOGIN an account, link:ROLE/SUBJECT:姓名 a submit link, dabiao the system itself,
 * anything else the command line's user on the server. */
void
view_actor(struct req *r, const char *actor)
{
	struct html *h = &r->out;
	const char *colon;

	if (strncmp(actor, "web:", 4) == 0) {
		HF(h, "网页账号 %s", actor + 4);
	} else if (strncmp(actor, "link:", 5) == 0 && (colon = strchr(actor + 5, ':')) != NULL) {
		char *role = xstrndup(actor + 5, strcspn(actor + 5, "/:"));

		HF(h, "%s（%s，通过报送链接）", colon + 1, view_role(r->en, role));
		free(role);
	} else if (strcmp(actor, "dabiao") == 0 || actor[0] == '\0') {
		H(h, "系统");
	} else {
		HF(h, "服务器命令行（%s）", actor);
	}
}
