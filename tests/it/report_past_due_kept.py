"""A past Annex 4 keeps the time limits it had (review12z, Z14): July's table printed on 08-05
and again after an August re-import that gives 91652323MA77AQUU8C a new rectify_by
(2017-07-31 -> 2017-09-30) and an extension of 91652324MA7FM1Q87N to 2017-10-31 is the
same table; 整改时限 was the task's due date of the day it was printed. August's table, not
ended, shows the new dates. The Changji plan and registry on a virtual clock."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq, src  # noqa: E402

MOVED, EXTENDED = "91652323MA77AQUU8C", "91652324MA7FM1Q87N"
st = Store()
st.changji("2017-08-05T10:00:00+08:00")


def report(month, fmt="csv"):
    return st.run_bytes("report", "annex4", "--month", month, "--format", fmt)


def due(month, code):
    return [x for x in json.loads(report(month, "json")) if x["credit_code"] == code][0]["rectify_by"]


july = report("2017-07")
eq((due("2017-07", MOVED), due("2017-07", EXTENDED)), ("2017-07-31", "2017-07-31"),
   "July's time limits on 08-05")
with open(src("workflows", "changji-registry.yaml"), encoding="utf-8") as f:
    reg = f.read()
i = reg.index(f"id: {MOVED}")
j = reg.index("rectify_by: 2017-07-31", i)
reg = reg[:j] + "rectify_by: 2017-09-30" + reg[j + len("rectify_by: 2017-07-31"):]
st.ok("advance", "--to", "2017-08-10T10:00:00+08:00")
out = st.ok("import", st.write("reg2.yaml", reg))
check("2017-07-31 -> 2017-09-30" in out, f"the registry moved the time limit: {out}")
st.ok("extend", f"changji-2017/rectification/{EXTENDED}/once", "--to", "2017-10-31", "--by",
      "支队长李", "--reason", "冬季停产，延期验收")
eq(report("2017-07"), july, "July's Annex 4 is the same table after the re-import and extension")
eq((due("2017-08", MOVED), due("2017-08", EXTENDED)), ("2017-09-30", "2017-10-31"),
   "August's, not ended, shows the new time limits")
# the lapse the re-import lifted says so in the accountability report, with its record, as an
# extension does (review12z, Z15)
rows = [r for r in json.loads(st.ok("report", "accountability", "--format", "json"))["records"]
        if r["task"] == f"changji-2017/rectification/{MOVED}/once"]
seq = [r for r in st.records() if r["action"] == "task.redate" and MOVED in r["task"]]
check(seq and len(rows) == 1 and rows[0]["kind"] == "逾期" and
      f"登记册更新将截止日期由 2017-07-31 调整为 2017-09-30（审计第 {seq[-1]['seq']} 号），不再逾期"
      in rows[0]["reason"], f"the registry's move said: {rows}")
done("a past Annex 4 keeps its time limits; a lapse lifted by a re-import says so")
