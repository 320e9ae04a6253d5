"""The Changji plan on the shipped calendars (`use: [cn-mainland, cn-xinjiang]`) expands
exactly as it did with the 2017 and 2018 days it used to type by hand: the same tasks with
the same due dates and deadlines, and the same timeline of reminders, deadlines,
escalations and warnings, line for line. The hand-typed block below is the plan's
calendar as it was before it switched to `use:` (commit bfe36a9)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, src  # noqa: E402

HAND_TYPED = """\
calendar:
  weekend: [sat, sun]
  # 2017: 国务院办公厅关于2017年部分节假日安排的通知（国办发明电〔2016〕17号）.
  # 2018 too, because two deadlines run into 2018 (the 12-31 list shifts past New Year's Day,
  # and the other industries' evaluation is due 2018-10-31): 国办发明电〔2017〕12号.
  holidays:
    - 2017-01-01..2017-01-02      # 元旦
    - 2017-01-27..2017-02-02      # 春节
    - 2017-04-02..2017-04-04      # 清明节
    - 2017-04-29..2017-05-01      # 劳动节
    - 2017-05-28..2017-05-30      # 端午节
    - 2017-10-01..2017-10-08      # 国庆节、中秋节
    - 2017-12-30..2018-01-01      # 2018年元旦
    - 2018-02-15..2018-02-21      # 2018年春节
    - 2018-04-05..2018-04-07      # 2018年清明节
    - 2018-04-29..2018-05-01      # 2018年劳动节
    - 2018-06-16..2018-06-18      # 2018年端午节
    - 2018-09-22..2018-09-24      # 2018年中秋节
    - 2018-10-01..2018-10-07      # 2018年国庆节
  workdays:                       # weekend days worked instead (调休上班)
    - 2017-01-22
    - 2017-02-04
    - 2017-04-01
    - 2017-05-27
    - 2017-09-30
    - 2018-02-11
    - 2018-02-24
    - 2018-04-08
    - 2018-04-28
    - 2018-09-29
    - 2018-09-30
  due_on_holiday: next-workday
"""

with open(src("workflows", "changji-2017.yaml"), encoding="utf-8") as f:
    plan = f.read()
start = plan.index("calendar:\n")
end = plan.index("  due_on_holiday: next-workday\n") + len("  due_on_holiday: next-workday\n")
check("use: [cn-mainland, cn-xinjiang]" in plan[start:end], "the plan uses the shipped calendars")
check("holidays" not in plan[start:end].replace("# ", ""), "and lists no days of its own")

st = Store()
old_plan = st.write("changji-2017.yaml", plan[:start] + HAND_TYPED + plan[end:])
registry = src("workflows", "changji-registry.yaml")


def expansion(plan_path, name):
    s = Store(name)
    s.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
    s.ok("load", plan_path)
    s.ok("import", registry)
    tasks = sorted((t["key"], t["due_date"], t["deadline"]) for t in s.tasks())
    timeline = s.ok("advance", "--to", "2019-01-01T00:00:00+08:00")
    s.cleanup()
    return tasks, timeline.splitlines()


old_tasks, old_timeline = expansion(old_plan, "hand-typed")
new_tasks, new_timeline = expansion(src("workflows", "changji-2017.yaml"), "use")
check(len(old_tasks) > 150, f"a year of tasks: {len(old_tasks)}")
eq(new_tasks, old_tasks, "tasks, due dates and deadlines")
check(len(old_timeline) > 1000, f"a year of notices: {len(old_timeline)}")
for i, (a, b) in enumerate(zip(old_timeline, new_timeline)):
    if a != b:
        eq(b, a, f"timeline line {i + 1}")
        break
eq(len(new_timeline), len(old_timeline), "timeline length")
# and simulate, which loads the plan from its file the same way
_, sim_old, _ = st.run("simulate", old_plan, "--registry", registry, check=0)
_, sim_new, err = st.run("simulate", src("workflows", "changji-2017.yaml"), "--registry",
                         registry, check=0)
eq(sim_new, sim_old, "simulate prints the same timeline")
st.cleanup()
done("Changji on cn-mainland + cn-xinjiang expands as with its hand-typed 2017/2018 days")
