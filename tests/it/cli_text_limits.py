"""A text dabiao keeps has a length limit, in characters, wherever it enters: at most 200
on one line (a name, a title, --by, --name), at most 4,000 where it may run over lines (a
reason, a note, a free attribute, a milestone's description). A longer one is refused naming
the field, the row (or line and column) and the limit: 65 in a file, 64 in an argument; and
nothing changes. Characters, not bytes: 200 Chinese characters (600 bytes) pass. A name of
60 million characters used to import (review 13c, N9). Positions worked out by hand."""
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq, plan_yaml  # noqa: E402

LINE, PARA = 200, 4000
HEADER = "id,name,jurisdiction,industry,listed,备注\n"
# "91652301MA7000001Q," is 19 characters: the name starts at column 20; "One," "aa,"
# "cement," "是," are 4 + 3 + 7 + 2 more: the free attribute 备注 starts at column 36
ROW = "91652301MA7000001Q,{name},aa,cement,是,{attr}\n"

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
st.ok("import", st.write("reg.yaml", "jurisdictions:\n"
                         "  - {id: aa, name: 甲县, kind: county, email: [aa@x.example]}\n"))
st.ok("load", st.write("plan.yaml", plan_yaml(
    "tl", None, ["{id: m, title: 名录, owner: office, for: once, due: 2017-01-05}"])))
key = json.loads(st.ok("tasks", "--format", "json"))[0]["key"]


def data_sha():
    with open(os.path.join(st.db, "data.mdb"), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


before = data_sha()

# ---- a registry's CSV: the row, the column, the limit ----
for name, attr, where, col, n, limit in (
        ("钢" * (LINE + 1), "x", "2:20", "name", LINE + 1, LINE),
        ("One", "注" * (PARA + 1), "2:36", "备注", PARA + 1, PARA)):
    path = st.write("long.csv", HEADER + ROW.format(name=name, attr=attr))
    rc, _, err = st.run("import", path)
    eq(rc, 65, f"a {n}-character {col} is refused")
    check(err.startswith(f"{path}:{where}: error: row 1, column '{col}': {n} characters long")
          and f"at most {limit} characters" in err, f"{col}: named at {where} with the limit: {err[:300]!r}")
    check(len(err) < 400, f"the message does not echo the text: {len(err)} characters")
# exactly at the limits: 200 Chinese characters are 600 bytes, and pass
rc, out, err = st.run("import", st.write("ok.csv", HEADER + ROW.format(
    name="钢" * LINE, attr="注" * PARA)), "--dry-run")
eq(rc, 0, f"200 characters of a name and 4,000 of an attribute pass: {err}")

# ---- a registry's YAML: line and column ----
path = st.write("long.yaml", "jurisdictions:\n"
                f"  - {{id: bb, name: {'乙' * (LINE + 1)}, kind: county}}\n")
rc, _, err = st.run("import", path)
eq(rc, 65, "a 201-character name in YAML is refused")
# "  - {id: bb, name: " is 19 characters: the value at column 20
check(err.startswith(f"{path}:2:20: error: jurisdiction name: 201 characters long")
      and "at most 200 characters" in err, f"YAML: {err[:300]!r}")

# ---- a plan: a milestone's title (one line) and description (several) ----
for m, where, what, n, limit in (
        ("{id: m, title: %s, owner: office, for: once, due: 2017-01-05}" % ("题" * (LINE + 1)),
         "10:24", "title", LINE + 1, LINE),
        ("{id: m, title: 名录, description: %s, owner: office, for: once, due: 2017-01-05}"
         % ("述" * (PARA + 1)), "10:41", "description", PARA + 1, PARA)):
    path = st.write("longplan.yaml", plan_yaml("tl", None, [m]))
    for cmd in (("check", path), ("load", path)):
        rc, _, err = st.run(*cmd)
        eq(rc, 65, f"{cmd[0]}: a {n}-character {what} is refused")
        # line 10 (plan_yaml without a calendar line); "      - {id: m, title: " is 23
        # characters, "名录, description: " 17 more
        check(err.startswith(f"{path}:{where}: error: {what} is {n} characters long")
              and f"at most {limit} characters" in err, f"{cmd[0]}: {err[:300]!r}")
st.ok("check", st.write("okplan.yaml", plan_yaml("tl", None, [
    "{id: m, title: %s, description: %s, owner: office, for: once, due: 2017-01-05}"
    % ("题" * LINE, "述" * PARA)])))

# ---- arguments: the option, the length, the limit; a usage error ----
pw = st.write("pw", "correct horse battery staple\n")
for args, opt, n, limit in (
        (("submit", key, "--by", "李" * (LINE + 1)), "--by", LINE + 1, LINE),
        (("submit", key, "--by", "x", "--note", "a" * (PARA + 1)), "--note", PARA + 1, PARA),
        (("event", key, "return", "--by", "x", "--reason=" + "因" * (PARA + 1)), "--reason",
         PARA + 1, PARA),
        (("user", "add", "clerk", "--role", "office", "--name", "王" * (LINE + 1),
          "--password-file", pw), "--name", LINE + 1, LINE)):
    rc, out, err = st.run(*args)
    eq((rc, out), (64, ""), f"{opt} of {n} characters is a usage error")
    check(f"{opt} is {n} characters long" in err and f"at most {limit} characters" in err
          and len(err) < 600, f"{opt}: named with the limit, not echoed: {err[:300]!r}")
eq(data_sha(), before, "nothing refused changed the store")

# at the limit it is taken, and kept whole
st.ok("submit", key, "--by", "李" * LINE, "--note", "a" * PARA)
task = json.loads(st.ok("tasks", "--format", "json"))[0]
eq(task["state"], "submitted", "a 200-character --by is taken")
audit = st.ok("audit", "--task", key, "--format", "jsonl")
check("李" * LINE in audit, "the whole name is in the audit record")

# ---- the help says so ----
helped = st.ok("help", "submit")
check("At most 200 characters." in helped and "At most 4000 characters." in helped,
      f"help submit states both bounds: {helped!r}")
st.cleanup()
done("text lengths bounded in characters in registries, plans and arguments")
