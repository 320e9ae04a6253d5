"""Every count on the dashboard links to the tasks behind it (review 11b, m2: only 逾期 and
预警待决定 did), in Chromium: for each jurisdiction, the list a count opens has exactly that
many tasks. The test plan (tests/lib/web_it.py) at 2017-03-14 12:00: both counties' 评估报告
(due 03-10) lapsed, j1's then handed in late with its sections (待审核, 迟报); both
enterprises' 治理方案备案 due 03-20 (within the week). By hand, per county: j1 未办结 2
(its report waiting for review, its enterprise's filing), 7日内到期 1, 逾期 0, 迟报 1,
内容不全 0, 已退回 0, 待审核 1; j2 未办结 2, 7日内到期 1, 逾期 1, 迟报 0, 内容不全 0,
已退回 0, 待审核 0."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402
from web_it import screenshots, Browser, Server, setup_store  # noqa: E402

COLUMNS = ["未办结", "7日内到期", "逾期", "迟报", "内容不全", "已退回", "待审核"]
WANT = {"j1": [2, 1, 0, 1, 0, 0, 1], "j2": [2, 1, 1, 0, 0, 0, 0]}

st = Store()
setup_store(st)
st.ok("advance", "--to", "2017-03-14T12:00:00+08:00")
st.ok("submit", "web/report/j1/once", "--by", "甲县李", "--sections", "overall,problems")

shots = screenshots("web_dashboard_links")
srv = Server(st)
browser = Browser(srv.base, shots)
try:
    from selenium.webdriver.common.by import By
    browser.login("officer")
    browser.go("/")
    browser.shot("dashboard")
    links = {}
    for tr in browser.drv.find_elements(By.CSS_SELECTOR, "#by-jurisdiction tbody tr"):
        tds = tr.find_elements(By.TAG_NAME, "td")
        jur = tds[0].find_element(By.TAG_NAME, "a").get_attribute("href").split("jurisdiction=")[1]
        row = []
        for name, td in zip(COLUMNS, tds[1:8]):
            a = td.find_elements(By.TAG_NAME, "a")
            check(len(a) == 1, f"{jur}: the {name} count is a link")
            if a:
                row.append((int(a[0].text), a[0].get_attribute("href")))
        links[jur] = row
    for jur, want in WANT.items():
        eq([n for n, _ in links.get(jur, [])], want, f"{jur}'s counts, worked out by hand")
        for name, (n, href) in zip(COLUMNS, links.get(jur, [])):
            browser.go(href)
            rows = browser.drv.find_elements(By.CSS_SELECTOR, "#tasks tbody tr")
            eq(len(rows), n, f"{jur} {name}: the list behind the count has {n} tasks ({href})")
    browser.go(links["j1"][0][1])
    browser.shot("open-tasks-of-j1")
    check(browser.text("h1") == "任务：未办结", f"the list says what it shows: {browser.text('h1')!r}")
finally:
    browser.quit()
srv.stop()
st.cleanup()
done("every dashboard count links to exactly the tasks it counts")
