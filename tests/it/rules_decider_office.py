"""Only the bureau decides a warning (review 10f, F7).

`decide:` accepted a role held per jurisdiction (`county`, the very counties the rule
warns): a county's own account dismissed its own warning and its neighbour's. Now `check`
and `load` refuse a `decide` role with `per` (65) at FILE:LINE:COLUMN of the role, naming
it, and nothing is stored; with an office as decider, a county's account (bound to its
jurisdiction) is nobody who may decide (64) and the proposals stay as they were."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_plan, county_task,  # noqa: E402
                       county_registry)


def plan(deciders):
    return county_plan("dc", "决定人", [county_task("a", "甲表", "2017-03-10")],
                       offices=[("leader", "局领导")], rules=f"""\
conduct:
  - {{lapses: 1, within: 30d, kind: interview-warning, notify: [county, leader],
     decide: [{deciders}]}}
""")


def place(text, word):
    for n, line in enumerate(text.splitlines(), 1):
        if word in line:
            return f"{n}:{line.index(word) + 1}"
    return None


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T10:00:00+08:00")
st.ok("import", st.write("r.yaml", county_registry([("j1", "甲县"), ("j2", "乙县")],
                                                   offices=("leader",))))
bad = plan("leader, county")
path = st.write("bad.yaml", bad)
for args in (("check", path), ("load", path)):
    code, _, err = st.run(*args)
    eq(code, 65, f"{args[0]}: a per-jurisdiction decider is refused")
    check(f"{path}:{place(bad, 'county]')}: error: decide: role 'county' is held per "
          "jurisdiction" in err, f"{args[0]} names the role at its place: {err}")
eq(st.run("tasks", "--plan", "dc")[0], 64, "the refused plan was not stored")

st.ok("load", st.write("ok.yaml", plan("leader")))
st.decider("liming", "leader", "李明")
pw = st.write("pw", "a-long-enough-password\n")
st.ok("user", "add", "j1clerk", "--role", "county", "--subject", "j1", "--name", "甲县张三",
      "--password-file", pw)
# a lapses Fri 03-10 in both counties: proposals 1 and 2 on Sat 03-11 09:00
st.ok("advance", "--to", "2017-03-13T10:00:00+08:00")
ws = json.loads(st.ok("warnings", "--format", "json"))
eq([(w["id"], w["jurisdiction"], w["state"]) for w in ws],
   [("1", "j1", "proposed"), ("2", "j2", "proposed")], "two proposals")
for wid in ("1", "2"):
    for by in ("j1clerk", "甲县张三"):
        code, _, err = st.run("decide", wid, "dismiss", "--by", by, "--reason", "不是我们")
        eq(code, 64, f"a county's account may not decide warning {wid} (--by {by})")
        check(f"--by '{by}' is nobody who may decide warning {wid}: give one of 李明 (liming)"
              in err, err)
eq([w["state"] for w in json.loads(st.ok("warnings", "--format", "json"))],
   ["proposed", "proposed"], "the refusals changed nothing")
st.ok("decide", "1", "dismiss", "--by", "李明", "--reason", "已核实")
st.cleanup()
done("decide names offices only; a county's account never decides")
