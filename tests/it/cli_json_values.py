"""Every listing and report of docs/output.md, in JSON and CSV, on the Changji year: a time
is RFC 3339 with its offset and a value that does not exist is null (an empty CSV cell),
never "" (review 13c, N7: the accountability report's `time` was "2017-05-11 00:00 +08:00"
in JSON and CSV; annex 4's `done_date`, `previous_due_date`, a task's `jurisdiction` of
the bureau's own tasks and a warning's `decided_by` were ""). Expected values worked out by
hand from workflows/changji-2017.yaml."""
import csv
import io
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq, src  # noqa: E402

RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d\Z")
# a date and a time of day in any spelling: "2017-05-11 00:00", "2017-05-11T00:00"
TIMEISH = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d")

st = Store()
st.changji()
st.ok("import", src("workflows", "changji-enterprises.csv"))
st.ok("advance", "--to", "2017-08-01T00:00:00+08:00")
pw = st.write("pw", "a-long-enough-password\n")
st.ok("user", "add", "ops", "--role", "supervision", "--password-file", pw)

LISTINGS = [
    ["tasks"], ["status"], ["outbox"], ["warnings"], ["user", "list"],
    ["workdays", "--plan", "changji-2017", "--from", "2017-01-01", "--to", "2017-02-10"],
    ["report", "annex3", "--month", "2017-07"],
    ["report", "annex3", "--month", "2017-07", "--by", "industry"],
    ["report", "annex4", "--month", "2017-07"],
    ["report", "accountability"],
]
RECORDS = [["clock"], ["audit", "checkpoint"]]   # JSON only


def strings(o, path=""):
    """(path, value) of every string in a JSON value."""
    if isinstance(o, dict):
        for k, v in o.items():
            yield from strings(v, f"{path}.{k}")
    elif isinstance(o, list):
        for v in o:
            yield from strings(v, f"{path}[]")
    elif isinstance(o, str):
        yield path, o


for args in LISTINGS + RECORDS:
    name = " ".join(args)
    doc = json.loads(st.ok(*args, "--format", "json"))
    bad_empty = sorted({p for p, v in strings(doc) if v == ""})
    eq(bad_empty, [], f"{name} --format json: fields that are \"\" instead of null")
    bad_time = sorted({f"{p}={v}" for p, v in strings(doc)
                       if TIMEISH.match(v) and not RFC3339.match(v)})
    eq(bad_time, [], f"{name} --format json: times not RFC 3339")
    if args in RECORDS:
        continue
    text = st.ok(*args, "--format", "csv").lstrip("\ufeff")
    for block in text.split("\n\n"):
        rows = list(csv.reader(io.StringIO(block, newline="")))
        for row in rows[1:]:
            for head, cell in zip(rows[0], row):
                check(not (TIMEISH.match(cell) and not RFC3339.match(cell)),
                      f"{name} --format csv: {head}={cell!r} is not RFC 3339")

# ---- the values, by hand ----
# roster is due 2017-02-15 (a Wednesday, a workday): it lapses when the day ends, at
# 2017-02-16 00:00 in Urumqi's plan zone Asia/Shanghai (+08:00)
acc = json.loads(st.ok("report", "accountability", "--format", "json"))
roster = [r for r in acc["records"] if r["task"] == "changji-2017/roster/changji-city/once"]
eq([r["time"] for r in roster], ["2017-02-16T00:00:00+08:00"],
   "the roster's lapse: RFC 3339 in JSON")
csv_text = st.ok("report", "accountability", "--format", "csv").lstrip("\ufeff")
detail = list(csv.reader(io.StringIO(csv_text.split("\n\n")[0], newline="")))
col = detail[0].index("时间")
eq([r[col] for r in detail[1:] if r[4] == "changji-2017/roster/changji-city/once"],
   ["2017-02-16T00:00:00+08:00"], "and in CSV")
# the text table keeps the form people read
table = st.ok("report", "accountability")
check(re.search(r"changji-2017/roster/changji-city/once .*2017-02-16 00:00 \+08:00", table),
      "the text table shows 2017-02-16 00:00 +08:00")

# annex 4: no listed enterprise of the sample registry is done by July, so every done_date
# is null (an empty cell in CSV)
a4 = json.loads(st.ok("report", "annex4", "--month", "2017-07", "--format", "json"))
check(len(a4) > 0, "annex 4 lists the listed enterprises")
eq({r["done_date"] for r in a4}, {None}, "annex 4: done_date null when not done")
a4csv = list(csv.reader(io.StringIO(st.ok("report", "annex4", "--month", "2017-07",
                                          "--format", "csv").lstrip("\ufeff"), newline="")))
col = a4csv[0].index("完成日期")
eq({r[col] for r in a4csv[1:]}, {""}, "annex 4 CSV: an empty cell")

# tasks: the prefecture bureau's training (for: once, owner prefecture_epb) has no
# jurisdiction; nothing was extended, so no task has a previous due date
tasks = {t["key"]: t for t in st.tasks()}
training = tasks["changji-2017/training/prefecture_epb/once"]
eq((training["jurisdiction"], training["previous_due_date"]), (None, None),
   "the bureau's own task: jurisdiction and previous_due_date null")
eq(tasks["changji-2017/roster/changji-city/once"]["jurisdiction"], "changji-city",
   "a county's task keeps its jurisdiction")

# warnings nobody decided: decided_by, reason null
ws = json.loads(st.ok("warnings", "--format", "json"))
check(len(ws) > 0, "the year raised conduct warnings")
undecided = [w for w in ws if w["state"] in ("proposed", "superseded")]
check(len(undecided) > 0, "some were not decided")
eq({(w["decided_by"], w["reason"]) for w in undecided}, {(None, None)},
   "an undecided warning: decided_by and reason null")

# user list: an office role has no subject, no name was given
u = json.loads(st.ok("user", "list", "--format", "json"))
eq([(x["login"], x["subject"], x["name"]) for x in u], [("ops", None, None)],
   "user list: no subject, no name: null")
st.cleanup()
done("times RFC 3339 and absent values null in every listing and report")
