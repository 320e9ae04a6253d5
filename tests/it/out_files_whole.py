"""A file written with --out (reports in every format, XLSX included, the calendar, the
audit export) is written whole or not at all, and a failure is one message of dabiao's own,
naming the file and the system's reason, with a sysexits status: 74 for a write that fails
(a full device, a file size limit), 73 for a file that cannot be created.

- /dev/full: "cannot write /dev/full: No space left on device" and nothing else: no
  "[ERROR]" lines of libxlsxwriter (the workbook is made in memory), and the device is
  left alone.
- a file size limit (ulimit -f) reached halfway: the file that was there keeps its bytes
  and its mode, no temporary is left beside it, and dabiao is not killed by SIGXFSZ.
- a successful write replaces the file (its mode kept), follows a symbolic link to the file
  it names, and leaves nothing else in the folder."""
import os
import resource
import stat
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import BIN, Store, check, done, eq, src  # noqa: E402

st = Store()
st.changji()
st.ok("import", src("workflows", "changji-enterprises.csv"))

# each is larger than the 1 KiB limit below (by a few KiB at least)
OUTS = {
    "annex3 xlsx": ("report", "annex3", "--month", "2017-01", "--format", "xlsx"),
    "annex4 csv": ("report", "annex4", "--month", "2017-01", "--format", "csv"),
    "annex3 json": ("report", "annex3", "--month", "2017-01", "--format", "json"),
    "calendar": ("calendar",),
    "audit export": ("audit", "export"),
}
LIMIT = 1024


def run(args, limit=None):
    def lower():
        resource.setrlimit(resource.RLIMIT_FSIZE,
                           (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
    env = dict(os.environ)
    env.pop("DABIAO_SMTP", None)
    p = subprocess.run([BIN, "--db", st.db, *args], capture_output=True, text=True, env=env,
                       timeout=300, preexec_fn=lower if limit else None)
    return p.returncode, p.stdout, p.stderr


# ---- a full device: one message, the device untouched ----
for what, args in OUTS.items():
    rc, out, err = run([*args, "--out", "/dev/full"])
    eq((rc, err), (74, "dabiao: error: cannot write /dev/full: No space left on device\n"),
       f"{what} to /dev/full: one message of dabiao's own")
    check(stat.S_ISCHR(os.stat("/dev/full").st_mode), f"{what}: /dev/full is still a device")

# ---- a size limit reached halfway: the file as it was, nothing beside it ----
folder = st.path("out")
os.mkdir(folder)
kept = os.path.join(folder, "kept.out")
for what, args in OUTS.items():
    with open(kept, "w") as f:
        f.write("the report of last month\n")
    os.chmod(kept, 0o640)
    rc, out, err = run([*args, "--out", kept], limit=LIMIT)
    eq(rc, 74, f"{what}: a write past the size limit fails (not killed by SIGXFSZ): {err!r}")
    check(err.endswith(f"dabiao: error: cannot write {kept}: File too large\n"),
          f"{what}: named with the reason: {err!r}")
    if "xlsx" not in what:
        eq(err.count("\n"), 1, f"{what}: one line")
    with open(kept) as f:
        eq(f.read(), "the report of last month\n", f"{what}: the file that was there is kept")
    eq(stat.S_IMODE(os.stat(kept).st_mode), 0o640, f"{what}: with its mode")
    eq(sorted(os.listdir(folder)), ["kept.out"], f"{what}: no temporary left beside it")

# ---- success: replaced whole, mode kept, a link followed, nothing left over ----
real = os.path.join(folder, "real.out")
link = os.path.join(folder, "link.out")
for what, args in OUTS.items():
    whole = st.run_bytes(*args) if "xlsx" not in what else None
    for f in (kept, real):
        with open(f, "w") as fh:
            fh.write("old\n")
    os.chmod(kept, 0o640)
    if not os.path.islink(link):
        os.symlink("real.out", link)
    for target in (kept, link):
        st.ok(*args, "--out", target)
    with open(kept, "rb") as f:
        data = f.read()
    if whole is not None:
        check(data == whole, f"{what}: the file holds what standard output would "
                             f"({len(data)} bytes, {len(whole)} on standard output)")
    else:
        check(data.startswith(b"PK\x03\x04") and len(data) > LIMIT, f"{what}: a workbook")
    eq(stat.S_IMODE(os.stat(kept).st_mode), 0o640, f"{what}: rewritten, mode kept")
    check(os.path.islink(link), f"{what}: the link is still a link")
    with open(real, "rb") as f:
        through = f.read()
    # a workbook records the second it was made: two runs may differ there
    check(through == data if whole is not None else through.startswith(b"PK\x03\x04"),
          f"{what}: written to the file the link names ({len(through)} bytes)")
    eq(sorted(os.listdir(folder)), ["kept.out", "link.out", "real.out"],
       f"{what}: nothing else in the folder")

# ---- a file that cannot be created: 73, one line ----
missing = os.path.join(folder, "no", "such.out")
for what, args in OUTS.items():
    rc, out, err = run([*args, "--out", missing])
    eq((rc, err), (73, f"dabiao: error: cannot create {missing}: No such file or directory\n"),
       f"{what}: a missing folder")

st.cleanup()
done("--out files written whole or not at all, one message of dabiao's own")
