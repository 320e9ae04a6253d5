"""The store is checked at open, and only `init` creates one.

A missing store is exit 66 naming it and `dabiao init`, for every command, creating
nothing; a folder that holds other files is never made a store; a data.mdb cut short or
emptied is exit 74 saying to restore a backup, for reads, writes, `backup` and `audit
verify` alike, and is left as found (never a signal, never a new empty store). The quick
start never deletes the store that $DABIAO_DB names, nor a ./changji-2017.db it did not
make."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, BIN, SRC, eq, check, done, src  # noqa: E402

PLAN = src("workflows", "changji-2017.yaml")
REG = src("workflows", "changji-registry.yaml")


def refused(st, args, status, words, what):
    rc, out, err = st.run(*args)
    eq(rc, status, f"{what}: dabiao {' '.join(args)} exit status (stderr: {err.strip()})")
    for w in words:
        check(w in err, f"{what}: dabiao {' '.join(args)} says {w!r}: {err.strip()}")


# --- no store: 66, nothing created, for writers and the daemon too
st = Store()
for args in (["load", PLAN], ["import", REG], ["run"], ["status"], ["tasks"],
             ["audit", "verify"], ["backup", st.path("bk")]):
    refused(st, args, 66, [st.db, "dabiao init"], "missing store")
check(not os.path.exists(st.db), "no command but init created the store folder")
check(not os.path.exists(st.path("bk")), "backup of no store made no copy")

# --- init under a folder that does not exist: 73 "cannot create" as its help, backup and
# --out say for the same mistake, not 66 (review 13e, E12); nothing made
deep = Store("deep")
deep.db = deep.path(os.path.join("no-such-folder", "db"))
refused(deep, ["init"], 73, ["no-such-folder", "does not exist"], "init under a missing folder")
check(not os.path.exists(deep.path("no-such-folder")), "init made no parent folder")
# a --config FILE that does not exist: a configuration error (78) naming it
refused(st, ["--config", st.path("no-such.yaml"), "init"], 78,
        ["no-such.yaml", "does not exist"], "--config naming no file")
check(not os.path.exists(st.db), "init with a missing configuration made no store")

# --- an init that fails halfway (a map too small to hold the store, as a full disk would
# leave it) takes away what it made: no half store a second init refuses and later
# commands take for a real-clock one (review 13e, E4); an empty folder given stays, empty
tiny = {"DABIAO_STORE_MAPSIZE": "4096"}
for pre in (False, True):
    half = Store("half")
    if pre:
        os.mkdir(half.db)
    rc, _, err = half.run("init", "--clock", "virtual", env=tiny)
    eq(rc, 74, f"init in too small a map (folder given: {pre}): {err.strip()}")
    eq(os.listdir(half.db) if pre else os.path.exists(half.db), [] if pre else False,
       f"the failed init left nothing (folder given: {pre})")
    rc, out, err = half.run("init", "--clock", "virtual")
    eq(rc, 0, f"init again, as the message says: {err.strip()}")
    check("mode: virtual" in half.ok("clock"), "the store made is the one asked for")

# --- a folder that is not a store: never made one
other = Store("other")
os.mkdir(other.db)
other.write("other/precious", "keep me\n")
refused(other, ["init"], 73, ["not empty"], "init in a foreign folder")
refused(other, ["load", PLAN], 66, ["dabiao init"], "load in a foreign folder")
eq(sorted(os.listdir(other.db)), ["precious"], "the foreign folder is untouched")
p = subprocess.run([BIN, "--db", "/", "tasks"], capture_output=True, text=True)
eq(p.returncode, 66, f"--db / is no store: {p.stderr}")
check(not os.path.exists("/lock.mdb"), "--db / wrote nothing at the root")

# --- a store cut short (a full disk during a restore): 74, no signal
st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
st.ok("load", PLAN)
st.ok("import", REG)
data = os.path.join(st.db, "data.mdb")
check(os.path.getsize(data) > 100000, f"the store has grown: {os.path.getsize(data)}")
os.truncate(data, 20000)
for args in (["status"], ["tasks"], ["audit", "verify"], ["backup", st.path("bk2")],
             ["submit", "changji-2017/roster/changji-city/once", "--by", "clerk"],
             ["advance", "--to", "2017-03-01T00:00:00+08:00"], ["load", PLAN]):
    refused(st, args, 74, ["damaged", "backup"], "truncated store")
eq(os.path.getsize(data), 20000, "the truncated file is left as found")

# --- a data.mdb that is no LMDB file (overwritten; a copy cut before its meta pages):
# damaged, restore a backup, as one cut short (review13f C11: "MDB_INVALID" alone)
with open(data, "rb") as f:
    whole = f.read()
for what, junk in (("random bytes", os.urandom(len(whole))), ("its first 4 KiB", whole[:4096]),
                   ("zeros", bytes(65536))):
    with open(data, "wb") as f:
        f.write(junk)
    for args in (["status"], ["tasks"], ["submit", "changji-2017/roster/changji-city/once",
                                         "--by", "clerk"]):
        refused(st, args, 74, ["damaged", "backup"], f"a data.mdb of {what}")
    with open(data, "rb") as f:
        eq(f.read() == junk, True, f"the data.mdb of {what} is left as found")

# --- an emptied data.mdb: 74, and never a new empty store in its place
os.truncate(data, 0)
for args in (["status"], ["clock"], ["submit", "changji-2017/roster/changji-city/once",
                                     "--by", "clerk"], ["run"]):
    refused(st, args, 74, ["empty", "backup", "dabiao init"], "emptied store")
eq(os.path.getsize(data), 0, "the emptied file stays empty: no new store")

# --- the quick start: its own store only
qs = Store("qs")
os.mkdir(qs.db)
prod = qs.path("production")
env = dict(os.environ, DABIAO_BIN=BIN, DABIAO_DB=prod)
env.pop("DABIAO_SMTP", None)
subprocess.run([BIN, "--db", prod, "init"], check=True, capture_output=True)
with open(os.path.join(prod, "MARKER"), "w") as f:
    f.write("precious\n")
script = os.path.join(SRC, "deploy", "quickstart.sh")
for n in (1, 2):
    p = subprocess.run(["bash", script], cwd=qs.db, env=env, capture_output=True, text=True,
                       timeout=600)
    eq(p.returncode, 0, f"quickstart run {n}: {p.stderr[-2000:]}")
    check(os.path.exists(os.path.join(prod, "MARKER")),
          f"quickstart run {n} left the store named by DABIAO_DB alone")
    demo = os.path.join(qs.db, "changji-2017.db")
    check(len(os.listdir(os.path.join(demo, "outbox"))) > 100,
          f"quickstart run {n} wrote its own store's notices")
os.remove(os.path.join(demo, "QUICKSTART-DEMO"))
with open(os.path.join(demo, "MARKER"), "w") as f:
    f.write("someone's\n")
p = subprocess.run(["bash", script], cwd=qs.db, env=env, capture_output=True, text=True,
                   timeout=600)
eq(p.returncode, 73, f"quickstart refuses a ./changji-2017.db it did not make: {p.stderr}")
check(os.path.exists(os.path.join(demo, "MARKER")), "and deletes nothing of it")

for s in (st, other, qs):
    s.cleanup()
# --- an empty --db (a variable that expanded to nothing) is a usage error, not ./dabiao.db
work = Store()
os.makedirs(work.path("cwd"), exist_ok=True)
for args in (["--db", "", "init"], ["--db=", "status"]):
    r = subprocess.run([BIN, *args], capture_output=True, text=True, cwd=work.path("cwd"))
    eq(r.returncode, 64, f"dabiao {args}: exit 64 ({r.stderr.strip()})")
    check("--db" in r.stderr, f"dabiao {args} names --db: {r.stderr.strip()}")
eq(os.listdir(work.path("cwd")), [], "an empty --db created nothing in the working folder")

done("store checked at open; only init creates; quick start keeps others' stores")
