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
st.cleanup()
done("help of a subcommand, audit checkpoints formats, blanks and capitals named")
