"""Extensions at the edges (review of issue 12): an extension to the task's current due date
gives no time and is refused (65, nothing recorded, no notice); a back-dated extension is
shown in the accountability period that holds its record even when the lapse it follows
lies in an earlier period (a row of its own, counted in no summary column), and once only,
inside the lapse's row, when the period holds both. An extension that lifts the lapse (its
new due date still ahead) says so in the lapse's row, with the new due date, and no
hand-in wording: nothing was handed in (review 12c, N1)."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

PLAN = """\
plan: ex
title: 展期测试
timezone: Asia/Shanghai
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  supervision: {title: 监察支队}
phases:
  - id: p
    title: 阶段
    milestones:
      - id: t
        title: 汇总表
        owner: county_epb
        for: each jurisdiction
        submit_to: supervision
        due: {every: 1 month, day: 5, from: 2017-07, until: 2017-07}
      - id: r
        title: 年度报告
        owner: county_epb
        for: each jurisdiction
        submit_to: supervision
        due: 2017-12-02
"""
REG = """\
jurisdictions:
  - {id: a, name: 甲县, kind: county, email: [a@x.example]}
offices:
  supervision: [s@x.example]
"""
st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-06-01T00:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG))


records = st.records


# an extension to the same due date: refused, nothing recorded, nothing queued
n0, files0 = len(records()), st.outbox()
rc, out, err = st.run("extend", "ex/r/a/once", "--to", "2017-12-02", "--by", "支队长",
                      "--reason", "无")
eq(rc, 65, f"an extension that gives no time is bad data: {err}")
check("2017-12-02" in err and "gives none" in err, f"and says so: {err}")
eq(len(records()), n0, "nothing recorded")
eq(st.outbox(), files0, "no notice")
st.ok("extend", "ex/r/a/once", "--to", "2017-12-04", "--by", "支队长", "--reason", "材料补充")

# the July table is due 07-05 (Wednesday) 23:59:59 and lapses at 07-06 00:00; on 07-20 the
# detachment records an extension to 07-15 it had agreed earlier
st.ok("advance", "--to", "2017-07-20T10:00:00+08:00")
lapse = [r for r in records() if r["action"] == "task.lapse" and r["task"] == "ex/t/a/2017-07"]
eq(len(lapse), 1, "the July table lapsed once")
eq(lapse[0]["clock_time"], 1499270400, "at 2017-07-06 00:00 +08:00")
st.ok("extend", "ex/t/a/2017-07", "--to", "2017-07-15", "--by", "支队长", "--reason", "系统故障",
      "--backdate")
ext = [r for r in records() if r["action"] == "task.extend" and r["task"] == "ex/t/a/2017-07"][0]

# the period of the extension's record, not of the lapse: a row of its own
acc = json.loads(st.ok("report", "accountability", "--from", "2017-07-10", "--to", "2017-07-31",
                       "--format", "json"))
rows = [r for r in acc["records"] if r["task"] == "ex/t/a/2017-07"]
eq(len(rows), 1, f"the back-dated extension is listed in the period of its record: {acc}")
if rows:
    eq(rows[0]["kind"], "事后补记的展期", "as an extension recorded after the fact")
    eq(rows[0]["audit_seq"], ext["seq"], "proved by the extension's own record")
    eq(rows[0]["reason"],
       "展期：2017-07-20 10:00 +08:00 支队长 将截止日期由 2017-07-05 延至 2017-07-15"
       f"（事后补记的展期），理由：系统故障；所补记的是此前的逾期（审计第 {lapse[0]['seq']} 号）",
       "when, who, from and to, why, and the lapse it follows")
eq(acc["summary"], [], "no lapse, flag or warning in that period: nothing to count")

# the period with both: the lapse's row says it, once; no row of its own
acc = json.loads(st.ok("report", "accountability", "--from", "2017-07-01", "--to", "2017-07-31",
                       "--format", "json"))
rows = [r for r in acc["records"] if r["task"] == "ex/t/a/2017-07"]
# the extension moved the deadline to 07-15, itself past on 07-20: the task stays overdue
eq([r["kind"] for r in rows], ["逾期未报"], "one row: the lapse, still not handed in")
check("展期：2017-07-20 10:00 +08:00 支队长" in rows[0]["reason"], f"said in it: {rows[0]}")
# the period of the lapse only: the extension is not yet on record then
acc = json.loads(st.ok("report", "accountability", "--from", "2017-07-01", "--to", "2017-07-09",
                       "--format", "json"))
eq([(r["kind"], "展期" in r["reason"]) for r in acc["records"] if r["task"] == "ex/t/a/2017-07"],
   [("逾期未报", False)], "before the extension was recorded: missed, no extension")
# an extension that lifts the lapse: on 07-10 12:00 the July table (lapsed 07-06 00:00) is
# extended to 07-15, still ahead, so the task is open again; once back-dated, once plainly
for backdate in (True, False):
    s2 = Store()
    s2.ok("init", "--clock", "virtual", "--now", "2017-06-01T00:00:00+08:00")
    s2.ok("load", s2.write("p.yaml", PLAN))
    s2.ok("import", s2.write("r.yaml", REG))
    s2.ok("advance", "--to", "2017-07-10T12:00:00+08:00")
    s2.ok("extend", "ex/t/a/2017-07", "--to", "2017-07-15", "--by", "支队长", "--reason", "系统故障",
          *(["--backdate"] if backdate else []))
    acc = json.loads(s2.ok("report", "accountability", "--from", "2017-07-01", "--to", "2017-07-31",
                           "--format", "json"))
    rows = [r for r in acc["records"] if r["task"] == "ex/t/a/2017-07"]
    mark = "（事后补记）" if backdate else ""
    eq([(r["kind"], r["reason"]) for r in rows],
       [("逾期", "截止 2017-07-05 23:59 +08:00；展期：2017-07-10 12:00 +08:00 支队长 将截止日期由 "
                 f"2017-07-05 延至 2017-07-15{'（事后补记的展期）' if backdate else ''}，理由：系统故障；"
                 f"2017-07-10 12:00 +08:00 展期{mark}后不再逾期，新截止日期 2017-07-15")],
       f"the lapse, lifted by the extension, with its new due date (backdate={backdate})")
    for r in rows:
        check("转为" not in r["reason"] and "报送时间" not in r["reason"],
              f"no hand-in wording, no empty blank: {r}")
done("extensions at the edges")
