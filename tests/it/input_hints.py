"""Files saved the wrong way are told how to save them, as a GBK or UTF-16 CSV is (review13f
C9, C10): a plan saved as UTF-16 without a byte order mark, or as UTF-32, is named so, a
file of zero bytes is not called UTF-16; a CSV separated by semicolons or tabs is told to
use commas, not "missing column 'id'" or "control character TAB"; a credit code a
spreadsheet made a number is told to format the column as text; a count typed in
full-width digits is given in half-width. An id is told its own limit (48), not a one-line
text's (200) first; a quoted value with blanks around it (which YAML keeps) is told so, an
address too, not advised about xn-- domains. Each refused (65) at its place, nothing
stored."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq, src  # noqa: E402

st = Store()
st.changji(until="2017-07-03T10:00:00+08:00")
with open(src("workflows", "changji-2017.yaml"), encoding="utf-8") as f:
    plan = f.read()


def refused(cmd, name, data, words, where=None):
    path = st.path(name)
    with open(path, "wb") as f:
        f.write(data)
    rc, out, err = st.run(*cmd, path) if cmd[0] != "import-annex" else st.run(
        "import-annex", path, *cmd[1:])
    eq(rc, 65, f"{name}: refused")
    for w in words:
        check(w in err, f"{name}: says {w!r}: {err!r}")
    if where:
        check(err.startswith(f"{path}:{where}: error: "), f"{name}: at {where}: {err!r}")
    return err


before = st.ok("tasks", "--format", "json")
refused(("check",), "u16le.yaml", plan.encode("utf-16-le"), ["UTF-16", "save it as UTF-8"], "1:1")
refused(("check",), "u16be.yaml", plan.encode("utf-16-be"), ["UTF-16", "save it as UTF-8"], "1:1")
refused(("check",), "u32.yaml", plan.encode("utf-32"), ["UTF-32", "save it as UTF-8"], "1:1")
refused(("check",), "u32le.yaml", plan.encode("utf-32-le"), ["UTF-32"], "1:1")
err = refused(("import",), "zero.csv", bytes(1 << 20), ["zero bytes"], "1:1")
check("UTF-16" not in err, f"zeros are not called UTF-16: {err!r}")
refused(("import",), "zero.yaml", bytes(4096), ["zero bytes"], "1:1")
HEAD = "id,name,jurisdiction,industry\n"
refused(("import",), "semi.csv", "id;name;jurisdiction;industry\n91652301MA0000001D;甲厂;"
        "fukang-city;steel\n".encode(), ["separated by semicolons", "CSV UTF-8"], "1:1")
refused(("import",), "tab.csv", "id\tname\tjurisdiction\tindustry\n91652301MA0000001D\t甲厂\t"
        "fukang-city\tsteel\n".encode(), ["separated by tabs", "CSV UTF-8"], "1:1")
refused(("import",), "sci.csv", (HEAD + "9.16523E+17,甲厂,fukang-city,steel\n").encode(),
        ["made the code a number", "format the column as text"], "2:1")
try:
    import openpyxl
    wb = openpyxl.Workbook()
    wb.active.append(["id", "name", "jurisdiction", "industry"])
    wb.active.append([916523011234567890, "甲厂", "fukang-city", "steel"])
    wb.save(st.path("num.xlsx"))
    with open(st.path("num.xlsx"), "rb") as f:
        refused(("import",), "num.xlsx", f.read(), ["made the code a number"])
except ImportError:
    print("note: no openpyxl: the .xlsx number cell is not tried")

# ids and quoted blanks in a registry YAML
for n in (600, 200):
    err = refused(("import",), f"r{n}.yaml", (
        f"jurisdictions:\n  - {{id: {'j' * n}, name: A, kind: county, email: [aa@x.example]}}\n"
        "offices:\n  admin: [a@x.example]\n").encode(), ["an id has at most 48"], "2:10")
    check("one-line text" not in err, f"an id of {n}: its own limit only: {err!r}")
refused(("import",), "q1.yaml", ('jurisdictions:\n  - {id: "aa\u3000", name: A, kind: county, '
                                 'email: [aa@x.example]}\n').encode(),
        ["bad jurisdiction id", "blanks around it"], "2:10")
err = refused(("import",), "q2.yaml", ('jurisdictions:\n  - {id: aa, name: A, kind: county, '
                                       'email: ["aa@x.example\u3000"]}\n').encode(),
              ["blanks around it"])
check("xn--" not in err, f"no advice about xn-- domains: {err!r}")

# Annex 3 counts in full-width digits
A3HEAD = ("县市、园区,超标企业基数（家）,限期整改（家）,挂牌督办（家）,淘汰关闭（家）,"
          "已完成清理（家）,整治中（家）,未启动（家）,逾期未完成（家）,完成率（%）")
refused(("import-annex", "--jurisdiction", "hutubi-county", "--month", "2017-06", "--by", "王科长"),
        "hutubi.csv", (A3HEAD + "\n呼图壁县,３,3,0,0,0,1,２,0,\n").encode(),
        ["not a whole number", "half-width digits, '3'"], "2:6")
eq(st.ok("tasks", "--format", "json"), before, "nothing refused changed the store")
st.cleanup()
done("wrongly saved files and values are told how to save and type them")
