"""A version that drops a rule's decision closes its proposals (review 10f, F9).

A version that removed `decide` from a rule (or removed the rule) left the rule's pending
proposals undecidable for ever: `decide` refused everyone (no account had a decide role of
the rule), nothing withdrew them, and `warnings` and the web listed them as awaiting a
decision while the rule sent new warnings on the same lapses. Now the `load` withdraws
them (and `load --dry-run` says it would), with the reason on record; deciding one is
refused (65) naming it; the deciders of the version before get a candidate list saying
so; under a rule that remains, its events are counted again at the next notify_at and a
county that still meets it is warned directly, with the true count; under a removed rule
nothing more is sent. The web's list of warnings says why each was withdrawn."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_plan, county_task,  # noqa: E402
                       county_registry)
from web_it import PASSWORD, Client, Server  # noqa: E402

MS = [county_task("a", "甲表", "2017-03-10"), county_task("b", "乙表", "2017-03-20")]
RULE = """\
conduct:
  - {lapses: 1, within: 30d, kind: interview-warning, notify: [county]%s}
"""
V1 = county_plan("vd", "决定调整", MS, offices=[("leader", "局领导")],
                 rules=RULE % ", decide: [leader]")
V2 = county_plan("vd", "决定调整", MS, offices=[("leader", "局领导")], rules=RULE % "")
V4 = county_plan("vd", "决定调整", MS, offices=[("leader", "局领导")])


def warnings():
    return [(w["id"], w["jurisdiction"], w["state"], w["count"]) for w in
            json.loads(st.ok("warnings", "--format", "json"))]


def leader_changes():
    st.ok("deliver")
    return [m.get_body().get_content() for m in st.mails()
            if m["X-Dabiao-Kind"] == "candidates" and "调整" in m["Subject"]]


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T10:00:00+08:00")
st.ok("load", st.write("v1.yaml", V1))
st.ok("import", st.write("r.yaml", county_registry([("j1", "甲县"), ("j2", "乙县")],
                                                   offices=("leader",))))
st.ok("user", "add", "liming", "--role", "leader", "--name", "李明", "--password-file",
      st.write("pw", PASSWORD + "\n"))
# 甲表 lapses Fri 03-10 in both counties: proposals 1 and 2 on Sat 03-11 09:00
st.ok("advance", "--to", "2017-03-13T10:00:00+08:00")
eq(warnings(), [("1", "j1", "proposed", 1), ("2", "j2", "proposed", 1)], "two proposals")

# --- version 2 drops decide ------------------------------------------------------------
v2 = st.write("v2.yaml", V2)
out = st.ok("load", "--dry-run", v2)
check("proposed warnings withdrawn" in out and
      re.search(r"warning 1 +interview-warning j1 \(1 event\): withdrawn", out) and
      re.search(r"warning 2 +interview-warning j2", out), f"the preview says so: {out}")
eq(warnings(), [("1", "j1", "proposed", 1), ("2", "j2", "proposed", 1)],
   "the dry run changed nothing")
out = st.ok("load", v2)
check(re.search(r"warning 1 +interview-warning j1 \(1 event\): withdrawn, its interview-"
                r"warning rule asks for no decision in version 2 of plan vd", out),
      f"load lists what it withdrew: {out}")
ws = json.loads(st.ok("warnings", "--format", "json"))
eq([(w["id"], w["state"]) for w in ws], [("1", "withdrawn"), ("2", "withdrawn")], "withdrawn")
check(all(w["reason"].startswith("its interview-warning rule asks for no decision in "
                                 "version 2 of plan vd") for w in ws), f"with the reason: {ws}")
code, _, err = st.run("decide", "1", "approve", "--by", "李明", "--reason", "情况属实")
eq(code, 65, "a withdrawn proposal is not decided")
check("warning 1 was withdrawn: its interview-warning rule asks for no decision in version 2"
      in err, err)
bodies = leader_changes()
eq(len(bodies), 1, "the leader is told once of every number that no longer awaits him")
check("预警编号 1（甲县，1项）：方案第2版不再要求对此类预警作出决定，该预警已撤回，无需决定" in
      bodies[0] and "预警编号 2（乙县，1项）：方案第2版" in bodies[0], f"{bodies}")
# the rule, now without a decision, counts 甲表's lapses again on Tue 03-14 09:00 and warns
# each county directly with its one event
st.ok("advance", "--to", "2017-03-14T10:00:00+08:00")
eq(warnings()[2:], [("3", "j1", "sent", 1), ("4", "j2", "sent", 1)],
   "sent directly under version 2's rule")
sent = [m for m in st.mails() if m["X-Dabiao-Kind"] == "interview-warning"]
eq(sorted(m["To"] for m in sent), ["j1@x.example", "j2@x.example"], "one letter per county")

# --- version 3 asks for a decision again; version 4 removes the rule ----------------------
st.ok("load", st.write("v3.yaml", V1.replace("title: 局领导", "title: 局领导班子")))
# 乙表 lapses Mon 03-20: proposals 5, 6 on Tue 03-21 09:00 (甲表 and 乙表 in the window)
st.ok("advance", "--to", "2017-03-21T10:00:00+08:00")
eq(warnings()[4:], [("5", "j1", "proposed", 2), ("6", "j2", "proposed", 2)],
   "version 3 proposes again")
out = st.ok("load", st.write("v4.yaml", V4))
check(re.search(r"warning 5 +interview-warning j1 \(2 events\): withdrawn, its interview-"
                r"warning rule is not in version 4 of plan vd", out), out)
ws = json.loads(st.ok("warnings", "--format", "json"))
eq([w["state"] for w in ws[4:]], ["withdrawn", "withdrawn"], "withdrawn with the rule")
check("rule is not in version 4 of plan vd" in ws[4]["reason"], ws[4]["reason"])
check(any("方案第4版已删除该预警规则，该预警已撤回，无需决定" in b for b in leader_changes()),
      "the leader is told")
st.ok("advance", "--to", "2017-03-25T10:00:00+08:00")
eq(len(warnings()), 6, "nothing more under a removed rule")
# the web's list says why each was withdrawn, not "its lapses were voided"
srv = Server(st)
c = Client(srv.base)
eq(c.login("liming")[0], 303, "the leader logs in")
_, _, body = c.get("/warnings")
srv.stop()
eq(body.count("方案修订后该规则不再要求决定，已撤回"), 2, "warnings 1, 2 on /warnings")
eq(body.count("方案修订后已无该预警规则，已撤回"), 2, "warnings 5, 6 on /warnings")
check("补录撤销" not in body, "no word of voided lapses")
st.cleanup()
done("a version that drops decide or the rule withdraws its proposals")
