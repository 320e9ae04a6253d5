"""Review 10f, F4: under a rule that counts lapses and escalations, a task's escalation is
its lapse one step on, not a new fact: four tables missed on 03-10 make one warning on
03-11 ("4项任务"), and the escalation step on 03-12 makes none. A rule counting escalations
alone still counts them. Worked by hand (Asia/Shanghai, weekends off, notify_at 09:00)."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, done, county_plan, county_registry,  # noqa: E402
                       county_task)

PLAN = county_plan("es", "督办测试", [county_task(m, t, "2017-03-10", "escalate: s")
                                      for m, t in (("a", "甲表"), ("b", "乙表"), ("c", "丙表"),
                                                   ("d", "丁表"))],
                   offices=[("hq", "支队")], rules="""\
escalations:
  s:
    - {after: 1d, kind: overdue, notify: [owner]}
    - {after: 2d, kind: escalation, notify: [hq]}
conduct:
  - {lapses: 3, within: 60d, kind: approval-restriction-warning, notify: [hq], of: [lapse, flag, escalation]}
  - {lapses: 3, within: 60d, kind: interview-warning, notify: [hq], of: [escalation]}
""")

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T10:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", county_registry([("j", "甲县")], offices=("hq",))))
# lapses 03-10 23:59:59 (counted 03-11 00:00), overdue steps Sat 03-11 09:00, escalation
# steps (the ladder's last) Sun 03-12 09:00; rules evaluated at the next 09:00
st.ok("advance", "--to", "2017-03-14T10:00:00+08:00")
ws = json.loads(st.ok("warnings", "--format", "json"))
eq(sorted((w["kind"], w["at"], w["count"], sorted(w["whys"])) for w in ws),
   [("approval-restriction-warning", "2017-03-11T09:00:00+08:00", 4, ["lapse"] * 4),
    ("interview-warning", "2017-03-12T09:00:00+08:00", 4, ["escalation"] * 4)],
   "one 限批 warning of the four lapses (03-11), none again on the escalations; the "
   "escalation-only rule counts them (03-12)")
st.cleanup()
done("an escalation is its lapse one step on under a rule that counts both")
