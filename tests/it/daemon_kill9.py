"""kill -9 of `dabiao run` at random moments, 50 times, while 2,000 deadlines and their
escalations fall due: after a final clean run every deadline is applied once, every
escalation notice exists exactly once (in the store, the audit trail and as one .eml file),
nothing is half-written, and the audit log still verifies."""
import datetime
import json
import os
import random
import signal
import subprocess
import sys
import time
import zoneinfo

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, BIN, eq, check, done, start_daemon  # noqa: E402

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
N_JUR, N_MS = 200, 10
random.seed(int(os.environ.get("DABIAO_SEED", "20171009")))

st = Store()
t0 = int(time.time()) + 4
due = datetime.datetime.fromtimestamp(t0, ZONE).strftime("%Y-%m-%dT%H:%M:%S")
milestones = "".join(f"""\
      - id: m{i}
        title: 报表{i}
        owner: county_epb
        for: each jurisdiction
        due: {due}
        escalate: fast
""" for i in range(N_MS))
plan = st.write("k.yaml", f"""\
plan: k
title: 压力测试
timezone: Asia/Shanghai
grace: 0d
roles:
  county_epb: {{title: 县环保局, per: jurisdiction}}
  supervision: {{title: 监察支队}}
escalations:
  fast:
    - {{after: 1s, kind: overdue, notify: [owner, supervision]}}
phases:
  - id: p
    title: 阶段
    milestones:
{milestones}""")
reg = st.write("r.yaml", "jurisdictions:\n" + "".join(
    f"  - {{id: j{i}, name: 县{i}, kind: county, email: [j{i}@x.example]}}\n"
    for i in range(N_JUR)) + "offices:\n  supervision: [s@x.example]\n")
st.ok("init", "--clock", "real")
st.ok("load", plan)
st.ok("import", reg)
while time.time() < t0 + 1.5:
    time.sleep(0.1)

log = open(st.path("run.log"), "a")
for i in range(50):
    p = subprocess.Popen([BIN, "--db", st.db, "run"], stdout=subprocess.DEVNULL, stderr=log)
    time.sleep(random.uniform(0.0, 0.25))
    p.send_signal(signal.SIGKILL)
    p.wait()

# the last run is signalled only once it says it is running: the kills may have left
# nothing to do, so the wait below can end at once, before its SIGTERM handler is set
# Its work is over when the store says so: every deadline applied and every notice
# recorded sent. The .eml files are no such sign: a killed run may have written a file and
# died before recording it, so the files can all exist while the final run is still
# delivering those notices again (a SIGTERM then gives their claims back unsent).
p = start_daemon(st)
deadline = time.time() + 300
while time.time() < deadline:
    if all(t["state"] == "overdue" for t in st.tasks()) and \
            len(st.notices("--sent")) >= N_JUR * N_MS:
        break
    time.sleep(0.5)
p.send_signal(signal.SIGTERM)
eq(p.wait(timeout=30), 0, "the final run stops cleanly")

tasks = st.tasks()
eq(len(tasks), N_JUR * N_MS, "tasks")
eq(sorted({t["state"] for t in tasks}), ["overdue"], "every deadline applied")
files = [f for f in os.listdir(os.path.join(st.db, "outbox"))]
eq([f for f in files if f.startswith(".")], [], "no half-written file left")
eq(len(files), N_JUR * N_MS, "one .eml per escalation notice")
records = [json.loads(line)["record"] for line in
           st.ok("audit", "--format", "jsonl").splitlines() if line.strip()]
queued = [json.loads(r["details"])["key"] for r in records if r["action"] == "notice.queue"]
eq(len(queued), N_JUR * N_MS, "notice.queue records")
eq(len(set(queued)), len(queued), "no notice queued twice")
lapses = [r["task"] for r in records if r["action"] == "task.lapse"]
eq(len(lapses), N_JUR * N_MS, "one lapse per task")
eq(len(set(lapses)), len(lapses), "no lapse applied twice")
sent = [r for r in records if r["action"] == "notice.sent"]
eq(len(sent), N_JUR * N_MS, "each notice marked sent once")
rc, out, err = st.run("audit", "verify")
eq(rc, 0, f"the audit log verifies after 50 kills: {err}")

st.cleanup()
done("50 x kill -9 during delivery: nothing lost, nothing doubled")
