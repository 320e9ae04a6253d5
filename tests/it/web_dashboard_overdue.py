"""Review11g S3: the dashboard's 逾期未报 list said nothing of the overdue tasks it left out
(it stopped at 100 rows, the longest overdue first, so the newest lapses — the ones the
officer chases this Monday — were the ones dropped). A county's weekly report, never handed
in, lapses 130 times by 2019-07-10: the dashboard lists the 100 newest lapses, newest first,
says how many there are in all (as many as `dabiao status` lists) and links the rest; the
list behind the link (`show=overdue`, the API walked by its cursor) has every one. S8: the
column of tasks due within seven days says so (7日内到期), not 本周到期."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402
from web_it import PASSWORD, Client, Server, one_county_plan, one_county_store  # noqa: E402

PLAN = one_county_plan("wk", "周报方案", [
    "{id: w, title: 周报, owner: county_epb, for: each jurisdiction, submit_to: supervision, "
    "due: {every: 1 week, day: mon, from: 2017-01-02, until: 2019-06-24}}"])
st = Store()
one_county_store(st, PLAN, clock=("--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00"))
st.ok("advance", "--to", "2019-07-10T10:00:00+08:00")
status = json.loads(st.ok("status", "--format", "json"))
overdue = {o["task"]: o["days_overdue"] for o in status["overdue"]}
check(len(overdue) > 100, f"more overdue tasks than the list shows: {len(overdue)}")
st.ok("user", "add", "officer", "--role", "supervision",
      "--password-file", st.write("pw", PASSWORD + "\n"))
srv = Server(st)
try:
    c = Client(srv.base)
    eq(c.login("officer")[0], 303, "the officer logs in")
    _, _, page = c.get("/")
    table = page[page.index('id="overdue"'):]
    table = table[:table.index("</table>")]
    days = [int(d) for d in re.findall(r'<td class="n late">(\d+)</td>', table)]
    eq(len(days), 100, "the list shows 100 rows")
    eq(days, sorted(overdue.values())[:100], "the newest 100 lapses, newest first")
    more = re.search(r'id="overdue-more">(.*?)</p>', page).group(1)
    check(f"共 {len(overdue)} 项" in more and f"其余 {len(overdue) - 100} 项" in more and
          'href="/tasks?show=overdue"' in more, f"it says how many and links the rest: {more}")
    check("<th>7日内到期</th>" in page and "本周到期" not in page, "S8: 7日内到期")
    _, _, listed = c.get("/tasks?show=overdue")
    check("<h1>任务：逾期</h1>" in listed, "the list says what it shows")
    keys, after = [], ""
    while True:
        status_, _, body = c.get("/api/tasks?show=overdue" + after)
        eq(status_, 200, "the API's overdue list")
        page_ = json.loads(body)
        keys += [t["key"] for t in page_["tasks"]]
        if page_["next"] is None:
            break
        after = "&after=" + page_["next"]
    eq(sorted(keys), sorted(overdue), "show=overdue lists every overdue task, once")
finally:
    srv.stop()
st.cleanup()
done("the dashboard's overdue list shows the newest lapses and says how many more")
