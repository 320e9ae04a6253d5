"""The daemon's stop and reload (issue 9, defects 6 and 9, and the harness's reload case):
- SIGTERM while a slow server takes a batch: `run` exits 0 within 10 s (the batch in flight
  abandoned, the helper killed), leaves nothing claimed, and the next run delivers the rest
  with no message twice;
- the SMTP helper is a separate program, not a fork of the daemon: a SIGTERM sent to it
  kills only it (the daemon goes on, and retries what it had);
- a failed SIGHUP reload (a broken configuration) keeps the daemon and its configuration;
  a good one after it loses nothing: every deadline applied, every notice delivered once."""
import collections
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, start_daemon  # noqa: E402
from smtp_delivery_lib import Server  # noqa: E402
import backlog  # noqa: E402


def helpers_of(pid):
    """The daemon's SMTP helper processes: children running `dabiao --smtp-helper`."""
    out = subprocess.run(["ps", "-o", "pid=,args=", "--ppid", str(pid)], capture_output=True,
                         text=True).stdout
    return [int(line.split()[0]) for line in out.splitlines() if "--smtp-helper" in line]


# 1. SIGTERM with a slow server
srv = Server()
srv.start()
srv.mode("stall 0.5")
env = {"DABIAO_SMTP": f"smtp://127.0.0.1:{srv.port}"}
st = Store("term")
keys = backlog.make(st, 40, 5, env=env)
log = open(st.path("run.log"), "a")
p = start_daemon(st, env, log=log, ready=False)
backlog.wait_for(lambda: len(srv.log()) >= 3, 60, "the first messages")
t0 = time.time()
p.send_signal(signal.SIGTERM)
rc = p.wait(timeout=60)
took = time.time() - t0
print(f"SIGTERM during a slow batch: stopped in {took:.2f} s")
eq(rc, 0, "run exits 0 on SIGTERM")
check(took < 10, f"run stops within 10 s of SIGTERM: {took:.2f} s")
eq([k for state, k in backlog.outbox_rows(st, env) if state == "claimed"], [],
   "nothing left claimed: the abandoned batch's claims were given back")
backlog.deliver_rest(st, env, srv, keys, log, "none twice after a stop")

# 2. the helper is its own program: a SIGTERM to it is not the daemon's
srv.mode("stall 2")
st2 = Store("helper")
keys2 = backlog.make(st2, 10, 1, env=env)
p = start_daemon(st2, env, log=log, ready=False)
helpers = []
backlog.wait_for(lambda: bool(helpers.extend(helpers_of(p.pid)) or helpers), 30,
                 "an SMTP helper process")
with open(f"/proc/{helpers[0]}/cmdline", "rb") as f:
    argv = f.read().split(b"\0")
eq(argv[1], b"--smtp-helper", "the helper is dabiao exec'd in its helper mode")
with open(f"/proc/{helpers[0]}/environ", "rb") as f:
    eq(f.read(), b"", "the helper has an empty environment")
links = {int(x): os.readlink(f"/proc/{helpers[0]}/fd/{x}")
         for x in os.listdir(f"/proc/{helpers[0]}/fd")}
check(links[0].startswith("socket:") and links[1].startswith("pipe:") and
      links[2] == "/dev/null", f"the helper's request, results and stderr: {links}")
# the sanitizer runtime of an ASan build reads the helper's own /proc/PID/maps: opened in
# the helper, so never one of the daemon's
own = f"/proc/{helpers[0]}/"
eq({fd: ln for fd, ln in links.items()
     if fd > 2 and not ln.startswith("socket:") and not ln.startswith(own)}, {},
   "beyond those, only its own connection to the server: nothing of the daemon's")
os.kill(helpers[0], signal.SIGTERM)
time.sleep(1.5)
eq(p.poll(), None, "a SIGTERM to the helper does not stop the daemon")
srv.mode("ok")
p.send_signal(signal.SIGTERM)
eq(p.wait(timeout=30), 0, "the daemon stops on its own SIGTERM")
srv.stop()

# 3. SIGHUP with a broken configuration, then a good one
srv = Server()
srv.start()
st = Store("hup")
good = f"smtp:\n  host: 127.0.0.1\n  port: {srv.port}\n  security: none\n  from: d@x.example\n"
cfg = st.write("cfg.yaml", good)
env = {"DABIAO_CONFIG": cfg}
st.ok("init", "--clock", "real", env=env)
due = int(time.time()) + 6
st.ok("load", st.write("plan.yaml", backlog.plan_text(4, due)), env=env)
st.ok("import", st.write("reg.yaml", backlog.registry_text(25)), env=env)
keys = [f"bk/m{m}/j{j}/once#overdue#0" for j in range(25) for m in range(4)]
log = open(st.path("run.log"), "a")
p = start_daemon(st, env, log=log)
st.write("cfg.yaml", "smtp: [this is: not a mapping\n")
p.send_signal(signal.SIGHUP)
time.sleep(1)
eq(p.poll(), None, "a failed reload keeps the daemon running")
backlog.wait_for(lambda: time.time() > due + 3, 30, "the deadlines")
st.write("cfg.yaml", good)
p.send_signal(signal.SIGHUP)
backlog.wait_for(lambda: len(srv.log()) >= len(keys), 60, "every notice delivered")
time.sleep(1)
p.send_signal(signal.SIGTERM)
eq(p.wait(timeout=30), 0, "the daemon stops cleanly")
eq(sorted({t["state"] for t in st.tasks()}), ["overdue"], "every deadline applied")
got = collections.Counter(backlog.message_key(srv.dir, i + 1) for i in range(len(srv.log())))
eq(sorted(got), sorted(keys), "every notice delivered after the reloads")
eq(max(got.values()), 1, "none twice")
with open(st.path("run.log")) as f:
    check("configuration not reloaded" in f.read(), "the failed reload was logged")
srv.stop()
st.cleanup()
st2.cleanup()
done("daemon: SIGTERM within 10 s, a separate helper, reloads lose nothing")
