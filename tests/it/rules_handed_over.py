"""A version that gives a milestone to another role of the same kind (a county's
environment bureau -> the county government; one enterprise role -> another) hands its open
tasks over (review10j R3): before, the task silently changed hands, nothing was listed,
audited or told, and the new owner's first word was the overdue notice. Now the change is
listed by `load --dry-run` and `load`, audited (`task.handover`), the old owner told it no
longer owes the report, the new owner given a start notice, with the grace period of a late
arrival when no reminder can reach it in time. A lapse stays a lapse; its ladder goes on to
the new owner.

Worked out by hand (Asia/Shanghai, notify_at 09:00, weekends off, grace 10wd by default):
version 1 (loaded Monday 2017-02-20) gives 甲县's 县局 three reports, each `remind: [-2d]`,
ladder overdue after 1d and escalation after 10d to the owner and 处:
- 乙报告 due Friday 03-03: reminded 03-01 09:00, lapsed, overdue 03-04 09:00 to 县局;
- 甲报告 due Friday 03-10: reminded Wednesday 03-08 09:00;
- 丙报告 due Friday 03-31: its reminder (03-29 09:00) still ahead.
Version 2, loaded Thursday 03-09 10:00, gives all three to 县政府:
- 甲报告: too late to remind -> grace, 10 working days from Thursday 03-09: 03-10, 03-13..17,
  03-20..23: due Thursday 03-23 24:00, reminded 03-21 09:00, overdue 03-24 09:00;
- 丙报告: unchanged, reminded 03-29 09:00, overdue Saturday 04-01 09:00;
- 乙报告: still overdue; its escalation (10d after 03-03) 03-13 09:00 goes to 县政府.
县局 gets one `changed` notice, 县政府 one start notice listing the three.
An enterprise plan hands 整改报告 (due Monday 03-20, `remind: [-2d]`) from the plant to its
boss on 03-09: the boss's start notice gives 03-20, its reminder Saturday 03-18 09:00."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402


def plan(owner):
    ms = [("q", "乙报告", "2017-03-03"), ("r", "甲报告", "2017-03-10"), ("s", "丙报告", "2017-03-31")]
    return f"""\
plan: ho
title: 责任调整
timezone: Asia/Shanghai
notify_at: "09:00"
calendar: {{weekend: [sat, sun]}}
roles:
  county: {{title: 县局, per: jurisdiction}}
  gov: {{title: 县政府, per: jurisdiction}}
  office: {{title: 处}}
escalations:
  e:
    - {{after: 1d, kind: overdue, notify: [owner, office]}}
    - {{after: 10d, kind: escalation, notify: [owner, office]}}
phases:
  - id: p
    title: 阶段
    milestones:
""" + "".join(f"      - {{id: {i}, title: {t}, owner: {owner}, for: each jurisdiction, "
              f"submit_to: office, due: {d}, remind: [-2d], escalate: e}}\n" for i, t, d in ms)


REG = """\
jurisdictions:
  - {id: k1, name: 甲县, kind: county, contacts: {county: [k1@x.example], gov: [g1@x.example]}}
offices: {office: [o@x.example], admin: [admin@x.example]}
"""


def got(st, to):
    """(kind, task, local time scheduled) of every notice to address to, earliest first."""
    return [(n["kind"], n["key"].split("#")[0] if "#" in n["key"] else "", n["scheduled"][:16])
            for n in st.notices() if to in n["to"]]


def body(st, kind, to):
    return [m.get_body().get_content() for m in st.mails()
            if m["X-Dabiao-Kind"] == kind and str(m["To"]) == to]


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-20T10:00:00+08:00")
st.ok("load", st.write("v1.yaml", plan("county")))
st.ok("import", st.write("r.yaml", REG))
st.ok("advance", "--to", "2017-03-09T10:00:00+08:00")
v2 = st.write("v2.yaml", plan("gov"))
for args in (("--dry-run", v2), (v2,)):
    out = st.ok("load", *args)
    check("handed over to another owner (both owners told)" in out
          and "ho/r/k1/once" in out and "county -> gov  grace until 2017-03-23" in out
          and "county -> gov  due 2017-03-31" in out
          and "county -> gov  still overdue, due 2017-03-03" in out,
          f"load {' '.join(args)} lists the three tasks handed over:\n{out}")
eq({t["key"]: (t["state"], t["due_date"]) for t in st.tasks()},
   {"ho/q/k1/once": ("overdue", "2017-03-03"), "ho/r/k1/once": ("open", "2017-03-23"),
    "ho/s/k1/once": ("open", "2017-03-31")}, "the same tasks, 甲报告 given its grace")
recs = [r for r in st.records() if r["action"] == "task.handover"]
det = {r["task"]: (json.loads(r["details"]) if isinstance(r["details"], str) else r["details"])
       for r in recs}
eq(sorted(det), ["ho/q/k1/once", "ho/r/k1/once", "ho/s/k1/once"], "each hand-over audited")
eq((det["ho/r/k1/once"]["from_owner"], det["ho/r/k1/once"]["to_owner"],
    det["ho/r/k1/once"]["grace_until"]), ("county", "gov", "2017-03-23"),
   "the record names both owners and the grace")
changed = body(st, "changed", "k1@x.example")
eq(len(changed), 1, "the county bureau is told once")
for t in ("乙报告", "甲报告", "丙报告"):
    check(f"《{t}》：撤销，不再报送（修订后的方案已将该事项调整为由县政府办理）" in changed[0],
          f"县局 told {t} is no longer its own: {changed[0]}")
start = body(st, "start", "g1@x.example")
eq(len(start), 1, "the government gets one start notice")
for want in ("以下3项事项自即日起调整为由你单位承担",
             "《甲报告》：自即日起调整为由你单位承担（此前由县局承担）。原定截止时间为2017年3月10日"
             "（星期五）24时，调整时已来不及按期提醒，给予宽限；请你单位于2017年3月23日（星期四）24时前报送。",
             "《丙报告》：自即日起调整为由你单位承担（此前由县局承担）。截止时间为2017年3月31日（星期五）"
             "24时，请你单位于2017年3月31日（星期五）24时前报送。",
             "《乙报告》：自即日起调整为由你单位承担（此前由县局承担）。截止时间2017年3月3日（星期五）"
             "24时已过，此前未按期报送，按逾期处理；请你单位尽快报送。"):
    check(want in start[0], f"the start notice says {want}: {start[0]}")
st.ok("advance", "--to", "2017-04-01T10:00:00+08:00")
eq(got(st, "k1@x.example"),
   [("reminder", "ho/q/k1/once", "2017-03-01T09:00"), ("overdue", "ho/q/k1/once", "2017-03-04T09:00"),
    ("reminder", "ho/r/k1/once", "2017-03-08T09:00"), ("changed", "", "2017-03-09T10:00")],
   "nothing more to the county bureau after the hand-over")
eq(got(st, "g1@x.example"),
   [("start", "", "2017-03-09T10:00"), ("escalation", "ho/q/k1/once", "2017-03-13T09:00"),
    ("reminder", "ho/r/k1/once", "2017-03-21T09:00"), ("overdue", "ho/r/k1/once", "2017-03-24T09:00"),
    ("reminder", "ho/s/k1/once", "2017-03-29T09:00"), ("overdue", "ho/s/k1/once", "2017-04-01T09:00")],
   "the government: the start notice first, then its reminders and the ladder")
eq(len([r for r in st.records() if r["action"] == "task.lapse" and r["task"] == "ho/q/k1/once"]),
   1, "乙报告's lapse stays one lapse")
st.ok("load", v2)
eq(len(body(st, "start", "g1@x.example")), 1, "loading the same version again tells nobody twice")
st.ok("audit", "verify")
st.cleanup()

EPLAN = """\
plan: he
title: 企业责任调整
timezone: Asia/Shanghai
notify_at: "09:00"
roles:
  plant: {{title: 企业, per: enterprise}}
  boss: {{title: 企业负责人, per: enterprise}}
  office: {{title: 处}}
phases:
  - id: p
    title: 整治
    milestones:
      - {{id: m, title: 整改报告, owner: {owner}, for: each enterprise, submit_to: office,
         due: 2017-03-20, remind: [-2d]}}
"""
EREG = """\
jurisdictions:
  - {id: k1, name: 甲县, kind: county}
enterprises:
  - {id: 91130000000000001R, name: 甲厂, jurisdiction: k1, industry: steel, contacts: {plant: [p@e.example], boss: [b@e.example]}}
offices: {office: [o@x.example], admin: [admin@x.example]}
"""
st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T10:00:00+08:00")
st.ok("load", st.write("v1.yaml", EPLAN.format(owner="plant")))
st.ok("import", st.write("r.yaml", EREG))
st.ok("advance", "--to", "2017-03-09T10:00:00+08:00")
out = st.ok("load", st.write("v2.yaml", EPLAN.format(owner="boss")))
check("he/m/91130000000000001R/once" in out and "plant -> boss  due 2017-03-20" in out, f"listed:\n{out}")
start = body(st, "start", "b@e.example")
eq(len(start), 1, "the boss gets its own start notice")
check("根据《企业责任调整》的安排，《整改报告》自即日起调整为由你单位承担（此前由企业承担）。"
      "截止时间为2017年3月20日（星期一）24时，请你单位于2017年3月20日（星期一）24时前报送。" in start[0],
      f"it says whose it was and the date: {start[0]}")
check(any("撤销，不再报送（修订后的方案已将该事项调整为由企业负责人办理）" in b
          for b in body(st, "changed", "p@e.example")), "the plant is told")
st.ok("advance", "--to", "2017-03-19T10:00:00+08:00")
eq([(n["to"], n["scheduled"][:16]) for n in st.notices() if n["kind"] == "reminder"],
   [(["b@e.example"], "2017-03-18T09:00")], "the reminder goes to the boss only")
st.cleanup()
done("a milestone given to another role of the same kind hands its tasks over, both owners told")
