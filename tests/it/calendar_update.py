"""A year added to a calendar file reaches the stored plans that use it: `calendar-update
--dry-run` previews, `calendar-update` stores a new plan version and moves the open tasks
(with their reminders and due entries), keeps a task extended by hand and one whose
deadline has passed, records plan.calendar and task.redate in the audit trail, and refuses
a file the configured folders do not hold; loading the plan again then changes nothing.
Loading a plan whose calendar file changed in the folder moves the tasks the same way.

The "2027" added here is a TEST fixture in a temporary folder, named so, not a notice: the
shipped cn-mainland.yaml has no 2027 (not confirmed)."""
import json
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, plan_yaml,  # noqa: E402
                       mainland_with_test_2027)

PLAN = plan_yaml("up", "{use: [cn-mainland], due_on_holiday: next-workday}", [
    "{id: a, title: a, owner: office, for: once, due: 2027-02-08, remind: [-1wd]}",
    "{id: b, title: b, owner: office, for: once, due: 2027-02-09}",
    "{id: c, title: c, owner: office, for: once, due: 2027-02-08}",
    "{id: d, title: d, owner: office, for: once, due: 2027-03-01}"])
# Mondays 2027-02-08 and 02-09 off in the TEST year: a and b move to Wednesday 02-10.

st = Store()
local = st.path("calendars")
os.mkdir(local)
cfg = st.write("dabiao.yaml", "calendars_dir: calendars\n")
plan = st.write("up.yaml", PLAN)
C = ("--config", cfg)
st.ok("init", "--clock", "virtual", "--now", "2026-06-01T00:00:00+08:00")
st.ok(*C, "load", plan)
# c is extended by hand to Friday 02-12 (an extension must give time: the same date is
# refused), so the update keeps it where the detachment put it
st.ok(*C, "extend", "up/c/office/once", "--to", "2027-02-12", "--by", "t", "--reason", "r")

mine = os.path.join(local, "cn-mainland.yaml")
text = mainland_with_test_2027()
with open(mine, "w", encoding="utf-8") as f:
    f.write(text)


def dues(s):
    return {t["milestone"]: t["due_date"] for t in s.tasks()}


before = dues(st)
eq(before, {"a": "2027-02-08", "b": "2027-02-09", "c": "2027-02-12", "d": "2027-03-01"},
   "dues before the update")
audit_before = st.ok("audit", "--format", "jsonl")

out = st.ok(*C, "calendar-update", mine, "--dry-run")
check("cn-mainland: up: would be version 2" in out, f"the preview: {out}")
check(re.search(r"deadlines moved +2\n", out) and re.search(r"kept \(why\) +1\n", out),
      f"counts: {out}")
check(re.search(r"up/a/office/once +2027-02-08 -> 2027-02-10\n", out), f"a's move: {out}")
check(re.search(r"up/c/office/once +2027-02-12 -> 2027-02-10  kept: extended by hand", out),
      f"c kept: {out}")
eq(dues(st), before, "a dry run moves nothing")
eq(st.ok("audit", "--format", "jsonl"), audit_before, "and records nothing")

out = st.ok(*C, "calendar-update", mine)
check("cn-mainland: up: now version 2" in out, f"the update: {out}")
eq(dues(st), {"a": "2027-02-10", "b": "2027-02-10", "c": "2027-02-12", "d": "2027-03-01"},
   "a and b moved, c kept as extended, d unaffected")
records = [json.loads(ln)["record"] for ln in st.ok("audit", "--format", "jsonl").splitlines()]
redates = [r for r in records if r["action"] == "task.redate"]
eq(sorted(r["task"] for r in redates), ["up/a/office/once", "up/b/office/once"],
   "one task.redate per moved task")
details = json.loads(redates[0]["details"])
eq((details["from_due"], details["to_due"], details["plan_version"]), ("2027-02-08", "2027-02-10", 2),
   "old and new dates on record")
check(any(r["action"] == "plan.calendar" for r in records), "the new version is audited")
out = st.ok("workdays", "--plan", "up", "--from", "2027-02-08", "--to", "2027-02-08")
check("cn-mainland" in out and " test" in out and "off" in out, f"the stored version decides: {out}")

# the same again: nothing to do; load resolves the same calendar from the folder
out = st.ok(*C, "calendar-update", mine)
check("up: unchanged (version 2" in out, f"a second update: {out}")
out = st.ok(*C, "load", plan)
check("unchanged, version 2" in out, f"load after the update: {out}")
# a copy elsewhere is refused: the next load would find the folder's file
elsewhere = st.path("cn-mainland.yaml")
shutil.copy(mine, elsewhere)
with open(elsewhere, "a", encoding="utf-8") as f:
    f.write("# changed\n")
code, _, err = st.run(*C, "calendar-update", elsewhere)
eq(code, 64, "a file outside the folders")
check("put it in calendars_dir" in err, f"says where to put it: {err}")

# the timeline follows the moved deadline: a's reminder (-1wd) is on Friday 02-05 before
# and after (02-08 and 02-09 are off now), once; it lapses when 02-10 has ended
out = st.ok("advance", "--to", "2027-02-12T00:00:00+08:00")
a_lines = [[ln.split()[i] for i in (0, 1, 3)] for ln in out.splitlines()
           if "up/a/office/once" in ln]
eq(a_lines, [["2027-02-05", "09:00", "reminder"], ["2027-02-10", "23:59:59", "deadline"]],
   "a's reminder and deadline at the new dates, once each")

# a changed file in the folder reaches the plan on load too
st2 = Store("load")
cfg2 = st2.write("dabiao.yaml", f"calendars_dir: {local}\n")
os.remove(mine)
st2.ok("init", "--clock", "virtual", "--now", "2026-06-01T00:00:00+08:00")
st2.ok("--config", cfg2, "load", plan)
eq(dues(st2)["a"], "2027-02-08", "without the file: weekends only")
with open(mine, "w", encoding="utf-8") as f:
    f.write(text)
out = st2.ok("--config", cfg2, "load", plan)
check("loaded version 2" in out and re.search(r"deadlines moved +3\n", out),
      f"load moves them: {out}")
eq(dues(st2)["b"], "2027-02-10", "b moved on load")

st.cleanup()
st2.cleanup()
done("calendar-update: preview, new version, moved and kept tasks, audit, folder check")
