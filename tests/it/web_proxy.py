"""Behind nginx every peer is 127.0.0.1 (review of issue 11, F5): with web.trusted_proxies the
client's address is the last X-Forwarded-For entry that is not a trusted proxy, so twenty
failed logins from one client answer 429 to that client only, the audit names its address,
and what a client writes into the header itself is never believed. Without the setting the
header is ignored. The entries are matched as the server sees addresses: listening on [::],
an IPv4 client is ::ffff:127.0.0.1, which `127.0.0.1` must still match (it did not: the
header was then ignored), and a CIDR range matches either form."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402
from web_it import Client, Server, setup_store  # noqa: E402

ATTACKER, USER = "203.0.113.7", "198.51.100.9"
st = Store()
setup_store(st)

bad = st.write("bad.yaml", "web:\n  trusted_proxies: [localhost]\n")
status, _, err = st.run("--config", bad, "status")
eq(status, 78, "a proxy given by name is a configuration error")
check("bad.yaml:2:" in err and "web.trusted_proxies" in err, f"naming where: {err}")

cfg = st.write("web.yaml", "web:\n  trusted_proxies: [127.0.0.1]\n")
srv = Server(st, config=cfg)


def login(who, password, xff):
    c = Client(srv.base)
    c.get("/login")
    return c.post("/login", {"login": who, "password": password},
                  headers={"X-Forwarded-For": xff} if xff else None)[0]


for i in range(20):  # the throttle: 20 failures per address in 15 minutes
    eq(login(f"nobody{i}", "wrong password", ATTACKER), 401,
       f"failure {i + 1} from the attacker")
eq(login("nobody", "wrong password", ATTACKER), 429, "the 21st from that address is held off")
eq(login("officer", "correct horse battery", ATTACKER), 429,
   "even with a right password, from that address")
# nginx appends what it saw; what the attacker wrote itself is to its left
eq(login("officer", "correct horse battery", f"{USER}, {ATTACKER}"), 429,
   "writing another address in front does not help the attacker")
eq(login("officer", "correct horse battery", USER), 303,
   "another client behind the same proxy logs in")
eq(login("officer", "correct horse battery", f"{ATTACKER}, {USER}"), 303,
   "the last entry is the client, whatever comes before it")
eq(login("officer", "correct horse battery", "not-an-address"), 303,
   "a malformed header leaves the proxy's own address, which is not held off")

recs = [json.loads(x)["record"] for x in st.ok("audit", "--format", "jsonl").splitlines()]
addrs = set()
for r in recs:
    if r["action"] == "web.login_failed":
        d = json.loads(r["details"]) if isinstance(r["details"], str) else r["details"]
        addrs.add(d["address"])
eq(addrs, {ATTACKER}, "every failure is audited with the attacker's address")
srv.stop()

# without trusted_proxies the header is not believed: everyone behind is one address
srv = Server(st)
for i in range(20):
    eq(login(f"nobody{i}", "wrong password", f"192.0.2.{i}"), 401,
       f"failure {i + 1}, a different X-Forwarded-For each time")
eq(login("officer", "correct horse battery", USER), 429,
   "without the setting the header is ignored: the peer 127.0.0.1 is held off")
srv.stop()
# the throttle is kept in the store, so a restart keeps 127.0.0.1 held off; the forms below
# count their failures on a store of their own
srv = Server(st)
eq(login("officer", "correct horse battery", USER), 429, "a restart keeps it held off")
srv.stop()
st.cleanup()
st = Store()
setup_store(st)


def last_failed_address():
    out = st.ok("audit", "--format", "jsonl").splitlines()
    for line in reversed(out):
        r = json.loads(line)["record"]
        if r["action"] == "web.login_failed":
            d = json.loads(r["details"]) if isinstance(r["details"], str) else r["details"]
            return d["address"]
    return None


# (trusted_proxies, listen on [::], believed): the client 127.0.0.1 is the proxy
FORMS = [
    ("[127.0.0.1]", True, True),             # the server sees ::ffff:127.0.0.1
    ("['::ffff:127.0.0.1']", True, True),
    ("['::ffff:127.0.0.1']", False, True),   # the mapped form matches plain IPv4 too
    ("[127.0.0.0/8]", True, True),
    ("[127.0.0.0/8]", False, True),
    ("['::ffff:127.0.0.0/104']", False, True),
    ("[127.0.0.2]", True, False),
    ("['fd00::/8', 10.0.0.0/8]", False, False),
]
for i, (proxies, any_address, believed) in enumerate(FORMS):
    cfg = st.write(f"form{i}.yaml", f"web:\n  trusted_proxies: {proxies}\n")
    srv = Server(st, config=cfg, any_address=any_address)
    client = f"198.51.100.{100 + i}"
    eq(login(f"form{i}", "wrong password", client), 401, f"a failure through {proxies}")
    # not believed: the proxy's own address, written as IPv4 however it arrived
    eq(last_failed_address(), client if believed else "127.0.0.1",
       f"trusted_proxies {proxies}, listening on {'[::]' if any_address else '127.0.0.1'}")
    srv.stop()
st.cleanup()
done("X-Forwarded-For believed only from web.trusted_proxies")
