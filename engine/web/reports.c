/*
 * reports.c - the reports on the web: Annex 3, Annex 4 and the accountability record of a
 * month as HTML tables (the report module's own tables, so the page, the CSV and the XLSX
 * are one computation), their downloads, the iCalendar export, and the audit log's state.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/xalloc.h"
#include "engine/audit/audit.h"
#include "engine/web/web_int.h"
#include "store/store.h"

static void
table_html(struct req *r, const struct report_table *t, const char *id)
{
	struct html *h = &r->out;
	size_t rows = report_nrows(t);

	HF(h, "<h2>%s</h2><table id=\"%s\"><thead><tr>", t->title, id);
	for (size_t c = 0; c < t->ncols; c++)
		HF(h, "<th>%s</th>", t->head[c]);
	H(h, "</tr></thead><tbody>");
	for (size_t row = 0; row < rows; row++) {
		if (row + 1 == rows && t->total_row)
			H(h, "<tr class=\"total\">");
		else
			H(h, "<tr>");
		for (size_t c = 0; c < t->ncols; c++) {
			const struct report_cell *cell = &t->cells[row * t->ncols + c];

			if (cell->kind == REPORT_NUM && cell->prec == 0)
				HF(h, "<td class=\"n\">%lld</td>", (long long)cell->n);
			else if (cell->kind == REPORT_NUM) {
				char num[32];

				snprintf(num, sizeof(num), "%.*f", cell->prec, cell->n);
				HF(h, "<td class=\"n\">%s</td>", num);
			} else if (t->keys && strcmp(t->keys[c], "task") == 0 && cell->s && *cell->s) {
				/* the task's key is for scripts (JSON, CSV); a reader follows a link */
				H(h, "<td>");
				view_task_link(r, cell->s, "查看任务");
				H(h, "</td>");
			} else {
				HF(h, "<td>%s</td>", cell->s ? cell->s : "");
			}
		}
		H(h, "</tr>");
	}
	H(h, "</tbody></table>");
	if (t->note)
		HF(h, "<p class=\"muted\">%s</p>", t->note);
}

/* The month asked for, else the clock's month, as "YYYY-MM". A month given but not one
 * (2017-13, abc, 2017-2) is 400 with the answer written: false, as `report --month`
 * refuses it. Showing another month
 * instead, without a word, would pass for the one asked. */
static bool
month_of(struct req *r, char out[8])
{
	const char *m = req_query(r, "month");
	int32_t day;
	int y, mo, d;

	if (m != NULL) {
		if (strlen(m) == 7 && m[4] == '-' && strspn(m, "0123456789") == 4 &&
		    strspn(m + 5, "0123456789") == 2 && sscanf(m, "%4d-%2d", &y, &mo) == 2 &&
		    mo >= 1 && mo <= 12 && y >= 1 && y <= 9999) {
			snprintf(out, 8, "%04d-%02d", y, mo);
			return true;
		}
		req_error(r, 400, "月份应为 YYYY-MM，例如 2017-02（与 dabiao report --month 相同）。");
		return false;
	}
	tz_utc_to_local(engine_tz(r->en), engine_clock_read(r->en), &day, NULL, NULL);
	cal_civil_from_days(day, &y, &mo, &d);
	snprintf(out, 8, "%04d-%02d", y, mo);
	return true;
}

static void
month_range(struct req *r, const char *month, int64_t *from, int64_t *to)
{
	int y, m;
	const struct tz *z = engine_tz(r->en);

	sscanf(month, "%4d-%2d", &y, &m);
	*from = tz_local_to_utc(z, cal_days_from_civil(y, m, 1), 0);
	*to = tz_local_to_utc(z, cal_days_from_civil(y, m, cal_days_in_month(y, m)), 86399);
}

/* Why a report cannot be made, in words (the report module's message, in English for the
 * command line, goes to the log). plan: the one plan the tables are of, else NULL (every
 * plan): an office of one plan is told its plan has no clean-up milestone, not the store,
 * which may hold another bureau's that has (review 11f, Y6). */
static const char *
report_missing(const struct req *r, const char *plan, int rc, const struct dberr *e)
{
	if (rc == DB_ENOTFOUND && plan != NULL)
		return "本方案没有企业清理整治节点（汇总表、明细表据此统计），无此报表。";
	if (rc == DB_ENOTFOUND)
		return "库中的方案都没有企业清理整治节点（汇总表、明细表据此统计），本月无此报表。";
	if (rc == DB_EUSAGE)
		return "多个方案都有企业清理整治节点，请在上方“方案”中选择一个方案查看。";
	log_warnx(r->w->log_level, "web", "report: %s", e->msg);
	return "报表暂时无法生成，请稍后重试。";
}

/* The plan an office's reports are of: the one it chose (`plan`), one of its plans — any
 * plan for an office of every plan, another bureau's answering 404 as a plan that does not
 * exist; else every plan (NULL) for an office of every plan in the store, its first plan
 * for an office of some (review 11e, X5: one bureau's office got no reports at all; review
 * 11f, Y3: an office of several but not all got none either). The id is the engine's. */
static bool
reports_plan(struct req *r, const char **plan)
{
	const char *q = req_query(r, "plan");
	const struct engine_plan *ep;

	*plan = NULL;
	if (q != NULL && *q) {
		ep = engine_plan_find(r->en, q);
		if (ep == NULL || (!r->who.every_plan && !web_office_of(&r->who, q))) {
			req_error(r, 404, "没有这个方案。");
			return false;
		}
		*plan = ep->plan->id;
	} else if (!r->who.every_plan && r->who.nplans > 0) {
		*plan = r->who.plans[0];
	}
	return true;
}

/* The plans an office may choose among, when it has more than one: every plan of the
 * store (and 全部方案) for an office of every plan, else its own. */
static void
plan_choice(struct req *r, const char *plan)
{
	struct html *h = &r->out;
	size_t n = 0;

	for (size_t i = 0; i < engine_nplans(r->en); i++)
		n += web_office_of(&r->who, engine_plan_at(r->en, i)->plan->id);
	if (n < 2)
		return;
	H(h, "<label>方案 <select name=\"plan\">");
	if (r->who.every_plan)
		HF(h, "<option value=\"\"%s>全部方案</option>", plan ? "" : " selected");
	for (size_t i = 0; i < engine_nplans(r->en); i++) {
		const struct plan *p = engine_plan_at(r->en, i)->plan;

		if (web_office_of(&r->who, p->id))
			HF(h, "<option value=\"%s\"%s>%s</option>", p->id,
			   plan && strcmp(plan, p->id) == 0 ? " selected" : "", p->title);
	}
	H(h, "</select></label>");
}

/* The download's address: the month, and the plan when the tables are of one. */
static void
download_href(struct req *r, const char *file, const char *month, const char *plan)
{
	struct html *h = &r->out;

	HF(h, "/reports/%s?month=%s", file, month);
	if (plan != NULL) {
		H(h, "&amp;plan=");
		html_url(h, plan);
	}
}

void
page_reports(struct req *r)
{
	struct html *h = &r->out;
	struct engine *en = r->en;
	struct report_table a3, a4, acc[2];
	struct dberr e;
	char month[8];
	int64_t from, to;
	static const char *const kinds[] = {"annex3", "annex4", "accountability"};
	const char *plan;
	int rc;

	if (!r->who.office) {
		req_error(r, 403, "报表仅供州级部门查看。");
		return;
	}
	if (!reports_plan(r, &plan))
		return;
	if (!month_of(r, month))
		return;
	view_begin(r, "报表");
	HF(h, "<h1>报表</h1><form method=\"get\" action=\"/reports\"><label>月份 <input "
	      "type=\"month\" name=\"month\" value=\"%s\"></label>", month);
	plan_choice(r, plan);
	H(h, "<button type=\"submit\" id=\"show\">查看</button></form><p>下载：");
	/* people open CSV in a spreadsheet, which would turn a credit code of digits, 000123 or
	 * a date into a number: the link they see is csv-excel; the plain CSV, for scripts, is
	 * named as such (review12z, Z6) */
	for (size_t i = 0; i < 3; i++) {
		char file[40];

		HF(h, "%s（<a href=\"", i == 0 ? "汇总表" : i == 1 ? "明细表" : "问责记录");
		snprintf(file, sizeof(file), "%s.xlsx", kinds[i]);
		download_href(r, file, month, plan);
		H(h, "\">XLSX</a> · <a href=\"");
		snprintf(file, sizeof(file), "%s-excel.csv", kinds[i]);
		download_href(r, file, month, plan);
		H(h, "\" title=\"用 Excel、WPS 打开：代码、日期按原文显示\">CSV（表格软件）</a> · "
		     "<a href=\"");
		snprintf(file, sizeof(file), "%s.csv", kinds[i]);
		download_href(r, file, month, plan);
		H(h, "\" title=\"供程序读取：各值原样写出\">CSV（程序读取）</a>）　");
	}
	H(h, "<a href=\"/calendar.ics\">全部截止日期（iCalendar）</a></p>");
	dberr_clear(&e);
	if ((rc = report_annex3(en, plan, month, false, &a3, &e)) == 0) {
		table_html(r, &a3, "annex3");
		report_table_release(&a3);
	} else {
		HF(h, "<p class=\"muted\" id=\"annex3-missing\">汇总表：%s</p>", report_missing(r, plan, rc, &e));
	}
	dberr_clear(&e);
	if ((rc = report_annex4(en, plan, month, &a4, &e)) == 0) {
		table_html(r, &a4, "annex4");
		report_table_release(&a4);
	} else {
		HF(h, "<p class=\"muted\" id=\"annex4-missing\">明细表：%s</p>", report_missing(r, plan, rc, &e));
	}
	month_range(r, month, &from, &to);
	dberr_clear(&e);
	if ((rc = report_accountability(en, plan, from, to, acc, &e)) == 0) {
		table_html(r, &acc[1], "accountability-summary");
		table_html(r, &acc[0], "accountability");
		report_table_release(&acc[0]);
		report_table_release(&acc[1]);
	} else {
		HF(h, "<p class=\"muted\">问责记录：%s</p>", report_missing(r, plan, rc, &e));
	}
	view_end(r);
}

/* A report written by the report module's one writer into a private temporary file,
 * answered as an attachment (the file is unlinked at once: the descriptor keeps it). */
static void
send_tables(struct req *r, const struct report_table *t, size_t n, enum report_format f,
            const char *filename)
{
	char rnd[33], *path;
	struct dberr e;
	struct stat st;
	int fd;

	web_random_hex(rnd, 16);
	path = xasprintf("%s/tmp/report-%s", r->w->files_dir, rnd);
	dberr_clear(&e);
	if (report_write(t, n, f, path, &e) != 0 || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		unlink(path);
		free(path);
		req_error(r, 503, "报表暂时无法生成。");
		return;
	}
	unlink(path);
	free(path);
	if (fstat(fd, &st) != 0) {
		close(fd);
		req_error(r, 503, "报表暂时无法生成。");
		return;
	}
	r->file_fd = fd;
	r->file_size = (uint64_t)st.st_size;
	r->ctype = f != REPORT_FMT_XLSX ? "text/csv; charset=utf-8"
	         : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	r->disposition = xasprintf("attachment; filename=\"%s\"", filename);
}

void
page_report_download(struct req *r, const char *what)
{
	struct engine *en = r->en;
	struct report_table t[2];
	enum report_format f;
	const char *dot = strrchr(what, '.');
	char month[8], name[64], kind[32];
	const char *plan;
	struct dberr e;
	int rc;
	size_t n = 1;

	if (!r->who.office) {
		req_error(r, 403, "报表仅供州级部门下载。");
		return;
	}
	if (!reports_plan(r, &plan))
		return;
	if (dot == NULL || (strcmp(dot, ".csv") != 0 && strcmp(dot, ".xlsx") != 0) ||
	    (size_t)(dot - what) >= sizeof(kind)) {
		req_error(r, 404, "没有这个报表。");
		return;
	}
	f = strcmp(dot, ".csv") == 0 ? REPORT_FMT_CSV : REPORT_FMT_XLSX;
	memcpy(kind, what, (size_t)(dot - what));
	kind[dot - what] = '\0';
	/* annex3-excel.csv: the CSV for a spreadsheet program (--format csv-excel) */
	if (f == REPORT_FMT_CSV && strlen(kind) > 6 && strcmp(kind + strlen(kind) - 6, "-excel") == 0) {
		f = REPORT_FMT_CSV_EXCEL;
		kind[strlen(kind) - 6] = '\0';
	}
	if (!month_of(r, month))
		return;
	dberr_clear(&e);
	if (strcmp(kind, "annex3") == 0) {
		rc = report_annex3(en, plan, month, false, &t[0], &e);
	} else if (strcmp(kind, "annex4") == 0) {
		rc = report_annex4(en, plan, month, &t[0], &e);
	} else if (strcmp(kind, "accountability") == 0) {
		int64_t from, to;

		month_range(r, month, &from, &to);
		rc = report_accountability(en, plan, from, to, t, &e);
		n = 2;
	} else {
		req_error(r, 404, "没有这个报表。");
		return;
	}
	if (rc != 0) {
		req_error(r, 404, report_missing(r, plan, rc, &e));
		return;
	}
	/* the file name is ours: the kind and month checked above, never the request's text */
	snprintf(name, sizeof(name), "%s-%s%s%s", kind, month,
	         f == REPORT_FMT_CSV_EXCEL ? "-excel" : "", dot);
	send_tables(r, t, n, f, name);
	for (size_t i = 0; i < n; i++)
		report_table_release(&t[i]);
}

void
page_calendar(struct req *r)
{
	const char *subject = req_query(r, "subject"), *role = req_query(r, "role");
	const char *const *plans = NULL;
	size_t nplans = 0;
	char *text = NULL;
	struct dberr e;

	/* a county or an enterprise gets its own deadlines, whatever it asks for */
	if (!r->who.office) {
		subject = r->who.subject;
		role = r->who.role;
	}
	/* an account of some plans: theirs only (review 11d, W13), with the subject and role an
	 * office asks for — of several plans but not all too (review 11f, Y3: it got its own
	 * role's deadlines only) */
	if (!r->who.every_plan) {
		plans = (const char *const *)r->who.plans;
		nplans = r->who.nplans;
	}
	dberr_clear(&e);
	if ((!r->who.every_plan && nplans == 0) ||
	    report_calendar(r->en, plans, nplans, subject && *subject ? subject : NULL,
	                    role && *role ? role : NULL, &text, &e) != 0) {
		log_warnx(r->w->log_level, "web", "calendar: %s",
		          !r->who.every_plan && nplans == 0 ? "the account is of no plan" : e.msg);
		req_error(r, 404, "没有这个主体或角色的截止日期。");
		return;
	}
	buf_puts(&r->out.b, text);
	free(text);
	r->ctype = "text/calendar; charset=utf-8";
	r->disposition = xstrdup("attachment; filename=\"dabiao.ics\"");
}

/* What the audit page shows: the log's head now, the latest checkpoint the store kept (the
 * one that left the machine: `audit checkpoint`, the monthly dispatch), and the last
 * `audit verify` run, from the command line or from this page (engine/sched/verify.c). */
struct head_arg {
	uint64_t size;
	uint8_t root[AUDIT_HASH_LEN];
	char *cp_text, *cp_by;
	int64_t cp_at;
	struct sched_verify_run last;
	bool verified;
};

static int
head_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct head_arg *x = arg;
	struct audit_frontier f;
	int rc;

	if ((rc = audit_frontier_get(txn, &f, e)) != 0 ||
	    (rc = audit_checkpoint_latest(txn, &x->cp_text, &x->cp_at, &x->cp_by, e)) != 0)
		return rc;
	x->size = f.size;
	audit_frontier_root(&f, x->root);
	return sched_verify_last(txn, &x->last, &x->verified, e);
}

static void
audit_checkpoint_part(struct req *r, const struct head_arg *x)
{
	struct html *h = &r->out;
	struct audit_checkpoint cp;
	struct dberr e;

	H(h, "<h2>最近签名检查点</h2>");
	if (x->cp_text == NULL) {
		H(h, "<p class=\"muted\" id=\"checkpoint-none\">尚无签名检查点记录：每月调度时制作并随调度"
		     "通知发出，也可在服务器命令行制作（<code class=\"hash\">dabiao audit checkpoint"
		     "</code>）。</p>");
		return;
	}
	dberr_clear(&e);
	if (audit_checkpoint_parse(x->cp_text, "checkpoint", NULL, &cp, &e) != 0)
		memset(&cp, 0, sizeof(cp));
	HF(h, "<table><tbody><tr><th>记录条数</th><td id=\"checkpoint-size\">%llu</td></tr>",
	   (unsigned long long)cp.size);
	H(h, "<tr><th>制作时间</th><td id=\"checkpoint-at\">");
	if (x->cp_at != 0)
		view_time(r, x->cp_at);
	else
		H(h, "未记录（早于记录制作时间的版本）");
	H(h, "</td></tr><tr><th>制作者</th><td id=\"checkpoint-by\">");
	if (x->cp_by != NULL && strstr(x->cp_by, "monthly dispatch") != NULL)
		H(h, "每月调度（系统制作，随调度通知发出）");
	else if (x->cp_by != NULL && strstr(x->cp_by, ": the receipt of record ") != NULL)
		HF(h, "报送回执（审计序号 %llu 的回执，随回执发出）",
		   strtoull(strstr(x->cp_by, ": the receipt of record ") + 24, NULL, 10));
	else if (x->cp_by != NULL && *x->cp_by) {
		/* "USER: dabiao audit checkpoint" */
		char *user = xstrndup(x->cp_by, strcspn(x->cp_by, ":"));

		HF(h, "服务器命令行制作（用户 %s）", user);
		free(user);
	} else
		H(h, "未记录");
	H(h, "</td></tr></tbody></table>");
	if (cp.size < x->size)
		HF(h, "<p class=\"muted\" id=\"checkpoint-behind\">此后新增 %llu 条记录，尚未签入检查点"
		      "（下一次检查点将包含它们）。</p>", (unsigned long long)(x->size - cp.size));
	HF(h, "<pre class=\"hash\" id=\"checkpoint\">%s</pre>", x->cp_text);
}

static void
audit_verify_part(struct req *r, const struct head_arg *x)
{
	struct html *h = &r->out;
	const struct sched_verify_run *v = &x->last;

	H(h, "<h2>最近一次验证</h2>");
	if (!x->verified) {
		H(h, "<p class=\"muted\" id=\"last-verify\">尚无验证记录：服务器命令行的审计验证或下方"
		     "“立即验证”的结果会显示在这里。</p>");
	} else {
		H(h, "<table id=\"last-verify\"><tbody><tr><th>时间</th><td id=\"verify-at\">");
		view_time(r, v->clock_at);
		H(h, "</td></tr><tr><th>执行者</th><td id=\"verify-by\">");
		view_actor(r, v->by);
		HF(h, "</td></tr><tr><th>结果</th><td id=\"verify-result\" class=\"%s\">%s</td></tr>",
		   v->ok ? "ok" : "error", v->ok ? "通过" : "未通过");
		HF(h, "<tr><th>核对范围</th><td id=\"verify-scope\">%llu 条审计记录及其根哈希；%llu 份通知"
		      "邮件及 %llu 个 .eml 文件；", (unsigned long long)v->size,
		   (unsigned long long)v->notices, (unsigned long long)v->emls);
		if (v->files_skipped)
			H(h, "报送文件未核对（命令行选择了跳过文件）");
		else
			HF(h, "报送文件 %llu 个", (unsigned long long)v->files);
		H(h, "</td></tr>");
		if (!v->ok) {
			if (v->nfaults > 0)
				HF(h, "<tr><th>缺失或被改动的报送文件</th><td id=\"verify-faults\">%llu 个"
				      "</td></tr>", (unsigned long long)v->nfaults);
			HF(h, "<tr><th>第一处问题</th><td><code class=\"hash\" id=\"verify-fault\">%s</code></td></tr>",
			   v->fault);
		}
		H(h, "</tbody></table>");
	}
	HF(h, "<form method=\"post\" action=\"/audit/verify\"><input type=\"hidden\" "
	      "name=\"csrf\" value=\"%s\"><button type=\"submit\" id=\"verify\">立即验证</button>"
	      "</form><p class=\"muted\">与服务器命令行的审计验证（<code class=\"hash\">dabiao audit "
	      "verify</code>）核对的内容相同：重新计算每条记录的叶哈希和整棵树的根哈希；核对每份"
	      "通知邮件（存储中的原文和发件目录中的邮件文件）与记录的 sha256；核对网页报送的每个文件仍在存储中且与记录的 sha256 一致（逐块读取，"
	      "耗时随文件总量增加）。</p>", r->who.csrf);
}

void
page_audit(struct req *r)
{
	struct head_arg x = {0};
	struct html *h = &r->out;
	char hex[2 * AUDIT_HASH_LEN + 1];
	struct dberr e;

	if (!r->who.office) {
		req_error(r, 403, "审计页面仅供州级部门查看。");
		return;
	}
	dberr_clear(&e);
	if (store_read(engine_store(r->en), head_txn, &x, &e) != 0) {
		log_warnx(r->w->log_level, "web", "audit page: %s", e.msg);
		req_error(r, 503, "审计日志暂时无法读取，请稍后重试。");
		goto out;
	}
	view_begin(r, "审计");
	audit_hex(x.root, AUDIT_HASH_LEN, hex);
	HF(h, "<h1>审计日志</h1><table><tbody><tr><th>记录条数</th><td id=\"audit-size\">%llu</td>"
	      "</tr><tr><th>当前根哈希（未签名）</th><td class=\"hash\" id=\"audit-root\">%s</td></tr>"
	      "</tbody></table>", (unsigned long long)x.size, hex);
	audit_checkpoint_part(r, &x);
	audit_verify_part(r, &x);
	view_end(r);
out:
	free(x.cp_text);
	free(x.cp_by);
}

struct note_arg {
	const struct sched_verify_run *run;
};

static int
note_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	return sched_verify_note(txn, ((struct note_arg *)arg)->run, e);
}

/* 立即验证: `audit verify` itself (files included), in this request's thread, one at a
 * time; its outcome kept as the last run, which the page then shows. */
void
act_audit_verify(struct req *r)
{
	struct sched_verify_opts o = {0};
	struct sched_verification v;
	struct sched_verify_run run;
	struct note_arg n = {&run};
	struct dberr e, ne;
	int rc;

	if (!r->who.office) {
		req_error(r, 403, "审计页面仅供州级部门查看。");
		return;
	}
	if (pthread_mutex_trylock(&r->w->verify_lock) != 0) {
		req_error(r, 409, "另一次验证正在进行，请稍后刷新审计页面查看结果。");
		return;
	}
	dberr_clear(&e);
	rc = sched_verify(engine_store(r->en), &o, &v, &e);
	if (rc == 0 || rc == DB_EDATA) {
		char *by = xasprintf("web:%s", r->who.login ? r->who.login : "?");

		sched_verify_run_of(&v, rc, &e, engine_wall_clock(), by, &run);
		free(by);
		dberr_clear(&ne);
		if (web_write(r, note_txn, &n, &ne) != 0)
			log_warnx(r->w->log_level, "web",
			          "audit verify: the result was not kept: %s", ne.msg);
	}
	pthread_mutex_unlock(&r->w->verify_lock);
	if (rc != 0 && rc != DB_EDATA) {
		log_warnx(r->w->log_level, "web", "audit verify: %s", e.msg);
		req_error(r, 503, "验证未能完成（存储或文件暂时无法读取，原因已记入日志），请稍后重试。");
	} else {
		if (rc != 0)
			log_warnx(r->w->log_level, "web", "audit verify failed: %s", run.fault);
		req_redirect(r, "/audit");
	}
	sched_verification_release(&v);
}
