"""The officer's two Monday views tell the same story: `dabiao status` (its JSON) and the
web dashboard count the same tasks as waiting for review and the same days overdue, by the
rules of docs/plan-format.md (Lifecycles) and docs/web.md.

The plan is made where the two used to part:
- in a zone with daylight saving (Europe/Berlin, clocks forward on Sunday 2017-03-26), a
  deadline at the end of Saturday 03-25 is, at 00:30 on Monday 03-27, two calendar days
  overdue (03-26 and 03-27 begun) although only 23.5 hours have passed;
- a lifecycle whose `accept` also leaves the open state (the office may accept a report it
  received another way): an open task is still the owner's to do, not a review waiting."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402
from web_it import PASSWORD, Client, Server  # noqa: E402

PLAN = """\
plan: agree
title: 一致性测试
timezone: Europe/Berlin
notify_at: "09:00"
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  supervision: {title: 监察支队}
lifecycles:
  check:
    initial: open
    states: [open, submitted, accepted, overdue]
    final: [accepted]
    events:
      submit: {open: submitted, overdue: submitted}
      accept: {open: accepted, submitted: accepted}
    deadline: {from: [open], to: overdue}
phases:
  - id: p
    title: 阶段
    milestones:
      - id: roster
        title: 名录
        owner: county_epb
        for: each jurisdiction
        submit_to: supervision
        grace: 0d
        due: 2017-03-25
      - id: plan
        title: 方案
        owner: county_epb
        for: each jurisdiction
        submit_to: supervision
        lifecycle: check
        grace: 0d
        due: 2017-04-20
"""

REG = """\
jurisdictions:
  - {id: j1, name: 甲县, kind: county, email: [j1@x.example]}
  - {id: j2, name: 乙县, kind: county, email: [j2@x.example]}
offices:
  supervision: [s@x.example]
  admin: [admin@x.example]
"""

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T00:00:00+01:00")
st.ok("load", st.write("agree.yaml", PLAN))
st.ok("import", st.write("reg.yaml", REG))
st.ok("user", "add", "officer", "--role", "supervision", "--name", "王科长",
      "--password-file", st.write("pw", PASSWORD + "\n"))
# j1 hands in its plan (waiting for review); j2's stays open; both rosters lapse
st.ok("submit", "agree/plan/j1/once", "--by", "甲县李")
st.ok("advance", "--to", "2017-03-27T00:30:00+02:00")

status = json.loads(st.ok("status", "--format", "json"))
by_jur = {r["jurisdiction"]: r for r in status["jurisdictions"]}
over = {r["task"]: r["days_overdue"] for r in status["overdue"]}
eq(over, {"agree/roster/j1/once": 2, "agree/roster/j2/once": 2},
   "status: both rosters two calendar days overdue (03-26, 03-27 begun)")
eq([r["task"] for r in status["review"]], ["agree/plan/j1/once"],
   "status: only the handed-in plan waits for review")
eq((by_jur["j1"]["review"], by_jur["j2"]["review"]), (1, 0), "status: review counts")

srv = Server(st)
try:
    officer = Client(srv.base)
    eq(officer.login("officer")[0], 303, "the officer logs in")
    code, _, page = officer.get("/")
    eq(code, 200, "the dashboard answers")
    html = page
    table = html.split('id="by-jurisdiction"')[1].split("</table>")[0]
    rows = {}
    for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]:
        cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        rows[cells[0]] = cells
    check(set(rows) >= {"甲县", "乙县"}, f"dashboard rows per county: {sorted(rows)}")
    # columns: 辖区 未办结 7日内到期 逾期（最长天数） 迟报 内容不全 已退回 待审核 ...
    # 未办结 is status's `open` (review 11b, M4: the dashboard counted only tasks a deadline
    # still ran from, 0 for a county whose tasks were all overdue): j1 has its overdue
    # roster and its handed-in plan (2), j2 its overdue roster and its open plan (2)
    eq((by_jur["j1"]["open"], by_jur["j2"]["open"]), (2, 2), "status: 未办结 counts")
    eq((rows["甲县"][1], rows["乙县"][1]), ("2", "2"), "dashboard: 未办结 as status's")
    eq((rows["甲县"][3], rows["乙县"][3]), ("1（2天）", "1（2天）"),
       "dashboard: one overdue each, 2 days as status says")
    eq((rows["甲县"][7], rows["乙县"][7]), ("1", "0"),
       "dashboard: review counts as status's (j2's open plan is not a review)")
    overdue = html.split('id="overdue"')[1].split("</table>")[0]
    days = re.findall(r'<td class="n late">(\d+)</td>', overdue)
    eq(days, ["2", "2"], "dashboard's overdue list: 2 days each")
    code, _, page = officer.get("/review")
    html = page
    eq(code, 200, "the review queue answers")
    check("agree/plan/j1/once" in html, "the review queue lists j1's plan")
    check("agree/plan/j2/once" not in html, "the review queue leaves out j2's open plan")
    code, _, page = officer.get("/tasks?jurisdiction=j1&state=overdue")
    html = page
    check("逾期2天" in html, "the task list says 逾期2天 as well")
finally:
    srv.stop()
done("status and the dashboard agree on 未办结, review and days overdue")
