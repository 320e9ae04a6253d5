"""A report handed in on time and sent back after its deadline lapses at once, and that
lapse is escalated like any other (review10g G7): before, its ladder's steps (counted from
the old deadline) lay before its new schedule and were never sent: no overdue notice, no
escalation to the county government, no `of: [escalation]` count. A plan lifecycle's own
send-back event (`reject`) now tells the owner too. A lifecycle whose `return` enters a
state the deadline does not watch is refused even when an `accept` leaves it (G3). The
lapse's audit record says its own instant, the deadline's next second (G12).

Worked out by hand (Asia/Shanghai, no correction): 甲报告 due Friday 2017-03-10; handed in
Thursday 03-09; returned Monday 03-20 10:00: it lapses then, its ladder counts from 03-20:
`overdue` (after 1d) on Tuesday 03-21 09:00 to 甲县 and 支队, `escalation` (after 5d) on
Saturday 03-25 09:00 to 县政府 and 支队; the rule (one escalation) warns after it.
Returned instead on Monday 03-13, between the old steps: overdue 03-14, escalation 03-18
(review10h K2)."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402


def plan(lifecycle="", events=""):
    return f"""\
plan: rl
title: 迟退测试
timezone: Asia/Shanghai
notify_at: "09:00"
roles:
  county: {{title: 县环保局, per: jurisdiction}}
  hq: {{title: 支队}}
  gov: {{title: 县政府, per: jurisdiction}}
{lifecycle}escalations:
  std:
    - {{after: 1d, kind: overdue, notify: [owner, hq]}}
    - {{after: 5d, kind: escalation, notify: [gov, hq]}}
conduct:
  - {{lapses: 1, within: 30d, of: [escalation], kind: interview-warning, notify: [hq]}}
phases:
  - id: p
    title: 阶段
    milestones:
      - {{id: a, title: 甲报告, owner: county, for: each jurisdiction, submit_to: hq,
         due: 2017-03-10, remind: [-2d], escalate: std{events}}}
"""


REG = """\
jurisdictions:
  - {id: j1, name: 甲县, kind: county, email: [j1@x.example], contacts: {gov: [gov1@x.example]}}
offices:
  hq: [hq@x.example]
  admin: [admin@x.example]
"""
REJECT = """\
lifecycles:
  rep:
    initial: open
    states: [open, submitted, accepted, overdue]
    final: [accepted]
    deadline: {from: [open], to: overdue}
    events:
      submit: {open: submitted, overdue: submitted}
      reject: {submitted: open}
      accept: {submitted: accepted}
"""


def run(event, plan_text, when="2017-03-20T10:00:00+08:00"):
    st = Store()
    st.ok("init", "--clock", "virtual", "--now", "2017-03-01T00:00:00+08:00")
    st.ok("load", st.write("p.yaml", plan_text))
    st.ok("import", st.write("r.yaml", REG))
    st.ok("advance", "--to", "2017-03-09T10:00:00+08:00")
    st.ok("submit", "rl/a/j1/once", "--by", "甲县")
    st.ok("advance", "--to", when)
    st.ok("event", "rl/a/j1/once", event, "--by", "支队", "--reason", "数据错误")
    st.ok("advance", "--to", "2017-04-30T10:00:00+08:00")
    got = sorted((m["X-Dabiao-Scheduled"][:16], m["X-Dabiao-Kind"], m["To"])
                 for m in st.mails() if m["X-Dabiao-Scheduled"] >= when[:10])
    return st, got


for event, text in (("return", plan()), ("reject", plan(REJECT, ", lifecycle: rep"))):
    st, got = run(event, text)
    eq([g for g in got if g[1] != "interview-warning"], [
        ("2017-03-20T10:00", "returned", "j1@x.example"),
        ("2017-03-21T09:00", "overdue", "j1@x.example, hq@x.example"),
        ("2017-03-25T09:00", "escalation", "gov1@x.example, hq@x.example"),
    ], f"{event} after the deadline: told, then the whole ladder from the lapse")
    warn = [m for m in st.mails() if m["X-Dabiao-Kind"] == "interview-warning"]
    eq([m.get_all("X-Dabiao-Task") for m in warn], [["rl/a/j1/once"]],
       f"{event}: the escalation counts for the rule (of: [escalation])")
    lapse = [json.loads(r["details"]) if isinstance(r["details"], str) else r["details"]
             for r in st.records() if r["action"] == "task.lapse"]
    eq([x["planned"] for x in lapse], ["2017-03-11T00:00:00+08:00"],
       f"{event}: the lapse's instant is the deadline's next second")
    st.cleanup()

# review10h K2: returned on Monday 03-13 10:00, between the old ladder's steps (03-11,
# 03-15): the ladder counts from 03-13 all the same, overdue Tuesday 03-14 09:00 and
# escalation Saturday 03-18 09:00; the old ladder's 03-15 step is not sent
st, got = run("return", plan(), "2017-03-13T10:00:00+08:00")
eq([g for g in got if g[1] != "interview-warning"], [
    ("2017-03-13T10:00", "returned", "j1@x.example"),
    ("2017-03-14T09:00", "overdue", "j1@x.example, hq@x.example"),
    ("2017-03-18T09:00", "escalation", "gov1@x.example, hq@x.example"),
], "returned between the old steps: the ladder from the lapse only")
st.cleanup()

# G3: `return` into a state only the review queue watches is refused at the state
G3 = plan("""\
lifecycles:
  rep:
    initial: open
    states: [open, submitted, returned, accepted, overdue]
    final: [accepted]
    deadline: {from: [open], to: overdue}
    events:
      submit: {open: submitted, returned: submitted, overdue: submitted}
      return: {submitted: returned}
      accept: {submitted: accepted, returned: accepted}
""", ", lifecycle: rep")
st = Store()
path = st.write("g3.yaml", G3)
rc, _, err = st.run("check", path)
eq(rc, 65, f"a returned state the deadline does not watch is refused: {err}")
line = G3.splitlines().index("    states: [open, submitted, returned, accepted, overdue]") + 1
check(f"g3.yaml:{line}:" in err and "'returned'" in err and "deadline.from" in err,
      f"at the state, saying what to do: {err}")
ok = G3.replace("deadline: {from: [open], to: overdue}",
                "deadline: {from: [open, returned], to: overdue}")
eq(st.run("check", st.write("ok.yaml", ok))[0], 0, "watched by the deadline: accepted")
done("a late return is escalated from its lapse; a return nothing chases is refused")
