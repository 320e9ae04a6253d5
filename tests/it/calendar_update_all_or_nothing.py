"""`calendar-update` is all or nothing, and tries every plan first.

Four stored plans use a regional layer `cn-region` (TEST files in a temporary
calendars_dir, not real notices). A new version of the layer that says it is a layer on
`cn-other` fits the two plans that list cn-other before it and not the other two: every
plan is tried and reported (each refusal with the plan file's line and column, never as
"unchanged"), the status is 65, and nothing is written: no plan version, no moved task,
no audit record; `--dry-run` says the same. Once the file fits all four, one update
stores all four versions and moves their tasks.

Dates, worked out by hand: 2024-11-01 is a Friday. With the layer's 2024-11-01 off and
next-workday, a due on 2024-11-01 is Monday 11-04; with 11-01..11-04 off, Tuesday 11-05.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, plan_yaml  # noqa: E402

st = Store()
cals = st.path("calendars")
os.mkdir(cals)
cfg = st.write("dabiao.yaml", "calendars_dir: calendars\n")
C = ("--config", cfg)


def layer(name, layer_of, holidays):
    return (f"calendar: {name}\ntitle: TEST ONLY {name}\nlayer_of: {layer_of}\n"
            "versions:\n  - year: 2024\n    version: 1\n    source: {title: TEST ONLY}\n"
            f"    holidays: {{{holidays}}}\n")


st.write("calendars/cn-other.yaml", layer("cn-other", "cn-mainland", "2024-11-15: other"))
region = st.write("calendars/cn-region.yaml",
                  layer("cn-region", "cn-mainland", "2024-11-01: region"))


def plan(pid, use):
    # the `use` list is on line 4, its first name at column 18
    return st.write(f"{pid}.yaml", plan_yaml(
        pid, f"{{use: [{use}], due_on_holiday: next-workday}}",
        ["{id: a, title: a, owner: epb, for: once, due: 2024-11-01}"], role="epb: {title: 局}"))


# plans by id: a1 and c3 list cn-other, b2 and d4 do not
uses = {"a1": "cn-mainland, cn-other, cn-region", "b2": "cn-mainland, cn-region",
        "c3": "cn-mainland, cn-other, cn-region", "d4": "cn-mainland, cn-region"}
st.ok("init", "--clock", "virtual", "--now", "2024-06-01T00:00:00+08:00")
for pid, use in uses.items():
    st.ok(*C, "load", plan(pid, use))


def dues():
    return {t["plan"]: t["due_date"] for t in st.tasks()}


eq(dues(), {p: "2024-11-04" for p in uses}, "dues before")
audit_before = st.ok("audit", "--format", "jsonl")

with open(region, "w", encoding="utf-8") as f:
    f.write(layer("cn-region", "cn-other", "2024-11-01..2024-11-04: region"))
for dry in (True, False):
    args = (*C, "calendar-update", region) + (("--dry-run",) if dry else ())
    code, out, err = st.run(*args)
    what = "dry run" if dry else "update"
    eq(code, 65, f"{what}: the status of the first refusal")
    for pid in ("a1", "c3"):
        check(f"cn-region: {pid}: would be version 2" in out, f"{what}: {pid} fits: {out}")
        check(re.search(rf"{pid}/a/epb/once +2024-11-04 -> 2024-11-05\n", out),
              f"{what}: {pid}: {out}")
    for pid in ("b2", "d4"):
        check(f"cn-region: {pid}: refused" in out, f"{what}: {pid} refused: {out}")
        # `cn-region` in `use: [cn-mainland, cn-region]` is at column 18 + 13 = 31
        check(f"{pid}.yaml:4:31: error: calendar 'cn-region' is a layer on 'cn-other', "
              "which is not listed before it" in err, f"{what}: {pid}'s reason: {err}")
    check("unchanged" not in out, f"{what}: no plan is called unchanged: {out}")
    check("2 of 4 plans using it refused the new file; nothing "
          f"{'would be' if dry else 'was'} written" in err, f"{what}: the summary: {err}")
    eq(dues(), {p: "2024-11-04" for p in uses}, f"{what}: no task moved")
    eq(st.ok("audit", "--format", "jsonl"), audit_before, f"{what}: nothing recorded")

# fitting every plan: one update, four versions
with open(region, "w", encoding="utf-8") as f:
    f.write(layer("cn-region", "cn-mainland", "2024-11-01..2024-11-04: region"))
out = st.ok(*C, "calendar-update", region)
for pid in uses:
    check(f"cn-region: {pid}: now version 2" in out, f"{pid} updated: {out}")
eq(dues(), {p: "2024-11-05" for p in uses}, "every plan's task moved")
records = [json.loads(ln)["record"] for ln in st.ok("audit", "--format", "jsonl").splitlines()]
eq(sorted(r["subject"] for r in records if r["action"] == "plan.calendar"),
   sorted(uses), "one plan.calendar record per plan")

st.cleanup()
done("calendar-update tries every plan, refuses all or nothing, then updates all at once")
