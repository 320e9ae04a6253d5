"""`tasks --state` takes every state the engine gives a task, not only the plans' lifecycle
states (review 10e, m-C): `cancelled` (a milestone a version removed) and `not-applicable`
(the periods of a recurring milestone that ended before a late subject was known) were
refused as unknown (64), though `tasks` prints them and docs/plan-format.md names them.
A state no lifecycle and no engine rule has is still refused, the list naming both kinds."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, county_plan, county_task, county_registry  # noqa: E402,E501

TABLE = county_task("table", "月报", "{every: 1 month, day: 20, from: 2017-02, until: 2017-06}",
                    "submit_to: supervision")
SUMMARY = county_task("summary", "年度总结", "2017-12-01", "submit_to: supervision")
OFFICES = [("supervision", "监察支队")]
PLAN = county_plan("ws", "状态测试", [TABLE, SUMMARY], offices=OFFICES)
REG_A = county_registry([("a", "甲县")], offices=("supervision",))
REG_AB = county_registry([("a", "甲县"), ("b", "乙县")], offices=("supervision",))

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-01-01T10:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG_A))
st.ok("advance", "--to", "2017-04-25T10:00:00+08:00")
# 乙县 is found on 04-25: February, March and April (due 02-20, 03-20, 04-20) ended before
# it was known and are not owed; May (due 05-20) is
st.ok("import", st.write("r2.yaml", REG_AB))
# version 2 drops the annual summary: both counties' summary tasks are cancelled
st.ok("load", st.write("p2.yaml", county_plan("ws", "状态测试", [TABLE], offices=OFFICES)))


def keys(state):
    rc, out, err = st.run("tasks", "--state", state, "--format", "json")
    eq(rc, 0, f"tasks --state {state} is accepted: {err}")
    return sorted(t["key"] for t in json.loads(out)) if rc == 0 else None


eq(keys("cancelled"), ["ws/summary/a/once", "ws/summary/b/once"],
   "the removed milestone's two tasks")
eq(keys("not-applicable"), ["ws/table/b/2017-02", "ws/table/b/2017-03", "ws/table/b/2017-04"],
   "乙县's three months before it was known")
eq(keys("overdue"), ["ws/table/a/2017-02", "ws/table/a/2017-03", "ws/table/a/2017-04"],
   "a lifecycle state still filters as before")

rc, _, err = st.run("tasks", "--state", "canceled")
eq(rc, 64, "a state nobody gives is refused")
check("cancelled" in err and "not-applicable" in err and "overdue" in err,
      f"the refusal lists the lifecycle's states and the engine's: {err}")
help_text = st.ok("help", "tasks")
check("cancelled" in help_text and "not-applicable" in help_text,
      "help tasks names the engine's states")

st.cleanup()
done("tasks --state cancelled and not-applicable list those tasks")
