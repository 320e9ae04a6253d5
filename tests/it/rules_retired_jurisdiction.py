"""Review 10e, m-J: an import never gives a retired jurisdiction an enterprise, moved there
or new: a retired jurisdiction has none left (retire refuses one that has), and one given
to it would count lapses there and send escalations to an office told it is retired. The
whole import is refused (65), naming the enterprise, the jurisdiction and when it was
retired, and changes nothing."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, E1, E2  # noqa: E402

PLAN = """\
plan: rj
title: 撤并测试
timezone: Asia/Shanghai
roles:
  enterprise: {title: 企业, per: enterprise}
phases:
  - id: p
    title: 阶段
    milestones:
      - {id: t, title: 治理方案, owner: enterprise, for: each enterprise, due: 2017-06-30}
"""
REG = """\
jurisdictions:
  - {id: a, name: 甲县, kind: county, email: [a@x.example]}
  - {id: b, name: 乙县, kind: county, email: [b@x.example]}
offices:
  admin: [admin@x.example]
"""
HEAD = "id,name,jurisdiction,industry,listed,email\n"

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T10:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG))
st.ok("import", st.write("e.csv", HEAD + f"{E1},甲厂,a,cement,是,e1@x.example\n"))
st.ok("retire", "b", "--reason", "撤并")


def state():
    trail = st.ok("audit", "--format", "jsonl")
    return [(t["key"], t["jurisdiction"], t["state"]) for t in st.tasks()], trail


before = state()
for rows, what in (
        (f"{E1},甲厂,b,cement,是,e1@x.example\n", "moved there"),
        (f"{E1},甲厂,a,cement,是,e1@x.example\n{E2},乙厂,b,cement,是,e2@x.example\n", "new there")):
    for args in (("--dry-run",), ()):
        rc, _, err = st.run("import", st.write("e2.csv", HEAD + rows), *args)
        eq(rc, 65, f"an enterprise {what} is refused ({' '.join(args)}): {err}")
        bad = E1 if what == "moved there" else E2
        check(f"enterprise {bad}: its jurisdiction b was retired on 2017-03-01 (撤并)" in err,
              f"the refusal names the enterprise, the jurisdiction and when: {err}")
eq(state(), before, "nothing changed")
eq(json.loads(st.ok("tasks", "--format", "json"))[0]["jurisdiction"], "a", "甲厂 stays in 甲县")
st.cleanup()
done("an import gives a retired jurisdiction no enterprise")
