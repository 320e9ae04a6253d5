"""The audit log is tamper-evident: on a store with a few hundred records (the Changji plan,
its registry, two months advanced), a signed checkpoint verifies; one byte changed in any
audit record inside data.mdb (its leaf, its length or its deflated fields) makes `audit
verify` exit 65 naming that record, 100 times out of 100 (a flip that leaves the record's
fields as they were, a deflate match moved onto the same bytes, is no change and is not
counted); a whole log rewritten consistently (another store's data.mdb copied over)
passes `audit verify` alone but not `audit verify --checkpoint OLD`; and an inclusion
proof checks out in the independent Python verifier, and fails for a record changed after
the checkpoint."""
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, src, fail, failures  # noqa: E402

PLAN = src("workflows", "changji-2017.yaml")
REG = src("workflows", "changji-registry.yaml")
VERIFIER = src("tests", "lib", "audit_verify.py")


def build(st, name):
    """A store on a virtual clock with a few hundred audit records."""
    st.db = st.path(name)
    st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
    st.ok("load", PLAN)
    st.ok("import", REG)
    st.ok("advance", "--to", "2017-03-01T00:00:00+08:00")


def audit_dict():
    """Format 2's preset dictionary, as store/audit.c spells it (store/README.md, "audit")."""
    with open(src("store", "audit.c"), encoding="utf-8") as f:
        text = f.read()
    lit = re.search(r"audit_dict\[\] =(.*?);", text, re.S).group(1)
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', lit)).replace('\\"', '"').encode()


DICT = audit_dict()
HEAD = 1 + 32 + 4  # format byte 2, the leaf, the fields' length (store/README.md, "audit")


def located(data, seq, leaf):
    """Where record seq's value lies in data.mdb: its 8-byte key, then format byte 2 and its
    leaf hash; the length from the LMDB node before the key (data size as two
    little-endian u16, flags, key size 8). [] when not there, several when stale copies of
    its page are."""
    found = []
    for fmt in (b"\x02", b"\x03"):
        needle = struct.pack(">Q", seq) + fmt + leaf
        at = data.find(needle)
        while at >= 0:
            lo, hi, _, ksize = struct.unpack("<HHHH", data[at - 8:at])
            if ksize == 8:
                found.append((at + 8, lo | hi << 16))
            at = data.find(needle, at + 1)
    return found


def fields(value):
    """The record's fields as stored: inflated from a format-2 value, as they are in a
    format-3 one (short records, kept beside their leaf undeflated)."""
    if value[0] == 3:
        return value[33:]
    d = zlib.decompressobj(-11, zdict=DICT)
    body = d.decompress(value[HEAD:]) + d.flush()
    eq(len(body), struct.unpack(">I", value[33:HEAD])[0], "the fields' length")
    return body


def repacked(value):
    """value with one letter or digit of its fields changed, deflated again to the same
    length, so it is still a readable record of the same size, with other text."""
    body = fields(value)
    if value[0] == 3:
        i = len(value) - 3  # inside the last field, the details: readable, other text
        return value[:i] + (b"x" if value[i:i + 1] != b"x" else b"y") + value[i + 1:]
    for i in range(len(body) - 1, 16, -1):
        for to in b"xy0123456789abcdef":
            if not chr(body[i]).isalnum() or body[i] == to:
                continue
            b = bytearray(body)
            b[i] = to
            for level in range(1, 10):
                c = zlib.compressobj(level, zlib.DEFLATED, -11, 2, zdict=DICT)
                z = c.compress(bytes(b)) + c.flush()
                if len(z) == len(value) - HEAD:
                    return value[:HEAD] + z
    fail("no change of one character deflates to the same length")
    return value


rng = random.Random(20170510)
st = Store()
env = {"DABIAO_AUDIT_KEY": st.path("audit-key.pem"), "DABIAO_AUDIT_ORIGIN": "changji.example/audit"}
subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", env["DABIAO_AUDIT_KEY"]],
               check=True, capture_output=True)

build(st, "main")
# init made the store's own key; without it and without a configured one, a checkpoint is
# refused with the way to make one.
check(os.path.exists(os.path.join(st.db, "audit-key.pem")), "init made the store's key")
os.rename(os.path.join(st.db, "audit-key.pem"), st.path("store-key.pem"))
status, _, err = st.run("audit", "checkpoint", env={"DABIAO_AUDIT_KEY": ""})
eq(status, 78, "checkpoint without a key is a configuration error")
check("openssl genpkey -algorithm ed25519" in err, f"the refusal says how to make a key: {err}")

cp_old = st.write("checkpoint-old", st.ok("audit", "checkpoint", env=env))
export = st.ok("audit", "export")
records = [json.loads(x) for x in export.splitlines()]
check(len(records) >= 200, f"a few hundred audit records: {len(records)}")
eq([r["seq"] for r in records], list(range(1, len(records) + 1)), "sequences 1..n")
with open(cp_old, encoding="utf-8") as f:
    cp_text = f.read()
eq(cp_text.count("\n"), 5, "checkpoint: origin, size, root, blank line, one signature")
cp_lines = cp_text.split("\n")
eq(cp_lines[0], "changji.example/audit", "origin line")
eq(cp_lines[1], str(len(records)), "size line")
check(cp_lines[4].startswith("\u2014 changji.example/audit "), f"signature line: {cp_lines[4]}")
out = st.ok("audit", "verify", "--checkpoint", cp_old, env=env)
check("every record matches the tree" in out and "signature good" in out, out)
check("without the tree" not in out,
      f"every record is in the tree (engine_audit must append through audit_append): {out}")

# The jsonl listing carries the same canonical record and its leaf hash; filters filter.
rows = rows_all = [json.loads(x) for x in st.ok("audit", "--format", "jsonl").splitlines()]
eq([r["record"] for r in rows], records, "jsonl records equal the export")
task = next(r["task"] for r in records if r["task"])
rows = [json.loads(x) for x in st.ok("audit", "--task", task, "--format", "jsonl").splitlines()]
check(rows and all(r["record"]["task"] == task for r in rows), f"--task filters: {rows}")

with open(os.path.join(st.db, "data.mdb"), "rb") as f:
    pristine = f.read()

# Records whose value occurs exactly once in the file: LMDB's copy-on-write leaves
# stale copies of recently rewritten pages, and a byte flipped there changes nothing. Each
# is packed (format 2) with its leaf, which the listing gives.
unique = []
for row in rows_all:
    seq = row["record"]["seq"]
    found = located(pristine, seq, bytes.fromhex(row["leaf"]))
    if len(found) == 1:
        at, n = found[0]
        enc = pristine[at:at + n]
        check(row["record"]["details"].encode("utf-8") in fields(enc)[16:],
           f"record {seq}'s details inflate from its value")
        unique.append((seq, at, enc))
check(len(unique) >= len(records) // 2, f"most records located in data.mdb: {len(unique)}")


def tampered_copy(name, pos, new=None):
    """A copy of the main store with one byte of data.mdb flipped at pos (or the bytes
    there replaced by new)."""
    d = st.path(name)
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(st.db, d)
    data = bytearray(pristine)
    if new is None:
        data[pos] ^= 0x01
    else:
        data[pos:pos + len(new)] = new
    with open(os.path.join(d, "data.mdb"), "wb") as f:
        f.write(data)
    return d


def same_fields(enc, i):
    """Whether enc with byte i flipped still inflates to the very same fields: a match's
    distance changed to another place holding the same bytes reads as the same record,
    which is then not changed (what is hashed is the fields). Leaf and length always
    count."""
    if i < HEAD or enc[0] == 3:
        return False
    bad = bytearray(enc)
    bad[i] ^= 0x01
    try:
        d = zlib.decompressobj(-11, zdict=DICT)
        body = d.decompress(bytes(bad[HEAD:])) + d.flush()
    except zlib.error:
        return False
    return d.eof and not d.unused_data and body == fields(enc)


caught = same = 0
for trial in range(150):
    if caught + len(failures) >= 100:
        break
    seq, at, enc = rng.choice(unique)
    i = rng.randrange(len(enc))   # anywhere in the value: leaf, length, deflated fields
    pos = at + i
    if same_fields(enc, i):
        same += 1
        continue
    d = tampered_copy("trial", pos)
    p = subprocess.run([os.environ.get("DABIAO_BIN", "dabiao"), "--db", d, "audit", "verify"],
                       capture_output=True, text=True, env={**os.environ, **env}, timeout=120)
    if p.returncode == 65 and f"record {seq}:" in p.stderr:
        caught += 1
    else:
        fail(f"trial {trial}: byte {pos - at} of record {seq} flipped: exit {p.returncode}, "
             f"stderr {p.stderr!r}")
eq(caught, 100, "every flipped byte that changes a record is caught and its record named")
check(same <= 20, f"few flips leave a record's fields as they were: {same}")
shutil.rmtree(st.path("trial"), ignore_errors=True)

# A whole log rewritten consistently: another store's own tree holds together, but it is
# not the log the checkpoint was signed over.
other = Store()
build(other, "forged")
other.ok("submit", "changji-2017/roster/changji-city/once", "--by", "someone")
forged = st.path("forged")
shutil.copytree(st.db, forged)
shutil.copyfile(os.path.join(other.db, "data.mdb"), os.path.join(forged, "data.mdb"))
# the forger rewrites the messages too: `audit verify` checks the .eml files against the log
shutil.rmtree(os.path.join(forged, "outbox"))
shutil.copytree(os.path.join(other.db, "outbox"), os.path.join(forged, "outbox"))
st.db = forged
out = st.ok("audit", "verify", env=env)
check("every record matches the tree" in out, f"a rewritten log is self-consistent: {out}")
status, _, err = st.run("audit", "verify", "--checkpoint", cp_old, env=env)
eq(status, 65, "a rewritten log fails against the old checkpoint")
check("not consistent with checkpoint" in err, err)
other.cleanup()

# Inclusion proofs, checked outside dabiao.
st.db = st.path("main")
k = unique[len(unique) // 2][0]
proof = st.write("proof", st.ok("audit", "prove", str(k), "--checkpoint", cp_old, env=env))
exp = st.write("export", export)
p = subprocess.run(["/usr/bin/python3", VERIFIER, exp, cp_old, "--key", env["DABIAO_AUDIT_KEY"],
                    "--proof", proof], capture_output=True, text=True)
eq(p.returncode, 0, f"the Python verifier accepts the log and proof: {p.stderr}")
check(f"record {k}: included" in p.stdout, p.stdout)

# A newer checkpoint extends the old one, in both verifiers.
st.ok("submit", "changji-2017/roster/changji-city/once", "--by", "昌吉市环保局")
cp_new = st.write("checkpoint-new", st.ok("audit", "checkpoint", env=env))
exp2 = st.write("export2", st.ok("audit", "export"))
p = subprocess.run(["/usr/bin/python3", VERIFIER, exp2, cp_new, "--key", env["DABIAO_AUDIT_KEY"],
                    "--old", cp_old], capture_output=True, text=True)
eq(p.returncode, 0, f"the new checkpoint extends the old one: {p.stderr}")
st.ok("audit", "verify", "--checkpoint", cp_old, env=env)

# Record k changed after the checkpoint: its proof no longer holds, in either verifier.
seq, at, enc = next(u for u in unique if u[0] == k)
bad = tampered_copy("bad", at, repacked(enc))     # readable, with other text
st.db = bad
status, _, err = st.run("audit", "prove", str(k), "--checkpoint", cp_old, env=env)
eq(status, 65, f"prove against the checkpoint refuses a changed log: {err}")
exp3 = st.write("export3", st.ok("audit", "export"))
p = subprocess.run(["/usr/bin/python3", VERIFIER, exp3, cp_old, "--key", env["DABIAO_AUDIT_KEY"],
                    "--proof", proof], capture_output=True, text=True)
eq(p.returncode, 1, "the Python verifier refuses the changed record")
check(f"record {k} is NOT in the checkpoint's tree" in p.stderr, p.stderr)

# A checkpoint whose signature was tampered with is refused.
forged_cp = st.write("checkpoint-forged", cp_text.replace(cp_lines[1] + "\n", "1\n", 1))
st.db = st.path("main")
status, _, err = st.run("audit", "verify", "--checkpoint", forged_cp, env=env)
eq(status, 65, f"a checkpoint edited after signing is refused: {err}")
check("does not verify" in err, err)

st.cleanup()
done(f"audit log: 100/100 flipped bytes caught ({same} more left the fields as they were), "
     "rewrites caught by the checkpoint, proofs verified outside dabiao")
