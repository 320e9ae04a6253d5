"""A command never writes into its own store folder by a path it was given, and a failed
backup leaves nothing behind (review 13d, F2, F9, F15, F22).

`dabiao backup DIR` with DIR inside the store (however named: a trailing slash, `..`, a
symbolic link to the store) would copy the copy into itself, signing key and all: it is
refused with 73 before anything is written, as is a DIR that holds the store. A backup that
fails half-way (here a file size limit) leaves no folder, so the next backup into the same
name works. `--out FILE` inside the store folder (data.mdb, audit-key.pem, the outbox)
would replace the store's own files: refused with 73, the store unchanged and still
usable. `--out -` is standard output, `--out ''` a usage error (64)."""
import hashlib
import os
import resource
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import BIN, Store, check, done, eq  # noqa: E402

BIN = os.path.abspath(BIN) if os.sep in BIN else BIN


def tree(folder):
    """relative path -> sha256 (files) or 'dir', for everything under folder."""
    out = {}
    for root, dirs, names in os.walk(folder):
        for d in dirs:
            out[os.path.relpath(os.path.join(root, d), folder)] = "dir"
        for n in names:
            p = os.path.join(root, n)
            with open(p, "rb") as f:
                out[os.path.relpath(p, folder)] = hashlib.sha256(f.read()).hexdigest()
    return out


st = Store()
st.changji()
# lock.mdb is LMDB's reader table, rewritten by every reader: not the store's content
before = {k: v for k, v in tree(st.db).items() if k != "lock.mdb"}
check("audit-key.pem" in before and "data.mdb" in before, f"a store with its key: {before}")
link = st.path("link")
os.symlink(st.db, link)
os.mkdir(st.path("other"))

inside = [os.path.join(st.db, "backup-today"), st.db, st.db + "/",
          os.path.join(st.db, "outbox", "..", "b"), os.path.join(link, "b"),
          os.path.join(st.path("other"), "..", "store", "b"), os.path.join(st.db, "outbox")]
for dest in inside:
    rc, out, err = st.run("backup", dest)
    eq(rc, 73, f"backup into {dest} (inside the store) is refused")
    check("inside the store folder" in err, f"the refusal says why: {err}")
    eq({k: v for k, v in tree(st.db).items() if k != "lock.mdb"}, before,
       f"the refused backup into {dest} changed nothing in the store")
rc, out, err = st.run("backup", st.root)
eq(rc, 73, "backup into the folder that holds the store is refused")
check("holds the store folder" in err, f"the refusal says why: {err}")

# a backup that fails half-way (the database copy is past the size limit) leaves nothing
names = sorted(os.listdir(st.root))


def limited():
    resource.setrlimit(resource.RLIMIT_FSIZE, (16384, 16384))


p = subprocess.run([BIN, "--db", st.db, "backup", st.path("bk")], capture_output=True,
                   text=True, preexec_fn=limited, timeout=300)
eq(p.returncode, 74, f"a backup past the file size limit fails: {p.stderr}")
eq(sorted(os.listdir(st.root)), names, "the failed backup left no folder, partial or whole")
st.ok("backup", st.path("bk"))
eq(sorted(os.listdir(st.path("bk"))), ["audit-key.pem", "data.mdb", "outbox"],
   "the next backup into the same name is whole")
eq(os.stat(st.path("bk")).st_mode & 0o777, 0o700, "the copy's folder is private")
os.mkdir(st.path("empty"), 0o755)
st.ok("backup", st.path("empty"))
eq(sorted(os.listdir(st.path("empty"))), ["audit-key.pem", "data.mdb", "outbox"],
   "a backup into an empty folder fills it")
eq(os.stat(st.path("empty")).st_mode & 0o777, 0o700, "and makes it private")
eq(st.run("backup", st.path("bk"))[0], 73, "a folder that is not empty is refused")
eq(sorted(n for n in os.listdir(st.root) if n.startswith(".")), [],
   "no temporary folder is left beside the copies")

# --out inside the store folder, for each kind of writer
writers = [("calendar",), ("report", "annex3", "--month", "2017-01", "--format", "csv"),
           ("audit", "export")]
targets = [os.path.join(st.db, "data.mdb"), os.path.join(link, "audit-key.pem"),
           os.path.join(st.db, "outbox", "x.eml"),
           os.path.join(st.path("other"), "..", "store", "new.csv")]
for w in writers:
    for t in targets:
        rc, out, err = st.run(*w, "--out", t)
        eq(rc, 73, f"{' '.join(w)} --out {t} is refused")
        check("inside the store folder" in err, f"the refusal says why: {err}")
# a folder that holds the store is a folder like any other: not "inside the store"
for w in writers:
    for t in (st.root, os.path.join(st.db, "..")):
        rc, out, err = st.run(*w, "--out", t)
        eq(rc, 73, f"{' '.join(w)} --out {t} (the folder holding the store) is refused")
        eq(err.strip().split("\n")[-1], f"dabiao: error: cannot create {t}: Is a directory",
           f"{' '.join(w)} --out {t}: the refusal names the folder as any other's")
eq({k: v for k, v in tree(st.db).items() if k != "lock.mdb"}, before,
   "no --out into the store changed it")
eq(st.run("audit", "verify")[0], 0, "the store verifies after the refusals")

# --out - is standard output; --out '' names nothing
for w in writers:
    p = subprocess.run([BIN, "--db", st.db, *w, "--out", "-"], capture_output=True,
                       cwd=st.root, timeout=300)
    eq(p.returncode, 0, f"{' '.join(w)} --out - works: {p.stderr!r}")
    check(len(p.stdout) > 0, f"{' '.join(w)} --out - writes to standard output")
    check(not os.path.exists(st.path("-")), "and makes no file named '-'")
    eq(st.run(*w, "--out", "")[0], 64, f"{' '.join(w)} --out '' is a usage error")
st.cleanup()
done("backup and --out never write into the store folder; a failed backup leaves nothing")
