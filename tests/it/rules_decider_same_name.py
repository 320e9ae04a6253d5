"""A name two people share names neither (review 10f, F11).

`decide --by 李明` with two enabled deciding accounts named 李明 was accepted and the engine
picked one of them for the record (`decided_by_login`). Now it is refused (64) listing both
logins, nothing changes, and the login decides: the audit records the one given. A
disabled namesake does not make the name ambiguous. `user add` warns when it adds a
second account of a name."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_plan, county_task,  # noqa: E402
                       county_registry)

PLAN = county_plan("sn", "同名", [county_task("a", "甲表", "2017-03-10")],
                   offices=[("leader", "局领导")], rules="""\
conduct:
  - {lapses: 1, within: 30d, kind: interview-warning, notify: [county], decide: [leader]}
""")

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T10:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", county_registry([("j1", "甲县"), ("j2", "乙县")],
                                                   offices=("leader",))))
st.decider("liming", "leader", "李明")
pw = st.write("pw", "a-long-enough-password\n")
_, _, err = st.run("user", "add", "liming2", "--role", "leader", "--name", "李明",
                   "--password-file", pw, check=0)
check("warning: account liming2 is named 李明 like liming (leader)" in err,
      f"user add says the name is taken: {err}")
st.ok("advance", "--to", "2017-03-13T10:00:00+08:00")
code, _, err = st.run("decide", "1", "dismiss", "--by", "李明", "--reason", "已核实")
eq(code, 64, "a name two deciders share is refused")
check("--by '李明' names 2 accounts (liming, liming2)" in err and "give the login" in err, err)
eq([w["state"] for w in json.loads(st.ok("warnings", "--format", "json"))],
   ["proposed", "proposed"], "nothing decided")
st.ok("decide", "1", "dismiss", "--by", "liming2", "--reason", "已核实")
rec = [json.loads(json.loads(ln)["record"]["details"]) for ln in
       st.ok("audit", "--format", "jsonl").splitlines()
       if json.loads(ln)["record"]["action"] == "conduct.decide"]
eq([d["decided_by_login"] for d in rec], ["liming2"], "the login given is the one recorded")
# the namesake's account disabled: the name is one person's again
st.ok("user", "disable", "liming2")
st.ok("decide", "2", "dismiss", "--by", "李明", "--reason", "已核实")
rec = [json.loads(json.loads(ln)["record"]["details"]) for ln in
       st.ok("audit", "--format", "jsonl").splitlines()
       if json.loads(ln)["record"]["action"] == "conduct.decide"]
eq([d["decided_by_login"] for d in rec], ["liming2", "liming"], "then 李明 is liming")
st.cleanup()
done("a shared name is refused, a login decides")
