"""`status` and the web dashboard count each jurisdiction's tasks in its own row, found by a
map since review 13f, C3 (a scan of the rows for each task was quadratic in the
jurisdictions): 40 counties whose tasks come in key order (every county's roster, then
every county's plan, so each row is met again after all the others), and the bureau's own
office task in the offices row. Every figure is worked out from the rule below:

- county i hands in its roster (due 03-10) before the deadline when i % 5 == 0, and its
  plan (due 04-20) when i % 3 == 0; on 03-15 the other rosters are overdue;
- every task is still to be finished (未办结 2 per county: handed in is not accepted);
  waiting for review: (i % 5 == 0) + (i % 3 == 0); overdue: i % 5 != 0;
- the office's own report (due 03-10, not handed in) is overdue in the offices row."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, county_plan, county_task, county_registry  # noqa: E402,E501
from web_it import PASSWORD, Client, Server  # noqa: E402

N = 40
PLAN = county_plan("rj", "分县测试", [
    county_task("roster", "名录", "2017-03-10", "submit_to: supervision, grace: 0d"),
    county_task("plan", "方案", "2017-04-20", "submit_to: supervision, grace: 0d"),
    "{id: own, title: 汇总, owner: supervision, for: once, due: 2017-03-10, grace: 0d}"],
    offices=[("supervision", "监察支队")])
COUNTIES = [(f"j{i:02d}", f"县{i:02d}") for i in range(N)]

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T00:00:00+08:00")
st.ok("load", st.write("rj.yaml", PLAN))
st.ok("import", st.write("r.yaml", county_registry(COUNTIES, offices=("supervision",))))
st.ok("user", "add", "officer", "--role", "supervision", "--name", "王科长",
      "--password-file", st.write("pw", PASSWORD + "\n"))
for i in range(N):
    if i % 5 == 0:
        st.ok("submit", f"rj/roster/j{i:02d}/once", "--by", "李")
    if i % 3 == 0:
        st.ok("submit", f"rj/plan/j{i:02d}/once", "--by", "李")
st.ok("advance", "--to", "2017-03-15T10:00:00+08:00")

want = {f"j{i:02d}": (2, (i % 5 == 0) + (i % 3 == 0), int(i % 5 != 0)) for i in range(N)}
want[None] = (1, 0, 1)   # the offices' row: jurisdiction null (docs/output.md)
status = json.loads(st.ok("status", "--format", "json"))
got = {r["jurisdiction"]: (r["open"], r["review"], r["overdue"]) for r in status["jurisdictions"]}
eq(got, want, "status: 未办结, 待审核 and 逾期 of each county and of the offices")
eq([r["jurisdiction"] for r in status["jurisdictions"]], [c for c, _ in COUNTIES] + [None],
   "status: one row each, counties in id order, the offices last")
eq(len(status["overdue"]), 1 + sum(1 for i in range(N) if i % 5), "status: the overdue list")

srv = Server(st)
try:
    officer = Client(srv.base)
    eq(officer.login("officer")[0], 303, "the officer logs in")
    code, _, html = officer.get("/")
    eq(code, 200, "the dashboard answers")
    table = html.split('id="by-jurisdiction"')[1].split("</table>")[0]
    rows = {}
    for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]:
        cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        rows.setdefault(cells[0], []).append(cells)
    for i in range(N):
        name = f"县{i:02d}"
        check(len(rows.get(name, [])) == 1, f"dashboard: one row for {name}")
        if len(rows.get(name, [])) != 1:
            continue
        cells = rows[name][0]
        # columns: 辖区 未办结 本周到期 逾期（最长天数） 迟报 内容不全 已退回 待审核 ...
        o, r, d = want[f"j{i:02d}"]
        eq((cells[1], cells[3].split("（")[0], cells[7]), (str(o), str(d), str(r)),
           f"dashboard: {name}'s 未办结, 逾期 and 待审核 as status's")
finally:
    srv.stop()
st.cleanup()
done("each jurisdiction's tasks counted in its own row, by status and the dashboard")
