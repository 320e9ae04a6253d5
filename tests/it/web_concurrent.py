"""The web answers many requests at once (a pool of worker threads, each with its own
engine on the one store) without mixing up who asks: six accounts log in at the same
moment; twelve clients then read their own and other subjects' pages over and over, all at
once, and each gets exactly what its role may see (200 / 404 as web_authz.py's matrix says);
four owners submit at the same moment, and each submission is recorded once, by its own
account (the audit actor), with its own name, while the officers keep reading. Speed is
not asserted here: tests/bench/web_load.sh measures it."""
import json
import os
import re
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402
from web_it import E1, E2, Client, Server, setup_store  # noqa: E402

T1, T2 = "web/report/j1/once", "web/report/j2/once"
TE1, TE2 = f"web/filing/{E1}/once", f"web/filing/{E2}/once"
# what each account may see of the four tasks (docs/web.md, "Who may do what")
SEES = {"officer": {T1, T2, TE1, TE2}, "leader": {T1, T2, TE1, TE2},
        "county1": {T1, TE1}, "county2": {T2, TE2}, "ent1": {TE1}, "ent2": {TE2}}
OWNS = {"county1": T1, "county2": T2, "ent1": TE1, "ent2": TE2}
# what a task's page shows of it: the milestone's title and the subject's name
PAGE = {T1: ("评估报告", "甲县"), T2: ("评估报告", "乙县"), TE1: ("治理方案备案", "甲一钢铁"),
        TE2: ("治理方案备案", "乙二水泥")}
NAMES = {"county1": "甲县李", "county2": "乙县周", "ent1": "甲一企业", "ent2": "乙二企业"}
ROUNDS = 15

st = Store()
setup_store(st)
# the twelve clients stand for people at twelve addresses, but all come from 127.0.0.1: a
# request per connection, a closed one counted until its thread has seen it go, so on a
# loaded machine they held 20 at once and met web.connections_per_address (answered 503;
# web_connections.py tests that bound)
srv = Server(st, config=st.write("many.yaml", "web:\n  connections_per_address: 1000\n"))


def run_all(fns):
    """Runs every fn on its own thread, released together; returns their results."""
    start = threading.Barrier(len(fns))
    out = [None] * len(fns)

    def go(i, fn):
        start.wait()
        try:
            out[i] = fn()
        except Exception as e:  # an exception is a result the checks below refuse
            out[i] = e

    ts = [threading.Thread(target=go, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return out


# ---- six logins at the same moment, two clients per account ----
clients = [(login, Client(srv.base)) for login in SEES for _ in range(2)]
statuses = run_all([lambda c=c, login=login: c.login(login)[0] for login, c in clients])
eq(statuses, [303] * len(clients), "every login at once succeeds")


# ---- each client reads every task page, ROUNDS times, all clients at once ----
def reads(login, c):
    wrong = []
    for _ in range(ROUNDS):
        for key in (T1, T2, TE1, TE2):
            status, _, body = c.get(f"/tasks/{key}")
            want = 200 if key in SEES[login] else 404
            title, subject = PAGE[key]
            if status != want or (want == 200 and not (
                    f"（{login}）</span>" in body and f'id="task-title">{title}' in body
                    and re.search(f"<th>责任主体</th><td>[^<]*{subject}", body))):
                wrong.append((key, status))
        status, _, body = c.get("/api/tasks")
        keys = sorted(t["key"] for t in json.loads(body)["tasks"]) if status == 200 else None
        if keys != sorted(SEES[login]):
            wrong.append(("/api/tasks", status, keys))
    return wrong


results = run_all([lambda login=login, c=c: reads(login, c) for login, c in clients])
for (login, _), wrong in zip(clients, results):
    eq(wrong, [], f"{login} saw exactly its own tasks in {ROUNDS} rounds of concurrent reads")


# ---- four owners submit at once while the officers read ----
def submit(login, c):
    c.get(f"/tasks/{OWNS[login]}")  # the page's form token
    sections = [("sections", "overall"), ("sections", "problems")] if login in (
        "county1", "county2") else []  # the reports require two; the filings none
    return c.post(f"/tasks/{OWNS[login]}/submit", [("by", NAMES[login])] + sections,
                  files=[("file", f"{login}.pdf", f"%PDF-1.4 {login}".encode(),
                          "application/pdf")])[0]


first = {}
for login, c in clients:
    first.setdefault(login, c)
jobs = [lambda login=login: submit(login, first[login]) for login in OWNS]
jobs += [lambda c=c, login=login: reads(login, c) for login, c in clients
         if login in ("officer", "leader")]
results = run_all(jobs)
eq(results[:len(OWNS)], [303] * len(OWNS), "four submissions at once are each accepted")
for wrong in results[len(OWNS):]:
    eq(wrong, [], "the officers read correctly while the submissions were written")

audit = [json.loads(x)["record"] for x in st.ok("audit", "--format", "jsonl").splitlines()]
subs = sorted((r["task"], r["actor"]) for r in audit if r["action"] == "task.submit")
eq(subs, sorted((OWNS[login], f"web:{login}") for login in OWNS),
   "each submission recorded once, by its own account")
states = {t["key"]: t["state"] for t in st.tasks()}
eq([states[k] for k in (T1, T2, TE1, TE2)], ["submitted"] * 4, "`dabiao tasks` agrees")
for login, key in OWNS.items():
    rec = [r for r in audit if r["action"] == "task.submit" and r["task"] == key][0]
    check(f"{login}.pdf" in rec["details"], f"{key}'s record names {login}'s own file")

srv.stop()
st.cleanup()
done("the web's workers serve at once without mixing who asks")
