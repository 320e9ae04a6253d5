"""Grouping and holding never cost a reminder its deadline (review12a, P11 and P7).

P11, `notices.group: [reminder, overdue]` with hour offsets (notify_at 09:00): task 甲
(due 2019-09-20, the day's end) is reminded -1d and -3h, task 乙 (due 2019-09-20 18:00)
-4h. The -4h (14:00) and -3h (20:59:59) reminders come after the day's digest: they go alone
at their time on 09-20, saying 今日即为截止日, not in the 09-21 digest after both deadlines.
The -1d one (09-19 09:00) is the day's only notice; 甲's overdue notice (2 hours after its
deadline, 09-21 01:59:59) waits for the 09-21 09:00 digest, the same day; 乙's (09-20 20:00)
would wait for the next day's and goes alone.

P7, `notices.hold: all` on the mainland calendar of 2019 (10-01..10-07 off, Sunday 09-29
worked): task 丙 due Thursday 2019-10-03, in the holiday, reminded -2d (10-01) and -1d
(10-02); held to 10-08 both would come after the deadline and were dropped, the county's
first word its overdue notice. Now both go back to the last working morning before the
deadline, Monday 09-30 09:00, one reminder (two at one moment are one). Task 丁 due Sunday
2019-09-22, -3d (Thursday 09-19) and -1d (Saturday 09-21, held back to Friday 09-20)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402

REG = """\
jurisdictions:
  - {id: aa, name: 甲区, kind: county, email: [aa@x.example]}
offices:
  admin: [admin@x.example]
"""
GROUP = """\
plan: grp
title: 分组测试计划
timezone: Asia/Shanghai
notify_at: "09:00"
notices: {group: [reminder, overdue]}
roles:
  unit: {title: 区分局, per: jurisdiction, unit: 生态环境分局}
escalations:
  s:
    - {after: 2h, kind: overdue, notify: [owner]}
phases:
  - id: p
    title: P
    milestones:
      - {id: a, title: 甲报告, owner: unit, for: each jurisdiction, due: 2019-09-20,
         remind: [-1d, -3h], escalate: s}
      - {id: b, title: 乙报告, owner: unit, for: each jurisdiction, due: "2019-09-20T18:00",
         remind: [-4h], escalate: s}
"""
HOLD = """\
plan: hold
title: 节假日测试计划
timezone: Asia/Shanghai
notify_at: "09:00"
calendar: {use: [cn-mainland]}
notices: {hold: all}
roles:
  unit: {title: 区分局, per: jurisdiction, unit: 生态环境分局}
phases:
  - id: p
    title: P
    milestones:
      - {id: c, title: 丙报告, owner: unit, for: each jurisdiction, due: 2019-10-03,
         remind: [-2d, -1d]}
      - {id: d, title: 丁报告, owner: unit, for: each jurisdiction, due: 2019-09-22,
         remind: [-3d, -1d]}
"""


def year(plan, until):
    st = Store()
    st.ok("init", "--clock", "virtual", "--now", "2019-09-01T00:00:00+08:00", "--tz",
          "Asia/Shanghai")
    st.ok("load", st.write("p.yaml", plan))
    st.ok("import", st.write("r.yaml", REG))
    st.ok("advance", "--to", until)
    return st


st = year(GROUP, "2019-09-23T00:00:00+08:00")
mails = [(str(m["Date"]), m["X-Dabiao-Kind"], sorted(m.get_all("X-Dabiao-Task") or []),
          m.get_body(("plain",)).get_content()) for m in st.mails()]
got = sorted((d, k, t) for d, k, t, _ in mails)
A, B = "grp/a/aa/once", "grp/b/aa/once"
eq(got, sorted([
    ("Thu, 19 Sep 2019 09:00:00 +0800", "digest", [A]),          # -1d: the day's only one
    ("Fri, 20 Sep 2019 14:00:00 +0800", "reminder", [B]),        # -4h, alone, on the day
    ("Fri, 20 Sep 2019 20:59:59 +0800", "reminder", [A]),        # -3h, alone, on the day
    ("Fri, 20 Sep 2019 20:00:00 +0800", "overdue", [B]),         # 2h late: tomorrow's digest
    ("Sat, 21 Sep 2019 09:00:00 +0800", "digest", [A]),          # 02:00's overdue, same day
]), "each notice at its time or in its own day's digest")
for d, k, t, body in mails:
    if "今日即为截止日" in body:
        check(d.startswith("Fri, 20 Sep"), f"今日即为截止日 only on the deadline's day: {d} {k} {t}")
late = [(d, k) for d, k, t, body in mails if d.startswith("Sat") and "提醒" in body.split("\n")[0]]
eq(late, [], "no reminder after the deadlines")
st.cleanup()

st = year(HOLD, "2019-10-12T00:00:00+08:00")
rem = sorted((n["scheduled"][:16], n["key"].split("#")[0]) for n in st.notices()
             if n["kind"] == "reminder")
eq(rem, [("2019-09-19T09:00", "hold/d/aa/once"), ("2019-09-20T09:00", "hold/d/aa/once"),
         ("2019-09-30T09:00", "hold/c/aa/once")],
   "reminders held back before their deadlines, never lost")
done("grouped and held reminders come before their deadlines, their words true")
