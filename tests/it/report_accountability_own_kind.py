"""Review10j R5: `report accountability` filed a warning of a plan's own kind (a flag-only
rule, `kind: flag-warning`) as 约谈预警 and counted it in that column, telling a reader a
year on that the county was warned of a public interview it never was; and it named the
warning's events by task keys, and a renamed milestone's records by the title given since.
Now: category and column 工作预警 (as the monthly dispatch calls a plan's own kinds), 事项
the kind; 依据 in words, each task by its matter and period and its jurisdiction as the
version in force at the warning named them; a milestone renamed later
(renamed_from) keeps, in the rows of then, the title it had.
Worked by hand (Asia/Shanghai, notify_at 09:00): 甲县 hands in 甲表 and 乙表 on 03-01,
both flagged on 03-01; the rule (2 flags) sends its warning 03-02 09:00; version 2 renames
甲表 to 甲表（修订） on 03-03."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, done, county_plan, county_registry,  # noqa: E402
                       county_task)

RULES = """\
conduct:
  - {lapses: 2, within: 60d, kind: flag-warning, notify: [county, hq], of: [flag]}
"""
V1 = county_plan("fk", "工作预警测试", [
    county_task("a", "甲表", "2017-03-10", "submit_to: hq"),
    county_task("b", "乙表", "2017-03-10", "submit_to: hq")], offices=[("hq", "支队")],
    rules=RULES)
V2 = V1.replace("{id: a, title: 甲表,", "{id: a2, title: 甲表（修订）, renamed_from: a,")
A, B = "fk/a/j/once", "fk/b/j/once"

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T10:00:00+08:00")
st.ok("load", st.write("v1.yaml", V1))
st.ok("import", st.write("r.yaml", county_registry([("j", "甲县")], offices=("hq",))))
for t in (A, B):
    st.ok("submit", t, "--by", "经办")
st.ok("flag", A, "--kind", "falsified", "--by", "监测科", "--reason", "数据造假")
st.ok("flag", B, "--kind", "concealed", "--by", "监测科", "--reason", "隐瞒超标")
st.ok("advance", "--to", "2017-03-03T10:00:00+08:00")
st.ok("load", st.write("v2.yaml", V2))

acc = json.loads(st.ok("report", "accountability", "--format", "json"))
w = [r for r in acc["records"] if r["person"] == "—"]
eq([(r["kind"], r["matter"], r["task"], r["reason"]) for r in w],
   [("工作预警", "flag-warning", None, "依据：甲表（甲县）、乙表（甲县）")],
   "a plan's own kind: 工作预警, its events in words")
eq(sorted((r["kind"], r["matter"]) for r in acc["records"] if r["person"] != "—"),
   [("瞒报", "乙表"), ("谎报", "甲表")], "the renamed milestone's flag under its title then")
eq([(s["interview_warnings"], s["restriction_warnings"], s["other_warnings"])
    for s in acc["summary"] if s["person"] == "—"], [(0, 0, 1)],
   "counted in a column of its own, not as an interview")
table = st.ok("report", "accountability")
eq("工作预警" in table.splitlines()[0] or any("工作预警" in line for line in table.splitlines()),
   True, "the table has the column")
st.cleanup()
done("a plan's own warning kind: 工作预警, named in words")
