"""`status` speaks Chinese by default (--lang en for English): jurisdictions and tasks by
name, never by key; each overdue task with its days overdue, worked out here by hand, and the
owner's address; the submissions waiting for review with who handed them in; every time with
its UTC offset. `tasks` starts with a header row."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402

PLAN = """\
plan: sw
title: 状态测试
timezone: Asia/Shanghai
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  supervision: {title: 监察支队}
phases:
  - id: p
    title: 阶段
    milestones:
      - id: roster
        title: 重点排污单位名录
        owner: county_epb
        for: each jurisdiction
        submit_to: supervision
        due: 2017-02-15
      - id: monthly
        title: 汇总表
        owner: county_epb
        for: each jurisdiction
        submit_to: supervision
        due: {every: 1 month, day: 5, from: 2017-03, until: 2017-03}
        covers: previous
"""
REG = """\
jurisdictions:
  - {id: a, name: 甲县, kind: county, contacts: {county_epb: [a-epb@x.example]}}
  - {id: b, name: 乙市, kind: city, email: [b@x.example]}
offices:
  supervision: [s@x.example]
  admin: [admin@x.example]
"""

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T00:00:00+08:00", "--tz", "Asia/Shanghai")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG))
# 乙市 hands its roster in on time; 甲县 does not. Now: Monday 2017-02-20 09:00.
st.ok("advance", "--to", "2017-02-14T10:00:00+08:00")  # a submission is never dated ahead
st.ok("submit", "sw/roster/b/once", "--by", "李四", "--at", "2017-02-14T10:00:00+08:00")
st.ok("advance", "--to", "2017-02-20T09:00:00+08:00")
out = st.ok("status")
# a plan that names neither its work nor its jurisdictions: its title, 地区 (review12a P6)
check(out.startswith("落实《状态测试》进展情况（截至 2017-02-20 09:00 +08:00，Asia/Shanghai）"),
      f"title with the time and its offset: {out[:80]!r}")
for word in ("地区", "未办结", "7日内到期", "逾期", "待审核", "甲县", "乙市"):
    check(word in out, f"status says {word}: {out}")
check("sw/" not in out and "roster" not in out, f"no task keys or milestone ids: {out}")
# 甲县's roster was due 02-15 (Wednesday) 23:59:59; on 02-20 that is five days ago
overdue = out[out.index("逾期未办结事项（1 项）"):out.index("已报送、待审核事项")]
check("甲县 · 重点排污单位名录" in overdue, f"the overdue task by name: {overdue}")
check("逾期天数 5" in overdue, f"days overdue, 02-15 to 02-20: {overdue}")
check("a-epb@x.example" in overdue, f"the owner's address for its role: {overdue}")
review = out[out.index("已报送、待审核事项（1 项）"):out.index("近期截止事项")]
check("乙市 · 重点排污单位名录" in review and "李四" in review,
      f"the review queue with the submitter: {review}")
check("2017-02-14 10:00 +08:00" in review and "T10:00" not in review,
      f"and the time as every other line reads it, not RFC 3339: {review}")
# the March table covers February; it is the next deadline, on 03-06 (the 5th is a Sunday,
# no due_on_holiday here, so it stays on 03-05)
nxt = out[out.index("近期截止事项"):]
check("2017-03-05 23:59 +08:00  甲县 · 汇总表 2017年2月" in nxt, f"next deadlines: {nxt}")
# 未办结 is every task not concluded: 甲县 its overdue roster and the open March table (2),
# 乙市 its roster waiting for review and the March table (2); never fewer than 逾期 or 待审核
import json  # noqa: E402
rows = {r["name"]: r for r in json.loads(st.ok("status", "--format", "json"))["jurisdictions"]}
eq((rows["甲县"]["open"], rows["甲县"]["overdue"], rows["甲县"]["review"]), (2, 1, 0),
   "甲县: 2 not concluded, of them 1 overdue")
eq((rows["乙市"]["open"], rows["乙市"]["overdue"], rows["乙市"]["review"]), (2, 0, 1),
   "乙市: 2 not concluded, of them 1 waiting for review")
# every time printed has its offset
for m in re.finditer(r"\d{4}-\d\d-\d\d \d\d:\d\d", out):
    check(re.match(r" [+-]\d\d:\d\d", out[m.end():m.end() + 7]) is not None,
          f"time without offset at {out[m.start():m.end() + 10]!r}")
row = [line for line in out.splitlines() if line.startswith("甲县")][0].split()
# 未办结 (not concluded): the March table and the lapsed roster; due within 7 days: none
# (03-05 is 13 days away); overdue: the roster
eq(row[1:], ["2", "0", "1", "0", "0", "0", "0"],
   "甲县: not concluded, due in 7 days, overdue, late, incomplete, review, flagged")
row = [line for line in out.splitlines() if line.startswith("乙市")][0].split()
eq(row[1:], ["2", "0", "0", "0", "0", "1", "0"],
   "乙市: the March table and the roster waiting for review, not concluded")
en = st.ok("status", "--lang", "en")
check(en.startswith("status as of 2017-02-20 09:00 +08:00 (Asia/Shanghai)"), en[:60])
check("days overdue 5" in en and "waiting for review (1)" in en, f"English: {en}")
rc, _, err = st.run("status", "--lang", "fr")
eq(rc, 64, f"an unknown language is a usage error: {err}")
tasks = st.ok("tasks").splitlines()
eq(tasks[0].split(), ["key", "state", "due_date", "deadline"], "tasks' header row")
eq(len(tasks), 1 + 4, "a header and four tasks")
st.cleanup()
done("status in Chinese with names, days overdue, contacts and the review queue")
