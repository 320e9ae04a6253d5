"""`--format csv-excel`: the CSV for a spreadsheet program. `--format csv` keeps every value
as it is, for scripts, and a spreadsheet opening it turns a unified social credit code of 18
digits into 9.16523011234567E+17, 000123 into 123 and 2017-06-30 into a date; csv-excel
writes such a text as the text formula ="…", which Excel, WPS and LibreOffice show as the
text itself, and is otherwise the same CSV (a formula-looking text keeps its apostrophe and
is never put in a formula). Every command that writes CSV writes it (review of issue 12,
H2). A real spreadsheet reader confirms it: LibreOffice (headless, Debian's) converts both
CSVs to XLSX and openpyxl reads the cells back."""
import csv
import io
import os
import re
import shutil
import subprocess
import sys

import openpyxl

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402
from spreadsheet_it import EVIL, PLAN, credit_code, registry  # noqa: E402


# a valid code of digits only (its check character a digit too)
CODE = next(c for c in (credit_code(f"91652301{k:09d}") for k in range(123456700, 123457700))
            if c.isdigit())
REG = registry(CODE, EVIL, "000123", "2017年6月", "TRUE", "12%")
FORMULA = re.compile(r'^="(?:[^"]|"")*"$')   # a string constant, nothing else

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T00:00:00+08:00", "--tz", "Asia/Shanghai")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG))
st.ok("advance", "--to", "2017-04-02T00:00:00+08:00")
st.ok("user", "add", "0001", "--role", "county", "--subject", "a",
      "--password-file", st.write("pw", "a-long-enough-password\n"))


def rows(data, what):
    check(data.startswith(b"\xef\xbb\xbf"), f"{what}: a byte order mark")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def unwrap(cell):
    return cell[2:-1].replace('""', '"') if FORMULA.match(cell) else cell


# every CSV dabiao writes has the form; it is the CSV with the converted texts wrapped
LISTINGS = {
    "report annex4": ["report", "annex4", "--month", "2017-03"],
    "report annex3": ["report", "annex3", "--month", "2017-03"],
    "report accountability": ["report", "accountability"],
    "tasks": ["tasks"],
    "status": ["status"],
    "outbox": ["outbox"],
    "warnings": ["warnings"],
    "user list": ["user", "list"],
    "audit checkpoints": ["audit", "checkpoints"],
    "workdays": ["workdays", "--plan", "ss", "--from", "2017-06-01", "--to", "2017-06-30"],
}
wrapped = {}
for what, args in LISTINGS.items():
    plain = rows(st.run_bytes(*args, "--format", "csv"), what)
    excel = rows(st.run_bytes(*args, "--format", "csv-excel"), what + " csv-excel")
    eq([[unwrap(c) for c in r] for r in excel], plain,
       f"{what}: csv-excel is the CSV, each wrapped text unwrapped")
    cells = [c for r in excel for c in r]
    eq([c for c in cells if c[:1] in ("+", "-", "@", "\t", "\r")], [],
       f"{what}: no cell a spreadsheet would run")
    eq([c for c in cells if c.startswith("=") and not FORMULA.match(c)], [],
       f"{what}: a cell beginning with = is a text constant, nothing else")
    wrapped[what] = [c for c in cells if FORMULA.match(c)]
    if what in ("report annex4", "tasks", "status", "workdays", "user list"):
        check(wrapped[what], f"{what}: its dates, codes or login of digits wrapped: {excel[:3]}")

a4 = rows(st.run_bytes(*LISTINGS["report annex4"], "--format", "csv-excel"), "annex4")
head, row = a4[0], a4[1]
col = {h: i for i, h in enumerate(head)}
eq(row[col["统一社会信用代码"]], f'="{CODE}"', "the code of 18 digits is a text formula")
eq(row[col["责任单位"]], '="000123"', "leading zeros: a text formula")
eq(row[col["整改时限"]], '="2017-06-30"', "a date: a text formula")
eq(row[col["责任人"]], '="2017年6月"', "a Chinese date: a text formula")
eq(row[col["企业名称"]], "'" + EVIL, "the formula-looking name keeps its apostrophe")
eq(row[col["主要污染物"]], '="TRUE"', "TRUE: a text formula, not a truth value")
eq(row[col["超标原因"]], '="12%"', "12%: a text formula, not a number")
check(any(c == '="2017-06-30"' for c in wrapped["tasks"]), "tasks: the due date wrapped")
check(any(re.match(r'^="2017-06-\d\d"$', c) for c in wrapped["workdays"]),
      "workdays: the dates wrapped")
n = [r for r in a4[1:] if r[0]]
check(n and n[0][0] == "1", f"序号 stays a number: {a4[1][0]!r}")

# a real spreadsheet opens them: LibreOffice converts each CSV (UTF-8, comma) to XLSX
soffice = shutil.which("soffice") or shutil.which("libreoffice")
check(soffice is not None, "LibreOffice is installed (deploy/install-deps.sh --test)")
if soffice:
    files = {}
    for name, fmt, args in (("plain", "csv", LISTINGS["report annex4"]),
                            ("excel", "csv-excel", LISTINGS["report annex4"]),
                            ("tasks", "csv-excel", LISTINGS["tasks"])):
        files[name] = st.path(f"{name}.csv")
        with open(files[name], "wb") as f:
            f.write(st.run_bytes(*args, "--format", fmt))
    out = st.path("lo")
    os.makedirs(out)
    p = subprocess.run([soffice, f"-env:UserInstallation=file://{st.path('lo-profile')}",
                        "--headless", "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx",
                        "--outdir", out, *files.values()], capture_output=True, text=True,
                       timeout=300)
    eq(p.returncode, 0, f"LibreOffice converts the CSVs: {p.stderr}")

    def sheet(name):
        ws = openpyxl.load_workbook(os.path.join(out, f"{name}.xlsx"), data_only=True).active
        return [[c.value for c in r] for r in ws.iter_rows()]

    got = sheet("excel")
    r = got[1]
    eq([r[col[k]] for k in ("统一社会信用代码", "责任单位", "整改时限", "责任人", "主要污染物",
                            "超标原因")],
       [CODE, "000123", "2017-06-30", "2017年6月", "TRUE", "12%"],
       "csv-excel: the code, the leading zeros and the dates come back as the same text")
    check(isinstance(r[col["企业名称"]], str) and r[col["企业名称"]].lstrip("'") == EVIL,
          f"the formula-looking name stays text, whole: {r[col['企业名称']]!r}")
    eq(r[0], 1, "序号 stays a number")
    ws = openpyxl.load_workbook(os.path.join(out, "excel.xlsx")).active
    consts = [c.value for row_ in ws.iter_rows() for c in row_ if c.data_type == "f"]
    eq([c for c in consts if not FORMULA.match(c)], [], "every formula is a text constant")
    # what csv-excel is for: the plain CSV loses them
    r = sheet("plain")[1]
    check(r[col["责任单位"]] != "000123" and r[col["统一社会信用代码"]] != CODE,
          f"the plain CSV, opened: the zeros and the code's digits are lost: "
          f"{r[col['责任单位']]!r} {r[col['统一社会信用代码']]!r}")
    t = sheet("tasks")
    tcol = {h: i for i, h in enumerate(t[0])}
    due = [x[tcol["due_date"]] for x in t[1:]]
    check(due and all(isinstance(d, str) and re.match(r"^\d{4}-\d\d-\d\d$", d) for d in due),
          f"tasks: every due date comes back as its text: {due[:3]}")
done("csv-excel: codes, leading zeros and dates survive a spreadsheet; csv stays as it is")
