"""Review 10g, G4: report accountability's row of a sent warning says which of its events
were voided since: a lapse recorded afterwards as handed in in time (补录), a flag
withdrawn; as the dispatch and the web's warnings page do (docs/plan-format.md, "Voided
lapses and warnings"). The warning stays sent, counted in its column. Worked by hand
(Asia/Shanghai, notify_at 09:00; March 2017 has no holidays); in the table, CSV, JSON and
XLSX alike."""
import csv
import io
import json
import os
import sys

import openpyxl

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_plan, county_registry,  # noqa: E402
                       county_task)

PLAN = county_plan("vw", "撤销标注测试", [
    county_task("a", "甲表", "2017-03-10"), county_task("b", "乙表", "2017-03-10"),
    county_task("c", "丙表", "2017-03-10")], offices=[("hq", "支队")], rules="""\
conduct:
  - {lapses: 2, within: 90d, kind: interview-warning, of: [lapse], notify: [hq]}
  - {lapses: 1, within: 90d, kind: approval-restriction-warning, of: [flag], notify: [hq]}
dispatch: {day: 10, notify: [hq]}
""")

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T10:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", county_registry([("j", "甲县")], offices=("hq",))))
st.ok("advance", "--to", "2017-03-09T10:00:00+08:00")
st.ok("submit", "vw/c/j/once", "--by", "张三")
# 甲表 and 乙表 lapse 03-11 00:00: the interview warning (2 lapses) is sent 03-11 09:00
st.ok("advance", "--to", "2017-03-12T10:00:00+08:00")
st.ok("flag", "vw/c/j/once", "--kind", "falsified", "--by", "监测科", "--reason", "数据造假")
# the 谎报 is one flag event: the restriction warning (1 flag) is sent 03-13 09:00
st.ok("advance", "--to", "2017-03-13T10:00:00+08:00")
# 甲表 was received on paper on 03-10 at 10:00, recorded now: its lapse is voided
st.ok("submit", "vw/a/j/once", "--by", "张三", "--at", "2017-03-10T10:00:00+08:00")
st.ok("advance", "--to", "2017-03-14T10:00:00+08:00")
st.ok("flag", "vw/c/j/once", "--kind", "falsified", "--withdraw", "--by", "监测科",
      "--reason", "误登记")

ws = json.loads(st.ok("warnings", "--format", "json"))
eq([(w["kind"], w["state"], w["voided"]) for w in ws],
   [("interview-warning", "sent", ["vw/a/j/once"]),
    ("approval-restriction-warning", "sent", ["vw/c/j/once"])],
   "both warnings stay sent, each recording what was voided")

# the tasks in words, as the warnings' letters name them (review10j R5)
MARK_A = "2017-03-13 10:00 +08:00 依据中甲表（甲县）的逾期已补录撤销，余1项，不足预警标准"
MARK_C = "2017-03-14 10:00 +08:00 依据中丙表（甲县）的谎报登记已撤回，余0项，不足预警标准"
acc = json.loads(st.ok("report", "accountability", "--format", "json"))
rows = {r["kind"]: r["reason"] for r in acc["records"] if r["kind"] in ("约谈预警", "限批预警")}
check(rows.get("约谈预警", "").startswith("依据：甲表（甲县）、乙表（甲县）；" + MARK_A),
      f"the interview warning's row says its 甲表 lapse was voided: {rows!r}")
check(rows.get("限批预警", "").startswith("依据：丙表（甲县）；" + MARK_C),
      f"the restriction warning's row says its 谎报 was withdrawn: {rows!r}")
eq([(r["interview_warnings"], r["restriction_warnings"]) for r in acc["summary"]
    if r["person"] == "—"], [(1, 1)], "sent warnings, still counted as sent")

out = st.ok("report", "accountability", "--format", "csv")
det = list(csv.reader(io.StringIO(out.lstrip("\ufeff").split("\r\n\r\n")[0])))
check(any(MARK_A in r[5] for r in det if len(r) > 5) and
      any(MARK_C in r[5] for r in det if len(r) > 5),
      "CSV: the same marks")
check(MARK_A in st.ok("report", "accountability"), "table: the same mark")
xf = st.path("acc.xlsx")
st.ok("report", "accountability", "--format", "xlsx", "--out", xf)
cells = [str(c) for r in openpyxl.load_workbook(xf)["问责明细"].iter_rows(values_only=True)
         for c in r if c]
check(any(MARK_A in c for c in cells) and any(MARK_C in c for c in cells),
      "XLSX: the same marks")

# a period that ends before the voiding reads as things stood then: no mark
acc = json.loads(st.ok("report", "accountability", "--to", "2017-03-12", "--format", "json"))
eq([(r["task"], r["reason"]) for r in acc["records"] if r["kind"] == "约谈预警"],
   [(None, "依据：甲表（甲县）、乙表（甲县）")],
   "on 03-12 nothing was voided yet")

# a period after the warning that holds its void: a row of its own, counted in no column
acc = json.loads(st.ok("report", "accountability", "--from", "2017-03-13", "--format", "json"))
recs = [json.loads(line)["record"] for line in st.ok("audit", "--format", "jsonl").splitlines()]
warned = [r for r in recs if r["action"] == "conduct.warning"
          and r["to_state"] == "interview-warning"][0]
voided = [r for r in recs if r["action"] == "conduct.void"
          and json.loads(r["details"])["voided"] == "vw/a/j/once"][0]
eq([(r["kind"], r["task"], r["audit_seq"], r["reason"]) for r in acc["records"]
    if r["kind"].startswith("约谈预警")],
   [("约谈预警（依据撤销）", None, voided["seq"],
     f"此前发出的约谈预警（2017-03-11 09:00 +08:00，审计第 {warned['seq']} 号），依据：甲表（甲县）、"
     f"乙表（甲县）；{MARK_A}（审计第 {voided['seq']} 号）")],
   "the void of a warning sent before the period: marked where it happened")
eq([s["interview_warnings"] for s in acc["summary"] if s["person"] == "—"], [0] * len(
    [s for s in acc["summary"] if s["person"] == "—"]), "and counted in no column")

# the monthly dispatch of Monday 04-10 09:00 says each void as what it was: the lapse
# voided, the 谎报 withdrawn (it said "逾期已补录撤销" for both)
st.ok("advance", "--to", "2017-04-10T10:00:00+08:00")
body = [m for m in st.mails() if m["X-Dabiao-Kind"] == "dispatch"][-1].get_body().get_content()
check("甲县：约谈预警（依据的逾期已撤销1项，余1项）" in body and
      "甲县：限批预警（依据的谎报登记已撤回1项，余0项）" in body, body)
st.cleanup()
done("accountability marks a sent warning's voided lapses and withdrawn flags")
