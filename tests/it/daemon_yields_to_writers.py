"""Another process's write does not wait for the daemon's whole burst: `run` catches up
10,000 lapses and their 10,000 overdue notices (a rehearsed store gone live, its
deadlines in the past) in bounded transactions, and a command that writes while it does
(`user add`) is let in between two of them, not after the last (LMDB's writer lock is not
fair: without the daemon giving way it would win the lock back after every commit). The
bounded transactions lose nothing and double nothing: every task lapses once, every
notice is queued and written once, and the audit trail verifies.

No timing decides the outcome: the command starts once the daemon's log shows its first
applied deadline, and the check is the order of the records in the audit trail."""
import datetime
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import BIN, Store, check, done, eq  # noqa: E402
import backlog  # noqa: E402

N_JUR, N_MS = 100, 100
N = N_JUR * N_MS
WAIT = 900  # seconds: a sanitizer build on a loaded machine

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2026-01-01T00:00:00+08:00")
due = int(datetime.datetime(2026, 3, 1, 17, 0, tzinfo=backlog.ZONE).timestamp())
st.ok("load", st.write("plan.yaml", backlog.plan_text(N_MS, due)))
st.ok("import", st.write("reg.yaml", backlog.registry_text(N_JUR)))
# every deadline and its overdue step now lie in the past: the first `run` catches up
st.ok("clock", "--go-live")
pw = st.write("pw", "a-long-enough-password\n")

log = open(st.path("run.log"), "w")
daemon = subprocess.Popen([BIN, "--db", st.db, "run"], stdout=subprocess.DEVNULL, stderr=log)
end = time.time() + WAIT
started = False
while time.time() < end and daemon.poll() is None and not started:
    with open(st.path("run.log"), encoding="utf-8") as f:
        started = "action kind=deadline" in f.read()
    if not started:
        time.sleep(0.05)
check(started, "the daemon applies the backlog's deadlines")
# a write of another process while the burst runs
st.ok("user", "add", "inspector", "--role", "supervision", "--password-file", pw)
# the burst's end: every overdue notice written as its .eml file
while time.time() < end and daemon.poll() is None and len(st.outbox()) < N:
    time.sleep(0.2)
eq(len(st.outbox()), N, "every overdue notice is written once")
daemon.terminate()
eq(daemon.wait(timeout=WAIT), 0, "the daemon stops on SIGTERM")
log.close()

records = [json.loads(ln)["record"] for ln in
           st.ok("audit", "--format", "jsonl").splitlines() if ln.strip()]
actions = [r["action"] for r in records]
burst = {"task.lapse", "notice.queue"}
at = actions.index("user.add") if "user.add" in actions else -1
check(at >= 0, "the command's write is in the audit trail")
after = sum(1 for a in actions[at + 1:] if a in burst)
before = sum(1 for a in actions[:at] if a in burst)
print(f"burst records before the command's write: {before}, after: {after}")
check(after > 0, f"the command's write went in while the burst ran, not after it "
      f"({before} burst records before it, {after} after)")
lapsed = sorted(r["task"] for r in records if r["action"] == "task.lapse")
eq(len(lapsed), N, "every task lapses")
eq(len(set(lapsed)), N, "each once")
queued = [r for r in records if r["action"] == "notice.queue"]
eq(len(queued), N, "every overdue notice is queued once")
rc, out, err = st.run("audit", "verify")
eq(rc, 0, f"the audit trail verifies after the bounded transactions: {out} {err}")
st.cleanup()
done("a write of another process goes in between the daemon's bounded transactions")
