"""Every iCalendar file dabiao writes — `dabiao calendar` with each selection, and the web's
/calendar.ics for an office (any subject or role), a county and an enterprise — says what a
county reads in Chinese: SUMMARY, DESCRIPTION, LOCATION and each alarm's text name the
milestone, the period, the jurisdiction, the sections, the state and the plan by their
titles, never a task key, milestone, role, section or state id; those stay in UID and the
X-DABIAO- properties, which this test reads back with python3-icalendar (issue 11)."""
import os
import re
import subprocess
import sys

import icalendar

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import BIN, Store, eq, check, done  # noqa: E402
from web_it import Client, Server, PASSWORD  # noqa: E402

# every id is Latin, every title Chinese: any Latin letter a reader sees is a machine key
PLAN = """\
plan: kcal
title: 日历文字测试方案
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
        description: 评估报告五部分，报送州环境监察支队
        owner: county_epb
        for: each jurisdiction
        submit_to: supervision
        due: 2017-05-10
        remind: [-7d, -1wd]
        requires: {overall: 总体情况, problems: 存在的问题}
      - id: monthly
        title: 月度汇总表
        owner: county_epb
        for: each jurisdiction
        submit_to: supervision
        due: {every: 1 month, day: 5, from: 2017-07, until: 2017-08}
        covers: previous
        remind: [-5d]
      - id: meeting
        title: 调度会材料
        owner: county_epb
        for: each jurisdiction
        submit_to: supervision
        due: "2017-06-01T09:30:00"
        remind: [-2h, 0h]
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
  - {{id: ja, name: 甲县, kind: county, email: [a@x.example]}}
  - {{id: jb, name: 乙县, kind: county, email: [b@x.example]}}
enterprises:
  - {{id: {E1}, name: 甲一钢铁, jurisdiction: ja, industry: steel, listed: true,
     measure: rectify-by-deadline, rectify_by: 2017-09-29}}
offices:
  supervision: [s@x.example]
  admin: [admin@x.example]
"""
LATIN = re.compile(r"[A-Za-z]")

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-04-01T00:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG))
st.ok("submit", "kcal/evaluation/ja/once", "--by", "甲县环保局", "--sections", "overall")
st.ok("extend", "kcal/evaluation/jb/once", "--to", "2017-05-17", "--by", "王科长",
      "--reason", "乙县申请")
pw = st.write("pw", PASSWORD + "\n")
for login, role, subject in (("officer", "supervision", None), ("county", "county_epb", "ja"),
                             ("ent", "enterprise", E1)):
    st.ok("user", "add", login, "--role", role, "--password-file", pw,
          *(["--subject", subject] if subject else []))


def readable(where, cal):
    """Every text a person reads in cal, with no Latin letter; the events by task key."""
    evs = {}
    for ev in cal.walk("VEVENT"):
        key = str(ev["X-DABIAO-TASK"])
        eq(str(ev["UID"]), f"{key}@dabiao", f"{where}: the key stays in UID")
        evs[key] = ev
        for comp in [ev] + list(ev.walk("VALARM")):
            for name in ("SUMMARY", "DESCRIPTION", "LOCATION"):
                if name in comp:
                    text = str(comp[name])
                    check(not LATIN.search(text),
                          f"{where}: {key} {comp.name} {name} shows a machine key: {text!r}")
    check(evs, f"{where}: the calendar has events")
    return evs


def cli(*args):
    raw = subprocess.run([BIN, "--db", st.db, "calendar", *args], capture_output=True,
                         check=True).stdout
    return icalendar.Calendar.from_ical(raw)


evs = readable("calendar", cli())
for args in (("--subject", "ja"), ("--role", "county_epb"), ("--subject", E1),
             ("--role", "supervision"), ("--plan", "kcal"),
             ("--subject", "jb", "--role", "county_epb")):
    readable("calendar " + " ".join(args), cli(*args))

# what the words are: titles, names, Chinese dates and states
ev = evs["kcal/evaluation/ja/once"]
eq(str(ev["SUMMARY"]), "评估报告（甲县）", "SUMMARY: the milestone's title and the county")
eq(str(ev["LOCATION"]), "甲县", "LOCATION: the jurisdiction's name")
d = str(ev["DESCRIPTION"])
for want in ("截止：2017年5月10日（星期三）24时", "责任：县环保局（甲县）", "报送：州环境监察支队",
             "须含：总体情况、存在的问题", "状态：内容不全", "计划：日历文字测试方案"):
    check(want in d, f"DESCRIPTION has {want!r}: {d!r}")
eq([str(ev[k]) for k in ("X-DABIAO-PLAN", "X-DABIAO-MILESTONE", "X-DABIAO-SUBJECT",
                         "X-DABIAO-PERIOD", "X-DABIAO-OWNER", "X-DABIAO-STATE")],
   ["kcal", "evaluation", "ja", "once", "county_epb", "incomplete"],
   "the keys in X- properties")
d = str(evs["kcal/evaluation/jb/once"]["DESCRIPTION"])
check("截止：2017年5月17日（星期三）24时" in d and "原截止：2017年5月10日（星期三）24时（已延期）" in d
      and "状态：未报送" in d, f"an extended task: {d!r}")
alarms = sorted(str(a["DESCRIPTION"]) for a in evs["kcal/evaluation/jb/once"].walk("VALARM"))
eq(alarms, ["提醒（提前1个工作日）：评估报告（乙县）", "提醒（提前7天）：评估报告（乙县）"],
   "the alarms say how long before, in words")
# covers: previous — the table due in August covers July
eq(str(evs["kcal/monthly/ja/2017-08"]["SUMMARY"]), "月度汇总表（甲县） 2017年7月",
   "the period the table covers, in Chinese")
ev = evs["kcal/meeting/jb/once"]
check("截止：2017年6月1日（星期四）9时30分" in str(ev["DESCRIPTION"]), str(ev["DESCRIPTION"]))
eq(sorted(str(a["DESCRIPTION"]) for a in ev.walk("VALARM")),
   ["提醒（截止当时）：调度会材料（乙县）", "提醒（提前2小时）：调度会材料（乙县）"], "hour offsets")
ev = evs[f"kcal/rectification/{E1}/once"]
eq((str(ev["SUMMARY"]), str(ev["LOCATION"])), ("超标企业整改（甲一钢铁）", "甲县"),
   "an enterprise's task: its name, and its county as the place")
check("状态：未启动" in str(ev["DESCRIPTION"]), str(ev["DESCRIPTION"]))
ev = evs["kcal/summary/supervision/once"]
eq((str(ev["SUMMARY"]), str(ev["LOCATION"])), ("全州汇总（州环境监察支队）", "州环境监察支队"),
   "the office's own task: its title")

# the web's downloads: the same words for an office, a county and an enterprise
srv = Server(st)
try:
    for login, paths, n in (("officer", ["/calendar.ics", "/calendar.ics?subject=ja",
                                         "/calendar.ics?role=county_epb",
                                         f"/calendar.ics?subject={E1}"], None),
                            ("county", ["/calendar.ics"], 4),
                            ("ent", ["/calendar.ics"], 1)):
        c = Client(srv.base)
        eq(c.login(login)[0], 303, f"{login} logs in")
        for path in paths:
            status, hdrs, body = c.get(path)
            eq((status, hdrs.get_content_type()), (200, "text/calendar"), f"{login} {path}")
            got = readable(f"web {login} {path}", icalendar.Calendar.from_ical(body))
            if n is not None:
                eq(len(got), n, f"{login}: its own deadlines")
        if n is not None:   # where a county or an enterprise finds its calendar
            body = c.get("/tasks")[2]
            check('id="calendar" href="/calendar.ics"' in body,
                  f"{login}'s task list links its calendar")
finally:
    srv.stop()
st.cleanup()
done("every calendar, from the command line or the web, reads in Chinese: keys only in UID "
     "and X- properties")
