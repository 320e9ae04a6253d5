"""A small plan written here, in a zone with daylight saving, against a timeline worked out
by hand: every reminder, deadline, escalation and conduct warning at its local time; the
.eml files carry the contract headers; `simulate` and `advance` agree line for line."""
import email
import email.policy
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

PLAN = """\
plan: mini
title: 测试计划
timezone: Europe/Berlin
notify_at: "09:00"
calendar:
  weekend: [sat, sun]
  holidays: [2021-04-05]          # Easter Monday
  due_on_holiday: next-workday
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  supervision: {title: 监察支队}
escalations:
  std:
    - {after: 1d, kind: overdue, notify: [owner, supervision]}
    - {after: 2wd, kind: escalation, notify: [supervision]}
conduct:
  - {lapses: 2, within: 60d, kind: interview-warning, notify: [county_epb, supervision]}
phases:
  - id: p1
    title: 阶段一
    milestones:
      - id: monthly
        title: 月报
        owner: county_epb
        for: each jurisdiction
        submit_to: supervision
        due: {every: 1 month, day: 5, from: 2021-03, until: 2021-04}
        remind: [-2d, -1wd]
        escalate: std
"""

REGISTRY = """\
jurisdictions:
  - {id: a, name: 甲县, kind: county, contacts: {county_epb: [a@x.example]}}
offices:
  supervision: [s@x.example]
  admin: [admin@x.example]
"""

M = "mini/monthly/a/2021-03"
A = "mini/monthly/a/2021-04"
EXPECTED = [
    # 2021-03-05 is a Friday; CET (+01:00)
    ("2021-03-03 09:00", "reminder", M, "a@x.example"),
    ("2021-03-04 09:00", "reminder", M, "a@x.example"),
    ("2021-03-05 23:59:59", "deadline", M, "-"),            # the deadline, as tasks says
    ("2021-03-06 09:00", "overdue", M, "a@x.example,s@x.example"),
    ("2021-03-09 09:00", "escalation", M, "s@x.example"),          # 2 working days after Fri
    # 2021-04-05 is Easter Monday: due moves to Tue 04-06; CEST (+02:00) since 03-28
    ("2021-04-02 09:00", "reminder", A, "a@x.example"),            # -1wd: the Friday before
    # -2d would be Sunday 04-04, after the -1wd reminder listed after it: reminders never
    # arrive out of order, so it is left out
    ("2021-04-06 23:59:59", "deadline", A, "-"),            # the deadline, as tasks says
    ("2021-04-07 09:00", "overdue", A, "a@x.example,s@x.example"),
    ("2021-04-07 09:00", "interview-warning", "mini/conduct/interview-warning/a/1",
     "a@x.example,s@x.example"),
    ("2021-04-08 09:00", "escalation", A, "s@x.example"),
]


def parse(out):
    lines = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 6:
            # each time carries its offset: Berlin is +01:00 until 2021-03-28, then +02:00
            check(parts[2] == ("+01:00" if parts[0] < "2021-03-28" else "+02:00"),
                  f"the offset of {line}")
            lines.append((parts[0] + " " + parts[1], parts[3], parts[4], parts[5]))
    return lines


st = Store()
plan = st.write("mini.yaml", PLAN)
reg = st.write("mini-registry.yaml", REGISTRY)
st.ok("init", "--clock", "virtual", "--now", "2021-01-01T00:00:00+01:00", "--tz",
      "Europe/Berlin")
st.ok("load", plan)
st.ok("import", reg)
adv = st.ok("advance", "--to", "2021-06-01T00:00:00+02:00")
eq(parse(adv), EXPECTED, "advance timeline")

sim = Store("sim")
out = sim.run("simulate", plan, "--registry", reg, check=0)[1]
eq(parse(out), EXPECTED, "simulate timeline")
eq(out, adv, "simulate and advance agree line for line")

# The outbox: one .eml per notice, with the contract headers; Date in the plan's zone.
files = st.outbox()
eq(len(files), 8, "notices written (6 task notices + 1 warning + 1 escalation)")
dates = {}
for name in files:
    with open(os.path.join(st.db, "outbox", name), "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    kind = msg["X-Dabiao-Kind"]
    check(msg["Message-ID"] and msg["Message-ID"].startswith("<"), f"{name}: Message-ID")
    eq(msg["X-Dabiao-Plan"], "mini", f"{name}: X-Dabiao-Plan")
    check(msg["To"], f"{name}: To")
    dates.setdefault(kind, []).append(str(msg["Date"]))
    if kind == "interview-warning":
        eq(sorted(msg.get_all("X-Dabiao-Task")), [M, A], "warning names both lapses")
        eq(msg["X-Dabiao-Subject"], "a", "warning's subject is the jurisdiction")
    else:
        check(msg["X-Dabiao-Task"] in (M, A), f"{name}: X-Dabiao-Task")
check("Wed, 03 Mar 2021 09:00:00 +0100" in dates.get("reminder", []),
      f"winter reminder dated in CET: {dates.get('reminder')}")
check("Fri, 02 Apr 2021 09:00:00 +0200" in dates.get("reminder", []),
      f"summer reminder dated in CEST: {dates.get('reminder')}")
eq(dates.get("interview-warning"), ["Wed, 07 Apr 2021 09:00:00 +0200"], "warning date")

# Nothing is ever sent twice: advancing again adds nothing.
again = st.ok("advance", "--to", "2021-07-01T00:00:00+02:00")
eq(again, "", "a second advance finds nothing left to do")
eq(len(st.outbox()), 8, "no notice written twice")

st.cleanup()
sim.cleanup()
done("small plan timeline, DST, holidays, working days, conduct, simulate == advance")
