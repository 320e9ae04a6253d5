"""`dabiao backup DIR` while `run` is up gives a consistent compacted copy; restoring is
pointing --db at the copy: the same tasks, an audit log that verifies, and a daemon that
runs on it."""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, BIN, eq, check, done, src  # noqa: E402

st = Store()
st.ok("init", "--clock", "real")
st.ok("load", src("workflows", "changji-2017.yaml"))
st.ok("import", src("workflows", "changji-registry.yaml"))
p = subprocess.Popen([BIN, "--db", st.db, "run"], stdout=subprocess.DEVNULL,
                     stderr=open(st.path("run.log"), "w"))
time.sleep(3)  # the daemon applies the (long past) 2017 year while we copy
copy = st.path("copy")
out = st.ok("backup", copy)
check("copied" in out, out)
p.send_signal(signal.SIGTERM)
eq(p.wait(timeout=60), 0, "run stops cleanly")

rc, out, err = st.run("backup", copy)
check(rc != 0, "backup refuses a folder that is not empty")
check(os.stat(copy).st_mode & 0o777 == 0o700, "the copy's folder is private")
restored = Store("restored")
restored.db = copy
tasks = restored.tasks()
check(len(tasks) > 100, f"the copy has the tasks: {len(tasks)}")
eq(sorted(t["key"] for t in tasks), sorted(t["key"] for t in st.tasks()), "same task keys")
rc, out, err = restored.run("audit", "verify")
eq(rc, 0, f"the copy's audit log verifies: {err}")
q = subprocess.Popen([BIN, "--db", copy, "run"], stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)
time.sleep(2)
q.send_signal(signal.SIGTERM)
eq(q.wait(timeout=60), 0, "run works on the restored copy")
st.cleanup()
done("hot backup while run is up; restore by --db")
