"""What the web queues is delivered by whoever serves the store (docs/web.md, "Delivery of
what the web queues"): with `dabiao run` holding the store, a county's submission through
the API answers at once and the daemon delivers its receipt (the notice.sent record is the
daemon's, not the web's); once `run` has stopped, the web delivers the next receipt itself
before it answers."""
import datetime
import json
import os
import signal
import subprocess
import sys
import time
import zoneinfo

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import BIN, Store, eq, check, done  # noqa: E402
from web_it import PASSWORD, Client, Server, one_county_plan, one_county_store  # noqa: E402

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
due = (datetime.datetime.now(ZONE) + datetime.timedelta(days=3)).strftime("%Y-%m-%d")
PLAN = one_county_plan("wdm", "投递测试", [
    f"{{id: m1, title: 名录, owner: county_epb, for: each jurisdiction, due: {due}}}",
    f"{{id: m2, title: 台帐, owner: county_epb, for: each jurisdiction, due: {due}}}"])

st = Store()
one_county_store(st, PLAN, clock=("--clock", "real"))
st.ok("user", "add", "county1", "--role", "county_epb", "--subject", "j1",
      "--password-file", st.write("pw", PASSWORD + "\n"))
token = st.ok("user", "token", "county1").strip()


def records():
    return [json.loads(x)["record"] for x in st.ok("audit", "--format", "jsonl").splitlines()]


os_actor = [r for r in records() if r["action"] == "plan.load"][0]["actor"]
srv = Server(st)
api = Client(srv.base)
auth = {"Authorization": f"Bearer {token}"}


def submit(task):
    status, _, body = api.post(f"/api/tasks/{task}/submit", [("by", "甲县李")], files=[],
                               headers=auth)
    eq(status, 201, f"{task} submitted through the API: {body}")
    return f"{task}#receipt#{json.loads(body)['receipt']}"


def sent_record(key):
    for r in records():
        if r["action"] == "notice.sent" and json.loads(r["details"]).get("key") == key:
            return r
    return None


# ---- with `run` serving the store ----
log = open(st.path("run.log"), "w")
env = dict(os.environ)
env.pop("DABIAO_SMTP", None)
run = subprocess.Popen([BIN, "--db", st.db, "run"], stdout=log, stderr=subprocess.STDOUT,
                       env=env)
lock = os.path.join(st.db, "daemon.lock")
deadline = time.time() + 30
while time.time() < deadline and not (os.path.exists(lock) and os.path.getsize(lock) > 0):
    time.sleep(0.1)
check(os.path.exists(lock), "run holds the store's lock")
key1 = submit("wdm/m1/j1/once")
deadline = time.time() + 60
while time.time() < deadline and sent_record(key1) is None:
    time.sleep(0.2)
rec = sent_record(key1)
check(rec is not None, "the daemon delivered the receipt")
if rec:
    eq(rec["actor"], os_actor, "the receipt's delivery is the daemon's (the system's user)")
    check(rec["actor"] != "dabiao", "not the web's")
run.send_signal(signal.SIGTERM)
eq(run.wait(timeout=60), 0, "run stops on SIGTERM")
log.close()

# ---- without it, the web delivers before it answers ----
key2 = submit("wdm/m2/j1/once")
rec = sent_record(key2)
check(rec is not None, "the web delivered the second receipt before answering")
if rec:
    eq(rec["actor"], "dabiao", "the delivery is the web's own (the engine's actor)")
eq(len([n for n in st.outbox() if "receipt" in n]), 2, "two receipts as .eml files")

srv.stop()
st.cleanup()
done("the web's notices: the daemon delivers them while it runs, the web when it does not")
