"""A month or a cursor that is not one is refused, never read as another (review of issue
11, F16, F24): /reports?month=2017-13 or abc showed the default month without a word and
the XLSX came as another month's; /api/audit?since=abc or -5 read the log from record 1."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402
from web_it import Client, Server, setup_store  # noqa: E402

st = Store()
setup_store(st)
token = st.ok("user", "token", "officer").strip()
srv = Server(st)
o = Client(srv.base)
eq(o.login("officer")[0], 303, "the officer logs in")
for bad in ("2017-13", "abc", "2017-2", "+201-07", "2017-00"):
    status, _, page = o.get(f"/reports?month={bad}")
    eq(status, 400, f"/reports?month={bad} is refused")
    check("月份应为 YYYY-MM" in page, f"saying what a month is: {bad}")
    eq(o.get(f"/reports/annex4.xlsx?month={bad}")[0], 400, f"and its XLSX: {bad}")
status, _, page = o.get("/reports?month=2017-02")
eq(status, 200, "a month is shown")
check('value="2017-02"' in page, "the month asked for")
eq(o.get("/reports")[0], 200, "no month: the clock's")

auth = {"Authorization": f"Bearer {token}"}
for bad in ("abc", "-5", "", "1e3"):
    status, hdrs, body = o.req("GET", f"/api/audit?since={bad}", headers=auth)
    eq(status, 400, f"since={bad!r} is refused")
    eq(json.loads(body)["message"].startswith("since must be a sequence number"), True,
       f"with a JSON message: {body}")
status, _, body = o.req("GET", "/api/audit", headers=auth)   # review 11d, W7
eq(status, 400, "no since at all (an unset cursor) is refused too, never read from record 1")
status, _, body = o.req("GET", "/api/audit?since=3", headers=auth)
eq(status, 200, "since=3 reads on")
eq(json.loads(body)["records"][0]["seq"], 4, "from record 4")
srv.stop()
st.cleanup()
done("a bad month or since is 400, never another")
