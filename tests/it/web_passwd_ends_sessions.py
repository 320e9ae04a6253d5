"""`user passwd` is what the IT officer does after a suspected break-in (review of issue 11,
F22): it ends every session of the account at once and voids its API token, says so, and
the audit record counts them; another account's session and token keep working. `user
disable` does the same (review 11b, m3), so enabling the account again revives neither."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402
from web_it import PASSWORD, Client, Server, setup_store  # noqa: E402

st = Store()
setup_store(st)
token = st.ok("user", "token", "county1").strip()
other_token = st.ok("user", "token", "county2").strip()
srv = Server(st)
a, b, c = Client(srv.base), Client(srv.base), Client(srv.base)
eq(a.login("county1")[0], 303, "county1 logs in in one browser")
eq(b.login("county1")[0], 303, "and in another")
eq(c.login("county2")[0], 303, "county2 logs in")
eq(a.get("/tasks")[0], 200, "county1's first session works")
eq(b.get("/tasks")[0], 200, "and its second")
bearer = {"Authorization": f"Bearer {token}"}
eq(a.req("GET", "/api/tasks", headers=bearer)[0], 200, "county1's API token works")

pw = st.write("new.pw", "a new long password\n")
out = st.ok("user", "passwd", "county1", "--password-file", pw)
check("2 sessions ended" in out and "API token void" in out,
      f"user passwd says it ended 2 sessions and voided the token: {out!r}")

status, hdrs, _ = a.get("/tasks")
eq((status, hdrs["Location"]), (303, "/login"), "the first session is over: to the login page")
eq(b.get("/tasks")[0], 303, "so is the second")
status, _, _ = a.req("GET", "/api/tasks", headers=bearer)
eq(status, 401, "the old API token is refused")
eq(c.get("/tasks")[0], 200, "county2's session is untouched")
eq(c.req("GET", "/api/tasks", headers={"Authorization": f"Bearer {other_token}"})[0], 200,
   "and its token")
eq(a.login("county1", PASSWORD)[0], 401, "the old password no longer logs in")
eq(a.login("county1", "a new long password")[0], 303, "the new one does")
eq(a.get("/tasks")[0], 200, "and its session works")

recs = [json.loads(x)["record"] for x in st.ok("audit", "--format", "jsonl").splitlines()]
pwd = [r for r in recs if r["action"] == "user.passwd"]
eq(len(pwd), 1, "one user.passwd record")
details = pwd[0]["details"]
details = json.loads(details) if isinstance(details, str) else details
eq((details["sessions_ended"], details["token_voided"]), (2, True),
   "it counts the sessions ended and says the token was voided")

out = st.ok("user", "passwd", "county1", "--password-file", pw)
check("1 session ended" in out and "token" not in out,
      f"a second change: the one new session, no token to void: {out!r}")

# five failures lock this address out of county2, not the account (review 11b, M2):
# `user list` shows it active, with its failures counted
for i in range(5):
    Client(srv.base).login("county2", "wrong password")
eq(Client(srv.base).login("county2")[0], 423, "five failures lock this address out of county2")
eq([(u["state"], u["locked_until"], u["failures"])
    for u in json.loads(st.ok("user", "list", "--format", "json")) if u["login"] == "county2"],
   [("active", None, 5)], "user list: the account is active, five failures counted")
# `user disable` ends them too, so `--enable` brings back neither the sessions nor the token
# someone may have taken (review 11b, m3: they came back)
d = Client(srv.base)
eq(d.login("officer")[0], 303, "officer logs in")
otoken = st.ok("user", "token", "officer").strip()
obearer = {"Authorization": f"Bearer {otoken}"}
eq((d.get("/")[0], d.req("GET", "/api/tasks", headers=obearer)[0]), (200, 200),
   "its session and token work")
out = st.ok("user", "disable", "officer")
check("1 session ended" in out and "API token void" in out,
      f"user disable says it ended the session and voided the token: {out!r}")
st.ok("user", "disable", "officer", "--enable")
eq(d.get("/")[0], 303, "enabled again, the old session is still over")
eq(d.req("GET", "/api/tasks", headers=obearer)[0], 401, "and the old token still refused")
dis = [json.loads(x)["record"] for x in st.ok("audit", "--format", "jsonl").splitlines()]
dis = [json.loads(r["details"]) for r in dis if r["action"] == "user.disable"]
eq([(x["sessions_ended"], x["token_voided"]) for x in dis], [(1, True)],
   "the user.disable record counts them")
eq(d.login("officer")[0], 303, "the account logs in afresh")
srv.stop()
st.cleanup()
done("user passwd and user disable end the account's sessions and void its API token")
