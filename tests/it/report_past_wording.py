"""A past table says what the plan version in force then said (review of issue 12, G2): a
version loaded on 08-12 renames an industry (steel: 钢铁 → 钢铁工业) and the clean-up
milestone; July's Annex 3 by industry, Annex 4 and the accountability record of a July lapse
keep version 1's words and say version 1; August's table, not ended and computed as of now
(after the load), uses version 2's. Counts and states are the same either way."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

PLAN = """\
plan: pw
title: 措辞测试计划
timezone: Asia/Shanghai
notify_at: "09:00"
industries:
  steel: STEEL
  coal: 煤炭
roles:
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
    title: 清理整治
    milestones:
      - id: rectification
        title: TITLE
        owner: enterprise
        for: each enterprise
        where: {listed: true}
        submit_to: supervision
        lifecycle: rectification
        due: {field: rectify_by}
"""
V1 = PLAN.replace("STEEL", "钢铁").replace("TITLE", "超标企业限期整改")
V2 = PLAN.replace("STEEL", "钢铁工业").replace("TITLE", "超标企业限期整改清理")
E1, E3 = "91652301MA74H957X2", "91652325MA785GKQ8T"
REG = f"""\
jurisdictions:
  - {{id: a, name: 甲县, kind: county, email: [a@x.example]}}
enterprises:
  - {{id: {E1}, name: 甲一钢铁（样例）, jurisdiction: a, industry: steel, listed: true,
     measure: rectify-by-deadline, rectify_by: 2017-09-30, responsible_person: 张伟}}
  - {{id: {E3}, name: 甲三煤业（样例）, jurisdiction: a, industry: coal, listed: true,
     measure: closure, rectify_by: 2017-07-14, responsible_person: 刘洋}}
offices:
  supervision: [s@x.example]
  admin: [admin@x.example]
"""
st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-06-20T00:00:00+08:00")
st.ok("load", st.write("p.yaml", V1))
st.ok("import", st.write("r.yaml", REG))
st.ok("advance", "--to", "2017-07-10T10:00:00+08:00")
st.ok("event", f"pw/rectification/{E1}/once", "start", "--by", "测试")
st.ok("advance", "--to", "2017-08-12T10:00:00+08:00")   # E3 lapsed after 07-14 23:59:59


def annex4(month):
    return json.loads(st.ok("report", "annex4", "--month", month, "--format", "json"))


def by_industry(month):
    return {r["industry"]: r for r in json.loads(st.ok(
        "report", "annex3", "--month", month, "--by", "industry", "--format", "json"))}


def matters():
    acc = json.loads(st.ok("report", "accountability", "--from", "2017-07-01", "--to",
                           "2017-07-31", "--format", "json"))
    return [(r["kind"], r["matter"]) for r in acc["records"]]


before = (annex4("2017-07"), by_industry("2017-07"), matters())
eq([r["industry"] for r in before[0]], ["钢铁", "煤炭"], "version 1's industry titles")
eq(before[2], [("逾期未完成", "超标企业限期整改")], "the July lapse of E3, in version 1's words")
st.ok("load", st.write("p2.yaml", V2))                   # 08-12: version 2
after = (annex4("2017-07"), by_industry("2017-07"), matters())
eq(after[0], before[0], "July's Annex 4 is unchanged by a later version's words")
eq(after[1], before[1], "July's Annex 3 by industry likewise (钢铁, not 钢铁工业)")
eq(after[2], before[2], "the accountability record of a July lapse keeps version 1's matter")
note = st.ok("report", "annex4", "--month", "2017-07").strip().splitlines()[-1]
check("超标企业限期整改”" in note and "第 1 版" in note, f"July's note: version 1: {note}")
# August has not ended: computed as of now, after the load, in version 2's words
eq([r["industry"] for r in annex4("2017-08")], ["钢铁工业", "煤炭"], "August: version 2's titles")
check("钢铁工业" in by_industry("2017-08"), "August by industry: version 2's row title")
note = st.ok("report", "annex4", "--month", "2017-08").strip().splitlines()[-1]
check("超标企业限期整改清理" in note and "第 2 版" in note, f"August's note: version 2: {note}")
# the counts did not move
eq([(r["credit_code"], r["state"]) for r in after[0]], [(E1, "整治中"), (E3, "逾期未完成")],
   "July's states: E1 in progress, E3 overdue")
done("a past table in the words of the version in force then")
