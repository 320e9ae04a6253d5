"""A web submission is dated when its request arrived, not when the store let it commit
(review 11b, H2; docs/web.md, "When a submission counts"): a county's complete request
reaches the web before its deadline while the store's one writer is held by someone else
(here LMDB's own `mdb_load`, which holds a write transaction while it waits for input;
in life `run` applying a burst of lapses, or other submissions queued); the writer is
let go only after the deadline has passed and `run` has tried to lapse the task. The
submission is on time: its record's `at` is the arrival, `late` false, both instants in the
record (`received_at`, `recorded_at`), the task not lapsed — and if `run` got the writer
first and applied the lapse, the submission voided it."""
import datetime
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import zoneinfo

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import BIN, Store, check, done, eq, fail, start_daemon  # noqa: E402
from web_it import PASSWORD, Server, multipart, one_county_plan, one_county_store  # noqa: E402

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
TASK = "arr/m1/j1/once"


def plan(due):
    """Version 1 has only the roles' milestone far away (accounts need the roles); the
    version with the deadline under test is loaded once everything slow is done."""
    ms = ["{id: m0, title: 远期, owner: county_epb, for: each jurisdiction, due: 2099-01-01}"]
    if due:
        ms.append("{id: m1, title: 名录, owner: county_epb, for: each jurisdiction, "
                  f"submit_to: supervision, due: \"{due}\"}}")
    return one_county_plan("arr", "到达时间", ms, extra="grace: 0d\n")


st = Store()
one_county_store(st, plan(None), clock=("--clock", "real", "--tz", "Asia/Shanghai"))
st.ok("user", "add", "c1", "--role", "county_epb", "--subject", "j1",
      "--password-file", st.write("pw", PASSWORD + "\n"))
token = st.ok("user", "token", "c1").strip()
run = start_daemon(st)
srv = Server(st)

# the deadline: 20 s from now, a whole second (plans give local times)
deadline = int(time.time()) + 20
due = datetime.datetime.fromtimestamp(deadline, ZONE).strftime("%Y-%m-%dT%H:%M:%S")
st.ok("load", st.write("p2.yaml", plan(due)))
eq([t["key"] for t in st.tasks("--milestone", "m1")], [TASK], "the task under test exists")

# hold the store's writer: mdb_load begins its write transaction after the header and
# then waits for records on the pipe (killed later: its transaction is aborted, LMDB's
# robust lock passes on, nothing of it is kept)
fifo = st.path("hold")
os.mkfifo(fifo)
hold = subprocess.Popen(["mdb_load", "-s", "web9hold", "-f", fifo, st.db])
pipe = open(fifo, "w")
pipe.write("VERSION=3\nformat=bytevalue\ntype=btree\nHEADER=END\n")
pipe.flush()
# the writer is held once a dabiao write cannot get it (`user disable` of no account
# changes nothing, but asks for the writer first: 65 when it got it, killed when it waits)
for _ in range(100):
    probe = subprocess.run(["timeout", "3", BIN, "--db", st.db, "user", "disable", "nobody"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if probe.returncode != 65:
        break
    time.sleep(0.1)
eq(probe.returncode, 124, "mdb_load holds the store's writer (a write waits for it)")

body, ctype = multipart([("by", "甲县李")], [("file", "名录.pdf", b"%PDF-1.4 arrival", "application/pdf")])
request = (f"POST /api/tasks/{TASK}/submit HTTP/1.1\r\nHost: x\r\n"
           f"Authorization: Bearer {token}\r\nContent-Type: {ctype}\r\n"
           f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body
sock = socket.create_connection(("127.0.0.1", srv.port), timeout=600)
sock.sendall(request)
sent = time.time()
if sent >= deadline - 2:
    fail(f"the request was sent {sent - deadline:.1f} s from the deadline, not well before it "
         "(set-up too slow?): nothing to learn")
answer = bytearray()


def read_answer():
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return
        answer.extend(chunk)


reader = threading.Thread(target=read_answer)
reader.start()
# past the deadline, and time for `run` to wake and wait for the writer too
while time.time() < deadline + 3:
    time.sleep(0.2)
check(not answer, "no answer while the writer is held (the submission waits for its commit)")
hold.send_signal(signal.SIGKILL)
hold.wait()
pipe.close()
reader.join(timeout=300)
sock.close()
head = bytes(answer).split(b"\r\n", 1)[0].decode()
check(" 201 " in head, f"the submission is answered 201 once the writer is free: {head!r}")

recs = [json.loads(x)["record"] for x in st.ok("audit", "--format", "jsonl").splitlines()]
subs = [r for r in recs if r["action"] == "task.submit" and r["task"] == TASK]
eq(len(subs), 1, "one submission recorded")
if subs:
    d = json.loads(subs[0]["details"])
    at = datetime.datetime.fromisoformat(d["at"]).timestamp()
    check(at <= sent + 1, f"dated when it arrived ({d['at']}), not later than it was sent "
          f"({datetime.datetime.fromtimestamp(sent, ZONE).isoformat()})")
    check(at <= deadline, f"dated before the deadline {due}: {d['at']}")
    eq(d["late"], False, "the submission is not late")
    eq(d.get("received_at"), d["at"], "the record says when it was received")
    rec_at = datetime.datetime.fromisoformat(d.get("recorded_at", "1970-01-01T00:00:00+00:00"))
    check(rec_at.timestamp() > deadline, f"and when it was recorded, after the deadline: {rec_at}")
    check(subs[0]["real_time"] > deadline, "the record was written after the deadline")
    lapses = [r for r in recs if r["action"] == "task.lapse" and r["task"] == TASK]
    if lapses:  # `run` got the writer first: the lapse was no lapse
        check(lapses[0]["seq"] < subs[0]["seq"], "the lapse before the submission")
        eq(d.get("voids_lapse"), True, "the submission voids the lapse `run` applied meanwhile")
t = st.tasks("--milestone", "m1")
eq([x["late"] for x in t], [False], "the task is not late (nor lapsed)")
eq([x["state"] for x in t], ["submitted"], "the task is submitted")

run.send_signal(signal.SIGTERM)
eq(run.wait(timeout=60), 0, "run stops on SIGTERM")
srv.stop()
st.cleanup()
done("a web submission that arrived before its deadline is on time, however long it waited "
     "for the store's writer")
