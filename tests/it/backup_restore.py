"""`dabiao backup DIR` while `run` is up gives a consistent compacted copy; restoring is
pointing --db at the copy: the same tasks, an audit log that verifies, and a daemon that
runs on it. The daemon is writing the outbox's .eml files meanwhile: the copy holds no
file whose notice its database lacks, and after a `deliver` on the copy every notice is
sent with exactly one file, whatever the copy caught in flight (queued, or claimed by the
daemon that was stopped)."""
import email
import email.policy
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, src, start_daemon  # noqa: E402

st = Store()
st.ok("init", "--clock", "real")
st.ok("load", src("workflows", "changji-2017.yaml"))
st.ok("import", src("workflows", "changji-registry.yaml"))
# signalled below only once it says it is running: a SIGTERM before its handler is set
# ends it with -15 (a fresh CI machine saw it: `import` had already written the start
# notices' files, so the wait below ended at once)
p = start_daemon(st)
# the copy is taken while the daemon is up, as soon as the outbox has a file (since fair
# start, a plan loaded years late gives start notices, written by `import`, and no backlog;
# a copy that does catch notices in flight is asserted on the same way below)
outbox = os.path.join(st.db, "outbox")
end = time.time() + 60
while time.time() < end and not (os.path.isdir(outbox) and os.listdir(outbox)):
    time.sleep(0.02)
copy = st.path("copy")
out = st.ok("backup", copy)
check("copied" in out, out)
p.send_signal(signal.SIGTERM)
eq(p.wait(timeout=60), 0, "run stops cleanly")

eq(sorted(os.listdir(copy)), ["audit-key.pem", "data.mdb", "outbox"],
   "no lock.mdb or daemon.lock in the copy")

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


def eml_keys(db):
    """The X-Dabiao-Key of every .eml file in db's outbox, one per file."""
    keys = []
    for name in sorted(os.listdir(os.path.join(db, "outbox"))):
        with open(os.path.join(db, "outbox", name), "rb") as f:
            keys.append(email.message_from_binary_file(f, policy=email.policy.default)
                        ["X-Dabiao-Key"])
    return keys


notices = {n["key"] for n in restored.notices()}
caught = eml_keys(copy)
print(f"the copy caught {len(caught)} files for {len(notices)} notices, "
      f"{len(restored.notices('--pending'))} of them queued or claimed")
check(set(caught) <= notices, "every file in the copy's outbox is one of its notices")
restored.ok("deliver")
eq(restored.notices("--pending"), [], "after a deliver on the copy nothing waits")
states = sorted({n["state"] for n in restored.notices()})
eq(states, ["sent"], "every notice of the copy is sent")
eq(sorted(eml_keys(copy)), sorted(notices), "with exactly one .eml file each")
eq(restored.run("audit", "verify")[0], 0, "and the audit log still verifies")
q = start_daemon(restored)
q.send_signal(signal.SIGTERM)
eq(q.wait(timeout=60), 0, "run works on the restored copy")
st.cleanup()
done("hot backup while run is up; restore by --db")
