"""Review 10e, M-B: a milestone due `after` another counts from the date the other's tasks
are owed, the fair-start grace included, and that date follows from recorded facts only
(when the plan and each version were loaded, when each county joined), never from when a
load or an advance happened to run: the same facts in another order or at other moments
give the same deadlines. Expected dates worked out by hand (weekends off, no holidays)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_plan, county_registry,  # noqa: E402
                       county_task)

SUM = "{id: sum, title: %s, owner: office, for: once, due: {after: rep, plus: 10wd}, " \
      "remind: [-1d]}"


def plan(sum_title):
    return county_plan("af", "后续事项", [county_task("rep", "甲报告", "2017-05-10", "remind: [-3d]"),
                                          SUM % sum_title],
                       offices=[("office", "支队")], rules="grace: 5wd\n")


V1, V2 = plan("汇总"), plan("汇总报告")   # version 2 renames nothing that matters to a date
BOTH = county_registry([("a", "甲县"), ("b", "乙县")], offices=("office",))
ONLY_A = county_registry([("a", "甲县")], offices=("office",))


def dues(st):
    return {t["key"]: (t["state"], t["due_date"]) for t in st.tasks()}


# By hand: rep is due Wed 05-10 (its -3d reminder 05-07 09:00). Loaded Mon 05-15 10:00, past
# its deadline: each county gets 5 working days from 05-15: 05-16..05-19, 05-22 -> Mon 05-22.
# sum is 10 working days after the date rep is owed: 05-23..05-26, 05-29..06-02, 06-05 ->
# Mon 06-05 (from the plan's 05-10 it would be Wed 05-24, before the reports are owed).
WANT = {"af/rep/a/once": ("open", "2017-05-22"), "af/rep/b/once": ("open", "2017-05-22"),
        "af/sum/office/once": ("open", "2017-06-05")}

# A: load, then import, at 05-15 10:00; version 2 loaded on 05-19.
a = Store()
a.ok("init", "--clock", "virtual", "--now", "2017-05-15T10:00:00+08:00")
a.ok("load", a.write("v1.yaml", V1))
a.ok("import", a.write("reg.yaml", BOTH))
eq(dues(a), WANT, "plan loaded late: the reports get grace to 05-22, the summary counts from it")
a.ok("advance", "--to", "2017-05-19T10:00:00+08:00")
a.ok("load", a.write("v2.yaml", V2))
eq(dues(a), WANT, "a later version loaded on 05-19 keeps the dates (the arrival is on record)")
out = a.ok("extend", "--milestone", "rep", "--to", "2017-05-31", "--by", "支队",
           "--reason", "统一延期")
check("note: milestone sum (汇总报告) is due after rep" in out,
      f"an extension of the reports names the summary that does not move with it: {out}")
eq(dues(a)["af/sum/office/once"], ("open", "2017-06-05"), "the extension does not move sum")

# B: the same facts in another order (import before load) and version 2 loaded on 05-25,
# a day after the date the summary would have had from the plan's 05-10.
b = Store()
b.ok("init", "--clock", "virtual", "--now", "2017-05-15T10:00:00+08:00")
b.ok("import", b.write("reg.yaml", BOTH))
b.ok("load", b.write("v1.yaml", V1))
eq(dues(b), WANT, "import before load: the same dates")
b.ok("advance", "--to", "2017-05-25T10:00:00+08:00")
b.ok("load", b.write("v2.yaml", V2))
want_b = dict(WANT, **{"af/rep/a/once": ("overdue", "2017-05-22"),
                       "af/rep/b/once": ("overdue", "2017-05-22")})
eq(dues(b), want_b, "version 2 loaded on 05-25: the summary still 06-05 and not lapsed")
sums = [m for m in b.mails() if m["X-Dabiao-Task"] == "af/sum/office/once"]
eq([m["X-Dabiao-Kind"] for m in sums], [], "nothing about the summary before 06-04")
b.ok("advance", "--to", "2017-06-04T10:00:00+08:00")
sums = [(m["X-Dabiao-Kind"], m["X-Dabiao-Scheduled"]) for m in b.mails()
        if m["X-Dabiao-Task"] == "af/sum/office/once"]
eq(sums, [("reminder", "2017-06-04T09:00:00+08:00")], "its -1d reminder on 06-04")

# C: a county that joins late moves the summary with it. Loaded in time on 05-01 with 甲县
# only: rep due 05-10, sum 05-24 (10 working days: 05-11, 12, 15..19, 22..24). 乙县 joins
# on Mon 05-15 10:00: its report gets until 05-22, and the summary of both until 06-05.
c = Store()
c.ok("init", "--clock", "virtual", "--now", "2017-05-01T10:00:00+08:00")
c.ok("load", c.write("v1.yaml", V1))
c.ok("import", c.write("a.yaml", ONLY_A))
eq(dues(c), {"af/rep/a/once": ("open", "2017-05-10"), "af/sum/office/once": ("open", "2017-05-24")},
   "loaded in time: the plan's dates")
c.ok("advance", "--to", "2017-05-15T10:00:00+08:00")
c.ok("import", c.write("reg.yaml", BOTH))
eq(dues(c), {"af/rep/a/once": ("overdue", "2017-05-10"), "af/rep/b/once": ("open", "2017-05-22"),
             "af/sum/office/once": ("open", "2017-06-05")},
   "乙县 joined on 05-15: its report due 05-22, the summary 06-05")
told = [m for m in c.mails() if m["X-Dabiao-Kind"] == "changed" and str(m["To"]) == "office@x.example"]
check(len(told) == 1 and "2017年6月5日" in told[0].get_body().get_content(),
      f"the detachment is told its summary moved to 06-05: {[m.get_body().get_content() for m in told]}")

for s in (a, b, c):
    s.cleanup()
done("an `after` due counts from the grace its predecessor got, by recorded facts only")
