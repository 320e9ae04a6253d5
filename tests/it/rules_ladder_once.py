"""A step of a task's escalation ladder goes out once per lapse (review10j R1): a county
government must not get the same 督办 letter twice about one failing because the task's
schedule was replaced while it stayed lapsed, by a back-dated extension to a date also
past, or by a version that only retimes a step. A new lapse (the task given time again,
and missing it) has a ladder of its own; a step a version adds is sent when due.

Worked out by hand (Asia/Shanghai, notify_at 09:00, weekends off): 甲报告 due Friday
2017-03-10, ladder `overdue` after 1d (Saturday 03-11 09:00, to the county and 支队) and
`escalation` after 2wd (Tuesday 03-14 09:00, to the county government).
- 甲县: on Wednesday 03-15 00:00 an extension agreed earlier is recorded, back-dated to
  Monday 03-13: the task stays lapsed (one lapse), its ladder counted from 03-13 would put
  the overdue notice on 03-14 09:00 (before now: never sent) and the escalation on
  Wednesday 03-15 09:00: already sent for this lapse, not again.
- 乙县: on 03-15 00:00 given until Monday 03-20 (no back-dating): open again; it misses
  that too, a new lapse at 03-20 24:00: overdue Tuesday 03-21 09:00, escalation 2wd after
  03-20, Wednesday 03-22 09:00.
- A second store: version 2, loaded Tuesday 03-14 12:00 after the escalation went out,
  makes the step `after: 3wd` (Wednesday 03-15 09:00: not again) and adds a third step,
  `after: 5wd` (Friday 03-17 09:00: sent)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402


def plan(step2="2wd", step3=""):
    return f"""\
plan: lo
title: 督办测试
timezone: Asia/Shanghai
notify_at: "09:00"
roles:
  county: {{title: 县环保局, per: jurisdiction}}
  gov: {{title: 县政府, per: jurisdiction}}
  hq: {{title: 支队}}
escalations:
  std:
    - {{after: 1d, kind: overdue, notify: [owner, hq]}}
    - {{after: {step2}, kind: escalation, notify: [gov]}}
{step3}phases:
  - id: p
    title: 阶段
    milestones:
      - {{id: a, title: 甲报告, owner: county, for: each jurisdiction, submit_to: hq,
         due: 2017-03-10, remind: [-2d], escalate: std}}
"""


REG = """\
jurisdictions:
  - {id: k1, name: 甲县, kind: county, contacts: {county: [k1@x.example], gov: [g1@x.example]}}
  - {id: k2, name: 乙县, kind: county, contacts: {county: [k2@x.example], gov: [g2@x.example]}}
offices:
  hq: [hq@x.example]
  admin: [admin@x.example]
"""


def sent(st, kind):
    """(task, local date and time scheduled) of every notice of kind, earliest first."""
    return [(n["key"].split("#")[0], n["scheduled"][:16]) for n in st.notices()
            if n["kind"] == kind]


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T10:00:00+08:00")
st.ok("load", st.write("p.yaml", plan()))
st.ok("import", st.write("r.yaml", REG))
st.ok("advance", "--to", "2017-03-15T00:00:00+08:00")
eq(sent(st, "escalation"), [("lo/a/k1/once", "2017-03-14T09:00"),
                            ("lo/a/k2/once", "2017-03-14T09:00")], "each county escalated once")
st.ok("extend", "lo/a/k1/once", "--to", "2017-03-13", "--backdate", "--by", "督察",
      "--reason", "系统故障期间口头同意")
st.ok("extend", "lo/a/k2/once", "--to", "2017-03-20", "--by", "督察", "--reason", "延期")
st.ok("advance", "--to", "2017-03-31T00:00:00+08:00")
states = {t["key"]: t["state"] for t in st.tasks()}
eq(states, {"lo/a/k1/once": "overdue", "lo/a/k2/once": "overdue"}, "both lapsed")
eq(sent(st, "overdue"), [("lo/a/k1/once", "2017-03-11T09:00"),
                         ("lo/a/k2/once", "2017-03-11T09:00"),
                         ("lo/a/k2/once", "2017-03-21T09:00")],
   "甲县's one lapse told once; 乙县's second lapse told anew")
eq(sent(st, "escalation"), [("lo/a/k1/once", "2017-03-14T09:00"),
                            ("lo/a/k2/once", "2017-03-14T09:00"),
                            ("lo/a/k2/once", "2017-03-22T09:00")],
   "the back-dated extension sends 甲县's government nothing again; 乙县's new lapse is "
   "escalated anew")
lapses = [r for r in st.records() if r["action"] == "task.lapse"]
eq(sorted(r["task"] for r in lapses), ["lo/a/k1/once", "lo/a/k2/once", "lo/a/k2/once"],
   "one lapse of 甲县, two of 乙县")
st.cleanup()

# a version that retimes the step after it was sent, and adds one
st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T10:00:00+08:00")
st.ok("load", st.write("v1.yaml", plan()))
st.ok("import", st.write("r.yaml", REG))
st.ok("advance", "--to", "2017-03-14T12:00:00+08:00")
v2 = st.write("v2.yaml", plan("3wd", "    - {after: 5wd, kind: escalation, notify: [gov, hq]}\n"))
dry = st.ok("load", "--dry-run", v2)
check("escalations 03-11 09:00, 03-14 09:00 -> 03-11 09:00, 03-15 09:00, 03-17 09:00" in dry,
      f"the preview shows the steps' instants: {dry}")
st.ok("load", v2)
st.ok("advance", "--to", "2017-03-20T00:00:00+08:00")
eq(sent(st, "escalation"), [("lo/a/k1/once", "2017-03-14T09:00"),
                            ("lo/a/k2/once", "2017-03-14T09:00"),
                            ("lo/a/k1/once", "2017-03-17T09:00"),
                            ("lo/a/k2/once", "2017-03-17T09:00")],
   "the retimed second step is not sent again; the added third is sent when due")
eq(len(sent(st, "overdue")), 2, "one overdue notice per county")
st.ok("audit", "verify")
st.cleanup()
done("an escalation step goes out once per lapse, whatever replaces the task's schedule")
