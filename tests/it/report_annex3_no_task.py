"""Annex 3 of a month no county's table covers names no task (review12a, P5). The Changji
monthly summary is due 07-05…11-05 (covers: previous, June…October): `report annex3 --month
2017-02` said 对应各县市、园区2017年3月报送的“…”（任务 changji-2017/monthly-summary/<县市>/2017-03…
— a task that does not exist. Now its note says no county's table is of that month, as
Annex 4's does for a month that ends no period; June's still names the task that hands it in."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402

st = Store()
st.changji("2017-07-03T10:00:00+08:00")
keys = {t["key"].rsplit("/", 1)[1] for t in json.loads(st.ok(
    "tasks", "--milestone", "monthly-summary", "--subject", "changji-city", "--format", "json"))}
check("2017-03" not in keys and "2017-07" in keys, f"the summary's tasks: {sorted(keys)}")
for layout in ((), ("--by", "industry")):
    feb = st.ok("report", "annex3", "--month", "2017-02", *layout)
    check("反映2017年2月，本表无县市、园区报送的表与之对应" in feb,
          f"February {layout}: said: {feb[-600:]}")
    check("monthly-summary/<县市>/2017-03" not in feb and "（任务 " not in feb,
          f"February {layout}: no task named: {feb[-600:]}")
jun = st.ok("report", "annex3", "--month", "2017-06")
check("（任务 changji-2017/monthly-summary/<县市>/2017-07" in jun and "本表无" not in jun,
      f"June's names the task that hands it in: {jun[-600:]}")
done("an Annex 3 no county table covers names no task")
