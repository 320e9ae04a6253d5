"""Review 10f, F2: an incomplete hand-in recorded afterwards (补录) is judged by when it was
received, as the same hand-in recorded at once would have been. Without `correction` it
was incomplete at the deadline: the lapse stands as it was (no void, no second lapse, no
word to the deciders), as for the county that recorded the same hand-in at once. With
`correction: 2wd` the correction period counts from its receipt, not from its recording:
it voids the lapse and the task owes the rest by then. Worked by hand (Asia/Shanghai;
March 2017 has no holidays)."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_plan, county_registry,  # noqa: E402
                       county_task)

PLAN = county_plan("ir", "补录不全测试", [
    county_task("a", "甲报告", "2017-03-10", "requires: [x, y]"),
    county_task("b", "乙报告", "2017-03-10", "requires: [x, y], correction: 2wd")],
    offices=[("lead", "局领导")], rules="""\
conduct:
  - {kind: interview-warning, of: [lapse], lapses: 1, within: 90d, notify: [county], decide: [lead]}
""")


def task(key):
    return {t["key"]: t for t in st.tasks()}[key]


def trail(action, key):
    recs = [json.loads(ln)["record"] for ln in st.ok("audit", "--format", "jsonl").splitlines()]
    return [r for r in recs if r["action"] == action and r["task"] == key]


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T10:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", county_registry([("j", "甲县"), ("k", "乙县")],
                                                   offices=("lead",))))
st.ok("advance", "--to", "2017-03-09T10:00:00+08:00")
st.ok("submit", "ir/a/j/once", "--by", "张三", "--sections", "x")   # 甲县: recorded at once
st.ok("advance", "--to", "2017-03-13T10:00:00+08:00")   # both lapse 03-10 23:59:59
w0 = {w["id"]: w["state"] for w in json.loads(st.ok("warnings", "--format", "json"))}
n0 = len([m for m in st.mails() if m["X-Dabiao-Kind"] == "candidates"])

# 乙县 handed in the same incomplete report on 03-09 10:00; recorded on 03-13
out = st.ok("submit", "ir/a/k/once", "--by", "李四", "--sections", "x", "--at",
            "2017-03-09T10:00:00+08:00")
check("-> overdue" in out, f"the task stays lapsed: {out}")
eq([(task(k)["state"], task(k)["due_date"]) for k in ("ir/a/j/once", "ir/a/k/once")],
   [("overdue", "2017-03-10"), ("overdue", "2017-03-10")],
   "the same hand-in, recorded at once or afterwards: the same lapse")
eq(len(trail("task.lapse", "ir/a/k/once")), 1, "one lapse, not a second at the recording")
sub = [json.loads(r["details"]) for r in trail("task.submit", "ir/a/k/once")]
check(len(sub) == 1 and "voids_lapse" not in sub[0], f"nothing voided: {sub}")
eq({w["id"]: w["state"] for w in json.loads(st.ok("warnings", "--format", "json"))}, w0,
   "the warnings stand as they were")
eq(len([m for m in st.mails() if m["X-Dabiao-Kind"] == "candidates"]), n0,
   "the deciders are told nothing")

# b: correction 2wd from the receipt, Thu 03-09: Fri 03-10, Mon 03-13 -> 03-13 23:59:59,
# past the deadline 03-10: the lapse is voided; from the recording it would be 03-15
out = st.ok("submit", "ir/b/k/once", "--by", "李四", "--sections", "x", "--at",
            "2017-03-09T10:00:00+08:00")
t = task("ir/b/k/once")
eq((t["state"], t["due_date"]), ("incomplete", "2017-03-13"),
   "correction counted from the receipt: owes the rest by 03-13")
st.ok("advance", "--to", "2017-03-14T10:00:00+08:00")
eq(task("ir/b/k/once")["state"], "overdue", "missed the correction period: lapsed 03-13")
st.cleanup()
done("an incomplete hand-in recorded afterwards is judged as of its receipt")
