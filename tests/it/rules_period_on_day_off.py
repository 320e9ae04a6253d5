"""A grace or correction period in calendar days that ends on a day off ends on the next
working day when the plan moves its dues so (`due_on_holiday: next-workday`), as its other
dues are (review10g G13); under `keep` it ends where it falls.

Worked out by hand (Asia/Shanghai, 2017 mainland calendar: Saturday 02-11 and Sunday 02-12
are days off): on Wednesday 2017-02-08 10:00 an enterprise is imported, its filing due
Monday 02-06 already past: `grace: 3d` ends Saturday 02-11 -> Monday 02-13. The county
hands in its report (due Friday 02-10) incomplete the same day: `correction: 3d` gives
until Saturday 02-11 -> Monday 02-13 too."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, done, E1  # noqa: E402


def plan(shift):
    return f"""\
plan: gd
title: 宽限期测试
timezone: Asia/Shanghai
grace: 3d
correction: 3d
calendar: {{use: [cn-mainland], due_on_holiday: {shift}}}
roles:
  county: {{title: 县环保局, per: jurisdiction}}
  ent: {{title: 企业, per: enterprise}}
phases:
  - id: p
    title: 阶段
    milestones:
      - {{id: filing, title: 备案, owner: ent, for: each enterprise, due: 2017-02-06, remind: [-3d]}}
      - {{id: rep, title: 报告, owner: county, for: each jurisdiction, due: 2017-02-10, remind: [-1d], requires: [x, y]}}
"""


REG = """\
jurisdictions:
  - {id: j1, name: 甲县, kind: county, email: [j1@x.example]}
offices:
  admin: [admin@x.example]
"""
for shift, want in (("next-workday", "2017-02-13"), ("keep", "2017-02-11")):
    st = Store()
    st.ok("init", "--clock", "virtual", "--now", "2017-01-20T00:00:00+08:00")
    st.ok("load", st.write("p.yaml", plan(shift)))
    st.ok("import", st.write("r.yaml", REG))
    st.ok("advance", "--to", "2017-02-08T10:00:00+08:00")
    st.ok("import", st.write("e.csv", "id,name,jurisdiction,industry,email\n"
                             f"{E1},一厂,j1,steel,e1@x.example\n"))
    st.ok("submit", "gd/rep/j1/once", "--by", "甲县", "--sections", "x")
    due = {t["milestone"]: t["due_date"] for t in st.tasks()}
    eq((due["filing"], due["rep"]), (want, want),
       f"{shift}: the grace and the correction period end {want}")
    st.cleanup()
done("a d period ending on a day off follows the plan's due_on_holiday")
