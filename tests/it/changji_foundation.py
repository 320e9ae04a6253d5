"""The Changji 2017 plan and sample registry through the documented commands: check, load,
import, tasks. Expansion is idempotent, the October Annex 3 table moves off the National Day
holiday, and a subject imported later gets exactly its own tasks."""
import collections
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, src  # noqa: E402

PLAN = src("workflows", "changji-2017.yaml")
REG = src("workflows", "changji-registry.yaml")

st = Store()
out = st.ok("check", PLAN)
check(out.startswith("changji-2017: ok"), f"check summary: {out!r}")

st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
out = st.ok("load", PLAN)
check("loaded version 1" in out, f"first load is version 1: {out!r}")
out = st.ok("import", REG)
check("tasks created" in out, out)
tasks = st.tasks("--plan", "changji-2017")
check(len(tasks) > 100, f"a year of tasks: {len(tasks)}")
for t in tasks:
    for k in ("key", "plan", "milestone", "subject", "period", "state", "due_date",
              "deadline"):
        check(k in t, f"task JSON has {k}: {t}")
    eq(t["key"], "/".join([t["plan"], t["milestone"], t["subject"], t["period"]]),
       "key is plan/milestone/subject/period")

monthly = [t for t in tasks if t["milestone"] == "monthly-summary"]
by_j = collections.defaultdict(list)
for t in monthly:
    by_j[t["subject"]].append(t["period"])
check(len(by_j) >= 9, f"monthly-summary for every jurisdiction: {sorted(by_j)}")
for j, periods in by_j.items():
    eq(sorted(periods), ["2017-07", "2017-08", "2017-09", "2017-10", "2017-11"],
       f"monthly-summary periods of {j}")
october = [t for t in monthly if t["period"] == "2017-10"]
for t in october:
    eq(t["due_date"], "2017-10-09", f"{t['key']} moves off the National Day holiday")
    eq(t["deadline"], "2017-10-09T23:59:59+08:00", f"{t['key']} deadline")
    eq(t["state"], "open", f"{t['key']} state")
eq(len([t for t in monthly if t["subject"] == "changji-city"]), 5, "changji-city months")
key = "changji-2017/monthly-summary/changji-city/2017-07"
eq([t["key"] for t in tasks if t["key"] == key], [key], "task key reads like the issue's")

# Idempotent: loading and importing again creates nothing and keeps the version.
out = st.ok("load", PLAN)
check("unchanged" in out and "0 tasks created" in out, f"second load: {out!r}")
out = st.ok("import", REG)
check("0 tasks created" in out, f"second import: {out!r}")
eq(len(st.tasks("--plan", "changji-2017")), len(tasks), "no new tasks")

# A changed plan file is a new version.
with open(PLAN, encoding="utf-8") as f:
    text = f.read()
changed = st.write("changji-2017.yaml", text + "\n# a comment changes the bytes\n")
out = st.ok("load", changed)
check("loaded version 2" in out, f"changed file makes version 2: {out!r}")

# A subject added later gets its tasks on import, and only its tasks.
listed = [t for t in tasks if t["milestone"] == "treatment-plan"]
check(listed, "treatment-plan tasks exist for listed enterprises")
csv = st.write("more.csv",
               "id,name,jurisdiction,industry,listed,measure,rectify_by\n"
               "91652301MA77XB5N47,新增示例企业（样例数据）,changji-city,cement,true,"
               "rectify-by-deadline,2017-09-30\n")
st.ok("import", csv)
after = st.tasks("--plan", "changji-2017")
new = [t for t in after if t["subject"] == "91652301MA77XB5N47"]
eq(sorted(t["milestone"] for t in new), ["rectification", "treatment-plan"],
   "the new listed enterprise has its two tasks")
eq(len(after), len(tasks) + len(new), "only the new enterprise's tasks were added")

# Filters.
one = st.tasks("--plan", "changji-2017", "--subject", "changji-city")
check(one and all(t["subject"] == "changji-city" for t in one), "--subject filters")
csv_out = st.ok("tasks", "--format", "csv", "--subject", "changji-city")
check(csv_out.startswith("\ufeffkey,plan,milestone"), "CSV has a BOM (spreadsheets) and a header row")

st.cleanup()
done("Changji plan: check, load, import, tasks, idempotent expansion, holiday shift")
