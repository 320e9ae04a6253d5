"""The login lockout holds the guessing address, not the account (review 11b, M2; docs/web.md
"Login"): five wrong passwords for an account from one address lock that address out of
that account for 15 minutes (423, even with the right password, and no password checked),
while the account's owner logs in from any other address; an unknown login locks the same
way (the answers do not tell which logins exist); an IPv6 client is counted by its /64
(it holds 2^64 addresses to rotate through). The counts are in the store: a restart of the
web keeps an address locked out (and counting), and a login that succeeds forgets its
address's failures. Addresses come through a trusted proxy's X-Forwarded-For, as behind
nginx."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402
from web_it import PASSWORD, Client, Server, setup_store  # noqa: E402

ATTACKER, OWNER = "203.0.113.7", "198.51.100.9"
st = Store()
setup_store(st)
srv = Server(st, config=st.write("web.yaml", "web:\n  trusted_proxies: [127.0.0.1]\n"))


def login(who, password, addr):
    c = Client(srv.base)
    c.get("/login")
    return c.post("/login", {"login": who, "password": password},
                  headers={"X-Forwarded-For": addr})[0]


def records(action):
    out = []
    for x in st.ok("audit", "--format", "jsonl").splitlines():
        r = json.loads(x)["record"]
        if r["action"] == action:
            out.append((r["actor"], json.loads(r["details"])))
    return out


# the attacker guesses the leader's password: the fifth failure locks that address out
eq([login("leader", f"guess {i}", ATTACKER) for i in range(5)], [401] * 4 + [423],
   "five wrong passwords from one address: the fifth is 423")
eq(login("leader", PASSWORD, ATTACKER), 423, "that address is refused even the right password")
eq(login("leader", PASSWORD, OWNER), 303, "the leader logs in from another address meanwhile")
eq(login("leader", PASSWORD, ATTACKER), 423, "and the attacker's address stays locked out")
eq(login("officer", PASSWORD, ATTACKER), 303,
   "the attacker's address is locked out of that account only")
lock = [d for a, d in records("web.lockout") if d["login"] == "leader"]
eq(len(lock), 1, "the lockout is audited once")
if lock:
    eq((lock[0]["address"], lock[0]["scope"], lock[0]["minutes"]), (ATTACKER, "address", 15),
       "naming the address it holds, for 15 minutes")
eq([u["state"] for u in json.loads(st.ok("user", "list", "--format", "json"))
    if u["login"] == "leader"], ["active"], "the account itself is not locked")

# an unknown login answers exactly as a known one: five failures lock, then 423
eq([login("zhangsan", f"guess {i}", ATTACKER) for i in range(6)], [401] * 4 + [423] * 2,
   "an unknown login locks alike (no oracle of which logins exist)")

# IPv6: counted by /64, so rotating the last 64 bits does not reset the count
net, other = "2001:db8:1:2::", "2001:db8:1:3::1"
eq([login("officer", f"guess {i}", f"{net}{i + 10:x}") for i in range(5)], [401] * 4 + [423],
   "five failures from five addresses of one /64 lock that /64")
eq(login("officer", PASSWORD, f"{net}ffff"), 423, "any address of that /64 is locked out")
eq(login("officer", PASSWORD, other), 303, "another /64 logs in")

# a restart of the web forgets nothing: the locked address stays locked, a half-counted
# one keeps its count
HALF = "192.0.2.44"
eq([login("officer", f"guess {i}", HALF) for i in range(3)], [401] * 3,
   "three failures from another address: not yet locked")
conf = srv.p.args[srv.p.args.index("--config") + 1]
srv.stop()
srv = Server(st, config=conf)
eq(login("leader", PASSWORD, ATTACKER), 423, "after a restart the attacker's address is locked out")
eq(login("leader", PASSWORD, OWNER), 303, "and the leader still logs in from elsewhere")
eq([login("officer", f"guess {i}", HALF) for i in range(2)], [401, 423],
   "the half-counted address locks at its fifth failure, counted across the restart")
# a success forgets its address's failures for that login
OK_ADDR = "192.0.2.45"
eq([login("officer", f"guess {i}", OK_ADDR) for i in range(4)], [401] * 4, "four failures")
eq(login("officer", PASSWORD, OK_ADDR), 303, "then the right password from the same address")
eq([login("officer", f"guess {i}", OK_ADDR) for i in range(4)], [401] * 4,
   "and the count starts again: four more failures do not lock")

fails = [d for a, d in records("web.login_failed")]
check(all(a == "web:?" for a, _ in records("web.login_failed")),
      "failures are the anonymous client's doing (web:?)")
eq(sum(1 for d in fails if d.get("reason") == "locked" and d["login"] == "leader"), 3,
   "the refusals while locked (two, and one after the restart) are audited as such")
srv.stop()
st.cleanup()
done("the login lockout holds the guessing address (an IPv6 /64), never the account's owner")
