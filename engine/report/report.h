/*
 * report.h - the reports a supervision detachment exchanges (seed 三、第五阶段 and 四):
 * Annex 3 (全州10个行业超标企业清理汇总表, one row per jurisdiction), Annex 4
 * (全区10个行业超标企业清理明细表, one row per listed enterprise) and the accountability
 * record (lapses, flags and warnings per jurisdiction and responsible person, each with the
 * audit sequence number that proves it). docs/reports.md lists every column and its source.
 *
 * A report is built as tables of typed cells inside one read transaction, then written by
 * one writer (table_out.c) as an aligned text table, CSV (UTF-8 with a BOM, CRLF, RFC 4180),
 * JSON or XLSX (libxlsxwriter). Every command's --format goes through this writer, listings
 * too long to hold (tasks, the audit trail) a chunk at a time (struct report_out), so the
 * formats mean the same everywhere; docs/output.md documents each table's field names.
 * Nothing here prints; errors go into struct dberr.
 */
#ifndef DABIAO_REPORT_H
#define DABIAO_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/outfile.h"
#include "engine/core/engine.h"

/* ---- tables and the writer (table_out.c) ---- */
enum report_cell_kind {
	REPORT_STR = 0,       /* text */
	REPORT_NUM,           /* a number: JSON number, XLSX number */
	REPORT_BOOL,          /* true/false */
	REPORT_NULL,          /* no value: s is shown in text and XLSX ("—"); CSV: an empty
	                         cell; JSON: null */
	REPORT_LIST,          /* strings: JSON array; joined by ", " elsewhere */
	REPORT_TIME,          /* an instant: RFC 3339 with its offset in JSON and CSV, shown
	                         "2017-07-03 10:00 +08:00" in text and XLSX (s is that form,
	                         the RFC 3339 one follows its NUL) */
};
struct report_cell {
	enum report_cell_kind kind;
	char *s;              /* STR, NULL: owned by the table; LIST: items, each ending '\n' */
	double n;             /* NUM; BOOL: 0 or 1 */
	int prec;             /* NUM: digits after the point (0 or 1) */
};

/* Column flags. */
#define REPORT_COL_WIDE 1u  /* left out of the text table (a terminal's width), kept elsewhere */

struct report_table {
	char *title;          /* the title row (text, XLSX), owned; "" for none */
	char *sheet;          /* worksheet name (at most 31 characters), owned */
	char *note;           /* a line under the table (as-of time, source), owned; may be NULL */
	char **head;          /* column headers, owned */
	char **keys;          /* JSON field names (ASCII), owned; NULL: the headers */
	char *name;           /* the table's JSON name when several are written together */
	unsigned *colflags;   /* REPORT_COL_* per column, owned; NULL: none */
	size_t ncols;
	struct report_cell *cells; /* row-major, nrows * ncols once complete; owned */
	size_t ncells, capcells;
	bool total_row;       /* the last row is a total: bold in XLSX */
	bool record;          /* one row, a record: JSON object, text "header: value" lines */
	char *unit;           /* 填报单位 under an XLSX table, owned; may be NULL (a blank) */
	char *date;           /* 填报日期, "2017年7月5日", owned; may be NULL (a blank) */
};

/* Starts an empty table with ncols headers (copied). Cannot fail. */
void report_table_init(struct report_table *t, const char *title, const char *sheet,
                       const char *const *head, size_t ncols);
/* Names the table and its columns for JSON (copied; keys has ncols entries; name may be
 * NULL). The names are a contract with scripts: docs/output.md lists them. Cannot fail. */
void report_table_keys(struct report_table *t, const char *name, const char *const *keys);
/* Sets REPORT_COL_* flags of column col. Cannot fail. */
void report_table_colflags(struct report_table *t, size_t col, unsigned flags);
/* Appends one cell to the current row (rows fill left to right): text s (copied; NULL or ""
 * is no value: JSON's null, an empty cell, docs/output.md); number n with prec digits after
 * the point; a boolean; no value, shown as `shown` (copied) where a format has no null; a
 * list of n strings (copied); the instant at in zone z. None can fail. */
void report_add_str(struct report_table *t, const char *s);
void report_add_num(struct report_table *t, double n, int prec);
void report_add_bool(struct report_table *t, bool v);
void report_add_null(struct report_table *t, const char *shown);
void report_add_list(struct report_table *t, const char *const *items, size_t n);
struct tz;
void report_add_time(struct report_table *t, const struct tz *z, int64_t at);
/* Complete rows so far (cells / columns). Cannot fail. */
size_t report_nrows(const struct report_table *t);
/* Drops the rows, keeping the columns (for writing a long listing in chunks). */
void report_table_clear_rows(struct report_table *t);
/* Frees everything t owns; t may be released twice. Cannot fail. */
void report_table_release(struct report_table *t);

enum report_format {
	REPORT_FMT_TABLE = 0, REPORT_FMT_CSV, REPORT_FMT_CSV_EXCEL, REPORT_FMT_XLSX,
	REPORT_FMT_JSON, REPORT_FMT_N
};
/* CSV_EXCEL ("csv-excel"): the CSV for a spreadsheet program, which would turn a code of
 * digits, leading zeros or a date into a number or a date; such a text cell is the text
 * formula ="..." (table_out.c, docs/output.md). CSV keeps every value as it is, for
 * scripts. Both mark a formula-looking text with an apostrophe. */
/* Parses s ("table", "csv", "csv-excel", "xlsx", "json") among the formats in allowed (a mask of
 * 1 << REPORT_FMT_*); DB_EUSAGE naming the allowed ones otherwise. */
int report_format_parse(const char *s, unsigned allowed, enum report_format *out,
                        struct dberr *e);
#define REPORT_FMT_MASK(f) (1u << (f))

/* A writer in progress: tables written as their rows come, a chunk at a time, so a listing
 * of a million tasks needs the memory of one chunk. TABLE fixes the column widths at a
 * table's first chunk (a longer cell later only pushes its own line). XLSX cannot stream:
 * report_write it. */
struct report_out {
	enum report_format f;
	FILE *fp;             /* standard output, or of.fp */
	struct outfile of;    /* --out FILE: written whole or not at all (outfile.h) */
	char *path;           /* NULL: standard output */
	size_t ntables;       /* as announced: JSON wraps several in an object by name */
	size_t table;         /* tables begun */
	size_t rows;          /* rows written of the current table */
	bool in_table;        /* a table's first chunk is written, its end not yet */
	size_t *w;            /* TABLE: widths of the current table */
	struct buf b;
};
/* Opens path (NULL: standard output) for ntables tables; a file is written whole or not at
 * all (outfile.h). DB_ECANTCREAT, DB_EUSAGE (XLSX). */
int report_out_open(struct report_out *o, enum report_format f, const char *path,
                    size_t ntables, struct dberr *e);
/* Writes t's rows so far and drops them (report_table_clear_rows); the first call for a
 * table writes its title and header row. Errors: -EPIPE when standard output's reader has
 * gone, DB_EIO for other failed writes. */
int report_out_rows(struct report_out *o, struct report_table *t, struct dberr *e);
/* Writes t's last rows and ends it (JSON's closing bracket, the text table's note).
 * Errors as report_out_rows'. */
int report_out_table_end(struct report_out *o, struct report_table *t, struct dberr *e);
/* Ends the output and closes the file (then in place of the one it replaces); always
 * releases o. Errors as report_out_rows' (a close that fails is DB_EIO, the file then
 * left as it was). */
int report_out_close(struct report_out *o, struct dberr *e);

/* Appends s for a terminal: each control character (C0, DEL, C1) as its visible picture
 * (␛ for ESC), a byte that is not UTF-8 as U+FFFD; line breaks kept when keep_lines.
 * Cannot fail. */
void report_terminal_text(struct buf *b, const char *s, bool keep_lines);

/* Writes whole tables to path (NULL: stdout; XLSX needs a path: DB_EUSAGE). XLSX puts each
 * table on its own worksheet: the title in row 1 (merged across, bold), the headers in row 2
 * (bold, bordered, frozen and repeated on every printed page), the data from row 3
 * (bordered), then, a row under the data, the 填报单位（盖章）and 填报人/审核人/联系电话/填报日期
 * lines, and the note two rows under those; A4 landscape, one page wide. CSV writes a BOM
 * once, then each table as its header row and data rows, tables separated by an empty line;
 * a text cell a spreadsheet would run as a formula (= + - @, tab, CR first) gets a leading
 * apostrophe, nothing else (docs/output.md); no value is an empty cell. JSON writes one
 * table as an array of objects (a record table as one object), several as an object of
 * such arrays by table name. A file is written whole or not at all (outfile.h; an XLSX is
 * made in memory first and read back whole, report_xlsx_bytes). A file that cannot be
 * created is DB_ECANTCREAT, a failed write DB_EIO (the file then as it was), a reader
 * gone -EPIPE. */
int report_write(const struct report_table *tables, size_t ntables, enum report_format f,
                 const char *path, struct dberr *e);

/* ---- Annex 3 and Annex 4 (annex.c) ---- */
/* Annex 3's layout, shared by `report annex3` and the monthly dispatch: an empty table with
 * its columns (title copied), and one row from v = {base, rectify-by-deadline,
 * listed-supervision, closure, not started, in progress, done, overdue} (8 counts; the
 * rate is computed). Neither can fail. */
void report_annex3_table(struct report_table *t, const char *title);
void report_annex3_row(struct report_table *t, const char *name, const unsigned *v);
/* The same table with the county's own figures beside them: 县市报送基数（家） (rbase < 0:
 * none) and 核对 (check: how the county's table differs, its flags; NULL "—"), the two cells
 * a row of it adds after report_annex3_row's. Cannot fail. */
void report_annex3_table_reported(struct report_table *t, const char *title);
void report_annex3_row_reported(struct report_table *t, int rbase, const char *check);
/* Annex 3 and Annex 4 of the month "YYYY-MM": the reports show each rectification task's
 * state at the month's last second in the plan's zone, replayed from the audit trail (the
 * last task.* record of the task with clock_time <= that instant gives its state; a task
 * created later does not count). plan may be NULL when the store holds one plan with an
 * enterprise clean-up milestone. Errors: DB_EUSAGE for a missing or bad month or when
 * several plans could be meant, DB_ENOTFOUND for an unknown plan or a plan without a
 * clean-up milestone, the store's. *out is initialised on success only; release it with
 * report_table_release.
 * annex3's by_industry: one row per industry of the plan (the seed's ten when it lists
 * none; an enterprise of an industry not listed counts under its id) instead of per
 * jurisdiction. */
int report_annex3(struct engine *en, const char *plan, const char *month, bool by_industry,
                  struct report_table *out, struct dberr *e);
int report_annex4(struct engine *en, const char *plan, const char *month,
                  struct report_table *out, struct dberr *e);
/* Annex 3's figures per jurisdiction as `report annex3 --month` has them (the state at the
 * month's end, or now when it has not ended), read inside the caller's txn: id[i] and v[i]
 * (as report_annex3_row takes them). Errors as report_annex3's. Release with
 * report_annex3_figures_release (also on error, harmless). */
struct report_annex3_figures {
	char **id;
	unsigned (*v)[9];
	size_t n;
};
int report_annex3_month_end(struct engine *en, struct store_txn *txn, const char *plan,
                            const char *month, struct report_annex3_figures *out,
                            struct dberr *e);
void report_annex3_figures_release(struct report_annex3_figures *f);
/* Annex 4's layout: an empty table with its columns. Cannot fail. */
void report_annex4_table(struct report_table *t, const char *title);

/* ---- the blank form a task hands in (form.c) ---- */
struct report_form {
	char *title;          /* "全州10个行业超标企业清理汇总表（2017年6月）": what a notice
	                         calls it (附件说明) */
	char *filename;       /* "附件3_全州10个行业超标企业清理汇总表_昌吉市_2017年6月.xlsx" */
	struct buf xlsx;      /* the workbook */
};
/* The form of task's milestone (`form:` annex3 or annex4), for its jurisdiction and the
 * period it covers, read inside txn: Annex 3 with the jurisdiction's row and every figure
 * blank, Annex 4 with a row per enterprise of the jurisdiction listed for clean-up (what
 * the registry says; state and completion date blank); 填报单位 and 填报日期 blank for the
 * county, a line saying by when and to whom. Returns 1 (out untouched) when the milestone
 * has no form, 0 with *out filled (release with report_form_release). Errors: DB_EIO, the
 * store's. */
int report_task_form(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                     const struct store_task *task, struct report_form *out, struct dberr *e);
/* Frees what f owns. Cannot fail. */
void report_form_release(struct report_form *f);
/* t as an XLSX workbook's bytes, appended to out (report_write's layout), made in memory
 * and read back whole (libxlsxwriter's temporary parts in TMPDIR cut short by a full
 * folder or a size limit are DB_EIO, never a workbook that does not open). Errors:
 * DB_EIO. */
int report_xlsx_bytes(const struct report_table *t, struct buf *out, struct dberr *e);

/* ---- accountability (accountability.c) ---- */
/* Lapses (task.lapse: 逾期未报 when the task is still in its deadline state at `to`, 逾期
 * when it left it), late submissions (task.submit with late), flags (task.flag: 瞒报, 谎报,
 * 漏报, with reasons) and conduct warnings (conduct.warning: 约谈预警, 限批预警) whose clock
 * time lies in [from, to], as out[0] (one row per record, with its audit sequence) and out[1]
 * (counts per jurisdiction and responsible person). plan (NULL: every plan's) keeps only
 * that plan's records: its tasks', and the warnings and voids of its rules. A sent warning
 * that counted an event voided by `to` says so in its row. Both initialised on success
 * only; release each with report_table_release. Errors: DB_EUSAGE for an unknown plan, the
 * store's. */
int report_accountability(struct engine *en, const char *plan, int64_t from, int64_t to,
                          struct report_table out[2], struct dberr *e);

/* ---- the deadlines as iCalendar (ics.c) ---- */
/* One all-day VEVENT per task of plans[0..nplans) (none: every plan's) whose subject or
 * jurisdiction is subject and whose owner role is role (NULL: any), with the engine's own
 * reminder instants as VALARMs: the command's --plan, the web's offices of some plans
 * (review 11f, Y3). *out is the RFC 5545 text (caller frees). Errors: DB_ENOTFOUND (no such
 * plan), DB_EUSAGE (none of those plans has the role), the store's. */
int report_calendar(struct engine *en, const char *const *plans, size_t nplans,
                    const char *subject, const char *role, char **out, struct dberr *e);

/* ---- helpers shared by the reports (annex.c) ---- */
/* The value of a top-level string member of a JSON object text as written by buf_json_str,
 * unescaped and xmalloc'd (caller frees); NULL when absent. Cannot fail. */
char *report_json_str(const char *json, const char *name);
/* Fills t's 填报单位 (the plan's issuer, else the configuration's; ep may be NULL) and
 * 填报日期 (the clock's local date). Cannot fail. */
void report_sign_lines(struct report_table *t, struct engine *en, const struct engine_plan *ep);
/* How tables name the bureau's own offices as a group (where a county's name stands): the
 * issuer's short name (州环保局, 市环保局: the plan's, else the configuration's; ep may be
 * NULL), else 本级部门; never one bureau's word for every plan. Cannot fail. */
const char *report_offices_label(struct engine *en, const struct engine_plan *ep);
/* The Chinese title of an industry id from the plan's `industries`, else the id. */
const char *report_industry_title(const struct plan *p, const char *id);
/* 限期整改 / 挂牌督办 / 淘汰关闭 for a measure id, else the id ("" for NULL). */
const char *report_measure_title(const char *id);

/* The registry as it was: every field change an import recorded (subject.update records,
 * {"changes":{"FIELD":[BEFORE,AFTER],...}}), so a report of a past moment names the
 * enterprise, its jurisdiction, industry, measure and responsible person as they were then,
 * whatever was imported since (docs/reports.md). Feed it the audit records in order. */
struct report_change {
	char *subject, *field, *before, *after; /* owned; before/after NULL: field absent */
	int64_t at;                             /* the record's clock time */
	size_t ord;                             /* the order it was noted in */
};
struct report_history {
	struct report_change *v;
	size_t n, cap;
};
/* Notes rec's changes when it is a subject.update record; ignores any other. Cannot fail. */
void report_history_note(struct report_history *h, const struct store_audit *rec);
/* Orders the changes for look-ups (by subject and field, each field's in the order noted):
 * call once after the last note, before report_history_at. Cannot fail. */
void report_history_seal(struct report_history *h);
/* The subject's field at clock time `at`: the last change up to `at` gives the value after
 * it, else the first change after `at` the value before it (what the registry said then);
 * *known false (and NULL returned) when no change of the field was recorded: the registry's
 * current value holds. The result may be NULL with *known true (the field was absent). */
const char *report_history_at(const struct report_history *h, const char *subject,
                              const char *field, int64_t at, bool *known);
/* A field of subject s (current registry, hs: s was found) as it was at `at`. */
const char *report_field_at(const struct report_history *h, const struct store_subject *s,
                            bool hs, const char *id, const char *field, int64_t at);
void report_history_release(struct report_history *h);
/* The plan versions a report names things by: a past table says what the version in force
 * then said (a milestone's or an industry's title renamed by a later `load`), its counts
 * and states the current version's. Versions are read and parsed once each, on demand. */
struct report_version {
	char *id;             /* plan id, owned */
	uint32_t version;
	int64_t loaded_at;    /* clock time of its load */
	struct plan *plan;    /* parsed, owned; NULL: could not be parsed (the current one's
	                         words are used) */
};
struct report_versions {
	struct report_version *v;
	size_t n, cap;
};
/* The version of ep's plan in force at clock time `at` (the last loaded at or before it;
 * ep's own when none is older or it cannot be read), for its words. *version its number.
 * Errors: none reach the caller (a version that cannot be read falls back to ep's). */
const struct plan *report_plan_at(struct report_versions *vs, struct store_txn *txn,
                                  const struct engine_plan *ep, int64_t at, uint32_t *version);
/* A milestone of the plan by id in p (or by the id it had before, renamed_from), else in the
 * current plan (m). Cannot fail. */
const struct plan_milestone *report_milestone_in(const struct plan *p,
                                                 const struct plan_milestone *m);
void report_versions_release(struct report_versions *vs);
/* The name of the plan's Annex 3 or Annex 4 table (form PLAN_FORM_ANNEX3/4): the title of
 * its first milestone with that `form`, without a trailing "（附件N）", so each bureau's
 * tables carry its own words (Changji: 全州10个行业超标企业清理汇总表); a plan without such a
 * milestone gets a name that claims no industries and no place (超标企业清理汇总表 /
 * 超标企业清理明细表, review12a P6). Caller frees. Cannot fail. */
char *report_form_name(const struct plan *p, int form);
/* The same for one milestone (its own form, its own title). Caller frees. */
char *report_milestone_form_name(const struct plan_milestone *m);
/* The annex label the plan gives its Annex 3 or 4 table, from the trailing "（附件N）" of
 * the form milestone's title ("附件3"; Foshan's "（附件1）": "附件1") into out (at most n
 * bytes), else "". It names the sheet and begins the file name ("附件1_…"); a plan that
 * numbers no annex gets neither a number of Changji's nor one made up. Cannot fail. */
void report_form_label(const struct plan *p, int form, char *out, size_t n);
/* The papers' word for the plan's jurisdictions, a column head and running text: the plan's
 * issuer.area, else defaults->area (the configuration's issuer; may be NULL), else 地区 —
 * never Changji's 县市、园区 for another bureau (review12a P6). Cannot fail. */
const char *report_area_word(const struct plan *p, const struct plan_issuer *defaults);
/* Sets the column head of a table's first column (Annex 3, accountability) or its second
 * (Annex 4) to that word. */
void report_table_area_head(struct report_table *t, size_t col, const char *word);
/* The sheet name of such a table: its label, else 汇总表 / 明细表. Caller frees. */
char *report_form_sheet(const struct plan *p, int form);
/* The plan's enterprise clean-up milestone (`rectification`, else the first `for: each
 * enterprise` milestone with a lifecycle of its own) whose states Annex 3/4 count, or NULL
 * when the plan has none. Cannot fail. */
const struct plan_milestone *report_cleanup_milestone(const struct plan *p);
/* A lifecycle state in words (已报送, 已退回, 已整改验收, 整治中 …), never its id. */
const char *report_state_title(const struct plan_lifecycle *lc, const char *state);

/* ---- the counties' own Annex 3/4 figures (annex_reported.c) ---- */
/* The milestone `for: each jurisdiction` whose tasks hand in form (PLAN_FORM_ANNEX3/4), or
 * NULL. Cannot fail. */
const struct plan_milestone *report_form_milestone(const struct plan *p, int form);
/* The key of the task of milestone m for jurisdiction jur whose table covers month y-mo (a
 * `covers: previous` milestone's task of the next month). Caller frees. Cannot fail. */
char *report_annex_task_key(const struct plan *p, const struct plan_milestone *m,
                            const char *jur, int y, int mo);
/* What a county reported for a task: its latest `annex.report` record (seq 0: none) and
 * the accountability flags raised on the task, in words. */
struct report_annex_reported {
	uint64_t seq;         /* the record; 0: nothing reported */
	int64_t at;           /* when the table was received (the record's `received`; a record
	                         from before that field: its clock time) */
	char *rows;           /* the table's rows, one a line, fields tab-separated, in the
	                         form's column order (docs/reports.md); owned */
	char *by, *file;      /* who reported it, from which file; owned */
	char *sha;            /* that file's sha256 (hex), NULL in older records; owned */
	char *flags;          /* "瞒报（监测监察科 认定，第 N 号）、…", NULL: none; owned */
	int handin_late;      /* the task's latest hand-in (`task.submit`, a table that handed
	                         it in included) was late: 1, in time (or made so by a back-dated
	                         extension since): 0, none on record: -1 */
	int64_t first_at;     /* when the task's first table was received */
	struct report_annex_earlier {
		uint64_t seq;     /* an earlier table of the task, replaced by a later one */
		char *rows;       /* its rows, as rows above; owned */
	} *earlier;           /* first to last; owned */
	size_t nearlier;
};
/* Reads it inside txn through the audit log's task index. Errors: the store's. Release
 * with report_annex_reported_release (also on error, harmless). */
int report_annex_reported_get(struct store_txn *txn, const char *task,
                              struct report_annex_reported *out, struct dberr *e);
void report_annex_reported_release(struct report_annex_reported *r);
/* Whether the audit record a is a late hand-in (迟报): a `task.submit` whose details say
 * `"late":true`, as the lifecycle decided when it was handed in (received after the
 * deadline then in force, docs/plan-format.md). The one rule the 核对 of Annex 3/4 and the
 * accountability report read, so that they agree. Cannot fail. */
bool report_submit_late(const struct store_audit *a);
/* "，迟报" when the task's hand-in was late (report_submit_late of its latest hand-in), else
 * "": said after the record's number in a 核对. A table that corrects one handed in on time
 * is not late, whenever it came; a table with no hand-in on record (a store from before
 * the table was the hand-in) is late when the task's first table was received after
 * deadline (the task's, UTC). Cannot fail. */
const char *report_annex_late(const struct report_annex_reported *r, int64_t deadline);
/* 核对 of an Annex 3 row: the county's table for task against dabiao's figures v (as
 * report_annex3_row takes them). *status: REPORT_CHECK_NONE (no such task: the table is
 * not owed, *check NULL), _MISSING (owed, not reported: "未报送"; handed in without a
 * table read: REPORT_NO_TABLE), _AGREES ("一致（WHO，第 N
 * 号）"), _DIFFERS ("不一致：基数 县报2/核算3；…（WHO，第 N 号）"), "，迟报" after N for a
 * late hand-in (report_annex_late), "；第 M 号所报基数 2，已更正" when an earlier table of
 * the task gave other figures; the task's flags after it;
 * *rbase the county's base number, -1 when none. *check xmalloc'd. Errors: the store's. */
enum { REPORT_CHECK_NONE = 0, REPORT_CHECK_MISSING, REPORT_CHECK_AGREES, REPORT_CHECK_DIFFERS };
/* The 核对 of a task handed in without a table that was read (a PDF alone): _MISSING. */
#define REPORT_NO_TABLE "已报送，未附可读取的表格"
int report_annex3_check(struct store_txn *txn, const char *task, const unsigned *v, int *rbase,
                        int *status, char **check, struct dberr *e);
/* Splits one line of such rows in place into at most max fields. Returns their number. */
size_t report_tsv_fields(char *line, char **f, size_t max);

#endif
