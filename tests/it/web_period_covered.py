"""Review11g S6: a `covers: previous` milestone's task is named on the web by the period it
covers, as its notices, `dabiao status` and the reports name it (docs/plan-format.md). The
county's monthly table due 2017-04-05 is March's: its reminder asks for 2017年3月's table,
and the page its link opens, the officer's task page, task list, dashboard
row and the warnings page all said 2017年4月 (the month in the task's key, when it is
due). Worked by hand: the reminder -3d of 04-05 goes out 04-02 at 09:00; the table lapses
04-06 00:00 and the rule warns after one lapse."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402
from web_it import (PASSWORD, Client, Server, links_in_outbox, one_county_plan,  # noqa: E402
                    one_county_store)

PLAN = one_county_plan("cv", "月表方案", [
    "{id: t, title: 月度汇总表, owner: county_epb, for: each jurisdiction, submit_to: supervision, "
    "covers: previous, remind: [-3d], due: {every: 1 month, day: 5, from: 2017-04, until: 2017-05}}"],
    offices=("supervision", "prefecture_epb"),
    extra='notify_at: "09:00"\nconduct:\n  - {lapses: 1, within: 90d, kind: interview-warning, '
          'notify: [prefecture_epb], decide: [prefecture_epb]}\n')
TASK = "cv/t/j1/2017-04"
st = Store()
one_county_store(st, PLAN)
srv = Server(st)
os.environ["DABIAO_WEB_URL"] = srv.base  # the notices' links open on it
st.ok("advance", "--to", "2017-04-03T10:00:00+08:00")
try:
    links = links_in_outbox(st, TASK, "reminder")
    eq(len(links), 1, "the reminder carries a link")
    status = st.ok("status")
    check("月度汇总表 2017年3月" in status, f"status names March's table: {status}")
    c = Client(srv.base)
    status_, _, page = c.get(links[0][1][len(srv.base):])
    eq(status_, 200, "the link opens")
    title = re.search(r'<h1 id="task-title">(.*?)</h1>', page).group(1)
    eq(title, "月度汇总表 2017年3月", "the link's page names the month the table covers")
    st.ok("advance", "--to", "2017-04-07T10:00:00+08:00")
    st.ok("user", "add", "officer", "--role", "supervision", "--password-file",
          st.write("pw", PASSWORD + "\n"))
    st.ok("user", "add", "leader", "--role", "prefecture_epb", "--password-file",
          st.write("pw", PASSWORD + "\n"))
    off = Client(srv.base)
    eq(off.login("officer")[0], 303, "the officer logs in")
    page = off.get(f"/tasks/{TASK}")[2]
    eq(re.search(r'<h1 id="task-title">(.*?)</h1>', page).group(1), "月度汇总表 2017年3月",
       "the officer's task page")
    page = off.get("/tasks")[2]
    check("2017年3月" in page and "2017年4月" in page and "2017年5月" not in page,
          "the task list: March's and April's tables (due in April and May)")
    page = off.get("/")[2]
    over = page[page.index('id="overdue"'):]
    over = over[:over.index("</table>")]
    check("2017年3月" in over and "2017年4月" not in over, f"the dashboard's overdue row: {over}")
    lead = Client(srv.base)
    eq(lead.login("leader")[0], 303, "the leader logs in")
    page = lead.get("/warnings")[2]
    check("月度汇总表</a> 2017年3月" in page, f"the warning's lapse is March's table: {page}")
finally:
    srv.stop()
st.cleanup()
done("the web names a covers: previous task by the month it covers")
