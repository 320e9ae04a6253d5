"""Annex 3 (清理汇总表) and Annex 4 (清理明细表) as of a month's end: five listed
enterprises in two counties are started, verified and closed at chosen virtual times, one
misses its time limit; the July and August tables, both produced after September's events,
show each month's state (replayed from the audit trail), not today's. The figures are
checked by hand here, in the text table, the CSV (BOM, CRLF, Python's csv) and the XLSX
(openpyxl: the same numbers, Chinese title and headers)."""
import csv
import io
import os
import subprocess
import sys

import openpyxl

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import BIN, Store, eq, check, done  # noqa: E402

PLAN = """\
plan: ra
title: 附件测试计划
timezone: Asia/Shanghai
notify_at: "09:00"
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  enterprise: {title: 企业, per: enterprise}
  supervision: {title: 州环境监察支队}
lifecycles:
  rectification:
    initial: listed
    states: [listed, rectifying, verified, closed, overdue]
    final: [verified, closed]
    events:
      start: {listed: rectifying}
      verify: {rectifying: verified, overdue: verified}
      close: {listed: closed, rectifying: closed, overdue: closed}
    deadline: {from: [listed, rectifying], to: overdue}
phases:
  - id: p
    title: 清理整治
    milestones:
      - id: rectification
        title: 超标企业限期整改
        owner: enterprise
        for: each enterprise
        where: {listed: true}
        submit_to: supervision
        lifecycle: rectification
        due: {field: rectify_by}
"""

E1, E2, E3 = "91652301MA74H957X2", "91652323MA77AQUU8C", "91652325MA785GKQ8T"
E4, E5, E6 = "91652327MA7ACARC1P", "91652328MA7RBRHX65", "91652302MA7YL9TY26"
# a (甲县): E1 限期整改, E2 挂牌督办, E3 淘汰关闭 (time limit 07-15, missed);
# b (乙县): E4 and E5 限期整改; E6 is not in the clean-up list and never counts.
REG = f"""\
jurisdictions:
  - {{id: a, name: 甲县, kind: county, email: [a@x.example]}}
  - {{id: b, name: 乙县, kind: county, email: [b@x.example]}}
enterprises:
  - {{id: {E1}, name: 甲一钢铁（样例）, jurisdiction: a, industry: steel, listed: true,
     measure: rectify-by-deadline, rectify_by: 2017-09-30, responsible_unit: 甲县环保局,
     responsible_person: 张伟, attrs: {{pollutants: "颗粒物、SO2", reason: 脱硫设施老化}}}}
  - {{id: {E2}, name: 甲二水泥（样例）, jurisdiction: a, industry: cement, listed: true,
     measure: listed-supervision, rectify_by: 2017-09-29, responsible_unit: 甲县环保局,
     responsible_person: 李强}}
  - {{id: {E3}, name: 甲三煤业（样例）, jurisdiction: a, industry: coal, listed: true,
     measure: closure, rectify_by: 2017-07-14, responsible_unit: 甲县环保局,
     responsible_person: 刘洋}}
  - {{id: {E4}, name: 乙一造纸（样例）, jurisdiction: b, industry: paper, listed: true,
     measure: rectify-by-deadline, rectify_by: 2017-08-15, responsible_unit: 乙县环保局,
     responsible_person: 陈静}}
  - {{id: {E5}, name: 乙二污水（样例）, jurisdiction: b, industry: sewage-treatment,
     listed: true, measure: rectify-by-deadline, rectify_by: 2017-09-29,
     responsible_unit: 乙县环保局, responsible_person: 赵磊}}
  - {{id: {E6}, name: 乙三热电（样例）, jurisdiction: b, industry: thermal-power,
     listed: false}}
offices:
  supervision: [s@x.example]
  admin: [admin@x.example]
"""


def task(code):
    return f"ra/rectification/{code}/once"


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-06-20T00:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG))


def at(when, *events):
    st.ok("advance", "--to", when)
    for code, ev in events:
        st.ok("event", task(code), ev, "--by", "测试")


at("2017-06-25T10:00:00+08:00", (E1, "start"))
at("2017-07-10T10:00:00+08:00", (E1, "verify"), (E2, "start"))
at("2017-07-20T10:00:00+08:00", (E4, "start"))      # E3 went overdue on 07-14 23:59:59
eq(st.tasks("--subject", E3)[0]["state"], "overdue", "E3 missed its time limit")
at("2017-08-05T10:00:00+08:00", (E3, "close"))
at("2017-08-10T10:00:00+08:00", (E4, "verify"))
at("2017-08-31T23:59:00+08:00", (E5, "close"))      # one minute before August ends
at("2017-09-01T00:00:30+08:00", (E2, "verify"))     # 30 s into September: not August's

# By hand. Columns: base, 限期整改, 挂牌督办, 淘汰关闭, done, in progress, not started,
# overdue, rate.
# July's end: a: E1 verified, E2 rectifying, E3 overdue; b: E4 rectifying, E5 listed.
JULY = {"甲县": [3, 1, 1, 1, 1, 1, 0, 1, 33.3],
        "乙县": [2, 2, 0, 0, 0, 1, 1, 0, 0.0],
        "合计": [5, 3, 1, 1, 1, 2, 1, 1, 20.0]}
# August's end: a: E1 verified, E2 still rectifying (verified only in September), E3
# closed; b: E4 verified, E5 closed (at 23:59 on the 31st).
AUG = {"甲县": [3, 1, 1, 1, 2, 1, 0, 0, 66.7],
       "乙县": [2, 2, 0, 0, 2, 0, 0, 0, 100.0],
       "合计": [5, 3, 1, 1, 4, 1, 0, 0, 80.0]}
HEAD = ["地区", "超标企业基数（家）", "限期整改（家）", "挂牌督办（家）", "淘汰关闭（家）",
        "已完成清理（家）", "整治中（家）", "未启动（家）", "逾期未完成（家）", "完成率（%）",
        "县市报送基数（家）", "核对"]

for month, want in (("2017-07", JULY), ("2017-08", AUG)):
    # the text table
    out = st.ok("report", "annex3", "--month", month)
    check(out.startswith(f"超标企业清理汇总表（{month}）"), f"title: {out[:80]}")
    # the figures; the county's own (县市报送基数, 核对) are "—": this plan asks for no table
    rows = {ln.split()[0]: ln.split()[1:10] for ln in out.splitlines()
            if ln.split() and ln.split()[0] in want}
    for name, nums in want.items():
        got = [float(x) for x in rows.get(name, [])]
        eq(got, [float(x) for x in nums], f"{month} table row {name}")
    # CSV: BOM, CRLF, RFC 4180
    csvf = st.path(f"a3-{month}.csv")
    st.ok("report", "annex3", "--month", month, "--format", "csv", "--out", csvf)
    raw = open(csvf, "rb").read()
    check(raw.startswith(b"\xef\xbb\xbf"), "CSV starts with a UTF-8 BOM")
    check(b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b""), "CSV lines end in CRLF")
    recs = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    eq(recs[0], HEAD, f"{month} CSV header")
    got = {r[0]: [float(x) for x in r[1:10]] for r in recs[1:]}
    # reported_base is null (an empty CSV cell, docs/output.md), check the text "—"
    eq({r[0]: r[10:] for r in recs[1:]}, {k: ["", "—"] for k in want},
       f"{month} CSV: no county's own table is owed in this plan")
    eq(got, {k: [float(x) for x in v] for k, v in want.items()}, f"{month} CSV rows")
    # the same CSV on stdout (bytes: the helper's text mode would translate CRLF)
    so = subprocess.run([BIN, "--db", st.db, "report", "annex3", "--month", month,
                         "--format", "csv"], capture_output=True, check=True).stdout
    eq(so, raw, f"{month} CSV on stdout is the file's bytes")
    # XLSX
    xf = st.path(f"a3-{month}.xlsx")
    st.ok("report", "annex3", "--month", month, "--format", "xlsx", "--out", xf)
    ws = openpyxl.load_workbook(xf).worksheets[0]
    eq(ws.title, "汇总表", "sheet name: the plan numbers no annex (review12a P6)")
    eq(ws["A1"].value, f"超标企业清理汇总表（{month}）",
       "XLSX title row: a plan without form: annex3 gets a name claiming no industries, no place")
    check(ws["A1"].font.bold and ws["B2"].font.bold, "title and headers are bold")
    eq([c.value for c in ws[2]], HEAD, f"{month} XLSX headers")
    got = {}
    for r in ws.iter_rows(min_row=3, max_row=5, values_only=True):
        got[r[0]] = [round(float(x), 1) for x in r[1:10]]
        check(all(isinstance(x, (int, float)) for x in r[1:10]), f"numbers stay numbers: {r}")
    eq(got, {k: [float(x) for x in v] for k, v in want.items()}, f"{month} XLSX rows")

# Annex 4 for August: one row per listed enterprise, jurisdiction then credit code
xf = st.path("a4.xlsx")
st.ok("report", "annex4", "--month", "2017-08", "--format", "xlsx", "--out", xf)
ws = openpyxl.load_workbook(xf).worksheets[0]
eq(ws["A1"].value, "超标企业清理明细表（2017-08）", "Annex 4 title")
head = [c.value for c in ws[2]]
eq(head, ["序号", "地区", "企业名称", "统一社会信用代码", "行业", "主要污染物", "超标原因",
          "清理措施", "整改时限", "月末状态", "完成日期", "责任单位", "责任人", "核对"],
   "Annex 4 headers")
rows = [r for r in ws.iter_rows(min_row=3, values_only=True) if r[0] is not None
        and isinstance(r[0], (int, float))]
eq([r[3] for r in rows], [E1, E2, E3, E4, E5], "five listed enterprises, E6 left out")
by = {r[3]: r for r in rows}
eq(list(by[E1][1:11]), ["甲县", "甲一钢铁（样例）", E1, "钢铁", "颗粒物、SO2", "脱硫设施老化",
                        "限期整改", "2017-09-30", "已整改验收", "2017-07-10"], "E1's row")
eq(by[E2][9], "整治中", "E2 is still rectifying at August's end (verified in September)")
eq((by[E3][7], by[E3][8], by[E3][9], by[E3][10]), ("淘汰关闭", "2017-07-14", "已淘汰关闭",
                                                  "2017-08-05"), "E3 closed after its lapse")
eq(by[E5][9], "已淘汰关闭", "E5 closed a minute before the month ended")
eq((by[E4][11], by[E4][12]), ("乙县环保局", "陈静"), "responsible unit and person")
eq(by[E4][4], "造纸", "industry in Chinese")
# July's Annex 4 in CSV: E3 overdue, E5 not started
_, so, _ = st.run("report", "annex4", "--month", "2017-07", "--format", "csv", check=0)
recs = {r[3]: r for r in csv.reader(io.StringIO(so.lstrip("\ufeff"), newline=""))}
eq(recs[E3][9], "逾期未完成", "July: E3 overdue")
eq(recs[E5][9], "未启动", "July: E5 not started")
# one CSV rule (docs/output.md): only a formula is marked; a date is written as it is
eq(recs[E1][10], "2017-07-10", "July: E1's completion date, with no apostrophe")

# before anything was imported: June 1st has no tasks, and the base is 0
out = st.ok("report", "annex3", "--month", "2017-05")
check(any(ln.split()[:2] == ["合计", "0"] for ln in out.splitlines()),
      f"no task existed in May: {out}")
# usage errors
eq(st.run("report", "annex3", "--month", "2017-13")[0], 64, "bad month")
eq(st.run("report", "annex3", "--month", "2017-07", "--format", "xlsx")[0], 64,
   "xlsx needs --out")
eq(st.run("report", "annex3", "--month", "2017-07", "--plan", "nope")[0], 64, "unknown plan: a usage error")
eq(st.run("report", "annex9", "--month", "2017-07")[0], 64, "unknown report")
st.cleanup()
done("Annex 3 and 4 as of each month's end, in table, CSV and XLSX")
