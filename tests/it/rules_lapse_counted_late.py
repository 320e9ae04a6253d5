"""A lapse applied late counts at its deadline (docs/plan-format.md, conduct rules, "The
window"): on the real clock, with no daemon running when a deadline passes and when the
conduct rule's evaluation (the notify_at after the lapse) would have come, a daemon
started afterwards applies the lapse with its planned instant and makes that evaluation at
once, late: the warning is dated at the notify_at after the deadline, not a day after the
daemon applied it. Times are worked out from the test's own clock below."""
import datetime
import json
import os
import signal
import subprocess
import sys
import time
import zoneinfo

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, BIN, eq, check, done  # noqa: E402

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")


def local(t):
    return datetime.datetime.fromtimestamp(t, ZONE)


t0 = int(time.time())
deadline = t0 + 40          # time enough to load and import on a busy machine
notify = deadline + 10      # the rule's evaluation: the first notify_at after the lapse
PLAN = f"""\
plan: lc
title: 迟到计数
timezone: Asia/Shanghai
notify_at: "{local(notify).strftime('%H:%M:%S')}"
grace: 0d
roles:
  county_epb: {{title: 县环保局, per: jurisdiction}}
conduct:
  - {{lapses: 1, within: 30d, kind: interview-warning, notify: [county_epb]}}
phases:
  - id: p
    title: 阶段
    milestones:
      - id: report
        title: 报告
        owner: county_epb
        for: each jurisdiction
        due: {local(deadline).strftime('%Y-%m-%dT%H:%M:%S')}
"""
REG = """\
jurisdictions:
  - {id: a, name: 甲县, kind: county, email: [a@x.example]}
offices:
  admin: [admin@x.example]
"""

st = Store()
st.ok("init", "--clock", "real", "--tz", "Asia/Shanghai")
st.ok("load", st.write("plan.yaml", PLAN))
st.ok("import", st.write("reg.yaml", REG))
task = st.tasks()[0]
eq((task["deadline"], task["state"]), (local(deadline).isoformat(), "open"),
   "made before its deadline: an ordinary task (grace: 0d)")
check(time.time() < deadline, "the store was ready before the deadline")
# no daemon across the deadline and the evaluation's notify_at
while time.time() < notify + 3:
    time.sleep(0.5)
applied_from = int(time.time())
p = subprocess.Popen([BIN, "--db", st.db, "run"], stdout=subprocess.DEVNULL,
                     stderr=open(st.path("run.log"), "w"))
end = time.time() + 60
while time.time() < end and not any(m["X-Dabiao-Kind"] == "interview-warning"
                                    for m in st.mails()):
    time.sleep(0.5)
p.send_signal(signal.SIGTERM)
eq(p.wait(timeout=30), 0, "the daemon stops cleanly")

recs = [json.loads(ln)["record"] for ln in st.ok("audit", "--format", "jsonl").splitlines()]
lapse = [json.loads(r["details"]) for r in recs if r["action"] == "task.lapse"]
eq([x["planned"] for x in lapse], [local(deadline + 1).isoformat()],
   "the lapse is on record at its deadline's next second")
check(all(datetime.datetime.fromisoformat(x["applied"]).timestamp() >= applied_from
          for x in lapse), f"and applied when the daemon ran: {lapse}")
warn = [m for m in st.mails() if m["X-Dabiao-Kind"] == "interview-warning"]
eq([m["X-Dabiao-Scheduled"] for m in warn], [local(notify).isoformat()],
   "the warning is the evaluation at the notify_at after the deadline, made at once")
check(all(datetime.datetime.fromisoformat(m["X-Dabiao-Applied"]).timestamp() >= applied_from
          for m in warn), "applied late, by the daemon that came up after it")
st.cleanup()
done("a lapse applied late counts at its deadline; its rule is evaluated as if on time")
