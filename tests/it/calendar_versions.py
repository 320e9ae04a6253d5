"""What a plan's stored version keeps of its calendars, and what `load` and
`calendar-update` do when the calendars change under it.

- `load` without the configuration that names calendars_dir, after the plan took a year
  from there, would resolve the shipped file (which lacks the year) and move the year's
  tasks back: refused (64), naming the year and both files; --allow-fewer-years loads it
  and warns; `load --dry-run` refuses and previews the same way. `load` prints `check`'s
  coverage warnings, and warns when a calendar now comes from another file.
- A change that moves no day (a holiday's name, a notice's title, why a year is not
  confirmed) is a new version, "sources changed, no date moved", and `workdays` cites
  the new text.
- A plan without `use` records its calendar's hash in plan.load too.

The "2027" in the local folder is a TEST fixture, named so, not a notice. Dates worked out
by hand: 2027-02-08 is a Monday; with the TEST year's 02-08..02-09 off and next-workday a
due on 02-08 is Wednesday 02-10, without it Monday 02-08.
"""
import hashlib
import json
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, plan_yaml,  # noqa: E402
                       mainland_with_test_2027)

PLAN = plan_yaml("up", "{use: [cn-mainland], due_on_holiday: next-workday}", [
    "{id: a, title: a, owner: office, for: once, due: 2027-02-08}",
    "{id: z, title: z, owner: office, for: once, due: 2027-12-28}"])

st = Store()
local = st.path("calendars")
os.mkdir(local)
cfg = st.write("dabiao.yaml", "calendars_dir: calendars\n")
plan = st.write("up.yaml", PLAN)
mine = os.path.join(local, "cn-mainland.yaml")
text = mainland_with_test_2027("TEST reason; ")
with open(mine, "w", encoding="utf-8") as f:
    f.write(text)
C = ("--config", cfg)
NONE = ("--config", "/dev/null")  # no configuration: the shipped calendars only


def due_a():
    return {t["milestone"]: t["due_date"] for t in st.tasks()}["a"]


st.ok("init", "--clock", "virtual", "--now", "2026-06-01T00:00:00+08:00")
code, out, err = st.run(*C, "load", plan)
eq(code, 0, f"first load: {err}")
eq(due_a(), "2027-02-10", "the local file's 2027 decides")
# z (2027-12-28) reaches into the 2028 notice's span, which the local file lacks
check(f"{plan}: warning: up: cn-mainland has no 2028 notice, which may still move days at "
      "the end of 2027: dues from 2027-12-25 on assume weekends only (not confirmed: TEST "
      "reason;" in err, f"load warns as check does: {err}")

# without the configuration: the shipped file has no 2027
audit_before = st.ok("audit", "--format", "jsonl")
code, out, err = st.run(*NONE, "load", plan)
eq(code, 64, f"refused: {out} {err}")
# the shipped file: the installed copy, or the source tree's
check("plan up: nothing loaded: cn-mainland: " in err and
      "cn-mainland.yaml no longer has the year 2027, which the stored version's copy "
      f"({mine}) has: dues in 2027 would assume weekends only" in err,
      f"names the year and both files: {err}")
check("--allow-fewer-years" in err and "calendars_dir" in err, f"says what to do: {err}")
eq(due_a(), "2027-02-10", "nothing moved")
eq(st.ok("audit", "--format", "jsonl"), audit_before, "nothing recorded")
# the preview refuses as the load would, and with the flag says what the load would move
code, out, err = st.run(*NONE, "load", "--dry-run", plan)
eq(code, 64, f"the preview is refused too: {out} {err}")
check("plan up: nothing loaded: cn-mainland: " in err, f"with the same reason: {err}")
code, out, err = st.run(*NONE, "load", "--dry-run", "--allow-fewer-years", plan)
eq(code, 0, f"previewed when asked: {err}")
check("up: version 2 would be loaded (dry run: nothing was written)" in out, f"{out}")
check(re.search(r"up/a/office/once +2027-02-10 -> 2027-02-08\n", out),
      f"the preview names the move back to weekends only: {out}")
check(f"{plan}: warning: cn-mainland: " in err and
      "cn-mainland.yaml no longer has the year 2027" in err, f"what would be lost: {err}")
check(f"{plan}: warning: up: cn-mainland has no 2027 notice: dues in 2027 assume weekends "
      "only" in err, f"the preview's coverage warning: {err}")
eq(due_a(), "2027-02-10", "the preview moved nothing")
eq(st.ok("audit", "--format", "jsonl"), audit_before, "and recorded nothing")
code, out, err = st.run(*NONE, "load", "--allow-fewer-years", plan)
eq(code, 0, f"loaded when asked: {err}")
check("loaded version 2" in out, f"a new version: {out}")
check(f"{plan}: warning: cn-mainland: " in err and
      "cn-mainland.yaml no longer has the year 2027" in err, f"and says what was lost: {err}")
check(f"{plan}: warning: up: cn-mainland has no 2027 notice: dues in 2027 assume weekends "
      "only" in err, f"with the coverage warning: {err}")
eq(due_a(), "2027-02-08", "2027 on weekends only again")
out = st.ok(*C, "load", plan)
check("loaded version 3" in out and
      re.search(r"up/a/office/once +2027-02-08 -> 2027-02-10\n", out),
      f"the local file back: {out}")

# no day moves: a holiday's name; a new version all the same, and workdays cites it
with open(mine, "w", encoding="utf-8") as f:
    f.write(text.replace("2027-02-08..2027-02-09: test", "2027-02-08..2027-02-09: test renamed"))
out = st.ok(*C, "calendar-update", mine)
check("cn-mainland: up: now version 4: sources changed, no date moved" in out,
      f"calendar-update stores it: {out}")
day = json.loads(st.ok("workdays", "--plan", "up", "--from", "2027-02-08", "--to",
                       "2027-02-08", "--format", "json"))
eq(day[0]["holiday"], "test renamed", "workdays cites what the file says now")
out = st.ok(*C, "load", plan)
check("unchanged, version 4" in out, f"and load agrees: {out}")
# why a year is not confirmed, through load
with open(mine, "w", encoding="utf-8") as f:
    f.write(text.replace("TEST reason;", "TEST reason changed;")
            .replace("2027-02-08..2027-02-09: test", "2027-02-08..2027-02-09: test renamed"))
out = st.ok(*C, "load", "--dry-run", plan)
check("version 5 would be loaded (dry run: nothing was written), 0 tasks would be created; "
      "calendar sources changed, no date moved" in out, f"the preview says so: {out}")
out = st.ok(*C, "load", plan)
check("loaded version 5" in out and "calendar sources changed, no date moved" in out,
      f"load stores it: {out}")
eq(due_a(), "2027-02-10", "no date moved")

# the same years from another folder, saying something else: loaded, with a warning
other = st.path("other")
os.mkdir(other)
shutil.copy(mine, other)
with open(os.path.join(other, "cn-mainland.yaml"), "a", encoding="utf-8") as f:
    f.write("    incomplete: TEST note\n")
cfg2 = st.write("other.yaml", "calendars_dir: other\n")
code, out, err = st.run("--config", cfg2, "load", plan)
eq(code, 0, f"another file, no year lost: {err}")
check(f"{plan}: warning: cn-mainland: now read from {other}/cn-mainland.yaml; the stored "
      f"version's came from {mine}" in err, f"says where it now comes from: {err}")

# a plan without `use`: plan.load carries its calendar's hash, of its weekend alone
own = st.write("own.yaml", plan_yaml("own", None, [
    "{id: a, title: a, owner: office, for: once, due: 2027-02-08}"]))
st.ok("load", own)
records = [json.loads(ln)["record"] for ln in st.ok("audit", "--format", "jsonl").splitlines()]
details = [json.loads(r["details"]) for r in records
           if r["action"] == "plan.load" and r["subject"] == "own"]
eq(len(details), 1, "one plan.load for own")
eq(details[0].get("calendar_sha256"),
   hashlib.sha256(b"dabiao-calendar 1\nweekend 6 7\n").hexdigest(),
   "the hash of a weekend-only calendar, as docs/plan-format.md defines it")

st.cleanup()
done("load guards the years a calendar-update added; source changes make versions")
