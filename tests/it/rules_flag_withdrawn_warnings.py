"""Review 10f, F1: a flag withdrawn as raised in error no longer stands in a warning. An
undecided proposal that counted it is brought to the truth as for a lapse voided by 补录:
proposed again without it (a new number, the old one superseded) while the rest meets the
rule, withdrawn below it; the deciders are told at once and why. A warning already sent
stays sent and lists the withdrawn flag among its voided events. Worked by hand below
(Asia/Shanghai; March 2017 has no holidays)."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_plan, county_registry,  # noqa: E402
                       county_task)

PLAN = county_plan("fx", "撤回登记测试", [
    county_task("a", "甲表", "2017-03-10"), county_task("b", "乙表", "2017-03-10")],
    offices=[("lead", "局领导")], rules="""\
conduct:
  - {kind: interview-warning, of: [lapse, flag], lapses: 2, within: 90d, notify: [county], decide: [lead]}
  - {kind: approval-restriction-warning, of: [flag], lapses: 1, within: 90d, notify: [county]}
""")


def warnings():
    return {w["id"]: w for w in json.loads(st.ok("warnings", "--format", "json"))}


def candidates():
    return [m for m in st.mails() if m["X-Dabiao-Kind"] == "candidates"]


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T10:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", county_registry([("j", "甲县")], offices=("lead",))))
st.decider("lead1", "lead", "局长")
st.ok("submit", "fx/b/j/once", "--by", "张三")          # b handed in; a never
st.ok("advance", "--to", "2017-03-12T10:00:00+08:00")   # a lapsed 03-10 23:59:59
st.ok("flag", "fx/b/j/once", "--kind", "falsified", "--by", "监测科", "--reason", "数据造假")
st.ok("flag", "fx/b/j/once", "--kind", "concealed", "--by", "监测科", "--reason", "隐瞒企业")
# 03-11 09:00: the interview rule had 1 event (a's lapse) < 2; 03-13 09:00 it has 2 (a's
# lapse; b's flags, one event per task: 瞒报+谎报): proposed; the restriction rule (flags,
# 1) sends at once with b
st.ok("advance", "--to", "2017-03-13T10:00:00+08:00")
w = warnings()
prop = [i for i, x in w.items() if x["kind"] == "interview-warning"]
sent = [i for i, x in w.items() if x["kind"] == "approval-restriction-warning"]
eq([(w[i]["state"], w[i]["count"], w[i]["whys"]) for i in prop + sent],
   [("proposed", 2, ["lapse", "concealed+falsified"]), ("sent", 1, ["concealed+falsified"])],
   "03-13: a proposal of 2 events and a sent warning of 1")
P, S = prop[0], sent[0]
n0 = len(candidates())

# the 谎报 was raised in error: withdrawn. b's event stands as 瞒报 alone: 2 events still
# meet the rule: proposed again without the 谎报, the old one superseded, the deciders told
st.ok("flag", "fx/b/j/once", "--kind", "falsified", "--withdraw", "--by", "监测科",
      "--reason", "误登记")
w = warnings()
eq(w[P]["state"], "superseded", "the proposal that counted the withdrawn 谎报 is superseded")
N = w[P]["superseded_by"]
eq((w[N]["state"], w[N]["count"], sorted(zip(w[N]["tasks"], w[N]["whys"]))),
   ("proposed", 2, [("fx/a/j/once", "lapse"), ("fx/b/j/once", "concealed")]),
   "proposed again with the lapse and the 瞒报 that still stand")
eq((w[S]["state"], w[S]["voided"]), ("sent", ["fx/b/j/once"]),
   "the sent warning stays sent and lists the withdrawn flag")
told = candidates()[n0:]
eq(len(told), 1, "the deciders are told at once")
body = told[0].get_body().get_content()
check(f"预警编号 {P}" in body and "所登记的谎报已由监测科撤回（理由：误登记）" in body
      and f"新的预警编号为 {N}" in body, f"the deciders read what was withdrawn and why: {body}")

# the 瞒报 too: 1 event left < 2: the proposal is withdrawn, nothing to decide
st.ok("flag", "fx/b/j/once", "--kind", "concealed", "--withdraw", "--by", "监测科",
      "--reason", "误登记")
w = warnings()
eq(w[N]["state"], "withdrawn", "below the rule: withdrawn")
rc, _, err = st.run("decide", N, "approve", "--by", "局长", "--reason", "x")
eq(rc, 65, f"a withdrawn proposal cannot be approved: {err}")
eq((w[S]["state"], w[S]["voided"]), ("sent", ["fx/b/j/once", "fx/b/j/once"]),
   "the sent one lists both withdrawn flags")
st.cleanup()
done("a withdrawn flag is voided in the warnings that counted it")
