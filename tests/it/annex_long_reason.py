"""import-annex takes back the long free text of the form dabiao sent (review12z, Z2): a
registry's 超标原因 or 主要污染物 (a free attribute) holds up to 4,000 characters and the blank
Annex 4 dabiao attaches carries it as it is; a county that fills in 月末状态 and sends the
form back was refused because the import held those two columns to a one-line text's 200
characters ("a name, a title, who acted"). They now take the registry's 4,000, and one over
is named as the several-line text it is. The Changji plan and registry at 2017-07-03;
呼图壁县's listed enterprises, as dabiao's own May–June Annex 4 lists them."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402

A4HEAD = ("序号,县市、园区,企业名称,统一社会信用代码,行业,主要污染物,超标原因,清理措施,整改时限,"
          "月末状态,完成日期,责任单位,责任人")
st = Store()
st.changji("2017-07-03T10:00:00+08:00")
mine = [x for x in json.loads(st.ok("report", "annex4", "--month", "2017-06", "--format", "json"))
        if x["jurisdiction"] == "呼图壁县"]
check(len(mine) == 3, f"呼图壁县's three enterprises: {len(mine)}")


def form(reason, pollutants="颗粒物"):
    lines = [A4HEAD]
    for i, m in enumerate(mine, 1):
        lines.append(",".join([str(i), "呼图壁县", m["enterprise"], m["credit_code"],
                               m["industry"] or "", pollutants, reason, m["measure"] or "",
                               m["rectify_by"] or "", m["state"], m["done_date"] or "",
                               m["responsible_unit"] or "", m["responsible_person"] or ""]))
    return "\n".join(lines) + "\n"


def imp(name, text, *more):
    return st.run("import-annex", st.write(name, text), "--jurisdiction", "hutubi-county",
                  "--month", "2017-06", "--by", "王科长", *more)


long_reason = "烧结机头烟气治理设施老化，" * 25          # 325 characters
rc, out, err = imp("long.csv", form(long_reason), "--dry-run")
eq(rc, 0, f"a 325-character 超标原因 is taken: {err}")
rc, out, err = imp("long-poll.csv", form("原因", "颗粒物、二氧化硫、" * 30), "--dry-run")
eq(rc, 0, f"a 270-character 主要污染物 is taken: {err}")
rc, out, err = imp("edge.csv", form("甲" * 4000), "--dry-run")
eq(rc, 0, f"4,000 characters, the registry's most: {err}")
rc, out, err = imp("over.csv", form("甲" * 4001), "--dry-run")
eq(rc, 65, f"4,001 characters: refused: {err}")
check("超标原因" in err and "4001 characters long" in err and "several lines" in err
      and "a name, a title" not in err, f"named as the several-line text it is: {err}")
# a one-line column keeps the one-line bound
rc, out, err = imp("name.csv", form("原因").replace(mine[0]["responsible_unit"], "局" * 201, 1),
                   "--dry-run")
eq(rc, 65, f"a 201-character 责任单位: refused: {err}")
check("200" in err, f"the one-line bound: {err}")
done("the form's long free text comes back whole")
