"""An import records what it changes: one subject.update record per changed subject, each
changed field with its before and after. Reports of a past period replay those records, so
re-importing the registry in August leaves July's Annex 3 as it was (the seed's evidence:
限期整改 15 -> 14 after a re-import)."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402

PLAN = """\
plan: rc
title: 变更测试
timezone: Asia/Shanghai
roles:
  ent: {title: 企业, per: enterprise}
lifecycles:
  fix:
    initial: listed
    states: [listed, fixing, done, overdue]
    final: [done]
    events:
      start: {listed: fixing}
      verify: {fixing: done, overdue: done}
    deadline: {from: [listed, fixing], to: overdue}
phases:
  - id: p
    title: 阶段
    milestones:
      - {id: rectification, title: 限期整改, owner: ent, for: each enterprise,
         where: {listed: true}, due: {field: rectify_by}, lifecycle: fix}
"""


def registry(measure1, person2):
    return f"""\
jurisdictions:
  - {{id: a, name: 甲县, kind: county, email: [a@x.example]}}
enterprises:
  - {{id: 91652301MA74H957X2, name: 甲一钢铁, jurisdiction: a, industry: steel, listed: true,
     measure: {measure1}, rectify_by: 2017-09-30, email: [e1@x.example]}}
  - {{id: 91652323MA77AQUU8C, name: 甲二水泥, jurisdiction: a, industry: cement, listed: true,
     measure: closure, rectify_by: 2017-09-30, responsible_person: {person2},
     email: [e2@x.example]}}
offices:
  admin: [admin@x.example]
"""


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-06-01T00:00:00+08:00", "--tz", "Asia/Shanghai")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r1.yaml", registry("rectify-by-deadline", "张伟")))
recs = [json.loads(x)["record"] for x in st.ok("audit", "--format", "jsonl").splitlines()]
eq([r for r in recs if r["action"] == "subject.update"], [], "a first import changes nothing")
# July's table once July has ended (a month not begun has none: review 12c, L4)
st.ok("advance", "--to", "2017-08-01T00:00:00+08:00")
july = st.ok("report", "annex3", "--month", "2017-07", "--format", "csv")

st.ok("advance", "--to", "2017-08-15T00:00:00+08:00")
st.ok("import", st.write("r2.yaml", registry("listed-supervision", "李强")))
recs = [json.loads(x)["record"] for x in st.ok("audit", "--format", "jsonl").splitlines()]
ch = [r for r in recs if r["action"] == "subject.update"]
eq(sorted(r["subject"] for r in ch), ["91652301MA74H957X2", "91652323MA77AQUU8C"],
   "one change record per changed subject; unchanged ones write none")
by = {r["subject"]: json.loads(r["details"])["changes"] for r in ch}
eq(by["91652301MA74H957X2"], {"measure": ["rectify-by-deadline", "listed-supervision"]},
   "E1: the measure, before and after, and nothing else")
eq(by["91652323MA77AQUU8C"], {"responsible_person": ["张伟", "李强"]},
   "E2: the responsible person")
imp = [json.loads(r["details"]) for r in recs if r["action"] == "registry.import"]
eq(imp[-1]["updated"], 2, "the import's record counts the changed subjects")

# July's table, asked again after the re-import, is July's table
eq(st.ok("report", "annex3", "--month", "2017-07", "--format", "csv"), july,
   "July's Annex 3 does not change after a re-import")
# August's shows the new measure: 挂牌督办 1, 限期整改 0, 淘汰关闭 1
aug = st.ok("report", "annex3", "--month", "2017-08", "--format", "csv").lstrip("\ufeff")
row = [ln.split(",") for ln in aug.splitlines() if ln.startswith("甲县")][0]
eq(row[1:5], ["2", "0", "1", "1"], "August: base 2, 限期整改 0, 挂牌督办 1, 淘汰关闭 1")
row = [ln.split(",") for ln in july.lstrip("\ufeff").splitlines() if ln.startswith("甲县")][0]
eq(row[1:5], ["2", "1", "0", "1"], "July: base 2, 限期整改 1, 挂牌督办 0, 淘汰关闭 1")
# by industry: the same counts, one row per industry of the seed's ten (steel holds E1,
# cement E2); the totals agree with the table by jurisdiction
ind = st.ok("report", "annex3", "--month", "2017-07", "--by", "industry", "--format",
            "csv").lstrip("\ufeff").splitlines()
eq(ind[0].split(",")[0], "行业", "the first column is the industry")
rows = {ln.split(",")[0]: ln.split(",")[1:5] for ln in ind[1:]}
eq(len(rows), 11, "ten industries and the total")
eq(rows["钢铁"], ["1", "1", "0", "0"], "steel: E1, 限期整改 in July")
eq(rows["水泥"], ["1", "0", "0", "1"], "cement: E2, 淘汰关闭")
eq(rows["火电"], ["0", "0", "0", "0"], "an industry without listed enterprises shows zeros")
eq(rows["合计"], ["2", "1", "0", "1"], "the totals agree")
rc, _, err = st.run("report", "annex4", "--month", "2017-07", "--by", "industry")
eq(rc, 64, f"--by is for annex3 only: {err}")
# asked on 08-15, August has not ended: the table says so instead of calling today's state
# a month-end
note = st.ok("report", "annex3", "--month", "2017-08").strip().splitlines()[-1]
check("2017-08 尚未结束" in note and "截至2017年8月15日（星期二）0时" in note, f"note: {note}")
note = st.ok("report", "annex3", "--month", "2017-07").strip().splitlines()[-1]
check("2017-07 月末（2017年7月31日（星期一）24时" in note, f"July's note: {note}")
st.cleanup()
done("imports record each change before and after; past tables stay as they were")
