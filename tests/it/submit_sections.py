"""`submit --sections` names the milestone's own sections (review 10e, M-M): an id the
milestone does not have (a typo, anything on a milestone that requires none, an empty item)
is refused with 64 naming it and the milestone's sections, and nothing changes; blanks
around an item (a space after the comma, the ideographic space an input method leaves) are
not part of it; a section's Chinese title names it as its id does, and the record keeps the
ids. Before, every one of these was "declared nothing": a complete hand-in became
incomplete and its county was told to hand in again."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, county_plan, county_task, county_registry  # noqa: E402,E501

PLAN = county_plan("sx", "内容测试", [
    county_task("base", "超标企业基数", "2017-05-10", "submit_to: supervision, requires: "
                "{base-number: 超标企业基数, enterprise-list: 超标企业名单}"),
    county_task("plain", "工作简报", "2017-05-10", "submit_to: supervision")],
    offices=[("supervision", "监察支队")])
REG = county_registry([("a", "甲县"), ("b", "乙县"), ("c", "丙县"), ("d", "丁县")],
                      offices=("supervision",))

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-05-05T10:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG))


def state(key):
    return [t for t in st.tasks() if t["key"] == key][0]["state"]


def sections_recorded(key):
    """The sections of the task's last task.submit audit record."""
    out = st.ok("audit", "--task", key, "--format", "jsonl")
    recs = [json.loads(line)["record"] for line in out.splitlines() if line.strip()]
    subs = [r for r in recs if r["action"] == "task.submit"]
    return json.loads(subs[-1]["details"])["sections"] if subs else None


def refused(key, sections, words):
    before = (st.outbox(), st.ok("audit", "--format", "jsonl"))
    rc, _, err = st.run("submit", key, "--by", "张三", "--sections", sections)
    eq(rc, 64, f"--sections {sections!r} on {key} is refused as a usage error")
    for w in words:
        check(w in err, f"the refusal of {sections!r} says {w!r}: {err}")
    eq(state(key), "open", f"{key} is still open after the refusal")
    eq((st.outbox(), st.ok("audit", "--format", "jsonl")), before,
       f"nothing queued or recorded for {sections!r}")


# a typo: the milestone's two sections are named, by id and title
refused("sx/base/a/once", "base-number,enterprise-lists",
        ["'enterprise-lists'", "base-number (超标企业基数)", "enterprise-list (超标企业名单)"])
# an empty item between commas
refused("sx/base/a/once", "base-number,,enterprise-list", ["empty item"])
# a milestone that requires nothing has no section to name
refused("sx/plain/a/once", "summary", ["'summary'", "requires no sections"])

# a blank after the comma, and U+3000 after an id: both sections declared, complete
st.ok("submit", "sx/base/b/once", "--by", "张三", "--sections", "base-number, enterprise-list")
eq(state("sx/base/b/once"), "submitted", "'base-number, enterprise-list' declares both")
eq(sections_recorded("sx/base/b/once"), "base-number,enterprise-list",
   "the record keeps the ids without the blank")
st.ok("submit", "sx/base/c/once", "--by", "张三", "--sections", "enterprise-list　,base-number")
eq(state("sx/base/c/once"), "submitted", "an ideographic space after an id is no part of it")

# the Chinese titles, as on the paper the clerk holds: recorded as the ids
st.ok("submit", "sx/base/d/once", "--by", "张三", "--sections", "超标企业基数,超标企业名单")
eq(state("sx/base/d/once"), "submitted", "the titles name the sections")
eq(sections_recorded("sx/base/d/once"), "base-number,enterprise-list",
   "titles are recorded as the ids")

# one section really missing is still incomplete, and the notice names the other
st.ok("submit", "sx/base/a/once", "--by", "张三", "--sections", "超标企业基数")
eq(state("sx/base/a/once"), "incomplete", "one of two sections declared: incomplete")
inc = [m for m in st.mails() if m["X-Dabiao-Kind"] == "incomplete"]
eq([m["To"].split("@")[0] for m in inc], ["a"], "only 甲县 is told its hand-in is incomplete")
body = inc[0].get_body(("plain",)).get_content()
check("超标企业名单" in body and "（一）超标企业基数" not in body,
      f"the notice names the missing list only: {body}")

# --- matched by lookups since review 13f, C15; the same answers as the scan in order:
# a title that is another section's id names the first section it matches (x, titled y),
# an item given twice (or by its id and its title) counts once, in the order first given,
# and the sections of earlier hand-ins add up with later ones
TRICKY = county_plan("tx", "同名测试", [
    county_task("t", "甲报告", "2017-05-10", "submit_to: supervision, requires: "
                "{x: y, y: 乙节, z: z2}"),
    county_task("big", "大报告", "2017-05-10", "submit_to: supervision, requires: ["
                + ", ".join(f"s{i}" for i in range(3000)) + "]")],
    offices=[("supervision", "监察支队")])
st.ok("load", st.write("t.yaml", TRICKY))
st.ok("submit", "tx/t/a/once", "--by", "张三", "--sections", "z2,y,z,x")
eq(sections_recorded("tx/t/a/once"), "z,x", "z2 is z, y is x's title (the first match), "
   "z and x again count once, in the order given")
eq(state("tx/t/a/once"), "incomplete", "section y (乙节) was not declared")
st.ok("submit", "tx/t/a/once", "--by", "张三", "--sections", "乙节")
eq(sections_recorded("tx/t/a/once"), "y", "乙节 is y")
eq(state("tx/t/a/once"), "submitted", "x and z before, y now: the whole")

# 3,000 sections: all but s1234 declared, backwards and some twice: incomplete, and the
# notice asks for s1234 alone; then s1234 alone completes it
given = [f"s{i}" for i in reversed(range(3000)) if i != 1234] + ["s0", "s2999"]
st.ok("submit", "tx/big/b/once", "--by", "张三", "--sections", ",".join(given))
eq(state("tx/big/b/once"), "incomplete", "2,999 of 3,000 sections: incomplete")
eq(sections_recorded("tx/big/b/once"),
   ",".join(f"s{i}" for i in reversed(range(3000)) if i != 1234),
   "each declared section once, in the order given")
inc = [m for m in st.mails() if m["X-Dabiao-Kind"] == "incomplete" and m["To"].startswith("b@")]
body = inc[-1].get_body(("plain",)).get_content()
check("s1234" in body and "s1233" not in body and "s1235" not in body,
      "the notice names s1234, the one missing, and no other")
st.ok("submit", "tx/big/b/once", "--by", "张三", "--sections", "s1234")
eq(state("tx/big/b/once"), "submitted", "the missing section handed in: complete")

st.cleanup()
done("submit --sections: unknown ids refused (64), blanks trimmed, titles accepted")
