"""What `check`, `workdays` and the configuration say about calendars, as a person
reads it:

- a calendar file whose `versions` is missing or misspelt gets the calendar file's
  message, not a plan's (a top-level `calendar: NAME` marks a calendar file);
- a plan naming a day far outside 2000-2099, or a calendar with no working day for more
  than a year, is refused by `check` at the line and column, not by `load` later with a
  day number;
- a configuration whose calendars_dir is not there is refused (78) at its line;
  /dev/null is an empty configuration;
- `workdays` cites, for each day, the notice that gave it its status (2019-10-01: the
  2019 notice 国办发明电〔2018〕15号, not the 劳动节 amendment 国办发明电〔2019〕3号, which
  decided 2019-05-02); ten years at most means before the same date ten years on;
- counts are in the singular when they are one; the docs' example plan checks clean.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, src, plan_yaml  # noqa: E402

st = Store()
NONE = ("--config", "/dev/null")

# a calendar file without (or with a misspelt) versions
nover = st.write("nover.yaml", "calendar: t\ntitle: T\n")
code, _, err = st.run(*NONE, "check", nover)
eq(code, 65, "no versions")
check(f"{nover}:1:1: error: the calendar file has no 'versions'" in err, f"calendar words: {err}")
typo = st.write("typo.yaml", "calendar: t\ntitle: T\nverions: []\n")
code, _, err = st.run(*NONE, "check", typo)
eq(code, 65, "misspelt versions")
check(f"{typo}:3:1: error: unknown key 'verions' in a calendar file" in err, f"names it: {err}")

# one version, one day: singular words
one = st.write("one.yaml", "calendar: t\ntitle: T\nversions:\n  - year: 2017\n    version: 1\n"
               "    source: {title: N}\n    holidays: {2017-07-12: x}\n")
out = st.ok(*NONE, "check", one)
check("t: ok, calendar file, 1 version, year 2017\n" in out, f"the file's line: {out}")
# 2017-07-12 is a Wednesday
check("2017 v1   1 day off (1 weekday), 0 weekend days worked" in out, f"its counts: {out}")
empty = st.write("empty.yaml", "calendar: t\ntitle: T\nversions: []\n")
out = st.ok(*NONE, "check", empty)
check("t: ok, calendar file, no versions yet" in out, f"nothing yet: {out}")



def plan(name, cal, due):
    return st.write(name, plan_yaml("far", cal, [
        f"{{id: a, title: a, owner: epb, for: once, due: {due}}}"], role="epb: {title: 局}"))


far = plan("far.yaml", "{holidays: [9999-12-31], due_on_holiday: next-workday}", "2017-05-10")
code, _, err = st.run(*NONE, "check", far)
eq(code, 65, "a holiday in 9999")
# `calendar: {holidays: [` is 22 characters
check(f"{far}:4:23: error: calendar.holidays '9999-12-31' is outside the years 2000-2099"
      in err, f"at the day: {err}")
early = plan("early.yaml", "{due_on_holiday: previous-workday}", "0001-01-01")
code, _, err = st.run(*NONE, "check", early)
eq(code, 65, "a due in year 1")
# "      - {id: a, title: a, owner: epb, for: once, due: " is 54 characters
check(f"{early}:11:55: error: due '0001-01-01' is outside the years 2000-2099" in err,
      f"at the due: {err}")
# two years off in two ranges: from Saturday 2016-12-31 to Monday 2018-12-31
long_ = plan("long.yaml", "{holidays: [2017-01-01..2017-12-31, 2018-01-01..2018-12-31], "
             "due_on_holiday: next-workday}", "2017-05-10")
code, _, err = st.run(*NONE, "check", long_)
eq(code, 65, "no working day for two years")
check(f"{long_}:4:47: error: calendar: no working day from 2016-12-31 to 2018-12-31 (731 "
      "days)" in err, f"at the second range: {err}")
twice = plan("twice.yaml", "{holidays: [2017-10-01..2017-10-08], workdays: [2017-10-07]}",
             "2017-05-10")
code, _, err = st.run(*NONE, "check", twice)
eq(code, 65, "a day both off and worked in the plan")
check(f"{twice}:4:59: error: calendar: 2017-10-07 is listed both off (2017-10-01..2017-10-08, "
      "line 4) and worked (2017-10-07)" in err, f"both named: {err}")

# a calendars_dir that is not there
cfg = st.write("bad.yaml", "calendars_dir: /nonexistent/cals\n")
code, _, err = st.run("--config", cfg, "check", src("tests", "workflows", "plans",
                                                      "example.yaml"))
eq(code, 78, "the configuration is refused")
check(f"{cfg}:1:16: error: calendars_dir /nonexistent/cals: No such file or directory"
      in err, f"at the key, naming the path: {err}")

# the docs' example plan, with its templates folder
code, out, err = st.run(*NONE, "check", src("tests", "workflows", "plans", "example.yaml"))
eq(code, 0, f"the example checks clean: {out} {err}")
eq(err, "", "and without a warning")

# workdays: which notice decided each day
cite = plan("cite.yaml", "{use: [cn-mainland]}", "2019-05-10")
st.ok("init", "--clock", "virtual", "--now", "2019-01-01T00:00:00+08:00")
st.ok(*NONE, "load", cite)


def days(a, b):
    return json.loads(st.ok("workdays", "--plan", "far", "--from", a, "--to", b,
                            "--format", "json"))


rows = {r["date"]: r for r in days("2019-04-28", "2019-05-02") + days("2019-10-01",
                                                                          "2019-10-01")}
eq(rows["2019-10-01"]["number"], "国办发明电〔2018〕15号", "国庆 is the 2019 notice's")
eq(rows["2019-10-01"]["notice_version"], 1, "its first version")
eq(rows["2019-05-01"]["number"], "国办发明电〔2018〕15号", "05-01 was off from the start")
eq(rows["2019-05-02"]["number"], "国办发明电〔2019〕3号", "05-02 is the amendment's")
eq((rows["2019-04-28"]["status"], rows["2019-04-28"]["number"]), ("work", "国办发明电〔2019〕3号"),
   "Sunday 04-28 worked by the amendment")
eq(rows["2019-04-29"]["decided_by"], "weekday", "a plain Monday")
# ten years: 2017-01-01..2026-12-31 is 3652 days (2020 and 2024 leap); a day more is not
eq(len(days("2017-01-01", "2026-12-31")), 3652, "ten years")
code, _, err = st.run("workdays", "--plan", "far", "--from", "2017-01-01", "--to", "2027-01-01")
eq(code, 64, "ten years and a day")
check("more than ten years" in err, err)
code, _, err = st.run("workdays", "--plan", "far", "--from", "0001-01-01", "--to", "0001-01-02")
eq(code, 64, "year 1")
check("in the years 2000-2099" in err, err)

st.cleanup()
done("check, workdays and the configuration speak of calendars as people read them")
