"""A version that keeps a milestone's id but gives it to another owner or `for` (a
county's report made the detachment's own summary) ends the old owners' tasks and tells
them, as a rename onto such a milestone does (review 10e, H-D): the counties' tasks are
cancelled with "撤销，不再报送（修订后的方案已将该事项调整为由支队办理）", the detachment gets
its one task, and nobody is reminded or lapses for the counties' old tasks; `simulate`
and `advance` agree. Every expected value is worked out by hand below (Asia/Shanghai)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_plan, county_task,  # noqa: E402
                       county_registry)

RULES = """\
escalations:
  s:
    - {after: 1d, kind: overdue, notify: [owner]}
"""
A = county_task("a", "甲报告", "2017-03-10")
B1 = county_task("b", "乙报告", "2017-04-10", "remind: [-2d], escalate: s")
B2 = ("{id: b, title: 乙汇总, owner: sup, for: once, due: 2017-04-10, remind: [-2d], "
      "escalate: s}")
REG = county_registry([("k1", "甲县"), ("k2", "乙县")], ["sup"])


def plan(*milestones):
    return county_plan("vo", "版本方案", milestones, [("sup", "支队")], RULES)

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-05T10:00:00+08:00")
st.ok("load", st.write("v1.yaml", plan(A, B1)))
st.ok("import", st.write("r.yaml", REG))
out = st.ok("load", st.write("v2.yaml", plan(A, B2)))
check("1 task created" in out, out)
eq({t["key"]: t["state"] for t in st.tasks() if "/b/" in t["key"]},
   {"vo/b/k1/once": "cancelled", "vo/b/k2/once": "cancelled", "vo/b/sup/once": "open"},
   "the counties' b ends; the detachment's is made")
told = sorted((str(m["To"]), m.get_body().get_content()) for m in st.mails()
              if m["X-Dabiao-Kind"] == "changed")
eq([to for to, _ in told], ["k1@x.example", "k2@x.example"], "each county told, once")
for _, body in told:
    check("乙报告：撤销，不再完成（修订后的方案已将该事项调整为由支队办理）" in body, body)
# b's reminder Sat 04-08 09:00, deadline Mon 04-10, overdue Tue 04-11 09:00: the
# detachment's one task only
st.ok("advance", "--to", "2017-04-12T10:00:00+08:00")
got = sorted((m["X-Dabiao-Kind"], str(m["To"]), m["X-Dabiao-Task"]) for m in st.mails()
             if m["X-Dabiao-Kind"] in ("reminder", "overdue"))
eq(got, [("overdue", "sup@x.example", "vo/b/sup/once"),
         ("reminder", "sup@x.example", "vo/b/sup/once")],
   "one reminder and one overdue notice, for the detachment's task")
sim = st.ok("simulate", st.path("v2.yaml"), "--registry", st.path("r.yaml"), "--from",
            "2017-03-05T10:00:00+08:00", "--to", "2017-04-12T10:00:00+08:00")
check("vo/b/k1" not in sim and "vo/b/sup/once" in sim, f"simulate agrees: {sim}")
st.cleanup()
done("a milestone given to another owner under the same id ends the old owners' tasks")
