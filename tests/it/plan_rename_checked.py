"""A plan's keys that decide who owes what are checked against what they claim (review 10e):

- M-L: `renamed_from` must name a milestone some version of the plan in the store had. A
  misspelt one (`bb` for `b`) was accepted: the old milestone's tasks were cancelled, their
  owners told 撤销, and a second set made. Now `load` and `load --dry-run` refuse it (65) at
  FILE:LINE:COLUMN of the value, naming the previous version's milestones, and nothing
  changes. A later file that still says `renamed_from: b`, or one naming a milestone only an
  older version had, is accepted. On a plan's first version in the store it carries nothing
  over and `load` says so (a warning), not an error.
- M-F: `requires` on a milestone whose lifecycle has no `incomplete` state is refused by
  `check` and `load` (65, at the `requires` value): a hand-in naming no section would be
  complete, wait for review and never lapse. With an `incomplete` state the same plan loads
  and an empty hand-in is incomplete."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, county_plan, county_task, county_registry  # noqa: E402,E501

A = county_task("a", "甲报告", "2017-03-10", "submit_to: sup")
OFFICES = [("sup", "支队")]
REG = county_registry([("k1", "甲县"), ("k2", "乙县")], offices=("sup",))


def plan(ms_id, renamed, due="2017-04-10"):
    b = county_task(ms_id, "乙报告", due,
                    "submit_to: sup" + (f", renamed_from: {renamed}" if renamed else ""))
    return county_plan("vv", "改名测试", [A, b], offices=OFFICES)


def place(text, word):
    """LINE:COLUMN (1-based) of the first line holding word, at word."""
    for n, line in enumerate(text.splitlines(), 1):
        if word in line:
            return f"{n}:{line.index(word) + 1}"
    return None


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-05T10:00:00+08:00")
st.ok("load", st.write("v1.yaml", plan("b", None)))
st.ok("import", st.write("r.yaml", REG))


def snapshot():
    return (st.ok("tasks", "--format", "json"), st.outbox(), st.ok("audit", "--format", "jsonl"))


# --- M-L: a typo in renamed_from -------------------------------------------------------
typo = st.write("v2-typo.yaml", plan("b2", "bb"))
where = f"{typo}:{place(plan('b2', 'bb'), 'bb}')}: "
before = snapshot()
for args in (("load", typo, "--dry-run"), ("load", typo)):
    rc, _, err = st.run(*args)
    eq(rc, 65, f"{' '.join(args[:1] + args[2:])}: a renamed_from naming no milestone is refused")
    check(err.startswith(where), f"the refusal is at {where!r}: {err}")
    check("renamed_from 'bb'" in err and "version 1 has a, b" in err,
          f"it names the id and the previous version's milestones: {err}")
eq(snapshot(), before, "the refused load changed no task, queued no notice, recorded nothing")
eq(sorted(t["key"] for t in st.tasks() if t["state"] == "open"),
   ["vv/a/k1/once", "vv/a/k2/once", "vv/b/k1/once", "vv/b/k2/once"],
   "b's tasks are still open, none cancelled, no b2 set")

# the right id: carried over (same keys, milestone b2), nothing cancelled
st.ok("load", st.write("v2.yaml", plan("b2", "b")))
eq(sorted((t["key"], t["milestone"], t["state"]) for t in st.tasks() if "/b/" in t["key"]),
   [("vv/b/k1/once", "b2", "open"), ("vv/b/k2/once", "b2", "open")],
   "renamed_from: b carries b's two tasks over to b2")
# version 3, edited from version 2's file, still says renamed_from: b (b is version 1's)
rc, _, err = st.run("load", st.write("v3.yaml", plan("b2", "b", "2017-04-12")))
eq(rc, 0, f"a later file keeping renamed_from: b is accepted: {err}")
eq([t["due_date"] for t in st.tasks() if t["key"] == "vv/b/k1/once"], ["2017-04-12"],
   "version 3's date reached the renamed tasks")

# version 4 drops the milestone; version 5 brings it back as b3, renamed from b2, which
# only versions 2 and 3 had: an older version counts as well as the one before
st.ok("load", st.write("v4.yaml", county_plan("vv", "改名测试", [A], offices=OFFICES)))
rc, _, err = st.run("load", st.write("v5.yaml", plan("b3", "b2", "2017-04-12")))
eq(rc, 0, f"renamed_from naming a milestone of an older version is accepted: {err}")
rc, _, err = st.run("load", st.write("v6.yaml", plan("b4", "b5", "2017-04-12")))
eq(rc, 65, "one no version had is still refused after five versions")
check("version 5 has a, b3" in err, f"naming version 5's milestones: {err}")
# several claims looked up among the older versions in one load (each version is read once
# for all of them since review 13f, C4): b (version 1's) and b2 (versions 2-3's) are
# known; zz, after them, is still refused at its own place
def two(first, second):
    return county_plan("vv", "改名测试", [
        A, county_task("c4", "丙报告", "2017-04-12", f"submit_to: sup, renamed_from: {first}"),
        county_task("d4", "丁报告", "2017-04-12", f"submit_to: sup, renamed_from: {second}")],
        offices=OFFICES)


before = snapshot()
rc, _, err = st.run("load", st.write("v6b.yaml", two("b2", "b")), "--dry-run")
eq(rc, 0, f"two renamed_from naming ids only older versions had are accepted: {err}")
text = two("b", "zz")
rc, _, err = st.run("load", st.write("v6c.yaml", text))
eq(rc, 65, "one no version had is refused beside one an older version had")
check(f"v6c.yaml:{place(text, 'zz}')}: " in err and "renamed_from 'zz'" in err,
      f"at zz's place, naming it: {err}")
eq(snapshot(), before, "neither changed anything")

# --- the first version of a plan in a store: said, not refused --------------------------
fresh = Store()
fresh.ok("init", "--clock", "virtual", "--now", "2017-03-05T10:00:00+08:00")
v2 = fresh.write("v2.yaml", plan("b2", "b"))
rc, _, err = fresh.run("load", v2)
eq(rc, 0, f"a first version with renamed_from loads: {err}")
check(f"{v2}: warning: {place(plan('b2', 'b'), 'b}')}: renamed_from 'b': the store has no "
      "earlier version of plan vv" in err, f"and says it carries nothing over: {err}")
fresh.cleanup()

# --- M-F: requires on a lifecycle without an incomplete state ---------------------------
LIFECYCLE = """\
lifecycles:
  rep:
    initial: todo
    states: [todo, handed, done, late%s]
    final: [done]
    events:
      submit: {todo: handed, late: handed%s}
      accept: {handed: done%s}
    deadline: {from: [todo%s], to: late}%s
"""
LC_TASK = county_task("a", "甲报告", "2017-03-10", "submit_to: sup, lifecycle: rep, "
                      "requires: [x, y]")


def lc_plan(*parts):
    return county_plan("lc", "自定义流程方案", [LC_TASK], offices=OFFICES,
                       rules=LIFECYCLE % parts)


bad = lc_plan("", "", "", "", "")
path = st.write("lc.yaml", bad)
for args in (("check", path), ("load", path)):
    rc, _, err = st.run(*args)
    eq(rc, 65, f"{args[0]}: requires on a lifecycle with no incomplete state is refused")
    check(f"{path}:{place(bad, '[x, y]')}: " in err and "no incomplete state" in err,
          f"{args[0]} names the requires value's place and the missing state: {err}")
rc, out, _ = st.run("tasks", "--plan", "lc")
eq(rc, 64, "the refused plan was not stored (tasks --plan lc: no such plan)")

good = st.write("lc2.yaml", lc_plan(", short", ", short: handed",
                                    "}\n      return: {handed: short", ", short",
                                    "\n    incomplete: short"))
st.ok("load", good)
st.ok("submit", "lc/a/k1/once", "--by", "甲县")
eq([t["state"] for t in st.tasks() if t["key"] == "lc/a/k1/once"], ["short"],
   "with an incomplete state, a hand-in naming no section is incomplete")

st.cleanup()
done("renamed_from checked against the store's versions; requires needs an incomplete state")
