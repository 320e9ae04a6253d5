"""A registry import that moves several of one owner's deadlines (a new `rectify_by` per
enterprise) tells that owner once: one grouped `changed` notice listing each move, as a
plan version does, not one `extended` notice per task (issue 10, left from rules5). And a
person's extension stands against a sheet that would take time off it (review 10e, M-C):
the import keeps it and says so; a sheet date later than the extension still moves it.
Every expected value is worked out by hand below (Asia/Shanghai, weekends only)."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_registry, enterprise_plan,  # noqa: E402,E501
                       E1, E2)

PLAN = enterprise_plan("rg", "整改督办", [
    "{id: fix, title: 限期整改, owner: enterprise, for: each enterprise, "
    "due: {field: rectify_by}, remind: [-7d]}",
    "{id: report, title: 整改情况报告, owner: enterprise, for: each enterprise, "
    "due: {field: rectify_by}, remind: [-7d]}"])
REG = county_registry([("aa", "甲县")])


def sheet(d1, d2):
    return ("id,name,jurisdiction,industry,rectify_by,email\n"
            f"{E1},甲钢铁,aa,steel,{d1},e1@x.example\n{E2},乙水泥,aa,cement,{d2},e2@x.example\n")


def key(m, e):
    return f"rg/{m}/{e}/once"


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T10:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG))
st.ok("import", st.write("e1.csv", sheet("2017-06-30", "2017-08-31")))
# the detachment extends 乙水泥's rectification to 2017-10-31
st.ok("extend", key("fix", E2), "--to", "2017-10-31", "--by", "支队长", "--reason", "设备采购周期长")
before = {m["X-Dabiao-Key"] for m in st.mails()}
# the county's new sheet, Thursday 03-02 10:00: 甲钢铁 06-30 -> 05-31 (both its tasks move);
# 乙水泥 08-31 -> 09-15: its report moves, its rectification (extended by hand to 10-31,
# later than 09-15) is kept
st.ok("advance", "--to", "2017-03-02T10:00:00+08:00")
out = st.ok("import", st.write("e2.csv", sheet("2017-05-31", "2017-09-15")))
eq([ln.split(None, 1)[1] for ln in out.splitlines() if ln.strip().startswith(key("fix", E2))],
   ["2017-10-31 -> 2017-09-15  kept: extended by hand to 2017-10-31 (支队长)"],
   "the extension is kept, and the import says whose")
t = {x["key"]: x["due_date"] for x in st.tasks()}
eq([t[key("fix", E1)], t[key("report", E1)], t[key("fix", E2)], t[key("report", E2)]],
   ["2017-05-31", "2017-05-31", "2017-10-31", "2017-09-15"],
   "moved, moved, kept (extended by hand), moved")
told = [m for m in st.mails() if m["X-Dabiao-Key"] not in before]
eq(sorted((m["X-Dabiao-Kind"], str(m["To"]), tuple(sorted(m.get_all("X-Dabiao-Task"))))
          for m in told),
   [("changed", "e1@x.example", tuple(sorted([key("fix", E1), key("report", E1)]))),
    ("changed", "e2@x.example", (key("report", E2),))],
   "one notice per owner: 甲钢铁 hears of its two moves at once, 乙水泥 of one")
body = [m for m in told if str(m["To"]) == "e1@x.example"][0].get_body().get_content()
check("根据更新后的登记册，你单位承担的以下2项事项有调整" in body and body.count(
      "截止时间由2017年6月30日（星期五）24时调整为2017年5月31日（星期三）24时（登记册中的整改时限已调整）")
      == 2, body)
aud = [json.loads(ln)["record"] for ln in st.ok("audit", "--format", "jsonl").splitlines()]
eq(sorted(r["task"] for r in aud if r["action"] == "task.redate"),
   sorted([key("fix", E1), key("report", E1), key("report", E2)]), "each move audited")
# a sheet date later than the extension gives more time: it moves
st.ok("import", st.write("e3.csv", sheet("2017-05-31", "2017-11-30")))
eq({x["key"]: x["due_date"] for x in st.tasks()}[key("fix", E2)], "2017-11-30",
   "a registry date later than the extension moves it")
# a sheet with 甲钢铁's time limit left blank: its tasks end, and the words name the
# registry, not a plan that nobody revised (review 10e, M-I)
before = {m["X-Dabiao-Key"] for m in st.mails()}
out = st.ok("import", st.write("e4.csv", sheet("", "2017-11-30")))
eq([ln.split(None, 1)[1] for ln in out.splitlines() if ln.strip().startswith(key("fix", E1))],
   [f"the registry gives {E1} no rectify_by any more"], "the preview's reason")
told = [m for m in st.mails() if m["X-Dabiao-Key"] not in before]
eq([str(m["To"]) for m in told], ["e1@x.example"], "甲钢铁 told")
body = told[0].get_body().get_content()
check(body.count("撤销，不再完成（登记册中已无该单位的整改时限（rectify_by））") == 2 and
      "修订后的方案" not in body, body)
st.cleanup()
done("a registry import tells each owner once of every date it moves, and keeps a person's "
     "extension against an earlier sheet date")
