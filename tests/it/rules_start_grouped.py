"""One start notice per owner per load or import (review 10e, m-K): before, an enterprise
imported after two of its deadlines, or a county when a plan was loaded late, got one
`start` notice per task at the same instant. Now an owner with several late arrivals from
one load or import gets one `start` notice listing them (one X-Dabiao-Task per task), and
an owner with one gets that task's own notice as before (docs/notices.md).

Worked out by hand (Asia/Shanghai, weekends off, grace 10wd):
- enterprise plan: 整改方案 due Friday 2017-02-10 (no reminder), 整改报告 due Friday 02-17
  (reminded -2d, 02-15 09:00). 甲钢铁 imported Monday 02-13 10:00: only 整改方案 is late
  (its report is still reminded on 02-15): its own notice, grace to Monday 02-27. 乙水泥
  imported Wednesday 03-01 10:00: both late, one notice listing both, grace to Wednesday
  03-15 for each.
- county plan loaded Wednesday 03-01 10:00 with 月报 due 02-10 and 季报 due 02-17 (and 年报 due
  06-30, reminded -3d: not late): each county gets one notice listing the two."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_registry, enterprise_plan,  # noqa: E402,E501
                       county_plan, county_task, E1, E2)

PLAN = enterprise_plan("sg", "整改督办", [
    "{id: fix, title: 整改方案, owner: enterprise, for: each enterprise, due: 2017-02-10}",
    "{id: rep, title: 整改报告, owner: enterprise, for: each enterprise, due: 2017-02-17, "
    "remind: [-2d]}"])
REG = county_registry([("aa", "甲县")])


def sheet(e, name, mail):
    return ("id,name,jurisdiction,industry,rectify_by,email\n"
            f"{e},{name},aa,steel,2017-12-31,{mail}@x.example\n")


def starts(st, before):
    return [m for m in st.mails() if m["X-Dabiao-Key"] not in before
            and m["X-Dabiao-Kind"] == "start"]


# with the web configured each task's own submit link is in the list, and a header each
os.environ["DABIAO_WEB_URL"] = "http://127.0.0.1:9"
st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-01-02T10:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG))
st.ok("advance", "--to", "2017-02-13T10:00:00+08:00")

before = {m["X-Dabiao-Key"] for m in st.mails()}
st.ok("import", st.write("e1.csv", sheet(E1, "甲钢铁", "e1")))
got = starts(st, before)
eq([(m["X-Dabiao-Key"], m.get_all("X-Dabiao-Task")) for m in got],
   [(f"sg/fix/{E1}/once#start#g1", [f"sg/fix/{E1}/once"])],
   "one late task: its own start notice, as before")
check("2017年2月27日（星期一）24时" in got[0].get_content(), got[0].get_content())

st.ok("advance", "--to", "2017-03-01T10:00:00+08:00")
before = {m["X-Dabiao-Key"] for m in st.mails()}
st.ok("import", st.write("e2.csv", sheet(E2, "乙水泥", "e2")))
got = starts(st, before)
eq(len(got), 1, "two late tasks of one enterprise: one start notice")
m = got[0]
eq(m.get_all("X-Dabiao-Task"), [f"sg/fix/{E2}/once", f"sg/rep/{E2}/once"],
   "naming both tasks, in the plan's order")
check(m["X-Dabiao-Key"].startswith("sg/start/"), m["X-Dabiao-Key"])
eq(m["To"], "e2@x.example", "to the enterprise")
text = m.get_content()
for what, due in (("整改方案", "2017年2月10日（星期五）24时"), ("整改报告", "2017年2月17日（星期五）24时")):
    check(f"{what}" in text and f"原定截止时间为{due}，在你单位纳入之前已经届满，不作逾期处理；"
          "请于2017年3月15日（星期三）24时前" in text, f"{what}: {text}")
check("以下2项事项" in text, text)
links = m.get_all("X-Dabiao-Submit-URL") or []
eq(len(set(links)), 2, "one submit link per task listed, as headers")
check(all(text.count(u) == 1 for u in links), f"each once in the text: {text}")
eq(sorted((t["key"], t["due_date"]) for t in st.tasks() if E2 in t["key"]),
   [(f"sg/fix/{E2}/once", "2017-03-15"), (f"sg/rep/{E2}/once", "2017-03-15")],
   "both given the grace period")

# a plan loaded late: each county one notice listing its two late tasks
CP = county_plan("cg", "月报测试", [
    county_task("mon", "月报表", "2017-02-10"), county_task("qtr", "季报表", "2017-02-17"),
    county_task("yr", "年报表", "2017-06-30", "remind: [-3d]")])
st2 = Store()
st2.ok("init", "--clock", "virtual", "--now", "2017-03-01T10:00:00+08:00")
st2.ok("import", st2.write("r.yaml", county_registry([("a", "甲县"), ("b", "乙县")])))
st2.ok("load", st2.write("p.yaml", CP))
got = starts(st2, set())
eq(sorted((m["To"], tuple(m.get_all("X-Dabiao-Task"))) for m in got),
   [("a@x.example", ("cg/mon/a/once", "cg/qtr/a/once")),
    ("b@x.example", ("cg/mon/b/once", "cg/qtr/b/once"))],
   "one start notice per county, listing its two late tasks")
check(all("该事项下达之前已经届满" in m.get_content() or "在该事项下达之前已经届满" in m.get_content()
          for m in got), got[0].get_content())
eq(len([r for r in st2.records() if r["action"] == "notice.queue"]), 2,
   "two notices queued, not four")
done("late arrivals of one load or import: one start notice per owner")
