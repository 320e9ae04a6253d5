"""An option given twice is a usage error naming it, for every command's single-valued
options and flags and for the global --db and --config: `submit --by A --by B` kept only B
in the audit trail, `--db A --db B` read B, without a word (review 13c, N3). The one
repeatable option, simulate's --registry, still takes each value in order."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import BIN, Store, check, done, eq, src  # noqa: E402

st = Store()
st.changji()
other = st.path("other")
TASK = "changji-2017/roster/fukang-city/once"


def refused(args, opt, what):
    rc, out, err = st.run(*args)
    eq(rc, 64, f"{what}: exit status")
    check(f"option '--{opt}' given twice" in err, f"{what}: the message names --{opt}: {err!r}")
    eq(out, "", f"{what}: nothing on standard output")


# a value option, both spellings (--opt V and --opt=V) and mixed
refused(["tasks", "--state", "open", "--state", "overdue"], "state", "tasks --state twice")
refused(["tasks", "--state=open", "--state", "open"], "state", "the same value twice")
refused(["tasks", "--format", "json", "--plan", "changji-2017", "--format=csv"], "format",
        "--format twice, another option between")
# a flag
refused(["import", src("workflows", "changji-registry.yaml"), "--dry-run", "--dry-run"],
        "dry-run", "a flag twice")
# an option of a subcommand
refused(["audit", "checkpoint", "--format", "json", "--format", "json"], "format",
        "audit checkpoint --format twice")

# submit --by twice: refused, and nothing is recorded (the task stays open, the audit log
# keeps its length)
before = st.ok("audit", "--format", "jsonl").count("\n")
refused(["submit", TASK, "--by", "Li Na", "--by", "Wang Fang"], "by", "submit --by twice")
eq(st.ok("audit", "--format", "jsonl").count("\n"), before, "no audit record was added")
task = [t for t in st.tasks("--milestone", "roster") if t["key"] == TASK]
eq([t["state"] for t in task], ["open"], "the task is still open")

# the global options: which store or configuration was meant is a guess
for args, opt in ((["--db", st.db, "--db", other, "clock"], "db"),
                  (["--db=" + st.db, "--db", other, "clock"], "db"),
                  (["--config", "/dev/null", "--config=/dev/null", "clock"], "config")):
    p = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=60)
    eq(p.returncode, 64, f"{' '.join(args)}: exit status")
    check(f"option '--{opt}' given twice" in p.stderr, f"--{opt} twice named: {p.stderr!r}")
check(not os.path.exists(other), "the second --db's folder was not created")

# -v twice is documented as more log lines; it stays allowed
p = subprocess.run([BIN, "-v", "-v", "--db", st.db, "clock", "--format", "json"],
                   capture_output=True, text=True, timeout=60)
eq(p.returncode, 0, "-v -v is allowed")
eq(json.loads(p.stdout)["now"][:10], "2017-01-01", "-v -v: the clock is read")

# the documented repeatable option: simulate --registry YAML --registry CSV
csv_path = src("workflows", "changji-enterprises.csv")
rc, out, err = st.run("simulate", src("workflows", "changji-2017.yaml"),
                      "--registry", src("workflows", "changji-registry.yaml"),
                      "--registry", csv_path, "--to", "2017-01-31T00:00:00+08:00")
eq(rc, 0, f"simulate with two --registry: {err}")

# the help says so
rc, out, _ = st.run("help")
check("an option given twice" in out, "`dabiao help`'s exit statuses say an option given "
      "twice is a usage error")
st.cleanup()
done("an option given twice is refused with 64 naming it; --registry repeats")
