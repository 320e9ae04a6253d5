"""A new milestone that takes back the id an earlier version renamed (review 10e, H-B): the
renamed milestone's tasks keep their keys (PLAN/OLD-ID/...), so a new milestone under the
old id would make its tasks under those very keys and get none, while `simulate` showed
them. The load (and its --dry-run) is refused (65) naming both milestones and changes
nothing; going back to the original file (the rename undone) is still a load."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_plan, county_task,  # noqa: E402
                       county_registry)

A = county_task("a", "甲报告", "2017-03-10")
B = county_task("b", "乙报告", "2017-04-10")
B2_RENAMED = ("{id: b2, renamed_from: b, title: 乙汇总, owner: county, "
              "for: each jurisdiction, due: 2017-04-10}")
B2 = county_task("b2", "乙汇总", "2017-04-10")
NEW_B = county_task("b", "新乙报告", "2017-05-20")
REG = county_registry([("k1", "甲县")])


def plan(*milestones):
    return county_plan("vv", "版本方案", milestones)

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-05T10:00:00+08:00")
v1 = st.write("v1.yaml", plan(A, B))
st.ok("load", v1)
st.ok("import", st.write("r.yaml", REG))
st.ok("load", st.write("v2.yaml", plan(A, B2_RENAMED)))
eq({t["key"]: t["milestone"] for t in st.tasks()},
   {"vv/a/k1/once": "a", "vv/b/k1/once": "b2"}, "v2: b's task carried over to b2, same key")
v3 = st.write("v3.yaml", plan(A, B2, NEW_B))
want = ("plan vv version 3: milestone b would make its tasks under keys that milestone b2 "
        "(renamed from b) still holds, e.g. vv/b/k1/once")
for args in (("load", v3, "--dry-run"), ("load", v3)):
    code, out, err = st.run(*args)
    eq(code, 65, f"{' '.join(args[:1] + args[2:])}: refused")
    check(want in err, err)
eq({t["key"]: t["milestone"] for t in st.tasks()},
   {"vv/a/k1/once": "a", "vv/b/k1/once": "b2"}, "the refused load changed nothing")
out = st.ok("load", v1)
check("loaded version 3" in out, f"the original file again is version 3: {out}")
eq({t["key"]: t["milestone"] for t in st.tasks()},
   {"vv/a/k1/once": "a", "vv/b/k1/once": "b"}, "the rename undone: the task is b's again")
st.cleanup()
done("a new milestone under an id a renamed milestone's tasks still hold is refused")
