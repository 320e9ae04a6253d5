"""An office moves a task on its page in Chromium (review 11g): a rectification's lifecycle
events (S13: start, verify, close were `dabiao event` in a shell only), a verify recorded
afterwards with its time (`event --at`) voiding the lapse, and an accountability flag raised
by a slip withdrawn (S15: `flag --withdraw` only). Each is the command line's engine call,
audited as web:LOGIN; a county's account, another county's task, a missing form token and
a review event posted here are refused.

The plan: a county report due 2017-03-10 and, per enterprise, a rectification (listed →
rectifying → verified/closed, lapsing to overdue) due 2017-03-20. By hand: started on
03-05 09:00 it is 整改中; on 03-22 it has lapsed (逾期未报); verified "on site on 03-18
10:00" and entered on 03-22, it is 已核查销号, not late, its lapse voided."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402
from web_it import PASSWORD, Browser, Client, Server, screenshots  # noqa: E402

PLAN = """\
plan: ev
title: 整改测试方案
timezone: Asia/Shanghai
notify_at: "09:00"
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  enterprise: {title: 超标企业, per: enterprise}
  supervision: {title: 监察支队}
lifecycles:
  rect:
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
      - {id: report, title: 评估报告, owner: county_epb, for: each jurisdiction,
         submit_to: supervision, due: 2017-03-10}
      - {id: fix, title: 超标企业限期整改, owner: enterprise, for: each enterprise,
         submit_to: supervision, due: 2017-03-20, lifecycle: rect}
"""
REG = """\
jurisdictions:
  - {id: j1, name: 甲县, kind: county, email: [j1@x.example]}
  - {id: j2, name: 乙县, kind: county, email: [j2@x.example]}
enterprises:
  - {id: 91652301MA74H957X2, name: 甲一钢铁, jurisdiction: j1, industry: steel, email: [e1@x.example]}
  - {id: 91652323MA77AQUU8C, name: 乙二水泥, jurisdiction: j2, industry: cement, email: [e2@x.example]}
offices:
  supervision: [s@x.example]
  admin: [admin@x.example]
"""
FIX1 = "ev/fix/91652301MA74H957X2/once"
FIX2 = "ev/fix/91652323MA77AQUU8C/once"
REPORT = "ev/report/j1/once"


def last_record(st, task, action):
    recs = [r for r in st.records() if r.get("task") == task and r["action"] == action]
    return recs[-1] if recs else None


def details(rec):
    d = rec.get("details") if rec else None
    return json.loads(d) if isinstance(d, str) else (d or {})


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T00:00:00+08:00")
st.ok("load", st.write("plan.yaml", PLAN))
st.ok("import", st.write("reg.yaml", REG))
pw = st.write("pw", PASSWORD + "\n")
st.ok("user", "add", "officer", "--role", "supervision", "--name", "王科长", "--password-file", pw)
st.ok("user", "add", "county1", "--role", "county_epb", "--subject", "j1", "--name", "甲县李",
      "--password-file", pw)
st.ok("advance", "--to", "2017-03-05T09:00:00+08:00")
st.ok("submit", REPORT, "--by", "甲县李")

srv = Server(st)
shots = screenshots("web_task_events")
browser = Browser(srv.base, shots)
try:
    from selenium.webdriver.common.by import By

    def buttons(form_id):
        return {b.get_attribute("value"): b.text for b in
                browser.drv.find_elements(By.CSS_SELECTOR, f"#{form_id} button[name]")}

    browser.login("officer")
    # ---- S13: the lifecycle's events on the task page ----
    browser.go(f"/tasks/{FIX1}")
    browser.shot("rectification-listed")
    eq(buttons("event-form"), {"start": "记为：整改中", "close": "记为：已淘汰关闭"},
       "a listed rectification offers start and close (verify only once it is being "
       "rectified), each naming the state it leads to")
    browser.drv.find_element(By.ID, "event-reason").send_keys("企业已提交整改方案")
    browser.submit("event-start")
    eq(browser.text("#state"), "整改中", "started on the page: 整改中")
    check("企业已提交整改方案" in browser.text("#timeline"),
          "the timeline shows the reason given")
    rec = last_record(st, FIX1, "task.event")
    eq((rec or {}).get("actor"), "web:officer", "the event is audited with the web actor")
    eq(details(rec).get("event"), "start", "the record is the start event")
    eq(st.tasks("--milestone", "fix", "--jurisdiction", "j1")[0]["state"], "rectifying",
       "`dabiao tasks` agrees: rectifying")

    # a county's account, another county's task seen as missing, no form token, a
    # review event posted here: refused, nothing changes
    county = Client(srv.base)
    eq(county.login("county1")[0], 303, "the county logs in")
    county.get(f"/tasks/{FIX1}")
    eq(county.post(f"/tasks/{FIX1}/event", {"event": "verify"})[0], 403,
       "a county's account records no event on its enterprise's rectification")
    office = Client(srv.base)
    eq(office.login("officer")[0], 303, "the officer logs in (a second client)")
    office.get(f"/tasks/{FIX1}")
    eq(office.post(f"/tasks/{FIX1}/event", {"event": "verify"}, csrf=False)[0], 403,
       "without the form token: 403")
    eq(office.post(f"/tasks/{FIX1}/event", {"event": "submit"})[0], 400,
       "a hand-in is not an office's event: 400")
    eq(office.post(f"/tasks/{FIX1}/event", {"event": "no-such"})[0], 400,
       "an event the lifecycle does not have: 400")
    eq(office.post("/tasks/ev/fix/91652399XXXXXXXXXX/once/event", {"event": "verify"})[0],
       404, "a task that does not exist: 404")
    eq(st.tasks("--milestone", "fix", "--jurisdiction", "j1")[0]["state"], "rectifying",
       "the refused posts changed nothing")

    # the deadline passes: the rectification lapses; verified on site on 03-18, entered
    # on 03-22 with its time, it was done in time and the lapse is voided (event --at)
    st.ok("advance", "--to", "2017-03-22T10:00:00+08:00")
    eq(st.tasks("--milestone", "fix", "--jurisdiction", "j1")[0]["state"], "overdue",
       "lapsed on 03-21")
    browser.go(f"/tasks/{FIX1}")
    eq(buttons("event-form"), {"verify": "记为：已核查销号", "close": "记为：已淘汰关闭"},
       "an overdue rectification offers verify and close")
    at = browser.drv.find_element(By.ID, "event-at")
    browser.drv.execute_script("arguments[0].value = '2017-03-25T10:00'", at)
    browser.submit("event-verify")
    check("发生时间不能晚于现在" in browser.drv.find_element(By.TAG_NAME, "body").text,
          "a time after now is refused with its reason on the page")
    eq(st.tasks("--milestone", "fix", "--jurisdiction", "j1")[0]["state"], "overdue",
       "the refused verify changed nothing")
    browser.go(f"/tasks/{FIX1}")
    at = browser.drv.find_element(By.ID, "event-at")
    browser.drv.execute_script("arguments[0].value = '2017-03-18T10:00'", at)
    browser.drv.find_element(By.ID, "event-note").send_keys("现场核查记录第3号")
    browser.submit("event-verify")
    browser.shot("rectification-verified")
    eq(browser.text("#state"), "已核查销号", "verified on the page")
    check("event-form" not in browser.drv.page_source,
          "a final state offers no more events")
    check("补录，实际发生于（所记逾期不予计算）：2017-03-18T10:00" in browser.text("#timeline"),
          "the timeline says the verify was entered afterwards, when it happened")
    t = st.tasks("--milestone", "fix", "--jurisdiction", "j1")[0]
    eq((t["state"], t["late"]), ("verified", False),
       "`dabiao tasks`: verified, and not late (done before the deadline)")
    rec = last_record(st, FIX1, "task.event")
    d = details(rec)
    eq((rec or {}).get("actor"), "web:officer", "the verify is audited with the web actor")
    eq((d.get("event"), d.get("voids_lapse"), d.get("note")),
       ("verify", True, "现场核查记录第3号"),
       "the record is the verify, voiding the lapse, with the note")
    check(str(d.get("received_at", d.get("at", ""))).startswith("2017-03-18T10:00"),
          f"the record keeps when it happened: {d}")
    # the other county's enterprise's task is untouched
    eq(st.tasks("--milestone", "fix", "--jurisdiction", "j2")[0]["state"], "overdue",
       "another enterprise's rectification is unchanged")

    # ---- S15: a flag raised by a slip, withdrawn on the page ----
    browser.go(f"/tasks/{REPORT}")
    check("unflag-form" not in browser.drv.page_source,
          "no withdrawal form while the task has no flag")
    from selenium.webdriver.support.ui import Select
    Select(browser.drv.find_element(By.CSS_SELECTOR, "#review-form select[name=kind]")
           ).select_by_visible_text("瞒报")
    browser.drv.find_element(By.ID, "reason").send_keys("误点")
    browser.submit("flag")
    rec = last_record(st, REPORT, "task.flag")
    eq(details(rec).get("kind"), "concealed", "flagged 瞒报 from the page")
    browser.go(f"/tasks/{REPORT}")
    browser.shot("flagged")
    eq([o.text for o in browser.drv.find_elements(By.CSS_SELECTOR, "#unflag-kind option")],
       ["瞒报"], "the task page lists the flag it holds, to withdraw")
    office.get(f"/tasks/{REPORT}")
    eq(office.post(f"/tasks/{REPORT}/review", {"action": "unflag", "kind": "concealed"})[0],
       400, "a withdrawal without a reason: 400")
    eq(office.post(f"/tasks/{REPORT}/review", {"action": "unflag", "kind": "omitted",
                                               "reason": "x"})[0],
       409, "withdrawing a flag the task does not hold: 409")
    check(last_record(st, REPORT, "task.unflag") is None, "nothing withdrawn yet")
    browser.drv.find_element(By.ID, "unflag-reason").send_keys("误点，应为正常报送")
    browser.submit("unflag")
    browser.shot("unflagged")
    rec = last_record(st, REPORT, "task.unflag")
    eq(((rec or {}).get("actor"), details(rec).get("kind"), details(rec).get("reason")),
       ("web:officer", "concealed", "误点，应为正常报送"),
       "withdrawn: task.unflag audited with the web actor, kind and reason")
    check("撤销问责标记：瞒报" in browser.text("#timeline"),
          "the timeline says the flag was withdrawn")
    check("unflag-form" not in browser.drv.page_source, "no flag left to withdraw")
    rc, _, err = st.run("flag", REPORT, "--kind", "concealed", "--by", "x", "--reason", "y",
                        "--withdraw")
    check(rc == 65 and "withdrawn already" in err,
          f"the command line sees it withdrawn: {rc} {err}")
finally:
    browser.quit()
srv.stop()
st.cleanup()
done("an office records a lifecycle's events (with --at) and withdraws a flag on the task page")
