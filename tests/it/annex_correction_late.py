"""A county that handed its tables in on time and corrects them after the deadline did not
report late (迟报): lateness is the hand-in's, decided by one rule (report_submit_late) that
Annex 3's and Annex 4's 核对 and the accountability report all read. A correction that adds
an enterprise the first Annex 4 left out (漏报) says that the omission was there and was
corrected, rather than hiding it behind the corrected table (review of issue 12, H1).

The Changji plan and registry on a virtual clock. June's Annex 3 and May–June's Annex 4 are
the tasks monthly-summary/<county>/2017-07 and bimonthly-detail/<county>/2017-07, due
2017-07-05 23:59:59 +08:00. 呼图壁县 (hutubi-county) lists three enterprises, all 限期整改
and still 未启动 at the end of June: E1, E2, E3 below."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

A3HEAD = ("县市、园区,超标企业基数（家）,限期整改（家）,挂牌督办（家）,淘汰关闭（家）,"
          "已完成清理（家）,整治中（家）,未启动（家）,逾期未完成（家）,完成率（%）")
A4HEAD = ("序号,县市、园区,企业名称,统一社会信用代码,行业,主要污染物,超标原因,清理措施,整改时限,"
          "月末状态,完成日期,责任单位,责任人")
T3 = "changji-2017/monthly-summary/{}/2017-07"
T4 = "changji-2017/bimonthly-detail/{}/2017-07"

st = Store()
st.changji("2017-07-03T10:00:00+08:00")


def a4_rows(codes):
    """呼图壁县's Annex 4 listing codes, each as dabiao has it (names and time limits from
    the registry, read back from dabiao's own report so that they match)."""
    mine = {x["credit_code"]: x for x in json.loads(st.ok(
        "report", "annex4", "--month", "2017-06", "--format", "json"))
        if x["jurisdiction"] == "呼图壁县"}
    lines = [A4HEAD]
    for i, c in enumerate(codes, 1):
        m = mine[c]
        lines.append(",".join([str(i), "呼图壁县", m["enterprise"], c, m["industry"] or "",
                               m["pollutants"] or "", m["reason"] or "", m["measure"] or "",
                               m["rectify_by"] or "", m["state"], m["done_date"] or "",
                               m["responsible_unit"] or "", m["responsible_person"] or ""]))
    return "\n".join(lines) + "\n"


def imp(path, j, *more):
    return st.ok("import-annex", path, "--jurisdiction", j, "--month", "2017-06", "--by",
                 "王科长", *more)


def last(action, key):
    return [r for r in st.records() if r["action"] == action and r["task"] == key][-1]["seq"]


codes = sorted(x["credit_code"] for x in json.loads(st.ok(
    "report", "annex4", "--month", "2017-06", "--format", "json")) if x["jurisdiction"] == "呼图壁县")
eq(len(codes), 3, f"呼图壁县 lists three enterprises: {codes}")
e1, e2, e3 = codes

# on 07-03, before the deadline: June's Annex 3 and an Annex 4 that leaves out e3 (漏报)
imp(st.write("h3.csv", f"{A3HEAD}\n呼图壁县,3,3,0,0,0,0,3,0,\n"), "hutubi-county")
first3 = last("annex.report", T3.format("hutubi-county"))
imp(st.write("h4.csv", a4_rows([e1, e2])), "hutubi-county")
first4 = last("annex.report", T4.format("hutubi-county"))

# 昌吉市 hands in June's table on time with a base one too many (review12z, Z7)
cj = [r for r in json.loads(st.ok("report", "annex3", "--month", "2017-06", "--format", "json"))
      if r["jurisdiction"] == "昌吉市"][0]
FIG = ["base", "rectify_by_deadline", "listed_supervision", "closure", "done", "in_progress",
       "not_started", "overdue"]


def a3_row(name, d):
    return f"{A3HEAD}\n{name}," + ",".join(str(d[k]) for k in FIG) + ",\n"


wrong = dict(cj, base=cj["base"] + 1, not_started=cj["not_started"] + 1)
imp(st.write("c3.csv", a3_row("昌吉市", wrong)), "changji-city")
firstc = last("annex.report", T3.format("changji-city"))

# 玛纳斯县 hands in nothing on time; its table arrives on 07-08: a late report
st.ok("advance", "--to", "2017-07-10T12:00:00+08:00")
imp(st.write("m3.csv", f"{A3HEAD}\n玛纳斯县,1,1,0,0,0,0,1,0,\n"), "manas-county",
    "--at", "2017-07-08T09:30:00+08:00")
seqm = last("annex.report", T3.format("manas-county"))

# on 07-10, after the deadline, 呼图壁县 corrects both tables: the Annex 4 now has e3
imp(st.write("h3b.csv", f"{A3HEAD}\n呼图壁县,3,3,0,0,0,0,3,0,\r\n"), "hutubi-county")
second3 = last("annex.report", T3.format("hutubi-county"))
imp(st.write("h4b.csv", a4_rows([e1, e2, e3])), "hutubi-county")
second4 = last("annex.report", T4.format("hutubi-county"))
check(second3 > first3 and second4 > first4, "both corrections recorded")

imp(st.write("c3b.csv", a3_row("昌吉市", cj)), "changji-city")
secondc = last("annex.report", T3.format("changji-city"))
a3 = {r["jurisdiction"]: r["check"] for r in
      json.loads(st.ok("report", "annex3", "--month", "2017-06", "--format", "json"))}
eq(a3["昌吉市"], f"一致（王科长，第 {secondc} 号；第 {firstc} 号所报基数 {cj['base'] + 1}、未启动 "
   f"{cj['not_started'] + 1}，已更正）",
   "Annex 3's correction says what the table on time said")
eq(a3["呼图壁县"], f"一致（王科长，第 {second3} 号）",
   "a correction after an on-time hand-in is not 迟报 in Annex 3")
eq(a3["玛纳斯县"], f"一致（王科长，第 {seqm} 号，迟报）", "a table handed in late is 迟报")

a4 = {x["credit_code"]: x["check"] for x in json.loads(st.ok(
    "report", "annex4", "--month", "2017-06", "--format", "json")) if x["jurisdiction"] == "呼图壁县"}
eq(a4[e1], f"一致（第 {second4} 号）", "Annex 4's correction is not 迟报 either")
eq(a4[e3], f"一致（第 {second4} 号；第 {first4} 号所报明细表漏报此企业，已更正）",
   "the enterprise the first table left out: the omission and its correction both said")
# the text table and the CSV say the same words
check(f"第 {first4} 号所报明细表漏报此企业，已更正" in st.ok("report", "annex4", "--month", "2017-06"),
      "said in the text table too")

# the accountability report agrees: no 迟报 for 呼图壁县, one for 玛纳斯县
acc = json.loads(st.ok("report", "accountability", "--format", "json"))
late = sorted((r["jurisdiction"], r["task"]) for r in acc["records"] if r["kind"] == "迟报")
hut = [r for r in acc["records"] if r["task"] in (T3.format("hutubi-county"),
                                                  T4.format("hutubi-county"))]
eq(hut, [], "呼图壁县 answers for nothing about its tables")
check(all(r["kind"] != "迟报" or r["jurisdiction"] != "呼图壁县" for r in acc["records"]),
      f"no 迟报 for the correction: {late}")
manas = [r for r in acc["records"] if r["task"] == T3.format("manas-county")]
check(len(manas) == 1 and manas[0]["kind"] in ("逾期", "迟报"),
      f"玛纳斯县's late table is one row, as late: {manas}")

# a hand-in late by `submit`, then a table brought in as its correction: still 迟报 (the
# hand-in was late), as the accountability report says
st.ok("submit", T3.format("fukang-city"), "--by", "阜康", "--at", "2017-07-09T10:00:00+08:00")
imp(st.write("f3.csv", f"{A3HEAD}\n阜康市,0,0,0,0,0,0,0,0,\n"), "fukang-city")
seqf = last("annex.report", T3.format("fukang-city"))
a3 = {r["jurisdiction"]: r["check"] for r in
      json.loads(st.ok("report", "annex3", "--month", "2017-06", "--format", "json"))}
check(a3["阜康市"].startswith("一致") or a3["阜康市"].startswith("不一致"), a3["阜康市"])
check(f"第 {seqf} 号，迟报）" in a3["阜康市"], f"the late hand-in's table is 迟报: {a3['阜康市']}")

# 玛纳斯县's late table, covered by an extension to 07-10 agreed earlier and recorded now
# (`extend --backdate`): on time as of the new deadline, as the task and `status` say; the
# 核对, as printed, no longer says 迟报
st.ok("extend", T3.format("manas-county"), "--to", "2017-07-10", "--by", "支队长", "--reason",
      "7月4日已同意延期", "--backdate")
a3 = {r["jurisdiction"]: r["check"] for r in
      json.loads(st.ok("report", "annex3", "--month", "2017-06", "--format", "json"))}
eq(a3["玛纳斯县"], f"一致（王科长，第 {seqm} 号）", "made on time by a back-dated extension")
done("a correction after an on-time hand-in is not 迟报; an omission it corrected is said")
