"""Every input edge named, with a sysexits status, and nothing changed: over-long ids at
`check` with FILE:LINE:COLUMN; any number of files to `check`; positions and lengths in
characters (a Chinese line, a full-width credit code), U+3000 trimmed; numbers read
strictly; `submit --file` only a regular, bounded file; control characters refused at
import (row and column) and never printed raw; `audit key` output accepted by `audit verify
--key`; UTF-16 files refused with the save-as-UTF-8 hint; cleared CSV rows skipped."""
import hashlib
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import BIN, Store, check, done, eq  # noqa: E402

PLAN = """\
plan: edges
title: 边界
timezone: Asia/Shanghai
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  enterprise: {title: 企业, per: enterprise}
phases:
  - id: p
    title: 阶段
    milestones:
      - {id: roster, title: 名录, owner: county_epb, for: each jurisdiction, due: 2017-02-15}
      - {id: plan, title: 治理方案, owner: enterprise, for: each enterprise, due: 2017-06-30}
"""
REG = """\
jurisdictions:
  - {id: aa, name: 甲县, kind: county, email: [aa@x.example]}
"""


def data_sha(st):
    with open(os.path.join(st.db, "data.mdb"), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def loc(err):
    """FILE:LINE:COLUMN of the first error line, the file's base name only."""
    head = err.split(": error:")[0]
    return head.rsplit("/", 1)[-1]


st = Store()
plan = st.write("plan.yaml", PLAN)
st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
st.ok("load", plan)
st.ok("import", st.write("reg.yaml", REG))
before = data_sha(st)

# ---- ids: at most 48 characters, caught by check where they stand ----
ok48 = "m" + "x" * 47
for ident, status in ((ok48, 0), (ok48 + "y", 65)):
    p = st.write("long.yaml", PLAN.replace("{id: roster,", f"{{id: {ident},"))
    rc, out, err = st.run("check", p)
    eq(rc, status, f"a milestone id of {len(ident)} characters")
    if status:
        # line 11, the id's value after "      - {id: " (13 characters)
        eq(loc(err), "long.yaml:11:14", "the id is named where it stands")
        check("49 characters long" in err and "at most 48" in err, f"and measured: {err}")
rc, _, err = st.run("import", st.write("longj.yaml", REG.replace("id: aa", "id: " + "a" * 49)))
eq((rc, loc(err)), (65, "longj.yaml:2:10"), "a 49-character jurisdiction id, at import")

# ---- check takes any number of files ----
many = [plan] * 300
rc, out, err = st.run("check", *many)
eq((rc, sum(1 for line in out.splitlines() if line.startswith("edges: ok"))), (0, 300),
   "check of 300 files checks each")

# ---- positions and lengths in characters ----
p = st.write("zh.yaml", PLAN.replace("title: 名录, owner: county_epb", "title: 名录, owner: nobody"))
rc, _, err = st.run("check", p)
# "      - {id: roster, title: 名录, owner: " is 39 characters (43 bytes): nobody at 40
eq((rc, loc(err)), (65, "zh.yaml:11:40"), "a YAML column after Chinese text counts characters")
csv_zh = st.write("zh.csv", "id,name,jurisdiction,industry\n"
                  "91652301MA7000001Q,昌吉钢铁（样例）,aa,steell\n")
rc, _, err = st.run("import", csv_zh)
# 18 + 1 + 8 + 1 + 2 + 1 = 31 characters before steell (45 bytes)
eq((rc, loc(err)), (65, "zh.csv:2:32"), "a CSV column after Chinese text counts characters")
# a row one field short, and a value under a column with no name, after Chinese cells (the
# shared case f10's files; its check.py counted bytes: 3:45 and 2:50)
ragged = st.write("ragged.csv", "id,name,jurisdiction,industry,listed,\n"
                  "91652301MA0000003K,丙（样例）,aa,steel,是,\n"
                  "91652301MA0000004N,丁（样例）,aa,steel,是\n")
rc, _, err = st.run("import", ragged)
# 18 + 1 + 5 + 1 + 2 + 1 + 5 + 1 = 34 characters before 是, the last field (44 bytes)
eq((rc, loc(err)), (65, "ragged.csv:3:35"), "a short row: at its last field, in characters")
check("5 fields, but the header has 6" in err, f"saying so: {err}")
unnamed = st.write("unnamed.csv", "id,name,jurisdiction,industry,listed,,\n"
                   "91652301MA0000003K,丙（样例）,aa,steel,是,,备注\n")
rc, _, err = st.run("import", unnamed)
# 18 + 1 + 5 + 1 + 2 + 1 + 5 + 1 + 1 + 1 + 0 + 1 = 37 characters before 备注 (49 bytes)
eq((rc, loc(err)), (65, "unnamed.csv:2:38"), "a value under an unnamed column, in characters")
fw = st.write("fw.csv", "id,name,jurisdiction,industry\n"
              "９１６５２３０１ＭＡ７０００００１Ｑ,甲,aa,steel\n")
rc, _, err = st.run("import", fw)
eq(rc, 65, "a full-width credit code is refused")
check("18 characters" in err and "half-width" in err and "'91652301MA7000001Q'" in err,
      f"as 18 characters, with the half-width form: {err}")
ws = st.write("ws.csv", "id,name,jurisdiction,industry\n"
              "\u300091652301MA7000001Q\u3000,甲企业\u3000,aa,steel\n")
rc, out, err = st.run("import", ws)
eq((rc, err), (0, ""), "an ideographic space (U+3000) around values is trimmed")
ent = [t for t in st.tasks() if t["milestone"] == "plan"]
eq([t["subject"] for t in ent], ["91652301MA7000001Q"], "the code without its blanks")
before = data_sha(st)

# ---- numbers, strictly ----
for bad in ("-1", "0", "+1", " 1", "1e3", "0x1", "18446744073709551616", "abc"):
    rc, _, err = st.run("audit", "prove", "--", bad)
    eq(rc, 64, f"audit prove {bad!r} is a usage error")
rc, _, err = st.run("audit", "prove", "-1")
eq((rc, "'-1' is not a record's sequence number" in err), (64, True), "audit prove -1 (no --)")
eq(st.run("audit", "prove", "1")[0], 0, "audit prove 1")
for bad in ("+25", " 25", "25x", "99999999999999999999"):
    rc, _, err = st.run("clock", env={"DABIAO_SMTP": f"smtp://127.0.0.1:{bad}"})
    eq(rc, 78, f"DABIAO_SMTP port {bad!r} is refused")
rc, _, err = st.run("report", "annex3", "--month", "+201-07")
eq(rc, 64, "--month +201-07 is not a month")
# every number given to dabiao through one strict reader (num.h): a warning's number, a
# port to listen on, the configuration's numbers and sizes (review 13e, E10: `decide -1`
# was "no warning" 65, `web --listen 127.0.0.1:+8080` listened)
for bad in ("-1", "0", "+1", " 1", "1e3", "0x1f", "１", "100000000", "abc"):
    rc, _, err = st.run("decide", "--by", "x", "--reason", "y", "--", bad, "dismiss")
    eq(rc, 64, f"decide {bad!r} is a usage error")
    check(f"'{bad}' is not a warning's number" in err, f"naming the number: {err}")
rc, _, err = st.run("decide", "-1", "dismiss", "--by", "x", "--reason", "y")
eq(rc, 64, f"decide -1 (no --) is a usage error: {err}")
rc, _, err = st.run("decide", "99999999", "dismiss", "--by", "x", "--reason", "y")
eq((rc, "no warning '99999999'" in err), (65, True), f"a well-formed number of no warning: {err}")
for bad in ("+8080", " 8080", "8080x", "-1", "65536", "0x50", ""):
    rc, _, err = st.run("web", "--listen", f"127.0.0.1:{bad}", timeout=60)
    eq(rc, 64, f"web --listen 127.0.0.1:{bad!r} is refused")
for key, bad in (("listen", "'127.0.0.1: 8080'"), ("listen", "'127.0.0.1:+8080'"),
                 ("upload_limit", "' 20MB'"), ("upload_limit", "'+20MB'"),
                 ("upload_limit", "99999999999999999999MB"), ("upload_limit", "18014398509481985K"),
                 ("link_days", "'+5'"), ("link_days", "' 5'"), ("link_days", "-0"),
                 ("trusted_proxies", "['10.0.0.0/+8']"), ("trusted_proxies", "['10.0.0.0/ 8']")):
    cfg = st.write("num.yaml", f"web:\n  {key}: {bad}\n")
    rc, _, err = st.run("--config", cfg, "clock")
    eq(rc, 78, f"web.{key}: {bad} is refused: {err}")
for key, good in (("upload_limit", "20MB"), ("link_days", "5"),
                  ("trusted_proxies", "['10.0.0.0/8']"), ("listen", "'127.0.0.1:8080'")):
    cfg = st.write("num.yaml", f"web:\n  {key}: {good}\n")
    eq(st.run("--config", cfg, "clock")[0], 0, f"web.{key}: {good} is taken")

# ---- submit --file: a regular file of bounded size, never a device or a pipe ----
task = "edges/roster/aa/once"
fifo = st.path("fifo")
os.mkfifo(fifo)
for path in ("/dev/zero", fifo, st.root):
    t0 = time.monotonic()
    rc, _, err = st.run("submit", task, "--by", "clerk", "--file", path, timeout=60)
    eq(rc, 66, f"submit --file {path}")
    check("not a regular file" in err, f"says why: {err}")
    check(time.monotonic() - t0 < 30, "and does not wait")
big = st.path("big.bin")
with open(big, "wb") as f:
    f.truncate((1 << 30) + 1)
rc, _, err = st.run("submit", task, "--by", "clerk", "--file", big)
eq((rc, "more than the 1073741824" in err), (65, True), "a file over 1 GiB is refused")
os.remove(big)
eq(data_sha(st), before, "no refused submission changed the store")
doc = st.write("doc.txt", "名录\n")
st.ok("submit", task, "--by", "clerk", "--file", doc)
eq([t["state"] for t in st.tasks() if t["key"] == task], ["submitted"], "a real document is taken")
before = data_sha(st)

# ---- control characters: refused at import, never printed raw ----
evil_csv = st.write("evil.csv", "id,name,jurisdiction,industry\n"
                    '91652301MA7000002U,"Evil\x1b]0;pwned\x07\x1b[2J",aa,steel\n')
rc, _, err = st.run("import", evil_csv)
eq((rc, loc(err)), (65, "evil.csv:2:20"), "an ESC in a CSV name, at its row and column")
check("row 1, column 'name'" in err and "U+001B" in err, f"named: {err}")
check("\x1b" not in err and "\x07" not in err, "the message itself holds no control character")
evil_yaml = st.write("evil.yaml", 'jurisdictions:\n  - {id: bb, name: "乙\\e[2J", kind: county}\n')
rc, _, err = st.run("import", evil_yaml)
# "  - {id: bb, name: " is 19 characters: the quoted value starts at 20
eq((rc, loc(err)), (65, "evil.yaml:2:20"), "an escape in a YAML name, where it stands")
evil_plan = st.write("evil-plan.yaml", PLAN.replace("title: 名录", 'title: "名录\\x07"'))
eq(st.run("check", evil_plan)[0], 65, "a control character made by an escape in a plan")
eq(data_sha(st), before, "nothing imported")
rc, _, err = st.run("tasks", "--plan", "x\x1b[2Jy")
eq(rc, 64, "a control character in an argument is a usage error, refused at the door")
check("--plan ('x…')" in err, f"named by its option, the text before the fault shown: {err!r}")
check("\x1b" not in err and "U+001B" in err,
      f"the refusal names the character, never prints it: {err!r}")

# ---- audit key output is what audit verify --key takes ----
key = st.path("audit.pem")
subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", key], check=True,
               capture_output=True)
os.chmod(key, 0o600)  # a signing key is its owner's alone
env = {"DABIAO_AUDIT_KEY": key, "DABIAO_AUDIT_ORIGIN": "edges.example/audit"}
cp = st.write("cp.txt", st.ok("audit", "checkpoint", env=env))
vkey = st.write("verifier.txt", st.ok("audit", "key", env=env))
e2 = {"DABIAO_AUDIT_KEY": ""}
rc, out, err = st.run("audit", "verify", "--checkpoint", cp, "--key", vkey, env=e2)
eq((rc, "signature good" in out), (0, True), f"verify --key with `audit key`'s line: {err}")
forged = st.write("forged.txt", open(vkey).read().replace("+", "+0", 1)[:-1])
eq(st.run("audit", "verify", "--checkpoint", cp, "--key", forged, env=e2)[0], 78,
   "a verifier line whose key id does not match is refused")
other = st.path("other.pem")
subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", other], check=True,
               capture_output=True)
os.chmod(other, 0o600)  # a signing key is its owner's alone
wrong = st.write("wrong.txt", st.ok("audit", "key", env={"DABIAO_AUDIT_KEY": other,
                                                          "DABIAO_AUDIT_ORIGIN": "edges.example/audit"}))
eq(st.run("audit", "verify", "--checkpoint", cp, "--key", wrong, env=e2)[0], 65,
   "another key's verifier line does not verify the checkpoint")
# a key without a checkpoint has no signature to check: refused as a usage error, never
# "every record matches" as if a signature had been checked (even for a key that is garbage)
rc, out, err = st.run("audit", "verify", "--key", forged, env=e2)
eq((rc, out, "--checkpoint" in err), (64, "", True), f"verify --key alone: {err}")

# ---- UTF-16: refused with the hint ----
before = data_sha(st)  # audit checkpoint keeps each signed head in the store
u16 = st.path("u16.csv")
with open(u16, "wb") as f:
    f.write("id,name,jurisdiction,industry\r\n91652301MA7000002U,乙,aa,steel\r\n"
            .encode("utf-16"))
rc, _, err = st.run("import", u16)
eq(rc, 65, "a UTF-16 CSV is refused")
check("UTF-16" in err and "CSV UTF-8" in err, f"with the save-as hint: {err}")
u16p = st.path("u16.yaml")
with open(u16p, "wb") as f:
    f.write(PLAN.encode("utf-16"))
rc, _, err = st.run("check", u16p)
eq((rc, "UTF-16" in err and "save it as UTF-8" in err), (65, True), f"a UTF-16 plan: {err}")
eq(data_sha(st), before, "nothing imported")

# ---- cleared CSV rows are skipped; data out of place is not ----
blank = st.write("blank.csv", "id,name,jurisdiction,industry,,\n"
                 "91652301MA7000002U,乙企业,aa,steel,,\n,,,,,\n,,,,,\n"
                 "91652301MA7000003Y,丙企业,aa,steel,,\n")
rc, out, err = st.run("import", blank)
eq((rc, "2 enterprises" in out), (0, True), f"rows of commas are skipped: {err}")
stray = st.write("stray.csv", "id,name,jurisdiction,industry,,\n"
                 "91652301MA70000042,丁企业,aa,steel,,x\n")
rc, _, err = st.run("import", stray)
# 18+1, 3+1, 2+1, 5+1, 0+1 = 33 characters before x
eq((rc, loc(err)), (65, "stray.csv:2:34"), "a value under an unnamed column is refused there")

st.cleanup()
done("input edges: named, with their status, changing nothing")
