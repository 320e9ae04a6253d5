"""`dabiao import-annex` is the county's hand-in (review 12c, L3): the table a county mailed
in, brought in by the detachment, submits the task that asks for it, received when the
detachment says (`--at`, else now), 迟报 when after the deadline; no separate `submit`, and
no reminder or escalation for a table that is in.

The Changji plan and registry on a virtual clock. June's Annex 3 is the task
monthly-summary/<county>/2017-07 (covers: previous), due 2017-07-05, deadline 07-05 23:59:59
+08:00; it lapses at 07-06 00:00, the overdue notice goes at 07-06 09:00 (escalation
`standard`: 1d) and the first escalation at 07-10 09:00 (3wd after the due date: 07-06,
07-07, 07-10)."""
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

A3HEAD = ("县市、园区,超标企业基数（家）,限期整改（家）,挂牌督办（家）,淘汰关闭（家）,"
          "已完成清理（家）,整治中（家）,未启动（家）,逾期未完成（家）,完成率（%）")


def task(j):
    return f"changji-2017/monthly-summary/{j}/2017-07"


st = Store()
st.changji("2017-07-03T10:00:00+08:00")


def table(name, base):
    # 基数 = 未启动: the arithmetic the import checks holds
    return st.write(f"{name}.csv", f"{A3HEAD}\n{name},{base},{base},0,0,0,0,{base},0,\n")


def state(j):
    return [t for t in st.tasks("--milestone", "monthly-summary", "--jurisdiction", j)
            if t["key"] == task(j)][0]["state"]


def records(key):
    return [json.loads(x)["record"] for x in st.ok("audit", "--format", "jsonl").splitlines()
            if json.loads(x)["record"]["task"] == key]


def annex(month="2017-06"):
    return {r["jurisdiction"]: r["check"] for r in
            json.loads(st.ok("report", "annex3", "--month", month, "--format", "json"))}


def run(path, j, *more):
    return st.run("import-annex", path, "--jurisdiction", j, "--month", "2017-06", "--by",
                  "王科长", *more)


# a dry run says the table would hand the task in, and changes nothing
hutubi = table("呼图壁县", 3)
rc, out, err = run(hutubi, "hutubi-county", "--dry-run")
eq(rc, 0, f"dry run: {err}")
check("would be the task's hand-in: open -> submitted" in out, f"the dry run says so: {out}")
eq(state("hutubi-county"), "open", "a dry run submits nothing")

# on 07-03, before the deadline: the table submits the task, on time, with the file's hash
rc, out, err = run(hutubi, "hutubi-county")
eq(rc, 0, f"June's table on 07-03: {err}")
check("the table is the task's hand-in: open -> submitted" in out and "迟报" not in out,
      f"said, not late: {out}")
eq(state("hutubi-county"), "submitted", "the task is handed in")
recs = records(task("hutubi-county"))
eq([r["action"] for r in recs[-2:]], ["annex.report", "task.submit"],
   "the table's record, then the submission")
sub = json.loads(recs[-1]["details"])
with open(hutubi, "rb") as fh:
    sha = hashlib.sha256(fh.read()).hexdigest()
eq((sub["by"], sub["at"], sub["late"], sub["file_sha256"]),
   ("王科长", "2017-07-03T10:00:00+08:00", False, sha),
   "submitted by who brought it in, now, in time, the table's file hash")
eq(json.loads(recs[-2]["details"])["received"], "2017-07-03T10:00:00+08:00",
   "the table's record says when it was received")

# the same file again: no second table, no second submission (the task took it already)
n = len(records(task("hutubi-county")))
rc, out, err = run(hutubi, "hutubi-county")
eq(rc, 0, f"the same file: {err}")
check("nothing recorded" in out and "the task stays submitted" in out, f"said: {out}")
eq(len(records(task("hutubi-county"))), n, "nothing recorded")

# a corrected table after the hand-in: recorded, the task keeps its state
hutubi2 = st.write("hutubi-b.csv", f"{A3HEAD}\n呼图壁县,2,2,0,0,0,0,2,0,\n")
rc, out, err = run(hutubi2, "hutubi-county")
eq(rc, 0, f"a corrected table: {err}")
eq([r["action"] for r in records(task("hutubi-county"))[n:]], ["annex.report"],
   "the corrected table is recorded, no second submission")
eq(state("hutubi-county"), "submitted", "still handed in")

# to 07-10 12:00: every county that sent nothing lapsed at 07-06 00:00, was told at 07-06
# 09:00 and escalated at 07-10 09:00; 呼图壁县, whose table is in, is neither
st.ok("advance", "--to", "2017-07-10T12:00:00+08:00")
chased = {n["key"].split("#")[0] for n in st.notices()
          if n["kind"] in ("overdue", "escalation") and "/monthly-summary/" in n["key"]}
check(task("changji-city") in chased, f"a county that sent nothing is chased: {sorted(chased)}")
check(task("hutubi-county") not in chased, f"the county whose table is in is not: {sorted(chased)}")
eq(state("manas-county"), "overdue", "玛纳斯县 sent nothing yet")

# 玛纳斯县's table arrived on 07-08 09:30 (after the deadline), brought in on 07-10: late
rc, out, err = run(table("玛纳斯县", 1), "manas-county", "--at", "2017-07-08T09:30:00+08:00")
eq(rc, 0, f"a late table: {err}")
check("overdue -> submitted, late (迟报)" in out, f"said late: {out}")
sub = json.loads(records(task("manas-county"))[-1]["details"])
eq((sub["at"], sub["late"]), ("2017-07-08T09:30:00+08:00", True), "received 07-08, late")
seqm = records(task("manas-county"))[-2]["seq"]
eq(annex()["玛纳斯县"], f"一致（王科长，第 {seqm} 号，迟报）", "the report says 迟报")

# the detachment returns 玛纳斯县's table (the figures are wrong); the county's corrected
# table is its new hand-in: late still (past the deadline), the task submitted again
st.ok("event", task("manas-county"), "return", "--by", "支队", "--reason", "数字有误")
back = state("manas-county")
check(back in ("returned", "overdue"), f"returned to the county: {back}")
manas2 = st.write("manas-b.csv", f"{A3HEAD}\n玛纳斯县,1,1,0,0,0,1,0,0,\n")
rc, out, err = run(manas2, "manas-county")
eq(rc, 0, f"a corrected table after a return: {err}")
check(f"{back} -> submitted, late (迟报)" in out, f"handed in again: {out}")
eq(state("manas-county"), "submitted", "submitted again")

# 吉木萨尔县's table arrived on 07-05 20:00, in time, but was brought in on 07-10: in time,
# the lapse of 07-06 void, and no 迟报 although the record is of 07-10
rc, out, err = run(table("吉木萨尔县", 0), "jimsar-county", "--at", "2017-07-05 20:00")
eq(rc, 0, f"a table received in time, entered late: {err}")
check("overdue -> submitted" in out and "迟报" not in out, f"not late: {out}")
sub = json.loads(records(task("jimsar-county"))[-1]["details"])
eq((sub["late"], sub.get("voids_lapse")), (False, True), "in time: the lapse is void")
seqj = records(task("jimsar-county"))[-2]["seq"]
eq(annex()["吉木萨尔县"], f"一致（王科长，第 {seqj} 号）", "no 迟报: received before the deadline")

# received times that cannot be: after now, before June ended, before the task lapsed...
for at, why in (("2017-07-10T12:00:01+08:00", "after the store's now"),
                ("2017-06-30T23:59:59+08:00", "is before --month 2017-06 ended")):
    n = len(records(task("changji-city")))
    rc, out, err = run(table("昌吉市", 0), "changji-city", "--at", at)
    eq(rc, 65, f"--at {at}: refused: {out}{err}")
    check(why in err, f"--at {at}: says why: {err}")
    eq((len(records(task("changji-city"))), state("changji-city")), (n, "overdue"),
       f"--at {at}: nothing recorded, the task as it was")
rc, out, err = run(table("昌吉市", 0), "changji-city", "--at", "July")
eq(rc, 64, f"--at that is no time: {err}")

# without --at, on 07-10: late, received now
rc, out, err = run(table("昌吉市", 0), "changji-city")
eq(rc, 0, f"昌吉市 on 07-10: {err}")
sub = json.loads(records(task("changji-city"))[-1]["details"])
eq((sub["at"], sub["late"]), ("2017-07-10T12:00:00+08:00", True), "received now, late")

# a task the detachment has accepted keeps its state when a later table comes
st.ok("event", task("hutubi-county"), "accept", "--by", "支队")
rc, out, err = run(table("呼图壁县", 3), "hutubi-county")
eq(rc, 0, f"a table after acceptance: {err}")
eq(state("hutubi-county"), "accepted", "an accepted task stays accepted")
check("the task stays accepted" in out, f"said: {out}")
st.ok("audit", "verify")
done("import-annex hands the task in, at its received time, 迟报 when late")
