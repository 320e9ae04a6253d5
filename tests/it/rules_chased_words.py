"""Review 10h, K4: a report handed in on time but lacking a section, or sent back, is chased
for what it owes: its reminder, overdue and escalation letters say it was handed in and
what is missing (or that it was returned), never "仍未报送" (a false statement in the
bureau's name, and the detachment could not tell such a county from one that sent
nothing), and the reminder does not invite it to ignore itself. Worked by hand
(Asia/Shanghai, notify_at 09:00; due Friday 2017-03-10, reminder -1d Thursday 03-09,
overdue 1d Saturday 03-11, escalation 2d Sunday 03-12)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, done, county_plan, county_registry,  # noqa: E402
                       county_task)

PLAN = county_plan("cw", "补正措辞测试", [county_task(
    "rep", "评估报告", "2017-03-10",
    "submit_to: hq, remind: [-1d], escalate: s, requires: {a: 总体情况, b: 存在的问题和不足}")],
    offices=[("hq", "支队")], rules="""\
escalations:
  s:
    - {after: 1d, kind: overdue, notify: [owner, hq]}
    - {after: 2d, kind: escalation, notify: [hq]}
""")

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T10:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", county_registry(
    [("j1", "甲县"), ("j2", "乙县"), ("j3", "丙县")], offices=("hq",))))
st.ok("advance", "--to", "2017-03-08T10:00:00+08:00")
st.ok("submit", "cw/rep/j1/once", "--by", "甲县", "--sections", "a")       # lacks b
st.ok("submit", "cw/rep/j2/once", "--by", "乙县", "--sections", "a,b")     # whole
st.ok("event", "cw/rep/j2/once", "return", "--by", "支队", "--reason", "数据有误")
st.ok("advance", "--to", "2017-03-13T10:00:00+08:00")                     # 丙县: nothing

said = {}
for m in st.mails():
    kind, key = m["X-Dabiao-Kind"], m["X-Dabiao-Task"] or ""
    if kind in ("reminder", "overdue", "escalation"):
        said[(kind, key.split("/")[2])] = m["Subject"] + "\n" + \
            m.get_body(("plain",)).get_content()


def has(kind, j, text):
    return text in said.get((kind, j), "")


INCOMPLETE = "已报送但内容不全，缺少存在的问题和不足，尚未补正"
RETURNED = "已报送但被退回，尚未重新报送"
eq(sorted(said), [(k, j) for k in ("escalation", "overdue", "reminder")
                  for j in ("j1", "j2", "j3")], "each county reminded, overdue, escalated")
eq([has(k, "j1", INCOMPLETE) for k in ("reminder", "overdue", "escalation")], [True] * 3,
   "甲县: every letter says what its hand-in lacks")
eq([has(k, "j2", RETURNED) for k in ("reminder", "overdue", "escalation")], [True] * 3,
   "乙县: every letter says its hand-in was returned")
eq([has(k, j, "补正后重新报送") for k in ("overdue", "escalation") for j in ("j1", "j2")],
   [True] * 4, "the letters to a county that handed in ask for the correction (review 10i L2)")
eq([has(k, "j3", "补正后重新") for k in ("overdue", "escalation")], [False] * 2,
   "丙县 is asked to hand in, not to correct")
eq([has(k, j, "仍未报送") for k in ("overdue", "escalation") for j in ("j1", "j2")],
   [False] * 4, "no letter says a county that handed in did not")
eq([has("reminder", j, "请忽略本提醒") for j in ("j1", "j2", "j3")], [False, False, True],
   "only the county that sent nothing may ignore its reminder if it has")
eq([has(k, "j3", "仍未报送") for k in ("overdue", "escalation")], [True, True],
   "丙县, which sent nothing, is told so")
eq([has(k, j, "逾期未补正《评估报告》") for k in ("overdue", "escalation")
    for j in ("j1", "j2", "j3")], [True, True, False] * 2,
   "the subject says 逾期未补正 to the counties that handed in, 逾期未报送 to 丙县")
st.cleanup()
done("incomplete and returned reports are chased for what they owe")
