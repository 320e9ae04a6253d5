"""A hand-in received before the deadline and recorded after the lapse AND after the task
was given time again (an extension, a registry's new rectify_by) voids that lapse as
"Recorded afterwards" says (review10g G1): before, it was accepted as in time (late:false)
while its lapse kept counting (the warning, the report's 逾期 row).

Worked out by hand (Asia/Shanghai): 甲报告 due Friday 2017-03-10 lapses 03-11 00:00 and
the rule (1 lapse) warns 甲县 on 03-11 09:00; on Monday 03-13 the detachment extends it to
03-20 (open again), then records the hand-in received 03-10 10:00. An enterprise's
rectification due 03-21 (rectify_by) lapses 03-22 00:00; the county's new sheet on 03-23
gives 04-20 (open again); its report received 03-20 10:00 is recorded on 03-24."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_plan, county_task,  # noqa: E402
                       county_registry, enterprise_plan, E1)

RULES = "conduct:\n  - {lapses: 1, within: 30d, kind: interview-warning, notify: [hq]}\n"
st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T00:00:00+08:00")
st.ok("load", st.write("p.yaml", county_plan("ny", "补录测试", [
    county_task("a", "甲报告", "2017-03-10", "submit_to: hq, remind: [-2d]")],
    offices=[("hq", "支队")], rules=RULES)))
st.ok("import", st.write("r.yaml", county_registry([("j1", "甲县")], offices=("hq",))))
st.ok("advance", "--to", "2017-03-13T12:00:00+08:00")
K = "ny/a/j1/once"
eq([w["tasks"] for w in json.loads(st.ok("warnings", "--format", "json"))], [[K]],
   "甲县 warned on 03-11 for the lapse")
st.ok("extend", K, "--to", "2017-03-20", "--by", "支队长", "--reason", "延期")
st.ok("submit", K, "--by", "甲县", "--at", "2017-03-10T10:00:00+08:00")
t = [x for x in st.tasks() if x["key"] == K][0]
eq((t["state"], t["late"]), ("submitted", False), "received in time: not late")
sub = [json.loads(r["details"]) if isinstance(r["details"], str) else r["details"]
       for r in st.records() if r["action"] == "task.submit"]
eq([(x.get("voids_lapse"), x.get("received_at")) for x in sub],
   [(True, "2017-03-10T10:00:00+08:00")], "the record says the lapse was no lapse")
eq([w["voided"] for w in json.loads(st.ok("warnings", "--format", "json"))], [[K]],
   "the warning that counted it records it as voided")
rep = json.loads(st.ok("report", "accountability", "--from", "2017-03-01", "--to",
                       "2017-03-31", "--format", "json"))
rows = [(r["kind"], r["reason"]) for r in rep["records"] if r["task"] == K]
eq([k for k, _ in rows], ["补录"], f"the lapse's row is 补录: {rows}")
check(rows and rows[0][1].endswith("所记逾期不予计算"), f"{rows}")

# the registry's new date instead of an extension
EP = enterprise_plan("rg", "整改", [
    "{id: rect, title: 整改, owner: enterprise, for: each enterprise, "
    "due: {field: rectify_by}, remind: [-3d]}"], rules=RULES.replace("notify: [hq]",
                                                                     "notify: [enterprise]"))


def sheet(d):
    return ("id,name,jurisdiction,industry,rectify_by,email\n"
            f"{E1},甲钢铁,aa,steel,{d},e1@x.example\n")


s2 = Store()
s2.ok("init", "--clock", "virtual", "--now", "2017-03-01T00:00:00+08:00")
s2.ok("load", s2.write("p.yaml", EP))
s2.ok("import", s2.write("r.yaml", county_registry([("aa", "甲县")])))
s2.ok("import", s2.write("e.csv", sheet("2017-03-21")))
s2.ok("advance", "--to", "2017-03-23T10:00:00+08:00")
R = f"rg/rect/{E1}/once"
s2.ok("import", s2.write("e2.csv", sheet("2017-04-20")))
eq([x["state"] for x in s2.tasks() if x["key"] == R], ["open"], "the new date opens it again")
s2.ok("advance", "--to", "2017-03-24T10:00:00+08:00")
s2.ok("submit", R, "--by", "甲钢铁", "--at", "2017-03-20T10:00:00+08:00")
eq([x["late"] for x in s2.tasks() if x["key"] == R], [False], "received before 03-21: in time")
rep = json.loads(s2.ok("report", "accountability", "--from", "2017-03-01", "--to",
                       "2017-03-31", "--format", "json"))
eq([r["kind"] for r in rep["records"] if r["task"] == R], ["补录"],
   "the rectification's lapse is 补录, not 逾期")
eq([w["voided"] for w in json.loads(s2.ok("warnings", "--format", "json"))], [[R]],
   "and the warning records it as voided")
done("a hand-in received before a lapse voids it though the task was given time since")
