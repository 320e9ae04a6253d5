"""A warning that counted a lapse voided afterwards (补录: a hand-in received before the
deadline and recorded after it, docs/plan-format.md "Recorded afterwards") is not kept as
it was (issue 10, left from rules5). A proposal still undecided is brought to the truth:
proposed again with the events left (a new number, the old one superseded) while they still
meet the rule, withdrawn when they fall below it; the deciders are told at once either way.
A warning already sent stays sent and lists the voided events (`warnings`, the dispatch).
A withdrawn proposal is no standing warning: the events left count as new again.
Every expected value is worked out by hand below (Asia/Shanghai; March 2017 has no
holidays)."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_plan, county_task,  # noqa: E402
                       county_registry)

PLAN = county_plan("vw", "补录预警测试", [
    county_task("a", "甲表", "2017-03-10"), county_task("b", "乙表", "2017-03-10"),
    county_task("c", "丙表", "2017-03-10"), county_task("d", "丁表", "2017-03-20")],
    offices=[("leader", "局领导")], rules="""\
conduct:
  - {lapses: 2, within: 90d, kind: interview-warning, notify: [county], decide: [leader]}
  - {lapses: 2, within: 90d, kind: approval-restriction-warning, notify: [county]}
dispatch: {day: 10, notify: [leader]}
""")
REG = county_registry([("j", "甲县")], ["leader"])


def warnings():
    return {w["id"]: w for w in json.loads(st.ok("warnings", "--format", "json"))}


def audit(action):
    recs = [json.loads(ln)["record"] for ln in st.ok("audit", "--format", "jsonl").splitlines()]
    return [r for r in recs if r["action"] == action]


def candidates():
    return [m for m in st.mails() if m["X-Dabiao-Kind"] == "candidates"]


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T00:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG))
# a, b and c lapse Fri 03-10 23:59:59 (counted at 03-11 00:00); both rules are evaluated
# Sat 03-11 09:00 with 3 events: the interview rule proposes, the restriction rule sends
st.ok("advance", "--to", "2017-03-13T10:00:00+08:00")
w = warnings()
eq(sorted((x["kind"], x["state"], x["count"]) for x in w.values()),
   [("approval-restriction-warning", "sent", 3), ("interview-warning", "proposed", 3)],
   "03-11: a proposal and a sent warning, 3 lapses each")
P = next(i for i, x in w.items() if x["kind"] == "interview-warning")
S = next(i for i, x in w.items() if x["kind"] == "approval-restriction-warning")
eq(len(candidates()), 1, "the candidate list of 03-11")

# a's report was received Fri 03-10 10:00 and is entered Mon 03-13 10:00: a's lapse is void
st.ok("submit", "vw/a/j/once", "--by", "张三", "--at", "2017-03-10T10:00:00+08:00")
w = warnings()
eq((w[P]["state"], w[P]["count"], w[P]["voided"]), ("superseded", 3, ["vw/a/j/once"]),
   "the proposal that counted a is superseded and says what was voided")
N = w[P]["superseded_by"]
eq((w[N]["state"], w[N]["kind"], w[N]["count"], sorted(w[N]["tasks"])),
   ("proposed", "interview-warning", 2, ["vw/b/j/once", "vw/c/j/once"]),
   "proposed again with the true count: b and c still meet the rule's 2")
eq((w[S]["state"], w[S]["count"], w[S]["voided"]), ("sent", 3, ["vw/a/j/once"]),
   "the sent warning stays sent and lists the voided lapse")
prop = [json.loads(r["details"]) for r in audit("conduct.propose")]
eq([(d["id"], d.get("replaces"), d.get("voided")) for d in prop],
   [(P, None, None), (N, P, "vw/a/j/once")], "the new proposal's record names the one it replaces")
void = [json.loads(r["details"]) for r in audit("conduct.void")]
eq([(d["id"], d["voided"], d["left"], d["below_rule"]) for d in void],
   [(S, "vw/a/j/once", 2, False)], "the sent warning's record: 2 of 3 left, still at the rule")
cand = candidates()
eq(len(cand), 2, "the deciders are told at once")
eq((cand[1]["To"], cand[1]["X-Dabiao-Scheduled"]),
   ("leader@x.example", "2017-03-13T10:00:00+08:00"), "the leader, when it was entered")
body = cand[1].get_body().get_content()
check("调整" in cand[1]["Subject"], cand[1]["Subject"])
check(f"预警编号 {P}（甲县，3项）中的“甲县：甲表，截止时间2017年3月10日（星期五）24时，逾期”"
      in body and f"余2项，仍达到预警标准（2项），已按实际情况重新提请决定，新的预警编号为 {N}，"
      f"原编号 {P} 不再决定" in body, body)
check(f"预警编号 {N}）" in body and "预警尚未发出，请予决定" in body,
      f"the list of what awaits a decision names the new number: {body}")
code, _, err = st.run("decide", P, "approve", "--by", "局长", "--reason", "测试")
eq(code, 65, "the old number is not decided")
check(f"superseded by {N}" in err, err)

# b's report too was received in time: one event left, below the rule: withdrawn
st.ok("submit", "vw/b/j/once", "--by", "张三", "--at", "2017-03-10T11:00:00+08:00")
w = warnings()
eq((w[N]["state"], w[N]["voided"]), ("withdrawn", ["vw/b/j/once"]), "withdrawn")
eq([x for x in w if w[x]["state"] == "proposed"], [], "nothing left to decide")
eq((w[S]["state"], sorted(w[S]["voided"])), ("sent", ["vw/a/j/once", "vw/b/j/once"]),
   "the sent warning lists both voided lapses")
wd = [json.loads(r["details"]) for r in audit("conduct.withdraw")]
eq([(d["id"], d["voided"], d["count"], d["left"], d["rule_lapses"]) for d in wd],
   [(N, "vw/b/j/once", 2, 1, 2)], "the withdrawal is audited with the count left")
eq([json.loads(r["details"])["below_rule"] for r in audit("conduct.void")], [False, True],
   "the sent warning now stands on fewer events than its rule's")
cand = candidates()
eq(len(cand), 3, "the deciders are told of the withdrawal")
body = cand[2].get_body().get_content()
check(f"预警编号 {N}（甲县，2项）中的“甲县：乙表，截止时间2017年3月10日（星期五）24时，逾期”" in body and
      "余1项，不足预警标准（2项），该预警已撤回，无需决定" in body and
      "目前没有待决定的公开约谈预警" in body, body)
check(cand[2]["Subject"].endswith("候选名单调整的报告"), cand[2]["Subject"])
code, _, err = st.run("decide", N, "approve", "--by", "局长", "--reason", "测试")
eq(code, 65, "a withdrawn proposal is not decided")
check("withdrawn" in err and "1 of its 2 events" in err, err)
eq([x["id"] for x in json.loads(st.ok("warnings", "--state", "withdrawn", "--format", "json"))],
   [N], "warnings --state withdrawn")

# d lapses Mon 03-20 23:59:59. The withdrawn proposal stands for nothing: c (03-11) and d
# (03-21) are 2 new events, a new proposal on Tue 03-21 09:00. The sent restriction warning
# stands on c: d alone is 1 new event, no new restriction warning.
st.ok("advance", "--to", "2017-03-21T10:00:00+08:00")
w = warnings()
new = [x for x in w.values() if x["state"] == "proposed"]
eq([(x["kind"], sorted(x["tasks"]), x["at"]) for x in new],
   [("interview-warning", ["vw/c/j/once", "vw/d/j/once"], "2017-03-21T09:00:00+08:00")],
   "c and d propose again after the withdrawal")
eq(len([x for x in w.values() if x["kind"] == "approval-restriction-warning"]), 1,
   "no second restriction warning")

# the dispatch of Mon 04-10 09:00 lists the sent warning with what it no longer stands on
st.ok("advance", "--to", "2017-04-10T10:00:00+08:00")
disp = [m for m in st.mails() if m["X-Dabiao-Kind"] == "dispatch"]
body = disp[-1].get_body().get_content()
check("甲县：限批预警（依据的逾期已撤销2项，余1项）" in body, body)
st.cleanup()
done("a proposal that counted a voided lapse is proposed again or withdrawn, the deciders "
     "told; a sent warning lists what was voided")
