"""The month of a report and the month of a task's key are not the same, and the output says
which is which (review of issue 12, M1): the Changji plan's task monthly-summary/J/2017-08 is
the table handed in in August, covering July (`covers: previous`), which is `report annex3
--month 2017-07`. The table's note says the period it covers and the task that hands it in;
a --month that has not begun (the month of a task's key, given for the period) is refused
with the month it most likely means. The Changji plan and registry on a virtual clock at
2017-08-10 12:00 +08:00."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402

st = Store()
st.changji("2017-08-10T12:00:00+08:00")
keys = {t["key"] for t in st.tasks("--milestone", "monthly-summary")}

# July's table: the note names the period and the task, whose key says August
out = st.ok("report", "annex3", "--month", "2017-07")
m = re.search(r"本表为2017年7月的情况，对应各县市、园区2017年8月报送的“([^”]+)”（任务 (\S+)；"
              r"任务键中的月份是报送的月份，不是表所反映的月份）", out)
check(m is not None, f"the note says July is covered and which task hands it in: {out[-600:]}")
if m:
    eq(m.group(2), "changji-2017/monthly-summary/<县市>/2017-08", "the task of July's table")
    check(m.group(2).replace("<县市>", "hutubi-county") in keys,
          "that task exists, for each county")
    check(m.group(1).startswith("全州10个行业超标企业"), f"the milestone by its title: {m.group(1)}")
# the month still running says the same of itself
out = st.ok("report", "annex3", "--month", "2017-08")
check("本表为2017年8月的情况，对应各县市、园区2017年9月报送的" in out and "尚未结束" in out,
      f"August, not ended, covered by September's task: {out[-500:]}")
# the XLSX carries the note too
xf = st.path("a3.xlsx")
st.ok("report", "annex3", "--month", "2017-07", "--format", "xlsx", "--out", xf)
import openpyxl  # noqa: E402
texts = [c.value for r in openpyxl.load_workbook(xf).active.iter_rows() for c in r
         if isinstance(c.value, str)]
check(any("本表为2017年7月的情况" in t for t in texts), "the workbook's note says it")

# Annex 4, every two months (review12z, Z3): June's is the May–June table of task 2017-07;
# July ends no Annex 4 period, and the note says no county's table is of it
out = st.ok("report", "annex4", "--month", "2017-06")
check("本表为2017年6月的情况，对应各县市、园区2017年7月报送的“全区10个行业超标企业清理明细表" in out
      and "（反映2017年5—6月；任务 changji-2017/bimonthly-detail/<县市>/2017-07；" in out,
      f"June's Annex 4: the two months and the task: {out[-600:]}")
check("changji-2017/bimonthly-detail/hutubi-county/2017-07" in
      {t["key"] for t in st.tasks("--milestone", "bimonthly-detail")}, "that task exists")
out = st.ok("report", "annex4", "--month", "2017-07")
check("没有县市、园区报送的“全区10个行业超标企业清理明细表（附件4）”所反映的期间止于2017年7月" in out,
      f"July: no county's Annex 4 is of it: {out[-600:]}")
checks = {x["check"] for x in json.loads(st.ok("report", "annex4", "--month", "2017-07",
                                                "--format", "json"))}
eq(checks, {"—"}, "and its 核对 are —")

# the month of a task's key given as the period: September has not begun on 08-10
rc, _, err = st.run("report", "annex3", "--month", "2017-09")
eq(rc, 65, f"September has not begun: {err}")
check("task changji-2017/monthly-summary/<county>/2017-09, due in 2017-09, is the table of "
      "2017-08 (--month 2017-08)" in err, f"the task's month explained: {err}")
done("a report says the period it covers and the task that hands it in")
