"""A county's Annex 3 handed in on the web feeds the Annex 3 report as `import-annex` does
(review 11g, S14: the table came in from the reminder's link, the task was 待审核, and the
report said 未报送 — only `import-annex` on the command line fed it).

The Changji plan on a virtual clock at 2017-07-03 10:00. June's Annex 3 is the task
monthly-summary/<county>/2017-07 (covers: previous), due 07-05; its reminder (06-30, -5d)
carries the county's blank table and a submit link. In Chromium: 昌吉市 first hands in the
table with a letter in a count — refused on the page naming the cell, nothing kept, the
task still 未报送 — then the table filled in (基数 3 = 限期整改 2 + 挂牌督办 1; 已完成 1 +
整治中 1 + 未启动 1) with a PDF beside it: the receipt says the table was read, the task is
待审核, `report annex3 --month 2017-06` has 昌吉市's own figures (县报基数 3) where it said
未报送, from an `annex.report` audited with the link's actor. 阜康市 hands in only a PDF
from its account: kept, and its receipt says no table was read; 玛纳斯县 an Annex 4 table
into its Annex 3 task: refused."""
import io
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402
from web_it import PASSWORD, Browser, Client, Server, screenshots  # noqa: E402

import openpyxl  # noqa: E402


def task(j):
    return f"changji-2017/monthly-summary/{j}/2017-07"


def reminder(st, key, base):
    """A notice of key carrying its link and the blank Annex 3: (the link, the .xlsx). A
    county's day's message (digest) holds several tasks, each with its own link and
    form: the link is the one whose page is this task's."""
    found = None
    for msg in st.mails():
        if key not in (msg.get_all("X-Dabiao-Task") or []):
            continue
        form = None
        for part in msg.walk():
            if (part.get_filename() or "").startswith("附件3"):
                form = part.get_content()
        for url in msg.get_all("X-Dabiao-Submit-URL") or []:
            page = Client(base).get(str(url)[len(base):])[2]
            if form is not None and re.search(r'<h1 id="task-title">[^<]*附件3', page):
                found = (str(url), form)
    return found


def filled(blank, values, sheet=None):
    wb = openpyxl.load_workbook(io.BytesIO(blank))
    ws = wb.active
    if sheet:
        ws.title = sheet
    row = [r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "昌吉市"]
    check(len(row) == 1, "the form sent has the county's row")
    for i, v in enumerate(values):
        ws.cell(row=row[0], column=2 + i, value=v)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def annex3(st):
    """June's Annex 3 rows by the county's name."""
    return {r["jurisdiction"]: r for r in
            json.loads(st.ok("report", "annex3", "--month", "2017-06", "--format", "json"))}


def state(st, j):
    return [t for t in st.tasks("--milestone", "monthly-summary", "--jurisdiction", j)
            if t["key"] == task(j)][0]["state"]


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
from dabiao_it import src  # noqa: E402
st.ok("load", src("workflows", "changji-2017.yaml"))
st.ok("import", src("workflows", "changji-registry.yaml"))
pw = st.write("pw", PASSWORD + "\n")
st.ok("user", "add", "fk", "--role", "county_epb", "--subject", "fukang-city", "--name", "阜康王",
      "--password-file", pw)
st.ok("user", "add", "wang", "--role", "supervision", "--password-file", pw)
st.ok("user", "add", "mns", "--role", "county_epb", "--subject", "manas-county",
      "--password-file", pw)
srv = Server(st)
st.ok("advance", "--to", "2017-07-03T10:00:00+08:00", env={"DABIAO_WEB_URL": srv.base})
got = reminder(st, task("changji-city"), srv.base)
check(got is not None, "昌吉市's reminder carries a link and its blank table")
link, blank = got
before = annex3(st)["昌吉市"]
eq((before["reported_base"], before["check"]), (None, "未到报送期限"),
   "before: no figures of 昌吉市's own")

d = st.path("up")
os.makedirs(d)
bad = os.path.join(d, "附件3_昌吉市_有误.xlsx")
good = os.path.join(d, "附件3_昌吉市_2017年6月.xlsx")
pdf = os.path.join(d, "盖章件.pdf")
with open(bad, "wb") as f:
    f.write(filled(blank, [3, "两家", 1, 0, 1, 1, 1, 0]))
with open(good, "wb") as f:
    # the sheet named for the month it is handed in (7月), its title stating June: the
    # web knows the month the table covers, the form states it, the name is no slip
    # (review 11h, T2)
    f.write(filled(blank, [3, 2, 1, 0, 1, 1, 1, 0], sheet="7月"))
with open(pdf, "wb") as f:
    f.write(b"%PDF-1.4\n% stamped form\n%%EOF\n")


def kept_files():
    """The files the store keeps (DB/files/ab/SHA256), not those arriving (tmp/)."""
    out = []
    for dirpath, _, names in os.walk(os.path.join(st.db, "files")):
        if os.path.basename(dirpath) != "tmp":
            out += names
    return sorted(out)


files_before = kept_files()

browser = Browser(srv.base, screenshots("web_annex_handin"))
try:
    from selenium.webdriver.common.by import By
    browser.go(link)
    browser.drv.find_element(By.ID, "by").send_keys("李四")
    browser.drv.find_element(By.ID, "file").send_keys(bad)
    browser.submit("submit-button")
    browser.shot("table-refused")
    body = browser.drv.find_element(By.TAG_NAME, "body").text
    check("表格未能读入" in body and "附件3_昌吉市_有误.xlsx" in body and "限期整改（家）" in body
          and "两家" in body, f"the refusal names the file, the column and the value: {body}")
    eq(state(st, "changji-city"), "open", "the refused hand-in kept nothing: still open")
    eq(kept_files(), files_before, "no file of the refused hand-in is kept")

    browser.go(link)
    browser.drv.find_element(By.ID, "by").send_keys("李四")
    browser.drv.find_element(By.ID, "file").send_keys(good + "\n" + pdf)
    browser.submit("submit-button")
    browser.shot("table-read")
    check("已读入" in browser.text("#receipt-table"),
          f"the receipt says the table was read: {browser.text('#receipt-table')}")
finally:
    browser.quit()

eq(state(st, "changji-city"), "submitted", "the hand-in submitted the task")
recs = [r for r in st.records() if r["task"] == task("changji-city")]
rep = [r for r in recs if r["action"] == "annex.report"]
eq(len(rep), 1, "one annex.report, as import-annex records it")
det = json.loads(rep[0]["details"]) if rep else {}
eq((rep[0]["actor"] if rep else None, det.get("file"), det.get("month"), det.get("by")),
   ("link:county_epb/changji-city:李四", "附件3_昌吉市_2017年6月.xlsx", "2017-06", "李四"),
   "audited with the link's actor, the county's file name, the month the table covers")
after = annex3(st)["昌吉市"]
eq(after["reported_base"], 3, "the report has 昌吉市's own base number")
check(after["check"].startswith(("一致（李四，第", "不一致：")) and "李四" in after["check"],
      f"and its 核对 of 李四's table: {after['check']}")
off = Client(srv.base)
eq(off.login("wang")[0], 303, "the officer logs in")
page = off.get("/reports?month=2017-06")[2]
check(f"（李四，第" in page, "the web's Annex 3 report has 李四's table too")

# a hand-in without a table (a PDF only) is kept; its receipt says no table was read
fk = Client(srv.base)
eq(fk.login("fk")[0], 303, "阜康市 logs in")
fk.get(f"/tasks/{task('fukang-city')}")
status, hdrs, _ = fk.post(f"/tasks/{task('fukang-city')}/submit", [("by", "阜康王")],
                          files=[("file", "说明.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")])
eq(status, 303, "a PDF alone is a hand-in")
page = fk.get(hdrs["Location"])[2] if status == 303 else ""
check("未读入" in page, "its receipt says no table was read")
eq(state(st, "fukang-city"), "submitted", "阜康市's task is handed in")
eq(annex3(st)["阜康市"]["check"], "已报送，未附可读取的表格",
   "the report says 阜康市 handed in without a table, not that it did not hand in")

# the Annex 4 table into the Annex 3 task: refused, naming both
mns = Client(srv.base)
eq(mns.login("mns")[0], 303, "玛纳斯县 logs in")
mns.get(f"/tasks/{task('manas-county')}")
a4 = ("序号,县市、园区,企业名称,统一社会信用代码,行业,主要污染物,超标原因,清理措施,整改时限,月末状态,"
      "完成日期,责任单位,责任人\n").encode()
status, _, page = mns.post(f"/tasks/{task('manas-county')}/submit", [("by", "马")],
                           files=[("file", "附件4.csv", a4, "text/csv")])
eq(status, 400, "an Annex 4 table in the Annex 3 task: 400")
check("Annex 4" in page and "附件4.csv" in page, f"said so: {page[-600:]}")
eq(state(st, "manas-county"), "open", "nothing kept")

# a flag on the task is named in the 核对 until it is withdrawn (the task page's 撤销此标记,
# `flag --withdraw`): then no longer
st.ok("flag", task("changji-city"), "--kind", "concealed", "--by", "王科长", "--reason", "误点")
check("瞒报（王科长 认定" in annex3(st)["昌吉市"]["check"], "the flag is named in the 核对")
st.ok("flag", task("changji-city"), "--kind", "concealed", "--by", "王科长", "--reason", "误点",
      "--withdraw")
check("瞒报" not in annex3(st)["昌吉市"]["check"],
      f"withdrawn, it is not: {annex3(st)['昌吉市']['check']}")
srv.stop()
st.cleanup()
done("a county's Annex 3 handed in on the web is read into the report as import-annex reads it")
