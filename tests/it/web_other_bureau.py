"""Two bureaus' plans in one store (review 11d, W13 and W1).

W1: a role id is one kind of account in the whole store. `load` refuses (65, nothing
loaded, naming both plans) a plan whose `county_epb` is an office, or whose `enterprise` is
per jurisdiction, beside the test plan where they are per jurisdiction and per enterprise.

W13: an office account is an office of the plans that define its role. The second bureau's
detachment (`hb_supervision`, an office of plan `hb` only) gets 404 — byte for byte a task
that does not exist — for the first plan's task page, file, proof and API object; its
extension of a selection holding one, its review of one are refused and change nothing; its
review queue, task list, API list, calendar and dashboard hold its plan's tasks only; the
store-wide /api/audit answers 403, and its reports are its own plan's. The first plan's officer sees its own
plan's tasks and not the second's."""
import json
import os
import re
import sys

import icalendar

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402
from web_it import OTHER_BUREAU_PLAN, PASSWORD, Client, Server, hand_in, setup_store  # noqa: E402

OTHER_KIND = """\
plan: {id}
title: 角色冲突
timezone: Asia/Shanghai
roles:
  {role}: {{title: 冲突角色{per}}}
  x_office: {{title: 另一办公室}}
phases:
  - id: p
    title: 阶段
    milestones:
      - {{id: x, title: 事项, owner: x_office, for: once, due: 2017-04-20}}
"""
T1 = "web/report/j1/once"

st = Store()
setup_store(st)

# ---- W1: a role id that is another kind of account in another plan is refused ----
before = st.ok("tasks", "--format", "json")
for pid, role, per in (("zz-office", "county_epb", ""), ("aa-per", "enterprise",
                                                         ", per: jurisdiction"),
                       ("aa-office", "enterprise", "")):
    code, out, err = st.run("load", st.write(f"{pid}.yaml", OTHER_KIND.format(
        id=pid, role=role, per=per)))
    eq(code, 65, f"{pid}: {role} as another kind of account is refused: {err}")
    check(f"role '{role}'" in err and "plan web" in err and pid in err,
          f"the message names the role and both plans: {err}")
eq(st.ok("tasks", "--format", "json"), before, "nothing was loaded")
# review 11f, Y2: a new version of the same plan may not turn its county role into an office
import web_it  # noqa: E402
code, _, err = st.run("load", st.write("web-v2.yaml", web_it.PLAN.replace(
    "county_epb: {title: 县环保局, per: jurisdiction}",
    "county_epb: {title: 县环保局}\n  county_gov: {title: 县政府, per: jurisdiction}").replace(
    "owner: county_epb", "owner: county_gov")))
eq(code, 65, f"a version turning county_epb into an office is refused: {err}")
check("role 'county_epb'" in err, f"naming the role: {err}")
eq(st.ok("tasks", "--format", "json"), before, "nothing was loaded")

st.ok("load", st.write("hb.yaml", OTHER_BUREAU_PLAN))
st.ok("user", "add", "hbo", "--role", "hb_supervision", "--name", "另一支队",
      "--password-file", st.write("pw2", PASSWORD + "\n"))
srv = Server(st)
try:
    # a submission of the first plan's task with a file, for its file, proof and queue
    _, page = hand_in(srv.base, "county1", T1, "甲县李",
                      [("sections", "overall"), ("sections", "problems")],
                      files=[("file", "r.pdf", b"%PDF-1.4 one\n", "application/pdf")])
    seq = re.search(r'id="receipt-seq">(\d+)<', page).group(1)
    receipt = f"/receipt/{seq}"
    sha = [r for r in (json.loads(x)["record"] for x in
                       st.ok("audit", "--format", "jsonl").splitlines())
           if r["action"] == "task.submit"][-1]
    sha = json.loads(sha["details"])["files"][0]["sha256"]

    hb = Client(srv.base)
    eq(hb.login("hbo")[0], 303, "the other bureau's officer logs in")
    missing = hb.get("/tasks/web/report/j9/once")
    eq(missing[0], 404, "a task that does not exist")
    for path in (f"/tasks/{T1}", f"/tasks/{T1}/files/{sha}", f"/proof/{seq}", receipt,
                 f"/api/tasks/{T1}"):
        status, _, body = hb.get(path)
        eq(status, 404, f"hbo: {path} is another plan's: 404")
        if path == f"/tasks/{T1}":
            eq(body, missing[2], "byte for byte a task that does not exist")
    eq(hb.get("/tasks/hb/sum/hb_supervision/once")[0], 200, "hbo sees its own plan's task")
    hb.get("/tasks/hb/sum/hb_supervision/once")
    status, _, _ = hb.post("/extend", [("task", "hb/sum/hb_supervision/once"), ("task", T1),
                                       ("to", "2017-08-01"), ("reason", "跨方案延期")])
    eq(status, 404, "an extension of a selection holding another plan's task: refused whole")
    eq(hb.post(f"/tasks/{T1}/review", {"action": "accept"})[0], 404,
       "a review of another plan's task: 404")
    actions = [(r["actor"], r["action"]) for r in (json.loads(x)["record"] for x in
               st.ok("audit", "--format", "jsonl").splitlines())]
    check(not any(a == "web:hbo" and act.startswith("task.") for a, act in actions),
          f"hbo changed no task: {[x for x in actions if x[0] == 'web:hbo']}")
    eq(st.tasks("--subject", "j1", "--milestone", "report")[0]["state"], "submitted",
       "T1 as county1 left it")
    eq(st.tasks("--plan", "hb", "--milestone", "sum")[0]["due_date"], "2017-04-20",
       "and the selection's own task was not extended either")

    status, _, body = hb.get("/review")
    check(status == 200 and "评估报告" not in body, "hbo's review queue lacks the first plan's")
    status, _, body = hb.get("/api/tasks")
    keys = [t["key"] for t in json.loads(body)["tasks"]]
    check(status == 200 and keys and all(k.startswith("hb/") for k in keys),
          f"hbo's API list: its plan's tasks only: {keys}")
    status, _, body = hb.get("/tasks")
    check("评估报告" not in body and "另一地区汇总" in body, "hbo's task list: its plan's only")
    status, _, body = hb.get("/")
    n_hb = len(st.tasks("--plan", "hb"))
    check(status == 200 and f"共 {n_hb} 项任务" in body,
          f"hbo's dashboard counts its plan's {n_hb} tasks")
    status, _, body = hb.get("/calendar.ics")
    plans = {str(e["X-DABIAO-PLAN"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    eq((status, plans), (200, {"hb"}), "hbo's calendar: its plan's deadlines")
    eq(hb.get("/api/audit?since=0")[0], 403, "hbo: /api/audit holds every plan's records: 403")
    # its reports are its plan's (review 11e, X5): the page and the downloads, none of the
    # first plan's rows (T1 is the first plan's only accountability fact: flagged below)
    status, _, page = hb.get("/reports?month=2017-03")
    eq(status, 200, "hbo: its plan's reports")
    status, hdrs, csv = hb.get("/reports/accountability.csv?month=2017-03")
    eq(status, 200, "hbo: and their download")

    # the first plan's officer: its own plan's, not the second's
    off = Client(srv.base)
    eq(off.login("officer")[0], 303, "the first plan's officer logs in")
    eq(off.get(f"/tasks/{T1}")[0], 200, "officer: its plan's task")
    eq(off.get("/tasks/hb/sum/hb_supervision/once")[0], 404, "officer: the other plan's: 404")
    status, _, body = off.get("/review")
    check(status == 200 and "评估报告" in body, "officer's review queue holds T1")
    status, _, body = off.get("/")
    n_web = len(st.tasks("--plan", "web"))
    check(status == 200 and f"共 {n_web} 项任务" in body,
          f"officer's dashboard counts its plan's {n_web} tasks")
    # an accountability fact of the first plan is in its office's report, not the other's
    off.get(f"/tasks/{T1}")
    eq(off.post(f"/tasks/{T1}/review", {"action": "flag", "kind": "concealed",
                                        "reason": "隐瞒"})[0], 303, "the officer flags T1")
    status, _, mine = off.get("/reports/accountability.csv?month=2017-03")
    check(status == 200 and "评估报告" in mine, f"officer's report has the flag: {status} {mine[:300]}")
    status, _, theirs = hb.get("/reports/accountability.csv?month=2017-03")
    check(status == 200 and "评估报告" not in theirs, f"hbo's has not: {theirs[:300]}")
finally:
    srv.stop()
st.cleanup()
done("two bureaus in one store: a role is one kind of account; an office is its plans' only")
