"""The link page tells a county what became of its hand-ins (review 11d, W12): a hand-in that
lacked sections is listed as 内容不全 with what it lacked (it was listed only as 按时), and
once the task has lapsed after it, the page says why it is overdue. A receipt of a
milestone that requires no sections says so (it read 未勾选任何部分, as if something was
forgotten)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402
from web_it import E1, Client, hand_in, links_in_outbox, served_store  # noqa: E402

T1 = "web/report/j1/once"
st = Store()
srv = served_store(st)
try:
    st.ok("advance", "--to", "2017-03-08T12:00:00+08:00")
    links = links_in_outbox(st, T1, "reminder")
    check(links, "T1's reminder carries a link")
    link = links[-1][1][len(srv.base):]
    c = Client(srv.base)
    c.get(link)
    eq(c.post(link, {"by": "甲县李"}, files=[])[0], 303, "a hand-in without its sections")
    eq(st.tasks("--subject", "j1", "--milestone", "report")[0]["state"], "incomplete",
       "recorded 内容不全")
    page = c.get(link)[2]
    row = page[page.index('id="submissions"'):]
    check("内容不全（缺少" in row and "overall" in row and "problems" in row,
          f"the hand-in is listed as 内容不全 with what it lacked: {row[:600]}")
    st.ok("advance", "--to", "2017-03-12T12:00:00+08:00")
    eq(st.tasks("--subject", "j1", "--milestone", "report")[0]["state"], "overdue",
       "the deadline passed with the sections missing")
    page = c.get(link)[2]
    check("最近一次报送内容不全" in page and "现按逾期处理" in page,
          "the page says why the task is overdue")
    check("内容不全（缺少" in page[page.index('id="submissions"'):],
          "and the hand-in is still listed as 内容不全")

    _, body = hand_in(srv.base, "ent1", f"web/filing/{E1}/once", "甲一")  # no sections
    check("本事项无须声明部分" in body and "未勾选任何部分" not in body,
          "its receipt says there was nothing to tick")
finally:
    srv.stop()
st.cleanup()
done("the link page says 内容不全 and why the task lapsed")
