"""A load's preview says what changed in each line it lists (review 10e, m-E and m-G): a
due at a local date-time moved within its day shows both instants, not "DATE -> DATE"; a
task whose reminders a version changes shows the instants before and after. Values worked
out by hand (Asia/Shanghai, weekends off, notify_at 09:00)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, done, county_plan, county_registry, county_task  # noqa: E402


def plan(a_due, b_remind):
    return county_plan("rp", "预览测试", [county_task("a", "甲报告", a_due, "remind: [-1h]"),
                                          county_task("b", "乙报告", "2017-03-20",
                                                      f"remind: {b_remind}")])


def lines(out, head):
    """The lines listed under HEAD in a load's output: {key: what}."""
    got, on = {}, False
    for ln in out.splitlines():
        if ln.startswith(head):
            on = True
        elif on and ln.startswith("  "):
            k, _, what = ln.strip().partition(" ")
            got[k] = what.strip()
        else:
            on = False
    return got


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T10:00:00+08:00")
st.ok("load", st.write("v1.yaml", plan("2017-03-10T10:00", "[-7d, -1wd]")))
st.ok("import", st.write("r.yaml", county_registry([("k", "甲县")])))
v2 = st.write("v2.yaml", plan("2017-03-10T09:30", "[-3d]"))
for args in (("--dry-run",), ()):
    out = st.ok("load", v2, *args)
    # a: 10:00 -> 09:30 the same day
    eq(lines(out, "deadlines moved"),
       {"rp/a/k/once": "2017-03-10T10:00:00+08:00 -> 2017-03-10T09:30:00+08:00"},
       f"load {' '.join(args)}: a date-time due moved within its day shows both instants")
    # b due Monday 03-20: -7d = Mon 03-13 09:00, -1wd = Fri 03-17 09:00; -3d = Fri 03-17
    eq(lines(out, "reminders or escalations changed"),
       {"rp/b/k/once": "reminders 03-13 09:00, 03-17 09:00 -> 03-17 09:00"},
       f"load {' '.join(args)}: the reminders before and after")
st.cleanup()
done("a load's preview lines say what changed")
