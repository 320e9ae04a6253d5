"""A step of a plan's own lifecycle entered afterwards is said in the accountability
report at the time it happened (review12b V4): a rectification due 09-20, lapsed, verified
on site on 09-25 and entered on 11-12 with `event … verify --at`, reads 09-25 转为已整改验收
— as a hand-in entered with `submit --at` is said at its --at — not the day it was typed,
which told an inspector it was verified 53 days late instead of 5. Times worked out from
the plan's zone below."""
import csv
import io
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

PLAN = """\
plan: ea
title: 事后录入
timezone: Asia/Urumqi
notify_at: "09:00"
roles:
  county: {title: 县环保局, per: jurisdiction}
  office: {title: 执法队}
lifecycles:
  fix:
    initial: listed
    states: [listed, rectifying, verified, overdue]
    final: [verified]
    events:
      start: {listed: rectifying}
      verify: {rectifying: verified, overdue: verified}
    deadline: {from: [listed, rectifying], to: overdue}
phases:
  - id: p
    title: 阶段
    milestones:
      - {id: z, title: 限期整治, owner: county, for: each jurisdiction, submit_to: office,
         due: 2020-09-20, lifecycle: fix}
      - {id: r, title: 月报, owner: county, for: each jurisdiction, submit_to: office,
         due: 2020-08-05}
"""
REG = """\
jurisdictions:
  - {id: k, name: 柯县, kind: county, email: [k@x.example]}
offices: {office: [o@x.example], admin: [admin@x.example]}
"""
st = Store()
st.ok("init", "--clock", "virtual", "--now", "2020-07-20T00:00", "--tz", "Asia/Shanghai")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG))
st.ok("advance", "--to", "2020-11-12T00:00+06:00")
st.ok("event", "ea/z/k/once", "verify", "--by", "执法队", "--at", "2020-09-25T15:00+06:00")
st.ok("submit", "ea/r/k/once", "--by", "王干事", "--at", "2020-08-12T10:00+06:00")
rows = list(csv.DictReader(io.StringIO(st.ok("report", "accountability", "--plan", "ea",
                                              "--format", "csv"))))
by_task = {}
for row in rows:
    for task in ("ea/z/k/once", "ea/r/k/once"):
        if task in row.values():
            by_task[task] = " ".join(row.values())
check("2020-09-25 15:00 +06:00 转为已整改验收" in by_task.get("ea/z/k/once", ""),
      f"the verification said at its --at: {by_task.get('ea/z/k/once')}")
check("2020-11-12" not in by_task.get("ea/z/k/once", ""),
      "not at the day it was typed")
check("2020-08-12 10:00 +06:00 补报" in by_task.get("ea/r/k/once", ""),
      f"the hand-in said at its --at, as before: {by_task.get('ea/r/k/once')}")
done("a lifecycle step entered afterwards is said at its --at")
