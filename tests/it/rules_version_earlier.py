"""Fair start for a date a plan version brings forward (docs/plan-format.md, "Plan
versions"): when no reminder of the new, earlier date can reach the owners any more, the
task gets the grace period from the load, never later than the date they were told (that
one stands, kept) nor earlier than the new one, and the owners get a notice of the change
at once. A date brought forward with its reminders still ahead simply moves, and its
owners are told too: one `changed` notice per owner names every date the version moved. Every
expected value is worked out by hand below (grace: 5wd, Asia/Shanghai, no holidays in
February or March 2017 apart from weekends)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

V1 = """\
plan: h1
title: 提前测试
timezone: Asia/Shanghai
notify_at: "09:00"
grace: 5wd
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
escalations:
  std:
    - {after: 1d, kind: overdue, notify: [owner]}
phases:
  - id: p
    title: 阶段
    milestones:
      - {id: roster, title: 排污单位名录, owner: county_epb, for: each jurisdiction,
         due: 2017-02-15, remind: [-7d, -1wd], escalate: std}
      - {id: annual, title: 年度报告, owner: county_epb, for: each jurisdiction,
         due: 2017-03-31, remind: [-1wd], escalate: std}
      - {id: base, title: 超标企业基数, owner: county_epb, for: each jurisdiction,
         due: 2017-02-10, remind: [-1wd], escalate: std}
"""
# version 2, loaded Monday 2017-02-06 10:00, brings all three forward:
V2 = (V1.replace("due: 2017-02-15", "due: 2017-02-07")    # roster: Tue 02-07
        .replace("due: 2017-03-31", "due: 2017-02-08")    # annual: Wed 02-08
        .replace("due: 2017-02-10", "due: 2017-02-07"))   # base: Tue 02-07
REG = """\
jurisdictions:
  - {id: a, name: 甲县, kind: county, email: [a@x.example]}
offices:
  admin: [admin@x.example]
"""

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
st.ok("load", st.write("v1.yaml", V1))
st.ok("import", st.write("reg.yaml", REG))
st.ok("advance", "--to", "2017-02-06T10:00:00+08:00")
# By hand, at Mon 02-06 10:00 (grace 5wd from Monday: Tue 07, Wed 08, Thu 09, Fri 10,
# Mon 13 -> 2017-02-13 23:59:59):
# - roster 02-15 -> 02-07: its -1wd reminder (Mon 02-06 09:00) is behind: too late. Grace
#   ends 02-13, before the 02-15 the county was told: it gets 02-13, a notice at once, and
#   the -1wd reminder of 02-13 on Fri 02-10 09:00.
# - annual 03-31 -> 02-08: its -1wd reminder is Tue 02-07 09:00, still ahead: it moves.
# - base 02-10 -> 02-07: too late; grace would end 02-13, after the 02-10 the county was
#   told: 02-10 stands (kept), its reminder (Thu 02-09 09:00) as before.
out = st.ok("load", st.write("v2.yaml", V2), "--dry-run")
lines = {ln.split()[0]: ln.split()[1:] for ln in out.splitlines()
         if ln.strip().startswith("h1/")}
eq(lines, {
    "h1/roster/a/once": ["2017-02-15", "->", "2017-02-07", "grace", "until", "2017-02-13",
                         "(too", "late", "to", "remind", "of", "the", "earlier", "date),",
                         "owner", "told"],
    "h1/annual/a/once": ["2017-03-31", "->", "2017-02-08"],
    "h1/base/a/once": ["2017-02-10", "->", "2017-02-07", "kept:", "too", "late", "to",
                       "remind", "its", "owners", "of", "the", "earlier", "date", "(grace",
                       "would", "end", "2017-02-13)"],
}, f"the preview says what happens to each: {out}")
st.ok("load", st.write("v2.yaml", V2))
t = {x["key"]: x for x in st.tasks()}
eq({k: (v["due_date"], v["original_due_date"]) for k, v in t.items()}, {
    "h1/roster/a/once": ("2017-02-13", "2017-02-07"),
    "h1/annual/a/once": ("2017-02-08", "2017-02-08"),
    "h1/base/a/once": ("2017-02-10", "2017-02-10"),
}, "roster graced, annual moved, base kept")

st.ok("advance", "--to", "2017-02-16T00:00:00+08:00")
got = sorted((m["X-Dabiao-Scheduled"][:16], m["X-Dabiao-Kind"], m["X-Dabiao-Task"].split("/")[1])
             for m in st.mails() if m["X-Dabiao-Scheduled"] >= "2017-02-06")
eq(got, sorted([
    # at the load: one notice to 甲县 of both changes (its first X-Dabiao-Task: annual)
    ("2017-02-06T10:00", "changed", "annual"),
    ("2017-02-07T09:00", "reminder", "annual"),   # -1wd of Wed 02-08
    ("2017-02-09T09:00", "overdue", "annual"),    # lapsed 02-08 23:59:59
    ("2017-02-09T09:00", "reminder", "base"),     # -1wd of Fri 02-10, as in version 1
    ("2017-02-10T09:00", "reminder", "roster"),   # -1wd of Mon 02-13
    ("2017-02-11T09:00", "overdue", "base"),
    ("2017-02-14T09:00", "overdue", "roster"),    # lapsed 02-13 23:59:59, not 02-07
]), "nobody lapses on a date nobody was told of")
told = [m for m in st.mails() if m["X-Dabiao-Kind"] == "changed"]
eq(sorted(told[0].get_all("X-Dabiao-Task")), ["h1/annual/a/once", "h1/roster/a/once"],
   "one notice names both moved tasks; base (kept) is not in it")
body = told[0].get_body().get_content()
check("根据修订后的《提前测试》（第2版）" in body and
      "年度报告：截止时间由2017年3月31日（星期五）24时调整为2017年2月8日（星期三）24时；" in body
      and "排污单位名录：截止时间由2017年2月15日（星期三）24时调整为2017年2月13日（星期一）24时"
      "（修订后的方案将其提前至2017年2月7日（星期二）24时，已来不及按期提醒，给予宽限期）。" in body,
      f"the notice says why and the dates: {body}")
st.cleanup()
done("a date a version brings forward: grace when too late to remind, never beyond the "
     "date the owners were told, and a notice")
