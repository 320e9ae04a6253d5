"""Sections add up over a task's hand-ins until it is returned (review 10f, F3).

A county whose evaluation report lacked a section got the 内容不全 notice asking it to make
up that section ("补齐上述内容"); it did, handing in only that one, and was told the section
it had handed in the day before was now missing: each hand-in was judged alone. Now the
sections a task holds are those of its hand-ins since its last return: the second hand-in
completes the report (submitted, waiting for review, no second notice), the audit record
says what this hand-in named (`sections`) and what the task now holds (`sections_held`).
A return asks for the report anew: the next hand-in is judged on what it names."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, county_plan, county_task, county_registry  # noqa: E402,E501

PLAN = county_plan("su", "分次报送", [
    county_task("eval", "评估报告", "2017-03-10", "submit_to: sup, requires: "
                "{overall: 总体情况, problems: 存在的问题, measures: 整改措施}")],
    offices=[("sup", "监察支队")])
KEY = "su/eval/a/once"

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T10:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", county_registry([("a", "甲县")], offices=("sup",))))


def state():
    return [t for t in st.tasks() if t["key"] == KEY][0]["state"]


def last_submit():
    out = st.ok("audit", "--task", KEY, "--format", "jsonl")
    recs = [json.loads(line)["record"] for line in out.splitlines() if line.strip()]
    return json.loads([r for r in recs if r["action"] == "task.submit"][-1]["details"])


def incomplete_bodies():
    return [m.get_body().get_content() for m in st.mails()
            if m["X-Dabiao-Kind"] == "incomplete" and m["To"].startswith("a@")]


def deliver():
    st.ok("deliver")


st.ok("submit", KEY, "--by", "张三", "--sections", "overall")
eq(state(), "incomplete", "one section of three: incomplete")
deliver()
bodies = incomplete_bodies()
eq(len(bodies), 1, "one 内容不全 notice")
check("存在的问题" in bodies[0] and "整改措施" in bodies[0] and "总体情况" not in bodies[0],
      f"it names the two sections missing, not the one handed in: {bodies[0]}")

# the next day the county sends one of the two it was asked for
st.ok("advance", "--to", "2017-03-02T10:00:00+08:00")
st.ok("submit", KEY, "--by", "张三", "--sections", "存在的问题")
eq(state(), "incomplete", "still one missing")
d = last_submit()
eq((d["sections"], d.get("sections_held"), d["missing"]), ("problems", "overall,problems",
                                                       "measures"),
   "the record: this hand-in's section, what the task holds, what is missing")
deliver()
bodies = incomplete_bodies()
eq(len(bodies), 2, "a second notice, for what is still missing")
check("整改措施" in bodies[1] and "总体情况" not in bodies[1] and "存在的问题" not in bodies[1],
      f"it names only 整改措施: {bodies[1]}")

# then the last one: the report is whole, and waits for review
st.ok("advance", "--to", "2017-03-03T10:00:00+08:00")
st.ok("submit", KEY, "--by", "张三", "--sections", "measures")
eq(state(), "submitted", "the three hand-ins hold every section: submitted")
d = last_submit()
eq((d["sections"], d.get("sections_held"), d["missing"]),
   ("measures", "overall,problems,measures", ""), "nothing missing")
deliver()
eq(len(incomplete_bodies()), 2, "no notice for a whole report")

# returned: the report is asked for anew, and one section is not the whole
st.ok("event", KEY, "return", "--by", "监察支队", "--reason", "数据有误")
st.ok("submit", KEY, "--by", "张三", "--sections", "measures")
eq(state(), "incomplete", "after a return, a hand-in is judged on what it names")
d = last_submit()
eq((d["sections"], d.get("sections_held"), d["missing"]), ("measures", None,
                                                           "overall、problems"),
   "the sections held before the return count no more")
st.ok("submit", KEY, "--by", "张三", "--sections", "overall,problems,measures")
eq(state(), "submitted", "whole again")
st.cleanup()
done("sections add up over a task's hand-ins until it is returned")
