"""Fair start for a task made too late to be met though its deadline has not passed yet
(docs/plan-format.md, "Fair start"): a weekly return added by a plan version at 10:00 on
its Friday due day, and an enterprise imported at 23:00 on the evening its filing is due,
each get the grace period and a start notice at once, as if made after the deadline; no
lapse and no conduct warning before the grace deadline. A task made before its last
reminder's time stays ordinary. And `extend` never shortens a deadline, back-dated or
not. Every expected value is worked out by hand below (grace: 3wd, Asia/Shanghai, no
holidays in February or March 2017 apart from weekends)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

HEAD = """\
plan: fs
title: 临期测试
timezone: Asia/Shanghai
notify_at: "09:00"
grace: 3wd
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  enterprise: {title: 企业, per: enterprise}
escalations:
  e:
    - {after: 1d, kind: overdue, notify: [owner]}
conduct:
  - {lapses: 1, within: 60d, kind: interview-warning, notify: [county_epb]}
phases:
  - id: p
    title: 阶段
    milestones:
      - {id: filing, title: 治理方案备案, owner: enterprise, for: each enterprise,
         due: 2017-02-10, remind: [-3d], escalate: e}
"""
WEEKLY = """\
      - {id: weekly, title: 周报, owner: county_epb, for: each jurisdiction,
         due: {every: 1 week, day: fri, from: 2017-W08, until: 2017-W10}, remind: [-2d],
         escalate: e}
"""
REG = """\
jurisdictions:
  - {id: a, name: 甲县, kind: county, email: [a@x.example]}
offices:
  admin: [admin@x.example]
"""
E0, E1, E2 = "91130000000000000N", "91130000000000001R", "91130000000000002W"


def csv(e, name, mail):
    return f"id,name,jurisdiction,industry,listed,email\n{e},{name},a,cement,true,{mail}\n"


def body(m):
    return m.get_body().get_content()


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T00:00:00+08:00")
st.ok("load", st.write("v1.yaml", HEAD))
st.ok("import", st.write("reg.yaml", REG))

# E0 before its reminder (02-07 09:00): an ordinary task, reminded, due 02-10.
st.ok("advance", "--to", "2017-02-07T08:00:00+08:00")
st.ok("import", st.write("e0.csv", csv(E0, "早企业", "e0@x.example")))
# E1 at 23:00 on its due day, after its only reminder: grace from Friday 02-10, three
# working days: Mon 13, Tue 14, Wed 15.
st.ok("advance", "--to", "2017-02-10T23:00:00+08:00")
out = st.ok("import", st.write("e1.csv", csv(E1, "晚企业", "e1@x.example")))
check("added too late to be met" in out, f"the import says E1's task came too late: {out}")
# E2 the next morning, after the deadline: grace from Saturday 02-11: 13, 14, 15 too.
st.ok("advance", "--to", "2017-02-11T10:00:00+08:00")
st.ok("import", st.write("e2.csv", csv(E2, "次日企业", "e2@x.example")))
t = {x["key"]: x for x in st.tasks()}
eq([(t[f"fs/filing/{e}/once"]["due_date"], t[f"fs/filing/{e}/once"]["deadline"],
     t[f"fs/filing/{e}/once"]["original_due_date"]) for e in (E1, E2)],
   [("2017-02-15", "2017-02-15T23:59:59+08:00", "2017-02-10")] * 2,
   "imported at 23:00 on the due day or the next morning: the same grace deadline")
eq(t[f"fs/filing/{E0}/once"]["due_date"], "2017-02-10", "E0 keeps the plan's date")

# Version 2 at 10:00 on Friday 03-03 adds a weekly return (-2d reminders on Wednesdays).
st.ok("advance", "--to", "2017-03-03T10:00:00+08:00")
out = st.ok("load", st.write("v2.yaml", HEAD + WEEKLY))
check("added too late to be met" in out and "not applicable" in out,
      f"the load says what came too late: {out}")
t = {x["key"]: x for x in st.tasks()}
w = {p: t[f"fs/weekly/a/{p}"] for p in ("2017-W08", "2017-W09", "2017-W10")}
eq((w["2017-W08"]["state"], w["2017-W09"]["state"], w["2017-W10"]["state"]),
   ("not-applicable", "open", "open"),
   "the week due 02-24 is not owed; the week due today is, as is next week's")
eq((w["2017-W09"]["due_date"], w["2017-W09"]["original_due_date"]),
   ("2017-03-08", "2017-03-03"), "today's week: three working days from Friday, Wed 03-08")
eq(w["2017-W10"]["due_date"], "2017-03-10", "next week's keeps its Friday")

st.ok("advance", "--to", "2017-03-08T12:00:00+08:00")


def what(m):
    if "warning" in m["X-Dabiao-Kind"]:
        return "conduct/" + m["X-Dabiao-Subject"]
    k = m["X-Dabiao-Task"].split("/")
    return k[1] + "/" + {E0: "E0", E1: "E1", E2: "E2"}.get(k[2], k[2]) + "/" + k[3]


got = sorted((m["X-Dabiao-Scheduled"][:16], m["X-Dabiao-Kind"], what(m)) for m in st.mails())
eq(got, sorted([
    ("2017-02-07T09:00", "reminder", "filing/E0/once"),        # E0's -3d
    ("2017-02-10T23:00", "start", "filing/E1/once"),           # E1, at once
    ("2017-02-11T09:00", "overdue", "filing/E0/once"),         # E0: a true lapse
    ("2017-02-11T09:00", "interview-warning", "conduct/a"),   # for E0 alone
    ("2017-02-11T10:00", "start", "filing/E2/once"),           # E2, at once
    ("2017-02-12T09:00", "reminder", "filing/E1/once"),        # -3d before Wed 02-15
    ("2017-02-12T09:00", "reminder", "filing/E2/once"),
    ("2017-02-16T09:00", "overdue", "filing/E1/once"),         # missed the grace deadline
    ("2017-02-16T09:00", "overdue", "filing/E2/once"),
    ("2017-02-16T09:00", "interview-warning", "conduct/a"),   # two new lapses: 3 in all
    ("2017-03-03T10:00", "start", "weekly/a/2017-W09"),       # the version's late week
    ("2017-03-06T09:00", "reminder", "weekly/a/2017-W09"),    # -2d before Wed 03-08
    ("2017-03-08T09:00", "reminder", "weekly/a/2017-W10"),    # -2d before Fri 03-10
]), "a start notice at once for each late arrival, no lapse before its grace deadline")
starts = {m["X-Dabiao-Task"]: body(m) for m in st.mails() if m["X-Dabiao-Kind"] == "start"}
b1 = starts[f"fs/filing/{E1}/once"]
check("原定截止时间为2017年2月10日（星期五）24时" in b1 and "来不及按期提醒" in b1 and
      "不作逾期处理" not in b1 and "2017年2月15日（星期三）24时前" in b1,
      f"E1's start notice: the plan's deadline still ahead, too close to be reminded: {b1}")
check("不作逾期处理" in starts[f"fs/filing/{E2}/once"],
      "E2's: the plan's deadline was already behind")
check("2017年3月8日（星期三）24时前" in starts["fs/weekly/a/2017-W09"],
      "the week's start notice gives its grace deadline")
warn = sorted((m for m in st.mails() if m["X-Dabiao-Kind"] == "interview-warning"),
              key=lambda m: m["X-Dabiao-Scheduled"])
eq([sorted(m.get_all("X-Dabiao-Task")) for m in warn],
   [[f"fs/filing/{E0}/once"], sorted(f"fs/filing/{e}/once" for e in (E0, E1, E2))],
   "E0's lapse (it was reminded) warned at once; E1's and E2's only after their grace")

# extend gives time: never an earlier date than the current deadline, back-dated or not.
k0, k1 = f"fs/filing/{E0}/once", f"fs/filing/{E1}/once"
for extra in ([], ["--backdate"]):
    rc, _, err = st.run("extend", k1, "--to", "2017-02-13", "--by", "zhidui", "--reason",
                        "x", *extra)
    eq(rc, 65, f"extend {' '.join(extra)} to a date before the deadline is refused")
    check("2017-02-13" in err and "2017-02-15" in err, f"naming both dates: {err}")
n = len(st.mails())
t = {x["key"]: x for x in st.tasks()}
eq((t[k1]["due_date"], t[k1]["state"], t[k1]["extended"]), ("2017-02-15", "overdue", False),
   "the refused extensions changed nothing")
eq(len(st.mails()), n, "and sent nothing")
# --backdate keeps its meaning: an extension agreed earlier whose new date is already past
st.ok("extend", k0, "--to", "2017-02-14", "--by", "zhidui", "--reason", "agreed on 02-09",
      "--backdate")
st.ok("extend", k1, "--to", "2017-03-31", "--by", "zhidui", "--reason", "more time")
t = {x["key"]: x for x in st.tasks()}
eq((t[k0]["due_date"], t[k0]["previous_due_date"], t[k0]["extended"]),
   ("2017-02-14", "2017-02-10", True), "a back-dated later date is accepted and recorded")
eq((t[k1]["due_date"], t[k1]["state"], t[k1]["previous_due_date"],
    t[k1]["original_due_date"]), ("2017-03-31", "open", "2017-02-15", "2017-02-10"),
   "a later date gives time; previous and original dates on record")
st.cleanup()
done("late arrivals on their due day: grace and start notice; extend never shortens")
