"""Review 11f, Y3: an office of several plans but not all — a bureau's two plans (pa, and
pa2, its next year's, with the same roles) beside another bureau's (pb) — has reports and a
calendar on the web. Its reports page (in Chromium) has 报表 in the menu, offers its two
plans under 方案 (not pb), shows its first plan's tables and, when pa2 is chosen, pa2's,
whose downloads carry the plan; pb's tables answer it 404, byte for byte a plan that does
not exist. Its calendar takes the subject and role it asks for over its plans' tasks (it
was forced to its own role, which owns nothing here: an empty calendar), and a role of pb
only answers 404. An office of every plan chooses among all three or 全部方案; an office of
one plan (pb's) has no choice to make."""
import os
import sys

import icalendar

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from bureaus_it import REG, cleanup_plan  # noqa: E402
from dabiao_it import Store, check, done, eq  # noqa: E402
from web_it import PASSWORD, Browser, Client, Server, screenshots  # noqa: E402

PROV = "  prov: {title: 自治区厅}\n"  # an office of every plan
st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-06-20T00:00:00+08:00")
st.ok("load", st.write("pa.yaml", cleanup_plan("pa", "p1", "county_epb", "sup", "boss",
                                               "甲局2017年方案", PROV)))
st.ok("load", st.write("pa2.yaml", cleanup_plan("pa2", "p1", "county_epb", "sup", "boss",
                                                "甲局2018年方案", PROV)))
st.ok("load", st.write("pb.yaml", cleanup_plan("pb", "p2", "pb_county", "pb_sup", "pb_boss",
                                               "乙局方案", PROV)))
st.ok("import", st.write("r.yaml", REG))
st.ok("advance", "--to", "2017-07-10T10:00:00+08:00")
pw = st.write("pw", PASSWORD + "\n")
for login, role in (("sup1", "sup"), ("prov1", "prov"), ("pbo", "pb_sup")):
    st.ok("user", "add", login, "--role", role, "--password-file", pw)


def choices(page):
    """The values offered under 方案 on a reports page, or None without the choice."""
    if 'name="plan"' not in page:
        return None
    sel = page[page.index('name="plan"'):]
    sel = sel[:sel.index("</select>")]
    return [v.split('"')[0] for v in sel.split('value="')[1:]]


def events(body):
    return [(str(e["X-DABIAO-PLAN"]), str(e["X-DABIAO-OWNER"]), str(e["X-DABIAO-SUBJECT"]))
            for e in icalendar.Calendar.from_ical(body).walk("VEVENT")]


srv = Server(st)
br = None
try:
    sup = Client(srv.base)
    eq(sup.login("sup1")[0], 303, "sup1 logs in")
    status, _, page = sup.get("/reports?month=2017-07")
    eq(status, 200, "sup1 (an office of pa and pa2, not pb): /reports")
    check('href="/reports"' in page, "报表 is in its menu")
    eq(choices(page), ["pa", "pa2"], "it chooses among its own plans")
    check("甲县" in page and "丙县" not in page, "its first plan's tables by default")
    missing = sup.get("/reports?month=2017-07&plan=pz")
    eq(missing[0], 404, "an unknown plan: 404")
    for path in ("/reports?month=2017-07&plan=pb", "/reports/annex3.csv?month=2017-07&plan=pb"):
        status, _, body = sup.get(path)
        eq((status, body), (404, missing[2]), f"{path}: 404 as a plan that does not exist")
    status, _, csv = sup.get("/reports/annex3.csv?month=2017-07&plan=pa2")
    eq(status, 200, "pa2's Annex 3 download")
    check("甲县" in csv and "丙县" not in csv, f"pa2's counties: {csv}")

    # the calendar: the subject and role it asks for, over its plans' tasks
    status, _, body = sup.get("/calendar.ics?subject=a")
    eq(status, 200, "sup1's calendar of 甲县")
    got = events(body)
    eq(sorted({p for p, _, _ in got}), ["pa", "pa2"], f"its plans' tasks: {got}")
    check(("pa2", "county_epb", "a") in got and ("pa", "pa_ent", "91652301MA77XB5N47") in got,
          f"甲县's tables and its enterprise's clean-up, of both plans: {got}")
    got = events(sup.get("/calendar.ics?role=county_epb")[2])
    eq(sorted({(p, s) for p, _, s in got}), [("pa", "a"), ("pa", "b"), ("pa2", "a"), ("pa2", "b")],
       f"?role=county_epb: the counties' tables of its plans: {got}")
    eq(events(sup.get("/calendar.ics?subject=c")[2]), [], "丙县 has no task of its plans")
    eq(sup.get("/calendar.ics?role=pb_county")[0], 404, "a role of pb only: 404")

    prov = Client(srv.base)
    eq(prov.login("prov1")[0], 303, "prov1 logs in")
    status, _, page = prov.get("/reports?month=2017-07")
    eq(choices(page), ["", "pa", "pa2", "pb"], "an office of every plan: 全部方案 and each")
    check("请在上方“方案”中选择一个方案查看" in page,
          "every plan's Annex 3 asks it to choose, as three plans have a clean-up milestone")
    status, _, page = prov.get("/reports?month=2017-07&plan=pb")
    check(status == 200 and "丙县" in page and "甲县" not in page, "pb's tables for prov1")
    got = events(prov.get("/calendar.ics?role=pb_county")[2])
    check(got and set(got) == {("pb", "pb_county", "c")}, f"prov1: pb's county's: {got}")

    pbo = Client(srv.base)
    eq(pbo.login("pbo")[0], 303, "pbo logs in")
    status, _, page = pbo.get("/reports?month=2017-07")
    check(status == 200 and choices(page) is None and "丙县" in page,
          "an office of one plan: its plan's tables, nothing to choose")

    # in Chromium: sup1 chooses pa2 under 方案; the page and its download links are pa2's
    br = Browser(srv.base, screenshots("web_reports_plans"))
    br.login("sup1")
    br.go("/reports?month=2017-07")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    check("报表" in br.text("header"), "报表 in the menu")
    check("计划 pa 第 1 版" in br.text("main"), "pa's tables first")
    Select(br.drv.find_element(By.NAME, "plan")).select_by_visible_text("甲局2018年方案")
    br.submit("show")
    check("plan=pa2" in br.drv.current_url and "month=2017-07" in br.drv.current_url,
          f"the page of pa2 for the month: {br.drv.current_url}")
    check("计划 pa2 第 1 版" in br.text("main"), "pa2's tables")
    eq([r[0] for r in br.cells("annex3")], ["甲县", "乙县", "合计"], "pa2's Annex 3 rows")
    hrefs = [a.get_attribute("href") for a in br.drv.find_elements(By.CSS_SELECTOR, "main a")
             if "/reports/" in (a.get_attribute("href") or "")]
    eq(len(hrefs), 9, "three downloads of three tables")
    check(all(h.endswith("?month=2017-07&plan=pa2") for h in hrefs), f"each of pa2: {hrefs}")
    br.shot("reports-plan-chosen")
finally:
    if br:
        br.quit()
    srv.stop()
st.cleanup()
done("an office of several plans chooses its reports' plan; its calendar takes what it asks")
