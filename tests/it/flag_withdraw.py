"""Accountability flags: one raised in error can be withdrawn, and none can be raised on a
report that does not exist yet (review 10e, M-K and m-F).

- M-K: `flag TASK --kind K --withdraw --by WHO --reason TEXT` takes back a flag of kind K:
  audited as task.unflag (the task.flag record stays in the trail), the task no longer
  flagged with K, and the conduct rules stop counting it. Worked by hand below: a rule
  `lapses: 2` over flags alone, 甲县 flagged on two tasks; one flag withdrawn before the next
  evaluation leaves 1 event, below the rule: no warning. Another task flagged 谎报 and 瞒报
  keeps counting once (its 瞒报) after its 谎报 is withdrawn. Withdrawing a flag not raised,
  or twice, is refused (65) and changes nothing; the same kind may be raised again after.
- m-F: before anything was handed in and before the task lapsed (an annual report due in
  November, flagged in March) a flag is refused (65) naming the state; after a hand-in, or
  once the task lapsed (漏报 of a list that never came), it is accepted."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, county_plan, county_task, county_registry  # noqa: E402,E501

PLAN = county_plan("fw", "登记测试", [
    county_task(m, t, due, "submit_to: supervision")
    for m, t, due in (("roster", "名录", "2017-03-10"), ("plan", "方案", "2017-03-10"),
                      ("list", "清单", "2017-03-20"), ("annual", "年度报告", "2017-11-15"))],
    offices=[("supervision", "监察支队"), ("prefecture_epb", "州环保局")],
    rules="accountability: {notify: [prefecture_epb]}\n"
          "conduct:\n  - {kind: interview-warning, of: [flag], lapses: 2, within: 90d, "
          "notify: [prefecture_epb]}\n")
REG = county_registry([("a", "甲县"), ("b", "乙县")], offices=("supervision", "prefecture_epb"))

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T10:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG))


def trail():
    out = st.ok("audit", "--format", "jsonl")
    return [json.loads(line)["record"] for line in out.splitlines() if line.strip()]


# --- m-F: nothing handed in, not lapsed: no flag ------------------------------------------
before = (trail(), st.outbox())
rc, _, err = st.run("flag", "fw/annual/b/once", "--kind", "concealed", "--by", "监测科",
                    "--reason", "瞒报")
eq(rc, 65, "a flag on a report not handed in and not due is refused")
check("fw/annual/b/once is open (due 2017-11-15)" in err and "nothing has been handed in" in err,
      f"the refusal names the task's state and due date: {err}")
eq((trail(), st.outbox()), before, "the refused flag recorded and mailed nothing")

# handed in: 甲县's roster, plan and 乙县's roster
for key in ("fw/roster/a/once", "fw/plan/a/once", "fw/roster/b/once"):
    st.ok("submit", key, "--by", "张三")
# 甲县: roster falsified (a mistake: meant 乙县), plan concealed and falsified
st.ok("flag", "fw/roster/a/once", "--kind", "falsified", "--by", "监测科", "--reason", "名录数据造假")
st.ok("flag", "fw/plan/a/once", "--kind", "falsified", "--by", "监测科", "--reason", "数据不实")
st.ok("flag", "fw/plan/a/once", "--kind", "concealed", "--by", "监测科", "--reason", "隐瞒企业")

# --- M-K: withdrawals ------------------------------------------------------------------
before = (trail(), st.outbox())
for args, what in ((("fw/roster/b/once", "--kind", "falsified"), "a flag never raised"),
                   (("fw/roster/a/once", "--kind", "omitted"), "a kind the task does not have")):
    rc, _, err = st.run("flag", *args, "--withdraw", "--by", "监测科", "--reason", "误登记")
    eq(rc, 65, f"withdrawing {what} is refused")
    check("no " in err and "flag to withdraw" in err, f"{what}: {err}")
eq((trail(), st.outbox()), before, "the refused withdrawals changed nothing")

out = st.ok("flag", "fw/roster/a/once", "--kind", "falsified", "--withdraw", "--by", "监测科",
            "--reason", "误登记，应为乙县")
eq(out.strip(), "fw/roster/a/once: withdrew the flag falsified", "the command says what it did")
st.ok("flag", "fw/plan/a/once", "--kind", "falsified", "--withdraw", "--by", "监测科",
      "--reason", "数据经核实无误")
recs = trail()
flags = [r["action"] for r in recs if r["task"] == "fw/roster/a/once"
         and r["action"].startswith("task.") and "flag" in r["action"]]
eq(flags, ["task.flag", "task.unflag"], "the flag stays in the trail, the withdrawal after it")
un = [json.loads(r["details"]) for r in recs if r["action"] == "task.unflag"]
eq([(u["kind"], u["by"], u["reason"]) for u in un],
   [("falsified", "监测科", "误登记，应为乙县"), ("falsified", "监测科", "数据经核实无误")],
   "each withdrawal records kind, who and why")
# the accountability roles were told of each flag; they are told of each withdrawal, with
# what was raised (by whom, why) and who took it back and why
acc = [m for m in st.mails() if m["X-Dabiao-Kind"] == "accountability"]
wd = [m for m in acc if "#withdrawn#" in m["X-Dabiao-Key"]]
eq(sorted((m["X-Dabiao-Task"], str(m["To"])) for m in wd),
   [("fw/plan/a/once", "prefecture_epb@x.example"), ("fw/roster/a/once", "prefecture_epb@x.example")],
   "each withdrawal is told to the accountability roles, as its flag was")
eq(len(acc), 5, "three flags and two withdrawals told")
body = next(m for m in wd if m["X-Dabiao-Task"] == "fw/roster/a/once").get_body().get_content()
subj = next(m for m in wd if m["X-Dabiao-Task"] == "fw/roster/a/once")["Subject"]
check(subj.startswith("关于撤回甲县") and "涉嫌谎报问题登记的通报" in subj, f"its subject: {subj}")
check("监测科此前登记甲县" in body and "涉嫌谎报" in body and "名录数据造假" in body
      and "该登记予以撤回，撤回理由：误登记，应为乙县" in body and "不再计入" in body,
      f"the withdrawal names the flag it takes back and why: {body}")

# report accountability: the withdrawn flags are on record as raised and withdrawn, with who
# and why, and counted in no column; the live 瞒报 counts
rep = json.loads(st.ok("report", "accountability", "--format", "json"))
rows = sorted((r["task"], r["kind"], r["reason"]) for r in rep["records"])
eq([(t, k) for t, k, _ in rows],
   [("fw/plan/a/once", "瞒报"), ("fw/plan/a/once", "谎报（已撤回）"),
    ("fw/roster/a/once", "谎报（已撤回）")], "both withdrawn flags shown as withdrawn")
why = next(r for t, k, r in rows if t == "fw/roster/a/once")
check(why.startswith("名录数据造假（监测科 认定）；2017-03-01 10:00 +08:00 撤回（监测科 撤回，"
                     "理由：误登记，应为乙县；审计第 ") and why.endswith("号），不予计算"),
      f"the row says the raise and the withdrawal: {why}")
eq([(r["jurisdiction"], r["concealed"], r["falsified"], r["total"]) for r in rep["summary"]],
   [("甲县", 1, 0, 1)], "the summary counts the live 瞒报 only")

rc, _, err = st.run("flag", "fw/roster/a/once", "--kind", "falsified", "--withdraw", "--by",
                    "监测科", "--reason", "再次")
eq(rc, 65, "a flag withdrawn already cannot be withdrawn again")
check("withdrawn already" in err, err)

# by hand: the rule counts flags per task: 甲县 had roster (falsified) and plan
# (falsified+concealed) = 2, which would warn at the next evaluation; after the
# withdrawals only plan's 瞒报 is left = 1 < 2: no warning
st.ok("advance", "--to", "2017-03-02T10:00:00+08:00")
eq([w for w in json.loads(st.ok("warnings", "--format", "json"))
    if w["jurisdiction"] == "a"], [], "one flag left for 甲县: no interview warning")

# a correct flag: 乙县's roster, whose report it really was; and 甲县's roster flagged again
# by the same kind counts again: 2 for 甲县 -> one warning with both tasks
st.ok("flag", "fw/roster/b/once", "--kind", "falsified", "--by", "监测科", "--reason", "名录数据造假")
st.ok("flag", "fw/roster/a/once", "--kind", "falsified", "--by", "监测科", "--reason", "复核属实")
st.ok("advance", "--to", "2017-03-03T10:00:00+08:00")
ws = [w for w in json.loads(st.ok("warnings", "--format", "json")) if w["jurisdiction"] == "a"]
eq([(w["count"], dict(zip(w["tasks"], w["whys"]))) for w in ws],
   [(2, {"fw/plan/a/once": "concealed", "fw/roster/a/once": "falsified"})],
   "甲县: plan's 瞒报 (its 谎报 withdrawn) and roster's 谎报 raised again: count 2")
check(len(ws) == 1, f"exactly one warning for 甲县: {ws}")

# --- m-F, the other side: a lapsed list may be flagged 漏报 -----------------------------
# a report of a later period holds the withdrawal of a flag raised before it, as a row of
# its own naming the raise (counted in no column); the report of the raise's period keeps
# the 谎报 the rules counted until then
st.ok("advance", "--to", "2017-03-10T10:00:00+08:00")
st.ok("flag", "fw/roster/b/once", "--kind", "falsified", "--withdraw", "--by", "监测科",
      "--reason", "复核后不属实")
later = json.loads(st.ok("report", "accountability", "--from", "2017-03-05", "--format", "json"))
rows = [(r["task"], r["kind"], r["reason"]) for r in later["records"]
        if r["task"] == "fw/roster/b/once"]
check(len(rows) == 1 and rows[0][1] == "谎报（已撤回）"
      and rows[0][2].startswith("撤回此前的谎报登记（审计第 ")
      and "复核后不属实" in rows[0][2], f"a row of its own for the withdrawal: {rows}")
eq([s for s in later["summary"] if s["jurisdiction"] == "乙县"], [],
   "counted in no column of the later period")

st.ok("advance", "--to", "2017-03-22T10:00:00+08:00")   # 清单 due 03-20, lapsed 03-21
rc, _, err = st.run("flag", "fw/list/b/once", "--kind", "omitted", "--by", "监测科",
                    "--reason", "清单未报")
eq(rc, 0, f"a lapsed task may be flagged 漏报: {err}")

st.cleanup()
done("flags: withdrawn with a record and no longer counted; none before a hand-in or lapse")
