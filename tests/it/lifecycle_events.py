"""Submissions and events on a virtual clock: a submission before a reminder cancels it, a
late submission stops escalation, `extend` moves everything after it (one county or a
selection) and tells the owner, missing sections make a submission incomplete with a notice
and the task is still chased, a flag counts toward a conduct warning, and every action
leaves its audit trail in the outbox."""
import email
import email.policy
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

PLAN = """\
plan: ev
title: 事件测试
timezone: Asia/Shanghai
notify_at: "09:00"
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  supervision: {title: 监察支队}
  monitoring: {title: 监测监察科}
escalations:
  std:
    - {after: 1d, kind: overdue, notify: [owner, supervision]}
    - {after: 3d, kind: escalation, notify: [supervision, monitoring]}
conduct:
  - {lapses: 2, within: 90d, kind: interview-warning, notify: [county_epb, supervision]}
accountability: {notify: [monitoring]}
phases:
  - id: p
    title: 阶段
    milestones:
      - id: report
        title: 评估报告
        owner: county_epb
        for: each jurisdiction
        submit_to: supervision
        due: 2017-05-10
        remind: [-7d, -1d]
        escalate: std
        requires: [overall, problems]
"""

REG = """\
jurisdictions:
  - {id: a, name: 甲县, kind: county, email: [a@x.example]}
  - {id: b, name: 乙县, kind: county, email: [b@x.example]}
  - {id: c, name: 丙县, kind: county, email: [c@x.example]}
offices:
  supervision: [s@x.example]
  monitoring: [m@x.example]
  admin: [admin@x.example]
"""

TA, TB, TC = "ev/report/a/once", "ev/report/b/once", "ev/report/c/once"


def kinds_for(st, task):
    out = []
    for name in st.outbox():
        with open(os.path.join(st.db, "outbox", name), "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
        if task in (msg.get_all("X-Dabiao-Task") or []):
            out.append(msg["X-Dabiao-Kind"])
    return sorted(out)


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-05-01T00:00:00+08:00")
st.ok("load", st.write("ev.yaml", PLAN))
st.ok("import", st.write("reg.yaml", REG))

# a submits everything on 05-02, before the -7d reminder (05-03 09:00): no reminder ever.
st.ok("advance", "--to", "2017-05-02T12:00:00+08:00")
out = st.ok("submit", TA, "--by", "甲县环保局", "--sections", "overall,problems")
check("submitted" in out, out)
# b submits on 05-05 with a section missing: incomplete, and a notice says what is missing.
st.ok("advance", "--to", "2017-05-05T12:00:00+08:00")
out = st.ok("submit", TB, "--by", "乙县环保局", "--sections", "overall")
check("incomplete" in out, f"missing sections make it incomplete: {out}")
# c is extended to 05-20 on 05-08 (after its first reminder, before the second).
st.ok("advance", "--to", "2017-05-08T12:00:00+08:00")
st.ok("extend", TC, "--to", "2017-05-20", "--by", "州环保局", "--reason", "地震")
st.ok("advance", "--to", "2017-06-30T00:00:00+08:00")

eq(kinds_for(st, TA), [], "a: submitted before any reminder, no notice at all")
# b: the -7d reminder (05-03), the incomplete notice (05-05); an incomplete task still owes
# the rest, so the -1d reminder (05-09) comes, it lapses on 05-10, overdue 05-11 and the
# escalation 05-13 follow (the plan has no correction period).
eq(kinds_for(st, TB), ["escalation", "incomplete", "overdue", "reminder", "reminder"],
   "b: incomplete is chased like open")
# c: the -7d reminder of the old date (05-03) went out; the extension is told to c; then
# reminders of the new date (05-13 and 05-19), overdue and escalation of the new date only.
eq(kinds_for(st, TC), ["escalation", "extended", "overdue", "reminder", "reminder", "reminder"],
   "c: extension reschedules everything after it")
tasks = {t["key"]: t for t in st.tasks()}
eq(tasks[TA]["state"], "submitted", "a state")
eq(tasks[TB]["state"], "overdue", "b state: lapsed incomplete")
eq(tasks[TC]["state"], "overdue", "c state")
eq(tasks[TC]["due_date"], "2017-05-20", "c's new due date")
eq(tasks[TC]["original_due_date"], "2017-05-10", "c's original due stays on record")

# A late submission stops the escalation ladder.
st2 = Store("late")
st2.ok("init", "--clock", "virtual", "--now", "2017-05-01T00:00:00+08:00")
st2.ok("load", st2.write("ev.yaml", PLAN))
st2.ok("import", st2.write("reg.yaml", REG))
st2.ok("advance", "--to", "2017-05-11T12:00:00+08:00")   # after overdue (05-11 09:00)
st2.ok("submit", TA, "--by", "甲县环保局", "--sections", "overall,problems")
st2.ok("advance", "--to", "2017-06-30T00:00:00+08:00")
eq(kinds_for(st2, TA), ["overdue", "reminder", "reminder"], "late submission stops escalation")
t = {t["key"]: t for t in st2.tasks()}[TA]
eq((t["state"], t["late"]), ("submitted", True), "submitted late, and marked so")
# b and c lapsed too: two lapses in jurisdiction b and c each count once per jurisdiction,
# so no warning yet; a flag on b's task is b's second: the warning follows.
warnings = [n for n in st2.outbox() if "interview-warning" in n]
eq(warnings, [], "one lapse per jurisdiction: no warning")
st2.ok("flag", TB, "--kind", "concealed", "--by", "监测监察科", "--reason", "瞒报超标企业")
st2.ok("advance", "--to", "2017-07-02T00:00:00+08:00")
check(any("accountability" in n for n in st2.outbox()), "the flag notifies monitoring")
warnings = [n for n in st2.outbox() if "interview-warning" in n]
eq(len(warnings), 1, "lapse + flag in b bring the interview warning")

st.cleanup()
st2.cleanup()
done("submit, incomplete, extend, late submission, flag and conduct on a virtual clock")
