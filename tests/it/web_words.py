"""The pages speak Chinese: what a county or an officer reads in the browser holds no English
sentence and no machine key. /reports said "附件3：no plan in the store has an enterprise
clean-up milestone" (the report module's message for the command line), its accountability
table showed task keys (web/report/j1/once), and the task timeline and the receipt named
who acted as the audit's machine form (web:officer, link:county_epb/j1:张三).

Headless Chromium reads each page's visible text (document.body.innerText); what the store
itself holds is taken out first — the registry's names, addresses, credit codes, the plan's
ids of its sections (this test plan gives them no titles), hashes, logins — and what is left
may hold no run of Latin letters but the names of file formats (XLSX, CSV, iCalendar,
sha256). Hash blocks (the audit root, the proof's canonical record) are the machine's form
by design and are not read."""
import getpass
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402
from web_it import (XSS_E1, XSS_J1, XSS_J2, Browser, Client,  # noqa: E402
                    overdue_with_link)

T1 = "web/report/j1/once"
st = Store()
srv, link = overdue_with_link(st, T1)

county = Client(srv.base)
county.get(link)
status, hdrs, _ = county.post(link, {"by": "张三", "sections": "overall"},
                              files=[("file", "评估报告.pdf", b"%PDF-1.4 x", "application/pdf")])
eq(status, 303, "the county submits from its link")
receipt = hdrs["Location"][len(srv.base):] if hdrs["Location"].startswith("http") \
    else hdrs["Location"]

# the data the pages show as the store holds it (not the pages' own words)
# (and the server's user who ran `advance`: the command line's actor, shown as 服务器命令行（…）)
DATA = [XSS_J1, XSS_J2, XSS_E1, "overall", "problems", "评估报告.pdf", "officer", "county1",
        f"（{getpass.getuser()}）"]
ALLOWED = {"XLSX", "CSV", "iCalendar", "sha256", "KB", "MB"}
# the report module's note under each table (shared with `dabiao report`, another module):
# the zone and the command that proves a row; left as they are, said in the final report
REPORT_NOTE = ["Asia/Shanghai", "dabiao audit prove"]

browser = Browser(srv.base, os.path.join(os.getcwd(), "web_words-screenshots"))


def visible_words(path):
    """The Latin words a reader sees on path, after the store's own data is taken out."""
    browser.go(path)
    text = browser.drv.execute_script(
        "const b = document.body.cloneNode(true);"
        "b.querySelectorAll('pre, .hash').forEach(e => e.remove());"
        "document.body.appendChild(b); b.style.display = 'block';"
        "const t = b.innerText; b.remove(); return t;")
    for d in DATA + REPORT_NOTE:
        text = text.replace(d, " ")
    text = re.sub(r"\S+@\S+", " ", text)                  # addresses
    text = re.sub(r"\b[0-9A-Z]{18}\b", " ", text)         # credit codes
    text = re.sub(r"\b[0-9a-f]{16,}\b", " ", text)        # hashes in lines of text
    bad = []
    for line in text.splitlines():
        words = [w for w in re.findall(r"[A-Za-z][A-Za-z0-9_./:-]+", line) if w not in ALLOWED]
        if words:
            bad.append((line.strip(), words))
    return bad


browser.login("officer")
pages = ["/", "/tasks", f"/tasks/{T1}", "/review", "/reports?month=2017-03",
         "/reports/annex3.xlsx?month=2017-03", "/warnings", "/audit", "/no-such-page",
         "/tasks/web/report/j9/once"]
for path in pages:
    eq(visible_words(path), [], f"the officer's {path} has no English")
browser.drv.delete_all_cookies()
for path in [link, receipt]:
    eq(visible_words(path), [], f"the county's link page {path.split('?')[-1]} has no English")
browser.login("county1", lands_on="/tasks")
for path in ["/tasks", f"/tasks/{T1}", "/review", "/reports"]:
    eq(visible_words(path), [], f"the county's {path} has no English")

# what the timeline and the receipt say instead of the machine's names
browser.drv.delete_all_cookies()
browser.login("officer")
browser.go(f"/tasks/{T1}")
who = [r[2] for r in browser.cells("timeline")]
check("张三（县环保局，通过报送链接）" in who, f"the link's submitter in words: {who}")
check("服务器命令行" in " ".join(who) or "系统" in who, f"the engine or the command line: {who}")
browser.go("/reports?month=2017-03")
body = browser.drv.page_source
check(f'href="/tasks/{T1}"' in body, "the accountability row links to its task")
check("库中的方案都没有企业清理整治节点" in body, "the missing annex said in Chinese")
browser.quit()
srv.stop()
st.cleanup()
done("the pages a county and an officer read hold no English")
