"""A correction recorded in a later period than what it voids (issue 10's minors): each
period's accountability report reads as things were recorded by its end — made again after
the correction it is the same, byte for byte, as the one signed then — and the report of the
period that holds the correction names, by audit number, everything it voids:
- a back-dated extension (`extend --backdate`) recorded in May that covers a late hand-in
  of April, whose lapse was in March: May's row of its own says the lapse no longer counts
  and that its 补报 is no 迟报; April's 迟报 row gives the deadline it was late for (03-10),
  not the one the extension set since (it read "截止 04-10, 04-05 提交" as 迟报);
- the warning sent in March that counted that lapse: May's report has a row of its own
  (约谈预警（依据撤销）) saying when the warning was sent and what was voided when, counted
  in no column; the warning's tasks are named in words (milestone, period, jurisdiction).
Worked by hand (Asia/Shanghai, notify_at 09:00): 甲表 and 乙表 due 03-10 lapse 03-11 00:00;
the interview rule (2 lapses) sends its warning 03-11 09:00."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_plan, county_registry,  # noqa: E402
                       county_task)

PLAN = county_plan("lv", "事后更正测试", [
    county_task("a", "甲表", "2017-03-10"), county_task("b", "乙表", "2017-03-10")],
    offices=[("hq", "支队")], rules="""\
conduct:
  - {lapses: 2, within: 90d, kind: interview-warning, of: [lapse], notify: [hq]}
""")
A, B = "lv/a/j/once", "lv/b/j/once"
MARCH, APRIL, MAY = (("2017-03-01", "2017-03-31"), ("2017-04-01", "2017-04-30"),
                     ("2017-05-01", "2017-05-31"))

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T10:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", county_registry([("j", "甲县")], offices=("hq",))))
st.ok("advance", "--to", "2017-04-05T10:00:00+08:00")
st.ok("submit", B, "--by", "张三")                      # 乙表 handed in late, in April


def report(period=None, fmt="json"):
    args = ["report", "accountability", "--format", fmt]
    if period:
        args += ["--from", period[0], "--to", period[1]]
    return st.ok(*args)


def seq(action, task=None):
    recs = [json.loads(line)["record"] for line in st.ok("audit", "--format", "jsonl").splitlines()]
    return [r["seq"] for r in recs if r["action"] == action and (task is None or r["task"] == task)]


april = json.loads(report(APRIL))
eq([(r["kind"], r["task"], r["reason"]) for r in april["records"]],
   [("迟报", B, "截止 2017-03-10 23:59 +08:00，2017-04-05 10:00 +08:00 提交")],
   "April: 乙表's 迟报, late for 03-10")
before = {p: report(p, "csv") for p in (MARCH, APRIL)}

st.ok("advance", "--to", "2017-05-05T10:00:00+08:00")
st.ok("extend", B, "--to", "2017-04-10", "--by", "支队长", "--reason", "3月9日已同意延期",
      "--backdate")
for p in (MARCH, APRIL):
    eq(report(p, "csv"), before[p], f"the report of {p[0]}..{p[1]} made again reads the same")

lapse_b, late_b = seq("task.lapse", B)[0], seq("task.submit", B)[0]
warn, void = seq("conduct.warning")[0], seq("conduct.void")[0]
may = json.loads(report(MAY))
rows = {r["kind"]: r for r in may["records"]}
eq(sorted(rows), ["事后补记的展期", "约谈预警（依据撤销）"], f"May: two rows: {may['records']}")
ext = rows["事后补记的展期"]["reason"]
check(ext.endswith(f"所补记的是此前的逾期（审计第 {lapse_b} 号）；补报在展期内，所记逾期不予计算，"
                   f"其补报（审计第 {late_b} 号）不作迟报"), f"the extension's row: {ext}")
w = rows["约谈预警（依据撤销）"]
eq((w["jurisdiction"], w["matter"], w["task"], w["audit_seq"], w["time"]),
   ("甲县", "公开约谈", None, void, "2017-05-05T10:00:00+08:00"),
   "the warning's row: at its void")
eq(w["reason"], f"此前发出的约谈预警（2017-03-11 09:00 +08:00，审计第 {warn} 号），依据：甲表（甲县）、"
   f"乙表（甲县）；2017-05-05 10:00 +08:00 依据中乙表（甲县）的逾期因事后补记的展期撤销，余1项，"
   f"不足预警标准（审计第 {void} 号）", "when it was sent, what was voided when, in words")
eq(may["summary"], [], "May counts nothing: no lapse, flag or warning of its own")

# March, the warning's own period: named in words, no mark (the void came later)
march = json.loads(report(MARCH))
eq([(r["task"], r["reason"]) for r in march["records"] if r["kind"] == "约谈预警"],
   [(None, "依据：甲表（甲县）、乙表（甲县）")], "March: the warning as sent")

# the whole trail: 乙表's lapse voided in its own row, the warning marked in its own
whole = json.loads(report())
kinds = sorted((r["kind"], r["task"] or "") for r in whole["records"])
eq(kinds, [("事后补记的展期", B), ("约谈预警", ""), ("逾期未报", A)],
   "the whole trail: one row per fact")
st.cleanup()
done("a later correction: earlier reports read as then, the later one names what it voids")
