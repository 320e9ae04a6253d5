"""A warning is decided by a person the store knows (issue 10, left from rules5): `decide
--by` names an enabled account (`dabiao user`) whose role is among the rule's `decide`
roles, by login or by name; anyone else is refused (64) with the option and the names of
those who may decide, and nothing changes. The warning and its letter carry the account's
name, the audit record its login. A `--by` or `--reason` of blanks only (spaces, U+3000)
names nobody and gives no reason: 64, for decide, extend and flag alike (review 10e,
m-B)."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_plan, county_task,  # noqa: E402
                       county_registry)

PLAN = county_plan("dk", "决定测试", [
    county_task("a", "甲表", "2017-03-10"), county_task("b", "乙表", "2017-03-31"),
    county_task("c", "丙表", "2017-04-14")],
    offices=[("leader", "局领导"), ("sup", "支队")], rules="""\
conduct:
  - {lapses: 1, within: 30d, kind: interview-warning, notify: [county], decide: [leader]}
""")
REG = county_registry([("j", "甲县")], ["leader", "sup"])


def state():
    return [(w["id"], w["state"], w["decided_by"]) for w in
            json.loads(st.ok("warnings", "--format", "json"))]


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T10:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG))
# a lapses Fri 03-10 23:59:59; the rule proposes warning 1 on Sat 03-11 09:00
st.ok("advance", "--to", "2017-03-13T10:00:00+08:00")
eq(state(), [("1", "proposed", None)], "one proposal")

code, _, err = st.run("decide", "1", "approve", "--by", "局长", "--reason", "情况属实")
eq(code, 64, "nobody may decide yet: no account of the rule's decide role")
check("--by '局长' is nobody who may decide warning 1" in err and
      "dabiao user add LOGIN --role leader" in err, err)
st.decider("liming", "leader", "李明")
st.decider("zhao", "leader")
st.decider("wangwu", "sup", "王五")
code, _, err = st.run("decide", "1", "approve", "--by", "王五", "--reason", "情况属实")
eq(code, 64, "an account of another role may not decide")
check("--by '王五' is nobody who may decide warning 1: give one of 李明 (liming), zhao" in err,
      f"the message names who may: {err}")
for by, reason, what in (("  ", "情况属实", "--by is only blanks"),
                         ("李明", "\u3000", "--reason is only blanks"),
                         ("李明", "", "--reason is empty")):
    code, _, err = st.run("decide", "1", "approve", "--by", by, "--reason", reason)
    eq(code, 64, f"{what}: refused")
    check(what in err, err)
eq(state(), [("1", "proposed", None)], "the refusals changed nothing")

st.ok("decide", "1", "approve", "--by", "李明", "--reason", "情况属实")
eq(state(), [("1", "sent", "李明")], "decided by name: the warning records the name")
rec = [json.loads(json.loads(ln)["record"]["details"]) for ln in
       st.ok("audit", "--format", "jsonl").splitlines()
       if json.loads(ln)["record"]["action"] == "conduct.decide"]
eq([(d["decided_by"], d["decided_by_login"], d["decision"]) for d in rec],
   [("李明", "liming", "approve")], "the audit record has the name and the login")
mail = [m for m in st.mails() if m["X-Dabiao-Kind"] == "interview-warning"]
check(len(mail) == 1 and "本预警经李明于2017年3月13日" in mail[0].get_body().get_content(),
      "the letter says who decided")
# evaluated Sat 03-11, decided Mon 03-13: the count is as of its evaluation (review 10e, M-H)
check("截至2017年3月11日（星期六），近30天内，甲县共有1项任务逾期未办结" in mail[0].get_body().get_content(),
      mail[0].get_body().get_content())
# b lapses Fri 03-31: warning 2, decided by an account named by its login alone
st.ok("advance", "--to", "2017-04-03T10:00:00+08:00")
st.ok("decide", "2", "dismiss", "--by", "zhao", "--reason", "已电话说明")
eq(state(), [("1", "sent", "李明"), ("2", "dismissed", "zhao")], "an account without a name "
   "decides by its login")
# the same rule for every command that records who acts and why
for args in (("extend", "dk/b/j/once", "--to", "2017-04-30", "--by", "　", "--reason", "x"),
             ("extend", "dk/b/j/once", "--to", "2017-04-30", "--by", "x", "--reason", "  "),
             ("flag", "dk/b/j/once", "--kind", "omitted", "--by", " ", "--reason", "x")):
    code, _, err = st.run(*args)
    eq(code, 64, f"{args[0]} with a blank value: refused")
    check("only blanks" in err, err)
# c lapses Fri 04-14: proposal 3 on Sat 04-15 09:00 holds b (04-01) and c (04-15), 14 days
# apart. Version 2 raises the rule to 3 before anyone decides: the proposal no longer meets
# it, and approving it is refused (review 10e, H-C); dismissing it is not
st.ok("advance", "--to", "2017-04-17T10:00:00+08:00")
eq(state()[2:], [("3", "proposed", None)], "proposal 3")
st.ok("load", st.write("p2.yaml", PLAN.replace("lapses: 1,", "lapses: 3,")))
code, _, err = st.run("decide", "3", "approve", "--by", "李明", "--reason", "情况属实")
eq(code, 65, "a proposal below its rule's threshold now is not sent")
check("warning 3 stands on 2 events, fewer than the 3 its rule asks for in plan dk version 2"
      in err, err)
st.ok("decide", "3", "dismiss", "--by", "李明", "--reason", "规则已调整")
eq(state()[2:], [("3", "dismissed", "李明")], "dismissed")
st.cleanup()
done("a decision is made by an account of the rule's decide roles; blanks name nobody")
