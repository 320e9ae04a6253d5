"""`status` lists every address of an overdue task's owner, as docs/output.md says ("the
owner's addresses, comma-separated"): an enterprise with two general addresses showed only
the first (review 13c, N6). Addresses of the owner's own role come before, and instead of,
the general ones, as notices resolve them."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, done, eq, plan_yaml  # noqa: E402

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
st.ok("load", st.write("plan.yaml", plan_yaml(
    "sc", None, ["{id: m, title: 自查报告, owner: enterprise, for: each enterprise, "
                 "due: 2017-01-05}"], role="enterprise: {title: 企业, per: enterprise}")))
st.ok("import", st.write("reg.yaml", "jurisdictions:\n"
                         "  - {id: aa, name: 甲县, kind: county, email: [aa@x.example]}\n"))
# two credit codes with their check characters (GB 32100-2015), worked out by hand:
# 91652301MA7000001Q and 91652301MA7000002U (as in tests/workflows/registry_csv.c)
st.ok("import", st.write("e.csv",
      "id,name,jurisdiction,industry,email,contact:enterprise\n"
      "91652301MA7000001Q,甲厂,aa,cement,a@e.example;b@e.example,\n"
      "91652301MA7000002U,乙厂,aa,cement,c@e.example,d@e.example;e@e.example\n"))
# an enterprise new to the plan is given a fair start (its due moves to 01-13): past it
st.ok("advance", "--to", "2017-01-20T00:00:00+08:00")

status = json.loads(st.ok("status", "--format", "json"))
got = {o["task"]: o["contacts"] for o in status["overdue"]}
eq(got, {"sc/m/91652301MA7000001Q/once": "a@e.example, b@e.example",
         "sc/m/91652301MA7000002U/once": "d@e.example, e@e.example"},
   "every general address when the role has none; the role's own, all, when it has some")
table = st.ok("status")
eq("a@e.example, b@e.example" in table, True, "the table form lists both too")
st.cleanup()
done("status lists every address of the owner")
