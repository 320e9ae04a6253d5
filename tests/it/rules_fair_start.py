"""Issue 10, case 4, on a small plan written here: a subject that joins late is treated
fairly. Periods of a series whose deadline passed before the enterprise was imported are
not applicable; a one-off task already past its deadline gets the plan's grace period
(grace: 5wd) and a start notice; a reminder whose time passed before the task existed is
never sent; nothing is back-dated, nothing lapses or warns for a deadline nobody could
meet -- on the virtual clock and on the real clock with the daemon running. The calendar
agrees. Every expected notice is worked out by hand below."""
import datetime
import os
import re
import signal
import sys
import time
import zoneinfo

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, start_daemon  # noqa: E402

PLAN = """\
plan: r3
title: 新纳入测试
timezone: Asia/Shanghai
notify_at: "09:00"
grace: 5wd
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  enterprise: {title: 企业, per: enterprise}
escalations:
  e:
    - {after: 1d, kind: overdue, notify: [owner, county_epb]}
conduct:
  - {lapses: 2, within: 60d, kind: interview-warning, notify: [county_epb]}
phases:
  - id: p
    title: 阶段
    milestones:
      - {id: weekly, title: 周报, owner: enterprise, for: each enterprise,
         due: {every: 1 week, day: fri, from: 2017-W02, until: 2017-W10}, remind: [-1d], escalate: e}
      - {id: filing, title: 治理方案备案, owner: enterprise, for: each enterprise,
         due: 2017-02-10, remind: [-3d], escalate: e}
      - {id: receipt, title: 告知书回执, owner: enterprise, for: each enterprise,
         due: 2017-02-22, remind: [-7d, -1d], escalate: e}
"""

REG = """\
jurisdictions:
  - {id: a, name: 甲县, kind: county, email: [a@x.example]}
offices:
  admin: [admin@x.example]
"""
E = "91130000000000001R"
CSV = f"id,name,jurisdiction,industry,listed,email\n{E},新发现企业（样例）,a,cement,是,e@x.example\n"



st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
st.ok("load", st.write("r3.yaml", PLAN))
st.ok("import", st.write("reg.yaml", REG))
st.ok("advance", "--to", "2017-02-20T10:00:00+08:00")          # Monday
out = st.ok("import", st.write("e.csv", CSV))
check(re.search(r"not applicable.*\s6\n", out) and re.search(r"grace period.*\s1\n", out),
      f"the import says what it did: {out}")
tasks = {t["key"]: t for t in st.tasks()}
na = sorted(k for k, t in tasks.items() if t["state"] == "not-applicable")
eq(na, [f"r3/weekly/{E}/2017-W0{w}" for w in range(2, 8)],
   "the weeks whose Friday passed before the import (01-13 .. 02-17) are not applicable")
f = tasks[f"r3/filing/{E}/once"]
eq((f["state"], f["due_date"], f["original_due_date"]), ("open", "2017-02-27", "2017-02-10"),
   "the filing due 02-10 gets five working days from Monday 02-20: Monday 02-27")
starts = [m for m in st.mails() if m["X-Dabiao-Kind"] == "start"]
eq([(m["X-Dabiao-Task"], str(m["To"]), m["X-Dabiao-Scheduled"]) for m in starts],
   [(f"r3/filing/{E}/once", "e@x.example", "2017-02-20T10:00:00+08:00")],
   "one start notice, now, to the enterprise")
body = starts[0].get_body().get_content()
check("原定截止时间为2017年2月10日（星期五）24时" in body and
      "于2017年2月27日（星期一）24时前完成治理方案备案" in body and "不作逾期处理" in body
      and "在你单位纳入之前已经届满" in body,
      f"the start notice gives both deadlines, and that the unit joined late: {body}")

st.ok("advance", "--to", "2017-03-15T00:00:00+08:00")
def what(m):
    if "warning" in m["X-Dabiao-Kind"]:
        return "conduct/" + m["X-Dabiao-Subject"]
    return m["X-Dabiao-Task"].split("/")[1] + "/" + m["X-Dabiao-Task"].split("/")[3]


got = sorted((m["X-Dabiao-Scheduled"][:16], m["X-Dabiao-Kind"], what(m)) for m in st.mails())
eq(got, [
    ("2017-02-20T10:00", "start", "filing/once"),
    ("2017-02-21T09:00", "reminder", "receipt/once"),    # -1d; its -7d (02-15) came before E
    ("2017-02-23T09:00", "overdue", "receipt/once"),     # a true lapse: 02-22 23:59
    ("2017-02-23T09:00", "reminder", "weekly/2017-W08"),  # -1d before Friday 02-24
    ("2017-02-24T09:00", "reminder", "filing/once"),     # -3d before the grace deadline
    ("2017-02-25T09:00", "interview-warning", "conduct/a"),
    ("2017-02-25T09:00", "overdue", "weekly/2017-W08"),
    ("2017-02-28T09:00", "overdue", "filing/once"),      # lapsed at the grace deadline
    ("2017-03-02T09:00", "reminder", "weekly/2017-W09"),
    ("2017-03-04T09:00", "interview-warning", "conduct/a"),
    ("2017-03-04T09:00", "overdue", "weekly/2017-W09"),
    ("2017-03-09T09:00", "reminder", "weekly/2017-W10"),
    ("2017-03-11T09:00", "overdue", "weekly/2017-W10"),
], "from the import on: nothing back-dated, warnings only for lapses E could have avoided")
warn = sorted((m for m in st.mails() if m["X-Dabiao-Kind"] == "interview-warning"),
              key=lambda m: m["X-Dabiao-Scheduled"])
eq([sorted(t.split("/")[1] + "/" + t.split("/")[3] for t in m.get_all("X-Dabiao-Task"))
    for m in warn],
   [["receipt/once", "weekly/2017-W08"],
    ["filing/once", "receipt/once", "weekly/2017-W08", "weekly/2017-W09"]],
   "the warnings' lapses: 2, then 2 more (4 in all); no not-applicable week among them")

ics = st.path("c.ics")
st.ok("calendar", "--out", ics)
cal = open(ics, "rb").read().decode().replace("\r\n ", "")
events = {re.search(r"UID:([^\r\n]+)@dabiao", e).group(1): e for e in cal.split("BEGIN:VEVENT")[1:]}
eq(sorted(k for k in events if "/weekly/" in k),
   [f"r3/weekly/{E}/2017-W0{w}" for w in (8, 9)] + [f"r3/weekly/{E}/2017-W10"],
   "the calendar holds no not-applicable week")
check("DTSTART;VALUE=DATE:20170227" in events[f"r3/filing/{E}/once"],
      "the calendar shows the grace deadline")
# A plan loaded late (review 10c, m5): the county always existed, the matter reached it
# late. Loaded Wednesday 03-15 00:00, a roster due 03-01: grace 5wd from 03-15 is
# Wednesday 03-22, and the start notice says the deadline passed before the matter was
# given, not before the county "joined".
st.ok("load", st.write("late-plan.yaml", PLAN.replace("plan: r3", "plan: r3late").split(
    "    milestones:")[0] + """    milestones:
      - {id: roster, title: 排污单位名录, owner: county_epb, for: each jurisdiction,
         due: 2017-03-01}
"""))
sl = [m for m in st.mails() if m["X-Dabiao-Kind"] == "start" and
      m["X-Dabiao-Task"] == "r3late/roster/a/once"]
body = sl[0].get_body().get_content() if sl else ""
check("原定截止时间为2017年3月1日（星期三）24时，在该事项下达之前已经届满，不作逾期处理。" in body
      and "2017年3月22日（星期三）24时前" in body and "你单位纳入" not in body,
      f"a plan loaded late: the matter came late, not the unit: {body}")
# review 10d, m-2: a first deployment's documented order is load, then import. County b,
# imported after r3late (whose first version was loaded 03-15, after the roster's 03-01),
# was not late: the matter was. Imported Wednesday 03-15 00:00 too: grace to 03-22.
st.ok("import", st.write("reg-b.yaml", REG.replace(
    "offices:", "  - {id: b, name: 乙县, kind: county, email: [b@x.example]}\noffices:")))
sl = [m for m in st.mails() if m["X-Dabiao-Kind"] == "start" and
      m["X-Dabiao-Task"] == "r3late/roster/b/once"]
body = sl[0].get_body().get_content() if sl else ""
check("原定截止时间为2017年3月1日（星期三）24时，在该事项下达之前已经届满，不作逾期处理。" in body
      and "2017年3月22日（星期三）24时前" in body and "你单位纳入" not in body,
      f"imported after a plan that came late itself: the matter came late: {body}")
st.cleanup()

# The real clock: a plan whose due date was 20 days ago, loaded and imported today, with
# the daemon running past the plan's notify_at: a start notice, no lapse, no warning.
ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
now = datetime.datetime.now(ZONE)
notify = (now + datetime.timedelta(seconds=4)).strftime("%H:%M:%S")
due = (now - datetime.timedelta(days=20)).date().isoformat()
RT = f"""\
plan: rt
title: 实时
timezone: Asia/Shanghai
notify_at: "{notify}"
roles:
  county_epb: {{title: 县环保局, per: jurisdiction}}
  enterprise: {{title: 企业, per: enterprise}}
escalations:
  e:
    - {{after: 1d, kind: overdue, notify: [owner, county_epb]}}
conduct:
  - {{lapses: 1, within: 90d, kind: interview-warning, notify: [county_epb]}}
phases:
  - id: p
    title: 阶段
    milestones:
      - {{id: filing, title: 治理方案备案, owner: enterprise, for: each enterprise, due: {due},
         remind: [-7d], escalate: e}}
"""
st2 = Store("rt")
st2.ok("init", "--clock", "real", "--tz", "Asia/Shanghai")
st2.ok("load", st2.write("rt.yaml", RT))
st2.ok("import", st2.write("reg.yaml", REG))
st2.ok("import", st2.write("e.csv", CSV))
p = start_daemon(st2)
# the daemon must have run past notify_at (when an overdue notice would go) and sent the
# start notice, however slow the machine: poll for both, then give it 3 s more
notify_ts = now.timestamp() + 4
end = time.time() + 180
while time.time() < end and (time.time() < notify_ts + 3 or not st2.mails()):
    time.sleep(0.2)
p.send_signal(signal.SIGTERM)
eq(p.wait(timeout=60), 0, "the daemon stops cleanly")
eq(sorted(m["X-Dabiao-Kind"] for m in st2.mails()), ["start"],
   "real clock: the start notice only; no overdue notice, no warning")
t = st2.tasks()[0]
eq(t["state"], "open", "real clock: the late task is open, not a lapse")
st2.cleanup()
done("late arrivals: not applicable, grace and start notice, nothing back-dated, both clocks")
