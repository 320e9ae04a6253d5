"""kill -9 of `dabiao run` during SMTP delivery, 50 times: afterwards every notice has
arrived, a duplicate arrives only with the same Message-ID, and there are never more
duplicates than kills (at-least-once, as close to exactly-once as SMTP allows)."""
import collections
import datetime
import os
import random
import signal
import subprocess
import sys
import time
import zoneinfo

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, BIN, eq, check, done  # noqa: E402
from smtp_delivery_lib import Server  # noqa: E402

N = 300
KILLS = 50
random.seed(int(os.environ.get("DABIAO_SEED", "4000")))
ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")

srv = Server()
srv.start()
srv.mode("stall 0.02")      # slow enough that kills land inside sessions
st = Store()
env = {"DABIAO_SMTP": f"smtp://127.0.0.1:{srv.port}"}
t0 = int(time.time()) + 3
due = datetime.datetime.fromtimestamp(t0, ZONE).strftime("%Y-%m-%dT%H:%M:%S")
st.ok("init", "--clock", "real", env=env)
st.ok("load", st.write("p.yaml", f"""\
plan: sk
title: 杀进程测试
timezone: Asia/Shanghai
grace: 0d
roles:
  county_epb: {{title: 县环保局, per: jurisdiction}}
escalations:
  e:
    - {{after: 1s, kind: overdue, notify: [owner]}}
phases:
  - id: p
    title: 阶段
    milestones:
      - id: m
        title: 报表
        owner: county_epb
        for: each jurisdiction
        due: {due}
        escalate: e
"""), env=env)
st.ok("import", st.write("r.yaml", "jurisdictions:\n" + "".join(
    f"  - {{id: j{i}, name: 县{i}, kind: county, email: [j{i}@x.example]}}\n"
    for i in range(N))), env=env)
while time.time() < t0 + 1.5:
    time.sleep(0.1)

e = dict(os.environ, **env)
log = open(st.path("run.log"), "a")
for _ in range(KILLS):
    p = subprocess.Popen([BIN, "--db", st.db, "run"], stdout=subprocess.DEVNULL, stderr=log,
                         env=e)
    time.sleep(random.uniform(0.05, 0.4))
    p.send_signal(signal.SIGKILL)
    p.wait()
srv.mode("ok")
p = subprocess.Popen([BIN, "--db", st.db, "run"], stdout=subprocess.DEVNULL, stderr=log, env=e)
end = time.time() + 180
while time.time() < end and len({x["message_id"] for x in srv.log()}) < N:
    time.sleep(0.5)
time.sleep(2)
p.send_signal(signal.SIGTERM)
eq(p.wait(timeout=60), 0, "the last run stops cleanly")

got = srv.log()
ids = collections.Counter(x["message_id"] for x in got)
eq(len(ids), N, "every notice arrived")
dups = sum(c - 1 for c in ids.values())
print(f"{len(got)} messages received for {N} notices: {dups} duplicates after {KILLS} kills")
check(dups <= KILLS, f"no more duplicates than kills: {dups}")
sent = st.notices("--sent", env=env)
eq(len(sent), N, "every notice is marked sent")
srv.stop()
st.cleanup()
done("kill -9 during SMTP delivery: nothing lost, duplicates bounded and recognisable")
