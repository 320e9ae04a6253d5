"""Review 10e, m-D: a version that removes a conduct rule withdraws the rule's proposals
nobody has decided yet, and says so; nobody could decide them any more (approve has no rule
to send them by) and every list would wait on them for ever. A proposal decided before
stays what it was."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_plan, county_registry,  # noqa: E402
                       county_task)

RULE = ("conduct:\n  - {kind: interview-warning, lapses: 1, within: 90d, notify: [lead], "
        "decide: [lead]}\n")
MS = [county_task("a", "甲报告", "2017-03-10")]
V1 = county_plan("rr", "规则测试", MS, offices=[("lead", "州环保局")], rules=RULE)
V2 = county_plan("rr", "规则测试", MS, offices=[("lead", "州环保局")])

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T10:00:00+08:00")
st.ok("load", st.write("v1.yaml", V1))
st.ok("import", st.write("r.yaml", county_registry([("j", "甲县"), ("k", "乙县")],
                                                   offices=("lead",))))
st.decider("lead1", "lead", "局长")
st.ok("advance", "--to", "2017-03-13T10:00:00+08:00")   # a lapsed 03-10 23:59:59; rule evaluated 03-11 09:00
ws = {w["jurisdiction"]: w for w in json.loads(st.ok("warnings", "--format", "json"))}
eq(sorted((j, w["state"]) for j, w in ws.items()), [("j", "proposed"), ("k", "proposed")],
   "one proposal per county")
st.ok("decide", ws["k"]["id"], "dismiss", "--by", "局长", "--reason", "情况特殊")

out = st.ok("load", st.write("v2.yaml", V2))
check(f"warning {ws['j']['id']}" in out and "withdrawn" in out
      and "proposed warnings withdrawn (their rule is gone or decides no more)" in out,
      f"the load names the proposal it withdraws: {out}")
check(f"warning {ws['k']['id']} " not in out, f"the dismissed one is not touched: {out}")
now = {w["jurisdiction"]: w["state"] for w in json.loads(st.ok("warnings", "--format", "json"))}
eq(now, {"j": "withdrawn", "k": "dismissed"}, "the undecided one withdrawn, the decided one kept")
rc, _, err = st.run("decide", ws["j"]["id"], "approve", "--by", "局长", "--reason", "x")
eq(rc, 65, "a withdrawn proposal cannot be decided")
check("withdrawn: its interview-warning rule is not in version 2 of plan rr" in err, err)
audit = [json.loads(ln)["record"] for ln in st.ok("audit", "--format", "jsonl").splitlines()]
eq([(r["subject"], r["from_state"], r["to_state"]) for r in audit
    if r["action"] == "conduct.withdraw"], [("j", "proposed", "withdrawn")], "audited")
st.cleanup()
done("a removed rule's undecided proposals are withdrawn by the load, which says so")
