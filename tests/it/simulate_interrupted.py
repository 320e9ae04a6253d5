"""`simulate` removes its throw-away store in $TMPDIR however it ends: done, refused, its
reader gone, or interrupted by Ctrl-C (SIGINT to the terminal's process group), a SIGTERM
from `timeout` or a supervisor, or the terminal closing (SIGHUP) sent to dabiao alone; an
interrupted run ends by that signal, as shells expect (review 13e, E8: each interrupted run
left its megabytes in $TMPDIR).

The timeline of the Changji plan is larger than a pipe holds (checked below), so a
simulation whose reader stops reading is still running, blocked on its output, when the
signal comes: no sleep decides anything here."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import BIN, check, done, eq, src  # noqa: E402

PLAN, REG = src("workflows", "changji-2017.yaml"), src("workflows", "changji-registry.yaml")
tmp = tempfile.mkdtemp(prefix="dabiao-it-simtmp-")
env = dict(os.environ, TMPDIR=tmp)
env.pop("DABIAO_SMTP", None)
ARGS = [BIN, "--config", "/dev/null", "simulate", PLAN, "--registry", REG]


def left():
    """The throw-away stores in TMPDIR. (A workbook a notice attaches is made in a child
    process by libxlsxwriter, whose part files, tmp.XXXXXXXXXX, are unlinked as soon as they
    are made: one killed in that instant leaves an empty one, its library's, not the
    store.)"""
    return sorted(n for n in os.listdir(tmp) if n.startswith("dabiao-simulate-"))


p = subprocess.run(ARGS, capture_output=True, env=env, timeout=600)
eq(p.returncode, 0, f"a whole simulation: {p.stderr!r}")
check(len(p.stdout) > 2 * 65536, f"its timeline is larger than a pipe holds: {len(p.stdout)}")
eq(left(), [], "a finished simulation leaves nothing")
whole = p.stdout

bad = os.path.join(tmp, "..", os.path.basename(tmp) + "-bad.yaml")
with open(bad, "w", encoding="utf-8") as f:
    f.write("plan: [\n")
p = subprocess.run([BIN, "--config", "/dev/null", "simulate", bad, "--registry", REG],
                   capture_output=True, env=env, timeout=600)
os.remove(bad)
eq(p.returncode, 65, f"a bad plan is refused: {p.stderr!r}")
check(b"error" in p.stderr, f"with its message: {p.stderr!r}")
eq(left(), [], "a refused simulation leaves nothing")

for sig, group in ((signal.SIGINT, True), (signal.SIGINT, False), (signal.SIGTERM, False),
                   (signal.SIGHUP, False), (signal.SIGPIPE, None)):
    what = f"{sig.name} to {'the process group' if group else 'dabiao'}" if group is not None \
        else "the reader going away"
    proc = subprocess.Popen(ARGS, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                            start_new_session=True)
    first = proc.stdout.readline()
    eq(whole.startswith(first) and first != b"", True, f"{what}: the timeline has begun")
    eq(len(left()), 1,
       f"{what}: the throw-away store is there while it runs")
    if group is None:
        proc.stdout.close()
    elif group:
        os.killpg(proc.pid, sig)   # what the terminal does on Ctrl-C
    else:
        proc.send_signal(sig)
    rc = proc.wait(timeout=600)
    if group is not None:
        proc.stdout.close()
    eq(rc, -sig, f"{what}: dabiao ends by the signal")
    eq(left(), [], f"{what}: the throw-away store is removed")

shutil.rmtree(tmp, ignore_errors=True)
done("simulate removes its throw-away store however it ends, and ends as it was ended")
