"""`dabiao run` on the real clock, with a plan whose deadlines are seconds away:
reminders, deadlines and escalations happen at their time; a submission made by another
process while the daemon runs is seen within a second and cancels the reminder; after a
stop across a deadline and two reminders, a restart applies the deadline, sends no burst
and never repeats a notice; SIGTERM stops it cleanly."""
import datetime
import email
import email.policy
import os
import signal
import sys
import time
import zoneinfo

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, start_daemon  # noqa: E402

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")


def local(t):
    return datetime.datetime.fromtimestamp(t, ZONE).strftime("%Y-%m-%dT%H:%M:%S")


def plan(t0):
    return f"""\
plan: rt
title: 实时测试
timezone: Asia/Shanghai
roles:
  county_epb: {{title: 县环保局, per: jurisdiction}}
  supervision: {{title: 监察支队}}
escalations:
  fast:
    - {{after: 2s, kind: overdue, notify: [owner, supervision]}}
phases:
  - id: p
    title: 阶段
    milestones:
      - id: soon
        title: 马上到期
        owner: county_epb
        for: each jurisdiction
        due: {local(t0 + 8)}
        remind: [-5s]
        escalate: fast
      - id: later
        title: 稍后到期
        owner: county_epb
        for: each jurisdiction
        due: {local(t0 + 30)}
        remind: [-15s, -12s]
        escalate: fast
"""


REG = """\
jurisdictions:
  - {id: a, name: 甲县, kind: county, email: [a@x.example]}
  - {id: b, name: 乙县, kind: county, email: [b@x.example]}
offices:
  supervision: [s@x.example]
"""


def notices(st):
    out = []
    d = os.path.join(st.db, "outbox")
    for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
        if name.startswith("."):
            continue
        with open(os.path.join(d, name), "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
        out.append((msg["X-Dabiao-Kind"], msg["X-Dabiao-Task"], msg["X-Dabiao-Key"]))
    return out


def start(st):
    return start_daemon(st)


def stop(p):
    p.send_signal(signal.SIGTERM)
    rc = p.wait(timeout=20)
    eq(rc, 0, "SIGTERM stops run cleanly with status 0")


def wait_for(pred, limit):
    end = time.time() + limit
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.1)
    return pred()


st = Store()
# t0 leaves set-up (init, load, import: seconds under ASan on a loaded machine) time to
# finish before the first reminder at t0+3, which b must submit ahead of.
t0 = int(time.time()) + 10
st.ok("init", "--clock", "real")
st.ok("load", st.write("rt.yaml", plan(t0)))
st.ok("import", st.write("reg.yaml", REG))
p = start(st)

# b submits `soon` before its reminder (t0+3), from another process, while run is up.
st.ok("submit", "rt/soon/b/once", "--by", "乙县")
check(wait_for(lambda: ("overdue", "rt/soon/a/once", "rt/soon/a/once#overdue#0")
               in notices(st), 60), f"a's overdue arrives: {notices(st)}")
got = notices(st)
eq([n for n in got if n[1] == "rt/soon/b/once"], [], "b's submission cancelled its reminder")
check(("reminder", "rt/soon/a/once", "rt/soon/a/once#reminder#0") in got, "a's reminder")

# Stop before `later`'s reminders (t0+15, t0+18) and deadline (t0+30).
stop(p)
before = notices(st)
# Restart a's side after both reminders but before the deadline: exactly one reminder
# (the latest missed, step 1). Simulate downtime by waiting.
wait_for(lambda: time.time() > t0 + 19, 40)
p = start(st)
check(wait_for(lambda: any(n[2] == "rt/later/a/once#reminder#1" for n in notices(st)), 60),
      "the latest missed reminder is sent after recovery")
time.sleep(1.5)
stop(p)
late = [n for n in notices(st) if n[1] in ("rt/later/a/once", "rt/later/b/once")]
eq(sorted(n[2] for n in late), ["rt/later/a/once#reminder#1", "rt/later/b/once#reminder#1"],
   "one reminder per task after downtime, never a burst")

# Down across the deadline and the overdue step: no reminder, the deadline and the due
# escalation are applied once, with both times recorded.
wait_for(lambda: time.time() > t0 + 34, 40)
p = start(st)
check(wait_for(lambda: any(n[2] == "rt/later/a/once#overdue#0" for n in notices(st)), 60),
      "the missed escalation is applied after restart")
time.sleep(1.5)
stop(p)
keys = [n[2] for n in notices(st)]
eq(len(keys), len(set(keys)), "no notice twice")
tasks = {t["key"]: t["state"] for t in st.tasks()}
eq(tasks["rt/later/a/once"], "overdue", "the deadline was applied after the restart")
with open(os.path.join(st.db, "outbox", [n for n in sorted(os.listdir(os.path.join(
        st.db, "outbox"))) if "later_a_once_overdue" in n][0]), "rb") as f:
    msg = email.message_from_binary_file(f, policy=email.policy.default)
check(msg["X-Dabiao-Applied"] is not None, "a late notice carries X-Dabiao-Applied")
check("补发" in msg.get_body().get_content(), "a late notice says so in its text")

# Restarting again repeats nothing.
n_before = len(notices(st))
p = start(st)
time.sleep(2.5)
stop(p)
eq(len(notices(st)), n_before, "a restart repeats nothing")

st.cleanup()
done("run on the real clock: reminders, deadlines, escalations, live submit, catch-up")
