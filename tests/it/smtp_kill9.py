"""kill -9 of `dabiao run` during SMTP delivery, 50 times: afterwards every notice has
arrived, a duplicate arrives only with the same Message-ID, and a notice arrives again only
as often as a kill found it claimed (docs/notices.md: "repeats only of claimed messages";
at-least-once, as close to exactly-once as SMTP allows). The bound is the claimed count,
not the number of kills: with `smtp.connections` (default 4) each session has a message in
flight, and results are recorded in batches, so one kill may find several claimed."""
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
from dabiao_it import Store, BIN, eq, done, start_daemon  # noqa: E402
from smtp_delivery_lib import Server  # noqa: E402
from crash_loop import claimed_now, message_id, wait_all_sent  # noqa: E402

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
claimed_at_kill = collections.Counter()
for _ in range(KILLS):
    p = subprocess.Popen([BIN, "--db", st.db, "run"], stdout=subprocess.DEVNULL, stderr=log,
                         env=e)
    time.sleep(random.uniform(0.05, 0.4))
    p.send_signal(signal.SIGKILL)
    p.wait()
    claimed_at_kill.update(claimed_now(st, env))
srv.mode("ok")
p = start_daemon(st, env)
wait_all_sent(st, env, N)
time.sleep(2)
p.send_signal(signal.SIGTERM)
eq(p.wait(timeout=60), 0, "the last run stops cleanly")

got = srv.log()
ids = collections.Counter(x["message_id"] for x in got)
eq(len(ids), N, "every notice arrived")
dups = sum(c - 1 for c in ids.values())
print(f"{len(got)} messages received for {N} notices: {dups} duplicates after {KILLS} kills; "
      f"{sum(claimed_at_kill.values())} notices found claimed at the kills")
by_id = {message_id(k): k for k in {n["key"] for n in st.notices(env=env)}}
eq(sorted(set(ids) - set(by_id)), [], "every message carries one of the notices' Message-IDs")
over = {by_id[m]: (c - 1, claimed_at_kill[by_id[m]]) for m, c in ids.items()
        if m in by_id and c - 1 > claimed_at_kill[by_id[m]]}
eq(over, {}, "no notice repeated more often than kills found it claimed (repeats, claimed)")
sent = st.notices("--sent", env=env)
eq(len(sent), N, "every notice is marked sent")
srv.stop()
st.cleanup()
done("kill -9 during SMTP delivery: nothing lost, duplicates bounded and recognisable")
