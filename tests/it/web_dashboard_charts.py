"""The dashboard's charts in Chromium (review 11b, M5 and m6): a lapse stays in the month it
happened after an officer extends the overdue task into a later month, and the lapsed task
still counts (as not on time) in its milestone's on-time rate; a rate's label at 100% is
drawn inside the chart, not cut off at its right edge.

The test plan (tests/lib/web_it.py): 评估报告 due 2017-03-10 for both counties, 治理方案备案
due 2017-03-20 for both enterprises. At 2017-03-12 12:00 both reports have lapsed (March);
j1's is extended to 2017-04-30; enterprise E1 hands its filing in early. So by hand:
lapses: two, both in 3月 (none in 4月); 评估报告 0%（0/2） (two due, both lapsed: one still
overdue, one extended); 治理方案备案 100%（1/1） (E2's is not due yet and not handed in)."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402
from web_it import screenshots, E1, Browser, Server, setup_store  # noqa: E402

st = Store()
setup_store(st)
st.ok("advance", "--to", "2017-03-12T12:00:00+08:00")
st.ok("extend", "web/report/j1/once", "--to", "2017-04-30", "--by", "王科长",
      "--reason", "延期测试")
st.ok("submit", f"web/filing/{E1}/once", "--by", "甲一")
t = {x["key"]: x for x in st.tasks()}
eq(t["web/report/j1/once"]["deadline"][:10], "2017-04-30", "j1's report now due in April")

shots = screenshots("web_dashboard_charts")
srv = Server(st)
browser = Browser(srv.base, shots)
try:
    browser.login("officer")
    browser.go("/")
    browser.shot("dashboard-charts")
    drv = browser.drv
    from selenium.webdriver.common.by import By
    titles = [e.get_attribute("textContent")
              for e in drv.find_elements(By.CSS_SELECTOR, "#chart-lapses rect title")]
    months = {}
    for s in titles:  # "NAME 3月：1 次"
        month, n = s.rsplit(" ", 2)[-2].split("：")[0], int(s.split("：")[1].split()[0])
        months[month] = months.get(month, 0) + n
    eq(months, {"3月": 2}, f"both lapses in March, none moved to April: {titles}")

    texts = [e.get_attribute("textContent")
             for e in drv.find_elements(By.CSS_SELECTOR, "#chart-ontime text")]
    rates = dict(zip(texts[0::2], texts[1::2]))
    eq(rates.get("评估报告"), "0%（0/2）", f"the extended lapsed report still counts: {texts}")
    eq(rates.get("治理方案备案"), "100%（1/1）", f"the early filing on time: {texts}")
    width = float(drv.find_element(By.ID, "chart-ontime").get_attribute("width"))
    for e in drv.find_elements(By.CSS_SELECTOR, "#chart-ontime text"):
        box = drv.execute_script("var b = arguments[0].getBBox(); return [b.x, b.width];", e)
        check(box[0] >= 0 and box[0] + box[1] <= width,
              f"label {e.get_attribute('textContent')!r} drawn within the chart "
              f"(x {box[0]:.0f} + width {box[1]:.0f} <= {width:.0f})")
finally:
    browser.quit()
srv.stop()
recs = [json.loads(x)["record"] for x in st.ok("audit", "--format", "jsonl").splitlines()]
eq(sum(1 for r in recs if r["action"] == "task.lapse"), 2, "two lapses in the trail")
st.cleanup()
done("the dashboard's charts keep a lapse in its month and its task in the rate; labels fit")
