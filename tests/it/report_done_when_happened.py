"""Annex 3 and Annex 4 count a step as of when it happened, not when it was typed in
(review12z, Z1): a rectification verified on site on 07-20 and entered on 08-20 with
`event … verify --at 2017-07-20T10:00+08:00` (what `help event` gives --at for) is done at
July's end, and Annex 4's 完成日期 is 2017-07-20, as the audit record's `at` and the
accountability report say; it was 08-20, and July's table showed it not done. The Changji
plan and registry; 呼图壁县's 91652323MA77AQUU8C (限期 2017-07-31)."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402

CODE = "91652323MA77AQUU8C"
T = f"changji-2017/rectification/{CODE}/once"
st = Store()
st.changji("2017-07-10T10:00:00+08:00")
st.ok("event", T, "start", "--by", "县环保局")
st.ok("advance", "--to", "2017-08-20T10:00:00+08:00")
st.ok("event", T, "verify", "--by", "监察支队", "--at", "2017-07-20T10:00:00+08:00")


def a4(month):
    return [x for x in json.loads(st.ok("report", "annex4", "--month", month, "--format", "json"))
            if x["credit_code"] == CODE][0]


def a3(month):
    return [x for x in json.loads(st.ok("report", "annex3", "--month", month, "--format", "json"))
            if x["jurisdiction"] == "呼图壁县"][0]


row = a4("2017-07")
eq((row["state"], row["done_date"]), ("已整改验收", "2017-07-20"),
   "July's Annex 4: verified on 07-20, when it happened")
eq(a4("2017-08")["done_date"], "2017-07-20", "and so in August's")
eq(a4("2017-06")["state"], "未启动", "June's end is before anything happened")
j, a = a3("2017-07"), a3("2017-06")
eq(j["done"], 1, f"July's Annex 3 counts it done: {j}")
eq(j["base"], j["done"] + j["in_progress"] + j["not_started"] + j["overdue"], "the sum holds")
eq(a["done"], 0, "June's does not")
acc = json.loads(st.ok("report", "accountability", "--format", "json"))["records"]
check(not any(r["task"] == T and r["kind"] in ("逾期未完成", "逾期") for r in acc),
      f"no lapse counts against it: {[r for r in acc if r['task'] == T]}")
# the accountability report says the step in words, not the plan's event id (review12z, Z10)
mine = [r for r in acc if r["task"] == T]
check(mine and all("verify" not in r["reason"] for r in mine) and
      any("办结（转为已整改验收，经办 监察支队）" in r["reason"] for r in mine),
      f"the verification in words: {mine}")
out = st.ok("report", "accountability")
check("统计区间：第一条审计记录 至 打印时" in out and "（起）" not in out,
      f"the whole trail's period in words: {out[-300:]}")
done("a step counts as of when it happened")
