"""A hand-in received before a lapse and recorded after it (review of issue 10, M3): a
report handed over on paper in time and entered after its deadline lapsed was in time, and
the record says so everywhere (docs/plan-format.md, "Recorded afterwards"). The lapse's
consequences go: the task is not lapsed, the conduct rule no longer counts it (a second
lapse is one, not two: no warning), and the accountability report shows 补录 with both
times and who entered it, counted in no summary column. The trail keeps the lapse and the
submission (received_at, recorded_at). A hand-in received after the deadline stays late.
A notice such a hand-in causes is dated when it is made, not at --at (review 10c, m4).
Every expected value is worked out by hand below (Asia/Shanghai, no holidays in March
2017)."""
import csv
import io
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

PLAN = """\
plan: ra
title: 补录测试
timezone: Asia/Shanghai
notify_at: "09:00"
roles:
  county: {title: 县环保局, per: jurisdiction}
escalations:
  std:
    - {after: 1d, kind: overdue, notify: [owner]}
conduct:
  - {lapses: 2, within: 90d, kind: interview-warning, notify: [county]}
phases:
  - id: p
    title: 阶段
    milestones:
      - {id: a, title: 名录, owner: county, for: each jurisdiction, due: 2017-03-10,
         remind: [-1d], escalate: std}
      - {id: b, title: 方案, owner: county, for: each jurisdiction, due: 2017-03-17,
         remind: [-1d], escalate: std}
      - {id: c, title: 报告, owner: county, for: each jurisdiction, due: 2017-03-31,
         requires: {x: 总体情况, y: 问题清单}}
"""
REG = """\
jurisdictions:
  - {id: j, name: 甲县, kind: county, email: [j@x.example]}
offices:
  admin: [admin@x.example]
"""


def audit():
    return [json.loads(ln)["record"] for ln in st.ok("audit", "--format", "jsonl").splitlines()]


def rows(*period):
    out = st.ok("report", "accountability", *period, "--format", "csv")
    parts = out.lstrip("\ufeff").split("\n\n")
    return (list(csv.reader(io.StringIO(parts[0])))[1:],
            list(csv.reader(io.StringIO(parts[1].lstrip("\ufeff"))))[1:])


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T00:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG))
# a lapses Fri 03-10 23:59:59; its overdue notice goes out Sat 03-11 09:00
st.ok("advance", "--to", "2017-03-13T10:00:00+08:00")
eq({x["key"]: x["state"] for x in st.tasks()}["ra/a/j/once"], "overdue", "a lapsed")
# the paper report was received Friday 03-10 10:00, in time; entered Monday 03-13 10:00
out = st.ok("submit", "ra/a/j/once", "--by", "张三", "--at", "2017-03-10T10:00:00+08:00")
eq(out.strip(), "ra/a/j/once: submit -> submitted", "submitted")
t = {x["key"]: x for x in st.tasks()}["ra/a/j/once"]
eq((t["state"], t["late"]), ("submitted", False), "in time, and not late")
recs = audit()
lapse = [r for r in recs if r["action"] == "task.lapse" and r["task"] == "ra/a/j/once"]
sub = [r for r in recs if r["action"] == "task.submit" and r["task"] == "ra/a/j/once"]
eq(len(lapse), 1, "the trail keeps the lapse")
d = json.loads(sub[0]["details"])
eq((d.get("voids_lapse"), d.get("received_at"), d.get("recorded_at"), d["late"]),
   (True, "2017-03-10T10:00:00+08:00", "2017-03-13T10:00:00+08:00", False),
   "and the submission says it voids the lapse, when received and when recorded")
actor = sub[0]["actor"]

# b lapses Fri 03-17: one lapse in the window, not two: no interview warning (the rule's
# evaluation would be Sat 03-18 09:00)
st.ok("advance", "--to", "2017-03-20T10:00:00+08:00")
eq([m["X-Dabiao-Kind"] for m in st.mails() if m["X-Dabiao-Kind"] == "interview-warning"], [],
   "the voided lapse no longer counts: no warning for one lapse")
# a hand-in received after b's deadline stays late, however it is recorded
st.ok("submit", "ra/b/j/once", "--by", "李四", "--at", "2017-03-18T10:00:00+08:00")
eq({x["key"]: x["late"] for x in st.tasks()}["ra/b/j/once"], True, "b: late")

detail, summary = rows("--from", "2017-03-01", "--to", "2017-03-31")
got = {r[4]: (r[2], r[5]) for r in detail}
eq(got["ra/a/j/once"],
   ("补录", "截止 2017-03-10 23:59 +08:00；2017-03-10 10:00 +08:00 收到（报送人 张三），"
            f"2017-03-13 10:00 +08:00 补录（录入 {actor}），所记逾期不予计算"),
   "a's row: 补录, both times, who entered it")
eq(got["ra/b/j/once"][0], "逾期", "b's row: a lapse, handed in late")
eq([r[2:9] for r in summary], [["0", "1", "0", "0", "0", "0", "1"]],
   "the summary counts b only: 逾期 1, 合计 1")
# a period that begins after a's lapse and holds its recording: a row of its own
detail, summary = rows("--from", "2017-03-12", "--to", "2017-03-15")
eq([(r[2], r[4]) for r in detail], [("补录", "ra/a/j/once")], "the recording's own row")
check(detail[0][5].startswith("补录：2017-03-10 10:00 +08:00 收到（报送人 张三），") and
      f"所补录的是此前的逾期（审计第 {lapse[0]['seq']} 号）" in detail[0][5], detail[0][5])
eq([r[2:9] for r in summary], [], "counted in no summary column")

# m4: an incomplete hand-in recorded Mon 03-27 10:00 as received Fri 03-24 10:00: its notice
# is dated when it is made
st.ok("advance", "--to", "2017-03-27T10:00:00+08:00")
st.ok("submit", "ra/c/j/once", "--by", "王五", "--at", "2017-03-24T10:00:00+08:00",
      "--sections", "x")
inc = [m for m in st.mails() if m["X-Dabiao-Kind"] == "incomplete"]
eq([(m["Date"], m["X-Dabiao-Scheduled"]) for m in inc],
   [("Mon, 27 Mar 2017 10:00:00 +0800", "2017-03-27T10:00:00+08:00")],
   "the incomplete notice is dated when it is made")
body = inc[0].get_body().get_content()
check("2017年3月24日（星期五）10时" in body, f"and says when the report was received: {body}")
st.cleanup()
done("a hand-in received before a lapse and recorded after it voids the lapse everywhere, "
     "and the record says 补录 with both times")
