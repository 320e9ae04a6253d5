"""smtp.connections: a batch goes out over that many SMTP sessions at once, to a real
server on 127.0.0.1 (tests/lib/smtpd.py, answering each message slowly so the sessions
overlap). Each notice reaches its recipient exactly once, on one of the connections; one
connection carries the whole batch when the file says 1; a bad value is refused naming
the file, line and column; and a `run` killed with -9 while its sessions are sending never
sends again a notice it had recorded as sent, delivers the rest after a restart, and
repeats nothing but with the same Message-ID."""
import collections
import datetime
import hashlib
import os
import signal
import subprocess
import sys
import time
import zoneinfo

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, BIN, eq, check, done, start_daemon  # noqa: E402
from smtp_delivery_lib import Server, PLAN  # noqa: E402

N = 12
REG = "jurisdictions:\n" + "".join(
    f"  - {{id: j{i:02d}, name: 县{i}, kind: county, email: [j{i:02d}@x.example]}}\n"
    for i in range(N)) + "offices:\n  supervision: [s@x.example]\n  monitoring: [m@x.example]\n"


def config(st, port, conns):
    return st.write(f"dabiao-{conns}.yaml", f"""\
smtp:
  host: 127.0.0.1
  port: {port}
  security: none
  from: dabiao@x.example
  connections: {conns}
""")


def message_id(key):
    # notice.c's rule, written again here: the first 20 bytes of the key's SHA-256
    return "<%s@dabiao>" % hashlib.sha256(key.encode()).hexdigest()[:40]


# 1. Three connections: the twelve reminders due at 09:00 are one batch, four a session.
for conns, shares in ((3, [4, 4, 4]), (1, [12])):
    srv = Server()
    srv.start()
    srv.mode("stall 0.2")
    st = Store(f"conns{conns}")
    env = {"DABIAO_CONFIG": config(st, srv.port, conns)}
    st.ok("init", "--clock", "virtual", "--now", "2017-02-01T00:00:00+08:00", env=env)
    st.ok("load", st.write("p.yaml", PLAN), env=env)
    st.ok("import", st.write("r.yaml", REG), env=env)
    st.ok("advance", "--to", "2017-02-14T12:00:00+08:00", env=env)
    log = srv.log()
    ids = collections.Counter(x["message_id"] for x in log)
    want = {message_id(f"mail/roster/j{i:02d}/once#reminder#0") for i in range(N)}
    eq(set(ids), want, f"{conns} connection(s): every reminder arrived")
    eq(sorted(ids.values()), [1] * N, f"{conns} connection(s): each exactly once")
    eq(sorted(r for x in log for r in x["rcpt_tos"]),
       [f"j{i:02d}@x.example" for i in range(N)], f"{conns} connection(s): each recipient once")
    per_conn = collections.Counter(x["conn"] for x in log)
    eq(sorted(per_conn.values()), shares, f"{conns} connection(s): messages per session")
    sent = st.notices("--sent", env=env)
    eq(len(sent), N, f"{conns} connection(s): every reminder is recorded sent")
    srv.stop()
    st.cleanup()

# 2. Bad values are refused when the file is read (EX_CONFIG), naming where.
st = Store("bad")
for bad in ("0", "17", "x", "-1"):
    path = st.write("bad.yaml", f"smtp:\n  host: 127.0.0.1\n  connections: {bad}\n")
    code, _, err = st.run("--config", path, "clock")
    eq(code, 78, f"connections: {bad} is refused")
    check(f"{path}:3:" in err and "smtp.connections" in err, f"the message names it: {err}")
st.cleanup()

# 3. kill -9 of `run` while four sessions send: nothing recorded sent is sent again.
M = 40
ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
srv = Server()
srv.start()
# a second a message: the 40 take ten seconds over four sessions, so the kill after the
# eighth lands while they send, however late a loaded machine polls
srv.mode("stall 1.0")
st = Store("kill")
env = {"DABIAO_CONFIG": config(st, srv.port, 4)}
t0 = int(time.time()) + 3
due = datetime.datetime.fromtimestamp(t0, ZONE).strftime("%Y-%m-%dT%H:%M:%S")
st.ok("init", "--clock", "real", env=env)
st.ok("load", st.write("k.yaml", f"""\
plan: kc
title: 并行连接测试
timezone: Asia/Shanghai
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
        grace: 0d
        due: {due}
        escalate: e
"""), env=env)
st.ok("import", st.write("kr.yaml", "jurisdictions:\n" + "".join(
    f"  - {{id: k{i:02d}, name: 县{i}, kind: county, email: [k{i:02d}@x.example]}}\n"
    for i in range(M))), env=env)
while time.time() < t0 + 1.5:
    time.sleep(0.1)
e = dict(os.environ, **env)
runlog = open(st.path("run.log"), "a")
p = subprocess.Popen([BIN, "--db", st.db, "run"], stdout=subprocess.DEVNULL, stderr=runlog, env=e)
end = time.time() + 120
while time.time() < end and len(srv.log()) < 8:
    time.sleep(0.05)
p.send_signal(signal.SIGKILL)
p.wait()
before = len(srv.log())
check(0 < before < M, f"killed while sending: {before} of {M} had arrived")
recorded = {n["key"] for n in st.notices("--sent", env=env)}
check(len(recorded) > 0, f"some were recorded sent before the kill: {len(recorded)}")
srv.mode("ok")
p = start_daemon(st, env)
end = time.time() + 180
while time.time() < end and len(st.notices("--sent", env=env)) < M:
    time.sleep(0.5)
p.send_signal(signal.SIGTERM)
eq(p.wait(timeout=60), 0, "the second run stops cleanly")
got = collections.Counter(x["message_id"] for x in srv.log())
eq(set(got), {message_id(f"kc/m/k{i:02d}/once#overdue#0") for i in range(M)},
   "every notice arrived, each under its own Message-ID")
for key in recorded:
    eq(got[message_id(key)], 1, f"{key}, recorded sent before the kill, arrived once")
eq(len(st.notices("--sent", env=env)), M, "every notice is recorded sent")
print(f"{sum(got.values())} messages for {M} notices; {len(recorded)} recorded before the kill")
srv.stop()
st.cleanup()
done("smtp.connections: sessions side by side, each notice once, kill -9 repeats nothing recorded")
