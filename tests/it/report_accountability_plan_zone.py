"""Review 10i, L1: every time in a row of `report accountability` is in the plan's zone,
the times inside its 说明 too: a 补录's received and recorded times, a withdrawal's, a late
hand-in's, an extension's and the time a lapse was lifted were in the store's zone
(+08:00) beside the row's 截止 and 时间 in the plan's (+01:00), one event said in two
zones on one sheet. Worked by hand: plan in Europe/Berlin (+01:00 in March 2017), store in
Asia/Shanghai; every task due 2017-03-10 lapses 03-11 00:00 Berlin; the actions at
03-12 10:00 Berlin (17:00 in Shanghai)."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, done  # noqa: E402

PLAN = ("plan: kk\ntitle: 时区测试\ntimezone: Europe/Berlin\nnotify_at: \"09:00\"\n"
        "roles:\n  county: {title: 县环保局, per: jurisdiction}\n  hq: {title: 支队}\n"
        "accountability: {notify: [hq]}\n"
        "phases:\n  - id: p\n    title: 阶段\n    milestones:\n"
        + "".join(f"      - {{id: {m}, title: {t}, owner: county, for: each jurisdiction, "
                  "due: 2017-03-10}\n"
                  for m, t in (("a", "甲表"), ("b", "乙表"), ("c", "丙表"), ("d", "丁表"))))
REG = """\
jurisdictions:
  - {id: k1, name: 甲县, kind: county, email: [k1@x.example]}
offices:
  hq: [hq@x.example]
  admin: [admin@x.example]
"""

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T00:00:00", "--tz", "Asia/Shanghai")
st.ok("load", st.write("plan.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG))
st.ok("advance", "--to", "2017-03-11T08:00:00+01:00")
st.ok("flag", "kk/b/k1/once", "--kind", "omitted", "--by", "监测科", "--reason", "未报")
st.ok("advance", "--to", "2017-03-12T10:00:00+01:00")
# a: handed in on 03-10 12:00 Berlin, recorded now (补录)
st.ok("submit", "kk/a/k1/once", "--by", "甲县", "--at", "2017-03-10T12:00:00+01:00")
# b: the 漏报 taken back
st.ok("flag", "kk/b/k1/once", "--kind", "omitted", "--withdraw", "--by", "监测科",
      "--reason", "误登记")
# c: handed in late
st.ok("submit", "kk/c/k1/once", "--by", "甲县")
# d: given time after its lapse
st.ok("extend", "kk/d/k1/once", "--to", "2017-03-20", "--by", "支队", "--reason", "系统故障")

rows = {r["task"]: r for r in
        json.loads(st.ok("report", "accountability", "--format", "json"))["records"]}
want = {
    "kk/a/k1/once": ["截止 2017-03-10 23:59 +01:00",
                     "2017-03-10 12:00 +01:00 收到（报送人 甲县），2017-03-12 10:00 +01:00 补录"],
    "kk/b/k1/once": ["2017-03-12 10:00 +01:00 撤回（监测科 撤回，理由：误登记"],
    "kk/c/k1/once": ["截止 2017-03-10 23:59 +01:00；2017-03-12 10:00 +01:00 补报"],
    "kk/d/k1/once": ["展期：2017-03-12 10:00 +01:00 支队 将截止日期由 2017-03-10 延至 2017-03-20",
                     "2017-03-12 10:00 +01:00 展期后不再逾期，新截止日期 2017-03-20"],
}
for task, parts in want.items():
    why = rows.get(task, {}).get("reason", "")
    for p in parts:
        eq(p in why, True, f"{task}'s 说明 says {p!r} (it says {why!r})")
# no time of any row in another zone than the plan's
eq(sorted({z for r in rows.values() for z in re.findall(r"[+-]\d\d:\d\d", r["reason"] + r["time"])}),
   ["+01:00"], "every time of every row in the plan's zone")
st.cleanup()
done("every time in an accountability row in the plan's zone")
