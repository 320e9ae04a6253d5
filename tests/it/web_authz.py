"""The web's rules, asserted over HTTP against the real binary: every role x route x own or
other subject answers as docs/web.md says (another county's task is a 404 exactly like a
task that does not exist); forms without the CSRF token change nothing; five wrong
passwords lock an account and twenty failures from one address answer 429; revoked,
expired and finished tasks' links answer 410; an upload over the limit is 413 and stores
nothing; hostile registry and submission text is shown as text on every page; the JSON API
agrees with `dabiao tasks --format json`."""
import http.client
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402
from web_it import (E1, E2, PASSWORD, XSS_E1, XSS_J1, XSS_J2, Client, Server,  # noqa: E402
                    links_in_outbox, setup_store)

T1, T2 = "web/report/j1/once", "web/report/j2/once"
TE1, TE2 = f"web/filing/{E1}/once", f"web/filing/{E2}/once"
LIMIT = 64 * 1024

st = Store()
cfg = st.write("dabiao.yaml", "web:\n  upload_limit: 64KB\n  link_days: 2\n")
os.environ["DABIAO_CONFIG"] = cfg
setup_store(st)
srv = Server(st)
os.environ["DABIAO_WEB_URL"] = srv.base  # so `advance` writes links to this server

clients = {}
for login in ("officer", "leader", "county1", "county2", "ent1", "ent2"):
    c = Client(srv.base)
    status, hdrs, _ = c.login(login)
    eq(status, 303, f"{login} logs in")
    c.get("/tasks")  # a page with the session's form token
    clients[login] = c
anon = Client(srv.base)


def audit_records(*args):
    return [json.loads(x)["record"] for x in
            st.ok("audit", "--format", "jsonl", *args).splitlines()]


def audit_size():
    return len(audit_records())


# ---- every role x read route x own / other subject ----
OFFICE = {"/": 200, "/tasks": 200, f"/tasks/{T1}": 200, f"/tasks/{T2}": 200,
          f"/tasks/{TE1}": 200, f"/tasks/{TE2}": 200, "/review": 200, "/reports": 200,
          "/audit": 200, "/warnings": 200, "/calendar.ics": 200, "/api/tasks": 200,
          f"/api/tasks/{T1}": 200, f"/api/tasks/{TE2}": 200, "/api/audit?since=0": 200}
expect = {
    "officer": OFFICE,
    "leader": OFFICE,
    "county1": {"/": 303, "/tasks": 200, f"/tasks/{T1}": 200, f"/tasks/{T2}": 404,
                f"/tasks/{TE1}": 200, f"/tasks/{TE2}": 404, "/review": 403, "/reports": 403,
                "/audit": 403, "/warnings": 403, "/calendar.ics": 200, "/api/tasks": 200,
                f"/api/tasks/{T1}": 200, f"/api/tasks/{TE2}": 404, "/api/audit?since=0": 403},
    "county2": {"/": 303, "/tasks": 200, f"/tasks/{T1}": 404, f"/tasks/{T2}": 200,
                f"/tasks/{TE1}": 404, f"/tasks/{TE2}": 200, "/review": 403, "/reports": 403,
                "/audit": 403, "/warnings": 403, "/calendar.ics": 200, "/api/tasks": 200,
                f"/api/tasks/{T1}": 404, f"/api/tasks/{TE2}": 200, "/api/audit?since=0": 403},
    "ent1": {"/": 303, "/tasks": 200, f"/tasks/{T1}": 404, f"/tasks/{T2}": 404,
             f"/tasks/{TE1}": 200, f"/tasks/{TE2}": 404, "/review": 403, "/reports": 403,
             "/audit": 403, "/warnings": 403, "/calendar.ics": 200, "/api/tasks": 200,
             f"/api/tasks/{T1}": 404, f"/api/tasks/{TE2}": 404, "/api/audit?since=0": 403},
    "ent2": {"/": 303, "/tasks": 200, f"/tasks/{T1}": 404, f"/tasks/{T2}": 404,
             f"/tasks/{TE1}": 404, f"/tasks/{TE2}": 200, "/review": 403, "/reports": 403,
             "/audit": 403, "/warnings": 403, "/calendar.ics": 200, "/api/tasks": 200,
             f"/api/tasks/{T1}": 404, f"/api/tasks/{TE2}": 200, "/api/audit?since=0": 403},
}
expect["anon"] = {p: (401 if p.startswith("/api/") else 303) for p in OFFICE}
for who, routes in expect.items():
    c = clients.get(who, anon)
    for path, want in routes.items():
        status, hdrs, body = c.get(path)
        eq(status, want, f"{who} GET {path}")
        # every answer carries the safety headers
        check("default-src 'self'" in (hdrs.get("Content-Security-Policy") or "") and
              "frame-ancestors 'none'" in hdrs.get("Content-Security-Policy", ""),
              f"{who} GET {path}: CSP header, got {hdrs.get('Content-Security-Policy')}")
        eq(hdrs.get("X-Content-Type-Options"), "nosniff", f"{who} GET {path}: nosniff")
        if want == 404 and path.startswith("/tasks/"):
            check("评估报告" not in body and "治理方案备案" not in body,
                  f"{who} GET {path}: a 404 shows nothing of the task")

# another county's task answers exactly like a task that does not exist
s1, _, b1 = clients["county1"].get(f"/tasks/{T2}")
s2, _, b2 = clients["county1"].get("/tasks/web/report/nowhere/once")
eq((s1, b1), (s2, b2), "another county's task is indistinguishable from a missing one")

# the task lists hold only what each may see
_, _, body = clients["county1"].get("/api/tasks")
keys = sorted(t["key"] for t in json.loads(body)["tasks"])
eq(keys, sorted([T1, TE1]), "county1's API list: its report and its enterprise's filing")
_, _, body = clients["ent2"].get("/api/tasks")
eq(sorted(t["key"] for t in json.loads(body)["tasks"]), [TE2], "ent2's API list: its own")
_, _, body = clients["county2"].get("/tasks?jurisdiction=j1")
check(XSS_J1.replace("<", "&lt;") not in body and T1 not in body,
      "a county asking for another county's list still gets only its own")

# ---- CSRF: a POST without the session's form token changes nothing ----
before = audit_size()
c = clients["county1"]
for fields in ({"by": "甲县李"}, {"by": "甲县李", "csrf": "0" * 64}):
    status, _, _ = c.post(f"/tasks/{T1}/submit", fields, files=[], csrf=False)
    eq(status, 403, f"submit without the right CSRF token ({sorted(fields)})")
status, _, _ = clients["officer"].post("/extend", {"task": T1, "to": "2017-04-01",
                                                    "reason": "x", "csrf": "f" * 64},
                                       csrf=False)
eq(status, 403, "extend with a wrong CSRF token")
status, _, _ = anon.post("/login", {"login": "officer", "password": PASSWORD}, csrf=False)
eq(status, 403, "a login form without its cookie is refused")
eq(audit_size(), before, "refused forms wrote nothing to the audit log")
eq(st.tasks("--subject", "j1")[0]["state"], "open", "T1 still open after refused forms")

# ---- who may act on what (POST), checked before anything changes ----
for who, path, want in [
        ("county2", f"/tasks/{T1}/submit", 404), ("ent1", f"/tasks/{T1}/submit", 404),
        ("officer", f"/tasks/{T1}/submit", 403), ("county1", f"/tasks/{TE1}/submit", 403),
        ("ent2", f"/tasks/{TE1}/submit", 404)]:
    status, _, _ = clients[who].post(path, {"by": "某人"}, files=[])
    eq(status, want, f"{who} POST {path}")
for who, want in [("county1", 403), ("county2", 404), ("ent1", 404)]:
    status, _, _ = clients[who].post(f"/tasks/{T1}/review",
                                     {"action": "accept", "reason": ""})
    eq(status, want, f"{who} reviews T1")
    status, _, _ = clients[who].post("/extend", {"task": T1, "to": "2017-04-01",
                                                 "reason": "r"})
    eq(status, want, f"{who} extends (403 own, 404 other: review 11e, X4)")
    status, _, _ = clients[who].post(f"/tasks/{T1}/revoke", {})
    eq(status, want, f"{who} revokes T1's links")
eq(audit_size(), before, "refused actions wrote nothing")

# ---- links: revoked, expired (link_days: 2), and final ----
st.ok("advance", "--to", "2017-03-07T12:00:00+08:00")   # the -3d reminders, 03-07 09:00
l1 = links_in_outbox(st, T1, "reminder")
l2 = links_in_outbox(st, T2, "reminder")
eq(len(l1), 1, "T1's first reminder carries one link")
eq(len(l2), 1, "T2's first reminder carries one link")
check(l1[0][1].startswith(srv.base + "/s/"), f"the link points at the web: {l1}")
status, _, body = anon.get(l1[0][1][len(srv.base):])
eq(status, 200, "a reminder's link opens without an account")
check("评估报告" in body and XSS_J1 not in body and "&lt;script&gt;" in body,
      "the link page shows the task and the county's name as text")
check("<th>依据</th><td id=\"basis\">《网页测试实施方案》</td>" in body,
      "the link page names the document the task rests on (the plan's issuer basis)")
status, _, body = anon.get(l1[0][1][len(srv.base):-1] + ("A" if l1[0][1][-1] != "A" else "B"))
eq(status, 410, "a token one character off is refused")
status, _, _ = clients["officer"].post(f"/tasks/{T1}/revoke", {})
eq(status, 303, "the officer revokes T1's links")
status, _, _ = anon.get(l1[0][1][len(srv.base):])
eq(status, 410, "a revoked link is refused")
st.ok("advance", "--to", "2017-03-09T12:00:00+08:00")   # 2 days on: T2's link expired
status, _, body = anon.get(l2[0][1][len(srv.base):])
# past link_days a link shows its task and receipts, takes nothing (review F4)
eq(status, 200, "a link past link_days still opens its page")
check('type="file"' not in body and 'id="link-expired"' in body, "with no form, saying so")
status, _, _ = anon.post(l2[0][1][len(srv.base):], {"by": "乙县周"}, files=[])
eq(status, 410, "a submission through a link past link_days is refused")
l2b = [u for k, u in links_in_outbox(st, T2, "reminder") if u != l2[0][1]]
eq(len(l2b), 1, "the -1d reminder brought T2 a fresh link")
status, _, body = anon.get(l2b[0][len(srv.base):])
eq(status, 200, "the fresh link works")

# ---- 413: over the limit, nothing stored ----
files_dir = os.path.join(st.db, "files")


def stored_files():
    out = []
    for root, _, names in os.walk(files_dir):
        out += [os.path.join(root, n) for n in names]
    return sorted(out)


before_files, before = stored_files(), audit_size()
anon.get(l2b[0][len(srv.base):])
big = b"%PDF-1.4\n" + b"x" * (LIMIT + 10)
status, _, page = anon.post(l2b[0][len(srv.base):], {"by": "乙县周"},
                            files=[("file", "big.pdf", big, "application/pdf")])
eq(status, 413, "an upload over the limit (Content-Length) is 413")
check("超过 64 KB 的上限" in page, "naming the limit the county must get under (review 11d, W6)")
# the same without Content-Length: chunked, refused while it streams
conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
from web_it import multipart  # noqa: E402
body, ctype = multipart([("by", "乙县周"), ("csrf", anon.csrf)],
                        [("file", "big.pdf", big, "application/pdf")])
conn.putrequest("POST", l2b[0][len(srv.base):])
conn.putheader("Content-Type", ctype)
conn.putheader("Transfer-Encoding", "chunked")
conn.endheaders()
for i in range(0, len(body), 8192):
    chunk = body[i:i + 8192]
    conn.send(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
conn.send(b"0\r\n\r\n")
resp = conn.getresponse()
eq(resp.status, 413, "a chunked upload over the limit is 413")
check("超过 64 KB 的上限" in resp.read().decode(), "naming the limit")
conn.close()
eq(stored_files(), before_files, "nothing of the refused uploads is kept")
eq(audit_size(), before, "refused uploads are not in the audit log")
eq(st.tasks("--subject", "j2")[0]["state"], "open", "T2 still open")

# ---- a submission through the link, with hostile text, then its receipt ----
pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
status, hdrs, _ = anon.post(l2b[0][len(srv.base):],
                            [("by", "<script>alert(4)</script>周"), ("sections", "overall"),
                             ("sections", "problems"), ("note", '"><img src=x onerror=alert(5)>')],
                            files=[("file", "评估报告<x>.pdf", pdf, "application/pdf")])
eq(status, 303, "the county submits through its link")
receipt = hdrs.get("Location")
check(receipt and "?receipt=" in receipt, f"redirected to the receipt: {receipt}")
status, _, body = anon.get(receipt)
import hashlib  # noqa: E402
sha = hashlib.sha256(pdf).hexdigest()
check(sha in body, "the receipt names the file's sha256")
check("&lt;script&gt;alert(4)&lt;/script&gt;周" in body and "<script>alert(4)" not in body,
      "the receipt shows the typed name as text")
seq = int(receipt.split("=")[-1])
rec = audit_records()[seq - 1]
eq(rec["action"], "task.submit", "the receipt's sequence is the submission record")
eq(rec["actor"], "link:county_epb/j2:<script>alert(4)</script>周", "the link's actor")
eq(json.loads(rec["details"])["files"],
   [{"sha256": sha, "size": len(pdf), "name": "评估报告<x>.pdf"}], "files in the record")
check(os.path.exists(os.path.join(files_dir, sha[:2], sha)), "the file is kept by its hash")
eq(st.tasks("--subject", "j2")[0]["state"], "submitted", "dabiao tasks sees the submission")

# the officer downloads it as an attachment; another county cannot
status, hdrs, _ = clients["officer"].get(f"/tasks/{T2}/files/{sha}")
eq(status, 200, "the officer downloads the file")
check(hdrs.get("Content-Disposition", "").startswith("attachment;"),
      f"downloads are attachments: {hdrs.get('Content-Disposition')}")
eq(clients["county1"].get(f"/tasks/{T2}/files/{sha}")[0], 404, "county1 cannot")
eq(clients["officer"].get(f"/tasks/{T1}/files/{sha}")[0], 404,
   "a file is served only under the task it was submitted for")
eq(clients["officer"].get(f"/tasks/{T2}/files/..%2F..%2Fdata.mdb")[0], 404, "no paths")

# ---- `dabiao backup` copies the submitted files with the records that name them ----
bdir = st.path("backup")
st.ok("backup", bdir)
copied = []
for root, _, names in os.walk(os.path.join(bdir, "files")):
    copied += [os.path.relpath(os.path.join(root, n), bdir) for n in names]
eq(copied, [os.path.join("files", sha[:2], sha)], "the backup holds the one submitted file")
with open(os.path.join(bdir, "files", sha[:2], sha), "rb") as f:
    eq(f.read(), pdf, "byte for byte")
eq(os.stat(os.path.join(bdir, "files", sha[:2])).st_mode & 0o777, 0o700, "in a 0700 folder")
import subprocess  # noqa: E402
from dabiao_it import BIN  # noqa: E402
p = subprocess.run([BIN, "--db", bdir, "tasks", "--subject", "j2", "--format", "json"],
                   capture_output=True, text=True)
eq(json.loads(p.stdout or "[{}]")[0].get("state"), "submitted", "the copy opens as a store")

# ---- every page that shows registry or submission text shows it as text ----
pages = [(clients["officer"], p) for p in
         ["/", "/tasks", f"/tasks/{T1}", f"/tasks/{T2}", f"/tasks/{TE1}", "/review", "/warnings",
          "/reports", f"/receipt/{seq}", f"/proof/{seq}", "/tasks?jurisdiction=j1"]]
pages += [(clients["county1"], "/tasks"), (clients["county1"], f"/tasks/{T1}"),
          (clients["ent1"], f"/tasks/{TE1}")]
RAW = ["<script>alert(", "<img src=x onerror", "<b onmouseover", "<x>.pdf"]
for c, path in pages:
    status, _, body = c.get(path)
    eq(status, 200, f"GET {path}")
    for raw in RAW:
        check(raw not in body, f"{path}: raw {raw!r} must not appear")
_, _, body = clients["officer"].get("/tasks")
check("&lt;script&gt;alert(1)&lt;/script&gt;甲县" in body, "J1's name escaped in the list")
check("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;乙县" in body, "J2's name escaped")
_, _, body = clients["officer"].get(f"/tasks/{TE1}")
check("&lt;b onmouseover=alert(3)&gt;甲一钢铁&lt;/b&gt;" in body, "E1's name escaped")

# ---- lockout: five wrong passwords for county2 lock this address out of county2 (not the
# account: tests/it/web_login_lockout.py), the right one refused here meanwhile ----
c = Client(srv.base)
for i in range(5):
    status, _, _ = c.login("county2", "wrong password")
    eq(status, 401 if i < 4 else 423, f"wrong password {i + 1}")
status, _, _ = c.login("county2")
eq(status, 423, "a locked-out address is refused even the right password")
# audited as the anonymous client's (web:?), naming the login tried: never as county2's own
# doing (review 11b, m5)
actions = [r["action"] for r in audit_records("--actor", "web:?")
           if json.loads(r["details"]).get("login") == "county2"]
eq(actions.count("web.login_failed"), 6, "every failure audited")
eq(actions.count("web.lockout"), 1, "the lockout audited")
eq([r["action"] for r in audit_records("--actor", "web:county2")
    if r["action"] in ("web.login_failed", "web.lockout")], [],
   "none with the attacked account as the actor")

# twenty failures from one address within 15 minutes: then 429 before any password is
# checked. This address (127.0.0.1) has failed six times above (five wrong passwords and
# one while locked out), so fourteen more are 401 (each for another login: five for one
# login would lock it out) and the rest 429.
c = Client(srv.base)
statuses = [c.login(f"nobody{i}", "x")[0] for i in range(16)]
eq(statuses, [401] * 14 + [429] * 2, "failures 7..20 are 401, then 429")
eq(c.login("officer")[0], 429, "past twenty failures even a good password is 429")

# ---- review through the web: return with a reason, accept; the link then dies ----
o = clients["officer"]
o.get(f"/tasks/{T2}")
status, _, _ = o.post(f"/tasks/{T2}/review", {"action": "return", "reason": ""})
eq(status, 400, "returning needs a reason")
status, _, _ = o.post(f"/tasks/{T2}/review", {"action": "return", "reason": "缺少数据"})
eq(status, 303, "the officer returns T2")
eq(st.tasks("--subject", "j2")[0]["state"], "returned", "T2 returned")
rec = [r for r in audit_records() if r["action"] == "task.event"][-1]
eq((rec["actor"], json.loads(rec["details"])["note"]), ("web:officer", "缺少数据"),
   "the return is the officer's, with the reason")
anon.get(l2b[0][len(srv.base):])
status, _, _ = anon.post(l2b[0][len(srv.base):], [("by", "乙县周"), ("sections", "overall"),
                                                 ("sections", "problems")], files=[])
eq(status, 303, "the county submits again through the same link")
status, _, _ = o.post(f"/tasks/{T2}/review", {"action": "accept", "reason": ""})
eq(status, 303, "the officer accepts")
eq(st.tasks("--subject", "j2")[0]["state"], "accepted", "T2 accepted")
eq(anon.get(l2b[0][len(srv.base):])[0], 200, "a finished task's link still shows its page")
eq(anon.post(l2b[0][len(srv.base):], {"by": "乙县周"}, files=[])[0], 410,
   "but takes no submission")

# ---- the JSON API with a bearer token, against `dabiao tasks --format json` ----
token = st.ok("user", "token", "officer").strip()
api = Client(srv.base)
status, _, body = api.get("/api/tasks", headers={"Authorization": f"Bearer {token}"})
eq(status, 200, "bearer token accepted")
eq(sorted(json.loads(body)["tasks"], key=lambda t: t["key"]),
   sorted(st.tasks(), key=lambda t: t["key"]), "the API's tasks are `dabiao tasks`' objects")
status, _, body = api.get("/api/audit?since=0", headers={"Authorization": f"Bearer {token}"})
recs = json.loads(body)["records"]
eq(len(recs), min(1000, audit_size()), "the API's audit log from the start")
eq(recs[seq - 1]["seq"], seq, "records in sequence")
status, _, _ = api.get("/api/tasks", headers={"Authorization": "Bearer " + "x" * 43})
eq(status, 401, "a wrong bearer token is refused")
ctoken = st.ok("user", "token", "county1").strip()
status, _, body = api.post(f"/api/tasks/{T1}/submit", [("by", "甲县李"), ("sections", "overall"),
                                                      ("sections", "problems")],
                           files=[], headers={"Authorization": f"Bearer {ctoken}"})
eq(status, 201, f"the API takes a county's submission with its token: {body}")
eq(json.loads(body)["task"], T1, "the API answers with the receipt")
st.ok("user", "disable", "county1")
status, _, _ = api.get("/api/tasks", headers={"Authorization": f"Bearer {ctoken}"})
eq(status, 401, "a disabled account's token is refused")
eq(clients["county1"].get("/tasks")[0], 303, "a disabled account's session ends")

srv.stop()
st.cleanup()
done("web authorization matrix, CSRF, lockout, links, 413, XSS, API")
