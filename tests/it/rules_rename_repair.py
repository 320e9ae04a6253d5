"""Review 10f, F5: versions loaded in a repair order never give a milestone's period twice.
(1) Version 2 forgets `renamed_from` (the old milestone's tasks cancelled, the new one's
made), version 3 adds it: the cancelled tasks stay cancelled, the live ones stand. (2) A store
begun from the revised file, the older file loaded by mistake, then the revised one again:
the tasks carried over stand, the cancelled ones under the new id stay cancelled. Either
way each county owes one task, gets one reminder and one lapse, and `--dry-run` says so."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_plan, county_registry,  # noqa: E402
                       county_task)

OLD = county_plan("rn", "改名测试", [county_task("sum", "汇总", "2017-03-20", "remind: [-1d]")])
NOREN = county_plan("rn", "改名测试", [county_task("sum2", "汇总", "2017-03-20", "remind: [-1d]")])
FIXED = county_plan("rn", "改名测试", [county_task("sum2", "汇总", "2017-03-20",
                                                  "remind: [-1d], renamed_from: sum")])
REG = county_registry([("j", "甲县"), ("k", "乙县")])


def live(st):
    return sorted(t["key"] for t in st.tasks() if t["state"] not in ("cancelled",))


def after_due(st, want):
    st.ok("advance", "--to", "2017-03-22T10:00:00+08:00")
    got = sorted((m["X-Dabiao-Kind"], m["X-Dabiao-Task"]) for m in st.mails()
                 if m["X-Dabiao-Kind"] == "reminder")
    eq(got, [("reminder", k) for k in want], "one reminder (03-19 09:00) per county")
    eq(sorted(t["key"] for t in st.tasks() if t["state"] == "overdue"), want,
       "one lapse per county (03-20 23:59:59)")


# (1) v1, v2 without renamed_from, v3 with it
a = Store()
a.ok("init", "--clock", "virtual", "--now", "2017-03-01T10:00:00+08:00")
a.ok("load", a.write("old.yaml", OLD))
a.ok("import", a.write("r.yaml", REG))
a.ok("load", a.write("noren.yaml", NOREN))
want = ["rn/sum2/j/once", "rn/sum2/k/once"]
eq(live(a), want, "v2 without renamed_from: sum cancelled, sum2 made")
fixed = a.write("fixed.yaml", FIXED)
out = a.ok("load", fixed, "--dry-run")
check("cancelled tasks given again" not in out
      and "rn/sum/j/once" in out and "stays cancelled: rn/sum2/j/once gives its period of sum2" in out,
      f"the preview says the cancelled sum tasks stay cancelled: {out}")
a.ok("load", fixed)
eq(live(a), want, "the repair gives no second set")
after_due(a, want)

# (2) revised file first, then the older one, then the revised one again
b = Store()
b.ok("init", "--clock", "virtual", "--now", "2017-03-01T10:00:00+08:00")
b.ok("load", b.write("fixed.yaml", FIXED))
b.ok("import", b.write("r.yaml", REG))
b.ok("load", b.write("old.yaml", OLD))
want = ["rn/sum/j/once", "rn/sum/k/once"]
eq(live(b), want, "the older file: sum2 cancelled, sum made")
b.ok("load", b.path("fixed.yaml"))
eq(live(b), want, "the revised file again: sum's tasks carried over to sum2, no second set")
eq(sorted(t["milestone"] for t in b.tasks() if t["state"] == "open"), ["sum2", "sum2"],
   "the live tasks are sum2's now")
after_due(b, want)
for s in (a, b):
    s.cleanup()
done("a milestone's period is given once, whatever order versions were loaded in")
