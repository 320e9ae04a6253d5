"""A back-dated extension over a task whose late hand-in waits for review (review 10e,
m-A): before, `extend --backdate` to a date the hand-in fell within left the task `late`
(迟报 in `status`), its lapse counted (逾期 in the accountability report, the conduct
warning standing), and told the county "调整后的截止时间已过，本事项按逾期处理" though
it had handed in within the time it was given. Now (docs/plan-format.md, "Back-dated
extensions") a hand-in received by the new deadline is on time as of it: the lapse is
void (the report's row 事后补记的展期, counted in no column; the warning that counted it
lists it as voided) and the notice says the hand-in is in time and under review. One
received after the new deadline stays late; a task already accepted is refused (65).

Worked out by hand (Asia/Shanghai): 月报表 due Friday 2017-03-10 lapses at 03-11 00:00;
the rule (1 lapse in 30 days) warns each county at 03-11 09:00. 甲县 (a) hands in Wednesday
03-15 10:00, 乙县 (b) Saturday 03-18 10:00, 丙县 (c) 03-15 and is accepted. On Monday
03-20 the detachment records the extension to Friday 03-17 it had agreed earlier."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, county_plan, county_task, county_registry  # noqa: E402,E501

RULES = ("escalations:\n  std:\n    - {after: 1d, kind: overdue, notify: [owner, supervision]}\n"
         "conduct:\n  - {lapses: 1, within: 30d, kind: interview-warning, notify: [supervision]}\n")
PLAN = county_plan("bd", "补记测试", [county_task(
    "m", "月报表", "2017-03-10", "submit_to: supervision, escalate: std")],
    offices=[("supervision", "监察支队")], rules=RULES)
REG = county_registry([("a", "甲县"), ("b", "乙县"), ("c", "丙县")], offices=("supervision",))
A, B, C = (f"bd/m/{j}/once" for j in "abc")

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T10:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG))
st.ok("advance", "--to", "2017-03-15T10:00:00+08:00")
st.ok("submit", A, "--by", "张三")
st.ok("submit", C, "--by", "王五")
st.ok("event", C, "accept", "--by", "支队")
st.ok("advance", "--to", "2017-03-18T10:00:00+08:00")
st.ok("submit", B, "--by", "李四")
st.ok("advance", "--to", "2017-03-20T10:00:00+08:00")


def task(key):
    return [t for t in st.tasks() if t["key"] == key][0]


eq([task(k)["late"] for k in (A, B, C)], [True, True, True], "all three handed in late")
eq(sorted(w["jurisdiction"] for w in json.loads(st.ok("warnings", "--format", "json"))),
   ["a", "b", "c"], "each county warned on 03-11 for its lapse")

# the accepted task is final: refused, nothing changes
audit = st.ok("audit", "--format", "jsonl")
rc, _, err = st.run("extend", C, "--to", "2017-03-17", "--by", "支队长", "--reason", "3月9日已同意",
                    "--backdate")
eq(rc, 65, f"a back-dated extension of an accepted task is refused: {err}")
eq(st.ok("audit", "--format", "jsonl"), audit, "and records nothing")

before = {m["X-Dabiao-Key"] for m in st.mails()}
out = st.ok("extend", "--milestone", "m", "--to", "2017-03-17", "--by", "支队长", "--reason",
            "3月9日已同意延期", "--backdate")
check(out.startswith("extended 2 tasks"), f"a and b extended, c (accepted) left: {out}")
eq([(task(k)["due_date"], task(k)["state"]) for k in (A, B)],
   [("2017-03-17", "submitted")] * 2, "both due 03-17, still waiting for review")
eq(task(A)["late"], False, "甲县's hand-in of 03-15 is within the extension: on time")
eq(task(B)["late"], True, "乙县's of 03-18 is after it: still late")

# status: 迟报 only for 乙县
status = json.loads(st.ok("status", "--format", "json"))
late = {j["jurisdiction"]: j["late"] for j in status["jurisdictions"] if j["jurisdiction"]}
eq((late["a"], late["b"]), (0, 1), "status counts 乙县's late hand-in only")

# the audit record of the extension says what it did
ext = {r["task"]: json.loads(r["details"]) if isinstance(r["details"], str) else r["details"]
       for r in st.records() if r["action"] == "task.extend"}
eq((ext[A].get("hand_in_late"), ext[A].get("voids_lapse"), ext[A].get("hand_in_received_at")),
   (False, True, "2017-03-15T10:00:00+08:00"), "甲县's extension voids its lapse")
eq((ext[B].get("hand_in_late"), ext[B].get("voids_lapse")), (True, None),
   "乙县's keeps its lapse")

# the notices: in time / late, under review; never "按逾期处理"
texts = {m["X-Dabiao-Task"]: m.get_content() for m in st.mails()
         if m["X-Dabiao-Key"] not in before and m["X-Dabiao-Kind"] == "extended"}
eq(sorted(texts), [A, B], "both counties told of the extension")
check("已于2017年3月15日（星期三）10时报送，在调整后的截止时间内" in texts[A], texts[A])
check("已于2017年3月18日（星期六）10时报送，晚于调整后的截止时间，按迟报记录" in texts[B], texts[B])
for k, t in texts.items():
    check("按逾期处理" not in t and "前报送" not in t, f"{k}: nothing owed, nothing overdue: {t}")

# the accountability report: 甲县's lapse counted in no column, 乙县's as 逾期
rep = json.loads(st.ok("report", "accountability", "--from", "2017-03-01", "--to",
                       "2017-03-31", "--format", "json"))
rows = {(r["task"], r["kind"]): r["reason"] for r in rep["records"] if r["task"]}
check((A, "事后补记的展期") in rows and rows[(A, "事后补记的展期")].endswith(
    "补报在展期内，所记逾期不予计算"), f"甲县's row: {rows}")
check((B, "逾期") in rows and "事后补记的展期" in rows[(B, "逾期")], f"乙县's row: {rows}")
summ = {s["jurisdiction"]: s for s in rep["summary"] if s["person"] != "—"}
eq((summ.get("甲县", {}).get("overdue", 0), summ["乙县"]["overdue"]), (0, 1),
   "the summary counts 乙县's lapse only")

# the warning that counted 甲县's lapse lists it as voided
wa = [w for w in json.loads(st.ok("warnings", "--format", "json")) if w["jurisdiction"] == "a"]
eq([w["voided"] for w in wa], [[A]], "甲县's warning records its voided lapse")
done("a back-dated extension judges the hand-in waiting for review as of the new deadline")
