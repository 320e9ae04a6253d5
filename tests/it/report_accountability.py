"""The accountability record (seed 四（二）): two counties' reports lapse, one is handed in
late, the other never; an enterprise misses its time limit; a concealment flag is raised;
both counties earn an interview warning. Every row names its jurisdiction and responsible
person, and its audit sequence number is the record of `dabiao audit` that proves it.
--from/--to keep only the records of those days."""
import csv
import io
import json
import os
import sys

import openpyxl

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

PLAN = """\
plan: ac
title: 问责测试
timezone: Asia/Shanghai
notify_at: "09:00"
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  enterprise: {title: 企业, per: enterprise}
  supervision: {title: 监察支队}
  monitoring: {title: 监测监察科}
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
conduct:
  - {lapses: 2, within: 90d, kind: interview-warning, notify: [county_epb, supervision]}
accountability: {notify: [monitoring]}
phases:
  - id: p
    title: 阶段
    milestones:
      - id: report
        title: 评估报告
        owner: county_epb
        for: each jurisdiction
        submit_to: supervision
        due: 2017-05-10
      - id: rectification
        title: 超标企业限期整改
        owner: enterprise
        for: each enterprise
        where: {listed: true}
        lifecycle: rectification
        due: {field: rectify_by}
"""
E1 = "91652301MA74H957X2"
REG = f"""\
jurisdictions:
  - {{id: a, name: 甲县, kind: county, email: [a@x.example]}}
  - {{id: b, name: 乙县, kind: county, email: [b@x.example]}}
enterprises:
  - {{id: {E1}, name: 甲一钢铁, jurisdiction: a, industry: steel, listed: true,
     measure: rectify-by-deadline, rectify_by: 2017-05-19, responsible_person: 张伟}}
offices:
  supervision: [s@x.example]
  monitoring: [m@x.example]
  admin: [admin@x.example]
"""
TA, TB, TE = "ac/report/a/once", "ac/report/b/once", f"ac/rectification/{E1}/once"

st = Store()
# the plan is there more than its grace (10wd) before its first dues, which have no
# reminders: its tasks are ordinary ones, not late arrivals (docs/plan-format.md, fair start)
st.ok("init", "--clock", "virtual", "--now", "2017-04-01T00:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG))
st.ok("advance", "--to", "2017-05-12T10:00:00+08:00")     # both reports lapsed 05-10 24:00
st.ok("submit", TA, "--by", "甲县环保局")                   # a hands in late
st.ok("advance", "--to", "2017-05-15T10:00:00+08:00")
st.ok("flag", TB, "--kind", "concealed", "--by", "监测监察科", "--reason", "瞒报超标企业2家")
st.ok("advance", "--to", "2017-05-25T10:00:00+08:00")     # E1 lapsed 05-19; warnings 05-16, 05-20

# the audit trail, as `dabiao audit` shows it
audit = {}
for line in st.ok("audit", "--format", "jsonl").splitlines():
    r = json.loads(line)
    r = r.get("record", r)
    audit[r["seq"]] = r

out = st.ok("report", "accountability", "--format", "csv")
tables = out.lstrip("\ufeff").split("\n\n")
eq(len(tables), 2, "two tables: details and summary")
detail = list(csv.reader(io.StringIO(tables[0])))
eq(detail[0], ["地区", "责任人", "类别", "事项", "任务", "说明", "时间", "审计序号"],
   "detail headers")
rows = [tuple(r) for r in detail[1:]]
got = sorted((r[0], r[1], r[2], r[4]) for r in rows)
want = sorted([
    # lapsed, then handed in: not 未报, and one row, not a second one for the late hand-in
    ("甲县", "县环保局", "逾期", TA),
    # a rectification is not "reported": it was not completed
    ("甲县", "张伟（甲一钢铁）", "逾期未完成", TE),
    ("甲县", "—", "约谈预警", ""),
    ("乙县", "县环保局", "逾期未报", TB),
    ("乙县", "县环保局", "瞒报", TB),
    ("乙县", "—", "约谈预警", ""),
])
eq(got, want, "one row per lapse (handed in late or not), flag and warning, by who answers")
late = [r for r in rows if r[4] == TA][0]
check("补报" in late[5], f"the lapse's row says when it was handed in: {late[5]}")

# each row's sequence is the record that proves it
action = {"逾期": "task.lapse", "逾期未报": "task.lapse", "逾期未完成": "task.lapse",
          "迟报": "task.submit",
          "瞒报": "task.flag", "约谈预警": "conduct.warning"}
seqs = []
for r in rows:
    seq = int(r[7])
    seqs.append(seq)
    rec = audit.get(seq)
    check(rec is not None, f"sequence {seq} is in the audit trail")
    if rec is None:
        continue
    eq(rec["action"], action[r[2]], f"row {r[:3]}: audit record {seq}'s action")
    if r[2] != "约谈预警":
        eq(rec["task"], r[4], f"row {r[:3]}: audit record {seq}'s task")
    else:
        eq(rec["subject"], {"甲县": "a", "乙县": "b"}[r[0]], f"warning {seq}'s jurisdiction")
        eq(json.loads(rec["details"])["lapses"], [TB] if r[0] == "乙县" else [TA, TE],
           f"warning {seq}'s tasks")
    if r[2] == "瞒报":
        check("瞒报超标企业2家" in r[5] and "监测监察科" in r[5], f"flag reason and who: {r[5]}")
        eq(json.loads(rec["details"])["reason"], "瞒报超标企业2家", "the flag's recorded reason")
    if r[2] == "约谈预警":
        # in words, as its letter names them (review10j R5): matter and whose
        eq(r[5], "依据：评估报告（乙县）" if r[0] == "乙县" else "依据：评估报告（甲县）、超标企业限期整改（甲一钢铁）",
           "the warning names the lapses behind it, in words")
# within one jurisdiction and person, rows follow the trail
for a, b in zip(rows, rows[1:]):
    if a[0] == b[0] and a[1] == b[1]:
        check(int(a[7]) < int(b[7]), f"sequences increase: {a[7]} then {b[7]}")
eq(len(set(seqs)), len(seqs), "no record counted twice")

# the summary: counts per jurisdiction and person, with the same sequences
summary = list(csv.reader(io.StringIO(tables[1])))
# 合计 counts lapses and flags; the warnings they led to stand in their own columns after it
eq(summary[0], ["地区", "责任人", "逾期未办结", "逾期", "迟报", "瞒报", "谎报", "漏报",
                "合计", "约谈预警", "限批预警", "工作预警", "审计序号"], "summary headers")
srows = {(r[0], r[1]): r[2:] for r in summary[1:]}
eq(srows[("甲县", "县环保局")][:9], ["0", "1", "0", "0", "0", "0", "1", "0", "0"],
   "a's department: one lapse, counted once")
eq(srows[("乙县", "县环保局")][:9], ["1", "0", "0", "1", "0", "0", "2", "0", "0"], "b's department")
eq(srows[("甲县", "张伟（甲一钢铁）")][:9], ["1", "0", "0", "0", "0", "0", "1", "0", "0"], "E1's 责任人")
eq(srows[("乙县", "—")][6:8], ["0", "1"], "b's interview warning: not added into 合计")
# one CSV rule (docs/output.md): only a formula is marked; a list of numbers is as it is
check(all(r[12] and r[12][0].isdigit() for r in summary[1:]),
      f"sequence lists are written as they are: {[r[12] for r in summary[1:]]}")
eq(sorted(int(x) for r in summary[1:] for x in r[12].lstrip("'").split(",")), sorted(seqs),
   "the summary cites the same records")

# --from/--to: only 05-15 (the flag) and 05-16 (b's warning at 09:00)
out = st.ok("report", "accountability", "--from", "2017-05-15", "--to", "2017-05-16",
            "--format", "csv")
d = list(csv.reader(io.StringIO(out.lstrip("\ufeff").split("\n\n")[0])))
eq(sorted(r[2] for r in d[1:]), ["瞒报", "约谈预警"], "the period keeps its own records")
# a lapse read in a period that ends before the late submission is still 未报
out = st.ok("report", "accountability", "--to", "2017-05-11", "--format", "csv")
d = list(csv.reader(io.StringIO(out.lstrip("\ufeff").split("\n\n")[0])))
eq(sorted((r[0], r[2]) for r in d[1:]), [("乙县", "逾期未报"), ("甲县", "逾期未报")],
   "on 05-11 neither report was in")

# XLSX: two sheets
xf = st.path("acc.xlsx")
st.ok("report", "accountability", "--format", "xlsx", "--out", xf)
wb = openpyxl.load_workbook(xf)
eq(wb.sheetnames, ["问责明细", "问责汇总"], "two worksheets")
eq(wb["问责明细"]["A1"].value, "问责记录明细表", "title")
xs = sorted(int(r[7]) for r in wb["问责明细"].iter_rows(min_row=3, values_only=True)
            if isinstance(r[7], (int, float)))
eq(xs, sorted(seqs), "XLSX sequences are numbers and the same")
# the text table names the command that proves a row
out = st.ok("report", "accountability")
check("问责记录明细表" in out and "dabiao audit prove" in out, out[:200])
eq(st.run("report", "accountability", "--month", "2017-05")[0], 64, "--month is not for it")
eq(st.run("report", "accountability", "--from", "May")[0], 64, "bad date")
st.cleanup()
done("accountability: lapses, late, flag and warnings per jurisdiction and person, with "
     "audit sequences")
