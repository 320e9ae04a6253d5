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
  it names, and leaves nothing else in the folder.
- a workbook whose parts libxlsxwriter could not write whole to its temporary files (a size
  limit between the largest part's size and the workbook's, a full TMPDIR: a tmpfs of 8
  KiB mounted in a user namespace): 74, one line naming the file and the reason, the file
  as it was. libxlsxwriter never checks those writes: it zipped the cut parts and dabiao
  wrote a workbook that does not open, with exit 0. Its own "[ERROR]" lines never show."""
import os
import resource
import shutil
import stat
import subprocess
import sys
import zipfile

import openpyxl

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
    eq(err.count("\n"), 1, f"{what}: one line (no '[ERROR]' of libxlsxwriter's): {err!r}")
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

# ---- a workbook's temporary parts cut short: a size limit, a full TMPDIR ----
st.ok("import", src("workflows", "changji-enterprises.csv"))
st.ok("advance", "--to", "2017-08-03T00:00:00+08:00")
A4 = ("report", "annex4", "--month", "2017-07", "--format", "xlsx")
whole = st.path("whole.xlsx")
st.ok(*A4, "--out", whole)
with zipfile.ZipFile(whole) as z:
    largest = max(i.file_size for i in z.infolist())
size = os.path.getsize(whole)
# a limit under the largest part (its temporary file is cut) and over the workbook (which
# would be written whole from the cut parts)
limit = (largest + size) // 2
check(size < limit < largest, f"a limit between the workbook ({size}) and its largest part "
                              f"({largest}): {limit}")


def kept_as_it_was(what):
    with open(kept) as f:
        eq(f.read(), "the report of last month\n", f"{what}: the file that was there is kept")
    eq(sorted(os.listdir(folder)), ["kept.out", "link.out", "real.out"],
       f"{what}: nothing else in the folder")


with open(kept, "w") as f:
    f.write("the report of last month\n")
rc, out, err = run([*A4, "--out", kept], limit=limit)
eq((rc, err), (74, f"dabiao: error: cannot write {kept}: File too large\n"),
   "a size limit that cuts a temporary part: one message, not a broken workbook")
kept_as_it_was("size limit, temporary part")
tmp = st.path("tmpfull")
os.mkdir(tmp)
unshare = shutil.which("unshare")
probe = subprocess.run([unshare, "-rm", "true"], capture_output=True) if unshare else None
if probe is None or probe.returncode != 0:
    print(f"note: no user namespace here (unshare: {probe and probe.stderr!r}): the full "
          "TMPDIR case is not run")
else:
    env = dict(os.environ)
    env.pop("DABIAO_SMTP", None)
    env["TMPDIR"] = tmp
    p = subprocess.run([unshare, "-rm", "sh", "-c", 'mount -t tmpfs -o size=8k none "$0" && '
                        'exec "$@"', tmp, BIN, "--db", st.db, *A4, "--out", kept],
                       capture_output=True, text=True, env=env, timeout=300)
    eq(p.returncode, 74, f"a full TMPDIR: {p.stderr!r}")
    check(p.stderr.startswith(f"dabiao: error: cannot write {kept}: No space left on device")
          and "TMPDIR" in p.stderr and p.stderr.count("\n") == 1,
          f"a full TMPDIR: one message naming the file and the folder: {p.stderr!r}")
    kept_as_it_was("full TMPDIR")
    # the same in a folder with room: written, and it opens
    p = subprocess.run([unshare, "-rm", "sh", "-c", 'mount -t tmpfs -o size=1m none "$0" && '
                        'exec "$@"', tmp, BIN, "--db", st.db, *A4, "--out", kept],
                       capture_output=True, text=True, env=env, timeout=300)
    eq((p.returncode, p.stderr), (0, ""), "a TMPDIR with room: written")
    with zipfile.ZipFile(kept) as z:
        eq(z.testzip(), None, "every part whole")
    with open(kept, "rb") as fh:
        eq(openpyxl.load_workbook(fh)["附件4"].cell(2, 1).value, "序号", "and it opens")

# ---- a file that cannot be created: 73, one line ----
missing = os.path.join(folder, "no", "such.out")
for what, args in OUTS.items():
    rc, out, err = run([*args, "--out", missing])
    eq((rc, err), (73, f"dabiao: error: cannot create {missing}: its folder does not exist "
                       "(make it first, or give another path)\n"),
       f"{what}: a missing folder")

st.cleanup()
done("--out files written whole or not at all, one message of dabiao's own")
