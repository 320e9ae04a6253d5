"""A store on read-only media (a copy an inspector is handed, a read-only mount) answers
every command that only reads it as the live store does: the listings (tasks, status,
outbox, warnings, `user list`, clock, the audit trail), the reports, the calendar, the
working days and the completion's values. `user list` opened the store for writing, as the
`user` command's writers must, and ended 74 "Read-only file system" there (review 13e, E7).
A command that writes is refused 74 and changes nothing.

The read-only media is a read-only bind mount in a user namespace (root ignores file modes,
so a mode would prove nothing); where the machine has no user namespaces the test says so
and stops."""
import os
import shlex
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import BIN, Store, check, done, eq  # noqa: E402

st = Store()
st.changji(until="2017-08-10T00:00:00+08:00")
st.decider("wang", "supervision", name="王科长")

READERS = [
    ("tasks", "--format", "json"),
    ("status",),
    ("outbox", "--format", "csv"),
    ("warnings", "--format", "json"),
    ("user", "list"),
    ("user", "list", "--format", "json"),
    ("clock", "--format", "json"),
    ("audit", "--task", "changji-2017/roster/fukang-city/once"),
    ("audit", "export"),
    ("audit", "show", "1"),
    ("report", "annex3", "--month", "2017-07", "--format", "csv"),
    ("report", "accountability", "--format", "json"),
    ("calendar", "--subject", "fukang-city"),
    ("workdays", "--plan", "changji-2017", "--from", "2017-09-25", "--to", "2017-10-10"),
    ("help", "--values", "jurisdiction"),
]
live = {r: st.run(*r) for r in READERS}
for r, (rc, out, err) in live.items():
    eq(rc, 0, f"{' '.join(r)} on the live store: {err}")
    check(out != "", f"{' '.join(r)} prints something to compare")

unshare = shutil.which("unshare")
probe = subprocess.run([unshare, "-rm", "true"], capture_output=True) if unshare else None
if probe is None or probe.returncode != 0:
    print(f"note: no user namespace here ({probe and probe.stderr!r}): the read-only case "
          "is not run")
    st.cleanup()
    done("the listings on a live store; no user namespace for the read-only one")

# each command's status, output and errors into files beside the store (st.root stays
# writable; only the store folder is mounted read-only)
lines = []
commands = READERS + [("submit", "changji-2017/monthly-summary/fukang-city/2017-07",
                       "--by", "x")]
for i, r in enumerate(commands):
    lines.append(f'"$1" --db "$0" {" ".join(shlex.quote(a) for a in r)} '
                 f'>"$2/{i}.out" 2>"$2/{i}.err"; echo $? >"$2/{i}.rc"')
script = ('mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && '
          '{ ! touch "$0/probe" 2>/dev/null || exit 9; }\n' + "\n".join(lines))
res = st.path("ro")
os.mkdir(res)
env = dict(os.environ)
env.pop("DABIAO_SMTP", None)
p = subprocess.run([unshare, "-rm", "sh", "-c", script, st.db, BIN, res],
                   capture_output=True, text=True, env=env, timeout=600)
eq(p.returncode, 0, f"the commands ran on the read-only mount: {p.stderr}")


def result(i):
    with open(os.path.join(res, f"{i}.rc")) as f:
        rc = int(f.read())
    with open(os.path.join(res, f"{i}.out"), encoding="utf-8") as f:
        out = f.read()
    with open(os.path.join(res, f"{i}.err"), encoding="utf-8") as f:
        return rc, out, f.read()


for i, r in enumerate(READERS):
    rc, out, err = result(i)
    eq((rc, out), live[r][:2], f"{' '.join(r)} on the read-only store, as on the live one "
                               f"(stderr {err!r})")
rc, out, err = result(len(READERS))
eq(rc, 74, f"a submission on the read-only store is refused, 74: {err!r}")
eq(st.run("tasks", "--format", "json")[1], live[("tasks", "--format", "json")][1],
   "nothing changed")
st.cleanup()
done("every reading command answers on a read-only store as on the live one; writers 74")
