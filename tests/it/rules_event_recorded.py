"""An event that ends a task, recorded afterwards (`event TASK EVENT --at TIME`): a
rectification verified on site before its time limit and entered after it lapsed was in
time, as a paper hand-in is (review 10e, M-D). The lapse is voided (the task is verified,
not lapsed; the warning that counted it lists it as voided; `report accountability` shows
补录 with both times). `--at` in the future or before the task existed is refused (65), and
an event recorded as of after the deadline leaves the lapse standing. Values worked out by
hand (Asia/Shanghai, weekends only)."""
import csv
import io
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, RECTIFICATION,  # noqa: E402
                       county_registry, E1, E2)

PLAN = ("""\
plan: er
title: 整改补录
timezone: Asia/Shanghai
notify_at: "09:00"
calendar: {weekend: [sat, sun]}
roles:
  enterprise: {title: 企业, per: enterprise}
  county: {title: 县环保局, per: jurisdiction}
"""
        + RECTIFICATION + """\
conduct:
  - {lapses: 1, within: 90d, kind: interview-warning, notify: [county]}
phases:
  - id: p
    title: 整治
    milestones:
      - {id: fix, title: 限期整改, owner: enterprise, for: each enterprise,
         due: {field: rectify_by}, remind: [-2d], lifecycle: rectification}
""")
REG = county_registry([("aa", "甲县")])
CSV = ("id,name,jurisdiction,industry,rectify_by,email\n"
       f"{E1},甲钢铁,aa,steel,2017-03-10,e1@x.example\n"
       f"{E2},乙水泥,aa,cement,2017-03-10,e2@x.example\n")


def key(e):
    return f"er/fix/{e}/once"


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T10:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG))
st.ok("import", st.write("e.csv", CSV))
# both lapse Fri 03-10 23:59:59; the rule warns 甲县 Sat 03-11 09:00 with 2 lapses
st.ok("advance", "--to", "2017-03-13T10:00:00+08:00")
eq({t["key"]: t["state"] for t in st.tasks()}, {key(E1): "overdue", key(E2): "overdue"}, "lapsed")
for at, what in (("2017-03-14T10:00:00+08:00", "in the future"),
                 ("2017-01-20T10:00:00+08:00", "before the task existed")):
    code, _, err = st.run("event", key(E1), "verify", "--by", "县局", "--at", at)
    eq(code, 65, f"--at {what}: refused ({err.strip()})")
# 甲钢铁 was checked on site Thu 03-09 10:00, entered Mon 03-13
out = st.ok("event", key(E1), "verify", "--by", "县局", "--at", "2017-03-09T10:00:00+08:00")
eq(out.strip(), f"{key(E1)}: verify -> verified", "verified")
# 乙水泥 was checked Sat 03-11, after its time limit: verified, its lapse stands
st.ok("event", key(E2), "verify", "--by", "县局", "--at", "2017-03-11T10:00:00+08:00")
rec = [json.loads(ln)["record"] for ln in st.ok("audit", "--format", "jsonl").splitlines()]
ev = {r["task"]: json.loads(r["details"]) for r in rec if r["action"] == "task.event"}
eq((ev[key(E1)].get("voids_lapse"), ev[key(E1)].get("received_at")),
   (True, "2017-03-09T10:00:00+08:00"), "甲钢铁's event voids its lapse")
eq(ev[key(E2)].get("voids_lapse"), None, "乙水泥's does not")
w = json.loads(st.ok("warnings", "--format", "json"))
eq([(x["state"], x["count"], x["voided"]) for x in w], [("sent", 2, [key(E1)])],
   "the sent warning lists the voided lapse")
out = st.ok("report", "accountability", "--from", "2017-03-01", "--to", "2017-03-31",
            "--format", "csv")
rows = {r[4]: (r[2], r[5]) for r in
        list(csv.reader(io.StringIO(out.lstrip("\ufeff").split("\n\n")[0])))[1:]}
eq(rows[key(E1)][0], "补录", "甲钢铁's row: 补录")
check("2017-03-09 10:00 +08:00 办结（转为已整改验收，经办 县局）" in rows[key(E1)][1], rows[key(E1)][1])
eq(rows[key(E2)][0], "逾期", "乙水泥's row: a lapse")
st.cleanup()
done("an event that ended a task before its deadline, recorded afterwards, voids the lapse")
