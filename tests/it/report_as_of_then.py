"""Reports of a past period say what was true then, and say how a deadline moved.

A registry re-imported in June moves an enterprise to another county, renames it and the
county, gives it another industry, measure, reason and responsible person: May's Annex 3
(by jurisdiction and by industry), Annex 4 and the accountability record stay byte for byte
what they were (the enterprise's May lapse still counts for 甲县 and for 张伟), while June's
tables, not ended, show the registry as it is now. The accountability rows give the deadline
that lapsed (not the one an extension made later), every extension (who, from and to which
date, why, and whether it was recorded after the fact), a hand-in in local time, the state a task moved to in words,
and a monthly table's period as its notices name it (the table due 06-05 covers May)."""
import csv
import io
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

PLAN = """\
plan: th
title: 追溯测试
timezone: Asia/Shanghai
notify_at: "09:00"
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  enterprise: {title: 企业, per: enterprise}
  supervision: {title: 监察支队}
lifecycles:
  rectification:
    initial: listed
    states: [listed, rectifying, verified, closed, overdue]
    final: [verified, closed]
    events:
      start: {listed: rectifying}
      verify: {rectifying: verified, overdue: verified}
      close: {listed: closed, rectifying: closed, overdue: closed}
    deadline: {from: [listed, rectifying], to: overdue}
phases:
  - id: p
    title: 阶段
    milestones:
      - id: report
        title: 评估报告
        owner: county_epb
        for: each jurisdiction
        submit_to: supervision
        due: 2017-05-10
      - id: monthly
        title: 清理汇总表
        owner: county_epb
        for: each jurisdiction
        submit_to: supervision
        due: {every: 1 month, day: 5, from: 2017-06, until: 2017-07}
        covers: previous
      - id: rectification
        title: 超标企业限期整改
        owner: enterprise
        for: each enterprise
        where: {listed: true}
        lifecycle: rectification
        due: {field: rectify_by}
"""
E1 = "91652301MA74H957X2"
REG1 = f"""\
jurisdictions:
  - {{id: a, name: 甲县, kind: county, email: [a@x.example]}}
  - {{id: b, name: 乙县, kind: county, email: [b@x.example]}}
enterprises:
  - {{id: {E1}, name: 甲一钢铁, jurisdiction: a, industry: steel, listed: true,
     measure: rectify-by-deadline, rectify_by: 2017-05-19, responsible_unit: 甲县环保局,
     responsible_person: 张伟, attrs: {{pollutants: 颗粒物, reason: 除尘器故障}}}}
offices:
  supervision: [s@x.example]
  admin: [admin@x.example]
"""
# June's registry: the enterprise moved to 乙县 and everything about it changed; 甲县 renamed
REG2 = (REG1.replace("name: 甲县,", "name: 甲市,")
        .replace("name: 甲一钢铁, jurisdiction: a, industry: steel",
                 "name: 乙一建材, jurisdiction: b, industry: cement")
        .replace("measure: rectify-by-deadline", "measure: closure")
        .replace("responsible_unit: 甲县环保局", "responsible_unit: 乙县环保局")
        .replace("responsible_person: 张伟", "responsible_person: 李四")
        .replace("reason: 除尘器故障", "reason: 已整改"))
check(REG2.count("乙一建材") == 1 and "甲市" in REG2 and "李四" in REG2, "REG2 is edited")

st = Store()
# a month ahead: a task made within the grace period (10wd) before a due without
# reminders would be a late arrival (docs/plan-format.md, "Fair start")
st.ok("init", "--clock", "virtual", "--now", "2017-04-01T00:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r1.yaml", REG1))
st.ok("advance", "--to", "2017-05-12T10:00:00+08:00")          # both reports lapsed 05-11 00:00
# extended before its deadline: 06-05 -> 06-08
st.ok("extend", "th/monthly/a/2017-06", "--to", "2017-06-08", "--by", "支队长",
      "--reason", "系统故障")
st.ok("advance", "--to", "2017-06-12T10:00:00+08:00")          # E1 lapsed 05-20, a 06-09, b 06-06
# an extension agreed earlier, recorded after the lapse (it stays a lapse)
st.ok("extend", "th/monthly/b/2017-06", "--to", "2017-06-10", "--by", "科长", "--reason", "补批",
      "--backdate")
st.ok("submit", "th/report/b/once", "--by", "乙县环保局")      # handed in late


def reports():
    return {
        "annex3": st.ok("report", "annex3", "--month", "2017-05", "--format", "json"),
        "annex3i": st.ok("report", "annex3", "--month", "2017-05", "--by", "industry",
                         "--format", "json"),
        "annex4": st.ok("report", "annex4", "--month", "2017-05", "--format", "json"),
        "acc": st.ok("report", "accountability", "--from", "2017-05-01", "--to", "2017-06-30",
                     "--format", "json"),
        "acc_csv": st.ok("report", "accountability", "--from", "2017-05-01", "--to",
                         "2017-06-30", "--format", "csv"),
    }


before = reports()

# the rows, worked out by hand
detail = list(csv.reader(io.StringIO(before["acc_csv"].lstrip("\ufeff").split("\n\n")[0])))
rows = {r[4]: r for r in detail[1:]}
e1 = rows[f"th/rectification/{E1}/once"]
eq((e1[0], e1[1], e1[2], e1[5]), ("甲县", "张伟（甲一钢铁）", "逾期未完成",
                                  "截止 2017-05-19 23:59 +08:00"),
   "the enterprise's lapse: its county and 责任人 of then, its time limit")
a6 = rows["th/monthly/a/2017-06"]
eq(a6[3], "清理汇总表 2017年5月", "the table due 06-05 is May's, as its notices say")
eq(a6[5], "截止 2017-06-08 23:59 +08:00（展期：2017-05-12 10:00 +08:00 支队长 将截止日期由 "
          "2017-06-05 延至 2017-06-08，理由：系统故障）",
   "a lapse of an extended deadline says the extension")
b6 = rows["th/monthly/b/2017-06"]
eq(b6[5], "截止 2017-06-05 23:59 +08:00；展期：2017-06-12 10:00 +08:00 科长 将截止日期由 "
          "2017-06-05 延至 2017-06-10（事后补记的展期），理由：补批",
   "the deadline that lapsed, then the extension recorded after it, marked so")
eq(b6[6], "2017-06-06T00:00:00+08:00", "the lapse's own time, RFC 3339 as every time in CSV, "
   "with no apostrophe")
rb = rows["th/report/b/once"]
eq((rb[2], rb[5]), ("逾期", "截止 2017-05-10 23:59 +08:00；2017-06-12 10:00 +08:00 补报"),
   "a late hand-in said once, in local time")
# the same hand-in seen from a period after its lapse: 迟报, its time as every other
late = st.ok("report", "accountability", "--from", "2017-06-12", "--to", "2017-06-30",
             "--format", "csv").lstrip("\ufeff").split("\n\n")[0]
lrows = {r[4]: r for r in list(csv.reader(io.StringIO(late)))[1:]}
eq((lrows["th/report/b/once"][2], lrows["th/report/b/once"][5]),
   ("迟报", "截止 2017-05-10 23:59 +08:00，2017-06-12 10:00 +08:00 提交"),
   "a late submission of an earlier lapse, in local time")
for r in detail[1:]:
    for word in ("submitted", "overdue", "accepted", "2017-06 ", " 2017-07"):
        check(word not in r[3] + r[5], f"no id or label '{word}' in {r}")

# June: the registry changes
out = st.ok("import", st.write("r2.yaml", REG2))
check("moved to another jurisdiction" in out, f"the import moved the enterprise: {out}")
after = reports()
for name in before:
    eq(after[name], before[name], f"{name} of May is the same after June's import")

# June has not ended: its tables are as of now, with the registry as it is now
a3 = {r["jurisdiction"]: r for r in
      json.loads(st.ok("report", "annex3", "--month", "2017-06", "--format", "json"))}
eq(sorted(a3), ["乙县", "合计", "甲市"], "June names the county as it is now")
eq((a3["甲市"]["base"], a3["乙县"]["base"], a3["乙县"]["closure"]), (0, 1, 1),
   "June counts the enterprise where it is now, with its new measure")
a4 = st.ok("report", "annex4", "--month", "2017-06", "--format", "csv")
check("乙一建材" in a4 and "李四" in a4 and "水泥" in a4, f"June's Annex 4 is today's: {a4}")
may4 = before["annex4"]
check("甲一钢铁" in may4 and "张伟" in may4 and "钢铁" in may4 and "除尘器故障" in may4
      and "限期整改" in may4 and "甲县" in may4, f"May's Annex 4 as it was: {may4}")
done("past reports replayed as of then; extensions and back-dating said")
