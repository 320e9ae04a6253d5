"""-v and -q do what the help says, for every command (review 13d, F13): -v adds a line on
standard error for each action the engine commits and for each recipient of each notice
delivered; -q leaves no log line at all; both together are a usage error. Before, the
setting was a global that only the daemon and the web read: `advance -v` and `submit -v`
logged nothing more, and `-q -v` was taken as -v. The expected counts are the command's
own: the actions `advance` prints on standard output, the .eml files delivery writes."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402

LOG = re.compile(r"^(engine|notifiers|store|sched|web): ", re.M)
UNTIL = "2017-02-09T00:00:00+08:00"  # the first reminders of the Changji plan (2017-02-08)


def emls(st):
    return len(st.outbox())


runs = {}
for how in ("default", "-v", "-q"):
    st = Store()
    st.changji()
    args = [] if how == "default" else [how]
    rc, out, err = st.run(*args, "advance", "--to", UNTIL)
    eq(rc, 0, f"advance ({how})")
    runs[how] = (st, out, err)

st, out, err = runs["default"]
actions = [line for line in out.splitlines() if line.startswith("2017-")]
check(len(actions) > 0, f"advance printed its actions: {out[:300]}")
eq(LOG.findall(err), [], f"by default advance logs no info line: {err[:300]}")

st, out, err = runs["-v"]
eq(len(re.findall(r"^engine: action kind=", err, re.M)), len(actions),
   "-v: one line per action, as many as advance prints")
delivered = re.findall(r"^notifiers: delivered key=\S+ to=\S+ via=file result=ok", err, re.M)
check(emls(st) > 0, "advance delivered the reminders as .eml files")
eq(len(delivered), emls(st), "-v: one line per notice delivered (one recipient each here)")

st, out, err = runs["-q"]
eq(LOG.findall(err), [], f"-q: no log line: {err[:300]}")
eq(len([line for line in out.splitlines() if line.startswith("2017-")]), len(actions),
   "-q leaves the command's own output as it is")

# a writing command's own delivery is logged the same way
st = runs["-v"][0]
key = next(t["key"] for t in st.tasks() if t["state"] == "open")
before = emls(st)
rc, _, err = st.run("-v", "submit", key, "--by", "办公室")
eq(rc, 0, f"submit -v: {err[:300]}")
eq(len(set(re.findall(r"^notifiers: delivered key=(\S+) ", err, re.M))), emls(st) - before,
   "submit -v: its lines name each notice it delivered (a line per recipient)")

# one of them, never a guess
for args in (["-q", "-v"], ["-v", "-q"], ["-v", "-v", "-q"]):
    rc, out, err = st.run(*args, "tasks")
    eq((rc, out == ""), (64, True), f"{' '.join(args)}: a usage error, nothing printed")
    check("-q and -v" in err, f"{' '.join(args)}: says why: {err}")
for s, _, _ in runs.values():
    s.cleanup()
done("-v logs each action and delivery for every command; -q none; not both")
