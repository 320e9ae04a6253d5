#!/usr/bin/env python3
"""Mails per recipient per day over the Changji year (the plan and registry in workflows/,
virtual clock, .eml outbox): what the noise settings of a plan change. Prints, per recipient,
the mails of the year, the most in one day and the days with more than one, then the mails on non-working days and the
reminders of one task that arrive out of order, and one SUMMARY line. Not a test: it decides
nothing.

    DABIAO_BIN=build/release/dabiao python3 tests/bench/mail_noise.py [PLAN [REGISTRY]]
"""
import collections
import datetime
import email
import email.policy
import os
import subprocess
import sys
import tempfile

BIN = os.environ.get("DABIAO_BIN", "dabiao")
SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
plan = sys.argv[1] if len(sys.argv) > 1 else os.path.join(SRC, "workflows", "changji-2017.yaml")
reg = sys.argv[2] if len(sys.argv) > 2 else os.path.join(SRC, "workflows", "changji-registry.yaml")
# the 2017 calendar of the plan (State Council): days off and weekend days worked
OFF = set()
for a, b in [("2017-01-01", "2017-01-02"), ("2017-01-27", "2017-02-02"), ("2017-04-02", "2017-04-04"),
             ("2017-04-29", "2017-05-01"), ("2017-05-28", "2017-05-30"), ("2017-10-01", "2017-10-08"),
             ("2017-12-30", "2018-01-01")]:
    d = datetime.date.fromisoformat(a)
    while d <= datetime.date.fromisoformat(b):
        OFF.add(d)
        d += datetime.timedelta(days=1)
WORKED = {datetime.date.fromisoformat(x) for x in
          ["2017-01-22", "2017-02-04", "2017-04-01", "2017-05-27", "2017-09-30"]}


def working(d):
    return d in WORKED or (d.weekday() < 5 and d not in OFF)


with tempfile.TemporaryDirectory() as tmp:
    db = os.path.join(tmp, "db")
    env = dict(os.environ)
    env.pop("DABIAO_SMTP", None)
    env.pop("DABIAO_CONFIG", None)
    env["DABIAO_CONFIG"] = os.path.join(tmp, "none.yaml")
    open(env["DABIAO_CONFIG"], "w").write("{}\n")
    run = lambda *a: subprocess.run([BIN, "--db", db, *a], check=True, capture_output=True, env=env)
    run("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00", "--tz", "Asia/Shanghai")
    run("load", plan)
    run("import", reg)
    run("advance", "--to", "2018-01-01T00:00:00+08:00")
    per = collections.defaultdict(collections.Counter)
    off_days = 0
    reminders = collections.defaultdict(list)
    for name in sorted(os.listdir(os.path.join(db, "outbox"))):
        with open(os.path.join(db, "outbox", name), "rb") as f:
            m = email.message_from_binary_file(f, policy=email.policy.default)
        day = m["Date"].datetime.date()
        if not working(day):
            off_days += 1
        for a in str(m["To"]).split(","):
            per[a.strip()][day] += 1
        if m["X-Dabiao-Kind"] == "reminder":
            reminders[m["X-Dabiao-Task"]].append((m["Date"].datetime, m["X-Dabiao-Key"]))
    out_of_order = sum(1 for v in reminders.values()
                       if [k for _, k in sorted(v)] != sorted(k for _, k in v))
    rows = sorted(per.items(), key=lambda kv: -sum(kv[1].values()))
    # a recipient's days with more than one mail: what a digest should leave none of
    print(f"{'recipient':36} {'mails/year':>10} {'max/day':>8} {'days>1':>7}")
    for addr, days in rows:
        print(f"{addr:36} {sum(days.values()):10} {max(days.values()):8} "
              f"{sum(1 for n in days.values() if n > 1):7}")
    top = rows[0]
    print(f"mails dated on non-working days: {off_days}; tasks whose reminders arrive out of "
          f"order: {out_of_order}")
    print(f"SUMMARY busiest={top[0]} year={sum(top[1].values())} maxday={max(top[1].values())} "
          f"county_maxday={max(max(d.values()) for a, d in per.items() if a.startswith('hbj@'))} "
          f"off_days={off_days} out_of_order={out_of_order} "
          f"recipient_days_over_1={sum(1 for d in per.values() for n in d.values() if n > 1)}")
