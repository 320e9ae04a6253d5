"""What a county's workbook holds that its CSV would not say plainly (review12x: M2, M4, m1,
m2, m5, m7), each read as the county sees it or refused in its words, naming the cell:

- a formula saved without its value (openpyxl, pandas and report generators write none;
  Excel shows one): refused naming the cell and "open the file in Excel or WPS and save
  it", not "'' is not a whole number"; in 完成率, which is never read, it is no fault;
- a photo of the stamped form pasted into the workbook (20 MiB, not compressible): read,
  the table recorded as without it; only the parts read count toward the 16 MiB (a sheet
  of 17 MiB as stored is refused), a workbook over 64 MiB is refused with the way out, and
  cell text is bounded too (one long shared string named by many cells: 1,000 x 90 KB);
- a line break typed in a cell (Alt+Enter): at a cell's end a blank like any other; inside
  超标原因/主要污染物 one space; inside a name refused naming the cell and the columns that
  may wrap. The same in a CSV;
- a date cell with a time of day in 完成日期: its day. The same text in a CSV;
- a header column the form does not have: refused naming it, in a workbook and in a CSV;
  a stray cell far to the right (XFD2) likewise, not "spans 16384 columns";
- a damaged archive (a part twice), a control character written into a cell, an empty
  file, a form of another period: said in the county's words, naming the cell.

Set-up as tests/it/annex_xlsx.py: the Changji plan and registry on 2017-07-03; 呼图壁县's
Annex 3 of June and Annex 4 of May–June."""
import datetime
import json
import os
import sys
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, src  # noqa: E402
import openpyxl  # noqa: E402

A3HEAD = ["县市、园区", "超标企业基数（家）", "限期整改（家）", "挂牌督办（家）", "淘汰关闭（家）",
          "已完成清理（家）", "整治中（家）", "未启动（家）", "逾期未完成（家）", "完成率（%）"]
A4HEAD = ["序号", "县市、园区", "企业名称", "统一社会信用代码", "行业", "主要污染物", "超标原因",
          "清理措施", "整改时限", "月末状态", "完成日期", "责任单位", "责任人"]
E1, E2 = "91652323MA77AQUU8C", "91652323MA7TW6PQ90"
N1, N2 = "呼图壁瑞达水泥有限公司（样例数据）", "呼图壁天山钢铁有限公司（样例数据）"
ARGS = ("--jurisdiction", "hutubi-county", "--month", "2017-06", "--by", "王科长")

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
st.ok("load", src("workflows", "changji-2017.yaml"))
st.ok("import", src("workflows", "changji-registry.yaml"))
st.ok("advance", "--to", "2017-07-03T10:00:00+08:00")


records = st.records


def last_rows():
    recs = [r for r in records() if r["action"] == "annex.report"]
    return json.loads(recs[-1]["details"])["rows"]


def a3(name, row=("呼图壁县", 3, 3, 0, 0, 0, 0, 3, 0, None), title="（2017年6月）"):
    """June's Annex 3 of 呼图壁县 as a spreadsheet saves it: title, header, the row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件3"
    ws.append(["全州10个行业超标企业清理汇总表" + title])
    ws.append(A3HEAD)
    ws.append(list(row))
    path = st.path(name)
    wb.save(path)
    return path


def a4row(n, name, code, reason="原因", done_on=None, state="整治中"):
    return [n, "呼图壁县", name, code, "水泥", "颗粒物", reason, "限期整改",
            datetime.date(2017, 7, 31), state, done_on, "呼图壁县环境保护局", "李强"]


def a4(name, rows, head=A4HEAD, fmt=None):
    """May–June's Annex 4: title, header, the rows (整改时限 a date cell); 完成日期 under
    fmt when given."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件4"
    ws.append(["全州10个行业超标企业清理明细表（2017年5—6月）"])
    ws.append(list(head))
    for r in rows:
        ws.append(r)
    for i in range(len(rows)):
        ws.cell(3 + i, 9).number_format = "yyyy-mm-dd"
        if fmt:
            ws.cell(3 + i, 11).number_format = fmt
    path = st.path(name)
    wb.save(path)
    return path


def refused(path, *args):
    n = len(records())
    rc, out, err = st.run("import-annex", path, *(args or ARGS))
    eq(rc, 65, f"{os.path.basename(path)}: refused: {out}{err}")
    eq(len(records()), n, f"{os.path.basename(path)}: nothing recorded")
    check(err.count("\n") == 1, f"{os.path.basename(path)}: one line: {err!r}")
    return err


def parts_of(path):
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def rezip(name, parts, stored=()):
    path = st.path(name)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for part, data in parts.items():
            z.writestr(part, data, zipfile.ZIP_STORED if part in stored else
                       zipfile.ZIP_DEFLATED)
    return path


SHEET = "xl/worksheets/sheet1.xml"

# ---- M2: a formula saved without its value ----
good3 = a3("good3.xlsx")
st.ok("import-annex", good3, *ARGS)
A3ROW = "呼图壁县\t3\t3\t0\t0\t0\t0\t3\t0\n"
eq(last_rows(), A3ROW, "June's Annex 3 as typed")
wb = openpyxl.load_workbook(good3)
wb.active["B3"] = "=SUM(F3:I3)"          # openpyxl saves the formula, no value
nocache = st.path("formula-nocache.xlsx")
wb.save(nocache)
check(b'<c r="B3"><f>SUM(F3:I3)</f><v></v></c>' in parts_of(nocache)[SHEET],
      "the workbook really holds a formula without its value in B3")
err = refused(nocache)
check(f"{nocache}:3:2: error: cell B3 of sheet '附件3'" in err and
      "a formula whose value was never saved" in err and
      "open the file in Excel or WPS and save it, or type the value" in err,
      f"M2: the cell named and what to do: {err}")
check("is not a whole number" not in err, f"not blamed on an empty number: {err}")
# in 完成率, computed by dabiao and never read, the same formula is no fault
wb = openpyxl.load_workbook(good3)
wb.active["J3"] = "=F3/B3*100"
rate = st.path("rate-formula.xlsx")
wb.save(rate)
st.ok("import-annex", rate, *ARGS)
eq(last_rows(), A3ROW, "a formula in 完成率 without its value: the row as typed")

# ---- M4: pictures do not count; the parts read do ----
picture = os.urandom(20 << 20)           # a phone photo does not compress
parts = parts_of(good3)
photo = rezip("with-photo.xlsx", dict(parts, **{"xl/media/image1.jpeg": picture}),
              stored={"xl/media/image1.jpeg"})
check(os.path.getsize(photo) > 20 << 20, f"the workbook is over 20 MiB: {os.path.getsize(photo)}")
out = st.ok("import-annex", photo, *ARGS)
check("Annex 3" in out, f"M4: a workbook with a 20 MiB photo is read: {out}")
eq(last_rows(), A3ROW, "the table recorded as without the photo")
# a sheet part of 17 MiB as stored (blanks inside sheetData, not compressed) is refused
big = rezip("big-sheet.xlsx", dict(parts, **{SHEET: parts[SHEET].replace(
    b"<sheetData>", b"<sheetData>" + b" " * (17 << 20), 1)}), stored={SHEET})
err = refused(big)
check("takes more than 16 MiB in the file (pictures and other parts do not count)" in err,
      f"M4: the parts read are bounded: {err}")
# a workbook over 64 MiB, pictures included, is refused before it is read
huge = rezip("huge.xlsx", dict(parts, **{"xl/media/image1.jpeg": picture * 4}),
             stored={"xl/media/image1.jpeg"})
err = refused(huge)
check("larger than 64 MiB" in err and "remove the pictures" in err, f"M4: over 64 MiB: {err}")
# the cells' text is bounded as a CSV's would be: a shared string of 30,000 characters
# named by 1,000 cells is 90 MB of text from a workbook of a few hundred KB
long = "长" * 30000
many = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>' for r in range(10, 1010))
blow = rezip("text-blowup.xlsx", dict(parts, **{
    "xl/sharedStrings.xml": f'<sst><si><t>{long}</t></si></sst>'.encode(),
    SHEET: parts[SHEET].replace(b"</sheetData>", many.encode() + b"</sheetData>", 1)}))
check(os.path.getsize(blow) < 1 << 20, f"the file is small: {os.path.getsize(blow)}")
err = refused(blow)
check("the sheet's cells hold more than 16 MiB of text" in err, f"text bounded: {err}")

# ---- m1: a line break typed in a cell ----
wrap = a4("wrap.xlsx", [a4row(1, N1, E1, reason="窑尾除尘器布袋破损\n更换中"),
                         a4row(2, N2, E2)])
wb = openpyxl.load_workbook(wrap)
wb.active["B4"] = "呼图壁县\n"           # a trailing break, invisible in the cell
wb.active["F4"] = "颗粒物、\r\n  二氧化硫"
wb.save(wrap)
st.ok("import-annex", wrap, *ARGS)
rows = last_rows().splitlines()
eq(rows[0].split("\t")[5], "窑尾除尘器布袋破损 更换中", "m1: a break in 超标原因 is a space")
eq(rows[1].split("\t")[0:5], ["呼图壁县", N2, E2, "水泥", "颗粒物、 二氧化硫"],
   "m1: a trailing break is trimmed; a break in 主要污染物 with its blanks is one space")
# the same table as CSV, the same record
csvw = st.write("wrap.csv", ",".join(A4HEAD) + "\n" +
                f'1,呼图壁县,{N1},{E1},水泥,颗粒物,"窑尾除尘器布袋破损\n更换中",限期整改,2017-07-31,'
                f'整治中,,呼图壁县环境保护局,李强\n'
                f'2,"呼图壁县\r\n",{N2},{E2},水泥,"颗粒物、\r\n  二氧化硫",原因,限期整改,2017-07-31,'
                f'整治中,,呼图壁县环境保护局,李强\n')
before = last_rows()
st.ok("import-annex", csvw, *ARGS)
eq(last_rows(), before, "m1: the CSV of the same cells records the same rows")
# inside a name: refused, naming the cell and the columns that may wrap
name_br = a4("name-break.xlsx", [a4row(1, "呼图壁瑞达\n水泥有限公司（样例数据）", E1)])
err = refused(name_br)
check("cell C3 of sheet '附件4'" in err and "a line break inside the cell at character 6" in err
      and "only 主要污染物 and 超标原因 may wrap" in err, f"m1: a break in a name: {err}")

# ---- m2: a date cell with a time of day in 完成日期 ----
dt = a4("done-datetime.xlsx", [a4row(1, N1, E1, done_on=datetime.datetime(2017, 6, 20, 15, 30),
                                     state="已完成")], fmt="yyyy-mm-dd hh:mm")
st.ok("import-annex", dt, *ARGS)
eq(last_rows().split("\t")[9], "2017-06-20", "m2: 完成日期 15:30 is its day")
csvd = st.write("done-datetime.csv", ",".join(A4HEAD) + "\n" +
                f"1,呼图壁县,{N1},{E1},水泥,颗粒物,原因,限期整改,2017-07-31 00:00,已完成,"
                f"2017-06-20 15:30:05,呼图壁县环境保护局,李强\n")
before = last_rows()
st.ok("import-annex", csvd, *ARGS)
eq(last_rows(), before, "m2: the CSV's date-times record the same days")
err = refused(st.write("done-bad-time.csv", ",".join(A4HEAD) + "\n" +
                       f"1,呼图壁县,{N1},{E1},水泥,颗粒物,原因,限期整改,2017-07-31,已完成,"
                       f"2017-06-20 下午,呼图壁县环境保护局,李强\n"))
check("'2017-06-20 下午' is not a date" in err, f"m2: other text after a date is refused: {err}")
err = refused(st.write("done-bad-hour.csv", ",".join(A4HEAD) + "\n" +
                       f"1,呼图壁县,{N1},{E1},水泥,颗粒物,原因,限期整改,2017-07-31,已完成,"
                       f"2017-06-20 25:10,呼图壁县环境保护局,李强\n"))
check("'2017-06-20 25:10' is not a date" in err, f"m2: a time that is none is refused: {err}")

# ---- m7: a column the form does not have ----
extra = a4("extra-header.xlsx", [a4row(1, N1, E1)], head=A4HEAD + ["备注"])
err = refused(extra)
check(f"{extra}:2:14: error: cell N2 of sheet '附件4', header, column 14: '备注' is not a "
      "column of the form, whose last is '责任人' (column 13)" in err, f"m7: named: {err}")
err = refused(st.write("extra-header.csv", ",".join(A4HEAD + ["备注"]) + "\n" +
                       f"1,呼图壁县,{N1},{E1},水泥,颗粒物,原因,限期整改,2017-07-31,整治中,,"
                       f"呼图壁县环境保护局,李强,\n"))
check("header, column 14: '备注' is not a column of the form" in err, f"m7: a CSV too: {err}")
# trailing empty header cells (what a CSV export of a wider sheet writes) are none
st.ok("import-annex", st.write("empty-extra.csv", ",".join(A4HEAD) + ",,\n" +
                               f"1,呼图壁县,{N1},{E1},水泥,颗粒物,原因,限期整改,2017-07-31,整治中,,"
                               f"呼图壁县环境保护局,李强,,\n"), *ARGS, "--dry-run")
wb = openpyxl.load_workbook(good3)
wb.active["XFD2"] = "x"
far = st.path("far-cell.xlsx")
wb.save(far)
err = refused(far)
check("cell XFD2 of sheet '附件3', header, column 16384: 'x' is not a column of the form" in err,
      f"m7: a stray cell far to the right: {err}")

# ---- m5: the county's words ----
dup = st.path("dup-part.xlsx")
with zipfile.ZipFile(dup, "w") as z:
    for part, data in parts.items():
        z.writestr(part, data)
    z.writestr(SHEET, parts[SHEET].replace(b"<v>3</v>", b"<v>9</v>"))
err = refused(dup)
check("it holds two parts of the same name" in err and "save it again" in err,
      f"m5: a part twice, in words: {err}")
ctrl = rezip("ctrl-char.xlsx", dict(parts, **{SHEET: parts[SHEET].replace(
    b"<v>3</v>", b"<v>3&#x1b;</v>", 1)}))
err = refused(ctrl)
check("(sheet '附件3', cell B3): it holds a character no cell can hold" in err,
      f"m5: a control character, its cell named: {err}")
err = refused(st.write("empty.xlsx", ""))
check("the file is empty (0 bytes)" in err, f"m5: an empty file: {err}")
may = a3("may.xlsx", title="（2017年5月）")
err = refused(may)
check(f"{may}:1:1: error: cell A1 of sheet '附件3': the form states the period ending "
      "2017年5月, but --month is 2017-06" in err, f"m5: the title's cell named: {err}")

# the registry's enterprises read through the same reader: a formula saved without its
# value would clear the stored field (a blank cell clears it): refused, the cell named
with open(src("workflows", "changji-enterprises.csv"), encoding="utf-8-sig") as fh:
    lines = [ln.split(",") for ln in fh.read().splitlines()[:2]]
wb = openpyxl.Workbook()
for ln in lines:
    wb.active.append(ln)
wb.active["B2"] = '=UPPER("x")'
reg = st.path("enterprises-formula.xlsx")
wb.save(reg)
rc, out, err = st.run("import", reg, "--dry-run")
eq(rc, 65, f"a registry workbook with a formula saved without its value: {out}{err}")
check("cell B2 of sheet 'Sheet'" in err and "a formula whose value was never saved" in err,
      f"the registry's message names the cell: {err}")

st.ok("audit", "verify")
st.cleanup()
done("a county's workbook read as it shows, or refused naming the cell in its words")
