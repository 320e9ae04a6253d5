"""Every example `dabiao help COMMAND` prints runs as printed, on the shipped plan: the
examples of every command, in the order a bureau meets them (init, load, import, advance,
hand-ins, decisions, reports, the audit, going live, run, web), one after another in one
folder by bash, on one fresh store, each ending 0 (review 13e E6, review13f C1:
`extend --milestone annex3` named no milestone of the plan, and `submit`'s example left the
roster incomplete, so `event`'s `accept` was refused). A command added without a place in
ORDER fails here, so its example is run too.

What the examples take as given is made first, as the people they are written for would
have it: the files of their own (a document handed in, the password files, a county's
filled-in Annex 3), and the installation's folders, which stand under this test's root —
/etc/dabiao (its dabiao.yaml naming /etc/dabiao/calendars as calendars_dir),
/var/backups, /usr/local/share/dabiao/calendars (the shipped calendars) and
/var/lib/dabiao/store (the examples' store, which init's example makes as rehearsal.db). An
SMTP server and a web port are the test's own (the examples' 127.0.0.1:2525 and :8080). The
serving commands (`run`, `web`) are stopped with SIGTERM once they serve, and must end 0."""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import BIN, check, done, eq, fail, failures, src  # noqa: E402
from smtp_delivery_lib import Server as Smtp  # noqa: E402

ORDER = ["init", "load", "import", "help", "calendar-update", "check", "workdays", "advance",
         "tasks", "status", "calendar", "outbox", "user", "submit", "event", "extend", "flag",
         "import-annex", "report", "warnings", "decide", "deliver", "retire", "audit",
         "backup", "simulate", "clock", "run", "web"]
SERVING = {"run", "web"}

root = tempfile.mkdtemp(prefix="dabiao-it-examples-")
work = os.path.join(root, "work")
store = os.path.join(work, "rehearsal.db")
bindir = os.path.join(root, "bin")
for d in (work, bindir, os.path.join(root, "etc", "dabiao", "calendars"),
          os.path.join(root, "var", "backups")):
    os.makedirs(d)
os.symlink(os.path.abspath(BIN), os.path.join(bindir, "dabiao"))
os.symlink(src("workflows"), os.path.join(work, "workflows"))
config = os.path.join(root, "etc", "dabiao", "dabiao.yaml")
with open(config, "w", encoding="utf-8") as f:
    f.write(f"calendars_dir: {root}/etc/dabiao/calendars\n")


def own_file(name, data):
    with open(os.path.join(work, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


# the people's own files: a roster document, three password files, hutubi's Annex 3 form
own_file("roster.xlsx", b"PK\x03\x04 a county's roster workbook")
for pw in ("wang.pw", "fk.pw", "liming.pw"):
    own_file(pw, "a-long-enough-password\n")
own_file("hutubi-2017-06.csv",
         "\ufeff全州10个行业超标企业清理汇总表（2017年6月）,,,,,,,,,\r\n"
         "县市、园区,超标企业基数（家）,限期整改（家）,挂牌督办（家）,淘汰关闭（家）,"
         "已完成清理（家）,整治中（家）,未启动（家）,逾期未完成（家）,完成率（%）\r\n"
         "呼图壁县,2,2,0,0,0,1,1,0,\r\n,,,,,,,,,\r\n填报单位（盖章）：呼图壁县环境保护局,,,,,,,,,\r\n")

smtp = Smtp()
smtp.start()
s = socket.socket()
s.bind(("127.0.0.1", 0))
web_port = s.getsockname()[1]
s.close()
PLACES = [("/var/lib/dabiao/store", store), ("/var/backups/", f"{root}/var/backups/"),
          ("/etc/dabiao/", f"{root}/etc/dabiao/"),
          ("/usr/local/share/dabiao/calendars", src("workflows", "calendars")),
          ("127.0.0.1:2525", f"127.0.0.1:{smtp.port}"), ("127.0.0.1:8080", f"127.0.0.1:{web_port}")]

env = dict(os.environ)
for k in ("DABIAO_SMTP", "DABIAO_DB", "DABIAO_AUDIT_KEY", "DABIAO_WEB_URL"):
    env.pop(k, None)
env.update(PATH=bindir + os.pathsep + env.get("PATH", "/usr/bin:/bin"), DABIAO_CONFIG=config,
           DABIAO_DB="rehearsal.db", MANPAGER="cat", PAGER="cat")


def examples(cmd):
    """The example lines of `dabiao help cmd`, comments left out."""
    p = subprocess.run([BIN, "help", cmd], capture_output=True, text=True, env=env)
    eq(p.returncode, 0, f"help {cmd}")
    block = p.stdout.split("\nExample:\n", 1)[1].split("\n\n", 1)[0] if "\nExample:\n" in p.stdout \
        else ""
    lines = [x.strip() for x in block.splitlines() if x.strip() and not x.strip().startswith("#")]
    check(lines != [], f"help {cmd} has an example")
    return lines


def placed(line):
    for a, b in PLACES:
        line = line.replace(a, b)
    return line


def serve(cmd, line):
    """A serving command: started, seen serving, stopped with SIGTERM; it must end 0."""
    log = open(os.path.join(root, f"{cmd}.log"), "w")
    p = subprocess.Popen(["bash", "-c", "exec " + placed(line)], cwd=work, env=env,
                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 120
    up = False
    while time.time() < deadline and p.poll() is None and not up:
        if cmd == "web":
            try:
                socket.create_connection(("127.0.0.1", web_port), timeout=1).close()
                up = True
            except OSError:
                time.sleep(0.1)
        else:
            with open(log.name, encoding="utf-8", errors="replace") as f:
                up = " running store=" in f.read()
            time.sleep(0.1)
    check(up, f"`{line}` serves (see {log.name})")
    p.send_signal(signal.SIGTERM)
    try:
        rc = p.wait(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = p.wait()
    log.close()
    with open(log.name, encoding="utf-8", errors="replace") as f:
        eq(rc, 0, f"`{line}` ends 0 on SIGTERM: {f.read()[-2000:]}")


general = subprocess.run([BIN, "help"], capture_output=True, text=True, env=env).stdout
commands = sorted(set(re.findall(r"^  ([a-z][a-z-]*) {2,}\S",
                                 general.split("\nGlobal options")[0], re.M)))
eq(sorted(ORDER), commands, "every command of `dabiao help` has its place in ORDER")

ran = 0
try:
    for cmd in ORDER:
        for line in examples(cmd):
            if failures:
                break
            if cmd in SERVING:
                serve(cmd, line)
            else:
                p = subprocess.run(["bash", "-c", "set -o pipefail; " + placed(line)], cwd=work,
                                   env=env, capture_output=True, text=True, timeout=900)
                eq(p.returncode, 0, f"`{line}` runs as printed (after the examples before "
                                    f"it): {p.stderr[-2000:]}")
            ran += 1
finally:
    smtp.stop()
check(ran >= 40, f"the examples ran: {ran}")
if not failures:
    shutil.rmtree(root, ignore_errors=True)
done(f"every help example runs as printed on the shipped plan ({ran} lines, {len(ORDER)} "
     "commands)")
