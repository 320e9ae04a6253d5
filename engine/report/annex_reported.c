/*
 * annex_reported.c - the counties' own Annex 3/4 figures (`dabiao import-annex`): which task
 * a county's table answers, the latest table it reported for it (an `annex.report` audit
 * record), and the accountability flags (瞒报/谎报/漏报) raised on that task, read through
 * the audit log's task index. docs/reports.md, "The counties' own figures".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "engine/report/report.h"
#include "time/tz.h"

const struct plan_milestone *
report_form_milestone(const struct plan *p, int form)
{
	for (size_t i = 0; i < p->nmilestones; i++)
		if ((int)p->milestones[i].form == form &&
		    p->milestones[i].for_ == PLAN_FOR_JURISDICTION)
			return &p->milestones[i];
	return NULL;
}

char *
report_annex_task_key(const struct plan *p, const struct plan_milestone *m, const char *jur,
                      int y, int mo)
{
	/* a table that covers the month before it is due (covers: previous) is the task of
	 * the next month: June's Annex 3 is the one due 07-05, task "2017-07" */
	if (m->covers_previous && ++mo > 12) {
		mo = 1;
		y++;
	}
	return xasprintf("%s/%s/%s/%04d-%02d", p->id, m->id, jur, y, mo);
}

struct reported_ctx {
	struct report_annex_reported *out;
	struct reported_flag {
		char *kind;   /* concealed, falsified, omitted */
		char *text;   /* 瞒报（监测监察科 认定，第 N 号） */
	} *flags;         /* standing, in the order raised */
	size_t nflags, capflags;
	size_t cap;           /* of out->earlier */
};

static const char *
flag_word(const char *kind)
{
	if (kind == NULL)
		return "问责标记";
	if (strcmp(kind, "concealed") == 0)
		return "瞒报";
	if (strcmp(kind, "falsified") == 0)
		return "谎报";
	if (strcmp(kind, "omitted") == 0)
		return "漏报";
	return kind;
}

static int
reported_cb(const struct store_audit *a, void *arg)
{
	struct reported_ctx *c = arg;
	struct report_annex_reported *r = c->out;
	char *received;

	if (strcmp(a->action, "annex.report") == 0) {
		/* a county's later table for the same task replaces its earlier one, which is
		 * kept to say what the later one corrected (an enterprise left out: 漏报) */
		if (r->seq != 0) {
			r->earlier = xgrow(r->earlier, &c->cap, r->nearlier + 1, sizeof(*r->earlier));
			r->earlier[r->nearlier].seq = r->seq;
			r->earlier[r->nearlier++].rows = r->rows;
			r->rows = NULL;
		}
		free(r->rows);
		free(r->by);
		free(r->file);
		free(r->sha);
		r->sha = report_json_str(a->details, "file_sha256");
		r->rows = report_json_str(a->details, "rows");
		r->by = report_json_str(a->details, "by");
		r->file = report_json_str(a->details, "file");
		r->seq = a->seq;
		/* when the table was received (import-annex --at), which decides 迟报; records
		 * from before that field was kept: when it was entered */
		received = report_json_str(a->details, "received");
		/* always written with its offset ("2017-07-10T12:00:00+08:00"), which needs no
		 * zone to read */
		if (received == NULL || strlen(received) != 25 ||
		    tz_parse_time(NULL, received, &r->at) != 0)
			r->at = a->clock_time;
		free(received);
		if (r->nearlier == 0)
			r->first_at = r->at;
	} else if (strcmp(a->action, "task.submit") == 0) {
		/* the hand-in: a table that handed the task in is followed by its submission
		 * in the same transaction; a later table that corrects it keeps its lateness */
		r->handin_late = report_submit_late(a);
	} else if (strcmp(a->action, "task.extend") == 0 &&
	           strstr(a->details, "\"hand_in_late\":false") != NULL) {
		/* a back-dated extension that covers the hand-in waiting for review: on time as
		 * of the new deadline, as the task and `status` say since (the 核对 is as
		 * printed, not as of the month's end) */
		r->handin_late = 0;
	} else if (strcmp(a->action, "task.flag") == 0) {
		char *kind = report_json_str(a->details, "kind");
		char *by = report_json_str(a->details, "by");

		c->flags = xgrow(c->flags, &c->capflags, c->nflags + 1, sizeof(*c->flags));
		c->flags[c->nflags].text = xasprintf("%s（%s 认定，第 %llu 号）", flag_word(kind),
		                                     by ? by : "?", (unsigned long long)a->seq);
		c->flags[c->nflags++].kind = kind ? kind : xstrdup("");
		free(by);
	} else if (strcmp(a->action, "task.unflag") == 0) {
		/* a flag withdrawn (flag --withdraw, the task page's 撤销此标记: review 11g, S15)
		 * no longer stands against the county in the 核对 */
		char *kind = report_json_str(a->details, "kind");

		for (size_t i = c->nflags; kind && i-- > 0;)
			if (strcmp(c->flags[i].kind, kind) == 0) {
				free(c->flags[i].kind);
				free(c->flags[i].text);
				memmove(&c->flags[i], &c->flags[i + 1], (c->nflags - i - 1) * sizeof(*c->flags));
				c->nflags--;
				break;
			}
		free(kind);
	}
	return 0;
}

int
report_annex_reported_get(struct store_txn *txn, const char *task,
                          struct report_annex_reported *out, struct dberr *e)
{
	struct reported_ctx c = {out, NULL, 0, 0, 0};
	struct buf b = BUF_INIT;
	int rc;

	memset(out, 0, sizeof(*out));
	out->handin_late = -1;
	rc = store_audit_task_each(txn, task, reported_cb, &c, e);
	for (size_t i = 0; i < c.nflags; i++) {
		buf_printf(&b, "%s%s", i ? "、" : "", c.flags[i].text);
		free(c.flags[i].kind);
		free(c.flags[i].text);
	}
	free(c.flags);
	if (rc == 0 && b.len)
		out->flags = buf_detach(&b);
	buf_release(&b);
	if (rc != 0)
		report_annex_reported_release(out);
	return rc;
}

void
report_annex_reported_release(struct report_annex_reported *r)
{
	free(r->rows);
	free(r->by);
	free(r->file);
	free(r->sha);
	free(r->flags);
	for (size_t i = 0; i < r->nearlier; i++)
		free(r->earlier[i].rows);
	free(r->earlier);
	memset(r, 0, sizeof(*r));
}

bool
report_submit_late(const struct store_audit *a)
{
	return strcmp(a->action, "task.submit") == 0 && strstr(a->details, "\"late\":true");
}

const char *
report_annex_late(const struct report_annex_reported *r, int64_t deadline)
{
	/* the county columns are the latest table and flags whenever the report is printed
	 * (docs/reports.md): a table handed in late says so, so that a past table whose
	 * county columns filled in later does not read as handed in on time; a correction
	 * of one handed in on time is no late report (review of issue 12, H1), as the
	 * accountability report, which reads the same hand-in, has it */
	if (r->seq == 0)
		return "";
	if (r->handin_late >= 0)
		return r->handin_late ? "，迟报" : "";
	return r->first_at > deadline ? "，迟报" : "";
}

size_t
report_tsv_fields(char *line, char **f, size_t max)
{
	size_t n = 0;

	while (n < max) {
		f[n++] = line;
		line = strchr(line, '\t');
		if (line == NULL)
			break;
		*line++ = '\0';
	}
	return n;
}

/* "；第 N 号所报基数 2、未启动 2，已更正": the figures of the first earlier table of the task
 * that differ from the latest one's, so that a correction never hides what the table on
 * record before it said (a county that under-reported on time and corrected it after the
 * dispatch, review12z, Z7). Nothing when no earlier table differs. */
static void
corrected(const struct report_annex_reported *rep, const unsigned long *latest,
          const char *const *what, struct buf *b)
{
	struct buf d = BUF_INIT;

	for (size_t i = 0; i < rep->nearlier && d.len == 0; i++) {
		char *line = xstrdup(rep->earlier[i].rows), *f[16];
		size_t nf;

		line[strcspn(line, "\n")] = '\0';
		nf = report_tsv_fields(line, f, 16);
		for (size_t k = 0; k < 8 && k + 1 < nf; k++) {
			unsigned long x = strtoul(f[k + 1], NULL, 10);

			if (x != latest[k])
				buf_printf(&d, "%s%s %lu", d.len ? "、" : "", what[k], x);
		}
		if (d.len)
			buf_printf(b, "；第 %llu 号所报%s，已更正", (unsigned long long)rep->earlier[i].seq,
			           buf_str(&d));
		free(line);
	}
	buf_release(&d);
}

int
report_annex3_check(struct store_txn *txn, const char *task, const unsigned *v, int *rbase,
                    int *status, char **check, struct dberr *e)
{
	/* the county's columns in the form's order, and dabiao's figure for each */
	static const char *const what[] = {"基数", "限期整改", "挂牌督办", "淘汰关闭",
	                                   "已完成清理", "整治中", "未启动", "逾期未完成"};
	static const int mine[] = {0, 1, 2, 3, 6, 5, 4, 7};
	unsigned long latest[8] = {0};
	struct report_annex_reported rep;
	struct store_task t;
	struct buf b = BUF_INIT;
	char *f[16];
	size_t nf;
	int rc;

	*rbase = -1;
	*status = REPORT_CHECK_NONE;
	*check = NULL;
	int64_t deadline;

	rc = store_task_get(txn, task, &t, e);
	if (rc == DB_ENOTFOUND) {
		dberr_clear(e); /* no table of this month is due from it: nothing to compare */
		return 0;
	}
	if (rc != 0)
		return rc;
	deadline = t.deadline;
	store_task_release(&t);
	if ((rc = report_annex_reported_get(txn, task, &rep, e)) != 0)
		return rc;
	if (rep.seq == 0) {
		/* handed in (a PDF on the web, `submit` on the command line) with no table read:
		 * the county's figures are missing, not its hand-in (review 11g, S14) */
		*status = REPORT_CHECK_MISSING;
		buf_puts(&b, rep.handin_late >= 0 ? REPORT_NO_TABLE : "未报送");
	} else {
		*status = REPORT_CHECK_AGREES;
		rep.rows[strcspn(rep.rows, "\n")] = '\0';
		nf = report_tsv_fields(rep.rows, f, 16);
		for (int k = 0; k < 8 && (size_t)k + 1 < nf; k++) {
			unsigned long x = strtoul(f[k + 1], NULL, 10);

			if (k == 0)
				*rbase = (int)x;
			latest[k] = x;
			if (x != v[mine[k]]) {
				buf_printf(&b, "%s%s 县报%lu/核算%u",
				           *status == REPORT_CHECK_DIFFERS ? "；" : "不一致：", what[k], x,
				           v[mine[k]]);
				*status = REPORT_CHECK_DIFFERS;
			}
		}
		buf_printf(&b, "%s（%s，第 %llu 号%s", *status == REPORT_CHECK_DIFFERS ? "" : "一致",
		           rep.by ? rep.by : "?", (unsigned long long)rep.seq,
		           report_annex_late(&rep, deadline));
		corrected(&rep, latest, what, &b);
		buf_puts(&b, "）");
	}
	if (rep.flags)
		buf_printf(&b, "；%s", rep.flags);
	*check = buf_detach(&b);
	report_annex_reported_release(&rep);
	return 0;
}
