"""Every state a report can be in is final or watched (issue 10; review 10f, F6).

A plan's own lifecycle whose `return` led to a state that is neither final, nor in
`deadline.from`, nor the deadline's `to` state, nor a review state (one an `accept`
leaves) passed `check` and `load`: a report returned after its deadline sat there for ever
(no lapse, no overdue notice, no escalation, no warning) while its `returned` notice told
the county "已按逾期处理". Now `check` and `load` refuse it (65) at FILE:LINE:COLUMN of the
state in `states`, naming the state and what would make it watched, and nothing is
stored. A lifecycle without `deadline` whose milestone has an `escalate:` ladder (which
would never start) is refused at the `escalate` value. With the state in `deadline.from`
the same plan loads and a report returned after its deadline lapses at once. The Changji
plan and the shipped example plans still pass."""
import glob
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, src, county_plan, county_task,  # noqa: E402
                       county_registry)

LIFECYCLE = """\
lifecycles:
  rep:
    initial: open
    states: [open, submitted, rework, accepted, overdue]
    final: [accepted]
    events:
      submit: {open: submitted, rework: submitted, overdue: submitted}
      accept: {submitted: accepted}
      return: {submitted: rework}
    deadline: {from: [open%s], to: overdue}
escalations:
  s:
    - {after: 1d, kind: overdue, notify: [owner, hq]}
"""
MS = county_task("m", "评估报告", "2017-03-10", "submit_to: hq, escalate: s, lifecycle: rep")


def plan(rules):
    return county_plan("lw", "流程检查", [MS], offices=[("hq", "支队")], rules=rules)


def place(text, word, nth=1):
    """LINE:COLUMN (1-based) of the nth line holding word, at word."""
    for n, line in enumerate(text.splitlines(), 1):
        if word in line:
            nth -= 1
            if nth == 0:
                return f"{n}:{line.index(word) + 1}"
    return None


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T10:00:00+08:00")
st.ok("import", st.write("r.yaml", county_registry([("k1", "甲县")], offices=("hq",))))

# --- a `return` to a state nobody chases ------------------------------------------------
bad = plan(LIFECYCLE % "")
path = st.write("bad.yaml", bad)
# the state in the states list: "states: [open, submitted, rework, ..." on its line
at = place(bad, "rework, accepted")
for args in (("check", path), ("load", path)):
    code, _, err = st.run(*args)
    eq(code, 65, f"{args[0]}: a state neither final nor watched is refused")
    # `return` enters it: the deadline must watch it (an `accept` would not do, review10g G3)
    check(f"{path}:{at}: error: state 'rework' of lifecycle 'rep' is entered by `return`"
          in err and "the deadline does not watch it" in err and "deadline.from" in err,
          f"{args[0]} names the state's place and how to watch it: {err}")
eq(st.run("tasks", "--plan", "lw")[0], 64, "the refused plan was not stored")

# --- a lifecycle without deadline: its states must all be final or wait for review --------
nodl = plan(LIFECYCLE.replace("    deadline: {from: [open%s], to: overdue}\n", "")
            .replace("accepted, overdue]", "accepted]").replace(", overdue: submitted", ""))
path = st.write("nodl.yaml", nodl)
code, _, err = st.run("check", path)
eq(code, 65, "a lifecycle without deadline, its initial state owed by the county: refused")
check(f"{path}:{place(nodl, 'open, submitted')}: error: state 'open' of lifecycle 'rep' is "
      "neither final nor watched, and the lifecycle has no deadline" in err, err)
# review states only: valid, but an escalation ladder on it could never start
REVIEW = """\
lifecycles:
  ack:
    initial: waiting
    states: [waiting, acknowledged]
    final: [acknowledged]
    events:
      accept: {waiting: acknowledged}
escalations:
  s:
    - {after: 1d, kind: overdue, notify: [owner, hq]}
"""
esc = county_plan("lw", "流程检查", [county_task("m", "回执", "2017-03-10",
                                                "submit_to: hq, escalate: s, lifecycle: ack")],
                  offices=[("hq", "支队")], rules=REVIEW)
path = st.write("esc.yaml", esc)
code, _, err = st.run("check", path)
eq(code, 65, "escalate on a lifecycle that never lapses: refused")
check(f"{path}:{place(esc, 'escalate: s, lifecycle: ack').split(':')[0]}:" in err and
      "milestone 'm' escalates (escalate: s), but its lifecycle 'ack' has no deadline" in err,
      err)
ok = county_plan("lw", "流程检查", [county_task("m", "回执", "2017-03-10",
                                               "submit_to: hq, lifecycle: ack")],
                 offices=[("hq", "支队")], rules=REVIEW)
st.ok("check", st.write("ok-ack.yaml", ok))

# --- watched: the returned report is the county's again and lapses ----------------------
good = plan(LIFECYCLE % ", rework")
st.ok("load", st.write("good.yaml", good))
st.ok("submit", "lw/m/k1/once", "--by", "甲县")
# the deadline Fri 03-10 23:59:59 passes while the report waits for review (not a lapse);
# returned on Mon 03-13 (no correction period in this plan): overdue at once, as a report
# of the built-in lifecycle is
st.ok("advance", "--to", "2017-03-13T10:00:00+08:00")
eq([t["state"] for t in st.tasks()], ["submitted"], "waiting for review: not lapsed")
st.ok("event", "lw/m/k1/once", "return", "--by", "支队", "--reason", "数据有误")
eq([t["state"] for t in st.tasks()], ["overdue"],
   "a report returned after its deadline into a watched state lapses at once")
lapses = [json.loads(ln)["record"]["task"] for ln in st.ok("audit", "--format", "jsonl")
          .splitlines() if json.loads(ln)["record"]["action"] == "task.lapse"]
eq(lapses, ["lw/m/k1/once"], "the lapse is on record")
st.ok("advance", "--to", "2017-03-15T10:00:00+08:00")
status = st.ok("status")
check("逾期未办结事项（1 项）" in status, f"status chases it: {status}")

# --- the shipped plans still pass ---------------------------------------------------------
for f in [src("workflows", "changji-2017.yaml")] + sorted(
        glob.glob(src("tests", "workflows", "plans", "*.yaml"))):
    code, _, err = st.run("check", f)
    eq(code, 0, f"check {os.path.basename(f)}: {err}")
st.cleanup()
done("a lifecycle's states are final or watched; escalate needs a deadline")
