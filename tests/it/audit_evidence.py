"""What was said and who acted are in the tree. An inspector takes any notice from the
outbox, hashes it and finds its notice.queue record (sha256 and .eml name in its details),
proves it with `audit prove`, and gets the same bytes back from `audit show SEQ`. The actor
of a record is who the system says ran the command (not $USER), the --by name beside it;
non-UTF-8 text is refused at the door and changes nothing. `init` makes the store's own key,
so `audit checkpoint` signs by default; signed heads, the dispatch's too, are kept in the
store and listed by `audit checkpoints`."""
import email
import email.policy
import hashlib
import json
import os
import pwd
import stat
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402

PLAN = """\
plan: ev
title: 取证测试
timezone: Asia/Shanghai
roles:
  county: {title: 县环保局, per: jurisdiction}
  team: {title: 监察支队}
escalations:
  std:
    - {after: 1d, kind: overdue, notify: [owner, team]}
dispatch: {day: 20, notify: [team]}
phases:
  - id: p
    title: 阶段
    milestones:
      - id: roster
        title: 名录
        owner: county
        for: each jurisdiction
        submit_to: team
        due: 2017-02-15
        remind: [-1d]
        escalate: std
"""
REG = """\
jurisdictions:
  - {id: a, name: 甲县, kind: county, email: [a@x.example]}
  - {id: b, name: 乙县, kind: county, email: [b@x.example]}
offices:
  team: [team@x.example]
  admin: [admin@x.example]
"""


def expected_actor():
    """The test works the name out the way the system keeps it: the real user id's name, and
    the kernel's login user first when it is another one."""
    uid = os.getuid()
    me = pwd.getpwuid(uid).pw_name
    try:
        with open("/proc/self/loginuid") as f:
            luid = int(f.read().strip())
    except (OSError, ValueError):
        luid = 4294967295
    if luid in (4294967295, uid):
        return me
    try:
        return f"{pwd.getpwuid(luid).pw_name} as {me}"
    except KeyError:
        return f"uid {luid} as {me}"


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T00:00:00+08:00", "--tz", "Asia/Shanghai")
key = os.path.join(st.db, "audit-key.pem")
check(os.path.exists(key), "init made the store's signing key")
eq(stat.S_IMODE(os.stat(key).st_mode), 0o600, "the key is readable by its owner only")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG))
# 乙县 hands in on time, as 王芳, with $USER set to someone else
st.ok("advance", "--to", "2017-02-10T12:00:00+08:00")
st.ok("submit", "ev/roster/b/once", "--by", "王芳", "--at", "2017-02-10T10:00:00+08:00",
      env={"USER": "mallory"})
st.ok("advance", "--to", "2017-02-21T00:00:00+08:00")

records = [json.loads(line)["record"] for line in
           st.ok("audit", "--format", "jsonl").splitlines()]
by_seq = {r["seq"]: r for r in records}
sub = [r for r in records if r["action"] == "task.submit"]
eq(len(sub), 1, "one submission")
eq(sub[0]["actor"], expected_actor(), "the actor is who the system says ran the command")
check(sub[0]["actor"] != "mallory", "never $USER")
eq(json.loads(sub[0]["details"])["by"], "王芳", "the --by name is recorded beside it")

# every notice in the outbox: hash it, find its record, prove it, show it
queued = {}
for r in records:
    if r["action"] == "notice.queue":
        d = json.loads(r["details"])
        queued[d["eml"]] = (r["seq"], d["sha256"])
files = st.outbox()
# 甲县's reminder (02-14) and overdue notice (02-16), and the dispatch of 02-20; 乙县 had
# handed in before its reminder was due
eq(len(files), 3, f"a reminder, an overdue notice, a dispatch: {files}")
for name in files:
    with open(os.path.join(st.db, "outbox", name), "rb") as f:
        raw = f.read()
    check(name in queued, f"{name}: its notice.queue record names the file")
    if name not in queued:
        continue
    seq, h = queued[name]
    eq(hashlib.sha256(raw).hexdigest(), h, f"{name}: the record holds the sha256 of its bytes")
    rc, out, err = st.run("audit", "prove", str(seq))
    eq(rc, 0, f"{name}: record {seq} is proved in the tree: {err}")
    shown = st.run_bytes("audit", "show", str(seq))
    eq(hashlib.sha256(shown).hexdigest(), h, f"{name}: audit show {seq} gives the same bytes")
# another record: shown as its canonical JSON
rc, out, _ = st.run("audit", "show", str(sub[0]["seq"]))
eq(json.loads(out)["action"], "task.submit", "audit show of another record prints the record")
rc, _, err = st.run("audit", "show", "0")
eq(rc, 64, f"record 0 is a usage error: {err}")

# non-UTF-8 text is refused at the door, and nothing changes
before = len(records)
by = "张伟".encode("gbk")
rc, _, err = st.run_bytes_args("submit", b"ev/roster/a/once", b"--by", by)
eq(rc, 64, f"a GBK name is refused as a usage error: {err}")
eq(len(st.ok("audit", "--format", "jsonl").splitlines()), before, "and nothing is recorded")
rc, _, _ = st.run("audit", "export")
eq(rc, 0, "the log still exports")
# nor control characters: a carriage return or an escape sequence would reach the notice
# sent in the bureau's name, the reports and every terminal that lists the log
for bad in ("科长\r\nBcc: x@x.example", "a\x1b[31mred", "a\x7f", "a\u009bb"):
    rc, _, err = st.run("submit", "ev/roster/a/once", "--by", bad)
    eq(rc, 64, f"a control character in {bad!r} is refused as a usage error: {err}")
    check("control character" in err and "--by (" in err, f"and said so, naming --by: {err}")
eq(len(st.ok("audit", "--format", "jsonl").splitlines()), before, "and nothing is recorded")

# checkpoints: signed by the store's key by default, kept, listed
cp = st.ok("audit", "checkpoint")
lines = cp.split("\n")
check(lines[3] == "" and lines[4].startswith("\u2014 "), f"a signed note: {cp}")
size = int(lines[1])
listed = st.ok("audit", "checkpoints").splitlines()
eq(listed[0].split(), ["records", "root", "origin"], "a header row")
sizes = [int(x.split()[0]) for x in listed[1:]]
check(size in sizes, f"the checkpoint just signed is kept: {listed}")
check(any(s < size for s in sizes), f"the dispatch's signed head of 02-20 is kept too: {listed}")
full = st.ok("audit", "checkpoints", "--full")
check(cp.strip() in full, "--full gives the signed texts")
cpf = st.write("cp.txt", cp)
rc, out, err = st.run("audit", "verify", "--checkpoint", cpf, "--key", key)
eq(rc, 0, f"the log verifies against its signed head: {err}")
# the key's own line given as the value (`--key "$(dabiao audit key)"`), or a file that is
# not there: a usage error saying --key takes a file (review 12c, L11), not 78
keyline = st.ok("audit", "key").strip()
for val in (keyline, st.path("no-such-key.txt")):
    rc, out, err = st.run("audit", "verify", "--checkpoint", cpf, "--key", val)
    eq(rc, 64, f"--key with a value that is no file is a usage error: {err}")
    check("--key takes a file holding the key" in err and "is no file" in err,
          f"saying what --key takes: {err}")
dispatch = [n for n in files if "dispatch" in n][0]
with open(os.path.join(st.db, "outbox", dispatch), "rb") as f:
    body = email.message_from_binary_file(f, policy=email.policy.default).get_body(("plain",))
check("未签名" not in body.get_content() and "\u2014 " in body.get_content(),
      "the dispatch's head is signed")
st.cleanup()
done("notices hashed in the tree, shown back, proved; actors from the system; checkpoints signed and kept")
