"""The values a person types, as the command line judges and echoes them (review of issue 13):
lengths in characters and the wrong character named before the length; one CSV rule (only a
formula is marked; no value is an empty cell); unknown filter values are usage errors that
list what is there; an argument's fault is a usage error naming its option; long values are
cut with an ellipsis at a character; a FIFO is never waited for; U+3000 after a plan value
is trimmed. Expected values are worked out here by hand."""
import csv
import io
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import BIN, Store, check, done, eq  # noqa: E402

PLAN = """\
plan: vals
title: 取值
timezone: Asia/Shanghai
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  enterprise: {title: 企业, per: enterprise}
phases:
  - id: p
    title: 阶段
    milestones:
      - id: roster
        title: 名录
        owner: county_epb
        for: each jurisdiction
        due: 2017-02-15
"""
REG = """\
jurisdictions:
  - {id: aa, name: '=HYPERLINK("http://x.example")', kind: county, email: [aa@x.example]}
  - {id: bb, name: 乙县, kind: county, email: [bb@x.example]}
"""


def first_error(err):
    return err.splitlines()[0] if err else ""


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
st.ok("load", st.write("plan.yaml", PLAN))
st.ok("import", st.write("reg.yaml", REG))

# ---- F1: a length is counted in characters; the wrong character is named first ----
# 17 × 昌 is 17 characters (51 bytes), and no id at any length: the character is the fault
cjk = st.write("cjk.yaml", REG.replace("id: bb", "id: " + "昌" * 17))
rc, _, err = st.run("import", cjk, "--dry-run")
eq(rc, 65, "a Chinese jurisdiction id is refused")
check("bad jurisdiction id" in err and "characters long" not in err,
      f"for its characters, not a byte length: {first_error(err)}")
# é and 47 × r: 48 characters (49 bytes); the é is the fault
lat = st.write("lat.yaml", PLAN.replace("id: roster", "id: é" + "r" * 47))
rc, _, err = st.run("check", lat)
eq(rc, 65, "a milestone id with é is refused")
check("is not valid" in err and "characters long" not in err, f"for the é: {first_error(err)}")
# 49 ASCII letters: 49 characters, one too many
rc, _, err = st.run("check", st.write("l49.yaml", PLAN.replace("id: roster", "id: " + "r" * 49)))
eq(rc, 65, "a 49-character milestone id is refused")
check("is 49 characters long" in err and "at most 48" in err, f"measured: {first_error(err)}")
rc, _, err = st.run("import", st.write("j49.yaml", REG.replace("id: bb", "id: " + "j" * 49)),
                    "--dry-run")
check(rc == 65 and "is 49 characters long" in err, f"a jurisdiction id too: {first_error(err)}")
# an address's local part of 30 Chinese characters (90 bytes): non-ASCII, not "longer than 64"
rc, _, err = st.run("import", st.write("addr.yaml", REG.replace("bb@x.example",
                                                                  "张" * 30 + "@x.example")),
                    "--dry-run")
check(rc == 65 and "non-ASCII" in err and "longer than" not in err,
      f"an address's fault is its characters: {first_error(err)}")

# ---- U1: a U+3000 typed after a plan value is trimmed, as in a registry ----
u = st.write("u3000.yaml", PLAN.replace("due: 2017-02-15", "due: 2017-02-15\u3000"))
rc, out, err = st.run("check", u)
eq(rc, 0, f"a trailing U+3000 after a due is trimmed: {first_error(err)}")
q = st.write("u3000q.yaml", PLAN.replace("due: 2017-02-15", "due: '2017-02-15\u3000'"))
eq(st.run("check", q)[0], 65, "a quoted value is kept as written (and refused)")

st.ok("advance", "--to", "2017-03-01T00:00:00+08:00")

# ---- F2: one CSV rule: only a formula is marked, dates are as JSON has them ----
raw = st.ok("tasks", "--format", "csv")
rows = list(csv.reader(io.StringIO(raw.lstrip("\ufeff"))))
js = st.tasks()
head = rows[0]
by_key = {r[0]: dict(zip(head, r)) for r in rows[1:]}
eq(len(by_key), 2, "two tasks, one per jurisdiction")
for t in js:
    r = by_key[t["key"]]
    eq(r["due_date"], "2017-02-15", "due_date in CSV is the date itself, no apostrophe")
    eq(r["due_date"], t["due_date"], "and the JSON value")
    eq(r["deadline"], t["deadline"], "deadline too")
    eq(r["original_due_date"], "2017-02-15", "original_due_date too")
wd = list(csv.reader(io.StringIO(st.ok("workdays", "--plan", "vals", "--from", "2017-01-01", "--to",
                                       "2017-01-02", "--format", "csv").lstrip("\ufeff"))))
eq(wd[1][0], "2017-01-01", "a workdays date is written as it is")
st_csv = st.ok("status", "--format", "csv")
check("'=HYPERLINK" in st_csv, "a registry name that is a formula is marked with an apostrophe")
check("'2017" not in st_csv and "'乙" not in st_csv, "and nothing else is")

# ---- F3: no value is an empty CSV cell, null in JSON ----
pw = st.write("pw.txt", "correct horse battery\n")
st.ok("user", "add", "ops", "--role", "county_epb", "--subject", "aa", "--password-file", pw)
users = list(csv.reader(io.StringIO(st.ok("user", "list", "--format", "csv").lstrip("\ufeff"))))
u = dict(zip(users[0], users[1]))
eq(u["locked_until"], "", "an account never locked: an empty cell")
eq(json.loads(st.ok("user", "list", "--format", "json"))[0]["locked_until"], None,
   "and null in JSON")

# ---- F5: unknown filter values are usage errors listing what is there ----
for args, listed in ((("tasks", "--state", "overdu"), ["open", "overdue", "submitted"]),
                     (("tasks", "--plan", "nosuch"), ["vals"]),
                     (("status", "--plan", "nosuch"), ["vals"]),
                     (("tasks", "--milestone", "nosuch"), ["roster"]),
                     (("tasks", "--jurisdiction", "nosuch"), ["aa", "bb"]),
                     (("status", "--jurisdiction", "nosuch"), ["aa", "bb"])):
    rc, out, err = st.run(*args)
    eq(rc, 64, f"{' '.join(args)}: a usage error")
    eq(out, "", f"{' '.join(args)}: no empty listing that reads as 'none'")
    check(all(v in err for v in listed), f"{' '.join(args)}: lists {listed}: {err}")
rc, _, err = st.run("tasks", "--subject", "nosuch")
check(rc == 64 and "--subject" in err, f"an unknown subject: {err}")
eq(len(st.tasks("--state", "overdue", "--jurisdiction", "aa", "--subject", "aa")), 1,
   "known values still filter")

# ---- F6: an argument's fault is a usage error naming its option ----
key = js[0]["key"]
rc, _, err = st.run("submit", key, "--by", "Li\x1b[31mNa")
eq(rc, 64, "a control character in --by is a usage error")
check("--by ('Li…')" in err and "character 3" in err and "\x1b" not in err,
      f"named by its option, at its character: {err!r}")
rc, _, err = st.run("submit", key, "--by=长长\x07")
check(rc == 64 and "--by ('长长…')" in err and "character 3" in err, f"--by=VALUE too: {err!r}")
rc, _, err = st.run("submit", "a\x1bb", "--by", "x")
check(rc == 64 and "argument 1 ('a…')" in err, f"a positional argument by number: {err!r}")

# ---- F7: long values are cut at 80 characters with an ellipsis ----
rc, _, err = st.run("submit", "长" * 5000, "--by", "x")
eq(rc, 65, "an unknown 5000-character key")
check("'" + "长" * 80 + "…'" in err and "长" * 81 not in err,
      f"echoed as its first 80 characters and …: {len(err)} characters")
bad = st.write("longj.csv", "id,name,jurisdiction,industry\n"
               "91652301MA74H957X2,甲,%s,steel\n" % ("j" * 150))
rc, _, err = st.run("import", bad, "--dry-run")
check(rc == 65 and "'" + "j" * 80 + "…'" in err and "j" * 81 not in err,
      f"a 150-character jurisdiction in a CSV is cut: {first_error(err)}")
rc, _, err = st.run("user", "add", "x" * 300, "--role", "county_epb", "--subject", "aa",
                    "--password-file", pw)
check(rc == 64 and "x" * 80 + "…" in err and "x" * 81 not in err,
      f"a 300-character login is cut: {first_error(err)}")

# ---- F8: audit's --format, said per subcommand ----
rc, _, err = st.run("audit", "checkpoint", "--format", "csv")
check(rc == 64 and "checkpoint --format is json" in err, f"checkpoint: json only: {err}")
rc, _, err = st.run("audit", "--format", "json")
check(rc == 64 and "table or jsonl" in err, f"the list: table or jsonl: {err}")

# ---- F10: a FIFO is refused at once, never waited for ----
fifo = st.path("fifo")
os.mkfifo(fifo)
for args in (("user", "passwd", "ops", "--password-file", fifo),
             ("audit", "verify", "--checkpoint", st.write("cp.txt", st.ok("audit", "checkpoint")),
              "--key", fifo)):
    try:
        rc, _, err = st.run(*args, timeout=60)
    except subprocess.TimeoutExpired:
        rc, err = None, "waited for a writer"
    eq(rc, 66, f"{args[0]} {args[1]}: a FIFO is not a regular file: {err}")
p = subprocess.run([BIN, "--db", st.db, "user", "passwd", "ops", "--password-file", "-"],
                   input="another horse battery\n", capture_output=True, text=True, timeout=60)
eq(p.returncode, 0, f"a password piped to standard input with '-': {p.stderr}")

# ---- review 13c N1: a failed `audit export --out` removes only a file it made ----
# a device like /dev/full (a node of our own: made with mknod where the test may, as root)
full = st.path("full")
try:
    os.mknod(full, 0o666 | __import__("stat").S_IFCHR, os.makedev(1, 7))
except PermissionError:
    full = None
if full:
    rc, _, err = st.run("audit", "export", "--out", full)
    eq(rc, 74, f"export to a full device fails: {err}")
    check("No space left on device" in err, f"naming the cause: {err}")
    check(os.path.exists(full) and __import__("stat").S_ISCHR(os.stat(full).st_mode),
          "and the device node is still there")

done("typed values: lengths in characters, one CSV rule, filters, arguments, cuts, FIFOs")
