"""`dabiao simulate --registry A --registry B`: several registries, imported in the order
given, so a CSV of enterprises can follow the YAML that holds their jurisdictions (with one
--registry, a second silently replaced the first); --from after --to is a usage error."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402

PLAN = """\
plan: sim
title: 模拟
timezone: Asia/Shanghai
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  enterprise: {title: 企业, per: enterprise}
phases:
  - id: p
    title: P
    milestones:
      - {id: roster, title: 名录, owner: county_epb, for: each jurisdiction, due: 2017-02-15}
      - {id: plan, title: 方案, owner: enterprise, for: each enterprise, due: 2017-06-30}
"""
st = Store()
plan = st.write("plan.yaml", PLAN)
counties = st.write("counties.yaml", """\
jurisdictions:
  - {id: aa, name: 甲县, kind: county, email: [aa@x.example]}
  - {id: bb, name: 乙县, kind: county, email: [bb@x.example]}
""")
ents = st.write("ents.csv", "id,name,jurisdiction,industry,email\n"
                "91652301MA7000001Q,甲企业,aa,steel,e1@x.example\n"
                "91652301MA7000002U,乙企业,bb,cement,e2@x.example\n")
rc, out, err = st.run("simulate", plan, "--registry", counties, "--registry", ents)
eq(rc, 0, f"two registries, YAML then CSV: {err}")
roster = [l for l in out.splitlines() if "/roster/" in l and "deadline" in l]
plans = [l for l in out.splitlines() if "sim/plan/" in l and "deadline" in l]
eq(len(roster), 2, "both counties' deadlines, from the first registry")
eq(len(plans), 2, "both enterprises' deadlines, from the second")
check(any("91652301MA7000002U" in l for l in plans), "the CSV's enterprises are there")
rc, out2, _ = st.run("simulate", plan, f"--registry={counties}", f"--registry={ents}")
eq((rc, out2), (0, out), "--registry=FILE twice gives the same timeline")
rc, _, err = st.run("simulate", plan, "--registry", ents, "--registry", counties)
eq(rc, 65, "the CSV before its jurisdictions is refused, as an import would be")
check("unknown jurisdiction" in err, f"naming why: {err}")
rc, _, err = st.run("simulate", plan, "--registry", counties, "--from", "2017-03-01",
                    "--to", "2017-02-01")
eq(rc, 64, "--from after --to is a usage error")
eq(st.run("simulate", plan)[0], 64, "no --registry is a usage error")
st.cleanup()
done("simulate takes several registries, in order")
