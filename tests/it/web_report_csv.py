"""The web's report page gives people the CSV a spreadsheet opens right (review12z, Z6): its
`CSV（表格软件）` link is /reports/KIND-excel.csv, the `--format csv-excel` form (dates and
codes of digits as text formulas ="…"), and the plain CSV for scripts stays at
/reports/KIND.csv, linked as `CSV（程序读取）`. The test plan's store (tests/lib/web_it.py),
advanced to 2017-03-12 12:00: its reports, due 03-10, lapsed, so March's accountability
record has rows with times."""
import csv
import io
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402
from web_it import Client, Server, setup_store  # noqa: E402

FORMULA = re.compile(r'^="(?:[^"]|"")*"$')

st = Store()
setup_store(st)
st.ok("advance", "--to", "2017-03-12T12:00:00+08:00")
srv = Server(st)
o = Client(srv.base)
eq(o.login("officer")[0], 303, "the officer logs in")
status, _, page = o.get("/reports?month=2017-03")
eq(status, 200, "the reports of March")
check('href="/reports/accountability-excel.csv?month=2017-03"' in page and "CSV（表格软件）" in page,
      "the spreadsheet's CSV is linked for people")
check('href="/reports/accountability.csv?month=2017-03"' in page and "CSV（程序读取）" in page,
      "the plain CSV stays, named for scripts")


def rows(body):
    check(body.startswith(b"\xef\xbb\xbf"), "a byte order mark")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


status, hdrs, plain = o.get("/reports/accountability.csv?month=2017-03")
eq(status, 200, "the plain CSV")
status, hdrs, excel = o.get("/reports/accountability-excel.csv?month=2017-03")
eq(status, 200, "the spreadsheet's CSV")
plain = plain if isinstance(plain, bytes) else plain.encode()
excel = excel if isinstance(excel, bytes) else excel.encode()
check("accountability-2017-03-excel.csv" in str(hdrs), f"its file name says which: {hdrs}")
p, x = rows(plain), rows(excel)
wrapped = [c for r in x for c in r if FORMULA.match(c)]
check(any(re.match(r'^="2017-03-\d\dT', c) for c in wrapped),
      f"its times are text formulas: {wrapped[:3]}")
eq([[c[2:-1].replace('""', '"') if FORMULA.match(c) else c for c in r] for r in x], p,
   "the same table as the plain CSV, each converted text wrapped")
check(not any(FORMULA.match(c) for r in p for c in r), "the plain CSV wraps nothing")
eq(o.get("/reports/nothing-excel.csv?month=2017-03")[0], 404, "no such report")
srv.stop()
st.cleanup()
done("the web links the spreadsheet's CSV for people and the plain one for scripts")
