"""`import-annex` of a workbook of several sheets reads the sheet of the table, chosen
deliberately, never the first one silently (review of issue 12, H3): a county keeps one
sheet per month and saves the workbook with another month's sheet active. The only visible
sheet holding values is read (Excel's blank Sheet2, Sheet3 are passed over); of several,
the one whose name (6月, 2017年6月, 2017-06) or title states --month; none or several is
refused (65) naming the sheets and asking which (`--sheet NAME`), and nothing is recorded.

The Changji plan and registry on a virtual clock at 2017-07-03. 呼图壁县 (hutubi-county)
has three listed enterprises, all 限期整改 and 未启动 at the end of June: dabiao's June
row for it is 基数 3, 限期整改 3, 未启动 3. Workbooks are built with openpyxl."""
import json
import os
import sys

import openpyxl

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402

A3HEAD = ["县市、园区", "超标企业基数（家）", "限期整改（家）", "挂牌督办（家）", "淘汰关闭（家）",
          "已完成清理（家）", "整治中（家）", "未启动（家）", "逾期未完成（家）", "完成率（%）"]
TASK = "changji-2017/monthly-summary/hutubi-county/2017-07"

st = Store()
st.changji("2017-07-03T10:00:00+08:00")


def sheet_rows(base, title=None):
    rows = [[title]] if title else []
    return rows + [A3HEAD, ["呼图壁县", base, base, 0, 0, 0, 0, base, 0, None]]


def workbook(name, sheets, active, hidden=()):
    """sheets: (title, rows) in order; active: the index of the sheet shown when opened."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
        if title in hidden:
            ws.sheet_state = "hidden"
    wb.active = active
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == sheets[active][0]
    p = st.path(name)
    wb.save(p)
    return p


def imp(path, *more, month="2017-06"):
    return st.run("import-annex", path, "--jurisdiction", "hutubi-county", "--month", month,
                  "--by", "王科长", *more)


def tables():
    return [r for r in st.records() if r["action"] == "annex.report" and r["task"] == TASK]


def reported_base():
    return json.loads(tables()[-1]["details"])["rows"].split("\t")[1]


# one sheet a month, no titles, saved with July's sheet active: June's sheet is read
f = workbook("months.xlsx", [("5月", sheet_rows(2)), ("6月", sheet_rows(3)),
                             ("7月", sheet_rows(1))], active=2)
rc, out, err = imp(f)
eq(rc, 0, f"June's sheet found by its name: {err}")
eq(reported_base(), "3", "the figures of sheet 6月 are recorded, not 5月's (the first)")
a3 = {r["jurisdiction"]: r["check"] for r in
      json.loads(st.ok("report", "annex3", "--month", "2017-06", "--format", "json"))}
check(a3["呼图壁县"].startswith("一致"), f"and agree with dabiao's June: {a3['呼图壁县']}")
n = len(tables())

# sheets named otherwise, their titles stating the month as the form does
f = workbook("titled.xlsx", [("甲", sheet_rows(2, "全州10个行业超标企业清理汇总表（2017年5月）")),
                             ("乙", sheet_rows(4, "全州10个行业超标企业清理汇总表（2017年6月）"))],
             active=0)
rc, out, err = imp(f, "--dry-run")
eq(rc, 0, f"June's sheet found by its title: {err}")

# neither names June: refused, naming the sheets and asking which; nothing recorded
f = workbook("plain.xlsx", [("Sheet1", sheet_rows(2)), ("Sheet2", sheet_rows(3))], active=1)
rc, out, err = imp(f)
eq(rc, 65, f"two tables, neither naming June: refused: {err}")
check("'Sheet1', 'Sheet2'" in err and "--sheet" in err and "2017-06" in err,
      f"the sheets named, and how to say which: {err}")
eq(len(tables()), n, "nothing recorded")
# two sheets naming June: refused the same way
f2 = workbook("twice.xlsx", [("6月", sheet_rows(2)), ("2017-06", sheet_rows(3))], active=0)
rc, out, err = imp(f2)
eq(rc, 65, f"two sheets naming June: refused: {err}")
check("several" in err and "'6月', '2017-06'" in err, f"both named: {err}")
# --sheet says which
rc, out, err = imp(f, "--sheet", "Sheet2")
eq(rc, 0, f"--sheet Sheet2: {err}")
eq(reported_base(), "3", "the sheet named by --sheet is read")
rc, out, err = imp(f, "--sheet", "Sheet9", "--dry-run")
eq(rc, 65, f"no such sheet: {err}")
check("no sheet 'Sheet9'" in err and "'Sheet1', 'Sheet2'" in err, f"the sheets named: {err}")

# a form and Excel's blank sheets: the form is read, whatever is active; a hidden sheet
# holding values does not count
f = workbook("blank.xlsx", [("Sheet3", []), ("附件3", sheet_rows(3)), ("Sheet2", []),
                            ("old", sheet_rows(9))], active=0, hidden=("old",))
rc, out, err = imp(f, "--dry-run")
eq(rc, 0, f"the one sheet with values is read: {err}")
check("1 row" in out, f"its row: {out}")
# the only sheet, named for July, its title rows gone (review12z, Z9): it was read as June's
# table; now refused, saying what the name says, and nothing recorded
n = len(tables())
for name in ("7月", "2017-07", "2017年7月报表"):
    f = workbook(f"only-{name}.xlsx", [(name, sheet_rows(3))], active=0)
    rc, out, err = imp(f)
    eq(rc, 65, f"sheet '{name}' given as June: refused: {err}")
    check(f"sheet '{name}' is named for" in err and "7月" in err and "--month is 2017-06" in err,
          f"the sheet's name and the month it names said: {err}")
eq(len(tables()), n, "nothing recorded")
# --sheet says the officer has read it: June's table named for the month it was handed in
rc, out, err = imp(st.path("only-7月.xlsx"), "--sheet", "7月", "--dry-run")
eq(rc, 0, f"--sheet 7月 chooses it knowingly: {err}")
# a name naming June, or no month, is no fault
for name in ("6月", "附件3", "Sheet1", "2017年6月"):
    rc, out, err = imp(workbook(f"only-ok-{name}.xlsx", [(name, sheet_rows(3))], active=0),
                       "--dry-run")
    eq(rc, 0, f"sheet '{name}' given as June: {err}")
# the title states June, the name July: the two disagree, refused all the same
f = workbook("title-june.xlsx", [("7月", sheet_rows(3, "全州10个行业超标企业清理汇总表（2017年6月）"))],
             active=0)
rc, out, err = imp(f, "--dry-run")
eq(rc, 65, f"title June, name July: refused: {err}")
check("sheet '7月' is named for 7月" in err, f"the name said: {err}")
done("a workbook's sheet is chosen by the month it names, or asked for; never silently")
