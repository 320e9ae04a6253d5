"""Review10j R2: a plan version that changes a milestone's `requires` judges again the
hand-ins judged incomplete by the version before. Version 1 of 评估报告 (due Friday
2017-03-10, reminded -2d, overdue 1d after) requires 总体情况 (a), 问题清单 (b) and 下一步工作安排
(c); 甲县 hands in a and c, 乙县 hands in a only: both incomplete. Version 2, loaded 03-05,
drops b: 甲县 holds every section now required — complete, waiting for review, not reminded,
not lapsing (it stayed incomplete, was reminded as "被退回", lapsed and counted); 乙县 still
lacks c, and its notices name c only. `load --dry-run` lists both; each is audited
(task.rejudge) and its county told in the version's `changed` notice."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_plan, county_registry,  # noqa: E402
                       county_task)


def plan(requires):
    return county_plan("rq", "要件变更测试", [
        county_task("r", "评估报告", "2017-03-10",
                    f"submit_to: hq, remind: [-2d], escalate: e, requires: {{{requires}}}")],
        offices=[("hq", "支队")], rules="""\
escalations:
  e:
    - {after: 1d, kind: overdue, notify: [owner, hq]}
""")


V1 = plan("a: 总体情况, b: 问题清单, c: 下一步工作安排")
V2 = plan("a: 总体情况, c: 下一步工作安排")
A, B = "rq/r/ja/once", "rq/r/jb/once"

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T10:00:00+08:00")
st.ok("load", st.write("v1.yaml", V1))
st.ok("import", st.write("r.yaml", county_registry([("ja", "甲县"), ("jb", "乙县")],
                                                     offices=("hq",))))
st.ok("submit", A, "--by", "甲", "--sections", "a,c")
st.ok("submit", B, "--by", "乙", "--sections", "a")
eq({t["key"]: t["state"] for t in st.tasks()}, {A: "incomplete", B: "incomplete"},
   "both incomplete under version 1")

st.ok("advance", "--to", "2017-03-05T10:00:00+08:00")
dry = st.ok("load", "--dry-run", st.write("v2.yaml", V2))
check("hand-ins judged again by the sections now required" in dry and A in dry and B in dry,
      f"the preview lists both: {dry}")
eq({t["key"]: t["state"] for t in st.tasks()}, {A: "incomplete", B: "incomplete"},
   "a dry run changes nothing")
before = {m["X-Dabiao-Key"] for m in st.mails()}
st.ok("load", st.write("v2.yaml", V2))
eq({t["key"]: t["state"] for t in st.tasks()}, {A: "submitted", B: "incomplete"},
   "甲县's hand-in is complete now, waiting for review; 乙县's still lacks c")
recs = [json.loads(line)["record"] for line in st.ok("audit", "--format", "jsonl").splitlines()]
eq([(r["task"], r["from_state"], r["to_state"], json.loads(r["details"])["missing"])
    for r in recs if r["action"] == "task.rejudge"],
   [(A, "incomplete", "submitted", ""), (B, "incomplete", "incomplete", "c")],
   "each judged again, audited with before and after")
told = {m["To"]: m.get_body(("plain",)).get_content() for m in st.mails()
        if m["X-Dabiao-Key"] not in before and m["X-Dabiao-Kind"] == "changed"}
check("你单位已报送的内容已齐全，无需补正，转入审核" in told.get("ja@x.example", ""),
      f"甲县 told: {told}")
check("尚缺“下一步工作安排”，请补正" in told.get("jb@x.example", ""), f"乙县 told: {told}")

st.ok("advance", "--to", "2017-03-12T10:00:00+08:00")
ms = [m for m in st.mails() if m["X-Dabiao-Kind"] in ("reminder", "overdue")]
eq(sorted((m["X-Dabiao-Kind"], m["To"]) for m in ms),
   [("overdue", "jb@x.example, hq@x.example"), ("reminder", "jb@x.example")],
   "only 乙县 is reminded (03-08) and overdue (03-12)")
for m in ms:
    text = m.get_body(("plain",)).get_content()
    check("缺少下一步工作安排" in text and "问题清单" not in text and "被退回" not in text,
          f"{m['X-Dabiao-Kind']} names c only: {text}")
eq({t["key"]: t["state"] for t in st.tasks()}, {A: "submitted", B: "overdue"},
   "甲县 waits for review, 乙县 lapsed")
st.cleanup()
done("a version's requires judges open hand-ins again")
