"""Review 10g, G10: with two plans (two bureaus) in one store, `report accountability
--plan ID` and `warnings --plan ID` keep one plan's records: its tasks' lapses, its rules'
warnings. An unknown plan is a usage error (64) naming --plan and the loaded plans. Worked
by hand (Asia/Shanghai, notify_at 09:00; March 2017 has no holidays)."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_plan, county_registry,  # noqa: E402
                       county_task)

RULE = """\
conduct:
  - {lapses: 1, within: 90d, kind: interview-warning, notify: [hq]}
"""
PA = county_plan("pa", "甲局计划", [county_task("a", "甲表", "2017-03-10")],
                 offices=[("hq", "支队")], rules=RULE)
PB = county_plan("pb", "乙局计划", [county_task("b", "乙表", "2017-03-20"),
                                   county_task("c", "丙表", "2017-03-20")],
                 offices=[("hq", "支队")])

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T10:00:00+08:00")
st.ok("load", st.write("a.yaml", PA))
st.ok("load", st.write("b.yaml", PB))
st.ok("import", st.write("r.yaml", county_registry([("j", "甲县")], offices=("hq",))))
# pa's 甲表 lapses 03-11 00:00 (a warning at 09:00); pb's 乙表 and 丙表 lapse 03-21 00:00
st.ok("advance", "--to", "2017-03-22T10:00:00+08:00")


def acc(*args):
    return json.loads(st.ok("report", "accountability", "--format", "json", *args))


eq(sorted(r["task"] or "" for r in acc("--plan", "pa")["records"]), ["", "pa/a/j/once"],
   "pa: its lapse and its warning")
eq(sorted(r["task"] or "" for r in acc("--plan", "pb")["records"]), ["pb/b/j/once", "pb/c/j/once"],
   "pb: its two lapses, no warning")
eq([(r["missed"], r["total"]) for r in acc("--plan", "pb")["summary"]], [(2, 2)],
   "pb's summary counts pb's lapses only")
eq(sorted(r["missed"] for r in acc()["summary"]), [0, 3], "without --plan: both plans")
eq([w["plan"] for w in json.loads(st.ok("warnings", "--plan", "pa", "--format", "json"))],
   ["pa"], "warnings --plan pa")
eq(json.loads(st.ok("warnings", "--plan", "pb", "--format", "json")), [],
   "warnings --plan pb: none")
for cmd in (("report", "accountability"), ("warnings",)):
    rc, _, err = st.run(*cmd, "--plan", "pc")
    eq(rc, 64, f"{' '.join(cmd)} --plan pc: usage")
    check("--plan" in err and "pa, pb" in err, f"the message names --plan and the plans: {err}")
st.cleanup()
done("accountability and warnings take --plan")
