"""A conduct rule added by a later version counts the events from that version's load on,
not the lapses before it, even inside its window (review10g G9; docs/plan-format.md "A
rule added by a later version").

Worked out by hand (Asia/Shanghai): version 1 has no conduct rule; 甲县 lapses 甲表 and 乙表
(due Friday 2017-03-10) at 03-11 00:00. Version 2, loaded Saturday 04-01, adds {lapses: 2,
within: 90d}. 丙表 (due Thursday 04-20) lapses 04-21 00:00: one event, no warning; 丁表 (due
Saturday 04-22) lapses 04-23 00:00: the second, and the rule warns the same morning at
09:00 with those two only."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, done, county_plan, county_task, county_registry  # noqa: E402,E501

MS = [county_task(m, t, d) for m, t, d in (("a", "甲表", "2017-03-10"), ("b", "乙表", "2017-03-10"),
                                           ("c", "丙表", "2017-04-20"), ("d", "丁表", "2017-04-22"))]
RULE = "conduct:\n  - {lapses: 2, within: 90d, kind: interview-warning, notify: [hq]}\n"
st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T00:00:00+08:00")
st.ok("load", st.write("v1.yaml", county_plan("nr", "新增规则", MS, offices=[("hq", "支队")])))
st.ok("import", st.write("r.yaml", county_registry([("j1", "甲县")], offices=("hq",))))
st.ok("advance", "--to", "2017-04-01T10:00:00+08:00")
st.ok("load", st.write("v2.yaml", county_plan("nr", "新增规则", MS, offices=[("hq", "支队")],
                                              rules=RULE)))
st.ok("advance", "--to", "2017-04-22T10:00:00+08:00")
eq(json.loads(st.ok("warnings", "--format", "json")), [],
   "丙表's lapse alone: the lapses before the rule are not among its events")
st.ok("advance", "--to", "2017-04-30T10:00:00+08:00")
w = json.loads(st.ok("warnings", "--format", "json"))
eq([(x["count"], sorted(x["tasks"]), x["at"][:16]) for x in w],
   [(2, ["nr/c/j1/once", "nr/d/j1/once"], "2017-04-23T09:00")],
   "丁表 makes the second: one warning naming the two since the rule")
done("a rule added by a later version counts from that version on")
