"""Every name a template may use is documented (review12z, Z5): `overdue.txt` used
{{explain_to}} and `escalation.txt` {{report_to_other}}, which notifiers/templates/README.md
("Only the names listed below exist") did not list, nor `candidate_changes` and
`receipt_proof`. Each name the renderer knows (notifiers/template.c's list) and each name a
built-in template uses has a row of its own in the README's tables, so a bureau copying a
template can tell what every {{field}} means and when it is empty."""
import glob
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import SRC, check, done, eq  # noqa: E402

with open(os.path.join(SRC, "notifiers", "templates", "README.md"), encoding="utf-8") as f:
    readme = f.read()
# a table row names its fields in its first cell: | `a`, `b` | meaning |
documented = set()
for line in readme.splitlines():
    m = re.match(r"^\|([^|]*)\|", line)
    if m:
        documented |= set(re.findall(r"`([a-z_0-9]+)`", m.group(1)))

used = {}
for path in sorted(glob.glob(os.path.join(SRC, "notifiers", "templates", "zh-CN", "*.txt"))):
    with open(path, encoding="utf-8") as f:
        for name in re.findall(r"\{\{[#^/]?([a-z_0-9]+)\}\}", f.read()):
            used.setdefault(name, os.path.basename(path))
check(len(used) > 40, f"the built-in templates use their names: {len(used)}")
eq(sorted(n for n in used if n not in documented), [],
   "every name a built-in template uses is in notifiers/templates/README.md's tables")

with open(os.path.join(SRC, "notifiers", "template.c"), encoding="utf-8") as f:
    src = f.read()
m = re.search(r"notify_tpl_names\[\]\s*=\s*\{(.*?)NULL", src, re.S)
check(m is not None, "notifiers/template.c lists the names it knows")
known = set(re.findall(r'"([a-z_0-9]+)"', re.sub(r"/\*.*?\*/", "", m.group(1), flags=re.S))) if m else set()
check(len(known) >= len(used), f"the renderer's list: {len(known)} names")
eq(sorted(known - documented), [], "every name the renderer knows is documented")
done("every template field is documented")
