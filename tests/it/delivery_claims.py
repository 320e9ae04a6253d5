"""Who delivers what, decided by the store (issue 9, defects 1, 2 and 4):
- `simulate` is dry: with a live SMTP server named in DABIAO_SMTP it sends nothing, and
  leaves nothing in its TMPDIR;
- one `run` with a healthy server records each notice sent exactly once (one notice.sent
  audit record per notice, one message per notice at the server);
- a second `run` on the same store exits 75 naming the first one's pid, and delivers
  nothing;
- `deliver` run again and again beside a running daemon sends nothing twice: every message
  the server got matches one notice.sent record and vice versa."""
import collections
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, BIN, eq, check, done, src, start_daemon  # noqa: E402
from smtp_delivery_lib import Server  # noqa: E402
import backlog  # noqa: E402

srv = Server()
srv.start()
env = {"DABIAO_SMTP": f"smtp://127.0.0.1:{srv.port}"}

# 1. simulate with a server named: nothing sent, nothing left outside its store.
tmp = tempfile.mkdtemp(prefix="dabiao-sim-")
st = Store("sim")
rc, out, err = st.run("simulate", src("workflows", "changji-2017.yaml"), "--registry",
                      src("workflows", "changji-registry.yaml"), "--to",
                      "2017-03-01T00:00:00+08:00", env=dict(env, TMPDIR=tmp))
eq(rc, 0, f"simulate runs: {err}")
check(len(out.splitlines()) > 10, f"simulate prints a timeline: {len(out.splitlines())} lines")
eq(srv.log(), [], "simulate sent no e-mail")
eq(os.listdir(tmp), [], "simulate left nothing in its TMPDIR")
check(not os.path.exists(st.db), "simulate made no store at --db")
os.rmdir(tmp)

# 2. one daemon, a healthy server, 300 notices: each recorded sent exactly once.
N_JUR, N_MS = 60, 5
st = Store("one")
keys = backlog.make(st, N_JUR, N_MS, env=env)
log = open(st.path("run.log"), "a")
p = start_daemon(st, env, log=log)
# 4a. a second daemon on the same store is refused at once, naming the first
rc2 = subprocess.run([BIN, "--db", st.db, "run"], capture_output=True, text=True,
                     env=dict(os.environ, **env), timeout=60)
eq(rc2.returncode, 75, f"a second run exits 75: {rc2.stderr}")
check(f"process {p.pid}" in rc2.stderr, f"it names the running daemon's pid {p.pid}: "
      f"{rc2.stderr}")
backlog.wait_for(lambda: len(srv.log()) >= len(keys), 120, "every notice delivered")
time.sleep(1.5)
p.send_signal(signal.SIGTERM)
eq(p.wait(timeout=30), 0, "the daemon stops cleanly")
recs = backlog.audit(st, env)
sent = backlog.sent_keys(recs)
eq(sorted(sent), sorted(keys), "every notice has a notice.sent record")
eq(max(sent.values()), 1, "no notice.sent record twice (the double-apply defect)")
eq(sum(1 for r in recs if r["action"] == "notice.sent" and r["from_state"] == "sent"), 0,
   "no record from sent to sent")
got = collections.Counter(x["message_id"] for x in srv.log())
eq(len(srv.log()), len(keys), "the server got one message per notice")
eq(len(got), len(keys), "distinct Message-IDs")
eq(st.run("audit", "verify", env=env)[0], 0, "the audit log verifies")

# 4b. `deliver` again and again while a daemon delivers a slow backlog: nothing twice.
# 600 notices: more than two batches of DELIVER_BATCH (256), so that both claim some.
srv2 = Server()
srv2.start()
srv2.mode("stall 0.02")
env2 = {"DABIAO_SMTP": f"smtp://127.0.0.1:{srv2.port}"}
st2 = Store("two")
keys2 = backlog.make(st2, 120, 5, env=env2)
log2 = open(st2.path("run.log"), "a")
p = start_daemon(st2, env2, log=log2, ready=False)
delivers = by_deliver = 0
end = time.time() + 120
while time.time() < end and len(srv2.log()) < len(keys2):
    r = subprocess.run([BIN, "--db", st2.db, "deliver"], capture_output=True, text=True,
                       env=dict(os.environ, **env2), timeout=120)
    eq(r.returncode, 0, f"deliver beside the daemon: {r.stderr}")
    delivers += 1
    by_deliver += int(r.stdout.split()[1]) if r.stdout.startswith("delivered ") else 0
time.sleep(1.5)
p.send_signal(signal.SIGTERM)
eq(p.wait(timeout=30), 0, "the daemon stops cleanly")
check(0 < by_deliver < len(keys2), f"deliver and the daemon both delivered: {by_deliver} "
      f"of {len(keys2)} by {delivers} deliver runs")
got = [backlog.message_key(srv2.dir, i + 1) for i in range(len(srv2.log()))]
sent = backlog.sent_keys(backlog.audit(st2, env2))
print(f"deliver beside run: {delivers} deliver runs sent {by_deliver}, {len(got)} messages "
      f"for {len(keys2)} notices")
eq(sorted(got), sorted(keys2), "each notice reached the server exactly once")
eq(sorted(sent.elements()), sorted(keys2), "each notice recorded sent exactly once")

srv.stop()
srv2.stop()
st.cleanup()
st2.cleanup()
done("claims: simulate is dry, one result per notice, one daemon per store, deliver beside run")
