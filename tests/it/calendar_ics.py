"""`dabiao calendar`: an iCalendar file (RFC 5545) of the deadlines, read back with
python3-icalendar: one all-day event per task on its shifted due date, UID the task key,
alarms exactly at the instants the engine reminds (day offsets at notify_at, working-day
offsets over the weekend, hour offsets from the deadline), none for a task handed in;
--subject and --role select; lines are CRLF and folded at 75 octets."""
import datetime as dt
import os
import subprocess
import sys

import icalendar

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import BIN, Store, eq, check, done  # noqa: E402

PLAN = """\
plan: cal
title: 日历测试计划
timezone: Asia/Shanghai
notify_at: "09:00"
calendar:
  weekend: [sat, sun]
  due_on_holiday: next-workday
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  enterprise: {title: 企业, per: enterprise}
  supervision: {title: 州环境监察支队}
lifecycles:
  rectification:
    initial: listed
    states: [listed, rectifying, verified, closed, overdue]
    final: [verified, closed]
    events:
      start: {listed: rectifying}
      verify: {rectifying: verified, overdue: verified}
      close: {listed: closed, rectifying: closed, overdue: closed}
    deadline: {from: [listed, rectifying], to: overdue}
phases:
  - id: p
    title: 阶段
    milestones:
      - id: evaluation
        title: 评估报告
        description: 评估报告五部分，报送州环境监察支队; 另附明细, 逗号
        owner: county_epb
        for: each jurisdiction
        submit_to: supervision
        due: 2017-05-10
        remind: [-7d, -1wd]
        requires: [overall, problems]
      - id: monthly
        title: 汇总表
        owner: county_epb
        for: each jurisdiction
        submit_to: supervision
        due: {every: 1 month, day: 5, from: 2017-07, until: 2017-08}
        remind: [-5d]
      - id: summary
        title: 全州汇总
        owner: supervision
        for: once
        due: 2017-06-01
        remind: [-2h]
      - id: rectification
        title: 超标企业整改
        owner: enterprise
        for: each enterprise
        where: {listed: true}
        lifecycle: rectification
        due: {field: rectify_by}
        remind: [-1d]
"""
E1 = "91652301MA74H957X2"
REG = f"""\
jurisdictions:
  - {{id: a, name: 甲县, kind: county, email: [a@x.example]}}
  - {{id: b, name: 乙县, kind: county, email: [b@x.example]}}
enterprises:
  - {{id: {E1}, name: 甲一钢铁, jurisdiction: a, industry: steel, listed: true,
     measure: rectify-by-deadline, rectify_by: 2017-09-29}}
offices:
  supervision: [s@x.example]
  admin: [admin@x.example]
"""
UTC = dt.timezone.utc


def z(y, mo, d, h, mi=0, s=0):
    return dt.datetime(y, mo, d, h, mi, s, tzinfo=UTC)


# key -> (due date, alarm instants in UTC); 09:00 in Shanghai is 01:00Z
WANT = {
    "cal/evaluation/a/once": (dt.date(2017, 5, 10), []),   # handed in: no alarms
    "cal/evaluation/b/once": (dt.date(2017, 5, 10), [z(2017, 5, 3, 1), z(2017, 5, 9, 1)]),
    "cal/monthly/a/2017-07": (dt.date(2017, 7, 5), [z(2017, 6, 30, 1)]),
    "cal/monthly/b/2017-07": (dt.date(2017, 7, 5), [z(2017, 6, 30, 1)]),
    # 08-05 is a Saturday: due Monday 08-07, reminded five days before that
    "cal/monthly/a/2017-08": (dt.date(2017, 8, 7), [z(2017, 8, 2, 1)]),
    "cal/monthly/b/2017-08": (dt.date(2017, 8, 7), [z(2017, 8, 2, 1)]),
    # two hours before the deadline 06-01 23:59:59 +08:00
    "cal/summary/supervision/once": (dt.date(2017, 6, 1), [z(2017, 6, 1, 13, 59, 59)]),
    f"cal/rectification/{E1}/once": (dt.date(2017, 9, 29), [z(2017, 9, 28, 1)]),
}

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-04-01T00:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG))
st.ok("submit", "cal/evaluation/a/once", "--by", "甲县环保局", "--sections", "overall,problems")


def events(*args):
    raw = subprocess.run([BIN, "--db", st.db, "calendar", *args], capture_output=True,
                         check=True).stdout
    return raw, icalendar.Calendar.from_ical(raw)


raw, cal = events()
eq(str(cal["VERSION"]), "2.0", "VERSION")
check(str(cal["PRODID"]).startswith("-//dabiao//"), "PRODID")
lines = raw.split(b"\r\n")
check(raw.endswith(b"\r\n") and all(b"\n" not in ln for ln in lines), "CRLF line ends")
check(all(len(ln) <= 75 for ln in lines), "lines folded at 75 octets")
evs = cal.walk("VEVENT")
eq(len(evs), len(WANT), "one event per task")
seen = {}
for ev in evs:
    uid = str(ev["UID"])
    check(uid.endswith("@dabiao"), f"UID {uid}")
    key = uid[:-len("@dabiao")]
    check(key not in seen, f"UID {uid} once")
    seen[key] = ev
eq(sorted(seen), sorted(WANT), "the task keys")
for key, (due, alarms) in WANT.items():
    ev = seen.get(key)
    if ev is None:
        continue
    start = ev.decoded("DTSTART")
    check(isinstance(start, dt.date) and not isinstance(start, dt.datetime),
          f"{key}: DTSTART is a DATE")
    eq(start, due, f"{key}: due date")
    eq(ev.decoded("DTEND"), due + dt.timedelta(days=1), f"{key}: an all-day event")
    got = sorted(a.decoded("TRIGGER") for a in ev.walk("VALARM"))
    eq(got, alarms, f"{key}: alarms at the reminder instants")
    for a in ev.walk("VALARM"):
        eq(str(a["ACTION"]), "DISPLAY", "alarm action")
ev = seen["cal/evaluation/b/once"]
eq(str(ev["SUMMARY"]), "评估报告（乙县）", "SUMMARY: milestone and subject")
desc = str(ev["DESCRIPTION"])
check("截止：2017年5月10日（星期三）24时" in desc, f"the deadline in DESCRIPTION: {desc}")
check("报送：州环境监察支队" in desc and "须含：overall、problems" in desc, desc)
check("另附明细, 逗号" in desc and "支队; 另附" in desc,
      f"commas and semicolons survive escaping: {desc}")
check(b"\\," in raw and b"\\;" in raw, "commas and semicolons are escaped in the file")
eq(str(seen[f"cal/rectification/{E1}/once"]["SUMMARY"]), "超标企业整改（甲一钢铁）",
   "an enterprise's name")
eq(str(seen["cal/monthly/a/2017-08"]["SUMMARY"]), "汇总表（甲县） 2017年8月", "the period")

# selections
_, c = events("--subject", "a", "--role", "county_epb")
eq(sorted(str(e["UID"]) for e in c.walk("VEVENT")),
   sorted(f"{k}@dabiao" for k in ("cal/evaluation/a/once", "cal/monthly/a/2017-07",
                                  "cal/monthly/a/2017-08")), "a's department's own deadlines")
_, c = events("--subject", "a")
eq(len(c.walk("VEVENT")), 4, "a's deadlines with its enterprise's")
_, c = events("--subject", E1)
eq([str(e["UID"]) for e in c.walk("VEVENT")], [f"cal/rectification/{E1}/once@dabiao"],
   "an enterprise's own calendar")
_, c = events("--role", "supervision")
eq([str(e["UID"]) for e in c.walk("VEVENT")], ["cal/summary/supervision/once@dabiao"],
   "the detachment's own task")
out = st.path("cal.ics")
st.ok("calendar", "--out", out)
eq(open(out, "rb").read(), raw, "--out writes the same bytes")
eq(st.run("calendar", "--role", "nobody")[0], 64, "an unknown role is a usage error")
eq(st.run("calendar", "--plan", "nope")[0], 64, "an unknown plan is a usage error too")
st.cleanup()
done("calendar: one event per task on its due date, alarms at the reminder instants")
