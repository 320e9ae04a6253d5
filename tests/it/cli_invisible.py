"""Invisible characters that reorder or hide text (a RIGHT-TO-LEFT OVERRIDE U+202E, a ZERO
WIDTH SPACE U+200B, a byte order mark U+FEFF inside a value, a Hangul filler U+3164, ...)
are refused at import in names, ids and attributes, naming the row, the column, the
character and its position, and nothing is imported; in an argument they are a usage error
naming the option (review 13c, N8); in a plan they are refused at their line and column, as
in a registry (review13f C5: a milestone title's override reached every reminder's
Subject). Blanks are Unicode's spaces, not three of them: a `--by` of a no-break space
alone names nobody, and one around a cell is trimmed; a CRLF line end in a pasted reason is
a line break (review 13e, E9). Positions worked out by hand."""
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

# a plan's texts: refused as the registry's are, at the value's line and column, typed or
# escaped; line 10 is the milestone's, its title's quote at column 24 (6 blanks, "- {id: m,
# title: " is 17 more); 名 is the value's 1st character, the override its 2nd
for name, title in (("rlo", f"名{RLO}录"), ("escaped", "名\\u202e录"), ("filler", "名\u3164录"),
                    ("shy", "名\u00ad录")):
    plan = st.write(f"{name}.yaml", plan_yaml("inv", None, [
        f'{{id: m, title: "{title}", owner: office, for: once, due: 2017-01-05}}']))
    for cmd in ("check", "load"):
        rc, _, err = st.run(cmd, plan)
        eq(rc, 65, f"{cmd} {name}: a plan title with an invisible character is refused")
        check(err.startswith(f"{plan}:10:24: error: invisible character U+")
              and "at character 2 of the value" in err and RLO not in err,
              f"{cmd} {name}: at its line and column, naming it: {err!r}")
rc, _, err = st.run("check", st.write("phase.yaml", plan_yaml("inv", None, [
    '{id: m, title: 名录, owner: office, for: once, due: 2017-01-05}']).replace(
    "title: 阶段", f"title: 阶{ZWSP}段")))
check(rc == 65 and ":8:12: error: invisible character U+200B (ZERO WIDTH SPACE)" in err,
      f"a phase title too: {err!r}")
eq(data_sha(), before, "no refused plan was loaded")

# blanks: Unicode's spaces; a value of nothing else is blank; invisible fillers refused
st.ok("load", st.write("ok.yaml", plan_yaml("inv", None, [
    '{id: m, title: 名录, owner: office, for: once, due: 2017-03-05}'])))
task = "inv/m/office/once"
for by in ("\u00a0", "\u2003\u00a0", "\u202f", "\u3000\u00a0"):
    rc, _, err = st.run("flag", task, "--kind", "omitted", "--by", by, "--reason", "x")
    eq(rc, 64, f"--by {by!r} is only blanks")
    check("--by is only blanks" in err, f"said so: {err!r}")
for by, name in (("\u3164", "HANGUL FILLER"), ("\u2800", "BRAILLE PATTERN BLANK"),
                 ("\u115f", "HANGUL CHOSEONG FILLER"), ("a\u2060b", "WORD JOINER"),
                 ("\ufe0f\u200b", "ZERO WIDTH SPACE")):
    rc, _, err = st.run("flag", task, "--kind", "omitted", "--by", by, "--reason", "x")
    eq(rc, 64, f"--by {by!r} is refused")
    check(name in err and "invisible character" in err, f"naming {name}: {err!r}")
rc, _, err = st.run("flag", task, "--kind", "omitted", "--by", "x", "--reason", "\u00a0\u3000")
check(rc == 64 and "--reason is only blanks" in err, f"a reason of blanks: {err!r}")
ent = st.write("nbsp.csv", HEADER + "\u00a091652301MA7000001Q,甲企业\u00a0\u2003,aa,cement,是\n")
st.ok("import", ent)
eq(st.run("tasks", "--subject", "91652301MA7000001Q")[0], 0,
   "the enterprise's code is its code without the no-break space")
# the same row typed clean changes nothing: the name was stored without its blanks
st.ok("import", st.write("clean.csv", HEADER + "91652301MA7000001Q,甲企业,aa,cement,是\n"))
last = [r for r in st.records() if r["action"] == "registry.import"][-1]
eq(json.loads(last["details"])["updated"], 0, "its name was stored without the blanks")

# a reason pasted from Windows: CRLF is a line break, kept as LF; a CR alone is refused
st.ok("submit", task, "--by", "clerk")
st.ok("event", task, "accept", "--by", "zhidui", "--reason", "第一行\r\n第二行\r\n")
reasons = [json.loads(r["details"]).get("reason") for r in st.records()
           if r["action"] == "task.event" and r.get("task") == task]
eq(reasons, ["第一行\n第二行\n"], "the reason is recorded with LF line breaks, no CR")
rc, _, err = st.run("event", task, "return", "--by", "zhidui", "--reason", "一\r二")
check(rc == 64 and "U+000D" in err, f"a carriage return alone is refused: {err!r}")
st.cleanup()
done("invisible characters refused at import and in arguments, neutralised on a terminal")
