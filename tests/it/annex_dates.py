"""Dates as a county's spreadsheet saves them (review12z, Z8): Excel or WPS set to Chinese
turn a typed 整改时限 into a date cell and "CSV UTF-8" writes it as the cell shows it,
2017/7/31 or 2017年7月31日 (with " 0:00" when the cell has a time). `import-annex` reads
those as the day they are and records YYYY-MM-DD, so the county's table agrees with
dabiao's; a date that can be read two ways (9/6/2017) or a weekday that is not the date's
is refused (65) naming the row and the column, and nothing is recorded. A registry CSV's
rectify_by is read the same way (one date reader, workflows/parse/csv.h).

The Changji plan and registry at 2017-07-03: 呼图壁县 (hutubi-county) lists three
enterprises, all 限期整改 and 未启动 at the end of June, with time limits 2017-07-31,
2017-09-15 and 2017-09-30 (changji-registry.yaml); its Annex 4 of May–June is due 07-05."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402

A4HEAD = ("序号,县市、园区,企业名称,统一社会信用代码,行业,主要污染物,超标原因,清理措施,整改时限,"
          "月末状态,完成日期,责任单位,责任人")

st = Store()
st.changji("2017-07-03T10:00:00+08:00")


def hutubi():
    return [r for r in json.loads(st.ok("report", "annex4", "--month", "2017-06", "--format",
                                        "json")) if r["jurisdiction"] == "呼图壁县"]


def tables():
    return [r for r in st.records() if r["action"] == "annex.report"]


mine = hutubi()
eq([r["rectify_by"] for r in mine], ["2017-07-31", "2017-09-15", "2017-09-30"],
   "dabiao's own time limits for the three")


def form(dates, done_dates=("", "", "")):
    """The county's table: dabiao's rows, each 整改时限 and 完成日期 as given (CRLF, BOM)."""
    lines = [A4HEAD]
    for i, (r, d, dd) in enumerate(zip(mine, dates, done_dates), 1):
        lines.append(",".join([str(i), r["jurisdiction"], r["enterprise"], r["credit_code"],
                               r["industry"], r["pollutants"], r["reason"], r["measure"], d,
                               r["state"], dd, r["responsible_unit"], r["responsible_person"]]))
    return "\ufeff" + "\r\n".join(lines) + "\r\n"


def imp(name, text, *more):
    return st.run("import-annex", st.write(name, text), "--jurisdiction", "hutubi-county",
                  "--month", "2017-06", "--by", "王科长", *more)


# ambiguous or wrong: refused naming row and column, nothing recorded
for name, dates, done_dates, where, words in (
        ("order.csv", ("2017/7/31", "9/6/2017", "2017/9/30"), ("", "", ""),
         "row 2, column '整改时限'", "can be read as 2017年9月6日 or 2017年6月9日"),
        ("short.csv", ("2017/7/31", "2017/9/15", "17/9/30"), ("", "", ""),
         "row 3, column '整改时限'", "year in two digits"),
        ("noyear.csv", ("7月31日", "2017/9/15", "2017/9/30"), ("", "", ""),
         "row 1, column '整改时限'", "has no year"),
        ("weekday.csv", ("2017/7/31", "2017/9/15", "2017/9/30"), ("", "2017年6月30日星期四", ""),
         "row 2, column '完成日期'", "is a 星期五, not 星期四"),
        ("noday.csv", ("2017/7/31", "2017/9/31", "2017/9/30"), ("", "", ""),
         "row 2, column '整改时限'", "no such day: 2017年9月 has 30 days")):
    rc, out, err = imp(name, form(dates, done_dates))
    eq(rc, 65, f"{name}: refused: {err}")
    check(where in err and words in err, f"{name}: says where ({where}) and why ({words}): {err}")
eq(tables(), [], "nothing recorded by a refused table")

# the forms a spreadsheet in a Chinese locale saves: read, recorded as YYYY-MM-DD
rc, out, err = imp("saved.csv", form(("2017/7/31", "2017年9月15日", "2017/9/30 0:00")))
eq(rc, 0, f"2017/7/31, 2017年9月15日, 2017/9/30 0:00 read: {err}")
rows = json.loads(tables()[-1]["details"])["rows"].splitlines()
eq([r.split("\t")[7] for r in rows], ["2017-07-31", "2017-09-15", "2017-09-30"],
   "recorded as the days they are, in the one form the reports compare")
seq = tables()[-1]["seq"]
eq([r["check"] for r in hutubi()], [f"一致（第 {seq} 号）"] * 3,
   "the county's table agrees with dabiao's, date for date")

# a registry CSV's time limit as the same spreadsheet saves it moves the task to that day
csv = st.write("limits.csv", "id,name,jurisdiction,industry,rectify_by\r\n"
               f"{mine[2]['credit_code']},{mine[2]['enterprise']},hutubi-county,"
               "thermal-power,2017年10月31日\r\n")
rc, out, err = st.run("import", csv, "--dry-run")
eq(rc, 0, f"registry CSV with 2017年10月31日: {err}")
check("rectify_by 2017-09-30 -> 2017-10-31" in out, f"the change said as dates: {out}")
rc, out, err = st.run("import", st.write("bad.csv", "id,name,jurisdiction,industry,rectify_by\r\n"
                      f"{mine[2]['credit_code']},{mine[2]['enterprise']},hutubi-county,"
                      "thermal-power,10/11/2017\r\n"), "--dry-run")
eq(rc, 65, f"registry CSV with 10/11/2017: refused: {err}")
check("row 1, column 'rectify_by'" in err and "2017年10月11日 or 2017年11月10日" in err,
      f"naming row, column and both readings: {err}")
done("dates as a Chinese spreadsheet saves them are read; ambiguous ones refused by cell")
