"""Two bureaus in one store, the second review (review 11e).

X1: an account's plans are a filter applied while a page fills: the second bureau's office
(`hb_supervision`) gets its own tasks on the first page of /tasks and /api/tasks, though a
plan whose 60 tasks sort before them (`aa`) comes first in key order — it got empty pages
with a `next` before.
X6: a per-jurisdiction role counts in the plans that define it: the second bureau's county
account bound to a county the first plan also covers gets 404 for the first plan's task
there, as for another county's; and `user add` refuses a subject no plan of the role
covers (its `registry: where`).
X3: that office's 辖区 filter lists its plans' jurisdictions only.
Y1 (review 11f): a county's and an enterprise's 方案 and 事项 filters list their plans' only,
as an office's do.
X4: a county's POST /extend of another county's task is 404 (the docs' table), its own 403."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402
from web_it import OTHER_BUREAU_PLAN, PASSWORD, REG, Client, Server, setup_store  # noqa: E402

AA = """\
plan: aa
title: 先排序的方案
timezone: Asia/Shanghai
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  aa_office: {title: 甲方案办公室}
phases:
  - id: p
    title: 阶段
    milestones:
""" + "".join(f"      - {{id: m{i:02d}, title: 月报{i}, owner: county_epb, for: each jurisdiction, "
              f"submit_to: aa_office, due: 2017-05-{i + 1:02d}}}\n" for i in range(20))

st = Store()
setup_store(st)
st.ok("import", st.write("reg3.yaml", REG.replace(
    "enterprises:", "  - {id: h1, name: 丙地, kind: county, email: [h1@x.example],\n"
                    "     attrs: {prefecture: hb}}\nenterprises:")))
st.ok("load", st.write("aa.yaml", AA))
st.ok("load", st.write("hb.yaml", OTHER_BUREAU_PLAN))
pw = st.write("pw2", PASSWORD + "\n")
st.ok("user", "add", "hbo", "--role", "hb_supervision", "--password-file", pw)
code, _, err = st.run("user", "add", "hbx", "--role", "hb_county", "--subject", "j1",
                      "--password-file", pw)
eq(code, 64, f"X6: a subject no plan of the role covers is refused: {err}")
check("covers" in err and "j1" in err, f"saying so: {err}")
st.ok("user", "add", "hbc", "--role", "hb_county", "--subject", "h1", "--password-file", pw)
check(len(st.tasks("--plan", "aa")) > 50, "more than a page of the first plan's tasks")
check(st.tasks("--plan", "web", "--subject", "h1"), "the test plan covers h1 too")

srv = Server(st)
try:
    hb = Client(srv.base)
    eq(hb.login("hbo")[0], 303, "hbo logs in")
    status, _, body = hb.get("/api/tasks")
    keys = [t["key"] for t in json.loads(body)["tasks"]]
    eq((status, sorted(keys)), (200, ["hb/rep/h1/once", "hb/sum/hb_supervision/once"]),
       "X1: its first API page holds its tasks")
    eq(json.loads(body)["next"], None, "and says there is no more")
    status, _, page = hb.get("/tasks")
    check("另一地区报告" in page and "月报1" not in page, "X1: the page lists it")
    filt = page[page.index('name="jurisdiction"'):page.index("</select>", page.index('name="jurisdiction"'))]
    check("丙地" in filt and "乙县" not in filt, f"X3: its plans' jurisdictions only: {filt}")

    hc = Client(srv.base)
    eq(hc.login("hbc")[0], 303, "hbc (hb_county, h1) logs in")
    eq(hc.get("/tasks/hb/rep/h1/once")[0], 200, "X6: its plan's task of its county")
    missing = hc.get("/tasks/web/report/h9/once")
    status, _, body = hc.get("/tasks/web/report/h1/once")
    eq((status, body), (404, missing[2]), "X6: the other plan's task of its county: 404 as none")
    keys = [t["key"] for t in json.loads(hc.get("/api/tasks")[2])["tasks"]]
    eq(keys, ["hb/rep/h1/once"], "X6: its API list: its plan's of its county only")

    def options(page, name):
        sel = page[page.index(f'name="{name}"'):]
        return sel[:sel.index("</select>")]

    page = hc.get("/tasks")[2]
    check("另一地区方案" in options(page, "plan") and "网页测试方案" not in options(page, "plan")
          and "先排序的方案" not in options(page, "plan"), f"Y1: hbc's plans only: {page}")
    check("另一地区报告" in options(page, "milestone") and "评估报告" not in options(page, "milestone")
          and "月报1" not in options(page, "milestone"), "Y1: hbc's plan's milestones only")
    for login, theirs, others in (("county1", ["网页测试方案", "先排序的方案"], ["另一地区方案"]),
                                  ("ent1", ["网页测试方案"], ["另一地区方案", "先排序的方案"])):
        c = Client(srv.base)
        eq(c.login(login)[0], 303, f"{login} logs in")
        page = c.get("/tasks")[2]
        plans = options(page, "plan")
        check(all(t in plans for t in theirs) and not any(t in plans for t in others),
              f"Y1: {login}'s 方案 filter: {theirs}, none of {others}: {plans}")
        check("另一地区报告" not in options(page, "milestone"),
              f"Y1: {login}'s 事项 filter has no other bureau's milestone")

    county = Client(srv.base)
    eq(county.login("county1")[0], 303, "county1 logs in")
    county.get("/tasks/web/report/j1/once")
    for task, want in (("web/report/j2/once", 404), ("web/report/j1/once", 403)):
        eq(county.post("/extend", [("task", task), ("to", "2017-05-01"), ("reason", "延期")])[0],
           want, f"X4: county1 extending {task}")
finally:
    srv.stop()
st.cleanup()
done("an account's plans filter its pages as they fill; a county role is its plans' only")
