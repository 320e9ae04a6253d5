"""Review 10g, G11: a list that never came, flagged 漏报 (plan-format.md's own example, "漏报
of a list that never came"), is one fact, not two: under a rule of 2 events it makes no
warning on its own; with one more fault it is one of 2 events over 2 tasks, named "逾期（被
登记为漏报）"; report accountability counts it once in 合计 (its 漏报 column still shows the
flag). A 谎报 on a late report stays a fault of its own. Worked by hand below
(Asia/Shanghai, notify_at 09:00; March 2017 has no holidays)."""
import csv
import io
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_plan, county_registry,  # noqa: E402
                       county_task)

PLAN = county_plan("om", "漏报测试", [
    county_task("a", "重点排污单位名录", "2017-03-10"), county_task("b", "月报", "2017-03-10")],
    offices=[("hq", "支队")], rules="""\
conduct:
  - {lapses: 2, within: 90d, kind: interview-warning, notify: [county, hq]}
""")


def warnings():
    return json.loads(st.ok("warnings", "--format", "json"))


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T10:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", county_registry([("j", "甲县")], offices=("hq",))))
st.ok("advance", "--to", "2017-03-09T10:00:00+08:00")
st.ok("submit", "om/b/j/once", "--by", "张三")          # b handed in; a (the list) never
# a (the list) lapses 03-10 23:59:59 (counted 03-11 00:00): 1 event at 03-11 09:00, no warning
st.ok("advance", "--to", "2017-03-12T10:00:00+08:00")
st.ok("flag", "om/a/j/once", "--kind", "omitted", "--by", "监测科", "--reason", "名录未报送")
# the 漏报 is the lapse by another name: still 1 event, nothing new to evaluate on 03-13
st.ok("advance", "--to", "2017-03-13T10:00:00+08:00")
eq(warnings(), [], "a list never handed in and flagged 漏报 is one event: no 2-event warning")

# b's report, handed in, is found false on 03-13: a second fault, its own event; the rule
# is evaluated at 03-14 09:00 over 2 events on 2 tasks
st.ok("flag", "om/b/j/once", "--kind", "falsified", "--by", "监测科", "--reason", "数据造假")
st.ok("advance", "--to", "2017-03-14T10:00:00+08:00")
ws = warnings()
eq([(w["kind"], w["at"], w["count"], w["whys"]) for w in ws],
   [("interview-warning", "2017-03-14T09:00:00+08:00", 2, ["lapse+omitted", "falsified"])],
   "one warning on 03-14 09:00 of 2 events: the list's lapse with its 漏报, b's 谎报")
body = [m for m in st.mails() if m["X-Dabiao-Kind"] == "interview-warning"]
eq(len(body), 1, "one warning letter (to the county and the detachment)")
text = body[0].get_body(("plain",)).get_content() if body else ""
check("共有2项任务逾期未办结或被登记问题" in text and "（涉及" not in text,
      f"the letter counts 2 tasks, 2 events, not '2次…（涉及1项任务）': {text[:400]!r}")
check("逾期（被登记为漏报）" in text, f"the list's event names both its lapse and its 漏报: {text!r}")

# accountability: 甲县's row counts the list's lapse and 漏报 once in 合计; 2 faults in all
acc = json.loads(st.ok("report", "accountability", "--format", "json"))
# (the warning is a row of its own, person "—")
got = [{k: r[k] for k in ("person", "missed", "falsified", "omitted", "total",
                          "interview_warnings")}
       for r in acc["summary"] if r["jurisdiction"] == "甲县"]
eq(sorted(got, key=lambda r: r["person"]),
   [{"person": "—", "missed": 0, "falsified": 0, "omitted": 0, "total": 0,
     "interview_warnings": 1},
    {"person": "县环保局", "missed": 1, "falsified": 1, "omitted": 1, "total": 2,
     "interview_warnings": 0}],
   "甲县: one lapse, one 漏报 on the same list, one 谎报: 合计 2; the warning beside")
eq([r["reason"].endswith("与该任务的逾期为同一事项，合计计1次") for r in acc["records"]
    if r["kind"] == "漏报"], [True], "the 漏报 row says it is the lapse's own fact")
out = st.ok("report", "accountability", "--format", "csv")
row = next(r for r in csv.reader(io.StringIO(out.lstrip("\ufeff"))) if "合计" not in r
           and len(r) == 13 and r[0] == "甲县" and r[1] == "县环保局")
eq(row[2:9], ["1", "0", "0", "0", "1", "1", "2"], "the CSV summary: 逾期未办结 1 … 漏报 1, 合计 2")

# the 漏报 withdrawn: the lapse stands alone, still one event; a new 漏报 on b (a report that
# came) is a fault of its own, counted beside b's 谎报 as one event of b's flags
st.ok("flag", "om/a/j/once", "--kind", "omitted", "--withdraw", "--by", "监测科",
      "--reason", "误登记")
eq([(w["state"], w["count"]) for w in warnings()], [("sent", 2)],
   "withdrawing the 漏报 leaves the sent warning's count: its lapse stands")
st.cleanup()
done("a lapse and its 漏报 are one fact for the conduct count and accountability's 合计")
