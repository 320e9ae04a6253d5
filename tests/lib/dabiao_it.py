"""Helpers for dabiao's integration tests: run the real binary on a temporary store."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

BIN = os.environ.get("DABIAO_BIN", "dabiao")
SRC = os.environ.get("DABIAO_SRC", os.path.join(os.path.dirname(__file__), "..", ".."))

failures = []


class Store:
    """A temporary store folder; removed at exit unless the test failed."""

    def __init__(self, name="store"):
        self.root = tempfile.mkdtemp(prefix="dabiao-it-")
        self.db = os.path.join(self.root, name)

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def write(self, name, text):
        p = self.path(name)
        with open(p, "w", encoding="utf-8") as f:
            f.write(text)
        return p

    def run(self, *args, check=None, env=None, timeout=300):
        """Runs dabiao --db DB ARGS; returns (status, stdout, stderr)."""
        e = dict(os.environ)
        e.pop("DABIAO_SMTP", None)
        if env:
            e.update(env)
        p = subprocess.run([BIN, "--db", self.db, *args], capture_output=True,
                           text=True, env=e, timeout=timeout)
        if check is not None and p.returncode != check:
            fail(f"dabiao {' '.join(args)}: exit {p.returncode}, expected {check}\n"
                 f"stdout: {p.stdout}\nstderr: {p.stderr}")
        return p.returncode, p.stdout, p.stderr

    def ok(self, *args, **kw):
        return self.run(*args, check=0, **kw)[1]

    def run_bytes(self, *args):
        """Standard output, as bytes, of dabiao --db DB ARGS, which must succeed."""
        e = dict(os.environ)
        e.pop("DABIAO_SMTP", None)
        p = subprocess.run([BIN, "--db", self.db, *args], capture_output=True, env=e,
                           timeout=300)
        if p.returncode != 0:
            fail(f"dabiao {' '.join(args)}: exit {p.returncode}: {p.stderr!r}")
        return p.stdout

    def run_bytes_args(self, *args):
        """Runs dabiao --db DB with arguments given as bytes (text that is not UTF-8);
        returns (status, stdout, stderr) as bytes."""
        e = dict(os.environ)
        e.pop("DABIAO_SMTP", None)
        p = subprocess.run([BIN.encode(), b"--db", self.db.encode(), *args],
                           capture_output=True, env=e, timeout=300)
        return p.returncode, p.stdout, p.stderr

    def tasks(self, *args):
        return json.loads(self.ok("tasks", "--format", "json", *args))

    def changji(self, until=None, env=None):
        """A virtual store with the Changji 2017 plan and registry, advanced to until."""
        self.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00", env=env)
        self.ok("load", src("workflows", "changji-2017.yaml"), env=env)
        self.ok("import", src("workflows", "changji-registry.yaml"), env=env)
        if until:
            self.ok("advance", "--to", until, env=env)

    def decider(self, login, role, name=None, env=None):
        """An account of a deciding role (`dabiao user add`): `decide --by` names a person
        the store knows, by login or name."""
        pw = self.write(f"pw-{login}", "a-long-enough-password\n")
        self.ok("user", "add", login, "--role", role, *(["--name", name] if name else []),
                "--password-file", pw, env=env)

    def notices(self, *args, env=None):
        """`dabiao outbox ARGS --format json`: the notices, earliest scheduled first."""
        return json.loads(self.run("outbox", *args, "--format", "json", check=0, env=env)[1])

    def records(self):
        """The audit log's records, first to last (`audit --format jsonl`)."""
        return [json.loads(x)["record"] for x in self.ok("audit", "--format", "jsonl").splitlines()]

    def outbox(self):
        d = os.path.join(self.db, "outbox")
        return sorted(os.listdir(d)) if os.path.isdir(d) else []

    def mails(self):
        """Every .eml in the outbox, parsed, in file-name order."""
        import email
        import email.policy
        out = []
        for name in self.outbox():
            with open(os.path.join(self.db, "outbox", name), "rb") as f:
                out.append(email.message_from_binary_file(f, policy=email.policy.default))
        return out

    def cleanup(self):
        if not failures:
            shutil.rmtree(self.root, ignore_errors=True)


def start_daemon(st, env=None, log_name="run.log", timeout=180, log=None, ready=True):
    """Starts `dabiao run` on st's store with DABIAO_SMTP unset unless env sets it, its
    stderr appended to st.path(log_name) or written to the open file log. With ready (the
    default) it returns once the daemon has said "running" (wait_running), for tests that
    signal it; ready=False returns at once, for the crash loops that kill it at any moment,
    start-up included."""
    e = dict(os.environ)
    e.pop("DABIAO_SMTP", None)
    if env:
        e.update(env)
    if log is None:
        log = open(st.path(log_name), "a")
    before = running_count(log.name) if ready else 0
    p = subprocess.Popen([BIN, "--db", st.db, "run"], stdout=subprocess.DEVNULL,
                         stderr=log, env=e)
    if ready:
        wait_running(p, log.name, before, timeout)
    return p


def running_count(path):
    """How many times the daemon log at path says "running" (once per start)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read().count(" running store=")
    except FileNotFoundError:
        return 0


def wait_running(p, path, before, timeout=180):
    """Waits until daemon p's log at path says "running" once more than `before`: from then
    on its signal handlers are set, so SIGTERM stops it cleanly and SIGHUP reloads. A
    signal sent earlier (after a fixed sleep, on a slow, loaded machine: ASan start-up takes
    seconds) meets the kernel's default action and kills it (-15, -1), which is not the
    daemon's answer."""
    end = time.time() + timeout
    while time.time() < end and p.poll() is None and running_count(path) <= before:
        time.sleep(0.05)
    if running_count(path) <= before:
        fail(f"`dabiao run` did not say it was running within {timeout} s "
             f"(exit {p.poll()}); see {path}")


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, file=sys.stderr)


def eq(a, b, what):
    if a != b:
        fail(f"{what}: got {a!r}, expected {b!r}")


def check(cond, what):
    if not cond:
        fail(what)


def done(passed_what):
    if failures:
        print(f"{len(failures)} failure(s)", file=sys.stderr)
        sys.exit(1)
    print("ok:", passed_what)
    sys.exit(0)


def src(*parts):
    return os.path.join(SRC, *parts)


def plan_yaml(pid, calendar, milestones, role="office: {title: 办公室}"):
    """A one-phase plan: `calendar: CALENDAR` on line 4 (none when None), one role on line
    6, the milestones (each a flow mapping) from line 11 on."""
    return (f"plan: {pid}\ntitle: 测试\ntimezone: Asia/Shanghai\n"
            + (f"calendar: {calendar}\n" if calendar is not None else "")
            + f"roles:\n  {role}\nphases:\n  - id: p\n    title: 阶段\n    milestones:\n"
            + "".join(f"      - {m}\n" for m in milestones))


# Two valid unified social credit codes (GB 32100 check characters) for test enterprises.
E1, E2 = "91130000000000001R", "91130000000000002W"

# A plan's `lifecycles:` block with the rectification lifecycle of the Changji plan's shape:
# listed until verified, overdue past the time limit, verifiable either way.
RECTIFICATION = """\
lifecycles:
  rectification:
    initial: listed
    states: [listed, verified, overdue]
    final: [verified]
    events: {verify: {listed: verified, overdue: verified}}
    deadline: {from: [listed], to: overdue}
"""


def county_task(mid, title, due, more="", owner="county"):
    """A milestone of county_plan's, one task per jurisdiction: "{id: a, title: 甲表,
    owner: county, for: each jurisdiction, due: 2017-03-10}" and MORE keys."""
    return (f"{{id: {mid}, title: {title}, owner: {owner}, for: each jurisdiction, "
            f"due: {due}{', ' + more if more else ''}}}")


def county_plan(pid, title, milestones, offices=(), rules=""):
    """A one-phase plan (Asia/Shanghai, notify_at 09:00) of county (县环保局, per
    jurisdiction) tasks: the office roles OFFICES ((id, title) pairs), RULES (top-level
    YAML lines: conduct, escalations, dispatch) and MILESTONES, each a flow mapping."""
    return (f"plan: {pid}\ntitle: {title}\ntimezone: Asia/Shanghai\nnotify_at: \"09:00\"\n"
            "roles:\n  county: {title: 县环保局, per: jurisdiction}\n"
            + "".join(f"  {r}: {{title: {t}}}\n" for r, t in offices) + rules
            + "phases:\n  - id: p\n    title: 阶段\n    milestones:\n"
            + "".join(f"      - {m}\n" for m in milestones))


def enterprise_plan(pid, title, milestones, rules=""):
    """A one-phase plan (Asia/Shanghai, notify_at 09:00, grace 10wd, weekends off) of
    enterprise (企业, per enterprise) tasks: RULES (top-level YAML lines: lifecycles,
    escalations) and MILESTONES, each a flow mapping, in phase 整治."""
    return (f"plan: {pid}\ntitle: {title}\ntimezone: Asia/Shanghai\nnotify_at: \"09:00\"\n"
            "grace: 10wd\ncalendar: {weekend: [sat, sun]}\n"
            "roles:\n  enterprise: {title: 企业, per: enterprise}\n" + rules
            + "phases:\n  - id: p\n    title: 整治\n    milestones:\n"
            + "".join(f"      - {m}\n" for m in milestones))


def county_registry(counties, offices=()):
    """Counties (id, name), each mailed at ID@x.example, and the offices OFFICES besides
    admin, each mailed at ID@x.example."""
    return ("jurisdictions:\n"
            + "".join(f"  - {{id: {i}, name: {n}, kind: county, email: [{i}@x.example]}}\n"
                      for i, n in counties)
            + "offices:\n" + "".join(f"  {o}: [{o}@x.example]\n" for o in (*offices, "admin")))


# A TEST stand-in for a 2027 notice, not the real one (which no copy confirms yet):
# Monday 2027-02-08 and Tuesday 02-09 off.
TEST_2027 = """\
  - year: 2027
    version: 1
    source: {title: TEST ONLY - not the 2027 notice}
    holidays:
      2027-02-08..2027-02-09: test
"""


def mainland_with_test_2027(reason_2028=""):
    """The shipped cn-mainland.yaml with TEST_2027 added and 2028 not confirmed instead
    (its reason starting with reason_2028)."""
    with open(src("workflows", "calendars", "cn-mainland.yaml"), encoding="utf-8") as f:
        text = f.read()
    head = "not_confirmed:\n  2027:\n    reason: "
    check(head in text, "the shipped file lists 2027 as not confirmed")
    return text.replace(head, f"not_confirmed:\n  2028:\n    reason: {reason_2028}") + TEST_2027
