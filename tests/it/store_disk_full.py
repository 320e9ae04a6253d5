"""A full disk under the store is named: "no space left on device" with the store's
path, exit 74, nothing of the command stored; once space is freed the same command
succeeds and the audit log verifies. (LMDB reports a write the disk could not take whole
as EIO; the store tells it apart by the file system's free space.)

The store sits on a small tmpfs mounted for the test (root is needed, as in CI)."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, src  # noqa: E402

if os.geteuid() != 0:
    print("skipped: mounting a tmpfs needs root (CI runs as root)")
    sys.exit(0)

st = Store()
mnt = st.path("mnt")
os.mkdir(mnt)
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "none", mnt], check=True)
try:
    st.db = os.path.join(mnt, "db")
    st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
    st.ok("load", src("workflows", "changji-2017.yaml"))
    # leave less room than the registry's expansion needs
    filler = os.path.join(mnt, "filler")
    free = os.statvfs(mnt).f_bavail * os.statvfs(mnt).f_frsize
    with open(filler, "wb") as f:
        f.write(b"\0" * (free - 48 * 1024))
    before = st.ok("audit", "verify")
    tasks_before = st.tasks()
    rc, out, err = st.run("import", src("workflows", "changji-registry.yaml"))
    eq(rc, 74, f"import on a full disk: exit 74 ({err.strip()})")
    check("no space left on device" in err, f"the error says the disk is full: {err}")
    check(st.db in err, f"the error names the store: {err}")
    check("Input/output error" not in err, f"not an I/O error: {err}")
    eq(st.tasks(), tasks_before, "nothing of the import was stored")
    eq(st.ok("audit", "verify"), before, "the audit log is as it was")
    os.remove(filler)
    out = st.ok("import", src("workflows", "changji-registry.yaml"))
    check("imported" in out, out)
    check(len(st.tasks()) > len(tasks_before) + 100, "after freeing space the import went "
          "through")
    check("every record matches the tree" in st.ok("audit", "verify"), "the log verifies")
finally:
    subprocess.run(["umount", mnt], check=False)
st.cleanup()
done("a full disk is named, nothing stored, recovery after freeing space")
