"""The smaller edges a careful command line answers (review 13d, the minors): `clock
--go-live --format json` says the switch in JSON; every command that can end with 77
(no permission) says so in its help, and does end with it; blanks around a text option
(a trailing U+3000 after `--by`) are dropped as they are in files; an --out FIFO that
nobody reads is refused at once rather than waited on; an empty positional argument is
a usage error. Expected values come from the store and the command's own answers."""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import BIN, SRC, Store, check, done, eq, fail, plan_yaml  # noqa: E402

PLAN = plan_yaml("edges", None, ["{id: roster, title: 名录, owner: county_epb, "
                              "for: each jurisdiction, due: 2017-02-15}"],
                 role="county_epb: {title: 县环保局, per: jurisdiction}")
REG = """\
jurisdictions:
  - {id: aa, name: 甲县, kind: county, email: [aa@x.example]}
"""

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
plan = st.write("plan.yaml", PLAN)
st.ok("load", plan)
st.ok("import", st.write("reg.yaml", REG))
key = st.tasks()[0]["key"]

# ---- blanks around a text option: dropped, as in a registry cell ----
st.ok("submit", key, "--by", "\u3000张三\u3000 ")
by = [json.loads(r["details"]).get("by") for r in st.records() if r["action"] == "task.submit"]
eq(by, ["张三"], "--by '　张三　 ' is recorded as 张三")
st.ok("extend", key, "--to", "2017-03-01", "--by", "王五", "--reason", "节假日\u3000")
reason = [json.loads(r["details"]).get("reason") for r in st.records()
          if r["action"] == "task.extend"]
eq(reason, ["节假日"], "--reason with a trailing U+3000 is recorded without it")

# ---- an empty positional argument is a usage error, never "no task ''" ----
for args in (["submit", "", "--by", "x"], ["check", ""], ["audit", "show", ""]):
    rc, out, err = st.run(*args)
    eq((rc, out), (64, ""), f"`{' '.join(args)}` with an empty argument: {err.strip()[:200]}")

# ---- an empty option value, of any option of any command: 64 naming the option, before
# anything is read or changed (review 13e, E1, E2: `audit --task ''` listed every record
# without a task, `--note ''` was kept, `--file ''` was 66 naming nothing) ----
pw = st.write("pw", "secret-password\n")
before = (len(st.records()), st.tasks())
for opt, args in (("task", ["audit", "--task", ""]), ("subject", ["audit", "--subject="]),
                  ("actor", ["audit", "--actor", ""]),
                  ("note", ["submit", key, "--by", "x", "--note", ""]),
                  ("sections", ["submit", key, "--by", "x", "--sections", ""]),
                  ("file", ["submit", key, "--by", "x", "--file", ""]),
                  ("note", ["event", key, "submit", "--by", "x", "--note", ""]),
                  ("name", ["user", "add", "w1", "--role", "county_epb", "--subject", "aa",
                            "--name", "", "--password-file", pw]),
                  ("subject", ["user", "add", "w2", "--role", "county_epb", "--subject", "",
                               "--password-file", pw]),
                  ("password-file", ["user", "add", "w3", "--role", "county_epb",
                                     "--subject", "aa", "--password-file", ""]),
                  ("period", ["extend", "--milestone", "roster", "--period", "", "--to",
                              "2017-03-30", "--by", "x", "--reason", "y"]),
                  ("checkpoint", ["audit", "verify", "--checkpoint", ""]),
                  ("demo-login", ["web", "--demo-login", ""]),
                  ("by", ["report", "annex3", "--month", "2017-02", "--by", ""])):
    rc, out, err = st.run(*args, timeout=60)
    eq((rc, out), (64, ""), f"`{' '.join(args)}` with an empty value: {err.strip()[:200]}")
    check(f"--{opt} is empty" in err, f"`{' '.join(args)}`: names --{opt}: {err.strip()}")
    check("name who acts" not in err, f"report's --by is no person: {err.strip()}")
eq((len(st.records()), st.tasks()), before, "the refused commands changed nothing")
rc, _, err = st.run("--config", "", "status")
eq(rc, 64, f"--config '': {err.strip()}")
check("--config names no file" in err, f"names --config: {err}")
# an actor no record names: the same refusal as --task, never an empty trail
rc, out, err = st.run("audit", "--actor", "nobody-at-all")
eq((rc, out), (64, ""), f"audit --actor naming no record: {err.strip()}")
check("'nobody-at-all'" in err, f"names the value: {err}")
actor = st.records()[0]["actor"]
check(st.ok("audit", "--actor", actor).count("\n") > 1, "an actor who acted: listed")

# ---- --out to a FIFO nobody reads: refused, not waited on ----
fifo = st.path("fifo")
os.mkfifo(fifo)
try:
    rc, out, err = st.run("calendar", "--out", fifo, timeout=60)
    eq(rc, 73, f"--out FIFO without a reader: {err.strip()[:200]}")
    check("named pipe" in err, f"says it is a named pipe nobody reads: {err}")
except subprocess.TimeoutExpired:
    fail("calendar --out FIFO waited for a reader")

# ---- clock --go-live --format json: one object, as clock's ----
before = json.loads(st.ok("clock", "--format", "json"))
rc, out, err = st.run("clock", "--go-live", "--format", "json")
eq(rc, 0, f"go-live: {err}")
try:
    live = json.loads(out)
except ValueError:
    live = None
    fail(f"clock --go-live --format json printed no JSON: {out!r}")
if live is not None:
    after = json.loads(st.ok("clock", "--format", "json"))
    doc = open(os.path.join(SRC, "docs", "output.md"), encoding="utf-8").read()
    part = doc.split("## `dabiao clock --go-live --format json`", 1)[1].split("\n## ", 1)[0]
    eq(list(live.keys()), re.findall(r"^\| `([a-z0-9_]+)` \|", part, re.M),
       "the fields docs/output.md lists, in its order")
    eq((live["mode"], live["zone"], live["rehearsal_now"]),
       ("real", before["zone"], before["now"]), "the switch's object")
    check(isinstance(live["late"], int) and live["late"] >= 1,
          f"the roster's deadline fell between the two: late={live['late']}")
    check(live["now_unix"] <= after["now_unix"], "now is the wall clock it went live at")

# ---- 77: said in the help of every command that can end with it, and ended with ----
for cmd in ("check", "init", "simulate", "help", "tasks", "load"):
    text = st.ok("help", cmd)
    check("\n  77 " in text, f"`dabiao help {cmd}` lists 77")
secret = st.write("secret.yaml", PLAN)
os.chmod(secret, 0)
ro = st.path("ro")
os.mkdir(ro, 0o555)
os.chmod(st.root, 0o755)
os.chmod(plan, 0o644)
if os.geteuid() == 0:
    as_other = {"user": 65534, "group": 65534}  # nobody: root reads anything
else:
    as_other = {}
for args, what in (([BIN, "check", secret], "check of an unreadable plan"),
                   ([BIN, "--db", os.path.join(ro, "db"), "init"], "init in a read-only folder"),
                   ([BIN, "simulate", secret, "--registry", plan],
                    "simulate of an unreadable plan")):
    try:
        p = subprocess.run(args, capture_output=True, text=True, timeout=120,
                           env={k: v for k, v in os.environ.items() if k != "DABIAO_DB"},
                           **as_other)
    except PermissionError as ex:
        fail(f"cannot run as another user for the permission cases: {ex}")
        break
    eq(p.returncode, 77, f"{what}: {p.stderr.strip()[:200]}")
st.cleanup()
done("go-live JSON, 77 documented, blanks trimmed, FIFO refused, empty argument 64")
