/*
 * reports.c - the reports on the web: Annex 3, Annex 4 and the accountability record of a
 * month as HTML tables (the report module's own tables, so the page, the CSV and the XLSX
 * are one computation), their downloads, the iCalendar export, and the audit log's state.
 */
#include <fcntl.h>
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
 * command line, goes to the log). */
static const char *
report_missing(int rc, const struct dberr *e)
{
	if (rc == DB_ENOTFOUND)
		return "库中的方案都没有企业清理整治节点（附件3、附件4据此统计），本月无此报表。";
	if (rc == DB_EUSAGE)
		return "多个方案都有企业清理整治节点，网页不能确定按哪个方案统计；请在服务器上用 "
		       "dabiao report --plan 指定方案生成。";
	log_warnx("web", "report: %s", e->msg);
	return "报表暂时无法生成，请稍后重试。";
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
	int rc;

	if (!r->who.office) {
		req_error(r, 403, "报表仅供州级部门查看。");
		return;
	}
	if (!month_of(r, month))
		return;
	view_begin(r, "报表");
	HF(h, "<h1>报表</h1><form method=\"get\" action=\"/reports\"><label>月份 <input "
	      "type=\"month\" name=\"month\" value=\"%s\"></label><button type=\"submit\">查看"
	      "</button></form><p>下载：", month);
	for (size_t i = 0; i < 3; i++)
		HF(h, "%s（<a href=\"/reports/%s.xlsx?month=%s\">XLSX</a> · "
		      "<a href=\"/reports/%s.csv?month=%s\">CSV</a>）　",
		   i == 0 ? "附件3" : i == 1 ? "附件4" : "问责记录", kinds[i], month, kinds[i], month);
	H(h, "<a href=\"/calendar.ics\">全部截止日期（iCalendar）</a></p>");
	dberr_clear(&e);
	if ((rc = report_annex3(en, NULL, month, false, &a3, &e)) == 0) {
		table_html(r, &a3, "annex3");
		report_table_release(&a3);
	} else {
		HF(h, "<p class=\"muted\" id=\"annex3-missing\">附件3：%s</p>", report_missing(rc, &e));
	}
	dberr_clear(&e);
	if ((rc = report_annex4(en, NULL, month, &a4, &e)) == 0) {
		table_html(r, &a4, "annex4");
		report_table_release(&a4);
	} else {
		HF(h, "<p class=\"muted\" id=\"annex4-missing\">附件4：%s</p>", report_missing(rc, &e));
	}
	month_range(r, month, &from, &to);
	dberr_clear(&e);
	if ((rc = report_accountability(en, from, to, acc, &e)) == 0) {
		table_html(r, &acc[1], "accountability-summary");
		table_html(r, &acc[0], "accountability");
		report_table_release(&acc[0]);
		report_table_release(&acc[1]);
	} else {
		HF(h, "<p class=\"muted\">问责记录：%s</p>", report_missing(rc, &e));
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
	r->ctype = f == REPORT_FMT_CSV ? "text/csv; charset=utf-8"
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
	char month[8], name[64], kind[16];
	struct dberr e;
	int rc;
	size_t n = 1;

	if (!r->who.office) {
		req_error(r, 403, "报表仅供州级部门下载。");
		return;
	}
	if (dot == NULL || (strcmp(dot, ".csv") != 0 && strcmp(dot, ".xlsx") != 0) ||
	    (size_t)(dot - what) >= sizeof(kind)) {
		req_error(r, 404, "没有这个报表。");
		return;
	}
	f = strcmp(dot, ".csv") == 0 ? REPORT_FMT_CSV : REPORT_FMT_XLSX;
	memcpy(kind, what, (size_t)(dot - what));
	kind[dot - what] = '\0';
	if (!month_of(r, month))
		return;
	dberr_clear(&e);
	if (strcmp(kind, "annex3") == 0) {
		rc = report_annex3(en, NULL, month, false, &t[0], &e);
	} else if (strcmp(kind, "annex4") == 0) {
		rc = report_annex4(en, NULL, month, &t[0], &e);
	} else if (strcmp(kind, "accountability") == 0) {
		int64_t from, to;

		month_range(r, month, &from, &to);
		rc = report_accountability(en, from, to, t, &e);
		n = 2;
	} else {
		req_error(r, 404, "没有这个报表。");
		return;
	}
	if (rc != 0) {
		req_error(r, 404, report_missing(rc, &e));
		return;
	}
	/* the file name is ours: the kind and month checked above, never the request's text */
	snprintf(name, sizeof(name), "%s-%s%s", kind, month, dot);
	send_tables(r, t, n, f, name);
	for (size_t i = 0; i < n; i++)
		report_table_release(&t[i]);
}

void
page_calendar(struct req *r)
{
	const char *subject = req_query(r, "subject"), *role = req_query(r, "role");
	char *text = NULL;
	struct dberr e;

	/* a county or an enterprise gets its own deadlines, whatever it asks for */
	if (!r->who.office) {
		subject = r->who.subject;
		role = r->who.role;
	}
	dberr_clear(&e);
	if (report_calendar(r->en, NULL, subject && *subject ? subject : NULL,
	                    role && *role ? role : NULL, &text, &e) != 0) {
		log_warnx("web", "calendar: %s", e.msg);
		req_error(r, 404, "没有这个主体或角色的截止日期。");
		return;
	}
	buf_puts(&r->out.b, text);
	free(text);
	r->ctype = "text/calendar; charset=utf-8";
	r->disposition = xstrdup("attachment; filename=\"dabiao.ics\"");
}

struct head_arg {
	uint64_t size;
	uint8_t root[AUDIT_HASH_LEN];
	bool verify;
	bool verified;
	uint8_t recomputed[AUDIT_HASH_LEN];
};

static int
head_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct head_arg *x = arg;
	struct audit_frontier f;
	uint8_t (*leaves)[AUDIT_HASH_LEN] = NULL;
	uint64_t n;
	int rc;

	if ((rc = audit_frontier_get(txn, &f, e)) != 0)
		return rc;
	x->size = f.size;
	audit_frontier_root(&f, x->root);
	if (!x->verify)
		return 0;
	/* every record hashed again and the tree rebuilt: what `dabiao audit verify` does */
	if ((rc = audit_leaves(txn, f.size, &leaves, &n, e)) != 0)
		return rc;
	audit_tree_root((const uint8_t(*)[AUDIT_HASH_LEN])leaves, n, x->recomputed);
	x->verified = n == f.size && memcmp(x->recomputed, x->root, AUDIT_HASH_LEN) == 0;
	free(leaves);
	return 0;
}

void
page_audit(struct req *r)
{
	struct head_arg x = {0};
	struct html *h = &r->out;
	const struct config *cfg = r->w->cfg;
	char hex[2 * AUDIT_HASH_LEN + 1], *key;
	struct dberr e;

	if (!r->who.office) {
		req_error(r, 403, "审计页面仅供州级部门查看。");
		return;
	}
	x.verify = req_query(r, "verify") != NULL;
	dberr_clear(&e);
	if (store_read(engine_store(r->en), head_txn, &x, &e) != 0) {
		log_warnx("web", "audit page: %s", e.msg);
		req_error(r, 503, "审计日志暂时无法读取，请稍后重试。");
		return;
	}
	view_begin(r, "审计");
	audit_hex(x.root, AUDIT_HASH_LEN, hex);
	HF(h, "<h1>审计日志</h1><table><tbody><tr><th>记录条数</th><td id=\"audit-size\">%llu</td>"
	      "</tr><tr><th>根哈希</th><td class=\"hash\" id=\"audit-root\">%s</td></tr></tbody>"
	      "</table>", (unsigned long long)x.size, hex);
	if (x.verify)
		HF(h, "<p id=\"verify-result\" class=\"%s\">%s</p>", x.verified ? "ok" : "error",
		   x.verified ? "验证通过：全部记录重新计算的根哈希与日志一致。"
		              : "验证失败：重新计算的根哈希与日志不一致，请运行 dabiao audit verify。");
	else
		H(h, "<p><a href=\"/audit?verify=1\" id=\"verify\">立即验证全部记录</a></p>");
	/* the key `audit checkpoint` signs with: the configured one, else the store's own
	 * (made by init), under the same origin, so the page's checkpoint verifies with the
	 * key verifiers were given (`dabiao audit key`) */
	key = audit_key_file(store_dir(engine_store(r->en)), cfg->audit_key_file);
	if (key) {
		struct audit_checkpoint cp = {{0}, x.size, {0}};
		char *text = NULL;

		audit_origin_name(cfg->audit_origin, cp.origin, sizeof(cp.origin));
		memcpy(cp.root, x.root, AUDIT_HASH_LEN);
		dberr_clear(&e);
		if (audit_checkpoint_sign(&cp, key, &text, &e) == 0)
			HF(h, "<h2>当前签名检查点</h2><pre class=\"hash\" id=\"checkpoint\">%s</pre>", text);
		else
		{
			log_warnx("web", "audit page: signing the checkpoint: %s", e.msg);
			H(h, "<p class=\"error\">无法签名检查点（签名密钥无法读取，原因已记入日志）。</p>");
		}
		free(text);
		free(key);
	} else {
		H(h, "<p class=\"muted\">未配置签名密钥（audit.key_file），存储目录中也没有 audit-key.pem，"
		     "检查点未签名。</p>");
	}
	view_end(r);
}
