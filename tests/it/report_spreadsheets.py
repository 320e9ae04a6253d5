"""Report spreadsheets are safe to open. A CSV cell a spreadsheet would run as a formula
(= + - @, tab, CR: a registry name =HYPERLINK(...) from a county's sheet) is written as
text with a leading apostrophe, and nothing else is marked (docs/output.md: one rule for
every CSV; scripts read an 18-digit code, leading zeros or a date as they are); a real
spreadsheet reader confirms it: LibreOffice (headless, Debian's) converts the CSV to XLSX
and openpyxl reads it back: no formula, the formula-looking text kept whole. The XLSX
dabiao writes (the format that keeps digits as typed) holds
strings (never formulas), borders, the header repeated on every printed page, A4 landscape,
a frozen header, widths for Chinese text and the 填报单位/填报人/填报日期 lines."""
import csv
import os
import shutil
import subprocess
import sys

import openpyxl

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402
from spreadsheet_it import EVIL, PLAN, registry  # noqa: E402

REG = registry("91652301MA74H957X2", EVIL, "000123", "@SUM(1+1)", "123456789012345678", "-2+3")
RISKY = ("=", "+", "-", "@", "\t", "\r")

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T00:00:00+08:00", "--tz", "Asia/Shanghai")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG))
st.ok("advance", "--to", "2017-04-02T00:00:00+08:00")

csvf = st.path("annex4.csv")
st.ok("report", "annex4", "--month", "2017-03", "--format", "csv", "--out", csvf)
with open(csvf, encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
row = rows[1]
risky = [c for r in rows for c in r if c[:1] in RISKY]
eq(risky, [], "no CSV cell starts with = + - @, a tab or a CR")
eq(row[2], "'" + EVIL, "the formula-looking name is text, with its apostrophe")
eq(row[5], "123456789012345678", "an 18-digit value is written as it is, for scripts")
eq(row[6], "'-2+3", "a leading - is a formula: marked")
eq(row[8], "2017-06-30", "a date as it is")
eq(row[11], "000123", "leading zeros as they are")
eq(row[12], "'@SUM(1+1)", "an @ formula: marked")
eq(row[3], "91652301MA74H957X2", "a credit code with letters is text as it is")

# a real spreadsheet opens it: LibreOffice converts the CSV (UTF-8, comma) to XLSX
soffice = shutil.which("soffice") or shutil.which("libreoffice")
check(soffice is not None, "LibreOffice is installed (deploy/install-deps.sh --test)")
if soffice:
    out = st.path("lo")
    os.makedirs(out)
    p = subprocess.run([soffice, f"-env:UserInstallation=file://{st.path('lo-profile')}",
                        "--headless", "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx",
                        "--outdir", out, csvf], capture_output=True, text=True, timeout=240)
    eq(p.returncode, 0, f"LibreOffice converts the CSV: {p.stderr}")
    ws = openpyxl.load_workbook(os.path.join(out, "annex4.xlsx")).active
    cells = {(c.row, c.column): c for r in ws.iter_rows() for c in r}
    formulas = [c.coordinate for c in cells.values() if c.data_type == "f"]
    eq(formulas, [], "LibreOffice made no formula of any cell")
    # the marked cells: text, whole (the apostrophe may stay or be taken as the mark)
    got = [cells[(2, k)].value for k in (3, 7, 13)]
    for v in got:
        check(isinstance(v, str), f"a formula-looking cell stays text: {v!r}")
    eq([v.lstrip("'") if isinstance(v, str) else v for v in got],
       [EVIL, "-2+3", "@SUM(1+1)"], "every character of them kept")

# dabiao's own XLSX
xf = st.path("annex4.xlsx")
st.ok("report", "annex4", "--month", "2017-03", "--format", "xlsx", "--out", xf)
wb = openpyxl.load_workbook(xf)
ws = wb.active
formulas = [c.coordinate for r in ws.iter_rows() for c in r if c.data_type == "f"]
eq(formulas, [], "XLSX cells are never formulas")
eq(ws.cell(row=3, column=3).value, EVIL, "the name is the string itself")
eq(ws.cell(row=3, column=6).value, "123456789012345678", "all 18 digits, as a string")
eq(ws.page_setup.orientation, "landscape", "landscape")
eq(str(ws.page_setup.paperSize), "9", "A4")
eq(ws.print_title_rows, "$1:$2", "title and header repeated on every printed page")
eq(ws.freeze_panes, "A3", "the header stays in view")
eq(ws.cell(row=2, column=1).border.left.style, "thin", "the header has borders")
eq(ws.cell(row=3, column=2).border.bottom.style, "thin", "data cells have borders")
texts = [c.value for r in ws.iter_rows() for c in r if isinstance(c.value, str)]
check("填报单位（盖章）：某某市生态环境局" in texts, f"the 填报单位 line: {texts[-4:]}")
line = [t for t in texts if t.startswith("填报人：")]
check(line and "填报日期：2017年4月2日" in line[0], f"填报人 and 填报日期: {line}")
# 企业名称: Chinese text needs about two units a character
width = ws.column_dimensions["C"].width
check(width and width >= 2 * 8, f"a column wide enough for Chinese text: {width}")
st.cleanup()
done("CSV safe to open (checked with LibreOffice), XLSX printable and stampable")
