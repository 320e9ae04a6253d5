"""The conduct rules' edges (docs/plan-format.md, "conduct"): lapses exactly `within` apart
count together (the window is measured on the events' instants, both ends included, not
back from the 09:00 evaluation); two different flags on one task (谎报, then 瞒报) count
once and are both named in the warning, whose subject says what the events are; `within` in
working days is refused at its FILE:LINE:COLUMN. Expected values worked out by hand."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_plan, county_registry,  # noqa: E402
                       county_task)

PLAN = county_plan("ce", "边界测试", [
    county_task("x", "甲事项", "2017-03-01", "submit_to: bureau"),
    county_task("y", "乙事项", "2017-03-11", "submit_to: bureau"),
    county_task("z", "丙事项", "2017-04-28", "submit_to: bureau")],
    offices=[("bureau", "州环保局")], rules="conduct:\n"
    "  - {lapses: 2, within: 10d, kind: interview-warning, notify: [county], of: [lapse]}\n"
    "  - {lapses: 3, within: 30d, kind: approval-restriction-warning, notify: [county]}\n")
REG = county_registry([("a", "甲县")], offices=("bureau",))

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T00:00:00+08:00")
st.ok("load", st.write("ce.yaml", PLAN))
st.ok("import", st.write("reg.yaml", REG))
# x lapses at 03-02 00:00:00, y at 03-12 00:00:00: exactly ten days apart.
st.ok("advance", "--to", "2017-03-13T10:00:00+08:00")
w = [m for m in st.mails() if m["X-Dabiao-Kind"] == "interview-warning"]
eq([(m["X-Dabiao-Scheduled"][:16], sorted(m.get_all("X-Dabiao-Task"))) for m in w],
   [("2017-03-12T09:00", ["ce/x/a/once", "ce/y/a/once"])],
   "two lapses exactly within: 10d apart warn together at the next 09:00")
check("逾期情况的约谈预警" in str(w[0]["Subject"]), f"lapses only: {w[0]['Subject']}")

# 谎报 at 10:00, 瞒报 at 11:00 on z (handed in first: a flag needs a hand-in, review 10e
# m-F): two facts.
st.ok("submit", "ce/z/a/once", "--by", "甲县")
st.ok("flag", "ce/z/a/once", "--kind", "falsified", "--by", "zhidui", "--reason", "数据不实")
st.ok("advance", "--to", "2017-03-13T11:00:00+08:00")
st.ok("flag", "ce/z/a/once", "--kind", "concealed", "--by", "zhidui", "--reason", "隐瞒超标")
st.ok("advance", "--to", "2017-03-14T10:00:00+08:00")
new = [m for m in st.mails() if "warning" in m["X-Dabiao-Kind"] and
       m["X-Dabiao-Scheduled"].startswith("2017-03-14")]
# the restriction rule (lapses and flags, 3 in 30d): x's and y's lapses and z's flags, one
# count for z: 3 at 03-14 09:00. The interview rule counts lapses only: nothing new.
eq([m["X-Dabiao-Kind"] for m in new], ["approval-restriction-warning"],
   "the restriction rule warns on the morning after the flags, the interview rule not")
ar = new[0].get_body().get_content()
check("共有3项" in ar and "丙事项，截止时间2017年4月28日（星期五）24时，被登记为瞒报、谎报" in ar,
      f"z counts once, both its flags named: {ar}")
check("逾期和被登记问题情况的限批预警" in str(new[0]["Subject"]),
      f"its subject names both kinds: {new[0]['Subject']}")
import json  # noqa: E402
ws = json.loads(st.ok("warnings", "--format", "json"))
eq(sorted(sorted(w["whys"]) for w in ws),
   [["concealed+falsified", "lapse", "lapse"], ["lapse", "lapse"]], "warnings' whys")

# within in working days: refused where it is written (line 9, after "  - {lapses: 2, within: ")
bad = PLAN.replace("within: 10d", "within: 3wd").replace("plan: ce", "plan: cw")
path = st.write("cw.yaml", bad)
rc, _, err = st.run("load", path)
eq(rc, 65, f"within: 3wd is refused: {err}")
check(err.startswith(f"{path}:9:25: error: within '3wd'") and "calendar days" in err,
      f"at FILE:LINE:COLUMN, saying why: {err}")
st.cleanup()
done("conduct edges: inclusive window on the events, both flags, no wd window")
