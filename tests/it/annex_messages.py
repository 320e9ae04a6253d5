"""What the detachment is told when a county's table or a report's month is wrong (review 12c,
L4 and L9): a report of a month that has not begun is refused naming the month in progress,
not printed as today's figures under September's name; an Annex 3 row with too few or too
many fields is named as the row, with the column where it ends; a line break typed in a
cell says so in the form's terms; a file whose name is not UTF-8 is told to rename the file,
not to fix a terminal.

The Changji plan and registry on a virtual clock at 2017-07-10 12:00 +08:00 (July in
progress, June the last month ended)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

A3HEAD = ("县市、园区,超标企业基数（家）,限期整改（家）,挂牌督办（家）,淘汰关闭（家）,"
          "已完成清理（家）,整治中（家）,未启动（家）,逾期未完成（家）,完成率（%）")

st = Store()
st.changji("2017-07-10T12:00:00+08:00")

# L4: August and September have not begun on 07-10: refused, naming July (in progress) and
# June (the last ended); July itself is a table as of now; nothing else differs by report
for rep in ("annex3", "annex4"):
    for month in ("2017-08", "2017-09", "2018-01"):
        rc, out, err = st.run("report", rep, "--month", month)
        eq(rc, 65, f"{rep} --month {month}: refused: {out[:200]}{err}")
        check(f"--month {month} has not begun (the store's clock is 2017-07-10 12:00 +08:00)"
              in err, f"{rep} {month}: says it has not begun and when now is: {err}")
        check("the month in progress is 2017-07" in err and "the last ended 2017-06" in err,
              f"{rep} {month}: names the months that have tables: {err}")
        eq(out, "", f"{rep} {month}: no table printed")
out = st.ok("report", "annex3", "--month", "2017-07")
check("统计口径：2017-07 尚未结束" in out, "July, in progress: a table as of now, said so")
rc, out, err = st.run("report", "annex3", "--month", "2017-09", "--format", "xlsx", "--out",
                      st.path("sep.xlsx"))
eq((rc, os.path.exists(st.path("sep.xlsx"))), (65, False), "no workbook of September either")



def refused(name, body):
    """Imports a June Annex 3 of 呼图壁县 whose data rows are body: refused (65), its message."""
    path = st.write(name, f"{A3HEAD}\n{body}")
    rc, out, err = st.run("import-annex", path, "--jurisdiction", "hutubi-county", "--month",
                          "2017-06", "--by", "王明")
    eq(rc, 65, f"{name}: refused: {out}{err}")
    return path, err


# L9: a row with too few fields is a fault of the row, ending at its eighth column
few, err = refused("few.csv", "呼图壁县,3,3,0,0,0,0,3\n")
check(err.startswith(f"{few}:2:") and "row 1: 8 fields, but the header has 10 columns: the "
      "row ends at column '未启动（家）'" in err, f"too few: the row, and where it ends: {err}")
check("'县市、园区'" not in err, f"not blamed on the first column: {err}")
_, err = refused("many.csv", "呼图壁县,3,3,0,0,0,0,3,0,,7,8\n")
check("row 1: 12 fields, but the header has 10 columns: data beyond the last column "
      "'完成率（%）'" in err, f"too many: the row, and past which column: {err}")

# a line break typed in a cell (Alt+Enter): 呼图 + LF + 壁县, the break at character 3
_, err = refused("lf.csv", '"呼图\n壁县",3,3,0,0,0,0,3,0,\n')
check("row 1, column '县市、园区': a line break inside the cell at character 3 "
      "(Alt+Enter in the spreadsheet?)" in err, f"said in the form's terms: {err}")
check("free attribute" not in err, f"not the registry's hint: {err}")

# a file named on a GBK system: 福 is b8 a3 in GBK; the name is not UTF-8
good = f"{A3HEAD}\n呼图壁县,3,3,0,0,0,0,3,0,\n".encode()
gbk_name = os.path.join(st.root.encode(), b"\xb8\xa3.csv")
with open(gbk_name, "wb") as fh:
    fh.write(good)
rc, out, err = st.run_bytes_args(b"import-annex", gbk_name, b"--jurisdiction", b"hutubi-county",
                                 b"--month", b"2017-06", b"--by", "王明".encode())
err = err.decode("utf-8", "replace")
eq(rc, 64, f"a GBK file name: {err}")
check("is not UTF-8 text" in err and "rename the file" in err, f"told to rename it: {err}")
check("terminal" not in err, f"not told to fix the terminal: {err}")
# a GBK --by still is a terminal's fault
rc, out, err = st.run_bytes_args(b"import-annex", few.encode(), b"--jurisdiction",
                                 b"hutubi-county", b"--month", b"2017-06", b"--by", b"\xb8\xa3")
err = err.decode("utf-8", "replace")
eq(rc, 64, f"a GBK --by: {err}")
check("set the terminal or SSH client to UTF-8" in err, f"--by: the terminal: {err}")
done("report months not begun refused; a county's table's faults said in its terms")
