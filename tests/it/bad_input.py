"""Bad input of every class gets a clear message naming FILE:LINE:COLUMN (or the row), a
sysexits status, and changes nothing in the store (the data file's bytes are compared)."""
import hashlib
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

GOOD = """\
plan: tiny
title: t
timezone: Asia/Shanghai
roles:
  county_epb: {title: 县, per: jurisdiction}
  supervision: {title: 支队}
phases:
  - id: p
    title: P
    milestones:
      - id: roster
        title: 名录
        owner: county_epb
        for: each jurisdiction
        submit_to: supervision
        due: 2017-02-15
"""

REG = """\
jurisdictions:
  - {id: a, name: 甲, kind: county, email: [a@x.example]}
offices:
  supervision: [s@x.example]
"""


def variant(old, new):
    check(old in GOOD, f"fixture has {old!r}")
    return GOOD.replace(old, new, 1)


# (name, file name, content, command, expected status, location regex, message fragment)
CASES = [
    ("syntax error", "p.yaml", variant("title: t\n", "title: [t\n"), "load", 65,
     r"p\.yaml:\d+:\d+: error: ", ""),
    ("unknown key", "p.yaml", variant("title: t\n", "title: t\ntitel: x\n"), "load", 65,
     r"p\.yaml:3:1: error: ", "titel"),
    ("duplicate key", "p.yaml", variant("title: t\n", "title: t\ntitle: u\n"), "load", 65,
     r"p\.yaml:3:1: error: ", "title"),
    ("missing role", "p.yaml", variant("owner: county_epb", "owner: nobody"), "load", 65,
     r"p\.yaml:13:16: error: ", "nobody"),
    ("bad date", "p.yaml", variant("due: 2017-02-15", "due: 2017-02-30"), "load", 65,
     r"p\.yaml:16:14: error: ", "2017-02-30"),
    ("anchor", "p.yaml", variant("title: t\n", "title: &x t\n"), "load", 65,
     r"p\.yaml:2:\d+: error: ", ""),
    ("unreachable state", "p.yaml", variant("phases:\n", """\
lifecycles:
  lc:
    initial: a
    states: [a, b, c]
    final: [b]
    events:
      go: {a: b}
phases:
"""), "load", 65, r"p\.yaml:\d+:\d+: error: ", "c"),
    ("bad credit code", "r.yaml", REG + """\
enterprises:
  - {id: 91652301MA77XB5N4X, name: e, jurisdiction: a, industry: cement}
""", "import", 65, r"r\.yaml:6:\d+: error: ", "91652301MA77XB5N4X"),
    ("unknown jurisdiction", "r.yaml", REG + """\
enterprises:
  - {id: 91652301MA77XB5N47, name: e, jurisdiction: zz, industry: cement}
""", "import", 65, r"r\.yaml:6:\d+: error: ", "zz"),
    ("bad CSV row", "e.csv", "id,name,jurisdiction,industry\n"
     "91652301MA77XB5N47,e,a,cement\n"
     "91652301MA77XB5N5A,f,a,cemnt\n", "import", 65, r"e\.csv:3:\d+: error: ", "cemnt"),
    ("CSV unterminated quote", "e.csv", "id,name,jurisdiction,industry\n"
     "91652301MA77XB5N47,\"e,a,cement\n", "import", 65, r"e\.csv:2:\d+: error: ", ""),
]

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
st.ok("load", st.write("good.yaml", GOOD))
st.ok("import", st.write("good-reg.yaml", REG))
data = os.path.join(st.db, "data.mdb")


def digest():
    with open(data, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


before = digest()
tasks_before = st.tasks()
eq(len(tasks_before), 1, "one task before the bad inputs")

for name, fname, content, cmd, status, loc, frag in CASES:
    path = st.write(fname, content)
    rc, out, err = st.run(cmd, path)
    eq(rc, status, f"{name}: exit status (stderr: {err.strip()})")
    check(re.search(r"(^|/)" + loc, err, re.M), f"{name}: location {loc!r} in {err!r}")
    check(frag in err, f"{name}: message names {frag!r}: {err!r}")
    eq(digest(), before, f"{name}: the store is unchanged")

# Command-line mistakes: usage (64), no input (66).
for args, status in [(["tasks", "--format", "xml"], 64), (["advance"], 64),
                     (["frobnicate"], 64), (["tasks", "--bogus"], 64),
                     (["load", st.path("missing.yaml")], 66),
                     (["init", "--clock", "sundial"], 64)]:
    rc, out, err = st.run(*args)
    eq(rc, status, f"dabiao {' '.join(args)}: status (stderr {err.strip()!r})")
    check(err.strip() != "", f"dabiao {' '.join(args)}: says why")
eq(digest(), before, "usage errors change nothing")

# An event the lifecycle does not allow is refused, naming the state and what is allowed.
key = tasks_before[0]["key"]
rc, out, err = st.run("event", key, "accept", "--by", "tester")
eq(rc, 65, f"accept on an open task is refused: {err}")
check("open" in err and "submit" in err, f"names the state and the allowed events: {err}")
eq(digest(), before, "a refused event changes nothing")
eq(st.tasks(), tasks_before, "tasks unchanged")

st.cleanup()
done("bad input: located messages, sysexits statuses, unchanged store")
