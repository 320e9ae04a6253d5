"""`extend --milestone M` names tasks of one plan: with two plans in one store that both have
a milestone `table`, an extension without `--plan` used to move both plans' deadlines and
tell both plans' owners (issue 10, left from review 10e). It is refused (64) naming the
plans and asking for --plan, and nothing changes; with --plan only that plan's tasks move;
a milestone only one loaded plan has needs no --plan. Listing across plans stays allowed
(`tasks --milestone table` shows both plans' tasks).

By hand: both plans' `table` is due Friday 2017-03-31 for 甲县 (a); the extension gives
until Friday 04-07."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, county_plan, county_task, county_registry  # noqa: E402,E501

PA = county_plan("pa", "甲计划", [county_task("table", "月报表", "2017-03-31"),
                                 county_task("only", "专项表", "2017-03-31")])
PB = county_plan("pb", "乙计划", [county_task("table", "季报表", "2017-03-31")])

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T10:00:00+08:00")
st.ok("load", st.write("pa.yaml", PA))
st.ok("load", st.write("pb.yaml", PB))
st.ok("import", st.write("r.yaml", county_registry([("a", "甲县")])))


def due(key):
    return [t for t in st.tasks() if t["key"] == key][0]["due_date"]


eq((due("pa/table/a/once"), due("pb/table/a/once")), ("2017-03-31",) * 2, "both due 03-31")
eq(sorted(t["plan"] for t in st.tasks("--milestone", "table")), ["pa", "pb"],
   "listing a milestone spans the plans that have it")

audit = st.ok("audit", "--format", "jsonl")
mails = st.outbox()
rc, out, err = st.run("extend", "--milestone", "table", "--to", "2017-04-07", "--by", "支队",
                      "--reason", "系统故障")
eq(rc, 64, f"a milestone two loaded plans have needs --plan: {out} {err}")
check("pa, pb" in err and "--plan" in err, f"the refusal names both plans and --plan: {err}")
eq(st.ok("audit", "--format", "jsonl"), audit, "the refusal records nothing")
eq(st.outbox(), mails, "and tells nobody")
eq((due("pa/table/a/once"), due("pb/table/a/once")), ("2017-03-31",) * 2, "nothing moved")
# narrowing by jurisdiction or period does not say which plan either
eq(st.run("extend", "--milestone", "table", "--jurisdiction", "a", "--period", "once",
          "--to", "2017-04-07", "--by", "支队", "--reason", "系统故障")[0], 64,
   "a narrower selection still spans both plans")

st.ok("extend", "--milestone", "table", "--plan", "pb", "--to", "2017-04-07", "--by", "支队",
      "--reason", "系统故障")
eq((due("pa/table/a/once"), due("pb/table/a/once")), ("2017-03-31", "2017-04-07"),
   "--plan pb moves pb's task only")
told = [m["X-Dabiao-Task"] for m in st.mails() if m["X-Dabiao-Kind"] == "extended"]
eq(told, ["pb/table/a/once"], "only pb's owner is told")

# a milestone of one loaded plan: proceeds as before, without --plan
st.ok("extend", "--milestone", "only", "--to", "2017-04-07", "--by", "支队", "--reason", "系统故障")
eq(due("pa/only/a/once"), "2017-04-07", "a milestone only pa has needs no --plan")
done("extend --milestone refuses a milestone of two plans without --plan")
