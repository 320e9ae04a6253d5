"""Invisible characters that reorder or hide text (a RIGHT-TO-LEFT OVERRIDE U+202E, a ZERO
WIDTH SPACE U+200B, a byte order mark U+FEFF inside a value, ...) are refused at import in
names, ids and attributes, naming the row, the column, the character and its position, and
nothing is imported; in an argument they are a usage error naming the option; text that
holds one anyway (a plan's title: plans are not the registry) is shown on a terminal as its
code, never sent as it is (review 13c, N8). Positions worked out by hand."""
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq, plan_yaml  # noqa: E402

RLO, ZWSP, BOM, LRI = "\u202e", "\u200b", "\ufeff", "\u2066"
HEADER = "id,name,jurisdiction,industry,listed\n"

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
st.ok("import", st.write("reg.yaml", "jurisdictions:\n"
                         "  - {id: aa, name: 甲县, kind: county, email: [aa@x.example]}\n"))


def data_sha():
    with open(os.path.join(st.db, "data.mdb"), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


before = data_sha()


def refused(name, text, where, fragment):
    path = st.write(name, text)
    rc, _, err = st.run("import", path)
    eq(rc, 65, f"{name}: refused")
    check(err.startswith(f"{path}:{where}: error: ") and fragment in err,
          f"{name}: at {where}, '{fragment}': {err!r}")
    check(RLO not in err and ZWSP not in err, f"{name}: the message does not carry it")


# "91652301MA7000001Q," is 19 characters: the name starts at column 20; 昌吉 are
# characters 1 and 2 of it, the override the 3rd
refused("rlo.csv", HEADER + f"91652301MA7000001Q,昌吉{RLO}oC,aa,cement,是\n", "2:20",
        "row 1, column 'name': invisible character U+202E (RIGHT-TO-LEFT OVERRIDE) at "
        "character 3")
# in an id: after "91652301MA7", the 12th character
refused("zwsp.csv", HEADER + f"91652301MA7{ZWSP}000001Q,One,aa,cement,是\n", "2:1",
        "row 1, column 'id': invisible character U+200B (ZERO WIDTH SPACE) at character 12")
# a byte order mark inside a value (the one that starts a file is skipped)
refused("bom.csv", BOM + HEADER + f"91652301MA7000001Q,One{BOM},aa,cement,是\n", "2:20",
        "row 1, column 'name': invisible character U+FEFF")
# YAML: "  - {id: bb, name: " is 19 characters, the value at 20; 乙 is the 1st, the isolate
# the 2nd
refused("lri.yaml", f"jurisdictions:\n  - {{id: bb, name: 乙{LRI}县, kind: county}}\n", "2:20",
        "invisible character U+2066 (LEFT-TO-RIGHT ISOLATE) at character 2")
eq(data_sha(), before, "nothing was imported")

# an argument: a usage error naming the option and the character, never echoing it
rc, out, err = st.run("tasks", "--plan", f"ab{RLO}c")
eq((rc, out), (64, ""), "an override in an argument is a usage error")
check("--plan ('ab…') holds an invisible character (character 3, U+202E RIGHT-TO-LEFT "
      "OVERRIDE)" in err and RLO not in err, f"named: {err!r}")

# a plan's title holding one reaches the terminal as its code, the JSON as it is
plan = plan_yaml("inv", None, [f'{{id: m, title: "名{RLO}录", owner: office, for: once, '
                               'due: 2017-01-05}'])
st.ok("load", st.write("plan.yaml", plan))
table = st.ok("status")
check(RLO not in table and "名\\u202e录" in table, f"status shows the code: {table!r}")
status = json.loads(st.ok("status", "--format", "json"))
check(any(f"名{RLO}录" in n["what"] for n in status["next"]),
      f"JSON keeps the text as it is: {status['next']!r}")
st.cleanup()
done("invisible characters refused at import and in arguments, neutralised on a terminal")
