"""One rule for a filter option's unknown value, in every command that takes one (review
13d, F14): `--plan`, `--subject`, `--jurisdiction`, `--milestone`, `--role` naming nothing
in the store is a usage error (64) naming the option and the value, listing what there is
when the list is short, printing nothing on standard output and changing nothing. Before,
`tasks` said 64 where `calendar`, `report` and `workdays` said 65, `calendar --subject`
and `audit --subject` printed nothing with 0, and `extend` said "no task matches". The values below
are the store's own: the test asks the store what there is and expects exactly that list."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq, plan_yaml  # noqa: E402

PLAN = plan_yaml("vals", None, ["{id: roster, title: 名录, owner: county_epb, "
                              "for: each jurisdiction, due: 2017-02-15}"],
                 role="county_epb: {title: 县环保局, per: jurisdiction}\n  "
                      "enterprise: {title: 企业, per: enterprise}")
# 25 jurisdictions: more than a message lists (its first 20, then how many in all)
JURS = [f"j{i:02d}" for i in range(25)]
REG = "jurisdictions:\n" + "".join(
    f"  - {{id: {j}, name: 县{j}, kind: county, email: [{j}@x.example]}}\n" for j in JURS)

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
st.ok("load", st.write("plan.yaml", PLAN))
st.ok("import", st.write("reg.yaml", REG))
pw = st.write("pw", "a-long-enough-password\n")
annex = st.write("annex.csv", "a,b\n1,2\n")
what = {k: st.ok("help", "--values", k).split() for k in ("plan", "milestone", "role",
                                                           "jurisdiction")}
eq(what["role"], ["county_epb", "enterprise"], "help --values role lists the plan's roles")
eq(len(what["jurisdiction"]), 25, "the registry's jurisdictions")
records = len(st.records())
EXT = ["--to", "2017-03-01", "--by", "x", "--reason", "y"]

# (command words, the option, what it lists: a list of values, or None when it lists none)
CASES = [
    (["tasks"], "plan", "plan"), (["tasks"], "milestone", "milestone"),
    (["tasks"], "jurisdiction", "jurisdiction"), (["tasks"], "subject", None),
    (["status"], "plan", "plan"), (["status"], "jurisdiction", "jurisdiction"),
    (["calendar"], "plan", "plan"), (["calendar"], "subject", None),
    (["calendar"], "role", "role"),
    (["report", "annex3", "--month", "2017-01"], "plan", "plan"),
    (["report", "annex4", "--month", "2017-01"], "plan", "plan"),
    (["workdays", "--from", "2017-01-01", "--to", "2017-01-05"], "plan", "plan"),
    (["extend", "--milestone", "roster", *EXT], "plan", "plan"),
    (["extend", *EXT], "milestone", "milestone"),
    (["extend", "--milestone", "roster", *EXT], "jurisdiction", "jurisdiction"),
    (["import-annex", annex, "--month", "2017-01", "--by", "x", "--jurisdiction", "j00"],
     "plan", "plan"),
    (["import-annex", annex, "--month", "2017-01", "--by", "x"], "jurisdiction",
     "jurisdiction"),
    (["user", "add", "u1", "--password-file", pw], "role", None),
    (["user", "add", "u1", "--role", "county_epb", "--password-file", pw], "subject", None),
]
for words, opt, lists in CASES:
    cmd = " ".join(w if w not in (pw, annex) else os.path.basename(w) for w in words)
    rc, out, err = st.run(*words, f"--{opt}", "nope")
    first = err.splitlines()[0] if err else ""
    eq(rc, 64, f"`{cmd} --{opt} nope` is a usage error: {first}")
    eq(out, "", f"`{cmd} --{opt} nope` prints nothing on standard output")
    check("nope" in first and (f"--{opt}" in first or opt in ("role", "subject")),
          f"`{cmd} --{opt} nope` names the option and the value: {first}")
    if lists is not None:
        values = what[lists]
        shown = values[:20]
        check(f"one of: {', '.join(shown)}" in first,
              f"`{cmd} --{opt} nope` lists {shown}: {first}")
        if len(values) > 20:
            check(f"{len(values)} in all" in first and values[20] not in first,
                  f"`{cmd} --{opt} nope` cuts a long list, saying how many: {first}")
eq(len(st.records()), records, "the refused commands wrote no audit record")

# the audit trail's filters: a value no record names and the store does not know
for opt in ("subject", "task"):
    rc, out, err = st.run("audit", f"--{opt}", "nope")
    first = err.splitlines()[0] if err else ""
    eq((rc, out), (64, ""), f"`audit --{opt} nope`: {first}")
    check(f"--{opt}" in first and "nope" in first, f"names the option and value: {first}")
rc, out, _ = st.run("audit", "--subject", "j24")
check(rc == 0 and "task.create" in out, "audit --subject of a jurisdiction lists its records")
rc, out, _ = st.run("audit", "--subject", "vals")
check(rc == 0 and "plan.load" in out, "audit --subject of a plan lists its loads")

# a known value still works: the same commands answer 0
rc, out, _ = st.run("calendar", "--subject", "j00")
check(rc == 0 and "BEGIN:VCALENDAR" in out, "calendar --subject of a jurisdiction works")
eq(st.run("calendar", "--role", "county_epb")[0], 0, "calendar --role of the plan's role")
eq(st.run("workdays", "--plan", "vals", "--from", "2017-01-01", "--to", "2017-01-05")[0], 0,
   "workdays --plan of the loaded plan")
st.cleanup()
done("an unknown filter value is 64, named and listed, in every command")
