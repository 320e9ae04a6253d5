"""Smaller discovery gaps (review 13c, N9): `dabiao help user add` shows `user`'s help (a
subcommand's options are there) and a wrong subcommand is a usage error listing them;
`help tasks` names every CSV/JSON field; `audit checkpoints` has --format csv|json with
the fields of `audit checkpoint --format json`; an unknown filter value with blanks around
it says so (an ideographic space reads as nothing); a CSV header in capitals is told that
column names are lower case."""
import csv
import io
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq, src  # noqa: E402

st = Store()
st.changji()

# ---- help COMMAND SUBCOMMAND ----
eq(st.ok("help", "user", "add"), st.ok("help", "user"), "help user add is user's help")
eq(st.ok("help", "audit", "checkpoints"), st.ok("audit", "--help"), "and audit's")
rc, out, err = st.run("help", "audit", "add")
eq((rc, out), (64, ""), "a subcommand audit does not have is a usage error")
check("`audit` has no subcommand 'add'" in err and "checkpoints" in err,
      f"naming it and listing the subcommands: {err!r}")
rc, _, err = st.run("help", "clock", "now")
check(rc == 64 and "`clock` has no subcommand 'now'" in err, f"a command of none: {err!r}")

# ---- help tasks names every field tasks --format json writes ----
fields = list(st.tasks()[0].keys())
help_tasks = " ".join(st.ok("help", "tasks").split())
for f in fields:
    check(f in help_tasks, f"help tasks names the field {f}")

# ---- audit checkpoints --format csv|json ----
cp1 = json.loads(st.ok("audit", "checkpoint", "--format", "json"))
st.ok("advance", "--to", "2017-02-20T00:00:00+08:00")
cp2 = json.loads(st.ok("audit", "checkpoint", "--format", "json"))
kept = json.loads(st.ok("audit", "checkpoints", "--format", "json"))
# (advance may keep checkpoints of its own between the two)
eq((kept[0], kept[-1]), (cp1, cp2), "the kept checkpoints, smallest first, the two printed "
   "ones first and last, as checkpoint printed them")
sizes = [k["size"] for k in kept]
eq(sizes, sorted(set(sizes)), "smallest first")
rows = list(csv.reader(io.StringIO(st.ok("audit", "checkpoints", "--format", "csv")
                                   .lstrip("\ufeff"), newline="")))
eq(rows[0], ["origin", "size", "root", "root_hex", "note"], "CSV header")
eq([r[1] for r in rows[1:]], [str(n) for n in sizes], "CSV sizes")
eq(st.run("audit", "checkpoints", "--format", "json", "--full")[0], 64,
   "--full is the table's")
eq(st.run("audit", "checkpoints", "--format", "xml")[0], 64, "an unknown format")

# ---- blanks around an unknown filter value are named ----
rc, _, err = st.run("tasks", "--jurisdiction", "changji-city\u3000")
eq(rc, 64, "a jurisdiction with an ideographic space after it is unknown")
check("it has blanks around it" in err and "U+3000" in err, f"and it says why: {err!r}")
rc, _, err = st.run("tasks", "--jurisdiction", "nowhere")
check(rc == 64 and "blanks" not in err, f"no such words for a plain unknown value: {err!r}")

# ---- a header in capitals ----
with open(src("workflows", "changji-enterprises.csv"), encoding="utf-8-sig") as f:
    lines = f.read().splitlines()
upper = st.write("upper.csv", "\n".join([lines[0].replace("id,name,", "ID,Name,")]
                                        + lines[1:3]) + "\n")
rc, _, err = st.run("import", upper)
eq(rc, 65, "a header with ID is refused")
check("missing required column 'id'" in err and "column names are lower case" in err,
      f"saying names are lower case: {err!r}")

# ---- an option's sentences each end with a full stop before the next begins ----
# (review 13e, E11: "submitter's name At most 200 characters.", "(deploy/quickstart.sh)
# At most": the bound read as part of the phrase before it)
import re  # noqa: E402
general = st.ok("help")
commands = sorted(set(re.findall(r"^  ([a-z][a-z-]*) {2,}\S", general.split("\nGlobal options")[0],
                                 re.M)))
check(len(commands) >= 20, f"the commands: {commands}")
for name in commands:
    text = " ".join(st.ok("help", name).split())
    for m in re.finditer(r"(.{0,40}?)(\S) (At most|Required)\b", text):
        check(m.group(2) in ".;", f"help {name}: a sentence runs into the next: "
                                  f"'{m.group(0)}'")
    eq(text.count("At most"), len(re.findall(r"At most \d+ characters\.", text)),
       f"help {name}: each bound is a sentence of its own")
man = " ".join(st.ok("help", "--man").split())
check(re.search(r"[^.;] At most \d", man) is None and re.search(r"[^.;] Required\b", man) is None,
      "the man page, too")
st.cleanup()
done("help of a subcommand, audit checkpoints formats, blanks and capitals named; sentences "
     "end before the next begins")
