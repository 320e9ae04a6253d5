"""A reminder that went in the county's day's message (notices.group) shows on the task's
timeline with that message's delivery, per recipient (review 11d, W14: it said only
已并入每日汇总, and the officer could not answer "we were never reminded"): 已发送 once the
day's message went out, and what it is before."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402
from web_it import PASSWORD, Client, Server, one_county_plan, one_county_store  # noqa: E402

PLAN = one_county_plan("tg", "汇总投递测试", [
    "{id: roster, title: 排污单位名录, owner: county_epb, for: each jurisdiction, "
    "submit_to: supervision, due: 2017-03-10, remind: [-3d]}"],
    extra='notify_at: "09:00"\nnotices:\n  group: [reminder]\n')
st = Store()
one_county_store(st, PLAN)
st.ok("user", "add", "officer", "--role", "supervision", "--password-file",
      st.write("pw", PASSWORD + "\n"))
st.ok("advance", "--to", "2017-03-07T12:00:00+08:00")
srv = Server(st)
try:
    c = Client(srv.base)
    eq(c.login("officer")[0], 303, "the officer logs in")
    status, _, page = c.get("/tasks/tg/roster/j1/once")
    eq(status, 200, "the task page")
    text = re.sub(r"<[^>]+>", " ", page)
    check("已并入每日汇总" in text, "the reminder went in the day's message")
    m = re.search(r"每日汇总（j1@x\.example）：(\S+)", text)
    check(m is not None, f"the day's message's delivery is on the timeline: {text[-1500:]}")
    eq(m.group(1) if m else None, "已发送", "and it was sent (to the outbox)")
finally:
    srv.stop()
st.cleanup()
done("a digested reminder shows its day's message's delivery")
