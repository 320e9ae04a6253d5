"""`dabiao backup DIR` copies everything the store folder holds that matters: the database
(with the notices' delivery records), the outbox's .eml files (the only copy of what was
sent when no SMTP server is configured) and the store's signing key, byte for byte, but not
LMDB's lock file, the daemon's daemon.lock or a delivery's temporary files. The documented
restore (stop, put the copy in the store's place, start) gives a store whose audit log
verifies, whose outbox lists the same notices in the same states, which signs with the same
key, and where delivering again writes no second copy of any message."""
import hashlib
import os
import re
import shutil
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402


def files(folder):
    """name -> sha256 of every file under folder, by path relative to it."""
    out = {}
    for root, _, names in os.walk(folder):
        for n in names:
            p = os.path.join(root, n)
            with open(p, "rb") as f:
                out[os.path.relpath(p, folder)] = hashlib.sha256(f.read()).hexdigest()
    return out


def own(store):
    """The notices sent as messages of their own (not folded into a digest)."""
    return [n for n in store.notices() if n["state"] != "digested"]


st = Store()
st.changji(until="2017-03-01T00:00:00+08:00")
eml = st.outbox()
check(len(eml) > 10, f"the rehearsal wrote .eml files: {len(eml)}")
# one file per notice, named <scheduled UTC>-<key made safe>-<128 bits of its hash>.eml
# a notice carried in a recipient's day's digest (the plan's notices.group) is `digested`:
# the digest is the message with a file of its own
notices = [n for n in st.notices() if n["state"] != "digested"]
eq(len(eml), len(notices), "one .eml file per notice")
check(all(re.fullmatch(r"\d{8}T\d{6}Z-[\w.@-]+-[0-9a-f]{32}\.eml", n) for n in eml),
      f"the outbox's names: {eml[:2]}")
eq(sorted(n["state"] for n in notices), ["sent"] * len(notices), "every notice was sent")
# what a delivery in progress leaves for a moment: a temporary file
with open(os.path.join(st.db, "outbox", ".x.eml.tmp"), "w") as f:
    f.write("partial")
# a daemon's lock file, as `run` leaves it (a store run for real is backed up by
# backup_restore.py while its daemon delivers): it names a process of this machine
with open(os.path.join(st.db, "daemon.lock"), "w") as f:
    f.write("4242\n")
copy = st.path("copy")
out = st.ok("backup", copy)
check("outbox" in out, f"backup says it copied the outbox: {out}")
got = files(os.path.join(copy, "outbox"))
want = {k: v for k, v in files(os.path.join(st.db, "outbox")).items() if not k.startswith(".")}
eq(got, want, "every .eml file, byte for byte, and no temporary file")
eq(sorted(os.listdir(copy)), ["audit-key.pem", "data.mdb", "outbox"],
   "the store's signing key comes too; no lock.mdb or daemon.lock")
eq(files(copy)["audit-key.pem"], files(st.db)["audit-key.pem"], "the same key")
eq(os.stat(os.path.join(copy, "audit-key.pem")).st_mode & 0o777, 0o600, "kept private")
eq(os.stat(os.path.join(copy, "outbox")).st_mode & 0o777, 0o700, "the outbox stays private")
check(all(os.stat(os.path.join(copy, "outbox", n)).st_mode & 0o077 == 0 for n in got),
      "and its files")

# restore as deploy/README.md says: stop, move the damaged store aside, copy into place
before = [(n["key"], n["state"], n["attempts"]) for n in st.notices()]
verifier = st.ok("audit", "key")
shutil.move(st.db, st.path("damaged"))
shutil.copytree(copy, st.db)
rc, out, err = st.run("audit", "verify")
eq(rc, 0, f"the restored store's audit log verifies: {err}")
eq([(n["key"], n["state"], n["attempts"]) for n in st.notices()], before,
   "the restored outbox lists the same notices, states and attempts")
eq(st.outbox(), eml, "the same .eml files")
eq(st.ok("audit", "key"), verifier, "checkpoints are signed with the same key")
st.ok("deliver")
eq(st.outbox(), eml, "delivering again writes no second copy")
eq(st.notices("--pending"), [], "and nothing waits to be delivered")
st.ok("advance", "--to", "2017-04-01T00:00:00+08:00")
check(len(st.outbox()) > len(eml), "the restored store goes on")
rc, _, err = st.run("backup", copy)
eq(rc, 73, "a backup into a folder that is not empty is refused")
st.cleanup()

# The copy's files come after its database: a notice delivered in between has its file in
# the copy while the copy's database still has it waiting. Made here without timing: the
# notices wait (an SMTP server that refuses connections makes them retrying, with no file)
# when the backup is taken; the live store then writes their files, which go into the
# copy as the file pass would have taken them; the copy, restored and delivering, must
# write the very same files and no other.
live = Store()
dead = socket.socket()
dead.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
smtp = {"DABIAO_SMTP": f"smtp://127.0.0.1:{dead.getsockname()[1]}"}
live.changji(until="2017-02-08T09:30:00+08:00", env=smtp)
waiting = own(live)
check(len(waiting) > 5 and {n["state"] for n in waiting} == {"retrying"},
      f"the notices wait for the server: {sorted({n['state'] for n in waiting})}")
eq(live.outbox(), [], "and have no file yet")
copy = live.path("copy")
live.ok("backup", copy)
# the next ninety minutes: every retry falls due (they are at most an hour apart), and
# nothing else does (the next entries are on 10 February)
later = "2017-02-08T11:00:00+08:00"
live.ok("advance", "--to", later)
written = files(os.path.join(live.db, "outbox"))
eq((len(written), {n["state"] for n in own(live)}), (len(waiting), {"sent"}),
   "without the server, each waiting notice is written once and sent")
for name in written:
    shutil.copy2(os.path.join(live.db, "outbox", name), os.path.join(copy, "outbox", name))
restored = Store("restored")
restored.db = copy
eq({n["state"] for n in own(restored)}, {"retrying"}, "the copy's database says waiting")
restored.ok("advance", "--to", later)
eq(files(os.path.join(copy, "outbox")), written,
   "the restored copy writes the same names with the same bytes, and no other file")
eq({n["state"] for n in own(restored)}, {"sent"}, "and records each notice sent")
eq(restored.run("audit", "verify")[0], 0, "its audit log verifies")
dead.close()
live.cleanup()
done("backup copies the outbox with the database; restore is putting the copy in place")
