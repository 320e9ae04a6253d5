"""A registry re-import never silently shortens a deadline its owner was told, and never
blanks what its file does not speak of (review of issue 10, M1).

- A `rectify_by` brought forward with its reminders still ahead moves, and the enterprise
  is told (as a plan version's date does). One brought forward too late for any reminder
  of it gets the plan's grace period from the import, never later than the date the
  enterprise was told, and a notice saying so: the fair-start rule a plan version follows
  (docs/registry-format.md). A spreadsheet's 02-10 for 12-10 no longer lapses an
  enterprise the next night.
- A CSV that has no column for a field (责任单位, 责任人, a free attribute, `listed`,
  `email`) keeps what the store has; a blank cell in a column it has clears the field.
  The import names every field it changes, before and after, and audits them.
Every expected value is worked out by hand below (Asia/Shanghai, weekends only)."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, RECTIFICATION,  # noqa: E402
                       county_registry, enterprise_plan, E1, E2)

PLAN = enterprise_plan("ri", "整改测试", [
    "{id: fix, title: 限期整改, owner: enterprise, for: each enterprise, where: {listed: true}, "
    "due: {field: rectify_by}, remind: [-30d, -7d], escalate: e, lifecycle: rectification}"],
    rules=RECTIFICATION + "escalations:\n  e:\n    - {after: 1d, kind: overdue, notify: [owner]}\n")
REG = county_registry([("aa", "甲县")])
V1 = ("id,name,jurisdiction,industry,listed,rectify_by,responsible_unit,responsible_person,"
      "permit,email\n"
      f"{E1},甲钢铁,aa,steel,true,2017-06-30,甲钢铁环保科,张三,P-001,e1@x.example\n"
      f"{E2},乙水泥,aa,cement,true,2017-08-31,乙水泥安环部,李四,P-002,e2@x.example\n")
# The re-import, Thursday 2017-02-09 10:00: a sheet with fewer columns. E1's limit typed
# 2017-02-10 (meant 12-10); E2's brought forward to 04-28, its 责任人 cell left blank.
V2 = ("id,name,jurisdiction,industry,rectify_by,responsible_person\n"
      f"{E1},甲钢铁,aa,steel,2017-02-10,张三\n"
      f"{E2},乙水泥,aa,cement,2017-04-28,\n")

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("reg.yaml", REG))
st.ok("import", st.write("v1.csv", V1))
st.ok("advance", "--to", "2017-02-09T10:00:00+08:00")
v2 = st.write("v2.csv", V2)
out = st.ok("import", v2, "--dry-run")
# by hand:
# - E1: 02-10's reminders (-30d 01-11, -7d 02-03) are behind: too late. Grace 10wd from
#   Thu 02-09: Fri 10, Mon 13 .. Fri 17, Mon 20 .. Thu 23 -> 2017-02-23, before the 06-30
#   it was told: it gets 02-23.
# - E2: 04-28's -30d reminder (03-29 09:00) is ahead: it simply moves.
lines = {ln.split()[0]: " ".join(ln.split()[1:]) for ln in out.splitlines()
         if ln.strip().startswith("ri/")}
eq(lines, {
    f"ri/fix/{E1}/once": "2017-06-30 -> 2017-02-10 grace until 2017-02-23 (too late to "
                         "remind of the earlier date), owner told",
    f"ri/fix/{E2}/once": "2017-08-31 -> 2017-04-28",
}, f"the preview says what happens to each: {out}")
fields = {ln.split()[0]: " ".join(ln.split()[1:]) for ln in out.splitlines()
          if ln.strip().startswith("911300")}
eq(fields, {E1: "rectify_by 2017-06-30 -> 2017-02-10",
            E2: "rectify_by 2017-08-31 -> 2017-04-28; responsible_person 李四 -> (none)"},
   f"the preview names every field it changes, and only those: {out}")
before = {m["X-Dabiao-Key"] for m in st.mails()}
st.ok("import", v2)
t = {x["key"]: x for x in st.tasks()}
eq((t[f"ri/fix/{E1}/once"]["due_date"], t[f"ri/fix/{E1}/once"]["state"]),
   ("2017-02-23", "listed"), "E1: the grace period from the import, still listed")
eq(t[f"ri/fix/{E2}/once"]["due_date"], "2017-04-28", "E2: simply moved")
aud = [json.loads(ln)["record"] for ln in st.ok("audit", "--format", "jsonl").splitlines()]
upd = {r["subject"]: json.loads(r["details"])["changes"] for r in aud
       if r["action"] == "subject.update"}
eq(upd, {E1: {"rectify_by": ["2017-06-30", "2017-02-10"]},
         E2: {"rectify_by": ["2017-08-31", "2017-04-28"], "responsible_person": ["李四", None]}},
   "columns the sheet lacks (责任单位, permit, listed, email) are kept; the blank 责任人 cell "
   "clears it; each change audited")
told = [m for m in st.mails() if m["X-Dabiao-Key"] not in before]
eq(sorted((str(m["To"]), m["X-Dabiao-Kind"]) for m in told),
   [("e1@x.example", "changed"), ("e2@x.example", "changed")],
   "each enterprise told in one grouped notice, at the addresses the sheet did not repeat")
b1 = [m for m in told if str(m["To"]) == "e1@x.example"][0]
body = b1.get_body().get_content().replace("\r\n", "\n")
check("截止时间由2017年6月30日（星期五）24时调整为2017年2月23日（星期四）24时" in body and
      "（登记册将整改时限提前至2017年2月10日（星期五）24时，已来不及按期提醒，给予宽限期）"
      in body,
      f"E1's notice: the told date, the grace date and why: {body}")
b2 = [m for m in told if str(m["To"]) == "e2@x.example"][0]
body = b2.get_body().get_content().replace("\r\n", "\n")
check("截止时间由2017年8月31日（星期四）24时调整为2017年4月28日（星期五）24时" in body and
      "宽限" not in body, f"E2's notice: moved, no word of grace: {body}")
# no lapse on the typed date: nothing overdue on Saturday 02-11
st.ok("advance", "--to", "2017-02-11T10:00:00+08:00")
eq({x["key"]: x["state"] for x in st.tasks()}[f"ri/fix/{E1}/once"], "listed",
   "no lapse on 02-10")
eq([m for m in st.mails() if m["X-Dabiao-Kind"] == "overdue"], [], "no overdue notice")
st.cleanup()
done("a re-import never shortens a told deadline without time to meet it, and keeps what "
     "its sheet does not speak of")
