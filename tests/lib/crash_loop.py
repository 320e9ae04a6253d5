"""The crash loop (issue 9's harness): kill -9 of `dabiao run` at random moments while it
applies a backlog of past deadlines and delivers their notices to the test SMTP server.

After every kill: `audit verify` passes, and the notices the dead daemon had claimed are
read from the store (`outbox` lists them as claimed: nobody has returned them yet). At the
end, after one clean run: every expected notice key is in the outbox exactly once and
sent; the keys of the messages the server received are exactly the keys with a
notice.sent record, one record each; every message carries its notice's Message-ID; every
past deadline was applied once; and each notice reached the server at most once more than
the number of kills that found it claimed: a crash repeats only claimed messages.

    crash_loop.run(kills, n_jur, n_ms, seed) -> dict of figures (and fails through
    dabiao_it.fail); used by tests/it/crash_loop.py and tests/bench/crash_loop.sh."""
import collections
import hashlib
import os
import random
import signal
import time

from dabiao_it import Store, eq, fail, start_daemon
from smtp_delivery_lib import Server
import backlog


def message_id(key):
    return "<%s@dabiao>" % hashlib.sha256(key.encode()).hexdigest()[:40]


def claimed_now(st, env):
    return [key for state, key in backlog.outbox_rows(st, env) if state == "claimed"]


def backoff(attempts):
    """docs/notices.md, "Retries": after 1, 2, 4 … minutes, at most one hour apart."""
    return min(60 * 2 ** max(attempts - 1, 0), 3600)


def wait_all_sent(st, env, n, base=300, limit=3600):
    """Waits until n notices are sent. A notice that met a temporary failure during the
    kills (a session over its time limit on a slow machine) waits out its backoff before
    it is tried again, as designed: the wait grows by that backoff (from when the notice
    was first seen retrying) instead of calling it lost; what is still not sent at the end
    is printed with its answers."""
    start = time.time()
    deadline = start + base
    seen = {}
    while True:
        rows = backlog.outbox_json(st, env)
        if sum(r["state"] == "sent" for r in rows) >= n:
            return
        now = time.time()
        for r in rows:
            if r["state"] == "retrying":
                first = seen.setdefault((r["key"], r["attempts"]), now)
                deadline = max(deadline, min(first + backoff(r["attempts"]) + 120,
                                             start + limit))
        if now > deadline:
            left = [(r["key"], r["state"], r["attempts"], r["answers"]) for r in rows
                    if r["state"] != "sent"]
            fail(f"timed out after {now - start:.0f} s waiting for every notice sent after "
                 f"the kills; not sent ({len(left)}): {left[:10]}")
            return
        time.sleep(1.0)


def run(kills, n_jur, n_ms, seed, max_sleep=0.6):
    random.seed(seed)
    srv = Server()
    srv.start()
    srv.mode("stall 0.01")   # slow enough that kills land inside sessions
    env = {"DABIAO_SMTP": f"smtp://127.0.0.1:{srv.port}"}
    st = Store("crash")
    keys = backlog.make(st, n_jur, n_ms, env=env)
    log = open(st.path("run.log"), "a")
    claimed_at_kill = collections.Counter()
    verify_failures = 0
    t0 = time.time()
    for i in range(kills):
        p = start_daemon(st, env, log=log, ready=False)
        time.sleep(random.uniform(0.05, max_sleep))
        p.send_signal(signal.SIGKILL)
        p.wait()
        claimed_at_kill.update(claimed_now(st, env))
        rc, out, err = st.run("audit", "verify", env=env)
        if rc != 0:
            verify_failures += 1
            eq(rc, 0, f"audit verify after kill {i + 1}: {err}")
    kill_time = time.time() - t0
    srv.mode("ok")
    p = start_daemon(st, env, log=log)
    wait_all_sent(st, env, len(keys))
    time.sleep(1.0)
    p.send_signal(signal.SIGTERM)
    eq(p.wait(timeout=30), 0, "the last run stops cleanly")

    outbox = backlog.outbox_rows(st, env)
    okeys = collections.Counter(key for state, key in outbox)
    eq(sorted(okeys), sorted(keys), "every expected notice key is in the outbox")
    eq(max(okeys.values()), 1, "each key once")
    eq(sorted({state for state, key in outbox}), ["sent"], "and every one is sent")
    recs = backlog.audit(st, env)
    sent = backlog.sent_keys(recs)
    got = collections.Counter()
    wrong_ids = 0
    for i, entry in enumerate(srv.log()):
        k = backlog.message_key(srv.dir, i + 1)
        got[k] += 1
        wrong_ids += entry["message_id"] != message_id(k)
    eq(wrong_ids, 0, "every message carries its notice's Message-ID")
    eq(sorted(got), sorted(sent), "the server's keys are exactly the notice.sent keys")
    eq(max(sent.values()), 1, "one notice.sent record per notice")
    lapses = collections.Counter(r["task"] for r in recs if r["action"] == "task.lapse")
    eq(len(lapses), len(keys), "every past deadline applied")
    eq(max(lapses.values()), 1, "each once")
    eq(sorted({t["state"] for t in st.tasks()}), ["overdue"], "every task overdue")
    over = {k: got[k] - 1 - claimed_at_kill[k] for k in got if got[k] - 1 > claimed_at_kill[k]}
    eq(over, {}, "no notice repeated more often than kills found it claimed")
    dups = sum(c - 1 for c in got.values())
    eq(st.run("audit", "verify", env=env)[0], 0, "the audit log verifies at the end")
    srv.stop()
    st.cleanup()
    return {"kills": kills, "notices": len(keys), "messages": sum(got.values()),
            "duplicates": dups, "claimed_at_kills": sum(claimed_at_kill.values()),
            "verify_failures": verify_failures, "kill_phase_s": round(kill_time, 1)}


def summary(fig):
    return ("SUMMARY crash_loop kills=%(kills)d notices=%(notices)d messages=%(messages)d "
            "duplicates=%(duplicates)d claimed_at_kills=%(claimed_at_kills)d "
            "audit_verify_failures=%(verify_failures)d kill_phase_s=%(kill_phase_s)s" % fig)
