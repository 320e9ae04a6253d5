"""A registry import audits a changed address with the addresses before and after, and
an unchanged re-import changes nothing, also for an office with two addresses (review
10d, M-3: the trail held the literal "(before)"/"(after)", and every re-import "changed"
such an office). The same addresses in another order are no change."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

REG = """\
jurisdictions:
  - {id: a, name: 甲县, kind: county, email: [a@x.example]}
enterprises:
  - {id: 91130000000000001R, name: 甲钢铁, jurisdiction: a, industry: steel,
     email: [old@e.example]}
offices:
  admin: [admin@x.example]
  control: [one@x.example, two@x.example]
"""

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T00:00:00+08:00")
st.ok("import", st.write("r.yaml", REG))
out = st.ok("import", st.write("r.yaml", REG))
check("fields changed" not in out and "contacts" not in out,
      f"the same file again changes nothing:\n{out}")
out = st.ok("import", st.write("r2.yaml", REG.replace("[one@x.example, two@x.example]",
                                                        "[two@x.example, one@x.example]")))
check("fields changed" not in out, f"the same addresses in another order are no change:\n{out}")
out = st.ok("import", st.write("r3.yaml", REG.replace("old@e.example", "new@e.example")))
check("email old@e.example -> new@e.example" in out, f"the import names the change:\n{out}")
recs = [json.loads(ln) for ln in
        st.ok("audit", "--subject", "91130000000000001R", "--format", "jsonl").splitlines()]
recs = [r["record"] for r in recs]
upd = [r for r in recs if r["action"] == "subject.update"]
eq(len(upd), 1, "one subject.update for the enterprise")
details = upd[0]["details"]
if isinstance(details, str):
    details = json.loads(details)
eq(details["changes"], {"email": ["old@e.example", "new@e.example"]},
   "the audit keeps the address before and after")
out = st.ok("import", st.write("r4.yaml", REG.replace("[one@x.example, two@x.example]",
                                                        "[one@x.example]")))
check("contact:control one@x.example, two@x.example -> one@x.example" in out,
      f"an office's dropped address is named:\n{out}")
st.cleanup()
done("contact changes audited with their addresses; an unchanged re-import changes nothing")
