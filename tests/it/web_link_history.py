"""The link page is the county's only view of its task (review 11b, m10): in Chromium it
lists every submission of the task with its receipt and proof links, and after the officer
returns the task it says why. j1 submits twice from its reminder link (the first without the
section `problems`, so the task is 内容不全 and the page says what is missing; the second complete),
the officer returns it with a reason, and the returned notice's link shows the reason and
both submissions, each receipt link opening that receipt."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402
from web_it import screenshots, Browser, Client, Server, links_in_outbox, setup_store  # noqa: E402

T1 = "web/report/j1/once"
REASON = "附件缺少盖章页，请补充后重新报送"
st = Store()
setup_store(st)
srv = Server(st)
os.environ["DABIAO_WEB_URL"] = srv.base
st.ok("advance", "--to", "2017-03-07T12:00:00+08:00")  # the -3d reminder, in time
path = links_in_outbox(st, T1, "reminder")[0][1][len(srv.base):]

county = Client(srv.base)
county.get(path)
seqs = []
for sections in ([("sections", "overall")], [("sections", "overall"), ("sections", "problems")]):
    status, hdrs, _ = county.post(path, [("by", "甲县李")] + sections, files=[])
    eq(status, 303, "the county submits from its link")
    seqs.append(int(re.search(r"receipt=(\d+)", hdrs.get("Location", "receipt=0")).group(1)))
    if len(seqs) == 1:
        eq([t["state"] for t in st.tasks() if t["key"] == T1], ["incomplete"],
           "the first, without problems, leaves the task 内容不全")
        status, _, page = county.get(path)
        check('id="missing"' in page and "problems" in page,
              "the link page says which section is missing")
officer = Client(srv.base)
eq(officer.login("officer")[0], 303, "the officer logs in")
officer.get(f"/tasks/{T1}")
eq(officer.post(f"/tasks/{T1}/review", {"action": "return", "reason": REASON})[0], 303,
   "the officer returns it with a reason")
returned = links_in_outbox(st, T1, "returned")
check(returned, "the returned notice carries a link")

shots = screenshots("web_link_history")
browser = Browser(srv.base, shots)
try:
    from selenium.webdriver.common.by import By
    browser.go(returned[-1][1])
    browser.shot("returned-link")
    eq(browser.text("#returned-reason"), f"退回原因：{REASON}", "the page says why it came back")
    rows = browser.drv.find_elements(By.CSS_SELECTOR, "#submissions tbody tr")
    eq(len(rows), 2, "both submissions listed")
    hrefs = [r.find_element(By.CSS_SELECTOR, "td:nth-child(4) a").get_attribute("href")
             for r in rows]
    eq([int(h.split("/r/")[1].split("/")[0]) for h in hrefs], seqs,
       "each with its receipt's own address (which outlives the link), in order")
    browser.go(hrefs[1])
    eq(browser.text("#receipt-seq"), str(seqs[1]), "a receipt link opens that receipt")
finally:
    browser.quit()
srv.stop()
st.cleanup()
done("the link page lists the task's submissions and says why it was returned")
