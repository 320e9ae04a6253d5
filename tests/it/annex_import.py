"""`dabiao import-annex`: a county's own Annex 3 / Annex 4 (the form, filled in, saved as CSV)
is checked, recorded against its task as one audit record, and shown beside dabiao's figures
in `report annex3/annex4` and the monthly dispatch (issue 12, item 11; review G1).

The Changji plan and registry on a virtual clock at 2017-07-03: no enterprise has been acted
on, so every clean-up task is still in its initial state (未启动). 呼图壁县 (hutubi-county)
has three listed enterprises, all 限期整改: 91652323MA77AQUU8C, 91652323MA7TW6PQ90 and
91652323MA7YF613X1 (changji-registry.yaml), so dabiao's June row for it is 基数 3, 限期整改 3,
挂牌督办 0, 淘汰关闭 0, 已完成 0, 整治中 0, 未启动 3, 逾期 0. June's Annex 3 is the task
monthly-summary/<county>/2017-07 (due 07-05, covers: previous); the registry has nine
jurisdictions."""
import hashlib
import io
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, src  # noqa: E402
import openpyxl  # noqa: E402

A3HEAD = ("县市、园区,超标企业基数（家）,限期整改（家）,挂牌督办（家）,淘汰关闭（家）,"
          "已完成清理（家）,整治中（家）,未启动（家）,逾期未完成（家）,完成率（%）")
A4HEAD = ("序号,县市、园区,企业名称,统一社会信用代码,行业,主要污染物,超标原因,清理措施,整改时限,"
          "月末状态,完成日期,责任单位,责任人")
TASK3 = "changji-2017/monthly-summary/hutubi-county/2017-07"
TASK4 = "changji-2017/bimonthly-detail/hutubi-county/2017-07"
E1, E2, E3 = "91652323MA77AQUU8C", "91652323MA7TW6PQ90", "91652323MA7YF613X1"


def credit_code(first17):
    """GB 32100-2015: the check character over the first 17 (weights 3^i mod 31)."""
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    s = sum(chars.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return first17 + chars[(31 - s % 31) % 31]


NEW = credit_code("91652323MA7ABCDE1")   # an enterprise the registry does not list

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
st.ok("load", src("workflows", "changji-2017.yaml"))
st.ok("import", src("workflows", "changji-registry.yaml"))
st.ok("advance", "--to", "2017-07-03T10:00:00+08:00")


def annex3(month):
    return {r["jurisdiction"]: r for r in
            json.loads(st.ok("report", "annex3", "--month", month, "--format", "json"))}


records = st.records


def last_annex():
    """The latest annex.report record (a task.submit may follow it: the table is the hand-in)."""
    return [r for r in records() if r["action"] == "annex.report"][-1]


a3 = annex3("2017-06")
eq(len(a3), 10, "nine jurisdictions and the total")
# June's tables are due 07-05 24:00: on 07-03 none is late yet (review 12c, L4: they read 未报送)
eq({r["check"] for k, r in a3.items() if k != "合计"}, {"未到报送期限"},
   "June's tables are not due yet and none is reported")
eq(a3["呼图壁县"]["reported_base"], None, "no county base number yet")
eq(a3["合计"]["check"], "0个不一致，0个未报送，9个未到报送期限",
   "the total says how many are missing and how many not due yet")
eq({r["check"] for r in annex3("2017-05").values()}, {"—"},
   "May: no table covering May is owed (the first is due 07-05), nothing to compare")

# the county's form, saved as CSV by a spreadsheet: BOM, CRLF, the title row above the
# header, an empty row and the 填报单位 line under the table
FORM = ("\ufeff全州10个行业超标企业清理汇总表（2017年6月）,,,,,,,,,\r\n" + A3HEAD + "\r\n"
        "呼图壁县,{},,,,,,,,\r\n,,,,,,,,,\r\n填报单位（盖章）：呼图壁县环境保护局,,,,,,,,,\r\n")


def form(figures):
    return FORM.replace("{},,,,,,,,", figures)


f1 = st.write("hutubi-06.csv", form("2,2,0,0,0,1,1,0,"))
n0 = len(records())
out = st.ok("import-annex", f1, "--jurisdiction", "hutubi-county", "--month", "2017-06",
            "--by", "王科长")
check(TASK3 in out, f"recorded against June's Annex 3 task: {out}")
recs = records()
eq(len(recs), n0 + 2, "two audit records: the table, then the hand-in it is")
r = recs[-2]
eq((r["action"], r["task"], r["subject"]), ("annex.report", TASK3, "hutubi-county"),
   "an annex.report record of the task")
d = json.loads(r["details"])
eq(d["rows"], "呼图壁县\t2\t2\t0\t0\t0\t1\t1\t0\n", "the row as the reports read it")
with open(f1, "rb") as fh:
    eq(d["file_sha256"], hashlib.sha256(fh.read()).hexdigest(), "the file's sha256")
eq((d["form"], d["month"], d["by"], d["file"]), ("annex3", "2017-06", "王科长", "hutubi-06.csv"),
   "form, month, who and which file")
a3 = annex3("2017-06")
eq(a3["呼图壁县"]["reported_base"], 2, "the county's base number beside dabiao's")
eq(a3["呼图壁县"]["base"], 3, "dabiao's own base number unchanged")
eq(a3["呼图壁县"]["check"],
   f"不一致：基数 县报2/核算3；限期整改 县报2/核算3；整治中 县报1/核算0；未启动 县报1/核算3"
   f"（王科长，第 {r['seq']} 号）", "every differing figure is named")
eq(a3["合计"]["reported_base"], 2, "total of the reported base numbers")
eq(a3["合计"]["check"], "1个不一致，0个未报送，8个未到报送期限", "one differs, eight not due yet")
text = st.ok("report", "annex3", "--month", "2017-06")
check("不一致：基数 县报2/核算3" in text, "the text table shows 核对 too")
by_ind = json.loads(st.ok("report", "annex3", "--month", "2017-06", "--by", "industry",
                          "--format", "json"))
check("check" not in by_ind[0], "by industry: no county column (counties report by jurisdiction)")

# a corrected table replaces the first in the reports; a flag on the task marks the figure
f2 = st.write("hutubi-06b.csv", form("3,3,0,0,0,0,3,0,0.0"))
st.ok("import-annex", f2, "--jurisdiction", "hutubi-county", "--month", "2017-06", "--by",
      "王科长")
seq2 = last_annex()["seq"]
# the same file again is the table on record (review 12c, L6): said so, nothing recorded
n1 = len(records())
out = st.ok("import-annex", f2, "--jurisdiction", "hutubi-county", "--month", "2017-06", "--by",
            "王科长")
check(f"as the Annex 3 of hutubi-county for 2017-06 on record (audit record {seq2}" in out
      and "nothing recorded" in out, f"the same file: {out}")
eq(len(records()), n1, "no second record of the same table")
# the later table agrees, and says what the one it corrected said (review12z, Z7)
CORR = f"；第 {r['seq']} 号所报基数 2、限期整改 2、整治中 1、未启动 1，已更正"
eq(annex3("2017-06")["呼图壁县"]["check"], f"一致（王科长，第 {seq2} 号{CORR}）",
   "the later table agrees")
st.ok("flag", TASK3, "--kind", "concealed", "--by", "监测监察科", "--reason", "瞒报超标企业1家")
seqf = [x for x in records() if x["action"] == "task.flag"][-1]["seq"]
eq(annex3("2017-06")["呼图壁县"]["check"],
   f"一致（王科长，第 {seq2} 号{CORR}）；瞒报（监测监察科 认定，第 {seqf} 号）", "the flag marks it")

# bad files: the first bad row or field named, exit 65, nothing recorded
n0 = len(records())
BAD = [
    # line 3 of the file (the title row, the header), column 6: after "呼图壁县,"
    ("sum", form("3,3,0,0,0,1,1,0,"), "bad-sum.csv:3:6:", "超标企业基数 3 is not 已完成清理 + 整治中 + 未启动 + "
     "逾期未完成 = 0 + 1 + 1 + 0 = 2"),
    ("measures", form("2,2,1,0,0,1,1,0,"), "row 1, column '限期整改（家）'",
     "限期整改 + 挂牌督办 + 淘汰关闭 = 3 is more than 超标企业基数 2"),
    ("word", form("三,3,0,0,0,0,3,0,"), "row 1, column '超标企业基数（家）'",
     "'三' is not a whole number"),
    ("county", form("3,3,0,0,0,0,3,0,").replace("呼图壁县,3", "阜康市,3"),
     "row 1, column '县市、园区'", "'阜康市' is not 呼图壁县"),
    ("column", form("3,3,0,0,0,0,3,0,").replace("挂牌督办（家）,淘汰关闭（家）",
                                                "淘汰关闭（家）,挂牌督办（家）"),
     "header, column 4", "expected column '挂牌督办（家）', found '淘汰关闭（家）'"),
    ("noheader", "呼图壁县,3,3,0,0,0,0,3,0\n", "1:1", "no header row"),
    # the second row named at its own line (3), not at the row or line after it
    ("tworows", A3HEAD + "\n呼图壁县,3,3,0,0,0,0,3,0,\n呼图壁县,3,3,0,0,0,0,3,0,\n\n",
     "bad-tworows.csv:3:1:", "row 2, column '县市、园区': a second row: Annex 3 holds one row"),
    # a blank row does not end the table: the row after it is read (and is a second row)
    ("blankrow", A3HEAD + "\n呼图壁县,3,3,0,0,0,0,3,0,\n,,,,,,,,,\n呼图壁县,3,3,0,0,0,0,3,0,\n",
     "bad-blankrow.csv:4:1:", "a second row"),
    ("control", form("3,3,0,0,0,0,3,0,").replace("呼图壁县,3", "呼图壁县\x1b,3"), "row 1",
     "control character"),
    # a European list separator (review 12c, L9): said so at the header's line (2), with what
    # to change, not "text after the closing quote"
    ("semicolon", "全州汇总表（2017年6月）\n" + A3HEAD.replace(",", ";") + "\n呼图壁县;3;3;0;0;0;0;3;0;\n",
     "bad-semicolon.csv:2:1:", "separated by ';', not ','"),
]
for name, body, where, what in BAD:
    f = st.write(f"bad-{name}.csv", body)
    rc, _, err = st.run("import-annex", f, "--jurisdiction", "hutubi-county", "--month", "2017-06",
                        "--by", "王科长")
    eq(rc, 65, f"{name}: refused as bad data: {err}")
    check(where in err and what in err, f"{name}: says where and what: {err}")
    check(err.startswith(f"{f}:") or "bad-" in err, f"{name}: names the file: {err}")
gbk = st.path("gbk.csv")
with open(gbk, "wb") as fh:
    fh.write((A3HEAD + "\n呼图壁县,3,3,0,0,0,0,3,0,\n").encode("gbk"))
rc, _, err = st.run("import-annex", gbk, "--jurisdiction", "hutubi-county", "--month", "2017-06",
                    "--by", "王科长")
eq(rc, 65, f"a GBK file is refused: {err}")
check("CSV UTF-8" in err, f"with the way to save it: {err}")
may = st.write("hutubi-05.csv", form("3,3,0,0,0,0,3,0,").replace("2017年6月", "2017年5月"))
rc, _, err = st.run("import-annex", may, "--jurisdiction", "hutubi-county", "--month", "2017-05",
                    "--by", "王科长")
eq(rc, 65, f"May: no task hands in a table covering May: {err}")
check("changji-2017/monthly-summary/hutubi-county/2017-06" in err, f"names the task: {err}")
rc, _, err = st.run("import-annex", f2, "--jurisdiction", "nowhere", "--month", "2017-06",
                    "--by", "王科长")
eq(rc, 64, f"an unknown jurisdiction is a usage error (F14): {err}")
for args, what in (((f2, "--jurisdiction", "hutubi-county", "--month", "2017-06"), "no --by"),
                   ((f2, "--jurisdiction", "hutubi-county", "--month", "2017-6", "--by", "王"),
                    "a bad month")):
    rc, _, err = st.run("import-annex", *args)
    eq(rc, 64, f"{what} is a usage error: {err}")
# --month against the period the form states (review 12c, N4): June's form (title
# "…（2017年6月）", line 1) given as July's is refused at its title; so is a table of a month
# not ended (the clock is at 07-03: July is not over), even with no period stated
rc, _, err = st.run("import-annex", f2, "--jurisdiction", "hutubi-county", "--month", "2017-07",
                    "--by", "王科长", "--dry-run")
eq(rc, 65, f"June's form as July's: refused: {err}")
check(f"{f2}:1:1:" in err and "2017年6月" in err and "--month is 2017-07" in err,
      f"naming the title's line and both months: {err}")
notitle = st.write("notitle.csv", A3HEAD + "\n呼图壁县,3,3,0,0,0,0,3,0,\n")
rc, _, err = st.run("import-annex", notitle, "--jurisdiction", "hutubi-county", "--month",
                    "2017-07", "--by", "王科长")
eq(rc, 65, f"July has not ended on 07-03: {err}")
check("2017-07 has not ended" in err, f"said so: {err}")
# the 填表说明 line states it too (a two-month Annex 4: its last month); line 4 here
note4 = st.write("note4.csv", A4HEAD + "\n" + (
    f"1,呼图壁县,呼图壁瑞达水泥有限公司（样例数据）,{E1},水泥,颗粒物,原因,限期整改,2017-07-31,整治中,,"
    "呼图壁县环境保护局,李强\n\n填表说明：本表填写2017年4—5月的情况，加盖公章后于2017年6月5日"
    "（星期一）24时前报送州环境监察支队。,,,,,,,,,,,,\n"))
rc, _, err = st.run("import-annex", note4, "--jurisdiction", "hutubi-county", "--month",
                    "2017-06", "--by", "王科长")
eq(rc, 65, f"a 填表说明 of April–May given as May–June: refused: {err}")
check(f"{note4}:4:1:" in err and "2017年5月" in err, f"at the 填表说明 line: {err}")
rc, out, err = st.run("import-annex", f2, "--jurisdiction", "hutubi-county", "--month",
                      "2017-06", "--by", "王科长", "--dry-run")
eq(rc, 0, f"a dry run of a good file: {err}")
eq(len(records()), n0, "nothing recorded by any of these")

# Annex 4: E1 reported in another state, E2 as dabiao has it, E3 left out, NEW only the
# county's
rows4 = [A4HEAD,
         f"1,呼图壁县,呼图壁瑞达水泥有限公司（样例数据）,{E1},水泥,颗粒物,原因,限期整改,2017-07-31,"
         "整治中,,呼图壁县环境保护局,李强",
         f"2,呼图壁县,呼图壁天山钢铁有限公司（样例数据）,{E2},钢铁,颗粒物,原因,限期整改,2017-09-15,"
         "未启动,,呼图壁县环境保护局,李强",
         f"3,呼图壁县,呼图壁新发现化工有限公司（样例）,{NEW},钢铁,颗粒物,原因,限期整改,2017-10-31,"
         "未启动,,呼图壁县环境保护局,李强"]
f4 = st.write("hutubi-a4.csv", "\n".join(rows4) + "\n")
st.ok("import-annex", f4, "--jurisdiction", "hutubi-county", "--month", "2017-06", "--by", "王科长")
seq4 = last_annex()["seq"]
eq(last_annex()["task"], TASK4, "Annex 4 of May–June: the task due 07-05")
a4 = [x for x in json.loads(st.ok("report", "annex4", "--month", "2017-06", "--format", "json"))
      if x["jurisdiction"] == "呼图壁县"]
got = {x["credit_code"]: x["check"] for x in a4}
eq(got, {E1: f"不一致：月末状态 县报“整治中”/核算“未启动”（第 {seq4} 号）",
         E2: f"一致（第 {seq4} 号）",
         E3: f"县市报送的明细表无此企业（第 {seq4} 号）",
         NEW: f"县市报送，名录中无此企业（第 {seq4} 号）"}, "each enterprise checked")
# rows the registry places elsewhere (review 12c, L1): 玛纳斯县's listed 91652324MA7FM1Q87N
# and 呼图壁县's own 91652323MA79UP7UXD, which the clean-up does not list, are not "not in
# the list": the 核对 says whose enterprise it is, or that it is not one to clean up
MANAS, UNLISTED = "91652324MA7FM1Q87N", "91652323MA79UP7UXD"
rows4b = rows4 + [
    f"4,呼图壁县,玛纳斯明珠棉浆粕有限公司（样例数据）,{MANAS},棉浆粕,COD,原因,限期整改,2017-07-31,"
    "整治中,,呼图壁县环境保护局,李强",
    f"5,呼图壁县,呼图壁润泽棉浆粕有限公司（样例数据）,{UNLISTED},棉浆粕,COD,原因,,,已完成,,"
    "呼图壁县环境保护局,吴娜"]
st.ok("import-annex", st.write("hutubi-a4b.csv", "\n".join(rows4b) + "\n"), "--jurisdiction",
      "hutubi-county", "--month", "2017-06", "--by", "王科长")
seq4b = last_annex()["seq"]
got = {x["credit_code"]: x["check"] for x in json.loads(st.ok(
    "report", "annex4", "--month", "2017-06", "--format", "json")) if x["jurisdiction"] == "呼图壁县"}
eq({k: got.get(k) for k in (NEW, MANAS, UNLISTED)},
   {NEW: f"县市报送，名录中无此企业（第 {seq4b} 号）",
    MANAS: f"县市报送，名录中为玛纳斯县的企业（第 {seq4b} 号）",
    UNLISTED: f"县市报送，名录中此企业未列入清理（第 {seq4b} 号）"}, "each said as the registry has it")
fk = [x["check"] for x in json.loads(st.ok("report", "annex4", "--month", "2017-06", "--format",
                                           "json")) if x["jurisdiction"] == "阜康市"]
eq(set(fk), {"未到报送期限"}, "阜康市 has not reported its Annex 4, due 07-05")
n0 = len(records())
for name, old, new, what in (
        ("code", E2, E2[:-1] + ("0" if E2[-1] != "0" else "1"), "is not a unified social credit code"),
        ("twice", NEW, E1, f"enterprise {E1} is listed twice (first in row 1)"),
        ("state", ",整治中,", ",在整改,", "月末状态 is one of"),
        # 2017-9-15 is read (annex_dates.py); one that is no date is refused
        ("date", "2017-09-15", "2017-9-31", "'2017-9-31' is no such day")):
    f = st.write(f"bad4-{name}.csv", "\n".join(rows4).replace(old, new, 1) + "\n")
    rc, _, err = st.run("import-annex", f, "--jurisdiction", "hutubi-county", "--month",
                        "2017-06", "--by", "王科长")
    eq(rc, 65, f"Annex 4 {name}: refused: {err}")
    check(what in err, f"Annex 4 {name}: says what: {err}")
# a code listed twice far apart (rows 1 and 300 of 300): named with its first row, at line
# 301 (the header is line 1), column 16 ("300," 4 + "呼图壁县," 5 + "企业300," 6 characters)
far = [rows4[0]] + [f"{i},呼图壁县,企业{i},{credit_code(f'91652323MA{i:07d}')},钢铁,颗粒物,原因,"
                    "限期整改,2017-07-31,整治中,,呼图壁县环境保护局,李强" for i in range(1, 300)]
far.append(far[1].replace("1,呼图壁县,企业1,", "300,呼图壁县,企业300,", 1))
f = st.write("bad4-far.csv", "\n".join(far) + "\n")
rc, _, err = st.run("import-annex", f, "--jurisdiction", "hutubi-county", "--month", "2017-06",
                    "--by", "王科长", "--dry-run")
eq(rc, 65, f"a code in rows 1 and 300: refused: {err}")
check(f"{f}:301:16:" in err and "row 300, column '统一社会信用代码'" in err
      and "is listed twice (first in row 1)" in err, f"at row 300, naming row 1: {err}")
# a file over 16 MiB (the cap, about 90,000 Annex 4 rows) is no county's form: refused
# before it is read, saying the cap and what to check
big = st.path("huge-a4.csv")
with open(big, "w", encoding="utf-8") as fh:
    fh.write(A4HEAD + "\n" + "#" * (16 * 1024 * 1024) + "\n")
rc, _, err = st.run("import-annex", big, "--jurisdiction", "hutubi-county", "--month", "2017-06",
                    "--by", "王科长")
eq(rc, 65, f"a file over 16 MiB: refused as data: {err}")
check("larger than 16 MiB" in err and "one sheet of the form" in err,
      f"saying the cap and the remedy: {err}")
os.remove(big)
# blank rows among the enterprises (an empty one, one of spaces) are skipped, not the table's
# end: all three rows are read, up to the form's lines
blanky = [rows4[0], rows4[1], ",,,,,,,,,,,,", rows4[2], " , ,,,,,,,,,,,", rows4[3], "",
          "填报单位（盖章）：呼图壁县环境保护局,,,,,,,,,,,,", "填报人：王明　审核人：李华,,,,,,,,,,,,"]
out = st.ok("import-annex", st.write("blank4.csv", "\n".join(blanky) + "\n"), "--jurisdiction",
            "hutubi-county", "--month", "2017-06", "--by", "王科长", "--dry-run")
check("(3 rows" in out, f"the rows after the blank rows are read: {out}")
eq(len(records()), n0, "a dry run records nothing")
# a row with data under the form's lines would be dropped unseen: refused, at its line (6:
# header 1, rows 1-2 on lines 2-3, blank 4, 填报单位 5), as the table's third row
after = rows4[:3] + ["", "填报单位（盖章）：呼图壁县环境保护局", rows4[3]]
f = st.write("bad4-after.csv", "\n".join(after) + "\n")
rc, _, err = st.run("import-annex", f, "--jurisdiction", "hutubi-county", "--month", "2017-06",
                    "--by", "王科长")
eq(rc, 65, f"a data row under the form's lines: refused: {err}")
check(f"{f}:6:1:" in err and "row 3, column '序号'" in err and "(from line 5)" in err,
      f"naming its line, row and field, and where the table ended: {err}")
# an old .xls (OLE) is said to be one, with how to save it, exit 65 (an .xlsx is read:
# tests/it/annex_xlsx.py)
xls = st.write("hutubi-a4.xls", "")
with open(xls, "wb") as fh:
    fh.write(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
rc, _, err = st.run("import-annex", xls, "--jurisdiction", "hutubi-county", "--month",
                    "2017-06", "--by", "王科长")
eq(rc, 65, f"an old-format workbook is refused as data: {err}")
check("old-format workbook (.xls" in err and '"CSV UTF-8"' in err and "NUL" not in err,
      f"saying what it is and how to save it: {err}")
eq(len(records()), n0, "nothing recorded")
st.ok("audit", "verify")

# 阜康市 (fukang-city) lists three enterprises, all 限期整改, due 2017-08-31, 08-15 and
# 06-30: at June's end (06-30 24:00) all three are 未启动; the third lapses at 07-01 00:00,
# so on 07-10 dabiao counts 未启动 2, 逾期 1. Its June table reports June's end exactly.
FORM_FK = form("3,3,0,0,0,0,3,0,").replace("呼图壁县", "阜康市")
st.ok("import-annex", st.write("fukang-06.csv", FORM_FK), "--jurisdiction", "fukang-city",
      "--month", "2017-06", "--by", "赵")
seqfk = last_annex()["seq"]
# the dispatch of 07-10: the county's own base number beside dabiao's, in text and workbook
st.ok("advance", "--to", "2017-07-10T10:00:00+08:00")
eq(annex3("2017-06")["阜康市"]["check"], f"一致（赵，第 {seqfk} 号）",
   "June's table agrees with June's end")
# on 07-10 June's tables are past their deadline: a county that sent none is 未报送; July's,
# due 08-07, are not due yet
a3 = annex3("2017-06")
eq((a3["昌吉市"]["check"], a3["合计"]["check"]), ("未报送", "0个不一致，7个未报送"),
   "June's missing tables, past due")
eq({r["check"] for k, r in annex3("2017-07").items() if k != "合计"}, {"未到报送期限"},
   "July's tables, not due before 08-07")
disp = [m for m in st.mails() if m["X-Dabiao-Kind"] == "dispatch"
        and str(m["Date"]).startswith("Mon, 10 Jul 2017")]
eq(len(disp), 1, "the July dispatch")
body = disp[0].get_body(preferencelist=("plain",)).get_content()
check("呼图壁县：名录基数 3 家（县市报送基数 3 家）" in body, f"呼图壁县's own base: {body}")
import re  # noqa: E402
check(re.search(r"昌吉市：名录基数 \d+ 家（本月汇总表未报送）", body),
      f"昌吉市 has not reported: {body}")
# judged as `report annex3 --month 2017-06` judges it (review 12c, N2): agreeing, and no
# 不一致 beside a base number that agrees; the dispatch's own figures are 07-10's
check("阜康市：名录基数 3 家（县市报送基数 3 家），已完成 0 家，整治中 0 家，未启动 2 家，逾期 1 家"
      in body, f"阜康市 agrees with June's end, beside 07-10's figures: {body}")
check("不一致" not in body, f"no county is called inconsistent: {body}")
att = [p for p in disp[0].iter_attachments() if p.get_filename().endswith(".xlsx")]
eq(len(att), 1, "the workbook")
ws = openpyxl.load_workbook(io.BytesIO(att[0].get_content())).worksheets[0]
head = [c.value for c in ws[2]]
eq(head[10:12], ["县市报送基数（家）", "核对"], "the workbook has the county's columns")
row = [r for r in ws.iter_rows(min_row=3, values_only=True) if r[0] == "呼图壁县"][0]
eq(row[10], 3, "呼图壁县's reported base in the workbook")
check(str(row[11]).startswith("一致"), f"and its 核对: {row[11]}")
fk = [r for r in ws.iter_rows(min_row=3, values_only=True) if r[0] == "阜康市"][0]
eq((fk[7], fk[8], fk[10], fk[11]), (2, 1, 3, f"一致（赵，第 {seqfk} 号）"),
   "阜康市: 07-10's 未启动 2, 逾期 1 beside its June table, judged against June's end")
# a table handed in late (review 12c, L3): 玛纳斯县's June table, due 07-05 24:00, recorded
# on 07-10; June's table gets it in its county columns after the fact, and says so: 迟报
# after the record's number, and a note that these columns are as printed, not replayed
st.ok("import-annex", st.write("manas-06.csv", form("1,1,0,0,0,0,1,0,").replace(
    "呼图壁县", "玛纳斯县")), "--jurisdiction", "manas-county", "--month", "2017-06", "--by", "刘")
seqm = last_annex()["seq"]
ck = annex3("2017-06")["玛纳斯县"]["check"]
check(ck.endswith(f"（刘，第 {seqm} 号，迟报）"), f"late: said after its number: {ck}")
eq(annex3("2017-06")["阜康市"]["check"], f"一致（赵，第 {seqfk} 号）", "on time: no 迟报")
text = st.ok("report", "annex3", "--month", "2017-06")
check("县市报送栏为打印时各县市最新报送的表及问责标记（迟于截止时间报送的注“迟报”），不随月末重算"
      in text, f"the note says the county columns are as printed: {text[-400:]}")
text = st.ok("report", "annex3", "--month", "2017-06", "--by", "industry")
check("县市报送栏" not in text, "by industry: no county columns, no such note")
# 呼图壁县 renamed in the registry after June (review 12c, L2): the June form it was sent says
# 呼图壁县, the name at June's end, and is taken; the new name too; any other is refused
with open(src("workflows", "changji-registry.yaml"), encoding="utf-8") as fh:
    reg2 = fh.read().replace("    name: 呼图壁县\n", "    name: 呼图壁县（新）\n", 1)
st.ok("import", st.write("registry-renamed.yaml", reg2))
for name, rc_want in (("呼图壁县", 0), ("呼图壁县（新）", 0), ("玛纳斯县", 65)):
    rc, out, err = st.run("import-annex", st.write("renamed.csv", form("3,3,0,0,0,0,3,0,").replace(
        "呼图壁县", name)), "--jurisdiction", "hutubi-county", "--month", "2017-06", "--by",
        "王科长", "--dry-run")
    eq(rc, rc_want, f"a June form naming {name}: {out}{err}")
check("'玛纳斯县' is not 呼图壁县（新）" in err, f"the refusal names the current name: {err}")
done("import-annex: checked, recorded, shown beside dabiao's figures")
