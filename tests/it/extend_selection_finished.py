"""`extend --milestone M --period P` gives the time to every county still owing the report,
and leaves one that has already finished (review 10e, M-J): before, the National Day
extension of `help extend`'s own example was refused as a whole (65) once a single county
had handed in early and been accepted. Finished tasks are left as they were, counted and
named after the count; a task handed in and waiting for review is not finished (it may
still be returned) and is extended; a selection of finished tasks only is refused (65) and
changes nothing."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, county_plan, county_task, county_registry  # noqa: E402,E501

PLAN = county_plan("nd", "国庆展期测试", [
    county_task("table", "月度汇总表", "{every: 1 month, day: 9, from: 2017-09, until: 2017-11}",
                "submit_to: supervision")], offices=[("supervision", "监察支队")])
REG = county_registry([("a", "甲县"), ("b", "乙县"), ("c", "丙县")], offices=("supervision",))

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-09-20T10:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG))
A, B, C = (f"nd/table/{j}/2017-10" for j in "abc")
# 甲县 hands in October's table early and the detachment accepts it; 乙县 hands in and
# waits for review; 丙县 has not handed in
st.ok("submit", A, "--by", "张三")
st.ok("event", A, "accept", "--by", "支队")
st.ok("submit", B, "--by", "李四")


def due(key):
    return [t for t in st.tasks() if t["key"] == key][0]["due_date"]


# by hand: 2017-10-09 is a Monday (the 9th of each month; 10-01..10-08 is the holiday);
# the detachment gives everyone until Thursday 10-12
eq((due(A), due(B), due(C)), ("2017-10-09",) * 3, "October's table is due 10-09 before")
before = {m["X-Dabiao-Key"] for m in st.mails()}
rc, out, err = st.run("extend", "--milestone", "table", "--period", "2017-10", "--to",
                      "2017-10-12", "--by", "支队", "--reason", "国庆假期")
eq(rc, 0, f"the extension is given though 甲县 has finished: {err}")
eq(out.splitlines(), ["extended 2 tasks to 2017-10-12",
                      "1 task already finished, not extended:",
                      "  " + A], "two extended, the finished one counted and named")
eq((due(A), due(B), due(C)), ("2017-10-09", "2017-10-12", "2017-10-12"),
   "乙县 (waiting for review) and 丙县 (open) get 10-12; 甲县's accepted task keeps 10-09")
told = sorted(m["To"].split("@")[0] for m in st.mails()
              if m["X-Dabiao-Key"] not in before and m["X-Dabiao-Kind"] == "extended")
eq(told, ["b", "c"], "only the two extended counties are told")
eq([t["state"] for t in st.tasks() if t["key"] == A], ["accepted"], "甲县 stays accepted")

# 甲县 alone: nothing is left to extend, refused, nothing changes
audit = st.ok("audit", "--format", "jsonl")
rc, out, err = st.run("extend", "--milestone", "table", "--period", "2017-10",
                      "--jurisdiction", "a", "--to", "2017-10-13", "--by", "支队",
                      "--reason", "国庆假期")
eq(rc, 65, "a selection of finished tasks only is refused")
check("already finished" in err, f"the refusal says why: {err}")
eq(st.ok("audit", "--format", "jsonl"), audit, "the refusal records nothing")
# one task named: still refused, as before
rc, _, err = st.run("extend", A, "--to", "2017-10-13", "--by", "支队", "--reason", "x")
eq(rc, 65, "extending the accepted task by its key is refused")

st.cleanup()
done("extend --milestone skips finished tasks, names them, extends the rest")
