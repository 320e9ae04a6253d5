"""Keys and files that are the operator's alone.

The audit signing key (an Ed25519 private key) is refused unless its mode is 0600 or
stricter, and the refusal says so; files written with --out (audit export, reports in
CSV and XLSX, the calendar) are created 0600 under a umask of 022, and an existing file
keeps the mode its owner gave it."""
import os
import stat
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, BIN, eq, check, done, src  # noqa: E402

os.umask(0o022)
st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
st.ok("load", src("workflows", "changji-2017.yaml"))
st.ok("import", src("workflows", "changji-registry.yaml"))
st.ok("advance", "--to", "2017-08-10T00:00:00+08:00")

key = st.path("audit-key.pem")
subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", key], check=True,
               capture_output=True)
env = {"DABIAO_AUDIT_KEY": key, "DABIAO_AUDIT_ORIGIN": "changji.example/audit"}
for mode in (0o644, 0o666, 0o640, 0o604, 0o620):
    os.chmod(key, mode)
    rc, out, err = st.run("audit", "checkpoint", env=env)
    eq(rc, 78, f"a key of mode {mode:04o} is refused")
    check(f"{mode:04o}" in err and "0600 or stricter" in err and key in err,
          f"the refusal names the key, its mode and the rule: {err}")
    eq(out, "", f"nothing signed with a key of mode {mode:04o}")
for mode in (0o600, 0o400):
    os.chmod(key, mode)
    rc, out, err = st.run("audit", "checkpoint", env=env)
    eq(rc, 0, f"a key of mode {mode:04o} signs: {err}")
    check(out.startswith("changji.example/audit\n"), f"a checkpoint: {out[:80]}")


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


outs = {
    "export.jsonl": ["audit", "export", "--out"],
    "annex3.csv": ["report", "annex3", "--month", "2017-07", "--format", "csv", "--out"],
    "annex3.xlsx": ["report", "annex3", "--month", "2017-07", "--format", "xlsx", "--out"],
    "deadlines.ics": ["calendar", "--out"],
}
for name, args in outs.items():
    path = st.path(name)
    st.ok(*args, path)
    check(os.path.getsize(path) > 0, f"{name} was written")
    eq(mode_of(path), 0o600, f"{name} written with --out under umask 022 is private")
    # the owner's own choice stands: an existing file is truncated and keeps its mode
    os.chmod(path, 0o644)
    st.ok(*args, path)
    eq(mode_of(path), 0o644, f"{name} rewritten keeps the mode its owner gave it")

st.cleanup()
done("audit key 0600 or refused; --out files private")
