"""Issue 10, case 5, on a small plan written here: a new plan version reaches the tasks.
`load --dry-run` says what version 2 would change and changes nothing; `load` then moves
the open tasks' deadlines and reminders (the old date kept on record, one audit record per
change), cancels the tasks of a removed milestone and of periods a shorter `until` drops,
carries a renamed milestone's tasks over through renamed_from, keeps a lapsed task's
deadline and never touches a finished task; a task in a state the new lifecycle lacks
refuses the load. Afterwards `advance`, `simulate`, `tasks` and `calendar` agree. Every
expected value is worked out by hand below."""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, BIN, eq, check, done  # noqa: E402

HEAD = """\
plan: pv
title: 版本测试
timezone: Asia/Shanghai
notify_at: "09:00"
calendar:
  weekend: [sat, sun]
  holidays: [{holidays}]
  due_on_holiday: next-workday
roles:
  county_epb: {{title: 县环保局, per: jurisdiction}}
escalations:
  std:
    - {{after: 1d, kind: overdue, notify: [owner]}}
phases:
  - id: p
    title: 阶段
    milestones:
"""
V1 = HEAD.format(holidays="2017-04-03..2017-04-04") + """\
      - {id: report, title: 评估报告, owner: county_epb, for: each jurisdiction,
         due: 2017-04-12, remind: [-1d], escalate: std}
      - {id: contacts, title: 联系人名单, owner: county_epb, for: each jurisdiction,
         due: 2017-03-20}
      - {id: quarterly-summary, title: 季度小结, owner: county_epb, for: each jurisdiction,
         due: {every: 3 months, day: 15, from: 2017-04, until: 2018-01}}
      - {id: weekly, title: 周报, owner: county_epb, for: each jurisdiction,
         due: {every: 1 week, day: mon, from: 2017-W11, until: 2017-W20}}
      - {id: done-early, title: 培训总结, owner: county_epb, for: each jurisdiction,
         due: 2017-04-28}
      - {id: year-list, title: 年度清单, owner: county_epb, for: each jurisdiction,
         due: 2017-12-31}
"""
# Version 2: the report moves from Wednesday 04-12 to Thursday 04-20 and is reminded 3
# days ahead; contacts is gone; quarterly-summary is renamed; weekly returns are due on
# Fridays and end with W16; the training summary moves to 05-31; the 2018 New Year holiday
# (12-30 .. 01-01) is now known, so the list due Sunday 12-31 moves to Tuesday 01-02.
V2 = HEAD.format(holidays="2017-04-03..2017-04-04, 2017-12-30..2018-01-01") + """\
      - {id: report, title: 评估报告, owner: county_epb, for: each jurisdiction,
         due: 2017-04-20, remind: [-3d], escalate: std}
      - {id: quarterly-report, title: 季度报告, owner: county_epb, for: each jurisdiction,
         renamed_from: quarterly-summary,
         due: {every: 3 months, day: 15, from: 2017-04, until: 2018-01}}
      - {id: weekly, title: 周报, owner: county_epb, for: each jurisdiction,
         due: {every: 1 week, day: fri, from: 2017-W11, until: 2017-W16}}
      - {id: done-early, title: 培训总结, owner: county_epb, for: each jurisdiction,
         due: 2017-05-31}
      - {id: year-list, title: 年度清单, owner: county_epb, for: each jurisdiction,
         due: 2017-12-31}
"""
# Version 3: the report gets a lifecycle without the state 'open' its tasks are in.
V3 = V2.replace("phases:", """lifecycles:
  fix:
    initial: listed
    states: [listed, done, late]
    final: [done]
    events: {verify: {listed: done, late: done}}
    deadline: {from: [listed], to: late}
phases:""").replace("due: 2017-04-20, remind: [-3d], escalate: std}",
                    "due: 2017-04-20, remind: [-3d], escalate: std, lifecycle: fix}")

REG = """\
jurisdictions:
  - {id: a, name: 甲县, kind: county, email: [a@x.example]}
  - {id: b, name: 乙县, kind: county, email: [b@x.example]}
offices:
  admin: [admin@x.example]
"""


def count(out, title):
    m = re.search(r"^  " + re.escape(title) + r" +(\d+)$", out, re.M)
    return int(m.group(1)) if m else 0


def audit(st):
    return [json.loads(ln)["record"] for ln in st.ok("audit", "--format", "jsonl").splitlines()]


st = Store()
# the plan is there more than its grace (10wd) before its first dues, which have no
# reminders: its tasks are ordinary ones, not late arrivals (docs/plan-format.md, fair start)
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T00:00:00+08:00")
st.ok("load", st.write("v1.yaml", V1))
st.ok("import", st.write("reg.yaml", REG))
st.ok("advance", "--to", "2017-03-14T10:00:00+08:00")
st.ok("submit", "pv/done-early/a/once", "--by", "甲县")
st.ok("event", "pv/done-early/a/once", "accept", "--by", "监察支队", "--reason", "齐全")
st.ok("advance", "--to", "2017-03-15T12:00:00+08:00")  # weekly W11 (Mon 03-13) lapsed
v2 = st.write("v2.yaml", V2)

# The preview, by hand, for a and b:
#   moved:   report (2), weekly W12..W16 Monday -> Friday (10), b's done-early (1), year-list (2)
#   kept:    weekly W11, lapsed on 03-13 (2): a lapse is not undone by a file
#   renamed: quarterly-summary, 4 quarters (8); cancelled: contacts (2), weekly W17..W20 (8)
tasks_before, audit_before = st.tasks(), st.ok("audit", "--format", "jsonl")
out = st.ok("load", v2, "--dry-run")
check("version 2 would be loaded (dry run: nothing was written)" in out, out)
eq([count(out, t) for t in ("deadlines moved", "dates changed but kept (why)",
                            "renamed milestone's tasks carried over", "tasks cancelled",
                            "tasks added")], [15, 2, 8, 10, 0], f"the preview's counts: {out}")
check(re.search(r"pv/report/a/once +2017-04-12 -> 2017-04-20", out), f"first lines: {out}")
eq(st.tasks(), tasks_before, "a dry run changes no task")
eq(st.ok("audit", "--format", "jsonl"), audit_before, "and records nothing")

out = st.ok("load", v2)
check("loaded version 2" in out, out)
eq([count(out, t) for t in ("deadlines moved", "dates changed but kept (why)",
                            "renamed milestone's tasks carried over", "tasks cancelled")],
   [15, 2, 8, 10], f"the load did what the preview said: {out}")
t = {x["key"]: x for x in st.tasks()}
eq(len(t), 2 * (1 + 1 + 4 + 10 + 1 + 1), "no task made twice (the renamed ones are not new)")
eq((t["pv/report/a/once"]["due_date"], t["pv/report/a/once"]["original_due_date"],
    t["pv/report/a/once"]["state"]), ("2017-04-20", "2017-04-20", "open"), "report moved")
eq({k: x["state"] for k, x in t.items() if "/contacts/" in k},
   {"pv/contacts/a/once": "cancelled", "pv/contacts/b/once": "cancelled"}, "contacts cancelled")
eq(sorted(x["milestone"] for k, x in t.items() if "/quarterly-summary/" in k),
   ["quarterly-report"] * 8, "the renamed milestone's tasks keep their keys")
eq({k.split("/")[3]: (x["due_date"], x["state"]) for k, x in t.items()
    if k.startswith("pv/weekly/a/")},
   {"2017-W11": ("2017-03-13", "overdue"),      # lapsed before: kept
    "2017-W12": ("2017-03-24", "open"), "2017-W13": ("2017-03-31", "open"),
    "2017-W14": ("2017-04-07", "open"), "2017-W15": ("2017-04-14", "open"),
    "2017-W16": ("2017-04-21", "open"),
    "2017-W17": ("2017-04-24", "cancelled"), "2017-W18": ("2017-05-01", "cancelled"),
    "2017-W19": ("2017-05-08", "cancelled"), "2017-W20": ("2017-05-15", "cancelled")},
   "weekly: Fridays to W16, the rest cancelled, the lapsed week kept")
eq((t["pv/done-early/a/once"]["due_date"], t["pv/done-early/a/once"]["state"]),
   ("2017-04-28", "accepted"), "a finished task never changes")
eq(t["pv/done-early/b/once"]["due_date"], "2017-05-31", "b's moves")
eq(t["pv/year-list/a/once"]["due_date"], "2018-01-02", "the new holidays move the year list")
recs = audit(st)
red = [json.loads(r["details"]) for r in recs
       if r["action"] == "task.redate" and r["task"] == "pv/report/a/once"]
eq([(d["from_due"], d["to_due"], d["plan_version"]) for d in red],
   [("2017-04-12", "2017-04-20", 2)], "the old deadline on record")
eq(sorted(r["action"] for r in recs if r["action"] in
          ("task.redate", "task.cancel", "task.rename")).count("task.cancel"), 10,
   "one audit record per cancelled task")
eq(len([r for r in recs if r["action"] == "task.rename"]), 8, "one per renamed task")
eq(len([r for r in recs if r["action"] == "task.redate"]), 15, "one per moved task")

# A third version whose lifecycle lacks the state the report's tasks are in: refused.
rc, _, err = st.run("load", st.write("v3.yaml", V3))
eq(rc, 65, f"a task in a state the new lifecycle lacks refuses the load: {err}")
check("pv/report/a/once" in err and "'open'" in err, f"the message names it: {err}")
check("version 2" in st.ok("load", v2), "version 2 is still current")

# The calendar, the e-mails and the tasks agree: the report's alarm is the instant of its
# reminder (-3d from 04-20: 04-17 09:00 = 01:00 UTC), DTSTART its due date.
ics = st.path("c.ics")
st.ok("calendar", "--out", ics)
cal = open(ics, "rb").read().decode().replace("\r\n ", "")
ev = {re.search(r"UID:([^\r\n]+)@dabiao", e).group(1): e for e in cal.split("BEGIN:VEVENT")[1:]}
eq(re.findall(r"TRIGGER;VALUE=DATE-TIME:(\w+)", ev["pv/report/a/once"]), ["20170417T010000Z"],
   "the calendar's alarm")
check("DTSTART;VALUE=DATE:20170420" in ev["pv/report/a/once"], "the calendar's date")
check(not any("/contacts/" in k for k in ev), "cancelled tasks are not in the calendar")
adv = st.ok("advance", "--to", "2017-05-01T00:00:00+08:00")
mails = sorted((m["X-Dabiao-Kind"], m["X-Dabiao-Scheduled"]) for m in st.mails()
               if m["X-Dabiao-Task"] == "pv/report/a/once")
eq(mails, [("overdue", "2017-04-21T09:00:00+08:00"), ("reminder", "2017-04-17T09:00:00+08:00")],
   "the report's e-mails as version 2 says (none at version 1's 04-11)")
eq([ln for ln in adv.splitlines() if "/weekly/" in ln and re.search(r"W1[7-9]|W20", ln)], [],
   "cancelled weeks neither lapse nor remind")

# simulate(v2) over the same registry, from the change on: the report's timeline is the one
# advance printed.
p = subprocess.run([BIN, "--db", st.path("sim"), "simulate", v2, "--registry",
                    st.path("reg.yaml"), "--from", "2017-03-15T12:00:00+08:00",
                    "--to", "2017-05-01T00:00:00+08:00"], capture_output=True, text=True)
eq(p.returncode, 0, p.stderr)
sim = [ln for ln in p.stdout.splitlines() if "pv/report/a/once" in ln]
eq(sim, [ln for ln in adv.splitlines() if "pv/report/a/once" in ln], "simulate == advance")
eq(len(sim), 3, f"reminder, deadline, overdue: {sim}")
st.cleanup()
done("plan versions: preview, moved, kept, renamed, cancelled, refused, and all views agree")
