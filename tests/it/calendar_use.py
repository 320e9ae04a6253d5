"""A plan written with `calendar: {use: [cn-mainland]}` and no days of its own, through the
real binary: dues shift and working days count as the State Council's notices say (worked
out by hand below from the notices); `workdays` names the notice behind each day; `check`
lists the calendars and warns, naming the year, when the horizon reaches 2027, which no
shipped calendar covers, and `status` and the timeline say dues there assume weekends only;
a bureau's own calendar folder (`calendars_dir`) is searched before the shipped one; the
store keeps the calendar files a version used, so a changed folder does not change a
stored plan."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

# Each milestone is due on a day the notices decide; `want` is the due after the shift.
CASES = [
    # (id, due, want, why)
    ("a", "2017-10-05", "2017-10-09", "国庆 2017: 10-01..10-08 off, Monday 10-09 worked"),
    ("b", "2017-09-30", "2017-09-30", "Saturday 2017-09-30 worked (调休)"),
    ("c", "2024-02-04", "2024-02-04", "Sunday 2024-02-04 worked before 春节"),
    ("d", "2024-02-10", "2024-02-18", "春节 2024: 02-10..02-17 off, Sunday 02-18 worked"),
    ("e", "2020-01-31", "2020-02-03", "2020's amendment: 春节 to 02-02, Saturday 02-01 off"),
    ("f", "2019-05-02", "2019-05-05", "2019's amendment: 05-01..05-04 off, Sunday 05-05 worked"),
    ("g", "2007-05-07", "2007-05-08", "2007: the old seven-day 五一 holiday"),
    ("h", "2015-09-03", "2015-09-06", "抗战胜利70周年: 09-03..09-05 off, Sunday 09-06 worked"),
    ("i", "2018-12-31", "2019-01-02", "the 2019 notice: 2018-12-30..2019-01-01 off"),
    ("j", "2027-02-08", "2027-02-08", "2027: no notice, a Monday stays a working day"),
    ("k", "2027-02-06", "2027-02-08", "2027: no notice, a Saturday moves to Monday"),
]
# `after` dues counted in working days: (id, after, plus, want)
AFTER = [
    # from Friday 2018-09-28: Sat 29 and Sun 30 worked, then 10-01..10-07 off
    ("x", "l", "3wd", "2018-10-08"),
    # from Thursday 2017-01-26: 01-27..02-02 off, Fri 02-03 and Sat 02-04 worked
    ("y", "m", "2wd", "2017-02-04"),
]

PLAN = """\
plan: cal
title: 日历测试
timezone: Asia/Shanghai
calendar: {use: [cn-mainland], due_on_holiday: next-workday}
roles:
  office: {title: 办公室}
phases:
  - id: p
    title: 阶段
    milestones:
"""
for mid, due, _, _ in CASES:
    PLAN += f"      - {{id: {mid}, title: {mid}, owner: office, for: once, due: {due}}}\n"
PLAN += "      - {id: l, title: l, owner: office, for: once, due: 2018-09-28}\n"
PLAN += "      - {id: m, title: m, owner: office, for: once, due: 2017-01-26}\n"
for mid, after, plus, _ in AFTER:
    PLAN += (f"      - {{id: {mid}, title: {mid}, owner: office, for: once, "
             f"due: {{after: {after}, plus: {plus}}}}}\n")

st = Store()
plan = st.write("cal.yaml", PLAN)

# check: the calendar used, its years, and a warning naming 2027
code, out, err = st.run("check", plan)
eq(code, 0, "check passes with a warning")
check("calendar cn-mainland (" in out and "): 2007-2026" in out, f"check lists the calendar: {out}")
check("warning: cal: cn-mainland has no 2027 notice: dues in 2027 assume weekends only" in err,
      f"check warns naming 2027: {err}")
eq(len([ln for ln in err.splitlines() if "warning" in ln]), 1, f"one warning: {err}")

st.ok("init", "--clock", "virtual", "--now", "2006-12-01T00:00:00+08:00")
st.ok("load", plan)
due = {t["milestone"]: t["due_date"] for t in st.tasks()}
for mid, d, want, why in CASES:
    eq(due.get(mid), want, f"due {d}: {why}")
for mid, after, plus, want in AFTER:
    eq(due.get(mid), want, f"{plus} after {after}")

# workdays: the notice that decided each day
days = json.loads(st.ok("workdays", "--plan", "cal", "--from", "2020-01-31", "--to",
                        "2020-02-03", "--format", "json"))
eq([(d["date"], d["weekday"], d["status"], d["decided_by"]) for d in days],
   [("2020-01-31", "Fri", "off", "cn-mainland"), ("2020-02-01", "Sat", "off", "cn-mainland"),
    ("2020-02-02", "Sun", "off", "cn-mainland"), ("2020-02-03", "Mon", "work", "weekday")],
   "workdays around the extended 2020 春节")
eq((days[1]["notice_year"], days[1]["notice_version"], days[1]["number"], days[1]["holiday"]),
   (2020, 2, "国办发明电〔2020〕1号", "春节"), "Saturday 02-01 decided by the amendment")
eq(days[3]["notice_year"], None, "an unlisted Monday names no notice")
out = st.ok("workdays", "--plan", "cal", "--from", "2017-09-30", "--to", "2017-09-30")
check("2017-09-30" in out and "work" in out and "国办发明电〔2016〕17号" in out
      and "中秋节、国庆节" in out, f"the text table: {out}")
days = json.loads(st.ok("workdays", "--plan", "cal", "--from", "2026-12-31", "--to",
                        "2027-01-01", "--format", "json"))
eq([d["status"] for d in days], ["work", "work"], "2026-12-31 and 2027-01-01, no notice yet")
check(days[1]["uncovered"] and "2027" in days[1]["uncovered"], f"2027 uncovered: {days[1]}")
eq(days[0]["decided_by"], "weekday", "decided by the plain week")
code, _, err = st.run("workdays", "--plan", "cal", "--from", "2017-02-01", "--to", "2016-01-01")
eq(code, 64, "--to before --from is a usage error")
code, _, err = st.run("workdays", "--plan", "nope", "--from", "2017-02-01", "--to", "2017-02-01")
eq(code, 64, "an unknown plan is a usage error")

# the timeline notes 2027 once, on standard error; standard output keeps one line per action
code, out, err = st.run("advance", "--to", "2027-03-01T00:00:00+08:00", check=0)
notes = [ln for ln in err.splitlines() if ln.startswith("note:")]
eq(notes, ["note: cal: cn-mainland has no 2027 notice: dues in 2027 assume weekends only "
           "(not confirmed: 国务院办公厅关于2027年部分节假日安排的通知 not found in any copy "
           "available on 2026-11-30; add it from the gov.cn text, do not extrapolate)"],
   "one note for 2027")
check(all(not ln.startswith("note") for ln in out.splitlines()), "no note among the actions")

# status: open tasks due in 2027 get the note
st2 = Store("status")
st2.ok("init", "--clock", "virtual", "--now", "2026-06-01T00:00:00+08:00")
st2.ok("load", plan)
out = st2.ok("status", "--lang", "en")
check("note: cal: cn-mainland has no 2027 notice: dues in 2027 assume weekends only" in out,
      f"status notes 2027: {out}")
out = st2.ok("status")
check("说明：cal：cn-mainland 没有2027年的通知，2027年的期限只按周末计算（未确认：" in out,
      f"status notes 2027 in Chinese: {out}")

# a bureau's own folder comes first; a stored version keeps the files it used
local = st.path("calendars")
os.mkdir(local)
with open(os.path.join(local, "zz-test.yaml"), "w", encoding="utf-8") as f:
    f.write("calendar: zz-test\ntitle: a test layer, not a real notice\n"
            "layer_of: cn-mainland\nversions:\n"
            "  - {year: 2017, version: 1, source: {title: test}, "
            "holidays: {2017-10-09: test day}}\n")
cfg = st.write("dabiao.yaml", "calendars_dir: calendars\n")
plan2 = st.write("cal2.yaml", PLAN.replace("plan: cal\n", "plan: cal2\n").replace(
    "use: [cn-mainland]", "use: [cn-mainland, zz-test]"))
code, out, err = st.run("--config", cfg, "check", plan2, check=0)
check(local + "/zz-test.yaml" in out, f"check names the local file: {out}")
st3 = Store("local")
st3.ok("init", "--clock", "virtual", "--now", "2006-12-01T00:00:00+08:00")
st3.ok("--config", cfg, "load", plan2)
due = {t["milestone"]: t["due_date"] for t in st3.tasks()}
eq(due["a"], "2017-10-10", "the local layer's day moves 10-09's due to 10-10")
os.remove(os.path.join(local, "zz-test.yaml"))
days = json.loads(st3.ok("workdays", "--plan", "cal2", "--from", "2017-10-09", "--to",
                         "2017-10-09", "--format", "json"))
eq((days[0]["decided_by"], days[0]["holiday"], days[0]["status"]), ("zz-test", "test day", "off"),
   "the stored file still decides")
code, _, err = st3.run("--config", cfg, "load", plan2)
eq(code, 65, "loading again without the file is refused")
check("calendar 'zz-test' not found" in err, f"naming the calendar: {err}")

st.cleanup()
st2.cleanup()
st3.cleanup()
done("use: [cn-mainland] shifts and counts as the notices say; check, workdays, status, notes")
