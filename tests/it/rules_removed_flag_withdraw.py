"""Review 10h, K5 and K6: a flag on a task whose milestone a later version removed still
counts (its facts stand), so it can be withdrawn too: it was refused (65, "milestone b is
no longer in plan") while it went on counting toward 约谈. Its accountability row names the
owner role and the matter as the version that gave the task did, not the county's id and
the task key; and a warning's row gives its time in the plan's zone, as every other row.
Worked by hand: plan in Europe/Berlin (+01:00 in March 2017), store in Asia/Shanghai,
notify_at 09:00."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, done  # noqa: E402


def plan(milestones):
    return ("plan: kk\ntitle: 撤回测试\ntimezone: Europe/Berlin\nnotify_at: \"09:00\"\n"
            "roles:\n  county: {title: 县环保局, per: jurisdiction}\n  hq: {title: 支队}\n"
            "accountability: {notify: [hq]}\n"
            "conduct:\n  - {lapses: 2, within: 90d, kind: interview-warning, notify: [hq]}\n"
            "phases:\n  - id: p\n    title: 阶段\n    milestones:\n"
            + "".join(f"      - {{id: {m}, title: {t}, owner: county, for: each jurisdiction, "
                      f"due: {d}}}\n" for m, t, d in milestones))


A, C = ("a", "甲表", "2017-03-10"), ("c", "丙表", "2017-03-20")
REG = """\
jurisdictions:
  - {id: k1, name: 甲县, kind: county, email: [k1@x.example]}
offices:
  hq: [hq@x.example]
  admin: [admin@x.example]
"""

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T00:00:00", "--tz", "Asia/Shanghai")
st.ok("load", st.write("v1.yaml", plan([A, ("b", "乙表", "2017-03-10"), C])))
st.ok("import", st.write("r.yaml", REG))
st.ok("advance", "--to", "2017-03-09T10:00:00+01:00")
st.ok("submit", "kk/b/k1/once", "--by", "甲县")
st.ok("flag", "kk/b/k1/once", "--kind", "falsified", "--by", "监测科", "--reason", "数据造假")
st.ok("load", st.write("v2.yaml", plan([A, C])))          # b removed: cancelled
eq(st.run("flag", "kk/b/k1/once", "--kind", "falsified", "--withdraw", "--by", "监测科",
          "--reason", "误登记")[0], 0, "the flag on the removed milestone's task is withdrawn")
# 甲表 lapses 03-11 00:00 Berlin: one event, the flag no longer counts: no warning
st.ok("advance", "--to", "2017-03-12T10:00:00+01:00")
eq(json.loads(st.ok("warnings", "--format", "json")), [], "the withdrawn flag counts no more")
acc = json.loads(st.ok("report", "accountability", "--format", "json"))
eq([(r["person"], r["kind"], r["matter"]) for r in acc["records"] if r["task"] == "kk/b/k1/once"],
   [("县环保局", "谎报（已撤回）", "乙表")], "the flag's row names the role and the matter")

# K6: 丙表, due 03-20, lapses 03-21 00:00 Berlin: with 甲表's, 2 events: the warning at
# 03-21 09:00 Berlin (16:00 in Shanghai); its row says 09:00 +01:00
st.ok("advance", "--to", "2017-03-22T10:00:00+01:00")
acc = json.loads(st.ok("report", "accountability", "--format", "json"))
eq(sorted((r["kind"], r["time"]) for r in acc["records"] if r["kind"] in ("约谈预警", "逾期未报")),
   [("约谈预警", "2017-03-21T09:00:00+01:00"), ("逾期未报", "2017-03-11T00:00:00+01:00"),
    ("逾期未报", "2017-03-21T00:00:00+01:00")], "every row's time in the plan's zone")
st.cleanup()
done("a flag on a removed milestone's task is withdrawn; rows in the plan's zone")
