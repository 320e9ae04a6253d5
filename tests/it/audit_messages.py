"""What went out is what the audit names, when it went out (review of issue 12, M1-M3).

A plan that groups reminders (notices.group) on a store advanced over three weeks in one
`advance`:
- .eml delivery: a reminder that reached its county only inside the day's grouped message
  names no .eml of its own but the grouped message (its file, Message-ID, key), whose record
  lists the notices it carries; every outbox file is named by one record and hashes to it;
  `audit verify` checks each notice's stored message and .eml against its record's sha256
  and names a changed file, a deleted file and a changed outbox record (exit 65);
- SMTP with one county's address refused (550): each delivery result is recorded at the
  instant the notice was queued (the clock of that day), not at the advance's last step,
  and the admin's report of each refusal is dated that day."""
import calendar
import datetime
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, BIN, eq, check, done  # noqa: E402
from smtp_delivery_lib import Server  # noqa: E402

# r0 and r1 are due Friday 2017-03-10: their reminders (-1d) fall on Thursday 03-09 09:00
# and are grouped per county; r2 is due Friday 03-17, its one reminder on Thursday 03-16
# goes as itself (a day's grouped message of one). Overdue notices (not grouped) go one by
# one a day after each deadline: 03-11 (r0, r1) and 03-18 (r2), to the county and 支队.
PLAN = """\
plan: ev
title: 证据测试
timezone: Asia/Shanghai
notify_at: "09:00"
notices:
  group: [reminder]
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  supervision: {title: 监察支队}
escalations:
  std:
    - {after: 1d, kind: overdue, notify: [owner, supervision]}
phases:
  - id: p
    title: 阶段
    milestones:
""" + "".join(f"""\
      - id: r{i}
        title: 报表{i}
        owner: county_epb
        for: each jurisdiction
        due: 2017-03-{due}
        remind: [-1d]
        escalate: std
""" for i, due in ((0, 10), (1, 10), (2, 17)))
REG = """\
jurisdictions:
  - {id: a, name: 甲县, kind: county, email: [a@x.example]}
  - {id: b, name: 乙县, kind: county, email: [b@x.example]}
offices:
  supervision: [s@x.example]
  admin: [admin@x.example]
"""


def at(y, mo, d, h):
    """A local time in Asia/Shanghai (+08:00, no DST in 2017) as UTC seconds."""
    return calendar.timegm(datetime.datetime(y, mo, d, h).timetuple()) - 8 * 3600


def records(st):
    return [json.loads(x)["record"] for x in st.ok("audit", "--format", "jsonl").splitlines()]


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


# ---- .eml delivery: M1 (what the record names) and M2 (verify reads the outbox) ----
st = Store("eml")
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T00:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG))
st.ok("advance", "--to", "2017-03-20T00:00:00+08:00")
recs = records(st)
queued = {}
for r in recs:
    if r["action"] == "notice.queue":
        queued[json.loads(r["details"])["key"]] = (r, json.loads(r["details"]))
outdir = os.path.join(st.db, "outbox")
files = sorted(os.listdir(outdir))
# 03-09: one grouped message per county (r0+r1); 03-16: one per county (r2 alone);
# overdue: r0, r1 on 03-11 and r2 on 03-18, per county = 6
eq(len(files), 4 + 6, f"4 grouped messages and 6 overdue notices: {files}")
reminders = {k: v for k, v in queued.items() if v[1]["kind"] == "reminder"}
eq(sorted(reminders), sorted(f"ev/r{i}/{j}/once#reminder#0" for i in range(3) for j in "ab"),
   "six reminders were queued")
named = {}
for k, (r, d) in queued.items():
    if "eml" in d:
        named.setdefault(d["eml"], []).append(k)
for k, (r, d) in reminders.items():
    check("eml" not in d, f"{k}: went out only inside a grouped message, names no file of its "
          f"own: {d}")
    eq(len(d.get("sent_in", [])), 1, f"{k}: names the one grouped message it went out in")
    g = d["sent_in"][0]
    jur = k.split("/")[2]
    day = "2017-03-16" if k.startswith("ev/r2/") else "2017-03-09"
    eq(g["addr"], f"{jur}@x.example", f"{k}: the grouped message's address")
    eq(g["notice"], f"ev/digest/{day}/{jur}@x.example", f"{k}: the grouped message's key")
    check(g["file"] in files, f"{k}: the grouped message's file {g['file']} is in the outbox")
    gr, gd = queued.get(g["notice"], (None, {}))
    check(gr is not None, f"{k}: the grouped message has its own record")
    if gr is None:
        continue
    eq(gd.get("eml"), g["file"], f"{k}: the grouped message's record names the same file")
    eq(gd.get("message_id"), g["msgid"], f"{k}: and the same Message-ID")
    check(k in gd.get("carries", []), f"{k}: the grouped message's record lists it: {gd}")
    eq(sha(os.path.join(outdir, g["file"])), gd["sha256"],
       f"{k}: the file hashes to the grouped message's record")
    rc, out, err = st.run("audit", "prove", str(r["seq"]))
    eq(rc, 0, f"{k}: its record is proved in the tree: {err}")
eq(sorted(len(queued[f"ev/digest/2017-03-09/{j}@x.example"][1]["carries"]) for j in "ab"),
   [2, 2], "each county's grouped message of 03-09 carries r0 and r1")
for name in files:
    eq(len(named.get(name, [])), 1, f"{name}: named by exactly one notice record")
    for k in named.get(name, []):
        eq(sha(os.path.join(outdir, name)), queued[k][1]["sha256"], f"{name}: hashes to {k}")
missing = [n for n in named if n not in files]
eq(missing, [], "no record names a file that is not in the outbox")

out = st.ok("audit", "verify")
check("10 .eml files match" in out, f"verify checked the ten files: {out}")
check(f"{len(queued)} stored messages" in out, f"and every notice's stored message: {out}")

# a changed .eml (a header edited, as a forger would) is named
digest_a = queued["ev/digest/2017-03-09/a@x.example"][1]["eml"]
path = os.path.join(outdir, digest_a)
shutil.copy(path, st.path("keep.eml"))
with open(path, "rb") as f:
    raw = f.read()
with open(path, "wb") as f:
    f.write(raw.replace(b"\r\nSubject: ", b"\r\nSubject: X", 1))
rc, out, err = st.run("audit", "verify")
eq(rc, 65, f"an edited .eml fails verify: {out}{err}")
check(digest_a in err and "the file was changed" in err, f"and is named: {err}")
check(str(queued["ev/digest/2017-03-09/a@x.example"][0]["seq"]) in err,
      f"with its record's sequence: {err}")
shutil.copy(st.path("keep.eml"), path)
st.ok("audit", "verify")

# a deleted .eml that its notice.sent record says was written is named
over = queued["ev/r1/b/once#overdue#0"][1]["eml"]
os.rename(os.path.join(outdir, over), st.path("gone.eml"))
rc, out, err = st.run("audit", "verify")
eq(rc, 65, f"a deleted .eml fails verify: {out}{err}")
check(over in err and "missing" in err, f"and is named: {err}")
os.rename(st.path("gone.eml"), os.path.join(outdir, over))
st.ok("audit", "verify")

# a file no record names claims to be a notice sent without one (review 12c, L8): a real
# notice copied under a new name and an empty planted one are named, the first in name
# order, with how many there are; a file being written (.NAME.eml.tmp) is not one
planted = ["20170301T010000Z-forged.eml", "20170310T010000Z-copy.eml"]
shutil.copy(os.path.join(outdir, over), os.path.join(outdir, planted[1]))
open(os.path.join(outdir, planted[0]), "w").close()
open(os.path.join(outdir, "." + over + ".tmp"), "w").close()
rc, out, err = st.run("audit", "verify")
eq(rc, 65, f"a planted .eml fails verify: {out}{err}")
check(f"outbox/{planted[0]} is named by no notice record (2 such files)" in err,
      f"the first is named, with the count: {err}")
# a backup takes the files after the database's snapshot, so it may catch the file of a
# notice queued after it, which no record of the copy names: such a file is left out of
# the copy (the copy queues and writes it again), said so, and the copy verifies; the copy
# is read for its notices without making a lock.mdb in it
copy = st.path("copy")
out = st.ok("backup", copy)
check("note: 2 .eml files of notices queued after the database's snapshot were left out"
      in out, f"the backup says what it left out: {out}")
eq(sorted(set(os.listdir(os.path.join(copy, "outbox")))
          & set(planted + [over, "." + over + ".tmp"])), [over], "the notice's file only")
check("lock.mdb" not in os.listdir(copy), f"no lock.mdb in the copy: {os.listdir(copy)}")
out = subprocess.run([BIN, "--db", copy, "audit", "verify"], capture_output=True, text=True)
eq(out.returncode, 0, f"the copy verifies: {out.stdout}{out.stderr}")
os.remove(os.path.join(outdir, planted[0]))
rc, out, err = st.run("audit", "verify")
eq(rc, 65, f"a copy of a real notice under another name fails verify: {out}{err}")
check(f"outbox/{planted[1]} is named by no notice record (1 such file)" in err, f"named: {err}")
os.remove(os.path.join(outdir, planted[1]))
out = st.ok("audit", "verify")
check("10 .eml files match" in out, f"the temporary file is not taken for a notice: {out}")
os.remove(os.path.join(outdir, "." + over + ".tmp"))

# a changed outbox record (the message audit show prints and a retry would send): one byte
# of a reminder kept only for the grouped message, changed in the store itself. The store
# keeps a message packed (store/README.md, "outbox", format 4: dictionary id, the lengths
# of the fields, of the stream and of the message as LEB128 numbers, the stream's Adler-32,
# then the fields and the unfolded message deflated raw against the dictionary, the key and
# the key's sha256 in hex): a byte flipped in the deflated bytes no longer reads back, and a
# change made as someone with the file would make one that still reads (unpacked with zlib,
# one byte changed, packed again with its new Adler-32, written back with LMDB's tools) no
# longer matches the sha256.
def dump(db, name):
    out = subprocess.run(["mdb_dump", "-s", name, db], capture_output=True, check=True,
                         text=True).stdout.splitlines()
    body = out[out.index("HEADER=END") + 1:out.index("DATA=END")]
    return {bytes.fromhex(body[i].strip()): bytes.fromhex(body[i + 1].strip())
            for i in range(0, len(body), 2)}


class Rec:
    def __init__(self, b):
        self.b, self.i = b, 0

    def take(self, n):
        self.i += n
        return self.b[self.i - n:self.i]

    def u32(self):
        return struct.unpack(">I", self.take(4))[0]

    def str(self):
        return self.take(self.u32())

    def leb(self):
        v, shift = 0, 0
        while True:
            b = self.take(1)[0]
            v |= (b & 0x7f) << shift
            shift += 7
            if not b & 0x80:
                return v


def change_outbox_byte(st, naive):
    outbox = dump(st.db, "outbox")
    key = b"ev/r0/b/once#reminder#0"
    check(key in outbox, "the reminder's stored record is in the outbox")
    r = Rec(outbox[key])
    eq(r.take(1), b"\x04", "the record is in the packed format")
    dict_id, flen, ulen, mlen = r.leb(), r.leb(), r.leb(), r.leb()
    r.take(4)                                    # the stream's Adler-32
    head = r.i
    zdict = (outbox[b"\x00d" + struct.pack(">I", dict_id)][1:] + key +
             hashlib.sha256(key).hexdigest().encode())
    stored = r.take(len(outbox[key]) - head)
    unfolded = bytearray(zlib.decompressobj(wbits=-15, zdict=zdict).decompress(stored))
    eq(len(unfolded), ulen, "the unfolded bytes are as long as the record says")
    needle = b"X-Dabiao-Key: ev/r0/b/once#reminder#0"
    pos = unfolded.find(needle, flen)
    check(pos >= 0, "the reminder's header is among its unfolded bytes")
    unfolded[pos + len(needle) - 1] = ord("7")
    z = zlib.compressobj(1, wbits=-15, zdict=zdict)
    packed = z.compress(bytes(unfolded)) + z.flush()
    adler = struct.pack(">I", zlib.adler32(bytes(unfolded)))
    if naive:
        # one byte of the deflated bytes flipped, as the old test did in data.mdb: it no
        # longer inflates to its checksum
        flipped = bytearray(stored)
        flipped[len(flipped) // 2] ^= 0x55
        packed = bytes(flipped)
    put(st, key, outbox[key][:head - 4] + (outbox[key][head - 4:head] if naive else adler) +
        packed)
    return outbox[key]


def put(st, key, val):
    """One outbox record written with LMDB's own tool."""
    with open(st.path("one.dump"), "w") as f:
        f.write("VERSION=3\nformat=bytevalue\ntype=btree\nHEADER=END\n")
        f.write(f" {key.hex()}\n {val.hex()}\nDATA=END\n")
    subprocess.run(["mdb_load", "-s", "outbox", "-f", st.path("one.dump"), st.db], check=True)


for naive in (True, False):
    how = "a byte of its deflated bytes flipped" if naive else "repacked with a byte changed"
    orig = change_outbox_byte(st, naive)
    rc, out, err = st.run("audit", "verify")
    eq(rc, 65, f"a changed outbox record ({how}) fails verify: {out}{err}")
    check("ev/r0/b/once#reminder#0" in err and "outbox record was changed" in err,
          f"and the notice is named ({how}): {err}")
    if naive:
        put(st, b"ev/r0/b/once#reminder#0", orig)
        st.ok("audit", "verify")
st.cleanup()

# ---- SMTP, one county refused: M3 (results recorded when they happened) ----
srv = Server()
srv.start()
srv.mode("reject b@x.example")
st = Store("smtp")
env = {"DABIAO_CONFIG": st.write(
    "dabiao.yaml", f"smtp: {{host: 127.0.0.1, port: {srv.port}, from: dabiao@x.example}}\n")}
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T00:00:00+08:00", env=env)
st.ok("load", st.write("p.yaml", PLAN), env=env)
st.ok("import", st.write("r.yaml", REG), env=env)
st.ok("advance", "--to", "2017-03-20T00:00:00+08:00", env=env)
recs = records(st)
queued = {}
for r in recs:
    if r["action"] == "notice.queue":
        queued[json.loads(r["details"])["key"]] = r
results = [r for r in recs if r["action"] in ("notice.sent", "notice.failed", "notice.retry")]
check(len(results) >= len(queued) - 6, f"results for the notices: {len(results)}")
for r in results:
    k = json.loads(r["details"])["key"]
    q = queued.get(k)
    check(q is not None and r["clock_time"] == q["clock_time"],
          f"{k}: its result is recorded at the instant it was queued "
          f"({q and q['clock_time']}), not later ({r['clock_time']})")
fail_b = [r for r in results if r["action"] == "notice.failed"
          and json.loads(r["details"])["key"] == "ev/digest/2017-03-09/b@x.example"]
eq(len(fail_b), 1, "乙县's grouped message of 03-09 was refused")
if fail_b:
    eq(fail_b[0]["clock_time"], at(2017, 3, 9, 9), "the refusal is recorded on 03-09 09:00")
# each delivery record is filed where its notice's queue record is (review 12c, L7): a day's
# grouped message and the admin's report of a refusal under their own keys, never in a
# county's trail as if the refused notice had been sent; each says which kind of notice
for r in results:
    d = json.loads(r["details"])
    q = queued[d["key"]]
    eq((r["task"], d["kind"]), (q["task"], json.loads(q["details"])["kind"]),
       f"{d['key']}: filed and named as its queue record")
    if d["key"].endswith("#delivery-failed") or d["kind"] == "digest":
        eq(r["task"], d["key"], f"{d['key']}: nobody's task, filed under its own key")
failed = [r for r in results if r["action"] == "notice.failed"]
check(len(failed) >= 4, f"乙县's refusals: {len(failed)}")
for r in failed:
    d = json.loads(r["details"])
    eq(d.get("reported_in"), d["key"] + "#delivery-failed", f"{d['key']}: names the admin's report")
    told = [x for x in results if json.loads(x["details"])["key"] == d["reported_in"]]
    eq([(x["action"], x["task"]) for x in told], [("notice.sent", d["reported_in"])],
       f"{d['key']}: the report was sent, filed under its own key")
# 乙县's r0 task: its 03-11 overdue notice was refused; in its trail the refusal reads as one,
# with the notice's kind, and nothing after it reads as sent
trail = st.ok("audit", "--task", "ev/r0/b/once", env=env).splitlines()[1:]
eq([x.split()[5] for x in trail if " notice." in x and "overdue" in x],
   ["notice.queue", "notice.failed"], f"r0's overdue notice: queued, refused: {trail}")
check(all(x.endswith("(overdue)") for x in trail if " notice." in x and "overdue" in x),
      f"each naming its kind: {trail}")
check(not any("delivery-failed" in x or "(digest)" in x for x in trail),
      f"no report or grouped message in the county's trail: {trail}")
admin = sorted((m for x, m in zip(srv.log(), srv.messages()) if x["rcpt_tos"] == ["admin@x.example"]),
               key=lambda m: m["Date"].datetime)
check(len(admin) >= 1, "the admin is told of the refusals")
if admin:
    # 乙县's refusals: 03-09 (grouped r0+r1 reminders), 03-11 (r0 and r1 overdue, one by
    # one), 03-16 (r2's reminder), 03-18 (r2 overdue): each told the day it happened
    eq([str(m["Date"]) for m in admin],
       ["Thu, 09 Mar 2017 09:00:00 +0800", "Sat, 11 Mar 2017 09:00:00 +0800",
        "Sat, 11 Mar 2017 09:00:00 +0800", "Thu, 16 Mar 2017 09:00:00 +0800",
        "Sat, 18 Mar 2017 09:00:00 +0800"], "each refusal is reported the day it happened")
srv.stop()
st.cleanup()
done("the audit names what went out, when it went out, and verify checks the messages")
