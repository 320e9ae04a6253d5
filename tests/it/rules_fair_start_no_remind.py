"""Fair start for a milestone without reminders (docs/plan-format.md, "Fair start"): it
promises its owners the grace period instead, so a task made after the end of the day
`grace` before its due date is a late arrival (grace period, start notice), and one made
on the evening of its due day does not lapse an hour later; one made earlier keeps the
plan's date. And a late arrival whose own deadline is later than its grace period's end
keeps that deadline: its start notice says it came too late to be reminded and speaks of
no grace. Every expected value is worked out by hand below (grace: 3wd, Asia/Shanghai, no
holidays in February or March 2017 apart from weekends)."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

PLAN = """\
plan: nr
title: 无提醒测试
timezone: Asia/Shanghai
notify_at: "09:00"
grace: 3wd
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  enterprise: {title: 企业, per: enterprise}
escalations:
  e:
    - {after: 1d, kind: overdue, notify: [owner]}
conduct:
  - {lapses: 1, within: 60d, kind: interview-warning, notify: [county_epb]}
phases:
  - id: p
    title: 阶段
    milestones:
      - {id: filing, title: 治理方案备案, owner: enterprise, for: each enterprise,
         due: 2017-02-10, escalate: e}
      - {id: annual, title: 年度报告, owner: enterprise, for: each enterprise,
         due: 2017-03-31, remind: [-30d], escalate: e}
"""
REG = """\
jurisdictions:
  - {id: a, name: 甲县, kind: county, email: [a@x.example]}
offices:
  admin: [admin@x.example]
"""
E = ["91130000000000000N", "91130000000000001R", "91130000000000002W", "91652325MA00000016"]
NAME = {e: f"E{i}" for i, e in enumerate(E)}


def csv(i):
    return (f"id,name,jurisdiction,industry,listed,email\n"
            f"{E[i]},企业{i},a,cement,true,e{i}@x.example\n")


def what(m):
    if "warning" in m["X-Dabiao-Kind"]:
        return "conduct/" + m["X-Dabiao-Subject"]
    k = m["X-Dabiao-Task"].split("/")
    return k[1] + "/" + NAME[k[2]]


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T00:00:00+08:00")
st.ok("load", st.write("plan.yaml", PLAN))
st.ok("import", st.write("reg.yaml", REG))

# The filing's grace period before its due (Friday 02-10) begins at the end of the third
# working day before it: Thu 09, Wed 08, Tue 07 -> 2017-02-07 23:59:59.
# E0 on Tuesday 02-07 at 08:00: not late, it keeps 02-10 (and is told nothing: no reminder).
st.ok("advance", "--to", "2017-02-07T08:00:00+08:00")
out = st.ok("import", st.write("e0.csv", csv(0)))
check("too late" not in out, f"E0 arrives in time: {out}")
# E1 on Wednesday 02-08 at 08:00: late; three working days from Wed: Thu 09, Fri 10, Mon 13.
st.ok("advance", "--to", "2017-02-08T08:00:00+08:00")
out = st.ok("import", st.write("e1.csv", csv(1)))
check("added too late to be met" in out, f"E1 is a late arrival: {out}")
# E2 at 23:00 on the due day: late; from Fri 10: Mon 13, Tue 14, Wed 15.
st.ok("advance", "--to", "2017-02-10T23:00:00+08:00")
st.ok("import", st.write("e2.csv", csv(2)))
t = {x["key"]: x for x in st.tasks()}
eq([(t[f"nr/filing/{e}/once"]["due_date"], t[f"nr/filing/{e}/once"]["original_due_date"])
    for e in E[:3]],
   [("2017-02-10", "2017-02-10"), ("2017-02-13", "2017-02-10"), ("2017-02-15", "2017-02-10")],
   "E0 keeps the plan's date; E1 and E2 get three working days from their day")

# Each lapse comes at its own deadline's next second, the overdue notice one day after the
# due date at 09:00, and the rule (one lapse warns) the morning after each new lapse.
st.ok("advance", "--to", "2017-02-16T12:00:00+08:00")
got = sorted((m["X-Dabiao-Scheduled"][:16], m["X-Dabiao-Kind"], what(m)) for m in st.mails())
eq(got, sorted([
    ("2017-02-08T08:00", "start", "filing/E1"),             # at once
    ("2017-02-10T23:00", "start", "filing/E2"),             # at once, not a lapse at 00:00
    ("2017-02-11T09:00", "overdue", "filing/E0"),           # E0 had its time: a true lapse
    ("2017-02-11T09:00", "interview-warning", "conduct/a"),
    ("2017-02-14T09:00", "overdue", "filing/E1"),           # missed Mon 02-13
    ("2017-02-14T09:00", "interview-warning", "conduct/a"),
    ("2017-02-16T09:00", "overdue", "filing/E2"),           # missed Wed 02-15
    ("2017-02-16T09:00", "interview-warning", "conduct/a"),
]), "start notices at once, each lapse only after its own deadline")
lapses = sorted((json.loads(ln)["record"]["task"].split("/")[2],
                 json.loads(json.loads(ln)["record"]["details"])["planned"][:19])
                for ln in st.ok("audit", "--format", "jsonl").splitlines()
                if json.loads(ln)["record"]["action"] == "task.lapse")
eq(lapses, [(E[0], "2017-02-11T00:00:00"), (E[1], "2017-02-14T00:00:00"),
            (E[2], "2017-02-16T00:00:00")], "lapses at the deadlines' next second")
starts = {m["X-Dabiao-Task"]: m.get_body().get_content() for m in st.mails()
          if m["X-Dabiao-Kind"] == "start"}
b2 = starts[f"nr/filing/{E[2]}/once"]
check("原定截止时间为2017年2月10日（星期五）24时" in b2 and "给予宽限" in b2 and
      "2017年2月15日（星期三）24时前" in b2, f"E2's start notice gives its grace: {b2}")

# E3 on Friday 03-10 at 10:00. Its filing (02-10) passed before it existed: grace from Fri
# 03-10: Mon 13, Tue 14, Wed 15. Its annual report (due Fri 03-31) is late too, its only
# reminder (-30d: 03-01 09:00) gone; but its grace would end 03-15, before 03-31: it keeps
# 03-31, and its start notice gives that date and no grace.
st.ok("advance", "--to", "2017-03-10T10:00:00+08:00")
st.ok("import", st.write("e3.csv", csv(3)))
t = {x["key"]: x for x in st.tasks()}
eq([(t[f"nr/{m}/{E[3]}/once"]["due_date"], t[f"nr/{m}/{E[3]}/once"]["original_due_date"])
    for m in ("filing", "annual")],
   [("2017-03-15", "2017-02-10"), ("2017-03-31", "2017-03-31")],
   "E3: grace for the filing, the plan's own later date for the annual report")
new = sorted((m["X-Dabiao-Scheduled"][:16], m["X-Dabiao-Kind"], what(m)) for m in st.mails()
             if m["X-Dabiao-Scheduled"] >= "2017-02-17")
eq(new, sorted([
    ("2017-03-01T09:00", "reminder", "annual/E0"),   # made before 03-01: reminded
    ("2017-03-01T09:00", "reminder", "annual/E1"),
    ("2017-03-01T09:00", "reminder", "annual/E2"),
    ("2017-03-10T10:00", "start", "filing/E3"),      # one notice listing both (review
]), "E3 gets one start notice at once and no back-dated reminder")  # 10e, m-K)
lists = [m for m in st.mails() if m["X-Dabiao-Kind"] == "start" and
         m["X-Dabiao-Scheduled"] >= "2017-03-10"]
eq([m.get_all("X-Dabiao-Task") for m in lists],
   [[f"nr/filing/{E[3]}/once", f"nr/annual/{E[3]}/once"]], "the notice names both tasks")
items = [ln.strip() for ln in lists[0].get_body().get_content().splitlines()
         if ln.strip()[:2] in ("1.", "2.")]
bf, ba = items
check("截止时间为2017年3月31日（星期五）24时" in ba and "来不及按期提醒" in ba and
      "2017年3月31日（星期五）24时前" in ba and "宽限" not in ba and "原定" not in ba,
      f"the kept deadline's item: its own date, no grace: {ba}")
check("不作逾期处理" in bf and "2017年3月15日（星期三）24时前" in bf,
      f"the filing's: the plan's deadline was behind, grace until 03-15: {bf}")
creates = {json.loads(ln)["record"]["task"]: json.loads(json.loads(ln)["record"]["details"])
           for ln in st.ok("audit", "--format", "jsonl").splitlines()
           if json.loads(ln)["record"]["action"] == "task.create"}
eq((creates[f"nr/annual/{E[3]}/once"].get("deadline_kept"),
    creates[f"nr/annual/{E[3]}/once"].get("grace_until")), ("2017-03-31", None),
   "its record says the deadline was kept, not a grace")
eq(creates[f"nr/filing/{E[1]}/once"]["late"],
   "created after its grace period before the due began", "and why E1's filing was late")

# A version 2 that moves the filing from 02-10 to Wednesday 03-15 (previewed, --dry-run):
# E3's grace deadline is 03-15 already, not earlier than the new date, so its filing keeps
# it, and the preview says the plan's date moved 02-10 -> 03-15 and why the task stays
# (not "2017-03-15 -> 2017-03-15"). E0..E2 lapsed in February: kept too (their deadlines
# have passed); their lines are not this test's.
out = st.ok("load", st.write("plan2.yaml", PLAN.replace("due: 2017-02-10", "due: 2017-03-15")),
            "--dry-run")
line = [ln.split() for ln in out.splitlines() if f"nr/filing/{E[3]}/once" in ln]
eq(line, [[f"nr/filing/{E[3]}/once", "2017-02-10", "->", "2017-03-15", "kept:", "its",
           "grace", "or", "correction", "deadline", "2017-03-15", "is", "not", "earlier"]],
   f"E3's filing: the plan's date moved, its grace deadline stays: {out}")
st.cleanup()
done("fair start without reminders: late after the grace period before the due began; "
     "a kept deadline's start notice speaks of no grace")
