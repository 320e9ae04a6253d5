"""An inspector checks a store where it cannot be written — a copy on read-only media — and
`dabiao audit verify` still checks it: the same verdict and output as on the live store,
with a note that the result is not kept for the audit page (docs/audit.md, "The last run is
kept"). The read-only media is a read-only bind mount in a user namespace (root ignores file
modes, so a mode would prove nothing); where the machine has no user namespaces the test
says so and stops."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import BIN, Store, eq, check, done  # noqa: E402

st = Store()
st.changji(until="2017-03-01T00:00:00+08:00")
live = st.ok("audit", "verify")
check("every record matches the tree" in live, f"the live store verifies: {live}")

unshare = shutil.which("unshare")
probe = subprocess.run([unshare, "-rm", "true"], capture_output=True) if unshare else None
if probe is None or probe.returncode != 0:
    print(f"note: no user namespace here ({probe and probe.stderr!r}): the read-only case "
          "is not run")
    done("audit verify on a live store; no user namespace for the read-only one")

# the copy on read-only media: the store folder bind-mounted read-only over itself (a
# file that can still be made there would mean the case proves nothing: exit 9)
script = ('mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && '
          '{ ! touch "$0/probe" 2>/dev/null || exit 9; } && exec "$1" --db "$0" audit verify')
env = dict(os.environ)
env.pop("DABIAO_SMTP", None)
p = subprocess.run([unshare, "-rm", "sh", "-c", script, st.db, BIN], capture_output=True,
                   text=True, env=env, timeout=300)
check(p.returncode != 9, "the bind mount is read-only")
eq(p.returncode, 0, f"the read-only copy verifies: {p.stderr}")
eq(p.stdout, live, "the same checks and output as on the live store")
check("not kept" in p.stderr and "read-only" in p.stderr,
      f"a note says the result is not kept: {p.stderr!r}")
done("audit verify checks a store on read-only media as it checks the live one, and says "
     "the result is not kept")
