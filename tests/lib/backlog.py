"""A backlog for the delivery tests: a plan whose deadlines lie in the past (each with one
overdue notice to its owner a second after the deadline) over N jurisdictions × M
milestones, on a real-clock store; and the readers the tests check it with.

The tasks are made before their deadline and the deadline is then let pass: a task made
after its deadline would get the fair-start grace period and a `start` notice instead
(docs/plan-format.md, "Fair start"). The plan says `grace: 0d`: its milestones have no
reminders, and with a grace period their tasks, made seconds before their deadline, would
be late arrivals too."""
import collections
import datetime
import json
import os
import signal
import subprocess
import time
import zoneinfo

from dabiao_it import BIN, eq, fail, start_daemon

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")


def plan_text(n_ms, due_ts, plan_id="bk", rcpt_roles="owner"):
    due = datetime.datetime.fromtimestamp(due_ts, ZONE).strftime("%Y-%m-%dT%H:%M:%S")
    ms = "".join(f"""\
      - id: m{i}
        title: 报表{i}
        owner: county_epb
        for: each jurisdiction
        due: {due}
        escalate: fast
""" for i in range(n_ms))
    return f"""\
plan: {plan_id}
title: 积压测试
timezone: Asia/Shanghai
grace: 0d
roles:
  county_epb: {{title: 县环保局, per: jurisdiction}}
  supervision: {{title: 监察支队}}
escalations:
  fast:
    - {{after: 1s, kind: overdue, notify: [{rcpt_roles}]}}
phases:
  - id: p
    title: 阶段
    milestones:
{ms}"""


def registry_text(n_jur):
    return ("jurisdictions:\n" + "".join(
        f"  - {{id: j{i}, name: 县{i}, kind: county, email: [j{i}@x.example]}}\n"
        for i in range(n_jur)) +
        "offices:\n  supervision: [s@x.example]\n  admin: [admin@x.example]\n")


def make(st, n_jur, n_ms, env=None, lead=None, extra_init=()):
    """A real-clock store whose n_jur × n_ms deadlines have passed, each task made before
    its deadline (lead seconds after the start: time to load and import), with no daemon
    run yet: the lapses and their overdue notices are a backlog for the first one."""
    if lead is None:
        lead = 10 + n_jur * n_ms // 100  # generous: a shared machine, a sanitizer build
    st.ok("init", "--clock", "real", *extra_init, env=env)
    due = int(time.time()) + lead
    st.ok("load", st.write("plan.yaml", plan_text(n_ms, due)), env=env)
    st.ok("import", st.write("reg.yaml", registry_text(n_jur)), env=env)
    if time.time() >= due:
        fail(f"load and import took more than {lead} s: the tasks were made after their "
             "deadline (fair start); give make() a longer lead")
    time.sleep(max(0.0, due + 2 - time.time()))  # past the deadline and its +1 s overdue step
    return [f"bk/m{m}/j{j}/once#overdue#0" for j in range(n_jur) for m in range(n_ms)]


def outbox_json(st, env=None, *args):
    """`dabiao outbox --format json` (docs/output.md): one object per notice."""
    return json.loads(st.ok("outbox", "--format", "json", *args, env=env) or "[]")


def outbox_rows(st, env=None, *args):
    """(state, key) of each notice in the outbox."""
    return [(n["state"], n["key"]) for n in outbox_json(st, env, *args)]


def count(st, env=None, *args):
    """How many notices `dabiao outbox ARGS` lists."""
    return len(outbox_json(st, env, *args))


def audit(st, env=None):
    out = st.ok("audit", "--format", "jsonl", env=env)
    return [json.loads(line)["record"] for line in out.splitlines() if line.strip()]


def sent_keys(records):
    return collections.Counter(json.loads(r["details"])["key"] for r in records
                               if r["action"] == "notice.sent")


def message_key(srv_dir, entry_no):
    """The X-Dabiao-Key of the server's stored message number entry_no (1-based)."""
    with open(os.path.join(srv_dir, "%06d.eml" % entry_no), "rb") as f:
        for line in f.read().split(b"\r\n"):
            if not line:
                break
            if line.lower().startswith(b"x-dabiao-key:"):
                return line.split(b":", 1)[1].strip().decode()
    return None


def wait_for(pred, timeout, what):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.3)
    fail(f"timed out after {timeout} s waiting for {what}")
    return False


def deliver_rest(st, env, srv, keys, log, what):
    """After a stop: the server answers again, a daemon sends the rest and is stopped; then
    every notice (keys) arrived at the server exactly once."""
    srv.mode("ok")
    p = start_daemon(st, env, log=log, ready=False)
    wait_for(lambda: count(st, env, "--sent") >= len(keys), 120,
             "everything sent after the restart")
    time.sleep(1)
    p.send_signal(signal.SIGTERM)
    eq(p.wait(timeout=30), 0, "the last run stops cleanly")
    got = collections.Counter(message_key(srv.dir, i + 1) for i in range(len(srv.log())))
    eq(sorted(got), sorted(keys), "every notice arrived")
    eq(max(got.values()), 1, what)
