"""A county's form handed in as the workbook it filled in (.xlsx), not saved as CSV first
(issue 12: `import-annex FILE.xlsx|csv`): its first sheet is read as the CSV of it would be
and recorded the same; a bad cell is named by its row, column and cell (C5); a hostile
archive (a ZIP bomb, an XML DOCTYPE with entities, a damaged archive) is refused with exit
65 and records nothing. The registry's enterprises import from a workbook as well.

Set-up as tests/it/annex_import.py: the Changji plan and registry on 2017-07-03, 呼图壁县's
Annex 4 of May–June (task bimonthly-detail/hutubi-county/2017-07). Its enterprises E1, E2
are the registry's (changji-registry.yaml)."""
import csv
import datetime
import json
import os
import sys
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, src  # noqa: E402
import openpyxl  # noqa: E402

A4HEAD = ["序号", "县市、园区", "企业名称", "统一社会信用代码", "行业", "主要污染物", "超标原因",
          "清理措施", "整改时限", "月末状态", "完成日期", "责任单位", "责任人"]
TASK4 = "changji-2017/bimonthly-detail/hutubi-county/2017-07"
E1, E2 = "91652323MA77AQUU8C", "91652323MA7TW6PQ90"
D1, D2 = datetime.date(2017, 7, 31), datetime.date(2017, 9, 15)

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
st.ok("load", src("workflows", "changji-2017.yaml"))
st.ok("import", src("workflows", "changji-registry.yaml"))
st.ok("advance", "--to", "2017-07-03T10:00:00+08:00")


records = st.records


def annexes():
    """The annex.report records (the first import-annex also hands the task in)."""
    return [r for r in records() if r["action"] == "annex.report"]


def last_annex():
    return json.loads(annexes()[-1]["details"])


def row(n, name, code, due, state):
    return [n, "呼图壁县", name, code, "水泥", "颗粒物", "原因", "限期整改", due, state, None,
            "呼图壁县环境保护局", "李强"]


def workbook(rows, name, fmt2='yyyy"年"m"月"d"日"', title=True):
    """The form as a county's spreadsheet saves it: a title row, the header, the rows (序号
    a number, 整改时限 a real date cell: the first under yyyy-mm-dd, the second under a
    Chinese date format), a blank row and the 填报单位 line; the sheet named 附件4."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件4"
    if title:
        ws.append(["全州10个行业超标企业清理明细表（2017年5—6月）"])
    ws.append(A4HEAD)
    for r in rows:
        ws.append(r)
    first = 3 if title else 2
    for i, fmt in ((first, "yyyy-mm-dd"), (first + 1, fmt2)):
        if i < first + len(rows) and isinstance(ws.cell(i, 9).value, (datetime.date,
                                                                         datetime.datetime)):
            ws.cell(i, 9).number_format = fmt
    ws.append([])
    ws.append(["填报单位（盖章）：呼图壁县环境保护局"])
    path = st.path(name)
    wb.save(path)
    return path


ROWS = [row(1, "呼图壁瑞达水泥有限公司（样例数据）", E1, D1, "整治中"),
        row(2, "呼图壁天山钢铁有限公司（样例数据）", E2, D2, "未启动")]
# the same table as CSV, worked out by hand: dates as the form writes them
CSV = ("\n".join([",".join(A4HEAD),
                  f"1,呼图壁县,呼图壁瑞达水泥有限公司（样例数据）,{E1},水泥,颗粒物,原因,限期整改,"
                  "2017-07-31,整治中,,呼图壁县环境保护局,李强",
                  f"2,呼图壁县,呼图壁天山钢铁有限公司（样例数据）,{E2},水泥,颗粒物,原因,限期整改,"
                  "2017-09-15,未启动,,呼图壁县环境保护局,李强"]) + "\n")
ARGS = ("--jurisdiction", "hutubi-county", "--month", "2017-06", "--by", "王科长")

n0 = len(annexes())
x = workbook(ROWS, "hutubi-a4.xlsx")
out = st.ok("import-annex", x, *ARGS)
check(TASK4 in out, f"the workbook is recorded against May–June's Annex 4: {out}")
recs = annexes()
eq(len(recs), n0 + 1, "one annex.report record")
dx = json.loads(recs[-1]["details"])
eq((recs[-1]["action"], recs[-1]["task"], dx["file"]), ("annex.report", TASK4, "hutubi-a4.xlsx"),
   "an annex.report of the task naming the workbook")
c = st.write("hutubi-a4.csv", CSV)
st.ok("import-annex", c, *ARGS)
dc = last_annex()
eq(dx["rows"], dc["rows"], "the workbook's rows are the CSV's, dates as YYYY-MM-DD")
check("2017-07-31" in dx["rows"] and "2017-09-15" in dx["rows"],
      f"both date formats read as dates: {dx['rows']!r}")

# the same workbook in the 1904 date system (old Mac Excel): the same dates
wb = openpyxl.load_workbook(x)
wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
x1904 = st.path("hutubi-a4-1904.xlsx")
wb.save(x1904)
st.ok("import-annex", x1904, *ARGS, "--dry-run")
with zipfile.ZipFile(x1904) as z:
    check(b"date1904" in z.read("xl/workbook.xml"), "the copy really is in the 1904 system")
n1 = len(records())
st.ok("import-annex", x1904, *ARGS)
eq(last_annex()["rows"], dc["rows"], "1904 dates read as the same days")

# a workbook as other programs write it, made by hand (ECMA-376 §18): a rich-text shared
# string with a phonetic run (only the runs' text is the value), an inline string, cells
# with no r attribute (the next column), a formula's saved value, the sheet at a
# non-default part name found through the relationships, prefixed element names
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def inl(t):
    return f'<c t="inlineStr"><is><t>{t}</t></is></c>'


head = "".join(inl(h) for h in A4HEAD)
cells = ('<c><f>ROW()-1</f><v>1</v></c>' + inl("呼图壁县") + '<c t="s"><v>0</v></c>' +
         inl(E1) + inl("水泥") + inl("颗粒物") + inl("原因") + inl("限期整改") +
         inl("2017-07-31") + inl("整治中") + '<c/>' + inl("呼图壁县环境保护局") + inl("李强"))
parts = {
    "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                           'content-types"/>',
    "xl/workbook.xml": f'<workbook {NS} {RNS}><sheets><sheet name="明细" sheetId="7" '
                       'r:id="rId9"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/'
                                  'package/2006/relationships"><Relationship Id="rId9" '
                                  'Target="/xl/worksheets/data.xml"/></Relationships>',
    "xl/sharedStrings.xml": '<x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/'
                            '2006/main"><x:si><x:r><x:t>呼图壁瑞达</x:t></x:r><x:r><x:t '
                            'xml:space="preserve">水泥有限公司</x:t></x:r><x:rPh sb="0" eb="2">'
                            '<x:t>フトビ</x:t></x:rPh></x:si></x:sst>',
    "xl/worksheets/data.xml": f'<worksheet {NS}><sheetData><row r="2">{head}</row>'
                              f'<row r="3">{cells}</row></sheetData></worksheet>',
}
hand = st.path("hand.xlsx")
with zipfile.ZipFile(hand, "w", zipfile.ZIP_DEFLATED) as z:
    for k, v in parts.items():
        z.writestr(k, v.encode("utf-8"))
st.ok("import-annex", hand, *ARGS)
eq(last_annex()["rows"],
   f"呼图壁县\t呼图壁瑞达水泥有限公司\t{E1}\t水泥\t颗粒物\t原因\t限期整改\t2017-07-31\t整治中\t\t"
   "呼图壁县环境保护局\t李强\n", "rich text without its phonetic run; inline strings; the formula's value")

# the sheet a person sees: a hidden sheet before the form (an old copy with other figures)
# is passed over; 清理措施 merged over both rows (H3:H4, H4 itself empty) is 限期整改 in
# both, as the sheet shows it
wb = openpyxl.load_workbook(x)
old = wb.create_sheet("旧表", 0)
old.append(A4HEAD)
old.append(row(1, "旧企业", E2, D1, "已完成"))
old.sheet_state = "hidden"
form = wb["附件4"]
form.cell(4, 8).value = None
form.merge_cells("H3:H4")
seen = st.path("hidden-merged.xlsx")
wb.save(seen)
st.ok("import-annex", seen, *ARGS)
eq(last_annex()["rows"], dc["rows"],
   "the visible form read, the merged 清理措施 in both rows")

# a bad cell: E2's credit code with a wrong check character, in row 4 (title 1, header 2,
# rows 3-4), column D: named as FILE:4:4, cell D4 of sheet 附件4, data row 2
bad = workbook([ROWS[0], row(2, "呼图壁天山钢铁有限公司（样例数据）", E2[:-1] + "1", D2, "未启动")],
               "bad-code.xlsx")
n1 = len(records())
rc, _, err = st.run("import-annex", bad, *ARGS)
eq(rc, 65, f"a bad credit code in a workbook: {err}")
check(f"{bad}:4:4:" in err and "cell D4 of sheet '附件4'" in err and
      "row 2, column '统一社会信用代码'" in err and "unified social credit code" in err,
      f"named by line, column, cell and field: {err}")
eq(len(records()), n1, "nothing recorded")
# a text where a date belongs: cell I3
bad = workbook([row(1, "呼图壁瑞达水泥有限公司（样例数据）", E1, "七月底", "整治中")], "bad-date.xlsx")
rc, _, err = st.run("import-annex", bad, *ARGS)
eq(rc, 65, f"a text in 整改时限: {err}")
check("cell I3 of sheet '附件4'" in err and "is not a date" in err, f"named: {err}")


def zip_with(name, parts, compression=zipfile.ZIP_DEFLATED):
    path = st.path(name)
    with zipfile.ZipFile(path, "w", compression) as z:
        for part, data in parts.items():
            z.writestr(part, data)
    return path


with zipfile.ZipFile(x) as z:
    GOOD = {n: z.read(n) for n in z.namelist()}
SHEET = "xl/worksheets/sheet1.xml"
check(SHEET in GOOD, f"openpyxl's sheet part: {sorted(GOOD)}")
hostile = {
    # 300 MiB of blanks inside the sheet's root: a ZIP bomb of a few hundred KB
    "bomb": dict(GOOD, **{SHEET: GOOD[SHEET].replace(b"<sheetData>", b"<sheetData>" +
                                                     b" " * (300 << 20), 1)}),
    # "billion laughs": entities declared in a DOCTYPE
    "laughs": dict(GOOD, **{SHEET: b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaa">'
                            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>' + GOOD[SHEET].split(b"?>", 1)[-1]
                            .replace(b"<sheetData>", b"<sheetData>&b;", 1)}),
    "noworkbook": {k: v for k, v in GOOD.items() if k != "xl/workbook.xml"},
    # markup no spreadsheet writes, which would cost expat memory or quadratic time
    "deep": dict(GOOD, **{SHEET: GOOD[SHEET].replace(b"<sheetData>", b"<sheetData>" +
                                                     b"<x>" * 100 + b"</x>" * 100, 1)}),
    "longtag": dict(GOOD, **{SHEET: GOOD[SHEET].replace(b"<sheetData>", b'<sheetData><x a="' +
                                                        b"a" * (100 << 10) + b'"/>', 1)}),
    "strings": dict(GOOD, **{"xl/sharedStrings.xml": b"<sst>" + b"<si/>" * 2000001 + b"</sst>"}),
    "longcell": dict(GOOD, **{SHEET: GOOD[SHEET].replace(
        b"</row>", b'<c r="Z1" t="inlineStr"><is><t>' + "长".encode() * 40000 +
        b"</t></is></c></row>", 1)}),
    "badxml": dict(GOOD, **{SHEET: GOOD[SHEET].replace(b"</sheetData>", b"</sheetDat>", 1)}),
}
WHY = {"bomb": "more than 256 MiB of XML", "laughs": "DOCTYPE",
       "noworkbook": "no part xl/workbook.xml", "badxml": "mismatched tag",
       "deep": "nested more than 64 deep", "longtag": "tag longer than 64 KiB",
       "strings": "more than 2,000,000 shared strings", "longcell": "32,767 characters"}
n1 = len(records())
for name, parts in hostile.items():
    f = zip_with(f"hostile-{name}.xlsx", parts)
    if name == "bomb":
        check(os.path.getsize(f) < 2 << 20, f"the bomb is small: {os.path.getsize(f)}")
    rc, _, err = st.run("import-annex", f, *ARGS)
    eq(rc, 65, f"{name}: refused as bad data: {err}")
    check(err.startswith(f"{f}:") and WHY[name] in err, f"{name}: says why: {err}")
damaged = st.path("damaged.xlsx")
with open(x, "rb") as fh:
    data = bytearray(fh.read())
with open(damaged, "wb") as fh:
    fh.write(bytes(data[:len(data) // 2]))
rc, _, err = st.run("import-annex", damaged, *ARGS)
eq(rc, 65, f"half an archive: {err}")
check("ZIP archive" in err and "cannot be read" in err, f"said so: {err}")
eq(len(records()), n1, "nothing recorded by any hostile file")

# the registry's enterprises from a workbook: workflows/changji-enterprises.csv typed into a
# sheet (rectify_by as real date cells) imports as the CSV does, task for task

with open(src("workflows", "changji-enterprises.csv"), encoding="utf-8-sig") as fh:
    table = list(csv.reader(fh))
wb = openpyxl.Workbook()
col = table[0].index("rectify_by")
for i, r in enumerate(table):
    wb.active.append(r)
    if i and r[col]:
        cell = wb.active.cell(i + 1, col + 1)
        cell.value = datetime.date.fromisoformat(r[col])
        cell.number_format = "yyyy/m/d"
reg = st.path("enterprises.xlsx")
wb.save(reg)
dumps = []
for f in (src("workflows", "changji-enterprises.csv"), reg):
    s2 = Store()
    s2.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
    s2.ok("load", src("workflows", "changji-2017.yaml"))
    s2.ok("import", src("workflows", "changji-registry.yaml"))
    out = s2.ok("import", f)
    check("enterprises" in out, f"imported: {out}")
    dumps.append(json.loads(s2.ok("tasks", "--format", "json")))
    s2.cleanup()
eq(len(dumps[1]), len(dumps[0]), "as many tasks from the workbook as from the CSV")
eq(dumps[1], dumps[0], "the same tasks, due on the same days")
st.ok("audit", "verify")
st.cleanup()
done("import-annex and import read a workbook's first sheet as its CSV; hostile archives refused")
