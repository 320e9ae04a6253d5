"""Help that teaches, and its copies that cannot drift.

`dabiao help`, `dabiao help COMMAND`, the man page (deploy/dabiao.1), the bash completion
(deploy/dabiao.bash-completion) and README's synopsis all come from the command table in
engine/cli/commands.c. This test compares the kept copies with what the binary prints,
checks that every command's help describes every option of its usage lines with an exit
status list and an example, that the man page formats without a warning, that the
completion completes, that `cmake --install` installs both files, and that a reader going
away ends dabiao quietly.

Run with --update to regenerate the kept copies (or `cmake --build B --target dabiao_docs`).
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from dabiao_it import BIN, SRC, Store, check, done, eq, fail  # noqa: E402

MAN = os.path.join(SRC, "deploy", "dabiao.1")
COMP = os.path.join(SRC, "deploy", "dabiao.bash-completion")
README = os.path.join(SRC, "README.md")


def out(*args):
    p = subprocess.run([BIN, *args], capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"dabiao {' '.join(args)}: exit {p.returncode}: {p.stderr}")
    return p.stdout


def readme_synopsis(text):
    """The indented block right under '## Using it', and its span in text."""
    m = re.search(r"## Using it\n\n((?:    .*\n)+)", text)
    return (m.group(1), m.span(1)) if m else (None, None)


def help_synopsis(help_text):
    return help_text.split("\nSynopsis:\n", 1)[1].split("\n\n", 1)[0] + "\n"


general = out("help")
man = out("help", "--man")
comp = out("help", "--completion")

if "--update" in sys.argv:
    with open(MAN, "w", encoding="utf-8") as f:
        f.write(man)
    with open(COMP, "w", encoding="utf-8") as f:
        f.write(comp)
    text = open(README, encoding="utf-8").read()
    block, span = readme_synopsis(text)
    if block is None:
        sys.exit("README.md has no indented block under '## Using it'")
    with open(README, "w", encoding="utf-8") as f:
        f.write(text[:span[0]] + help_synopsis(general) + text[span[1]:])
    print("updated", MAN, COMP, README)
    sys.exit(0)

HOW = "(regenerate: cmake --build build/release --target dabiao_docs)"

# ---- the kept copies ----
eq(open(MAN, encoding="utf-8").read() == man, True, f"deploy/dabiao.1 is `dabiao help --man` {HOW}")
eq(open(COMP, encoding="utf-8").read() == comp, True,
   f"deploy/dabiao.bash-completion is `dabiao help --completion` {HOW}")
block, _ = readme_synopsis(open(README, encoding="utf-8").read())
eq(block, help_synopsis(general), f"README's synopsis is `dabiao help`'s {HOW}")

# ---- every command, described ----
commands = []
for line in general.split("\nGlobal options")[0].splitlines():
    m = re.match(r"  ([a-z][a-z-]*) {2,}\S", line)
    if m:
        commands.append(m.group(1))
check(len(commands) >= 20, f"dabiao help lists the commands: {commands}")
for must in ("init", "check", "load", "import", "run", "advance", "status", "tasks", "submit",
             "audit", "report", "backup", "help"):
    check(must in commands, f"dabiao help lists {must}")
for must in ("--db DIR", "--config FILE", "-v, --verbose", "-q, --quiet", "DABIAO_DB",
             "DABIAO_SMTP", "DABIAO_AUDIT_KEY"):
    check(must in general, f"dabiao help describes {must}")
# -v and -q are explained, not just listed
check(re.search(r"-v, --verbose\n +\S.*log", general) is not None, "-v is explained")
check(re.search(r"-q, --quiet\n +\S.*error", general) is not None, "-q is explained")
for status in (64, 65, 66, 70, 73, 74, 75, 77, 78):
    check(re.search(rf"\n  {status} +\S", general) is not None,
          f"dabiao help explains exit status {status}")

for cmd in commands:
    h = out("help", cmd)
    eq(out(cmd, "--help"), h, f"`dabiao {cmd} --help` is `dabiao help {cmd}`")
    usage = h.split("\n\n", 1)[0]
    check(usage.startswith(f"usage: dabiao {cmd}"), f"{cmd}: help starts with its usage")
    # every option its usage names is described under Options, with a text
    opts_section = h.split("\nOptions:\n", 1)[1].split("\n\n", 1)[0] if "\nOptions:\n" in h else ""
    described = set(re.findall(r"^  (?:-\w, )?(--[a-z][a-z-]*)", opts_section, re.M))
    for opt in set(re.findall(r"(--[a-z][a-z-]*)", usage)):
        check(opt in described, f"{cmd}: option {opt} of its usage is described")
    for opt in described:
        check(opt in usage or cmd == "help", f"{cmd}: described option {opt} is in its usage")
    exits = h.split("\nExit status:\n", 1)[1].split("\n\n", 1)[0] if "\nExit status:\n" in h else ""
    check(re.search(r"^  0 +success", exits, re.M) is not None, f"{cmd}: exit status 0 described")
    check(re.search(r"^  64 +\S", exits, re.M) is not None, f"{cmd}: exit status 64 described")
    ex = h.split("\nExample:\n", 1)[1] if "\nExample:\n" in h else ""
    check(re.search(rf"dabiao (?:--db \S+ )?{cmd}\b", ex) is not None,
          f"{cmd}: an example that runs it")
    # the man page has the same command, each of its options and its example
    check(f'.SS "dabiao {cmd}"' in man, f"man page: section for {cmd}")
    for opt in described:
        # roff escapes every hyphen of an option (\-\-dry\-run)
        check("\\fB\\-\\-" + opt[2:].replace("-", "\\-") in man, f"man page: {cmd} {opt}")

r = subprocess.run([BIN, "help", "no-such-command"], capture_output=True, text=True)
eq(r.returncode, 64, "dabiao help no-such-command exits 64")
r = subprocess.run([BIN, "no-such-command"], capture_output=True, text=True)
eq((r.returncode, "dabiao help" in r.stderr), (64, True), "an unknown command points at dabiao help")
r = subprocess.run([BIN, "tasks", "--no-such-option"], capture_output=True, text=True)
eq((r.returncode, "dabiao help tasks" in r.stderr), (64, True),
   "a usage error points at the command's help")

# ---- the man page formats cleanly (groff's own warnings, UTF-8 through preconv) ----
pre = subprocess.run(["preconv"], input=man.encode(), capture_output=True)
g = subprocess.run(["groff", "-man", "-ww", "-z", "-Tutf8"], input=pre.stdout, capture_output=True)
eq((g.returncode, g.stderr.decode()), (0, ""), "groff -man -ww formats the man page without a warning")

# ---- the completion completes ----
def complete(line):
    """COMPREPLY for the words of line, the cursor after its last word."""
    words = line.split(" ")
    script = (f"source {COMP}\nCOMP_WORDS=({' '.join(repr(w) for w in words)})\n"
              f"COMP_CWORD={len(words) - 1}\n_dabiao\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n")
    p = subprocess.run(["bash", "--norc", "-c", script], capture_output=True, text=True,
                       cwd=SRC)
    return sorted(w for w in p.stdout.split("\n") if w)


eq(complete("dabiao ta"), ["tasks"], "completes a command")
eq(complete("dabiao --db x ad"), ["advance"], "completes a command after --db DIR")
eq(complete("dabiao tasks --format "), ["csv", "csv-excel", "json", "table"],
   "completes --format's values")
eq(complete("dabiao audit ve"), ["verify"], "completes a subcommand")
eq(complete("dabiao init --c"), ["--clock"], "completes an option")
eq(complete("dabiao help ext"), ["extend"], "help completes command names")
check("workflows" in complete("dabiao check work"), "completes a plan file's path")

# ---- installed with the binary ----
build = os.path.dirname(os.path.abspath(BIN))
if os.path.exists(os.path.join(build, "cmake_install.cmake")):
    prefix = tempfile.mkdtemp(prefix="dabiao-install-")
    p = subprocess.run(["cmake", "--install", build, "--prefix", prefix], capture_output=True,
                       text=True)
    eq(p.returncode, 0, f"cmake --install: {p.stderr}")
    for path, want in (("share/man/man1/dabiao.1", man),
                       ("share/bash-completion/completions/dabiao", comp)):
        full = os.path.join(prefix, path)
        eq(os.path.exists(full) and open(full, encoding="utf-8").read() == want, True,
           f"installed {path}")
    shutil.rmtree(prefix, ignore_errors=True)
else:
    fail(f"no cmake_install.cmake beside {BIN}")

# ---- a reader that went away: quiet, as `cat` ----
def closed_reader(*args, store=None):
    """Runs dabiao with standard output a pipe whose reader is already gone."""
    r, w = os.pipe()
    os.close(r)
    argv = [BIN] + (["--db", store.db] if store else []) + list(args)
    p = subprocess.run(argv, stdout=w, stderr=subprocess.PIPE, text=True)
    os.close(w)
    return p.returncode, p.stderr


eq(closed_reader("help", "--man"), (-signal.SIGPIPE, ""), "help | (gone): SIGPIPE, no message")
st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
st.ok("load", os.path.join(SRC, "workflows", "changji-2017.yaml"))
st.ok("import", os.path.join(SRC, "workflows", "changji-registry.yaml"))
for args in (("tasks",), ("report", "accountability"), ("audit",), ("status",)):
    eq(closed_reader(*args, store=st), (-signal.SIGPIPE, ""),
       f"dabiao {' '.join(args)} | (gone): SIGPIPE, no message")
# a full disk is still an error
if os.path.exists("/dev/full"):
    with open("/dev/full", "w") as full:
        p = subprocess.run([BIN, "--db", st.db, "tasks"], stdout=full, stderr=subprocess.PIPE,
                           text=True)
    eq((p.returncode, "No space left" in p.stderr), (74, True), "tasks > /dev/full: 74, said")
st.cleanup()

done("help, man page, completion and README agree with the command table")
