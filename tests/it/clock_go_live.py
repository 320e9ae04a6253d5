"""`dabiao clock --go-live`: a rehearsed virtual-clock store becomes a real-clock store,
keeping its plans, tasks, outbox and audit trail, recorded as clock.go-live; refused when
the virtual now is ahead of the wall clock (time does not run backwards), and on a store
that is real already; afterwards `advance` is refused and `run` takes over."""
import datetime as dt
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402

# ahead of the wall clock: refused, nothing changed
future = Store("future")
future.ok("init", "--clock", "virtual", "--now", "2099-01-01T00:00:00+08:00")
rc, _, err = future.run("clock", "--go-live")
eq(rc, 65, "a virtual now ahead of the wall clock is refused")
check("ahead of the wall clock" in err, f"and says so: {err}")
eq(json.loads(future.ok("clock", "--format", "json"))["mode"], "virtual", "still virtual")
future.cleanup()

st = Store()
st.changji(until="2017-03-01T00:00:00+08:00")
tasks = st.tasks()
sent = st.notices("--sent")
records = len(st.ok("audit", "export").splitlines())
rc, out, err = st.run("clock", "--go-live")
eq((rc, err), (0, ""), "a rehearsed store goes live")
check("real clock" in out and "late" in out, f"saying what run will catch up: {out}")
clock = json.loads(st.ok("clock", "--format", "json"))
eq(clock["mode"], "real", "the store runs on the real clock")
now = dt.datetime.now(dt.timezone.utc).timestamp()
check(abs(clock["now_unix"] - now) < 300, "its now is the wall clock")
eq(st.tasks(), tasks, "the tasks stay as rehearsed")
eq(st.notices("--sent"), sent, "the outbox stays")
export = st.ok("audit", "export").splitlines()
eq(len(export), records + 1, "one audit record more")
last = json.loads(export[-1])
eq((last["action"], last["from_state"], last["to_state"]), ("clock.go-live", "virtual", "real"),
   "recorded as clock.go-live")
details = json.loads(last["details"])
eq(details["virtual_now"], 1488297600, "with the rehearsal's now (2017-02-28T16:00:00Z)")
check(details["late"] > 0, "and how many entries fell due since")
eq(st.run("audit", "verify")[0], 0, "the audit log verifies")
eq(st.run("clock", "--go-live")[0], 65, "going live twice is refused")
eq(st.run("advance", "--to", "2030-01-01T00:00:00+08:00")[0], 64, "advance is for virtual stores")
st.cleanup()
done("clock --go-live turns a rehearsal into the real thing, never backwards")
