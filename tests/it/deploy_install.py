"""deploy/README.md's install steps install the manual page and the bash completion with
the binary (review 13d, F1): README says `man dabiao` works once dabiao is installed. The
guide's `cmake --install` line is run here with DESTDIR into a temporary folder, from the
build this test runs with; what it puts under /usr/local must hold the binary, the page
`man` finds and the completion bash-completion loads, byte for byte deploy/'s files."""
import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import BIN, check, done, eq, src  # noqa: E402

with open(src("deploy", "README.md"), encoding="utf-8") as f:
    guide = f.read()
m = re.search(r"^## Install\n(.*?)^## ", guide, re.S | re.M)
check(m is not None, "deploy/README.md has an Install section")
steps = [ln.strip() for ln in (m.group(1) if m else "").splitlines() if ln.startswith("    ")]
inst = [s for s in steps if re.fullmatch(r"sudo cmake --install \S+", s)]
eq(len(inst), 1, f"the install steps run `cmake --install` once: {steps}")
check(not any(re.match(r"sudo install .*build/release/dabiao", s) for s in steps),
      "the binary is not installed alone by hand (without its manual page)")
apt = [s for s in steps if s.startswith("sudo apt-get install")]
check(any("man-db" in s.split() and "bash-completion" in s.split() for s in apt),
      f"the steps install what reads the page and the completion: {apt}")

build = os.path.dirname(os.path.abspath(shutil.which(BIN) or BIN))
root = tempfile.mkdtemp(prefix="dabiao-it-install-")
p = subprocess.run(["cmake", "--install", build], capture_output=True, text=True,
                   env={**os.environ, "DESTDIR": root}, timeout=300)
eq(p.returncode, 0, f"cmake --install works: {p.stderr}")
usr = os.path.join(root, "usr", "local")
check(os.access(os.path.join(usr, "bin", "dabiao"), os.X_OK), "the binary is installed")
page = os.path.join(usr, "share", "man", "man1", "dabiao.1")
check(os.path.isfile(page) and filecmp.cmp(page, src("deploy", "dabiao.1"), shallow=False),
      "the manual page is installed where man looks (share/man/man1)")
comp = os.path.join(usr, "share", "bash-completion", "completions", "dabiao")
check(os.path.isfile(comp) and
      filecmp.cmp(comp, src("deploy", "dabiao.bash-completion"), shallow=False),
      "the completion is installed where bash-completion loads it, named after the command")
check(os.path.isdir(os.path.join(usr, "share", "dabiao", "templates", "zh-CN")),
      "the notice templates are installed")
check(any(n.endswith(".yaml") for n in os.listdir(os.path.join(usr, "share", "dabiao",
                                                               "calendars"))),
      "the working-day calendars are installed")
if shutil.which("man"):
    # what `man dabiao` finds once /usr/local/share/man is this folder
    p = subprocess.run(["man", "-w", "dabiao"], capture_output=True, text=True,
                       env={**os.environ, "MANPATH": os.path.join(usr, "share", "man")})
    eq((p.returncode, p.stdout.strip()), (0, page), "man finds the installed page")
shutil.rmtree(root, ignore_errors=True)
done("the documented install puts the manual page and the completion with the binary")
