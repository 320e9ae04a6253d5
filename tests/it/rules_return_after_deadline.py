"""A report handed in in time and returned after its deadline passed while it waited for
review gets a correction period from the return, even when it had one before: the
receiver's delay is not the owner's lapse (review 10e, M-G). A late hand-in returned
still lapses at once. Values worked out by hand (Asia/Shanghai; March 2017 has no
holidays)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_plan, county_task,  # noqa: E402
                       county_registry)

PLAN = county_plan("ra", "退回测试", [
    county_task("a", "甲报告", "2017-03-10", "submit_to: sup, correction: 3wd"),
    county_task("b", "乙报告", "2017-03-10", "submit_to: sup, correction: 3wd")],
    offices=[("sup", "支队")])
REG = county_registry([("j", "甲县")], ["sup"])


def task(key):
    t = {x["key"]: x for x in st.tasks()}[key]
    return (t["state"], t["due_date"])


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T10:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG))
st.ok("advance", "--to", "2017-03-08T10:00:00+08:00")
st.ok("submit", "ra/a/j/once", "--by", "张三")                      # Wed 03-08, in time
st.ok("advance", "--to", "2017-03-09T10:00:00+08:00")
st.ok("event", "ra/a/j/once", "return", "--by", "支队", "--reason", "附表不全")
# Thu 03-09 + 3 working days: Fri 03-10, Mon 03-13, Tue 03-14
eq(task("ra/a/j/once"), ("returned", "2017-03-14"), "the first correction period")
st.ok("advance", "--to", "2017-03-13T10:00:00+08:00")
st.ok("submit", "ra/a/j/once", "--by", "张三")                      # Mon 03-13, in time
# the detachment reviews it on Thu 03-16, after the 03-14 deadline passed
st.ok("advance", "--to", "2017-03-16T10:00:00+08:00")
eq(task("ra/a/j/once"), ("submitted", "2017-03-14"), "waiting for review does not lapse")
st.ok("event", "ra/a/j/once", "return", "--by", "支队", "--reason", "数据与名录不符")
# Thu 03-16 + 3 working days: Fri 03-17, Mon 03-20, Tue 03-21
eq(task("ra/a/j/once"), ("returned", "2017-03-21"), "a second correction period, not a lapse")
mail = [m for m in st.mails() if m["X-Dabiao-Kind"] == "returned"][-1]
body = mail.get_body().get_content()
check("2017年3月21日" in body and "已按逾期处理" not in body, body)
eq([m for m in st.mails() if m["X-Dabiao-Kind"] == "overdue"], [], "no overdue notice")
# b: handed in late (Mon 03-13, after its 03-10 deadline), returned: overdue at once
st.ok("submit", "ra/b/j/once", "--by", "张三")
st.ok("event", "ra/b/j/once", "return", "--by", "支队", "--reason", "x")
eq(task("ra/b/j/once")[0], "overdue", "a late hand-in returned lapses at once")
# a is not handed in again: it lapses Tue 03-21 23:59:59
st.ok("advance", "--to", "2017-03-22T10:00:00+08:00")
eq(task("ra/a/j/once")[0], "overdue", "and lapses when the new period ends")
st.cleanup()
done("a report handed in in time and returned after its deadline gets time to correct")
