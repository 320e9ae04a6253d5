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


st = Store()
st.changji(until="2017-03-01T00:00:00+08:00")
eml = st.outbox()
check(len(eml) > 10, f"the rehearsal wrote .eml files: {len(eml)}")
# one file per notice, named <scheduled UTC>-<key made safe>-<128 bits of its hash>.eml
notices = st.notices()
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
done("backup copies the outbox with the database; restore is putting the copy in place")
