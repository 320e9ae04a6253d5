"""A registry import (or a retirement) that changes nothing for a county leaves its tasks'
plan dates alone (review10h K3, K7): before, it re-ran the version's date sync, so an
extension to 03-17 of a task a version had kept became the version's 03-20 with a `changed`
notice, and every import re-listed the version's "kept" lines.

Worked out by hand (Europe/Berlin): version 1 due Friday 2017-03-10; the county lapses
03-11 00:00; version 2 (loaded 03-12) moves the plan's date to Monday 03-20: the lapsed
task keeps 03-10 ("kept: its deadline has passed"); the detachment extends it to Friday
03-17. Re-importing the same registry, and retiring another county, change nothing."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, county_plan, county_task, county_registry  # noqa: E402,E501


def plan(due):
    return county_plan("vv", "乙计划", [county_task("rep", "评估报告", due,
                                                   "remind: [-2d], submit_to: sup")],
                       offices=[("sup", "支队")])


REG = county_registry([("j1", "甲县"), ("j2", "乙县")], offices=("sup",))
st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T00:00:00+01:00")
st.ok("import", st.write("r.yaml", REG))
st.ok("load", st.write("v1.yaml", plan("2017-03-10")))
st.ok("advance", "--to", "2017-03-12T10:00:00+01:00")
out = st.ok("load", st.write("v2.yaml", plan("2017-03-20")))
check("kept: its deadline has passed" in out, out)
st.ok("extend", "vv/rep/j1/once", "--to", "2017-03-17", "--by", "支队", "--reason", "同意延期")
before = {m["X-Dabiao-Key"] for m in st.mails()}
out = st.ok("import", st.write("r.yaml", REG))
check("kept" not in out and "moved" not in out, f"the import changes nothing: {out}")
st.ok("retire", "j2", "--reason", "撤并")
eq([(t["key"], t["due_date"]) for t in st.tasks() if t["subject"] == "j1"],
   [("vv/rep/j1/once", "2017-03-17")], "the extension stands")
eq([m["X-Dabiao-Kind"] for m in st.mails() if m["X-Dabiao-Key"] not in before
    and "j1@" in m["To"]], [], "甲县 is told nothing")
done("an import or retirement leaves a plan's own dates as its version decided")
