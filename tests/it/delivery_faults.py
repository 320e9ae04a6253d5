"""Delivery under faults, on a virtual clock (issue 9, defects 3 and 8, and the harness's
faults): nothing sent twice, nothing lost, the scheduler never stopped.
A. the map fills mid-batch (a 2 MiB first map, which the set-up fits and the notices do not): every notice reaches the server once, and
   as .eml files once each;
B. three digest keys that differ only in '_', '#' and '/' get three .eml files;
D. 452 for one recipient of three: the two get it once, the third after the retry;
E. the server takes the whole message and drops before its final reply: retried, the
   repeat carries the same Message-ID, one notice.sent record;
F. a server that stalls past the timeout holds a batch for seconds, not minutes;
G. the .eml folder full (a small tmpfs, or a loop-mounted image; skipped with the reason
   when this machine allows neither): advance still applies every deadline, the notices
   wait with "No space left on device", and go out once space is back."""
import collections
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402
from smtp_delivery_lib import Server  # noqa: E402
import backlog  # noqa: E402

PLAN3 = """\
plan: f
title: 故障
timezone: Asia/Shanghai
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  supervision: {title: 支队}
  monitoring: {title: 监测}
escalations:
  e:
    - {after: 1d, kind: overdue, notify: [owner, supervision, monitoring]}
phases:
  - id: p
    title: 阶段
    milestones:
      - id: m
        title: 报表
        owner: county_epb
        for: each jurisdiction
        due: 2017-02-15
        escalate: e
"""


def reg3(n, extra=""):
    return ("jurisdictions:\n" + "".join(
        f"  - {{id: j{i}, name: 县{i}, kind: county, email: [j{i}@x.example]}}\n"
        for i in range(n)) + extra +
        "offices:\n  supervision: [s@x.example]\n  monitoring: [m@x.example]\n"
        "  admin: [admin@x.example]\n")


def virtual(st, reg, env=None, plan=PLAN3):
    st.ok("init", "--clock", "virtual", "--now", "2017-02-01T00:00:00+08:00", env=env)
    st.ok("load", st.write("p.yaml", plan), env=env)
    st.ok("import", st.write("r.yaml", reg), env=env)


def keys_at_server(srv):
    return [backlog.message_key(srv.dir, i + 1) for i in range(len(srv.log()))]


T0 = time.time()


def lap(what):
    print(f"{what}: {time.time() - T0:.1f} s")


# A. map full in a batch, SMTP and .eml
N = 1500
srv = Server()
srv.start()
FIRST_MAP = 2 * 1024 * 1024
env = {"DABIAO_SMTP": f"smtp://127.0.0.1:{srv.port}", "DABIAO_STORE_MAPSIZE": str(FIRST_MAP)}
st = Store("mapfull")
virtual(st, reg3(N), env)
check(os.path.getsize(os.path.join(st.db, "data.mdb")) <= FIRST_MAP,
      "the set-up fits the first map, so it is the advance's batch that fills it")
st.ok("advance", "--to", "2017-02-17T00:00:00+08:00", env=env)
got = collections.Counter(keys_at_server(srv))
eq(len(got), N, "map full, SMTP: every notice reached the server")
eq(max(got.values()), 1, "map full, SMTP: none twice (the replayed-batch defect)")
eq(sum(backlog.sent_keys(backlog.audit(st, env)).values()), N, "one notice.sent each")
check(os.path.getsize(os.path.join(st.db, "data.mdb")) > FIRST_MAP, "the map did grow")
eq(st.run("audit", "verify", env=env)[0], 0, "the audit log verifies")
srv.stop()
lap("A, SMTP")
st2 = Store("mapfull-eml")
env2 = {"DABIAO_STORE_MAPSIZE": str(FIRST_MAP)}
virtual(st2, reg3(N), env2)
rc, out, err = st2.run("advance", "--to", "2017-02-17T00:00:00+08:00", env=env2)
eq(rc, 0, f"map full, .eml: advance succeeds: {err[-300:]}")
eq(len(st2.outbox()), N, "map full, .eml: one file per notice")
eq(backlog.count(st2, env2, "--sent"), N, "all marked sent")

lap("before B")
# B. .eml names that cannot collide
st = Store("names")
cfg = st.write("cfg.yaml", "digest: [county_epb]\n")
envb = {"DABIAO_CONFIG": cfg}
virtual(st, "jurisdictions:\n"
        "  - {id: j1, name: 县1, kind: county, email: [\"a_b@x.example\"]}\n"
        "  - {id: j2, name: 县2, kind: county, email: [\"a#b@x.example\"]}\n"
        "  - {id: j3, name: 县3, kind: county, email: [\"a/b@x.example\"]}\n"
        "offices:\n  supervision: [s@x.example]\n  monitoring: [m@x.example]\n"
        "  admin: [admin@x.example]\n", envb)
st.ok("advance", "--to", "2017-02-18T00:00:00+08:00", env=envb)
eq(st.ok("deliver", env=envb).strip(),
   "delivered 0 notices (as .eml files: no SMTP server configured)", "deliver after it")
digests = [n for n in st.outbox() if "digest" in n]
eq(len(digests), 3, f"three digests, three files: {st.outbox()}")
eq(backlog.count(st, envb, "--pending"), 0, "nothing left pending")

lap("before D")
# D. 452 for one recipient of three
srv = Server()
srv.start()
srv.mode("tempreject s@x.example")
env = {"DABIAO_SMTP": f"smtp://127.0.0.1:{srv.port}"}
st = Store("452")
virtual(st, reg3(1), env)
st.ok("advance", "--to", "2017-02-16T09:00:30+08:00", env=env)
out = st.ok("outbox", "--retrying", env=env)
check("s@x.example" in out and "452" in out, f"the refused recipient waits: {out}")
srv.mode("ok")
st.ok("advance", "--to", "2017-02-16T09:10:00+08:00", env=env)
rcpts = collections.Counter(r for x in srv.log() for r in x["rcpt_tos"])
eq(dict(rcpts), {"j0@x.example": 1, "m@x.example": 1, "s@x.example": 1},
   "each recipient got it once")
eq(backlog.count(st, env, "--sent"), 1, "then sent")
sent = backlog.outbox_json(st, env, "--sent")
eq(sent[0]["attempts"], 2, "sent at the second attempt")
eq(sent[0]["answers"], [], "the outbox no longer lists the refusal the retry got past")
srv.stop()

lap("before E")
# E. DATA taken, connection dropped before the final reply
srv = Server()
srv.start()
srv.mode("dropdata")
env = {"DABIAO_SMTP": f"smtp://127.0.0.1:{srv.port}"}
st = Store("dropdata")
virtual(st, reg3(1), env)
st.ok("advance", "--to", "2017-02-16T09:00:30+08:00", env=env)
check("retrying" in st.ok("outbox", "--retrying", env=env), "no final reply: retrying")
srv.mode("ok")
st.ok("advance", "--to", "2017-02-16T09:10:00+08:00", env=env)
ids = [x["message_id"] for x in srv.log()]
eq(len(ids), 2, "the server holds the message twice (it never said it took the first)")
eq(len(set(ids)), 1, "the repeat carries the same Message-ID")
recs = backlog.audit(st, env)
eq(sum(1 for r in recs if r["action"] == "notice.sent"), 1, "one notice.sent record")
eq(sum(1 for r in recs if r["action"] == "notice.retry"), 1, "one notice.retry record")
srv.stop()

lap("before F")
# F. a stalled server: the batch ends with the timeout, the notice waits
srv = Server()
srv.start()
srv.mode("stall 60")
st = Store("stall")
cfgf = st.write("cfg.yaml", f"smtp:\n  host: 127.0.0.1\n  port: {srv.port}\n"
                            "  security: none\n  from: d@x.example\n  timeout: 2s\n")
env = {"DABIAO_CONFIG": cfgf}
virtual(st, reg3(3), env)
t0 = time.time()
st.ok("advance", "--to", "2017-02-16T09:00:30+08:00", env=env)
took = time.time() - t0
print(f"stalled server: advance took {took:.1f} s")
check(took < 20, f"a stalled server holds advance for seconds, not minutes: {took:.1f} s")
eq(backlog.count(st, env, "--retrying"), 3, "the notices wait")
srv.stop()


lap("before G")
# G. the .eml folder full
def small_fs(path):
    """Mounts a 256 KiB file system on path: tmpfs, else a loop-mounted ext2 image.
    Returns (how, undo) or (None, reason)."""
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", path],
                       capture_output=True, text=True)
    if r.returncode == 0:
        return "tmpfs", lambda size: subprocess.run(
            ["mount", "-o", f"remount,size={size}", path], check=True)
    why = r.stderr.strip()
    img = path + ".img"
    r = subprocess.run(f"truncate -s 256k {img} && mkfs.ext2 -q -F {img} && "
                       f"mount -o loop {img} {path}", shell=True, capture_output=True,
                       text=True)
    if r.returncode == 0:
        def grow(size):
            subprocess.run(["umount", path], check=True)
            subprocess.run(f"truncate -s 16m {img} && resize2fs -f {img} >/dev/null 2>&1 "
                           f"&& mount -o loop {img} {path}", shell=True, check=True)
        return "loop", grow
    return None, f"tmpfs: {why}; loop image: {r.stderr.strip()}"


st = Store("enospc")
virtual(st, reg3(200))
outdir = os.path.join(st.db, "outbox")
how, undo = small_fs(outdir)
if how is None:
    print(f"SKIPPED the full .eml folder case: cannot mount a small file system here ({undo})")
else:
    try:
        os.chmod(outdir, 0o700)
        rc, out, err = st.run("advance", "--to", "2017-02-17T00:00:00+08:00")
        eq(rc, 0, f"a full .eml folder does not stop advance: {err[-300:]}")
        eq(sorted({t["state"] for t in st.tasks()}), ["overdue"], "every deadline applied")
        waiting = st.ok("outbox", "--retrying")
        check("No space left on device" in waiting, "the notices wait, saying why")
        written = len(st.outbox())
        check(0 < written < 200, f"some files fit, not all: {written}")
        undo("16m")
        st.ok("advance", "--to", "2017-02-17T02:00:00+08:00")
        eq(len(st.outbox()), 200, f"({how}) space back: every notice written once")
        eq(backlog.count(st, None, "--sent"), 200, "and marked sent")
        eq([f for f in os.listdir(outdir) if f.startswith(".") and f != "lost+found"], [],
           "no temporary file left")
        print(f"full .eml folder on a {how} file system: {written} of 200 fitted first")
    finally:
        subprocess.run(["umount", outdir])
        if os.path.exists(outdir + ".img"):
            os.unlink(outdir + ".img")

st.cleanup()

lap("before H")
# H. a notice that cannot be built: failed, and the outbox says why to each recipient
st = Store("unbuilt")
empty = st.path("no-templates")
os.mkdir(empty)
envh = {"DABIAO_TEMPLATES": empty}
virtual(st, reg3(1), envh)
st.ok("advance", "--to", "2017-02-16T09:00:30+08:00", env=envh)
failed = backlog.outbox_json(st, envh, "--failed")
check(len(failed) > 0, f"notices with no template are failed: {failed}")
for n in failed:
    eq(sorted(a.split(": ", 1)[0] for a in n["answers"]), sorted(n["to"]),
       f"{n['key']}: an answer for each recipient")
    check(all("template" in a for a in n["answers"]),
          f"{n['key']}: the answer names the missing template: {n['answers']}")
st.cleanup()
lap("end")
done("delivery faults: map full, names, 452, drop after DATA, stall, full disk, unbuilt")
