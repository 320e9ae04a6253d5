"""`user passwd` says what it does (review 11d, W15): it used to print "lock lifted" while an
address locked out of the account after five failed logins stayed locked (423) with the new
password. The account is never locked (docs/web.md, "Login"), so the command now says the
address's lock holds until its 15 minutes pass — and it does."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402
from web_it import Client, Server, setup_store  # noqa: E402

st = Store()
setup_store(st)
srv = Server(st)
try:
    c = Client(srv.base)
    got = [c.login("leader", password="wrong password!")[0] for _ in range(5)]
    eq(got[-1], 423, f"five failures lock this address out of the account: {got}")
    out = st.ok("user", "passwd", "leader", "--password-file", st.write("new", "新的长密码123456\n"))
    check("lock lifted" not in out, f"passwd claims no lifted lock: {out!r}")
    check("stays locked until its 15 minutes pass" in out, f"it says the lock holds: {out!r}")
    eq(Client(srv.base).login("leader", password="新的长密码123456")[0], 423,
       "and so it does: the new password from the locked address is 423")
finally:
    srv.stop()
st.cleanup()
done("user passwd says an address's lockout holds, as it does")
