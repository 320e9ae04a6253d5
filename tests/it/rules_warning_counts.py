"""A warning says how many events over how many tasks, and words a flags-only warning for
flags (review 10d, m-4): a task that lapsed and was flagged is one task behind two events,
not "2项任务"; a warning counting flags only does not ask for overdue reports. Expected
texts worked out by hand (Asia/Shanghai, no calendar)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_plan, county_registry,  # noqa: E402
                       county_task)

PLAN = county_plan("wc", "计数测试", [
    county_task("x", "甲事项", "2017-03-01", "submit_to: bureau")],
    offices=[("bureau", "州环保局")], rules="conduct:\n"
    "  - {lapses: 2, within: 30d, kind: approval-restriction-warning, notify: [county], of: [lapse, flag]}\n"
    "  - {lapses: 1, within: 30d, kind: interview-warning, notify: [county], of: [flag]}\n")
REG = county_registry([("a", "甲县")], offices=("bureau",))

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T00:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("reg.yaml", REG))
# x lapses at 03-02 00:00 and is flagged 谎报 at 03-02 10:00: two events, one task.
# The 03-03 09:00 evaluation: the restriction rule (lapses and flags, 2) has 2 events; the
# interview rule (flags only, 1) has 1.
st.ok("advance", "--to", "2017-03-02T10:00:00+08:00")
st.ok("flag", "wc/x/a/once", "--kind", "falsified", "--by", "支队", "--reason", "数据不实")
st.ok("advance", "--to", "2017-03-03T10:00:00+08:00")
ws = {m["X-Dabiao-Kind"]: m.get_body().get_content() for m in st.mails()
      if m["X-Dabiao-Kind"].endswith("warning")}
eq(sorted(ws), ["approval-restriction-warning", "interview-warning"], "two warnings")
r = ws["approval-restriction-warning"]
check("共有2次逾期未办结或被登记问题（涉及1项任务），" in r,
      f"two events of one task, said so:\n{r}")
i = ws["interview-warning"]
check("共有1项任务被登记问题，" in i, f"a flags-only warning speaks of flags:\n{i}")
check("补报逾期材料" not in i, f"and asks for no overdue report:\n{i}")
st.cleanup()
done("a warning counts events and tasks apart, and words a flags-only warning for flags")
