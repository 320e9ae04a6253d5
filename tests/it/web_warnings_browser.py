"""The leadership's 约谈/限批 page in a real browser (Debian's headless Chromium through
chromium-driver and python3-selenium), checked on what a person sees, not on the HTML:

two counties lapse on a plan whose rules propose a public interview (约谈) at one lapse and
a restriction of approvals (限批) at two, both decided by the prefecture bureau. 甲县 missed
both of its reports, 乙县 one. The leader logs in through the form and sees three proposals,
each with its county's name as text (a hostile name shows as typed, runs nothing), the
measure in Chinese, the count and the lapses behind it as links to the tasks; the browser
will not send a decision without a reason; the leader approves 甲县's 限批 and dismisses
乙县's 约谈, each with a reason, and sees them move to the decided table with the name,
the result and the reason; the approved warning reaches 甲县 alone; the officer, who is not
a deciding role, sees the remaining proposal without buttons.

Screenshots: $DABIAO_SCREENSHOTS, else web_warnings_browser-screenshots/ of the folder the
test runs in (numbered from 09, after web_browser.py's, so both can fill docs/web/)."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, fail  # noqa: E402
from web_it import PASSWORD, WARNINGS_REG, XSS_J1, Browser, Server  # noqa: E402

from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

PLAN = """\
plan: wd
title: 预警决定测试
timezone: Asia/Shanghai
notify_at: "09:00"
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  supervision: {title: 监察支队}
  prefecture_epb: {title: 州环保局}
conduct:
  - {lapses: 1, within: 90d, kind: interview-warning, decide: [prefecture_epb],
     notify: [county_epb]}
  - {lapses: 2, within: 90d, kind: approval-restriction-warning, decide: [prefecture_epb],
     notify: [county_epb]}
phases:
  - id: p
    title: 阶段
    milestones:
      - {id: roster, title: 排污单位名录, owner: county_epb, for: each jurisdiction,
         due: 2017-03-10}
      - {id: base, title: 超标企业基数, owner: county_epb, for: each jurisdiction,
         due: 2017-03-10}
"""

st = Store()
shots = os.environ.get("DABIAO_SCREENSHOTS") or os.path.join(
    os.getcwd(), "web_warnings_browser-screenshots")
# a month ahead: a task made within the grace period (10wd) before a due without
# reminders would be a late arrival (docs/plan-format.md, "Fair start")
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T00:00:00+08:00")
st.ok("load", st.write("wd.yaml", PLAN))
st.ok("import", st.write("reg.yaml", WARNINGS_REG))
pw = st.write("pw", PASSWORD + "\n")
st.ok("user", "add", "leader", "--role", "prefecture_epb", "--name", "赵局长",
      "--password-file", pw)
st.ok("user", "add", "officer", "--role", "supervision", "--name", "王科长",
      "--password-file", pw)
# 乙县 hands in its 超标企业基数 on time; everything else lapses after 03-10 23:59:59.
# At the next notify_at (03-11 09:00): 甲县 has 2 lapses (约谈 at 1, 限批 at 2), 乙县 1 (约谈).
st.ok("advance", "--to", "2017-03-05T10:00:00+08:00")
st.ok("submit", "wd/base/j2/once", "--by", "乙县周")
st.ok("advance", "--to", "2017-03-11T12:00:00+08:00")
ws = {(w["jurisdiction"], w["kind"]): w for w in json.loads(st.ok("warnings", "--format", "json"))}
eq(sorted(ws), [("j1", "approval-restriction-warning"), ("j1", "interview-warning"),
                ("j2", "interview-warning")], "three proposals before the browser opens")
id_j1_int = ws[("j1", "interview-warning")]["id"]
id_j1_res = ws[("j1", "approval-restriction-warning")]["id"]
id_j2_int = ws[("j2", "interview-warning")]["id"]

srv = Server(st)
b = Browser(srv.base, shots, first=9)
drv = b.drv


def row(table, wid):
    """The visible text of warning wid's row in table (proposed or decided), by column."""
    found = drv.find_elements(By.CSS_SELECTOR, f"#{table} tr#warning-{wid} > td")
    return [td.text for td in found]


def no_alert():
    try:
        drv.switch_to.alert
        return False
    except NoAlertPresentException:
        return True


def mails_of(kind):
    return [(m["X-Dabiao-Subject"], str(m["To"])) for m in st.mails()
            if m["X-Dabiao-Kind"] == kind]


try:
    # ---- the leader logs in through the form and opens the warnings ----
    b.login("leader")
    b.go("/warnings")
    eq(b.text("h1"), "约谈、限批预警", "the page's heading")
    eq(len(drv.find_elements(By.CSS_SELECTOR, "#proposed tbody tr")), 3, "three proposals")
    eq(len(drv.find_elements(By.CSS_SELECTOR, "#decided tbody tr")), 0, "nothing decided yet")
    # columns: 编号 辖区 措施 累计次数 提出时间 事由 决定
    r = row("proposed", id_j1_res)
    eq(r[:5], [id_j1_res, XSS_J1, "限批预警", "2", "2017-03-11 09:00 +08:00"],
       "甲县's 限批: its name exactly as typed, the measure in Chinese, two lapses")
    check(no_alert(), "the hostile name ran nothing")
    lapses = sorted(a.text for a in drv.find_elements(
        By.CSS_SELECTOR, f"#proposed tr#warning-{id_j1_res} ol.items a"))
    eq(lapses, sorted(["超标企业基数", "排污单位名录"]), "the two lapses behind it, as links")
    links = sorted(a.get_attribute("href") for a in drv.find_elements(
        By.CSS_SELECTOR, f"#proposed tr#warning-{id_j1_res} ol.items a"))
    eq(links, [srv.base + "/tasks/wd/base/j1/once", srv.base + "/tasks/wd/roster/j1/once"],
       "each lapse links to its task")
    check(all(li.text.startswith("逾期：") for li in drv.find_elements(
        By.CSS_SELECTOR, f"#proposed tr#warning-{id_j1_res} ol.items li")),
        "each is named a lapse (逾期)")
    eq(row("proposed", id_j1_int)[2:4], ["约谈预警", "2"], "甲县's 约谈, two lapses")
    eq(row("proposed", id_j2_int)[1:4], ["乙县", "约谈预警", "1"], "乙县's 约谈, one lapse")
    check("interview-warning" not in drv.find_element(By.TAG_NAME, "body").text,
          "no machine key on screen")
    b.shot("warnings-proposed")

    # ---- no decision without a reason: the browser keeps the form ----
    form = drv.find_element(By.CSS_SELECTOR, f"form[action='/warnings/{id_j2_int}']")
    form.find_element(By.CSS_SELECTOR, "button[value='dismiss']").click()
    eq(drv.current_url, srv.base + "/warnings", "an empty reason is not sent")
    eq(drv.execute_script("return arguments[0].validity.valueMissing",
                          form.find_element(By.TAG_NAME, "textarea")), True,
       "the browser points at the missing reason")
    eq(json.loads(st.ok("warnings", "--format", "json"))[int(id_j2_int) - 1]["state"],
       "proposed", "still proposed")

    # ---- approve 甲县's 限批, dismiss 乙县's 约谈 ----
    def decide(wid, decision, reason):
        f = drv.find_element(By.CSS_SELECTOR, f"form[action='/warnings/{wid}']")
        f.find_element(By.TAG_NAME, "textarea").send_keys(reason)
        b.click_and_wait(f.find_element(By.CSS_SELECTOR, f"button[value='{decision}']"))
        eq(drv.current_url, srv.base + "/warnings", "back on the warnings after deciding")

    decide(id_j1_res, "approve", "两项报告均逾期未报，依方案限批")
    decide(id_j2_int, "dismiss", "已电话说明原因")
    eq([tr.get_attribute("id") for tr in drv.find_elements(By.CSS_SELECTOR,
                                                           "#proposed tbody tr")],
       [f"warning-{id_j1_int}"], "one proposal left: 甲县's 约谈")
    # columns: 编号 辖区 措施 累计次数 提出时间 事由 结果 决定人、时间和理由
    r = row("decided", id_j1_res)
    eq(r[1:4] + [r[6]], [XSS_J1, "限批预警", "2", "已发出"], "甲县's 限批 sent")
    eq(r[7], "赵局长，2017-03-11 12:00 +08:00：两项报告均逾期未报，依方案限批",
       "who decided, when (the store's clock) and why")
    r = row("decided", id_j2_int)
    eq([r[1], r[2], r[6], r[7]], ["乙县", "约谈预警", "不予发出",
                                  "赵局长，2017-03-11 12:00 +08:00：已电话说明原因"],
       "乙县's 约谈 dismissed, with why")
    b.shot("warnings-decided")
    eq(mails_of("approval-restriction-warning"), [("j1", "j1@x.example")],
       "the approved 限批 went to 甲县 alone")
    eq(mails_of("interview-warning"), [], "no 约谈 went out")

    # ---- the officer is not a deciding role: no buttons ----
    b.click_and_wait(drv.find_element(By.CSS_SELECTOR, "form[action='/logout'] button"))
    b.login("officer")
    b.go("/warnings")
    eq(row("proposed", id_j1_int)[6], "由方案指定的决定部门决定",
       "the officer is told who decides")
    eq(drv.find_elements(By.CSS_SELECTOR, "#proposed button"), [], "and gets no buttons")
except Exception as ex:  # a failure anywhere still leaves its screenshot
    b.shot("failure")
    import traceback
    fail(f"warnings in the browser: {ex!r}\n{traceback.format_exc()}")
finally:
    b.quit()
    srv.stop()

st.cleanup()
print(f"screenshots: {shots}")
done("leadership decides 约谈/限批 in a browser")
