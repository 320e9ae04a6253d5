#!/usr/bin/python3
"""docs/ARCHITECTURE.md's tree lists every file of the repository, and nothing else.

    tree_lists_every_file.py SOURCE_DIR

The tree is the first code block after "## The tree". A line is a folder ("name/", or
"a/b/": one entry ending in /) whose files and folders follow, indented two spaces more;
or the names of files in the folder above it, separated by single spaces. Text after two or
more spaces describes them, and lines indented 18 spaces or more go on describing. The
repository's files are `git ls-files`, or, outside a git checkout, every file but build/.
"""
import os
import re
import subprocess
import sys

src = sys.argv[1]
doc_path = os.path.join(src, "docs", "ARCHITECTURE.md")
with open(doc_path, encoding="utf-8") as f:
    doc = f.read()
m = re.search(r"^## The tree\n.*?^```\n(.*?)^```", doc, re.S | re.M)
if not m:
    sys.exit(f"FAIL: {doc_path} has no tree (a code block after '## The tree')")
first = doc[: m.start(1)].count("\n") + 1

listed = {}  # path -> the doc's line
folders = {}
stack = []  # (indent, folder path)
errors = []
for k, line in enumerate(m.group(1).split("\n")):
    n = first + k
    if not line.strip():
        continue
    indent = len(line) - len(line.lstrip(" "))
    if indent >= 18:
        continue  # a description goes on
    names = re.split(r" {2,}", line.strip(), maxsplit=1)[0].split(" ")
    while stack and stack[-1][0] >= indent:
        stack.pop()
    parent = stack[-1][1] if stack else ""
    if len(names) == 1 and names[0].endswith("/"):
        folders[parent + names[0]] = n
        stack.append((indent, parent + names[0]))
        continue
    for name in names:
        if name.endswith("/"):
            errors.append(f"docs/ARCHITECTURE.md:{n}: folder {name} shares a line with other names: give it a line of its own")
        elif parent + name in listed:
            errors.append(f"docs/ARCHITECTURE.md:{n}: {parent + name} is listed twice (also line {listed[parent + name]})")
        else:
            listed[parent + name] = n

if os.path.isdir(os.path.join(src, ".git")) or os.path.isfile(os.path.join(src, ".git")):
    files = subprocess.run(["git", "-C", src, "ls-files", "-z"], check=True,
                           capture_output=True).stdout.decode().split("\0")
    files = [f for f in files if f]
else:
    files = []
    for root, dirs, names in os.walk(src):
        rel = os.path.relpath(root, src)
        if rel == ".":
            dirs[:] = [d for d in dirs if d not in ("build", ".git")]
        for name in names:
            files.append(os.path.normpath(os.path.join(rel, name)))
files = set(files)

for f in sorted(files - set(listed)):
    errors.append(f"{f}: not in docs/ARCHITECTURE.md's tree: add it under its folder, with what it is for")
for f in sorted(set(listed) - files):
    errors.append(f"docs/ARCHITECTURE.md:{listed[f]}: {f} is listed but is no file of the repository")
dirs = {os.path.dirname(f) + "/" for f in files}
alldirs = set()
for d in dirs:
    parts = d.strip("/").split("/")
    for i in range(1, len(parts) + 1):
        alldirs.add("/".join(parts[:i]) + "/")
for d in sorted(set(folders) - alldirs):
    errors.append(f"docs/ARCHITECTURE.md:{folders[d]}: folder {d} is listed but has no file")

for e in errors:
    print(e)
if errors:
    print(f"FAIL: {len(errors)} difference(s) between docs/ARCHITECTURE.md's tree and the repository's files")
    sys.exit(1)
print(f"ok: the tree lists all {len(files)} files, in {len(folders)} folders")
