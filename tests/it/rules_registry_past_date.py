"""A re-imported rectify_by already past, for a task still ahead of its own deadline, is
brought forward like a date too close to remind (review10g G5): before, it was ignored
("kept: the new deadline has passed") while a date one day ahead shortened the limit, so
the stricter sheet had the weaker effect.

Worked out by hand (Asia/Shanghai, weekends off, grace 10wd): 整改 due 2017-04-20
(reminded -3d). On Wednesday 03-15 10:00 the county's sheet says 03-10: the grace period
from 03-15 ends Wednesday 03-29 (16, 17, 20, 21, 22, 23, 24, 27, 28, 29), earlier than
04-20: the task is due 03-29 and the enterprise told. A task whose own deadline has
passed keeps it against a past date (nothing to bring forward)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, county_registry, enterprise_plan, E1  # noqa: E402,E501

PLAN = enterprise_plan("rp", "整改", [
    "{id: rect, title: 整改, owner: enterprise, for: each enterprise, "
    "due: {field: rectify_by}, remind: [-3d]}"])


def sheet(d):
    return ("id,name,jurisdiction,industry,rectify_by,email\n"
            f"{E1},甲钢铁,aa,steel,{d},e1@x.example\n")


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T00:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", county_registry([("aa", "甲县")])))
st.ok("import", st.write("e.csv", sheet("2017-04-20")))
st.ok("advance", "--to", "2017-03-15T10:00:00+08:00")
K = f"rp/rect/{E1}/once"
out = st.ok("import", st.write("e2.csv", sheet("2017-03-10")), "--dry-run")
check("grace until 2017-03-29" in out, f"the preview says what the past date does: {out}")
before = {m["X-Dabiao-Key"] for m in st.mails()}
st.ok("import", st.write("e2.csv", sheet("2017-03-10")))
eq([(t["due_date"], t["state"]) for t in st.tasks() if t["key"] == K], [("2017-03-29", "open")],
   "the limit comes forward to the end of the grace period")
told = [m for m in st.mails() if m["X-Dabiao-Key"] not in before]
eq([m["X-Dabiao-Kind"] for m in told], ["changed"], "the enterprise is told")
check(told and "2017年3月29日（星期三）24时" in told[0].get_content(),
      told[0].get_content() if told else "no notice")
done("a rectify_by already past brings a limit forward with the grace period")
