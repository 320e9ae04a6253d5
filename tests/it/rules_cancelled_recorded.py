"""A lapse of a task that a later version cancelled keeps counting (docs/plan-format.md),
so it stays open to 补录 like any lapse (review 10e, M-E): a hand-in received before the
deadline and found after the milestone was removed is recorded (`submit --at`), the task
stays cancelled, the lapse is voided (the proposal that counted it is withdrawn below its
rule) and `report accountability` shows the row as 补录. A hand-in after the deadline, or a
cancelled task that never lapsed, is refused as before. Values worked out by hand
(Asia/Shanghai; March 2017 has no holidays)."""
import csv
import io
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_plan, county_task,  # noqa: E402
                       county_registry)

RULES = """\
conduct:
  - {lapses: 2, within: 90d, kind: interview-warning, notify: [county], decide: [leader]}
"""
B = county_task("b", "乙表", "2017-03-10")
A = county_task("a", "甲表", "2017-03-10")
REG = county_registry([("j", "甲县")], ["leader"])


def plan(*milestones):
    return county_plan("cr", "撤销补录测试", milestones, [("leader", "局领导")], RULES)

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T10:00:00+08:00")
st.ok("load", st.write("v1.yaml", plan(B, A)))
st.ok("import", st.write("r.yaml", REG))
# a and b lapse Fri 03-10 23:59:59: proposal 1 (2 lapses) on Sat 03-11 09:00
st.ok("advance", "--to", "2017-03-13T10:00:00+08:00")
eq([(w["state"], w["count"]) for w in json.loads(st.ok("warnings", "--format", "json"))],
   [("proposed", 2)], "proposal 1")
st.ok("load", st.write("v2.yaml", plan(B)))
eq({t["key"]: t["state"] for t in st.tasks()}["cr/a/j/once"], "cancelled", "v2 cancels a")
# a hand-in after the deadline is no 补录: refused as for any cancelled task
code, _, err = st.run("submit", "cr/a/j/once", "--by", "张三", "--at", "2017-03-11T10:00:00+08:00")
eq(code, 65, f"late: refused ({err.strip()})")
# the paper report of Fri 03-10 10:00, found on Mon 03-13
out = st.ok("submit", "cr/a/j/once", "--by", "张三", "--at", "2017-03-10T10:00:00+08:00")
eq(out.strip(), "cr/a/j/once: submit -> cancelled", "recorded; the task stays cancelled")
eq([(w["state"], w["voided"]) for w in json.loads(st.ok("warnings", "--format", "json"))],
   [("withdrawn", ["cr/a/j/once"])], "the proposal that counted it is withdrawn (1 left of 2)")
rec = [json.loads(ln)["record"] for ln in st.ok("audit", "--task", "cr/a/j/once", "--format",
                                                  "jsonl").splitlines()]
sub = [json.loads(r["details"]) for r in rec if r["action"] == "task.submit"]
eq([(d["voids_lapse"], d["received_at"], d["task_cancelled"]) for d in sub],
   [(True, "2017-03-10T10:00:00+08:00", True)], "the trail says what was recorded")
code, _, err = st.run("submit", "cr/a/j/once", "--by", "张三", "--at", "2017-03-10T11:00:00+08:00")
eq(code, 65, f"once: the lapse is voided already ({err.strip()})")
out = st.ok("report", "accountability", "--from", "2017-03-01", "--to", "2017-03-31",
            "--format", "csv")
rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff").split("\n\n")[0])))[1:]
eq(sorted((r[4], r[2]) for r in rows), [("cr/a/j/once", "补录"), ("cr/b/j/once", "逾期未报")],
   "a's row is 补录, b's still a lapse")
st.cleanup()
done("a lapse of a cancelled task can be voided by a hand-in recorded afterwards")
