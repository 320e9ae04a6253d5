"""The web's whole story in a real browser (Debian's headless Chromium through
chromium-driver and python3-selenium), on a virtual-clock store:

the officer logs in and sees the late list; a county opens the link from its reminder
(an .eml in the outbox), uploads a PDF and sees its receipt; the task's next reminder does
not go out; the officer returns it with a reason; the county gets the returned notice and
resubmits from its fresh link; the officer accepts; the dashboard and `dabiao tasks` agree.

Screenshots of each page are kept as the test's artefacts in $DABIAO_SCREENSHOTS, else in
web_browser-screenshots/ of the folder the test runs in (ctest: build/*/tests/);
docs/web/ holds the ones docs/web.md shows, made with DABIAO_SCREENSHOTS=docs/web."""
import hashlib
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, fail  # noqa: E402
from web_it import (PASSWORD, REG, XSS_J1, Browser, Server, links_in_outbox)  # noqa: E402
import web_it  # noqa: E402

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

# the shared test plan, its sections titled as a bureau's plan titles them (the screenshots
# in docs/web.md show what a county sees), and one more report due 03-03, so something is
# late on 03-07
PLAN = web_it.PLAN.replace("requires: [overall, problems]",
                           "requires: {overall: 总体情况, problems: 存在的问题和不足}") + """\
      - id: roster
        title: 重点排污单位名录
        owner: county_epb
        for: each jurisdiction
        submit_to: supervision
        due: 2017-03-03
        escalate: std
"""
T1, T2 = "web/report/j1/once", "web/report/j2/once"
R1, R2 = "web/roster/j1/once", "web/roster/j2/once"

st = Store()
shots = os.environ.get("DABIAO_SCREENSHOTS") or os.path.join(os.getcwd(),
                                                            "web_browser-screenshots")
# a month ahead: a task made within the grace period (10wd) before a due without
# reminders would be a late arrival (docs/plan-format.md, "Fair start")
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T00:00:00+08:00")
st.ok("load", st.write("web.yaml", PLAN))
st.ok("import", st.write("reg.yaml", REG))
st.ok("user", "add", "officer", "--role", "supervision", "--name", "王科长", "--password-file",
      st.write("pw", PASSWORD + "\n"))
srv = Server(st)
os.environ["DABIAO_WEB_URL"] = srv.base
# 03-07 12:00: the rosters lapsed at 03-03 23:59:59 and are 4 days overdue
# (3 d 12 h 1 s, counted in started days); the reports' -3d reminders went out at 09:00
st.ok("advance", "--to", "2017-03-07T12:00:00+08:00")

browser = Browser(srv.base, shots)
drv, shot, submit, go, text, cells = (browser.drv, browser.shot, browser.submit, browser.go,
                                      browser.text, browser.cells)
gone = Browser.gone


def login():
    browser.login("officer")


try:
    # ---- the officer logs in and sees the late list ----
    drv.get(srv.base + "/")
    eq(drv.current_url, srv.base + "/login", "an anonymous visit goes to the login page")
    drv.find_element(By.ID, "login").send_keys("officer")
    drv.find_element(By.ID, "password").send_keys(PASSWORD)
    shot("login")
    submit("login-submit")
    WebDriverWait(drv, 30).until(lambda d: d.current_url == srv.base + "/")
    eq(drv.current_url, srv.base + "/", "after login the officer is on the dashboard")
    shot("dashboard")
    rows = {r[0]: r for r in cells("by-jurisdiction")}
    check(XSS_J1 in rows, f"the county's name is shown as text: {sorted(rows)}")
    # j1: open = roster? no, overdue; report (open) and nothing else of the county's own
    eq(rows[XSS_J1][3], "1（4天）", "j1: one overdue task, 4 days")
    overdue = cells("overdue")
    eq(sorted((r[0], r[2]) for r in overdue),
       [("重点排污单位名录 （一次性）", "4"), ("重点排污单位名录 （一次性）", "4")],
       "the late list: both rosters, 4 days overdue")
    eq(sorted(r[3] for r in overdue), ["j1@x.example", "j2@x.example"],
       "with whom to call: the owner's address, as `dabiao status` says it")
    legend = [t.text for t in drv.find_elements(By.CSS_SELECTOR, "#chart-lapses g.legend text")]
    eq(sorted(legend), sorted([XSS_J1, web_it.XSS_J2]),
       "the lapses chart has a key naming each county with lapses (printed, not on hover)")
    check("<script>" not in drv.page_source.replace("&lt;script&gt;", ""),
          "no live script from the registry")

    # ---- a county opens the link from its reminder and submits a PDF ----
    links = links_in_outbox(st, T1, "reminder")
    eq(len(links), 1, "T1's reminder carries its link")
    drv.delete_all_cookies()  # the county has no account and no session
    go(links[0][1])
    eq(text("#task-title"), "评估报告 （一次性）", "the link opens T1")
    pdf = st.path("评估报告.pdf")
    with open(pdf, "wb") as f:
        f.write(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    boxes = drv.find_elements(By.CSS_SELECTOR, "input[name=sections]")
    eq([b.is_selected() for b in boxes], [False, False],
       "the sections come unticked: the county declares what it sends (review 11c, H1)")
    shot("link")   # as the county finds it: nothing filled in, nothing ticked
    drv.find_element(By.ID, "by").send_keys("甲县李")
    drv.find_element(By.ID, "file").send_keys(pdf)
    for b in boxes:
        b.click()
    submit("submit-button")
    seq = text("#receipt-seq")
    check(seq.isdigit(), f"the receipt names an audit sequence: {seq!r}")
    with open(pdf, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    check(sha in drv.page_source, "the receipt shows the PDF's sha256")
    shot("receipt")
    eq([t["state"] for t in st.tasks("--subject", "j1", "--milestone", "report")],
       ["submitted"], "dabiao tasks: T1 submitted")
    check(os.path.exists(os.path.join(st.db, "files", sha[:2], sha)), "the PDF is kept")

    # ---- the next reminder of T1 does not go out; T2's does ----
    st.ok("advance", "--to", "2017-03-09T12:00:00+08:00")
    eq(len(links_in_outbox(st, T1, "reminder")), 1, "no second reminder for submitted T1")
    eq(len(links_in_outbox(st, T2, "reminder")), 2, "T2 got its -1d reminder")

    # ---- the officer reviews: returns T1 with a reason ----
    login()
    go("/review")
    queue = cells("review")
    eq([(r[0], r[2]) for r in queue], [("评估报告 （一次性）", "甲县李")],
       "the review queue holds T1, by its submitter")
    shot("review")
    old = drv.find_element(By.TAG_NAME, "html")
    drv.find_element(By.CSS_SELECTOR, "#review tbody a").click()
    WebDriverWait(drv, 60).until(gone(old))
    check(sha in drv.page_source, "the task page lists the submitted file")
    drv.find_element(By.ID, "reason").send_keys("缺少问题分析部分的数据")
    submit("return")
    eq(text("#state"), "已退回", "T1 returned")
    timeline = cells("timeline")
    check(any("退回" in r[1] and "缺少问题分析部分的数据" in r[1] and r[2] == "网页账号 officer"
              for r in timeline), f"the timeline shows the return by the officer: {timeline}")
    check(any("报送" in r[1] and "甲县李" in r[1] for r in timeline), "and the submission")
    shot("task")

    # ---- the county gets the returned notice and resubmits from its fresh link ----
    ret = links_in_outbox(st, T1, "returned")
    eq(len(ret), 1, "the returned notice carries a link")
    check(ret[0][1] != links[0][1], "a fresh link")
    drv.delete_all_cookies()
    go(ret[0][1])
    boxes = drv.find_elements(By.CSS_SELECTOR, "input[name=sections]")
    eq([b.is_selected() for b in boxes], [False, False],
       "after a return too the sections come unticked")
    shot("resubmit")
    drv.find_element(By.ID, "by").send_keys("甲县李")
    drv.find_element(By.ID, "file").send_keys(pdf)
    for b in boxes:
        b.click()
    submit("submit-button")
    check(text("#receipt-seq").isdigit(), "a second receipt")

    # ---- the officer accepts ----
    login()
    go("/tasks/" + T1)
    submit("accept")
    eq(text("#state"), "已通过", "T1 accepted")

    # ---- the dashboard and `dabiao tasks` agree ----
    go("/")
    shot("dashboard-final")
    rows = {r[0]: r for r in cells("by-jurisdiction")}
    names = {"j1": XSS_J1, "j2": web_it.XSS_J2}
    for jur, name in names.items():
        tasks = st.tasks("--jurisdiction", jur)
        by_state = {}
        for t in tasks:
            by_state[t["state"]] = by_state.get(t["state"], 0) + 1
        # 未办结, as `dabiao status` counts it: every task in no final state (the report
        # lifecycle's only final state is accepted) and not withdrawn
        want_open = sum(n for state, n in by_state.items()
                        if state not in ("accepted", "cancelled", "not-applicable"))
        eq(rows[name][1], str(want_open), f"{jur}: 未办结 as dabiao tasks counts")
        eq(rows[name][3].split("（")[0], str(by_state.get("overdue", 0)), f"{jur}: overdue")
        eq(rows[name][7], str(by_state.get("submitted", 0)), f"{jur}: waiting for review")
    eq(st.tasks("--subject", "j1", "--milestone", "report")[0]["state"], "accepted",
       "dabiao tasks: T1 accepted")

    # ---- the task list, the reports and the audit page, as the officer sees them ----
    browser.n = 10  # after web_warnings_browser.py's 09 and 10
    go("/tasks")
    shot("tasks")
    eq(len(cells("tasks")), len(st.tasks()), "the task list shows every task of this plan")
    go("/reports?month=2017-03")
    shot("reports")
    check("问责记录汇总表" in drv.page_source and "问责记录明细表" in drv.page_source,
          "the reports page shows the month's accountability record (this plan has no "
          "clean-up milestone for Annex 3 and 4)")
    go("/audit")
    browser.submit("verify")   # 立即验证: audit verify's checks, the submitted files too
    shot("audit")
    eq(text("#audit-size"), str(len(st.ok("audit", "--format", "jsonl").splitlines())),
       "the audit page counts the log's records as `dabiao audit` does")
    check("ok" in drv.find_element(By.ID, "verify-result").get_attribute("class"),
          "and its verification passes")
    check("报送文件" in text("#verify-scope"), "the submitted files were checked too")
except Exception as ex:  # a failure anywhere still leaves its screenshot
    shot("failure")
    import traceback
    fail(f"browser story: {ex!r}\n{traceback.format_exc()}")
finally:
    browser.quit()
    srv.stop()

print(f"screenshots: {shots}")
st.cleanup()
done("the web's story in Chromium: late list, link, upload, receipt, return, resubmit, accept")
