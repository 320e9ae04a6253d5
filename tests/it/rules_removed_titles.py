"""A lapse of a milestone that a later version removed is named by the title the version
that made the task gave it, in the conduct warning sent to the county and in the
accountability report, never by the task's key (review 10d, M-2). The county was told the
task is withdrawn, yet its lapse, which happened while the task was live, keeps counting
(docs/plan-format.md, "Plan versions"). Expected values worked out by hand (Asia/Shanghai,
no calendar: no date shifts)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_plan, county_registry,  # noqa: E402
                       county_task)

PLAN = county_plan("rt", "标题测试", [
    county_task("x", "甲事项", "2017-03-01", "submit_to: bureau"),
    county_task("y", "乙事项", "2017-03-11", "submit_to: bureau")],
    offices=[("bureau", "州环保局")], rules="conduct:\n"
    "  - {lapses: 2, within: 30d, kind: interview-warning, notify: [county], of: [lapse]}\n")
V2 = "\n".join(ln for ln in PLAN.split("\n") if "{id: x," not in ln)
REG = county_registry([("a", "甲县")], offices=("bureau",))

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T00:00:00+08:00")
st.ok("load", st.write("v1.yaml", PLAN))
st.ok("import", st.write("reg.yaml", REG))
# x lapses at 03-02 00:00; version 2 (without x) on 03-05 cancels the overdue task
st.ok("advance", "--to", "2017-03-05T10:00:00+08:00")
out = st.ok("load", st.write("v2.yaml", V2))
check("tasks cancelled                                            1" in out, out)
# y lapses at 03-12 00:00: two lapses within 30 days, the warning at 03-12 09:00
st.ok("advance", "--to", "2017-03-13T10:00:00+08:00")
w = [m for m in st.mails() if m["X-Dabiao-Kind"] == "interview-warning"]
eq(len(w), 1, "one interview warning")
body = w[0].get_body().get_content()
check("rt/x/a/once" not in body, f"no task key in the warning:\n{body}")
check("甲事项，截止时间2017年3月1日（星期三）24时，逾期" in body,
      f"the removed milestone's lapse by its version-1 title and deadline:\n{body}")
check("乙事项，截止时间2017年3月11日（星期六）24时，逾期" in body, body)
rep = st.ok("report", "accountability", "--from", "2017-03-01", "--to", "2017-03-31")
# the detail table's row of x's lapse: the owner role as 责任人 (not the subject id) and
# the matter by its title (the task column keeps the key, as for every row)
row = [ln.split() for ln in rep.splitlines() if "rt/x/a/once" in ln and "转为已取消" in ln]
eq([r[:5] for r in row], [["甲县", "县环保局", "逾期", "甲事项", "rt/x/a/once"]],
   f"x's lapse named by its title in the report:\n{rep}")
# m-6: the removed milestone's id still finds its tasks; an id no version had does not
eq([(t["key"], t["state"]) for t in st.tasks("--milestone", "x")],
   [("rt/x/a/once", "cancelled")], "tasks --milestone x after version 2 removed x")
rc, _, err = st.run("tasks", "--milestone", "w")
eq(rc, 64, f"an id no version had is refused: {err}")
st.cleanup()
done("a removed milestone's lapses are named by the title of the version that made them; "
     "its id still finds its tasks")
