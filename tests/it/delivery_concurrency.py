"""Processes at once on one store (issue 9's harness, concurrency):
- `advance` across a deadline while `submit`s for the same tasks run beside it: every task
  ends consistent (submitted in time with no lapse and no overdue notice, or lapsed, told
  once, then submitted late), each overdue notice written once, the audit log verifies;
- `backup` while `run` applies and delivers a backlog: the copy opens as a store, its audit
  log verifies, and the live store goes on to deliver everything once."""
import collections
import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, BIN, eq, check, done, start_daemon  # noqa: E402
import backlog  # noqa: E402

# grace: 0d: made the day before its due, a task without reminders would otherwise be a
# late arrival with a grace period and a start notice (docs/plan-format.md, "Fair start")
PLAN = """\
plan: race
title: 竞争
timezone: Asia/Shanghai
grace: 0d
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
escalations:
  e:
    - {after: 1h, kind: overdue, notify: [owner]}
phases:
  - id: p
    title: 阶段
    milestones:
      - id: m
        title: 报表
        owner: county_epb
        for: each jurisdiction
        due: 2017-06-01
        escalate: e
"""
N = 60

# 1. advance racing submit
st = Store("race")
st.ok("init", "--clock", "virtual", "--now", "2017-05-31T00:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", backlog.registry_text(N)))
adv = subprocess.Popen([BIN, "--db", st.db, "advance", "--to", "2017-06-03T00:00:00+08:00"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
subs = [subprocess.Popen([BIN, "--db", st.db, "submit", f"race/m/j{i}/once", "--by", "县"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for i in range(N)]
eq(adv.wait(timeout=300), 0, "advance beside the submissions")
for i, p in enumerate(subs):
    eq(p.wait(timeout=300), 0, f"submit j{i}: {p.stderr.read()}")
recs = backlog.audit(st)
by_task = collections.defaultdict(list)
for r in recs:
    by_task[r["task"]].append(r)
late_n = 0
for i in range(N):
    key = f"race/m/j{i}/once"
    acts = [r["action"] for r in by_task[key]]
    submit = [r for r in by_task[key] if r["action"] == "task.submit"]
    eq(len(submit), 1, f"{key}: one submission")
    late = json.loads(submit[0]["details"]).get("late")
    lapsed = "task.lapse" in acts
    queued = [r for r in by_task[key] if r["action"] == "notice.queue"]
    if lapsed:
        late_n += 1
        check(acts.index("task.lapse") < acts.index("task.submit"),
              f"{key}: lapsed, then submitted: {acts}")
        eq(late, True, f"{key}: a submission after the lapse is late")
    else:
        eq(late, False, f"{key}: in time, not late")
        eq(queued, [], f"{key}: no overdue notice for a task submitted in time")
eq(len(st.outbox()), backlog.count(st, None, "--sent"),
   "each notice written once, and marked sent")
eq(st.run("audit", "verify")[0], 0, "the audit log verifies after the race")
print(f"advance racing submit: {late_n} of {N} tasks lapsed before their submission")

# 2. backup during a backlog
st = Store("backup")
keys = backlog.make(st, 200, 10)
log = open(st.path("run.log"), "a")
p = start_daemon(st, {}, log=log, ready=False)
time.sleep(0.5)
copy = st.path("copy")
rc, out, err = st.run("backup", copy)
eq(rc, 0, f"backup while run applies a backlog: {err}")
backlog.wait_for(lambda: backlog.count(st, None, "--sent") >= len(keys), 180,
                 "the backlog delivered")
p.send_signal(signal.SIGTERM)
eq(p.wait(timeout=30), 0, "run stops cleanly")
c = subprocess.run([BIN, "--db", copy, "audit", "verify"], capture_output=True, text=True)
eq(c.returncode, 0, f"the copy opens and its audit log verifies: {c.stderr}")
c = subprocess.run([BIN, "--db", copy, "tasks", "--format", "json"], capture_output=True,
                   text=True)
eq(len(json.loads(c.stdout)), len(keys), "the copy holds every task")
eq(len(st.outbox()), len(keys), "the live store wrote every notice once")
sent = backlog.sent_keys(backlog.audit(st))
eq(sorted(sent.elements()), sorted(keys), "one notice.sent record per notice")
st.cleanup()
done("concurrency: advance racing submit, backup during a backlog")
