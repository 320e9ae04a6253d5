"""HEAD is answered as GET, without the body (review 11d, W3; docs/web.md "only GET, HEAD and
POST"): an anonymous HEAD / is sent to the login page as GET is (it was 401), a task page
with a session is 200 (it was 405), and a receipt's own address is 200 (it was 404: a link
checker reported the county's evidence link as dead)."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402
from web_it import Client, Server, hand_in, setup_store  # noqa: E402

st = Store()
setup_store(st)
srv = Server(st)
try:
    anon = Client(srv.base)
    for method in ("GET", "HEAD"):
        status, hdrs, _ = anon.req(method, "/")
        eq((status, hdrs.get("Location")), (303, "/login"), f"anonymous {method} /")
    c, page = hand_in(srv.base, "county1", "web/report/j1/once", "甲县李")
    m = re.search(r'id="receipt-url" href="([^"]+)"', page)
    check(m is not None, "the receipt page gives the receipt's own address")
    for path in ("/tasks/web/report/j1/once", m.group(1) if m else "/", "/tasks"):
        g = c.req("GET", path)
        h = c.req("HEAD", path)
        eq(h[0], g[0], f"HEAD {path} answers as GET ({g[0]})")
        eq(h[0], 200, f"HEAD {path}: 200")
        eq(h[2], "", f"HEAD {path}: no body")
        eq(h[1].get("Content-Type"), g[1].get("Content-Type"), f"HEAD {path}: its type")
    eq(anon.req("HEAD", m.group(1) if m else "/")[0], 200,
       "the receipt's address answers HEAD without an account")
finally:
    srv.stop()
st.cleanup()
done("HEAD answers as GET")
