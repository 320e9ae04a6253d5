"""The Changji 2017 year on a virtual clock, delivered to a real SMTP server: every notice
arrives once, with the right kinds, recipients, dates in Asia/Shanghai and decoded Chinese
subjects and bodies."""
import collections
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, src  # noqa: E402
from smtp_delivery_lib import Server  # noqa: E402

srv = Server()
srv.start()
import atexit  # noqa: E402
atexit.register(srv.stop)
st = Store()
env = {"DABIAO_SMTP": f"smtp://127.0.0.1:{srv.port}"}
st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00", env=env)
st.ok("load", src("workflows", "changji-2017.yaml"), env=env)
st.ok("import", src("workflows", "changji-registry.yaml"), env=env)
st.ok("advance", "--to", "2019-01-01T00:00:00+08:00", env=env)

sent = st.notices("--sent", env=env)
log = srv.log()
msgs = srv.messages()
eq(len(log), len(sent), "every sent notice reached the server")
ids = collections.Counter(x["message_id"] for x in log)
eq(max(ids.values()), 1, "each notice arrived once")
eq(st.notices("--pending", env=env), [], "nothing left queued")
kinds = collections.Counter(m["X-Dabiao-Kind"] for m in msgs)
# the plan groups reminders, overdue notices and escalations per recipient and day
# (notices.group): they arrive in the day's message; candidate lists and dispatches come one
# by one. The plan's conduct rules ask the bureau to decide: candidate lists go out, warnings
# wait.
for k in ("digest", "candidates", "dispatch"):
    check(kinds[k] > 0, f"{k} messages delivered: {dict(kinds)}")
eq(kinds["escalation"], 0, "no escalation alone: each arrives in its recipient's day")
# the detachment's 2017-05-15 (review12z Z12): 27 escalations were 27 mails; now one, which
# says what it holds
day = [m for m in msgs if "zhidui@cj-epb.example" in str(m["To"])
       and str(m["Date"].datetime.date()) == "2017-05-15"]
eq([str(m["Subject"]) for m in day], ["关于2017年5月15日调度通知的汇总（共27份，均为督办通知）"],
   "the detachment's 2017-05-15: one message for the day's 27 escalations")
eq(len(day[0].get_all("X-Dabiao-Task")), 27, "a task header for each")
eq(kinds["interview-warning"] + kinds["approval-restriction-warning"], 0,
   "no warning reaches a county before the bureau decides")
check(kinds["reminder"] == 0 and kinds["overdue"] == 0, f"none single: {dict(kinds)}")
per_day = collections.Counter((str(m["To"]), m["Date"].datetime.date()) for m in msgs
                              if m["X-Dabiao-Kind"] == "digest")
eq(max(per_day.values()), 1, "one grouped message per recipient and day")
# and nothing on a weekend or a holiday of the plan's calendar (notices.hold: all)
import datetime  # noqa: E402
off = set()
for a, b in [("2017-01-01", "2017-01-02"), ("2017-01-27", "2017-02-02"), ("2017-04-02", "2017-04-04"),
             ("2017-04-29", "2017-05-01"), ("2017-05-28", "2017-05-30"), ("2017-10-01", "2017-10-08"),
             ("2017-12-30", "2018-01-01"), ("2018-02-15", "2018-02-21"), ("2018-04-05", "2018-04-07"),
             ("2018-04-29", "2018-05-01"), ("2018-06-16", "2018-06-18"), ("2018-09-22", "2018-09-24"),
             ("2018-10-01", "2018-10-07")]:
    d = datetime.date.fromisoformat(a)
    while d <= datetime.date.fromisoformat(b):
        off.add(str(d))
        d += datetime.timedelta(days=1)
# the plan's weekend days worked instead (调休)
worked = {"2017-01-22", "2017-02-04", "2017-04-01", "2017-05-27", "2017-09-30", "2018-02-11",
          "2018-02-24", "2018-04-08", "2018-04-28", "2018-09-29", "2018-09-30"}
for m in msgs:
    d = m["Date"].datetime.date()
    check(str(d) in worked or (d.weekday() < 5 and str(d) not in off),
          f"{m['X-Dabiao-Kind']} dated {m['Date']}, not a working day")
T = "changji-2017/monthly-summary/changji-city/2017-10"
rem = sorted((m for m in msgs if T in (m.get_all("X-Dabiao-Task") or [])
              and m["X-Dabiao-Kind"] == "digest" and m["Date"].datetime.month in (9, 10)
              and "提醒" in m.get_body().get_content()), key=lambda m: m["Date"].datetime)
# -5d (10-04, in the holiday) would be held to 10-09, after the -1wd of 09-30: left out
eq([str(m["Date"]) for m in rem], ["Sat, 30 Sep 2017 09:00:00 +0800"], "October reminders")
eq(str(rem[0]["To"]), "hbj@changji-city.example", "to changji-city's department")
body = rem[0].get_body().get_content()
check("全州10个行业超标企业清理汇总表" in body, f"the table named: {body[:300]}")
check("2017年10月9日（星期一）24时前" in body and "报送州环境监察支队" in body,
      "the body says by when and to whom")
for m in msgs:
    check(str(m["Date"]).endswith("+0800"), "dated in Asia/Shanghai")
srv.stop()
st.cleanup()
done("the Changji year delivered over SMTP")
