"""A task cancelled after it lapsed and given again comes back lapsed (review 10e, H-A):
removing a milestone in one version and restoring it in the next must not give an overdue
county a clean slate. It comes back `overdue` with its old deadline: no new reminders, no
grace, no second overdue notice; the escalation ladder goes on where it was (a step still
ahead is sent when due); its owner is told it is back and still overdue. A task cancelled
before its deadline keeps the fair-start rule (docs/plan-format.md "Plan versions",
"Reopened"). Every expected value is worked out by hand below (Asia/Shanghai; no
holidays in March-April 2017)."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

HEAD = """\
plan: rl
title: 恢复测试
timezone: Asia/Shanghai
notify_at: "09:00"
grace: 5wd
roles:
  county: {title: 县环保局, per: jurisdiction}
  sup: {title: 支队}
escalations:
  std:
    - {after: 1d, kind: overdue, notify: [owner]}
    - {after: 30d, kind: escalation, notify: [owner, sup]}
phases:
  - id: p
    title: 阶段
    milestones:
"""
A = """\
      - {id: a, title: 甲报告, owner: county, for: each jurisdiction, submit_to: sup,
         due: 2017-03-10, remind: [-2d], escalate: std}
"""
B = """\
      - {id: b, title: 乙报告, owner: county, for: each jurisdiction, submit_to: sup,
         due: 2017-03-31, remind: [-2d], escalate: std}
"""
REG = """\
jurisdictions:
  - {id: j, name: 甲县, kind: county, email: [j@x.example]}
offices:
  sup: [sup@x.example]
  admin: [admin@x.example]
"""


def task(key):
    return {t["key"]: t for t in st.tasks()}[key]


def mails_of(key, after):
    return [(m["X-Dabiao-Kind"], m["X-Dabiao-Scheduled"]) for m in st.mails()
            if key in m.get_all("X-Dabiao-Task", []) and m["X-Dabiao-Scheduled"] > after]


st = Store()
v1 = st.write("v1.yaml", HEAD + A + B)
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T10:00:00+08:00")
st.ok("load", v1)
st.ok("import", st.write("r.yaml", REG))
# a: reminder Wed 03-08 09:00, lapse Fri 03-10 23:59:59, overdue notice Sat 03-11 09:00
st.ok("advance", "--to", "2017-03-13T10:00:00+08:00")
eq(task("rl/a/j/once")["state"], "overdue", "a lapsed")
eq(mails_of("rl/a/j/once", "2017-03-01"),
   [("reminder", "2017-03-08T09:00:00+08:00"), ("overdue", "2017-03-11T09:00:00+08:00")],
   "a's reminder and overdue notice")
out = st.ok("load", st.write("v2.yaml", HEAD + B))
check("rl/a/j/once" in out, f"v2 cancels a: {out}")
eq(task("rl/a/j/once")["state"], "cancelled", "cancelled from overdue")
st.ok("advance", "--to", "2017-03-14T10:00:00+08:00")
out = st.ok("load", v1)
line = [ln for ln in out.splitlines() if ln.strip().startswith("rl/a/j/once")]
eq([ln.split(None, 1)[1] for ln in line],
   ["cancelled -> overdue  due 2017-03-10 (lapsed before it was cancelled: still overdue)"],
   "the load says a comes back overdue")
t = task("rl/a/j/once")
eq((t["state"], t["due_date"], t["deadline"]),
   ("overdue", "2017-03-10", "2017-03-10T23:59:59+08:00"),
   "a is overdue again, with its old deadline: no grace")
told = [m for m in st.mails() if m["X-Dabiao-Kind"] == "changed"
        and m["X-Dabiao-Scheduled"] == "2017-03-14T10:00:00+08:00"]
eq(len(told), 1, "the county is told once")
body = told[0].get_body().get_content()
check("《甲报告》：恢复报送，截止时间2017年3月10日（星期五）24时已过，仍按逾期处理，请尽快报送"
      "（修订后的方案重新包括该事项）" in body, body)
check("宽限期" not in body, f"no grace is promised: {body}")
# the accountability report's row of the lapse tells both steps and stays a lapse: no
# "转为已取消" (by hand: cancelled 03-13 10:00, back 03-14 10:00, still overdue)
rows = [r for r in json.loads(st.ok("report", "accountability", "--format", "json"))["records"]
        if r["task"] == "rl/a/j/once"]
eq([(r["kind"], r["reason"]) for r in rows],
   [("逾期未报", "截止 2017-03-10 23:59 +08:00；2017-03-13 10:00 +08:00 撤销，"
     "2017-03-14 10:00 +08:00 恢复，仍为逾期")],
   "the reopened lapse's row: still a lapse, cancelled and restored, not 转为已取消")
rec = [json.loads(ln)["record"] for ln in st.ok("audit", "--task", "rl/a/j/once", "--format",
                                                  "jsonl").splitlines()]
eq([(r["action"], r["from_state"], r["to_state"]) for r in rec
    if r["action"].startswith("task.")],
   [("task.create", "", "open"), ("task.lapse", "open", "overdue"),
    ("task.cancel", "overdue", "cancelled"), ("task.reopen", "cancelled", "overdue")],
   "the trail: created, lapsed, cancelled, reopened overdue")
# the ladder goes on: no reminder, no second overdue notice; the 30d step (Sun 04-09 09:00,
# 30 days after the lapse's day) is still ahead and is sent when due
st.ok("advance", "--to", "2017-04-12T10:00:00+08:00")
eq(mails_of("rl/a/j/once", "2017-03-14T10:00:00+08:00"),
   [("escalation", "2017-04-09T09:00:00+08:00")], "only the ladder's next step, when due")
st.cleanup()
done("a task cancelled after it lapsed comes back lapsed: old deadline, no grace, no new "
     "reminders, the ladder where it was")
